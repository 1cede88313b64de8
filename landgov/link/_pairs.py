"""Pairs and land: one row per (parcel, enterprise), relations resolved, land shared."""

from __future__ import annotations

import numpy as np
import pandas as pd

from landgov.core.missing import complete_sums, is_missing
from landgov.core.problems import ProblemLog, Severity
from landgov.io._areaunit import _AREA_UNITS, set_aside_area_in_wrong_unit
from landgov.link._model import LinkSettings, Relation, ShareRule

# --- pairs and land ---------------------------------------------------------------------------


def _make_pairs(
    good: pd.DataFrame,
    parcels: pd.DataFrame,
    ents: pd.DataFrame,
    settings: LinkSettings,
    log: ProblemLog,
) -> pd.DataFrame:
    """One row per user of a plot (``good``: :func:`~landgov.link._inputs._users`, its
    ``joined`` kept), the land shared among all of them: a user that cannot be joined still
    holds its part of the plot, so the others' land and shares are never inflated by it."""
    cols = ["parcel_index", "parcel_id", "uscc", "joined", "relation", "area_used_m2"]
    cols.append("area_source")
    pairs = good[["parcel_index", "parcel_id", "uscc", "joined"]].copy()
    pairs["parcel_index"] = pairs["parcel_index"].astype(parcels.index.dtype)
    pairs["relation"] = _resolve_relations(good, parcels, ents, log)
    pairs["area_given"] = good["area_given"].where(good["area_given"] >= 0)
    pairs["parcel_area"] = pairs["parcel_index"].map(parcels["area_m2"])
    _set_aside_areas_in_wrong_unit(pairs, good, log, tolerance=settings.area_tolerance)
    pairs = _share_parcels(pairs, settings, log)[cols]
    pairs["area_used_m2"] = pairs["area_used_m2"].astype(float)
    # a firm's land is known only when every plot it uses has a known area: shares over the
    # known plots alone would put all its tax on them (complete_sums, the one rule)
    land = complete_sums(pairs[["area_used_m2"]], pairs["uscc"])["area_used_m2"]
    n = pairs["uscc"].map(pairs["uscc"].value_counts()).astype(float)
    total = pairs["uscc"].map(land).astype(float)
    share = (pairs["area_used_m2"] / total).where(total > 0, 1.0 / n)
    pairs["share"] = share.where(total.notna())
    return pairs.reset_index(drop=True)


def _set_aside_areas_in_wrong_unit(
    pairs: pd.DataFrame, good: pd.DataFrame, log: ProblemLog, *, tolerance: float
) -> None:
    """The links' 使用面积 in 亩 or 公顷 though read as m² (「21」 under 「使用面积（平方米）」
    for a 14,000 m² plot): read as they are, each firm would hold 21 m² = 0.03 亩 and its 亩均
    would be 666.7 times too high. Over the plots whose every link gives an area, the plot's
    shape is compared with the sum given (:func:`set_aside_area_in_wrong_unit`, the one check of
    an area field's unit): when they are in 亩 or 公顷, no given area is used — each plot is
    shared by ``linking.share_rule`` as if none were given — and that is said once. A column
    in square metres may still hold one plot's areas in 亩 or 公顷: :func:`_plots_in_other_unit`.
    ``tolerance``: ``linking.area_tolerance``."""
    given = pairs["area_given"]
    key = pairs["parcel_index"]
    whole = given.notna().groupby(key, sort=False).transform("all")
    if not whole.any():
        _plots_in_other_unit(pairs, good, log, tolerance=tolerance)
        return
    at = pairs[whole]
    plots = pd.DataFrame(
        {
            "given_m2": given[whole].groupby(at["parcel_index"], sort=False).sum(),
            "parcel_area": at.groupby("parcel_index", sort=False)["parcel_area"].first(),
            "source_row": good.loc[at.index, "source_row"]
            .groupby(at["parcel_index"], sort=False)
            .first(),
        }
    )
    sub = ProblemLog(log.source, role="links")
    unit = set_aside_area_in_wrong_unit(
        plots, ["given_m2"], sub, {"given_m2": "使用面积"}, item="宗地",
        consequence="各宗地按未给使用面积分摊，关联表给出的使用面积全部不用",
        shape_column="parcel_area",
        action="核实地企关联表「使用面积」的单位；是亩或公顷时在表头写明（如「使用面积（亩）」）"
        "或换算为平方米后重新运行",
    )  # fmt: skip
    if unit is not None:
        log.extend(sub)
        pairs["area_given"] = np.nan
        return
    _plots_in_other_unit(pairs, good, log, tolerance=tolerance)


def _plots_in_other_unit(
    pairs: pd.DataFrame, good: pd.DataFrame, log: ProblemLog, *, tolerance: float
) -> None:
    """A plot whose links' 使用面积, summed, equal its shape's area in 亩 or 公顷 (within
    ``tolerance``) though read as m²: 「15」 for a 10,000 m² plot of 15 亩, its one user then
    holding 15 m² = 0.0225 亩 with a 亩均 666.67 times too high (and its own declared 15 亩
    taken for square metres). Those links' areas are not used — the plot is shared as if none
    were given — with one 警告 per plot naming its first link row. (A use that small in real
    square metres, 0.15 % of its plot, is not a firm's land either.)"""
    given = pairs["area_given"]
    key = pairs["parcel_index"]
    sums = given.groupby(key, sort=False).sum(min_count=1)
    area = pairs.groupby(key, sort=False)["parcel_area"].first()
    for unit, m2 in _AREA_UNITS.items():
        if unit == "平方米":
            continue
        in_unit = area / m2
        hit = (sums > 0) & (area > 0) & ((sums - in_unit).abs() <= tolerance * in_unit)
        if not hit.any():
            continue
        taken = key.isin(hit.index[hit]) & given.notna()
        for plot, links in pairs.index[taken].groupby(key[taken]).items():
            row = good.loc[links, "source_row"].min()
            n = len(links)
            log.add(
                f"宗地 {pairs.at[links[0], 'parcel_id']} 的关联使用面积"
                + (f"（{n} 条关联之和）" if n > 1 else "")
                + f" {sums[plot]:g} 按平方米读取，与该宗地图形面积的{unit}数 {in_unit[plot]:.2f}"
                f" {unit}相符（图形 {area[plot]:,.1f} 平方米），疑似按{unit}填写；该宗地的"
                "使用面积不用，按未给使用面积分摊",
                row=None if pd.isna(row) else int(row),
                field="area_used_m2",
                value=f"{sums[plot]:g}",
                action="核实地企关联表「使用面积」的单位，按平方米填写后重新运行",
                severity=Severity.WARNING,
                role="links",
            )
            pairs.loc[links, "area_given"] = np.nan


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
        same = not is_missing(holder) and str(holder).strip() == name
        rel = Relation.OWNER if same else Relation.TENANT
        out[idx] = rel.value
        if not good.at[idx, "joined"]:  # said already: 「地企关联未连接」
            continue
        given = good.at[idx, "relation_given"]
        what = "缺失" if is_missing(given) else "无法识别"  # 「—」 is missing, as in io.links
        log.add(
            f"关联关系{what}，按权利人名称推定为「{rel.label}」",
            row=None if pd.isna(good.at[idx, "source_row"]) else int(good.at[idx, "source_row"]),
            field="relation",
            value=None if is_missing(given) else given,
            action="在关联表中填写 自有 / 租用",
            severity=Severity.WARNING,
            role="links",
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
            value=(
                f"{row['parcel_id']}：{given_sum[row.name]:.1f} 平方米 > "
                f"{area[row.name]:.1f} 平方米"
            ),
            action="核对各企业的使用面积",
            severity=Severity.WARNING,
            role="links",
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
