"""The rings of a Shapefile's polygons as the .shp writes them, to check what GDAL made of them.

A Shapefile polygon is a list of rings; the ESRI Shapefile Technical Description (1998) tells
the outer rings from the holes by their direction only: an outer ring runs clockwise, a hole
counter-clockwise. GDAL builds the polygon from the rings and, where a hole lies outside every
outer ring (a digitising error, or a part drawn the wrong way round), reads that ring as one
more part (warning only once for the whole file, 「rings with invalid winding order.
Autocorrecting them」): the plot's area grows by the ring's area and nothing names the plot.

:func:`stray_holes` reads the .shp records with :mod:`struct` (no Shapefile library needed)
and returns, per record, the holes that lie in no outer ring of their record, so that the
reader can name the plot (:func:`landgov.io.parcels.read_layer`).
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

__all__ = ["StrayHoles", "stray_holes"]

_POLYGON_TYPES = {5, 15, 25}  # Polygon, PolygonZ, PolygonM: (X, Y) first, the same layout
_HEADER = 100  # the .shp main file header
_RECORD_HEADER = 8  # record number and content length (16-bit words), big-endian
_ONE_PART = struct.pack("<i", 1)


@dataclass(frozen=True)
class StrayHoles:
    """The holes of one record that lie in no outer ring of it.

    ``count`` holes, together ``area`` (square units of the layer's coordinates);
    ``spec_area`` is the record's area as the .shp's ring directions give it (outer rings
    less holes), to compare with GDAL's.
    """

    count: int
    area: float
    spec_area: float


def _signed_area(xy: np.ndarray) -> float:
    """Shoelace area: positive counter-clockwise, negative clockwise."""
    x, y = xy[:, 0] - xy[0, 0], xy[:, 1] - xy[0, 1]  # shifted: large eastings lose no digits
    return float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2.0


def _rings(content: bytes) -> list[np.ndarray]:
    """The (X, Y) rings of a Polygon/PolygonZ/PolygonM record's content."""
    n_parts, n_points = struct.unpack_from("<2i", content, 36)
    if n_parts < 2 or n_points < 8 or len(content) < 44 + 4 * n_parts + 16 * n_points:
        return []
    starts = list(struct.unpack_from(f"<{n_parts}i", content, 44))
    points = np.frombuffer(content, dtype="<f8", count=2 * n_points, offset=44 + 4 * n_parts)
    points = points.reshape(-1, 2)
    bounds = [*starts, n_points]
    return [points[a:b] for a, b in itertools.pairwise(bounds) if b - a >= 4]


def _stray(rings: list[np.ndarray]) -> StrayHoles | None:
    areas = [_signed_area(r) for r in rings]
    outer = [shapely.Polygon(r) for r, a in zip(rings, areas, strict=True) if a < 0]
    holes = [(shapely.Polygon(r), a) for r, a in zip(rings, areas, strict=True) if a > 0]
    if not outer or not holes:  # one direction only: GDAL sorts such rings by nesting
        return None
    shells = [shapely.make_valid(p) for p in outer]
    stray = [
        (h, a) for h, a in holes if not any(s.intersects(h.representative_point()) for s in shells)
    ]
    if not stray:
        return None
    return StrayHoles(len(stray), sum(a for _, a in stray), -sum(areas))


def stray_holes(path: Path) -> dict[int, StrayHoles]:
    """``{record position (GDAL's FID): StrayHoles}`` for the polygon records of the .shp at
    ``path`` that hold a hole outside all their outer rings; empty when the file cannot be read
    this way (GDAL has read it already, this only checks it)."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    out: dict[int, StrayHoles] = {}
    offset, position = _HEADER, 0
    while offset + _RECORD_HEADER + 4 <= len(data):
        _, words = struct.unpack_from(">2i", data, offset)
        start, offset = offset + _RECORD_HEADER, offset + _RECORD_HEADER + 2 * words
        if words < 2 or offset > len(data):
            break
        kind = struct.unpack_from("<i", data, start)[0]
        # only a record of two rings or more can hold a hole (its part count at byte 36)
        if (
            kind in _POLYGON_TYPES
            and words * 2 >= 44
            and data[start + 36 : start + 40] != _ONE_PART
        ):
            rings = _rings(data[start:offset])
            found = _stray(rings) if len(rings) >= 2 else None
            if found is not None:
                out[position] = found
        position += 1
    return out
