"""A land-area unit (亩, 公顷) written in a floor-area (建筑面积) field is not converted.

亩 and 公顷 measure land; a 建筑面积 (a floor area, summed over storeys) is given in 平方米.
「2亩」 typed in 新增建筑面积 is a slip (the plot's land area typed in the wrong column, or a
unit picked from habit), not 1,333.33 m² of floor area: before, the reader converted it
silently and the 增容 check judged the cap on the made-up figure. Now it is set aside as
missing (→ 待核实 downstream) with one 错误 row naming the file, row, field and value and what
to do. Land-area fields (宗地面积, 用地面积) still convert 亩 and 公顷 to m², exactly
(1 亩 = 10000/15 m²).

The floor-area fields are those whose figure is a 建筑面积 (docs/schema.md): 建筑面积 of the
parcel layer (``floor_area_m2``) and of the building layer, and 新增建筑面积 of the 增容 application
(``added_floor_m2``).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from landgov.io import read_applications, read_buildings, read_parcels
from landgov.io.numbers import parse_quantity
from tests._cli import run_cli
from tests._hand import application, hand_files, plots, uscc
from tests._hand import enterprises as hand_enterprises

PLOT = "330602001001GB00000"


def _workbook(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _said(problems: pd.DataFrame, field: str) -> pd.DataFrame:
    return problems[problems["field"] == field]


# ---------------------------------------------------------------------------- the one parser


@pytest.mark.parametrize(
    ("cell", "m2"),
    [("2亩", 1333.3333333333333), ("1.5公顷", 15000.0), ("0.5ha", 5000.0), ("1500㎡", 1500.0)],
)
def test_a_land_area_field_converts_land_units(cell, m2):
    assert parse_quantity(cell, unit="m2") == (pytest.approx(m2), None)


@pytest.mark.parametrize("cell", ["2亩", "1.5公顷", "0.5ha", "1hm²", "0.01平方公里", "2 亩"])
def test_a_floor_area_in_a_land_unit_is_missing_and_said(cell):
    value, problem = parse_quantity(cell, unit="m2", floor_area=True)
    assert value is None
    assert problem is not None and "建筑面积应填平方米" in problem
    written = unicodedata.normalize("NFKC", cell).replace(" ", "")  # 「hm²」 is read as hm2
    assert "土地面积单位" in problem and written in problem.replace(" ", "")


@pytest.mark.parametrize(
    ("cell", "m2"), [("1500㎡", 1500.0), ("0.5万平方米", 5000.0), (800, 800.0)]
)
def test_a_floor_area_in_square_metres_is_read(cell, m2):
    assert parse_quantity(cell, unit="m2", floor_area=True) == (m2, None)


# ---------------------------------------------------------------------------- the readers


def test_application_added_floor_area_in_mu_is_missing_with_one_error_row(tmp_path):
    path = _workbook(
        tmp_path / "applications.xlsx",
        ["申请编号", "宗地代码", "统一社会信用代码", "新增建筑面积"],
        [["ZR-001", PLOT, uscc(0), "2亩"], ["ZR-002", PLOT, uscc(0), "1.5公顷"],
         ["ZR-003", PLOT, uscc(0), "5000平方米"]],
    )  # fmt: skip
    read = read_applications(path)
    got = read.data["added_floor_m2"].tolist()
    assert pd.isna(got[0]) and pd.isna(got[1]) and got[2] == 5000.0
    said = _said(read.problems, "新增建筑面积")
    assert said["row"].tolist() == [2, 3], read.problems.to_string()
    assert said["value"].tolist() == ["2亩", "1.5公顷"]
    assert set(said["severity"]) == {"错误"}
    assert said["source"].str.contains("applications.xlsx").all()
    assert said["problem"].str.contains("建筑面积应填平方米").all()
    assert said["action"].str.contains("平方米").all()


def test_application_header_in_mu_sets_the_floor_column_aside(tmp_path):
    path = _workbook(
        tmp_path / "applications.xlsx",
        ["申请编号", "宗地代码", "统一社会信用代码", "新增建筑面积（亩）"],
        [["ZR-001", PLOT, uscc(0), 2]],
    )
    read = read_applications(path)
    assert pd.isna(read.data["added_floor_m2"].iloc[0])
    said = _said(read.problems, "新增建筑面积（亩）")
    assert len(said) == 1 and said["severity"].iloc[0] == "错误"
    assert "应填平方米" in said["problem"].iloc[0] and "土地面积单位" in said["problem"].iloc[0]


def test_parcel_floor_area_in_hectares_is_missing_but_land_area_in_mu_converts(tmp_path):
    parcels = plots(2)[["parcel_id", "geometry"]]
    parcels["宗地面积"] = ["21亩", "14000"]
    parcels["建筑面积"] = ["1.5公顷", "11200"]
    path = tmp_path / "parcels.gpkg"
    parcels.to_file(path, driver="GPKG")
    read = read_parcels(path)
    data = read.data.set_index("parcel_id")
    assert data["area_declared_m2"].tolist() == [pytest.approx(14000.0), 14000.0]
    assert pd.isna(data["floor_area_m2"].iloc[0]) and data["floor_area_m2"].iloc[1] == 11200.0
    said = _said(read.problems, "建筑面积")
    assert said["value"].tolist() == ["1.5公顷"], read.problems.to_string()
    assert "建筑面积应填平方米" in said["problem"].iloc[0]


def test_building_floor_area_in_mu_is_missing(tmp_path):
    footprint = plots(1).geometry.iloc[0].buffer(-20)
    layer = gpd.GeoDataFrame(
        {"建筑面积": ["3亩", "2400"], "层数": [2, 2]}, geometry=[footprint] * 2, crs=4549
    )
    path = tmp_path / "buildings.gpkg"
    layer.to_file(path, driver="GPKG")
    read = read_buildings(path)
    got = read.data["floor_area_m2"].tolist()
    assert pd.isna(got[0]) and got[1] == 2400.0
    assert _said(read.problems, "建筑面积")["value"].tolist() == ["3亩"]


# ---------------------------------------------------------------------------- landgov far


def test_landgov_far_holds_an_application_of_2_mu_added_floor_area_to_verify(tmp_path):
    # One 21-亩 plot at 容积率 0.8, planned 工业用地 inside the control line, owned by firm 0
    # which applies with every condition met — except that 新增建筑面积 reads 「2亩」.
    folder = tmp_path / "in"
    folder.mkdir()
    inputs = hand_files(folder, plots(1), hand_enterprises(1))
    row = application(PLOT, 0) | {"added_floor_m2": "2亩"}
    apps = folder / "applications.xlsx"
    pd.DataFrame([row]).rename(columns={"added_floor_m2": "新增建筑面积"}).to_excel(
        apps, index=False
    )
    out = tmp_path / "out"
    result = run_cli("far", "-p", inputs.parcels, "-e", inputs.enterprises, "-l", inputs.links,
                     "-g", inputs.planning, "-c", inputs.compliance, "-a", apps, "-o", out,
                     "--as-of", "2024-06-30", "--forms", "none", "-q")  # fmt: skip
    text = result.stdout + result.stderr
    assert result.returncode == 0, text
    assert "Traceback" not in text
    layer = gpd.read_file(out / "landgov.gpkg", layer="far_applications")
    assert pd.isna(layer["added_floor_m2"].iloc[0])  # never 1,333.33 m²
    assert layer["zengrong"].iloc[0] == "待核实"
    assert layer["cap"].iloc[0] == "待核实"
    assert "新增建筑面积" in layer["missing"].iloc[0]
    problems = pd.read_excel(out / "landgov.xlsx", sheet_name="增容问题记录", dtype=object)
    hit = problems[problems.apply(lambda r: "2亩" in " ".join(map(str, r.values)), axis=1)]
    assert len(hit) == 1, problems.to_string()
    shown = " ".join(map(str, hit.iloc[0].values))
    assert "applications.xlsx" in shown and "新增建筑面积" in shown
    assert "建筑面积应填平方米" in shown
