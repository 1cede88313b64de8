"""Basemaps: which tile server, and which datum its tiles are drawn in.

OSM and 天地图 tiles are WGS-84/CGCS2000 (the difference, under a metre, is invisible on a
web map); 高德 tiles are GCJ-02, so parcels are shifted with :mod:`landgov.gcj02` before they
are drawn on them (docs/domain.md §1). Any other XYZ or WMTS template may be given with its datum
declared. Every template must use the Web-Mercator tile grid (天地图 ``_w`` services, WMTS
``GoogleMapsCompatible``), the only grid Leaflet draws without a plug-in.
"""

from __future__ import annotations

import enum
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from landgov.errors import InputError

__all__ = ["Basemap", "Datum", "resolve_basemap"]

TIANDITU_ENV = "TIANDITU_KEY"


class Datum(enum.StrEnum):
    """Datum of a tile server's pictures."""

    WGS84 = "wgs84"  # also CGCS2000 (EPSG:4490): the same to well under a metre
    GCJ02 = "gcj02"


@dataclass(frozen=True)
class Basemap:
    """A tile layer: Leaflet URL templates (``{z}/{x}/{y}``, ``{s}``), datum and credits."""

    key: str
    label: str
    urls: tuple[str, ...] = ()
    datum: Datum = Datum.WGS84
    attribution: str = ""
    subdomains: str = ""
    max_zoom: int = 18

    @property
    def offline(self) -> bool:
        """True when the map makes no request at all."""
        return not self.urls

    def origins(self) -> tuple[str, ...]:
        """Content-Security-Policy host sources the tiles come from (``https://*.host``)."""
        out = []
        for url in self.urls:
            parts = urlsplit(url)
            labels = parts.hostname.split(".") if parts.hostname else []
            # hostname lower-cases the placeholder; find the last label that held one
            raw = parts.netloc.split("@")[-1].split(":")[0].split(".")
            cut = max((i for i, lab in enumerate(raw) if "{" in lab), default=-1)
            host = ".".join(["*", *labels[cut + 1 :]]) if cut >= 0 else ".".join(labels)
            port = f":{parts.port}" if parts.port else ""
            out.append(f"{parts.scheme}://{host}{port}")
        return tuple(dict.fromkeys(out))


_GAODE = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
_GAODE_SAT = "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}"
_TDT = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
    "&TILECOL={x}&tk={key}"
)
_WMTS_PLACEHOLDERS = {"{TileMatrix}": "{z}", "{TileRow}": "{y}", "{TileCol}": "{x}"}
_KEY_RE = re.compile(r"^[0-9A-Za-z]{8,64}$")
NAMES = ("none", "osm", "gaode", "gaode-satellite", "tianditu")


def _tianditu(key: str | None) -> Basemap:
    key = key or os.environ.get(TIANDITU_ENV)
    if not key:
        raise InputError(
            f"天地图底图需要密钥：请用 --tianditu-key 提供，或设置环境变量 {TIANDITU_ENV}"
            "（在 console.tianditu.gov.cn 申请“浏览器端”密钥）"
        )
    if not _KEY_RE.match(key):
        raise InputError(f"天地图密钥格式不对（所见值长度 {len(key)}）：应为 8–64 位字母数字")
    urls = tuple(_TDT.replace("{layer}", lay).replace("{key}", key) for lay in ("vec", "cva"))
    return Basemap("tianditu", "天地图矢量", urls, Datum.WGS84, "© 天地图", "01234567", max_zoom=18)


def _custom(url: str, datum: str | None) -> Basemap:
    for old, new in _WMTS_PLACEHOLDERS.items():
        url = url.replace(old, new)
    parts = urlsplit(url)
    problems = []
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append("须以 http:// 或 https:// 开头并带主机名")
    if not all(p in url for p in ("{z}", "{x}", "{y}")):
        problems.append("须含 {z}、{x}、{y}（或 WMTS 的 {TileMatrix}、{TileRow}、{TileCol}）")
    if any(c in url for c in "\"'<> \\"):
        problems.append("不能含引号、尖括号、空格或反斜杠")
    if datum is None:
        problems.append("须用 --basemap-crs 声明底图坐标系：wgs84、cgcs2000 或 gcj02")
    if problems:
        raise InputError(f"自定义底图地址 {url!r} 有问题：" + "；".join(problems))
    canonical = {"wgs84": Datum.WGS84, "cgcs2000": Datum.WGS84, "gcj02": Datum.GCJ02}
    if datum.lower() not in canonical:
        raise InputError(f"底图坐标系只能是 wgs84、cgcs2000 或 gcj02，所见值 {datum!r}")
    subdomains = "abc" if "{s}" in url else ""
    return Basemap(
        "custom", "自定义底图", (url,), canonical[datum.lower()], "", subdomains, max_zoom=19
    )


def resolve_basemap(
    spec: str = "none", *, tianditu_key: str | None = None, crs: str | None = None
) -> Basemap:
    """Turn a ``--basemap`` value into a :class:`Basemap`.

    Parameters
    ----------
    spec
        ``none`` (no tiles, no request), ``osm``, ``gaode``, ``gaode-satellite``,
        ``tianditu``, or an XYZ/WMTS URL template.
    tianditu_key
        天地图 key; falls back to the ``TIANDITU_KEY`` environment variable.
    crs
        Datum of a custom URL: ``wgs84``, ``cgcs2000`` or ``gcj02`` (required for URLs).

    Raises
    ------
    InputError
        Unknown name, a 天地图 map without key, or a URL template that is unusable.
    """
    name = spec.strip()
    if name == "none":
        return Basemap("none", "无底图")
    if name == "osm":
        return Basemap(
            "osm",
            "OpenStreetMap",
            ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",),
            Datum.WGS84,
            "© OpenStreetMap 贡献者",
            max_zoom=19,
        )
    if name == "gaode":
        return Basemap("gaode", "高德地图", (_GAODE,), Datum.GCJ02, "© 高德地图", "1234")
    if name == "gaode-satellite":
        return Basemap(
            "gaode-satellite", "高德影像", (_GAODE_SAT,), Datum.GCJ02, "© 高德地图", "1234"
        )
    if name == "tianditu":
        return _tianditu(tianditu_key)
    if "://" in name:
        return _custom(name, crs)
    raise InputError(f"未知底图 {spec!r}：可选 {'、'.join(NAMES)}，或一个 XYZ/WMTS 瓦片地址")
