"""What GDAL raises when a GeoPackage write through Arrow fills the disk: SQLite has rolled the
batch back (SQLITE_FULL), and GDAL's own ROLLBACK then finds no transaction."""

from __future__ import annotations

import pyogrio

ROLLBACK = (
    "Error while writing batch to OGR layer: sqlite3_exec(ROLLBACK) failed: "
    "cannot rollback - no transaction is active"
)


def rolled_back(*args: object, **kwargs: object) -> None:
    """A ``pyogrio`` writer on a full disk (as measured on a 20 MB tmpfs)."""
    raise pyogrio.errors.DataLayerError(ROLLBACK)
