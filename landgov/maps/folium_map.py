"""landgov's layers as a :class:`folium.Map`, for notebook users who add their own layers.

>>> from landgov.maps import folium_map
>>> m = folium_map("out/demo")                          # doctest: +SKIP
>>> folium.Marker([30.0, 120.58], tooltip="现场核查点").add_to(m)   # doctest: +SKIP
>>> m.save("maps/mine.html")                             # doctest: +SKIP

The parcels carry the same themes, legend, popups (地企档案) and redaction as the briefing map
(:mod:`landgov.maps._themes`, :mod:`landgov.maps._popup`, :mod:`landgov.maps._prepare`); each
theme is a base layer, the 镇街 boundaries, 连片地块 and 批而未供 are overlays. What landgov
puts in the page works offline: folium's CDN links (Leaflet, jQuery, Bootstrap, Font Awesome)
are replaced by Leaflet and jQuery from the XStatic packages, inlined as ``data:`` URIs, and no
basemap is requested unless one is asked for. A layer the user adds from a folium plugin may
bring its own CDN link; that is the user's choice.

Popup values pass through :func:`html.escape` first: folium's ``GeoJsonPopup`` writes them into
the page as HTML, so a name such as ``<img src=x onerror=…>`` would otherwise run.

The single-file briefing page (:mod:`landgov.maps.interactive`) stays on its own encoding: the
same parcels as folium GeoJSON make a page several times larger and slower to draw (figures in
``docs/design.md``; ``benchmarks/bench_maps.py`` measures ``explore()``, which is folium).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from landgov.errors import InputError
from landgov.maps import _assets
from landgov.maps._basemaps import Basemap, Datum, resolve_basemap
from landgov.maps._encode import display_values, to_lonlat
from landgov.maps._popup import (
    APPROVED_SECTIONS,
    BLOCK_SECTIONS,
    PARCEL_SECTIONS,
    Field,
    shown_sections,
    township_fields,
)
from landgov.maps._prepare import prepare
from landgov.maps._run import RunData, load_run
from landgov.maps._themes import Theme, run_themes
from landgov.maps.style import DEFAULT_STYLE, THEMES, MapStyle

__all__ = ["folium_map"]

Sections = tuple[tuple[str, tuple[Field, ...]], ...]


def _offline(m: folium.Map) -> None:
    """Swap folium's CDN links for Leaflet and jQuery inlined as data: URIs."""
    jquery = Path(_assets_jquery()).read_bytes()
    m.default_js = [
        ("leaflet", _assets.data_uri(_assets.leaflet_js().encode("utf-8"), "text/javascript")),
        ("jquery", _assets.data_uri(jquery, "text/javascript")),
    ]
    m.default_css = [("leaflet_css", _assets.data_uri(_assets.leaflet_css().encode(), "text/css"))]


def _assets_jquery() -> str:
    import xstatic.pkg.jquery as _jq

    base = Path(_jq.BASE_DIR)
    found = sorted(base.glob("jquery*.min.js")) or sorted(base.glob("jquery*.js"))
    return str(found[0])


def _texts(field: Field, column: pd.Series, against: pd.Series | None = None) -> list[str | None]:
    """The popup's texts of one field, escaped: the values every map of the run shows
    (:func:`~landgov.maps._encode.display_values`: a missing value, 「—」 or 「无」 included, is
    no line; a yes/no field reads 是/否), numbers grouped by thousands with their unit; a
    figure shown beside its threshold with the decimals that tell them apart
    (``against``, the column of :attr:`Field.against`)."""
    kind, digits = field.encoding()[:2]
    out: list[str | None] = []
    for value in display_values(column, kind, digits, against=against):
        if value is None:
            out.append(None)
        elif kind == "num":
            digits = field.shown_digits
            text = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"
            out.append(html.escape(f"{text} {field.unit}".strip()))
        else:
            out.append(html.escape(str(value)).replace("\n", "<br>"))
    return out


def _marked(texts: list[str | None], marks: pd.Series | None) -> list[str | None]:
    """``texts`` with the field's mark (「（按高度估算）」) after each value that has one."""
    if marks is None:
        return texts
    words = display_values(marks, "text", 0)
    return [
        t if t is None or not m else t + html.escape(str(m))
        for t, m in zip(texts, words, strict=True)
    ]


def _popup_frame(
    frame: gpd.GeoDataFrame, sections: Sections, gcj02: bool
) -> tuple[gpd.GeoDataFrame, list[str], list[str]]:
    """Lon/lat frame whose columns are the popup's texts, escaped; plus fields and labels."""
    fields: list[Field] = []
    seen: set[str] = set()
    for _, group in sections:
        for f in group:
            if f.key in frame.columns and f.key not in seen:
                seen.add(f.key)
                fields.append(f)
    data = {
        f.key: _marked(_texts(f, frame[f.key], frame.get(f.against)), frame.get(f.mark))
        for f in fields
    }
    geoms = frame.geometry.to_numpy()
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    lonlat = shapely.transform(geoms[keep], lambda xy: to_lonlat(xy, frame.crs, gcj02=gcj02))
    table = pd.DataFrame(data, index=range(len(frame))).iloc[np.flatnonzero(keep)]
    out = gpd.GeoDataFrame(table.reset_index(drop=True), geometry=list(lonlat), crs=4326)
    return out, [f.key for f in fields], [html.escape(f.label) for f in fields]


def _legend(theme: Theme) -> str:
    rows = "".join(
        f'<div><span style="display:inline-block;width:12px;height:10px;background:{i.color};'
        f'border:1px solid #888;margin-right:4px"></span>{html.escape(i.label)}'
        f'<span style="color:#666"> {i.count:,} 宗</span></div>'
        for i in theme.legend
    )
    return f"<b>{html.escape(theme.legend_title)}</b>{rows}"


def _legend_element(themes: Mapping[str, Theme], default: str) -> folium.Element:
    boxes = "".join(
        f'<div class="lg-fl-legend" data-theme="{html.escape(k)}"'
        f"{'' if k == default else ' hidden'}>{_legend(t)}</div>"
        for k, t in themes.items()
    )
    return folium.Element(
        '<div style="position:fixed;bottom:24px;left:10px;z-index:9999;background:#fff;'
        'padding:6px 8px;font:12px sans-serif;border-radius:4px;box-shadow:0 1px 4px #0005">'
        f"{boxes}</div>"
    )


class _LegendSwitch(MacroElement):
    """Show the legend of the theme chosen in the layer control (rendered after the map)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
          var names = {{ this.names }};
          {{ this.map }}.on('baselayerchange', function (e) {
            for (var n in names) if (e.layer === window[n]) {
              document.querySelectorAll('.lg-fl-legend').forEach(function (d) {
                d.hidden = d.getAttribute('data-theme') !== names[n];
              });
            }
          });
        })();
        {% endmacro %}"""
    )

    def __init__(self, map_name: str, names: Mapping[str, str]) -> None:
        super().__init__()
        self.map = map_name
        self.names = _js_object(names)


def _js_object(mapping: Mapping[str, str]) -> str:
    import json

    return json.dumps(mapping, ensure_ascii=True).replace("<", "\\u003c")


def _overlay(
    frame: gpd.GeoDataFrame | None,
    sections: Sections,
    *,
    name: str,
    color: str,
    dash: str | None,
    fill: float,
    gcj02: bool,
) -> folium.GeoJson | None:
    if frame is None or not len(frame) or frame.geometry.name not in frame:
        return None
    data, fields, labels = _popup_frame(frame, sections, gcj02)
    if not len(data):
        return None
    look = {"color": color, "weight": 2, "fillOpacity": fill, "dashArray": dash}
    return folium.GeoJson(
        data,
        name=name,
        style_function=lambda _f: look,
        popup=folium.GeoJsonPopup(fields=fields, aliases=labels, labels=True) if fields else None,
    )


def folium_map(
    run: RunData | str | Path,
    *,
    basemap: Basemap | str = "none",
    style: MapStyle = DEFAULT_STYLE,
    redact: bool = False,
    theme: str = "path",
) -> folium.Map:
    """A :class:`folium.Map` with the run's parcels (one base layer per theme) and boundaries.

    Parameters
    ----------
    run
        A run directory or its :class:`~landgov.maps.RunData`.
    basemap
        As for :func:`landgov.maps.build_map` (``none``: no tile request at all).
    style, redact, theme
        As for :func:`landgov.maps.build_map`.

    Returns
    -------
    folium.Map
        Add your own layers, then ``save()`` it or show it in the notebook.

    Raises
    ------
    InputError
        Unknown theme, or more parcels than ``style.max_parcels`` (use the tiled map then).
    """
    if theme not in THEMES:
        raise InputError(f"未知专题 {theme!r}：可选 {'、'.join(THEMES)}")
    data = run if isinstance(run, RunData) else load_run(run)
    if len(data.parcels) > style.max_parcels:
        raise InputError(
            f"地块 {len(data.parcels):,} 宗，超过 folium 地图上限 {style.max_parcels:,} 宗："
            "请用 landgov.maps.tiles.build_tiles（landgov map --tiles）生成瓦片地图"
        )
    bm = basemap if isinstance(basemap, Basemap) else resolve_basemap(basemap)
    gcj02 = bm.datum is Datum.GCJ02
    prep = prepare(data, style=style, redact=redact)
    parcels = prep.parcels_all.reset_index(drop=True)
    themes = run_themes(parcels, style, prep.manifest, with_tax=not redact)
    default = theme if theme in themes else next(iter(themes))
    sections = shown_sections(PARCEL_SECTIONS, redacted=redact)
    table, fields, labels = _popup_frame(parcels, sections, gcj02)
    geoms = parcels.geometry.to_numpy()
    keep = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    west, south, east, north = table.total_bounds
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=True)
    _offline(m)
    if not bm.offline:
        for url in bm.urls:
            folium.TileLayer(
                tiles=url,
                attr=bm.attribution or bm.label,
                name=bm.label,
                subdomains=bm.subdomains or "abc",
                max_zoom=bm.max_zoom,
                overlay=True,
                control=False,
            ).add_to(m)
    groups: dict[str, Any] = {}
    for key, th in themes.items():
        colors = np.asarray(th.colors(), dtype=object)[keep]
        layer = table.assign(_fill=colors)
        group = folium.FeatureGroup(name=th.label, overlay=False, show=key == default)
        folium.GeoJson(
            layer,
            style_function=lambda f: {
                "fillColor": f["properties"]["_fill"],
                "color": style.outline_color,
                "weight": 0.5,
                "fillOpacity": style.fill_opacity,
            },
            popup=folium.GeoJsonPopup(fields=fields, aliases=labels, labels=True),
        ).add_to(group)
        group.add_to(m)
        groups[key] = group
    for layer in (
        _overlay(
            prep.townships,
            (("镇街汇总", township_fields(prep.townships)),) if prep.townships is not None else (),
            name="镇街边界及汇总",
            color=style.township_color,
            dash="6 4",
            fill=0.04,
            gcj02=gcj02,
        ),
        _overlay(
            prep.blocks,
            shown_sections(BLOCK_SECTIONS, redacted=redact),
            name="连片地块",
            color=style.block_color,
            dash=None,
            fill=0.0,
            gcj02=gcj02,
        ),
        _overlay(
            prep.approved,
            APPROVED_SECTIONS,
            name="批而未供",
            color=style.approved_color,
            dash="2 3",
            fill=0.25,
            gcj02=gcj02,
        ),
    ):
        if layer is not None:
            layer.add_to(m)
    m.get_root().html.add_child(_legend_element(themes, default))
    _LegendSwitch(m.get_name(), {groups[k].get_name(): k for k in themes}).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    return m
