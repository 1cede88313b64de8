"""Basemap resolution: datums, keys, custom templates and the tile origins the page allows."""

from __future__ import annotations

import pytest

from landgov.errors import InputError
from landgov.maps import Datum, resolve_basemap


def test_none_is_offline() -> None:
    bm = resolve_basemap("none")
    assert bm.offline and bm.urls == () and bm.origins() == ()


@pytest.mark.parametrize(
    ("name", "datum", "origin"),
    [
        ("osm", Datum.WGS84, "https://tile.openstreetmap.org"),
        ("gaode", Datum.GCJ02, "https://*.is.autonavi.com"),
        ("gaode-satellite", Datum.GCJ02, "https://*.is.autonavi.com"),
    ],
)
def test_named_basemaps(name: str, datum: Datum, origin: str) -> None:
    bm = resolve_basemap(name)
    assert bm.datum is datum
    assert bm.origins() == (origin,)
    assert all("{z}" in u and "{x}" in u and "{y}" in u for u in bm.urls)


def test_tianditu_key_from_flag_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    with pytest.raises(InputError, match="TIANDITU_KEY"):
        resolve_basemap("tianditu")
    bm = resolve_basemap("tianditu", tianditu_key="abcdef0123456789")
    assert bm.datum is Datum.WGS84
    assert all("tk=abcdef0123456789" in u for u in bm.urls) and len(bm.urls) == 2
    assert bm.origins() == ("https://*.tianditu.gov.cn",)
    monkeypatch.setenv("TIANDITU_KEY", "fedcba9876543210")
    assert "tk=fedcba9876543210" in resolve_basemap("tianditu").urls[0]
    with pytest.raises(InputError, match="格式"):
        resolve_basemap("tianditu", tianditu_key='bad key"><script>')


def test_custom_template_needs_datum() -> None:
    url = "http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png"
    with pytest.raises(InputError, match="--basemap-crs"):
        resolve_basemap(url)
    bm = resolve_basemap(url, crs="cgcs2000")
    assert bm.datum is Datum.WGS84 and bm.origins() == ("http://10.1.2.3:8080",)
    assert resolve_basemap(url, crs="gcj02").datum is Datum.GCJ02


def test_wmts_placeholders_become_xyz() -> None:
    url = "https://gis.example.gov.cn/wmts?layer=img&TileMatrix={TileMatrix}&TileRow={TileRow}&TileCol={TileCol}"
    bm = resolve_basemap(url, crs="wgs84")
    assert bm.urls[0].endswith("TileMatrix={z}&TileRow={y}&TileCol={x}")


@pytest.mark.parametrize(
    "url",
    ["ftp://x/{z}/{x}/{y}", "https://x.cn/tiles.png", 'https://x.cn/{z}/{x}/{y}"onerror=1'],
)
def test_bad_templates_are_refused(url: str) -> None:
    with pytest.raises(InputError):
        resolve_basemap(url, crs="wgs84")


def test_unknown_name() -> None:
    with pytest.raises(InputError, match="未知底图"):
        resolve_basemap("google")
