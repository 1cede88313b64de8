"""landgov.core.counts: every row counted once, each figure with its unit."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from landgov.core.counts import (
    NOT_GIVEN,
    application_counts,
    candidate_counts,
    count_text,
    grade_counts,
    path_counts,
    repeated_firm,
    screening_counts,
    zengrong_counts,
)
from landgov.io import read_enterprises


def test_screening_counts_list_every_status_and_add_up() -> None:
    parcels = pd.DataFrame({"screening_status": ["治理", "治理", None, "待核实", "其他"]})
    counts = screening_counts(parcels)
    assert counts == {"治理": 2, "不列入": 0, "待核实": 1, NOT_GIVEN: 1, "其他": 1}
    assert sum(counts.values()) == len(parcels)


def test_path_counts_only_listed_plots_and_pending_paths() -> None:
    parcels = pd.DataFrame(
        {
            "screening_status": ["治理", "治理", "治理", "不列入"],
            "path": ["整治提升", None, "整治提升", "拆除重建"],  # the 不列入 plot's path is ignored
        }
    )
    assert path_counts(parcels) == {
        "拆除重建": 0,
        "整治提升": 2,
        "功能转型": 0,
        "关停退出": 0,
        "路径待核实": 1,
    }
    assert path_counts(parcels.drop(columns="screening_status"))["拆除重建"] == 1


def test_grades_count_enterprises_with_the_ungraded_apart() -> None:
    enterprises = pd.DataFrame({"grade": ["a", "B", " B", None, "X"]})
    assert grade_counts(enterprises) == {"A": 1, "B": 2, "C": 0, "D": 0, "未评价": 2}
    assert grade_counts(None) == {}


def test_candidates_and_the_ones_an_application_covers() -> None:
    far = pd.DataFrame(
        {
            "parcel_id": ["P1", "P2", "P3", "P4"],
            "zengrong": ["可申报", "待核实", "不可申报", "待核实"],
            "candidate": [True, True, False, True],
        }
    )
    apps = pd.DataFrame({"parcel_id": ["P2", "P3"], "zengrong": ["可申报", "不可申报"]})
    cand = candidate_counts(far, apps)
    assert (cand.total, cand.applied, cand.in_packet) == (3, 1, 2)  # P3 applied but 不可申报
    assert candidate_counts(far.drop(columns="candidate")).total == 3  # from the verdicts
    assert zengrong_counts(far) == {"可申报": 1, "不可申报": 1, "待核实": 2}
    assert application_counts(apps) == {"可申报": 1, "不可申报": 1, "待核实": 0}
    assert application_counts(None) == {}


def test_count_text_carries_the_unit() -> None:
    assert count_text({"可申报": 1200, "待核实": 0}, "件") == "可申报 1,200 件，待核实 0 件"
    assert count_text({"A": 3, "B": 0}, "家", skip_zero=True) == "A 3 家"


VALID = "91330100470102706G"  # valid (zhejiang_valid.txt in /work/shared/testdata/uscc)
MASKED = "9133********621X"
BAD_CHECK = "91110000600037341N"  # 18 characters, wrong check character


def test_repeated_firm_follows_the_readers_code_check(tmp_path: Path) -> None:
    """Six firms as read by ``read_enterprises`` (no 镇街, grades A–D):

    row 2 VALID grade A; row 3 the same code typed full-width with a blank (the reader writes
    it as VALID) grade B: the same firm again, not counted; rows 4–5 the masked
    「9133********621X」 grades C and C: a masked code names no firm, both counted; rows 6–7
    「91110000600037341N」 (校验位错误) grades D and D: both counted. By hand: A 1, B 0, C 2,
    D 2 — six rows, five counted. The counts read the reader's ``uscc_status`` and come out
    the same as when each code is checked again (the table without that column).
    """
    wide = "".join(chr(ord(c) + 0xFEE0) for c in VALID)
    rows = [
        [VALID, "甲纺织有限公司", "A"],
        [f"{wide[:6]} {wide[6:]}", "甲纺织有限公司", "B"],
        [MASKED, "乙机械有限公司", "C"],
        [MASKED, "丙化工有限公司", "C"],
        [BAD_CHECK, "丁电镀有限公司", "D"],
        [BAD_CHECK, "戊印染有限公司", "D"],
    ]
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "评价等级"])
    for row in rows:
        ws.append(row)
    wb.save(tmp_path / "企业.xlsx")
    # the grades as given (``grade_given``) stand for the evaluation's ``grade`` here
    firms = read_enterprises(tmp_path / "企业.xlsx").data
    firms["grade"] = firms["grade_given"]
    assert firms["uscc_status"].tolist() == [
        "有效",
        "有效",
        "已脱敏",
        "已脱敏",
        "校验位错误",
        "校验位错误",
    ]
    assert repeated_firm(firms).tolist() == [False, True, False, False, False, False]
    assert grade_counts(firms) == {"A": 1, "B": 0, "C": 2, "D": 2}
    unchecked = firms.drop(columns="uscc_status")
    assert repeated_firm(unchecked).tolist() == repeated_firm(firms).tolist()


def test_a_code_the_reader_refused_names_no_firm() -> None:
    """Two rows under one code the reader marked 校验位错误 (``uscc_status``) are two rows, not
    one firm given twice, whatever the code looks like afterwards: the reader's check is the
    one decision (``landgov.io.enterprises``), not checked again and possibly read otherwise.
    Before, each code was checked again and the second row dropped out of the counts."""
    firms = pd.DataFrame(
        {
            "uscc": [VALID, VALID],
            "uscc_status": ["校验位错误", "校验位错误"],
            "grade": ["A", "A"],
        }
    )
    assert repeated_firm(firms).tolist() == [False, False]
    assert grade_counts(firms) == {"A": 2, "B": 0, "C": 0, "D": 0}
