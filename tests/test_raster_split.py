"""The raster pass cut over two processes gives, to the bit, what one exactextract call gives."""

from __future__ import annotations

import os
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine
from hypothesis import given, settings
from hypothesis import strategies as st

from landgov.core import forked
from landgov.errors import DataFileError
from landgov.far import raster
from landgov.far.raster import _NODATA, _cuts, _extract, _measure, raster_floor_area
from tests._forks import needs_fork, record_forks

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
X0, Y0, CELL, TILE = 500000.0, 3300000.0, 5.0, 16  # 5 m cells, GeoTIFF tiles of 16 × 16 cells
ROWS, COLS = 48, 64


@pytest.fixture
def always_split(monkeypatch):
    """Cut any set of plots, and record whether the first part really ran in a child."""
    monkeypatch.setattr(raster, "_SPLIT_MIN_CELLS", 0.0)
    return record_forks(monkeypatch, forked)


def _write_tiled(path: Path) -> Path:
    rng = np.random.default_rng(11)
    heights = rng.choice([0.0, 2.0, 4.5, 7.0, 12.0, 30.5], size=(ROWS, COLS)).astype("float32")
    with rasterio.open(
        path, "w", driver="GTiff", height=ROWS, width=COLS, count=1, dtype="float32",
        crs="EPSG:4549", transform=Affine(CELL, 0.0, X0, 0.0, -CELL, Y0 + ROWS * CELL),
        nodata=0.0, tiled=True, blockxsize=TILE, blockysize=TILE,
    ) as dst:  # fmt: skip
        dst.write(heights, 1)
    return path


def _on_boundaries() -> gpd.GeoSeries:
    """Plots whose edges lie on cell lines and on the 16-cell tile lines, plots across tile
    corners, a sliver along a cell line, plots half outside the raster, a blank and an empty."""
    tile = TILE * CELL
    shapes = [
        shapely.box(X0, Y0, X0 + tile, Y0 + tile),  # exactly one tile
        shapely.box(X0 + tile - CELL, Y0 + tile - CELL, X0 + tile + CELL, Y0 + tile + CELL),
        shapely.box(X0 + 3 * CELL, Y0 + 2 * CELL, X0 + 4 * CELL, Y0 + 3 * CELL),  # one cell
        shapely.box(X0 + tile, Y0, X0 + tile + 1e-3, Y0 + 2 * tile),  # sliver on a tile line
        None,
        shapely.Polygon(),
        shapely.box(X0 - tile / 2, Y0 + tile, X0 + tile / 2, Y0 + 2 * tile),  # half outside
        shapely.Polygon(
            [(X0 + tile, Y0 + tile), (X0 + 3 * tile, Y0 + tile), (X0 + 2 * tile, Y0 + 3 * tile)]
        ),  # corners on tile corners
        shapely.box(X0 + 4 * tile - CELL, Y0 + 3 * tile - CELL, X0 + 5 * tile, Y0 + 4 * tile),
    ]
    shapes += [  # a row of cell-sized plots along a tile line, for many plots to cut between
        shapely.box(X0 + i * CELL, Y0 + 2 * tile - CELL, X0 + (i + 1) * CELL, Y0 + 2 * tile)
        for i in range(COLS)
    ]
    return gpd.GeoSeries(shapes, crs=4549, index=np.arange(len(shapes)) * 3 + 7)


@needs_fork
def test_plots_on_tile_and_cell_lines_cut_over_two_processes(tmp_path, always_split):
    path = _write_tiled(tmp_path / "h.tif")
    zones = _on_boundaries()
    kw = {"storey_height_m": 3.0, "min_height_m": 2.0}
    cut = raster_floor_area(zones, path, **kw)
    assert always_split == [True]  # the first part ran in a child
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(forked.ENV, "1")
        whole = raster_floor_area(zones, path, **kw)
    assert always_split == [True]  # in-process: not cut
    pd.testing.assert_frame_equal(cut, whole, check_exact=True)
    assert cut.to_numpy().tobytes() == whole.to_numpy().tobytes()  # NaN and -0.0 alike
    with rasterio.open(path) as src:  # the one-cell plot: its cell's storeys × 25 m²
        h = float(src.read(1)[ROWS - 3, 3])
    one_cell = cut.loc[zones.index[2]]
    assert one_cell["raster_floor_area_m2"] == (max(1.0, np.floor(h / 3 + 0.5)) * 25 if h else 0)
    assert np.isnan(cut.loc[zones.index[4], "built_cover"])  # the blank stays in its place


@needs_fork
def test_sample_district_cut_equals_one_call(always_split, monkeypatch):
    parcels = gpd.read_file(SAMPLE / "parcels.shp", columns=[])
    kw = {"storey_height_m": 3.0, "min_height_m": 0.0}
    cut = raster_floor_area(parcels, SAMPLE / "height.tif", **kw)
    assert always_split == [True]
    monkeypatch.setenv(forked.ENV, "1")
    whole = raster_floor_area(parcels, SAMPLE / "height.tif", **kw)
    assert len(cut) == len(parcels) and cut["built_area_m2"].sum() > 0
    assert cut.to_numpy().tobytes() == whole.to_numpy().tobytes()
    pd.testing.assert_index_equal(cut.index, parcels.index)


def test_small_work_stays_in_process(tmp_path, monkeypatch):
    calls: list[object] = []
    monkeypatch.setattr(forked, "start", lambda *a, **k: calls.append(a))
    zones = gpd.GeoSeries([shapely.box(X0, Y0, X0 + 20, Y0 + 20)] * 50, crs=4549)
    out = raster_floor_area(zones, _write_tiled(tmp_path / "h.tif"), storey_height_m=3.0)
    assert calls == [] and len(out) == 50


def test_cut_balances_cells_not_plots(monkeypatch):
    """A plot of 400 × 400 cells outweighs 100 one-cell plots: the cut isolates it."""
    monkeypatch.setattr(raster, "_PLOT_CELLS", 1100.0)
    monkeypatch.setattr(raster, "_SPLIT_MIN_CELLS", 0.0)
    big = shapely.box(0.0, 0.0, 2000.0, 2000.0)  # 401² + 1100 = 161,901
    small = [shapely.box(0.0, 0.0, 5.0, 5.0)] * 100  # 2² + 1100 = 1,104 each: 110,400
    # half of 272,301 is 136,150.5: reached by the big plot alone, and never by the small ones
    assert _cuts(gpd.GeoSeries([big, *small]), (CELL, CELL)) == [1]
    assert _cuts(gpd.GeoSeries([*small, big]), (CELL, CELL)) == [100]
    assert _cuts(gpd.GeoSeries(small), (CELL, CELL)) == [50]  # equal plots: by count
    assert _cuts(gpd.GeoSeries([big]), (CELL, CELL)) == []  # one plot: nothing to cut


EXTENT = (0.0, 0.0, 50.0, 40.0)  # 10 × 8 cells of 5 m
_coord = st.floats(-7.0, 57.0, allow_nan=False, width=64)
_polygon = st.lists(st.tuples(_coord, _coord), min_size=3, max_size=7).map(
    lambda pts: shapely.convex_hull(shapely.multipoints(pts)).buffer(0.37)
)


@settings(max_examples=40, deadline=None)
@given(
    polygons=st.lists(_polygon, min_size=2, max_size=8),
    seed=st.integers(0, 2**16),
    where=st.floats(0.0, 1.0),
)
def test_any_cut_gives_the_one_call_figures(polygons, seed, where):
    """Each plot's figures depend only on it and the cells: any cut, concatenated, is the same."""
    rng = np.random.default_rng(seed)
    cells = rng.uniform(0.0, 30.0, (8, 10))
    cells[rng.random((8, 10)) < 0.2] = _NODATA
    layers = {"a": cells, "m": rng.random((8, 10)) < 0.5}
    zones = gpd.GeoSeries(polygons, crs=4549, index=rng.permutation(len(polygons)))
    ops = ["sum", "count"]
    whole = _measure(zones, layers, EXTENT, ops)
    cut = min(len(zones) - 1, max(1, int(where * len(zones))))
    parts = [
        _measure(zones.iloc[:cut], layers, EXTENT, ops),
        _measure(zones.iloc[cut:], layers, EXTENT, ops),
    ]
    pd.testing.assert_frame_equal(pd.concat(parts), whole, check_exact=True)


@needs_fork
def test_a_failure_in_the_child_reaches_the_caller(always_split, monkeypatch):
    parent = os.getpid()
    measure = raster._measure

    def failing_in_child(zones, *args):
        if os.getpid() != parent:
            raise DataFileError(f"错误示例：子进程中的 {len(zones)} 宗")
        return measure(zones, *args)

    monkeypatch.setattr(raster, "_measure", failing_in_child)
    zones = gpd.GeoSeries([shapely.box(0, 0, 10, 10)] * 4, crs=4549)
    with pytest.raises(DataFileError, match="错误示例：子进程中的 2 宗"):
        _extract(zones, {"v": np.ones((8, 10))}, EXTENT, ["count"])
    assert always_split == [True]


@needs_fork
def test_runs_taken_by_both_processes_join_into_the_one_call_figures(
    tmp_path, always_split, monkeypatch
):
    """The sample's plots in many runs, the child measuring from the first while this process
    waits (as the one run links and grades), then both: the figures are one call's, to the bit,
    every plot once and in its place."""
    monkeypatch.setattr(raster, "_RUN_CELLS", 20_000.0)
    log = tmp_path / "runs.txt"
    measure_run = raster._measure_run

    def logged(runs, layers, extent, ops, item):
        with log.open("a") as f:  # appended by both processes
            f.write(f"{os.getpid()} {item} {len(runs)}\n")
        return measure_run(runs, layers, extent, ops, item)

    monkeypatch.setattr(raster, "_measure_run", logged)
    parcels = gpd.read_file(SAMPLE / "parcels.shp", columns=[])
    parcels.index = parcels.index * 7 + 3  # not a RangeIndex: the index must come back too
    kw = {"storey_height_m": 3.0, "min_height_m": 0.0}
    with raster.read_raster_floor_area(parcels, SAMPLE / "height.tif", **kw).start() as measuring:
        time.sleep(0.3)  # the child goes on alone meanwhile
        cut = measuring.result()
    assert always_split == [True]
    rows = [line.split() for line in log.read_text().splitlines()]
    runs = int(rows[0][2])
    by_pid: dict[str, set[int]] = {}
    for pid, item, _ in rows:
        by_pid.setdefault(pid, set()).add(int(item))
    assert runs > 5 and len(by_pid) == 2  # both processes measured runs
    assert set().union(*by_pid.values()) == set(range(runs))
    monkeypatch.setenv(forked.ENV, "1")
    whole = raster_floor_area(parcels, SAMPLE / "height.tif", **kw)
    assert always_split == [True]  # in-process: one call
    pd.testing.assert_index_equal(cut.index, parcels.index)
    assert cut.to_numpy().tobytes() == whole.to_numpy().tobytes()


def test_cuts_make_runs_of_about_run_cells_each(monkeypatch):
    """Work of 100 equal plots = 10 runs of the set size: cut every 10 plots; a big plot
    worth several runs is one run of its own, never split nor cut twice."""
    monkeypatch.setattr(raster, "_PLOT_CELLS", 1100.0)
    monkeypatch.setattr(raster, "_SPLIT_MIN_CELLS", 0.0)
    small = [shapely.box(0.0, 0.0, 5.0, 5.0)] * 100  # 2² + 1100 = 1,104 cells of work each
    monkeypatch.setattr(raster, "_RUN_CELLS", 1104.0 * 10)
    assert _cuts(gpd.GeoSeries(small), (CELL, CELL)) == list(range(10, 100, 10))
    big = shapely.box(0.0, 0.0, 2000.0, 2000.0)  # 161,901: about 15 runs on its own
    cuts = _cuts(gpd.GeoSeries([*small[:50], big, *small[:50]]), (CELL, CELL))
    assert 50 in cuts and 51 in cuts  # the big plot alone between two cuts
    assert cuts == sorted(set(cuts)) and cuts[0] > 0 and cuts[-1] < 101
