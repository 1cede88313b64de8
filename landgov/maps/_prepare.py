"""Turn a run into the frames a map draws: joins, redaction and the township fallback.

Shared by the interactive and the print map, so both show the same thing. Inputs are never
modified; every frame here is a new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landgov.core.missing import missing_cells, present_column
from landgov.core.townnames import township_order
from landgov.far.ratio import estimate_mark
from landgov.maps._print import source_text
from landgov.maps._redact import (
    REDACTION_NOTE,
    plot_labels,
    redact_aggregate,
    redact_frame,
    redact_mapping,
    scrub_text,
    secrets_of,
)
from landgov.maps._run import RunData
from landgov.maps._themes import PATHS
from landgov.maps.style import MapStyle

__all__ = ["Prepared", "prepare", "township_summary"]

_FAR_FIELDS = (
    "far_floor",
    "headroom_m2",
    "zengrong",
    "cond_scope",
    *(f"cond_{i}" for i in range(1, 9)),
    "zengrong_reasons",
    "zengrong_computed",
    "zengrong_override",
)
#: Column names the 增容 stage may write for the contract's fields.
_FAR_ALIASES = {
    **{f"cond{i}": f"cond_{i}" for i in range(1, 9)},
    "scope": "cond_scope",
    "zengrong_reason": "zengrong_reasons",
    "override": "zengrong_override",  # 增容条件人工认定 (landgov far --overrides)
}
_SEP = "；"


@dataclass(frozen=True)
class Prepared:
    """Frames ready to draw; money and names already removed when ``redacted``."""

    parcels: gpd.GeoDataFrame  # drawn layer (empty when aggregated)
    parcels_all: gpd.GeoDataFrame
    blocks: gpd.GeoDataFrame | None
    townships: gpd.GeoDataFrame | None
    far: pd.DataFrame | None
    approved: gpd.GeoDataFrame | None  # 批而未供 batches (land, not plots: never aggregated)
    manifest: Mapping[str, Any]
    notes: tuple[str, ...]
    redacted: bool
    aggregated: bool
    message: str | None
    data_date: str | None
    profile_label: str | None
    applications: gpd.GeoDataFrame | None = None  # 增容 applications with their verdicts
    enterprises: pd.DataFrame | None = None  # the enterprise table (counts in 家)
    source: str | None = None  # 「数据来源：… ；数据截至 …」 (maps._print.source_text)

    @property
    def redaction_note(self) -> str | None:
        return REDACTION_NOTE if self.redacted else None


def _split(value: Any) -> list[str]:
    if not isinstance(value, str):
        return []
    return [p.strip() for p in value.replace(";", _SEP).split(_SEP) if p.strip()]


def _enterprise_lines(parcels: pd.DataFrame, enterprises: pd.DataFrame | None) -> pd.Series:
    """One line per enterprise on each parcel: name (规上/规下 · 等级 · 得分)."""
    lookup: dict[str, dict[str, Any]] = {}
    if enterprises is not None and "uscc" in enterprises:
        cols = [c for c in ("name", "above_scale", "grade", "score") if c in enterprises]
        for row in enterprises[["uscc", *cols]].astype(object).itertuples(index=False):
            lookup[str(row[0])] = dict(zip(cols, row[1:], strict=True))
    names = parcels.get("enterprise_names", pd.Series(None, index=parcels.index)).astype(object)
    codes = parcels.get("usccs", pd.Series(None, index=parcels.index)).astype(object)
    out = []
    for name_text, code_text in zip(names.tolist(), codes.tolist(), strict=True):
        ns, cs = _split(name_text), _split(code_text)
        lines = []
        for k in range(max(len(ns), len(cs))):
            info = lookup.get(cs[k], {}) if k < len(cs) else {}
            name = ns[k] if k < len(ns) else str(info.get("name") or (cs[k] if k < len(cs) else ""))
            extra = []
            if isinstance(info.get("above_scale"), bool | np.bool_):
                extra.append("规上" if info["above_scale"] else "规下")
            if isinstance(info.get("grade"), str) and info["grade"]:
                extra.append(f"{info['grade']} 类")
            score = info.get("score")
            if isinstance(score, int | float) and np.isfinite(score):
                extra.append(f"得分 {score:.1f}")
            lines.append(f"{name}（{'，'.join(extra)}）" if extra else name)
        out.append("\n".join(lines) if lines else None)
    return pd.Series(out, index=parcels.index, dtype=object)


def _join_far(
    parcels: gpd.GeoDataFrame, far: pd.DataFrame | None, notes: list[str]
) -> gpd.GeoDataFrame:
    """The 增容 layer's columns on the plots, with the estimate marks of the popup."""
    return _far_mark(_joined_far(parcels, far, notes), far)


def _joined_far(
    parcels: gpd.GeoDataFrame, far: pd.DataFrame | None, notes: list[str]
) -> gpd.GeoDataFrame:
    if far is None or "parcel_id" not in far or "zengrong" not in far:
        if far is not None:
            notes.append("增容图层缺少 parcel_id 或 zengrong 字段，增容专题已略去")
        return parcels
    far = far.rename(columns={a: c for a, c in _FAR_ALIASES.items() if c not in far.columns})
    cols = [c for c in _FAR_FIELDS if c in far.columns]
    table = pd.DataFrame(far[["parcel_id", *cols]]).drop_duplicates("parcel_id")
    if len(table) < len(far):
        notes.append(f"增容图层有 {len(far) - len(table)} 条重复宗地代码，只取第一条")
    unknown = ~table["parcel_id"].isin(parcels["parcel_id"])
    if unknown.any():
        notes.append(f"增容图层有 {int(unknown.sum())} 宗不在底数清单中，未显示")
    keep = [c for c in parcels.columns if c not in cols]
    merged = parcels[keep].merge(table, on="parcel_id", how="left", validate="many_to_one")
    if "far" in far.columns and "far" not in parcels.columns:
        merged["far"] = (
            parcels["parcel_id"]
            .map(far.drop_duplicates("parcel_id").set_index("parcel_id")["far"])
            .to_numpy()
        )
    elif "far" in far.columns:
        extra = far.drop_duplicates("parcel_id").set_index("parcel_id")["far"]
        filled = parcels["far"].where(parcels["far"].notna(), parcels["parcel_id"].map(extra))
        merged["far"] = filled.to_numpy()
    out = _no_headroom_out_of_scope(
        gpd.GeoDataFrame(merged, geometry=parcels.geometry.name, crs=parcels.crs)
    )
    return _headroom_mark(out, far)


def _headroom_mark(frame: gpd.GeoDataFrame, far: pd.DataFrame) -> gpd.GeoDataFrame:
    """Column ``headroom_mark``: 「（按高度估算）」 (:func:`landgov.far.ratio.estimate_mark`)
    where a plot's 可增建筑面积 is shown and rests on a floor area estimated from heights (the
    增容 layer's ``far_source``); the popup writes it right after the figure."""
    if "far_source" not in far or "headroom_m2" not in frame:
        return frame
    source = frame["parcel_id"].map(
        far.drop_duplicates("parcel_id").set_index("parcel_id")["far_source"]
    )
    shown = pd.to_numeric(frame["headroom_m2"], errors="coerce").notna()
    out = frame.copy()
    out["headroom_mark"] = _marks(source, shown)
    return out


def _far_mark(frame: gpd.GeoDataFrame, far: pd.DataFrame | None) -> gpd.GeoDataFrame:
    """Column ``far_mark``: 「（按高度估算）」 where a plot's 现状 建筑面积 or 容积率 is shown and
    its floor area was estimated from heights; the popup writes it after both figures, as
    after 可增建筑面积 (:func:`_headroom_mark`). The source is the plot's own ``far_source``
    (the screening's measurement), else the 增容 layer's."""
    figures = [c for c in ("floor_area_m2", "far") if c in frame]
    source = pd.Series(None, index=frame.index, dtype=object)
    if "far_source" in frame:
        source = present_column(frame["far_source"])
    if far is not None and "far_source" in far and "parcel_id" in far:
        by_plot = far.drop_duplicates("parcel_id").set_index("parcel_id")["far_source"]
        source = source.where(source.notna(), frame["parcel_id"].map(by_plot))
    if not figures or source.isna().all():
        return frame
    shown = pd.concat([pd.to_numeric(frame[c], errors="coerce") for c in figures], axis=1)
    out = frame.copy()
    out["far_mark"] = _marks(source, shown.notna().any(axis=1))
    return out


def _marks(source: pd.Series, shown: pd.Series) -> pd.Series:
    """Per plot, :func:`landgov.far.ratio.estimate_mark` of its floor area's ``source`` where
    its figure is ``shown``, else None (no mark beside a blank)."""
    marks = [estimate_mark(s) if ok else "" for s, ok in zip(source, shown, strict=True)]
    return pd.Series(marks, index=source.index, dtype=object).replace("", None)


def _no_headroom_out_of_scope(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Blank 可增建筑面积 of plots outside the 增容 scope: no headroom is offered to them."""
    if "cond_scope" not in frame or "headroom_m2" not in frame:
        return frame
    out = frame.copy()
    outside = out["cond_scope"].astype(object).eq("不符合")
    out["headroom_m2"] = pd.to_numeric(out["headroom_m2"], errors="coerce").where(~outside)
    return out


def _applications(
    applications: gpd.GeoDataFrame | None, parcels: gpd.GeoDataFrame
) -> gpd.GeoDataFrame | None:
    """增容 applications with a drawable geometry: their own, else their plot's."""
    if applications is None or not len(applications):
        return applications
    out = applications.rename(
        columns={a: c for a, c in _FAR_ALIASES.items() if c not in applications.columns}
    )
    geoms = out.geometry
    empty = geoms.isna() | geoms.is_empty
    if empty.any() and "parcel_id" in out and "parcel_id" in parcels:
        by_id = parcels.drop_duplicates("parcel_id").set_index("parcel_id").geometry
        filled = out.loc[empty, "parcel_id"].map(by_id)
        out = out.copy()
        out.loc[empty, out.geometry.name] = filled.to_numpy()
    return _no_headroom_out_of_scope(out)


def township_summary(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Counts and areas per 镇街 from the parcels; geometry = hull of the parcels (示意范围)."""
    if "township" not in parcels:
        frame = parcels.iloc[:0]
    else:  # 「—」 or a blank is no 镇街 (core.missing), never a 镇街 of its own on the panel
        frame = parcels[~missing_cells(parcels["township"])]
    if not len(frame):
        return gpd.GeoDataFrame({"township": []}, geometry=[], crs=parcels.crs)
    area = pd.to_numeric(frame.get("area_mu"), errors="coerce")
    gov = frame.get("screening_status", pd.Series("", index=frame.index)).astype(object).eq("治理")
    table = pd.DataFrame({"township": frame["township"].astype(str), "area_mu": area, "gov": gov})
    table["governance_area_mu"] = area.where(gov, 0.0)
    for p in PATHS:
        table[f"n_{p}"] = frame.get("path", pd.Series("", index=frame.index)).astype(object).eq(p)
    grouped = table.groupby("township", sort=True)
    codes = frame.get("parcel_id")
    order = township_order(table["township"], codes)
    out = grouped.agg(
        n_parcels=("area_mu", "size"),
        area_mu=("area_mu", "sum"),
        n_governance=("gov", "sum"),
        governance_area_mu=("governance_area_mu", "sum"),
        **{f"n_{p}": (f"n_{p}", "sum") for p in PATHS},
    )
    out = out.loc[order.sorted(out.index)].reset_index()  # 行政区划代码 order
    # Parcels without a geometry count in the figures but give no point to the hull; a
    # 镇街 whose parcels all lack one has no geometry (its row stays, it is just not drawn).
    geoms = frame.geometry.to_numpy()
    drawable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    points = shapely.get_coordinates(shapely.point_on_surface(geoms[drawable]))
    codes = np.asarray(pd.Categorical(table["township"], categories=out["township"]).codes)
    codes = codes[drawable]
    order = np.argsort(codes, kind="stable")
    hulls = np.full(len(out), None, dtype=object)
    if len(points):
        shapely.multipoints(points[order], indices=codes[order], out=hulls)
    hulls = shapely.buffer(shapely.convex_hull(hulls), 30.0)  # visible even around one parcel
    return gpd.GeoDataFrame(out, geometry=list(hulls), crs=parcels.crs)


def _townships(
    data: RunData, parcels: gpd.GeoDataFrame, notes: list[str], aggregated: bool
) -> gpd.GeoDataFrame | None:
    given = data.townships
    if given is not None and len(given) and "township" in given:
        if not aggregated:
            return given
        summary = township_summary(parcels).drop(columns="geometry")
        extra = [c for c in summary.columns if c == "township" or c not in given.columns]
        return given.merge(summary[extra], on="township", how="left")
    if "township" not in parcels:
        return None
    notes.append("未提供镇街边界：镇街范围为该镇街地块的外包络（示意），仅供定位")
    return township_summary(parcels)


def _message(n: int, style: MapStyle) -> str:
    return (
        f"本图共有 {n:,} 宗地块，超过单幅交互地图的上限 {style.max_parcels:,} 宗，"
        "为保证会场电脑流畅打开，改为按镇街汇总显示（点击镇街查看宗数、面积和四个一批统计）。"
        "如需逐宗查看，请按镇街或区县分别出图。"
    )


def _note_undrawn(parcels: gpd.GeoDataFrame, notes: list[str]) -> None:
    """Say how many plots of the lists have no shape to draw (empty, unusable or set aside
    on reading): they count in the figures, but no layer of the map shows them."""
    geoms = parcels.geometry.to_numpy()
    n = int((shapely.is_missing(geoms) | shapely.is_empty(geoms)).sum())
    if n:
        notes.append(
            f"{n:,} 宗地块没有可用图形（图形为空、无效或坐标有误），未画在图上，仍计入统计；"
            "见结果工作簿的底数清单和问题记录"
        )


def prepare(data: RunData, *, style: MapStyle, redact: bool) -> Prepared:
    """Join, redact and (for very large runs) aggregate the layers of a run."""
    notes = list(data.notes)
    _note_undrawn(data.parcels, notes)
    parcels = _join_far(data.parcels, data.far, notes)
    if data.enterprises is not None:  # names with 规上/规下, grade and score from the table
        detail = _enterprise_lines(parcels, data.enterprises)
        parcels = parcels.drop(columns="enterprise_names", errors="ignore").assign(
            enterprise_detail=detail
        )
    blocks, far, manifest = data.blocks, data.far, dict(data.manifest)
    applications = _applications(data.applications, data.parcels)
    enterprises = data.enterprises
    if redact:
        secrets = secrets_of(
            [data.parcels, data.enterprises, data.governance, data.far, data.applications]
        )
        labels = plot_labels(data.parcels)  # 宗地代码 → 「地块 0001」 in every layer alike
        parcels = redact_frame(parcels, secrets, labels)
        blocks = redact_frame(blocks, secrets, labels)
        far = redact_frame(far, secrets, labels)
        applications = redact_frame(applications, secrets, labels)
        if enterprises is not None:  # only what the counts need (grades, in 家)
            enterprises = enterprises[[c for c in ("grade",) if c in enterprises]]
        manifest = redact_mapping(manifest)
        notes = [scrub_text(n, secrets) for n in notes]  # counts and file names, no code
    aggregated = len(parcels) > style.max_parcels
    townships = _townships(data, parcels, notes, aggregated)
    if redact and townships is not None:
        townships = redact_aggregate(townships, secrets)
    return Prepared(
        parcels=parcels.iloc[:0] if aggregated else parcels,
        parcels_all=parcels,
        blocks=blocks,
        townships=townships,
        far=far,
        approved=data.approved,
        manifest=manifest,
        notes=tuple(notes),
        redacted=redact,
        aggregated=aggregated,
        message=_message(len(parcels), style) if aggregated else None,
        data_date=data.data_date,
        profile_label=data.profile_label,
        applications=applications,
        enterprises=enterprises,
        source=source_text(data.manifest, names=not redact),  # read before the paths go
    )
