"""Writers that produce the files as counties hand them over, reproducibly.

Shapefiles: GBK-encoded .dbf, ESRI .prj, the .dbf header date pinned to ``as_of``; .xlsx: fixed
document properties and zip timestamps; GeoPackage: ``OGR_CURRENT_DATE`` pinned. The same seed
therefore gives byte-identical files. Text is written as text, never as a formula, in .xlsx
and CSV alike (:mod:`landgov.core.safe_text`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
import rasterio.features
from affine import Affine
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from pyproj import CRS

from landgov.core.safe_text import cell_text, csv_field, force_text

EPSG = 4549
ESRI_WKT = CRS.from_epsg(EPSG).to_wkt("WKT1_ESRI")
_SHP_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def write_shapefile(gdf: gpd.GeoDataFrame, path: Path, *, as_of: dt.date, cpg: bool) -> list[Path]:
    """Write a GBK shapefile; ``cpg=False`` leaves no .cpg (the encoding must be guessed)."""
    for ext in _SHP_SIDECARS:
        path.with_suffix(ext).unlink(missing_ok=True)
    pyogrio.write_dataframe(gdf, path, encoding="GBK", layer_options={"RESIZE": "YES"})
    path.with_suffix(".prj").write_text(ESRI_WKT, encoding="ascii")
    cpg_path = path.with_suffix(".cpg")
    if cpg:
        cpg_path.write_text("GBK", encoding="ascii")
    else:
        cpg_path.unlink(missing_ok=True)
    dbf = path.with_suffix(".dbf")
    with dbf.open("r+b") as fh:  # header bytes 1–3: date of last update (YY since 1900, M, D)
        fh.seek(1)
        fh.write(bytes([as_of.year - 1900, as_of.month, as_of.day]))
    return [path.with_suffix(e) for e in _SHP_SIDECARS if path.with_suffix(e).exists()]


def _pinned_date(as_of: dt.date) -> dict[str, str]:
    return {"OGR_CURRENT_DATE": f"{as_of.isoformat()}T00:00:00Z"}


def write_gpkg(gdf: gpd.GeoDataFrame, path: Path, *, layer: str, as_of: dt.date) -> Path:
    """Write one GeoPackage layer with the content timestamp pinned to ``as_of``."""
    path.unlink(missing_ok=True)
    old = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options(_pinned_date(as_of))
    try:
        pyogrio.write_dataframe(gdf, path, layer=layer, driver="GPKG")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": old})
    return path


def write_geoparquet(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    """GeoParquet for benchmark-sized layers."""
    gdf.to_parquet(path, index=False, compression="zstd")
    return path


def write_height_raster(
    footprints: np.ndarray,
    heights: np.ndarray,
    bounds: Sequence[float],
    path: Path,
    *,
    cell: float = 5.0,
) -> Path:
    """Rasterise building heights (float32 m, nodata 0, DEFLATE) on a ``cell`` m grid."""
    minx, miny, maxx, maxy = bounds
    x0, y1 = np.floor(minx / cell) * cell, np.ceil(maxy / cell) * cell
    width = int(np.ceil((maxx - x0) / cell))
    height = int(np.ceil((y1 - miny) / cell))
    transform = Affine(cell, 0.0, float(x0), 0.0, -cell, float(y1))
    arr = rasterio.features.rasterize(
        zip(footprints, heights.astype("float32"), strict=True),
        out_shape=(height, width),
        transform=transform,
        fill=0.0,
        dtype="float32",
    )
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": "float32",
        "crs": CRS.from_epsg(EPSG).to_wkt(),
        "transform": transform,
        "nodata": 0.0,
        "compress": "deflate",
        "predictor": 3,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(arr, 1)
        dst.update_tags(1, UNIT="metre", DESCRIPTION="建筑高度（模拟数据）")
    return path


# --------------------------------------------------------------------------------------------
# Excel


_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_GROUP_FILL = PatternFill("solid", fgColor="BDD7EE")


def _cell_value(v: object) -> object:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def _text(ws: Any, row: int, column: int, text: str) -> Any:
    """Put ``text`` in a cell as text (never a formula); the generator makes no text too long."""
    cell = ws.cell(row=row, column=column)
    force_text(cell, cell_text(text).text)
    return cell


def _row_value(ws: Any, raw: object) -> object:
    """A data value for ``ws.append``; text becomes a string cell so ``=…`` stays text."""
    value = _cell_value(raw)
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(ws)
    force_text(cell, cell_text(value).text)
    return cell


def write_xlsx(
    frame: pd.DataFrame,
    path: Path,
    *,
    sheet: str,
    as_of: dt.date,
    title: str | None = None,
    groups: Sequence[tuple[str, int]] | None = None,
    widths: dict[str, float] | None = None,
) -> Path:
    """Write a sheet: optional merged title row, optional merged group row, then the header.

    ``groups`` is ``[(label, n_columns), ...]`` covering the columns left to right.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ncol = len(frame.columns)
    r = 1
    if title:
        _text(ws, 1, 1, title).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        r = 2
    if groups:
        c = 1
        for label, span in groups:
            cell = _text(ws, r, c, label)
            cell.font, cell.fill = Font(bold=True), _GROUP_FILL
            cell.alignment = Alignment(horizontal="center")
            if span > 1:
                ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + span - 1)
            c += span
        r += 1
    for c, name in enumerate(frame.columns, start=1):
        cell = _text(ws, r, c, str(name))
        cell.font, cell.fill = Font(bold=True), _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = (widths or {}).get(
            str(name), max(10.0, min(2.2 * len(str(name)) + 2, 30.0))
        )
    ws.freeze_panes = f"{get_column_letter(3 if ncol > 3 else 1)}{r + 1}"
    for values in frame.itertuples(index=False, name=None):
        ws.append([_row_value(ws, v) for v in values])
    for c, dtype in enumerate(frame.dtypes, start=1):
        if str(dtype).startswith("datetime"):
            for row in ws.iter_rows(min_row=r + 1, min_col=c, max_col=c):
                row[0].number_format = "yyyy-mm-dd"
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day)
    wb.properties.creator = "landgov.sample（模拟数据）"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buf = io.BytesIO()
    wb.save(buf)
    _write_reproducible_zip(buf.getvalue(), path, stamp)
    return path


def _write_reproducible_zip(data: bytes, path: Path, stamp: dt.datetime) -> None:
    """Rewrite an .xlsx with fixed entry timestamps and a pinned modified date."""
    date_time = (stamp.year, stamp.month, stamp.day, 0, 0, 0)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + iso.encode() + rb"\2", body
                )
            out = zipfile.ZipInfo(info.filename, date_time=date_time)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o600 << 16
            dst.writestr(out, body)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """UTF-8 (with BOM, so Excel opens it) CSV for benchmark-sized tables.

    Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    single quote (OWASP CSV-injection rule, :func:`landgov.core.safe_text.csv_field`), so Excel
    and WPS show it instead of evaluating it; numbers are written as numbers. The generator
    itself makes no such text, so the CSV files it writes are unchanged by the rule.
    """
    safe = frame.copy()
    for j, dtype in enumerate(frame.dtypes):
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            safe.iloc[:, j] = frame.iloc[:, j].map(csv_field)
    # CRLF rows (RFC 4180): the csv module then quotes a field holding a lone \r as well
    safe.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path
