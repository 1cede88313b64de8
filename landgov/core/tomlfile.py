"""Reading a TOML file a person wrote (a policy profile, ``landgov.toml``), with the problem in
Chinese.

Both readers used to translate TOML errors on their own: one said the line and column, the other
passed on the English parser message, and a profile saved in GBK by Notepad was an internal
error. :func:`read_toml` is the one reading; the caller puts the message into its own error.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["TomlFileError", "read_toml", "toml_problem"]


class TomlFileError(ValueError):
    """A TOML file that cannot be read; ``str()`` is the problem in Chinese (no file name)."""


def read_toml(path: str | Path) -> dict[str, Any]:
    """The TOML file at ``path`` (UTF-8, a byte-order mark allowed) as a dict.

    Raises
    ------
    TomlFileError
        Not UTF-8 (「不是 UTF-8 编码的文本（第 3 行）」, with the fix) or not TOML (the line, the
        column and, for a key written in Chinese without quotes, the fix).
    """
    data = Path(path).read_bytes()
    binary = _binary_kind(data[:4096])
    if binary is not None:
        raise TomlFileError(
            f"这是{binary}，不是文本配置文件（.toml）；"
            "指定用记事本等编辑器写的 .toml 文件（可用 landgov template 生成示例）"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TomlFileError(
            f"不是 UTF-8 编码的文本（第 {line} 行起无法按 UTF-8 读取，可能是 GBK 编码）；"
            "用记事本等编辑器「另存为」UTF-8 编码后重试"
        ) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlFileError(toml_problem(text, exc)) from exc


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
