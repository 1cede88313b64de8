"""The files of a Shapefile beside its .shp, whatever the case of their extensions.

ArcGIS and old export tools write 「宗地.SHP」 with 「宗地.DBF」 and 「宗地.PRJ」; GDAL reads them.
Every check of landgov that looks for a part (the .dbf's encoding, the .prj's CRS, a missing
.shx) finds it through :func:`sidecar`, so an upper-case set is read as GDAL reads it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["sidecar"]


def sidecar(path: Path, suffix: str) -> Path | None:
    """The part of the Shapefile ``path`` with extension ``suffix`` (「.dbf」), lower- or
    upper-case; ``None`` when there is none."""
    for candidate in (path.with_suffix(suffix.lower()), path.with_suffix(suffix.upper())):
        if candidate.is_file():
            return candidate
    return None
