"""The 进度 (治理台账) and 变化 (动态评价) themes on the map; per-镇街 progress in the panel."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from landgov.core.editable import EDIT_MARK
from landgov.evaluation import compare_runs, write_comparison
from landgov.ledger import init_ledger, write_ledger
from landgov.maps import build_map, load_run
from landgov.maps._progress import with_progress
from landgov.run.results import read_screening
from tests._cli import run_cli
from tests._runs import fake_run

EVIL_TOWN = '<img src=x onerror="window.__pwned=1">街道'
OLD = [
    {"parcel_id": "P1", "tax_per_mu": 3.0},
    {"parcel_id": "P2", "tax_per_mu": 2.0, "township": EVIL_TOWN},
    {"parcel_id": "P3", "tax_per_mu": 4.0, "grade": "D"},
    {"parcel_id": "P4", "tax_per_mu": 30.0, "grade": "A", "screening_status": "不列入"},
]
NEW = [  # four different 亩均税收 (mapclassify warns when it cannot form its classes)
    {"parcel_id": "P1", "tax_per_mu": 6.2, "grade": "B", "screening_status": "不列入"},
    {"parcel_id": "P2", "tax_per_mu": 2.5, "township": EVIL_TOWN},
    {"parcel_id": "P3", "tax_per_mu": 4.0, "grade": "D"},
    {"parcel_id": "P4", "tax_per_mu": 4.6, "grade": "C"},
]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("progress")
    old = fake_run(root / "old", OLD, as_of="2026-06-30")
    new = fake_run(root / "new", NEW, as_of="2027-06-30")
    ledger = root / "台账.xlsx"
    write_ledger(init_ledger(read_screening(old), as_of=dt.date(2026, 7, 1)), ledger)
    wb = load_workbook(ledger)
    ws = wb["治理台账"]
    col = {str(c.value).replace(EDIT_MARK, ""): c.column for c in ws[1] if c.value}
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows["P1"], col["状态"]).value = "已销号"
    ws.cell(rows["P1"], col["验收日期"]).value = dt.date(2027, 5, 1)
    ws.cell(rows["P1"], col["验收依据"]).value = "验收纪要〔2027〕1号"
    ws.cell(rows["P2"], col["状态"]).value = "推进中"
    ws.cell(rows["P2"], col["计划完成日期"]).value = dt.date(2026, 12, 31)  # overdue by 2027
    ws.cell(rows["P3"], col["状态"]).value = "<b>乱填</b>"
    wb.save(ledger)
    cmp = write_comparison(compare_runs(read_screening(old), read_screening(new)), root / "cmp")
    return {"old": old, "new": new, "ledger": ledger, "cmp": cmp}


def _themes(data: Any) -> dict[str, dict[str, Any]]:
    result = build_map(data, title="进度")
    cfg = _config(result.html)
    return {t["key"]: t for t in cfg["parcels"]["themes"]}, cfg


def _config(html: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="lg-config">(.*?)</script>', html, re.S)
    assert m, "no config in page"
    return json.loads(m.group(1))


def test_progress_theme_classes_each_plot(setup):
    data = with_progress(load_run(setup["new"]), ledger=setup["ledger"], as_of=dt.date(2027, 7, 1))
    status = dict(zip(data.parcels["parcel_id"], data.parcels["ledger_status"], strict=True))
    assert status["P1"] == "已销号" and status["P3"] == "<b>乱填</b>" and pd.isna(status["P4"])
    themes, cfg = _themes(data)
    legend = {i["label"]: i["count"] for i in themes["progress"]["legend"]}
    assert legend["已销号"] == 1 and legend["已逾期（未完成）"] == 1  # P2 overdue, shown red
    assert legend["状态待核实（填写有误）"] == 1 and legend["不在台账中"] == 1
    rows = {r["label"]: r["value"] for r in cfg["panel"]["rows"]}
    assert rows["治理进度·斗门街道"] == "2 宗：已销号 1，已完成 0，逾期 0"
    assert rows[f"治理进度·{EVIL_TOWN}"].endswith("逾期 1")


def test_change_theme_classes_each_plot(setup):
    data = with_progress(load_run(setup["new"]), comparison=setup["cmp"])
    themes, _ = _themes(data)
    legend = {i["label"]: i["count"] for i in themes["change"]["legend"]}
    assert legend["移出治理清单"] == 1  # P1
    assert legend["新列入治理清单"] == 1  # P4
    assert legend["无明显变化"] == 2  # P2, P3
    assert "progress" not in themes


def test_map_cli_with_ledger_and_comparison(setup, tmp_path):
    out = tmp_path / "进度.html"
    args = ("map", setup["new"], "--ledger", setup["ledger"], "--compare", setup["cmp"])
    result = run_cli(*args, "--theme", "progress", "--out", out)
    assert result.returncode == 0, result.stderr
    cfg = _config(out.read_text(encoding="utf-8"))
    assert cfg["parcels"]["defaultTheme"] == "progress"
    assert {"progress", "change"} <= {t["key"] for t in cfg["parcels"]["themes"]}
    png = tmp_path / "变化.png"
    result = run_cli(*args, "--theme", "change", "--static", "png", "--out", png)
    assert result.returncode == 0, result.stderr
    assert png.stat().st_size > 10_000


@pytest.mark.browser
def test_progress_map_in_chromium(setup, tmp_path):
    from _browser import chromium_driver, console_errors, missing_browser, wait_drawn

    why = missing_browser()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests need Chromium in CI: {why}")
        pytest.skip(f"browser tests skipped: {why}")
    data = with_progress(load_run(setup["new"]), ledger=setup["ledger"], comparison=setup["cmp"])
    page = build_map(data, theme="progress", title="治理进度").save(tmp_path / "p.html")
    with chromium_driver() as driver:
        driver.get(page.as_uri())
        state = wait_drawn(driver)
        assert state["ready"] and not state["errors"]
        assert console_errors(driver) == []
        assert driver.execute_script("return window.__pwned === undefined")
        panel = driver.execute_script(
            "return document.querySelector('.lg-panel') ? "
            "document.querySelector('.lg-panel').textContent : ''"
        )
        assert EVIL_TOWN in panel and "治理进度" in panel
