"""Every 问题记录 row names the file its 行号 counts in.

Problems found after reading (地企关联, 亩均评价, 亩均指标 …) count rows of an input file; the
sheet used to name the step as 源文件 (「地企关联, 行 7, 企业无地企关联记录」: row 7 of the
enterprise table, while the user's link table has 6 rows), and a clerk opened the wrong file.
Rule: every message names file, row, field, value and what to do (common rules, bad input).

The hand county: 4 plots of 21 亩, 6 firms in ``enterprises.xlsx`` (header + 6 rows = 7 rows),
5 links in ``links.xlsx`` (header + 5 rows = 6 rows):

- firm 3 has no 税收: 亩均税收 cannot be computed, for the firm (its row 5 of the enterprise
  table) and for plot 3 (feature 4 of the parcel layer);
- firm 4's code has a wrong check character: not linked (row 6 of the enterprise table);
- firm 5 has no link: 「企业无地企关联记录」 at row 7 of the enterprise table, a row the link
  table does not have;
- the 5th link (row 6 of the link table) names firm 9, not in the enterprise table.
"""

from __future__ import annotations

import math
import re
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from _hand import AS_OF, firms, hand_files, plots, uscc

from landgov.core.problems import (
    COMPUTED,
    PROBLEM_COLUMNS,
    ROLE_COLUMN,
    ProblemLog,
    in_input_files,
)
from landgov.run.screening import run_screening

STEPS = {"地企关联", "亩均评价", "亩均指标", "screening"}


def _bad_check_char(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("county")
    parcels = plots(4)
    ents = firms(6, name=[f"企业{i}" for i in range(6)])
    ents.loc[3, "tax_wan"] = None
    ents.loc[4, "uscc"] = _bad_check_char(uscc(4))
    inputs = hand_files(folder, parcels, ents)
    ents.to_excel(folder / "enterprises.xlsx", index=False)
    links = pd.DataFrame(
        {
            "parcel_id": [*parcels["parcel_id"], parcels["parcel_id"].iloc[3]],
            "uscc": [uscc(0), uscc(1), uscc(2), uscc(3), uscc(9)],
            "relation": ["自有", "自有", "自有", "自有", "租用"],
        }
    )
    links.to_excel(folder / "links.xlsx", index=False)
    inputs = type(inputs)(
        parcels=inputs.parcels,
        enterprises=folder / "enterprises.xlsx",
        links=folder / "links.xlsx",
        planning=inputs.planning,
        compliance=inputs.compliance,
    )
    run = run_screening(
        inputs, profile="shangyu-2022", out_dir=folder / "out", as_of=AS_OF, progress=False
    )
    sheet = pd.read_excel(run.out_dir / "landgov.xlsx", sheet_name="问题记录", dtype=object)
    return sheet, {Path(p).name: Path(p) for p in inputs.files().values()}


def _rows_of(path: Path) -> list[list[object]]:
    """Every row of ``path`` as the user sees it: Excel rows (1-based, header = row 1), or the
    features of a layer (1-based)."""
    if path.suffix == ".xlsx":
        with closing(openpyxl.load_workbook(path, read_only=True)) as book:
            return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    layer = gpd.read_file(path)
    return [list(r) for r in layer.drop(columns="geometry").itertuples(index=False)]


def _holds(cells: list[object], value: object) -> bool:
    """Whether the row holds a piece of the value quoted (a code, a name or a number)."""
    pieces = [p for p in re.split(r"[\s/：:，,；;()（）]+", str(value)) if p]
    for piece in pieces:
        for cell in cells:
            if cell is None or (isinstance(cell, float) and math.isnan(cell)):
                continue
            if str(cell).strip() == piece:
                return True
            try:
                if float(str(cell)) == float(piece):
                    return True
            except ValueError:
                pass
    return False


def test_every_row_number_is_a_row_of_the_file_named(county):
    sheet, files = county
    numbered = sheet[sheet["行号"].notna()]
    assert len(numbered) >= 5
    for rec in numbered.to_dict("records"):
        source, row = rec["源文件"], int(rec["行号"])
        assert source in files, rec  # a file the user gave, not a step such as 「地企关联」
        rows = _rows_of(files[source])
        assert 1 <= row <= len(rows), rec
        if not pd.isna(rec["所见值"]):
            assert _holds(rows[row - 1], rec["所见值"]), (rec, rows[row - 1])


def test_no_row_names_a_step_as_its_file(county):
    sheet, _ = county
    assert not sheet["源文件"].isin(STEPS).any(), sheet.loc[sheet["源文件"].isin(STEPS)]


def test_the_firm_without_a_link_is_row_7_of_the_enterprise_table(county):
    sheet, _ = county
    hit = sheet[sheet["问题"].str.contains("企业无地企关联记录", regex=False)]
    assert hit[["源文件", "行号", "所见值"]].values.tolist() == [["enterprises.xlsx", 7, uscc(5)]]
    # the step that found it stays in the text
    assert hit["问题"].iloc[0].startswith("【地企关联】")


def test_each_problem_names_the_file_of_its_row(county):
    sheet, _ = county

    def where(text: str) -> list[list[object]]:
        hit = sheet[sheet["问题"].str.contains(text, regex=False)]
        return hit[["源文件", "行号"]].values.tolist()

    assert where("企业表中无此统一社会信用代码") == [["links.xlsx", 6]]  # the 5th link
    # firm 4: said by the reader and by the link step, both on its row
    assert {tuple(r) for r in where("校验位")} == {("enterprises.xlsx", 6)}
    # 亩均税收 of firm 3 (row 5 of the firms) and of plot 3 (the 4th feature)
    got = sorted(where("亩均税收（税收缺失）"), key=str)
    assert got == [["enterprises.xlsx", 5], ["parcels.gpkg", 4]]


def test_a_problem_of_no_single_row_says_so():
    log = ProblemLog("地企关联")
    log.add("企业表缺少字段", field="tax_wan", role="enterprises")
    log.add("关联给出的使用面积之和超过宗地图形面积", value="P1", role="links")
    log.add("基准值不是正数", role=COMPUTED)
    log.add("企业无地企关联记录", row=15, value="U", role="enterprises")
    out = in_input_files(log.frame(), {"enterprises": Path("/home/clerk/表/enterprises.xlsx")})
    assert list(out.columns) == PROBLEM_COLUMNS and ROLE_COLUMN not in out
    assert out["source"].tolist() == [
        "enterprises.xlsx",  # the file's name, never the folder on the user's machine
        "地企关联",  # no link table given: left as it was
        "地企关联（计算结果，非输入文件）",
        "enterprises.xlsx",
    ]
    assert out["problem"].tolist() == [
        "【地企关联；不对应单独一行】企业表缺少字段",
        "关联给出的使用面积之和超过宗地图形面积",
        "基准值不是正数",
        "【地企关联】企业无地企关联记录",
    ]


def test_a_readers_problems_pass_unchanged():
    log = ProblemLog("enterprises.xlsx")
    log.add("税收不一致", row=6, value="1")
    frame = log.frame()
    assert ROLE_COLUMN not in frame
    pd.testing.assert_frame_equal(in_input_files(frame, {"enterprises": "x.xlsx"}), frame)


def test_the_sendout_finds_the_department_by_the_files_role():
    # a link step's 关联关系 problem, now said in the user's link table 「lk.xlsx」, goes to the
    # 自然资源局 as it did under 「地企关联」; a 亩均 grade in 「e.xlsx」 to the 经信局
    from landgov.reports.sendout import sendable_problems

    rows = [
        ("lk.xlsx", 3, "relation", None, "【地企关联】关联关系缺失", "填写", "警告"),
        ("e.xlsx", 4, "grade_given", "E", "【亩均评价】等级无法识别", "改", "警告"),
    ]
    problems = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    empty = pd.DataFrame(columns=["parcel_id", "uscc", "name", "township", "source_row"])
    got = sendable_problems(
        problems,
        parcels=empty,
        enterprises=empty,
        files={"links": "lk.xlsx", "enterprises": "e.xlsx"},
    )
    assert sorted(zip(got["来源"], got["收集部门"], strict=True)) == [
        ("e.xlsx 第 4 行", "经信局"),
        ("lk.xlsx 第 3 行", "自然资源局"),
    ]


def test_links_made_from_holders_count_in_the_parcel_layer():
    # without a link table the links come from the plots' 权利人: their rows are the plots'
    # rows (the run names the parcel layer for them), not 1, 2, 3 … of a table nobody gave
    from landgov.link import links_from_holders

    parcels = plots(3).assign(source_row=[2, 5, 9], holder=["企业0", "无此企业", "企业2"])
    links = links_from_holders(parcels, firms(3))
    assert links["source_row"].tolist() == [2, 9]
    assert links["uscc"].tolist() == [uscc(0), uscc(2)]
