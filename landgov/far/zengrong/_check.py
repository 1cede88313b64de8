"""The two entry points: screen every parcel, check every application.

Both read one :class:`ZengrongInputs` and share one preamble (:func:`_context`: the per-parcel
facts, the enterprises, the records) and one tail (:func:`_finish`: catalogue edition,
candidate flag, as-of date).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.distinct import isin_texts
from landgov.core.missing import is_missing
from landgov.core.problems import ProblemLog, Severity
from landgov.core.vocab import Eligibility
from landgov.far.industry import catalogue_edition
from landgov.far.zengrong._case import (
    CO_APPLIED,
    PARCEL_GIVEN,
    PLOT_FIRMS,
    PLOT_OWNERS,
    _Case,
    _float,
    _Settings,
)
from landgov.far.zengrong._facts import (
    _plot_records_for,
    _prepare,
    _RecordIndex,
    _records,
    _records_for,
    _relaxation,
)
from landgov.far.zengrong._frame import judge_frame
from landgov.far.zengrong._outcome import (
    _evaluate,
    condition_note,
    meeting_items,
    missing_items,
    overall,
)
from landgov.ids import normalize_uscc
from landgov.link import LinkResult
from landgov.policy import Profile
from landgov.units import M2_PER_MU, m2_to_mu
from landgov.verdict import Status, Verdict


def _row_out(verdicts: Mapping[str, Verdict], relax: str) -> dict[str, Any]:
    """One output row (an application's): statuses, notes, the outcome and the verdicts."""
    row: dict[str, Any] = {k: v.status.value for k, v in verdicts.items()}
    row |= {f"{k}_note": condition_note(v) for k, v in verdicts.items()}
    row |= outcome_fields(verdicts, relax)
    row["verdicts"] = tuple(verdicts.values())
    return row


def outcome_key(v: Verdict) -> Hashable:
    """What :func:`outcome_fields` reads of one verdict: its status and missing inputs, and
    its reason when it fails (:func:`~landgov.far.zengrong._outcome.overall` names it)."""
    return (v.status, v.missing, v.reason if v.status is Status.FAIL else None)


def outcome_fields(verdicts: Mapping[str, Verdict], relax: str) -> dict[str, str]:
    """The overall outcome of one row: ``zengrong``, ``zengrong_reason``, ``missing``,
    ``relaxation`` and ``meeting_review``; read from the verdicts' status, reason and missing
    inputs only."""
    status, reason = overall(verdicts)
    # only a row the meeting can still take: with another failure it is 不可申报 all the same
    meeting = meeting_items(verdicts) if status is not Eligibility.INELIGIBLE else []
    if meeting:
        relax += "；提交审议放宽：" + "、".join(meeting)
    missing = missing_items(verdicts)
    return {
        "zengrong": status.value,
        "zengrong_reason": reason,
        "missing": "、".join(missing),
        "relaxation": relax,
        "meeting_review": "、".join(meeting),
    }


@dataclass(frozen=True)
class ZengrongInputs:
    """What both 增容 checks read.

    Attributes
    ----------
    parcels
        Canonical parcels (``parcel_id``, ``holder``, ``land_use``, ``right_type``,
        ``area_declared_m2``, ``township``, ``completion_date``, geometry).
    far
        :func:`landgov.far.ratio.compute_far` of the same parcels.
    profile
        Policy profile (sections ``far`` and ``zengrong``).
    as_of
        The date records are judged at.
    enterprises, links, compliance, planning, demolition, special_zones
        Canonical tables/layers; any left out makes the checks that need it 待核实.
    linked
        :func:`landgov.link.link_parcels` of these parcels, enterprises and links, when made
        already (the screening's, in a run of both stages): the main enterprises are read from
        it instead of linking again.
    """

    parcels: gpd.GeoDataFrame
    far: pd.DataFrame
    profile: Profile
    as_of: dt.date
    enterprises: pd.DataFrame | None = None
    links: pd.DataFrame | None = None
    compliance: pd.DataFrame | None = None
    planning: gpd.GeoDataFrame | None = None
    demolition: gpd.GeoDataFrame | None = None
    special_zones: gpd.GeoDataFrame | None = None
    linked: LinkResult | None = None


@dataclass(frozen=True)
class _Context:
    """The preamble both checks share: facts per parcel, enterprises, records, settings."""

    facts: pd.DataFrame
    by_uscc: dict[str, dict[str, Any]]
    users: pd.Series
    settings: _Settings
    records: _RecordIndex | None
    sectors: tuple[str, ...]
    #: 宗地代码 → the enterprises linked to it (:func:`~landgov.far.zengrong._facts.plot_users`)
    plot_users: Mapping[str, tuple[str, ...]]
    #: 宗地代码 → its owners (使用权人) among them; the others rent
    plot_owners: Mapping[str, tuple[str, ...]]

    def plot_firms(self, parcel_id: object) -> dict[str, str]:
        """The enterprises linked to the plot ``parcel_id``: USCC → name ("" when unknown)."""
        codes = self.plot_users.get(str(parcel_id).strip(), ())
        return {u: str(self.by_uscc.get(u, {}).get("name") or "") for u in codes}

    def judge(self, case: _Case) -> dict[str, Any]:
        """One output row: every condition, the overall outcome, any relaxation."""
        relax = _relaxation(case.enterprise, self.sectors)
        return _row_out(_evaluate(case, self.settings, relax=bool(relax)), relax)


def _context(inputs: ZengrongInputs) -> _Context:
    """The context of ``inputs``, built once: :func:`check_parcels` and
    :func:`check_applications` on the same inputs share it (neither changes it)."""
    cached = inputs.__dict__.get("_context")
    if cached is None:
        cached = _build_context(inputs)
        object.__setattr__(inputs, "_context", cached)  # frozen: inputs never change
    return cached  # type: ignore[no-any-return]


def _build_context(inputs: ZengrongInputs) -> _Context:
    facts, by_uscc, users, on_plot, owners = _prepare(
        inputs.parcels,
        inputs.far,
        enterprises=inputs.enterprises,
        links=inputs.links,
        planning=inputs.planning,
        demolition=inputs.demolition,
        special_zones=inputs.special_zones,
        profile=inputs.profile,
        as_of=inputs.as_of,
        linked=inputs.linked,
    )
    return _Context(
        facts,
        by_uscc,
        users,
        _Settings(inputs.profile, inputs.as_of),
        _records(inputs.compliance, parcel_ids=inputs.parcels["parcel_id"], users=on_plot),
        tuple(inputs.profile.value("zengrong.relaxation_sectors")),
        on_plot,
        owners,
    )


def _finish(out: pd.DataFrame, s: _Settings) -> None:
    """The tail both checks share: catalogue edition, candidate flag, as-of date."""
    out["catalogue_edition"] = catalogue_edition(
        s.as_of, switch_date=s.profile.value("screening.catalogue_2024_from")
    )
    out["candidate"] = out["zengrong"].ne(Eligibility.INELIGIBLE.value)
    out["as_of"] = s.as_of.isoformat()


def check_parcels(inputs: ZengrongInputs) -> gpd.GeoDataFrame:
    """Screen every parcel for 增容 (走访摸排 [000 附件3 六(一)]).

    Parameters
    ----------
    inputs
        The parcels, their 容积率, the profile, the date and the optional tables
        (:class:`ZengrongInputs`).

    Returns
    -------
    geopandas.GeoDataFrame
        Index and geometry of ``parcels``: ``parcel_id``, ``township``, ``holder``, ``uscc``,
        ``enterprise_name``, the 容积率 columns of ``far``, floors and headroom, one status
        column per condition (:data:`CONDITIONS`) with ``<condition>_note``, ``zengrong``
        (:class:`Eligibility`), ``zengrong_reason``, ``missing``, ``relaxation``,
        ``meeting_review`` (conditions left to the joint meeting for a 涉改 enterprise),
        ``special_zone``, ``catalogue_edition``, ``candidate`` (not 不可申报) and ``verdicts``
        (the :class:`~landgov.verdict.Verdict` objects).
    """
    ctx = _context(inputs)
    parcels = inputs.parcels
    attributes = parcels.drop(columns=parcels.geometry.name)  # no check reads the geometry
    if not len(parcels):
        return _assemble(parcels, ctx, pd.DataFrame([], index=parcels.index))
    verdicts = judge_frame(
        attributes,
        ctx.facts,
        ctx.users,
        by_uscc=ctx.by_uscc,
        records=ctx.records,
        settings=ctx.settings,
        sectors=ctx.sectors,
    )
    return _assemble(parcels, ctx, verdicts)


def _assemble(parcels: gpd.GeoDataFrame, ctx: _Context, verdicts: pd.DataFrame) -> gpd.GeoDataFrame:
    facts, users, by_uscc = ctx.facts, ctx.users, ctx.by_uscc
    head = pd.DataFrame(
        {
            "parcel_id": parcels["parcel_id"],
            "township": parcels.get("township", pd.Series(None, index=parcels.index)),
            "holder": parcels.get("holder", pd.Series(None, index=parcels.index)),
            "uscc": users,
        }
    )
    for col in ("name", "legal_rep", "contact", "industry_code", "industry_name"):
        target = "enterprise_name" if col == "name" else col
        head[target] = users.map(lambda u, c=col: by_uscc.get(u, {}).get(c) if u else None)
    head["tax_per_mu_now_wan"] = facts["tax_per_mu_now_wan"]  # the plot's, as in the 底数清单
    keep = [c for c in facts.columns if not c.endswith("_given") and c not in head.columns]
    out = pd.concat([head, facts[keep], verdicts], axis=1)
    out["land_mu"] = m2_to_mu(out["land_area_m2"])
    _finish(out, ctx.settings)
    return gpd.GeoDataFrame(out, geometry=parcels.geometry, crs=parcels.crs)


#: Beside an application's 实施后亩均税收 where the plot's 上年度亩均税收 stands on another basis
#: (:func:`_tax_bases`): the applicant's 达产后年税收 over the plot's land.
TAX_AFTER_BASIS = "申请企业达产后年税收 ÷ 宗地面积"


def _tax_bases(
    fact: Mapping[str, Any], uscc: str | None, firms: Mapping[str, str]
) -> dict[str, str]:
    """The basis of each 亩均税收 of an application's row, said where the two differ.

    The 现状 figure is the plot's, every enterprise on it (``n_enterprises``,
    :func:`~landgov.far.zengrong._facts.plot_tax_per_mu`), and the 实施后 one the applicant's
    达产后年税收 over the plot's land (:func:`_after`). Where the plot has more than one
    enterprise, or its one enterprise is not the applicant, a reader comparing the two would
    read the project as raising or lowering the plot's 亩均税收: each then says its basis
    (「宗地上 2 家企业合计」, :data:`TAX_AFTER_BASIS`). Empty where the plot has the applicant
    alone, or no enterprise linked (its 现状 figure is 待核实 then).
    """
    n = _float(fact.get("n_enterprises"))
    alone = n == 1 and (not uscc or not firms or uscc in firms)
    if math.isnan(n) or n < 1 or alone:
        return {"tax_per_mu_now_basis": "", "tax_per_mu_after_basis": ""}
    now = f"宗地上 {n:g} 家企业合计" if n > 1 else "宗地上 1 家企业（非申请企业）"
    return {"tax_per_mu_now_basis": now, "tax_per_mu_after_basis": TAX_AFTER_BASIS}


def _after(
    app: Mapping[str, Any],
    fact: Mapping[str, Any],
    *,
    floor_column: str,
) -> dict[str, Any]:
    """Figures after the project: 容积率, 亩均税收 before and after, investment intensity.

    All on the plot applied for, as the 初审表 lists them (「现状情况」 and 「项目实施后」 of the
    plot's 土地面积 [越政发〔2022〕24号 附件3.1]): 容积率 after = (``floor_column`` of the plot +
    added floor area) / plot land, on the floor area the cap reads (``far.cap_floor_area``);
    亩均税收 before is the plot's (:func:`~landgov.far.zengrong._facts.plot_tax_per_mu`, the
    底数清单's figure), after = 达产后年税收 / plot land (the figure 条件6 judges: a 零土地
    project adds no land); 固定资产投资强度 = 固定资产投资 / plot land. The two 亩均税收 may
    thus stand on different bases (a tenant applying on a plot of several firms):
    :func:`_tax_bases` says so beside them.
    """
    area = _float(fact.get("land_area_m2"))
    land = area if area > 0 else math.nan
    land_mu = land / M2_PER_MU
    floor_after = _float(fact.get(floor_column)) + _float(app.get("added_floor_m2"))

    def per(x: Any) -> float:
        return _float(x) / land_mu if land_mu > 0 else math.nan

    return {
        "far_after": floor_after / land,
        "floor_area_after_m2": floor_after,
        "tax_land_mu": land_mu,
        "tax_per_mu_now_wan": _float(fact.get("tax_per_mu_now_wan")),
        "tax_per_mu_after_wan": per(app.get("tax_after_wan")),
        "investment_per_mu_wan": per(app.get("fixed_investment_wan")),
    }


#: Facts of the plot that an application's row takes from :func:`_after`, beside the figures
#: after the project (not twice).
_AFTER = frozenset({"tax_per_mu_now_wan"})

_APP_COLUMNS = (
    "application_id",
    "application_date",
    "project_name",
    "project_industry_code",
    "project_industry_name",
    "project_catalogue_class",
    "added_floor_m2",
    "investment_wan",
    "fixed_investment_wan",
    "tax_after_wan",
    "value_added_wan",
    "energy_tce",
    "emission_t",
    "rd_ratio_pct",
    "completion_accepted",
    "changes_structure",
    "standard_factory",
    "content",
)


def check_applications(applications: pd.DataFrame, inputs: ZengrongInputs) -> gpd.GeoDataFrame:
    """Check each 增容 application against scope, the cap and conditions 1–8.

    Parameters
    ----------
    applications
        :func:`landgov.io.applications.read_applications` data: ``application_id``,
        ``parcel_id``, ``uscc``, ``added_floor_m2`` (m²), ``investment_wan``,
        ``fixed_investment_wan``, ``tax_after_wan`` (万元), yes/no fields as True/False/None,
        ``title_status``, ``safety_report``, ``content``.
    inputs
        As in :func:`check_parcels`.

    Returns
    -------
    geopandas.GeoDataFrame
        Index of ``applications``, geometry of the parcel applied for (None when the parcel is
        not found, every check then 待核实): the columns of :func:`check_parcels` plus
        ``application_id``, ``project_name``, the application figures, ``far_after``,
        ``floor_area_after_m2``, ``tax_land_mu`` (the land 亩均税收 is measured on: the
        plot's, 亩), ``tax_per_mu_now_wan``, ``tax_per_mu_after_wan`` and ``investment_per_mu_wan``
        (万元/亩), ``tax_per_mu_now_basis`` and ``tax_per_mu_after_basis`` (the basis of each
        亩均税收 where the two differ, :func:`_tax_bases`; empty otherwise).
    """
    ctx = _context(inputs)
    floor_column = str(inputs.profile.value("far.cap_floor_area"))
    parcels = inputs.parcels
    where = pd.Series(parcels.index, index=parcels["parcel_id"].astype(str))
    where = where[~where.index.duplicated()]
    rows, geoms, heads = [], [], []
    records = applications.to_dict("records")
    co_applied = _co_applied(records, where)
    for n, given in enumerate(records):
        pid = str(given.get("parcel_id") or "")
        idx = where.get(pid)
        others = tuple(x for m, *x in co_applied.get(idx, ()) if m != n)
        # the cap is the plot's: the other applications on it count too
        app = {**given, CO_APPLIED: others} if others else given
        # the applicant is checked against the plot's enterprises (scope.applicant)
        firms = ctx.plot_firms(parcels.at[idx, "parcel_id"]) if idx is not None else {}
        if firms:
            owners = ctx.plot_owners.get(str(parcels.at[idx, "parcel_id"]).strip(), ())
            app = {**app, PLOT_FIRMS: firms, PLOT_OWNERS: owners}
        uscc = normalize_uscc(app.get("uscc")) or (ctx.users.get(idx) if idx is not None else None)
        ent = ctx.by_uscc.get(uscc) if uscc else None
        parcel = parcels.loc[idx].to_dict() if idx is not None else {"parcel_id": pid}
        fact = ctx.facts.loc[idx].to_dict() if idx is not None else _no_facts(ctx.facts.columns)
        if idx is None:  # shown, never blank: a blank reads as nothing to say
            fact["inside_control_line"] = f"待核实：{NOT_IN_LAYER}（{pid or '未填宗地代码'}）"
        after = _after(app, fact, floor_column=floor_column) | _tax_bases(fact, uscc, firms)
        found = _records_for(ctx.records, uscc, pid)
        on = _plot_records_for(ctx.records, uscc, pid)
        case = _Case(parcel, fact, fact, ent, found, application=app, after=after, plot_records=on)
        row = ctx.judge(case)
        if idx is None:
            row = _not_in_layer(row, pid)
        rows.append(row | after)
        geoms.append(parcels.geometry.loc[idx] if idx is not None else None)
        heads.append(_app_head(app, parcel, fact, ent, uscc))
    out = pd.concat(
        [
            pd.DataFrame(heads, index=applications.index),
            pd.DataFrame(rows, index=applications.index),
        ],
        axis=1,
    )
    _finish(out, ctx.settings)
    return gpd.GeoDataFrame(
        out, geometry=gpd.GeoSeries(geoms, index=applications.index, crs=parcels.crs)
    )


def _co_applied(
    records: list[dict[str, Any]], where: pd.Series
) -> dict[Any, list[tuple[int, str, float]]]:
    """Per plot with more than one application: (row, application_id, added m²) of each
    application on it that names a positive added floor area."""
    by_plot: dict[Any, list[tuple[int, str, float]]] = {}
    for n, app in enumerate(records):
        idx = where.get(str(app.get("parcel_id") or ""))
        added = _float(app.get("added_floor_m2"))
        if idx is not None and added > 0:
            name = app.get("application_id")
            label = f"第 {n + 1} 行" if is_missing(name) else str(name)
            by_plot.setdefault(idx, []).append((n, label, added))
    return {k: v for k, v in by_plot.items() if len(v) > 1}


#: Why an application's plot could not be checked: its 宗地代码 is not in the parcel layer (the
#: words of :func:`unmatched_applications`' problem row, on the application's own row too).
NOT_IN_LAYER = "宗地图层中无此宗地代码"


def _not_in_layer(row: dict[str, Any], pid: str) -> dict[str, Any]:
    """An application row whose plot is not in the layer says so in its outcome and its missing
    inputs, first: every check on the plot is 待核实 because the plot was not found, not because a
    layer was left out."""
    code = f"{NOT_IN_LAYER}（{pid or '未填宗地代码'}）"
    item = f"{code}，须核对申请表与宗地图层的宗地代码"
    reason = f"{code}，宗地情况无法核对，涉及宗地的各项按待核实处理"
    row["zengrong_reason"] = f"{reason}；{row['zengrong_reason']}"
    row["missing"] = "、".join(x for x in (item, row["missing"]) if x)
    return row


def unmatched_applications(
    applications: pd.DataFrame, parcels: pd.DataFrame, *, source: str
) -> pd.DataFrame:
    """Problem rows for the applications whose 宗地代码 is not in the parcel layer.

    :func:`check_applications` still gives each of them an output row (every check on the
    parcel 待核实); this says why, in the problems table, with the file's row.
    """
    log = ProblemLog(source)
    codes = applications["parcel_id"].astype(str)
    known = isin_texts(codes, parcels["parcel_id"].astype(str).unique().tolist())
    rows = applications.get("source_row", pd.Series(pd.NA, index=applications.index))
    for idx in applications.index[~known]:
        row = rows[idx]
        log.add(
            f"{NOT_IN_LAYER}：该申请的宗地情况（面积、用途、权利性质、建筑面积等）"
            "无法核对，各项按待核实处理",
            row=None if is_missing(row) else int(row),
            field="宗地代码",  # as the reader's rows of the same file name it
            value=codes[idx],
            action="核对申请表与宗地图层中的宗地代码（是否录错，是否为分割或合并后的新宗地）",
            severity=Severity.WARNING,
        )
    return log.frame()


def _no_facts(columns: pd.Index) -> dict[str, Any]:
    facts: dict[str, Any] = dict.fromkeys(columns, np.nan)
    facts |= {
        "planning_given": False,
        "control_line_given": False,
        "demolition_given": False,
        "zones_given": False,
        "zone_names_given": False,
        PARCEL_GIVEN: False,  # the overlay parts say the plot, not a layer, is missing
    }
    return facts


def _app_head(
    app: Mapping[str, Any],
    parcel: Mapping[str, Any],
    fact: Mapping[str, Any],
    ent: Mapping[str, Any] | None,
    uscc: str | None,
) -> dict[str, Any]:
    head = {
        "parcel_id": parcel.get("parcel_id"),
        "township": parcel.get("township"),
        "holder": parcel.get("holder"),
        "uscc": uscc,
        "enterprise_name": None if ent is None else ent.get("name"),
        "legal_rep": None if ent is None else ent.get("legal_rep"),
        "contact": None if ent is None else ent.get("contact"),
        "industry_code": None if ent is None else ent.get("industry_code"),
        "industry_name": None if ent is None else ent.get("industry_name"),
    }
    head |= {c: app.get(c) for c in _APP_COLUMNS}
    # the figures after the project (with 亩均税收 before it) come from :func:`_after`
    head |= {k: v for k, v in fact.items() if not str(k).endswith("_given") and k not in _AFTER}
    head["land_mu"] = m2_to_mu(fact.get("land_area_m2", math.nan))
    return head
