"""Compact encoding of polygons and attribute columns for the map page.

Geometry
    Vertices are projected to Web-Mercator pixels at ``quantize_zoom`` and rounded to whole
    pixels (0.26 m at zoom 19 in Zhejiang: what the screen can show at the closest zoom),
    consecutive duplicates and each ring's closing vertex are dropped, and the stream is
    written as zig-zag varints of the differences between consecutive vertices. Three
    sections follow one another in one byte string: rings per feature, vertices per ring,
    then the interleaved ``dx, dy`` deltas. ``landgov-map.js`` decodes it.
Attributes
    Column-oriented JSON: repeated texts become a dictionary plus integer codes, numbers are
    rounded to the digits shown, and missing values are ``null``. A multi-line text (``lines``:
    reasons and the like, lines joined by ``"\\n"``) is a list of indices into a dictionary of
    its column's distinct lines, since its lines repeat across plots (the same rule sentence,
    the same clause) while whole texts differ in their figures.

The page embeds both in non-executed ``<script type="application/…">`` blocks; JSON is made
safe for that with :func:`json_for_script`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from landgov.core.compare import MEASURED_DIGITS, shown
from landgov.core.missing import is_missing
from landgov.crs import transformer as crs_transformer
from landgov.gcj02 import wgs84_to_gcj02

__all__ = [
    "EncodedGeometry",
    "decode_column",
    "encode_columns",
    "encode_geometry",
    "json_for_script",
    "lonlat_to_pixels",
    "to_lonlat",
    "varint",
]

_TILE = 256.0
_MAX_LAT = 85.0511287798  # Leaflet's spherical-Mercator clamp


@dataclass(frozen=True)
class EncodedGeometry:
    """Encoded polygons: ``payload`` is base64 text, the rest is the header the decoder needs."""

    payload: str
    n: int
    rings: int
    points: int
    origin: tuple[int, int]
    drawable: int  # features with at least one vertex

    def header(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "rings": self.rings,
            "points": self.points,
            "origin": list(self.origin),
            "drawable": self.drawable,
        }


def varint(values: NDArray[np.integer]) -> NDArray[np.uint8]:
    """Unsigned LEB128 of non-negative integers, vectorised."""
    u = np.asarray(values, dtype=np.uint64)
    nbytes = np.ones(u.shape[0], dtype=np.int64)
    rest = u >> np.uint64(7)
    while rest.any():
        nbytes += rest > 0
        rest >>= np.uint64(7)
    starts = np.cumsum(nbytes) - nbytes
    out = np.empty(int(nbytes.sum()), dtype=np.uint8)
    for k in range(int(nbytes.max(initial=0))):
        sel = nbytes > k
        low = (u[sel] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = (nbytes[sel] > k + 1).astype(np.uint64) << np.uint64(7)
        out[starts[sel] + k] = (low | more).astype(np.uint8)
    return out


def _zigzag(v: NDArray[np.int64]) -> NDArray[np.uint64]:
    v = v.astype(np.int64)
    return ((v << 1) ^ (v >> 63)).astype(np.uint64)


def lonlat_to_pixels(lon: NDArray, lat: NDArray, zoom: int) -> tuple[NDArray, NDArray]:
    """Web-Mercator pixel coordinates at ``zoom`` (Leaflet's ``map.project``)."""
    world = _TILE * 2.0**zoom
    lat = np.clip(lat, -_MAX_LAT, _MAX_LAT)
    x = (np.asarray(lon) + 180.0) / 360.0 * world
    y = (0.5 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / (2 * np.pi)) * world
    return x, y


def to_lonlat(xy: NDArray, crs: Any, *, gcj02: bool) -> NDArray:
    """(N, 2) projected coordinates → CGCS2000/WGS-84 lon/lat, shifted into GCJ-02 if asked."""
    if xy.shape[0] == 0:
        return xy.astype(float)
    transformer = crs_transformer(crs, "EPSG:4490")
    lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
    if gcj02:
        lon, lat = wgs84_to_gcj02(lon, lat)
    return np.column_stack([lon, lat])


def encode_geometry(
    geoms: Iterable[Any], *, crs: Any, zoom: int, gcj02: bool = False
) -> EncodedGeometry:
    """Encode polygons (projected, in ``crs``) as described in the module docstring.

    Parameters
    ----------
    geoms
        Polygons or multipolygons (``None`` and empty geometries give features with no rings).
    crs
        CRS of the coordinates (EPSG:4549 for landgov runs).
    zoom
        Quantisation zoom level.
    gcj02
        Shift into GCJ-02 (for 高德 tiles).
    """
    arr = np.asarray(list(geoms) if not isinstance(geoms, np.ndarray) else geoms, dtype=object)
    n = arr.shape[0]
    parts, part_feat = shapely.get_parts(arr, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    ring_feat = part_feat[ring_part]
    counts = shapely.get_num_coordinates(rings)
    coords = shapely.get_coordinates(rings)
    ring_of_pt = np.repeat(np.arange(rings.shape[0]), counts)
    # drop each ring's closing vertex
    last = np.cumsum(counts) - 1
    keep = np.ones(coords.shape[0], dtype=bool)
    keep[last[counts > 0]] = False
    coords, ring_of_pt = coords[keep], ring_of_pt[keep]
    lonlat = to_lonlat(coords, crs, gcj02=gcj02)
    px, py = lonlat_to_pixels(lonlat[:, 0], lonlat[:, 1], zoom) if len(coords) else ([], [])
    q = np.column_stack([np.rint(px), np.rint(py)]).astype(np.int64).reshape(-1, 2)
    # drop vertices equal to the previous one in the same ring (they vanish at this zoom)
    same = np.zeros(q.shape[0], dtype=bool)
    if q.shape[0] > 1:
        same[1:] = (q[1:] == q[:-1]).all(axis=1) & (ring_of_pt[1:] == ring_of_pt[:-1])
    q, ring_of_pt = q[~same], ring_of_pt[~same]
    per_ring = np.bincount(ring_of_pt, minlength=rings.shape[0])
    nonempty = per_ring > 0
    per_ring, ring_feat = per_ring[nonempty], ring_feat[nonempty]
    per_feat = np.bincount(ring_feat, minlength=n)
    origin = q.min(axis=0) if q.shape[0] else np.zeros(2, dtype=np.int64)
    deltas = np.diff(np.vstack([origin[None, :], q]), axis=0).ravel()
    stream = np.concatenate([varint(per_feat), varint(per_ring), varint(_zigzag(deltas))])
    return EncodedGeometry(
        payload=base64.b64encode(stream.tobytes()).decode("ascii"),
        n=n,
        rings=int(per_ring.shape[0]),
        points=int(q.shape[0]),
        origin=(int(origin[0]), int(origin[1])),
        drawable=int((per_feat > 0).sum()),
    )


def _number_column(series: pd.Series, digits: int) -> list[float | int | None]:
    values = pd.to_numeric(series, errors="coerce").astype("float64").round(digits).to_numpy()
    finite = np.isfinite(values)
    small = finite & (np.abs(values) < 2.0**53)  # beyond, every float is whole
    whole = small.copy()
    if digits:
        whole[small] = values[small] == np.floor(values[small])
    out = values.astype(object)  # floats (fractional values), ints (whole ones), None
    out[whole] = values[whole].astype(np.int64).tolist() if whole.any() else []
    big = finite & ~small
    out[big] = [int(v) for v in values[big]] if big.any() else []
    out[~finite] = None
    return out.tolist()


def _beside_column(series: pd.Series, against: pd.Series, digits: int) -> list[Any]:
    """:func:`_number_column`, each value with both it and its threshold known rounded as
    :func:`landgov.core.compare.shown` writes it."""
    values = pd.to_numeric(series, errors="coerce").astype("float64").to_numpy()
    limits = pd.to_numeric(against, errors="coerce").astype("float64").to_numpy()
    out = values.round(digits)
    both = np.flatnonzero(np.isfinite(values) & np.isfinite(limits))
    out[both] = [float(shown(values[i], limits[i])) for i in both]
    return _number_column(pd.Series(out), MEASURED_DIGITS)


def _text_value(v: Any) -> str | None:
    if is_missing(v):
        return None
    if isinstance(v, bool | np.bool_):
        return "是" if v else "否"
    return str(v).strip() or None


def _text_values(series: pd.Series) -> list[str | None]:
    values = series.astype(object)
    if pd.api.types.infer_dtype(values, skipna=True) in {"string", "empty"}:
        # texts (and gaps): each distinct text judged once, then spread to its rows
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        table = np.array([_text_value(u) for u in uniques] + [None], dtype=object)
        return table[codes].tolist()  # code -1 (None, NaN, NA) takes the last entry, None
    return [_text_value(v) for v in values.tolist()]


def _bool_values(series: pd.Series) -> list[str | None]:
    out: list[str | None] = []
    for v in series.astype(object).tolist():
        if is_missing(v):
            out.append(None)
        elif isinstance(v, str):
            out.append(v.strip() or None)
        else:
            out.append("是" if bool(v) else "否")
    return out


def display_values(
    series: pd.Series, kind: str, digits: int = 0, *, against: pd.Series | None = None
) -> list[Any]:
    """A column's values as a map shows them: ``num`` rounded to ``digits``, ``bool`` as 是/否,
    ``text`` and ``lines`` stripped; missing values (:func:`landgov.core.missing.is_missing`)
    are ``None``. The single-file map, the tiled map and the folium map all show their popups
    with it.

    ``against``: the threshold each ``num`` value is judged against and shown beside (容积率
    and 容积率下限); a value keeps the decimals :func:`landgov.core.compare.shown` keeps to tell
    it from its threshold (0.6999 beside 0.7, never 0.7; 2 decimals otherwise).
    """
    if kind == "num" and against is not None:
        return _beside_column(series, against, digits)
    if kind == "num":
        return _number_column(series, digits)
    return _bool_values(series) if kind == "bool" else _text_values(series)


def _json_size(obj: Any) -> int:
    return len(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _text_column(values: list[Any]) -> dict[str, Any]:
    """``{"d": dictionary, "c": codes}`` when texts repeat (half the rows or fewer are
    distinct), else ``{"v": values}``."""
    uniques = dict.fromkeys(v for v in values if v is not None)
    if len(uniques) > max(1, len(values) // 2):
        return {"v": values}
    index = {v: i for i, v in enumerate(uniques)}
    return {"d": list(uniques), "c": [-1 if v is None else index[v] for v in values]}


def _lines_column(values: list[str | None]) -> dict[str, Any]:
    """``{"l": distinct lines, "r": rows}``: a row lists the indices of its lines (the text
    split on ``"\\n"``, so joining them with ``"\\n"`` gives it back), ``null`` if missing."""
    index: dict[str, int] = {}
    rows = [
        None if v is None else [index.setdefault(line, len(index)) for line in v.split("\n")]
        for v in values
    ]
    return {"l": list(index), "r": rows}


def encode_columns(
    frame: pd.DataFrame, kinds: Mapping[str, tuple[str, int] | tuple[str, int, str]]
) -> dict[str, Any]:
    """Column-oriented, dictionary-encoded attributes.

    Parameters
    ----------
    frame
        Rows in feature order (not modified).
    kinds
        Column → (``"num"``, ``"bool"``, ``"text"`` or ``"lines"``, digits), optionally with
        a third item naming the column of the threshold it is shown beside
        (:func:`display_values`); columns absent from ``frame`` are skipped. ``bool`` values
        (True/False or 1/0) become 是/否; a ``lines`` text is shown as ``text`` and stored as
        whichever of the text and the line encoding is smaller.

    Returns
    -------
    dict
        ``{"n": rows, "cols": {name: column}}``, a column being ``{"v": values}``,
        ``{"d": dictionary, "c": codes}`` or ``{"l": lines, "r": line indices per row}``;
        ``null`` stands for missing, code ``-1`` for a missing dictionary entry.
        :func:`decode_column` reads a column back.
    """
    cols: dict[str, Any] = {}
    for name, (kind, digits, *limit) in kinds.items():
        if name not in frame.columns:
            continue
        beside = frame[limit[0]] if limit and limit[0] in frame.columns else None
        values = display_values(frame[name], kind, digits, against=beside)
        if kind == "num":
            cols[name] = {"v": values}
        elif kind == "lines":
            cols[name] = min(_text_column(values), _lines_column(values), key=_json_size)
        else:
            cols[name] = _text_column(values)
    return {"n": len(frame), "cols": cols}


def decode_column(column: dict[str, Any]) -> list[Any]:
    """A column of :func:`encode_columns` back to its values, as ``landgov-map.js`` reads it."""
    if "v" in column:
        return list(column["v"])
    if "l" in column:
        lines = column["l"]
        return [None if r is None else "\n".join(lines[k] for k in r) for r in column["r"]]
    return [None if c < 0 else column["d"][c] for c in column["c"]]


def json_for_script(obj: Any) -> str:
    """JSON that can sit inside ``<script type="application/json">`` and never end it.

    ``<``, ``>``, ``&`` and the line separators U+2028/U+2029 are written as ``\\uXXXX``
    escapes, so a value such as ``</script><script>…`` stays a string.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text
