"""Hostile .xlsx shapes, built with :mod:`zipfile` from a real workbook (tiny on disk).

Each shape is what Excel or WPS really write, pushed to the sheet's limits (1,048,576 rows,
16,384 columns, XFD): a merged range over the whole sheet or down to its last row, a
``<dimension>`` claiming the whole sheet, a million styled empty rows, one cell at XFD1048576,
a ``<col>`` for every column, millions of shared strings and a member that inflates to 1 GB.
:func:`make_hostile` copies a workbook and rewrites its first (or named) worksheet part;
:func:`as_excel_stores` rewrites text cells as Excel stores them (``_x000D_`` escapes kept).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["SHAPES", "as_excel_stores", "make_hostile"]

#: name → what the shape is (as the test ids show it).
SHAPES = {
    "merge_all": '<mergeCell ref="A1:XFD1048576"/>',
    "merge_down": '<mergeCell ref="H5:Z1048576"/>',
    "merge_column": '<mergeCell ref="C2:C1048576"/>',
    "dimension": '<dimension ref="A1:XFD1048576"/>',
    "styled_rows": '1,048,576 rows <row r="…" s="1" customFormat="1"/>',
    "far_cell": "a value in XFD1048576",
    "all_cols": "16,384 <col> elements",
    "strings": "3,000,000 shared strings",
    "bomb": "a worksheet part inflating to 1 GiB",
}

_LAST_ROW = 1_048_576
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _sheet_part(zf: zipfile.ZipFile, sheet: str | None) -> str:
    """The zip member of the worksheet named ``sheet`` (the first sheet when ``None``)."""
    book = zf.read("xl/workbook.xml").decode()
    rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    sheets = re.findall(r'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"', book)
    rid = next(r for n, r in sheets if sheet is None or n == sheet)
    rel = re.search(rf'<Relationship\b[^>]*Id="{rid}"[^>]*/>', rels)
    assert rel is not None
    target = re.search(r'Target="([^"]*)"', rel.group(0))
    assert target is not None
    return "xl/" + target.group(1).removeprefix("/xl/").removeprefix("xl/")


def _split_sheet(xml: str) -> tuple[str, str]:
    """The sheet XML before and after the point where rows are appended (``</sheetData>``)."""
    if "<sheetData/>" in xml:
        xml = xml.replace("<sheetData/>", "<sheetData></sheetData>")
    at = xml.index("</sheetData>")
    return xml[:at], xml[at:]


def _last_row(xml: str) -> int:
    rows = re.findall(r'<row\b[^>]*?\br="(\d+)"', xml)
    return int(rows[-1]) if rows else 0


def _with_merge(xml: str, ref: str) -> str:
    cell = f'<mergeCell ref="{ref}"/>'
    if "<mergeCells" in xml:
        return re.sub(r"<mergeCells[^>]*>", lambda m: m.group(0) + cell, xml, count=1)
    return xml.replace("</sheetData>", f'</sheetData><mergeCells count="1">{cell}</mergeCells>', 1)


def _with_dimension(xml: str, ref: str) -> str:
    if "<dimension" in xml:
        return re.sub(r"<dimension\b[^>]*/>", f'<dimension ref="{ref}"/>', xml, count=1)
    return re.sub(r"(<sheetPr\b.*?</sheetPr>|<sheetPr\b[^>]*/>)?", rf'\1<dimension ref="{ref}"/>',
                  xml.replace("<worksheet", "<worksheet", 1), count=1)  # fmt: skip


def _with_all_cols(xml: str) -> str:
    cols = "<cols>" + "".join(
        f'<col min="{i}" max="{i}" width="9" style="1" customWidth="1"/>' for i in range(1, 16385)
    ) + "</cols>"  # fmt: skip
    xml = re.sub(r"<cols>.*?</cols>", "", xml, count=1, flags=re.S)
    return xml.replace("<sheetData", cols + "<sheetData", 1)


def _styled_rows(first: int) -> Iterator[bytes]:
    """Empty rows ``first``…1,048,576 with a style, as WPS writes a sheet formatted whole."""
    batch = []
    for r in range(first, _LAST_ROW + 1):
        batch.append(f'<row r="{r}" s="1" customFormat="1" ht="15"/>')
        if len(batch) == 20_000:
            yield "".join(batch).encode()
            batch = []
    yield "".join(batch).encode()


def _blank_text(size: int) -> Iterator[bytes]:
    """One cell whose text is ``size`` bytes of spaces (the bulk of the zip bomb)."""
    cell = f'<c r="A{_LAST_ROW}" t="inlineStr"><is><t xml:space="preserve">'
    yield f'<row r="{_LAST_ROW}">{cell}'.encode()
    chunk = b" " * (1 << 20)
    for _ in range(size >> 20):
        yield chunk
    yield b"</t></is></c></row>"


def _strings(n: int, old: str | None) -> Iterator[bytes]:
    """The shared strings ``old`` (kept first: cells point at them by index) and ``n`` more."""
    if old is None:
        old = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN}"></sst>'
        )
    yield old[: old.rindex("</sst>")].encode()
    for start in range(0, n, 50_000):
        yield "".join(
            f"<si><t>字{i}</t></si>" for i in range(start, min(n, start + 50_000))
        ).encode()
    yield b"</sst>"


#: Shapes made by rewriting the sheet XML, and those made by appending rows to it.
_EDITS = {
    "merge_all": lambda xml: _with_merge(xml, "A1:XFD1048576"),
    "merge_down": lambda xml: _with_merge(xml, "H5:Z1048576"),
    "merge_column": lambda xml: _with_merge(xml, "C2:C1048576"),
    "dimension": lambda xml: _with_dimension(xml, "A1:XFD1048576"),
    "all_cols": _with_all_cols,
}
_TAILS = {
    "styled_rows": lambda xml: _styled_rows(_last_row(xml) + 1),
    "far_cell": lambda xml: iter(
        [f'<row r="{_LAST_ROW}"><c r="XFD{_LAST_ROW}"><v>1</v></c></row>'.encode()]
    ),
    "bomb": lambda xml: _blank_text(1 << 30),
}


def _patched(name: str, data: bytes) -> bytes:
    """[Content_Types].xml and the workbook's relationships naming the shared strings."""
    if name == "[Content_Types].xml" and b"sharedStrings" not in data:
        add = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/>'
        return data.replace(b"</Types>", add.encode() + b"</Types>")
    if name == "xl/_rels/workbook.xml.rels" and b"sharedStrings" not in data:
        add = f'<Relationship Id="rIdSst9" Type="{_SST_REL}" Target="sharedStrings.xml"/>'
        return data.replace(b"</Relationships>", add.encode() + b"</Relationships>")
    return data


def make_hostile(source: Path, target: Path, shape: str, sheet: str | None = None) -> Path:
    """A copy of the workbook ``source`` at ``target`` with ``shape`` (a key of
    :data:`SHAPES`) in its worksheet ``sheet`` (the first when ``None``)."""
    with zipfile.ZipFile(source) as src:
        part = _sheet_part(src, sheet)
        xml = src.read(part).decode()
        extra: dict[str, Iterator[bytes]] = {}
        tail: Iterator[bytes] = _TAILS[shape](xml) if shape in _TAILS else iter(())
        if shape in _EDITS:
            xml = _EDITS[shape](xml)
        elif shape == "strings":
            old = "xl/sharedStrings.xml"
            text = src.read(old).decode() if old in src.namelist() else None
            extra[old] = _strings(3_000_000, text)
        elif shape not in _TAILS:
            raise ValueError(shape)
        head, rest = _split_sheet(xml)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                if info.filename == part:
                    with dst.open(part, "w", force_zip64=True) as out:
                        out.write(head.encode())
                        for piece in tail:
                            out.write(piece)
                        out.write(rest.encode())
                elif info.filename in extra:
                    continue
                else:
                    data = src.read(info.filename)
                    dst.writestr(info, _patched(info.filename, data) if extra else data)
            for name, pieces in extra.items():
                with dst.open(name, "w", force_zip64=True) as out:
                    for piece in pieces:
                        out.write(piece)
    return target


def as_excel_stores(path: Path, texts: dict[str, tuple[str, bool]]) -> Path:
    """Rewrite in place each inline-string cell (what openpyxl writes) holding a placeholder
    of ``texts`` to hold ``(xml_text, shared)``: ``xml_text`` exactly as the file stores it
    (Excel writes a carriage return as ``_x000D_``), in the shared strings when ``shared``,
    else inline. XML's own characters (<, &) must not appear in ``xml_text``."""
    shared: list[str] = []

    def cell(m: re.Match[str]) -> str:
        text, in_table = texts[m["text"]]
        if not in_table:
            return f'<c r="{m["ref"]}"{m["attrs"]} t="inlineStr"><is><t>{text}</t></is></c>'
        shared.append(text)
        return f'<c r="{m["ref"]}"{m["attrs"]} t="s"><v>{len(shared) - 1}</v></c>'

    found = "|".join(map(re.escape, texts))
    inline = re.compile(
        rf'<c r="(?P<ref>[A-Z]+[0-9]+)"(?P<attrs>[^>]*?) t="inlineStr"><is><t>(?P<text>{found})'
        "</t></is></c>"
    )
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    for name in [n for n in parts if n.startswith("xl/worksheets/")]:
        parts[name] = inline.sub(cell, parts[name].decode()).encode()
    if shared:
        assert "xl/sharedStrings.xml" not in parts  # openpyxl writes none
        items = "".join(f'<si><t xml:space="preserve">{t}</t></si>' for t in shared)
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{_MAIN}">{items}</sst>'.encode()
        parts = {n: _patched(n, data) for n, data in parts.items()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def edit_sheet_xml(path: Path, sheet: str, edit: Callable[[str], str]) -> None:
    """Rewrite the XML part of worksheet ``sheet`` of the .xlsx ``path`` in place through
    ``edit`` (what openpyxl cannot write: a formula's stored result, Excel's escapes)."""
    import shutil

    from openpyxl import load_workbook

    wb = load_workbook(path)
    part = f"xl/worksheets/sheet{wb.sheetnames.index(sheet) + 1}.xml"
    wb.close()
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    shutil.move(tmp, path)


def with_saved_results(path: Path, sheet: str, results: dict[str, object]) -> None:
    """Store a result beside each formula cell (``results``: {「L2」: number or text}) as Excel and
    WPS do on saving (openpyxl writes the formula only); the cell keeps its style (a date)."""

    def edit(xml: str) -> str:
        for ref, value in results.items():
            kind = ' t="str"' if isinstance(value, str) else ""
            xml, n = re.subn(
                rf'<c r="{ref}"([^>]*)>(<f>.*?</f>)<v\s*/?>(?:</v>)?',
                rf'<c r="{ref}"\1{kind}>\2<v>{value}</v>',
                xml,
            )
            assert n == 1, ref
        return xml

    edit_sheet_xml(path, sheet, edit)
