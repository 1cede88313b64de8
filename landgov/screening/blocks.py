"""连片 blocks: plots that touch or lie within a road's width of each other (docs/domain.md §7).

越城 targets low-efficiency land in blocks of 100 亩 and more for 连片改造 and 连片腾退 [000 4].
A block is a connected component of the graph whose edges join plots at most ``gap_m`` metres
apart (touching plots are 0 m apart). The graph is built with the spatial index
(``sindex.query(..., predicate="dwithin")``) and split with
:func:`scipy.sparse.csgraph.connected_components`, so 50,000 plots take seconds.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from landgov.screening.paths import TreatmentPath
from landgov.units import m2_to_mu

__all__ = ["BLOCK_COLUMNS", "find_blocks", "label_blocks", "path_counts"]

#: Columns of the blocks layer (besides ``geometry``).
BLOCK_COLUMNS: tuple[str, ...] = (
    "block_id",
    "area_m2",
    "area_mu",
    "n_parcels",
    "parcel_ids",
    "n_enterprises",
    "tax_wan",
    "tax_per_mu",
    "paths",
    "large",
)
_EPS = 1e-9


def _usable(parcels: gpd.GeoDataFrame) -> np.ndarray:
    geoms = parcels.geometry.values
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def label_blocks(parcels: gpd.GeoDataFrame, *, gap_m: float = 30.0) -> pd.Series:
    """Connected-component label per plot (plots at most ``gap_m`` metres apart join).

    Parameters
    ----------
    parcels
        Polygons in a projected CRS in metres.
    gap_m
        Largest distance between two plots of one block, in metres (touching = 0).

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
    geoms = parcels.geometry[ok]
    left, right = geoms.sindex.query(geoms.values, predicate="dwithin", distance=float(gap_m))
    n = len(geoms)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    labels.iloc[np.flatnonzero(ok)] = comp
    return labels


def path_counts(block_id: pd.Series, path: pd.Series) -> pd.Series:
    """Plots per 四个一批 path in each block, as text (``"关停退出2；整治提升1"``).

    ``block_id`` and ``path`` share an index; returns one string per block id (paths in the
    order of :class:`~landgov.screening.paths.TreatmentPath`, then any other value).
    """
    frame = pd.DataFrame({"block": block_id, "path": path}).dropna()
    if frame.empty:
        return pd.Series(dtype="object", name="paths")
    table = frame.groupby(["block", "path"]).size().unstack(fill_value=0)
    known = [p.value for p in TreatmentPath if p.value in table.columns]
    table = table[known + sorted(c for c in table.columns if c not in known)]
    text = pd.Series("", index=table.index, dtype="object")
    for name in table.columns:
        counts = table[name]
        part = (name + counts.astype(str)).where(counts > 0, "")
        sep = pd.Series(np.where((text != "") & (part != ""), "；", ""), index=text.index)
        text = text + sep + part
    return text.rename("paths")


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
    gap_m: float = 30.0,
    min_area_mu: float = 100.0,
) -> tuple[pd.Series, gpd.GeoDataFrame]:
    """Group plots into 连片 blocks and describe each block.

    Parameters
    ----------
    parcels
        The plots to group (usually the 治理清单), projected CRS in metres. Optional columns:
        ``parcel_id``, ``area_m2`` (else the geometry's area), ``usccs``/``main_uscc``,
        ``n_enterprises``, ``tax_wan``, ``path``.
    gap_m
        Plots at most this many metres apart join one block (``blocks.gap_m``, default 30 m: a
        road between two plots does not split a block).
    min_area_mu
        Blocks of at least this area are ``large`` (``blocks.min_area_mu``, 100 亩 [000 4]).

    Returns
    -------
    block_id : pandas.Series
        Block id (``"B0001"`` …, largest block first) per input row, same index; ``<NA>`` for
        rows without geometry.
    blocks : geopandas.GeoDataFrame
        One row per block, indexed by ``block_id``: :data:`BLOCK_COLUMNS` and ``geometry``
        (the union of the plots). ``area_mu = area_m2 × 15 / 10000``;
        ``tax_per_mu = tax_wan / area_mu`` (万元/亩); ``paths`` counts plots per path when the
        input has a ``path`` column.
    """
    comp = label_blocks(parcels, gap_m=gap_m)
    if "area_m2" in parcels.columns:  # blank = flagged implausible or no geometry: not counted
        area_m2 = pd.to_numeric(parcels["area_m2"], errors="coerce")
    else:
        area_m2 = parcels.geometry.area
    valid = comp.notna()
    c = comp[valid].astype("int64")
    stats = pd.DataFrame(
        {
            "area_m2": area_m2[valid].groupby(c).sum(),
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
    blocks = _describe(parcels[valid], c, stats, float(min_area_mu))
    return block_id, blocks


def _describe(
    parcels: gpd.GeoDataFrame, comp: pd.Series, stats: pd.DataFrame, min_area_mu: float
) -> gpd.GeoDataFrame:
    ids = stats["block_id"]
    pid = (
        parcels["parcel_id"].astype("object")
        if "parcel_id" in parcels.columns
        else pd.Series(parcels.index.astype(str), index=parcels.index)
    )
    tax = pd.to_numeric(
        parcels.get("tax_wan", pd.Series(np.nan, index=parcels.index)), errors="coerce"
    )
    area_mu = m2_to_mu(stats["area_m2"])
    tax_sum = tax.groupby(comp).sum(min_count=1).reindex(stats.index)
    frame = pd.DataFrame(
        {
            "block_id": ids,
            "area_m2": stats["area_m2"],
            "area_mu": area_mu,
            "n_parcels": stats["n_parcels"].astype("int64"),
            "parcel_ids": pid.groupby(comp)
            .agg(lambda s: "；".join(map(str, s)))
            .reindex(stats.index),
            "n_enterprises": _n_enterprises(parcels, comp)
            .reindex(stats.index)
            .fillna(0)
            .astype("int64"),
            "tax_wan": tax_sum,
            "tax_per_mu": tax_sum / area_mu.replace(0.0, np.nan),
            "paths": "",
            "large": area_mu >= min_area_mu - _EPS,
        },
        index=stats.index,
    )
    if "path" in parcels.columns:
        counts = path_counts(comp, parcels["path"])
        frame["paths"] = counts.reindex(stats.index).fillna("").astype("object")
    unions = _union_by(parcels.geometry.values, comp.to_numpy())
    geometry = [unions[i] for i in stats.index]
    out = gpd.GeoDataFrame(frame, geometry=geometry, crs=parcels.crs)
    return out.set_index("block_id", drop=False).rename_axis(None)
