"""Checks by overlay with other layers: planning, the 工业用地控制线, demolition plans."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import geopandas as gpd
import pandas as pd

from landgov.core.collect import NO_DEMOLITION_LAYER
from landgov.core.overlay import (
    DemolitionRule,
    ShareRule,
    demolition_overlay,
    intersections,
    judge_demolition,
    judge_share,
)
from landgov.core.planning import (
    NO_CONTROL_LINE_LAYER,
    PROJECT_OTHER,
    control_line_gap,
    control_line_rule,
    control_line_shares,
    planned_use_classes,
    planned_use_notes,
    planned_use_rule,
    planning_shares,
)
from landgov.errors import InputError, Issue
from landgov.policy import Profile
from landgov.screening._common import (
    Check,
    _series,
    _shared,
    _unknown_all,
    _verdict,
)
from landgov.verdict import Verdict

# --------------------------------------------------------------------------------------------
# 6–8. overlays: planning, control line, demolition


def _need_geo(parcels: pd.DataFrame) -> gpd.GeoDataFrame:
    if not isinstance(parcels, gpd.GeoDataFrame):
        raise InputError(
            [
                Issue(
                    "parcels",
                    "geometry",
                    type(parcels).__name__,
                    "需要带图形的宗地图层",
                    "传入 GeoDataFrame",
                )
            ]
        )
    return parcels


def _planning_shares(
    parcels: pd.DataFrame,
    planning: gpd.GeoDataFrame,
    *,
    classes: pd.Series,
    bad: str,
    profile: Profile,
    notes: pd.Series | None = None,
    project: str | None = None,
) -> pd.DataFrame:
    """:func:`~landgov.core.planning.planning_shares` of the plots; the plot–planning overlaps
    are computed once for the planning and control-line checks (within
    :func:`~landgov.screening._common.shared_lookups`)."""
    geo = _need_geo(parcels)
    return planning_shares(
        geo, planning, classes=classes, bad=bad, profile=profile,
        pairs=_planning_pairs(geo, planning, profile), notes=notes, project=project,
    )  # fmt: skip


def _planning_pairs(
    geo: gpd.GeoDataFrame, planning: gpd.GeoDataFrame, profile: Profile
) -> pd.DataFrame:
    """The plot–planning overlaps, computed once for the planning and control-line checks."""
    tol = float(profile.value("overlay.overlap_tolerance_m2"))
    return _shared(
        "planning_pairs", (geo, planning), lambda: intersections(geo, planning, min_area_m2=tol)
    )


def check_planning(
    parcels: gpd.GeoDataFrame,
    *,
    planning: gpd.GeoDataFrame | None,
    profile: Profile,
) -> pd.Series:
    """Planned use no longer industrial (规划已非工业) — overlay with the planning layer.

    The rule is :func:`landgov.core.overlay.judge_share` with
    :func:`landgov.core.planning.planned_use_rule`, the one the 增容 scope applies: a plot fails
    when the share of its area planned for a non-industrial use (``planned_use`` not industrial
    by :mod:`landgov.core.landuse`: exact names/codes, never substrings) reaches
    ``screening.planning_nonindustrial_share``; such land changes use only with “改一补一”
    [000 19]. When the part not covered (or without a clear planned use) could change the answer
    the plot is 待核实; below a 示例规则（非官方） threshold it is 待核实 too, unless nothing of
    the plot is planned otherwise. A planned use read only through a register short form
    (「工业」, 「商住用地」: ``landuse.*_uses_project``) is the project's reading: 「工业」
    counts as not known (never a 符合 on it alone), and a 不符合 resting on 「商住用地」 is marked
    示例规则（非官方）, the reading named.

    Returns
    -------
    pandas.Series
        Verdicts named ``planning``; ``values`` hold the shares.
    """
    key = "screening.planning_nonindustrial_share"
    citation = profile.citation(key)
    c = Check.PLANNING
    if planning is None or "planned_use" not in planning.columns:
        what = NO_CONTROL_LINE_LAYER if planning is None else "规划图层字段 planned_use（规划用途）"
        return _unknown_all(parcels.index, c, "未提供规划用途，无法判定", citation, what)
    classes = planned_use_classes(planning, profile)
    notes = planned_use_notes(planning, profile)
    shares = _planning_shares(
        parcels, planning, classes=classes, bad="other", profile=profile, notes=notes,
        project=PROJECT_OTHER,
    )  # fmt: skip
    return _share_verdicts(shares, planned_use_rule(profile), check=c)


def _share_verdicts(shares: pd.DataFrame, rule: ShareRule, *, check: Check) -> pd.Series:
    """One verdict per plot from :func:`~landgov.core.overlay.judge_share`."""
    citation = rule.limit.citation
    assert citation is not None  # cite = true in the schema
    fact = citation.as_fact()  # a plain fact: the clause (「参照…」 where it is borrowed)

    def verdict(b: float, u: float, note: str, p: float, p_note: str) -> Verdict:
        found = judge_share(rule, bad=b, unknown=u, note=note, project=p, project_note=p_note)
        return _verdict(
            check,
            found.status,
            found.reason,
            found.citation or fact,
            values=found.values,
            missing=found.missing,
        )

    # one verdict per distinct pair of shares: most plots lie wholly in one class (0 or 100 %)
    memo: dict[tuple[float | str, ...], Verdict] = {}  # signs keep -0.0 (「-0%」) from 0.0
    out = []
    blank = [""] * len(shares)
    notes = shares["unknown_note"].tolist() if "unknown_note" in shares else blank
    project = shares["project"].tolist() if "project" in shares else [0.0] * len(shares)
    p_notes = shares["project_note"].tolist() if "project_note" in shares else blank
    rows = zip(
        shares["bad"].tolist(), shares["unknown"].tolist(), notes, project, p_notes, strict=True
    )
    for b, u, n, p, pn in rows:
        key = (b, u, math.copysign(1.0, b), math.copysign(1.0, u), n, p, pn)
        found = memo.get(key)
        if found is None:
            found = memo[key] = verdict(b, u, n, p, pn)
        out.append(found)
    return _series(out, shares.index, check.value)


def check_control_line(
    parcels: gpd.GeoDataFrame,
    *,
    planning: gpd.GeoDataFrame | None,
    profile: Profile,
) -> pd.Series:
    """Outside the 工业用地控制线 [000 19]: planning polygons with ``inside_control_line`` false.

    A plot fails when at least ``screening.control_line_outside_share`` of its area lies in
    planning polygons marked outside the line (:func:`landgov.core.planning.control_line_rule`);
    待核实 when the layer or the field is missing, the uncovered part could change the answer,
    or only a 示例规则（非官方） threshold would pass it. The shares and what is missing are
    :func:`landgov.core.planning.control_line_shares` and
    :func:`~landgov.core.planning.control_line_gap`, the ones the 增容 scope reads
    (``zengrong.scope.control_line``): both stages find the same plot outside the line.

    Returns
    -------
    pandas.Series
        Verdicts named ``control_line``.
    """
    key = "screening.control_line_outside_share"
    citation = profile.citation(key)
    c = Check.CONTROL_LINE
    what = control_line_gap(planning)
    if what is not None:
        return _unknown_all(parcels.index, c, "未提供工业用地控制线，无法判定", citation, what)
    assert planning is not None  # control_line_gap names a missing layer
    geo = _need_geo(parcels)
    shares = control_line_shares(
        geo, planning, profile=profile, pairs=_planning_pairs(geo, planning, profile)
    )
    return _share_verdicts(shares, control_line_rule(profile), check=c)


def check_demolition(
    parcels: gpd.GeoDataFrame,
    *,
    demolition: gpd.GeoDataFrame | None,
    profile: Profile,
    as_of: dt.date | None = None,
) -> pd.Series:
    """Inside a recent demolition plan (近年拆迁计划) [000 附件3 三.1] — overlay.

    The rule is :func:`landgov.core.overlay.judge_demolition` (profile
    ``overlay.demolition_share`` and ``overlay.demolition_window_years``), the one the 增容 check
    applies: a recent plan over the share → 不符合 (列入拆迁计划); no overlap → 符合; a partial
    overlap, an old plan or a plan without a year → 待核实. Without the layer every plot is
    待核实.

    Returns
    -------
    pandas.Series
        Verdicts named ``demolition``; ``values`` hold ``share``, ``plans`` and ``threshold``.
    """
    rule = DemolitionRule.from_profile(profile)
    c = Check.DEMOLITION
    clause = rule.citation.as_fact()  # 越政发〔2022〕24号 附件3 三.1, 「参照…」 outside 越城
    if demolition is None:
        return _unknown_all(
            parcels.index,
            c,
            "未提供拆迁计划图层，无法判定",
            rule.citation,
            NO_DEMOLITION_LAYER,
        )
    geo = _need_geo(parcels)
    found = demolition_overlay(geo, demolition, rule=rule, as_of=as_of)
    out = []
    # most plots share one finding and one verdict (no plan at all): each built once
    verdicts: dict[tuple[Any, ...], Verdict] = {}
    for share, plans, inside, old, undated in found[
        ["share", "plans", "inside", "old_plans", "undated_plans"]
    ].itertuples(index=False):
        labels = "、".join(plans)
        key = (float(share), labels, bool(inside), "、".join(old), "、".join(undated))
        same = (key, type(plans), tuple(plans))  # equal values, equal verdict
        verdict = verdicts.get(same)
        if verdict is None:
            finding = judge_demolition(
                rule,
                share=key[0],
                plans=labels if inside else "",
                partial="" if inside else labels,
                old=key[3],
                undated=key[4],
                inside=key[2],
            )
            values = {"share": round(share, 4), "plans": plans, "threshold": rule.share}
            verdict = verdicts[same] = _verdict(
                c,
                finding.status,
                finding.reason,
                finding.citation or clause,
                values=values,
                missing=list(finding.missing),
            )
        out.append(verdict)
    return _series(out, geo.index, c.value)
