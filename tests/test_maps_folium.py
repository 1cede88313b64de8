"""``landgov.maps.folium_map``: a folium.Map with landgov's layers, offline, that users extend."""

from __future__ import annotations

import os
import re
from pathlib import Path

import folium
import geopandas as gpd
import pytest
from _mapfixtures import INJECTIONS, RunFacts, write_run

from landgov.errors import InputError
from landgov.maps import MapStyle, folium_map


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunFacts:
    return write_run(tmp_path_factory.mktemp("folium") / "柯桥示例", n_side=6)


def _external(page: str) -> list[str]:
    return re.findall(r'(?:src|href)\s*=\s*["\'](https?:[^"\']+)', page)


def test_map_is_offline_and_carries_the_layers(run: RunFacts, tmp_path: Path) -> None:
    m = folium_map(run.path)
    assert isinstance(m, folium.Map)
    page = m.get_root().render()
    assert _external(page) == []
    assert "data:text/javascript;base64," in page
    layers = [c.layer_name for c in m._children.values() if getattr(c, "layer_name", None)]
    assert layers == [
        "亩均税收",
        "亩均评价等级",
        "四个一批路径",
        "增容评估",
        "镇街边界及汇总",
        "连片地块",
    ]
    assert "四个一批路径" in page  # the legend
    parcels = gpd.read_file(run.path / "landgov.gpkg", layer="parcels")
    assert page.count(parcels["parcel_id"][7]) >= 4  # one GeoJSON per theme


def test_user_layer_and_save(run: RunFacts, tmp_path: Path) -> None:
    m = folium_map(run.path, theme="grade")
    folium.Marker([30.0, 120.57], tooltip="现场核查点").add_to(m)
    out = tmp_path / "mine.html"
    m.save(str(out))
    page = out.read_text(encoding="utf-8")
    assert "现场核查点" in page and "L.marker" in page
    assert _external(page) == []


def test_names_are_escaped_before_folium_writes_them(run: RunFacts) -> None:
    page = folium_map(run.path).get_root().render()
    for bad in INJECTIONS:
        assert bad not in page
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page  # &lt; in JSON


def test_redacted_map_holds_no_names_codes_or_money(run: RunFacts) -> None:
    page = folium_map(run.path, redact=True).get_root().render()
    for secret in (*run.names, *run.holders, *run.usccs):
        assert secret not in page, secret
    assert not re.search(r"\d\s*万元", page)
    assert "亩均税收" not in page.split("<body>", 1)[-1].split("四个一批路径")[0]


def test_too_many_parcels_points_to_the_tiled_map(run: RunFacts) -> None:
    with pytest.raises(InputError, match="瓦片地图"):
        folium_map(run.path, style=MapStyle(max_parcels=5))
    with pytest.raises(InputError, match="未知专题"):
        folium_map(run.path, theme="colour")


@pytest.mark.browser
def test_folium_page_opens_offline_and_shows_names_as_text(run: RunFacts, tmp_path: Path) -> None:
    from _browser import chromium_driver, console_errors, missing_browser, requested_urls

    why = missing_browser()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests need Chromium in CI: {why}")
        pytest.skip(f"browser tests skipped: {why}")
    page = tmp_path / "folium.html"
    folium_map(run.path).save(str(page))
    with chromium_driver() as driver:
        driver.get("about:blank")
        driver.get_log("performance")
        driver.get(page.as_uri())
        texts = driver.execute_script(
            "var out = []; for (var k in window) {"
            " var g = window[k];"
            " if (k.indexOf('geo_json_') !== 0 || !g || !g.eachLayer || !g._map) continue;"
            " g.eachLayer(function (l) {"
            "  if (!l.getBounds) return;"
            "  l.fire('click', {latlng: l.getBounds().getCenter()}, true);"
            "  var p = document.querySelector('.leaflet-popup-content');"
            "  if (p) out.push(p.textContent); }); }"
            " return out.join('\\n');"
        )
        for bad in INJECTIONS:
            assert bad in texts  # shown literally
        assert driver.execute_script("return window.__pwned === undefined")
        foreign = [u for u in requested_urls(driver) if not u.startswith(("data:", "file:"))]
        assert foreign == []
        assert console_errors(driver) == []
