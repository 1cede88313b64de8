"""A 已销号 without its 验收 evidence is counted apart, 「销号待核实」, in every count.

「销号式整改、项目化验收」 (虞政发〔2022〕12号 第三条第（一）项第2目): a plot is 已销号 only
after 验收, so a row whose 状态 is 已销号 but whose 验收日期 is no date or whose 验收依据 is
missing (「无」「/」「—」, core.missing) is a problem row (``landgov.ledger._update``) and is
not counted as 已销号 nor in 完成率 — in 镇街进度, the workbook's sheet, the CLI's closing line
and the progress map — but as 销号待核实 (missing data gives 待核实, never a silent pass).

Hand case, one 镇街 (斗门街道), 4 plots:
  Q1 已销号, 验收日期 2027-05-20, 验收依据 斗门街道验收纪要〔2027〕5号  → 已销号
  Q2 已销号, the same but one piece of evidence a placeholder        → 销号待核实
  Q3 推进中; Q4 未启动
  → 已销号 1, 销号待核实 1, 推进中 1, 未启动 1, 已完成 0; 完成率 = (0 + 1) / 4 = 25.0 %.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from landgov.ledger import init_ledger, update_ledger, write_ledger
from landgov.maps import load_run
from landgov.maps._progress import progress_rows, progress_theme, with_progress
from landgov.maps.style import MapStyle
from landgov.run.results import read_screening
from tests._cli import run_cli
from tests._runs import fake_run
from tests.test_ledger import _edit

LISTED = dt.date(2026, 6, 30)
DAY1 = dt.date(2026, 7, 1)
NEXT = dt.date(2027, 7, 1)
CLOSED = {"状态": "已销号", "验收日期": "2027-05-20", "验收依据": "斗门街道验收纪要〔2027〕5号"}
PLACEHOLDERS = [
    {"验收依据": "无"},
    {"验收依据": "/"},
    {"验收依据": "—"},
    {"验收日期": "已验收"},  # no date
    {"验收日期": None},
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("close_unverified")
    plots = [{"parcel_id": f"Q{i}"} for i in range(1, 5)]
    return fake_run(root / "2026", plots, as_of=LISTED.isoformat())


def _ledger(run: Path, tmp_path: Path, lacking: dict) -> Path:
    path = write_ledger(init_ledger(read_screening(run), as_of=DAY1), tmp_path / "台账.xlsx")
    _edit(path, {"Q1": CLOSED, "Q2": CLOSED | lacking, "Q3": {"状态": "推进中"}})
    return path


def _counts(table: pd.Series) -> tuple:
    names = ("宗地数", "已销号", "销号待核实", "已完成", "推进中", "未启动", "完成率（%）")
    return tuple(table[n] for n in names)


HAND = (4, 1, 1, 0, 1, 1, 25.0)  # 完成率 (0 已完成 + 1 已销号) / 4 = 25.0 %


@pytest.mark.parametrize("lacking", PLACEHOLDERS)
def test_progress_counts_a_close_without_acceptance_apart(run, tmp_path, lacking):
    ledger = update_ledger(_ledger(run, tmp_path, lacking), None, as_of=NEXT)
    table = ledger.progress.set_index("镇街")
    assert _counts(table.loc["斗门街道"]) == HAND
    assert _counts(table.loc["全区"]) == HAND
    # the status is kept as typed, the problem said (the one check, in _update.py)
    assert ledger.rows.set_index("宗地代码").loc["Q2", "状态"] == "已销号"
    assert ledger.problems["problem"].str.startswith("宗地 Q2：状态为「已销号」").sum() == 1


def test_the_workbook_summary_sheet_counts_it_apart(run, tmp_path):
    ledger = update_ledger(_ledger(run, tmp_path, {"验收依据": "无"}), None, as_of=NEXT)
    out = write_ledger(ledger, tmp_path / "新台账.xlsx")
    sheet = pd.read_excel(out, sheet_name="镇街进度", dtype=object).set_index("镇街")
    assert _counts(sheet.loc["斗门街道"]) == HAND
    assert list(sheet.columns).index("销号待核实") == list(sheet.columns).index("已销号") + 1


def test_the_cli_closing_line_counts_it_apart(run, tmp_path):
    path = _ledger(run, tmp_path, {"验收依据": "无"})
    done = run_cli(
        "ledger", "update", path, "--out", tmp_path / "新台账.xlsx", "--as-of", "2027-07-01"
    )
    assert done.returncode == 0, done.stderr
    assert "已销号 1、销号待核实 1；" in done.stdout  # was 「已销号 2」


def test_the_progress_map_counts_it_apart(run, tmp_path):
    path = _ledger(run, tmp_path, {"验收依据": "无"})
    data = with_progress(load_run(run), ledger=path, as_of=NEXT)
    frame = data.parcels
    legend = {i.label: i.count for i in progress_theme(frame, MapStyle()).legend}
    assert legend["已销号"] == 1 and legend["销号待核实"] == 1  # was 已销号 2
    (row,) = progress_rows(frame)
    assert row.value == "4 宗：已销号 1，销号待核实 1，已完成 0，逾期 0"


def test_progress_works_the_counted_statuses_out_once(run, tmp_path, monkeypatch):
    """镇街进度 reads each plot's counted status (销号待核实 for Q2) for its status columns, for
    逾期 and for 完成日期待核实: one reading, worked out once and shared, so the three can never
    disagree — the hand counts above, from a single call of ``counted_status``."""
    from landgov.ledger import _book

    ledger = update_ledger(_ledger(run, tmp_path, {"验收依据": "无"}), None, as_of=NEXT)
    calls = []

    def counting(rows, *, as_of=None):
        calls.append(as_of)
        return counted_status(rows, as_of=as_of)

    counted_status = _book.counted_status
    monkeypatch.setattr(_book, "counted_status", counting)
    table = _book.progress(ledger.rows, as_of=NEXT).set_index("镇街")
    assert _counts(table.loc["斗门街道"]) == HAND
    assert calls == [NEXT]
