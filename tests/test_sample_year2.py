"""The sample's second year, the partly filled ledger and the demo's year-2 step."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import shapely

from landgov.run.demo_year2 import run_second_year, sample_inputs
from landgov.run.results import read_screening
from landgov.run.screening import run_screening
from landgov.sample import generate
from landgov.sample.second_year import second_year


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("years")
    generate(root / "y1", n_parcels=300, seed=7)
    changed = second_year(root / "y1", root / "y2", n_split=4, n_merge=2)
    return root / "y1", root / "y2", changed


def _parcels(folder: Path):
    return pyogrio.read_dataframe(folder / "parcels.shp", encoding="GBK")


def test_same_plots_with_splits_and_merges(years):
    y1, y2, changed = years
    a, b = _parcels(y1), _parcels(y2)
    assert len(changed["split"]) == 4 and len(changed["merged"]) == 2
    assert len(b) == len(a) + 4 - 2
    gone = {codes[1] for codes in changed["merged"].values()}
    born = {codes[1] for codes in changed["split"].values()}
    assert set(b["宗地代码"]) == (set(a["宗地代码"]) - gone) | born
    old = a.set_index("宗地代码").geometry
    new = b.set_index("宗地代码").geometry
    for parent, (kept, child) in changed["split"].items():
        pieces = shapely.union_all([new[kept], new[child]])
        assert shapely.area(shapely.symmetric_difference(pieces, old[parent])) < 1.0
    for kept, (_, was) in changed["merged"].items():
        assert new[kept].area == pytest.approx(old[kept].area + old[was].area, rel=1e-6)
    links = pd.read_excel(y2 / "links.xlsx", dtype=str)
    assert not set(links["宗地代码"]) & gone
    assert born <= set(links["宗地代码"])


def test_enterprises_change_realistically(years):
    y1, y2, changed = years
    a = pd.read_excel(y1 / "enterprises.xlsx", header=2, dtype=object).set_index("统一社会信用代码")
    b = pd.read_excel(y2 / "enterprises.xlsx", header=2, dtype=object).set_index("统一社会信用代码")
    assert list(a.index) == list(b.index)  # the same enterprises, same order
    tax = "税收（万元）"
    for uscc in changed["improved"]:
        per_mu = float(b.loc[uscc, tax]) / float(b.loc[uscc, "用地面积（亩）"])
        assert 5.5 < per_mu < 9.1
    for uscc in changed["declined"]:
        assert float(b.loc[uscc, tax]) < float(a.loc[uscc, tax])
    assert changed["improved"] and changed["declined"]


def test_second_year_is_deterministic(years, tmp_path):
    y1, y2, _ = years
    again = second_year(y1, tmp_path / "again", n_split=4, n_merge=2)
    assert again["split"] == years[2]["split"]
    pd.testing.assert_frame_equal(_parcels(y2), _parcels(tmp_path / "again"))


def test_demo_year2_compares_and_fills_the_ledger(years, tmp_path):
    y1 = years[0]
    first = tmp_path / "demo"
    run_screening(
        sample_inputs(y1), profile="yuecheng-2022", as_of="2026-06-30", out_dir=first,
        progress=False, echo=lambda _t: None,
    )  # fmt: skip
    paths = run_second_year(
        sample=y1, first_run=first, profile="yuecheng-2022", maps_dir=tmp_path / "maps",
        echo=lambda _t: None,
    )  # fmt: skip
    old, new = read_screening(first), read_screening(paths["year2"])
    changes = pyogrio.read_dataframe(paths["compare"] / "changes.gpkg", layer="changes")
    old_ids = [i for v in changes["old_ids"].dropna() for i in v.split("；")]
    new_ids = [i for v in changes["new_ids"].dropna() for i in v.split("；")]
    assert sorted(old_ids) == sorted(old.parcels["parcel_id"])
    assert sorted(new_ids) == sorted(new.parcels["parcel_id"])
    assert {"分割", "合并", "两期均有"} <= set(changes["match"])
    problems = pd.read_excel(paths["ledger"], sheet_name="问题记录")
    text = " ".join(problems["问题"])
    for words in ("不是可选值", "早于列入日期", "未填写验收依据"):
        assert words in text
    table = pd.read_excel(paths["ledger"], sheet_name="治理台账")
    assert len(table) >= len(old.governance)
    assert table["系统提示"].fillna("").str.contains("建议销号").any()
    page = paths["progress_html"].read_text(encoding="utf-8")
    assert '"key": "progress"' in page or '"key":"progress"' in page
    assert "治理进度·" in page
