"""Read the 批而未供 layer: land approved for construction (农用地转用/土地征收 批次) and not yet
supplied [浙政发〔2023〕4号 第二条第（一）项第1目].

One polygon per 批次 (or per unsupplied part of one), with ``batch_name`` 批次名称,
``approval_no`` 批准文号, ``approval_date`` 批准日期 (required column), and the ledger areas
``approved_area_m2`` 批准面积, ``supplied_area_m2`` 已供面积, ``unsupplied_area_m2`` 未供面积
(m²; a unit in the header such as ``面积（公顷）`` or ``（亩）`` is converted), ``township`` 镇街.
Shapefile (GBK or UTF-8 .dbf, found from the .cpg or the bytes), GeoPackage, GeoParquet or any
OGR format, through :func:`landgov.io.parcels.read_layer` — so the file checks, the CRS
decision and the geometry repair are those of every other layer. Nothing is dropped: a row
without a usable polygon stays (``area_m2`` missing, a problem row); only points and lines are
rejected, as in every layer. What the rows mean (years since approval, the area still
unsupplied) is :mod:`landgov.screening.approved`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
from pyproj import CRS

from landgov.core.missing import missing_cells
from landgov.core.problems import ProblemLog, ReadResult, Severity
from landgov.io._areaunit import set_aside_area_in_wrong_unit
from landgov.io.fields import APPROVED_FIELDS
from landgov.io.parcels import read_layer

__all__ = ["read_approved"]

#: the ledger areas, the one compared with the shape (批准面积: the whole batch) first;
#: 已供面积 and 未供面积 are parts of it, set aside with it when its unit is off
_AREA_FIELDS = ["approved_area_m2", "supplied_area_m2", "unsupplied_area_m2"]


def _blank(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(True, index=frame.index)
    return missing_cells(frame[name])


def _log_gaps(
    data: pd.DataFrame, log: ProblemLog, field_map: Mapping[str, str], *, logged: set[int]
) -> None:
    """A problem row per blank 批准日期 and per row naming neither 批次名称 nor 批准文号.

    ``logged``: rows whose date cell held something unreadable (the converter logged those).
    """
    date_field = field_map.get("approval_date", "批准日期")
    no_date = _blank(data, "approval_date")
    no_name = _blank(data, "batch_name") & _blank(data, "approval_no")
    for row, blank, nameless in zip(data["source_row"], no_date, no_name, strict=True):
        if blank and int(row) not in logged:
            log.add(
                "批准日期缺失：批准至今年数无法计算，该批次列为待核实",
                row=int(row),
                field=date_field,
                action="补录批准日期（如 2021-03-05）后重新运行；该行保留",
            )
        if nameless:
            log.add(
                "批次名称和批准文号均为空：无法识别是哪一批次",
                row=int(row),
                field=field_map.get("batch_name", "批次名称"),
                action="补录批次名称或批准文号；该行保留",
                severity=Severity.WARNING,
            )


def read_approved(
    path: str | Path,
    *,
    layer: str | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
    encoding: str | None = None,
    crs: str | CRS | None = None,
    cm: int | None = None,
) -> ReadResult:
    """Read a 批而未供 (approved, not yet supplied) layer into the canonical schema.

    Parameters
    ----------
    path
        Shapefile, GeoPackage, GeoParquet or any OGR-readable polygon file.
    layer
        Layer name in a multi-layer file (default: the first).
    aliases
        Extra column names per canonical field (``{"approval_date": ["批复时间"]}``).
    encoding
        Force the .dbf encoding (default: the .cpg, else detected from the bytes).
    crs
        Force the CRS of the file.
    cm
        Central meridian (117, 120 or 123) of 6-digit eastings, where the file does not say it.

    Returns
    -------
    ReadResult
        ``data``: one row per 批次 polygon with the fields above, ``area_m2`` (geometry area in a
        projected CGCS2000 GK CRS; missing without a usable polygon) and ``source_row``;
        ``rejected``: rows whose geometry is a point or line. ``len(data) + len(rejected)``
        equals the rows in the file. A blank 批准日期 gives an 错误 row (the row is kept and
        reported 待核实), a row with neither 批次名称 nor 批准文号 a 警告 row. When the shapes
        are ~666.7 (亩) or ~10,000 (公顷) times the 批准面积 figures (a header with no unit),
        the three ledger areas are left missing, with one 警告 row.

    Raises
    ------
    SchemaError
        The file has no 批准日期 column (under any alias).
    """
    res = read_layer(
        path, specs=APPROVED_FIELDS, layer=layer, aliases=aliases, encoding=encoding, crs=crs,
        cm=cm, role="approved",
    )  # fmt: skip
    log = ProblemLog(Path(path).name)
    field_map = res.meta.get("field_map", {})
    logged: set[int] = set()
    if len(res.problems):
        dated = res.problems["field"] == field_map.get("approval_date")
        logged = {int(r) for r in res.problems.loc[dated, "row"].dropna()}
    set_aside_area_in_wrong_unit(
        res.data, _AREA_FIELDS, log, field_map, item="批次",
        consequence="台账面积按缺失处理：有图形的批次未供面积按图形计算，无图形的批次列为待核实",
        header_units=res.meta.get("header_units"),
    )  # fmt: skip
    _log_gaps(res.data, log, field_map, logged=logged)
    problems = pd.concat([res.problems, log.frame()], ignore_index=True)
    problems = problems.sort_values("row", kind="stable").reset_index(drop=True)
    return ReadResult(res.data, res.rejected, problems, res.meta)
