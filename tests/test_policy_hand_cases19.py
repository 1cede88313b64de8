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
from landgov.screening import check_low_efficiency
from landgov.verdict import Status
from tests._hand import firms, owner_links, plots, screen_plots, uscc

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


# =============================================================================================
# 2. 拱墅 第三条第（一）项第1目: 「对制造业企业开展全面排查，摸清企业用地、用能、产出等情况，动态
# 更新《拱墅区高耗低效整治企业清单》」. Its own text names 制造业 as what is screened: a
# wholesaler (批发, GB/T 4754-2017 大类 51) on industrial land is outside it, cited to 拱政发, not
# 「参照」 another county. The 3-亩 focus for 规下 firms is not in 拱政发 (「全面排查」): it stays
# 参照虞政发〔2022〕12号 / 嵊政〔2022〕28号, 示例规则（非官方）.

GS_SCOPE = "[拱政发〔2022〕10号 第三条第（一）项第1目]"


def test_gongshu_screens_manufacturing_firms_by_its_own_text():
    prof = load_profile("gongshu-2022")
    scope = prof.citation("screening.focus_industries")
    assert str(scope) == GS_SCOPE and scope.official
    assert prof.value("screening.focus_industries") == {"制造业": ("13-43",)}
    # 21 亩 plots at 84 万元 → 4.00 万元/亩 ≤ 5 (参照): 低效 whoever holds them
    parcels = plots(2, tax_wan=[84.0, 84.0])
    ents = firms(2, industry_code=["3311", "5171"])
    got = check_low_efficiency(parcels, enterprises=ents, pairs=owner_links(parcels), profile=prof)
    assert [v.status for v in got] == [Status.FAIL, Status.FAIL]
    assert [v.values["in_focus"] for v in got] == [True, False]
    assert (
        f"{uscc(1)} 行业代码 5171（大类 51）不属制造业（GB/T 4754 大类 13–43），"
        f"不属排查重点 {GS_SCOPE}"
    ) in got.iloc[1].reason
    small = prof.citation("screening.small_firm_min_land_mu")
    assert small.borrowed and not small.official


# =============================================================================================
# 3. 拱墅 at the borrowed 5 万元/亩 (参照虞政发〔2022〕12号 「5万元以下」, 示例规则（非官方）), to
# the ten-thousandth: 亩均税收 = 税收 ÷ 21.
#   105.0021 → 5.0001 > 5: not 低效 on an example figure alone → 待核实 (never 不列入)
#   105      → 5.0000 ≤ 5: 低效 (不符合 stays on an example figure) → 治理, 整治提升
#   104.9979 → 4.9999 ≤ 5: 治理, 整治提升
# A grade-A firm (拱政发 第四条第（二）项: exempt from 有序用电 etc., not from the screening) at
# 4.9999 is 治理 too.


def test_gongshu_at_five_wan_to_the_ten_thousandth():
    prof = load_profile("gongshu-2022")
    parcels = plots(4)
    parcels["grade"] = ["B", "B", "B", "A"]
    ents = firms(4, tax_wan=[105.0021, 105.0, 104.9979, 104.9979], grade=["B", "B", "B", "A"])
    got = screen_plots(prof, parcels, ents)
    assert got.parcels["screening_status"].tolist() == ["待核实", "治理", "治理", "治理"]
    assert got.parcels["path"].tolist()[1:] == ["整治提升"] * 3
    low = got.checks["low_efficiency"]
    assert [v.status for v in low] == [Status.UNKNOWN, Status.FAIL, Status.FAIL, Status.FAIL]
    assert "5.0001" in low.iloc[0].reason and "4.9999" in low.iloc[2].reason
    for v in low:
        assert "[参照虞政发〔2022〕12号 第二条; 第三条第（一）项第1目]" in v.explain()
        assert "示例规则（非官方）" in v.explain()


# =============================================================================================
# 4. A province run judges each county by its own profile (zhejiang-province-2023: 330604 上虞,
# 330683 嵊州, 330105 拱墅, 330602 越城, others → zhejiang-2023). The same 21-亩 plot at 105.21
# 万元 (5.01 万元/亩): only 上虞's own 「5万元以下」 clears it (不列入); every other county
# borrows the figure (示例规则（非官方）) → 待核实. At 104.79 (4.99) every county lists it (治理),
# 上虞 on its own text, the others saying the figure is 参照.


@pytest.mark.parametrize(
    ("code", "name", "above"),
    [
        ("330604", "shangyu-2022", "不列入"),
        ("330683", "shengzhou-2022", "待核实"),
        ("330105", "gongshu-2022", "待核实"),
        ("330602", "yuecheng-2022", "待核实"),
        ("330603", "zhejiang-2023", "待核实"),  # 柯桥区: no profile of its own
    ],
)
def test_province_gives_each_county_its_own_answer_at_the_same_values(code, name, above):
    from landgov.province.county import county_profile
    from landgov.province.profile import load_province_profile

    judged = load_province_profile("zhejiang-province-2023").profile_for(code)
    assert judged == name
    prof = county_profile(judged)
    got = screen_plots(prof, plots(2), firms(2, tax_wan=[105.21, 104.79]))
    assert got.parcels["screening_status"].tolist() == [above, "治理"]
    below = got.checks["low_efficiency"].iloc[1].explain()
    if name == "shangyu-2022":
        assert below.endswith("[虞政发〔2022〕12号 第二条; 第三条第（一）项第1目]")
    else:
        assert "[参照虞政发〔2022〕12号 第二条; 第三条第（一）项第1目] 示例规则（非官方）" in below


# =============================================================================================
# 5. 拱墅 第二条 「效率增量。全区规上工业亩均税收达到115万元，规上工业亩均增加值达到565万元」:
# 「达到」 includes the number. One 规上 firm on 20 亩: 2300 万元 → 115.0000 万元/亩 has reached
# it (gap 0); 2299.998 → 114.9999 has not. 11300 万元 增加值 → 565 has reached 565.


@pytest.mark.parametrize(("tax", "reached_it"), [(2300.0, True), (2299.998, False)])
def test_gongshu_district_at_its_115_target(tax, reached_it):
    from landgov.core.compare import reached
    from landgov.summary import summarise

    prof = load_profile("gongshu-2022")
    ents = firms(1, tax_wan=[tax], value_added_wan=[11300.0], land_mu=[20.0])
    got = screen_plots(prof, plots(1), ents)
    table = summarise(got.parcels, enterprises=ents, profile=prof)
    row = table[table["township"] == "全区"].iloc[0]
    assert row["tax_per_mu_target"] == 115.0 and row["value_added_per_mu_target"] == 565.0
    assert row["tax_per_mu_target_year"] == 2023
    assert reached(row["tax_per_mu_above_scale"], 115.0) is reached_it
    assert reached(row["value_added_per_mu_above_scale"], 565.0)
    assert row["tax_per_mu_gap"] == pytest.approx(0.0 if reached_it else 0.0001)
    assert "规上亩均税收目标 [拱政发〔2022〕10号 第二条]" in row["target_source"]
    assert "盘活低效工业用地" not in row["target_source"]  # 拱政发 sets no 亩 target


# =============================================================================================
# 6. A citation a county borrows whole names each document 「参照」: 拱墅 is bound by neither
# 虞政发〔2022〕12号 nor 嵊政〔2022〕28号, so its R4 (整治提升) cites both as 参照. 嵊州 is bound by
# its own 嵊政〔2022〕28号: only 虞政发 is 参照. Read as text, the two must differ — one
# 「[参照A; B]」 for both would tell a 拱墅 reader that 嵊政 binds 拱墅.


def test_a_wholly_borrowed_citation_names_every_document_canzhao():
    from landgov.screening.paths import rule_table

    def r4(name):
        return str({r.id: r for r in rule_table(load_profile(name))}["R4"].citation)

    assert r4("gongshu-2022") == (
        "[参照虞政发〔2022〕12号 第三条第（二）项第1目; 参照嵊政〔2022〕28号 第三条第（一）项第2目]"
        " 示例规则（非官方）"
    )
    assert r4("shengzhou-2022") == (
        "[参照虞政发〔2022〕12号 第三条第（二）项第1目; 嵊政〔2022〕28号 第三条第（一）项第2目]"
        " 示例规则（非官方）"
    )
    # one document, several clauses: 参照 once, before the 文号
    low = str(load_profile("gongshu-2022").citation("screening.low_efficiency_tax_per_mu"))
    assert low == "[参照虞政发〔2022〕12号 第二条; 第三条第（一）项第1目] 示例规则（非官方）"
