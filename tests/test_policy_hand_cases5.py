"""Hand-worked policy cases, round 6: the rules with the fewest hand cases so far.

Counted by grep over the hand-case files (``tests/test_policy_hand_*.py``,
``tests/test_policy_boundaries_hand.py``, ``tests/test_agreement.py``, ``tests/test_paths.py``)
before this file: 批而未供 (``screening.unsupplied``) 0, 无严重违建 (``zengrong.cond1.building``)
0, 适用范围的区与用途 (``zengrong.scope.district``, ``zengrong.scope.use``) 0 each, 首次开发
(``zengrong.cond2.first_development``) 1, 更新容积率 1.5 / 2.0 (``far.renewal_target``) 1,
临时改变房屋用途 (``zengrong.cond1.temporary_use``) 2, 制造业项目
(``zengrong.cond4.manufacturing``) 2.

Every expected value was worked out on paper from the clause it cites (texts in
``/work/shared/seeds/``) before the code ran:

- 浙政发〔2023〕4号 第二条第（一）项第1目: 「以国土空间规划为引领,聚焦批而未供、供而未用、用而未尽
  等问题,大力推进低效工业用地连片整治和盘活利用」 and 「容积率宜高则高,一般不低于1.5,有条件的
  项目可试点探索2.0以上容积率」.
- 越政发〔2022〕24号 附件3 第一条: 「越城区、滨海新区范围内取得国有出让建设用地使用权的存量工业
  用地，所在地块应符合国土空间规划的要求。」
- 附件3 第三条第1项: 「地块用地面积原则上大于 15 亩，未列入近年拆迁计划，无严重违建，未办理
  临时改变房屋用途」; 第2项: 「地块完成首次开发（首次开发指按土地出让合同约定完成开发建设，
  并竣工投入使用）」; 第3项: 「申请企业 1 年内无重大违建、生态环境、安全生产不良记录」;
  第4项: 「申请项目仅限制造业项目，不含标准厂房」.

Plots are squares 1 km apart in EPSG:4549 (``tests/_hand.py``); 1 亩 = 10000/15 m², so
21 亩 = 14000 m², 3 亩 = 2000 m², 22.5 亩 = 15000 m². Comparisons follow 《民法典》第1259条:
「以上」「不低于」 include the number. Missing data is 待核实, never 符合.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landgov.far import compute_far
from landgov.far.ratio import headroom
from landgov.far.zengrong import check_applications
from landgov.io import read_applications
from landgov.screening.approved import add_to_summary, report_approved
from landgov.units import M2_PER_MU
from tests._hand import (
    AS_OF,
    CRS,
    NO,
    OK,
    TBD,
    X0,
    Y0,
    F,
    P,
    U,
    W,
    application,
    applications,
    parcels_of,
    plots,
    square,
    uscc,
    violation_records,
    zengrong_inputs,
)

CLAUSE_1 = "[越政发〔2022〕24号 附件3 第三条第1项]"
CLAUSE_2 = "[越政发〔2022〕24号 附件3 第三条第2项]"
CLAUSE_4 = "[越政发〔2022〕24号 附件3 第三条第4项]"


def _cond(row: pd.Series, rule: str):
    """The verdict of condition ``rule`` (``zengrong.<rule>``) in a 增容审查 row."""
    (found,) = [v for v in row["verdicts"] if v.rule_id == f"zengrong.{rule}"]
    return found


# =============================================================================================
# 批而未供 [浙政发〔2023〕4号 第二条第（一）项第1目]: land approved and not yet supplied is one of
# the three problems; it has no 宗地 and no firm, so it is reported per batch and per 镇街, never
# screened. A batch whose date or area is not known is 待核实, never counted as land.


def _approved(rows: list[dict], geoms: list) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=CRS)
    frame["area_m2"] = frame.geometry.area.where(frame.geometry.notna())
    frame["source_row"] = np.arange(1, len(frame) + 1)
    return frame


def test_unsupplied_batches_years_area_and_what_stays_to_verify():
    # As of 2024-06-30, all in 马山街道:
    #   甲 150 m × 100 m = 15000 m² = 15000 × 15 / 10000 = 22.5 亩, 批准 2021-06-30: the third
    #      anniversary is 2024-06-30 itself → 3 full years; 批而未供
    #   乙 40 m × 50 m = 2000 m² = 3 亩, 批准 2021-07-01: one day short of the third → 2 years
    #   丙 100 m × 100 m, 批准日期 blank → 待核实, not in the area (never 0, never confirmed)
    #   丁 100 m × 100 m, ledger 批准 5000 m² − 已供 5000.01 m² = −0.01 ≤ 0: the ledger says the
    #      batch is fully supplied while the layer lists it → 待核实
    # 马山: 批而未供 22.5 + 3 = 25.5 亩 over 2 batches; 2 batches 待核实.
    def box(i, w, h):
        return shapely.box(X0 + 1000 * i, Y0, X0 + 1000 * i + w, Y0 + h)

    frame = _approved(
        [
            {"approval_date": dt.date(2021, 6, 30), "township": "马山街道"},
            {"approval_date": dt.date(2021, 7, 1), "township": "马山街道"},
            {"approval_date": None, "township": "马山街道"},
            {
                "approval_date": dt.date(2020, 1, 1),
                "township": "马山街道",
                "approved_area_m2": 5000.0,
                "supplied_area_m2": 5000.01,
            },
        ],
        [box(0, 150, 100), box(1, 40, 50), box(2, 100, 100), box(3, 100, 100)],
    )
    rep = report_approved(frame, as_of=AS_OF)
    rows = rep.rows
    assert rows["approved_status"].tolist() == ["批而未供", "批而未供", "待核实", "待核实"]
    assert rows["years_since_approval"].tolist()[:2] == [3, 2]
    assert rows["unsupplied_mu"].tolist()[:2] == pytest.approx([22.5, 3.0])
    assert "批准日期" in rows["approved_note"].iloc[2]
    assert "已全部供应" in rows["approved_note"].iloc[3]
    town = rep.townships.loc["马山街道"]
    assert town["approved_area_mu"] == pytest.approx(25.5)
    assert town["n_approved_to_verify"] == 2
    # 盘活潜力 = 治理清单面积 + 批而未供面积: 10 + 25.5 = 35.5 亩
    summary = pd.DataFrame(
        {"township": ["马山街道", "全区"], "n_parcels": [4, 4], "governance_area_mu": [10.0, 10.0]}
    )
    out = add_to_summary(summary, rep).set_index("township")
    assert out.loc["马山街道", "renewal_potential_mu"] == pytest.approx(35.5)
    assert out.loc["全区", "renewal_potential_mu"] == pytest.approx(35.5)


# =============================================================================================
# 三.1 「无严重违建」: no window (the one-year window is 三.3's); a record counts while it is not
# rectified on the as-of date; 「严重」 is read as 较大、重大 (project default). It is a condition
# on the 地块: a record filed on the plot counts whoever it names. 三.3 is on the 申请企业.


def _with_records(profile, parcels, records):
    inputs = zengrong_inputs(profile, parcels)
    return dataclasses.replace(inputs, compliance=violation_records(records))


def _building(**over):
    return {
        "uscc": uscc(0),
        "category": "违法建设",
        "severity": "较大",
        "record_date": dt.date(2019, 3, 1),
        "rectified": "未整改",
        "rectified_date": None,
    } | over


def test_serious_illegal_building_has_no_window_and_counts_until_rectified(official):
    # As of 2024-06-30, the applicant (firm 0) on plot 0 of 21 亩:
    #   甲 较大 违法建设 of 2019-03-01, 未整改: five years old, still open → 三.1 不符合; it is
    #      outside 三.3's year [2023-06-30, 2024-06-30] → 三.3 符合
    #   乙 the same, 整改完成 2024-06-30 (the as-of day itself: 「基准日前（含当日）」) → cleared
    #      → 三.1 符合
    #   丙 the same, 整改完成 2024-07-01 (after the as-of day) → still open → 不符合
    #   丁 the same with 严重程度 blank → whether it is 「严重」 is unknown → 待核实, never 符合
    cases = [
        _building(),
        _building(rectified="已整改", rectified_date=AS_OF),
        _building(rectified="已整改", rectified_date=dt.date(2024, 7, 1)),
        _building(severity=None),
    ]
    want = [F, P, F, U]
    for record, status in zip(cases, want, strict=True):
        parcels = plots(1, mu=21.0)
        inputs = _with_records(official, parcels, [record])
        row = check_applications(
            pd.DataFrame([application(parcels["parcel_id"].iloc[0])]), inputs
        ).iloc[0]
        assert row["cond1"] == status, (record, row["cond1_note"])
        assert CLAUSE_1 in row["cond1_note"] or status is P
        assert row["cond3"] == P, row["cond3_note"]
    # 甲's reason names the record; 丁 names what to collect
    parcels = plots(1, mu=21.0)
    row = check_applications(
        pd.DataFrame([application(parcels["parcel_id"].iloc[0])]),
        _with_records(official, parcels, [cases[0]]),
    ).iloc[0]
    assert "未整改的严重违法建设记录" in row["cond1_note"]
    assert row["zengrong"] == NO


def test_serious_illegal_building_of_another_firm_on_the_plot_fails_3_1_not_3_3(official):
    # A tenant (firm 5, not the applicant) has a 重大 违法建设 of 2024-03-01, 未整改, filed on
    # the applicant's plot. 三.1 is on the 地块: 不符合. 三.3 is on the 申请企业 (firm 0), which
    # has no record → 符合.
    parcels = plots(1, mu=21.0)
    pid = parcels["parcel_id"].iloc[0]
    record = _building(
        uscc=uscc(5), parcel_id=pid, severity="重大", record_date=dt.date(2024, 3, 1)
    )
    row = check_applications(
        pd.DataFrame([application(pid)]), _with_records(official, parcels, [record])
    ).iloc[0]
    assert row["cond1"] == F, row["cond1_note"]
    assert row["cond3"] == P, row["cond3_note"]


# =============================================================================================
# 三.1 「未办理临时改变房屋用途」: the 初审表 asks 是否办理临时改变房屋用途. 「是」「已办理」 →
# 不符合; 「否」「未办理」 → 符合; blank or unreadable → 待核实.


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("是", F),
        ("已办理", F),
        ("否", P),
        ("未办理", P),
        (None, U),
        ("不清楚", U),
    ],
)
def test_temporary_use_change_as_staff_write_it(official, answer, status):
    parcels = plots(1, mu=21.0)
    app = application(parcels["parcel_id"].iloc[0], temporary_use_change=answer)
    row = applications(official, parcels, [app]).iloc[0]
    assert row["cond1"] == status, row["cond1_note"]
    if status is U:
        assert "临时改变房屋用途" in row["missing"]
        assert row["zengrong"] == TBD
    if status is F:
        assert "办理了临时改变房屋用途" in row["cond1_note"] and CLAUSE_1 in row["cond1_note"]


def test_temporary_use_written_but_unreadable_is_not_called_blank(official):
    # 「不清楚」 was written: the reason must not say 「未填报」 (it was filled), but that the
    # answer cannot be read as 是/否.
    parcels = plots(1, mu=21.0)
    app = application(parcels["parcel_id"].iloc[0], temporary_use_change="不清楚")
    row = applications(official, parcels, [app]).iloc[0]
    assert "未填报" not in row["cond1_note"], row["cond1_note"]
    assert "不清楚" in row["cond1_note"]


def test_reader_reads_the_same_answers_as_the_check(tmp_path):
    # The 申请表 as a 镇街 files it: 「是否办理临时改变房屋用途」 answered 已办理 / 未办理 / 不清楚,
    # 「是否改变原建筑结构」 answered 涉及 / 不涉及 / 否. The reader leaves True / False / None
    # (the unreadable one with a 警告 row naming the cell), as the check reads the raw text.
    path = tmp_path / "申请表.xlsx"
    pd.DataFrame(
        {
            "宗地代码": ["330602001001GB00000", "330602001001GB00001", "330602001001GB00002"],
            "临时改变房屋用途": ["已办理", "未办理", "不清楚"],
            "是否改变原建筑结构": ["涉及", "不涉及", "否"],
        }
    ).to_excel(path, index=False)
    read = read_applications(path)
    assert read.data["temporary_use_change"].tolist() == [True, False, None]
    assert read.data["changes_structure"].tolist() == [True, False, False]
    warned = read.problems[read.problems["value"].astype(str) == "不清楚"]
    assert len(warned) == 1


def test_structure_change_written_as_involved_or_not(official):
    # 三.8 「涉及原建筑结构发生变化类项目，需出具建筑结构安全鉴定报告」:
    #   「不涉及」                     → no change → 符合
    #   「涉及」, 报告 「未出具」       → a report still to produce → 待承诺 (still 可申报)
    parcels = plots(2, mu=21.0)
    rows = [
        application(parcels["parcel_id"].iloc[0], 0, changes_structure="不涉及"),
        application(
            parcels["parcel_id"].iloc[1], 1, changes_structure="涉及", safety_report="未出具"
        ),
    ]
    got = applications(official, parcels, rows)
    assert got["cond8"].tolist() == [P, W], got["cond8_note"].tolist()
    assert got["zengrong"].tolist() == [OK, OK]


# =============================================================================================
# 三.2 首次开发 「按土地出让合同约定完成开发建设，并竣工投入使用」: only the 竣工验收（履约验收）
# shows the contract's development was completed.


def test_first_development_by_acceptance_declaration_and_completion_date(official):
    # As of 2024-06-30, plots of 21 亩, 产权 清晰:
    #   甲 验收 「验收合格」                                   → 符合
    #   乙 验收 「不合格」                                     → 不符合
    #   丙 验收 blank, 申请表 是否完成首次开发 「否」            → 不符合 (declared not done)
    #   丁 验收 blank, 是否完成 「是」, 竣工 2015-05-01         → 待核实 (a declaration and a date
    #      are no proof of 按合同完成)
    #   戊 验收 blank, 是否完成 blank, 竣工日期 blank           → 待核实, never 符合
    #   己 验收 blank, 是否完成 「是」, 竣工 2024-07-01 (after the as-of date) → 不符合: not yet
    #      竣工 on the as-of date
    n = 6
    parcels = plots(
        n,
        mu=21.0,
        completion_date=[dt.date(2015, 5, 1)] * 4 + [None, dt.date(2024, 7, 1)],
    )
    answers = [
        ("验收合格", True),
        ("不合格", True),
        (None, "否"),
        (None, "是"),
        (None, None),
        (None, "是"),
    ]
    rows = [
        application(pid, i, completion_accepted=acc, first_development_done=done)
        for i, (pid, (acc, done)) in enumerate(zip(parcels["parcel_id"], answers, strict=True))
    ]
    got = applications(official, parcels, rows)
    assert got["cond2"].tolist() == [P, F, F, U, U, F], got["cond2_note"].tolist()
    assert got["zengrong"].tolist() == [OK, NO, NO, TBD, TBD, NO]
    for i in (1, 2, 3, 4, 5):
        assert CLAUSE_2 in got["cond2_note"].iloc[i]
    assert "竣工" in got["missing"].iloc[4] or "首次开发" in got["missing"].iloc[4]


# =============================================================================================
# 三.4 「申请项目仅限制造业项目」: GB/T 4754 C 门类 (2017 and 2002: divisions 13–43) by the
# project's own code; without it the firm's code only suggests → 待核实.


def test_manufacturing_project_by_its_own_code_at_the_edges_of_section_c(official):
    #   甲 1311 谷物磨制 (division 13, first of C)                       → 符合
    #   乙 4320 通用设备修理 (2017 division 43, last of C)                → 符合
    #   丙 0610 烟煤和无烟煤开采洗选 (B 采矿业)                           → 不符合
    #   丁 4411 火力发电 (D 电力、热力生产和供应业, first after C)        → 不符合
    #   戊 blank: the firm's own code 3311 is manufacturing, but the project's is not given
    #      → 待核实, naming the project code
    codes = ["1311", "4320", "0610", "4411", None]
    parcels = plots(len(codes), mu=21.0)
    rows = [
        application(pid, i, project_industry_code=code)
        for i, (pid, code) in enumerate(zip(parcels["parcel_id"], codes, strict=True))
    ]
    got = applications(official, parcels, rows)
    assert got["cond4"].tolist() == [P, P, F, F, U], got["cond4_note"].tolist()
    for i in (2, 3, 4):
        assert CLAUSE_4 in got["cond4_note"].iloc[i]
    assert "行业代码" in got["missing"].iloc[4]


# =============================================================================================
# 附件3 第一条 「越城区、滨海新区范围内」 and 「存量工业用地」.


def test_scope_by_county_code(official):
    # The first six digits of the 宗地代码 are the county code:
    #   330602 越城区                                   → 符合
    #   330603 柯桥区: 滨海新区 spans 越城、柯桥、上虞 → 待核实 (核实是否位于越城区、滨海新区)
    #   330604 上虞区: likewise                        → 待核实
    #   330681 诸暨市                                   → 不符合 → 不可申报
    codes = [
        "330602001001GB00000",
        "330603001001GB00001",
        "330604001001GB00002",
        "330681001001GB00003",
    ]
    parcels = parcels_of([square(21.0, i) for i in range(4)], parcel_id=codes)
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    rows = [application(pid, i) for i, pid in enumerate(codes)]
    got = applications(official, parcels, rows)
    assert got["scope"].tolist() == [P, U, U, F], got["scope_note"].tolist()
    assert got["zengrong"].tolist() == [OK, TBD, TBD, NO]
    assert "宗地是否位于越城区、滨海新区" in got["missing"].iloc[1]
    assert "330681" in got["scope_note"].iloc[3]
    assert "[越政发〔2022〕24号 附件3 第一条]" in got["scope_note"].iloc[3]


def test_scope_by_land_use_as_registers_write_it(official):
    #   工业用地                 → 符合 (存量工业用地)
    #   0601 (GB/T 21010 工业用地, 用地用海 乡村道路用地): the project's reading → 待核实,
    #        never 符合 on it alone, the note naming both classifications
    #   商服用地                 → 不符合 (非工业)
    #   06 工矿仓储用地 (工业 + 采矿 + 仓储): cannot tell → 待核实
    #   blank                   → 待核实, never 符合
    uses = ["工业用地", "0601", "商服用地", "工矿仓储用地", None]
    parcels = plots(len(uses), mu=21.0, land_use=uses)
    rows = [application(pid, i) for i, pid in enumerate(parcels["parcel_id"])]
    got = applications(official, parcels, rows)
    assert got["scope"].tolist() == [P, U, F, U, U], got["scope_note"].tolist()
    assert "GB/T 21010-2017" in got["scope_note"].iloc[1]
    assert "乡村道路用地" in got["scope_note"].iloc[1]
    assert "非工业用地" in got["scope_note"].iloc[2]
    assert "土地用途" in got["missing"].iloc[3]
    assert "土地用途" in got["missing"].iloc[4]


# =============================================================================================
# 浙政发〔2023〕4号 「一般不低于1.5」 (includes 1.5) and 「2.0以上」 (includes 2.0): report only.


def test_renewal_target_reached_at_exactly_1_5(official):
    # 21 亩 = 14000 m²; 1.5 × 14000 = 21000 m²; 2.5 × 14000 = 35000 m².
    #   甲 21000.00 m² → 容积率 1.5: target reached, room to it 0, to the cap 35000 − 21000 = 14000
    #   乙 20999.99 m² → 0.01 m² short of the target: room 0.01, no 「已达到」 note
    #   丙 floor area blank → 容积率 unknown: room NaN, 待核实 said, never 0
    land = pd.Series([14000.0, 14000.0, 14000.0])
    floor = pd.Series([21000.0, 20999.99, np.nan])
    room = headroom(land, floor, cap=2.5, target=official.value("far.renewal_target"))
    assert room["headroom_target_m2"].tolist()[:2] == pytest.approx([0.0, 0.01])
    assert room["headroom_m2"].tolist()[:2] == pytest.approx([14000.0, 14000.01])
    assert "已达到 1.5 的目标" in room["headroom_reason"].iloc[0]
    assert room["headroom_reason"].iloc[1] == ""
    assert np.isnan(room["headroom_m2"].iloc[2]) and np.isnan(room["headroom_target_m2"].iloc[2])
    assert "待核实" in room["headroom_reason"].iloc[2]
    # the same figures in the 增容审查 row of a drawn 21 亩 plot (shapely area 13999.99999998)
    parcels = plots(2, mu=21.0)
    parcels["floor_area_m2"] = [21000.0, 28000.0]  # 1.5 and 2.0 (the pilot level)
    far = compute_far(parcels, profile=official)
    assert far["far"].tolist() == pytest.approx([1.5, 2.0])
    got = applications(official, parcels, [application(parcels["parcel_id"].iloc[0])])
    assert got["far_target"].iloc[0] == 1.5 and got["far_pilot"].iloc[0] == 2.0
    assert got["headroom_target_m2"].iloc[0] == pytest.approx(0.0)
    assert got["far_gap_target"].iloc[0] == pytest.approx(0.0, abs=1e-9)
    assert pytest.approx(21.0 * M2_PER_MU) == 14000.0
