"""A plot whose pieces overlap is repaired as their union, not as what an odd number of pieces
cover; a repair that throws away much of the drawing leaves the area missing.

Shapes are 100 m squares near 绍兴 in EPSG:4549 (CGCS2000 3° zone, CM 120°E); every expected
area is worked out by hand in the comments.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box

from landgov.core.problems import ProblemLog
from landgov.io._geometry import repair_polygons
from landgov.io.parcels import read_parcels

E0, N0 = 555_900.0, 3_320_200.0
SQUARE = box(E0, N0, E0 + 100, N0 + 100)  # 10,000 m²


def _shifted(n: int) -> MultiPolygon:
    """``n`` copies of SQUARE, each 10 m further east and north: a plot digitised n times."""
    return MultiPolygon([affinity.translate(SQUARE, 10 * k, 10 * k) for k in range(n)])


def _read(tmp_path: Path, geoms: list, registered: list[float | None]):
    frame = gpd.GeoDataFrame(
        {
            "宗地代码": [f"330602001002GB{i + 1:05d}" for i in range(len(geoms))],
            "宗地面积": registered,
        },
        geometry=geoms,
        crs="EPSG:4549",
    )
    path = tmp_path / "宗地.gpkg"
    frame.to_file(path, driver="GPKG", layer="parcels", engine="pyogrio")
    return read_parcels(path)


def _row(res, row: int) -> tuple[float, str]:
    area = float(res.data.loc[res.data["source_row"] == row, "area_m2"].iloc[0])
    problems = res.problems.loc[res.problems["row"] == row, "problem"]
    (repair,) = [p for p in problems if "自动修复" in p]
    return area, repair


def test_two_overlapping_parts_are_read_as_their_union(tmp_path: Path) -> None:
    # Two copies 10 m apart: each 10,000 m², overlapping 90 × 90 = 8,100 m², so the union is
    # 20,000 − 8,100 = 11,900 m². make_valid's default kept only the frame covered once:
    # 20,000 − 2 × 8,100 = 3,800 m², and that area fed every figure per 亩.
    res = _read(tmp_path, [_shifted(2)], [10_000.0])
    area, problem = _row(res, 1)
    assert area == pytest.approx(11_900.0)
    assert "各部件相互重叠，已按各部件的并集计" in problem, problem
    assert "20,000.0→11,900.0 平方米" in problem, problem
    assert "待核实" not in problem, problem  # 11,900 is more than half of 20,000


def test_overlapping_holes_are_taken_off_once(tmp_path: Path) -> None:
    # Holes 40 × 40 at (20, 20) and (40, 40) overlap by 20 × 20: together they cover
    # 1,600 + 1,600 − 400 = 2,800 m², so the plot is 10,000 − 2,800 = 7,200 m². make_valid's
    # default gave the overlap back as land: 7,600 m².
    def hole(x: float) -> list[tuple[float, float]]:
        return list(box(E0 + x, N0 + x, E0 + x + 40, N0 + x + 40).exterior.coords)

    res = _read(tmp_path, [Polygon(SQUARE.exterior.coords, [hole(20), hole(40)])], [7_200.0])
    area, problem = _row(res, 1)
    assert area == pytest.approx(7_200.0)
    assert "内环（洞）重复或相互重叠，已按各洞的并集扣除" in problem, problem


def test_a_repair_keeping_under_half_the_parts_is_not_used_unless_registered(
    tmp_path: Path,
) -> None:
    # Three copies 10 m apart: 30,000 m² drawn; the union is 10,000 + 2 × (10,000 − 8,100)
    # = 13,800 m², 46% of it. Row 1 has no registered area, row 2 registers 18,446 m² (off by
    # 25%): neither confirms the union, so the area is missing. Row 3 is three identical copies
    # (union 10,000 m², 33%) registered as 10,100 m² (1% off): the union is confirmed.
    far = affinity.translate
    geoms = [_shifted(3), far(_shifted(3), 500, 0), far(MultiPolygon([SQUARE] * 3), 1000, 0)]
    res = _read(tmp_path, geoms, [None, 18_446.0, 10_100.0])
    for row, seen in ((1, "且没有登记面积可核对"), (2, "与登记面积 18,446.0 平方米也不符")):
        area, problem = _row(res, row)
        assert np.isnan(area), (row, area)
        assert "只剩各部件面积之和 30,000.0 平方米的 46%" in problem, problem
        assert seen in problem, problem
        assert "面积按缺失处理，相关亩均指标为待核实" in problem, problem
        geom = res.data.loc[res.data["source_row"] == row].geometry.iloc[0]
        assert geom.area == pytest.approx(13_800.0)  # the shape is kept for maps and overlays
    area, problem = _row(res, 3)
    assert area == pytest.approx(10_000.0)
    assert "待核实" not in problem, problem
    assert len(res.data) == 3 and res.rejected.empty


def test_bowtie_and_spike_are_repaired_as_before() -> None:
    # A 100 m bow tie: two triangles of 2,500 m²; a 500 m spike back along an edge: 10,000 m².
    bowtie = Polygon([(E0, N0), (E0 + 100, N0 + 100), (E0 + 100, N0), (E0, N0 + 100)])
    spike = Polygon(
        [(E0, N0), (E0 + 100, N0), (E0 + 100, N0 + 100), (E0 + 600, N0 + 100),
         (E0 + 100, N0 + 100), (E0, N0 + 100)]
    )  # fmt: skip
    log = ProblemLog("宗地.gpkg")
    got = repair_polygons(
        gpd.GeoSeries([bowtie, spike], crs="EPSG:4549"),
        rows=np.array([1, 2]), log=log, id_values=np.array(["A", "B"], dtype=object),
        registered_m2=np.array([np.nan, np.nan]),
    )  # fmt: skip
    assert got.geoms.area.tolist() == pytest.approx([5_000.0, 10_000.0])
    assert not got.area_unknown.any() and not got.unusable.any()
    assert not log.frame()["problem"].str.contains("并集").any()
