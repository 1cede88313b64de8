"""Screening: per-plot checks, the 底数清单 and the 治理清单 (DOMAIN.md §4).

Every check is one public function returning a :class:`~landgov.verdict.Verdict` per parcel (a
Series aligned with the input index): 符合 when no problem is found, 不符合 when one is, 待核实 when
an input is missing — with the missing layer or field named, never a silent pass.

- ``low_efficiency`` — 亩均税收 below ``screening.low_efficiency_tax_per_mu`` [001 二; 三(一)1],
  for 规上 firms and 规下 firms from ``small_firm_min_land_mu`` 亩 [001 三(二)1; 002 三(二)1];
- ``violation`` — a 安全/环保/质量/能耗/消防/税收 [001 三(一)1] or 违法用地/违法建设/无照经营
  [002 三(一)2] record on the plot;
- ``two_high`` — ≥ 1000 tce/yr built since 2018, ≥ 5000 tce/yr before [001 三(二)2];
- ``idle`` (供而未用) — not started a full year after the contracted date *(ext: 闲置土地处置办法
  2012)* [004 二(一)1];
- ``under_used`` (用而未尽) — 容积率 below the industry floor [004 二(一)1];
- ``planning`` / ``control_line`` — planned use no longer industrial, or outside the 工业用地控制线,
  on a share of the area [000 19];
- ``demolition`` — inside a recent demolition plan [000 附件3 三.1];
- ``catalogue`` — an enterprise in a flagged class of 产业结构调整指导目录 (淘汰类).

:func:`screen` runs them all, puts a plot on the 治理清单 when one of the profile's
``screening.governance_triggers`` fails, finds 连片 blocks among those plots
(:mod:`landgov.blocks`) and gives each a 四个一批 path (:mod:`landgov.paths`).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.blocks import find_blocks, path_counts
from landgov.core.dates import parse_as_of
from landgov.core.landuse import industrial_matcher
from landgov.core.missing import format_number, is_missing, numeric_column, parse_yes_no
from landgov.core.overlay import DemolitionRule, coverage, demolition_overlay
from landgov.core.problems import ProblemLog, Severity
from landgov.core.vocab import SEVERITIES, ScreeningStatus
from landgov.errors import InputError, Issue
from landgov.paths import CHECK_NAMES, PATH_COLUMNS, assign_paths, rule_table
from landgov.policy import Profile
from landgov.units import m2_to_mu
from landgov.verdict import Citation, Status, Verdict

__all__ = [
    "CHECK_LABELS",
    "Check",
    "ScreeningResult",
    "ScreeningStatus",
    "check_catalogue",
    "check_control_line",
    "check_demolition",
    "check_idle",
    "check_low_efficiency",
    "check_planning",
    "check_two_high",
    "check_under_used",
    "check_violations",
    "screen",
]


class Check(enum.StrEnum):
    """The screening checks; values are the names used in rule terms and verdict columns."""

    LOW_EFFICIENCY = "low_efficiency"
    VIOLATION = "violation"
    TWO_HIGH = "two_high"
    IDLE = "idle"
    UNDER_USED = "under_used"
    PLANNING = "planning"
    CONTROL_LINE = "control_line"
    DEMOLITION = "demolition"
    CATALOGUE = "catalogue"


assert tuple(c.value for c in Check) == CHECK_NAMES

CHECK_LABELS: Mapping[Check, str] = {
    Check.LOW_EFFICIENCY: "低效用地",
    Check.VIOLATION: "违法违规",
    Check.TWO_HIGH: "“两高”项目",
    Check.IDLE: "供而未用（闲置）",
    Check.UNDER_USED: "用而未尽（容积率低）",
    Check.PLANNING: "规划已非工业",
    Check.CONTROL_LINE: "工业用地控制线外",
    Check.DEMOLITION: "拆迁计划内",
    Check.CATALOGUE: "产业目录限制/淘汰",
}


_EPS = 1e-9

# --------------------------------------------------------------------------------------------
# small shared steps


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column, or an all-missing Series when the frame lacks it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(np.nan, index=frame.index, dtype="float64", name=name)


def _dates(frame: pd.DataFrame, name: str) -> pd.Series:
    values = _col(frame, name)
    return pd.to_datetime(values, errors="coerce", format="mixed")


def _as_timestamp(as_of: dt.date | str | pd.Timestamp) -> pd.Timestamp:
    if isinstance(as_of, pd.Timestamp):
        if pd.isna(as_of):
            raise InputError(
                [Issue("screen", "as_of", as_of, "评价基准日无法识别", "给出日期，如 2024-12-31")]
            )
        return as_of.normalize()
    return pd.Timestamp(parse_as_of(as_of))


def _below(value: float, threshold: float) -> bool:
    """``value < threshold``, treating values within floating noise of the threshold as equal."""
    return value < threshold and not math.isclose(value, threshold, rel_tol=_EPS, abs_tol=_EPS)


def _series(verdicts: Sequence[Verdict], index: pd.Index, name: str) -> pd.Series:
    return pd.Series(list(verdicts), index=index, dtype="object", name=name)


def _area_mu(parcels: pd.DataFrame) -> pd.Series:
    area_mu = numeric_column(parcels, "area_mu")
    if area_mu.isna().any():
        area_m2 = numeric_column(parcels, "area_m2")
        if isinstance(parcels, gpd.GeoDataFrame):
            area_m2 = area_m2.fillna(pd.Series(parcels.geometry.area, index=parcels.index))
        area_mu = area_mu.fillna(m2_to_mu(area_m2))
    return area_mu


def _usccs_by_parcel(parcels: pd.DataFrame, pairs: pd.DataFrame | None) -> pd.Series:
    """The enterprises on each plot (tuple of USCCs), from the pairs table.

    Without a pairs table the parcels' own ``usccs`` ("；"-joined) or ``main_uscc`` is used.
    """
    if pairs is not None and {"parcel_id", "uscc"} <= set(pairs.columns):
        clean = pairs[["parcel_id", "uscc"]].dropna().drop_duplicates()
        grouped: dict[Any, tuple[str, ...]] = {}
        for pid, uscc in zip(clean["parcel_id"], clean["uscc"], strict=True):
            grouped[pid] = (*grouped.get(pid, ()), uscc)
        pids = _col(parcels, "parcel_id").to_numpy(dtype=object)
        return pd.Series([grouped.get(p, ()) for p in pids], index=parcels.index, dtype="object")
    joined = _col(parcels, "usccs").where(lambda s: s.notna(), _col(parcels, "main_uscc"))
    return joined.apply(
        lambda v: () if is_missing(v) else tuple(u.strip() for u in str(v).split("；") if u.strip())
    )


_FIRM_FIELDS = (
    "above_scale",
    "land_mu",
    "energy_tce",
    "built_year",
    "industry_code",
    "catalogue_class",
)


class _Firms:
    """Enterprise attributes by USCC (first row wins), with missing values as ``None``."""

    def __init__(self, enterprises: pd.DataFrame | None) -> None:
        if enterprises is None or "uscc" not in enterprises.columns:
            self._rows: dict[Any, dict[str, Any]] = {}
            return
        cols = ["uscc", *(c for c in _FIRM_FIELDS if c in enterprises.columns)]
        unique = enterprises[cols].dropna(subset=["uscc"]).drop_duplicates("uscc")
        self._rows = unique.set_index("uscc").to_dict("index")

    def __contains__(self, uscc: object) -> bool:
        return uscc in self._rows

    @property
    def index(self) -> set[Any]:
        return set(self._rows)

    def get(self, uscc: Any, name: str) -> Any:
        value = self._rows.get(uscc, {}).get(name)
        return None if is_missing(value) else value


def _verdict(
    check: Check,
    status: Status,
    reason: str,
    citation: Citation,
    *,
    values: Mapping[str, Any] | None = None,
    missing: Iterable[str] = (),
) -> Verdict:
    return Verdict(
        rule_id=f"screening.{check.value}",
        status=status,
        reason=reason,
        citation=citation,
        values=dict(values or {}),
        missing=tuple(dict.fromkeys(missing)),
    )


def _unknown_all(
    index: pd.Index, check: Check, reason: str, citation: Citation, missing: str
) -> pd.Series:
    verdict = _verdict(check, Status.UNKNOWN, reason, citation, values={}, missing=(missing,))
    return _series([verdict] * len(index), index, check.value)


_NO_LINK = "地企关联表 pairs（该宗地没有关联企业）"


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
    parcels: pd.DataFrame,
    compliance: pd.DataFrame,
    links: pd.Series,
    as_of: pd.Timestamp | None,
) -> dict[Any, list[tuple[str, str]]]:
    """(category, severity) records per parcel index: by parcel_id, else by the firm's plots."""
    recs = compliance.copy()
    if as_of is not None and "record_date" in recs.columns:
        when = _dates(recs, "record_date")
        recs = recs[when.isna() | (when <= as_of)]
    by_pid: dict[Any, list[tuple[str, str]]] = {}
    by_uscc: dict[Any, list[tuple[str, str]]] = {}
    pid = _col(recs, "parcel_id")
    uscc = _col(recs, "uscc")
    cats = _col(recs, "category").astype("object")
    sevs = _col(recs, "severity").astype("object")
    for p, u, cat, sev in zip(pid, uscc, cats, sevs, strict=True):
        rec = ("未注明" if is_missing(cat) else str(cat), "未注明" if is_missing(sev) else str(sev))
        if not is_missing(p):
            by_pid.setdefault(p, []).append(rec)
        elif not is_missing(u):
            by_uscc.setdefault(u, []).append(rec)
    out: dict[Any, list[tuple[str, str]]] = {}
    pids = _col(parcels, "parcel_id").tolist()
    for idx, p, usccs in zip(parcels.index, pids, links.tolist(), strict=True):
        found = list(by_pid.get(p, []))
        for u in usccs:
            found += by_uscc.get(u, [])
        out[idx] = found
    return out


def check_violations(
    parcels: pd.DataFrame,
    *,
    compliance: pd.DataFrame | None,
    pairs: pd.DataFrame | None,
    profile: Profile,
    as_of: dt.date | str | None = None,
) -> pd.Series:
    """Violations (违法违规) recorded on the plot, by category and severity.

    Categories 安全、环保、质量、能耗、消防、税收 [001 三(一)1] and 违法用地、违法建设、无照经营
    [002 三(一)2]. A record with a ``parcel_id`` counts on that plot; one with only a ``uscc``
    counts on every plot of that enterprise (via ``pairs``). Records dated after ``as_of`` are
    ignored. A record counts when its severity is at least ``screening.violation_min_severity``
    (一般 < 较大 < 重大; an unrecorded severity counts, and is said so).

    Without a compliance table every plot is 待核实: no record table is not "no violation".

    Returns
    -------
    pandas.Series
        Verdicts named ``violation``; ``values["records"]`` is a tuple of (category, severity).
    """
    key = "screening.violation_categories"
    citation = profile.citation(key)
    if compliance is None:
        return _unknown_all(
            parcels.index,
            Check.VIOLATION,
            "未提供违法违规记录表，无法判定",
            citation,
            "违法违规记录表 compliance（uscc、parcel_id、category、severity、record_date）",
        )
    known = set(profile.value(key))
    floor = SEVERITIES.index(str(profile.value("screening.violation_min_severity")))
    when = None if as_of is None else _as_timestamp(as_of)
    records = _attach_records(parcels, compliance, _usccs_by_parcel(parcels, pairs), when)
    out = []
    for idx in parcels.index:
        counted = [
            (cat, sev)
            for cat, sev in records[idx]
            if sev not in SEVERITIES or SEVERITIES.index(sev) >= floor
        ]
        out.append(_violation_verdict(counted, known, citation))
    return _series(out, parcels.index, Check.VIOLATION.value)


def _violation_verdict(
    counted: list[tuple[str, str]], known: set[str], citation: Citation
) -> Verdict:
    c = Check.VIOLATION
    if not counted:
        return _verdict(c, Status.PASS, "无违法违规记录", citation, values={"records": ()})
    ranked = [s for _, s in counted if s in SEVERITIES]
    worst = max(ranked, key=SEVERITIES.index) if ranked else "未注明"
    parts = [f"{cat}（{sev}）" for cat, sev in counted]
    other = sorted({cat for cat, _ in counted} - known)
    reason = f"有违法违规记录 {len(counted)} 条：{'、'.join(parts)}"
    if other:
        reason += f"；类别 {'、'.join(other)} 不在配置的类别中，仍计入"
    values = {"records": tuple(counted), "n_records": len(counted), "worst_severity": worst}
    return _verdict(c, Status.FAIL, reason, citation, values=values)


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
# 4. idle land (供而未用)


def _full_years(start: pd.Series, end: pd.Timestamp) -> pd.Series:
    """Completed calendar years from ``start`` to ``end`` (negative before ``start``)."""
    years = end.year - start.dt.year
    before = (end.month < start.dt.month) | (
        (end.month == start.dt.month) & (end.day < start.dt.day)
    )
    return (years - before.astype("int64")).astype("Int64")


def _full_months(start: pd.Series, end: pd.Timestamp) -> pd.Series:
    months = (end.year - start.dt.year) * 12 + (end.month - start.dt.month)
    return (months - (end.day < start.dt.day).astype("int64")).astype("Int64")


def check_idle(parcels: pd.DataFrame, *, profile: Profile, as_of: dt.date | str) -> pd.Series:
    """Idle land (供而未用): not started a full year after the contracted start date.

    A plot is started when it has a ``start_date`` or ``completion_date`` on or before
    ``as_of``, a floor area above 0, or a ``built_cover`` (share of the plot built up, from a
    raster: :func:`landgov.raster.built_cover`) of at least ``screening.idle_built_cover_min``;
    it is known not to be started when those dates are empty and either ``floor_area_m2`` is 0
    or the raster shows nothing built. Idle when not started and
    ``idle_years = full years(contract_start_date → as_of)`` ≥ ``screening.idle_years``; after
    ``screening.idle_recovery_years`` the land may be taken back without compensation
    *(ext: 闲置土地处置办法 2012, 第二条、第十四条)* [004 二(一)1 供而未用].

    Returns
    -------
    pandas.Series
        Verdicts named ``idle``; ``values`` hold ``idle_years`` (full years, 0 when started),
        ``idle_months`` and ``recoverable``.
    """
    when = _as_timestamp(as_of)
    limit = int(profile.value("screening.idle_years"))
    recover = int(profile.value("screening.idle_recovery_years"))
    citation = profile.citation("screening.idle_years")
    contract = _dates(parcels, "contract_start_date")
    start, done = _dates(parcels, "start_date"), _dates(parcels, "completion_date")
    floor = numeric_column(parcels, "floor_area_m2")
    cover = numeric_column(parcels, "built_cover")  # NaN everywhere when no raster was given
    min_cover = float(profile.value("screening.idle_built_cover_min", 0.05))
    built = (floor > 0) | (cover >= min_cover)
    bare = (floor == 0) | (cover < min_cover)
    started = ((start <= when) | (done <= when) | built).fillna(False)
    not_started = ~started & (start.isna() | (start > when)) & (done.isna() | (done > when)) & bare
    years, months = _full_years(contract, when), _full_months(contract, when)
    out = []
    rows = zip(
        started.tolist(),
        not_started.tolist(),
        years.tolist(),
        months.tolist(),
        contract.tolist(),
        strict=True,
    )
    for is_started, is_not, y, m, day in rows:
        state = True if is_started else (False if is_not else None)
        out.append(
            _idle_verdict(
                state,
                y,
                m,
                contract=day,
                limit=limit,
                recover=recover,
                citation=citation,
            )
        )
    return _series(out, parcels.index, Check.IDLE.value)


def _idle_verdict(
    started: bool | None,
    years: Any,
    months: Any,
    *,
    contract: pd.Timestamp,
    limit: int,
    recover: int,
    citation: Citation,
) -> Verdict:
    c = Check.IDLE
    if started:
        return _verdict(c, Status.PASS, "已动工或已有建筑", citation, values={"idle_years": 0})
    need_start = "宗地字段 start_date（实际开工日期）或 floor_area_m2（建筑面积）"
    if is_missing(years):
        missing = ["宗地字段 contract_start_date（约定开工日期）"]
        missing += [need_start] if started is None else []
        return _verdict(
            c,
            Status.UNKNOWN,
            "约定开工日期缺失，无法判定是否闲置",
            citation,
            values={},
            missing=missing,
        )
    y, m = int(years), int(months)
    day = contract.date().isoformat()
    values = {"idle_years": max(y, 0), "idle_months": max(m, 0), "contract_start_date": day}
    if y < limit:
        reason = f"约定开工日期 {day}，至基准日未满{limit}年（{max(m, 0)}个月）"
        return _verdict(c, Status.PASS, reason, citation, values=values)
    if started is None:
        reason = f"约定开工日期 {day} 已过{y}年，是否动工不明"
        return _verdict(c, Status.UNKNOWN, reason, citation, values=values, missing=[need_start])
    values["recoverable"] = y >= recover
    reason = f"超过约定开工日期 {day} 满{y}年（{m}个月）未动工，属闲置土地"
    if y >= recover:
        reason += f"；已满{recover}年，可无偿收回"
    return _verdict(c, Status.FAIL, reason, citation, values=values)


# --------------------------------------------------------------------------------------------
# 5. under-used land (用而未尽)


def _division(code: Any) -> int | None:
    """Two-digit GB/T 4754 division of an industry code ("C3311", "3311", 33 → 33)."""
    if is_missing(code):
        return None
    text = str(code).strip().upper().lstrip("ABCDEFGHIJKLMNOPQRST")
    digits = text.split(".")[0]
    return int(digits[:2]) if len(digits) >= 2 and digits[:2].isdigit() else None


def _floor_table(profile: Profile) -> dict[int, float]:
    """Per-division 容积率 floors from ``far.national_floors`` (keys "13", "13-16", "13,14")."""
    raw = profile.value("far.national_floors", None)
    table: dict[int, float] = {}
    if not isinstance(raw, Mapping):
        return table
    for key, value in raw.items():
        number = value.get("value") if isinstance(value, Mapping) else value
        try:
            floor = float(number)
        except (TypeError, ValueError):
            continue
        for part in str(key).replace("，", ",").split(","):
            lo, _, hi = part.strip().partition("-")
            if lo.isdigit() and (not hi or hi.isdigit()):
                for d in range(int(lo), int(hi or lo) + 1):
                    table[d] = floor
    return table


def _far_values(parcels: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """容积率 per plot and where it came from: ``far``, floor area / land area, ``far_declared``."""
    far = numeric_column(parcels, "far")
    source = pd.Series(np.where(far.notna(), "far", ""), index=parcels.index, dtype="object")
    area = numeric_column(parcels, "area_m2")
    if isinstance(parcels, gpd.GeoDataFrame):
        area = area.fillna(pd.Series(parcels.geometry.area, index=parcels.index))
    computed = numeric_column(parcels, "floor_area_m2") / area.replace(0.0, np.nan)
    source = source.mask((source == "") & computed.notna(), "建筑面积/用地面积")
    far = far.fillna(computed)
    declared = numeric_column(parcels, "far_declared")
    source = source.mask((source == "") & declared.notna(), "far_declared")
    return far.fillna(declared), source


def check_under_used(
    parcels: pd.DataFrame,
    *,
    enterprises: pd.DataFrame | None,
    profile: Profile,
) -> pd.Series:
    """Under-used land (用而未尽) [004 二(一)1]: 容积率 below the floor.

    The floor is the national floor of the main enterprise's GB/T 4754 division
    (``far.national_floors``, *ext: 工业项目建设用地控制指标 2008*) when known, else
    ``screening.under_used_far_default``. 容积率 is ``far`` (from :mod:`landgov.far`), else
    ``floor_area_m2 / area_m2``, else ``far_declared``.

    Returns
    -------
    pandas.Series
        Verdicts named ``under_used``; ``values`` hold ``far``, ``floor``, ``division``.
    """
    default = float(profile.value("screening.under_used_far_default"))
    default_cit = profile.citation("screening.under_used_far_default")
    floors = _floor_table(profile)
    floor_cit = profile.citation("far.national_floors") if floors else default_cit
    far, source = _far_values(parcels)
    table = _Firms(enterprises)
    main = _col(parcels, "main_uscc")
    c = Check.UNDER_USED
    out = []
    rows = zip(main.tolist(), far.tolist(), source.tolist(), strict=True)
    for firm, value, origin in rows:
        div = None if is_missing(firm) else _division(table.get(firm, "industry_code"))
        floor, cit = (floors[div], floor_cit) if div in floors else (default, default_cit)
        basis = f"行业大类 {div:02d} 下限" if div in floors else "默认下限（行业不明或无国家指标）"
        values = {
            "far": None if is_missing(value) else float(value),
            "floor": floor,
            "division": div,
        }
        if is_missing(value):
            missing = ["宗地字段 floor_area_m2（建筑面积）、far 或 far_declared（容积率）"]
            out.append(
                _verdict(c, Status.UNKNOWN, "容积率缺失", cit, values=values, missing=missing)
            )
        elif _below(float(value), floor):
            reason = f"容积率 {format_number(value)}（{origin}）低于{basis} {format_number(floor)}"
            out.append(_verdict(c, Status.FAIL, reason, cit, values=values))
        else:
            reason = f"容积率 {format_number(value)} 不低于{basis} {format_number(floor)}"
            out.append(_verdict(c, Status.PASS, reason, cit, values=values))
    return _series(out, parcels.index, c.value)


# --------------------------------------------------------------------------------------------
# 6–8. overlays: planning, control line, demolition


def _need_geo(parcels: pd.DataFrame) -> gpd.GeoDataFrame:
    if not isinstance(parcels, gpd.GeoDataFrame):
        raise InputError(
            [
                Issue(
                    "parcels",
                    "geometry",
                    type(parcels).__name__,
                    "需要带图形的宗地图层",
                    "传入 GeoDataFrame",
                )
            ]
        )
    return parcels


def check_planning(
    parcels: gpd.GeoDataFrame,
    *,
    planning: gpd.GeoDataFrame | None,
    profile: Profile,
) -> pd.Series:
    """Planned use no longer industrial (规划已非工业) — overlay with the planning layer.

    A plot fails when the share of its area planned for a non-industrial use (``planned_use``
    not industrial by :mod:`landgov.core.landuse`: exact names/codes, never substrings) is at least
    ``screening.planning_nonindustrial_share``; such land changes use only with “改一补一”
    [000 19]. When the layer leaves enough of the plot uncovered (or without a planned use) that
    the answer could change, the plot is 待核实.

    Returns
    -------
    pandas.Series
        Verdicts named ``planning``; ``values`` hold the shares.
    """
    key = "screening.planning_nonindustrial_share"
    citation = profile.citation(key)
    c = Check.PLANNING
    if planning is None or "planned_use" not in planning.columns:
        what = (
            "规划用途图层 planning" if planning is None else "规划图层字段 planned_use（规划用途）"
        )
        return _unknown_all(parcels.index, c, "未提供规划用途，无法判定", citation, what)
    limit = float(profile.value(key))
    industrial = industrial_matcher(profile).match_series(planning["planned_use"])
    classes = industrial.map({True: "industrial", False: "other"}).fillna("unknown")
    shares = coverage(_need_geo(parcels), planning, classes=classes)
    return _share_verdicts(
        shares,
        "other",
        limit=limit,
        check=c,
        citation=citation,
        what="规划为非工业用途",
        gap="规划用途图层未覆盖或无规划用途",
    )


def _share_verdicts(
    shares: pd.DataFrame,
    bad: str,
    *,
    limit: float,
    check: Check,
    citation: Citation,
    what: str,
    gap: str,
) -> pd.Series:
    bad_share = shares[bad] if bad in shares else pd.Series(0.0, index=shares.index)
    unknown = (1.0 - shares["covered"]).clip(lower=0.0)
    if "unknown" in shares:
        unknown = unknown + shares["unknown"]
    out = []
    for b, u in zip(bad_share.tolist(), unknown.tolist(), strict=True):
        values = {"share": round(b, 4), "unknown_share": round(u, 4), "threshold": limit}
        text = f"{what}的面积占 {b:.0%}"
        if b >= limit - _EPS:
            out.append(
                _verdict(check, Status.FAIL, f"{text}，达到 {limit:.0%}", citation, values=values)
            )
        elif b + u >= limit - _EPS and u > _EPS:
            missing = [f"{gap}的部分占宗地面积 {u:.0%}"]
            out.append(
                _verdict(
                    check,
                    Status.UNKNOWN,
                    f"{text}，其余不明",
                    citation,
                    values=values,
                    missing=missing,
                )
            )
        else:
            out.append(
                _verdict(check, Status.PASS, f"{text}，低于 {limit:.0%}", citation, values=values)
            )
    return _series(out, shares.index, check.value)


_INSIDE = frozenset({"内", "控制线内"})
_OUTSIDE = frozenset({"外", "控制线外"})


def _inside_line(v: Any) -> bool | None:
    """``inside_control_line`` as a bool; blank (「无」 included) is unknown, never outside."""
    return None if is_missing(v) else parse_yes_no(v, yes=_INSIDE, no=_OUTSIDE)


def check_control_line(
    parcels: gpd.GeoDataFrame,
    *,
    planning: gpd.GeoDataFrame | None,
    profile: Profile,
) -> pd.Series:
    """Outside the 工业用地控制线 [000 19]: planning polygons with ``inside_control_line`` false.

    A plot fails when at least ``screening.control_line_outside_share`` of its area lies in
    planning polygons marked outside the line; 待核实 when the layer or the field is missing or
    the uncovered part could change the answer.

    Returns
    -------
    pandas.Series
        Verdicts named ``control_line``.
    """
    key = "screening.control_line_outside_share"
    citation = profile.citation(key)
    c = Check.CONTROL_LINE
    if planning is None or "inside_control_line" not in planning.columns:
        what = (
            "规划用途图层 planning（含 inside_control_line 字段）"
            if planning is None
            else "规划图层字段 inside_control_line（是否在工业用地控制线内）"
        )
        return _unknown_all(parcels.index, c, "未提供工业用地控制线，无法判定", citation, what)
    inside = planning["inside_control_line"].map(_inside_line)
    classes = inside.map({True: "inside", False: "outside"}).fillna("unknown")
    shares = coverage(_need_geo(parcels), planning, classes=classes)
    limit = float(profile.value(key))
    return _share_verdicts(
        shares,
        "outside",
        limit=limit,
        check=c,
        citation=citation,
        what="位于工业用地控制线外",
        gap="规划图层未覆盖或控制线属性不明",
    )


def check_demolition(
    parcels: gpd.GeoDataFrame,
    *,
    demolition: gpd.GeoDataFrame | None,
    profile: Profile,
) -> pd.Series:
    """Inside a recent demolition plan (近年拆迁计划) [000 附件3 三.1] — overlay.

    The rule is :class:`landgov.core.overlay.DemolitionRule` (profile ``overlay.demolition_share``
    and ``overlay.demolition_comparison``), the same one the 增容 check applies. Without the layer
    every plot is 待核实.

    Returns
    -------
    pandas.Series
        Verdicts named ``demolition``; ``values`` hold ``share``, ``plans`` and ``threshold``.
    """
    rule = DemolitionRule.from_profile(profile)
    c = Check.DEMOLITION
    if demolition is None:
        return _unknown_all(
            parcels.index,
            c,
            "未提供拆迁计划图层，无法判定",
            rule.citation,
            "拆迁计划图层 demolition",
        )
    geo = _need_geo(parcels)
    found = demolition_overlay(geo, demolition, rule=rule)
    out = []
    for share, plans, inside in found[["share", "plans", "inside"]].itertuples(index=False):
        values = {"share": round(share, 4), "plans": plans, "threshold": rule.share}
        where = f"拆迁计划（{'、'.join(plans)}）" if plans else "拆迁计划"
        reason = f"位于{where}内的面积{rule.describe(share)}"
        status = Status.FAIL if inside else Status.PASS
        out.append(_verdict(c, status, reason, rule.citation, values=values))
    return _series(out, geo.index, c.value)


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


# --------------------------------------------------------------------------------------------
# the whole screening


@dataclass(frozen=True)
class ScreeningResult:
    """What :func:`screen` returns.

    Attributes
    ----------
    parcels
        The 底数清单: every input parcel exactly once, input index and columns kept, plus
        ``low_efficiency`` (boolean, NA when 待核实), ``idle_years``, ``flags`` (labels of the
        failed checks, "；"-joined), ``to_verify`` (missing inputs), ``screening_status``
        (治理/不列入/待核实), ``block_id``, ``block_large``, ``block_area_mu`` and, for 治理
        plots, the path columns of :func:`landgov.paths.assign_paths`.
    checks
        One :class:`Verdict` per parcel and check (columns = :class:`Check` values), plus
        ``path`` (the path decision, None off the 治理清单). Same index as ``parcels``.
    governance
        The 治理清单: the parcels with ``screening_status`` 治理.
    blocks
        连片 blocks of the 治理清单 plots (:func:`landgov.blocks.find_blocks`).
    problems
        Problems table (:data:`landgov.core.problems.PROBLEM_COLUMNS`): what could not be used.
    """

    parcels: gpd.GeoDataFrame
    checks: pd.DataFrame
    governance: gpd.GeoDataFrame
    blocks: gpd.GeoDataFrame
    problems: pd.DataFrame


def _run_checks(
    parcels: gpd.GeoDataFrame,
    *,
    enterprises: pd.DataFrame,
    pairs: pd.DataFrame | None,
    compliance: pd.DataFrame | None,
    planning: gpd.GeoDataFrame | None,
    demolition: gpd.GeoDataFrame | None,
    profile: Profile,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    ent = {"enterprises": enterprises, "pairs": pairs, "profile": profile}
    runs: dict[Check, Callable[[], pd.Series]] = {
        Check.LOW_EFFICIENCY: lambda: check_low_efficiency(parcels, **ent),
        Check.VIOLATION: lambda: check_violations(
            parcels, compliance=compliance, pairs=pairs, profile=profile, as_of=as_of
        ),
        Check.TWO_HIGH: lambda: check_two_high(parcels, **ent),
        Check.IDLE: lambda: check_idle(parcels, profile=profile, as_of=as_of),
        Check.UNDER_USED: lambda: check_under_used(
            parcels, enterprises=enterprises, profile=profile
        ),
        Check.PLANNING: lambda: check_planning(parcels, planning=planning, profile=profile),
        Check.CONTROL_LINE: lambda: check_control_line(parcels, planning=planning, profile=profile),
        Check.DEMOLITION: lambda: check_demolition(parcels, demolition=demolition, profile=profile),
        Check.CATALOGUE: lambda: check_catalogue(parcels, **ent),
    }
    return pd.DataFrame({c.value: run() for c, run in runs.items()}, index=parcels.index)


def _status_of(checks: pd.DataFrame, triggers: Sequence[str]) -> pd.Series:
    statuses = checks[list(triggers)].map(lambda v: v.status)
    failed = (statuses == Status.FAIL).any(axis=1)
    unknown = (statuses == Status.UNKNOWN).any(axis=1)
    out = np.where(
        failed,
        ScreeningStatus.GOVERN.value,
        np.where(unknown, ScreeningStatus.UNKNOWN.value, ScreeningStatus.EXCLUDED.value),
    )
    return pd.Series(out, index=checks.index, name="screening_status", dtype="object")


def _summary_columns(checks: pd.DataFrame, triggers: Sequence[str]) -> pd.DataFrame:
    def flags(row: pd.Series) -> str:
        return "；".join(CHECK_LABELS[Check(c)] for c, v in row.items() if v.status is Status.FAIL)

    def missing(row: pd.Series) -> str:
        items = (m for c, v in row.items() if c in triggers for m in v.missing)
        return "、".join(dict.fromkeys(items))

    low = checks[Check.LOW_EFFICIENCY.value].map(
        lambda v: pd.NA if v.status is Status.UNKNOWN else v.status is Status.FAIL
    )
    idle = checks[Check.IDLE.value].map(lambda v: v.values.get("idle_years", pd.NA))
    return pd.DataFrame(
        {
            "low_efficiency": low.astype("boolean"),
            "idle_years": idle.astype("Int64"),
            "flags": checks.apply(flags, axis=1).astype("object"),
            "to_verify": checks.apply(missing, axis=1).astype("object"),
        },
        index=checks.index,
    )


def _check_inputs(parcels: Any, profile: Profile) -> None:
    issues = []
    if not isinstance(parcels, gpd.GeoDataFrame):
        issues.append(
            Issue(
                "parcels",
                None,
                type(parcels).__name__,
                "需要宗地图层 GeoDataFrame",
                "用 landgov.io.read_parcels 读入",
            )
        )
    elif not parcels.index.is_unique:
        dup = parcels.index[parcels.index.duplicated()][:5].tolist()
        issues.append(
            Issue("parcels", "index", dup, "宗地索引重复", "先 reset_index()，保证每宗地一行")
        )
    elif parcels.crs is not None and not parcels.crs.is_projected:
        issues.append(
            Issue(
                "parcels",
                "crs",
                parcels.crs.to_string(),
                "坐标系不是投影坐标（米）",
                "转换为 CGCS2000 高斯-克吕格投影，如 EPSG:4549",
            )
        )
    triggers = profile.value("screening.governance_triggers")
    bad = [t for t in triggers if t not in CHECK_NAMES]
    if bad:
        issues.append(
            Issue(
                profile.name,
                "screening.governance_triggers",
                bad,
                "未知的检查",
                f"允许：{CHECK_NAMES}",
            )
        )
    if issues:
        raise InputError(issues)


def _problems(
    parcels: gpd.GeoDataFrame,
    enterprises: pd.DataFrame,
    pairs: pd.DataFrame | None,
    compliance: pd.DataFrame | None,
) -> pd.DataFrame:
    log = ProblemLog("screening")
    known = set(_Firms(enterprises).index)
    linked = {u for us in _usccs_by_parcel(parcels, pairs) for u in us}
    for u in sorted(linked - known):
        log.add(
            "地企关联中的企业不在企业表中",
            field="uscc",
            value=u,
            action="补充该企业的亩均数据，相关检查为待核实",
            severity=Severity.WARNING,
        )
    if compliance is not None:
        pids = set(_col(parcels, "parcel_id").dropna())
        for i, (p, u) in enumerate(
            zip(_col(compliance, "parcel_id"), _col(compliance, "uscc"), strict=True)
        ):
            if (is_missing(p) or p not in pids) and (is_missing(u) or u not in linked):
                log.add(
                    "违法违规记录无法对应到任何宗地",
                    row=i + 1,
                    field="parcel_id/uscc",
                    value=f"{p} / {u}",
                    action="补充宗地代码或统一社会信用代码",
                    severity=Severity.WARNING,
                )
    return log.frame()


def screen(
    parcels: gpd.GeoDataFrame,
    *,
    enterprises: pd.DataFrame,
    pairs: pd.DataFrame | None,
    compliance: pd.DataFrame | None = None,
    planning: gpd.GeoDataFrame | None = None,
    demolition: gpd.GeoDataFrame | None = None,
    profile: Profile,
    as_of: dt.date | str,
) -> ScreeningResult:
    """Screen every plot: the 底数清单, the 治理清单, 连片 blocks and 四个一批 paths.

    Steps: run every check (one verdict per plot and check); a plot whose trigger check
    (``screening.governance_triggers``) fails is 治理, else 待核实 when a trigger check lacked
    inputs, else 不列入; find 连片 blocks among the 治理 plots (``blocks.gap_m``,
    ``blocks.min_area_mu``); give each 治理 plot one path by the rule table ``paths.rules``.

    Parameters
    ----------
    parcels
        Linked and graded parcels (design.md stages 2–3), projected CRS in metres.
    enterprises
        Enterprises (``uscc``, ``above_scale``, ``land_mu``, ``energy_tce``, ``built_year``,
        ``catalogue_class``, ``industry_code`` …).
    pairs
        Land–enterprise pairs (``parcel_id``, ``uscc``, ``relation``).
    compliance
        Violation records; ``None`` makes the violation check 待核实 everywhere.
    planning
        Planning polygons (``planned_use``, optional ``inside_control_line``); ``None`` makes the
        planning and control-line checks 待核实.
    demolition
        Demolition plan polygons (``plan_name``); ``None`` makes that check 待核实.
    profile
        Policy profile (sections ``screening``, ``paths``, ``blocks``).
    as_of
        Reference date for idle land and for which violation records count.

    Returns
    -------
    ScreeningResult
        The input is not modified.
    """
    _check_inputs(parcels, profile)
    rules = rule_table(profile)  # fail fast on a bad rule table, before any work
    when = _as_timestamp(as_of)
    triggers = [str(t) for t in profile.value("screening.governance_triggers")]
    checks = _run_checks(
        parcels,
        enterprises=enterprises,
        pairs=pairs,
        compliance=compliance,
        planning=planning,
        demolition=demolition,
        profile=profile,
        as_of=when,
    )
    out = _inventory(parcels, checks, triggers)
    gov_mask = out["screening_status"] == ScreeningStatus.GOVERN.value
    block_id, blocks = find_blocks(
        out[gov_mask],
        gap_m=float(profile.value("blocks.gap_m")),
        min_area_mu=float(profile.value("blocks.min_area_mu")),
    )
    _add_block_columns(out, block_id, blocks)
    paths = assign_paths(out[gov_mask], checks=checks[gov_mask], profile=profile, rules=rules)
    for name in PATH_COLUMNS:
        out[name] = paths[name].reindex(out.index).astype("object")
    decided = paths["verdict"].reindex(checks.index).astype("object")
    checks = checks.assign(path=decided.where(decided.notna(), None))
    counts = path_counts(block_id, paths["path"])
    blocks = blocks.assign(paths=counts.reindex(blocks.index).fillna("").astype("object"))
    problems = _problems(parcels, enterprises, pairs, compliance)
    return ScreeningResult(out, checks, out[gov_mask].copy(), blocks, problems)


def _inventory(
    parcels: gpd.GeoDataFrame, checks: pd.DataFrame, triggers: Sequence[str]
) -> gpd.GeoDataFrame:
    """The 底数清单: a copy of the parcels with the screening columns added."""
    out = parcels.copy()
    if "area_mu" not in out.columns:
        out["area_mu"] = _area_mu(parcels)
    for name, column in _summary_columns(checks, triggers).items():
        out[name] = column
    out["screening_status"] = _status_of(checks, triggers)
    return out


def _add_block_columns(
    out: gpd.GeoDataFrame, block_id: pd.Series, blocks: gpd.GeoDataFrame
) -> None:
    ids = block_id.reindex(out.index).astype("object")
    out["block_id"] = ids
    large = blocks["large"] if len(blocks) else pd.Series(dtype="boolean")
    area = blocks["area_mu"] if len(blocks) else pd.Series(dtype="float64")
    out["block_large"] = ids.map(large).astype("boolean")
    out["block_area_mu"] = ids.map(area).astype("float64")
