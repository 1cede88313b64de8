"""A province run under bad input: every county accounted for, a bad county fails alone.

One small province is generated per module (越城 330602 and 上虞 330604 in zone 40, 定海 330902
in zone 41; 100 parcels each) and broken the ways a province roll-up breaks: one county's
parcels file missing, empty, in the wrong 3° zone or holding another county's plots; a county
folder missing or not listed; a malformed ``province.json``. Local engine only.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook

from landgov.errors import InputError
from landgov.province import read_index, run_province
from landgov.reports import excel
from tests._cli import assert_clean_error, run_cli
from tests._province import copy_province, index_json, small_province, write_index

CODES = ["330602", "330604", "330902"]
ZS = "330902_定海区"  # 舟山 定海区: east of 121.5°E, zone 41 (EPSG:4529, CM 123°E)
SY = "330604_上虞区"
AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_province(tmp_path_factory.mktemp("prov"), CODES)


# -- province.json ------------------------------------------------------------------------------


def _county_as_text(i: dict) -> object:
    i["counties"][1] = "330604"
    return i


def _files_as_list(i: dict) -> object:
    i["counties"][1]["files"] = ["parcels.parquet"]
    return i


def _no_code(i: dict) -> object:
    del i["counties"][1]["code"]
    return i


def _county_profile(i: dict) -> object:
    # was silently ignored: 定海 was judged by zhejiang-2023 whatever the entry said
    i["counties"][2]["profile"] = "no-such-profile"
    return i


def _counties_as_object(i: dict) -> object:
    i["counties"] = {"330604": i["counties"][1]}
    return i


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda i: [i], "JSON 对象"),  # a list at the top: was an internal AttributeError
        (_county_as_text, "counties[1]"),
        (_files_as_list, "counties[1].files"),
        (_no_code, "缺少县级代码"),
        (_county_profile, "counties[2].profile"),
        (_counties_as_object, "counties 应是一个列表"),
    ],
)
def test_malformed_index_is_refused_naming_the_entry(
    province: Path, tmp_path: Path, change: Callable[[dict], object], needle: str
) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    write_index(folder, change(index_json(province)))
    with pytest.raises(InputError, match=needle.replace("[", r"\[").replace("]", r"\]")):
        read_index(folder)


def test_a_role_name_mistyped_is_told_the_roles_and_the_one_meant(
    province: Path, tmp_path: Path
) -> None:
    """「"parcel": …」 for 「"parcels": …」 was told the Python tuple 「允许：('parcels', …)」."""
    folder = tmp_path / "p"
    folder.mkdir()
    index = index_json(province)
    files = index["counties"][1]["files"]
    files["parcel"] = files.pop("parcels")
    write_index(folder, index)
    with pytest.raises(InputError) as caught:
        read_index(folder)
    (role,) = [i for i in caught.value.issues if i.field == "counties[1].files.parcel"]
    assert role.problem == "未知的数据角色"
    assert role.fix.startswith("允许：parcels、enterprises、links、") and "('" not in role.fix
    assert role.fix.endswith("（是否想写 parcels？）")


def test_cli_malformed_index_gives_one_clean_error(province: Path, tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    write_index(folder, _files_as_list(index_json(province)))
    result = run_cli("screen", folder, "-o", tmp_path / "out")
    assert_clean_error(result, code=2, contains="counties[1].files")  # was exit 3, internal


def _index_text(province: Path) -> str:
    """The province's index as Notepad would show it: indented, with Chinese names."""
    return json.dumps(index_json(province), ensure_ascii=False, indent=1)


#: province.json as a county's staff may hand it over, and what the error must say; each was an
#: internal error (exit 3) or an English parser message
SAVED_AS = {
    "gbk": (lambda t: t.encode("gbk"), "不是 UTF-8 编码的文本（第 3 行起"),
    "utf-16": (lambda t: t.encode("utf-16"), "UTF-16 编码的文本（记事本的「Unicode」）"),
    "xlsx": (lambda t: b"PK\x03\x04" + bytes(200), "这是一个 Excel 工作簿或 zip 压缩包"),
    "trailing comma": (
        lambda t: t.replace('"simulated": true', '"simulated": true,,').encode(),
        "第 4 行第 20 列格式有误（键名须加英文双引号（或多了一个逗号））",
    ),
    "cut short": (lambda t: t[: t.index('"counties"') + 20].encode(), "格式有误（"),
    # said 「第 1 行第 1 列格式有误（此处缺少值…）」: true, but the plain fact is that it is empty
    "empty": (lambda t: b"", "文件是空的（0 字节）"),
    "blank lines, with a BOM": (
        lambda t: b"\xef\xbb\xbf\r\n  \r\n",
        "文件中没有任何内容（只有空行或编码标记）",
    ),
}


@pytest.mark.parametrize("saved_as", list(SAVED_AS))
def test_an_index_saved_badly_is_one_clean_error_with_the_fix(
    province: Path, tmp_path: Path, saved_as: str
) -> None:
    make, said = SAVED_AS[saved_as]
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "province.json").write_bytes(make(_index_text(province)))
    with pytest.raises(InputError, match=re.escape(said)):
        read_index(folder)
    result = run_cli("screen", folder, "-o", tmp_path / "out")
    text = assert_clean_error(result, code=2, contains="无法读取省级索引")
    assert said in text and "处理：" in text
    assert "Expecting" not in text and "codec" not in text  # the parser's English words


def test_an_index_saved_with_a_byte_order_mark_is_read(province: Path, tmp_path: Path) -> None:
    folder = copy_province(province, tmp_path / "p")  # Notepad's 「UTF-8 with BOM」: was refused
    (folder / "province.json").write_bytes(b"\xef\xbb\xbf" + _index_text(province).encode())
    assert [c.code for c in read_index(folder).counties] == CODES


# -- one bad county: it fails alone, every row of the others is accounted for ---------------


def _missing(d: Path) -> None:
    (d / ZS / "parcels.parquet").unlink()


def _empty(d: Path) -> None:
    (d / ZS / "parcels.parquet").write_bytes(b"")


def _no_folder(d: Path) -> None:
    shutil.rmtree(d / ZS)


def _zone_40_geoparquet(d: Path) -> None:
    """定海 with 6-digit eastings of zone 41 (EPSG:4550) declared as CM 120°E (EPSG:4549): read
    as declared it lands about 3° west, at 119.1°E inside Zhejiang (建德), with plausible areas."""
    path = d / ZS / "parcels.parquet"
    parcels = gpd.read_parquet(path).to_crs(4550)
    parcels.set_crs(4549, allow_override=True).to_parquet(path)


def _zone_40_prj(d: Path) -> None:
    """The same, delivered as a GeoPackage (the CRS of zone 40 in the file)."""
    parcels = gpd.read_parquet(d / ZS / "parcels.parquet").to_crs(4550)
    (d / ZS / "parcels.parquet").unlink()
    parcels.set_crs(4549, allow_override=True).to_file(d / ZS / "parcels.gpkg", layer="parcels")
    index = index_json(d)
    index["counties"][2]["files"]["parcels"] = "parcels.gpkg"
    write_index(d, index)


def _other_county(d: Path) -> None:
    """定海's folder holds 上虞's parcels (宗地代码 330604…): counted twice in the roll-up."""
    shutil.copy(d / SY / "parcels.parquet", d / ZS / "parcels.parquet")


def _capitals(d: Path) -> None:
    """定海's parcels saved as 「Parcels.parquet」: Windows finds it under the index's name, this
    machine does not (was: 「文件不存在」 with the file right there)."""
    (d / ZS / "parcels.parquet").rename(d / ZS / "Parcels.parquet")


BREAKS = {
    "missing": (_missing, "文件不存在", "parcels.parquet"),
    "capitals": (_capitals, "有「Parcels.parquet」，只是字母大小写不同", "parcels.parquet"),
    "empty": (_empty, "0 字节", "parcels.parquet"),
    "no_folder": (_no_folder, "县（市、区）文件夹不存在", ZS),
    "zone_40_geoparquet": (_zone_40_geoparquet, "太远", "parcels.parquet"),
    "zone_40_gpkg": (_zone_40_prj, "太远", "parcels.gpkg"),
    "other_county": (_other_county, "330604（上虞区）", "parcels.parquet"),
}


def _assert_accounted(out: Path, man: dict) -> None:
    """rows in = rows out + rejected for every county and in total, in the manifest, the
    workbook and both province layers."""
    layer = gpd.read_parquet(out / "province.parquet")
    gpkg_rows = pyogrio.read_info(out / "province.gpkg", layer="parcels")["features"]
    done = [c for c in man["counties"] if c["ok"]]
    for c in done:
        assert c["rows_in"] == c["rows_out"] + c["rows_rejected"] == 100, c
        assert c["balanced"] and c["rows_written"] == c["rows_out"]
        assert (layer["county_code"] == c["code"]).sum() == c["rows_out"]
    rows = man["rows"]
    assert rows["in"] == sum(c["rows_in"] for c in done) == rows["out"] + rows["rejected"]
    assert rows["province_layer"] == len(layer) == gpkg_rows == rows["out"] and rows["balanced"]
    sheet = pd.read_excel(out / "province.xlsx", sheet_name="县区汇总", dtype={"县级代码": str})
    ok = sheet[sheet["处理状态"] == "完成"].set_index("县级代码")
    for c in done:
        assert ok.loc[c["code"], "宗地输入行数"] == c["rows_in"]
        assert ok.loc[c["code"], "宗地输出行数"] == c["rows_out"]
        assert ok.loc[c["code"], "宗地剔除行数"] == c["rows_rejected"]
    about = pd.read_excel(out / "province.xlsx", sheet_name="说明").set_index("项目")["内容"]
    assert (
        f"宗地输入 {rows['in']} 行 = 输出 {rows['out']} 行 + 剔除 {rows['rejected']} 行"
        in (about["行数核对"])
    )


@pytest.mark.parametrize("kind", list(BREAKS))
def test_a_broken_county_fails_alone_and_every_row_is_accounted_for(
    province: Path, tmp_path: Path, kind: str
) -> None:
    brk, needle, file_name = BREAKS[kind]
    broken = copy_province(province, tmp_path / "broken")
    brk(broken)
    out = tmp_path / "out"
    run = run_province(broken, out_dir=out, as_of=AS_OF, engine="local")
    man = run.manifest["province"]
    assert [f["code"] for f in man["failed"]] == ["330902"]
    failed = man["failed"][0]
    assert needle in failed["error"] and failed["file"].endswith(file_name), failed
    assert "Issue(" not in failed["error"]  # text for people, not a Python repr
    assert [c["code"] for c in man["counties"] if c["ok"]] == ["330602", "330604"]
    assert man["rows"]["counties_failed"] == 1
    _assert_accounted(out, man)
    sheet = pd.read_excel(out / "province.xlsx", sheet_name="处理失败", dtype={"县级代码": str})
    assert sheet["县级代码"].tolist() == ["330902"]
    assert sheet["文件"].iloc[0].endswith(file_name) and needle in sheet["错误"].iloc[0]
    assert not (out / "counties" / ZS).exists()  # a failed county leaves no half folder
    layer = pd.read_parquet(out / "province.parquet", columns=["county_code"])
    assert "330902" not in set(layer["county_code"])
    error = run.failure()
    assert error is not None and "330902 定海区" in str(error)


def test_cli_wrong_county_data_exits_2_with_one_error_and_writes_the_others(
    province: Path, tmp_path: Path
) -> None:
    broken = copy_province(province, tmp_path / "broken")
    _other_county(broken)
    result = run_cli("screen", broken, "-o", tmp_path / "out", "--as-of", AS_OF)
    text = assert_clean_error(result, code=2, contains="1 个县（市、区）处理失败")
    assert text.count("错误：") == 1
    for needle in ("330902 定海区", "宗地代码", "330604（上虞区）", "parcels.parquet", "处理："):
        assert needle in text, needle
    assert "330602 越城区：完成" in result.stdout and "330604 上虞区：完成" in result.stdout
    man = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))["province"]
    _assert_accounted(tmp_path / "out", man)


def test_a_folder_not_listed_in_the_index_is_said(province: Path, tmp_path: Path) -> None:
    folder = copy_province(province, tmp_path / "p")
    index = index_json(folder)
    index["counties"] = index["counties"][:2]  # 定海's folder stays, unlisted
    write_index(folder, index)
    said: list[str] = []
    run = run_province(folder, out_dir=tmp_path / "out", as_of=AS_OF, echo=said.append)
    man = run.manifest["province"]
    assert man["unlisted_folders"] == [ZS] and man["failed"] == []
    assert any(ZS in line and "未列入" in line for line in said)
    about = pd.read_excel(tmp_path / "out" / "province.xlsx", sheet_name="说明")
    assert about["内容"].str.contains(ZS).any()
    _assert_accounted(tmp_path / "out", man)


def test_a_layer_whose_crs_was_inferred_is_said_at_the_province(
    province: Path, tmp_path: Path
) -> None:
    """上虞's parcels without a coordinate system (a GeoParquet written without CRS, a shapefile
    without its .prj): the county reader infers zone 40 from the coordinates and says so in the
    county's 问题记录 only, which province staff do not open. Now it is a 警告 of the county on
    the screen, in the manifest and in 县区汇总 (was: not a word at the province)."""
    folder = copy_province(province, tmp_path / "p")
    parcels = folder / SY / "parcels.parquet"
    gdf = gpd.read_parquet(parcels)
    gdf.set_crs(None, allow_override=True).to_parquet(parcels)
    said: list[str] = []
    run = run_province(folder, out_dir=tmp_path / "out", as_of=AS_OF, echo=said.append)
    man = run.manifest["province"]
    sy = next(c for c in man["counties"] if c["code"] == "330604")
    assert sy["ok"] and sy["crs_in"] == "EPSG:4528"
    (warning,) = sy["warnings"]
    assert warning.startswith(
        "「parcels.parquet」的坐标系：文件没有 .prj（或未声明坐标系），推断为"
    )
    assert "EPSG:4528" in warning and "处理：" in warning
    assert any("330604 上虞区" in line and "推断为" in line for line in said)
    sheet = pd.read_excel(tmp_path / "out" / "province.xlsx", sheet_name="县区汇总", dtype=str)
    assert "推断为" in sheet.set_index("县级代码").loc["330604", "警告"]
    others = [c["warnings"] for c in man["counties"] if c["code"] != "330604"]
    assert others == [[], []]  # declared and read as declared: nothing to say
    county_run = json.loads(
        (tmp_path / "out" / "counties" / SY / "manifest.json").read_text("utf-8")
    )
    entry = county_run["stages"]["screen"]["inputs"]["parcels"]
    assert entry["crs_source"] == "inferred" and len(entry["crs_warnings"]) == 1
    assert entry["crs_warnings"][0] in warning
    _assert_accounted(tmp_path / "out", man)


# -- areas do not depend on the CRS a county was delivered in -------------------------------


def test_area_mu_does_not_depend_on_the_delivered_crs(province: Path, tmp_path: Path) -> None:
    """越城 (zone 40) as generated (EPSG:4528, zone prefix), without the prefix (EPSG:4549) and
    in CGCS2000 degrees (EPSG:4490): the same plot has the same 亩 to 1e-6 (relative)."""
    areas = {}
    for epsg in (4528, 4549, 4490):
        folder = tmp_path / f"p{epsg}"
        shutil.copytree(province / "330602_越城区", folder / "330602_越城区")
        index = index_json(province)
        index["counties"] = index["counties"][:1]
        write_index(folder, index)
        path = folder / "330602_越城区" / "parcels.parquet"
        gpd.read_parquet(path).to_crs(epsg).to_parquet(path)
        out = tmp_path / f"out{epsg}"
        run_province(folder, out_dir=out, as_of=AS_OF)
        layer = pd.read_parquet(out / "province.parquet", columns=["parcel_id", "area_mu"])
        areas[epsg] = layer.set_index("parcel_id")["area_mu"].dropna().sort_index()
    assert len(areas[4528]) > 90
    for epsg in (4549, 4490):
        pd.testing.assert_index_equal(areas[epsg].index, areas[4528].index)
        rel = (areas[epsg] - areas[4528]).abs() / areas[4528]
        assert rel.max() < 1e-6, (epsg, rel.max())


# -- the Excel row limit ------------------------------------------------------------------------


def test_split_province_and_county_sheets_say_so_and_lose_no_row(
    province: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 41)  # 40 data rows per sheet
    run = run_province(province, out_dir=tmp_path / "out", as_of=AS_OF)
    man = run.manifest["province"]
    for c in man["counties"]:
        # 99 or 100 rows out → 40 + 40 + the rest: three parts
        assert c["sheets_split"]["底数清单"] == ["底数清单", "底数清单（续2）", "底数清单（续3）"]
        book = load_workbook(tmp_path / "out" / c["folder"] / "landgov.xlsx", read_only=False)
        parts = c["sheets_split"]["底数清单"]
        assert sum(book[name].max_row - 1 for name in parts) == c["rows_out"]
        for name in parts:
            assert "已拆分为 3 个工作表" in book[name]["A1"].comment.text
    # the province workbook's own sheets are short: nothing split there
    assert man["outputs"]["xlsx_sheets_split"] == {}
    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 3)  # 2 data rows: 县区汇总 (3 counties) splits
    run = run_province(province, out_dir=tmp_path / "out", as_of=AS_OF)
    split = run.manifest["province"]["outputs"]["xlsx_sheets_split"]
    assert split["县区汇总"] == ["县区汇总", "县区汇总（续2）"]
    book = load_workbook(tmp_path / "out" / "province.xlsx")
    codes = [
        str(c.value)
        for name in split["县区汇总"]
        for (c,) in book[name].iter_rows(min_row=2, max_col=1)
    ]
    assert codes == CODES
    assert "已拆分为 2 个工作表" in book["县区汇总（续2）"]["A1"].comment.text


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("folder", "../别的省/330604_上虞区"),
        ("folder", "/mnt/share/330604_上虞区"),
        ("parcels", "../330602_越城区/parcels.parquet"),  # another county's plots
        ("parcels", r"D:\上虞\parcels.parquet"),
        ("enterprises", ["enterprises.csv"]),
    ],
)
def test_an_index_pointing_outside_the_province_is_refused_naming_the_entry(
    province: Path, tmp_path: Path, where: str, value: object
) -> None:
    """A county folder or file outside the province folder was read wherever it was (another
    county's plots, a drive letter): the index lists names inside the province folder."""
    folder = copy_province(province, tmp_path / "p")
    index = index_json(folder)
    entry = index["counties"][1]
    if where == "folder":
        entry["folder"] = value
    else:
        entry["files"][where] = value
    write_index(folder, index)
    field = "counties[1].folder" if where == "folder" else f"counties[1].files.{where}"
    with pytest.raises(InputError, match=re.escape(field)):
        read_index(folder)


def test_a_subfolder_written_as_on_windows_is_read(province: Path, tmp_path: Path) -> None:
    folder = copy_province(province, tmp_path / "p")
    index = index_json(folder)
    county = folder / index["counties"][1]["folder"]
    (county / "宗地").mkdir()
    (county / "parcels.parquet").rename(county / "宗地" / "parcels.parquet")
    index["counties"][1]["files"]["parcels"] = "宗地\\parcels.parquet"
    write_index(folder, index)
    assert read_index(folder).counties[1].files["parcels"].is_file()
