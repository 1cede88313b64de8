"""连片 blocks: plots that touch or lie across a lane from each other (docs/domain.md §7).

越城 targets 「占地100亩以上低效工业用地连片改造及低效企业连片腾退」
[越政发〔2022〕24号 第三条第4项].
A block is a connected component of the graph whose edges join plots at most ``gap_m`` metres apart
(touching plots are 0 m apart). The default gap (``blocks.gap_m``, 10 m) joins touching plots and
plots across a lane but not across a main road (20 m and more), so a block stays a unit a planner
can act on; with 30 m a whole park chains into one block. Planned roads split blocks too: two
plots whose shortest connecting line crosses the inside of a road polygon of the planning layer
(:func:`road_polygons`) are not joined, however close.

The graph is built with the spatial index (``sindex.query(..., predicate="dwithin")``) and split
with :func:`scipy.sparse.csgraph.connected_components`, so 50,000 plots take seconds. Which plots
form blocks (the paths that free or rebuild land) is decided in
:mod:`landgov.screening._paths_blocks`.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from landgov.core.compare import MEASURED_DIGITS, compare, measured
from landgov.core.landuse import LandUseMatcher
from landgov.core.missing import format_number, present_column
from landgov.policy import Profile
from landgov.screening.paths import TreatmentPath
from landgov.units import m2_to_mu, plot_area_m2

__all__ = [
    "BLOCK_COLUMNS",
    "find_blocks",
    "is_large",
    "label_blocks",
    "neighbour_pairs",
    "path_areas",
    "path_counts",
    "regroup_blocks",
    "road_polygons",
]

#: Columns of the blocks layer (besides ``geometry``), in the order of the 连片地块 sheet.
BLOCK_COLUMNS: tuple[str, ...] = (
    "block_id",
    "area_mu",
    "large",
    "n_parcels",
    "paths",
    "path_area",
    "n_enterprises",
    "townships",
    "largest_parcel",
    "largest_parcel_mu",
    "tax_wan",
    "tax_per_mu",
    "parcel_ids",
    "area_m2",
)
#: Roads are shrunk by this much (m) before the crossing test, so that a line running along a
#: road's edge (two plots on the same side of it) does not count as crossing it.
_ROAD_INSET_M = 0.5


def _usable(parcels: gpd.GeoDataFrame) -> np.ndarray:
    geoms = parcels.geometry.values
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def road_polygons(planning: gpd.GeoDataFrame | None, *, profile: Profile) -> np.ndarray | None:
    """The planned road polygons of the planning layer (``blocks.road_uses``), or ``None``.

    A polygon is a road when its ``planned_use`` is one of the profile's road uses (exact match
    after normalisation, as :class:`~landgov.core.landuse.LandUseMatcher` reads land uses;
    「城镇道路用地」「S1」「1207」; never by prefix: 「120701」, a code no classification
    defines, is no road). Mixed or blank uses are not roads. ``None`` when there is no
    planning layer or the profile names no road uses; an empty array when the layer has no road.
    """
    if planning is None or "blocks.road_uses" not in profile:
        return None
    matcher = LandUseMatcher.from_lists(profile.value("blocks.road_uses"))
    if "planned_use" not in planning.columns or not len(planning):
        return np.array([], dtype=object)
    is_road = planning["planned_use"].map(matcher.matches).eq(True).to_numpy(dtype=bool)
    geoms = planning.geometry.values[is_road & _usable(planning)]
    return np.asarray(geoms, dtype=object)


def _inset(roads: np.ndarray) -> np.ndarray:
    """Roads shrunk by :data:`_ROAD_INSET_M`; a road thinner than twice that is kept whole."""
    shrunk = shapely.buffer(roads, -_ROAD_INSET_M)
    return np.where(shapely.is_empty(shrunk), roads, shrunk)


def neighbour_pairs(
    a: np.ndarray,
    b: np.ndarray,
    *,
    gap_m: float,
    comparison: str = "<=",
    roads: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(i, j)`` of geometries ``a[i]``, ``b[j]`` that join one block.

    They join when their distance compares to ``gap_m`` by ``comparison`` (``"<="``: at most
    ``gap_m`` apart; touching = 0 m) and, when ``roads`` are given and the geometries do not
    touch, the shortest line between them does not cross the inside of a road polygon. The
    distance is compared rounded to 6 decimals (:func:`landgov.core.compare.measured`): plots
    drawn 10 m apart whose coordinates measure 10.000000000116 m are 10 m apart.
    """
    if len(a) == 0 or len(b) == 0:
        empty = np.array([], dtype=np.intp)
        return empty, empty
    tree = shapely.STRtree(b)
    reach = float(gap_m) + 10.0**-MEASURED_DIGITS  # candidates the rounding may bring in
    left, right = tree.query(a, predicate="dwithin", distance=reach)
    dist = measured(shapely.distance(a[left], b[right]))
    keep = np.asarray(compare(dist, comparison, float(gap_m)), dtype=bool)
    if roads is not None and len(roads):
        apart = keep & (dist > 0)
        idx = np.flatnonzero(apart)
        lines = shapely.shortest_line(a[left[idx]], b[right[idx]])
        hit, _ = shapely.STRtree(_inset(roads)).query(lines, predicate="intersects")
        keep[idx[np.unique(hit)]] = False
    return left[keep], right[keep]


def label_blocks(
    parcels: gpd.GeoDataFrame,
    *,
    gap_m: float = 10.0,
    comparison: str = "<=",
    roads: np.ndarray | None = None,
) -> pd.Series:
    """Connected-component label per plot (plots that join by :func:`neighbour_pairs`).

    Parameters
    ----------
    parcels
        Polygons in a projected CRS in metres.
    gap_m, comparison
        Two plots join when ``distance <comparison> gap_m`` (touching = 0 m).
    roads
        Planned road polygons (:func:`road_polygons`) that split blocks; ``None`` for none.

    Returns
    -------
    pandas.Series
        ``Int64`` component number per input row (same index), ``<NA>`` for rows without
        geometry. Numbers are arbitrary; :func:`find_blocks` turns them into block ids.
    """
    labels = pd.Series(pd.NA, index=parcels.index, dtype="Int64", name="component")
    ok = _usable(parcels)
    if not ok.any():
        return labels
    geoms = np.asarray(parcels.geometry.values[ok], dtype=object)
    left, right = neighbour_pairs(geoms, geoms, gap_m=gap_m, comparison=comparison, roads=roads)
    n = len(geoms)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    labels.iloc[np.flatnonzero(ok)] = comp
    return labels


def is_large(area_mu: pd.Series, *, min_area_mu: float, comparison: str = ">=") -> pd.Series:
    """``area_mu <comparison> min_area_mu``, on areas rounded to 10⁻⁶ 亩 (float noise).

    A missing area is not large (``False``): callers that must say 待核实 check for it first.
    """
    rounded = pd.to_numeric(area_mu, errors="coerce").round(6)
    return compare(rounded, comparison, float(min_area_mu)).astype(bool)


def _path_order(names: Sequence[str]) -> list[str]:
    known = [p.value for p in TreatmentPath if p.value in names]
    return known + sorted(c for c in names if c not in known)


def path_counts(block_id: pd.Series, path: pd.Series) -> pd.Series:
    """Plots per 四个一批 path in each block, as text (``"关停退出2；拆除重建1"``).

    ``block_id`` and ``path`` share an index; returns one string per block id (paths in the
    order of :class:`~landgov.screening.paths.TreatmentPath`, then any other value).
    """
    frame = pd.DataFrame({"block": block_id, "path": path}).dropna()
    if frame.empty:
        return pd.Series(dtype="object", name="paths")
    table = frame.groupby(["block", "path"]).size().unstack(fill_value=0)
    table = table[_path_order(list(table.columns))]
    text = table.apply(
        lambda row: "；".join(f"{name}{n}" for name, n in row.items() if n > 0), axis=1
    )
    return text.astype("object").rename("paths")


def path_areas(block_id: pd.Series, path: pd.Series, area_mu: pd.Series) -> pd.Series:
    """Area (亩) per 四个一批 path in each block, as text (``"拆除重建 80.5亩；关停退出 30亩"``).

    Plots of unknown area are left out of the sums (the block's area does the same).
    """
    frame = pd.DataFrame(
        {"block": block_id, "path": path, "mu": pd.to_numeric(area_mu, errors="coerce")}
    ).dropna(subset=["block", "path"])
    if frame.empty:
        return pd.Series(dtype="object", name="path_area")
    table = frame.groupby(["block", "path"])["mu"].sum(min_count=1).unstack()
    table = table[_path_order(list(table.columns))]
    text = table.apply(
        lambda row: "；".join(
            f"{name} {format_number(mu)}亩" for name, mu in row.items() if pd.notna(mu)
        ),
        axis=1,
    )
    return text.astype("object").rename("path_area")


def _n_enterprises(parcels: gpd.GeoDataFrame, comp: pd.Series) -> pd.Series:
    """Distinct enterprises per component (from ``usccs``; else ``main_uscc``; else a sum)."""
    for col in ("usccs", "main_uscc"):
        if col in parcels.columns and parcels[col].notna().any():
            text = parcels[col].astype("object").where(parcels[col].notna(), None)
            lists = text.map(lambda v: [] if v is None else [u for u in str(v).split("；") if u])
            exploded = pd.DataFrame({"comp": comp, "uscc": lists}).explode("uscc")
            return exploded.dropna().groupby("comp")["uscc"].nunique()
    if "n_enterprises" in parcels.columns:
        return pd.to_numeric(parcels["n_enterprises"], errors="coerce").groupby(comp).sum()
    return pd.Series(dtype="float64")


def _townships(parcels: gpd.GeoDataFrame, comp: pd.Series) -> pd.Series:
    """The 镇街 of each component's plots, "、"-joined in order of appearance."""
    if "township" not in parcels.columns:
        return pd.Series(dtype="object")
    names = present_column(parcels["township"])  # 「—」 or a blank is no 镇街 (core.missing)
    frame = pd.DataFrame({"comp": comp, "t": names}).dropna()
    return frame.groupby("comp")["t"].agg(lambda s: "、".join(dict.fromkeys(map(str, s))))


def _union_by(geoms: np.ndarray, comp: np.ndarray) -> dict[int, shapely.Geometry]:
    """Union of the geometries of each component (single plots are taken as they are)."""
    if len(comp) == 0:
        return {}
    order = np.argsort(comp, kind="stable")
    sorted_comp = comp[order]
    starts = np.flatnonzero(np.r_[True, sorted_comp[1:] != sorted_comp[:-1]])
    ends = np.r_[starts[1:], len(order)]
    out: dict[int, shapely.Geometry] = {}
    for a, b in zip(starts, ends, strict=True):
        members = geoms[order[a:b]]
        out[int(sorted_comp[a])] = members[0] if b - a == 1 else shapely.union_all(members)
    return out


def find_blocks(
    parcels: gpd.GeoDataFrame,
    *,
    gap_m: float = 10.0,
    gap_comparison: str = "<=",
    min_area_mu: float = 100.0,
    area_comparison: str = ">=",
    roads: np.ndarray | None = None,
) -> tuple[pd.Series, gpd.GeoDataFrame]:
    """Group plots into 连片 blocks and describe each block's composition.

    Every plot given is grouped: choosing the plots (those whose path frees or rebuilds land)
    is the caller's (:mod:`landgov.screening._paths_blocks`).

    Parameters
    ----------
    parcels
        The plots to group, projected CRS in metres. Optional columns: ``parcel_id``,
        ``area_m2`` (else the geometry's area), ``usccs``/``main_uscc``, ``n_enterprises``,
        ``tax_wan``, ``township``, ``path``.
    gap_m, gap_comparison
        Plots join when ``distance <gap_comparison> gap_m`` (``blocks.gap_m``, 10 m: touching
        plots and plots across a lane join, plots across a main road do not).
    min_area_mu, area_comparison
        Blocks with ``area_mu <area_comparison> min_area_mu`` are ``large``
        (``blocks.min_area_mu``, 「100亩以上」 [越政发〔2022〕24号 第三条第4项], 100 亩 included).
    roads
        Planned road polygons that split blocks (:func:`road_polygons`).

    Returns
    -------
    block_id : pandas.Series
        Block id (``"B0001"`` …, largest block first) per input row, same index; ``<NA>`` for
        rows without geometry.
    blocks : geopandas.GeoDataFrame
        One row per block, indexed by ``block_id``: :data:`BLOCK_COLUMNS` and ``geometry``
        (the union of the plots). ``area_mu = area_m2 × 15 / 10000`` (NaN when a plot's area
        is not known; ``large`` is then ``True`` when the known plots reach the threshold, else
        ``<NA>``); ``tax_per_mu = tax_wan / area_mu`` (万元/亩; NaN when a plot's tax is not
        known); ``paths`` (plots per path) and
        ``path_area`` (亩 per path) when the input has a ``path`` column; ``townships`` (镇街);
        ``largest_parcel`` and ``largest_parcel_mu`` (the largest plot).
    """
    comp = label_blocks(parcels, gap_m=gap_m, comparison=gap_comparison, roads=roads)
    area_m2 = plot_area_m2(parcels)  # blank = flagged implausible or no geometry: not counted
    valid = comp.notna()
    c = comp[valid].astype("int64")
    stats = pd.DataFrame(
        {
            "area_m2": area_m2[valid].groupby(c).sum(),  # of the plots whose area is known
            "unknown": area_m2[valid].isna().groupby(c).any(),
            "n_parcels": c.groupby(c).size(),
            "first": pd.Series(np.arange(len(parcels))[valid.to_numpy()], index=c.index)
            .groupby(c)
            .min(),
        }
    )
    stats = stats.sort_values(["area_m2", "first"], ascending=[False, True])
    width = max(4, len(str(len(stats))))
    stats["block_id"] = [f"B{i:0{width}d}" for i in range(1, len(stats) + 1)]
    block_id = comp.map(stats["block_id"]).astype("object").rename("block_id")
    block_id = block_id.where(valid, pd.NA)
    large = (float(min_area_mu), area_comparison)
    blocks = _describe(parcels[valid], c, area_m2[valid], stats, large)
    return block_id, blocks


def _largest(pid: pd.Series, area_m2: pd.Series, comp: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"comp": comp, "pid": pid, "m2": area_m2}).dropna(subset=["m2"])
    top = frame.sort_values("m2", ascending=False, kind="stable").groupby("comp").head(1)
    top = top.set_index("comp")
    return pd.DataFrame(
        {"largest_parcel": top["pid"].astype("object"), "largest_parcel_mu": m2_to_mu(top["m2"])}
    )


def _describe(
    parcels: gpd.GeoDataFrame,
    comp: pd.Series,
    area_m2: pd.Series,
    stats: pd.DataFrame,
    large: tuple[float, str],
) -> gpd.GeoDataFrame:
    pid = (
        parcels["parcel_id"].astype("object")
        if "parcel_id" in parcels.columns
        else pd.Series(parcels.index.astype(str), index=parcels.index)
    )
    tax = pd.to_numeric(
        parcels.get("tax_wan", pd.Series(np.nan, index=parcels.index)), errors="coerce"
    )
    # a plot of unknown area (flagged implausible) leaves the block's area unknown: large when
    # the plots of known area already reach the threshold, else not known (never 「不足」)
    unknown = stats["unknown"].astype(bool)
    known_mu = m2_to_mu(stats["area_m2"])
    area_mu = known_mu.mask(unknown)
    reached = is_large(known_mu, min_area_mu=large[0], comparison=large[1]).astype("boolean")
    # the block's tax: of every plot, or not known (a partial sum over the whole area would
    # lower its 亩均税收 as if the missing tax were 0)
    tax_sum = tax.groupby(comp).sum(min_count=1).reindex(stats.index)
    tax_sum = tax_sum.mask(tax.isna().groupby(comp).any().reindex(stats.index, fill_value=True))
    top = _largest(pid, area_m2, comp).reindex(stats.index)
    frame = pd.DataFrame(
        {
            "block_id": stats["block_id"],
            "area_mu": area_mu,
            "large": reached.mask(~reached & unknown),
            "n_parcels": stats["n_parcels"].astype("int64"),
            "paths": "",
            "path_area": "",
            "n_enterprises": _n_enterprises(parcels, comp)
            .reindex(stats.index)
            .fillna(0)
            .astype("int64"),
            "townships": _townships(parcels, comp).reindex(stats.index).fillna(""),
            "largest_parcel": top["largest_parcel"],
            "largest_parcel_mu": top["largest_parcel_mu"].astype("float64"),
            "tax_wan": tax_sum,
            "tax_per_mu": tax_sum / area_mu.replace(0.0, np.nan),
            "parcel_ids": pid.groupby(comp)
            .agg(lambda s: "；".join(map(str, s)))
            .reindex(stats.index),
            "area_m2": stats["area_m2"].mask(unknown),
        },
        index=stats.index,
    )
    if "path" in parcels.columns:
        counts = path_counts(comp, parcels["path"])
        frame["paths"] = counts.reindex(stats.index).fillna("").astype("object")
        areas = path_areas(comp, parcels["path"], m2_to_mu(area_m2))
        frame["path_area"] = areas.reindex(stats.index).fillna("").astype("object")
    unions = _union_by(parcels.geometry.values, comp.to_numpy())
    geometry = [unions[i] for i in stats.index]
    out = gpd.GeoDataFrame(frame, geometry=geometry, crs=parcels.crs)
    return out.set_index("block_id", drop=False).rename_axis(None)


def _keep_ids(new_id: pd.Series, old_id: pd.Series, order: pd.Index) -> dict[str, str]:
    """New block id → id to show: the earlier id of the block most of its plots were in.

    ``order`` lists the new blocks largest first; a larger block claims an earlier id first;
    a block with no predecessor (or whose predecessor was claimed) gets the next unused id.
    """
    pairs = pd.DataFrame({"new": new_id, "old": old_id}).dropna()
    taken = set(old_id.dropna().astype(str))
    width = max(4, *(len(t) - 1 for t in taken)) if taken else 4
    numbers = [int(t[1:]) for t in taken if t[1:].isdigit()]
    fresh = (f"B{n:0{width}d}" for n in range(max(numbers, default=0) + 1, 10**9))
    claimed: set[str] = set()
    out: dict[str, str] = {}
    for new in order:
        olds = pairs.loc[pairs["new"] == new, "old"].astype(str).value_counts()
        pick = next((o for o in olds.index if o not in claimed), None)
        out[str(new)] = pick if pick is not None else next(fresh)
        claimed.add(out[str(new)])
    return out


def regroup_blocks(
    parcels: gpd.GeoDataFrame,
    *,
    profile: Profile,
    roads: np.ndarray | None = None,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """The 连片 blocks again from the paths as they stand (e.g. after 人工认定).

    The members are the 治理 plots whose ``path`` is in ``blocks.paths``; no path is decided
    again. A block that continues keeps its earlier ``block_id`` (the one most of its plots had;
    the larger block first), a new one gets the next free id, so the ids people have seen stay.

    Parameters
    ----------
    parcels
        The 底数清单 with ``screening_status``, ``path`` and the earlier ``block_id``.
    profile
        ``blocks.gap_m``, ``blocks.min_area_mu``, ``blocks.paths``.
    roads
        Planned road polygons that split blocks (:func:`road_polygons`).

    Returns
    -------
    columns : pandas.DataFrame
        ``block_id``, ``block_large``, ``block_area_mu`` per plot (``<NA>``/``False``/NaN
        off the blocks and off the 治理清单, ``False`` for a 治理 plot in no block).
    blocks : geopandas.GeoDataFrame
        As :func:`find_blocks` returns them, with the ids kept.
    """
    gap, area = profile["blocks.gap_m"], profile["blocks.min_area_mu"]
    members = {str(p) for p in profile.value("blocks.paths")}
    governed = parcels["screening_status"].eq("治理")
    member = governed & parcels["path"].isin(members)
    kept = parcels[member.to_numpy()]
    new_id, blocks = find_blocks(
        kept,
        gap_m=float(gap.value),
        gap_comparison=gap.comparison or "<=",
        min_area_mu=float(area.value),
        area_comparison=area.comparison or ">=",
        roads=roads,
    )
    old_id = parcels.get("block_id", pd.Series(pd.NA, index=parcels.index)).reindex(kept.index)
    rename = _keep_ids(new_id, old_id, blocks.index)
    block_id = new_id.map(rename).reindex(parcels.index).astype("object")
    blocks = blocks.rename(index=rename).assign(block_id=lambda b: b.index.astype(str))
    in_block = block_id.notna()
    columns = pd.DataFrame(
        {
            "block_id": block_id,
            "block_large": block_id.map(blocks["large"]).where(in_block, False).astype("boolean"),
            "block_area_mu": block_id.map(blocks["area_mu"]).astype("float64"),
        },
        index=parcels.index,
    )
    columns.loc[~governed.to_numpy(), "block_large"] = pd.NA
    return columns, blocks.sort_values(["area_mu", "block_id"], ascending=[False, True])
