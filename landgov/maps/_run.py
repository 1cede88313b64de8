"""Read what a screening run wrote (``DIR/landgov.gpkg`` and ``DIR/manifest.json``), defensively.

A layer or key that is absent leaves its map layer or panel out with a note (``RunData.notes``),
never a crash; only a run without a ``parcels`` layer cannot be mapped. ``verify=True`` (what
``landgov map`` and ``landgov demo`` use) first checks the folder's completeness marker and the
SHA-256 of every file against the manifest (:func:`landgov.core.runfolder.verify`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import pandas as pd

from landgov.core.columns import label
from landgov.core.runfolder import GPKG, read_manifest, stage_view
from landgov.core.runfolder import verify as verify_folder
from landgov.core.runread import read_run_layer, run_layers
from landgov.errors import CRSError, DataFileError, SchemaError

__all__ = ["LAYER_LABELS", "PARCEL_FIELDS", "RunData", "load_run"]

GPKG_NAME = GPKG

#: Fields of the ``parcels`` layer the map reads (the pipeline contract).
PARCEL_FIELDS: tuple[str, ...] = (
    "parcel_id",
    "township",
    "holder",
    "land_use",
    "right_type",
    "area_m2",
    "area_mu",
    "floor_area_m2",
    "far",
    "enterprise_names",
    "usccs",
    "n_enterprises",
    "tax_wan",
    "value_added_wan",
    "tax_per_mu",
    "value_added_per_mu",
    "grade",
    "low_efficiency",
    "flags",
    "screening_status",
    "path",
    "path_status",
    "reasons",
    "citations",
    "missing",
    "block_id",
)

LAYER_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "parcels": "底数清单（parcels）",
        "governance": "治理清单（governance）",
        "blocks": "连片地块（blocks）",
        "townships": "镇街汇总（townships）",
        "far": "增容评估（far）",
        "enterprises": "企业评价（enterprises）",
        "approved": "批而未供（approved）",
        "far_applications": "增容申请（far_applications）",
    }
)


@dataclass(frozen=True)
class RunData:
    """The layers of one run, each ``None`` when the run did not write it."""

    path: Path
    parcels: gpd.GeoDataFrame
    governance: gpd.GeoDataFrame | None = None
    blocks: gpd.GeoDataFrame | None = None
    townships: gpd.GeoDataFrame | None = None
    far: gpd.GeoDataFrame | None = None
    enterprises: pd.DataFrame | None = None
    approved: gpd.GeoDataFrame | None = None
    applications: gpd.GeoDataFrame | None = None  # layer far_applications (增容申请)
    manifest: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def data_date(self) -> str | None:  # the manifest is the screening section's view
        """``data_date`` (or ``as_of``) from the manifest."""
        value = self.manifest.get("data_date") or self.manifest.get("as_of")
        return str(value) if value else None

    @property
    def profile_label(self) -> str | None:
        """``名称 版本`` of the policy profile the run used."""
        prof = self.manifest.get("profile")
        if isinstance(prof, Mapping):
            text = " ".join(str(prof[k]) for k in ("name", "version") if prof.get(k))
            return text or None
        return str(prof) if prof else None


def _read_manifest(path: Path, notes: list[str]) -> dict[str, Any]:
    """The run's manifest (:func:`landgov.core.runfolder.read_manifest`, the one reading of
    it); a damaged one is said in the notes and the map drawn without it."""
    try:
        data = read_manifest(path)
    except DataFileError as exc:
        notes.append(f"{str(exc).split('。处理：')[0]}：已忽略，标题中不显示数据日期和政策口径")
        return {}
    if data is None:
        notes.append("未找到 manifest.json：标题中不显示数据日期和政策口径，目标面板略去")
        return {}
    return stage_view(data, "screen")


def _check_crs(frame: gpd.GeoDataFrame, layer: str, gpkg: Path) -> None:
    if frame.crs is None:
        raise CRSError(
            f"{gpkg} 图层 {layer} 没有坐标系：应为 EPSG:4549（CGCS2000 3度带 120°E）等投影坐标系；"
            "请用 landgov screen 重新生成，或为图层写入坐标系"
        )
    if not frame.crs.is_projected:
        raise CRSError(
            f"{gpkg} 图层 {layer} 的坐标系 {frame.crs.to_string()} 不是投影坐标系（米）："
            "landgov 的输出应为 CGCS2000 高斯-克吕格投影，例如 EPSG:4549"
        )


def _absent_note(name: str, present: set[str]) -> list[str]:
    """What the map says about a layer the run did not write."""
    if name == "approved":  # an optional input: say it was not given, not "0"
        return ["未提供批而未供图层（landgov screen --approved）：图中没有批而未供"]
    if name == "far_applications":  # only worth saying when there was a 增容 run
        return ["增容审查未提供增容申请表：图中没有增容申请图层"] if "far" in present else []
    if name == "governance":
        return []
    if name == "far":  # a screening alone: nothing missing, a stage not run
        return [
            f"本次结果未做{LAYER_LABELS[name]}：图中没有容积率和增容条件"
            "（需要时运行 landgov screen --far 或 landgov far）"
        ]
    return [f"结果中没有{LAYER_LABELS[name]}图层，相应内容已略去"]


def load_run(run_dir: str | Path, *, verify: bool = False) -> RunData:
    """Read a run directory for mapping.

    Parameters
    ----------
    run_dir
        Directory holding ``landgov.gpkg`` (and usually ``manifest.json``).
    verify
        Refuse a folder without a complete manifest or whose files differ from the SHA-256
        the manifest records. ``RunData.manifest`` is the manifest's ``screen`` section laid
        over its top-level keys (``as_of``, ``profile``, ``summary``, ``thresholds`` …).

    Raises
    ------
    DataFileError
        No ``landgov.gpkg`` in the directory; with ``verify``, no completeness marker or a file
        that differs from the manifest (the message names it).
    SchemaError
        The GeoPackage has no ``parcels`` layer or it lacks ``parcel_id``.
    CRSError
        The parcels carry no projected CRS.
    """
    path = Path(run_dir)
    gpkg = path / GPKG_NAME
    if not gpkg.is_file():
        raise DataFileError(
            f"{path} 中没有 {GPKG_NAME}：请先运行 landgov screen（或 landgov demo）生成结果目录"
        )
    if verify:
        verify_folder(path)
    notes: list[str] = []
    manifest = _read_manifest(path, notes)
    present = set(run_layers(gpkg))
    if "parcels" not in present:
        raise SchemaError(
            f"{gpkg} 没有 parcels 图层（所见图层：{'、'.join(sorted(present)) or '无'}）。"
            "处理：给出 landgov screen（或 screen --far）的结果目录；只运行 landgov far 的"
            "目录没有筛查图层"
        )
    layers: dict[str, Any] = {}
    for name in (
        "parcels",
        "governance",
        "blocks",
        "townships",
        "far",
        "enterprises",
        "approved",
        "far_applications",
    ):
        if name not in present:
            notes += _absent_note(name, present)
            continue
        frame = read_run_layer(gpkg, name)
        if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame:
            _check_crs(frame, name, gpkg)
        layers[name] = frame
    parcels = layers.pop("parcels")
    if "far_applications" in layers:
        layers["applications"] = layers.pop("far_applications")
    if "parcel_id" not in parcels.columns:
        raise SchemaError(f"{gpkg} 的 parcels 图层缺少 parcel_id（宗地代码）字段")
    # 容积率 comes with the 增容 layer; without that layer, its own note says why there is none
    said = {"far"} if "far" not in layers or "far" in layers["far"].columns else set()
    absent = [f for f in PARCEL_FIELDS if f not in parcels.columns and f not in said]
    if absent:
        # each by its Chinese label, the field's own name beside it (as the layers are named)
        names = "、".join(f"{label(f)}（{f}）" if label(f) != f else f for f in absent)
        notes.append(f"{LAYER_LABELS['parcels']}图层缺少字段：{names}（弹窗中相应内容为空）")
    return RunData(path=path, parcels=parcels, manifest=manifest, notes=tuple(notes), **layers)
