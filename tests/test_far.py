"""容积率 sources, the 8 m rule, floors by industry and headroom — hand-worked cases."""

from __future__ import annotations

import datetime as dt
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine
from hypothesis import given, settings
from hypothesis import strategies as st

from landgov.core.problems import PROBLEM_COLUMNS, ReadResult
from landgov.core.vocab import CatalogueClass
from landgov.errors import DataFileError
from landgov.far import (
    FarSource,
    building_floor_areas,
    compute_far,
    far_floors,
    floor_area_for,
    headroom,
)
from landgov.far.industry import catalogue_edition, national_floor, to_gb2002_division
from landgov.far.ratio import UNPLACED, beyond_ratio
from landgov.policy import load_profile
from landgov.run.far import unplaced_buildings

X0, Y0 = 500000.0, 3300000.0


@pytest.fixture(scope="module")
def profile():
    return load_profile("yuecheng-2022")


def _parcels(n=3, side=100.0, **cols):
    geoms = [shapely.box(X0 + i * 200, Y0, X0 + i * 200 + side, Y0 + side) for i in range(n)]
    data = {"parcel_id": [f"330602001001GB0000{i}" for i in range(n)], **cols}
    return gpd.GeoDataFrame(data, geometry=geoms, crs=4549, index=[f"p{i}" for i in range(n)])


# --- the 8 m rule ------------------------------------------------------------------------------


def test_storey_of_9m_counts_twice_and_8m_once():
    b = gpd.GeoDataFrame(
        {"storeys": [1, 1, 3], "storey_height_m": [9.0, 8.0, 4.5]},
        geometry=[shapely.box(0, 0, 10, 100)] * 3,  # 1000 m² footprints
        crs=4549,
    )
    got = building_floor_areas(b, double_height_m=8.0, storey_height_m=5.0)
    assert got["far_floor_area_m2"].tolist() == [2000.0, 1000.0, 3000.0]
    assert got["floor_area_m2"].tolist() == [1000.0, 1000.0, 3000.0]  # real: never doubled
    assert got["doubled"].tolist() == [True, False, False]


def test_storey_height_from_building_height_over_storeys():
    b = gpd.GeoDataFrame(
        {"storeys": [2], "height_m": [18.0]}, geometry=[shapely.box(0, 0, 10, 10)], crs=4549
    )
    got = building_floor_areas(b, double_height_m=8.0, storey_height_m=5.0)
    assert got["far_floor_area_m2"].iloc[0] == 400.0  # 2 storeys of 9 m, each doubled


def test_height_only_building_is_estimated():
    b = gpd.GeoDataFrame(
        {"height_m": [12.0, np.nan]}, geometry=[shapely.box(0, 0, 10, 10)] * 2, crs=4549
    )
    got = building_floor_areas(b, double_height_m=8.0, storey_height_m=5.0)
    assert got["far_floor_area_m2"].iloc[0] == 200.0  # round(12/5) = 2 storeys
    assert math.isnan(got["far_floor_area_m2"].iloc[1])
    assert got["method"].tolist() == ["高度估算", "无法计算"]


# --- sources ----------------------------------------------------------------------------------


def test_sources_in_order(profile, tmp_path):
    parcels = _parcels(
        5,
        floor_area_m2=[np.nan, 12000.0, np.nan, np.nan, np.nan],
        far_declared=[np.nan, np.nan, 0.8, np.nan, np.nan],
    )
    buildings = gpd.GeoDataFrame(
        {
            "parcel_id": ["330602001001GB00000", None],
            "storeys": [2, np.nan],
            "storey_height_m": [5.0, np.nan],
            "height_m": [np.nan, 10.0],
        },
        geometry=[
            shapely.box(X0 + 10, Y0 + 10, X0 + 60, Y0 + 60),  # 2500 m² on p0 (by code)
            shapely.box(X0 + 610, Y0 + 10, X0 + 660, Y0 + 30),  # 1000 m² on p3 (by location)
        ],
        crs=4549,
    )
    heights = np.zeros((20, 200), dtype="float32")
    heights[:, 160:180] = 9.0  # a 9 m block over x = X0+800…X0+900 (parcel p4)
    raster = tmp_path / "h.tif"
    with rasterio.open(
        raster, "w", driver="GTiff", width=200, height=20, count=1, dtype="float32",
        crs="EPSG:4549", transform=Affine(5.0, 0, X0, 0, -5.0, Y0 + 100), nodata=0,
    ) as dst:  # fmt: skip
        dst.write(heights, 1)
    got = compute_far(parcels, profile=profile, buildings=buildings, height_raster=raster)
    assert list(got.index) == list(parcels.index)
    assert got["far_source"].tolist() == [
        FarSource.BUILDINGS,
        FarSource.RECORDED,
        FarSource.DECLARED_FAR,
        FarSource.BUILDING_HEIGHTS,
        FarSource.RASTER,
    ]
    assert got["floor_area_m2"].tolist() == pytest.approx([5000.0, 12000.0, 8000.0, 2000.0, 20000])
    # storeys of 5 m: nothing doubled, and the other sources give one figure for both
    assert got["floor_area_far_m2"].tolist() == pytest.approx(got["floor_area_m2"].tolist())
    assert got["far"].tolist() == pytest.approx([0.5, 1.2, 0.8, 0.2, 2.0])
    assert got.loc["p0", "building_coverage"] == pytest.approx(0.25)
    assert got.loc["p4", "built_cover"] == pytest.approx(1.0)


def test_a_building_on_no_parcel_is_said_not_lost(profile):
    # b0 on p0 by location; b1 carries a 宗地代码 the layer does not have and stands between the
    # plots (x = X0+120…X0+180, p0 ends at X0+100, p1 starts at X0+200): it goes to no parcel.
    # Counted nowhere, it is listed: one 提示 naming its row of the file (row 3 of the layer).
    parcels = _parcels(2)
    buildings = gpd.GeoDataFrame(
        {"parcel_id": [None, "330602009999GB99999"], "storeys": [2, 3], "source_row": [2, 3]},
        geometry=[
            shapely.box(X0 + 10, Y0 + 10, X0 + 60, Y0 + 60),
            shapely.box(X0 + 120, Y0 + 10, X0 + 180, Y0 + 60),
        ],
        crs=4549,
        index=["b0", "b1"],
    )
    got = compute_far(parcels, profile=profile, buildings=buildings)
    assert got.attrs[UNPLACED] == ("b1",)
    assert got["n_buildings"].tolist() == [1, 0]
    read = ReadResult(buildings, buildings.iloc[:0], pd.DataFrame(columns=PROBLEM_COLUMNS), {})
    said = unplaced_buildings(read, got.attrs[UNPLACED], source="建筑.gpkg").problems
    assert len(said) == 1
    row = said.iloc[0]
    assert (row["source"], row["severity"]) == ("建筑.gpkg", "提示")
    assert row["problem"].startswith("1 栋建筑不属于任何宗地")
    assert row["problem"].endswith("第 3 行")
    assert compute_far(parcels, profile=profile).attrs[UNPLACED] == ()


def test_no_source_gives_nan_not_zero(profile):
    got = compute_far(_parcels(1), profile=profile)
    assert math.isnan(got["far"].iloc[0])
    assert got["far_source"].iloc[0] == FarSource.NONE
    assert "待核实" in got["far_note"].iloc[0]


def test_inputs_not_mutated(profile):
    parcels = _parcels(2, floor_area_m2=[5000.0, 1.0])
    before = parcels.copy()
    compute_far(parcels, profile=profile)
    pd.testing.assert_frame_equal(parcels, before)


# --- headroom ---------------------------------------------------------------------------------


def test_far_25_gives_zero_headroom_with_reason():
    land = pd.Series([10000.0, 10000.0, 10000.0])
    floor = pd.Series([25000.0, 10000.0, np.nan])
    got = headroom(land, floor, cap=2.5, target=1.5)
    assert got["headroom_m2"].iloc[0] == 0.0
    assert "已达到或超过上限" in got["headroom_reason"].iloc[0]
    assert got["headroom_m2"].iloc[1] == 15000.0
    assert got["headroom_target_m2"].iloc[1] == 5000.0
    assert math.isnan(got["headroom_m2"].iloc[2])
    assert "待核实" in got["headroom_reason"].iloc[2]


@settings(max_examples=400, deadline=None)
@given(
    floor=st.floats(min_value=-1e12, max_value=1e12)
    | st.just(math.nan)
    | st.integers(-(10**9), 10**9).map(lambda k: k / 1000),  # 0.005 m² halves
    land=st.floats(min_value=-1e12, max_value=1e12)
    | st.just(math.nan)
    | st.integers(-(10**9), 10**9).map(lambda k: k / 1000),
    ratio=st.sampled_from([2.5, 1.5, 1.0, 0.7, 2.0, 1.2]),
)
def test_one_plots_overshoot_is_the_columns_to_the_bit(floor, land, ratio):
    """beyond_ratio of one plot (floats, the 增容 cap of each plot) is what the same plot
    gives in a column (numpy), bit for bit: ±0, halves of 0.01 m², NaN."""
    one = beyond_ratio(floor, land, ratio)
    column = beyond_ratio(pd.Series([floor]), pd.Series([land]), ratio).iloc[0]
    assert type(one) is float
    assert np.float64(one).tobytes() == np.float64(column).tobytes() or (
        math.isnan(one) and math.isnan(column)
    )


def test_a_plot_exactly_at_the_cap_is_0_and_one_hundredth_over_is_over():
    # 「容积率上限可提高至 2.5」: 25,000 m² on 10,000 m² is at it, 0.01 m² more is over
    assert beyond_ratio(25000.0, 10000.0, 2.5) == 0.0
    assert beyond_ratio(25000.01, 10000.0, 2.5) == 0.01
    assert beyond_ratio(35000, 13999.99999998, 2.5) == 0.0
    assert beyond_ratio(14400, 12000, 2.5) == -15600.0
    assert math.copysign(1.0, beyond_ratio(-0.004, 0.0, 2.5)) == -1.0  # as numpy: -0.0


# --- floors and industry codes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "edition", "gb2002"),
    [
        ("C1752", "2017", "17"),
        ("3311", "2017", "34"),  # 金属制品 2017:33 → 2002:34
        ("3811", "GB/T 4754-2011", "39"),  # 电气机械
        ("2922", "2017", "30"),  # 塑料制品
        ("2911", "2017", "29"),  # 橡胶制品
        ("29", "2017", None),  # ambiguous without the group
        ("4310", "2017", None),  # 修理业: no 2002 division
        ("3411", "2002", "34"),
    ],
)
def test_gb2017_to_2002(code, edition, gb2002):
    assert to_gb2002_division(code, edition=edition).gb2002 == gb2002


def test_missing_edition_is_assumed_2017_and_said_so():
    d = to_gb2002_division("3311", edition=None)
    assert d.gb2002 == "34" and "2017" in d.note


def test_floors_and_targets(profile):
    far = pd.Series([0.5, 1.6, np.nan], index=["a", "b", "c"])
    industry = pd.DataFrame(
        {"industry_code": ["2511", "3311", None], "industry_edition": ["2017"] * 3},
        index=["a", "b", "c"],
    )
    got = far_floors(far, industry, profile=profile)
    assert got["far_floor"].iloc[:2].tolist() == [0.5, 0.7]  # 25 → 0.5, 34 → 0.7
    assert got["far_gap_target"].iloc[1] == pytest.approx(0.1)
    assert got["far_target"].iloc[0] == 1.5 and got["far_pilot"].iloc[0] == 2.0
    assert got["below_floor"].iloc[0] == False  # noqa: E712  (0.5 is not below 0.5)
    assert pd.isna(got["below_floor"].iloc[2])


def test_catalogue_edition_switches_on_2024_02_01():
    switch = dt.date(2024, 2, 1)
    assert catalogue_edition(dt.date(2024, 1, 31), switch_date=switch) == "2019年本"
    assert catalogue_edition(switch, switch_date=switch) == "2024年本"
    assert CatalogueClass.parse("限制") == "限制类"
    assert CatalogueClass.parse(None) is None


# --- real and counted floor area -----------------------------------------------------------------


def test_doubled_storey_counts_for_the_minimum_only(profile):
    """国土资发〔2008〕24号: 「层高超过 8 米的，该层建筑面积加倍计算」 is how the *minimum*
    容积率 is computed; 附件3 二 (cap 2.5) does not adopt it (far.cap_floor_area: real)."""
    parcels = _parcels(1)  # 100 m × 100 m = 10,000 m²
    shed = gpd.GeoDataFrame(
        {"parcel_id": [parcels["parcel_id"].iloc[0]], "storeys": [2], "storey_height_m": [9.0]},
        geometry=[shapely.box(X0 + 10, Y0 + 10, X0 + 60, Y0 + 60)],  # 2,500 m² footprint
        crs=4549,
    )
    got = compute_far(parcels, profile=profile, buildings=shed).iloc[0]
    assert got["floor_area_m2"] == pytest.approx(5000.0)  # 2 storeys × 2,500
    assert got["floor_area_far_m2"] == pytest.approx(10000.0)  # each storey doubled
    assert got["far"] == pytest.approx(0.5) and got["far_minimum"] == pytest.approx(1.0)
    assert "计容建筑面积加倍" in got["far_note"]
    assert profile.value("far.cap_floor_area") == "floor_area_m2"
    assert profile.value("far.minimum_floor_area") == "floor_area_far_m2"
    assert not profile.citation("far.cap_floor_area").official


def test_floor_area_for_reads_the_profile(profile):
    far = pd.DataFrame({"floor_area_m2": [1.0], "floor_area_far_m2": [2.0]})
    assert floor_area_for(far, "cap", profile=profile).tolist() == [1.0]
    assert floor_area_for(far, "minimum", profile=profile).tolist() == [2.0]
    with pytest.raises(ValueError, match="use must be"):
        floor_area_for(far, "ceiling", profile=profile)


def test_floors_of_rows_with_missing_editions_are_those_of_each_row(profile, monkeypatch):
    # each row a NaN object of its own: one lookup per distinct code, every row its own floor
    from landgov.far import ratio

    nan = float
    codes = ["2511", "3311", "2511", "2511", None, "3311", "1751", None]
    editions = [nan("nan"), nan("nan"), "2017", nan("nan"), nan("nan"), np.float64("nan"), None]
    editions.append(nan("nan"))
    index = [f"p{i}" for i in range(len(codes))]
    industry = pd.DataFrame(
        {"industry_code": codes, "industry_edition": pd.Series(editions, index, dtype=object)},
        index=index,
    )
    far = pd.Series(1.0, index=index)
    calls: list[tuple[object, object]] = []

    def counted(code, *, edition, profile):
        calls.append((code, edition))
        return national_floor(code, edition=edition, profile=profile)

    monkeypatch.setattr(ratio, "national_floor", counted)
    got = far_floors(far, industry, profile=profile)
    pairs = zip(codes, editions, strict=True)
    want = [national_floor(c, edition=e, profile=profile) for c, e in pairs]
    assert got["far_floor"].tolist() == pytest.approx([w[0] for w in want], nan_ok=True)
    assert got["far_floor_note"].tolist() == [w[2] for w in want]
    assert len(calls) == 6  # 8 rows, 6 distinct (code, edition) with every float NaN alike


def test_a_building_placed_by_location_despite_its_code_is_said(profile):
    # b0 carries a 宗地代码 the layer does not have (a renumbered or mistyped code) and stands
    # inside p0: counted in p0 (placing by location is reasonable), and said — one 提示 with
    # its row of the file (3), its code and the parcel it went to. b1 (no code) is placed by
    # location without a word; b2 (a code of the layer) by its code.
    from landgov.far.ratio import BY_LOCATION
    from landgov.run.far import located_buildings

    parcels = _parcels(2)
    stale = "330602009999GB99999"
    buildings = gpd.GeoDataFrame(
        {
            "parcel_id": [stale, None, "330602001001GB00001"],
            "storeys": [2, 1, 1],
            "source_row": [3, 4, 5],
        },
        geometry=[
            shapely.box(X0 + 10, Y0 + 10, X0 + 60, Y0 + 60),
            shapely.box(X0 + 70, Y0 + 70, X0 + 80, Y0 + 80),
            shapely.box(X0 + 210, Y0 + 10, X0 + 220, Y0 + 20),
        ],
        crs=4549,
        index=["b0", "b1", "b2"],
    )
    got = compute_far(parcels, profile=profile, buildings=buildings)
    assert got["n_buildings"].tolist() == [2, 1]
    assert got.attrs[UNPLACED] == ()
    assert got.attrs[BY_LOCATION] == (("b0", "p0"),)
    read = ReadResult(buildings, buildings.iloc[:0], pd.DataFrame(columns=PROBLEM_COLUMNS), {})
    said = located_buildings(read, got.attrs[BY_LOCATION], parcels, source="建筑.gpkg").problems
    assert len(said) == 1
    row = said.iloc[0]
    assert (row["source"], row["row"], row["field"], row["value"], row["severity"]) == (
        "建筑.gpkg",
        3,
        "宗地代码",
        stale,
        "提示",
    )
    assert "330602001001GB00000" in row["problem"]
    assert compute_far(parcels, profile=profile).attrs[BY_LOCATION] == ()


# --- a height raster out of line with the registered floor areas --------------------------------


def _half_built_raster(tmp_path, height: float) -> str:
    """10 plots of 100 m × 100 m, 200 m apart (``_parcels(10)``); over each, its west half
    (50 m × 100 m = 5,000 m²) built ``height`` high, 5 m cells."""
    heights = np.zeros((20, 400), dtype="float32")
    for i in range(10):
        heights[:, 40 * i : 40 * i + 10] = height
    path = tmp_path / f"h{height:g}.tif"
    with rasterio.open(
        path, "w", driver="GTiff", width=400, height=20, count=1, dtype="float32",
        crs="EPSG:4549", transform=Affine(5.0, 0, X0, 0, -5.0, Y0 + 100), nodata=0,
    ) as dst:  # fmt: skip
        dst.write(heights, 1)
    return str(path)


@pytest.mark.parametrize(
    ("height", "ratio"),
    [(10.0, None), (30.0, None), (35.0, "3.50"), (50.0, "5.00")],
)
def test_a_raster_out_of_line_with_the_records_stops_the_run(profile, tmp_path, height, ratio):
    """Each plot registers 10,000 m². Storeys of 5 m over 5,000 m²: 10 m → 2 → 10,000 m²
    (ratio 1); 30 m → 6 → 30,000 m² (3: the bound itself, accepted); 35 m → 7 → 35,000 m²
    (3.5: refused); 5 m written in decimetres (50) → 10 → 50,000 m² (5: refused — below the
    raster's own bounds, 300 m for a cell and 60 m for the median building cell; a raster of
    10 m in decimetres, 100, is refused by the latter, tests/test_bad_input_buildings.py)."""
    parcels = _parcels(10, floor_area_m2=[10_000.0] * 10)
    raster = _half_built_raster(tmp_path, height)
    if ratio is None:
        got = compute_far(parcels, profile=profile, height_raster=raster)
        assert got["raster_floor_area_m2"].tolist() == pytest.approx([5_000 * height / 5] * 10)
        assert got["far"].tolist() == pytest.approx([1.0] * 10)  # the registered figure
        return
    with pytest.raises(DataFileError) as caught:
        compute_far(parcels, profile=profile, height_raster=raster)
    text = str(caught.value)
    assert f"是登记建筑面积的 {ratio} 倍（10 宗两者都有的宗地的中位数；合理范围 1/3～3 倍" in text
    assert "plausible.raster_floor_ratio_max" in text and "分米" in text, text


def test_nine_plots_do_not_tell(profile, tmp_path):
    """Fewer than 10 plots with both figures: the raster is not judged by the records."""
    parcels = _parcels(10, floor_area_m2=[10_000.0] * 9 + [np.nan])
    got = compute_far(parcels, profile=profile, height_raster=_half_built_raster(tmp_path, 50.0))
    assert got.loc["p9", "far"] == pytest.approx(5.0)  # 50,000 m² from the raster, as read
