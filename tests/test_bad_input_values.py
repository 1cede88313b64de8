"""Implausible values are flagged, set to missing and never used silently (core.plausible)."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from landgov.core.plausible import check_as_of, check_reads, check_values
from landgov.core.problems import PROBLEM_COLUMNS
from landgov.io import read_compliance, read_enterprises
from landgov.policy import load_profile
from tests._cli import run_cli

PROFILE = load_profile("zhejiang-2023")
AS_OF = dt.date(2026, 6, 30)
SRC = "样例.xlsx"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _check(frame: pd.DataFrame):
    return check_values(frame, PROFILE, source=SRC, as_of=AS_OF)


def _only_row(problems: pd.DataFrame, *, row: int, field: str, value: str) -> pd.Series:
    """The single problem row for (file, row, field, value)."""
    assert list(problems.columns) == PROBLEM_COLUMNS
    hit = problems[
        (problems["source"] == SRC)
        & (problems["row"] == row)
        & (problems["field"] == field)
        & (problems["value"] == value)
    ]
    assert len(hit) == 1, problems.to_string()
    return hit.iloc[0]


def _enterprises(**values: float) -> pd.DataFrame:
    """Two enterprise rows; the first carries ``values``, the second is plausible."""
    base = {"uscc": ["A", "B"], "tax_wan": [120.0, 80.0], "energy_tce": [500.0, 300.0]}
    frame = pd.DataFrame(base)
    for name, value in values.items():
        frame.loc[0, name] = value
    frame["source_row"] = [4, 5]
    return frame


# -- money and energy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "label", "value", "text", "why"),
    [
        ("tax_wan", "税收", -5.0, "-5", "小于合理下限 0 万元"),
        ("tax_wan", "税收", 1e30, "1e+30", "大于合理上限 100000000 万元"),
        ("tax_wan", "税收", 1e308, "1e+308", "大于合理上限 100000000 万元"),
        ("tax_wan", "税收", math.inf, "inf", "不是有限数值"),
        ("energy_tce", "综合能耗", -3.0, "-3", "小于合理下限 0 吨标准煤"),
        ("energy_tce", "综合能耗", 2e9, "2000000000", "大于合理上限 100000000 吨标准煤"),
    ],
)
def test_implausible_number_becomes_missing(field, label, value, text, why):
    frame = _enterprises(**{field: value})
    checked = _check(frame)
    row = _only_row(checked.problems, row=4, field=label, value=text)
    assert why in row["problem"] and "已按缺失处理" in row["problem"]
    assert row["severity"] == "错误"
    assert pd.isna(checked.data.loc[0, field])
    assert checked.data.loc[1, field] == frame.loc[1, field]  # the plausible row is untouched
    assert len(checked.data) == len(frame) and checked.data.index.equals(frame.index)
    assert len(checked.problems) == 1
    assert frame.loc[0, field] == value or math.isinf(value)  # input not mutated


def test_problem_rows_name_the_source_header():
    frame = _enterprises(tax_wan=1e30)
    checked = check_values(
        frame, PROFILE, source=SRC, as_of=AS_OF, field_names={"tax_wan": "实缴税金（元）"}
    )
    assert checked.problems.loc[0, "field"] == "实缴税金（元）"


def _write_enterprises(path: Path, taxes: list[object]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "税收（万元）"])
    codes = ["9133060202345329L0", "9133060284658785NC", "91330602010763223Y"]
    for i, tax in enumerate(taxes):
        ws.append([codes[i], f"企业{i}", tax])
    wb.save(path)


def test_1e400_text_is_missing_with_a_problem_row(tmp_path):
    path = tmp_path / SRC
    _write_enterprises(path, ["1e400", 12.5])
    res = read_enterprises(path)
    checked = _check(res.data)
    assert res.rows_in == len(checked.data) + len(res.rejected) == 2
    assert pd.isna(checked.data["tax_wan"].iloc[0])
    assert checked.data["tax_wan"].iloc[1] == 12.5
    assert np.isfinite(checked.data["tax_wan"].dropna()).all()
    row = _only_row(res.problems, row=int(res.data["source_row"].iloc[0]), field="税收（万元）",
                    value="1e400")  # fmt: skip
    assert "不是有限数值" in row["problem"] and row["severity"] == "错误"


# -- areas ------------------------------------------------------------------------------------


def _parcels(geoms: list, **columns) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"parcel_id": [f"P{i}" for i in range(len(geoms))], **columns},
        geometry=geoms,
        crs="EPSG:4549",
    )
    if "area_m2" not in frame:
        frame["area_m2"] = frame.geometry.area
    frame["source_row"] = np.arange(1, len(frame) + 1)
    return frame


_X, _Y = 500_000.0, 3_325_000.0  # about 120.0°E, 30.05°N in EPSG:4549


def test_zero_area_polygon():
    flat = Polygon([(_X, _Y), (_X + 10, _Y), (_X + 20, _Y)])  # collinear: area 0
    frame = _parcels([flat, box(_X, _Y + 100, _X + 100, _Y + 150)])
    checked = _check(frame)
    row = _only_row(checked.problems, row=1, field="图形面积", value="0")
    assert "小于合理下限 1 平方米" in row["problem"]
    assert pd.isna(checked.data["area_m2"].iloc[0])
    assert checked.data["area_m2"].iloc[1] == 5000.0
    assert len(checked.data) == 2


def test_sliver_polygon_area_not_used():
    sliver = box(_X, _Y, _X + 1000, _Y + 1)  # 4πA/P² ≈ 0.0031
    narrow = box(_X, _Y + 100, _X + 500, _Y + 110)  # ≈ 0.06: a real narrow plot, kept
    frame = _parcels([sliver, narrow])
    checked = _check(frame)
    row = _only_row(checked.problems, row=1, field="图形面积", value="1000")
    assert "碎片多边形" in row["problem"] and "0.0031" in row["problem"]
    assert pd.isna(checked.data["area_m2"].iloc[0])
    assert checked.data["area_m2"].iloc[1] == pytest.approx(5000.0)
    assert len(checked.problems) == 1


def test_declared_area_zero():
    geoms = [box(_X, _Y, _X + 100, _Y + 50), box(_X, _Y + 100, _X + 100, _Y + 150)]
    frame = _parcels(geoms, area_declared_m2=[0.0, 5000.0])
    checked = _check(frame)
    row = _only_row(checked.problems, row=1, field="宗地面积", value="0")
    assert "小于合理下限 1 平方米" in row["problem"]
    assert pd.isna(checked.data["area_declared_m2"].iloc[0])
    assert checked.data["area_declared_m2"].iloc[1] == 5000.0
    assert checked.data["area_m2"].iloc[0] == 5000.0  # the geometry area is still fine


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def test_parcel_300_km_outside_zhejiang_is_warned_with_the_distance():
    pts = gpd.GeoSeries.from_xy([114.95, 120.6], [29.0, 30.05], crs=4326).to_crs(4549)
    frame = _parcels([p.buffer(40, cap_style="square") for p in pts])
    checked = _check(frame)
    assert len(checked.problems) == 1
    row = checked.problems.iloc[0]
    assert (row["source"], row["row"], row["field"]) == (SRC, 1, "图形")
    assert row["severity"] == "警告" and "浙江省范围外" in row["problem"]
    lon, lat = (float(v) for v in row["value"].split(","))
    assert lon == pytest.approx(114.95, abs=1e-3) and lat == pytest.approx(29.0, abs=1e-3)
    km = float(re.search(r"约 (\d+) 公里", row["problem"]).group(1))
    west = 118 + 1 / 60  # 东经118°01′, the west edge of the province
    assert km == pytest.approx(_haversine_km(114.95, 29.0, west, 29.0), abs=2)
    assert 290 < km < 310
    pd.testing.assert_frame_equal(checked.data, frame)  # a warning changes nothing


def test_a_stray_part_far_away_is_warned_though_the_parcel_is_at_home():
    """A MultiPolygon whose second part is a sliver at (0, 0) — a CAD artefact: the
    representative point is in Shaoxing, the envelope reaches the equator. Warned once, with
    the corner; the neighbour (one part) and the frame are untouched."""
    from shapely.geometry import MultiPolygon

    home = gpd.GeoSeries.from_xy([120.6], [30.05], crs=4326).to_crs(4549).iloc[0]
    plot = home.buffer(40, cap_style="square")
    stray = MultiPolygon([plot, box(0, 0, 1, 1)])
    frame = _parcels([stray, plot.buffer(-5)])
    checked = _check(frame)
    assert len(checked.problems) == 1
    row = checked.problems.iloc[0]
    assert (row["row"], row["field"], row["severity"]) == (1, "图形", "警告")
    assert "图形的一部分远离其余部分，位于浙江省范围外约" in row["problem"]
    lat = float(row["value"].split(",")[1])
    assert lat == pytest.approx(0.0, abs=1e-3)
    pd.testing.assert_frame_equal(checked.data, frame)


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (dt.date(1899, 12, 30), "早于 1949-10-01"),  # Excel day 0
        (dt.date(1948, 6, 1), "早于 1949-10-01"),
        (dt.date(9999, 12, 31), "晚于基准日 2026-06-30"),
        (dt.date(2026, 7, 1), "晚于基准日 2026-06-30"),
    ],
)
def test_implausible_date_becomes_missing(day, why):
    frame = pd.DataFrame(
        {"parcel_id": ["P0", "P1"], "supply_date": [day, dt.date(2015, 3, 5)], "source_row": [2, 3]}
    )
    checked = _check(frame)
    row = _only_row(checked.problems, row=2, field="供地日期", value=day.isoformat())
    assert why in row["problem"] and "已按缺失处理" in row["problem"]
    assert checked.data.loc[0, "supply_date"] is None
    assert checked.data.loc[1, "supply_date"] == dt.date(2015, 3, 5)
    assert len(checked.data) == 2 and len(checked.problems) == 1


def test_contracted_start_may_be_after_as_of_but_not_in_year_9999():
    days = [dt.date(2027, 3, 1), dt.date(9999, 12, 31)]
    frame = pd.DataFrame({"contract_start_date": days, "source_row": [2, 3]})
    checked = _check(frame)
    row = _only_row(checked.problems, row=3, field="约定开工日期", value="9999-12-31")
    assert "之后 10 年（2036-06-30）" in row["problem"]
    assert checked.data["contract_start_date"].tolist() == [dt.date(2027, 3, 1), None]


def test_excel_day_0_and_day_1900_01_00_in_a_workbook(tmp_path):
    path = tmp_path / SRC
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "问题类别", "记录日期"])
    ws.append(["9133060202345329L0", "环保", dt.datetime(1899, 12, 30)])  # serial 0
    ws.append(["9133060284658785NC", "安全", "1900-01-00"])  # how Excel shows day 0
    ws.append(["91330602010763223Y", "消防", "1899-12-30"])  # day 0 exported as text
    ws.append(["91330602MA24X9CPUT", "质量", dt.datetime(2025, 5, 6)])
    ws["C2"].number_format = "yyyy-mm-dd"
    wb.save(path)
    res = read_compliance(path)
    checked = _check(res.data)
    assert res.rows_in == len(checked.data) + len(res.rejected) == 4
    assert res.rejected.empty
    serial0 = _only_row(res.problems, row=2, field="记录日期", value="00:00:00")
    assert "Excel 日期序号 0" in serial0["problem"] and serial0["severity"] == "错误"
    typed = _only_row(res.problems, row=3, field="记录日期", value="1900-01-00")
    assert "不存在" in typed["problem"]
    text0 = _only_row(checked.problems, row=4, field="记录日期", value="1899-12-30")
    assert "早于 1949-10-01" in text0["problem"]
    assert checked.data["record_date"].tolist() == [None, None, None, dt.date(2025, 5, 6)]


def test_as_of_two_years_ahead_is_a_warning():
    today = dt.date(2026, 11, 30)
    ahead = today + dt.timedelta(days=730)
    problems = check_as_of(ahead, {}, profile=PROFILE, today=today)
    assert len(problems) == 1
    row = problems.iloc[0]
    assert row["severity"] == "警告" and row["value"] == ahead.isoformat()
    assert "晚 730 天" in row["problem"] and "超过 366 天" in row["problem"]
    assert check_as_of(today + dt.timedelta(days=366), {}, profile=PROFILE, today=today).empty


def test_as_of_before_the_latest_data_date_is_a_warning():
    today = dt.date(2026, 11, 30)
    frame = pd.DataFrame(
        {
            "supply_date": [dt.date(2024, 1, 2), dt.date(2026, 9, 1)],
            "contract_start_date": [dt.date(2026, 10, 1), dt.date(2030, 1, 1)],  # ignored
            "source_row": [2, 3],
        }
    )
    problems = check_as_of(AS_OF, {SRC: frame}, profile=PROFILE, today=today)
    assert len(problems) == 1
    text = problems.iloc[0]["problem"]
    assert "早于数据中最晚的日期 2026-09-01" in text and f"{SRC} 第 3 行「供地日期」" in text
    assert check_as_of(dt.date(2026, 9, 1), {SRC: frame}, profile=PROFILE, today=today).empty


def test_check_reads_keeps_every_row_and_returns_console_lines(tmp_path):
    path = tmp_path / SRC
    _write_enterprises(path, [1e30, 12.5, -1])
    res = read_enterprises(path)
    today = dt.date(2026, 11, 30)
    out = check_reads({"enterprises": res}, profile=PROFILE, as_of=dt.date(2030, 1, 1), today=today)
    checked = out.reads["enterprises"]
    assert checked.rows_in == len(checked.data) + len(checked.rejected) == 3
    assert checked.data["tax_wan"].isna().tolist() == [True, False, True]
    assert len(out.warnings) == 1 and out.warnings[0].startswith("警告：基准日 2030-01-01")
    new = checked.problems.iloc[len(res.problems) :]
    assert set(new["source"]) == {SRC, "基准日"}
    assert {"1e+30", "-1"} <= set(new["value"])


# -- property: plausible values pass unchanged ------------------------------------------------

_money = st.floats(min_value=0.0, max_value=1e8, allow_nan=False, allow_infinity=False)
_energy = st.floats(min_value=0.0, max_value=1e8, allow_nan=False, allow_infinity=False)
_area = st.floats(min_value=1.0, max_value=1e8, allow_nan=False, allow_infinity=False)
_day = st.dates(min_value=dt.date(1949, 10, 1), max_value=AS_OF)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_money, _money, _energy, _area, _day), min_size=1, max_size=8),
)
def test_plausible_values_pass_unchanged(rows):
    frame = pd.DataFrame(
        rows,
        columns=["tax_wan", "value_added_wan", "energy_tce", "area_declared_m2", "supply_date"],
    )
    frame["source_row"] = np.arange(2, len(frame) + 2)
    checked = _check(frame)
    assert checked.problems.empty
    pd.testing.assert_frame_equal(checked.data, frame)


# -- end to end: one 1e30 cell cannot blow up a district total ---------------------------------


def _district_expected(src: Path, out_enterprises: pd.DataFrame, poked: str) -> float:
    """规上亩均税收 of the district from the source taxes, without the poked enterprise's tax."""
    with closing(openpyxl.load_workbook(src, read_only=True)) as wb:
        rows = list(wb.active.iter_rows(min_row=4, values_only=True))
    tax = {r[0]: r[8] for r in rows if r[0]}
    ents = out_enterprises.set_index("uscc")
    above = ents[ents["above_scale"].astype(bool) & (ents["land_mu"] > 0)]
    # a 规上 firm enters both sums with its tax, value added and land, or neither (summary.py)
    known = [
        u
        for u in above.index
        if u != poked and tax.get(u) is not None and pd.notna(above.at[u, "value_added_wan"])
    ]
    return sum(tax[u] for u in known) / above.loc[known, "land_mu"].sum()


def test_screen_district_tax_per_mu_ignores_a_1e30_cell(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    wb = openpyxl.load_workbook(data / "enterprises.xlsx")
    ws = wb.active
    assert ws.cell(3, 9).value == "税收（万元）"
    poked = ws.cell(4, 1).value
    ws.cell(4, 9).value = 1e30
    wb.save(data / "enterprises.xlsx")
    ahead = (dt.date.today() + dt.timedelta(days=730)).isoformat()
    result = run_cli(
        "screen", "-p", data / "parcels.shp", "-e", data / "enterprises.xlsx",
        "-l", data / "links.xlsx", "--as-of", ahead, "-o", tmp_path / "out", "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"警告：基准日 {ahead}" in result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    current = manifest["stages"]["screen"]["summary"]["district"]["tax_per_mu_above_scale"][
        "current"
    ]
    ents = gpd.read_file(tmp_path / "out" / "landgov.gpkg", layer="enterprises")
    assert math.isfinite(current)
    assert pd.isna(ents.set_index("uscc").loc[poked, "tax_wan"])
    assert current == pytest.approx(_district_expected(SAMPLE / "enterprises.xlsx", ents, poked))
    problems = pd.read_excel(tmp_path / "out" / "landgov.xlsx", sheet_name="问题记录")
    hit = problems[(problems["源文件"] == "enterprises.xlsx") & (problems["所见值"] == "1e+30")]
    assert len(hit) == 1
    assert hit.iloc[0]["字段"] == "税收（万元）" and "大于合理上限" in hit.iloc[0]["问题"]
    assert int(hit.iloc[0]["行号"]) > 0
    assert (problems["源文件"] == "基准日").sum() == 1


def test_far_run_sets_a_1e30_investment_to_missing(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    wb = openpyxl.load_workbook(data / "applications.xlsx")
    ws = wb.active
    assert ws.cell(1, 6).value == "项目总投资（万元）"
    app_id = ws.cell(2, 1).value
    ws.cell(2, 6).value = 1e30
    wb.save(data / "applications.xlsx")
    out = tmp_path / "out"
    result = run_cli(
        "far", "-p", data / "parcels.shp", "-e", data / "enterprises.xlsx",
        "-l", data / "links.xlsx", "-a", data / "applications.xlsx",
        "--as-of", "2026-06-30", "--forms", "none", "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    problems = pd.read_excel(out / "landgov.xlsx", sheet_name="增容问题记录")
    assert list(problems.columns[:4]) == ["源文件", "行号", "字段", "所见值"]  # Chinese headers
    hit = problems[(problems["源文件"] == "applications.xlsx") & (problems["所见值"] == "1e+30")]
    assert len(hit) == 1
    assert (int(hit.iloc[0]["行号"]), hit.iloc[0]["字段"]) == (2, "项目总投资（万元）")
    apps = gpd.read_file(out / "landgov.gpkg", layer="far_applications")
    assert len(apps) == ws.max_row - 1  # every application is still there
    assert pd.isna(apps.set_index("application_id").loc[app_id, "investment_wan"])


def test_a_flagged_area_stays_missing_downstream() -> None:
    """A parcel area set to missing (sliver, zero area) is not brought back from the geometry."""
    from landgov.screening.blocks import find_blocks

    squares = [box(0, 0, 100, 100), box(100, 0, 200, 100)]  # touching, 1 ha each
    parcels = gpd.GeoDataFrame(
        {"parcel_id": ["A", "B"], "area_m2": [10_000.0, np.nan]}, geometry=squares, crs=4549
    )
    _, blocks = find_blocks(parcels, gap_m=5, min_area_mu=1)
    assert len(blocks) == 1
    # B's area unknown: so is the block's (was A's 15 亩 alone); large, A alone reaching 1 亩
    assert pd.isna(blocks["area_mu"].iloc[0]) and bool(blocks["large"].iloc[0]) is True
    no_column = parcels.drop(columns="area_m2")  # no area column at all: the geometry's area
    _, blocks = find_blocks(no_column, gap_m=5, min_area_mu=1)
    assert blocks["area_mu"].iloc[0] == pytest.approx(30.0)
