"""Hand-worked policy cases, round 15: combinations, where several checks decide one plot.

1. 四个一批 with several checks 不符合/待核实 at once: the shipped rule table (示例规则（非官方）,
   ``paths.rules``: R1 关停退出 → R2 功能转型 → R3 拆除重建 → R4 整治提升, first match wins;
   the paths are named in 虞政发〔2022〕12号 第三条第（一）项第2目 and 嵊政〔2022〕28号
   第三条第（一）项第2目). The path taken is the first rule that holds; every other failed check
   is listed beside it with its clause; a rule placed earlier that a missing fact could still
   make hold leaves the path 待核实, naming that fact.
2. 增容 [越政发〔2022〕24号 附件3 第三条 「须同时符合以下条件」]: several failures are each
   named; one 待核实 among passes gives 待核实, never 可申报.
3. The room to the 2.5 cap [附件3 第二条] as the 摸排 row says it, near the cap.

Plots are 21 亩 squares (14000 m², :func:`tests._hand.square`) 1 km apart unless a case draws
others; plot ``i`` is owned by firm ``i`` (规上, 3311 → 2002 大类 34, 容积率 floor 0.7).
Comparisons follow 《民法典》第1259条: 「以上」「以下」 include the number.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import shapely

from landgov.far.zengrong import CONDITION_LABELS, check_parcels
from landgov.units import M2_PER_MU
from landgov.verdict import Status
from tests._hand import (
    NO,
    OK,
    TBD,
    X0,
    Y0,
    application,
    applications,
    firms,
    parcels_of,
    plots,
    rectangle,
    screen_plots,
    square,
    uscc,
    violation_records,
    zengrong_inputs,
)

F, U = Status.FAIL, Status.UNKNOWN
#: 低效 [虞政发〔2022〕12号 第二条; 第三条第（一）项第1目] as the reasons cite it
LOW_CLAUSE = "[虞政发〔2022〕12号 第二条; 第三条第（一）项第1目]"
#: the violation check's clauses [001 三(一)1; 002 三(一)2]
VIOLATION_CLAUSE = (
    "[虞政发〔2022〕12号 第三条第（一）项第1目; 参照嵊政〔2022〕28号 第三条第（一）项第2目]"
)
#: what a record of unknown rectification lacks (landgov.core.records)
RECTIFIED = "整改情况（是否整改、整改完成日期）"
RECORD_DAY = dt.date(2024, 1, 10)


def _row(result, i):
    return result.parcels.iloc[i]


# =============================================================================================
# 1. 四个一批 with several checks at once


def test_low_efficient_unlawful_plot_planned_for_commerce_changes_function(shangyu):
    """Plot 0: tax 42 万元 on 21 亩 → 2 万元/亩 ≤ 5 (低效 「5万元/亩以下」); one 一般 安全
    record of 2024-01-10, 未整改 (违法违规); planned 商业用地 over the whole plot (规划非工业
    100 % ≥ 50 %). By hand: R1 needs 淘汰类, 重大 安全/环保 with D, 可无偿收回 or 两高 — none
    holds (允许类, 一般 record, built, 100 tce) → R1 false; R2 「规划用途已非工业」 holds →
    功能转型, 符合 (no earlier rule undecided). Every other failed check is listed with its
    clause: the 低效 line cites 第二条; 第三条第（一）项第1目, the record line the violation
    clauses."""
    parcels = plots(1)
    ents = firms(1, land_mu=21.0, tax_wan=42.0)
    records = violation_records([{"uscc": uscc(0), "record_date": RECORD_DAY}])
    row = _row(screen_plots(shangyu, parcels, ents, uses=["商业用地"], compliance=records), 0)
    assert (row["screening_status"], row["path"], row["path_rule"], row["path_status"]) == (
        "治理",
        "功能转型",
        "R2",
        "符合",
    )
    lines = row["reasons"].split("\n")
    assert lines[0].startswith("规则 R2「功能转型」")
    assert "规划为非工业用途的面积占 100%" in lines[1]
    low = [x for x in lines if x.startswith("· 问题：") and "亩均税收 2 万元/亩" in x]
    record = [x for x in lines if x.startswith("· 问题：") and "安全（一般，2024-01-10" in x]
    assert len(low) == 1 and low[0].endswith(LOW_CLAUSE)
    assert len(record) == 1 and record[0].endswith(VIOLATION_CLAUSE)


def test_eliminated_two_high_low_efficient_plot_closes_naming_both(shangyu):
    """Plot 0: 淘汰类; built 2019, 1200 tce ≥ 1000 (「2018年以来建设、年综合能耗1000吨标准煤以上
    （含）」 [虞政发〔2022〕12号 第三条第（二）项第2目]) assessed 「不符合要求」; 2 万元/亩 (低效).
    By hand R1 holds by two terms: 「catalogue:淘汰类」 and 「two_high:不符合&low_efficiency:
    不符合」 → 关停退出, 符合; the reasons name the 淘汰类 firm, the 两高 assessment and 低效."""
    parcels = plots(1)
    ents = firms(
        1,
        land_mu=21.0,
        tax_wan=42.0,
        catalogue_class="淘汰类",
        energy_tce=1200.0,
        built_year=2019,
        two_high_assessment="不符合要求",
    )
    row = _row(screen_plots(shangyu, parcels, ents), 0)
    assert (row["path"], row["path_rule"], row["path_status"]) == ("关停退出", "R1", "符合")
    reasons = row["reasons"]
    # said once, as the 产业目录 check says it (edition and date), not again as the rule's
    assert f"企业属限制/淘汰类别：{uscc(0)}（淘汰类）" in reasons
    assert reasons.count(f"{uscc(0)}（淘汰类）") == 1
    assert "属《产业结构调整指导目录》" not in reasons
    assert "经逐一评估不符合要求" in reasons and "1200 吨标准煤" in reasons
    assert "亩均税收 2 万元/亩" in reasons


def test_missing_catalogue_class_leaves_a_function_change_to_verify(shangyu):
    """Plot 0: 低效 (2 万元/亩), planned 商业用地, the firm's 产业目录类别 blank. By hand: R1
    「catalogue:淘汰类」 is unknown (the firm may be 淘汰类 → 关停退出); the other R1 terms are
    false; R2 holds → path 功能转型 but 待核实, naming 产业目录类别: the missing fact could move
    the plot to 关停退出, so the path is not definite."""
    parcels = plots(1)
    ents = firms(1, land_mu=21.0, tax_wan=42.0, catalogue_class=None)
    row = _row(screen_plots(shangyu, parcels, ents, uses=["商业用地"]), 0)
    assert (row["path"], row["path_rule"], row["path_status"]) == ("功能转型", "R2", "待核实")
    assert "catalogue_class（产业目录类别" in row["missing"]
    assert "规则 R1「关停退出」无法判定" in row["reasons"]


def test_idle_past_recovery_on_commercial_planning_closes_before_changing_function(shangyu):
    """Plot 0: nothing built (建筑面积 0, no start, no completion), 约定开工 2022-06-30: two full
    years on 2024-06-30 (《闲置土地处置办法》第十四条, 可无偿收回) and planned 商业用地.
    Tax 210 → 10 万元/亩 > 5 (not 低效). By hand: R1 「idle:recoverable」 holds before R2 →
    关停退出, 符合; the planning failure is listed as a 问题."""
    parcels = parcels_of([square(21.0, 0)], contract_start_date=["2022-06-30"])
    parcels["completion_date"] = [None]
    parcels["floor_area_m2"] = 0.0
    parcels["buildings_cover"] = True  # a buildings layer over the plot shows none on it
    parcels["n_buildings"] = 0
    ents = firms(1, land_mu=21.0, tax_wan=210.0)
    row = _row(screen_plots(shangyu, parcels, ents, uses=["商业用地"]), 0)
    assert (row["path"], row["path_rule"], row["path_status"]) == ("关停退出", "R1", "符合")
    assert "可无偿收回" in row["reasons"]
    assert "· 问题：" in row["reasons"] and "规划为非工业用途" in row["reasons"]


def test_missing_tax_with_low_far_leaves_rebuilding_to_verify(shangyu):
    """Plot 0: the firm's tax blank (亩均税收 待核实), 容积率 0.5 < 0.7 (大类 34; 用而未尽), one
    一般 安全 record 未整改 (on the 治理清单 by it). By hand: R3 「low_efficiency:不符合&
    under_used:不符合」: 低效 unknown, 容积率 below → the term is unknown (if 亩均税收 ≤ 5 it is
    拆除重建) → path 整治提升 but 待核实, naming the tax."""
    parcels = plots(1, far=0.5)
    ents = firms(1, land_mu=21.0, tax_wan=None)
    records = violation_records([{"uscc": uscc(0), "record_date": RECORD_DAY}])
    row = _row(screen_plots(shangyu, parcels, ents, compliance=records), 0)
    assert row["screening_status"] == "治理"
    assert (row["path"], row["path_rule"], row["path_status"]) == ("整治提升", "R4", "待核实")
    assert "税收" in row["missing"]
    assert "规则 R3「拆除重建」无法判定" in row["reasons"]


def test_major_record_of_unknown_rectification_beside_a_counted_one_leaves_closure_open(shangyu):
    """Plots 0 and 1, grade D, 10 万元/亩 (not 低效), each with a 一般 安全 record of
    2024-01-10 未整改 (it counts: the plot is on the 治理清单).
      0: also a 重大 安全 record of 2024-01-10 whose 整改情况 is blank.
      1: also a 重大 环保 record of 2024-01-10 that is 已整改 (it no longer stands).
    R1 「violation:重大:安全&grade:D」 (关停退出: 「重大安全或环保违法且评价为D类」): on plot 0
    whether a 重大 安全 violation still stands is unknown — if the record is not rectified the
    plot closes — so R1 is undecided: path 整治提升 but 待核实, naming 整改情况, and the
    violation reason names the open record too. On plot 1 the 重大 record is rectified: no 重大
    violation stands → R1 false → 整治提升, 符合.
    Before: plot 0 was 整治提升 「符合」 and the 重大 record was named nowhere."""
    parcels = plots(2, grade=["D", "D"])
    ents = firms(2, land_mu=21.0, tax_wan=210.0)
    records = violation_records(
        [
            {"uscc": uscc(0), "record_date": RECORD_DAY},
            {"uscc": uscc(0), "record_date": RECORD_DAY, "severity": "重大", "rectified": None},
            {"uscc": uscc(1), "record_date": RECORD_DAY},
            {
                "uscc": uscc(1),
                "record_date": RECORD_DAY,
                "severity": "重大",
                "category": "环保",
                "rectified": "已整改",
                "rectified_date": dt.date(2024, 3, 1),
            },
        ]
    )
    got = screen_plots(shangyu, parcels, ents, compliance=records)
    open_, closed = _row(got, 0), _row(got, 1)
    assert (open_["path"], open_["path_status"]) == ("整治提升", "待核实")
    assert RECTIFIED in open_["missing"]
    assert "规则 R1「关停退出」无法判定" in open_["reasons"]
    assert "安全（重大，2024-01-10，整改情况未知）" in open_["reasons"]
    assert got.checks["violation"].iloc[0].status is F  # listed by the 一般 record all the same
    assert (closed["path"], closed["path_status"]) == ("整治提升", "符合")


def test_counted_record_without_severity_or_category_leaves_closure_open(shangyu):
    """上虞 counts records of every severity (「各类违法违规问题」), so a record whose severity or
    category is blank still puts the plot on the list. Grade D, 10 万元/亩, one record each,
    2024-01-10, 未整改:
      0: 安全, severity blank → may be 重大 → R1 「重大安全…且评价为D类」 undecided → 待核实;
      1: 重大, category blank → may be 安全 or 环保 → R1 undecided → 待核实;
      2: 安全, severity blank, but grade C → R1 false whatever the severity → 整治提升, 符合.
    Before: plots 0 and 1 were 整治提升 「符合」, the blank read as 「not 重大」/「not 安全」."""
    parcels = plots(3, grade=["D", "D", "C"])
    ents = firms(3, land_mu=21.0, tax_wan=210.0)
    records = violation_records(
        [
            {"uscc": uscc(0), "record_date": RECORD_DAY, "severity": None},
            {"uscc": uscc(1), "record_date": RECORD_DAY, "severity": "重大", "category": None},
            {"uscc": uscc(2), "record_date": RECORD_DAY, "severity": None},
        ]
    )
    got = screen_plots(shangyu, parcels, ents, compliance=records).parcels
    assert got["screening_status"].tolist() == ["治理"] * 3
    assert got["path"].tolist() == ["整治提升"] * 3
    assert got["path_status"].tolist() == ["待核实", "待核实", "符合"]
    assert "严重程度" in got["missing"].iloc[0]
    assert "问题类别" in got["missing"].iloc[1]


def test_major_safety_record_with_grade_d_still_closes(shangyu):
    """The pin beside the two cases above: a 重大 安全 record 未整改 of 2024-01-10 with grade D
    and a second 一般 record of unknown rectification → R1 holds on the 重大 record (the open
    one cannot undo it) → 关停退出, 符合."""
    parcels = plots(1, grade=["D"])
    ents = firms(1, land_mu=21.0, tax_wan=210.0)
    records = violation_records(
        [
            {"uscc": uscc(0), "record_date": RECORD_DAY, "severity": "重大"},
            {"uscc": uscc(0), "record_date": RECORD_DAY, "rectified": None},
        ]
    )
    row = _row(screen_plots(shangyu, parcels, ents, compliance=records), 0)
    assert (row["path"], row["path_status"]) == ("关停退出", "符合")
    assert "存在重大安全违法违规记录" in row["reasons"]


def test_tenant_without_tax_on_a_plot_the_owner_alone_clears_is_not_low(shangyu):
    """「亩均税收5万元以下」 [虞政发〔2022〕12号 第二条; 第三条第（一）项第1目]: the plot's
    亩均税收 = all tax on the plot / its 亩. Three 21 亩 plots, each with its owner (whole
    tax on this plot) and a tenant whose tax is blank. A tax is never below 0 (a negative
    amount is read as missing, plausible.money_min_wan): the owner's tax alone is a floor.
      0: owner 210 万元 → at least 210 / 21 = 10 > 5 → not 低效 whatever the tenant pays → 符合,
         不列入, the reason saying the floor and the tenant whose tax is missing;
      1: owner 105.21 → at least 5.01 > 5 → 符合 (the boundary just above);
      2: owner 105 → at least 5.00: a tenant paying 0 leaves it at 5.00 (低效, 「以下」 includes
         5) → 待核实, naming the tax.
    Before: all three were 待核实 for the tenant's blank tax."""
    parcels = plots(3)
    ents = firms(6, land_mu=21.0, tax_wan=[210.0, 105.21, 105.0, None, None, None])
    pid = parcels["parcel_id"].tolist()
    links = pd.DataFrame(
        {
            "parcel_id": [pid[0], pid[1], pid[2], pid[0], pid[1], pid[2]],
            "uscc": [uscc(i) for i in range(6)],
            "relation": ["owner"] * 3 + ["tenant"] * 3,
        }
    )
    got = screen_plots(shangyu, parcels, ents, links=links)
    checks = got.checks["low_efficiency"]
    assert [v.status for v in checks] == [Status.PASS, Status.PASS, U]
    assert got.parcels["screening_status"].tolist() == ["不列入", "不列入", "待核实"]
    assert checks.iloc[0].reason.startswith("亩均税收至少 10 万元/亩（已知税收 210 万元；")
    assert f"{uscc(3)} 税收缺失" in checks.iloc[0].reason
    assert "亩均税收至少 5.01 万元/亩" in checks.iloc[1].reason
    assert "税收" in got.parcels["to_verify"].iloc[2]


def test_floor_of_the_known_tax_never_passes_on_an_example_threshold(yuecheng):
    """越城 borrows 上虞's 5 万元/亩 (示例规则（非官方）): the owner's 210 万元 on 21 亩 is at
    least 10, but a county's own threshold may lie above that, and the tenant's tax is still
    missing → 待核实, naming the tax (never 符合 on the example value)."""
    parcels = plots(1)
    ents = firms(2, land_mu=21.0, tax_wan=[210.0, None])
    pid = parcels["parcel_id"].iloc[0]
    links = pd.DataFrame(
        {"parcel_id": [pid, pid], "uscc": [uscc(0), uscc(1)], "relation": ["owner", "tenant"]}
    )
    got = screen_plots(yuecheng, parcels, ents, links=links).checks["low_efficiency"].iloc[0]
    assert got.status is U
    assert any("税收" in m for m in got.missing)


def _neighbours(tax_b):
    """甲 60 亩 (100 m × 400 m) and, touching it on the east, 乙 50 亩 (100 m × 333.33 m):
    甲 tax 60 万元 (1 万元/亩, 低效), 容积率 0.8 (≥ 0.7); 乙 tax ``tax_b``, 容积率 0.5 (< 0.7,
    用而未尽)."""
    da, db = 60 * M2_PER_MU / 100.0, 50 * M2_PER_MU / 100.0
    geoms = [
        shapely.box(X0, Y0, X0 + 100.0, Y0 + da),
        shapely.box(X0 + 100.0, Y0, X0 + 200.0, Y0 + db),
    ]
    parcels = parcels_of(geoms)
    parcels["floor_area_m2"] = parcels.geometry.area * [0.8, 0.5]
    return parcels, firms(2, land_mu=[60.0, 50.0], tax_wan=[60.0, tax_b])


@pytest.mark.parametrize(
    ("tax_b", "path_a", "status_a"),
    [
        (None, "整治提升", "待核实"),  # 乙's 低效 unknown → whether 甲 is in a 110 亩 block too
        (25.0, "拆除重建", "符合"),  # 乙 0.5 ≤ 5 低效, 0.5 < 0.7 → 乙 R3 → 110 亩 → 甲 R3
        (500.0, "整治提升", "符合"),  # 乙 10 万元/亩, not 低效 → no block → 甲 R4 for sure
    ],
)
def test_low_efficient_plot_next_to_a_neighbour_of_undecided_path(shangyu, tax_b, path_a, status_a):
    """R3 「低效且属100亩以上连片低效地块 → 拆除重建」 (「100亩以上低效工业用地连片改造」
    [越政发〔2022〕24号 第三条第4项]); blocks are the 治理 plots whose path rebuilds or frees land.
    甲 (60 亩, 低效, 容积率 0.8) alone is 60 < 100 → R3 needs the block.
      乙 tax blank: 乙's R3 term 「低效&容积率低于下限」 is unknown (容积率 0.5 < 0.7) — if 乙 is
        低效 it is 拆除重建, the two make 110 ≥ 100 亩 and 甲 is 拆除重建 too; so 甲's path is
        not definite: 整治提升 but 待核实, naming 乙 and its undecided path. Before: 甲 整治提升
        「符合」, as if 乙 could never join.
      乙 25 万元 → 0.5 万元/亩 低效 and 容积率 0.5 < 0.7 → 乙 拆除重建 (R3), a block of its own;
        甲 next to it: 60 + 50 = 110 ≥ 100 亩 → 甲 R3 拆除重建, 符合.
      乙 500 万元 → 10 万元/亩, not 低效 → 乙 整治提升 for sure (R3 false) → 甲 stays 60 亩 →
        整治提升, 符合.
    """
    parcels, ents = _neighbours(tax_b)
    got = screen_plots(shangyu, parcels, ents).parcels
    assert (got["path"].iloc[0], got["path_status"].iloc[0]) == (path_a, status_a)
    if tax_b is None:
        b = parcels["parcel_id"].iloc[1]
        assert f"相邻治理地块 {b} 的治理路径" in got["missing"].iloc[0]
        assert "规则 R3「拆除重建」无法判定" in got["reasons"].iloc[0]


# =============================================================================================
# 2. 增容: 「须同时符合以下条件」 [越政发〔2022〕24号 附件3 第三条]


def test_application_failing_four_conditions_names_each(official):
    """A 15.00 亩 plot (100 m × 100 m, 「原则上大于15亩」: 15.00 is not more than 15 → 三.1
    不符合), 标准厂房 (三.4 不符合), project 淘汰类 (三.5 不符合), 工业增加值 1000 万元:
    1000 / 15 = 66.67 < 120 万元/亩 and 1000 / 1500 = 0.67 < 1.5 万元/吨 (三.6 不符合).
    By hand: 不可申报, the reason naming 条件1, 4, 5 and 6, each with its figure."""
    parcels = parcels_of([square(15.0, 0)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    row = application(
        parcels["parcel_id"].iloc[0],
        0,
        standard_factory="是",
        project_catalogue_class="淘汰类",
        value_added_wan=1000.0,
    )
    got = applications(official, parcels, [row]).iloc[0]
    assert got["zengrong"] == NO
    assert [got[f"cond{i}"] for i in range(1, 9)] == [F, "符合", "符合", F, F, F, "符合", "符合"]
    reason = got["zengrong_reason"]
    for i in (1, 4, 5, 6):
        assert CONDITION_LABELS[f"cond{i}"] in reason
    assert "15.00 亩不大于 15 亩" in reason and "淘汰类" in reason and "66.67 万元/亩" in reason


def test_one_condition_to_verify_among_passes_is_to_verify_never_eligible(official):
    """21 亩, every condition met but 竣工验收（履约验收） blank with no completion date → 三.2
    「首次开发已完成」 is not known → 待核实; by hand the overall is 待核实 (not 可申报),
    naming the acceptance."""
    parcels = plots(1)
    parcels["completion_date"] = [None]
    row = application(
        parcels["parcel_id"].iloc[0], 0, completion_accepted=None, first_development_done=None
    )
    got = applications(official, parcels, [row]).iloc[0]
    assert got["cond2"] == U
    assert got["zengrong"] == TBD
    assert "竣工验收" in got["missing"]


def test_failures_and_unknowns_together_refuse_and_still_list_what_is_missing(official):
    """标准厂房 (三.4 不符合), 产权状况 blank (三.2 待核实), 工业增加值 blank (三.6 待核实).
    By hand: one 不符合 refuses → 不可申报, naming 条件4; what is unknown stays listed in the
    待核实事项 (产权状况, 工业增加值), never dropped."""
    parcels = plots(1)
    row = application(
        parcels["parcel_id"].iloc[0],
        0,
        standard_factory="是",
        title_status=None,
        value_added_wan=None,
    )
    got = applications(official, parcels, [row]).iloc[0]
    assert got["zengrong"] == NO
    assert CONDITION_LABELS["cond4"] in got["zengrong_reason"]
    assert "产权状况" in got["missing"] and "工业增加值" in got["missing"]


def test_eligible_only_when_every_condition_holds(official):
    """The pin: the default application on a 21 亩 plot at 容积率 0.8 meets every condition →
    可申报 「各项条件符合」; its room 2.5 × 14000 − 11200 = 23800 m²."""
    parcels = plots(1)
    got = applications(official, parcels, [application(parcels["parcel_id"].iloc[0])]).iloc[0]
    assert got["zengrong"] == OK and got["zengrong_reason"] == "各项条件符合"
    assert got["headroom_m2"] == pytest.approx(23800.0)


def test_two_applications_on_one_plot_are_held_to_the_plots_cap_together(official):
    """Plot 0 (21 亩 = 14000 m², 容积率 0.8 → 11200 m², room 2.5 × 14000 − 11200 = 23800 m²)
    has two applications, ZR-000 and ZR-009, adding 15000 m² each; plot 1 has two adding
    10000 m² each. By hand, 「容积率上限可提高至2.5」 [附件3 第二条] is the plot's and
    「项目不允许分期建设」 [附件3 第四条第（五）项]:
      plot 0: each alone (26200 / 14000 = 1.87) fits, together 11200 + 30000 = 41200 m² →
              2.94 > 2.5 (6200 m² over): both cannot be granted, which one stands is not
              known → the cap 待核实 on both rows, each naming the other → overall 待核实;
      plot 1: together 31200 m² → 2.23 ≤ 2.5 → both fit → 可申报.
    Before: all four rows were 可申报, 30000 m² granted on a plot with room for 23800."""
    parcels = plots(2)
    pid = parcels["parcel_id"].tolist()
    rows = [
        application(pid[0], 0, added_floor_m2=15000.0),
        application(pid[0], 0, added_floor_m2=15000.0, application_id="ZR-009"),
        application(pid[1], 1, added_floor_m2=10000.0),
        application(pid[1], 1, added_floor_m2=10000.0, application_id="ZR-010"),
    ]
    got = applications(official, parcels, rows)
    assert got["cap"].tolist() == [U, U, "符合", "符合"]
    assert got["zengrong"].tolist() == [TBD, TBD, OK, OK]
    note0, note1 = got["cap_note"].iloc[0], got["cap_note"].iloc[1]
    assert "另有增容申请 ZR-009（新增 15,000 平方米）" in note0
    assert "另有增容申请 ZR-000（新增 15,000 平方米）" in note1
    assert "合计实施后容积率 2.94 > 上限 2.5（超出 6,200 平方米）" in note0
    assert "同一宗地的其他增容申请" in got["missing"].iloc[0]


# =============================================================================================
# 3. The room to the cap near 2.5 [越政发〔2022〕24号 附件3 第二条 「容积率上限可提高至2.5」]


def test_room_near_the_cap_is_told_with_the_digits_that_show_it(official):
    """Plots of 100 m × 150 m = 15000 m² (22.5 亩) with 容积率 2.495, 2.5 and 2.5001
    (建筑面积 37425, 37500, 37501.5 m²). Room = 2.5 × 15000 − 建筑面积:
      2.495  → 75 m², the cap 符合 (有增容空间); the room's note says 「2.495」, never
               「2.50 已达到 1.5 的目标，仍可增至 2.5」 (2.50 reads as the cap itself);
      2.5    → 0 m² (「2.5」 itself leaves no room), shown 0, never -0;
      2.5001 → 0 m² (over the cap, no room), the note says 2.5001, not 2.50.
    Before: the note printed 2.50 for 2.495 and 2.5001, and the room at 2.5 was -0.0."""
    parcels = parcels_of([rectangle(100.0, 150.0, i) for i in range(3)])
    parcels["floor_area_m2"] = [37425.0, 37500.0, 37501.5]
    got = check_parcels(zengrong_inputs(official, parcels))
    assert got["cap"].tolist() == ["符合", F, F]
    assert got["headroom_m2"].tolist() == pytest.approx([75.0, 0.0, 0.0])
    assert [str(x) for x in got["headroom_m2"]] == ["75.0", "0.0", "0.0"]
    notes = got["headroom_reason"].tolist()
    assert notes[0] == "现状容积率 2.495 已达到 1.5 的目标，仍可增至 2.5"
    assert notes[1] == "现状容积率 2.50 已达到或超过上限 2.5，无增容空间"
    assert notes[2] == "现状容积率 2.5001 已达到或超过上限 2.5，无增容空间"
