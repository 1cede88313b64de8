"""Shapefiles for ArcGIS 10.x users: GBK ``.dbf`` with a ``.cpg``, field names of ≤ 10 bytes.

A Shapefile field name holds at most 10 bytes, so landgov's names (``screening_status``) are cut
(:func:`short_names`: ``screening_``, then ``screenin_2`` when two cuts meet). Each layer's cuts
are written beside it in ``<图层>_字段对照.csv`` (UTF-8 with BOM, opens in Excel): Shapefile
field, landgov field, Chinese label and unit. Text is stored as GBK (code page 936, the ``.cpg``
says so); a character GBK cannot hold becomes ``?`` and is counted; a text longer than the
``.dbf`` limit of 254 bytes is cut and counted (:class:`ShapefileExport`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from landgov.core.columns import COLUMNS
from landgov.core.missing import is_missing
from landgov.core.runread import read_run_layer, run_layers

__all__ = ["DBF_TEXT_BYTES", "ENCODING", "ShapefileExport", "export_shapefiles", "short_names"]

ENCODING = "GBK"
DBF_TEXT_BYTES = 254
_NAME_BYTES = 10


@dataclass
class ShapefileExport:
    """What :func:`export_shapefiles` wrote and what it had to change."""

    files: list[Path] = field(default_factory=list)
    mappings: list[Path] = field(default_factory=list)
    replaced_chars: int = 0
    cut_texts: int = 0
    skipped: list[str] = field(default_factory=list)


def _cut(name: str, limit: int) -> str:
    out = ""
    for char in name:
        if len((out + char).encode(ENCODING, "replace")) > limit:
            break
        out += char
    return out


def short_names(names: Iterable[str]) -> dict[str, str]:
    """Unique field names of at most 10 bytes (GBK), in the order given.

    >>> short_names(["screening_status", "screening_rule", "far"])
    {'screening_status': 'screening_', 'screening_rule': 'screenin_2', 'far': 'far'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        short = _cut(name, _NAME_BYTES)
        k = 2
        while short.lower() in used:
            suffix = f"_{k}"
            short = _cut(name, _NAME_BYTES - len(suffix)) + suffix
            k += 1
        used.add(short.lower())
        out[name] = short
    return out


def _gbk_text(value: str, counts: dict[str, int]) -> str:
    bad = sum(1 for c in value if not _encodable(c))
    counts["replaced"] += bad
    raw = value.encode(ENCODING, "replace")
    if len(raw) > DBF_TEXT_BYTES:
        counts["cut"] += 1
        raw = raw[:DBF_TEXT_BYTES].decode(ENCODING, "ignore").encode(ENCODING)
    return raw.decode(ENCODING)


def _encodable(char: str) -> bool:
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _write_mapping(path: Path, names: dict[str, str]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Shapefile 字段", "landgov 字段", "中文名", "单位"])
        for name, short in names.items():
            col = COLUMNS.get(name)
            writer.writerow([short, name, col.label if col else "", col.unit if col else ""])
    return path


def export_shapefiles(gpkg: Path, out_dir: Path) -> ShapefileExport:
    """Write every spatial layer of ``gpkg`` as ``out_dir/<layer>.shp`` (GBK) with its mapping.

    Attribute tables without geometry (企业, 镇街汇总) are listed in ``skipped``: they are in the
    Excel workbook.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ShapefileExport()
    counts = {"replaced": 0, "cut": 0}
    for layer, geometry_type in run_layers(gpkg).items():
        if geometry_type is None:
            result.skipped.append(layer)
            continue
        frame = read_run_layer(gpkg, layer)
        columns = [c for c in frame.columns if c != frame.geometry.name]
        names = short_names(columns)
        yes_no = _boolean_fields(gpkg, layer)
        data = pd.DataFrame(
            {names[c]: _dbf_column(frame[c], counts, yes_no=c in yes_no) for c in columns},
            index=frame.index,
        )
        shp = out_dir / f"{layer}.shp"
        gdf = gpd.GeoDataFrame(data, geometry=frame.geometry.values, crs=frame.crs)
        pyogrio.write_dataframe(gdf, shp, driver="ESRI Shapefile", encoding=ENCODING)
        _cpg(out_dir / f"{layer}.cpg")
        result.files.append(shp)
        result.mappings.append(_write_mapping(out_dir / f"{layer}_字段对照.csv", names))
    result.replaced_chars, result.cut_texts = counts["replaced"], counts["cut"]
    return result


def _boolean_fields(gpkg: Path, layer: str) -> set[str]:
    """The layer's yes/no fields (GeoPackage BOOLEAN). pyogrio reads one holding blanks as
    float (1.0 / 0.0 / NaN), so the field type, not the column's dtype, tells them."""
    info = pyogrio.read_info(gpkg, layer=layer)
    kinds = zip(info["fields"], info["dtypes"], strict=True)
    return {str(f) for f, kind in kinds if kind == "bool"}


def _dbf_column(series: pd.Series, counts: dict[str, int], *, yes_no: bool = False) -> pd.Series:
    """A column as the .dbf holds it: yes/no as 「是」/「否」 (blank where unknown), text in GBK
    (:func:`_gbk_text`), numbers as they are."""
    if yes_no or pd.api.types.is_bool_dtype(series):
        words = {True: "是", False: "否"}  # 1.0 and 0.0 hash as True and False
        return series.map(lambda v: None if is_missing(v) else words.get(v, v)).astype(object)
    if series.dtype == object or pd.api.types.is_string_dtype(series):
        return series.map(lambda v: _gbk_text(v, counts) if isinstance(v, str) else v)
    return series


def _cpg(path: Path) -> None:
    """The ``.cpg`` ArcGIS 10.x and QGIS read: code page 936 (GBK)."""
    path.write_text("936", encoding="ascii")
