"""Checks by overlay with other layers: planning, the 工业用地控制线, demolition plans."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import geopandas as gpd
import pandas as pd

from landgov.core.landuse import industrial_matcher
from landgov.core.missing import is_missing, parse_yes_no
from landgov.core.overlay import (
    DemolitionRule,
    coverage,
    demolition_overlay,
    intersections,
    judge_demolition,
)
from landgov.errors import InputError, Issue
from landgov.policy import Param, Profile
from landgov.screening._common import (
    _EPS,
    Check,
    _described,
    _holds,
    _series,
    _shared,
    _unknown_all,
    _verdict,
)
from landgov.verdict import Citation, Status, Verdict

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


def _planning_coverage(
    parcels: pd.DataFrame, planning: gpd.GeoDataFrame, classes: pd.Series
) -> pd.DataFrame:
    """:func:`coverage` of the plots by planning classes; the plot–planning overlaps are
    computed once for the planning and control-line checks (within
    :func:`~landgov.screening._common.shared_lookups`)."""
    geo = _need_geo(parcels)
    pairs = _shared("planning_pairs", (geo, planning), lambda: intersections(geo, planning))
    return coverage(geo, planning, classes=classes, pairs=pairs)


def check_planning(
    parcels: gpd.GeoDataFrame,
    *,
    planning: gpd.GeoDataFrame | None,
    profile: Profile,
) -> pd.Series:
    """Planned use no longer industrial (规划已非工业) — overlay with the planning layer.

    A plot fails when the share of its area planned for a non-industrial use (``planned_use``
    not industrial by :mod:`landgov.core.landuse`: exact names/codes, never substrings) is at least
    ``screening.planning_nonindustrial_share``; such land changes use only with “改一补一”
    [000 19]. When the layer leaves enough of the plot uncovered (or without a planned use) that
    the answer could change, the plot is 待核实.

    Returns
    -------
    pandas.Series
        Verdicts named ``planning``; ``values`` hold the shares.
    """
    key = "screening.planning_nonindustrial_share"
    citation = profile.citation(key)
    c = Check.PLANNING
    if planning is None or "planned_use" not in planning.columns:
        what = (
            "规划用途图层 planning" if planning is None else "规划图层字段 planned_use（规划用途）"
        )
        return _unknown_all(parcels.index, c, "未提供规划用途，无法判定", citation, what)
    limit = profile[key]
    industrial = industrial_matcher(profile).match_series(planning["planned_use"])
    classes = industrial.map({True: "industrial", False: "other"}).fillna("unknown")
    shares = _planning_coverage(parcels, planning, classes)
    return _share_verdicts(
        shares,
        "other",
        limit=limit,
        check=c,
        citation=citation,
        what="规划为非工业用途",
        gap="规划用途图层未覆盖或无规划用途",
    )


def _share_verdicts(
    shares: pd.DataFrame,
    bad: str,
    *,
    limit: Param,
    check: Check,
    citation: Citation,
    what: str,
    gap: str,
) -> pd.Series:
    bad_share = shares[bad] if bad in shares else pd.Series(0.0, index=shares.index)
    unknown = (1.0 - shares["covered"]).clip(lower=0.0)
    if "unknown" in shares:
        unknown = unknown + shares["unknown"]
    rule = f"门槛：面积占比 {_described(limit)}"

    def verdict(b: float, u: float) -> Verdict:
        values = {"share": round(b, 4), "unknown_share": round(u, 4), "threshold": limit.value}
        text = f"{what}的面积占 {b:.0%}"
        if _holds(limit, b):
            return _verdict(check, Status.FAIL, f"{text}（{rule}）", citation, values=values)
        if _holds(limit, b + u) and u > _EPS:
            missing = [f"{gap}的部分占宗地面积 {u:.0%}"]
            reason = f"{text}，其余不明"
            return _verdict(check, Status.UNKNOWN, reason, citation, values=values, missing=missing)
        return _verdict(check, Status.PASS, f"{text}，未达{rule}", citation, values=values)

    # one verdict per distinct pair of shares: most plots lie wholly in one class (0 or 100 %)
    memo: dict[tuple[float, ...], Verdict] = {}  # the signs keep -0.0 (「-0%」) apart from 0.0
    out = []
    for b, u in zip(bad_share.tolist(), unknown.tolist(), strict=True):
        key = (b, u, math.copysign(1.0, b), math.copysign(1.0, u))
        found = memo.get(key)
        if found is None:
            found = memo[key] = verdict(b, u)
        out.append(found)
    return _series(out, shares.index, check.value)


_INSIDE = frozenset({"内", "控制线内"})
_OUTSIDE = frozenset({"外", "控制线外"})


def _inside_line(v: Any) -> bool | None:
    """``inside_control_line`` as a bool; blank (「无」 included) is unknown, never outside."""
    return None if is_missing(v) else parse_yes_no(v, yes=_INSIDE, no=_OUTSIDE)


def check_control_line(
    parcels: gpd.GeoDataFrame,
    *,
    planning: gpd.GeoDataFrame | None,
    profile: Profile,
) -> pd.Series:
    """Outside the 工业用地控制线 [000 19]: planning polygons with ``inside_control_line`` false.

    A plot fails when at least ``screening.control_line_outside_share`` of its area lies in
    planning polygons marked outside the line; 待核实 when the layer or the field is missing or
    the uncovered part could change the answer.

    Returns
    -------
    pandas.Series
        Verdicts named ``control_line``.
    """
    key = "screening.control_line_outside_share"
    citation = profile.citation(key)
    c = Check.CONTROL_LINE
    if planning is None or "inside_control_line" not in planning.columns:
        what = (
            "规划用途图层 planning（含 inside_control_line 字段）"
            if planning is None
            else "规划图层字段 inside_control_line（是否在工业用地控制线内）"
        )
        return _unknown_all(parcels.index, c, "未提供工业用地控制线，无法判定", citation, what)
    inside = planning["inside_control_line"].map(_inside_line)
    classes = inside.map({True: "inside", False: "outside"}).fillna("unknown")
    shares = _planning_coverage(parcels, planning, classes)
    limit = profile[key]
    return _share_verdicts(
        shares,
        "outside",
        limit=limit,
        check=c,
        citation=citation,
        what="位于工业用地控制线外",
        gap="规划图层未覆盖或控制线属性不明",
    )


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
    clause = Citation("000", "附件3 三.1")
    if demolition is None:
        return _unknown_all(
            parcels.index,
            c,
            "未提供拆迁计划图层，无法判定",
            rule.citation,
            "拆迁计划图层 demolition",
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
