"""Coordinate reference systems: CGCS2000 3° Gauss–Krüger zones, .prj resolution, inference.

Zhejiang lies in three 3° GK zones (docs/domain.md §1): CM 117°E / 120°E / 123°E, i.e. EPSG 4548 /
4549 / 4550 without the zone prefix and 4527 / 4528 / 4529 (zones 39–41) with it. Cadastral files
often lack a .prj or carry a wrong one. :func:`resolve_crs` honours a .prj when it agrees with
the coordinates and otherwise infers the zone:

- an 8-digit easting carries its zone (``40 555 962`` → zone 40 → EPSG:4528);
- a 6-digit easting is ambiguous between zones, so each candidate is placed on the globe and
  only those landing in Zhejiang are kept; if several remain, a county code (from the 宗地代码 or
  given by the user) or the user's own choice decides, and the evidence says which;
- longitude/latitude degrees are read as CGCS2000 (EPSG:4490);
- a .prj that agrees with the kind of coordinates is still checked against where it puts the
  layer: a 6-digit easting fits every zone, so a .prj naming the wrong central meridian puts a
  越城 layer in the sea (123°E) or in Anhui (117°E) with plausible areas. When the .prj's zone
  puts the centre outside Zhejiang and exactly one other zone puts it inside (and near the
  county of the 宗地代码, :mod:`landgov.province.counties`), that zone is used and said;
  otherwise the .prj is kept and the doubt said. A CRS given by the user is always used.

Areas are never computed in degrees: :func:`projected_crs_for` gives the GK zone (no prefix) to
project geographic data into.

Layers are overlaid in one CRS. Between CGCS2000 and China's earlier national datums (西安80,
北京54) PROJ has no transformation with published parameters, only a "ballpark" one (the same
latitude and longitude on another ellipsoid, about 1.5 m in Zhejiang) while the datums lie tens
of metres apart: :func:`datums_apart` tells when two layers cannot be overlaid as they are.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as PyprojCRSError

from landgov.errors import CRSError, Issue

__all__ = [
    "ZHEJIANG_BOUNDS",
    "CRSDecision",
    "StrayFeature",
    "central_meridian",
    "cm_for_county",
    "datum_issue",
    "datum_label",
    "datums_apart",
    "epsg_for_cm",
    "epsg_for_zone",
    "layer_centre",
    "older_datum_note",
    "projected_crs_for",
    "resolve_crs",
    "stray_features",
    "transformer",
    "unprefixed_epsg",
]

CGCS2000_GEOGRAPHIC = 4490


@functools.lru_cache(maxsize=64)
def transformer(source: Any, target: Any) -> Transformer:
    """``Transformer.from_crs(source, target, always_xy=True)``, made once per pair of CRSs
    (anything ``pyproj`` takes: a :class:`~pyproj.CRS`, an EPSG code) and kept.

    Making one looks its operation up in PROJ's database: 40 ms from a CGCS2000 3° zone to
    WGS84 (a datum change), once per county of a province run where it was made each time.
    A ``Transformer`` may be shared by threads (pyproj ≥ 3.1).
    """
    return Transformer.from_crs(source, target, always_xy=True)


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


def central_meridian(crs: CRS) -> float | None:
    """Central meridian (°E) of a transverse Mercator CRS (a GK or UTM zone), else ``None``.

    A layer delivered in another zone than its own (舟山 in zone 40, CM 120°E, about 2.5° off)
    is a correct layer, but its areas there are about 0.13 % too large: areas are measured in the
    zone of the layer's own place (:func:`projected_crs_for`).
    """
    operation = crs.coordinate_operation
    if operation is None or "transverse mercator" not in operation.method_name.lower():
        return None
    for param in operation.params:
        if param.name == "Longitude of natural origin":
            return float(param.value)
    return None


#: Datums tied to the ITRF (PROJ datum names): CGCS2000 and WGS 84 lie under a metre apart in
#: Zhejiang, so a layer in one is overlaid on a layer in the other as it is.
_ITRF_DATUMS = ("China 2000", "World Geodetic System 1984", "ITRF")
#: China's earlier national datums by their PROJ names, as staff name them.
_OLD_DATUMS = {
    "Xian 1980": "西安80（1980西安坐标系）",
    "Beijing 1954": "北京54（1954年北京坐标系）",
    "New Beijing": "新北京54（新1954年北京坐标系）",
}


def _datum_name(crs: CRS) -> str:
    geodetic = crs.geodetic_crs
    return "" if geodetic is None else geodetic.datum.name


def datum_label(crs: CRS) -> str:
    """The datum of ``crs`` as staff name it: 「CGCS2000（2000国家大地坐标系）」, 「西安80（…）」.

    Examples
    --------
    >>> datum_label(CRS.from_epsg(2385))
    '西安80（1980西安坐标系）'
    >>> datum_label(CRS.from_epsg(4549))
    'CGCS2000（2000国家大地坐标系）'
    """
    name = _datum_name(crs)
    if name in _OLD_DATUMS:
        return _OLD_DATUMS[name]
    if name.startswith("China 2000"):
        return "CGCS2000（2000国家大地坐标系）"
    if name.startswith("World Geodetic System 1984"):
        return "WGS 84"
    return name or crs.name


def datums_apart(a: CRS, b: CRS) -> bool:
    """Whether layers in ``a`` and ``b`` rest on datums no published transformation relates.

    True when the two datums differ and one of them is an earlier Chinese national datum
    (西安80, 北京54): PROJ would only ballpark one onto the other, leaving an offset of tens
    of metres unknown. CGCS2000 beside WGS 84 (both tied to the ITRF) is not apart.

    Examples
    --------
    >>> datums_apart(CRS.from_epsg(2385), CRS.from_epsg(4549))  # 西安80 beside CGCS2000
    True
    >>> datums_apart(CRS.from_epsg(2385), CRS.from_epsg(2364))  # both 西安80
    False
    >>> datums_apart(CRS.from_epsg(4326), CRS.from_epsg(4549))  # WGS 84 beside CGCS2000
    False
    """
    da, db = _datum_name(a), _datum_name(b)
    if da == db:
        return False
    if any(da.startswith(t) for t in _ITRF_DATUMS) and any(db.startswith(t) for t in _ITRF_DATUMS):
        return False
    return da in _OLD_DATUMS or db in _OLD_DATUMS


def older_datum_note(crs: CRS) -> str | None:
    """What a layer in 西安80 or 北京54 (``crs``) keeps and loses, for a warning; ``None`` in
    any other datum. Its areas and its overlay with layers of the same datum are right; its
    place beside CGCS2000 data (a basemap, another county) is not known to tens of metres
    (:func:`datums_apart`).

    Examples
    --------
    >>> older_datum_note(CRS.from_epsg(4549)) is None
    True
    >>> older_datum_note(CRS.from_epsg(2385)).startswith("坐标系为西安80")
    True
    """
    if _datum_name(crs) not in _OLD_DATUMS:
        return None
    code = crs.to_epsg()
    return (
        f"坐标系为{datum_label(crs)}（{crs.name}{f'，EPSG:{code}' if code else ''}），"
        "不是 CGCS2000（2000国家大地坐标系）：面积照常按该投影计算，与同一坐标系的图层照常叠加；"
        "但两者之间没有公开的转换参数，结果在地图底图上的位置、与 CGCS2000 数据（其他县区、"
        "省级汇总、新测图层）合并时的位置偏差无法确定（常达数十米）"
    )


def datum_issue(source: str, crs: CRS, parcels_crs: CRS, parcels: str | None = None) -> Issue:
    """The problem of a layer (or raster) ``source`` in ``crs`` whose datum is apart from that
    of the parcels (:func:`datums_apart`, file name ``parcels``): both datums named, and how
    to convert."""
    code = crs.to_epsg()
    parcels = f"宗地图层 {parcels} " if parcels else "宗地图层"
    return Issue(
        source, "坐标系", f"{crs.name}（EPSG:{code}）" if code else crs.name,
        f"坐标系为{datum_label(crs)}，{parcels}为{datum_label(parcels_crs)}；两者之间"
        "没有公开的转换参数，直接叠加只能把两种坐标当作相同，位置偏差无法确定（常达数十米），"
        "各宗地的叠加结果（规划用途、拆迁计划、镇街、建筑面积等）都不可靠",
        "用省、市测绘部门提供的转换参数（或其坐标转换软件）把西安80/北京54 的数据转换为 "
        "CGCS2000（2000国家大地坐标系）后重新导出；若只是 .prj 或栅格的坐标系定义写错、"
        "坐标本是 CGCS2000，在 ArcGIS/QGIS 中改正坐标系定义后重新导出",
    )  # fmt: skip


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


def _xy_text(x: float, y: float, kind: str) -> str:
    """The centre seen as a message prints it: degrees to 5 decimals (about 1 m), metres whole.

    Examples
    --------
    >>> _xy_text(120.5809, 30.0004, "degrees")
    '(120.58090, 30.00040)'
    >>> _xy_text(555962.4, 3325000.0, "plain")
    '(555,962, 3,325,000)'
    """
    if kind == "degrees":
        return f"({x:.5f}, {y:.5f})"
    shown = _shown_xy(x, y)
    return shown if isinstance(shown, str) else f"({shown[0]:,}, {shown[1]:,})"


def _kind_of_coordinates(x: float, y: float) -> str:
    if -180 <= x <= 180 and -90 <= y <= 90:
        return "degrees"
    if 1e7 <= x < 1e8 and 1e6 <= y < 1e7:
        return "prefixed"
    if 1e5 <= x < 1e6 and 1e6 <= y < 1e7:
        return "plain"
    return "unknown"


#: The kinds of coordinates of :func:`_kind_of_coordinates`, as a message names them.
_KIND_TEXT = {
    "degrees": "经纬度形式的数值",
    "plain": "不带带号的高斯-克吕格投影坐标（东坐标 6 位）",
    "prefixed": "带 3° 带号的高斯-克吕格投影坐标（东坐标 8 位）",
    "unknown": "浙江所用的哪种坐标都不像的数值",
}


def _centres(bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """X and Y of the centres of features' bounding boxes (``(n, 4)``: minx, miny, maxx, maxy)."""
    bounds = np.asarray(bounds, dtype=float).reshape(-1, 4)
    return (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2


def layer_centre(bounds: np.ndarray) -> tuple[float, float]:
    """The centre of a layer: the median of its features' centres.

    ``bounds`` holds one row per feature (minx, miny, maxx, maxy). The centre of the layer's
    extent moves with its farthest feature — one plot 500 km off, at a drawing's origin or
    with X and Y swapped puts it in another zone or in no zone at all — while the median stays
    where most features are; the CRS and the zone areas are measured in are decided there.

    >>> layer_centre(np.array([[0, 0, 2, 2], [10, 10, 12, 12], [1000, 1000, 1002, 1002]]))
    (11.0, 11.0)
    """
    xs, ys = _centres(bounds)
    return float(np.median(xs)), float(np.median(ys))


def _number_text(value: float) -> str:
    return f"{value:.5f}" if abs(value) < 1000 else f"{value:,.0f}"


@dataclass(frozen=True)
class StrayFeature:
    """A feature whose coordinates are of another kind than those of most of its layer."""

    position: int
    problem: str
    action: str


def stray_features(bounds: np.ndarray) -> list[StrayFeature]:
    """Features whose coordinates cannot be in the CRS of the rest of their layer.

    ``bounds`` holds one row per feature (minx, miny, maxx, maxy). When more than half the
    features share one kind of coordinates (longitude/latitude, a 6-digit or an 8-digit
    Gauss–Krüger easting), a feature of another kind is not of that CRS whatever the CRS is:
    its X and Y swapped (surveyors write X for the northing), typed in degrees, or left in a
    drawing's own coordinates. Eastings with and without the zone number are left to the
    refusal of a layer mixing them (:func:`_refuse_mixed_prefix`), which names the fix.
    """
    xs, ys = _centres(bounds)
    kinds = [_kind_of_coordinates(x, y) for x, y in zip(xs, ys, strict=True)]
    if not kinds:
        return []
    kind, n = Counter(kinds).most_common(1)[0]
    if kind == "unknown" or 2 * n <= len(kinds):
        return []
    others = f"图层中其余 {n} 个图形的坐标（{_KIND_TEXT[kind]}）"
    redo = "；本次该宗地的面积与空间分析为待核实"
    found = []
    for i, (seen, x, y) in enumerate(zip(kinds, xs, ys, strict=True)):
        if seen == kind or {seen, kind} == {"plain", "prefixed"}:
            continue
        shown = f"X {_number_text(x)}、Y {_number_text(y)}"
        if _kind_of_coordinates(y, x) == kind:
            problem = f"图形的横、纵坐标疑似互换：所见中心 {shown}，两者交换后才与{others}一致"
            action = (
                "在 ArcGIS/QGIS 中交换该要素的 X、Y 坐标（测量坐标习惯 X 为北坐标、Y 为东坐标，"
                "录入时常被对调）后重新导出" + redo
            )
        else:
            problem = (
                f"图形坐标为{_KIND_TEXT[seen]}（所见中心 {shown}），与{others}不是同一种坐标，"
                "不能按同一坐标系读取"
            )
            action = (
                "在 ArcGIS/QGIS 中把该要素改为与其余要素相同的坐标系（或重绘、删除）后重新导出"
                + redo
            )
        found.append(StrayFeature(i, problem + "；未采用该图形", action))
    return found


def _in_zhejiang(crs: CRS, x: float, y: float) -> bool:
    return _inside(*_lon_lat(crs, x, y))


def _inside(lon: float, lat: float) -> bool:
    """Is a point (degrees, CGCS2000) within :data:`ZHEJIANG_BOUNDS`?"""
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
        if not 25 <= zone <= 45:  # no 3° zone of China: the fix is that of any other number
            kind = "unknown"
    if kind == "prefixed":
        evidence.append(f"东坐标 {x:,.0f} 为 8 位，前两位 {zone} 为 3° 带号")
        return CRS.from_epsg(epsg_for_zone(zone)), evidence, warnings
    if kind != "plain":
        raise CRSError(
            [
                _reversed_order(x, y)
                or Issue(
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


def _reversed_order(x: float, y: float) -> Issue | None:
    """The problem of a layer whose X and Y are the other way round (latitude first, as
    systems exporting 「lat,lng」 write it, or the northing in X, as surveyors write it), or
    ``None`` when exchanging them gives no kind of coordinates Zhejiang uses either."""
    swapped = _kind_of_coordinates(y, x)
    if swapped == "unknown" or (swapped == "degrees" and not _inside(y, x)):
        return None
    return Issue(
        "坐标", None, f"X {_number_text(x)}、Y {_number_text(y)}",
        "坐标的 X、Y 顺序颠倒：两者交换后才是"
        + ("浙江境内的经纬度" if swapped == "degrees" else _KIND_TEXT[swapped]),
        "导出时把经度（或东坐标）写在 X、纬度（或北坐标）写在 Y（测量坐标习惯 X 为北坐标，"
        "录入 GIS 时须对调）；在 ArcGIS/QGIS 中交换 X、Y 后重新导出",
    )  # fmt: skip


def _refuse_mixed_prefix(
    bounds: tuple[float, float, float, float],
    features: np.ndarray | None = None,
    labels: Callable[[Sequence[int]], list[str]] | None = None,
) -> None:
    """A layer whose eastings run from 6 digits (555,900: no zone number) to 8 (40,555,900:
    zone 40 in front) mixes the two forms of one 3° zone — two exports merged into one layer.
    No one CRS reads both: the centre of the two (20,5xx,xxx) is in no zone at all, and either
    reading puts the other features 40,000 km away. Refused, with the fix.

    ``features`` (one row per feature: minx, miny, maxx, maxy) and ``labels`` (how a message
    names the features at given positions: 「第 N 行（宗地代码 …）」) name those of the rarer
    form, the ones to correct first."""
    x0, y0, x1, y1 = bounds
    if not (1e5 <= x0 < 1e6 and 1e7 <= x1 < 1e8 and y0 >= 1e6 and y1 < 1e7):
        return
    zone = int(x1 // 1_000_000)
    problem = (
        "图层中有的要素东坐标带 3° 带号（8 位，如 "
        f"{x1:,.0f} 的前两位 {zone}），有的不带（6 位，如 {x0:,.0f}），"
        "两种坐标混在一个图层中（常见于把两次导出合并），无法按同一坐标系读取"
    )
    if features is not None and labels is not None and len(features):
        # a feature is of the kind its centre is (strays of other kinds are set aside before)
        xs, ys = _centres(features)
        kinds = np.array([_kind_of_coordinates(x, y) for x, y in zip(xs, ys, strict=True)])
        prefixed, plain = kinds == "prefixed", kinds == "plain"
        n_pre, n_plain = int(prefixed.sum()), int(plain.sum())
        fewer = prefixed if n_pre <= n_plain else plain
        if n_pre and n_plain:
            which = "带带号" if n_pre <= n_plain else "不带带号"
            named = labels(np.flatnonzero(fewer)[:_NAMED_FEATURES].tolist())
            more = "等" if int(fewer.sum()) > len(named) else ""
            problem += f"：带带号的 {n_pre:,} 个、不带的 {n_plain:,} 个；{which}的是"
            problem += "、".join(named) + more
    raise CRSError(
        [
            Issue(
                "坐标", None, f"东坐标 {x0:,.0f} ～ {x1:,.0f}", problem,
                "在 ArcGIS/QGIS 中按东坐标（X）排序找出这两类要素，把带带号的东坐标减去 "
                f"{zone * 1_000_000:,}（或给不带的加上），统一后重新导出",
            )
        ]
    )  # fmt: skip


#: How many features of the rarer form a mixed-zone refusal names (the rest are counted).
_NAMED_FEATURES = 10


def resolve_crs(
    bounds: tuple[float, float, float, float],
    *,
    prj_crs: CRS | None,
    prj_text: str | None = None,
    county: str | None = None,
    user_crs: str | CRS | None = None,
    user_cm: int | None = None,
    centre: tuple[float, float] | None = None,
    features: np.ndarray | None = None,
    labels: Callable[[Sequence[int]], list[str]] | None = None,
) -> CRSDecision:
    """Decide which CRS a layer is in, with the evidence.

    Parameters
    ----------
    bounds
        ``(minx, miny, maxx, maxy)`` of the layer's raw coordinates.
    centre
        Where the layer is (:func:`layer_centre` of its features); the centre of ``bounds``
        when not given.
    prj_crs
        The CRS declared by the file (.prj or the format's own metadata), or ``None``.
    county
        A county code (e.g. the first 6 digits of the 宗地代码), used to pick the zone of a
        6-digit easting.
    user_crs, user_cm
        The user's choice; a CRS overrides everything, a central meridian decides the zone.
    features, labels
        Each feature's bounds (minx, miny, maxx, maxy) and how a message names the features at
        given positions (「第 N 行（宗地代码 …）」): a layer mixing eastings with and without the
        zone number is refused naming the features of the rarer form.
    """
    x, y = (
        centre if centre is not None else ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    )
    if not np.isfinite([x, y]).all():
        raise CRSError([Issue("坐标", None, bounds, "图层没有有效坐标", "检查几何是否为空")])
    _refuse_mixed_prefix(bounds, features, labels)
    kind = _kind_of_coordinates(x, y)
    if user_crs is not None:
        crs = CRS.from_user_input(user_crs)
        warnings = (
            [] if _consistent(crs, kind, x) else [f"用户指定的 {crs.name} 与坐标形态（{kind}）不符"]
        )
        if not warnings and kind in {"plain", "prefixed"}:
            lon, lat = _lon_lat(crs, x, y)
            if not _inside(lon, lat):
                where = _where(lon, lat)
                said = f"按用户指定的 {crs.name}，图层中心在 {where}，不在浙江境内；已照用"
                warnings.append(said)
        return CRSDecision(crs, "user", (f"用户指定坐标系 {crs.name}",), tuple(warnings))
    if prj_crs is not None and _consistent(prj_crs, kind, x):
        decision = _check_prj_zone(prj_crs, kind, x, y, county=county, cm=user_cm)
        return _with_unit_note(decision, prj_text, _xy_text(x, y, kind))
    crs, evidence, warnings = _infer(x, y, kind, county=county, cm=user_cm)
    if prj_crs is None:
        warnings.insert(0, f"{_no_prj(prj_text)}，推断为 {crs.name}（EPSG:{crs.to_epsg()}）")
        return CRSDecision(crs, "inferred", tuple(evidence), tuple(warnings))
    warnings.insert(
        0,
        f".prj 声明 {prj_crs.name}，但坐标 {_xy_text(x, y, kind)} 与之矛盾；"
        f"改按 {crs.name}（EPSG:{crs.to_epsg()}）读取",
    )
    return CRSDecision(crs, "corrected", tuple(evidence), tuple(warnings))


def _declared_unit(prj_text: str | None) -> tuple[str, float] | None:
    """The linear unit a projected .prj declares and its length in metres, when it is not the
    metre (a foot, a US survey foot); ``None`` otherwise or when the text is no CRS."""
    if not prj_text:
        return None
    try:
        declared = CRS.from_user_input(prj_text)
    except PyprojCRSError:
        return None
    if not declared.is_projected or not declared.axis_info:
        return None
    axis = declared.axis_info[0]
    factor = float(axis.unit_conversion_factor)
    return None if abs(factor - 1.0) < 1e-12 else (axis.unit_name, factor)


def _with_unit_note(decision: CRSDecision, prj_text: str | None, seen: str) -> CRSDecision:
    """``decision`` with a warning when the .prj declares another length unit than the metre
    (a CGCS2000 zone in US survey feet) while the CRS the coordinates were read in is in
    metres (they fit its zone as metres, :func:`_check_prj_zone`): said, not silently used.

    >>> wkt = CRS.from_epsg(4549).to_wkt("WKT1_ESRI").replace(
    ...     'UNIT["Meter",1.0]', 'UNIT["Foot_US",0.3048006096012192]')
    >>> decision = CRSDecision(CRS.from_epsg(4549), "prj", ())
    >>> said = _with_unit_note(decision, wkt, "(555,900, 3,320,200)").warnings[0]
    >>> said[:49]
    '.prj 声明的长度单位是「US survey foot」（1 单位 = 0.3048006 米）'
    >>> said[-26:]
    '：已按米读取（EPSG:4549），面积按平方米计算'
    """
    unit = _declared_unit(prj_text)
    crs = decision.crs
    if unit is None or not crs.is_projected or not crs.axis_info:
        return decision
    if abs(float(crs.axis_info[0].unit_conversion_factor) - 1.0) > 1e-12:
        return decision  # read in the unit declared: nothing was changed
    name, factor = unit
    said = (
        f".prj 声明的长度单位是「{name}」（1 单位 = {factor:.7g} 米），但坐标 {seen} 按米计才与 "
        f"{crs.name} 相符：已按米读取（{decision.epsg}），面积按平方米计算"
    )
    return CRSDecision(crs, decision.source, decision.evidence, (*decision.warnings, said))


def _no_prj(prj_text: str | None) -> str:
    """Why a layer declares no CRS: no .prj (``None``), an empty one, or one that is no CRS.

    >>> _no_prj("这是坐标系文件 CGCS2000 120")
    "有 .prj 文件，但其内容无法识别为坐标系（内容：'这是坐标系文件 CGCS2000 120'）"
    """
    if prj_text is None:
        return "文件没有 .prj（或未声明坐标系）"
    if not prj_text.strip():
        return "有 .prj 文件，但它是空的（未声明坐标系）"
    return f"有 .prj 文件，但其内容无法识别为坐标系（内容：{prj_text.strip()[:80]!r}）"


# How far (degrees of longitude) a layer's centre may lie from its county's rough centroid
# (landgov.province.counties, ±0.1°) and still be that county's: the widest counties span about
# 1°, and a wrong 3° zone moves a 6-digit easting about 3° east or west.
_COUNTY_REACH = 1.5


def _lon_lat(crs: CRS, x: float, y: float) -> tuple[float, float]:
    lon, lat = transformer(crs, CGCS2000_GEOGRAPHIC).transform(x, y)
    return float(lon), float(lat)


def _county_place(code: str | None) -> tuple[str, float] | None:
    """Name and rough centroid longitude of a Zhejiang county, or ``None`` when unknown."""
    if not code:
        return None
    # Imported here: landgov.province builds on this module, and is needed only in this rare
    # path (a .prj whose zone is in doubt).
    from landgov.province.counties import county as lookup

    try:
        found = lookup(str(code).strip()[:6])
    except KeyError:
        return None
    return found.name, found.lon


def _fits_county(lon: float, county: str | None) -> bool:
    """Can a layer centred at ``lon`` belong to ``county`` (``True`` when the code says nothing)?"""
    place = _county_place(county)
    if place is not None:
        return abs(lon - place[1]) <= _COUNTY_REACH
    county_cm = cm_for_county(county)
    return county_cm is None or abs(lon - county_cm) <= 1.5 + 0.5


def _plain_cm(crs: CRS) -> int | None:
    """Central meridian of an unprefixed CGCS2000 3° GK CRS (EPSG 4534–4554), else ``None``."""
    code = crs.to_epsg() or 0
    return 75 + 3 * (code - 4534) if 4534 <= code <= 4554 else None


def _where(lon: float, lat: float) -> str:
    return f"{lon:.2f}°E、{lat:.2f}°N"


def _check_prj_zone(
    prj_crs: CRS, kind: str, x: float, y: float, *, county: str | None, cm: int | None
) -> CRSDecision:
    """Honour a .prj that agrees with the coordinates' kind, unless its zone is plainly wrong.

    A 6-digit easting fits every zone, so a .prj naming the wrong central meridian (EPSG:4550
    for a 120°E layer) would put the layer 3° away — in the sea or in Anhui — with areas that
    barely change. The centre is therefore checked against Zhejiang and the county of the
    宗地代码; when the .prj's zone fails and exactly one other Zhejiang zone passes, that zone is
    used and said. A central meridian given by the user decides between plain zones.
    """
    name = f"{prj_crs.name}（EPSG:{prj_crs.to_epsg()}）"
    evidence = [f".prj 声明 {name}，与坐标形态一致"]
    prj_cm = _plain_cm(prj_crs)
    if cm is not None and prj_cm is not None and prj_cm != cm:
        chosen = CRS.from_epsg(epsg_for_cm(cm))
        evidence.append(f"使用用户指定的中央经线 {cm}°E")
        said = f".prj 声明 {name}，按用户指定的中央经线 {cm}°E 读取（EPSG:{chosen.to_epsg()}）"
        return CRSDecision(chosen, "user", tuple(evidence), (said,))
    if prj_crs.is_geographic or kind not in {"plain", "prefixed"}:
        return CRSDecision(prj_crs, "prj", tuple(evidence))
    lon, lat = _lon_lat(prj_crs, x, y)
    inside = _inside(lon, lat)
    if inside and _fits_county(lon, county):
        return CRSDecision(prj_crs, "prj", tuple(evidence))
    place = _county_place(county)
    county_text = f"{place[0]}（{county}，约 {place[1]:.1f}°E）" if place else f"县级代码 {county}"
    why = "不在浙江境内" if not inside else f"离宗地代码所示的{county_text}太远"
    evidence.append(f"按 .prj 换算，图层中心在 {_where(lon, lat)}，{why}")
    # Only an unprefixed zone can be wrong this way: a prefixed easting carries its own zone.
    others = [] if prj_cm is None else [c for c in (117, 120, 123) if c != prj_cm]
    fits = []
    for other in others:
        crs = CRS.from_epsg(epsg_for_cm(other))
        o_lon, o_lat = _lon_lat(crs, x, y)
        if _inside(o_lon, o_lat) and _fits_county(o_lon, county):
            fits.append((crs, o_lon, o_lat))
    if inside or len(fits) != 1:
        # Inside Zhejiang the .prj may be right and the code wrong; with no single zone that
        # fits, nothing is guessed: the .prj is kept and the doubt said.
        shown = [f"EPSG:{c.to_epsg()}" for c, _, _ in fits]
        evidence.append(f"其他投影带中符合的：{'、'.join(shown) or '无'}")
        maybe = f"（按 {'或'.join(shown)} 则符合）" if shown else "，其他投影带也都不符合"
        said = (
            f".prj 声明 EPSG:{prj_crs.to_epsg()}，按此图层中心在 {_where(lon, lat)}，{why}"
            f"{maybe}；仍按 .prj 读取。核对 .prj 和坐标，可用 landgov inspect --crs 试读"
        )
        return CRSDecision(prj_crs, "prj", tuple(evidence), (said,))
    chosen, c_lon, c_lat = fits[0]
    code = chosen.to_epsg()
    evidence.append(f"按 EPSG:{code} 换算，图层中心在 {_where(c_lon, c_lat)}，在浙江境内")
    county_why = f"，符合宗地代码所示的{county_text}" if county else ""
    said = (
        f".prj 声明 EPSG:{prj_crs.to_epsg()}（中央经线 {prj_cm}°E），但按此图层中心在 "
        f"{_where(lon, lat)}，{why}；改按 EPSG:{code}（中央经线 {_plain_cm(chosen)}°E）读取，"
        f"图层中心在 {_where(c_lon, c_lat)}{county_why}。核对 .prj 并改正后重新导出"
        f"（按 EPSG:{prj_crs.to_epsg()} 图层在浙江境外，无法筛查）；"
        f"如需按 .prj 查看，landgov inspect 可用 --crs EPSG:{prj_crs.to_epsg()} 试读"
        "（Python：crs=）"
    )
    return CRSDecision(chosen, "corrected", tuple(evidence), (said,))
