"""Workbooks a 镇街 clerk sends back to the district, edited as clerks really edit them, read by
the real commands (``landgov ledger update``, ``landgov screen --verified`` / ``--overrides``).

Each test copies a workbook the real command wrote for a small generated county (150 plots),
edits it with openpyxl and runs the reading command through the command line. The contract:
a clear 「错误：」 naming what to do, or every row used, flagged with a reason or said in the
problems sheet (never dropped in silence, never counted twice, never guessed), or read as meant
where the meaning is plain. Cases other files hold are not repeated (sheets renamed or moved,
merged cells, formulas without results, duplicates in one 认定表, .xls files:
``tests/test_bad_input_followon.py``, ``tests/test_returned_workbooks.py``).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from landgov.ledger import LAYOUT
from landgov.sample import generate
from tests._cli import ENGLISH, run_cli

AS_OF = "2026-08-01"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A generated county screened through the command line, its 治理台账 and 核实表 (read only)."""
    root = tmp_path_factory.mktemp("returned")
    generate(root / "县", n_parcels=150, seed=11)
    src = root / "县"
    run = root / "结果 2026年"
    result = run_cli(
        "screen", "-q", "-p", src / "parcels.shp", "-e", src / "enterprises.xlsx",
        "-l", src / "links.xlsx", "-o", run, "--as-of", "2026-06-30", cwd=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    ledger = root / "治理台账.xlsx"
    result = run_cli("ledger", "init", run, "-o", ledger, "--as-of", "2026-07-01", cwd=root)
    assert result.returncode == 0, result.stderr
    return {"run": run, "ledger": ledger, "src": src, "root": root}


def _col(ws, name: str) -> int:
    """The column of the field ``name`` (its header may carry 「（填写）」)."""
    return next(c.column for c in ws[1] if c.value and str(c.value).startswith(name))


def _returned(src: Path, dst: Path, edit: Callable[..., object]) -> Path:
    """``src`` as a 镇街 sends it back: copied, ``edit(ws)`` applied to its first sheet."""
    if src != dst:
        shutil.copy(src, dst)
    wb = load_workbook(dst)
    edit(wb.worksheets[0])
    wb.save(dst)
    return dst


def _update(book: Path, out: Path) -> str:
    """``landgov ledger update`` through the command line: exit 0, no traceback; its output."""
    result = run_cli("ledger", "update", book, "-o", out, "--as-of", AS_OF, cwd=out.parent)
    text = result.stdout + result.stderr
    assert result.returncode == 0, text
    for word in ENGLISH:
        assert word not in text, (word, text)
    return text


def _plots(text: str) -> int:
    """The number of plots the command said it wrote: 「已写出台账：…（84 宗；…」."""
    return int(re.search(r"（(\d+) 宗；", text).group(1))  # type: ignore[union-attr]


def _problems(book: Path) -> list[dict[str, object]]:
    rows = list(load_workbook(book)["问题记录"].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _district(book: Path) -> dict[str, object]:
    """The 全区 row of 镇街进度."""
    rows = list(load_workbook(book)["镇街进度"].iter_rows(values_only=True))
    return next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0] == "全区")


def _n_plots(built: dict[str, Path]) -> int:
    return load_workbook(built["ledger"])[LAYOUT.sheet].max_row - 1


# --- rows that are no plot --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "label"),
    [("宗地代码", "合计"), ("宗地代码", " 合 计 "), ("镇街", "斗门街道小计"), ("权利人", "总计：")],
)
def test_a_totals_row_typed_under_the_plots_is_no_plot(
    built: dict[str, Path], tmp_path: Path, where: str, label: str
) -> None:
    """Clerks add a 合计 row under the list (a SUM of the 面积 column). With 「合计」 in the
    宗地代码 column it was kept as a plot typed by hand: 85 plots of 84, one 「状态为空」 error
    and 1 「其他或未填」 in 镇街进度. With the label in another column and 宗地代码 blank it was
    an error asking for the 宗地代码 of a totals row. Now it is said once, as a 合计 row, at
    its sheet row, and counted nowhere."""
    n = _n_plots(built)

    def edit(ws) -> None:
        r = ws.max_row + 1
        ws.cell(r, _col(ws, where)).value = label
        area = _col(ws, "面积（亩）")
        ws.cell(
            r, area
        ).value = f"=SUM({ws.cell(2, area).coordinate}:{ws.cell(r - 1, area).coordinate})"

    book = _returned(built["ledger"], tmp_path / "台账_斗门.xlsx", edit)
    out = tmp_path / "台账_新.xlsx"
    text = _update(book, out)
    assert _plots(text) == n, text
    said = [p for p in _problems(out) if p["行号"] == n + 2]
    assert len(said) == 1, said
    assert "合计行" in str(said[0]["问题"]) and label.strip() in str(said[0]["问题"]), said
    assert "状态为空" not in str(_problems(out)), _problems(out)
    progress = _district(out)
    assert progress["宗地数"] == n and progress["其他或未填"] == 0, progress
    assert "未合并的行" not in load_workbook(out).sheetnames


@pytest.mark.parametrize("copies", [1, 2])
def test_the_header_typed_again_below_the_header_is_no_plot(
    built: dict[str, Path], tmp_path: Path, copies: int
) -> None:
    """The header row copied under itself (or pages pasted together with their headers): the
    copy was read as a plot called 「宗地代码」 with 「状态（填写）」 as its status, three
    errors, and counted (85 plots of 84). Now each copy is said as a repeated header and the
    plots under it are read as before."""
    n = _n_plots(built)

    def edit(ws) -> None:
        head = [c.value for c in ws[1]]
        for at in (2, 40)[:copies]:
            ws.insert_rows(at)
            for c, value in enumerate(head, start=1):
                ws.cell(at, c).value = value
        ws.cell(3, _col(ws, "状态")).value = "推进中"

    book = _returned(built["ledger"], tmp_path / "台账.xlsx", edit)
    out = tmp_path / "台账_新.xlsx"
    text = _update(book, out)
    assert _plots(text) == n, text
    assert "推进中 1" in text, text
    said = [p for p in _problems(out) if "重复的表头行" in str(p["问题"])]
    assert [p["行号"] for p in said] == [2, 40][:copies], _problems(out)
    assert not [p for p in _problems(out) if p["严重程度"] == "错误"], _problems(out)


# --- what clerks type ------------------------------------------------------------------------


def test_status_words_as_clerks_type_them(built: dict[str, Path], tmp_path: Path) -> None:
    """Blanks and full-width characters inside a status from the list are the status; words
    outside the list (「完成」「已拆除」「销号」「在建」) are not guessed into one: kept as
    typed, an error on their row naming the list, and counted as 「其他或未填」, so the 全区
    row still adds up to every plot."""
    typed = {
        2: ("已完成 ", "已完成"),
        3: ("推进 中", "推进中"),
        4: ("已\u3000完成", "已完成"),
        5: ("未启动", "未启动"),
        6: ("完成", None),
        7: ("已拆除", None),
        8: ("销号", None),
        9: ("在建", None),
    }

    def edit(ws) -> None:
        for r, (value, _) in typed.items():
            ws.cell(r, _col(ws, "状态")).value = value

    book = _returned(built["ledger"], tmp_path / "台账.xlsx", edit)
    out = tmp_path / "台账_新.xlsx"
    _update(book, out)
    ws = load_workbook(out)[LAYOUT.sheet]
    for r, (value, read) in typed.items():
        assert ws.cell(r, _col(ws, "状态")).value == (read or value), r
    errors = {p["行号"]: p for p in _problems(out) if p["字段"] == "状态"}
    assert sorted(errors) == [6, 7, 8, 9], errors
    for r in (6, 7, 8, 9):
        assert typed[r][0] in str(errors[r]["问题"]) and "不是可选值" in str(errors[r]["问题"])
        assert "未启动、推进中、已完成、已销号" in str(errors[r]["处理建议"])
    progress = _district(out)
    # 2 已完成 (rows 2 and 4), 1 推进中, 4 words outside the list; the rest 未启动
    assert progress["已完成"] == 2 and progress["推进中"] == 1, progress
    assert progress["其他或未填"] == 4, progress
    counted = sum(int(progress[k]) for k in ("未启动", "推进中", "已完成", "已销号", "销号待核实"))
    assert counted + 4 == progress["宗地数"], progress


def test_deadlines_typed_as_clerks_type_them(built: dict[str, Path], tmp_path: Path) -> None:
    """计划完成日期 typed in every way a clerk does. A date, a year-month (the month's last
    day: a deadline of 「2027年6月」 runs to its end), 「6月底」 with its year, full-width
    digits, an Excel serial and a date with a time are read; a two-digit year (「27/6/30」
    could be 2027 or not, as Excel's century rule says) and a month without a year are kept as
    typed, flagged and counted as 完成日期待核实, never as on time."""
    june = dt.datetime(2027, 6, 30)
    typed = {
        2: ("2027.6", june),
        3: ("2027年6月", june),
        4: ("2027/6/30", june),
        5: ("2027年6月底", june),
        6: ("２０２７－０６－３０", june),
        7: (46568, june),  # Excel serial of 2027-06-30: 46568 days after 1899-12-30
        8: (dt.datetime(2027, 6, 30, 14, 30), june),
        9: ("2027-06-30 09:00", june),
        10: ("27/6/30", "27/6/30"),
        11: ("6月底", "6月底"),
        12: ("27.6.30", "27.6.30"),
    }

    def edit(ws) -> None:
        c = _col(ws, "计划完成日期")
        for r, (value, _) in typed.items():
            ws.cell(r, c).value = value
            if isinstance(value, int):
                ws.cell(r, c).number_format = "General"  # a serial as WPS shows it

    book = _returned(built["ledger"], tmp_path / "台账.xlsx", edit)
    out = tmp_path / "台账_新.xlsx"
    text = _update(book, out)
    ws = load_workbook(out)[LAYOUT.sheet]
    c = _col(ws, "计划完成日期")
    for r, (_, read) in typed.items():
        assert ws.cell(r, c).value == read, (r, ws.cell(r, c).value)
    assert "完成日期待核实 3" in text, text
    assert _district(out)["完成日期待核实"] == 3
    errors = sorted(
        p["行号"] for p in _problems(out) if p["字段"] == "计划完成日期" and p["严重程度"] == "错误"
    )
    assert errors == [10, 11, 12], _problems(out)
    months = [p for p in _problems(out) if p["行号"] in (2, 3)]
    assert all("当月最后一天" in str(p["问题"]) for p in months) and len(months) == 2, months


def test_a_plot_code_with_trailing_blanks_or_full_width_digits_is_that_plot(
    built: dict[str, Path], tmp_path: Path
) -> None:
    """A code with blanks typed after it, or retyped in full-width digits (a Chinese input
    method), is the same plot: its status is read, no row is said missing or added by hand."""
    keys: list[str] = []

    def edit(ws) -> None:
        keys.extend([ws.cell(2, 1).value, ws.cell(3, 1).value])
        ws.cell(2, 1).value = keys[0] + "  "
        ws.cell(3, 1).value = keys[1].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        ws.cell(2, _col(ws, "状态")).value = "推进中"
        ws.cell(3, _col(ws, "状态")).value = "推进中"

    book = _returned(built["ledger"], tmp_path / "台账.xlsx", edit)
    out = tmp_path / "台账_新.xlsx"
    text = _update(book, out)
    assert _plots(text) == _n_plots(built) and "推进中 2" in text, text
    assert not _problems(out), _problems(out)
    ws = load_workbook(out)[LAYOUT.sheet]
    assert [ws.cell(r, 1).value for r in (2, 3)] == keys


# --- the 核实表 of each 镇街 ---------------------------------------------------------------------


def test_a_totals_row_in_a_returned_verify_sheet_is_said_not_an_error(
    built: dict[str, Path], tmp_path: Path
) -> None:
    """A 核实表 sent back with a 合计 row (核实编号 blank, 「合计」 in 镇街): it was an error
    「核实编号为空」 asking for a number a totals row cannot have. Now the run reads the other
    rows and says the 合计 row once, in 问题记录, as a warning at its row."""
    folder = tmp_path / "核实"
    result = run_cli("verify", built["run"], "-o", folder, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    book = sorted(folder.glob("核实_*.xlsx"))[0]

    def edit(ws) -> None:
        r = ws.max_row + 1
        ws.cell(r, _col(ws, "镇街")).value = "合计"
        ws.cell(r, _col(ws, "核实编号")).value = None
        ws.cell(r, _col(ws, "企业名称")).value = f"{r - 2} 项"

    _returned(book, book, edit)
    last = load_workbook(book).worksheets[0].max_row
    src, out = built["src"], tmp_path / "结果"
    result = run_cli(
        "screen", "-q", "-p", src / "parcels.shp", "-e", src / "enterprises.xlsx",
        "-l", src / "links.xlsx", "-o", out, "--as-of", "2026-06-30", "--verified", folder,
        cwd=tmp_path,
    )  # fmt: skip
    text = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in text, text
    ws = load_workbook(out / "landgov.xlsx")["问题记录"]
    rows = list(ws.iter_rows(values_only=True))
    said = [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if book.name in str(r)]
    ours = [p for p in said if p.get("行号") == last]
    assert len(ours) == 1 and "合计行" in str(ours[0]), said
    assert not [p for p in said if "为空" in str(p)], said
