"""Zonal statistics against an independent exact computation (shapely cell intersections)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine
from hypothesis import given, settings
from hypothesis import strategies as st

from landgov.errors import CRSError, DataFileError
from landgov.far.raster import built_cover, height_floor_area, raster_floor_area, zonal_stats

X0, Y0, CELL = 500000.0, 3300000.0, 5.0  # EPSG:4549 metres, 5 m cells


def _write(path, arr, *, nodata=0.0, crs="EPSG:4549", cell=CELL):
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=arr.shape[0],
        width=arr.shape[1],
        count=1,
        dtype="float32",
        crs=crs,
        transform=Affine(cell, 0.0, X0, 0.0, -cell, Y0 + arr.shape[0] * cell),
        nodata=nodata,
    ) as dst:
        dst.write(arr.astype("float32"), 1)
    return path


def _exact(poly, arr, *, nodata=0.0, cell=CELL):
    """Independent reference: Σ |poly ∩ cell| / |cell| × value, cell by cell with shapely."""
    rows, cols = arr.shape
    top = Y0 + rows * cell
    total = covered = 0.0
    for r in range(rows):
        for c in range(cols):
            v = float(arr[r, c])
            if v == nodata:
                continue
            x, y = X0 + c * cell, top - (r + 1) * cell
            box = shapely.box(x, y, x + cell, y + cell)
            f = poly.intersection(box).area / (cell * cell)
            total += f * v
            covered += f
    return total, covered


@pytest.fixture
def grid(tmp_path):
    rng = np.random.default_rng(7)
    arr = rng.integers(0, 30, size=(12, 10)).astype("float32")  # zeros are nodata
    return _write(tmp_path / "h.tif", arr), arr


def _polys():
    return [
        shapely.box(X0 + 3.2, Y0 + 4.1, X0 + 31.7, Y0 + 22.9),
        shapely.Polygon([(X0 + 1, Y0 + 1), (X0 + 44, Y0 + 9), (X0 + 20, Y0 + 55)]),
        shapely.box(X0 + 12.5, Y0 + 12.5, X0 + 12.6, Y0 + 12.6),  # far smaller than a cell
        shapely.box(X0 - 20, Y0 - 20, X0 + 7, Y0 + 7),  # partly outside the raster
    ]


def test_zonal_sum_and_count_match_exact_reference(grid):
    path, arr = grid
    zones = gpd.GeoDataFrame(geometry=_polys(), crs=4549, index=[11, 12, 13, 14])
    got = zonal_stats(zones, path, stats=("sum", "count", "mean"))
    assert list(got.index) == [11, 12, 13, 14]
    for idx, poly in zip(zones.index, zones.geometry, strict=True):
        s, n = _exact(poly, arr)
        assert got.loc[idx, "sum"] == pytest.approx(s, rel=1e-6, abs=1e-9)
        assert got.loc[idx, "count"] == pytest.approx(n, rel=1e-6, abs=1e-9)
    assert got.attrs["cell_area_m2"] == 25.0


@settings(max_examples=25, deadline=None)
@given(
    x=st.floats(0, 40),
    y=st.floats(0, 50),
    w=st.floats(0.5, 30),
    h=st.floats(0.5, 30),
)
def test_zonal_sum_property_rectangles(tmp_path_factory, x, y, w, h):
    arr = (np.arange(120, dtype="float32").reshape(12, 10) % 17) + 1.0
    path = tmp_path_factory.getbasetemp() / "prop.tif"
    if not path.exists():
        _write(path, arr)
    poly = shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)
    got = zonal_stats(gpd.GeoSeries([poly], crs=4549), path, stats=("sum",))
    assert got.iloc[0]["sum"] == pytest.approx(_exact(poly, arr)[0], rel=1e-6, abs=1e-6)


def test_height_floor_area_storeys_and_cover(tmp_path):
    arr = np.zeros((4, 4), dtype="float32")
    arr[0:2, 0:2] = 9.0  # 9 m / 5 m → 2 storeys
    arr[2:4, 2:4] = 4.0  # 1 storey
    arr[0, 3] = 1.0  # below the 2 m minimum: not a building
    path = _write(tmp_path / "h.tif", arr)
    whole = shapely.box(X0, Y0, X0 + 20, Y0 + 20)
    half = shapely.box(X0, Y0 + 10, X0 + 5, Y0 + 20)  # half of the 9 m block
    got = height_floor_area(
        gpd.GeoSeries([whole, half], crs=4549), path, storey_height_m=5.0, min_height_m=2.0
    )
    assert got["raster_floor_area_m2"].tolist() == pytest.approx([4 * 25 * 2 + 4 * 25, 2 * 25 * 2])
    assert got["built_area_m2"].tolist() == pytest.approx([200.0, 50.0])
    assert got["built_cover"].tolist() == pytest.approx([0.5, 1.0])
    assert got.loc[0, "height_max_m"] == 9.0


def test_built_cover_reprojects_zones_without_mutating(tmp_path):
    arr = np.zeros((4, 4), dtype="float32")
    arr[:, :2] = 6.0
    path = _write(tmp_path / "m.tif", arr)
    zones = gpd.GeoSeries([shapely.box(X0, Y0, X0 + 20, Y0 + 20)], crs=4549).to_crs(4528)
    before = zones.copy()
    cover = built_cover(zones, path, min_height_m=2.0)
    assert cover.name == "built_cover"
    assert cover.iloc[0] == pytest.approx(0.5, rel=1e-6)
    assert zones.crs == before.crs and zones.geom_equals(before).all()


def test_built_cover_counts_the_building_cells_the_floor_area_counts(tmp_path):
    # 4 × 4 cells of 25 m² over a 20 m square (400 m²): 4 cells of 9 m, 4 of 2.0 m (the
    # minimum itself: 「以上」 includes it), 4 of 1.5 m (walls, vehicles), 4 of 0 m.
    # Building cells: 8 → cover 200 / 400 = 0.5; the 1.5 m cells are not buildings for the
    # floor area nor for the cover (the screening counted every cell above 0 m: 0.75).
    arr = np.zeros((4, 4), dtype="float32")
    arr[0, :], arr[1, :], arr[2, :] = 9.0, 2.0, 1.5
    path = _write(tmp_path / "h.tif", arr)
    zones = gpd.GeoSeries([shapely.box(X0, Y0, X0 + 20, Y0 + 20)], crs=4549)
    cover = built_cover(zones, path, min_height_m=2.0)
    floor = height_floor_area(zones, path, storey_height_m=5.0, min_height_m=2.0)
    assert cover.iloc[0] == pytest.approx(0.5)
    assert cover.iloc[0] == floor["built_cover"].iloc[0]  # one figure, to the bit
    assert floor["built_area_m2"].iloc[0] == pytest.approx(200.0)


def test_geographic_raster_is_refused(tmp_path):
    path = _write(tmp_path / "g.tif", np.ones((2, 2)), crs="EPSG:4490", cell=0.001)
    with pytest.raises(CRSError, match="地理坐标"):
        zonal_stats(gpd.GeoSeries([shapely.box(0, 0, 1, 1)], crs=4490), path)


def test_empty_geometry_gives_nan_row(grid):
    path, _ = grid
    zones = gpd.GeoSeries([shapely.Polygon(), _polys()[0]], crs=4549)
    got = zonal_stats(zones, path, stats=("sum",))
    assert np.isnan(got.iloc[0]["sum"]) and got.iloc[1]["sum"] > 0


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    storey=st.floats(2.5, 6.0),
    min_height=st.floats(0.0, 8.0),
    x=st.floats(-10, 40),
    # the 9.1 m tall plot overlaps the raster's 60 m at least in part: below y = -9.1 it lies
    # wholly beyond it, which is refused (完全不重叠, tested on its own), not measured
    y=st.floats(-9.0, 50),
)
def test_raster_floor_area_is_height_floor_area_without_heights(
    tmp_path_factory, seed, storey, min_height, x, y
):
    rng = np.random.default_rng(seed)
    arr = rng.choice([0.0, 1.5, 4.0, 9.0, 15.3, 24.0], size=(12, 10)).astype("float32")
    path = _write(tmp_path_factory.mktemp("fa") / "h.tif", arr)
    zones = gpd.GeoSeries(
        [shapely.box(X0 + x, Y0 + y, X0 + x + 17.3, Y0 + y + 9.1), shapely.Polygon(), None],
        crs=4549,
        index=[5, 6, 7],
    )
    kw = {"storey_height_m": storey, "min_height_m": min_height}
    full = height_floor_area(zones, path, **kw)
    lean = raster_floor_area(zones, path, **kw)
    pd.testing.assert_frame_equal(lean, full[list(lean.columns)], check_exact=True)
    assert list(lean.columns) == ["raster_floor_area_m2", "built_area_m2", "built_cover"]


def _twenty_by_ten(heights: float) -> np.ndarray:
    """20 × 10 cells of 5 m (a 100 m × 50 m plot): the north half built at ``heights``, the
    south half ground (0 m, nodata)."""
    arr = np.zeros((10, 20), dtype="float32")
    arr[:5, :] = heights
    return arr


PLOT = gpd.GeoSeries([shapely.box(X0, Y0, X0 + 100, Y0 + 50)], crs=4549)


@pytest.mark.parametrize(
    ("scale", "words"),
    [(100.0, "中位数 1,200.0"), (1.0, None)],  # centimetres: 12 m written 1200; metres: fine
)
def test_a_raster_in_centimetres_is_refused_not_read_as_240_storeys(
    tmp_path, scale: float, words: str | None
) -> None:
    """12 m buildings, 100 cells: read in centimetres, 1,200 "m" / 5 m = 240 storeys a cell,
    a floor area of 100 × 25 × 240 = 600,000 m² on a 5,000 m² plot (容积率 120). Refused: all
    100 building cells (100 % > 1 %) are above 300 m. In metres: 2 storeys (12 / 5 = 2.4,
    rounded), 5,000 m²."""
    path = _write(tmp_path / "h.tif", _twenty_by_ten(12.0 * scale))
    if words is None:
        got = height_floor_area(PLOT, path, storey_height_m=5.0, min_height_m=2.0)
        assert got["raster_floor_area_m2"].iloc[0] == pytest.approx(100 * 25 * 2)  # 12/5 → 2
        assert built_cover(PLOT, path, min_height_m=2.0).iloc[0] == pytest.approx(0.5)
        return
    for measure in (
        lambda: height_floor_area(PLOT, path, storey_height_m=5.0, min_height_m=2.0),
        lambda: built_cover(PLOT, path, min_height_m=2.0),
    ):
        with pytest.raises(DataFileError) as caught:
            measure()
        text = str(caught.value)
        assert "建筑像元中 100% 高于 300 米（100 / 100 个" in text, text
        assert words in text and "最高 1,200.0" in text and "厘米" in text, text


def test_a_dsm_is_refused_and_a_stray_cell_is_not(tmp_path) -> None:
    """A DSM: the plot on ground 420 m above sea level, every cell 420–432 m: refused. A height
    raster with one 350 m cell (a crane) among its 100 building cells (1 %, not more than 1 %):
    measured, the stray cell counted as it is (70 storeys of 25 m²)."""
    dsm = _write(tmp_path / "dsm.tif", _twenty_by_ten(12.0) + 420.0)
    with pytest.raises(DataFileError, match="100% 高于 300 米（200 / 200 个"):
        built_cover(PLOT, dsm, min_height_m=2.0)
    arr = _twenty_by_ten(12.0)
    arr[0, 0] = 350.0
    crane = _write(tmp_path / "crane.tif", arr)
    got = height_floor_area(PLOT, crane, storey_height_m=5.0, min_height_m=2.0)
    assert got["raster_floor_area_m2"].iloc[0] == pytest.approx(99 * 25 * 2 + 25 * 70)


def test_a_raster_named_with_other_capitals_is_said_to_be_there(tmp_path) -> None:
    """「Height.TIF」 on disk, 「height.tif」 asked for (found on Windows, not here): was
    「建筑高度栅格无法读取（…: No such file or directory）」, GDAL's English."""
    _write(tmp_path / "Height.TIF", _twenty_by_ten(12.0))
    with pytest.raises(DataFileError) as caught:
        height_floor_area(PLOT, tmp_path / "height.tif", storey_height_m=5.0)
    text = str(caught.value)
    assert "文件不存在（同一文件夹中有「Height.TIF」，只是字母大小写不同" in text, text
    assert "No such file" not in text
