"""The outputs of the join: enterprises with their land, parcels with allocated totals."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.distinct import isin_texts
from landgov.core.missing import complete_sums
from landgov.core.problems import ProblemLog, Severity
from landgov.link._inputs import _prepare_enterprises, _row
from landgov.link._main import _main_users
from landgov.link._model import _JOIN, _SOURCE, TOTAL_COLUMNS, LinkSettings, Relation, TenancyMode
from landgov.units import m2_to_mu, mu_to_m2

# --- outputs ----------------------------------------------------------------------------------


def _enterprise_frame(
    enterprises: pd.DataFrame,
    ents: pd.DataFrame,
    pairs: pd.DataFrame,
    settings: LinkSettings,
    log: ProblemLog,
) -> pd.DataFrame:
    out = enterprises.copy()
    if "land_mu" in out.columns:
        out = out.rename(columns={"land_mu": "land_mu_declared"})
    by = pairs.groupby("uscc")
    key = ents["uscc"].where(ents["joinable"])
    # known only when the area of every plot the firm uses is known (never the known part)
    land = complete_sums(pairs[["area_used_m2"]], pairs["uscc"])["area_used_m2"]
    out["land_m2"] = key.map(land).astype(float)
    out["land_mu"] = m2_to_mu(out["land_m2"])
    out["n_parcels"] = key.map(by.size()).fillna(0).astype(int)
    out["linked"] = out["n_parcels"] > 0
    tenant_only = (pairs["relation"] == Relation.TENANT.value).groupby(pairs["uscc"]).all()
    out["is_tenant"] = key.map(tenant_only).eq(True)
    out["host_uscc"] = key.map(_hosts(pairs))
    out["eval_unit"] = ents["uscc"].where(ents["joinable"], pd.NA)
    if settings.tenancy_mode is TenancyMode.MERGED:
        merged = out["is_tenant"] & out["host_uscc"].notna()
        out.loc[merged, "eval_unit"] = out.loc[merged, "host_uscc"]
    _compare_land(out, settings, log)
    return out


def _hosts(pairs: pd.DataFrame) -> pd.Series:
    """For each tenant: the owner of the parcel where it uses the most land."""
    owners = pairs[pairs["relation"] == Relation.OWNER.value]
    owner_of = owners.drop_duplicates("parcel_index").set_index("parcel_index")["uscc"]
    tenants = pairs[pairs["relation"] == Relation.TENANT.value].copy()
    tenants["owner"] = tenants["parcel_index"].map(owner_of)
    tenants = tenants[tenants["owner"].notna() & (tenants["owner"] != tenants["uscc"])]
    tenants = tenants.sort_values("area_used_m2", ascending=False, kind="stable")
    return tenants.drop_duplicates("uscc").set_index("uscc")["owner"]


def _compare_land(out: pd.DataFrame, settings: LinkSettings, log: ProblemLog) -> None:
    """Warn where the declared 用地面积 (亩) differs from the linked parcels' area; where it
    equals their area in the other unit instead (平方米 under a 亩 header, 666.67 times too
    much; 亩 under a 平方米 header, 666.67 times too little) it is not used
    (:func:`_declared_swapped`)."""
    if "land_mu_declared" not in out.columns:
        return
    declared = pd.to_numeric(out["land_mu_declared"], errors="coerce")
    ratio = (out["land_mu"] - declared).abs() / declared
    swapped = _declared_swapped(out, declared, settings, log)
    for idx in out.index[(ratio > settings.area_tolerance) & (declared > 0) & ~swapped]:
        log.add(
            "企业申报用地面积与按宗地图形计算的面积不一致",
            row=_row(out, idx),
            field="land_mu",
            value=f"申报 {declared[idx]:.2f} 亩，图形 {out.at[idx, 'land_mu']:.2f} 亩",
            action="核对地企关联与企业申报用地面积",
            severity=Severity.WARNING,
            role="enterprises",
        )


@dataclass(frozen=True)
class _Swap:
    """One way a declared 用地面积 can be in another unit than its header's: typed in
    ``typed_in`` under a ``header`` column; ``action``: what to do."""

    typed_in: str
    header: str
    action: str


_SWAPS = (
    _Swap(
        "平方米", "亩",
        "核对企业表「用地面积」列的单位：按平方米填写的，把表头改为「用地面积（平方米）」，"
        "或换算为亩（÷ 666.67）后重新运行",
    ),
    _Swap(
        "亩", "平方米",
        "核对企业表「用地面积」列的单位：按亩填写的，把表头改为「用地面积（亩）」，"
        "或换算为平方米（× 666.67）后重新运行",
    ),
)  # fmt: skip


def _declared_swapped(
    out: pd.DataFrame, declared: pd.Series, settings: LinkSettings, log: ProblemLog
) -> pd.Series:
    """Rows whose declared 亩 equal, within the area tolerance, their parcels' area in m² (the
    figure typed in 平方米 under a 亩 header) or their parcels' 亩 ÷ 666.67 (typed in 亩 under a
    平方米 header, read as 平方米 and converted). Their declared area becomes missing (never
    666.67 times the land, or 1/666.67 of it, in a 亩均 figure). When most compared rows are
    such one way, the column is in that unit: every declared area becomes missing, with one
    warning naming the column. A firm whose plots measure 1 亩 matches neither way (the two
    figures agree there only for 0.0015 亩 of land)."""
    land_mu = out["land_mu"]
    swapped = pd.Series(False, index=out.index)
    for swap, graphic in zip(_SWAPS, (out["land_m2"], m2_to_mu(land_mu)), strict=True):
        compared = (declared > 0) & (graphic > 0)
        hits = compared & ((declared - graphic).abs() <= settings.area_tolerance * graphic)
        for idx in out.index[hits]:
            typed = mu_to_m2(float(declared[idx]))
            log.add(
                f"企业申报用地面积 {declared[idx]:g}（亩）"
                + ("" if swap.typed_in == "平方米" else f"，表中为 {typed:g} 平方米，")
                + f"与宗地图形面积的{swap.typed_in}数 "
                + (
                    f"{graphic[idx]:.0f} 平方米相符（图形面积为 {land_mu[idx]:.2f} 亩）"
                    if swap.typed_in == "平方米"
                    else f"{land_mu[idx]:.2f} 亩相符"
                )
                + f"，疑似按{swap.typed_in}填写在「{swap.header}」列中，申报用地面积不使用",
                row=_row(out, idx),
                field="land_mu",
                value=f"{declared[idx]:g}",
                action=swap.action,
                role="enterprises",
            )
        n_in, n_compared = int(hits.sum()), int(compared.sum())
        if n_in >= 2 and 2 * n_in > n_compared:
            log.add(
                f"企业表中 {n_compared} 家可与宗地图形比对的企业有 {n_in} 家的申报用地面积等于"
                f"图形面积的{swap.typed_in}数，整列疑似按{swap.typed_in}填写；全部申报用地面积"
                "不使用（未关联宗地的企业亩均指标为待核实）",
                field="land_mu",
                action=swap.action,
                role="enterprises",
            )
            hits = declared.notna()
        swapped |= hits
    out.loc[swapped, "land_mu_declared"] = np.nan
    return swapped


def _parcel_frame(
    parcels: gpd.GeoDataFrame,
    ents: pd.DataFrame,
    pairs: pd.DataFrame,
    settings: LinkSettings,
    log: ProblemLog,
    *,
    unjoined: pd.DataFrame,
) -> gpd.GeoDataFrame:
    """Every parcel with its users' totals; ``unjoined``: the users that cannot be joined
    (:func:`~landgov.link._inputs._users`), contributors whose figures are not known, so the
    plot's totals are missing (:func:`_allocate`) and their codes are listed in
    ``unjoined_usccs``."""
    out = parcels.copy()
    out["area_mu"] = m2_to_mu(out["area_m2"].astype(float))
    out["area_diff_ratio"] = _area_check(out, settings, log)
    totals = ents.loc[ents["joinable"]].set_index("uscc")[list(TOTAL_COLUMNS)]
    users = pairs if unjoined.empty else pd.concat([pairs, unjoined], ignore_index=True)
    for col, values in _allocate(users, totals).items():
        out[col] = values.reindex(out.index)
    unknown = unjoined.assign(uscc=unjoined["uscc"].mask(unjoined["uscc"].eq(""), NO_CODE))
    out["unjoined_usccs"] = _joined(unknown, "uscc").reindex(out.index).fillna("")
    names = ents.loc[ents["joinable"]].set_index("uscc")["name"]
    ordered = pairs.assign(name=pairs["uscc"].map(names))
    by = ordered.groupby("parcel_index", sort=False)
    out["enterprise_names"] = _joined(ordered, "name").reindex(out.index).fillna("")
    out["usccs"] = _joined(ordered, "uscc").reindex(out.index).fillna("")
    out["n_enterprises"] = by.size().reindex(out.index).fillna(0).astype(int)
    out["main_uscc"] = _main_users(pairs, log).reindex(out.index)
    return out


#: How ``unjoined_usccs`` names a user on a plot whose link gives no code at all.
NO_CODE = "（统一社会信用代码缺失）"


def _join(values: pd.Series) -> str:
    return _JOIN.join(str(v) for v in values if not pd.isna(v) and str(v))


def _joined(pairs: pd.DataFrame, column: str) -> pd.Series:
    """``pairs.groupby("parcel_index", sort=False)[column].agg(_join)`` in one pass over the
    rows (no Python call per group): the texts of each plot in row order."""
    texts: dict[object, list[str]] = {}
    for key, value in zip(pairs["parcel_index"].tolist(), pairs[column].tolist(), strict=True):
        if pd.isna(key):  # groupby leaves out a missing key
            continue
        found = texts.setdefault(key, [])
        if not pd.isna(value) and str(value):
            found.append(str(value))
    # the dtype inferred from the texts, as groupby's agg does
    return pd.Series([_JOIN.join(t) for t in texts.values()], index=list(texts), name=column)


def _area_check(out: pd.DataFrame, settings: LinkSettings, log: ProblemLog) -> pd.Series:
    """Relative difference between geometric and declared area, with a problem above tolerance."""
    if "area_declared_m2" not in out.columns:
        return pd.Series(np.nan, index=out.index, name="area_diff_ratio")
    declared = pd.to_numeric(out["area_declared_m2"], errors="coerce")
    ratio = ((out["area_m2"] - declared).abs() / declared).where(declared > 0)
    for idx in out.index[ratio > settings.area_tolerance]:
        log.add(
            f"宗地图形面积与申报面积相差 {ratio[idx]:.1%}，超过容差 {settings.area_tolerance:.0%}",
            row=_row(out, idx),
            field="area_declared_m2",
            value=f"{out.at[idx, 'parcel_id']}：图形 {out.at[idx, 'area_m2']:.1f} 平方米，"
            f"申报 {declared[idx]:.1f} 平方米",
            action="核对宗地图形与登记面积；亩均指标按图形面积计算",
            severity=Severity.WARNING,
            role="parcels",
        )
    return ratio.rename("area_diff_ratio")


def _terms(pairs: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """``share_pe · x_e`` of every pair, one column per column of ``totals`` (by USCC): NaN
    where the share, the enterprise or its ``x`` is missing."""
    values = totals.reindex(pairs["uscc"]).to_numpy() * pairs["share"].to_numpy()[:, None]
    return pd.DataFrame(values, columns=totals.columns, index=pairs.index)


def _allocate(pairs: pd.DataFrame, totals: pd.DataFrame) -> dict[str, pd.Series]:
    """``x_p = Σ_e share_pe · x_e``; NaN when any contributor lacks ``x`` (an enterprise not
    in ``totals`` lacks every ``x``)."""
    sums = complete_sums(_terms(pairs, totals), pairs["parcel_index"])
    return {col: sums[col] for col in totals.columns}


def allocation_terms(
    pairs: pd.DataFrame, enterprises: pd.DataFrame | None, column: str
) -> pd.DataFrame:
    """The terms ``share_pe · x_e`` of each plot's allocated total ``x_p = Σ_e share_pe · x_e``,
    one per pair, as :func:`~landgov.link.link_parcels` makes them.

    The enterprises' ``x`` (``column``, one of :data:`TOTAL_COLUMNS`) is read as the join reads
    it: the first row of each normalised 统一社会信用代码, a cell that is no number missing. A
    stage that asks what the known part of a plot's total is (低效 with a tenant's tax missing)
    sums these terms instead of reading the enterprise table a second way.

    Parameters
    ----------
    pairs
        :attr:`LinkResult.pairs <landgov.link.LinkResult>` (``parcel_id``, ``uscc``,
        ``share``).
    enterprises
        The enterprise table that was linked (its ``uscc`` as written); ``None``: none known.
    column
        The total, e.g. ``"tax_wan"`` (万元).

    Returns
    -------
    pandas.DataFrame
        On ``pairs``' index: ``parcel_id``, ``uscc``, ``term`` (NaN when the share, the
        enterprise or its ``x`` is missing) and ``lacks`` (True where only the enterprise's
        ``x`` is missing: the share is known and the enterprise was joined).
    """
    if enterprises is None or "uscc" not in enterprises.columns:
        enterprises = pd.DataFrame({"uscc": pd.Series(dtype=object)})
    ents = _prepare_enterprises(enterprises, ProblemLog(_SOURCE))  # the join's reading
    totals = ents.loc[ents["joinable"]].set_index("uscc")[[column]]
    found = _terms(pairs, totals.assign(_joined=1.0))  # _joined: the share where joined
    term = found[column]
    lacks = term.isna() & found["_joined"].notna()
    return pd.DataFrame(
        {"parcel_id": pairs["parcel_id"], "uscc": pairs["uscc"], "term": term, "lacks": lacks},
        index=pairs.index,
    )


def _unmatched_enterprises(
    enterprises: pd.DataFrame, ents: pd.DataFrame, pairs: pd.DataFrame, log: ProblemLog
) -> pd.DataFrame:
    no_link = ents["joinable"] & ~isin_texts(ents["uscc"], set(pairs["uscc"].tolist()))
    for idx in ents.index[no_link]:
        log.add(
            "企业无地企关联记录，用地面积无法按宗地图形计算",
            row=_row(enterprises, idx),
            field="uscc",
            value=ents.at[idx, "uscc"],
            action="在地企关联表中补充该企业使用的宗地",
            severity=Severity.WARNING,
            role="enterprises",
        )
    reason = ents["reason"].mask(no_link, "无地企关联记录")
    out = enterprises.loc[reason.notna()].copy()
    out["unmatched_reason"] = reason.dropna()
    return out
