"""The interactive briefing map: one self-contained HTML file that works without internet.

The page is built from our own small template (not folium's: folium's page pulls Leaflet,
jQuery, Bootstrap and fonts from four CDNs, and ``explore()`` writes every column of every
parcel as GeoJSON). Leaflet and the icons are inlined from XStatic packages; parcels travel in
the compact encoding of :mod:`landgov.maps._encode` and are drawn on a canvas by
``assets/landgov-map.js``; a Content-Security-Policy allows only our own scripts (by hash) and
images from the chosen tile server.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from jinja2 import Environment

import landgov
from landgov.core.atomic import written_whole
from landgov.core.documents import clause_tooltips
from landgov.errors import DataFileError, InputError, os_error_message
from landgov.maps import _assets
from landgov.maps._basemaps import Basemap, Datum, resolve_basemap
from landgov.maps._encode import encode_columns, encode_geometry, json_for_script, to_lonlat
from landgov.maps._popup import (
    APPLICATION_SECTIONS,
    APPROVED_SECTIONS,
    BLOCK_SECTIONS,
    PARCEL_SECTIONS,
    Field,
    shown_sections,
    township_fields,
)
from landgov.maps._prepare import Prepared, prepare
from landgov.maps._print import policy_text
from landgov.maps._progress import progress_rows
from landgov.maps._run import RunData, load_run
from landgov.maps._summary import district_rows, manifest_rows
from landgov.maps._themes import Theme, run_themes
from landgov.maps._title import map_title
from landgov.maps.style import DEFAULT_STYLE, THEMES, MapStyle

__all__ = ["BriefingMap", "build_map"]


@dataclass(frozen=True)
class BriefingMap:
    """A built map page.

    Attributes
    ----------
    html
        The whole page; write it with :meth:`save`.
    n_parcels
        Rows of the ``parcels`` layer; ``n_drawable`` of them have a geometry.
    aggregated
        True when the parcels were too many and the map shows townships instead.
    notes
        What was left out and why (also shown in the page's panel).
    """

    html: str
    n_parcels: int
    n_drawable: int
    aggregated: bool
    redacted: bool
    basemap: Basemap
    themes: tuple[str, ...]
    notes: tuple[str, ...]

    def save(self, path: str | Path) -> Path:
        """Write the page (UTF-8) and return its path; parent folders are created.

        Written whole or not at all (:func:`~landgov.core.atomic.written_whole`): an earlier
        map at ``path`` stays until the new one is complete."""
        out = Path(path)
        try:
            with written_whole(out) as tmp:
                tmp.write_text(self.html, encoding="utf-8")
        except OSError as exc:
            raise DataFileError(f"无法写入地图文件：{os_error_message(exc)}") from exc
        return out

    def _repr_html_(self) -> str:
        """Inline display in Jupyter: the page in a sandbox-free iframe ``srcdoc``."""
        return (
            '<iframe style="width:100%;height:620px;border:1px solid #ccc" '
            f'srcdoc="{html.escape(self.html, quote=True)}"></iframe>'
        )


def _sections(sections: tuple[tuple[str, tuple[Field, ...]], ...], frame: pd.DataFrame) -> list:
    out = []
    for title, fields in sections:
        specs = [f.spec() for f in fields if f.key in frame.columns]
        if specs:
            out.append([title, specs])
    return out


def _kinds(sections: tuple[tuple[str, tuple[Field, ...]], ...]) -> dict[str, tuple]:
    fields = [f for _, group in sections for f in group]
    return {f.key: f.encoding() for f in fields} | {f.mark: ("text", 0) for f in fields if f.mark}


class _Page:
    """Collects the data blocks of the page and their ids."""

    def __init__(self, style: MapStyle, gcj02: bool) -> None:
        self.style = style
        self.gcj02 = gcj02
        self.blocks: list[dict[str, str]] = []

    def add(self, ident: str, text: str, mime: str) -> str:
        self.blocks.append({"id": ident, "text": text, "type": mime})
        return ident

    def polygons(self, name: str, frame: gpd.GeoDataFrame) -> dict[str, Any]:
        enc = encode_geometry(
            frame.geometry.to_numpy(),
            crs=frame.crs,
            zoom=self.style.quantize_zoom,
            gcj02=self.gcj02,
        )
        geom_id = self.add(f"lg-geom-{name}", enc.payload, "application/octet-stream")
        return {"geom": enc.header(), "geomId": geom_id}

    def attributes(self, name: str, frame: pd.DataFrame, kinds: dict[str, Any]) -> str:
        return self.add(
            f"lg-attrs-{name}", json_for_script(encode_columns(frame, kinds)), "application/json"
        )


def _bounds(frames: list[gpd.GeoDataFrame], gcj02: bool) -> list[list[float]]:
    boxes = [f.total_bounds for f in frames if f is not None and len(f) and not f.is_empty.all()]
    if not boxes:
        raise InputError("地图中没有任何有图形的要素：parcels 图层的几何全部为空")
    b = np.vstack(boxes)
    crs = next(f.crs for f in frames if f is not None and len(f))
    corners = np.array([[b[:, 0].min(), b[:, 1].min()], [b[:, 2].max(), b[:, 3].max()]])
    ll = to_lonlat(corners, crs, gcj02=gcj02)
    return [[float(ll[0, 1]), float(ll[0, 0])], [float(ll[1, 1]), float(ll[1, 0])]]


def _theme_config(page: _Page, theme: Theme) -> dict[str, Any]:
    ident = page.add(
        f"lg-classes-{theme.key}",
        base64.b64encode(theme.classes.tobytes()).decode("ascii"),
        "application/octet-stream",
    )
    return {
        "key": theme.key,
        "label": theme.label,
        "legendTitle": theme.legend_title,
        "classesId": ident,
        "legend": [
            {"label": i.label, "color": i.color, "count": i.count, "back": i.back}
            for i in theme.legend
        ],
    }


def _labels(points: gpd.GeoSeries, names: pd.Series, gcj02: bool) -> list[dict[str, Any]]:
    geoms = points.to_numpy()
    placed = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))  # 镇街 without a geometry
    names = names[placed]
    pts = shapely.get_coordinates(geoms[placed])
    if not len(pts):
        return []
    ll = to_lonlat(pts, points.crs, gcj02=gcj02)
    out = []
    for (lon, lat), name in zip(ll, names.astype(object).tolist(), strict=True):
        if isinstance(name, str) and name.strip():
            out.append({"lat": round(float(lat), 6), "lng": round(float(lon), 6), "text": name})
    return out


def _parcel_config(page: _Page, prep: Prepared, theme: str) -> dict[str, Any]:
    frame = prep.parcels
    geo = page.polygons("parcels", frame)
    themes = run_themes(frame, page.style, prep.manifest, with_tax=not prep.redacted)
    default = theme if theme in themes else next(iter(themes))
    names = ("enterprise_names", "enterprise_detail", "holder")
    search = [c for c in ("parcel_id", *names) if c in frame.columns]
    what = "地块序号" if prep.redacted else "宗地代码"  # a redacted map has no 宗地代码
    hint = f"搜索{what}" if len(search) == 1 else f"搜索{what}或企业名称"
    return {
        **geo,
        "attrsId": page.attributes("parcels", frame, _kinds(PARCEL_SECTIONS) | _search_kinds()),
        "sections": _sections(shown_sections(PARCEL_SECTIONS, redacted=prep.redacted), frame),
        "themes": [_theme_config(page, t) for t in themes.values()],
        "defaultTheme": default,
        "searchFields": search,
        "searchHint": hint,
    }


def _search_kinds() -> dict[str, tuple[str, int]]:
    return {"holder": ("text", 0)}


def _overlay_config(
    page: _Page,
    name: str,
    frame: gpd.GeoDataFrame,
    sections: tuple[tuple[str, tuple[Field, ...]], ...],
    look: Mapping[str, Any],
) -> dict[str, Any]:
    return {
        **page.polygons(name, frame),
        "attrsId": page.attributes(name, frame, _kinds(sections)),
        "sections": _sections(sections, frame),
        **look,
    }


def _townships_config(page: _Page, prep: Prepared, *, on: bool) -> dict[str, Any] | None:
    frame = prep.townships
    if frame is None or not len(frame):
        return None
    fields = township_fields(frame)
    sections = (("镇街汇总", fields),)
    labels: list[dict[str, Any]] = []
    if "township" in frame:
        labels = _labels(frame.geometry.representative_point(), frame["township"], page.gcj02)
    look = {
        "label": "镇街边界及汇总",
        "legend": "镇街边界（点击查看汇总）",
        "color": page.style.township_color,
        "fill": 0.04,
        "width": 1.6,
        "dash": [6, 4],
        "on": on,
        "labels": labels,
    }
    return _overlay_config(page, "townships", frame, sections, look)


def _blocks_config(page: _Page, prep: Prepared) -> dict[str, Any] | None:
    frame = prep.blocks
    if frame is None or not len(frame):
        return None
    look = {
        "label": "连片地块",
        "legend": "连片低效地块（≥100 亩加粗）",
        "color": page.style.block_color,
        "fill": 0.0,
        "width": 2.4,
        "dash": None,
        "on": True,
    }
    sections = shown_sections(BLOCK_SECTIONS, redacted=prep.redacted)
    return _overlay_config(page, "blocks", frame, sections, look)


def _approved_config(page: _Page, prep: Prepared) -> dict[str, Any] | None:
    """批而未供 batches: land approved and not supplied, drawn apart from the plots."""
    frame = prep.approved
    if frame is None or not len(frame):
        return None
    drawn = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if not len(drawn):
        return None
    look = {
        "label": "批而未供",
        "legend": f"批而未供（已批未供 {len(frame)} 批次，不列入治理清单）",
        "color": page.style.approved_color,
        "fill": 0.25,
        "width": 1.8,
        "dash": [2, 3],
        "on": True,
    }
    return _overlay_config(page, "approved", drawn, APPROVED_SECTIONS, look)


def _applications_config(page: _Page, prep: Prepared) -> dict[str, Any] | None:
    """增容 applications coloured by their verdict (可申报 / 不可申报 / 待核实)."""
    frame = prep.applications
    if frame is None or not len(frame):
        return None
    drawn = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if not len(drawn):
        return None
    verdicts = drawn["zengrong"].astype(object).where(drawn["zengrong"].notna(), "")
    order = ["可申报", "不可申报", "待核实"]
    colors = {**page.style.zengrong_colors, "结论不明": page.style.no_data_color}
    codes = np.array([order.index(v) if v in order else len(order) for v in verdicts], np.uint8)
    counts = np.bincount(codes, minlength=len(order) + 1)
    classes = [
        {"label": f"增容申请·{v}", "color": colors[v], "count": int(n)}
        for v, n in zip([*order, "结论不明"], counts, strict=True)
    ]
    look = {
        "label": f"增容申请（{len(frame)} 件）",
        "legend": f"增容申请（{len(frame)} 件，按审查结论着色）",
        "color": "#1d2b4f",
        "fill": 0.75,
        "width": 2.6,
        "dash": None,
        "on": True,
        "classes": classes,
        "classesId": page.add(
            "lg-classes-applications",
            base64.b64encode(codes.tobytes()).decode("ascii"),
            "application/octet-stream",
        ),
    }
    sections = shown_sections(APPLICATION_SECTIONS, redacted=prep.redacted)
    return _overlay_config(page, "applications", drawn, sections, look)


def _panel(prep: Prepared) -> dict[str, Any]:
    rows = district_rows(
        prep.parcels_all,
        blocks=prep.blocks,
        far=prep.far,
        enterprises=prep.enterprises,
        applications=prep.applications,
    )
    rows += progress_rows(prep.parcels_all)  # per-镇街 治理台账 progress, when a ledger is joined
    summary = prep.manifest.get("summary")
    district = summary.get("district") if isinstance(summary, Mapping) else None
    notes = list(prep.notes)
    if isinstance(district, Mapping) and district:
        rows += manifest_rows(district, redact=prep.redacted)
    else:
        notes.append("manifest.json 中没有 summary.district：目标对比从略")
    return {
        "heading": "全区概况",
        "rows": [{"label": r.label, "value": r.value} for r in rows],
        "notes": notes,
    }


def _subtitle(prep: Prepared) -> str:
    parts = []
    if prep.data_date:
        parts.append(f"数据日期 {prep.data_date}")
    policy = policy_text(prep.manifest) or prep.profile_label
    if policy:
        parts.append(f"政策口径 {policy}")
    return " · ".join(parts)


def _csp(scripts: list[str], basemap: Basemap) -> str:
    hashes = " ".join(_assets.script_hash(s) for s in scripts)
    img = " ".join(["data:", *basemap.origins()])
    return (
        "default-src 'none'; "
        f"script-src {hashes}; "
        "style-src 'unsafe-inline'; "
        f"img-src {img}; "
        "font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


_ENV = Environment(autoescape=True, keep_trailing_newline=True)


def _render(config: dict[str, Any], page: _Page, basemap: Basemap, title: str) -> str:
    scripts = [_assets.leaflet_js(), _assets.own_asset("landgov-map.js")]
    template = _ENV.from_string(_assets.own_asset("page.html.j2"))
    return template.render(
        csp=_csp(scripts, basemap),
        version=landgov.__version__,
        title=title,
        leaflet_css=_assets.leaflet_css(),
        own_css=_assets.own_asset("landgov-map.css"),
        search_icon=_assets.icon_uri("magnifying-glass"),
        config_json=json_for_script(config),
        data_blocks=page.blocks,
        leaflet_js=scripts[0],
        own_js=scripts[1],
    )


def build_map(
    run: RunData | str | Path,
    *,
    basemap: Basemap | str = "none",
    style: MapStyle = DEFAULT_STYLE,
    redact: bool = False,
    title: str | None = None,
    theme: str = "path",
) -> BriefingMap:
    """Build the interactive briefing map of a run.

    Parameters
    ----------
    run
        A run directory (``DIR/landgov.gpkg``) or its :class:`RunData`.
    basemap
        A :class:`Basemap` or a name for :func:`resolve_basemap` (``none``: no request at all).
    style
        Colours and class schemes.
    redact
        Leave out enterprise names, credit codes, holder names and every money figure.
    title
        Page title; default 「工业用地治理简报图」 (never the folder's name); 「（模拟数据）」
        is added for a run on the simulated sample, 「（脱敏版）」 when ``redact``.
    theme
        Parcel theme shown first: ``tax``, ``grade``, ``path`` or ``far`` (falls back to the
        first available one).

    Returns
    -------
    BriefingMap
    """
    if theme not in THEMES:
        raise InputError(f"未知专题 {theme!r}：可选 {'、'.join(THEMES)}")
    data = run if isinstance(run, RunData) else load_run(run)
    bm = basemap if isinstance(basemap, Basemap) else resolve_basemap(basemap)
    prep = prepare(data, style=style, redact=redact)
    page = _Page(style, gcj02=bm.datum is Datum.GCJ02)
    heading = map_title(title, data.manifest, redact=prep.redacted)
    config: dict[str, Any] = {
        "title": heading,
        "subtitle": _subtitle(prep),
        "source": prep.source,
        "redactionNote": prep.redaction_note,
        "quantizeZoom": style.quantize_zoom,
        "maxZoom": style.max_zoom,
        "background": style.blank_basemap_color if bm.offline else "#ffffff",
        "style": {"outline": style.outline_color, "fillOpacity": style.fill_opacity},
        "basemap": None
        if bm.offline
        else {
            "label": bm.label,
            "urls": list(bm.urls),
            "subdomains": bm.subdomains,
            "attribution": bm.attribution,
            "maxZoom": bm.max_zoom,
        },
        "bounds": _bounds(
            [prep.parcels_all, prep.townships, prep.approved], bm.datum is Datum.GCJ02
        ),
        "parcels": None if prep.aggregated else _parcel_config(page, prep, theme),
        "blocks": None if prep.aggregated else _blocks_config(page, prep),
        "townships": _townships_config(page, prep, on=True),
        "approved": _approved_config(page, prep),
        "applications": None if prep.aggregated else _applications_config(page, prep),
        "panel": _panel(prep),
        "message": prep.message,
        # citation → document, clause and its words: the tooltip of a reason that cites it
        "clauses": clause_tooltips(),
    }
    theme_keys = tuple(t["key"] for t in config["parcels"]["themes"]) if config["parcels"] else ()
    return BriefingMap(
        html=_render(config, page, bm, heading),
        n_parcels=len(prep.parcels_all),
        n_drawable=int(
            (~prep.parcels_all.geometry.is_empty & prep.parcels_all.geometry.notna()).sum()
        ),
        aggregated=prep.aggregated,
        redacted=prep.redacted,
        basemap=bm,
        themes=theme_keys,
        notes=tuple(config["panel"]["notes"]),
    )
