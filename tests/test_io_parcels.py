"""Parcel reader: encodings, CRS, geometry problems and accounting on real-format fixtures."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import CRS, Transformer
from shapely.geometry import Polygon, box

from landgov.cli import cli
from landgov.errors import CRSError, SchemaError
from landgov.io.encoding import detect_dbf_encoding
from landgov.io.parcels import read_parcels
from landgov.units import M2_PER_MU
from tests._shapefiles import write_shapefile

FIELDS = [("宗地代码", 19), ("权利人", 60), ("土地用途", 12), ("镇街", 12), ("宗地面积", 12)]
# UTF-8 Chinese needs 3 bytes a character: field names of 4 characters do not fit in 10 bytes.
FIELDS_ASCII = [("ZDDM", 19), ("QLRMC", 60), ("TDYT", 12), ("XZQMC", 12), ("ZDMJ", 12)]
# Eastings around 555,9xx m in CM 120E = 120.58°E (docs/domain.md §1 check point), Shaoxing.
E0, N0 = 555_900.0, 3_320_200.0


def _records(n: int) -> list[list[str]]:
    return [
        [
            f"330602001002GB{i + 1:05d}",
            f"绍兴市越城区测试纺织有限公司{i}",
            "工业用地",
            "斗门街道",
            "10000",
        ]
        for i in range(n)
    ]


def _boxes(n: int, *, x0: float = E0, y0: float = N0, size: float = 100.0) -> list[Polygon]:
    return [box(x0 + i * size, y0, x0 + (i + 1) * size, y0 + size) for i in range(n)]


def test_gbk_without_cpg_reads_correct_chinese(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "zd.shp", _boxes(3), FIELDS, _records(3), prj=CRS(4549))
    assert not shp.with_suffix(".cpg").exists()
    res = read_parcels(shp)
    assert res.meta["encoding"]["name"] in {"GBK", "GB18030"}
    assert res.meta["encoding"]["source"] == "bytes"
    assert res.data["holder"].iloc[0] == "绍兴市越城区测试纺织有限公司0"
    assert res.data["township"].tolist() == ["斗门街道"] * 3
    assert res.data["land_use"].iloc[2] == "工业用地"


def test_gbk_cut_inside_a_character_without_cpg_is_still_gbk(tmp_path: Path) -> None:
    """ArcGIS cuts a field name at the .dbf's 10 bytes and a value at its field's width, in
    bytes: 「A权利人名称」 keeps half of 称 and a 60-byte 权利人 half of its last character. The
    file is GBK all the same (was: 「文本既不是 UTF-8 也不是 GBK」 and the layer refused)."""
    fields = [("宗地代码", 19), ("A权利人名称", 60), ("镇街", 12)]
    records = [[f"330602001002GB{i + 1:05d}", "绍兴" * 14 + "xA", "斗门街道"] for i in range(3)]
    shp = write_shapefile(tmp_path / "zd.shp", _boxes(3), fields, records, prj=CRS(4549))
    dbf = shp.with_suffix(".dbf").read_bytes()
    first = dbf.index("绍兴".encode("gbk"))
    cut = dbf[: first + 57] + "称".encode("gbk")[:1] + dbf[first + 58 :]  # x → half of 称
    shp.with_suffix(".dbf").write_bytes(cut)
    dec = detect_dbf_encoding(shp)
    assert (dec.encoding, dec.source) == ("GBK", "bytes")
    res = read_parcels(shp)
    assert res.data["parcel_id"].tolist() == [f"330602001002GB{i + 1:05d}" for i in range(3)]
    assert res.data["township"].tolist() == ["斗门街道"] * 3
    assert res.data["A权利人名"].iloc[1].startswith("绍兴绍兴")


def test_a_few_unreadable_bytes_without_cpg_are_said_on_their_row(tmp_path: Path) -> None:
    """Bytes neither UTF-8 nor GBK in one cell of a GBK layer without a .cpg. Was: the layer
    refused, 「文本既不是 UTF-8 也不是 GBK/GB18030」 showing the file's header bytes. Now read
    as GBK, as with a .cpg 「GBK」: the cell shows 「\\ufffd」 and a 警告 names its row and
    field. (Text too unreadable to be judged is refused naming its cells:
    tests/test_dbf_mixed_cells.py.)"""
    shp = write_shapefile(tmp_path / "zd.shp", _boxes(3), FIELDS, _records(3), prj=CRS(4549))
    dbf = shp.with_suffix(".dbf").read_bytes()
    at = dbf.index("绍兴".encode("gbk"))
    shp.with_suffix(".dbf").write_bytes(dbf[:at] + b"\x80\xff\x80\xff" + dbf[at + 4 :])
    res = read_parcels(shp)
    assert len(res.data) == 3
    assert res.data["holder"].iat[0].startswith("\ufffd")
    said = res.problems[res.problems["problem"].str.contains("既不是 UTF-8 也不是 GBK")]
    assert said["row"].tolist() == [1], res.problems.to_string()
    assert said["field"].tolist() == ["权利人"]


def test_cpg_is_honoured(tmp_path: Path) -> None:
    shp = write_shapefile(
        tmp_path / "u.shp", _boxes(1), FIELDS_ASCII, _records(1), encoding="utf-8", cpg="UTF-8"
    )
    dec = detect_dbf_encoding(shp)
    assert (dec.encoding, dec.source) == ("UTF-8", "cpg")
    assert read_parcels(shp, crs="EPSG:4549").data["holder"].iloc[0].startswith("绍兴市")


def test_utf8_without_cpg_detected_from_bytes(tmp_path: Path) -> None:
    shp = write_shapefile(
        tmp_path / "u8.shp", _boxes(2), FIELDS_ASCII, _records(2), encoding="utf-8"
    )
    dec = detect_dbf_encoding(shp)
    assert (dec.encoding, dec.source) == ("UTF-8", "bytes")


def test_esri_prj_names_resolve(tmp_path: Path) -> None:
    prj = CRS(4549).to_wkt("WKT1_ESRI")
    assert "CGCS2000_3_Degree_GK_CM_120E" in prj
    shp = write_shapefile(tmp_path / "a.shp", _boxes(2), FIELDS, _records(2), prj=prj)
    res = read_parcels(shp)
    assert res.meta["crs"]["epsg"] == "EPSG:4549"
    assert res.meta["crs"]["source"] == "prj"
    zone_prj = CRS(4528).to_wkt("WKT1_ESRI")
    assert "CGCS2000_3_Degree_GK_Zone_40" in zone_prj
    shp40 = write_shapefile(
        tmp_path / "b.shp", _boxes(2, x0=40_000_000 + E0), FIELDS, _records(2), prj=zone_prj
    )
    res40 = read_parcels(shp40)
    assert res40.meta["crs"]["epsg"] == "EPSG:4528"
    assert res40.meta["crs"]["output"] == "EPSG:4549"
    np.testing.assert_allclose(res40.data.geometry.bounds["minx"], res.data.geometry.bounds["minx"])


def test_zone40_prefixed_without_prj_is_inferred_with_warning(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "z.shp", _boxes(2, x0=40_000_000 + E0), FIELDS, _records(2))
    res = read_parcels(shp)
    assert res.meta["crs"]["epsg"] == "EPSG:4528"
    assert res.meta["crs"]["source"] == "inferred"
    warn = res.problems[res.problems["field"] == "crs"]
    assert len(warn) == 1 and "EPSG:4528" in warn["problem"].iloc[0]


def test_wrong_prj_is_corrected_and_said(tmp_path: Path) -> None:
    # .prj says zone 40 with prefix, but eastings have 6 digits: the file lies.
    shp = write_shapefile(tmp_path / "w.shp", _boxes(2), FIELDS, _records(2), prj=CRS(4528))
    res = read_parcels(shp)
    assert res.meta["crs"]["source"] == "corrected"
    assert res.meta["crs"]["epsg"] == "EPSG:4549"
    assert "矛盾" in res.meta["crs"]["warnings"][0]


def test_unprefixed_zone_uses_county_from_parcel_code(tmp_path: Path) -> None:
    # Easting 400,050 lands in Zhejiang under both CM 120E and 123E: ambiguous by location.
    geoms = _boxes(2, x0=400_000)
    shp = write_shapefile(tmp_path / "c.shp", geoms, FIELDS, _records(2))
    res = read_parcels(shp)  # 330602 (越城区, Shaoxing) → CM 120E
    assert res.meta["crs"]["epsg"] == "EPSG:4549"
    assert any("330602" in e for e in res.meta["crs"]["evidence"])
    other = [[f"999999001002GB{i:05d}", "x", "工业用地", "x", "1"] for i in range(2)]
    shp2 = write_shapefile(tmp_path / "d.shp", geoms, FIELDS, other)
    with pytest.raises(CRSError, match="无法判断投影带"):
        read_parcels(shp2)
    assert read_parcels(shp2, cm=123).meta["crs"]["epsg"] == "EPSG:4550"


def test_invalid_rings_repaired_duplicates_rejected_nulls_kept(tmp_path: Path) -> None:
    bowtie = Polygon([(E0, N0), (E0 + 100, N0 + 100), (E0 + 100, N0), (E0, N0 + 100)])
    geoms = [*_boxes(2), bowtie, box(E0 + 300, N0, E0 + 400, N0 + 100), None]
    recs = _records(5)
    recs[3][0] = recs[1][0]  # row 4 repeats the code of row 2
    shp = write_shapefile(tmp_path / "bad.shp", geoms, FIELDS, recs, prj=CRS(4549))
    res = read_parcels(shp)
    probs = res.problems
    # bow-tie 100 m × 100 m: make_valid gives two triangles of 2,500 m² = 5,000 m² in all
    repaired = res.data.loc[res.data["source_row"] == 3]
    assert repaired.geometry.iloc[0].is_valid
    assert repaired["area_m2"].iloc[0] == pytest.approx(5000.0)
    repair_rows = probs[probs["problem"].str.contains("边界自相交")]
    assert len(repair_rows) == 1 and "自动修复" in repair_rows["problem"].iloc[0]
    assert not probs["problem"].str.contains("make_valid|Self-intersection").any()  # GEOS words
    # duplicate: row 4 rejected with a reason pointing at row 2
    assert res.rejected["source_row"].tolist() == [4]
    # (row 4 lies 100 m east of row 2: two pieces of land under one code, so row 2's area is
    # missing too — tests/test_bad_input_county5.py)
    assert res.rejected["reject_reason"].tolist() == [
        "宗地代码重复（与第 2 行相同），两条记录的图形互不重叠（相距 100.0 米）"
    ]
    assert "第 2 行" in probs.loc[probs["row"] == 4, "problem"].iloc[0]
    # null geometry: kept (the parcel exists), area missing, reported
    assert np.isnan(res.data.loc[res.data["source_row"] == 5, "area_m2"].iloc[0])
    assert probs.loc[probs["row"] == 5, "problem"].str.contains("几何为空").any()
    # accounting: every input row is in data or in rejected
    assert len(res.data) + len(res.rejected) == res.meta["rows"] == 5


def test_overlap_area_reported(tmp_path: Path) -> None:
    geoms = [box(E0, N0, E0 + 100, N0 + 100), box(E0 + 50, N0 + 50, E0 + 150, N0 + 150)]
    shp = write_shapefile(tmp_path / "o.shp", geoms, FIELDS, _records(2), prj=CRS(4549))
    res = read_parcels(shp)
    overl = res.problems[res.problems["problem"].str.contains("重叠")]
    assert len(overl) == 1
    assert "2,500.0 平方米" in overl["problem"].iloc[0]
    assert res.meta["overlaps"] == 1


def test_missing_required_field_lists_fix(tmp_path: Path) -> None:
    shp = write_shapefile(
        tmp_path / "m.shp", _boxes(1), [("名称", 10)], [["x"]], encoding="GBK", prj=CRS(4549)
    )
    with pytest.raises(SchemaError) as err:
        read_parcels(shp)
    assert "宗地代码" in str(err.value) and "aliases" in str(err.value)
    # the only non-ASCII bytes are in the field name 名称: still detected as GBK
    res = read_parcels(shp, aliases={"parcel_id": ["名称"]})
    assert res.meta["encoding"]["name"] == "GBK"
    assert res.data["parcel_id"].tolist() == ["X"]  # codes are upper-cased (normalize_code)


def test_geopackage_geojson_and_geoparquet(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame(
        {"ZDDM": ["330602001002GB00001"], "QLRMC": ["某某公司"], "ZDMJ": [10000.0]},
        geometry=_boxes(1),
        crs=4549,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf.to_file(tmp_path / "p.gpkg", layer="zd")
        gdf.to_file(tmp_path / "p.geojson")
        gdf.to_parquet(tmp_path / "p.parquet")
    for name in ("p.gpkg", "p.geojson", "p.parquet"):
        res = read_parcels(tmp_path / name)
        assert res.data["holder"].iloc[0] == "某某公司", name
        assert res.data["area_m2"].iloc[0] == pytest.approx(10_000.0, rel=1e-6), name


@settings(max_examples=25, deadline=None)
@given(
    dx=st.floats(min_value=-20_000, max_value=20_000),
    dy=st.floats(min_value=-20_000, max_value=20_000),
    w=st.floats(min_value=20, max_value=600),
    h=st.floats(min_value=20, max_value=600),
    skew=st.floats(min_value=-0.4, max_value=0.4),
)
def test_area_in_mu_does_not_depend_on_input_crs(
    tmp_path_factory: pytest.TempPathFactory, dx: float, dy: float, w: float, h: float, skew: float
) -> None:
    """The same parcel read in EPSG:4549, 4528 (zone prefix) and 4490 (degrees) has one 亩 area."""
    x0, y0 = E0 + dx, N0 + dy
    poly = Polygon([(x0, y0), (x0 + w, y0 + skew * h), (x0 + w, y0 + h), (x0, y0 + h)])
    tmp = tmp_path_factory.mktemp("crs")
    areas = []
    to_deg = Transformer.from_crs(4549, 4490, always_xy=True)
    variants = {
        4549: poly,
        4528: Polygon([(x + 40_000_000, y) for x, y in poly.exterior.coords]),
        4490: Polygon([to_deg.transform(x, y) for x, y in poly.exterior.coords]),
    }
    for epsg, geom in variants.items():
        shp = write_shapefile(tmp / f"p{epsg}.shp", [geom], FIELDS, _records(1), prj=CRS(epsg))
        res = read_parcels(shp)
        assert not res.data.crs.is_geographic
        areas.append(res.data["area_m2"].iloc[0] / M2_PER_MU)
    assert areas[0] == pytest.approx(poly.area / M2_PER_MU, rel=1e-9)
    assert areas[1] == pytest.approx(areas[0], rel=1e-9)
    assert areas[2] == pytest.approx(areas[0], rel=1e-6)


def test_inspect_cli_json_on_gbk_zone40(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "z.shp", _boxes(2, x0=40_000_000 + E0), FIELDS, _records(2))
    out = CliRunner().invoke(cli, ["inspect", str(shp), "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)  # the settings line goes to stderr
    assert report["encoding"] in {"GBK", "GB18030"}
    assert report["crs"] == "EPSG:4528"
    assert report["rows"] == 2
    assert report["field_map"]["parcel_id"] == "宗地代码"
    assert any(p["field"] == "crs" for p in report["problems"])
    assert all({"row", "field", "problem"} <= set(p) for p in report["problems"])
    text = CliRunner().invoke(cli, ["inspect", str(shp)])
    assert "GBK" in text.output and "EPSG:4528" in text.output


def test_inspect_cli_alias_maps_an_unknown_column(tmp_path: Path) -> None:
    shp = write_shapefile(
        tmp_path / "a.shp", _boxes(1), [("地块号", 19)], [["330602001002GB00001"]], prj=CRS(4549)
    )
    runner = CliRunner()
    missing = runner.invoke(cli, ["inspect", str(shp), "--json"])
    assert missing.exit_code != 0
    assert "--alias parcel_id=" in str(missing.exception)
    out = runner.invoke(cli, ["inspect", str(shp), "--json", "--alias", "parcel_id=地块号"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["field_map"]["parcel_id"] == "地块号"
    bad = runner.invoke(cli, ["inspect", str(shp), "--alias", "地块号"])
    assert bad.exit_code == 2
    assert "字段=列名" in bad.output
    # the field as the template names it; a field no input file has is refused, not ignored
    out = runner.invoke(cli, ["inspect", str(shp), "--json", "--alias", "宗地代码=地块号"])
    assert json.loads(out.stdout)["field_map"]["parcel_id"] == "地块号"
    typo = runner.invoke(cli, ["inspect", str(shp), "--alias", "parcle_id=地块号"])
    assert typo.exit_code == 2
    assert "不认识的字段「parcle_id」" in typo.output and "宗地代码" in typo.output
