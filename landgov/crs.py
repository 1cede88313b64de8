"""Coordinate reference systems: CGCS2000 3° Gauss–Krüger zones, .prj resolution, inference.

Zhejiang lies in three 3° GK zones (docs/domain.md §1): CM 117°E / 120°E / 123°E, i.e. EPSG 4548 /
4549 / 4550 without the zone prefix and 4527 / 4528 / 4529 (zones 39–41) with it. Cadastral files
often lack a .prj or carry a wrong one. :func:`resolve_crs` honours a .prj when it agrees with
the coordinates and otherwise infers the zone:

- an 8-digit easting carries its zone (``40 555 962`` → zone 40 → EPSG:4528);
- a 6-digit easting is ambiguous between zones, so each candidate is placed on the globe and
  only those landing in Zhejiang are kept; if several remain, a county code (from the 宗地代码 or
  given by the user) or the user's own choice decides, and the evidence says which;
- longitude/latitude degrees are read as CGCS2000 (EPSG:4490).

Areas are never computed in degrees: :func:`projected_crs_for` gives the GK zone (no prefix) to
project geographic data into.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as PyprojCRSError

from landgov.errors import CRSError, Issue

__all__ = [
    "ZHEJIANG_BOUNDS",
    "CRSDecision",
    "cm_for_county",
    "epsg_for_cm",
    "epsg_for_zone",
    "projected_crs_for",
    "resolve_crs",
    "unprefixed_epsg",
]

CGCS2000_GEOGRAPHIC = 4490
#: lon_min, lat_min, lon_max, lat_max of Zhejiang with a small margin (sea islands included).
ZHEJIANG_BOUNDS = (117.9, 26.9, 123.3, 31.3)

_ESRI_NAME = re.compile(r"CGCS2000_3_Degree_GK_(?:Zone_(?P<zone>\d{2})|CM_(?P<cm>\d{2,3})E)", re.I)

# Central meridian by prefecture (first 4 digits of the county code). 宁波 3302 and 台州 3310
# straddle 121.5°E, so the county (6 digits) is needed there; see _COUNTY_CM.
_PREFECTURE_CM = {
    "3301": 120, "3303": 120, "3304": 120, "3305": 120, "3306": 120,
    "3307": 120, "3308": 120, "3309": 123, "3311": 120,
}  # fmt: skip
_COUNTY_CM = {
    "330203": 123, "330205": 123, "330206": 123, "330211": 123, "330212": 123, "330213": 120,
    "330225": 123, "330226": 120, "330281": 120, "330282": 120,
    "331002": 120, "331003": 120, "331004": 120, "331022": 123, "331023": 120, "331024": 120,
    "331081": 120, "331082": 120, "331083": 120,
}  # fmt: skip


def epsg_for_cm(cm: int) -> int:
    """EPSG code of CGCS2000 3° GK without zone prefix for central meridian ``cm`` (75–135°E)."""
    if cm % 3 or not 75 <= cm <= 135:
        raise ValueError(f"central meridian {cm} is not a 3° GK meridian between 75 and 135")
    return 4534 + (cm - 75) // 3


def epsg_for_zone(zone: int) -> int:
    """EPSG code of CGCS2000 3° GK *with* zone prefix for zone 25–45 (zone = cm / 3)."""
    if not 25 <= zone <= 45:
        raise ValueError(f"3° GK zone {zone} is outside 25–45")
    return 4513 + zone - 25


def unprefixed_epsg(epsg: int) -> int | None:
    """For a prefixed zone EPSG (4513–4533) the unprefixed one (4534–4554); else ``None``."""
    return epsg + 21 if 4513 <= epsg <= 4533 else None


def cm_for_county(code: str | None) -> int | None:
    """Central meridian (117/120/123) for a Zhejiang county code such as ``"330602"``."""
    if not code:
        return None
    code = str(code).strip()[:6]
    return _COUNTY_CM.get(code) or _PREFECTURE_CM.get(code[:4])


def projected_crs_for(lon: float) -> CRS:
    """The CGCS2000 3° GK CRS (no prefix) whose zone contains longitude ``lon``."""
    return CRS.from_epsg(epsg_for_cm(3 * round(lon / 3)))


@dataclass(frozen=True)
class CRSDecision:
    """The CRS landgov will use for a layer, and why.

    ``source``: ``prj`` (honoured), ``inferred`` (no usable .prj), ``corrected`` (the .prj
    contradicted the coordinates), ``user`` (given by the user). ``warnings`` are shown to the
    user and written to the problems table.
    """

    crs: CRS
    source: str
    evidence: tuple[str, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def epsg(self) -> str:
        """``"EPSG:nnnn"`` (or the CRS name when it has no EPSG code)."""
        code = self.crs.to_epsg()
        return f"EPSG:{code}" if code else self.crs.name


def crs_from_prj(text: str) -> CRS | None:
    """Parse .prj text; fall back on the ESRI GK naming pattern when pyproj finds no EPSG code."""
    try:
        crs = CRS.from_user_input(text)
    except PyprojCRSError:
        crs = None
    if crs is not None and crs.to_epsg(min_confidence=60):
        return CRS.from_epsg(crs.to_epsg(min_confidence=60))
    m = _ESRI_NAME.search(text)
    if m:
        code = epsg_for_zone(int(m["zone"])) if m["zone"] else epsg_for_cm(int(m["cm"]))
        return CRS.from_epsg(code)
    return crs


# What a user of every command can do about a layer's CRS (only ``landgov inspect`` takes --crs).
_PRJ_FIX = (
    "在 ArcGIS/QGIS 中为图层定义正确的坐标系（生成 .prj，如 CGCS2000 3° 带 120°E，"
    "EPSG:4549）后重新导出"
)


def _shown_xy(x: float, y: float) -> tuple[int, int] | str:
    """The centre seen, as whole metres or, when absurdly large, in 4 significant digits."""
    if abs(x) < 1e12 and abs(y) < 1e12:
        return round(x), round(y)
    return f"({x:.4g}, {y:.4g})"


def _kind_of_coordinates(x: float, y: float) -> str:
    if -180 <= x <= 180 and -90 <= y <= 90:
        return "degrees"
    if 1e7 <= x < 1e8 and 1e6 <= y < 1e7:
        return "prefixed"
    if 1e5 <= x < 1e6 and 1e6 <= y < 1e7:
        return "plain"
    return "unknown"


def _in_zhejiang(crs: CRS, x: float, y: float) -> bool:
    lon, lat = Transformer.from_crs(crs, CGCS2000_GEOGRAPHIC, always_xy=True).transform(x, y)
    lo_min, la_min, lo_max, la_max = ZHEJIANG_BOUNDS
    return bool(lo_min <= lon <= lo_max and la_min <= lat <= la_max)


def _consistent(crs: CRS, kind: str, x: float) -> bool:
    """Does a CRS agree with the kind of coordinates seen (and a zone prefix with its zone)?"""
    if crs.is_geographic:
        return kind == "degrees"
    code = crs.to_epsg() or 0
    if 4513 <= code <= 4533:  # the easting's first two digits are the zone: 40,5xx,xxx is 40
        return kind == "prefixed" and int(x // 1_000_000) == code - 4513 + 25
    if 4534 <= code <= 4554:
        return kind == "plain"
    return kind in {"plain", "prefixed", "unknown"}


def _infer(
    x: float, y: float, kind: str, *, county: str | None, cm: int | None
) -> tuple[CRS, list[str], list[str]]:
    evidence: list[str] = []
    warnings: list[str] = []
    if kind == "degrees":
        evidence.append(f"坐标 ({x:.5f}, {y:.5f}) 为经纬度，按 CGCS2000 地理坐标（EPSG:4490）读取")
        return CRS.from_epsg(CGCS2000_GEOGRAPHIC), evidence, warnings
    if kind == "prefixed":
        zone = int(x // 1_000_000)
        evidence.append(f"东坐标 {x:,.0f} 为 8 位，前两位 {zone} 为 3° 带号")
        return CRS.from_epsg(epsg_for_zone(zone)), evidence, warnings
    if kind != "plain":
        raise CRSError(
            [
                Issue(
                    "坐标", None, _shown_xy(x, y),
                    "坐标既不是经纬度，也不像浙江的高斯-克吕格投影坐标",
                    f"{_PRJ_FIX}；只有个别要素坐标异常（远离其他要素）时在 GIS 软件中改正或删除它；"
                    "landgov inspect 可用 --crs 试读",
                )
            ]
        )  # fmt: skip
    evidence.append(f"东坐标 {x:,.0f} 为 6 位（无带号），需确定中央经线")
    if cm is not None:
        evidence.append(f"使用用户指定的中央经线 {cm}°E")
        return CRS.from_epsg(epsg_for_cm(cm)), evidence, warnings
    candidates = [c for c in (117, 120, 123) if _in_zhejiang(CRS.from_epsg(epsg_for_cm(c)), x, y)]
    evidence.append(f"落在浙江范围内的中央经线：{candidates or '无'}")
    county_cm = cm_for_county(county)
    if county_cm is not None:
        evidence.append(f"县级代码 {county} 所在地区采用中央经线 {county_cm}°E")
        if candidates and county_cm not in candidates:
            warnings.append(f"县级代码 {county} 对应 {county_cm}°E，但坐标按该带不在浙江境内")
        return CRS.from_epsg(epsg_for_cm(county_cm)), evidence, warnings
    if len(candidates) == 1:
        return CRS.from_epsg(epsg_for_cm(candidates[0])), evidence, warnings
    raise CRSError(
        [
            Issue(
                "坐标", None, _shown_xy(x, y),
                f"6 位东坐标在中央经线 {candidates} 下都落在浙江境内，无法判断投影带",
                f"{_PRJ_FIX}，或使用含县级代码的宗地代码；"
                "landgov inspect 可用 --cm 120（或 117/123）或 --crs 试读",
            )
        ]
    )  # fmt: skip


def resolve_crs(
    bounds: tuple[float, float, float, float],
    *,
    prj_crs: CRS | None,
    prj_text: str | None = None,
    county: str | None = None,
    user_crs: str | CRS | None = None,
    user_cm: int | None = None,
) -> CRSDecision:
    """Decide which CRS a layer is in, with the evidence.

    Parameters
    ----------
    bounds
        ``(minx, miny, maxx, maxy)`` of the layer's raw coordinates.
    prj_crs
        The CRS declared by the file (.prj or the format's own metadata), or ``None``.
    county
        A county code (e.g. the first 6 digits of the 宗地代码), used to pick the zone of a
        6-digit easting.
    user_crs, user_cm
        The user's choice; a CRS overrides everything, a central meridian decides the zone.
    """
    x = (bounds[0] + bounds[2]) / 2
    y = (bounds[1] + bounds[3]) / 2
    if not np.isfinite([x, y]).all():
        raise CRSError([Issue("坐标", None, bounds, "图层没有有效坐标", "检查几何是否为空")])
    kind = _kind_of_coordinates(x, y)
    if user_crs is not None:
        crs = CRS.from_user_input(user_crs)
        warnings = (
            [] if _consistent(crs, kind, x) else [f"用户指定的 {crs.name} 与坐标形态（{kind}）不符"]
        )
        return CRSDecision(crs, "user", (f"用户指定坐标系 {crs.name}",), tuple(warnings))
    if prj_crs is not None and _consistent(prj_crs, kind, x):
        ev = [f".prj 声明 {prj_crs.name}（EPSG:{prj_crs.to_epsg()}），与坐标形态一致"]
        return CRSDecision(prj_crs, "prj", tuple(ev))
    crs, evidence, warnings = _infer(x, y, kind, county=county, cm=user_cm)
    if prj_crs is None:
        warnings.insert(
            0, f"文件没有 .prj（或未声明坐标系），推断为 {crs.name}（EPSG:{crs.to_epsg()}）"
        )
        return CRSDecision(crs, "inferred", tuple(evidence), tuple(warnings))
    warnings.insert(
        0,
        f".prj 声明 {prj_crs.name}，但坐标 ({x:,.0f}, {y:,.0f}) 与之矛盾；"
        f"改按 {crs.name}（EPSG:{crs.to_epsg()}）读取",
    )
    return CRSDecision(crs, "corrected", tuple(evidence), tuple(warnings))
