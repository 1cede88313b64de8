"""Messages about a layer's side files and values say what was seen, in the user's words:
a .cpg with a byte-order mark, a Windows zip's GBK member names, a workbook under a layer's
name, a .prj that is there but no CRS, the example in a number's fix."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from pyproj import CRS
from shapely.geometry import box

from landgov.errors import DataFileError
from landgov.io.encoding import detect_dbf_encoding
from landgov.io.parcels import read_parcels
from tests._shapefiles import write_shapefile

E0, N0 = 555_900.0, 3_320_200.0  # 越城区, CGCS2000 3° zone 120°E (EPSG:4549)
FIELDS = [("宗地代码", 19), ("宗地面积", 12)]


def _layer(tmp_path: Path, *, area: str = "10000", **options) -> Path:
    geoms = [box(E0, N0, E0 + 100, N0 + 100), box(E0 + 100, N0, E0 + 200, N0 + 100)]
    records = [["330602001002GB00001", area], ["330602001002GB00002", "10000"]]
    return write_shapefile(tmp_path / "宗地.shp", geoms, FIELDS, records, **options)


def test_a_cpg_with_a_byte_order_mark_is_read_as_what_it_names(tmp_path: Path) -> None:
    # Notepad's 「UTF-8」 .cpg starts with EF BB BF; read as ASCII it was three U+FFFD and
    # 「UTF-8」, no codec's name, so the .cpg was set aside and the encoding guessed.
    shp = _layer(tmp_path, encoding="utf-8")
    shp.with_suffix(".cpg").write_bytes(b"\xef\xbb\xbfUTF-8")
    decision = detect_dbf_encoding(shp)
    assert (decision.encoding, decision.source) == ("UTF-8", "cpg")
    assert not any("\ufffd" in e for e in decision.evidence), decision.evidence


def _gbk_named_zip(path: Path) -> Path:
    """A zip as Chinese Windows writes it: member names in GBK, the UTF-8 flag (bit 11) unset.
    Python writes non-ASCII names as flagged UTF-8, so ASCII stand-ins of the same byte length
    are written and their bytes replaced (the CRC covers the data, not the name)."""
    gbk = "宗地/".encode("gbk")
    stand_in = b"X" * (len(gbk) - 1) + b"/"
    with zipfile.ZipFile(path, "w") as zf:
        for part in ("shp", "shx", "dbf", "prj"):
            zf.writestr(f"{stand_in.decode()}parcels.{part}", b"\x00" * 100)
    path.write_bytes(path.read_bytes().replace(stand_in, gbk))
    with zipfile.ZipFile(path) as zf:  # as read without help: cp437 garbling
        assert not any(i.flag_bits & 0x800 for i in zf.infolist())
        assert "╫┌╡╪/parcels.shp" in zf.namelist()
    return path


def test_a_windows_zip_names_its_layers_in_chinese(tmp_path: Path) -> None:
    path = _gbk_named_zip(tmp_path / "宗地.zip")
    with pytest.raises(DataFileError) as err:
        read_parcels(path)
    text = str(err.value)
    assert "这是压缩包，不是图层本身（其中有：宗地/parcels.shp）" in text, text
    assert "╫┌╡╪" not in text


@pytest.mark.parametrize("suffix", [".shp", ".gpkg"])
def test_a_workbook_renamed_as_a_layer_is_called_a_workbook(tmp_path: Path, suffix: str) -> None:
    # An .xlsx is a zip holding xl/workbook.xml: 「先解压」 told the user to unzip Excel.
    path = tmp_path / f"宗地{suffix}"
    book = Workbook()
    book.active.append(["宗地代码", "宗地面积"])
    book.save(path)
    with pytest.raises(DataFileError) as err:
        read_parcels(path)
    text = str(err.value)
    assert f"内容是 Excel 工作簿（.xlsx），扩展名却是 {suffix}，不是图层" in text, text
    assert "先解压" not in text and "压缩包" not in text, text


def test_a_geopackage_that_is_a_zip_of_layers_names_them(tmp_path: Path) -> None:
    path = tmp_path / "宗地.gpkg"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("宗地.shp", b"\x00" * 100)
    with pytest.raises(DataFileError) as err:
        read_parcels(path)
    text = str(err.value)
    assert "不是有效的 GeoPackage（内容是 zip 压缩包）（其中有：宗地.shp）" in text, text
    assert "先解压" in text and "Excel" not in text, text


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            "坐标系：CGCS2000 120".encode("gbk"),
            "其内容无法识别为坐标系（内容：'坐标系：CGCS2000 120'）",
        ),
        (b"", "它是空的"),
    ],
    ids=["chinese-note", "empty"],
)
def test_a_prj_that_is_there_but_no_crs_is_said_to_be_there(
    tmp_path: Path, content: bytes, said: str
) -> None:
    shp = _layer(tmp_path, prj=CRS(4549))
    shp.with_suffix(".prj").write_bytes(content)
    result = read_parcels(shp)
    assert result.meta["crs"]["epsg"] == "EPSG:4549"  # still inferred from the coordinates
    (crs_row,) = result.problems.loc[result.problems["field"] == "crs", "problem"]
    assert crs_row.startswith(f"有 .prj 文件，但{said}"), crs_row
    assert "没有 .prj" not in crs_row


def test_the_fix_of_an_unread_area_gives_an_area_for_example(tmp_path: Path) -> None:
    result = read_parcels(_layer(tmp_path, area="-5", prj=CRS(4549)))
    rows = result.problems.loc[result.problems["row"] == 1]
    (action,) = rows.loc[rows["problem"].str.contains("数值为负"), "action"]
    assert action == "在源表中改为数值（可带单位，如 12000、12000平方米 或 18亩）后重新读取"
    assert "万元" not in action
