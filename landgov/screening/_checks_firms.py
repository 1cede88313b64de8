"""Checks on the enterprises of a plot: low efficiency, violations, 两高, 产业目录.

See docs/domain.md §4 and :mod:`landgov.screening`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from landgov.core.missing import format_number, is_missing, numeric_column
from landgov.core.records import (
    Judgement,
    RecordRule,
    Standing,
    ViolationRecord,
    describe,
    judge,
    records_from_frame,
)
from landgov.core.vocab import SEVERITIES
from landgov.ids import normalize_uscc
from landgov.policy import Profile
from landgov.screening._common import (
    _EPS,
    _NO_LINK,
    Check,
    _area_mu,
    _as_timestamp,
    _below,
    _col,
    _Firms,
    _series,
    _unknown_all,
    _usccs_by_parcel,
    _verdict,
)
from landgov.verdict import Citation, Status, Verdict

# --------------------------------------------------------------------------------------------
# 1. low efficiency


def _scope(usccs: tuple[str, ...], table: _Firms, min_mu: float) -> tuple[bool | None, list]:
    """In scope (规上, or 规下 with ≥ min_mu 亩)? None with the missing fields when unknown."""
    missing: list[str] = []
    for u in usccs:
        above = table.get(u, "above_scale")
        if u not in table:
            missing.append(f"企业表中没有该宗地关联企业 {u}")
            continue
        if above is None:
            missing.append(f"企业表字段 above_scale（规上/规下，{u}）")
            continue
        if bool(above):
            return True, []
        land = table.get(u, "land_mu")
        if land is None:
            missing.append(f"企业表字段 land_mu（用地面积，{u}）")
        elif float(land) >= min_mu - _EPS:
            return True, []
    return (None, missing) if missing else (False, [])


def check_low_efficiency(
    parcels: pd.DataFrame,
    *,
    enterprises: pd.DataFrame | None,
    pairs: pd.DataFrame | None,
    profile: Profile,
) -> pd.Series:
    """Low efficiency (低效): 亩均税收 below the profile threshold.

    .. math:: \\text{亩均税收} = \\frac{\\text{tax\\_wan}}{\\text{area\\_mu}} \\quad
              [\\text{万元/亩}] < \\text{screening.low\\_efficiency\\_tax\\_per\\_mu}

    Strictly below: for 上虞 (5 万元/亩 [001 二; 三(一)1]) 4.99 is low, 5.00 is not. Scope: plots
    with a 规上 enterprise or a 规下 enterprise using at least ``screening.small_firm_min_land_mu``
    亩 [001 三(二)1; 002 三(二)1]; other plots pass as out of scope.

    Parameters
    ----------
    parcels
        ``parcel_id`` and ``tax_per_mu`` (or ``tax_wan`` with ``area_mu``/``area_m2``).
    enterprises
        ``uscc``, ``above_scale`` (bool), ``land_mu``.
    pairs
        ``parcel_id``, ``uscc``.
    profile
        Policy profile.

    Returns
    -------
    pandas.Series
        One :class:`Verdict` per parcel, named ``low_efficiency``; ``values`` hold
        ``tax_per_mu``, ``threshold`` and ``in_scope``.
    """
    key = "screening.low_efficiency_tax_per_mu"
    threshold = float(profile.value(key))
    citation = profile.citation(key)
    min_mu = float(profile.value("screening.small_firm_min_land_mu"))
    tax = numeric_column(parcels, "tax_per_mu")
    tax = tax.fillna(numeric_column(parcels, "tax_wan") / _area_mu(parcels).replace(0.0, np.nan))
    table = _Firms(enterprises)
    links = _usccs_by_parcel(parcels, pairs)
    out = []
    for value, usccs in zip(tax.tolist(), links.tolist(), strict=True):
        values = {"tax_per_mu": None if is_missing(value) else float(value), "threshold": threshold}
        in_scope, missing = _scope(usccs, table, min_mu) if usccs else (None, [_NO_LINK])
        values["in_scope"] = in_scope
        out.append(
            _low_eff_verdict(
                value,
                threshold,
                in_scope=in_scope,
                missing=missing,
                min_mu=min_mu,
                citation=citation,
                values=values,
            )
        )
    return _series(out, parcels.index, Check.LOW_EFFICIENCY.value)


def _low_eff_verdict(
    value: float,
    threshold: float,
    *,
    in_scope: bool | None,
    missing: list[str],
    min_mu: float,
    citation: Citation,
    values: dict[str, Any],
) -> Verdict:
    c, t = Check.LOW_EFFICIENCY, format_number(threshold)
    if in_scope is False:
        reason = f"仅有规下且用地不足{format_number(min_mu)}亩的企业，不在低效排查范围"
        return _verdict(c, Status.PASS, reason, citation, values=values)
    if is_missing(value):
        return _verdict(
            c,
            Status.UNKNOWN,
            "亩均税收缺失，无法判定是否低效",
            citation,
            values=values,
            missing=["宗地字段 tax_per_mu（亩均税收）或 tax_wan（税收）", *missing],
        )
    if not _below(value, threshold):
        reason = f"亩均税收 {format_number(value)} 万元/亩，不低于 {t} 万元/亩"
        return _verdict(c, Status.PASS, reason, citation, values=values)
    if in_scope is None:
        reason = (
            f"亩均税收 {format_number(value)} 万元/亩低于 {t} 万元/亩，但无法确定是否在排查范围"
        )
        return _verdict(c, Status.UNKNOWN, reason, citation, values=values, missing=missing)
    reason = f"亩均税收 {format_number(value)} 万元/亩，低于 {t} 万元/亩"
    return _verdict(c, Status.FAIL, reason, citation, values=values)


# --------------------------------------------------------------------------------------------
# 2. violations


def _attach_records(
    parcels: pd.DataFrame, compliance: pd.DataFrame, links: pd.Series
) -> dict[Any, list[ViolationRecord]]:
    """Records per parcel index: by ``parcel_id``, else by the firm's plots (via ``links``)."""
    by_pid: dict[str, list[ViolationRecord]] = {}
    by_uscc: dict[str, list[ViolationRecord]] = {}
    for rec in records_from_frame(compliance):
        if rec.parcel_id is not None:
            by_pid.setdefault(rec.parcel_id, []).append(rec)
        elif rec.uscc:
            by_uscc.setdefault(rec.uscc, []).append(rec)
    out: dict[Any, list[ViolationRecord]] = {}
    pids = _col(parcels, "parcel_id").tolist()
    for idx, p, usccs in zip(parcels.index, pids, links.tolist(), strict=True):
        found = [] if is_missing(p) else list(by_pid.get(str(p).strip(), []))
        for u in dict.fromkeys(normalize_uscc(u) for u in usccs):
            found += by_uscc.get(u, [])
        out[idx] = found
    return out


def _violation_rule(profile: Profile) -> RecordRule:
    floor = SEVERITIES.index(str(profile.value("screening.violation_min_severity")))
    window = int(profile.value("screening.violation_window_years"))
    return RecordRule(
        frozenset(SEVERITIES[floor:]), window_years=window or None, rectification_clears=True
    )


def check_violations(
    parcels: pd.DataFrame,
    *,
    compliance: pd.DataFrame | None,
    pairs: pd.DataFrame | None,
    profile: Profile,
    as_of: dt.date | str | None = None,
) -> pd.Series:
    """Violations (违法违规) on the plot that still stand at ``as_of``.

    Categories 安全、环保、质量、能耗、消防、税收 [001 三(一)1] and 违法用地、违法建设、无照经营
    [002 三(一)2]: 「存在…各类违法违规问题的企业用地」 go on the 治理清单. A record with a
    ``parcel_id`` counts on that plot; one with only a ``uscc`` counts on every plot of that
    enterprise (via ``pairs``). Whether one record counts is :func:`landgov.core.records.judge`:
    severity at least ``screening.violation_min_severity`` (一般 < 较大 < 重大; an unrecorded
    severity counts when every severity does), recorded on or before ``as_of``, within
    ``screening.violation_window_years`` (0: no window), and not rectified (整改) on or before
    ``as_of``. A record whose rectification is unknown makes the plot 待核实 unless another
    record already puts it on the list.

    Without a compliance table every plot is 待核实: no record table is not "no violation".

    Returns
    -------
    pandas.Series
        Verdicts named ``violation``; ``values["records"]`` is a tuple of (category, severity)
        of the records that count.
    """
    key = "screening.violation_categories"
    citation = profile.citation(key)
    if compliance is None:
        return _unknown_all(
            parcels.index,
            Check.VIOLATION,
            "未提供违法违规记录表，无法判定（不按无违法违规记录处理）",
            citation,
            "违法违规记录表 compliance（uscc、parcel_id、category、severity、record_date、"
            "rectified 整改情况、rectified_date 整改完成日期）",
        )
    known = set(profile.value(key))
    rule = _violation_rule(profile)
    day = (_as_timestamp(dt.date.today() if as_of is None else as_of)).date()
    records = _attach_records(parcels, compliance, _usccs_by_parcel(parcels, pairs))
    out = [
        _violation_verdict([judge(r, rule=rule, as_of=day) for r in records[idx]], known, citation)
        for idx in parcels.index
    ]
    return _series(out, parcels.index, Check.VIOLATION.value)


def _violation_verdict(judged: list[Judgement], known: set[str], citation: Citation) -> Verdict:
    c = Check.VIOLATION
    counted = [j.record for j in judged if j.standing is Standing.COUNTS]
    unknown = [j for j in judged if j.standing is Standing.UNKNOWN]
    cleared = sum(j.standing is Standing.CLEARED for j in judged)
    pairs = tuple((r.category or "未注明", r.severity or "未注明") for r in counted)
    values: dict[str, Any] = {"records": pairs, "n_records": len(counted), "n_cleared": cleared}
    if counted:
        ranked = [s for _, s in pairs if s in SEVERITIES]
        values["worst_severity"] = max(ranked, key=SEVERITIES.index) if ranked else "未注明"
        reason = f"有未整改的违法违规记录 {len(counted)} 条：{'、'.join(map(describe, counted))}"
        other = sorted({cat for cat, _ in pairs} - known)
        if other:
            reason += f"；类别 {'、'.join(other)} 不在配置的类别中，仍计入"
        return _verdict(c, Status.FAIL, reason, citation, values=values)
    if unknown:
        items = "、".join(describe(j.record) for j in unknown)
        missing = list(dict.fromkeys(m for j in unknown for m in j.missing))
        reason = f"有违法违规记录 {len(unknown)} 条无法确定基准日是否仍存在：{items}"
        return _verdict(c, Status.UNKNOWN, reason, citation, values=values, missing=missing)
    reason = "无违法违规记录"
    if judged:
        reason = f"无基准日仍存在的违法违规记录（{len(judged)} 条记录已整改、超出时限或不计入）"
    return _verdict(c, Status.PASS, reason, citation, values=values)


# --------------------------------------------------------------------------------------------
# 3. 两高


def _two_high_one(
    u: str, table: _Firms, split: int, new: float, old: float
) -> tuple[bool | None, str, list[str]]:
    """(is 两高?, description, missing) for one enterprise."""
    if u not in table:
        return None, "", [f"企业表中没有该宗地关联企业 {u}"]
    energy, year = table.get(u, "energy_tce"), table.get(u, "built_year")
    if energy is None:
        return None, "", [f"企业表字段 energy_tce（综合能耗，{u}）"]
    energy = float(energy)
    if year is None:
        if energy < min(new, old) - _EPS:
            return False, "", []
        if energy >= max(new, old) - _EPS:
            return True, f"{u} 年综合能耗 {format_number(energy)} 吨标准煤", []
        return None, "", [f"企业表字段 built_year（投产年份，{u}）"]
    since = int(float(year)) >= split
    limit = new if since else old
    when = f"{split}年以来建设" if since else f"{split}年以前建设"
    energy_text, limit_text = format_number(energy), format_number(limit)
    text = f"{u}（{int(float(year))}年，{when}）年综合能耗 {energy_text} 吨标准煤 ≥ {limit_text}"
    return energy >= limit - _EPS, text, []


def check_two_high(
    parcels: pd.DataFrame,
    *,
    enterprises: pd.DataFrame | None,
    pairs: pd.DataFrame | None,
    profile: Profile,
) -> pd.Series:
    """“两高” projects: 年综合能耗 ≥ 1000 tce built since 2018, ≥ 5000 tce before [001 三(二)2].

    An enterprise on the plot is a 两高 project when ``energy_tce`` ≥
    ``screening.two_high_energy_new_tce`` and ``built_year`` ≥ ``two_high_split_year``, or
    ``energy_tce`` ≥ ``two_high_energy_old_tce`` and it was built earlier (both “以上（含）”).
    The seed asks for such projects to be assessed one by one; this check finds them.

    Returns
    -------
    pandas.Series
        Verdicts named ``two_high``.
    """
    split = int(profile.value("screening.two_high_split_year"))
    new = float(profile.value("screening.two_high_energy_new_tce"))
    old = float(profile.value("screening.two_high_energy_old_tce"))
    citation = profile.citation("screening.two_high_energy_new_tce")
    table = _Firms(enterprises)
    links = _usccs_by_parcel(parcels, pairs)
    c = Check.TWO_HIGH
    out = []
    for usccs in links.tolist():
        results = [_two_high_one(u, table, split, new, old) for u in usccs]
        hits = [text for flag, text, _ in results if flag]
        missing = [m for flag, _, ms in results if flag is None for m in ms]
        values = {"two_high_usccs": tuple(u for u, r in zip(usccs, results, strict=True) if r[0])}
        if hits:
            reason = "属“两高”项目排查范围：" + "；".join(hits) + "（需逐一评估）"
            out.append(_verdict(c, Status.FAIL, reason, citation, values=values))
        elif not usccs:
            out.append(
                _verdict(
                    c, Status.UNKNOWN, "无关联企业", citation, values=values, missing=[_NO_LINK]
                )
            )
        elif missing:
            out.append(
                _verdict(
                    c,
                    Status.UNKNOWN,
                    "能耗或投产年份缺失",
                    citation,
                    values=values,
                    missing=missing,
                )
            )
        else:
            reason = "关联企业均未达到“两高”能耗门槛"
            out.append(_verdict(c, Status.PASS, reason, citation, values=values))
    return _series(out, parcels.index, c.value)


# --------------------------------------------------------------------------------------------
# 9. 产业结构调整指导目录


def check_catalogue(
    parcels: pd.DataFrame,
    *,
    enterprises: pd.DataFrame | None,
    pairs: pd.DataFrame | None,
    profile: Profile,
) -> pd.Series:
    """An enterprise on the plot in a flagged 产业结构调整指导目录 class (default 淘汰类).

    Classes come from the enterprises' ``catalogue_class``; record which edition of the
    catalogue the data used (2019, replaced by 2024 from 2024-02-01).

    Returns
    -------
    pandas.Series
        Verdicts named ``catalogue``; ``values["classes"]`` is a tuple of (uscc, class or None).
    """
    key = "screening.catalogue_flag_classes"
    flagged = set(profile.value(key))
    citation = profile.citation(key)
    table = _Firms(enterprises)
    links = _usccs_by_parcel(parcels, pairs)
    c = Check.CATALOGUE
    out = []
    for usccs in links.tolist():
        classes = tuple((u, table.get(u, "catalogue_class")) for u in usccs)
        values = {"classes": classes}
        hits = [f"{u}（{cls}）" for u, cls in classes if cls in flagged]
        unknown = [u for u, cls in classes if cls is None]
        if hits:
            reason = "企业属产业结构调整指导目录限制/淘汰类别：" + "、".join(hits)
            out.append(_verdict(c, Status.FAIL, reason, citation, values=values))
        elif not usccs:
            out.append(
                _verdict(
                    c, Status.UNKNOWN, "无关联企业", citation, values=values, missing=[_NO_LINK]
                )
            )
        elif unknown:
            missing = [f"企业表字段 catalogue_class（产业目录类别，{u}）" for u in unknown]
            out.append(
                _verdict(
                    c, Status.UNKNOWN, "产业目录类别缺失", citation, values=values, missing=missing
                )
            )
        else:
            reason = "关联企业均不属 " + "、".join(sorted(flagged))
            out.append(_verdict(c, Status.PASS, reason, citation, values=values))
    return _series(out, parcels.index, c.value)
