"""GIS hand-off: GeoPackage 1.2 with Chinese aliases and QGIS styles; GBK Shapefiles."""

from __future__ import annotations

import csv
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import box

from landgov.core.columns import label
from landgov.maps.style import DEFAULT_STYLE
from landgov.reports.gis import layer_styles, qml
from landgov.reports.shapefile import export_shapefiles, short_names
from landgov.run.files import write_layer
from tests._cli import assert_clean_error, run_cli
from tests._mapfixtures import write_run

E0, N0 = 500_000.0, 3_300_000.0


def _parcels() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["330602001001GB00001", "330602001001GB00002", "330602001001GB00003"],
            "holder": ["绍兴甲机械有限公司", "乙" * 200, "绍兴𬍡纺织有限公司"],
            "screening_status": ["治理", "待核实", "不列入"],
            "screening_rule": ["低效", "", ""],  # not in the column registry: no alias
            "path": ["拆除重建", None, None],
            "tax_per_mu": [2.5, None, 30.0],
            "grade": ["D", "", "A"],
            "above_scale": [True, False, True],
            "low_efficiency": [True, None, False],  # yes/no with a blank: BOOLEAN, read as float
        },
        geometry=[box(E0 + 100 * i, N0, E0 + 100 * i + 80, N0 + 80) for i in range(3)],
        crs=4549,
    )


@pytest.fixture
def gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "landgov.gpkg"
    write_layer(_parcels(), path, layer="parcels")
    far = _parcels().assign(zengrong=["可申报", "不可申报", "待核实"])
    write_layer(far.drop(columns=["screening_status", "path"]), path, layer="far")
    write_layer(pd.DataFrame({"uscc": ["91330602MA2BCDEF1X"]}), path, layer="enterprises")
    return path


def test_geopackage_is_version_1_2(gpkg: Path) -> None:
    with sqlite3.connect(gpkg) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200
    assert len(gpd.read_file(gpkg, layer="parcels")) == 3  # GDAL still reads every layer


def test_field_aliases_are_the_column_registry_labels(gpkg: Path) -> None:
    with sqlite3.connect(gpkg) as db:
        rows = db.execute(
            "SELECT table_name, column_name, name, title, description FROM gpkg_data_columns"
        ).fetchall()
        ext = db.execute(
            "SELECT table_name FROM gpkg_extensions WHERE extension_name = 'gpkg_schema'"
        ).fetchall()
    titles = {(t, c): title for t, c, _, title, _ in rows}
    assert titles[("parcels", "tax_per_mu")] == label("tax_per_mu") == "亩均税收（万元/亩）"
    assert titles[("parcels", "parcel_id")] == "宗地代码"
    assert titles[("far", "zengrong")] == "总体结论"  # the 增容审查 sheet's header
    assert titles[("enterprises", "uscc")] == "统一社会信用代码"
    assert all(name == title for _, _, name, title, _ in rows)
    described = {(t, c): d for t, c, _, _, d in rows}
    assert described[("parcels", "tax_per_mu")].endswith("单位：万元/亩")
    assert sorted(ext) == [("gpkg_data_column_constraints",), ("gpkg_data_columns",)]


def test_qgis_styles_are_read_back_with_the_map_colours(gpkg: Path) -> None:
    with sqlite3.connect(gpkg) as db:
        styles = db.execute(
            "SELECT f_table_name, f_geometry_column, styleName, styleQML, useAsDefault "
            "FROM layer_styles ORDER BY id"
        ).fetchall()
        registered = db.execute(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchone()
    assert registered == ("attributes",)  # as QGIS itself registers the table
    by_layer: dict[str, list[tuple[str, str, int]]] = {}
    for table, geom, name, text, default in styles:
        assert geom == "geom"
        by_layer.setdefault(table, []).append((name, text, default))
    assert [n for n, _, _ in by_layer["parcels"]] == [
        "四个一批路径",
        "筛查结论",
        "亩均评价等级",
    ]
    assert [d for _, _, d in by_layer["parcels"]] == [1, 0, 0]  # one default style per layer
    assert by_layer["far"][0][0] == "增容评估"
    assert "enterprises" not in by_layer  # no geometry, no style
    path_qml = ET.fromstring(by_layer["parcels"][0][1].split("\n", 1)[1])
    renderer = path_qml.find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "categorizedSymbol"
    cats = {c.get("value"): c.get("symbol") for c in renderer.iter("category")}
    colours = {
        s.get("name"): o.get("value")
        for s in renderer.iter("symbol")
        for o in s.iter("Option")
        if o.get("name") == "color"
    }
    red = tuple(int(DEFAULT_STYLE.path_colors["拆除重建"][i : i + 2], 16) for i in (1, 3, 5))
    assert colours[cats["拆除重建"]] == ",".join(map(str, red)) + ",255"
    assert {"治理清单·路径待核实", "筛查待核实", "不列入治理清单"} <= set(cats)
    far = ET.fromstring(by_layer["far"][0][1].split("\n", 1)[1])
    values = [c.get("value") for c in far.iter("category")]
    assert values == ["可申报", "不可申报", "待核实", "待承诺", ""]


def test_rewriting_a_layer_keeps_one_set_of_aliases_and_styles(gpkg: Path) -> None:
    write_layer(_parcels(), gpkg, layer="parcels")
    with sqlite3.connect(gpkg) as db:
        n_styles = db.execute(
            "SELECT count(*) FROM layer_styles WHERE f_table_name = 'parcels'"
        ).fetchone()
        n_cols = db.execute(
            "SELECT count(*) FROM gpkg_data_columns WHERE table_name = 'parcels'"
        ).fetchone()
        n_ext = db.execute(
            "SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_schema'"
        ).fetchone()
    assert (n_styles[0], n_ext[0]) == (3, 2)
    assert n_cols[0] == 8  # every registered column of the layer (not screening_rule), once


def test_outline_layers_and_unstyled_layers() -> None:
    assert layer_styles("blocks", ["block_id"])[0].outline == DEFAULT_STYLE.block_color
    assert layer_styles("enterprises", ["uscc", "grade"]) == []
    text = qml(layer_styles("townships", ["township"])[0])
    assert 'type="singleSymbol"' in text and '"style" value="no"' in text  # outline only


def test_short_names_fit_ten_bytes_and_stay_unique() -> None:
    names = short_names(["screening_status", "screening_rule", "screening_x", "far", "宗地代码号"])
    assert names["far"] == "far"
    assert all(len(v.encode("gbk")) <= 10 for v in names.values())
    assert len({v.lower() for v in names.values()}) == len(names)
    assert names["宗地代码号"] == "宗地代码号"  # 10 bytes in GBK: kept whole


def test_shapefile_export_is_gbk_with_cpg_and_mapping(gpkg: Path, tmp_path: Path) -> None:
    out = tmp_path / "shp"
    result = export_shapefiles(gpkg, out)
    assert sorted(p.name for p in result.files) == ["far.shp", "parcels.shp"]
    assert result.skipped == ["enterprises"]
    assert (result.replaced_chars, result.cut_texts) == (2, 2)  # 𬍡 and 200 × 乙, in 2 layers
    assert (out / "parcels.cpg").read_text(encoding="ascii") == "936"
    dbf = (out / "parcels.dbf").read_bytes()
    assert "绍兴甲机械有限公司".encode("gbk") in dbf
    assert "是".encode("gbk") in dbf  # booleans as 是/否
    fields = pyogrio.read_info(out / "parcels.shp")["fields"]
    assert all(len(f.encode("gbk")) <= 10 for f in fields)
    with (out / "parcels_字段对照.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    mapping = {r["landgov 字段"]: r for r in rows}
    assert mapping["screening_status"]["Shapefile 字段"] == "screening_"
    assert mapping["screening_rule"]["Shapefile 字段"] == "screenin_2"
    assert mapping["tax_per_mu"]["中文名"] == "亩均税收（万元/亩）"
    back = gpd.read_file(out / "parcels.shp")
    assert back["holder"].iloc[0] == "绍兴甲机械有限公司"  # read back through the .cpg
    assert back["holder"].iloc[2] == "绍兴?纺织有限公司"
    assert len(back["holder"].iloc[1].encode("gbk")) <= 254
    # yes/no with a blank as 是 / blank / 否 (pyogrio reads it back as 1.0 / NaN / 0.0: it
    # was written as 1.000000000000000 and 0.000000000000000)
    assert back["low_effici"].fillna("").tolist() == ["是", "", "否"]
    assert back["above_scal"].tolist() == ["是", "否", "是"]


def test_export_command_writes_shapefiles_of_a_run(tmp_path: Path) -> None:
    run = write_run(tmp_path / "结果", n_side=3)
    result = run_cli("export", run.path, "--format", "shp", "--out", tmp_path / "shp")
    assert result.returncode == 0, result.stderr
    assert "已导出" in result.stdout and "parcels_字段对照.csv" in result.stdout
    assert "正在写出 Shapefile" in result.stderr  # a step message
    for layer in ("parcels", "governance", "blocks", "townships", "far"):
        assert (tmp_path / "shp" / f"{layer}.cpg").read_text(encoding="ascii") == "936"
    assert "enterprises" in result.stdout  # no geometry: said, not silently left out
    copied = run_cli("export", run.path, "--format", "gpkg", "--out", tmp_path / "gpkg")
    assert copied.returncode == 0 and (tmp_path / "gpkg" / "landgov.gpkg").is_file()


def test_export_of_a_folder_without_a_run_is_a_clean_error(tmp_path: Path) -> None:
    assert_clean_error(run_cli("export", tmp_path), code=2, contains="landgov screen")
    assert_clean_error(run_cli("export", tmp_path, "--format", "dwg"), code=2, contains="dwg")


def test_alias_descriptions_write_units_as_printed() -> None:
    from landgov.reports.gis import field_aliases

    described = {name: text for name, _, text in field_aliases(["area_m2", "emission_t", "far"])}
    assert described == {
        "area_m2": "面积（图形，平方米）；单位：平方米",
        "emission_t": "主要污染物年排放量（吨）；单位：吨",
        "far": "容积率",
    }
