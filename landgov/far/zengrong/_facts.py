"""The inputs of the checks per plot: overlays, enterprises, compliance records, 容积率."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.collect import NO_LINK, PLOT_TAX, render_text
from landgov.core.missing import is_missing
from landgov.core.overlay import DemolitionRule, demolition_overlay, intersections, zone_cover
from landgov.core.planning import (
    PROJECT_OTHER,
    control_line_answer,
    control_line_gap,
    control_line_rule,
    control_line_shares,
    planned_use_classes,
    planned_use_notes,
    planning_shares,
)
from landgov.core.records import PlotRecords, records_from_frame
from landgov.efficiency import indicators
from landgov.far.ratio import far_floors, floor_area_for, headroom
from landgov.far.zengrong._case import (
    PLOT_SHAPE,
    _Record,
    _Settings,
)
from landgov.far.zengrong._scope import room_readings
from landgov.far.zengrong._zones import zone_for_name
from landgov.ids import normalize_uscc
from landgov.link import LinkResult, Relation, parcel_link, parcel_main_enterprises
from landgov.policy import Profile

# ---------------------------------------------------------------------------------------------
# Inputs: overlays, enterprises, records


def _overlap_names(
    parcels: gpd.GeoDataFrame, layer: gpd.GeoDataFrame, column: str, *, tol: float
) -> pd.Series:
    """Per parcel: the ``column`` values of the features overlapping it (largest first, "；")."""
    pairs = intersections(parcels, layer, min_area_m2=tol)
    names = layer[column].astype(str) if column in layer else pd.Series("", index=layer.index)
    pairs = pairs.assign(name=names.reindex(pairs["feature"]).to_numpy())
    joined = pairs.groupby("parcel", sort=False)["name"].agg(lambda v: "；".join(dict.fromkeys(v)))
    return joined.reindex(parcels.index).fillna("")


def _numbered(layer: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """``layer`` with unique index labels (numbered 0…n−1 when its labels repeat)."""
    if layer is None or layer.index.is_unique:
        return layer
    return layer.reset_index(drop=True)


def _overlay_facts(
    parcels: gpd.GeoDataFrame,
    *,
    planning: gpd.GeoDataFrame | None,
    demolition: gpd.GeoDataFrame | None,
    special_zones: gpd.GeoDataFrame | None,
    profile: Profile,
    as_of: dt.date,
) -> pd.DataFrame:
    """Per parcel: what the planning, demolition-plan and special-zone layers say.

    ``*_given`` say whether a layer was given at all; a layer given without the column a check
    reads (``zone_name``; the planning layer's ``inside_control_line``) is recorded as such
    (``zone_names_given``, ``control_line_given``) so the check says 待核实 instead of reading
    the gap as "not in a zone" or "inside the line".
    """
    tol = float(profile.value("overlay.overlap_tolerance_m2"))
    # features are looked up by index label: a layer joined from several files (pd.concat)
    # repeats labels, one lookup then returns several rows
    planning, demolition, special_zones = (
        _numbered(layer) for layer in (planning, demolition, special_zones)
    )
    out = pd.DataFrame(index=parcels.index)
    out["planning_given"] = planning is not None
    out["demolition_given"] = demolition is not None
    out["zones_given"] = special_zones is not None
    out["zone_names_given"] = special_zones is not None and "zone_name" in special_zones
    out["planned_use"] = None
    out["inside_control_line"] = None
    out["demolition_plans"] = ""
    out["demolition_partial_plans"] = ""
    out["demolition_old_plans"] = ""
    out["demolition_undated_plans"] = ""
    out["special_zone"] = ""
    out["special_zone_partial"] = ""
    out["special_zone_area_m2"] = 0.0
    out["special_zone_share"] = 0.0
    out["unnamed_zone"] = False
    out["demolition_share"] = 0.0
    out["in_demolition_plan"] = False
    _planning_facts(out, parcels, planning, profile=profile, tol=tol)
    if demolition is not None and len(demolition):
        rule = DemolitionRule.from_profile(profile)
        found = demolition_overlay(parcels, demolition, rule=rule, as_of=as_of)
        plans = found["plans"].map("；".join)
        out["demolition_plans"] = plans.where(found["inside"], "")  # counted as inside
        out["demolition_partial_plans"] = plans.where(~found["inside"], "")
        out["demolition_old_plans"] = found["old_plans"].map("；".join)
        out["demolition_undated_plans"] = found["undated_plans"].map("；".join)
        out["demolition_share"] = found["share"]
        out["in_demolition_plan"] = found["inside"]
    if special_zones is not None and len(special_zones) and "zone_name" in special_zones:
        names = tuple(profile.value("zengrong.special_zones"))
        found = _zone_facts(parcels, special_zones, names, tol)
        out[list(found.columns)] = found
    return out


def _planning_facts(
    out: pd.DataFrame,
    parcels: gpd.GeoDataFrame,
    planning: gpd.GeoDataFrame | None,
    *,
    profile: Profile,
    tol: float,
) -> None:
    """Into ``out``: what the planning layer says of each plot — the shares of its area planned
    non-industrial and not known (the scope's 「符合国土空间规划」), the 工业用地控制线
    (:func:`_control_line_facts`), and the planned use of the largest piece (shown)."""
    out["planning_other_share"] = 0.0
    out["planning_unknown_share"] = 1.0  # no planned use known: all of the plot
    out["planning_unknown_note"] = ""
    out["planning_project_share"] = 0.0
    out["planning_project_note"] = ""
    # the plot–planning overlaps, computed once for the planned use and the control line
    pairs = None
    if planning is not None and len(planning):
        pairs = intersections(parcels, planning, min_area_m2=tol)
    _control_line_facts(out, parcels, planning, profile=profile, pairs=pairs)
    if planning is not None and len(planning) and "planned_use" in planning:
        classes = planned_use_classes(planning, profile)
        notes = planned_use_notes(planning, profile)
        shares = planning_shares(
            parcels, planning, classes=classes, bad="other", profile=profile, pairs=pairs,
            notes=notes, project=PROJECT_OTHER,
        )  # fmt: skip
        out["planning_other_share"] = shares["bad"]
        out["planning_unknown_share"] = shares["unknown"]
        out["planning_unknown_note"] = shares["unknown_note"]
        out["planning_project_share"] = shares["project"]
        out["planning_project_note"] = shares["project_note"]
        main = shares["largest"]  # shown: the use of the largest piece
        ok = main.notna()
        out.loc[ok, "planned_use"] = planning.loc[main[ok], "planned_use"].to_numpy()


def _control_line_facts(
    out: pd.DataFrame,
    parcels: gpd.GeoDataFrame,
    planning: gpd.GeoDataFrame | None,
    *,
    profile: Profile,
    pairs: pd.DataFrame | None,
) -> None:
    """Into ``out``: the 工业用地控制线 as the screening check 控制线外 reads it
    (:func:`landgov.core.planning.control_line_shares`): whether the line is given at all
    (``control_line_given``), the share of each plot outside it and the share not known, and
    the answer shown as 「在工业用地控制线内」 (:func:`~landgov.core.planning.control_line_answer`:
    what that rule judged, never the attribute of the plot's largest piece)."""
    gap = control_line_gap(planning)
    out["control_line_given"] = gap is None
    out["control_line_outside_share"] = 0.0
    out["control_line_unknown_share"] = 1.0  # no line known: all of the plot
    if planning is not None and len(planning) and gap is None:
        line = control_line_shares(parcels, planning, profile=profile, pairs=pairs)
        out["control_line_outside_share"] = line["bad"]
        out["control_line_unknown_share"] = line["unknown"]
    rule = control_line_rule(profile)
    outside, unknown = out["control_line_outside_share"], out["control_line_unknown_share"]
    shares = list(zip(outside, unknown, strict=True))
    answers = {
        (bad, unsure): control_line_answer(rule, bad=bad, unknown=unsure, gap=gap)
        for bad, unsure in set(shares)
    }  # each distinct pair of shares judged once
    out["inside_control_line"] = pd.Series(
        [answers[pair] for pair in shares], index=out.index, dtype=object
    )


def _zone_facts(
    parcels: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, names: tuple[str, ...], tol: float
) -> pd.DataFrame:
    """Per parcel: the configured zones it lies in (the layer's names), those it lies partly in
    with the area and share of the overlap, and whether it touches a zone without a name.
    「马海」 is shown 「马海（即马海片区）」: the policy's name is said too.

    A plot lies in a zone when no more than the edge tolerance of it is outside the zone's
    pieces taken together, and partly in it when more than the tolerance is on either side
    (:func:`landgov.core.overlay.zone_cover`): no share threshold decides.

    Returns
    -------
    pandas.DataFrame
        Index of ``parcels``: ``special_zone`` (in whole), ``special_zone_partial`` (partly),
        ``special_zone_area_m2`` and ``special_zone_share`` (of the partial overlaps) and
        ``unnamed_zone``.
    """
    label = zones["zone_name"].map(lambda z: "" if is_missing(z) else str(z).strip())
    zone = [zone_for_name(t, names) for t in label]  # a list: a Series would make None NaN
    pairs = zip(zone, label, strict=True)
    shown = [t if z is None or z in t else f"{t}（即{z}）" for z, t in pairs]
    keys = pd.Series(zone, index=zones.index, dtype=object)
    named = zones.assign(zone_shown=shown)[keys.notna().to_numpy()]
    out = pd.DataFrame(
        {
            "special_zone": "",
            "special_zone_partial": "",
            "special_zone_area_m2": 0.0,
            "special_zone_share": 0.0,
            "unnamed_zone": False,
        },
        index=parcels.index,
    )
    for key in dict.fromkeys(keys.dropna()):  # each configured zone, its pieces together
        pieces = named[keys[named.index].eq(key).to_numpy()]
        told = _overlap_names(parcels, pieces, "zone_shown", tol=tol).replace("", key)
        cover = zone_cover(parcels, pieces, min_area_m2=tol)
        whole = cover["whole"]
        part = cover["area_m2"].gt(0) & ~whole
        out["special_zone"] = _and(out["special_zone"], told.where(whole, ""))
        out["special_zone_partial"] = _and(out["special_zone_partial"], told.where(part, ""))
        out["special_zone_area_m2"] += cover["area_m2"].where(part, 0.0)
        out["special_zone_share"] += cover["share"].where(part, 0.0)
    blank = label.eq("")
    if blank.any():
        touched = intersections(parcels, zones[blank], min_area_m2=tol)["parcel"]
        out["unnamed_zone"] = parcels.index.isin(pd.unique(touched))
    return out


def _and(first: pd.Series, then: pd.Series) -> pd.Series:
    """Two columns of names joined by 「；」 where both have one."""
    both = first.ne("") & then.ne("")
    return first + then.where(~both, "；" + then)


def row_dicts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")``, the same values of the same types (Python scalars, ``NaN``
    and ``pd.NA`` as they are), built column by column: several times faster on text columns."""
    columns = frame.columns.tolist()
    values = [_native(frame.iloc[:, j]) for j in range(len(columns))]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _native(column: pd.Series) -> list[Any]:
    """A column's values as ``to_dict`` gives them: ``tolist`` boxes NumPy columns to Python
    scalars; in object and extension columns NumPy scalars become Python ones, ``pd.NA``
    ``None`` (as pandas' ``maybe_box_native``)."""
    values = column.tolist()
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind != "O":
        return values
    if isinstance(dtype, pd.StringDtype) and dtype.na_value is not pd.NA:
        return values  # text and the NaN marker, both kept by _box
    return [v if type(v) in _PLAIN else _box(v) for v in values]


#: Types :func:`_box` returns unchanged, passed on without the call.
_PLAIN = frozenset({str, float, int, bool, type(None)})


def _box(value: Any) -> Any:
    if value is pd.NA:
        return None
    if isinstance(value, np.number | np.bool_):
        return value.item()
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, np.timedelta64):
        return pd.Timedelta(value)
    return value


def _enterprise_table(enterprises: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    if enterprises is None or enterprises.empty:
        return {}
    keys = enterprises["uscc"].map(normalize_uscc)
    first = keys.ne("") & ~keys.duplicated()  # the first row of each USCC, as drop_duplicates
    table = enterprises.assign(uscc=keys)
    if not first.all():  # most often none is left out: no copy of the text columns then
        table = table[first]
    return {row["uscc"]: row for row in row_dicts(table)}


@dataclass(frozen=True)
class _RecordIndex:
    """Compliance records by USCC and by parcel, for fast look-ups per plot.

    ``by_uscc``: every record of an enterprise (三.3 reads the applicant's, wherever filed);
    ``by_parcel``: every record by the 宗地代码 it names; ``plots``: the records standing on
    each plot of the layer by :class:`landgov.core.records.PlotRecords`, the rule the
    screening's 违法违规 check reads them by (三.1 「无严重违建」 reads these); ``users``: the
    enterprises on each plot (地企关联), by 宗地代码.
    """

    by_uscc: Mapping[str, tuple[_Record, ...]]
    by_parcel: Mapping[str, tuple[_Record, ...]]
    plots: PlotRecords
    users: Mapping[str, tuple[str, ...]]
    known: frozenset[str]

    def on_plot(self, uscc: str | None, parcel_id: object) -> tuple[_Record, ...]:
        """The records standing on the plot, the applicant (``uscc``) counted among its
        enterprises; a code not in the layer has the records naming it."""
        pid = None if is_missing(parcel_id) else str(parcel_id).strip()
        users = (*self.users.get(pid, ()), *((uscc,) if uscc else ())) if pid else (uscc or "",)
        found = self.plots.on(pid, users)
        if pid is not None and pid not in self.known:
            found = _union(self.by_parcel.get(pid, ()), found)
        return found

    def find(self, uscc: str | None, parcel_id: object) -> tuple[_Record, ...]:
        """The records standing on the plot and every record of the applicant."""
        return _union(self.on_plot(uscc, parcel_id), self.by_uscc.get(uscc, ()) if uscc else ())

    @functools.cached_property
    def touched(self) -> frozenset[str]:
        """The codes of the plots some record stands on through the plot or its enterprises
        (besides the applicant's own)."""
        busy = set(self.plots.filed)
        if self.plots.unplaced:
            busy |= {p for p, us in self.users.items() if any(u in self.plots.unplaced for u in us)}
        return frozenset(busy)


def _union(*groups: Iterable[_Record]) -> tuple[_Record, ...]:
    """The records of ``groups`` in order, each row once (by identity: two equal rows of the
    table are two records)."""
    seen: dict[int, _Record] = {}
    for group in groups:
        for rec in group:
            seen.setdefault(id(rec), rec)
    return tuple(seen.values())


def _records(
    compliance: pd.DataFrame | None,
    *,
    parcel_ids: Iterable[object] | None = None,
    users: Mapping[str, tuple[str, ...]] | None = None,
) -> _RecordIndex | None:
    """Index the compliance table; ``None`` when no table was given (checks say 待核实).

    Rows become :class:`landgov.core.records.ViolationRecord` through the one reader of
    :func:`landgov.core.records.records_from_frame` (category, severity, dates, 整改).
    """
    if compliance is None:
        return None
    return index_records(records_from_frame(compliance), parcel_ids=parcel_ids, users=users)


def index_records(
    records: Iterable[_Record],
    *,
    parcel_ids: Iterable[object] | None = None,
    users: Mapping[str, tuple[str, ...]] | None = None,
) -> _RecordIndex:
    """``records`` indexed by USCC and by 宗地代码 (a record may name either or both), and
    placed on the plots whose codes are ``parcel_ids`` (every code a record names when not
    given) with their enterprises ``users`` (宗地代码 → USCCs)."""
    records = list(records)
    by_uscc: dict[str, list[_Record]] = {}
    by_parcel: dict[str, list[_Record]] = {}
    for rec in records:
        if rec.uscc:
            by_uscc.setdefault(rec.uscc, []).append(rec)
        if rec.parcel_id:
            by_parcel.setdefault(rec.parcel_id, []).append(rec)
    codes = by_parcel.keys() if parcel_ids is None else parcel_ids
    known = frozenset(str(p).strip() for p in codes if not is_missing(p))
    return _RecordIndex(
        {k: tuple(v) for k, v in by_uscc.items()},
        {k: tuple(v) for k, v in by_parcel.items()},
        PlotRecords.of(records, known),
        dict(users or {}),
        known,
    )


def _records_for(
    index: _RecordIndex | None, uscc: str | None, parcel_id: object
) -> tuple[_Record, ...] | None:
    """The records of the applicant and of the plot; ``None`` when no table was given."""
    if index is None:
        return None
    return index.find(normalize_uscc(uscc) or None, None if is_missing(parcel_id) else parcel_id)


def _plot_records_for(
    index: _RecordIndex | None, uscc: str | None, parcel_id: object
) -> tuple[_Record, ...] | None:
    """The records standing on the plot (:meth:`_RecordIndex.on_plot`, the applicant among its
    enterprises); ``None`` when no table was given."""
    if index is None:
        return None
    return index.on_plot(normalize_uscc(uscc) or None, parcel_id)


def plot_users(
    linked: LinkResult | None, *, relation: str | None = None
) -> dict[str, tuple[str, ...]]:
    """宗地代码 → the enterprises on the plot (地企关联: owner and tenants), from the link's
    pairs, as the screening reads them; only those of ``relation`` (``"owner"``: the 使用权人)
    when given."""
    if linked is None or not {"parcel_id", "uscc"} <= set(linked.pairs.columns):
        return {}
    pairs = linked.pairs
    if relation is not None:
        if "relation" not in pairs:
            return {}
        pairs = pairs[pairs["relation"] == relation]
    out: dict[str, tuple[str, ...]] = {}
    clean = pairs[["parcel_id", "uscc"]].dropna()
    for pid, uscc in zip(clean["parcel_id"].tolist(), clean["uscc"].tolist(), strict=True):
        code = normalize_uscc(uscc)
        key = str(pid).strip()
        if code and code not in out.get(key, ()):
            out[key] = (*out.get(key, ()), code)
    return out


# ---------------------------------------------------------------------------------------------
# Public entry points


def plot_tax_per_mu(
    parcels: pd.DataFrame, linked: LinkResult | None, *, profile: Profile
) -> pd.Series:
    """Last year's 亩均税收 of each plot (万元/亩), the 底数清单's own figure: the plot's tax
    allocated by :func:`landgov.link.link_parcels` over its area in 亩, computed by
    :func:`landgov.efficiency.indicators` as the screening computes it (NaN where the tax or
    the link is missing: never a figure of another kind).

    The 初审表's 「现状情况」 are the plot's (土地面积, 建筑面积, 容积率, 上年度亩均税收
    [越政发〔2022〕24号 附件3.1]), so its 亩均税收 is the plot's, the number the 底数清单 shows.
    """
    blank = pd.Series(np.nan, index=parcels.index, dtype=float, name="tax_per_mu_now_wan")
    if linked is None:
        return blank
    keys = ("parcel_id", "tax_wan", "land_mu", "area_mu", "land_mu_declared")
    read = [c for c in keys if c in linked.parcels]
    narrow = pd.DataFrame(linked.parcels[read])  # what 亩均税收 reads, not every column copied
    measured = indicators(narrow, profile=profile).data["tax_per_mu"].astype(float)
    if not measured.index.equals(parcels.index):  # the link keeps the parcels' rows in order
        measured = measured.reindex(parcels.index)
    return measured.rename("tax_per_mu_now_wan")


def plot_firm_count(parcels: pd.DataFrame, linked: LinkResult | None) -> pd.Series:
    """The number of enterprises on each plot (地企关联: owner and tenants, the link's
    ``n_enterprises``), whose taxes make the plot's 上年度亩均税收 (:func:`plot_tax_per_mu`);
    NaN where nothing is linked. An application's row says from it whether that figure and the
    applicant's 实施后亩均税收 stand on one basis (``_check._tax_bases``)."""
    out = pd.Series(np.nan, index=parcels.index, dtype=float, name="n_enterprises")
    if linked is None or "n_enterprises" not in linked.parcels:
        return out
    count = pd.to_numeric(linked.parcels["n_enterprises"], errors="coerce").astype(float)
    return count.reindex(parcels.index).rename("n_enterprises")


def plot_tax_gaps(
    tax_per_mu: pd.Series, land_area_m2: pd.Series, linked: LinkResult | None
) -> pd.Series:
    """What each plot's 上年度亩均税收 (:func:`plot_tax_per_mu`) lacks, where it is unknown, in
    the words of the 底数清单's 待核实事项 (:func:`landgov.core.collect.render_text` of the
    screening's own forms): 「税收（万元）〔税务局〕」, with 「宗地上的企业（地企关联）
    〔自然资源局〕」 when no enterprise is linked to the plot, or 「宗地图形」 (as 三.1 names it)
    when the plot has no area to divide by; empty where the figure is known.

    The 初审表 prints it in place of the figure (「待核实（缺少：…）」), never a blank line.
    """
    out = pd.Series("", index=tax_per_mu.index, dtype=object, name="tax_per_mu_now_missing")
    unknown = tax_per_mu.isna()
    if not unknown.any():
        return out
    parts = linked.parcels if linked is not None else None
    tax = (
        pd.to_numeric(parts["tax_wan"], errors="coerce").reindex(tax_per_mu.index)
        if parts is not None and "tax_wan" in parts
        else pd.Series(np.nan, index=tax_per_mu.index)
    )
    firms = (
        pd.to_numeric(parts["n_enterprises"], errors="coerce").reindex(tax_per_mu.index)
        if parts is not None and "n_enterprises" in parts
        else pd.Series(0.0, index=tax_per_mu.index)
    )
    land = pd.to_numeric(land_area_m2, errors="coerce").reindex(tax_per_mu.index)
    said: dict[tuple[bool, bool, bool], str] = {}
    for idx in tax_per_mu.index[unknown]:
        key = (not firms[idx] > 0, bool(pd.isna(tax[idx])), not land[idx] > 0)
        if key not in said:
            no_firm, no_tax, no_land = key
            items = [PLOT_TAX] if no_tax or no_firm else []
            items += [NO_LINK] if no_firm else []
            items += [PLOT_SHAPE] if no_land else []
            said[key] = str(render_text("、".join(items or [PLOT_TAX])))
        out[idx] = said[key]
    return out


def _prepare(
    parcels: gpd.GeoDataFrame,
    far: pd.DataFrame,
    *,
    enterprises: pd.DataFrame | None,
    links: pd.DataFrame | None,
    planning: gpd.GeoDataFrame | None,
    demolition: gpd.GeoDataFrame | None,
    special_zones: gpd.GeoDataFrame | None,
    profile: Profile,
    as_of: dt.date,
    linked: LinkResult | None = None,
) -> tuple[
    pd.DataFrame,
    dict[str, dict[str, Any]],
    pd.Series,
    dict[str, tuple[str, ...]],
    dict[str, tuple[str, ...]],
]:
    """The per-parcel frame every check reads: far, floors, headroom, overlays, user; the
    enterprises on each plot and its owners (使用权人) among them (:func:`plot_users`).

    ``linked`` is the link of these tables already made (the screening's): the main
    enterprises are read from it (:func:`landgov.link.parcel_main_enterprises`), once.
    """
    by_uscc = _enterprise_table(enterprises)
    linked = parcel_link(parcels, enterprises, links, profile=profile, linked=linked)
    users = parcel_main_enterprises(parcels, enterprises, links, profile=profile, linked=linked)
    industry = pd.DataFrame(
        {
            "industry_code": users.map(lambda u: by_uscc.get(u, {}).get("industry_code")),
            "industry_edition": users.map(lambda u: by_uscc.get(u, {}).get("industry_edition")),
        },
        index=parcels.index,
    )
    room = headroom(
        far["land_area_m2"],
        floor_area_for(far, "cap", profile=profile),
        cap=float(profile.value("zengrong.far_cap")),
        target=float(profile.value("far.renewal_target")),
        source=far.get("far_source"),
    )
    # where another reading of the floor area leaves other room (the cap 待核实), both are said
    told = room_readings(far, room["headroom_m2"], _Settings(profile, as_of))
    room["headroom_reason"] = [
        "；".join(x for x in pair if x) for pair in zip(room["headroom_reason"], told, strict=True)
    ]
    tax = plot_tax_per_mu(parcels, linked, profile=profile)
    firms = plot_firm_count(parcels, linked)
    facts = pd.concat(
        [
            far,
            far_floors(far["far_minimum"], industry, profile=profile),
            room,
            _overlay_facts(
                parcels,
                planning=planning,
                demolition=demolition,
                special_zones=special_zones,
                profile=profile,
                as_of=as_of,
            ),
            tax,
            plot_tax_gaps(tax, far["land_area_m2"], linked),
            firms,
        ],
        axis=1,
    )
    on_plot = plot_users(linked)
    return facts, by_uscc, users, on_plot, plot_users(linked, relation=Relation.OWNER.value)


def _relaxation(enterprise: Mapping[str, Any] | None, sectors: Sequence[str]) -> str:
    if enterprise is None or is_missing(enterprise.get("reform_sector")):
        return ""
    sector = str(enterprise["reform_sector"])
    if any(s in sector for s in sectors):
        return f"{sector}涉改企业：相关要求可由区工业用地二次开发联席会议审议适当放宽"
    return ""
