"""Tiny screening run folders built by hand, for the stages that read a run (台账, 动态评价).

``fake_run(folder, plots, as_of=…)`` writes ``landgov.gpkg`` (``parcels``, ``governance``,
``enterprises``, ``township_summary``) and a sealed ``manifest.json`` through
:func:`landgov.core.runfolder.open_run`, as ``landgov screen`` would. Each plot is a dict with
at least ``parcel_id``; ``box`` = (x0, y0, x1, y1) in EPSG:4549 metres gives its square
(default: a 100 m square at position ``i``); ``screening_status`` defaults to 治理.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import box as shapely_box

from landgov import __version__
from landgov.core.runfolder import GPKG, open_run
from landgov.run.files import write_layer

__all__ = ["fake_run"]

_DEFAULTS = {
    "township": "斗门街道",
    "holder": "甲公司",
    "area_mu": 15.0,
    "tax_per_mu": 3.0,
    "value_added_per_mu": 40.0,
    "grade": "C",
    "screening_status": "治理",
    "path": "整治提升",
    "reasons": "规则 R4「整治提升」：亩均税收低于门槛",
    "citations": "[越政发〔2022〕24号 4]",
    "to_verify": None,
    "main_uscc": None,
}


def fake_run(
    folder: Path,
    plots: Sequence[Mapping[str, Any]],
    *,
    as_of: str,
    profile: str = "yuecheng-2022",
    version: str = "2022.1",
    enterprises: Sequence[Mapping[str, Any]] = (),
    townships: Sequence[Mapping[str, Any]] = (),
) -> Path:
    """Write a sealed run folder holding ``plots``; returns ``folder``."""
    rows = []
    for i, plot in enumerate(plots):
        row = _DEFAULTS | dict(plot)
        x0, y0, x1, y1 = row.pop(
            "box", (500_000 + 200 * i, 3_300_000, 500_100 + 200 * i, 3_300_100)
        )
        row["geometry"] = shapely_box(x0, y0, x1, y1)
        rows.append(row)
    parcels = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4549")
    governance = parcels[parcels["screening_status"] == "治理"]
    ents = pd.DataFrame(list(enterprises) or [{"uscc": "91330602000000000X", "grade": "C"}])
    towns = pd.DataFrame(list(townships) or [{"township": "全区", "n_parcels": len(parcels)}])
    with open_run(folder, stage="screen", inputs={}, overwrite=True, echo=None) as run:
        gpkg = run.path / GPKG
        write_layer(parcels, gpkg, layer="parcels")
        write_layer(governance, gpkg, layer="governance")
        write_layer(ents, gpkg, layer="enterprises")
        write_layer(towns, gpkg, layer="township_summary")
        run.finish(
            {
                "command": "landgov screen",
                "landgov_version": __version__,
                "generated_at": "2026-07-01T00:00:00+08:00",
                "as_of": as_of,
                "profile": {"name": profile, "version": version, "title": "", "chain": [profile]},
                "inputs": {},
                "outputs": {},
                "counts": {},
                "timings_s": {},
            }
        )
    return folder
