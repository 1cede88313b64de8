"""The Chinese font of the print maps: an installed CJK font, else the one landgov ships.

matplotlib caches its font list the first time it runs (``fontlist-*.json`` in its config
folder) and never looks again, so a font installed afterwards (``apt-get install
fonts-noto-cjk`` after a first ``make demo``) stays invisible. :func:`cjk_fonts` therefore
registers font files found on disk that the cached list lacks, and always registers the
bundled subset of Noto Sans CJK SC (``fonts/``, OFL-1.1, made by ``tools/make_cjk_font.py``).

The print maps draw with a family *list* (matplotlib's per-glyph fallback): the installed CJK
font first, then the bundled one, then DejaVu Sans; :func:`missing_glyphs` names characters
none of them has, so a rare character in a 镇街 or title never vanishes without a word.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from matplotlib import font_manager, ft2font

from landgov.errors import DataFileError
from landgov.maps.style import DEFAULT_STYLE, MapStyle

__all__ = [
    "BUNDLED_FAMILY",
    "BUNDLED_FONT",
    "MissingGlyphWarning",
    "cjk_fonts",
    "find_cjk_font",
    "missing_glyphs",
    "warn_missing_glyphs",
]

BUNDLED_FONT = Path(__file__).resolve().parent / "fonts" / "LandgovSansSC-Regular.otf"
#: Family name of the bundled subset (renamed so it never shadows an installed Noto font).
BUNDLED_FAMILY = "Landgov Sans SC"
_LAST_RESORT = "DejaVu Sans"  # shipped with matplotlib: Latin, Greek, arrows, symbols


class MissingGlyphWarning(UserWarning):
    """Text on a print map has characters that no font in the chain can draw."""


def _installed() -> set[str]:
    return {f.name for f in font_manager.fontManager.ttflist}


def _known_files() -> set[str]:
    return {str(Path(f.fname)) for f in font_manager.fontManager.ttflist}


def _add(path: str | Path) -> None:
    try:
        font_manager.fontManager.addfont(path)
    except (OSError, RuntimeError, ValueError):  # unreadable or not a font: skip, as mpl does
        return


def _register_new_system_fonts() -> None:
    """Add font files on disk that matplotlib's cached list lacks (installed after it ran)."""
    known = _known_files()
    for path in sorted(font_manager.findSystemFonts()):
        if str(Path(path)) not in known:
            _add(path)


def _register_bundled() -> bool:
    """Add the bundled font; its one face also stands for bold (drawn regular, no log noise)."""
    if not BUNDLED_FONT.is_file():
        return False
    if str(BUNDLED_FONT) not in _known_files():
        _add(BUNDLED_FONT)
        manager = font_manager.fontManager
        faces = [f for f in manager.ttflist if Path(f.fname) == BUNDLED_FONT]
        manager.ttflist.extend(dataclasses.replace(f, weight=700) for f in faces)
    return BUNDLED_FAMILY in _installed()


def _preferred(style: MapStyle) -> str | None:
    installed = _installed()
    return next((name for name in style.cjk_fonts if name in installed), None)


def _any_cjk() -> str | None:
    found = sorted(n for n in _installed() if "CJK" in n and "Mono" not in n)
    return found[0] if found else None


@cache
def _rescanned() -> bool:
    """Scan the disk for new fonts once per process (a few milliseconds with fontconfig)."""
    _register_new_system_fonts()
    return True


def find_cjk_font(style: MapStyle = DEFAULT_STYLE) -> str:
    """Family name of the font that draws the Chinese text of a print map.

    The first installed family of ``style.cjk_fonts`` (then any "CJK" family), looking again
    on disk when matplotlib's cached list has none; otherwise the bundled "Landgov Sans SC".

    Raises
    ------
    DataFileError
        No CJK font installed and the bundled one is missing (a broken installation); the
        message names the package to install.
    """
    name = _preferred(style)
    if name is None and _rescanned():  # the cached list may predate the font's installation
        name = _preferred(style)
    name = name or _any_cjk()
    if name is not None:
        return name
    if _register_bundled():
        return BUNDLED_FAMILY
    raise DataFileError(
        f"找不到可显示中文的字体，无法出静态图（随包字体 {BUNDLED_FONT} 也不存在，"
        "安装可能不完整，请重新安装 landgov）。或安装系统中文字体后重试："
        "Debian/Ubuntu: sudo apt-get install fonts-noto-cjk；"
        "Windows 自带 微软雅黑 / 黑体；macOS 自带 苹方。"
        f"（已查找：{'、'.join(style.cjk_fonts)}）"
    )


def cjk_fonts(style: MapStyle) -> list[str]:
    """Family fallback list for matplotlib: chosen CJK font, bundled font, DejaVu Sans."""
    first = find_cjk_font(style)
    chain = [first]
    if first != BUNDLED_FAMILY and _register_bundled():
        chain.append(BUNDLED_FAMILY)
    chain.append(_LAST_RESORT)
    return chain


@cache
def _charmap(path: str, index: int) -> frozenset[int]:
    return frozenset(ft2font.FT2Font(path, face_index=index).get_charmap())


def _coverage(family: str) -> frozenset[int]:
    prop = font_manager.FontProperties(family=family)
    path = font_manager.findfont(prop, fallback_to_default=False)
    return _charmap(str(path), getattr(path, "face_index", 0))


def missing_glyphs(texts: Iterable[str], chain: list[str]) -> dict[str, list[str]]:
    """Characters of ``texts`` that no family of ``chain`` has → the texts they occur in."""
    covered = frozenset().union(*(_coverage(f) for f in chain))
    out: dict[str, list[str]] = {}
    for text in texts:
        for ch in dict.fromkeys(text):
            if not ch.isspace() and ord(ch) not in covered:
                out.setdefault(ch, []).append(text)
    return out


def warn_missing_glyphs(texts: Iterable[str], chain: list[str], *, where: str) -> None:
    """Warn (:class:`MissingGlyphWarning`) about characters that would print as empty boxes."""
    missing = missing_glyphs(texts, chain)
    if not missing:
        return
    shown = "、".join(f"「{ch}」（U+{ord(ch):04X}，见“{missing[ch][0]}”）" for ch in missing)
    warnings.warn(
        f"注意：{where} 中有 {len(missing)} 个字符当前字体（{'、'.join(chain)}）没有字形，"
        f"会显示为空框：{shown}。请核对原文，或安装完整中文字体"
        "（Debian/Ubuntu: sudo apt-get install fonts-noto-cjk）后重新出图。",
        MissingGlyphWarning,
        stacklevel=3,
    )
