"""landgov.core.overlay: area shares, the largest overlap, the demolition-plan rule."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from landgov.core.overlay import DemolitionRule, coverage, demolition_overlay, intersections
from landgov.policy import load_profile
from landgov.verdict import Citation

X0, Y0 = 500000.0, 3300000.0
CITE = Citation("000", "附件3 三.1")


def _plots(index=("a", "b", "c")) -> gpd.GeoDataFrame:
    # three 100 m × 100 m plots, 1 km apart
    geoms = [shapely.box(X0 + i * 1000, Y0, X0 + i * 1000 + 100, Y0 + 100) for i in range(3)]
    return gpd.GeoDataFrame(
        {"parcel_id": ["P1", "P2", "P3"]}, geometry=geoms, index=list(index), crs=4549
    )


def _layer() -> gpd.GeoDataFrame:
    # plot a: 30 % class x + 50 % class y; plot b: a shared edge only; plot c: nothing
    geoms = [
        shapely.box(X0, Y0, X0 + 30, Y0 + 100),
        shapely.box(X0 + 30, Y0, X0 + 80, Y0 + 100),
        shapely.box(X0 + 1100, Y0, X0 + 1200, Y0 + 100),
    ]
    return gpd.GeoDataFrame({"cls": ["x", "y", "x"]}, geometry=geoms, index=[7, 8, 9], crs=4549)


def test_intersections_pairs_largest_first():
    got = intersections(_plots(), _layer())
    assert got["parcel"].tolist() == ["a", "a"]  # the shared edge of b has no area
    assert got["feature"].tolist() == [8, 7]
    assert got["area_m2"].tolist() == pytest.approx([5000.0, 3000.0])
    assert got["share"].tolist() == pytest.approx([0.5, 0.3])


def test_intersections_drop_slivers():
    got = intersections(_plots(), _layer(), min_area_m2=3000.0)
    assert got["feature"].tolist() == [8]


def test_coverage_by_class_keeps_the_parcel_index():
    layer = _layer()
    got = coverage(_plots(), layer, classes=layer["cls"])
    assert got.index.tolist() == ["a", "b", "c"]
    assert got["x"].tolist() == pytest.approx([0.3, 0.0, 0.0])
    assert got["y"].tolist() == pytest.approx([0.5, 0.0, 0.0])
    assert got["covered"].tolist() == pytest.approx([0.8, 0.0, 0.0])
    assert got["largest"].tolist() == [8, None, None]
    assert got["largest_share"].tolist() == pytest.approx([0.5, 0.0, 0.0])


def test_coverage_reprojects_the_layer():
    layer = _layer().to_crs(4326)
    got = coverage(_plots(), layer)
    assert got.loc["a", "covered"] == pytest.approx(0.8, abs=1e-3)


def test_coverage_of_an_empty_layer_is_zero():
    empty = gpd.GeoDataFrame({"cls": []}, geometry=[], crs=4549)
    got = coverage(_plots(), empty)
    assert got["covered"].tolist() == [0.0, 0.0, 0.0]


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.0, max_value=1.0))
def test_coverage_share_equals_the_drawn_fraction(a, b):
    plot = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 100, 100)], crs=4549)
    # two overlapping strips: shares add up (a partition is assumed) and are capped at 1
    layer = gpd.GeoDataFrame(
        geometry=[shapely.box(0, 0, 100 * a, 100), shapely.box(0, 0, 100 * b, 100)], crs=4549
    )
    got = coverage(plot, layer)["covered"].iloc[0]
    assert got == pytest.approx(min(1.0, a + b), abs=1e-9)
    assert 0.0 <= got <= 1.0


@pytest.mark.parametrize(
    ("comparison", "share", "inside"),
    [(">=", 0.1, True), (">=", 0.0999, False), (">", 0.1, False), (">", 0.1001, True)],
)
def test_demolition_rule_comparison(comparison, share, inside):
    rule = DemolitionRule(0.1, comparison, CITE)
    assert rule.inside(share) is inside


def test_demolition_rule_words():
    rule = DemolitionRule(0.1, ">=", CITE)
    assert rule.describe(0.5) == "占 50%，达到 10%"
    assert rule.describe(0.05) == "占 5%，未达到 10%"
    assert rule.describe(0.001) == "占 不足 1%，未达到 10%"


def test_demolition_rule_from_profile():
    rule = DemolitionRule.from_profile(load_profile("zhejiang-2023"))
    assert (rule.share, rule.comparison) == (0.1, ">=")
    assert rule.citation.clause == "附件3 三.1"


def test_demolition_overlay():
    plots = _plots()
    plans = gpd.GeoDataFrame(
        {"plan_name": ["南片改造", None], "plan_year": [2023, None]},
        geometry=[
            shapely.box(X0, Y0, X0 + 5, Y0 + 100),
            shapely.box(X0 + 1000, Y0, X0 + 1050, Y0 + 100),
        ],
        crs=4549,
    )
    got = demolition_overlay(plots, plans, rule=DemolitionRule(0.1, ">=", CITE))
    assert got.index.tolist() == ["a", "b", "c"]
    assert got["share"].tolist() == pytest.approx([0.05, 0.5, 0.0])
    assert got["inside"].tolist() == [False, True, False]
    assert got["plans"].tolist() == [("南片改造（2023年）",), ("未命名计划",), ()]


def test_results_do_not_modify_inputs():
    plots, layer = _plots(), _layer()
    before = (plots.copy(), layer.copy())
    coverage(plots, layer, classes=layer["cls"])
    pd.testing.assert_frame_equal(plots, before[0])
    pd.testing.assert_frame_equal(layer, before[1])
