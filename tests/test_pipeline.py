"""End-to-end screening on the bundled sample (模拟数据) with every shipped profile."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner

from landgov.cli import cli
from landgov.core.collect import parse_item, split_items
from landgov.core.runfolder import file_sha256 as sealed_sha
from landgov.policy import list_profiles
from landgov.run.files import RunInputs
from landgov.run.screening import run_screening
from landgov.screening.paths import TreatmentPath

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
SHEETS = [
    "底数清单", "治理清单", "治理清单（打印）", "连片地块", "企业评价", "镇街汇总", "问题记录",
]  # fmt: skip
REQUIRED_FIELDS = {
    "parcel_id", "township", "area_mu", "tax_per_mu", "grade", "low_efficiency", "path",
    "reasons", "citations", "missing", "block_id",
}  # fmt: skip


def _inputs() -> RunInputs:
    return RunInputs(
        parcels=SAMPLE / "parcels.shp",
        enterprises=SAMPLE / "enterprises.xlsx",
        links=SAMPLE / "links.xlsx",
        compliance=SAMPLE / "compliance.xlsx",
        planning=SAMPLE / "planning.shp",
        demolition=SAMPLE / "demolition.shp",
        townships=SAMPLE / "townships.shp",
        height_raster=SAMPLE / "height.tif",
    )


@pytest.mark.slow
@pytest.mark.parametrize("profile", [p["name"] for p in list_profiles()])
def test_screen_sample_with_every_profile(tmp_path: Path, profile: str) -> None:
    run = run_screening(
        _inputs(), profile=profile, out_dir=tmp_path, as_of="2026-06-30", progress=False
    )
    gpkg = tmp_path / "landgov.gpkg"
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert {"parcels", "governance", "blocks", "enterprises", "townships"} <= layers
    parcels = gpd.read_file(gpkg, layer="parcels")
    fields = set(pyogrio.read_info(gpkg, layer="parcels")["fields"])
    assert fields >= REQUIRED_FIELDS
    # the height raster's built-up cover is measured for every plot with a geometry
    assert parcels["built_cover"].between(0, 1).sum() == parcels.geometry.notna().sum()
    # every parcel of the file exactly once (input rows = kept + rejected)
    sealed = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert sealed["complete"] is True and set(sealed["stages"]) == {"screen"}
    manifest = sealed["stages"]["screen"]
    assert manifest == json.loads(json.dumps(run.manifest, default=str))
    assert set(sealed["files"]) == {
        "landgov.gpkg", "landgov.xlsx", "landgov_parcels.parquet", "landgov_blocks.parquet",
    }  # fmt: skip
    # the lossless GeoParquet: every parcel, the same values, booleans and dates kept
    full = gpd.read_parquet(tmp_path / "landgov_parcels.parquet")
    assert full["parcel_id"].tolist() == parcels["parcel_id"].tolist()
    assert str(full["low_efficiency"].dtype) == "boolean"
    assert manifest["outputs"]["geoparquet"]["parcels"].endswith("landgov_parcels.parquet")
    inp = manifest["inputs"]["parcels"]
    assert inp["rows_in"] == inp["rows_out"] + inp["rows_rejected"]
    assert len(parcels) == inp["rows_out"]
    assert parcels["parcel_id"].is_unique
    # every 治理清单 parcel: exactly one of the four paths, a reason and a citation
    gov = gpd.read_file(gpkg, layer="governance")
    assert len(gov) == (parcels["screening_status"] == "治理").sum()
    assert set(gov["path"]) <= {p.value for p in TreatmentPath}
    assert gov["reasons"].str.len().gt(0).all()
    assert gov["citations"].str.len().gt(0).all()
    assert parcels.loc[parcels["screening_status"] != "治理", "path"].fillna("").eq("").all()
    # 待核实 plots say what is missing
    unknown = parcels[parcels["screening_status"] == "待核实"]
    assert unknown["to_verify"].fillna("").str.len().gt(0).all()
    # … in Chinese, each item with the department to ask (landgov.core.collect), never a field name
    pending = parcels.loc[parcels["path_status"] == "待核实", "missing"]
    for text in [*unknown["to_verify"], *pending]:
        assert not re.search(r"[a-z]+_[a-z]+", text), text
        assert all(parse_item(i).department != "—" for i in split_items(text)), text
    # manifest
    assert manifest["profile"]["name"] == profile
    assert len(manifest["inputs"]["parcels"]["sha256"]) == 64
    assert set(manifest["timings_s"]) >= {"读取数据", "写出结果"}
    assert manifest["inputs"]["height_raster"]["sha256"] == sealed_sha(_inputs().height_raster)
    assert run.out_dir == tmp_path
    # workbook
    wb = openpyxl.load_workbook(tmp_path / "landgov.xlsx")
    assert wb.sheetnames[: len(SHEETS)] == SHEETS
    ws = wb["底数清单"]
    assert ws.freeze_panes == "C2"  # 宗地代码 and 权利人 frozen
    assert ws.auto_filter.ref
    assert ws.cell(1, 1).value == "宗地代码"
    assert ws.max_row == len(parcels) + 1
    problems = pd.read_excel(tmp_path / "landgov.xlsx", sheet_name="问题记录")
    assert len(problems) == len(run.problems)
    # every field in Chinese: a file's own header or a column's label, never a code identifier
    fields = problems["字段"].dropna().astype(str)
    assert len(fields) and not fields.str.contains(r"[A-Za-z]{3}").any(), set(fields)


@pytest.mark.slow
def test_screen_cli(tmp_path: Path) -> None:
    i = _inputs()
    args = ["screen", "-q", "-p", str(i.parcels), "-e", str(i.enterprises), "-l", str(i.links)]
    args += ["--profile", "shangyu-2022", "--as-of", "2026-06-30", "-o", str(tmp_path)]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    assert "治理清单" in out.output
    assert (tmp_path / "landgov.gpkg").exists()
