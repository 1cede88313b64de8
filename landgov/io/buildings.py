"""Read building footprints (建筑) for 容积率: storeys, storey height, building height.

Field aliases: 宗地代码/ZDDM (the parcel the building stands on; optional, buildings without it
are placed by location), 层数/CS, 层高/CG (m), 建筑高度/JZGD (m), 建筑面积/JZMJ (m², optional).
The layer is read by :func:`landgov.io.parcels.read_layer` (encoding and CRS inference, geometry
repair) and checked for values that cannot be right (0 or negative storeys, heights over 300 m).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from landgov.core.problems import ProblemLog, ReadResult, Severity
from landgov.io.fields import FieldSpec, Kind
from landgov.io.parcels import read_layer

__all__ = ["BUILDING_FIELDS", "read_buildings"]

BUILDING_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("parcel_id", "宗地代码", Kind.CODE, ("宗地代码", "ZDDM", "DKBM", "宗地编号")),
    FieldSpec("storeys", "层数", Kind.NUMBER, ("层数", "CS", "地上层数", "楼层数", "总层数")),
    FieldSpec("storey_height_m", "层高", Kind.NUMBER, ("层高", "CG", "平均层高")),
    FieldSpec("height_m", "建筑高度", Kind.NUMBER, ("建筑高度", "JZGD", "高度", "房屋高度")),
    FieldSpec(
        "floor_area_m2",
        "建筑面积",
        Kind.NUMBER,
        ("建筑面积", "JZMJ", "房屋建筑面积"),
        "m2",
        floor_area=True,
    ),
)

#: The tallest a building can plausibly be, m (the tallest in Zhejiang is about 310 m; an
#: industrial one far lower): a building record above it, or a height raster whose building
#: cells mostly are (:mod:`landgov.far.raster`), is not read as a height.
HEIGHT_MAX_M = 300.0
_LIMITS = {"storeys": (1, 100), "storey_height_m": (1.0, 60.0), "height_m": (0.5, HEIGHT_MAX_M)}


def _check_ranges(data: pd.DataFrame, log: ProblemLog) -> pd.DataFrame:
    """Values outside plausible ranges become missing (and are logged), never silently used."""
    out = data.copy()
    for name, (lo, hi) in _LIMITS.items():
        if name not in out:
            continue
        values = pd.to_numeric(out[name], errors="coerce")
        bad = values.notna() & ((values < lo) | (values > hi))
        for pos in np.flatnonzero(bad.to_numpy()):
            log.add(
                f"取值不合理（应在 {lo}–{hi} 之间），已置为缺失",
                row=int(out["source_row"].iloc[pos]),
                field=name,
                value=values.iloc[pos],
                action="核对建筑记录",
                severity=Severity.WARNING,
            )
        out[name] = values.where(~bad)
    return out


def read_buildings(
    path: str | Path,
    *,
    layer: str | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
    encoding: str | None = None,
    crs: str | None = None,
    cm: int | None = None,
) -> ReadResult:
    """Read a building-footprint layer (``encoding``, ``crs``, ``cm`` as for
    :func:`landgov.io.read_parcels`).

    Returns
    -------
    ReadResult
        ``data``: GeoDataFrame with ``parcel_id`` (may be missing), ``storeys``,
        ``storey_height_m`` (m), ``height_m`` (m), ``floor_area_m2`` (m², recorded, optional),
        ``source_row`` and ``area_m2`` (footprint area from the geometry, m²), in a projected
        CRS. Every canonical column exists (all missing when the file has no such field).
    """
    result = read_layer(
        path, specs=BUILDING_FIELDS, layer=layer, aliases=aliases, encoding=encoding, crs=crs,
        cm=cm, role="buildings",
    )  # fmt: skip
    log = ProblemLog(Path(path).name)
    data = result.data.copy()
    for spec in BUILDING_FIELDS:
        if spec.name not in data:
            data[spec.name] = np.nan if spec.kind is Kind.NUMBER else None
    data = _check_ranges(data, log)
    problems = pd.concat([result.problems, log.frame()], ignore_index=True)
    return ReadResult(data, result.rejected, problems, result.meta)
