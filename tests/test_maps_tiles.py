"""The tiled map (``landgov map --tiles``) and its server (``landgov serve``), without a browser.

The archive is read back with GDAL (every parcel present exactly once at the street zoom), the
look-up files are decompressed and compared with the run, and the Range server is exercised
over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from _cli import assert_clean_error, run_cli
from _mapfixtures import RunFacts, write_run

from landgov.errors import DataFileError
from landgov.maps.tiles import build_tiles
from landgov.maps.tiles._build import CHUNK
from landgov.maps.tiles.serve import make_server, parse_range


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunFacts:
    return write_run(tmp_path_factory.mktemp("tiles") / "柯桥示例", n_side=6)


@pytest.fixture(scope="module")
def folder(run: RunFacts, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiles(run.path, tmp_path_factory.mktemp("out") / "tiles").path


def _texts(folder: Path) -> str:
    """Every file of the folder except the vendored libraries, decompressed, as one text."""
    parts = []
    for file in sorted(folder.rglob("*")):
        if not file.is_file() or file.parent.name == "lib":
            continue
        data = file.read_bytes()
        if file.suffix == ".gz":
            data = gzip.decompress(data)
        parts.append(data.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def _archive(folder: Path) -> gpd.GeoDataFrame:
    """The parcels of the street-zoom tiles (zoom 14), one row per tile piece."""
    return gpd.read_file(folder / "parcels.pmtiles", layer="parcels", engine="pyogrio")


def test_archive_holds_every_parcel_with_its_theme_classes(run: RunFacts, folder: Path) -> None:
    tiles = _archive(folder)
    assert set(tiles["i"]) == set(range(run.n_parcels))
    assert {"t_tax", "t_grade", "t_path", "t_far"} <= set(tiles.columns)
    assert not {"holder", "enterprise_names", "usccs", "tax_wan"} & set(tiles.columns)
    meta = pyogrio.read_info(folder / "parcels.pmtiles", layer="parcels")
    assert meta["features"] >= run.n_parcels


def test_attribute_chunks_and_search_index_cover_every_row(run: RunFacts, folder: Path) -> None:
    parcels = gpd.read_file(run.path / "landgov.gpkg", layer="parcels")
    chunks = sorted((folder / "data").glob("attrs-*.json.gz"))
    assert len(chunks) == -(-run.n_parcels // CHUNK)
    rows = json.loads(gzip.decompress(chunks[0].read_bytes()))
    assert rows["start"] == 0
    assert rows["columns"]["parcel_id"] == parcels["parcel_id"].tolist()
    assert rows["columns"]["area_mu"][3] == round(float(parcels["area_mu"][3]), 2)
    lines = gzip.decompress((folder / "data/search.tsv.gz").read_bytes()).decode().splitlines()
    assert len(lines) == run.n_parcels
    first = lines[0].split("\t")
    assert first[0] == "0" and first[1] == parcels["parcel_id"][0]
    assert run.names[0] in first[2]
    assert 120 < float(first[3]) < 121 and 29.9 < float(first[4]) < 30.1


def test_page_names_only_its_own_files_and_keeps_the_csp(folder: Path) -> None:
    page = html.unescape((folder / "index.html").read_text(encoding="utf-8"))
    assert "default-src 'none'" in page and "script-src 'self'" in page
    refs = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert refs and all(r.startswith("lib/") or r == "data:," for r in refs)
    for ref in refs:
        if ref.startswith("lib/"):
            assert (folder / ref).is_file()
    assert (folder / "lib/LICENSE-maplibre-gl.txt").is_file()
    assert (folder / "lib/LICENSE-pmtiles.txt").is_file()
    assert "sourceMappingURL" not in (folder / "lib/maplibre-gl-csp.js").read_text("utf-8")
    assert "landgov serve" in page  # the message shown when opened from disk


def test_redacted_folder_holds_no_names_codes_or_money(run: RunFacts, tmp_path: Path) -> None:
    plain = _texts(build_tiles(run.path, tmp_path / "plain").path)
    result = build_tiles(run.path, tmp_path / "red", redact=True)
    text = _texts(result.path) + json.dumps(
        _archive(result.path).drop(columns="geometry").to_dict()
    )
    assert result.redacted and "脱敏" in text
    for secret in (*run.names, *run.holders, *run.usccs):
        assert secret in plain  # the check below can fail
        assert secret not in text, secret
    money = {f"{v:.2f}" for v in run.money} - {f"{v:.2f}" for v in run.other_numbers}
    assert money & set(re.findall(r"\d+\.\d+", plain))
    assert not money & set(re.findall(r"\d+\.\d+", text))
    assert "tax" not in result.themes
    # 宗地代码 (search file, attributes, 连片 lists) are 「地块 0001」 labels
    codes = gpd.read_file(run.path / "landgov.gpkg", layer="parcels")["parcel_id"]
    assert all(code in plain for code in codes)
    assert not [code for code in codes if code in text]
    assert "地块 0001" in text and "搜索地块序号" in text


def test_county_column_adds_county_totals(run: RunFacts, tmp_path: Path) -> None:
    parcels = gpd.read_file(run.path / "landgov.gpkg", layer="parcels")
    parcels["county"] = ["柯桥区" if i % 3 else "越城区" for i in range(len(parcels))]
    path = tmp_path / "province"
    path.mkdir()
    parcels.to_file(path / "landgov.gpkg", layer="parcels", engine="pyogrio")
    folder = build_tiles(path, tmp_path / "tiles").path
    counties = json.loads((folder / "data/counties.geojson").read_text(encoding="utf-8"))
    totals = {f["properties"]["county"]: f["properties"]["n_parcels"] for f in counties["features"]}
    assert totals == parcels["county"].value_counts().to_dict()
    config = (folder / "index.html").read_text(encoding="utf-8")
    assert "全域概况" in config and "data/counties.geojson" in config


def test_refuses_a_folder_holding_other_files(run: RunFacts, tmp_path: Path) -> None:
    (tmp_path / "mine.docx").write_bytes(b"x")
    with pytest.raises(DataFileError, match="已有其他文件"):
        build_tiles(run.path, tmp_path)
    assert (tmp_path / "mine.docx").read_bytes() == b"x"
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(DataFileError, match="是一个文件"):
        build_tiles(run.path, target)


def test_rebuilding_replaces_an_earlier_tile_map(run: RunFacts, tmp_path: Path) -> None:
    first = build_tiles(run.path, tmp_path / "t")
    (first.path / "data" / "attrs-99.json.gz").write_bytes(b"stale")
    again = build_tiles(run.path, tmp_path / "t", redact=True)
    assert not (again.path / "data" / "attrs-99.json.gz").exists()
    assert again.redacted


# ---- the Range server -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-9", (0, 9)),
        ("bytes=5-", (5, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=90-200", (90, 99)),
        ("bytes=100-", False),
        ("bytes=20-10", False),
        ("bytes=-0", False),
        ("bytes=0-1,5-6", None),
        ("items=0-9", None),
        ("bytes=-", None),
    ],
)
def test_parse_range(header: str | None, expected: object) -> None:
    assert parse_range(header, 100) == expected


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "index.html").write_text("<p>地图</p>", encoding="utf-8")
    (tmp_path / "blob.pmtiles").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "sub").mkdir()
    srv = make_server(tmp_path, port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def _get(url: str, rng: str | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Range": rng} if rng else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_server_answers_ranges(server: str) -> None:
    whole = bytes(range(256)) * 4
    status, headers, body = _get(f"{server}/blob.pmtiles", "bytes=10-19")
    assert (status, body) == (206, whole[10:20])
    assert headers["Content-Range"] == "bytes 10-19/1024"
    assert headers["Content-Length"] == "10"
    status, headers, body = _get(f"{server}/blob.pmtiles", "bytes=-4")
    assert (status, body, headers["Content-Range"]) == (206, whole[-4:], "bytes 1020-1023/1024")
    status, headers, body = _get(f"{server}/blob.pmtiles")
    assert (status, body, headers["Accept-Ranges"]) == (200, whole, "bytes")
    status, headers, _ = _get(f"{server}/blob.pmtiles", "bytes=2000-")
    assert (status, headers["Content-Range"]) == (416, "bytes */1024")


def test_server_serves_the_page_and_lists_no_folder(server: str) -> None:
    status, _, body = _get(f"{server}/")
    assert status == 200 and "地图" in body.decode("utf-8")
    assert _get(f"{server}/sub/")[0] == 404
    assert _get(f"{server}/missing.js")[0] == 404
    assert _get(f"{server}/../../etc/passwd")[0] == 404


# ---- the command line -------------------------------------------------------------------------


def test_cli_writes_tiles_and_says_how_to_open_them(run: RunFacts, tmp_path: Path) -> None:
    out = tmp_path / "云图"
    result = run_cli("map", str(run.path), "--tiles", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "已生成瓦片地图" in result.stdout and "landgov serve" in result.stdout
    assert (out / "index.html").is_file() and (out / "parcels.pmtiles").is_file()


def test_cli_switches_to_tiles_above_the_limit(run: RunFacts, tmp_path: Path) -> None:
    result = run_cli("map", str(run.path), "--max-parcels", "5", "--out", str(tmp_path / "big"))
    assert result.returncode == 0, result.stderr
    assert "改为输出瓦片地图" in result.stdout
    assert (tmp_path / "big" / "parcels.pmtiles").is_file()


def test_serve_rejects_a_folder_without_a_map(tmp_path: Path) -> None:
    assert_clean_error(run_cli("serve", str(tmp_path)), contains="没有 index.html")
    assert_clean_error(run_cli("serve", str(tmp_path / "nowhere")), contains="nowhere")


def test_serve_names_a_busy_port(folder: Path) -> None:
    srv = make_server(folder, port=0)
    try:
        port = str(srv.server_address[1])
        assert_clean_error(run_cli("serve", str(folder), "--port", port), contains="--port")
    finally:
        srv.server_close()


def test_parallel_archive_equals_the_single_process_one(tmp_path: Path) -> None:
    import sys

    from pmtiles.reader import MmapSource, all_tiles

    from landgov.maps.tiles._archive import MINZOOM, start_archive, write_archive

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from bench_maps import generate_parcels

    frame = generate_parcels(2000)[["geometry"]]
    frame.geometry = frame.geometry.scale(5, 5, origin=(540_000, 3_305_000))  # spans columns
    frame = frame.to_crs(4326)
    frame.geometry = frame.geometry.make_valid()  # as build_tiles does: GDAL drops invalid ones
    frame["i"] = range(len(frame))

    def tiles(path: Path) -> dict:
        with path.open("rb") as handle:
            return dict(all_tiles(MmapSource(handle)))

    one = tiles(write_archive(frame, tmp_path / "one.pmtiles", workers=1))
    two = tiles(write_archive(frame, tmp_path / "two.pmtiles", workers=2))
    assert len({x >> (z - MINZOOM) for z, x, _ in two}) > 1  # the run spans several columns
    assert one.keys() == two.keys()
    assert one == two
    merged = gpd.read_file(tmp_path / "two.pmtiles", layer="parcels", engine="pyogrio")
    assert set(merged["i"]) == set(range(len(frame)))
    # an archive abandoned before it is finished leaves neither parts nor a file behind
    before = set(tmp_path.iterdir())
    with start_archive(frame, tmp_path / "gone.pmtiles", workers=2):
        pass
    assert set(tmp_path.iterdir()) == before


def test_invalid_parcel_is_drawn_repaired_and_noted(run: RunFacts, tmp_path: Path) -> None:
    from shapely.geometry import Polygon

    parcels = gpd.read_file(run.path / "landgov.gpkg", layer="parcels")
    x, y = parcels.geometry[0].bounds[:2]
    parcels.loc[0, "geometry"] = Polygon([(x, y), (x + 60, y + 60), (x + 60, y), (x, y + 60)])
    path = tmp_path / "bowtie"
    path.mkdir()
    parcels.to_file(path / "landgov.gpkg", layer="parcels", engine="pyogrio")
    result = build_tiles(path, tmp_path / "tiles")
    assert 0 in set(_archive(result.path)["i"])
    assert any("图形无效" in n for n in result.notes)


def test_server_shrugs_off_a_client_that_hangs_up(
    server: str, capfd: pytest.CaptureFixture[str]
) -> None:
    import socket
    from urllib.parse import urlsplit

    host, port = urlsplit(server).hostname, urlsplit(server).port
    for _ in range(3):
        with socket.create_connection((host, port), timeout=5) as sock:
            sock.sendall(b"GET /blob.pmtiles HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
    assert _get(f"{server}/blob.pmtiles", "bytes=0-3")[0] == 206
    assert "Traceback" not in capfd.readouterr().err
