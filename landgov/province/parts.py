"""A county's part of the province layers: made into Arrow once, by the worker.

The worker (:func:`landgov.province.county.screen_county`) writes the county's 底数清单 in the
province schema as an Arrow IPC file (:func:`write_part`): the rows of the GeoParquet layer
(geometry as WKB), and beside them the geometry as the GeoPackage layers store it with each
layer's geometry type, worked out as ``pyogrio.write_dataframe(..., promote_to_multi=True)``
does (a Polygon is written as a one-part MultiPolygon). The driver maps the file
(:func:`read_part`) and hands the tables to the GeoParquet writer and to GDAL as they are: no
pandas frame, no geometry parsed again, while both workers go on screening.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from landgov.core.vocab import ScreeningStatus

__all__ = ["LAYERS", "Part", "read_part", "write_part"]

#: The GeoPackage layers of the province and what keeps a row in each (``None``: every row).
LAYERS: dict[str, str | None] = {"parcels": None, "governance": ScreeningStatus.GOVERN.value}
_STATUS = "screening_status"
_GPKG_GEOMETRY = "__gpkg_geometry"
_GPKG_TYPES = b"landgov:gpkg_geometry_types"
_MULTI = {"Point": "MultiPoint", "LineString": "MultiLineString", "Polygon": "MultiPolygon"}
_MAKE_MULTI = {
    "Point": shapely.multipoints,
    "LineString": shapely.multilinestrings,
    "Polygon": shapely.multipolygons,
}


def _layer_type(geometry: gpd.GeoSeries) -> str:
    """The layer geometry type pyogrio gives these geometries (``promote_to_multi=True``)."""
    if geometry.empty:
        return "Unknown"
    has_z = bool(geometry[geometry.notna() & ~geometry.is_empty].has_z.any())
    types = set(pd.Series(geometry.geom_type.unique()).dropna())
    kind = "Unknown"
    if len(types) == 1:
        (kind,) = types
        kind = _MULTI.get(kind, kind)
    elif len(types) == 2 and any(types == {single, multi} for single, multi in _MULTI.items()):
        kind = next(multi for single, multi in _MULTI.items() if types == {single, multi})
    return f"{kind} Z" if has_z and kind != "Unknown" else kind


def _promoted(geometry: gpd.GeoSeries) -> np.ndarray:
    """The geometries with every single-part Point, LineString and Polygon made multi-part."""
    out = geometry.to_numpy().copy()
    kinds = geometry.geom_type.to_numpy()
    for single, make in _MAKE_MULTI.items():
        mask = kinds == single
        if mask.any():
            out[mask] = make(np.atleast_2d(out[mask]), axis=0)
    return out


def _typed_columns(table: pa.Table) -> pa.Table:
    """The dates and the geometry (WKB) with their types, also where a county has no value.

    pandas hands Arrow dates and WKB as objects: a county with no value in such a column (no
    plot left, or a date field it did not deliver) gives a column of no type, and the province
    layers take their schema from the first county, so a later county's rows could not be
    appended (the whole run stopped).
    """
    from landgov.province.county import PROVINCE_COLUMNS

    for i, field in enumerate(table.schema):
        kind = "geometry" if field.name == "geometry" else PROVINCE_COLUMNS.get(field.name)
        typed = {"date": pa.date32(), "geometry": pa.binary()}.get(kind or "")
        if typed is not None and pa.types.is_null(field.type):
            table = table.set_column(i, field.with_type(typed), table[i].cast(typed))
    return table


def write_part(rows: gpd.GeoDataFrame, path: str | Path) -> int:
    """Write a county's rows (province schema, one CRS) as an Arrow IPC part file; the rows."""
    geometry = rows.geometry
    frame = pd.DataFrame(rows.drop(columns=geometry.name))
    frame["geometry"] = shapely.to_wkb(geometry.to_numpy())
    table = _typed_columns(pa.Table.from_pandas(frame, preserve_index=False))
    types = {
        layer: _layer_type(geometry if keep is None else geometry[rows[_STATUS] == keep])
        for layer, keep in LAYERS.items()
    }
    gpkg_geometry = pa.array(shapely.to_wkb(_promoted(geometry)), type=pa.binary())
    table = table.append_column(_GPKG_GEOMETRY, gpkg_geometry)
    meta = {**(table.schema.metadata or {}), _GPKG_TYPES: json.dumps(types).encode()}
    table = table.replace_schema_metadata(meta)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return table.num_rows


@dataclass(frozen=True)
class Part:
    """A county's part file, read: the GeoParquet rows and each GeoPackage layer's rows."""

    table: pa.Table
    """The rows of the GeoParquet layer (geometry as WKB), with pandas' schema metadata."""
    gpkg_geometry: pa.ChunkedArray
    geometry_types: dict[str, str]

    def layer(self, name: str) -> tuple[pa.Table, str]:
        """Layer ``name`` of the GeoPackage: its rows (geometry as written) and geometry type.

        The table is the one ``pyogrio.write_dataframe(..., use_arrow=True)`` hands to GDAL:
        the columns in order, the geometry last, columns of no type (all missing) as text.
        """
        index = self.table.schema.get_field_index("geometry")
        table = self.table.set_column(index, "geometry", self.gpkg_geometry)
        keep = LAYERS[name]
        if keep is not None:
            table = table.filter(pc.equal(table[_STATUS], keep))
        for i, field in enumerate(table.schema):
            if pa.types.is_null(field.type):
                table = table.set_column(
                    i, field.with_type(pa.string()), table[i].cast(pa.string())
                )
        return table, self.geometry_types[name]


def read_part(path: str | Path) -> Part:
    """Map a part file written by :func:`write_part`."""
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_file(source).read_all()
    meta = dict(table.schema.metadata or {})
    types = json.loads(meta.pop(_GPKG_TYPES))
    gpkg_geometry = table[_GPKG_GEOMETRY]
    table = table.drop_columns([_GPKG_GEOMETRY]).replace_schema_metadata(meta)
    return Part(table, gpkg_geometry, types)
