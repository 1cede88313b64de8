"""Hand-worked policy cases, round 5: the county profiles other than 越城 — 上虞
(虞政发〔2022〕12号), 嵊州 (嵊政〔2022〕28号), 拱墅 (拱政发〔2022〕10号) and the province baseline
(浙政发〔2023〕4号) — clause by clause against the text.

Every expected value is worked out on paper from the clause it cites before the code is run.
Plots are drawn in EPSG:4549 with the helpers of ``tests/_hand.py`` (1 km
apart, so none are neighbours); 21 亩 = 14000 m², so 亩均税收 = 税收 ÷ 21. The enterprise on plot
i is firm i (owner); firms are 规上 unless a case says otherwise, industry 3311 (GB/T 4754-2017
金属结构制造 → 2002 大类 34, national 容积率 floor 0.7), 允许类, 100 tce, built 2015, completed
2015-05-01; planning: the whole plot 工业用地 inside the 工业用地控制线; no demolition plan; an
empty violation table. Comparisons follow 《民法典》第1259条: 「以上」「以下」「不低于」 include
the number, 「低于」「不足」 do not.

What the texts say (read at the source, not from our digest):

- 上虞 第二条 「基本完成对全区亩均税收5万元以下低效企业的整治提升」 and 第三条第（一）项第1目
  「针对亩均税收5万元以下和存在安全、环保、质量、能耗、消防和税收等各类违法违规问题的企业用地」:
  「以下」, so 5.00 is low efficiency — the text nowhere says 「低于5万元」.
- 上虞 第三条第（二）项第1目 「以规上制造业企业、实际用地3亩以上的规下制造业企业为重点开展排查」:
  「以上」, 3.00 亩 is in the focus; 嵊州 第三条第（二）项第1目 says 「3亩(含)以上」 outright.
- 上虞 第三条第（二）项第2目: 1000 tce 「以上（含）」 for “两高” projects built 2018 on, 5000 tce
  for 用能项目 built before; reaching a threshold selects a project for 逐一评估检查.
- The four paths: 上虞 第三条第（一）项第2目 「分类实施拆除重建、整治提升、功能转型、
  关停退出」, 嵊州 第三条第（一）项第2目 「拆除重建一批、整治提升一批、功能转型一批、
  关停退出一批」 with 「一地一企一策」.
  Neither gives criteria: the rule table is 示例规则（非官方）.
- 拱墅 第二条: 规上工业亩均税收 115 万元、亩均增加值 565 万元、全员劳动生产率 48 万元/人;
  第四条第（二）项: A类 firms 「可免于执行有序用电、大气污染防治、应急停产或执行最低限产
  比例」 — not from screening.
  拱墅 sets no 低效 threshold and no 两高 thresholds of its own.
- 浙江 第二条第（一）项第1目: 批而未供、供而未用、用而未尽; renewal 容积率 「一般不低于1.5」,
  pilots 2.0.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from landgov.core.vocab import EXAMPLE_FAIL, TreatmentPath
from landgov.io import read_enterprises
from landgov.policy import load_profile
from landgov.province.profile import load_province_profile
from landgov.run.screening import run_screening
from landgov.screening import check_low_efficiency, check_two_high, check_violations
from landgov.screening.paths import rule_table
from landgov.verdict import Status
from tests._hand import (
    AS_OF,
    cover,
    enterprises,
    firms,
    hand_files,
    owner_links,
    parcels_of,
    plots,
    screen_plots,
    square,
    uscc,
    violation_records,
)

P, F, U = Status.PASS, Status.FAIL, Status.UNKNOWN
COUNTIES = ["shangyu-2022", "shengzhou-2022", "gongshu-2022", "zhejiang-2023"]
BORROWING = ["shengzhou-2022", "gongshu-2022", "zhejiang-2023"]
EXAMPLE = "示例规则（非官方）"

# the citations as a user reads them (文号 and clause, never a seed number)
SY_LOW = "[虞政发〔2022〕12号 第二条; 第三条第（一）项第1目]"
SY_LOW_BORROWED = "[参照虞政发〔2022〕12号 第二条; 第三条第（一）项第1目] 示例规则（非官方）"
FOCUS = "[虞政发〔2022〕12号 第三条第（二）项第1目; 嵊政〔2022〕28号 第三条第（二）项第1目]"
#: the same two clauses as each county reads them: its own as is, the other's 「参照」
OWN_FOCUS = {
    "shangyu-2022": "[虞政发〔2022〕12号 第三条第（二）项第1目;"
    " 参照嵊政〔2022〕28号 第三条第（二）项第1目]",
    "shengzhou-2022": "[参照虞政发〔2022〕12号 第三条第（二）项第1目;"
    " 嵊政〔2022〕28号 第三条第（二）项第1目]",
}
SY_TWO_HIGH = "[虞政发〔2022〕12号 第三条第（二）项第2目]"
R4_HEAD = (
    "规则 R4「整治提升」：其余治理清单地块（低于亩均门槛、可整改的违法违规问题等） "
    "[{}虞政发〔2022〕12号 第三条第（二）项第1目; {}嵊政〔2022〕28号 第三条第（一）项第2目] "
    "示例规则（非官方）"
)


@pytest.fixture(scope="module")
def profiles():
    return {name: load_profile(name) for name in COUNTIES}


def _row(result, i: int) -> dict:
    """Plot ``i`` of a screening: status, path, path rule and status, reasons, to-verify."""
    p = result.parcels.iloc[i]
    return {
        "status": p["screening_status"],
        "path": None if pd.isna(p["path"]) else p["path"],
        "rule": None if pd.isna(p["path_rule"]) else p["path_rule"],
        "path_status": None if pd.isna(p["path_status"]) else p["path_status"],
        "reasons": "" if pd.isna(p["reasons"]) else p["reasons"],
        "to_verify": p["to_verify"] or "",
    }


# =============================================================================================
# 上虞: 亩均税收 「5万元以下」 [虞政发〔2022〕12号 第二条; 第三条第（一）项第1目], its own figure.


def test_shangyu_low_efficiency_at_just_above_just_below_and_missing(profiles):
    # 21 亩 plots, 容积率 0.8 ≥ 0.7 (industry 34), every other check clean:
    #   tax 105.00 → 105 ÷ 21 = 5.00 ≤ 5 (「以下」 includes 5) → 治理, path R4 整治提升
    #   tax 105.21 → 5.01 > 5 → 不列入 (上虞's own figure: an official 符合)
    #   tax 104.79 → 4.99 ≤ 5 → 治理
    #   tax blank → 待核实, the tax named as missing — never 不列入
    got = screen_plots(
        profiles["shangyu-2022"], plots(4), firms(4, tax_wan=[105.0, 105.21, 104.79, None])
    )
    rows = [_row(got, i) for i in range(4)]
    assert [r["status"] for r in rows] == ["治理", "不列入", "治理", "待核实"]
    assert [r["path"] for r in rows] == ["整治提升", None, "整治提升", None]
    assert [r["rule"] for r in rows] == ["R4", None, "R4", None]
    low = got.checks["low_efficiency"]
    assert [v.status for v in low] == [F, P, F, U]
    assert low.iloc[0].explain() == (
        f"不符合：亩均税收 5 万元/亩，≤ 5 万元/亩（以下，含本数），属低效用地 {SY_LOW}"
    )
    assert low.iloc[1].explain() == (
        f"符合：亩均税收 5.01 万元/亩，未达低效门槛（≤ 5 万元/亩（以下，含本数）） {SY_LOW}"
    )
    assert "亩均税收 4.99 万元/亩" in low.iloc[2].reason
    assert "tax_wan（税收）" in rows[3]["to_verify"]
    # the path: decided (every earlier rule answered), cited to both counties' texts, and marked
    # as the project's rule table — the documents name the four paths but give no criteria
    assert rows[0]["path_status"] == "符合"
    assert rows[0]["reasons"].splitlines()[0] == R4_HEAD.format("", "参照")
    assert f"问题：{low.iloc[0].explain()}" in rows[0]["reasons"]
    for r in rows:
        assert "[001" not in r["reasons"] and "[002" not in r["reasons"]


@pytest.mark.parametrize("name", BORROWING)
def test_a_borrowed_5_wan_never_lets_a_plot_off_the_list(profiles, name):
    # 嵊州, 拱墅 and the province set no figure and borrow 上虞's (参照, 示例规则（非官方）):
    #   5.00 and 4.99 → 治理 (a 不符合 on a 示例 value puts the plot on the list for a person)
    #   5.01 → 待核实 (not 不列入): 「本地认定标准」 to collect, the 两高 thresholds too (borrowed)
    got = screen_plots(profiles[name], plots(3), firms(3, tax_wan=[105.0, 105.21, 104.79]))
    rows = [_row(got, i) for i in range(3)]
    assert [r["status"] for r in rows] == ["治理", "待核实", "治理"]
    low = got.checks["low_efficiency"]
    assert low.iloc[0].explain() == (
        f"不符合：亩均税收 5 万元/亩，≤ 5 万元/亩（以下，含本数），属低效用地；{EXAMPLE_FAIL} "
        f"{SY_LOW_BORROWED}"
    )
    assert "不能单独判定为符合" in low.iloc[1].reason
    assert "standard_tax_per_mu" in rows[1]["to_verify"]
    assert "standard_two_high_tce" in rows[1]["to_verify"]
    # the plot on the list still gets its path 整治提升; R1 (两高 不符合 and 低效) cannot be
    # ruled out while the 两高 thresholds are borrowed → path status 待核实
    assert (rows[0]["path"], rows[0]["rule"], rows[0]["path_status"]) == (
        "整治提升",
        "R4",
        "待核实",
    )


# =============================================================================================
# 规下 「实际用地3亩以上」 [虞政发〔2022〕12号 第三条第（二）项第1目], 「3亩(含)以上」
# [嵊政〔2022〕28号 第三条第（二）项第1目]: a screening focus, not an exclusion.


@pytest.mark.parametrize("name", COUNTIES)
def test_below_scale_firm_at_3_mu_is_in_focus_and_2_99_is_not(profiles, name):
    # 3-亩 plots, tax 12 → 4.00 万元/亩 ≤ 5 → 低效 in every profile. 规下 firms using
    #   3.00 亩 → in focus (「以上」 includes 3); 2.99 亩 → 不属排查重点, still judged 低效;
    #   blank → focus unknown (NA), the 低效 verdict does not wait for it
    # The focus note cites its own clause: 上虞、嵊州 their texts; 拱墅 and the province 「参照」.
    parcels = parcels_of([square(3.0, i) for i in range(3)], tax_wan=[12.0] * 3)
    parcels["area_m2"] = parcels.geometry.area
    ents = enterprises(3, above_scale=False, land_mu=[3.0, 2.99, None])
    got = check_low_efficiency(
        parcels, enterprises=ents, pairs=owner_links(parcels), profile=profiles[name]
    )
    assert [v.status for v in got] == [F, F, F]
    assert [v.values["in_focus"] for v in got] == [True, False, None]
    own = name in {"shangyu-2022", "shengzhou-2022"}
    borrowed = FOCUS.replace("[", "[参照", 1).replace("; ", "; 参照")  # each document 参照
    focus = OWN_FOCUS[name] if own else f"{borrowed} {EXAMPLE}"
    assert f"规下且用地不足 3 亩，不属排查重点 {focus}" in got.iloc[1].reason
    assert "不属排查重点" not in got.iloc[0].reason + got.iloc[2].reason
    param = profiles[name]["screening.small_firm_min_land_mu"]
    assert (param.value, param.comparison) == (3.0, ">=")


def test_below_scale_scoring_scope_is_each_countys_own_3_mu(profiles):
    # The 规下 evaluation scope is the screening focus's one value
    # (screening.small_firm_min_land_mu): 上虞 and 嵊州 read 虞政发 / 嵊政 第三条第（二）项第1目 as
    # their own (official); 拱墅 and the province only 「参照」 the two.
    for name in ["shangyu-2022", "shengzhou-2022"]:
        assert profiles[name]["screening.small_firm_min_land_mu"].value == 3.0
        assert str(profiles[name].citation("screening.small_firm_min_land_mu")) == OWN_FOCUS[name]
    for name in ["gongshu-2022", "zhejiang-2023"]:
        cite = str(profiles[name].citation("screening.small_firm_min_land_mu"))
        assert cite.startswith("[参照") and cite.endswith(EXAMPLE)


# =============================================================================================
# 违法违规 categories: 上虞 第三条第（一）项第1目 (安全、环保、质量、能耗、消防、税收), 嵊州
# 第三条第（一）项第2目 (违法用地、安全隐患、无照经营、产品质量、违法建设、环境污染、
# 偷税漏税、消防隐患).


def test_each_named_violation_category_puts_a_plot_on_the_list_in_shangyu(profiles):
    # Nine plots, tax 210 (10 万元/亩, not 低效), one 一般 record each, 未整改, dated 2024-03-01
    # (before the as-of day 2024-06-30): every category of either text → 违法违规 不符合 → 治理,
    # path R4 整治提升 (no earlier rule holds). The 上虞 profile cites its own clause first. A
    # 一般 record counts only by the severity floor 一般, 示例规则（非官方） even in 上虞 (its
    # text does not grade severity): the reason says so (round 12).
    cats = ["安全", "环保", "质量", "能耗", "消防", "税收", "违法用地", "违法建设", "无照经营"]
    parcels = plots(len(cats))
    pid = parcels["parcel_id"].tolist()
    records = violation_records(
        [
            {
                "uscc": uscc(i),
                "parcel_id": pid[i],
                "category": c,
                "record_date": dt.date(2024, 3, 1),
            }
            for i, c in enumerate(cats)
        ]
    )
    got = screen_plots(
        profiles["shangyu-2022"], parcels, firms(len(cats), tax_wan=210.0), compliance=records
    )
    assert got.parcels["screening_status"].tolist() == ["治理"] * len(cats)
    assert got.parcels["path"].tolist() == ["整治提升"] * len(cats)
    assert got.parcels["flags"].tolist() == ["违法违规"] * len(cats)
    for i, c in enumerate(cats):
        v = got.checks["violation"].iloc[i]
        assert v.explain() == (
            f"不符合：有未整改的违法违规记录 1 条：{c}（一般，2024-03-01，未整改）；{EXAMPLE_FAIL} "
            "[虞政发〔2022〕12号 第三条第（一）项第1目; 参照嵊政〔2022〕28号 第三条第（一）项第2目]"
        )


def test_shengzhou_categories_are_its_own_text_and_gongshu_borrows_them(profiles):
    # 违法用地 (嵊州's own category): in 嵊州 the clause is official (no 参照); in 拱墅 the list is
    # borrowed from both counties → 「参照」 示例规则（非官方）, but the record still counts
    # (不符合 on a record is a fact, the category list only names it).
    parcels = plots(1)
    records = violation_records(
        [
            {
                "uscc": uscc(0),
                "parcel_id": parcels["parcel_id"].iloc[0],
                "category": "违法用地",
                "record_date": dt.date(2024, 3, 1),
            }
        ]
    )
    for name, marked in [("shengzhou-2022", False), ("gongshu-2022", True)]:
        v = check_violations(
            parcels,
            compliance=records,
            pairs=owner_links(parcels),
            profile=profiles[name],
            as_of=AS_OF,
        ).iloc[0]
        assert v.status is F
        assert "嵊政〔2022〕28号 第三条第（一）项第2目" in str(v.citation)
        # 嵊州's own; 拱墅: each document of the bracket is 参照
        assert ("参照嵊政" in str(v.citation)) is marked
        assert v.citation.official is not marked
        assert (EXAMPLE in str(v.citation)) is marked


# =============================================================================================
# 两高 [虞政发〔2022〕12号 第三条第（二）项第2目] in the screening: 需评估 is 待核实,
# 不符合要求 is 治理.


def test_shangyu_two_high_at_the_thresholds_through_the_whole_screening(profiles):
    # Five plots (tax 210 → 10 万元/亩, not 低效, unless said):
    #   甲 2019, 1000.00 tce (「1000吨标准煤以上（含）」), no assessment → 需评估 → 待核实, review
    #   乙 2018,  999.99 tce → below → 符合 → 不列入 (上虞's own thresholds)
    #   丙 2017, 4999.99 tce (用能项目 threshold 5000) → 符合 → 不列入
    #   丁 2019, 1200 tce, assessed 不符合要求, tax 210 → 两高 不符合 → 治理; R1 needs 低效
    #      too (「两高一低」) → R4 整治提升
    #   戊 2019, 1200 tce, assessed 不符合要求, tax 84 → 84 ÷ 21 = 4.00 → 低效 → R1 关停退出
    ents = firms(
        5,
        tax_wan=[210.0, 210.0, 210.0, 210.0, 84.0],
        energy_tce=[1000.0, 999.99, 4999.99, 1200.0, 1200.0],
        built_year=[2019, 2018, 2017, 2019, 2019],
        two_high_assessment=[None, None, None, "不符合要求", "不符合要求"],
    )
    got = screen_plots(profiles["shangyu-2022"], plots(5), ents)
    rows = [_row(got, i) for i in range(5)]
    assert [r["status"] for r in rows] == ["待核实", "不列入", "不列入", "治理", "治理"]
    assert got.parcels["two_high_review"].tolist() == [True, False, False, True, True]
    assert [r["path"] for r in rows] == [None, None, None, "整治提升", "关停退出"]
    two = got.checks["two_high"]
    assert two.iloc[0].reason.startswith("需评估（逐一评估检查）：")
    assert "≥ 1000 吨标准煤/年（以上，含本数），属2018年以来建设的“两高”项目" in two.iloc[0].reason
    assert "two_high_assessment" in rows[0]["to_verify"]
    assert (
        two.iloc[1].explain()
        == f"符合：关联企业均未达到“两高”项目或用能项目的评估门槛 {SY_TWO_HIGH}"
    )
    assert two.iloc[3].reason.startswith("经逐一评估不符合要求：")
    assert rows[4]["reasons"].splitlines()[0] == (
        "规则 R1「关停退出」：淘汰类产业、重大安全或环保违法且评价为D类、闲置已满可无偿收回年限，"
        "或经逐一评估不符合要求的“两高”项目且低效（两高一低） "
        "[虞政发〔2022〕12号 第三条第（二）项第1目; 第三条第（二）项第2目] 示例规则（非官方）"
    )


@pytest.mark.parametrize("name", BORROWING)
def test_below_borrowed_two_high_thresholds_is_to_verify_not_a_pass(profiles, name):
    # 嵊州 (第三条第（二）项第2目 「严控“两高”项目盲目发展」, no figure), 拱墅 and the province
    # set no threshold of their own; the profile borrows 上虞's 1000 / 5000 tce (参照,
    # 示例规则（非官方）).
    #   2018, 999.99 tce and 2017, 4999.99 tce are below them → 待核实 naming the local threshold
    #   to collect, never 符合 on a borrowed figure alone
    #   2018, 1000 tce → 需评估 (reaching even a borrowed threshold is a reason to look) → 待核实
    #   2019, 1200 tce assessed 符合要求 → 符合 (the assessment decides, not the threshold)
    parcels = plots(4)
    ents = firms(
        4,
        energy_tce=[999.99, 4999.99, 1000.0, 1200.0],
        built_year=[2018, 2017, 2018, 2019],
        two_high_assessment=[None, None, None, "符合要求"],
    )
    got = check_two_high(
        parcels, enterprises=ents, pairs=owner_links(parcels), profile=profiles[name]
    )
    assert [v.status for v in got] == [U, U, U, P]
    assert got.iloc[0].explain() == (
        "待核实：关联企业均未达到“两高”项目或用能项目的评估门槛；该门槛为示例规则（非官方），"
        "不能单独判定为符合 [参照虞政发〔2022〕12号 第三条第（二）项第2目] 示例规则（非官方）"
        "（缺少：本地认定标准 standard_two_high_tce（））"
    )
    assert [v.values["needs_assessment"] for v in got] == [False, False, True, True]
    assert got.iloc[3].reason.startswith("经逐一评估符合要求：")


def test_two_high_to_collect_item_goes_to_the_development_bureau():
    # the to-collect item reads as a Chinese line for the 发改局 (上虞's 两高 clause names 区发改局
    # first among the departments responsible)
    from landgov.core.collect import parse_item, render_text

    text = render_text("本地认定标准 standard_two_high_tce（）")
    item = parse_item(text)
    assert (item.field, item.department) == ("standard_two_high_tce", "发改局")
    assert "standard_" not in text


# =============================================================================================
# 四个一批: each path in 上虞, with the rule that decided it and the clause that rule cites.


def test_shangyu_each_of_the_four_paths_by_hand(profiles):
    # Four 低效 plots (tax 84 → 4.00 ≤ 5), first match wins:
    #   0 淘汰类 firm → R1 关停退出
    #   1 whole plot planned 商业用地 (100 % ≥ 50 %) → R2 功能转型 (R1: nothing holds)
    #   2 容积率 0.5 < 0.7 (industry 34, 「低于」 strict) → 用而未尽 → R3 拆除重建
    #   3 容积率 0.7 = 0.7: not under-used → R4 整治提升
    # R2 and R3 rest on 越政发〔2022〕24号 (another county's text): 「参照」 in 上虞.
    parcels = plots(4)
    parcels["floor_area_m2"] = parcels.geometry.area * pd.Series([0.8, 0.8, 0.5, 0.7]).to_numpy()
    ents = firms(4, tax_wan=84.0, catalogue_class=["淘汰类", "允许类", "允许类", "允许类"])
    uses = ["工业用地", "商业用地", "工业用地", "工业用地"]
    planning = cover(parcels, 1.0, planned_use=uses, inside_control_line=["是"] * 4)
    got = screen_plots(profiles["shangyu-2022"], parcels, ents, planning=planning)
    rows = [_row(got, i) for i in range(4)]
    assert [r["status"] for r in rows] == ["治理"] * 4
    assert [r["path"] for r in rows] == ["关停退出", "功能转型", "拆除重建", "整治提升"]
    assert [r["rule"] for r in rows] == ["R1", "R2", "R3", "R4"]
    assert [r["path_status"] for r in rows] == ["符合"] * 4
    heads = [r["reasons"].splitlines()[0] for r in rows]
    assert heads[1].endswith("[参照越政发〔2022〕24号 第七条第19项] 示例规则（非官方）")
    assert heads[2].endswith("[参照越政发〔2022〕24号 第三条第4项] 示例规则（非官方）")
    assert heads[3] == R4_HEAD.format("", "参照")
    assert "淘汰类" in rows[0]["reasons"]
    under = got.checks["under_used"]
    assert [under.iloc[2].status, under.iloc[3].status] == [F, P]
    assert {p.value for p in TreatmentPath} == {r["path"] for r in rows}


def test_shengzhou_paths_are_its_own_four_names_and_cite_its_text(profiles):
    # 嵊政〔2022〕28号 第三条第（一）项第2目 names 拆除重建一批、整治提升一批、功能转型一批、
    # 关停退出一批 and puts every 治理清单 plot on one of them: R4 整治提升 cites it (no 「参照」
    # in 嵊州), while
    # in 拱墅 and the province the same rule is 「参照」 both counties' texts.
    text = "拆除重建一批、整治提升一批、功能转型一批、关停退出一批"
    assert {f"{p.value}一批" for p in TreatmentPath} == set(text.split("、"))

    r4 = {name: {r.id: r for r in rule_table(profiles[name])}["R4"] for name in COUNTIES}
    assert str(r4["shengzhou-2022"].citation) == (
        "[参照虞政发〔2022〕12号 第三条第（二）项第1目; 嵊政〔2022〕28号 第三条第（一）项第2目] "
        "示例规则（非官方）"
    )
    for name in ["gongshu-2022", "zhejiang-2023"]:
        assert str(r4[name].citation).startswith("[参照虞政发〔2022〕12号")
    assert all(not r.citation.official for r in r4.values())  # no text gives criteria


# =============================================================================================
# Targets: 嵊州 (county, 绍兴市, province), 拱墅 (urban district), 上虞.


def test_targets_by_county_with_their_clauses(profiles):
    sy, sz, gs = profiles["shangyu-2022"], profiles["shengzhou-2022"], profiles["gongshu-2022"]
    expected = [
        (sy, "targets.tax_per_mu", 31.0, "虞政发〔2022〕12号 第二条"),
        (sy, "targets.value_added_per_mu", 135.0, "虞政发〔2022〕12号 第二条"),
        (sy, "targets.renewal_mu", 10000.0, "虞政发〔2022〕12号 第二条"),
        (sz, "targets.tax_per_mu", 28.0, "嵊政〔2022〕28号 第二条"),
        (sz, "targets.value_added_per_mu", 115.0, "嵊政〔2022〕28号 第二条"),
        (sz, "targets.tax_per_mu_base", 13.68, "嵊政〔2022〕28号 第二条"),
        (sz, "targets.renewal_mu", 5000.0, "嵊政〔2022〕28号 第二条"),
        (sz, "targets.city_tax_per_mu", 30.0, "嵊政〔2022〕28号 第二条"),
        (sz, "targets.city_value_added_per_mu", 130.0, "嵊政〔2022〕28号 第二条"),
        (gs, "targets.tax_per_mu", 115.0, "拱政发〔2022〕10号 第二条"),
        (gs, "targets.value_added_per_mu", 565.0, "拱政发〔2022〕10号 第二条"),
        (gs, "targets.labour_productivity", 48.0, "拱政发〔2022〕10号 第二条"),
    ]
    for prof, key, value, clause in expected:
        assert prof.value(key) == pytest.approx(value), (prof.name, key)
        cite = str(prof.citation(key))
        assert cite.startswith(f"[{clause}") and EXAMPLE not in cite, (prof.name, key, cite)
    assert gs.value("targets.tax_per_mu_year") == 2023
    assert "targets.renewal_mu" not in gs  # 拱政发〔2022〕10号 sets no 盘活 亩 target
    # the province figures every county compares with: 浙政发〔2023〕4号 第一条第（二）项, 2025
    for prof in (sy, sz, gs, profiles["zhejiang-2023"]):
        assert prof.value("targets.province_tax_per_mu") == 40.0
        assert prof.value("targets.province_value_added_per_mu") == 195.0
        assert prof.value("targets.province_year") == 2025
        assert str(prof.citation("targets.province_tax_per_mu")).startswith("[浙政发〔2023〕4号")


def test_gongshu_a_grade_firm_is_not_exempt_from_the_screening(profiles):
    # 拱政发〔2022〕10号 第四条第（二）项: A类 firms may be exempt from 有序用电、大气污染防治、
    # 应急停产 or 最低限产比例 — nothing about the 底数清单 or 治理清单. A grade-A firm on a
    # plot with
    # tax 84 (4.00 万元/亩 ≤ 5, borrowed figure) is 治理 like any other.
    parcels = plots(2)
    parcels["grade"] = ["A", "C"]
    got = screen_plots(profiles["gongshu-2022"], parcels, firms(2, tax_wan=84.0, grade=["A", "C"]))
    assert got.parcels["screening_status"].tolist() == ["治理", "治理"]
    assert got.parcels["path"].tolist() == ["整治提升", "整治提升"]


# =============================================================================================
# 浙政发〔2023〕4号 第二条第（一）项第1目: 供而未用 (idle), 用而未尽 (容积率), renewal 1.5 / 2.0.


def test_province_idle_plot_one_and_two_full_years(profiles):
    # 供而未用, 《闲置土地处置办法》第二条、第十四条 (national, official). As of 2024-06-30,
    # no start, no floor area, tax 210 (not 低效 — but the figure is borrowed, so 待核实 alone):
    #   约定开工 2023-06-30 → one full year on 2024-06-30 → idle (不符合)
    #   约定开工 2023-07-01 → the year ends on 2024-07-01 → not yet idle (符合)
    #   约定开工 2022-06-30 → two full years → idle and recoverable → R1 关停退出
    #   约定开工 blank → 待核实 naming the date
    # (容积率 0 without a 竣工日期 is not 用而未尽: see the test after this one.)
    starts = [dt.date(2023, 6, 30), dt.date(2023, 7, 1), dt.date(2022, 6, 30), None]
    parcels = plots(
        4, far=0.0, completion_date=[None] * 4, contract_start_date=starts, start_date=[None] * 4
    )
    parcels["buildings_cover"] = True  # a buildings layer over the plots shows none on them
    parcels["n_buildings"] = 0
    got = screen_plots(profiles["zhejiang-2023"], parcels, firms(4, tax_wan=210.0))
    idle = got.checks["idle"]
    assert [v.status for v in idle] == [F, P, F, U]
    assert got.parcels["idle_years"].tolist()[:3] == [1, 0, 2]
    assert any("contract_start_date" in m for m in idle.iloc[3].missing)
    assert got.parcels["screening_status"].tolist()[0] == "治理"
    assert got.parcels["path"].tolist()[2] == "关停退出"
    assert got.parcels["path_rule"].tolist()[2] == "R1"
    for v in (idle.iloc[0], idle.iloc[2]):
        assert v.citation.official and "闲置土地处置办法" in str(v.citation)


def test_unbuilt_plot_is_judged_as_supplied_not_used_never_as_under_used(profiles):
    # 「聚焦批而未供、供而未用、用而未尽等问题」 [浙政发〔2023〕4号 第二条第（一）项第1目]: three
    # problems. 用而未尽 is land built and in use but not to the full; a plot with 容积率 0 and no
    # 竣工日期 is not built yet, so only 供而未用 (the idle check) can list it. As of 2024-06-30:
    #   0 约定开工 2023-07-01, 开工 2024-03-01, not completed, 容积率 0 → within its year: idle
    #     符合, under_used 符合 (尚未建成) → not listed for 用而未尽
    #   1 约定开工 2023-06-30, not started, 容积率 0 → one full year → idle 不符合 (listed once, as
    #     供而未用), under_used 符合 (尚未建成)
    #   2 竣工 2020-05-01 but 建筑面积 0 → a completed plot has buildings: the 0 is the blank a
    #     .dbf cannot hold (far.ratio.zero_set_aside), so 容积率 is not known → under_used
    #     待核实 naming 建筑面积 0 and the 竣工日期 (was 不符合 「0 < 0.7」 on the 0 alone)
    prov = profiles["zhejiang-2023"]
    parcels = plots(
        3,
        far=0.0,
        contract_start_date=[dt.date(2023, 7, 1), dt.date(2023, 6, 30), dt.date(2019, 1, 1)],
        start_date=[dt.date(2024, 3, 1), None, dt.date(2019, 3, 1)],
        completion_date=[None, None, dt.date(2020, 5, 1)],
    )
    parcels["buildings_cover"] = True  # a buildings layer over the plots shows none on them
    parcels["n_buildings"] = 0
    got = screen_plots(prov, parcels, firms(3, tax_wan=210.0))
    under, idle = got.checks["under_used"], got.checks["idle"]
    assert [v.status for v in under] == [P, P, U]
    assert "竣工日期为 2020-05-01" in under.iloc[2].reason
    assert [v.status for v in idle] == [P, F, P]
    for v in (under.iloc[0], under.iloc[1]):
        assert "尚未建成，不属用而未尽" in v.reason
        assert str(v.citation) == "[浙政发〔2023〕4号 第二条第（一）项第1目]"
    flags = [str(f) for f in got.parcels["flags"]]
    assert "用而未尽" not in flags[0] and "用而未尽" not in flags[1]
    assert "供而未用" in flags[1] and "用而未尽" not in flags[2]


def test_province_renewal_far_targets_and_under_used_floor(profiles):
    # 「容积率宜高则高，一般不低于1.5，有条件的项目可试点探索2.0以上容积率」: the profile keeps the
    # two numbers with the clause; 用而未尽 uses the national floor (0.7 for industry 34), 「低于」
    # strict: 0.69 → 不符合, 0.70 → 符合.
    prov = profiles["zhejiang-2023"]
    assert prov.value("far.renewal_target") == 1.5
    assert prov.value("far.pilot_target") == 2.0
    for key in ("far.renewal_target", "far.pilot_target"):
        assert str(prov.citation(key)) == "[浙政发〔2023〕4号 第二条第（一）项第1目]"
    parcels = plots(2)
    parcels["floor_area_m2"] = parcels.geometry.area * pd.Series([0.69, 0.70]).to_numpy()
    got = screen_plots(prov, parcels, firms(2, tax_wan=84.0))
    under = got.checks["under_used"]
    assert [under.iloc[0].status, under.iloc[1].status] == [F, P]
    assert got.parcels["path"].tolist() == ["拆除重建", "整治提升"]


# =============================================================================================
# The profile the run says judged the plot.


def test_province_profile_sends_each_county_to_its_own_profile():
    prov = load_province_profile("zhejiang-province-2023")
    assert prov.profile_for("330604") == "shangyu-2022"  # 上虞区
    assert prov.profile_for("330683") == "shengzhou-2022"  # 嵊州市
    assert prov.profile_for("330105") == "gongshu-2022"  # 拱墅区
    assert prov.profile_for("330602") == "yuecheng-2022"  # 越城区
    assert prov.profile_for("330603") == "zhejiang-2023"  # 柯桥区: no profile of its own


@pytest.mark.parametrize(
    ("name", "status", "doc"),
    [
        ("shangyu-2022", "不列入", "虞政发〔2022〕12号"),
        ("shengzhou-2022", "待核实", "嵊政〔2022〕28号"),
    ],
)
def test_a_run_names_the_profile_that_judged_its_plots(tmp_path, name, status, doc):
    # One 21-亩 plot, tax 105.21 (5.01 万元/亩), 容积率 0.8, every layer clean: 上虞 judges it by
    # its own figure → 不列入; 嵊州 borrows the figure → 待核实. The manifest and the workbook
    # name the profile, with its document.
    inputs = hand_files(tmp_path, plots(1), firms(1, tax_wan=105.21, name=["企业0"]))
    run = run_screening(inputs, profile=name, out_dir=tmp_path / "out", as_of=AS_OF, progress=False)
    assert run.parcels["screening_status"].tolist() == [status]
    import json

    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    judged = manifest["stages"]["screen"]["profile"]
    assert judged["name"] == name
    assert doc in judged["title"]
    assert judged["chain"] == [name, "zhejiang-2023"]  # the county's text over the province's


def test_example_rules_alone_never_give_a_pass_in_any_county(profiles):
    # A plot clean in every respect but judged only by borrowed figures: in 嵊州、拱墅 and the
    # province no check is 符合 on a 示例规则（非官方） citation alone, and the plot is never
    # 不列入; in 上虞, where every trigger figure is its own, it is 不列入.
    for name, prof in profiles.items():
        got = screen_plots(prof, plots(1), firms(1, tax_wan=210.0))
        checks = got.checks.iloc[0]
        # (violation: 「无违法违规记录」 is a fact of the table, not a figure of the profile)
        for check in ("low_efficiency", "two_high", "idle", "under_used"):
            v = checks[check]
            if v.status is P:
                assert v.citation.official, (name, check, v.explain())
        expected = "不列入" if name == "shangyu-2022" else "待核实"
        assert got.parcels["screening_status"].iloc[0] == expected, name


def test_changing_a_borrowed_figure_to_a_countys_own_decides(profiles):
    # The same 5.01 plot in 嵊州 once 嵊州 publishes 5 万元/亩 and 1000/5000 tce of its own (here
    # cited to its text for the test) → 不列入: the pass came from the county's figure.
    from landgov.verdict import Citation

    sz = profiles["shengzhou-2022"]
    own = {
        k: dataclasses.replace(sz[k], citation=Citation("002", "三(一)1"))
        for k in (
            "screening.low_efficiency_tax_per_mu",
            "screening.two_high_energy_new_tce",
            "screening.two_high_energy_old_tce",
        )
    }
    county = dataclasses.replace(sz, params={**sz.params, **own})
    got = screen_plots(county, plots(1), firms(1, tax_wan=105.21))
    assert got.parcels["screening_status"].iloc[0] == "不列入"


def test_an_enterprise_file_with_an_above_scale_column_reads(tmp_path):
    # A table carrying the column name landgov's own tables use (above_scale, 是/否 or
    # True/False) made the reader stop with a pandas ValueError (a traceback, not a message).
    # Alone it is the 规上/规下 column; beside a 规上/规下 column the latter is read.
    rows = firms(3, name=["企业0", "企业1", "企业2"])
    only = rows.assign(above_scale=["是", "否", None])
    only.to_csv(tmp_path / "only.csv", index=False)
    got = read_enterprises(tmp_path / "only.csv")
    assert got.data["above_scale"].tolist() == [True, False, pd.NA]
    both = rows.assign(above_scale=[True, True, True], 规上规下=["规下", "规上", "规下"])
    both.to_csv(tmp_path / "both.csv", index=False)
    got = read_enterprises(tmp_path / "both.csv")
    assert got.data["above_scale"].tolist() == [False, True, False]


def test_two_high_item_splits_cleanly_beside_the_tax_item():
    # the to-verify column joins items with 「、」: a label with its own 「、」 split in two and
    # lost its department (「用能项目年综合能耗…」 read as an unknown item)
    from landgov.core.collect import parse_item, render_text, split_items

    text = render_text(
        "本地认定标准 standard_tax_per_mu（）、本地认定标准 standard_two_high_tce（）"
    )
    items = [parse_item(i) for i in split_items(text)]
    assert [(i.field, i.department) for i in items] == [
        ("standard_tax_per_mu", "经信局"),
        ("standard_two_high_tce", "发改局"),
    ]
