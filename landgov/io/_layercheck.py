"""Checks on a layer file, before and after GDAL reads it, with Chinese messages naming the file.

Before: :func:`check_layer_file` catches what GDAL would report in English or, worse, read
silently wrong — a folder or a table where a layer is expected, a 0-byte file, a missing .shx or
.dbf, a file that is not a Shapefile (or is GeoJSON text named .shp), and truncated .shp/.shx/.dbf
files (GDAL would return fewer or empty parcels). GDAL's own exceptions become
:class:`~landgov.errors.DataFileError` through :func:`gdal_error`.

After: :func:`require_geometries` (a layer with no feature or no usable geometry),
:func:`decide_crs` (CRS problems naming the file, a bad ``--crs``) and :func:`check_in_china`
(a layer entirely outside China has the wrong CRS).
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import struct
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from landgov.core.listing import first_few
from landgov.core.runfolder import FOLDER_FORMATS
from landgov.core.runread import GDAL_ERRORS
from landgov.core.textfile import EMPTY_FILE
from landgov.crs import CRSDecision, layer_centre, resolve_crs, transformer
from landgov.errors import CRSError, DataFileError, GeometryError, Issue, missing_file
from landgov.io._grid import TABLE_SUFFIXES
from landgov.io._shpparts import sidecar
from landgov.io.sheets import layer_option

__all__ = [
    "CHINA_BOUNDS",
    "GDAL_ERRORS",
    "NAMED_CELLS",
    "PARQUET_SUFFIXES",
    "check_in_china",
    "check_layer_file",
    "decide_crs",
    "gdal_error",
    "not_a_layer",
    "require_geometries",
]

_SHP_PARTS = {".dbf": "属性表", ".shx": "索引文件", ".prj": "坐标系文件", ".cpg": "编码文件"}
_SHP_MAGIC = 9994
# Lon/lat box around China (incl. the South China Sea islands), CGCS2000 degrees.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)
_FIX_LAYER = (
    "在 ArcGIS/QGIS 中打开检查，或重新导出为 Shapefile（.shp/.shx/.dbf/.prj 放在一起）或 GeoPackage"
)


# ---------------------------------------------------------------------------------------------
# File-level checks: before GDAL sees the file, say in Chinese what is wrong with it


def _file_error(path: Path, problem: str, fix: str = _FIX_LAYER) -> DataFileError:
    return DataFileError(f"{path}：{problem}。处理：{fix}")


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
    missing = [s for s in (".shx", ".dbf") if sidecar(path, s) is None]
    if missing:
        what = {".shx": "索引文件", ".dbf": "属性表"}
        names = "、".join(f"{path.with_suffix(s).name}（{what[s]}）" for s in missing)
        raise _file_error(
            path,
            f"Shapefile 缺少配套文件 {names}",
            "把同名的 .shp、.shx、.dbf（以及 .prj、.cpg）放在同一文件夹后重新读取",
        )
    shx, dbf = sidecar(path, ".shx"), sidecar(path, ".dbf")
    assert shx is not None and dbf is not None
    n_shapes, n_records = _check_shx_bytes(shx), _check_dbf_bytes(dbf)
    if n_shapes != n_records:
        raise _file_error(
            path,
            f"图形与属性记录数不一致：索引 {shx.name} 有 {n_shapes:,} 个图形，"
            f"属性表 {dbf.name} 有 {n_records:,} 条记录（文件不配套或不完整）",
            "确认 .shp/.shx/.dbf 来自同一次导出，从原处重新复制后重新读取",
        )


_ARCHIVES = {".zip", ".rar", ".7z"}
_FIX_ARCHIVE = "先解压，再指定其中的 .shp（同名的 .shp/.shx/.dbf/.prj 放在同一文件夹）或 .gpkg 文件"
_FIX_TABLE = "这里应给宗地等图层（.shp/.gpkg/.geojson）；表格请用 --enterprises/--links 等参数"
#: The most cells a message about a layer's text names one by one (then 「等」).
NAMED_CELLS = 10
_TO_LAYER = "导出为 Shapefile（.shp/.shx/.dbf/.prj 放在一起）或 GeoPackage 后再读取"
#: Files a county has that no GDAL here reads as a layer: what they are, how to get a layer.
_NOT_GIS = {
    ".dwg": (
        "这是 AutoCAD 图形（.dwg），不能直接读取",
        "在南方 CASS、ArcGIS（CAD 转要素）或 QGIS 中把宗地面转为要素，带上宗地代码等属性，"
        "定义 CGCS2000 坐标系后" + _TO_LAYER,
    ),
    ".pdf": ("这是 PDF 文档（图纸或报表），不是地理数据", "向提供单位索取矢量数据，" + _TO_LAYER),
    ".doc": ("这是 Word 文档，不是地理数据", "向提供单位索取矢量数据，" + _TO_LAYER),
    ".docx": ("这是 Word 文档，不是地理数据", "向提供单位索取矢量数据，" + _TO_LAYER),
    ".html": (
        "这是网页文件，不是地理数据",
        "如是 landgov 生成的地图，请改用它所在结果目录中的 landgov.gpkg",
    ),
}
#: Image files: GDAL reads them as rasters, never as a layer of shapes.
_RASTERS = {".tif", ".tiff", ".img", ".jpg", ".jpeg", ".png", ".jp2", ".ecw", ".asc", ".dem"}


def _is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


#: the part every Excel workbook (.xlsx) has: a zip holding it is a workbook, not an archive
_WORKBOOK_PART = "xl/workbook.xml"
_UTF8_NAME = 0x800  # zip general-purpose flag bit 11: the member name is UTF-8


def _member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name as its maker wrote it. Zip tools on Chinese Windows write names in
    GBK without the UTF-8 flag, which Python reads as cp437 (宗地 → 「╫┌╡╪」): such a name is
    decoded as UTF-8, else GB18030, where the bytes decode cleanly, else left as read."""
    if info.flag_bits & _UTF8_NAME:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:  # read with another encoding already
        return info.filename
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


def _zip_names(path: Path) -> list[str]:
    """The member names of a zip file (none for a damaged one)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return [_member_name(info) for info in zf.infolist()]
    except (zipfile.BadZipFile, OSError):
        return []


def _workbook_error(path: Path) -> DataFileError:
    """An Excel workbook (a zip holding :data:`_WORKBOOK_PART`) given where a layer is expected,
    under a layer's name (宗地.shp, 宗地.gpkg): a workbook, not an archive to unzip."""
    return _file_error(
        path,
        f"内容是 Excel 工作簿（.xlsx），扩展名却是 {path.suffix}，不是图层",
        _FIX_TABLE,
    )


def _archive_error(path: Path, names: Sequence[str] | None = None) -> DataFileError:
    """A compressed archive (宗地.zip as sent by e-mail) given where a layer is expected: the
    layers inside a zip are named, and a workbook is said to be one (:func:`_workbook_error`)."""
    if names is None:
        names = _zip_names(path) if _is_zip(path) else []
    if _WORKBOOK_PART in names:
        return _workbook_error(path)
    return _file_error(path, f"这是压缩包，不是图层本身{_layers_inside(names)}", _FIX_ARCHIVE)


def _layers_inside(names: Sequence[str]) -> str:
    """「（其中有：宗地.shp）」: the layers among a zip's member names, or 「」 for none."""
    layers = [n for n in names if n.lower().endswith((".shp", ".gpkg"))]
    if not layers:
        return ""
    return f"（其中有：{'、'.join(layers[:5])}{' 等' if len(layers) > 5 else ''}）"


def _sqlite_declared_size(head: bytes) -> int | None:
    """The size in bytes an SQLite file's header states (page size × page count); ``None`` when
    the header does not hold a valid count (files of very old SQLite versions)."""
    if len(head) < 100 or head[92:96] != head[24:28]:
        return None
    page_size = struct.unpack(">H", head[16:18])[0]
    pages = struct.unpack(">I", head[28:32])[0]
    return (65536 if page_size == 1 else page_size) * pages or None


def _gpkg_contents(path: Path) -> list[str] | None:
    """The tables a GeoPackage lists in ``gpkg_contents``; ``None`` when that cannot be told
    here (no such table, a locked or read-only file: GDAL then reads and speaks)."""
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            found = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name = 'gpkg_contents'"
            ).fetchone()
            if found is None:
                return None
            return [str(r[0]) for r in db.execute("SELECT table_name FROM gpkg_contents")]
    except (sqlite3.Error, OSError, ValueError):
        return None


def _check_geopackage(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(100)
    if head[:16] == b"SQLite format 3\x00":
        declared, size = _sqlite_declared_size(head), path.stat().st_size
        if declared is not None and size < declared:
            raise _file_error(
                path,
                f"文件不完整：文件头声明 {declared:,} 字节，实际只有 {size:,} 字节"
                "（复制或下载中断？），缺少的图形不会被悄悄略去",
                "从原处重新复制完整的文件后重新读取",
            )
        if _gpkg_contents(path) == []:
            raise _file_error(
                path,
                "GeoPackage 中没有任何图层（图层目录 gpkg_contents 是空的：图层已被删除，"
                "或导出的是一个空库）",
                "在 ArcGIS/QGIS 中打开确认，把含数据的图层重新导出到 GeoPackage 后再读取",
            )
        return
    if head.startswith(b"PK\x03\x04"):
        names = _zip_names(path)
        if _WORKBOOK_PART in names:
            raise _workbook_error(path)
        inside = _layers_inside(names)
        raise _file_error(path, f"不是有效的 GeoPackage（内容是 zip 压缩包）{inside}", _FIX_ARCHIVE)
    kind = f"文件头不是 SQLite 数据库标识，前 8 字节：{head[:8]!r}"
    raise _file_error(path, f"不是有效的 GeoPackage（{kind}）")


PARQUET_SUFFIXES = frozenset({".parquet", ".geoparquet"})
_PARQUET_MAGIC = b"PAR1"  # the first and the last four bytes of every Parquet file


def _check_parquet(path: Path, size: int) -> None:
    with path.open("rb") as fh:
        head = fh.read(4)
        fh.seek(max(size - 4, 0))
        tail = fh.read(4)
    if head != _PARQUET_MAGIC:
        raise _file_error(
            path, f"不是有效的 Parquet 文件（文件头不是 PAR1 标识，前 4 字节：{head!r}）"
        )
    if tail != _PARQUET_MAGIC:
        raise _file_error(
            path,
            f"文件不完整：{size:,} 字节处文件尾缺少 Parquet 的结束标识（复制或下载中断？），"
            "缺少的图形不会被悄悄略去",
            "从原处重新复制完整的文件后重新读取",
        )


def check_layer_file(path: Path) -> None:
    """Raise :class:`DataFileError` (in Chinese, naming the file) for a file GDAL cannot use."""
    if not path.exists():
        raise missing_file(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        if suffix in FOLDER_FORMATS:
            return
        raise _file_error(
            path,
            "这是一个文件夹，这里需要一个图层文件",
            "指定文件夹中的 .shp（或 .gpkg/.geojson）文件本身",
        )
    if suffix in TABLE_SUFFIXES:
        raise not_a_layer(path)
    if suffix in _ARCHIVES or (suffix == ".shp" and _is_zip(path)):
        raise _archive_error(path)
    if suffix in _NOT_GIS:
        raise _file_error(path, *_NOT_GIS[suffix])
    if suffix in _RASTERS:
        raise _file_error(
            path,
            "这是栅格（影像）文件，不是图层（没有宗地等图形和属性）",
            "这里应给宗地等矢量图层（.shp/.gpkg/.geojson）；建筑高度栅格用 -r/--height-raster 给出",
        )
    if suffix in _SHP_PARTS:
        raise _file_error(
            path,
            f"这是 Shapefile 的{_SHP_PARTS[suffix]}，不是图层本身",
            f"指定同一文件夹中同名的 {path.with_suffix('.shp').name}"
            "（.shp/.shx/.dbf/.prj 放在一起）",
        )
    size = path.stat().st_size
    if size == 0:
        raise _file_error(path, EMPTY_FILE, "从原处重新复制或重新导出该文件")
    if suffix == ".shp":
        _check_shapefile(path, size)
    if suffix == ".gpkg":
        _check_geopackage(path)
    if suffix in PARQUET_SUFFIXES:
        _check_parquet(path, size)


def not_a_layer(path: Path, driver: str | None = None) -> DataFileError:
    """A table (by its name, or by its content: ``driver`` is what GDAL read it as) given where a
    layer is expected."""
    seen = f"（GDAL 按 {driver} 读取，没有图形列）" if driver else "（没有图形）"
    return _file_error(path, f"这是表格文件，不是图层{seen}", _FIX_TABLE)


def _bad_prj(path: Path) -> DataFileError | None:
    """The error naming a Shapefile's .prj that no CRS can be made of (GDAL then refuses the
    whole layer in its own words); ``None`` when there is no .prj or it is a CRS."""
    prj = sidecar(path, ".prj") if path.suffix.lower() == ".shp" else None
    if prj is None:
        return None
    try:
        raw = prj.read_bytes()
    except OSError:
        return None
    text = (
        raw.decode("utf-8", errors="replace") if raw.isascii() else raw.decode("gb18030", "replace")
    )
    try:
        CRS.from_user_input(text)
    except (PyprojCRSError, ValueError, TypeError):
        return _file_error(
            prj,
            f"坐标系文件无法解析（内容：{text.strip()[:80]!r}），图层因此无法读取",
            "在 ArcGIS/QGIS 中为图层重新定义坐标系（CGCS2000 高斯-克吕格分带）后重新导出；"
            "或删去该 .prj，程序将按坐标推断坐标系并给出提示",
        )
    return None


def gdal_error(path: Path, exc: Exception, *, where: Sequence[str] = ()) -> DataFileError:
    """The error for a layer GDAL (or pyogrio) could not read. ``where`` names the cells of a
    text that is not UTF-8 (「第 2 行「权利人」」), when they were found."""
    bad_prj = _bad_prj(path)
    if bad_prj is not None:
        return bad_prj
    if isinstance(exc, UnicodeDecodeError):  # text GDAL hands over as UTF-8 that is not
        cells = first_few(where, NAMED_CELLS)
        return _file_error(
            path,
            f"图层中有文字不是 UTF-8 编码（{cells + '：' if cells else ''}"
            f"字节 {exc.object[exc.start : exc.start + 4]!r} 无法按 UTF-8 解读；"
            "GeoPackage、GeoJSON 等格式的文字须为 UTF-8，常见原因是按 GBK 写入）",
            "在 ArcGIS/QGIS 中按正确的编码打开后另存为 GeoPackage；或导出为 Shapefile 并附"
            " .cpg 编码文件（内容 GBK 或 UTF-8）",
        )
    return _file_error(path, f"无法读取图层（GDAL：{exc}）")


def require_geometries(
    path: Path,
    *,
    n_rows: int,
    n_usable: int,
    layer: str | None = None,
    layers: Sequence[str] = (),
    role: str | None = None,
) -> None:
    """Refuse a layer without features or without one usable geometry.

    ``layer`` is the layer read of a file holding ``layers``: an empty one among others (the
    first read by default, an empty 「说明」 or template layer before the data) names the
    others and how to choose one (``--layer ROLE=LAYER``), not only how to export again.
    """
    others = [str(n) for n in layers if n != layer]
    if n_rows == 0 and others:
        shown = first_few((f"「{n}」" for n in others), 10)
        raise _file_error(
            path,
            f"读取的图层「{layer}」中没有任何要素（只有字段定义，0 行）；文件中还有图层：{shown}",
            f"用 {layer_option(role)} 指定有数据的图层（Python：layer=）后重新运行",
        )
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


def decide_crs(
    path: Path,
    geoms: gpd.GeoSeries,
    *,
    user_crs: str | CRS | None,
    labels: Callable[[Sequence[int]], list[str]] | None = None,
    **options: Any,
) -> CRSDecision:
    """:func:`resolve_crs` of the (usable, non-empty) ``geoms`` of a layer, decided where most
    of them are (:func:`~landgov.crs.layer_centre`), with every problem naming the file (and
    a bad ``--crs`` caught). ``labels`` names the features at given positions (「第 N 行（宗地代码
    …）」), for a refusal that points at some of them."""
    features = geoms.bounds.to_numpy()
    try:
        return resolve_crs(
            tuple(geoms.total_bounds), user_crs=user_crs, centre=layer_centre(features),
            features=features, labels=labels, **options,
        )  # type: ignore[arg-type]  # fmt: skip
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
                    path.name, "--crs", str(user_crs), "无法识别的坐标系（PROJ 中没有该坐标系）",
                    "写作 EPSG 代码，如 --crs EPSG:4549（CGCS2000 3 度带 120°E）",
                )
            ]
        ) from exc  # fmt: skip


def _degrees(bounds: np.ndarray, crs: CRS) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat (CGCS2000) of the four corners of ``bounds``."""
    to_deg = transformer(crs, 4490)
    xs = [bounds[0], bounds[2], bounds[0], bounds[2]]
    ys = [bounds[1], bounds[1], bounds[3], bounds[3]]
    lon, lat = to_deg.transform(xs, ys, errcheck=False)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def check_in_china(path: Path, bounds: np.ndarray, decision: CRSDecision) -> None:
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
                "坐标系很可能不对：用 landgov inspect 查看坐标系依据（可用 --crs 试读），"
                "在 ArcGIS/QGIS 中为图层定义正确的坐标系（.prj，如 EPSG:4549）后重新导出，"
                "或确认这是本县的数据",
            )
        ]
    )  # fmt: skip
