"""Grades A/B/C/D from scores: percentile bands or score thresholds, within groups."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from landgov.core.compare import measured
from landgov.efficiency._settings import Grade, GradeMethod, GradingSettings, GroupBy

__all__ = ["assign_grades", "grade_groups", "industry2"]

_OTHER_INDUSTRY = "其他行业"
_TOL = 1e-9


def industry2(code: object) -> str | None:
    """The 2-digit GB/T 4754 大类 of an industry code (``C3911`` → ``39``, ``3911`` → ``39``)."""
    if code is None or (isinstance(code, float) and np.isnan(code)) or code is pd.NA:
        return None
    match = re.search(r"\d{2}", str(code))
    return match.group(0) if match else None


def grade_groups(
    units: pd.DataFrame, *, scored: pd.Series, settings: GradingSettings, separate_tenants: bool
) -> pd.Series:
    """A group label per unit; units are ranked only against units with the same label.

    The label joins the scale (规上/规下, when ``separate_scales``), 承租企业 for tenants graded
    as a separate list (tenancy mode ``separate``) and the 2-digit industry (``group_by =
    industry2``; groups smaller than ``min_group_size`` are pooled as 其他行业).
    """
    parts = pd.DataFrame(index=units.index)
    parts["scale"] = units["scale"].fillna("") if settings.separate_scales else "全部"
    parts["tenant"] = np.where(separate_tenants & units["is_tenant"], "承租企业", "")
    if settings.group_by is GroupBy.INDUSTRY2:
        ind = units["industry_code"].map(industry2).fillna("未知行业")
        base = parts["scale"] + parts["tenant"]
        size = ind[scored].groupby([base[scored], ind[scored]]).transform("size")
        small = pd.Series(False, index=units.index)
        small[size.index] = size < settings.min_group_size
        parts["industry"] = ("行业" + ind).where(~small, _OTHER_INDUSTRY)
    else:
        parts["industry"] = ""
    columns = [parts[c].tolist() for c in parts.columns]  # no Series per row
    joined = ["·".join(p for p in row if p) for row in zip(*columns, strict=True)]
    return pd.Series(joined, index=units.index, dtype=object)


def assign_grades(score: pd.Series, *, groups: pd.Series, settings: GradingSettings) -> pd.Series:
    """Grade every unit with a score; NaN scores get no grade (``None``)."""
    out = pd.Series(None, index=score.index, dtype=object)
    valid = score.notna()
    if settings.method is GradeMethod.THRESHOLD:
        out[valid] = score[valid].map(lambda s: _by_threshold(s, settings))
        return out
    for _, idx in score[valid].groupby(groups[valid]).groups.items():
        out[idx] = _by_percentile(score[idx], settings)
    return out


def _by_threshold(score: float, settings: GradingSettings) -> Grade:
    for grade, minimum in settings.thresholds:
        if measured(score) >= minimum:  # 「≥ 120 为 A」: the score itself included
            return grade
    return Grade.D


def _by_percentile(scores: pd.Series, settings: GradingSettings) -> pd.Series:
    """Rank r (1 = best, ties share the better rank) of n; position q = (r − ½)/n; the first
    band whose cumulative share reaches q.

    Scores are ranked as measured (:func:`~landgov.core.compare.measured`, 6 decimals), as the
    score thresholds compare them: two firms whose indicators are the same by hand (0.21 万元 on
    3 亩 and 0.28 万元 on 4 亩, both 0.07 万元/亩) tie, whatever the last bits of the division.
    """
    n = len(scores)
    q = (measured(scores).rank(ascending=False, method="min") - 0.5) / n
    cum = np.cumsum([share for _, share in settings.bands])
    grades = [g for g, _ in settings.bands]

    def pick(pos: float) -> Grade:
        for grade, edge in zip(grades, cum, strict=True):
            if pos <= edge + _TOL:
                return grade
        return grades[-1]

    return q.map(pick)
