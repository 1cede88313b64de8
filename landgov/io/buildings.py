"""Read building footprints (建筑) for 容积率: storeys, storey height, building height.

Field aliases: 宗地代码/ZDDM (the parcel the building stands on; optional, buildings without it
are placed by location), 层数/CS, 层高/CG (m), 建筑高度/JZGD (m), 建筑面积/JZMJ (m², optional).
The layer is read by :func:`landgov.io.parcels.read_layer` (encoding and CRS inference, geometry
repair) and checked for values that cannot be right (0 or negative storeys, heights over 300 m)
and for one footprint given twice (:func:`_repeated_footprints`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landgov.core.missing import format_number
from landgov.core.problems import ProblemLog, ReadResult, Severity
from landgov.io.fields import FieldSpec, Kind
from landgov.io.parcels import read_layer

__all__ = ["BUILDING_FIELDS", "read_buildings"]

BUILDING_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("parcel_id", "宗地代码", Kind.CODE, ("宗地代码", "ZDDM", "DKBM", "宗地编号")),
    FieldSpec(
        "storeys", "层数", Kind.NUMBER, ("层数", "CS", "地上层数", "楼层数", "总层数"), unit="层"
    ),
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


#: Labels of the fields, as a user reads them (the problems' 字段 column).
_LABELS = {spec.name: spec.label for spec in BUILDING_FIELDS}
#: Fields in metres whose values, when most of them are too high, read as centimetres.
_METRES = ("storey_height_m", "height_m")


def _say_centimetres(
    name: str, values: pd.Series, high: pd.Series, hi: float, log: ProblemLog
) -> None:
    """One 警告 for the field when most of its values are above ``hi`` and their hundredths
    are in range: a field written in centimetres (1200 for 12 m), each of whose rows was set
    aside with no word of why all of them were."""
    n_high, n = int(high.sum()), int(values.notna().sum())
    if name not in _METRES or n_high < 3 or n_high * 2 < n:
        return
    lo = _LIMITS[name][0]
    metres = values[high] / 100.0
    if not metres.between(lo, hi).mean() >= 0.9:
        return
    log.add(
        f"{_LABELS[name]}的 {n:,} 个值中有 {n_high:,} 个高于 {hi:g} 米（中位数"
        f" {format_number(values[high].median())}）：单位像是厘米（如 1200 表示 12 米），"
        "这些值都已置为缺失，建筑面积改按层数或其他来源计算",
        field=_LABELS[name],
        action=f"在源数据中把{_LABELS[name]}换算为米（除以 100）后重新运行",
        severity=Severity.WARNING,
    )


def _check_whole_storeys(data: pd.DataFrame, log: ProblemLog) -> None:
    """A 层数 that is no whole number (2.5) is used as it stands and said: a mezzanine, an
    average over several buildings or a typo, which only the source can tell."""
    values = pd.to_numeric(data["storeys"], errors="coerce")
    part = values.notna() & (values % 1 != 0)
    for pos in np.flatnonzero(part.to_numpy()):
        log.add(
            f"层数 {format_number(values.iloc[pos])} 不是整数，已按此计算建筑面积"
            f"（基底面积 × {format_number(values.iloc[pos])}）",
            row=int(data["source_row"].iloc[pos]),
            field=_LABELS["storeys"],
            value=values.iloc[pos],
            action="核对层数：如含夹层、阁楼或是多栋的平均层数，请按栋填写整数层数并另填建筑面积",
            severity=Severity.WARNING,
        )


def _check_ranges(data: pd.DataFrame, log: ProblemLog) -> pd.DataFrame:
    """Values outside plausible ranges become missing (and are logged), never silently used."""
    out = data.copy()
    for name, (lo, hi) in _LIMITS.items():
        if name not in out:
            continue
        values = pd.to_numeric(out[name], errors="coerce")
        bad = values.notna() & ((values < lo) | (values > hi))
        _say_centimetres(name, values, values.notna() & (values > hi), hi, log)
        for pos in np.flatnonzero(bad.to_numpy()):
            log.add(
                f"取值不合理（应在 {lo}–{hi} 之间），已置为缺失",
                row=int(out["source_row"].iloc[pos]),
                field=_LABELS[name],
                value=values.iloc[pos],
                action="核对建筑记录",
                severity=Severity.WARNING,
            )
        out[name] = values.where(~bad)
    return out


def _check_floor_area(data: pd.DataFrame, log: ProblemLog) -> pd.DataFrame:
    """A recorded 建筑面积 of 0 or less becomes missing (and is said): a .dbf numeric field
    cannot hold a blank and ArcGIS writes it as 0, so the 0 is no floor area of 0 m²; the
    building's floor area is then footprint × 层数 (or its height estimate), never 0."""
    values = pd.to_numeric(data["floor_area_m2"], errors="coerce")
    bad = values.notna() & (values <= 0)
    if not bad.any():
        return data
    for pos in np.flatnonzero(bad.to_numpy()):
        log.add(
            f"建筑面积为 {format_number(values.iloc[pos])}：不能作为该建筑的建筑面积"
            "（Shapefile 的数值字段不能存空值，空白常被写为 0），已按缺失处理，"
            "改按基底面积 × 层数（或建筑高度）计算",
            row=int(data["source_row"].iloc[pos]),
            field=_LABELS["floor_area_m2"],
            value=values.iloc[pos],
            action="核对建筑记录，填写实际建筑面积或留空",
            severity=Severity.WARNING,
        )
    return data.assign(floor_area_m2=values.where(~bad))


#: Footprints equal to this precision (m) are one footprint: an export written twice is
#: byte-identical, a copy through another format may differ in the last digits.
_SAME_FOOTPRINT_M = 0.001


def _shown_record(row: pd.Series) -> str:
    """A building's storeys, heights and floor area as said: 「层数 3、建筑高度 12」."""
    parts = []
    for spec in BUILDING_FIELDS[1:]:
        value = row.get(spec.name)
        if value is not None and not pd.isna(value):
            parts.append(f"{spec.label} {format_number(value)}")
    return "、".join(parts) or "无层数、高度和建筑面积"


def _same_bounds(geoms: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Which ``usable`` footprints share their bounds, to :data:`_SAME_FOOTPRINT_M` (m), with
    another: the only ones that can be the same footprint (one sort of the rounded bounds,
    no geometry made)."""
    out = np.zeros(len(geoms), dtype=bool)
    at = np.flatnonzero(usable)
    grid = np.floor(shapely.bounds(geoms[at]) / _SAME_FOOTPRINT_M + 0.5)
    _, inverse, counts = np.unique(grid, axis=0, return_inverse=True, return_counts=True)
    out[at] = counts[inverse.ravel()] > 1
    return out


def _repeated_footprints(data: gpd.GeoDataFrame, log: ProblemLog) -> pd.Series:
    """Why each row repeats an earlier one (``None`` where it does not): one footprint given
    again with the same fields (宗地代码, 层数, 层高, 建筑高度, 建筑面积) is the same building
    exported twice, and counted twice it doubles the plot's floor area and 建筑系数 without a
    word; such a row is rejected, naming the row it repeats. The same footprint with other
    fields (an old and a new survey) is kept, both counted, and said (警告): which one is right
    cannot be told here."""
    reasons = pd.Series(None, index=data.index, dtype=object)
    geoms = np.asarray(data.geometry)
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    # only footprints whose bounds agree to the precision can be one: the few such are
    # compared whole (snapping every footprint took 3.0 s for the 94,423 of d50k, 0.5 s else)
    usable &= _same_bounds(geoms, usable)
    if usable.sum() < 2:
        return reasons
    keys = np.full(len(geoms), None, dtype=object)
    keys[usable] = shapely.to_wkb(
        shapely.normalize(shapely.set_precision(geoms[usable], _SAME_FOOTPRINT_M))
    )
    first: dict[bytes, int] = {}
    names = [spec.name for spec in BUILDING_FIELDS]
    for pos in np.flatnonzero(usable):
        key = keys[pos]
        if key not in first:
            first[key] = pos
            continue
        at = first[key]
        this, that = data.iloc[pos], data.iloc[at]
        row, other = int(this["source_row"]), int(that["source_row"])
        same = all((pd.isna(this[n]) and pd.isna(that[n])) or this[n] == that[n] for n in names)
        if same:
            reasons.iat[pos] = f"与第 {other} 行重复（图形和属性完全相同，同一建筑导出了两次）"
            log.add(
                f"该行未采用：{reasons.iat[pos]}，只计入第 {other} 行，避免建筑面积重复计算",
                row=row, field="geometry", value=this["parcel_id"],
                action="删除图层中重复的要素后重新导出；本行已剔除，首次出现的记录保留",
            )  # fmt: skip
            continue
        log.add(
            f"与第 {other} 行的建筑轮廓完全相同，但属性不同（本行{_shown_record(this)}；"
            f"第 {other} 行{_shown_record(that)}）：两条记录都已计入，该宗地的建筑面积可能重复计算",
            row=row, field="geometry", value=this["parcel_id"],
            action="核对是否同一建筑的新旧两次测量，删除过时的一条后重新运行",
            severity=Severity.WARNING,
        )  # fmt: skip
    return reasons


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
    data = _check_floor_area(_check_ranges(data, log), log)
    _check_whole_storeys(data, log)
    repeats = _repeated_footprints(data, log)
    rejected = result.rejected
    if repeats.notna().any():
        dropped = data.loc[repeats.notna()].assign(reject_reason=repeats[repeats.notna()])
        rejected = pd.concat([rejected, dropped]) if len(rejected) else dropped
        data = data.loc[repeats.isna()]
    problems = pd.concat([result.problems, log.frame()], ignore_index=True)
    return ReadResult(data, rejected, problems, result.meta)
