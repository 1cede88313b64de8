"""Hand-worked cases: a registered 建筑面积 the building records contradict.

A plot's floor area is taken from its building records first (``far_source`` 建筑记录), before
the registered 建筑面积 (landgov.far.ratio). A register that says otherwise is not thereby
wrong: it may be stale, or the footprint layer may miss a building put up since. Where the two
figures part (by more than 0.01 m²), every comparison of the floor area is made on both, and
one the two answer differently is 待核实 — neither figure alone decides, and never 符合 on the
one that happens to pass (data/sample/README.md: 「约 7 % 宗地的建筑面积（登记）与建筑基底 ×
层数不一致」, an inconsistency a check should find).

Plots: 21 亩 = 14000 m² squares (:mod:`tests._hand`); on each, one building over the western
half (7000 m² footprint), 2 storeys of 4 m recorded → 14000 m² from the records, 容积率 1.0
(no storey over 8 m: the real and the counted floor area agree).
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pytest

from landgov.far import compute_far
from landgov.far.ratio import RECORDED_FLOOR, RECORDS_FLOOR
from landgov.far.zengrong import check_parcels
from landgov.run.screening import run_screening
from landgov.screening import check_under_used
from landgov.verdict import Status
from tests._hand import (
    AS_OF,
    P,
    U,
    application,
    applications,
    firms,
    hand_files,
    plots,
    west_half_buildings,
    zengrong_inputs,
)

LAND = 14000.0  # 21 亩


def _records(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One building over the western half of each plot: 2 storeys of 4 m (14000 m²)."""
    return west_half_buildings(parcels, storeys=2, storey_height_m=4.0)


def _registered(floors: list[float]) -> gpd.GeoDataFrame:
    parcels = plots(len(floors), mu=21.0)
    parcels["floor_area_m2"] = floors
    return parcels


def test_cap_is_to_verify_where_the_registered_floor_area_answers_otherwise(official):
    # Each plot: records 14000 m²; the application adds A m². Cap 2.5 × 14000 = 35000 m²
    # (「容积率上限可提高至 2.5」 [越政发〔2022〕24号 附件3 第二条], 2.5 allowed):
    #   0 registered 14000 (agrees), A 5000: 19000 ≤ 35000                       → 符合
    #   1 registered 35000, A 5000: records 19000 ≤ 35000 符合; registered 40000
    #     > 35000 (2.857 > 2.5) 不符合: the two answer differently               → 待核实
    #   2 registered 30000, A 1000: records 15000, registered 31000, both ≤ 35000 → 符合
    #   3 registered 14000.004 (the same to 0.01 m²), A 5000                     → 符合
    parcels = _registered([LAND, 35000.0, 30000.0, LAND + 0.004])
    added = [5000.0, 5000.0, 1000.0, 5000.0]
    rows = [
        application(pid, i, added_floor_m2=a)
        for i, (pid, a) in enumerate(zip(parcels["parcel_id"], added, strict=True))
    ]
    got = applications(official, parcels, rows, buildings=_records(parcels))
    assert got["far_source"].tolist() == ["建筑记录"] * 4
    assert got["floor_area_m2"].tolist() == pytest.approx([LAND] * 4)
    assert got["cap"].tolist() == [P, U, P, P]
    note = got["cap_note"].iloc[1]
    assert note.startswith("待核实：实施后容积率 1.36 ≤ 上限 2.5；")
    assert "按登记建筑面积 35,000 平方米：实施后容积率 2.86 > 上限 2.5" in note
    assert "登记建筑面积 35,000 平方米与建筑记录合计 14,000 平方米不一致" in note
    assert "核实现状建筑面积" in got["missing"].iloc[1]
    # the registered figure is kept where it differs, and said in the 容积率 note
    recorded = got["floor_area_recorded_m2"].tolist()
    assert np.isnan(recorded[0]) and np.isnan(recorded[3])
    assert recorded[1:3] == [35000.0, 30000.0]
    assert "登记建筑面积 30,000 平方米与建筑记录合计 14,000 平方米不一致" in got["far_note"].iloc[2]
    assert "不一致" not in got["far_note"].iloc[0]


def test_headroom_of_a_plot_is_to_verify_where_the_register_is_at_the_cap(official):
    # No application: the plot's own room. Records 14000 m² (1.0 < 2.5: room); registered
    # 35000 m² = 2.5 × 14000 (at the cap: no room) → the two answer differently → 待核实.
    parcels = _registered([35000.0])
    got = check_parcels(zengrong_inputs(official, parcels, buildings=_records(parcels)))
    assert got["cap"].tolist() == [U]
    assert "按登记建筑面积 35,000 平方米：现状容积率 2.50 ≥ 上限 2.5" in got["cap_note"].iloc[0]


def test_under_used_is_to_verify_where_the_registered_floor_area_answers_otherwise(
    shangyu, tmp_path
):
    # 用而未尽 [浙政办发〔2023〕2号 二(一)1]: 容积率 below the national minimum of the
    # industry; every national minimum is between 0.5 and 1.0 (工业项目建设用地控制指标).
    #   0 records 14000 → 1.0, registered 14000 (agrees)            → 不低于下限: 符合
    #   1 records 14000 → 1.0 (not below any floor); registered 2800 → 0.2, below every
    #     floor (the lowest is 0.5): the two answer differently     → 待核实, both named
    # Whole run (files → 底数清单): the screening reads the run's one 容积率 (landgov.run.far).
    parcels = _registered([LAND, 2800.0])
    inputs = hand_files(tmp_path, parcels, firms(2))
    _records(parcels).to_file(tmp_path / "buildings.gpkg", driver="GPKG")
    inputs = dataclasses.replace(inputs, buildings=tmp_path / "buildings.gpkg")
    run = run_screening(
        inputs, profile=shangyu, out_dir=tmp_path / "out", as_of=AS_OF, progress=False, gpkg=False
    )
    rows = run.parcels
    reason = rows["reasons"].iloc[1]
    assert "但按登记建筑面积，容积率 0.2，低于下限" in reason
    assert "登记建筑面积 2,800 平方米与建筑记录合计 14,000 平方米不一致" in reason
    assert rows["screening_status"].tolist() == ["不列入", "待核实"]
    assert "核实现状建筑面积）〔自然资源局〕" in rows["to_verify"].iloc[1]
    assert "登记建筑面积" not in rows["reasons"].iloc[0]
    assert rows["to_verify"].iloc[0] == ""


def test_under_used_statuses_on_both_floor_areas(shangyu):
    # The check itself, on the frame the run hands it (landgov.run.screening._with_far): the
    # run's 容积率 beside the registered figure where the records contradict it.
    #   0 agrees → 符合; 1 registered 2800 (0.2) against records 1.0 → 待核实;
    #   2 registered 28000 (2.0) against records 1.0: neither below the floor 0.7 → 符合.
    parcels = _registered([LAND, 2800.0, 28000.0])
    far = compute_far(parcels, profile=shangyu, buildings=_records(parcels))
    parcels["far_minimum"] = far["far_minimum"]
    parcels["far_source"] = far["far_source"]
    parcels[RECORDED_FLOOR] = far[RECORDED_FLOOR]
    parcels[RECORDS_FLOOR] = far["floor_area_m2"].where(far[RECORDED_FLOOR].notna())
    ents = firms(3)
    parcels["main_uscc"] = ents["uscc"].tolist()  # industry 3311 → 大类 34 (2002): floor 0.7
    got = check_under_used(parcels, enterprises=ents, profile=shangyu)
    assert [v.status for v in got] == [Status.PASS, Status.UNKNOWN, Status.PASS]
    assert got.iloc[1].values["far_recorded"] == pytest.approx(0.2)
