"""The files of a run: what goes in (:class:`RunInputs`, read on two processes by
:func:`read_files` and checked for plausibility) and how a table goes out into the GeoPackage
(:func:`write_layer`). Shared by both runs."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from tqdm.auto import tqdm

from landgov.core import forked
from landgov.core.gpkg_writing import WRITE_ERRORS, gpkg_writing
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
    "read_files",
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
    """Columns a GeoPackage can hold: dates as ISO text, lists and verdicts as text, yes/no
    with blanks as nullable booleans.

    A column of dates is converted once per distinct date. An object column holding only
    ``True``/``False`` and blanks (far's ``inside_control_line``: blank where no planning
    polygon says) becomes ``boolean``, a BOOLEAN field like every other yes/no field of the
    layers, not the text 「True」/「False」 the row-by-row writer makes of Python booleans. The
    result holds only text, blanks, numbers and booleans, so storing it again changes nothing.
    """
    out = frame.copy()
    for col in out.columns:
        if col == "geometry" or out[col].dtype != object:
            continue
        kind = pd.api.types.infer_dtype(out[col], skipna=True)
        if kind in {"string", "empty"}:
            continue  # text and blanks only: nothing to convert
        if kind == "boolean":  # True/False and blanks (None, NaN, NA) only
            out[col] = out[col].astype("boolean")
            continue
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


@contextmanager
def _writing_layer(
    path: Path, layer: str, *, needed: Callable[[], int] = lambda: 0
) -> Iterator[dict[str, Any]]:
    """Write one layer of the GeoPackage ``path`` as every layer of a run is written: the
    ``pyogrio`` options to pass (replacing a layer of that name; a new file GeoPackage 1.2),
    GDAL's syncs off and a new file's 32 KiB pages meanwhile (:mod:`landgov.core.gpkg_writing`),
    then the layer's Chinese field aliases and QGIS styles (:mod:`landgov.reports.gis`); a
    failure as the user's message naming the file (:func:`~landgov.errors.write_failure`;
    ``needed``: the bytes the layer takes at least, asked only then, to tell a full disk)."""
    options = {
        "layer": layer,
        "driver": "GPKG",
        "layer_options": {"OVERWRITE": "YES"},
        "dataset_options": None if path.exists() else {"VERSION": GPKG_VERSION},
    }
    try:
        with gpkg_writing():  # as the run folder's other GeoPackages
            yield options
        describe_layer(path, layer)
    except (*WRITE_ERRORS, sqlite3.Error) as exc:  # sqlite3: the aliases and styles
        raise write_failure(path, exc, needed=needed()) from exc


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
    with _writing_layer(path, layer, needed=lambda: _text_bytes(data)) as options:
        pyogrio.write_dataframe(data, path, use_arrow=_arrow_writes_same(data), **options)


def _text_bytes(frame: pd.DataFrame) -> int:
    """The UTF-8 bytes of a frame's text cells: at least what they take in a file."""
    total = 0
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            sizes = [len(v.encode("utf-8", "replace")) for v in column.tolist() if type(v) is str]
            total += sum(sizes)
    return total


def copy_layer_through_gdal(source: Path, target: Path, *, layer: str) -> None:
    """Copy (or replace) the layer ``layer`` of the GeoPackage ``source`` into ``target``, as
    GDAL reads and writes it through Arrow: its fields and their types as they are (dates,
    是/否 booleans), the geometry as stored, with the Chinese aliases and QGIS styles
    :func:`write_layer` gives. For a layer whose frame is gone and that an SQLite-level copy
    (:mod:`landgov.reports._gpkgcopy`) cannot take."""
    size: list[int] = []
    with _writing_layer(target, layer, needed=lambda: sum(size)) as options:
        meta, table = pyogrio.read_arrow(source, layer=layer)
        size.append(table.nbytes)
        geometry = meta["geometry_name"] or ("wkb_geometry" if meta["geometry_type"] else None)
        pyogrio.write_arrow(
            table, target, geometry_name=geometry, geometry_type=meta["geometry_type"],
            crs=meta["crs"], encoding="UTF-8", **options,
        )  # fmt: skip


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


#: The roles a forked child reads while this process reads the others (:func:`read_files`):
#: the enterprise table and the links, text tables that take long to parse (as long as the
#: parcels together) and whose frames of text and numbers pickle back in milliseconds — a
#: layer's shapes cost a tenth of a second each way.
CHILD_ROLES = frozenset({"enterprises", "links"})
#: Below this many bytes of the child's files everything is read here: forking costs about
#: 30 ms, what 64 KB of CSV takes to read.
CHILD_MIN_BYTES = 64 * 1024

#: What :func:`read_files` reads: the file and the reader of each role, in the order of a run.
Jobs = Mapping[str, tuple[Path, Callable[..., ReadResult]]]


def _read_in_order(
    jobs: Jobs, aliases: Mapping[str, Iterable[str]] | None
) -> dict[str, ReadResult]:
    return {role: reader(path, aliases=aliases) for role, (path, reader) in jobs.items()}


def _size(jobs: Jobs) -> int:
    try:
        return sum(Path(path).stat().st_size for path, _ in jobs.values())
    except OSError:  # a missing file: its reader says so, in the order of the run
        return 0


def read_files(jobs: Jobs, aliases: Mapping[str, Iterable[str]] | None) -> dict[str, ReadResult]:
    """Read the files of a run, those of :data:`CHILD_ROLES` in a forked child meanwhile.

    Parameters
    ----------
    jobs
        File and reader by role, in the order a run reads them (the order of the result).
    aliases
        Extra column names for every reader.

    Returns
    -------
    dict
        The :class:`ReadResult` of each role, as its reader returned it.

    Raises
    ------
    LandgovError, OSError
        What the first reader to fail raises when the files are read one after another: when
        any reader fails (here or in the child), the files are read again in order here, so
        that the error and its message are those of a run on one process.
    """
    theirs = {role: job for role, job in jobs.items() if role in CHILD_ROLES}
    if not theirs or not forked.can_fork() or _size(theirs) < CHILD_MIN_BYTES:
        return _read_in_order(jobs, aliases)
    ours = {role: job for role, job in jobs.items() if role not in theirs}
    try:
        with forked.start(_read_in_order, theirs, aliases) as child:
            done = _read_in_order(ours, aliases)
            done |= child.result()
    except Exception:  # the error of the first file to fail, as a run on one process gives it
        return _read_in_order(jobs, aliases)
    return {role: done[role] for role in jobs}


def plausible_reads(
    reads: dict[str, ReadResult], inputs: RunInputs, prof: Profile, as_of: dt.date
) -> dict[str, ReadResult]:
    """Implausible values → missing with a problem row; as-of warnings also on the console."""
    names = {role: path.name for role, path in inputs.files().items()}
    checked = check_reads(reads, profile=prof, as_of=as_of, sources=names)
    for line in checked.warnings:
        tqdm.write(line, file=sys.stderr)
    return checked.reads
