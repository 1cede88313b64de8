"""Hand-worked 增容 cases, round 5: applications at the edges of the 8 conditions, the 初审表
they pre-fill, and applications the layer or the enterprise table cannot place.

越政发〔2022〕24号 附件3 (《越城区、滨海新区进一步鼓励存量工业用地二次开发盘活闲置资源的实施意见》)
and its 初审表 (附件3.1). Rounds 1–4 (tests/test_policy_boundaries_hand.py,
tests/test_policy_hand_zengrong2.py … 4.py) are not repeated. Plots are squares 1 km apart in
EPSG:4549 (:mod:`tests._hand`); 1 亩 = 10000/15 m²: 21 亩 = 14000 m². The default application
(:func:`tests._hand.application`) meets every condition on 21 亩 with the made-up official
标准地 control values of :data:`tests._hand.OFFICIAL_STANDARD_LAND` (投资强度 ≥ 300 万元/亩,
亩均税收 ≥ 30 万元/亩 …). Reference date :data:`tests._hand.AS_OF` = 2024-06-30.

Comparisons follow 《民法典》第1259条: 「以上」「以下」「不低于」 include the number; 「大于」
「低于」「超过」 do not. The 初审表 prints the same figure the check judged: where two decimals
would print the control value itself beside a 不符合, it prints as many decimals as the reason.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from landgov.far.zengrong import check_applications
from landgov.io import read_applications
from landgov.io.applications import APPLICATION_FIELDS
from tests._hand import (
    AS_OF,
    NO,
    OK,
    TBD,
    F,
    P,
    U,
    application,
    applications,
    plots,
    uscc,
    zengrong_inputs,
)
from tests.test_policy_hand_zengrong2 import _form_cells, _with_enterprises

# =============================================================================================
# 三.6 标准地 figures on the 初审表: 固定资产投资强度 and 项目实施后 2.亩均税收 are the figures
# 三.6 judges (per 亩 of the plot applied for); a hair below the control value is not it.


def test_form_figures_a_hair_below_the_standard_land_values_are_not_printed_as_them(official):
    # 21 亩 (14000 m²); control values 固定资产投资强度 ≥ 300, 亩均税收 ≥ 30 万元/亩
    # (「参照《标准地》工作指引执行」 三.6; minima, the value itself passes):
    #   甲 固定资产投资 6299.9 → 6299.9 / 21 = 299.995238 < 300 → 三.6 不符合 → 不可申报
    #   乙 达产后税收   629.9  →  629.9 / 21 =  29.995238 <  30 → 三.6 不符合 → 不可申报
    #   丙 6300 and 630        → 300 and 30 exactly          → 符合 → 可申报
    # 初审表 「固定资产投资强度」 and 「项目实施后 2.亩均税收」: 甲 299.995238, 乙 29.995238 —
    # never 「300.00」「30.00」 (the control value itself, which passes) beside a refusal for
    # falling short of it; 丙 prints 300.00 and 30.00. The other figure of each row keeps its
    # two decimals (甲's tax 900 / 21 = 42.86, 乙's intensity 7000 / 21 = 333.33).
    parcels = plots(3, mu=21.0)
    pid = parcels["parcel_id"].tolist()
    rows = [
        application(pid[0], 0, fixed_investment_wan=6299.9),
        application(pid[1], 1, tax_after_wan=629.9),
        application(pid[2], 2, fixed_investment_wan=6300.0, tax_after_wan=630.0),
    ]
    got = applications(official, parcels, rows)
    assert got["cond6"].tolist() == [F, F, P]
    assert got["zengrong"].tolist() == [NO, NO, OK]
    assert "299.995238 万元/亩" in got["cond6_note"].iloc[0]
    assert "29.995238 万元/亩" in got["cond6_note"].iloc[1]
    forms = [_form_cells(r) for r in got.to_dict("records")]
    assert [f["固定资产投资强度"] for f in forms] == [
        "299.995238 万元/亩",
        "333.33 万元/亩",
        "300.00 万元/亩",
    ]
    taxes = [f["项目实施后"].split("\n")[1] for f in forms]
    assert taxes == [
        "2.亩均税收：42.86 万元/亩",
        "2.亩均税收：29.995238 万元/亩",
        "2.亩均税收：30.00 万元/亩",
    ]


def test_condition_6_keeps_each_control_value(official):
    # 条件6 holds the values of its six indicators together; each keeps its own control value
    # (300 for 投资强度, 30 for 亩均税收, 2 for 研发), never one 「控制值」 holding the last
    # indicator's 2 % beside 300 万元/亩.
    parcels = plots(1, mu=21.0)
    row = applications(official, parcels, [application(parcels["parcel_id"].iloc[0])]).iloc[0]
    (cond6,) = [v for v in row["verdicts"] if v.rule_id == "zengrong.cond6"]
    assert cond6.values["固定资产投资强度_控制值"] == pytest.approx(300.0)
    assert cond6.values["亩均税收_控制值"] == pytest.approx(30.0)
    assert cond6.values["研发经费占营业收入比例_控制值"] == pytest.approx(2.0)
    assert "控制值" not in cond6.values


# =============================================================================================
# 四(一) 「企业向属地镇街提出申请」 on land of 一 「取得国有出让建设用地使用权」: the applicant is
# one of the plot's enterprises (地企关联), or the row says it is not and asks.


def test_application_by_an_enterprise_not_on_the_plot_is_to_verify_and_said(official):
    # Plot 0 is linked to 企业0 only, plot 1 to 企业1 only (owner links of tests._hand). Every
    # condition holds for each application on its figures; by hand:
    #   甲 企业0 on plot 0 (its own)                  → 可申报, 适用范围 符合, form 「企业0」
    #   乙 企业1 (known, owner of plot 1) on plot 0   → not plot 0's enterprise: it may hold no
    #      right on it → 适用范围 待核实 → 待核实 (never 可申报 on another firm's plot), the
    #      reason naming both codes; the form names the applicant 企业1, as applied
    #   丙 code 91330602MA2C000074 (firm 7, in no table) on plot 1 → 待核实, naming the
    #      relation and 申请企业; the form's 企业名称 is 待核实 — never 「企业1」, the plot's
    #      权利人, who is not the applicant
    # Three rows in, three rows out, in order.
    parcels = plots(2, mu=21.0)
    pid = parcels["parcel_id"].tolist()
    rows = [application(pid[0], 0), application(pid[0], 1), application(pid[1], 7)]
    got = applications(official, parcels, rows)
    assert got["application_id"].tolist() == ["ZR-000", "ZR-001", "ZR-007"]
    assert got["scope"].tolist() == [P, U, U]
    assert got["zengrong"].tolist() == [OK, TBD, TBD]
    note = got["scope_note"].iloc[1]
    assert f"统一社会信用代码 {uscc(1)}）不是宗地 {pid[0]} 的关联企业" in note
    assert f"企业0 {uscc(0)}" in note
    assert "第四条第（一）项" in note
    for missing in got["missing"].iloc[1:]:
        assert "申请企业与宗地的关系" in missing
    assert "申请企业〔属地镇街〕" in got["missing"].iloc[2].split("、")
    names = [_form_cells(r)["企业名称（盖公章）"] for r in got.to_dict("records")]
    assert names == ["企业0", "企业1", "待核实（缺少：申请企业）"]


def test_application_naming_no_code_is_the_plots_enterprise(official):
    # No 统一社会信用代码 on the application: the applicant is the plot's enterprise (企业0),
    # as before — nothing to compare, nothing said, 可申报.
    parcels = plots(1, mu=21.0)
    row = applications(
        official, parcels, [application(parcels["parcel_id"].iloc[0], 0, uscc=None)]
    ).iloc[0]
    assert row["scope"] == P
    assert row["zengrong"] == OK
    assert row["enterprise_name"] == "企业0"


def test_dyeing_firm_applying_on_another_firms_plot_is_not_relaxed_into_eligibility(official):
    # 印染 firm 1 (涉改) applies on plot 0 (企业0's, 21 亩, every condition holds): nothing to
    # relax, but it is not plot 0's enterprise → 待核实, never 可申报; 适用范围 is not a
    # requirement of 三, so the joint meeting gets nothing to review for it.
    parcels = plots(2, mu=21.0)
    inputs = _with_enterprises(official, parcels, reform_sector=[None, "印染"])
    apps = pd.DataFrame([application(parcels["parcel_id"].iloc[0], 1)])
    row = check_applications(apps, inputs).iloc[0]
    assert row["scope"] == U
    assert row["zengrong"] == TBD
    assert row["meeting_review"] == ""


# =============================================================================================
# Figures as townships type them: read where the unit says what they are, else kept, set aside
# and said (file, row, field, value) — one 增容审查 row per application row either way.


def _workbook(path, rows: list[dict]) -> None:
    """The applications ``rows`` (:func:`tests._hand.application` fields) as a township's
    workbook: the 增容申请表's own column names (:data:`APPLICATION_FIELDS` labels)."""
    labels = {spec.name: spec.label for spec in APPLICATION_FIELDS}
    frame = pd.DataFrame(rows).rename(columns=labels)
    frame.to_excel(path, index=False)


def test_figures_written_with_units_or_words_are_read_or_said(official, tmp_path):
    # Three applications on 21-亩 plots (14000 m², 11200 m² at 容积率 0.8; room 23800 m²):
    #   ZR-000 新增建筑面积 「1.2万平方米」 → 12000 m² → (11200 + 12000) / 14000 = 1.657143
    #          ≤ 2.5 → 二 符合; every other condition holds → 可申报; the form reads 12,000.00
    #   ZR-001 新增建筑面积 「约12000」 → no number (「约」 is an estimate, never guessed) →
    #          set aside and said (file row 3, 新增建筑面积) → 二 待核实 naming 新增建筑面积;
    #          the form's 「1.新增建筑面积」 and 「3.容积率」 are 待核实 naming it
    #   ZR-002 达产后年税收 「900/年」 → unit 「/年」 unknown → set aside and said (row 4) →
    #          三.6 亩均税收 待核实 naming 申请表：达产后年税收（万元）; the form's
    #          「2.亩均税收」 is 待核实 naming it, never 0.00 or blank
    # Three rows in, three rows out, in the file's order.
    parcels = plots(3, mu=21.0)
    pid = parcels["parcel_id"].tolist()
    rows = [
        application(pid[0], 0, added_floor_m2="1.2万平方米"),
        application(pid[1], 1, added_floor_m2="约12000"),
        application(pid[2], 2, tax_after_wan="900/年"),
    ]
    path = tmp_path / "增容申请.xlsx"
    _workbook(path, rows)
    read = read_applications(path)
    said = read.problems[read.problems["field"].isin(["新增建筑面积", "达产后年税收"])]
    assert sorted(zip(said["row"].tolist(), said["field"].tolist(), strict=True)) == [
        (3, "新增建筑面积"),
        (4, "达产后年税收"),
    ]
    got = check_applications(read.data, zengrong_inputs(official, parcels))
    assert got["application_id"].tolist() == ["ZR-000", "ZR-001", "ZR-002"]
    assert got["added_floor_m2"].iloc[0] == pytest.approx(12000.0)
    assert got["far_after"].iloc[0] == pytest.approx(23200 / 14000)
    assert got["cap"].tolist() == [P, U, P]
    assert got["cond6"].tolist() == [P, P, U]
    assert got["zengrong"].tolist() == [OK, TBD, TBD]
    assert "新增建筑面积〔申请企业〕" in got["missing"].iloc[1].split("、")
    assert "申请表：达产后年税收（万元）〔申请企业〕" in got["missing"].iloc[2].split("、")
    after = [_form_cells(r)["项目实施后"].split("\n") for r in got.to_dict("records")]
    assert after[0] == [
        "1.新增建筑面积：12,000.00 平方米",
        "2.亩均税收：42.86 万元/亩",
        "3.容积率：1.66",
    ]
    assert after[1][0] == "1.新增建筑面积：待核实（缺少：新增建筑面积）"
    assert after[1][2] == "3.容积率：待核实（缺少：新增建筑面积）"
    assert after[2][1] == "2.亩均税收：待核实（缺少：申请表：达产后年税收（万元））"


# =============================================================================================
# 三.2 「地块完成首次开发（按土地出让合同约定完成开发建设，并竣工投入使用）」 against the
# reference date 2024-06-30: completed on that day is completed; the day after is not yet.


def test_completion_on_the_reference_day_and_the_day_after(official):
    # The plot's 竣工日期 and the application's 竣工验收（履约验收）, by hand:
    #   甲 竣工 2024-06-30, 验收 已通过 → completed on the as-of day, accepted → 三.2 符合 → 可申报
    #   乙 竣工 2024-07-01, 验收 已通过 → an acceptance of a plot not completed by the as-of day:
    #      the two disagree → 待核实 naming the 竣工日期 (never 符合 on the acceptance alone)
    #   丙 竣工 2024-06-30, 验收 not filled, 申请表 「已完成首次开发」 → a declaration and a date,
    #      no acceptance → 待核实 naming 竣工验收（履约验收）; never 「晚于核查日」
    #   丁 竣工 2024-07-01, 验收 not filled → 竣工日期 晚于核查日 → 不符合 → 不可申报
    days = [AS_OF, AS_OF + dt.timedelta(days=1)] * 2
    parcels = plots(4, mu=21.0, completion_date=days)
    pid = parcels["parcel_id"].tolist()
    rows = [
        application(pid[0], 0),
        application(pid[1], 1),
        application(pid[2], 2, completion_accepted=None),
        application(pid[3], 3, completion_accepted=None),
    ]
    got = applications(official, parcels, rows)
    assert got["cond2"].tolist() == [P, U, U, F]
    assert got["zengrong"].tolist() == [OK, TBD, TBD, NO]
    assert "宗地竣工日期 2024-07-01 晚于核查日 2024-06-30，两者不一致" in got["cond2_note"].iloc[1]
    assert "竣工日期（核实是否已竣工）〔自然资源局〕" in got["missing"].iloc[1].split("、")
    assert "晚于" not in got["cond2_note"].iloc[2]
    assert "申请表：竣工验收（履约验收）情况〔申请企业〕" in got["missing"].iloc[2].split("、")
    assert "竣工日期 2024-07-01 晚于核查日 2024-06-30" in got["cond2_note"].iloc[3]


def test_a_completion_written_as_a_month_is_shown_and_judged_as_the_month(official):
    # 竣工日期 as a month, no 竣工验收 filled, reference date 2024-06-30:
    #   戊 「2024年7月」 → all of it after the reference date → 尚未完成首次开发 → 不符合
    #   己 「2024年6月」 → may be on or before it: no acceptance → 待核实 (never 不符合)
    # Both name the month as written (its span), never its first day alone.
    parcels = plots(2, mu=21.0, completion_date=["2024年7月", "2024年6月"])
    pid = parcels["parcel_id"].tolist()
    rows = [application(p, i, completion_accepted=None) for i, p in enumerate(pid)]
    got = applications(official, parcels, rows)
    assert got["cond2"].tolist() == [F, U]
    assert "竣工日期 2024-07-01～2024-07-31 晚于核查日 2024-06-30" in got["cond2_note"].iloc[0]
    assert "宗地竣工日期 2024-06-01～2024-06-30" in got["cond2_note"].iloc[1]
    assert "晚于" not in got["cond2_note"].iloc[1]


# =============================================================================================
# Figures an application contradicts itself with: never 符合 on them.


def test_negative_added_floor_area_is_no_zengrong(official):
    # 二 「容积率上限可提高至 2.5」 is about adding floor area. 21 亩, 11200 m²:
    #   甲 新增建筑面积 -100 m² (the reader keeps a negative, said: 「数值为负，请核实」) →
    #      (11200 − 100) / 14000 = 0.79 would read 「≤ 2.5 符合」 → but a 增容 that removes floor
    #      area is a figure typed wrong → 二 待核实 naming 新增建筑面积, never 可申报 (0 m² was
    #      already 待核实; a negative is no more credible)
    #   乙 新增建筑面积 0.01 m² → 11200.01 / 14000 ≤ 2.5 → 符合 → 可申报 (the smallest 增容)
    parcels = plots(2, mu=21.0)
    pid = parcels["parcel_id"].tolist()
    rows = [
        application(pid[0], 0, added_floor_m2=-100.0),
        application(pid[1], 1, added_floor_m2=0.01),
    ]
    got = applications(official, parcels, rows)
    assert got["cap"].tolist() == [U, P]
    assert got["zengrong"].tolist() == [TBD, OK]
    assert "新增建筑面积为负（-100 平方米" in got["cap_note"].iloc[0]
    assert "新增建筑面积〔申请企业〕" in got["missing"].iloc[0].split("、")


def test_fixed_investment_above_the_total_investment_is_to_verify(official):
    # 四(一)2 asks for 项目投资; 三.6 judges 固定资产投资强度 = 固定资产投资 / 亩. 固定资产投资 is
    # part of 项目总投资, so 9000 万元 of it in a project of 8000 万元 in all is a figure typed
    # wrong: 9000 / 21 = 428.57 ≥ 300 must not make 三.6 符合 → 待核实 naming 固定资产投资
    # and the total it exceeds. Equal (8000 of 8000 → 380.95 ≥ 300) is possible → 符合, 可申报.
    parcels = plots(2, mu=21.0)
    pid = parcels["parcel_id"].tolist()
    rows = [
        application(pid[0], 0, fixed_investment_wan=9000.0, investment_wan=8000.0),
        application(pid[1], 1, fixed_investment_wan=8000.0, investment_wan=8000.0),
    ]
    got = applications(official, parcels, rows)
    assert got["cond6"].tolist() == [U, P]
    assert got["zengrong"].tolist() == [TBD, OK]
    assert "申请表：固定资产投资（万元）（大于项目总投资 8,000 万元，请核实）〔申请企业〕" in got[
        "missing"
    ].iloc[0].split("、")
