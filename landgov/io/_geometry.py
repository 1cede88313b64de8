"""Geometry checks for polygon layers: repair, emptiness, wrong types, overlaps.

Every layer landgov reads (宗地, 规划, 拆迁, 特殊区块, 镇街, 建筑) must hold polygons. A whole layer
of points or lines is a file-level error (:func:`require_polygons`); a point or line among
polygons is a rejected row; a GeometryCollection keeps its polygon parts with a warning.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from landgov.core.problems import ProblemLog, Severity
from landgov.crs import stray_features
from landgov.errors import GeometryError, Issue
from landgov.io._geos import CHECK_UNTIL_FIXED, REPAIR, validity_text

__all__ = ["find_overlaps", "repair_polygons", "require_polygons", "type_label"]

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
    coords = shapely.get_coordinates(geom).ravel()
    with np.errstate(invalid="ignore"):
        bad = coords[~(np.abs(coords) <= _COORD_LIMIT)]
    return f"{bad[0]:.6g}" if bad.size else "?"


def repair_polygons(
    geoms: gpd.GeoSeries, *, rows: np.ndarray, log: ProblemLog, id_values: np.ndarray
) -> tuple[gpd.GeoSeries, np.ndarray, np.ndarray]:
    """Repair invalid rings with ``make_valid`` and keep polygonal parts.

    Returns
    -------
    tuple of (GeoSeries, ndarray, ndarray)
        The repaired series (same index); a boolean mask of rows that have no usable polygon
        (null, empty, not polygonal even after repair); and the mask of rows among those whose
        geometry is a point or line (no polygon part at all), which the reader rejects. Every
        change is logged with the area before and after.
    """
    values = geoms.to_numpy().copy()
    unusable = np.zeros(len(values), dtype=bool)
    missing = shapely.is_missing(values) | shapely.is_empty(values)
    for i in np.flatnonzero(missing):
        unusable[i] = True
        log.add(
            "几何为空（无图形）",
            row=int(rows[i]),
            field="geometry",
            value=id_values[i],
            action="补绘该宗地图形；面积与空间分析将标为待核实",
        )
    for i in _non_finite(values, ~missing):
        seen = _first_bad_coordinate(values[i])
        unusable[i] = True
        missing[i] = True
        values[i] = None
        log.add(
            f"图形坐标含 NaN、无穷大或超出任何坐标系范围的数值（绝对值大于 1e9；所见 {seen}），"
            "无法使用",
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
    for i in np.flatnonzero(invalid):
        reason = validity_text(shapely.is_valid_reason(values[i]))
        before = area(values[i])
        fixed = _polygonal_part(shapely.make_valid(values[i]))
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
        changed = f"{before:,.1f}" != f"{after:,.1f}"
        log.add(
            f"几何无效（{reason}），已{REPAIR}：面积 {before:,.1f}→{after:,.1f} 平方米",
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
    return gpd.GeoSeries(values, index=geoms.index, crs=geoms.crs), unusable, wrong_type


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
