"""The problems sheet people can send out (问题分送, issue 15 item 4)."""

from __future__ import annotations

import pandas as pd

from landgov.core.problems import PROBLEM_COLUMNS
from landgov.reports.sendout import FILE_LEVEL, SENDOUT_COLUMNS, sendable_problems

U1 = "91330602MA2BDUNA5X"
PARCELS = pd.DataFrame(
    {"parcel_id": ["P1", "P2"], "township": ["斗门街道", "马山街道"], "source_row": [1, 2]}
)
ENTERPRISES = pd.DataFrame(
    {"uscc": [U1], "name": ["绍兴甲纺织有限公司"], "township": [None], "source_row": [5]}
)
PAIRS = pd.DataFrame({"parcel_id": ["P1"], "uscc": [U1]})
FILES = {"parcels": "parcels.shp", "enterprises": "enterprises.xlsx"}


def _problems(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(PROBLEM_COLUMNS, r, strict=True)) for r in rows])


def _sheet(problems: pd.DataFrame) -> pd.DataFrame:
    return sendable_problems(
        problems, parcels=PARCELS, enterprises=ENTERPRISES, pairs=PAIRS, files=FILES
    )


def test_one_gap_reported_by_two_stages_is_one_row_to_one_department():
    # 亩均指标 (by plot) and 亩均评价 (by enterprise) both say the tax is missing
    got = _sheet(
        _problems(
            ("亩均指标", 1, "tax_wan", "P1", "亩均税收（税收缺失）", "补充", "警告"),
            (
                "亩均评价",
                None,
                "tax_per_mu、tax_per_power",
                U1,
                "缺少亩均税收，不参评",
                "补",
                "警告",
            ),
        )
    )
    assert list(got.columns) == SENDOUT_COLUMNS
    assert len(got) == 1
    row = got.iloc[0]
    assert (row["镇街"], row["宗地代码"], row["企业名称"]) == (
        "斗门街道",
        "P1",
        "绍兴甲纺织有限公司",
    )
    assert (row["收集部门"], row["收集事项"], row["条数"]) == ("税务局", "税收（万元）", 2)
    assert "亩均税收（税收缺失）" in row["问题"] and "不参评" in row["问题"]


def test_a_row_naming_two_things_is_split_one_per_department():
    got = _sheet(_problems(("亩均评价", None, "tax_wan、emissions_t", U1, "缺失", "补", "警告")))
    assert sorted(got["收集部门"]) == ["生态环境局", "税务局"]
    assert set(got["收集事项"]) == {"税收（万元）", "主要污染物排放量（吨）"}


def test_found_by_file_row_and_chinese_label():
    # enterprises.xlsx row 5 is U1; its plot P1 (links) gives the 镇街
    got = _sheet(
        _problems(("enterprises.xlsx", 5, "税收（万元）", "76500元", "单位不一致", "核实", "警告"))
    )
    row = got.iloc[0]
    assert (row["统一社会信用代码"], row["宗地代码"], row["镇街"]) == (U1, "P1", "斗门街道")
    assert row["来源"] == "enterprises.xlsx 第 5 行"
    # a plot by its row in the parcels file: the plot has no enterprise, and the row says so
    got = _sheet(_problems(("parcels.shp", 2, "geometry", None, "几何为空", "补绘", "错误")))
    row = got.iloc[0]
    assert (row["宗地代码"], row["镇街"], row["收集部门"]) == ("P2", "马山街道", "自然资源局")
    assert row["企业名称"] == "（宗地无关联企业）" and row["收集事项"] == "宗地图形"


def test_file_level_problem_says_so_in_every_cell():
    got = _sheet(_problems(("enterprises.xlsx", None, None, None, "表中没有字段", "", "提示")))
    row = got.iloc[0]
    assert row["镇街"] == row["宗地代码"] == row["企业名称"] == FILE_LEVEL
    assert row["收集部门"] == "经信局"


def test_no_row_is_lost_and_no_cell_is_blank():
    problems = _problems(
        ("亩均指标", 1, "tax_wan", "P1", "a", "x", "警告"),
        ("parcels.shp", 2, "geometry", None, "b", "y", "错误"),
        ("地企关联", 9, "uscc", "P9 / 91330602MA2BDUNB5Y", "c", "z", "警告"),
        ("approved.shp", 2, "批准日期", None, "d", "w", "错误"),
    )
    got = _sheet(problems)
    assert got["条数"].sum() == len(problems)
    assert set(problems["problem"]) == set(got["问题"])
    for column in ["镇街", "宗地代码", "企业名称", "收集部门", "收集事项"]:
        assert got[column].astype(str).str.len().gt(0).all(), column
    # a code not in the enterprise table is still named, not dropped
    assert "91330602MA2BDUNB5Y" in set(got["统一社会信用代码"])


def test_answers_and_overrides_go_back_to_who_filled_them():
    got = _sheet(
        _problems(
            ("核实表", 3, "答复", "很多", "答复未采用：「很多」不是数字", "改正", "错误"),
            ("人工认定表（认定.xlsx）", 4, "理由", "P1", "人工认定缺少理由", "补填", "错误"),
        )
    )
    assert set(got["收集部门"]) == {"镇街核实人员", "认定人"}
