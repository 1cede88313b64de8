"""The auxiliary layers as counties really send them: planning (规划用途), demolition plans
(拆迁计划), townships, special zones, buildings and the building-height raster.

Each file is a copy of a small generated county with one thing wrong, as it comes from a
county: a layer in another place (another 3° zone, a shifted copy), a layer with no feature (no
demolition plan this year), planning polygons that overlap with different uses, a raster that
covers half the county or none of it, storeys written 「3层」. Every case ends in a clear
「错误：」 naming the file and what to do, or in the plots concerned as 待核实 with the reason —
never a silent pass (「与近年拆迁计划无重叠」 for a layer 500 km away), never a 0 m² floor area
for a plot the raster does not cover.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import shapely
from shapely.geometry import box

from landgov.core.overlay import class_shares, judge_share
from landgov.core.planning import planned_use_classes, planned_use_rule, planning_shares
from landgov.core.plausible import check_reads
from landgov.core.problems import ReadResult
from landgov.core.vocab import Status
from landgov.errors import CRSError, DataFileError
from landgov.far.ratio import compute_far
from landgov.io import read_parcels
from landgov.io.approved import read_approved
from landgov.io.buildings import read_buildings
from landgov.io.layers import read_demolition, read_planning, read_townships, read_zones
from landgov.policy import load_profile
from landgov.sample import generate
from landgov.screening._checks_overlay import check_demolition
from tests._cli import assert_clean_error, run_cli

PROFILE = load_profile("yuecheng-2022")
AS_OF = dt.date(2026, 6, 30)
E0, N0 = 555_900.0, 3_320_200.0  # CGCS2000 3° GK CM 120E (EPSG:4549), Shaoxing
LAYERS = ("planning", "demolition", "townships", "special_zones")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated county (100 plots, all layers): read only, copy before changing."""
    folder = tmp_path_factory.mktemp("county")
    generate(folder, n_parcels=100, seed=11)
    return folder


@pytest.fixture(scope="module")
def parcels(county: Path) -> gpd.GeoDataFrame:
    return read_parcels(county / "parcels.shp").data


def _copy(county: Path, tmp_path: Path) -> Path:
    out = tmp_path / "county"
    shutil.copytree(county, out)
    return out


def _screen_with_demolition(data: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """``landgov screen`` on the copied county with its demolition layer, as a user runs it."""
    return run_cli(
        "screen", "-p", data / "parcels.shp", "-e", data / "enterprises.xlsx",
        "-l", data / "links.xlsx", "-d", data / "demolition.shp",
        "--as-of", "2026-06-30", "-o", out, "-q",
    )  # fmt: skip


def _rewrite(path: Path, frame: gpd.GeoDataFrame) -> None:
    """Write ``frame`` over the Shapefile ``path`` (GBK with its .cpg, as ArcGIS writes)."""
    for part in path.parent.glob(f"{path.stem}.*"):
        part.unlink()
    pyogrio.write_dataframe(frame, path, driver="ESRI Shapefile", encoding="GBK")


def _said(problems: pd.DataFrame, words: str) -> pd.DataFrame:
    return problems[problems["problem"].astype(str).str.contains(words, regex=False)]


# ----------------------------------------------------------------------------------------------
# a layer far from the parcels: another 3° zone, a shifted copy


def test_demolition_layer_500_km_away_stops_the_run_not_every_plot_outside_plans(
    county: Path, tmp_path: Path
) -> None:
    """A demolition layer whose coordinates are 500 km north of the parcels (its .prj says
    EPSG:4549 like theirs): overlaid, no plot meets a plan and every plot would read
    「与近年拆迁计划无重叠，未列入」 (符合). Before: exit 0 with one warning row among many. Now:
    「错误：」 naming demolition.shp, the distance and the fix; no output folder."""
    data = _copy(county, tmp_path)
    plans = gpd.read_file(data / "demolition.shp")
    plans["geometry"] = plans.geometry.translate(0, 500_000)
    _rewrite(data / "demolition.shp", plans)
    out = tmp_path / "out"
    result = _screen_with_demolition(data, out)
    text = assert_clean_error(result, contains="demolition.shp")
    assert "公里" in text and "parcels.shp" in text and "--crs" in text
    assert "北纬 34." in text  # where the layer lies as read: 500 km north of 30.05°N
    assert not out.exists()


@pytest.mark.parametrize("role", ["planning", "townships", "special_zones", "buildings"])
def test_layer_in_another_3_degree_zone_is_refused_for_every_layer(
    county: Path, parcels: gpd.GeoDataFrame, role: str
) -> None:
    """The layer's coordinates are those of the next 3° zone (false easting 500 km from another
    central meridian: about 290 km east as read with the parcels' CRS). Every map layer of the
    run is checked by the one rule (:func:`landgov.core.plausible.check_layers_near_parcels`)."""
    read = {"planning": read_planning, "townships": read_townships, "special_zones": read_zones}
    res = (
        read_buildings(county / "buildings.gpkg")
        if role == "buildings"
        else read[role](county / f"{role}.shp")
    )
    moved = res.data.assign(geometry=res.data.geometry.translate(290_000, 0))
    reads = {
        "parcels": read_parcels(county / "parcels.shp"),
        role: type(res)(moved, res.rejected, res.problems, res.meta),
    }
    names = {"parcels": "parcels.shp", role: f"{role}.x"}
    with pytest.raises(CRSError) as err:
        check_reads(reads, profile=PROFILE, as_of=AS_OF, sources=names)
    text = str(err.value)
    assert f"{role}.x" in text and "公里" in text and "不重叠" in text


def test_layers_of_the_county_itself_pass_the_distance_check(county: Path) -> None:
    """The generated county's own layers (near the parcels, some beyond their extent) are read
    as they are: no error, no row lost."""
    reads = {
        "parcels": read_parcels(county / "parcels.shp"),
        "planning": read_planning(county / "planning.shp"),
        "demolition": read_demolition(county / "demolition.shp"),
        "townships": read_townships(county / "townships.shp"),
        "special_zones": read_zones(county / "special_zones.shp"),
        "buildings": read_buildings(county / "buildings.gpkg"),
    }
    checked = check_reads(reads, profile=PROFILE, as_of=AS_OF).reads
    assert {role: len(r.data) for role, r in checked.items()} == {
        role: len(r.data) for role, r in reads.items()
    }


def test_layer_in_geographic_cgcs2000_is_reprojected_to_the_parcels_zone(
    county: Path, tmp_path: Path
) -> None:
    """Planning exported in CGCS2000 lon/lat (EPSG:4490) while the parcels are in a 3° zone:
    read in the zone, same areas (to 0.1 %), nothing refused."""
    plan = gpd.read_file(county / "planning.shp").to_crs(4490)
    _rewrite(tmp_path / "规划.shp", plan)
    res = read_planning(tmp_path / "规划.shp")
    assert res.data.crs.to_epsg() == 4549
    assert len(res.data) == len(plan) and res.rejected.empty
    base = read_planning(county / "planning.shp").data["area_m2"].to_numpy()
    assert res.data["area_m2"].to_numpy() == pytest.approx(base, rel=1e-3)


# ----------------------------------------------------------------------------------------------
# a layer near the parcels that overlaps none of them: the wrong file, a .prj shifting it less


_OFF = "没有任何重叠"


def _layer_read(county: Path, role: str) -> ReadResult:
    read = {
        "planning": read_planning, "demolition": read_demolition, "townships": read_townships,
        "special_zones": read_zones, "approved": read_approved,
    }  # fmt: skip
    if role == "buildings":
        return read_buildings(county / "buildings.gpkg")
    return read[role](county / f"{role}.shp")


def _moved_reads(county: Path, role: str, dx: float, dy: float = 0.0) -> dict[str, ReadResult]:
    res = _layer_read(county, role)
    moved = res.data.assign(geometry=res.data.geometry.translate(dx, dy))
    return {
        "parcels": read_parcels(county / "parcels.shp"),
        role: type(res)(moved, res.rejected, res.problems, res.meta),
    }


@pytest.mark.parametrize("role", ["planning", "demolition", "townships", "special_zones",
                                  "buildings"])  # fmt: skip
def test_layer_60_km_off_that_meets_no_parcel_is_one_file_warning(county: Path, role: str) -> None:
    """A map layer shifted 60 km (less than ``layer_distance_max_km``: the run goes on) meets no
    plot. Before: no file-level word, only each plot's own 「未覆盖」/「无重叠」. Now: one 警告
    naming the file, the parcels' file, how far apart they lie and what to do."""
    reads = _moved_reads(county, role, 60_000)
    names = {"parcels": "parcels.shp", role: f"{role}.x"}
    checked = check_reads(reads, profile=PROFILE, as_of=AS_OF, sources=names).reads
    said = _said(checked[role].problems, _OFF)
    assert len(said) == 1, checked[role].problems
    row = said.iloc[0]
    assert row["severity"] == "警告" and row["source"] == f"{role}.x" and pd.isna(row["row"])
    assert f"（{role}.x）与宗地图层（parcels.shp）" in row["problem"] and "公里" in row["problem"]
    assert ".prj" in row["action"] and "重新运行" in row["action"]
    assert len(checked[role].data) == len(reads[role].data)  # nothing dropped or changed
    assert _said(checked["parcels"].problems, _OFF).empty


def test_layer_within_the_parcels_extent_that_meets_no_plot_is_warned_in_metres(
    county: Path, parcels: gpd.GeoDataFrame
) -> None:
    """The boxes of the two layers meet but no shape does (a layer of a neighbouring area): the
    shapes are compared, and the distance is that of the nearest shapes."""
    res = read_demolition(county / "demolition.shp")
    hole = shapely.difference(box(*parcels.total_bounds), parcels.union_all())
    spot = hole.buffer(-20).representative_point()
    assert not spot.is_empty
    shapes = [spot.buffer(5, quad_segs=2)] * len(res.data)
    reads = {
        "parcels": read_parcels(county / "parcels.shp"),
        "demolition": type(res)(
            res.data.assign(geometry=gpd.GeoSeries(shapes, index=res.data.index, crs=res.data.crs)),
            res.rejected, res.problems, res.meta,
        ),
    }  # fmt: skip
    checked = check_reads(reads, profile=PROFILE, as_of=AS_OF).reads
    said = _said(checked["demolition"].problems, _OFF)
    assert len(said) == 1 and "米）" in said.iloc[0]["problem"]


@pytest.mark.parametrize("role", ["planning", "demolition", "townships", "special_zones",
                                  "buildings", "approved"])  # fmt: skip
def test_layer_that_partly_covers_the_parcels_gets_no_such_warning(county: Path, role: str) -> None:
    """The county's own layers, some covering part of the plots, and 批而未供 land (which lies
    beside the parcels, not on them, even when it meets none): no warning."""
    reads = {"parcels": read_parcels(county / "parcels.shp"), role: _layer_read(county, role)}
    checked = check_reads(reads, profile=PROFILE, as_of=AS_OF).reads
    assert _said(checked[role].problems, _OFF).empty


def test_approved_land_that_meets_no_parcel_is_not_warned(county: Path) -> None:
    checked = check_reads(_moved_reads(county, "approved", 30_000), profile=PROFILE, as_of=AS_OF)
    assert _said(checked.reads["approved"].problems, _OFF).empty


def test_empty_layer_keeps_its_own_message_only(county: Path, tmp_path: Path) -> None:
    res = read_demolition(_empty_copy(county, tmp_path, "demolition"))
    reads = {"parcels": read_parcels(county / "parcels.shp"), "demolition": res}
    checked = check_reads(reads, profile=PROFILE, as_of=AS_OF).reads
    assert _said(checked["demolition"].problems, _OFF).empty
    assert len(_said(checked["demolition"].problems, "0 行")) == 1


def _shifted_planning(county: Path, tmp_path: Path) -> Path:
    data = _copy(county, tmp_path)
    plan = gpd.read_file(data / "planning.shp", encoding="GBK")
    _rewrite(data / "planning.shp", plan.assign(geometry=plan.geometry.translate(98_000, 0)))
    return data


def _off_rows(xlsx: Path, sheet: str) -> pd.DataFrame:
    problems = pd.read_excel(xlsx, sheet_name=sheet)
    return problems[problems["问题"].astype(str).str.contains(_OFF)]


def test_planning_98_km_off_is_warned_in_the_screen_problem_sheet(
    county: Path, tmp_path: Path
) -> None:
    """``landgov screen -g`` with a planning layer 98 km east of the parcels: exit 0 as before,
    and 问题记录 now holds one file-level 警告 naming planning.shp and the distance."""
    data, out = _shifted_planning(county, tmp_path), tmp_path / "out"
    result = run_cli(
        "screen", "-p", data / "parcels.shp", "-e", data / "enterprises.xlsx",
        "-l", data / "links.xlsx", "-g", data / "planning.shp",
        "--as-of", "2026-06-30", "-o", out, "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    rows = _off_rows(out / "landgov.xlsx", "问题记录")
    assert len(rows) == 1 and rows.iloc[0]["源文件"] == "planning.shp"
    assert rows.iloc[0]["严重程度"] == "警告" and "公里" in rows.iloc[0]["问题"]


def test_planning_98_km_off_is_warned_in_the_far_problem_sheet(
    county: Path, tmp_path: Path
) -> None:
    data, out = _shifted_planning(county, tmp_path), tmp_path / "out"
    result = run_cli(
        "far", "-p", data / "parcels.shp", "-e", data / "enterprises.xlsx",
        "-l", data / "links.xlsx", "-g", data / "planning.shp", "--forms", "none",
        "--as-of", "2026-06-30", "-o", out, "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    rows = _off_rows(out / "landgov.xlsx", "增容问题记录")
    assert len(rows) == 1 and rows.iloc[0]["源文件"] == "planning.shp"


# ----------------------------------------------------------------------------------------------
# a layer with no feature: a county without a demolition plan this year


def _empty_copy(county: Path, tmp_path: Path, role: str) -> Path:
    layer = gpd.read_file(county / f"{role}.shp").iloc[:0]
    path = tmp_path / f"{role}.shp"
    pyogrio.write_dataframe(layer, path, driver="ESRI Shapefile", encoding="GBK")
    return path


def test_empty_demolition_layer_is_no_plan_with_a_warning(
    county: Path, parcels: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """A county with no demolition plan this year sends the layer with its fields and 0
    features. Given, it says 「无拆迁计划」: every plot 符合 「与近年拆迁计划无重叠」, and one
    warning row names the file in case the export lost its features. Before: 「错误：图层中没有
    任何要素」, and the run could not go on without dropping --demolition (every plot 待核实)."""
    res = read_demolition(_empty_copy(county, tmp_path, "demolition"))
    assert len(res.data) == 0 and len(res.rejected) == 0 and res.rows_in == 0
    said = _said(res.problems, "0 行")
    assert len(said) == 1 and "无拆迁计划" in said.iloc[0]["problem"]
    assert said.iloc[0]["severity"] == "警告" and said.iloc[0]["source"] == "demolition.shp"
    verdicts = check_demolition(parcels, demolition=res.data, profile=PROFILE, as_of=AS_OF)
    assert {v.status for v in verdicts} == {Status.PASS}
    assert "无重叠" in verdicts.iloc[0].explain()


def test_demolition_layer_not_given_is_never_a_pass(parcels: gpd.GeoDataFrame) -> None:
    """No --demolition at all: every plot 待核实, naming the missing layer (not 「无拆迁计划」)."""
    verdicts = check_demolition(parcels, demolition=None, profile=PROFILE, as_of=AS_OF)
    assert {v.status for v in verdicts} == {Status.UNKNOWN}
    assert "未提供拆迁计划图层" in verdicts.iloc[0].explain()


def test_empty_special_zone_layer_is_no_zone_with_a_warning(county: Path, tmp_path: Path) -> None:
    res = read_zones(_empty_copy(county, tmp_path, "special_zones"))
    assert len(res.data) == 0 and "zone_name" in res.data.columns
    assert len(_said(res.problems, "无特殊片区")) == 1


@pytest.mark.parametrize("role", ["planning", "townships"])
def test_empty_planning_or_township_layer_is_still_refused(
    county: Path, tmp_path: Path, role: str
) -> None:
    """An empty planning or township layer is not an answer (every county has both): the
    export lost its features, and the run stops naming the file and the fix."""
    reader = read_planning if role == "planning" else read_townships
    with pytest.raises(DataFileError, match="0 行") as err:
        reader(_empty_copy(county, tmp_path, role))
    assert f"{role}.shp" in str(err.value) and "重新导出" in str(err.value)


def test_empty_demolition_layer_in_a_geopackage_with_others_names_them(
    county: Path, tmp_path: Path
) -> None:
    """An empty first layer (a template) beside the plans: not read as 「无拆迁计划」 but
    refused, naming the other layer and --layer (the plans are in the file)."""
    plans = gpd.read_file(county / "demolition.shp")
    path = tmp_path / "拆迁.gpkg"
    pyogrio.write_dataframe(plans.iloc[:0], path, layer="模板")
    pyogrio.write_dataframe(plans, path, layer="拆迁计划2026")
    with pytest.raises(DataFileError, match="拆迁计划2026") as err:
        read_demolition(path)
    assert "--layer demolition=" in str(err.value)


def test_empty_demolition_layer_through_the_whole_run(county: Path, tmp_path: Path) -> None:
    """The real command line with an empty demolition layer: exit 0, the warning in 问题记录."""
    data = _copy(county, tmp_path)
    _rewrite(data / "demolition.shp", gpd.read_file(data / "demolition.shp").iloc[:0])
    out = tmp_path / "out"
    result = _screen_with_demolition(data, out)
    assert result.returncode == 0, result.stdout + result.stderr
    problems = pd.read_excel(out / "landgov.xlsx", sheet_name="问题记录")
    rows = problems[problems["源文件"] == "demolition.shp"]
    assert rows["问题"].str.contains("无拆迁计划").any(), rows


# ----------------------------------------------------------------------------------------------
# planning polygons that overlap with different uses; 用途 as counties write them


def _plot() -> gpd.GeoDataFrame:
    """One 100 m × 100 m plot (10,000 m²)."""
    return gpd.GeoDataFrame(
        {"parcel_id": ["A"]}, geometry=[box(E0, N0, E0 + 100, N0 + 100)], crs=4549
    )


def _planning(uses: list[str], shapes: list[shapely.Geometry]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"planned_use": uses}, geometry=shapes, crs=4549)


def _judged(planning: gpd.GeoDataFrame) -> tuple[pd.Series, Status]:
    classes = planned_use_classes(planning, PROFILE)
    shares = planning_shares(_plot(), planning, classes=classes, bad="other", profile=PROFILE)
    row = shares.iloc[0]
    found = judge_share(planned_use_rule(PROFILE), bad=row["bad"], unknown=row["unknown"])
    return row, found.status


def test_two_planning_polygons_over_one_plot_with_different_uses_is_not_known() -> None:
    """A 工业用地 polygon and a 居住用地 polygon both cover the whole plot (two plans stacked,
    not merged): the map says two things, so the plot is 待核实, not 100 % non-industrial
    (before: 不符合, 「规划为非工业用途的面积占 100%」)."""
    whole = box(E0 - 10, N0 - 10, E0 + 110, N0 + 110)
    row, status = _judged(_planning(["工业用地", "居住用地"], [whole, whole]))
    assert row["bad"] == pytest.approx(0.0) and row["unknown"] == pytest.approx(1.0)
    assert status is Status.UNKNOWN


def test_partly_overlapping_planning_polygons_count_only_the_uncontested_part() -> None:
    """居住用地 over x 0–60 m, 工业用地 over x 40–100 m of the 100 m plot: 40 % only residential
    (4,000 m²), 20 % both (2,000 m², contested), 40 % only industrial. Non-industrial 40 % is
    below the 50 % threshold, 40 % + 20 % reaches it → 待核实 (before: 60 % → 不符合)."""
    residential = box(E0 - 10, N0 - 10, E0 + 60, N0 + 110)
    industrial = box(E0 + 40, N0 - 10, E0 + 110, N0 + 110)
    row, status = _judged(_planning(["居住用地", "工业用地"], [residential, industrial]))
    assert row["bad"] == pytest.approx(0.4) and row["unknown"] == pytest.approx(0.2)
    assert status is Status.UNKNOWN


def test_planning_polygons_that_tile_the_plot_are_measured_as_before() -> None:
    """A proper partition (居住 x 0–60, 工业 x 60–100): 60 % non-industrial → 不符合, the
    overlap rule changes nothing where polygons do not overlap."""
    row, status = _judged(
        _planning(
            ["居住用地", "工业用地"],
            [box(E0 - 10, N0 - 10, E0 + 60, N0 + 110), box(E0 + 60, N0 - 10, E0 + 110, N0 + 110)],
        )
    )
    assert row["bad"] == pytest.approx(0.6) and row["unknown"] == pytest.approx(0.0)
    assert status is Status.FAIL


def test_two_industrial_polygons_stacked_stay_industrial() -> None:
    """Duplicated 工业用地 polygons (the same plan twice) do not disagree: 符合."""
    whole = box(E0 - 10, N0 - 10, E0 + 110, N0 + 110)
    row, status = _judged(_planning(["工业用地", "M1"], [whole, whole]))
    assert row["bad"] == 0.0 and row["unknown"] == 0.0 and status is Status.PASS


@pytest.mark.parametrize(
    ("use", "industrial"),
    [
        ("工业用地 ", True),  # trailing blank from a fixed-width .dbf
        ("0601", None),  # 工业 in GB/T 21010, 乡村道路 in 用地用海: the project's reading only
        ("100101", True),  # 用地用海分类 code
        ("Ｍ１", True),  # full-width
        ("工业用地（M1）", True),
        ("居住用地", False),
        ("M1/B1", None),  # mixed: a person looks
        ("", None),
    ],
)
def test_planned_use_as_counties_write_it(use: str, industrial: bool | None) -> None:
    classes = planned_use_classes(_planning([use], [box(E0, N0, E0 + 1, N0 + 1)]), PROFILE)
    assert classes.iloc[0] == {True: "industrial", False: "other", None: "unknown"}[industrial]


def test_class_shares_keeps_every_plot_with_overlaps_elsewhere() -> None:
    """Two plots, the stacked polygons over the first only: the second is measured as before
    and the index is kept."""
    plots = gpd.GeoDataFrame(
        geometry=[box(E0, N0, E0 + 100, N0 + 100), box(E0 + 200, N0, E0 + 300, N0 + 100)],
        index=[7, 3],
        crs=4549,
    )
    whole = box(E0 - 10, N0 - 10, E0 + 110, N0 + 110)
    layer = _planning(
        ["工业用地", "居住用地", "居住用地"], [whole, whole, box(E0 + 190, N0, E0 + 310, N0 + 100)]
    )
    classes = planned_use_classes(layer, PROFILE)
    got = class_shares(plots, layer, classes=classes, bad="other")
    assert list(got.index) == [7, 3]
    assert got.loc[7, "bad"] == pytest.approx(0.0) and got.loc[7, "unknown"] == pytest.approx(1.0)
    assert got.loc[3, "bad"] == pytest.approx(1.0) and got.loc[3, "unknown"] == pytest.approx(0.0)


# ----------------------------------------------------------------------------------------------
# buildings: storeys as counties write them


def test_storeys_zero_negative_text_and_blank_are_flagged_rows_kept(
    county: Path, tmp_path: Path
) -> None:
    """层数 「3层」, 0, -2 and blank: every row kept; 「3层」 is 3 storeys (the 层 its unit, as
    房产 exports write it); each bad value is named with its row and set to missing (never
    used as 0 storeys)."""
    b = gpd.read_file(county / "buildings.gpkg")
    b["层数"] = b["层数"].astype(object)
    b.loc[0, "层数"], b.loc[1, "层数"], b.loc[2, "层数"], b.loc[3, "层数"] = "3层", "0", "-2", ""
    b["层数"] = b["层数"].astype(str)
    path = tmp_path / "建筑.gpkg"
    pyogrio.write_dataframe(b, path, layer="buildings")
    res = read_buildings(path)
    assert len(res.data) + len(res.rejected) == len(b) == res.rows_in
    assert res.data["storeys"].iat[0] == 3 and res.data["storeys"].iloc[1:4].isna().all()
    assert not (res.problems["row"] == 1).any(), res.problems
    for row, value in ((2, 0.0), (3, "-2")):
        named = res.problems[res.problems["row"] == row]
        assert len(named) and named["value"].astype(str).str.contains(str(value)).any(), named


# ----------------------------------------------------------------------------------------------
# the height raster: beyond the parcels, half the county, all nodata, no nodata


def _raster(county: Path, tmp_path: Path, name: str, change) -> Path:
    with rasterio.open(county / "height.tif") as src:
        profile, data = src.profile.copy(), src.read(1)
    data, profile = change(data, profile)
    path = tmp_path / f"{name}.tif"
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


def _raster_only(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The plots without registered floor area or 容积率: the raster is their only source."""
    return parcels.assign(floor_area_m2=np.nan, far_declared=np.nan)


def _moved(data: np.ndarray, profile: dict) -> tuple[np.ndarray, dict]:
    t = profile["transform"]
    profile["transform"] = rasterio.Affine(t.a, t.b, t.c, t.d, t.e, t.f + 500_000)
    return data, profile


def test_raster_far_from_the_parcels_is_an_error_not_far_0(
    county: Path, parcels: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """A raster 500 km north: no plot reaches it. Before: every plot 容积率 0 from
    「高度栅格估算」 (idle land, below every minimum). Now: 「建筑高度栅格与宗地完全不重叠」."""
    path = _raster(county, tmp_path, "远处", _moved)
    with pytest.raises(DataFileError, match="完全不重叠") as err:
        compute_far(_raster_only(parcels), profile=PROFILE, height_raster=path)
    assert "远处.tif" in str(err.value) and "处理：" in str(err.value)


def test_raster_far_from_the_parcels_through_the_far_command(county: Path, tmp_path: Path) -> None:
    data = _copy(county, tmp_path)
    path = _raster(county, tmp_path, "远处", _moved)
    out = tmp_path / "out"
    result = run_cli(
        "far", "-p", data / "parcels.shp", "-e", data / "enterprises.xlsx",
        "-l", data / "links.xlsx", "-r", path, "--forms", "none",
        "--as-of", "2026-06-30", "-o", out, "-q",
    )  # fmt: skip
    assert_clean_error(result, contains="完全不重叠")
    assert not out.exists()


def test_raster_covering_half_the_county_leaves_the_rest_unknown(
    county: Path, parcels: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """A raster tile holding the northern half only: plots wholly inside are measured as with
    the whole raster; a plot partly or wholly beyond it has no floor area (待核实, with the
    reason), never 0 m²."""

    def north(data: np.ndarray, profile: dict) -> tuple[np.ndarray, dict]:
        data = data[: data.shape[0] // 2]
        profile["height"] = data.shape[0]
        return data, profile

    path = _raster(county, tmp_path, "北半", north)
    with rasterio.open(path) as src:
        edge = src.bounds.bottom
    plots = _raster_only(parcels)
    got = compute_far(plots, profile=PROFILE, height_raster=path)
    whole = compute_far(plots, profile=PROFILE, height_raster=county / "height.tif")
    # a plot whose area the reader set aside (one 宗地代码 on pieces apart) has no 容积率 either
    # way (units.plot_area_m2): it is neither inside nor beyond
    unknown = plots["area_m2"].isna()
    assert got.loc[unknown, "far"].isna().all() and whole.loc[unknown, "far"].isna().all()
    usable = plots.geometry.notna() & ~plots.geometry.is_empty & ~unknown
    inside = usable & (plots.geometry.bounds["miny"] >= edge)
    beyond = usable & ~inside
    assert inside.sum() > 5 and beyond.sum() > 5
    assert got.loc[inside, "far"].to_numpy() == pytest.approx(whole.loc[inside, "far"].to_numpy())
    assert got.loc[beyond, "far"].isna().all()
    assert got.loc[beyond, "far_source"].eq("缺失").all()
    assert got.loc[beyond, "far_note"].str.contains("高度栅格未完全覆盖").all()
    assert got.loc[beyond, "built_cover"].isna().all()


def test_raster_all_nodata_over_the_parcels_is_an_error(
    county: Path, parcels: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """Every cell nodata (an export that lost its band): before, every plot 容积率 0."""

    def blank(data: np.ndarray, profile: dict) -> tuple[np.ndarray, dict]:
        return np.zeros_like(data), profile  # 0 is the file's nodata

    path = _raster(county, tmp_path, "空", blank)
    with pytest.raises(DataFileError, match="没有一个有效值"):
        compute_far(_raster_only(parcels), profile=PROFILE, height_raster=path)


def test_raster_without_nodata_reads_0_m_as_ground(
    county: Path, parcels: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """The same raster with its nodata flag removed: 0 m cells are valid ground, not
    buildings; the floor areas are the same."""

    def unflagged(data: np.ndarray, profile: dict) -> tuple[np.ndarray, dict]:
        profile["nodata"] = None
        return data, profile

    path = _raster(county, tmp_path, "无nodata", unflagged)
    plots = _raster_only(parcels)
    got = compute_far(plots, profile=PROFILE, height_raster=path)
    base = compute_far(plots, profile=PROFILE, height_raster=county / "height.tif")
    pd.testing.assert_series_equal(got["far"], base["far"])
