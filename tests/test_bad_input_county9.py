"""County files as they really come, ninth round: one plot of a parcel layer drawn somewhere
else than the others — its X and Y swapped (surveyors write X for the northing), typed in
longitude/latitude, or left at a CAD drawing's origin — and one plot hundreds of kilometres
away.

Every file is built here (GDAL for the shapes, the .dbf byte by byte through
``tests._shapefiles``) and read through the real reader, or run through the real command line
(``tests._cli``). Expected results are worked out by hand in the docstrings.

The hand county (``tests._hand``): plots of 100 m × 140 m = 14000 m² = 21 亩, EPSG:4549 (CGCS2000
3° GK, 120°E, no zone number), plot ``i`` 1 km east of plot ``i - 1``, from (556,000,
3,320,000) — 越城区.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import box

from landgov.core.problems import ReadResult, Severity
from landgov.io import read_parcels
from tests._cli import main_here, run_cli
from tests._hand import CRS, rectangle
from tests._shapefiles import write_shapefile

P = [f"330602001001GB{i:05d}" for i in range(6)]
AREA = 14_000.0  # 100 m × 140 m


def _said(result: ReadResult, words: str) -> pd.DataFrame:
    problems = result.problems
    return problems[problems["problem"].astype(str).str.contains(words, regex=False)]


def _layer(folder: Path, geoms: list[shapely.Geometry], *, epsg: int = CRS) -> Path:
    """宗地.shp of ``geoms`` (宗地代码 ``P``, 权利人, 土地用途 工业用地), GBK .dbf, .prj of
    ``epsg`` in ESRI WKT — as ArcGIS exports a county's parcel layer."""
    return write_shapefile(
        folder / "宗地.shp", geoms, [("ZDDM", 19), ("QLR", 20), ("TDYT", 12)],
        [[P[i], f"企业{i}", "工业用地"] for i in range(len(geoms))],
        prj=pyproj.CRS.from_epsg(epsg), cpg="GBK",
    )  # fmt: skip


def _swap(geom: shapely.Geometry) -> shapely.Geometry:
    """The same shape with X and Y exchanged (a mirror image: its area is unchanged)."""
    return shapely.affinity.affine_transform(geom, [0, 1, 1, 0, 0, 0])


# --- one plot of another kind of coordinates ---------------------------------------------------

ZONE40 = 40_000_000.0  # the zone number in front of an 8-digit easting (EPSG:4528)

#: (case, 4th plot, EPSG of the .prj, the shift of the whole layer, words of its row)
STRAYS = [
    ("swapped", _swap(rectangle(100.0, 140.0, 3)), CRS, 0.0, "互换"),
    ("swapped-zone40", _swap(shapely.affinity.translate(rectangle(100.0, 140.0, 3), ZONE40)),
     4528, ZONE40, "互换"),
    ("degrees", box(120.5900, 30.0000, 120.5910, 30.0013), CRS, 0.0, "经纬度"),
    ("cad-origin", box(0.0, 0.0, 100.0, 140.0), CRS, 0.0, "不是同一种坐标"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("stray", "epsg", "shift", "words"),
    [case[1:] for case in STRAYS],
    ids=[case[0] for case in STRAYS],
)
def test_one_plot_of_another_kind_of_coordinates_is_its_rows_error_not_the_layers(
    tmp_path: Path, stray: shapely.Geometry, epsg: int, shift: float, words: str
) -> None:
    """Four plots under a right .prj, three of them where they belong (21 亩 each), the 4th:

    - with X and Y swapped (X 3,320,000, Y 559,000; with the zone number 3,320,000 and
      40,559,000) — surveyors write X for the northing, and a coordinate table typed into a
      GIS the other way round gives this. Was: the centre of the stretched extent (1,938,070,
      1,939,570) is no coordinate of Zhejiang, so the whole layer was refused — 「坐标既不是
      经纬度，也不像浙江的高斯-克吕格投影坐标」, no row named;
    - in degrees (120.59°E, 30.00°N) or at a CAD drawing's origin (0, 0)–(100, 140). Was: the
      extent's centre (278,000, 1,660,000) is a 6-digit easting 15°N of the equator, in the
      117°E zone: every plot measured in EPSG:4548 — 14,040.2 m² (21.06 亩) for 14,000 m²
      (21.00 亩), with a 警告 that 「图层中心在 117.95°E、15.00°N，不在浙江境内」 — and the stray
      plot at the origin kept as a plot of 13,923 m² in the sea off Africa.

    Now the layer is read in the .prj's CRS from the place most plots are: the three plots
    measure 14,000.0 m² each, nothing is said of the layer's centre, and the 4th plot's shape
    is not used (area unknown, so its plot is 待核实) with an 错误 on its row naming what was
    seen and how to fix it."""
    geoms = [shapely.affinity.translate(rectangle(100.0, 140.0, i), shift) for i in range(3)]
    result = read_parcels(_layer(tmp_path, [*geoms, stray], epsg=epsg))
    data = result.data
    assert data["parcel_id"].tolist() == P[:4]  # every row kept
    assert data.crs.to_epsg() == CRS
    assert data["area_m2"].iloc[:3].round(1).tolist() == [AREA] * 3
    assert pd.isna(data["area_m2"].iloc[3]) and data.geometry.iloc[3] is None
    assert _said(result, "图层中心").empty, result.problems
    said = result.problems[result.problems["field"] == "geometry"]
    assert said["row"].tolist() == [4], result.problems
    row = said.iloc[0]
    assert row["severity"] == Severity.ERROR and words in row["problem"], row["problem"]
    assert row["value"] == P[3]
    assert "重新导出" in row["action"] and "待核实" in row["action"]


def test_the_swap_is_named_with_the_coordinates_seen_and_the_fix(tmp_path: Path) -> None:
    """The row of the swapped plot says both coordinates of its centre (X 3,320,070,
    Y 559,050) and that exchanging them makes them those of the other plots; the fix is to
    exchange X and Y in the GIS."""
    geoms = [rectangle(100.0, 140.0, i) for i in range(3)]
    result = read_parcels(_layer(tmp_path, [*geoms, _swap(rectangle(100.0, 140.0, 3))]))
    row = _said(result, "互换").iloc[0]
    assert "3,320,070" in row["problem"] and "559,050" in row["problem"], row["problem"]
    assert "交换" in row["action"], row["action"]


# --- one plot far away, in the layer's own kind of coordinates --------------------------------


@pytest.mark.parametrize("km", [300, 450])
def test_one_plot_far_away_does_not_move_the_layer_into_another_zone(
    tmp_path: Path, km: int
) -> None:
    """Five plots in 越城 and a sixth ``km`` km west (a plot given a wrong easting by hand).
    Was: the centre of the extent is 150 or 250 km west of 越城: at 300 km the .prj was said
    to be 「离宗地代码所示的越城区太远（按 EPSG:4550 则符合）」; at 450 km (118.27°E) the layer
    was measured in the 117°E zone (EPSG:4548), every plot 14,040 m² for 14,000. Now the
    layer's place is where most of its plots are: the five measure 14,000.0 m² in EPSG:4549,
    the .prj is not doubted; the far plot stays a plot of the layer (its own warning comes
    with the plausibility checks of a run, as before)."""
    geoms = [rectangle(100.0, 140.0, i) for i in range(5)]
    far = shapely.affinity.translate(rectangle(100.0, 140.0, 0), -1000.0 * km)
    result = read_parcels(_layer(tmp_path, [*geoms, far]))
    data = result.data
    assert data.crs.to_epsg() == CRS
    assert data["area_m2"].round(1).tolist() == [AREA] * 6
    assert _said(result, "图层中心").empty, result.problems


# --- through the command line ------------------------------------------------------------------


def test_screen_of_a_layer_with_one_swapped_plot_lists_every_plot(tmp_path: Path) -> None:
    """``landgov screen`` of the layer with plot 4's X and Y swapped and a one-firm table.
    Was: exit 2, nothing written. Now exit 0: the 底数清单 holds all four plots, plots 1–3 of
    21.00 亩 and plot 4 with no area, 待核实; the 问题记录 sheet names row 4 and the swap."""
    geoms = [rectangle(100.0, 140.0, i) for i in range(3)]
    layer = _layer(tmp_path, [*geoms, _swap(rectangle(100.0, 140.0, 3))])
    table = tmp_path / "企业.csv"
    table.write_text(
        "统一社会信用代码,企业名称,规上/规下,税收（万元）,用地面积（亩）\n"
        "91330602MA2BGHJK3M,企业0,规上,120,21\n",
        encoding="utf-8",
    )
    out = tmp_path / "结果"
    result = run_cli("screen", "-q", "-p", layer, "-e", table, "-o", out, "--as-of", "2026-06-30")
    assert result.returncode == 0, result.stdout + result.stderr
    listed = pd.read_excel(out / "landgov.xlsx", sheet_name="底数清单", dtype={"宗地代码": str})
    listed = listed.set_index("宗地代码")
    assert sorted(listed.index) == P[:4]
    assert listed.loc[P[:3], "面积（亩）"].round(2).tolist() == [21.0] * 3
    assert pd.isna(listed.loc[P[3], "面积（亩）"]) and listed.loc[P[3], "筛查结论"] == "待核实"
    problems = pd.read_excel(out / "landgov.xlsx", sheet_name="问题记录", dtype=str)
    said = problems[problems["问题"].str.contains("互换", na=False)]
    assert said["行号"].tolist() == ["4"] and said["严重程度"].tolist() == ["错误"], said


def test_the_map_of_a_run_with_a_plot_without_shape_says_it_is_not_drawn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``landgov map`` of that run. Was: 「已生成地图：…（…，3 宗地块，…）」 and not a word of
    the fourth plot of the 底数清单 — a plot on the lists and in none of the map's layers,
    without a note. Now the map's notes (the terminal and the panel of the page) say that 1
    plot has no usable shape, is not drawn, and where it is listed."""
    geoms = [rectangle(100.0, 140.0, i) for i in range(3)]
    layer = _layer(tmp_path, [*geoms, _swap(rectangle(100.0, 140.0, 3))])
    table = tmp_path / "企业.csv"
    table.write_text(
        "统一社会信用代码,企业名称,规上/规下,税收（万元）,用地面积（亩）\n"
        "91330602MA2BGHJK3M,企业0,规上,120,21\n",
        encoding="utf-8",
    )
    out = tmp_path / "结果"
    result = run_cli("screen", "-q", "-p", layer, "-e", table, "-o", out, "--as-of", "2026-06-30")
    assert result.returncode == 0, result.stdout + result.stderr
    page = tmp_path / "图.html"
    code, text = main_here(["map", out, "--out", page, "--basemap", "none"], capsys)
    assert code == 0, text
    assert "3 宗地块" in text
    note = next(line for line in text.splitlines() if "没有可用图形" in line)
    assert "1 宗" in note and "底数清单" in note, note
    assert "没有可用图形" in page.read_text(encoding="utf-8")


def test_a_province_run_keeps_a_county_with_one_plot_far_away(tmp_path: Path) -> None:
    """A province of one county (越城, 300 generated plots, GeoParquet in its own zone) whose
    plot 1 was moved 450 km west by a wrong easting. Was: the county failed — 「按该坐标系读取，
    宗地图层中心在 118.…°E…，离 330602 越城区（约 120.6°E…）太远」, blaming the .prj's zone,
    because the centre of the extent moved half the way with the one plot. Now the county's
    place is where most of its plots are (the rule of the reader): the run finishes with every
    plot of the county accounted for, the far one among them."""
    import geopandas as gpd

    from tests._province import run_manifest, screen_province, small_province

    folder = small_province(tmp_path / "p", ["330602"])
    (county,) = [p for p in folder.iterdir() if p.is_dir()]
    path = county / "parcels.parquet"
    layer = gpd.read_parquet(path)
    geoms = layer.geometry.copy()
    geoms.iloc[0] = shapely.affinity.translate(geoms.iloc[0], -450_000.0)
    layer.set_geometry(geoms).to_parquet(path)
    out = tmp_path / "out"
    result = screen_province(folder, out)
    assert result.returncode == 0, result.stdout + result.stderr
    (done,) = run_manifest(out)["counties"]
    assert done["ok"] and done["rows_out"] + done["rows_rejected"] == done["rows_in"], done
    plots = pd.read_parquet(out / "province.parquet", columns=["parcel_id", "area_mu"])
    moved = plots.set_index("parcel_id").loc[layer.iloc[0]["宗地代码"], "area_mu"]
    assert moved > 0  # the far plot is a plot of the county, with its own area


def test_a_province_run_whose_every_county_fails_says_each_failure_not_an_internal_error(
    tmp_path: Path,
) -> None:
    """A province of one county (越城) whose parcel GeoParquet is cut in half (a copy stopped
    midway): the only county fails. Was: after 「330602 越城区：失败：…」 the run stopped with
    「错误：landgov 内部出错（KeyError：'governance_area_mu'）」 — the 地市汇总 of no finished
    county had no sums. Now the run ends as any run with a failed county does: exit 2 with the
    county's own 错误, and the 县区汇总 lists the county as 失败 with its reason."""
    from tests._province import province_sheet, screen_province, small_province

    folder = small_province(tmp_path / "p", ["330602"])
    (county,) = [p for p in folder.iterdir() if p.is_dir()]
    path = county / "parcels.parquet"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"
    result = screen_province(folder, out)
    text = result.stdout + result.stderr
    assert result.returncode == 2 and "错误：" in text, text
    assert "内部出错" not in text and "Traceback" not in text, text
    counties = province_sheet(out, "县区汇总")
    assert counties["县级代码"].tolist() == ["330602"]
    assert counties.iloc[0].astype(str).str.contains("失败").any(), counties.iloc[0]


# --- a whole layer with X and Y the other way round -------------------------------------------


def _latitude_first(folder: Path) -> Path:
    """Three plots of a GeoJSON written 「纬度在前」 ([30.0, 120.58], as systems that export
    「lat,lng」 write it): 0.001° squares from 120.58°E, 30.0°N, 0.01° apart."""
    import json

    features = []
    for i in range(3):
        lon, lat = 120.58 + 0.01 * i, 30.0
        ring = [[lat, lon], [lat, lon + 0.001], [lat + 0.001, lon + 0.001], [lat + 0.001, lon]]
        features.append(
            {
                "type": "Feature",
                "properties": {"宗地代码": P[i], "土地用途": "工业用地"},
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            }
        )
    path = folder / "宗地.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def test_a_layer_written_latitude_first_is_named_as_such_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``landgov inspect`` of a GeoJSON whose every point is (latitude, longitude). Was: 「坐标既
    不是经纬度，也不像浙江的高斯-克吕格投影坐标（所见值：(30, 121)）」 and the fix 「为图层定义
    正确的坐标系（生成 .prj…）」 — no .prj helps a GeoJSON whose numbers are the other way
    round. Now the error says the order is reversed, shows both numbers, and the fix is to put
    the longitude in X."""
    code, text = main_here(["inspect", _latitude_first(tmp_path)], capsys)
    assert code == 2 and "错误：" in text, text
    assert "顺序颠倒" in text and "30.00050" in text and "120.5" in text, text
    assert "经度" in text and "X" in text, text
    assert "Traceback" not in text


def test_a_layer_with_northings_in_x_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hand plots with every X and Y exchanged (X 3,320,070, Y 556,050: surveyors' X is the
    northing) and no .prj: the error names the reversed order, not a missing .prj."""
    geoms = [_swap(rectangle(100.0, 140.0, i)) for i in range(3)]
    layer = _layer(tmp_path, geoms)
    layer.with_suffix(".prj").unlink()
    code, text = main_here(["inspect", layer], capsys)
    assert code == 2 and "顺序颠倒" in text and "3,320,070" in text, text
