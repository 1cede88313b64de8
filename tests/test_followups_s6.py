"""Small follow-ups (session 6): each case was a figure or a name a user reads that was wrong.

1. 动态评价: the 盘活目标完成比例 of a 镇街 or 全区 with plots of unknown area is a lower bound
   (the known area ÷ the target); missing data gives 待核实, never a silent pass: the cell says
   「≥」 and how many rows' area is 待核实.
2. ``landgov screen --verified``: one 核实表 returned twice (two copies in the folder) counted
   each answer twice in the manifest's ``verified.answers``; each answer is counted once and the
   copies' answers apart (``duplicate_answers``).
4. A 「填报单位（盖章）：越城区经信局 … 单位：元」 line above the header is the table's
   metadata, not a row of group captions: the columns keep their own names (「序号」, not
   「填报单位（盖章）：越城区经信局/序号」) and 「单位：元」 still gives the sheet's unit.
5. A polygon repaired on reading (a hole outside its shell made valid into two parts: its area
   6,300 → 6,500 m²) said only 「核对修复后的图形」: as for a Shapefile's stray hole, the action
   says the boundary must be fixed and the area and 亩均 figures checked until it is, naming
   the area before and after.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from landgov.evaluation import compare_runs, write_comparison
from landgov.run.results import read_screening
from tests._runs import fake_run

X, Y = 500_000, 3_300_000


def _box(i: int) -> tuple[float, float, float, float]:
    return (X + 300 * i, Y, X + 300 * i + 100, Y + 100)  # 10,000 m² = 15 亩


# --------------------------------------------------------------------------- 1. 完成比例
def _compare(tmp_path, old_c_area: float | None):
    """A (15 亩) and C (面积 ``old_c_area``) both leave the list 达标; target 300 亩 (全区)."""
    old = [
        {"parcel_id": "A", "box": _box(0)},
        {"parcel_id": "C", "box": _box(1), "area_mu": old_c_area},
    ]
    new = [
        {"parcel_id": p, "box": _box(i), "tax_per_mu": 8.0, "screening_status": "不列入"}
        for i, p in enumerate("AC")
    ]
    towns = [{"township": "全区", "renewal_target_mu": 300.0}]
    a = fake_run(tmp_path / "old", old, as_of="2026-06-30", townships=towns)
    b = fake_run(tmp_path / "new", new, as_of="2027-06-30", townships=towns)
    return compare_runs(read_screening(a), read_screening(b))


def test_completion_ratio_with_an_unknown_area_says_it_is_a_lower_bound(tmp_path):
    # done: A 15 亩 known, C 面积待核实 → 15 ÷ 300 = 5.0 %, at least (C may be any size)
    cmp = _compare(tmp_path, None)
    town = cmp.townships.set_index("township").loc["全区"]
    assert town["governance_done_mu"] == pytest.approx(15.0)
    assert town["governance_done_area_unknown"] == 1
    share = town["renewal_done_share"]
    assert isinstance(share, str), share  # was 0.05, shown 5.0% as if it were the figure
    assert share.startswith("≥5.0%"), share
    assert "待核实" in share and "1 行" in share, share
    out = write_comparison(cmp, tmp_path / "动态评价")
    sheet = pd.read_excel(out / "动态评价.xlsx", sheet_name="镇街对比", dtype=object)
    cell = sheet.set_index("镇街").loc["全区", "盘活目标完成比例"]
    assert cell == share


def test_completion_ratio_with_every_area_known_stays_a_number(tmp_path):
    # done: A 15 + C 15 = 30 亩 ÷ 300 = 0.1
    cmp = _compare(tmp_path, 15.0)
    town = cmp.townships.set_index("township").loc["全区"]
    assert town["governance_done_area_unknown"] == 0
    assert town["renewal_done_share"] == pytest.approx(0.1)


def test_completion_ratio_lower_bound_is_rounded_down(tmp_path):
    from landgov.evaluation._compare import _done_share

    # 0.0599 would show 「6.0%」 rounded half up: a bound of 6.0 % the known area does not reach
    assert _done_share(0.0599, 2).startswith("≥5.9%")
    assert _done_share(0.057, 1).startswith("≥5.7%")  # 0.057 × 1000 = 56.99999… in floats
    assert _done_share(0.057, 0) == pytest.approx(0.057)
    assert _done_share(None, 3) is None  # no target: nothing to complete


# --------------------------------------------------------------------------- 2. answers once
@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory):
    """A generated county screened once (the run the 核实表 are written for)."""
    from landgov.run.files import RunInputs
    from landgov.run.screening import run_screening
    from landgov.sample import generate

    root = tmp_path_factory.mktemp("s6_verify")
    generate(root / "县", n_parcels=150, seed=11)
    src = root / "县"
    inputs = RunInputs(
        parcels=src / "parcels.shp", enterprises=src / "enterprises.xlsx", links=src / "links.xlsx"
    )
    out = root / "run"
    run_screening(inputs, profile="yuecheng-2022", as_of="2026-06-30", out_dir=out, progress=False)
    return out


def test_verify_workbook_returned_twice_counts_each_answer_once(first, tmp_path):
    """One 镇街's 核实表 with two answers (3,000 and 「不详」) returned twice: 2 answers read,
    not 4 (the manifest said 4 for 2 answers); the copy's 2 are said apart."""
    from landgov.run.verify import read_verified, verified_entry, write_verify
    from tests.test_verify import _energy_rows, _fill, _rows

    folder = tmp_path / "v"
    files = write_verify(first, folder)
    book = max(files, key=lambda p: len(_energy_rows(_rows(p))))
    a, b = _energy_rows(_rows(book))[:2]
    day = dt.date(2026, 7, 10)
    _fill(
        book,
        {
            a: {"答复": 3000, "核实人": "张三", "核实日期": day},
            b: {"答复": "不详", "核实人": "张三", "核实日期": day},
        },
    )
    copy = book.with_name(f"{book.stem} (1).xlsx")
    shutil.copy(book, copy)
    plots = [p for f in files for p in _rows(f)["宗地代码"]]
    usccs = [u for f in files for u in _rows(f)["统一社会信用代码"]]
    got = read_verified(folder, parcel_ids=plots, usccs=usccs)
    assert len(got.values) == 1  # 3,000 used once
    assert (got.n_answers, got.n_duplicates) == (2, 2)
    entry = verified_entry(folder, got)
    assert entry["answers"] == 2 and entry["duplicate_answers"] == 2
    assert entry["values_used"] == 1


# --------------------------------------------------------------------------- 4. 填报单位 line
def _book(path, meta: list[tuple[str, str]]):
    from openpyxl import Workbook

    from landgov.ids import uscc_check_char

    code = "91330602MA2B" + "00001"
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "越城区2025年度工业企业亩均效益评价表"
    ws.merge_cells("A1:D1")
    for cell, text in meta:
        ws[cell] = text
    ws.append(["序号", "统一社会信用代码", "企业名称", "税收"])
    ws.append([1, code + uscc_check_char(code), "甲公司", 3_000_000])
    wb.save(path)
    return path


@pytest.mark.parametrize(
    "meta",
    [
        [("A2", "填报单位（盖章）：越城区经信局"), ("D2", "单位：元")],
        [("A2", "填报单位：越城区经信局"), ("C2", "填报日期：2026年7月1日"), ("D2", "单位：元")],
        [("A2", "制表：张三"), ("B2", "填报人：李四"), ("D2", "金额单位：元")],
    ],
)
def test_a_filing_unit_line_above_the_header_is_metadata_not_a_group_caption(tmp_path, meta):
    from landgov.io.fields import ENTERPRISE_FIELDS
    from landgov.io.tables import read_table

    got = read_table(_book(tmp_path / "企业.xlsx", meta), specs=ENTERPRISE_FIELDS)
    assert got.meta["header_rows"] == [3]  # the title and the 填报单位 line are above it
    assert "序号" in got.meta["unmatched_columns"], got.meta["unmatched_columns"]
    assert "序号" in got.data.columns
    assert got.data["tax_wan"].tolist() == [300.0]  # 3,000,000 元 (单位：元) = 300 万元
    shown = " ".join(got.problems["problem"].astype(str))
    assert "/" not in " ".join(map(str, got.data.columns)), got.data.columns
    assert "填报" not in shown + " ".join(map(str, got.data.columns)), shown


def test_a_real_group_caption_row_is_still_joined(tmp_path):
    """Captions over field names (「基本信息」 over 序号…, 「经济指标（单位：元）」 over 税收)
    are a header row: joined as before, the unit still the column's."""
    from landgov.io.fields import ENTERPRISE_FIELDS
    from landgov.io.tables import read_table

    got = read_table(
        _book(tmp_path / "企业.xlsx", [("A2", "基本信息"), ("D2", "经济指标（单位：元）")]),
        specs=ENTERPRISE_FIELDS,
    )
    assert got.meta["header_rows"] == [2, 3]
    assert got.data["tax_wan"].tolist() == [300.0]


# --------------------------------------------------------------------------- 5. repair warning
def _repaired(geom):
    import geopandas as gpd
    import numpy as np

    from landgov.core.problems import ProblemLog
    from landgov.io._geometry import repair_polygons

    log = ProblemLog("parcels.gpkg")
    series = gpd.GeoSeries([geom], crs="EPSG:4549")
    fixed, _unusable, _wrong, _unknown = repair_polygons(
        series, rows=np.array([2]), log=log, id_values=np.array(["P1"], dtype=object)
    )
    return fixed.iloc[0], log.frame()


def test_a_repaired_polygon_whose_area_changed_says_to_check_area_and_per_mu_figures():
    from shapely.geometry import Polygon

    # shell 70 × 90 = 6,300 m²; the hole 10 × 20 = 200 m² lies outside it. As read, the hole is
    # taken off: 6,300 − 200 = 6,100 m²; made valid, it is a second part: 6,300 + 200 = 6,500
    shell = [(0, 0), (70, 0), (70, 90), (0, 90)]
    hole = [(100, 0), (110, 0), (110, 20), (100, 20)]
    fixed, problems = _repaired(Polygon(shell, [hole]))
    assert fixed.area == pytest.approx(6_500.0)
    (row,) = problems.to_dict("records")
    assert "6,100.0→6,500.0 平方米" in row["problem"], row
    action = row["action"]
    assert action != "核对修复后的图形"
    assert "修正前该宗地的面积及亩均指标须核实" in action, action  # as the stray-hole warning
    assert "6,100.0" in action and "6,500.0" in action, action


def test_a_repaired_polygon_of_the_same_area_names_no_areas():
    from shapely.geometry import Polygon

    # a ring with a repeated spike back along an edge: valid once cleaned, area unchanged 100 m²
    bow = Polygon([(0, 0), (10, 0), (10, 10), (10, 20), (10, 10), (0, 10)])
    fixed, problems = _repaired(bow)
    assert fixed.area == pytest.approx(100.0)
    (row,) = problems.to_dict("records")
    assert "修复前" not in row["action"], row


def test_a_repaired_polygon_in_degrees_names_its_areas_in_square_metres():
    # The same shape in CGCS2000 degrees (EPSG:4490) near 绍兴 (120.5°E, 30°N): 0.001° is about
    # 96.4 m east–west (cos 30° × 111.3 km) and 110.9 m north–south, so the hole-less shell of
    # 0.0007° × 0.0009° is about 67.5 × 99.8 m ≈ 6,700 m². Before, the message gave the area in
    # square degrees as 「0.0→0.0 m²」; now it is the geodesic area on the ellipsoid, in m².
    import geopandas as gpd
    import numpy as np
    from pyproj import Geod
    from shapely.geometry import Polygon

    from landgov.core.problems import ProblemLog
    from landgov.io._geometry import repair_polygons

    x, y = 120.5, 30.0
    shell = [(x, y), (x + 0.0007, y), (x + 0.0007, y + 0.0009), (x, y + 0.0009)]
    hole = [(x + 0.001, y), (x + 0.0011, y), (x + 0.0011, y + 0.0002), (x + 0.001, y + 0.0002)]
    log = ProblemLog("parcels.gpkg")
    fixed, _u, _w, _a = repair_polygons(
        gpd.GeoSeries([Polygon(shell, [hole])], crs="EPSG:4490"),
        rows=np.array([2]), log=log, id_values=np.array(["P1"], dtype=object),
    )  # fmt: skip
    (row,) = log.frame().to_dict("records")
    after = abs(Geod(ellps="GRS80").geometry_area_perimeter(fixed.iloc[0])[0])
    assert 6_500 < after < 7_000
    assert f"→{after:,.1f} 平方米" in row["problem"], row
    assert "0.0→0.0" not in row["problem"], row
