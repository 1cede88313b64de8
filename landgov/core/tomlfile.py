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


def toml_problem(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """Where the TOML is wrong, in Chinese; a key written in Chinese without quotes (TOML allows
    only ASCII letters, digits, ``_`` and ``-`` bare) is said so, with the fix.

    >>> import tomllib
    >>> text = "[screening]\\n低效 = 1\\n"
    >>> try:
    ...     tomllib.loads(text)
    ... except tomllib.TOMLDecodeError as exc:
    ...     print(toml_problem(text, exc))
    第 2 行第 1 列格式有误（Invalid statement）：中文键名须加英文双引号，如 "低效" = …
    """
    at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    if at is None:
        return f"格式有误（{exc}）"
    line = int(at.group(1))
    where = f"第 {line} 行第 {at.group(2)} 列格式有误（{str(exc)[: at.start()].strip()}）"
    lines = text.splitlines()
    head = lines[line - 1].split("=", 1)[0].strip() if 0 < line <= len(lines) else ""
    if head and not head.startswith(("[", '"', "'", "#")) and not head.isascii():
        where += f'：中文键名须加英文双引号，如 "{head}" = …'
    return where
