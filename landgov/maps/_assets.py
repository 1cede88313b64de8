"""Scripts, stylesheets and icons inlined into the map page, so it needs no network.

Leaflet comes from the XStatic-Leaflet package, icons from XStatic-Font-Awesome (single SVG
files, not the 150 kB web font), our own renderer and stylesheet from ``assets/``. Every
``url(...)`` in a stylesheet becomes a ``data:`` URI; the page uses the system's CJK fonts
(no web font is fetched).
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from functools import cache
from importlib import resources
from pathlib import Path

import xstatic.pkg.font_awesome as _fa
import xstatic.pkg.leaflet as _leaflet

from landgov.errors import DataFileError

__all__ = ["data_uri", "icon_uri", "leaflet_css", "leaflet_js", "own_asset", "script_hash"]

LEAFLET_VERSION: str = _leaflet.VERSION
_CSS_URL = re.compile(r"url\((['\"]?)(?!data:|#)([^'\")]+)\1\)")


def data_uri(payload: bytes, mime: str) -> str:
    """``data:`` URI of ``payload`` (base64)."""
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataFileError(
            f"找不到地图资源文件 {path}：请重新安装 landgov 及其依赖（{exc}）"
        ) from exc


def _inline_urls(css: str, base: Path) -> str:
    def repl(match: re.Match[str]) -> str:
        target = base / match.group(2)
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return f'url("{data_uri(_read(target), mime)}")'

    return _CSS_URL.sub(repl, css)


def _script_safe(text: str) -> str:
    """Make a script body safe inside ``<script>``: no ``</script`` or ``<!--`` can end it."""
    return re.sub(r"<(/script|!--)", r"<\\\1", text, flags=re.IGNORECASE)


@cache
def leaflet_css() -> str:
    """Leaflet's stylesheet with its images as ``data:`` URIs."""
    base = Path(_leaflet.BASE_DIR)
    css = _read(base / "leaflet.css").decode("utf-8")
    css = css.replace("behavior: url(#default#VML);", "")  # old IE only
    return _inline_urls(css, base)


@cache
def leaflet_js() -> str:
    """Minified Leaflet (its licence banner kept)."""
    return _script_safe(_read(Path(_leaflet.BASE_DIR) / "leaflet.js").decode("utf-8"))


@cache
def icon_uri(name: str) -> str:
    """A Font Awesome solid icon as an SVG ``data:`` URI (licence comment kept in the SVG)."""
    path = Path(_fa.BASE_DIR) / "svgs" / "solid" / f"{name}.svg"
    return data_uri(_read(path), "image/svg+xml")


@cache
def own_asset(name: str) -> str:
    """One of landgov's files under ``landgov/maps/assets/`` as text."""
    ref = resources.files("landgov.maps").joinpath("assets", name)
    try:
        text = ref.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(
            f"找不到地图资源文件 assets/{name}：请重新安装 landgov（{exc}）"
        ) from exc
    return _script_safe(text) if name.endswith(".js") else text


def script_hash(body: str) -> str:
    """CSP source expression (``'sha256-…'``) allowing exactly this inline script."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
