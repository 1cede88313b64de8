"""Broken and hostile input files, gap round: what the earlier bad-input tests did not try.

Each case gives a tiny file built here, and checks what a user sees: a Chinese 「错误：」 naming
the file and the row with what to do (never a traceback or an internal-error report), or the
rows read and every one accounted for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._cli import ENGLISH, main_here

_LINKS_HEAD = "宗地代码,统一社会信用代码,关系"
_ROW = "330602001001GB{n:05d},91330602MA2D9BDN1R,自有"


def _links_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([_LINKS_HEAD, *rows]) + "\n", encoding="utf-8")
    return path


def _screen_sample_with_links(
    links: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """``landgov screen`` of the bundled sample with ``links`` as its 地企关联 table."""
    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    return main_here(
        ["screen", "-q", "-p", sample / "parcels.shp", "-e", sample / "enterprises.xlsx",
         "-l", links, "-o", out, "--as-of", "2026-06-30"],
        capsys,
    )  # fmt: skip


def test_an_unclosed_quote_in_a_long_csv_is_said_on_its_row_not_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stray quote on line 3 of a 地企关联 CSV of 8,000 rows: the rest of the file is read as
    one cell of some 330,000 characters — beyond the csv module's default field limit (131,072),
    which used to end the run as 「landgov 内部出错」 with an error report. It is the same
    unclosed quote as in a short file, and must be said the same way: line 3, what to do."""
    rows = [_ROW.format(n=n) for n in range(8_000)]
    rows[1] = rows[1].replace(",", ',"', 1)  # line 3 of the file (line 1 is the header)
    path = _links_csv(tmp_path / "地企关联.csv", rows)
    code, text = main_here(["inspect", path], capsys)
    assert code == 2, text
    assert "内部出错" not in text and "Traceback" not in text, text
    assert "地企关联.csv" in text and "第 3 行有一个引号" in text and "处理：" in text, text
    for word in ENGLISH:
        assert word not in text, (word, text)


def test_a_cell_longer_than_the_csv_limit_is_read_and_the_row_kept(tmp_path: Path) -> None:
    """One 200,000-character remark in a 地企关联 CSV (a system pasted a log into 关系): the
    file is read, all three rows are there (none lost), the long cell is kept whole in the data
    (the writers cut it for Excel with a mark, see test_bad_input_excel)."""
    from landgov.io import read_links

    rows = [_ROW.format(n=n) for n in range(3)]
    rows[1] = rows[1].replace("自有", "自有" + "备" * 200_000)
    result = read_links(_links_csv(tmp_path / "地企关联.csv", rows))
    assert len(result.data) + len(result.rejected) == 3


def test_a_csv_line_wider_than_a_sheet_is_a_clean_error_naming_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Line 3 of a 地企关联 CSV holds 20,000 commas (a log or a wrongly split export pasted in):
    no sheet has more than 16,384 columns (XFD), and naming column 18,279 used to end the run as
    「landgov 内部出错（ValueError：Invalid column index 18279）」. Now one 「错误：」 naming the
    file, line 3, how many fields it has and what to do; nothing written."""
    rows = [_ROW.format(n=n) for n in range(3)]
    rows[1] = "x," * 20_000
    path = _links_csv(tmp_path / "地企关联.csv", rows)
    out = tmp_path / "结果"
    code, text = _screen_sample_with_links(path, out, capsys)
    assert code == 2, text
    assert "内部出错" not in text, text
    assert "地企关联.csv" in text and "第 3 行" in text and "20,000 列" in text, text
    assert "处理：" in text, text
    for word in ENGLISH:
        assert word not in text, (word, text)
    assert not out.exists()


def _geopackage(path: Path) -> Path:
    """A GeoPackage of one square parcel (EPSG:4549), written by GDAL."""
    import geopandas as gpd
    from shapely.geometry import box

    frame = gpd.GeoDataFrame(
        {"宗地代码": ["330602001001GB00001"]},
        geometry=[box(557000, 3325000, 557100, 3325100)],
        crs="EPSG:4549",
    )
    frame.to_file(path, driver="GPKG", layer="宗地")
    return path


def test_a_geopackage_without_any_layer_says_so_not_gdals_not_recognized(tmp_path: Path) -> None:
    """A GeoPackage whose one layer was deleted in QGIS (an empty 「宗地.gpkg」 e-mailed by
    mistake): GDAL answers 「not recognized as being in a supported file format」, as if the file
    were no GeoPackage at all. Said now as it is: a GeoPackage holding no layer, what to do."""
    import sqlite3

    from landgov.errors import DataFileError
    from landgov.io import read_parcels

    path = _geopackage(tmp_path / "宗地.gpkg")
    with sqlite3.connect(path) as db:
        db.execute('DROP TABLE "宗地"')
        db.execute("DELETE FROM gpkg_geometry_columns")
        db.execute("DELETE FROM gpkg_contents")
    db.close()
    with pytest.raises(DataFileError) as err:
        read_parcels(path)
    text = str(err.value)
    assert "宗地.gpkg" in text and "没有任何图层" in text and "处理：" in text, text
    assert "not recognized" not in text, text


def test_a_truncated_geopackage_is_said_to_be_incomplete(tmp_path: Path) -> None:
    """A GeoPackage cut short by an interrupted copy: GDAL said 「database disk image is
    malformed」 (or read what was there). The SQLite header states how many pages the file has;
    a shorter file is said like a truncated .shp: the sizes, and to copy it again."""
    from landgov.errors import DataFileError
    from landgov.io import read_parcels

    path = _geopackage(tmp_path / "宗地.gpkg")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFileError) as err:
        read_parcels(path)
    text = str(err.value)
    assert "宗地.gpkg" in text and "不完整" in text and f"{len(data):,}" in text, text
    assert "malformed" not in text and "处理：" in text, text


_STRICT = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": (
        "http://purl.oclc.org/ooxml/spreadsheetml/main"
    ),
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
        "http://purl.oclc.org/ooxml/officeDocument/relationships"
    ),
}


def _as_strict(source: Path, target: Path) -> Path:
    """``source`` as Excel writes it with 「另存为 — Strict Open XML 电子表格」: the same parts
    under the ISO/IEC 29500 Strict namespaces."""
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name.endswith((".xml", ".rels")):
                text = data.decode("utf-8")
                for old, new in _STRICT.items():
                    text = text.replace(old, new)
                data = text.encode("utf-8")
            zout.writestr(name, data)
    return target


def test_a_strict_open_xml_workbook_is_named_with_the_fix_not_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel's 「Strict Open XML 电子表格」 (*.xlsx too) holds its sheets under other namespaces:
    openpyxl finds no sheet at all, and choosing among none ended the screen as
    「landgov 内部出错（ValueError：max() arg is an empty sequence）」. Said now: the file, that it
    is saved in the Strict format, and to save it again as an ordinary 「Excel 工作簿」; nothing
    written."""
    import openpyxl

    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["宗地代码", "统一社会信用代码", "关系"])
    wb.active.append(["330602001001GB00001", "91330602MA2D9BDN1R", "自有"])
    wb.create_sheet("说明").append(["填表说明"])
    wb.save(plain)
    path = _as_strict(plain, tmp_path / "地企关联.xlsx")
    out = tmp_path / "结果"
    code, text = _screen_sample_with_links(path, out, capsys)
    assert code == 2, text
    assert "内部出错" not in text, text
    assert "地企关联.xlsx" in text and "Strict" in text and "处理：" in text, text
    assert "max()" not in text and "Error" not in text, text
    assert not out.exists()


def test_a_colour_image_given_as_the_height_raster_is_refused_not_read_as_metres(
    tmp_path: Path,
) -> None:
    """A county hands over its 正射影像 (a 3-band RGB GeoTIFF, colours 0–255) where the building
    height raster belongs. Band 1 (red) was read as metres: a plot shown in red 200 became a
    200 m building, 67 storeys at 3 m, a floor area no one measured, without a word. A raster
    whose bands are colours (red/green/blue) is no height raster: one 「错误：」 naming the
    file, the bands, and what to give instead."""
    import geopandas as gpd
    import numpy as np
    import rasterio
    from affine import Affine
    from shapely.geometry import box

    from landgov.errors import InputError
    from landgov.far.raster import raster_floor_area

    path = tmp_path / "影像.tif"
    colours = np.full((3, 20, 20), 200, dtype="uint8")
    with rasterio.open(
        path, "w", driver="GTiff", width=20, height=20, count=3, dtype="uint8",
        crs="EPSG:4549", transform=Affine(5.0, 0.0, 557000.0, 0.0, -5.0, 3325100.0),
        photometric="RGB",
    ) as dst:  # fmt: skip
        dst.write(colours)
    plot = gpd.GeoSeries([box(557010, 3325010, 557090, 3325090)], crs="EPSG:4549")
    with pytest.raises(InputError) as err:
        raster_floor_area(plot, path, storey_height_m=3.0)
    text = str(err.value)
    assert "影像.tif" in text and "彩色" in text and "处理：" in text, text


def _sample() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "sample"


def test_a_file_geodatabase_given_as_the_parcel_layer_is_screened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ArcGIS users keep parcels in a File Geodatabase, 宗地.gdb — a folder. The layer reader
    takes it (and ``--layer parcels=…`` names its layers), but recording the inputs' hashes
    opened it as a file and the run stopped with 「「宗地.gdb」是文件夹，这里需要一个文件。处理：
    指定文件本身」 — advice no ArcGIS user can follow. The run now reads it; its files are in
    the manifest's hash (a changed layer is a changed input)."""
    import json

    import geopandas as gpd

    gdb = tmp_path / "宗地.gdb"
    parcels = gpd.read_file(_sample() / "parcels.shp", encoding="gbk")  # no .cpg: GBK
    parcels.to_file(gdb, driver="OpenFileGDB", layer="宗地")
    out = tmp_path / "结果"
    code, text = main_here(
        ["screen", "-q", "-p", gdb, "-e", _sample() / "enterprises.xlsx",
         "-l", _sample() / "links.xlsx", "-o", out, "--as-of", "2026-06-30"],
        capsys,
    )  # fmt: skip
    assert code == 0, text
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "宗地.gdb" in json.dumps(manifest, ensure_ascii=False), manifest.keys()


def test_a_folder_given_as_the_enterprise_table_in_python_is_said_in_chinese(
    tmp_path: Path,
) -> None:
    """The Python entry point given a folder where the 企业 table belongs raised a bare
    ``IsADirectoryError: [Errno 21]`` (from hashing the inputs) — now the reader's Chinese
    error naming the folder, and nothing written."""
    from landgov.errors import LandgovError
    from landgov.run.files import RunInputs
    from landgov.run.screening import run_screening

    folder = tmp_path / "企业表"
    folder.mkdir()
    out = tmp_path / "结果"
    inputs = RunInputs(parcels=_sample() / "parcels.shp", enterprises=folder)
    with pytest.raises(LandgovError) as err:
        run_screening(
            inputs, profile="yuecheng-2022", out_dir=out, as_of="2026-06-30", progress=False
        )
    text = str(err.value)
    assert "企业表" in text and "文件夹" in text and "处理：" in text, text
    assert "Errno" not in text, text
    assert not out.exists()


def test_a_height_raster_too_fine_to_read_names_its_cell_size_not_only_memory(
    tmp_path: Path,
) -> None:
    """A height raster of 0.5 mm cells (a unit slip: millimetres for metres, or a drone product
    exported at full resolution): the cells over one 200 m plot are 1.6 × 10¹¹ — 1.2 TB as read.
    numpy refuses the allocation, and the run ended with 「内存不足，无法完成。处理：关闭其他
    程序」, naming neither the raster nor why. Said now: the file, its cell size, how many cells
    the parcels' extent needs, and to resample it."""
    import geopandas as gpd
    import rasterio
    from affine import Affine
    from shapely.geometry import box

    from landgov.errors import LandgovError
    from landgov.far.raster import raster_floor_area

    path, cell, side = tmp_path / "高度.tif", 0.0005, 400_000  # 200 m across
    with rasterio.open(
        path, "w", driver="GTiff", width=side, height=side, count=1, dtype="float64",
        crs="EPSG:4549", transform=Affine(cell, 0.0, 557000.0, 0.0, -cell, 3325200.0),
        nodata=0, tiled=True, blockxsize=4096, blockysize=4096, SPARSE_OK=True,
        BIGTIFF="YES",
    ):  # fmt: skip
        pass  # no block written: a sparse file of a few MB
    plot = gpd.GeoSeries([box(557010, 3325010, 557190, 3325190)], crs="EPSG:4549")
    with pytest.raises(LandgovError) as err:
        raster_floor_area(plot, path, storey_height_m=3.0)
    text = str(err.value)
    assert "高度.tif" in text and "0.0005" in text and "重采样" in text, text
    assert "处理：" in text and "Unable" not in text, text


def _with_chart_sheet(path: Path) -> Path:
    """A 地企关联 workbook with a chart sheet (「图表」, Excel's F11 adds one) before its data."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "地企关联"
    ws.append(["宗地代码", "统一社会信用代码", "关系", "使用面积（平方米）"])
    ws.append(["330602001001GB00001", "91330602MA2D9BDN1R", "自有", 1000])
    ws.append(["330602001001GB00002", "91330602MA2DXC4W6E", "租用", 2000])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=4, min_row=1, max_row=3), titles_from_data=True)
    wb.create_chartsheet("图表", 0).add_chart(chart)
    wb.save(path)
    return path


def test_a_chart_sheet_beside_the_data_is_passed_over_and_every_row_read(tmp_path: Path) -> None:
    """Excel's F11 puts a chart sheet (「图表」) before the data. A chart sheet has no cells; it
    was ranked as if it were a table and the read ended as an internal error (「'Chartsheet'
    object has no attribute 'iter_rows'」). The one worksheet is read: both rows, by hand."""
    from landgov.io import read_links

    result = read_links(_with_chart_sheet(tmp_path / "地企关联.xlsx"))
    assert len(result.data) == 2 and len(result.rejected) == 0
    assert result.meta["sheet"] == "地企关联"


def test_a_chart_sheet_named_with_sheet_is_a_clean_error(tmp_path: Path) -> None:
    """``--sheet links=图表`` names the chart sheet: 「错误：」 saying it holds a chart, not a
    table, and which sheets do."""
    from landgov.errors import DataFileError
    from landgov.io import read_links

    with pytest.raises(DataFileError) as err:
        read_links(_with_chart_sheet(tmp_path / "地企关联.xlsx"), sheet="图表")
    text = str(err.value)
    assert "图表" in text and "地企关联" in text and "处理：" in text, text


def test_a_chart_sheet_added_to_a_returned_form_leaves_the_answers_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A clerk adds a chart sheet (「图表」) to the 人工认定表 before sending it back. Looking for
    the data sheet among all sheets asked the chart for its header rows, and
    ``screen --overrides`` ended as an internal error. The chart is passed over: the form is
    read as written (no decision filled in: nothing applied, nothing refused)."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    from landgov.run.overrides import read_overrides
    from tests._cli import sample_run

    run = sample_run(tmp_path)
    form = tmp_path / "人工认定.xlsx"
    code, text = main_here(["override", run, "-o", form], capsys)
    assert code == 0, text
    wb = openpyxl.load_workbook(form)
    chart = BarChart()
    chart.add_data(Reference(wb.worksheets[0], min_col=1, min_row=1, max_row=5))
    wb.create_chartsheet("图表").add_chart(chart)
    wb.save(form)
    overrides = read_overrides(form)
    assert overrides is not None


def test_a_prj_gdal_cannot_parse_is_named_instead_of_gdals_words(tmp_path: Path) -> None:
    """A .prj cut short or hand-edited (「PROJCS[\"高斯\",GEOGCS[\"x\"]]」: no projection in it):
    GDAL refuses the whole layer with 「missing CONVERSION node」 and the message said to open the
    layer in ArcGIS/QGIS. The file at fault is the .prj: it is named with what it holds and the
    two fixes (define the CRS and export again, or remove the .prj and let the CRS be inferred,
    which is then said)."""
    import shutil

    from landgov.errors import DataFileError
    from landgov.io import read_parcels

    for suffix in (".shp", ".shx", ".dbf"):
        shutil.copy(_sample() / f"parcels{suffix}", tmp_path / f"宗地{suffix}")
    (tmp_path / "宗地.prj").write_text('PROJCS["高斯",GEOGCS["x"]]', encoding="gbk")
    with pytest.raises(DataFileError) as err:
        read_parcels(tmp_path / "宗地.shp")
    text = str(err.value)
    assert "宗地.prj" in text and "PROJCS" in text and "处理：" in text, text
    assert "CONVERSION" not in text, text


def test_a_truncated_geoparquet_is_said_to_be_incomplete(tmp_path: Path) -> None:
    """A GeoParquet cut short by an interrupted copy lacks the 「PAR1」 mark that ends every
    Parquet file: GDAL said 「Parquet magic bytes not found in footer. Either the file is
    corrupted or this is not a parquet file」 and the fix was to open it in ArcGIS/QGIS. Said
    now like a truncated .shp: incomplete, copy it again."""
    import geopandas as gpd
    from shapely.geometry import box

    from landgov.errors import DataFileError
    from landgov.io import read_parcels

    path = tmp_path / "宗地.parquet"
    gpd.GeoDataFrame(
        {"宗地代码": ["330602001001GB00001"]},
        geometry=[box(557000, 3325000, 557100, 3325100)],
        crs="EPSG:4549",
    ).to_parquet(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFileError) as err:
        read_parcels(path)
    text = str(err.value)
    assert "宗地.parquet" in text and "不完整" in text and "处理：" in text, text
    assert "magic" not in text, text
