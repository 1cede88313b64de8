"""Checks on the use of the land itself: idle (供而未用) and under-used (用而未尽) plots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.missing import format_number, is_missing, numeric_column
from landgov.policy import Profile
from landgov.screening._common import (
    Check,
    _as_timestamp,
    _below,
    _col,
    _dates,
    _Firms,
    _series,
    _verdict,
)
from landgov.verdict import Citation, Status, Verdict

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
    raster: :func:`landgov.far.raster.built_cover`) of at least ``screening.idle_built_cover_min``;
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
    ``screening.under_used_far_default``. 容积率 is ``far`` (from :mod:`landgov.far.ratio`), else
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
