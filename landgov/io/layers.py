"""Readers for the other polygon layers a county holds: planning, demolition plans, special
zones and township boundaries. Same evidence and problems as :func:`landgov.io.read_parcels`;
``encoding`` (of a .dbf), ``crs`` and ``cm`` (the central meridian of 6-digit eastings) force
what the file does not say, as there."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from pyproj import CRS

from landgov.core.planning import read_inside_line
from landgov.core.problems import ReadResult
from landgov.io.fields import DEMOLITION_FIELDS, PLANNING_FIELDS, TOWNSHIP_FIELDS, ZONE_FIELDS
from landgov.io.parcels import read_layer

__all__ = ["read_demolition", "read_planning", "read_townships", "read_zones"]


def read_planning(
    path: str | Path,
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
    encoding: str | None = None,
    crs: str | CRS | None = None,
    cm: int | None = None,
) -> ReadResult:
    """Planned-use polygons: ``planned_use`` (规划用途), ``inside_control_line`` (bool/None)."""
    res = read_layer(
        path, specs=PLANNING_FIELDS, aliases=aliases, encoding=encoding, crs=crs, cm=cm,
        role="planning",
    )  # fmt: skip
    data = res.data
    if "inside_control_line" in data:
        data = data.assign(inside_control_line=data["inside_control_line"].map(read_inside_line))
    return ReadResult(data, res.rejected, res.problems, res.meta)


def read_demolition(
    path: str | Path,
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
    encoding: str | None = None,
    crs: str | CRS | None = None,
    cm: int | None = None,
) -> ReadResult:
    """Recent demolition-plan areas (近年拆迁计划): ``plan_name``, ``plan_year``. A layer with
    no feature is a county without a plan (read as none, with a warning row)."""
    return read_layer(
        path, specs=DEMOLITION_FIELDS, aliases=aliases, encoding=encoding, crs=crs, cm=cm,
        role="demolition",
        empty="无拆迁计划",
    )  # fmt: skip


def read_zones(
    path: str | Path,
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
    encoding: str | None = None,
    crs: str | CRS | None = None,
    cm: int | None = None,
) -> ReadResult:
    """Special zones with their own policy (e.g. 马海片区): ``zone_name``. A layer with no
    feature is a county without such a zone (read as none, with a warning row)."""
    return read_layer(
        path, specs=ZONE_FIELDS, aliases=aliases, encoding=encoding, crs=crs, cm=cm,
        role="special_zones",
        empty="无特殊片区",
    )  # fmt: skip


def read_townships(
    path: str | Path,
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
    encoding: str | None = None,
    crs: str | CRS | None = None,
    cm: int | None = None,
) -> ReadResult:
    """Township (镇街) boundaries: ``township``."""
    return read_layer(
        path, specs=TOWNSHIP_FIELDS, aliases=aliases, encoding=encoding, crs=crs, cm=cm,
        role="townships",
    )  # fmt: skip
