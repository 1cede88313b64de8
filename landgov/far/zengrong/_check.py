"""The two entry points: screen every parcel, check every application."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.missing import is_missing
from landgov.core.vocab import Eligibility
from landgov.far.industry import catalogue_edition
from landgov.far.zengrong._case import (
    _Case,
    _Settings,
)
from landgov.far.zengrong._facts import (
    _prepare,
    _records,
    _records_for,
    _relaxation,
    _tax_per_mu_now,
)
from landgov.far.zengrong._outcome import _evaluate, overall
from landgov.ids import normalize_uscc
from landgov.policy import Profile
from landgov.units import M2_PER_MU, m2_to_mu
from landgov.verdict import Verdict


def _row_out(verdicts: Mapping[str, Verdict], relax: str) -> dict[str, Any]:
    status, reason = overall(verdicts)
    row: dict[str, Any] = {k: v.status.value for k, v in verdicts.items()}
    row |= {f"{k}_note": v.explain() for k, v in verdicts.items()}
    missing: list[str] = []
    for v in verdicts.values():
        missing += [m for m in v.missing if m not in missing]
    row |= {
        "zengrong": status.value,
        "zengrong_reason": reason,
        "missing": "、".join(missing),
        "relaxation": relax,
        "verdicts": tuple(verdicts.values()),
    }
    return row


def check_parcels(
    parcels: gpd.GeoDataFrame,
    far: pd.DataFrame,
    *,
    profile: Profile,
    as_of: dt.date,
    enterprises: pd.DataFrame | None = None,
    links: pd.DataFrame | None = None,
    compliance: pd.DataFrame | None = None,
    planning: gpd.GeoDataFrame | None = None,
    demolition: gpd.GeoDataFrame | None = None,
    special_zones: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Screen every parcel for 增容 (走访摸排 [000 附件3 六(一)]).

    Parameters
    ----------
    parcels
        Canonical parcels (``parcel_id``, ``holder``, ``land_use``, ``right_type``,
        ``area_declared_m2``, ``township``, ``completion_date``, geometry).
    far
        :func:`landgov.far.ratio.compute_far` of the same parcels.
    profile, as_of
        Policy profile (sections ``far`` and ``zengrong``) and the date records are judged at.
    enterprises, links, compliance, planning, demolition, special_zones
        Canonical tables/layers; any left out makes the checks that need it 待核实.

    Returns
    -------
    geopandas.GeoDataFrame
        Index and geometry of ``parcels``: ``parcel_id``, ``township``, ``holder``, ``uscc``,
        ``enterprise_name``, the 容积率 columns of ``far``, floors and headroom, one status
        column per condition (:data:`CONDITIONS`) with ``<condition>_note``, ``zengrong``
        (:class:`Eligibility`), ``zengrong_reason``, ``missing``, ``relaxation``,
        ``special_zone``, ``catalogue_edition``, ``candidate`` (not 不可申报) and ``verdicts``
        (the :class:`~landgov.verdict.Verdict` objects).
    """
    facts, by_uscc, users = _prepare(
        parcels,
        far,
        enterprises=enterprises,
        links=links,
        planning=planning,
        demolition=demolition,
        special_zones=special_zones,
        profile=profile,
    )
    settings = _Settings(profile, as_of)
    rec = _records(compliance)
    sectors = tuple(profile.value("zengrong.relaxation_sectors"))
    rows = []
    records = zip(users.tolist(), parcels.to_dict("records"), facts.to_dict("records"), strict=True)
    for uscc, parcel, fact in records:
        ent = by_uscc.get(uscc) if uscc else None
        case = _Case(parcel, fact, fact, ent, _records_for(rec, uscc, parcel.get("parcel_id")))
        rows.append(_row_out(_evaluate(case, settings), _relaxation(ent, sectors)))
    return _assemble(parcels, facts, users=users, by_uscc=by_uscc, rows=rows, s=settings)


def _assemble(
    parcels: gpd.GeoDataFrame,
    facts: pd.DataFrame,
    *,
    users: pd.Series,
    by_uscc: Mapping[str, Mapping[str, Any]],
    rows: list[dict[str, Any]],
    s: _Settings,
) -> gpd.GeoDataFrame:
    verdicts = pd.DataFrame(rows, index=parcels.index)
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
    land_mu = m2_to_mu(facts["land_area_m2"])
    head["tax_per_mu_now_wan"] = [
        _tax_per_mu_now(by_uscc.get(u) if u else None, mu)
        for u, mu in zip(users, land_mu, strict=True)
    ]
    keep = [c for c in facts.columns if not c.endswith("_given")]
    out = pd.concat([head, facts[keep], verdicts], axis=1)
    out["land_mu"] = m2_to_mu(out["land_area_m2"])
    out["catalogue_edition"] = catalogue_edition(
        s.as_of, switch_date=s.value("catalogue_2024_from")
    )
    out["candidate"] = out["zengrong"].ne(Eligibility.INELIGIBLE.value)
    out["as_of"] = s.as_of.isoformat()
    return gpd.GeoDataFrame(out, geometry=parcels.geometry, crs=parcels.crs)


def _after(
    app: Mapping[str, Any], fact: Mapping[str, Any], ent: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Figures after the project: 容积率, 亩均税收, investment intensity (per 亩 of this plot)."""
    land = fact.get("land_area_m2")
    land = float(land) if not is_missing(land) and float(land) > 0 else math.nan
    land_mu = land / M2_PER_MU
    added = app.get("added_floor_m2")
    floor = fact.get("floor_area_m2")
    far_after = (
        (float(floor) + float(added)) / land
        if not (is_missing(added) or is_missing(floor))
        else math.nan
    )

    def per_mu(x: object) -> float:
        return float(x) / land_mu if not is_missing(x) and land_mu > 0 else math.nan

    return {
        "far_after": far_after,
        "floor_area_after_m2": float(floor) + float(added)
        if not (is_missing(added) or is_missing(floor))
        else math.nan,
        "tax_per_mu_now_wan": _tax_per_mu_now(ent, land_mu),
        "tax_per_mu_after_wan": per_mu(app.get("tax_after_wan")),
        "investment_per_mu_wan": per_mu(app.get("fixed_investment_wan")),
    }


_APP_COLUMNS = (
    "application_id",
    "project_name",
    "added_floor_m2",
    "investment_wan",
    "fixed_investment_wan",
    "tax_after_wan",
    "changes_structure",
    "standard_factory",
    "content",
)


def check_applications(
    applications: pd.DataFrame,
    parcels: gpd.GeoDataFrame,
    far: pd.DataFrame,
    *,
    profile: Profile,
    as_of: dt.date,
    enterprises: pd.DataFrame | None = None,
    links: pd.DataFrame | None = None,
    compliance: pd.DataFrame | None = None,
    planning: gpd.GeoDataFrame | None = None,
    demolition: gpd.GeoDataFrame | None = None,
    special_zones: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Check each 增容 application against scope, the cap and conditions 1–8.

    Parameters
    ----------
    applications
        :func:`landgov.io.applications.read_applications` data: ``application_id``,
        ``parcel_id``, ``uscc``, ``added_floor_m2`` (m²), ``investment_wan``,
        ``fixed_investment_wan``, ``tax_after_wan`` (万元), yes/no fields as True/False/None,
        ``title_status``, ``safety_report``, ``content``.
    parcels, far, profile, as_of, enterprises, links, compliance, planning, demolition,
    special_zones
        As in :func:`check_parcels`.

    Returns
    -------
    geopandas.GeoDataFrame
        Index of ``applications``, geometry of the parcel applied for (None when the parcel is
        not found, every check then 待核实): the columns of :func:`check_parcels` plus
        ``application_id``, ``project_name``, the application figures, ``far_after``,
        ``floor_area_after_m2``, ``tax_per_mu_now_wan``, ``tax_per_mu_after_wan`` and
        ``investment_per_mu_wan`` (万元/亩).
    """
    facts, by_uscc, users = _prepare(
        parcels,
        far,
        enterprises=enterprises,
        links=links,
        planning=planning,
        demolition=demolition,
        special_zones=special_zones,
        profile=profile,
    )
    settings = _Settings(profile, as_of)
    rec = _records(compliance)
    sectors = tuple(profile.value("zengrong.relaxation_sectors"))
    where = pd.Series(parcels.index, index=parcels["parcel_id"].astype(str))
    where = where[~where.index.duplicated()]
    rows, geoms, heads = [], [], []
    for app in applications.to_dict("records"):
        pid = str(app.get("parcel_id") or "")
        idx = where.get(pid)
        uscc = normalize_uscc(app.get("uscc")) or (users.get(idx) if idx is not None else None)
        ent = by_uscc.get(uscc) if uscc else None
        parcel = parcels.loc[idx].to_dict() if idx is not None else {"parcel_id": pid}
        fact = facts.loc[idx].to_dict() if idx is not None else _no_facts(facts.columns)
        after = _after(app, fact, ent)
        case = _Case(
            parcel, fact, fact, ent, _records_for(rec, uscc, pid), application=app, after=after
        )
        row = _row_out(_evaluate(case, settings), _relaxation(ent, sectors))
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
    out["catalogue_edition"] = catalogue_edition(
        as_of, switch_date=settings.value("catalogue_2024_from")
    )
    out["candidate"] = out["zengrong"].ne(Eligibility.INELIGIBLE.value)
    out["as_of"] = as_of.isoformat()
    return gpd.GeoDataFrame(
        out, geometry=gpd.GeoSeries(geoms, index=applications.index, crs=parcels.crs)
    )


def _no_facts(columns: pd.Index) -> dict[str, Any]:
    facts: dict[str, Any] = dict.fromkeys(columns, np.nan)
    facts |= {"planning_given": False, "demolition_given": False, "zones_given": False}
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
    head |= {k: v for k, v in fact.items() if not str(k).endswith("_given")}
    head["land_mu"] = m2_to_mu(fact.get("land_area_m2", math.nan))
    return head
