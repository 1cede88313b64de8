"""Screening: per-plot checks, the 底数清单 and the 治理清单 (docs/domain.md §4).

Every check is one public function returning a :class:`~landgov.verdict.Verdict` per parcel (a
Series aligned with the input index): 符合 when no problem is found, 不符合 when one is, 待核实 when
an input is missing — with the missing layer or field named, never a silent pass.

- ``low_efficiency`` — 亩均税收 at or below ``screening.low_efficiency_tax_per_mu`` (「以下」)
  [001 二; 三(一)1] on every plot; 规下 firms under ``small_firm_min_land_mu`` 亩 are flagged
  outside the focus [001 三(二)1; 002 三(二)1], not passed;
- ``violation`` — a 安全/环保/质量/能耗/消防/税收 [001 三(一)1] or 违法用地/违法建设/无照经营
  [002 三(一)2] record on the plot;
- ``two_high`` — “两高”项目 (≥ 1000 tce/yr, built since 2018) and 用能项目 (≥ 5000 tce/yr,
  before) to assess one by one [001 三(二)2]: 需评估 (待核实) until an assessment says 不符合要求;
- ``idle`` (供而未用) — not started a full year after the contracted date *(ext: 闲置土地处置办法
  2012)* [004 二(一)1];
- ``under_used`` (用而未尽) — 容积率 below the industry floor [004 二(一)1], looked up by
  :func:`landgov.far.industry.national_floor` as ``far`` does;
- ``planning`` / ``control_line`` — planned use no longer industrial, or outside the 工业用地控制线,
  on a share of the area [000 19];
- ``demolition`` — inside a recent demolition plan [000 附件3 三.1];
- ``catalogue`` — an enterprise in a flagged class of 产业结构调整指导目录 (淘汰类).

:func:`screen` runs them all, puts a plot on the 治理清单 when one of the profile's
``screening.governance_triggers`` fails, gives each a 四个一批 path (:mod:`landgov.screening.paths`)
and groups the plots whose path frees or rebuilds land into 连片 blocks
(:mod:`landgov.screening.blocks`; both decided together in :mod:`landgov.screening._paths_blocks`).
"""

from landgov.core.vocab import ScreeningStatus
from landgov.screening._checks_firms import (
    check_catalogue,
    check_low_efficiency,
    check_two_high,
    check_violations,
)
from landgov.screening._checks_land import check_idle, check_under_used
from landgov.screening._checks_overlay import check_control_line, check_demolition, check_planning
from landgov.screening._common import CHECK_LABELS, Check
from landgov.screening._screen import ScreeningResult, screen

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
