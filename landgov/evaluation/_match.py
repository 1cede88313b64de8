"""Match the plots of two runs: by 宗地代码, and by geometry overlap for splits and merges.

Plots are the nodes of a graph: an old and a new plot with the same 宗地代码 are joined, and an
old and a new plot are joined when one lies mostly inside the other (the intersection covers
at least :data:`OVERLAP_SHARE` of the smaller one's area) and at least one of them has no
partner by code. Each connected group is one row of the comparison, so every plot of both runs
is in exactly one row:

=============  ==========  ==========
match          old plots   new plots
=============  ==========  ==========
两期均有        1 (same code) 1
重新编号        1           1 (another code, same land)
分割            1           2 or more
合并            2 or more   1
分割合并        2 or more   2 or more
仅旧期          1           0
仅新期          0           1
=============  ==========  ==========
"""

from __future__ import annotations

import enum

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = ["OVERLAP_SHARE", "Match", "match_plots"]

#: Share of the smaller plot's area two plots must share to count as the same land.
OVERLAP_SHARE = 0.5


class Match(enum.StrEnum):
    """How a group of plots of the two runs corresponds."""

    BOTH = "两期均有"
    RENUMBERED = "重新编号"
    SPLIT = "分割"
    MERGED = "合并"
    RESHAPED = "分割合并"
    ONLY_OLD = "仅旧期"
    ONLY_NEW = "仅新期"


def _overlap_edges(
    old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, loose_old: np.ndarray, loose_new: np.ndarray
) -> list[tuple[int, int]]:
    """(old position, new position) pairs that share most of the smaller plot."""
    if not len(old) or not len(new):
        return []
    og = old.geometry.to_numpy()
    ng = new.geometry.to_numpy()
    tree = shapely.STRtree(ng)
    oi, ni = tree.query(og, predicate="intersects")
    keep = loose_old[oi] | loose_new[ni]
    oi, ni = oi[keep], ni[keep]
    if not len(oi):
        return []
    inter = shapely.area(shapely.intersection(og[oi], ng[ni]))
    smaller = np.minimum(shapely.area(og[oi]), shapely.area(ng[ni]))
    ok = inter >= OVERLAP_SHARE * np.where(smaller > 0, smaller, np.inf)
    return list(zip(oi[ok].tolist(), ni[ok].tolist(), strict=True))


def _components(n_old: int, n_new: int, edges: list[tuple[int, int]]) -> np.ndarray:
    """Component label of each node (old nodes 0..n_old-1, then new nodes)."""
    parent = np.arange(n_old + n_new)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return int(i)

    for o, n in edges:
        a, b = find(o), find(n_old + n)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return np.array([find(i) for i in range(n_old + n_new)])


def _kind(old_ids: list[str], new_ids: list[str]) -> Match:
    n_old, n_new = len(old_ids), len(new_ids)
    if n_new == 0:
        return Match.ONLY_OLD
    if n_old == 0:
        return Match.ONLY_NEW
    if n_old == 1 and n_new == 1:
        return Match.BOTH if old_ids == new_ids else Match.RENUMBERED
    if n_old == 1:
        return Match.SPLIT
    if n_new == 1:
        return Match.MERGED
    return Match.RESHAPED


def match_plots(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> pd.DataFrame:
    """Groups of corresponding plots: ``match``, ``old_ids``, ``new_ids`` (lists of 宗地代码)
    and ``apart``: the codes of the group found in both runs on land that does not overlap
    (:func:`_apart`; not joined by their code, to be verified).

    Both frames need ``parcel_id`` and a geometry in the same projected CRS (new is
    reprojected to old's when they differ). Every plot of both frames is in exactly one group.
    """
    if old.crs is not None and new.crs is not None and old.crs != new.crs:
        new = new.to_crs(old.crs)
    old_ids = old["parcel_id"].astype(str).to_numpy()
    new_ids = new["parcel_id"].astype(str).to_numpy()
    new_pos = {k: i for i, k in enumerate(new_ids)}
    by_code = [(i, new_pos[k]) for i, k in enumerate(old_ids) if k in new_pos]
    apart = _apart(old, new, by_code)
    by_code = [(i, j) for i, j in by_code if old_ids[i] not in apart]
    loose_old = ~np.isin(old_ids, new_ids) | np.isin(old_ids, list(apart))
    loose_new = ~np.isin(new_ids, old_ids) | np.isin(new_ids, list(apart))
    edges = by_code + _overlap_edges(old, new, loose_old, loose_new)
    label = _components(len(old), len(new), edges)
    groups: dict[int, tuple[list[str], list[str]]] = {}
    for i, k in enumerate(old_ids):
        groups.setdefault(int(label[i]), ([], []))[0].append(k)
    for i, k in enumerate(new_ids):
        groups.setdefault(int(label[len(old) + i]), ([], []))[1].append(k)
    rows = [
        {
            "match": _kind(o, n).value,
            "old_ids": sorted(o),
            "new_ids": sorted(n),
            "apart": sorted(apart & {*o, *n}),
        }
        for o, n in groups.values()
    ]
    return pd.DataFrame(rows, columns=["match", "old_ids", "new_ids", "apart"])


def _apart(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, pairs: list[tuple[int, int]]) -> set[str]:
    """The 宗地代码 of the ``pairs`` (old position, new position; same code) whose two
    geometries share no land: a code given to other land (re-registration) or a drawing error.
    A 宗地 is land and the code its label, so such a pair is not one plot; either is matched
    on its own (by overlap, or not at all). A pair with a geometry missing or empty is kept
    (nothing says the land differs)."""
    if not pairs:
        return set()
    oi, ni = (np.array(p) for p in zip(*pairs, strict=True))
    a, b = old.geometry.to_numpy()[oi], new.geometry.to_numpy()[ni]
    drawn = ~(
        shapely.is_missing(a) | shapely.is_empty(a) | shapely.is_missing(b) | shapely.is_empty(b)
    )
    shared = np.zeros(len(oi))
    shared[drawn] = shapely.area(shapely.intersection(a[drawn], b[drawn]))
    codes = old["parcel_id"].astype(str).to_numpy()[oi]
    return set(codes[drawn & (shared <= 0)].tolist())
