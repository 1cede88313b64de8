"""Every 筛查结论 carries its reasons and clauses, not only 治理.

A 待核实 or 不列入 plot had an empty 理由 and 政策依据 (only 待核实事项 said what was missing):
28,396 of the 50,000 plots of the generated district, and every 不列入 plot of a county with its
own thresholds, left the list with no stated reason. Hand case on 上虞 (虞政发〔2022〕12号),
21-亩 plots (14000 m²), 容积率 0.8 ≥ 0.7 (industry 34), every other check clean:

- tax 105.21 万元 → 105.21 ÷ 21 = 5.01 > 5 (「5万元以下」 includes 5, so 5.01 is not 低效)
  → 不列入: each trigger check named 符合 with its clause;
- tax blank → 亩均税收 unknown → 待核实: the 低效用地 check named 待核实 with its clause and
  what is missing, and no check that passed.
"""

from __future__ import annotations

import pytest

from landgov.policy import load_profile
from tests._hand import firms, plots, screen_plots

SY_LOW = "[虞政发〔2022〕12号 第二条; 第三条第（一）项第1目]"


@pytest.fixture(scope="module")
def screened():
    profile = load_profile("shangyu-2022")
    got = screen_plots(profile, plots(3), firms(3, tax_wan=[105.21, None, 105.0]))
    return profile, got


def test_a_plot_left_off_the_list_says_why_check_by_check(screened) -> None:
    profile, got = screened
    p = got.parcels.iloc[0]
    assert p["screening_status"] == "不列入"
    lines = p["reasons"].split("\n")
    assert lines[0] == "筛查结论「不列入」：各项治理条件均不成立"
    # one line per trigger check of the profile, each 符合 with its clause
    triggers = profile.value("screening.governance_triggers")
    assert len(lines) == 1 + len(triggers), lines
    assert lines[1] == (
        "· 低效用地：符合：亩均税收 5.01 万元/亩，未达低效门槛（≤ 5 万元/亩（以下，含本数）） "
        + SY_LOW
    )
    assert all(line.startswith("· ") and "：符合：" in line for line in lines[1:]), lines
    assert SY_LOW in p["citations"]


def test_a_plot_to_verify_names_the_undecided_check_its_clause_and_what_is_missing(
    screened,
) -> None:
    _, got = screened
    p = got.parcels.iloc[1]
    assert p["screening_status"] == "待核实"
    lines = p["reasons"].split("\n")
    assert lines[0].startswith("筛查结论「待核实」：")
    low = [line for line in lines if line.startswith("· 低效用地：待核实：")]
    assert len(low) == 1 and SY_LOW in low[0] and "缺少" in low[0], lines
    assert not [line for line in lines if "：符合：" in line], lines  # only what is undecided
    assert p["citations"] == SY_LOW


def test_a_governed_plot_keeps_its_path_reasons(screened) -> None:
    _, got = screened
    p = got.parcels.iloc[2]  # 105.00 ÷ 21 = 5.00 ≤ 5 → 低效 → 治理, R4 整治提升
    assert p["screening_status"] == "治理"
    assert p["reasons"].startswith("规则 R4「整治提升」")
