"""What a county office really hands back to the follow-on commands (ledger, verify, override,
compare, map, export, packet): returned workbooks as 镇街 edit them, run folders as they lie on
a shared drive. Every case checks the contract: a Chinese 「错误：」 naming the file and what to
do (never a traceback) and nothing written, or a complete output in which every row typed in
ends somewhere (used, flagged or said) and text stays text.

One real run of the bundled sample (``landgov screen`` through the command line, into a folder
whose name has a space and Chinese characters) is built for the module, with its 治理台账; each
test copies what it changes. Cases the other files already hold are not repeated (rows
re-ordered, deleted or repeated, a hand-typed row, a workbook that is no workbook, a formula in
an answer: ``tests/test_ledger.py``, ``tests/test_verify.py``, ``tests/test_cli_hostile.py``).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from landgov.ledger import LAYOUT
from tests._cli import assert_clean_error, main_here, refused, run_cli, sample_run

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample screened as a user runs it, and the 治理台账 built from it (read only)."""
    root = tmp_path_factory.mktemp("followon")
    run = sample_run(root)
    ledger = root / "治理台账.xlsx"
    result = run_cli("ledger", "init", run, "-o", ledger, "--as-of", "2026-07-01", cwd=root)
    assert result.returncode == 0, result.stderr
    return {"run": run, "ledger": ledger}


def _returned(src: Path, dst: Path, edit: Callable[..., object]) -> Path:
    """``src`` as a 镇街 sends it back: copied, ``edit(wb, ws)`` applied to the data sheet."""
    shutil.copy(src, dst)
    wb = load_workbook(dst)
    edit(wb, wb[LAYOUT.sheet])
    wb.save(dst)
    return dst


def _col(ws, name: str) -> int:
    """The column of the field ``name`` (its header may carry 「（填写）」)."""
    return next(c.column for c in ws[1] if c.value and str(c.value).startswith(name))


def _problems(book: Path) -> list[dict[str, object]]:
    ws = load_workbook(book)["问题记录"]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _update(ledger: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    return main_here(["ledger", "update", ledger, "-o", out, "--as-of", "2026-08-01"], capsys)


# --- the returned 治理台账 --------------------------------------------------------------------


def test_a_data_sheet_renamed_and_moved_behind_the_history_is_still_the_one_read(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """WPS users rename 治理台账 to 「Sheet1」 and drag it to the end. The reader took the first
    sheet with a 宗地代码 column, 状态变更记录: every 状态 read as blank (1315 rows 「状态为
    空」, the one typed 「推进中」 gone) and a new ledger written with rc 0. Now the sheet whose
    header holds the filled-in columns is read, wherever it is and whatever its name, and the
    name it was read under is said (one 提示, as for a renamed 状态变更记录): no 填写问题."""

    def edit(wb, ws) -> None:
        ws.cell(2, _col(ws, "状态")).value = "推进中"
        ws.cell(2, _col(ws, "责任人")).value = "王五"
        ws.title = "Sheet1"
        wb.move_sheet(ws, offset=len(wb.sheetnames))

    book = _returned(built["ledger"], tmp_path / "台账_WPS.xlsx", edit)
    out = tmp_path / "台账_新.xlsx"
    code, text = _update(book, out, capsys)
    assert code == 0, text
    assert "推进中 1" in text, text
    said = _problems(out)
    assert [(p["严重程度"], p["字段"]) for p in said] == [("提示", None)], said
    # the 提示 is no 填写问题: the command counts it apart
    assert "填写问题" not in text and "另有 1 条提示" in text, text
    assert "工作表「Sheet1」" in str(said[0]["问题"])
    ws = load_workbook(out)[LAYOUT.sheet]
    assert ws.cell(2, _col(ws, "状态")).value == "推进中"
    assert ws.cell(2, _col(ws, "责任人")).value == "王五"


@pytest.mark.parametrize("damage", ["deleted", "translated"])
def test_a_ledger_without_its_data_sheet_is_refused_and_nothing_written(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    """The data sheet deleted, or its header row typed over in English: the plain history sheet
    was read as the ledger and a ledger of 1315 blank statuses written (rc 0). Now: 「错误：」
    naming the file and the columns looked for, and no output file."""

    def edit(wb, ws) -> None:
        if damage == "deleted":
            wb.remove(ws)
        else:
            for cell in ws[1]:
                cell.value = f"col{cell.column}"

    book = _returned(built["ledger"], tmp_path / "台账.xlsx", edit)
    out = tmp_path / "台账_新.xlsx"
    code, text = _update(book, out, capsys)
    refused(code, text, str(book), "没有找到含「宗地代码」列和填写列", "状态（填写）")
    assert not out.exists()


@pytest.mark.parametrize("damage", ["deleted", "renamed"])
def test_a_ledger_without_its_status_column_is_refused_and_nothing_written(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    """The 状态 column deleted, or its header typed over: every plot's status was read blank, a
    new ledger of 1315 blank statuses written (rc 0) beside 1315 「状态为空」 problem rows, though
    the statuses were known. Now: 「错误：」 naming the file and the column, nothing written."""

    def edit(wb, ws) -> None:
        col = _col(ws, "状态")
        if damage == "deleted":
            ws.delete_cols(col)
        else:
            ws.cell(row=1, column=col).value = "Status"

    book = _returned(built["ledger"], tmp_path / "台账.xlsx", edit)
    out = tmp_path / "台账_新.xlsx"
    code, text = _update(book, out, capsys)
    refused(code, text, str(book), "缺少「状态」列", "请恢复「状态」列")
    assert not out.exists()


def test_merged_cells_in_a_filled_column_are_said_for_each_row_they_hide(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 镇街 types 「斗门街道办」 once and merges 责任单位 over rows 2–6. Excel keeps a merged
    value in its first cell only: rows 3–6 read as blank, and nothing said so. Now each hidden
    row is a problem row (row, field, the range) saying it counted for row 2 only; nothing is
    guessed for rows 3–6."""

    def edit(wb, ws) -> None:
        c = _col(ws, "责任单位")
        ws.cell(2, c).value = "斗门街道办"
        ws.merge_cells(start_row=2, end_row=6, start_column=c, end_column=c)

    book = _returned(built["ledger"], tmp_path / "台账.xlsx", edit)
    out = tmp_path / "台账_新.xlsx"
    code, text = _update(book, out, capsys)
    assert code == 0, text
    said = [p for p in _problems(out) if "合并单元格" in str(p["问题"])]
    letter = re.sub(r"\d", "", load_workbook(book)[LAYOUT.sheet].cell(1, 13).coordinate)
    assert [(p["行号"], p["字段"], p["所见值"]) for p in said] == [
        (r, "责任单位", f"{letter}2:{letter}6") for r in (3, 4, 5, 6)
    ]
    ws = load_workbook(out)[LAYOUT.sheet]
    c = _col(ws, "责任单位")
    assert [ws.cell(r, c).value for r in range(2, 7)] == ["斗门街道办", None, None, None, None]


def _long_cell(book: Path, placeholder: str, text: str) -> None:
    """Put ``text`` where ``placeholder`` is (openpyxl itself cuts a cell at 32,767
    characters; a script writing the XML does not)."""
    parts = {}
    with zipfile.ZipFile(book) as zf:
        for name in zf.namelist():
            parts[name] = zf.read(name)
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data.replace(placeholder.encode(), text.encode()))


def test_a_text_longer_than_a_cell_is_said_before_it_is_cut(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 200,000-character 进展说明 (pasted by a script): the new ledger cut it to 32,767 with
    a mark, but 问题记录 was empty and the command said nothing; with ``-o`` the same file the
    rest was gone. Now a warning names the row, field and length."""
    book = _returned(
        built["ledger"],
        tmp_path / "台账.xlsx",
        lambda wb, ws: setattr(ws.cell(6, _col(ws, "进展说明")), "value", "PLACEHOLDER"),
    )
    _long_cell(book, "PLACEHOLDER", "进" * 200_000)
    code, text = _update(book, book, capsys)
    assert code == 0, text
    assert "1 个填写问题" in text, text
    (said,) = _problems(book)
    assert (said["行号"], said["字段"], said["严重程度"]) == (6, "进展说明", "警告")
    assert "文本长 200000 字" in said["问题"] and "截断" in said["问题"]
    ws = load_workbook(book)[LAYOUT.sheet]
    assert ws.cell(6, _col(ws, "进展说明")).value.endswith("全文见 GeoPackage 或源文件）")


def test_what_a_clerk_types_comes_back_as_text_and_each_row_is_matched(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held already, pinned here: free text that looks like a formula is written back as text
    (never a live formula); a 宗地代码 with a trailing space or full-width digits is the same
    plot; a code Excel turned into a number is a row said (not merged), and the plot it replaced is
    restored; the header moved down two rows and rows hidden by a filter are read."""
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    typed = {2: '=HYPERLINK("http://x","点")', 3: "+1", 4: "-5 万元", 5: "@SUM(A1)"}

    def edit(wb, ws) -> None:
        c = _col(ws, "进展说明")
        for r, value in typed.items():
            ws.cell(r, c).value = value
            ws.cell(r, c).data_type = "s"  # typed as text (what Excel stores after a 「'」)
        ws.cell(7, 1).value = ws.cell(7, 1).value + " "
        ws.cell(8, 1).value = ws.cell(8, 1).value.translate(full_width)
        ws.cell(8, _col(ws, "状态")).value = "推进中"
        ws.cell(9, 1).value = 3.30602001001e18  # 「3.30602E+18」
        for r in range(10, 20):
            ws.row_dimensions[r].hidden = True
        ws.cell(12, _col(ws, "责任人")).value = "李四"
        ws.insert_rows(1, 2)

    book = _returned(built["ledger"], tmp_path / "台账.xlsx", edit)
    original = load_workbook(built["ledger"])[LAYOUT.sheet]
    codes = {r: original.cell(r, 1).value for r in (8, 9, 12)}
    out = tmp_path / "台账_新.xlsx"
    code, text = _update(book, out, capsys)
    assert code == 0, text
    ws = load_workbook(out)[LAYOUT.sheet]
    c = _col(ws, "进展说明")
    for r, value in typed.items():
        cell = ws.cell(r, c)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    assert ws.cell(rows[codes[8]], _col(ws, "状态")).value == "推进中"
    assert ws.cell(rows[codes[12]], _col(ws, "责任人")).value == "李四"
    said = {(p["字段"], p["所见值"]): str(p["问题"]) for p in _problems(out)}
    assert "科学计数法" in said[("宗地代码", "3.30602001001e+18")]  # no plot 3306020010009999872
    assert "已按状态变更记录恢复" in said[("宗地代码", codes[9])]


# --- returned 核实表 and 人工认定表 ------------------------------------------------------------


def test_an_override_form_with_a_merged_decider_is_said_not_guessed(
    built: dict[str, Path], tmp_path: Path
) -> None:
    """The same reader serves the 人工认定表: 认定人 merged over two decisions counts for the
    first only; the second is an incomplete decision, said, never applied with a guessed
    name."""
    from landgov.run.overrides import LAYOUT as OVERRIDE
    from landgov.run.overrides import read_overrides, write_overrides

    form = write_overrides(built["run"], tmp_path / "认定.xlsx")
    wb = load_workbook(form)
    ws = wb[OVERRIDE.sheet]
    values = {
        "认定筛查结论": "不列入",
        "理由": "已整改到位",
        "认定日期": "2026-07-10",
        "文件依据": "斗门街道〔2026〕5号",
    }
    for r in (2, 3):
        for name, value in values.items():
            ws.cell(r, _col(ws, name)).value = value
    c = _col(ws, "认定人")
    ws.cell(2, c).value = "张三"
    ws.merge_cells(start_row=2, end_row=3, start_column=c, end_column=c)
    wb.save(form)
    keys = [ws.cell(r, 1).value for r in (2, 3)]
    got = read_overrides(form)
    assert list(got.rows["宗地代码"]) == [keys[0]] and got.rejected == 1
    said = " ".join(got.problems.loc[got.problems["row"] == 3, "problem"])
    assert "合并单元格" in said and "缺少认定人" in said


# --- run folders -----------------------------------------------------------------------------


def _damaged(run: Path, tmp_path: Path, damage: str) -> Path:
    copy = tmp_path / "共享盘 结果"
    shutil.copytree(run, copy)
    target = copy / ("manifest.json" if "manifest" in damage else "landgov.gpkg")
    if damage.startswith("no "):
        target.unlink()
    else:
        target.write_bytes(target.read_bytes()[:300])
    return copy


@pytest.mark.parametrize("damage", ["no manifest", "cut manifest", "no gpkg", "cut gpkg"])
def test_a_damaged_run_folder_is_refused_by_every_follow_on_command(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    """Held already, pinned here: each command that reads a run folder refuses one whose
    manifest or GeoPackage is missing or cut short, names it, and writes nothing."""
    run = _damaged(built["run"], tmp_path, damage)
    out = tmp_path / "输出"
    commands = [
        ["compare", built["run"], run, "-o", out / "动态评价"],
        ["map", run, "--out", out / "地图.html"],
        ["export", run, "-o", out / "导出"],
        ["packet", run, "--out", out / "材料.pdf"],
        ["verify", run, "-o", out / "核实"],
        ["override", run, "-o", out / "认定.xlsx"],
        ["ledger", "init", run, "-o", out / "台账.xlsx"],
        ["ledger", "update", built["ledger"], "--run", run, "-o", out / "台账2.xlsx"],
    ]
    for args in commands:
        code, text = main_here(args, capsys)
        refused(code, text, str(run))
        assert not out.exists(), args


def test_compare_with_another_countys_run_is_refused(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """嵊州's folder picked as the new year of 越城: no plot in common. A 动态评价 was written
    (rc 0) saying all 1315 listed plots had left (「旧期在治理清单，新期无此地块」), with only a
    warning that the profiles differ. Now refused, both folders named, nothing written."""
    from tests._runs import fake_run

    plots = [{"parcel_id": f"330683001001GB0000{i}", "township": "剡湖街道"} for i in (1, 2)]
    other = fake_run(tmp_path / "嵊州 结果", plots, as_of="2027-06-30", profile="shengzhou-2022")
    out = tmp_path / "动态评价"
    code, text = main_here(["compare", built["run"], other, "-o", out], capsys)
    refused(code, text, str(other), str(built["run"]), "没有一宗相同的地块")
    assert not out.exists()


def test_the_same_ledger_under_a_csv_or_xls_name_says_save_as_xlsx(
    built: dict[str, Path], tmp_path: Path
) -> None:
    """Held already: a ledger sent back as .xls / .csv is refused with 「另存为」, not read."""
    for suffix in (".xls", ".csv"):
        book = tmp_path / f"台账{suffix}"
        shutil.copy(built["ledger"], book)
        result = run_cli("ledger", "update", book, "-o", tmp_path / "新.xlsx")
        assert_clean_error(result, contains="另存为")
        assert not (tmp_path / "新.xlsx").exists()
