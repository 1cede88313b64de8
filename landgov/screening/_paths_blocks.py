"""四个一批 paths and 连片 blocks, decided together without a circle (docs/domain.md §7).

The text: 「重点对占地100亩以上低效工业用地连片改造及低效企业连片腾退」
[越政发〔2022〕24号 第三条第4项].
Read as: a block is contiguous 治理清单 land that is to be rebuilt (连片改造) or vacated
(连片腾退), i.e. plots whose path frees or rebuilds land (``blocks.paths``: 拆除重建 and 关停退出
by default, 功能转型 where a county's profile says so). 整治提升 plots stay with their enterprise
and are in no block. The 治理清单 is the 低效工业用地 of the text in the broad sense (亩均 low
efficiency, idle, under-used, 两高, violations), so the members are chosen by path, not by the
亩均税收 check alone.

Blocks depend on paths, and the rule table may use blocks (``block:large`` in R3: 「低效且属
100亩以上连片低效地块 → 拆除重建」). The circle is cut in three passes:

1. **Paths without the block clause.** Every plot is taken as a block of its own: ``block:large``
   holds for a plot of at least ``blocks.min_area_mu`` by itself (「占地100亩以上」). The plots
   whose path is in ``blocks.paths`` are the *seed* plots; they form the seed blocks.
2. **The block clause, once.** A plot not in the seed is evaluated again with the block it would
   join: its own area plus the seed blocks it touches or lies across a lane from. A low-efficiency
   plot next to a 100-亩 seed block thus becomes 拆除重建 (R3) and joins it — 连片改造. Seed
   plots keep their path. There is no second round: blocks grow by one ring of plots at most,
   never chaining across the park. A neighbour whose pass-1 path is undecided between a
   member path and another (a rule before its own undecided for a missing input) may be a
   seed too: where the plot's block reaches the area only with such neighbours, ``block:large``
   is unknown for it (``block_pending`` names them), so its path is 待核实, never certain.
3. **Final blocks and reasons.** Blocks are formed from the plots whose path is now in
   ``blocks.paths``; every plot's path is evaluated a last time with its final block (members)
   or itself (the others), so that a reason names the block id and area the outputs show. With
   the block clause used positively (``block:large``, ``block_area_mu>=…``) this gives the
   same paths as pass 2; a rule table that uses it negatively could move a plot in or out of
   a block at this step, so such a plot keeps its pass-2 decision and blocks stay consistent.

After 人工认定 the blocks are formed again from the decided paths
(:func:`~landgov.screening.blocks.regroup_blocks`) and no path is decided again. The other plots
may then stand differently to the blocks than when their path was decided: their block shrank,
grew or is gone, or a block they would join (pass 2) is now large. :func:`recheck_paths` asks the
rule table, with the same three passes and the decided plots as fixed seeds, what each of them
would be now; the caller keeps the path and writes the new text where the answer is the same,
and flags the path for review where it is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.missing import complete_sums
from landgov.policy import Profile
from landgov.screening.blocks import (
    find_blocks,
    is_large,
    label_blocks,
    neighbour_pairs,
    path_areas,
    path_counts,
)
from landgov.screening.paths import (
    PathRule,
    decide_paths,
    decided_path,
    may_take,
    path_rows,
)
from landgov.units import m2_to_mu, plot_area_m2

__all__ = ["PathsAndBlocks", "paths_and_blocks", "recheck_paths"]


@dataclass(frozen=True)
class PathsAndBlocks:
    """What :func:`paths_and_blocks` returns.

    Attributes
    ----------
    paths
        :func:`~landgov.screening.paths.assign_paths` columns per 治理 plot.
    block_id, block_large, block_area_mu
        Per 治理 plot: its block (``<NA>`` when in none), whether the block is large (``False``
        when in none) and its area in 亩 (NaN when in none).
    blocks
        The blocks (:func:`~landgov.screening.blocks.find_blocks`).
    """

    paths: pd.DataFrame
    block_id: pd.Series
    block_large: pd.Series
    block_area_mu: pd.Series
    blocks: gpd.GeoDataFrame


@dataclass(frozen=True)
class _Settings:
    gap_m: float
    gap_comparison: str
    min_area_mu: float
    area_comparison: str
    members: tuple[str, ...]

    @classmethod
    def of(cls, profile: Profile) -> _Settings:
        gap, area = profile["blocks.gap_m"], profile["blocks.min_area_mu"]
        return cls(
            float(gap.value),
            gap.comparison or "<=",
            float(area.value),
            area.comparison or ">=",
            tuple(str(p) for p in profile.value("blocks.paths")),
        )

    def large(self, area_mu: pd.Series) -> pd.Series:
        """``block_large`` facts: ``<NA>`` where the area is unknown."""
        out = is_large(area_mu, min_area_mu=self.min_area_mu, comparison=self.area_comparison)
        return out.astype("boolean").mask(area_mu.isna())

    def large_of_parts(self, known_mu: pd.Series, gap: pd.Series) -> pd.Series:
        """``block_large`` of a block whose area is ``known_mu`` (the plots of known area) plus
        the unknown area of some plots where ``gap``: ``True`` when the known part already
        reaches the threshold, ``<NA>`` when it does not and a part is unknown (as
        :func:`~landgov.screening.blocks.find_blocks` says it)."""
        reached = self.large(known_mu)
        return reached.mask(gap.astype(bool) & ~reached.fillna(False).astype(bool))


def _plot_mu(parcels: gpd.GeoDataFrame) -> pd.Series:
    """Each plot's area in 亩, as :func:`find_blocks` counts it (``area_m2``, else the shape)."""
    return m2_to_mu(plot_area_m2(parcels))


def _facts(
    parcels: gpd.GeoDataFrame,
    ids: pd.Series,
    area_mu: pd.Series,
    s: _Settings,
    large: pd.Series | None = None,
) -> pd.DataFrame:
    """The block facts the rules see; ``large`` when the block's area is unknown but its
    known part may reach the threshold (else it is read off ``area_mu``)."""
    block_large = s.large(area_mu) if large is None else large.astype("boolean")
    return parcels.assign(
        block_id=ids.astype("object"), block_area_mu=area_mu, block_large=block_large
    )


def _would_join(
    gov: gpd.GeoDataFrame,
    seed: pd.Series,
    own_mu: pd.Series,
    s: _Settings,
    roads: np.ndarray | None,
) -> pd.DataFrame:
    """Pass 2: the block each plot would be in (seed block, or own + neighbours): its
    ``area`` (亩; NaN when any of its plots' area is unknown, never the known part's) and
    ``large`` (:meth:`_Settings.large_of_parts`: the known part may already reach it)."""
    comp = label_blocks(gov[seed], gap_m=s.gap_m, comparison=s.gap_comparison, roads=roads).reindex(
        gov.index
    )
    in_seed = comp.notna()
    seed_mu = complete_sums(own_mu[in_seed].to_frame("mu"), comp[in_seed])["mu"]
    seed_known = own_mu[in_seed].groupby(comp[in_seed]).sum()  # a floor, for ``large`` only
    gap_ids = seed_mu.index[seed_mu.isna()]  # seed blocks with a plot of unknown area
    area = comp.map(seed_mu).astype("float64")
    known = comp.map(seed_known).astype("float64")
    gap = comp.isin(gap_ids).astype(bool)
    others = gov.index[~seed.to_numpy()]
    geoms = np.asarray(gov.geometry.values, dtype=object)
    pos_other = np.flatnonzero(~seed.to_numpy())
    pos_seed = np.flatnonzero(seed.to_numpy())
    ok_other = pos_other[~pd.isna(geoms[pos_other])]
    ok_seed = pos_seed[~pd.isna(geoms[pos_seed])]
    i, j = neighbour_pairs(
        geoms[ok_other], geoms[ok_seed], gap_m=s.gap_m, comparison=s.gap_comparison, roads=roads
    )
    pairs = pd.DataFrame(
        {"plot": gov.index[ok_other[i]], "comp": comp.iloc[ok_seed[j]].to_numpy()}
    ).drop_duplicates()
    by_plot = pairs["plot"]
    near_known = pairs["comp"].map(seed_known).groupby(by_plot).sum().reindex(others)
    near_gap = pairs["comp"].isin(gap_ids).groupby(by_plot).any().reindex(others)
    own = own_mu.reindex(others)
    known.loc[others] = own.fillna(0.0) + near_known.fillna(0.0)
    gap.loc[others] = own.isna() | near_gap.fillna(False).astype(bool)
    area.loc[others] = known.loc[others].mask(gap.loc[others])
    return pd.DataFrame({"area": area, "large": s.large_of_parts(known, gap)})


#: Why a plot's block is not known: the neighbours whose own path is undecided (pass 2).
_PENDING = (
    "连片相邻地块 block_pending（相邻治理地块 {ids} 的治理路径待核实："
    "若为{paths}，可连成 {cmp} {mu:g} 亩的连片地块）"
)


@dataclass(frozen=True)
class _Pass1:
    """What pass 1 left: the decisions, the seed, and each plot's block with the seed."""

    first: pd.Series
    seed: pd.Series
    joined: pd.DataFrame
    own_mu: pd.Series
    pid: pd.Series


def _pending(
    gov: gpd.GeoDataFrame, p1: _Pass1, s: _Settings, roads: np.ndarray | None
) -> pd.Series:
    """Per plot not in the seed: what its block waits on (``<NA>`` when nothing).

    Pass 2 joins a plot to the seed blocks next to it. A neighbour whose pass-1 path is
    undecided between a path that frees or rebuilds land (``blocks.paths``) and another may
    be a seed too; where the plot's block is large only with such neighbours, whether the
    plot belongs to a 100-亩 block (「100亩以上低效工业用地连片改造」 [越政发〔2022〕24号
    第三条第4项]) is not known: ``block:large`` is unknown for it, never false.
    """
    out = pd.Series(pd.NA, index=gov.index, dtype="object")
    seed = p1.seed
    maybe = may_take(p1.first, s.members) & ~seed
    if not maybe.any():
        return out
    wider = _would_join(gov, seed | maybe, p1.own_mu, s, roads)
    # known large (a nullable ``eq(True)`` keeps <NA> where an area is unknown: not large)
    known = p1.joined["large"].fillna(False).astype(bool)
    wait = ~seed & ~known & wider["large"].fillna(False).astype(bool)
    if not wait.any():
        return out
    comp = label_blocks(
        gov[seed | maybe], gap_m=s.gap_m, comparison=s.gap_comparison, roads=roads
    ).reindex(gov.index)
    geoms = np.asarray(gov.geometry.values, dtype=object)
    pos_wait = np.flatnonzero(wait.to_numpy() & ~pd.isna(geoms))
    pos_comp = np.flatnonzero((seed | maybe).to_numpy() & ~pd.isna(geoms))
    i, j = neighbour_pairs(
        geoms[pos_wait], geoms[pos_comp], gap_m=s.gap_m, comparison=s.gap_comparison, roads=roads
    )
    touched = pd.DataFrame(
        {"plot": gov.index[pos_wait[i]], "comp": comp.iloc[pos_comp[j]].to_numpy()}
    ).drop_duplicates()
    undecided = pd.DataFrame(
        {"comp": comp[maybe], "id": p1.pid[maybe].astype(str), "self": maybe.index[maybe]}
    )
    found = touched.merge(undecided, on="comp")
    found = found[found["plot"] != found["self"]]  # the neighbours, not the plot itself
    names = found.groupby("plot")["id"].agg(
        lambda ids: "，".join(sorted(set(ids)))
    )  # no 「、」: one to-verify item
    paths = "或".join(s.members)
    cmp = "≥" if s.area_comparison == ">=" else ">"
    for idx, ids in names.items():
        out[idx] = _PENDING.format(ids=ids, paths=paths, cmp=cmp, mu=s.min_area_mu)
    return out


def paths_and_blocks(
    gov: gpd.GeoDataFrame,
    *,
    checks: pd.DataFrame,
    profile: Profile,
    rules: Sequence[PathRule] | None = None,
    roads: np.ndarray | None = None,
) -> PathsAndBlocks:
    """Give each 治理 plot its path and group the plots that free or rebuild land into blocks.

    Parameters
    ----------
    gov
        The 治理清单 plots (projected CRS in metres).
    checks
        Their screening verdicts (same index).
    profile
        Policy profile: ``paths.rules``, ``blocks.gap_m``, ``blocks.min_area_mu``,
        ``blocks.paths``.
    rules
        An already validated rule table (else the profile's).
    roads
        Planned road polygons that split blocks (:func:`~landgov.screening.blocks.road_polygons`).

    Returns
    -------
    PathsAndBlocks
        See the module docstring for the three passes.
    """
    s = _Settings.of(profile)
    own_mu = _plot_mu(gov)
    pid = gov["parcel_id"] if "parcel_id" in gov.columns else pd.Series(gov.index, gov.index)
    decide = {"checks": checks, "profile": profile, "rules": rules}

    # passes 1 and 2 need the paths only; their text is written for the plots that keep them
    first = decide_paths(_facts(gov, pid, own_mu, s), **decide)
    seed = decided_path(first).isin(s.members)
    joined = _would_join(gov, seed, own_mu, s, roads)
    # a plot whose block is large only if a neighbour of undecided path frees or rebuilds land
    pending = _pending(gov, _Pass1(first, seed, joined, own_mu, pid), s, roads)
    second = first.copy()
    if (~seed).any():
        rest = gov[~seed.to_numpy()]
        at = joined.loc[rest.index]
        facts = _facts(rest, pd.Series(pd.NA, index=rest.index), at["area"], s, at["large"])
        if pending.notna().any():
            wait = pending.loc[rest.index]
            facts = facts.assign(
                block_large=facts["block_large"].mask(wait.notna()), block_pending=wait
            )
        second.loc[rest.index] = decide_paths(facts, **decide)
    second_path = decided_path(second)
    member = second_path.isin(s.members)

    kept = gov[member.to_numpy()].assign(path=second_path.loc[member])
    block_id, blocks = find_blocks(
        kept,
        gap_m=s.gap_m,
        gap_comparison=s.gap_comparison,
        min_area_mu=s.min_area_mu,
        area_comparison=s.area_comparison,
        roads=roads,
    )
    block_id = block_id.reindex(gov.index)
    area = block_id.map(blocks["area_mu"]).astype("float64") if len(blocks) else own_mu * np.nan
    in_block = block_id.notna()
    final_facts = _facts(gov, block_id.where(in_block, pid), area.where(in_block, own_mu), s)
    # a plot in no block sees what it saw in pass 1 (its own id and area): same decision
    decided = first.copy()
    if in_block.any():
        decided.loc[in_block] = decide_paths(final_facts[in_block.to_numpy()], **decide)
    # a plot left out of every block because a neighbour's path is undecided, or because the
    # block it would join has a plot of unknown area: its pass-2 decision, which says so (its
    # own pass-1 one would read as certain)
    unsure = pending.notna() | joined["large"].isna()
    waiting = (~in_block & ~member & unsure).to_numpy()
    decided.loc[waiting] = second.loc[waiting]
    final = path_rows(decided)
    moved = final["path"].isin(s.members) != member
    if moved.any():
        final.loc[moved] = path_rows(second.loc[moved])
    if len(blocks):  # a member's path may differ between member paths: count the final ones
        counts = path_counts(block_id, final["path"]).reindex(blocks.index).fillna("")
        areas = path_areas(block_id, final["path"], own_mu).reindex(blocks.index).fillna("")
        blocks = blocks.assign(paths=counts.astype("object"), path_area=areas.astype("object"))
    large = block_id.map(blocks["large"]) if len(blocks) else pd.Series(pd.NA, gov.index)
    return PathsAndBlocks(
        paths=final,
        block_id=block_id.astype("object").rename("block_id"),
        block_large=large.where(in_block, False).astype("boolean"),
        block_area_mu=area.where(in_block).astype("float64"),
        blocks=blocks,
    )


def _near_blocks(
    gov: gpd.GeoDataFrame,
    seed: pd.Series,
    block_id: pd.Series,
    s: _Settings,
    roads: np.ndarray | None,
) -> pd.Series:
    """The ids of the seed blocks each plot not in the seed touches or lies across a lane from,
    「、」-joined (``<NA>`` when none): what the block text of pass 2 names."""
    geoms = np.asarray(gov.geometry.values, dtype=object)
    usable = ~pd.isna(geoms)
    other = np.flatnonzero(~seed.to_numpy() & usable)
    seeds = np.flatnonzero(seed.to_numpy() & usable)
    i, j = neighbour_pairs(
        geoms[other], geoms[seeds], gap_m=s.gap_m, comparison=s.gap_comparison, roads=roads
    )
    pairs = pd.DataFrame(
        {"plot": gov.index[other[i]], "block": block_id.iloc[seeds[j]].to_numpy()}
    ).dropna()
    names = pairs.groupby("plot")["block"].agg(lambda b: "、".join(sorted(set(map(str, b)))))
    return names.reindex(gov.index).astype("object")


def recheck_paths(
    gov: gpd.GeoDataFrame,
    *,
    checks: pd.DataFrame,
    profile: Profile,
    fixed: pd.Series,
    rules: Sequence[PathRule] | None = None,
    roads: np.ndarray | None = None,
) -> pd.DataFrame:
    """The paths the rule table gives the 治理 plots with their blocks as they stand now.

    Used after the blocks were formed again around paths set by a person (人工认定): nothing is
    changed here; the caller compares. The three passes of :func:`paths_and_blocks` are run
    with the ``fixed`` plots' paths as given: a fixed plot whose path forms blocks is a seed,
    like a plot whose path forms blocks by itself (pass 1) — unless the person decided the path
    the screening computed (``path_computed``), when the plot is a seed only as it was then
    (its path forms blocks by itself), so that a decision that changes nothing changes no other
    plot; every other plot is evaluated with
    the seed blocks it would join (pass 2), and a plot that is in a block with that block
    (pass 3), as :func:`paths_and_blocks` would.

    Parameters
    ----------
    gov
        The 治理 plots with their ``path`` and the blocks as they stand (``block_id``,
        ``block_area_mu``; :func:`~landgov.screening.blocks.regroup_blocks`).
    checks
        Their screening verdicts (same index).
    profile
        ``paths.rules`` and ``blocks.*``.
    fixed
        Per plot (same index): ``True`` where the path was set by a person (not rechecked).
    rules, roads
        As for :func:`paths_and_blocks`.

    Returns
    -------
    pandas.DataFrame
        One row per plot not fixed: the columns of
        :func:`~landgov.screening.paths.assign_paths`, as the rules give them now, and
        ``block_seen`` / ``block_seen_mu``: the block(s) and area the plot was evaluated with
        (its block; for a plot in no block that would now join one, the blocks it would join,
        「、」-joined, and their area with its own; ``<NA>``/NaN for a plot evaluated alone).
    """
    s = _Settings.of(profile)
    free = ~fixed.reindex(gov.index).fillna(False).astype(bool)
    if not free.any():
        empty = path_rows(pd.Series([], index=gov.index[:0], dtype="object"))
        return empty.assign(block_seen=pd.Series(dtype="object"), block_seen_mu=np.nan)
    own_mu = _plot_mu(gov)
    pid = gov["parcel_id"] if "parcel_id" in gov.columns else pd.Series(gov.index, gov.index)
    decide = {"checks": checks, "profile": profile, "rules": rules}
    block_id = gov["block_id"].astype("object")
    in_block = block_id.notna()

    # pass 1 for every plot: a plot a person decided as computed stands in the passes as it
    # stood when computed (a seed only if its path forms blocks by itself), so that deciding a
    # plot as computed moves no ring of neighbours into a block (one ring at most, pass 2)
    every = decide_paths(_facts(gov, pid, own_mu, s), **decide)
    alone = decided_path(every).isin(s.members)
    first = every.loc[free.to_numpy()]
    as_computed = ~free & (
        gov["path"].eq(gov["path_computed"]) if "path_computed" in gov.columns else False
    )
    seed = (~free & gov["path"].isin(s.members) & (~as_computed | alone)) | (free & alone)
    joined = _would_join(gov, seed, own_mu, s, roads)
    second = first.copy()
    rest = free & ~seed
    near = pd.Series(pd.NA, index=gov.index, dtype="object")
    if rest.any():
        near = _near_blocks(gov, seed, block_id, s, roads)
        plots = gov[rest.to_numpy()]
        at = joined.loc[plots.index]
        second.loc[plots.index] = decide_paths(
            _facts(plots, near.loc[plots.index], at["area"], s, at["large"]), **decide
        )
    should = decided_path(second).isin(s.members)
    now = first.copy()  # a plot in no block: as it sees itself (pass 1)
    boxed = (free & in_block).to_numpy()
    if boxed.any():
        members = gov[boxed]
        now.loc[members.index] = decide_paths(
            _facts(members, block_id[boxed], gov.loc[boxed, "block_area_mu"], s), **decide
        )
    rows = path_rows(now)
    seen = block_id.where(in_block).reindex(rows.index)
    seen_mu = gov["block_area_mu"].where(in_block).reindex(rows.index).astype("float64")
    moved = rows["path"].isin(s.members) != should
    if moved.any():
        rows.loc[moved] = path_rows(second.loc[moved])
        alone = moved & ~in_block.reindex(rows.index)
        if alone.any():  # evaluated with the blocks it would join
            seen.loc[alone] = near.reindex(rows.index).loc[alone]
            seen_mu.loc[alone] = joined["area"].reindex(rows.index).loc[alone]
    return rows.assign(block_seen=seen.astype("object"), block_seen_mu=seen_mu)
