"""连片 blocks on hand-drawn plots (docs/domain.md §7; 100 亩 [000 4]; 30 m gap project default)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from landgov.screening.blocks import BLOCK_COLUMNS, find_blocks, label_blocks
from landgov.units import M2_PER_MU

X0, Y0 = 556_000.0, 3_320_000.0
CRS = "EPSG:4549"


def _strip(widths_mu: list[float], *, depth: float = 200.0, gap: float = 0.0) -> list[box]:
    """Plots side by side along x, each ``depth`` m deep, with ``gap`` m between them."""
    out, x = [], X0
    for mu in widths_mu:
        width = mu * M2_PER_MU / depth
        out.append(box(x, Y0, x + width, Y0 + depth))
        x += width + gap
    return out


def _frame(geoms: list, **cols) -> gpd.GeoDataFrame:
    n = len(geoms)
    data = {"parcel_id": [f"P{i + 1}" for i in range(n)], **cols}
    return gpd.GeoDataFrame(data, geometry=geoms, crs=CRS, index=[100 + i for i in range(n)])


def test_three_touching_plots_of_101_mu_form_a_large_block():
    # 33 + 34 + 34 = 101 亩, sharing edges → one block ≥ 100 亩 [000 4] → large
    plots = _frame(
        _strip([33, 34, 34]),
        tax_wan=[33.0, 68.0, None],
        usccs=["U1", "U2；U3", "U3"],
        path=["整治提升", "拆除重建", "整治提升"],
    )
    block_id, blocks = find_blocks(plots)
    assert list(block_id.index) == [100, 101, 102]
    assert block_id.nunique() == 1
    assert len(blocks) == 1
    block = blocks.iloc[0]
    assert block["area_mu"] == pytest.approx(101.0)
    assert bool(block["large"]) is True
    assert block["n_parcels"] == 3
    assert block["parcel_ids"] == "P1；P2；P3"
    assert block["n_enterprises"] == 3  # U1, U2, U3 (U3 on two plots counted once)
    assert block["tax_wan"] == pytest.approx(101.0)  # 33 + 68; the unknown third is not 0
    assert block["tax_per_mu"] == pytest.approx(1.0)
    assert block["paths"] == "拆除重建1；整治提升2"
    assert set(BLOCK_COLUMNS) <= set(blocks.columns)
    assert blocks.crs == plots.crs


def test_99_mu_is_not_large():
    # 33 + 33 + 33 = 99 亩 < 100 亩 → still one block, but not large
    _, blocks = find_blocks(_frame(_strip([33, 33, 33])))
    assert len(blocks) == 1
    assert blocks.iloc[0]["area_mu"] == pytest.approx(99.0)
    assert not bool(blocks.iloc[0]["large"])


def test_road_gap_20m_joins_40m_does_not():
    # default gap 30 m: plots 20 m apart (across a road) join; 40 m apart stay separate
    near = _frame(_strip([60, 60], gap=20.0))
    far = _frame(_strip([60, 60], gap=40.0))
    ids_near, blocks_near = find_blocks(near)
    ids_far, blocks_far = find_blocks(far)
    assert ids_near.nunique() == 1
    assert len(blocks_near) == 1
    assert bool(blocks_near.iloc[0]["large"])  # 120 亩 across the road
    assert ids_far.nunique() == 2
    assert not blocks_far["large"].any()  # 60 亩 each


def test_gap_is_configurable():
    plots = _frame(_strip([60, 60], gap=40.0))
    ids, _ = find_blocks(plots, gap_m=50.0)
    assert ids.nunique() == 1


def test_ids_largest_first_and_missing_geometry():
    # a 10 亩 plot far away, a 50 亩 plot, and a row without geometry
    geoms = [
        box(X0 + 5000, Y0, X0 + 5000 + 10 * M2_PER_MU / 100, Y0 + 100),
        *_strip([50]),
        None,
    ]
    ids, blocks = find_blocks(_frame(geoms))
    assert ids.loc[101] == "B0001"  # the larger block first
    assert ids.loc[100] == "B0002"
    assert pd.isna(ids.loc[102])
    assert list(blocks.index) == ["B0001", "B0002"]


def test_empty_input():
    empty = gpd.GeoDataFrame({"parcel_id": []}, geometry=[], crs=CRS)
    ids, blocks = find_blocks(empty)
    assert len(ids) == 0
    assert len(blocks) == 0


def test_labels_match_a_brute_force_grouping():
    # independent check: union–find over all pairs with distance ≤ gap
    rng = np.random.default_rng(7)
    geoms = [
        box(x, y, x + w, y + w)
        for x, y, w in zip(
            rng.uniform(0, 2000, 60),
            rng.uniform(0, 2000, 60),
            rng.uniform(20, 120, 60),
            strict=True,
        )
    ]
    frame = gpd.GeoDataFrame(geometry=geoms, crs=CRS)
    labels = label_blocks(frame, gap_m=30.0).to_numpy()
    parent = list(range(len(geoms)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            if geoms[i].distance(geoms[j]) <= 30.0:
                parent[find(i)] = find(j)
    roots = [find(i) for i in range(len(geoms))]
    for i in range(len(geoms)):
        for j in range(len(geoms)):
            assert (labels[i] == labels[j]) == (roots[i] == roots[j])
