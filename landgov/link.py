"""地企关联: join parcels and enterprises, measure each enterprise's land and share its totals.

One parcel may hold its owner (权利人, ``relation = owner``) and several tenants; one enterprise may
use several parcels (docs/domain.md §2). :func:`link_parcels` turns the link table into

- ``pairs``: one row per (parcel, enterprise) with the area the enterprise uses there,
- ``enterprises``: every enterprise with its land measured from parcel geometry,
- ``parcels``: every parcel with its enterprises' totals allocated by area used,

and lists every link and enterprise it could not join, with the reason. Nothing is dropped.

Land used on a parcel (:math:`a_{pe}`, m²) is the link's ``area_used_m2`` when given; the rest of
the parcel's geometric area, :math:`\\max(A_p - \\sum_{given} a_{pe}, 0)`, goes to the users without
a given area by ``linking.share_rule`` (``equal``: shared equally; ``owner``: to the owner). An
enterprise's land is :math:`L_e = \\sum_p a_{pe}`, its share on a parcel
:math:`s_{pe} = a_{pe} / L_e`, and a parcel's allocated total of any quantity :math:`x`
(tax, value added …) is

.. math:: x_p = \\sum_e s_{pe}\\, x_e

which is NaN when any contributing enterprise lacks :math:`x` (never a silent 0).

The **main enterprise** of a parcel (主体企业; the 底数清单's ``main_uscc``, the 增容 applicant, the
enterprise on the 初审表) is decided once, by :func:`main_enterprise`: the owner (权利人), else the
user with the largest area used; ties go to the smallest USCC, so the answer never depends on the
order of the rows. :func:`parcel_main_enterprises` applies it to raw tables for stages that do not
run the whole join themselves.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.problems import PROBLEM_COLUMNS, ProblemLog, Severity
from landgov.errors import Issue, SchemaError
from landgov.ids import USCCStatus, check_uscc, normalize_uscc
from landgov.policy import Profile
from landgov.units import m2_to_mu
from landgov.verdict import Citation

__all__ = [
    "TOTAL_COLUMNS",
    "LinkResult",
    "LinkSettings",
    "Relation",
    "ShareRule",
    "TenancyMode",
    "link_parcels",
    "links_from_holders",
    "main_enterprise",
    "parcel_main_enterprises",
]

#: Enterprise quantities allocated to parcels by area used.
TOTAL_COLUMNS: tuple[str, ...] = (
    "tax_wan",
    "value_added_wan",
    "revenue_wan",
    "energy_tce",
    "emissions_t",
    "rd_wan",
    "employees",
    "power_10k_kwh",
)

_SOURCE = "地企关联"
_JOIN = "；"


class Relation(enum.StrEnum):
    """How an enterprise holds a parcel."""

    OWNER = "owner"  # 自有 / 权利人
    TENANT = "tenant"  # 租用

    @property
    def label(self) -> str:
        """Chinese label."""
        return {"owner": "自有", "tenant": "租用"}[self.value]


class TenancyMode(enum.StrEnum):
    """How tenants are evaluated (``linking.tenancy_mode``, docs/domain.md §2)."""

    MERGED = "merged"  # 合并评价，共用一个等级（遂昌）
    FOLLOW_OWNER = "follow_owner"  # 随出租方等级（江山）
    SEPARATE = "separate"  # 承租方单列评价（慈溪）

    @property
    def label(self) -> str:
        """Chinese label."""
        return {
            "merged": "出租方与承租方合并评价",
            "follow_owner": "承租方随出租方等级",
            "separate": "承租方单列评价",
        }[self.value]


class ShareRule(enum.StrEnum):
    """Who gets the part of a parcel no link gives an area for (``linking.share_rule``)."""

    EQUAL = "equal"
    OWNER = "owner"


@dataclass(frozen=True)
class LinkSettings:
    """The ``linking`` section of a profile."""

    area_tolerance: float
    tenancy_mode: TenancyMode
    share_rule: ShareRule
    citation: Citation

    @classmethod
    def from_profile(cls, profile: Profile) -> LinkSettings:
        """Read the settings from ``profile`` (keys ``linking.*``)."""
        return cls(
            area_tolerance=float(profile.value("linking.area_tolerance")),
            tenancy_mode=TenancyMode(profile.value("linking.tenancy_mode")),
            share_rule=ShareRule(profile.value("linking.share_rule")),
            citation=profile.citation("linking.tenancy_mode"),
        )


@dataclass(frozen=True)
class LinkResult:
    """What :func:`link_parcels` returns.

    Attributes
    ----------
    pairs
        One row per joined (parcel, enterprise): ``parcel_index`` (index label in ``parcels``),
        ``parcel_id``, ``uscc``, ``relation`` (owner/tenant), ``area_used_m2``, ``area_source``
        (关联给定 / 分摊), ``share`` (fraction of the enterprise's land on this parcel).
    enterprises
        Every input enterprise (input index) plus ``land_m2``, ``land_mu`` (from geometry via the
        links), ``land_mu_declared`` (the input ``land_mu``), ``n_parcels``, ``linked``,
        ``is_tenant`` (all its links are tenancies), ``host_uscc`` (owner of the parcel where a
        tenant uses most land) and ``eval_unit`` (whose evaluation it shares, per tenancy mode).
    parcels
        Every input parcel (input index) plus ``area_mu``, ``area_diff_ratio`` (geometry vs
        declared area), the allocated :data:`TOTAL_COLUMNS`, ``enterprise_names``, ``usccs``
        (joined with "；"), ``n_enterprises`` and ``main_uscc`` (owner, else the largest user).
    unmatched_enterprises, unmatched_links
        Input rows that joined nothing, with ``unmatched_reason``.
    problems
        The problems table (:data:`landgov.core.problems.PROBLEM_COLUMNS`).
    settings
        The linking settings used.
    """

    pairs: pd.DataFrame
    enterprises: pd.DataFrame
    parcels: gpd.GeoDataFrame
    unmatched_enterprises: pd.DataFrame
    unmatched_links: pd.DataFrame
    problems: pd.DataFrame
    settings: LinkSettings


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
        is kept as ``land_mu_declared``.
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
    good = lk[lk["unmatched_reason"].isna()]
    pairs = _make_pairs(good, parcels, ents, settings, log)
    ent_out = _enterprise_frame(enterprises, ents, pairs, settings, log)
    parcel_out = _parcel_frame(parcels, ents, pairs, settings, log)
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


# --- inputs -----------------------------------------------------------------------------------


def _check_columns(parcels: pd.DataFrame, enterprises: pd.DataFrame, links: pd.DataFrame) -> None:
    needed = {"宗地": (parcels, ["parcel_id"]), "企业": (enterprises, ["uscc"])}
    needed["地企关联"] = (links, ["parcel_id", "uscc"])
    issues = [
        Issue(table, col, list(frame.columns), "缺少必需字段", f"在{table}表中提供「{col}」字段")
        for table, (frame, cols) in needed.items()
        for col in cols
        if col not in frame.columns
    ]
    if "area_m2" not in parcels.columns and not _projected(parcels):
        issues.append(
            Issue(
                "宗地",
                "area_m2",
                getattr(parcels, "crs", None),
                "没有图形面积，且图层不是投影坐标系，无法计算面积",
                "先用 landgov.io.read_parcels 读取，"
                "或投影到 CGCS2000 高斯-克吕格坐标系（如 EPSG:4549）",
            )
        )
    if issues:
        raise SchemaError(issues)


def _projected(frame: pd.DataFrame) -> bool:
    crs = getattr(frame, "crs", None)
    return isinstance(frame, gpd.GeoDataFrame) and crs is not None and bool(crs.is_projected)


def _with_area(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if "area_m2" in parcels.columns:
        return parcels
    out = parcels.copy()
    out["area_m2"] = out.geometry.area
    return out


def _prepare_enterprises(enterprises: pd.DataFrame, log: ProblemLog) -> pd.DataFrame:
    """Normalised USCC, its status, and which rows can be joined (valid, first of duplicates)."""
    ents = pd.DataFrame(index=enterprises.index)
    ents["uscc"] = enterprises["uscc"].map(normalize_uscc)
    ents["status"] = ents["uscc"].map(lambda c: check_uscc(c).value)
    ents["name"] = enterprises["name"] if "name" in enterprises.columns else pd.NA
    for col in TOTAL_COLUMNS:
        ents[col] = (
            pd.to_numeric(enterprises[col], errors="coerce")
            if col in enterprises.columns
            else np.nan
        )
    missing = [c for c in TOTAL_COLUMNS if c not in enterprises.columns]
    if missing:
        log.add(
            "企业表缺少字段，分摊到宗地的对应合计为空值",
            field="、".join(missing),
            action="如有数据，请在企业表中补充这些字段",
            severity=Severity.INFO,
        )
    valid = ents["status"] == USCCStatus.VALID.value
    dup = valid & ents["uscc"].duplicated(keep="first")
    ents["joinable"] = valid & ~dup
    ents["reason"] = pd.Series(pd.NA, index=ents.index, dtype="object")
    ents.loc[~valid, "reason"] = "统一社会信用代码" + ents.loc[~valid, "status"] + "，不予关联"
    ents.loc[dup, "reason"] = "统一社会信用代码在企业表中重复（仅首行参与关联）"
    for idx in ents.index[~ents["joinable"]]:
        log.add(
            ents.at[idx, "reason"],
            row=_row(enterprises, idx),
            field="uscc",
            value=enterprises.at[idx, "uscc"],
            action="核对企业表中的统一社会信用代码（脱敏代码须换成完整代码）",
            severity=Severity.WARNING,
        )
    return ents


def _row(frame: pd.DataFrame, idx: object) -> int | None:
    if "source_row" in frame.columns:
        value = frame.at[idx, "source_row"]
        return None if pd.isna(value) else int(value)
    return None


_RELATIONS = {
    "owner": Relation.OWNER,
    "自有": Relation.OWNER,
    "自用": Relation.OWNER,
    "权利人": Relation.OWNER,
    "tenant": Relation.TENANT,
    "租用": Relation.TENANT,
    "承租": Relation.TENANT,
    "租赁": Relation.TENANT,
}


def _prepare_links(links: pd.DataFrame) -> pd.DataFrame:
    lk = pd.DataFrame(index=links.index)
    lk["parcel_id"] = links["parcel_id"].map(lambda v: "" if pd.isna(v) else str(v).strip())
    lk["uscc"] = links["uscc"].map(normalize_uscc)
    lk["status"] = lk["uscc"].map(lambda c: check_uscc(c).value)
    rel = links["relation"] if "relation" in links.columns else pd.Series(pd.NA, index=links.index)
    lk["relation"] = rel.map(lambda v: None if pd.isna(v) else _RELATIONS.get(str(v).strip()))
    lk["relation_given"] = rel
    area = links["area_used_m2"] if "area_used_m2" in links.columns else np.nan
    lk["area_given"] = pd.to_numeric(pd.Series(area, index=links.index), errors="coerce")
    lk["source_row"] = links["source_row"] if "source_row" in links.columns else pd.NA
    return lk


def _parcel_lookup(parcels: pd.DataFrame, log: ProblemLog) -> dict[str, object]:
    """``parcel_id`` → index label of its first row; duplicates are reported."""
    ids = parcels["parcel_id"].map(lambda v: "" if pd.isna(v) else str(v).strip())
    lookup: dict[str, object] = {}
    for idx, pid in ids.items():
        if not pid:
            continue
        if pid in lookup:
            log.add(
                "宗地代码重复：地企关联只连到第一宗",
                row=_row(parcels, idx),
                field="parcel_id",
                value=pid,
                action="核对宗地图层，合并或更正重复的宗地代码",
                severity=Severity.WARNING,
            )
            continue
        lookup[pid] = idx
    return lookup


def _classify_links(
    lk: pd.DataFrame, pid_to_index: dict[str, object], ents: pd.DataFrame, log: ProblemLog
) -> pd.DataFrame:
    """Add ``parcel_index`` and ``unmatched_reason`` (NA for links that join)."""
    lk = lk.copy()
    joinable = set(ents.loc[ents["joinable"], "uscc"])
    lk["parcel_index"] = lk["parcel_id"].map(pid_to_index)
    reason = pd.Series(pd.NA, index=lk.index, dtype="object")
    dup = lk.duplicated(["parcel_id", "uscc"], keep="first")
    checks = [  # later checks take precedence: the root cause wins
        (dup, "重复的地企关联（同一宗地、同一企业）", "删除重复行", "parcel_id"),
        (
            ~lk["uscc"].isin(joinable),
            "企业表中无此统一社会信用代码",
            "在企业表中补充该企业",
            "uscc",
        ),
        (lk["parcel_index"].isna(), "宗地图层中无此宗地代码", "核对宗地代码", "parcel_id"),
        (
            lk["status"] != USCCStatus.VALID.value,
            "统一社会信用代码" + lk["status"] + "，不予关联",
            "换成完整、有效的统一社会信用代码",
            "uscc",
        ),
    ]
    how = pd.DataFrame({"action": "", "field": ""}, index=lk.index, dtype="object")
    for mask, text, action, field in checks:
        reason = reason.mask(mask, text)
        how.loc[mask, ["action", "field"]] = [action, field]
    lk["unmatched_reason"] = reason
    for idx in lk.index[reason.notna()]:
        log.add(
            f"地企关联未连接：{reason[idx]}",
            row=None if pd.isna(lk.at[idx, "source_row"]) else int(lk.at[idx, "source_row"]),
            field=how.at[idx, "field"],
            value=f"{lk.at[idx, 'parcel_id']} / {lk.at[idx, 'uscc']}",
            action=how.at[idx, "action"],
            severity=Severity.WARNING,
        )
    return lk


# --- pairs and land ---------------------------------------------------------------------------


def _make_pairs(
    good: pd.DataFrame,
    parcels: pd.DataFrame,
    ents: pd.DataFrame,
    settings: LinkSettings,
    log: ProblemLog,
) -> pd.DataFrame:
    cols = ["parcel_index", "parcel_id", "uscc", "relation", "area_used_m2", "area_source"]
    pairs = good[["parcel_index", "parcel_id", "uscc"]].copy()
    pairs["parcel_index"] = pairs["parcel_index"].astype(parcels.index.dtype)
    pairs["relation"] = _resolve_relations(good, parcels, ents, log)
    pairs["area_given"] = good["area_given"].where(good["area_given"] >= 0)
    pairs["parcel_area"] = pairs["parcel_index"].map(parcels["area_m2"])
    pairs = _share_parcels(pairs, settings, log)[cols]
    pairs["area_used_m2"] = pairs["area_used_m2"].astype(float)
    land = pairs.groupby("uscc")["area_used_m2"].sum(min_count=1)
    n = pairs["uscc"].map(pairs["uscc"].value_counts()).astype(float)
    total = pairs["uscc"].map(land).astype(float)
    pairs["share"] = (pairs["area_used_m2"] / total).where(total > 0, 1.0 / n)
    return pairs.reset_index(drop=True)


def _resolve_relations(
    good: pd.DataFrame, parcels: pd.DataFrame, ents: pd.DataFrame, log: ProblemLog
) -> pd.Series:
    """Given relation; else owner when the enterprise name is the parcel's 权利人, else tenant."""
    names = ents.loc[ents["joinable"]].set_index("uscc")["name"]
    holders = parcels["holder"] if "holder" in parcels.columns else None
    out = good["relation"].copy()
    for idx in good.index[good["relation"].isna()]:
        holder = None if holders is None else holders.get(good.at[idx, "parcel_index"])
        name = names.get(good.at[idx, "uscc"])
        same = holder is not None and not pd.isna(holder) and str(holder).strip() == name
        rel = Relation.OWNER if same else Relation.TENANT
        out[idx] = rel.value
        given = good.at[idx, "relation_given"]
        what = "缺失" if pd.isna(given) else "无法识别"
        log.add(
            f"关联关系{what}，按权利人名称推定为「{rel.label}」",
            row=None if pd.isna(good.at[idx, "source_row"]) else int(good.at[idx, "source_row"]),
            field="relation",
            value=None if pd.isna(given) else given,
            action="在关联表中填写 自有 / 租用",
            severity=Severity.WARNING,
        )
    return out.map(lambda r: Relation(r).value)


def _share_parcels(pairs: pd.DataFrame, settings: LinkSettings, log: ProblemLog) -> pd.DataFrame:
    """Area used by each user of each parcel (m²), vectorised over all parcels.

    A link's own ``area_given`` is kept; what is left of the parcel's geometry area
    (``max(area − Σ given, 0)``) is shared equally among the users without a figure — or among
    the owners only, when ``linking.share_rule`` is ``owner`` and the parcel has one.
    """
    out = pairs.copy()
    key = out["parcel_index"]
    area = out["parcel_area"].astype(float)
    given = out["area_given"].astype(float)
    free = given.isna()
    out["area_source"] = np.where(free, "分摊", "关联给定")
    given_sum = given.fillna(0.0).groupby(key, sort=False).transform("sum")
    over = given_sum > area * (1 + settings.area_tolerance)
    for _, row in out.loc[over].drop_duplicates("parcel_index").iterrows():
        log.add(
            "关联给出的使用面积之和超过宗地图形面积",
            field="area_used_m2",
            value=f"{row['parcel_id']}：{given_sum[row.name]:.1f} m² > {area[row.name]:.1f} m²",
            action="核对各企业的使用面积",
            severity=Severity.WARNING,
        )
    rest = (area - given_sum).clip(lower=0.0).where(np.isfinite(area))
    takers = free
    if settings.share_rule is ShareRule.OWNER:
        owners = free & (out["relation"] == Relation.OWNER.value)
        has_owner = owners.groupby(key, sort=False).transform("any")
        takers = owners.where(has_owner, free)
    k = takers.astype(int).groupby(key, sort=False).transform("sum")
    used = given.where(~free, 0.0)
    out["area_used_m2"] = used.where(~takers, rest / k.where(k > 0))
    return out


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
    out["land_m2"] = key.map(by["area_used_m2"].sum(min_count=1)).astype(float)
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
    if "land_mu_declared" not in out.columns:
        return
    declared = pd.to_numeric(out["land_mu_declared"], errors="coerce")
    ratio = (out["land_mu"] - declared).abs() / declared
    for idx in out.index[(ratio > settings.area_tolerance) & (declared > 0)]:
        log.add(
            "企业申报用地面积与按宗地图形计算的面积不一致",
            row=_row(out, idx),
            field="land_mu",
            value=f"申报 {declared[idx]:.2f} 亩，图形 {out.at[idx, 'land_mu']:.2f} 亩",
            action="核对地企关联与企业申报用地面积",
            severity=Severity.WARNING,
        )


def _parcel_frame(
    parcels: gpd.GeoDataFrame,
    ents: pd.DataFrame,
    pairs: pd.DataFrame,
    settings: LinkSettings,
    log: ProblemLog,
) -> gpd.GeoDataFrame:
    out = parcels.copy()
    out["area_mu"] = m2_to_mu(out["area_m2"].astype(float))
    out["area_diff_ratio"] = _area_check(out, settings, log)
    totals = ents.loc[ents["joinable"]].set_index("uscc")[list(TOTAL_COLUMNS)]
    for col, values in _allocate(pairs, totals).items():
        out[col] = values.reindex(out.index)
    names = ents.loc[ents["joinable"]].set_index("uscc")["name"]
    ordered = pairs.assign(name=pairs["uscc"].map(names))
    by = ordered.groupby("parcel_index", sort=False)
    out["enterprise_names"] = by["name"].agg(_join).reindex(out.index).fillna("")
    out["usccs"] = by["uscc"].agg(_join).reindex(out.index).fillna("")
    out["n_enterprises"] = by.size().reindex(out.index).fillna(0).astype(int)
    out["main_uscc"] = _main_users(pairs, log).reindex(out.index)
    return out


def _join(values: pd.Series) -> str:
    return _JOIN.join(str(v) for v in values if not pd.isna(v) and str(v))


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
            value=f"{out.at[idx, 'parcel_id']}：图形 {out.at[idx, 'area_m2']:.1f} m²，"
            f"申报 {declared[idx]:.1f} m²",
            action="核对宗地图形与登记面积；亩均指标按图形面积计算",
            severity=Severity.WARNING,
        )
    return ratio.rename("area_diff_ratio")


def _allocate(pairs: pd.DataFrame, totals: pd.DataFrame) -> dict[str, pd.Series]:
    """``x_p = Σ_e share_pe · x_e``; NaN when any contributor lacks ``x``."""
    values = totals.reindex(pairs["uscc"]).to_numpy() * pairs["share"].to_numpy()[:, None]
    contrib = pd.DataFrame(values, columns=totals.columns, index=pairs.index)
    contrib["parcel_index"] = pairs["parcel_index"].to_numpy()
    by = contrib.groupby("parcel_index", sort=False)
    sums = by.sum(min_count=1)
    gaps = contrib.drop(columns="parcel_index").isna().groupby(contrib["parcel_index"]).any()
    return {col: sums[col].mask(gaps[col]) for col in totals.columns}


def main_enterprise(pairs: pd.DataFrame) -> pd.Series:
    """The main enterprise (主体企业) of each parcel: the one rule every stage uses.

    The owner (``relation`` owner; the one using most land if several), else the user with the
    largest ``area_used_m2``; ties (and missing areas, ranked last) go to the smallest USCC.

    Parameters
    ----------
    pairs
        :attr:`LinkResult.pairs`: ``parcel_index``, ``uscc``, ``relation``, ``area_used_m2``.

    Returns
    -------
    pandas.Series
        USCC of the main enterprise, indexed by ``parcel_index`` (parcels without users absent).

    Examples
    --------
    >>> pairs = pd.DataFrame({"parcel_index": [0, 0], "uscc": ["B", "A"],
    ...                       "relation": ["tenant", "tenant"], "area_used_m2": [100.0, 9000.0]})
    >>> main_enterprise(pairs).to_dict()
    {0: 'A'}
    """
    ranked = pairs.assign(
        _owner=pairs["relation"] == Relation.OWNER.value,
        _area=pd.to_numeric(pairs["area_used_m2"], errors="coerce").fillna(-np.inf),
    )
    ranked = ranked.sort_values(
        ["_owner", "_area", "uscc"], ascending=[False, False, True], kind="stable"
    )
    return ranked.drop_duplicates("parcel_index").set_index("parcel_index")["uscc"]


def _main_users(pairs: pd.DataFrame, log: ProblemLog) -> pd.Series:
    """:func:`main_enterprise`, reporting parcels with more than one owner."""
    n_owners = (pairs["relation"] == Relation.OWNER.value).groupby(pairs["parcel_index"]).sum()
    for pidx in n_owners.index[n_owners > 1]:
        log.add(
            "一宗地有多个权利人（自有关联），取使用面积最大者为主体企业",
            field="relation",
            value=pairs.loc[pairs["parcel_index"] == pidx, "parcel_id"].iloc[0],
            action="核对该宗地的权利人",
            severity=Severity.WARNING,
        )
    return main_enterprise(pairs)


def links_from_holders(parcels: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Without a link table: link each parcel to the enterprise whose name equals its holder.

    Returns
    -------
    pandas.DataFrame
        A link table (``parcel_id``, ``uscc``, ``relation`` owner, ``area_used_m2`` NaN,
        ``source_row``) for :func:`link_parcels`.
    """
    if "name" not in enterprises.columns or "holder" not in parcels.columns:
        return pd.DataFrame(columns=["parcel_id", "uscc", "relation", "area_used_m2", "source_row"])
    names = enterprises.dropna(subset=["name"]).drop_duplicates("name").set_index("name")["uscc"]
    matched = parcels[["parcel_id", "holder"]].dropna()
    matched = matched[matched["holder"].isin(names.index)]
    return pd.DataFrame(
        {
            "parcel_id": matched["parcel_id"].to_numpy(),
            "uscc": names.loc[matched["holder"]].to_numpy(),
            "relation": "owner",
            "area_used_m2": np.nan,
            "source_row": np.arange(1, len(matched) + 1),
        }
    )


def parcel_main_enterprises(
    parcels: gpd.GeoDataFrame,
    enterprises: pd.DataFrame | None,
    links: pd.DataFrame | None,
    *,
    profile: Profile,
) -> pd.Series:
    """The main enterprise of every parcel from raw tables, exactly as the 底数清单 has it.

    Runs :func:`link_parcels` (with :func:`links_from_holders` when there is no link table, as
    the pipeline does) and returns its ``main_uscc``. Without an enterprise table the linked
    USCCs stand for themselves.

    Returns
    -------
    pandas.Series
        USCC or ``None`` per parcel (index of ``parcels``), named ``main_uscc``.
    """
    none = pd.Series(None, index=parcels.index, dtype=object, name="main_uscc")
    if links is None and enterprises is None:
        return none
    if links is None:
        links = links_from_holders(parcels, enterprises)
    if enterprises is None:
        codes = links["uscc"].map(normalize_uscc)
        enterprises = pd.DataFrame({"uscc": pd.unique(codes[codes.ne("")])})
    if links.empty or enterprises.empty:
        return none
    main = link_parcels(parcels, enterprises, links, profile=profile).parcels["main_uscc"]
    return main.astype(object).where(main.notna(), None).rename("main_uscc")


def _unmatched_enterprises(
    enterprises: pd.DataFrame, ents: pd.DataFrame, pairs: pd.DataFrame, log: ProblemLog
) -> pd.DataFrame:
    no_link = ents["joinable"] & ~ents["uscc"].isin(set(pairs["uscc"]))
    for idx in ents.index[no_link]:
        log.add(
            "企业无地企关联记录，用地面积无法按宗地图形计算",
            row=_row(enterprises, idx),
            field="uscc",
            value=ents.at[idx, "uscc"],
            action="在地企关联表中补充该企业使用的宗地",
            severity=Severity.WARNING,
        )
    reason = ents["reason"].mask(no_link, "无地企关联记录")
    out = enterprises.loc[reason.notna()].copy()
    out["unmatched_reason"] = reason.dropna()
    return out
