"""How much of each parcel lies inside a map layer, and when that means "in a demolition plan".

One overlay engine for every stage: screening (规划、控制线、拆迁计划) and the 增容 check
(规划用途、拆迁计划、特殊片区) both call :func:`intersections` / :func:`coverage`, and both decide
"inside a recent demolition plan" [000 附件3 三.1] with :func:`demolition_overlay`, whose
threshold, comparison and citation come from the profile section ``overlay``.

Areas are planar (m² in a projected CRS); the layer is reprojected to the parcels' CRS when both
have one. Results keep the parcels' index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landgov.core.compare import measured, shown
from landgov.core.dates import read_year
from landgov.core.missing import format_number, is_missing
from landgov.core.vocab import EXAMPLE_ONLY, Status, example_fail
from landgov.policy import Param, Profile
from landgov.verdict import Citation

__all__ = [
    "DemolitionRule",
    "Finding",
    "ShareRule",
    "class_shares",
    "coverage",
    "demolition_overlay",
    "intersections",
    "judge_demolition",
    "judge_share",
    "overlap_words",
    "zone_cover",
]

_EPS = 1e-9
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda share, limit: share >= limit - _EPS,
    ">": lambda share, limit: share > limit + _EPS,
}
_WORDS = {">=": "达到", ">": "超过"}


def _aligned(parcels: gpd.GeoDataFrame, layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if layer.crs is not None and parcels.crs is not None and layer.crs != parcels.crs:
        return layer.to_crs(parcels.crs)
    return layer


def intersections(
    parcels: gpd.GeoDataFrame, layer: gpd.GeoDataFrame, *, min_area_m2: float = 0.0
) -> pd.DataFrame:
    """Every (parcel, layer feature) pair that overlaps by more than ``min_area_m2``.

    Parameters
    ----------
    parcels, layer
        Polygons; ``layer`` is reprojected to the parcels' CRS.
    min_area_m2
        Overlaps of at most this area (edge slivers, m²; the overlap rounded as every measured
        value, :func:`~landgov.core.compare.measured`) are left out; 0 keeps every overlap
        with a positive area (a shared edge is not an overlap).

    Returns
    -------
    pandas.DataFrame
        ``parcel`` (index label in ``parcels``), ``feature`` (index label in ``layer``),
        ``area_m2`` (m²) and ``share`` (``area_m2`` over the parcel's area), largest overlap
        first within each parcel.
    """
    columns = ["parcel", "feature", "area_m2", "share"]
    layer = _aligned(parcels, layer)
    geoms = np.asarray(parcels.geometry.values)
    if len(layer) == 0 or len(parcels) == 0:
        return pd.DataFrame(columns=columns)
    left, right = layer.sindex.query(geoms, predicate="intersects")
    area = shapely.area(shapely.intersection(geoms[left], layer.geometry.values[right]))
    whole = shapely.area(geoms[left])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.nan_to_num(area / whole)
    out = pd.DataFrame(
        {
            "parcel": parcels.index.to_numpy()[left],
            "feature": layer.index.to_numpy()[right],
            "area_m2": area,
            "share": share,
            "_order": left,
        }
    )
    # a NaN area (no usable shape) is left out, never kept as an overlap
    out = out[~_negligible(out["area_m2"], min_area_m2) & out["area_m2"].notna()]
    out = out.sort_values(["_order", "area_m2"], ascending=[True, False], kind="stable")
    return out[columns].reset_index(drop=True)


def _negligible(area_m2: Any, tolerance_m2: float) -> Any:
    """Whether an area (an overlap, the part of a plot left out) is an edge sliver: at most
    ``tolerance_m2`` (``overlay.overlap_tolerance_m2``, 边界误差), compared as measured
    (6 decimals: a 1.00 m² overlap drawn from corner coordinates measures 1.0000000000582 m²
    and is still 「不超过」 a 1 m² tolerance). The one rule of the tolerance; NaN is not
    negligible."""
    return measured(area_m2) <= max(tolerance_m2, 0.0)


def zone_cover(
    parcels: gpd.GeoDataFrame, layer: gpd.GeoDataFrame, *, min_area_m2: float = 0.0
) -> pd.DataFrame:
    """How much of each parcel lies in the polygons of ``layer`` taken together (one zone drawn
    in several pieces), and whether it lies in them whole.

    The pieces are merged first, so that pieces drawn over each other count once. The edge
    tolerance reads both ways (:func:`_negligible`): an overlap of at most ``min_area_m2`` is
    no overlap, and a parcel whose part outside the layer is at most ``min_area_m2`` lies in it
    whole. No share threshold decides: in whole, partly or not at all.

    Returns
    -------
    pandas.DataFrame
        Index of ``parcels``: ``area_m2`` (the overlap, m²; 0 for an edge sliver), ``share``
        (``area_m2`` over the parcel's area) and ``whole`` (bool).
    """
    out = pd.DataFrame({"area_m2": 0.0, "share": 0.0, "whole": False}, index=parcels.index)
    if len(layer) == 0 or len(parcels) == 0:
        return out
    layer = _aligned(parcels, layer)
    merged = gpd.GeoDataFrame(geometry=[shapely.union_all(layer.geometry.values)], crs=layer.crs)
    pairs = intersections(parcels, merged, min_area_m2=min_area_m2)
    if pairs.empty:
        return out
    by_parcel = pairs.set_index("parcel")
    out.loc[by_parcel.index, "area_m2"] = by_parcel["area_m2"].to_numpy()
    out.loc[by_parcel.index, "share"] = by_parcel["share"].to_numpy()
    left = shapely.area(np.asarray(parcels.geometry.values)) - out["area_m2"].to_numpy()
    out["whole"] = (out["area_m2"] > 0) & _negligible(left, min_area_m2)
    return out


def overlap_words(area_m2: float, share: float) -> str:
    """An overlap as a reason says it: 「重叠面积 2 平方米，占宗地面积不足 1%」."""
    area = format_number(area_m2, thousands=True)
    return f"重叠面积 {area} 平方米，占宗地面积 {_percent(share)}"


def coverage(
    parcels: gpd.GeoDataFrame,
    layer: gpd.GeoDataFrame,
    *,
    classes: pd.Series | None = None,
    min_area_m2: float = 0.0,
    pairs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share of each parcel's area covered by the layer (per class), and its largest overlap.

    Layer polygons are taken as a partition (a planning map); where they overlap each other the
    overlap counts twice, and every share is capped at 1:

    .. math:: \\text{share}_c = \\min\\Big(1, \\frac{\\sum_{j \\in c} |P \\cap L_j|}{|P|}\\Big)

    Parameters
    ----------
    parcels, layer
        Polygons; ``layer`` is reprojected to the parcels' CRS.
    classes
        A label for every layer row (same index as ``layer``); ``None`` puts all in one class.
    min_area_m2
        Overlaps of at most this area (m²) are ignored (see :func:`intersections`).
    pairs
        ``intersections(parcels, layer, min_area_m2=min_area_m2)`` when the caller already has
        it (two checks on one planning layer), else computed here.

    Returns
    -------
    pandas.DataFrame
        Index of ``parcels``: one column per class label (shares in [0, 1]), ``covered`` (all
        classes), ``largest`` (index label of the layer feature with the largest overlap, or
        ``None``) and ``largest_share``.
    """
    if pairs is None:
        pairs = intersections(parcels, layer, min_area_m2=min_area_m2)
    if classes is None:
        classes = pd.Series("covered", index=layer.index)
    labels = sorted(str(c) for c in pd.unique(classes.astype("object")) if c != "covered")
    result = pd.DataFrame(0.0, index=parcels.index, columns=[*labels, "covered"])
    result["largest"] = pd.Series(None, index=parcels.index, dtype=object)
    result["largest_share"] = 0.0
    if pairs.empty:
        return result
    pairs = pairs.assign(cls=classes.astype(str).reindex(pairs["feature"]).to_numpy())
    for name in [*labels, "covered"]:
        part = pairs if name == "covered" else pairs[pairs["cls"] == name]
        total = part.groupby("parcel", sort=False)["share"].sum()
        result[name] = total.reindex(parcels.index).fillna(0.0).clip(0.0, 1.0).to_numpy()
    first = pairs.drop_duplicates("parcel").set_index("parcel")
    result["largest"] = first["feature"].reindex(parcels.index).astype(object).to_numpy()
    result["largest"] = result["largest"].where(result["largest"].notna(), None)
    result["largest_share"] = first["share"].reindex(parcels.index).fillna(0.0).to_numpy()
    return result


@dataclass(frozen=True)
class Finding:
    """What an overlay rule (demolition plans, a share of a layer class) says about one
    parcel; screening and the 增容 check both build their verdicts from it.

    ``citation`` is ``None`` where the plain fact decides (no plan overlaps, a plan without a
    year, nothing of the parcel in the class): the caller cites the clause itself. ``values``
    and ``missing`` go into the verdict.
    """

    status: Status
    reason: str
    citation: Citation | None
    missing: tuple[str, ...] = ()
    values: dict[str, Any] | None = None


def class_shares(
    parcels: gpd.GeoDataFrame,
    layer: gpd.GeoDataFrame,
    *,
    classes: pd.Series,
    bad: str,
    min_area_m2: float = 0.0,
    pairs: pd.DataFrame | None = None,
    notes: pd.Series | None = None,
    project: str | None = None,
) -> pd.DataFrame:
    """Per parcel: the share of its area in the layer class ``bad`` and the share not known.

    The share not known is the part no layer polygon covers, the part in the class
    ``"unknown"`` (a polygon whose attribute is blank or ambiguous) and the part where a ``bad``
    polygon and a polygon of another class overlap (:func:`_contested`: the layer says two
    things there, so neither is taken). Edge slivers are measurement
    error, not facts: overlaps of at most ``min_area_m2`` are left out (:func:`intersections`),
    and an uncovered part of at most ``min_area_m2`` counts as none.

    Parameters
    ----------
    parcels, layer, classes, pairs
        As for :func:`coverage`.
    bad
        The class whose share is judged (``"other"``: planned non-industrial).
    min_area_m2
        ``overlay.overlap_tolerance_m2`` (m²).
    notes
        Per layer row (same index as ``layer``), why a polygon of the class ``"unknown"`` is not
        known, naming its attribute (「规划用途「XX」无法识别…」), and how a polygon of the class
        ``project`` was read; ``None``: no notes.
    project
        A class counted in ``bad`` whose polygons are so read only by the project (planned
        「商住用地」, :data:`landgov.core.planning.PROJECT_OTHER`); ``None``: none.

    Returns
    -------
    pandas.DataFrame
        Index of ``parcels``: ``bad`` and ``unknown``, shares in [0, 1], ``largest`` as
        :func:`coverage` gives it (the layer feature with the largest overlap) and
        ``unknown_note``: the distinct ``notes`` of the ``"unknown"`` polygons the parcel
        overlaps, largest overlap first, joined by 「；」 (empty text when none). With
        ``project``: ``project``, the part of ``bad`` in that class, and ``project_note``, the
        notes of its polygons, joined alike.
    """
    if pairs is None:
        pairs = intersections(parcels, layer, min_area_m2=min_area_m2)
    shares = coverage(parcels, layer, classes=classes, min_area_m2=min_area_m2, pairs=pairs)
    zero = pd.Series(0.0, index=shares.index)
    bad_share = shares.get(bad, zero)
    by_project = zero
    merged = classes
    if project is not None:  # counted in ``bad``: its part is kept to be named
        by_project = shares.get(project, zero)
        bad_share = (bad_share + by_project).clip(upper=1.0)
        merged = classes.astype(object).where(classes.astype(str) != project, bad)
    covered = shares["covered"]
    extra = zero
    contested = _contested(parcels, layer, pairs, merged, bad)
    if len(contested):  # overlapping polygons that disagree: measured on the shapes
        idx = contested.index
        bad_share = bad_share.copy()
        bad_share[idx] = contested["bad"]
        covered = covered.copy()
        covered[idx] = contested["covered"]
        extra = zero.copy()
        extra[idx] = contested["contested"]
    uncovered = (1.0 - covered).clip(lower=0.0)
    if min_area_m2 > 0 and len(parcels):
        area = shapely.area(np.asarray(parcels.geometry.values))
        # a parcel without an area (no usable geometry) keeps it all unknown, never none
        sliver = _negligible(uncovered.to_numpy() * area, min_area_m2)  # NaN: False
        uncovered = uncovered.mask(sliver, 0.0)
    unknown = uncovered + shares.get("unknown", zero) + extra
    out = pd.DataFrame(
        {
            "bad": bad_share,
            "unknown": unknown.clip(upper=1.0),
            "largest": shares["largest"],
            "unknown_note": _unknown_notes(parcels.index, pairs, classes, notes),
        },
        index=shares.index,
    )
    if project is not None:
        out["project"] = np.minimum(by_project.to_numpy(), bad_share.to_numpy())
        out["project_note"] = _unknown_notes(parcels.index, pairs, classes, notes, project)
    return out


def _contested(
    parcels: gpd.GeoDataFrame,
    layer: gpd.GeoDataFrame,
    pairs: pd.DataFrame,
    classes: pd.Series,
    bad: str,
) -> pd.DataFrame:
    """Parcels where a polygon of class ``bad`` and a polygon of another class overlap each
    other (a planning map that contradicts itself: one spot planned 工业 and 居住).

    :func:`coverage` takes the layer as a partition and would count the spot as ``bad`` *and*
    as the other class. Here, for those parcels only, on the shapes: ``bad`` is the share in
    ``bad`` polygons and in no other class, ``contested`` the share in both (not known: the
    layer says two things), ``covered`` the share in any polygon.

    Returns
    -------
    pandas.DataFrame
        Indexed by the parcels concerned (empty when none): ``bad``, ``contested``, ``covered``.
    """
    columns = ["bad", "contested", "covered"]
    if pairs.empty:
        return pd.DataFrame(columns=columns, dtype="float64")
    is_bad = (classes.astype(str) == bad).reindex(pairs["feature"]).to_numpy(dtype=bool)
    mixed = pd.Series(is_bad).groupby(pairs["parcel"].to_numpy()).agg(["any", "all"])
    concerned = mixed.index[mixed["any"] & ~mixed["all"]]
    if not len(concerned):
        return pd.DataFrame(columns=columns, dtype="float64")
    layer = _aligned(parcels, layer)
    rows = []
    for parcel in concerned:
        mine = (pairs["parcel"] == parcel).to_numpy()
        shape = parcels.geometry.loc[parcel]
        pieces = shapely.intersection(shape, layer.geometry.loc[pairs["feature"][mine]].values)
        theirs = is_bad[mine]
        in_bad = shapely.union_all(pieces[theirs])
        in_other = shapely.union_all(pieces[~theirs])
        area = shape.area
        if not area > 0:  # no usable shape: left as coverage() gives it
            continue
        both = shapely.area(shapely.intersection(in_bad, in_other))
        rows.append(
            (
                parcel,
                (shapely.area(in_bad) - both) / area,
                both / area,
                shapely.area(shapely.union(in_bad, in_other)) / area,
            )
        )
    frame = pd.DataFrame(rows, columns=["parcel", *columns])
    return frame.set_index("parcel").clip(0.0, 1.0)


def _unknown_notes(
    index: pd.Index,
    pairs: pd.DataFrame,
    classes: pd.Series,
    notes: pd.Series | None,
    cls: str = "unknown",
) -> pd.Series:
    """Per parcel, the distinct ``notes`` of the features of class ``cls`` it overlaps,
    joined."""
    out = pd.Series("", index=index, dtype=object)
    if notes is None or pairs.empty:
        return out
    feature = pairs["feature"]
    hit = pairs.assign(
        cls=classes.astype(str).reindex(feature).to_numpy(),
        note=notes.astype(object).reindex(feature).to_numpy(),
    )
    told = hit["note"].map(lambda n: isinstance(n, str) and bool(n)).astype(bool)
    hit = hit[(hit["cls"] == cls) & told]
    if hit.empty:
        return out
    joined = hit.groupby("parcel", sort=False)["note"].agg(lambda n: "；".join(dict.fromkeys(n)))
    return joined.reindex(index).fillna("").astype(object)


def _percent(share: float, limit: float | None = None) -> str:
    """A share as a percentage; 0.3 % is 「不足 1%」, never 「0%」. Beside a threshold ``limit``
    it shows as many decimals as tell the two apart (:func:`~landgov.core.compare.shown`):
    9.99 % against 10 % reads 「9.99%，未达到 10%」, never 「10%，未达到 10%」.

    >>> _percent(0.0999, 0.1), _percent(0.1, 0.1), _percent(0.4999, 0.5), _percent(0.003)
    ('9.99%', '10%', '49.99%', '不足 1%')
    """
    if 0 < share < 0.005:
        return "不足 1%"
    text = f"{share:.0%}"
    if limit is None or text != f"{limit:.0%}" or measured(share) == measured(limit):
        return text
    return f"{shown(round(share * 100, 12), round(limit * 100, 12))}%"


@dataclass(frozen=True)
class ShareRule:
    """When a parcel fails on the share of its area in one class of a map layer.

    The planning check (规划为非工业用途, ``screening.planning_nonindustrial_share``) of
    screening and of the 增容 scope [000 附件3 一] is one rule; so is the 工业用地控制线 check.

    Attributes
    ----------
    limit
        The threshold (``comparison`` ``">="`` or ``">"``), with its citation.
    what
        The class in words: 「规划为非工业用途」.
    gap
        What the part not known is: 「规划用途图层未覆盖或无规划用途」.
    standard
        The to-collect marker when the threshold is a 示例规则（非官方） value:
        ``standard_planning_share（…）`` (read by :mod:`landgov.core.collect`).
    """

    limit: Param
    what: str
    gap: str
    standard: str

    def holds(self, share: float) -> bool:
        """``share`` (rounded as every measured value, :func:`~landgov.core.compare.measured`)
        against the threshold."""
        return bool(self.limit.compare(measured(float(share))))


def judge_share(
    rule: ShareRule,
    *,
    bad: float,
    unknown: float,
    note: str = "",
    project: float = 0.0,
    project_note: str = "",
    fail_says: str = "",
) -> Finding:
    """One parcel's share in the ``bad`` class against ``rule``, for screening and 增容 alike.

    - ``bad`` reaches the threshold → ``Status.FAIL``;
    - ``bad + unknown`` would reach it → ``Status.UNKNOWN`` (the part not known decides);
    - nothing of the parcel is in the class or unknown → ``Status.PASS``, a plain fact that no
      threshold decides (``citation`` ``None``: the caller cites its clause);
    - below the threshold otherwise → ``Status.PASS`` on an official threshold, else
      ``Status.UNKNOWN``: a 示例规则（非官方） value never makes a pass on its own, and the
      county's own figure is to be collected.

    ``note`` says what of the part not known could not be read (「规划用途「XX」无法识别…」,
    from :func:`class_shares`); it is added to the reason wherever that part is named.

    ``project`` is the part of ``bad`` read so only by the project (a register short form,
    「商住用地」, 示例规则（非官方）), ``project_note`` says how. A 不符合 that the official part
    alone would not reach stays 不符合 (the guide forbids only a 符合 on an unofficial value),
    but its citation is marked 示例规则（非官方） and the reason names the reading. A 不符合 on
    a 示例规则（非官方） threshold says so in its reason too
    (:data:`~landgov.core.vocab.EXAMPLE_FAIL`).

    ``fail_says`` is what a 不符合 means to the caller (「，不符合国土空间规划的工业用途」),
    added to its reason before the example note.

    ``values`` hold ``share``, ``unknown_share`` and ``threshold``.
    """
    limit = rule.limit
    values: dict[str, Any] = {
        "share": round(bad, 4),
        "unknown_share": round(unknown, 4),
        "threshold": limit.value,
    }
    text = f"{rule.what}的面积占 {_percent(bad, float(limit.value))}"
    threshold = f"门槛：面积占比 {limit.describe()}"
    citation = limit.citation
    if rule.holds(bad):
        reason = f"{text}（{threshold}）"
        if measured(project) > 0 and not rule.holds(max(bad - project, 0.0)):
            told = f"：{project_note}" if project_note else "按项目默认读作非工业用途"
            reason += f"；其中 {_percent(project)} 的面积{told}"
            if citation is not None:
                citation = replace(citation, official=False)
        # the threshold itself an example: said, not only cited
        reason = example_fail(reason + fail_says, limit)
        return Finding(Status.FAIL, reason, citation, values=values)
    if measured(unknown) > 0 and rule.holds(bad + unknown):
        missing = (f"{rule.gap}的部分占宗地面积 {_percent(unknown)}",)
        told = f"（{note}）" if note else ""
        return Finding(Status.UNKNOWN, f"{text}，其余不明{told}", citation, missing, values)
    if measured(bad) <= 0 and measured(unknown) <= 0:
        return Finding(Status.PASS, text, None, values=values)
    reason = f"{text}，未达{threshold}"
    if unknown > 0:
        told = f"：{note}" if note else ""
        reason += f"（{rule.gap}的部分占 {_percent(unknown)}{told}）"
    if citation is not None and citation.official:
        return Finding(Status.PASS, reason, citation, values=values)
    missing = (f"本地认定标准 {rule.standard}",)
    return Finding(Status.UNKNOWN, f"{reason}；{EXAMPLE_ONLY}", citation, missing, values)


@dataclass(frozen=True)
class DemolitionRule:
    """When a parcel counts as inside a recent demolition plan (近年拆迁计划) [000 附件3 三.1].

    Attributes
    ----------
    share
        Threshold on the share of the parcel's area inside plan polygons.
    comparison
        ``">="`` (at least ``share``) or ``">"`` (more than ``share``).
    citation
        Where the threshold comes from.
    window
        ``overlay.demolition_window_years`` (「近年」: how many years before the as-of year a
        plan still counts, with its comparison and citation), or ``None`` when the profile sets
        none (every plan counts, whatever its year).
    """

    share: float
    comparison: str
    citation: Citation
    window: Param | None = None

    @classmethod
    def from_profile(cls, profile: Profile) -> DemolitionRule:
        """Read ``overlay.demolition_share`` (and ``overlay.demolition_window_years``)."""
        param = profile["overlay.demolition_share"]
        key = "overlay.demolition_window_years"
        return cls(
            share=float(param.value),
            comparison=str(param.comparison),
            citation=profile.citation("overlay.demolition_share"),
            window=profile.params.get(key),
        )

    def recent(self, plan_year: Any, as_of: dt.date) -> bool | None:
        """Whether a ``plan_year`` plan is 「近年」 at ``as_of`` (``None``: year unknown).

        The plan's age is ``as_of.year − plan_year`` (a plan for a later year has a negative age
        and counts); it counts when ``age <comparison> window``. Without a window every plan
        counts.

        >>> from landgov.policy import Param
        >>> w = Param("overlay.demolition_window_years", 3, comparison="<=")
        >>> rule = DemolitionRule(0.1, ">=", Citation("000", "附件3 三.1"), window=w)
        >>> rule.recent(2023, dt.date(2026, 6, 30)), rule.recent(2015, dt.date(2026, 6, 30))
        (True, False)
        """
        if self.window is None:
            return True
        year = _plan_year(plan_year)
        if year is None:
            return None
        return bool(self.window.compare(as_of.year - year))

    def inside(self, share: float) -> bool:
        """Whether a parcel with ``share`` of its area in plans counts as inside."""
        return _COMPARE[self.comparison](share, self.share)

    def describe(self, share: float) -> str:
        """「占 12%，达到 10%」 / 「占 5%，未达到 10%」 — the comparison in words."""
        word = _WORDS[self.comparison]
        verb = word if self.inside(share) else f"未{word}"
        return f"占 {_percent(share, self.share)}，{verb} {self.share:.0%}"


def judge_demolition(
    rule: DemolitionRule,
    *,
    share: float,
    plans: str,
    partial: str,
    old: str,
    undated: str,
    inside: bool,
) -> Finding:
    """「未列入近年拆迁计划」 [000 附件3 三.1] on one parcel, for screening and 增容 alike.

    Only a plain fact passes: no plan overlaps the plot. Each reading that rests on a project
    default is at best 待核实: an overlap below the area share (``overlay.demolition_share``), a
    plan outside the 「近年」 window (``overlay.demolition_window_years``) or without a year. A
    recent plan over the share is inside (``Status.FAIL``: 列入拆迁计划); when the share or the
    window is 示例规则（非官方） its reason says so
    (:func:`~landgov.core.vocab.example_fail`).

    Parameters
    ----------
    share
        Share of the parcel's area inside counted (recent) plans, 0–1.
    plans, partial, old, undated
        Labels of the overlapping plans: counted and inside, counted but below the share,
        outside the window, without a year ("" when none).
    inside
        ``rule.inside(share)``.
    """
    values: dict[str, Any] = {"plans": plans or partial, "share": round(share, 4)}
    if inside:
        reason = f"列入近年拆迁计划：{plans}（宗地面积{rule.describe(share)}）"
        # the share and the 「近年」 window decided it: an example one is said in the reason
        reason = example_fail(reason, rule.citation, rule.window)
        return Finding(Status.FAIL, reason, rule.citation, values=values)
    if undated:
        values["undated_plans"] = undated
        return Finding(
            Status.UNKNOWN,
            f"与无年份的拆迁计划（{undated}）重叠，无法判断是否为近年拆迁计划",
            None,
            ("拆迁计划年份（计划年份字段）",),
            values,
        )
    if old and rule.window is not None:
        values["old_plans"] = old
        reason = (
            f"与拆迁计划（{old}）重叠，计划年份超出「近年」窗口（距核查年份"
            f"{rule.window.describe()}，项目默认），不据此排除，须核实该计划是否仍有效"
        )
        return Finding(
            Status.UNKNOWN,
            reason,
            rule.window.citation,
            ("房屋征收部门确认：较早拆迁计划是否仍有效",),
            values,
        )
    if share > 0:
        reason = (
            f"与近年拆迁计划（{partial}）部分重叠，宗地面积{rule.describe(share)}"
            "（比例门槛为项目默认），须核实是否列入拆迁计划"
        )
        return Finding(
            Status.UNKNOWN,
            reason,
            rule.citation,
            ("房屋征收部门确认：部分重叠的宗地是否列入拆迁计划",),
            values,
        )
    return Finding(Status.PASS, "与近年拆迁计划无重叠，未列入", None, values=values)


def _plan_year(value: Any) -> int | None:
    """A plan's year read as every year field is (:func:`landgov.core.dates.read_year`):
    「2022年」, 「二〇二二年」, 「2022-06」 and 2022.0 are 2022; 0 (a blank Excel cell) and
    unreadable text are no year."""
    return read_year(value)[0]


def _plan_label(name: Any, year: Any) -> str:
    text = "未命名计划" if is_missing(name) else str(name).strip()
    number = _plan_year(year)
    return text if number is None else f"{text}（{number}年）"


def _group(recent: object) -> str:
    return "counted" if recent is True else "old" if recent is False else "undated"


def demolition_overlay(
    parcels: gpd.GeoDataFrame,
    demolition: gpd.GeoDataFrame,
    *,
    rule: DemolitionRule,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Apply the demolition-plan rule to every parcel.

    Parameters
    ----------
    parcels
        Parcel polygons.
    demolition
        Demolition-plan polygons, optionally with ``plan_name`` and ``plan_year``.
    rule
        :meth:`DemolitionRule.from_profile`.
    as_of
        The date plans are judged at. Given (and the rule has a window), only 「近年」 plans
        (:meth:`DemolitionRule.recent`) count toward ``share``; older plans and plans without a
        year are listed apart. ``None``: every plan counts.

    Returns
    -------
    pandas.DataFrame
        Index of ``parcels``: ``share`` (of the parcel's area inside counted plans, capped at 1),
        ``plans`` (tuple of 「name（year年）」 labels of the overlapping counted plans, largest
        overlap first), ``inside`` (bool, the rule applied to ``share``), ``old_plans`` and
        ``undated_plans`` (labels of overlapping plans outside the window / without a year;
        empty when ``as_of`` is ``None``).
    """
    if not demolition.index.is_unique:  # plans are looked up by label below
        demolition = demolition.reset_index(drop=True)
    blank = pd.Series(None, index=demolition.index, dtype=object)
    names = demolition.get("plan_name", blank)
    years = demolition.get("plan_year", blank)
    if as_of is None:
        recent = pd.Series(True, index=demolition.index, dtype=object)
    else:
        recent = pd.Series([rule.recent(y, as_of) for y in years], index=demolition.index)
    # a bool mask, also when the layer is empty (an empty object Series would select columns)
    counted = demolition[recent.map(lambda r: r is True).astype(bool)]
    shares = coverage(parcels, counted)["covered"]
    pairs = intersections(parcels, demolition)
    labels = {j: _plan_label(names[j], years[j]) for j in pd.unique(pairs["feature"])}
    pairs = pairs.assign(group=recent.reindex(pairs["feature"]).map(_group).to_numpy())
    out = pd.DataFrame(index=parcels.index)
    out["share"] = shares.to_numpy()
    for column, group in (("plans", "counted"), ("old_plans", "old"), ("undated_plans", "undated")):
        part = pairs[pairs["group"] == group]
        found = part.groupby("parcel", sort=False)["feature"].agg(
            lambda js: tuple(dict.fromkeys(labels[j] for j in js))
        )
        by_parcel = found.to_dict()  # one dict, not one Series lookup per parcel
        out[column] = [by_parcel.get(i, ()) for i in parcels.index]
    out["inside"] = [rule.inside(s) for s in out["share"]]
    return out[["share", "plans", "inside", "old_plans", "undated_plans"]]
