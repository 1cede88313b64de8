"""Input templates: written blank, filled by a user (2 rows), read by the real readers."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from openpyxl import load_workbook
from shapely.geometry import MultiPolygon, box

from landgov.io.applications import read_applications
from landgov.io.compliance import read_compliance
from landgov.io.enterprises import read_enterprises
from landgov.io.links import read_links
from landgov.io.parcels import read_parcels
from landgov.reports.templates import PARCEL_CRS, TEMPLATES, header
from tests._cli import run_cli

USCC = ("91330602MA2BCDEF1Q", "91330602MA2BCDEG0N")
PARCELS = ("330602001001GB00001", "330602001001GB00002")

#: Two rows a user types in, by the header as the template shows it.
ROWS: dict[str, list[dict[str, object]]] = {
    "企业亩均效益表.xlsx": [
        {"统一社会信用代码": USCC[0], "企业名称": "绍兴甲机械有限公司", "规上/规下": "规上",
         "行业代码": "3311", "税收（万元）": 120.5, "用地面积（亩）": 20, "镇街": "马山街道"},
        {"统一社会信用代码": USCC[1], "企业名称": "绍兴乙纺织有限公司", "规上/规下": "规下",
         "行业代码": "1713", "税收（万元）": 8, "用地面积（亩）": 6.5, "镇街": "孙端街道"},
    ],
    "地企关联表.xlsx": [
        {"宗地代码": PARCELS[0], "统一社会信用代码": USCC[0], "关系": "自有",
         "使用面积（平方米）": 13333},
        {"宗地代码": PARCELS[1], "统一社会信用代码": USCC[1], "关系": "租用",
         "使用面积（平方米）": 4333},
    ],
    "违法违规记录表.xlsx": [
        {"统一社会信用代码": USCC[0], "问题类别": "环保", "严重程度": "一般",
         "记录日期": dt.date(2025, 3, 1), "整改情况": "已整改",
         "整改完成日期": dt.date(2025, 4, 1)},
        {"统一社会信用代码": USCC[1], "宗地代码": PARCELS[1], "问题类别": "安全",
         "严重程度": "较大", "记录日期": dt.date(2025, 9, 1), "整改情况": "未整改"},
    ],
    "增容申请表.xlsx": [
        {"申请编号": "ZR2026-001", "宗地代码": PARCELS[0], "统一社会信用代码": USCC[0],
         "申请日期": dt.date(2026, 5, 1), "项目名称": "精密部件增容技改",
         "新增建筑面积（平方米）": 5000, "项目总投资（万元）": 8000, "是否改变原建筑结构": "否",
         "是否标准厂房": "否", "已签承诺": "是"},
        {"申请编号": "ZR2026-002", "宗地代码": PARCELS[1], "统一社会信用代码": USCC[1],
         "申请日期": dt.date(2026, 5, 8), "项目名称": "织造车间加层",
         "新增建筑面积（平方米）": 1200, "项目总投资（万元）": 900, "是否改变原建筑结构": "是",
         "是否标准厂房": "否", "已签承诺": "否"},
    ],
}  # fmt: skip

READERS = {
    "企业亩均效益表.xlsx": read_enterprises,
    "地企关联表.xlsx": read_links,
    "违法违规记录表.xlsx": read_compliance,
    "增容申请表.xlsx": read_applications,
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("模板")
    result = run_cli("template", "--out", out, "--county", "绍兴市越城区", cwd=out)
    assert result.returncode == 0, result.stderr
    return out


def _fill(path: Path, rows: list[dict[str, object]]) -> None:
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    for r, row in enumerate(rows, start=2):
        assert set(row) <= set(headers), set(row) - set(headers)  # the user's columns exist
        for name, value in row.items():
            ws.cell(row=r, column=headers.index(name) + 1, value=value)
    wb.save(path)


def test_template_writes_every_file_and_the_settings(folder: Path) -> None:
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([*READERS, "宗地.gpkg", "landgov.toml"])
    settings = tomllib.loads((folder / "landgov.toml").read_text(encoding="utf-8"))
    assert settings["county"] == "绍兴市越城区" and settings["profile"] == "yuecheng-2022"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.filename)
def test_headers_units_validation_and_guide(folder: Path, template) -> None:
    wb = load_workbook(folder / template.filename)
    assert wb.sheetnames == [template.sheet, "填写说明"]
    ws = wb[template.sheet]
    headers = [c.value for c in ws[1]]
    assert headers == [header(s) for s in template.fields]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in headers)  # Chinese
    assert ws.freeze_panes == "A2"
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    for col, spec in enumerate(template.fields, start=1):
        letter = ws.cell(row=1, column=col).column_letter
        choices = template.choices.get(spec.name)
        if choices:
            assert rules[f"{letter}2"].type == "list"
            assert rules[f"{letter}2"].formula1 == '"' + ",".join(choices) + '"'
        elif spec.kind.value == "number":
            assert rules[f"{letter}2"].type == "decimal" and rules[f"{letter}2"].error
        elif spec.kind.value == "date":
            assert rules[f"{letter}2"].type == "date"
    guide = [r[0] for r in wb["填写说明"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert guide[: len(headers)] == headers


def test_units_in_the_headers_are_the_readers_units(folder: Path) -> None:
    ws = load_workbook(folder / "企业亩均效益表.xlsx").worksheets[0]
    headers = [c.value for c in ws[1]]
    assert (
        "税收（万元）" in headers and "用地面积（亩）" in headers and "综合能耗（tce）" in headers
    )
    ws = load_workbook(folder / "地企关联表.xlsx").worksheets[0]
    assert "使用面积（平方米）" in [c.value for c in ws[1]]


@pytest.mark.parametrize("name", list(READERS))
def test_filled_templates_are_read_by_the_real_readers(
    folder: Path, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes((folder / name).read_bytes())
    _fill(path, ROWS[name])
    result = READERS[name](path)
    assert len(result.data) == 2, result.problems
    assert len(result.rejected) == 0, result.rejected
    unmatched = result.problems[result.problems["problem"].str.contains("无法识别|未能识别|不认识")]
    assert unmatched.empty, unmatched
    if name == "企业亩均效益表.xlsx":
        assert result.data["tax_wan"].tolist() == [120.5, 8.0]
        assert result.data["above_scale"].tolist() == [True, False]
        assert result.data["industry_code"].tolist() == ["3311", "1713"]
    if name == "地企关联表.xlsx":
        assert result.data["area_used_m2"].tolist() == [13333.0, 4333.0]
    if name == "增容申请表.xlsx":
        assert result.data["added_floor_m2"].tolist() == [5000.0, 1200.0]
        assert result.data["commitment_signed"].tolist() == [True, False]


def test_filled_parcel_layer_is_read_by_the_parcel_reader(folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "宗地.gpkg"
    path.write_bytes((folder / "宗地.gpkg").read_bytes())
    info = pyogrio.read_info(path, layer="宗地")
    assert info["crs"] == PARCEL_CRS and info["geometry_type"] == "MultiPolygon"
    assert "宗地代码" in list(info["fields"]) and info["features"] == 0
    rows = gpd.GeoDataFrame(
        {"宗地代码": list(PARCELS), "权利人": ["绍兴甲机械有限公司", "丙"], "宗地面积（平方米）":
         [13333.0, 6000.0], "供地日期": ["2010-05-01", "2012-07-01"]},
        geometry=[MultiPolygon([box(500_000, 3_300_000, 500_100, 3_300_133)]),
                  MultiPolygon([box(500_200, 3_300_000, 500_260, 3_300_100)])],
        crs=PARCEL_CRS,
    )  # fmt: skip
    pyogrio.write_dataframe(rows, path, layer="宗地", append=True)
    result = read_parcels(path)
    assert result.data["parcel_id"].tolist() == list(PARCELS)
    assert result.data["area_declared_m2"].tolist() == [13333.0, 6000.0]
    assert len(result.rejected) == 0


def test_existing_files_are_kept(folder: Path) -> None:
    before = (folder / "landgov.toml").read_text(encoding="utf-8")
    result = run_cli("template", "--out", folder, "--county", "别的县", cwd=folder)
    assert result.returncode == 0 and "未改动任何文件" in result.stdout
    assert (folder / "landgov.toml").read_text(encoding="utf-8") == before
