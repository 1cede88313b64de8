"""Tests of the simulated sample generator (landgov.sample) and the committed data/sample."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from landgov.errors import InputError
from landgov.ids import USCCStatus, check_parcel_code, check_uscc
from landgov.sample import generate
from landgov.sample.__main__ import main
from landgov.units import M2_PER_MU

N = 300
SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    out = {}
    for key, seed in (("a", 7), ("b", 7), ("c", 8)):
        d = tmp_path_factory.mktemp(f"sample_{key}")
        out[key] = (d, generate(d, n_parcels=N, seed=seed))
    return out


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _bad_rows(summary: dict, file: str) -> set[int]:
    return {int(r["row"]) for r in summary["bad_rows"] if r["file"] == file}


def _read_parcels(folder: Path) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(folder / "parcels.shp", encoding="GBK")


def _read_enterprises(folder: Path) -> pd.DataFrame:
    return pd.read_excel(folder / "enterprises.xlsx", header=2, dtype=str)


def test_same_seed_gives_identical_files_and_frames(runs):
    (da, _), (db, _) = runs["a"], runs["b"]
    assert _digests(da) == _digests(db)
    pd.testing.assert_frame_equal(_read_parcels(da), _read_parcels(db))
    pd.testing.assert_frame_equal(_read_enterprises(da), _read_enterprises(db))


def test_different_seed_differs(runs):
    (da, _), (dc, _) = runs["a"], runs["c"]
    pa, pc = _read_parcels(da), _read_parcels(dc)
    assert not pa["宗地面积"].equals(pc["宗地面积"])
    assert set(_read_enterprises(da)["统一社会信用代码"]).isdisjoint(
        _read_enterprises(dc)["统一社会信用代码"]
    )


def test_counts_in_range(runs):
    d, summary = runs["a"]
    c = summary["counts"]
    assert c["parcels"] == N == len(_read_parcels(d))
    assert c["townships"] == 6
    assert 0.7 * N <= c["enterprises"] <= 1.3 * N
    assert c["links"] >= c["enterprises"]
    assert c["compliance"] >= 30
    assert 10 <= c["applications"] <= 20
    assert c["demolition"] >= 3
    assert c["special_zones"] == 1
    assert len(_bad_rows(summary, "parcels.shp")) == 5
    assert len(_bad_rows(summary, "enterprises.xlsx")) == 10
    assert len(_bad_rows(summary, "links.xlsx")) == 2


def test_parcels_between_3_and_300_mu_except_bad_rows(runs):
    d, summary = runs["a"]
    p = _read_parcels(d)
    keep = ~(p.index + 1).isin(_bad_rows(summary, "parcels.shp"))
    mu = p.geometry[keep].area / M2_PER_MU
    assert mu.between(3, 300).all(), mu.describe()
    assert shapely.is_valid(p.geometry[keep].to_numpy()).all()
    # CGCS2000 GK CM 120E without zone prefix: 6-digit eastings around 120.6°E, 30.05°N
    minx, miny, maxx, maxy = p.geometry[keep].total_bounds
    assert 540_000 < minx < maxx < 580_000
    assert 3_300_000 < miny < maxy < 3_350_000


def test_bad_parcel_rows_are_what_the_readme_says(runs):
    d, summary = runs["a"]
    p = _read_parcels(d)
    problems = {
        int(r["row"]): str(r["problem"]) for r in summary["bad_rows"] if r["file"] == "parcels.shp"
    }
    kinds = sorted(problems.values())
    assert sum("自相交" in k for k in kinds) == 2
    for row, problem in problems.items():
        geom = p.geometry.iat[row - 1]
        if "自相交" in problem:
            assert not shapely.is_valid(geom)
        elif "空几何" in problem:
            assert geom is None
        elif "重复" in problem:
            assert (p["宗地代码"] == p["宗地代码"].iat[row - 1]).sum() == 2
        else:
            other = int(problem.split("第 ")[1].split(" 条")[0])
            overlap = shapely.intersection(geom, p.geometry.iat[other - 1]).area
            assert overlap > 0.1 * p.geometry.iat[other - 1].area


def test_every_parcel_lies_in_its_township(runs):
    d, summary = runs["a"]
    p = _read_parcels(d)
    p = p[~(p.index + 1).isin(_bad_rows(summary, "parcels.shp"))]
    towns = gpd.read_file(d / "townships.shp")
    assert set(towns["镇街"]) == {
        "斗门街道",
        "马山街道",
        "孙端街道",
        "陶堰街道",
        "皋埠街道",
        "沥海街道",
    }
    joined = gpd.sjoin(p, towns, predicate="within", how="left")
    assert len(joined) == len(p)
    assert (joined["镇街_left"] == joined["镇街_right"]).all()


def test_parcel_codes_are_valid(runs):
    d, _ = runs["a"]
    codes = _read_parcels(d)["宗地代码"]
    assert all(check_parcel_code(c).ok for c in codes)
    assert codes.str.startswith("330602").all()
    assert codes.str[12:14].eq("GB").all()


def test_usccs_valid_except_the_deliberate_ones(runs):
    d, summary = runs["a"]
    e = _read_enterprises(d)
    status = e["统一社会信用代码"].map(check_uscc)
    bad = {
        int(r["row"])
        for r in summary["bad_rows"]
        if r["file"] == "enterprises.xlsx"
        and r["problem"] != "企业在 links.xlsx 中没有任何关联宗地"
        and r["field"] == "统一社会信用代码"
    }
    assert len(bad) == 2
    rows = pd.Series(np.arange(1, len(e) + 1))
    assert (status[~rows.isin(bad).to_numpy()] == USCCStatus.VALID).all()
    assert sorted(status[rows.isin(bad).to_numpy()]) == sorted(
        [USCCStatus.MASKED, USCCStatus.BAD_CHECK]
    )
    assert e["统一社会信用代码"].is_unique


def test_above_scale_tax_per_mu_is_calibrated(runs):
    d, summary = runs["a"]
    e = _read_enterprises(d)
    above = e[e["规上/规下"] == "规上"]
    tax = pd.to_numeric(above["税收（万元）"], errors="coerce")
    land = pd.to_numeric(above["用地面积（亩）"], errors="coerce")
    assert 18 <= tax.sum() / land.sum() <= 24
    assert 0.05 <= (tax / land < 5).mean() <= 0.3
    assert 18 <= summary["calibration"]["above_scale_tax_per_mu"] <= 24


def test_enterprise_sheet_has_title_and_two_header_rows(runs):
    d, _ = runs["a"]
    raw = pd.read_excel(d / "enterprises.xlsx", header=None, nrows=4, dtype=str)
    assert raw.iat[0, 0] == "越城区、滨海新区工业企业亩均效益数据（模拟数据）"
    assert list(raw.iloc[1].dropna()) == ["基本信息", "经济指标", "能耗排放", "其他"]
    assert raw.iat[2, 0] == "统一社会信用代码"
    assert raw.iloc[3].notna().sum() > 10  # data right below the header, no blank row


def test_dbf_is_gbk_without_cpg(runs):
    d, _ = runs["a"]
    assert not (d / "parcels.cpg").exists()
    raw = (d / "parcels.dbf").read_bytes()
    n_records, header_len, record_len = struct.unpack("<IHH", raw[4:12])
    assert n_records == N
    names = [raw[32 + 32 * k : 32 + 32 * k + 11].split(b"\0")[0] for k in range(12)]
    assert "宗地代码".encode("gbk") in names
    assert all(len(n) <= 10 for n in names)
    record = raw[header_len : header_len + record_len]
    text = record.decode("gbk")
    assert any(use in text for use in ("工业用地", "仓储用地", "商服用地", "公用设施用地"))
    with pytest.raises(UnicodeDecodeError):
        record.decode("utf-8")
    for name in ("townships", "planning", "demolition", "special_zones"):
        assert (d / f"{name}.cpg").read_text() == "GBK"


def test_prj_names_the_gk_zone(runs):
    d, _ = runs["a"]
    for name in ("parcels", "townships", "planning", "demolition", "special_zones"):
        assert (d / f"{name}.prj").read_text().startswith('PROJCS["CGCS2000_3_Degree_GK_CM_120E"')


def test_buildings_and_height_raster(runs):
    import rasterio

    d, _ = runs["a"]
    b = gpd.read_file(d / "buildings.gpkg", layer="buildings")
    assert {"宗地代码", "层数", "层高", "建筑高度"} <= set(b.columns)
    assert (b["层高"] > 8).any()
    with rasterio.open(d / "height.tif") as src:
        assert src.crs.to_epsg() == 4549
        assert src.res == (5.0, 5.0)
        assert src.nodata == 0
        assert src.dtypes[0] == "float32"
        assert src.compression.name.lower() == "deflate"
        assert 0 < src.read(1).max() < 60


def test_links_and_applications(runs):
    d, summary = runs["a"]
    links = pd.read_excel(d / "links.xlsx", dtype=str)
    assert list(links.columns) == ["宗地代码", "统一社会信用代码", "关系", "使用面积（平方米）"]
    assert set(links["关系"]) == {"自有", "租用"}
    parcels = set(_read_parcels(d)["宗地代码"])
    assert (~links["宗地代码"].isin(parcels)).sum() == 1
    apps = pd.read_excel(d / "applications.xlsx", dtype=str)
    assert apps["宗地代码"].isin(parcels).all()
    assert {"above15", "below15", "standard"} <= {a["_case"] for a in summary["applications"]}


def test_bench_format(tmp_path):
    summary = generate(tmp_path, n_parcels=200, seed=3, formats="bench")
    p = gpd.read_parquet(tmp_path / "parcels.parquet")
    assert len(p) == 200
    assert p.crs.to_epsg() == 4549
    assert (tmp_path / "enterprises.csv").exists()
    assert summary["formats"] == "bench"


def test_cli(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--parcels", "150", "--seed", "5"]) == 0
    assert "已生成模拟数据" in capsys.readouterr().out
    assert (tmp_path / "parcels.shp").exists()


def test_bad_options_are_reported_together(tmp_path):
    with pytest.raises(InputError) as err:
        generate(tmp_path, n_parcels=5, formats="xls", as_of="30/06/2026")
    text = str(err.value)
    assert "n_parcels" in text and "formats" in text and "as_of" in text


@pytest.mark.skipif(not (SAMPLE_DIR / "parcels.shp").exists(), reason="no committed sample")
def test_committed_sample():
    size = sum(p.stat().st_size for p in SAMPLE_DIR.iterdir())
    assert size < 15 * 1024 * 1024
    assert not (SAMPLE_DIR / "parcels.cpg").exists()
    p = _read_parcels(SAMPLE_DIR)
    assert 2000 <= len(p) <= 3000
    e = _read_enterprises(SAMPLE_DIR)
    assert len(e) >= 2000
    readme = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    assert "模拟数据" in readme and "--seed 20221231" in readme
