"""GeoPackages written without SQLite forcing each transaction to disk.

A run writes its files into a temporary folder that takes the place of the output folder only
when the run is complete (:mod:`landgov.core.runfolder`); of its files only the manifest is
forced to disk (``fsync``), as a workbook or a GeoParquet file is not. SQLite, by default,
forces the GeoPackage to disk at every commit: on a 50,000-parcel run that waited 0.6–2.7 s for
the disk (of 2.0–4.1 s spent writing three layers, measured 2026-12-04) and protected nothing
the run keeps: a run cut short by a power failure is never sealed, whatever its GeoPackage holds.

:func:`unsynced` turns GDAL's syncs off (``OGR_SQLITE_SYNCHRONOUS=OFF``, pyogrio's GDAL) for as
long as any thread is inside it, then gives the option back its value; :data:`PRAGMA` does the
same for a connection of Python's ``sqlite3``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pyogrio

__all__ = ["OPTION", "PRAGMA", "unsynced"]

#: GDAL's configuration option for the ``synchronous`` pragma of the SQLite files it writes.
OPTION = "OGR_SQLITE_SYNCHRONOUS"
#: The same for a ``sqlite3`` connection (execute it first).
PRAGMA = "PRAGMA synchronous = OFF"

_lock = threading.Lock()
_inside = 0
#: The option's value before the first thread entered, as pyogrio reads it: text, or a bool
#: (``True`` / ``False`` for 「ON」 / 「OFF」) or a number, which it writes back the same.
_before: str | bool | int | None = None


@contextmanager
def unsynced() -> Iterator[None]:
    """GDAL writes SQLite files (GeoPackages) without syncs while any thread is inside.

    The option is process-wide in GDAL; it is set when the first thread enters and given back
    its earlier value (unset, or what the caller had set) when the last one leaves.
    """
    global _inside, _before  # noqa: PLW0603 - one count for the process, as GDAL's option is
    with _lock:
        if _inside == 0:
            _before = pyogrio.get_gdal_config_option(OPTION)
            pyogrio.set_gdal_config_options({OPTION: "OFF"})
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0:
                pyogrio.set_gdal_config_options({OPTION: _before})
