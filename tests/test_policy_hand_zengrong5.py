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

import pytest

from tests._hand import NO, OK, F, P, application, applications, plots
from tests.test_policy_hand_zengrong2 import _form_cells

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
