"""A province run (``landgov screen PROVINCE_DIR``) as map data: parcels and the 市/县/镇街 levels.

A province run folder holds ``province.parquet`` (every county's 底数清单, EPSG:4490), the
``province`` section of ``manifest.json`` (``summary``: the 县区汇总 and 地市汇总 of
``province.xlsx``, each county against its own profile's targets, cities and 全省 against the
province targets) and ``counties/<code>_<name>/``, each county's own run
(``landgov_townships.parquet``: the 镇街 boundaries with their totals and the 全区 row; a run
made on its own has them as the ``townships`` and ``township_summary`` layers of its GeoPackage).

A run written before the manifest carried ``summary`` still maps: the county rows are read from
the county folders and the cities are totalled without province targets (a note says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landgov.core.compare import reached
from landgov.core.missing import is_missing
from landgov.core.runfolder import GPKG, read_manifest
from landgov.core.runfolder import verify as verify_folder
from landgov.core.runread import read_run_layer, read_run_parquet, run_layers
from landgov.core.vocab import DISTRICT, NO_TARGET, PROVINCE
from landgov.errors import DataFileError, SchemaError
from landgov.maps._run import RunData
from landgov.province.outputs import GEOPARQUET, summary_tables
from landgov.run.screening import PARQUET_TOWNSHIPS

__all__ = [
    "STATUS",
    "ProvinceData",
    "is_province_run",
    "load_province",
    "panel_summary",
    "target_status",
]

#: 规上亩均税收 against the target, the class of a county or city: (label, colour).
STATUS = (
    ("已达目标", "#1a9850"),
    ("未达目标", "#f46d43"),
    (NO_TARGET, "#bdbdbd"),
    ("待核实", "#fee08b"),
)
_CRS = "EPSG:4490"
_PANEL_KEYS = (
    ("tax_per_mu_above_scale", "tax_per_mu_target"),
    ("value_added_per_mu_above_scale", "value_added_per_mu_target"),
    ("governance_area_mu", "renewal_target_mu"),
)


@dataclass(frozen=True)
class ProvinceData:
    """A province run ready for the tiled map.

    Attributes
    ----------
    run
        The parcels of every county (EPSG:4490, with ``county``/``city``) and the manifest's
        ``province`` section; ``townships`` is the 镇街 layer below.
    cities, counties
        One polygon per 地级市 / 县（市、区） (the union of its 镇街, else the hull of its
        parcels) with its totals against its targets and ``target_status`` (:data:`STATUS`).
    townships
        Every county's 镇街 with its totals (``county`` says whose), or ``None``.
    province
        The 全省 row (totals against the province targets), as the panel shows it.
    """

    run: RunData
    cities: gpd.GeoDataFrame
    counties: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame | None
    province: dict[str, Any]
    notes: tuple[str, ...]


def is_province_run(path: str | Path) -> bool:
    """Whether ``path`` is the output folder of ``landgov screen PROVINCE_DIR``."""
    manifest = read_manifest(Path(path)) if Path(path).is_dir() else None
    return isinstance(manifest, Mapping) and isinstance(manifest.get("province"), Mapping)


def target_status(now: Any, target: Any) -> str:
    """已达目标 / 未达目标 / 无目标 / 待核实 (no 规上 figure), never a guess; exactly the target
    is 已达目标 (「达到」, :func:`landgov.core.compare.reached`)."""
    if is_missing(target) or isinstance(target, str):
        return NO_TARGET
    if is_missing(now):
        return "待核实"
    return "已达目标" if reached(float(now), float(target)) else "未达目标"


def _county_townships(folder: Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """A county run's 镇街 layer and its 镇街汇总 table (with the 全区 row).

    A county of a province run writes them to ``landgov_townships.parquet`` (it has no
    GeoPackage); a run made on its own has them in ``landgov.gpkg``.

    Raises
    ------
    DataFileError
        The file is damaged.
    """
    parquet = folder / PARQUET_TOWNSHIPS
    if parquet.is_file():
        table = read_run_parquet(parquet)
        if not isinstance(table, gpd.GeoDataFrame):  # a county without 镇街 boundaries
            return None, table
        drawn = table[table.geometry.notna() & ~table.geometry.is_empty]
        return drawn, table
    gpkg = folder / GPKG
    if not gpkg.is_file():
        return None, None
    present = run_layers(gpkg)
    layer = read_run_layer(gpkg, "townships") if "townships" in present else None
    table = read_run_layer(gpkg, "township_summary") if "township_summary" in present else None
    return layer, table


def _county_folders(
    path: Path, section: Mapping[str, Any], notes: list[str]
) -> tuple[list[gpd.GeoDataFrame], list[dict[str, Any]]]:
    """Each done county's 镇街 (EPSG:4490) and its 全区 row from its own run folder."""
    towns, rows = [], []
    for entry in section.get("counties") or ():
        if not entry.get("ok") or not entry.get("folder"):
            continue
        head = {k: entry.get(k) for k in ("code", "name", "city_code", "city", "profile")}
        try:
            layer, table = _county_townships(path / str(entry["folder"]))
        except DataFileError as exc:  # the other counties are still drawn
            notes.append(f"{entry.get('name')}：{exc}；镇街边界从略")
            continue
        if layer is None and table is None:
            notes.append(f"{entry.get('name')}：县级结果中没有镇街图层，镇街边界从略")
            continue
        if isinstance(layer, gpd.GeoDataFrame) and len(layer) and layer.crs is not None:
            layer = layer.to_crs(_CRS)
            layer.insert(0, "county", head["name"])
            layer.insert(0, "county_code", head["code"])
            towns.append(layer)
        if table is not None and "township" in table:
            district = table[table["township"] == DISTRICT]
            if len(district):
                row = district.iloc[0].drop(labels=["township", "geometry"], errors="ignore")
                rows.append({**head, "ok": True, "summary": row.to_dict()})
    return towns, rows


def _hulls(parcels: gpd.GeoDataFrame, key: str, names: pd.Index) -> np.ndarray:
    """Per group: the hull of its parcels' box centres, padded (示意范围)."""
    box = shapely.bounds(parcels.geometry.to_numpy())
    ok = np.isfinite(box).all(axis=1) & parcels[key].notna().to_numpy()
    codes = np.asarray(pd.Categorical(parcels[key].astype(object), categories=names).codes)
    ok &= codes >= 0
    centre = np.column_stack([(box[ok, 0] + box[ok, 2]) / 2, (box[ok, 1] + box[ok, 3]) / 2])
    codes = codes[ok]
    order = np.argsort(codes, kind="stable")
    out = np.full(len(names), None, dtype=object)
    if len(centre):
        shapely.multipoints(centre[order], indices=codes[order], out=out)
    return shapely.buffer(shapely.convex_hull(out), 0.005)


def _shapes(
    table: pd.DataFrame, key: str, parts: gpd.GeoDataFrame | None, parcels: gpd.GeoDataFrame
) -> np.ndarray:
    """Geometry per row of ``table`` by ``key``: union of ``parts``, else the parcels' hull."""
    names = pd.Index(table[key].astype(object))
    out = np.full(len(table), None, dtype=object)
    if parts is not None and len(parts):
        for k, name in enumerate(names):
            geoms = parts.geometry[parts[key] == name].to_numpy()
            geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
            if len(geoms):
                out[k] = shapely.make_valid(shapely.union_all(shapely.make_valid(geoms)))
    missing = np.array([g is None for g in out])
    if missing.any() and key in parcels:
        out[missing] = _hulls(parcels, key, names)[missing]
    return out


def _with_status(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    now = out.get("tax_per_mu_above_scale", pd.Series(None, index=out.index))
    target = out.get("tax_per_mu_target", pd.Series(None, index=out.index))
    out["target_status"] = [target_status(a, b) for a, b in zip(now, target, strict=True)]
    return out


def panel_summary(row: Mapping[str, Any]) -> dict[str, Any]:
    """The 全省 row as ``manifest_rows`` reads a district summary: value with its target."""
    out: dict[str, Any] = {}
    for key, target in _PANEL_KEYS:
        now = row.get(key)
        if is_missing(now):
            continue
        goal = row.get(target)
        out[key] = {"current": float(now), "target": NO_TARGET if is_missing(goal) else goal}
    year = row.get("tax_per_mu_target_year")
    if not is_missing(year):
        out["target_year"] = float(year)
    return out


def _plain_dtypes(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Nullable boolean and integer columns as a run's GeoPackage reads them: object with
    None, float with NaN (texts stay: the themes and popups read pandas' str columns)."""
    for col in frame.columns:
        dtype = frame[col].dtype
        if isinstance(dtype, pd.BooleanDtype):
            values = frame[col].astype(object)
            frame[col] = values.where(frame[col].notna(), None)
        elif isinstance(dtype, pd.Int64Dtype | pd.Int32Dtype):
            frame[col] = frame[col].astype("float64")
    return frame


def load_province(path: str | Path, *, verify: bool = False) -> ProvinceData:
    """Read a province run folder for the tiled map.

    Raises
    ------
    DataFileError
        Not a province run, or ``province.parquet`` is missing (no county finished);
        with ``verify``, a file differs from the manifest.
    SchemaError
        ``province.parquet`` lacks ``parcel_id``.
    """
    path = Path(path)
    if verify:
        verify_folder(path)
    manifest = read_manifest(path) or {}
    section = manifest.get("province")
    if not isinstance(section, Mapping):
        raise DataFileError(
            f"{path} 不是全省筛查结果（manifest.json 中没有 province 部分）："
            "请先运行 landgov screen 省级文件夹 --out 该目录"
        )
    outputs = section.get("outputs") or {}
    parquet = path / str(outputs.get("geoparquet") or GEOPARQUET)
    if not parquet.is_file():
        raise DataFileError(
            f"{path} 中没有 {GEOPARQUET}：全省没有一个县（市、区）处理完成，无可制图的地块；"
            "请查看 province.xlsx「处理失败」表，修正后重新运行"
        )
    parcels = _plain_dtypes(read_run_parquet(parquet))
    if "parcel_id" not in parcels:
        raise SchemaError(f"{parquet} 缺少 parcel_id 列：请用 landgov screen 重新生成")
    notes: list[str] = []
    towns, folder_rows = _county_folders(path, section, notes)
    townships = gpd.GeoDataFrame(pd.concat(towns, ignore_index=True), crs=_CRS) if towns else None
    summary = section.get("summary")
    if isinstance(summary, Mapping) and summary.get("counties") and summary.get("cities"):
        counties = pd.DataFrame(summary["counties"])
        cities = pd.DataFrame(summary["cities"])
    else:
        notes.append(
            "本全省结果的 manifest.json 没有县区/地市汇总（旧版 landgov 生成）："
            "县区汇总取自各县结果，地市未对照全省目标；请用新版重新运行以对照目标"
        )
        counties, cities = summary_tables(folder_rows, province_targets={})
        cities["target_scope"] = "未对照全省目标（旧版结果）"
    if "status" in counties:
        counties = counties[counties["status"].astype(str) == "完成"]
    counties = _with_status(counties.reset_index(drop=True))
    cities = _with_status(cities.reset_index(drop=True))
    whole = cities[cities["city"] == PROVINCE]
    province = whole.iloc[0].to_dict() if len(whole) else {}
    cities = cities[cities["city"] != PROVINCE].reset_index(drop=True)
    county_shapes = _shapes(counties, "county", townships, parcels)
    counties = gpd.GeoDataFrame(counties, geometry=list(county_shapes), crs=_CRS)
    cities = gpd.GeoDataFrame(
        cities, geometry=list(_shapes(cities, "city", counties, parcels)), crs=_CRS
    )
    if townships is None:
        notes.append("各县结果中没有镇街边界图层：只显示区县和地市汇总")
    run = RunData(path=path, parcels=parcels, townships=townships, manifest=dict(section))
    return ProvinceData(
        run=run,
        cities=cities,
        counties=counties,
        townships=townships,
        province=province,
        notes=tuple(notes),
    )
