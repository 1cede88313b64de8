"""County files as they really come, sixth round: numbers and dates that are 「blank」 in a
Shapefile. A .dbf numeric field cannot hold a blank: ArcGIS (and most county exports) write a
blank 建筑面积 or 容积率 as 0, a blank date as 「00000000」 or, from Excel, 1899-12-30.

Every layer is a real Shapefile whose .dbf (GBK, as ArcGIS writes it for code page 936) is
written byte by byte (``tests._shapefiles``) and read through the real reader, then checked
(plausible values) as a run does. Expected results are worked out by hand in the docstrings.

The hand county (``tests._hand``): plots of 100 m × 140 m = 14000 m² = 21 亩, contracted start
2022-06-30, reference date 2024-06-30; firm ``i`` (industry 3311 → GB/T 4754-2002 大类 34,
national minimum 容积率 0.7) owns plot ``i``. yuecheng-2022: 闲置 after 1 full year without
starting, 可无偿收回 after 2 [浙政发〔2023〕4号 第二条第（一）项第1目; 《闲置土地处置办法》
第十四条].
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely

from landgov.core.plausible import check_values
from landgov.far import compute_far
from landgov.far.zengrong import check_parcels
from landgov.io import read_parcels
from landgov.screening import check_idle
from landgov.verdict import Status
from tests._hand import (
    AS_OF,
    CRS,
    X0,
    Y0,
    bare_survey,
    firms,
    rectangle,
    screen_plots,
    zengrong_inputs,
)
from tests._shapefiles import write_shapefile

P, F, U = Status.PASS, Status.FAIL, Status.UNKNOWN

_FIELDS = [
    ("宗地代码", 19),
    ("土地用途", 8),
    ("权利性质", 4),
    ("镇街", 8),
    ("建筑面积", 12, 2),
    ("容积率", 8, 2),
    ("YDKGRQ", 10),
    ("JGRQ", 10),
]


def _county_layer(folder: Path, rows: list[tuple[str, str, str]]) -> gpd.GeoDataFrame:
    """A parcel Shapefile with one plot per ``rows`` entry (建筑面积, 容积率, 竣工日期 as the
    .dbf holds them: 「0.00」 is what ArcGIS writes for a blank), read and checked as a run
    reads it (``read_parcels`` then ``check_values``)."""
    records = [
        [f"330602001001GB{i:05d}", "工业用地", "出让", "马山街道", floor, far, "2022-06-30", done]
        for i, (floor, far, done) in enumerate(rows)
    ]
    geoms = [rectangle(100.0, 140.0, i) for i in range(len(rows))]
    path = write_shapefile(
        folder / "宗地.shp", geoms, _FIELDS, records, prj=pyproj.CRS.from_epsg(CRS), cpg="GBK"
    )
    read = read_parcels(path)
    from landgov.policy import load_profile

    checked = check_values(
        read.data,
        load_profile("yuecheng-2022"),
        source=path.name,
        as_of=AS_OF,
        field_names=read.meta.get("field_map") or {},
    )
    return checked.data


def _footprint(parcels: gpd.GeoDataFrame, i: int) -> gpd.GeoDataFrame:
    """One building on plot ``i`` as a surveyed footprint: 70 m × 70 m, no 层数, no 高度."""
    x = X0 + 1000 * i
    return gpd.GeoDataFrame(
        {"parcel_id": [parcels["parcel_id"].iloc[i]]},
        geometry=[shapely.box(x + 1, Y0 + 1, x + 71, Y0 + 71)],
        crs=CRS,
    )


def _as_run_reads(parcels: gpd.GeoDataFrame, far: pd.DataFrame) -> gpd.GeoDataFrame:
    """The plots with the run's 容积率 on them (run.screening._with_far)."""
    return parcels.assign(
        far_minimum=far["far_minimum"],
        far_source=far["far_source"],
        zero_set_aside=far["zero_set_aside"],
        buildings_cover=far["buildings_cover"],
        n_buildings=far["n_buildings"],
    )


def test_blank_floor_area_written_as_0_beside_a_building_is_no_unbuilt_plot(
    tmp_path: Path, yuecheng
) -> None:
    """Plot 0: 建筑面积 「0.00」, 容积率 「0.00」, no 竣工日期; the buildings layer has a
    70 m × 70 m footprint on it (no 层数, no 高度: its floor area cannot be measured).

    By hand: a building stands on the plot, so 「0 m²」 cannot be true — the 0 is the blank a
    .dbf cannot hold. The plot's floor area is not known: 容积率 待核实, and every decision
    resting on it too: 供而未用 [浙政发〔2023〕4号 第二条第（一）项第1目] 待核实 (not 「满2年未动工
    …可无偿收回」), 用而未尽 待核实 (not 「尚未建成」 符合), 增容 三.2 「首次开发已完成」
    [越政发〔2022〕24号 附件3 第三条第2项] 待核实 (not 「尚未建成」 不符合). Each reason names
    建筑面积, the value 0 and what to do.
    Was: 登记建筑面积 0 taken as the plot's floor area: 闲置 不符合 with 可无偿收回, 用而未尽
    符合, 三.2 不符合.
    """
    parcels = _county_layer(tmp_path, [("0.00", "0.00", "")])
    assert parcels["floor_area_m2"].tolist() == [0.0]  # read as the file says
    building = _footprint(parcels, 0)
    far = compute_far(parcels, profile=yuecheng, buildings=building)
    assert far["far_source"].iloc[0] == "缺失"
    assert pd.isna(far["far"].iloc[0])
    note = far["far_note"].iloc[0]
    assert "登记建筑面积、登记容积率均为 0" in note and "1 栋建筑" in note, note
    assert "无建筑记录" not in note and note.endswith("容积率待核实"), note
    plots = _as_run_reads(parcels, far)
    idle = check_idle(plots, profile=yuecheng, as_of=AS_OF).iloc[0]
    assert idle.status is U, idle.reason
    assert "为 0" in idle.reason and "建筑面积" in idle.reason
    got = screen_plots(yuecheng, plots, firms(1))
    under = got.checks["under_used"].iloc[0]
    assert under.status is U, under.reason
    assert "为 0" in under.reason and "请核实该宗地的建筑面积" in under.reason
    zr = check_parcels(zengrong_inputs(yuecheng, parcels, buildings=building)).iloc[0]
    assert zr["cond2"] == U, zr["cond2_note"]
    assert "尚未建成" not in zr["cond2_note"] and "为 0" in zr["cond2_note"]


def test_completed_plot_with_floor_area_0_is_not_below_the_minimum(
    tmp_path: Path, yuecheng
) -> None:
    """Plot 0: 建筑面积 「0.00」, 容积率 「0.00」, 竣工日期 2019-05-01, no building layer.

    By hand: a plot completed in 2019 has buildings; its 0 is a blank. 用而未尽 (容积率 below
    the national minimum 0.7 of 大类 34, 工业项目建设用地控制指标) cannot be decided: 待核实
    naming 建筑面积 0 and the 竣工日期. 供而未用: completed → started → 符合 (as before).
    Was: 用而未尽 不符合 「容积率 0 低于…下限 0.7」 on the blank alone.
    """
    parcels = _county_layer(tmp_path, [("0.00", "0.00", "2019-05-01")])
    assert parcels["completion_date"].tolist() == [dt.date(2019, 5, 1)]
    far = compute_far(parcels, profile=yuecheng)
    assert far["far_source"].iloc[0] == "缺失"
    plots = _as_run_reads(parcels, far)
    got = screen_plots(yuecheng, plots, firms(1))
    under = got.checks["under_used"].iloc[0]
    assert under.status is U, under.reason
    assert "竣工日期为 2019-05-01" in under.reason, under.reason
    assert got.checks["idle"].iloc[0].status is P


def test_floor_area_0_beside_a_recorded_ratio_reads_the_ratio(tmp_path: Path, yuecheng) -> None:
    """Plot 0: 建筑面积 「0.00」 and 容积率 「0.80」 in the same row, 竣工日期 2019-05-01.

    By hand: the two recorded fields disagree; 0 is the blank one. The 容积率 0.80 is the
    plot's (登记容积率): 0.80 is not below the minimum 0.7 (「低于」 excludes it) → 用而未尽
    符合. Was: 建筑面积 0 (the better-ranked source) won: 容积率 0 → 不符合."""
    parcels = _county_layer(tmp_path, [("0.00", "0.80", "2019-05-01")])
    far = compute_far(parcels, profile=yuecheng)
    assert far["far_source"].iloc[0] == "登记容积率"
    assert far["far"].iloc[0] == pytest.approx(0.8)
    got = screen_plots(yuecheng, _as_run_reads(parcels, far), firms(1))
    assert got.checks["under_used"].iloc[0].status is P, got.checks["under_used"].iloc[0].reason


def test_floor_area_0_with_nothing_saying_otherwise_stays_0(tmp_path: Path, yuecheng) -> None:
    """Plot 0: 建筑面积 「0.00」, 容积率 「0.00」, no 竣工日期, buildings layer given that covers
    the plot with no building on it (one on plot 1). Nothing contradicts the 0 and the layer
    corroborates it: it stays the plot's floor area (登记建筑面积): 2 full years since
    2022-06-30 without a start → 闲置 不符合, ≥ 2 years → 可无偿收回; the same layer's plot 1
    (footprint, 0 recorded) is set aside as above."""
    parcels = _county_layer(tmp_path, [("0.00", "0.00", ""), ("0.00", "0.00", "")])
    layer = pd.concat([_footprint(parcels, 1), bare_survey(parcels.iloc[[0]])], ignore_index=True)
    far = compute_far(parcels, profile=yuecheng, buildings=layer)
    assert far["far_source"].tolist() == ["登记建筑面积", "缺失"]
    assert far["zero_set_aside"].iloc[0] is None
    idle = check_idle(_as_run_reads(parcels, far), profile=yuecheng, as_of=AS_OF)
    assert idle.iloc[0].status is F and idle.iloc[0].values["recoverable"] is True
    assert idle.iloc[1].status is U


def test_idle_on_a_floor_area_of_0_alone_says_the_0_may_be_a_blank(
    tmp_path: Path, yuecheng
) -> None:
    """Plot 0: 建筑面积 「0.00」, 容积率 「0.00」, no dates but the contracted start 2022-06-30;
    no buildings layer, no height raster. The only thing saying 「未动工」 is a 0 a .dbf also
    writes for a blank: 2 full years have passed, but whether building started is not known →
    待核实 (never 闲置, never 可无偿收回 [《闲置土地处置办法》第十四条] on that 0 alone; round
    18, decided by the lead), the reason saying the field, the value 0, its source and what to
    collect (the buildings layer or a site check). Was: 闲置 不符合, 可无偿收回."""
    parcels = _county_layer(tmp_path, [("0.00", "0.00", "")])
    far = compute_far(parcels, profile=yuecheng)
    idle = check_idle(_as_run_reads(parcels, far), profile=yuecheng, as_of=AS_OF).iloc[0]
    assert idle.status is U and "recoverable" not in idle.values
    assert "未动工仅有建筑面积 0（登记建筑面积）一项依据" in idle.reason, idle.reason
    assert "常把空白写为 0" in idle.reason and "现场核查是否已动工" in idle.reason
    assert idle.missing == ("建筑图层 buildings（覆盖该宗地，或现场核查是否已动工）",)
    # the same plot with a raster that shows it bare: the raster says it, no such words
    covered = _as_run_reads(parcels, far).assign(built_cover=[0.0])
    again = check_idle(covered, profile=yuecheng, as_of=AS_OF).iloc[0]
    assert again.status is F and "常把空白写为 0" not in again.reason


def _energy_workbook(path: Path, energy: list[object], power: list[object]) -> Path:
    """An enterprise table as a county sends it (openpyxl): 统一社会信用代码, 企业名称, 行业代码,
    税收（万元）, 用地面积（亩）, 规上/规下, 投产年份, 综合能耗（吨标准煤）, 用电量（万千瓦时）;
    firm ``i`` is :func:`tests._hand.uscc` ``(i)``, industry 3311, tax 210, 21 亩, 规上,
    投产 2019."""
    from openpyxl import Workbook

    from tests._hand import uscc

    wb = Workbook()
    ws = wb.active
    ws.append(
        ["统一社会信用代码", "企业名称", "行业代码", "税收（万元）", "用地面积（亩）", "规上/规下",
         "投产年份", "综合能耗（吨标准煤）", "用电量（万千瓦时）"]
    )  # fmt: skip
    for i, (tce, kwh) in enumerate(zip(energy, power, strict=True)):
        ws.append([uscc(i), f"企业{i}", "3311", 210, 21, "规上", 2019, tce, kwh])
    wb.save(path)
    return path


def test_energy_of_0_is_no_pass_of_the_two_high_thresholds(tmp_path: Path, shangyu) -> None:
    """上虞 [虞政发〔2022〕12号 第三条第（二）项第2目]: a project built since 2018 with 年综合能耗
    1000 吨标准煤以上（含） is a “两高”项目 to assess one by one. Three firms built 2019:

    - 0: 综合能耗 0, 用电量 blank → 0 t is no enterprise's energy in production (a blank
      exported as 0, as 0 kWh is already read): 待核实 naming 综合能耗 and 0 (was 符合
      「均未达到门槛」 → 不列入 on the 0 alone);
    - 1: 综合能耗 0, 用电量 10000 万千瓦时 → 10000 × 0.1229 = 1229 t ≥ 1000 → 需评估 (待核实,
      selected) though the table says 0 (was 符合);
    - 2: 综合能耗 999.99 → below 1000 → 符合 (a real figure, unchanged).
    """
    from landgov.io import read_enterprises
    from tests._hand import plots

    path = _energy_workbook(tmp_path / "企业.xlsx", [0, 0, 999.99], [None, 10000, None])
    ents = read_enterprises(path).data
    assert ents["energy_tce"].tolist() == [0.0, 0.0, 999.99]
    got = screen_plots(shangyu, plots(3), ents)
    two = got.checks["two_high"]
    assert [v.status for v in two] == [U, U, P], [v.reason for v in two]
    assert "综合能耗填为 0" in two.iloc[0].reason
    assert any("energy_tce" in m and "0" in m for m in two.iloc[0].missing)
    assert two.iloc[1].values["needs_assessment"] is True
    assert got.parcels["two_high_review"].tolist() == [False, True, False]


def test_rectified_on_excel_day_1_is_no_rectification(tmp_path: Path, yuecheng) -> None:
    """A violation table (openpyxl) whose 整改完成日期 column is a date column: row 2 a 重大
    违法建设 of 2024-03-01 on firm 0, 整改情况 「已整改」, 整改完成日期 the date cell 1900-01-01
    (Excel's day 1: the cell was blank and got 1 typed or a formula's empty result).

    By hand: 1900-01-01 is before any land record (``plausible.date_min`` 1949-10-01): no
    rectification date, set aside with an 错误 row naming the file, row 2, 「整改完成日期」 and
    the value. 「已整改」 without a date cannot show it was rectified on or before 2024-06-30:
    违法违规 [浙政发〔2023〕4号 第二条第（一）项第1目] 待核实 naming 整改完成日期 and the
    value 1900-01-01 set aside.
    Was: the record counted as rectified in 1900 → cleared → 违法违规 符合 (a silent pass)."""
    from openpyxl import Workbook

    from landgov.io import read_compliance
    from landgov.policy import load_profile
    from landgov.screening import check_violations
    from tests._hand import owner_links, plots, uscc

    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "问题类别", "严重程度", "记录日期", "整改情况", "整改完成日期"])
    day_1 = dt.datetime(1900, 1, 1)
    ws.append([uscc(0), "违法建设", "重大", dt.datetime(2024, 3, 1), "已整改", day_1])
    wb.save(tmp_path / "违法.xlsx")
    read = read_compliance(tmp_path / "违法.xlsx")
    checked = check_values(
        read.data,
        load_profile("yuecheng-2022"),
        source="违法.xlsx",
        as_of=AS_OF,
        field_names=read.meta.get("field_map") or {},
    )
    assert checked.data["rectified_date"].tolist() == [None]
    row = checked.problems.iloc[0]
    assert (row["source"], row["row"], row["field"], row["value"]) == (
        "违法.xlsx",
        2,
        "整改完成日期",
        "1900-01-01",
    )
    parcels = plots(1)
    got = check_violations(
        parcels, compliance=checked.data, pairs=owner_links(parcels), profile=yuecheng, as_of=AS_OF
    ).iloc[0]
    assert got.status is U, got.reason
    assert any("整改完成日期「1900-01-01」早于 1949-10-01" in m for m in got.missing), got.missing
