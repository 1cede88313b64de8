"""The 增容 application table and the violation records table as townships fill them by hand.

Each case is a cell written the way a township's file really has it; the expectation is that
the row is read as meant, or kept and said with its file, row, field and value — never dropped
and never guessed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from landgov.core.plausible import check_values
from landgov.core.problems import PROBLEM_COLUMNS
from landgov.core.records import (
    RecordRule,
    Standing,
    judge,
    records_from_frame,
    unmatched_records,
)
from landgov.io import read_applications, read_compliance
from landgov.policy import load_profile

PROFILE = load_profile("zhejiang-2023")
AS_OF = dt.date(2026, 6, 30)
PLOT_A = "330602003002GB00195"
PLOT_B = "330602001001GB00239"
USCC = "91330602MA29074AJ2"


def _workbook(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _applications(tmp_path: Path, column: str, values: list[object]) -> Path:
    header = ["申请编号", "宗地代码", "统一社会信用代码", column]
    rows = [[f"ZR-{i + 1:03d}", PLOT_A, USCC, v] for i, v in enumerate(values)]
    return _workbook(tmp_path / "applications.xlsx", header, rows)


def _problems(problems: pd.DataFrame, *, field: str) -> pd.DataFrame:
    assert list(problems.columns) == PROBLEM_COLUMNS
    return problems[problems["field"] == field]


# ---------------------------------------------------------------------------------------------
# 申请日期


def test_an_application_dated_after_the_reference_date_is_missing_and_said() -> None:
    """A 申请日期 after the reference date is a typo (2031 for 2021): it must not pass 七(一)."""
    frame = pd.DataFrame(
        {
            "application_id": ["ZR-001", "ZR-002"],
            "application_date": [dt.date(2031, 1, 1), dt.date(2026, 1, 5)],
            "source_row": [2, 3],
        }
    )
    checked = check_values(frame, PROFILE, source="applications.xlsx", as_of=AS_OF)
    said = _problems(checked.problems, field="申请日期")
    assert said["row"].tolist() == [2] and said["value"].tolist() == ["2031-01-01"]
    assert "晚于基准日 2026-06-30" in said["problem"].iloc[0]
    assert checked.data["application_date"].tolist() == [None, dt.date(2026, 1, 5)]


# ---------------------------------------------------------------------------------------------
# 宗地代码


@pytest.mark.parametrize("sep", ["、", ",", "，", "；", " ", "\n", "和"])
def test_an_application_listing_two_plots_is_said_as_two_plots(tmp_path: Path, sep: str) -> None:
    """One application on two plots: kept, and said as such (not as one unknown code)."""
    path = _workbook(
        tmp_path / "applications.xlsx",
        ["申请编号", "宗地代码", "统一社会信用代码"],
        [["ZR-001", f"{PLOT_A}{sep}{PLOT_B}", USCC], ["ZR-002", PLOT_A, USCC]],
    )
    read = read_applications(path)
    assert read.data["source_row"].tolist() == [2, 3] and read.rejected.empty
    said = _problems(read.problems, field="宗地代码")
    said = said[(said["row"] == 2) & (said["severity"] == "错误")]
    assert len(said) == 1, read.problems.to_string()
    assert PLOT_A in said["problem"].iloc[0] and PLOT_B in said["problem"].iloc[0]
    assert "2 个宗地代码" in said["problem"].iloc[0]
    assert "每宗地" in said["action"].iloc[0]


def test_a_plot_code_with_a_blank_inside_is_one_plot(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "applications.xlsx",
        ["申请编号", "宗地代码", "统一社会信用代码"],
        [["ZR-001", "330602003002GB 00195", USCC]],
    )
    read = read_applications(path)
    assert read.data["parcel_id"].tolist() == [PLOT_A]
    assert (read.problems["severity"] != "错误").all(), read.problems.to_string()


# ---------------------------------------------------------------------------------------------
# yes/no answers


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("是（已签）", True),
        ("否（未签）", False),
        ("是(已签署)", True),
        ("已签署", True),
        ("未签署", False),
        ("是（未签）", None),  # the remark contradicts the answer: not guessed
        ("是（口头）", None),  # a remark that is no answer: not guessed either
    ],
)
def test_yes_no_as_townships_write_it(tmp_path: Path, written: str, read: bool | None) -> None:
    result = read_applications(_applications(tmp_path, "是否签署承诺", [written]))
    assert result.data["commitment_signed"].tolist() == [read]
    said = _problems(result.problems, field="已签承诺")
    assert len(said) == (1 if read is None else 0), result.problems.to_string()


# ---------------------------------------------------------------------------------------------
# 新增建筑面积 with units


def test_ten_thousand_square_metres_written_with_the_m2_sign(tmp_path: Path) -> None:
    result = read_applications(_applications(tmp_path, "新增建筑面积", ["0.5万㎡", "5000㎡"]))
    assert result.data["added_floor_m2"].tolist() == [5000.0, 5000.0]
    assert _problems(result.problems, field="新增建筑面积").empty, result.problems.to_string()


# ---------------------------------------------------------------------------------------------
# Violation records: category and severity in other words


@pytest.mark.parametrize(
    ("written", "category"),
    [
        ("违法建设（厂房加层）", "违法建设"),
        ("违建(彩钢棚)", "违法建设"),
        ("环保（废气超标）", "环保"),
        ("违法排污", "环保"),
    ],
)
def test_a_category_with_a_remark_is_its_category(
    tmp_path: Path, written: str, category: str
) -> None:
    path = _workbook(
        tmp_path / "compliance.xlsx",
        ["统一社会信用代码", "宗地代码", "问题类别", "严重程度", "记录日期"],
        [[USCC, PLOT_A, written, "较大", "2025-03-01"]],
    )
    result = read_compliance(path)
    assert result.data["category"].tolist() == [category]
    assert result.data["category_given"].tolist() == [written]
    assert _problems(result.problems, field="问题类别").empty, result.problems.to_string()


def test_a_record_naming_two_categories_is_said_as_two(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "compliance.xlsx",
        ["统一社会信用代码", "宗地代码", "问题类别", "严重程度", "记录日期"],
        [[USCC, PLOT_A, "环保、安全", "较大", "2025-03-01"]],
    )
    result = read_compliance(path)
    said = _problems(result.problems, field="问题类别")
    assert len(said) == 1 and said["row"].tolist() == [2], result.problems.to_string()
    assert "环保" in said["problem"].iloc[0] and "安全" in said["problem"].iloc[0]
    assert "一行只填一个类别" in said["action"].iloc[0]
    assert len(result.data) == 1


@pytest.mark.parametrize(
    ("written", "severity"),
    [("一般性", "一般"), ("较严重", "较大"), ("特别严重", "重大"), ("一般（罚款2万元）", "一般")],
)
def test_severity_in_other_words(tmp_path: Path, written: str, severity: str) -> None:
    path = _workbook(
        tmp_path / "compliance.xlsx",
        ["统一社会信用代码", "宗地代码", "问题类别", "严重程度", "记录日期"],
        [[USCC, PLOT_A, "环保", written, "2025-03-01"]],
    )
    result = read_compliance(path)
    assert result.data["severity"].tolist() == [severity]
    assert _problems(result.problems, field="严重程度").empty, result.problems.to_string()


# ---------------------------------------------------------------------------------------------
# A record whose category is not known is not ruled out by a per-category rule


@pytest.mark.parametrize("written", ["环保、安全", "其他（擅自加层）"])
def test_a_record_of_unknown_category_may_count_where_categories_decide(
    tmp_path: Path, written: str
) -> None:
    """增容 三.3 counts 违建/环保/安全 records: one kept as written is 待核实, not 不适用."""
    path = _workbook(
        tmp_path / "compliance.xlsx",
        ["统一社会信用代码", "宗地代码", "问题类别", "严重程度", "记录日期", "整改情况"],
        [
            [USCC, PLOT_A, written, "重大", "2026-03-01", "未整改"],
            [USCC, PLOT_A, "税收", "重大", "2026-03-01", "未整改"],
        ],
    )
    records = records_from_frame(read_compliance(path).data)
    rule = RecordRule(
        {"违法建设": frozenset({"重大"}), "环保": frozenset({"重大"})}, window_years=1
    )
    unknown, tax = (judge(r, rule=rule, as_of=AS_OF) for r in records)
    assert unknown.standing is Standing.UNKNOWN
    assert any("问题类别" in m for m in unknown.missing)
    assert tax.standing is Standing.NOT_COVERED
    minor = dataclasses.replace(records[0], severity="一般")  # no covered category counts 一般
    assert judge(minor, rule=rule, as_of=AS_OF).standing is Standing.NOT_COVERED


# ---------------------------------------------------------------------------------------------
# Sheet layout: hidden rows and columns


def test_hidden_rows_and_columns_are_read_and_said(tmp_path: Path) -> None:
    """A withdrawn application hidden in the sheet is still an application: read and said."""
    path = tmp_path / "applications.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["申请编号", "宗地代码", "统一社会信用代码", "新增建筑面积（平方米）"])
    for i, plot in enumerate([PLOT_A, PLOT_B, PLOT_A]):
        ws.append([f"ZR-{i + 1:03d}", plot, USCC, 5000])
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["D"].hidden = True
    wb.save(path)
    read = read_applications(path)
    assert read.data["source_row"].tolist() == [2, 3, 4]
    assert read.data["added_floor_m2"].tolist() == [5000.0] * 3
    rows = read.problems[read.problems["problem"].str.contains("被隐藏")]
    assert rows["row"].dropna().tolist() == [3], read.problems.to_string()
    assert "ZR-002" in rows["value"].dropna().iloc[0]
    assert rows["field"].dropna().tolist() == ["新增建筑面积（平方米）"]
    assert (rows["severity"] == "警告").all()


# ---------------------------------------------------------------------------------------------
# A record naming an enterprise and a plot that do not belong together


def test_a_record_whose_enterprise_is_not_on_its_plot_is_said(tmp_path: Path) -> None:
    other = "91330602MA21X1YM33"
    path = _workbook(
        tmp_path / "compliance.xlsx",
        ["统一社会信用代码", "宗地代码", "问题类别", "严重程度", "记录日期"],
        [
            [USCC, PLOT_A, "环保", "重大", "2026-03-01"],  # USCC is on PLOT_A: nothing to say
            [other, PLOT_A, "环保", "重大", "2026-03-01"],  # other is on PLOT_B, not PLOT_A
        ],
    )
    said = unmatched_records(
        read_compliance(path).data,
        parcel_ids=[PLOT_A, PLOT_B],
        usccs=[USCC, other],
        source="compliance.xlsx",
        firms_on={PLOT_A: (USCC,), PLOT_B: (other,)},
    )
    assert said["row"].tolist() == [3], said.to_string()
    assert other in said["problem"].iloc[0] and PLOT_A in said["problem"].iloc[0]
    assert USCC in said["problem"].iloc[0]  # the enterprise the links put on the plot
    assert said["severity"].tolist() == ["警告"]


def test_a_record_naming_two_plots_is_said_as_two_plots(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "compliance.xlsx",
        ["统一社会信用代码", "宗地代码", "问题类别", "严重程度", "记录日期"],
        [[USCC, f"{PLOT_A}、{PLOT_B}", "违法建设", "重大", "2026-03-01"]],
    )
    read = read_compliance(path)
    assert len(read.data) == 1
    said = read.problems[read.problems["severity"] == "错误"]
    assert said["row"].tolist() == [2] and said["field"].tolist() == ["宗地代码"]
    assert PLOT_A in said["problem"].iloc[0] and PLOT_B in said["problem"].iloc[0]
