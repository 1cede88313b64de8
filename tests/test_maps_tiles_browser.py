"""The tiled map opened in headless Chromium through the local Range server (``landgov serve``).

Software WebGL (SwiftShader) draws the parcels. Checked as for the single-file map: nothing
requested outside the folder, no console error, every parcel rendered at street zoom, injected
names shown as text, a redacted folder showing no name, code or money; and the page opened
from disk says what to do instead of staying blank.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _browser import chromium_driver, console_errors, missing_browser, requested_urls
from _mapfixtures import INJECTIONS, RunFacts, write_run
from selenium.webdriver.support.ui import WebDriverWait

from landgov.maps.tiles import build_tiles
from landgov.maps.tiles.serve import make_server

pytestmark = pytest.mark.browser
WEBGL = ("--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist")


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    why = missing_browser()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests need Chromium in CI: {why}")
        pytest.skip(f"browser tests skipped: {why}")
    with chromium_driver(extra_args=WEBGL) as drv:
        yield drv


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunFacts:
    return write_run(tmp_path_factory.mktemp("tiles-browser") / "柯桥示例", n_side=8)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A served folder (tile maps are written below it) and its base URL."""
    base = tmp_path_factory.mktemp("served")
    srv = make_server(base, port=0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield base, f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def _open(driver: Any, url: str, timeout: float = 60) -> dict[str, Any]:
    driver.get("about:blank")
    driver.get_log("performance")  # keep only this page's requests
    driver.get_log("browser")
    driver.get(url)
    WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        lambda d: d.execute_script(
            "var m = window.landgovTiles;"
            " return !!(m && (m.errors.length || (m.ready && m.firstIdleMs !== undefined)))"
        )
    )
    return driver.execute_script(
        "var m = window.landgovTiles; return {ready: m.ready, errors: m.errors,"
        " zoom: m.map.getZoom(), first: m.firstIdleMs};"
    )


def _wait_idle(driver: Any) -> None:
    time.sleep(0.3)
    WebDriverWait(driver, 60, poll_frequency=0.1).until(
        lambda d: d.execute_script("return window.landgovTiles.idle && landgovTiles.map.loaded()")
    )


def _rendered(driver: Any) -> set[int]:
    ids = driver.execute_script(
        "return landgovTiles.map.queryRenderedFeatures({layers: ['parcels-fill']})"
        ".map(function (f) { return f.properties.i; })"
    )
    return set(ids)


def _foreign(urls: list[str], base: str) -> list[str]:
    return [u for u in urls if not u.startswith((base, "data:", "blob:"))]


def test_tiles_render_every_parcel_and_request_nothing_outside(
    driver: Any, run: RunFacts, root: tuple[Path, str]
) -> None:
    base, url = root
    build_tiles(run.path, base / "plain")
    state = _open(driver, f"{url}/plain/index.html")
    assert state["ready"] and not state["errors"]
    assert state["zoom"] >= 14  # the small fixture opens at a street zoom
    assert _rendered(driver) == set(range(run.n_parcels))
    assert driver.find_element("id", "lg-msg").is_displayed() is False
    assert _foreign(requested_urls(driver), url) == []
    assert console_errors(driver) == []
    labels = driver.execute_script(
        "return Array.from(document.querySelectorAll('.lg-label-text')).map(e => e.textContent)"
    )
    assert sorted(labels) == ["华舍街道", "柯岩街道"]
    for key in ("tax", "grade", "far"):  # every theme keeps every parcel drawn
        driver.find_element("css selector", f"input[name=lg-theme][value={key}]").click()
        _wait_idle(driver)
        assert _rendered(driver) == set(range(run.n_parcels))
    assert console_errors(driver) == []


def test_zoomed_out_shows_totals_and_a_hint(
    driver: Any, run: RunFacts, root: tuple[Path, str]
) -> None:
    base, url = root
    if not (base / "plain").is_dir():
        build_tiles(run.path, base / "plain")
    _open(driver, f"{url}/plain/index.html#9/30.0/120.57")
    _wait_idle(driver)
    assert _rendered(driver) == set()
    hint = driver.find_element("css selector", ".lg-hint").text
    assert "汇总视图" in hint
    sub = driver.execute_script(
        "return Array.from(document.querySelectorAll('.lg-label-sub')).map(e => e.textContent)"
    )
    assert sub and all("宗" in s for s in sub)


def test_injected_names_stay_text(driver: Any, run: RunFacts, root: tuple[Path, str]) -> None:
    base, url = root
    build_tiles(run.path, base / "xss", title=INJECTIONS[1])
    _open(driver, f"{url}/xss/index.html")
    assert driver.find_element("css selector", ".lg-title").text == INJECTIONS[1]
    hits = driver.execute_async_script(
        "var done = arguments[0]; landgovTiles.search('onerror').then(done);"
    )
    assert hits and any(INJECTIONS[0] in h["name"] for h in hits)
    driver.execute_async_script(
        "var done = arguments[1]; landgovTiles.goTo(arguments[0]).then(done);", hits[0]
    )
    popup = driver.find_element("css selector", ".lg-popup").get_attribute("textContent")
    assert any(bad in popup for bad in INJECTIONS)
    box = driver.find_element("css selector", ".lg-search-input")
    box.send_keys("onerror")
    WebDriverWait(driver, 10).until(
        lambda d: any(
            INJECTIONS[0] in e.get_attribute("textContent")
            for e in d.find_elements("css selector", ".lg-result-name")
        )
    )
    assert driver.execute_script("return window.__pwned === undefined")
    assert driver.execute_script("return document.querySelectorAll('.lg-popup img').length") == 0
    assert _foreign(requested_urls(driver), url) == []
    assert console_errors(driver) == []


def test_redacted_tiles_show_no_name_code_or_money(
    driver: Any, run: RunFacts, root: tuple[Path, str]
) -> None:
    base, url = root
    build_tiles(run.path, base / "red", redact=True)
    _open(driver, f"{url}/red/index.html")
    shown = driver.execute_async_script(
        "var done = arguments[1], out = [];"
        "var all = []; for (var i = 0; i < arguments[0]; i++) all.push(i);"
        "all.reduce(function (p, i) { return p.then(function () {"
        "  return landgovTiles.goTo({i: i, lng: 120.57, lat: 30.0}).then(function () {"
        "    out.push(document.querySelector('.lg-popup').textContent); }); }); },"
        " Promise.resolve()).then(function () { done(out.join('\\n')); });",
        run.n_parcels,
    )
    shown += driver.find_element("tag name", "body").text
    assert "脱敏" in shown
    for secret in (*run.names, *run.holders, *run.usccs):
        assert secret not in shown
    # public thresholds and targets stay (「低于 5 万元/亩」); no enterprise's money does
    money = {f"{v:.2f}" for v in run.money} - {f"{v:.2f}" for v in run.other_numbers}
    assert not money & set(re.findall(r"\d+\.\d+", shown.replace(",", "")))
    themes = [e.text for e in driver.find_elements("css selector", ".lg-theme")]
    assert "亩均税收" not in themes
    assert console_errors(driver) == []


def test_opened_from_disk_the_page_says_what_to_do(
    driver: Any, run: RunFacts, root: tuple[Path, str]
) -> None:
    base, _ = root
    folder = build_tiles(run.path, base / "disk").path
    driver.get((folder / "index.html").as_uri())
    message = driver.find_element("id", "lg-msg")
    assert message.is_displayed()
    assert "landgov serve" in message.text and "HTTP Range" in message.text


def test_gaode_basemap_requests_only_gaode_tiles(
    driver: Any, run: RunFacts, root: tuple[Path, str]
) -> None:
    from urllib.parse import urlsplit

    base, url = root
    build_tiles(run.path, base / "gaode", basemap="gaode")
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get(f"{url}/gaode/index.html")
    seen: list[str] = []
    WebDriverWait(driver, 30, poll_frequency=0.2).until(
        lambda d: seen.extend(_foreign(requested_urls(d), url)) or seen
    )
    hosts = {urlsplit(u).hostname for u in seen}
    assert hosts and all(re.fullmatch(r"webrd0[1-4]\.is\.autonavi\.com", h or "") for h in hosts)


@pytest.fixture(scope="module")
def province_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from landgov.province import generate_province, run_province

    root = tmp_path_factory.mktemp("prov-browser")
    generate_province(root / "in", n_parcels=240, counties=["330602", "330106"], seed=5)
    run_province(root / "in", out_dir=root / "run", as_of="2026-06-30")
    return root / "run"


def _visible_labels(driver: Any) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('.lg-label'))"
        ".filter(function (e) { return !e.hidden; }).map(function (e) { return e.textContent; })"
    )


def test_province_map_shows_cities_counties_and_finds_a_county(
    driver: Any, province_run: Path, root: tuple[Path, str]
) -> None:
    base, url = root
    build_tiles(province_run, base / "province")
    state = _open(driver, f"{url}/province/index.html#7/30.1/120.4")
    assert state["ready"] and not state["errors"]
    _wait_idle(driver)
    cities = _visible_labels(driver)  # zoomed out: 地市 against the province targets
    assert len(cities) == 2 and all("规上亩均税收" in t and "目标" in t for t in cities)
    legend = driver.find_element("css selector", ".lg-level-legend").text
    assert "对照目标" in legend and "未达目标" in legend
    hits = driver.execute_async_script(
        "var done = arguments[0]; landgovTiles.search('西湖区').then(done);"
    )
    assert hits[0]["id"] == "西湖区" and hits[0]["name"] == "区县"
    driver.execute_async_script(
        "var done = arguments[1]; landgovTiles.goTo(arguments[0]).then(done);", hits[0]
    )
    _wait_idle(driver)
    labels = _visible_labels(driver)
    assert labels and not any(t.startswith("越城区") for t in labels)
    assert _rendered(driver)  # the county's parcels are drawn at its zoom
    assert _foreign(requested_urls(driver), url) == []
    assert console_errors(driver) == []
