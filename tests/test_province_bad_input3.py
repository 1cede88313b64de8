"""A province run fed county folders as they really arrive, third round: a county sent as a zip
(not unpacked, or unpacked one folder too deep), archives and system folders beside the
counties (README.txt, .DS_Store, __MACOSX, 330604_上虞区.zip), a 地级市 code where a county code
belongs, and a layer that lies outside Zhejiang.

The same small province as ``test_province_bad_input2`` (越城 330602 → yuecheng-2022, 嵊州
330683 → shengzhou-2022, 嵊泗 330922 → zhejiang-2023; 100 parcels each, 99 out + 1 rejected:
the generator's own duplicate 宗地代码), one copy per case.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest

from landgov.errors import InputError
from landgov.province import read_index, run_province
from tests._cli import assert_clean_error
from tests._province import (
    AS_OF,
    CODES,
    assert_accounted,
    assert_failed,
    copy_province,
    index_json,
    run_manifest,
    screen_province,
    small_province,
    write_index,
)

YC, SZ, SS = "330602_越城区", "330683_嵊州市", "330922_嵊泗县"


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_province(tmp_path_factory.mktemp("prov"), CODES)


# -- a county sent zipped, and what else lies beside the counties ------------------------------


def test_cli_county_sent_as_zip_and_archives_beside_the_counties_are_said(
    province: Path, tmp_path: Path
) -> None:
    """嵊州 arrives as 330683_嵊州市.zip (its folder not unpacked); beside the counties lie
    README.txt, .DS_Store, an empty __MACOSX folder (what a Mac zip leaves) and
    330604_上虞区.zip (上虞 is not in province.json).

    Was: 嵊州 failed with 「县（市、区）文件夹不存在」 and a fix about the folder name, not a word
    that its zip lies right there; 上虞's zip was not named anywhere (a county missing from
    the totals without a word); __MACOSX was said as a county folder 「如属漏列，补入后重新运行」.
    Now: 嵊州 fails alone, its error names the zip and says to unpack it; both zips are listed
    in the manifest's unlisted_folders with what they are and said on the screen as 文件;
    README.txt, .DS_Store and __MACOSX are no data and not said. By hand: 越城 and 嵊泗 finish,
    100 = 99 + 1 each, total 200 = 198 + 2."""
    folder = copy_province(province, tmp_path / "p")
    shutil.make_archive(str(folder / SZ), "zip", folder, SZ)
    shutil.make_archive(str(folder / "330604_上虞区"), "zip", folder, YC)
    shutil.rmtree(folder / SZ)
    (folder / "README.txt").write_text("各县数据说明", "utf-8")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (folder / "__MACOSX").mkdir()
    out = tmp_path / "out"
    result = screen_province(folder, out)
    text = assert_clean_error(result, code=2, contains="1 个县（市、区）处理失败")
    man = assert_failed(out, text, {"330683": (folder / SZ, f"「{SZ}.zip」是压缩包，未解压")})
    assert f"把「{SZ}.zip」解压" in man["failed"][0]["error"]
    assert_accounted(out, man)
    assert man["rows"]["in"] == 200 and man["rows"]["out"] == 198
    assert man["unlisted_folders"] == ["330604_上虞区.zip", f"{SZ}.zip"]
    notes = man["unlisted_notes"]
    assert all(note.startswith("是压缩包，未解压、未参与本次筛查") for note in notes.values())
    assert "已列入的 330683 嵊州市" in notes[f"{SZ}.zip"]
    assert f"注意：文件「330604_上虞区.zip」：{notes['330604_上虞区.zip']}" in result.stdout
    for noise in ("__MACOSX", "README.txt", ".DS_Store"):
        assert noise not in result.stdout + result.stderr, noise


def test_county_folder_written_as_its_zip_says_to_unpack_it(province: Path, tmp_path: Path) -> None:
    """province.json names 嵊州's folder 「330683_嵊州市.zip」 (the file as received). Was:
    「不是文件夹（是一个文件）」 and a fix about the folder name. Now: said to be an archive not
    unpacked, with the fix; the other two counties finish."""
    folder = copy_province(province, tmp_path / "p")
    shutil.make_archive(str(folder / SZ), "zip", folder, SZ)
    shutil.rmtree(folder / SZ)
    index = index_json(folder)
    index["counties"][1]["folder"] = f"{SZ}.zip"
    write_index(folder, index)
    run = run_province(folder, out_dir=tmp_path / "out", as_of=AS_OF, echo=lambda _: None)
    man = run.manifest["province"]
    (failed,) = man["failed"]
    assert failed["code"] == "330683" and failed["file"] == str(folder / f"{SZ}.zip")
    assert f"「{SZ}.zip」是压缩包，未解压" in failed["error"], failed
    assert "解压为省级文件夹中的一个文件夹" in failed["error"]
    assert man["rows"]["counties_done"] == 2 and man["rows"]["balanced"]


def test_cli_county_unpacked_one_folder_too_deep_names_the_inner_folder(
    province: Path, tmp_path: Path
) -> None:
    """嵊泗's zip unpacked into a folder of its own name: 330922_嵊泗县/330922_嵊泗县/
    parcels.parquet. Was: 「…/330922_嵊泗县/parcels.parquet：文件不存在」 — the file is there,
    one level down. Now: the county fails alone, the error names the inner folder and says to
    move its files up (or point folder at it); 越城 and 嵊州 finish (200 = 198 + 2)."""
    folder = copy_province(province, tmp_path / "p")
    inner = tmp_path / "inner"
    shutil.move(folder / SS, inner)
    (folder / SS).mkdir()
    shutil.move(inner, folder / SS / SS)
    out = tmp_path / "out"
    result = screen_province(folder, out)
    text = assert_clean_error(result, code=2, contains="1 个县（市、区）处理失败")
    parcels = folder / SS / "parcels.parquet"
    man = assert_failed(out, text, {"330922": (parcels, f"下一层的文件夹「{SS}」")})
    assert f"「{SS}/{SS}」" in man["failed"][0]["error"]
    assert_accounted(out, man)
    assert man["rows"]["in"] == 200


# -- a 地级市 code where a county code belongs ---------------------------------------------------


def test_city_code_in_the_index_or_a_folder_name_is_said_to_be_a_city(
    province: Path, tmp_path: Path
) -> None:
    """嵊州 listed as 330600 (绍兴市, the 地级市 both 越城 and 嵊州 belong to) — and, in a second
    copy, a folder 330600_绍兴市 that no county uses. Was: 「不是浙江省的县级行政区划代码」 for a
    code that is Zhejiang's, only not a county's. Now: said to be 绍兴市's code, with one of its
    counties as the example."""
    folder = copy_province(province, tmp_path / "p")
    index = index_json(folder)
    index["counties"][1]["code"] = "330600"
    write_index(folder, index)
    with pytest.raises(InputError, match=r"counties\[1\]\.code") as caught:
        read_index(folder)
    said = str(caught.value)
    assert "「330600」是绍兴市（地级市）的代码，不是县级行政区划代码" in said, said
    assert "如 330602（越城区）" in said

    folder = copy_province(province, tmp_path / "q")
    shutil.copytree(folder / SZ, folder / "330600_绍兴市")
    run = run_province(folder, out_dir=tmp_path / "out", as_of=AS_OF, echo=lambda _: None)
    note = run.manifest["province"]["unlisted_notes"]["330600_绍兴市"]
    assert note.startswith(
        "文件夹名中的「330600」是绍兴市（地级市）的代码，不是县级行政区划代码"
    ), note


# -- a layer outside Zhejiang -------------------------------------------------------------------


def test_cli_layer_outside_zhejiang_fails_alone_naming_its_crs_not_a_python_dict(
    province: Path, tmp_path: Path
) -> None:
    """嵊泗's plots moved 400 km west and 600 km north in its own zone 41 (EPSG:4529): read as
    declared the layer lies near 118.0°E, 36.0°N (Shandong), far from 嵊泗 (122.5°E, 30.7°N).
    Was: the county failed with 「太远」 but the value seen was the reader's whole CRS record
    as a Python dict (「所见值：{'epsg': 'EPSG:4529', 'source': 'prj', 'evidence': [...」).
    Now: the value seen is 'EPSG:4529'; 越城 and 嵊州 finish (200 = 198 + 2)."""
    folder = copy_province(province, tmp_path / "p")
    path = folder / SS / "parcels.parquet"
    parcels = gpd.read_parquet(path)
    parcels["geometry"] = parcels.geometry.translate(-400_000, 600_000)
    parcels.to_parquet(path)
    out = tmp_path / "out"
    result = screen_province(folder, out)
    text = assert_clean_error(result, code=2, contains="1 个县（市、区）处理失败")
    man = assert_failed(out, text, {"330922": (path, "太远")})
    error = man["failed"][0]["error"]
    assert "所见值：'EPSG:4529'" in error and "{'epsg'" not in error, error
    assert "{'epsg'" not in result.stdout + result.stderr
    assert_accounted(out, man)


# -- an enterprise table of another county ------------------------------------------------------


def test_cli_enterprise_table_of_another_county_is_warned_not_a_plain_finish(
    province: Path, tmp_path: Path
) -> None:
    """嵊州's folder holds 越城's enterprises.csv (93 firms, none of them on 嵊州's links).

    By hand (counts from the county's own manifest, seed 11): 嵊州's 94 link rows name firms
    not in that table → 94 of 94 links join nothing; 93 of 93 firms join no plot of 嵊州; both
    more than half → a 警告 that the table is most likely not the county's. 嵊州's plots are
    still screened and counted (100 = 99 + 1; total 300 = 297 + 3). Was: 「330683 嵊州市：完成」
    without a word, its plots mostly 待核实 for want of firm data. 越城 and 嵊泗 (4 of 105 and
    6 of 102 links unjoined, as generated) get no such 警告."""
    folder = copy_province(province, tmp_path / "p")
    shutil.copy(folder / YC / "enterprises.csv", folder / SZ / "enterprises.csv")
    out = tmp_path / "out"
    result = screen_province(folder, out)
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr
    man = run_manifest(out)
    assert_accounted(out, man)
    assert [man["rows"][k] for k in ("in", "out", "rejected")] == [300, 297, 3]
    warned = {c["code"]: " ".join(c.get("warnings", [])) for c in man["counties"]}
    assert "地企关联 94 行中 94 行未能连接，企业表 93 家中 93 家未连到任何宗地" in warned["330683"]
    assert "多半不是本县的数据" in warned["330683"]
    assert warned["330602"] == warned["330922"] == ""
    assert "警告：330683 嵊州市：地企关联 94 行中 94 行未能连接" in result.stdout


def test_county_code_in_full_width_digits_is_the_county(province: Path, tmp_path: Path) -> None:
    """嵊州's code typed with a Chinese input method: 「３３０６８３」 (full-width digits, U+FF13
    …). NFKC gives 330683, the same code (as every code of the readers is normalised,
    landgov.ids.normalize_code). Was: the whole index refused, 「不是浙江省的县级行政区划代码」.
    Now: 嵊州 is county 330683 of 绍兴市."""
    folder = copy_province(province, tmp_path / "p")
    index = index_json(folder)
    index["counties"][1]["code"] = "３３０６８３"
    write_index(folder, index)
    entry = read_index(folder).counties[1]
    assert (entry.code, entry.name, entry.city) == ("330683", "嵊州市", "绍兴市")
    assert entry.folder == folder / SZ
