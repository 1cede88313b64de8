"""Compact encoding: an independent Python decoder must give back the projected vertices."""

from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, box

from landgov.maps._encode import (
    decode_column,
    encode_columns,
    encode_geometry,
    json_for_script,
    lonlat_to_pixels,
    varint,
)


def _read_varints(data: bytes) -> list[int]:
    out, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            out.append(value)
            value, shift = 0, 0
    return out


def decode(enc) -> list[list[np.ndarray]]:
    """Reference decoder (written from the format description, not from the JS)."""
    values = _read_varints(base64.b64decode(enc.payload))
    per_feat, values = values[: enc.n], values[enc.n :]
    per_ring, values = values[: enc.rings], values[enc.rings :]
    deltas = np.array([(v >> 1) ^ -(v & 1) for v in values], dtype=np.int64).reshape(-1, 2)
    pts = np.cumsum(deltas, axis=0) + np.array(enc.origin)
    feats, r, p = [], 0, 0
    for k in per_feat:
        rings = []
        for _ in range(k):
            rings.append(pts[p : p + per_ring[r]])
            p += per_ring[r]
            r += 1
        feats.append(rings)
    assert p == len(pts) == enc.points
    return feats


@given(st.lists(st.integers(min_value=0, max_value=2**40), max_size=50))
def test_varint_round_trip(values: list[int]) -> None:
    assert _read_varints(varint(np.array(values, dtype=np.uint64)).tobytes()) == values


def test_varint_known_bytes() -> None:
    assert varint(np.array([0, 1, 127, 128, 300])).tolist() == [0, 1, 127, 128, 1, 172, 2]


def test_geometry_round_trip_against_pyproj() -> None:
    x0, y0 = 555_000.0, 3_320_000.0
    shapes = [
        box(x0, y0, x0 + 80, y0 + 60),
        Polygon(
            [(x0 + 200, y0), (x0 + 300, y0), (x0 + 300, y0 + 90), (x0 + 200, y0 + 90)],
            [[(x0 + 220, y0 + 20), (x0 + 240, y0 + 20), (x0 + 240, y0 + 40)]],
        ),
        MultiPolygon(
            [box(x0, y0 + 200, x0 + 30, y0 + 230), box(x0 + 50, y0 + 200, x0 + 90, y0 + 260)]
        ),
        None,
        Polygon(),
    ]
    enc = encode_geometry(np.array(shapes, dtype=object), crs="EPSG:4549", zoom=19)
    assert (enc.n, enc.drawable, enc.rings) == (5, 3, 5)
    feats = decode(enc)
    assert [len(f) for f in feats] == [1, 2, 2, 0, 0]
    to_ll = Transformer.from_crs("EPSG:4549", "EPSG:4490", always_xy=True)
    lon, lat = to_ll.transform(x0 + 80, y0 + 60)
    px, py = lonlat_to_pixels(np.array([lon]), np.array([lat]), 19)
    ring = feats[0][0]
    assert len(ring) == 4  # closing vertex dropped
    assert np.min(np.hypot(ring[:, 0] - px[0], ring[:, 1] - py[0])) <= 0.71  # rounded to a pixel
    assert len(feats[1][1]) == 3  # the hole keeps its three corners


def test_rounding_drops_vertices_below_a_pixel() -> None:
    x0, y0 = 555_000.0, 3_320_000.0
    dense = Polygon([(x0 + 0.01 * i, y0) for i in range(10)] + [(x0 + 50, y0 + 50), (x0, y0 + 50)])
    enc = encode_geometry(np.array([dense], dtype=object), crs="EPSG:4549", zoom=19)
    assert enc.points < 11  # ten points 1 cm apart collapse to one pixel


def test_gcj02_shift_moves_parcels_500_m() -> None:
    shape = np.array([box(555_000, 3_320_000, 555_100, 3_320_100)], dtype=object)
    plain = decode(encode_geometry(shape, crs="EPSG:4549", zoom=19))[0][0]
    shifted = decode(encode_geometry(shape, crs="EPSG:4549", zoom=19, gcj02=True))[0][0]
    metres_per_px = 2 * np.pi * 6378137 / (256 * 2**19) * np.cos(np.radians(30.0))
    shift = np.hypot(*(shifted[0] - plain[0])) * metres_per_px
    assert 480 < shift < 580


def test_columns_dictionary_and_numbers() -> None:
    frame = pd.DataFrame(
        {
            "grade": ["A", "A", "B", None],
            "name": ["甲", "乙", "丙", "丁"],
            "x": [1.234, None, 3.0, float("inf")],
            "flag": [True, False, True, None],
        }
    )
    out = encode_columns(
        frame, {"grade": ("text", 0), "name": ("text", 0), "x": ("num", 2), "flag": ("text", 0)}
    )
    assert out["n"] == 4
    assert out["cols"]["grade"] == {"d": ["A", "B"], "c": [0, 0, 1, -1]}
    assert out["cols"]["name"] == {"v": ["甲", "乙", "丙", "丁"]}
    assert out["cols"]["x"] == {"v": [1.23, None, 3, None]}
    assert out["cols"]["flag"] == {"d": ["是", "否"], "c": [0, 1, 0, -1]}
    assert frame["x"].isna().sum() == 1  # input untouched


@pytest.mark.parametrize(
    "value", ["</script><script>alert(1)</script>", "<!-- x", "a\u2028b", "&lt;", "<img src=x>"]
)
def test_json_for_script_cannot_close_the_script(value: str) -> None:
    text = json_for_script({"v": value})
    assert "<" not in text and ">" not in text and "\u2028" not in text and "&" not in text
    assert json.loads(text) == {"v": value}


RULE = "规则 R4「整治提升」：其余治理清单地块 [越政发〔2022〕24号 附件3 第三条第1项]"
ODD_LINES = (
    "引号 \"双\" 与 '单'",
    "反斜杠 C:\\地块\\1 与 \\n 字面",
    "</script><b>粗</b> & &amp;",
    '=HYPERLINK("http://x","点")',
    "+1-1",
    "  前后空格  ",
    "",
    "\u2028行分隔",
)


def _lines_frame() -> tuple[pd.DataFrame, list[str | None]]:
    """Texts as the screening writes them, and what the map must give back (stripped whole;
    missing, empty and 「无」 are no text)."""
    texts: list[object] = [f"{RULE}\n· 亩均税收 {k + 0.25:.2f} 万元/亩" for k in range(6)]
    texts += [
        RULE,  # one line
        "\n".join((RULE, *ODD_LINES, RULE)),  # an empty line and a repeated one kept
        "=A1\n" + RULE,  # formula-like first line
        "a\r\nb",  # a CR stays part of its line
        "\n\n" + RULE + "\n",  # the whole text is stripped, as every map shows it
        None,
        float("nan"),
        "",
        "无",
    ]
    expected: list[str | None] = [t if isinstance(t, str) else None for t in texts]
    expected[-5] = RULE
    expected[-2:] = [None, None]
    return pd.DataFrame({"reasons": texts}), expected


def test_lines_round_trip_exactly() -> None:
    frame, expected = _lines_frame()
    out = encode_columns(frame, {"reasons": ("lines", 0)})
    column = json.loads(json_for_script(out))["cols"]["reasons"]  # through the page's escaping
    assert "l" in column  # lines repeat: the line dictionary is the smaller encoding
    assert decode_column(column) == expected
    # each distinct line stored once: RULE, six figure lines, the odd lines, 「=A1」, 「a\r」, 「b」
    assert column["l"].count(RULE) == 1
    assert len(column["l"]) == 1 + 6 + len(ODD_LINES) + 3
    assert column["r"][0] == [0, 1] and column["r"][6] == [0]
    assert column["r"][-4:] == [None] * 4


def test_lines_keep_the_text_encoding_when_lines_do_not_repeat() -> None:
    # every line distinct (names of enterprises): a line dictionary only adds indices
    frame = pd.DataFrame({"names": [f"甲{k}有限公司\n乙{k}有限公司" for k in range(5)]})
    column = encode_columns(frame, {"names": ("lines", 0)})["cols"]["names"]
    assert column == {"v": frame["names"].tolist()}
    assert decode_column(column) == frame["names"].tolist()
