"""WGS-84 ↔ GCJ-02 against the gcoord city fixture (664 cities, three datums)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landgov.gcj02 import gcj02_to_wgs84, in_china, wgs84_to_gcj02

FIXTURE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "testdata"
    / "gcoord-china-cities"
    / "china-cities.json"
)
M_PER_DEG = 111_320.0


@pytest.fixture(scope="module")
def cities() -> tuple[np.ndarray, np.ndarray]:
    if not FIXTURE.exists():
        pytest.skip(f"gcoord fixture not found at {FIXTURE}")
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    wgs = np.array([r["coords"]["WGS84"] for r in rows], dtype=float)
    gcj = np.array([r["coords"]["GCJ02"] for r in rows], dtype=float)
    assert wgs.shape == (664, 2)
    return wgs, gcj


def _metres(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = a - b
    return np.hypot(d[:, 0] * np.cos(np.radians(b[:, 1])), d[:, 1]) * M_PER_DEG


def test_forward_matches_fixture(cities: tuple[np.ndarray, np.ndarray]) -> None:
    wgs, gcj = cities
    lon, lat = wgs84_to_gcj02(wgs[:, 0], wgs[:, 1])
    err = np.abs(np.column_stack([lon, lat]) - gcj)
    assert np.median(err) < 5.5e-6
    assert err.max() < 1e-5  # the fixture is rounded to 1e-6 and drawn from a live service


def test_shaoxing_point() -> None:
    lon, lat = wgs84_to_gcj02(120.5761439, 30.032385)
    assert abs(lon - 120.580236) < 6e-6
    assert abs(lat - 30.0297572) < 6e-6


def test_inverse_matches_fixture_under_a_metre(cities: tuple[np.ndarray, np.ndarray]) -> None:
    wgs, gcj = cities
    back = np.column_stack(gcj02_to_wgs84(gcj[:, 0], gcj[:, 1]))
    assert _metres(back, wgs).max() < 1.0


def test_round_trip_is_exact(cities: tuple[np.ndarray, np.ndarray]) -> None:
    wgs, _ = cities
    back = np.column_stack(gcj02_to_wgs84(*wgs84_to_gcj02(wgs[:, 0], wgs[:, 1])))
    assert _metres(back, wgs).max() < 1e-3


def test_offset_in_zhejiang_is_480_to_580_m() -> None:
    lon, lat = np.meshgrid(np.linspace(118.1, 122.8, 12), np.linspace(27.2, 31.1, 12))
    g_lon, g_lat = wgs84_to_gcj02(lon.ravel(), lat.ravel())
    shift = _metres(np.column_stack([g_lon, g_lat]), np.column_stack([lon.ravel(), lat.ravel()]))
    assert shift.min() > 400 and shift.max() < 650


def test_outside_china_unchanged() -> None:
    lon, lat = wgs84_to_gcj02([2.35, 139.9], [48.85, 35.0])
    np.testing.assert_array_equal(lon, [2.35, 139.9])
    np.testing.assert_array_equal(lat, [48.85, 35.0])
    assert not in_china(2.35, 48.85)
    assert in_china(120.58, 30.0)


def test_shape_is_kept() -> None:
    lon = np.full((3, 4), 120.5)
    lat = np.full((3, 4), 30.0)
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    assert g_lon.shape == (3, 4) and g_lat.shape == (3, 4)
    w_lon, _ = gcj02_to_wgs84(g_lon, g_lat)
    assert w_lon.shape == (3, 4)


@given(
    st.floats(min_value=73.0, max_value=135.0),
    st.floats(min_value=3.9, max_value=53.5),
)
def test_round_trip_property(lon: float, lat: float) -> None:
    w_lon, w_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert abs(float(w_lon) - lon) < 1e-8
    assert abs(float(w_lat) - lat) < 1e-8
