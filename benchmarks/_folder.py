"""The input files of a sample or generated data folder, as the benchmark scripts run them.

The bundled sample writes Shapefiles and xlsx (``--formats county``); the generator's
``--formats bench`` writes GeoParquet, CSV and GeoPackage. Each role takes the first of its
names that exists in the folder.
"""

from __future__ import annotations

from pathlib import Path

from landgov.run.files import RunInputs

#: Each input role and its file names, in the order they are tried.
NAMES: dict[str, tuple[str, ...]] = {
    "parcels": ("parcels.shp", "parcels.parquet"),
    "enterprises": ("enterprises.xlsx", "enterprises.csv"),
    "links": ("links.xlsx", "links.csv"),
    "compliance": ("compliance.xlsx", "compliance.csv"),
    "planning": ("planning.shp", "planning.gpkg"),
    "demolition": ("demolition.shp", "demolition.gpkg"),
    "townships": ("townships.shp", "townships.gpkg"),
    "buildings": ("buildings.gpkg", "buildings.parquet"),
    "height_raster": ("height.tif",),
    "special_zones": ("special_zones.shp", "special_zones.gpkg"),
    "approved": ("approved.shp", "approved.gpkg"),
    "applications": ("applications.xlsx", "applications.csv"),
}


def folder_inputs(folder: Path, roles: tuple[str, ...]) -> RunInputs:
    """The :class:`~landgov.run.files.RunInputs` of ``folder`` for ``roles`` (missing: None)."""
    found = {
        role: next((folder / n for n in NAMES[role] if (folder / n).exists()), None)
        for role in roles
    }
    return RunInputs(**found)  # type: ignore[arg-type]
