"""Hand-worked policy cases, round 17: who may apply for 增容, what an industry code says of
制造业, and what a 闲置 may rest on.

Rounds 3–16 (tests/test_policy_hand_cases3.py … 16.py, tests/test_policy_hand_zengrong*.py)
are not repeated. Plots are the hand plots of :mod:`tests._hand` (EPSG:4549, 1 km apart;
1 亩 = 10000/15 m², so 21 亩 = 14000 m²; firm ``i`` owns plot ``i``); the reference date is
2024-06-30. Each case works its answer out by hand from the clause it cites, then checks what
landgov says (status, reasons, cited clause, 待核实事项).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from landgov.efficiency import grade_enterprises
from landgov.far.industry import focus_industry
from landgov.far.zengrong import check_applications
from landgov.link import link_parcels
from landgov.screening import check_low_efficiency
from tests._hand import (
    OK,
    TBD,
    F,
    P,
    U,
    application,
    enterprises,
    firms,
    owner_links,
    parcels_of,
    plots,
    screen_plots,
    square,
    uscc,
    zengrong_inputs,
)
from tests.test_policy_hand_zengrong2 import _form_cells

# =============================================================================================
# 1. 增容 by a tenant. 越政发〔2022〕24号 附件3 第一条 covers 「取得国有出让建设用地使用权的存量工业
# 用地」; 第四条第（一）项 「企业向属地镇街提出申请」; 第四条第（五）项: the enterprise signs the
# 「新增建筑面积按重置价赔偿书面承诺」, the 《投资建设协议》 and a bank guarantee — the acts of
# whoever holds the land. A tenant (地企关联 relation 承租) holds no 使用权 on the plot: its
# application cannot be 可申报 until the holder's right or consent is shown. Never 不符合 (the
# holder may consent, the link table may be behind), never a silent pass.


def _tenant_inputs(profile, parcels):
    """Plot 0 owned by 企业0, part of it rented by 企业5 (a tenant, 地企关联 relation 承租)."""
    pid = parcels["parcel_id"].iloc[0]
    tenant = pd.DataFrame({"parcel_id": [pid], "uscc": [uscc(5)], "relation": ["tenant"]})
    links = pd.concat([owner_links(parcels), tenant], ignore_index=True)
    return dataclasses.replace(
        zengrong_inputs(profile, parcels), links=links, enterprises=enterprises(6)
    )


def test_application_by_a_tenant_is_to_verify_never_eligible(official):
    """Plot 0 (21 亩, 容积率 0.8) meets every condition on the default application's figures.

    By hand:
    - 甲 企业0, the plot's owner (使用权人) → 适用范围 符合 → 可申报.
    - 乙 企业5, a tenant on plot 0 → it has not 「取得…使用权」 [附件3 第一条] → 适用范围
      待核实 → 待核实 (never 可申报), the reason saying it rents the plot and naming the
      owner; 待核实事项 the relation (使用权, or the 使用权人's consent). The 初审表 names the
      applicant 企业5 — never the plot's 权利人 企业0, who did not apply.
    """
    parcels = plots(1, mu=21.0)
    pid = parcels["parcel_id"].iloc[0]
    apps = pd.DataFrame([application(pid, 0), application(pid, 5)])
    got = check_applications(apps, _tenant_inputs(official, parcels))
    assert got["scope"].tolist() == [P, U]
    assert got["zengrong"].tolist() == [OK, TBD]
    note = got["scope_note"].iloc[1]
    assert f"申请企业（企业5，统一社会信用代码 {uscc(5)}）为宗地 {pid} 的承租企业" in note
    assert f"企业0 {uscc(0)}" in note
    assert "不是土地使用权人（宗地权利人：企业0" in note
    assert "[越政发〔2022〕24号 附件3 第一条]" in note
    assert "申请企业与宗地的关系" in got["missing"].iloc[1]
    assert "申请企业与宗地的关系" not in got["missing"].iloc[0]
    names = [_form_cells(r)["企业名称（盖公章）"] for r in got.to_dict("records")]
    assert names == ["企业0", "企业5"]


# =============================================================================================
# 2. 制造业 from an industry code as firms' tables write it. 「以规上制造业企业、实际用地3亩以上的
# 规下制造业企业为重点开展排查」 [虞政发〔2022〕12号 第三条第（二）项第1目] and 「申请项目仅限制造业
# 项目」 [越政发〔2022〕24号 附件3 第三条第4项]: 制造业 is GB/T 4754 门类 C, 大类 13–43, in the
# 2002, 2011 and 2017 editions alike.
#
# - 「C」 (the 门类 letter only, no 大类): 门类 C *is* 制造业 → 属制造业 (in the focus and the
#   evaluation scope; 三.4 符合). Which national 容积率 floor applies is not known (no 大类).
# - 「C5171」: 门类 C before 大类 51 (批发, 门类 F): the two halves contradict each other →
#   是否属制造业 待核实, never 非制造业 on the digits alone (nor 制造业 on the letter alone).
# - 「610」 (0610 烟煤和无烟煤开采洗选 with its leading 0 lost, or 中类 610 住宿): both
#   readings are 非制造业 (门类 B or H) → 不属制造业; 「13」 (大类 13 农副食品加工, or a 1310
#   cut short) is 制造业 either way.


def test_industry_code_written_as_its_section_letter_or_a_contradiction(shangyu):
    cases = {"C": True, "c": True, "C5171": None, "C3311": True, "610": False, "13": True}
    got = {code: focus_industry(code, profile=shangyu) for code in cases}
    assert {code: f.inside for code, f in got.items()} == cases
    assert got["C"].text == "行业代码「C」为门类 C（GB/T 4754 大类 13–43）属制造业"
    assert "门类 C（制造业）与大类 51 不符" in got["C5171"].text
    assert "所见「C5171」无法识别" in got["C5171"].missing
    # the 亩均 evaluation reads the same: 规下 firms on 5 亩 (≥ 3 亩), tax 10, 50 万kWh
    rows = pd.DataFrame(
        {
            "uscc": ["U0", "U1"],
            "above_scale": [False, False],
            "land_mu": [5.0, 5.0],
            "tax_wan": [10.0, 10.0],
            "power_10k_kwh": [50.0, 50.0],
            "industry_code": ["C", "C5171"],
            "industry_edition": ["2017", "2017"],
        }
    )
    graded = grade_enterprises(rows, profile=shangyu).data
    assert graded["evaluated"].tolist() == [True, False]
    assert "是否属制造业待核实" in graded["evaluation_note"].iloc[1]


def test_project_code_c_alone_is_manufacturing_and_c5171_is_to_verify(official):
    """三.4 「申请项目仅限制造业项目」 on the project's own code [越政发〔2022〕24号 附件3 第三条
    第4项]: 「C」 → 制造业项目, 符合 (the application stays 可申报); 「C5171」 → 待核实 (the
    letter and the 大类 disagree), never 不符合 → 不可申报 on the digits alone."""
    parcels = plots(2, mu=21.0)
    pid = parcels["parcel_id"].tolist()
    rows = [
        application(pid[0], 0, project_industry_code="C"),
        application(pid[1], 1, project_industry_code="C5171"),
    ]
    got = check_applications(pd.DataFrame(rows), zengrong_inputs(official, parcels))
    assert got["cond4"].tolist() == [P, U]
    assert got["zengrong"].tolist() == [OK, TBD]
    assert "门类 C（制造业）与大类 51 不符" in got["cond4_note"].iloc[1]
    assert "申请表：项目行业代码" in got["missing"].iloc[1]


# =============================================================================================
# 3. 闲置 resting on a 0. 《闲置土地处置办法》第二条: 闲置 is land not started 满一年 after the
# contracted start date; 第十四条: 满两年 may be taken back without compensation (R1 关停退出,
# ``idle:recoverable``). The start date is the fact everything rests on: without it no plot is
# 闲置, whatever its 建筑面积 and tax say.


def test_plot_of_zero_tax_and_zero_floor_area_is_not_idle_without_a_contract_date(shangyu):
    """Plot 0: 税收 0, 建筑面积 0, no start, completion or contracted start date; plot 1 the
    same with a contracted start of 2021-01-01 (3 full years before 2024-06-30).

    By hand:
    - plot 0: 亩均税收 0 ≤ 5 → 低效 (不符合; 「5万元以下」 includes 0) → 治理. Whether it is
      闲置 is not known (no contracted start date): 待核实, naming 约定开工日期 — never 闲置,
      never 可无偿收回, so R1 关停退出 is unknown, not true; the path is R4 整治提升, 待核实,
      saying R1 could not be judged and what it lacks.
    - plot 1: 3 full years since the contracted start, but 「未动工」 rests on a 建筑面积 of 0
      alone, which a .dbf also writes for a blank (round 18, decided by the lead): whether it
      was started is 待核实, naming the buildings layer or a site check → R1 关停退出 cannot
      be judged → R4 整治提升, 待核实 (with a buildings layer over the plot showing none it
      is 闲置 → 关停退出: tests/test_policy_hand_cases18.py).
    """
    parcels = parcels_of(
        [square(21.0, 0), square(21.0, 1)],
        completion_date=[None, None],
        contract_start_date=[None, "2021-01-01"],
    )
    parcels["floor_area_m2"] = 0.0
    got = screen_plots(shangyu, parcels, firms(2, tax_wan=[0.0, 0.0]))
    idle = got.checks["idle"]
    assert [v.status for v in idle] == [U, U]
    assert "宗地字段 contract_start_date（约定开工日期）" in idle.iloc[0].missing
    rows = got.parcels
    assert rows["screening_status"].tolist() == ["治理", "治理"]
    assert rows["path"].tolist() == ["整治提升", "整治提升"]
    assert rows["path_status"].tolist() == ["待核实", "待核实"]
    r1_open = "规则 R1「关停退出」无法判定（缺少：宗地字段 contract_start_date"
    assert r1_open in rows["reasons"].iloc[0]
    assert "可无偿收回" not in rows["reasons"].iloc[0]
    assert "可无偿收回" not in rows["reasons"].iloc[1]
    assert "未动工仅有建筑面积 0（登记建筑面积）一项依据" in idle.iloc[1].reason


# =============================================================================================
# 4. 「5万元以下」 at values that print alike. 虞政发〔2022〕12号 第二条、第三条第（一）项第1目:
# 亩均税收 ≤ 5 万元/亩 is 低效 (「以下」 includes the number, 《民法典》第1259条). On 20 亩:
#   100 万元 → 5.0 → 低效; 99.998 → 4.9999 → 低效, printed 4.9999 (never 「5 ≤ 5」 beside a
#   figure that is not 5); 100.002 → 5.0001 → not 低效 in 上虞 (its own figure), but 待核实
#   in 越城, where 5 万元 is 参照虞政发〔2022〕12号, 示例规则（非官方）: above an example threshold
#   is never 符合 on it alone, and the county's own standard is asked for.


def test_tax_a_hair_either_side_of_five_wan(shangyu, yuecheng):
    taxes = [100.0, 99.998, 100.002]
    parcels = plots(3, mu=20.0)
    ents = firms(3, tax_wan=taxes)
    seen = {}
    for name, profile in (("上虞", shangyu), ("越城", yuecheng)):
        linked = link_parcels(parcels, ents, owner_links(parcels), profile=profile)
        seen[name] = check_low_efficiency(
            linked.parcels, enterprises=linked.enterprises, pairs=linked.pairs, profile=profile
        )
    assert [v.status for v in seen["上虞"]] == [F, F, P]
    assert [v.status for v in seen["越城"]] == [F, F, U]
    assert seen["上虞"].iloc[1].reason.startswith("亩均税收 4.9999 万元/亩，≤ 5 万元/亩")
    assert seen["上虞"].iloc[2].reason.startswith("亩均税收 5.0001 万元/亩，未达低效门槛")
    assert "示例规则（非官方），不能单独判定为符合" in seen["越城"].iloc[2].reason
    assert any("standard_tax_per_mu" in m for m in seen["越城"].iloc[2].missing)
    assert "请按本地认定标准复核" in seen["越城"].iloc[1].reason


def test_a_reason_both_branches_of_a_rule_share_is_said_once(yuecheng) -> None:
    """R3 「低效且容积率低于下限、低效且属100亩以上连片低效地块」 holds by both branches: a 100 亩
    square paying 100 万元 (1 万元/亩 ≤ 5 → 低效) at 容积率 0.3 (below the 0.7 of 大类 33) is a
    large block by itself. The plot's 理由 names 低效 once, the 容积率 and the block once
    each — before, the 低效 line came once per branch (demo plot 330602002003GB00073)."""
    parcels = parcels_of([square(100.0, 0)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.3
    got = screen_plots(yuecheng, parcels, firms(1, tax_wan=[100.0]))
    assert got.parcels["path_rule"].iloc[0] == "R3"
    lines = got.parcels["reasons"].iloc[0].split("\n")
    assert sum("亩均税收" in line for line in lines) == 1, lines
    assert sum("属连片地块" in line for line in lines) == 1, lines
    assert sum("容积率" in line and "下限" in line for line in lines[1:]) == 1, lines
