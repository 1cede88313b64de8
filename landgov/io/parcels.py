"""Read parcel (宗地) layers from Shapefile, GeoPackage, GeoJSON, GeoParquet and other OGR formats.

:func:`read_parcels` returns a :class:`~landgov.core.problems.ReadResult`: the parcels in the
canonical schema (``docs/schema.md``) in a projected CGCS2000 Gauss–Krüger CRS with ``area_m2``
from the geometry, the rows that could not be used, the problems table, and the evidence for
the encoding and the CRS.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
import shapely.errors
from pyproj import CRS

from landgov.core.missing import is_missing
from landgov.core.problems import ProblemLog, ReadResult, Severity
from landgov.crs import (
    CRSDecision,
    central_meridian,
    crs_from_prj,
    layer_centre,
    older_datum_note,
    projected_crs_for,
    transformer,
    unprefixed_epsg,
)
from landgov.errors import DataFileError, GeometryError, InputError, Issue, SchemaError
from landgov.ids import admin_county, check_parcel_code, county_label, normalize_code
from landgov.io._areaunit import set_aside_area_in_wrong_unit
from landgov.io._codes import standard_parcel_codes
from landgov.io._convert import container_text, convert_columns
from landgov.io._dbfcells import mend_cells
from landgov.io._dbfraw import DbfScan, column_fields, scan_dbf
from landgov.io._geometry import (
    find_overlaps,
    non_finite_text,
    repair_polygons,
    require_polygons,
    type_label,
    wkb_non_finite,
)
from landgov.io._geos import CHECK_UNTIL_FIXED, error_text
from landgov.io._layercheck import (
    GDAL_ERRORS,
    NAMED_CELLS,
    PARQUET_SUFFIXES,
    check_in_china,
    check_layer_file,
    decide_crs,
    gdal_error,
    not_a_layer,
    require_geometries,
)
from landgov.io._shpparts import sidecar
from landgov.io._shprings import stray_holes
from landgov.io.encoding import (
    EncodingDecision,
    codec_label,
    decoded_cell,
    detect_dbf_encoding,
    garbled_names,
)
from landgov.io.fields import (
    PARCEL_FIELDS,
    ColumnMatch,
    FieldSpec,
    Kind,
    alias_hint,
    cut_name_aliases,
    map_columns,
    repeated_header,
    report_conflicts,
)
from landgov.io.sheets import layer_for, layer_option, missing_layer_error, tied_layers_error

__all__ = ["read_layer", "read_parcels"]


def _open_raw(
    path: Path, *, layer: str | None, encoding: str | None
) -> tuple[gpd.GeoDataFrame, dict[str, Any], EncodingDecision, CRS | None, str | None]:
    """Read the file as it is (no CRS decision yet), with format facts and encoding evidence."""
    meta: dict[str, Any] = {"path": str(path)}
    try:
        return _read_raw(path, meta, layer=layer, encoding=encoding)
    except GDAL_ERRORS as exc:
        raise gdal_error(path, exc) from exc
    except (ValueError, OSError, ImportError) as exc:
        if isinstance(exc, DataFileError | InputError):  # ours (SchemaError, EncodingError)
            raise
        raise gdal_error(path, exc) from exc


def _prj_text(data: bytes) -> str:
    """A .prj's text: a WKT is ASCII; anything else (a note typed in Chinese) is UTF-8, else
    GB18030, so that a message can show it as written."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _read_raw(
    path: Path, meta: dict[str, Any], *, layer: str | None, encoding: str | None
) -> tuple[gpd.GeoDataFrame, dict[str, Any], EncodingDecision, CRS | None, str | None]:
    if path.suffix.lower() in PARQUET_SUFFIXES:
        gdf = _read_parquet(path)
        meta.update(format="GeoParquet", layer=None, layers=[])
        meta.update(wkb_notes=gdf.attrs.pop("wkb_notes", {}))
        meta.update(parquet_note=gdf.attrs.pop("parquet_note", None))
        enc = EncodingDecision("UTF-8", "format", ("GeoParquet 文本按规范为 UTF-8",))
        return gdf, meta, enc, gdf.crs, None
    with warnings.catch_warnings(record=True) as listed:  # GDAL's words: kept in meta
        warnings.simplefilter("always")
        info_layers = [str(name) for name, *_ in pyogrio.list_layers(path)]
    chosen = layer or (info_layers[0] if info_layers else None)
    if layer is not None and layer not in info_layers:
        raise missing_layer_error(str(path), layer, info_layers)
    if chosen is None:  # a KML or GeoJSON with no layer in it: GDAL opens it, reads nothing
        raise DataFileError(
            f"{path}：文件中没有任何图层（能打开，但其中没有数据）。处理："
            "在 ArcGIS/QGIS 中打开确认，把含数据的图层重新导出为 Shapefile 或 GeoPackage 后再读取"
        )
    prj_crs: CRS | None = None
    prj_text: str | None = None
    if path.suffix.lower() == ".shp":
        enc = detect_dbf_encoding(path, user_encoding=encoding)
        prj = sidecar(path, ".prj")
        if prj is not None:
            prj_text = _prj_text(prj.read_bytes())
            prj_crs = crs_from_prj(prj_text)
    else:
        enc = EncodingDecision(
            (encoding or "UTF-8").upper(), "format", ("该格式的文本按规范为 UTF-8",)
        )
    cut: list[str] = []
    by_hand = bool(enc.other_rows or enc.names_encoding)  # two encodings: decoded row by row
    try:
        info, gdf, renamed, caught = _read_features(
            path, chosen, _BYTES if by_hand else enc.encoding
        )
    except UnicodeDecodeError as exc:
        if path.suffix.lower() != ".shp":
            raise gdal_error(path, exc, where=_not_utf8(path, chosen)) from exc
        # a character cut at a field name's 10 bytes or a value's width (UTF-8: 「宗地代码」 is
        # 12 bytes): GDAL hands the cut bytes on and pyogrio refuses them; read the bytes as
        # they are and decode here, the cut character dropped (as detect_dbf_encoding does)
        info, gdf, renamed, caught = _read_features(path, chosen, _BYTES)
        by_hand = True
    if by_hand:
        gdf, renamed, cut = _decoded(gdf, enc)
    if not isinstance(gdf, gpd.GeoDataFrame):  # a table GDAL read by its content (xlsx, csv)
        raise not_a_layer(path, info.get("driver"))
    meta.update(
        wkb_notes=gdf.attrs.pop("wkb_notes", {}),
        format=info.get("driver"),
        layer=chosen,
        layers=info_layers,
        ogr_warnings=[str(w.message) for w in (*listed, *caught)],
        renamed_fields=renamed,
        cut_fields=cut,
        full_fields=_at_name_limit(gdf, enc.encoding, cut) if path.suffix.lower() == ".shp" else [],
    )
    if prj_crs is None and path.suffix.lower() != ".shp":
        prj_crs = gdf.crs
    return gdf, meta, enc, prj_crs, prj_text


def _not_utf8(path: Path, layer: str | None, *, most: int = NAMED_CELLS) -> list[str]:
    """The cells of a layer whose format keeps text in UTF-8 (GeoPackage, GeoJSON …) that are
    not UTF-8 (GBK written by some tool), read as their bytes: 「第 N 行「字段」」, at most
    ``most`` and one more (so a message can say 「等」); empty when the layer cannot be read
    even so."""
    try:
        _, raw, _, _ = _read_features(path, layer, _BYTES)
    except Exception:  # the places are a help to the message, not needed for it
        return []
    found: list[str] = []
    shapes = raw.geometry.name if isinstance(raw, gpd.GeoDataFrame) else None
    for col in raw.columns:
        if col == shapes:
            continue
        name, _ = _utf8_or_gbk(str(col))  # the field name may be in GBK too
        for pos, value in enumerate(raw[col].tolist()):
            if not isinstance(value, str):
                continue
            text, utf8 = _utf8_or_gbk(value)
            if not utf8:
                found.append(f"第 {pos + 1} 行「{name}」（按 GBK 读作「{text[:20]}」）")
                if len(found) > most:
                    return found
    return found


def _utf8_or_gbk(read_as_bytes: str) -> tuple[str, bool]:
    """Text read one character per byte (:data:`_BYTES`) decoded as UTF-8, else as GB18030
    (GBK's superset, undecodable bytes replaced); and whether it was UTF-8."""
    data = read_as_bytes.encode(_BYTES)
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace"), False


_WKB_NAMES = ("geometry", "geom", "wkb_geometry", "wkb", "shape", "the_geom")


def _read_parquet(path: Path) -> gpd.GeoDataFrame:
    """A GeoParquet file; one without the 「geo」 metadata (written by pandas or a database
    export, not by a GeoParquet writer) is read from its WKB column, said in
    ``attrs["parquet_note"]``, its CRS left to be decided from the coordinates."""
    import pyarrow.parquet as pq

    if b"geo" in (pq.read_schema(path).metadata or {}):
        return gpd.read_parquet(path)
    frame = pd.read_parquet(path)
    binary = [
        c
        for c in frame.columns
        if frame[c].map(lambda v: isinstance(v, bytes | bytearray) or v is None).all()
        and frame[c].notna().any()
    ]
    named = sorted(binary, key=lambda c: (str(c).lower() not in _WKB_NAMES, binary.index(c)))
    if not named:
        raise DataFileError(
            f"{path}：这是普通的 Parquet 表格，不是图层：没有 GeoParquet 的「geo」元数据，也没有"
            f"存放图形（WKB）的列（所见列：{'、'.join(map(str, frame.columns[:10]))}）。处理：用 "
            "geopandas 的 to_parquet 或 QGIS/GDAL 重新导出为 GeoParquet，或导出为 GeoPackage"
        )
    column = named[0]
    geometry, notes = from_wkb_by_row(frame[column].to_numpy())
    gdf = gpd.GeoDataFrame(frame.drop(columns=[column]), geometry=geometry)
    gdf.attrs["wkb_notes"] = notes
    gdf.attrs["parquet_note"] = (
        f"文件没有 GeoParquet 的「geo」元数据（不是按 GeoParquet 规范写出的），已按列「{column}」"
        "中的 WKB 读取图形；坐标系未声明"
    )
    return gdf


_BYTES = "ISO-8859-1"  # one character per byte: a .dbf's text read as its bytes
_DBF_NAME_BYTES = 10  # a .dbf field name holds at most 10 bytes


def _at_name_limit(gdf: gpd.GeoDataFrame, encoding: str, cut: Iterable[str]) -> list[str]:
    """Field names that fill a .dbf name's 10 bytes, or all but the bytes of one character less
    (and are not known to be ``cut`` inside a character already): 「土地使用权人」 in GBK
    (12 bytes) comes as 「土地使用权」 (10), 「宗地面积(平方米)」 as 「宗地面积(」 (9; GDAL drops
    the half character without a word), so a name that long may have lost characters."""
    done = set(cut)
    widest = 3 if codecs.lookup(encoding).name == "utf-8" else 2  # bytes of one 汉字
    return [
        str(c)
        for c in gdf.columns
        if c != gdf.geometry.name
        and str(c) not in done
        and len(str(c).encode(encoding, errors="replace")) > _DBF_NAME_BYTES - widest
    ]


def _read_features(
    path: Path, layer: str | None, encoding: str
) -> tuple[dict[str, Any], Any, dict[str, str], list[warnings.WarningMessage]]:
    """(layer info, the layer as GDAL reads it, {new: old} of repeated field names, GDAL's
    warnings) with text decoded as ``encoding``."""
    renamed: dict[str, str] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        info = pyogrio.read_info(path, layer=layer, encoding=encoding)
        names = [str(n) for n in info.get("fields", ())]
        try:
            if len(set(names)) < len(names) and info.get("geometry_type"):
                gdf, renamed = _read_repeated(path, layer, encoding, names)
            elif info.get("driver") == "GeoJSON":
                gdf = _read_geojson(path, layer, encoding)
            else:
                gdf = pyogrio.read_dataframe(path, layer=layer, encoding=encoding)
        except shapely.errors.GEOSException:  # a shape GEOS will not build: read it by row
            gdf, renamed = _read_repeated(path, layer, encoding, names)
    return info, gdf, renamed, caught


def from_wkb_by_row(wkb: Any, crs: Any = None) -> tuple[gpd.GeoSeries, dict[int, str]]:
    """Geometries from WKB, one broken shape not stopping the others.

    A ring whose last point is not its first (an export cut short, a hand-edited file) is
    closed; a shape that cannot be built at all (too few points; a NaN first vertex, which
    leaves its ring unclosed, :func:`~landgov.io._geometry.wkb_non_finite`) is read as no
    geometry. Returns the series and ``{position: what was done}`` in Chinese for the
    problem rows (for a shape not built: why, said once on its row by
    :func:`~landgov.io._geometry.repair_polygons`).
    """
    values = np.asarray(wkb, dtype=object)
    geoms = shapely.from_wkb(values, on_invalid="ignore")
    notes: dict[int, str] = {}
    broken = np.flatnonzero(shapely.is_missing(geoms) & ~pd.isna(values))
    if len(broken):
        fixed = shapely.from_wkb(values[broken], on_invalid="fix")
        for i, geom in zip(broken, fixed, strict=True):
            geoms[i] = geom
            seen = None if geom is not None else wkb_non_finite(bytes(values[i]))
            notes[int(i)] = (
                "图形的边界环未闭合（首尾点不同），已按首点闭合后读取"
                if geom is not None
                else non_finite_text(seen)
                if seen is not None
                else "图形数据无法解析（点数不足以构成面等），按无图形处理"
            )
    return gpd.GeoSeries(geoms, crs=crs), notes


def _cut_decode(text: str, encoding: str) -> str:
    """``text`` read as bytes (:data:`_BYTES`) decoded as ``encoding``; a multi-byte character
    cut at the end is dropped, any other bad byte is U+FFFD."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(text.encode(_BYTES), final=False)


def _decoded(
    gdf: gpd.GeoDataFrame, enc: EncodingDecision
) -> tuple[gpd.GeoDataFrame, dict[str, str], list[str]]:
    """A layer read as bytes with its field names and text decoded as ``enc`` says: each
    record in its own encoding when the .dbf holds two (``enc.other_rows``).

    Returns the layer, ``{new: old}`` for names that two fields share once decoded (the later
    one named as :func:`_read_repeated` names it) and the names whose last character was cut.
    """
    geometry = gdf.geometry.name
    names: list[str] = []
    renamed: dict[str, str] = {}
    cut: list[str] = []
    names_codec = enc.names_encoding or enc.encoding
    for i, raw in enumerate(gdf.columns):
        if raw == geometry:
            names.append(raw)
            continue
        name = _cut_decode(str(raw), names_codec)
        if name.encode(names_codec, errors="replace") != str(raw).encode(_BYTES):
            cut.append(name)
        if name in names:
            new = repeated_header(name, f"第{i + 1}个字段")
            renamed[new] = name
            name = new
        names.append(name)
    codecs_by_row = enc.row_codecs(len(gdf))
    out = gdf.copy()
    for raw in gdf.columns:
        if raw != geometry and not pd.api.types.is_numeric_dtype(out[raw].dtype):
            values = [
                _cut_decode(v, codec) if isinstance(v, str) else v
                for v, codec in zip(out[raw], codecs_by_row, strict=True)
            ]
            out[raw] = pd.Series(values, index=out.index, dtype=object)
    out.columns = names
    return out.set_geometry(geometry), renamed, cut


def _read_geojson(path: Path, layer: str | None, encoding: str) -> gpd.GeoDataFrame:
    """A GeoJSON layer whose properties keep the values as written.

    GDAL turns a property into a list field when one feature holds a list there, and then
    reads every plain value of it as a one-item list too (``"330602…"`` → ``["330602…"]``):
    with ``ARRAY_AS_STRING`` the plain values stay plain and the lists and objects come as
    JSON text (also where other features hold text, so the field is no JSON field), parsed
    back here so that the readers say them on their rows
    (:func:`landgov.io._convert.convert_values`).
    """
    gdf = pyogrio.read_dataframe(path, layer=layer, encoding=encoding, ARRAY_AS_STRING="YES")
    for name in gdf.columns:
        if name != gdf.geometry.name and pd.api.types.is_string_dtype(gdf[name].dtype):
            gdf[name] = gdf[name].map(_json_container).astype(object)
    return gdf


def _json_container(value: object) -> object:
    """A JSON list or object text as the list or dict it is; any other value as it is."""
    if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return parsed if isinstance(parsed, list | dict) else value
    return value


def _read_repeated(
    path: Path, layer: str | None, encoding: str, names: list[str]
) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """A layer whose attribute table holds two fields of one name (a .dbf may: 「备注」 twice),
    read field by field: GeoPandas' reader keys the fields by name and would keep the last
    one's values under both. The later ones are named 「备注（第3个字段）」
    (:func:`~landgov.io.fields.repeated_header`) so that each is read and kept; returns the
    layer and {new name: old name}."""
    from pyogrio.raw import read

    info, _, wkb, values = read(path, layer=layer, encoding=encoding)
    seen: set[str] = set()
    renamed: dict[str, str] = {}
    unique = []
    for i, name in enumerate(names):
        new = repeated_header(name, f"第{i + 1}个字段") if name in seen else name
        if new != name:
            renamed[new] = name
        seen.add(name)
        unique.append(new)
    frame = pd.DataFrame(dict(zip(unique, values, strict=True)))
    geometry, notes = from_wkb_by_row(wkb, crs=info.get("crs"))
    gdf = gpd.GeoDataFrame(frame, geometry=geometry)
    gdf.attrs["wkb_notes"] = notes
    return gdf, renamed


def _mapped(
    columns: list[str],
    specs: tuple[FieldSpec, ...],
    *,
    aliases: Mapping[str, Iterable[str]] | None,
    cut: Iterable[str],
    log: ProblemLog,
    full: Iterable[str] = (),
) -> tuple[dict[str, Any], list[str], dict[str, list[str]]]:
    """:func:`map_columns`; a field name cut at the .dbf's 10 bytes (「宗地代」, ``cut``; or
    ``full``, names long enough to have lost characters unseen, 「土地使用权」)
    that no name matched stands for the one field whose names begin with it
    (:func:`~landgov.io.fields.cut_name_aliases`), and is said (提示).

    A cut name that ends inside its unit bracket (「宗地面积（」 of 「宗地面积（亩）」) has lost
    the unit: a field that has a unit is not read from it (平方米 and 亩 differ 666 times), and
    this is said (警告) with the fix; a field without a unit is read as above."""
    matches, unmatched, conflicts = map_columns(columns, specs, aliases=aliases)
    cut, full = list(cut), list(full)
    suspects = [c for c in [*cut, *full] if c in unmatched]
    bracketed = {c: _open_bracket_base(c) for c in suspects}
    labels = {s.name: s.label for s in specs}
    units = {s.name: s.unit for s in specs}
    stems = [bracketed[c] or c for c in suspects]
    found = cut_name_aliases(stems, specs, taken=matches)
    extra = {k: list(v) for k, v in (aliases or {}).items()}
    read: dict[str, list[str]] = {}
    for field, names in found.items():
        for stem in names:
            name = next(c for c in suspects if (bracketed[c] or c) == stem)
            if bracketed[name] and units[field]:
                log.add(
                    f"字段名「{name}」在 .dbf 中被截断，括号中的单位已看不到；"
                    f"像是「{labels[field]}」，但单位不明（平方米与亩相差 666 倍），未读取该字段",
                    field=labels[field], value=name,
                    action=(
                        "在 ArcGIS/QGIS 中把该字段改为不超过 10 字节的名称（如"
                        f"「{labels[field][-2:]}(亩)」或「{labels[field][-2:]}(m2)」）后重新导出；单位确为"
                        f"{_UNIT_NAMES.get(units[field] or '', units[field])}时也可"
                        f"{alias_hint(field, name)}"
                    ),
                    severity=Severity.WARNING,
                )  # fmt: skip
                continue
            read.setdefault(field, []).append(name)
            extra.setdefault(field, []).append(name)
    if not read:
        return matches, unmatched, conflicts
    for field, names in read.items():
        how = "被截断" if names[0] in cut else "长达 10 字节上限，可能被截断"
        log.add(
            f"字段名「{names[0]}」在 .dbf 中{how}（.dbf 的字段名最多 10 字节，放不下的字被截去），"
            f"按「{labels[field]}」读取",
            field=labels[field], value=names[0],
            action=f"核对该字段是否为「{labels[field]}」；不是时{alias_hint(field, '列名')}",
            severity=Severity.INFO,
        )  # fmt: skip
    return map_columns(columns, specs, aliases=extra)


_OPEN = "([【〔"
_UNIT_NAMES = {"m2": "平方米"}


def _open_bracket_base(name: str) -> str | None:
    """「宗地面积」 of a name cut inside its unit bracket (「宗地面积（」, 「面积（平方」);
    None when the name has no bracket left open."""
    text = unicodedata.normalize("NFKC", name)
    at = max(text.rfind(b) for b in _OPEN)
    if at <= 0 or any(b in text[at:] for b in ")]】〕"):
        return None
    return text[:at].strip() or None


def _county_hint(data: pd.DataFrame) -> str | None:
    """The most common 6-digit county code among parcel codes that parse, else among the
    行政区代码 (the first 6 digits), if any: the county of the run when nothing else says it."""
    counties: Counter[str] = Counter()
    if "parcel_id" in data:
        codes = data["parcel_id"].dropna().head(2000)
        counties.update(c.county for c in map(check_parcel_code, codes) if c.ok)
    if not counties and "admin_code" in data:
        places = (admin_county(v)[0] for v in data["admin_code"].dropna().head(2000))
        counties.update(c for c in places if c)
    return counties.most_common(1)[0][0] if counties else None


def _centre_longitude(geoms: gpd.GeoSeries, crs: CRS) -> float:
    """Longitude (CGCS2000) of the layer's centre (:func:`~landgov.crs.layer_centre`, where
    most of its shapes are): picks the GK zone areas are measured in."""
    to_deg = transformer(crs, 4490)
    return float(to_deg.transform(*layer_centre(geoms.bounds.to_numpy()))[0])


def _target_crs(decision: CRSDecision, to_crs: str | CRS | None, lon: float) -> CRS | None:
    if to_crs is None:
        return None
    if to_crs != "auto":
        return CRS.from_user_input(to_crs)
    if decision.crs.is_geographic or not _keeps_areas(decision.crs) or _off_zone(decision.crs, lon):
        return projected_crs_for(lon)
    plain = unprefixed_epsg(decision.crs.to_epsg() or 0)
    return CRS.from_epsg(plain) if plain else None


def _off_zone(crs: CRS, lon: float) -> bool:
    """Whether transverse Mercator ``crs`` is another zone than that of longitude ``lon``
    (the layer's centre): areas are then measured in the layer's own 3° zone, so the same
    plot has the same 亩 whichever zone it was delivered in."""
    cm = central_meridian(crs)
    return cm is not None and abs(cm - 3 * round(lon / 3)) > 1e-9


def _log_reprojection(
    log: ProblemLog, crs: CRS, decision: CRSDecision, target: CRS, lon: float
) -> None:
    """Say why a layer read in ``crs`` is measured in ``target`` (Web Mercator; another zone)."""
    if not crs.is_geographic and not _keeps_areas(crs):
        log.add(
            f"图层坐标系 {crs.name}（{decision.epsg}）不能直接量算面积，已转换为 "
            f"{target.name}（EPSG:{target.to_epsg()}）后计算面积",
            field="crs",
            value=decision.epsg,
            action="无需处理；提交数据时宜使用 CGCS2000 3° 带高斯-克吕格投影（如 EPSG:4549）",
            severity=Severity.WARNING,
        )
    elif _off_zone(crs, lon):
        log.add(
            f"图层坐标系 {crs.name}（{decision.epsg}）的中央经线是 "
            f"{central_meridian(crs):g}°E，图层中心在 {lon:.2f}°E，属中央经线 "
            f"{3 * round(lon / 3)}°E 的 3° 带：面积按该带 {target.name}"
            f"（EPSG:{target.to_epsg()}）计算，与按所在带交付的数据一致",
            field="crs",
            value=decision.epsg,
            action="无需处理；提交数据时宜使用宗地所在的 CGCS2000 3° 带",
            severity=Severity.INFO,
        )


def _keeps_areas(crs: CRS) -> bool:
    """Whether areas measured in projected ``crs`` are areas on the ground (a Gauss–Krüger or
    UTM zone: transverse Mercator); Web Mercator (EPSG:3857) makes them 1/cos²(纬度) too large,
    about 1.33 times in Zhejiang."""
    operation = crs.coordinate_operation
    return operation is None or "transverse mercator" in operation.method_name.lower()


def _required_fields(
    matches: Mapping[str, Any], specs: Iterable[FieldSpec], columns: list[str], src: str
) -> None:
    missing = [s for s in specs if s.required and s.name not in matches]
    if not missing:
        return
    said, redo = garbled_names(columns)
    issues = []
    for s in missing:
        rename = (
            f"把对应列改名为 {'/'.join(s.aliases[:4])} 之一，或{alias_hint(s.name, '你的列名')}"
        )
        issues.append(
            Issue(
                src,
                s.label,
                columns,
                f"找不到必填字段「{s.label}」（{s.name}）{said}",
                redo or rename,
            )
        )
    raise SchemaError(issues)


def _row_texts(raw: gpd.GeoDataFrame, enc: EncodingDecision) -> dict[int, str]:
    """The text fields of each record decoded in another encoding than the rest (by position),
    joined by 「 | 」 to show the user."""
    columns = [c for c in raw.columns if c != raw.geometry.name]
    return {
        pos: " | ".join(v for v in raw.iloc[pos][columns] if isinstance(v, str) and v.strip())
        for pos, _ in enc.other_rows
        if pos < len(raw)
    }


#: GDAL's words (through pyogrio) when it reads measured shapes as plain ones
_MEASURED = "Measured (M) geometry types are not supported"


def _row_labels(rows: np.ndarray, ids: np.ndarray, positions: Sequence[int]) -> list[str]:
    """How a message names the features at ``positions``: 「第 N 行」 and, where the layer has
    one, its 宗地代码 (at most 30 characters)."""
    at, named = list(positions), []
    for r, i in zip(rows[at].tolist(), ids[at].tolist(), strict=True):
        named.append(
            f"第 {r} 行" if is_missing(i) or str(i) == str(r) else f"第 {r} 行（{str(i)[:30]}）"
        )
    return named


def _log_read_notes(
    meta: dict[str, Any],
    log: ProblemLog,
    enc: EncodingDecision,
    *,
    rows: np.ndarray,
    ids: np.ndarray,
    texts: Mapping[int, str] | None = None,
    shapes: gpd.GeoSeries | None = None,
) -> dict[int, str]:
    """Say what reading the file itself set aside or mended: records in another encoding than
    the rest (``texts``: each row's text, to show them), a .cpg that did not fit, a
    GeoParquet without its 「geo」 metadata, shapes GEOS would not build as they were
    (:func:`from_wkb_by_row`), the M values of measured shapes (PolygonM: GDAL's reader
    drops them, with a warning in English that never reaches a user).

    Returns why each shape of ``shapes`` (the layer's, as read) that could not be built at all
    is missing (position → text), for :func:`~landgov.io._geometry.repair_polygons` to say
    in place of 「几何为空」."""
    if any(_MEASURED in text for text in meta.get("ogr_warnings", ())):
        log.add(
            "图层的图形带 M 值（测量值，如 ArcGIS 的 PolygonM），M 值与面积和位置无关，"
            "读取时已舍去，图形照常读取",
            field="geometry",
            value=meta.get("format"),
            action="无需处理",
            severity=Severity.INFO,
        )
    main = codec_label(enc.encoding)
    for pos, codec in enc.other_rows:
        if pos < len(rows):
            log.add(
                f"该行按 {codec_label(codec)} 解码，其余各行按 {main}（.dbf 中混有两种编码，"
                "常见于用另一软件向图层追加或修改了记录）",
                row=int(rows[pos]),
                field="encoding",
                value=(texts or {}).get(pos, "")[:200],
                action="核对该行中文是否正常；在 QGIS/ArcGIS 中把图层另存为一种编码（如 UTF-8，"
                "并保留 .cpg）后重新读取",
                severity=Severity.WARNING,
            )
    if enc.names_encoding:
        log.add(
            f"字段名按 {codec_label(enc.names_encoding)} 解码，记录按 {main}"
            "（.dbf 中混有两种编码）",
            field="encoding",
            value=enc.names_encoding,
            action="核对字段名与中文是否正常；在 QGIS/ArcGIS 中把图层另存为一种编码后重新读取",
            severity=Severity.WARNING,
        )
    if enc.warning:
        log.add(
            enc.warning,
            field="encoding",
            value=enc.encoding,
            action=f"核对中文是否正常；无误时删除该 .cpg 或把其中的编码改为 {enc.encoding}",
            severity=Severity.WARNING,
        )
    note = meta.pop("parquet_note", None)
    if note:
        log.add(
            note, field="geometry", value=meta.get("format"),
            action="核对图形与坐标系；宜用 geopandas 的 to_parquet 或 QGIS/GDAL 重新导出",
            severity=Severity.WARNING,
        )  # fmt: skip
    unread: dict[int, str] = {}
    for pos, text in meta.pop("wkb_notes", {}).items():
        if shapes is not None and shapes.iloc[pos] is None:
            unread[pos] = text  # no shape at all: said once, as the row's error, when repaired
            continue
        log.add(
            text, row=int(rows[pos]), field="geometry", value=ids[pos],
            action="在 ArcGIS/QGIS 中运行“检查几何”核对该要素的图形，修复后重新导出",
            severity=Severity.WARNING,
        )  # fmt: skip
    return unread


def _record_positions(path: Path, layer: str | None, n_rows: int) -> np.ndarray:
    """The .shp record (GDAL's FID) of each feature read; GDAL skips a record the .dbf marks
    deleted, so the two differ after one."""
    from pyogrio.raw import read

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # said when the layer was read
        _, fids, _, _ = read(path, layer=layer, read_geometry=False, columns=[], return_fids=True)
    fids = np.asarray(fids, dtype=np.int64)
    return fids if len(fids) == n_rows else np.arange(n_rows)


@dataclass(frozen=True)
class _RawDbf:
    """A Shapefile's .dbf as its bytes say (:func:`landgov.io._dbfraw.scan_dbf`), tied to the
    rows GDAL read: ``kept`` is the record index of each row read, ``fields`` the .dbf field
    of each column read (``{column: field index}``)."""

    scan: DbfScan
    kept: np.ndarray
    fields: dict[str, int]

    def column(self, index: int) -> str | None:
        return next((c for c, i in self.fields.items() if i == index), None)


def _raw_dbf(
    path: Path,
    raw: gpd.GeoDataFrame,
    meta: Mapping[str, Any],
    enc: EncodingDecision,
    log: ProblemLog,
    *,
    matches: Mapping[str, ColumnMatch],
) -> tuple[gpd.GeoDataFrame, _RawDbf | None, np.ndarray]:
    """The raw scan of a Shapefile's .dbf when it agrees with what GDAL read (the records not
    flagged deleted are the rows read, in order, and GDAL's FIDs say the same), and the row
    number (1-based) of each row read: its record in the .dbf, as ArcGIS and QGIS count them.
    ``None`` for another format, or a .dbf that does not add up; the rows are then numbered
    as read. Returned first: ``raw`` with each text cell written in the other encoding than
    its record decoded alone (:func:`landgov.io._dbfcells.mend_cells`, said in ``log``, a
    field named with the role ``matches`` gives it: 「字段「权利人」（QLR）」)."""
    as_read = np.arange(1, len(raw) + 1)
    dbf = sidecar(path, ".dbf") if path.suffix.lower() == ".shp" else None
    scan = None if dbf is None else scan_dbf(dbf)
    if scan is None:
        return raw, None, as_read
    columns = [str(c) for c in raw.columns if c != raw.geometry.name]
    codec = enc.names_encoding or enc.encoding
    fields = column_fields(scan.fields, columns, codec)
    labels = {m.source: m.field.label for m in matches.values()}
    _log_unread_names(scan, codec, fields, labels, log)
    kept = np.flatnonzero(~scan.deleted)
    if len(kept) != len(raw):
        return raw, None, as_read
    if len(kept) < scan.n_records:  # GDAL skipped the deleted ones: its FIDs must agree
        fids = _record_positions(path, meta.get("layer"), len(raw))
        if not np.array_equal(fids, kept):
            return raw, None, as_read
    mended = mend_cells(raw, scan, kept, fields, enc, log=log, rows=kept + 1, labels=labels)
    return mended, _RawDbf(scan, kept, fields), kept + 1


def _log_unread_names(
    scan: DbfScan,
    codec: str,
    fields: Mapping[str, int],
    labels: Mapping[str, str],
    log: ProblemLog,
) -> None:
    """A 警告 per .dbf field whose name holds bytes ``codec`` does not read (a character cut
    at the name's 10 bytes allowed): GDAL reads the name with 「\ufffd」 or without those
    bytes, so 「权利人」 no longer matches and the field's values are kept under a name no
    role knows, without a word. ``fields``: ``{column: field index}`` of the columns read;
    ``labels``: ``{column: label}`` of those read as a field of the schema."""
    columns = {index: column for column, index in fields.items()}
    for index, spec in enumerate(scan.fields):
        if spec.name.isascii() or decoded_cell(spec.name, codec, cut=True) is not None:
            continue
        column = columns.get(index) or spec.name.decode(codec, errors="replace")
        read = (
            f"按「{labels[column]}」读取"
            if column in labels
            else "未能对应到任何字段（如权利人、宗地代码），该字段的值原样保留"
        )
        log.add(
            f"第 {index + 1} 个字段的字段名中有按 {codec_label(codec)} 无法识别的字节"
            f"（{spec.name.hex(' ').upper()}），读作「{column}」，{read}",
            field=labels.get(column, column), value=column,
            action="在 ArcGIS/QGIS 中把该字段改为正确的名称（标准汉字或字母）后重新导出",
            severity=Severity.WARNING,
        )  # fmt: skip


def _converted(
    frame: pd.DataFrame,
    matches: Mapping[str, ColumnMatch],
    dbf: _RawDbf | None,
    *,
    enc: EncodingDecision,
    log: ProblemLog,
    rows: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`~landgov.io._convert.convert_columns` of the columns read, with what the .dbf's
    bytes add (``dbf``): long codes stored as numbers read exactly (:func:`_exact_codes`),
    overflowed cells said (:func:`_log_overflow`); and the rows of the records flagged deleted
    (:func:`_deleted_rows`, empty without ``dbf``)."""
    if dbf is not None:
        frame = _exact_codes(frame, dbf, matches, log)
    data = convert_columns(frame, matches, log=log, rows=rows)
    deleted = _deleted_rows(dbf, matches, enc, log, start=len(frame))
    if dbf is not None:
        _log_overflow(dbf, matches, enc, log)
    return data, deleted


#: a number of more significant digits than a double keeps (GDAL reads N(19,0) as one)
_EXACT_DIGITS = 15
_WHOLE = re.compile(rb"^-?(\d+)(?:\.0*)?$")


def _exact_codes(
    frame: pd.DataFrame, dbf: _RawDbf, matches: Mapping[str, ColumnMatch], log: ProblemLog
) -> pd.DataFrame:
    """``frame`` with a code or text field the .dbf stores as a number too wide for a double
    (N(19,0): a 19-digit 宗地代码) read from the .dbf's text, every digit kept, and one 提示 per
    such field; other cells of the field stay as GDAL read them."""
    out = frame
    for match in matches.values():
        index = dbf.fields.get(match.source)
        if match.field.kind not in (Kind.CODE, Kind.TEXT) or index is None:
            continue
        spec = dbf.scan.fields[index]
        if not spec.numeric or spec.length <= _EXACT_DIGITS:
            continue
        if not pd.api.types.is_numeric_dtype(frame[match.source].dtype):
            continue
        texts = dbf.scan.texts(index, dbf.kept)
        if texts is None:
            continue
        values = frame[match.source].tolist()
        exact = 0
        for pos, text in enumerate(texts):
            whole = _WHOLE.match(text)
            if whole and len(whole[1].lstrip(b"0")) > _EXACT_DIGITS:
                values[pos] = whole[0].split(b".")[0].decode("ascii")
                exact += 1
        if not exact:
            continue
        out = out.copy() if out is frame else out
        out[match.source] = pd.Series(values, index=frame.index, dtype=object)
        log.add(
            f"「{match.field.label}」在 .dbf 中存为数字字段（{spec.type}，宽 {spec.length} 位），"
            f"其中 {exact} 个超过 15 位有效数字的代码已按 .dbf 中的原文读取，未丢位",
            field=match.field.label, value=match.source,
            action="无需处理；宜在 ArcGIS/QGIS 中把该字段改为文本类型后重新导出"
            "（数字字段存不下开头的 0，其他软件读取时超过 15 位的数字会丢位）",
            severity=Severity.INFO,
        )  # fmt: skip
    return out


_DELETED_REASON = ".dbf 中该记录已标记删除（图形仍在 .shp 中）"


def _deleted_rows(
    dbf: _RawDbf | None,
    matches: Mapping[str, ColumnMatch],
    enc: EncodingDecision,
    log: ProblemLog,
    *,
    start: int,
) -> pd.DataFrame:
    """One rejected row per record the .dbf flags deleted (GDAL skips it without a word), with
    its record number as ``source_row``, its 宗地代码 as written where the layer has one, and
    an error row each; indexed from ``start`` on (after the rows read)."""
    records = np.zeros(0, dtype=np.int64) if dbf is None else np.flatnonzero(dbf.scan.deleted)
    ids: list[str | None] = [None] * len(records)
    match = matches.get("parcel_id")
    index = None if match is None or dbf is None else dbf.fields.get(match.source)
    if len(records) and index is not None:
        texts = dbf.scan.texts(index, records) or []
        ids = [t.decode(enc.encoding, errors="replace") or None for t in texts] or ids
    for record, code in zip(records.tolist(), ids, strict=True):
        log.add(
            f"该行未采用：{_DELETED_REASON}",
            row=record + 1, field="删除标记", value=code,
            action="如确应删除，请在 ArcGIS/QGIS 中压缩（Pack）后重新导出；如不应删除，请恢复该记录"
            "后重新导出；该行已剔除",
        )  # fmt: skip
    frame = pd.DataFrame(
        {"source_row": records + 1, "reject_reason": _DELETED_REASON},
        index=pd.RangeIndex(start, start + len(records)),
    )
    if match is not None:
        frame.insert(0, "parcel_id", pd.Series(ids, index=frame.index, dtype=object))
    return frame


def _with_deleted(rejected: gpd.GeoDataFrame, deleted: pd.DataFrame) -> gpd.GeoDataFrame:
    """``rejected`` and the ``deleted`` records' rows (no shape), in record order."""
    if not len(deleted):
        return rejected
    shapes = rejected.geometry.name
    rows = deleted.reindex(columns=rejected.columns).astype(object)
    rows[shapes] = gpd.GeoSeries([None] * len(rows), index=rows.index, crs=rejected.crs)
    both = rows if not len(rejected) else pd.concat([rejected.astype(object), rows])
    out = gpd.GeoDataFrame(both, geometry=shapes, crs=rejected.crs)
    out["source_row"] = out["source_row"].astype("int64")
    return out.sort_values("source_row", kind="stable")


def _log_overflow(
    dbf: _RawDbf, matches: Mapping[str, ColumnMatch], enc: EncodingDecision, log: ProblemLog
) -> None:
    """An error row per numeric cell the .dbf holds as ``*`` only (a value too wide for its
    field, written so by ArcGIS or Excel), which GDAL reads as blank without a word; a record
    flagged deleted is rejected whole and not said again."""
    labels = {m.source: m.field.label for m in matches.values()}
    codec = enc.names_encoding or enc.encoding
    for index, cells in sorted(dbf.scan.overflow.items()):
        records = cells[~dbf.scan.deleted[cells]]
        column = dbf.column(index)
        name = column or dbf.scan.fields[index].name.decode(codec, errors="replace")
        texts = dbf.scan.texts(index, records) or [b"*"] * len(records)
        for record, text in zip(records.tolist(), texts, strict=True):
            stars = text.decode("ascii", errors="replace")
            log.add(
                f"数值超出字段宽度（导出时溢出，单元格为「{stars}」），已按缺失处理",
                row=record + 1, field=labels.get(column or "", name), value=stars,
                action="在 ArcGIS/QGIS 中加宽该字段后重新导出",
            )  # fmt: skip


def _log_stray_holes(
    path: Path,
    meta: dict[str, Any],
    geoms: gpd.GeoSeries,
    areas: np.ndarray,
    log: ProblemLog,
    *,
    rows: np.ndarray,
    ids: np.ndarray,
) -> None:
    """Name each plot whose .shp record holds a hole lying in none of its outer rings, which
    GDAL read as one more part (:func:`landgov.io._shprings.stray_holes`): its area counts
    the ring once more, and GDAL says so only once for the whole file. A warning on the
    plot's row gives the area read, the ring's share and the area without it."""
    stray = stray_holes(path) if path.suffix.lower() == ".shp" else {}
    if not stray:
        return
    records = _record_positions(path, meta.get("layer"), len(geoms))
    for pos, record in enumerate(records.tolist()):
        found = stray.get(record)
        geom = geoms.iloc[pos]
        if found is None or geom is None or geom.is_empty or not np.isfinite(areas[pos]):
            continue
        read_area = float(geom.area)  # in the layer's own units, as the rings are
        added = found.spec_area + 2 * found.area  # the ring counted as land, not taken off
        if abs(read_area - added) > 1e-6 * max(read_area, 1.0):
            continue  # GDAL kept it a hole (an invalid shape, repaired and said) or sorted the
            # rings of a file drawn the other way round (outer rings counter-clockwise) itself
        share = float(areas[pos]) * found.area / read_area  # in m², as area_m2
        log.add(
            f"图形中有 {found.count} 个内环（洞，按 Shapefile 规范逆时针绘制）不在该宗地任何外环"
            f"之内，GDAL 已把它读作另一块面：面积 {areas[pos]:,.1f} 平方米中含该环 "
            f"{share:,.1f} 平方米（不计该环为 {areas[pos] - share:,.1f} 平方米；"
            f"如它本应是宗地内的洞，则为 {areas[pos] - 2 * share:,.1f} 平方米）",
            row=int(rows[pos]),
            field="geometry",
            value=ids[pos],
            action="在 ArcGIS/QGIS 中核对该宗地的边界：删除多余的环，或把画错位置的洞移入外环内，"
            f"或把画反方向的地块部分改为顺时针，修正后重新导出；{CHECK_UNTIL_FIXED}",
            severity=Severity.WARNING,
        )


def _registered_m2(data: pd.DataFrame) -> np.ndarray | None:
    """The registered 宗地面积 (m²) of each row, as read, for checking a repaired area; None
    for a layer without one."""
    if "area_declared_m2" not in data:
        return None
    return pd.to_numeric(data["area_declared_m2"], errors="coerce").to_numpy(dtype=float)


def _wrong_type_rows(
    gdf: gpd.GeoDataFrame, raw: gpd.GeoSeries, wrong_type: np.ndarray
) -> gpd.GeoDataFrame:
    """The rows whose geometry is a point or line, with their ``reject_reason``."""
    rejected = gdf[wrong_type].copy()
    rejected["reject_reason"] = pd.Series(
        [f"几何类型为{type_label(g.geom_type)}，不是面" for g in raw[wrong_type]],
        index=rejected.index,
        dtype="str",
    )
    return rejected


def _log_older_datum(gdf: gpd.GeoDataFrame, log: ProblemLog) -> None:
    """Say a parcel layer in 西安80 or 北京54 (:func:`landgov.crs.older_datum_note`): its
    results are in that datum, never CGCS2000 by a silent ballpark."""
    note = None if gdf.crs is None else older_datum_note(gdf.crs)
    if note is not None:
        log.add(
            note, field="crs", value=f"EPSG:{gdf.crs.to_epsg()}",
            action="用省、市测绘部门提供的转换参数（或其坐标转换软件）把数据转换为 CGCS2000"
            "（2000国家大地坐标系）后重新导出；若坐标本是 CGCS2000、只是 .prj 写错，在 "
            "ArcGIS/QGIS 中改正坐标系定义后重新导出",
            severity=Severity.WARNING,
        )  # fmt: skip


def _required_labels(specs: Iterable[FieldSpec]) -> str:
    """The required fields of ``specs`` as a message names them: 「「宗地代码」」."""
    return "、".join(f"「{s.label}」" for s in specs if s.required)


def _fitting_layer(
    path: Path,
    specs: tuple[FieldSpec, ...],
    *,
    aliases: Mapping[str, Iterable[str]] | None,
    role: str | None,
    pass_empty: bool = False,
) -> tuple[str | None, list[str]]:
    """The layer of a multi-layer file (GeoPackage, FileGDB, zip) to read when none was chosen:
    the one layer with a geometry whose fields have every required field of ``specs`` (after
    aliases, and a name cut at a .dbf's 10 bytes); None when the file has one layer, the role
    has no required field, none fits
    (the first is read, as before) or its layers cannot be listed (reading says why). Second:
    with ``pass_empty`` (a role for which a layer without a feature is no data, as parcels),
    the fitting layers passed over because they hold no feature, where one other fits (an
    empty template beside the data: there is nothing in it to read). For a role where an
    empty layer means something (「无拆迁计划」 this year beside last year's plan), they tie.

    Raises
    ------
    DataFileError
        Two or more layers with features fit (「宗地2023」「宗地2024」): which vintage to
        screen is the user's choice (:func:`landgov.io.sheets.tied_layers_error`), never the
        first one's by default.
    """
    if path.suffix.lower() in PARQUET_SUFFIXES or not any(s.required for s in specs):
        return None, []  # a role without a required field: any layer would fit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            names = [str(name) for name, *_ in pyogrio.list_layers(path)]
            if len(names) < 2:
                return None, []
            infos = {name: pyogrio.read_info(path, layer=name, force_feature_count=True)
                     for name in names}  # fmt: skip
    except (*GDAL_ERRORS, ValueError, OSError):  # reading the file says what is wrong with it
        return None, []
    fits: dict[str, tuple[int, list[str]]] = {}
    for name, info in infos.items():
        if info.get("geometry_type") is None:  # a table (attributes, layer_styles): no plots
            continue
        columns = [str(c) for c in info["fields"]]
        matches, unmatched, _ = map_columns(columns, specs, aliases=aliases)
        known = {k: m.source for k, m in matches.items()}
        for field, cut in cut_name_aliases(unmatched, specs, taken=matches).items():
            known.setdefault(field, cut[0])
        if all(s.name in known for s in specs if s.required):
            labels = [s.label for s in specs if s.name in known]
            fits[name] = (int(info["features"]), labels)
    unfilled = [name for name, (features, _) in fits.items() if not features] if pass_empty else []
    if len(fits) > 1 and len(fits) - len(unfilled) == 1:
        return next(name for name in fits if name not in unfilled), unfilled
    if len(fits) > 1:
        raise tied_layers_error(path.name, fits, role=role, required=_required_labels(specs))
    return next(iter(fits), None), []


def _say_layer(
    log: ProblemLog,
    layers: list[str],
    fitting: str | None,
    *,
    chosen: str | None,
    specs: tuple[FieldSpec, ...],
    role: str | None,
    unfilled: Sequence[str] = (),
) -> None:
    """Say which layer of a multi-layer file was read when none was ``chosen``: the one layer
    with the role's required fields (提示; 警告 when others with them but no feature, the
    ``unfilled``, were passed over), else the first (警告), naming the others."""
    if chosen is not None:
        return
    if fitting is not None:  # the one layer with the role's fields: say which, and the others
        only = (
            f"只有「{fitting}」含全部必填字段{_required_labels(specs)}"
            if not unfilled
            else f"含全部必填字段{_required_labels(specs)}的图层中，"
            f"{'、'.join(f'「{name}」' for name in unfilled)}没有任何要素（0 行），"
            f"只有「{fitting}」有数据"
        )
        log.add(
            f"文件中有 {len(layers)} 个图层（{'、'.join(layers[:10])}），{only}，读取了该图层",
            field="layer",
            value=fitting,
            action=f"核对读取的图层是否正确；如需其他图层，用 {layer_option(role)} "
            "指定（Python：layer=）",
            # a layer passed over is a choice made for the user: said as a warning
            severity=Severity.WARNING if unfilled else Severity.INFO,
        )
    elif len(layers) > 1:  # none fits: the first is read, said with the others
        log.add(
            f"文件中有 {len(layers)} 个图层（{'、'.join(layers[:10])}），"
            f"读取了第一个「{layers[0]}」",
            field="layer",
            value=layers[0],
            action=f"核对读取的图层是否正确；如需其他图层，用 {layer_option(role)} "
            "指定（Python：layer=）",
            severity=Severity.WARNING,
        )


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
    role: str | None = None,
    empty: str | None = None,
) -> ReadResult:
    """Read any polygon layer into a canonical schema (see :func:`read_parcels`).

    ``empty`` is what a layer without a feature means for this role (「无拆迁计划」): such a
    layer — the file's only layer — is read as no polygon, with a warning row saying so; without
    ``empty`` it is refused (:func:`~landgov.io._layercheck.require_geometries`), as a layer
    of parcels must be.

    ``layer`` names the layer of a multi-layer file; without it, the layer chosen for ``role``
    (:func:`landgov.io.sheets.chosen_layers`, the command line's ``--layer ROLE=LAYER``), else
    the one layer that has every required field (said in a 提示 row; two or more such layers
    are refused, :func:`_fitting_layer`), else the first, with a warning row naming the others.

    Rows whose geometry is a point or line go to ``rejected``; a layer with no polygon at all
    raises :class:`~landgov.errors.GeometryError` (:func:`landgov.io._geometry.require_polygons`).
    """
    path = Path(path)
    check_layer_file(path)
    specs = tuple(specs)
    src = path.name
    log = ProblemLog(src)
    layer = layer or layer_for(role)
    fitting, unfilled = (
        (None, [])
        if layer is not None
        else _fitting_layer(path, specs, aliases=aliases, role=role, pass_empty=empty is None)
    )
    raw, meta, enc, prj_crs, prj_text = _open_raw(path, layer=layer or fitting, encoding=encoding)
    layers = meta.get("layers") or []
    _say_layer(log, layers, fitting, chosen=layer, specs=specs, role=role, unfilled=unfilled)
    renamed: dict[str, str] = meta.get("renamed_fields") or {}
    columns = [c for c in raw.columns if c != raw.geometry.name]
    matches, unmatched, conflicts = _mapped(
        columns, specs, aliases=aliases, cut=meta.get("cut_fields") or (), log=log,
        full=meta.get("full_fields") or (),
    )  # fmt: skip
    raw, dbf, rows = _raw_dbf(path, raw, meta, enc, log, matches=matches)  # rows: records
    _required_fields(matches, specs, columns, src)
    for new, old in renamed.items():
        if new in unmatched:  # a second field of a known one is told as a conflict below
            log.add(
                f"有多个字段都名为「{old}」：后一个改名为「{new}」读取，两个字段的值都保留",
                field=old,
                value=new,
                action="核对同名字段的内容；需要时在 QGIS/ArcGIS 中改名后重新导出",
                severity=Severity.WARNING,
            )
    report_conflicts(log, specs, conflicts, matches)
    data, deleted = _converted(raw[columns], matches, dbf, enc=enc, log=log, rows=rows)
    others = [c for cols in conflicts.values() for c in cols[1:]]  # kept as given
    for col in [*unmatched, *others]:  # a list or object is kept as its JSON text
        data[col] = [
            container_text(v) if isinstance(v, list | tuple | dict | np.ndarray) else v
            for v in raw[col].tolist()
        ]
    data["source_row"] = rows
    if len(raw) == 0 and empty is not None and len(layers) <= 1:
        return _empty_layer(
            data, meta, log, enc, empty=empty, crs=crs or prj_crs, matches=matches, deleted=deleted
        )
    id_values = data["parcel_id"].to_numpy() if "parcel_id" in data else rows.astype(str)
    unread = _log_read_notes(
        meta, log, enc, rows=rows, ids=id_values, texts=_row_texts(raw, enc), shapes=raw.geometry
    )
    require_polygons(raw.geometry, source=src, layer=meta.get("layer"))
    try:
        geoms, unusable, wrong_type, area_unknown = repair_polygons(
            raw.geometry, rows=rows, log=log, id_values=id_values,
            registered_m2=_registered_m2(data), unread=unread,
        )  # fmt: skip
    except shapely.errors.GEOSException as exc:  # a geometry GEOS cannot even repair
        raise GeometryError(
            [
                Issue(
                    src, "geometry", error_text(str(exc))[:200], "图形无法处理（几何库报错）",
                    "在 ArcGIS/QGIS 中运行“检查几何”并修复后重新导出",
                )
            ]
        ) from exc  # fmt: skip
    county = county or _county_hint(data)
    usable = geoms[~unusable]
    require_geometries(path, n_rows=len(raw), n_usable=len(usable), layer=meta.get("layer"),
                       layers=layers, role=role)  # fmt: skip
    decision = decide_crs(
        path, usable, prj_crs=prj_crs, prj_text=prj_text, county=county, user_crs=crs, user_cm=cm,
        labels=partial(_row_labels, rows[~unusable], id_values[~unusable]),
    )  # fmt: skip
    check_in_china(path, usable.total_bounds, decision)
    for text in decision.warnings:
        log.add(
            text,
            field="crs",
            value=decision.epsg,
            action="如不正确，在 ArcGIS/QGIS 中为图层定义正确的坐标系（.prj）后重新导出",
            severity=Severity.WARNING,
        )
    gdf = gpd.GeoDataFrame(data, geometry=geoms.set_crs(decision.crs, allow_override=True))
    lon = _centre_longitude(usable, decision.crs)
    target = _target_crs(decision, to_crs, lon)
    if target is not None and not target.equals(gdf.crs):
        if to_crs == "auto":
            _log_reprojection(log, gdf.crs, decision, target, lon)
        gdf = gdf.to_crs(target)
    if gdf.crs.is_geographic:
        raise SchemaError(
            [Issue(src, "crs", gdf.crs.name, "不能在经纬度下计算面积", "用 to_crs 指定投影坐标系")]
        )
    gdf["area_m2"] = gdf.geometry.area.where(~unusable & ~area_unknown)
    _log_stray_holes(path, meta, raw.geometry, gdf["area_m2"].to_numpy(), log,
                     rows=rows, ids=id_values)  # fmt: skip
    rejected = _with_deleted(_wrong_type_rows(gdf, raw.geometry, wrong_type), deleted)
    meta.update(
        rows=len(raw) + len(deleted),
        rows_rejected=len(rejected),
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
    return ReadResult(gdf[~wrong_type], rejected, log.frame(), meta)


def _empty_layer(
    data: pd.DataFrame,
    meta: dict[str, Any],
    log: ProblemLog,
    enc: EncodingDecision,
    *,
    empty: str,
    crs: str | CRS | None,
    matches: Mapping[str, Any],
    deleted: pd.DataFrame,
) -> ReadResult:
    """A layer given with no feature, read as what ``empty`` says (no plan, no zone), said in a
    warning row: the file was given, so it is the county's answer, not a missing file. Records
    the .dbf marks ``deleted`` are its rejected rows (said already)."""
    log.add(
        f"图层中没有任何要素（只有字段定义，0 行），按「{empty}」处理",
        field="layer",
        value=0,
        action=f"确属{empty}时无需处理；否则确认导出时没有勾选“仅导出所选要素”或设置了"
        "筛选条件，重新导出后再运行",
        severity=Severity.WARNING,
    )
    target = None if crs is None else CRS.from_user_input(crs)
    gdf = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=target), crs=target)
    gdf["area_m2"] = pd.Series(dtype="float64")
    rejected = _with_deleted(gdf.iloc[:0].assign(reject_reason=pd.Series(dtype="str")), deleted)
    meta.update(
        rows=len(rejected),
        rows_rejected=len(rejected),
        encoding={"name": enc.encoding, "source": enc.source, "evidence": list(enc.evidence)},
        crs={"epsg": None if target is None else f"EPSG:{target.to_epsg()}", "source": "empty"},
        field_map={k: m.source for k, m in matches.items()},
    )
    return ReadResult(gdf, rejected, log.frame(), meta)


def _check_codes(
    gdf: gpd.GeoDataFrame, log: ProblemLog, *, county: str | None = None
) -> list[str | None]:
    """Log malformed, missing and duplicate parcel codes; the reject reason per row (or None).

    Codes arrive normalised (:func:`landgov.ids.normalize_code`), so ``330602…gb00001`` and
    ``３３０６０２…ＧＢ００００１`` are duplicates of ``330602…GB00001``.

    ``county`` is the county of the run (given, else the layer's most common 宗地代码 county,
    :func:`_county_hint`): a plot whose 行政区代码 names another county is kept and said with a
    warning (:func:`_check_place`).
    """
    reasons: list[str | None] = [None] * len(gdf)
    first: dict[str, int] = {}
    at: dict[str, int] = {}  # the position of each code's first row
    unknown: set[int] = set()  # first rows of a code also on a piece of land apart
    codes = gdf["parcel_id"].tolist()
    places = gdf["admin_code"].tolist() if "admin_code" in gdf else [None] * len(gdf)
    standard = standard_parcel_codes(codes).tolist()  # these need no check
    for pos, (code, row) in enumerate(zip(codes, gdf["source_row"], strict=True)):
        _check_place(code, places[pos], int(row), county=county, log=log)
        if not standard[pos] and not normalize_code(code):
            log.add(
                "该行未采用：宗地代码缺失", row=int(row), field="宗地代码",
                action="补录宗地代码后重新读取；该行已剔除",
            )  # fmt: skip
            reasons[pos] = "宗地代码缺失"
            continue
        if not standard[pos] and not (check := check_parcel_code(code)).ok:
            log.add(
                check.problem, row=int(row), field="宗地代码", value=code,
                action="核对宗地代码（GB/T 37346）；该行保留", severity=Severity.WARNING,
            )  # fmt: skip
        if code not in first:
            first[code] = int(row)
            at[code] = pos
            continue
        reasons[pos] = f"宗地代码重复（与第 {first[code]} 行相同）"
        gap = _pieces_apart(gdf.geometry.iat[at[code]], gdf.geometry.iat[pos])
        if gap is None:
            log.add(
                f"该行未采用：{reasons[pos]}",
                row=int(row), field="宗地代码", value=code,
                action="核对两条记录，保留正确的一条；本行已剔除，首次出现的记录保留",
            )  # fmt: skip
            continue
        apart = f"相距 {gap:,.1f} 米" if gap > 0 else "相接"
        reasons[pos] += f"，两条记录的图形互不重叠（{apart}）"
        log.add(
            f"该行未采用：{reasons[pos]}；无法判断是同一宗地的几块土地还是代码填错，"
            f"第 {first[code]} 行的面积按缺失处理",
            row=int(row), field="宗地代码", value=code,
            action=(
                "如为同一宗地的几块土地，在 ArcGIS/QGIS 中按宗地代码「融合」（Dissolve）为一条"
                "多部件记录；如其中一条是旧图形或代码填错，删去或改正该条；然后重新导出"
            ),
        )  # fmt: skip
        unknown.add(at[code])
    for pos in sorted(unknown):
        code = codes[pos]
        gdf.iloc[pos, gdf.columns.get_loc("area_m2")] = np.nan
        log.add(
            "宗地代码还出现在图形互不重叠的其他行（见该行的问题），该宗地的全部面积不明，"
            "面积按缺失处理，相关亩均指标为待核实",
            row=int(gdf["source_row"].iat[pos]), field="宗地代码", value=code,
            action="按同代码那一行的处理办法改正图层后重新运行",
            severity=Severity.WARNING,
        )  # fmt: skip
    return reasons


#: two records of one 宗地代码 whose shapes overlap by at least this share of the smaller one
#: are the same plot given twice (a re-survey, a copy); less, they are pieces of land apart
_SAME_PLOT_SHARE = 0.5


def _pieces_apart(kept: Any, other: Any) -> float | None:
    """How far apart (m) two shapes given one 宗地代码 are when they are not one plot twice
    (:data:`_SAME_PLOT_SHARE`); ``None`` when they are, or when either has no shape."""
    if kept is None or other is None or kept.is_empty or other.is_empty:
        return None
    smaller = min(kept.area, other.area)
    if smaller > 0 and kept.intersection(other).area >= _SAME_PLOT_SHARE * smaller:
        return None
    return float(kept.distance(other))


def _check_place(
    code: object, place: object, row: int, *, county: str | None, log: ProblemLog
) -> None:
    """The county a plot's 行政区代码 names against the run's ``county`` and its own
    宗地代码's first 6 digits: a warning row for a plot of another county, for a code that is
    no 行政区代码 or one that disagrees with the 宗地代码 (the row is kept: a plot of a 新区
    spanning counties belongs to the run)."""
    named, problem = admin_county(place)
    if problem is not None:
        log.add(
            problem, row=row, field="行政区代码", value=place,
            action="核对行政区代码（统计用区划代码）；该行保留", severity=Severity.WARNING,
        )  # fmt: skip
        return
    if named is None:  # a blank cell says nothing
        return
    if county and named != county:
        # kept: a plot of a 新区 or 开发区 spanning counties is screened where it is managed
        # (越城区、滨海新区: 柯桥、上虞 codes, zengrong.scope_county_codes_unsure), so another
        # county's code is said, never a reason to drop the plot
        said = county_label(named) if str(place) == named else f"{place} 属 {county_label(named)}"
        log.add(
            f"宗地 {code} 的行政区代码 {said}，不是本次运行的 {county_label(county)}"
            "（本层多数宗地所属的区县）",
            row=row, field="行政区代码", value=place,
            action=f"核对：如该宗地确属 {county_label(named)} 且不归本县（区）管理，请从本县数据中"
            "移出、交由该县筛查（否则全省汇总中会重复计入）；跨区的新区、开发区（如滨海新区）的宗地"
            "可保留；如代码填错，改正后重新运行。该行保留，按本次运行的策略配置判定",
            severity=Severity.WARNING,
        )  # fmt: skip
        return
    parsed = check_parcel_code(code)
    if parsed.ok and parsed.county != named:
        log.add(
            f"宗地 {code} 的行政区代码 {place} 属 {county_label(named)}，与宗地代码前 6 位 "
            f"{county_label(parsed.county)} 不一致",
            row=row, field="行政区代码", value=place,
            action="核对行政区代码与宗地代码，改正填错的一项；该行保留", severity=Severity.WARNING,
        )  # fmt: skip


def _log_overlaps(gdf: gpd.GeoDataFrame, log: ProblemLog, *, min_area_m2: float) -> int:
    pairs = find_overlaps(gdf.geometry, min_area_m2=min_area_m2)
    ids, rows = gdf["parcel_id"].to_numpy(), gdf["source_row"].to_numpy()
    for i, j, area in pairs:
        log.add(
            f"与宗地 {ids[j]}（第 {rows[j]} 行）重叠 {area:,.1f} 平方米",
            row=int(rows[i]), field="geometry", value=ids[i],
            action="核对两宗地边界；面积按各自图形计算，重叠部分被重复计入",
            severity=Severity.WARNING,
        )  # fmt: skip
    return len(pairs)


#: pieces of one plot further apart than this (m) are said: a 宗地 is one piece of land, or
#: pieces either side of a road or a stream, never kilometres apart
_PIECES_APART_M = 100.0


def _log_pieces_apart(gdf: gpd.GeoDataFrame, log: ProblemLog) -> None:
    """A plot drawn as pieces far apart (a piece copied to the wrong place, two plots in one
    record): said on its row (警告) with the widest gap; its area, the pieces' sum, is kept."""
    geoms = gdf.geometry.to_numpy()
    multi = np.flatnonzero(shapely.get_num_geometries(geoms) > 1)
    for pos in multi:
        parts = list(geoms[pos].geoms)
        gap = max(
            min(part.distance(other) for other in parts if other is not part) for part in parts
        )
        if not gap > _PIECES_APART_M or not np.isfinite(gap):  # 1e300 vertices: said elsewhere
            continue
        log.add(
            f"图形由 {len(parts)} 块组成，其中一块与其余各块相距 {gap:,.1f} 米"
            f"（宗地一般是一块相连的土地）；面积按各块之和 {gdf['area_m2'].iat[pos]:,.1f} 平方米计",
            row=int(gdf["source_row"].iat[pos]), field="geometry",
            value=gdf["parcel_id"].iat[pos] if "parcel_id" in gdf else None,
            action="在 ArcGIS/QGIS 中核对该宗地的各块：误画或复制错位的一块删去，几宗地合在一条"
            "记录的拆开；确为同一宗地的几块土地时可不处理",
            severity=Severity.WARNING,
        )  # fmt: skip


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
        Layer name for multi-layer files (default: the one chosen for ``parcels`` with
        :func:`landgov.io.chosen_layers`, else the one layer with a 宗地代码 field — two such
        layers are refused, naming them — else the first, with a warning row).
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
        missing or repeated 宗地代码 (compared after :func:`landgov.ids.normalize_code`, so case,
        blanks and full-width characters do not make a new code) or a point/line geometry go to
        ``rejected`` with ``reject_reason``; null and empty geometries stay in ``data`` with
        ``area_m2`` missing. ``len(data) + len(rejected)`` equals
        the rows in the file.
    """
    result = read_layer(
        path, specs=PARCEL_FIELDS, layer=layer, aliases=aliases, encoding=encoding,
        crs=crs, cm=cm, county=county, to_crs=to_crs, role="parcels",
    )  # fmt: skip
    gdf = result.data
    log = ProblemLog(Path(path).name)
    set_aside_area_in_wrong_unit(
        gdf, ["area_declared_m2"], log, result.meta["field_map"], item="宗地",
        consequence="登记面积按缺失处理，宗地面积按图形计算",
        header_units=result.meta.get("header_units"),
    )  # fmt: skip
    _log_pieces_apart(gdf, log)
    _log_older_datum(gdf, log)
    reasons = _check_codes(gdf, log, county=result.meta.get("county_hint"))
    reject = np.array([r is not None for r in reasons], dtype=bool)
    kept = gdf[~reject]
    n_overlaps = _log_overlaps(kept, log, min_area_m2=overlap_min_m2)
    rejected = gdf[reject].copy()
    rejected["reject_reason"] = pd.Series(
        [r for r in reasons if r is not None], index=rejected.index, dtype="str"
    )
    if len(result.rejected):
        rejected = pd.concat([result.rejected, rejected]).sort_values("source_row", kind="stable")
    problems = pd.concat([result.problems, log.frame()], ignore_index=True)
    meta = dict(result.meta)
    meta.update(
        rejected=len(rejected),
        rows_rejected=len(rejected),
        null_geometries=int(kept["area_m2"].isna().sum()),
        overlaps=n_overlaps,
    )
    return ReadResult(
        kept, pd.DataFrame(rejected), problems.sort_values("row", kind="stable"), meta
    )
