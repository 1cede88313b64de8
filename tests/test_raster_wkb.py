"""exactextract fed WKB gives the same statistics as fed the GeoDataFrame (GeoJSON)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from exactextract import exact_extract
from exactextract.raster import NumPyRasterSource
from hypothesis import given, settings
from hypothesis import strategies as st

from landgov.far.raster import _NODATA, _extract

EXTENT = (0.0, 0.0, 50.0, 40.0)  # 10 × 8 cells of 5 m
_coord = st.floats(-7.0, 57.0, allow_nan=False, width=64)
_polygon = st.lists(st.tuples(_coord, _coord), min_size=3, max_size=7).map(
    lambda pts: shapely.convex_hull(shapely.multipoints(pts)).buffer(0.37)
)


def _reference(geoms, layers, ops):
    """What :func:`_extract` did before: the GeoDataFrame handed to exactextract as is."""
    sources = [
        NumPyRasterSource(np.where(np.isnan(a), _NODATA, a), *EXTENT, nodata=_NODATA, name=n)
        for n, a in layers.items()
    ]
    frame = gpd.GeoDataFrame(geometry=geoms, crs="EPSG:4549")
    return exact_extract(sources if len(sources) > 1 else sources[0], frame, ops, output="pandas")


@settings(max_examples=40, deadline=None)
@given(
    polygons=st.lists(_polygon, min_size=1, max_size=6),
    seed=st.integers(0, 2**16),
    two=st.booleans(),
)
def test_wkb_features_give_the_geojson_statistics(polygons, seed, two):
    rng = np.random.default_rng(seed)
    cells = rng.uniform(0.0, 30.0, (8, 10))
    cells[rng.random((8, 10)) < 0.2] = np.nan
    layers = {"a": cells, "b": np.floor(cells / 3.0)} if two else {"v": cells}
    ops = ["sum", "count", "mean", "max"]
    zones = gpd.GeoSeries(polygons, crs="EPSG:4549")
    marked = {n: np.where(np.isnan(a), _NODATA, a) for n, a in layers.items()}
    got = _extract(zones, marked, EXTENT, ops)
    want = _reference(zones.to_numpy(), layers, ops)
    pd.testing.assert_frame_equal(got, want, check_exact=True)  # bit for bit


@settings(max_examples=40, deadline=None)
@given(polygons=st.lists(_polygon, min_size=1, max_size=6), seed=st.integers(0, 2**16))
def test_mask_and_float32_layers_give_the_float64_statistics(polygons, seed):
    """A boolean mask counts what a 1.0/nodata float64 layer counts, and a float32 layer
    gives what its float64 copy gives (built_cover and the height layer rely on both)."""
    rng = np.random.default_rng(seed)
    cells = rng.uniform(0.0, 30.0, (8, 10)).astype("float32")
    keep = rng.random((8, 10)) >= 0.2
    zones = gpd.GeoSeries(polygons, crs="EPSG:4549")
    mask = _extract(zones, {"m": keep}, EXTENT, ["count"])
    ones = _extract(zones, {"m": np.where(keep, 1.0, _NODATA)}, EXTENT, ["count"])
    pd.testing.assert_frame_equal(mask, ones, check_exact=True)
    ops = ["sum", "count", "mean", "max"]
    single = _extract(zones, {"h": np.where(keep, cells, np.float32(_NODATA))}, EXTENT, ops)
    double = _extract(zones, {"h": np.where(keep, cells.astype("float64"), _NODATA)}, EXTENT, ops)
    pd.testing.assert_frame_equal(single, double, check_exact=True)


def test_empty_and_missing_zones_stay_in_place():
    zones = gpd.GeoSeries(
        [shapely.box(0, 0, 10, 10), None, shapely.Polygon(), shapely.box(20, 20, 30, 30)],
        crs="EPSG:4549",
    )
    got = _extract(zones, {"v": np.ones((8, 10))}, EXTENT, ["count"])
    assert got["count"].tolist()[0] == 4.0
    assert np.isnan(got["count"].tolist()[1]) and np.isnan(got["count"].tolist()[2])
    assert got["count"].tolist()[3] == 4.0
