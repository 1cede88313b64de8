"""Reading back the layers and tables a landgov run wrote, with one Chinese error when a file is
damaged.

A run folder is sealed (:mod:`landgov.core.runfolder`): each file's SHA-256 is in the manifest,
and the commands that build on a run check it. A file can still be damaged with the manifest
"resealed" (a copy tool, a disk error before the seal, a hand edit that rewrote the hashes), or
read by a command that does not check (``landgov map`` by default). GDAL, SQLite, Arrow and GEOS
then fail each in their own way, in English (``database disk image is malformed``, a
``UnicodeDecodeError`` in a text column, ``Couldn't deserialize thrift``, an invalid WKB). Every
reader of a run's ``landgov.gpkg`` or GeoParquet goes through :func:`run_layers`,
:func:`read_run_layer` and :func:`read_run_parquet`, which turn all of these into
:class:`~landgov.errors.DataFileError` naming the file, the layer and what to do.
"""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow
import pyarrow.parquet as pq
import pyogrio
import pyogrio.errors
import shapely.errors

from landgov.errors import DataFileError

__all__ = [
    "GDAL_ERRORS",
    "READ_ERRORS",
    "damaged_run_file",
    "read_run_layer",
    "read_run_parquet",
    "run_layers",
]

#: What pyogrio raises when GDAL cannot read a file or a layer (the readers of inputs turn it
#: into their message too, :func:`landgov.io._layercheck.gdal_error`).
GDAL_ERRORS: tuple[type[Exception], ...] = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
)
#: What reading a damaged run file raises (OSError is left to the command line, which says
#: what the system said: a missing file, no permission).
READ_ERRORS: tuple[type[Exception], ...] = (
    *GDAL_ERRORS,
    sqlite3.Error,
    UnicodeDecodeError,
    pyarrow.ArrowException,
    shapely.errors.ShapelyError,
)

# What the readers' words mean, said first (the words follow for whoever repairs the file).
_KINDS = (
    ("malformed", "数据库已损坏"),
    ("not a database", "不是 SQLite 数据库"),
    ("not recognized as", "不是可识别的 GeoPackage"),
    ("parquet magic", "不是完整的 Parquet 文件"),
    ("thrift", "Parquet 文件结构损坏"),
)
# layer_styles holds the QGIS styles of the others (landgov.reports.gis): not a layer
_NOT_LAYERS = frozenset({"layer_styles"})


def damaged_run_file(path: Path, exc: BaseException, *, layer: str | None = None) -> DataFileError:
    """The error for a run file that cannot be read: the file, the layer, the reader's words,
    and what to do.

    >>> error = damaged_run_file(Path("out/landgov.gpkg"), ValueError("x"), layer="parcels")
    >>> str(error).split("。")[0]
    'out/landgov.gpkg 的图层「parcels」无法读取（读取程序报告：x）：文件已损坏或被改动'
    """
    where = f"{path} 的图层「{layer}」" if layer else f"{path} "
    words = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    kind = "文字无法按 UTF-8 解读" if isinstance(exc, UnicodeDecodeError) else "读取程序报告"
    for key, said in _KINDS:
        if key in words.lower():
            kind = said
            break
    return DataFileError(
        f"{where}无法读取（{kind}：{words}）：文件已损坏或被改动。"
        "处理：重新运行 landgov screen / landgov far（或 landgov demo）生成结果目录；"
        "不要改动结果目录中的文件"
    )


def run_layers(gpkg: Path) -> dict[str, str | None]:
    """The layers of a run's GeoPackage, in the file's order, each with its geometry type
    (``None`` for a table without geometry); ``layer_styles`` left out.

    Raises
    ------
    DataFileError
        The file is not a readable GeoPackage.
    """
    try:
        rows = pyogrio.list_layers(gpkg)
    except READ_ERRORS as exc:
        raise damaged_run_file(gpkg, exc) from exc
    layers = {str(name): (None if kind is None else str(kind)) for name, kind in rows}
    return {k: v for k, v in layers.items() if k not in _NOT_LAYERS}


def read_run_layer(gpkg: Path, layer: str, *, geometry: bool = True) -> pd.DataFrame:
    """One layer of a run's GeoPackage: a GeoDataFrame, or a DataFrame for a table without
    geometry or with ``geometry=False``.

    Raises
    ------
    DataFileError
        The layer cannot be read (the file is damaged).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # e.g. "no geometry column" notices
            return pyogrio.read_dataframe(gpkg, layer=layer, read_geometry=geometry)
    except (*READ_ERRORS, ValueError) as exc:
        raise damaged_run_file(gpkg, exc, layer=layer) from exc


def read_run_parquet(path: Path, *, geometry: bool = True) -> pd.DataFrame:
    """A run's GeoParquet file: a GeoDataFrame, or a DataFrame when ``geometry`` is false or
    the file has no geometry column.

    Raises
    ------
    DataFileError
        The file cannot be read (it is damaged, or not Parquet).
    """
    try:
        if geometry and b"geo" in (pq.read_schema(path).metadata or {}):
            return gpd.read_parquet(path)
        return pd.read_parquet(path)
    except (*READ_ERRORS, ValueError) as exc:  # ValueError: geopandas on bad geo metadata
        raise damaged_run_file(path, exc) from exc
