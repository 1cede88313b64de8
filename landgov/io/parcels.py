"""Read parcel (宗地) layers from Shapefile, GeoPackage, GeoJSON, GeoParquet and other OGR formats.

:func:`read_parcels` returns a :class:`~landgov.io.problems.ReadResult`: the parcels in the
canonical schema (``docs/schema.md``) in a projected CGCS2000 Gauss–Krüger CRS with ``area_m2``
from the geometry, the rows that could not be used, the problems table, and the evidence for
the encoding and the CRS.
"""

from __future__ import annotations

import dataclasses
import struct
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely.errors
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as PyprojCRSError

from landgov.crs import CRSDecision, crs_from_prj, projected_crs_for, resolve_crs, unprefixed_epsg
from landgov.errors import CRSError, DataFileError, GeometryError, Issue, SchemaError
from landgov.ids import check_parcel_code
from landgov.io._convert import convert_columns
from landgov.io._geometry import find_overlaps, repair_polygons
from landgov.io.encoding import EncodingDecision, detect_dbf_encoding
from landgov.io.fields import PARCEL_FIELDS, FieldSpec, map_columns
from landgov.io.problems import ProblemLog, ReadResult, Severity

__all__ = ["read_layer", "read_parcels"]

_PARQUET = {".parquet", ".geoparquet"}
_TABLES = {".xlsx", ".xlsm", ".xls", ".csv", ".tsv", ".txt"}
_FOLDER_FORMATS = {".gdb"}  # formats that are folders (Esri File Geodatabase)
_SHP_MAGIC = 9994
# Lon/lat box around China (incl. the South China Sea islands), CGCS2000 degrees.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)
_FIX_LAYER = (
    "在 ArcGIS/QGIS 中打开检查，或重新导出为 Shapefile（.shp/.shx/.dbf/.prj 放在一起）或 GeoPackage"
)
_GDAL_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
)


# ---------------------------------------------------------------------------------------------
# File-level checks: before GDAL sees the file, say in Chinese what is wrong with it


def _file_error(path: Path, problem: str, fix: str = _FIX_LAYER) -> DataFileError:
    return DataFileError(f"{path}：{problem}。处理：{fix}")


def _sidecar(path: Path, suffix: str) -> Path | None:
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.is_file():
            return candidate
    return None


def _check_shp_bytes(path: Path, size: int) -> None:
    with path.open("rb") as f:
        head = f.read(100)
    if head.lstrip()[:1] in (b"{", b"["):
        raise _file_error(
            path,
            "内容是 GeoJSON/JSON 文本，扩展名却是 .shp",
            "把扩展名改为 .geojson 后重新读取，或重新导出为真正的 Shapefile",
        )
    if len(head) < 100 or struct.unpack(">i", head[:4])[0] != _SHP_MAGIC:
        raise _file_error(
            path, f"不是有效的 Shapefile（文件头不是 Shapefile 标识，前 8 字节：{head[:8]!r}）"
        )
    declared = struct.unpack(">i", head[24:28])[0] * 2
    if size < declared:
        raise _file_error(
            path,
            f"文件不完整：文件头声明 {declared:,} 字节，实际只有 {size:,} 字节"
            "（复制或下载中断？），缺少的图形不会被悄悄略去",
            "从原处重新复制完整的文件后重新读取",
        )


def _check_shx_bytes(shx: Path) -> int:
    """Check the index file's length; returns its number of records."""
    with shx.open("rb") as f:
        head = f.read(100)
    size = shx.stat().st_size
    if len(head) < 100 or struct.unpack(">i", head[:4])[0] != _SHP_MAGIC:
        raise _file_error(shx, f"索引文件不是有效的 Shapefile 索引（{size} 字节）")
    declared = struct.unpack(">i", head[24:28])[0] * 2
    if size < declared:
        raise _file_error(
            shx,
            f"索引文件不完整：文件头声明 {declared:,} 字节，实际只有 {size:,} 字节",
            "从原处重新复制完整的 .shx 后重新读取",
        )
    return (declared - 100) // 8


def _check_dbf_bytes(dbf: Path) -> int:
    """Check the attribute table's length; returns its number of records."""
    with dbf.open("rb") as f:
        head = f.read(12)
    size = dbf.stat().st_size
    if len(head) < 12:
        raise _file_error(dbf, f"属性表文件不完整（只有 {size} 字节）")
    n_records, header_len, record_len = struct.unpack("<IHH", head[4:12])
    needed = header_len + n_records * record_len
    if size < needed:
        raise _file_error(
            dbf,
            f"属性表文件不完整：文件头声明 {n_records:,} 条记录、需 {needed:,} 字节，"
            f"实际只有 {size:,} 字节",
            "从原处重新复制完整的 .dbf 后重新读取",
        )
    return n_records


def _check_shapefile(path: Path, size: int) -> None:
    _check_shp_bytes(path, size)
    missing = [s for s in (".shx", ".dbf") if _sidecar(path, s) is None]
    if missing:
        what = {".shx": "索引文件", ".dbf": "属性表"}
        names = "、".join(f"{path.with_suffix(s).name}（{what[s]}）" for s in missing)
        raise _file_error(
            path,
            f"Shapefile 缺少配套文件 {names}",
            "把同名的 .shp、.shx、.dbf（以及 .prj、.cpg）放在同一文件夹后重新读取",
        )
    shx, dbf = _sidecar(path, ".shx"), _sidecar(path, ".dbf")
    assert shx is not None and dbf is not None
    n_shapes, n_records = _check_shx_bytes(shx), _check_dbf_bytes(dbf)
    if n_shapes != n_records:
        raise _file_error(
            path,
            f"图形与属性记录数不一致：索引 {shx.name} 有 {n_shapes:,} 个图形，"
            f"属性表 {dbf.name} 有 {n_records:,} 条记录（文件不配套或不完整）",
            "确认 .shp/.shx/.dbf 来自同一次导出，从原处重新复制后重新读取",
        )


def _check_layer_file(path: Path) -> None:
    """Raise :class:`DataFileError` (in Chinese, naming the file) for a file GDAL cannot use."""
    if not path.exists():
        raise _file_error(path, "文件不存在", "检查路径是否写错")
    suffix = path.suffix.lower()
    if path.is_dir():
        if suffix in _FOLDER_FORMATS:
            return
        raise _file_error(
            path,
            "这是一个文件夹，这里需要一个图层文件",
            "指定文件夹中的 .shp（或 .gpkg/.geojson）文件本身",
        )
    if suffix in _TABLES:
        raise _file_error(
            path,
            "这是表格文件，不是图层（没有图形）",
            "这里应给宗地等图层（.shp/.gpkg/.geojson）；表格请用 --enterprises/--links 等参数",
        )
    size = path.stat().st_size
    if size == 0:
        raise _file_error(path, "文件是空的（0 字节）", "从原处重新复制或重新导出该文件")
    if suffix == ".shp":
        _check_shapefile(path, size)


def _gdal_error(path: Path, exc: Exception) -> DataFileError:
    return _file_error(path, f"无法读取图层（GDAL：{exc}）")


def _open_raw(
    path: Path, *, layer: str | None, encoding: str | None
) -> tuple[gpd.GeoDataFrame, dict[str, Any], EncodingDecision, CRS | None, str | None]:
    """Read the file as it is (no CRS decision yet), with format facts and encoding evidence."""
    meta: dict[str, Any] = {"path": str(path)}
    try:
        return _read_raw(path, meta, layer=layer, encoding=encoding)
    except _GDAL_ERRORS as exc:
        raise _gdal_error(path, exc) from exc
    except (ValueError, OSError, ImportError) as exc:
        if isinstance(exc, DataFileError | SchemaError):
            raise
        raise _gdal_error(path, exc) from exc


def _read_raw(
    path: Path, meta: dict[str, Any], *, layer: str | None, encoding: str | None
) -> tuple[gpd.GeoDataFrame, dict[str, Any], EncodingDecision, CRS | None, str | None]:
    if path.suffix.lower() in _PARQUET:
        gdf = gpd.read_parquet(path)
        meta.update(format="GeoParquet", layer=None, layers=[])
        enc = EncodingDecision("UTF-8", "format", ("GeoParquet 文本按规范为 UTF-8",))
        return gdf, meta, enc, gdf.crs, None
    info_layers = [str(name) for name, *_ in pyogrio.list_layers(path)]
    chosen = layer or (info_layers[0] if info_layers else None)
    if layer is not None and layer not in info_layers:
        raise DataFileError(f"{path}：没有图层「{layer}」。可用图层：{'、'.join(info_layers)}")
    prj_crs: CRS | None = None
    prj_text: str | None = None
    if path.suffix.lower() == ".shp":
        enc = detect_dbf_encoding(path, user_encoding=encoding)
        prj = path.with_suffix(".prj")
        if prj.exists():
            prj_text = prj.read_text(encoding="latin-1")
            prj_crs = crs_from_prj(prj_text)
    else:
        enc = EncodingDecision(
            (encoding or "UTF-8").upper(), "format", ("该格式的文本按规范为 UTF-8",)
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gdf = pyogrio.read_dataframe(path, layer=chosen, encoding=enc.encoding)
    info = pyogrio.read_info(path, layer=chosen, encoding=enc.encoding)
    meta.update(
        format=info.get("driver"),
        layer=chosen,
        layers=info_layers,
        ogr_warnings=[str(w.message) for w in caught],
    )
    if prj_crs is None and path.suffix.lower() != ".shp":
        prj_crs = gdf.crs
    return gdf, meta, enc, prj_crs, prj_text


def _county_hint(codes: pd.Series) -> str | None:
    """The most common 6-digit county code among parcel codes that parse, if any."""
    counties = Counter(
        c.county for c in (check_parcel_code(v) for v in codes.dropna().head(2000)) if c.ok
    )
    return counties.most_common(1)[0][0] if counties else None


def _centre_longitude(geoms: gpd.GeoSeries, crs: CRS) -> float:
    """Longitude (CGCS2000) of the centre of the layer's bounds: picks the GK zone for degrees."""
    if not len(geoms):
        return 120.0
    minx, miny, maxx, maxy = geoms.total_bounds
    to_deg = Transformer.from_crs(crs, 4490, always_xy=True)
    return float(to_deg.transform((minx + maxx) / 2, (miny + maxy) / 2)[0])


def _target_crs(decision: CRSDecision, to_crs: str | CRS | None, lon: float) -> CRS | None:
    if to_crs is None:
        return None
    if to_crs != "auto":
        return CRS.from_user_input(to_crs)
    if decision.crs.is_geographic:
        return projected_crs_for(lon)
    plain = unprefixed_epsg(decision.crs.to_epsg() or 0)
    return CRS.from_epsg(plain) if plain else None


def _required_fields(
    matches: Mapping[str, Any], specs: Iterable[FieldSpec], columns: list[str], src: str
) -> None:
    missing = [s for s in specs if s.required and s.name not in matches]
    if missing:
        raise SchemaError(
            [
                Issue(
                    src,
                    s.label,
                    columns,
                    f"找不到必填字段「{s.label}」（{s.name}）",
                    f"把对应列改名为 {'/'.join(s.aliases[:4])} 之一，"
                    f"或用 --alias {s.name}=你的列名（Python：aliases=）指定",
                )
                for s in missing
            ]
        )


def _require_geometries(path: Path, *, n_rows: int, n_usable: int) -> None:
    if n_rows == 0:
        raise _file_error(
            path,
            "图层中没有任何要素（只有字段定义，0 行）",
            "确认导出时没有勾选“仅导出所选要素”或设置了筛选条件，重新导出后再读取",
        )
    if n_usable == 0:
        raise GeometryError(
            [
                Issue(
                    path.name, "geometry", f"共 {n_rows} 行",
                    "全部图形都为空或无法修复（如坐标含 NaN），图层没有可用的图形",
                    "在 ArcGIS/QGIS 中检查几何（“检查几何”工具）并修复后重新导出",
                )
            ]
        )  # fmt: skip


def _decide_crs(
    path: Path, bounds: tuple[float, ...], *, user_crs: str | CRS | None, **options: Any
) -> CRSDecision:
    """:func:`resolve_crs` with every problem naming the file (and a bad ``--crs`` caught)."""
    try:
        return resolve_crs(bounds, user_crs=user_crs, **options)  # type: ignore[arg-type]
    except CRSError as exc:
        if not exc.issues:
            raise
        raise CRSError(
            [dataclasses.replace(i, source=f"{path.name} {i.source}") for i in exc.issues]
        ) from exc
    except PyprojCRSError as exc:
        raise CRSError(
            [
                Issue(
                    path.name, "--crs", str(user_crs), f"无法识别的坐标系（{exc}）",
                    "写作 EPSG 代码，如 --crs EPSG:4549（CGCS2000 3 度带 120°E）",
                )
            ]
        ) from exc  # fmt: skip


def _degrees(bounds: np.ndarray, crs: CRS) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat (CGCS2000) of the four corners of ``bounds``."""
    to_deg = Transformer.from_crs(crs, 4490, always_xy=True)
    xs = [bounds[0], bounds[2], bounds[0], bounds[2]]
    ys = [bounds[1], bounds[1], bounds[3], bounds[3]]
    lon, lat = to_deg.transform(xs, ys, errcheck=False)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _check_in_china(path: Path, bounds: np.ndarray, decision: CRSDecision) -> None:
    """A layer whose every coordinate lies outside China has the wrong CRS (or is not ours)."""
    lon, lat = _degrees(bounds, decision.crs)
    lo_min, la_min, lo_max, la_max = CHINA_BOUNDS
    finite = np.isfinite(lon) & np.isfinite(lat)
    overlaps = bool(
        finite.all()
        and lon.max() >= lo_min
        and lon.min() <= lo_max
        and lat.max() >= la_min
        and lat.min() <= la_max
    )
    if overlaps:
        return
    seen = (
        f"经度 {np.nanmin(lon):.3f}～{np.nanmax(lon):.3f}，"
        f"纬度 {np.nanmin(lat):.3f}～{np.nanmax(lat):.3f}"
        if finite.any()
        else f"原始坐标范围 {tuple(round(float(b), 1) for b in bounds)}"
    )
    raise CRSError(
        [
            Issue(
                path.name, "坐标", seen,
                f"按 {decision.epsg}（{decision.crs.name}）换算后，整个图层都不在中国境内",
                "坐标系很可能不对：用 landgov inspect 查看坐标系依据，用 --crs 指定正确的坐标系"
                "（如 EPSG:4549），或确认这是本县的数据",
            )
        ]
    )  # fmt: skip


def read_layer(
    path: str | Path,
    *,
    specs: Iterable[FieldSpec],
    layer: str | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
    encoding: str | None = None,
    crs: str | CRS | None = None,
    cm: int | None = None,
    county: str | None = None,
    to_crs: str | CRS | None = "auto",
) -> ReadResult:
    """Read any polygon layer into a canonical schema (see :func:`read_parcels`)."""
    path = Path(path)
    _check_layer_file(path)
    specs = tuple(specs)
    src = path.name
    log = ProblemLog(src)
    raw, meta, enc, prj_crs, prj_text = _open_raw(path, layer=layer, encoding=encoding)
    rows = np.arange(1, len(raw) + 1)
    columns = [c for c in raw.columns if c != raw.geometry.name]
    matches, unmatched, conflicts = map_columns(columns, specs, aliases=aliases)
    _required_fields(matches, specs, columns, src)
    for name, cols in conflicts.items():
        log.add(
            f"多列都对应「{name}」，采用第一列「{cols[0]}」",
            field=name,
            value=cols,
            action="删除或改名多余的列，或用 aliases 指定",
            severity=Severity.WARNING,
        )
    data = convert_columns(raw[columns], matches, log=log, rows=rows)
    for col in unmatched:
        data[col] = raw[col].to_numpy()
    data["source_row"] = rows
    id_values = data["parcel_id"].to_numpy() if "parcel_id" in data else rows.astype(str)
    try:
        geoms, unusable = repair_polygons(raw.geometry, rows=rows, log=log, id_values=id_values)
    except shapely.errors.GEOSException as exc:  # a geometry GEOS cannot even repair
        raise GeometryError(
            [
                Issue(
                    src, "geometry", str(exc)[:200], "图形无法处理（GEOS 几何库报错）",
                    "在 ArcGIS/QGIS 中运行“检查几何”并修复后重新导出",
                )
            ]
        ) from exc  # fmt: skip
    county = county or (_county_hint(data["parcel_id"]) if "parcel_id" in data else None)
    usable = geoms[~unusable]
    _require_geometries(path, n_rows=len(raw), n_usable=len(usable))
    decision = _decide_crs(
        path, tuple(usable.total_bounds), prj_crs=prj_crs, prj_text=prj_text,
        county=county, user_crs=crs, user_cm=cm,
    )  # fmt: skip
    _check_in_china(path, usable.total_bounds, decision)
    for text in decision.warnings:
        log.add(
            text,
            field="crs",
            value=decision.epsg,
            action="如不正确，用 --crs 指定",
            severity=Severity.WARNING,
        )
    gdf = gpd.GeoDataFrame(data, geometry=geoms.set_crs(decision.crs, allow_override=True))
    lon = _centre_longitude(usable, decision.crs)
    target = _target_crs(decision, to_crs, lon)
    if target is not None and not target.equals(gdf.crs):
        gdf = gdf.to_crs(target)
    if gdf.crs.is_geographic:
        raise SchemaError(
            [Issue(src, "crs", gdf.crs.name, "不能在经纬度下计算面积", "用 to_crs 指定投影坐标系")]
        )
    gdf["area_m2"] = gdf.geometry.area.where(~unusable)
    meta.update(
        rows=len(raw),
        encoding={"name": enc.encoding, "source": enc.source, "evidence": list(enc.evidence)},
        crs={
            "epsg": decision.epsg,
            "source": decision.source,
            "evidence": list(decision.evidence),
            "warnings": list(decision.warnings),
            "output": f"EPSG:{gdf.crs.to_epsg()}",
        },
        field_map={k: m.source for k, m in matches.items()},
        header_units={k: m.header_unit for k, m in matches.items() if m.header_unit},
        unmatched_columns=unmatched,
        county_hint=county,
    )
    return ReadResult(
        gdf, gdf.iloc[:0].assign(reject_reason=pd.Series(dtype=str)), log.frame(), meta
    )


def _check_codes(gdf: gpd.GeoDataFrame, log: ProblemLog) -> np.ndarray:
    """Log malformed and duplicate parcel codes; returns the mask of rows to reject."""
    reject = np.zeros(len(gdf), dtype=bool)
    first: dict[str, int] = {}
    for pos, (code, row) in enumerate(zip(gdf["parcel_id"], gdf["source_row"], strict=True)):
        if code is None or pd.isna(code) or str(code).strip() == "":
            log.add(
                "宗地代码缺失", row=int(row), field="宗地代码", action="补录宗地代码；该行已剔除"
            )
            reject[pos] = True
            continue
        check = check_parcel_code(code)
        if not check.ok:
            log.add(
                check.problem, row=int(row), field="宗地代码", value=code,
                action="核对宗地代码（GB/T 37346）；该行保留", severity=Severity.WARNING,
            )  # fmt: skip
        if code in first:
            log.add(
                f"宗地代码重复（与第 {first[code]} 行相同）",
                row=int(row), field="宗地代码", value=code,
                action="核对两条记录，保留正确的一条；本行已剔除，首次出现的记录保留",
            )  # fmt: skip
            reject[pos] = True
        else:
            first[code] = int(row)
    return reject


def _log_overlaps(gdf: gpd.GeoDataFrame, log: ProblemLog, *, min_area_m2: float) -> int:
    pairs = find_overlaps(gdf.geometry, min_area_m2=min_area_m2)
    ids, rows = gdf["parcel_id"].to_numpy(), gdf["source_row"].to_numpy()
    for i, j, area in pairs:
        log.add(
            f"与宗地 {ids[j]}（第 {rows[j]} 行）重叠 {area:,.1f} m²",
            row=int(rows[i]), field="geometry", value=ids[i],
            action="核对两宗地边界；面积按各自图形计算，重叠部分被重复计入",
            severity=Severity.WARNING,
        )  # fmt: skip
    return len(pairs)


def read_parcels(
    path: str | Path,
    *,
    layer: str | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
    encoding: str | None = None,
    crs: str | CRS | None = None,
    cm: int | None = None,
    county: str | None = None,
    to_crs: str | CRS | None = "auto",
    overlap_min_m2: float = 1.0,
) -> ReadResult:
    """Read a parcel (宗地) layer into the canonical schema.

    Parameters
    ----------
    path
        Shapefile (``.shp``), GeoPackage, GeoJSON, GeoParquet or any OGR-readable file.
    layer
        Layer name for multi-layer files (default: the first).
    aliases
        Extra column names per canonical field, tried before the built-in ones.
    encoding
        Force the .dbf encoding (default: the .cpg, else detected from the bytes).
    crs, cm, county
        Force the CRS, or the central meridian (117/120/123) of 6-digit eastings, or the county
        code used to pick it (default: from the 宗地代码).
    to_crs
        ``"auto"`` (default): keep a projected GK CRS but drop a zone prefix, project degrees into
        their GK zone. ``None`` keeps the source CRS; anything else is passed to pyproj.
    overlap_min_m2
        Overlaps smaller than this (m²) are not reported.

    Returns
    -------
    ReadResult
        ``data``: parcels with ``area_m2`` = geometry area (m²) and ``source_row``; rows with a
        missing or repeated 宗地代码 go to ``rejected`` with ``reject_reason``; null and empty
        geometries stay in ``data`` with ``area_m2`` missing. ``len(data) + len(rejected)`` equals
        the rows in the file.
    """
    result = read_layer(
        path, specs=PARCEL_FIELDS, layer=layer, aliases=aliases, encoding=encoding,
        crs=crs, cm=cm, county=county, to_crs=to_crs,
    )  # fmt: skip
    gdf = result.data
    log = ProblemLog(Path(path).name)
    reject = _check_codes(gdf, log)
    kept = gdf[~reject]
    n_overlaps = _log_overlaps(kept, log, min_area_m2=overlap_min_m2)
    rejected = gdf[reject].copy()
    rejected["reject_reason"] = [
        "宗地代码缺失" if pd.isna(c) or str(c).strip() == "" else "宗地代码重复"
        for c in rejected["parcel_id"]
    ]
    problems = pd.concat([result.problems, log.frame()], ignore_index=True)
    meta = dict(result.meta)
    meta.update(
        rejected=int(reject.sum()),
        null_geometries=int(kept["area_m2"].isna().sum()),
        overlaps=n_overlaps,
    )
    return ReadResult(
        kept, pd.DataFrame(rejected), problems.sort_values("row", kind="stable"), meta
    )
