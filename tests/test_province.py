"""The province: real counties, the province profile, the streaming run, local vs Dask.

One small province is generated per session (3 counties × 150 parcels: 上虞 zone 40 with its own
profile, 嵊泗 zone 41, 开化 zone 39) and screened with both engines; the Dask run uses a 2-worker
``LocalCluster``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from openpyxl import load_workbook
from pyproj import Transformer

from landgov.core.runfolder import file_sha256
from landgov.crs import ZHEJIANG_BOUNDS
from landgov.errors import InputError, ProfileError
from landgov.province import generate_province, load_province_profile, read_index, run_province
from landgov.province.counties import CITIES, COUNTIES, county
from landgov.province.county import county_profile
from landgov.reports import excel
from tests._cli import assert_clean_error, run_cli

CODES = ["330604", "330922", "330824"]  # 上虞区 (zone 40), 嵊泗县 (41), 开化县 (39)
AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("province")
    generate_province(root, n_parcels=450, counties=CODES, seed=7)
    return root


@pytest.fixture(scope="module")
def runs(province: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("runs")
    run_province(province, out_dir=out / "local", as_of=AS_OF, engine="local")
    run_province(province, out_dir=out / "dask", as_of=AS_OF, engine="dask", workers=2)
    return {"local": out / "local", "dask": out / "dask"}


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["province"]


# -- the county table ---------------------------------------------------------------------------


def test_every_zhejiang_county_once_with_its_real_code() -> None:
    codes = [c.code for c in COUNTIES]
    assert len(codes) == 90 == len(set(codes))
    assert all(len(c) == 6 and c.startswith("33") for c in codes)
    assert {c.city_code for c in COUNTIES} == set(CITIES) and len(CITIES) == 11
    known = [
        ("330604", "上虞区"), ("330683", "嵊州市"), ("330105", "拱墅区"), ("330602", "越城区"),
        ("330922", "嵊泗县"), ("331127", "景宁畲族自治县"),
    ]  # fmt: skip
    for code, name in known:
        assert county(code).name == name
    with pytest.raises(KeyError):
        county("330103")  # 下城区, merged into 拱墅区 in 2021


def test_counties_lie_in_zhejiang_in_their_own_zone() -> None:
    lo_min, la_min, lo_max, la_max = ZHEJIANG_BOUNDS
    for c in COUNTIES:
        assert lo_min <= c.lon <= lo_max and la_min <= c.lat <= la_max, c
        assert c.epsg == 4513 + c.zone - 25 and c.zone in {39, 40, 41}
        assert len(c.townships) == 6 == len(set(c.townships))
    assert {c.zone for c in COUNTIES if c.city_code == "3309"} == {41}  # 舟山, east of 121.5°E
    assert county("330824").zone == 39 and county("330604").zone == 40


# -- the generator ------------------------------------------------------------------------------


def test_each_county_is_placed_in_its_area_zone_and_code(province: Path) -> None:
    index = read_index(province)
    assert [c.code for c in index.counties] == CODES
    for entry in index.counties:
        c = county(entry.code)
        parcels = gpd.read_parquet(entry.files["parcels"])
        assert parcels.crs.to_epsg() == c.epsg == entry.epsg
        assert parcels["宗地代码"].str[:6].eq(c.code).mean() > 0.95  # a few broken on purpose
        towns = gpd.read_file(entry.files["townships"])
        assert set(towns["镇街"]) == set(c.townships)
        centre = shapely.centroid(shapely.union_all(towns.geometry.to_numpy()))
        lon, lat = Transformer.from_crs(c.epsg, 4490, always_xy=True).transform(centre.x, centre.y)
        assert abs(lon - c.lon) < 0.1 and abs(lat - c.lat) < 0.1, (c.name, lon, lat)
        assert int(centre.x // 1_000_000) == c.zone  # the zone prefix in the easting


def test_every_generated_parcel_is_a_valid_polygon(province: Path) -> None:
    for entry in read_index(province).counties:
        geoms = gpd.read_parquet(entry.files["parcels"]).geometry.to_numpy()
        assert not shapely.is_missing(geoms).any(), entry.label
        invalid = ~shapely.is_valid(geoms)
        assert not invalid.any(), (entry.label, shapely.is_valid_reason(geoms[invalid][:3]))
        assert set(shapely.get_type_id(geoms)) == {3}  # polygons


def test_generator_refuses_unknown_county_and_too_few_parcels(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="330199"):
        generate_province(tmp_path, n_parcels=300, counties=["330199"])
    with pytest.raises(InputError, match="至少"):
        generate_province(tmp_path, n_parcels=150, counties=CODES)


# -- the province profile -----------------------------------------------------------------------


def test_province_profile_maps_counties_to_their_profiles() -> None:
    prof = load_province_profile("zhejiang-province-2023")
    assert prof.profile_for("330604") == "shangyu-2022"
    assert prof.profile_for("330683") == "shengzhou-2022"
    assert prof.profile_for("330105") == "gongshu-2022"
    assert prof.profile_for("330602") == "yuecheng-2022"
    assert prof.profile_for("330922") == "zhejiang-2023"
    assert prof.describe()["version"] == "2023.1"
    single = load_province_profile("shangyu-2022")  # no province section: one profile for all
    assert single.profile_for("330922") == "shangyu-2022"


@pytest.mark.parametrize(
    ("counties", "needle"),
    [
        ('{ "330199" = "shangyu-2022" }', "330199"),  # not a county code
        ('{ "330604" = "no-such-profile" }', "no-such-profile"),  # unknown profile
    ],
)
def test_province_profile_errors_name_the_entry(tmp_path: Path, counties: str, needle: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[profile]\nname = "p"\nversion = "1"\ntitle = "t"\nextends = "zhejiang-2023"\n'
        f'[province]\ndefault = "zhejiang-2023"\ncounties = {counties}\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=needle):
        load_province_profile(path)


def test_a_county_profile_is_read_beside_the_province_profile_that_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``"330604" = "上虞.toml"`` in a province profile: read from that profile's folder, as its
    ``extends`` is, and handed to the counties as a whole path (a Dask worker, or the same run
    started from another folder, found nothing: 「找不到该策略配置」, or another county's file)."""
    folder = tmp_path / "省配置"
    folder.mkdir()
    (folder / "上虞.toml").write_text(
        '[profile]\nname = "本县"\nversion = "1"\ntitle = "t"\nextends = "shangyu-2022"\n',
        encoding="utf-8",
    )
    (folder / "省.toml").write_text(
        '[profile]\nname = "p"\nversion = "1"\ntitle = "t"\nextends = "zhejiang-2023"\n'
        '[province]\ndefault = "zhejiang-2023"\ncounties = { "330604" = "上虞.toml" }\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)  # not the profiles' folder
    prof = load_province_profile(folder / "省.toml")
    assert prof.profile_for("330604") == str(folder / "上虞.toml")
    assert prof.profile_for("330922") == "zhejiang-2023"
    monkeypatch.chdir("/")  # the counties are judged from anywhere
    assert county_profile(prof.profile_for("330604")).name == "本县"
    monkeypatch.chdir(tmp_path)
    single = load_province_profile("省配置/上虞.toml")  # a relative path on the command line
    assert single.profile_for("330922") == str(folder / "上虞.toml")  # handed on whole too


# -- the run: local and Dask --------------------------------------------------------------------


def test_dask_and_local_give_the_same_rows_and_values(runs: dict[str, Path]) -> None:
    local = gpd.read_parquet(runs["local"] / "province.parquet")
    dask = gpd.read_parquet(runs["dask"] / "province.parquet")
    pd.testing.assert_frame_equal(
        pd.DataFrame(local.drop(columns="geometry")), pd.DataFrame(dask.drop(columns="geometry"))
    )
    assert np.array_equal(
        shapely.to_wkb(local.geometry.to_numpy()), shapely.to_wkb(dask.geometry.to_numpy())
    )
    for sheet in ("县区汇总", "地市汇总"):
        pd.testing.assert_frame_equal(
            pd.read_excel(runs["local"] / "province.xlsx", sheet_name=sheet),
            pd.read_excel(runs["dask"] / "province.xlsx", sheet_name=sheet),
        )
    assert _manifest(runs["dask"])["engine"] == {"name": "dask", "scheduler": None, "workers": 2}


def test_every_row_is_accounted_for_per_county_and_in_total(runs: dict[str, Path]) -> None:
    man = _manifest(runs["local"])
    layer = gpd.read_parquet(runs["local"] / "province.parquet")
    assert [c["code"] for c in man["counties"]] == CODES and man["failed"] == []
    for c in man["counties"]:
        assert c["ok"] and c["balanced"]
        assert c["rows_in"] == c["rows_out"] + c["rows_rejected"] == 150
        assert (layer["county_code"] == c["code"]).sum() == c["rows_out"] == c["rows_written"]
        sheet = pd.read_excel(runs["local"] / c["folder"] / "landgov.xlsx", sheet_name="底数清单")
        assert len(sheet) == c["rows_out"]  # the county's own workbook
    rows = man["rows"]
    assert rows["in"] == rows["out"] + rows["rejected"] == 450
    assert rows["province_layer"] == len(layer) == rows["out"] and rows["balanced"]


def test_manifest_hashes_are_the_files_as_sealed(runs: dict[str, Path]) -> None:
    """The layers are hashed while the workbook is written; each file's SHA-256 and size in
    the manifest are still those of the file as it is."""
    for folder in runs.values():
        files = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
        assert set(files) == {"province.gpkg", "province.parquet", "province.xlsx"}
        for name, entry in files.items():
            assert entry == {
                "sha256": file_sha256(folder / name),
                "bytes": (folder / name).stat().st_size,
            }


def test_a_file_written_after_it_was_hashed_early_is_hashed_again(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from landgov.province.run import _seal, _stamped_sha256

    layer = tmp_path / "province.parquet"
    layer.write_bytes(b"first")
    with ThreadPoolExecutor(1) as pool:
        early = {layer.name: pool.submit(_stamped_sha256, layer)}
        early[layer.name].result()
    layer.write_bytes(b"second, longer")  # written again after the early hash
    sealed = _seal(tmp_path, {"rows": {}}, early=early)["files"][layer.name]
    assert sealed == {"sha256": file_sha256(layer), "bytes": len(b"second, longer")}
    assert sealed["sha256"] != early[layer.name].result()[1]


def test_each_plot_says_which_profile_judged_it(runs: dict[str, Path]) -> None:
    layer = gpd.read_parquet(runs["local"] / "province.parquet")
    by_county = layer.groupby("county_code")["profile"].unique().map(list).to_dict()
    assert by_county == {
        "330604": ["shangyu-2022"],
        "330922": ["zhejiang-2023"],
        "330824": ["zhejiang-2023"],
    }
    county_manifest = json.loads(
        (runs["local"] / "counties" / "330604_上虞区" / "manifest.json").read_text("utf-8")
    )
    assert county_manifest["stages"]["screen"]["profile"]["name"] == "shangyu-2022"


def test_layers_in_one_crs_areas_in_each_county_zone(runs: dict[str, Path]) -> None:
    man = _manifest(runs["local"])
    assert man["crs"]["layers"] == "EPSG:4490"
    assert {c["code"]: c["crs_in"] for c in man["counties"]} == {
        "330604": "EPSG:4528",
        "330922": "EPSG:4529",
        "330824": "EPSG:4527",
    }
    layer = gpd.read_parquet(runs["local"] / "province.parquet")
    assert layer.crs.to_epsg() == 4490
    gpkg = gpd.read_file(runs["local"] / "province.gpkg", layer="parcels")
    assert gpkg.crs.to_epsg() == 4490 and len(gpkg) == len(layer)
    # the GeoPackage holds the GeoParquet's values: dates as dates, 是/否 as booleans
    # (an area the reader set aside, e.g. one 宗地代码 on pieces apart, is blank in both)
    for col in ("parcel_id", "area_mu", "screening_status", "n_enterprises"):
        got, want = gpkg[col].reset_index(drop=True), layer[col].reset_index(drop=True)
        pd.testing.assert_series_equal(got, want, check_names=False, check_dtype=False, obj=col)
    dates = pd.to_datetime(gpkg["supply_date"]).dt.date
    assert dates.where(dates.notna(), None).tolist() == layer["supply_date"].tolist()
    flags = gpkg["low_efficiency"].map({1: True, 0: False})
    assert flags.where(gpkg["low_efficiency"].notna(), None).tolist() == [
        None if pd.isna(v) else bool(v) for v in layer["low_efficiency"]
    ]
    # area_m2 was measured in the county's zone: it matches the plot re-projected there
    shengsi = layer[
        (layer["county_code"] == "330922") & layer.geometry.notna() & layer["area_m2"].notna()
    ]
    again = shengsi.to_crs(4529).area.to_numpy()
    assert np.allclose(shengsi["area_m2"].to_numpy(), again, rtol=1e-6)


def test_city_and_province_rows_against_province_targets(runs: dict[str, Path]) -> None:
    cities = pd.read_excel(runs["local"] / "province.xlsx", sheet_name="地市汇总")
    assert list(cities["地级市"]) == ["绍兴市", "衢州市", "舟山市", "全省"]
    whole = cities.iloc[-1]
    assert whole["宗地数（底数清单）"] == cities.iloc[:-1]["宗地数（底数清单）"].sum()
    assert whole["规上亩均税收目标（万元/亩）"] == 40.0
    assert "浙政发〔2023〕4号" in whole["目标来源"]
    tax = whole["规上税收（万元）"] / whole["规上用地（亩）"]
    assert whole["规上亩均税收（万元/亩）"] == pytest.approx(tax)


# -- failures and splits ------------------------------------------------------------------------


def _broken_copy(province: Path, dest: Path) -> Path:
    shutil.copytree(province, dest)
    (dest / "330922_嵊泗县" / "parcels.parquet").write_bytes(b"not a parquet file")
    return dest


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_failing_county_is_reported_and_the_others_finish(
    province: Path, tmp_path: Path, engine: str
) -> None:
    broken = _broken_copy(province, tmp_path / "broken")
    run = run_province(broken, out_dir=tmp_path / "out", as_of=AS_OF, engine=engine, workers=2)
    man = run.manifest["province"]
    assert [f["code"] for f in man["failed"]] == ["330922"]
    assert "parcels.parquet" in man["failed"][0]["error"]
    assert man["failed"][0]["file"].endswith("parcels.parquet")
    done = [c["code"] for c in man["counties"] if c["ok"]]
    assert done == ["330604", "330824"]
    assert man["rows"]["counties_failed"] == 1 and man["rows"]["balanced"]
    layer = gpd.read_parquet(tmp_path / "out" / "province.parquet")
    assert set(layer["county_code"]) == {"330604", "330824"}
    failed_sheet = pd.read_excel(tmp_path / "out" / "province.xlsx", sheet_name="处理失败")
    assert list(failed_sheet["县级代码"].astype(str)) == ["330922"]
    assert failed_sheet["文件"].iloc[0].endswith("parcels.parquet")
    error = run.failure()
    assert error is not None and "330922 嵊泗县" in str(error) and "已写出" in str(error)


def test_a_county_writes_its_workbook_not_its_own_geopackage(runs: dict[str, Path]) -> None:
    for county_dir in (runs["local"] / "counties").iterdir():
        assert (county_dir / "landgov.xlsx").is_file()
        assert not (county_dir / "landgov.gpkg").exists()  # its rows are in province.gpkg
        man = json.loads((county_dir / "manifest.json").read_text(encoding="utf-8"))
        assert man["stages"]["screen"]["outputs"]["gpkg"] is None
    man = _manifest(runs["local"])
    assert man["outputs"]["gpkg_layers"]["parcels"] == man["rows"]["out"] > 0


def test_each_countys_problem_rows_name_its_input_files(runs: dict[str, Path]) -> None:
    # a problem found after reading (地企关联, 亩均评价 …) names the file its 行号 counts in,
    # not the step (tests/test_problem_rows_name_files.py for the hand-worked rows)
    for county_dir in (runs["local"] / "counties").iterdir():
        man = json.loads((county_dir / "manifest.json").read_text(encoding="utf-8"))
        names = {Path(e["path"]).name for e in man["stages"]["screen"]["inputs"].values()}
        sheet = pd.read_excel(county_dir / "landgov.xlsx", sheet_name="问题记录", dtype=object)
        steps = sheet["源文件"].isin(["地企关联", "亩均评价", "亩均指标", "screening"])
        assert not steps.any(), sheet[steps]
        numbered = sheet.loc[sheet["行号"].notna(), "源文件"]
        assert set(numbered) <= names, (county_dir.name, set(numbered) - names)


def test_a_sheet_past_the_row_limit_is_split_not_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 6)  # 5 data rows per sheet
    frame = pd.DataFrame({"parcel_id": [f"P{k:02d}" for k in range(12)], "area_mu": range(12)})
    written = excel.write_workbook(
        [("底数清单", frame), ("问题记录", pd.DataFrame({"x": [1]}))], tmp_path / "a.xlsx"
    )
    assert written.splits == {"底数清单": ("底数清单", "底数清单（续2）", "底数清单（续3）")}
    assert written.note()["sheets_split"]["底数清单"][2] == "底数清单（续3）"
    book = load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames == ["底数清单", "底数清单（续2）", "底数清单（续3）", "问题记录"]
    ids = [
        c.value
        for name in book.sheetnames[:3]
        for (c,) in book[name].iter_rows(min_row=2, max_col=1)
    ]
    assert ids == list(frame["parcel_id"])  # every row once, in order
    assert "已拆分为 3 个工作表" in book["底数清单（续2）"]["A1"].comment.text


def test_province_manifest_names_the_split_county_sheets(
    province: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 101)  # 100 parcels per sheet
    sub = tmp_path / "one"
    sub.mkdir()
    index = json.loads((province / "province.json").read_text(encoding="utf-8"))
    index["counties"] = index["counties"][:1]
    shutil.copytree(province / "330604_上虞区", sub / "330604_上虞区")
    (sub / "province.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    man = run_province(sub, out_dir=tmp_path / "out", as_of=AS_OF).manifest["province"]
    split = man["counties"][0]["sheets_split"]
    assert split["底数清单"] == ["底数清单", "底数清单（续2）"]
    rows = man["counties"][0]["rows_out"]
    book = load_workbook(tmp_path / "out" / man["counties"][0]["folder"] / "landgov.xlsx")
    assert book["底数清单"].max_row - 1 + book["底数清单（续2）"].max_row - 1 == rows


# -- the command line: bad input gives 「错误：」, never a traceback ---------------------


def test_cli_screens_a_province_folder(province: Path, tmp_path: Path) -> None:
    sub = tmp_path / "one"
    sub.mkdir()
    index = json.loads((province / "province.json").read_text(encoding="utf-8"))
    index["counties"] = index["counties"][2:]
    shutil.copytree(province / "330824_开化县", sub / "330824_开化县")
    (sub / "province.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    result = run_cli("screen", sub, "-o", tmp_path / "out", "--as-of", AS_OF)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "330824 开化县：完成" in result.stdout
    assert "宗地输入 150 行 = 输出" in result.stdout and "EPSG:4490" in result.stdout
    # the default engine: one county runs here, and the run says why
    engine = _manifest(tmp_path / "out")["engine"]
    assert engine["name"] == "local" and engine["requested"] == "auto"
    assert f"计算引擎：{engine['chosen_because']}" in result.stdout
    # each county is judged by its own profile: the run does not announce the default one
    assert "各县（市、区）按省级配置所列的县级配置分别判定" in result.stderr
    assert "yuecheng-2022" not in result.stderr
    # ... and judged by it: 开化 330824 is mapped to zhejiang-2023, not the CLI's default profile
    layer = pd.read_parquet(tmp_path / "out" / "province.parquet", columns=["profile"])
    assert set(layer["profile"]) == {"zhejiang-2023"}


def test_cli_exits_non_zero_naming_each_failed_county_after_writing_the_others(
    province: Path, tmp_path: Path
) -> None:
    broken = _broken_copy(province, tmp_path / "broken")
    (broken / "330604_上虞区" / "enterprises.csv").unlink()  # a second county fails
    result = run_cli("screen", broken, "-o", tmp_path / "out", "--as-of", AS_OF)
    text = assert_clean_error(result, code=2, contains="2 个县（市、区）处理失败")
    needles = ("330922 嵊泗县", "parcels.parquet", "330604 上虞区", "enterprises.csv", "处理：")
    for needle in needles:
        assert needle in text, needle
    assert "330824 开化县：完成" in result.stdout  # the other county finished first
    man = _manifest(tmp_path / "out")  # and everything else was written
    assert [f["code"] for f in man["failed"]] == ["330604", "330922"]
    layer = gpd.read_parquet(tmp_path / "out" / "province.parquet")
    assert set(layer["county_code"]) == {"330824"} and man["rows"]["balanced"]
    assert (tmp_path / "out" / "province.xlsx").is_file()


def _index_with(province: Path, dest: Path, change: dict) -> Path:
    dest.mkdir()
    index = json.loads((province / "province.json").read_text(encoding="utf-8"))
    index["counties"] = [{**index["counties"][0], **change}]
    (dest / "province.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    return dest


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"code": "330199"}, "330199"),  # no such county
        ({"files": {"enterprises": "enterprises.csv"}}, "parcels"),  # parcels not named
        ({"files": {"parcels": "p.parquet", "enterprises": "e.csv", "roads": "r.shp"}}, "roads"),
    ],
)
def test_cli_bad_province_index(province: Path, tmp_path: Path, change: dict, needle: str) -> None:
    folder = _index_with(province, tmp_path / "bad", change)
    result = run_cli("screen", folder, "-o", tmp_path / "out")
    assert_clean_error(result, contains=needle)


def test_cli_bad_index_json_and_not_a_province(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "province.json").write_text("{not json", encoding="utf-8")
    assert_clean_error(run_cli("screen", tmp_path / "p", "-o", tmp_path / "o"), contains="JSON")
    (tmp_path / "d").mkdir()
    result = run_cli("screen", tmp_path / "d", "-o", tmp_path / "o")
    assert_clean_error(result, contains="province.json")
    assert_clean_error(run_cli("screen", "-o", tmp_path / "o"), contains="--parcels")


def test_cli_refuses_an_output_folder_it_did_not_write(province: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run_cli("screen", province, "-o", out)
    assert_clean_error(result, contains="不会写入或删除")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
