"""Write lists to Excel the way staff expect them.

Chinese headers, a frozen header row, filters on every column, number formats by unit, and
column widths that fit the content (CJK characters count double). One function writes one
sheet into an existing or new workbook, so several stages can add their sheets to the same
``landgov.xlsx`` without overwriting each other.

Text from the data is never a formula: every text cell (headers included) is a string cell, and
formula-like text (``=…``, ``+…``, ``-…``, ``@…``, ``#N/A`` …) also carries ``quotePrefix`` so an
edit in Excel or WPS keeps it text (:mod:`landgov.core.safe_text`). Characters an .xlsx cannot
hold are replaced visibly and text longer than a cell holds is cut with a visible mark; the
writers return each such cell as a :class:`TextFix`, and can append them as problem rows to the
problems sheet they write (``problems_sheet`` / ``problems``).

A sheet longer than Excel holds (:data:`MAX_SHEET_ROWS` rows, header included) is split, never
truncated: :func:`write_workbook` writes the first part under the sheet's name and the rest as
``名称（续2）``, ``名称（续3）`` … right after it; the header cell A1 of every part says so in a
comment, and :attr:`Written.splits` (and :meth:`Written.note`) name the parts.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from landgov.core.columns import column as registered
from landgov.core.problems import PROBLEM_COLUMNS
from landgov.core.safe_text import cell_text, force_text, is_formula_like

__all__ = [
    "CONTINUED",
    "MAX_SHEET_ROWS",
    "ColumnFormat",
    "TextFix",
    "Written",
    "fix_problems",
    "number_format_for",
    "write_sheet",
    "write_workbook",
]

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_FONT = Font(bold=True)
_MAX_WIDTH = 60

ColumnFormat = Mapping[str, str]
_FORMATTED = (int, float, dt.date)
#: Rows an Excel sheet holds (header included); longer sheets are split, never truncated.
MAX_SHEET_ROWS = 1_048_576
#: What a continuation sheet's name adds: ``底数清单（续2）``.
CONTINUED = "（续"  # values a number format applies to (datetime is a date)


def number_format_for(column: str) -> str | None:
    """The Excel number format of a column: the registry's (:mod:`landgov.core.columns`), else
    one from an unregistered name's unit suffix."""
    if (col := registered(column)) is not None:
        return col.number_format
    if column.endswith(("_mu", "_per_mu", "_wan", "_m2")):
        return "#,##0.00"
    if column.startswith("far_"):
        return "0.00"
    if column.endswith(("_share", "_pct")):
        return "0.0%"
    if column.startswith("n_"):
        return "#,##0"
    return None


def _display_width(value: object) -> int:
    text = str(value) if value is not None else ""
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)


def _cell(value: object) -> object:
    """A value openpyxl can write: NaN/NA → empty, numpy scalars → Python, lists → text."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        out: object = None
    elif isinstance(value, float) and np.isnan(value):
        out = None
    elif isinstance(value, pd.Timestamp):
        out = value.to_pydatetime()
    elif isinstance(value, list | tuple | set):
        out = "；".join(str(v) for v in value)
    elif isinstance(value, str | int | float | bool | dt.date | dt.datetime):
        out = value
    else:
        out = str(value)
    return out


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
    """Turns one sheet's values into what openpyxl writes, recording every text it changes."""

    def __init__(self, ws: Any, sheet: str, headers: Sequence[str]) -> None:
        self.ws, self.sheet, self.raw_headers = ws, sheet, list(headers)
        self.headers = [cell_text(h).text for h in headers]
        self.fixes: list[TextFix] = []

    def text(self, text: str, row: int, col: int) -> str:
        fixed = cell_text(text)
        if fixed.changed:
            preview = fixed.text[:_PREVIEW] + ("…" if len(fixed.text) > _PREVIEW else "")
            letter = get_column_letter(col)
            header = self.headers[col - 1]
            self.fixes.append(
                TextFix(
                    self.sheet,
                    row,
                    letter,
                    header,
                    preview,
                    fixed.problem,
                    fixed.cut,
                    bool(fixed.replaced),
                )
            )
        return fixed.text

    def value(self, raw: object, row: int, col: int) -> object:
        """A plain value, or a string cell when the text would otherwise become a formula."""
        value = _cell(raw)
        if not isinstance(value, str):
            return value
        text = self.text(value, row, col)
        if not is_formula_like(text):
            return text
        cell = WriteOnlyCell(self.ws)
        force_text(cell, text)
        return cell

    def header(self, col: int) -> Any:
        cell = WriteOnlyCell(self.ws)
        force_text(cell, self.text(self.raw_headers[col - 1], 1, col))
        _style_header(cell)
        return cell

    def scan(self, frame: pd.DataFrame) -> list[TextFix]:
        """The fixes writing ``frame`` will make, without writing it."""
        for j, head in enumerate(self.raw_headers, start=1):
            self.text(head, 1, j)
        for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
            for j, raw in enumerate(row, start=1):
                if isinstance(value := _cell(raw), str):
                    self.text(value, i, j)
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


def _open(path: Path) -> Workbook:
    if path.exists():
        return load_workbook(path)
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as a sheet shows it: geometry left out (the GeoPackage carries it)."""
    return pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")


def _headers(frame: pd.DataFrame, labels: Mapping[str, str]) -> list[str]:
    return [labels.get(str(c), str(c)) for c in frame.columns]


def _number_formats(frame: pd.DataFrame, formats: ColumnFormat | None) -> list[str | None]:
    return [(formats or {}).get(str(c)) or number_format_for(str(c)) for c in frame.columns]


def _style_header(cell: Any) -> None:
    cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _content_widths(frame: pd.DataFrame, headers: list[str]) -> list[int]:
    """Display width (CJK counts double) of the widest of the header and the first 500 rows."""
    return [
        max(_display_width(_cell(v)) for v in [head, *frame[col].head(500).tolist()])
        for col, head in zip(frame.columns, headers, strict=True)
    ]


def _column_width(content: int) -> float:
    return min(_MAX_WIDTH, max(6, content + 2))


def _frame_sheet(ws: Any, frame: pd.DataFrame, n_rows: int, widths: list[int]) -> None:
    """Column widths, frozen header row and filters: the same for both writers."""
    for j, content in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = _column_width(content)
    ws.freeze_panes = "A2"
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{n_rows + 1}"


def _fill(
    ws: Worksheet, frame: pd.DataFrame, labels: Mapping[str, str], formats: ColumnFormat | None
) -> list[TextFix]:
    headers = _headers(frame, labels)
    texts = _Texts(ws, ws.title, headers)
    ws.append([texts.header(j) for j in range(1, len(headers) + 1)])
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        ws.append([texts.value(v, i, j) for j, v in enumerate(row, start=1)])
    n = len(frame)
    widths = _content_widths(frame, headers)
    for j, (fmt, content) in enumerate(
        zip(_number_formats(frame, formats), widths, strict=True), 1
    ):
        if not n or (fmt is None and content <= _MAX_WIDTH):
            continue
        for (cell,) in ws.iter_rows(min_row=2, max_row=n + 1, min_col=j, max_col=j):
            if fmt:
                cell.number_format = fmt
            if content > _MAX_WIDTH:  # too wide to fit: wrap instead
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    _frame_sheet(ws, frame, n, widths)
    return texts.fixes


def write_sheet(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    sheet: str,
    labels: Mapping[str, str] | None = None,
    formats: ColumnFormat | None = None,
    problems: bool = False,
) -> Written:
    """Write ``frame`` as sheet ``sheet`` of the workbook at ``path`` (created if absent).

    An existing sheet of that name is replaced; other sheets are kept. ``labels`` maps column
    names to the Chinese headers shown; ``formats`` overrides number formats per column.
    Geometry columns are left out (the GeoPackage carries them). With ``problems`` the frame is
    a problems table (:data:`~landgov.core.problems.PROBLEM_COLUMNS`) and a problem row is added
    to it for each of its own cells whose text had to change.

    Returns
    -------
    Written
        The path and every cell whose text was cut or had characters replaced.
    """
    path = Path(path)
    table = _table(frame)
    if problems:
        own = _Texts(None, sheet, _headers(table, labels or {})).scan(table)
        table = _with_fix_rows(table, own, workbook=path.name)
    wb = _open(path)
    if sheet in wb.sheetnames:
        del wb[sheet]
    fixes = _fill(wb.create_sheet(sheet), table, labels or {}, formats)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return Written(path, tuple(fixes))


def _write_only_sheet(
    ws: Any,
    frame: pd.DataFrame,
    labels: Mapping[str, str],
    formats: ColumnFormat | None,
    *,
    note: str | None = None,
) -> list[TextFix]:
    headers = _headers(frame, labels)
    _frame_sheet(ws, frame, len(frame), _content_widths(frame, headers))  # before any row
    texts = _Texts(ws, ws.title, headers)
    head = [texts.header(j) for j in range(1, len(headers) + 1)]
    if note is not None and head:  # a split sheet says so on its first header cell
        head[0].comment = Comment(note, "landgov", width=360, height=120)
    ws.append(head)
    fmts = _number_formats(frame, formats)
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        cells = []
        for j, (raw, fmt) in enumerate(zip(row, fmts, strict=True), start=1):
            value = texts.value(raw, i, j)
            if fmt is None or not isinstance(value, _FORMATTED) or isinstance(value, bool):
                cells.append(value)
                continue
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = fmt
            cells.append(cell)
        ws.append(cells)
    return texts.fixes


def write_workbook(
    sheets: Sequence[tuple[str, pd.DataFrame]],
    path: str | Path,
    *,
    labels: Mapping[str, str] | None = None,
    formats: ColumnFormat | None = None,
    problems_sheet: str | None = None,
) -> Written:
    """Write several sheets to a new workbook in one pass (fast: openpyxl write-only mode).

    Same presentation as :func:`write_sheet`: Chinese headers from ``labels``, frozen header
    row, filters, number formats by unit, fitted widths. An existing file is replaced.
    ``problems_sheet`` names the sheet holding the problems table
    (:data:`~landgov.core.problems.PROBLEM_COLUMNS`): a problem row is added to it for every cell
    of the workbook whose text had to change. That sheet keeps its place but is filled last.

    Returns
    -------
    Written
        The path and every cell whose text was cut or had characters replaced.
    """
    path = Path(path)
    if problems_sheet is not None and problems_sheet not in [name for name, _ in sheets]:
        raise ValueError(f"problems_sheet {problems_sheet!r} is not one of the sheets")
    wb = Workbook(write_only=True)
    tables = [(name, wb.create_sheet(name), _table(frame)) for name, frame in sheets]
    fixes: list[TextFix] = []
    splits: dict[str, tuple[str, ...]] = {}
    for name, ws, table in tables:
        if name != problems_sheet:
            fixes += _write_parts(
                wb, ws, table, labels=labels or {}, formats=formats, splits=splits
            )
    for name, ws, table in tables:
        if name == problems_sheet:
            own = _Texts(None, name, _headers(table, labels or {})).scan(table)
            full = _with_fix_rows(table, [*fixes, *own], workbook=path.name)
            fixes += _write_parts(wb, ws, full, labels=labels or {}, formats=formats, splits=splits)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return Written(path, tuple(fixes), splits)


def _write_parts(
    wb: Workbook,
    ws: Any,
    table: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    formats: ColumnFormat | None,
    splits: dict[str, tuple[str, ...]],
) -> list[TextFix]:
    """Write ``table`` into ``ws``, split over continuation sheets when it passes the limit."""
    per = MAX_SHEET_ROWS - 1  # data rows per sheet (one header row)
    if len(table) <= per:
        return _write_only_sheet(ws, table, labels, formats)
    name = ws.title
    n_parts = -(-len(table) // per)
    names = (name, *(f"{name}{CONTINUED}{k}）" for k in range(2, n_parts + 1)))
    splits[name] = names
    at = wb.worksheets.index(ws)
    fixes: list[TextFix] = []
    for k, part_name in enumerate(names):
        part_ws = ws if k == 0 else wb.create_sheet(part_name, at + k)
        note = (
            f"本表共 {len(table):,} 行，超过 Excel 每表 {MAX_SHEET_ROWS:,} 行的上限，"
            f"已拆分为 {len(names)} 个工作表（{'、'.join(names)}），未截断；"
            f"本表为第 {k + 1} 部分，第 {k * per + 1:,}–{min((k + 1) * per, len(table)):,} 行"
        )
        part = table.iloc[k * per : (k + 1) * per]
        fixes += _write_only_sheet(part_ws, part, labels, formats, note=note)
    return fixes
