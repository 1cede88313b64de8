"""Editable workbooks: a sheet people fill in, and reading their edits back without loss.

One concept: landgov writes a sheet whose rows are keyed (by 宗地代码 or any key column), staff
fill in some columns in Excel, WPS or LibreOffice, and landgov reads the filled-in values back.
The 治理台账 (``landgov ledger``) and the 核实 round trip both use it.

Write side (:func:`add_editable_sheet`, :func:`save_workbook`):

- **computed columns** are locked and grey; **editable columns** are unlocked, filled light
  yellow and marked 「（填写）」 in the header (:data:`EDIT_MARK`); the sheet is protected
  without a password (an accidental overwrite of a computed value is stopped, sorting, filtering
  and adding columns stay allowed);
- editable columns get data validation: a drop-down list for a :attr:`FieldKind.CHOICE`, a date
  range for a :attr:`FieldKind.DATE`, a decimal for a :attr:`FieldKind.NUMBER`;
- a hidden sheet (:data:`MARKER_SHEET`) holds a marker: which kind of workbook this is and its
  layout version, the key column, the data sheet's name and the keys written, so a file is
  recognised as ours and a deleted row is noticed;
- :func:`save_workbook` writes atomically (a temporary file beside the target, then a rename),
  so the output may replace the file that was read.

Read side (:func:`read_editable`) is tolerant of what people and programs do to a file: rows
re-ordered or sorted, columns added, removed or moved, sheets re-ordered or the data sheet
renamed, and files re-saved by Excel, WPS or LibreOffice (dates as real dates, as text or as
Excel serial numbers; numbers typed as text). Rows are matched by the key column. Every bad edit
becomes a problem row (file, sheet, row, field, value, what to do) through
:mod:`landgov.core.problems`; the edit is **kept as typed and flagged**, never dropped or
guessed. A key seen twice, a row without key and a written row that has gone are reported too;
a header row typed again and a 合计/小计 row are said on their row and read as no record. A
formula is read by the result the file stored with it; one calling a volatile function
(「=TODAY()+30」) is said, its result being that of the day the file was saved
(:func:`say_volatile`).

Examples
--------
>>> layout = Layout(
...     kind="demo",
...     version=1,
...     sheet="清单",
...     key="宗地代码",
...     fields=(
...         Field("宗地代码"),
...         Field("状态", kind=FieldKind.CHOICE, editable=True, choices=("未启动", "已完成")),
...     ),
... )
>>> header(layout.field("状态"))
'状态（填写）'
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from numbers import Real
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from landgov.core.atomic import written_whole
from landgov.core.dates import read_date
from landgov.core.listing import first_few
from landgov.core.missing import is_missing
from landgov.core.problems import ProblemLog, Severity
from landgov.core.safe_text import (
    EXCEL_CELL_LIMIT,
    cell_text,
    excel_error,
    force_text,
    ooxml_text,
)
from landgov.core.textkey import folded
from landgov.core.xlsxguard import open_xlsx
from landgov.errors import DataFileError, InputError, Issue, write_failure
from landgov.ids import normalize_code

__all__ = [
    "EDIT_MARK",
    "ERROR_CELL",
    "ERROR_VALUE",
    "MARKER_SHEET",
    "NO_RESULT",
    "RECALCULATE",
    "RUN_DATE",
    "TYPE_VALUE",
    "VOLATILE",
    "VOLATILE_FUNCTIONS",
    "WRITE_DATE",
    "EditedSheet",
    "Field",
    "FieldKind",
    "Layout",
    "add_editable_sheet",
    "answer_text",
    "excel_error",
    "flag_cell",
    "formula_cells",
    "header",
    "no_common_keys",
    "other_run",
    "read_answer",
    "read_editable",
    "read_key",
    "save_workbook",
    "say_kept_formulas",
    "say_volatile",
    "sheet_values",
    "unkeyed_problem",
    "volatile_functions",
]

#: The label under which a workbook written from a screening run for people to fill in and
#: return (核实表, 人工认定表) records that run's 基准日 (``about`` of
#: :func:`add_editable_sheet`), checked when it comes back (:func:`other_run`).
RUN_DATE = "基准日"
#: Appended to the header of every editable column.
EDIT_MARK = "（填写）"
#: The hidden sheet holding the marker (kind, version, key, sheet name, keys written).
MARKER_SHEET = "landgov_标识"
_MARKER_ID = "landgov-editable"
_EDIT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEADER_EDIT_FILL = PatternFill("solid", fgColor="FFD966")
_COMPUTED_FILL = PatternFill("solid", fgColor="EDEDED")
_HEADER_FILL = PatternFill("solid", fgColor="BFBFBF")
_FLAG_FILL = PatternFill("solid", fgColor="F4B183")
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_MARK_RE = re.compile(r"[（(]\s*(?:填写|填報|填报|可填写)\s*[)）]")
_HEADER_SEARCH_ROWS = 10
_MAX_VALIDATED_ROW = 5000  # validation and unlocked cells reach this far below the data


class FieldKind(enum.StrEnum):
    """How a column's cells are read and validated."""

    TEXT = "文本"
    CHOICE = "选项"
    DATE = "日期"
    NUMBER = "数值"


@dataclass(frozen=True)
class Field:
    """One column of an editable sheet.

    Attributes
    ----------
    name
        The column name: the Chinese header without :data:`EDIT_MARK`, and the column of the
        frames passed in and returned.
    kind
        How cells are validated and read.
    editable
        Whether staff fill it in (unlocked, marked) or landgov computes it (locked, grey).
    choices
        The allowed values of a :attr:`FieldKind.CHOICE` column (the drop-down list).
    width
        Column width in characters (``None``: from the header length).
    number_format
        Excel number format for a :attr:`FieldKind.NUMBER` column (e.g. ``"0.00"``).
    hint
        What to type, shown when the cell is selected and in problem rows.
    deadline
        A :attr:`FieldKind.DATE` by which something is due (计划完成日期): a year and month
        typed alone (「2027年6月」, i.e. 6月底前) is the month's last day, not its first, so
        nothing is 逾期 before the period ends (《民法典》第二百零二条、第二百零三条;
        :func:`landgov.core.dates.read_date` with ``month_only="last"``).
    formerly
        Headers the column had in files written before (the 治理台账's 「治理路径」 before it
        took the registry's 「四个一批路径」): such a file reads back, the column found under
        its old header, and is written with the new one.
    wrap
        Whether a computed text longer than the column wraps within it (the 治理台账's 评价等级:
        a letter, or 「不参评（规下且用地不足 3 亩）」), never cut off by the next cell.
    """

    name: str
    kind: FieldKind = FieldKind.TEXT
    editable: bool = False
    choices: tuple[str, ...] = ()
    width: float | None = None
    number_format: str | None = None
    hint: str = ""
    deadline: bool = False
    formerly: tuple[str, ...] = ()
    wrap: bool = False

    def __post_init__(self) -> None:
        if self.kind is FieldKind.CHOICE and not self.choices:
            raise ValueError(f"field {self.name!r}: a choice field needs choices")
        if any("," in c for c in self.choices):
            raise ValueError(f"field {self.name!r}: a choice cannot contain a comma")


@dataclass(frozen=True)
class Layout:
    """What an editable sheet holds: its kind and version, key column and fields in order.

    Attributes
    ----------
    kind
        Which workbook this is (e.g. ``"治理台账"``): stored in the marker and checked on read.
    version
        Layout version: a file with a newer version than the reader knows is refused.
    sheet
        The data sheet's name (found by its header when staff renamed it).
    key
        Name of the key field (must be one of ``fields``); its values must be unique.
    fields
        The columns in order.
    code_key
        The key is a code (宗地代码): read in the one form of :func:`landgov.ids.normalize_code`
        (``330602001001gb00018`` or with a blank inside is the same parcel), as every reader
        reads it, and its column is found under every header the input readers know for it
        (「地块编号」, 「ZDDM」: :func:`landgov.io.aliases.code_headers`).
    own_sheets
        The other sheets landgov writes into such a workbook (the 治理台账's 未合并的行 …): never
        read, and not said when they hold the key column and a column to fill in. Any other
        such sheet (one staff added: 「Sheet1」 with answers pasted into it) is said, and each
        answer there that the data sheet does not hold is an error naming it.
    own_headers
        Headers that mark one of ``own_sheets`` under another name (renamed or copied by
        staff): a sheet whose first row holds every column of one of them is landgov's own,
        read (or not) by the caller as such — never said to be a sheet staff made, to be
        deleted.
    """

    kind: str
    version: int
    sheet: str
    key: str
    fields: tuple[Field, ...]
    code_key: bool = False
    own_sheets: tuple[str, ...] = ()
    own_headers: tuple[frozenset[str], ...] = ()

    def is_own(self, ws: Any) -> bool:
        """Whether sheet ``ws`` (of a workbook open read-only or not) is one of
        :attr:`own_sheets`: by its name, or by its header (:attr:`own_headers`)."""
        if ws.title in self.own_sheets:
            return True
        if not self.own_headers:
            return False
        head = {str(h).strip() for h in next(sheet_values(ws, max_row=1), ()) if h is not None}
        return any(wanted <= head for wanted in self.own_headers)

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if self.key not in names:
            raise ValueError(f"key {self.key!r} is not one of the fields")
        if len(set(names)) != len(names):
            raise ValueError("field names must be unique")

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def editable(self) -> tuple[str, ...]:
        """Names of the editable fields, in order."""
        return tuple(f.name for f in self.fields if f.editable)


def header(f: Field) -> str:
    """The header text of a field: its name, plus :data:`EDIT_MARK` when editable."""
    return f.name + EDIT_MARK if f.editable else f.name


def _norm_header(value: object) -> str:
    """A header as compared on read: NFKC, no edit mark, no spaces or line breaks."""
    if value is None:
        return ""
    text = _MARK_RE.sub("", unicodedata.normalize("NFKC", str(value)))
    return "".join(text.split())


# --------------------------------------------------------------------------- write
def _write_value(cell: Any, value: object, f: Field) -> str | None:
    """Write one value; returns what had to change in a text (or ``None``)."""
    if is_missing(value) and not (isinstance(value, str) and value.strip()):
        cell.value = None
        return None
    if f.kind is FieldKind.DATE and isinstance(value, dt.date | pd.Timestamp):
        cell.value = value.date() if isinstance(value, dt.datetime) else value
        cell.number_format = _DATE_FORMAT
        return None
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, Real) and not isinstance(value, bool):
        cell.value = float(value) if not float(value).is_integer() else value
        if f.number_format:
            cell.number_format = f.number_format
        return None
    fixed = cell_text(str(value))
    force_text(cell, fixed.text)
    return fixed.problem or None


def _write_own(cell: Any, value: object, name: str) -> str | None:
    """Write one value of a column staff added (``EditedSheet.extra``, read as the cell held
    it): a date stays a date cell, with its time of day when it has one, never the text
    「2027-03-01 00:00:00」 that no longer sorts or filters as a date; anything else as the
    text fields are written (:func:`_write_value`)."""
    if not is_missing(value) and isinstance(value, dt.date):  # pd.Timestamp is a datetime
        if isinstance(value, dt.datetime) and value.time() != dt.time():
            cell.value = pd.Timestamp(value).to_pydatetime()
            cell.number_format = _DATETIME_FORMAT
            return None
        return _write_value(cell, value, Field(name, kind=FieldKind.DATE, editable=True))
    return _write_value(cell, value, Field(name, editable=True))


def _validation(f: Field) -> DataValidation | None:
    if not f.editable:
        return None
    if f.kind is FieldKind.CHOICE:
        dv = DataValidation(type="list", formula1='"' + ",".join(f.choices) + '"')
        dv.error = f"请从下拉列表选择：{'、'.join(f.choices)}"
    elif f.kind is FieldKind.DATE:
        dv = DataValidation(
            type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)"
        )
        dv.error = "请填写日期，如 2027-06-30"
    elif f.kind is FieldKind.NUMBER:
        dv = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15")
        dv.error = "请填写数字"
    elif f.hint:  # free text: any value, with what to write shown when a cell is selected
        dv = DataValidation()
    else:
        return None
    dv.allow_blank = True
    dv.showErrorMessage = True
    dv.errorTitle = f"「{f.name}」填写有误"
    if f.hint:
        dv.prompt = f.hint[:250]
        dv.showInputMessage = True
    return dv


#: The marker's own labels; any other labelled row is what the file was written for (``about``).
_MARKER_LABELS = frozenset(
    {"标识", "类型", "版本", "数据表", "键字段", "写出时间", "说明", "写出的键"}
)


def _marker(
    wb: Workbook,
    layout: Layout,
    title: str,
    keys: Sequence[str],
    about: Mapping[str, object] | None = None,
) -> None:
    if MARKER_SHEET in wb.sheetnames:
        del wb[MARKER_SHEET]
    ws = wb.create_sheet(MARKER_SHEET)
    told = [(str(k), "" if is_missing(v) else str(v)) for k, v in (about or {}).items()]
    if any(k in _MARKER_LABELS for k, _ in told):
        raise ValueError(f"about: a label of the marker's own ({sorted(_MARKER_LABELS)})")
    rows = [
        ("标识", _MARKER_ID),
        ("类型", layout.kind),
        ("版本", layout.version),
        ("数据表", title),
        ("键字段", layout.key),
        ("写出时间", dt.datetime.now().astimezone().isoformat(timespec="seconds")),
        *told,
        ("说明", "landgov 用此表识别本文件，请勿修改或删除"),
        ("写出的键", len(keys)),
    ]
    for label, value in rows:
        ws.append([label, None])
        cell = ws.cell(row=ws.max_row, column=2)
        if isinstance(value, str):
            force_text(cell, value)
        else:
            cell.value = value
    for i, key in enumerate(keys, start=len(rows) + 1):
        force_text(ws.cell(row=i, column=2), key)
    ws.sheet_state = "hidden"


def add_editable_sheet(
    wb: Workbook,
    rows: pd.DataFrame,
    layout: Layout,
    *,
    extra: pd.DataFrame | None = None,
    flags: Mapping[str, Mapping[str, str]] | None = None,
    index: int | None = None,
    about: Mapping[str, object] | None = None,
) -> list[tuple[int, str, str]]:
    """Add the editable sheet ``layout.sheet`` to ``wb`` and the hidden marker sheet.

    Parameters
    ----------
    wb
        The workbook (an existing sheet of the same name is replaced).
    rows
        One row per key with a column per field name (missing columns are left blank); key
        values are written as text.
    layout
        The sheet's layout.
    extra
        Columns staff added themselves (as :attr:`EditedSheet.extra` returns them, indexed by
        key): written after the fields, unlocked and unmarked, so they survive a round trip.
    index
        Position of the sheet among the workbook's sheets (default: last).
    about
        What the workbook was written for, kept in the marker and read back as
        ``EditedSheet.meta["about"]`` (e.g. ``{"基准日": "2026-06-30"}`` for a 核实表 of one
        screening run): a file returned for another run is told apart (:func:`other_run`).

    Returns
    -------
    list of (int, str, str)
        Cells whose text had to change to fit in a cell: (row, field, what changed).

    Raises
    ------
    ValueError
        A key is blank or appears twice.
    """
    keys = [str(k) for k in rows[layout.key]] if len(rows) else []
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes or any(not k.strip() or k == "nan" for k in keys):
        raise ValueError(f"keys must be unique and non-blank (duplicates: {dupes[:5]})")
    if layout.sheet in wb.sheetnames:
        del wb[layout.sheet]
    ws = wb.create_sheet(layout.sheet, index)
    extra_cols = [] if extra is None else [c for c in extra.columns if str(c).strip()]
    _write_header(ws, layout, extra_cols)
    fixes: list[tuple[int, str, str]] = []
    for r, (_, record) in enumerate(rows.iterrows(), start=2):
        key = keys[r - 2]
        for c, f in enumerate(layout.fields, start=1):
            value = key if f.name == layout.key else record.get(f.name)
            fix = _write_value(ws.cell(row=r, column=c), value, f)
            if fix:
                fixes.append((r, f.name, fix))
        for c, name in enumerate(extra_cols, start=len(layout.fields) + 1):
            value = extra[name].get(key) if extra is not None and key in extra.index else None
            fix = _write_own(ws.cell(row=r, column=c), value, str(name))
            if fix:
                fixes.append((r, str(name), fix))
    _style(ws, layout, extra_cols, len(rows))
    _mark_flags(ws, layout, keys, flags or {})
    _marker(wb, layout, ws.title, keys, about)
    return fixes


def _mark_flags(
    ws: Worksheet, layout: Layout, keys: list[str], flags: Mapping[str, Mapping[str, str]]
) -> None:
    column = {f.name: c for c, f in enumerate(layout.fields, start=1)}
    for r, key in enumerate(keys, start=2):
        for name, problem in flags.get(key, {}).items():
            if name in column:
                flag_cell(ws.cell(row=r, column=column[name]), problem)


def flag_cell(cell: Any, problem: str) -> None:
    """Mark a cell whose content needs correcting as every workbook landgov writes back marks
    it: filled orange, ``problem`` in its comment (「请修改：…」)."""
    cell.fill = _FLAG_FILL
    cell.comment = Comment(f"请修改：{problem}"[:1000], "landgov")


def _write_header(ws: Worksheet, layout: Layout, extra_cols: list[Any]) -> None:
    for c, f in enumerate(layout.fields, start=1):
        cell = ws.cell(row=1, column=c)
        force_text(cell, header(f))
        cell.fill = _HEADER_EDIT_FILL if f.editable else _HEADER_FILL
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for c, name in enumerate(extra_cols, start=len(layout.fields) + 1):
        cell = ws.cell(row=1, column=c)
        force_text(cell, cell_text(str(name)).text)
        cell.font = Font(bold=True)


def _style(ws: Worksheet, layout: Layout, extra_cols: list[Any], n_rows: int) -> None:
    last = max(n_rows + 1, 2)
    reach = max(last, n_rows + _MAX_VALIDATED_ROW)
    for c, f in enumerate(layout.fields, start=1):
        letter = get_column_letter(c)
        width = f.width or max(8.0, 2.2 * len(header(f)) + 2)
        ws.column_dimensions[letter].width = width
        if f.editable:
            dv = _validation(f)
            if dv is not None:
                dv.add(f"{letter}2:{letter}{reach}")
                ws.add_data_validation(dv)
            # unlocked beyond the data too, so rows can be added; openpyxl writes only the
            # column style for empty cells
            ws.column_dimensions[letter].protection = Protection(locked=False)
        for r in range(2, n_rows + 2):
            cell = ws.cell(row=r, column=c)
            cell.fill = _EDIT_FILL if f.editable else _COMPUTED_FILL
            cell.protection = Protection(locked=not f.editable)
            if f.editable and f.kind is FieldKind.DATE:
                cell.number_format = _DATE_FORMAT
            if f.wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    first_free = len(layout.fields) + 1
    for c in range(first_free, first_free + len(extra_cols) + 20):  # room for columns staff add
        ws.column_dimensions[get_column_letter(c)].protection = Protection(locked=False)
    for c in range(first_free, first_free + len(extra_cols)):
        for r in range(1, n_rows + 2):
            ws.cell(row=r, column=c).protection = Protection(locked=False)
    ws.freeze_panes = ws.cell(row=2, column=2)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(layout.fields) + len(extra_cols))}{last}"
    ws.protection = SheetProtection(
        sheet=True,
        formatCells=False,
        formatColumns=False,
        formatRows=False,
        insertColumns=False,
        insertRows=False,
        deleteRows=False,
        sort=False,
        autoFilter=False,
    )


def save_workbook(wb: Workbook, path: str | os.PathLike[str]) -> Path:
    """Save ``wb`` to ``path`` atomically: a temporary file beside it, then a rename.

    The target may be the file that was read: it is replaced only when the new file is
    complete. On failure the temporary file is removed and the old file stays as it was.

    Raises
    ------
    OSError
        From :func:`landgov.errors.write_failure`: a message in Chinese naming the file.
    """
    target = Path(path)
    try:
        with written_whole(target) as tmp:
            wb.save(tmp)
    except OSError as exc:
        raise write_failure(target, exc) from exc
    return target


# --------------------------------------------------------------------------- read
@dataclass(frozen=True)
class EditedSheet:
    """What :func:`read_editable` read back.

    Attributes
    ----------
    rows
        One row per key (index: the key as text, named after the key field), a column per
        field found in the sheet plus ``行号`` (the 1-based sheet row). Values are parsed
        (dates as :class:`datetime.date`, numbers as float, text stripped, blank ``None``);
        a value that could not be read is kept **as typed** and listed in ``flags``.
    flags
        ``{key: {field: problem}}`` for every kept value that failed validation.
    extra
        Columns staff added (not in the layout), indexed by key, as read.
    duplicates
        Later rows of a key seen before (same columns as ``rows``, index = key); each has a
        problem row. The first row of a key is the one in ``rows``.
    unkeyed
        Rows with content but a blank key (``行号`` and the values), each with a problem row.
    missing_fields
        Layout fields whose column was not found (their values are absent from ``rows``).
    removed_keys
        Keys the marker says were written but no row holds any more.
    problems
        The problems table (:data:`landgov.core.problems.PROBLEM_COLUMNS`).
    meta
        ``kind``, ``version``, ``written_at``, ``about`` (what the file was written for, as
        :func:`add_editable_sheet` was told; empty for a file that records nothing),
        ``sheet`` (the sheet read), ``marker`` (found).
    conflicts
        Keys answered differently on two or more rows, none of them used (only with
        ``refuse_conflicts``; their rows are in ``duplicates``).
    added_keys
        Keys of rows the marker does not list: rows added by hand (empty without a marker).
    """

    rows: pd.DataFrame
    flags: dict[str, dict[str, str]]
    extra: pd.DataFrame
    duplicates: pd.DataFrame
    unkeyed: pd.DataFrame
    missing_fields: tuple[str, ...]
    removed_keys: tuple[str, ...]
    problems: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    conflicts: tuple[str, ...] = ()
    added_keys: tuple[str, ...] = ()

    def flagged(self, key: str, name: str) -> bool:
        """Whether the value of ``name`` in row ``key`` failed validation."""
        return name in self.flags.get(key, {})

    def unknown(self, key: str, names: Iterable[str]) -> list[str]:
        """Those of ``names`` whose value in row ``key`` is not known: blank, or kept as typed
        and flagged (a formula without its stored result, a value that is not a date …).

        A value that could not be read is no value: a decision whose 认定人 is an uncomputed
        formula has no known 认定人.
        """
        rec = self.rows.loc[key] if key in self.rows.index else pd.Series(dtype=object)
        return [n for n in names if is_missing(rec.get(n)) or self.flagged(str(key), n)]


def sheet_values(ws: Any, **where: int) -> Iterator[tuple[object, ...]]:
    """``ws.iter_rows(**where, values_only=True)`` with each text's OOXML escapes decoded
    (:func:`~landgov.core.safe_text.ooxml_text`): a line break Excel stored as 「_x000D_」 is
    read as one, as the table readers read it."""
    for row in ws.iter_rows(**where, values_only=True):
        yield tuple(ooxml_text(v) if type(v) is str and "_x" in v else v for v in row)


def _read_marker(wb: Any) -> dict[str, Any]:
    if MARKER_SHEET not in wb.sheetnames:
        return {}
    ws = wb[MARKER_SHEET]
    values = list(sheet_values(ws, max_col=2))
    # labelled rows (column A) are the head, the keys written are in column B only
    head = {str(r[0]): r[1] for r in values if r and r[0] is not None}
    if head.get("标识") != _MARKER_ID:
        return {}
    keys = [
        _key_text(r[1]) for r in values if r and r[0] is None and len(r) > 1 and r[1] is not None
    ]
    try:
        version = int(head.get("版本"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        version = None
    return {
        "kind": head.get("类型"),
        "version": version,
        "sheet": head.get("数据表"),
        "key": head.get("键字段"),
        "written_at": head.get("写出时间"),
        "keys": keys,
        "about": {k: v for k, v in head.items() if k not in _MARKER_LABELS},
    }


def _key_text(value: object, *, code: bool = False) -> str:
    """A key cell as text: numbers without ``.0``, NFKC, stripped; a code (``code``) in the
    form of :func:`~landgov.ids.normalize_code` (upper case, no blank inside)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if code:
        return normalize_code(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _key_headers(layout: Layout) -> frozenset[str]:
    """The other headers the key column is found under: for a key that is a 宗地代码
    (``code_key``) every header the input readers know for it (「地块编号」, 「ZDDM」 …,
    :func:`landgov.io.aliases.code_headers`), normalised as they normalise a header."""
    if not layout.code_key:
        return frozenset()
    from landgov.io.aliases import code_headers

    return code_headers(layout.key)


def _key_column(seen: Mapping[int, str], layout: Layout) -> int | None:
    """The column of the key among the header texts ``seen`` ({column: :func:`_norm_header`}):
    the first headed with the key's name, else the first under another header the readers
    know for it (:func:`_key_headers`)."""
    exact = _norm_header(layout.key)
    found = next((c for c, text in seen.items() if text == exact), None)
    if found is not None or not layout.code_key:
        return found
    from landgov.io.fields import normalize_header

    known = _key_headers(layout)
    return next((c for c, text in seen.items() if text and normalize_header(text) in known), None)


def _find_header(ws: Any, layout: Layout) -> tuple[int, dict[str, int], dict[int, str]] | None:
    """(header row, {field: column}, {column: extra header}) when the key header is found
    (under its name, or a header the readers know for it: :func:`_key_column`)."""
    wanted = {_norm_header(old): f.name for f in layout.fields for old in f.formerly}
    wanted |= {_norm_header(f.name): f.name for f in layout.fields}
    for r, row in enumerate(sheet_values(ws, max_row=_HEADER_SEARCH_ROWS), 1):
        seen = {c: _norm_header(v) for c, v in enumerate(row, 1) if v is not None}
        key_col = _key_column(seen, layout)
        if key_col is None:
            continue
        found: dict[str, int] = {}
        extra: dict[int, str] = {}
        for c, text in seen.items():
            name = layout.key if c == key_col else wanted.get(text)
            if name is not None and name not in found:
                found[name] = c
            elif text:
                extra[c] = str(row[c - 1]).strip()
        return r, found, extra
    return None


def _tables(wb: Any) -> list[str]:
    """The names of the sheets that hold cells: a chart sheet (Excel's F11, a clerk's chart of
    progress) has none and is passed over."""
    return [ws.title for ws in wb.worksheets]


def _pick_sheet(wb: Any, layout: Layout, marker: Mapping[str, Any]) -> Any:
    """The data sheet: of the sheets whose header holds the key and at least one editable
    column, the one with the most of the layout's columns (the marker's and the layout's sheet
    name first on a tie). A sheet renamed and moved behind landgov's own plain sheets
    (治理台账 → 「Sheet1」 after 状态变更记录) is still found, and a plain sheet that only
    shares the key column (状态变更记录) is never read in place of a deleted data sheet, nor one
    of landgov's own sheets holding the same columns (未合并的行) in place of a renamed one."""
    tables = _tables(wb)
    candidates = [marker.get("sheet"), layout.sheet]
    names = [n for n in candidates if n in tables]
    # landgov's own other sheets (未合并的行, under its name or renamed: Layout.is_own) hold
    # the key and the columns to fill in too: never the data sheet, wherever they stand
    names += [
        n for n in tables if n not in names and n != MARKER_SHEET and not layout.is_own(wb[n])
    ]
    best, most = None, 0
    for name in names:
        columns = _answer_columns(wb[name], layout)
        if columns is not None and len(columns) > most:
            best, most = wb[name], len(columns)
    return best


def _answer_columns(ws: Any, layout: Layout) -> dict[str, int] | None:
    """{field: column} of sheet ``ws`` when its header holds the key and at least one column to
    fill in (a sheet that could hold answers), else ``None``."""
    found = _find_header(ws, layout)
    if found is None:
        return None
    columns = found[1]
    if layout.editable and not any(n in columns for n in layout.editable):
        return None
    return columns


#: A formula cell without its stored result (``formula``: the formula as typed).
NO_RESULT = (
    "所填为公式「{formula}」，文件中没有其计算结果（公式由程序写入、未经 Excel/WPS 计算保存），"
    "无法读取其值"
)
#: What to do about a formula cell without its stored result.
RECALCULATE = "在 Excel/WPS 中打开该文件并保存（保存时计算公式），或把公式改为所得数值，再重新导入"


#: A cell holding an Excel error value (``cell``: 「L2」, ``value``: 「#N/A」), without what
#: becomes of it: a reader that keeps the cell as typed says its own outcome after it.
ERROR_CELL = "单元格 {cell} 为 Excel 错误值「{value}」（公式出错，或其引用的单元格、工作表已删除）"
#: A cell holding an Excel error value, read as not filled in (:func:`read_answer`).
ERROR_VALUE = ERROR_CELL + "，不是所填的内容，按未填写（待核实）处理"
#: What to do about a cell holding an Excel error value.
FIX_ERROR = "请在该单元格填入实际内容（修正公式，或把公式改为所得数值）后重新导入"


#: What to do about a date cell that does not read (or was left blank where one is needed).
WRITE_DATE = "请填写完整的年月日，如 2027-06-30"


#: Excel functions worked out again at every calculation (volatile): a cell calling one holds,
#: in the file, the result of the day it was last saved (:func:`say_volatile`).
VOLATILE_FUNCTIONS = ("TODAY", "NOW", "RAND", "RANDBETWEEN", "OFFSET", "INDIRECT")
_VOLATILE_CALL = re.compile(
    r"(?<![\w.])(" + "|".join(VOLATILE_FUNCTIONS) + r")\s*\(", re.IGNORECASE
)
#: A text in a formula (「"…"」, a quote doubled inside) or a quoted sheet name (「'…'!」).
_QUOTED = re.compile(r"\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'")
#: A formula cell calling a volatile function, read by its stored result (``functions``:
#: 「TODAY」, ``value``: the value read).
VOLATILE = (
    "单元格 {cell} 为公式「{formula}」，其中的 {functions} 每次计算结果都可能不同："
    "已按文件最后保存时算得并存入文件的值「{value}」读取，这是最后保存那一天的结果，此后不会再变化"
)
#: What to do about a formula cell calling a volatile function.
TYPE_VALUE = "请在该单元格直接填写日期或数值本身（如 2027-06-30），不要使用公式"


def volatile_functions(formula: str) -> tuple[str, ...]:
    """The volatile functions (:data:`VOLATILE_FUNCTIONS`) ``formula`` calls, in upper case and
    in order; a name inside a text of the formula is no call.

    >>> volatile_functions("=today()+30"), volatile_functions("=A2+30")
    (('TODAY',), ())
    >>> volatile_functions('=IF(A2="TODAY()",RANDBETWEEN(1,9),NOW())')
    ('RANDBETWEEN', 'NOW')
    """
    calls = _VOLATILE_CALL.findall(_QUOTED.sub('""', formula))
    return tuple(dict.fromkeys(name.upper() for name in calls))


def say_volatile(
    log: ProblemLog, formula: str, value: object, *, sheet: str, at: tuple[int, int], field: str
) -> None:
    """A 警告 for the cell at 1-based ``at`` (row, column) of ``sheet`` whose ``formula`` calls
    a volatile function (:func:`volatile_functions`; nothing said for another formula):
    ``value``, the result stored on the day the file was last saved, is what is read — what
    staff saw —, but it is that day's and will not change: 「=TODAY()+30」 read a year later is
    still the date of a year ago."""
    functions = volatile_functions(formula)
    if not functions:
        return
    problem = VOLATILE.format(
        cell=_cell_name(*at), formula=formula, functions="、".join(functions), value=_text(value)
    )
    log.add(
        f"工作表「{sheet}」{problem}",
        row=at[0],
        field=field,
        value=formula,
        action=TYPE_VALUE,
        severity=Severity.WARNING,
    )


def _cell_name(r: int, c: int) -> str:
    """「L2」: the cell at 1-based row ``r`` and column ``c``."""
    return f"{get_column_letter(c)}{r}"


def _read_cell(
    value: object, f: Field, formula: str | None, cell: str
) -> tuple[object, str | None, Severity, str]:
    """(value to keep, problem or None, severity, what to do) for one cell (``cell``: 「L2」); a
    formula whose result is not in the file and an Excel error value are kept as typed and
    flagged."""
    if formula is not None:
        return formula, NO_RESULT.format(formula=formula), Severity.ERROR, RECALCULATE
    return read_answer(value, f, cell=cell)


def read_answer(value: object, f: Field, *, cell: str) -> tuple[object, str | None, Severity, str]:
    """(value to keep, problem or ``None``, severity, what to do) for a cell ``value`` staff
    filled in for field ``f`` (``cell``: 「L2」, named when it holds an Excel error value), as
    :func:`read_editable` reads the cells of its data sheet: a date or number that does not
    read, a choice not offered and an Excel error value are kept as typed (an 错误); a date
    read with a doubt (a month alone, an Excel serial number) is the date read (a 警告).

    The one reading of a filled-in cell: a sheet of a returned workbook read apart (the 治理台账's
    状态变更记录) reads its cells here too.

    >>> read_answer("明年", Field("日期", kind=FieldKind.DATE), cell="B2")[1:3]
    ('无法识别的日期「明年」（请写作 2021-03-05）', <Severity.ERROR: '错误'>)
    """
    error = excel_error(value)
    if error is not None:
        return error, ERROR_VALUE.format(cell=cell, value=error), Severity.ERROR, FIX_ERROR
    value, problem, sev = _parse(value, f)
    return value, problem, sev, _what_to_do(f)


def _parse(value: object, f: Field) -> tuple[object, str | None, Severity]:
    """(value to keep, problem or None, severity) for one cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None, Severity.INFO
    if f.kind is FieldKind.DATE:
        return _parse_date(value, f)
    if f.kind is FieldKind.NUMBER:
        return _parse_number(value, f)
    text = _text(value)
    if f.kind is FieldKind.CHOICE:
        norm = folded(text)
        for choice in f.choices:
            if norm == folded(choice):
                return choice, None, Severity.INFO
        return text, f"「{text}」不是可选值（{'、'.join(f.choices)}）", Severity.ERROR
    return text, None, Severity.INFO


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _parse_date(value: object, f: Field) -> tuple[object, str | None, Severity]:
    date, problem = read_date(value, month_only="last" if f.deadline else "first")
    if date is None and problem is None:
        return None, None, Severity.INFO
    if date is None:
        return _text(value), (problem or "").replace("，已按缺失处理", ""), Severity.ERROR
    if problem:
        return date, problem, Severity.WARNING
    return date, None, Severity.INFO


def _parse_number(value: object, f: Field) -> tuple[object, str | None, Severity]:
    if isinstance(value, bool):
        return _text(value), f"「{value}」不是数字", Severity.ERROR
    if isinstance(value, Real):
        return float(value), None, Severity.INFO
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    try:
        return float(text), None, Severity.INFO
    except ValueError:
        return str(value).strip(), f"「{str(value).strip()}」不是数字", Severity.ERROR


def _what_to_do(f: Field) -> str:
    if f.kind is FieldKind.CHOICE:
        return f"请从下拉列表选择：{'、'.join(f.choices)}"
    if f.kind is FieldKind.DATE:
        return WRITE_DATE
    if f.kind is FieldKind.NUMBER:
        return "请填写数字（不带单位）"
    return f.hint or "请核实"


def read_editable(
    path: str | os.PathLike[str],
    layout: Layout,
    *,
    require_marker: bool = True,
    refuse_conflicts: bool = False,
    say_removed: bool = True,
) -> EditedSheet:
    """Read the edits of a workbook written by :func:`add_editable_sheet`.

    Parameters
    ----------
    path
        The .xlsx file, as staff returned it.
    layout
        The layout it was written with (fields are found by header, in any order).
    require_marker
        Refuse a file without landgov's marker sheet (default). With ``False`` any sheet with
        the key header is read (e.g. a list staff retyped), with a warning.
    refuse_conflicts
        A key on two rows whose filled-in values differ (the same plot answered twice with
        different answers): with ``False`` (default) the first row is used and the later one
        reported; with ``True`` neither is used (both go to ``duplicates``, listed in
        ``conflicts``) and the problem says so. For decisions that must not be guessed
        (人工认定, 核实答复).
    say_removed
        Say each written row that has gone (default). ``False`` for a caller that says it
        itself, with what it did about it (the 治理台账 restores the plot from its history):
        said twice, the first told staff to restore a row the second said was restored.

    Returns
    -------
    EditedSheet

    Raises
    ------
    DataFileError
        The file cannot be opened as a workbook.
    InputError
        No marker (when required), a marker of another kind or a newer version, or no sheet
        with the key column.
    """
    source = Path(path)
    wb = _open(source)
    log = ProblemLog(source.name)
    marker = _check_marker(_read_marker(wb), layout, source, log, require_marker)
    ws = _pick_sheet(wb, layout, marker)
    if ws is None:
        raise InputError(
            [
                Issue(
                    str(source),
                    layout.key,
                    wb.sheetnames,
                    f"没有找到含「{layout.key}」列和填写列"
                    f"（{'、'.join(header(f) for f in layout.fields if f.editable)}）的工作表"
                    "（数据表被删除，或表头被改动）",
                    "请使用 landgov 写出的文件，并保留表头行（表头照原样，不要翻译或改名）",
                )
            ]
        )
    _say_renamed(wb, ws, layout, marker, log)
    uncached, saved = _formulas(source, ws)
    edited = _read_sheet(
        ws, layout, marker, log, uncached, refuse_conflicts, saved=saved, say_removed=say_removed
    )
    _check_copies(wb, ws, layout, marker, edited, log)
    return replace(edited, problems=log.frame())


def _say_renamed(
    wb: Any, ws: Any, layout: Layout, marker: Mapping[str, Any], log: ProblemLog
) -> None:
    """A 提示 when the data sheet of a workbook landgov wrote (``marker``) is read under
    another name than the one it was written with (:func:`_pick_sheet` found it by its
    header): renamed by staff (「Sheet1」, 「斗门台账」), said as the 治理台账's renamed
    状态变更记录 is, never read without a word. A file without the marker (a list staff typed
    again, already said as such) is not told what its sheet is called."""
    written = marker.get("sheet") or layout.sheet
    if not marker or ws.title == written:
        return
    if written not in wb.sheetnames:
        found = f"没有名为「{written}」的工作表"
    elif _answer_columns(wb[written], layout) is None:
        found = f"工作表「{written}」中没有找到「{layout.key}」列和填写列"
    else:  # both hold answers: the one with more of the layout's columns is read
        found = f"工作表「{written}」的列少于工作表「{ws.title}」"
    log.add(
        f"{found}；工作表「{ws.title}」含「{layout.key}」列和填写列，按「{written}」读取",
        action=f"无需处理；landgov 写出的文件中该表名为「{written}」，请勿改名",
        severity=Severity.INFO,
    )


def no_common_keys(
    source: str | os.PathLike[str],
    keys: Iterable[object],
    known: Iterable[object],
    *,
    what: str,
    field: str,
    action: str,
) -> Issue | None:
    """The issue of a returned workbook none of whose keys (plots, applications) is in the run
    it is given to — another county's or project's file — or ``None``.

    Without keys on either side (an empty form, a run read without its plots) there is
    nothing to tell, and ``None`` is returned. One key in common is enough: a form of the same
    county whose other plots left the run is read, and the plots that left are said row by row.
    """
    mine = {str(k) for k in keys if not is_missing(k)}
    theirs = {str(k) for k in known if not is_missing(k)}
    if not mine or not theirs or mine & theirs:
        return None
    shown = "、".join(sorted(mine)[:3])
    return Issue(
        str(source), field, shown,
        f"{what}的 {len(mine)} 个{field}（{shown} 等）与本次运行没有一宗相同：这是其他区县或"
        f"其他项目的{what}",
        action,
    )  # fmt: skip


def other_run(
    source: str | os.PathLike[str],
    meta: Mapping[str, Any],
    label: str,
    ours: object,
    *,
    what: str,
    action: str,
    log: ProblemLog,
) -> Issue | None:
    """The issue of a returned workbook written for another run than the one it is given to
    (last year's 核实表 in this year's folder: its ``label`` 「基准日」 is of another year), or
    ``None``. A date of the same year (the same figures screened again on another day: the
    基准日 defaults to the day of the run) is read, with a warning naming both dates.

    ``meta`` is :attr:`EditedSheet.meta`; ``about[label]`` is what :func:`add_editable_sheet`
    recorded. A file that records nothing (an older landgov wrote it) cannot be told apart:
    it is read, and a warning in ``log`` names the file, the time it was written and this
    run's ``label``, so that a stale file is found and never applied unsaid.
    """
    name = Path(source).name
    recorded = (meta.get("about") or {}).get(label)
    mine = _text(ours)
    if is_missing(recorded) or not str(recorded).strip():
        written = meta.get("written_at")
        log.add(
            f"{what} {name} 未记录是为哪一次筛查写出的（没有{label}；由较早版本的 landgov 写出"
            + (f"，写出时间 {written}" if not is_missing(written) else "")
            + f"），无法确认是本次运行（{label} {mine}）的{what}；其中的填写内容已按本次运行读取",
            field=label,
            value=name,
            action=f"核对 {name} 是否为本次筛查写出的{what}；上一年度（其他{label}）的"
            f"{what}请移出文件夹后重新运行",
            severity=Severity.WARNING,
        )
        return None
    theirs = _text(recorded)
    if theirs == mine:
        return None
    days = read_date(theirs)[0], read_date(mine)[0]  # the one reader of typed dates
    if days[0] is not None and days[1] is not None and days[0].year == days[1].year:
        # the same year's figures, screened again on another day (「基准日」 defaults to the day
        # of the run): the answers still hold for that year, read and said
        log.add(
            f"{what} {name} 是为{label} {theirs} 的筛查写出的，本次运行的{label}为 {mine}"
            f"（同一年度）：其中的填写内容已按本次运行读取",
            field=label,
            value=name,
            action=f"如填写内容所依据的数据在两个{label}之间有变化，请重新核实；要与写出{what}时一致，"
            f"可加 --as-of {theirs} 重新运行",
            severity=Severity.WARNING,
        )
        return None
    return Issue(
        str(source), label, theirs,
        f"{what} {name} 是为{label} {theirs} 的筛查写出的，本次运行的{label}为 {mine}："
        f"其中的填写内容针对另一年度的筛查数据，不能计入本次运行",
        action,
    )  # fmt: skip


#: Suffixes of workbooks in a format other than .xlsx (WPS and Excel 97–2003, OpenDocument).
_OTHER_FORMATS = {
    ".xls": "Excel 97-2003 工作簿（.xls）",
    ".et": "WPS 表格文件（.et）",
    ".ett": "WPS 表格模板（.ett）",
    ".ods": "OpenDocument 电子表格（.ods）",
    ".csv": "CSV 文本",
}


def _open(source: Path) -> Any:
    """The workbook at ``source`` (values, not formulas); a :class:`DataFileError` naming the
    file and what to do when it is missing, in another format (WPS 另存为 .xls) or damaged."""
    from landgov.io._grid import not_a_workbook

    if not source.exists():
        raise DataFileError(
            f"文件「{source}」不存在。处理：检查路径是否写错（文件名中的空格、中文标点要与实际一致）"
        )
    fmt = _OTHER_FORMATS.get(source.suffix.lower())
    if fmt is not None:
        raise DataFileError(
            f"{source}：文件是{fmt}，landgov 写出并只读回 .xlsx 格式（另存为其他格式后，"
            "下拉列表、隐藏的标识表等可能丢失）。处理：在 WPS/Excel 中打开该文件，"
            "「另存为」Excel 工作簿（*.xlsx），再用 .xlsx 文件重试"
        )
    with open_xlsx(source) as handle:  # refused here when it cannot be read in time
        try:
            return load_workbook(handle, data_only=True)
        except Exception as exc:  # zip, XML and openpyxl errors alike
            raise not_a_workbook(source) from exc


def answer_text(value: object) -> str:
    """A filled-in cell as two rows of one key are compared (``refuse_conflicts``): its text,
    ``""`` when missing as every stage reads it (:func:`landgov.core.missing.is_missing`)."""
    return "" if is_missing(value) else _text(value)


def _editable_values(rec: Mapping[str, Any], layout: Layout) -> dict[str, str]:
    """The filled-in (editable) values of a read row, as compared between rows: text."""
    texts = {name: answer_text(rec.get(name)) for name in layout.editable}
    return {name: text for name, text in texts.items() if text}


def _is_copy(ws: Any, layout: Layout) -> bool:
    """Whether ``ws`` is a copy of a sheet written with ``layout``: its header row holds every
    field, the editable ones marked 「（填写）」 (landgov's plain sheets never mark them)."""
    found = _find_header(ws, layout)
    if found is None or len(found[1]) < len(layout.fields):
        return False
    row = next(sheet_values(ws, min_row=found[0], max_row=found[0]))
    marked = {folded(v) for v in row if v}
    wanted = {folded(header(f)) for f in layout.fields}
    return wanted <= marked


def _check_copies(  # noqa: PLR0917
    wb: Any,
    ws: Any,
    layout: Layout,
    marker: Mapping[str, Any],
    edited: EditedSheet,
    log: ProblemLog,
) -> None:
    """Say so when another sheet could hold answers: a copy of the data sheet (「人工认定 (2)」)
    or a sheet staff made with the key column and a column to fill in (「Sheet1」 with answers
    pasted in; not one of ``layout.own_sheets``, under its name or renamed: :meth:`Layout.is_own`).
    It is not read, and what was filled in there
    only is an error naming the sheet, row, field and value."""
    read = {str(k): _editable_values(r, layout) for k, r in edited.rows.iterrows()}
    for name in _tables(wb):
        other = wb[name]
        if name in (ws.title, MARKER_SHEET) or layout.is_own(other):
            continue
        if _is_copy(other, layout):
            what, fix = f"是「{ws.title}」的副本", f"并删除副本「{name}」"
        elif _answer_columns(other, layout) is not None:
            what = f"含「{layout.key}」列和填写列，但不是 landgov 写出的数据表「{ws.title}」"
            fix = ""
        else:
            continue
        copy = _read_sheet(other, layout, marker, ProblemLog(log.source), {}, False)
        lost = 0
        for key, rec in copy.rows.iterrows():
            mine = read.get(str(key), {})
            for field_name, value in _editable_values(rec, layout).items():
                if mine.get(field_name) == value:
                    continue
                lost += 1
                log.add(
                    f"工作表「{name}」{what}，未读取；其中「{layout.key}」{key} "
                    f"的「{field_name}」填写为「{value}」，与工作表「{ws.title}」"
                    f"（「{mine.get(field_name) or '空'}」）不同",
                    row=int(rec["行号"]),
                    field=field_name,
                    value=value,
                    action=f"请把该填写改到工作表「{ws.title}」中{fix}，然后重新导入；本次未采用",
                )
        if not lost:
            log.add(
                f"工作表「{name}」{what}，填写内容与之相同，未读取",
                action=f"无需处理；可删除工作表「{name}」",
                severity=Severity.INFO,
            )


def _formulas(
    source: Path, ws: Any
) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]:
    """(formula cells of sheet ``ws`` with no stored result, those with one that call a
    volatile function), each by 1-based (row, column).

    Excel and WPS store a formula's result beside it, and that result is what is read. A
    program that writes formulas without computing them (openpyxl, many scripts) leaves it
    out: the cell then reads as empty, and a filled-in answer would be lost without a word.
    A stored result of 「=TODAY()+30」 is that of the day the file was saved (:func:`say_volatile`).
    """
    cells = formula_cells(source, ws.title)
    uncached = {rc: f for rc, f in cells.items() if ws.cell(*rc).value is None}
    saved = {rc: f for rc, f in cells.items() if rc not in uncached and volatile_functions(f)}
    return uncached, saved


def formula_cells(source: str | os.PathLike[str], title: str) -> dict[tuple[int, int], str]:
    """Every formula cell of sheet ``title`` of the .xlsx ``source``: ``{(row, column): formula}``
    (1-based, the formula as typed, with its 「=」); empty when the file has no formula.

    Read beside the values (``data_only``): a formula cell whose value is ``None`` there has no
    stored result (see :data:`NO_RESULT`).
    """
    from landgov.io._grid import has_formulas

    path = Path(source)
    if not has_formulas(path):
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with open_xlsx(path) as handle:
            wb = load_workbook(handle, data_only=False)
    try:
        if title not in wb.sheetnames:
            return {}
        out: dict[tuple[int, int], str] = {}
        for row in wb[title].iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    out[(cell.row, cell.column)] = str(getattr(cell.value, "text", cell.value))
    finally:
        wb.close()
    return out


def _check_marker(
    marker: dict[str, Any], layout: Layout, source: Path, log: ProblemLog, required: bool
) -> dict[str, Any]:
    issue = None
    if not marker:
        if required:
            issue = (
                "不是 landgov 写出的文件（缺少隐藏的标识表「" + MARKER_SHEET + "」）",
                "请在 landgov 写出的文件上填写，不要复制到新建的工作簿",
            )
        else:
            log.add(
                "文件没有 landgov 标识表，按表头读取",
                action="核对读取结果",
                severity=Severity.WARNING,
            )
    elif marker.get("kind") != layout.kind:
        issue = (
            f"这是一份「{marker.get('kind')}」，不是「{layout.kind}」",
            "请选择正确的文件",
        )
    elif marker.get("version") is None:  # typed over or cleared: no version is not a newer one
        issue = (
            f"隐藏的标识表「{MARKER_SHEET}」中的「版本」一栏为空或不是数字，无法确认文件格式",
            f"请从上一版 landgov 写出的文件复制标识表「{MARKER_SHEET}」（或在该表「版本」一栏填回"
            f" {layout.version}）后重新读取",
        )
    elif marker["version"] > layout.version:
        issue = (
            f"文件版本 {marker.get('version')} 比本程序支持的版本 {layout.version} 新",
            "请升级 landgov 后再读取",
        )
    if issue:
        raise InputError([Issue(str(source), None, MARKER_SHEET, issue[0], issue[1])])
    return marker


def read_key(value: object, layout: Layout) -> tuple[str, str | float | None]:
    """(the key of a row as text, ``""`` when it has none; what its key cell holds when that
    names no record, or ``None``): an Excel error value (「#N/A」), or a code Excel stored as a
    number whose digits past the 15th are lost (「3.30602E+18」: the one rule of the table
    readers, :func:`landgov.io._convert._code_from_number`), never read as some other plot.

    The one reading of a key cell of a returned workbook: the data sheet's rows, and a sheet
    read apart that names them (the 治理台账's 状态变更记录)."""
    error = excel_error(value)
    if error is None and layout.code_key and _lost_digits(value):
        return "", float(value)  # type: ignore[arg-type]
    return ("" if error else _key_text(value, code=layout.code_key)), error


def _lost_digits(value: object) -> bool:
    """Whether a key cell is a number a code cannot be read back from (digits lost)."""
    from landgov.io._convert import _code_from_number

    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    # a whole number only: 「1234.5」 is a typing slip, read as typed (「1234.5」, said as a row
    # landgov did not list), not a code whose digits Excel dropped
    return float(value).is_integer() and _code_from_number(value)[1] is not None


def _typed_key(key: str, typed: str | float | None) -> dict[str, Any]:
    """The key cell of a row that cannot be matched, as typed (a formula, an error value, a
    number whose digits are lost)."""
    return {} if typed is None else {key: typed}


def unkeyed_problem(
    sheet: str,
    key: str,
    formula: str | None,
    error: str | float | None = None,
    cell: str = "",
    *,
    outcome: str = "本行内容未合并",
) -> dict[str, Any]:
    """The problem of a row whose key is blank, a formula without its stored result, an
    Excel error value (``error``, in ``cell``) or a number whose digits are lost (``error``),
    as keyword arguments of :meth:`ProblemLog.add`; ``outcome``: what became of the row, said
    at the end of what to do."""
    if isinstance(error, float):
        return {
            "problem": f"工作表「{sheet}」单元格 {cell} 的「{key}」被存为数字（{error:.15g}，"
            "Excel 显示为科学计数法），超出 15 位有效数字的部分已丢失，该行无法对应",
            "value": f"{error:.15g}",
            "action": f"请把该列设为文本格式，改回原来的「{key}」后重新导入；{outcome}",
        }
    if error is not None:
        return {
            "problem": f"工作表「{sheet}」「{key}」{ERROR_CELL.format(cell=cell, value=error)}，"
            "该行无法对应",
            "value": error,
            "action": f"请恢复该行的「{key}」（{FIX_ERROR.removeprefix('请')}）；{outcome}",
        }
    if formula is None:
        return {
            "problem": f"工作表「{sheet}」该行有内容但「{key}」为空，无法对应",
            "action": f"请补填「{key}」后重新导入；{outcome}",
        }
    return {
        "problem": f"工作表「{sheet}」「{key}」{NO_RESULT.format(formula=formula)}，该行无法对应",
        "value": formula,
        "action": f"{RECALCULATE}；{outcome}",
    }


def _read_row(  # noqa: PLR0917
    r: int,
    cells: Mapping[int, Any],
    columns: Mapping[str, int],
    layout: Layout,
    formulas: Mapping[tuple[int, int], str],
    log: ProblemLog,
    sheet: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    """(the row's values by field, with 行号; {field: problem} of the editable cells flagged)."""
    record: dict[str, Any] = {"行号": r}
    row_flags: dict[str, str] = {}
    for name, c in columns.items():
        if name == layout.key:
            continue
        f = layout.field(name)
        formula = formulas.get((r, c)) if f.editable else None
        value, problem, sev, action = _read_cell(cells.get(c), f, formula, _cell_name(r, c))
        record[name] = value
        if not f.editable and (r, c) in formulas:
            log.add(
                f"工作表「{sheet}」单元格 {_cell_name(r, c)} "
                f"{NO_RESULT.format(formula=formulas[(r, c)])}：该列由 landgov 计算，"
                "按空值（待核实）读取",
                row=r,
                field=name,
                value=formulas[(r, c)],
                action=f"请勿改动灰色列：从 landgov 写出的原文件恢复该单元格，或{RECALCULATE}",
                severity=Severity.WARNING,
            )
        if f.editable and problem is None and isinstance(value, str):
            _check_length(value, r, name, sheet, log)
        if problem and f.editable:
            log.add(
                f"工作表「{sheet}」{problem}",
                row=r,
                field=name,
                value=cells.get(c),
                action=action + ("；已保留所填内容并标记" if sev is Severity.ERROR else ""),
                severity=sev,
            )
            if sev is Severity.ERROR:
                row_flags[name] = problem
    return record, row_flags


def _say_saved(
    r: int,
    values: tuple[Mapping[str, Any], Mapping[str, Any]],
    columns: tuple[Mapping[int, str], Mapping[int, str]],
    *,
    saved: Mapping[tuple[int, int], str] | None,
    log: ProblemLog,
    sheet: str,
) -> None:
    """:func:`say_volatile` for each cell of row ``r`` in a column staff fill in (``columns``:
    the editable columns and staff's own, each by column number) holding a volatile formula
    with a stored result (``saved``; none: nothing to do); ``values``: the row's values read,
    by column name (the layout's and staff's own)."""
    if not saved:
        return
    read = {**values[0], **values[1]}
    for c, name in {**columns[0], **columns[1]}.items():
        if (r, c) in saved:
            say_volatile(log, saved[(r, c)], read.get(name), sheet=sheet, at=(r, c), field=name)


def _check_length(text: str, r: int, name: str, sheet: str, log: ProblemLog) -> None:
    """A filled-in text longer than an Excel cell holds (another program wrote it) is read
    whole, but every workbook landgov writes back cuts it (:func:`~landgov.core.safe_text.
    cell_text`): said here, with the row and field, so the cut is never silent."""
    fixed = cell_text(text)
    if not fixed.cut:
        return
    log.add(
        f"工作表「{sheet}」所填文本长 {fixed.cut_from} 字，超出 Excel 单元格上限 "
        f"{EXCEL_CELL_LIMIT} 字：landgov 写回的文件中截断，末尾标注「…（已截断…）」",
        row=r,
        field=name,
        value=text[:40] + "…",
        action="请把长文另存为附件，单元格中只填摘要或附件名；本次已按全文读取",
        severity=Severity.WARNING,
    )


def _merged_away(
    ws: Any, header_row: int, columns: Iterable[int]
) -> dict[tuple[int, int], tuple[str, int]]:
    """The cells of ``columns`` below the header hidden in a merged range (not its top-left
    cell), by 1-based (row, column): the range (「M2:M6」) and its first row. Excel and WPS keep
    a merged range's value in its top-left cell only; the other cells read as empty.

    Only the given columns (the filled-in ones, the only ones said) and the sheet's rows are
    listed, not every cell of every range.
    """
    wanted = set(columns)
    last = ws.max_row or 0
    away: dict[tuple[int, int], tuple[str, int]] = {}
    for rng in getattr(ws, "merged_cells", None) or ():
        cols = [c for c in sorted(wanted) if rng.min_col <= c <= rng.max_col]
        if not cols or rng.max_row <= header_row:
            continue
        for r in range(max(rng.min_row, header_row + 1), min(rng.max_row, last) + 1):
            for c in cols:
                if (r, c) != (rng.min_row, rng.min_col):
                    away[(r, c)] = (rng.coord, rng.min_row)
    return away


def _say_merged(  # noqa: PLR0917
    r: int,
    columns: Mapping[str, int],
    layout: Layout,
    merged: Mapping[tuple[int, int], tuple[str, int]],
    log: ProblemLog,
    sheet: str,
) -> None:
    """A problem row for each editable cell of row ``r`` hidden in a merged range: what was
    typed once for several rows counts for the first of them only, never guessed for the rest."""
    if not merged:
        return
    for name in layout.editable:
        c = columns.get(name)
        if c is None or (r, c) not in merged:
            continue
        coord, first = merged[(r, c)]
        log.add(
            f"工作表「{sheet}」单元格 {coord} 为合并单元格，其内容只计入第 {first} 行，"
            f"本行「{name}」按未填写读取",
            row=r,
            field=name,
            value=coord,
            action="请取消合并单元格，在每一行分别填写后重新导入",
            severity=Severity.WARNING,
        )


def _not_data(  # noqa: PLR0917
    r: int, cells: Mapping[int, Any], key_col: int, layout: Layout, log: ProblemLog, sheet: str
) -> bool:
    """Whether row ``r`` is no data row, said once with its row: the header typed again (a
    header row copied below the first, or each page's header kept when pages were pasted
    together), or a 合计/小计 row (its key cell, or when the key is blank its first filled cell,
    a totals label as every table reader knows it: :func:`landgov.io._totals.is_total_label`).

    Read as data, either became a plot called 「宗地代码」 or 「合计」 and was counted in every
    total (85 plots in a ledger of 84); a 合计 row with a blank key was an error asking for a
    宗地代码 that a totals row cannot have.
    """
    from landgov.io._totals import is_total_label

    key = cells.get(key_col)
    if _norm_header(key) == _norm_header(layout.key):
        log.add(
            f"工作表「{sheet}」第 {r} 行是重复的表头行，未作为数据读取",
            row=r,
            field=layout.key,
            value=key,
            action="无需处理；可删除该行",
            severity=Severity.INFO,
        )
        return True
    filled = [v for _, v in sorted(cells.items()) if not is_missing(v) and str(v).strip()]
    label = key if not is_missing(key) and str(key).strip() else (filled[0] if filled else None)
    if not isinstance(label, str) or not is_total_label(unicodedata.normalize("NFKC", label)):
        return False
    log.add(
        f"工作表「{sheet}」第 {r} 行是合计行（「{label.strip()}」），不是一宗记录，未读取、不计入",
        row=r,
        field=layout.key,
        value=label.strip(),
        action="无需处理；合计由 landgov 按各行计算，可删除该行",
        severity=Severity.WARNING,
    )
    return True


def _read_sheet(  # noqa: PLR0917
    ws: Any,
    layout: Layout,
    marker: Mapping[str, Any],
    log: ProblemLog,
    formulas: Mapping[tuple[int, int], str],
    refuse_conflicts: bool = False,
    *,
    saved: Mapping[tuple[int, int], str] | None = None,
    say_removed: bool = True,
) -> EditedSheet:
    # formulas: the formula cells with no stored result; saved: those with one that call a
    # volatile function (_formulas); say_removed: as read_editable's
    header_row, columns, extra_cols = _find_header(ws, layout)  # type: ignore[misc]
    sheet = ws.title
    missing = _say_header(ws, header_row, columns, layout, log)
    extra_cols = _own_columns(
        ws, (header_row, columns[layout.key]), columns, extra_cols, log, formulas=formulas
    )
    records, extras, dupes, unkeyed = [], [], [], []
    flags: dict[str, dict[str, str]] = {}
    seen: dict[str, int] = {}
    position: dict[str, int] = {}  # key: index of its first row in records
    conflicts: dict[str, list[int]] = {}  # key: the rows that answer it differently
    key_col = columns[layout.key]
    typed = {c: name for name, c in columns.items() if layout.field(name).editable}
    merged = _merged_away(ws, header_row, typed)
    own_formulas: list[str] = []  # cells of staff's own columns kept as their formula
    for r, row in enumerate(sheet_values(ws, min_row=header_row + 1), header_row + 1):
        cells = {c: row[c - 1] if c - 1 < len(row) else None for c in range(1, len(row) + 1)}
        cells |= {c: formulas[(r, c)] for c in (*typed, *extra_cols) if (r, c) in formulas}
        blank = all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values())
        if blank or _not_data(r, cells, key_col, layout, log, sheet):
            continue
        own_formulas += [_cell_name(r, c) for c in extra_cols if (r, c) in formulas]
        key, error = read_key(cells.get(key_col), layout)
        record, row_flags = _read_row(r, cells, columns, layout, formulas, log, sheet)
        _say_merged(r, columns, layout, merged, log, sheet)
        extra = {extra_cols[c]: cells.get(c) for c in extra_cols}
        _say_saved(r, (record, extra), (typed, extra_cols), saved=saved, log=log, sheet=sheet)
        if not key:  # blank, a formula whose result the file does not hold, an error value
            formula = formulas.get((r, key_col))
            unkeyed.append(record | extra | _typed_key(layout.key, error or formula))
            log.add(**unkeyed_problem(sheet, layout.key, formula, error, _cell_name(r, key_col)),
                    row=r, field=layout.key)  # fmt: skip
            continue
        record[layout.key] = key
        if key in seen:
            first = records[position[key]]
            if refuse_conflicts and (
                key in conflicts
                or _editable_values(record, layout) != _editable_values(first, layout)
            ):
                conflicts.setdefault(key, [seen[key]]).append(r)
                dupes.append(record | extra)
                continue
            dupes.append(record | extra)
            log.add(
                f"工作表「{sheet}」「{layout.key}」{key} 重复（第 {seen[key]} 行已有）",
                row=r,
                field=layout.key,
                value=key,
                action=f"请删除重复行或合并内容后重新导入；已采用第 {seen[key]} 行，本行未合并",
            )
            continue
        seen[key] = r
        position[key] = len(records)
        records.append(record)
        extras.append(extra | {layout.key: key})
        if row_flags:
            flags[key] = row_flags
    say_kept_formulas(log, own_formulas, sheet=sheet)
    if conflicts:
        records, extras, dupes = _refuse_conflicts(
            conflicts, records, extras, dupes, flags, layout, sheet, log
        )
    written, removed = _say_removed(marker, layout, seen, log if say_removed else None, sheet)
    names = [f.name for f in layout.fields if f.name in columns]
    return EditedSheet(
        rows=_frame(records, ["行号", *names], layout.key),
        flags=flags,
        extra=_frame(extras, [layout.key, *extra_cols.values()], layout.key),
        duplicates=_frame(dupes, ["行号", *names, *extra_cols.values()], layout.key),
        unkeyed=pd.DataFrame(unkeyed),
        missing_fields=missing,
        removed_keys=removed,
        problems=log.frame(),
        conflicts=tuple(conflicts),
        added_keys=tuple(k for k in seen if written and k not in set(written)),
        meta={
            "kind": marker.get("kind"),
            "version": marker.get("version"),
            "written_at": marker.get("written_at"),
            "about": dict(marker.get("about") or {}),
            "sheet": sheet,
            "marker": bool(marker),
        },
    )


def _say_removed(
    marker: Mapping[str, Any],
    layout: Layout,
    seen: Iterable[str],
    log: ProblemLog | None,
    sheet: str,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the keys the marker says were written, those no row of the sheet holds any more), each
    of the latter said in ``log`` (none: the caller says them)."""
    written = tuple(_key_text(k, code=layout.code_key) for k in marker.get("keys") or ())
    found = set(seen)
    removed = tuple(k for k in written if k not in found)
    for key in removed if log is not None else ():
        log.add(
            f"landgov 写出的「{layout.key}」{key} 的行已不在工作表「{sheet}」中",
            field=layout.key,
            value=key,
            action="如系误删，请从上一版文件恢复该行",
            severity=Severity.WARNING,
        )
    return written, removed


def say_kept_formulas(
    log: ProblemLog, cells: Sequence[str], *, sheet: str, where: str = "自行添加的列"
) -> None:
    """One 警告 for the formula cells without a stored result (``cells``: 「U3」 …) in a part of
    ``sheet`` landgov keeps but decides nothing from (``where``: the columns staff added; ``""``
    for the whole sheet, the ledger's 未合并的行): read as empty they came back blank in the next
    file, the formula gone without a word. Each is kept as its formula, written back as text."""
    if not cells:
        return
    shown = first_few(cells, 10, counted="个")
    log.add(
        f"工作表「{sheet}」{where}中，单元格 {shown} 为公式，文件中没有其计算结果"
        f"（公式由程序写入、未经 Excel/WPS 计算保存）：landgov 不据以判断，已按公式原文保留"
        "（写回的文件中为文字，不再计算）",
        field=where or None,
        value=cells[0],
        action=f"如需保留计算结果：{RECALCULATE}",
        severity=Severity.WARNING,
    )


def _own_columns(
    ws: Any,
    at: tuple[int, int],
    columns: Mapping[str, int],
    extra: Mapping[int, str],
    log: ProblemLog,
    *,
    formulas: Mapping[tuple[int, int], str] | None = None,
) -> dict[int, str]:
    """The columns staff added, each under a header of its own: ``{column: header}``; ``at``
    is (header row, key column); ``formulas``: the formula cells without a stored result (a
    column holding only those holds data too).

    Read by header, a second column headed as another (two 「备注」) overwrote the first, and a
    column staff filled without a header (notes typed beside the table) was not read at all:
    what they held was gone from the next ledger without a word. A repeated header is given a
    number (「备注（2）」), a column holding data on a row with a key under no header the name
    「未命名列（U）」 (its column letter); each is a warning.
    """
    header_row, key_col = at
    named: dict[int, str] = {}
    for c, text in sorted(extra.items()):
        name = _free_name(text, named.values())
        if name != text:
            first = next(k for k, v in sorted(extra.items()) if v == text)
            log.add(
                f"工作表「{ws.title}」{get_column_letter(c)} 列的表头「{text}」与 "
                f"{get_column_letter(first)} 列相同，该列按「{name}」读取并保留",
                row=header_row, field=name, value=text,
                action="无需处理；如需区分，请把其中一列的表头改为不同的名称",
                severity=Severity.WARNING,
            )  # fmt: skip
        named[c] = name
    taken = set(columns.values()) | set(named)
    unnamed: set[int] = set()
    by_row: dict[int, set[int]] = {}
    for r, c in formulas or {}:
        by_row.setdefault(r, set()).add(c)
    for r, row in enumerate(sheet_values(ws, min_row=header_row + 1), header_row + 1):
        if key_col > len(row) or is_missing(row[key_col - 1]):
            continue
        unnamed |= {c for c, v in enumerate(row, 1) if c not in taken and not is_missing(v)}
        unnamed |= by_row.get(r, set()) - taken
    for c in sorted(unnamed):
        name = _free_name(f"未命名列（{get_column_letter(c)}）", named.values())
        log.add(
            f"工作表「{ws.title}」{get_column_letter(c)} 列没有表头，但填有内容：已按「{name}」"
            "读取并保留",
            row=header_row, field=name,
            action="请在该列第一行填写表头（如「备注」），下次按表头保留",
            severity=Severity.WARNING,
        )  # fmt: skip
        named[c] = name
    return dict(sorted(named.items()))


def _free_name(name: str, taken: Iterable[str]) -> str:
    """``name``, or 「name（2）」, 「name（3）」… when ``taken`` holds it."""
    used = set(taken)
    found, n = name, 1
    while found in used:
        n += 1
        found = f"{name}（{n}）"
    return found


def _say_header(
    ws: Any, header_row: int, columns: Mapping[str, int], layout: Layout, log: ProblemLog
) -> tuple[str, ...]:
    """Say what the header row of the data sheet lacks (an error for a column to fill in, a
    warning for a computed one) and a key column found under another header the readers know
    for it (「地块编号」 typed over 「宗地代码」: read as the key, a 提示); the fields lacking."""
    sheet = ws.title
    typed = str(ws.cell(header_row, columns[layout.key]).value).strip()
    if _norm_header(typed) != _norm_header(layout.key):
        log.add(
            f"工作表「{sheet}」的「{typed}」列按「{layout.key}」读取"
            f"（「{typed}」是{layout.key}的常用列名）",
            row=header_row,
            field=layout.key,
            value=typed,
            action=f"无需处理；下次可把表头恢复为「{layout.key}」",
            severity=Severity.INFO,
        )
    missing = tuple(f.name for f in layout.fields if f.name not in columns)
    for name in missing:
        sev = Severity.ERROR if layout.field(name).editable else Severity.WARNING
        log.add(
            f"工作表「{sheet}」缺少「{name}」列",
            row=header_row,
            field=name,
            action="该列的填写内容无法读取；请恢复该列（表头照原样）后重新导入",
            severity=sev,
        )
    return missing


def _refuse_conflicts(  # noqa: PLR0917
    conflicts: Mapping[str, list[int]],
    records: list[dict[str, Any]],
    extras: list[dict[str, Any]],
    dupes: list[dict[str, Any]],
    flags: dict[str, dict[str, str]],
    layout: Layout,
    sheet: str,
    log: ProblemLog,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Move every row of a key answered differently on two rows to the duplicates, each
    said once: neither answer is taken (which one is right cannot be told from the file)."""
    kept_records, kept_extras = [], []
    for record, extra in zip(records, extras, strict=True):
        key = str(record[layout.key])
        if key not in conflicts:
            kept_records.append(record)
            kept_extras.append(extra)
            continue
        flags.pop(key, None)
        dupes.insert(0, record | {k: v for k, v in extra.items() if k != layout.key})
        rows = conflicts[key]
        answers = [d for d in [record, *dupes] if str(d.get(layout.key)) == key]
        shown = "；".join(
            f"第 {int(d['行号'])} 行："
            + ("、".join(f"{n}「{v}」" for n, v in _editable_values(d, layout).items()) or "未填")
            for d in sorted({int(d["行号"]): d for d in answers}.values(), key=lambda d: d["行号"])
        )
        log.add(
            f"工作表「{sheet}」「{layout.key}」{key} 出现在第 "
            f"{'、'.join(str(r) for r in rows)} 行，填写不同（{shown}），均未采用",
            row=rows[0],
            field=layout.key,
            value=key,
            action="请只保留一行正确的填写（删除其余行）后重新导入",
        )
    return kept_records, kept_extras, dupes


def _frame(records: Iterable[Mapping[str, Any]], columns: list[str], key: str) -> pd.DataFrame:
    cols = list(dict.fromkeys([key, *columns]))
    frame = pd.DataFrame(list(records), columns=cols, dtype=object)
    return frame.set_index(key)
