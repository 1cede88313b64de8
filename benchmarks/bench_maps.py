"""Benchmark: landgov's briefing map against GeoDataFrame.explore() on the same parcels.

Generates N irregular parcels with every column of the screening contract (vectorised, seeded),
builds our map and explore()'s from the same GeoDataFrame in one run, and prints a table:
HTML sizes, their ratio, build seconds, and the time headless Chromium takes from navigation
to the first frame after our parcel layer is drawn (``landgovMap.firstFrameMs``): "draw ms"
is the first load in a fresh browser profile, "warm ms" the median of three reloads.
explore()'s page cannot be drawn offline (it loads Leaflet from CDNs), so only its size and
build time are measured.

    .venv/bin/python benchmarks/bench_maps.py                 # 50,000 and 200,000 parcels
    .venv/bin/python benchmarks/bench_maps.py --sizes 1000,50000 --no-browser

Targets (issue 5): our HTML ≤ 40 % of explore()'s; drawn in < 2 s (50k) and < 6 s (200k).

The tiled map (issue 12), for a province-sized run::

    flock /tmp/heavy.lock .venv/bin/python benchmarks/bench_maps.py --tiles 1000000
    flock /tmp/heavy.lock .venv/bin/python benchmarks/bench_maps.py --tiles 0 --run out/province

writes the tile folder (time to cut the archive, its size), serves it with ``landgov serve``'s
Range server and opens it in headless Chromium with software WebGL (SwiftShader): time from
navigation to the first idle frame (every tile in view loaded and drawn) at the opening
(province) view and at a street zoom (15) in the middle, and at that street view the parcels
``queryRenderedFeatures`` returns against the parcels whose geometry meets the view.
Targets: tiles ≤ 3 min on 2 cores, each first frame < 3 s, every parcel in view rendered.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the selenium helper shared with the browser tests

from landgov.maps import build_map, load_run  # noqa: E402

PATHS = np.array(["拆除重建", "整治提升", "功能转型", "关停退出"], dtype=object)
TOWNS = np.array(
    ["柯岩街道", "华舍街道", "齐贤街道", "安昌街道", "马鞍街道", "钱清街道"], dtype=object
)

COUNTIES = np.array(["柯桥区", "越城区", "上虞区"], dtype=object)  # bands, for the county level


def generate_parcels(n: int, *, seed: int = 20221231) -> gpd.GeoDataFrame:
    """``n`` irregular 5–8-vertex parcels on a jittered grid near 绍兴 (EPSG:4549)."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    idx = np.arange(n)
    cx = 540_000.0 + (idx % side) * 130.0 + rng.uniform(-10, 10, n)
    cy = 3_305_000.0 + (idx // side) * 130.0 + rng.uniform(-10, 10, n)
    k = rng.integers(5, 9, n)
    kmax = 8
    ang = np.sort(rng.uniform(0, 2 * np.pi, (n, kmax)), axis=1)
    rad = rng.uniform(35, 60, (n, 1)) * rng.uniform(0.8, 1.2, (n, kmax))
    xs = cx[:, None] + rad * np.cos(ang)
    ys = cy[:, None] + rad * np.sin(ang)
    keep = np.arange(kmax)[None, :] < k[:, None]
    coords = np.column_stack([xs[keep], ys[keep]])
    rings = shapely.linearrings(coords, indices=np.repeat(idx, k))
    geoms = shapely.polygons(rings)
    area_m2 = shapely.area(geoms)
    area_mu = area_m2 * 15 / 10000
    tax = np.round(rng.lognormal(3.0, 1.0, n), 2)
    low = tax / area_mu < 5
    path = np.where(low, PATHS[idx % 4], None)
    names = pd.Series([f"绍兴市柯桥区测试{i:06d}纺织有限公司" for i in idx])
    usccs = pd.Series([f"91330621{i:09d}X" for i in idx])
    frame = pd.DataFrame(
        {
            "parcel_id": [f"330603{i // 100000:03d}001GB{i % 100000:05d}" for i in idx],
            "township": TOWNS[(idx % side) * len(TOWNS) // side],
            "holder": names,
            "land_use": "工业用地",
            "right_type": "出让",
            "area_m2": area_m2,
            "area_mu": area_mu,
            "floor_area_m2": np.round(area_m2 * rng.uniform(0.3, 1.8, n), 1),
            "far": np.round(rng.uniform(0.3, 1.8, n), 2),
            "enterprise_names": names,
            "usccs": usccs,
            "n_enterprises": 1,
            "tax_wan": tax,
            "value_added_wan": np.round(tax * 4.3, 2),
            "tax_per_mu": tax / area_mu,
            "value_added_per_mu": tax * 4.3 / area_mu,
            "grade": np.array(["A", "B", "C", "D"], dtype=object)[rng.integers(0, 4, n)],
            "low_efficiency": low,
            "flags": np.where(low, "低效用地", None),
            "screening_status": np.where(low, "治理", "不列入"),
            "path": path,
            "path_status": np.where(low, "符合", None),
            "reasons": np.where(low, "亩均税收低于 5 万元/亩 [001 三(一)1]", None),
            "citations": np.where(low, "[001 三(一)1]", None),
            "missing": None,
            "block_id": pd.array([None] * n, dtype="Int64"),
        }
    )
    return gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4549")


def write_run(parcels: gpd.GeoDataFrame, path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    parcels.to_file(path / "landgov.gpkg", layer="parcels", engine="pyogrio")
    manifest = {"profile": {"name": "bench", "version": "0"}, "data_date": "2025-12-31"}
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return path


def draw_ms(page: Path, *, repeats: int = 3) -> tuple[float, float]:
    """(first load in a fresh profile, median of ``repeats`` reloads), navigation → drawn."""
    from _browser import chromium_driver, wait_drawn

    times = []
    with chromium_driver() as driver:
        for _ in range(1 + repeats):
            driver.get("about:blank")
            driver.get(page.as_uri())
            state = wait_drawn(driver, timeout=120)
            if state["errors"] or state["drawn"] != state["parcelCount"]:
                raise RuntimeError(f"page did not draw every parcel: {state}")
            times.append(float(state["firstFrameMs"]))
    return times[0], float(np.median(times[1:]))


def bench(n: int, work: Path, *, explore: bool, browser: bool) -> dict[str, float | int | None]:
    parcels = generate_parcels(n)
    run = load_run(write_run(parcels, work / f"run{n}"))
    t0 = time.perf_counter()
    ours = build_map(run).save(work / f"ours{n}.html")
    t_ours = time.perf_counter() - t0
    row: dict[str, float | int | None] = {
        "n": n,
        "ours_mb": ours.stat().st_size / 1e6,
        "ours_s": t_ours,
        "explore_mb": None,
        "explore_s": None,
        "draw_ms": None,
        "warm_ms": None,
    }
    if explore:
        t0 = time.perf_counter()
        target = work / f"explore{n}.html"
        run.parcels.explore().save(str(target))
        row["explore_s"] = time.perf_counter() - t0
        row["explore_mb"] = target.stat().st_size / 1e6
    if browser:
        row["draw_ms"], row["warm_ms"] = draw_ms(ours)
    return row


def bench_folium(n: int, work: Path) -> dict[str, float]:
    """Our single-file page against landgov.maps.folium_map on the same ``n`` parcels."""
    import dataclasses

    from _browser import chromium_driver

    from landgov.maps import DEFAULT_STYLE, folium_map

    run = load_run(write_run(generate_parcels(n), work / f"frun{n}"))
    t0 = time.perf_counter()
    ours = build_map(run).save(work / f"ours{n}.html")
    ours_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    style = dataclasses.replace(DEFAULT_STYLE, max_parcels=max(n, 1))
    target = work / f"folium{n}.html"
    folium_map(run, style=style).save(str(target))
    folium_s = time.perf_counter() - t0
    ours_ms, _ = draw_ms(ours, repeats=1)
    with chromium_driver() as driver:
        driver.get("about:blank")
        driver.get(target.as_uri())  # scripts run before load; one frame more draws the canvas
        folium_ms = driver.execute_async_script(
            "var done = arguments[0]; requestAnimationFrame(function () {"
            " requestAnimationFrame(function () { done(performance.now()); }); });"
        )
    return {
        "n": n,
        "ours_mb": ours.stat().st_size / 1e6,
        "folium_mb": target.stat().st_size / 1e6,
        "ours_s": ours_s,
        "folium_s": folium_s,
        "ours_ms": ours_ms,
        "folium_ms": float(folium_ms),
    }


WEBGL = ("--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist")


def _first_idle(driver: object, url: str) -> float:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get("about:blank")  # type: ignore[attr-defined]
    driver.get(url)  # type: ignore[attr-defined]
    WebDriverWait(driver, 300, poll_frequency=0.05).until(
        lambda d: d.execute_script(
            "var m = window.landgovTiles;"
            " return !!(m && (m.errors.length || (m.ready && m.firstIdleMs !== undefined)))"
        )
    )
    state = driver.execute_script(  # type: ignore[attr-defined]
        "return {e: landgovTiles.errors, t: landgovTiles.firstIdleMs}"
    )
    if state["e"]:
        raise RuntimeError(f"tile map failed: {state['e']}")
    return float(state["t"])


def _in_view(lonlat: gpd.GeoSeries, box: list[float]) -> set[int]:
    hits = lonlat.sindex.query(shapely.box(*box), predicate="intersects")
    return {int(i) for i in hits}


def bench_tiles(run_dir: Path, work: Path) -> dict[str, float | int]:
    """Build, serve and open the tile map of ``run_dir``; the figures of issue 12 item 3."""
    import resource
    import threading

    from _browser import chromium_driver

    from landgov.maps.tiles import build_tiles
    from landgov.maps.tiles._province import is_province_run, load_province
    from landgov.maps.tiles.serve import make_server

    def cpu() -> float:  # this process and its finished children (the tile writers)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + kids.ru_utime + kids.ru_stime

    t0, c0 = time.perf_counter(), cpu()
    result = build_tiles(run_dir, work / "tiles")
    total_s, cpu_s = time.perf_counter() - t0, cpu() - c0
    folder_mb = sum(f.stat().st_size for f in result.path.rglob("*") if f.is_file()) / 1e6
    if is_province_run(run_dir):  # landgov screen PROVINCE_DIR: province.parquet, EPSG:4490
        parcels = load_province(run_dir).run.parcels.reset_index(drop=True)
    else:
        parcels = load_run(run_dir).parcels.reset_index(drop=True)
    lonlat = parcels.geometry.to_crs(4490)
    srv = make_server(result.path, port=0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/index.html"
    points = lonlat.representative_point()  # the street view opens on a parcel: the one
    mx, my = float(np.median(points.x)), float(np.median(points.y))  # nearest the median point
    near = int(np.argmin((points.x.to_numpy() - mx) ** 2 + (points.y.to_numpy() - my) ** 2))
    cx, cy = float(points.x.iloc[near]), float(points.y.iloc[near])  # (a province has gaps)
    try:
        with chromium_driver(extra_args=WEBGL) as driver:
            _first_idle(driver, url)  # warm the HTTP and shader caches once
            province = _first_idle(driver, url)
            street = _first_idle(driver, f"{url}#15/{cy:.6f}/{cx:.6f}")
            shown = driver.execute_script(
                "var m = landgovTiles.map, b = m.getBounds();"
                " var ids = m.queryRenderedFeatures({layers: ['parcels-fill']})"
                ".map(function (f) { return f.properties.i; });"
                " return {ids: ids, box: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]};"
            )
    finally:
        srv.shutdown()
    rendered = set(shown["ids"])
    expected = _in_view(lonlat, shown["box"])
    return {
        "n": result.n_parcels,
        "archive_s": result.seconds,
        "total_s": total_s,
        "cpu_s": cpu_s,
        "archive_mb": result.archive_bytes / 1e6,
        "folder_mb": folder_mb,
        "province_ms": province,
        "street_ms": street,
        "in_view": len(expected),
        "rendered": len(rendered & expected),
        "missing": len(expected - rendered),
    }


def _fmt(v: float | int | None, spec: str) -> str:
    return "—" if v is None else format(v, spec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50000,200000")
    parser.add_argument("--no-explore", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--tiles", type=int, help="benchmark the tile map for N parcels")
    parser.add_argument("--run", type=Path, help="with --tiles: an existing run folder instead")
    parser.add_argument("--folium", type=int, help="compare with folium_map for N parcels")
    args = parser.parse_args(argv)
    if args.folium is not None:
        with tempfile.TemporaryDirectory(prefix="landgov-bench-") as tmp:
            r = bench_folium(args.folium, args.keep or Path(tmp))
        print(
            f"parcels {r['n']:,}: single-file {r['ours_mb']:.1f} MB, built {r['ours_s']:.1f} s, "
            f"drawn {r['ours_ms']:.0f} ms; folium {r['folium_mb']:.1f} MB, built "
            f"{r['folium_s']:.1f} s, drawn {r['folium_ms']:.0f} ms"
        )
        return 0
    if args.tiles is not None:
        return _main_tiles(args)
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="landgov-bench-") as tmp:
        work = args.keep or Path(tmp)
        rows = [
            bench(n, work, explore=not args.no_explore, browser=not args.no_browser) for n in sizes
        ]
    header = f"{'parcels':>9} {'ours MB':>8} {'explore MB':>10} {'ratio':>6} "
    header += f"{'ours s':>7} {'explore s':>9} {'draw ms':>8} {'warm ms':>8}"
    print(header)
    for r in rows:
        ratio = r["ours_mb"] / r["explore_mb"] if r["explore_mb"] else None
        print(
            f"{r['n']:>9,} {_fmt(r['ours_mb'], '8.2f')} {_fmt(r['explore_mb'], '10.2f')} "
            f"{_fmt(ratio, '6.1%')} {_fmt(r['ours_s'], '7.2f')} {_fmt(r['explore_s'], '9.2f')} "
            f"{_fmt(r['draw_ms'], '8.0f')} {_fmt(r['warm_ms'], '8.0f')}"
        )
    return 0


def _main_tiles(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="landgov-bench-") as tmp:
        work = args.keep or Path(tmp)
        if args.run is None:
            t0 = time.perf_counter()
            parcels = generate_parcels(args.tiles)
            rows = np.arange(len(parcels)) // int(np.ceil(np.sqrt(len(parcels))))
            parcels["county"] = COUNTIES[rows * len(COUNTIES) // (rows.max() + 1)]
            run_dir = write_run(parcels, work / f"run{args.tiles}")
            print(f"generated {args.tiles:,} parcels in {time.perf_counter() - t0:.0f} s")
        else:
            run_dir = args.run
        r = bench_tiles(run_dir, work)
    print(
        f"parcels {r['n']:,}: archive {r['archive_s']:.0f} s ({r['total_s']:.0f} s with the "
        f"look-up files, CPU {r['cpu_s']:.0f} s), {r['archive_mb']:.1f} MB "
        f"(folder {r['folder_mb']:.1f} MB); first frame "
        f"province {r['province_ms']:.0f} ms, street {r['street_ms']:.0f} ms; street view: "
        f"{r['rendered']:,} of {r['in_view']:,} parcels rendered, {r['missing']} missing"
    )
    return 0 if r["missing"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
