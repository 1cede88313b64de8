"""Compare how two workbooks look: every cell's rendered style, sheet by sheet.

Usage::

    python benchmarks/compare_styles.py BEFORE.xlsx AFTER.xlsx

``compare_screen.py`` compares values; this compares what each cell looks like, without
loading the workbooks (a 50,000-parcel workbook is too big for openpyxl): each sheet is read
as a stream and every cell's ``s`` index resolved to what it stands for in its workbook's
``styles.xml`` (number format code, font, fill, border, alignment, protection, quote prefix,
and the cell style it is based on), so that two workbooks whose style tables differ (fillers,
another order) but whose cells look the same compare equal. Also compared: row and column
styles, conditional formats' differential formats, which sheet views are selected and the
workbook's active tab. Exit code 1 when a sheet differs.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CHUNK = 8 << 20
_TAG = re.compile(rb"<(c|row|col|cfRule|sheetView) ([^>]*)>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def _canon(elem: ET.Element | None) -> str:
    return "" if elem is None else ET.canonicalize(ET.tostring(elem, encoding="unicode"))


def _resolved(zf: zipfile.ZipFile) -> tuple[list[bytes], list[bytes]]:
    """Each cell format and each differential format as what it looks like (a digest)."""
    root = ET.fromstring(zf.read("xl/styles.xml"))

    def items(section: str) -> list[ET.Element]:
        found = root.find(_NS + section)
        return [] if found is None else list(found)

    codes = {e.get("numFmtId"): e.get("formatCode") for e in items("numFmts")}
    fonts, fills, borders = items("fonts"), items("fills"), items("borders")

    def xf(e: ET.Element, base: str) -> str:
        attrs = {k: v for k, v in e.attrib.items()
                 if k not in {"numFmtId", "fontId", "fillId", "borderId", "xfId"}}  # fmt: skip
        number = e.get("numFmtId", "0")
        return repr((
            codes.get(number, f"builtin {number}"),
            _canon(fonts[int(e.get("fontId", "0"))]),
            _canon(fills[int(e.get("fillId", "0"))]),
            _canon(borders[int(e.get("borderId", "0"))]),
            sorted(attrs.items()),
            [_canon(child) for child in e],
            base,
        ))  # fmt: skip

    named = [xf(e, "") for e in items("cellStyleXfs")]
    cells = [xf(e, named[int(e.get("xfId", "0"))]) for e in items("cellXfs")]
    dxfs = [_canon(e) for e in items("dxfs")]
    digest = [hashlib.sha256(x.encode()).digest()[:12] for x in (*cells, *dxfs)]
    return digest[: len(cells)], digest[len(cells) :]


def _sheets(zf: zipfile.ZipFile) -> tuple[dict[str, str], str]:
    """Sheet name → part, and the workbook's active tab."""
    workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels.iter(_REL + "Relationship")}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    out = {}
    for sheet in workbook.iter(_NS + "sheet"):
        part = target[sheet.get(rid)]
        out[sheet.get("name", "")] = (
            part[1:] if part.startswith("/") else posixpath.normpath(posixpath.join("xl", part))
        )
    view = workbook.find(f"{_NS}bookViews/{_NS}workbookView")
    return out, "0" if view is None else view.get("activeTab", "0")


def _look(zf: zipfile.ZipFile, part: str, xfs: list[bytes], dxfs: list[bytes]) -> tuple[str, int]:
    """A digest of how the sheet's cells, rows, columns and conditional formats look, and the
    number of cells."""
    h = hashlib.sha256()
    cells = 0
    plain = b"-"  # no s: the default format, index 0
    with zf.open(part) as stream:
        rest = b""
        while True:
            block = stream.read(_CHUNK)
            data = rest + block
            cut = len(data) if not block else data.rfind(b">") + 1
            for m in _TAG.finditer(data, 0, cut):
                kind, attrs = m.group(1), dict(_ATTR.findall(m.group(2)))
                if kind == b"c":
                    cells += 1
                    s = attrs.get(b"s")
                    h.update(attrs.get(b"r", b"") + (xfs[int(s)] if s else plain))
                elif kind in (b"row", b"col"):
                    s = attrs.get(b"s", attrs.get(b"style"))
                    where = attrs.get(b"r", attrs.get(b"min", b""))
                    h.update(kind + where + (xfs[int(s)] if s else plain))
                elif kind == b"cfRule":
                    d = attrs.get(b"dxfId")
                    h.update(kind + (dxfs[int(d)] if d else plain))
                elif kind == b"sheetView":
                    h.update(kind + attrs.get(b"tabSelected", b"0"))
            if not block:
                return h.hexdigest(), cells
            rest = data[cut:]


def compare(before: Path, after: Path) -> int:
    """Print each sheet that looks different; the number of differences."""
    found = 0
    looks = []
    for path in (before, after):
        with zipfile.ZipFile(path) as zf:
            xfs, dxfs = _resolved(zf)
            sheets, active = _sheets(zf)
            looks.append(
                ({name: _look(zf, part, xfs, dxfs) for name, part in sheets.items()}, active)
            )
    (a, tab_a), (b, tab_b) = looks
    if list(a) != list(b):
        print(f"sheets: {list(a)} != {list(b)}")
        found += 1
    if tab_a != tab_b:
        print(f"active tab: {tab_a} != {tab_b}")
        found += 1
    for name in a:
        if name in b and a[name] != b[name]:
            print(f"{name}: looks different ({a[name][1]:,} / {b[name][1]:,} cells)")
            found += 1
    cells = sum(n for _, n in a.values())
    print("styles: every cell looks the same" if not found else f"styles: {found} differences",
          f"({len(a)} sheets, {cells:,} cells)")  # fmt: skip
    return found


if __name__ == "__main__":
    sys.exit(1 if compare(Path(sys.argv[1]), Path(sys.argv[2])) else 0)
