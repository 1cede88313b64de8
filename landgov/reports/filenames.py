"""File and folder names for what a run writes: names Windows accepts, one per 镇街.

Every file landgov names after something in the data (an enterprise's 初审表, a 镇街's folder
or 核实表) goes through :func:`safe_filename`. A 镇街's name goes through
:func:`township_names`, so that two 镇街 never share a file: their names may differ only in a
character a file name cannot hold (「斗门/街道」, 「斗门:街道」), which becomes its full-width
form, or in what Windows does not tell apart (case, a trailing dot), which gets 「（2）」.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["safe_filename", "township_name", "township_names"]

_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
#: Dots and blanks at either end of a name (a leading dot hides a file, a trailing one is lost).
_ENDS = re.compile(r"^[.\s]+|[.\s]+$")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
#: Characters a Windows file name cannot hold → their full-width forms (a 镇街's name keeps
#: telling it apart from the others).
_WIDE = str.maketrans(dict(zip('<>:"/\\|?*', "＜＞：＂／＼｜？＊", strict=True)))


def safe_filename(text: str, *, max_chars: int = 80) -> str:
    """A file name Windows accepts: forbidden characters replaced, no reserved device names,
    no leading or trailing dot or space, at most ``max_chars`` characters.

    A leading dot would hide the file on Linux and macOS (an 申请编号 typed as 「../../APP」
    gave 「.._.._APP…docx」), a trailing one Windows drops.

    >>> safe_filename("CON"), safe_filename("a/b. "), safe_filename("../../APP1")
    ('_CON', 'a_b', '_.._APP1')
    """
    name = unicodedata.normalize("NFC", str(text))
    name = _ENDS.sub("", _WINDOWS_FORBIDDEN.sub("_", name))
    name = _ENDS.sub("", name[:max_chars]) or "未命名"
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = f"_{name}"
    return name


def township_name(name: str, *, blank: str) -> str:
    """A 镇街's name as a file or folder name: leading dots dropped (it stays where it is put),
    the characters a file name cannot hold as their full-width forms, else as
    :func:`safe_filename`; ``blank`` when nothing is left.

    >>> township_name("../斗门:街道", blank="镇街不明"), township_name(" . ", blank="镇街不明")
    ('／斗门：街道', '镇街不明')
    """
    text = str(name).lstrip(". ").translate(_WIDE)
    return safe_filename(text) if text.strip(". ") else blank


def township_names(names: Iterable[str], *, blank: str) -> dict[str, str]:
    """Each 镇街's :func:`township_name`, one per name: names one file would hold (they differ
    only in case, which Windows does not tell apart, or in a trailing dot) get 「（2）」,
    「（3）」 … in the order given.

    >>> township_names(["斗门街道", "斗门街道.", "ABC", "abc"], blank="镇街不明")
    {'斗门街道': '斗门街道', '斗门街道.': '斗门街道（2）', 'ABC': 'ABC', 'abc': 'abc（2）'}
    """
    taken: set[str] = set()
    out: dict[str, str] = {}
    for name in names:
        base = candidate = township_name(name, blank=blank)
        k = 1
        while candidate.casefold() in taken:
            k += 1
            candidate = f"{base}（{k}）"
        taken.add(candidate.casefold())
        out[name] = candidate
    return out
