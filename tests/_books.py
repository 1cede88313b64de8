"""The handed-out workbooks of the session's demo run, each loaded once.

Loading every workbook of ``demo_run`` with its styles takes about 25 s; the print and
hand-out tests read them again and again, and never change them. Read them, never write: the
loaded workbooks are shared by every test of the process, and openpyxl changes a sheet on some
reads (``ws.column_dimensions["F"]`` adds a column of width 13 when F is inside a ``<col>``
range), so read column widths with :func:`column_widths`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["INPUT", "column_widths", "demo_outputs", "handed_out_sheets"]

#: The generated second-year sample of the demo: input, not output.
INPUT = "示例数据"


def demo_outputs(root: Path, pattern: str) -> list[Path]:
    """The files below ``root`` matching ``pattern`` (``"*.xlsx"``), sorted, the inputs'
    copies (:data:`INPUT`) left out; at least one."""
    found = [p for p in sorted(root.rglob(pattern)) if INPUT not in str(p.parent)]
    assert found, pattern
    return found


@functools.cache
def _loaded(path: str, mtime_ns: int) -> tuple[Workbook, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path)
    return book, [_shape(ws) for ws in book.worksheets]


def _shape(ws: Worksheet) -> tuple[object, ...]:
    """What a test changes by reading carelessly: the columns given a width, the used range,
    the rows given a height."""
    return (
        tuple(ws.column_dimensions),
        ws.max_row,
        ws.max_column,
        tuple(ws.row_dimensions),
    )


def handed_out_sheets(root: Path) -> Iterator[tuple[Path, Worksheet]]:
    """``(workbook path, worksheet)`` of every visible sheet of every workbook below ``root``
    (the inputs' copies left out), each workbook loaded once a session."""
    for book in demo_outputs(root, "*.xlsx"):
        loaded, shapes = _loaded(str(book), book.stat().st_mtime_ns)
        for ws, shape in zip(loaded.worksheets, shapes, strict=True):
            # A test that changed a shared sheet makes later tests of its process wrong
            # (which ones depends on the order xdist gives): say so where it is found.
            assert _shape(ws) == shape, f"a test changed the shared sheet {book.name}:{ws.title}"
            if ws.sheet_state == "visible":
                yield book, ws


def column_widths(ws: Worksheet) -> dict[int, float]:
    """The width of each column given one, by column number (1 = A), read without changing
    ``ws``: a ``<col min max>`` range counts for each of its columns. Subscripting
    ``ws.column_dimensions`` by a letter inside a range would add a default column (width 13,
    no range) to the sheet instead."""
    out: dict[int, float] = {}
    for dim in list(ws.column_dimensions.values()):
        if dim.width and dim.min:
            for col in range(dim.min, (dim.max or dim.min) + 1):
                out[col] = dim.width
    return out
