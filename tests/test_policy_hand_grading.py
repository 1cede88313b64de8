"""Hand-worked policy cases for 亩均评价, 镇街汇总, 连片, 台账 and 动态评价.

Every expected value is worked out on paper from the clause or the stated rule it cites,
before the code is run. 1 亩 = 10000/15 m²; money in 万元. Comparisons follow 《民法典》第1259条:
「以上」「以下」 include the number; 「大于」「低于」「超过」「不足」 do not. A missing input never
raises or lowers a figure silently: it is 待核实 or handled by a stated rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landgov.efficiency import Grade, grade_enterprises
from landgov.ids import uscc_check_char
from landgov.policy import load_profile


def _uscc(i: int) -> str:
    first17 = f"91330602MA3D{i:05d}"
    return first17 + uscc_check_char(first17)


@pytest.fixture(scope="module")
def yuecheng():
    return load_profile("yuecheng-2022")


def _below(i: int, land_mu: float, tax_wan: float, power: float) -> dict:
    """A 规下 firm: 亩均税收 = tax / land, 单位电耗税收 = tax / power."""
    return {
        "uscc": _uscc(i),
        "above_scale": False,
        "land_mu": land_mu,
        "tax_wan": tax_wan,
        "power_10k_kwh": power,
    }


# =============================================================================================
# 亩均评价: grades by rank (淮安 bands A 20 %, B 40 %, C 35 %, D 5 %; 示例规则（非官方）).


def test_firms_with_the_same_indicators_share_a_rank_and_a_grade(yuecheng):
    # Five 规下 firms (黄岩 2022 规下 set: 亩均税收 50 分 / 11.5932, 单位电耗税收 50 分 / 0.2352).
    #   甲 0.21 万元 on 3 亩, 3 万kWh: 亩均税收 0.07, 电耗税收 0.07
    #   乙 0.28 万元 on 4 亩, 4 万kWh: 亩均税收 0.07, 电耗税收 0.07 — the same as 甲
    #   score of both = 50 × 0.07 / 11.5932 + 50 × 0.07 / 0.2352 = 15.182853
    # 丙 丁 戊 score less. Same indicators, same score, same rank: 甲 and 乙 share rank 1 (ties
    # share the better rank), q = (1 − ½)/5 = 0.1 ≤ 0.20 → both A. Before, the last bit of
    # 0.21 / 3 (0.06999…) against 0.28 / 4 (0.07) ranked 乙 first: 乙 A, 甲 B.
    rows = pd.DataFrame(
        [
            _below(0, 3.0, 0.21, 3.0),
            _below(1, 4.0, 0.28, 4.0),
            _below(2, 5.0, 0.2, 100.0),
            _below(3, 5.0, 0.1, 100.0),
            _below(4, 5.0, 0.05, 100.0),
        ]
    )
    got = grade_enterprises(rows, profile=yuecheng).data
    assert got["score"].iloc[0] == pytest.approx(50 * 0.07 / 11.5932 + 50 * 0.07 / 0.2352)
    assert got["score"].iloc[1] == pytest.approx(got["score"].iloc[0])
    assert got["grade"].tolist()[:2] == [Grade.A, Grade.A]
