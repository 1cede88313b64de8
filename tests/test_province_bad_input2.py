"""A province run fed county folders as a provincial office really receives them.

One small province is generated per module (越城 330602 → yuecheng-2022 and 嵊州 330683 →
shengzhou-2022 in 绍兴, zone 40; 嵊泗 330922 in 舟山, zone 41, not in the province profile's
mapping → zhejiang-2023; 100 parcels each), then one copy per case is edited the way county
deliveries go wrong: a folder with a code that is no county, a second folder for the same county
(补报), an emptied folder, a missing enterprise table, a layer in another zone or in degrees, a
truncated Shapefile, a corrupt GeoParquet, a county whose parcels are all unusable. Every case
runs the real command line (``landgov screen PROVINCE -o OUT``).
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from tests._cli import assert_clean_error
from tests._province import (
    AS_OF,
    CODES,
    PROFILES,
    assert_accounted,
    assert_failed,
    copy_province,
    index_json,
    province_sheet,
    run_manifest,
    screen_province,
    small_province,
    write_index,
)

YC, SZ, SS = "330602_越城区", "330683_嵊州市", "330922_嵊泗县"


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_province(tmp_path_factory.mktemp("prov"), CODES)


# -- the index and the folders ---------------------------------------------------------------


def test_cli_county_code_that_is_no_county_is_refused_before_any_county_runs(
    province: Path, tmp_path: Path
) -> None:
    """A 县 folder 330699_新区 (no such county: 绍兴 ends at 330683) listed in the index."""
    folder = copy_province(province, tmp_path / "p")
    (folder / SZ).rename(folder / "330699_新区")
    index = index_json(folder)
    index["counties"][1].update(code="330699", name="新区", folder="330699_新区")
    write_index(folder, index)
    result = screen_province(folder, tmp_path / "out")
    assert_clean_error(result, code=2, contains="counties[1].code")
    assert "330699" in result.stderr + result.stdout
    assert "不是浙江省的县级行政区划代码" in result.stderr + result.stdout
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_cli_second_folder_of_a_county_and_a_folder_of_no_county_are_named(
    province: Path, tmp_path: Path
) -> None:
    """越城 delivered twice (330602_越城区 and 330602_越城区_补报, only the first listed) and a
    folder 330699_新区 no county uses: the run finishes, counts the listed folder once, and
    says what each extra folder is; every county is judged by its own profile."""
    folder = copy_province(province, tmp_path / "p")
    shutil.copytree(folder / YC, folder / "330602_越城区_补报")
    shutil.copytree(folder / SZ, folder / "330699_新区")
    out = tmp_path / "out"
    result = screen_province(folder, out)
    assert result.returncode == 0, result.stdout + result.stderr
    man = run_manifest(out)
    assert man["unlisted_folders"] == ["330602_越城区_补报", "330699_新区"]
    notes = man["unlisted_notes"]
    # was: both only 「未列入 province.json」, the 补报 not tied to the county it repeats
    assert "与已列入的 330602 越城区 相同" in notes["330602_越城区_补报"]
    assert "「330699」不是浙江省的县级行政区划代码" in notes["330699_新区"]
    for name, note in notes.items():
        assert f"注意：文件夹「{name}」：{note}" in result.stdout
    about = province_sheet(out, "说明")
    assert (about["内容"] == f"330602_越城区_补报：{notes['330602_越城区_补报']}").any()
    assert [c["code"] for c in man["counties"]] == CODES  # 越城 once
    assert {c["code"]: c["profile"] for c in man["counties"]} == PROFILES
    assert_accounted(out, man)


def test_cli_emptied_folder_and_missing_enterprise_table_fail_alone(
    province: Path, tmp_path: Path
) -> None:
    """嵊州's folder arrives empty, 嵊泗's without its enterprise table: both fail with the file
    and a Chinese reason, 越城 finishes; the command exits 2 naming both."""
    folder = copy_province(province, tmp_path / "p")
    shutil.rmtree(folder / SZ)
    (folder / SZ).mkdir()
    (folder / SS / "enterprises.csv").unlink()
    out = tmp_path / "out"
    result = screen_province(folder, out)
    text = assert_clean_error(result, code=2, contains="2 个县（市、区）处理失败")
    assert "330602 越城区：完成" in result.stdout
    man = assert_failed(
        out,
        text,
        {
            "330683": (folder / SZ / "parcels.parquet", "文件不存在"),
            "330922": (folder / SS / "enterprises.csv", "文件不存在"),  # one wording for both
        },
    )
    assert_accounted(out, man)


# -- a layer in another zone or in degrees: areas in the county's own zone -------------------


def test_cli_layer_in_another_zone_or_degrees_is_measured_in_its_own_zone(
    province: Path, tmp_path: Path
) -> None:
    """嵊泗 (122.45°E, zone 41, CM 123°E) delivered correctly but in zone 40 (EPSG:4528, CM
    120°E, 2.45° off) or in degrees (EPSG:4490): both are its own place, so the run neither
    fails nor moves it, and the same plot has the same 亩 as delivered in zone 41.

    Gauss–Krüger scale at Δλ = 2.45° = 0.04276 rad, φ = 30.7°: k ≈ 1 + (Δλ·cos φ)² / 2
    = 1 + (0.04276 × 0.860)² / 2 = 1.00068, areas k² ≈ 1.0013 — was: 0.13 % too many 亩 in
    zone 40 (measured there), 0 in degrees (projected to the zone of the place)."""
    areas, crs = {}, {}
    for epsg in (4529, 4528, 4490):
        folder = tmp_path / f"p{epsg}"
        shutil.copytree(province / SS, folder / SS)
        index = index_json(province)
        index["counties"] = index["counties"][2:]
        write_index(folder, index)
        path = folder / SS / "parcels.parquet"
        gpd.read_parquet(path).to_crs(epsg).to_parquet(path)
        out = tmp_path / f"out{epsg}"
        result = screen_province(folder, out)
        assert result.returncode == 0, result.stdout + result.stderr
        (county,) = run_manifest(out)["counties"]
        assert county["crs_in"] == f"EPSG:{epsg}"
        crs[epsg] = county.get("crs_areas")
        layer = pd.read_parquet(out / "province.parquet", columns=["parcel_id", "area_mu"])
        areas[epsg] = layer.set_index("parcel_id")["area_mu"].dropna().sort_index()
    assert len(areas[4529]) > 90
    for epsg in (4528, 4490):
        pd.testing.assert_index_equal(areas[epsg].index, areas[4529].index)
        rel = ((areas[epsg] - areas[4529]).abs() / areas[4529]).max()
        assert rel < 1e-6, (epsg, rel)
    assert crs == dict.fromkeys((4529, 4528, 4490), "EPSG:4550")  # CM 123°E, no zone prefix


# -- unreadable parcels: the others finish, the failure is listed -----------------------------


def _truncated_shp(folder: Path) -> Path:
    """嵊州's parcels as a Shapefile cut in half (a copy stopped midway)."""
    parquet = folder / SZ / "parcels.parquet"
    with warnings.catch_warnings():  # GDAL cuts the Chinese field names to 10 bytes: said
        warnings.simplefilter("ignore", RuntimeWarning)
        gpd.read_parquet(parquet).to_file(folder / SZ / "parcels.shp", encoding="utf-8")
    parquet.unlink()
    shp = folder / SZ / "parcels.shp"
    data = shp.read_bytes()
    shp.write_bytes(data[: len(data) // 2])
    index = index_json(folder)
    index["counties"][1]["files"]["parcels"] = "parcels.shp"
    write_index(folder, index)
    return shp


def test_cli_truncated_shapefile_fails_alone_and_summaries_add_up_by_hand(
    province: Path, tmp_path: Path
) -> None:
    folder = copy_province(province, tmp_path / "p")
    shp = _truncated_shp(folder)
    out = tmp_path / "out"
    result = screen_province(folder, out)
    text = assert_clean_error(result, code=2, contains="1 个县（市、区）处理失败")
    man = assert_failed(out, text, {"330683": (shp, "文件不完整")})
    assert_accounted(out, man)
    counties = province_sheet(out, "县区汇总").set_index("县级代码")
    assert counties.loc["330683", "处理状态"].startswith("失败：")
    cities = province_sheet(out, "地市汇总").set_index("地级市")
    yc, ss = counties.loc["330602"], counties.loc["330922"]
    # By hand (seed 11; read off 县区汇总):
    #   越城 规上税收 23703.96 万元, 规上用地 1137.22365 亩 → 23703.96 / 1137.22365 = 20.84371
    #   嵊泗 规上税收 23534.95 万元, 规上用地 1131.47856 亩 → 23534.95 / 1131.47856 = 20.80017
    #   绍兴市 = 越城 alone (嵊州 failed: 1 处理失败县) → 20.84371
    #   全省 = 越城 + 嵊泗: 税收 23703.96 + 23534.95 = 47238.91, 用地 1137.22365 + 1131.47856
    #   = 2268.70221, 亩均 47238.91 / 2268.70221 = 20.82200 (from the sums, not the mean of
    #   the two counties' 亩均, (20.84371 + 20.80017) / 2 = 20.82194); 距全省目标 40 − 20.82200
    #   = 19.17800; 宗地 in 100 + 100 = 200 = out 99 + 99 + rejected 1 + 1.
    assert yc["规上税收（万元）"] == pytest.approx(23703.96)
    assert yc["规上用地（亩）"] == pytest.approx(1137.22365)
    assert ss["规上税收（万元）"] == pytest.approx(23534.95)
    assert ss["规上用地（亩）"] == pytest.approx(1131.47856)
    sx, zs, whole = cities.loc["绍兴市"], cities.loc["舟山市"], cities.loc["全省"]
    assert (sx["县（市、区）数"], sx["处理失败县数"]) == (1, 1)
    assert (zs["县（市、区）数"], zs["处理失败县数"]) == (1, 0)
    assert (whole["县（市、区）数"], whole["处理失败县数"]) == (2, 1)
    assert sx["规上亩均税收（万元/亩）"] == pytest.approx(20.84371, abs=1e-5)
    assert whole["规上税收（万元）"] == pytest.approx(47238.91)
    assert whole["规上用地（亩）"] == pytest.approx(2268.70221)
    assert whole["规上亩均税收（万元/亩）"] == pytest.approx(20.82200, abs=1e-5)
    assert whole["亩均税收距目标（万元/亩）"] == pytest.approx(19.17800, abs=1e-5)
    assert [whole["宗地输入行数"], whole["宗地输出行数"], whole["宗地剔除行数"]] == [200, 198, 2]
    for col in ("用地面积（亩）", "治理清单宗地数", "规上企业数"):  # every sum: 越城 + 嵊泗
        assert whole[col] == pytest.approx(yc[col] + ss[col]), col
        assert sx[col] == pytest.approx(yc[col]), col


def test_cli_corrupt_geoparquet_and_no_usable_parcel_fail_with_their_full_paths(
    province: Path, tmp_path: Path
) -> None:
    """嵊泗's parcels.parquet cut in half; 嵊州's every geometry empty (0 parcels would be left
    after rejection: the county fails, it is not written as an empty county). Both errors name
    the county's own file by its full path — was the bare 「parcels.parquet」 for the empty
    geometries, which every county folder holds."""
    folder = copy_province(province, tmp_path / "p")
    corrupt = folder / SS / "parcels.parquet"
    data = corrupt.read_bytes()
    corrupt.write_bytes(data[: len(data) // 2])
    blank = folder / SZ / "parcels.parquet"
    parcels = gpd.read_parquet(blank)
    parcels["geometry"] = None
    parcels.to_parquet(blank)
    out = tmp_path / "out"
    result = screen_province(folder, out)
    text = assert_clean_error(result, code=2, contains="2 个县（市、区）处理失败")
    man = assert_failed(
        out,
        text,
        {"330683": (blank, "全部图形都为空"), "330922": (corrupt, "文件不完整")},
    )
    assert_accounted(out, man)
    assert [c["code"] for c in man["counties"] if c["ok"]] == ["330602"]


# -- a county with no usable plot: finished, its rejections kept, said ------------------------


def test_cli_first_county_with_no_usable_plot_finishes_alone_with_a_warning(
    province: Path, tmp_path: Path
) -> None:
    """越城, first in province.json, delivers 100 plots whose 宗地代码 are all blank: each row is
    rejected by the district run (no plot without its 宗地代码), so 越城 has 0 plots out and
    100 rejected (100 = 0 + 100), 嵊州 and 嵊泗 finish as generated (100 = 99 + 1 each); total
    300 = 198 + 102. Was: the province layer took its column types from 越城's empty part
    (dates of no type) and the next county's dates could not be appended — the whole run
    stopped with a pyarrow traceback.

    越城 is reported as finished (its county workbook lists the 100 rejections with their
    reasons, which is what the county must fix), never as a quiet 0: a 警告 on the screen, in
    县区汇总 and in the manifest."""
    folder = copy_province(province, tmp_path / "p")
    path = folder / YC / "parcels.parquet"
    parcels = gpd.read_parquet(path)
    parcels["宗地代码"] = None
    parcels.to_parquet(path)
    out = tmp_path / "out"
    result = screen_province(folder, out)
    text = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in text, text
    man = run_manifest(out)
    assert man["failed"] == [] and man["rows"]["counties_done"] == 3
    yc = next(c for c in man["counties"] if c["code"] == "330602")
    assert (yc["rows_in"], yc["rows_out"], yc["rows_rejected"]) == (100, 0, 100)
    assert [man["rows"]["in"], man["rows"]["out"], man["rows"]["rejected"]] == [300, 198, 102]
    assert_accounted(out, man)
    assert any("没有可用的宗地" in w for w in yc["warnings"]), yc
    assert "警告：330602 越城区" in result.stdout and "没有可用的宗地" in result.stdout
    counties = province_sheet(out, "县区汇总").set_index("县级代码")
    assert "没有可用的宗地" in counties.loc["330602", "警告"]
    assert (out / "counties" / YC / "landgov.xlsx").is_file()  # its rejections are kept


def test_cli_index_that_disagrees_with_its_folders_is_said_per_county(
    province: Path, tmp_path: Path
) -> None:
    """province.json written by hand, four slips:

    - 越城 (330602) listed with folder 「330603_柯桥区」 (its data, renamed): the folder name says
      柯桥, the index and the 宗地代码 say 越城 → judged as 越城 by yuecheng-2022, with a 警告
      naming the folder, both codes and the profile (was: not a word);
    - 嵊州 (330683) pointed at the same folder: that data is 越城's (100 % of its 宗地代码
      330602…), so 嵊州 fails alone; both entries are told they share a folder;
    - 嵊泗 330922 named 「嵊州市」: finished as 330922, with a 警告 that the name is not 嵊泗县's,
      its run folder 「330922_嵊泗县」 (was 「330922_嵊州市」: a name from the index made a path)
      and 嵊泗县 in every output (was 「嵊州市」 in the county column beside the real 嵊州市's);
    - the same entry's city copied from 嵊州's (绍兴市, 3306): warned, and 嵊泗 counted in 舟山市
      (3309) as its code says (was: not a word).
    """
    folder = copy_province(province, tmp_path / "p")
    (folder / YC).rename(folder / "330603_柯桥区")
    index = index_json(folder)
    index["counties"][0]["folder"] = "330603_柯桥区"
    index["counties"][1]["folder"] = "330603_柯桥区"
    index["counties"][2]["name"] = "嵊州市"
    index["counties"][2].update(city="绍兴市", city_code="3306")
    write_index(folder, index)
    out = tmp_path / "out"
    result = screen_province(folder, out)
    text = assert_clean_error(result, code=2, contains="1 个县（市、区）处理失败")
    man = run_manifest(out)
    assert [f["code"] for f in man["failed"]] == ["330683"]
    assert "330602（越城区）" in man["failed"][0]["error"]
    warn = {c["code"]: " ".join(c.get("warnings", [])) for c in man["counties"]}
    for needle in ("「330603_柯桥区」", "330603（柯桥区）", "330602 越城区", "yuecheng-2022"):
        assert needle in warn["330602"], warn["330602"]
    assert "也被 330683 嵊州市 使用" in warn["330602"]
    assert "也被 330602 越城区 使用" in warn["330683"]
    assert "「嵊州市」与区划代码表的「嵊泗县」不符" in warn["330922"]
    assert "警告：330602 越城区：文件夹「330603_柯桥区」" in text
    sheet = province_sheet(out, "县区汇总").set_index("县级代码")
    assert "330603（柯桥区）" in sheet.loc["330602", "警告"]
    assert "嵊泗县" in sheet.loc["330922", "警告"]
    assert "地级市写作「绍兴市」（3306），区划代码表为 3309 舟山市" in warn["330922"]
    assert sheet.loc["330922", ["县（市、区）", "地市代码"]].tolist() == ["嵊泗县", "3309"]
    cities = province_sheet(out, "地市汇总").set_index("地市代码")
    assert cities.loc["3309", "宗地输入行数"] == 100
    layer = pd.read_parquet(out / "province.parquet", columns=["county_code", "county", "city"])
    shown = layer.drop_duplicates().set_index("county_code")
    assert shown.loc["330922", ["county", "city"]].tolist() == ["嵊泗县", "舟山市"]
    assert (out / "counties" / SS).is_dir()  # the run folder by the county's own name
    done = {c["code"]: c for c in man["counties"] if c["ok"]}
    assert done["330602"]["profile"] == "yuecheng-2022"
    assert (done["330602"]["rows_in"], done["330922"]["rows_in"]) == (100, 100)
    assert man["rows"]["balanced"] and man["rows"]["in"] == 200


# -- a plot delivered by two counties: listed, never silently counted twice -------------------


def test_cli_plot_in_two_county_folders_is_listed_and_its_double_count_stated(
    province: Path, tmp_path: Path
) -> None:
    """越城's folder also carries 5 of 嵊州's plots (its rows 0–4, 宗地代码 330683…, as 滨海新区
    plots are delivered by both the managing district and the county of their code), so
    越城 reads 105 rows and 嵊州 still its 100.

    By hand: 越城 105 = 104 out + 1 rejected (its own duplicate 宗地代码), 嵊州 100 = 99 + 1,
    嵊泗 100 = 99 + 1; total 305 = 302 + 3 — every county keeps every row. 5 宗地代码 are in
    2 counties: 10 rows listed (both counties, both rows), 5 rows counted twice in 全省 and in
    绍兴市 (越城 and 嵊州 are both 绍兴), 0 in 舟山市; the area counted twice is those 5 plots'
    亩 once (越城 and 嵊州 are both measured in zone 40: the same 亩 in either county).
    Was: the 5 plots were in both counties' totals without a word.
    """
    folder = copy_province(province, tmp_path / "p")
    yc = gpd.read_parquet(folder / YC / "parcels.parquet")
    sz = gpd.read_parquet(folder / SZ / "parcels.parquet")
    both = pd.concat([yc, sz.iloc[:5]], ignore_index=True)
    gpd.GeoDataFrame(both, geometry="geometry", crs=yc.crs).to_parquet(
        folder / YC / "parcels.parquet"
    )
    ids = sorted(sz["宗地代码"].iloc[:5])
    out = tmp_path / "out"
    result = screen_province(folder, out)
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr
    man = run_manifest(out)
    counts = {c["code"]: (c["rows_in"], c["rows_out"], c["rows_rejected"]) for c in man["counties"]}
    assert counts == {"330602": (105, 104, 1), "330683": (100, 99, 1), "330922": (100, 99, 1)}
    assert [man["rows"][k] for k in ("in", "out", "rejected")] == [305, 302, 3]
    assert man["rows"]["balanced"] and man["rows"]["province_layer"] == 302
    listed = province_sheet(out, "跨县重复宗地")
    assert sorted(set(listed["宗地代码"])) == ids and len(listed) == 10
    assert set(listed["县级代码"]) == {"330602", "330683"}
    layer = pd.read_parquet(
        out / "province.parquet", columns=["parcel_id", "county_code", "area_mu"]
    )
    area = layer[layer["parcel_id"].isin(ids) & (layer["county_code"] == "330683")]["area_mu"].sum()
    rep = man["cross_county_repeats"]
    assert (rep["parcel_ids"], rep["rows"], rep["repeated_rows"]) == (5, 10, 5)
    assert rep["repeated_area_mu"] == pytest.approx(area, rel=1e-6)
    cities = province_sheet(out, "地市汇总").set_index("地级市")
    assert cities.loc["全省", "跨县重复计入宗地数"] == 5
    assert cities.loc["绍兴市", "跨县重复计入宗地数"] == 5
    assert cities.loc["舟山市", "跨县重复计入宗地数"] == 0
    assert cities.loc["全省", "跨县重复计入面积（亩）"] == pytest.approx(area, rel=1e-6)
    sheet = province_sheet(out, "县区汇总").set_index("县级代码")
    assert "5 宗的宗地代码也在 330683 嵊州市" in sheet.loc["330602", "警告"]
    assert "5 宗的宗地代码也在 330602 越城区" in sheet.loc["330683", "警告"]
    # and 越城 is told it counts 5 plots whose code is 嵊州's (whether or not 嵊州 has them too)
    assert (
        "5 宗的宗地代码前 6 位是其他县（市、区）的代码（330683 嵊州市 5 宗）"
        in (sheet.loc["330602", "警告"])
    )
    assert pd.isna(sheet.loc["330922", "警告"])
    about = province_sheet(out, "说明").set_index("项目")["内容"]
    assert about["跨县重复宗地"].startswith("警告：5 个宗地代码")
    assert "重复计入 5 宗" in about["跨县重复宗地"]
    assert "警告：5 个宗地代码同时出现在" in result.stdout


def test_cli_county_folder_blank_or_a_file_fails_alone_naming_the_folder(
    province: Path, tmp_path: Path
) -> None:
    """嵊州's folder written as 「   」 (blanks) and 嵊泗's as the name of a file: each fails alone
    with 「县（市、区）文件夹不存在」 / 「不是文件夹」, the folder as written (blanks shown inside
    「」, kept in the final error) and what to do in province.json; 越城 finishes. Was: only
    「…/   /parcels.parquet：文件不存在」, and the final error squeezed the blanks to one."""
    folder = copy_province(province, tmp_path / "p")
    (folder / "说明.txt").write_text("x", "utf-8")
    index = index_json(folder)
    index["counties"][1]["folder"] = "   "
    index["counties"][2]["folder"] = "说明.txt"
    write_index(folder, index)
    out = tmp_path / "out"
    result = screen_province(folder, out)
    text = assert_clean_error(result, code=2, contains="2 个县（市、区）处理失败")
    assert "330602 越城区：完成" in result.stdout
    man = assert_failed(
        out,
        text,
        {
            "330683": (folder / "   ", "县（市、区）文件夹不存在"),
            "330922": (folder / "说明.txt", "不是文件夹"),
        },
    )
    assert "「   」" in text and "province.json" in man["failed"][0]["error"]
    assert f"{folder}/   ：" in result.stderr  # the path as it is, blanks kept
    assert_accounted(out, man)


# -- an error screen_county does not expect: the county fails alone, as on Dask ---------------


def test_local_engine_fails_a_county_alone_on_an_unexpected_error(
    province: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Dask task that raises any error is that county's failure (``_dask``); the local engine
    let an error type ``screen_county`` does not catch (here an IndexError in 嵊州) stop the whole
    run. Now 嵊州 fails alone with the error named, 越城 and 嵊泗 finish (2 × 100 rows)."""
    import landgov.province.run as province_run

    real = province_run.screen_county

    def broken(job):  # type: ignore[no-untyped-def]
        if job.code == "330683":
            raise IndexError("index 7 is out of bounds")
        return real(job)

    monkeypatch.setattr(province_run, "screen_county", broken)
    run = province_run.run_province(
        copy_province(province, tmp_path / "p"), out_dir=tmp_path / "out", as_of=AS_OF
    )
    man = run.manifest["province"]
    assert [f["code"] for f in man["failed"]] == ["330683"]
    assert "IndexError" in man["failed"][0]["error"]
    assert man["rows"]["counties_done"] == 2 and man["rows"]["in"] == 200
    failure = run.failure()
    assert failure is not None and "330683 嵊州市" in str(failure)
