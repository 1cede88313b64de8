"""Text that never becomes a spreadsheet formula, and that a spreadsheet can hold.

Every workbook and CSV file landgov writes passes its text through this module, so a name typed
as ``=HYPERLINK("http://x","点我")`` in a source table reaches Excel and WPS exactly as typed and
never runs (OWASP "CSV injection"). Three rules, each kept once here:

1. **No formula from data.** Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
   carriage return (:data:`FORMULA_PREFIXES`), or that spells an Excel error value such as
   ``#N/A``, is *formula-like* (:func:`is_formula_like`). An .xlsx writer stores every text as a
   string cell and marks formula-like text with the cell style's ``quotePrefix`` (what Excel sets
   when a user types a leading ``'``), so editing the cell keeps it text. A CSV file has no cell
   types: there :func:`csv_field` puts a single quote in front of formula-like text (the OWASP
   rule), which spreadsheet programs show and which a reader must strip to get the value back.
2. **Characters an .xlsx file cannot hold are replaced visibly.** XML 1.0 forbids the C0 control
   characters other than tab, line feed and carriage return (openpyxl raises
   ``IllegalCharacterError`` on ``\\x01``), lone surrogates and U+FFFE/U+FFFF. A C0 control
   becomes its Unicode control picture (``\\x01`` → ``␁``), the others become ``�`` (U+FFFD).
3. **Text longer than a cell holds is cut with a visible mark.** An Excel cell holds at most
   :data:`EXCEL_CELL_LIMIT` UTF-16 code units (a CJK Extension B character such as 𠮷 counts
   two). Longer text keeps its beginning and ends with :func:`cut_mark`
   (「…（已截断：原文 N 字…）」).

:func:`cell_text` applies rules 2 and 3 and says what it changed, so writers can report each
changed cell as a problem row; :func:`force_text` applies rule 1 to an openpyxl cell.

Reading a workbook, :func:`ooxml_text` undoes the file's own form of rule 2: an .xlsx stores a
control character as ``_x000D_``, which openpyxl hands on as text. Every reader of a user's
.xlsx (the table readers, the returned editable workbooks) decodes text cells through it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np

__all__ = [
    "EXCEL_CELL_LIMIT",
    "EXCEL_ERROR_VALUES",
    "FORMULA_PREFIXES",
    "CellText",
    "cell_text",
    "csv_field",
    "cut_mark",
    "excel_error",
    "force_text",
    "formula_like_each",
    "is_formula_like",
    "ooxml_text",
    "xml_text",
]

#: Characters an Excel cell holds at most (UTF-16 code units).
EXCEL_CELL_LIMIT = 32_767

#: First characters that make Excel, WPS or LibreOffice read a typed text as a formula [OWASP].
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Texts Excel turns into error values when typed into a cell (and what a file gives for an
#: error cell: openpyxl and the sheet readers give the error's text).
EXCEL_ERROR_VALUES = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
    }
)

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REPLACEMENT = "\ufffd"


def _replacement(char: str) -> str:
    code = ord(char)
    return chr(0x2400 + code) if code < 0x20 else _REPLACEMENT  # ␀…␟: Control Pictures


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold (control characters but tab, line feed
    and carriage return; lone surrogates; U+FFFE, U+FFFF) shown as Excel cells show them
    (:func:`cell_text`): ␇ for U+0007, � for the rest. Every writer of an XML document (the
    .docx 初审表, 系统预审 and meeting packet, as the .xlsx cells) stores text through it: an
    enterprise name with a bell character from a county's system is written, never a crash.

    >>> xml_text("绍兴\\x07测试\\x00公司\\uffff")
    '绍兴␇测试␀公司�'
    """
    if _ILLEGAL.search(text) is None:
        return text
    return _ILLEGAL.sub(lambda m: _replacement(m.group()), text)


#: OOXML's escape of a character XML cannot hold (ECMA-376 Part 1, 22.4.2.4, ST_Xstring): a
#: control character as ``_x0007_``, the 「_」 of a literal 「_x」 as ``_x005F_``. Only these
#: are decoded: openpyxl has already turned a shared string's ``_x005F_x4E2D_`` (「_x4E2D_」
#: typed) into ``_x4E2D_``, which must stay text, never become 「中」. (A typed 「_x0007_」 comes
#: the same way and is read as the control character: shown as 「␇」 and reported where a
#: workbook is written, never silently.)
_OOXML_ESCAPE = re.compile(r"_x(00[01][0-9A-Fa-f]|005[Ff])_")


def ooxml_text(value: object) -> object:
    """A text cell with OOXML's escapes decoded (``"绍兴_x0007_响铃"`` → ``"绍兴\\x07响铃"``,
    a carriage return Excel stored as ``_x000D_`` → ``"\\r"``); any other value as it is.

    openpyxl keeps the escapes: the name would be shown, written back and put in a file name
    as 「_x0007_」. Decoded, the control character is what the rules above replace visibly and
    report where a workbook is written. A caller reading many cells asks only of text holding
    「_x」 (``type(v) is str and "_x" in v``), the rest is returned as it is anyway.

    >>> ooxml_text("甲_x0007_乙"), ooxml_text("_x005F_x0007_"), ooxml_text("_x4E2D_")
    ('甲\\x07乙', '_x0007_', '_x4E2D_')
    >>> ooxml_text("第一行_x000D_\\n第二行"), ooxml_text(3)
    ('第一行\\r\\n第二行', 3)
    """
    if type(value) is not str or "_x" not in value:
        return value
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def excel_error(value: object) -> str | None:
    """The Excel error value a cell holds (「#N/A」 of a VLOOKUP that found nothing, 「#REF!」 of
    a deleted column …: :data:`EXCEL_ERROR_VALUES`), or ``None``.

    Read from the file, an error cell is the text of its error: it is no answer, no number, no
    date and no key, whatever column it is in. A text typed as 「#N/A」 is one too (Excel, WPS
    and LibreOffice turn it into the error value when it is typed). The one rule for every
    reader (the input tables through ``landgov.io`` and the returned workbooks of
    :mod:`landgov.core.editable`).

    >>> excel_error("#N/A"), excel_error(" #ref! "), excel_error("张三"), excel_error(None)
    ('#N/A', '#REF!', None, None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip().upper()
    return text if text in EXCEL_ERROR_VALUES else None


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would evaluate ``text`` if it were typed into a cell.

    >>> is_formula_like('=HYPERLINK("http://x","点我")'), is_formula_like("-1+2")
    (True, True)
    >>> is_formula_like("#N/A"), is_formula_like("杭州某某有限公司")
    (True, False)
    """
    return text.startswith(FORMULA_PREFIXES) or text in EXCEL_ERROR_VALUES


def formula_like_each(texts: Sequence[str]) -> np.ndarray:
    """:func:`is_formula_like` of each of ``texts`` as a boolean array, without a Python call
    per text.

    >>> formula_like_each(["=1", "甲", "#N/A"]).tolist()
    [True, False, True]
    """
    n = len(texts)
    prefixed = np.fromiter(map(str.startswith, texts, repeat(FORMULA_PREFIXES)), bool, n)
    return prefixed | np.fromiter(map(EXCEL_ERROR_VALUES.__contains__, texts), bool, n)


def csv_field(value: object) -> object:
    """``value`` as a CSV field: formula-like text gets a leading ``'`` (OWASP), rest unchanged.

    Numbers stay numbers (``-1.5`` is not text); only ``str`` values are looked at.

    >>> csv_field("=1+2"), csv_field("@SUM(A1)"), csv_field(-1.5), csv_field("甲公司")
    ("'=1+2", "'@SUM(A1)", -1.5, '甲公司')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cut_mark(length: int) -> str:
    """The visible end of a cut text; ``length`` is the original length in characters."""
    return f"…（已截断：原文 {length} 字，超出 Excel 单元格上限；全文见 GeoPackage 或源文件）"


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf16_prefix(text: str, units: int) -> str:
    """The longest start of ``text`` that takes at most ``units`` UTF-16 code units."""
    head = text[:units]
    while (extra := _utf16_length(head) - units) > 0:  # each astral character costs one more
        head = head[: len(head) - max(1, extra // 2)]
    return head


@dataclass(frozen=True)
class CellText:
    """A text as an Excel cell can hold it, and what had to change.

    Attributes
    ----------
    text
        The text to write (equal to the input when nothing changed).
    cut_from
        When the text was cut to :data:`EXCEL_CELL_LIMIT` with :func:`cut_mark` at its end:
        the length of the input in UTF-16 code units (as Excel counts); else ``None``.
    replaced
        Code points replaced because XML cannot hold them (e.g. ``{"U+0001": 2}``).
    """

    text: str
    cut_from: int | None = None
    replaced: dict[str, int] = field(default_factory=dict)

    @property
    def cut(self) -> bool:
        """Whether the text was cut."""
        return self.cut_from is not None

    @property
    def changed(self) -> bool:
        """Whether the cell shows something other than the input."""
        return self.cut or bool(self.replaced)

    @property
    def problem(self) -> str:
        """What changed, in the words of a problem row (empty when nothing changed)."""
        parts = []
        if self.replaced:
            codes = "、".join(self.replaced)
            n = sum(self.replaced.values())
            parts.append(
                f"文本含 Excel 文件不允许的控制字符 {codes}（共 {n} 个），"
                "已替换为可见符号（如 ␁ 或 �）"
            )
        if self.cut:
            parts.append(
                f"文本长 {self.cut_from} 字，超出 Excel 单元格上限 {EXCEL_CELL_LIMIT} 字，"
                "已截断，末尾标注「…（已截断…）」"
            )
        return "；".join(parts)


def cell_text(text: str) -> CellText:
    """``text`` made storable in one Excel cell: illegal characters replaced, length cut.

    Formula-like text is left as it is: the writer stores it as a string cell
    (see the module docstring).

    >>> cell_text("甲\\x01公司").text, cell_text("甲\\x01公司").replaced
    ('甲␁公司', {'U+0001': 1})
    >>> fixed = cell_text("字" * 40_000)
    >>> fixed.cut, len(fixed.text), fixed.text.endswith("全文见 GeoPackage 或源文件）")
    (True, 32767, True)
    """
    replaced: dict[str, int] = {}
    if _ILLEGAL.search(text):
        found = Counter(_ILLEGAL.findall(text))
        replaced = {f"U+{ord(c):04X}": n for c, n in sorted(found.items())}
        text = xml_text(text)
    if len(text) <= EXCEL_CELL_LIMIT // 2 or (length := _utf16_length(text)) <= EXCEL_CELL_LIMIT:
        return CellText(text, replaced=replaced)  # (the first test spares the encoding)
    mark = cut_mark(length)
    head = _utf16_prefix(text, EXCEL_CELL_LIMIT - len(mark))
    return CellText(head + mark, cut_from=length, replaced=replaced)


def force_text(cell: Any, text: str) -> None:
    """Store ``text`` in an openpyxl cell as a string cell, never a formula or an error value.

    ``text`` must already be storable (the ``text`` of :func:`cell_text`). openpyxl would make a
    formula cell of ``"=…"`` and an error cell of ``"#N/A"``; the cell type is forced back to
    string, and formula-like text gets ``quotePrefix`` so an edit in Excel or WPS keeps it text.
    """
    cell.value = text
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True
