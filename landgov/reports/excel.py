"""Write lists to Excel the way staff expect them.

Chinese headers, a frozen header row, filters on every column, number formats by unit, and
column widths that fit the content (CJK characters count double). One function writes one
sheet into an existing or new workbook, so several stages can add their sheets to the same
``landgov.xlsx`` without overwriting each other.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["ColumnFormat", "number_format_for", "write_sheet", "write_workbook"]

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_FONT = Font(bold=True)
_MAX_WIDTH = 60

ColumnFormat = Mapping[str, str]


def number_format_for(column: str) -> str | None:
    """An Excel number format from a canonical column name's unit suffix."""
    if column.endswith(("_mu", "_per_mu", "_wan")):
        return "#,##0.00"
    if column.endswith("_m2"):
        return "#,##0.0"
    if column in {"far", "far_declared", "far_floor", "far_after", "score"} or column.startswith(
        "far_"
    ):
        return "0.00"
    if column.endswith(("_ratio", "_share", "_pct")):
        return "0.0%"
    if column.startswith("n_") or column in {"source_row", "row", "block_id", "employees"}:
        return "0"
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
) -> None:
    headers = _headers(frame, labels)
    ws.append(headers)
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    for cell in ws[1]:
        _style_header(cell)
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


def write_sheet(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    sheet: str,
    labels: Mapping[str, str] | None = None,
    formats: ColumnFormat | None = None,
) -> Path:
    """Write ``frame`` as sheet ``sheet`` of the workbook at ``path`` (created if absent).

    An existing sheet of that name is replaced; other sheets are kept. ``labels`` maps column
    names to the Chinese headers shown; ``formats`` overrides number formats per column.
    Geometry columns are left out (the GeoPackage carries them).
    """
    path = Path(path)
    wb = _open(path)
    if sheet in wb.sheetnames:
        del wb[sheet]
    _fill(wb.create_sheet(sheet), _table(frame), labels or {}, formats)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _write_only_sheet(
    ws: Any, frame: pd.DataFrame, labels: Mapping[str, str], formats: ColumnFormat | None
) -> None:
    headers = _headers(frame, labels)
    _frame_sheet(ws, frame, len(frame), _content_widths(frame, headers))  # before any row
    head_cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        _style_header(cell)
        head_cells.append(cell)
    ws.append(head_cells)
    fmts = _number_formats(frame, formats)
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for raw, fmt in zip(row, fmts, strict=True):
            value = _cell(raw)
            if fmt is None or not isinstance(value, int | float) or isinstance(value, bool):
                cells.append(value)
                continue
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = fmt
            cells.append(cell)
        ws.append(cells)


def write_workbook(
    sheets: Sequence[tuple[str, pd.DataFrame]],
    path: str | Path,
    *,
    labels: Mapping[str, str] | None = None,
    formats: ColumnFormat | None = None,
) -> Path:
    """Write several sheets to a new workbook in one pass (fast: openpyxl write-only mode).

    Same presentation as :func:`write_sheet`: Chinese headers from ``labels``, frozen header
    row, filters, number formats by unit, fitted widths. An existing file is replaced.
    """
    path = Path(path)
    wb = Workbook(write_only=True)
    for name, frame in sheets:
        _write_only_sheet(wb.create_sheet(name), _table(frame), labels or {}, formats)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
