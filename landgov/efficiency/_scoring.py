"""Comprehensive score: Σ weight × value / benchmark, per indicator set (规上 / 规下)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from landgov.core.problems import COMPUTED, ProblemLog, Severity
from landgov.efficiency._indicators import INDICATORS, _source_row
from landgov.efficiency._settings import (
    BenchmarkMode,
    MissingEmissions,
    MissingItemRule,
    Scale,
    ScoringSettings,
)

__all__ = ["ScoreTable", "score_units"]

_EMISSION = "value_added_per_emission"


@dataclass(frozen=True)
class ScoreTable:
    """Per-unit points per indicator (``score_<name>``), total score and evaluation notes."""

    points: pd.DataFrame
    score: pd.Series
    evaluated: pd.Series
    notes: pd.Series
    benchmarks: pd.DataFrame


def score_units(
    units: pd.DataFrame,
    *,
    eligible: pd.Series,
    settings: ScoringSettings,
    log: ProblemLog,
) -> ScoreTable:
    r"""Score every eligible unit with the indicator set of its scale.

    .. math:: S = \sum_i \min\left(w_i \frac{x_i}{b_i},\ c_i w_i\right)

    with weight :math:`w_i` (分), indicator value :math:`x_i`, benchmark :math:`b_i` (given, the
    mean :math:`\bar x_i` over eligible units of the same scale, or :math:`k \bar x_i`) and the
    optional cap :math:`c_i` (a multiple of the weight). A 规上 unit without
    单位排放增加值 gets the mean 规上 points on that item (``missing_emissions = mean_score``).
    Any other missing item makes the unit not evaluated (or scores 0 with
    ``missing_item_rule = zero``).

    Means are taken over the units that are evaluated (参评): a unit left out for a missing
    item has no score, so it moves neither a mean benchmark nor 「规上企业平均得分」.
    """
    names = list(INDICATORS)
    points = pd.DataFrame(np.nan, index=units.index, columns=[f"score_{n}" for n in names])
    notes = pd.Series("", index=units.index, dtype=object)
    evaluated = eligible.copy()
    bench_rows = []
    for scale in Scale:
        rows = eligible & (units["scale"] == scale.value)
        rule = settings.rule(scale)
        pool = rows & _complete(units, scale, settings)
        for name, weight in rule.weights.items():
            bench = _benchmark(units.loc[pool, name], rule.benchmarks.get(name), settings)
            pts = _points(units.loc[rows, name], weight, bench, settings.caps.get(name))
            if not bench > 0 and rows.any():
                _bad_benchmark(scale, name, bench, log)
            if scale is Scale.ABOVE and name == _EMISSION:
                pts = _substitute_emissions(
                    pts, settings, pool=pool[rows], notes=notes, log=log, units=units
                )
            points.loc[rows, f"score_{name}"] = pts
            bench_rows.append(_bench_row(scale, name, bench=bench, weight=weight, s=settings))
        cols = [f"score_{n}" for n in rule.weights]
        _missing_items(
            units,
            rows,
            cols,
            points=points,
            settings=settings,
            evaluated=evaluated,
            notes=notes,
            log=log,
        )
    weighted = points.notna().any(axis=1)
    score = points.sum(axis=1, min_count=1).where(evaluated & weighted)
    return ScoreTable(points, score, evaluated, notes, pd.DataFrame(bench_rows))


def _complete(units: pd.DataFrame, scale: Scale, settings: ScoringSettings) -> pd.Series:
    """Units that have every weighted indicator of their set (those that are evaluated).

    With ``missing_item_rule = zero`` every unit is evaluated; a 规上 unit without 单位排放增加值
    is evaluated when it gets the mean points (``missing_emissions = mean_score``).
    """
    ok = pd.Series(True, index=units.index)
    if settings.missing_item is MissingItemRule.ZERO:
        return ok
    substituted = scale is Scale.ABOVE and settings.missing_emissions is MissingEmissions.MEAN_SCORE
    for name in settings.rule(scale).weights:
        if not (substituted and name == _EMISSION):
            ok &= units[name].notna()
    return ok


def _points(values: pd.Series, weight: float, bench: float, cap: float | None) -> pd.Series:
    """``w · x / b``, capped at ``cap · w``; NaN when the benchmark is not positive."""
    if not bench > 0:
        return values * np.nan
    pts = weight * values / bench
    return pts.clip(upper=cap * weight) if cap is not None else pts


def _bad_benchmark(scale: Scale, name: str, bench: float, log: ProblemLog) -> None:
    log.add(
        f"{scale.value}指标「{INDICATORS[name].label}」的基准值不是正数，该项无法计分",
        field=name,
        value=bench,
        action="检查参评企业数据，或在策略配置中给定基准值（benchmark_mode = given）",
        severity=Severity.ERROR,
        role=COMPUTED,
    )


def _benchmark(values: pd.Series, given: float | None, settings: ScoringSettings) -> float:
    if settings.benchmark_mode is BenchmarkMode.GIVEN:
        return float(given) if given is not None else np.nan
    mean = float(values.mean()) if values.notna().any() else np.nan
    k = settings.benchmark_k if settings.benchmark_mode is BenchmarkMode.K_MEAN else 1.0
    return k * mean


def _bench_row(
    scale: Scale, name: str, *, bench: float, weight: float, s: ScoringSettings
) -> dict[str, object]:
    ind = INDICATORS[name]
    key = f"benchmarks_{'above' if scale is Scale.ABOVE else 'below'}_scale"
    return {
        "scale": scale.value,
        "indicator": name,
        "label": ind.label,
        "unit": ind.unit,
        "weight": weight,
        "benchmark": bench,
        "benchmark_mode": s.benchmark_mode.value,
        "cap": s.caps.get(name),
        "source": s.cite(key if s.benchmark_mode is BenchmarkMode.GIVEN else "benchmark_mode"),
    }


def _substitute_emissions(
    pts: pd.Series,
    settings: ScoringSettings,
    *,
    pool: pd.Series,
    notes: pd.Series,
    log: ProblemLog,
    units: pd.DataFrame,
) -> pd.Series:
    """The mean points of the evaluated 规上 units (``pool``) for those without emissions
    (「无排放数据」): a unit whose 单位排放增加值 is missing for want of its 增加值 (the
    numerator) lacks the 增加值, not the emissions — that item stays missing, named with the
    others it leaves blank, and no mean points are put on it."""
    if settings.missing_emissions is not MissingEmissions.MEAN_SCORE:
        return pts
    numerator = INDICATORS[_EMISSION].numerator
    known = pd.to_numeric(units[numerator], errors="coerce") if numerator in units else None
    gap = pts.isna() & (known.reindex(pts.index).notna() if known is not None else False)
    scored = pts[pool.reindex(pts.index, fill_value=False)].dropna()
    if not gap.any() or not len(scored):
        return pts
    mean = float(scored.mean())
    cite = settings.cite("missing_emissions")
    for idx in pts.index[gap]:
        notes[idx] += f"无排放数据，单位排放增加值项取规上企业平均得分 {mean:.2f} 分 {cite}；"
        log.add(
            "规上企业无排放数据，单位排放增加值项取规上企业平均得分",
            row=_source_row(units, idx),
            field="emissions_t",
            value=f"{units.at[idx, 'unit_id']}：{mean:.4f} 分",
            action="如有排放数据请补充",
            severity=Severity.INFO,
            role="enterprises",
        )
    return pts.mask(gap, mean)


def _missing_items(
    units: pd.DataFrame,
    rows: pd.Series,
    cols: list[str],
    *,
    points: pd.DataFrame,
    settings: ScoringSettings,
    evaluated: pd.Series,
    notes: pd.Series,
    log: ProblemLog,
) -> None:
    gaps = points.loc[rows, cols].isna()
    for idx in gaps.index[gaps.any(axis=1)]:
        labels = "、".join(INDICATORS[c[6:]].label for c in cols if gaps.at[idx, c])
        if settings.missing_item is MissingItemRule.ZERO:
            points.loc[idx, [c for c in cols if gaps.at[idx, c]]] = 0.0
            notes[idx] += f"缺少{labels}，该项记 0 分；"
            text, severity = f"缺少{labels}，该项记 0 分", Severity.WARNING
        else:
            evaluated[idx] = False
            notes[idx] += f"缺少{labels}，不参评；"
            text, severity = f"缺少{labels}，不参评", Severity.WARNING
        log.add(
            text,
            row=_source_row(units, idx),
            field="、".join(c[6:] for c in cols if gaps.at[idx, c]),
            value=units.at[idx, "unit_id"],
            action="补充数据后重新评价",
            severity=severity,
            role="enterprises",
        )
