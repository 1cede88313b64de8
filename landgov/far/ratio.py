"""容积率 (floor-area ratio) per parcel, the floors it is measured against, and the headroom.

.. math:: \\text{容积率} = \\frac{\\text{floor area (m²)}}{\\text{land area (m²)}}

Two floor areas are kept per parcel: ``floor_area_m2``, the real floor area (建筑面积（实际）),
and ``floor_area_far_m2``, the floor area counted for the national minimum 容积率 (计容建筑面积:
a storey higher than ``far.double_storey_height_m``, 8 m, counts twice, 工业项目建设用地控制指标
国土资发〔2008〕24号). The profile says which one each comparison reads (``far.cap_floor_area``:
the 增容 cap of 2.5 [000 附件3 二], which does not adopt the doubling; ``far.minimum_floor_area``:
the national minimum). ``far`` is the 容积率 the cap reads, ``far_minimum`` the one the minimum
reads (:func:`floor_area_for`).

Floor area comes from the best source available, recorded in ``far_source``
(:class:`FarSource`), in this order:

1. **建筑记录** — every building on the parcel has storeys: its floor area is the recorded
   building floor area, else footprint × storeys; when the storey height (层高, else
   建筑高度 / 层数) exceeds ``far.double_storey_height_m`` every storey counts twice in the
   counted figure (the real figure is not doubled);
2. **登记建筑面积** — the parcel table's 建筑面积;
3. **登记容积率** — the parcel table's 容积率 × land area;
4. **建筑高度估算** — footprints with only a building height: storeys
   :math:`n = \\max(1, \\lfloor h / s + 0.5 \\rfloor)` with :math:`s` =
   ``far.raster_storey_height_m``;
5. **高度栅格估算** — the same storey rule per cell of a building-height raster, weighted by
   exact cell coverage (:func:`landgov.far.raster.raster_floor_area`);
6. **缺失** — nothing known: 容积率 is NaN, never 0.

Sources 2–5 give one figure, used for both: a registered 建筑面积 is the real floor area, a
registered 容积率 and the height estimates (storeys ≈ height / 5 m, so a 9 m single storey counts
as two) stand for the counted one; ``far_note`` says so when the two cannot be told apart.

Land area is the parcel's geometric area ``area_m2`` (m², projected CRS). 建筑系数 is the
footprint area inside the parcel over the land area. Floors: the national minimum by industry
(GB/T 4754-2002 division, :mod:`landgov.far.industry`) and the province's targets (1.5 for renewal,
2.0 for pilots [004 二(一)1]). Headroom to a ratio :math:`r`:
:math:`\\max(0,\\ r \\cdot A - F)` m².
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landgov.core.collect import field_item
from landgov.core.compare import measured, shown
from landgov.core.dates import date_column
from landgov.core.missing import format_number, is_missing, numeric_column
from landgov.core.vocab import unofficial
from landgov.errors import DataFileError
from landgov.far.industry import national_floor
from landgov.far.raster import RasterPass, built_cover, raster_floor_area, read_raster_floor_area
from landgov.policy import Profile
from landgov.units import plot_area_m2
from landgov.verdict import Citation

__all__ = [
    "ACROSS",
    "AREA_DIGITS",
    "BLANK_AS_ZERO",
    "BUILDINGS_COVER",
    "BY_LOCATION",
    "ESTIMATE_MARK",
    "ESTIMATE_WORDS",
    "RECORDED_FLOOR",
    "RECORDS_FLOOR",
    "UNBUILT_EVIDENCE",
    "UNPLACED",
    "ZERO_SET_ASIDE",
    "BuildingsOnPlots",
    "FarSource",
    "beyond_ratio",
    "building_floor_areas",
    "buildings_on_plots",
    "compute_far",
    "estimate_citations",
    "estimate_mark",
    "estimated",
    "far_floors",
    "floor_area_for",
    "headroom",
    "hull_candidates",
    "layer_shows_no_building",
    "national_floor",
    "other_recorded_floor",
    "plot_zero_set_aside",
    "profile_built_cover",
    "profile_raster_floor_area",
    "read_profile_raster_floor_area",
    "recorded_floor",
    "recorded_floor_item",
    "recorded_floor_words",
    "shows_no_building",
    "zero_set_aside",
]


class FarSource(enum.StrEnum):
    """Where a parcel's floor area came from (best first)."""

    BUILDINGS = "建筑记录"
    RECORDED = "登记建筑面积"
    DECLARED_FAR = "登记容积率"
    BUILDING_HEIGHTS = "建筑高度估算"
    RASTER = "高度栅格估算"
    NONE = "缺失"


def shows_buildings(source: object) -> bool:
    """Whether a floor area from ``source`` (a :class:`FarSource` value) tells, as a fact,
    whether the plot has buildings: every source but the height raster's estimate, whose cells
    count as buildings only by thresholds of its own (``far.raster_min_height_m``; 供而未用
    weighs ``built_cover`` against ``screening.idle_built_cover_min``). The one reading of
    「已有建筑」 for 供而未用 (screening) and 首次开发 (增容 三.2).

    >>> [shows_buildings(s) for s in ("建筑记录", "登记建筑面积", "高度栅格估算")]
    [True, True, False]
    """
    return str(source) != FarSource.RASTER.value


#: Column of :func:`compute_far`: whether the buildings layer given covers the plot (the plot
#: lies inside the convex hull of the layer's footprints, so the survey reached it): ``True``
#: or ``False``; NA where no buildings layer was given (or the plot has no shape).
BUILDINGS_COVER = "buildings_cover"

#: What to collect when 「未建」 rests on a floor area of 0 (or blank) alone: the internal form
#: :mod:`landgov.core.collect` renders 「建筑图层（覆盖该宗地）或现场核查是否已动工〔自然资源局〕」.
UNBUILT_EVIDENCE = "建筑图层 buildings（覆盖该宗地，或现场核查是否已动工）"


def shows_no_building(covers: object, n_buildings: object) -> bool:
    """Whether a buildings layer that covers the plot (``covers``, :data:`BUILDINGS_COVER`)
    shows no building on it (``n_buildings`` 0): the one fact that corroborates a floor area
    of 0 (or blank) as 「未建」. A .dbf numeric field cannot hold a blank (ArcGIS writes it as
    0), so a recorded 建筑面积 of 0 alone is no such fact: 供而未用 (闲置, hence 关停退出) and
    增容 三.2 (首次开发) read 「未动工／尚未建成」 only on this (or on a height raster that
    shows the plot bare, 供而未用), else the plot is 待核实, naming :data:`UNBUILT_EVIDENCE`.

    >>> [shows_no_building(c, n) for c, n in ((True, 0), (True, 2), (False, 0), (None, 0))]
    [True, False, False, False]
    """
    if is_missing(covers) or not bool(covers):
        return False
    return is_missing(n_buildings) or float(n_buildings) == 0  # type: ignore[arg-type]


def layer_shows_no_building(plots: pd.DataFrame) -> pd.Series:
    """:func:`shows_no_building` per plot of ``plots`` (with :data:`BUILDINGS_COVER` and
    ``n_buildings``, as :func:`compute_far` gives them); all ``False`` without the column."""
    if BUILDINGS_COVER not in plots.columns:
        return pd.Series(False, index=plots.index, dtype=bool)
    counts = plots["n_buildings"] if "n_buildings" in plots.columns else [0] * len(plots)
    shown = [shows_no_building(c, n) for c, n in zip(plots[BUILDINGS_COVER], counts, strict=True)]
    return pd.Series(shown, index=plots.index, dtype=bool)


def _layer_covers(parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame | None) -> pd.Series:
    """:data:`BUILDINGS_COVER` of the plots: inside the convex hull of the buildings layer's
    footprints (a plot at the edge of a partial survey, or beyond it, is not covered)."""
    if buildings is None:
        return pd.Series(pd.NA, index=parcels.index, dtype="boolean")
    geoms = buildings.geometry if buildings.crs == parcels.crs else buildings.to_crs(parcels.crs)
    points = shapely.get_coordinates(np.asarray(geoms.dropna()))
    plots = np.asarray(parcels.geometry)
    if not len(points):
        covers = np.zeros(len(plots), dtype=bool)
    else:
        hull = shapely.convex_hull(shapely.multipoints(hull_candidates(points)))
        shapely.prepare(hull)  # one polygon against every plot
        covers = shapely.covers(hull, plots)
    known = ~(shapely.is_missing(plots) | shapely.is_empty(plots))
    return pd.Series(covers, index=parcels.index, dtype="boolean").where(known)


def hull_candidates(points: np.ndarray) -> np.ndarray:
    """The rows of ``points`` (an ``(n, 2)`` array) that may be vertices of their convex hull.

    The Akl–Toussaint filter: the points extreme in eight directions (x, y, x + y, x − y, each
    way) are vertices of the hull; a point strictly inside the polygon they span is none, so
    it is dropped. The hull of what is left is the hull of all the points, vertex for vertex,
    and GEOS builds it in a fraction of the time (d50k's 94,423 footprints: 472,115 vertices,
    45,503 left; 0.47 s → 0.07 s). A point within a hair of that polygon's edge (a relative
    ``1e-9``, far above rounding) is kept: nothing is dropped on a rounding error.

    >>> square = np.array([[0, 0], [4, 0], [4, 4], [0, 4], [2, 2], [1, 3], [4, 2]], float)
    >>> hull_candidates(square).tolist()
    [[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [4.0, 2.0]]
    """
    x, y = points[:, 0], points[:, 1]
    extreme = [pick(k) for k in (x, y, x + y, x - y) for pick in (np.argmin, np.argmax)]
    corners = np.unique(points[extreme], axis=0)
    if len(corners) < 3:
        return points
    centre = corners.mean(axis=0)
    corners = corners[np.argsort(np.arctan2(*(corners - centre).T[::-1]))]  # anticlockwise
    inside = np.ones(len(points), dtype=bool)
    for (ax, ay), (bx, by) in zip(corners, np.roll(corners, -1, axis=0), strict=True):
        dx, dy, px, py = bx - ax, by - ay, x - ax, y - ay
        # left of every edge, by more than the tolerance: strictly inside
        inside &= dx * py - dy * px > 1e-9 * (abs(dx) + abs(dy)) * (np.abs(px) + np.abs(py))
    return points[~inside]


#: Where a floor area is a height estimate, the profile values it rests on: storeys counted
#: with ``far.raster_storey_height_m``, the raster's cells from ``far.raster_min_height_m``.
_ESTIMATES = {
    FarSource.BUILDING_HEIGHTS.value: ("far.raster_storey_height_m",),
    FarSource.RASTER.value: ("far.raster_storey_height_m", "far.raster_min_height_m"),
}


def estimated(source: object) -> bool:
    """Whether a floor area from ``source`` (a :class:`FarSource` value) is a height estimate
    (建筑高度估算, 高度栅格估算): a figure, never a fact, wherever it is shown.

    >>> [estimated(s) for s in ("建筑记录", "登记容积率", "建筑高度估算", "高度栅格估算", None)]
    [False, False, True, True, False]
    """
    return isinstance(source, str) and source.strip() in _ESTIMATES


#: After a figure resting on a floor area estimated from heights (:func:`estimated`): the one
#: wording of every place a user reads it (初审表, map popup; the 增容审查 sheet keeps the
#: number and says the source in 容积率来源).
ESTIMATE_WORDS = "按高度估算"
ESTIMATE_MARK = f"（{ESTIMATE_WORDS}）"


def estimate_mark(source: object) -> str:
    """:data:`ESTIMATE_MARK` where a floor area from ``source`` is a height estimate, else "".

    >>> [estimate_mark(s) for s in ("建筑记录", "高度栅格估算")]
    ['', '（按高度估算）']
    """
    return ESTIMATE_MARK if estimated(source) else ""


def estimate_citations(source: object, profile: Profile) -> tuple[Citation, ...]:
    """The 示例规则（非官方） citations a floor area from ``source`` rests on (empty for a
    recorded figure, or where the county set both heights in its own document): the one
    reading of 「容积率按高度估算」 for 用而未尽 (screening) and the 增容 cap [000 附件3 二].
    A 符合 resting on them is 待核实, a 不符合 says so (:func:`landgov.core.vocab.example_fail`)."""
    if not estimated(source):
        return ()
    return unofficial(*(profile.citation(k) for k in _ESTIMATES[str(source).strip()]))


class _Method(enum.StrEnum):
    RECORD = "记录"
    HEIGHT = "高度估算"
    NONE = "无法计算"


# ---------------------------------------------------------------------------------------------
# Buildings


#: The building fields :func:`building_floor_areas` reads (besides the footprint).
_BUILDING_FIELDS = ("storeys", "height_m", "storey_height_m", "floor_area_m2")


def building_floor_areas(
    buildings: pd.DataFrame,
    *,
    double_height_m: float,
    storey_height_m: float,
    footprint_m2: pd.Series | None = None,
) -> pd.DataFrame:
    """Floor area of each building: real, and as counted for the national minimum 容积率.

    Parameters
    ----------
    buildings
        ``storeys``, ``storey_height_m`` (m), ``height_m`` (m), ``floor_area_m2`` (m², recorded;
        optional) and a geometry (or ``footprint_m2``).
    double_height_m
        A storey higher than this (strictly) counts twice (``far.double_storey_height_m``).
    storey_height_m
        Storey height used when only the building height is known (``far.raster_storey_height_m``).
    footprint_m2
        Footprint areas to use instead of the geometry's (e.g. the part inside one parcel).

    Returns
    -------
    pandas.DataFrame
        Index of ``buildings``; ``floor_area_m2`` (m², real), ``far_floor_area_m2`` (m²,
        counted), ``method`` (记录 / 高度估算 / 无法计算), ``doubled`` (bool),
        ``storey_height_used_m``.

    Notes
    -----
    With storeys :math:`n`, footprint :math:`a` and storey height :math:`h_s` (层高, else
    建筑高度 / :math:`n`): real area :math:`B` = recorded floor area, else :math:`n a`; counted
    area :math:`B \\cdot (2 \\text{ if } h_s > 8 \\text{ m else } 1)`. A recorded floor area
    without storeys is the building's record too (a house register has no 层数): :math:`B`
    for both, as the storey height is not known; a recorded 0 is a blank (a .dbf numeric
    field cannot hold one), never 0 m². With only a building
    height :math:`H`: :math:`a \\cdot \\max(1, \\lfloor H / s + 0.5 \\rfloor)` for both (the
    storeys are not known, so the doubling cannot be told from a real storey).
    """
    if footprint_m2 is None:
        footprint_m2 = buildings.geometry.area
    storeys, height, storey_h, recorded = (numeric_column(buildings, c) for c in _BUILDING_FIELDS)
    storey_h = storey_h.fillna(height / storeys)
    has_storeys = storeys.notna()
    # a recorded 0 is a blank (a .dbf cannot hold one), never 0 m² beside its storeys
    has_recorded = recorded.notna() & (recorded > 0)
    on_record = has_storeys | has_recorded
    base = recorded.where(has_recorded, storeys * footprint_m2)
    doubled = has_storeys & (storey_h > double_height_m)
    counted = base * np.where(doubled, 2.0, 1.0)
    est_storeys = np.maximum(1.0, np.floor(height / storey_height_m + 0.5))
    by_height = ~on_record & height.notna() & (height > 0)
    estimate = (footprint_m2 * est_storeys).where(by_height)
    area = counted.where(on_record, estimate)
    real = base.where(on_record, estimate)
    method = np.select([on_record, by_height], [_Method.RECORD, _Method.HEIGHT], _Method.NONE)
    return pd.DataFrame(
        {
            "floor_area_m2": real.astype("float64"),
            "far_floor_area_m2": area.astype("float64"),
            "method": pd.Series(method, index=buildings.index, dtype=object),
            "doubled": doubled.to_numpy(dtype=bool),
            "storey_height_used_m": storey_h.where(has_storeys),
        },
        index=buildings.index,
    )


#: ``attrs`` key of :func:`compute_far`'s result: the index labels of the buildings that went
#: to no parcel (no 宗地代码 of the layer, representative point in no parcel), counted nowhere.
UNPLACED = "unplaced_buildings"
#: ``attrs`` key of :func:`compute_far`'s result: ``(building label, parcel label)`` of each
#: building whose 宗地代码 names no parcel of the layer but whose representative point lies in
#: one: counted in that parcel (placing by location is reasonable), and to be said.
BY_LOCATION = "buildings_placed_by_location"


#: ``attrs`` key of :func:`compute_far`'s result: ``(building label, parcel label, share of
#: its footprint outside that parcel, label of the other parcel it stands on most or None)``
#: of each building counted in a parcel it stands on only in part (more than
#: :data:`_ACROSS_SHARE` of its footprint outside): its whole floor area is counted in that
#: parcel (the one its 宗地代码 names, else the one holding its representative point), none in
#: the other; to be said.
ACROSS = "buildings_across_plots"
#: The share of a footprint outside the parcel it is counted in beyond which it is said
#: (a digitising overhang of a few per cent is not).
_ACROSS_SHARE = 0.1


def _across(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, pairs: pd.DataFrame
) -> tuple[tuple[Any, Any, float, Any], ...]:
    """:data:`ACROSS` of the building–parcel ``pairs`` (:func:`_assign_buildings`)."""
    outside = 1.0 - pairs["inside_m2"] / pairs["footprint_m2"].where(pairs["footprint_m2"] > 0)
    far_out = pairs.loc[outside > _ACROSS_SHARE]
    if not len(far_out):
        return ()
    geoms = buildings.geometry if buildings.crs == parcels.crs else buildings.to_crs(parcels.crs)
    plots = parcels.geometry
    found = []
    for i, (b, p) in far_out[["b", "p"]].iterrows():
        shape = geoms.loc[b]
        near = plots.iloc[plots.sindex.query(shape, predicate="intersects")]
        near = near.drop(index=p, errors="ignore")
        shares = near.intersection(shape).area
        other = shares.idxmax() if len(shares) and shares.max() > 0 else None
        found.append((b, p, float(outside.loc[i]), other))
    return tuple(found)


def _assign_buildings(parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> pd.DataFrame:
    """Pairs (building index, parcel index, footprint inside the parcel m²).

    A building with a 宗地代码 that names a parcel goes to that parcel; the others go to the
    parcel containing their representative point.
    """
    if buildings.crs != parcels.crs:
        buildings = buildings.to_crs(parcels.crs)
    by_code = pd.Series(parcels.index, index=parcels["parcel_id"].astype(str))
    by_code = by_code[~by_code.index.duplicated()]
    where = dict(zip(by_code.index, by_code.to_numpy(), strict=True))  # first parcel per code
    codes = buildings.get("parcel_id", pd.Series(None, index=buildings.index)).astype(object)
    coded = codes.map(lambda c: where.get(str(c)) if c is not None and pd.notna(c) else None)
    pairs = pd.DataFrame({"b": buildings.index, "p": coded.to_numpy()}).dropna()
    pairs["by_location"] = False
    rest = buildings.loc[~buildings.index.isin(pairs["b"])]
    if len(rest):
        points = gpd.GeoDataFrame(geometry=rest.geometry.representative_point(), crs=parcels.crs)
        hit = gpd.sjoin(points, parcels[[parcels.geometry.name]], predicate="within", how="inner")
        hit = hit[~hit.index.duplicated()]
        # a code was given and names no parcel: placed by location all the same, and said
        coded_elsewhere = codes.loc[hit.index].map(lambda c: c is not None and pd.notna(c))
        located = pd.DataFrame(
            {
                "b": hit.index,
                "p": hit["index_right"].to_numpy(),
                "by_location": coded_elsewhere.to_numpy(dtype=bool),
            }
        )
        pairs = pd.concat([pairs, located])
    b_geom = buildings.geometry.loc[pairs["b"]].to_numpy()
    p_geom = parcels.geometry.loc[pairs["p"]].to_numpy()
    b_series = gpd.GeoSeries(b_geom, crs=parcels.crs)
    inside = b_series.intersection(gpd.GeoSeries(p_geom, crs=parcels.crs)).area
    pairs = pairs.assign(inside_m2=inside.to_numpy(), footprint_m2=b_series.area.to_numpy())
    return pairs.reset_index(drop=True)


def _from_buildings(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, *, profile: Profile
) -> pd.DataFrame:
    """Per parcel: floor area from buildings, method, footprint inside (建筑系数 numerator)."""
    pairs = _assign_buildings(parcels, buildings)
    read = [c for c in _BUILDING_FIELDS if c in buildings.columns]  # not the geometry
    rows = pd.DataFrame(buildings[read]).loc[pairs["b"]].reset_index(drop=True)
    floors = building_floor_areas(
        rows,
        double_height_m=float(profile.value("far.double_storey_height_m")),
        storey_height_m=float(profile.value("far.raster_storey_height_m")),
        footprint_m2=pairs["footprint_m2"],
    )
    per = pd.DataFrame(
        {
            "p": pairs["p"],
            "area": floors["far_floor_area_m2"],
            "real": floors["floor_area_m2"],
            "record": floors["method"].eq(_Method.RECORD),
            "none": floors["method"].eq(_Method.NONE),
            "doubled": floors["doubled"],
            "inside": pairs["inside_m2"],
        }
    )
    unplaced = buildings.index.difference(pd.Index(pairs["b"].unique()))
    moved = pairs.loc[pairs["by_location"], ["b", "p"]]
    agg = per.groupby("p").agg(
        bld_floor_m2=("area", "sum"),
        bld_real_m2=("real", "sum"),
        n_buildings=("area", "size"),
        n_record=("record", "sum"),
        n_unknown=("none", "sum"),
        n_doubled=("doubled", "sum"),
        footprint_m2=("inside", "sum"),
    )
    out = agg.reindex(parcels.index)
    out.attrs[UNPLACED] = tuple(unplaced)
    out.attrs[BY_LOCATION] = tuple(zip(moved["b"], moved["p"], strict=True))
    out.attrs[ACROSS] = _across(parcels, buildings, pairs)
    return out


# ---------------------------------------------------------------------------------------------
# Parcels


#: Column of :func:`compute_far` (and of the screening's plots): why a recorded 建筑面积 or
#: 容积率 of 0 was not used (:func:`zero_set_aside`), ``None`` where none was set aside.
ZERO_SET_ASIDE = "zero_set_aside"

#: Why a 0 in a numeric field may be a blank, whatever the format read (a GeoPackage or a
#: table is often converted from a Shapefile): the one wording every stage uses.
BLANK_AS_ZERO = (
    "0 可能是空白：Shapefile（.dbf）的数值字段不能存空值，ArcGIS 等软件导出（及由其转换的"
    "GeoPackage、表格）常把空白写为 0"
)
#: Why a recorded 0 may be a blank: the one wording of :func:`zero_set_aside`.
_ZERO_BLANK = (
    f"{BLANK_AS_ZERO}，此 0 应为空白，不作为建筑面积使用（按缺失处理）；"
    "请核实该宗地的建筑面积并在源数据中填写"
)


def zero_set_aside(frame: pd.DataFrame, completion: pd.Series) -> pd.Series:
    """Per plot, why its recorded 建筑面积 or 容积率 of 0 is not a floor area of 0, or ``None``.

    A .dbf numeric field cannot hold a blank: ArcGIS and most county exports write a blank
    建筑面积 or 容积率 as 0, so a recorded 0 is read as 0 m² only when nothing on the plot says
    otherwise. It is set aside (the next source is used, as for a blank cell) when the plot has
    buildings in the buildings layer (``n_buildings`` > 0), a 竣工日期 (``completion``: a
    completed plot has buildings), or the other recorded field above 0 (容积率 0.8 beside
    建筑面积 0). The height raster is no such fact (:func:`shows_buildings`: its cells count as
    buildings only by thresholds of its own, and a neighbour's roof edge gives a bare plot a
    few m²): 供而未用 weighs its ``built_cover`` as before. The words name the field, the
    value 0, what says otherwise, and what to do; 供而未用, 用而未尽 and 增容 三.2 then read
    the plot's floor area as unknown (待核实), never as 「尚未建成」 on that 0.

    >>> f = pd.DataFrame({"recorded_m2": [0.0, 0.0, 0.0], "declared_far": [None, 0.8, 0.0],
    ...     "n_buildings": [2, 0, 0]})
    >>> for words in zero_set_aside(f, pd.Series([None] * 3)):
    ...     print(words and words.split("：")[0])
    登记建筑面积为 0，但建筑图层中该宗地有 2 栋建筑
    登记建筑面积为 0，但登记容积率为 0.8
    None
    """
    recorded, declared = frame["recorded_m2"], frame["declared_far"]
    zero_floor, zero_far = recorded.eq(0), declared.eq(0)
    if not (zero_floor | zero_far).any():
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    n = frame["n_buildings"].fillna(0)
    done = date_column(completion.reindex(frame.index))
    out: list[str | None] = []
    rows = zip(zero_floor, zero_far, recorded, declared, n, done, strict=True)
    for floor0, far0, floor, far, count, day in rows:
        if not (floor0 or far0):
            out.append(None)
            continue
        seen = []
        if count > 0:
            seen.append(f"建筑图层中该宗地有 {int(count)} 栋建筑")
        if pd.notna(day):
            seen.append(f"竣工日期为 {day.date().isoformat()}")
        if floor0 and far > 0:
            seen.append(f"登记容积率为 {format_number(far)}")
        if far0 and floor > 0:
            seen.append(f"登记建筑面积为 {format_number(floor)} 平方米")
        if not seen:
            out.append(None)
            continue
        field = (
            "登记建筑面积、登记容积率均"
            if floor0 and far0
            else ("登记建筑面积" if floor0 else "登记容积率")
        )
        out.append(f"{field}为 0，但{'、'.join(seen)}：{_ZERO_BLANK}")
    return pd.Series(out, index=frame.index, dtype=object)


def recorded_floor(parcels: pd.DataFrame, name: str) -> pd.Series:
    """The plots' recorded ``floor_area_m2`` or ``far_declared`` as float, a 0 set aside by
    :func:`compute_far` (``parcels[ZERO_SET_ASIDE]``, :func:`zero_set_aside`) blank: what a
    stage reading the recorded field beside the run's 容积率 reads, so it never takes back
    the 0 the run passed over.

    >>> p = pd.DataFrame({"floor_area_m2": [0.0, 0.0], ZERO_SET_ASIDE: ["…为 0，但…", None]})
    >>> recorded_floor(p, "floor_area_m2").tolist()
    [nan, 0.0]
    """
    values = numeric_column(parcels, name)
    return values.mask(plot_zero_set_aside(parcels).notna() & values.eq(0))


def plot_zero_set_aside(parcels: pd.DataFrame) -> pd.Series:
    """:func:`zero_set_aside` of the plots: the run's (``parcels[ZERO_SET_ASIDE]``, put there
    from :func:`compute_far`, which saw the buildings and the raster), else worked out from
    the plots' own fields (the other recorded field, the 竣工日期), so a stage given plots
    without the run's 容积率 reads a recorded 0 by the same rule."""
    if ZERO_SET_ASIDE in parcels.columns:
        return parcels[ZERO_SET_ASIDE].astype(object).where(parcels[ZERO_SET_ASIDE].notna(), None)
    own = pd.DataFrame(
        {
            "recorded_m2": numeric_column(parcels, "floor_area_m2"),
            "declared_far": numeric_column(parcels, "far_declared"),
            "n_buildings": np.nan,
        },
        index=parcels.index,
    )
    completion = parcels.get("completion_date", pd.Series(None, index=parcels.index))
    return zero_set_aside(own, completion)


#: The fewest plots with both a registered 建筑面积 and a raster estimate that tell whether the
#: raster reads as the records do (:func:`_check_raster_against_records`).
_RATIO_PLOTS_MIN = 10


def _check_raster_against_records(
    frame: pd.DataFrame, height_raster: str | Path, *, profile: Profile
) -> None:
    """Stop the run when the height raster's floor areas are out of line with the registered
    ones: the median of ``raster_floor_area_m2 ÷ recorded_m2`` over the plots where both are
    above 0 (at least :data:`_RATIO_PLOTS_MIN`) above ``plausible.raster_floor_ratio_max`` or
    below its inverse. A DSM (heights above sea level), a raster in decimetres or in feet reads
    as buildings several times too high: 容积率 and built cover too large where the raster is
    the only source, every plot built up, without one word said. The sample reads 1.07."""
    both = frame["recorded_m2"].gt(0) & frame["raster_floor_area_m2"].gt(0)
    n = int(both.sum())
    if n < _RATIO_PLOTS_MIN:
        return
    ratio = float(np.median(frame["raster_floor_area_m2"][both] / frame["recorded_m2"][both]))
    bound = float(profile.value("plausible.raster_floor_ratio_max"))
    if 1.0 / bound <= ratio <= bound:
        return
    raise DataFileError(
        f"{height_raster}：由建筑高度栅格估算的建筑面积是登记建筑面积的 {ratio:,.2f} 倍"
        f"（{n:,} 宗两者都有的宗地的中位数；合理范围 1/{bound:g}～{bound:g} 倍，策略配置"
        " plausible.raster_floor_ratio_max）：像元值不像离地的建筑高度（米），可能是海拔（DSM）、"
        "分米或英尺。处理：核对栅格（gdalinfo -stats），换算为离地高度（米）后重新运行；或不给"
        " -r/--height-raster，按登记建筑面积等计算；确认登记建筑面积普遍有误时，可在配置中放宽该值"
    )


def _choose_source(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Real floor area, counted floor area and their source, by the order of :class:`FarSource`.

    Only building records tell the two apart; every other source gives one figure for both.
    A recorded 0 set aside (``frame[ZERO_SET_ASIDE]``, :func:`zero_set_aside`) is no source.
    """
    aside = frame[ZERO_SET_ASIDE].notna() if ZERO_SET_ASIDE in frame else False
    frame = frame.assign(
        recorded_m2=frame["recorded_m2"].mask(aside & frame["recorded_m2"].eq(0)),
        declared_far=frame["declared_far"].mask(aside & frame["declared_far"].eq(0)),
    )
    n = frame["n_buildings"].fillna(0)
    complete = (n > 0) & frame["n_unknown"].fillna(0).eq(0)
    all_record = complete & frame["n_record"].eq(n)
    declared = frame["declared_far"] * frame["declared_area"]
    estimated = complete & ~all_record
    candidates = [  # (source, real, counted)
        (FarSource.BUILDINGS, frame["bld_real_m2"], frame["bld_floor_m2"], all_record),
        (FarSource.RECORDED, frame["recorded_m2"], frame["recorded_m2"], None),
        (FarSource.DECLARED_FAR, declared, declared, None),
        (FarSource.BUILDING_HEIGHTS, frame["bld_real_m2"], frame["bld_floor_m2"], estimated),
        (FarSource.RASTER, frame["raster_floor_area_m2"], frame["raster_floor_area_m2"], None),
    ]
    real = pd.Series(np.nan, index=frame.index, dtype="float64")
    counted = real.copy()
    source = pd.Series(FarSource.NONE.value, index=frame.index, dtype=object)
    for name, real_m2, counted_m2, usable in reversed(candidates):  # best written last wins
        ok = counted_m2.notna() if usable is None else counted_m2.notna() & usable
        real = real.mask(ok, real_m2)
        counted = counted.mask(ok, counted_m2)
        source = source.mask(ok, name.value)
    return real, counted, source


def floor_area_for(far: pd.DataFrame, use: str, *, profile: Profile) -> pd.Series:
    """The floor area a comparison reads, as the profile says.

    Parameters
    ----------
    far
        :func:`compute_far` output (``floor_area_m2`` real, ``floor_area_far_m2`` counted).
    use
        ``"cap"`` (the 增容 cap, ``far.cap_floor_area``) or ``"minimum"`` (the national minimum
        容积率 of 用而未尽, ``far.minimum_floor_area``).

    Returns
    -------
    pandas.Series
        The column named by the profile (m²).
    """
    if use not in _USES:
        raise ValueError(f"use must be one of {sorted(_USES)}, not {use!r}")
    return far[str(profile.value(f"far.{_USES[use]}"))]


_USES = {"cap": "cap_floor_area", "minimum": "minimum_floor_area"}


def profile_raster_floor_area(
    parcels: gpd.GeoDataFrame,
    height_raster: str | Path,
    *,
    profile: Profile,
) -> pd.DataFrame:
    """:func:`~landgov.far.raster.raster_floor_area` of ``parcels`` with the profile's storey
    height and minimum building height (``far.raster_storey_height_m``,
    ``far.raster_min_height_m``): the raster estimate :func:`compute_far` uses. Its
    ``built_cover`` is :func:`profile_built_cover` (a run of both stages measures the raster
    once for the screening's built-up cover too)."""
    storey_height_m, min_height_m = _raster_settings(profile)
    return raster_floor_area(
        parcels, height_raster, storey_height_m=storey_height_m, min_height_m=min_height_m
    )


def profile_built_cover(
    parcels: gpd.GeoDataFrame, height_raster: str | Path, *, profile: Profile
) -> pd.Series:
    """Built-up cover of ``parcels`` (:func:`~landgov.far.raster.built_cover`): the share of
    each plot whose height-raster cells are at least ``far.raster_min_height_m`` high — the
    one threshold for a building cell, the same figure as the 增容 stage's ``built_cover``
    (the screening's idle-land evidence, ``screening.idle_built_cover_min``)."""
    return built_cover(
        parcels, height_raster, min_height_m=float(profile.value("far.raster_min_height_m"))
    )


def read_profile_raster_floor_area(
    parcels: gpd.GeoDataFrame,
    height_raster: str | Path,
    *,
    profile: Profile,
) -> RasterPass:
    """:func:`profile_raster_floor_area`, read and not yet measured
    (:func:`~landgov.far.raster.read_raster_floor_area`): ``.measured()`` is what that
    returns."""
    storey_height_m, min_height_m = _raster_settings(profile)
    return read_raster_floor_area(
        parcels,
        height_raster,
        storey_height_m=storey_height_m,
        min_height_m=min_height_m,
    )


def _raster_settings(profile: Profile) -> tuple[float, float]:
    """Storey height and minimum building height of the raster estimate, m."""
    return (
        float(profile.value("far.raster_storey_height_m")),
        float(profile.value("far.raster_min_height_m")),
    )


@dataclass(frozen=True)
class BuildingsOnPlots:
    """What :func:`compute_far` reads of the buildings layer, measured on the plots."""

    built: pd.DataFrame
    """Per plot: the floor areas, counts and footprint of its buildings (the plots with none
    are absent); ``attrs`` :data:`UNPLACED` and :data:`BY_LOCATION` as :func:`compute_far`'s."""
    covers: pd.Series
    """:data:`BUILDINGS_COVER` per plot."""


def buildings_on_plots(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, *, profile: Profile
) -> BuildingsOnPlots:
    """The buildings layer measured on the plots, for :func:`compute_far` (``on_plots``).

    The part of :func:`compute_far` that needs neither the height raster nor anything else of
    the run, so a run can measure it beside other work (``landgov.run.screening``: in a child,
    beside 地企关联 and the raster read).
    """
    return BuildingsOnPlots(
        _from_buildings(parcels, buildings, profile=profile), _layer_covers(parcels, buildings)
    )


def compute_far(
    parcels: gpd.GeoDataFrame,
    *,
    profile: Profile,
    buildings: gpd.GeoDataFrame | None = None,
    height_raster: str | Path | None = None,
    raster_estimate: pd.DataFrame | None = None,
    on_plots: BuildingsOnPlots | None = None,
) -> pd.DataFrame:
    """容积率 of every parcel with the source of its floor area.

    Parameters
    ----------
    parcels
        Canonical parcels (``parcel_id``, geometry in a projected CRS; optional
        ``floor_area_m2`` (registered, real), ``far_declared``, ``area_m2``).
    profile
        Reads ``far.double_storey_height_m``, ``far.raster_storey_height_m``,
        ``far.raster_min_height_m``, ``far.building_coverage_min``, ``far.cap_floor_area``,
        ``far.minimum_floor_area``.
    buildings
        Footprints from :func:`landgov.io.buildings.read_buildings` (optional).
    height_raster
        Building-height GeoTIFF in metres (optional).
    raster_estimate
        :func:`profile_raster_floor_area` of ``parcels`` over ``height_raster``, when
        measured already (a run of
        both stages measures the raster once); used instead of reading the raster again.
    on_plots
        :func:`buildings_on_plots` of ``parcels`` and ``buildings``, when measured already;
        used instead of measuring them again.

    Returns
    -------
    pandas.DataFrame
        Index of ``parcels``: ``land_area_m2``, ``floor_area_m2`` (real, m²),
        ``floor_area_far_m2`` (counted, m²), ``far`` (容积率 as the 增容 cap reads it),
        ``far_minimum`` (容积率 as the national minimum reads it), ``far_source``
        (:class:`FarSource` value), ``far_note``, ``n_buildings``,
        ``building_coverage`` (建筑系数, 0–1, NaN without buildings), ``below_coverage_min``
        (bool or NA), ``raster_floor_area_m2``, ``built_cover`` (0–1 from the raster, NaN
        without it), ``floor_area_recorded_m2`` (:data:`RECORDED_FLOOR`: the registered
        建筑面积 where it is another reading of the floor area, :func:`other_recorded_floor`;
        NaN elsewhere), ``zero_set_aside`` (why a recorded 建筑面积 or 容积率 of 0 was not used:
        :func:`zero_set_aside`; ``None`` elsewhere), ``buildings_cover`` (whether the
        buildings layer covers the plot, :data:`BUILDINGS_COVER`; NA without one).
        ``attrs[UNPLACED]``: the buildings counted in no parcel; ``attrs[BY_LOCATION]``:
        ``(building, parcel)`` for each building whose 宗地代码 is not in the layer, counted in
        the parcel holding its representative point; ``attrs[ACROSS]``: the buildings counted
        in a parcel they stand on only in part (:data:`ACROSS`).
    """
    area = plot_area_m2(parcels)  # blank where not known (a sliver set aside), as in screening
    frame = pd.DataFrame(
        {
            "area_m2": area,
            "recorded_m2": numeric_column(parcels, "floor_area_m2"),
            "declared_far": numeric_column(parcels, "far_declared"),
            "declared_area": numeric_column(parcels, "area_declared_m2").fillna(area),
        },
        index=parcels.index,
    )
    unplaced: tuple[Any, ...] = ()
    by_location: tuple[tuple[Any, Any], ...] = ()
    across: tuple[tuple[Any, Any, float, Any], ...] = ()
    if buildings is not None and len(buildings):
        if on_plots is None:
            on_plots = buildings_on_plots(parcels, buildings, profile=profile)
        built = on_plots.built
        unplaced, by_location = built.attrs[UNPLACED], built.attrs[BY_LOCATION]
        across = built.attrs.get(ACROSS, ())
        frame = frame.join(built)
    else:
        for col in ("bld_floor_m2", "bld_real_m2", "n_buildings", "n_record", "n_unknown"):
            frame[col] = np.nan
        frame["n_doubled"] = np.nan
        frame["footprint_m2"] = np.nan
    if height_raster is not None:
        est = raster_estimate
        if est is None:
            est = profile_raster_floor_area(parcels, height_raster, profile=profile)
        frame = frame.join(est[["raster_floor_area_m2", "built_cover"]])
        _check_raster_against_records(frame, height_raster, profile=profile)
    else:
        frame["raster_floor_area_m2"] = np.nan
        frame["built_cover"] = np.nan
    completion = parcels.get("completion_date", pd.Series(None, index=parcels.index))
    frame[ZERO_SET_ASIDE] = zero_set_aside(frame, completion)
    real, counted, source = _choose_source(frame)
    recorded = other_recorded_floor(frame["recorded_m2"], real, source)
    land = area.where(area > 0)
    # a plot with an area the given raster says nothing of: partly beyond its extent
    frame["raster_uncovered"] = (
        (height_raster is not None) & frame["raster_floor_area_m2"].isna() & land.notna()
    )
    coverage = frame["footprint_m2"] / land
    covers = _layer_covers(parcels, buildings) if on_plots is None else on_plots.covers
    cov_min = float(profile.value("far.building_coverage_min"))
    out = pd.DataFrame(
        {
            "land_area_m2": area,
            "floor_area_m2": real,
            "floor_area_far_m2": counted,
            "far_source": source,
            "far_note": _with_recorded(_notes(frame, source), recorded, real),
            RECORDED_FLOOR: recorded,
            ZERO_SET_ASIDE: frame[ZERO_SET_ASIDE],
            "n_buildings": frame["n_buildings"].fillna(0).astype("int64"),
            BUILDINGS_COVER: covers,
            "building_coverage": coverage,
            "below_coverage_min": (measured(coverage) < cov_min)
            .astype("boolean")
            .where(coverage.notna()),
            "raster_floor_area_m2": frame["raster_floor_area_m2"],
            "built_cover": frame["built_cover"],
        },
        index=parcels.index,
    )
    out.insert(3, "far", floor_area_for(out, "cap", profile=profile) / land)
    out.insert(4, "far_minimum", floor_area_for(out, "minimum", profile=profile) / land)
    out.attrs[UNPLACED] = unplaced
    out.attrs[BY_LOCATION] = by_location
    out.attrs[ACROSS] = across
    return out


#: Column of :func:`compute_far`: the registered 建筑面积 (m²) where the plot's floor area came
#: from its building records and the register says another figure (:func:`other_recorded_floor`).
RECORDED_FLOOR = "floor_area_recorded_m2"
#: Beside :data:`RECORDED_FLOOR` in a frame that keeps the registered figure as
#: ``floor_area_m2`` (the screening's plots): the building records' real floor area (m²).
RECORDS_FLOOR = "floor_area_records_m2"


def other_recorded_floor(recorded: pd.Series, real: pd.Series, source: pd.Series) -> pd.Series:
    """The registered 建筑面积 where it is another reading of the plot's floor area, NaN elsewhere.

    Building records come first (:class:`FarSource`), so a plot with both keeps the figure of
    its buildings; but a register that says otherwise (stale, or buildings put up since, or
    a footprint layer that misses one) is not thereby wrong. Where the two part by more than
    0.01 m² (:data:`AREA_DIGITS`) every comparison of the floor area is made on both, and one
    the two answer differently is 待核实 (the 增容 cap, 用而未尽): neither figure alone decides.

    >>> other_recorded_floor(
    ...     pd.Series([30000.0, 10000.0, 5000.0, np.nan]),
    ...     pd.Series([10000.0, 10000.004, 5000.0, 8000.0]),
    ...     pd.Series(["建筑记录", "建筑记录", "登记建筑面积", "建筑记录"]),
    ... ).tolist()
    [30000.0, nan, nan, nan]
    """
    from_buildings = source.eq(FarSource.BUILDINGS.value)
    differs = (np.round(recorded, AREA_DIGITS) - np.round(real, AREA_DIGITS)).abs() > 0
    return recorded.where(from_buildings & differs & recorded.notna() & real.notna())


def recorded_floor_words(recorded: Any, real: Any) -> str:
    """The two floor areas of :func:`other_recorded_floor`, as every stage says them.

    >>> recorded_floor_words(30000.0, 10000.0)
    '登记建筑面积 30,000 平方米与建筑记录合计 10,000 平方米不一致'
    """
    return (
        f"登记建筑面积 {format_number(recorded, thousands=True)} 平方米与建筑记录合计"
        f" {format_number(real, thousands=True)} 平方米不一致"
    )


def recorded_floor_item(recorded: Any, real: Any) -> str:
    """What a comparison the two floor areas answer differently lacks (a missing-data item,
    filed under the department holding the plot's 建筑面积, :func:`field_item`).

    >>> from landgov.core.collect import render_text
    >>> said = render_text(recorded_floor_item(30000.0, 10000.0))
    >>> said.startswith("建筑面积（平方米）（登记建筑面积 30,000 平方米与建筑记录合计 10,000")
    True
    >>> said.endswith("平方米不一致，核实现状建筑面积）〔自然资源局〕")
    True
    """
    words = recorded_floor_words(recorded, real)
    return field_item("floor_area_m2", f"{words}，核实现状建筑面积")


def _with_recorded(notes: pd.Series, recorded: pd.Series, real: pd.Series) -> pd.Series:
    """``far_note`` with, where the register says another floor area
    (:func:`other_recorded_floor`), both figures."""
    out = notes.copy()
    for i in np.flatnonzero(recorded.notna().to_numpy()):
        said = (
            f"{recorded_floor_words(recorded.iat[i], real.iat[i])}，容积率按建筑记录计算；"
            "按两者结论不同的比较为待核实"
        )
        out.iat[i] = "；".join(p for p in (out.iat[i], said) if p)
    return out


def _notes(frame: pd.DataFrame, source: pd.Series) -> pd.Series:
    """Why a source was chosen or passed over, in Chinese, per parcel.

    Each distinct (buildings, incomplete, doubled, no source) combination is worded once.
    """
    n = frame["n_buildings"]
    has = (n.notna() & (n > 0)).to_numpy()
    unknown = frame["n_unknown"].to_numpy(dtype="float64")
    doubled = frame["n_doubled"].to_numpy(dtype="float64")
    none = source.eq(FarSource.NONE).to_numpy()
    uncovered = frame.get("raster_uncovered", pd.Series(False, index=frame.index))
    # NaN > 0 is False, as for a missing count
    keys = zip(
        np.where(has & (unknown > 0), unknown, 0.0),
        np.where(has & (doubled > 0), doubled, 0.0),
        none,
        none & uncovered.to_numpy(dtype=bool),
        strict=True,
    )
    words: dict[tuple[float, float, bool, bool], str] = {}
    notes = []
    for key in keys:
        if key not in words:
            words[key] = _note(*key)
        notes.append(words[key])
    aside = frame.get(ZERO_SET_ASIDE, pd.Series(None, index=frame.index)).tolist()
    return pd.Series(
        [_with_aside(a, w) for a, w in zip(aside, notes, strict=True)],
        index=source.index,
        dtype=object,
    )


def _with_aside(aside: object, note: str) -> str:
    """A plot's note with why its recorded 0 was set aside (:func:`zero_set_aside`) first; its
    「无…登记建筑面积…」 (no source left) then says only that the 容积率 is to verify."""
    if not isinstance(aside, str):
        return note
    parts = [p for p in note.split("；") if p]
    kept = [p for p in parts if not p.startswith(("无建筑记录", "高度栅格未完全"))]
    tail = ["容积率待核实"] if len(kept) < len(parts) else []
    return "；".join([aside, *kept, *tail])


def _note(unknown: float, doubled: float, none: bool, uncovered: bool = False) -> str:
    parts = []
    if unknown > 0:
        parts.append(f"{int(unknown)} 栋建筑缺层数和高度，建筑记录不完整")
    if doubled > 0:
        parts.append(
            f"{int(doubled)} 栋建筑层高超过限值，计容建筑面积加倍计算（实际建筑面积不加倍）"
        )
    if none and uncovered:
        parts.append(
            "高度栅格未完全覆盖该宗地（栅格范围外，或栅格在该宗地大部分为无数据 nodata），"
            "又无建筑记录、登记建筑面积或"
            "登记容积率，容积率待核实"
        )
    elif none:
        parts.append("无建筑记录、登记建筑面积、登记容积率或高度栅格，容积率待核实")
    return "；".join(parts)


# ---------------------------------------------------------------------------------------------
# Floors and headroom


_NAN = object()


def _nan_key(value: object) -> object:
    """``value`` as a memo key, a float NaN as one marker: NaNs never equal each other."""
    return _NAN if isinstance(value, float) and math.isnan(value) else value


def far_floors(far: pd.Series, industry: pd.DataFrame, *, profile: Profile) -> pd.DataFrame:
    """Each parcel's 容积率 against the national floor and the province targets.

    Parameters
    ----------
    far
        容积率 per parcel.
    industry
        Same index; ``industry_code`` and ``industry_edition`` of the parcel's main enterprise.

    Returns
    -------
    pandas.DataFrame
        ``far_floor`` (national minimum), ``far_floor_gb2002``, ``far_floor_note``,
        ``far_gap_floor`` (far − floor; negative = below), ``far_target`` (1.5),
        ``far_gap_target``, ``far_pilot`` (2.0), ``below_floor`` (bool or NA).
    """
    codes = industry.reindex(far.index)
    found: dict[object, tuple[float, str, str]] = {}  # one lookup per distinct code

    def floor_of(code: object, edition: object) -> tuple[float, str, str]:
        # 13 and 13.0 looked up apart; every NaN as one key (a NaN is not equal to itself)
        key = (type(code), _nan_key(code), type(edition), _nan_key(edition))
        try:
            return found[key]
        except KeyError:
            got = found[key] = national_floor(code, edition=edition, profile=profile)
            return got
        except TypeError:  # unhashable
            return national_floor(code, edition=edition, profile=profile)

    rows = [
        floor_of(c, e)
        for c, e in zip(
            codes.get("industry_code", pd.Series(None, index=far.index)),
            codes.get("industry_edition", pd.Series(None, index=far.index)),
            strict=True,
        )
    ]
    floor = pd.Series([r[0] for r in rows], index=far.index, dtype="float64")
    target = float(profile.value("far.renewal_target"))
    gap = far - floor
    return pd.DataFrame(
        {
            "far_floor": floor,
            "far_floor_gb2002": [r[1] for r in rows],
            "far_floor_note": [r[2] for r in rows],
            "far_gap_floor": gap,
            "far_target": target,
            "far_gap_target": far - target,
            "far_pilot": float(profile.value("far.pilot_target")),
            "below_floor": (measured(far) < floor).astype("boolean").where(gap.notna()),
        },
        index=far.index,
    )


#: Decimals of m² at which floor and land areas meet a ratio (cadastral precision, 0.01 m²).
AREA_DIGITS = 2


def beyond_ratio(floor_area_m2: Any, land_area_m2: Any, ratio: float) -> Any:
    """Floor area beyond ``ratio`` × land area, m², at :data:`AREA_DIGITS` decimals.

    .. math:: \\text{round}(F, 2) - \\text{round}(r \\cdot \\text{round}(A, 2), 2)

    Positive: above the ratio; 0: exactly at it; negative: below (minus the room left). A
    ratio is compared through the areas it is made of, each to 0.01 m², never through the
    quotient rounded to 6 decimals: 250,000.01 m² on 100,000 m² is 容积率 2.5000001, over
    「容积率上限可提高至 2.5」 [越政发〔2022〕24号 附件3 第二条] by 0.01 m², where the quotient
    rounds to 2.5; and the float noise of an area shapely measures (13999.99999998 m² for a
    drawn 21 亩) is gone at 0.01 m². A scalar or a pandas Series; NaN where either is missing.

    >>> float(beyond_ratio(250000.01, 99999.99999998, 2.5))
    0.01
    >>> float(beyond_ratio(35000, 13999.99999998, 2.5)), float(beyond_ratio(14400, 12000, 2.5))
    (0.0, -15600.0)
    """
    if isinstance(floor_area_m2, float | int) and isinstance(land_area_m2, float | int):
        # one plot (the 增容 cap of each of 50,000): the same figure without numpy's
        # dispatch, 3 µs a call (:func:`_round_area`)
        land = _round_area(float(land_area_m2))
        return _round_area(_round_area(float(floor_area_m2)) - _round_area(float(ratio) * land))
    land = np.round(land_area_m2, AREA_DIGITS)
    return np.round(
        np.round(floor_area_m2, AREA_DIGITS) - np.round(ratio * land, AREA_DIGITS), AREA_DIGITS
    )


_AREA_SCALE = 10.0**AREA_DIGITS


def _round_area(x: float) -> float:
    """``np.round(x, AREA_DIGITS)`` of one float, to the bit: as numpy does it, scaled by
    10², rounded half to even (Python's ``round`` of a float to an integer is exact) and
    scaled back; ±0 keeps its sign, NaN and ±inf pass through."""
    y = x * _AREA_SCALE
    if not math.isfinite(y):
        return y / _AREA_SCALE
    r = float(round(y))
    return (r if r else math.copysign(0.0, y)) / _AREA_SCALE


#: What the room of a plot whose floor area is a height estimate says (its ``far_source``).
_ESTIMATED_ROOM = "现状建筑面积为{}值，增容空间为估算，以登记建筑面积为准"


def headroom(
    land_area_m2: pd.Series,
    floor_area_m2: pd.Series,
    *,
    cap: float,
    target: float,
    source: pd.Series | None = None,
) -> pd.DataFrame:
    """Floor area that could still be added, in m² (to 0.01 m², :func:`beyond_ratio`).

    ``source`` is each plot's ``far_source``: where the floor area is a height estimate
    (:func:`estimated`), ``headroom_reason`` says the room is an estimate too (估算).

    .. math::

        \\text{headroom} = \\max(0,\\ \\text{cap} \\cdot A - F), \\qquad
        \\text{headroom}_{\\text{target}} = \\max(0,\\ \\text{target} \\cdot A - F)

    Returns
    -------
    pandas.DataFrame
        ``headroom_m2`` (to the cap, 2.5 [000 附件3 二]), ``headroom_target_m2`` (to the 1.5
        target [004 二(一)1]), ``headroom_reason`` (why it is zero or unknown; empty otherwise).
    """
    far = floor_area_m2 / land_area_m2.where(land_area_m2 > 0)
    known = far.notna()
    # at the cap or the target (the value itself included) nothing is left to add
    over_cap = beyond_ratio(floor_area_m2, land_area_m2, cap).where(known)
    over_target = beyond_ratio(floor_area_m2, land_area_m2, target).where(known)
    reasons = []
    for value, above_cap, above_target in zip(far, over_cap, over_target, strict=True):
        if pd.isna(value):
            reasons.append("容积率未知（缺建筑面积或用地面积），增容空间待核实")
        elif above_cap >= 0:
            seen = shown(value, cap, trim=False, beyond=float(above_cap))
            reasons.append(f"现状容积率 {seen} 已达到或超过上限 {cap:g}，无增容空间")
        elif above_target >= 0:  # below the cap: never printed as the cap itself (2.495)
            seen = shown(value, cap, trim=False, beyond=float(above_cap))
            reasons.append(f"现状容积率 {seen} 已达到 {target:g} 的目标，仍可增至 {cap:g}")
        else:
            reasons.append("")
    if source is not None:
        reasons = [
            "；".join(x for x in (r, _ESTIMATED_ROOM.format(t)) if x) if estimated(t) else r
            for r, t in zip(reasons, source.reindex(land_area_m2.index), strict=True)
        ]
    return pd.DataFrame(
        {
            # + 0.0: at the ratio itself the room is 0, never -0 (「-0.0」 in a CSV)
            "headroom_m2": (-over_cap).clip(lower=0.0) + 0.0,
            "headroom_target_m2": (-over_target).clip(lower=0.0) + 0.0,
            "headroom_reason": reasons,
        },
        index=land_area_m2.index,
    )
