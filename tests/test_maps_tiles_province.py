"""The tiled map of a province run (``landgov screen PROVINCE_DIR``): 地市, 区县 and 镇街 levels.

One small province (2 counties of 绍兴 and 1 of 杭州, 120 parcels each) is generated and screened
once; the map is built from its run folder as ``landgov map`` does.
"""

from __future__ import annotations

import gzip
import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from _cli import assert_clean_error, run_cli

from landgov.errors import DataFileError
from landgov.maps.tiles import build_tiles
from landgov.maps.tiles._province import is_province_run, load_province, target_status
from landgov.province import generate_province, run_province

CODES = ["330602", "330603", "330106"]  # 越城区, 柯桥区 (绍兴市), 西湖区 (杭州市)


@pytest.fixture(scope="module")
def province_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prov")
    generate_province(root / "in", n_parcels=360, counties=CODES, seed=11)
    run_province(root / "in", out_dir=root / "run", as_of="2026-06-30")
    return root / "run"


@pytest.fixture(scope="module")
def folder(province_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiles(province_run, tmp_path_factory.mktemp("map") / "全省").path


def _features(folder: Path, name: str) -> list[dict]:
    return json.loads((folder / f"data/{name}.geojson").read_text(encoding="utf-8"))["features"]


def test_manifest_carries_the_county_and_city_summaries(province_run: Path) -> None:
    section = json.loads((province_run / "manifest.json").read_text(encoding="utf-8"))["province"]
    counties = {r["county"]: r for r in section["summary"]["counties"]}
    cities = {r["city"]: r for r in section["summary"]["cities"]}
    assert set(counties) == {"越城区", "柯桥区", "西湖区"}
    assert set(cities) == {"绍兴市", "杭州市", "全省"}
    assert cities["全省"]["n_parcels"] == sum(r["n_parcels"] for r in counties.values())
    assert counties["越城区"]["tax_per_mu_target"] is not None


def test_missing_texts_stay_missing_in_the_province_layer_and_the_legend(
    province_run: Path, folder: Path
) -> None:
    parcels = pd.read_parquet(province_run / "province.parquet")
    texts = parcels.drop(columns="geometry").select_dtypes(exclude="number").astype(object)
    assert not (texts == "nan").any().any()  # pandas' NaN of a str column is no text
    assert parcels["path"].isna().any()
    page = (folder / "index.html").read_text(encoding="utf-8")
    config = json.loads(page.split('id="lg-config">')[1].split("</script>")[0])
    path = next(t for t in config["themes"] if t["key"] == "path")
    labels = {i["label"]: i["count"] for i in path["legend"]}
    # the plots without a path are counted under their screening status, never as 「nan」
    # (筛查待核实 where a borrowed 示例规则 threshold cannot decide 不列入 on its own)
    assert "nan" not in labels and labels["筛查待核实"] + labels["不列入治理清单"] > 0
    assert labels["筛查待核实"] + labels["不列入治理清单"] == int(parcels["path"].isna().sum())


def test_every_parcel_is_in_the_archive_and_the_search_index(
    province_run: Path, folder: Path
) -> None:
    parcels = pd.read_parquet(province_run / "province.parquet", columns=["parcel_id"])
    tiles = pyogrio.read_dataframe(folder / "parcels.pmtiles", layer="parcels")
    drawable = len(load_province(province_run).run.parcels.geometry.dropna())
    assert tiles["i"].nunique() == drawable
    lines = gzip.decompress((folder / "data/search.tsv.gz").read_bytes()).decode().splitlines()
    assert {ln.split("\t")[1] for ln in lines} <= set(parcels["parcel_id"])
    assert len(lines) == drawable


def test_counties_show_their_totals_against_their_own_targets(
    province_run: Path, folder: Path
) -> None:
    section = json.loads((province_run / "manifest.json").read_text(encoding="utf-8"))["province"]
    expected = {r["county"]: r for r in section["summary"]["counties"]}
    props = {f["properties"]["county"]: f["properties"] for f in _features(folder, "counties")}
    assert set(props) == set(expected)
    for name, p in props.items():
        row = expected[name]
        assert p["n_parcels"] == row["n_parcels"]
        target = row["tax_per_mu_target"]  # a number, or 无目标 (then no number on the map)
        if isinstance(target, str):
            assert "tax_per_mu_target" not in p and p["target_status"] == "无目标"
        else:
            assert p["tax_per_mu_target"] == pytest.approx(target, abs=0.01)
        assert p["target_status"] == target_status(row["tax_per_mu_above_scale"], target)
        assert p["_label"] == name and p["city"] == row["city"]


def test_cities_against_the_province_targets_and_townships_per_county(
    province_run: Path, folder: Path
) -> None:
    cities = {f["properties"]["city"]: f["properties"] for f in _features(folder, "cities")}
    assert set(cities) == {"绍兴市", "杭州市"}  # 全省 is the panel, not a polygon
    assert "全省目标" in cities["绍兴市"]["target_scope"]
    towns = _features(folder, "townships")
    assert {f["properties"]["county"] for f in towns} == {"越城区", "柯桥区", "西湖区"}
    page = (folder / "index.html").read_text(encoding="utf-8")
    config = json.loads(page.split('id="lg-config">')[1].split("</script>")[0])
    assert config["panel"]["heading"] == "全域概况"
    # titled after the province, marked 模拟数据, never after the run folder
    assert config["title"] == "浙江省工业用地治理云图（模拟数据）", config["title"]
    assert "zhejiang-province-2023" in config["subtitle"], config["subtitle"]
    assert any(r["label"].startswith("规上亩均税收") for r in config["panel"]["rows"])
    legend = config["levelLegend"]
    assert sum(i["count"] for i in legend["items"]) == 3
    assert {i["label"] for i in legend["items"]} >= {"未达目标", "无目标"}  # 越城 has a target
    assert {"cities", "counties", "townships"} <= set(config["overlays"])
    assert "地名" in config["search"]["hint"]


@pytest.mark.parametrize(
    ("now", "target", "status"),
    [
        (41.6, 41.6, "已达目标"),
        (20.0, 41.6, "未达目标"),
        (20.0, None, "无目标"),
        (20.0, "无目标", "无目标"),
        (math.nan, 41.6, "待核实"),
        (None, 41.6, "待核实"),
    ],
)
def test_target_status(now: object, target: object, status: str) -> None:
    assert target_status(now, target) == status


def test_a_run_without_summaries_still_maps_with_a_note(province_run: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(province_run, old)
    manifest = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    del manifest["province"]["summary"]
    (old / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    result = build_tiles(old, tmp_path / "map")
    assert any("旧版" in n for n in result.notes)
    props = {f["properties"]["county"]: f["properties"] for f in _features(result.path, "counties")}
    assert set(props) == {"越城区", "柯桥区", "西湖区"}


def test_cli_maps_a_province_run_as_tiles(province_run: Path, tmp_path: Path) -> None:
    assert is_province_run(province_run) and not is_province_run(tmp_path)
    out = tmp_path / "云图"
    result = run_cli("map", str(province_run), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "已生成瓦片地图" in result.stdout and (out / "data/counties.geojson").is_file()


def test_cli_refuses_a_static_or_html_province_map(province_run: Path, tmp_path: Path) -> None:
    assert_clean_error(
        run_cli("map", str(province_run), "--static", "png", "--out", str(tmp_path / "a.png")),
        contains="只能输出瓦片地图",
    )
    assert_clean_error(
        run_cli("map", str(province_run), "--out", str(tmp_path / "a.html")),
        contains="文件夹",
    )


def test_cli_refuses_a_changed_province_run(province_run: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(province_run, changed)
    with (changed / "province.parquet").open("ab") as handle:
        handle.write(b"x")
    assert_clean_error(
        run_cli("map", str(changed), "--out", str(tmp_path / "m")), contains="province"
    )


def test_a_damaged_county_file_is_named_and_the_other_counties_still_drawn(
    province_run: Path, tmp_path: Path
) -> None:
    """A county's 镇街 file damaged after the run (its hash resealed or never checked): the map
    names the county, the file and 「无法读取」; it no longer says the layer is absent."""
    damaged = tmp_path / "damaged"
    shutil.copytree(province_run, damaged)
    section = json.loads((damaged / "manifest.json").read_text(encoding="utf-8"))["province"]
    entry = next(e for e in section["counties"] if e["name"] == "柯桥区")
    towns = damaged / entry["folder"] / "landgov_townships.parquet"
    towns.write_bytes(towns.read_bytes()[:500])
    result = load_province(damaged)
    [note] = [n for n in result.notes if n.startswith("柯桥区：")]
    assert "landgov_townships.parquet" in note and "无法读取" in note, note
    assert set(result.townships["county"]) == {"越城区", "西湖区"}


def test_a_damaged_province_layer_is_a_clean_error(province_run: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged"
    shutil.copytree(province_run, damaged)
    parquet = damaged / "province.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-2000])
    with pytest.raises(DataFileError, match=r"province\.parquet 无法读取（不是完整的 Parquet"):
        load_province(damaged)
