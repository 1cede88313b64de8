"""The seven 亩均效益 indicators (docs/domain.md §3)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from landgov.core.problems import PROBLEM_COLUMNS, ProblemLog, Severity
from landgov.core.vocab import scale_is_above
from landgov.errors import Issue, SchemaError
from landgov.policy import Profile

__all__ = ["INDICATORS", "Indicator", "IndicatorResult", "indicators"]

LAND = "<land>"  # placeholder for the land column (亩) chosen at run time


@dataclass(frozen=True)
class Indicator:
    """One ratio indicator: ``numerator / denominator`` with its unit."""

    name: str
    label: str
    numerator: str
    denominator: str
    unit: str


#: The indicators by canonical name, in display order.
INDICATORS: Mapping[str, Indicator] = MappingProxyType(
    {
        i.name: i
        for i in (
            Indicator("tax_per_mu", "亩均税收", "tax_wan", LAND, "万元/亩"),
            Indicator("value_added_per_mu", "亩均增加值", "value_added_wan", LAND, "万元/亩"),
            Indicator(
                "value_added_per_energy",
                "单位能耗增加值",
                "value_added_wan",
                "energy_tce",
                "万元/吨标煤",
            ),
            Indicator(
                "value_added_per_emission",
                "单位排放增加值",
                "value_added_wan",
                "emissions_t",
                "万元/吨",
            ),
            Indicator(
                "labour_productivity", "全员劳动生产率", "value_added_wan", "employees", "万元/人"
            ),
            Indicator("rd_ratio", "R&D占比", "rd_wan", "revenue_wan", "比值"),
            Indicator("tax_per_power", "单位电耗税收", "tax_wan", "power_10k_kwh", "万元/万千瓦时"),
        )
    }
)

INPUT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "tax_wan": "税收",
        "value_added_wan": "工业增加值",
        "revenue_wan": "营业收入",
        "energy_tce": "综合能耗",
        "emissions_t": "排放量",
        "rd_wan": "R&D经费",
        "employees": "年平均职工人数",
        "power_10k_kwh": "用电量",
        LAND: "用地面积",
    }
)


@dataclass(frozen=True)
class IndicatorResult:
    """What :func:`indicators` returns: the frame with indicator columns, and the problems."""

    data: pd.DataFrame
    problems: pd.DataFrame


def indicators(
    frame: pd.DataFrame, *, profile: Profile, land_column: str | None = None
) -> IndicatorResult:
    r"""Compute the 亩均效益 indicators for every row (enterprise or parcel).

    With land :math:`L` in 亩 (exact: 1 亩 = 10000/15 m², :func:`landgov.units.m2_to_mu`), tax
    :math:`T` and value added :math:`V` in 万元, energy :math:`E` in 吨标煤, emissions :math:`P`
    in 吨, employees :math:`N`, R&D spending :math:`R` and revenue :math:`S` in 万元 and
    electricity :math:`W` in 万千瓦时:

    .. math::

        \text{tax\_per\_mu} = T / L \quad [\text{万元/亩}] \qquad
        \text{value\_added\_per\_mu} = V / L \quad [\text{万元/亩}]

        \text{value\_added\_per\_energy} = V / E \quad [\text{万元/吨标煤}] \qquad
        \text{value\_added\_per\_emission} = V / P \quad [\text{万元/吨}]

        \text{labour\_productivity} = V / N \quad [\text{万元/人}] \qquad
        \text{rd\_ratio} = R / S \quad [\text{比值}] \qquad
        \text{tax\_per\_power} = T / W \quad [\text{万元/万千瓦时}]

    A missing input, or a denominator that is zero, negative or so near zero that the quotient
    is beyond any figure (:data:`_RATIO_MAX`), gives NaN (never inf, never a silent 0) and one
    problem row per entity naming each indicator and the input behind it.

    Parameters
    ----------
    frame
        Rows with any of the input columns (``tax_wan`` … ``power_10k_kwh``) and a land column.
    profile
        ``scoring.declared_land_fallback``: when true and the land column is NaN, use
        ``land_mu_declared`` (亩) instead, with a warning for each row.
    land_column
        Land in 亩; default ``land_mu`` (enterprises) if present, else ``area_mu`` (parcels).

    Returns
    -------
    IndicatorResult
        ``data`` is a copy of ``frame`` (same index) plus the columns of :data:`INDICATORS`.
    """
    log = ProblemLog("亩均指标")
    fallback = bool(profile.value("scoring.declared_land_fallback", False))
    values = compute_indicators(
        frame,
        log,
        land_column=land_column,
        fallback=fallback,
        scope=reportable(frame, profile=profile),
    )
    out = frame.copy()
    for col in values.columns:
        out[col] = values[col]
    return IndicatorResult(out, log.frame() if len(log) else pd.DataFrame(columns=PROBLEM_COLUMNS))


def reportable(frame: pd.DataFrame, *, profile: Profile) -> pd.DataFrame:
    """Which indicator gaps are worth a problem row: a boolean frame (rows × indicators).

    An enterprise is only asked for the indicators of its own scale's set (the keys of
    ``scoring.weights_above_scale`` / ``scoring.weights_below_scale``): a 规下 firm reports no
    工业增加值, by design. Rows of unknown scale are asked for all. Parcels (no ``above_scale``)
    report only 亩均税收; their other gaps follow from the enterprises' and screening marks
    the plot 待核实 where it matters.
    """
    names = list(INDICATORS)
    if "above_scale" not in frame.columns:
        return pd.DataFrame({n: n == "tax_per_mu" for n in names}, index=frame.index)
    above = set(profile.value("scoring.weights_above_scale", {}) or names)
    below = set(profile.value("scoring.weights_below_scale", {}) or names)
    # per row once: scale unknown (asked for all), else 规上 or 规下, read as every stage reads
    # it (core.vocab.scale_is_above: 「否」「规下」 are 规下, never a truthy text read as 规上)
    scale = [scale_is_above(v) for v in frame["above_scale"].astype(object).tolist()]
    unknown = [v is None for v in scale]
    is_above = [v is True for v in scale]
    out = {}
    for n in names:
        ask_above, ask_below = n in above, n in below
        flag = [
            u or (ask_above if a else ask_below) for u, a in zip(unknown, is_above, strict=True)
        ]
        out[n] = pd.Series(flag, index=frame.index, dtype=bool)
    return pd.DataFrame(out, index=frame.index)


def compute_indicators(
    frame: pd.DataFrame,
    log: ProblemLog,
    *,
    land_column: str | None,
    fallback: bool,
    scope: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The indicator columns alone (same index), logging one problem per row with a gap.

    ``scope`` (from :func:`reportable`) limits which gaps are logged; every value is computed.
    """
    land = _land(frame, land_column, fallback, log)
    ids = entity_ids(frame)
    out = pd.DataFrame(index=frame.index)
    gaps: dict[object, tuple[list[str], set[str], int]] = {}
    index = frame.index
    by_label = index.is_unique  # then a row's values are read by position, not by label
    for ind in INDICATORS.values():
        num = _column(frame, ind.numerator)
        den = land if ind.denominator == LAND else _column(frame, ind.denominator)
        ok = num.notna() & den.notna() & (den > 0)
        ratio = (num / den.where(ok)).where(ok).astype(float)
        beyond = ok & ~ratio.abs().le(_RATIO_MAX)  # a denominator of 1e-320: inf or near it
        ok &= ~beyond
        out[ind.name] = ratio.where(ok)
        report = ~ok if scope is None else ~ok & scope[ind.name]
        nums, dens, far = num.to_numpy(), den.to_numpy(), beyond.to_numpy()
        for pos in np.flatnonzero(report.to_numpy(dtype=bool)).tolist():
            idx = index[pos]
            n, d = (nums[pos], dens[pos]) if by_label else (num[idx], den[idx])
            items, fields, _ = gaps.setdefault(idx, ([], set(), pos))
            items.append(f"{ind.label}（{_why(ind, n, d, beyond=bool(far[pos]))}）")
            fields.update(_gap_inputs(ind, n, d, beyond=bool(far[pos])))
    rows = _source_rows(frame) if by_label and gaps else None
    names = ids.tolist()
    for idx, (items, fields, pos) in gaps.items():
        log.add(
            f"亩均指标无法计算，记为空值：{'、'.join(items)}",
            row=_source_row(frame, idx) if rows is None else rows[pos],
            field="、".join(sorted(fields)),
            value=ids[idx] if rows is None else names[pos],
            action="补充缺失的数据（分母须大于零）",
            severity=Severity.WARNING,
            role=entity_role(frame),
        )
    return out


#: The largest quotient taken as a figure: far above any real one (every input is bounded by
#: the plausibility rules, a denominator only by 0), with room below the largest float for
#: the scores made of it (``w · x / b``, their sums and means). Above it, the denominator is
#: a near-zero number (1e-300 吨 of emissions), not a measurement: a gap, never inf.
_RATIO_MAX = sys.float_info.max / 1e10


def _gap_inputs(ind: Indicator, num: float, den: float, *, beyond: bool) -> set[str]:
    """The inputs behind a gap; ``beyond``: the quotient is beyond :data:`_RATIO_MAX`."""
    out = {ind.numerator} if pd.isna(num) else set()
    if pd.isna(den) or den <= 0 or beyond:
        out.add("land_mu" if ind.denominator == LAND else ind.denominator)
    return out


def _why(ind: Indicator, num: float, den: float, *, beyond: bool) -> str:
    parts = []
    if pd.isna(num):
        parts.append(f"{INPUT_LABELS[ind.numerator]}缺失")
    den_label = INPUT_LABELS[ind.denominator]
    if pd.isna(den):
        parts.append(f"{den_label}缺失")
    elif den == 0:
        parts.append(f"{den_label}为零")
    elif den < 0:
        parts.append(f"{den_label}为负（{den}）")
    elif beyond:
        parts.append(f"{den_label}接近零（{den:.3g}），商超出可计算的数值范围")
    return "，".join(parts)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").astype(float)


def _land(
    frame: pd.DataFrame, land_column: str | None, fallback: bool, log: ProblemLog
) -> pd.Series:
    col = land_column or next((c for c in ("land_mu", "area_mu") if c in frame.columns), None)
    if col is None or col not in frame.columns:
        raise SchemaError(
            [
                Issue(
                    "亩均指标",
                    land_column or "land_mu / area_mu",
                    list(frame.columns),
                    "没有用地面积（亩）字段",
                    "先用 landgov.link.link_parcels 计算用地面积，或用 land_column= 指定字段",
                )
            ]
        )
    land = _column(frame, col)
    if fallback and "land_mu_declared" in frame.columns:
        declared = _column(frame, "land_mu_declared")
        use = land.isna() & declared.notna()
        ids = entity_ids(frame)
        for idx in frame.index[use]:
            log.add(
                "未关联宗地，亩均指标按企业申报用地面积计算",
                row=_source_row(frame, idx),
                field="land_mu_declared",
                value=f"{ids[idx]}：{declared[idx]} 亩",
                action="在地企关联表中补充该企业的宗地，以按图形面积计算",
                severity=Severity.WARNING,
                role=entity_role(frame),
            )
        land = land.where(~use, declared)
    return land


def entity_ids(frame: pd.DataFrame) -> pd.Series:
    """How a row is named in problems: USCC, else 宗地代码, else the index label."""
    for col in ("uscc", "parcel_id"):
        if col in frame.columns:
            return frame[col].astype(object).where(frame[col].notna(), frame.index.to_series())
    return frame.index.to_series().astype(object)


def entity_role(frame: pd.DataFrame) -> str | None:
    """The input whose rows ``source_row`` counts, as :func:`entity_ids` names the rows: the
    enterprise table (``uscc``), else the parcel layer (``parcel_id``), else not known."""
    if "uscc" in frame.columns:
        return "enterprises"
    return "parcels" if "parcel_id" in frame.columns else None


def _source_row(frame: pd.DataFrame, idx: object) -> int | None:
    if "source_row" not in frame.columns or pd.isna(frame.at[idx, "source_row"]):
        return None
    return int(frame.at[idx, "source_row"])


def _source_rows(frame: pd.DataFrame) -> list[int | None]:
    """:func:`_source_row` of every row, in order."""
    if "source_row" not in frame.columns:
        return [None] * len(frame)
    return [None if pd.isna(v) else int(v) for v in frame["source_row"].tolist()]
