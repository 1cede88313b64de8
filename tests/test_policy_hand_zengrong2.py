"""Hand-worked 增容 cases, round 2: the cap, 15 亩, 标准地, the document steps, 涉改 relaxation,
dates, unknown plots, the 初审表 against the 增容审查 row, and the overall verdict.

越政发〔2022〕24号 附件3 (《越城区、滨海新区进一步鼓励存量工业用地二次开发盘活闲置资源的实施意见》)
and its 初审表 (附件3.1). Each case was worked out on paper from the clause it cites before the
code ran; plots are drawn in EPSG:4549 by the helpers of ``tests/_hand.py``
(squares 1 km apart). 1 亩 = 10000/15 m²: 15 亩 = 10000 m² (100 m × 100 m), 18 亩 = 12000 m²,
21 亩 = 14000 m², 12 亩 = 8000 m².

Comparisons follow 《民法典》第1259条: 「以上」「以下」「不低于」「不超过」 include the number;
「大于」「低于」「超过」「不足」 do not. Missing data is 待核实; a 示例规则（非官方） value alone
never gives 符合. Overall: any 不符合 → 不可申报; else any 待核实 → 待核实; else 可申报 (待承诺
document steps listed).
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from landgov.far.zengrong import CONDITION_LABELS, check_applications, check_parcels
from landgov.far.zengrong._check import unmatched_applications
from landgov.reports.chushen import build_form
from landgov.reports.packet import PACKET_COLUMNS, packet_frame
from tests._hand import (
    NO,
    OK,
    TBD,
    F,
    P,
    U,
    W,
    application,
    applications,
    enterprises,
    parcels_of,
    plots,
    rectangle,
    square,
    zengrong_inputs,
)


def _with_enterprises(profile, parcels, **over):
    ents = enterprises(len(parcels), **over)
    return dataclasses.replace(zengrong_inputs(profile, parcels), enterprises=ents)


def _form_cells(row) -> dict[str, str]:
    """The value cells of a filled 初审表, by the row label (the form's first column)."""
    table = build_form(row).tables[0]
    out = {}
    for tr in table.rows:
        cells = tr.cells
        if cells[1].text == cells[3].text:  # one value cell merged across the row
            out[cells[0].text] = cells[1].text
        else:
            out[cells[0].text], out[cells[2].text] = cells[1].text, cells[3].text
    return out


# =============================================================================================
# 二 「容积率上限可提高至 2.5」: 2.5 itself is allowed; room = 2.5 × 用地 − 现状建筑面积.


def test_an_18_mu_plot_filled_exactly_to_its_headroom_is_allowed(official):
    # 18 亩 = 12000 m², 容积率 1.2 → 14400 m². Room = 2.5 × 12000 − 14400 = 15600 m².
    #   added 15600 m² → (14400 + 15600) / 12000 = 30000 / 12000 = 2.5 ≤ 2.5 → 符合, 可申报
    #   added 15601 m² → 30001 / 12000 = 2.500083 > 2.5 → 不符合, 不可申报 (二 is never relaxed)
    # Both rows carry the plot's room 15600 m² (增容空间至2.5 of the 增容审查 sheet).
    parcels = plots(2, mu=18.0, far=1.2)
    rows = [
        application(pid, i, added_floor_m2=added)
        for i, (pid, added) in enumerate(zip(parcels["parcel_id"], [15600.0, 15601.0], strict=True))
    ]
    got = applications(official, parcels, rows)
    assert got["cap"].tolist() == [P, F]
    assert got["zengrong"].tolist() == [OK, NO]
    assert got["headroom_m2"].tolist() == pytest.approx([15600.0, 15600.0])
    assert got["far_after"].iloc[0] == pytest.approx(2.5)
    assert "实施后容积率 2.500083 > 上限 2.5" in got["cap_note"].iloc[1]
    assert "容积率上限" in got["zengrong_reason"].iloc[1]


def test_an_application_on_a_plot_already_at_2_5_has_no_room(official):
    # 21 亩 = 14000 m² carrying 35000 m² (容积率 2.5 exactly): room 2.5 × 14000 − 35000 = 0.
    # Adding 1 m²: 35001 / 14000 = 2.500071 > 2.5 → 不符合, 不可申报; headroom 0, not negative.
    # The same plot screened (no application): at 2.5 there is no room → cap 不符合.
    parcels = plots(1, mu=21.0, far=2.5)
    got = applications(
        official, parcels, [application(parcels["parcel_id"].iloc[0], 0, added_floor_m2=1.0)]
    )
    assert got["cap"].iloc[0] == F
    assert got["zengrong"].iloc[0] == NO
    assert got["headroom_m2"].iloc[0] == 0.0
    assert "2.500071 > 上限 2.5" in got["cap_note"].iloc[0]
    screened = check_parcels(zengrong_inputs(official, parcels))
    assert screened["cap"].iloc[0] == F
    assert screened["headroom_m2"].iloc[0] == 0.0


def test_screened_plot_and_its_application_show_the_same_room(official):
    # 21 亩, 容积率 0.8: 11200 m²; room 35000 − 11200 = 23800 m² in both the 摸排 row and the
    # application row of the same plot (one figure of 二 for one plot).
    parcels = plots(1, mu=21.0)
    screened = check_parcels(zengrong_inputs(official, parcels))
    got = applications(official, parcels, [application(parcels["parcel_id"].iloc[0])])
    assert screened["headroom_m2"].iloc[0] == pytest.approx(23800.0)
    assert got["headroom_m2"].iloc[0] == pytest.approx(23800.0)


def test_an_application_on_a_plot_without_floor_area_is_to_verify(official):
    # 现状建筑面积 blank: no 容积率 now, none after → cap 待核实 naming it, room unknown (never
    # 2.5 × 14000 = 35000 m²), overall 待核实; the form says 建筑面积 and both 容积率 are 待核实
    # naming what is missing as the 待核实事项 does (never 「nan」, 「0.00」 or a silent blank).
    parcels = plots(1, mu=21.0)
    parcels["floor_area_m2"] = None
    got = applications(official, parcels, [application(parcels["parcel_id"].iloc[0])])
    row = got.iloc[0]
    assert row["cap"] == U
    assert pd.isna(row["headroom_m2"]) and pd.isna(row["far_after"])
    assert row["zengrong"] == TBD
    assert "建筑面积（平方米）〔自然资源局〕" in row["missing"]  # as the 底数清单 names it
    cells = _form_cells(row.to_dict())
    now, after = cells["现状情况"], cells["项目实施后"]
    assert "nan" not in now.lower() and "nan" not in after.lower()
    assert "2.建筑面积：待核实（缺少：建筑面积或容积率）" in now
    assert after.split("\n")[2].strip() == "3.容积率：待核实（缺少：建筑面积或容积率）"


# =============================================================================================
# 初审表 (附件3.1) against the 增容审查 row of the same application.


def test_form_figures_equal_the_review_row(official):
    # 21 亩 = 14000 m², 11200 m² (容积率 0.8); added 23800 m² → 35000 / 14000 = 2.5.
    # 达产后税收 900 万元 → 900 / 21 = 42.857 → 「42.86」 万元/亩; 固定资产投资 7000 / 21 = 333.33.
    # Last year's 亩均税收: the enterprise's 300 万元 on its one plot of 21 亩 → 14.29 万元/亩.
    # The form's 现状/实施后 lines and the 增容审查 sheet's columns show the same figures, and
    # the sheet has a column for each figure the form shows (现状建筑面积 included).
    parcels = plots(1, mu=21.0)
    got = applications(
        official, parcels, [application(parcels["parcel_id"].iloc[0], added_floor_m2=23800.0)]
    )
    row = got.iloc[0]
    assert row["zengrong"] == OK
    assert row["land_mu"] == pytest.approx(21.0)
    assert row["far"] == pytest.approx(0.8)
    assert row["far_after"] == pytest.approx(2.5)
    assert row["tax_per_mu_after_wan"] == pytest.approx(900 / 21)
    cells = _form_cells(row.to_dict())
    assert cells["企业名称（盖公章）"] == row["enterprise_name"] == "企业0"
    assert cells["现状情况"].split("\n")[:3] == [
        "1.土地面积：21.00 亩",
        "2.建筑面积：11,200.00 平方米",
        "3.容积率：0.80",
    ]
    tax_now = row["tax_per_mu_now_wan"]
    assert f"4.上年度亩均税收：{tax_now:,.2f} 万元/亩" in cells["现状情况"]
    assert cells["项目实施后"].split("\n") == [
        "1.新增建筑面积：23,800.00 平方米",
        "2.亩均税收：42.86 万元/亩",
        "3.容积率：2.50",
    ]
    assert cells["固定资产投资强度"] == "333.33 万元/亩"
    sheet = packet_frame(applications=got).iloc[0]
    for column in (
        "enterprise_name", "land_mu", "far", "tax_per_mu_now_wan", "added_floor_m2",
        "tax_per_mu_after_wan", "far_after", "headroom_m2",
    ):  # fmt: skip
        assert sheet[column] == row[column] or (pd.isna(sheet[column]) and pd.isna(row[column]))
    assert "floor_area_m2" in PACKET_COLUMNS
    assert sheet["floor_area_m2"] == pytest.approx(11200.0)


def test_form_of_a_project_over_the_cap_by_a_hair_does_not_read_2_50(official):
    # 21 亩, 11200 m² + 23800.01 m² = 35000.01 / 14000 = 2.5000007 > 2.5 → 不符合 [二]. The
    # form's 「项目实施后 3.容积率」 must not read 2.50 — which is within the cap — beside a
    # refusal for exceeding it: it shows as many decimals as tell it from 2.5, as the reason does.
    parcels = plots(1, mu=21.0)
    got = applications(
        official, parcels, [application(parcels["parcel_id"].iloc[0], added_floor_m2=23800.01)]
    )
    row = got.iloc[0]
    assert row["cap"] == F
    after = _form_cells(row.to_dict())["项目实施后"]
    assert "3.容积率：2.500001" in after


def test_form_of_a_plot_just_over_15_mu_does_not_read_15_00(official):
    # 三.1 「原则上大于 15 亩」: 60 m × 166.7 m = 10002 m² = 15.003 亩 > 15 → 符合. The form's
    # 「现状情况 1.土地面积」 reads 15.003 亩, as the reason does, not 15.00 (which is not 大于 15);
    # 21 亩 reads 21.00 as usual, and 100 m × 100 m = 15 亩 exactly reads 15.00 (不符合).
    geoms = [rectangle(60.0, 166.7, 0), square(21.0, 1), square(15.0, 2)]
    parcels = parcels_of(geoms)
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    rows = [application(pid, i) for i, pid in enumerate(parcels["parcel_id"])]
    got = applications(official, parcels, rows)
    assert got["cond1"].tolist() == [P, P, F]
    lands = [_form_cells(r)["现状情况"].split("\n")[0] for r in got.to_dict("records")]
    assert lands == ["1.土地面积：15.003 亩", "1.土地面积：21.00 亩", "1.土地面积：15.00 亩"]


# =============================================================================================
# 三.1 「地块用地面积原则上大于 15 亩」 and the 涉改 relaxation 「涉及印染化工电镀涉改企业二次开发
# 项目相关要求可适当放宽，具体以区工业用地二次开发联席会议审议明确为准」 [三, last paragraph].


def test_fifteen_mu_square_fails_and_a_chemical_firm_on_it_goes_to_the_meeting(official):
    # 15 亩 = 10000 m² = 100 m × 100 m: 15.00 is not 大于 15 → 三.1 不符合.
    #   甲 (no 涉改 sector) → 不可申报
    #   乙 化工 涉改 firm  → 三.1 area is relaxable → 待核实 提交联席会议审议, never 可申报
    parcels = plots(2, mu=15.0)
    inputs = _with_enterprises(official, parcels, reform_sector=[None, "化工"])
    apps = pd.DataFrame([application(pid, i) for i, pid in enumerate(parcels["parcel_id"])])
    got = check_applications(apps, inputs)
    assert got["cond1"].tolist() == [F, U]
    assert got["zengrong"].tolist() == [NO, TBD]
    assert "15.00 亩不大于 15 亩" in got["cond1_note"].iloc[0]
    assert got["zengrong_reason"].iloc[1].startswith("待核实（提交联席会议审议）")
    assert CONDITION_LABELS["cond1"] in got["meeting_review"].iloc[1]
    assert got["meeting_review"].iloc[0] == ""


def test_electroplating_firm_on_allocated_land_is_refused_whatever_is_relaxed(official):
    # 一 (scope: 国有出让) is not a requirement of 三, so the relaxation never reaches it.
    # 电镀 firm on 12 亩 (8000 m², 12 ≤ 15: 三.1 relaxable → 待核实) holding 划拨 land → scope
    # 不符合 → 不可申报; the meeting gets nothing to review on a refused row.
    parcels = plots(1, mu=12.0, right_type=["划拨"])
    inputs = _with_enterprises(official, parcels, reform_sector=["电镀"])
    got = check_applications(pd.DataFrame([application(parcels["parcel_id"].iloc[0])]), inputs)
    row = got.iloc[0]
    assert row["scope"] == F
    assert row["cond1"] == U
    assert row["zengrong"] == NO
    assert row["meeting_review"] == ""


def test_dyeing_firm_applying_before_the_opinion_took_effect_is_not_relaxed(official):
    # 七(一) 「本政策自 2022 年 11 月 1 日起执行」 bounds the opinion itself, relaxation included:
    # 印染 firm on 12 亩 (三.1 relaxable → 待核实) applying 2022-10-31 → scope 不符合 → 不可申报;
    # the same firm applying 2022-11-01 → 待核实 提交联席会议审议.
    parcels = plots(2, mu=12.0)
    inputs = _with_enterprises(official, parcels, reform_sector=["印染", "印染"])
    days = ["2022-10-31", "2022-11-01"]
    apps = pd.DataFrame(
        [
            application(pid, i, application_date=d)
            for i, (pid, d) in enumerate(zip(parcels["parcel_id"], days, strict=True))
        ]
    )
    got = check_applications(apps, inputs)
    assert got["scope"].tolist() == [F, P]
    assert got["zengrong"].tolist() == [NO, TBD]
    assert got["meeting_review"].tolist() == ["", CONDITION_LABELS["cond1"]]


def test_relaxed_firm_with_another_gap_names_both(official):
    # 印染 firm on 12 亩 (relaxable 三.1) whose 产权状况 is blank (三.2 → 待核实, not relaxable
    # but not a failure): 待核实; the reason names the meeting first, then 「另待核实」 产权状况.
    parcels = plots(1, mu=12.0)
    inputs = _with_enterprises(official, parcels, reform_sector=["印染"])
    app = application(parcels["parcel_id"].iloc[0], title_status=None)
    row = check_applications(pd.DataFrame([app]), inputs).iloc[0]
    assert row["zengrong"] == TBD
    assert row["zengrong_reason"].startswith("待核实（提交联席会议审议）")
    assert "另待核实" in row["zengrong_reason"] and "产权状况" in row["zengrong_reason"]


def test_dyeing_firm_short_on_investment_is_relaxed_but_short_on_energy_is_not(official):
    # 三.6 on 21 亩 with official control values (300 万元/亩, 1.5 万元/吨标准煤):
    #   甲 印染, 固定资产投资 6000 → 6000 / 21 = 285.71 < 300 → relaxable → 待核实 (联席会议)
    #   乙 印染, 工业增加值 3000 / 能耗 2500 = 1.2 < 1.5 → 能耗 is not relaxable → 不可申报
    parcels = plots(2, mu=21.0)
    inputs = _with_enterprises(official, parcels, reform_sector=["印染", "印染"])
    pid = parcels["parcel_id"].tolist()
    apps = pd.DataFrame(
        [
            application(pid[0], 0, fixed_investment_wan=6000.0),
            application(pid[1], 1, energy_tce=2500.0),
        ]
    )
    got = check_applications(apps, inputs)
    assert got["cond6"].tolist() == [U, F]
    assert got["zengrong"].tolist() == [TBD, NO]
    assert CONDITION_LABELS["cond6"] in got["meeting_review"].iloc[0]
    assert "单位能耗工业增加值（能耗） 1.20" in got["cond6_note"].iloc[1]


def test_dyeing_firm_on_the_cap_itself_is_relaxed_only_on_area(official):
    # 印染 firm on 12 亩 (8000 m², 容积率 0.8 = 6400 m²): adding 13600 m² → 20000 / 8000 = 2.5 →
    # cap 符合; area 12 ≤ 15 → relaxable → 待核实. Adding 13600.01 → 2.5000013 > 2.5 → cap
    # 不符合 (二, never relaxed) → 不可申报.
    parcels = plots(2, mu=12.0)
    inputs = _with_enterprises(official, parcels, reform_sector=["印染", "印染"])
    pid = parcels["parcel_id"].tolist()
    apps = pd.DataFrame(
        [
            application(pid[0], 0, added_floor_m2=13600.0),
            application(pid[1], 1, added_floor_m2=13600.01),
        ]
    )
    got = check_applications(apps, inputs)
    assert got["cap"].tolist() == [P, F]
    assert got["cond1"].tolist() == [U, U]
    assert got["zengrong"].tolist() == [TBD, NO]


# =============================================================================================
# 三.6 标准地: each control value is a minimum reached at the value itself; 示例规则 never 符合;
# a figure of 0 is 待核实.


def test_all_six_indicators_exactly_at_their_control_values_pass(official):
    # 21 亩; official control values 300 / 1.5 / 100 / 30 / 120 / 2 %:
    #   固定资产投资 6300 / 21 = 300          ≥ 300
    #   工业增加值 2520 / 能耗 1680 = 1.5      ≥ 1.5
    #   工业增加值 2520 / 排放 25.2 t = 100    ≥ 100
    #   达产后税收 630 / 21 = 30              ≥ 30
    #   工业增加值 2520 / 21 = 120            ≥ 120
    #   研发 2 %                               ≥ 2 %
    # → 三.6 符合; every other condition holds → 可申报.
    parcels = plots(1, mu=21.0)
    app = application(
        parcels["parcel_id"].iloc[0],
        fixed_investment_wan=6300.0,
        value_added_wan=2520.0,
        energy_tce=1680.0,
        emission_t=25.2,
        tax_after_wan=630.0,
        rd_ratio_pct=2.0,
    )
    row = applications(official, parcels, [app]).iloc[0]
    assert row["cond6"] == P, row["cond6_note"]
    assert row["zengrong"] == OK


def test_example_control_values_never_make_condition_6_pass(yuecheng):
    # The shipped profile's 300 万元/亩 and 30 万元/亩 are 示例规则（非官方）; the other four have
    # no value. Figures far above them (21000 / 21 = 1000 万元/亩, 2100 / 21 = 100 万元/亩) →
    # 三.6 待核实, overall 待核实, never 可申报; the district's own values are named as missing.
    parcels = plots(1, mu=21.0)
    app = application(
        parcels["parcel_id"].iloc[0], fixed_investment_wan=21000.0, tax_after_wan=2100.0
    )
    row = applications(yuecheng, parcels, [app]).iloc[0]
    assert row["cond6"] == U
    assert row["zengrong"] == TBD
    assert "区级公布的《标准地》控制指标" in row["missing"]
    assert "达到示例控制值" in row["cond6_note"]
    assert "示例规则（非官方）" in row["cond6_note"]


@pytest.mark.parametrize(
    ("field", "named"),
    [("energy_tce", "达产后年综合能耗（吨标准煤）"), ("emission_t", "主要污染物年排放量（吨）")],
)
def test_zero_energy_or_emission_is_to_verify_naming_that_figure(official, field, named):
    # 三.6: 工业增加值 3000 / 0 has no value. A 增容 manufacturing project with 0 吨标准煤 or
    # 0 吨 emissions is a blank cell saved as 0 until shown otherwise → 待核实, naming the figure
    # filled in as 0 — not 达产后年工业增加值, which was given (3000 万元).
    parcels = plots(1, mu=21.0)
    app = application(parcels["parcel_id"].iloc[0], **{field: 0.0})
    row = applications(official, parcels, [app]).iloc[0]
    assert row["cond6"] == U
    assert row["zengrong"] == TBD
    assert named in row["missing"]
    assert "达产后年工业增加值" not in row["missing"]


# =============================================================================================
# 三.7 (承诺) and 三.8 (结构安全鉴定): document steps → 待承诺, never 不符合.


@pytest.mark.parametrize("signed", ["未签", False, None])
def test_unsigned_commitment_is_pending_and_the_project_may_still_apply(official, signed):
    # 三.7 「企业承诺…新增建筑面积按重置价进行补偿」 and 四(五) (the commitment is signed after the
    # meeting approves): not signed yet → 待承诺; every other condition holds → 可申报 with
    # 条件7 listed as a document to follow.
    parcels = plots(1, mu=21.0)
    app = application(parcels["parcel_id"].iloc[0], commitment_signed=signed)
    row = applications(official, parcels, [app]).iloc[0]
    assert row["cond7"] == W
    assert row["zengrong"] == OK
    assert (
        "待承诺" in row["zengrong_reason"] and CONDITION_LABELS["cond7"] in row["zengrong_reason"]
    )


def test_structure_change_without_report_and_unsigned_commitment_both_pending(official):
    # 三.8 「涉及原建筑结构发生变化类项目，需出具建筑结构安全鉴定报告」: the project changes the
    # structure (「是」) and the report is 「未出具」 → a report still to be produced: 待承诺 (住建
    # reviews it, 六(二)); with 三.7 unsigned too → 可申报, both listed; no 待核实.
    parcels = plots(1, mu=21.0)
    app = application(
        parcels["parcel_id"].iloc[0],
        changes_structure="是",
        safety_report="未出具",
        commitment_signed="否",
    )
    row = applications(official, parcels, [app]).iloc[0]
    assert (row["cond7"], row["cond8"]) == (W, W)
    assert row["zengrong"] == OK
    assert CONDITION_LABELS["cond8"] in row["zengrong_reason"]
    assert row["missing"] == ""


# =============================================================================================
# 七(一) 「本政策自 2022 年 11 月 1 日起执行」: 「自…起」 includes the day.


def test_application_dates_as_staff_write_them(official):
    #   「2022/11/1」           → 2022-11-01 ≥ 2022-11-01 → 符合
    #   「2022-11-01 08:30:00」  → the same day → 符合
    #   2022-10-31 23:59        → the day before → 不符合 → 不可申报 (按当时政策办理)
    days = ["2022/11/1", "2022-11-01 08:30:00", pd.Timestamp("2022-10-31 23:59")]
    parcels = plots(len(days), mu=21.0)
    rows = [
        application(pid, i, application_date=d)
        for i, (pid, d) in enumerate(zip(parcels["parcel_id"], days, strict=True))
    ]
    got = applications(official, parcels, rows)
    assert got["scope"].tolist() == [P, P, F]
    assert got["zengrong"].tolist() == [OK, OK, NO]
    assert "早于本意见施行日 2022-11-01" in got["scope_note"].iloc[2]


# =============================================================================================
# An application whose 宗地代码 is not in the parcel layer: still a row, 待核实, with the reason.


def test_application_for_a_code_not_in_the_layer_is_to_verify_with_the_reason(official):
    # Two applications; the second names 330602001001GB09999, which the layer does not hold.
    # Both rows come out (in order); the second is 待核实 — the plot cannot be checked — and its
    # own row says why (宗地图层中无此宗地代码), not only the problems table; its overlay checks
    # (规划, 特殊片区, 拆迁计划) never read 「未提供…图层」: those layers were given.
    parcels = plots(1, mu=21.0)
    rows = [
        application(parcels["parcel_id"].iloc[0], 0),
        application("330602001001GB09999", 1),
    ]
    apps = pd.DataFrame(rows)
    got = applications(official, parcels, rows)
    assert len(got) == 2
    assert got["application_id"].tolist() == ["ZR-000", "ZR-001"]
    assert got["zengrong"].tolist() == [OK, TBD]
    assert got.geometry.iloc[1] is None
    assert "宗地图层中无此宗地代码" in got["zengrong_reason"].iloc[1]
    assert "宗地图层中无此宗地代码" in got["missing"].iloc[1]
    # the layers were given: the plot is what is missing, never 「未提供…图层」
    for note in ("scope_note", "cond1_note"):
        assert "未提供" not in got[note].iloc[1], got[note].iloc[1]
    for layer in ("规划用途图层", "特殊片区", "拆迁计划"):
        assert layer not in got["missing"].iloc[1]
    assert "parcel_given" not in got.columns
    problems = unmatched_applications(apps, parcels, source="applications.xlsx")
    assert len(problems) == 1
    sheet = packet_frame(applications=got)
    assert sheet["application_id"].tolist() == ["ZR-000", "ZR-001"]


# =============================================================================================
# The overall verdict [三 「须同时符合以下条件」]: 不符合 > 待核实 > 待承诺 > 符合.


def test_overall_verdict_from_the_conditions(official):
    #   甲 标准厂房 (三.4 不符合) and 产权状况 blank (三.2 待核实) → 不可申报, naming 三.4
    #   乙 产权状况 blank and commitment unsigned             → 待核实, naming 产权状况
    #   丙 commitment unsigned only                             → 可申报 (待承诺 listed)
    #   丁 everything holds                                     → 可申报, 「各项条件符合」
    parcels = plots(4, mu=21.0)
    pid = parcels["parcel_id"].tolist()
    rows = [
        application(pid[0], 0, standard_factory="是", title_status=None),
        application(pid[1], 1, title_status=None, commitment_signed=False),
        application(pid[2], 2, commitment_signed=False),
        application(pid[3], 3),
    ]
    got = applications(official, parcels, rows)
    assert got["zengrong"].tolist() == [NO, TBD, OK, OK]
    reasons = got["zengrong_reason"].tolist()
    assert CONDITION_LABELS["cond4"] in reasons[0] and "标准厂房" in reasons[0]
    assert reasons[1].startswith("待核实") and "产权状况" in reasons[1]
    assert "待承诺" in reasons[2]
    assert reasons[3] == "各项条件符合"
    assert got["candidate"].tolist() == [False, True, True, True]
    assert not any(math.isnan(x) for x in got["far_after"])
