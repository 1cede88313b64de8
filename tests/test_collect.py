"""Every 待核实 names, in Chinese, what to collect, from which department, for which enterprise."""

from __future__ import annotations

import re

import pytest

from landgov.core.collect import (
    DEPARTMENTS,
    FIELD_SOURCES,
    field_item,
    parse_item,
    render_text,
    split_items,
)
from landgov.screening.paths import RECOVERABLE_UNKNOWN
from tests._hand import firms, parcels_of, screen_plots, square

USCC = "91330602MA2BDUNA5X"
ASSESS = f"企业表字段 two_high_assessment（逐一评估结论：符合/不符合要求，{USCC}）"
NAMES = {USCC: "绍兴甲纺织有限公司"}

# Every internal form the checks emit (grep 企业表字段/宗地字段/… in landgov/screening,
# landgov/core/records.py and landgov/core/overlay.py), with the department expected.
FORMS = [
    (f"企业表字段 energy_tce（综合能耗，{USCC}）", "统计局", USCC),
    (f"企业表字段 built_year（投产年份，{USCC}）", "经信局", USCC),
    (f"企业表字段 above_scale（规上/规下，{USCC}）", "统计局", USCC),
    (f"企业表字段 land_mu（用地面积，{USCC}）", "自然资源局", USCC),
    (f"企业表字段 catalogue_class（产业目录类别，{USCC}）", "发改局", USCC),
    ("企业表字段 catalogue_class（产业目录类别）", "发改局", None),
    (ASSESS + "；所见「待定」无法识别", "发改局", USCC),
    (f"企业表中没有该宗地关联企业 {USCC}", "经信局", USCC),
    ("宗地字段 tax_per_mu（亩均税收）或 tax_wan（税收）", "税务局", None),
    ("宗地字段 grade（亩均评价等级）", "经信局", None),
    ("宗地字段 contract_start_date（约定开工日期）", "自然资源局", None),
    ("宗地字段 floor_area_m2（建筑面积）、far 或 far_declared（容积率）", "自然资源局", None),
    ("宗地字段 start_date（实际开工日期）或 floor_area_m2（建筑面积）", "自然资源局", None),
    (
        "宗地的主要企业（main_uscc）的行业代码 industry_code（及版本 industry_edition）",
        "统计局",
        None,
    ),
    ("地企关联表 pairs（该宗地没有关联企业）", "自然资源局", None),
    (
        "违法违规记录表 compliance（uscc、parcel_id、category、severity、record_date、"
        "rectified 整改情况、rectified_date 整改完成日期）",
        "综合行政执法局",
        None,
    ),
    ("规划用途图层 planning", "自然资源局", None),
    ("规划图层字段 planned_use（规划用途）", "自然资源局", None),
    ("拆迁计划图层 demolition", "房屋征收部门", None),
    ("房屋征收部门确认：部分重叠的宗地是否列入拆迁计划", "房屋征收部门", None),
    ("规划用途图层未覆盖或无规划用途的部分占宗地面积 100%", "自然资源局", None),
    ("规划图层未覆盖或控制线属性不明的部分占宗地面积 不足 1%", "自然资源局", None),
    ("本地认定标准 standard_tax_per_mu（）", "经信局", None),
    ("本地认定标准 standard_far（行业不明）", "自然资源局", None),
    ("本地认定标准 standard_two_high_tce（）", "发改局", None),
    ("本地认定标准 standard_planning_share（规划为非工业用途的面积比例）", "自然资源局", None),
    (
        "本地认定标准 standard_control_line_share（位于工业用地控制线外的面积比例）",
        "自然资源局",
        None,
    ),
    ("整改情况（是否整改、整改完成日期）", "综合行政执法局", None),
    ("记录日期（判断是否在时限内）", "综合行政执法局", None),
    ("连片分析结果 block_large（先运行 blocks.find_blocks）", "无需收集", None),
    # a plot's cell that decides nothing as written (field_item)
    ("收集项 contract_start_date【约定开工日期「待定」无法识别为日期】", "自然资源局", None),
    ("收集项 start_date【实际开工日期只写到 2024-06-01～2024-06-30】", "自然资源局", None),
    ("收集项 completion_date【竣工日期「2023」无法识别为日期】", "自然资源局", None),
    ("收集项 floor_area_m2【登记值 0 应为空白，请核实】", "自然资源局", None),
]

_ASCII_FIELD = re.compile(r"[a-z]+_[a-z_]+|\b(?:pairs|planning|demolition|compliance|far)\b")


@pytest.mark.parametrize(("internal", "department", "uscc"), FORMS)
def test_each_form_becomes_chinese_with_department_and_enterprise(internal, department, uscc):
    text = render_text(internal, names=NAMES)
    assert not _ASCII_FIELD.search(text), text
    item = parse_item(text)
    assert item.department == department
    assert item.uscc == uscc
    if uscc:
        assert item.name == "绍兴甲纺织有限公司"
    assert render_text(text, names=NAMES) == text  # rendering twice changes nothing


def test_energy_item_reads_as_people_write_it():
    text = render_text(f"企业表字段 energy_tce（综合能耗，{USCC}）", names=NAMES)
    assert text == f"综合能耗（吨标准煤）〔统计局；绍兴甲纺织有限公司，{USCC}〕"
    assert parse_item(text).field == "energy_tce"


def test_unrecognised_assessment_value_is_named():
    text = render_text(ASSESS + "；所见「待定」无法识别")
    assert "现填「待定」无法识别" in text


def test_a_list_and_a_reason_line():
    joined = "、".join(
        [f"企业表字段 energy_tce（综合能耗，{USCC}）", "地企关联表 pairs（该宗地没有关联企业）"]
    )
    items = list(split_items(render_text(joined, names=NAMES)))
    assert [parse_item(i).department for i in items] == ["统计局", "自然资源局"]
    energy = f"企业表字段 energy_tce（综合能耗，{USCC}）"
    reason = f"规则 R1「关停退出」无法判定（缺少：{energy}），暂按后续规则"
    assert "综合能耗（吨标准煤）〔统计局；绍兴甲纺织有限公司" in render_text(reason, names=NAMES)


def test_unknown_text_is_kept_with_no_department():
    item = parse_item("连片分析结果尚未生成")
    assert (item.label, item.department, item.uscc) == ("连片分析结果尚未生成", "—", None)
    assert render_text(None) is None


def test_one_department_per_field_in_one_table():
    assert set(DEPARTMENTS) >= {"统计局", "税务局", "供电公司", "自然资源局", "经信局"}
    assert all(s.label and s.department for s in FIELD_SOURCES.values())


def test_a_plot_date_that_decides_nothing_is_filed_under_its_department(shangyu):
    """A plot whose 待核实 rests on a date cell written but no date, a month across the line,
    or a recorded 0 standing for a blank: each item is filed under 自然资源局, the one that
    holds the plot's records, and stays one item. Before, these items were the check's words
    alone: 问题分送 and the 核实表 filed them under 「—」, and the 0's words (which hold 「、」)
    were cut into pieces.

    Plots (nothing built by a covering buildings layer, as of 2024-06-29, 满一年):
      0  约定开工 「待定」; 竣工 「2023」 → contract and completion items
      1  约定开工 「2023年6月」 → from 06-01 a full year, from 06-30 not → the span item
      2  约定开工 2020-01-01, 实际开工 「2024年6月」 → started on or before 06-29 not known
      3  竣工 2021-05-01 (so started) but 建筑面积 0 and 容积率 0 → 用而未尽: the 0 is a blank
    """
    parcels = parcels_of(
        [square(10.0, i) for i in range(4)],
        contract_start_date=["待定", "2023年6月", "2020-01-01", "2020-01-01"],
        start_date=[None, None, "2024年6月", None],
        completion_date=["2023", None, None, "2021-05-01"],
    )
    parcels["floor_area_m2"] = 0.0
    parcels["far_declared"] = [None, None, None, 0.0]
    parcels["buildings_cover"] = True
    parcels["n_buildings"] = 0
    got = screen_plots(shangyu, parcels, firms(4), as_of="2024-06-29").parcels
    listed = [list(split_items(render_text(t))) for t in got["to_verify"]]
    wanted = [
        [
            "出让合同约定开工日期（约定开工日期「待定」无法识别为日期）",
            "竣工日期（竣工日期「2023」无",
        ],
        ["出让合同约定开工日期（约定开工日期只写到 2023-06-01～2023-06-30"],
        ["实际开工日期或建筑面积（实际开工日期只写到 2024-06-01～2024-06-30"],
        ["建筑面积（平方米）（登记值 0 应为空白，请核实）〔自然资源局〕"],
    ]
    for items, starts in zip(listed, wanted, strict=True):
        for start in starts:
            [item] = [i for i in items if i.startswith(start)]
            assert parse_item(item).department == "自然资源局", item
        assert all(parse_item(i).department != "—" for i in items), items
    # the R1 path's item when 可无偿收回 is not known (screening.paths)
    assert parse_item(str(render_text(RECOVERABLE_UNKNOWN))).department == "自然资源局"
    assert render_text(field_item("start_date", "甲、乙")).count("、") == 1  # one item
