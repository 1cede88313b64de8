"""Hand-worked 增容 cases, round 4: 容积率上限 and 增容空间 on a floor area estimated from heights.

越政发〔2022〕24号 附件3 第二条: 「容积率上限可提高至 2.5」 (2.5 itself allowed). A plot's floor
area is, in order, from building records, the recorded 建筑面积, the recorded 容积率, building
heights, a height raster (``far_source``). The two height estimates count storeys with
``far.raster_storey_height_m`` (5 m; the raster also with ``far.raster_min_height_m``), both
示例规则（非官方） in yuecheng-2022: a 符合 resting on them is 待核实 (the registered 建筑面积 to
collect), a 不符合 resting on them says so (core.vocab.example_fail), unless it holds whatever
the estimate (the added floor area alone over the cap). A figure built on an estimate (增容空间,
the 初审表's 建筑面积 and 容积率) says it is an estimate (估算).

三.6 (标准地: 投资、能耗、排放、亩均产出、研发) reads the application's figures and the plot's land
area, never its floor area; 三.2 reads floor area only as 「建筑面积为 0」 from a source that
shows buildings (far.ratio.shows_buildings): neither is concerned.

Plot: 21 亩 = 14000 m² (100 m × 140 m); one building over its western half (7000 m²), 10 m high,
storeys not recorded → 10 / 5 = 2 storeys → 14000 m² (建筑高度估算), 容积率 1.0; each storey
5 m ≤ 8 m, so the real and the counted floor area agree (no 计容 reading question).
Cap floor area = 2.5 × 14000 = 35000 m²; 增容空间 = 35000 − 14000 = 21000 m².
"""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from landgov.core.vocab import EXAMPLE_FAIL, EXAMPLE_ONLY
from landgov.far.zengrong import check_parcels
from tests._hand import (
    CRS,
    F,
    P,
    U,
    application,
    applications,
    county_set,
    plots,
    zengrong_inputs,
)
from tests.test_policy_hand_zengrong2 import _form_cells

_HEIGHTS = ("far.raster_storey_height_m", "far.raster_min_height_m")


def _parcels(n: int) -> gpd.GeoDataFrame:
    return plots(n, mu=21.0).drop(columns="floor_area_m2")


def _tall(parcels: gpd.GeoDataFrame, height: float = 10.0) -> gpd.GeoDataFrame:
    """One building over the western half of each plot, ``height`` m high, storeys unknown."""
    geoms = []
    for geom in parcels.geometry:
        x0, y0, x1, y1 = geom.bounds
        geoms.append(shapely.box(x0, y0, x0 + (x1 - x0) / 2, y1))
    return gpd.GeoDataFrame(
        {"parcel_id": parcels["parcel_id"].tolist(), "height_m": [height] * len(geoms)},
        geometry=geoms,
        crs=CRS,
    )


def _applied(profile, added: list[float]):
    parcels = _parcels(len(added))
    rows = [
        application(pid, i, added_floor_m2=a)
        for i, (pid, a) in enumerate(zip(parcels["parcel_id"], added, strict=True))
    ]
    return applications(profile, parcels, rows, buildings=_tall(parcels))


def test_cap_on_a_height_estimate(official):
    """Current floor area 14000 m² (estimate), cap 35000 m²:
    甲 adds 20000 → 34000 / 14000 = 2.43 ≤ 2.5 → 符合 only on the estimate → 待核实 (was 符合),
       naming the estimate and the registered 建筑面积 to collect;
    乙 adds 22000 → 36000 / 14000 = 2.57 > 2.5 → 不符合, but a real floor area under
       13000 m² would pass → the note EXAMPLE_FAIL (was without it);
    丙 adds 36000 → 36000 alone > 35000 → 不符合 whatever the estimate (floor area ≥ 0): no
       note, the reason says the added floor area alone exceeds the cap.
    Storey and cell height set in the county's own document → [符合, 不符合, 不符合], no note."""
    got = _applied(official, [20000.0, 22000.0, 36000.0])
    assert got["far_source"].tolist() == ["建筑高度估算"] * 3
    assert got["far_after"].tolist() == pytest.approx([34000 / 14000, 36000 / 14000, 50000 / 14000])
    assert got["cap"].tolist() == [U, F, F]
    note = got["cap_note"]
    assert "估算" in note.iloc[0] and EXAMPLE_ONLY in note.iloc[0]
    assert "登记建筑面积" in got["missing"].iloc[0]
    assert EXAMPLE_FAIL in note.iloc[1] and "估算" in note.iloc[1]
    assert EXAMPLE_FAIL not in note.iloc[2]
    assert "新增建筑面积 36,000 平方米单独已超出上限" in note.iloc[2]
    own = _applied(county_set(official, *_HEIGHTS), [20000.0, 22000.0, 36000.0])
    assert own["cap"].tolist() == [P, F, F]
    assert not any("示例规则" in n for n in own["cap_note"])


def test_cap_on_building_records_is_unchanged(official):
    """The same building with 2 storeys recorded (建筑记录, a fact): 14000 m² as well; 甲 adds
    20000 → 2.43 ≤ 2.5 → 符合; no estimate is named."""
    parcels = _parcels(1)
    tall = _tall(parcels).drop(columns="height_m").assign(storeys=[2], storey_height_m=[5.0])
    rows = [application(parcels["parcel_id"].iloc[0], 0, added_floor_m2=20000.0)]
    got = applications(official, parcels, rows, buildings=tall)
    assert got["far_source"].tolist() == ["建筑记录"]
    assert got["cap"].tolist() == [P]
    assert "估算" not in got["cap_note"].iloc[0]


def test_screened_headroom_on_a_height_estimate(official):
    """摸排 (no application): 甲 building 10 m → 14000 m², 容积率 1.0 < 2.5 → 「有增容空间」
    rests on the estimate → 待核实 (was 符合); 增容空间 21000 m² is shown as an estimate
    (headroom_reason says 估算). 乙 building 40 m → 8 storeys → 56000 m², 容积率 4.0 ≥ 2.5 →
    无增容空间: 不符合 on the estimate → with the note. County's own heights → [符合, 不符合],
    the 增容空间 still an estimate (估算: a figure, not a fact), no 示例规则 note."""
    parcels = _parcels(2)
    tall = _tall(parcels)
    tall["height_m"] = [10.0, 40.0]
    got = check_parcels(zengrong_inputs(official, parcels, buildings=tall))
    assert got["far"].tolist() == pytest.approx([1.0, 4.0])
    assert got["headroom_m2"].tolist() == pytest.approx([21000.0, 0.0])
    assert got["cap"].tolist() == [U, F]
    assert "估算" in got["headroom_reason"].iloc[0]
    assert EXAMPLE_ONLY in got["cap_note"].iloc[0]
    assert EXAMPLE_FAIL in got["cap_note"].iloc[1]
    own = check_parcels(zengrong_inputs(county_set(official, *_HEIGHTS), parcels, buildings=tall))
    assert own["cap"].tolist() == [P, F]
    assert "估算" in own["headroom_reason"].iloc[0]
    assert not any("示例规则" in n for n in own["cap_note"])


def test_form_says_the_floor_area_is_an_estimate(official):
    """初审表 of 甲 (adds 20000): 现状 建筑面积 14,000.00 and 容积率 1.00, 实施后 容积率
    34000 / 14000 = 2.43 — each resting on the height estimate, each cell says 估算."""
    row = _applied(official, [20000.0]).iloc[0].to_dict()
    cells = _form_cells(row)
    now = cells["现状情况"].split("\n")
    assert now[1].startswith("2.建筑面积：14,000.00 平方米") and "估算" in now[1]
    assert now[2].startswith("3.容积率：1.00") and "估算" in now[2]
    after = cells["项目实施后"].split("\n")
    assert after[2].startswith("3.容积率：2.43") and "估算" in after[2]
