"""The one 镇街 of each plot, decided once after reading and used by every output.

A plot's 镇街 is its own 镇街 field when that is given. When the field is blank and a 镇街
boundary layer (``--townships``) is given, it is the 镇街 whose boundary holds **most** (more
than half) of the plot's area. The lists, the GeoPackage/GeoParquet, the 镇街汇总, the maps and
the ``--by-township`` folders all read this one value (the ``township`` column of the parcels),
so a plot is counted in the same 镇街 everywhere.

Every decision is said, in the plot's ``township_note`` (镇街说明) and in 问题记录 (one row per
kind and 镇街, with the rows, as :func:`landgov.core.townnames.unify_townships` does):

- blank, placed by the boundary layer: 提示 「镇街为空，按镇街边界定为…」;
- given, but most of the plot lies in another 镇街's boundary: kept as given, 警告 naming both;
- blank and not placed (no layer; outside every boundary or no 镇街 holds more than half of it;
  no shape): left blank, counted under 镇街不明, 警告.

A given 镇街 is never replaced: the field is the record, the boundary only a drawing of it.
The 批而未供 batches (:mod:`landgov.screening.approved`) are no plots and are placed there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landgov.core.listing import first_few
from landgov.core.missing import present_column
from landgov.core.problems import ProblemLog, ReadResult, Severity
from landgov.core.townnames import short_form
from landgov.core.vocab import UNKNOWN_TOWNSHIP

__all__ = ["MOST", "TOWNSHIP_NOTE", "place_parcels", "plot_townships"]

#: The share of a plot's area a 镇街 boundary must hold to be the 镇街 the plot lies in.
MOST = 0.5
#: The parcels' column saying how their ``township`` was decided (镇街说明).
TOWNSHIP_NOTE = "township_note"
_COLUMN = "township"
_SHOWN_ROWS = 20  # rows of a file named in one problem row
_BY_BOUNDARY = "按镇街边界"
_FILL_IN = "在源表中填写镇街后重新运行"


def plot_townships(parcels: pd.DataFrame, boundaries: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """The 镇街 each plot's field gives and the 镇街 boundary it lies in, with that share.

    Parameters
    ----------
    parcels
        Plots (``township`` optional; a geometry when a GeoDataFrame).
    boundaries
        镇街 boundary polygons with ``township``; several polygons of one name count as one.

    Returns
    -------
    pandas.DataFrame
        Indexed as ``parcels``: ``given`` (the field, blanks and 「—」 missing), ``boundary``
        (the 镇街 holding more than half of the plot's area, else missing) and ``share``
        (the largest share of the plot's area in one 镇街, 0–1; missing without a layer or a
        shape).
    """
    given = (
        present_column(parcels[_COLUMN]).astype(object)
        if _COLUMN in parcels.columns
        else pd.Series(None, index=parcels.index, dtype=object)
    )
    out = pd.DataFrame({"given": given, "boundary": None, "share": np.nan}, index=parcels.index)
    out["boundary"] = out["boundary"].astype(object)
    if not _usable(parcels, boundaries):
        return out
    assert isinstance(parcels, gpd.GeoDataFrame) and boundaries is not None
    bounds = boundaries[boundaries.geometry.notna() & ~boundaries.geometry.is_empty]
    bounds = bounds[present_column(bounds[_COLUMN]).notna()]
    if bounds.crs is not None and parcels.crs is not None and bounds.crs != parcels.crs:
        bounds = bounds.to_crs(parcels.crs)
    geoms = parcels.geometry.to_numpy()
    towns = bounds.geometry.to_numpy()
    left, right = bounds.sindex.query(geoms, predicate="intersects")
    areas = shapely.area(geoms)
    shared = _shares(geoms[left], towns[right], areas[left])
    pieces = pd.DataFrame(
        {
            "plot": left,
            "town": present_column(bounds[_COLUMN]).to_numpy(dtype=object)[right],
            "share": shared,
        }
    )
    per_town = pieces.groupby(["plot", "town"], sort=False)["share"].sum().reset_index()
    best = per_town.sort_values("share", ascending=False, kind="stable").drop_duplicates("plot")
    share = pd.Series(best["share"].to_numpy(), index=best["plot"].to_numpy())
    town = pd.Series(best["town"].to_numpy(dtype=object), index=best["plot"].to_numpy())
    positions = np.arange(len(parcels))
    out["share"] = share.reindex(positions).fillna(0.0).to_numpy()
    out.loc[np.isnan(areas) | (areas <= 0), "share"] = np.nan  # no shape: no share
    held = (share > MOST).reindex(positions, fill_value=False).to_numpy()
    out.loc[held, "boundary"] = town.reindex(positions).to_numpy(dtype=object)[held]
    return out


def _shares(plots: np.ndarray, towns: np.ndarray, areas: np.ndarray) -> np.ndarray:
    """The share of each plot's area (``areas``, m²) inside the 镇街 polygon beside it.

    Most plots lie wholly inside one 镇街: a prepared containment test says so (share 1)
    without cutting the plot (a 50,000-plot district: 5.8 s of intersections before, the
    few hundred plots on a boundary now). A pair GEOS cannot intersect as drawn (a ring
    crossing itself) is cut again on the repaired shapes (``make_valid``), never a crash.
    """
    shapely.prepare(towns)
    inside = shapely.contains_properly(towns, plots)
    out = np.ones(len(plots), dtype="float64")
    cut = np.flatnonzero(~inside)
    if len(cut):
        a, b = plots[cut], towns[cut]
        try:
            common = shapely.intersection(a, b)
        except shapely.errors.GEOSException:
            common = shapely.intersection(shapely.make_valid(a), shapely.make_valid(b))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[cut] = shapely.area(common) / areas[cut]
    out[~(areas > 0)] = np.nan  # no shape, or no area: no share
    return out


def _usable(parcels: pd.DataFrame, boundaries: gpd.GeoDataFrame | None) -> bool:
    return (
        isinstance(parcels, gpd.GeoDataFrame)
        and boundaries is not None
        and _COLUMN in boundaries.columns
        and bool(len(boundaries))
        and bool(len(parcels))
    )


def place_parcels(
    reads: Mapping[str, ReadResult], *, sources: Mapping[str, str]
) -> dict[str, ReadResult]:
    """``reads`` with the parcels' ``township`` decided once and ``township_note`` said.

    Parameters
    ----------
    reads
        The read files of one run by role; ``parcels`` is placed by ``townships`` (the 镇街
        boundary layer) when given. Run after :func:`~landgov.core.townnames.unify_townships`
        so that the field and the layer write one name alike.
    sources
        The file name written in the problem rows, per role.

    Returns
    -------
    dict
        The same roles; the parcels keep every row (``rows_in = rows_out + rejected`` holds),
        a blank ``township`` filled from the layer, a ``township_note`` column and a problem
        row per kind and 镇街 (see the module docstring). Without parcels, unchanged.
    """
    if "parcels" not in reads:
        return dict(reads)
    res = reads["parcels"]
    layer = reads.get("townships")
    seen = plot_townships(res.data, None if layer is None else layer.data)
    log = ProblemLog(sources.get("parcels", "parcels"))
    notes = _notes(res.data, seen, layer=layer is not None, log=log)
    data = res.data.copy()
    data[_COLUMN] = seen["given"].where(seen["given"].notna(), seen["boundary"])
    data[TOWNSHIP_NOTE] = notes
    problems = pd.concat([res.problems, log.frame()], ignore_index=True) if log else res.problems
    return {**reads, "parcels": dataclasses.replace(res, data=data, problems=problems)}


def _notes(parcels: pd.DataFrame, seen: pd.DataFrame, *, layer: bool, log: ProblemLog) -> pd.Series:
    """The ``township_note`` of each plot; a problem row per kind and 镇街 into ``log``."""
    notes = pd.Series(None, index=parcels.index, dtype=object)
    given, boundary = seen["given"], seen["boundary"]
    filled = given.isna() & boundary.notna()
    for town, idx in _groups(boundary[filled]):
        note = f"镇街为空，{_BY_BOUNDARY}定为{town}"
        notes[idx] = note
        log.add(
            f"{note}（宗地过半面积在其边界内）：{_where(parcels, idx)}",
            row=_first_row(parcels, idx), field="镇街", value="（空）",
            action=f"如不属{town}，请在源表中填写镇街后重新运行",
            severity=Severity.INFO,
        )  # fmt: skip
    # 「陶堰」 for 「陶堰镇」 is a matter of names, said by core.townnames: no contradiction
    other = given.notna() & boundary.notna() & (_short(given) != _short(boundary))
    pairs = pd.DataFrame({"named": given[other], "town": boundary[other]})
    for (named, town), idx in pairs.groupby(["named", "town"], sort=False).groups.items():
        note = f"所填镇街「{named}」与所在镇街边界「{town}」不符，按所填「{named}」统计"
        notes[idx] = note
        log.add(
            f"{note}（宗地过半面积在{town}边界内）：{_where(parcels, idx)}",
            row=_first_row(parcels, idx), field="镇街", value=named,
            action=f"核对镇街：属{town}的请在源表中改正后重新运行；确属{named}的请核对镇街边界图层",
            severity=Severity.WARNING,
        )  # fmt: skip
    unplaced = given.isna() & boundary.isna()
    for why, idx in _groups(_why_unplaced(seen[unplaced], layer=layer)):
        note = f"镇街为空，{why}，计入「{UNKNOWN_TOWNSHIP}」"
        notes[idx] = note
        log.add(
            f"{note}：{_where(parcels, idx)}",
            row=_first_row(parcels, idx), field="镇街", value="（空）",
            action=_FILL_IN if layer else f"{_FILL_IN}，或用 --townships 提供镇街边界",
            severity=Severity.WARNING,
        )  # fmt: skip
    return notes.astype(object).where(notes.notna(), None)


def _short(names: pd.Series) -> pd.Series:
    return names.map(lambda n: None if pd.isna(n) else short_form(str(n)))


def _why_unplaced(seen: pd.DataFrame, *, layer: bool) -> pd.Series:
    if not layer:
        return pd.Series("未提供镇街边界图层", index=seen.index, dtype=object)
    share = seen["share"]
    why = pd.Series("宗地不在镇街边界图层的任一镇街内", index=seen.index, dtype=object)
    why[share.isna()] = "宗地无图形，无法按镇街边界定位"
    why[share.notna() & (share > 0)] = "没有一个镇街边界含宗地过半面积"
    return why


def _groups(values: pd.Series) -> list[tuple[str, pd.Index]]:
    """``(value, index)`` per distinct value, in the order of first appearance."""
    if values.empty:
        return []
    return [(str(v), pd.Index(idx)) for v, idx in values.groupby(values, sort=False).groups.items()]


def _rows(parcels: pd.DataFrame, idx: pd.Index) -> list[int]:
    if "source_row" not in parcels.columns:
        return []
    return sorted(int(r) for r in pd.to_numeric(parcels.loc[idx, "source_row"]).dropna())


def _first_row(parcels: pd.DataFrame, idx: pd.Index) -> int | None:
    rows = _rows(parcels, idx)
    return rows[0] if rows else None


def _where(parcels: pd.DataFrame, idx: pd.Index) -> str:
    rows = _rows(parcels, idx)
    if not rows:
        return f"共 {len(idx)} 宗"
    return f"第 {first_few(rows, _SHOWN_ROWS)} 行（共 {len(idx)} 宗）"
