"""The handed-out workbooks of the session's demo run, each loaded once.

Loading every workbook of ``demo_run`` with its styles takes about 25 s; the print and
hand-out tests read them again and again, and never change them. Read them, never write.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["INPUT", "handed_out_sheets"]

#: The generated second-year sample of the demo: input, not output.
INPUT = "示例数据"


@functools.cache
def _loaded(path: str, mtime_ns: int) -> Workbook:
    return openpyxl.load_workbook(path)


def handed_out_sheets(root: Path) -> Iterator[tuple[Path, Worksheet]]:
    """``(workbook path, worksheet)`` of every visible sheet of every workbook below ``root``
    (the inputs' copies left out), each workbook loaded once a session."""
    books = [p for p in sorted(root.rglob("*.xlsx")) if INPUT not in str(p.parent)]
    assert books, root
    for book in books:
        for ws in _loaded(str(book), book.stat().st_mtime_ns).worksheets:
            if ws.sheet_state == "visible":
                yield book, ws
