"""The planning layer as screening and the 增容 check both read it.

A planning polygon (国土空间规划用途图斑) has a planned use (``planned_use``) and may say whether
it lies inside the 工业用地控制线 (``inside_control_line``). Each stage judges a plot on the share
of its area in one class of those polygons, by one rule per concept
(:class:`~landgov.core.overlay.ShareRule`, judged by :func:`~landgov.core.overlay.judge_share`):

- planned for a non-industrial use (``screening.planning_nonindustrial_share``): the screening
  check 规划已非工业 and the 增容 scope 「符合国土空间规划」 [000 附件3 一];
- outside the 工业用地控制线 (``screening.control_line_outside_share``): the screening check
  控制线外 and the 增容 scope's part 工业用地控制线 (:func:`control_line_shares`,
  :func:`control_line_gap`): a plot the screening finds outside the line is never 可申报 on
  增容 without that being said.

Whether a planned use is industrial is :func:`landgov.core.landuse.industrial_matcher`'s answer
(exact names and codes of the industrial and the non-industrial lists; a use in neither, blank,
mixed or contradictory is unknown, and :func:`planned_use_notes` names it in the reasons).
A planned use read only through a register short form the project reads
(``landuse.*_uses_project``, 示例规则（非官方）) is not an official fact: read as industrial
(「工业」) it is unknown (it never makes a plot pass); read as non-industrial (「商住用地」) it is
the class :data:`PROJECT_OTHER`, counted as non-industrial but named, and a 不符合 that rests
on it is marked 示例规则（非官方） (:func:`landgov.core.overlay.judge_share`).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd

from landgov.core.collect import render_text
from landgov.core.compare import measured
from landgov.core.landuse import LandUseMatcher, industrial_matcher
from landgov.core.missing import is_missing, parse_yes_no
from landgov.core.overlay import ShareRule, class_shares, judge_share
from landgov.core.vocab import Status
from landgov.policy import Profile

__all__ = [
    "NO_CONTROL_LINE_FIELD",
    "NO_CONTROL_LINE_LAYER",
    "PROJECT_OTHER",
    "control_line_answer",
    "control_line_classes",
    "control_line_gap",
    "control_line_rule",
    "control_line_shares",
    "planned_use_classes",
    "planned_use_notes",
    "planned_use_rule",
    "planning_shares",
    "read_inside_line",
]

#: 工业用地控制线 answers beyond the 是/否 words of :func:`~landgov.core.missing.parse_yes_no`.
_INSIDE = frozenset({"内", "控制线内"})
_OUTSIDE = frozenset({"外", "控制线外"})


#: What a plot's planned use or its place against the 工业用地控制线 lacks without the planning
#: layer (:func:`control_line_gap`, screening's 规划已非工业, 增容's 「符合国土空间规划」): one
#: layer, one item to collect (「规划用途及工业用地控制线〔自然资源局〕」), so a list naming both
#: checks' gaps names it once.
NO_CONTROL_LINE_LAYER = "规划用途图层 planning"
#: … and with a planning layer that does not record the line.
NO_CONTROL_LINE_FIELD = "规划图层字段 inside_control_line（是否在工业用地控制线内）"

#: The class of a planning polygon read as non-industrial only through a project short form.
PROJECT_OTHER = "other_project"


def _class(found: bool | None, official: bool) -> str:
    if found is None or (found and not official):  # 「工业」: never an official industrial fact
        return "unknown"
    if found:
        return "industrial"
    return "other" if official else PROJECT_OTHER


def planned_use_classes(planning: gpd.GeoDataFrame, profile: Profile) -> pd.Series:
    """Per planning polygon: ``"industrial"``, ``"other"``, :data:`PROJECT_OTHER` (non-industrial
    by a project short form) or ``"unknown"`` (blank, unrecognised, contradictory, mixed, or
    industrial only by a project short form). Each distinct text is read once."""
    matcher = industrial_matcher(profile)
    uses = planning["planned_use"].astype(object)
    read = {u: matcher.read(u) for u in pd.unique(uses) if not is_missing(u)}
    told = {u: _class(r.industrial, r.official) for u, r in read.items()}
    return uses.map(lambda u: "unknown" if is_missing(u) else told[u]).astype(object)


def planned_use_notes(planning: gpd.GeoDataFrame, profile: Profile) -> pd.Series:
    """Per planning polygon: why its planned use is unknown, naming it (「规划用途「XX」无法识别，
    不能判定是否为工业用地」), or how the project read a short form (「规划用途「工业」按项目默认
    读作工业用地…」), or ``None`` when it is an official fact. Each distinct text is read once."""
    matcher = industrial_matcher(profile)
    uses = planning["planned_use"].astype(object)
    told = {u: _note(matcher, u) for u in pd.unique(uses) if not is_missing(u)}
    return uses.map(lambda u: "规划用途缺失" if is_missing(u) else told[u]).astype(object)


def _note(matcher: LandUseMatcher, use: object) -> str | None:
    read = matcher.read(use)
    note = read.note(use, "规划用途")
    if note is None:
        return matcher.describe(use, "规划用途")
    return f"{note}，不能仅据此认定为工业用地" if read.industrial else note


def read_inside_line(value: Any) -> bool | None:
    """``inside_control_line`` as a bool (是/内/控制线内 …); blank (「无」 included) or an
    answer not understood is ``None``, unknown, never outside."""
    return None if is_missing(value) else parse_yes_no(value, yes=_INSIDE, no=_OUTSIDE)


def control_line_classes(planning: gpd.GeoDataFrame) -> pd.Series:
    """Per planning polygon: ``"inside"``, ``"outside"`` or ``"unknown"`` of the 工业用地控制线."""
    inside = planning["inside_control_line"].map(read_inside_line)
    return inside.map({True: "inside", False: "outside"}).fillna("unknown")


def control_line_gap(planning: gpd.GeoDataFrame | None) -> str | None:
    """What the plots' place against the 工业用地控制线 lacks: the planning layer, or its field
    ``inside_control_line`` (the internal forms :mod:`landgov.core.collect` renders as
    「规划用途及工业用地控制线〔自然资源局〕」); ``None`` when both are given."""
    if planning is None:
        return NO_CONTROL_LINE_LAYER
    if "inside_control_line" not in planning.columns:
        return NO_CONTROL_LINE_FIELD
    return None


def control_line_shares(
    parcels: gpd.GeoDataFrame,
    planning: gpd.GeoDataFrame,
    *,
    profile: Profile,
    pairs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per plot: the share of its area outside the 工业用地控制线 (``bad``) and the share not
    known (``unknown``: not covered, or an attribute blank or not understood), judged by
    :func:`~landgov.core.overlay.judge_share` with :func:`control_line_rule` — in screening
    and in the 增容 scope alike. ``planning`` must hold ``inside_control_line``
    (:func:`control_line_gap`); ``pairs`` as in :func:`planning_shares`."""
    classes = control_line_classes(planning)
    return planning_shares(
        parcels, planning, classes=classes, bad="outside", profile=profile, pairs=pairs
    )


def control_line_answer(
    rule: ShareRule, *, bad: float, unknown: float, gap: str | None = None
) -> str:
    """The answer to 「在工业用地控制线内」 for a plot, as :func:`control_line_rule` judges its
    shares (:func:`control_line_shares`) in screening and the 增容 scope alike: 「是」, 「否」,
    or 「待核实：…」 with the reason; a plot partly outside adds how much is inside
    (「待核实（部分在内，约70%）：位于工业用地控制线外的面积占 30%，未达门槛…」). ``gap``
    (:func:`control_line_gap`) names a line not given at all.

    >>> from landgov.policy import load_profile
    >>> rule = control_line_rule(load_profile("zhejiang-2023"))
    >>> control_line_answer(rule, bad=0.0, unknown=0.0)
    '是'
    >>> control_line_answer(rule, bad=1.0, unknown=0.0)
    '否'
    >>> control_line_answer(rule, bad=0.0, unknown=0.0, gap=NO_CONTROL_LINE_LAYER)
    '待核实：未提供工业用地控制线（规划用途及工业用地控制线〔自然资源局〕）'
    """
    if gap is not None:
        return f"待核实：未提供工业用地控制线（{render_text(gap)}）"
    found = judge_share(rule, bad=bad, unknown=unknown)
    word = {Status.PASS: "是", Status.FAIL: "否"}.get(found.status, "待核实")
    inside = measured(max(1.0 - bad - unknown, 0.0))
    if found.status is Status.PASS and inside >= 1:
        return "是"
    if found.status is Status.FAIL and measured(bad) >= 1:
        return "否"
    part = f"（部分在内，约{inside:.0%}）" if 0 < inside < 1 else ""
    return f"{word}{part}：{found.reason}"


def planned_use_rule(profile: Profile) -> ShareRule:
    """规划为非工业用途: ``screening.planning_nonindustrial_share`` of the plot's area."""
    return ShareRule(
        profile["screening.planning_nonindustrial_share"],
        what="规划为非工业用途",
        gap="规划用途图层未覆盖或无规划用途",
        standard="standard_planning_share（规划为非工业用途的面积比例）",
    )


def control_line_rule(profile: Profile) -> ShareRule:
    """位于工业用地控制线外: ``screening.control_line_outside_share`` of the plot's area."""
    return ShareRule(
        profile["screening.control_line_outside_share"],
        what="位于工业用地控制线外",
        gap="规划图层未覆盖或控制线属性不明",
        standard="standard_control_line_share（位于工业用地控制线外的面积比例）",
    )


def planning_shares(
    parcels: gpd.GeoDataFrame,
    planning: gpd.GeoDataFrame,
    *,
    classes: pd.Series,
    bad: str,
    profile: Profile,
    pairs: pd.DataFrame | None = None,
    notes: pd.Series | None = None,
    project: str | None = None,
) -> pd.DataFrame:
    """:func:`~landgov.core.overlay.class_shares` of the plots by planning ``classes``, edge
    slivers up to ``overlay.overlap_tolerance_m2`` left out.

    ``pairs``: ``intersections(parcels, planning, min_area_m2=<that tolerance>)`` when the caller
    computed it once for two checks. ``notes``: :func:`planned_use_notes`, to name the unknown
    planned uses a plot overlaps (column ``unknown_note``). ``project``: the class counted as
    ``bad`` only by a project reading (:data:`PROJECT_OTHER`; columns ``project`` and
    ``project_note``, see :func:`~landgov.core.overlay.class_shares`).
    """
    tol = float(profile.value("overlay.overlap_tolerance_m2"))
    return class_shares(
        parcels, planning, classes=classes, bad=bad, min_area_m2=tol, pairs=pairs, notes=notes,
        project=project,
    )  # fmt: skip
