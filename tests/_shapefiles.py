"""Write Shapefiles the way other software does, independently of landgov.

The .shp/.shx come from GDAL (pyogrio) with an ASCII-only attribute table; the .dbf is then
replaced by one written here byte by byte (dBASE III, language driver byte as ArcGIS writes
it for code page 936), so the encoding under test was produced by neither landgov nor GDAL.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pyogrio
from pyproj import CRS
from shapely.geometry.base import BaseGeometry


def write_dbf(
    path: Path,
    fields: Sequence[tuple[str, int] | tuple[str, int, int]],
    records: Sequence[Sequence[str]],
    *,
    encoding: str,
    ldid: int = 0x4D,
) -> None:
    """A dBASE III file with fields encoded with ``encoding``.

    ``(name, width)`` is a character field; ``(name, width, decimals)`` a numeric (``N``) field,
    its values given as text and right-aligned as ArcGIS writes them.
    """
    today = dt.date(2024, 1, 1)
    header_len = 32 + 32 * len(fields) + 1
    record_len = 1 + sum(field[1] for field in fields)
    out = bytearray()
    out += struct.pack(
        "<BBBBIHH", 0x03, today.year - 1900, today.month, today.day, len(records),
        header_len, record_len,
    )  # fmt: skip
    out += bytes(17) + bytes([ldid]) + bytes(2)
    numeric = [len(field) == 3 for field in fields]
    for field in fields:
        name, width, decimals = (*field, 0)[:3]
        raw = name.encode(encoding)[:10]
        kind = b"N" if len(field) == 3 else b"C"
        out += raw + bytes(11 - len(raw)) + kind + bytes(4) + bytes([width, decimals]) + bytes(14)
    out += b"\r"
    for rec in records:
        out += b" "
        for field, is_number, value in zip(fields, numeric, rec, strict=True):
            width = field[1]
            raw = value.encode(encoding)
            if len(raw) > width:
                raise ValueError(
                    f"{value!r} needs {len(raw)} bytes in {encoding}, field has {width}"
                )
            pad = b" " * (width - len(raw))
            out += pad + raw if is_number else raw + pad
    out += b"\x1a"
    path.write_bytes(bytes(out))


def write_shapefile(
    path: Path,
    geoms: Sequence[BaseGeometry | None],
    fields: Sequence[tuple[str, int] | tuple[str, int, int]],
    records: Sequence[Sequence[str]],
    *,
    encoding: str = "GBK",
    prj: CRS | str | None = None,
    cpg: str | None = None,
) -> Path:
    """A Shapefile with the given geometries and a hand-written .dbf; optional .prj / .cpg."""
    # A placeholder CRS keeps GDAL quiet; the .prj it writes is removed or replaced below.
    gdf = gpd.GeoDataFrame({"ID": range(len(geoms))}, geometry=list(geoms), crs=4549)
    pyogrio.write_dataframe(gdf, path, driver="ESRI Shapefile")
    for suffix in (".cpg", ".prj"):
        path.with_suffix(suffix).unlink(missing_ok=True)
    write_dbf(path.with_suffix(".dbf"), fields, records, encoding=encoding)
    if prj is not None:
        text = prj if isinstance(prj, str) else prj.to_wkt("WKT1_ESRI")
        path.with_suffix(".prj").write_text(text, encoding="ascii")
    if cpg is not None:
        path.with_suffix(".cpg").write_text(cpg, encoding="ascii")
    return path


def write_shp_rings(
    path: Path,
    records: Sequence[Sequence[Sequence[tuple[float, float]]]],
    fields: Sequence[tuple[str, int] | tuple[str, int, int]],
    values: Sequence[Sequence[str]],
    *,
    encoding: str = "GBK",
    prj: CRS | None = None,
    measured: bool = False,
) -> Path:
    """A polygon Shapefile whose rings are written byte by byte as given: each record a list of
    closed rings, in that order and direction (the .shp says a hole by its direction only, so
    GDAL's writer, which puts every ring right, cannot make the files under test).
    ``measured``: a PolygonM (shape type 25) whose points carry M values 0, 1, 2 …, as ArcGIS
    writes a layer digitised with measures (pyogrio cannot write one)."""
    kind = 25 if measured else 5

    def content(rings: Sequence[Sequence[tuple[float, float]]]) -> bytes:
        points = [pt for ring in rings for pt in ring]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        starts, at = [], 0
        for ring in rings:
            starts.append(at)
            at += len(ring)
        out = struct.pack("<i4d2i", kind, min(xs), min(ys), max(xs), max(ys), len(rings), at)
        out += struct.pack(f"<{len(starts)}i", *starts)
        out += b"".join(struct.pack("<2d", x, y) for x, y in points)
        if measured:  # the M range, then one M per point
            out += struct.pack(f"<2d{at}d", 0.0, at - 1.0, *map(float, range(at)))
        return out

    bodies = [content(rings) for rings in records]
    all_points = [pt for rings in records for ring in rings for pt in ring]
    box_ = (
        min(x for x, _ in all_points), min(y for _, y in all_points),
        max(x for x, _ in all_points), max(y for _, y in all_points),
    )  # fmt: skip

    def header(length_bytes: int) -> bytes:
        return (
            struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length_bytes // 2)
            + struct.pack("<2i", 1000, kind)
            + struct.pack("<4d", *box_)
            + bytes(32)
        )

    shp = bytearray()
    shx = bytearray()
    offset = 100
    for number, body in enumerate(bodies, start=1):
        shx += struct.pack(">2i", offset // 2, len(body) // 2)
        shp += struct.pack(">2i", number, len(body) // 2) + body
        offset += 8 + len(body)
    path.write_bytes(header(100 + len(shp)) + bytes(shp))
    path.with_suffix(".shx").write_bytes(header(100 + len(shx)) + bytes(shx))
    write_dbf(path.with_suffix(".dbf"), fields, values, encoding=encoding)
    if prj is not None:
        path.with_suffix(".prj").write_text(prj.to_wkt("WKT1_ESRI"), encoding="ascii")
    return path
