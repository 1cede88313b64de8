"""The public entry points: link parcels and enterprises, links from holders, main users."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.missing import present_column
from landgov.core.problems import PROBLEM_COLUMNS, ProblemLog
from landgov.ids import normalize_uscc
from landgov.link._inputs import (
    _check_columns,
    _classify_links,
    _parcel_lookup,
    _prepare_enterprises,
    _prepare_links,
    _users,
    _with_area,
)
from landgov.link._model import _SOURCE, LinkResult, LinkSettings
from landgov.link._outputs import _enterprise_frame, _parcel_frame, _unmatched_enterprises
from landgov.link._pairs import _make_pairs
from landgov.policy import Profile


def link_parcels(
    parcels: gpd.GeoDataFrame,
    enterprises: pd.DataFrame,
    links: pd.DataFrame,
    *,
    profile: Profile,
) -> LinkResult:
    """Join parcels and enterprises through the link table and allocate totals by area.

    Parameters
    ----------
    parcels
        Parcels in a projected CRS with ``parcel_id`` and ``area_m2`` (m², from geometry;
        computed here when absent); ``area_declared_m2`` (m²) is compared when present.
    enterprises
        Enterprises with ``uscc`` and any of :data:`TOTAL_COLUMNS`; ``land_mu`` (亩, declared)
        is kept as ``land_mu_declared``, and set missing where it equals the linked
        parcels' area in m² (typed in 平方米 under a 亩 header), or everywhere when most
        compared enterprises show that.
    links
        ``parcel_id``, ``uscc``, optional ``relation`` (owner/tenant, 自有/租用) and
        ``area_used_m2`` (m²).
    profile
        Supplies ``linking.area_tolerance`` (fraction), ``linking.share_rule`` and
        ``linking.tenancy_mode``.

    Returns
    -------
    LinkResult
        Inputs are not modified; every parcel, enterprise and link appears in the result.

    Raises
    ------
    SchemaError
        When a required column is missing (all missing columns are listed), or parcels have no
        ``area_m2`` and are not in a projected CRS.
    """
    settings = LinkSettings.from_profile(profile)
    _check_columns(parcels, enterprises, links)
    log = ProblemLog(_SOURCE)
    parcels = _with_area(parcels)
    ents = _prepare_enterprises(enterprises, log)
    lk = _prepare_links(links)
    pid_to_index = _parcel_lookup(parcels, log)
    lk = _classify_links(lk, pid_to_index, ents, log)
    users = _make_pairs(_users(lk), parcels, ents, settings, log)
    pairs = users[users["joined"]].drop(columns="joined").reset_index(drop=True)
    unjoined = users[~users["joined"]].drop(columns="joined")
    ent_out = _enterprise_frame(enterprises, ents, pairs, settings, log)
    parcel_out = _parcel_frame(parcels, ents, pairs, settings, log, unjoined=unjoined)
    unmatched_links = links.loc[lk.index[lk["unmatched_reason"].notna()]].copy()
    unmatched_links["unmatched_reason"] = lk["unmatched_reason"].dropna()
    unmatched_ents = _unmatched_enterprises(enterprises, ents, pairs, log)
    problems = log.frame() if len(log) else pd.DataFrame(columns=PROBLEM_COLUMNS)
    return LinkResult(
        pairs=pairs,
        enterprises=ent_out,
        parcels=parcel_out,
        unmatched_enterprises=unmatched_ents,
        unmatched_links=unmatched_links,
        problems=problems,
        settings=settings,
    )


def links_from_holders(parcels: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Without a link table: link each parcel to the enterprise whose name equals its holder.

    Returns
    -------
    pandas.DataFrame
        A link table (``parcel_id``, ``uscc``, ``relation`` owner, ``area_used_m2`` NaN,
        ``source_row``) for :func:`link_parcels`; ``source_row`` is the parcel's row in the
        parcel layer (the holder was read there; missing when ``parcels`` has none).
    """
    if "name" not in enterprises.columns or "holder" not in parcels.columns:
        return pd.DataFrame(columns=["parcel_id", "uscc", "relation", "area_used_m2", "source_row"])
    # a name or 权利人 「/」「—」「无」 is no name (core.missing): it matches nothing
    named = enterprises.assign(name=present_column(enterprises["name"]))
    names = named.dropna(subset=["name"]).drop_duplicates("name").set_index("name")["uscc"]
    cols = ["parcel_id", "holder", *(["source_row"] if "source_row" in parcels.columns else [])]
    matched = pd.DataFrame(parcels[cols]).assign(holder=present_column(parcels["holder"]))
    matched = matched.dropna(subset=["parcel_id", "holder"])
    matched = matched[matched["holder"].isin(names.index)]
    rows = matched["source_row"] if "source_row" in cols else pd.Series(pd.NA, matched.index)
    return pd.DataFrame(
        {
            "parcel_id": matched["parcel_id"].to_numpy(),
            "uscc": names.loc[matched["holder"]].to_numpy(),
            "relation": "owner",
            "area_used_m2": np.nan,
            "source_row": rows.astype("Int64").to_numpy(),
        }
    )


def parcel_link(
    parcels: gpd.GeoDataFrame,
    enterprises: pd.DataFrame | None,
    links: pd.DataFrame | None,
    *,
    profile: Profile,
    linked: LinkResult | None = None,
) -> LinkResult | None:
    """The link of raw tables exactly as the pipeline makes it, for stages that do not run the
    whole join themselves; ``None`` when there is nothing to link.

    Runs :func:`link_parcels` (with :func:`links_from_holders` when there is no link table, as
    the pipeline does). Without an enterprise table the linked USCCs stand for themselves.
    ``linked`` is that link already made from these tables (the screening's, in a run of both
    stages): it is returned instead of linking again.
    """
    if links is None and enterprises is None:
        return None
    if linked is not None:  # made from these tables: not matched by holder again
        return linked
    if links is None:
        links = links_from_holders(parcels, enterprises)
    if enterprises is None:
        codes = links["uscc"].map(normalize_uscc)
        enterprises = pd.DataFrame({"uscc": pd.unique(codes[codes.ne("")])})
    if links.empty or enterprises.empty:
        return None
    return link_parcels(parcels, enterprises, links, profile=profile)


def parcel_main_enterprises(
    parcels: gpd.GeoDataFrame,
    enterprises: pd.DataFrame | None,
    links: pd.DataFrame | None,
    *,
    profile: Profile,
    linked: LinkResult | None = None,
) -> pd.Series:
    """The main enterprise of every parcel from raw tables, exactly as the 底数清单 has it: the
    ``main_uscc`` of :func:`parcel_link` (``linked``: that link already made).

    Returns
    -------
    pandas.Series
        USCC or ``None`` per parcel (index of ``parcels``), named ``main_uscc``.
    """
    linked = parcel_link(parcels, enterprises, links, profile=profile, linked=linked)
    if linked is None:
        return pd.Series(None, index=parcels.index, dtype=object, name="main_uscc")
    main = linked.parcels["main_uscc"]
    return main.astype(object).where(main.notna(), None).rename("main_uscc")
