"""批而未供 (浙政发〔2023〕4号 第二条第（一）项第1目): reader, years since approval, per-镇街 sums,
outputs.

The clause: 「以国土空间规划为引领，聚焦批而未供、供而未用、用而未尽等问题，大力推进低效工业用地
连片整治和盘活利用」. landgov reads it as: land approved for construction and not yet supplied is
a problem to report (per batch, with the years since approval, summed per 镇街) and land to
盘活; it has no 宗地 and no enterprise, so it never goes on the 治理清单. Expected figures below
are worked by hand from the test's own coordinates (1 亩 = 10000/15 m²).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import CRS
from shapely.geometry import Point, box

from landgov.core.dates import full_years
from landgov.errors import SchemaError
from landgov.io import read_approved
from landgov.maps import build_map, load_run
from landgov.run.files import RunInputs
from landgov.run.screening import run_screening
from landgov.sample import generate
from landgov.screening.approved import NOT_GIVEN, add_to_summary, report_approved
from tests._cli import assert_clean_error, run_cli
from tests._mapfixtures import write_run
from tests._shapefiles import write_shapefile

E0, N0 = 555_900.0, 3_320_200.0  # EPSG:4549, near 绍兴
FIELDS = [
    ("批次名称", 40), ("批准文号", 30), ("批准日期", 12), ("面积", 12), ("已供面积", 12),
    ("镇街", 12),
]  # fmt: skip
AS_OF = dt.date(2026, 6, 30)


def _box(x: float, w: float, h: float) -> object:
    return box(E0 + x, N0, E0 + x + w, N0 + h)


def _shp(tmp_path: Path, geoms: list, records: list[list[str]], **kw: object) -> Path:
    return write_shapefile(tmp_path / "pwgy.shp", geoms, FIELDS, records, prj=CRS(4549), **kw)


# ----------------------------------------------------------------------------------------------
# reader


def test_reader_gbk_dbf_without_cpg_maps_chinese_fields(tmp_path: Path) -> None:
    shp = _shp(
        tmp_path,
        [_box(0, 100, 100)],
        [
            [
                "越城区2019年度第3批次",
                "浙政土字〔2019〕12号",
                "2019-07-01",
                "10000",
                "2500",
                "斗门街道",
            ]
        ],
    )
    assert not shp.with_suffix(".cpg").exists()
    res = read_approved(shp)
    assert res.meta["encoding"]["name"] in {"GBK", "GB18030"}
    row = res.data.iloc[0]
    assert row["batch_name"] == "越城区2019年度第3批次"
    assert row["approval_no"] == "浙政土字〔2019〕12号"
    assert row["approval_date"] == dt.date(2019, 7, 1)
    assert row["approved_area_m2"] == 10000.0 and row["supplied_area_m2"] == 2500.0
    assert row["township"] == "斗门街道"
    assert row["area_m2"] == pytest.approx(10000.0)
    assert res.problems.empty


def test_reader_converts_area_units_in_the_header(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame(
        {"批次名称": ["甲"], "批复日期": ["2020年5月1日"], "批准面积（公顷）": [1.5]},
        geometry=[_box(0, 100, 150)],
        crs=4549,
    )
    path = tmp_path / "pwgy.gpkg"
    gdf.to_file(path, driver="GPKG")
    res = read_approved(path)
    assert res.data["approved_area_m2"].iloc[0] == pytest.approx(15000.0)  # 1.5 ha
    assert res.data["approval_date"].iloc[0] == dt.date(2020, 5, 1)


def test_reader_refuses_a_layer_without_approval_date(tmp_path: Path) -> None:
    fields = [("批次名称", 40), ("面积", 12)]
    shp = write_shapefile(tmp_path / "x.shp", [_box(0, 50, 50)], fields, [["甲", "100"]])
    with pytest.raises(SchemaError, match="批准日期"):
        read_approved(shp)


def test_reader_keeps_every_row_and_says_what_is_wrong(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame(
        {
            "批次名称": ["甲", "乙", "丙", "丁", None],
            "批准日期": [None, "2021-02-30", "2020-01-01", "2020-01-01", "2020-01-01"],
        },
        geometry=[_box(0, 50, 50), _box(100, 50, 50), None, Point(E0, N0), _box(300, 50, 50)],
        crs=4549,
    )
    path = tmp_path / "pwgy.gpkg"
    pyogrio.write_dataframe(gdf, path, geometry_type="Unknown")
    res = read_approved(path)
    assert len(res.data) + len(res.rejected) == 5
    assert res.rejected["source_row"].tolist() == [4]  # a point: rejected with its reason
    by_row = res.problems.groupby("row")["problem"].apply(list).to_dict()
    assert any("批准日期缺失" in p for p in by_row[1])  # blank date: 错误 row, row kept
    assert len(by_row[2]) == 1 and "2021-02-30" in by_row[2][0]  # one row, not two
    assert any("几何为空" in p for p in by_row[3])  # no polygon: kept, 错误 row
    assert any("不是面" in p for p in by_row[4])
    assert any("均为空" in p for p in by_row[5])  # neither name nor number: 警告


# ----------------------------------------------------------------------------------------------
# years since approval (full years at the reference date)


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (dt.date(2021, 6, 30), dt.date(2026, 6, 30), 5),  # the anniversary itself counts
        (dt.date(2021, 7, 1), dt.date(2026, 6, 30), 4),  # one day short of the fifth
        (dt.date(2026, 6, 30), dt.date(2026, 6, 30), 0),
        # leap-day start: no 29 February in 2021, so the year is complete on the month's last
        # day, 28 February (《民法典》第二百零二条 「没有对应日的，月末日为期间的最后一日」)
        (dt.date(2020, 2, 29), dt.date(2021, 2, 27), 0),
        (dt.date(2020, 2, 29), dt.date(2021, 2, 28), 1),
        (dt.date(2020, 2, 29), dt.date(2021, 3, 1), 1),
        (dt.date(2026, 7, 1), dt.date(2026, 6, 30), -1),
    ],
)
def test_full_years_hand_worked(start: dt.date, end: dt.date, years: int) -> None:
    assert full_years(start, end) == years


def _frame(rows: list[dict], geoms: list) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=4549)
    frame["area_m2"] = frame.geometry.area.where(frame.geometry.notna())
    frame["source_row"] = np.arange(1, len(frame) + 1)
    return frame


def test_years_since_approval_and_status() -> None:
    frame = _frame(
        [
            {"approval_date": dt.date(2019, 7, 1), "township": "斗门街道"},  # 6 full years
            {"approval_date": dt.date(2019, 6, 30), "township": "斗门街道"},  # 7: on the day
            {"approval_date": dt.date(2026, 7, 1), "township": "斗门街道"},  # after as-of
            {"approval_date": None, "township": "斗门街道"},
        ],
        [_box(0, 10, 10), _box(20, 10, 10), _box(40, 10, 10), _box(60, 10, 10)],
    )
    rep = report_approved(frame, as_of=AS_OF)
    assert rep.rows["years_since_approval"].tolist()[:2] == [6, 7]
    assert rep.rows["years_since_approval"].isna().tolist() == [False, False, True, True]
    assert rep.rows["approved_status"].tolist() == ["批而未供", "批而未供", "待核实", "待核实"]
    assert "晚于基准日" in rep.rows["approved_note"].iloc[2]
    assert rep.problems["row"].tolist() == [3]
    assert rep.rows.index.equals(frame.index)


def test_area_from_geometry_ledger_fallback_and_conflicts() -> None:
    frame = _frame(
        [
            # 100 m × 100 m = 10000 m² = 15 亩; ledger 20000 − 10000 = 10000 agrees
            {"approval_date": dt.date(2020, 1, 1), "approved_area_m2": 20000.0,
             "supplied_area_m2": 10000.0},
            # no polygon: ledger 未供面积 2000 m² = 3 亩
            {"approval_date": dt.date(2020, 1, 1), "unsupplied_area_m2": 2000.0},
            # no polygon, ledger 批准 5000 − 已供 3000 = 2000 m² = 3 亩
            {"approval_date": dt.date(2020, 1, 1), "approved_area_m2": 5000.0,
             "supplied_area_m2": 3000.0},
            # polygon 10000 m², ledger says 5000 unsupplied: warning, polygon counts
            {"approval_date": dt.date(2020, 1, 1), "unsupplied_area_m2": 5000.0},
            # ledger says fully supplied: 待核实
            {"approval_date": dt.date(2020, 1, 1), "approved_area_m2": 5000.0,
             "supplied_area_m2": 5000.0},
            # nothing at all: 待核实, area missing
            {"approval_date": dt.date(2020, 1, 1)},
        ],
        [_box(0, 100, 100), None, None, _box(200, 100, 100), _box(400, 50, 100), None],
    )  # fmt: skip
    rep = report_approved(frame, as_of=AS_OF)
    mu = rep.rows["unsupplied_mu"].tolist()
    assert mu[:5] == pytest.approx([15.0, 3.0, 3.0, 15.0, 7.5])
    assert np.isnan(mu[5])
    assert rep.rows["area_source"].tolist() == [
        "图形", "台账未供面积", "批准面积−已供面积", "图形", "图形", "缺失",
    ]  # fmt: skip
    assert rep.rows["approved_status"].tolist() == ["批而未供"] * 4 + ["待核实"] * 2
    warned = rep.problems.set_index("row")
    assert warned.loc[4, "severity"] == "警告" and "相差超过 5%" in warned.loc[4, "problem"]
    assert "已全部供应" in warned.loc[5, "problem"]


def test_per_township_sums_hand_worked() -> None:
    towns = gpd.GeoDataFrame(
        {"township": ["斗门街道", "马山街道"]},
        geometry=[_box(0, 500, 500), _box(500, 500, 500)],
        crs=4549,
    )
    frame = _frame(
        [
            {"approval_date": dt.date(2018, 1, 1), "township": "斗门街道"},  # 10 亩
            {"approval_date": dt.date(2022, 1, 1), "township": "斗门街道"},  # 30 亩
            {"approval_date": dt.date(2022, 1, 1), "township": None},  # 马山 by boundary, 6 亩
            {"approval_date": None, "township": "马山街道"},  # 待核实: not in the area
        ],
        [_box(0, 100, 200 / 3), _box(200, 200, 100), _box(600, 60, 66.6667), _box(800, 50, 50)],
    )
    rep = report_approved(frame, as_of=AS_OF, boundaries=towns)
    t = rep.townships
    assert t.loc["斗门街道", "approved_area_mu"] == pytest.approx(40.0)
    assert t.loc["马山街道", "approved_area_mu"] == pytest.approx(6.0, abs=1e-4)
    assert t["n_approved"].to_dict() == {"斗门街道": 2, "马山街道": 2}
    assert t["n_approved_to_verify"].to_dict() == {"斗门街道": 0, "马山街道": 1}
    summary = pd.DataFrame(
        {
            "township": ["孙端街道", "斗门街道", "全区"],
            "n_parcels": [2, 3, 5],
            "governance_area_mu": [5.0, 10.0, 15.0],
        }
    )
    out = add_to_summary(summary, rep).set_index("township")
    assert list(out.index) == ["孙端街道", "斗门街道", "马山街道", "全区"]  # 全区 stays last
    assert out.loc["马山街道", "n_parcels"] == 0
    assert out.loc["全区", "approved_area_mu"] == pytest.approx(46.0, abs=1e-4)
    # 盘活潜力 = 治理清单面积 + 批而未供面积: 斗门 10 + 40, 全区 15 + 46
    assert out.loc["斗门街道", "renewal_potential_mu"] == pytest.approx(50.0)
    assert out.loc["孙端街道", "renewal_potential_mu"] == pytest.approx(5.0)
    assert out.loc["全区", "renewal_potential_mu"] == pytest.approx(61.0, abs=1e-4)


def test_without_the_layer_every_column_says_not_given() -> None:
    summary = pd.DataFrame({"township": ["斗门街道", "全区"], "governance_area_mu": [1.0, 1.0]})
    out = add_to_summary(summary, None)
    for col in ("n_approved", "approved_area_mu", "n_approved_to_verify", "renewal_potential_mu"):
        assert out[col].tolist() == [NOT_GIVEN, NOT_GIVEN]


# ----------------------------------------------------------------------------------------------
# map (no browser: the page's own configuration and data blocks)


def _config(page: str) -> dict:
    blocks = dict(
        re.findall(r'<script type="application/[^"]+" id="([^"]+)">(.*?)</script>', page, re.S)
    )
    return json.loads(blocks["lg-config"]), blocks


def test_map_has_the_layer_with_legend_and_popup(tmp_path: Path) -> None:
    facts = write_run(tmp_path / "run")
    approved = gpd.GeoDataFrame(
        {
            "batch_name": ["越城区2019年度第3批次"],
            "approval_date": ["2019-07-01"],
            "years_since_approval": [6],
            "unsupplied_mu": [15.0],
            "approved_status": ["批而未供"],
        },
        geometry=[box(555_000, 3_319_000, 555_100, 3_319_100)],
        crs=4549,
    )
    pyogrio.write_dataframe(approved, facts.path / "landgov.gpkg", layer="approved")
    page = build_map(load_run(facts.path)).html
    cfg, blocks = _config(page)
    assert cfg["approved"]["legend"].startswith("批而未供（已批未供 1 批次")
    fields = {f["k"]: f["l"] for _, sec in cfg["approved"]["sections"] for f in sec}
    assert fields["batch_name"] == "批次名称" and fields["years_since_approval"] == "批准至今年数"
    attrs = blocks[cfg["approved"]["attrsId"]]
    assert "越城区2019年度第3批次" in json.loads(attrs).__repr__() or "越城区" in attrs
    assert cfg["approved"]["geomId"] in blocks


def test_map_without_the_layer_says_so(tmp_path: Path) -> None:
    facts = write_run(tmp_path / "run")
    result = build_map(load_run(facts.path))
    cfg, _ = _config(result.html)
    assert cfg["approved"] is None
    assert any("未提供批而未供图层" in n for n in result.notes)


# ----------------------------------------------------------------------------------------------
# a whole screening run on a small generated sample: sheet, layer, summary, manifest


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    generate(folder, n_parcels=150, seed=11)
    return folder


def _inputs(folder: Path, *, approved: bool) -> RunInputs:
    return RunInputs(
        parcels=folder / "parcels.shp",
        enterprises=folder / "enterprises.xlsx",
        links=folder / "links.xlsx",
        townships=folder / "townships.shp",
        approved=folder / "approved.shp" if approved else None,
    )


def test_run_writes_sheet_layer_summary_and_manifest(small_sample: Path, tmp_path: Path) -> None:
    run = run_screening(
        _inputs(small_sample, approved=True), profile="yuecheng-2022", as_of="2026-06-30",
        out_dir=tmp_path / "out", progress=False,
    )  # fmt: skip
    layer = gpd.read_file(tmp_path / "out" / "landgov.gpkg", layer="approved")
    source = pyogrio.read_dataframe(small_sample / "approved.shp", encoding="GBK")
    assert len(layer) == len(source)  # every input row in the output
    with closing(openpyxl.load_workbook(tmp_path / "out" / "landgov.xlsx", read_only=True)) as wb:
        rows = list(wb["批而未供"].iter_rows(values_only=True))
        problems = list(wb["问题记录"].iter_rows(values_only=True))
    assert rows[0][:5] == ("镇街", "批次名称", "批准文号", "批准日期", "批准至今年数")
    assert len(rows) == len(source) + 1
    summary = pd.DataFrame(run.townships)
    confirmed = layer["approved_status"] == "批而未供"
    district = summary.set_index("township").loc["全区"]
    assert district["approved_area_mu"] == pytest.approx(
        layer.loc[confirmed, "unsupplied_mu"].sum()
    )
    assert district["renewal_potential_mu"] == pytest.approx(
        district["governance_area_mu"] + district["approved_area_mu"]
    )
    assert not set(run.governance["parcel_id"]) & set(layer["batch_name"].astype(str))
    counts = run.manifest["counts"]["approved"]
    assert counts["given"] and counts["batches"] == len(source) and counts["to_verify"] >= 1
    assert any(r[0] == "approved.shp" and "批准日期缺失" in str(r[4]) for r in problems)


def test_run_without_layer_says_not_given(small_sample: Path, tmp_path: Path) -> None:
    run = run_screening(
        _inputs(small_sample, approved=False), profile="yuecheng-2022", as_of="2026-06-30",
        out_dir=tmp_path / "out", progress=False,
    )  # fmt: skip
    assert set(pd.DataFrame(run.townships)["approved_area_mu"]) == {NOT_GIVEN}
    assert run.manifest["counts"]["approved"]["given"] is False
    with closing(openpyxl.load_workbook(tmp_path / "out" / "landgov.xlsx", read_only=True)) as wb:
        text = list(wb["批而未供"].iter_rows(values_only=True))
    assert "未提供批而未供图层" in text[1][0] and "不是 0" in text[1][0]


def test_sample_layer_lies_off_the_parcels_inside_townships(small_sample: Path) -> None:
    approved = pyogrio.read_dataframe(small_sample / "approved.shp", encoding="GBK")
    parcels = pyogrio.read_dataframe(small_sample / "parcels.shp", encoding="GBK")
    towns = pyogrio.read_dataframe(small_sample / "townships.shp")
    assert len(approved) >= 3
    assert not (small_sample / "approved.cpg").exists()
    plots = parcels.geometry.make_valid()  # the sample breaks a few on purpose
    left, right = plots.sindex.query(approved.geometry.values, predicate="intersects")
    overlap = shapely.area(
        shapely.intersection(approved.geometry.values[left], plots.values[right])
    )
    assert (overlap < 1.0).all()  # unsupplied land carries no 宗地
    assert approved.geometry.within(towns.union_all().buffer(0.01)).all()
    assert approved["批准日期"].isna().sum() == 1


# ----------------------------------------------------------------------------------------------
# command line: bad input gives a clean 「错误：」


@pytest.mark.parametrize("case", ["no_date_column", "points_only", "not_a_layer"])
def test_cli_bad_approved_layer(small_sample: Path, tmp_path: Path, case: str) -> None:
    bad = tmp_path / "bad.shp"
    if case == "no_date_column":
        write_shapefile(bad, [_box(0, 50, 50)], [("批次名称", 40)], [["甲"]], prj=CRS(4549))
        expect = "批准日期"
    elif case == "points_only":
        write_shapefile(bad, [Point(E0, N0)], FIELDS, [["甲", "", "2020-01-01", "", "", ""]],
                        prj=CRS(4549))  # fmt: skip
        expect = "没有面"
    else:
        bad = tmp_path / "bad.gpkg"
        bad.write_bytes(b"not a geopackage at all")
        expect = "bad.gpkg"
    result = run_cli(
        "screen", "-p", small_sample / "parcels.shp", "-e", small_sample / "enterprises.xlsx",
        "--approved", bad, "--as-of", "2026-06-30", "-o", tmp_path / "out", "-q",
    )  # fmt: skip
    assert_clean_error(result, contains=expect)
    assert not (tmp_path / "out").exists()


def test_cli_echoes_the_layer_or_that_it_was_not_given(small_sample: Path, tmp_path: Path) -> None:
    base = ["screen", "-p", small_sample / "parcels.shp", "-e", small_sample / "enterprises.xlsx",
            "--as-of", "2026-06-30", "-q"]  # fmt: skip
    without = run_cli(*base, "-o", tmp_path / "a")
    assert without.returncode == 0, without.stderr
    assert "批而未供：未提供图层（--approved）" in without.stdout
    given = run_cli(*base, "--approved", small_sample / "approved.shp", "-o", tmp_path / "b")
    assert given.returncode == 0, given.stderr
    assert re.search(r"批而未供：\d+ 批次，计入面积 [\d,.]+ 亩", given.stdout)
