"""The buildings layer measured on the plots: the convex hull of its footprints from the points
that may be its vertices only, and the measure taken once, beside 地企关联, in a run."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import landgov.far.ratio
import landgov.run.far
from landgov.core.forked import ENV, can_fork
from landgov.far.ratio import BUILDINGS_COVER, compute_far, hull_candidates
from landgov.policy import load_profile
from landgov.run.far import FarOptions
from landgov.run.files import RunInputs
from landgov.run.screening import run_screening

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _hull(points: np.ndarray) -> shapely.Geometry:
    return shapely.convex_hull(shapely.multipoints(points))


# coordinates as a county's are: large offsets (CGCS2000 3° zone, metres), repeated and
# collinear points, a few metres to some kilometres apart
_coords = st.builds(
    lambda xy, grid, offset: np.round(xy / grid) * grid + offset,
    arrays(np.float64, st.tuples(st.integers(1, 60), st.just(2)),
           elements=st.floats(-3000, 3000, allow_nan=False)),
    st.sampled_from([1e-3, 0.5, 10.0, 500.0]),
    st.sampled_from([np.array([0.0, 0.0]), np.array([39_500_000.0, 3_300_000.0])]),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_coords)
def test_the_hull_of_the_candidates_is_the_hull_of_all_points(points: np.ndarray) -> None:
    kept = hull_candidates(points)
    assert set(map(tuple, kept)) <= set(map(tuple, points))  # rows of the input, none made up
    assert shapely.equals(_hull(kept), _hull(points))


@pytest.mark.parametrize("offset", [0.0, 3_300_000.0])
@pytest.mark.parametrize("n", [9, 100, 5000])
def test_every_vertex_of_a_round_hull_is_kept(n: int, offset: float) -> None:
    """Points on a circle are all vertices of their hull; near the eight extreme points they
    lie a hair outside the filter's polygon, and none of them may be dropped."""
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False) + 0.1
    circle = np.column_stack([np.cos(angle), np.sin(angle)]) * 2000.0 + offset
    inner = circle[::3] * 0.5 + offset * 0.5  # and points inside, which go
    points = np.concatenate([inner, circle])
    kept = hull_candidates(points)
    assert len(kept) == n
    assert shapely.equals(_hull(kept), _hull(points))


def test_points_inside_are_dropped_and_those_on_the_edge_kept() -> None:
    # the square's corners span the filter's polygon; (2, 2) and (1, 3) lie strictly inside,
    # (4, 2) on its edge (kept: it may be a vertex of a hull for all the filter can tell)
    square = np.array([[0, 0], [4, 0], [4, 4], [0, 4], [2, 2], [1, 3], [4, 2]], float)
    assert hull_candidates(square).tolist() == [[0, 0], [4, 0], [4, 4], [0, 4], [4, 2]]
    line = np.array([[0, 0], [1, 1], [2, 2], [3, 3]], float)  # no polygon: all kept
    assert hull_candidates(line).tolist() == line.tolist()


def test_a_plot_beyond_the_buildings_hull_is_not_covered() -> None:
    """BUILDINGS_COVER by hand: buildings at (0..100, 0..100) and (300..400, 0..100); their
    hull is the strip 0..400 × 0..100. A plot inside it is covered, one reaching past it not."""
    crs = "EPSG:4549"
    buildings = gpd.GeoDataFrame(
        {"parcel_id": [None, None]},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(300, 0, 400, 100)],
        crs=crs,
    )
    parcels = gpd.GeoDataFrame(
        {"parcel_id": ["A", "B", "C"]},
        geometry=[shapely.box(150, 10, 250, 90), shapely.box(350, 50, 450, 90), None],
        crs=crs,
    )
    far = compute_far(parcels, profile=load_profile("zhejiang-2023"), buildings=buildings)
    assert far[BUILDINGS_COVER].tolist() == [True, False, pd.NA]


def _sample_inputs() -> RunInputs:
    def pick(name: str) -> Path | None:
        hits = sorted(SAMPLE.glob(f"{name}.*"))
        return next((h for h in hits if h.suffix in {".shp", ".xlsx", ".gpkg", ".tif"}), None)

    return RunInputs(
        parcels=pick("parcels"), enterprises=pick("enterprises"), links=pick("links"),
        compliance=pick("compliance"), planning=pick("planning"), demolition=pick("demolition"),
        townships=pick("townships"), buildings=pick("buildings"), height_raster=pick("height"),
        special_zones=pick("special_zones"), applications=pick("applications"),
    )  # fmt: skip


@pytest.mark.parametrize("raster", [True, False], ids=["with-raster", "without-raster"])
def test_a_run_of_both_stages_measures_the_buildings_once(
    raster: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = _sample_inputs()
    assert inputs.buildings is not None
    if not raster:
        inputs = dataclasses.replace(inputs, height_raster=None)
    calls: list[int] = []
    original = landgov.far.ratio._from_buildings

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(landgov.far.ratio, "_from_buildings", counted)
    monkeypatch.setenv(ENV, "1")  # counted in this process
    run_screening(inputs, profile="yuecheng-2022", out_dir=tmp_path / "out",
                  as_of="2026-06-30", progress=False, far=FarOptions(forms="none"))  # fmt: skip
    assert len(calls) == 1


def test_buildings_that_fail_in_the_child_are_the_error_of_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The measure fails in its child (two CPUs) as it would in-process: the same error, raised
    to the caller, and no run folder left."""
    from landgov.errors import DataFileError

    def failing(*_args: Any, **_kwargs: Any) -> Any:
        raise DataFileError("建筑图层无法计算（测试）")

    monkeypatch.setattr(landgov.run.far, "buildings_on_plots", failing)
    for processes in (None, "1"):
        if processes is None and not can_fork():
            continue
        if processes:
            monkeypatch.setenv(ENV, processes)
        out = tmp_path / f"out{processes}"
        with pytest.raises(DataFileError, match="建筑图层无法计算（测试）"):
            run_screening(_sample_inputs(), profile="yuecheng-2022", out_dir=out,
                          as_of="2026-06-30", progress=False)  # fmt: skip
        assert not out.exists()
