"""Geometry checks for polygon layers: repair, emptiness, wrong types, overlaps.

Every layer landgov reads (宗地, 规划, 拆迁, 特殊区块, 镇街, 建筑) must hold polygons. A whole layer
of points or lines is a file-level error (:func:`require_polygons`); a point or line among
polygons is a rejected row; a GeometryCollection keeps its polygon parts with a warning.
"""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from landgov.core.problems import ProblemLog, Severity
from landgov.crs import stray_features
from landgov.errors import GeometryError, Issue
from landgov.io._geos import CHECK_UNTIL_FIXED, REPAIR, validity_text

__all__ = [
    "Repaired",
    "find_overlaps",
    "non_finite_text",
    "repair_polygons",
    "require_polygons",
    "type_label",
    "wkb_non_finite",
]

_POLYGONAL = {"Polygon", "MultiPolygon"}
TYPE_LABELS = {
    "Point": "点",
    "MultiPoint": "多点",
    "LineString": "线",
    "MultiLineString": "多线",
    "LinearRing": "线环",
    "GeometryCollection": "几何集合",
    "Polygon": "面",
    "MultiPolygon": "多面",
}


def type_label(kind: str) -> str:
    """``线（LineString）``: the Chinese name of a geometry type, then the type."""
    return f"{TYPE_LABELS.get(kind, kind)}（{kind}）"


def _polygonal_part(geom: BaseGeometry) -> BaseGeometry | None:
    """Keep the polygonal part of a geometry (e.g. of the collection make_valid returns)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in _POLYGONAL]
    polys = [p for g in parts for p in (g.geoms if g.geom_type == "MultiPolygon" else [g])]
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


# No coordinate system has coordinates this large (a Gauss–Krüger easting with its zone number
# is about 4e7 m, Web Mercator at most 2e7 m): a vertex beyond it (1e300, 1e20) is a broken
# export, and one such feature would stretch the layer's extent so that no CRS fits it.
_COORD_LIMIT = 1e9


def _non_finite(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Positions of geometries with a NaN, infinite or absurdly large vertex (beyond
    :data:`_COORD_LIMIT`): GEOS cannot work on them, and the CRS cannot be told with them."""
    positions = np.flatnonzero(present)
    coords, index = shapely.get_coordinates(values[positions], return_index=True)
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(coords) <= _COORD_LIMIT).all(axis=1)  # NaN compares False
    return positions[np.unique(index[bad])]


def _first_bad_coordinate(geom: BaseGeometry) -> str:
    """The first vertex coordinate beyond :data:`_COORD_LIMIT` (or NaN), as text."""
    return _bad_text(shapely.get_coordinates(geom).ravel())


def _bad_text(coords: np.ndarray) -> str:
    with np.errstate(invalid="ignore"):
        bad = coords[~(np.abs(coords) <= _COORD_LIMIT)]
    return f"{bad[0]:.6g}" if bad.size else "?"


def non_finite_text(seen: str) -> str:
    """What a problem row says of a shape with a NaN, infinite or absurd coordinate (``seen``:
    the first such, as text): one message wherever the shape is found so (built by GEOS, or
    not even built because a NaN first vertex leaves its ring unclosed)."""
    return (
        f"图形坐标含 NaN、无穷大或超出任何坐标系范围的数值（绝对值大于 1e9；所见 {seen}），无法使用"
    )


#: a WKB geometry type's number (ISO: + 1000 Z, 2000 M, 3000 ZM) → what follows its header
_WKB_POINT, _WKB_LINE, _WKB_POLYGON = 1, 2, 3
_WKB_MULTI = frozenset({4, 5, 6, 7})  # Multi* and GeometryCollection: nested geometries
_EWKB_Z, _EWKB_M, _EWKB_SRID = 0x80000000, 0x40000000, 0x20000000


def wkb_non_finite(data: bytes) -> str | None:
    """The first coordinate beyond :data:`_COORD_LIMIT` (or NaN) of the WKB ``data``, as
    text, read from its bytes (ISO or extended WKB); ``None`` when every coordinate is finite
    or the bytes are no WKB read so. For a shape GEOS will not build: a polygon whose first
    vertex is NaN has a ring that does not close (NaN equals nothing), and is refused before
    any coordinate is looked at.

    >>> ring = [(float("nan"), 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    >>> wkb = struct.pack("<BIII", 1, 3, 1, 4) + b"".join(struct.pack("<2d", *p) for p in ring)
    >>> wkb_non_finite(wkb), wkb_non_finite(shapely.box(0, 0, 1, 1).wkb)
    ('nan', None)
    """
    coords: list[np.ndarray] = []
    try:
        end = _wkb_walk(memoryview(data), 0, coords)
    except (struct.error, ValueError, IndexError, RecursionError):
        return None
    if end is None or not coords:
        return None
    text = _bad_text(np.concatenate(coords))
    return None if text == "?" else text


def _wkb_walk(data: memoryview, at: int, coords: list[np.ndarray]) -> int | None:
    """Read the WKB geometry at byte ``at`` of ``data``, adding its coordinates to
    ``coords``; the byte after it, or ``None`` for a type not known."""
    order = "<" if data[at] == 1 else ">"
    (kind,) = struct.unpack_from(f"{order}I", data, at + 1)
    at += 5
    dims = 2 + bool(kind & _EWKB_Z) + bool(kind & _EWKB_M)
    if kind & _EWKB_SRID:
        at += 4
    base = kind & 0x0FFFFFFF
    dims += {1: 1, 2: 1, 3: 2}.get(base // 1000, 0)  # ISO: Z, M, ZM
    base %= 1000
    if base == _WKB_POINT:
        return _wkb_points(data, at, n=1, dims=dims, order=order, coords=coords)
    if base == _WKB_LINE:
        (n,) = struct.unpack_from(f"{order}I", data, at)
        return _wkb_points(data, at + 4, n=n, dims=dims, order=order, coords=coords)
    if base == _WKB_POLYGON:
        (rings,) = struct.unpack_from(f"{order}I", data, at)
        at += 4
        for _ in range(rings):
            (n,) = struct.unpack_from(f"{order}I", data, at)
            at = _wkb_points(data, at + 4, n=n, dims=dims, order=order, coords=coords)
        return at
    if base in _WKB_MULTI:
        (parts,) = struct.unpack_from(f"{order}I", data, at)
        at += 4
        for _ in range(parts):
            after = _wkb_walk(data, at, coords)
            if after is None:
                return None
            at = after
        return at
    return None


def _wkb_points(
    data: memoryview, at: int, *, n: int, dims: int, order: str, coords: list[np.ndarray]
) -> int:
    """Add the ``n`` points of ``dims`` doubles at byte ``at`` to ``coords``; the byte after."""
    end = at + 8 * n * dims
    if end > len(data):
        raise ValueError("WKB cut short")
    coords.append(np.frombuffer(data[at:end], dtype=f"{order}f8"))
    return end


class Repaired(NamedTuple):
    """What :func:`repair_polygons` gives back; every mask is aligned with the input."""

    geoms: gpd.GeoSeries
    """The repaired series (same index and CRS)."""
    unusable: np.ndarray
    """Rows with no usable polygon (null, empty, not polygonal even after repair)."""
    wrong_type: np.ndarray
    """Rows among ``unusable`` whose geometry is a point or line, which the reader rejects."""
    area_unknown: np.ndarray
    """Rows whose repaired shape is kept but whose area is not used (:func:`_area_lost`)."""


#: pieces (parts of a multipart shape, holes of a polygon) that overlap by less than this share
#: of their summed area are taken as touching, not overlapping (floating-point noise)
_OVERLAP_NOISE = 1e-9

#: a repair keeping less than this share of the summed area of a shape's parts (each made valid
#: alone) has thrown away much of what was drawn: its area is a guess …
_KEPT_SHARE = 0.5

#: … unless it agrees with the registered 宗地面积 within this share (the shipped profile's
#: ``linking.area_tolerance`` for the same comparison)
_REGISTERED_MATCH = 0.05


def repair_polygons(
    geoms: gpd.GeoSeries,
    *,
    rows: np.ndarray,
    log: ProblemLog,
    id_values: np.ndarray,
    registered_m2: np.ndarray | None = None,
    unread: Mapping[int, str] | None = None,
) -> Repaired:
    """Repair invalid rings with ``make_valid`` and keep polygonal parts.

    A row with no geometry is said as such, or, when it is in ``unread`` (position → why: a
    shape in the file the reader could not build, :func:`landgov.io.parcels.from_wkb_by_row`),
    by that reason alone — one message for one cause.

    Parts of one multipart shape that overlap (a plot digitised twice, a bad merge), and holes
    of one polygon that repeat or overlap, are read as their union (:func:`_repair`): the
    default ``make_valid`` would keep only the land covered an odd number of times. A repair
    that keeps less than half the summed area of the parts and does not match the registered
    area (``registered_m2``, m², per row; missing counts as not matching) keeps its shape, but
    its area is not used (``area_unknown``).

    Every change is logged with the area before and after.
    """
    values = geoms.to_numpy().copy()
    unusable = np.zeros(len(values), dtype=bool)
    missing = shapely.is_missing(values) | shapely.is_empty(values)
    for i in np.flatnonzero(missing):
        unusable[i] = True
        why = (unread or {}).get(int(i))
        log.add(
            why or "几何为空（无图形）",
            row=int(rows[i]),
            field="geometry",
            value=id_values[i],
            action=(
                "在 ArcGIS/QGIS 中检查并重绘该宗地的图形后重新导出；面积与空间分析将标为待核实"
                if why
                else "补绘该宗地图形；面积与空间分析将标为待核实"
            ),
        )
    for i in _non_finite(values, ~missing):
        seen = _first_bad_coordinate(values[i])
        unusable[i] = True
        missing[i] = True
        values[i] = None
        log.add(
            non_finite_text(seen),
            row=int(rows[i]),
            field="geometry",
            value=id_values[i],
            action="在 GIS 软件中检查并重绘该宗地；面积与空间分析将标为待核实",
        )
    wrong_type = _keep_polygon_parts(values, ~missing, rows=rows, log=log, ids=id_values)
    unusable |= wrong_type
    present = ~missing & ~wrong_type
    strays = _drop_strays(values, present, rows=rows, log=log, ids=id_values)
    unusable |= strays
    present &= ~strays
    invalid = np.zeros(len(values), dtype=bool)
    invalid[present] = ~shapely.is_valid(values[present])
    area = _area_m2(geoms.crs)
    area_unknown = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(invalid):
        reason = validity_text(shapely.is_valid_reason(values[i]))
        before = area(values[i])
        fixed, how = _repair(values[i])
        drawn = _parts_area(values[i], area)
        values[i] = fixed
        if fixed is None:
            unusable[i] = True
            log.add(
                f"几何无效且无法修复为面（{reason}）",
                row=int(rows[i]),
                field="geometry",
                value=id_values[i],
                action="在 GIS 软件中重绘该宗地",
            )
            continue
        after = area(fixed)
        registered = None if registered_m2 is None else registered_m2[i]
        lost = _area_lost(after, drawn, registered)
        area_unknown[i] = lost is not None
        changed = f"{before:,.1f}" != f"{after:,.1f}"
        log.add(
            f"几何无效（{reason}），已{REPAIR}{how}：面积 {before:,.1f}→{after:,.1f} 平方米"
            + (lost or ""),
            row=int(rows[i]),
            field="geometry",
            value=id_values[i],
            action="在 ArcGIS/QGIS 中核对该宗地的边界并修正后重新导出；"
            + (
                f"修复改变了面积（修复前 {before:,.1f} 平方米，修复后 {after:,.1f} 平方米），"
                if changed
                else ""
            )
            + CHECK_UNTIL_FIXED,
            severity=Severity.WARNING,
        )
    repaired = gpd.GeoSeries(values, index=geoms.index, crs=geoms.crs)
    return Repaired(repaired, unusable, wrong_type, area_unknown)


def _repair(geom: BaseGeometry) -> tuple[BaseGeometry | None, str]:
    """The valid polygonal form of ``geom`` and how it was reached (「」 for plain
    ``make_valid``, else a clause for the problem row).

    Pieces of one shape that overlap are one piece of land drawn twice, not land to cut out:
    the parts of a multipart shape are made valid one by one and united; holes that repeat or
    overlap are united before they are taken off the outer ring. ``make_valid``'s default
    (linework) keeps what an odd number of pieces cover, so two copies of a plot shifted by
    10 m became a thin frame and a hole listed twice vanished. Everything else (bow ties,
    self-touching rings, spikes) is left to ``make_valid``, which repairs it well.
    """
    if geom.geom_type == "MultiPolygon":
        parts = [p for p in (_repair(g)[0] for g in geom.geoms) if p is not None]
        if _overlap(parts):
            return _polygonal_part(shapely.union_all(parts)), "，各部件相互重叠，已按各部件的并集计"
    elif geom.geom_type == "Polygon" and len(geom.interiors) > 1:
        holes = [shapely.make_valid(shapely.Polygon(ring)) for ring in geom.interiors]
        if _overlap(holes):
            shell = shapely.make_valid(shapely.Polygon(geom.exterior))
            fixed = _polygonal_part(shapely.difference(shell, shapely.union_all(holes)))
            return fixed, "，内环（洞）重复或相互重叠，已按各洞的并集扣除"
    return _polygonal_part(shapely.make_valid(geom)), ""


def _overlap(pieces: list[BaseGeometry]) -> bool:
    """Whether valid ``pieces`` overlap one another by more than :data:`_OVERLAP_NOISE`."""
    if len(pieces) < 2:
        return False
    total = sum(p.area for p in pieces)
    return total - shapely.union_all(pieces).area > _OVERLAP_NOISE * total


def _parts_area(geom: BaseGeometry, area: Callable[[shapely.Geometry], float]) -> float:
    """The summed area (m²) of the parts of a multipart shape, each made valid alone (what was
    drawn, overlaps counted as often as drawn); NaN for a single polygon, whose one part is
    its repair."""
    if geom.geom_type != "MultiPolygon":
        return float("nan")
    parts = (_repair(g)[0] for g in geom.geoms)
    return sum(area(p) for p in parts if p is not None)


def _area_lost(after: float, drawn: float, registered: Any) -> str | None:
    """The clause saying a repaired area is not used, or None when it is.

    The area is not used when the repair kept less than :data:`_KEPT_SHARE` of the parts'
    summed area ``drawn`` and the registered area does not confirm it (missing, or off by more
    than :data:`_REGISTERED_MATCH`): which of the overlapping boundaries is the plot's cannot
    be told from the drawing.
    """
    if not after < _KEPT_SHARE * drawn:  # NaN (one polygon) compares False
        return None
    try:
        known = float(registered)
    except (TypeError, ValueError):
        known = float("nan")
    if known > 0 and abs(after - known) <= _REGISTERED_MATCH * known:
        return None
    check = f"，与登记面积 {known:,.1f} 平方米也不符" if known > 0 else "，且没有登记面积可核对"
    return (
        f"；修复后只剩各部件面积之和 {drawn:,.1f} 平方米的 {after / drawn:.0%}{check}，"
        "面积按缺失处理，相关亩均指标为待核实"
    )


def _drop_strays(
    values: np.ndarray, present: np.ndarray, *, rows: np.ndarray, log: ProblemLog, ids: np.ndarray
) -> np.ndarray:
    """Set aside (in place: no geometry) the shapes whose coordinates are of another kind than
    those of most of the layer (:func:`landgov.crs.stray_features`): one plot with X and Y
    swapped or typed in degrees would otherwise decide the layer's CRS. Returns their mask."""
    dropped = np.zeros(len(values), dtype=bool)
    positions = np.flatnonzero(present)
    for stray in stray_features(shapely.bounds(values[positions])):
        i = positions[stray.position]
        values[i] = None
        dropped[i] = True
        log.add(
            stray.problem, row=int(rows[i]), field="geometry", value=ids[i], action=stray.action
        )
    return dropped


def _area_m2(crs: Any) -> Callable[[shapely.Geometry], float]:
    """The area of a geometry in m² for the messages: geodesic on the CRS's ellipsoid where
    the layer is in degrees (CGCS2000 经纬度), planar (the projected CRS's metres) otherwise."""
    geod = crs.get_geod() if crs is not None and crs.is_geographic else None
    if geod is None:
        return lambda geom: float(geom.area)
    return lambda geom: abs(geod.geometry_area_perimeter(geom)[0])


def _keep_polygon_parts(
    values: np.ndarray,
    candidates: np.ndarray,
    *,
    rows: np.ndarray,
    log: ProblemLog,
    ids: np.ndarray,
) -> np.ndarray:
    """Reduce collections to their polygon parts (in place); mask of rows with none at all
    (points, lines, collections without a polygon), whose geometry is left as it is."""
    wrong = np.zeros(len(values), dtype=bool)
    types = shapely.get_type_id(values)
    for i in np.flatnonzero(candidates & ~np.isin(types, [3, 6])):
        kind = values[i].geom_type
        parts = Counter(g.geom_type for g in getattr(values[i], "geoms", [values[i]]))
        fixed = _polygonal_part(values[i])
        if fixed is None:  # the point/line itself is kept for the rejected row
            wrong[i] = True
            log.add(
                f"该行未采用：几何类型为{type_label(kind)}，不是面",
                row=int(rows[i]),
                field="geometry",
                value=ids[i],
                action="本图层须为面要素：在 GIS 软件中把该要素改绘为面，或从图层中删除",
            )
            continue
        values[i] = fixed
        dropped = "、".join(
            f"{type_label(k)} {n} 个" for k, n in sorted(parts.items()) if k not in _POLYGONAL
        )
        if not dropped:  # only polygons in it: read as they are, nothing left out
            log.add(
                f"几何为{type_label(kind)}，其中只有面（{parts.total()} 个），已按面读取",
                row=int(rows[i]),
                field="geometry",
                value=ids[i],
                action="无需处理",
                severity=Severity.INFO,
            )
            continue
        log.add(
            f"几何为{type_label(kind)}，已只保留其中的面部分，舍弃 {dropped}",
            row=int(rows[i]),
            field="geometry",
            value=ids[i],
            action="核对该要素：如点/线部分有意义，请在 GIS 软件中另行处理",
            severity=Severity.WARNING,
        )
    return wrong


def require_polygons(geoms: gpd.GeoSeries, *, source: str, layer: str | None) -> None:
    """Raise :class:`~landgov.errors.GeometryError` when no geometry of the layer is polygonal.

    Null and empty geometries are not counted; a layer of only those is left to the row checks.
    A GeometryCollection with a polygon part counts as polygonal.
    """
    values = geoms.to_numpy()
    present = values[~(shapely.is_missing(values) | shapely.is_empty(values))]
    if not len(present) or any(_polygonal_part(g) is not None for g in present):
        return
    kinds = Counter(g.geom_type for g in present)
    seen = "，".join(f"{type_label(k)} {n} 个" for k, n in kinds.most_common())
    where = f"图层「{layer}」" if layer else "图层"
    raise GeometryError(
        [
            Issue(
                source,
                "geometry",
                seen,
                f"{where}的 {len(present)} 个图形全部是点或线，没有面；宗地、规划、拆迁、"
                "特殊区块、镇街和建筑图层都须为面（Polygon/MultiPolygon）",
                "确认选对了文件和图层；如只有点位或边界线，请先在 GIS 软件中绘制成面再读取",
            )
        ]
    )


def find_overlaps(
    geoms: gpd.GeoSeries, *, min_area_m2: float = 1.0
) -> list[tuple[int, int, float]]:
    """Pairs of positions ``(i, j)`` (i < j) whose polygons overlap by more than ``min_area_m2``.

    Uses the spatial index, then computes intersection areas vectorised. Touching parcels
    (shared edges) have zero overlap and are not reported; with a positive ``min_area_m2``
    they are dropped first by the cheaper DE-9IM test (interiors meeting in an area), since
    neighbouring parcels that share a boundary are most of the candidate pairs.
    """
    valid = ~(geoms.isna() | geoms.is_empty).to_numpy()
    arr = geoms.to_numpy()
    left, right = geoms.sindex.query(arr, predicate="intersects")
    keep = (left < right) & valid[left] & valid[right]
    left, right = left[keep], right[keep]
    if len(left) and min_area_m2 > 0:
        inner = shapely.relate_pattern(arr[left], arr[right], "2********")
        left, right = left[inner], right[inner]
    if len(left) == 0:
        return []
    areas = shapely.area(shapely.intersection(arr[left], arr[right]))
    big = areas > min_area_m2
    return [
        (int(i), int(j), float(a))
        for i, j, a in zip(left[big], right[big], areas[big], strict=True)
    ]
