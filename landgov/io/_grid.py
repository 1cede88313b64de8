"""Load a spreadsheet file into a grid of cell texts (for :func:`landgov.io.tables.read_table`).

CSV (encoding detected and recorded), .xlsx/.xlsm (the sheet chosen, merged cells and uncached
formulas noted) and .xls; a file that is not what its name says is a :class:`DataFileError`
naming it and the fix.
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from openpyxl import load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils.exceptions import InvalidFileException

from landgov.core import xlsxguard
from landgov.core.listing import first_few
from landgov.core.safe_text import ooxml_text
from landgov.core.textfile import BLANK_FILE, EMPTY_FILE, office_lock_target, utf16_without_bom
from landgov.core.xlsxguard import open_xlsx
from landgov.errors import DataFileError, EncodingError, Issue, missing_file
from landgov.io._numformat import Scaled, scaled_format, shown_text
from landgov.io.encoding import reads_as_chinese
from landgov.io.sheets import sheet_for, tied_sheets_error

_EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
_WPS_SUFFIXES = frozenset({".et", ".ett"})  # WPS 表格's own format (a compound file, not .xls)
#: Every suffix a table (not a layer) may have: what ``inspect`` reads as a table, a layer
#: option refuses as one.
TABLE_SUFFIXES = _EXCEL_SUFFIXES | _CSV_SUFFIXES | _WPS_SUFFIXES | {".xls", ".ods"}


# ---------------------------------------------------------------------------------------------
# Loading


@dataclass
class _Grid:
    """Cell values of one sheet (merged ranges filled), plus where merges were."""

    rows: list[list[object]]
    row_numbers: list[int]  # 1-based sheet row (or CSV start line) of each grid row
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r0,c0,r1,c1
    meta: dict[str, Any] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # uncached, 0-based r,c
    #: formula cells with a stored result that call a volatile function (「=TODAY()+30」),
    #: 0-based r,c: read by that result, which is the day the file was saved's
    volatile: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, r: int, c: int) -> object:
        row = self.rows[r]
        return row[c] if c < len(row) else None


def _decode(raw: bytes, source: str) -> tuple[str, str, str, dict[int, str]]:
    """Decode CSV bytes: UTF-16 by its BOM (Excel's 「Unicode 文本」), else UTF-8 (with or
    without BOM) first, then GB18030 line by line (:func:`_decode_lines`).

    Returns the text, the codec, the reason in Chinese, and the lines (1-based) decoded with
    the other codec than the file's: a table pasted together from a GBK and a UTF-8 file holds
    both, and one codec for the whole file would turn the other's Chinese into mojibake.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return (
                raw.decode("utf-16"),
                "utf-16",
                "带 UTF-16 字节顺序标记（BOM），按 UTF-16 解码成功",
                {},
            )
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: the tries below say what failed
    utf16 = utf16_without_bom(raw)
    if utf16 is not None:
        return _decode_utf16(raw, source, utf16)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = f"UTF-8 在第 {exc.start} 字节处解码失败"
    else:
        bom = "（带 BOM）" if raw.startswith(b"\xef\xbb\xbf") else ""
        return text, "utf-8-sig", f"按 UTF-8{bom}解码成功", {}
    return _decode_lines(raw, source, utf8_error)


_SAVE_AS_UTF8 = "在 Excel/WPS 中打开后另存为「CSV UTF-8（逗号分隔）」或 .xlsx，再重新读取"


def _decode_utf16(raw: bytes, source: str, codec: str) -> tuple[str, str, str, dict[int, str]]:
    """UTF-16 text without a byte-order mark (:func:`~landgov.core.textfile.utf16_without_bom`):
    decoded, since where its zero bytes stand tells LE from BE without doubt; refused with the
    fix when it does not decode (an odd number of bytes, a broken character)."""
    label = codec.upper().replace("-LE", "LE").replace("-BE", "BE")
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        issue = Issue(
            source,
            None,
            raw[max(exc.start - 8, 0) : exc.start + 8],
            f"文件是 UTF-16 编码但没有字节顺序标记（BOM），按 {label} 在第 {exc.start} 字节处"
            "解码失败（文件可能不完整）",
            _SAVE_AS_UTF8,
        )
        raise EncodingError([issue]) from exc
    reason = (
        f"没有字节顺序标记（BOM），但每个英文字符、数字和分隔符都带一个 0 字节（UTF-16 的特征），"
        f"按 {label} 解码成功"
    )
    return text, codec, reason, {}


def _decode_lines(raw: bytes, source: str, utf8_error: str) -> tuple[str, str, str, dict[int, str]]:
    """Each line as UTF-8 when it is valid UTF-8, else as GB18030 (0x0A is never part of a
    character in either); the codec of most lines with Chinese is the file's, and the others
    are returned by line number. A line neither decodes is an :class:`EncodingError` naming
    the line."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    pieces: list[str] = []
    by_codec: dict[str, list[int]] = {"utf-8": [], "gb18030": []}
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            piece = line.decode("utf-8")
            if not reads_as_chinese(piece):  # GBK bytes that happen to be valid UTF-8 (录 → ¼)
                raise UnicodeDecodeError("utf-8", line, 0, len(line), "not Chinese text")
            pieces.append(piece)
            codec = "utf-8"
        except UnicodeDecodeError:
            try:
                pieces.append(line.decode("gb18030"))
            except UnicodeDecodeError as exc:
                issue = Issue(
                    source,
                    f"第 {number} 行",
                    line[max(exc.start - 8, 0) : exc.start + 8],
                    f"{utf8_error}；第 {number} 行既不是 UTF-8 也不是 GB18030（GBK）文本",
                    "在 Excel/WPS 中另存为「CSV UTF-8」或 .xlsx 后重新读取",
                )
                raise EncodingError([issue]) from exc
            codec = "gb18030"
        if not line.isascii():
            by_codec[codec].append(number)
    main = "utf-8" if len(by_codec["utf-8"]) > len(by_codec["gb18030"]) else "gb18030"
    other = "gb18030" if main == "utf-8" else "utf-8"
    text = "\n".join(pieces)
    if not by_codec[other]:
        return text, "gb18030", f"{utf8_error}，按 GB18030（兼容 GBK/GB2312）解码成功", {}
    label = {"utf-8": "UTF-8", "gb18030": "GB18030（GBK）"}
    reason = (
        f"{utf8_error}；文件中混有两种编码：{len(by_codec[main])} 行含中文的行按 {label[main]}、"
        f"{len(by_codec[other])} 行按 {label[other]} 逐行解码"
    )
    return text, main, reason, dict.fromkeys(by_codec[other], label[other])


_OTHER = (";", "|")  # separators of Excel with a European list separator, of system exports


def _delimiter(text: str, suffix: str) -> str:
    """The field separator: tab when the first line shows it; else a semicolon or a bar when
    more of the first 20 lines (the header is among them) hold it than hold a comma (a cell's
    text may hold a few), the comma otherwise."""
    lines = [line for line in text.splitlines()[:50] if line.strip()][:20]
    first = lines[0] if lines else ""
    if suffix == ".tsv" or ("\t" in first and "," not in first):
        return "\t"

    def score(sep: str) -> tuple[int, int]:  # lines holding it, then the most in one line
        return sum(sep in line for line in lines), max(
            (line.count(sep) for line in lines), default=0
        )

    best = max(_OTHER, key=score)
    return best if score(best) > score(",") else ","


def _check_quotes(
    path: Path, rows: list[list[object]], numbers: list[int], delimiter: str, *, last_line: int
) -> None:
    """Refuse a CSV in which a quote (") that is never closed made the lines after it one cell.

    Such a cell holds, on two or more of its lines, as many separators as a whole record has:
    those lines are records swallowed (a real multi-line cell, typed with Alt+Enter, does not
    look like that), and reading on would drop them into one row without a word.
    """
    ends = [*(n - 1 for n in numbers[1:]), last_line]
    long = [i for i, (first, end) in enumerate(zip(numbers, ends, strict=True)) if end - first >= 2]
    widths = [len(r) for r in rows if len(r) > 1]
    if not long or not widths:  # no record over three lines or more: nothing swallowed
        return
    width = max(set(widths), key=widths.count)  # the usual number of columns
    for i in long:
        record, first, end = rows[i], numbers[i], ends[i]
        for cell in record:
            if not isinstance(cell, str) or "\n" not in cell:
                continue
            swallowed = sum(line.count(delimiter) >= width - 1 for line in cell.splitlines()[1:])
            if swallowed >= 2:
                raise DataFileError(
                    f'{path}：第 {first} 行有一个引号（"）没有闭合，第 {first}～{end} 行被读成了'
                    f"同一个单元格（{cell[:30]!r}…）。处理：用记事本打开该文件，删去第 {first} 行"
                    "多余的引号或补上闭合的引号后重新读取，或在 Excel/WPS 中另存为 .xlsx"
                )


_EXCEL_TEXT_FIELD = re.compile(r'^="((?:[^"]|"")*)"$')


def _excel_text_fields(record: list[str]) -> tuple[list[object], int]:
    """Fields a web system wrote as ``="91330100470102706G"`` so that Excel keeps the code as
    text (its leading zeros, all 18 characters): the text Excel shows, and how many there were."""
    out: list[object] = []
    n = 0
    for text in record:
        m = _EXCEL_TEXT_FIELD.match(text.strip())
        n += m is not None
        out.append(m.group(1).replace('""', '"') if m else text)
    return out, n


_SHEET_COLUMNS = 16_384  # columns A–XFD of an Excel/WPS sheet


def _within_a_sheet(path: Path, record: list[str], line: int, delimiter: str) -> None:
    """A record of more fields than a sheet has columns: its blank tail dropped in place (a row
    padded with separators), or refused, naming the line (no column letter exists beyond XFD)."""
    while len(record) > _SHEET_COLUMNS and not record[-1].strip():
        record.pop()
    if len(record) > _SHEET_COLUMNS:
        shown = "制表符" if delimiter == "\t" else f"「{delimiter}」"
        raise DataFileError(
            f"{path}：第 {line} 行按分隔符{shown}分成 {len(record):,} 列，超过表格最多的 "
            f"{_SHEET_COLUMNS:,} 列（XFD 列），不是一行表格数据（所见值：{record[0][:30]!r}…）。"
            f"处理：用记事本打开该文件查看第 {line} 行，删去或改正该行后重新读取，"
            "或在 Excel/WPS 中另存为 .xlsx"
        )


_DECIMAL_COMMA = re.compile(r"^-?\d+,\d{1,2}$")  # 「1201,44」「0,5」: a European decimal
_COMMA_NUMBER = re.compile(r"^-?\d+(?:,\d+)+$")  # any number with commas (「0,115」「1,200」)


def _refuse_decimal_commas(
    path: Path, rows: list[list[object]], numbers: list[int], delimiter: str
) -> None:
    """Refuse a CSV not separated by commas whose numbers use the comma as the decimal mark
    (Excel set to a European locale: 「;」 between cells, 「1201,44」 in them). Read as it
    is, 「0,115」 would be 115 (a thousands separator) and 「1201,44」 refused cell by cell;
    which one a 「0,115」 means is not the reader's to guess. Only when most of the cells
    holding a number with a comma have one or two digits after a single comma."""
    if delimiter == ",":
        return
    decimal: list[tuple[int, str]] = []
    commas = 0
    for number, row in zip(numbers, rows, strict=True):
        for cell in row:
            text = str(cell).strip()
            if _COMMA_NUMBER.match(text):
                commas += 1
                if _DECIMAL_COMMA.match(text):
                    decimal.append((number, text))
    if len(decimal) < 3 or 2 * len(decimal) < commas:
        return
    shown = "、".join(f"第 {n} 行「{t}」" for n, t in decimal[:3])
    sep = "制表符" if delimiter == "\t" else f"「{delimiter}」"
    raise DataFileError(
        f"{path.name}：文件以{sep}分隔，{len(decimal)} 个数值单元格用逗号作小数点（如 {shown}；"
        f"欧洲区域设置的 Excel 导出的 CSV），其中「0,115」一类的值无法确定是 0.115 还是 115，"
        "未读取该文件。处理：在 Excel/WPS 中打开后另存为 .xlsx，或把系统区域设置改为中文"
        "（小数点为「.」）后重新导出 CSV，再重新运行"
    )


def _load_csv(path: Path, rank: Callable[[_Grid], tuple[bool, int]] | None = None) -> _Grid:
    """A CSV file's grid, its encoding and why in ``meta``; with ``rank`` (how well a grid's
    header names the fields), a file GB18030 turns into mojibake is tried as Big5
    (:func:`_as_big5`)."""
    raw = path.read_bytes()
    text, encoding, reason, other_lines = _decode(raw, path.name)
    if not text.strip():
        what = EMPTY_FILE if not raw else BLANK_FILE
        raise DataFileError(f"{path}：{what}。处理：从原处重新导出或复制该表格后重新读取")
    grid = _csv_grid(path, text, other_lines)
    grid.meta |= {"encoding": encoding, "encoding_reason": reason}
    if encoding in ("utf-16-le", "utf-16-be"):
        grid.meta["encoding_note"] = (
            f"文件是 UTF-16 编码（{'UTF-16LE' if encoding.endswith('le') else 'UTF-16BE'}），"
            "但没有字节顺序标记（BOM），已按 UTF-16 读取"
        )
    if rank is not None and encoding == "gb18030" and not other_lines:
        return _as_big5(path, raw, text, grid, rank)
    return grid


def _csv_grid(path: Path, text: str, other_lines: dict[int, str]) -> _Grid:
    """The grid of a CSV file's decoded ``text`` (``other_lines``: lines decoded with the other
    codec, :func:`_decode`); the encoding is the caller's to record."""
    delimiter = _delimiter(text, path.suffix.lower())
    # A cell may be as long as the file: an unclosed quote makes the rest of the file one cell,
    # which _check_quotes then names by its line. The module's default limit (131,072
    # characters) ended such a file as an internal error. Only ever raised (other threads).
    if csv.field_size_limit() <= len(text):
        csv.field_size_limit(len(text) + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[object]] = []
    numbers: list[int] = []
    start = 1
    unwrapped = 0
    for record in reader:
        if len(record) > _SHEET_COLUMNS:
            _within_a_sheet(path, record, start, delimiter)
        if any('="' in f for f in record):
            cells, n = _excel_text_fields(record)
            unwrapped += n
            rows.append(cells)
        else:
            rows.append(list(record))
        numbers.append(start)
        start = reader.line_num + 1
    _check_quotes(path, rows, numbers, delimiter, last_line=reader.line_num)
    _refuse_decimal_commas(path, rows, numbers, delimiter)
    meta: dict[str, Any] = {"format": "csv", "delimiter": delimiter}
    if unwrapped:
        meta["csv_text_fields"] = unwrapped
    if other_lines:  # {record's first line: codec} for the rows to say it on
        ends = [*(n - 1 for n in numbers[1:]), reader.line_num]
        meta["encoding_rows"] = {
            first: next(other_lines[n] for n in range(first, end + 1) if n in other_lines)
            for first, end in zip(numbers, ends, strict=True)
            if any(n in other_lines for n in range(first, end + 1))
        }
    return _Grid(rows, numbers, meta=meta)


#: Unicode's private use area: what GB18030 makes of bytes in GBK's user-defined ranges, where
#: most of Big5's characters lie (「統一」 as GB18030: 「参\ue5e6」).
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_BIG5 = "Big5（繁体中文）"


def _as_big5(
    path: Path, raw: bytes, text: str, grid: _Grid, rank: Callable[[_Grid], tuple[bool, int]]
) -> _Grid:
    """A CSV file decoded as GB18030 (``text``) that holds private-use characters or whose
    header names no field, read as Big5 (Windows code page 950) when that decodes it without either
    and its header names more fields: the grid then says so (``meta["encoding_warning"]``: the
    text is Traditional Chinese). Else the GB18030 grid, with ``meta["encoding_suspect"]`` when
    its header names no field and it holds private-use characters (the error then names the
    likely encoding and the fix), or a warning when it names fields (an ASCII header reads
    alike in both: a GBK table whose 生僻字 were made in the private-use area is not switched
    to Big5, which would garble every other name)."""
    odd = _PRIVATE_USE.search(text) is not None
    score = rank(grid)[1]
    if score and not odd:
        return grid
    try:
        big5_text = raw.decode("cp950")
        big5 = None if _PRIVATE_USE.search(big5_text) else _csv_grid(path, big5_text, {})
    except (UnicodeDecodeError, DataFileError):
        big5 = None
    big5_score = rank(big5) if big5 is not None else (False, 0)
    if big5 is not None and big5_score[1] > score:
        big5.meta |= {
            "encoding": "cp950",
            "encoding_reason": (
                f"按 GB18030 解码出现乱码（私用区字符），按 {_BIG5}解码后表头可以识别"
            ),
            "encoding_warning": (
                f"文件不是 UTF-8 或 GBK 编码，已按 {_BIG5}读取（按 GBK 读取是乱码）；"
                "读出的文字为繁体字，企业名称等与其他表中的简体写法可能对不上"
            ),
        }
        return big5
    if not score and odd:
        grid.meta["encoding_suspect"] = _BIG5 if big5 is not None else "其他编码"
    elif odd:  # a header both read alike (ASCII names): kept as GBK, the odd characters said
        grid.meta["encoding_warning"] = (
            "按 GB18030（GBK）读取，文字中有私用区字符（可能是自造的生僻字，也可能文件其实是"
            f"{_BIG5 if big5 is not None else '其他编码'}）：核对企业名称等文字是否正确"
        )
    return grid


_OLE2 = b"\xd0\xcf\x11\xe0"  # the first bytes of every Excel 97–2003 workbook
# What a file that is not a real .xlsx usually is, told by its first bytes.
_NOT_XLSX = (
    (b"\xd0\xcf\x11\xe0", "旧版 .xls 或加密的工作簿（扩展名却是 .xlsx）"),
    (b"<", "网页/XML 文本（常见于系统导出的“伪 Excel”）"),
    (b"%PDF", "PDF 文件"),
)
_XLSX_FIX = (
    "在 Excel/WPS 中打开后另存为 .xlsx（不加密码）再读取；打不开说明文件已损坏，请向来源索取"
)
# Anything openpyxl, zipfile or the XML parser raise on a damaged workbook.
_WORKBOOK_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    SyntaxError,  # xml.etree ParseError and lxml XMLSyntaxError
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    EOFError,
)


_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream of a password-protected .xlsx


def _encrypted_error(path: Path) -> DataFileError:
    return DataFileError(
        f"{path}：工作簿设有打开密码（已加密），程序无法读取。处理：在 Excel/WPS 中输入密码打开，"
        "在「文件—信息—保护工作簿」（WPS：「文件—文档加密」）中清除打开密码后另存为 .xlsx，再读取"
    )


def _is_encrypted(head: bytes) -> bool:
    """A compound file holding ``EncryptedPackage``: Office's password-protected workbook."""
    return head.startswith(_OLE2) and _ENCRYPTED in head


def _zip_names(path: Path) -> list[str] | None:
    """The members of a zip archive; ``None`` when it is none (or cannot be listed)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


#: Bytes below which a file named as an office lock file is one (Excel's and WPS's hold 165,
#: a user name in a fixed record; LibreOffice's a line of text; any workbook is bigger).
_LOCK_FILE_BYTES = 4096


def lock_file_error(path: Path) -> DataFileError | None:
    """The error for an office program's lock file (``~$企业表.xlsx``) given as a table, which
    Excel or WPS leaves beside a workbook while it is open; ``None`` for any other file.

    Its name sorts it next to the workbook, and it looks like one in a file dialog: read as a
    table it would be refused as damaged, or (a ``~$…csv``) read as a table of its bytes.
    """
    target = office_lock_target(path.name)
    if target is None or not path.is_file() or path.stat().st_size >= _LOCK_FILE_BYTES:
        return None
    real = path.with_name(target)
    named = f"「{real}」" if real.exists() else f"同一文件夹中名为「{target}」或与之相近的原文件"
    made = (
        "Excel/WPS 打开表格时生成的临时锁文件（文件名以「~$」开头"
        if path.name.startswith("~$")
        else "LibreOffice 打开表格时生成的临时锁文件（文件名为「.~lock.原文件名#」"
    )
    return DataFileError(
        f"{path}：这是 {made}，只记录打开者），不是表格本身。"
        f"处理：改为指定{named}；程序已关闭时这个锁文件可以删除"
    )


def not_a_workbook(path: Path) -> DataFileError:
    """The error for a file that cannot be opened as an .xlsx workbook, saying what it is.

    Told by its content, not by the library's exception (whose English name means nothing to
    a clerk): empty, a folder, a password-protected workbook (Office encrypts an .xlsx into
    a compound document holding ``EncryptedPackage``), an .xls, a web page or PDF under .xlsx,
    a zip archive that holds no workbook, or a damaged workbook.
    """
    fix = _XLSX_FIX
    if (lock := lock_file_error(path)) is not None:
        return lock
    if path.is_file() and path.stat().st_size:
        with path.open("rb") as fh:
            if _is_encrypted(fh.read(1 << 20)):
                return _encrypted_error(path)
    if path.is_dir():
        what, fix = "这是一个文件夹，不是 Excel 工作簿", "指定其中的 .xlsx 文件本身"
    elif not path.stat().st_size:
        what = EMPTY_FILE
    else:
        with path.open("rb") as fh:
            head = fh.read(1 << 20)
        names = _zip_names(path) if head.startswith(b"PK") else None
        kind = next((k for magic, k in _NOT_XLSX if head.lstrip().startswith(magic)), None)
        if kind is not None:
            what = f"不是有效的 .xlsx（内容是{kind}）"
        elif names is not None and "[Content_Types].xml" not in names:
            shown = first_few(names, 5, counted="个")
            what = f"这是 zip 压缩包，不是 Excel 工作簿（其中的文件：{shown or '无'}）"
            fix = "先解压，再指定其中的 .xlsx 文件；或在 Excel/WPS 中另存为 .xlsx 后读取"
        elif names is None and b"\x00" not in head[:4096]:
            what = "不是有效的 .xlsx（内容是纯文本，可能是扩展名被改成 .xlsx 的 CSV 表格）"
            fix = "把扩展名改回 .csv 后读取，或在 Excel/WPS 中打开后另存为 .xlsx"
        elif names is None:
            what = "不是有效的 .xlsx（不是 zip 压缩包）"
        else:
            what = "工作簿已损坏，无法读取（内部结构有误）"
    return DataFileError(f"{path}：{what}。处理：{fix}")


def _open_workbook(path: Path) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Our own handle, so that a workbook openpyxl cannot parse is still closed; a copy
        # without the empty parts when the sheets hold many (landgov.core.xlsxguard).
        with open_xlsx(path) as handle:
            try:
                wb = load_workbook(handle, data_only=True)
            except _WORKBOOK_ERRORS as exc:
                raise not_a_workbook(path) from exc
    return wb, [str(w.message) for w in caught]


#: how a number cell is shown other than as stored: as a percentage, or scaled (元 as 万)
_Shown = Literal["percent"] | Scaled


def _shown_as(code: str) -> _Shown | None:
    """How a number format shows a number other than as stored (``None``: as stored)."""
    return "percent" if _is_percent_format(code) else scaled_format(code)


def _percent_cells(ws: Any) -> list[tuple[int, int]]:
    """(row, column), 1-based, of the number cells shown as a percentage (format ``0.0%``).

    Excel stores 3.5 % typed in such a cell as 0.035; read as a number it would be 0.035 %.
    """
    return [(r, c) for r, c, shown in _shown_cells(ws) if shown == "percent"]


def _shown_cells(ws: Any) -> list[tuple[int, int, _Shown]]:
    """(row, column), 1-based, and how, of the number cells shown other than as stored: as a
    percentage (``0.0%``), or scaled (``0!.0,``: 125000 shown as 12.5, :mod:`._numformat`).

    Cells are found by their style's number format, checked once per format (a sheet has a few),
    through openpyxl's cell store; :func:`_shown_cells_slow` is the same by the public API.
    """
    wb = ws.parent
    try:
        cells = ws._cells.items()
        formats = {i: f for i, f in enumerate(wb._number_formats, start=164)}
    except AttributeError:  # another openpyxl: the public, slower way
        return _shown_cells_slow(ws)
    seen: dict[int, _Shown | None] = {}
    found = []
    for (r, c), cell in cells:
        if cell.data_type != "n" or cell._value is None:
            continue
        fmt_id = cell._style.numFmtId
        if fmt_id not in seen:
            seen[fmt_id] = _shown_as(BUILTIN_FORMATS.get(fmt_id) or formats.get(fmt_id) or "")
        if (shown := seen[fmt_id]) is not None:
            found.append((r, c, shown))
    return found


def _percent_cells_slow(ws: Any) -> list[tuple[int, int]]:
    return [(r, c) for r, c, shown in _shown_cells_slow(ws) if shown == "percent"]


def _shown_cells_slow(ws: Any) -> list[tuple[int, int, _Shown]]:
    return [
        (cell.row, cell.column, shown)
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "n"
        and cell.value is not None
        and (shown := _shown_as(cell.number_format)) is not None
    ]


def _is_percent_format(code: str) -> bool:
    """Whether an Excel number format scales by 100: a ``%`` outside quotes and escapes.

    >>> _is_percent_format("0.0%"), _is_percent_format('0"%"'), _is_percent_format("0.00")
    (True, False, False)
    """
    return "%" in re.sub(r'"[^"]*"|\\.', "", code)


def _percent_text(value: float) -> str:
    """A percent cell's number as the text the user saw: 0.035 → 「3.5%」."""
    return f"{value * 100:.12g}%"


def _sheet_grid(ws: Any) -> _Grid:
    rows = [
        [ooxml_text(v) if type(v) is str and "_x" in v else v for v in r]
        for r in ws.iter_rows(values_only=True)
    ]
    scaled: dict[tuple[int, int], tuple[float, str]] = {}
    for r, c, shown in _shown_cells(ws):
        value = rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else None
        if type(value) not in (int, float) or not math.isfinite(value):
            continue
        if shown == "percent":
            rows[r - 1][c - 1] = _percent_text(value)  # read as a percentage, by its unit
        else:  # 元 shown as 万: read as the officer sees it, said by the table reader
            rows[r - 1][c - 1] = text = shown_text(value, shown)
            scaled[r - 1, c - 1] = (value, text)
    merges = [
        (rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1)
        for rng in ws.merged_cells.ranges
    ]
    _fill_merges(rows, merges)
    meta = {"format": "xlsx", "sheet": ws.title, **_hidden_parts(ws, len(rows))}
    if scaled:
        meta["scaled_cells"] = scaled
    return _Grid(rows, list(range(1, len(rows) + 1)), merges, meta)


def _fill_merges(rows: list[list[object]], merges: list[tuple[int, int, int, int]]) -> None:
    """Fill each merged range (0-based ``r0, c0, r1, c1``, inclusive) with its first cell's
    value, as Excel shows it, in place; rows are widened to hold it."""
    for r0, c0, r1, c1 in merges:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else None
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            rows[r].extend([None] * (c1 + 1 - len(rows[r])))
            for c in range(c0, c1 + 1):
                rows[r][c] = value


def _hidden_parts(ws: Any, height: int) -> dict[str, list[int]]:
    """0-based grid rows and columns hidden in Excel/WPS (hidden by hand or by a filter)."""
    rows = sorted(r - 1 for r, dim in ws.row_dimensions.items() if dim.hidden and r <= height)
    columns: set[int] = set()
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min is not None:
            columns.update(range(dim.min - 1, (dim.max or dim.min)))
    return {"hidden_rows": rows, "hidden_columns": sorted(columns)}


@dataclass(frozen=True)
class _SheetChoice:
    """The sheet read and why (recorded in ``meta`` and, with several sheets, the problems)."""

    title: str
    reason: str
    scores: dict[str, int]


def _pick_sheet(
    wb: Any,
    sheet: str | int | None,
    rank: Callable[[_Grid], tuple[bool, int]],
    *,
    source: str,
    role: str | None,
    grid_of: Callable[[Any], _Grid] = _sheet_grid,
) -> _SheetChoice:
    """The sheet to read, by the rule of :mod:`landgov.io.sheets`; refuses more than one sheet
    whose header has every required field (however many other fields each names). ``grid_of``
    reads one sheet (an .xls sheet: :func:`_xls_grid`)."""
    names = list(wb.sheetnames)
    tables = [ws.title for ws in wb.worksheets]  # chart sheets (Excel's F11) hold no cells
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise DataFileError(f"工作表序号 {sheet} 超出范围；文件中的工作表：{'、'.join(names)}")
        sheet = names[sheet]
    if sheet is not None:
        if sheet not in names:
            raise DataFileError(f"工作表「{sheet}」不存在；文件中的工作表：{'、'.join(names)}")
        if sheet not in tables:
            raise DataFileError(
                f"{source}：工作表「{sheet}」是图表，没有表格数据。处理：改为指定有表格的工作表"
                f"（{'、'.join(tables) or '无'}）"
            )
        return _SheetChoice(sheet, "参数 sheet", {})
    if not tables:
        raise DataFileError(
            f"{source}：工作簿中只有图表（{'、'.join(names)}），没有表格数据。"
            "处理：给含数据表格的工作簿，或在 Excel/WPS 中把数据另存为 .xlsx 后读取"
        )
    visible = [n for n in tables if wb[n].sheet_state == "visible"] or tables[:1]
    if len(visible) == 1:
        return _SheetChoice(visible[0], "唯一的可见工作表", {})
    ranks = {n: rank(grid_of(wb[n])) for n in visible}
    best = max(ranks.values())
    tied = [n for n, v in ranks.items() if v == best]
    # two sheets with every required field (「2024年」「2023年」): one more optional column
    # named says nothing of which year is meant — do not guess, ask for --sheet. A sheet that
    # names under half the fields the best one does is no such rival: a 填写说明 sheet listing
    # the field names (1 field of 25) beside the data sheet of a filled template
    complete = {n: v[1] for n, v in ranks.items() if v[0]}
    rivals = {n: k for n, k in complete.items() if 2 * k >= best[1]}
    if len(rivals) > 1:
        raise tied_sheets_error(source, rivals, role=role)
    scores = {n: v[1] for n, v in ranks.items()}
    return _SheetChoice(tied[0], "表头含全部必填字段且对应已知字段最多的工作表", scores)


def has_formulas(path: Path) -> bool:
    """Whether any worksheet of the .xlsx holds a formula (cheap: streams the XML parts)."""
    return xlsxguard.has_formulas(path)


def _formula_cells(
    path: Path, title: str, grid: _Grid
) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]:
    """Formula cells that have no stored result, and those whose stored result is read but
    calls a volatile function (:func:`landgov.core.editable.volatile_functions`), each by
    0-based grid position (grid row ``r`` is sheet row ``r + 1``), from the sheet's formula
    cells as :func:`landgov.core.editable.formula_cells` finds them for returned workbooks.

    A program that writes formulas without computing them (openpyxl, many exporters) leaves the
    cached value out; reading with ``data_only`` then gives an empty cell. Such cells are
    missing values to report, never 0 and never the formula text. A cell of 「=TODAY()+30」
    saved by Excel holds the result of the day it was saved: read, and said by the reader.
    """
    from landgov.core.editable import formula_cells, volatile_functions

    uncached: dict[tuple[int, int], str] = {}
    volatile: dict[tuple[int, int], str] = {}
    for (row, col), formula in formula_cells(path, title).items():
        at = (row - 1, col - 1)
        if at[0] >= len(grid.rows):
            continue
        if grid.cell(*at) is None:
            uncached[at] = formula
        elif volatile_functions(formula):
            volatile[at] = formula
    return uncached, volatile


def _load_xlsx(
    path: Path, sheet: str | int | None, rank: Callable[[_Grid], tuple[bool, int]], role: str | None
) -> _Grid:
    wb, caught = _open_workbook(path)
    try:
        choice = _pick_sheet(wb, sheet, rank, source=path.name, role=role)
        grid = _sheet_grid(wb[choice.title])
        grid.meta["hidden_sheets"] = [n for n in wb.sheetnames if wb[n].sheet_state != "visible"]
    finally:
        wb.close()
    grid.formulas, grid.volatile = _formula_cells(path, choice.title, grid)
    grid.meta["sheets"] = list(wb.sheetnames)
    grid.meta["sheet_chosen_by"] = choice.reason
    grid.meta["sheet_scores"] = choice.scores
    grid.meta["openpyxl_warnings"] = caught
    return grid


def _not_a_real_xls(path: Path, head: bytes) -> _Grid:
    """A .xls that is no Excel 97–2003 workbook, as systems export them: a web page, MHT or
    XML spreadsheet is refused with the fix; plain text (tab- or comma-separated) is read as
    CSV, and said."""
    bare = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00\r\n\t ")
    if not head:
        what = EMPTY_FILE
    elif bare.startswith(b"<") or bare[:12].lower() == b"mime-version":
        what = "不是真正的 .xls 工作簿（内容是网页/XML 文本，常见于系统导出的“伪 Excel”）"
    elif b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        what = "不是有效的 .xls 工作簿（文件头不是 Excel 97–2003 格式）"
    else:
        grid = _load_csv(path)
        grid.meta["format_note"] = (
            "扩展名为 .xls，内容是文本表格（制表符或逗号分隔），已按 CSV 读取"
        )
        return grid
    raise DataFileError(f"{path}：{what}。处理：{_XLSX_FIX}")


class _XlsSheet:
    """One sheet of an Excel 97–2003 workbook (xlrd), as :func:`_pick_sheet` asks a sheet."""

    def __init__(self, book: Any, sheet: Any) -> None:
        self.book, self.sheet, self.title = book, sheet, sheet.name
        self.sheet_state = "visible" if sheet.visibility == 0 else "hidden"


class _XlsBook:
    """An Excel 97–2003 workbook (xlrd, with its formatting: merges, hidden rows, number
    formats), as :func:`_pick_sheet` asks a workbook: its sheet names, its sheets by name."""

    def __init__(self, book: Any) -> None:
        self.worksheets = [_XlsSheet(book, sh) for sh in book.sheets()]
        self.sheetnames = [ws.title for ws in self.worksheets]

    def __getitem__(self, name: str) -> _XlsSheet:
        return self.worksheets[self.sheetnames.index(name)]


def _xls_value(book: Any, sheet: Any, r: int, c: int) -> object:
    """A cell as openpyxl gives the same cell of an .xlsx: text, a number (:func:`_xls_number`),
    a bool, a datetime for a date-formatted number, 「#DIV/0!」 for an error; ``None`` when
    empty."""
    import xlrd

    cell = sheet.cell(r, c)
    kind, value = cell.ctype, cell.value
    if kind == xlrd.XL_CELL_TEXT:
        return value
    if kind == xlrd.XL_CELL_NUMBER:
        return _xls_number(book, sheet.cell_xf_index(r, c), float(value))
    if kind == xlrd.XL_CELL_DATE:
        return _xls_date(value, book.datemode)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#N/A")
    return None  # empty or blank


def _xls_date(serial: float, datemode: int) -> object:
    """A date-formatted number of an .xls as a datetime; the number itself when it is no date
    (the readers then name it)."""
    import xlrd

    try:
        return xlrd.xldate.xldate_as_datetime(serial, datemode)
    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
        return serial


def _xls_number(book: Any, xf_index: int, number: float) -> object:
    """A number cell of an .xls: a percentage as the text the user saw (「3.5%」,
    :func:`_percent_text`), an int for a whole number (as openpyxl reads ``1``), else the
    float."""
    shown = book.format_map.get(book.xf_list[xf_index].format_key)
    if shown is not None and math.isfinite(number) and _is_percent_format(shown.format_str):
        return _percent_text(number)  # read as a percentage, by its unit
    if number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number


def _xls_grid(ws: _XlsSheet) -> _Grid:
    """The cells of one .xls sheet as :func:`_sheet_grid` gives an .xlsx sheet's: merged
    ranges filled with their first cell, hidden rows and columns noted."""
    book, sheet = ws.book, ws.sheet
    rows = [[_xls_value(book, sheet, r, c) for c in range(sheet.ncols)] for r in range(sheet.nrows)]
    # xlrd's ranges are half-open (rlo, rhi, clo, chi)
    merges = [(r0, c0, r_end - 1, c_end - 1) for r0, r_end, c0, c_end in sheet.merged_cells]
    _fill_merges(rows, merges)
    hidden_rows = sorted(
        r for r, info in sheet.rowinfo_map.items() if info.hidden and r < len(rows)
    )
    hidden_columns = sorted(c for c, info in sheet.colinfo_map.items() if info.hidden)
    meta = {
        "format": "xls",
        "sheet": ws.title,
        "hidden_rows": hidden_rows,
        "hidden_columns": hidden_columns,
    }
    return _Grid(rows, list(range(1, len(rows) + 1)), merges, meta)


def _open_xls(path: Path) -> Any:
    """The xlrd workbook of an Excel 97–2003 file, with its formatting, or a clean error."""
    try:
        import xlrd
    except ImportError as exc:
        raise DataFileError(
            f"{path.name}：读取旧版 .xls 需要安装 xlrd。处理：在 Excel/WPS 中另存为 .xlsx，"
            "或 pip install xlrd 后重新读取"
        ) from exc
    try:
        return xlrd.open_workbook(str(path), formatting_info=True, on_demand=False)
    except MemoryError:
        raise
    except Exception as exc:  # xlrd's own errors (XLRDError, CompDocError) derive from Exception
        raise DataFileError(
            f"{path.name}：旧版 .xls 工作簿无法读取（{type(exc).__name__}：{str(exc)[:120]}），"
            f"可能已损坏或设有打开密码。处理：{_XLSX_FIX}"
        ) from exc


def _load_xls(
    path: Path, sheet: str | int | None, rank: Callable[[_Grid], tuple[bool, int]], role: str | None
) -> _Grid:
    """An Excel 97–2003 workbook read as an .xlsx is (:func:`_load_xlsx`): the sheet picked by
    the same rule, merged ranges filled, hidden rows and columns and percentages read the
    same way. Counties still keep many tables as .xls."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    if not head.startswith(_OLE2):
        return _not_a_real_xls(path, head[:4096])
    if _is_encrypted(head):  # not an .xls at all: xlrd (installed or not) cannot help
        raise _encrypted_error(path)
    book = _open_xls(path)
    try:
        wb = _XlsBook(book)
        choice = _pick_sheet(wb, sheet, rank, source=path.name, role=role, grid_of=_xls_grid)
        grid = _xls_grid(wb[choice.title])
    finally:
        book.release_resources()
    grid.meta["hidden_sheets"] = [ws.title for ws in wb.worksheets if ws.sheet_state != "visible"]
    grid.meta["sheets"] = list(wb.sheetnames)
    grid.meta["sheet_chosen_by"] = choice.reason
    grid.meta["sheet_scores"] = choice.scores
    return grid


def _is_ole2_workbook(path: Path) -> bool:
    """An Excel 97–2003 compound file that is no password-protected workbook (Office keeps
    those in a compound file too: :func:`_is_encrypted`)."""
    with path.open("rb") as fh:
        if fh.read(len(_OLE2)) != _OLE2:  # most files: four bytes read
            return False
        head = _OLE2 + fh.read(1 << 20)
    return not _is_encrypted(head)


def _is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def _load(
    path: Path, sheet: str | int | None, rank: Callable[[_Grid], tuple[bool, int]], role: str | None
) -> _Grid:
    if path.is_dir():
        raise DataFileError(
            f"{path}：这是一个文件夹，这里需要一个表格文件。处理：指定其中的 .xlsx 或 .csv 文件本身"
        )
    if not path.is_file():
        raise missing_file(path)
    if (lock := lock_file_error(path)) is not None:
        raise lock
    suffix = path.suffix.lower()
    sheet = sheet if sheet is not None else sheet_for(role)
    if suffix in _EXCEL_SUFFIXES and _is_ole2_workbook(path):  # an .xls renamed .xlsx
        grid = _load_xls(path, sheet, rank, role)
        grid.meta["format_note"] = f"扩展名为 {suffix}，内容是旧版 .xls 工作簿，已按 .xls 读取"
        return grid
    if suffix in _EXCEL_SUFFIXES or _is_zip(path):  # a workbook renamed .xls/.csv is one still
        grid = _load_xlsx(path, sheet, rank, role)
        if suffix not in _EXCEL_SUFFIXES:
            grid.meta["format_note"] = f"扩展名为 {suffix}，内容是 .xlsx 工作簿，已按 .xlsx 读取"
        return grid
    if suffix == ".xls":
        return _load_xls(path, sheet, rank, role)
    if suffix in _CSV_SUFFIXES:
        return _load_csv(path, rank)
    if suffix in _WPS_SUFFIXES:
        raise DataFileError(
            f"{path.name}：这是 WPS 表格自有格式（{suffix}），程序无法直接读取。"
            "处理：在 WPS 中「另存为」Excel 工作簿（.xlsx）后重新读取"
        )
    raise DataFileError(
        f"{path.name}：不支持的表格格式「{suffix}」。处理：另存为 .xlsx 或 .csv 后重新读取"
    )
