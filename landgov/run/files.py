"""The files of a run: what goes in (:class:`RunInputs`, read and checked for plausibility) and
how a table goes out into the GeoPackage (:func:`write_layer`). Shared by both runs."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from tqdm.auto import tqdm

from landgov.core.plausible import check_reads
from landgov.core.problems import ReadResult
from landgov.errors import write_failure
from landgov.policy import Profile
from landgov.reports.gis import GPKG_VERSION, describe_layer
from landgov.verdict import Verdict

__all__ = [
    "RunInputs",
    "parquet_ready",
    "plausible_reads",
    "read_optional",
    "storable",
    "write_layer",
    "write_parquet",
]


@dataclass(frozen=True)
class RunInputs:
    """The files of one run (screening or 增容). Only ``parcels`` and ``enterprises`` are required;
    each stage reads the optional layers it uses."""

    parcels: Path
    enterprises: Path
    links: Path | None = None
    compliance: Path | None = None
    planning: Path | None = None
    demolition: Path | None = None
    townships: Path | None = None
    buildings: Path | None = None
    height_raster: Path | None = None
    special_zones: Path | None = None
    applications: Path | None = None
    approved: Path | None = None  # 批而未供 layer (screening only)

    def files(self) -> dict[str, Path]:
        """The given files by role."""
        return {f.name: Path(v) for f in fields(self) if (v := getattr(self, f.name)) is not None}


def _to_text(value: object) -> object:
    if isinstance(value, Verdict):
        return value.explain()
    if isinstance(value, list | tuple | set):
        return "；".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def storable(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns a GeoPackage can hold: dates as ISO text, lists and verdicts as text.

    A column of dates is converted once per distinct date. The result holds only text, blanks
    and numbers, so storing it again changes nothing.
    """
    out = frame.copy()
    for col in out.columns:
        if col == "geometry" or out[col].dtype != object:
            continue
        kind = pd.api.types.infer_dtype(out[col], skipna=True)
        if kind in {"string", "empty"}:
            continue  # text and blanks only: nothing to convert
        if kind == "date":  # dates and blanks (hashable, and no two of them equal by type)
            text = {v: _to_text(v) for v in set(out[col].tolist())}
            out[col] = out[col].map(text.__getitem__)
        else:
            out[col] = out[col].map(_to_text)
        if out[col].map(lambda v: v is None or isinstance(v, str)).all():
            out[col] = out[col].astype(object)
    return out


def _arrow_writes_same(frame: pd.DataFrame) -> bool:
    """Whether GDAL's Arrow interface writes ``frame`` as the row-by-row path does: the same
    field types and values whenever each object column holds only text and blanks (an object
    column of numbers or yes/no would become an INTEGER or BOOLEAN field instead of TEXT)."""
    return all(
        pd.api.types.infer_dtype(frame[col], skipna=True) in {"string", "empty"}
        for col in frame.columns
        if col != "geometry" and frame[col].dtype == object
    )


def write_layer(frame: pd.DataFrame, path: Path, *, layer: str) -> None:
    """Write (or replace) one layer or attribute table of a GeoPackage, keeping other layers.

    A new file is GeoPackage 1.2; each layer gets Chinese field aliases and QGIS styles
    (:mod:`landgov.reports.gis`). A layer whose object columns hold only text goes through
    GDAL's Arrow interface (:func:`_arrow_writes_same`), several times faster than row by row
    for the same file.
    """
    data = storable(frame)
    if isinstance(data, gpd.GeoDataFrame):
        data = data.reset_index(drop=True)
    else:
        data = pd.DataFrame(data).reset_index(drop=True)
    try:
        pyogrio.write_dataframe(
            data,
            path,
            layer=layer,
            driver="GPKG",
            layer_options={"OVERWRITE": "YES"},
            dataset_options=None if path.exists() else {"VERSION": GPKG_VERSION},
            use_arrow=_arrow_writes_same(data),
        )
        describe_layer(path, layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.FeatureError, sqlite3.Error) as exc:
        raise write_failure(path, exc) from exc


def parquet_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the types GeoParquet keeps as they are: numbers, booleans (nullable),
    dates and text; verdicts, lists and mixed columns become text as in :func:`storable`."""
    import pyarrow as pa

    out = frame.copy()
    for col in out.columns:
        if col == "geometry" or out[col].dtype != object:
            continue
        kind = pd.api.types.infer_dtype(out[col], skipna=True)
        if kind in {
            "string",
            "empty",
            "date",
            "boolean",
            "integer",
            "floating",
            "mixed-integer-float",
        }:
            try:
                pa.array(out[col].tolist(), from_pandas=True)
                continue
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                pass
        text = [_to_text(v) for v in out[col].tolist()]
        out[col] = pd.Series(
            [
                v if v is None or isinstance(v, str) else None if pd.isna(v) else str(v)
                for v in text
            ],
            index=out.index,
            dtype=object,
        )
    return out


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write the lossless full output: GeoParquet (plain Parquet for a table without shapes)."""
    data = parquet_ready(frame).reset_index(drop=True)
    try:
        data.to_parquet(path, index=False)
    except OSError as exc:
        raise write_failure(path, exc) from exc


def read_optional(
    path: Path | None,
    reader: Callable[..., ReadResult],
    aliases: Mapping[str, Iterable[str]] | None,
) -> ReadResult | None:
    return None if path is None else reader(path, aliases=aliases)


def plausible_reads(
    reads: dict[str, ReadResult], inputs: RunInputs, prof: Profile, as_of: dt.date
) -> dict[str, ReadResult]:
    """Implausible values → missing with a problem row; as-of warnings also on the console."""
    names = {role: path.name for role, path in inputs.files().items()}
    checked = check_reads(reads, profile=prof, as_of=as_of, sources=names)
    for line in checked.warnings:
        tqdm.write(line, file=sys.stderr)
    return checked.reads
