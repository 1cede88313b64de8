"""County files as they really come, tenth round: a GeoPackage or GeoJSON whose text some tool
wrote in GBK. Both formats keep text in UTF-8 (GeoPackage 1.3 §1.1.1.1.1, RFC 7946 §11), so the
bytes cannot be read as written; GDAL hands them on and pyogrio stopped with 「'utf-8' codec
can't decode byte 0xb1」 naming no row. Now the refusal names each cell, shows how it reads as
GBK, and says how to re-save the layer. Still a refusal: which encoding a UTF-8 format's odd
cell was meant in is a guess.

Hand case: two plots of 100 m × 100 m in EPSG:4549; plot 2's 权利人 「丙公司」 stored as its GBK
bytes B1FB B9AB CBBE.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from landgov.errors import DataFileError
from landgov.io import read_parcels
from tests._cli import main_here

IDS = ["330602001001GB00001", "330602001001GB00002"]
SQUARES = [box(557_000, 3_325_000, 557_100, 3_325_100), box(557_200, 3_325_000, 557_300, 3_325_100)]


def _gpkg_with_a_gbk_cell(folder: Path) -> Path:
    path = folder / "宗地.gpkg"
    frame = gpd.GeoDataFrame({"宗地代码": IDS, "权利人": ["甲公司", "乙公司"]}, geometry=SQUARES,
                             crs=4549)  # fmt: skip
    frame.to_file(path, layer="宗地", engine="pyogrio")
    with sqlite3.connect(path) as con:  # as a tool writing GBK into the table would
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            con.execute(f'DROP TRIGGER "{name}"')  # R-tree triggers call SpatiaLite functions
        con.execute('UPDATE "宗地" SET "权利人" = CAST(? AS TEXT) WHERE fid = 2',
                    ("丙公司".encode("gbk"),))  # fmt: skip
    return path


def test_a_gbk_cell_in_a_geopackage_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as caught:
        read_parcels(_gpkg_with_a_gbk_cell(tmp_path))
    text = str(caught.value)
    assert "图层中有文字不是 UTF-8 编码" in text, text
    assert "第 2 行「权利人」（按 GBK 读作「丙公司」）" in text, text
    assert "第 1 行" not in text and "codec can't decode" not in text, text


def test_a_geojson_written_in_gbk_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "宗地.geojson"
    feature = (
        '{"type":"Feature","properties":{"宗地代码":"330602001001GB00001","权利人":"丙公司"},'
        '"geometry":{"type":"Polygon","coordinates":[[[557000,3325000],[557100,3325000],'
        "[557100,3325100],[557000,3325100],[557000,3325000]]]}}"
    )
    path.write_bytes(f'{{"type":"FeatureCollection","features":[{feature}]}}'.encode("gbk"))
    code, text = main_here(["inspect", path], capsys)
    assert code == 2, text
    assert "错误：" in text and "第 1 行「权利人」（按 GBK 读作「丙公司」）" in text, text
    assert "另存为 GeoPackage" in text and "Traceback" not in text, text


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("宗地.dwg", b"AC1027\x00\x00", "这是 AutoCAD 图形（.dwg），不能直接读取"),
        ("宗地.pdf", b"%PDF-1.4\n", "这是 PDF 文档（图纸或报表），不是地理数据"),
        ("宗地.docx", b"PK\x03\x04", "这是 Word 文档，不是地理数据"),
    ],
)
def test_a_cad_drawing_or_a_document_given_as_the_parcels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, words: str
) -> None:
    """The 宗地图 a county keeps in CAD (南方 CASS) or hands over as PDF or Word: GDAL answered
    「'宗地.dwg' not recognized as being in a supported file format」 in English."""
    path = tmp_path / name
    path.write_bytes(content)
    code, text = main_here(["inspect", path], capsys)
    assert code == 2, text
    assert words in text and "处理：" in text and "not recognized" not in text, text


def test_a_kml_with_no_layer_in_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty KML (exported from a map site with nothing selected) opens in GDAL with no
    layer; pyogrio then stopped with 「IndexError: index 0 is out of bounds」: 内部出错, exit 3."""
    path = tmp_path / "宗地.kml"
    path.write_text(
        '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document></Document>'
        "</kml>",
        encoding="utf-8",
    )
    code, text = main_here(["inspect", path], capsys)
    assert code == 2, text
    assert "文件中没有任何图层" in text and "内部出错" not in text, text
