"""A cheap look inside an .xlsx before openpyxl loads it: every reader of a user's workbook
opens it through :func:`open_xlsx`.

openpyxl builds an object for every cell a sheet's XML names, every cell of a merged range,
every row element and every shared string, and the readers walk the box from A1 to the last
cell. A few bytes of XML can therefore keep it busy for hours or fill the memory: a merged range
``A1:XFD1048576`` (17 billion cells), one value in XFD1048576, a million styled empty rows
(``<row r="…" s="1" customFormat="1"/>``, as WPS writes a sheet formatted whole), millions of
unused shared strings, or a member that inflates from 1 MB to 1 GB (a zip bomb).

:func:`open_xlsx` streams each worksheet part and the shared strings once (:mod:`zipfile`, a
few MB at a time, never the whole part in memory) and then

- **refuses** with a :class:`~landgov.errors.DataFileError` naming the file, the sheet, what is
  wrong and what to do: a member inflating far more than any spreadsheet does; a value so far
  from the others that the sheet's box is mostly empty (XFD1048576); a huge merged range over
  cells holding content; many more shared strings than cells;
- **leaves out** what holds nothing, so the file is read as Excel shows it: rows after the last
  cell with content, cells without content (style only), a merged range wholly outside the
  cells with content, a ``<dimension>`` larger than the content; it hands openpyxl a copy
  (in memory) without them. A sheet with none of these is read from the file as it is.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree import ElementTree

from openpyxl.utils import column_index_from_string, get_column_letter

from landgov.errors import DataFileError

__all__ = ["has_formulas", "open_xlsx"]

#: A member inflating to more than this many bytes and more than :data:`_RATIO` times its
#: compressed size is refused (spreadsheet XML compresses 5–30 times; zeros 1,000 times).
_BOMB_BYTES = 64 << 20
_RATIO = 100
#: Cells in merged ranges (openpyxl makes one object per cell) above which a range over cells
#: with content is refused; a title over A1:XFD1 is 16,384.
_MERGED_CELLS = 500_000
#: A sheet whose content box (A1 to the last row and column with content) has more cells than
#: this and more than :data:`_SPARSE` times its cells with content is refused: a value far
#: out. 20 million is a dense table of a million rows by 20 columns.
_BOX_CELLS = 20_000_000
_SPARSE = 50
#: Shared strings beyond the number of cells (every string Excel and WPS write is used by one).
_SPARE_STRINGS = 100_000
#: Empty things left out only when there are this many (else the file is read as it is).
_EMPTY_ROWS = 10_000
_EMPTY_BOX = 1_000_000

_CHUNK = 4 << 20
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

# A run of rows without content (self-closing, or holding only cells without content: matched
# in C, a million of them in a fraction of a second), or a row (with its cells), a merged
# range or the dimension; with or without a namespace prefix (x:row); ``rowBreaks`` and
# ``mergeCells`` do not match (\b).
_TOKEN = re.compile(
    rb"(?P<empty>(?:<(?:\w+:)?row\b[^>]*(?:/>|(?<!/)>(?:\s*<(?:\w+:)?c\b[^>]*/>)*\s*"
    rb"</(?:\w+:)?row>)\s*)+)"
    rb"|<(?:\w+:)?(?P<kind>row|mergeCell|dimension)\b(?P<attrs>[^>]*?)"
    rb"(?:/>|>(?P<body>.*?)</(?:\w+:)?row>)",
    re.S,
)
_R_ATTR = re.compile(rb'\br="(\d+)"')
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)/?>")
_ROW_START = re.compile(rb"<(?:\w+:)?row\b")
_REF_ATTR = re.compile(rb'\bref="([^"]*)"')
_EMPTY_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*/>")  # a cell without content: style only
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})\d+"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_RANGE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")


def _column(letters: str | bytes) -> int:
    return column_index_from_string(letters.decode() if isinstance(letters, bytes) else letters)


def _ref(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


@dataclass
class _Merge:
    ref: str
    r0: int
    c0: int
    r1: int
    c1: int

    @property
    def cells(self) -> int:
        return (self.r1 - self.r0 + 1) * (self.c1 - self.c0 + 1)


@dataclass
class _Sheet:
    """What one worksheet part holds, as counted in one pass over its XML."""

    name: str
    part: str
    rows: int = 0  # row elements
    last_row: int = 0  # the last row with a cell holding content
    last_col: int = 0  # the last column with a cell holding content
    far: tuple[int, int] = (0, 0)  # the cell that set last_col
    low: tuple[int, int] = (0, 0)  # a cell with content in last_row (its last one)
    cells: int = 0  # cells holding content
    empty_cells: int = 0  # cells without content (style only)
    box_rows: int = 0  # the last row of any cell (what openpyxl's max_row says)
    box_cols: int = 0
    dimension: tuple[int, int] = (0, 0)
    formulas: bool = False
    merges: list[_Merge] = field(default_factory=list)

    @property
    def content_box(self) -> int:
        return self.last_row * self.last_col

    def outside(self, m: _Merge) -> bool:
        """Whether merged range ``m`` holds no cell with content (beyond its first cell)."""
        return m.r0 > self.last_row or m.c0 > self.last_col

    def big_merges(self) -> list[_Merge]:
        if sum(m.cells for m in self.merges) <= _MERGED_CELLS:
            return []
        return [m for m in self.merges if m.cells > 1_000]

    def to_clean(self) -> bool:
        """Whether openpyxl should get a copy without the empty parts."""
        empty_rows = self.rows - min(self.rows, self.last_row)
        box = max(self.box_rows, self.dimension[0]) * max(self.box_cols, self.dimension[1])
        return (
            empty_rows > _EMPTY_ROWS
            or box > max(_EMPTY_BOX, 2 * self.content_box)
            or bool(self.big_merges())
        )


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """{worksheet part: sheet name}, from the workbook part and its relationships."""
    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {}
    for rel in rels.iter(f"{_REL_NS}Relationship"):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
        targets[rel.get("Id")] = part
    return {
        targets[s.get(_DOC_REL)]: str(s.get("name"))
        for s in book.iter(f"{_MAIN_NS}sheet")
        if s.get(_DOC_REL) in targets
    }


def _tokens(stream: IO[bytes]) -> Iterator[tuple[bytes, re.Match[bytes] | None]]:
    """The text between tokens and each token (row, mergeCell, dimension), in order; the
    text after the last token comes with ``None``. Streamed: a few MB at a time."""
    buf = b""
    while True:
        chunk = stream.read(_CHUNK)
        buf += chunk
        end = 0
        for m in _TOKEN.finditer(buf):
            yield buf[end : m.start()], m
            end = m.end()
        buf = buf[end:]
        if not chunk:
            yield buf, None
            return


def _empty_rows(sheet: _Sheet, run: bytes, counter: int) -> int:
    """Count a run of rows without content into ``sheet``; the number of its last row."""
    n = len(_ROW_START.findall(run))
    sheet.rows += n
    at = max(run.rfind(b"<row"), run.rfind(b":row"))
    last = _ROW.search(run, max(at, 0))
    r = _R_ATTR.search(last.group(1)) if last else None
    counter = int(r.group(1)) if r else counter + n
    cells = _CELL.findall(run)
    if cells:
        sheet.empty_cells += len(cells)
        sheet.box_rows = counter
        cols = set(_CELL_REF.findall(run))
        sheet.box_cols = max(sheet.box_cols, max(map(_column, cols), default=len(cells)))
    return counter


def _last_ref(cells: bytes) -> bytes | None:
    """The column letters of the last cell of a row's cells, when it names itself (``r=``).

    >>> _last_ref(b'<x:c r="B2" t="s"><x:v>1</x:v></x:c><x:c r="AA2"/>')
    b'AA'
    >>> _last_ref(b'<c r="B2"><v>1</v></c><c r="C2" t="inlineStr"><is><t>a</t></is></c>')
    b'C'
    >>> _last_ref(b"<c><v>1</v></c>") is None
    True
    """
    at = max(cells.rfind(b"<c"), cells.rfind(b":c"))  # <c …> or <x:c …>
    refs = _CELL_REF.findall(cells, max(cells.rfind(b"<", 0, at + 1), 0))
    return refs[-1] if refs else None


def _first_row(run: bytes, counter: int) -> int:
    """The number of the first row of a run of rows."""
    first = _ROW.search(run)
    r = _R_ATTR.search(first.group(1)) if first else None
    return int(r.group(1)) if r else counter + 1


def _row(sheet: _Sheet, body: bytes, counter: int) -> None:
    """Count the cells of row ``counter`` (its XML ``body``) into ``sheet``."""
    n_all = len(_CELL.findall(body))
    if b"/>" in body:  # cells without content may be among them
        kept = _EMPTY_CELL.sub(b"", body)
        n_full = len(_CELL.findall(kept))
    else:
        kept, n_full = body, n_all
    sheet.empty_cells += n_all - n_full
    if n_all:
        sheet.box_rows = counter
        ref = _last_ref(body)
        sheet.box_cols = max(sheet.box_cols, _column(ref) if ref else n_all)
    if n_full:
        sheet.cells += n_full
        sheet.last_row = counter
        ref = ref if kept is body else _last_ref(kept)
        col = _column(ref) if ref else n_full
        sheet.low = (counter, col)
        if col > sheet.last_col:
            sheet.last_col, sheet.far = col, (counter, col)
        sheet.formulas = sheet.formulas or bool(_FORMULA.search(kept))


def _scan_sheet(zf: zipfile.ZipFile, part: str, name: str) -> _Sheet:
    sheet = _Sheet(name, part)
    counter = 0
    with zf.open(part) as stream:
        for _text, m in _tokens(stream):
            if m is None:
                break
            if m.group("empty"):
                counter = _empty_rows(sheet, m.group("empty"), counter)
                continue
            kind, attrs, body = m.group("kind"), m.group("attrs"), m.group("body")
            if kind == b"row":
                sheet.rows += 1
                r = _R_ATTR.search(attrs)
                counter = int(r.group(1)) if r else counter + 1
                if not body or b"<" not in body:
                    continue
                _row(sheet, body, counter)
            else:
                ref = _REF_ATTR.search(attrs)
                found = _RANGE.match(ref.group(1).decode()) if ref else None
                if found is None:
                    continue
                c0, r0 = _column(found.group(1)), int(found.group(2))
                c1 = _column(found.group(3) or found.group(1))
                r1 = int(found.group(4) or found.group(2))
                if kind == b"dimension":
                    sheet.dimension = (r1, c1)
                else:
                    sheet.merges.append(_Merge(found.string, r0, c0, r1, c1))
    return sheet


def _count_strings(zf: zipfile.ZipFile, part: str) -> int:
    n = 0
    tail = b""
    with zf.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            buf = tail + chunk
            n += len(_STRING.findall(buf))
            tail = buf[-8:]
            n -= len(_STRING.findall(tail))  # counted again with the next chunk
    return n + len(_STRING.findall(tail))


@dataclass
class _Book:
    sheets: list[_Sheet]
    problem: str | None = None  # what is wrong, and what to do (after 「处理：」)


def _bomb(zf: zipfile.ZipFile, names: dict[str, str]) -> str | None:
    for info in zf.infolist():
        size = info.file_size
        if size > _BOMB_BYTES and size > _RATIO * max(info.compress_size, 1):
            where = f"工作表「{names[info.filename]}」" if info.filename in names else "其中"
            return (
                f"{where}的部件 {info.filename} 解压后有 {size / 2**20:,.0f} MB，是压缩后大小的 "
                f"{size // max(info.compress_size, 1):,} 倍（正常的表格文件不超过几十倍），"
                "文件已损坏或是恶意构造的“压缩炸弹”，未读取。处理：在 Excel/WPS 中打开该文件，"
                "确认内容无误后另存为新的 .xlsx 再读取；打不开时向来源索取原文件"
            )
    return None


def _sheet_problem(s: _Sheet) -> str | None:
    if s.content_box > _BOX_CELLS and s.content_box > _SPARSE * max(s.cells, 1):
        cells = dict.fromkeys(_ref(*c) for c in (s.low, s.far))  # the lowest, the rightmost
        return (
            f"工作表「{s.name}」的内容一直延伸到第 {s.last_row:,} 行、第 {s.last_col:,} 列"
            f"（{get_column_letter(s.last_col)} 列；最下、最右的内容在单元格 "
            f"{'、'.join(cells)}），"
            "而有内容的单元格"
            f"只有 {s.cells:,} 个：远处有误输入的内容，整张表读不完。处理：在 Excel/WPS 中按 "
            "Ctrl+End 找到最后一个单元格，删除数据区以外的行和列（选中后「删除」，不是清除内容）"
            "后另存，再读取"
        )
    over = [m for m in s.big_merges() if not s.outside(m)]
    if over:
        m = max(over, key=lambda m: m.cells)
        return (
            f"工作表「{s.name}」的合并单元格 {m.ref} 覆盖 {m.cells:,} 个单元格，盖住了有内容的"
            f"区域（A1:{_ref(s.last_row, s.last_col)}），无法按表格读取。处理：选中该区域"
            "「取消合并单元格」后另存，再读取"
        )
    return None


_STRICT_NS = b"purl.oclc.org/ooxml/spreadsheetml/main"  # Excel's 「Strict Open XML 电子表格」
_STRICT = (
    "保存格式是「Strict Open XML 电子表格」（扩展名同为 .xlsx），程序读不到其中的工作表，"
    "只能读取普通的 Excel 工作簿。处理：在 Excel 中打开该文件，「另存为」时保存类型选"
    "「Excel 工作簿（*.xlsx）」，再读取新保存的文件"
)


def _is_strict(zf: zipfile.ZipFile) -> bool:
    """Whether the workbook part is written in the ISO Strict namespaces (openpyxl finds no
    sheet in it: every reader would see an empty workbook)."""
    try:
        with zf.open("xl/workbook.xml") as part:
            return _STRICT_NS in part.read(4096)
    except KeyError:
        return False


@functools.lru_cache(maxsize=32)
def _look(path: str, size: int, mtime: int) -> _Book | None:
    """The scan of the workbook at ``path`` (cached by size and time of change); ``None``
    when it is no zip or its parts cannot be read (the readers then say what it is)."""
    del size, mtime  # the cache key only
    try:
        with zipfile.ZipFile(path) as zf:
            if _is_strict(zf):
                return _Book([], _STRICT)
            names = _sheet_names(zf)
            problem = _bomb(zf, names)
            if problem is not None:
                return _Book([], problem)
            parts = [
                n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")
            ]
            sheets = [_scan_sheet(zf, p, names.get(p, p)) for p in parts]
            for s in sheets:
                problem = _sheet_problem(s)
                if problem is not None:
                    return _Book(sheets, problem)
            cells = sum(s.cells + s.empty_cells for s in sheets)
            strings = next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
            if strings is not None:
                n = _count_strings(zf, strings)
                if n > cells + _SPARE_STRINGS:
                    return _Book(sheets, (
                        f"共享字符串表（{strings}）有 {n:,} 条，而所有工作表合计只有 {cells:,} 个"
                        "单元格：表中多出的字符串无一使用，文件不是 Excel/WPS 正常保存的，读取会"
                        "耗尽内存。处理：在 Excel/WPS 中打开该文件另存为新的 .xlsx（另存会重建"
                        "该表），再读取"
                    ))  # fmt: skip
            return _Book(sheets)
    except Exception:  # a damaged zip (zlib, CRC, XML): the readers say what it is
        return None


def _clean_sheet(data: IO[bytes], s: _Sheet, out: IO[bytes]) -> None:
    """Copy the sheet XML without rows after the last with content, cells without content,
    merged ranges outside the content, and with the dimension of the content."""
    drop = {m.ref for m in s.big_merges() if s.outside(m)}
    last = f"A1:{_ref(max(s.last_row, 1), max(s.last_col, 1))}".encode()
    counter = 0
    for text, m in _tokens(data):
        out.write(text)
        if m is None:
            break
        run = m.group("empty")
        if run:
            first = _first_row(run, counter)
            counter = _empty_rows(_Sheet("", ""), run, counter)
            if first <= s.last_row:  # rows among the content: kept, without empty cells
                out.write(_EMPTY_CELL.sub(b"", run))
            continue
        kind, attrs = m.group("kind"), m.group("attrs")
        if kind == b"row":
            r = _R_ATTR.search(attrs)
            counter = int(r.group(1)) if r else counter + 1
            if counter > s.last_row:
                continue
            if m.group("body") is None:
                out.write(m.group(0))
            else:
                start, end = m.start("body") - m.start(), m.end("body") - m.start()
                whole = m.group(0)
                out.write(whole[:start] + _EMPTY_CELL.sub(b"", m.group("body")) + whole[end:])
        elif kind == b"dimension":
            out.write(_REF_ATTR.sub(b'ref="' + last + b'"', m.group(0)))
        else:
            ref = _REF_ATTR.search(attrs)
            if ref is None or ref.group(1).decode() not in drop:
                out.write(m.group(0))


def _cleaned(path: Path, book: _Book) -> io.BytesIO:
    """A copy of the workbook in memory, its sheets with empty parts left out."""
    clean = {s.part: s for s in book.sheets if s.to_clean()}
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(path) as src,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for info in src.infolist():
            if info.filename in clean:
                with src.open(info) as data, dst.open(info.filename, "w", force_zip64=True) as out:
                    _clean_sheet(data, clean[info.filename], out)
            else:
                dst.writestr(info, src.read(info))
    buf.seek(0)
    return buf


def _scan(path: Path) -> _Book | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return _look(str(path), st.st_size, st.st_mtime_ns)


def open_xlsx(path: str | Path) -> IO[bytes]:
    """The workbook at ``path`` opened for :func:`openpyxl.load_workbook`: the file itself,
    or a copy in memory without its empty parts; a :class:`DataFileError` naming the file and
    the sheet when it cannot be read in reasonable time and memory (see the module).

    A file that is no zip (or a damaged one) is opened as it is: openpyxl's failure is then
    turned into a message by the reader, as before.
    """
    path = Path(path)
    book = _scan(path)
    if book is not None and book.problem is not None:
        raise DataFileError(f"{path}：{book.problem}")
    if book is not None and any(s.to_clean() for s in book.sheets):
        return _cleaned(path, book)
    return path.open("rb")


def has_formulas(path: str | Path) -> bool:
    """Whether any worksheet of the .xlsx holds a formula (from the scan: no part read whole)."""
    book = _scan(Path(path))
    if book is None:
        return False
    return any(s.formulas for s in book.sheets)
