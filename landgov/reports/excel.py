"""Write lists to Excel the way staff expect them, ready to hand out.

Chinese headers (made unique within a sheet), a frozen header row (and the code and name
columns of a list, :class:`SheetStyle`), filters on every column (totals such as 全区 kept below
the filter range), a number format for every numeric column (the registry's, else by dtype),
是/否 for yes/no, real dates, long text wrapped, 待核实 cells highlighted, and a print set-up
(landscape A4/A3, fit to width, header row repeated, page numbers). :func:`write_workbook`
writes a new workbook in one pass with XlsxWriter (constant-memory mode): XlsxWriter writes the
header row, layout, styles and print set-up, and the data rows are built column by column
(each distinct text, date or 是/否 converted once) and spliced into its sheets
(:mod:`landgov.reports._sheetxml`), the same cells XlsxWriter's per-cell calls would write, in a
fraction of the time; in a big workbook some sheets' rows are built by a forked child on the
second core (:mod:`landgov.reports._sheetfork`), the workbook the same byte for byte.
:func:`write_sheet` adds or replaces one sheet of an existing workbook (openpyxl), so several
stages can add their sheets to the same ``landgov.xlsx`` without
overwriting each other; into a new file it takes the XlsxWriter path. Both give the same
presentation. (XlsxWriter stores a carriage return in a text as a line feed:
Excel shows both as a line break, and other readers would see the first as 「_x000D_」.)

Text from the data is never a formula: every text cell (headers included) is a string cell, and
formula-like text (``=…``, ``+…``, ``-…``, ``@…``, ``#N/A`` …) also carries ``quotePrefix`` so an
edit in Excel or WPS keeps it text (:mod:`landgov.core.safe_text`). Characters an .xlsx cannot
hold are replaced visibly and text longer than a cell holds is cut with a visible mark; the
writers return each such cell as a :class:`TextFix`, and can append them as problem rows to the
problems sheet they write (``problems_sheet`` / ``problems``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import repeat, takewhile
from operator import methodcaller
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import xlsxwriter
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import CellIsRule, Rule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from landgov.core.columns import column as registered
from landgov.core.columns import problem_fields
from landgov.core.problems import PROBLEM_COLUMNS
from landgov.core.safe_text import CellText, cell_text, force_text, is_formula_like
from landgov.core.xlsxguard import open_xlsx
from landgov.errors import DataFileError, LandgovError, write_failure
from landgov.reports._sheetfork import RowsWriter, estimate, write_bodies
from landgov.reports._sheetxml import (
    Body,
    ColumnStyles,
    DeflatedRows,
    Fix,
    KeptCells,
    as_cell,
    splice,
    write_rows,
)
from landgov.reports._xlsxmerge import (
    MergeUnsupportedError,
    StyleBase,
    add_sheets,
    base_of,
    rebased,
)

__all__ = [
    "CONTINUED",
    "MAX_SHEET_ROWS",
    "TO_VERIFY",
    "ColumnFormat",
    "SheetSpec",
    "SheetStyle",
    "TextFix",
    "Written",
    "fix_problems",
    "number_format_for",
    "plain_widths",
    "print_setup",
    "write_sheet",
    "write_sheets",
    "write_workbook",
]

_HEADER_COLOUR = "DDEBF7"
_VERIFY_COLOUR = "FFE699"
_MAX_WIDTH = 60
_WRAP_WIDTH = 48
_FOOTER = "第 &P 页，共 &N 页"
_SHEET_NAME = "&A"  # the page header's code for the sheet's name
_DATE_FORMAT = "yyyy-mm-dd"
_OPENPYXL_STAMP = "yyyy-mm-dd h:mm:ss"  # what openpyxl shows a datetime in without a format
#: The status highlighted wherever a cell holds exactly it.
TO_VERIFY = "待核实"

ColumnFormat = Mapping[str, str]
#: Rows an Excel sheet holds (header included); longer sheets are split, never truncated.
MAX_SHEET_ROWS = 1_048_576
#: What a continuation sheet's name adds: ``底数清单（续2）``.
CONTINUED = "（续"
_FORMATTED = (int, float, dt.date)  # values a number format applies to (datetime is a date)


_LINE_HEIGHT = 15.0
#: A wide (CJK, full-width) character in Excel's width units (the width of 「0」), as
#: LibreOffice prints the 增容审查 (27–28 characters to a line of a 48-wide column).
_CJK_WIDTH = 1.75


@dataclass(frozen=True)
class SheetStyle:
    """How one sheet is laid out beyond the defaults every sheet gets.

    Attributes
    ----------
    freeze_columns
        Columns kept in view when scrolling right (a list's code and name).
    wrap
        Columns wrapped at a fixed width (reasons, paths, notes); text wider than the widest
        column is wrapped in any column.
    paper
        ``"A4"`` or ``"A3"``, always landscape and fitted to the page width.
    print_columns
        How many columns from the left are printed (``None``: all); a list prints its leading
        columns legibly rather than all of them at a tiny scale.
    totals
        Trailing rows that are totals (全区): written after one blank row, outside the filter
        range, so filtering never hides or sorts them.
    heights_from_print
        Row heights fit the wrapped text of the printed columns only (with ``print_columns``):
        long notes kept for reading on screen beyond them do not make printed rows tall.
    widths
        Fixed widths (Excel's character units) by column name, for a sheet laid out for paper
        (:mod:`landgov.reports.printlist`); a text wider than its fixed width is wrapped. Other
        columns are sized by their content.
    title
        A title printed at the top of every page (the page header), e.g. the 县区 and the
        as-of date of the run.
    note
        The run's line printed at the top right of every page: its data date and policy
        (:func:`landgov.reports.printlist.page_note`); set for a whole workbook by the writers'
        ``page_note``.
    verify_prefix
        Highlight a cell whose text *begins* with 待核实 (「待核实（人工认定待复核）」), not only
        one that is exactly 待核实.
    gridlines
        Print the cell grid, so the rows of a printed list stay apart.
    wide_char, line_height
        How row heights count wrapped text: the width of a Chinese character in column units
        and the height of a line in points (default: as LibreOffice prints the lists with its
        default fonts). A sheet laid out for paper uses the Calibri metrics Excel and WPS print
        with (a 11 pt ideograph is two 「0」 wide), so no printed row is cut.
    """

    freeze_columns: int = 0
    wrap: frozenset[str] = frozenset()
    paper: Literal["A4", "A3"] = "A4"
    print_columns: int | None = None
    totals: int = 0
    heights_from_print: bool = False
    widths: tuple[tuple[str, float], ...] = ()
    title: str | None = None
    note: str | None = None
    verify_prefix: bool = False
    gridlines: bool = False
    wide_char: float = _CJK_WIDTH
    line_height: float = _LINE_HEIGHT


_DEFAULT_STYLE = SheetStyle()


_SUFFIX_FORMATS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("_mu", "_per_mu", "_wan", "_m2"), "#,##0.00"),
    (("_share", "_pct"), "0.0%"),
)


def _dtype_format(values: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_integer_dtype(values):
        return "#,##0"
    if pd.api.types.is_float_dtype(values):
        return "#,##0.00"
    return _DATE_FORMAT if pd.api.types.is_datetime64_any_dtype(values) else None


def number_format_for(column: str, values: pd.Series | None = None) -> str | None:
    """The Excel number format of a column: the registry's (:mod:`landgov.core.columns`), else
    one from an unregistered name's unit suffix, else (given ``values``) one by dtype."""
    if (col := registered(column)) is not None and (col.number_format or col.kind != "text"):
        return col.number_format
    for suffixes, fmt in _SUFFIX_FORMATS:
        if column.endswith(suffixes):
            return fmt
    if column.startswith(("far_", "n_")):
        return "0.00" if column.startswith("far_") else "#,##0"
    return None if values is None else _dtype_format(values)


def _display_width(value: object, *, enough: int | None = None) -> int:
    """Display width of the longest line of ``value`` (a wide character counts 2); with
    ``enough``, a line of that many characters or more is not measured further (its width is
    at least its length), which is all a caller that decides alike from ``enough`` on needs."""
    text = str(value) if value is not None else ""
    longest = max(text.split("\n"), key=len) if text else ""
    if longest.isascii() or (enough is not None and len(longest) >= enough):
        return len(longest)  # no wide character, or wide enough whatever they are
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)


_cell = as_cell  # one rule for what a value becomes in a cell


_PREVIEW = 40
_CUT_ACTION = "Excel 中只有开头部分；全文见 landgov.gpkg 对应图层或源文件"
_CONTROL_ACTION = "在源数据中删除不可见的控制字符后重新运行"


@dataclass(frozen=True)
class TextFix:
    """One cell whose text had to change to fit an .xlsx file (:mod:`landgov.core.safe_text`).

    Attributes
    ----------
    sheet
        Sheet name.
    row
        Excel row number as the user sees it (1 is the header row).
    column
        Excel column letter.
    header
        The column's header as written.
    preview
        The first characters of the text as written.
    problem
        What changed, in Chinese (:attr:`landgov.core.safe_text.CellText.problem`).
    cut
        Whether the text was cut to the cell limit.
    replaced
        Whether characters an .xlsx cannot hold were replaced.
    """

    sheet: str
    row: int
    column: str
    header: str
    preview: str
    problem: str
    cut: bool
    replaced: bool

    @property
    def action(self) -> str:
        """What the user should do, in Chinese."""
        actions = [_CONTROL_ACTION] if self.replaced else []
        return "；".join([*actions, _CUT_ACTION] if self.cut else actions)


def fix_problems(fixes: Sequence[TextFix], *, workbook: str) -> pd.DataFrame:
    """Problem rows (:data:`~landgov.core.problems.PROBLEM_COLUMNS`), one per changed cell."""
    rows = [
        {
            "source": f"{workbook}：{fix.sheet}",
            "row": fix.row,
            "field": f"{fix.header}（{fix.column} 列）",
            "value": fix.preview,
            "problem": fix.problem,
            "action": fix.action,
            "severity": "警告",
        }
        for fix in fixes
    ]
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame


@dataclass(frozen=True)
class Written:
    """What a writer wrote: the workbook and every cell whose text had to change."""

    path: Path
    fixes: tuple[TextFix, ...] = ()
    splits: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # sheet → its parts

    def problems(self) -> pd.DataFrame:
        """The fixes as problem rows (empty frame when nothing changed)."""
        return fix_problems(self.fixes, workbook=self.path.name)

    def added_to(self, problems: pd.DataFrame) -> pd.DataFrame:
        """``problems`` with the fixes appended as problem rows (``problems`` when none)."""
        return _with_fix_rows(problems, self.fixes, workbook=self.path.name)

    def note(self, *, limit: int = 50) -> dict[str, Any]:
        """A short account for a run manifest: counts and the first ``limit`` cells.

        A workbook with a split sheet also has ``sheets_split``: sheet → the parts' names.
        """
        split = (
            {"sheets_split": {k: list(v) for k, v in self.splits.items()}} if self.splits else {}
        )
        return {
            **split,
            "cells_cut": sum(f.cut for f in self.fixes),
            "cells_with_characters_replaced": sum(f.replaced for f in self.fixes),
            "cells": [
                {"sheet": f.sheet, "row": f.row, "column": f.column, "problem": f.problem}
                for f in self.fixes[:limit]
            ],
        }


class _Texts:
    """Cleans one sheet's text cells for an .xlsx, recording every text it changes."""

    def __init__(self, sheet: str, headers: Sequence[str]) -> None:
        self.sheet, self.raw_headers = sheet, list(headers)
        self.headers = [cell_text(h).text for h in headers]
        self.fixes: list[TextFix] = []

    def text(self, text: str, row: int, col: int) -> str:
        fixed = cell_text(text)
        if fixed.changed:
            self.add(row, col, fixed)
        return fixed.text

    def add(self, row: int, col: int, fixed: CellText) -> None:
        """Record that the text of the cell at ``row``, ``col`` (1-based) became ``fixed``."""
        preview = fixed.text[:_PREVIEW] + ("…" if len(fixed.text) > _PREVIEW else "")
        self.fixes.append(
            TextFix(
                self.sheet,
                row,
                get_column_letter(col),
                self.headers[col - 1],
                preview,
                fixed.problem,
                fixed.cut,
                bool(fixed.replaced),
            )
        )

    def value(self, raw: object, row: int, col: int) -> object:
        """The value as stored: text cleaned, the rest as :func:`_cell` gives it."""
        value = _cell(raw)
        return self.text(value, row, col) if isinstance(value, str) else value

    def scan(self, frame: pd.DataFrame) -> list[TextFix]:
        """The fixes writing ``frame`` will make, without writing it (row-major order)."""
        for j, head in enumerate(self.raw_headers, start=1):
            self.text(head, 1, j)
        found: list[tuple[int, int, CellText]] = []
        for j in range(frame.shape[1]):
            values = frame.iloc[:, j]
            if isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiub":
                continue  # numbers and yes/no: no text to clean
            seen: dict[str, CellText] = {}
            for i, raw in enumerate(values.tolist(), start=2):
                if isinstance(value := _cell(raw), str):
                    if (fixed := seen.get(value)) is None:
                        fixed = seen[value] = cell_text(value)
                    if fixed.changed:
                        found.append((i, j + 1, fixed))
        for i, j, fixed in sorted(found, key=lambda fix: (fix[0], fix[1])):
            self.add(i, j, fixed)
        return self.fixes


def _with_fix_rows(
    problems: pd.DataFrame, fixes: Sequence[TextFix], *, workbook: str
) -> pd.DataFrame:
    """``problems`` with one more row per fix (columns as in ``problems``)."""
    if not fixes:
        return problems
    rows = fix_problems(fixes, workbook=workbook).reindex(columns=problems.columns)
    if not len(problems):
        return rows
    return pd.concat([problems, rows], ignore_index=True)


def _is_date_column(name: str, values: pd.Series) -> bool:
    col = registered(name)
    if col is not None:
        return col.kind == "date"
    return name.endswith("_date") or pd.api.types.is_datetime64_any_dtype(values)


def _as_dates(values: pd.Series) -> pd.Series:
    """ISO date text → dates (stored as Excel dates); anything else is kept as it was."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    parsed = pd.to_datetime(
        values.where(values.map(lambda v: isinstance(v, str))), format="%Y-%m-%d", errors="coerce"
    )
    if not parsed.notna().any():
        return values
    dates = parsed.dt.date.astype(object)
    return dates.where(parsed.notna(), values)


def _table(frame: pd.DataFrame, totals: int = 0) -> pd.DataFrame:
    """The frame as a sheet shows it: geometry left out (the GeoPackage carries it), date
    columns as dates, totals after one blank row."""
    table = pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")
    dated = [c for c in table.columns if _is_date_column(str(c), table[c])]
    if dated:
        table = table.assign(**{str(c): _as_dates(table[c]) for c in dated})
    if totals and len(table) > totals:
        blank = pd.DataFrame([[None] * len(table.columns)], columns=table.columns)
        table = pd.concat(
            [table.iloc[:-totals], blank.astype(object), table.iloc[-totals:]], ignore_index=True
        )
    return table


def _headers(frame: pd.DataFrame, labels: Mapping[str, str]) -> list[str]:
    """Headers from ``labels``, made unique: a repeated header gets 「（2）」, 「（3）」…"""
    seen: dict[str, int] = {}
    out = []
    for c in frame.columns:
        head = labels.get(str(c)) or _label(str(c))
        seen[head] = seen.get(head, 0) + 1
        out.append(head if seen[head] == 1 else f"{head}（{seen[head]}）")
    return out


def _label(name: str) -> str:
    col = registered(name)
    return col.label if col is not None else name


def _number_formats(frame: pd.DataFrame, formats: ColumnFormat | None) -> list[str | None]:
    out = []
    for c in frame.columns:
        fmt = (formats or {}).get(str(c)) or number_format_for(str(c), frame[c])
        if fmt is None and _is_date_column(str(c), frame[c]):
            fmt = _DATE_FORMAT
        out.append(fmt)
    return out


_HEADER_FIT = 16  # a longer header wraps rather than widen a column of short values


def _content_widths(
    frame: pd.DataFrame, headers: list[str], *, rows: int | None = 500, enough: int
) -> list[int]:
    """Display width (CJK counts double) of the widest of the first ``rows`` values (``None``:
    all) and the header (a header counts at most :data:`_HEADER_FIT`: it wraps).

    ``enough``: a width from which the caller lays a column out alike (it wraps at a set
    width); a column with a value that wide gives that value's width, its other values
    unmeasured (a column of reasons: one value, not 500 texts of hundreds of characters).
    """
    out = []
    for col, head in zip(frame.columns, headers, strict=True):
        widths: dict[tuple[type, object], int] = {}
        values = frame[col] if rows is None else frame[col].head(rows)
        for v in values.tolist():
            try:
                key = (type(v), v)
                if key in widths:
                    continue
            except TypeError:  # unhashable (a list)
                key = (list, id(v))
            widths[key] = width = _display_width(_cell(v), enough=enough)
            if width >= enough:
                break
        # one list: a sheet without rows has only its header
        out.append(max([min(_display_width(head), _HEADER_FIT), *widths.values()]))
    return out


def _auto_width(content: int) -> float:
    """The width of a column laid out by its content (:func:`_content_widths`): a character
    more each side, at least 6 and at most :data:`_MAX_WIDTH` (wider content wraps)."""
    return float(min(_MAX_WIDTH, max(6, content + 2)))


def plain_widths(frame: pd.DataFrame) -> list[tuple[float, bool]]:
    """``(width, wrap)`` of each column of ``frame`` (its column names as headers), as every
    handed-out sheet lays out a column of no set width: as wide as its widest value or header
    (CJK counts double), wrapped past :data:`_MAX_WIDTH` characters. For sheets written cell by
    cell (the 治理台账's own sheets) that must read like the others; every row is measured (a
    history's later lines are its longest)."""
    headers = [str(c) for c in frame.columns]
    widths = _content_widths(frame, headers, rows=None, enough=_MAX_WIDTH + 1)
    return [(_auto_width(w), w > _MAX_WIDTH) for w in widths]


def _header_height(headers: list[str], widths: list[float]) -> float | None:
    lines = max(
        (
            sum(int(np.ceil(_display_width(part) / max(1.0, w - 1))) for part in h.split("\n"))
            for h, w in zip(headers, widths, strict=True)
        ),
        default=1,
    )
    return None if lines <= 1 else float(min(lines, 4) * _LINE_HEIGHT)


@dataclass(frozen=True)
class _Layout:
    """Everything both writers need to lay out one sheet."""

    headers: list[str]
    formats: list[str | None]
    widths: list[float]
    wrapped: list[bool]
    rows: int  # data rows, totals and their blank row included
    filtered: int  # data rows inside the filter range
    style: SheetStyle
    heights: list[float | None]  # per data row: set when wrapped text needs more than a line
    header_height: float | None = None


_MAX_LINES = 20
#: A code or word of this many printable ASCII characters (a credit code, 「GB/T 4754-2017」)
#: is not broken inside: in Chinese text the line before it ends short, so a wrapped part with
#: one gets a line more (seen on LibreOffice's print of the 治理清单, whose reasons lost their
#: last line otherwise).
_LONG_WORD = re.compile(r"[!-~]{10,}")


def _lines(text: str, per: float, wide_char: float = _CJK_WIDTH) -> int:
    """Lines ``text`` takes wrapped at ``per`` width units: each line break starts a line, and
    non-ASCII characters count as wide (a lone surrogate, a hostile cell, is dropped, never
    encoded); a line holding a :data:`_LONG_WORD` among wide characters takes one more."""
    return int(_lines_each([text], per, wide_char)[0])


def _lines_each(texts: Sequence[str], per: float, wide_char: float = _CJK_WIDTH) -> np.ndarray:
    """:func:`_lines` of each of ``texts``, all measured at once (no Python call per text);
    ``\\r\\n`` and a lone ``\\r`` break a line as ``\\n`` does."""
    if not texts:
        return np.zeros(0)
    joined = "\n".join(texts)
    if "\r" in joined:  # \r\n and a lone \r break a line too
        texts = [_one_break(t) for t in texts]
        joined = "\n".join(texts)
    parts = joined.split("\n")
    owner = np.repeat(
        np.arange(len(texts)),
        np.fromiter(map(str.count, texts, repeat("\n")), np.int64, len(texts)) + 1,
    )
    size = np.fromiter(map(len, parts), np.int64, len(parts))
    narrow = np.fromiter(map(len, map(_ASCII, parts)), np.int64, len(parts))
    wide = size - narrow
    units = (size - wide) + wide * wide_char
    n = np.maximum(1, np.ceil(units / per))
    starts = np.concatenate(([0], np.cumsum(size[:-1] + 1)))  # where each line begins
    hits = [m.start() for m in _LONG_WORD_LINE.finditer(joined)]  # at most one per line
    long = np.zeros(len(parts), dtype=bool)
    long[np.searchsorted(starts, hits, side="right") - 1] = True
    n += (n > 1) & (wide > 0) & long
    return np.bincount(owner, weights=n, minlength=len(texts))


_ASCII = methodcaller("encode", "ascii", "ignore")
_LONG_WORD_LINE = re.compile(_LONG_WORD.pattern + r"[^\n]*")  # the rest of its line too


def _column_lines(values: pd.Series, per: float, wide_char: float = _CJK_WIDTH) -> np.ndarray:
    """Lines each value of a column takes wrapped at ``per`` (1 for anything but a non-empty
    text), each distinct text measured once."""
    array = values if isinstance(values.dtype, pd.StringDtype) else values.to_numpy(dtype=object)
    try:
        codes, distinct = pd.factorize(array)
    except TypeError:  # unhashable values (lists): one by one
        return np.array(
            [_lines_each([v], per, wide_char)[0] if _text(v) else 1.0 for v in values.tolist()]
        )
    distinct = distinct.tolist()
    texts = [k for k, v in enumerate(distinct) if _text(v)]
    need = np.ones(len(distinct) + 1)  # the last for code -1 (missing)
    need[texts] = _lines_each([distinct[k] for k in texts], per, wide_char)
    return need[codes]


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _one_break(text: str) -> str:
    """Line breaks as ``\\n`` (``\\r\\n`` and a lone ``\\r`` break a line too)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _row_heights(
    table: pd.DataFrame,
    widths: list[float],
    wrapped: list[bool],
    *,
    upto: int | None = None,
    wide_char: float = _CJK_WIDTH,
    line_height: float = _LINE_HEIGHT,
    kept: KeptCells | None = None,
) -> list[float | None]:
    """Row heights that show wrapped text whole (not every reader fits them on opening).

    Lines are counted per wrapped cell (of the first ``upto`` columns, all when ``None``) from
    its characters' widths and its line breaks, once per distinct text; ``None`` where one line
    is enough. ``kept``: a column's lines are taken from an earlier sheet's same column where
    its rows are rows of that sheet (:class:`~landgov.reports._sheetxml.KeptCells`).
    """
    lines = np.ones(len(table))
    for j, (width, wrap) in enumerate(zip(widths, wrapped, strict=True)):
        if not wrap or (upto is not None and j >= upto):
            continue
        per = max(1.0, width - 1)
        values = table.iloc[:, j]
        if kept is None:
            need = _column_lines(values, per, wide_char)
        else:
            key = ("lines", table.columns[j], per, wide_char)
            need, rows = kept.made(
                table.index, key, values, lambda v=values, p=per: _column_lines(v, p, wide_char)
            )
            need = need if rows is None else need[rows]
        lines = np.maximum(lines, need)
    lines = np.minimum(lines, _MAX_LINES)
    return [None if n <= 1 else float(n * line_height) for n in lines.tolist()]


def _layout(
    table: pd.DataFrame,
    labels: Mapping[str, str],
    formats: ColumnFormat | None,
    style: SheetStyle,
    *,
    heights: bool = True,
) -> _Layout:
    """How ``table`` is laid out; without its rows' ``heights`` (left empty, see
    :func:`_with_heights`) when only the sheet's framing is written from it."""
    headers = _headers(table, labels)
    widths, wrapped = [], []
    fixed = dict(style.widths)
    # from a content this wide every column is laid out alike: wrapped at its set width
    enough = int(max([_MAX_WIDTH, *fixed.values()])) + 1
    contents = _content_widths(table, headers, enough=enough)
    for name, content in zip(table.columns, contents, strict=True):
        if (given := fixed.get(str(name))) is not None:  # laid out for paper
            wrapped.append(str(name) in style.wrap or content + 1 > given)
            widths.append(float(given))
            continue
        wrap = str(name) in style.wrap or content > _MAX_WIDTH
        wrapped.append(wrap)
        widths.append(float(_WRAP_WIDTH) if str(name) in style.wrap else _auto_width(content))
    n = len(table)
    filtered = n - (style.totals + 1) if style.totals and n > style.totals else n
    layout = _Layout(
        headers, _number_formats(table, formats), widths, wrapped, n, filtered, style, [],
        _header_height(headers, widths),
    )  # fmt: skip
    return _with_heights(table, layout) if heights else layout


def _with_heights(
    table: pd.DataFrame, layout: _Layout, *, kept: KeptCells | None = None
) -> _Layout:
    """``layout`` with the heights of ``table``'s rows (:func:`_row_heights`)."""
    style = layout.style
    upto = style.print_columns if style.heights_from_print else None
    heights = _row_heights(
        table, layout.widths, layout.wrapped, upto=upto, wide_char=style.wide_char,
        line_height=style.line_height, kept=kept,
    )  # fmt: skip
    return replace(layout, heights=heights)


# ---------------------------------------------------------------------------------------------
# openpyxl: one sheet into an existing workbook

_HEADER_FILL = PatternFill("solid", fgColor=_HEADER_COLOUR)
_HEADER_FONT = Font(bold=True)
_VERIFY_FILL = PatternFill("solid", fgColor=_VERIFY_COLOUR)


def _open(path: Path) -> Workbook:
    if path.exists():
        try:
            with open_xlsx(path) as fh:  # closed also when openpyxl fails half-way
                return load_workbook(fh)
        except DataFileError:  # refused by the look inside (a zip bomb, a huge merge)
            raise
        except Exception as exc:  # a damaged workbook raises whatever its parts make openpyxl
            raise DataFileError(
                f"{path} 无法打开，无法在其中加入工作表（已损坏，或不是 Excel 工作簿："
                f"{type(exc).__name__}：{str(exc)[:120]}）。处理：在 Excel/WPS 中打开该文件另存为 "
                ".xlsx 后重新运行；打不开时删除它，重新运行写出它的命令（如 landgov screen）"
            ) from exc
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def _fill(
    ws: Worksheet,
    table: pd.DataFrame,
    layout: _Layout,
) -> list[TextFix]:
    texts = _Texts(ws.title, layout.headers)
    for j in range(1, len(layout.headers) + 1):
        cell = ws.cell(row=1, column=j)
        force_text(cell, texts.text(layout.headers[j - 1], 1, j))
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")  # a row's cells line up with its wrapped text
    if layout.header_height is not None:
        ws.row_dimensions[1].height = layout.header_height
    for i, height in enumerate(layout.heights, start=2):
        if height is not None:
            ws.row_dimensions[i].height = height
    for i, row in enumerate(table.itertuples(index=False, name=None), start=2):
        for j, raw in enumerate(row, start=1):
            value = texts.value(raw, i, j)
            if value is None:
                continue
            cell = ws.cell(row=i, column=j)
            if isinstance(value, str):
                force_text(cell, value)
            else:
                cell.value = value
                fmt = layout.formats[j - 1]
                if fmt and isinstance(value, _FORMATTED):
                    cell.number_format = fmt
            cell.alignment = wrap if layout.wrapped[j - 1] else top
    _frame_openpyxl(ws, layout)
    return texts.fixes


def _frame_openpyxl(ws: Worksheet, layout: _Layout) -> None:
    """Widths, frozen panes, filter, 待核实 highlight and print set-up (openpyxl)."""
    ncol = len(layout.headers)
    for j, width in enumerate(layout.widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    style = layout.style
    ws.freeze_panes = f"{get_column_letter(style.freeze_columns + 1)}2"
    if not ncol:
        return
    last = get_column_letter(ncol)
    ws.auto_filter.ref = f"A1:{last}{layout.filtered + 1}"
    if layout.rows:
        ref = f"A2:{last}{layout.rows + 1}"
        if style.verify_prefix:
            rule = Rule(type="beginsWith", operator="beginsWith", text=TO_VERIFY,
                        dxf=DifferentialStyle(fill=_VERIFY_FILL))  # fmt: skip
            rule.formula = [f'LEFT(A2,{len(TO_VERIFY)})="{TO_VERIFY}"']
            ws.conditional_formatting.add(ref, rule)
        else:
            ws.conditional_formatting.add(
                ref, CellIsRule(operator="equal", formula=[f'"{TO_VERIFY}"'], fill=_VERIFY_FILL)
            )
    print_setup(ws, paper=style.paper, title=style.title, note=style.note)
    if style.gridlines:
        ws.print_options.gridLines = True
    if style.print_columns and style.print_columns < ncol:
        ws.print_area = f"A1:{get_column_letter(style.print_columns)}{layout.rows + 1}"


def print_setup(
    ws: Worksheet,
    *,
    paper: Literal["A4", "A3"] = "A4",
    title: str | None = None,
    note: str | None = None,
) -> None:
    """The print set-up of every handed-out sheet (openpyxl), as :func:`_frame_xlsxwriter` sets it.

    Landscape on ``paper``, fitted to one page wide, the header row repeated on every page; the
    page header names the sheet (left), ``title`` (centre) and ``note`` (right: the data date
    and policy of the run); the footer 「第 &P 页，共 &N 页」.
    """
    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.paperSize = ws.PAPERSIZE_A3 if paper == "A3" else ws.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = _FOOTER
    ws.oddHeader.left.text = _SHEET_NAME
    if title:
        ws.oddHeader.center.text = _escape_header(title)
        ws.oddHeader.center.size = 12
    if note:
        ws.oddHeader.right.text = _escape_header(note)


@dataclass(frozen=True)
class SheetSpec:
    """One sheet for :func:`write_sheets`: its frame, name and how it is written.

    ``decorate(worksheet, table)`` may add to the openpyxl sheet before the workbook is saved.
    With ``problems`` the frame is a problems table: a problem row is added to it for every cell
    (of the sheets written before it and of its own) whose text had to change.
    """

    frame: pd.DataFrame
    sheet: str
    labels: Mapping[str, str] | None = None
    formats: ColumnFormat | None = None
    problems: bool = False
    style: SheetStyle | None = None
    decorate: Any = None


def write_sheets(
    specs: Sequence[SheetSpec],
    path: str | Path,
    *,
    base: StyleBase | None = None,
    page_note: str | None = None,
) -> Written:
    """Add or replace several sheets of the workbook at ``path`` with one load and one save.

    Other sheets of an existing workbook are kept; see :func:`write_sheet`. A new workbook
    whose sheets need no openpyxl ``decorate`` is written as :func:`write_workbook` writes one
    (XlsxWriter), with the same content and much faster; such sheets are added to an existing
    workbook without loading it (:mod:`landgov.reports._xlsxmerge`: its sheets are copied as
    they are, and so are the new ones, written with their formats past the workbook's) unless
    it is one the merge does not handle.

    ``base``: a new workbook written to be merged into another later
    (:func:`~landgov.reports._xlsxmerge.merge` with the same ``base``) has its formats start
    there, after fillers no cell refers to, and no sheet selected; its sheets can then go into
    the merge as they are. Only for a new workbook whose sheets need no ``decorate``.

    ``page_note``: the run's line (data date, policy) printed at the top right of every page of
    these sheets (:attr:`SheetStyle.note`).
    """
    path = Path(path)
    specs = _noted(specs, page_note)
    if base is not None and (path.exists() or any(s.decorate is not None for s in specs)):
        raise ValueError("base is for a new workbook written by XlsxWriter")
    if all(spec.decorate is None for spec in specs):
        if not path.exists():
            return _write_new(specs, path, problems_last=False, base=base)
        with contextlib.suppress(MergeUnsupportedError):  # then through openpyxl
            # the new formats where the merge puts them: the sheets go in as they are
            at = base_of(path)
            written = add_sheets(
                path, lambda draft: _write_new(specs, draft, problems_last=False, base=at), base=at
            )
            return Written(path, written.fixes, written.splits)
    wb = _open(path)
    fixes: list[TextFix] = []
    for spec in specs:
        style = spec.style or _DEFAULT_STYLE
        labels = spec.labels or {}
        table = _table(spec.frame, style.totals)
        if spec.problems:
            table = problem_fields(table)
            own = _Texts(spec.sheet, _headers(table, labels)).scan(table)
            table = _with_fix_rows(table, [*fixes, *own], workbook=path.name)
        if spec.sheet in wb.sheetnames:
            del wb[spec.sheet]
        ws = wb.create_sheet(spec.sheet)
        fixes += _fill(ws, table, _layout(table, labels, spec.formats, style))
        if spec.decorate is not None:
            spec.decorate(ws, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return Written(path, tuple(fixes))


def write_sheet(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    sheet: str,
    labels: Mapping[str, str] | None = None,
    formats: ColumnFormat | None = None,
    problems: bool = False,
    style: SheetStyle | None = None,
    decorate: Any = None,
) -> Written:
    """Write ``frame`` as sheet ``sheet`` of the workbook at ``path`` (created if absent).

    An existing sheet of that name is replaced; other sheets are kept. ``labels`` maps column
    names to the Chinese headers shown (default: the column registry); ``formats`` overrides
    number formats per column; ``style`` lays the sheet out (:class:`SheetStyle`). Geometry
    columns are left out (the GeoPackage carries them). With ``problems`` the frame is a
    problems table (:data:`~landgov.core.problems.PROBLEM_COLUMNS`) and a problem row is added
    to it for each of its own cells whose text had to change. ``decorate(worksheet, table)``
    may add to the sheet before the workbook is saved (once: no second load).

    Returns
    -------
    Written
        The path and every cell whose text was cut or had characters replaced.
    """
    spec = SheetSpec(frame, sheet, labels, formats, problems, style, decorate)
    return write_sheets([spec], path)


# ---------------------------------------------------------------------------------------------
# XlsxWriter: a whole new workbook in one pass


class _Formats:
    """XlsxWriter formats, made once per (number format, wrap, quote prefix); ``base``: how
    far the workbook's cell formats are moved when it is finished (:func:`_write_new`)."""

    def __init__(self, wb: Any, base: int = 0) -> None:
        self.wb = wb
        self.base = base
        self.cache: dict[tuple[str | None, bool, bool], Any] = {}
        self.header = wb.add_format(
            {"bold": True, "bg_color": f"#{_HEADER_COLOUR}", "align": "center",
             "valign": "vcenter", "text_wrap": True}
        )  # fmt: skip
        self.quoted_header = wb.add_format(
            {"bold": True, "bg_color": f"#{_HEADER_COLOUR}", "align": "center",
             "valign": "vcenter", "text_wrap": True, "quote_prefix": True}
        )  # fmt: skip
        self.verify = wb.add_format({"bg_color": f"#{_VERIFY_COLOUR}"})

    def get(self, number: str | None, wrap: bool, quote: bool) -> Any:
        key = (number, wrap, quote)
        if key not in self.cache:
            props: dict[str, Any] = {"valign": "top"}  # a row's cells line up with wrapped text
            if number:
                props["num_format"] = number
            if wrap:
                props |= {"text_wrap": True, "valign": "top"}
            if quote:
                props["quote_prefix"] = True
            self.cache[key] = self.wb.add_format(props)
        return self.cache[key]

    def index(self, number: str | None, wrap: bool, quote: bool) -> int:
        """The ``s`` of a cell in the finished workbook, for rows written apart."""
        return int(self.get(number, wrap, quote)._get_xf_index()) + self.base


def _parts(
    name: str, table: pd.DataFrame, splits: dict[str, tuple[str, ...]]
) -> list[tuple[str, pd.DataFrame, str | None]]:
    """``table`` as one sheet, or split over continuation sheets past Excel's row limit.

    Each part of a split sheet carries a note (on its first header cell) saying the sheet was
    split, into which sheets, and which rows this part holds; ``splits`` records the names.
    """
    per = MAX_SHEET_ROWS - 1  # data rows per sheet (one header row)
    if len(table) <= per:
        return [(name, table, None)]
    names = (name, *(f"{name}{CONTINUED}{k}）" for k in range(2, -(-len(table) // per) + 1)))
    splits[name] = names
    return [
        (
            part_name,
            table.iloc[k * per : (k + 1) * per],
            f"本表共 {len(table):,} 行，超过 Excel 每表 {MAX_SHEET_ROWS:,} 行的上限，"
            f"已拆分为 {len(names)} 个工作表（{'、'.join(names)}），未截断；"
            f"本表为第 {k + 1} 部分，第 {k * per + 1:,}–{min((k + 1) * per, len(table)):,} 行",
        )
        for k, part_name in enumerate(names)
    ]


def _frame_sheet(
    ws: Any, layout: _Layout, fmts: _Formats, *, note: str | None, empty_text: bool
) -> tuple[_Texts, list[ColumnStyles]]:
    """A sheet's header row and framing through XlsxWriter, and the styles of its cells (its
    data rows are written apart, :func:`_rows_writer`, and spliced in)."""
    texts = _Texts(ws.get_name(), layout.headers)
    if note is not None:  # a split sheet says so on its first header cell
        ws.write_comment(0, 0, note, {"x_scale": 3, "y_scale": 2})
    ncol = len(layout.headers)
    if layout.header_height is not None:
        ws.set_row(0, layout.header_height)
    for j, head in enumerate(layout.headers):
        text = texts.text(head, 1, j + 1)
        ws.write_string(0, j, text, fmts.quoted_header if is_formula_like(text) else fmts.header)
    stamp = _DATE_FORMAT if empty_text else _OPENPYXL_STAMP  # a time without a column format
    styles = [
        ColumnStyles(
            text=fmts.index(None, wrap, False),
            quoted=fmts.index(None, wrap, True),
            number=fmts.index(fmt, wrap, False),
            date=fmts.index(fmt or _DATE_FORMAT, wrap, False),
            stamp=fmts.index(fmt or stamp, wrap, False),
        )
        for fmt, wrap in zip(layout.formats, layout.wrapped, strict=True)
    ]
    _frame_xlsxwriter(ws, layout, fmts, ncol)
    return texts, styles


def _rows_writer(
    ws: Any,
    table: pd.DataFrame,
    layout: _Layout,
    styles: list[ColumnStyles],
    *,
    empty_text: bool,
    kept: KeptCells | None = None,
) -> RowsWriter:
    """What writes ``table``'s data rows for :func:`splice` (their heights measured first),
    here or in a forked child (:mod:`landgov.reports._sheetfork`); ``kept``: the workbook's
    :class:`~landgov.reports._sheetxml.KeptCells`."""

    def write(out: DeflatedRows) -> tuple[int, int, list[Fix]]:
        return write_rows(
            table,
            out,
            styles=styles,
            heights=_with_heights(table, layout, kept=kept).heights,
            serial=ws._convert_date_time,
            empty_text=empty_text,
            kept=kept,
        )

    return write


def _frame_xlsxwriter(ws: Any, layout: _Layout, fmts: _Formats, ncol: int) -> None:
    """Widths, frozen panes, filter, 待核实 highlight and print set-up (XlsxWriter)."""
    for j, width in enumerate(layout.widths):
        ws.set_column(j, j, width)
    style = layout.style
    ws.freeze_panes(1, style.freeze_columns)
    if not ncol:
        return
    ws.autofilter(0, 0, layout.filtered, ncol - 1)
    if layout.rows:
        rule = (
            {"type": "text", "criteria": "begins with", "value": TO_VERIFY}
            if style.verify_prefix
            else {"type": "cell", "criteria": "==", "value": f'"{TO_VERIFY}"'}
        )
        ws.conditional_format(1, 0, layout.rows, ncol - 1, {**rule, "format": fmts.verify})
    ws.set_landscape()
    ws.set_paper(8 if style.paper == "A3" else 9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_footer(f"&C{_FOOTER}")
    header = f"&L{_SHEET_NAME}"
    if style.title:
        header += f"&C&12{_escape_header(style.title)}"
    if style.note:
        header += f"&R{_escape_header(style.note)}"
    ws.set_header(header)
    if style.gridlines:
        ws.hide_gridlines(0)  # shown on screen and printed
    if style.print_columns and style.print_columns < ncol:
        ws.print_area(0, 0, layout.rows, style.print_columns - 1)


def _escape_header(text: str) -> str:
    """A title as header text: 「&」 is the header's control character."""
    return text.replace("&", "&&")


def write_workbook(
    sheets: Sequence[tuple[str, pd.DataFrame]],
    path: str | Path,
    *,
    labels: Mapping[str, str] | None = None,
    formats: ColumnFormat | None = None,
    problems_sheet: str | None = None,
    styles: Mapping[str, SheetStyle] | None = None,
    page_note: str | None = None,
) -> Written:
    """Write several sheets to a new workbook in one pass (XlsxWriter, constant memory).

    Same presentation as :func:`write_sheet`: Chinese headers from ``labels``, frozen panes,
    filters, number formats, wrapped text, 待核实 highlighted, print set-up; ``styles`` gives a
    sheet's :class:`SheetStyle` by name. An existing file is replaced. ``problems_sheet`` names
    the sheet holding the problems table (:data:`~landgov.core.problems.PROBLEM_COLUMNS`): a
    problem row is added to it for every cell of the workbook whose text had to change. That
    sheet keeps its place but is filled last. ``page_note``: the run's line (data date,
    policy) printed at the top right of every page (:attr:`SheetStyle.note`).

    Returns
    -------
    Written
        The path and every cell whose text was cut or had characters replaced.
    """
    path = Path(path)
    if problems_sheet is not None and problems_sheet not in [name for name, _ in sheets]:
        raise ValueError(f"problems_sheet {problems_sheet!r} is not one of the sheets")
    specs = [
        SheetSpec(frame, name, labels, formats, name == problems_sheet, (styles or {}).get(name))
        for name, frame in sheets
    ]
    return _write_new(_noted(specs, page_note), path, problems_last=True)


def _noted(specs: Sequence[SheetSpec], note: str | None) -> list[SheetSpec]:
    """``specs`` with ``note`` on every sheet's page header (those without one of their own)."""
    if not note:
        return list(specs)
    return [
        replace(spec, style=replace(spec.style or _DEFAULT_STYLE, note=spec_note))
        for spec in specs
        for spec_note in [(spec.style.note if spec.style else None) or note]
    ]


def _added(
    wb: Any, specs: Sequence[SheetSpec], splits: dict[str, tuple[str, ...]]
) -> list[tuple[SheetSpec, list[tuple[Any, pd.DataFrame, str | None]], SheetStyle]]:
    """Each spec with its worksheets added to ``wb`` (a split sheet's parts, recorded in
    ``splits``; a problems sheet one, filled later) and their tables, and its style."""
    sheets = []
    for spec in specs:
        style = spec.style or _DEFAULT_STYLE
        table = _table(spec.frame, style.totals)
        parts = [(spec.sheet, table, None)] if spec.problems else _parts(spec.sheet, table, splits)
        sheets.append((spec, [(wb.add_worksheet(n), p, note) for n, p, note in parts], style))
    return sheets


@contextlib.contextmanager
def _named(path: Path) -> Iterator[None]:
    """An error of the operating system that names no file (a full disk noticed while a zip
    stream is closed) as one of writing ``path`` (:func:`landgov.errors.write_failure`)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None or isinstance(exc, LandgovError):
            raise
        raise write_failure(path, exc) from exc


def _write_new(
    specs: Sequence[SheetSpec], path: Path, *, problems_last: bool, base: StyleBase | None = None
) -> Written:
    """A new workbook of ``specs`` (XlsxWriter, constant memory, rows spliced in).

    A problems sheet gets a row per changed cell of every other sheet (``problems_last``, filled
    after them, as :func:`write_workbook` does) or of the sheets before it (as
    :func:`write_sheets` does), and of its own. An empty text is a cell as XlsxWriter writes it
    (:func:`write_workbook`) or none as openpyxl writes it (:func:`write_sheets`), so either
    function's workbooks read back as they always did.

    The sheets before the first problems sheet (all of them but it in :func:`write_workbook`)
    are framed here in order and their rows are written on two cores
    (:mod:`landgov.reports._sheetfork`); a problems sheet needs their text fixes, and the
    sheets after it the formats it adds, so they follow one by one. Nothing is left of a
    workbook that failed: its parts are in a scratch folder until it is complete.

    ``base``: the formats are moved past fillers as the parts are spliced
    (:func:`~landgov.reports._xlsxmerge.rebased`); the rows are written with their indices
    moved already.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        _named(path),
        tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.") as scratch,
    ):
        folder = Path(scratch)
        draft, tmp = folder / "draft.xlsx", folder / "done.xlsx"
        wb = xlsxwriter.Workbook(
            str(draft),
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "tmpdir": scratch,
            },
        )
        fmts = _Formats(wb, 0 if base is None else base.xf)
        splits: dict[str, tuple[str, ...]] = {}
        bodies: dict[int, Body] = {}
        sheets = _added(wb, specs, splits)
        fixes: list[TextFix] = []
        # the rows of a sheet that are rows of an earlier one (the 治理清单's of the 底数清单)
        # take their cells from it
        kept = KeptCells([p for spec, parts, _ in sheets if not spec.problems for _, p, _ in parts])

        def framed(
            ws: Any, part: pd.DataFrame, note: str | None, spec: SheetSpec, style: SheetStyle
        ) -> tuple[int, _Texts, RowsWriter]:
            layout = _layout(part, spec.labels or {}, spec.formats, style, heights=False)
            texts, cols = _frame_sheet(ws, layout, fmts, note=note, empty_text=problems_last)
            write = _rows_writer(ws, part, layout, cols, empty_text=problems_last, kept=kept)
            return ws.index, texts, write

        def add(jobs: list[tuple[int, _Texts, RowsWriter]], sizes: list[float]) -> None:
            done = write_bodies([write for _, _, write in jobs], sizes, folder, kept=kept)
            for (index, texts, _), (body, found) in zip(jobs, done, strict=True):
                bodies[index] = body
                for row, col, fixed in found:
                    texts.add(row, col, fixed)
                fixes.extend(texts.fixes)

        try:  # each sheet's rows are held (deflated) until they are spliced in
            try:
                order = [s for s in sheets if not (problems_last and s[0].problems)]
                order += [s for s in sheets if problems_last and s[0].problems]
                ahead = list(takewhile(lambda s: not s[0].problems, order))
                firsts = [(part, spec, style) for spec, parts, style in ahead for part in parts]
                add([framed(*part, spec, style) for part, spec, style in firsts],
                    [estimate(part[1]) for part, _, _ in firsts])  # fmt: skip
                for spec, parts, style in order[len(ahead) :]:
                    if spec.problems:
                        ws, table, _ = parts[0]
                        table = problem_fields(table)
                        own = _Texts(spec.sheet, _headers(table, spec.labels or {})).scan(table)
                        full = _with_fix_rows(table, [*fixes, *own], workbook=path.name)
                        parts = [  # noqa: PLW2901  (extra parts go last)
                            (ws if k == 0 else wb.add_worksheet(n), p, note)
                            for k, (n, p, note) in enumerate(_parts(spec.sheet, full, splits))
                        ]
                    for part in parts:
                        add([framed(*part, spec, style)], [0.0])
            finally:
                wb.close()
            edit = None
            if base is not None:
                with zipfile.ZipFile(draft) as parts:
                    edit = rebased(parts.read("xl/styles.xml").decode("utf-8"), base)
            splice(draft, bodies, tmp, edit=edit)
        finally:
            for body in bodies.values():
                body.rows.close()
        tmp.replace(path)
    return Written(path, tuple(fixes), splits)
