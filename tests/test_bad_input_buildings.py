"""The inputs of 容积率 as a county's real files look: the buildings layer and the height raster.

Each case builds the file for real (GeoPackage with pyogrio, GeoTIFF with rasterio) from a
small generated county with one thing wrong, and reads it through the public functions: the
same building exported twice, buildings that carry a 建筑面积 but no 层数 (or a 0 for a blank),
a footprint across two plots, 层数 2.5, heights in centimetres; a raster whose GeoTIFF says
its values are decimetres (scale 0.1) or does not, a JPEG renamed .tif, a void over a plot.
Every case ends in the right 容积率 with the rows said, a clear 「错误：」, or the plot 待核实 —
never in a silent wrong number.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio

from landgov.far.ratio import compute_far
from landgov.io import read_parcels
from landgov.io.buildings import read_buildings
from landgov.policy import load_profile
from landgov.sample import generate

PROFILE = load_profile("yuecheng-2022")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated county (100 plots, all layers): read only, copy before changing."""
    folder = tmp_path_factory.mktemp("county")
    generate(folder, n_parcels=100, seed=11)
    return folder


@pytest.fixture(scope="module")
def parcels(county: Path) -> gpd.GeoDataFrame:
    return read_parcels(county / "parcels.shp").data


@pytest.fixture(scope="module")
def buildings(county: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(county / "buildings.gpkg")


def _gpkg(frame: gpd.GeoDataFrame, path: Path) -> Path:
    pyogrio.write_dataframe(frame, path, layer="buildings")
    return path


def _plot_of(parcels: gpd.GeoDataFrame, code: str) -> object:
    return parcels.index[parcels["parcel_id"] == code][0]


# ----------------------------------------------------------------------------------------------
# the same building exported twice


def test_a_building_exported_twice_is_counted_once_and_said(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """Rows 1 and 2 of the file again at the end (an export appended to an older one). Before:
    every copy counted, the plot's 容积率 0.64 → 1.56 and its 建筑系数 41% → 87%, not a word.
    Now: the copies are rejected naming the row they repeat; the 容积率 is the file's once."""
    n = len(buildings)
    doubled = pd.concat([buildings, buildings.iloc[[0, 0, 1]]], ignore_index=True)
    res = read_buildings(_gpkg(doubled, tmp_path / "建筑.gpkg"))
    assert res.rows_in == n + 3 == len(res.data) + len(res.rejected)
    assert sorted(res.rejected["source_row"]) == [n + 1, n + 2, n + 3]
    reasons = res.rejected.sort_values("source_row")["reject_reason"].tolist()
    assert "第 1 行" in reasons[0] and "第 1 行" in reasons[1] and "第 2 行" in reasons[2]
    said = res.problems[res.problems["row"].isin([n + 1, n + 2, n + 3])]
    assert len(said) == 3 and said["problem"].str.contains("重复").all()
    once = compute_far(parcels, profile=PROFILE, buildings=read_buildings(
        _gpkg(buildings, tmp_path / "原.gpkg")).data)  # fmt: skip
    got = compute_far(parcels, profile=PROFILE, buildings=res.data)
    pd.testing.assert_series_equal(got["far"], once["far"])
    pd.testing.assert_series_equal(got["building_coverage"], once["building_coverage"])


def test_one_footprint_with_two_different_records_is_kept_and_said(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """The same footprint twice with different 层数 (an old and a new survey): not the same
    record, so neither is dropped, but the row is said (警告) naming the other row."""
    n = len(buildings)
    other = buildings.iloc[[0]].assign(层数=buildings["层数"].iloc[0] + 2)
    both = pd.concat([buildings, other], ignore_index=True)
    res = read_buildings(_gpkg(both, tmp_path / "b.gpkg"))
    assert len(res.data) == n + 1 and not len(res.rejected)
    said = res.problems[res.problems["row"] == n + 1]
    assert len(said) == 1 and "第 1 行" in said["problem"].iat[0]


# ----------------------------------------------------------------------------------------------
# a recorded 建筑面积 without 层数


def test_a_building_with_its_floor_area_and_no_storeys_counts_that_floor_area(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """A house-register layer (不动产登记房屋) has each building's 建筑面积 and no 层数. Before:
    every building 「缺层数和高度，建筑记录不完整」, its floor area thrown away (the plot fell back
    on the register's figure, or on nothing). Now: the recorded floor area is the building's."""
    storeys = buildings["层数"].astype(float)
    given = buildings.assign(建筑面积=(buildings.geometry.area * storeys).round(1))
    given = given.drop(columns=["层数", "层高", "建筑高度"])
    res = read_buildings(_gpkg(given, tmp_path / "房屋.gpkg"))
    plots = parcels.assign(floor_area_m2=np.nan, far_declared=np.nan)  # no other source
    got = compute_far(plots, profile=PROFILE, buildings=res.data)
    code = buildings["宗地代码"].iat[0]
    plot = _plot_of(parcels, code)
    want = given.loc[given["宗地代码"] == code, "建筑面积"].sum()
    assert got.at[plot, "far_source"] == "建筑记录"
    assert got.at[plot, "floor_area_m2"] == pytest.approx(want)
    assert got.at[plot, "far"] == pytest.approx(want / got.at[plot, "land_area_m2"])
    assert "缺层数" not in got.at[plot, "far_note"]
    built = got["n_buildings"] > 0
    assert got.loc[built, "far_source"].eq("建筑记录").all()


# ----------------------------------------------------------------------------------------------
# the height raster: a scale factor


def _raster(county: Path, path: Path, change) -> Path:
    with rasterio.open(county / "height.tif") as src:
        profile, data = src.profile.copy(), src.read(1)
    data, profile, scale = change(data, profile)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        if scale is not None:
            dst.scales, dst.offsets = (scale[0],), (scale[1],)
    return path


def test_a_height_raster_in_decimetres_with_its_scale_factor_reads_metres(
    county: Path, parcels: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """Heights stored as int16 decimetres, the GeoTIFF saying scale 0.1 (GDAL's scale/offset,
    as a LiDAR vendor delivers it). Before: the scale ignored, every plot's 容积率 ten times
    too high (e.g. 0.64 → 6.4) where the raster was the only source. Now: metres."""

    def decimetres(data: np.ndarray, profile: dict) -> tuple[np.ndarray, dict, tuple]:
        profile.update(dtype="int16", nodata=-32768)
        stored = np.where(data > 0, np.round(data * 10), -32768).astype("int16")
        return stored, profile, (0.1, 0.0)

    path = _raster(county, tmp_path / "高度_dm.tif", decimetres)
    plots = parcels.assign(floor_area_m2=np.nan, far_declared=np.nan)
    got = compute_far(plots, profile=PROFILE, height_raster=path)
    want = compute_far(plots, profile=PROFILE, height_raster=county / "height.tif")
    assert got["far"].notna().sum() > 50
    assert got["far"].to_numpy() == pytest.approx(want["far"].to_numpy(), rel=0.02, nan_ok=True)
    assert got["built_cover"].to_numpy() == pytest.approx(
        want["built_cover"].to_numpy(), abs=0.01, nan_ok=True
    )


def test_a_floor_area_of_0_beside_storeys_is_a_blank_not_0_m2(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """A .dbf numeric 建筑面积 cannot be blank: ArcGIS writes 0. Before: a building with 层数 3
    and 建筑面积 0 counted 0 m² (its plot's 容积率 too low, maybe 「未建」). Now: the 0 is
    said and the floor area is footprint × storeys."""
    given = buildings.assign(建筑面积=0.0)
    res = read_buildings(_gpkg(given, tmp_path / "零.gpkg"))
    assert res.problems["field"].eq("建筑面积").sum() == len(buildings)
    assert res.problems.loc[res.problems["row"] == 1, "problem"].str.contains("0").any()
    want = compute_far(parcels, profile=PROFILE, buildings=read_buildings(
        _gpkg(buildings, tmp_path / "原.gpkg")).data)  # fmt: skip
    got = compute_far(parcels, profile=PROFILE, buildings=res.data)
    pd.testing.assert_series_equal(got["far"], want["far"])


# ----------------------------------------------------------------------------------------------
# a footprint across two plots


def test_a_building_mostly_on_the_next_plot_is_said_with_both_plots(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """A footprint of 9,600 m², 3 storeys, drawn across the line of two plots (27% on the
    first, 73% on the second) with the first plot's 宗地代码. Before: all 28,800 m² counted in
    the first plot, none in the second, not a word. Now: a 警告 on the building's row naming
    both plots and the share outside."""
    from shapely.geometry import box

    from landgov.far.ratio import ACROSS
    from landgov.run.far import buildings_across

    first, second = parcels.iloc[0], parcels.iloc[1]
    assert first.geometry.touches(second.geometry) or first.geometry.intersects(second.geometry)
    c = first.geometry.union(second.geometry).centroid
    shape = box(c.x - 60, c.y - 40, c.x + 60, c.y + 40)
    inside = shape.intersection(first.geometry).area / shape.area
    assert 0.1 < inside < 0.5 and shape.intersection(second.geometry).area > 0.5 * shape.area
    rest = buildings[~buildings["宗地代码"].isin([first["parcel_id"], second["parcel_id"]])]
    one = gpd.GeoDataFrame(
        {"宗地代码": [first["parcel_id"]], "层数": [3], "层高": [4.0], "建筑高度": [12.0]},
        geometry=[shape], crs=buildings.crs,
    )  # fmt: skip
    res = read_buildings(_gpkg(pd.concat([rest, one], ignore_index=True), tmp_path / "跨.gpkg"))
    got = compute_far(parcels, profile=PROFILE, buildings=res.data)
    across = [a for a in got.attrs[ACROSS] if res.data.at[a[0], "source_row"] == len(rest) + 1]
    assert len(across) == 1
    _, plot, share, other = across[0]
    assert plot == parcels.index[0] and other == parcels.index[1]
    assert share == pytest.approx(1 - inside)
    said = buildings_across(res, got.attrs[ACROSS], parcels, source="跨.gpkg").problems
    row = said[said["row"] == len(rest) + 1]
    assert len(row) == 1 and row["severity"].iat[0] == "警告"
    words = row["problem"].iat[0]
    assert first["parcel_id"] in words and second["parcel_id"] in words
    assert f"{1 - inside:.0%}" in words


# ----------------------------------------------------------------------------------------------
# the height raster: a picture renamed .tif


def test_a_jpeg_renamed_tif_is_said_to_be_a_jpeg_not_a_raster_without_crs(
    county: Path, parcels: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """A screenshot of the height map saved as JPEG and renamed 高度.tif. Before: 「栅格没有
    坐标参考系。处理：用 gdal_edit.py -a_srs 指定」 — and a CRS given so, the picture has no place
    on the ground either. Now: the file is named as a JPEG picture, not a GeoTIFF."""
    from PIL import Image

    from landgov.errors import DataFileError

    with rasterio.open(county / "height.tif") as src:
        grey = (np.clip(src.read(1), 0, 25) * 10).astype("uint8")
    path = tmp_path / "高度.tif"
    Image.fromarray(grey).save(path, "JPEG")
    with pytest.raises(DataFileError) as err:
        compute_far(parcels, profile=PROFILE, height_raster=path)
    text = str(err.value)
    assert "高度.tif" in text and "JPEG" in text and "不是 GeoTIFF" in text and "处理：" in text
    assert "gdal_edit" not in text


# ----------------------------------------------------------------------------------------------
# storeys and heights as counties write them


def test_storeys_that_are_no_whole_number_are_said_and_used(
    buildings: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """层数 2.5 (a mezzanine, an average over a complex, a typo): before, used as 2.5 storeys
    without a word. Now: used, and said on its row (警告) with what to check."""
    given = buildings.assign(层数=buildings["层数"].astype(float))
    given.loc[0, "层数"] = 2.5
    res = read_buildings(_gpkg(given, tmp_path / "半层.gpkg"))
    assert res.data["storeys"].iat[0] == 2.5
    said = res.problems[(res.problems["row"] == 1) & (res.problems["field"] == "层数")]
    assert len(said) == 1 and "2.5" in said["problem"].iat[0] and said["severity"].iat[0] == "警告"
    assert not res.problems["row"].eq(2).any()


def test_storeys_written_with_their_unit_are_read_as_counts(
    parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """A 房产 export writes 层数 as text with its unit: 「3层」, 「3 层」, 「１２层」 (full-width),
    「3F」. Before: each 「单位「层」不能换算为无单位数值」, set to missing — every building of the
    layer, so every plot's 容积率 fell back on heights or the register, or became 待核实. Now
    read as 3, 3, 12, 3, and the rest as the file gives them: the same 容积率 as the numbers.
    「三层」 (a Chinese numeral) and 「3层/栋」 stay missing, each said on its row (错误)."""
    given = buildings.assign(层数=buildings["层数"].astype(int).astype(str) + "层")
    given.loc[:5, "层数"] = ["3 层", "１２层", "3F", "三层", "3层/栋", "-2层"]
    res = read_buildings(_gpkg(given, tmp_path / "层数文本.gpkg"))
    assert res.data["storeys"].iloc[:3].tolist() == [3, 12, 3]
    assert res.data["storeys"].iloc[3:6].isna().all()
    rest = res.data["storeys"].iloc[6:].tolist()
    assert rest == buildings["层数"].iloc[6:].astype(float).tolist()
    said = res.problems[res.problems["field"] == "层数"]
    assert said["row"].tolist() == [4, 5, 6] and said["severity"].eq("错误").all(), said
    numbers = buildings.assign(层数=buildings["层数"].astype(float))
    numbers.loc[:5, "层数"] = [3, 12, 3, np.nan, np.nan, np.nan]
    want = compute_far(parcels, profile=PROFILE, buildings=read_buildings(
        _gpkg(numbers, tmp_path / "层数.gpkg")).data)  # fmt: skip
    got = compute_far(parcels, profile=PROFILE, buildings=res.data)
    pd.testing.assert_series_equal(got["far"], want["far"])


def test_heights_in_centimetres_are_said_once_for_the_layer(
    buildings: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """建筑高度 and 层高 in centimetres (1200 for 12 m): each row was set aside 「应在 0.5–300
    之间」 with nothing saying why all of them were; now one 警告 for the field says the
    values look like centimetres and how to convert them."""
    given = buildings.assign(建筑高度=buildings["建筑高度"] * 100, 层高=buildings["层高"] * 100)
    res = read_buildings(_gpkg(given, tmp_path / "厘米.gpkg"))
    assert res.data["height_m"].isna().all() and res.data["storey_height_m"].isna().all()
    whole = res.problems[res.problems["row"].isna()]
    for field in ("建筑高度", "层高"):
        said = whole[whole["field"] == field]
        assert len(said) == 1 and "厘米" in said["problem"].iat[0], whole


def test_a_storey_count_out_of_range_names_the_field_as_the_file_does(
    buildings: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """层数 300 is set aside on its row; the problem's 字段 is 「层数」, not the internal name
    「storeys」 the 问题记录 sheet showed."""
    given = buildings.assign(层数=buildings["层数"].astype(float))
    given.loc[0, "层数"] = 300.0
    res = read_buildings(_gpkg(given, tmp_path / "三百层.gpkg"))
    assert np.isnan(res.data["storeys"].iat[0])
    said = res.problems[res.problems["row"] == 1]
    assert said["field"].tolist() == ["层数"] and "1–100" in said["problem"].iat[0]


# ----------------------------------------------------------------------------------------------
# the height raster: no data over a plot


def _holed(county: Path, parcels: gpd.GeoDataFrame, path: Path, hole: float, nodata) -> Path:
    """The county's raster with every cell over plot 0 (and 10 m around) set to ``hole``."""
    from rasterio.features import geometry_mask

    with rasterio.open(county / "height.tif") as src:
        profile, data = src.profile.copy(), src.read(1)
        over = geometry_mask(
            [parcels.geometry.iloc[0].buffer(10)], out_shape=data.shape,
            transform=src.transform, invert=True,
        )  # fmt: skip
    data = np.where(data > 0, data, 0).astype("float32")  # ground 0 m, as a nDSM has it
    data[over] = hole
    profile.update(nodata=nodata)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


@pytest.mark.parametrize(("hole", "nodata"), [(np.nan, None), (-9999.0, -9999.0)])
def test_a_plot_with_no_raster_data_is_unknown_not_far_0(
    county: Path, parcels: gpd.GeoDataFrame, tmp_path: Path, hole: float, nodata
) -> None:
    """A nDSM with ground at 0 m and a void (NaN, or nodata -9999) over one plot (a cloud, a
    tile lost in the mosaic). Before: the plot's 容积率 0 and built cover 0 from 「高度栅格估算」
    — idle land — without a word. Now: not known (待核实, with the reason), as a plot beyond
    the raster's edge; the other plots as before."""
    from landgov.far.raster import built_cover

    path = _holed(county, parcels, tmp_path / "空洞.tif", hole, nodata)
    plots = parcels.assign(floor_area_m2=np.nan, far_declared=np.nan)
    got = compute_far(plots, profile=PROFILE, height_raster=path)
    want = compute_far(plots, profile=PROFILE, height_raster=county / "height.tif")
    first = parcels.index[0]
    assert want.at[first, "far"] > 0.3
    assert np.isnan(got.at[first, "far"]) and np.isnan(got.at[first, "built_cover"])
    assert got.at[first, "far_source"] == "缺失"
    assert "无数据" in got.at[first, "far_note"]
    rest = parcels.index[1:][~parcels.geometry.iloc[1:].intersects(
        parcels.geometry.iloc[0].buffer(15)).to_numpy()]  # fmt: skip
    assert got.loc[rest, "far"].to_numpy() == pytest.approx(
        want.loc[rest, "far"].to_numpy(), nan_ok=True
    )
    cover = built_cover(plots, path, min_height_m=float(PROFILE.value("far.raster_min_height_m")))
    assert np.isnan(cover.at[first])
    assert cover.loc[rest].to_numpy() == pytest.approx(
        want.loc[rest, "built_cover"].to_numpy(), nan_ok=True
    )


def test_a_plot_of_ground_under_a_nodata_of_0_stays_bare(
    county: Path, parcels: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """The sample's convention: nodata 0 is ground, so a plot of nodata 0 cells is bare land,
    floor area 0 — not unknown. (A raster leaving all its ground nodata -32768 is read so too:
    the decimetre raster above.)"""
    path = _holed(county, parcels, tmp_path / "空地.tif", 0.0, 0.0)
    plots = parcels.assign(floor_area_m2=np.nan, far_declared=np.nan)
    got = compute_far(plots, profile=PROFILE, height_raster=path)
    first = parcels.index[0]
    assert got.at[first, "far"] == 0.0 and got.at[first, "built_cover"] == 0.0


def test_a_height_raster_in_decimetres_without_its_scale_is_refused(
    county: Path, parcels: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """The same decimetres with no scale in the file, and no registered floor area to compare
    with (the raster the only source). Before: every plot's 容积率 ten times too high (median
    building 108 m — under the 300 m bound). Now: refused, naming the median and the fix."""
    from landgov.errors import DataFileError

    def decimetres(data: np.ndarray, profile: dict) -> tuple[np.ndarray, dict, None]:
        return (data * 10).astype("float32"), profile, None

    path = _raster(county, tmp_path / "分米.tif", decimetres)
    plots = parcels.assign(floor_area_m2=np.nan, far_declared=np.nan)
    with pytest.raises(DataFileError) as err:
        compute_far(plots, profile=PROFILE, height_raster=path)
    text = str(err.value)
    assert "分米.tif" in text and "中位数" in text and "分米" in text and "处理：" in text
