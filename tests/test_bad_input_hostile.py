"""Hostile county files on the paths added lately: each case a file as counties really send it.

A workbook saved under a layer's name, a table the inspector cannot place, a damaged
``landgov.xlsx`` or one open in WPS/Excel in the folder ``landgov far`` adds to: each ends in
a 「错误：」 naming the file and the fix (exit 2), or in a complete folder, never a traceback.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from openpyxl import Workbook

from landgov.cli import EXIT_INPUT
from tests._cli import assert_clean_error, run_cli

USCC = "91330602MA2BGHJK3A"


def _enterprises(folder: Path) -> Path:
    path = folder / "企业.csv"
    path.write_text(
        "统一社会信用代码,企业名称,规上/规下,税收（万元）,用地面积（亩）\n"
        f"{USCC},绍兴市越城区甲纺织有限公司,规上,120,10\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("part", [".dbf", ".shx", ".prj"])
def test_a_shapefile_part_given_for_the_layer_names_the_shp(tmp_path: Path, part: str) -> None:
    from pyproj import CRS
    from shapely.geometry import box

    from tests._shapefiles import write_shapefile

    shp = write_shapefile(
        tmp_path / "宗地.shp",
        [box(555_900, 3_320_200, 555_980, 3_320_280)],
        [("宗地代码", 19)],
        [["330602001002GB00001"]],
        prj=CRS(4549),
    )
    given = shp.with_suffix(part)  # GDAL would open the .dbf alone as a table (GBK as UTF-8)
    result = run_cli("screen", "-p", given, "-e", _enterprises(tmp_path), "-o", tmp_path / "o")
    text = assert_clean_error(result, code=EXIT_INPUT, contains=f"宗地{part}：这是 Shapefile 的")
    assert "宗地.shp" in text


@pytest.mark.parametrize("case", ["empty", "unknown columns"])
def test_inspect_of_a_table_it_cannot_place_is_a_clean_error(tmp_path: Path, case: str) -> None:
    wb = Workbook()
    if case == "unknown columns":
        wb.active.append(["甲", "乙"])
        wb.active.append([1, 2])
    table = tmp_path / "表.xlsx"
    wb.save(table)
    result = run_cli("inspect", table)
    text = assert_clean_error(result, code=EXIT_INPUT, contains="表.xlsx")
    assert "无法识别表格类型" in text


# --- far into a screening folder whose files another program touched ------------------------


def _screened(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    from tests.test_runfolder import _inputs, _screen

    target, inputs = tmp_path / "out", _inputs(tmp_path)
    _screen(target, inputs)
    return target, inputs


def _rezip(xlsx: Path, edit: Callable[[str, bytes], bytes | None]) -> None:
    """Write ``xlsx`` again with each member edited (None: left out)."""
    members = {}
    with zipfile.ZipFile(xlsx) as zin:
        for name in zin.namelist():
            data = edit(name, zin.read(name))
            if data is not None:
                members[name] = data
    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in members.items():
            zout.writestr(name, data)


def _flip_bytes(xlsx: Path) -> None:
    """Damage compressed bytes of the largest member: its CRC no longer matches."""
    with zipfile.ZipFile(xlsx) as z:
        info = max(z.infolist(), key=lambda i: i.compress_size)
    data = bytearray(xlsx.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 2, start + min(info.compress_size - 2, 40)):
        data[k] ^= 0x55
    xlsx.write_bytes(bytes(data))


_ZIP_DAMAGE: dict[str, Callable[[Path], None]] = {
    "not an xlsx inside": lambda p: _rezip(p, lambda n, b: None if n.startswith("xl/") else b),
    "workbook part garbled": lambda p: _rezip(
        p, lambda n, b: b"<garbage" if n == "xl/workbook.xml" else b
    ),
    "bad CRC": _flip_bytes,
}


@pytest.mark.parametrize("damage", list(_ZIP_DAMAGE))
def test_far_with_overwrite_drops_a_screening_whose_workbook_zip_is_broken_inside(
    tmp_path: Path, damage: str
) -> None:
    from landgov.core.runfolder import XLSX
    from tests.test_runfolder import _far

    target, inputs = _screened(tmp_path)
    _ZIP_DAMAGE[damage](target / XLSX)
    messages: list[str] = []
    manifest = _far(target, inputs, ["A1"], echo=messages.append, overwrite=True)
    assert set(manifest["stages"]) == {"far"}
    assert any("不予保留" in m and XLSX in m for m in messages), messages


def test_a_workbook_openpyxl_cannot_load_is_a_clean_error_and_the_folder_stays(
    tmp_path: Path,
) -> None:
    """No styles part: it opens (read-only) but its cells cannot be bound to a style."""
    from landgov.core.runfolder import XLSX
    from landgov.errors import DataFileError
    from tests.test_runfolder import _far, _snapshot

    target, inputs = _screened(tmp_path)
    _rezip(target / XLSX, lambda n, b: None if n == "xl/styles.xml" else b)
    before = _snapshot(target)
    with pytest.raises(DataFileError, match="无法打开") as err:
        _far(target, inputs, ["A1"], overwrite=True)
    text = str(err.value)
    assert str(target / XLSX) in text and "landgov-tmp" not in text and "处理：" in text
    assert _snapshot(target) == before


@pytest.mark.parametrize("damage", ["truncated", "zero bytes", "text", "deleted", "a folder"])
def test_far_with_overwrite_drops_a_screening_whose_workbook_is_damaged(
    tmp_path: Path, damage: str
) -> None:
    from landgov.core.runfolder import XLSX, verify
    from tests.test_runfolder import _far

    target, inputs = _screened(tmp_path)
    xlsx = target / XLSX
    data = xlsx.read_bytes()
    xlsx.unlink()
    if damage == "truncated":
        xlsx.write_bytes(data[: len(data) // 2])
    elif damage == "zero bytes":
        xlsx.write_bytes(b"")
    elif damage == "text":
        xlsx.write_text("not a workbook", encoding="utf-8")
    elif damage == "a folder":
        xlsx.mkdir()
    messages: list[str] = []
    manifest = _far(target, inputs, ["A1"], echo=messages.append, overwrite=True)
    assert set(manifest["stages"]) == {"far"}  # not a screening section without its sheets
    assert any("筛查结果" in m and XLSX in m and "不予保留" in m for m in messages), messages
    verify(target)
    from openpyxl import load_workbook

    with closing(load_workbook(xlsx, read_only=True)) as wb:
        assert wb.sheetnames == ["增容审查"]


def test_far_with_overwrite_keeps_a_screening_workbook_resaved_by_another_program(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    from landgov.core.runfolder import XLSX
    from tests.test_runfolder import _far

    target, inputs = _screened(tmp_path)
    wb = load_workbook(target / XLSX)
    wb.save(target / XLSX)  # opened and saved again (openpyxl stands for WPS/Excel)
    manifest = _far(target, inputs, ["A1"], overwrite=True)
    assert set(manifest["stages"]) == {"screen", "far"}
    with closing(load_workbook(target / XLSX, read_only=True)) as wb:
        assert wb.sheetnames == ["底数清单", "增容审查"]


@pytest.mark.parametrize(
    ("lock", "overwrite"),
    [
        (".~lock.landgov.xlsx#", False),  # LibreOffice
        ("~$landgov.xlsx", False),  # Excel and WPS
        ("~$landgov.xlsx", True),
        ("初审表/申请/~$A1.docx", True),  # a form open in Word
    ],
)
def test_a_workbook_open_in_another_program_is_named(
    tmp_path: Path, lock: str, overwrite: bool
) -> None:
    from landgov.errors import DataFileError
    from tests.test_runfolder import _far, _snapshot

    target, inputs = _screened(tmp_path)
    _far(target, inputs, ["A1"])
    (target / lock).write_bytes(b"someone")
    before = _snapshot(target)
    with pytest.raises(DataFileError, match="正被其他程序打开") as err:
        _far(target, inputs, ["A1"], overwrite=overwrite)
    opened = Path(lock).name.removeprefix("~$").removeprefix(".~lock.").removesuffix("#")
    assert opened in str(err.value) and "关闭" in str(err.value)
    assert _snapshot(target) == before


# --- 增容 applications that do not match the parcel layer ----------------------------------


@pytest.fixture(scope="module")
def far_with_bad_applications(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The small sample's far run with application 2 on an unknown parcel and the id of
    application 3 given twice (rows 3 and 4 of the sheet)."""
    from openpyxl import load_workbook

    from landgov.run.far import run_far
    from landgov.run.files import RunInputs
    from landgov.sample import generate

    tmp = tmp_path_factory.mktemp("apps")
    data = tmp / "data"
    generate(data, n_parcels=100, seed=3, as_of="2026-06-30", formats="county", raster=False)
    wb = load_workbook(data / "applications.xlsx")
    ws = wb.active
    header = {c.value: c.column for c in ws[1]}
    ws.cell(2, header["宗地代码"]).value = "330602099099GB09999"
    ws.cell(4, header["申请编号"]).value = ws.cell(3, header["申请编号"]).value
    apps = tmp / "申请.xlsx"
    wb.save(apps)
    inputs = RunInputs(
        parcels=data / "parcels.shp", enterprises=data / "enterprises.xlsx", applications=apps
    )
    run = run_far(inputs, profile="yuecheng-2022", out_dir=tmp / "out", as_of="2026-06-30")
    return tmp, run


def test_an_application_on_a_parcel_not_in_the_layer_is_a_problem_row(
    far_with_bad_applications: tuple[Path, object],
) -> None:
    _, run = far_with_bad_applications
    problems = run.problems  # type: ignore[attr-defined]
    mine = problems[problems["source"].eq("申请.xlsx") & problems["row"].eq(2)]
    assert mine["problem"].str.contains("宗地图层中无此宗地代码").any(), problems.to_string()
    assert (mine["value"] == "330602099099GB09999").any()
    apps = run.applications  # type: ignore[attr-defined]
    row = apps[apps["parcel_id"].eq("330602099099GB09999")]
    assert len(row) == 1 and row["zengrong"].iloc[0] != "可申报"  # still an output row


def test_an_application_id_given_twice_is_a_problem_row(
    far_with_bad_applications: tuple[Path, object],
) -> None:
    _, run = far_with_bad_applications
    problems = run.problems  # type: ignore[attr-defined]
    mine = problems[problems["source"].eq("申请.xlsx") & problems["field"].eq("申请编号")]
    assert sorted(mine["row"].tolist()) == [4], problems.to_string()
    assert mine["problem"].str.contains("申请编号重复").all()


def test_an_applicant_code_with_o_for_zero_is_said_on_its_row(tmp_path: Path) -> None:
    """申请人 「9133O6O2MA232MLB71」 (O for 0): the application is kept and checked, and the row
    says why its enterprise is not found, not only 「申请企业未识别」 in the result."""
    from landgov.ids import uscc_check_char
    from landgov.io import read_applications

    valid = "91330602MA2BGHJK3" + uscc_check_char("91330602MA2BGHJK3")
    wb = Workbook()
    wb.active.append(["申请编号", "宗地代码", "统一社会信用代码", "项目名称"])
    wb.active.append(["ZR-1", "330602001002GB00001", "9133O6O2MA232MLB71", "加层"])
    wb.active.append(["ZR-2", "330602001002GB00002", valid, "加层"])
    path = tmp_path / "申请.xlsx"
    wb.save(path)
    result = read_applications(path)
    assert result.data["application_id"].tolist() == ["ZR-1", "ZR-2"]
    said = result.problems[result.problems["field"] == "统一社会信用代码"]
    assert said["row"].tolist() == [2] and said["severity"].tolist() == ["警告"]
    assert "申请企业的统一社会信用代码含非法字符「O」" in said["problem"].iat[0]


# --- CSV as other programs save it ------------------------------------------------------------

_ROWS = [
    ["统一社会信用代码", "企业名称", "规上/规下", "税收（万元）", "用地面积（亩）"],
    [USCC, "绍兴市越城区甲纺织有限公司", "规上", "120.5", "10"],
    ["91330602MA2BGHJK5X", "绍兴市越城区乙机械有限公司", "规下", "8", "3"],
]


@pytest.mark.parametrize(
    ("name", "sep", "encoding", "title"),
    [
        ("分号.csv", ";", "utf-8-sig", False),  # Excel with a European list separator
        ("分号带标题.csv", ";", "gbk", True),  # a title line above the header
        ("竖线.txt", "|", "utf-8", False),  # exports of some business systems
        ("Unicode文本.txt", "\t", "utf-16", False),  # Excel 另存为「Unicode 文本」
    ],
)
def test_csv_with_another_separator_or_utf16_is_read(
    tmp_path: Path, name: str, sep: str, encoding: str, title: bool
) -> None:
    from landgov.io import read_enterprises

    lines = [sep.join(r) for r in _ROWS]
    if title:
        lines.insert(0, "越城区2025年工业企业亩均效益数据")
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding=encoding)
    result = read_enterprises(path)
    assert result.data["uscc"].tolist() == [USCC, "91330602MA2BGHJK5X"]
    assert result.data["tax_wan"].tolist() == [120.5, 8.0]


def test_comma_csv_with_semicolons_in_a_cell_stays_comma(tmp_path: Path) -> None:
    from landgov.io import read_enterprises

    rows = [list(r) for r in _ROWS]
    rows[1][1] = "甲公司;分厂;一车间;二车间;三车间;四车间;仓库"  # more semicolons than commas
    path = tmp_path / "企业.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    assert read_enterprises(path).data["name"].tolist()[0] == rows[1][1]


def test_semicolon_csv_with_decimal_commas_is_split_on_semicolons(tmp_path: Path) -> None:
    from landgov.io import read_enterprises

    path = tmp_path / "企业.csv"
    rows = [";".join(_ROWS[0]), f"{USCC};甲公司;规上;120,5;10"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = read_enterprises(path).data
    assert data["uscc"].tolist() == [USCC] and data["name"].tolist() == ["甲公司"]


# --- a .cpg that does not match the .dbf -----------------------------------------------------


def _gbk_parcels(tmp_path: Path, cpg: str | None) -> Path:
    from pyproj import CRS
    from shapely.geometry import box

    from tests._shapefiles import write_shapefile

    fields = [("宗地代码", 19), ("权利人", 60), ("土地用途", 12)]
    records = [
        [f"330602001002GB0000{i}", f"绍兴市越城区{name}有限公司", "工业用地"]
        for i, name in ((1, "甲纺织"), (2, "乙机械"))
    ]
    geoms = [box(555_900 + i * 100, 3_320_200, 555_980 + i * 100, 3_320_280) for i in range(2)]
    return write_shapefile(
        tmp_path / "宗地.shp", geoms, fields, records, encoding="GBK", prj=CRS(4549), cpg=cpg
    )


@pytest.mark.parametrize("cpg", ["UTF-8", "65001", "NOT-A-CODEPAGE"])
def test_a_cpg_the_dbf_does_not_decode_with_is_set_aside_with_a_warning(
    tmp_path: Path, cpg: str
) -> None:
    from landgov.io import read_parcels

    result = read_parcels(_gbk_parcels(tmp_path, cpg))
    assert result.data["holder"].tolist() == [
        "绍兴市越城区甲纺织有限公司",
        "绍兴市越城区乙机械有限公司",
    ]
    assert result.meta["encoding"]["name"] == "GBK"
    said = result.problems[result.problems["problem"].str.contains(".cpg", regex=False)]
    assert len(said) == 1 and "GBK" in said["problem"].iloc[0], result.problems.to_string()
    assert said["severity"].iloc[0] == "警告"


def test_a_right_cpg_is_used_without_a_word(tmp_path: Path) -> None:
    from landgov.io import read_parcels

    result = read_parcels(_gbk_parcels(tmp_path, "GBK"))
    assert result.meta["encoding"]["source"] == "cpg"
    assert not result.problems["problem"].str.contains(".cpg", regex=False).any()


@pytest.mark.parametrize("suffix", [".xls", ".csv", ".txt"])
def test_an_xlsx_workbook_under_another_extension_is_read_as_xlsx(
    tmp_path: Path, suffix: str
) -> None:
    from landgov.io import read_enterprises

    wb = Workbook()
    wb.active.title = "亩均效益"
    for row in _ROWS:
        wb.active.append(row)
    wb.active["D2"] = "=100+20.5"  # a formula without a cached value: reported, not a crash
    path = tmp_path / f"企业{suffix}"
    wb.save(path)
    result = read_enterprises(path)
    assert result.data["uscc"].tolist() == [USCC, "91330602MA2BGHJK5X"]
    assert result.meta["format"] == "xlsx"
    assert result.problems["problem"].str.contains("公式").any()


_WEB_XLS = {
    "html": "<html><body><table><tr><td>统一社会信用代码</td></tr></table></body></html>",
    "mht": 'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n',
    "xml": '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook/>',
}


@pytest.mark.parametrize("kind", sorted(_WEB_XLS))
def test_a_web_page_saved_as_xls_is_named_not_sent_to_xlrd(tmp_path: Path, kind: str) -> None:
    """A system's 「导出Excel」 that writes a web page under .xls: said what it is and how to
    fix it (installing xlrd, the old advice, would not read it)."""
    from landgov.errors import DataFileError
    from landgov.io import read_enterprises

    path = tmp_path / "企业.xls"
    path.write_text(_WEB_XLS[kind], encoding="utf-8-sig" if kind == "html" else "utf-8")
    with pytest.raises(DataFileError) as info:
        read_enterprises(path)
    assert "不是真正的 .xls 工作簿（内容是网页/XML 文本" in str(info.value)
    assert "xlrd" not in str(info.value)


def test_tab_separated_text_saved_as_xls_is_read_as_csv_and_said(tmp_path: Path) -> None:
    from landgov.io import read_enterprises

    path = tmp_path / "企业.xls"
    path.write_bytes("\r\n".join("\t".join(r) for r in _ROWS).encode("gbk"))
    result = read_enterprises(path)
    assert result.data["uscc"].tolist() == [USCC, "91330602MA2BGHJK5X"]
    assert result.data["tax_wan"].tolist() == [120.5, 8.0]
    said = result.problems[result.problems["problem"].str.contains("已按 CSV 读取")]
    assert said["severity"].tolist() == ["提示"]


def test_a_geopackage_with_two_parcel_layers_is_refused_naming_both(tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    from landgov.errors import DataFileError
    from landgov.io import read_parcels

    frame = gpd.GeoDataFrame(
        {"宗地代码": ["330602001002GB00001"], "权利人": ["甲公司"]},
        geometry=[box(555_900, 3_320_200, 555_980, 3_320_280)],
        crs=4549,
    )
    path = tmp_path / "宗地.gpkg"
    frame.to_file(path, layer="宗地2023", driver="GPKG")
    frame.to_file(path, layer="宗地2024", driver="GPKG")
    with pytest.raises(DataFileError) as err:
        read_parcels(path)
    text = str(err.value)
    assert "「宗地2023」1 行" in text and "「宗地2024」1 行" in text and "--layer" in text


def test_a_geopackage_with_one_layer_says_nothing_of_layers(tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    from landgov.io import read_parcels

    frame = gpd.GeoDataFrame(
        {"宗地代码": ["330602001002GB00001"]},
        geometry=[box(555_900, 3_320_200, 555_980, 3_320_280)],
        crs=4549,
    )
    frame.to_file(tmp_path / "宗地.gpkg", layer="宗地", driver="GPKG")
    result = read_parcels(tmp_path / "宗地.gpkg")
    assert not result.problems["problem"].str.contains("个图层").any()


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("CON", "_CON"),  # a device name Windows refuses as a folder
        ("com1", "_com1"),
        ("../逃逸", "／逃逸"),  # stays inside 镇街分册: a full-width slash is no separator
        ("斗门/马山:街道*?", "斗门／马山：街道＊？"),
        ("甲\x01乙", "甲_乙"),
        (" . ", "镇街不明"),
        ("斗门街道", "斗门街道"),
    ],
)
def test_township_folders_are_names_windows_accepts(name: str, folder: str) -> None:
    from landgov.reports.townships import TOWNSHIP_DIR, township_folder

    assert township_folder(Path("out"), name) == Path("out") / TOWNSHIP_DIR / folder


def test_two_townships_never_share_a_folder(tmp_path: Path) -> None:
    """Two 镇街 whose names differ only in a character a file name cannot hold (「斗门/街道」,
    「斗门:街道」) both became 「斗门_街道」: with --by-township the second 筛查清单.xlsx was
    written over the first, silently, and its plots were in no 镇街 workbook. Each 镇街 has
    its own folder now, and every plot of the 底数清单 is in one of them."""
    import geopandas as gpd
    import openpyxl

    from landgov.reports.townships import TOWNSHIP_DIR, township_folders

    names = ["ABC街道", "abc街道", "斗门/街道", "斗门:街道", "斗门街道", "斗门街道."]
    folders = township_folders(Path("o"), names)
    assert [f.name for f in folders.values()] == [
        "ABC街道", "abc街道（2）", "斗门／街道", "斗门：街道", "斗门街道", "斗门街道（2）",
    ]  # fmt: skip
    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    shutil.copytree(sample, tmp_path / "in")
    parcels = gpd.read_file(tmp_path / "in" / "parcels.shp", encoding="GBK")
    first, second = parcels["镇街"].unique()[:2]
    parcels["镇街"] = parcels["镇街"].replace({first: "斗门/街道", second: "斗门:街道"})
    parcels.to_file(tmp_path / "in" / "parcels.shp", encoding="GBK")
    got = run_cli(
        "screen", "-q", "--as-of", "2026-06-30", "-p", tmp_path / "in" / "parcels.shp",
        "-e", sample / "enterprises.xlsx", "-l", sample / "links.xlsx", "--by-township",
        "-o", tmp_path / "out",
    )  # fmt: skip
    assert got.returncode == 0, got.stderr

    def listed_rows(book: Path) -> int:  # read-only workbooks hold their file until closed
        with closing(openpyxl.load_workbook(book, read_only=True)) as wb:
            return sum(1 for _ in wb["底数清单"].iter_rows()) - 1

    counts = {}
    for book in sorted((tmp_path / "out" / TOWNSHIP_DIR).glob("*/筛查清单.xlsx")):
        counts[book.parent.name] = listed_rows(book)
    assert {"斗门／街道", "斗门：街道"} <= set(counts)
    assert sum(counts.values()) == listed_rows(tmp_path / "out" / "landgov.xlsx")
    # the 核实表 of the two 镇街 likewise: 核实_斗门_街道.xlsx was written twice, the first lost
    got = run_cli("verify", tmp_path / "out", "-o", tmp_path / "核实")
    assert got.returncode == 0, got.stderr
    books = {p.name for p in (tmp_path / "核实").glob("核实_*.xlsx")}
    assert {"核实_斗门／街道.xlsx", "核实_斗门：街道.xlsx"} <= books, books


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "文件是空的（0 字节）"),
        (b"\xef\xbb\xbf", "没有任何内容"),
        (b"\r\n \r\n", "没有任何内容"),
    ],
)
def test_an_empty_csv_says_it_is_empty(tmp_path: Path, content: bytes, words: str) -> None:
    from landgov.errors import DataFileError
    from landgov.io import read_enterprises

    path = tmp_path / "企业.csv"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=words) as err:
        read_enterprises(path)
    assert "企业.csv" in str(err.value) and "处理：" in str(err.value)


@pytest.mark.parametrize(
    "rows", [[], [["合计", "", ""]]], ids=["header only", "header and a totals row"]
)
def test_a_link_table_with_only_its_header_is_a_clean_error(tmp_path: Path, rows) -> None:
    """A 地企关联 export with every row filtered out: one 「错误：」 naming the file, not a run
    in which every enterprise quietly has no plot."""
    from landgov.errors import InputError
    from landgov.io import read_links

    path = tmp_path / "地企关联.csv"
    lines = [["宗地代码", "统一社会信用代码", "关系"], *rows]
    path.write_text("\n".join(",".join(r) for r in lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_links(path)
    text = str(err.value)
    assert "地企关联.csv" in text and "表中只有表头，没有任何地企关联数据行" in text
    assert "--links" in text


@pytest.mark.parametrize(
    ("content", "words"), [(b"", "文件是空的（0 字节）"), (b"II*\x00", "无法读取")]
)
def test_a_height_raster_that_is_no_geotiff_is_named_with_the_fix(
    tmp_path: Path, content: bytes, words: str
) -> None:
    from landgov.errors import DataFileError
    from landgov.far.raster import zonal_stats

    tif = tmp_path / "高度.tif"
    tif.write_bytes(content)
    with pytest.raises(DataFileError) as err:
        zonal_stats([], tif)
    text = str(err.value)
    assert "高度.tif" in text and words in text and "处理：" in text and "。。" not in text


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"this is not a geopackage", "不是有效的 GeoPackage（文件头不是 SQLite 数据库标识"),
        (b"PK\x03\x04rest", "不是有效的 GeoPackage（内容是 zip 压缩包"),
    ],
)
def test_a_gpkg_that_is_no_sqlite_database_is_said_in_chinese(
    tmp_path: Path, content: bytes, words: str
) -> None:
    from landgov.errors import DataFileError
    from landgov.io import read_parcels

    path = tmp_path / "宗地.gpkg"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=words) as err:
        read_parcels(path)
    assert "宗地.gpkg" in str(err.value) and "not recognized" not in str(err.value)


@pytest.mark.parametrize("name", ["宗地.zip", "宗地.shp"])
def test_a_zipped_shapefile_is_named_with_the_layers_inside(tmp_path: Path, name: str) -> None:
    """宗地.zip as a county e-mails it (or a zip renamed .shp): 「这是压缩包」 naming the .shp
    inside and the fix, not GDAL's 「'utf-8' codec can't decode」."""
    from landgov.errors import DataFileError
    from landgov.io import read_parcels

    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for part in ("shp", "shx", "dbf", "prj"):
            zf.writestr(f"宗地2024.{part}", b"\x00" * 100)
    with pytest.raises(DataFileError) as err:
        read_parcels(path)
    text = str(err.value)
    assert f"{name}：这是压缩包，不是图层本身（其中有：宗地2024.shp）" in text
    assert "先解压" in text and "codec" not in text


def test_a_workbook_under_a_layer_name_gdal_reads_as_a_table_is_not_a_layer(
    tmp_path: Path,
) -> None:
    from landgov.errors import DataFileError
    from landgov.io import read_parcels

    wb = Workbook()
    wb.active.append(["宗地代码", "权利人"])
    wb.active.append(["330602001002GB00001", "甲公司"])
    layer = tmp_path / "宗地.geojson"
    wb.save(layer)  # GDAL opens it by its content (XLSX driver): rows, no geometry
    with pytest.raises(DataFileError, match="这是表格文件，不是图层（GDAL 按 XLSX 读取"):
        read_parcels(layer)


def test_headers_wrapped_with_alt_enter_are_matched_with_their_unit(tmp_path: Path) -> None:
    from landgov.io import read_enterprises

    wb = Workbook()
    wb.active.append(["统一社会\n信用代码", "企业\n名称", "税收\n（元）", "用地面积\r\n（亩）"])
    wb.active.append([USCC, "甲公司", 1_205_000, 10])
    path = tmp_path / "企业.xlsx"
    wb.save(path)
    data = read_enterprises(path).data
    assert data["tax_wan"].tolist() == [120.5]  # 元 in the header: converted to 万元
    assert data["land_mu"].tolist() == [10.0]


def test_two_columns_with_the_same_header_are_reported(tmp_path: Path) -> None:
    """税收 of two years under the same header: the first is used, and that is said."""
    from landgov.io import read_enterprises

    wb = Workbook()
    wb.active.append(["统一社会信用代码", "企业名称", "税收（万元）", "税收（万元）"])
    wb.active.append([USCC, "甲公司", 1, 2])
    path = tmp_path / "企业.xlsx"
    wb.save(path)
    result = read_enterprises(path)
    assert result.data["tax_wan"].tolist() == [1.0]
    said = result.problems[result.problems["problem"].str.contains("多列都对应字段「税收」")]
    assert len(said) == 1 and "（D列）" in said["problem"].iloc[0], result.problems.to_string()


def test_a_manifest_saved_again_with_a_bom_is_still_landgovs(tmp_path: Path) -> None:
    """Notepad (before 2019) saves UTF-8 with a byte-order mark."""
    from landgov.core.runfolder import MANIFEST, read_manifest

    target, _ = _screened(tmp_path)
    manifest = target / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    manifest.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    data = read_manifest(target)
    assert data is not None and "screen" in data["stages"]


def test_a_dbf_with_two_fields_of_one_name_keeps_both(tmp_path: Path) -> None:
    """A .dbf holding 「备注」 twice and 「宗地代码」 twice (a county's export joined twice):
    GeoPandas' reader keys fields by name (the last one's values under both names, a crash
    when building the parcel table); each field is read, the later one named by its place."""
    from pyproj import CRS
    from shapely.geometry import box

    from landgov.io import read_parcels
    from tests._shapefiles import write_shapefile

    shp = write_shapefile(
        tmp_path / "宗地.shp",
        [box(555_900, 3_320_200, 555_980, 3_320_280)],
        [("宗地代码", 19), ("备注", 8), ("备注", 8), ("宗地代码", 19)],
        [["330602001002GB00001", "甲", "乙", "330602001002GB00002"]],
        prj=CRS(4549),
    )
    result = read_parcels(shp)
    row = result.data.iloc[0]
    assert row["parcel_id"] == "330602001002GB00001"  # the first 宗地代码, not the last
    assert (row["备注"], row["备注（第3个字段）"]) == ("甲", "乙")
    assert row["宗地代码（第4个字段）"] == "330602001002GB00002"
    problems = result.problems["problem"]
    renamed = "有多个字段都名为「备注」：后一个改名为「备注（第3个字段）」"
    assert problems.str.contains(renamed).sum() == 1
    assert problems.str.contains("多列都对应字段「宗地代码」").sum() == 1


# --- --layer: which layer of a multi-layer GeoPackage ------------------------------------------


def _two_layers(folder: Path) -> Path:
    """宗地2023 (one plot) and 宗地2024 (two plots) in one GeoPackage."""
    import geopandas as gpd
    from shapely.geometry import box

    path = folder / "宗地.gpkg"
    plots = [
        box(555_900, 3_320_200, 555_980, 3_320_280),
        box(556_000, 3_320_200, 556_080, 3_320_280),
    ]
    codes = ["330602001002GB00001", "330602001002GB00002"]
    for layer, n in (("宗地2023", 1), ("宗地2024", 2)):
        frame = gpd.GeoDataFrame({"宗地代码": codes[:n]}, geometry=plots[:n], crs=4549)
        frame.to_file(path, layer=layer, driver="GPKG")
    return path


def test_a_layer_is_chosen_by_role_in_python_and_two_parcel_layers_are_not_guessed(
    tmp_path: Path,
) -> None:
    from landgov.errors import DataFileError
    from landgov.io import chosen_layers, read_parcels

    path = _two_layers(tmp_path)
    with pytest.raises(DataFileError, match="--layer parcels=宗地2024"):
        read_parcels(path)  # 宗地2023 and 宗地2024 both have 宗地代码: never the first by default
    with chosen_layers({"parcels": "宗地2024"}):
        chosen = read_parcels(path)
    assert len(chosen.data) == 2 and chosen.meta["layer"] == "宗地2024"
    assert not chosen.problems["problem"].str.contains("读取了第一个").any()
    assert len(read_parcels(path, layer="宗地2024").data) == 2


def test_screen_reads_the_layer_given_with_layer(tmp_path: Path) -> None:
    import json

    path = _two_layers(tmp_path)
    out = tmp_path / "o"
    args = ("screen", "-p", path, "-e", _enterprises(tmp_path), "-o", out, "-q")
    result = run_cli(*args, "--layer", "parcels=宗地2024", "--as-of", "2026-06-30")
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (read,) = [s["inputs"]["parcels"] for s in manifest["stages"].values()]
    assert read["rows_in"] == 2  # 宗地2024's two plots, not 宗地2023's one


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("parcels=宗地2025", "没有图层「宗地2025」；文件中的图层：「宗地2023」、「宗地2024」"),
        ("宗地2024", "应写作 角色=图层"),
        ("建筑=宗地2024", "角色「建筑」不存在"),
    ],
)
def test_a_layer_that_is_not_there_is_a_clean_error(tmp_path: Path, value: str, said: str) -> None:
    path = _two_layers(tmp_path)
    args = ("screen", "-p", path, "-e", _enterprises(tmp_path), "-o", tmp_path / "o", "-q")
    result = run_cli(*args, "--layer", value)
    text = result.stdout + result.stderr
    assert "Traceback" not in text and result.returncode == EXIT_INPUT, text
    assert said in text, text
    if "没有图层" in said:
        assert "错误：" in text and "宗地.gpkg" in text


def test_inspect_takes_a_plain_layer_name(tmp_path: Path) -> None:
    path = _two_layers(tmp_path)
    result = run_cli("inspect", path, "--layer", "宗地2024")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "图层/工作表：宗地2024" in result.stdout
    assert "行数：2" in result.stdout


# --- a 填表说明 row under the header ----------------------------------------------------------

_HEADER = ["统一社会信用代码", "企业名称", "规上/规下", "税收（万元）", "用地面积（亩）"]


def _table_with(folder: Path, *rows: list[object]) -> Path:
    wb = Workbook()
    wb.active.append(_HEADER)
    for row in rows:
        wb.active.append(row)
    path = folder / "企业.xlsx"
    wb.save(path)
    return path


def test_an_instruction_row_under_the_header_is_one_clear_problem_row(tmp_path: Path) -> None:
    """A county template's 「填写18位代码 | 企业全称 | … | 单位：万元 | 亩」 row: not read as
    data, told once (it was a row of invalid values: 代码 18 位, 税收 unreadable …)."""
    from landgov.io import read_enterprises

    path = _table_with(
        tmp_path,
        ["填写18位代码", "企业全称", "规上/规下", "单位：万元", "亩"],
        [USCC, "绍兴市越城区甲填报服务有限公司", "规上", 120, 10],
    )
    result = read_enterprises(path)
    assert result.data["uscc"].tolist() == [USCC]
    assert result.rejected["reject_reason"].tolist() == ["第2行像是填表说明，未作为数据读取"]
    row2 = result.problems[result.problems["row"] == 2]
    assert row2["problem"].tolist() == ["第2行像是填表说明，未作为数据读取"]
    row3 = result.problems[result.problems["row"] == 3]["problem"]
    assert not row3.str.contains("填表说明|示例").any()  # 填报 in a name: a data row


def test_an_example_row_with_a_key_is_kept_and_flagged(tmp_path: Path) -> None:
    """「（示例）」 beside a code-like key: it may be data, so it is kept, and said."""
    from landgov.io import read_enterprises

    path = _table_with(tmp_path, [USCC, "（示例）绍兴某纺织有限公司", "规上", 120, 10])
    result = read_enterprises(path)
    assert len(result.data) == 1 and len(result.rejected) == 0
    said = result.problems[result.problems["row"] == 2]["problem"]
    assert said.str.contains("含填表说明或示例字样").sum() == 1
    assert said.str.contains("已作为数据读取，请核实").sum() == 1


def test_the_run_tells_an_instruction_row_once(tmp_path: Path) -> None:
    """In 问题记录 the reader's row says it; no second 「该行已剔除：…」 row for the same row."""
    from pyproj import CRS
    from shapely.geometry import box

    from tests._shapefiles import write_shapefile

    shp = write_shapefile(
        tmp_path / "宗地.shp",
        [box(555_900, 3_320_200, 555_980, 3_320_280)],
        [("宗地代码", 19), ("权利人", 40)],
        [["330602001002GB00001", "绍兴市越城区甲纺织有限公司"]],
        prj=CRS(4549),
    )
    table = _table_with(
        tmp_path,
        ["填写18位代码", "企业全称", "规上/规下", "单位：万元", "亩"],
        [USCC, "绍兴市越城区甲纺织有限公司", "规上", 120, 10],
    )
    out = tmp_path / "o"
    result = run_cli("screen", "-p", shp, "-e", table, "-o", out, "-q", "--as-of", "2026-06-30")
    assert result.returncode == 0, result.stdout + result.stderr
    import pandas as pd

    problems = pd.read_excel(out / "landgov.xlsx", sheet_name="问题记录", dtype=str)
    told = problems.apply(lambda col: col.str.contains("第2行像是填表说明", na=False)).any(axis=1)
    assert told.sum() == 1, problems[told].to_string()
