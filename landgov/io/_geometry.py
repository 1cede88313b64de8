"""Geometry checks for parcel layers: repair, emptiness, overlaps."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from landgov.io.problems import ProblemLog, Severity

__all__ = ["find_overlaps", "repair_polygons"]

_POLYGONAL = {"Polygon", "MultiPolygon"}


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


def _non_finite(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Positions of geometries with a NaN or infinite vertex (GEOS cannot work on them)."""
    positions = np.flatnonzero(present)
    coords, index = shapely.get_coordinates(values[positions], return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    return positions[np.unique(index[bad])]


def repair_polygons(
    geoms: gpd.GeoSeries, *, rows: np.ndarray, log: ProblemLog, id_values: np.ndarray
) -> tuple[gpd.GeoSeries, np.ndarray]:
    """Repair invalid rings with ``make_valid`` and keep polygonal parts.

    Returns the repaired series (same index) and a boolean mask of rows that have no usable
    polygon (null, empty, or not polygonal even after repair). Every change is logged with the
    area before and after.
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
        unusable[i] = True
        missing[i] = True
        values[i] = None
        log.add(
            "图形坐标含 NaN 或无穷大（非数值），无法使用",
            row=int(rows[i]),
            field="geometry",
            value=id_values[i],
            action="在 GIS 软件中检查并重绘该宗地；面积与空间分析将标为待核实",
        )
    present = ~missing
    invalid = np.zeros(len(values), dtype=bool)
    invalid[present] = ~shapely.is_valid(values[present])
    for i in np.flatnonzero(invalid):
        reason = shapely.is_valid_reason(values[i])
        before = values[i].area
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
        log.add(
            f"几何无效（{reason}），已用 make_valid 修复：面积 {before:,.1f}→{fixed.area:,.1f} m²",
            row=int(rows[i]),
            field="geometry",
            value=id_values[i],
            action="核对修复后的图形",
            severity=Severity.WARNING,
        )
    types = shapely.get_type_id(values)
    not_poly = present & ~unusable & ~np.isin(types, [3, 6])
    for i in np.flatnonzero(not_poly):
        kind = values[i].geom_type
        fixed = _polygonal_part(values[i])
        values[i] = fixed
        if fixed is None:
            unusable[i] = True
            log.add(
                f"几何类型为 {kind}，不是面",
                row=int(rows[i]),
                field="geometry",
                value=id_values[i],
                action="宗地图层应为面要素",
            )
    return gpd.GeoSeries(values, index=geoms.index, crs=geoms.crs), unusable


def find_overlaps(
    geoms: gpd.GeoSeries, *, min_area_m2: float = 1.0
) -> list[tuple[int, int, float]]:
    """Pairs of positions ``(i, j)`` (i < j) whose polygons overlap by more than ``min_area_m2``.

    Uses the spatial index, then computes intersection areas vectorised. Touching parcels
    (shared edges) have zero overlap and are not reported.
    """
    valid = ~(geoms.isna() | geoms.is_empty).to_numpy()
    arr = geoms.to_numpy()
    left, right = geoms.sindex.query(arr, predicate="intersects")
    keep = (left < right) & valid[left] & valid[right]
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return []
    areas = shapely.area(shapely.intersection(arr[left], arr[right]))
    big = areas > min_area_m2
    return [
        (int(i), int(j), float(a))
        for i, j, a in zip(left[big], right[big], areas[big], strict=True)
    ]
