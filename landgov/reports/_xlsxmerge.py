"""Sheets of a new workbook added to an existing one at the zip level, without loading it.

Loading a big workbook with openpyxl to add a few sheets and saving it again reads and writes
every cell of every sheet (minutes and gigabytes for a screening workbook). Here the existing
workbook's parts are copied as they are (their compressed bytes, never inflated), the sheets
being replaced (same name) are left out, and the sheets of a small draft workbook (written by
XlsxWriter) are added: only the small parts are rewritten (``xl/workbook.xml`` with its defined
names re-indexed, the workbook's relationships, ``[Content_Types].xml``, ``docProps/app.xml``,
``xl/styles.xml`` with the draft's formats appended) and the new sheets, whose style indices
(``s``, ``style``, ``dxfId``) are moved past the existing ones; a big new sheet is restyled in
two halves on two cores (:func:`_rewrite`). A draft written with its formats past a base
(:class:`StyleBase`: fillers first, :func:`rebased`) needs no move when the existing formats
fit under the base: its sheets are copied as they are too, and the merged styles are the
existing ones, fillers up to the base, then the draft's.

As with openpyxl's ``del wb[name]`` + ``create_sheet``, a replaced sheet is removed and the new
sheets come after the kept ones, in the draft's order. :func:`remove_sheets` only removes sheets
(a stage run again). A workbook this cannot handle (encrypted, strict OOXML, parts missing, a
replaced sheet with parts other than notes: tables, drawings, printer settings) raises
:class:`MergeUnsupportedError` and is left as it was; the caller then uses openpyxl.

The new sheets read back as XlsxWriter wrote them (as in a new workbook of
:func:`~landgov.reports.excel.write_workbook`), the kept ones exactly as they were (an openpyxl
load and save would turn their empty texts into empty cells).
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr, unescape

from landgov.core.forked import Pending, can_fork, start
from landgov.reports._sheetxml import DeflatedRows, RowsFile, _append_deflated

__all__ = [
    "RESERVED",
    "MergeUnsupportedError",
    "StyleBase",
    "add_sheets",
    "base_of",
    "check",
    "merge",
    "rebased",
    "remove_sheets",
]

_ZIP_LEVEL = 1  # deflate level of the rewritten new sheets (as _sheetxml splices them)
_CHUNK = 4 << 20  # inflated bytes of a new sheet rewritten at a time
#: A new sheet this big (inflated) is rewritten in two halves, on two cores (:func:`_rewrite`).
SPLIT_BYTES = 48 << 20
#: The deflate level of a rewritten sheet: zipfile's default for a member opened by its
#: ``ZipInfo`` (the second half of a split sheet is deflated at the same level as the first).
_REWRITE_LEVEL = zlib.Z_DEFAULT_COMPRESSION
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DOC_REL = f"{_REL}/officeDocument"
_SHEET_REL = f"{_REL}/worksheet"
_CALC_REL = f"{_REL}/calcChain"
_SHEET_PARTS = {f"{_REL}/comments", f"{_REL}/vmlDrawing"}  # a sheet's parts merged with it
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_ATTR = re.compile(r'([\w:.-]+)\s*=\s*"([^"]*)"')
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # a zip member's local header
_NAMED = re.compile(r"<definedName\b[^>]*?(?:/>|>.*?</definedName>)", re.S)


class MergeUnsupportedError(Exception):
    """The workbook is not one the zip-level merge handles; write it through openpyxl."""


def _attrs(tag: str) -> dict[str, str]:
    return {k: unescape(v, {"&quot;": '"'}) for k, v in _ATTR.findall(tag)}


def _rid(attrs: dict[str, str]) -> str | None:
    return next((v for k, v in attrs.items() if k.endswith(":id")), None)


def _set_attr(tag: str, name: str, value: object) -> str:
    """``tag`` (an element's start tag) with attribute ``name`` set to ``value``."""
    new = f' {name}="{escape(str(value), {chr(34): "&quot;"})}"'
    pattern = re.compile(rf'\s{re.escape(name)}="[^"]*"')
    if pattern.search(tag):
        return pattern.sub(lambda _: new, tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return tag[:end] + new + tag[end:]


def _resolve(base: str, target: str) -> str:
    """A relationship target as a part name (no leading slash)."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _relative(base: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(base))


@dataclass
class _Rel:
    id: str
    type: str
    target: str  # resolved part name
    external: bool
    xml: str


def _rels(xml: str, base: str) -> list[_Rel]:
    out = []
    for tag in re.findall(r"<Relationship\b[^>]*>", xml):
        a = _attrs(tag)
        external = a.get("TargetMode") == "External"
        target = a.get("Target", "")
        out.append(
            _Rel(a.get("Id", ""), a.get("Type", ""), target if external else _resolve(base, target),
                 external, tag if tag.endswith("/>") else tag[:-1] + "/>")
        )  # fmt: skip
    return out


def _rels_xml(rels: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{''.join(rels)}</Relationships>"
    )


@dataclass
class _Sheet:
    name: str
    tag: str  # its <sheet .../> element in the workbook
    rid: str
    part: str
    extra: list[str] = field(default_factory=list)  # its comments / VML parts


@dataclass
class _Book:
    """What the merge needs of a workbook: its small parts and its sheets."""

    zf: zipfile.ZipFile
    names: set[str]
    main: str  # xl/workbook.xml
    workbook: str
    rels: list[_Rel]
    sheets: list[_Sheet]
    types: str
    styles_part: str

    @classmethod
    def read(cls, zf: zipfile.ZipFile) -> _Book:
        names = set(zf.namelist())
        for needed in ("[Content_Types].xml", "_rels/.rels"):
            if needed not in names:
                raise MergeUnsupportedError(f"no {needed}")
        docs = [r for r in _rels(_text(zf, "_rels/.rels"), "") if r.type == _DOC_REL]
        if len(docs) != 1 or docs[0].target not in names:
            raise MergeUnsupportedError("no workbook part")
        main = docs[0].target
        workbook = _text(zf, main)
        if f'xmlns="{_MAIN}"' not in workbook:
            raise MergeUnsupportedError("not transitional SpreadsheetML (strict or prefixed)")
        rels_part = _rels_name(main)
        if rels_part not in names:
            raise MergeUnsupportedError("no workbook relationships")
        rels = _rels(_text(zf, rels_part), main)
        by_id = {r.id: r for r in rels}
        styles = [r.target for r in rels if r.type == f"{_REL}/styles"]
        if len(styles) != 1 or styles[0] not in names:
            raise MergeUnsupportedError("no styles part")
        block = re.search(r"<sheets\b[^>]*>(.*?)</sheets>", workbook, re.S)
        if block is None:
            raise MergeUnsupportedError("no sheets")
        sheets = []
        for tag in re.findall(r"<sheet\b[^>]*>", block.group(1)):
            a = _attrs(tag)
            rid = _rid(a)
            rel = by_id.get(rid or "")
            if rel is None or rel.external or rel.target not in names or "name" not in a:
                raise MergeUnsupportedError("a sheet without its part")
            sheets.append(_Sheet(a["name"], tag, rel.id, rel.target))
        return cls(zf, names, main, workbook, rels, sheets, _text(zf, "[Content_Types].xml"),
                   styles[0])  # fmt: skip

    def sheet_parts(self, sheet: _Sheet, *, strict: bool) -> list[_Rel]:
        """The parts a sheet's relationships point to (comments, VML drawings)."""
        rels_part = _rels_name(sheet.part)
        if rels_part not in self.names:
            return []
        rels = _rels(_text(self.zf, rels_part), sheet.part)
        if strict and any(r.external or r.type not in _SHEET_PARTS for r in rels):
            raise MergeUnsupportedError(f"sheet {sheet.name} has parts the merge does not handle")
        return rels


def _text(zf: zipfile.ZipFile, name: str) -> str:
    return zf.read(name).decode("utf-8")


# ---------------------------------------------------------------------------------------------
# styles


def _section(xml: str, tag: str) -> re.Match[str] | None:
    return re.search(rf"<{tag}\b([^>]*?)(?:/>|>(.*?)</{tag}>)", xml, re.S)


def _items(xml: str, tag: str, child: str) -> list[str]:
    found = _section(xml, tag)
    if found is None or found.group(2) is None:
        return []
    return re.findall(rf"<{child}\b[^>]*?/>|<{child}\b[^>]*?>.*?</{child}>", found.group(2), re.S)


_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
          "dxfs", "tableStyles", "colors", "extLst")  # fmt: skip


def _put_section(xml: str, tag: str, child: str, items: list[str]) -> str:
    """``xml`` (styles) with section ``tag`` holding ``items`` (created in its place)."""
    found = _section(xml, tag)
    attrs = _set_attr(f"<{tag}{found.group(1) if found else ''}>", "count", len(items))
    new = attrs + "".join(items) + f"</{tag}>"
    if found is not None:
        return xml[: found.start()] + new + xml[found.end() :]
    for later in _ORDER[_ORDER.index(tag) + 1 :]:
        at = re.search(rf"<{later}\b", xml)
        if at is not None:
            return xml[: at.start()] + new + xml[at.start() :]
    end = xml.rindex("</styleSheet>")
    return xml[:end] + new + xml[end:]


@dataclass(frozen=True)
class StyleBase:
    """Where a draft's own formats start in its ``styles.xml``: after ``xf`` filler cell
    formats and ``dxf`` filler differential formats (of conditional formats).

    A draft written so (:func:`rebased`, by :func:`landgov.reports.excel.write_sheets` with
    ``base``) has its formats where :func:`merge` puts them in a workbook with at most ``xf``
    cell formats and ``dxf`` differential formats: its sheets go into the merge as they are
    (their compressed bytes), none inflated. Its sheet views are unselected.
    """

    xf: int
    dxf: int


#: The base of the 增容 sheets written beside the screening (a run of both stages), past the
#: formats of a screening workbook: 14 cell formats and 1 differential format (the 待核实
#: highlight) on the sample and on 50,000 parcels; the default, two header formats and one per
#: (number format, wrapped, quoted) of its columns, some twenty with the registered number
#: formats. A workbook with more gets the draft's sheets restyled (:func:`merge`).
RESERVED = StyleBase(xf=64, dxf=8)
#: A format no cell refers to, holding a reserved place (the default cell format).
FILLER_XF = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
FILLER_DXF = "<dxf/>"


@dataclass(frozen=True)
class _StyleMap:
    xf: dict[int, int]
    dxf: dict[int, int]

    @property
    def identity(self) -> bool:
        """Whether no index moves (the draft's sheets go in as they are)."""
        return all(k == v for k, v in self.xf.items()) and all(k == v for k, v in self.dxf.items())


def _counts(xml: str) -> dict[str, int]:
    """The number of fonts, fills, borders, cell formats and differential formats."""
    counts = {}
    for tag, child in (("fonts", "font"), ("fills", "fill"), ("borders", "border"),
                       ("cellXfs", "xf"), ("dxfs", "dxf")):  # fmt: skip
        section = _section(xml, tag)
        declared = _attrs(section.group(1)).get("count") if section else None
        counts[tag] = len(_items(xml, tag, child))
        if declared is not None and int(declared) != counts[tag]:
            raise MergeUnsupportedError(f"styles: {tag} count does not match")
    return counts


def _reserved(new: str, counts: dict[str, int], base: StyleBase | None) -> StyleBase | None:
    """``base`` if the draft's styles are based there and the existing workbook's fit under it."""
    if base is None or counts["cellXfs"] > base.xf or counts["dxfs"] > base.dxf:
        return None
    xfs, dxfs = _items(new, "cellXfs", "xf"), _items(new, "dxfs", "dxf")
    if len(xfs) <= base.xf or len(dxfs) < base.dxf:
        return None
    if any(x != FILLER_XF for x in xfs[: base.xf]) or any(
        d != FILLER_DXF for d in dxfs[: base.dxf]
    ):
        return None
    return base


def _merge_styles(old: str, new: str, base: StyleBase | None = None) -> tuple[str, _StyleMap]:
    """The existing styles with the draft's formats appended, and where the draft's went.

    A draft based at ``base`` (:func:`rebased`) keeps its indices when the existing formats fit
    under the base: they are followed by fillers up to it, then the draft's own formats (its
    fillers left out); otherwise all the draft's formats are appended and moved.
    """
    if f'xmlns="{_MAIN}"' not in old or not _items(old, "cellStyleXfs", "xf"):
        raise MergeUnsupportedError("styles not handled")
    counts = _counts(old)
    formats = {}
    for tag in _items(old, "numFmts", "numFmt"):
        a = _attrs(tag)
        formats[a["formatCode"]] = int(a["numFmtId"])
    used = set(formats.values())
    num_items = _items(old, "numFmts", "numFmt")
    number: dict[str, str] = {}
    for tag in _items(new, "numFmts", "numFmt"):
        a = _attrs(tag)
        code = a["formatCode"]
        if code not in formats:
            formats[code] = max([163, *used]) + 1
            used.add(formats[code])
            num_items.append(_set_attr(tag, "numFmtId", formats[code]))
        number[a["numFmtId"]] = str(formats[code])
    kept = _reserved(new, counts, base)
    skip_xf, skip_dxf = (kept.xf, kept.dxf) if kept else (0, 0)
    xfs = []
    for item in _items(new, "cellXfs", "xf")[skip_xf:]:
        head = re.match(r"<xf\b[^>]*>", item)
        assert head is not None
        start = head.group(0)
        a = _attrs(start)
        if a.get("xfId", "0") != "0":
            raise MergeUnsupportedError("draft style based on a cell style")
        for attr, tag in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            start = _set_attr(start, attr, int(a.get(attr, "0")) + counts[tag])
        fmt = a.get("numFmtId", "0")
        start = _set_attr(start, "numFmtId", number.get(fmt, fmt))
        xfs.append(start + item[head.end() :])
    out = old
    if num_items:
        out = _put_section(out, "numFmts", "numFmt", num_items)
    for tag, child in (("fonts", "font"), ("fills", "fill"), ("borders", "border")):
        out = _put_section(out, tag, child, _items(old, tag, child) + _items(new, tag, child))
    # from the base on (if kept): the draft's formats where it put them
    xf_at = skip_xf or counts["cellXfs"]
    fill = [FILLER_XF] * (xf_at - counts["cellXfs"])
    out = _put_section(out, "cellXfs", "xf", _items(old, "cellXfs", "xf") + fill + xfs)
    dxfs = _items(new, "dxfs", "dxf")[skip_dxf:]
    dxf_at = skip_dxf or counts["dxfs"]
    if dxfs:
        fill = [FILLER_DXF] * (dxf_at - counts["dxfs"])
        out = _put_section(out, "dxfs", "dxf", _items(old, "dxfs", "dxf") + fill + dxfs)
    return out, _StyleMap(
        {k + skip_xf: k + xf_at for k in range(len(xfs))},
        {k + skip_dxf: k + dxf_at for k in range(len(dxfs))},
    )


def rebased(styles: str, base: StyleBase) -> Callable[[str, bytes], bytes]:
    """What moves a new workbook's formats to ``base`` (:class:`StyleBase`), part by part.

    ``styles`` is the workbook's ``styles.xml`` as XlsxWriter wrote it; the function returned
    takes a part's name and bytes and returns them rewritten: ``xl/styles.xml`` with the
    fillers put before its formats, a sheet (``xl/worksheets/sheet*.xml``, written by
    XlsxWriter without its data rows, so small) with its style indices moved past them and
    its view unselected; other parts unchanged. The data rows spliced in
    (:func:`landgov.reports._sheetxml.splice`) must be written with indices moved by
    ``base.xf`` already.
    """
    xfs, dxfs = _items(styles, "cellXfs", "xf"), _items(styles, "dxfs", "dxf")
    moved = _StyleMap(
        {k: k + base.xf for k in range(len(xfs))}, {k: k + base.dxf for k in range(len(dxfs))}
    )
    sheet = _restyle(moved, selected=False)
    xml = _put_section(styles, "cellXfs", "xf", [FILLER_XF] * base.xf + xfs)
    out = _put_section(xml, "dxfs", "dxf", [FILLER_DXF] * base.dxf + dxfs).encode("utf-8")

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/styles.xml":
            return out
        if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
            return sheet(data)
        return data

    return edit


# the draft's cells and rows as XlsxWriter writes them (r, then s); the framing elements
# (column styles, conditional formats, the sheet view) are few and matched whole
_CELL_S = re.compile(rb'(<c r="[A-Z]+[0-9]+" s=")([0-9]+)(?=")')
_ROW_S = re.compile(rb'(<row [^>]*? s=")([0-9]+)(?=")')
_FRAME = re.compile(rb"<(?:col|cfRule|sheetView) [^>]*>")
_ATTR_B = re.compile(rb' (style|dxfId|tabSelected)="([0-9]+)"')


def _restyle(styles: _StyleMap, *, selected: bool) -> Callable[[bytes], bytes]:
    """What rewrites a chunk of a draft sheet: its style indices moved to the merged ones, its
    sheet view selected (``selected``: the workbook's first sheet) or not (the workbook's
    selected sheet stays the one selected)."""
    xf = {str(k).encode(): str(v).encode() for k, v in styles.xf.items()}
    dxf = {str(k).encode(): str(v).encode() for k, v in styles.dxf.items()}

    def index(m: re.Match[bytes]) -> bytes:
        return m.group(1) + xf[m.group(2)]

    def attr(m: re.Match[bytes]) -> bytes:
        name, value = m.group(1), m.group(2)
        if name == b"style":
            return b' style="' + xf[value] + b'"'
        if name == b"dxfId":
            return b' dxfId="' + dxf[value] + b'"'
        return b""

    def frame(m: re.Match[bytes]) -> bytes:
        tag = _ATTR_B.sub(attr, m.group(0))
        if selected and tag.startswith(b"<sheetView "):
            tag = b'<sheetView tabSelected="1" ' + tag[len(b"<sheetView ") :]
        return tag

    def edit(data: bytes) -> bytes:
        data = _CELL_S.sub(index, data)
        data = _ROW_S.sub(index, data)
        return _FRAME.sub(frame, data)

    return edit


# ---------------------------------------------------------------------------------------------
# zip


class _NoFlush:
    """Stands for the compressor of a zip member whose deflate data was copied whole."""

    def flush(self) -> bytes:
        return b""


def _raw(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    """The file of ``zf`` positioned at ``info``'s stored (compressed) bytes."""
    fp: Any = zf.fp
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL.size)
    if len(header) != _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise MergeUnsupportedError("bad zip member header")
    fields = _LOCAL.unpack(header)  # ends with the name's and the extra field's lengths
    fp.seek(info.header_offset + _LOCAL.size + fields[-2] + fields[-1])
    return fp


def _copy_raw(
    src: zipfile.ZipFile, info: zipfile.ZipInfo, dest: zipfile.ZipFile, name: str | None = None
) -> None:
    """Copy a member's compressed bytes unchanged (no inflate, no deflate), as ``name``."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise MergeUnsupportedError("encrypted or unusual zip member")
    new = zipfile.ZipInfo(name or info.filename, info.date_time)
    new.compress_type = info.compress_type
    new.external_attr = info.external_attr
    new.file_size = info.file_size
    big = info.file_size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT
    with dest.open(new, "w", force_zip64=big) as out:
        writer: Any = out
        fp = _raw(src, info)
        left = info.compress_size
        while left:
            block = fp.read(min(left, 1 << 20))
            if not block:
                raise MergeUnsupportedError("truncated zip member")
            writer._fileobj.write(block)
            left -= len(block)
        writer._compressor = _NoFlush() if info.compress_type == zipfile.ZIP_DEFLATED else None
        writer._compress_size = info.compress_size
        writer._crc = info.CRC
        writer._file_size = info.file_size


def _pieces(zf: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """Member ``name`` of ``zf`` inflated a chunk at a time, each chunk ending after a ``>``
    (so no tag is cut), the last one with what follows the last ``>``."""
    with zf.open(name) as inp:
        rest = b""
        while True:
            block = inp.read(_CHUNK)
            data = rest + block
            if not block:
                yield data
                return
            cut = data.rfind(b">") + 1
            yield data[:cut]
            rest = data[cut:]


def _deflated(
    pieces: Iterator[bytes], edit: Callable[[bytes], bytes], folder: Path, path: Path | None
) -> DeflatedRows:
    """``pieces`` edited and deflated on their own (into the file ``path``, if given)."""

    def fill(rows: DeflatedRows) -> None:
        for piece in pieces:
            rows.write(edit(piece))

    return DeflatedRows.filled(fill, folder, path=path, level=_REWRITE_LEVEL)[0]


def _second_half(
    source: str, name: str, half: int, edit: Callable[[bytes], bytes], path: Path
) -> RowsFile:
    """In a child: the pieces of member ``name`` of the workbook at ``source`` that follow its
    first ``half`` bytes, edited and deflated into the file ``path``."""
    with zipfile.ZipFile(source) as zf:  # its own file offset, not the parent's ZipFile's
        pieces = _pieces(zf, name)
        done = 0
        while done < half:  # the parent's half: inflated, not edited
            done += len(next(pieces))
        return _deflated(pieces, edit, path.parent, path).handed_over()


def _rewrite(
    src: zipfile.ZipFile,
    name: str,
    dest: zipfile.ZipFile,
    target: str,
    edit: Callable[[bytes], bytes],
) -> None:
    """Member ``name`` of ``src`` as ``target`` of ``dest``, ``edit`` applied a chunk at a time
    (chunks end after a ``>``, so no tag is cut).

    A sheet of :data:`SPLIT_BYTES` or more (inflated) is rewritten in two halves, the second
    deflated on its own and joined to the first as :func:`~landgov.reports._sheetxml.splice`
    joins rows: it is rewritten by a child forked with :mod:`landgov.core.forked` while this
    process does the first, or here after it where no child can be forked, the same bytes.
    """
    info = src.getinfo(name)
    new = zipfile.ZipInfo(target, info.date_time)
    new.compress_type = zipfile.ZIP_DEFLATED
    split = info.file_size >= SPLIT_BYTES and isinstance(src.filename, str)
    half = info.file_size // 2 if split else info.file_size + 1
    with contextlib.ExitStack() as stack:
        folder = Path(".")
        pending: Pending[RowsFile] | None = None
        if split:
            scratch = tempfile.TemporaryDirectory(dir=Path(str(dest.filename)).parent,
                                                  prefix=".merge.")  # fmt: skip
            folder = Path(stack.enter_context(scratch))
            if can_fork():
                pending = stack.enter_context(
                    start(_second_half, src.filename, name, half, edit, folder / "half.deflate")
                )
        out = stack.enter_context(dest.open(new, "w", force_zip64=True))
        pieces = _pieces(src, name)
        done = 0
        while done < half:
            piece = next(pieces, None)
            if piece is None:
                break
            out.write(edit(piece))
            done += len(piece)
        if split:
            second: DeflatedRows | RowsFile = (
                _deflated(pieces, edit, folder, None) if pending is None else pending.result()
            )
            try:
                _append_deflated(out, second)
            finally:
                second.close()


# ---------------------------------------------------------------------------------------------
# the merge


def check(path: Path) -> None:
    """Raise :class:`MergeUnsupportedError` if the workbook at ``path`` cannot take a merge."""
    try:
        with zipfile.ZipFile(path) as zf:
            book = _Book.read(zf)
            _merge_styles(_text(zf, book.styles_part), "")
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError) as err:
        raise MergeUnsupportedError(str(err)) from err


def base_of(path: Path) -> StyleBase:
    """Where a draft's formats go in a merge into the workbook at ``path``: after its cell and
    differential formats (a draft written with this base needs no fillers in the merge).

    Raises
    ------
    MergeUnsupportedError
        The workbook is not one the merge handles.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            book = _Book.read(zf)
            counts = _counts(_text(zf, book.styles_part))
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError) as err:
        raise MergeUnsupportedError(str(err)) from err
    return StyleBase(counts["cellXfs"], counts["dxfs"])


def _free(names: set[str], pattern: str) -> str:
    k = 1
    while pattern.format(k) in names:
        k += 1
    name = pattern.format(k)
    names.add(name)
    return name


def _named(xml: str, local: Callable[[int], int | None]) -> list[str]:
    """The defined names of a workbook, ``localSheetId`` mapped by ``local`` (None: dropped)."""
    block = re.search(r"<definedNames\b[^>]*>(.*?)</definedNames>", xml, re.S)
    out = []
    for item in _NAMED.findall(block.group(1) if block else ""):
        head = re.match(r"<definedName\b[^>]*>", item)
        assert head is not None
        a = _attrs(head.group(0))
        if "localSheetId" in a:
            index = local(int(a["localSheetId"]))
            if index is None:
                continue
            out.append(_set_attr(head.group(0), "localSheetId", index) + item[head.end() :])
        else:
            out.append(item)
    return out


def _workbook_xml(xml: str, sheets: list[str], names: list[str], active: int) -> str:
    block = re.search(r"<sheets\b[^>]*>.*?</sheets>", xml, re.S)
    assert block is not None
    xml = xml[: block.start()] + "<sheets>" + "".join(sheets) + "</sheets>" + xml[block.end() :]
    xml = re.sub(r"<definedNames\b[^>]*?(?:/>|>.*?</definedNames>)", "", xml, flags=re.S)
    if names:
        after = re.search(r"</externalReferences>", xml) or re.search(r"</sheets>", xml)
        assert after is not None
        at = after.end()
        xml = xml[:at] + "<definedNames>" + "".join(names) + "</definedNames>" + xml[at:]
    view = re.search(r"<workbookView\b[^>]*>", xml)
    if view is not None:
        tag = view.group(0)
        if "activeTab=" in tag or active:
            tag = _set_attr(tag, "activeTab", active)
        if "firstSheet=" in tag:
            tag = _set_attr(tag, "firstSheet", 0)
        xml = xml[: view.start()] + tag + xml[view.end() :]
    return xml


def _types_xml(xml: str, dropped: set[str], added: dict[str, str], defaults: dict[str, str]) -> str:
    def keep(m: re.Match[str]) -> str:
        part = _attrs(m.group(0)).get("PartName", "").lstrip("/")
        return "" if part in dropped else m.group(0)

    xml = re.sub(r"<Override\b[^>]*>", keep, xml)
    have = {_attrs(t).get("Extension", "").lower() for t in re.findall(r"<Default\b[^>]*>", xml)}
    extra = [
        f"<Default Extension={quoteattr(ext)} ContentType={quoteattr(kind)}/>"
        for ext, kind in defaults.items()
        if ext.lower() not in have
    ]
    extra += [
        f"<Override PartName={quoteattr('/' + part)} ContentType={quoteattr(kind)}/>"
        for part, kind in added.items()
    ]
    end = xml.rindex("</Types>")
    return xml[:end] + "".join(extra) + xml[end:]


def _app_xml(xml: str, titles: list[str]) -> str:
    """``docProps/app.xml`` with the sheet names as its parts (the named ranges left out)."""
    pairs = (
        '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets'
        f"</vt:lpstr></vt:variant><vt:variant><vt:i4>{len(titles)}</vt:i4></vt:variant>"
        "</vt:vector></HeadingPairs>"
    )
    parts = (
        f'<TitlesOfParts><vt:vector size="{len(titles)}" baseType="lpstr">'
        + "".join(f"<vt:lpstr>{escape(t)}</vt:lpstr>" for t in titles)
        + "</vt:vector></TitlesOfParts>"
    )
    if "xmlns:vt=" not in xml or "<HeadingPairs>" not in xml or "<TitlesOfParts>" not in xml:
        return xml
    xml = re.sub(r"<HeadingPairs>.*?</HeadingPairs>", lambda _: pairs, xml, flags=re.S)
    return re.sub(r"<TitlesOfParts>.*?</TitlesOfParts>", lambda _: parts, xml, flags=re.S)


def merge(existing: Path, draft: Path, target: Path, *, base: StyleBase | None = None) -> None:
    """Write ``target``: ``existing`` with the sheets of ``draft`` added (same names replaced).

    ``base``: the draft's formats start there (:func:`rebased`); its sheets then go in as they
    are when the existing workbook's formats fit under the base (and it keeps a sheet, which
    stays the selected one), else they are restyled as those of any draft.

    Raises
    ------
    MergeUnsupportedError
        Either workbook is not one this handles; ``target`` is then incomplete.
    """
    try:
        with zipfile.ZipFile(existing) as old_zf, zipfile.ZipFile(draft) as new_zf:
            _merge(old_zf, new_zf, target, base=base)
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError) as err:
        raise MergeUnsupportedError(str(err)) from err


def _dropped(old: _Book, kept: list[_Sheet], removed: list[_Sheet]) -> set[str]:
    """The parts left out: the removed sheets' own parts and the calculation chain."""
    dropped: set[str] = set()
    for sheet in removed:
        parts = old.sheet_parts(sheet, strict=True)
        dropped |= {sheet.part, _rels_name(sheet.part), *(r.target for r in parts)}
    # parts the kept sheets share with a removed one stay
    for sheet in kept:
        dropped -= {r.target for r in old.sheet_parts(sheet, strict=False) if not r.external}
    return dropped | {r.target for r in old.rels if r.type == _CALC_REL}


@dataclass
class _Added:
    """Where the draft's sheets go: their parts, elements and relationships in the merge."""

    names: set[str]  # part names in use
    rel_ids: set[str]
    next_id: int  # next sheetId
    sheet_tags: list[str]
    wb_rels: list[str]
    types: dict[str, str] = field(default_factory=dict)  # new part → content type
    copies: list[tuple[str, str, str | None]] = field(default_factory=list)
    # (draft part, merged part, its relationships' XML)

    def sheet(self, old: _Book, new: _Book, sheet: _Sheet) -> None:
        part = _free(
            self.names, posixpath.join(posixpath.dirname(old.main), "worksheets/sheet{}.xml")
        )
        rid = _free(self.rel_ids, "rId{}")
        # r declared on the element: openpyxl declares it on each sheet, not on the workbook
        tag = (f'<sheet xmlns:r="{_REL}" name={quoteattr(sheet.name)} '
               f'sheetId="{self.next_id}" r:id="{rid}"/>')  # fmt: skip
        state = _attrs(sheet.tag).get("state")
        if state:
            tag = _set_attr(tag, "state", state)
        self.next_id += 1
        self.sheet_tags.append(tag)
        self.wb_rels.append(
            f'<Relationship Id="{rid}" Type="{_SHEET_REL}" '
            f'Target="{escape(_relative(old.main, part))}"/>'
        )
        self.types[part] = _SHEET_TYPE
        rels = []
        for rel in new.sheet_parts(sheet, strict=True):  # a split sheet's note
            folder, base = posixpath.split(rel.target)
            stem, ext = posixpath.splitext(re.sub(r"\d+(?=\.\w+$)", "", base))
            moved = _free(self.names, posixpath.join(folder, f"{stem}{{}}{ext}"))
            self.copies.append((rel.target, moved, None))
            kind = _override(new.types, rel.target)
            if kind:
                self.types[moved] = kind
            rels.append(_set_attr(rel.xml, "Target", _relative(part, moved)))
        self.copies.append((sheet.part, part, _rels_xml(rels) if rels else None))


def _merge(
    old_zf: zipfile.ZipFile,
    new_zf: zipfile.ZipFile | None,
    target: Path,
    drop: frozenset[str] = frozenset(),
    *,
    base: StyleBase | None = None,
) -> None:
    """``old_zf`` with the sheets named in ``drop`` and those of ``new_zf`` replaced (``base``:
    where the draft's formats start, see :func:`merge`)."""
    old = _Book.read(old_zf)
    new = _Book.read(new_zf) if new_zf is not None else None
    if new is not None and any(n.endswith("sharedStrings.xml") for n in new.names):
        raise MergeUnsupportedError("draft with shared strings")
    new_sheets = new.sheets if new is not None else []
    replaced = {s.name for s in new_sheets} | drop
    kept = [s for s in old.sheets if s.name not in replaced]
    removed = [s for s in old.sheets if s.name in replaced]
    dropped = _dropped(old, kept, removed)
    styles = _text(old_zf, old.styles_part)
    style_map = _StyleMap({}, {})
    if new_zf is not None:
        styles, style_map = _merge_styles(
            styles, _text(new_zf, new.styles_part if new else ""), base if kept else None
        )
    gone = {s.rid for s in removed}
    added = _Added(
        set(old.names) - dropped,
        {r.id for r in old.rels},
        max((int(_attrs(s.tag).get("sheetId", "0")) for s in old.sheets), default=0) + 1,
        [s.tag for s in kept],
        [r.xml for r in old.rels if r.type != _CALC_REL and r.id not in gone],
    )
    for sheet in new_sheets:
        assert new is not None
        added.sheet(old, new, sheet)
    positions = {id(s): k for k, s in enumerate(kept)}
    old_index = [positions.get(id(s)) for s in old.sheets]
    defined = _named(old.workbook, lambda i: old_index[i] if i < len(old_index) else None)
    if new is not None:
        defined += _named(new.workbook, lambda i: i + len(kept))
    view = re.search(r"<workbookView\b[^>]*>", old.workbook)
    tab = int(_attrs(view.group(0)).get("activeTab", "0")) if view else 0
    active = old_index[tab] if tab < len(old_index) else None
    defaults = {
        _attrs(t)["Extension"]: _attrs(t)["ContentType"]
        for t in re.findall(r"<Default\b[^>]*>", new.types if new is not None else "")
    }
    small = {
        old.main: _workbook_xml(old.workbook, added.sheet_tags, defined, active or 0),
        _rels_name(old.main): _rels_xml(added.wb_rels),
        "[Content_Types].xml": _types_xml(old.types, dropped, added.types, defaults),
        old.styles_part: styles,
    }
    if "docProps/app.xml" in old.names:
        titles = [s.name for s in kept] + [s.name for s in new_sheets]
        small["docProps/app.xml"] = _app_xml(_text(old_zf, "docProps/app.xml"), titles)
    # no kept sheet: the draft's first sheet is the selected one
    edits: dict[str, Callable[[bytes], bytes] | None] = {}
    for k, part in enumerate(p for _, p, _ in added.copies if added.types.get(p) == _SHEET_TYPE):
        first = k == 0 and not kept
        edits[part] = (
            None if style_map.identity and not first else _restyle(style_map, selected=first)
        )
    _write_zip(old_zf, new_zf, target, dropped=dropped, small=small, added=added, edits=edits)


def _write_zip(
    old_zf: zipfile.ZipFile,
    new_zf: zipfile.ZipFile | None,
    target: Path,
    *,
    dropped: set[str],
    small: dict[str, str],
    added: _Added,
    edits: dict[str, Callable[[bytes], bytes] | None],
) -> None:
    """The merged workbook: the old parts as they are (but ``dropped``, and ``small`` ones
    rewritten), then the draft's parts (each sheet rewritten by its edit, or as it is)."""
    small = dict(small)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL) as dest:
        for info in old_zf.infolist():
            if info.filename in dropped:
                continue
            if info.filename in small:
                dest.writestr(info.filename, small.pop(info.filename))
            else:
                _copy_raw(old_zf, info, dest)
        for part, text in small.items():
            dest.writestr(part, text)
        for source, part, rels_xml in added.copies:
            assert new_zf is not None
            if added.types.get(part) == _SHEET_TYPE:
                edit = edits[part]
                if edit is None:
                    _copy_raw(new_zf, new_zf.getinfo(source), dest, part)
                else:
                    _rewrite(new_zf, source, dest, part, edit)
            else:
                dest.writestr(part, new_zf.read(source))
            if rels_xml is not None:
                dest.writestr(_rels_name(part), rels_xml)


def remove_sheets(path: Path, names: Sequence[str]) -> None:
    """Remove the sheets ``names`` from the workbook at ``path`` (the others copied as they are).

    Raises
    ------
    MergeUnsupportedError
        The workbook is not one this handles; ``path`` is untouched.
    """
    check(path)
    tmp = path.with_name(f".{path.name}.merge.tmp")
    try:
        with zipfile.ZipFile(path) as old_zf:
            _merge(old_zf, None, tmp, frozenset(names))
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError) as err:
        tmp.unlink(missing_ok=True)
        raise MergeUnsupportedError(str(err)) from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)


def _override(types: str, part: str) -> str | None:
    for tag in re.findall(r"<Override\b[^>]*>", types):
        a = _attrs(tag)
        if a.get("PartName", "").lstrip("/") == part:
            return a.get("ContentType")
    return None


def add_sheets(path: Path, write: Callable[[Path], Any], *, base: StyleBase | None = None) -> Any:
    """Add sheets to the existing workbook at ``path`` through a draft and a zip-level merge.

    ``write(draft)`` writes the new sheets into a new workbook ``draft`` (a scratch file named
    as ``path``, so that what it records of its own file name holds) and returns what it
    returns; the merged workbook then replaces ``path`` (a temporary file, then a rename).
    ``base``: where the draft's formats start (:func:`merge`).

    Raises
    ------
    MergeUnsupportedError
        The workbook at ``path`` (or the draft) is not one the merge handles; ``path`` is
        untouched.
    """
    check(path)
    tmp = path.with_name(f".{path.name}.merge.tmp")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.") as scratch:
        draft = Path(scratch) / path.name
        result = write(draft)
        try:
            merge(path, draft, tmp, base=base)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    tmp.replace(path)
    return result
