"""The print set-up every handed-out list has, checked on a sheet openpyxl read back."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["assert_a3_landscape_fit_width"]


def assert_a3_landscape_fit_width(ws: Worksheet) -> None:
    """A3 landscape, fitted to one page wide, header row repeated, 「第 &P 页 共 &N 页」."""
    setup = ws.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == "8"  # A3
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
