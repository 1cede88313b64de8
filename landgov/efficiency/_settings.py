"""Enums and frozen settings read from the ``scoring`` and ``grading`` profile sections."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from landgov.core.vocab import Grade
from landgov.errors import Issue, ProfileError
from landgov.policy import Param, Profile, below_scale_min_land
from landgov.verdict import Citation

__all__ = [
    "BenchmarkMode",
    "Grade",
    "GradeMethod",
    "GradeSource",
    "GradingSettings",
    "GroupBy",
    "MissingEmissions",
    "MissingItemRule",
    "Scale",
    "ScaleRule",
    "ScoringSettings",
]


class GradeSource(enum.StrEnum):
    """Where the grade used comes from."""

    PLATFORM = "平台"  # 亩均论英雄 platform (grade_given)
    COMPUTED = "计算"
    NONE = "未评价"


class Scale(enum.StrEnum):
    """规上 (above designated size) or 规下 enterprise; each has its own indicator set."""

    ABOVE = "规上"
    BELOW = "规下"


class BenchmarkMode(enum.StrEnum):
    """How a benchmark is set: a given value, the mean, or k × the mean."""

    GIVEN = "given"
    MEAN = "mean"
    K_MEAN = "k_mean"


class MissingEmissions(enum.StrEnum):
    """What a 规上 firm without emissions data scores on that item."""

    MEAN_SCORE = "mean_score"  # the average 规上 score on that item
    NOT_EVALUATED = "not_evaluated"


class MissingItemRule(enum.StrEnum):
    """What a firm missing any other weighted indicator gets."""

    NOT_EVALUATED = "not_evaluated"
    ZERO = "zero"


class GradeMethod(enum.StrEnum):
    """Grade by rank (percentile bands) or by score thresholds."""

    PERCENTILE = "percentile"
    THRESHOLD = "threshold"


class GroupBy(enum.StrEnum):
    """Grading groups."""

    NONE = "none"
    INDUSTRY2 = "industry2"  # 2-digit industry code (GB/T 4754 大类)


_INDICATOR_NAMES = (
    "tax_per_mu",
    "value_added_per_mu",
    "value_added_per_energy",
    "value_added_per_emission",
    "labour_productivity",
    "rd_ratio",
    "tax_per_power",
)


@dataclass(frozen=True)
class ScaleRule:
    """Weights (分) and given benchmarks of one indicator set (规上 or 规下)."""

    weights: Mapping[str, float]
    benchmarks: Mapping[str, float]

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))
        object.__setattr__(self, "benchmarks", MappingProxyType(dict(self.benchmarks)))


@dataclass(frozen=True)
class ScoringSettings:
    """The ``scoring`` section: indicator sets, benchmark mode, caps and substitution rules."""

    above: ScaleRule
    below: ScaleRule
    benchmark_mode: BenchmarkMode
    benchmark_k: float
    caps: Mapping[str, float]
    missing_emissions: MissingEmissions
    missing_item: MissingItemRule
    below_min_land: Param  # the 规下 land threshold shared with screening (``>=``)
    declared_land_fallback: bool
    citations: Mapping[str, Citation]

    def rule(self, scale: Scale) -> ScaleRule:
        """The indicator set for ``scale``."""
        return self.above if scale is Scale.ABOVE else self.below

    def cite(self, key: str) -> str:
        """Citation text of ``scoring.<key>``."""
        return str(self.citations.get(key, ""))

    @classmethod
    def from_profile(cls, profile: Profile) -> ScoringSettings:
        """Read and cross-check the ``scoring`` section.

        Raises
        ------
        ProfileError
            When ``benchmark_mode = given`` and a weighted indicator has no benchmark (> 0).
        """
        v = profile.value
        mode = BenchmarkMode(v("scoring.benchmark_mode"))
        rules = {}
        issues: list[Issue] = []
        for scale, suffix in ((Scale.ABOVE, "above_scale"), (Scale.BELOW, "below_scale")):
            weights = {k: float(w) for k, w in v(f"scoring.weights_{suffix}").items() if w > 0}
            given = dict(v(f"scoring.benchmarks_{suffix}", {}))
            rules[scale] = ScaleRule(weights, {k: float(b) for k, b in given.items()})
            if mode is BenchmarkMode.GIVEN:
                issues += [
                    Issue(
                        profile.path or profile.name,
                        f"scoring.benchmarks_{suffix}.{name}",
                        given.get(name),
                        f"{scale.value}指标「{name}」有权重但没有大于 0 的基准值",
                        "补充基准值，或把 benchmark_mode 改为 mean / k_mean",
                    )
                    for name in weights
                    if not given.get(name, 0) > 0
                ]
        if issues:
            raise ProfileError(issues)
        keys = (
            "weights_above_scale",
            "benchmarks_above_scale",
            "weights_below_scale",
            "benchmarks_below_scale",
            "benchmark_mode",
            "missing_emissions",
            "missing_item_rule",
            "declared_land_fallback",
        )
        return cls(
            above=rules[Scale.ABOVE],
            below=rules[Scale.BELOW],
            benchmark_mode=mode,
            benchmark_k=float(v("scoring.benchmark_k", 1.0)),
            caps=MappingProxyType({k: float(c) for k, c in v("scoring.caps", {}).items()}),
            missing_emissions=MissingEmissions(v("scoring.missing_emissions")),
            missing_item=MissingItemRule(v("scoring.missing_item_rule")),
            below_min_land=below_scale_min_land(profile),
            declared_land_fallback=bool(v("scoring.declared_land_fallback", False)),
            citations=MappingProxyType(
                {k: profile.citation(f"scoring.{k}") for k in keys if f"scoring.{k}" in profile}
            ),
        )


@dataclass(frozen=True)
class GradingSettings:
    """The ``grading`` section: bands or thresholds, groups and labels."""

    method: GradeMethod
    bands: tuple[tuple[Grade, float], ...]  # best first; shares sum to 1
    thresholds: tuple[tuple[Grade, float], ...]  # A, B, C minimum scores
    group_by: GroupBy
    min_group_size: int
    separate_scales: bool
    labels: Mapping[Grade, str]
    citation: Citation

    @classmethod
    def from_profile(cls, profile: Profile) -> GradingSettings:
        """Read and cross-check the ``grading`` section.

        Raises
        ------
        ProfileError
            Percentile bands that do not cover A–D or do not sum to 1; thresholds not A ≥ B ≥ C.
        """
        v = profile.value
        method = GradeMethod(v("grading.method"))
        src = profile.path or profile.name
        issues: list[Issue] = []
        bands_raw = dict(v("grading.percentile_bands", {}))
        thr_raw = dict(v("grading.score_thresholds", {}))
        if method is GradeMethod.PERCENTILE and (
            set(bands_raw) != set("ABCD") or not math.isclose(sum(bands_raw.values()), 1.0)
        ):
            issues.append(
                Issue(
                    src,
                    "grading.percentile_bands",
                    bands_raw,
                    "分档比例须给出 A、B、C、D 四档且合计为 1",
                    "例如 { A = 0.20, B = 0.40, C = 0.35, D = 0.05 }",
                )
            )
        if method is GradeMethod.THRESHOLD and (
            set(thr_raw) != set("ABC") or not thr_raw["A"] >= thr_raw["B"] >= thr_raw["C"]
        ):
            issues.append(
                Issue(
                    src,
                    "grading.score_thresholds",
                    thr_raw,
                    "分数阈值须给出 A、B、C 三档且 A ≥ B ≥ C",
                    "例如 { A = 120, B = 90, C = 60 }",
                )
            )
        if issues:
            raise ProfileError(issues)
        labels = {g: g.label for g in Grade} | {
            Grade(k): str(t) for k, t in v("grading.grade_labels", {}).items()
        }
        return cls(
            method=method,
            bands=tuple((Grade(g), float(bands_raw[g])) for g in "ABCD" if g in bands_raw),
            thresholds=tuple((Grade(g), float(thr_raw[g])) for g in "ABC" if g in thr_raw),
            group_by=GroupBy(v("grading.group_by")),
            min_group_size=int(v("grading.min_group_size", 1)),
            separate_scales=bool(v("grading.separate_scales")),
            labels=MappingProxyType(labels),
            citation=profile.citation(
                "grading.percentile_bands"
                if method is GradeMethod.PERCENTILE
                else "grading.score_thresholds"
            ),
        )
