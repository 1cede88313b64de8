"""动态评价: two runs compared, every plot and enterprise accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from landgov.evaluation import Match, compare_runs, match_plots, write_comparison
from landgov.run.results import read_screening
from tests._cli import assert_clean_error, run_cli
from tests._hand import comparison_row
from tests._runs import fake_run

X, Y = 500_000, 3_300_000


def _box(i: int, *, w: float = 100, dx: float = 0) -> tuple[float, float, float, float]:
    return (X + 300 * i + dx, Y, X + 300 * i + dx + w, Y + 100)


OLD = [
    {"parcel_id": "A", "box": _box(0), "tax_per_mu": 3.0, "grade": "C"},  # improves, leaves
    {"parcel_id": "B", "box": _box(1), "tax_per_mu": 2.0, "grade": "D"},  # split into B1, B2
    {"parcel_id": "C1", "box": _box(2, w=50), "tax_per_mu": 4.0, "area_mu": 7.5},  # merged…
    {"parcel_id": "C2", "box": _box(2, w=50, dx=50), "tax_per_mu": 2.0, "area_mu": 7.5},
    {"parcel_id": "D", "box": _box(3), "screening_status": "不列入", "grade": "A"},  # renumbered
    {"parcel_id": "E", "box": _box(4)},  # gone
    {
        "parcel_id": "F",
        "box": _box(5),
        "tax_per_mu": 20.0,
        "grade": "A",
        "screening_status": "不列入",
    },
]
NEW = [
    {
        "parcel_id": "A",
        "box": _box(0),
        "tax_per_mu": 6.2,
        "grade": "B",
        "screening_status": "不列入",
    },
    {"parcel_id": "B1", "box": _box(1, w=60), "area_mu": 9.0},
    {"parcel_id": "B2", "box": _box(1, w=40, dx=60), "area_mu": 6.0},
    {"parcel_id": "C", "box": _box(2), "tax_per_mu": 5.5, "screening_status": "不列入"},
    {"parcel_id": "D-2027", "box": _box(3, w=98), "screening_status": "不列入", "grade": "A"},
    {"parcel_id": "F", "box": _box(5), "tax_per_mu": 4.0, "grade": "C"},  # newly listed
    {"parcel_id": "G", "box": _box(9)},  # new plot
]
ENTS_OLD = [
    {"uscc": "913306020000000001", "grade": "C", "name": "甲"},
    {"uscc": "913306020000000002", "grade": "B", "name": "乙"},
]
ENTS_NEW = [
    {"uscc": "913306020000000001", "grade": "B", "name": "甲"},
    {"uscc": "913306020000000003", "grade": "A", "name": "丙"},
]
TOWNS_OLD = [
    {"township": "斗门街道", "tax_per_mu_above_scale": 18.0, "tax_per_mu_target": 41.6},
    {"township": "全区", "tax_per_mu_above_scale": 20.0, "tax_per_mu_target": 41.6,
     "governance_area_mu": 60.0, "renewal_target_mu": 12000.0},
]  # fmt: skip
TOWNS_NEW = [
    {"township": "斗门街道", "tax_per_mu_above_scale": 21.0, "tax_per_mu_target": 41.6},
    {"township": "全区", "tax_per_mu_above_scale": 23.5, "tax_per_mu_target": 41.6,
     "governance_area_mu": 45.0, "renewal_target_mu": 12000.0},
]  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("runs")
    old = fake_run(root / "old", OLD, as_of="2026-06-30", enterprises=ENTS_OLD, townships=TOWNS_OLD)
    new = fake_run(root / "new", NEW, as_of="2027-06-30", enterprises=ENTS_NEW, townships=TOWNS_NEW)
    return old, new


@pytest.fixture(scope="module")
def cmp(runs):
    return compare_runs(read_screening(runs[0]), read_screening(runs[1]))


def test_every_plot_of_both_runs_is_in_exactly_one_row(cmp):
    old_ids = [i for ids in cmp.plots["old_ids"].dropna() for i in ids.split("；")]
    new_ids = [i for ids in cmp.plots["new_ids"].dropna() for i in ids.split("；")]
    assert sorted(old_ids) == sorted(p["parcel_id"] for p in OLD)
    assert sorted(new_ids) == sorted(p["parcel_id"] for p in NEW)
    c = cmp.counts
    assert c["plots_old_in_rows"] == c["plots_old"] == len(OLD)
    assert c["plots_new_in_rows"] == c["plots_new"] == len(NEW)
    assert c["plot_rows"] == {
        "两期均有": 2, "分割": 1, "合并": 1, "重新编号": 1, "仅旧期": 1, "仅新期": 1
    }  # fmt: skip


def test_split_merge_renumber_and_changes(cmp):
    a = comparison_row(cmp, "A")
    assert a["match"] == Match.BOTH and a["grade_change"] == "上升"
    assert a["tax_per_mu_change"] == pytest.approx(3.2)
    assert a["listing_change"] == "移出治理清单"
    b = comparison_row(cmp, "B1")
    assert b["match"] == Match.SPLIT and b["old_ids"] == "B" and b["new_ids"] == "B1；B2"
    assert b["listing_change"] == "仍在治理清单"
    c = comparison_row(cmp, "C")
    assert c["match"] == Match.MERGED and c["old_ids"] == "C1；C2"
    assert c["tax_per_mu_old"] == pytest.approx(3.0)  # area-weighted (4×7.5 + 2×7.5) / 15
    assert comparison_row(cmp, "D")["match"] == Match.RENUMBERED
    assert comparison_row(cmp, "E")["match"] == Match.ONLY_OLD
    assert comparison_row(cmp, "E")["listing_change"] == "旧期在治理清单，新期无此地块"
    assert comparison_row(cmp, "G")["match"] == Match.ONLY_NEW
    f = comparison_row(cmp, "F")
    assert f["grade_change"] == "下降" and f["listing_change"] == "新列入治理清单"
    assert cmp.plots.geometry.notna().all()


def test_enterprises_and_townships(cmp):
    ents = cmp.enterprises.set_index("uscc")
    assert ents.loc["913306020000000001", "grade_change"] == "上升"
    assert ents.loc["913306020000000002", "match"] == "仅旧期"
    assert ents.loc["913306020000000003", "match"] == "仅新期"
    assert len(ents) == 3  # 2 old + 2 new − 1 in both
    towns = cmp.townships.set_index("township")
    assert towns.loc["全区", "tax_per_mu_above_scale_new"] == 23.5
    assert towns.loc["斗门街道", "tax_per_mu_above_scale_old"] == 18.0
    assert towns.loc["全区", "tax_per_mu_target"] == 41.6
    # done: A and C1+C2 (15 亩 each) left the list; E (15 亩) is gone while listed: 待核实,
    # not done (达标销号: nothing shows it 达标)
    assert towns.loc["全区", "governance_done_mu"] == pytest.approx(30.0)
    assert towns.loc["全区", "governance_to_verify_mu"] == pytest.approx(15.0)
    assert towns.loc["全区", "renewal_done_share"] == pytest.approx(30 / 12000)
    assert not cmp.warnings


def test_match_plots_handles_empty_runs():
    empty = gpd.GeoDataFrame({"parcel_id": []}, geometry=[], crs="EPSG:4549")
    one = gpd.GeoDataFrame({"parcel_id": ["A"]}, geometry=gpd.GeoSeries.from_xy([0], [0]).buffer(5))
    one = one.set_crs("EPSG:4549")
    assert list(match_plots(empty, one)["match"]) == ["仅新期"]
    assert match_plots(empty, empty).empty


def test_different_profiles_warn_naming_the_rules(runs, tmp_path):
    other = fake_run(tmp_path / "shangyu", NEW, as_of="2027-06-30", profile="shangyu-2022")
    cmp = compare_runs(read_screening(runs[0]), read_screening(other))
    (warning,) = cmp.warnings
    assert "yuecheng-2022" in warning and "shangyu-2022" in warning
    assert "→" in warning and "targets." in warning


def test_runs_given_in_the_wrong_order_are_warned_in_words_for_the_workbook(runs):
    # the later run given first: the warning (written to the 汇总 sheet) names the order in
    # the command's words, not the CLI's argument names (it said 「OLD_RUN 在前」)
    cmp = compare_runs(read_screening(runs[1]), read_screening(runs[0]))
    (warning,) = cmp.warnings
    assert warning.startswith("新期基准日期 2026-06-30 不晚于旧期 2027-06-30")
    assert "先写上年（旧期）结果目录，再写本年（新期）结果目录" in warning
    assert "OLD_RUN" not in warning


def test_written_outputs_and_cli(runs, tmp_path):
    out = tmp_path / "动态评价"
    result = run_cli("compare", runs[0], runs[1], "--out", out)
    assert result.returncode == 0, result.stderr
    assert "分割 1" in result.stdout and "新列入治理清单 2" in result.stdout
    layer = gpd.read_file(out / "changes.gpkg", layer="changes")
    assert len(layer) == 7 and layer.crs.to_epsg() == 4549
    sheets = pd.read_excel(out / "动态评价.xlsx", sheet_name=None)
    assert list(sheets) == ["汇总", "镇街对比", "地块变化", "企业变化"]
    assert "等级变化" in sheets["地块变化"].columns
    assert json.loads((out / "compare.json").read_text("utf-8"))["counts"]["plots_old"] == 7
    # a second run replaces the first; a folder that is not ours is refused
    assert run_cli("compare", runs[0], runs[1], "--out", out).returncode == 0
    mine = tmp_path / "我的文件夹"
    mine.mkdir()
    (mine / "笔记.txt").write_text("x", encoding="utf-8")
    assert_clean_error(run_cli("compare", runs[0], runs[1], "--out", mine), contains="不会写入")
    assert_clean_error(run_cli("compare", runs[0], tmp_path, "--out", out), contains="manifest")


def test_write_comparison_refuses_foreign_folder(cmp, tmp_path):
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    with pytest.raises(OSError, match="不是 landgov compare 的结果"):
        write_comparison(cmp, tmp_path)


def test_other_profile_version_warns_it_cannot_list_rules(runs, tmp_path):
    older = fake_run(tmp_path / "v0", OLD, as_of="2026-06-30", version="2021.9")
    cmp = compare_runs(read_screening(older), read_screening(runs[1]))
    (warning,) = cmp.warnings
    assert "yuecheng-2022 v2021.9" in warning and "无法逐条列出" in warning


def test_enterprises_without_code_or_repeated_are_all_accounted_for(tmp_path):
    ents_old = [*ENTS_OLD, {"uscc": None, "grade": "C", "name": "无码甲"}]
    ents_new = [*ENTS_NEW, {"uscc": "913306020000000003", "grade": "B", "name": "丙（重复）"},
                {"uscc": None, "name": "无码乙"}, {"uscc": "", "name": "无码丙"}]  # fmt: skip
    old = fake_run(tmp_path / "o", OLD, as_of="2026-06-30", enterprises=ents_old)
    new = fake_run(tmp_path / "n", NEW, as_of="2027-06-30", enterprises=ents_new)
    cmp = compare_runs(read_screening(old), read_screening(new))
    rows = cmp.counts["enterprise_rows"]
    dup = cmp.counts["enterprise_duplicates"]
    assert rows["无信用代码（无法对应）·旧期"] == 1 and rows["无信用代码（无法对应）·新期"] == 2
    old_side = rows["两期均有"] + rows["仅旧期"] + rows["无信用代码（无法对应）·旧期"] + dup["old"]
    new_side = rows["两期均有"] + rows["仅新期"] + rows["无信用代码（无法对应）·新期"] + dup["new"]
    assert old_side == cmp.counts["enterprises_old"] == len(ents_old)
    assert new_side == cmp.counts["enterprises_new"] == len(ents_new)
    assert set(cmp.enterprises["name"]) >= {"无码甲", "无码乙", "无码丙"}
