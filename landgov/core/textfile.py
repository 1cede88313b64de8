"""Reading a text file a person wrote (a policy profile, ``landgov.toml``, a province's
``province.json``), with the problem in Chinese.

The readers used to translate parser errors on their own: one said the line and column, the
others passed on the English parser message, and a profile or an index saved in GBK by Notepad
was an internal error. :func:`read_text` is the one decoding (UTF-8, a byte-order mark
allowed; anything else refused with the fix), :func:`read_toml` and :func:`read_json` the
parsing; the caller puts the message into its own error.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

__all__ = [
    "BLANK_FILE",
    "EMPTY_FILE",
    "TextFileError",
    "json_problem",
    "office_lock_target",
    "read_json",
    "read_text",
    "read_toml",
    "toml_problem",
    "utf16_without_bom",
]

#: How a file with nothing in it is said wherever a file is read: 0 bytes, or (a text file)
#: only blank lines and a byte-order mark.
EMPTY_FILE = "文件是空的（0 字节）"
BLANK_FILE = "文件中没有任何内容（只有空行或编码标记）"


def office_lock_target(name: str) -> str | None:
    """The file that ``name``, a lock file of Excel/WPS/Word (``~$name``) or LibreOffice
    (``.~lock.name#``), stands for while that file is open; ``None`` for any other name.

    >>> office_lock_target("~$企业表.xlsx"), office_lock_target(".~lock.企业表.xlsx#")
    ('企业表.xlsx', '企业表.xlsx')
    >>> office_lock_target("企业表.xlsx") is None, office_lock_target("~$") is None
    (True, True)
    """
    if name.startswith("~$") and len(name) > 2:
        return name[2:]
    if name.startswith(".~lock.") and name.endswith("#") and len(name) > 8:
        return name[len(".~lock.") : -1]
    return None


class TextFileError(ValueError):
    """A text file that cannot be read; ``str()`` is the problem in Chinese, then 「；」 and
    what to do (no file name)."""


def read_text(
    path: str | Path,
    *,
    kind: str = "文本配置文件（.toml）",
    fix: str = "指定用记事本等编辑器写的 .toml 文件（可用 landgov template 生成示例）",
) -> str:
    """The text of the file at ``path``: UTF-8, a byte-order mark allowed (Notepad writes one).

    ``kind`` names the file, ``fix`` says what to do, in the message for a file that is no
    text.

    Raises
    ------
    TextFileError
        A binary file (a workbook saved under the name, …) or text that is not UTF-8
        (「不是 UTF-8 编码的文本（第 3 行起…，可能是 GBK 编码）」, with the fix).
    """
    data = Path(path).read_bytes()
    if utf16_without_bom(data) is not None:  # its zero bytes are no binary file
        raise TextFileError(
            "是 UTF-16 编码的文本，但没有字节顺序标记（BOM）；用记事本等编辑器「另存为」UTF-8 "
            "编码后重试"
        )
    binary = _binary_kind(data[:4096])
    if binary is not None:
        raise TextFileError(f"这是{binary}，不是{kind}；{fix}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        what = (
            "是 UTF-16 编码的文本（记事本的「Unicode」）"
            if data.startswith((b"\xff\xfe", b"\xfe\xff"))
            else f"不是 UTF-8 编码的文本（第 {line} 行起无法按 UTF-8 读取，可能是 GBK 编码）"
        )
        raise TextFileError(f"{what}；用记事本等编辑器「另存为」UTF-8 编码后重试") from exc


def read_toml(path: str | Path) -> dict[str, Any]:
    """The TOML file at ``path`` (UTF-8, a byte-order mark allowed) as a dict.

    Raises
    ------
    TextFileError
        Not UTF-8 text (:func:`read_text`) or not TOML (the line, the column and, for a key
        written in Chinese without quotes, the fix).
    """
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TextFileError(toml_problem(text, exc)) from exc


def read_json(path: str | Path, *, fill: str = "按 JSON 语法写入内容") -> Any:
    """The JSON file at ``path`` (UTF-8, a byte-order mark allowed), parsed.

    ``fill`` says what to write in a file that is empty (or only blank lines): the caller knows
    what belongs there.

    Raises
    ------
    TextFileError
        Not UTF-8 text (:func:`read_text`), empty (:data:`EMPTY_FILE` or :data:`BLANK_FILE`,
        then ``fill``) or not JSON (the line, the column and what is wrong there,
        :func:`json_problem`).
    """
    text = read_text(path, kind="用 JSON 写的文本文件", fix="指定用记事本等编辑器写的 JSON 文件")
    if not text.strip():  # JSON's own word, 「第 1 行第 1 列缺少值」, hides the plain fact
        what = EMPTY_FILE if not text and Path(path).stat().st_size == 0 else BLANK_FILE
        raise TextFileError(f"{what}；{fill}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TextFileError(json_problem(exc)) from exc


def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` for UTF-16 text without a byte-order mark, told by
    its zero bytes; ``None`` for anything else (a byte-order mark, UTF-8, GBK, binary).

    Every ASCII character of UTF-16 text (the separators, digits and line ends a table is full
    of) has a zero byte: the second of its two in UTF-16LE, the first in UTF-16BE. Text in
    UTF-8 or GBK holds no zero byte; a binary file holds them at both positions alike. Decided
    on the first 4 KiB: at least 1 pair in 32 holds a zero byte, and at least 80 % of those
    hold it at the same position (a few Chinese characters have one too: 「一」 is U+4E00).

    >>> text = "统一社会信用代码,企业名称\\r\\n91330100470102706G,甲\\r\\n"
    >>> utf16_without_bom(text.encode("utf-16-le")), utf16_without_bom(text.encode("utf-16-be"))
    ('utf-16-le', 'utf-16-be')
    >>> utf16_without_bom(text.encode("utf-16")), utf16_without_bom(text.encode("gbk"))
    (None, None)
    """
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    first, second = head[0::2].count(0), head[1::2].count(0)
    most, least = max(first, second), min(first, second)
    if most < max(2, len(head) // 64) or least * 4 > most:
        return None
    return "utf-16-le" if second > first else "utf-16-be"


def _binary_kind(head: bytes) -> str | None:
    """What a file that is no text is (an Excel workbook named .toml …); ``None`` for text."""
    if head.startswith(b"PK\x03\x04"):
        return "一个 Excel 工作簿或 zip 压缩包"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "一个旧版 Office 文件（.xls/.doc/.et）"
    if head.startswith(b"%PDF"):
        return "一个 PDF 文件"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "一个二进制文件"
    return None


# tomllib's messages (Python 3.11–3.13), in Chinese; one not listed is shown as it is.
_TOML_WORDS = {
    "Invalid value": "取值无效：文字须加英文双引号，数值写阿拉伯数字",
    "Invalid statement": "无法识别的一行",
    "Unclosed inline table": "花括号 { } 没有闭合",
    "Unclosed array": "方括号 [ ] 没有闭合",
    "Unterminated string": "引号没有闭合",
    "Invalid date or datetime": "日期无效（如不存在的日期）",
    "Cannot overwrite a value": "同一个键写了两次",
    "Expected '=' after a key in a key/value pair": "键后缺少 =",
    "Expected newline or end of document after a statement": "一行中只能写一个 键 = 值",
    "Invalid initial character for a key part": "键名以无效字符开头",
}


def _toml_words(message: str) -> str:
    if message.startswith("Cannot declare"):
        return "同一个节写了两次"
    return _TOML_WORDS.get(message, message)


def toml_problem(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """Where the TOML is wrong, in Chinese; a key written in Chinese without quotes (TOML allows
    only ASCII letters, digits, ``_`` and ``-`` bare) is said so, with the fix.

    >>> import tomllib
    >>> text = "[screening]\\n低效 = 1\\n"
    >>> try:
    ...     tomllib.loads(text)
    ... except tomllib.TOMLDecodeError as exc:
    ...     print(toml_problem(text, exc))
    第 2 行第 1 列格式有误（无法识别的一行）：中文键名须加英文双引号，如 "低效" = …
    """
    at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    if at is None:
        end = re.search(r"\(at end of document\)", str(exc))
        said = _toml_words(str(exc)[: end.start()].strip() if end else str(exc))
        last = f"文件末尾（第 {max(len(text.splitlines()), 1)} 行）" if end else ""
        return f"{last}格式有误（{said}）"
    line = int(at.group(1))
    where = (
        f"第 {line} 行第 {at.group(2)} 列格式有误（{_toml_words(str(exc)[: at.start()].strip())}）"
    )
    lines = text.splitlines()
    head = lines[line - 1].split("=", 1)[0].strip() if 0 < line <= len(lines) else ""
    if head and not head.startswith(("[", '"', "'", "#")) and not head.isascii():
        where += f'：中文键名须加英文双引号，如 "{head}" = …'
    return where


# json's messages (Python 3.11–3.13), in Chinese; one not listed is shown as it is.
_JSON_WORDS = {
    "Expecting value": "此处缺少值（或多了一个逗号）",
    "Expecting ',' delimiter": "缺少英文逗号 ,",
    "Expecting ':' delimiter": "键后缺少英文冒号 :",
    "Expecting property name enclosed in double quotes": "键名须加英文双引号（或多了一个逗号）",
    "Unterminated string starting at": "引号没有闭合",
    "Invalid control character at": "引号内有换行或制表符（换行写作 \\n）",
    "Invalid \\escape": "反斜杠 \\ 后的写法无效（路径中的 \\ 写作 \\\\ 或 /）",
    "Extra data": "JSON 已结束，后面还有多余的内容",
}


def json_problem(exc: json.JSONDecodeError) -> str:
    """Where the JSON is wrong, in Chinese, with the fix.

    >>> import json
    >>> try:
    ...     json.loads('{"counties": [\\n  {"code": "330604",}\\n]}')
    ... except json.JSONDecodeError as exc:
    ...     print(json_problem(exc).partition("；")[0])
    第 2 行第 21 列格式有误（键名须加英文双引号（或多了一个逗号））
    """
    words = _JSON_WORDS.get(exc.msg, exc.msg)
    return (
        f"第 {exc.lineno} 行第 {exc.colno} 列格式有误（{words}）；"
        "按 JSON 语法修正（文字加英文双引号，最后一项后不加逗号）"
    )
