"""Hand-worked policy cases, round 18: what 「未动工」 may rest on, profile thresholds at their
boundary values, 示例规则（非官方） values that never pass a check alone, and 亩均评价 grading.

Rounds 3–17 (tests/test_policy_hand_cases3.py … 17.py, tests/test_policy_hand_zengrong*.py,
tests/test_policy_boundaries_hand.py, tests/test_policy_hand_counties.py) are not repeated.
Plots are the hand plots of :mod:`tests._hand` (EPSG:4549, 1 km apart; 1 亩 = 10000/15 m², so
21 亩 = 14000 m²; firm ``i`` owns plot ``i``); the reference date is 2024-06-30. Each case works
its answer out by hand from the clause it cites, then checks what landgov says.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from landgov.core.collect import render_text
from landgov.far.ratio import UNBUILT_EVIDENCE
from landgov.far.zengrong import check_applications, check_parcels
from landgov.run.screening import run_screening
from tests._hand import (
    AS_OF,
    NO,
    OK,
    TBD,
    F,
    P,
    U,
    application,
    bare_survey,
    firms,
    hand_files,
    plots,
    screen_plots,
    uscc,
    violation_records,
    zengrong_inputs,
)

# =============================================================================================
# 1. 「未动工」 on a 建筑面积 of 0 alone. 《闲置土地处置办法》第二条: 闲置 = not started 满一年
# after the contracted start date; 第十四条: 满两年 may be taken back without compensation (R1
# 关停退出, ``idle:recoverable``). A Shapefile .dbf numeric field cannot hold a blank — ArcGIS
# writes a blank 建筑面积 as 0 — so a 0 that nothing corroborates is not known to be 0: whether
# the plot was started is 待核实, naming what to collect (a buildings layer that covers the plot,
# or a site check, from 自然资源局: 第五条 puts the 闲置 investigation on the 国土资源主管部门).
# A buildings layer whose footprints span the plot and show none on it corroborates the 0 (and
# a blank): 闲置, 关停退出 符合. Decided by the lead for round 18.

_ITEM = "建筑图层（覆盖该宗地）或现场核查是否已动工〔自然资源局〕"


def _unbuilt(n: int, floor: float | None = 0.0):
    """``n`` plots of 21 亩, contracted start 2021-06-30 (3 full years before 2024-06-30), no
    start or completion date, 建筑面积 ``floor``."""
    parcels = plots(n, mu=21.0, contract_start_date=["2021-06-30"] * n)
    parcels["completion_date"] = [None] * n
    parcels["floor_area_m2"] = floor
    return parcels


def test_idle_on_a_zero_floor_area_alone_is_to_verify_and_r1_with_it(shangyu):
    """Plot 0: 建筑面积 0, no buildings layer, no raster; 亩均税收 0 (低效, on the 治理清单).

    By hand: 3 full years ≥ 2 — but 「未动工」 rests on the 0 alone → 闲置 待核实 (never 闲置,
    never 可无偿收回); R1 关停退出 cannot be judged → R2, R3 false (容积率 0 with no 竣工日期 is
    尚未建成, not 用而未尽) → R4 整治提升, 待核实, the missing item the buildings layer or a site
    check, from 自然资源局. Was: 闲置 不符合, 可无偿收回 → R1 关停退出, 符合.
    """
    got = screen_plots(shangyu, _unbuilt(1), firms(1, tax_wan=[0.0]))
    idle = got.checks["idle"].iloc[0]
    assert idle.status is U, idle.reason
    assert "recoverable" not in idle.values and "idle_years" not in idle.values
    assert idle.missing == (UNBUILT_EVIDENCE,)
    assert "常把空白写为 0" in idle.reason
    row = got.parcels.iloc[0]
    assert (row["path"], row["path_rule"], row["path_status"]) == ("整治提升", "R4", "待核实")
    assert "规则 R1「关停退出」无法判定" in row["reasons"]
    assert _ITEM in render_text(row["missing"])
    assert "闲置" not in str(row["flags"])


def test_idle_on_a_zero_floor_area_a_covering_layer_shows_bare_closes(shangyu, tmp_path):
    """The same plot (and plot 1, 建筑面积 blank) in a whole run with a buildings layer whose
    footprints lie 10 m west and east of each plot, spanning it: the layer covers both plots
    and shows no building on them.

    By hand: plot 0, 3 full years not started, corroborated → 闲置, 可无偿收回 → R1 关停退出,
    符合. Plot 1: its blank 建筑面积 is no fact, but the layer is → the same: 关停退出, 符合.
    Was: plot 1 待核实 (「是否动工不明」) although the layer showed it bare."""
    parcels = _unbuilt(2)
    parcels["floor_area_m2"] = [0.0, None]
    ents = firms(2, tax_wan=[0.0, 0.0])
    inputs = hand_files(tmp_path, parcels, ents)
    bare_survey(parcels).to_file(tmp_path / "buildings.gpkg", driver="GPKG")
    inputs = dataclasses.replace(inputs, buildings=tmp_path / "buildings.gpkg")
    run = run_screening(
        inputs, profile=shangyu, out_dir=tmp_path / "out", as_of=AS_OF, progress=False, gpkg=False
    )
    rows = run.parcels
    assert rows["path"].tolist() == ["关停退出", "关停退出"]
    assert rows["path_status"].tolist() == ["符合", "符合"]
    assert rows["idle_years"].tolist() == [3, 3]
    assert all("可无偿收回" in r for r in rows["reasons"])


def test_a_buildings_layer_that_does_not_reach_the_plot_corroborates_nothing(shangyu):
    """Plot 0, 建筑面积 0; the buildings layer holds the footprints around plot 1 only (1 km
    east): it does not cover plot 0, so it says nothing of it → 闲置 待核实, as with no layer.
    Plot 1 (建筑面积 0, covered, none on it) → 闲置 不符合."""
    parcels = _unbuilt(2)
    from landgov.far import compute_far

    far = compute_far(parcels, profile=shangyu, buildings=bare_survey(parcels.iloc[[1]]))
    assert far["buildings_cover"].tolist() == [False, True]
    screened = parcels.assign(buildings_cover=far["buildings_cover"], n_buildings=0)
    got = screen_plots(shangyu, screened, firms(2, tax_wan=[0.0, 0.0]))
    assert [v.status for v in got.checks["idle"]] == [U, F]
    assert got.parcels["path"].tolist() == ["整治提升", "关停退出"]


def test_first_development_on_a_zero_floor_area_alone_is_to_verify(official):
    """增容 三.2 「地块完成首次开发（按土地出让合同约定完成开发建设，并竣工投入使用）」
    [越政发〔2022〕24号 附件3 第三条第2项], on the plot of the first case (建筑面积 0, no 竣工日期,
    no buildings layer; 越城 with its 标准地 values published) — the same rule as 供而未用:
    - no application (the plot's own check): nothing says it was built, but the 0 alone does
      not say 尚未建成 → 待核实, naming the buildings layer or a site check (was 不符合 →
      不可申报);
    - applied for with 竣工验收（履约验收） 「已通过」: the acceptance is the evidence, and a 0
      nothing corroborates is a blank → 符合 (was 待核实, 「两者不一致」);
    - with a buildings layer covering the plot, none on it: no application → 不符合 (尚未建成);
      acceptance 「已通过」 → 待核实 (the two disagree).
    """
    parcels = _unbuilt(1)
    pid = parcels["parcel_id"].iloc[0]
    alone = check_parcels(zengrong_inputs(official, parcels)).iloc[0]
    assert alone["cond2"] == U, alone["cond2_note"]
    assert "不能据此认定尚未建成" in alone["cond2_note"]
    assert _ITEM in render_text(alone["missing"])
    applied = check_applications(
        pd.DataFrame([application(pid)]), zengrong_inputs(official, parcels)
    ).iloc[0]
    assert applied["cond2"] == P, applied["cond2_note"]
    assert applied["zengrong"] == OK
    surveyed = zengrong_inputs(official, parcels, buildings=bare_survey(parcels))
    got = check_parcels(surveyed).iloc[0]
    assert got["cond2"] == F and got["zengrong"] == NO
    assert "尚未建成" in got["cond2_note"]
    rows = check_applications(pd.DataFrame([application(pid)]), surveyed)
    assert rows["cond2"].iloc[0] == U and rows["zengrong"].iloc[0] == TBD


# =============================================================================================
# 4. 亩均评价 with indicators partly missing. The shipped scoring (黄岩区 2022, 示例规则（非官方）):
# a 规上 firm 「无排放数据」 gets the mean 规上 points on 单位排放增加值 (``missing_emissions =
# mean_score``); any other missing item leaves it 不参评, naming what is missing
# (``missing_item_rule = not_evaluated``: 缺数据不得视为合格, never graded low or high).


def _above_scale(**over):
    """A 规上 制造业 firm on 20 亩 with every 规上 indicator: tax 400, 增加值 2000, 能耗 500 t,
    排放 1 t, 100 人, 研发 50 of 营业收入 5000."""
    row = {
        "above_scale": True,
        "land_mu": 20.0,
        "tax_wan": 400.0,
        "value_added_wan": 2000.0,
        "energy_tce": 500.0,
        "emissions_t": 1.0,
        "employees": 100,
        "rd_wan": 50.0,
        "revenue_wan": 5000.0,
        "industry_code": "3311",
        "industry_edition": "2017",
    }
    return row | over


def test_firm_with_emissions_but_no_value_added_is_not_said_to_lack_emissions(shangyu):
    """Firm 0 has every indicator; firm 1 has its 排放 (1 t) but no 工业增加值; firm 2 has no
    排放.

    By hand: firm 1 lacks 亩均增加值, 单位能耗增加值, 单位排放增加值 and 全员劳动生产率 (all
    need the 增加值) → 不参评, the note naming those four — never 「无排放数据」 (its 排放 is
    there: what to collect is the 增加值, from 统计局) and no mean points put on its 单位排放增加值;
    firm 2 「无排放数据」 → the mean of the evaluated 规上 firms' points on that item: firm 0's
    10 × (2000 / 1) / 4929.81 = 4.06 分 → evaluated, graded.
    Was: firm 1's note began 「无排放数据，单位排放增加值项取规上企业平均得分 4.06 分」 and a
    problem row asked for its emissions.
    """
    from landgov.efficiency import grade_enterprises

    rows = pd.DataFrame(
        [
            _above_scale(uscc="U0"),
            _above_scale(uscc="U1", value_added_wan=None),
            _above_scale(uscc="U2", emissions_t=None),
        ]
    )
    got = grade_enterprises(rows, profile=shangyu)
    data = got.data
    assert data["evaluated"].tolist() == [True, False, True]
    note = data["evaluation_note"].iloc[1]
    assert "无排放数据" not in note, note
    assert "缺少亩均增加值、单位能耗增加值、单位排放增加值、全员劳动生产率，不参评" in note
    assert data["grade"].iloc[1] is None or pd.isna(data["grade"].iloc[1])
    assert (
        "无排放数据，单位排放增加值项取规上企业平均得分 4.06 分" in data["evaluation_note"].iloc[2]
    )
    emissions = got.problems[got.problems["problem"].astype(str).str.contains("无排放数据")]
    assert emissions["value"].astype(str).str.startswith("U2").tolist() == [True]


# =============================================================================================
# 2. 数据合理性 bounds of zhejiang-2023 (inherited by every county profile) at their numbers. Each
# note says 「大于 … 视为不合理」 (plausible.far_max 20, share_max_pct 100 %, employees_max
# 100 万人, floor_area_max_m2 1 亿 m², energy_max_tce 1 亿吨): 「大于」 excludes the number, so
# the bound itself is plausible and kept; a hair above it is set aside (按缺失处理, 待核实).


def test_plausibility_bounds_keep_their_own_number(shangyu):
    from landgov.core.plausible import implausible_number
    from landgov.policy import load_profile

    shengzhou, gongshu = load_profile("shengzhou-2022"), load_profile("gongshu-2022")

    cases = {
        "far_declared": 20.0,
        "rd_ratio_pct": 100.0,
        "employees": 1.0e6,
        "floor_area_m2": 1.0e8,
        "energy_tce": 1.0e8,
    }
    for profile in (shangyu, shengzhou, gongshu):
        for name, bound in cases.items():
            assert implausible_number(name, bound, profile) is None, name
            above = implausible_number(name, bound * 1.0001, profile)
            assert above is not None and above.startswith("大于合理上限"), (name, above)


def test_contracted_start_ten_years_ahead_is_kept_and_the_note_says_so(yuecheng):
    """plausible.future_date_max_years = 10 (项目默认): a 约定开工日期 may lie ahead of the
    reference date, up to 10 years. On 2024-06-30: 2034-06-30 (10 years to the day) is kept,
    2034-07-01 is set aside. The profile's note says what the comparison does: 「超过 10 年」
    (excludes the number). Was: 「晚于基准日 10 年以上视为不合理」 — 「以上」 includes 10, while
    2034-06-30 was kept."""
    import datetime as dt

    from landgov.core.plausible import check_values

    days = [dt.date(2034, 6, 30), dt.date(2034, 7, 1)]
    frame = pd.DataFrame({"contract_start_date": days, "source_row": [2, 3]})
    checked = check_values(frame, yuecheng, source="parcels.shp", as_of=AS_OF)
    assert checked.data["contract_start_date"].tolist() == [dt.date(2034, 6, 30), None]
    note = yuecheng.params["plausible.future_date_max_years"].note
    assert "超过 10 年" in note and "以上" not in note


# =============================================================================================
# 4 (continued). Grades on a plot and at a band's edge.


def _run(tmp_path, profile, parcels, ents, *, links=None, records=None):
    """A whole run of the hand county (files → 底数清单); ``links`` and ``records`` replace the
    owner links and the empty violation table."""
    inputs = hand_files(tmp_path, parcels, ents)
    if links is not None:
        links.to_csv(tmp_path / "links.csv", index=False)
    if records is not None:
        records.to_csv(tmp_path / "compliance.csv", index=False)
    return run_screening(
        inputs, profile=profile, out_dir=tmp_path / "out", as_of=AS_OF, progress=False, gpkg=False
    )


def test_plot_of_two_tenants_takes_the_grade_of_the_one_using_more_land(shangyu, tmp_path):
    """Plot 0 (21 亩 = 14000 m²) has no owner in the links, two tenants with their platform
    grades (评价等级): firm 0 graded A using 5000 m², firm 1 graded D using 9000 m².
    The main enterprise (主体企业) is the owner, else the user of the most land, ties to the
    smaller USCC (landgov.link.main_enterprise): firm 1 → the plot's grade is D, not A; with
    7000 m² each, firm 0 (the smaller code) → A."""
    parcels = plots(1, mu=21.0)
    pid = parcels["parcel_id"].iloc[0]
    ents = firms(2, tax_wan=[10.0, 500.0], land_mu=[7.5, 13.5], grade_given=["A", "D"])
    seen = []
    for i, areas in enumerate(([5000.0, 9000.0], [7000.0, 7000.0])):
        links = pd.DataFrame(
            {
                "parcel_id": [pid, pid],
                "uscc": [uscc(0), uscc(1)],
                "relation": ["tenant", "tenant"],
                "area_used_m2": areas,
            }
        )
        folder = tmp_path / str(i)
        folder.mkdir()
        row = _run(folder, shangyu, parcels, ents, links=links).parcels.iloc[0]
        seen.append((row["main_uscc"], row["grade"]))
    assert seen == [(uscc(1), "D"), (uscc(0), "A")]


def test_firm_with_indicators_partly_missing_leaves_the_grade_term_open(shangyu, tmp_path):
    """Plots 0 and 1 (21 亩), each firm 规上 with a 重大 安全 record 未整改 (2024-01-10) and tax
    40 (1.90 万元/亩 ≤ 5 → 低效). Firm 0 has every indicator; firm 1 lacks its 工业增加值.

    By hand: firm 1 is 不参评 (缺少亩均增加值…), never graded D (nor A): R1 「重大安全违法且
    评价为D类」 [虞政发〔2022〕12号 第三条第（一）项第2目] cannot be judged → the path goes on down
    the table and is 待核实, naming the grade (亩均评价等级〔经信局〕). Firm 0, the only firm
    evaluated, sits at (1 − ½)/1 = 0.5 of the percentile bands (A 20 %, B 40 %) → B, not D →
    R1 false, nothing open about the grade."""
    parcels = plots(2, mu=21.0)
    full = {
        "value_added_wan": 2000.0,
        "energy_tce": 500.0,
        "emissions_t": 1.0,
        "employees": 100,
        "rd_wan": 50.0,
        "revenue_wan": 5000.0,
    }
    ents = firms(2, tax_wan=[40.0, 40.0], land_mu=[21.0, 21.0], **full)
    ents.loc[1, "value_added_wan"] = None
    records = violation_records(
        [{"uscc": uscc(i), "record_date": "2024-01-10", "severity": "重大"} for i in range(2)]
    )
    run = _run(tmp_path, shangyu, parcels, ents, records=records)
    rows = run.parcels
    assert rows["grade"].iloc[0] == "B" and pd.isna(rows["grade"].iloc[1])
    assert rows["path"].tolist() == ["整治提升", "整治提升"]
    assert "规则 R1「关停退出」无法判定" not in rows["reasons"].iloc[0]
    assert "规则 R1「关停退出」无法判定（缺少：亩均评价等级〔经信局〕）" in rows["reasons"].iloc[1]
    assert rows["path_status"].iloc[1] == "待核实"
    firm = run.enterprises.set_index("uscc").loc[uscc(1)]
    assert not firm["evaluated"] and "缺少亩均增加值" in firm["evaluation_note"]


def test_the_last_of_ten_firms_sits_on_the_c_band_edge(shangyu):
    """Percentile bands (A 20 %, B 40 %, C 35 %, D 5 %; 示例规则（非官方）): rank r of n sits at
    (r − ½)/n, graded by the first band whose cumulative share reaches it (the edge included).
    Ten 规下 制造业 firms on 5 亩 with taxes 10, 9, …, 1 万元 and 10 万千瓦时: ranks 1–10 sit at
    0.05, 0.15 (≤ 0.20 → A), 0.25 … 0.55 (≤ 0.60 → B), 0.65 … 0.95 (≤ 0.95 → C): the last sits
    exactly on C's edge → C; no firm of ten is D (末 5 % of ten is half a firm)."""
    from landgov.efficiency import grade_enterprises

    rows = pd.DataFrame(
        {
            "uscc": [f"U{i}" for i in range(10)],
            "above_scale": False,
            "land_mu": 5.0,
            "tax_wan": [float(10 - i) for i in range(10)],
            "power_10k_kwh": 10.0,
            "industry_code": "3311",
        }
    )
    got = grade_enterprises(rows, profile=shangyu).data
    assert "".join(got["grade"]) == "AABBBBCCCC"


def test_under_used_on_a_zero_floor_area_alone_is_to_verify_not_unbuilt(shangyu):
    """用而未尽 reads the same 0 as 供而未用 (浙政发〔2023〕4号 第二条第（一）项第1目: 供而未用 and
    用而未尽 are two problems). Plot 0: 建筑面积 0, no 竣工日期, no buildings layer → built or
    not is unknown: 待核实, naming the buildings layer / site check. Plot 1: the same 0, and a
    buildings layer covering it shows none on it → 尚未建成, not 用而未尽 (符合).
    Was: plot 0 符合 「尚未建成，不属用而未尽」 on the 0 alone."""
    parcels = _unbuilt(2)
    from landgov.far import compute_far

    far = compute_far(parcels, profile=shangyu, buildings=bare_survey(parcels.iloc[[1]]))
    screened = parcels.assign(buildings_cover=far["buildings_cover"], n_buildings=0)
    got = screen_plots(shangyu, screened, firms(2, tax_wan=[10.0, 10.0]))
    zero_alone, bare = got.checks["under_used"]
    assert zero_alone.status is U, zero_alone.reason
    assert zero_alone.missing == (UNBUILT_EVIDENCE,)
    assert "常把空白写为 0" in zero_alone.reason
    assert _ITEM in render_text(got.parcels["missing"].iloc[0])
    assert bare.status is P and "尚未建成" in bare.reason
