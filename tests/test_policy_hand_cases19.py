"""Hand-worked policy cases, round 19: 拱墅 (拱政发〔2022〕10号) and 嵊州 (嵊政〔2022〕28号) read
as a lawyer reads them — the words a user is shown for each target, and plots at the boundary.

Rounds 3–18 (tests/test_policy_hand_cases3.py … 18.py, tests/test_policy_hand_counties.py …) are
not repeated. Plots are the hand plots of :mod:`tests._hand` (EPSG:4549, 1 km apart; 21 亩 =
14000 m², so 亩均税收 = 税收 ÷ 21; firm ``i`` owns plot ``i``, 规上, 100 tce, built 2015); the
reference date is 2024-06-30.

What the texts say (read at the source):

- 拱政发〔2022〕10号 第二条「主要目标」 runs its targets in unnumbered paragraphs: 「效率增量。
  全区规上工业亩均税收达到115万元，规上工业亩均增加值达到565万元，规上工业企业全员劳动生产率
  达到48万元/人」. 「达到」 includes the number.
- 嵊政〔2022〕28号 第二条's 指标体系 table, row 1 「规上工业亩均税收(万元)」: 13.68 (2020 基数) … 28
  (2023 目标) … 37 (2023 浙江省), 30 (2023 绍兴市, the last column); row 2 亩均增加值: 70.66 …
  115 … 180, 130.
- 拱墅 sets no 低效 threshold (第三条第（一）项第1目 defers to 「省、市制造业高耗低效企业分区域
  分行业指南」): the 5 万元/亩 it is screened by is 参照虞政发〔2022〕12号, 示例规则（非官方）.
"""

from __future__ import annotations

import pytest

from landgov.core.documents import quote
from landgov.policy import load_profile

SHIPPED = ["shangyu-2022", "shengzhou-2022", "gongshu-2022", "yuecheng-2022", "zhejiang-2023"]


def _figure_in(value: float, words: str) -> bool:
    """``value`` as the document prints it (115, 13.68; 200000 亩 as 「20 万亩」)."""
    flat = "".join(words.split())
    return f"{value:g}" in flat or f"{value / 10000:g}万" in flat


# =============================================================================================
# 1. The 原文 a user reads beside a target (``landgov profiles show``, the 政策依据 sheet) holds
# the target's number: a quote that stops before it does not show what the profile says.


@pytest.mark.parametrize("name", SHIPPED)
def test_the_words_quoted_for_each_official_target_hold_its_number(name):
    prof = load_profile(name)
    missing = []
    for key, param in prof.params.items():
        if not key.startswith("targets.") or key.endswith("_year") or not param.citation.official:
            continue
        words = quote(param.citation.seed, param.citation.clause) or ""
        if not _figure_in(float(param.value), words):
            missing.append((key, param.value, param.citation.clause, words))
    assert missing == []


def test_gongshu_targets_are_quoted_from_the_efficiency_paragraph():
    words = quote("003", "二") or ""
    assert words.startswith("二、主要目标")
    assert "效率增量。全区规上工业亩均税收达到115万元，规上工业亩均增加值达到565万元" in words
    assert "规上工业企业全员劳动生产率达到48万元/人" in words


def test_shengzhou_city_targets_are_the_last_column_of_their_rows():
    # row 1: 13.68 … 28 … 37, 30; row 2: 70.66 … 115 … 180, 130 — the 绍兴市 column is last
    assert (quote("002", "二 指标体系表 #1") or "").endswith("28，37，30")
    assert (quote("002", "二 指标体系表 #2") or "").endswith("115，180，130")
    sz = load_profile("shengzhou-2022")
    assert sz.value("targets.city_tax_per_mu") == 30.0
    assert sz.value("targets.city_value_added_per_mu") == 130.0
