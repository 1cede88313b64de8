"""The data rows of a sheet as SpreadsheetML, built column by column, spliced into an .xlsx.

XlsxWriter spends most of a big workbook's time in its per-cell calls (a dimension check, a
cell tuple, then an XML element per cell). Here each column is converted once, without a Python
call per cell: a column of numbers or of values of one type is factorised and each distinct value
converted once (a township, a status or a reason repeats thousands of times; the texts among them
are checked for what needs escaping in one search over them joined), and the rows are joined
from the columns' pieces a block at a time. The cells are exactly the
elements XlsxWriter writes in constant-memory mode (in-line strings, the same number text
``{:.16G}``, the same date serials, the same control-character escapes), so a workbook reads back
the same whichever way it was written.

XlsxWriter still writes everything else of the sheet (header row, widths, panes, filter,
conditional formats, print set-up, comments and the styles); :func:`splice` puts the rows
written here into its ``<sheetData>`` afterwards. The rows are deflated as they are written
(:class:`DeflatedRows`, in a second thread) and go into the .xlsx as they are, never written
out uncompressed nor compressed twice.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

import numpy as np
import pandas as pd
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

from landgov.core.safe_text import (
    EXCEL_CELL_LIMIT,
    CellText,
    cell_text,
    formula_like_each,
    is_formula_like,
)
from landgov.reports._deflate import compressobj, crc32

__all__ = [
    "CHUNK_ROWS",
    "Body",
    "ColumnStyles",
    "DeflatedRows",
    "KeptCells",
    "RowsFile",
    "as_cell",
    "crc32_combine",
    "splice",
    "write_rows",
]

#: Rows converted at a time (bounds the memory of the cell ends of one chunk).
CHUNK_ROWS = 100_000
#: Rows joined into one string and written at a time (small: the memory is reused).
JOIN_ROWS = 2_000
_ZIP_LEVEL = 1  # deflate level of the spliced sheets: most of the time, little of the size
_SPOOL_BYTES = 64 << 20  # deflated rows kept in memory up to this size (per sheet), then in a file


def as_cell(value: object) -> object:
    """A value a writer can store: NaN/NA → empty, numpy scalars → Python, bool → 是/否,
    lists → text."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        out: object = None
    elif isinstance(value, bool):
        out = "是" if value else "否"
    elif isinstance(value, float) and np.isnan(value):
        out = None
    elif isinstance(value, pd.Timestamp):
        out = value.to_pydatetime()
    elif isinstance(value, list | tuple | set):
        out = "；".join(str(v) for v in value)
    elif isinstance(value, str | int | float | dt.date | dt.datetime):
        out = value
    else:
        out = str(value)
    return out


@dataclass(frozen=True)
class ColumnStyles:
    """The XlsxWriter style indices (``s``) of one column's cells by what they hold."""

    text: int
    quoted: int  # formula-like text: quotePrefix
    number: int
    date: int
    stamp: int  # a date with a time of day


_R = TypeVar("_R")


class _Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class DeflatedRows:
    """Bytes written to it kept as raw deflate data, ready to go into a zip member unchanged
    (:func:`splice`).

    Each write is compressed (:data:`_ZIP_LEVEL`) by a worker thread while the caller builds the
    next (zlib lets go of the GIL), into a temporary file that stays in memory up to
    :data:`_SPOOL_BYTES`; the data ends on a byte boundary (a sync flush) so that more deflate
    data can follow it. ``crc`` and ``size`` are the CRC-32 and length of the bytes.
    """

    def __init__(self, folder: Path, *, path: Path | None = None, level: int = _ZIP_LEVEL) -> None:
        #: ``path``: the data go into this file (for another process), never held in memory;
        #: ``level``: the deflate level (that of the zip member the data will end).
        self.file: IO[bytes] = (
            tempfile.SpooledTemporaryFile(  # noqa: SIM115  (closed by close)
                max_size=_SPOOL_BYTES, mode="w+b", dir=str(folder)
            )
            if path is None
            else path.open("w+b")
        )
        self.path = path
        self.crc = self.size = 0
        self._deflate = compressobj(level)
        self._worker = ThreadPoolExecutor(max_workers=1)
        self._pending: Future[None] | None = None

    def _add(self, data: bytes) -> None:
        self.crc = crc32(data, self.crc)
        self.file.write(self._deflate.compress(data))

    def _wait(self) -> None:
        if self._pending is not None:
            self._pending.result()  # raises what the worker raised
            self._pending = None

    def write(self, data: bytes) -> None:
        """Add ``data`` (compressed while the caller goes on)."""
        self.size += len(data)
        self._wait()  # one block in flight: memory stays bounded
        self._pending = self._worker.submit(self._add, data)

    def finish(self) -> None:
        """Wait for the last block and end the data on a byte boundary."""
        try:
            self._wait()
            self.file.write(self._deflate.flush(zlib.Z_SYNC_FLUSH))
        finally:
            self._worker.shutdown()

    def close(self) -> None:
        """Free the data (and stop the worker if :meth:`finish` was not called)."""
        self._worker.shutdown()
        self.file.close()

    @classmethod
    def filled(
        cls,
        fill: Callable[[DeflatedRows], _R],
        folder: Path,
        *,
        path: Path | None = None,
        level: int = _ZIP_LEVEL,
    ) -> tuple[DeflatedRows, _R]:
        """New rows (the arguments of the class) written by ``fill`` and finished; returns
        them with what ``fill`` returned. Freed if ``fill`` or the finish fails."""
        rows = cls(folder, path=path, level=level)
        try:
            result = fill(rows)
            rows.finish()
        except BaseException:
            rows.close()
            raise
        return rows, result

    def handed_over(self) -> RowsFile:
        """The finished rows as another process hands them back (:class:`RowsFile`): the
        file given as ``path`` is closed, complete on disk."""
        if self.path is None:
            raise ValueError("DeflatedRows written without a path stay in this process")
        self.close()
        return RowsFile(self.path, self.crc, self.size)

    def copy_to(self, out: IO[bytes]) -> int:
        """Copy the deflate data to ``out``; returns its length."""
        self.file.seek(0)
        shutil.copyfileobj(self.file, out, 1 << 20)
        return self.file.tell()


@dataclass(frozen=True)
class RowsFile:
    """Deflated rows another process wrote to a file (:class:`DeflatedRows` with a ``path``):
    what :func:`splice` needs of them, and all that travels between the processes."""

    path: Path
    crc: int  # CRC-32 of the rows' bytes
    size: int  # length of the rows' bytes (not of their deflate data)

    def copy_to(self, out: IO[bytes]) -> int:
        """Copy the deflate data to ``out``; returns its length."""
        with self.path.open("rb") as data:
            shutil.copyfileobj(data, out, 1 << 20)
            return data.tell()

    def close(self) -> None:
        """Nothing to free: the file goes with the scratch folder it was written in."""


@dataclass(frozen=True)
class Body:
    """The rows written for one sheet and the cells' extent."""

    rows: DeflatedRows | RowsFile
    last_row: int  # 1-based; 0 when no data row has a cell
    last_col: int  # 1-based; 0 when no data row has a cell


_INF_ERROR = "NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option"

#: (row, column) both 1-based, and what :func:`cell_text` made of the cell's text.
Fix = tuple[int, int, CellText]


#: What makes a text need more than wrapping in ``<t>``: a control character or one XML or an
#: .xlsx cannot hold, markup, an escape-like 「_x0041_」, or white space at either end.
_SPECIAL = re.compile(r"[\x00-\x1f&<>\ud800-\udfff\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_SHORT = EXCEL_CELL_LIMIT // 2  # a text this long or shorter is never cut


def _text_tail(text: str, styles: ColumnStyles) -> tuple[str, CellText]:
    """The end of an in-line string cell (after ``r="A1"``) and the cleaned text."""
    if len(text) <= _SHORT and not _SPECIAL.search(text):  # most texts: nothing to change
        style = styles.quoted if is_formula_like(text) else styles.text
        return f'" s="{style}" t="inlineStr"><is><t>{text}</t></is></c>', CellText(text)
    fixed = cell_text(text)
    value = fixed.text.replace("\r\n", "\n").replace("\r", "\n")
    style = styles.quoted if is_formula_like(value) else styles.text
    value = XMLwriter._escape_control_characters(value)
    space = ' xml:space="preserve"' if _preserve_whitespace(value) else ""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'" s="{style}" t="inlineStr"><is><t{space}>{value}</t></is></c>', fixed


def _number_tail(number: float, style: int) -> str:
    if math.isinf(number):
        raise TypeError(_INF_ERROR)
    return f'" s="{style}"><v>{number:.16G}</v></c>'


#: The Python types whose values :func:`pandas.factorize` keeps apart exactly when a column
#: holds only one of them (mixed, ``True == 1 == 1.0`` and a Timestamp equals its datetime;
#: floats are left out: ``0.0 == -0.0`` but the cells differ).
_ONE_TYPE = frozenset({str, bool, int, dt.date, dt.datetime, pd.Timestamp})
#: The missing values a column may hold beside them (each is an empty cell, as :func:`as_cell`
#: makes it).
_MISSING_TYPES = frozenset({type(None), float, type(pd.NA), type(pd.NaT)})
#: What makes a text need :func:`_text_tail` (:data:`_SPECIAL` but markup, tabs and line feeds
#: inside it, and white space at either end, which is found by stripping), each searched for
#: on its own over texts joined by ``\x00`` (a text holding one is never batched).
_SEVERE = (
    re.compile(r"[\x01-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]"),
    re.compile(r"_x[0-9a-fA-F]{4}_"),
)
_MARKUP = re.compile(r"[&<>]")


def _texts_hit(joined: str, starts: np.ndarray, pattern: re.Pattern[str]) -> np.ndarray:
    """Which of the texts joined in ``joined`` (beginning at ``starts``) ``pattern`` finds."""
    hit = np.zeros(len(starts), dtype=bool)
    at = [m.start() for m in pattern.finditer(joined)]
    hit[np.searchsorted(starts, at, side="right") - 1] = True
    return hit


class _Column:
    """Converts one column's values to the ends of its cell elements (after ``r="A1``).

    Each distinct value is converted once: a column of numbers or of values of one type is
    factorised and its distinct values converted; the texts among them are checked in one pass
    over them joined. Columns of mixed types go value by value (:meth:`per_value`), remembering
    each distinct value's end.
    """

    def __init__(
        self,
        col: int,
        styles: ColumnStyles,
        serial: Callable[[Any], float],
        *,
        empty_text: bool,
    ) -> None:
        self.col, self.styles, self.serial, self.empty_text = col, styles, serial, empty_text
        self.start = f'<c r="{xl_col_to_name(col - 1)}'.encode()
        self.cache: dict[tuple[type, object], tuple[str, CellText | None]] = {}
        self.texts: dict[str, tuple[str, CellText | None]] = {}

    def _tail(self, value: object) -> tuple[str, CellText | None]:
        cell = as_cell(value)
        if cell is None or (cell == "" and not self.empty_text):
            return "", None
        if isinstance(cell, str):
            tail, fixed = _text_tail(cell, self.styles)
            return tail, fixed if fixed.changed else None
        if isinstance(cell, dt.date):
            style = self.styles.stamp if isinstance(cell, dt.datetime) else self.styles.date
            return _number_tail(self.serial(cell), style), None
        return _number_tail(cell, self.styles.number), None  # type: ignore[arg-type]

    def tails(self, values: pd.Series, first: int, fixes: list[Fix]) -> np.ndarray:
        """The ends of the cell elements of ``values`` in UTF-8 (``b""`` where no cell), an
        object array; ``first`` is the first value's row number (for the fixes)."""
        found = self._factorised(values)
        if found is None:
            return np.array([*map(str.encode, self.per_value(values, first, fixes))], dtype=object)
        codes, uniques = found
        ends = self._distinct_tails(uniques, codes, first, fixes)
        return np.array([*map(str.encode, ends), b""], dtype=object)[codes]  # -1: the b""

    def _factorised(self, values: pd.Series) -> tuple[np.ndarray, list[Any]] | None:
        """Codes (``-1`` missing) and the distinct values, or ``None`` for a mixed column."""
        if isinstance(values.dtype, pd.StringDtype):  # text or missing: Arrow factorises it
            codes, uniques = pd.factorize(values)
            return codes, uniques.tolist()
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiub":
            array = values.to_numpy()
            if array.dtype.kind == "f":
                if np.isinf(array).any():
                    raise TypeError(_INF_ERROR)
                if (np.signbit(array) & (array == 0)).any():
                    return None  # -0.0 factorises with 0.0 but is written 「-0」
            codes, uniques = pd.factorize(array)
            return codes, uniques.tolist()
        array = values.to_numpy(dtype=object)
        missing = pd.isna(array)
        if missing.any():
            if not {type(v) for v in array[missing].tolist()} <= _MISSING_TYPES:
                return None
            kinds = {type(v) for v in array[~missing].tolist()}
        else:
            kinds = set(map(type, array.tolist()))
        if len(kinds) > 1 or not kinds <= _ONE_TYPE:
            return None
        codes, uniques = pd.factorize(array)
        codes[missing] = -1
        return codes, list(uniques)

    def _distinct_tails(
        self, uniques: list[Any], codes: np.ndarray, first: int, fixes: list[Fix]
    ) -> list[str]:
        """The cell ends of the distinct values (``""``: no cell)."""
        if not uniques:
            return []
        if type(uniques[0]) is str:
            ends, changed = self._text_tails(uniques)
        elif type(uniques[0]) in (float, int):  # factorised: no NaN, no infinity, no -0.0
            # formatted each time: a dict of the texts made so far (the lists repeat each
            # other's numbers) cost more than it saved (2.1 s against 1.3 s of CPU over the
            # 1.9 million distinct numbers of d50k's two workbooks, 44 % of them repeats)
            mid = f'" s="{self.styles.number}"><v>'
            return [f"{mid}{x:.16G}</v></c>" for x in uniques]
        elif type(uniques[0]) in (dt.date, dt.datetime):  # as _tail writes them
            style = self.styles.stamp if type(uniques[0]) is dt.datetime else self.styles.date
            return [_number_tail(self.serial(u), style) for u in uniques]
        else:
            pairs = [self._tail(u) for u in uniques]
            ends = [tail for tail, _ in pairs]
            changed = {k: fixed for k, (_, fixed) in enumerate(pairs) if fixed is not None}
        for k, fixed in changed.items():
            fixes.extend((first + int(i), self.col, fixed) for i in np.flatnonzero(codes == k))
        return ends

    def _text_tails(self, texts: list[str]) -> tuple[list[str], dict[int, CellText]]:
        """The cell ends of distinct texts, and the changed texts by position.

        Texts that need no more than wrapping in ``<t>`` and escaping markup are found in one
        search over all of them joined and escaped together; the others (:data:`_SEVERE_JOINED`,
        long texts) go through :func:`_text_tail`.
        """
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        joined = "\x00" + "\x00".join(texts) + "\x00"
        values = np.array(texts, dtype=object)
        if joined.count("\x00") != len(texts) + 1:  # a text holds the separator
            special = np.ones(len(texts), dtype=bool)
        else:
            starts = 1 + np.concatenate(([0], np.cumsum(lengths[:-1] + 1)))
            stripped = np.fromiter(map(len, map(str.strip, texts)), np.int64, len(texts))
            special = (lengths > _SHORT) | (stripped != lengths)  # white space at an end
            for pattern in _SEVERE:
                special |= _texts_hit(joined, starts, pattern)
            markup = np.flatnonzero(_texts_hit(joined, starts, _MARKUP) & ~special)
            if markup.size:  # escaped all at once, as _text_tail escapes them
                part = "\x00".join(values[markup].tolist())
                part = part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                values[markup] = part.split("\x00")
        text, quoted = (
            f'" s="{s}" t="inlineStr"><is><t>' for s in (self.styles.text, self.styles.quoted)
        )
        opening = np.where(formula_like_each(texts), quoted, text).astype(object)
        ends = (opening + values + "</t></is></c>").tolist()
        changed: dict[int, CellText] = {}
        for k in np.flatnonzero(special).tolist():
            ends[k], fixed = _text_tail(texts[k], self.styles)
            if fixed.changed:
                changed[k] = fixed
        if not self.empty_text and (empty := np.flatnonzero(lengths == 0)).size:
            ends[int(empty[0])] = ""
        return ends, changed

    def per_value(self, values: pd.Series, first: int, fixes: list[Fix]) -> list[str]:
        """The cell ends of ``values`` converted value by value (``""`` where no cell)."""
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiu":
            return self._numbers(values)
        out = []
        cache, texts, tail_of = self.cache, self.texts, self._tail
        for k, v in enumerate(values.tolist()):
            if v is None:
                out.append("")
                continue
            if type(v) is str:  # the commonest case, without a key tuple
                if (known := texts.get(v)) is None:
                    known = texts[v] = tail_of(v)
                tail, fixed = known
            elif type(v) is float:  # a number among blanks: NaN is empty
                if math.isnan(v):
                    out.append("")
                    continue
                tail, fixed = _number_tail(v, self.styles.number), None
            else:
                try:
                    key = (type(v), v)
                    tail, fixed = cache[key]
                except KeyError:
                    tail, fixed = tail_of(v)
                    if tail:
                        cache[key] = (tail, fixed)
                except TypeError:  # unhashable (a list)
                    tail, fixed = tail_of(v)
            if fixed is not None:
                fixes.append((first + k, self.col, fixed))
            out.append(tail)
        return out

    def _numbers(self, values: pd.Series) -> list[str]:
        """A numpy number column in one pass (NaN is empty)."""
        array = values.to_numpy()
        kind = array.dtype.kind
        if kind == "f" and np.isinf(array).any():
            raise TypeError(_INF_ERROR)
        mid = f'" s="{self.styles.number}"><v>'
        empty = np.isnan(array).tolist() if kind == "f" else [False] * len(array)
        return [
            "" if m else f"{mid}{x:.16G}</v></c>"
            for x, m in zip(array.tolist(), empty, strict=True)
        ]


def _row_starts(rows: np.ndarray, heights: Sequence[float | None]) -> np.ndarray:
    """The ``<row>`` start tags of ``rows`` (their numbers in UTF-8), each distinct height's
    attributes made once."""
    ends: dict[float | None, bytes] = {}
    tails = []
    for height in heights:
        if (end := ends.get(height)) is None:
            end = ends[height] = _row_start("", height)[len('<row r="') :].encode()
        tails.append(end)
    return b'<row r="' + rows + np.array(tails, dtype=object)


def _row_start(row: str, height: float | None) -> str:
    if height is None:
        return f'<row r="{row}">'
    points = int(height * 4.0 / 3.0 + 0.5) * 0.75  # as XlsxWriter's set_row stores it
    return f'<row r="{row}" ht="{points:.16g}" customHeight="1">'


def _same_object(a: object, b: object) -> bool:
    """Whether two cell values are the same value of the same type (0.0 is not -0.0)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if type(a) is float:
        return (a == b and math.copysign(1.0, a) == math.copysign(1.0, b)) or (a != a and b != b)  # type: ignore[operator]  # noqa: PLR0124
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # pd.NA, arrays: not known to be the same
        return False


def _identical(a: pd.Series, b: pd.Series) -> bool:
    """Whether two columns hold the same values, cell for cell, so that they are written the
    same: one dtype, missing in the same places, equal values, 0.0 apart from -0.0."""
    if a.dtype != b.dtype or len(a) != len(b):
        return False
    if a.dtype == object:
        return all(map(_same_object, a.tolist(), b.tolist()))
    if isinstance(a.dtype, np.dtype):
        same = np.array_equal(a.to_numpy(), b.to_numpy(), equal_nan=a.dtype.kind in "fc")
    else:
        same = a.array.equals(b.array)
    if same and a.dtype.kind == "f":  # -0.0 equals 0.0, but is written 「-0」
        x, y = (v.to_numpy(float, na_value=np.nan) for v in (a, b))
        same = np.array_equal(np.signbit(x), np.signbit(y))
    return bool(same)


def _rows_in(source: pd.Index, index: pd.Index) -> np.ndarray | None:
    """Where each label of ``index`` is in ``source``; ``None`` when one is not there or
    either index holds a label twice."""
    if not (source.is_unique and index.is_unique):
        return None
    rows = source.get_indexer(index)
    return None if (rows < 0).any() else rows


def _rows_of(later: pd.DataFrame, table: pd.DataFrame) -> bool:
    """Whether ``later``'s rows are rows of ``table``, as far as its first column that
    ``table`` also has tells: every index label of ``later`` is in ``table``'s (each once in
    both), and that column holds ``table``'s values at those rows (:func:`_identical`)."""
    names = list(table.columns)
    shared = next((j for j, name in enumerate(later.columns) if name in names), None)
    rows = None if shared is None else _rows_in(table.index, later.index)
    if shared is None or rows is None:
        return False
    column = table.iloc[:, names.index(later.columns[shared])].iloc[rows]
    return _identical(later.iloc[:, shared].reset_index(drop=True), column.reset_index(drop=True))


class KeptCells:
    """What the columns of a workbook's sheets were made into, kept for a later sheet whose rows
    are rows of theirs: the 治理清单's rows are rows of the 底数清单, with the same columns.

    A column of a later sheet takes an earlier sheet's result (its cell ends, or the lines its
    texts wrap to) instead of converting its values again when the key is the same (label,
    styles, widths), every row of the later sheet is a row of the earlier one by index label
    (each label once in both), and its values are the earlier values at those rows, cell for
    cell (:func:`_identical`). The workbook is then the same byte for byte as one written
    without it. Only the sheets that may serve are kept, and nothing while :attr:`active` is
    false: where the sheets are shared with a forked child, neither process would see the
    other's (:func:`~landgov.reports._sheetfork.write_bodies`).
    """

    def __init__(self, tables: Sequence[pd.DataFrame] = ()) -> None:
        """``tables``: the workbook's, in the order their sheets are written; those a later
        table's rows are rows of (:func:`_rows_of`) are kept."""
        self.active = True
        self._sheets: list[tuple[pd.Index, dict[Hashable, tuple[pd.Series, Any]]]] = []
        self._rows: tuple[pd.Index, pd.Index, np.ndarray | None] | None = None
        self._sources = [
            table.index
            for k, table in enumerate(tables)
            if any(_rows_of(later, table) for later in tables[k + 1 :])
        ]

    def keep(self, index: pd.Index, key: Hashable, values: pd.Series, result: Any) -> None:
        """Keep ``result``, made of ``values`` (a column of the table with ``index``)."""
        if not self.active or not any(index is source for source in self._sources):
            return
        if not self._sheets or self._sheets[-1][0] is not index:
            self._sheets.append((index, {}))
        self._sheets[-1][1][key] = (values, result)

    def reused(
        self, index: pd.Index, key: Hashable, values: pd.Series
    ) -> tuple[Any, np.ndarray] | None:
        """An earlier result for ``values`` (a column of the table with ``index``), and the
        rows of its table that are this table's rows; ``None``: none."""
        if not self.active:
            return None
        for source, columns in reversed(self._sheets):
            if source is index or key not in columns:
                continue
            rows = self._positions(source, index)
            if rows is None:
                continue
            earlier, result = columns[key]
            if _identical(values.reset_index(drop=True), earlier.iloc[rows].reset_index(drop=True)):
                return result, rows
        return None

    def _positions(self, source: pd.Index, index: pd.Index) -> np.ndarray | None:
        """:func:`_rows_in`, for the last pair of indexes asked about (one per column)."""
        if self._rows is None or self._rows[0] is not source or self._rows[1] is not index:
            self._rows = (source, index, _rows_in(source, index))
        return self._rows[2]

    def made(
        self, index: pd.Index, key: Hashable, values: pd.Series, make: Callable[[], _R]
    ) -> tuple[_R, np.ndarray | None]:
        """An earlier sheet's result for ``values`` (:meth:`reused`) and its rows that are this
        table's rows; else ``make()``, kept (:meth:`keep`), and ``None``."""
        found = self.reused(index, key, values)
        if found is not None:
            return found
        result = make()
        self.keep(index, key, values, result)
        return result, None


def _column_ends(
    column: _Column,
    values: pd.Series,
    first: int,
    fixes: list[Fix],
    *,
    kept: KeptCells | None,
    index: pd.Index,
    label: Hashable,
) -> np.ndarray:
    """:meth:`_Column.tails` of ``values``, or those of an earlier sheet's same column taken
    row by row (:class:`KeptCells`), its text fixes with them."""
    if kept is None:
        return column.tails(values, first, fixes)

    def make() -> tuple[np.ndarray, dict[int, CellText]]:
        before = len(fixes)
        ends = column.tails(values, first, fixes)
        return ends, {row - first: fix for row, _, fix in fixes[before:]}

    key = ("cells", label, column.styles, column.empty_text)
    (ends, fixed), rows = kept.made(index, key, values, make)
    if rows is None:  # made now: its fixes are in ``fixes`` already
        return ends
    for k in np.flatnonzero(np.isin(rows, list(fixed))).tolist():
        fixes.append((first + k, column.col, fixed[int(rows[k])]))
    return ends[rows]


def write_rows(
    table: pd.DataFrame,
    out: _Sink,
    *,
    styles: Sequence[ColumnStyles],
    heights: Sequence[float | None],
    serial: Callable[[Any], float],
    empty_text: bool = True,
    kept: KeptCells | None = None,
) -> tuple[int, int, list[Fix]]:
    """Write the ``<row>`` elements of ``table`` (data from sheet row 2) to ``out``.

    ``empty_text``: whether an empty text is a cell (XlsxWriter writes one, openpyxl none).
    ``kept``: the workbook's :class:`KeptCells` (a table of one chunk, :data:`CHUNK_ROWS`, takes
    and leaves its columns' cells there).

    Returns
    -------
    tuple
        The last row and column holding a cell (1-based, 0 when none) and every text cell that
        :func:`~landgov.core.safe_text.cell_text` changed, in row-major order.
    """
    columns = [_Column(j, s, serial, empty_text=empty_text) for j, s in enumerate(styles, start=1)]
    fixes: list[Fix] = []
    last_row = last_col = 0
    # one line per row: its start tag, (start, row, end) of each cell, its end tag
    grid = np.empty((min(JOIN_ROWS, len(table)), 3 * len(columns) + 2), dtype=object)
    grid[:, -1] = b"</row>"
    kept = kept if len(table) <= CHUNK_ROWS else None
    for begin in range(0, len(table), CHUNK_ROWS):
        part = table.iloc[begin : begin + CHUNK_ROWS]
        ends = [
            _column_ends(
                column,
                part.iloc[:, j],
                begin + 2,
                fixes,
                kept=kept,
                index=table.index,
                label=table.columns[j],
            )
            for j, column in enumerate(columns)
        ]
        cells = [end != b"" for end in ends]
        last_col = max([last_col, *(j for j, cell in enumerate(cells, start=1) if cell.any())])
        for first in range(0, len(part), JOIN_ROWS):
            block = slice(first, first + JOIN_ROWS)
            filled = np.logical_or.reduce([cell[block] for cell in cells]) if cells else None
            if filled is None or not filled.any():
                continue  # XlsxWriter (constant memory) writes no row without cells
            at = begin + first + 2
            rows = np.arange(at, at + len(filled)).astype(np.bytes_).astype(object)
            lines = grid[: len(filled)]
            lines[:, 0] = _row_starts(rows, heights[at - 2 : at - 2 + len(filled)])
            for j, column in enumerate(columns):
                cell, piece = cells[j][block], lines[:, 3 * j + 1 : 3 * j + 4]
                if not cell.any():
                    piece[:] = b""
                    continue
                piece[:, 0], piece[:, 1], piece[:, 2] = column.start, rows, ends[j][block]
                if not cell.all():
                    piece[~cell, :2] = b""
            shown = lines if filled.all() else lines[filled]
            out.write(b"".join(shown.ravel().tolist()))
            last_row = at + int(np.flatnonzero(filled)[-1])
    fixes.sort(key=lambda fix: (fix[0], fix[1]))
    return last_row, last_col, fixes


_DIMENSION = re.compile(r'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/>')


def _col_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _dimension(xml: str, body: Body) -> str:
    """``xml``'s ``<dimension>`` widened to the rows spliced in."""
    found = _DIMENSION.search(xml)
    if found is None or not body.last_row:
        return xml
    first, top = found.group(1), int(found.group(2))
    last = found.group(3) or first
    col = max(_col_number(last), body.last_col)
    ref = f"{first}{top}:{xl_col_to_name(col - 1)}{max(body.last_row, int(found.group(4) or top))}"
    return xml[: found.start()] + f'<dimension ref="{ref}"/>' + xml[found.end() :]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of ``a + b`` from ``crc1`` of ``a``, ``crc2`` of ``b`` and ``len2`` of ``b``
    (zlib's ``crc32_combine``, which Python's zlib does not expose).

    >>> crc32_combine(zlib.crc32(b"ab"), zlib.crc32(b"cde"), 3) == zlib.crc32(b"abcde")
    True
    """

    def times(matrix: list[int], vector: int) -> int:
        total, row = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[row]
            vector >>= 1
            row += 1
        return total

    def square(matrix: list[int]) -> list[int]:
        return [times(matrix, matrix[n]) for n in range(32)]

    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    even = square(odd)  # two zero bits
    odd = square(even)  # four zero bits
    while True:  # apply len2 zero bytes to crc1
        even = square(odd)
        if len2 & 1:
            crc1 = times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = square(even)
        if len2 & 1:
            crc1 = times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _append_deflated(out: IO[bytes], rows: DeflatedRows | RowsFile) -> None:
    """Put ``rows``' deflate data into the zip member being written to ``out`` unchanged.

    ``out`` is the writer :meth:`zipfile.ZipFile.open` returns (CPython's ``_ZipWriteFile``):
    what it compressed so far is flushed to a byte boundary, the rows' data follows as it is,
    its CRC and sizes are added, and a new compressor (that refers to nothing before it)
    takes what is written next. Raw deflate data joined like this is one valid stream.
    """
    writer: Any = out
    flushed = writer._compressor.flush(zlib.Z_SYNC_FLUSH)
    writer._fileobj.write(flushed)
    writer._compress_size += len(flushed) + rows.copy_to(writer._fileobj)
    writer._crc = crc32_combine(writer._crc, rows.crc, rows.size)
    writer._file_size += rows.size
    writer._compressor = compressobj(_ZIP_LEVEL)


def splice(
    workbook: Path,
    bodies: dict[int, Body],
    target: Path,
    *,
    edit: Callable[[str, bytes], bytes] | None = None,
) -> None:
    """Copy ``workbook`` to ``target`` with each sheet's rows put into its ``<sheetData>``.

    ``bodies`` maps a sheet's position (0-based, its ``xl/worksheets/sheet{n+1}.xml``) to the
    rows written for it. ``edit(name, data)``, if given, rewrites each part of ``workbook``
    (a sheet without the rows spliced in) before it is copied.
    """
    members = {f"xl/worksheets/sheet{index + 1}.xml": body for index, body in bodies.items()}
    with (
        zipfile.ZipFile(workbook) as source,
        zipfile.ZipFile(
            target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL
        ) as dest,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if edit is not None:
                data = edit(info.filename, data)
            body = members.get(info.filename)
            if body is None:
                dest.writestr(info, data)
                continue
            xml = _dimension(data.decode("utf-8"), body)
            if "</sheetData>" in xml:
                head, tail = xml.split("</sheetData>", 1)
            else:
                head, tail = xml.split("<sheetData/>", 1)
                head += "<sheetData>"
            # opened by name: the entry takes the archive's deflate level
            with dest.open(info.filename, "w", force_zip64=True) as out:
                out.write(head.encode("utf-8"))
                _append_deflated(out, body.rows)
                out.write(b"</sheetData>" + tail.encode("utf-8"))
