"""Write parcels into one PMTiles archive of Mapbox vector tiles, with GDAL (through pyogrio).

GDAL's PMTiles driver (shipped in pyogrio's wheels since GDAL 3.8) cuts the tiles; no
tippecanoe is needed. The archive carries only what the GPU draws: the geometry, the row
number ``i`` (popups and search look the rest up in the attribute chunks) and one small integer
class per theme (``t_<theme>``). Each parcel is written at every zoom from ``minzoom`` to
``maxzoom``; MapLibre over-zooms the last level, so ``maxzoom`` 14 suffices for street views.
GDAL's time grows with the zoom levels written (each costs about the same per parcel: 50,000
parcels took 3.5, 6.6 and 10.0 s CPU for zooms 14, 13–14 and 12–14), so the archive starts at
zoom 13 (a 100 m parcel is about 12 px there); below it the page shows 区县/镇街 totals.

GDAL cuts tiles on one core. Large runs are split at a zoom-13 tile column into ``workers``
halves written by separate processes, each holding every parcel that reaches into its columns
(so tiles at the seam are complete), and the halves' tiles are merged into one archive with
the ``pmtiles`` package, each tile taken from the half that owns its column.
"""

from __future__ import annotations

import gzip
import itertools
import json
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from pmtiles.reader import MmapSource, all_tiles
from pmtiles.tile import deserialize_header, zxy_to_tileid
from pmtiles.writer import Writer

from landgov.errors import DataFileError

__all__ = ["LAYER", "MAXZOOM", "MINZOOM", "PendingArchive", "start_archive", "write_archive"]

LAYER = "parcels"
MINZOOM = 13
MAXZOOM = 14
#: Per-tile limits far above any real tile: GDAL would otherwise drop or thin features.
_MAX_SIZE = 50_000_000
_MAX_FEATURES = 5_000_000


def _has_driver() -> bool:
    return "w" in pyogrio.list_drivers().get("PMTiles", "")


#: Below this many parcels one process is quicker than starting two.
PARALLEL_FROM = 100_000
_SPLIT_ZOOM = MINZOOM


def _column_lon(x: int) -> float:
    return x * 360.0 / 2**_SPLIT_ZOOM - 180.0


def _split(frame: gpd.GeoDataFrame, workers: int) -> list[tuple[gpd.GeoDataFrame, int, int]]:
    """Parts by split-zoom tile column: (parcels reaching into the columns, first, last column)."""
    box = shapely.bounds(frame.geometry.to_numpy())
    mid = (box[:, 0] + box[:, 2]) / 2
    cols = np.floor((mid + 180.0) / 360.0 * 2**_SPLIT_ZOOM).astype(np.int64)
    cuts = np.unique(np.quantile(cols, np.linspace(0, 1, workers + 1)[1:-1]).astype(np.int64))
    edges = [-1, *[int(c) for c in cuts if cols.min() <= c < cols.max()], 2**_SPLIT_ZOOM - 1]
    margin = 360.0 / 2**_SPLIT_ZOOM * 0.1  # wider than GDAL's tile buffer (80/4096)
    parts = []
    for lo, hi in itertools.pairwise(edges):
        west, east = _column_lon(lo + 1) - margin, _column_lon(hi + 1) + margin
        take = (box[:, 2] >= west) & (box[:, 0] <= east)
        if take.any():
            parts.append((frame[take], lo + 1, hi))
    return parts


def _write_one(frame: gpd.GeoDataFrame, path: Path, minzoom: int, maxzoom: int) -> Path:
    path.unlink(missing_ok=True)  # GDAL cannot add to an existing archive
    pyogrio.write_dataframe(
        frame,
        path,
        layer=LAYER,
        driver="PMTiles",
        dataset_options={
            "MINZOOM": minzoom,
            "MAXZOOM": maxzoom,
            "MAX_SIZE": _MAX_SIZE,
            "MAX_FEATURES": _MAX_FEATURES,
            "NAME": "landgov parcels",
        },
    )
    return path


def _merge(parts: list[tuple[Path, int, int]], path: Path) -> None:
    """One archive from the parts, each tile from the part owning its split-zoom column."""
    tiles: dict[int, bytes] = {}
    header: dict | None = None
    metadata: dict = {}
    bounds = []
    for part, first, last in parts:
        with part.open("rb") as handle:
            get = MmapSource(handle)
            head = deserialize_header(get(0, 127))
            if header is None:
                header = head
                raw = get(head["metadata_offset"], head["metadata_length"])
                metadata = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
            bounds.append(head)
            for (z, x, y), data in all_tiles(get):
                if first <= x >> (z - _SPLIT_ZOOM) <= last:
                    tiles[zxy_to_tileid(z, x, y)] = data
    assert header is not None
    for key, pick in (
        ("min_lon_e7", min),
        ("min_lat_e7", min),
        ("max_lon_e7", max),
        ("max_lat_e7", max),
    ):
        header[key] = pick(h[key] for h in bounds)
    header["center_lon_e7"] = (header["min_lon_e7"] + header["max_lon_e7"]) // 2
    header["center_lat_e7"] = (header["min_lat_e7"] + header["max_lat_e7"]) // 2
    with path.open("wb") as out:
        writer = Writer(out)
        for tile_id in sorted(tiles):
            writer.write_tile(tile_id, tiles[tile_id])
        writer.finalize(header, metadata)


class PendingArchive:
    """An archive being cut by worker processes; :meth:`result` waits, merges and returns it.

    The caller's process is free meanwhile (the tiled map writes its look-up files then).
    :meth:`close` (also on leaving a ``with`` block) stops the workers and removes their
    parts when the archive is not wanted any more.
    """

    def __init__(
        self, frame: gpd.GeoDataFrame, path: Path, minzoom: int, maxzoom: int, workers: int
    ) -> None:
        self.path = path
        parts = _split(frame, workers)
        self._tmp = Path(tempfile.mkdtemp(prefix="landgov-tiles-", dir=path.parent))
        context = multiprocessing.get_context("spawn")  # no fork of a threaded process
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=workers, mp_context=context
        )
        self._futures = [
            self._pool.submit(_write_one, part, self._tmp / f"part{k}.pmtiles", minzoom, maxzoom)
            for k, (part, _, _) in enumerate(parts)
        ]
        self._columns = [(first, last) for _, first, last in parts]  # the frames can go

    def result(self) -> Path:
        """Wait for the workers and merge their parts into :attr:`path`."""
        try:
            done = [f.result() for f in self._futures]
            self.path.unlink(missing_ok=True)
            _merge([(d, *c) for d, c in zip(done, self._columns, strict=True)], self.path)
        except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise DataFileError(f"无法写入瓦片文件 {self.path}：{exc}") from exc
        finally:
            self.close()
        return self.path

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> PendingArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Done(PendingArchive):
    """An archive written in this process already."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def result(self) -> Path:
        return self.path

    def close(self) -> None:
        pass


def start_archive(
    frame: gpd.GeoDataFrame,
    path: Path,
    *,
    minzoom: int = MINZOOM,
    maxzoom: int = MAXZOOM,
    workers: int | None = None,
) -> PendingArchive:
    """Start writing ``frame`` (lon/lat, EPSG:4326) as layer :data:`LAYER` of a new archive.

    ``workers`` processes cut the tiles (default: 2 when the machine has two cores and the
    frame at least :data:`PARALLEL_FROM` parcels, else 1: then the archive is written before
    this returns). Call ``result()`` on what it returns to get the finished archive.

    Raises
    ------
    DataFileError
        GDAL lacks the PMTiles driver, or the archive cannot be written.
    """
    if not _has_driver():
        raise DataFileError(
            "当前 GDAL 不支持写 PMTiles 瓦片（需 GDAL ≥ 3.8）："
            "请升级 pyogrio（pip install -U pyogrio）"
        )
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(frame) >= PARALLEL_FROM else 1
    try:
        if workers > 1 and minzoom >= _SPLIT_ZOOM:
            return PendingArchive(frame, path, minzoom, maxzoom, workers)
        return _Done(_write_one(frame, path, minzoom, maxzoom))
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise DataFileError(f"无法写入瓦片文件 {path}：{exc}") from exc


def write_archive(
    frame: gpd.GeoDataFrame,
    path: Path,
    *,
    minzoom: int = MINZOOM,
    maxzoom: int = MAXZOOM,
    workers: int | None = None,
) -> Path:
    """Write ``frame`` as a new PMTiles archive and return it (:func:`start_archive`, waited)."""
    pending = start_archive(frame, path, minzoom=minzoom, maxzoom=maxzoom, workers=workers)
    return pending.result()
