"""Returned workbooks that are not this run's, or come back twice (核实表, 治理台账).

Each test runs the real command line on workbooks the real command wrote, edited with openpyxl
as a township clerk returns them:

- last year's 核实表 left in this year's ``--verified`` folder (a 基准日 of another year) is
  refused, naming the file, the date it was written for and this run's date; one of the same
  year (a re-run on another day) and one that records no date (written by an older landgov)
  are read with a warning naming both;
- one township's 核实表 returned twice (two copies in the folder): the same answer is used once
  and said; different answers are used neither way, both files named;
- the same plot on two rows of a 治理台账 with different statuses: neither row is used, the
  plot keeps its last recorded status and is flagged, both rows named (the rule the 核实表 and
  人工认定表 follow, ``refuse_conflicts``); the same row twice is used once and said once.
"""

from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path

import pytest
from openpyxl import load_workbook

from landgov.core.editable import EDIT_MARK, MARKER_SHEET
from landgov.sample import generate
from tests._cli import ENGLISH, assert_clean_error, run_cli

THIS_YEAR = "2026-06-30"
LAST_YEAR = "2025-06-30"


def _screen(src: Path, out: Path, as_of: str, *extra: object):
    return run_cli(
        "screen", "-q", "-p", src / "parcels.shp", "-e", src / "enterprises.xlsx",
        "-l", src / "links.xlsx", "-o", out, "--as-of", as_of, *extra, cwd=out.parent,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A generated county screened for this year and last year, with each run's 核实表."""
    root = tmp_path_factory.mktemp("twice")
    src = root / "县"
    generate(src, n_parcels=150, seed=11)
    out: dict[str, Path] = {"src": src, "root": root}
    for name, day in (("this", THIS_YEAR), ("last", LAST_YEAR)):
        run = root / f"结果 {day[:4]}年"
        result = _screen(src, run, day)
        assert result.returncode == 0, result.stderr
        folder = root / f"核实表 {day[:4]}"
        result = run_cli("verify", run, "-o", folder, cwd=root)
        assert result.returncode == 0, result.stderr
        out[name], out[f"{name}_verify"] = run, folder
    return out


def _col(ws, name: str) -> int:
    return next(c.column for c in ws[1] if c.value and str(c.value).replace(EDIT_MARK, "") == name)


def _energy_rows(ws) -> list[int]:
    """Sheet rows asking an enterprise's 综合能耗 (an answer that enters the run as data)."""
    item, uscc = _col(ws, "核实事项"), _col(ws, "统一社会信用代码")
    return [
        r
        for r in range(2, ws.max_row + 1)
        if str(ws.cell(r, item).value).startswith("综合能耗")
        and ws.cell(r, uscc).value not in (None, "—")
    ]


def _answer(src: Path, dst: Path, value: float, *, row: int | None = None) -> tuple[int, str]:
    """``src`` copied to ``dst`` with one 综合能耗 answered ``value``: (sheet row, enterprise)."""
    if src != dst:
        shutil.copy(src, dst)
    wb = load_workbook(dst)
    ws = wb.worksheets[0]
    r = _energy_rows(ws)[0] if row is None else row
    ws.cell(r, _col(ws, "答复")).value = value
    ws.cell(r, _col(ws, "核实人")).value = "张三"
    ws.cell(r, _col(ws, "核实日期")).value = "2026-07-10"
    wb.save(dst)
    return r, str(ws.cell(r, _col(ws, "统一社会信用代码")).value)


def _book_with_energy(folder: Path) -> Path:
    return next(p for p in sorted(folder.glob("核实_*.xlsx")) if _energy_rows(load_workbook(p)[
        "待核实事项"]))  # fmt: skip


def _problems(book: Path, sheet: str = "问题记录") -> list[dict[str, object]]:
    rows = list(load_workbook(book)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _cells(book: Path, text: str) -> int:
    """How many cells of ``book`` hold ``text``."""
    with closing(load_workbook(book, read_only=True)) as wb:
        return sum(
            1
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for v in row
            if isinstance(v, str) and text in v
        )


# --------------------------------------------------------------------------- 1. another run's
def test_last_years_verify_workbook_is_refused_naming_both_dates(built, tmp_path):
    """Before: a 核实表 written for the 2025-06-30 run, left in the 2026 folder, was read and
    its 综合能耗 answer written into this year's enterprise table without a word (only a file
    of another county was refused). Its answers are last year's figures: now the run stops
    with the file, the 基准日 it was written for, this run's 基准日 and what to do."""
    folder = tmp_path / "核实"
    folder.mkdir()
    old = _book_with_energy(built["last_verify"])
    stale = folder / old.name
    _answer(old, stale, 4321.5)
    out = tmp_path / "结果"
    result = _screen(built["src"], out, THIS_YEAR, "--verified", folder)
    text = assert_clean_error(result, contains=stale.name)
    assert LAST_YEAR in text and THIS_YEAR in text, text
    assert "移出" in text and "landgov verify" in text, text
    for word in ENGLISH:
        assert word not in text, (word, text)
    assert not out.exists()  # a run folder appears complete or not at all


def test_this_years_verify_workbook_is_read(built, tmp_path):
    """The guard does not refuse the run's own 核实表: its answer is used."""
    folder = tmp_path / "核实"
    folder.mkdir()
    book = _book_with_energy(built["this_verify"])
    _answer(book, folder / book.name, 4321.5)
    out = tmp_path / "结果"
    result = _screen(built["src"], out, THIS_YEAR, "--verified", folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        _cells(out / "landgov.xlsx", "综合能耗 4,321.5")
        + _cells(out / "landgov.xlsx", "综合能耗 4321.5")
        > 0
    )


def test_the_same_years_verify_workbook_rerun_on_another_day_is_read_and_said(built, tmp_path):
    """The 基准日 defaults to the day of the run: the county screens on 2026-06-30, sends the
    核实表 out and runs again with the answers on 2026-07-15 without --as-of. The answers are
    that year's figures and still hold: read, with a warning naming both dates and how to run
    on the 核实表's date (a refusal would make every re-run without --as-of fail)."""
    folder = tmp_path / "核实"
    folder.mkdir()
    book = _book_with_energy(built["this_verify"])
    _answer(book, folder / book.name, 4321.5)
    out = tmp_path / "结果"
    result = _screen(built["src"], out, "2026-07-15", "--verified", folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        _cells(out / "landgov.xlsx", "综合能耗 4,321.5")
        + _cells(out / "landgov.xlsx", "综合能耗 4321.5")
        > 0
    )
    said = [p for p in _problems(out / "landgov.xlsx") if "同一年度" in str(p.get("问题"))]
    assert len(said) == 1, said
    assert THIS_YEAR in str(said[0]) and "2026-07-15" in str(said[0]), said
    assert f"--as-of {THIS_YEAR}" in str(said[0]), said


def test_a_verify_workbook_recording_no_date_is_read_with_a_warning(built, tmp_path):
    """A 核实表 written by an older landgov records no 基准日: which run it was written for
    cannot be told. Its answers are read (refusing every file of the last release would lose
    the round in progress), and a warning names the file, the time it was written and this
    run's 基准日, so that a stale file is found."""
    folder = tmp_path / "核实"
    folder.mkdir()
    book = _book_with_energy(built["this_verify"])
    copy = folder / book.name
    _answer(book, copy, 4321.5)
    wb = load_workbook(copy)
    marker = wb[MARKER_SHEET]
    for r in range(marker.max_row, 0, -1):  # as an older landgov wrote it
        if marker.cell(r, 1).value in {"基准日", "筛查结果", "筛查时间"}:
            marker.delete_rows(r)
    wb.save(copy)
    out = tmp_path / "结果"
    result = _screen(built["src"], out, THIS_YEAR, "--verified", folder)
    assert result.returncode == 0, result.stdout + result.stderr
    said = [p for p in _problems(out / "landgov.xlsx") if "未记录" in str(p.get("问题"))]
    assert len(said) == 1, said
    assert copy.name in str(said[0]) and THIS_YEAR in str(said[0]), said


# --------------------------------------------------------------------------- 3. returned twice
def test_one_townships_verify_workbook_returned_twice_with_one_answer_is_used_once(built, tmp_path):
    """The clerk sent the file twice (「核实_斗门街道 (1).xlsx」 beside the first). The answer is
    the same: used once, and the second copy is said (before: nothing was said)."""
    folder = tmp_path / "核实"
    folder.mkdir()
    book = _book_with_energy(built["this_verify"])
    first = folder / book.name
    _answer(book, first, 4321.5)
    second = folder / f"{book.stem} (1).xlsx"
    shutil.copy(first, second)
    out = tmp_path / "结果"
    result = _screen(built["src"], out, THIS_YEAR, "--verified", folder)
    assert result.returncode == 0, result.stdout + result.stderr
    said = [
        p
        for p in _problems(out / "landgov.xlsx")
        if first.name in str(p.get("问题")) and second.name in str(p.get("问题"))
    ]
    assert len(said) == 1 and "计入一次" in str(said[0]), said


def test_one_townships_verify_workbook_returned_twice_with_two_answers_uses_neither(
    built, tmp_path
):
    """Two copies with different answers for one item: neither is used (which is right cannot
    be told), and the problem names both files and both answers."""
    folder = tmp_path / "核实"
    folder.mkdir()
    book = _book_with_energy(built["this_verify"])
    first = folder / book.name
    _answer(book, first, 4321.5)
    second = folder / f"{book.stem} (1).xlsx"
    _answer(first, second, 1234.5)
    out = tmp_path / "结果"
    result = _screen(built["src"], out, THIS_YEAR, "--verified", folder)
    assert result.returncode == 0, result.stdout + result.stderr
    said = [p for p in _problems(out / "landgov.xlsx") if "均未采用" in str(p.get("问题"))]
    assert len(said) == 1, said
    text = str(said[0]["问题"])
    assert first.name in text and second.name in text, text
    assert "4,321.5" in text or "4321.5" in text, text
    assert "1,234.5" in text or "1234.5" in text, text
    book_out = out / "landgov.xlsx"
    assert _cells(book_out, "核实：综合能耗") == 0


# --------------------------------------------------------------------------- 2. 治理台账
@pytest.fixture(scope="module")
def ledger(built) -> Path:
    book = built["root"] / "治理台账.xlsx"
    result = run_cli("ledger", "init", built["this"], "-o", book, "--as-of", "2026-07-01")
    assert result.returncode == 0, result.stderr
    return book


def _ledger_twice(ledger: Path, dst: Path, first: str, second: str) -> tuple[str, int, int]:
    """``ledger`` with its first plot's row typed again at the bottom: (plot, rows)."""
    shutil.copy(ledger, dst)
    wb = load_workbook(dst)
    ws = wb["治理台账"]
    status = _col(ws, "状态")
    bottom = ws.max_row + 1
    for c in range(1, ws.max_column + 1):
        ws.cell(bottom, c).value = ws.cell(2, c).value
    ws.cell(2, status).value = first
    ws.cell(bottom, status).value = second
    wb.save(dst)
    return str(ws.cell(2, _col(ws, "宗地代码")).value), 2, bottom


def _row_of(book: Path, key: str) -> dict[str, object]:
    rows = list(load_workbook(book)["治理台账"].iter_rows(values_only=True))
    head = [str(h).replace(EDIT_MARK, "") for h in rows[0]]
    found = [dict(zip(head, r, strict=True)) for r in rows[1:] if r[0] == key]
    assert len(found) == 1, found
    return found[0]


def test_a_plot_on_two_ledger_rows_with_two_statuses_uses_neither(ledger, tmp_path):
    """Before: the first row's 推进中 was taken and the second row's 已完成 only listed under
    未合并的行, as if the first were right. The 核实表 and 人工认定表 take neither answer
    when two differ; the ledger now does the same: the plot keeps the status of its last
    状态变更记录 entry (未启动), 系统提示 says why, both rows are listed and named."""
    book = tmp_path / "台账.xlsx"
    key, a, b = _ledger_twice(ledger, book, "推进中", "已完成")
    out = tmp_path / "台账 新.xlsx"
    result = run_cli("ledger", "update", book, "-o", out, "--as-of", "2026-09-30", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    row = _row_of(out, key)
    assert row["状态"] == "未启动", row
    assert "待核实" in str(row["系统提示"]), row
    said = [p for p in _problems(out) if key in str(p.get("问题"))]
    assert any(f"第 {a}、{b} 行" in str(p["问题"]) and "均未采用" in str(p["问题"]) for p in said)
    unmerged = [p for p in _problems(out, "未合并的行") if p.get("宗地代码") == key]
    assert sorted(p.get("状态") for p in unmerged) == ["已完成", "推进中"], unmerged
    history = [p for p in _problems(out, "状态变更记录") if p.get("宗地代码") == key]
    assert [h["新状态"] for h in history] == ["未启动"], history  # no change recorded


def test_a_plot_on_two_identical_ledger_rows_is_used_once_and_said_once(ledger, tmp_path):
    book = tmp_path / "台账.xlsx"
    key, _a, b = _ledger_twice(ledger, book, "推进中", "推进中")
    out = tmp_path / "台账 新.xlsx"
    result = run_cli("ledger", "update", book, "-o", out, "--as-of", "2026-09-30", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _row_of(out, key)["状态"] == "推进中"
    said = [p for p in _problems(out) if key in str(p.get("问题")) and "重复" in str(p["问题"])]
    assert len(said) == 1 and said[0]["行号"] == b, said
