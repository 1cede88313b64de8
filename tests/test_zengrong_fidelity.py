"""增容 checks as the opinion says (issue 10, items 1, 3, 4 and 8), hand-worked from the text of
越政发〔2022〕24号 附件3. Each test quotes the sentence it reads and says how landgov reads it.
"""

from __future__ import annotations

import datetime as dt
import math

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landgov.core.overlay import DemolitionRule, demolition_overlay
from landgov.far import compute_far
from landgov.far.zengrong import Eligibility, ZengrongInputs, check_parcels
from landgov.far.zengrong._case import _Case, _Settings
from landgov.far.zengrong._conditions import _area
from landgov.far.zengrong._scope import _scope_zone
from landgov.policy import Param, load_profile
from landgov.units import M2_PER_MU
from landgov.verdict import Citation, Status
from tests._hand import OFFICIAL_STANDARD_LAND, with_standard_land
from tests.test_zengrong import (
    AS_OF,
    X0,
    Y0,
    _check,
    _enterprises,
    _layers,
    _links,
    _parcels,
)

SIDE = math.sqrt(20.0 * M2_PER_MU)  # the 20-亩 square of _check


@pytest.fixture(scope="module")
def profile():
    return load_profile("yuecheng-2022")


@pytest.fixture(scope="module")
def official(profile):
    """yuecheng-2022 as a county that has published its 标准地 control values."""
    return with_standard_land(profile, OFFICIAL_STANDARD_LAND)


def _sub(got: pd.Series, rule: str) -> str:
    """The note of one condition (its sub-verdicts' reasons are joined there)."""
    return str(got[f"{rule}_note"])


# --- Item 1: an absent layer, column or field is 待核实, never "not in" ------------------------
# 七(二) 「马海片区企业存量工业用地二次开发相关政策另行制定。」 — a 马海 plot is outside this
# opinion; without the zone layer landgov cannot tell, so the check is 待核实
# (no longer 「按不在特殊片区处理」).


def test_no_special_zone_layer_is_unknown_and_names_the_layer(official):
    got = _check(official, app={}, special_zones=None).iloc[0]
    assert got["scope"] == Status.UNKNOWN
    assert "特殊片区范围（如马海片区）〔自然资源局〕" in got["missing"].split("、")
    assert "马海片区" in _sub(got, "scope")
    assert got["zengrong"] == Eligibility.UNKNOWN  # was 可申报


def test_zone_layer_without_name_column_is_unknown(official):
    zones = gpd.GeoDataFrame(
        {"id": [1]}, geometry=[shapely.box(X0 - 10, Y0 - 10, X0 + 50, Y0 + 50)], crs=4549
    )
    got = _check(official, app={}, special_zones=zones).iloc[0]
    assert got["scope"] == Status.UNKNOWN
    said = "特殊片区范围（如马海片区）（图层中片区名称字段）〔自然资源局〕"
    assert said in got["missing"].split("、")  # was 「特殊片区图层：片区名称（zone_name）字段」


def test_overlapping_zone_without_a_name_is_unknown(official):
    zones = gpd.GeoDataFrame(
        {"zone_name": [None]}, geometry=[shapely.box(X0, Y0, X0 + 50, Y0 + 50)], crs=4549
    )
    got = _check(official, app={}, special_zones=zones).iloc[0]
    assert got["scope"] == Status.UNKNOWN
    assert "重叠片区的名称" in got["missing"]


def test_no_planning_layer_is_unknown(official):
    # 一 「所在地块应符合国土空间规划的要求」: without the planning layer, 待核实.
    got = _check(official, app={}, planning=None).iloc[0]
    assert got["scope"] == Status.UNKNOWN
    # the item the 底数清单 names (core.collect), with its department
    assert "规划用途及工业用地控制线〔自然资源局〕" in got["missing"]


def test_planning_layer_without_planned_use_column_is_unknown(official):
    layer = gpd.GeoDataFrame(
        {"id": [1]}, geometry=[shapely.box(X0 - 10, Y0 - 10, X0 + 5000, Y0 + 5000)], crs=4549
    )
    got = _check(official, app={}, planning=layer).iloc[0]
    assert got["scope"] == Status.UNKNOWN
    assert "规划用途" in got["missing"]


def test_no_demolition_layer_is_unknown(official):
    # 三.1 「未列入近年拆迁计划」: without the plan layer, 待核实.
    got = _check(official, app={}, demolition=None).iloc[0]
    assert got["cond1"] == Status.UNKNOWN
    assert "近年拆迁计划范围〔房屋征收部门〕" in got["missing"]  # as the 底数清单 names it


def test_no_enterprise_and_no_project_code_is_unknown(official):
    # 三.4 「申请项目仅限制造业项目」 and 三.5: neither the project nor a linked enterprise says.
    got = _check(
        official,
        app={"project_industry_code": None, "project_catalogue_class": None},
        enterprises=_enterprises(1, uscc=["91330602MA2BYYYYY9"]),
    ).iloc[0]
    assert got["cond4"] == Status.UNKNOWN and got["cond5"] == Status.UNKNOWN
    assert "申请表：项目行业代码" in got["missing"]
    assert "申请表：项目产业结构调整目录类别" in got["missing"]


@pytest.mark.parametrize(
    ("field", "named", "condition"),
    [
        ("application_date", "申请表：申请日期", "scope"),
        ("completion_accepted", "申请表：竣工验收（履约验收）情况", "cond2"),
        ("fixed_investment_wan", "申请表：固定资产投资（万元）", "cond6"),
        ("value_added_wan", "申请表：达产后年工业增加值（万元）", "cond6"),
        ("energy_tce", "申请表：达产后年综合能耗（吨标准煤）", "cond6"),
        ("emission_t", "申请表：主要污染物年排放量（吨）", "cond6"),
        ("tax_after_wan", "申请表：达产后年税收（万元）", "cond6"),
        ("rd_ratio_pct", "申请表：研发经费占营业收入比例（%）", "cond6"),
    ],
)
def test_each_missing_application_field_is_unknown_and_named(official, field, named, condition):
    got = _check(official, app={field: None}).iloc[0]
    assert got[condition] == Status.UNKNOWN
    assert named in got["missing"]
    assert got["zengrong"] == Eligibility.UNKNOWN


def test_title_answered_unknown_is_unknown_not_a_dispute(official):
    # 三.2 「地块、厂房产权清晰，无历史遗留问题（无债权、产权纠纷等）」: 「待查」 says neither.
    got = _check(official, app={"title_status": "待查"}).iloc[0]
    assert got["cond2"] == Status.UNKNOWN
    assert "申请表：产权状况" in got["missing"]
    assert _check(official, app={"title_status": "有纠纷"}).iloc[0]["cond2"] == Status.FAIL


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # as a clerk writes it: the clear title in other words passes, a named problem fails,
        # an answer that says neither is 待核实 (it was 不符合: anything but three exact words)
        ("产权清晰，无债权、产权纠纷", Status.PASS),
        ("清晰无纠纷", Status.PASS),
        ("无历史遗留问题", Status.PASS),
        ("存在产权纠纷", Status.FAIL),
        ("产权不清晰", Status.FAIL),
        ("有历史遗留问题（债务）", Status.FAIL),
        ("正常", Status.UNKNOWN),
        ("0", Status.UNKNOWN),
        ("清晰，已抵押", Status.UNKNOWN),
    ],
)
def test_title_as_written_in_other_words(official, written: str, expected: Status) -> None:
    got = _check(official, app={"title_status": written}).iloc[0]
    assert got["cond2"] == expected
    if expected is Status.UNKNOWN:
        assert "申请表：产权状况（清晰/有纠纷）" in got["missing"]


# --- Item 3: an example value never makes 符合 -------------------------------------------------
# 三.6 「相关投资、能耗、排放、亩均产出、研发投入等指标参照《浙江省企业投资工业项目“标准地”工作指引
# （2022版）》执行」. The shipped control values are examples (official = false).


def test_condition_6_on_example_values_is_never_a_pass(profile):
    # 7000 万元 / 20 亩 = 350 万元/亩 ≥ example 300; 900 / 20 = 45 ≥ example 30: both "meet" the
    # example, yet the condition is 待核实 with the gap named (it used to be 符合).
    got = _check(profile, app={}).iloc[0]
    assert got["cond6"] == Status.UNKNOWN
    note = _sub(got, "cond6")
    assert "固定资产投资强度（投资） 350.00 万元/亩" in note
    assert "达到示例控制值" in note
    assert "区级公布的《标准地》控制指标（官方值）" in got["missing"]
    assert got["zengrong"] == Eligibility.UNKNOWN


def test_condition_6_short_of_an_example_value_is_a_risk_not_a_fail(profile):
    # 4000 / 20 = 200 万元/亩 < example 300: 不符合 risk, still 待核实 (no exclusion on an example).
    got = _check(profile, app={"fixed_investment_wan": 4000.0}).iloc[0]
    assert got["cond6"] == Status.UNKNOWN
    assert "低于示例控制值（不符合风险）" in _sub(got, "cond6")


def test_condition_6_indicators_without_control_value_are_unknown(profile):
    # The example table sets only 投资 and 亩均税收: 能耗、排放、亩均增加值、研发 are 待核实.
    got = _check(profile, app={}).iloc[0]
    for label in (
        "单位能耗工业增加值",
        "单位排放工业增加值",
        "亩均工业增加值",
        "研发经费占营业收入比例",
    ):
        assert f"{label}（" in got["cond6_note"]
    assert "单位能耗工业增加值（能耗） 2.00 万元/吨标准煤，控制值未配置" in got["cond6_note"]


def test_condition_6_with_official_values_at_the_control_value_passes(official):
    # Reading: a control value is a minimum, reached at the value itself (≥). 6000 / 20 亩 = 300.
    # 300 万元/亩 = 300 → 符合; 5999 / 20 = 299.95 < 300 → 不符合.
    exact = _check(official, app={"fixed_investment_wan": 6000.0}).iloc[0]
    assert exact["cond6"] == Status.PASS
    below = _check(official, app={"fixed_investment_wan": 5999.0}).iloc[0]
    assert below["cond6"] == Status.FAIL
    assert "固定资产投资强度（投资） 299.95 万元/亩" in _sub(below, "cond6")


def test_condition_6_energy_emission_and_rd_are_checked(official):
    # 能耗: 3000 万元 / 2500 tce = 1.2 万元/吨标准煤 < 1.5 → 不符合.
    energy = _check(official, app={"energy_tce": 2500.0}).iloc[0]
    assert (
        energy["cond6"] == Status.FAIL and "单位能耗工业增加值（能耗） 1.20" in energy["cond6_note"]
    )
    # 排放: 3000 / 40 t = 75 万元/吨 < 100 → 不符合.
    emission = _check(official, app={"emission_t": 40.0}).iloc[0]
    assert emission["cond6"] == Status.FAIL
    # 研发投入: 1.9 % < 2.0 % → 不符合; 2.0 % → 符合.
    assert _check(official, app={"rd_ratio_pct": 1.9}).iloc[0]["cond6"] == Status.FAIL
    assert _check(official, app={"rd_ratio_pct": 2.0}).iloc[0]["cond6"] == Status.PASS


def test_condition_6_official_table_missing_an_indicator_is_unknown(profile):
    table = {k: v for k, v in OFFICIAL_STANDARD_LAND.items() if k != "rd_ratio_pct"}
    got = _check(with_standard_land(profile, table), app={}).iloc[0]
    assert got["cond6"] == Status.UNKNOWN
    assert got["missing"] == "区级公布的《标准地》控制指标（官方值）〔经信局〕"
    assert "研发经费占营业收入比例（研发投入） 3.00 %，控制值未配置" in got["cond6_note"]


# --- Item 4: each verdict cites the value it rests on ------------------------------------------


def _case(prof, **overlay):
    far = {"land_area_m2": 20.0 * M2_PER_MU}
    case = _Case({"parcel_id": "330602001001GB00000"}, far, overlay, None, None)
    return case, _Settings(prof, AS_OF)


def test_15_mu_verdict_cites_the_official_area_value(profile):
    # 三.1 「地块用地面积原则上大于 15 亩」: the verdict rests on min_area_mu alone (official).
    case, s = _case(profile)
    verdict = _area(case, s)
    assert verdict.status is Status.PASS
    assert verdict.citation.official
    assert "示例规则" not in str(verdict.citation)


def test_zone_verdict_is_official_and_names_the_default_tolerance(profile):
    # 七(二): the verdict rests on the zone names (official); the 1 m² sliver tolerance
    # (overlap_tolerance_m2, a project default) is named in the reason only.
    case, s = _case(profile, zones_given=True, zone_names_given=True, special_zone="")
    verdict = _scope_zone(case, s)
    assert verdict.status is Status.PASS
    assert verdict.citation.official
    assert "边界误差，项目默认" in verdict.reason
    fail, _ = _case(profile, zones_given=True, zone_names_given=True, special_zone="马海片区")
    assert _scope_zone(fail, s).citation.official


def test_condition_label_comes_from_the_parts_that_decide_it():
    # 三.1 fails on 15 亩 (official) while the demolition part passed on a default share: the
    # condition is official; a part resting on a default carries its own label.
    from landgov.far.zengrong._outcome import _compose
    from landgov.verdict import Verdict

    area = Verdict(
        "cond1.area", Status.FAIL, "面积 15 亩，不大于 15 亩", Citation("000", "附件3 三.1")
    )
    demo = Verdict(
        "cond1.demolition", Status.PASS, "未列入", Citation("000", "附件3 三.1", official=False)
    )
    got = _compose("cond1", [area, demo])
    assert got.status is Status.FAIL
    assert got.citation.official
    assert "示例规则" not in got.explain()
    both_pass = _compose(
        "cond1", [area.__class__("cond1.area", Status.PASS, "面积 20 亩", area.citation), demo]
    )
    assert not both_pass.citation.official  # the pass rests partly on a default
    # the default part is last: the condition's own (unofficial) clause follows it once
    assert both_pass.explain() == (
        "符合：面积 20 亩；未列入 [越政发〔2022〕24号 附件3 第三条第1项] 示例规则（非官方）"
    )


_SIX = Citation("000", "附件3 三.6", official=False)


def test_parts_on_the_same_default_clause_cite_it_once():
    # 三.6 with every indicator on the example control values: one citation, after the parts.
    from landgov.far.zengrong._outcome import _compose
    from landgov.verdict import Verdict

    parts = [
        Verdict("cond6.a", Status.UNKNOWN, "投资 无数据", _SIX, missing=("投资",)),
        Verdict("cond6.b", Status.UNKNOWN, "能耗 无数据，控制值未配置", _SIX, missing=("能耗",)),
        Verdict("cond6.c", Status.UNKNOWN, "排放 无数据", _SIX, missing=("投资",)),
    ]
    got = _compose("cond6", parts)
    assert got.reason == "投资 无数据；能耗 无数据，控制值未配置；排放 无数据"
    assert got.explain() == (
        "待核实：投资 无数据；能耗 无数据，控制值未配置；排放 无数据 "
        "[越政发〔2022〕24号 附件3 第三条第6项] 示例规则（非官方）（缺少：投资、能耗）"
    )


def test_parts_on_other_clauses_keep_their_own_citation():
    # 三.1: two parts on a borrowed value, one on a default of 三.1 itself, one official.
    from landgov.far.zengrong._outcome import _compose
    from landgov.verdict import Verdict

    one = Citation("000", "附件3 三.1")
    loose = Citation("000", "附件3 三.1", official=False)
    borrowed = Citation("001", "三.1", borrowed=True)
    parts = [
        Verdict("cond1.a", Status.UNKNOWN, "甲", borrowed, missing=("甲",)),
        Verdict("cond1.b", Status.UNKNOWN, "乙", borrowed, missing=("乙",)),
        Verdict("cond1.c", Status.UNKNOWN, "丙", loose, missing=("丙",)),
        Verdict("cond1.d", Status.UNKNOWN, "丁", one, missing=("丁",)),
    ]
    got = _compose("cond1", parts)
    assert got.explain() == (
        "待核实：甲；乙 [参照虞政发〔2022〕12号 第三条第1项] 示例规则（非官方）；"
        "丙 示例规则（非官方）；丁 [越政发〔2022〕24号 附件3 第三条第1项] 示例规则（非官方）"
        "（缺少：甲、乙、丙、丁）"
    )
    # the same parts in another order: the borrowed citation is said after each of its runs
    got = _compose("cond1", [parts[0], parts[2], parts[1]])
    assert got.reason == (
        "甲 [参照虞政发〔2022〕12号 第三条第1项] 示例规则（非官方）；丙 示例规则（非官方）；"
        "乙 [参照虞政发〔2022〕12号 第三条第1项] 示例规则（非官方）"
    )


# --- Item 8: the project, the period, 首次开发, 近年拆迁计划 --------------------------------
# 三.4 「申请项目仅限制造业项目，不含标准厂房」; 三.5 「项目产业导向：非…限制类、淘汰类产业」.


def test_condition_4_judges_the_project_code_not_the_enterprise(official):
    # 7010 房地产开发经营 (not C 13–43) for a manufacturer → the project fails.
    got = _check(official, app={"project_industry_code": "7010"}).iloc[0]
    assert got["cond4"] == Status.FAIL
    # a manufacturing project of a firm registered under 5179 (wholesale) passes on the project.
    ents = _enterprises(1, industry_code=["5179"], industry_name=["其他机械设备及电子产品批发"])
    got = _check(official, app={"project_industry_code": "3311"}, enterprises=ents).iloc[0]
    assert got["cond4"] == Status.PASS


def test_condition_4_falls_back_to_the_enterprise_with_unknown(official):
    got = _check(official, app={"project_industry_code": None}).iloc[0]
    assert got["cond4"] == Status.UNKNOWN
    assert "以下按企业信息参考" in got["cond4_note"]
    assert "企业行业代码 3311属制造业" in got["cond4_note"]


def test_condition_5_judges_the_project_class_not_the_enterprise(official):
    ents = _enterprises(1, catalogue_class=["限制类"])
    got = _check(official, app={"project_catalogue_class": "鼓励类"}, enterprises=ents).iloc[0]
    assert got["cond5"] == Status.PASS
    fallback = _check(official, app={"project_catalogue_class": None}, enterprises=ents).iloc[0]
    assert fallback["cond5"] == Status.UNKNOWN
    assert "企业属2024年本限制类" in fallback["cond5_note"]


# 三.2 「地块完成首次开发（首次开发指按土地出让合同约定完成开发建设，并竣工投入使用）」: 符合 needs
# evidence that the contract's development was completed (竣工验收/履约验收 passed).


def test_first_development_passes_only_on_acceptance(official):
    assert _check(official, app={}).iloc[0]["cond2"] == Status.PASS  # 已通过
    failed = _check(official, app={"completion_accepted": "未通过"}).iloc[0]
    assert failed["cond2"] == Status.FAIL


def test_first_development_declared_with_completion_date_is_unknown(official):
    # 是否完成首次开发 = 是 and the plot's 竣工日期 2015-05-01, but no acceptance: 待核实.
    got = _check(official, app={"completion_accepted": None}).iloc[0]
    assert got["cond2"] == Status.UNKNOWN
    assert "宗地竣工日期 2015-05-01" in got["cond2_note"]
    assert "无竣工验收（履约验收）记录" in got["cond2_note"]


# 七(一) 「本政策自 2022 年 11 月 1 日起执行。」 Reading: 「自…起」 includes the day itself.


def test_application_before_the_opinion_took_effect_is_outside_its_period(official):
    before = _check(official, app={"application_date": dt.date(2022, 10, 31)}).iloc[0]
    assert before["scope"] == Status.FAIL
    assert "早于本意见施行日 2022-11-01，不在本意见执行期内" in before["scope_note"]
    assert before["zengrong"] == Eligibility.INELIGIBLE
    first_day = _check(official, app={"application_date": dt.date(2022, 11, 1)}).iloc[0]
    assert first_day["scope"] == Status.PASS


def test_screening_before_the_opinion_took_effect_is_outside_its_period(profile):
    parcels = _parcels([20.0])
    given = ZengrongInputs(
        parcels,
        compute_far(parcels, profile=profile),
        profile=profile,
        as_of=dt.date(2022, 6, 30),
        enterprises=_enterprises(1),
        links=_links(1),
        **_layers(parcels),
    )
    got = check_parcels(given).iloc[0]
    assert got["scope"] == Status.FAIL
    assert "核查日 2022-06-30 早于本意见施行日" in got["scope_note"]


# 三.1 「未列入近年拆迁计划」. Reading (project default, overlay.demolition_window_years): a plan
# counts while 核查年份 − 计划年份 ≤ 3 (later plan years count too); an older plan or one without a
# year is not read as "not listed" but as 待核实 for the 房屋征收部门 (六(二)).


def _plan_of_year(year) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"plan_name": ["城中村改造"], "plan_year": [year]},
        geometry=[shapely.box(X0, Y0, X0 + SIDE / 2, Y0 + SIDE)],  # half the plot
        crs=4549,
    )


@pytest.mark.parametrize(
    ("year", "status"),
    [
        (2021, Status.FAIL),  # 2024 − 2021 = 3 ≤ 3: recent
        (2026, Status.FAIL),  # a plan for a later year counts
        (2020, Status.UNKNOWN),  # 4 > 3: outside the window, not blocking
        (2015, Status.UNKNOWN),
        (None, Status.UNKNOWN),  # no year: cannot tell
    ],
)
def test_demolition_plan_year_window(official, year, status):
    got = _check(official, app={}, demolition=_plan_of_year(year)).iloc[0]
    assert got["cond1"] == status
    if year in (2020, 2015):
        assert "超出「近年」窗口" in got["cond1_note"]
    if year is None:
        assert "拆迁计划年份" in got["missing"]


def test_demolition_overlay_splits_plans_by_year():
    window = Param("overlay.demolition_window_years", 3, comparison="<=")
    rule = DemolitionRule(0.1, ">=", Citation("000", "附件3 三.1"), window=window)
    plot = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 100, 100)], crs=4549)
    plans = gpd.GeoDataFrame(
        {"plan_name": ["甲", "乙", "丙"], "plan_year": [2015, 2025, None]},
        geometry=[
            shapely.box(0, 0, 50, 100),
            shapely.box(50, 0, 55, 100),
            shapely.box(90, 0, 95, 9),
        ],
        crs=4549,
    )
    got = demolition_overlay(plot, plans, rule=rule, as_of=dt.date(2026, 6, 30)).iloc[0]
    assert got["share"] == pytest.approx(0.05)  # only 乙 (2025) counts: 5 × 100 / 10000
    assert not got["inside"]
    assert got["plans"] == ("乙（2025年）",)
    assert got["old_plans"] == ("甲（2015年）",)
    assert got["undated_plans"] == ("丙",)
    every = demolition_overlay(plot, plans, rule=rule).iloc[0]  # no as_of: every plan counts
    assert every["inside"] and every["old_plans"] == ()


def test_standard_land_states_its_comparison_per_indicator(profile):
    # Every 标准地 control value is a minimum reached at the value itself (达到控制值，含本数).
    param = profile["zengrong.standard_land"]
    assert param.comparison == ">="
    assert "fixed_investment_per_mu_wan ≥ 300" in param.describe()
    assert not param.citation.official  # the shipped values are examples


def test_relaxable_rules_name_rules_that_exist():
    # 三 last paragraph (印染化工电镀「相关要求可适当放宽」): a relaxable id that no check produces
    # would silently never relax. Every id in the schema's choices and in every shipped profile
    # must be a sub-rule the 增容 check creates.
    import tomllib

    from landgov.far.zengrong._conditions import _INDICATORS
    from landgov.policy import list_profiles
    from landgov.policy._loader import _package_dir

    cond6 = {f"cond6.{ind.key}" for ind in _INDICATORS}
    schema = tomllib.loads((_package_dir("schema") / "zengrong.toml").read_text(encoding="utf-8"))
    choices = set(schema["relaxable_rules"]["choices"])
    assert {c for c in choices if c.startswith("cond6.")} == cond6
    for row in list_profiles():
        prof = load_profile(row["name"])
        if "zengrong.relaxable_rules" in prof:
            relax = set(prof.value("zengrong.relaxable_rules"))
            assert {r for r in relax if r.startswith("cond6.")} <= cond6
            assert "cond6.value_added_per_mu_wan" in relax  # 亩均产出 is relaxable


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("330602001001GB00001", Status.PASS),  # 越城区 330602
        # 滨海新区 spans parts of 柯桥 330603 and 上虞 330604: the code alone cannot place the
        # plot inside or outside 一「越城区、滨海新区」 (zengrong.scope_county_codes_unsure)
        ("330604001001GB00001", Status.UNKNOWN),
        ("330603001001GB00001", Status.UNKNOWN),
        ("330783001001GB00001", Status.FAIL),  # 东阳市: outside
        ("", Status.UNKNOWN),  # no 宗地代码: 待核实, never a pass
        ("GB00001", Status.UNKNOWN),
    ],
)
def test_scope_district_from_the_county_code(profile, code, status):
    # 附件3 一: the opinion applies to 越城区、滨海新区 (profile zengrong.scope_county_codes).
    from landgov.far.zengrong._scope import _scope_district

    far = {"land_area_m2": 20.0 * M2_PER_MU}
    case = _Case({"parcel_id": code}, far, {}, None, None)
    verdict = _scope_district(case, _Settings(profile, AS_OF))
    assert verdict.status is status
    if status is Status.UNKNOWN:
        want = ("宗地是否位于越城区、滨海新区",) if code.startswith("3306") else ("宗地代码",)
        assert verdict.missing == want
        assert (verdict.citation.official is False) == code.startswith("3306")


def test_condition_6_a_figure_filled_in_as_0_is_not_known(official):
    # A 增容 project adds floor area: 固定资产投资 0 (a blank cell saved as 0) was 0 万元/亩, 不符合
    # against an official 300 万元/亩 — a firm refused on an empty cell. It is now 待核实, the field
    # named with 「填为 0」, as 新增建筑面积 0 is at the cap. 达产后税收 0 and 工业增加值 0
    # likewise; an R&D share of 0 % is a real figure and still 不符合.
    for field, label in (
        ("fixed_investment_wan", "固定资产投资（万元）"),
        ("tax_after_wan", "达产后年税收（万元）"),
        ("value_added_wan", "达产后年工业增加值（万元）"),
    ):
        got = _check(official, app={field: 0.0}).iloc[0]
        assert got["cond6"] == Status.UNKNOWN, field
        assert f"申请表：{label}（填为 0" in got["missing"], got["missing"]
    assert _check(official, app={"rd_ratio_pct": 0.0}).iloc[0]["cond6"] == Status.FAIL
    assert _check(official, app={"fixed_investment_wan": 1.0}).iloc[0]["cond6"] == Status.FAIL
