"""Returned workbooks as they really come back (人工认定表, 核实表, 治理台账), second round.

Each workbook is written by landgov's own writer (:func:`landgov.core.editable.
add_editable_sheet` with the real layouts, or the real ``write_*`` function on a tiny run folder
built by hand) and edited with openpyxl as a township clerk returns it:

- Excel error cells (「#N/A」 of a VLOOKUP that found nothing, 「#REF!」 of a deleted column …)
  in a filled-in cell are no answer: 待核实, said on their row naming the sheet, the column and
  the value, never read as a 认定人, a 核实人 or a 宗地代码;
- a 人工认定表 records the 基准日 of the run it was written for, and one written for another
  year's run is refused (as the 核实表 is, :func:`landgov.core.editable.other_run`);
- a header 「地块编号」 (a name the parcel reader knows for 宗地代码, ``landgov.io.fields``) is
  read as 宗地代码;
- a sheet the clerk added that holds plots and answers (「Sheet1」) is said, not ignored;
- a workbook re-saved by LibreOffice keeps its marker, 基准日 and error cells as error cells.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from landgov.core.editable import EDIT_MARK, add_editable_sheet, read_editable, save_workbook
from landgov.errors import InputError
from landgov.ledger._layout import LAYOUT as LEDGER
from landgov.run.overrides import LAYOUT as DECISIONS
from landgov.run.overrides import read_overrides, write_overrides
from landgov.run.verify import LAYOUT as VERIFY
from landgov.run.verify import read_verified
from tests._runs import fake_run

PLOTS = ("330602001001GB00001", "330602001001GB00002", "330602001001GB00003")
USCC = "91330602MA2BDUNA5X"
#: A complete decision: 不列入 with its 理由, 认定人, 认定日期 and 文件依据.
DECIDED = {
    "认定筛查结论": "不列入",
    "理由": "联席会议认定",
    "认定人": "张三",
    "认定日期": dt.date(2026, 7, 1),
    "文件依据": "越城会纪〔2026〕3号",
}
ERRORS = ("#VALUE!", "#N/A", "#REF!", "#DIV/0!", "#NAME?")


def _columns(ws) -> dict[str, int]:
    return {str(c.value).replace(EDIT_MARK, ""): c.column for c in ws[1] if c.value}


def _put(ws, row: int, values: dict[str, object]) -> None:
    col = _columns(ws)
    for name, value in values.items():
        ws.cell(row, col[name]).value = value  # 「#N/A」 etc. become error cells (type 'e')


def _decisions(path: Path, *, about: dict[str, object] | None = None) -> tuple[Workbook, Path]:
    """A 人工认定表 of the three plots as landgov writes it (computed 治理, nothing decided)."""
    rows = pd.DataFrame({"宗地代码": PLOTS, "计算筛查结论": "治理", "认定时计算结果": "治理｜｜"})
    wb = Workbook()
    wb.remove(wb.active)
    add_editable_sheet(wb, rows, DECISIONS, about=about)
    return wb, path


def _save(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def _said(problems: pd.DataFrame, field: str) -> pd.DataFrame:
    return problems[problems["field"].astype(str).eq(field)]


# --------------------------------------------------------------------------- Excel error cells
@pytest.mark.parametrize("error", ERRORS)
def test_an_excel_error_as_decider_is_no_decider(tmp_path: Path, error: str) -> None:
    """A 认定 whose 认定人 cell holds 「#REF!」 (a formula whose source was deleted) has no known
    认定人: a decision without 认定人 is not applied (人工认定 needs 理由, 认定人, 认定日期 and
    文件依据, run.overrides). Before, 「#REF!」 was read as the name of the person who decided
    and the decision was applied, the 治理清单 then saying 「认定人：#REF!」."""
    wb, path = _decisions(tmp_path / "认定.xlsx")
    _put(wb[DECISIONS.sheet], 2, {**DECIDED, "认定人": error})
    got = read_overrides(_save(wb, path))
    assert got.rows.empty and got.rejected == 1
    row = _said(got.problems, "认定人").iloc[0]
    assert (row["row"], row["value"], row["source"]) == (2, error, "认定.xlsx")
    assert f"Excel 错误值「{error}」" in row["problem"] and "工作表「人工认定」" in row["problem"]
    assert "单元格 L2" in row["problem"]  # 认定人 is the 12th column


@pytest.mark.parametrize("error", ERRORS)
def test_an_excel_error_as_decision_date_says_it_is_an_error_value(
    tmp_path: Path, error: str
) -> None:
    """An error value in 认定日期 is no date (not 「无法识别的日期」, which asks for another
    way of writing it: here a formula went wrong). The decision is not applied."""
    wb, path = _decisions(tmp_path / "认定.xlsx")
    _put(wb[DECISIONS.sheet], 3, {**DECIDED, "认定日期": error})
    got = read_overrides(_save(wb, path))
    assert got.rows.empty and got.rejected == 1
    row = _said(got.problems, "认定日期").iloc[0]
    assert (row["row"], row["value"]) == (3, error)
    assert f"Excel 错误值「{error}」" in row["problem"] and "单元格 M3" in row["problem"]
    assert "公式" in row["action"]


def test_an_excel_error_as_plot_code_is_no_plot(tmp_path: Path) -> None:
    """A 宗地代码 cell turned 「#N/A」 (the clerk pasted a VLOOKUP over it) names no plot: the row
    cannot be matched and is said as such, not read as a plot called 「#N/A」 (before: a
    decision for plot 「#N/A」, reported only as 「已不在本次宗地图层中」)."""
    wb, path = _decisions(tmp_path / "认定.xlsx")
    ws = wb[DECISIONS.sheet]
    ws.cell(4, 1).value = "#N/A"
    _put(ws, 4, DECIDED)
    sheet = read_editable(_save(wb, path), DECISIONS)
    assert "#N/A" not in set(sheet.rows.index) and len(sheet.unkeyed) == 1
    row = _said(sheet.problems, "宗地代码").iloc[0]
    assert row["row"] == 4 and "Excel 错误值「#N/A」" in row["problem"]
    assert "单元格 A4" in row["problem"]


def _verify_book(folder: Path, answer: dict[str, object], *, day: str = "2026-06-30") -> Path:
    """A 核实表 of one plot asking one enterprise's 综合能耗, answered ``answer``."""
    key = f"{PLOTS[0]}｜综合能耗（吨标准煤）｜{USCC}"
    rows = pd.DataFrame(
        [
            {
                "核实编号": key, "镇街": "斗门街道", "宗地代码": PLOTS[0], "企业名称": "甲公司",
                "统一社会信用代码": USCC, "收集部门": "统计局", "核实事项": "综合能耗（吨标准煤）",
            }
        ]
    )  # fmt: skip
    wb = Workbook()
    wb.remove(wb.active)
    add_editable_sheet(wb, rows, VERIFY, about={"基准日": day})
    _put(wb[VERIFY.sheet], 2, answer)
    folder.mkdir(exist_ok=True)
    return save_workbook(wb, folder / "核实_斗门街道.xlsx")


@pytest.mark.parametrize("error", ERRORS)
def test_an_excel_error_as_verifier_leaves_the_answer_unused(tmp_path: Path, error: str) -> None:
    """An answer (综合能耗 1200 吨标准煤) enters the run only with its source: who verified it
    and when (「据斗门街道 2026-07-10 核实（张三）」). A 核实人 cell holding 「#N/A」 names no
    one: the answer is not used and the item stays 待核实. Before, the answer was used and the
    reasons said 「核实（#N/A）」."""
    folder = tmp_path / "核实"
    _verify_book(folder, {"答复": 1200, "核实人": error, "核实日期": "2026-07-10"})
    got = read_verified(folder, parcel_ids=PLOTS, usccs=[USCC], as_of=dt.date(2026, 6, 30))
    assert got.values == {}
    said = " ".join(got.problems["problem"].astype(str))
    assert f"Excel 错误值「{error}」" in said and "答复未采用" in said


# ------------------------------------------------------------------- 基准日 of the 人工认定表
@pytest.fixture
def decision_run(tmp_path: Path) -> Path:
    """A run folder of the three plots, 基准日 2026-06-30, all 治理."""
    return fake_run(tmp_path / "run", [{"parcel_id": p} for p in PLOTS], as_of="2026-06-30")


def test_the_decision_workbook_records_the_runs_base_date(decision_run: Path, tmp_path) -> None:
    """The 人工认定表 says which run it was written for: its 基准日 (2026-06-30), as the 核实表
    does, so that a returned one is told apart from last year's."""
    book = write_overrides(decision_run, tmp_path / "认定.xlsx")
    about = read_editable(book, DECISIONS).meta["about"]
    assert about["基准日"] == "2026-06-30" and about["筛查结果"] == "run"


def test_last_years_decision_workbook_is_refused_naming_both_dates(tmp_path: Path) -> None:
    """A 人工认定表 written for the run of 基准日 2025-06-30 given to the run of 2026-06-30:
    its decisions were taken on last year's figures and are refused as a whole (before: read and
    applied to every plot whose computed result happened to be the same)."""
    wb, path = _decisions(tmp_path / "认定2025.xlsx", about={"基准日": "2025-06-30"})
    _put(wb[DECISIONS.sheet], 2, DECIDED)
    _save(wb, path)
    with pytest.raises(InputError) as caught:
        read_overrides(path, as_of=dt.date(2026, 6, 30))
    text = str(caught.value)
    assert "认定2025.xlsx" in text and "2025-06-30" in text and "2026-06-30" in text
    assert "人工认定表" in text and "landgov override" in text


def test_a_decision_workbook_of_the_same_year_is_read_with_a_warning(tmp_path: Path) -> None:
    """Written for 2026-06-30, given to a re-run of 2026-07-15 (the same year's figures):
    read, and the warning names both dates."""
    wb, path = _decisions(tmp_path / "认定.xlsx", about={"基准日": "2026-06-30"})
    _put(wb[DECISIONS.sheet], 2, DECIDED)
    got = read_overrides(_save(wb, path), as_of=dt.date(2026, 7, 15))
    assert list(got.rows["宗地代码"]) == [PLOTS[0]]
    said = _said(got.problems, "基准日")
    assert len(said) == 1 and said["severity"].iloc[0] == "警告"
    assert "2026-06-30" in said["problem"].iloc[0] and "2026-07-15" in said["problem"].iloc[0]


def test_a_decision_workbook_recording_no_date_is_read_with_a_warning(tmp_path: Path) -> None:
    """A 人工认定表 written by an older landgov records no 基准日: it cannot be told apart, so
    it is read and a warning asks to check that it is this run's."""
    wb, path = _decisions(tmp_path / "认定.xlsx")
    _put(wb[DECISIONS.sheet], 2, DECIDED)
    got = read_overrides(_save(wb, path), as_of=dt.date(2026, 6, 30))
    assert list(got.rows["宗地代码"]) == [PLOTS[0]]
    said = _said(got.problems, "基准日")
    assert len(said) == 1 and "未记录" in said["problem"].iloc[0]


def test_an_excel_error_as_basis_is_not_quoted_as_the_source(tmp_path: Path) -> None:
    """依据 is optional: an answer with 核实人 and 核实日期 is used without it. An 依据 cell holding
    「#REF!」 is no 依据: the answer is used (据斗门街道 2026-07-10 核实（张三）), the error
    value is said on its row and never quoted as the source (before: 「依据：#REF!」 in the
    reasons of the plot)."""
    folder = tmp_path / "核实"
    _verify_book(
        folder, {"答复": 1200, "核实人": "张三", "核实日期": "2026-07-10", "依据": "#REF!"}
    )
    got = read_verified(folder, parcel_ids=PLOTS, usccs=[USCC], as_of=dt.date(2026, 6, 30))
    assert got.values == {(USCC, "energy_tce"): 1200.0}
    assert got.sources[(USCC, "energy_tce")] == "据斗门街道 2026-07-10 核实（张三）"
    row = _said(got.problems, "依据").iloc[0]
    assert row["value"] == "#REF!" and "Excel 错误值「#REF!」" in row["problem"]


def test_screen_refuses_last_years_decision_workbook(tmp_path: Path) -> None:
    """``landgov screen --overrides``: the run passes its 基准日 (2026-06-30) to the 人工认定表
    reader, and a workbook written for 2025-06-30 stops the run before anything is written
    (before: its decisions were applied wherever the computed result was the same)."""
    from landgov.run.files import RunInputs
    from landgov.run.screening import run_screening
    from landgov.sample import generate

    src = tmp_path / "县"
    generate(src, n_parcels=100, seed=11)
    wb, path = _decisions(tmp_path / "认定2025.xlsx", about={"基准日": "2025-06-30"})
    _put(wb[DECISIONS.sheet], 2, DECIDED)
    _save(wb, path)
    inputs = RunInputs(
        parcels=src / "parcels.shp", enterprises=src / "enterprises.xlsx", links=src / "links.xlsx"
    )
    out = tmp_path / "结果"
    with pytest.raises(InputError) as caught:
        run_screening(
            inputs, profile="yuecheng-2022", as_of="2026-06-30", out_dir=out, progress=False,
            overrides=path,
        )  # fmt: skip
    assert "2025-06-30" in str(caught.value) and "2026-06-30" in str(caught.value)
    assert not (out / "manifest.json").exists()


# --------------------------------------------------------------------------- 地块编号 for 宗地代码
@pytest.mark.parametrize("typed", ["地块编号", "ZDDM", "宗地编号"])
def test_a_plot_code_header_the_parcel_reader_knows_is_the_plot_code(
    tmp_path: Path, typed: str
) -> None:
    """「地块编号」, 「ZDDM」 and 「宗地编号」 are headers the parcel reader takes for 宗地代码
    (``landgov.io.fields.PARCEL_FIELDS``); a clerk who renamed the 人工认定表's 宗地代码 header to
    one of them has changed no plot. The decision on row 2 is read for plot …GB00001 and a 提示
    names the header. Before: the whole workbook was refused (「没有找到含「宗地代码」列…」)."""
    wb, path = _decisions(tmp_path / "认定.xlsx")
    ws = wb[DECISIONS.sheet]
    ws.cell(1, 1).value = typed
    _put(ws, 2, DECIDED)
    got = read_overrides(_save(wb, path))
    assert list(got.rows["宗地代码"]) == [PLOTS[0]] and got.rejected == 0
    said = _said(got.problems, "宗地代码")
    assert len(said) == 1 and said["severity"].iloc[0] == "提示"
    assert f"「{typed}」列按「宗地代码」读取" in said["problem"].iloc[0]


def test_a_plot_number_column_added_beside_the_plot_code_is_not_the_key(tmp_path: Path) -> None:
    """A ledger whose 宗地代码 column is kept and beside which the clerk added 「地块编号」 (their
    own numbering 1, 2, 3): the plots are still the 宗地代码, 「地块编号」 is a column of the
    clerk's, kept as such; a ledger whose 宗地代码 header was retyped 「地块编号」 is read by it."""
    rows = pd.DataFrame({"宗地代码": PLOTS, "状态": "未启动"})
    wb = Workbook()
    wb.remove(wb.active)
    add_editable_sheet(wb, rows, LEDGER)
    ws = wb[LEDGER.sheet]
    added = ws.max_column + 1
    ws.cell(1, added).value = "地块编号"
    for r in (2, 3, 4):
        ws.cell(r, added).value = r - 1
    kept = read_editable(_save(wb, tmp_path / "台账.xlsx"), LEDGER)
    assert list(kept.rows.index) == list(PLOTS)
    assert list(kept.extra["地块编号"]) == [1, 2, 3]
    ws.cell(1, added).value = None
    ws.cell(1, 1).value = "地块编号"
    renamed = read_editable(_save(wb, tmp_path / "台账2.xlsx"), LEDGER)
    assert list(renamed.rows.index) == list(PLOTS) and renamed.rows["状态"].eq("未启动").all()


def test_a_ledger_row_whose_plot_code_is_an_error_value_says_so_in_unmerged(
    tmp_path: Path,
) -> None:
    """治理台账 row 3 whose 宗地代码 became 「#REF!」: not merged, and 未合并的行 says why — an
    Excel error value, not 「宗地代码为公式且文件中没有其计算结果」 (the reason before, which
    sends the clerk to recalculate a workbook that holds no formula); the plot itself is
    restored from the ledger's record as any row that went missing is."""
    from landgov.ledger import update_ledger

    rows = pd.DataFrame({"宗地代码": PLOTS, "状态": "未启动"})
    wb = Workbook()
    wb.remove(wb.active)
    add_editable_sheet(wb, rows, LEDGER)
    ws = wb[LEDGER.sheet]
    ws.cell(3, 1).value = "#REF!"
    _put(ws, 3, {"状态": "推进中"})
    got = update_ledger(_save(wb, tmp_path / "台账.xlsx"), as_of=dt.date(2026, 9, 30))
    assert list(got.unmerged["原因"]) == ["宗地代码为 Excel 错误值「#REF!」，未合并"]
    assert PLOTS[1] in set(got.rows["宗地代码"])


# --------------------------------------------------------------------------- sheets staff add
def _sheet1(wb: Workbook, decided: str) -> None:
    """The data sheet renamed 「认定」; a 「汇总」 sheet of counts and a 「Sheet1」 where the
    clerk pasted 宗地代码 and typed the decision of plot …GB00002 as ``decided``."""
    wb[DECISIONS.sheet].title = "认定"
    summary = wb.create_sheet("汇总", 0)
    summary.append(["镇街", "宗地数"])
    summary.append(["斗门街道", 3])
    pasted = wb.create_sheet("Sheet1")
    pasted.append(["宗地代码", "认定筛查结论", "认定人"])
    pasted.append([PLOTS[1], decided, "李四"])


def test_answers_typed_into_a_sheet_the_clerk_added_are_said_not_lost(tmp_path: Path) -> None:
    """The clerk typed plot …GB00002's decision (不列入, 李四) into a sheet of their own
    (「Sheet1」), not into the 人工认定 sheet (renamed 「认定」, still found and read). Only the
    data sheet is read, so the decision is not applied; before, it was lost without a word.
    Now each answer found only there is an error naming the sheet, its row and the value. The
    「汇总」 sheet (no 宗地代码) holds no answer and is not read."""
    wb, path = _decisions(tmp_path / "认定.xlsx")
    _sheet1(wb, "不列入")
    got = read_overrides(_save(wb, path))
    assert got.rows.empty
    said = got.problems[got.problems["problem"].astype(str).str.contains("Sheet1")]
    assert set(said["field"]) == {"认定筛查结论", "认定人"} and set(said["row"]) == {2}
    assert (said["severity"] == "错误").all()
    text = " ".join(said["problem"])
    assert "「不列入」" in text and "「李四」" in text and "工作表「认定」" in text
    assert "汇总" not in " ".join(got.problems["problem"].astype(str))


# --------------------------------------------------------------------------- LibreOffice / WPS
def test_a_decision_workbook_resaved_by_libreoffice_keeps_its_date_and_errors(
    decision_run: Path, tmp_path: Path
) -> None:
    """The 人工认定表 written for the run of 2026-06-30, filled in and saved again by
    LibreOffice (as a WPS or LibreOffice user returns it; LibreOffice stores the typed 「#N/A」
    as a formula 「=#N/A」 with its error result). The hidden marker survives: this year's run
    reads it (row 2 applied; row 3, whose 认定人 is 「#N/A」, not applied and said), next
    year's run refuses it."""
    from tests._soffice import resave

    book = write_overrides(decision_run, tmp_path / "认定.xlsx")
    wb = load_workbook(book)
    ws = wb[DECISIONS.sheet]
    _put(ws, 2, DECIDED)
    _put(ws, 3, {**DECIDED, "认定人": "#N/A"})
    wb.save(book)
    again = resave(book, tmp_path)
    got = read_overrides(again, as_of=dt.date(2026, 6, 30))
    assert list(got.rows["宗地代码"]) == [ws.cell(2, 1).value] and got.rejected == 1
    row = _said(got.problems, "认定人").iloc[0]
    assert row["row"] == 3 and "Excel 错误值「#N/A」" in row["problem"]
    with pytest.raises(InputError, match="2026-06-30"):
        read_overrides(again, as_of=dt.date(2027, 6, 30))
