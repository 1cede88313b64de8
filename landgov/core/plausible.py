"""Sanity bounds from the policy profile: implausible values are flagged, never used silently.

Readers parse what a cell says; this step, run once right after reading, asks whether the value
can be true. The bounds live in the profile section ``plausible`` (数据合理性, see
``landgov profiles show NAME``); each states its comparison:

- money (税收, 增加值, 营业收入, R&D, 投资): ``v < money_min_wan`` or ``v > money_max_wan``;
  a whole money column of a table with 用地面积 (the enterprise table) whose median of
  ``v ÷ land_mu`` over at least 3 rows is above ``money_per_mu_max_wan`` (figures in 元 under a
  header read as 万元: 300 万元 of tax typed as 3,000,000); a 税收, 工业增加值 or 营业收入
  column whose median per 亩 is below ``money_per_mu_min_wan`` (万元 under a 元 header);
- 综合能耗, 用电量, 排放量, 职工人数: ``v < 0`` or ``v > energy_max_tce`` (…``_max``); a
  whole 用电量 column whose median per 亩 is above ``power_per_mu_max_10k_kwh`` (千瓦时 under a
  万千瓦时 header), judged before the row bounds;
- land areas (图形面积, 宗地面积, 使用面积, 用地面积): ``v < area_min_m2`` or ``v > area_max_m2``;
  the enterprise table's whole 用地面积 column when its median over at least 3 rows is below
  ``firm_land_median_min_m2`` (figures in 亩 under a 平方米 header);
- 建筑面积, 新增建筑面积: ``v < 0`` or ``v > floor_area_max_m2``; 容积率: ``v < 0`` or
  ``v > far_max``; 研发经费占营业收入比例: ``v < 0`` or ``v > share_max_pct``;
- a parcel polygon with compactness ``4πA/P² < sliver_compactness_min`` (a sliver): its area;
- dates (供地, 开工, 竣工, 记录日期, 申请日期): ``d < date_min`` or ``d > as_of``; the
  ``future_date_fields`` (约定开工日期): ``d > as_of + future_date_max_years``; 整改完成日期:
  ``d < date_min`` only (rectified after the reference date is open on it);
- 投产年份 outside ``date_min.year … as_of.year``; any number that is ``±inf``.

An implausible value becomes missing (so the indicator that needs it becomes 待核实) and one
problem row (严重程度 错误) names the file, the row, the field, the value and the bound; the
row itself stays. A date set aside keeps what it was and why in its companion column
(:func:`landgov.core.dates.set_aside_text`, ``completion_date_unread``, where the readers keep
a date cell written but no date): a blank date has a meaning (竣工日期 blank with 容积率 0 is
「尚未建成」), so a check resting on it says 待核实 naming the value, never reads it as blank.
Parcels whose representative point lies outside ``region_bounds`` (Zhejiang's extent) by more than
``region_margin_km`` get a warning with the distance in km; nothing is changed. :func:`check_as_of`
warns (and the run goes on) when the reference date is more than ``as_of_max_ahead_days`` after
today, or earlier than the latest date in the data (dates after the reference date are then set to
missing by the date rule, and the warning says why).

A map layer read beside the parcels (规划, 拆迁计划, 镇街, 特殊片区, 建筑, 批而未供) that lies
farther from the parcels than ``layer_distance_max_km`` and than the parcels' own extent (the
diagonal of their bounding box) stops the run (:func:`check_layers_near_parcels`): it cannot be the
same county's layer as read, and overlaying it would find no overlap anywhere — every plot
「未列入拆迁计划」 — without one word said. A layer in 西安80 or 北京54 beside parcels in CGCS2000
(or the reverse) stops the run too (:func:`check_layer_datums`): no published transformation
relates the datums, and overlaid as they are each plot's shares would rest on a shift of tens of
metres that nobody knows. A nearer layer (other than 批而未供, which lies beside the parcels) that
overlaps no parcel at all gets one file-level warning with how far apart the two lie
(:func:`layers_off_parcels`): the wrong file, or a .prj that shifts it less than the limit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from landgov.core.columns import short_label
from landgov.core.dates import SET_ASIDE_TAIL, set_aside_text, unread_name
from landgov.core.documents import DOCUMENTS
from landgov.core.problems import ProblemLog, ReadResult, Severity
from landgov.core.townnames import unify_townships
from landgov.core.township import place_parcels
from landgov.core.vocab import INPUT_LABELS
from landgov.crs import datum_issue, datums_apart, transformer
from landgov.errors import CRSError, Issue
from landgov.io.numbers import is_missing
from landgov.policy import Profile
from landgov.policy._model import binding_documents

__all__ = [
    "Checked",
    "PlausibleReads",
    "check_as_of",
    "check_layer_datums",
    "check_layers_near_parcels",
    "check_reads",
    "check_values",
    "implausible_number",
    "layers_off_parcels",
]

#: The map layers a run overlays on the parcels (roles of :class:`landgov.run.files.RunInputs`).
LAYER_ROLES = ("planning", "demolition", "townships", "special_zones", "buildings", "approved")

_MU_M2 = Fraction(10000, 15)  # m² per 亩
_SECTION = "plausible"
_ACTION = "核实源表中的该值并改正后重新运行；本次已按缺失处理，相关指标为待核实"
_ACTION_REGION = "核对图形坐标或图层的坐标系（.prj）；本行保留，照常计算"

_MONEY = ("tax_wan", "value_added_wan", "revenue_wan", "rd_wan", "investment_wan",
          "fixed_investment_wan", "tax_after_wan")  # fmt: skip
_LAND_M2 = ("area_m2", "area_declared_m2", "area_used_m2")
_FLOOR_M2 = ("floor_area_m2", "added_floor_m2")
_DATES = ("supply_date", "contract_start_date", "start_date", "completion_date", "record_date",
          "application_date", "rectified_date")  # fmt: skip
#: Dates that may lie after the reference date as they are: a record rectified after it was
#: open on it (data newer than the run's date, read as such by core.records); only ``date_min``
#: bounds them (an empty Excel date cell read as 1899-12-30 or 1900-01-01 is no rectification).
_LATER_AS_IS = ("rectified_date",)

#: Short labels in messages: the column registry's (unit shown apart), the rest named here.
_LABELS = {
    **{
        name: short_label(name)
        for name in (
            "tax_wan", "value_added_wan", "revenue_wan", "rd_wan", "energy_tce", "power_10k_kwh",
            "emissions_t", "employees", "area_declared_m2", "area_used_m2", "land_mu",
            "floor_area_m2", "far_declared", "built_year", *_DATES,
        )
    },
    "investment_wan": "项目总投资", "fixed_investment_wan": "固定资产投资",
    "tax_after_wan": "达产后年税收", "rd_ratio_pct": "研发经费占营业收入比例",
    "area_m2": "图形面积", "added_floor_m2": "新增建筑面积",
    "geometry": "图形",
}  # fmt: skip


@dataclass(frozen=True)
class _Bound:
    """``lo <= value <= hi`` is plausible; ``lo_why``/``hi_why`` say where each bound comes from."""

    lo: float
    hi: float
    unit: str
    lo_why: str
    hi_why: str


@dataclass(frozen=True)
class Checked:
    """The cleaned frame (same index and rows as the input) and the problem rows it caused."""

    data: pd.DataFrame
    problems: pd.DataFrame


@dataclass(frozen=True)
class PlausibleReads:
    """Read results with implausible values set to missing, and the console warnings."""

    reads: dict[str, ReadResult]
    warnings: list[str]


def _p(profile: Profile, key: str) -> Any:
    return profile.value(f"{_SECTION}.{key}")


def _number_bounds(profile: Profile) -> dict[str, _Bound]:
    """The numeric bound of every checked field, in the field's canonical unit."""

    def key(name: str) -> str:
        return f"{_SECTION}.{name}"

    nonneg = "不能为负"
    money = _Bound(
        float(_p(profile, "money_min_wan")), float(_p(profile, "money_max_wan")), "万元",
        key("money_min_wan"), key("money_max_wan"),
    )  # fmt: skip
    a_lo, a_hi = float(_p(profile, "area_min_m2")), float(_p(profile, "area_max_m2"))
    land = _Bound(a_lo, a_hi, "平方米", key("area_min_m2"), key("area_max_m2"))
    floor_hi = float(_p(profile, "floor_area_max_m2"))
    floor = _Bound(0.0, floor_hi, "平方米", nonneg, key("floor_area_max_m2"))
    bounds = {name: money for name in _MONEY}
    bounds |= {name: land for name in _LAND_M2}
    bounds |= {name: floor for name in _FLOOR_M2}
    bounds["land_mu"] = _Bound(
        float(a_lo / _MU_M2), float(a_hi / _MU_M2), "亩", key("area_min_m2"), key("area_max_m2")
    )
    for name, param, unit in (
        ("energy_tce", "energy_max_tce", "吨标准煤"),
        ("power_10k_kwh", "power_max_10k_kwh", "万千瓦时"),
        ("emissions_t", "emissions_max_t", "吨"),
        ("employees", "employees_max", "人"),
        ("far_declared", "far_max", ""),
        ("rd_ratio_pct", "share_max_pct", "%"),
    ):
        bounds[name] = _Bound(0.0, float(_p(profile, param)), unit, nonneg, key(param))
    return bounds


def implausible_number(name: str, value: float, profile: Profile) -> str | None:
    """Why ``value`` of the field ``name`` is implausible, or ``None`` (also for an unbounded
    field): the bound a value typed anywhere else (a 核实 answer) is held to, as a table's.

    >>> from landgov.policy import load_profile
    >>> implausible_number("energy_tce", 2e8, load_profile("yuecheng-2022"))
    '大于合理上限 100000000 吨标准煤（plausible.energy_max_tce）'
    """
    if not math.isfinite(value):
        return "不是有限数值"
    bound = _number_bounds(profile).get(name)
    if bound is None or bound.lo <= value <= bound.hi:
        return None
    return _bound_text(value, bound)


def _fmt(value: object) -> str:
    """A value as a problem row shows it: a number to 15 significant digits, one below 1e-4
    (which that would print in exponent form) to 6 in positional form — a sliver's area
    9.99999978579581e-05 m² reads 「0.0001」. An absurdly large one keeps its exponent
    (「1e+30」: a count of zeros no one reads).

    >>> _fmt(9.99999978579581e-05), _fmt(-3.2e-7), _fmt(12.5), _fmt(2e8), _fmt(1e30)
    ('0.0001', '-0.00000032', '12.5', '200000000', '1e+30')
    """
    if isinstance(value, float | np.floating):
        number = float(value)
        if 0 < abs(number) < 1e-4:
            return np.format_float_positional(float(f"{number:.6g}"), trim="-")
        return f"{number:.15g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _label(name: str, field_names: Mapping[str, str]) -> str:
    return str(field_names.get(name) or _LABELS.get(name, name))


def _rows(frame: pd.DataFrame) -> list[int | None]:
    if "source_row" not in frame:
        return list(range(1, len(frame) + 1))
    kind = frame["source_row"].dtype
    if isinstance(kind, np.dtype) and kind.kind in "iu":  # numpy ints, as readers write it
        return frame["source_row"].tolist()  # type: ignore[no-any-return]
    return [None if is_missing(r) else int(r) for r in frame["source_row"]]


def _bound_text(value: float, bound: _Bound) -> str:
    unit = f" {bound.unit}" if bound.unit else ""
    if value < bound.lo:
        return f"小于合理下限 {_fmt(bound.lo)}{unit}（{bound.lo_why}）"
    return f"大于合理上限 {_fmt(bound.hi)}{unit}（{bound.hi_why}）"


def _check_numbers(
    out: pd.DataFrame, log: ProblemLog, rows: list[int | None], *, bounds: dict[str, _Bound],
    field_names: Mapping[str, str],
) -> None:  # fmt: skip
    """Bounded fields outside their bound, and ±inf anywhere, become missing."""
    for name in out.columns:
        if name in ("geometry", "source_row"):
            continue
        bound = bounds.get(name)
        if bound is None and not pd.api.types.is_float_dtype(out[name]):
            continue
        values = pd.to_numeric(out[name], errors="coerce").to_numpy(dtype="float64")
        finite = np.isfinite(values)
        bad = ~np.isnan(values) & ~finite  # ±inf
        if bound is not None:
            bad |= finite & ((values < bound.lo) | (values > bound.hi))
        label = _label(name, field_names)
        for pos in np.flatnonzero(bad):
            value = float(values[pos])
            why = _bound_text(value, bound) if bound and math.isfinite(value) else "不是有限数值"
            log.add(
                f"{label}「{_fmt(value)}」{why}，已按缺失处理",
                row=rows[pos], field=label, value=_fmt(value), action=_ACTION,
            )  # fmt: skip
        if bad.any():
            out[name] = out[name].mask(pd.Series(bad, index=out.index))


#: rows a column's median per 亩 needs before the column is judged as a whole
_PER_MU_MIN_ROWS = 3


def _check_land_median(
    out: pd.DataFrame, log: ProblemLog, rows: list[int | None], *, profile: Profile,
    field_names: Mapping[str, str],
) -> None:  # fmt: skip
    """An enterprise table's 用地面积 (``land_mu``) whose median over at least 3 firms is below
    ``firm_land_median_min_m2`` is not in the unit its header says: figures in 亩 under
    「用地面积（平方米）」 (20 亩 read as 20 m²). Read as it is, each firm's declared land would be
    666.67 times too small, and every money column divided by it would look like 元 under a 万元
    header (:func:`_check_per_mu` would set aside 工业增加值 and 营业收入, blaming them).
    The whole column becomes missing (the firms' land is then their linked plots' area) with
    one problem row; it runs before the row bounds (no row of such a column said again, as
    below 1 m²) and the money check (which then has no declared land to use)."""
    if "land_mu" not in out.columns:
        return
    land = pd.to_numeric(out["land_mu"], errors="coerce")
    given = land > 0
    if int(given.sum()) < _PER_MU_MIN_ROWS:
        return
    limit = float(_p(profile, "firm_land_median_min_m2"))
    median_m2 = float(land[given].median() * _MU_M2)
    if median_m2 >= limit:
        return
    first = int(np.flatnonzero(given.to_numpy())[0])
    label = _label("land_mu", field_names)
    m2 = float(land.iat[first] * _MU_M2)
    log.add(
        f"{label}各行的中位数为 {median_m2:,.4g} 平方米（{int(given.sum())} 家企业；如第 "
        f"{rows[first]} 行 {_fmt(float(land.iat[first]))} 亩即 {m2:,.6g} 平方米），小于工业企业"
        f"用地的合理下限 {_fmt(limit)} 平方米（{_SECTION}.firm_land_median_min_m2），像是按亩而非"
        "平方米填报；单位无法从文件确定，该列全部按缺失处理，企业用地面积按关联宗地的图形面积计算",
        row=None, field=label, value=f"{median_m2:,.4g} 平方米",
        action=f"核实「{label}」的单位；如为亩，把表头改为「{_LABELS['land_mu']}（亩）」后重新"
        "运行；本次未关联宗地的企业亩均指标为待核实",
    )  # fmt: skip
    out["land_mu"] = out["land_mu"].mask(land.notna())


@dataclass(frozen=True)
class _PerMu:
    """A column of the enterprise table judged as a whole by its median per 亩 of declared
    land: beyond ``key`` (``above``: the median above it; else below it) the figures are in
    another unit than the header's, 10,000 times off. Read as it is, every firm's figure would
    be off; which unit it is in cannot be known for sure: the whole column becomes missing
    (what rests on it 待核实) with one problem row.

    ``unit`` is the column's own; ``looks`` what the figures look like; ``fix`` the header
    change that reads them right (``{label}``: the field's short label)."""

    columns: tuple[str, ...]
    key: str
    above: bool
    unit: str
    looks: str
    fix: str


_MONEY_PER_MU = (
    # 元 under a header read as 万元 (a tax bureau's export under 「税收」 or 「税收（万元）」):
    # every 亩均 10,000 times too high, passing every threshold
    _PerMu(_MONEY, "money_per_mu_max_wan", True, "万元", "像是按元而非万元填报",
           "如为元，把表头改为「{label}（元）」或换算为万元后重新运行；本次相关亩均指标为待核实"),
    # 万元 under 「税收（元）」: every 亩均 10,000 times too low, every plot under every threshold
    # onto the 治理清单; R&D is left out (it may be small on much land)
    _PerMu(("tax_wan", "value_added_wan", "revenue_wan"), "money_per_mu_min_wan", False, "万元",
           "像是按万元填报而按元读取",
           "如为万元，把表头改为「{label}（万元）」后重新运行；本次相关亩均指标为待核实"),
)  # fmt: skip
_POWER_PER_MU = (
    # 千瓦时 (度, as the power company bills) under 万千瓦时: each firm under the row bound kept
    # 10,000 times too high — 单位电耗税收 near 0, and without 综合能耗 an energy estimate past
    # every 两高 threshold; judged before the row bounds (the largest firms not said alone)
    _PerMu(("power_10k_kwh",), "power_per_mu_max_10k_kwh", True, "万千瓦时",
           "像是按千瓦时（度）而非万千瓦时填报",
           "如为千瓦时（度），把表头改为「{label}（千瓦时）」后重新运行；本次相关指标为待核实"),
)  # fmt: skip


def _median_text(value: float) -> str:
    """A median per 亩 as the problem row shows it: whole above 100, else 4 significant digits.

    >>> _median_text(150000.0), _median_text(0.00025)
    ('150,000', '0.00025')
    """
    return f"{value:,.0f}" if value >= 100 else f"{value:.4g}"


def _check_per_mu(
    out: pd.DataFrame, log: ProblemLog, rows: list[int | None], *, profile: Profile,
    field_names: Mapping[str, str], checks: tuple[_PerMu, ...],
) -> None:  # fmt: skip
    """Set aside each column of ``checks`` whose median per 亩 (over the rows where it and
    ``land_mu`` are above 0, at least 3) lies beyond its bound (:class:`_PerMu`)."""
    if "land_mu" not in out.columns:
        return
    land = pd.to_numeric(out["land_mu"], errors="coerce")
    for check in checks:
        limit = float(_p(profile, check.key))
        for name in (n for n in check.columns if n in out.columns):
            values = pd.to_numeric(out[name], errors="coerce")
            both = (values > 0) & (land > 0)
            if int(both.sum()) < _PER_MU_MIN_ROWS:
                continue
            median = float((values[both] / land[both]).median())
            if (median <= limit) if check.above else (median >= limit):
                continue
            first = int(np.flatnonzero(both.to_numpy())[0])
            label = _label(name, field_names)
            per = f"{check.unit}/亩"
            log.add(
                f"{label}各行数值除以用地面积的中位数为 {_median_text(median)} {per}"
                f"（{int(both.sum())} 家企业；如第 {rows[first]} 行 "
                f"{_fmt(float(values.iat[first]))} {check.unit} ÷ {_fmt(float(land.iat[first]))}"
                f" 亩），{'大于合理上限' if check.above else '小于合理下限'} {_fmt(limit)} {per}"
                f"（{_SECTION}.{check.key}），{check.looks}；单位无法从文件确定，该列全部按缺失处理",
                row=None, field=label, value=_median_text(median),
                action=f"核实「{label}」的单位；"
                + check.fix.format(label=_LABELS.get(name, name)),
            )  # fmt: skip
            out[name] = out[name].mask(values.notna())


def _date_bounds(name: str, profile: Profile, as_of: dt.date) -> tuple[dt.date, dt.date, str]:
    lo = _p(profile, "date_min")
    if name in _LATER_AS_IS:
        return lo, dt.date.max, ""
    if name in tuple(_p(profile, "future_date_fields")):
        years = int(_p(profile, "future_date_max_years"))
        hi = _add_years(as_of, years)
        return lo, hi, f"晚于基准日 {as_of.isoformat()} 之后 {years} 年（{hi.isoformat()}）"
    return lo, as_of, f"晚于基准日 {as_of.isoformat()}"


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
    except OverflowError:  # pragma: no cover - year beyond 9999
        return dt.date.max


def _as_date(value: object) -> dt.date | None:
    if type(value) is dt.date:  # what the readers give: not missing, a date as it is
        return value  # type: ignore[return-value]
    if value is None or is_missing(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _check_dates(
    out: pd.DataFrame, log: ProblemLog, rows: list[int | None], *, profile: Profile,
    as_of: dt.date, field_names: Mapping[str, str],
) -> None:  # fmt: skip
    """Dates before ``date_min`` or after the reference date become missing; the companion
    column (:func:`~landgov.core.dates.unread_name`) keeps each with why."""
    for name in (c for c in _DATES if c in out.columns):
        lo, hi, late = _date_bounds(name, profile, as_of)
        values = out[name].tolist()
        aside: dict[int, str] = {}
        for pos, value in enumerate(values):
            day = _as_date(value)
            if day is None or lo <= day <= hi:
                continue
            why = f"早于 {lo.isoformat()}（{_SECTION}.date_min）" if day < lo else late
            why += SET_ASIDE_TAIL
            label = _label(name, field_names)
            log.add(
                f"{label}「{day.isoformat()}」{why}",
                row=rows[pos], field=label, value=day.isoformat(), action=_ACTION,
            )  # fmt: skip
            values[pos] = None
            aside[pos] = set_aside_text(day, why)
        if aside:
            out[name] = pd.Series(values, index=out.index, dtype=object)
            _keep_set_aside(out, name, aside)
    if "built_year" in out.columns:
        first = _p(profile, "date_min").year
        why = f"{_SECTION}.date_min"
        year_bound = _Bound(float(first), float(as_of.year), "年", why, "基准日所在年份")
        _check_numbers(out, log, rows, bounds={"built_year": year_bound}, field_names=field_names)


def _keep_set_aside(out: pd.DataFrame, name: str, aside: Mapping[int, str]) -> None:
    """Write the set-aside dates (position → :func:`set_aside_text`) into the companion column
    of ``name``, beside the texts a reader kept there (other rows: their dates were missing)."""
    column = unread_name(name)
    kept = out[column].tolist() if column in out.columns else [None] * len(out)
    for pos, text in aside.items():
        kept[pos] = text
    out[column] = pd.Series(kept, index=out.index, dtype=object)


def _compactness(geoms: gpd.GeoSeries) -> np.ndarray:
    arr = np.asarray(geoms.array, dtype=object)
    area, perimeter = shapely.area(arr), shapely.length(arr)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(perimeter > 0, 4 * np.pi * area / perimeter**2, np.nan)


def _check_slivers(
    out: gpd.GeoDataFrame, log: ProblemLog, rows: list[int | None], *, profile: Profile,
    field_names: Mapping[str, str],
) -> None:  # fmt: skip
    """A polygon thinner than ``sliver_compactness_min`` keeps its shape but not its area."""
    limit = float(_p(profile, "sliver_compactness_min"))
    compact = _compactness(out.geometry)
    area = pd.to_numeric(out["area_m2"], errors="coerce").to_numpy()
    bad = ~np.isnan(area) & (compact < limit)
    label = _label("area_m2", field_names)
    for pos in np.flatnonzero(bad):
        log.add(
            f"图形为碎片多边形（紧凑度 4πA/P² = {compact[pos]:.4f}，小于 {limit:g}，"
            f"{_SECTION}.sliver_compactness_min），"
            f"面积「{_fmt(area[pos])}」平方米不使用，已按缺失处理",
            row=rows[pos], field=label, value=_fmt(area[pos]),
            action="核对宗地图形（可能是拓扑处理留下的碎片）；" + _ACTION,
        )  # fmt: skip
    if bad.any():
        out["area_m2"] = pd.Series(np.where(bad, np.nan, area), index=out.index)


def _distance_outside_km(lon: np.ndarray, lat: np.ndarray, bounds: tuple[float, ...]) -> np.ndarray:
    """Geodesic distance (km, WGS84) from each point to the nearest point of the lon/lat box."""
    west, south, east, north = bounds
    near_lon, near_lat = np.clip(lon, west, east), np.clip(lat, south, north)
    _, _, metres = Geod(ellps="WGS84").inv(lon, lat, near_lon, near_lat)
    return np.asarray(metres, dtype=float) / 1000.0


def _check_region(
    frame: gpd.GeoDataFrame, log: ProblemLog, rows: list[int | None], *, profile: Profile
) -> None:
    """Warn (and change nothing) for parcels outside the province's extent."""
    usable = frame.geometry.notna() & ~frame.geometry.is_empty
    if frame.crs is None or not usable.any():
        return
    points = frame.geometry[usable].representative_point().to_crs(4326)
    lon, lat = points.x.to_numpy(), points.y.to_numpy()
    bounds = tuple(float(b) for b in _p(profile, "region_bounds"))
    km = _distance_outside_km(lon, lat, bounds)
    margin = float(_p(profile, "region_margin_km"))
    positions = np.flatnonzero(usable.to_numpy())
    for i in np.flatnonzero(km > margin):
        log.add(
            f"图形位于浙江省范围外，距浙江省经纬度范围约 {km[i]:.0f} 公里"
            f"（代表点 东经 {lon[i]:.4f}°、北纬 {lat[i]:.4f}°）",
            row=rows[positions[i]], field="图形", value=f"{lon[i]:.4f}, {lat[i]:.4f}",
            action=_ACTION_REGION, severity=Severity.WARNING,
        )  # fmt: skip
    far, corner = _far_corners(frame.geometry[usable], bounds)
    for i in np.flatnonzero((far > margin) & ~(km > margin)):
        log.add(
            f"图形的一部分远离其余部分，位于浙江省范围外约 {far[i]:.0f} 公里"
            f"（该部分一角 东经 {corner[i][0]:.4f}°、北纬 {corner[i][1]:.4f}°）",
            row=rows[positions[i]], field="图形", value=f"{corner[i][0]:.4f}, {corner[i][1]:.4f}",
            action="在 GIS 软件中删除或改正该宗地远离的部分（常见于误画或坐标为 0 的碎片）；"
            "本行保留，面积含该部分",
            severity=Severity.WARNING,
        )  # fmt: skip


def _far_corners(
    geoms: gpd.GeoSeries, bounds: tuple[float, ...]
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """For each geometry, how far (km) the farther of its envelope's two diagonal corners lies
    outside ``bounds``, and that corner in degrees: a stray part (a sliver at 0, 0) of a
    parcel whose representative point is at home shows here."""
    box = shapely.bounds(geoms.to_numpy())
    n = len(box)
    xs = np.concatenate([box[:, 0], box[:, 2]])
    ys = np.concatenate([box[:, 1], box[:, 3]])
    lon, lat = transformer(geoms.crs, 4326).transform(xs, ys, errcheck=False)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    west, south, east, north = bounds
    outside = np.isfinite(lon) & np.isfinite(lat)
    outside &= (lon < west) | (lon > east) | (lat < south) | (lat > north)
    km = np.zeros(2 * n)
    km[outside] = _distance_outside_km(lon[outside], lat[outside], bounds)
    second = km[n:] > km[:n]
    far = np.where(second, km[n:], km[:n])
    corner = [
        (float(lon[i + n]), float(lat[i + n])) if s else (float(lon[i]), float(lat[i]))
        for i, s in enumerate(second.tolist())
    ]
    return far, corner


def check_values(
    frame: pd.DataFrame,
    profile: Profile,
    *,
    source: str,
    as_of: dt.date,
    field_names: Mapping[str, str] | None = None,
) -> Checked:
    """Set implausible values to missing and record one problem row for each.

    Parameters
    ----------
    frame
        A reader's ``data`` (canonical column names, ``source_row``; a GeoDataFrame for layers).
        Not modified.
    profile
        The policy profile; its ``plausible`` section holds the bounds.
    source
        The source file name written in the problem rows.
    as_of
        The reference date: dates after it are implausible (except ``future_date_fields``).
    field_names
        Canonical name → the column header in the source (a reader's ``meta["field_map"]``), so
        problem rows name the column the user typed in.

    Returns
    -------
    Checked
        ``data``: the same rows and index, implausible values set to missing (NaN / None);
        ``problems``: the problem rows (:data:`~landgov.core.problems.PROBLEM_COLUMNS`).
    """
    names = dict(field_names or {})
    out = frame.copy()
    log = ProblemLog(source)
    rows = _rows(out)
    _check_land_median(out, log, rows, profile=profile, field_names=names)
    _check_per_mu(out, log, rows, profile=profile, field_names=names, checks=_POWER_PER_MU)
    _check_numbers(out, log, rows, bounds=_number_bounds(profile), field_names=names)
    _check_per_mu(out, log, rows, profile=profile, field_names=names, checks=_MONEY_PER_MU)
    _check_dates(out, log, rows, profile=profile, as_of=as_of, field_names=names)
    if isinstance(out, gpd.GeoDataFrame) and "geometry" in out.columns:
        if "area_m2" in out.columns:
            _check_slivers(out, log, rows, profile=profile, field_names=names)
        if "parcel_id" in out.columns:
            _check_region(out, log, rows, profile=profile)
    return Checked(out, log.frame().sort_values("row", kind="stable", ignore_index=True))


def _latest_date(frames: Mapping[str, pd.DataFrame], *, floor: dt.date, today: dt.date,
                 skip: tuple[str, ...]) -> tuple[dt.date, str, int | None, str] | None:  # fmt: skip
    """The latest plausible data date (within floor … today): date, file, row, field."""
    best: tuple[dt.date, str, int | None, str] | None = None
    for source, frame in frames.items():
        rows = _rows(frame)
        for name in (c for c in _DATES if c in frame.columns and c not in (*skip, *_LATER_AS_IS)):
            for pos, value in enumerate(frame[name]):
                day = _as_date(value)
                if day is not None and floor <= day <= today and (best is None or day > best[0]):
                    best = (day, source, rows[pos], name)
    return best


def _lapsed_documents(as_of: dt.date, profile: Profile, log: ProblemLog) -> None:
    """A 提示 for each document binding ``profile`` whose term ended before ``as_of``: the three
    county action plans say 「有效期至2023年12月31日」 (:attr:`Document.valid_until
    <landgov.core.documents.Document.valid_until>`). The run goes on with the profile's values
    — whether they still apply is the county's decision, made in its profile — and the
    problem record says the reference date is past the term, so nobody reads a value of an
    expired plan as binding without knowing."""
    for code in sorted(binding_documents(profile.documents)):
        doc = DOCUMENTS.get(code)
        if doc is None or not doc.lapsed(as_of):
            continue
        log.add(
            f"策略配置 {profile.label} 所依据的{doc.docnum}有效期至 {doc.valid_until}"
            f"（原文「{doc.validity}」），基准日 {as_of.isoformat()} 已过有效期；"
            "本次仍按该配置中的数值判定",
            field="as_of",
            value=doc.valid_until,
            action="核实该文件是否已延续或有新的替代文件；有新文件时更新县级策略配置"
            "（landgov profiles）后重新运行",
            severity=Severity.INFO,
        )


def check_as_of(
    as_of: dt.date,
    frames: Mapping[str, pd.DataFrame],
    *,
    profile: Profile,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Warnings about the reference date itself (the run goes on with it unchanged).

    A reference date more than ``as_of_max_ahead_days`` after ``today`` is probably a typo
    (``2062`` for ``2026``); one earlier than the latest date in the data (among dates not
    after today, ignoring ``future_date_fields``) means the data are newer than the run claims.

    Parameters
    ----------
    as_of
        The run's reference date.
    frames
        Source file name → the data as read (before :func:`check_values`).
    profile
        The policy profile (section ``plausible``).
    today
        Today's date (default: the system date); a parameter so tests are deterministic.

    Returns
    -------
    pandas.DataFrame
        Problem rows (警告), source ``基准日``; empty when the date is plausible.
    """
    today = today or dt.date.today()
    log = ProblemLog("基准日")
    ahead = int(_p(profile, "as_of_max_ahead_days"))
    if as_of > today + dt.timedelta(days=ahead):
        log.add(
            f"基准日 {as_of.isoformat()} 比今天（{today.isoformat()}）"
            f"晚 {(as_of - today).days} 天，"
            f"超过 {ahead} 天（{_SECTION}.as_of_max_ahead_days），可能录错；本次按该基准日运行",
            field="as_of", value=as_of.isoformat(),
            action="核对 --as-of；如有误，改正后重新运行", severity=Severity.WARNING,
        )  # fmt: skip
    _lapsed_documents(as_of, profile, log)
    skip = tuple(_p(profile, "future_date_fields"))
    floor = _p(profile, "date_min")
    latest = _latest_date(frames, floor=floor, today=today, skip=skip)
    if latest is not None and latest[0] > as_of:
        day, source, row, name = latest
        where = f"{source} 第 {row} 行「{_LABELS.get(name, name)}」" if row else source
        log.add(
            f"基准日 {as_of.isoformat()} 早于数据中最晚的日期 {day.isoformat()}（{where}）；"
            "晚于基准日的日期已按缺失处理（见同一问题记录中的逐条记录）",
            field="as_of", value=as_of.isoformat(),
            action="核对 --as-of 是否为数据截止日期；如有误，改正后重新运行",
            severity=Severity.WARNING,
        )  # fmt: skip
    return log.frame()


def check_reads(
    reads: Mapping[str, ReadResult],
    *,
    profile: Profile,
    as_of: dt.date,
    sources: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> PlausibleReads:
    """Apply :func:`check_as_of` and :func:`check_values` to every read file of a run.

    Each result keeps its rows (``rows_in = rows_out + rejected`` still holds); its ``data``
    has implausible values set to missing and its ``problems`` gain the new rows. 镇街 names
    written short in one file and long in another are read as one
    (:func:`landgov.core.townnames.unify_townships`), and each plot's 镇街 is decided once
    (:func:`landgov.core.township.place_parcels`: a blank one by the 镇街 boundary layer, said).
    A map layer far from the parcels stops the run (:func:`check_layers_near_parcels`); one
    that overlaps no parcel gets a warning among its problems (:func:`layers_off_parcels`).
    The as-of
    warnings are added to the first file's problems and returned as console lines.
    ``sources`` maps each role to the file name written in problem rows (default: the reader's
    ``meta["path"]``, else the role).
    """
    names = {role: (sources or {}).get(role) or _source(role, res) for role, res in reads.items()}
    check_layer_datums(reads, sources=names)
    check_layers_near_parcels(reads, profile=profile, sources=names)
    off = layers_off_parcels(reads, sources=names)
    named = {names[role]: res.data for role, res in reads.items()}
    as_of_problems = check_as_of(as_of, named, profile=profile, today=today)
    out: dict[str, ReadResult] = {}
    for i, (role, res) in enumerate(reads.items()):
        checked = check_values(
            res.data, profile, source=names[role], as_of=as_of,
            field_names=res.meta.get("field_map") or {},
        )  # fmt: skip
        extra = [as_of_problems] if i == 0 and len(as_of_problems) else []
        extra += [off[role]] if role in off else []
        frames = [f for f in (res.problems, checked.problems, *extra) if len(f)]
        problems = pd.concat(frames, ignore_index=True) if frames else res.problems
        out[role] = dataclasses.replace(res, data=checked.data, problems=problems)
    lines = [f"警告：{text}" for text in as_of_problems["problem"]]
    unified = unify_townships(out, sources=names)
    return PlausibleReads(place_parcels(unified, sources=names), lines)


def _usable_bounds(frame: pd.DataFrame) -> np.ndarray | None:
    """The bounding box of the usable shapes of a layer (``None``: no CRS or no shape)."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None or not len(frame):
        return None
    geoms = frame.geometry
    usable = geoms[geoms.notna() & ~geoms.is_empty]
    if not len(usable):
        return None
    bounds = np.asarray(usable.total_bounds, dtype=float)
    return bounds if np.isfinite(bounds).all() else None


def _degrees_text(bounds: np.ndarray, crs: Any) -> str:
    """「东经 …°、北纬 …°」 of the centre of ``bounds`` (in ``crs``)."""
    to_deg = transformer(crs, 4490)
    lon, lat = to_deg.transform((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    return f"东经 {lon:.3f}°、北纬 {lat:.3f}°"


def check_layer_datums(
    reads: Mapping[str, ReadResult], *, sources: Mapping[str, str] | None = None
) -> None:
    """Stop a run whose map layer rests on another geodetic datum than its parcels.

    Between CGCS2000 and 西安80 or 北京54 (:func:`landgov.crs.datums_apart`) PROJ only has a
    ballpark offset, so the layer would be overlaid tens of metres off: every plot's 规划用途
    share, 拆迁计划 overlap or 镇街 would be read against a shifted layer, with nothing said.
    Layers without a CRS are left to their reader.

    Raises
    ------
    CRSError
        One issue per such layer, naming its file and datum, the parcels' file and datum, and
        what to do.
    """
    parcels = reads.get("parcels")
    crs = None if parcels is None else getattr(parcels.data, "crs", None)
    if crs is None:
        return
    names = dict(sources or {})
    parcel_file = names.get("parcels") or _source("parcels", parcels)
    issues = []
    for role in LAYER_ROLES:
        res = reads.get(role)
        theirs = None if res is None else getattr(res.data, "crs", None)
        if theirs is None or not datums_apart(theirs, crs):
            continue
        issues.append(datum_issue(names.get(role) or _source(role, res), theirs, crs, parcel_file))
    if issues:
        raise CRSError(issues)


@dataclass(frozen=True)
class _LayerPlace:
    """Where a map layer of a run lies against the parcels (:func:`_layer_places`)."""

    role: str
    read: ReadResult
    #: The bounding box of the layer's usable shapes, in the parcels' CRS.
    bounds: np.ndarray
    #: The distance between the layer's and the parcels' bounding boxes, in metres (0: they
    #: meet; NaN: the layer's box could not be transformed).
    gap_m: float


def _layer_places(
    reads: Mapping[str, ReadResult], roles: tuple[str, ...] = LAYER_ROLES
) -> tuple[np.ndarray, list[_LayerPlace]] | None:
    """The parcels' bounding box and where each of ``roles`` read lies against it; ``None``
    without parcels or a usable parcel shape. Layers without a CRS or a usable shape (an empty
    layer, said by its reader) are left out."""
    parcels = reads.get("parcels")
    near = None if parcels is None else _usable_bounds(parcels.data)
    if parcels is None or near is None:
        return None
    crs = parcels.data.crs
    places = []
    for role in roles:
        res = reads.get(role)
        theirs = None if res is None else _usable_bounds(res.data)
        if res is None or theirs is None:
            continue
        if not res.data.crs.equals(crs):
            to_parcels = transformer(res.data.crs, crs)
            theirs = np.asarray(to_parcels.transform_bounds(*theirs), dtype=float)
        dx = max(0.0, theirs[0] - near[2], near[0] - theirs[2])
        dy = max(0.0, theirs[1] - near[3], near[1] - theirs[3])
        places.append(_LayerPlace(role, res, theirs, float(np.hypot(dx, dy))))
    return near, places


def check_layers_near_parcels(
    reads: Mapping[str, ReadResult],
    *,
    profile: Profile,
    sources: Mapping[str, str] | None = None,
) -> None:
    """Stop a run whose map layer lies far away from its parcels.

    A layer whose bounding box is farther from the parcels' bounding box than
    ``plausible.layer_distance_max_km`` and than that box's diagonal cannot be the county's
    layer as read — a layer in another 3° zone (about 290 km off), 500 km off, or read with the
    wrong .prj. Overlaid, it meets no
    plot: every plot would read 「与近年拆迁计划无重叠」, 「规划用途图层未覆盖」 or without a
    镇街, with nothing said. Layers without a CRS or without a shape are left to their reader.
    A nearer layer that meets no parcel is warned of by :func:`layers_off_parcels`.

    Raises
    ------
    CRSError
        One issue per such layer, naming its file, where it lies, how far from the parcels
        (km) and what to do.
    """
    found = _layer_places(reads)
    if found is None:
        return
    near, places = found
    parcels = reads["parcels"]
    crs = parcels.data.crs
    names = dict(sources or {})
    diagonal = float(np.hypot(near[2] - near[0], near[3] - near[1]))
    limit = max(diagonal, float(_p(profile, "layer_distance_max_km")) * 1000.0)
    issues = []
    for place in places:
        if not place.gap_m > limit:  # NaN (a transform that failed) is left to the overlay
            continue
        parcel_file = names.get("parcels") or _source("parcels", parcels)
        issues.append(
            Issue(
                names.get(place.role) or _source(place.role, place.read), "坐标",
                f"图层中心 {_degrees_text(place.bounds, crs)}",
                f"整个图层离宗地图层 {parcel_file}（中心 {_degrees_text(near, crs)}）"
                f"约 {place.gap_m / 1000:,.0f} 公里，与任何宗地都不重叠；照此叠加，每宗地都会被当作"
                "「不在此图层内」",
                "两者之一的坐标系或坐标不对（常见：另一投影带、.prj 与坐标不符、坐标平移）："
                "用 landgov inspect 查看该图层的坐标系依据（可用 --crs 试读），在 ArcGIS/QGIS 中"
                "为图层定义正确的坐标系后重新导出，或确认这是本县的数据",
            )
        )  # fmt: skip
    if issues:
        raise CRSError(issues)


#: The map layers that lie on some parcel when they are the county's layer as read: not
#: 批而未供 (land approved and not yet supplied lies beside the parcels, not on them).
ON_PARCEL_ROLES = tuple(role for role in LAYER_ROLES if role != "approved")
#: How many shapes :func:`_meets_any` tests at a time (it stops at the first batch that meets).
_BATCH = 2048


def _usable_shapes(frame: gpd.GeoDataFrame, crs: Any) -> np.ndarray:
    """The usable shapes of a layer (not missing, not empty) in ``crs``."""
    geoms = frame.geometry
    geoms = geoms[geoms.notna() & ~geoms.is_empty]
    if not geoms.crs.equals(crs):
        geoms = geoms.to_crs(crs)
    return np.asarray(geoms.to_numpy(), dtype=object)


def _meets_any(ours: np.ndarray, theirs: np.ndarray) -> bool:
    """Whether a shape of ``ours`` intersects one of ``theirs``: a tree of the smaller set is
    queried with the larger one a batch at a time, stopping at the first batch that meets (a
    layer over the parcels meets them in its first batch)."""
    small, large = (ours, theirs) if len(ours) <= len(theirs) else (theirs, ours)
    tree = shapely.STRtree(small)
    for start in range(0, len(large), _BATCH):
        if tree.query(large[start : start + _BATCH], predicate="intersects").size:
            return True
    return False


def _distance_text(metres: float) -> str:
    """「约 98 公里」, 「约 3.2 公里」, 「约 350 米」."""
    if metres >= 10_000:
        return f"约 {metres / 1000:,.0f} 公里"
    if metres >= 1000:
        return f"约 {metres / 1000:.1f} 公里"
    return f"约 {metres:,.0f} 米"


def layers_off_parcels(
    reads: Mapping[str, ReadResult], *, sources: Mapping[str, str] | None = None
) -> dict[str, pd.DataFrame]:
    """A file-level warning for each map layer that overlaps no parcel at all.

    A planning, demolition, township, special-zone or building layer (:data:`ON_PARCEL_ROLES`)
    that meets no parcel is most often the wrong file or read with the wrong .prj (a shift of
    less than ``plausible.layer_distance_max_km`` is not stopped by
    :func:`check_layers_near_parcels`). Overlaid, each plot reads 「未覆盖」 or 「无重叠」 on
    its own row; this says it once for the file, with how far apart the two are. The bounding
    boxes are compared first: only a layer whose box meets the parcels' box is tested shape by
    shape, and that test stops at the first shapes that meet. Layers without a CRS or a usable
    shape (an empty layer, said by its reader) are left out; the data is not changed.

    Parameters
    ----------
    reads
        The reads of a run by role (``parcels`` and any map layers).
    sources
        The file name of each role written in problem rows (default: :func:`_source`).

    Returns
    -------
    dict
        Role → problem rows (one 警告 each) for the layers that meet no parcel.
    """
    found = _layer_places(reads, ON_PARCEL_ROLES)
    if found is None:
        return {}
    _, places = found
    parcels = reads["parcels"]
    crs = parcels.data.crs
    names = dict(sources or {})
    parcel_file = names.get("parcels") or _source("parcels", parcels)
    plots: np.ndarray | None = None
    out: dict[str, pd.DataFrame] = {}
    for place in places:
        if np.isnan(place.gap_m):  # a box that could not be transformed: left to the overlay
            continue
        if plots is None:
            plots = _usable_shapes(parcels.data, crs)
        shapes = None
        if place.gap_m == 0:
            shapes = _usable_shapes(place.read.data, crs)
            if _meets_any(shapes, plots):
                continue
        shapes = _usable_shapes(place.read.data, crs) if shapes is None else shapes
        apart = float(shapely.STRtree(plots).query_nearest(shapes, return_distance=True)[1].min())
        name = names.get(place.role) or _source(place.role, place.read)
        log = ProblemLog(name)
        log.add(
            f"{INPUT_LABELS[place.role]}（{name}）与宗地图层（{parcel_file}）没有任何重叠"
            f"（两者最近相距{_distance_text(apart)}）：叠加后每宗地都会被当作「不在此图层内」",
            field="geometry", value=f"图层中心 {_degrees_text(place.bounds, crs)}",
            action="可能选错了文件或坐标系（.prj）不对：用 landgov inspect 查看该图层的坐标系依据"
            "（可用 --crs 试读），核对后重新运行",
            severity=Severity.WARNING,
        )  # fmt: skip
        out[place.role] = log.frame()
    return out


def _source(role: str, res: ReadResult) -> str:
    """The file name of a read: its ``meta["path"]``, else its problem rows' source, else role."""
    path = res.meta.get("path")
    if path:
        return str(path).replace("\\", "/").rsplit("/", 1)[-1]
    named = res.problems["source"].dropna() if "source" in res.problems else []
    return str(named.iloc[0]) if len(named) else role
