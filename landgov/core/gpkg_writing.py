"""How GDAL writes a run's GeoPackages: no syncs to disk, and 32 KiB SQLite pages.

A run writes its files into a temporary folder that takes the place of the output folder only
when the run is complete (:mod:`landgov.core.runfolder`); of its files only the manifest is
forced to disk (``fsync``), as a workbook or a GeoParquet file is not. SQLite, by default,
forces the GeoPackage to disk at every commit: on a 50,000-parcel run that waited 0.6–2.7 s for
the disk (of 2.0–4.1 s spent writing three layers, measured 2026-12-04) and protected nothing
the run keeps: a run cut short by a power failure is never sealed, whatever its GeoPackage holds.

A new GeoPackage gets SQLite pages of :data:`PAGE_SIZE` bytes instead of SQLite's 4,096. A row
of the 底数清单 holds about 2.6 KB, mostly text (reasons, clauses); two such rows do not fit on a
4 KiB page, so most rows took a page of their own. 30 counties of the province layers (508,000
rows in two layers) took 1,770 MB on 4 KiB pages, 1,428 MB on 8 KiB, 1,249 MB on 32 KiB and
1,225 MB on 64 KiB, and were appended about 10 % faster and read whole about a third faster on
big pages (bounding-box reads took the same time; measured 2026-12-05). 32 KiB keeps nearly all
of the gain and half the fixed cost of 64 KiB pages (each table and index of a GeoPackage takes
at least one page: about 0.8 MB for an empty run GeoPackage). Every SQLite since 3.7.1 (2010),
and so every GIS, reads any page size; the GeoPackage standard sets none. The page size of an
existing file is kept (SQLite changes it only when the file is rebuilt).

:func:`gpkg_writing` sets GDAL's options (:data:`OPTIONS`, pyogrio's GDAL) for as long as any
thread is inside it, then gives them back their values; :data:`PRAGMA` turns the syncs off for a
connection of Python's ``sqlite3`` (it never creates a GeoPackage).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyogrio

__all__ = ["OPTIONS", "PAGE_SIZE", "PRAGMA", "WRITE_ERRORS", "gpkg_writing"]

#: SQLite page size (bytes) of a GeoPackage the run creates.
PAGE_SIZE = 32768
#: GDAL's configuration options while a run writes a GeoPackage: the ``synchronous`` pragma of
#: the SQLite files it writes, and pragmas run on opening one (``page_size`` takes effect on a
#: new file only).
OPTIONS = {"OGR_SQLITE_SYNCHRONOUS": "OFF", "OGR_SQLITE_PRAGMA": f"page_size={PAGE_SIZE}"}
#: Syncs off for a ``sqlite3`` connection (execute it first).
PRAGMA = "PRAGMA synchronous = OFF"
#: What pyogrio raises when GDAL fails to write a GeoPackage: the file (open, create) or a layer
#: (a feature, or a batch through Arrow: on a full disk only 「cannot rollback」); the writers
#: turn it into the user's message (:func:`landgov.errors.write_failure`).
WRITE_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError)

_lock = threading.Lock()
_inside = 0
#: The options' values before the first thread entered, as pyogrio reads them: text, or a bool
#: (``True`` / ``False`` for 「ON」 / 「OFF」) or a number, which it writes back the same.
_before: dict[str, Any] = {}


def _ours(name: str, before: Any) -> str:
    """The value to set for ``name``: ours, with the pragmas a caller had set kept after it
    (GDAL takes them comma-separated, in order: the page size before a ``journal_mode=WAL``,
    which fixes it), theirs alone where they set the page size themselves."""
    ours = OPTIONS[name]
    if name != "OGR_SQLITE_PRAGMA" or not isinstance(before, str) or not before.strip():
        return ours
    if "page_size" in before.lower():
        return before
    return f"{ours},{before}"


@contextmanager
def gpkg_writing() -> Iterator[None]:
    """GDAL writes GeoPackages without syncs, new ones on :data:`PAGE_SIZE` pages, while any
    thread is inside.

    The options are process-wide in GDAL; they are set when the first thread enters and given
    back their earlier values (unset, or what the caller had set) when the last one leaves.
    """
    global _inside, _before  # noqa: PLW0603 - one count for the process, as GDAL's options are
    with _lock:
        if _inside == 0:
            _before = {name: pyogrio.get_gdal_config_option(name) for name in OPTIONS}
            pyogrio.set_gdal_config_options(
                {name: _ours(name, value) for name, value in _before.items()}
            )
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0:
                pyogrio.set_gdal_config_options(_before)
