"""Hand-worked policy cases, round 9: the profile keys round 8 left without a hand case.

Counted by grep over ``tests/*.py`` before this file (files naming the key; hand-case files in
brackets): ``far.raster_min_height_m`` 2 [0], ``screening.idle_built_cover_min`` 1 [0],
``overlay.overlap_tolerance_m2`` 2 [0], ``blocks.road_uses`` 1 [0],
``screening.catalogue_2024_from`` 0 [0] (the 增容 edition switch is cased by date only),
``zengrong.effective_from`` 1 [0] (the day and the day before, never the key).

Every expected value was worked out on paper from the clause or the profile note it rests on
before the code ran; each case also changes the key (:func:`tests._hand.with_param`) and shows
the decision move with it, so that a changed value or reading fails here.

- 建筑高度栅格：低于 ``far.raster_min_height_m`` (2 m) 的像元视为非建筑 — 2.00 m is a building
  cell, 1.99 m is not (「低于」 excludes the number).
- 供而未用 [浙政发〔2023〕4号 二(一)1; 《闲置土地处置办法》第二条]: a plot whose built-up cover
  reaches ``screening.idle_built_cover_min`` (5 %, 「达 5% 即视为已动工」, ">=") is started.
  Both values are 示例规则（非官方）: the raster alone never makes the check 符合.
- 边界误差 ``overlay.overlap_tolerance_m2`` (1 m²): 「不超过该值视为边界误差」 — an overlap of
  1.00 m² is left out, 1.01 m² counts. Applies to 马海片区 [越政发〔2022〕24号 附件3 第七条
  第（二）项] and to the planning layer [越政发〔2022〕24号 第19条 「改一补一」].
- 规划道路 ``blocks.road_uses``: a planned road splits a 连片 block [越政发〔2022〕24号 第三条
  第4项 「100亩以上低效工业用地连片改造」]; the uses match exactly (「S11」 is no road).
- 《产业结构调整指导目录（2024年本）》(国家发展改革委令第7号) 自 2024-02-01 施行
  (``screening.catalogue_2024_from``): the day itself is 2024年本, the day before 2019年本.
- 越政发〔2022〕24号 附件3 第七条第（一）项 「本政策自 2022 年 11 月 1 日起执行」
  (``zengrong.effective_from``, ">="): 「自…起」 includes the day itself.

Then keys no test would notice changing (0–1 files naming them, none a hand case):
``far.double_storey_height_m`` (「层高超过 8 米」: 8.00 counts once),
``zengrong.record_counts_rectified``, ``zengrong.scope_right_types``,
``zengrong.excluded_catalogue_classes``,
``screening.violation_categories`` (「等各类」: an open list, it names, never excludes) and
``screening.control_line_outside_share`` (「一半以上」 includes the half).

1 亩 = 10000/15 m²; a plot of 100 m × 140 m = 14000 m² = 21 亩.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine

from landgov.far.ratio import profile_built_cover
from landgov.far.zengrong import check_applications, check_parcels
from landgov.link import link_parcels
from landgov.screening import check_catalogue, check_idle, check_planning
from tests._hand import (
    AS_OF,
    COUNTY,
    CRS,
    NO,
    OK,
    TBD,
    X0,
    Y0,
    F,
    P,
    U,
    application,
    county_set,
    enterprises,
    firms,
    owner_links,
    parcels_of,
    rectangle,
    screen_plots,
    statuses,
    with_param,
    zengrong_inputs,
)

# =============================================================================================
# far.raster_min_height_m = 2 m: 「建筑高度栅格中低于该值的像元视为非建筑」.


def _height_raster(path, heights: list[float]) -> None:
    """A 10 m-cell height raster over plots 0 … n−1 (100 m × 100 m each, 1 km apart), every
    cell of plot ``i`` ``heights[i]`` m high, 0 between the plots (float64: the heights are
    exact)."""
    n = len(heights)
    grid = np.zeros((10, 100 * (n - 1) + 10), dtype="float64")
    for i, h in enumerate(heights):
        grid[:, 100 * i : 100 * i + 10] = h
    with rasterio.open(
        path, "w", driver="GTiff", width=grid.shape[1], height=10, count=1, dtype="float64",
        crs=f"EPSG:{CRS}", transform=Affine(10.0, 0, X0, 0, -10.0, Y0 + 100), nodata=-1,
    ) as dst:  # fmt: skip
        dst.write(grid, 1)


def _three_squares(**over) -> gpd.GeoDataFrame:
    return parcels_of([rectangle(100.0, 100.0, i) for i in range(3)], **over)


def test_raster_cells_of_exactly_2_m_are_buildings_and_1_99_m_are_not(yuecheng, tmp_path):
    # Three 1-hectare plots, each uniformly 1.99 / 2.00 / 2.01 m high on the raster.
    # far.raster_min_height_m = 2.0: cells 「低于」 2 m are not buildings (低于 excludes 2.00):
    #   甲 1.99 < 2 → cover 0 %; 乙 2.00 → 100 %; 丙 2.01 → 100 %.
    # 供而未用: contract start 2019-01-01, no start/completion date, floor area unknown; on
    # 2024-06-30 that is 5 full years. With both thresholds a county's own (official):
    #   甲 cover 0 % < 5 % → not started → 闲置 (不符合, 满两年 可无偿收回);
    #   乙, 丙 cover 100 % ≥ 5 % → started → 符合.
    # With the shipped 示例规则（非官方） values 乙, 丙 are 待核实 (the raster alone never makes
    # the check 符合); 甲 stays 不符合 (a bare plot is idle whatever the threshold).
    raster = tmp_path / "h.tif"
    _height_raster(raster, [1.99, 2.0, 2.01])
    parcels = _three_squares(contract_start_date=["2019-01-01"] * 3, completion_date=[None] * 3)
    parcels["floor_area_m2"] = None
    cover = profile_built_cover(parcels, raster, profile=yuecheng)
    assert cover.tolist() == pytest.approx([0.0, 1.0, 1.0])
    county = county_set(yuecheng, "far.raster_min_height_m", "screening.idle_built_cover_min")
    got = check_idle(parcels.assign(built_cover=cover), profile=county, as_of="2024-06-30")
    assert statuses(got) == [F, P, P]
    assert got.iloc[0].values["idle_years"] == 5 and got.iloc[0].values["recoverable"] is True
    shipped = check_idle(parcels.assign(built_cover=cover), profile=yuecheng, as_of="2024-06-30")
    assert statuses(shipped) == [F, U, U]
    assert "示例规则（非官方）" in shipped.iloc[1].reason

    # The key moved to 2.01 m: 乙's 2.00 m cells are no longer buildings → 闲置.
    higher = with_param(county, "far.raster_min_height_m", value=2.01)
    cover = profile_built_cover(parcels, raster, profile=higher)
    assert cover.tolist() == pytest.approx([0.0, 0.0, 1.0])
    got = check_idle(parcels.assign(built_cover=cover), profile=higher, as_of="2024-06-30")
    assert statuses(got) == [F, F, P]


def test_raster_min_height_alone_not_official_keeps_raster_start_unknown(yuecheng):
    # The cover threshold a county's own but the 2 m cell height still 示例规则（非官方）: the
    # cover rests on both, so a plot started by the raster alone stays 待核实.
    parcels = _three_squares(contract_start_date=["2019-01-01"] * 3, completion_date=[None] * 3)
    parcels["floor_area_m2"] = None
    parcels["built_cover"] = [0.0, 1.0, 1.0]
    only_cover = county_set(yuecheng, "screening.idle_built_cover_min")
    assert not only_cover["far.raster_min_height_m"].official
    assert statuses(check_idle(parcels, profile=only_cover, as_of="2024-06-30")) == [F, U, U]


# =============================================================================================
# screening.idle_built_cover_min = 0.05, ">=": 「达 5% 即视为已动工，低于 5% 视为地面无建筑」.


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, [F, P, P]),  # 4.99 % < 5 % idle; 5.00 % and 5.01 % started
        ({"value": 0.0501}, [F, F, P]),  # the threshold moved: 5.00 % is bare now
        ({"comparison": ">"}, [F, F, P]),  # read as 「超过 5%」: 5.00 % is bare
    ],
)
def test_built_cover_of_exactly_5_percent_is_started(yuecheng, change, expected):
    # Contract start 2023-06-30, nothing else known; on 2024-06-30 that is 满一年 (12 months,
    # 《民法典》第二百零二条), so a plot not started is 闲置 (idle_years = 1 ≥ 1). Cover from
    # the raster: 甲 0.0499, 乙 0.05, 丙 0.0501. Both thresholds a county's own.
    parcels = _three_squares(
        contract_start_date=["2023-06-30"] * 3,
        completion_date=[None] * 3,
        built_cover=[0.0499, 0.05, 0.0501],
    )
    parcels["floor_area_m2"] = None
    county = county_set(yuecheng, "far.raster_min_height_m", "screening.idle_built_cover_min")
    county = with_param(county, "screening.idle_built_cover_min", **change)
    got = check_idle(parcels, profile=county, as_of="2024-06-30")
    assert statuses(got) == expected
    assert got.iloc[0].values["idle_years"] == 1
    assert got.iloc[0].values["recoverable"] is False  # 不满两年


def test_built_cover_threshold_shipped_is_never_a_pass_on_its_own(yuecheng):
    # The shipped 5 % (示例规则（非官方）): 5.00 % and 5.01 % cannot make the check 符合
    # → 待核实, the start date asked for; 4.99 % is still bare → 闲置 不符合. On the day before
    # the year is complete (2024-06-29: 11 months) no plot is idle yet → 符合 by the official
    # one-year rule, whatever the raster says.
    parcels = _three_squares(
        contract_start_date=["2023-06-30"] * 3,
        completion_date=[None] * 3,
        built_cover=[0.0499, 0.05, 0.0501],
    )
    parcels["floor_area_m2"] = None
    got = check_idle(parcels, profile=yuecheng, as_of="2024-06-30")
    assert statuses(got) == [F, U, U]
    assert any("start_date" in m for m in got.iloc[1].missing)
    assert "5%" in got.iloc[1].reason and "示例规则（非官方）" in got.iloc[1].reason
    day_before = check_idle(parcels, profile=yuecheng, as_of="2024-06-29")
    assert statuses(day_before) == [P, P, P]


def test_idle_plot_is_on_the_governance_list(yuecheng):
    # The user-visible decision: 甲 (cover 4.99 %) 闲置 → 治理; 乙 (5.00 %) is 待核实 under the
    # shipped threshold (示例规则（非官方）) — never 不列入 on the raster alone.
    parcels = parcels_of(
        [rectangle(100.0, 140.0, i) for i in range(2)],
        contract_start_date=["2023-06-30"] * 2,
        completion_date=[None] * 2,
        built_cover=[0.0499, 0.05],
    )
    parcels["floor_area_m2"] = None
    got = screen_plots(yuecheng, parcels, firms(2, land_mu=21.0, tax_wan=420.0)).parcels
    assert got["screening_status"].iloc[0] == "治理"
    assert got["screening_status"].iloc[1] != "不列入"


# =============================================================================================
# overlay.overlap_tolerance_m2 = 1 m²: 「重叠…不超过该值视为边界误差」 (不超过 includes 1.00).

#: A 0.4 m wide strip over the east edge of plot 0 (100 m × 140 m), ``h`` m long: the overlap is
#: 0.4 × h m² as drawn. At h = 2.5 it is 1.00 m² as drawn; shapely measures it from the corner
#: coordinates as 1.0000000000582 m² (556099.6 is not exact in binary).


def _strip(h: float) -> shapely.Polygon:
    return shapely.box(X0 + 99.6, Y0 + 0.3, X0 + 100.9, Y0 + 0.3 + h)


@pytest.mark.parametrize(
    ("h", "status"),
    [(2.475, P), (2.5, P), (2.525, U)],  # overlap 0.99, 1.00, 1.01 m²
)
def test_mahai_zone_overlap_of_1_m2_is_a_boundary_error(official, h, status):
    # 越政发〔2022〕24号 附件3 第七条第（二）项: 马海片区 has its own policy, a plot inside it is
    # 不可申报. A 21-亩 plot whose east edge the zone's polygon overlaps by 0.4 × h m²:
    #   0.99 m² ≤ 1 → boundary error → not in the zone → scope 符合 → 可申报
    #   1.00 m² ≤ 1 (不超过 includes the number) → 符合 → 可申报
    #   1.01 m² > 1 → partly in 马海片区 (the rest of the plot far over 1 m²) → scope 待核实
    # (before the fix 1.00 m² read 1.0000000000582 > 1 → 不可申报; and any overlap over 1 m²
    # made the plot 不可申报.)
    parcels = parcels_of([rectangle(100.0, 140.0, 0)])
    parcels["floor_area_m2"] = 14000.0 * 0.8
    zone = gpd.GeoDataFrame({"zone_name": ["马海片区"]}, geometry=[_strip(h)], crs=CRS)
    inputs = dataclasses.replace(zengrong_inputs(official, parcels), special_zones=zone)
    app = pd.DataFrame([application(parcels["parcel_id"].iloc[0])])
    for got in (check_parcels(inputs), check_applications(app, inputs)):
        assert got["scope"].iloc[0] == status
    assert check_applications(app, inputs)["zengrong"].iloc[0] == (OK if status is P else TBD)
    # the key moved to 0.5 m²: the 1.00 m² overlap is a partial one
    tighter = with_param(official, "overlay.overlap_tolerance_m2", value=0.5)
    inputs = dataclasses.replace(zengrong_inputs(tighter, parcels), special_zones=zone)
    assert check_applications(app, inputs)["scope"].iloc[0] == U


@pytest.mark.parametrize(("h", "status"), [(2.5, P), (2.525, U)])
def test_planning_sliver_of_1_m2_is_a_boundary_error(yuecheng, h, status):
    # 越政发〔2022〕24号 第19条 (改变工业用途的执行「改一补一」); share 0.5 (示例规则（非官方）).
    # A 21-亩 plot planned 工业用地 except a strip of 0.4 × h m² planned 商业用地:
    #   1.00 m² ≤ 1 → boundary error → nothing of the plot planned otherwise → 符合
    #   1.01 m² > 1 → 1.01 / 14000 = 0.007 % planned otherwise: under the 50 % share, but that
    #                 share is 示例规则（非官方） → 待核实, never 符合 on it alone.
    # (before the fix 1.00 m² measured 1.0000000000582 > 1 → 待核实.)
    plot = rectangle(100.0, 140.0, 0)
    parcels = parcels_of([plot])
    strip = _strip(h)
    planning = gpd.GeoDataFrame(
        {"planned_use": ["工业用地", "商业用地"], "inside_control_line": ["是", "是"]},
        geometry=[plot.difference(strip), strip],
        crs=CRS,
    )
    got = check_planning(parcels, planning=planning, profile=yuecheng)
    assert statuses(got) == [status]
    tighter = with_param(yuecheng, "overlay.overlap_tolerance_m2", value=0.5)
    assert statuses(check_planning(parcels, planning=planning, profile=tighter)) == [U]


@pytest.mark.parametrize(("h", "status"), [(2.5, P), (2.525, U)])
def test_plot_uncovered_by_1_m2_of_the_planning_layer_is_covered(yuecheng, h, status):
    # 「宗地未被规划图层覆盖的部分，不超过该值视为边界误差」: the planning layer is 工业用地
    # everywhere but a 0.4 × h m² strip it leaves blank:
    #   1.00 m² uncovered → none → 符合;
    #   1.01 m² uncovered → its use is not known → 待核实 (under a 示例规则 share).
    plot = rectangle(100.0, 140.0, 0)
    parcels = parcels_of([plot])
    planning = gpd.GeoDataFrame(
        {"planned_use": ["工业用地"], "inside_control_line": ["是"]},
        geometry=[plot.difference(_strip(h))],
        crs=CRS,
    )
    got = check_planning(parcels, planning=planning, profile=yuecheng)
    assert statuses(got) == [status]


# =============================================================================================
# blocks.road_uses: a planned road between two plots splits their 连片 block.


@pytest.mark.parametrize(
    ("use", "joined"),
    [
        ("城镇村道路用地", False),  # 用地用海分类 1207 by name → a road
        ("1207", False),
        ("S1", False),  # GB 50137-2011 城市道路用地
        ("S11", True),  # no such code: exact match, never a prefix
        ("120701", True),
        ("工业用地", True),
    ],
)
def test_planned_road_between_two_plots_splits_the_block(yuecheng, use, joined):
    # Two 60-亩 plots (200 m × 200 m) 8 m apart (≤ blocks.gap_m 10 m), each 低效 (亩均 120/60 =
    # 2 ≤ 5) with 容积率 0.5 < 0.7 → 拆除重建. The 8 m gap is planned ``use``:
    #   a road → the plots do not join → two blocks of 60 亩 < 100, neither large;
    #   not a road → one block of 120 亩 ≥ 100 → large [越政发〔2022〕24号 第三条第4项].
    geoms = [
        shapely.box(X0, Y0, X0 + 200, Y0 + 200),
        shapely.box(X0 + 208, Y0, X0 + 408, Y0 + 200),
    ]
    parcels = parcels_of(geoms)
    parcels["floor_area_m2"] = parcels.geometry.area * 0.5
    planning = gpd.GeoDataFrame(
        {"planned_use": ["工业用地", "工业用地", use], "inside_control_line": ["是"] * 3},
        geometry=[*geoms, shapely.box(X0 + 200, Y0 - 50, X0 + 208, Y0 + 250)],
        crs=CRS,
    )
    ents = firms(2, tax_wan=120.0, land_mu=60.0)
    got = screen_plots(yuecheng, parcels, ents, planning=planning).parcels
    assert got["path"].tolist() == ["拆除重建", "拆除重建"]
    assert (got["block_id"].iloc[0] == got["block_id"].iloc[1]) is joined
    area = 120.0 if joined else 60.0
    assert got["block_area_mu"].tolist() == pytest.approx([area, area])
    assert got["block_large"].tolist() == [joined, joined]
    if not joined:  # the key without this use: the same gap no longer splits the block
        uses = [u for u in yuecheng.value("blocks.road_uses") if u != use]
        fewer = with_param(yuecheng, "blocks.road_uses", value=uses)
        again = screen_plots(fewer, parcels, ents, planning=planning).parcels
        assert again["block_large"].tolist() == [True, True]
        assert again["block_area_mu"].tolist() == pytest.approx([120.0, 120.0])


# =============================================================================================
# screening.catalogue_2024_from = 2024-02-01: 2024年本 from that day on (含当日).


@pytest.mark.parametrize(
    ("day", "edition"), [("2024-01-31", "2019年本"), ("2024-02-01", "2024年本")]
)
def test_screening_catalogue_edition_on_the_switch_day(yuecheng, day, edition):
    # 国家发展改革委令第7号: 《产业结构调整指导目录（2024年本）》自 2024 年 2 月 1 日起施行.
    # 甲 淘汰类 → 不符合; 乙 允许类 → 符合; the reason names the edition in force on the as-of
    # date: 2024-01-31 → 2019年本, 2024-02-01 (the day itself) → 2024年本.
    parcels = _three_squares().iloc[:2]
    ents = enterprises(2, catalogue_class=["淘汰类", "允许类"])
    got = check_catalogue(
        parcels, enterprises=ents, pairs=owner_links(parcels), profile=yuecheng, as_of=day
    )
    assert statuses(got) == [F, P]
    assert [v.values["edition"] for v in got] == [edition, edition]
    assert f"《产业结构调整指导目录（{edition}）》" in got.iloc[0].reason
    # the switch moved a day later: 2024-02-01 reads 2019年本 too
    later = with_param(yuecheng, "screening.catalogue_2024_from", value=dt.date(2024, 2, 2))
    moved = check_catalogue(
        parcels, enterprises=ents, pairs=owner_links(parcels), profile=later, as_of=day
    )
    assert moved.iloc[0].values["edition"] == "2019年本"


@pytest.mark.parametrize(
    ("day", "edition"), [("2024-01-31", "2019年本"), ("2024-02-01", "2024年本")]
)
def test_zengrong_catalogue_edition_follows_the_same_key(yuecheng, day, edition):
    # The 增容 check [越政发〔2022〕24号 附件3 第三条第5项] reads the same key: its edition
    # column and the 三.5 note move with it.
    parcels = _three_squares().iloc[:1]
    parcels["floor_area_m2"] = 8000.0
    when = dt.date.fromisoformat(day)
    inputs = dataclasses.replace(zengrong_inputs(yuecheng, parcels), as_of=when)
    got = check_parcels(inputs)
    assert got["catalogue_edition"].iloc[0] == edition
    later = with_param(yuecheng, "screening.catalogue_2024_from", value=dt.date(2024, 2, 2))
    inputs = dataclasses.replace(zengrong_inputs(later, parcels), as_of=when)
    assert check_parcels(inputs)["catalogue_edition"].iloc[0] == "2019年本"


# =============================================================================================
# zengrong.effective_from = 2022-11-01, ">=": 「本政策自 2022 年 11 月 1 日起执行」.


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, [F, P, P]),
        ({"value": dt.date(2022, 11, 2)}, [F, F, P]),  # the date moved a day
        ({"comparison": ">"}, [F, F, P]),  # read as 「11 月 1 日以后」 without the day
    ],
)
def test_application_on_the_first_day_of_the_opinion_is_in_its_period(official, change, expected):
    # Applications dated 2022-10-31, 2022-11-01, 2022-11-02 on three 21-亩 plots, each meeting
    # every other condition (official 标准地 values):
    #   10-31 < 11-01 → not in the opinion's period → scope 不符合 → 不可申报
    #   11-01 (「自…起」 includes the day) → 符合 → 可申报; 11-02 → 符合.
    parcels = parcels_of([rectangle(100.0, 140.0, i) for i in range(3)])
    parcels["floor_area_m2"] = 14000.0 * 0.8
    days = [dt.date(2022, 10, 31), dt.date(2022, 11, 1), dt.date(2022, 11, 2)]
    rows = [
        application(pid, i, application_date=d)
        for i, (pid, d) in enumerate(zip(parcels["parcel_id"], days, strict=True))
    ]
    profile = with_param(official, "zengrong.effective_from", **change)
    got = check_applications(pd.DataFrame(rows), zengrong_inputs(profile, parcels))
    assert got["scope"].tolist() == expected
    assert got["zengrong"].tolist() == [OK if s is P else NO for s in expected]
    if not change:
        assert "早于本意见施行日 2022-11-01" in got["scope_note"].iloc[0]
        # the day itself is not 「之后」: it is the first day of the period
        note = got["scope_note"].iloc[1]
        assert "申请日期 2022-11-01 在本意见执行期内（2022-11-01 起执行，含当日）" in note, note


@pytest.mark.parametrize(("day", "status"), [("2022-10-31", F), ("2022-11-01", P)])
def test_screened_plot_on_the_first_day_of_the_opinion(yuecheng, day, status):
    # 走访摸排 without an application: the plot is judged on the as-of date.
    parcels = parcels_of([rectangle(100.0, 140.0, 0)])
    parcels["floor_area_m2"] = 14000.0 * 0.8
    when = dt.date.fromisoformat(day)
    inputs = dataclasses.replace(zengrong_inputs(yuecheng, parcels), as_of=when)
    got = check_parcels(inputs)
    assert got["scope"].iloc[0] == status
    if status is F:
        assert got["zengrong"].iloc[0] == NO
        assert "[越政发〔2022〕24号 附件3 第七条第（一）项]" in got["scope_note"].iloc[0]


# =============================================================================================
# Further keys no test would notice changing, each a user-visible decision.
#
# far.double_storey_height_m = 8 m: 「层高超过 8 米的，该层建筑面积加倍计算」 (国土资发〔2008〕24号
# 附件1; 超过 excludes 8.00). It serves the national minimum 容积率 (用而未尽 [浙政发〔2023〕4号
# 二(一)1]).


def _sheds(heights: list[float]):
    """Plots of 21 亩 (100 m × 140 m = 14000 m²), each with one single-storey shed of
    70 m × 70 m = 4900 m² whose storey is ``heights[i]`` m high; firm 3311 (→ 2002 division 34,
    national floor 0.7)."""
    n = len(heights)
    parcels = parcels_of([rectangle(100.0, 140.0, i) for i in range(n)])
    sheds = gpd.GeoDataFrame(
        {
            "parcel_id": parcels["parcel_id"].tolist(),
            "storeys": [1] * n,
            "storey_height_m": heights,
        },
        geometry=[
            shapely.box(X0 + 1000 * i + 1, Y0 + 1, X0 + 1000 * i + 71, Y0 + 71) for i in range(n)
        ],
        crs=CRS,
    )
    return parcels, sheds


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, [F, P]),  # 8.00 once → 0.35 < 0.7; 8.01 twice → 0.70, not below 0.7
        ({"value": 8.01}, [F, F]),  # the height moved: 8.01 counts once too
        ({"value": 7.99}, [P, P]),  # both over 7.99 → both doubled → 0.70
    ],
)
def test_storey_of_exactly_8_m_counts_once_for_the_minimum(yuecheng, change, expected):
    # 甲 shed 8.00 m: not 「超过」 8 → counted 4900 m² → 4900 / 14000 = 0.35 < 0.7 → 用而未尽
    #    (不符合); 乙 8.01 m > 8 → counted 2 × 4900 = 9800 → 0.70, not below the floor → 符合.
    # The real floor area (4900, 0.35) is never doubled.
    from landgov.far import compute_far
    from landgov.screening import check_under_used

    parcels, sheds = _sheds([8.0, 8.01])
    profile = with_param(yuecheng, "far.double_storey_height_m", **change)
    far = compute_far(parcels, profile=profile, buildings=sheds)
    assert far["far"].tolist() == pytest.approx([0.35, 0.35])
    parcels["far_minimum"] = far["far_minimum"]
    linked = link_parcels(parcels, enterprises(2), owner_links(parcels), profile=profile)
    got = check_under_used(linked.parcels, enterprises=linked.enterprises, profile=profile)
    assert statuses(got) == expected


# zengrong.record_counts_rectified = true [越政发〔2022〕24号 附件3 第三条第3项 「申请企业 1 年内
# 无重大违建、生态环境、安全生产不良记录」]: a record within the year counts even when rectified.


def _rectified_record(day: dt.date) -> pd.DataFrame:
    from tests._hand import uscc, violation_records

    return violation_records(
        [
            {
                "uscc": uscc(0),
                "category": "环保",
                "severity": "重大",
                "record_date": dt.date(2024, 1, 10),
                "rectified": "已整改",
                "rectified_date": day,
            }
        ]
    )


@pytest.mark.parametrize(
    ("counts", "day", "status"),
    [
        (True, dt.date(2024, 3, 1), F),  # shipped: 不良记录 stays within the year
        (False, dt.date(2024, 3, 1), P),  # a district reading 整改 clears it: cleared
        (False, dt.date(2024, 6, 30), P),  # rectified on the as-of day itself: cleared
        (False, dt.date(2024, 7, 1), F),  # rectified after the as-of day: still stands
    ],
)
def test_rectified_major_record_within_the_year(official, counts, day, status):
    # A 重大 环保 record of 2024-01-10 (within [2023-06-30, 2024-06-30]), rectified ``day``.
    parcels = parcels_of([rectangle(100.0, 140.0, 0)])
    parcels["floor_area_m2"] = 14000.0 * 0.8
    profile = with_param(
        official, "zengrong.record_counts_rectified", value=counts, citation=COUNTY
    )
    inputs = dataclasses.replace(
        zengrong_inputs(profile, parcels), compliance=_rectified_record(day)
    )
    # applied on the as-of day: 「1 年内」 counted from either day is the same window
    app = pd.DataFrame([application(parcels["parcel_id"].iloc[0], application_date=AS_OF)])
    got = check_applications(app, inputs)
    assert got["cond3"].iloc[0] == status
    assert got["zengrong"].iloc[0] == (OK if status is P else NO)


def test_shipped_rectified_reading_refuses(official):
    # The shipped value (true, 示例规则（非官方）) only ever refuses: the record counts → 不符合,
    # the reason naming the record and the clause.
    assert official.value("zengrong.record_counts_rectified") is True
    parcels = parcels_of([rectangle(100.0, 140.0, 0)])
    parcels["floor_area_m2"] = 14000.0 * 0.8
    inputs = dataclasses.replace(
        zengrong_inputs(official, parcels), compliance=_rectified_record(dt.date(2024, 3, 1))
    )
    app = pd.DataFrame([application(parcels["parcel_id"].iloc[0])])
    row = check_applications(app, inputs).iloc[0]
    assert row["cond3"] == F and row["zengrong"] == NO
    assert "1 年内有不良记录" in row["cond3_note"]
    assert "越政发〔2022〕24号 附件3 第三条第3项" in row["cond3_note"]


# zengrong.scope_right_types = ["出让"] [越政发〔2022〕24号 附件3 第一条 「取得国有出让建设用地
# 使用权」]; zengrong.excluded_catalogue_classes = 限制类、淘汰类 [附件3 第三条第5项].


def test_allocated_land_is_outside_the_opinion(official):
    # 甲 出让 → scope 符合 → 可申报; 乙 划拨 → 不符合 → 不可申报. A profile that also lists 划拨
    # admits 乙.
    parcels = parcels_of(
        [rectangle(100.0, 140.0, i) for i in range(2)], right_type=["出让", "划拨"]
    )
    parcels["floor_area_m2"] = 14000.0 * 0.8
    rows = [application(pid, i) for i, pid in enumerate(parcels["parcel_id"])]
    got = check_applications(pd.DataFrame(rows), zengrong_inputs(official, parcels))
    assert got["scope"].tolist() == [P, F]
    assert got["zengrong"].tolist() == [OK, NO]
    wider = with_param(official, "zengrong.scope_right_types", value=["出让", "划拨"])
    assert check_applications(pd.DataFrame(rows), zengrong_inputs(wider, parcels))[
        "scope"
    ].tolist() == [P, P]


def test_restricted_and_eliminated_projects_are_refused(official):
    # 甲 鼓励类 → 符合; 乙 限制类 → 不符合; 丙 淘汰类 → 不符合. Without 限制类 in the key 乙 passes.
    parcels = parcels_of([rectangle(100.0, 140.0, i) for i in range(3)])
    parcels["floor_area_m2"] = 14000.0 * 0.8
    classes = ["鼓励类", "限制类", "淘汰类"]
    rows = [
        application(pid, i, project_catalogue_class=c)
        for i, (pid, c) in enumerate(zip(parcels["parcel_id"], classes, strict=True))
    ]
    got = check_applications(pd.DataFrame(rows), zengrong_inputs(official, parcels))
    assert got["cond5"].tolist() == [P, F, F]
    assert got["zengrong"].tolist() == [OK, NO, NO]
    only = with_param(official, "zengrong.excluded_catalogue_classes", value=["淘汰类"])
    assert check_applications(pd.DataFrame(rows), zengrong_inputs(only, parcels))[
        "cond5"
    ].tolist() == [P, P, F]


# screening.violation_categories [虞政发〔2022〕12号 第三条第（一）项第1目 「针对亩均税收5万元以下和
# 存在安全、环保、质量、能耗、消防和税收等各类违法违规问题的企业用地」]: 「等各类」 leaves the
# list open, so the key names the categories the 底数清单 expects; a record of another category
# still counts and the reason says so (the key changes the reason, never the decision).


def test_violation_category_outside_the_list_still_counts_and_is_named(yuecheng):
    # 一般, 未整改 records: 甲 质量 → 不符合 (治理); 乙 交通 (not named by the clause) → 不符合
    # too, 「类别 交通 不在配置的类别中，仍计入」; 丙 no record → 符合. With 质量 taken out of
    # the key 甲 is still 不符合, now with the same note.
    from landgov.screening import check_violations
    from tests._hand import uscc, violation_records

    parcels = _three_squares()
    records = violation_records(
        [
            {"uscc": uscc(0), "category": "质量", "record_date": dt.date(2024, 1, 10)},
            {"uscc": uscc(1), "category": "交通", "record_date": dt.date(2024, 1, 10)},
        ]
    )
    pairs = owner_links(parcels)
    got = check_violations(
        parcels, compliance=records, pairs=pairs, profile=yuecheng, as_of="2024-06-30"
    )
    assert statuses(got) == [F, F, P]
    note = "不在配置的类别中，仍计入"
    assert note not in got.iloc[0].reason
    assert f"类别 交通 {note}" in got.iloc[1].reason
    fewer = [c for c in yuecheng.value("screening.violation_categories") if c != "质量"]
    less = with_param(yuecheng, "screening.violation_categories", value=fewer)
    got = check_violations(
        parcels, compliance=records, pairs=pairs, profile=less, as_of="2024-06-30"
    )
    assert statuses(got) == [F, F, P]
    assert f"类别 质量 {note}" in got.iloc[0].reason


def test_rectified_record_cleared_on_an_unconfirmed_reading_is_to_verify(official):
    # record_counts_rectified set to false without a district's confirmation (still
    # 示例规则（非官方）): the 重大 环保 record of 2024-01-10 rectified 2024-03-01 would clear only
    # by that reading, so 三.3 is 待核实 (提交区级认定), never 符合 on it alone; the application
    # is 待核实, not 可申报. (Before: 符合, 可申报.)
    parcels = parcels_of([rectangle(100.0, 140.0, 0)])
    parcels["floor_area_m2"] = 14000.0 * 0.8
    profile = with_param(official, "zengrong.record_counts_rectified", value=False)
    assert not profile.citation("zengrong.record_counts_rectified").official
    inputs = dataclasses.replace(
        zengrong_inputs(profile, parcels), compliance=_rectified_record(dt.date(2024, 3, 1))
    )
    app = pd.DataFrame([application(parcels["parcel_id"].iloc[0])])
    row = check_applications(app, inputs).iloc[0]
    assert row["cond3"] == U
    assert row["zengrong"] == TBD
    assert "已整改" in row["cond3_note"] and "示例规则（非官方）" in row["cond3_note"]
    # rectified after the as-of day: it counts on either reading → 不符合
    inputs = dataclasses.replace(
        zengrong_inputs(profile, parcels), compliance=_rectified_record(dt.date(2024, 7, 1))
    )
    assert check_applications(app, inputs)["cond3"].iloc[0] == F


# screening.control_line_outside_share = 0.5, ">=" (项目默认: 「宗地一半以上面积在工业用地控制线外
# 即列为控制线外」; 越政发〔2022〕24号 第19条 sets no share). It decides the path 功能转型.


def _control_line_plots():
    """Three 21-亩 plots (100 m × 140 m) whose western 49.99 / 50.00 / 50.01 m lie outside the
    工业用地控制线 (planned 工业用地 throughout): 49.99 %, 50 %, 50.01 % of the area."""
    parcels = parcels_of([rectangle(100.0, 140.0, i) for i in range(3)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    geoms, inside = [], []
    for i, width in enumerate([49.99, 50.0, 50.01]):
        x = X0 + 1000 * i
        geoms += [
            shapely.box(x, Y0, x + width, Y0 + 140),
            shapely.box(x + width, Y0, x + 100, Y0 + 140),
        ]
        inside += ["否", "是"]
    planning = gpd.GeoDataFrame(
        {"planned_use": ["工业用地"] * 6, "inside_control_line": inside}, geometry=geoms, crs=CRS
    )
    return parcels, planning


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, [P, F, F]),  # 49.99 % < 50 %; 50 % 「一半以上」 includes the half
        ({"value": 0.5001}, [P, P, F]),
        ({"comparison": ">"}, [P, P, F]),  # read as 「超过一半」
    ],
)
def test_plot_half_outside_the_control_line_changes_function(yuecheng, change, expected):
    # Each plot 低效 (42 / 21 = 2 万元/亩 ≤ 5), 容积率 0.8 ≥ 0.7: 治理; its path is 功能转型 when
    # it counts as outside the line (改一补一), else 整治提升. The share a county's own.
    from landgov.screening import check_control_line
    from tests._hand import own_share

    parcels, planning = _control_line_plots()
    county = own_share(yuecheng, "screening.control_line_outside_share")
    county = with_param(county, "screening.control_line_outside_share", **change)
    got = check_control_line(parcels, planning=planning, profile=county)
    assert statuses(got) == expected
    paths = screen_plots(county, parcels, firms(3, tax_wan=42.0, land_mu=21.0), planning=planning)
    assert paths.parcels["path"].tolist() == [
        "功能转型" if s is F else "整治提升" for s in expected
    ]


def test_control_line_share_shipped_is_never_a_pass_on_its_own(yuecheng):
    # The shipped 0.5 is 示例规则（非官方）: 49.99 % outside is 待核实, never 符合 on it alone.
    from landgov.screening import check_control_line

    parcels, planning = _control_line_plots()
    got = check_control_line(parcels, planning=planning, profile=yuecheng)
    assert statuses(got) == [U, F, F]
    assert "示例规则（非官方），不能单独判定为符合" in got.iloc[0].reason
    assert "50%" in got.iloc[1].reason


def test_control_line_fail_on_the_shipped_share_says_it_is_an_example(yuecheng):
    # 50 % and 50.01 % outside reach the shipped 0.5 (">=", 示例规则（非官方）): 不符合 stays
    # 不符合 (it puts the plot before a person), but its reason says the threshold is an
    # example, in the words every check uses for it (core.vocab); on a county's own 0.5 it
    # does not. Was: only the citation carried 示例规则（非官方）.
    from landgov.screening import check_control_line
    from tests._hand import own_share

    parcels, planning = _control_line_plots()
    got = check_control_line(parcels, planning=planning, profile=yuecheng)
    assert statuses(got) == [U, F, F]
    for v in got.iloc[1:]:
        assert "；该门槛为示例规则（非官方）" in v.reason
        from landgov.core.vocab import EXAMPLE_FAIL

        assert v.reason.endswith(f"；{EXAMPLE_FAIL}")
    county = own_share(yuecheng, "screening.control_line_outside_share")
    got = check_control_line(parcels, planning=planning, profile=county)
    assert statuses(got) == [P, F, F]
    assert all("示例规则" not in v.reason for v in got)
