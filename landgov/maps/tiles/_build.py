"""The tiled map of a run: a folder with one PMTiles archive, its look-up files and index.html.

For runs too large for the single-file page (a province: ~1,000,000 parcels). The folder::

    index.html          the page (CSP: only the folder's own files; tiles from the basemap host)
    parcels.pmtiles     every drawable parcel: geometry, row number ``i``, one class per theme
    data/attrs-N.json.gz popup fields of rows N·CHUNK … (N+1)·CHUNK−1, column-oriented
    data/search.tsv.gz  宗地代码, 企业名称 and a point per parcel, read on the first search
    data/<layer>.geojson  镇街 (and 区县, when the parcels carry ``county``) with their totals,
                        连片地块, 批而未供
    lib/                MapLibre GL JS, the pmtiles reader (with their licences), landgov's script

The themes, popups, redaction and panel rows are the single-file map's
(:mod:`landgov.maps._themes`, :mod:`landgov.maps._popup`, :mod:`landgov.maps._prepare`,
:mod:`landgov.maps._summary`); only the transport differs.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from jinja2 import Environment

import landgov
from landgov.core.missing import is_missing
from landgov.errors import DataFileError, InputError
from landgov.maps._basemaps import Basemap, Datum, resolve_basemap
from landgov.maps._encode import display_values, json_for_script, to_lonlat
from landgov.maps._popup import (
    APPROVED_SECTIONS,
    BLOCK_SECTIONS,
    PARCEL_SECTIONS,
    Field,
    shown_sections,
    township_fields,
)
from landgov.maps._prepare import Prepared, prepare, township_summary
from landgov.maps._redact import redact_aggregate
from landgov.maps._run import RunData, load_run
from landgov.maps._summary import district_rows, manifest_rows
from landgov.maps._themes import Theme, run_themes
from landgov.maps._title import SIMULATED, map_title
from landgov.maps.style import DEFAULT_STYLE, THEMES, MapStyle
from landgov.maps.tiles._archive import MAXZOOM, MINZOOM, start_archive
from landgov.maps.tiles._province import (
    STATUS,
    ProvinceData,
    is_province_run,
    load_province,
    panel_summary,
)

__all__ = ["CHUNK", "TileMap", "build_tiles"]

#: Parcels per attribute file: a popup reads one file of this many rows.
CHUNK = 2048
ARCHIVE = "parcels.pmtiles"
_VENDOR = (
    "maplibre-gl-csp.js",
    "maplibre-gl-csp-worker.js",
    "maplibre-gl.css",
    "pmtiles.js",
    "LICENSE-maplibre-gl.txt",
    "LICENSE-pmtiles.txt",
)
_OWN = ("landgov-tiles.js", "landgov-tiles.css")
_NAME_COLUMNS = ("enterprise_names", "enterprise_detail", "holder")
Sections = tuple[tuple[str, tuple[Field, ...]], ...]


@dataclass(frozen=True)
class TileMap:
    """A written tile folder.

    Attributes
    ----------
    path
        The folder; open ``index.html`` through ``landgov serve`` or a web server.
    n_parcels, n_drawable
        Rows of the parcels layer, and those with a geometry (all of which are in the tiles).
    archive_bytes
        Size of ``parcels.pmtiles``.
    seconds
        Time from starting the archive until it was finished (for large runs, worker processes
        cut it while this process writes the look-up files).
    """

    path: Path
    n_parcels: int
    n_drawable: int
    archive_bytes: int
    seconds: float
    redacted: bool
    basemap: Basemap
    themes: tuple[str, ...]
    notes: tuple[str, ...]


def _specs(sections: Sections, frame: pd.DataFrame) -> list[Any]:
    out = []
    for title, fields in sections:
        specs = [f.spec() for f in fields if f.key in frame.columns]
        if specs:
            out.append([title, specs])
    return out


def _lonlat(geoms: np.ndarray, crs: Any, gcj02: bool) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: to_lonlat(xy, crs, gcj02=gcj02))


def _columns(frame: pd.DataFrame, sections: Sections) -> dict[str, list[Any]]:
    """The popup's values per field, with each field's mark column (「（按高度估算）」) that
    the page writes after the value."""
    out = {}
    for _, fields in sections:
        for f in fields:
            if f.key in frame.columns and f.key not in out:
                out[f.key] = f.values(frame)
            if f.mark in frame.columns and f.mark not in out:
                out[f.mark] = display_values(frame[f.mark], "text", 0)
    return out


def _write_chunks(frame: pd.DataFrame, folder: Path) -> int:
    cols = _columns(frame, PARCEL_SECTIONS)
    n = len(frame)
    chunks = max(1, -(-n // CHUNK))
    for k in range(chunks):
        lo, hi = k * CHUNK, min(n, (k + 1) * CHUNK)
        part = {"start": lo, "columns": {key: vals[lo:hi] for key, vals in cols.items()}}
        text = json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        (folder / f"attrs-{k}.json.gz").write_bytes(gzip.compress(text, compresslevel=6, mtime=0))
    return chunks


def _clean(value: Any) -> str:
    text = "" if is_missing(value) else str(value)
    return " ".join(text.replace("\t", " ").split())


def _clean_column(series: pd.Series) -> list[str]:
    """:func:`_clean` of every value; a text column judges each distinct text once."""
    values = series.astype(object)
    if pd.api.types.infer_dtype(values, skipna=True) not in {"string", "empty"}:
        return [_clean(v) for v in values.tolist()]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([_clean(u) for u in uniques] + [""], dtype=object)
    return table[codes].tolist()  # code -1 (None, NaN, NA): the last entry, ""


def _write_search(frame: pd.DataFrame, points: np.ndarray, folder: Path) -> list[str]:
    """One line per drawable parcel: row, 宗地代码, names, lon, lat (gzip, UTF-8)."""
    names = [c for c in _NAME_COLUMNS if c in frame.columns]
    ids = _clean_column(frame["parcel_id"])
    columns = [_clean_column(frame[c]) for c in names]
    joined = ["；".join(v for v in row if v) for row in zip(*columns, strict=True)] if names else []
    if not names:
        joined = [""] * len(frame)
    xy = shapely.get_coordinates(points)
    rows = np.flatnonzero(~shapely.is_missing(points))
    lines = [
        f"{i}\t{ids[i]}\t{joined[i].replace(chr(10), '；')}\t{xy[j, 0]:.6f}\t{xy[j, 1]:.6f}"
        for j, i in enumerate(rows)
    ]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    (folder / "search.tsv.gz").write_bytes(gzip.compress(payload, compresslevel=6, mtime=0))
    return ["parcel_id", *names]


def _group_summary(parcels: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    """township_summary for any grouping column (``county`` on a province run)."""
    frame = parcels.drop(columns=["township"], errors="ignore").rename(columns={key: "township"})
    return township_summary(frame).rename(columns={"township": key})


def _townships(data: RunData, prep: Prepared) -> gpd.GeoDataFrame | None:
    parcels = prep.parcels_all
    given = prep.townships
    if "township" not in parcels or data.townships is None:
        return given  # prepare's township_summary, or None
    if given is None or "township" not in given:
        return township_summary(parcels)
    summary = township_summary(parcels)
    table = pd.DataFrame(summary.drop(columns=summary.geometry.name))
    extra = [c for c in table.columns if c == "township" or c not in given.columns]
    return given.merge(table[extra], on="township", how="left")


def _overlay(
    frame: gpd.GeoDataFrame | None,
    name: str,
    sections: Sections,
    folder: Path,
    *,
    gcj02: bool,
    label: str | None = None,
) -> dict[str, Any] | None:
    if frame is None or not len(frame) or frame.geometry.name not in frame:
        return None
    geoms = frame.geometry.to_numpy()
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not keep.any():
        return None
    frame = frame[keep]
    geoms = _lonlat(frame.geometry.to_numpy(), frame.crs, gcj02)
    props = pd.DataFrame(_columns(frame, sections), index=range(len(frame)))
    if label and label in frame:
        pts = shapely.get_coordinates(shapely.point_on_surface(geoms))
        props["_lx"], props["_ly"] = np.round(pts[:, 0], 6), np.round(pts[:, 1], 6)
        props["_label"] = display_values(frame[label], "text")
    out = gpd.GeoDataFrame(props, geometry=list(shapely.set_precision(geoms, 1e-6)), crs=4326)
    (folder / f"{name}.geojson").write_text(out.to_json(drop_id=True, na="drop"), encoding="utf-8")
    return {"url": f"data/{name}.geojson", "sections": _specs(sections, frame)}


#: Labels of each level show between these zooms (a province opens at about zoom 7).
_LABEL_ZOOMS = {"cities": (0, 8), "counties": (8, 10.5), "townships": (10.5, 24)}
#: Their status fills (规上亩均税收 against the target) show up to this zoom.
_FILL_ZOOMS = {"cities": (0, 8), "counties": (8, MINZOOM)}
_CITY_ZOOM, _PARCEL_ZOOM = _FILL_ZOOMS["cities"][1], MINZOOM


def _level_overlay(
    frame: gpd.GeoDataFrame | None,
    name: str,
    key: str,
    heading: str,
    *,
    folder: Path,
    gcj02: bool,
    head: tuple[Field, ...] = (),
) -> dict[str, Any] | None:
    """A 地市/区县/镇街 layer: boundaries, labels, and totals (against targets) in the popup."""
    if frame is None:
        return None
    extra = tuple(f for f in head if f.key in frame)
    shown = frame.drop(columns=[f.key for f in extra], errors="ignore")
    if key != "township":
        shown = shown.drop(columns=key, errors="ignore")
        extra = (Field(key, _LEVEL_NAMES[key]), *extra)
    fields = (*extra, *township_fields(shown.drop(columns="target_status", errors="ignore")))
    if "target_status" in frame:
        fields = (*fields, Field("target_status", "规上亩均税收对照目标", "text"))
    out = _overlay(frame, name, ((heading, fields),), folder, gcj02=gcj02, label=key)
    if out is not None:
        out["labelZoom"] = list(_LABEL_ZOOMS.get(name, (0, 24)))
        if name in _FILL_ZOOMS and "target_status" in frame:
            out["fillZoom"] = list(_FILL_ZOOMS[name])
    return out


_LEVEL_NAMES = {"city": "地级市", "county": "县（市、区）", "township": "镇街"}
_CITY_HEAD = (Field("n_counties", "县（市、区）数", "num", 0), Field("target_scope", "目标口径"))
_COUNTY_HEAD = (
    Field("city", "地级市"),
    Field("profile", "评判配置"),
    Field("profile_version", "配置版本"),
)
_TOWN_HEAD = (Field("county", "县（市、区）"),)
#: Province-table columns the popups leave out (codes, row accounting, status of the run).
_LEVEL_HIDDEN = (
    "county_code",
    "city_code",
    "status",
    "rows_in",
    "rows_out",
    "rows_rejected",
    "n_failed",
    "target_source",
    "target_derivations",
)


def _province_overlays(
    levels: ProvinceData, folder: Path, *, gcj02: bool, redact: bool
) -> dict[str, Any]:
    """地市, 区县 (totals against targets, coloured by :data:`STATUS`) and 镇街 of a province."""

    def clean(frame: gpd.GeoDataFrame | None, keep: tuple[str, ...] = ()) -> Any:
        if frame is None:
            return None
        drop = [c for c in _LEVEL_HIDDEN if c in frame and c not in keep]
        frame = frame.drop(columns=drop)
        return redact_aggregate(frame, ()) if redact else frame

    kinds = (
        ("cities", "city", "地市汇总", levels.cities, _CITY_HEAD),
        ("counties", "county", "区县汇总", levels.counties, _COUNTY_HEAD),
        ("townships", "township", "镇街汇总", levels.townships, _TOWN_HEAD),
    )
    return {
        name: _level_overlay(
            clean(frame, ("target_source",)),
            name,
            key,
            title,
            folder=folder,
            gcj02=gcj02,
            head=head,
        )
        for name, key, title, frame, head in kinds
    }


def _level_legend(levels: ProvinceData | None) -> dict[str, Any] | None:
    if levels is None:
        return None
    counts = levels.counties["target_status"].value_counts()
    return {
        "title": "县（市、区）规上亩均税收对照目标",
        "hint": f"放大到 {_PARCEL_ZOOM} 级以前按此着色；缩小到 {_CITY_ZOOM} 级以下改为地市"
        "（对照全省目标）",
        "items": [
            {"label": label, "color": color, "count": int(counts.get(label, 0))}
            for label, color in STATUS
            if counts.get(label, 0) or label != "待核实"
        ],
    }


def _all_overlays(
    levels: ProvinceData | None,
    data: RunData,
    prep: Prepared,
    folder: Path,
    *,
    gcj02: bool,
    redact: bool,
) -> dict[str, Any]:
    """Every overlay of the page; the coarsest level drawn labels every zoom below its band."""
    if levels is not None:
        overlays = _province_overlays(levels, folder, gcj02=gcj02, redact=redact)
    else:
        parcels = prep.parcels_all
        counties = _group_summary(parcels, "county") if "county" in parcels else None
        overlays = {
            "counties": _level_overlay(
                counties, "counties", "county", "区县汇总", folder=folder, gcj02=gcj02
            ),
            "townships": _level_overlay(
                _townships(data, prep),
                "townships",
                "township",
                "镇街汇总",
                folder=folder,
                gcj02=gcj02,
            ),
            "blocks": _overlay(
                prep.blocks,
                "blocks",
                shown_sections(BLOCK_SECTIONS, redacted=prep.redacted),
                folder,
                gcj02=gcj02,
            ),
            "approved": _overlay(prep.approved, "approved", APPROVED_SECTIONS, folder, gcj02=gcj02),
        }
    present = [overlays[k] for k in _LABEL_ZOOMS if overlays.get(k)]
    if present:
        present[0]["labelZoom"][0] = 0
    return overlays


def _theme_config(theme: Theme) -> dict[str, Any]:
    return {
        "key": theme.key,
        "label": theme.label,
        "legendTitle": theme.legend_title,
        "legend": [
            {"label": i.label, "color": i.color, "count": i.count, "back": i.back}
            for i in theme.legend
        ],
    }


def _panel(
    prep: Prepared, notes: list[str], *, province: bool, levels: ProvinceData | None
) -> dict[str, Any]:
    rows = district_rows(prep.parcels_all, blocks=prep.blocks, far=prep.far)
    summary = prep.manifest.get("summary")
    district = summary.get("district") if isinstance(summary, Mapping) else None
    if levels is not None:
        district = panel_summary(levels.province)
    notes = list(notes)
    if isinstance(district, Mapping) and district:
        rows += manifest_rows(district, redact=prep.redacted)
    else:
        notes.append("manifest.json 中没有 summary.district：目标对比从略")
    return {
        "heading": "全域概况" if province else "全区概况",
        "rows": [{"label": r.label, "value": r.value} for r in rows],
        "notes": notes,
    }


def _bounds(parcels: np.ndarray) -> list[list[float]]:
    box = shapely.total_bounds(parcels)
    if not np.isfinite(box).all():
        raise InputError("地图中没有任何有图形的要素：parcels 图层的几何全部为空")
    return [[float(box[0]), float(box[1])], [float(box[2]), float(box[3])]]


def _basemap_config(bm: Basemap) -> dict[str, Any] | None:
    if bm.offline:
        return None
    tiles = []
    for url in bm.urls:
        subs = bm.subdomains if "{s}" in url else ""
        tiles.append([url.replace("{s}", s) for s in subs] if subs else [url])
    return {
        "label": bm.label,
        "tiles": tiles,
        "attribution": bm.attribution,
        "maxZoom": bm.max_zoom,
    }


def _csp(bm: Basemap) -> str:
    hosts = " ".join(bm.origins())
    return (
        "default-src 'none'; script-src 'self'; worker-src 'self'; child-src 'self'; "
        "style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob: {hosts}".rstrip()
        + f"; connect-src 'self' {hosts}".rstrip()
        + "; font-src data:; base-uri 'none'; form-action 'none'"
    )


def _copy_assets(lib: Path) -> None:
    root = resources.files("landgov.maps.tiles")
    for sub, names in (("vendor", _VENDOR), ("assets", _OWN)):
        for name in names:
            try:
                data = root.joinpath(sub, name).read_bytes()
            except OSError as exc:
                raise DataFileError(
                    f"找不到地图资源文件 {sub}/{name}：请重新安装 landgov（{exc}）"
                ) from exc
            if name.endswith(".js"):  # no source map is shipped: no request for one either
                lines = data.decode("utf-8").splitlines()
                data = "\n".join(
                    ln for ln in lines if not ln.startswith("//# sourceMappingURL")
                ).encode("utf-8")
            (lib / name).write_bytes(data)


_ENV = Environment(autoescape=True, keep_trailing_newline=True)


def _page(config: dict[str, Any], bm: Basemap, title: str) -> str:
    template = resources.files("landgov.maps.tiles").joinpath("assets", "index.html.j2")
    return _ENV.from_string(template.read_text(encoding="utf-8")).render(
        csp=_csp(bm),
        title=title,
        version=landgov.__version__,
        config_json=json_for_script(config),
    )


def _prepare_out(out_dir: Path) -> tuple[Path, Path]:
    if out_dir.exists() and not out_dir.is_dir():
        raise DataFileError(
            f"输出位置 {out_dir} 是一个文件：瓦片地图须写入一个文件夹，请换一个 --out"
        )
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "index.html").is_file():
        raise DataFileError(
            f"输出文件夹 {out_dir} 已有其他文件：为免误删，"
            "请指定一个空文件夹或以前生成的瓦片地图文件夹"
        )
    for sub in ("data", "lib"):
        shutil.rmtree(out_dir / sub, ignore_errors=True)
    data, lib = out_dir / "data", out_dir / "lib"
    data.mkdir(parents=True)
    lib.mkdir()
    return data, lib


def build_tiles(
    run: RunData | ProvinceData | str | Path,
    out_dir: str | Path,
    *,
    basemap: Basemap | str = "none",
    style: MapStyle = DEFAULT_STYLE,
    redact: bool = False,
    title: str | None = None,
    theme: str = "path",
) -> TileMap:
    """Write the tiled map of a run into ``out_dir`` (created; an earlier tile map is replaced).

    Parameters
    ----------
    run
        A run directory (``DIR/landgov.gpkg``) or its :class:`RunData`; a ``county`` column on
        the parcels adds a 区县 level (county totals when zoomed out). A province run folder
        (``landgov screen PROVINCE_DIR``) or its :class:`ProvinceData` adds the 地市 and 区县
        levels with their totals against their targets, and every county's 镇街.
    out_dir
        Folder to write; must be empty, absent, or an earlier tile map.
    basemap, style, redact, title, theme
        As for :func:`landgov.maps.build_map`.

    Returns
    -------
    TileMap
    """
    if theme not in THEMES:
        raise InputError(f"未知专题 {theme!r}：可选 {'、'.join(THEMES)}")
    if isinstance(run, str | Path) and is_province_run(run):
        run = load_province(run)
    levels = run if isinstance(run, ProvinceData) else None
    data = levels.run if levels is not None else run if isinstance(run, RunData) else load_run(run)
    bm = basemap if isinstance(basemap, Basemap) else resolve_basemap(basemap)
    gcj02 = bm.datum is Datum.GCJ02
    # every parcel is drawn: no 镇街 aggregation (that is the single-file page's fallback)
    whole = dataclasses.replace(style, max_parcels=max(style.max_parcels, len(data.parcels)))
    prep = prepare(data, style=whole, redact=redact)
    parcels = prep.parcels_all.reset_index(drop=True)
    out = Path(out_dir)
    folder, lib = _prepare_out(out)
    geoms = parcels.geometry.to_numpy()
    drawable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    lonlat = np.full(len(parcels), None, dtype=object)
    lonlat[drawable] = _lonlat(geoms[drawable], parcels.crs, gcj02)
    invalid = drawable & ~shapely.is_valid(lonlat)
    notes = [*prep.notes, *(levels.notes if levels is not None else ())]
    if invalid.any():  # GDAL's tile writer drops invalid polygons: draw them repaired
        lonlat[invalid] = shapely.make_valid(
            lonlat[invalid], method="structure", keep_collapsed=False
        )
        notes.append(
            f"{int(invalid.sum()):,} 宗地块图形无效（自相交等），地图按修复后的图形显示，"
            "请在原数据中核实"
        )
    themes = run_themes(parcels, style, prep.manifest, with_tax=not redact)
    tiles = gpd.GeoDataFrame(
        {
            "i": np.arange(len(parcels), dtype=np.int32),
            **{f"t_{k}": t.classes.astype(np.int16) for k, t in themes.items()},
        },
        geometry=list(lonlat),
        crs=4326,
    )[drawable]
    started = time.perf_counter()
    with start_archive(tiles, out / ARCHIVE) as pending:  # large runs: cut by 2 processes
        del tiles  # meanwhile this process writes the look-up files
        chunks = _write_chunks(parcels, folder)
        points = np.full(len(parcels), None, dtype=object)
        points[drawable] = shapely.point_on_surface(lonlat[drawable])
        search = _write_search(parcels, points, folder)
        archive = pending.result()
    seconds = time.perf_counter() - started
    heading = map_title(title or _default_title(data.manifest), data.manifest, redact=redact)
    default = theme if theme in themes else next(iter(themes))
    overlays = _all_overlays(levels, data, prep, folder, gcj02=gcj02, redact=redact)
    province = levels is not None or "county" in parcels
    what = "地块序号" if redact else "宗地代码"  # a redacted map has no 宗地代码
    if levels is not None:
        notes.append("全省图不含连片地块和批而未供：请查看各县（市、区）的地图")
    config: dict[str, Any] = {
        "title": heading,
        "subtitle": " · ".join(
            p
            for p in (
                f"数据日期 {prep.data_date}" if prep.data_date else "",
                f"政策口径 {prep.profile_label}" if prep.profile_label else "",
            )
            if p
        ),
        "redactionNote": prep.redaction_note,
        "archive": ARCHIVE,
        "layer": "parcels",
        "minzoom": MINZOOM,
        "maxzoom": MAXZOOM,
        "chunk": CHUNK,
        "chunks": chunks,
        "nParcels": len(parcels),
        "nDrawable": int(drawable.sum()),
        "bounds": _bounds(lonlat[drawable]) if drawable.any() else _bounds(np.array([None])),
        "background": style.blank_basemap_color if bm.offline else "#ffffff",
        "style": {
            "outline": style.outline_color,
            "fillOpacity": style.fill_opacity,
            "township": style.township_color,
            "block": style.block_color,
            "approved": style.approved_color,
        },
        "basemap": _basemap_config(bm),
        "sections": _specs(shown_sections(PARCEL_SECTIONS, redacted=redact), parcels),
        "themes": [_theme_config(t) for t in themes.values()],
        "defaultTheme": default,
        "search": {
            "url": "data/search.tsv.gz",
            "hint": (f"搜索{what}" if len(search) == 1 else f"搜索{what}、企业名称")
            + ("或地名" if any(overlays.get(k) for k in _LABEL_ZOOMS) else ""),
        },
        "overlays": {k: v for k, v in overlays.items() if v is not None},
        "panel": _panel(prep, notes, province=province, levels=levels),
        "levelLegend": _level_legend(levels),
    }
    (out / "index.html").write_text(_page(config, bm, heading), encoding="utf-8")
    _copy_assets(lib)
    return TileMap(
        path=out,
        n_parcels=len(parcels),
        n_drawable=int(drawable.sum()),
        archive_bytes=archive.stat().st_size,
        seconds=seconds,
        redacted=redact,
        basemap=bm,
        themes=tuple(themes),
        notes=tuple(config["panel"]["notes"]),
    )


def _default_title(manifest: Mapping[str, Any]) -> str:
    """「工业用地治理云图」, after the province's name for a province run; never a folder name.

    A simulated province (``province.json`` title 「…（模拟数据）」) keeps 「（模拟数据）」.
    """
    named = str(manifest.get("title") or "").strip()
    if not named:
        return "工业用地治理云图"
    base = named.replace(SIMULATED, "").strip()
    base = base if base.endswith("工业用地") else f"{base}工业用地"
    return f"{base}治理云图" + (SIMULATED if SIMULATED in named else "")
