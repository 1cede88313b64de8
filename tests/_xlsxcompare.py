"""Two workbooks compared as openpyxl reads them: per sheet, per cell attribute.

Used to show that sheets added to an existing workbook by the zip-level merge
(:mod:`landgov.reports._xlsxmerge`) read back as the openpyxl load + save wrote them: sheet
order, every cell's value, type, number format, font, fill, alignment, protection, quote prefix
and comment, column widths, row heights, frozen panes, filter, conditional formats (ranges,
rules, highlight fill), print set-up, print titles and area, header and footer.

What XlsxWriter and openpyxl write differently but Excel shows alike is read as one: an empty
text and no cell, a font's unset name/size/colour and the defaults, a colour's alpha byte, a
highlight's colour as dxf foreground or background, fitToWidth 1 and unset, XlsxWriter's stored
column width (w + 5/7 for a width w, compared as whole characters), its carriage returns stored
as line feeds and its ``_x005F`` escape of a literal ``_x…_``. These are the differences main
already has between a new workbook (XlsxWriter) and an existing one (openpyxl).

Also a script: ``python tests/_xlsxcompare.py A.xlsx B.xlsx [SHEET ...]`` prints the
differences (only of the sheets named, if any) and exits 1 when there are some.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook


def _rgb(color: Any) -> object:
    """A colour as shown: an RGB without its alpha byte (Excel ignores it), or what else it is."""
    if color is None:
        return None
    if color.type == "rgb":
        return str(color.rgb)[-6:]
    return (color.type, color.value, color.tint)


def _font(font: Any) -> tuple[object, ...]:
    """A font as shown: unset name/size/colour are the workbook default (Calibri 11, theme)."""
    color = _rgb(font.color)
    return (font.name or "Calibri", font.sz or 11.0, font.b, font.i, font.u, font.strike,
            None if color == ("theme", 1, 0.0) else color, font.vertAlign)  # fmt: skip


def _fill(fill: Any) -> tuple[object, ...]:
    """A fill as shown: a solid fill's colour is its foreground (a cell) or either (a dxf)."""
    kind = getattr(fill, "patternType", None)
    fg, bg = _rgb(getattr(fill, "fgColor", None)), _rgb(getattr(fill, "bgColor", None))
    if kind is None and bg not in (None, "000000"):  # a dxf's solid fill given as background
        return ("solid", bg)
    return (kind, fg if kind == "solid" else None)


def _style(cell: Any) -> tuple[object, ...]:
    value = cell.value
    if value is None or value == "":  # an empty text and no cell read back alike
        return (None,) * len(_CELL)
    if isinstance(value, str):  # XlsxWriter stores a carriage return as a line feed
        value = value.replace("\r\n", "\n").replace("_x005F_x", "_x")  # and escapes _x
    return (
        value,
        "s" if cell.data_type == "inlineStr" else cell.data_type,
        cell.number_format,
        _font(cell.font),
        _fill(cell.fill),
        repr(cell.alignment),
        repr(cell.protection),
        repr(cell.border),
        bool(cell.quotePrefix),
        cell.comment.text if cell.comment else None,
    )


_CELL = ("value", "type", "number format", "font", "fill", "alignment", "protection", "border",
         "quote prefix", "comment")  # fmt: skip


def _rules(ws: Any) -> list[tuple[object, ...]]:
    out = []
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            fill = _fill(rule.dxf.fill) if rule.dxf is not None else None
            out.append((str(cf.sqref), rule.type, rule.operator, rule.text, tuple(rule.formula),
                        fill, rule.priority, rule.stopIfTrue))  # fmt: skip
    return sorted(out, key=repr)


def _header(header: Any) -> tuple[object, ...]:
    parts = (header.left, header.center, header.right)
    return tuple((p.text, p.size, p.font, p.color) for p in parts)


def _widths(ws: Any) -> dict[int, float]:
    """Column widths by column number (a range of columns given once counts for each)."""
    out = {}
    for dim in ws.column_dimensions.values():
        if dim.customWidth and dim.min:
            for col in range(dim.min, (dim.max or dim.min) + 1):
                out[col] = math.floor(dim.width)  # XlsxWriter stores w as w + 5/7 (padding)
    return out


def _sheet(ws: Any) -> dict[str, object]:
    setup = ws.page_setup
    return {
        "freeze_panes": ws.freeze_panes,
        "auto_filter": ws.auto_filter.ref,
        "conditional formats": _rules(ws),
        "print_title_rows": ws.print_title_rows,
        "print_title_cols": ws.print_title_cols,
        "print_area": ws.print_area,
        "page setup": (
            setup.orientation,
            setup.paperSize,
            1 if setup.fitToWidth is None else setup.fitToWidth,  # 1: the default
            1 if setup.fitToHeight is None else setup.fitToHeight,
        ),
        "fit to page": ws.sheet_properties.pageSetUpPr.fitToPage
        if ws.sheet_properties.pageSetUpPr
        else None,
        "gridlines": (ws.print_options.gridLines, ws.sheet_view.showGridLines),
        "header": _header(ws.oddHeader),
        "footer": _header(ws.oddFooter),
        "widths": _widths(ws),
        "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height is not None},
        "dimensions": (ws.max_row, ws.max_column),
        "state": ws.sheet_state,
    }


def differences(a: Path, b: Path, sheets: Iterable[str] | None = None) -> list[str]:
    """What differs between workbooks ``a`` and ``b`` (empty: they read back the same)."""
    wa, wb = load_workbook(a), load_workbook(b)
    out = []
    if wa.sheetnames != wb.sheetnames:
        out.append(f"sheets: {wa.sheetnames} != {wb.sheetnames}")
    names = list(sheets) if sheets is not None else [n for n in wa.sheetnames if n in wb]
    for name in names:
        sa, sb = wa[name], wb[name]
        pa, pb = _sheet(sa), _sheet(sb)
        out += [f"{name}: {k}: {pa[k]!r} != {pb[k]!r}" for k in pa if pa[k] != pb[k]]
        rows = max(sa.max_row, sb.max_row)
        cols = max(sa.max_column, sb.max_column)
        for row in range(1, rows + 1):
            for col in range(1, cols + 1):
                ca, cb = _style(sa.cell(row, col)), _style(sb.cell(row, col))
                if ca != cb:
                    out += [
                        f"{name}!{sa.cell(row, col).coordinate}: {what}: {x!r} != {y!r}"
                        for what, x, y in zip(_CELL, ca, cb, strict=True)
                        if x != y
                    ]
    return out


if __name__ == "__main__":
    found = differences(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or None)
    print("\n".join(found[:200]) or "identical as openpyxl reads them")
    print(f"{len(found)} differences")
    sys.exit(1 if found else 0)
