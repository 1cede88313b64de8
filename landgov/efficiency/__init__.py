"""亩均效益: indicators per enterprise and parcel, the comprehensive score and grades A/B/C/D.

Indicators (docs/domain.md §3) are ratios with exact 亩 (1 亩 = 10000/15 m²); a missing input or a
zero denominator gives NaN and a problem row, never inf or a silent 0. The score is
Σ weight × value / benchmark over the indicator set of the enterprise's scale (规上 / 规下), with
the benchmark given, the mean or k × the mean, an optional cap per item, and the average 规上
points on 单位排放增加值 for a 规上 firm without emissions data. Grades come from percentile bands
or score thresholds, optionally within 2-digit industry groups. Every weight, benchmark and
band is read from the policy profile (``scoring.*``, ``grading.*``).
"""

from landgov.efficiency._evaluate import (
    OUT_OF_SCOPE,
    GradeResult,
    grade_enterprises,
    out_of_scope_words,
    parcel_grades,
    parcel_out_of_scope,
)
from landgov.efficiency._grading import industry2
from landgov.efficiency._indicators import INDICATORS, Indicator, IndicatorResult, indicators
from landgov.efficiency._scoring import score_units
from landgov.efficiency._settings import (
    BenchmarkMode,
    Grade,
    GradeMethod,
    GradeSource,
    GradingSettings,
    GroupBy,
    MissingEmissions,
    MissingItemRule,
    Scale,
    ScaleRule,
    ScoringSettings,
)

__all__ = [
    "INDICATORS",
    "OUT_OF_SCOPE",
    "BenchmarkMode",
    "Grade",
    "GradeMethod",
    "GradeResult",
    "GradeSource",
    "GradingSettings",
    "GroupBy",
    "Indicator",
    "IndicatorResult",
    "MissingEmissions",
    "MissingItemRule",
    "Scale",
    "ScaleRule",
    "ScoringSettings",
    "grade_enterprises",
    "indicators",
    "industry2",
    "out_of_scope_words",
    "parcel_grades",
    "parcel_out_of_scope",
    "score_units",
]
