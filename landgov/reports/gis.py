"""GIS hand-off: a GeoPackage that opens in QGIS with Chinese field names and the map's colours.

:func:`describe_layer` adds, for one layer of a GeoPackage written by landgov:

- **field aliases** in ``gpkg_data_columns`` (the GeoPackage schema extension): ``title`` and
  ``name`` are the Chinese label of the column registry (:mod:`landgov.core.columns`),
  ``description`` adds the unit. GDAL (3.3+) reads ``title`` as the field's alternative name,
  which QGIS and ArcGIS Pro show as the alias.
- **QGIS styles** in ``layer_styles`` (the table QGIS itself writes with 「保存到数据源」): a
  categorized QML per theme of the briefing map (:mod:`landgov.maps._themes`), with the same
  colours (:data:`landgov.maps.style.DEFAULT_STYLE`): 四个一批 path (the default) and 筛查结论
  for the plot layers, 亩均评价等级 for plots with a grade, 增容 verdict for the ``far`` layers;
  outlines for 连片, 镇街 and 批而未供. QGIS applies the default style when the layer is added.

Files are created as GeoPackage 1.2 (:data:`GPKG_VERSION`, GDAL's ``VERSION`` creation option)
so that QGIS 3.10/3.16 and ArcGIS 10.x read them without the 1.4 warning.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from landgov.core.columns import COLUMNS, label, unit_text
from landgov.core.gpkg_writing import PRAGMA
from landgov.core.vocab import Grade, ScreeningStatus, TreatmentPath
from landgov.maps.style import DEFAULT_STYLE, MapStyle

__all__ = [
    "GPKG_VERSION",
    "LayerStyle",
    "describe_layer",
    "field_aliases",
    "layer_styles",
    "qml",
]

GPKG_VERSION = "1.2"
"""GeoPackage version of every file landgov writes (GDAL creation option ``VERSION``)."""

_SCHEMA_EXTENSION = "http://www.geopackage.org/spec120/#extension_schema"
_DATA_COLUMNS = """CREATE TABLE IF NOT EXISTS gpkg_data_columns (
    table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT,
    description TEXT, mime_type TEXT, constraint_name TEXT,
    CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
    CONSTRAINT gdc_tn UNIQUE (table_name, name))"""
_CONSTRAINTS = """CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (
    constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, value TEXT, min NUMERIC,
    min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT,
    CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))"""
_EXTENSIONS = """CREATE TABLE IF NOT EXISTS gpkg_extensions (
    table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
    scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"""
_LAYER_STYLES = """CREATE TABLE IF NOT EXISTS layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
    f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
    styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
    update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"""


@dataclass(frozen=True)
class LayerStyle:
    """One QGIS style: categories of ``expression`` (value, label, fill colour), or an outline.

    ``expression`` is a field name or a QGIS expression; ``fill`` ``None`` draws outlines only.
    """

    name: str
    expression: str | None
    categories: tuple[tuple[str, str, str], ...] = ()
    outline: str = DEFAULT_STYLE.outline_color
    outline_width: float = 0.2
    fill: str | None = None


def _path_style(style: MapStyle) -> LayerStyle:
    other = "'不列入治理清单'"
    expression = (
        "CASE WHEN coalesce(\"path\", '') <> '' THEN \"path\" "
        "WHEN \"screening_status\" = '治理' THEN '治理清单·路径待核实' "
        f"WHEN \"screening_status\" = '待核实' THEN '筛查待核实' ELSE {other} END"
    )
    cats = [(p.value, p.value, style.path_colors[p.value]) for p in TreatmentPath]
    cats += [
        ("治理清单·路径待核实", "治理清单·路径待核实", style.pending_color),
        ("筛查待核实", "筛查待核实", "#fff3b0"),
        ("不列入治理清单", "不列入治理清单", style.background_color),
    ]
    return LayerStyle(label("path"), expression, tuple(cats))


def _status_style(style: MapStyle) -> LayerStyle:
    colors = {
        ScreeningStatus.GOVERN: style.path_colors["拆除重建"],
        ScreeningStatus.UNKNOWN: style.pending_color,
        ScreeningStatus.EXCLUDED: style.background_color,
    }
    cats = tuple((s.value, f"筛查结论：{s.value}", colors[s]) for s in ScreeningStatus)
    return LayerStyle("筛查结论", '"screening_status"', cats)


def _grade_style(style: MapStyle) -> LayerStyle:
    cats = [(g.value, f"{g.value} 类（{g.label}）", style.grade_colors[g.value]) for g in Grade]
    cats.append(("", "未评价 / 无等级", style.no_data_color))
    return LayerStyle("亩均评价等级", "coalesce(\"grade\", '')", tuple(cats))


def _far_style(style: MapStyle) -> LayerStyle:
    cats = [(v, v, style.zengrong_colors[v]) for v in ("可申报", "不可申报", "待核实")]
    cats += [("待承诺", "待承诺", style.pending_color), ("", "未评估", style.background_color)]
    return LayerStyle("增容评估", "coalesce(\"zengrong\", '')", tuple(cats))


def layer_styles(
    layer: str, columns: Iterable[str], *, style: MapStyle = DEFAULT_STYLE
) -> list[LayerStyle]:
    """The QGIS styles of one landgov layer (the first is the default); ``[]`` when none."""
    names = set(columns)
    out: list[LayerStyle] = []
    if {"zengrong"} <= names:
        out.append(_far_style(style))
    if {"screening_status", "path"} <= names:
        out += [_path_style(style), _status_style(style)]
    if "grade" in names and layer != "enterprises":
        out.append(_grade_style(style))
    if not out and layer == "blocks":
        out.append(LayerStyle("连片地块", None, outline=style.block_color, outline_width=0.6))
    if not out and layer == "townships":
        out.append(LayerStyle("镇街边界", None, outline=style.township_color, outline_width=0.5))
    if not out and layer == "approved":
        out.append(LayerStyle("批而未供", None, outline=style.approved_color, outline_width=0.5))
    return out


def _rgba(color: str, alpha: int = 255) -> str:
    color = color.lstrip("#")
    r, g, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{alpha}"


def _symbol(name: str, fill: str | None, outline: str, width: float, opacity: float) -> str:
    brush = "solid" if fill is not None else "no"
    props = {
        "color": _rgba(fill or "#ffffff", 255 if fill else 0),
        "style": brush,
        "outline_color": _rgba(outline),
        "outline_style": "solid",
        "outline_width": f"{width}",
        "outline_width_unit": "MM",
        "joinstyle": "bevel",
    }
    options = "".join(
        f'<Option type="QString" name="{k}" value={quoteattr(v)}/>' for k, v in props.items()
    )
    old = "".join(f'<prop k="{k}" v={quoteattr(v)}/>' for k, v in props.items())
    return (
        f'<symbol type="fill" name="{name}" alpha="{opacity}" clip_to_extent="1" force_rhr="0">'
        f'<layer class="SimpleFill" enabled="1" pass="0" locked="0">'
        f'<Option type="Map">{options}</Option>{old}</layer></symbol>'
    )


def qml(layer_style: LayerStyle, *, opacity: float = DEFAULT_STYLE.fill_opacity) -> str:
    """The QGIS QML document of one style (categorized, or a single outline symbol)."""
    s = layer_style
    if s.expression is None:
        renderer = (
            '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">'
            f"<symbols>{_symbol('0', s.fill, s.outline, s.outline_width, 1.0)}</symbols>"
            "</renderer-v2>"
        )
    else:
        categories = "".join(
            f'<category render="true" symbol="{i}" value={quoteattr(value)} '
            f'label={quoteattr(label)} type="string"/>'
            for i, (value, label, _) in enumerate(s.categories)
        )
        symbols = "".join(
            _symbol(str(i), color, s.outline, s.outline_width, opacity)
            for i, (_, _, color) in enumerate(s.categories)
        )
        renderer = (
            f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(s.expression)} '
            'symbollevels="0" enableorderby="0" forceraster="0">'
            f"<categories>{categories}</categories><symbols>{symbols}</symbols>"
            "</renderer-v2>"
        )
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        f'<qgis version="3.16.0" styleCategories="Symbology">{renderer}'
        f"<layerGeometryType>2</layerGeometryType></qgis>\n"
    )


def field_aliases(columns: Iterable[str]) -> list[tuple[str, str, str]]:
    """``(column, Chinese label, description)`` of every column with a label, labels unique.

    The label is the column registry's; for a 增容 column not in the registry yet, the 增容审查
    sheet's header (:data:`landgov.reports.packet.PACKET_COLUMNS`).
    """
    from landgov.reports.packet import PACKET_COLUMNS

    out: list[tuple[str, str, str]] = []
    used: set[str] = set()
    for name in columns:
        col = COLUMNS.get(name)
        text = col.label if col is not None else PACKET_COLUMNS.get(name)
        if not text:
            continue
        title = text if text not in used else f"{text}（{name}）"
        used.add(title)
        unit = f"；单位：{unit_text(col.unit)}" if col is not None and col.unit else ""
        out.append((name, title, f"{text}{unit}"))
    return out


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def describe_layer(path: Path, layer: str, *, style: MapStyle = DEFAULT_STYLE) -> None:
    """Write the field aliases and QGIS styles of ``layer`` into the GeoPackage ``path``."""
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(PRAGMA)  # not forced to disk, as the layer itself (landgov.core.gpkg_writing)
        columns = _columns(db, layer)
        _write_aliases(db, layer, field_aliases(columns))
        geometry = db.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)
        ).fetchone()
        if geometry is not None:
            _write_styles(db, layer, geometry[0], layer_styles(layer, columns, style=style))


def _write_aliases(
    db: sqlite3.Connection, layer: str, rows: Sequence[tuple[str, str, str]]
) -> None:
    for ddl in (_DATA_COLUMNS, _CONSTRAINTS, _EXTENSIONS):
        db.execute(ddl)
    for table in ("gpkg_data_columns", "gpkg_data_column_constraints"):
        db.execute(  # NULL column_name: UNIQUE does not stop a second row
            "INSERT INTO gpkg_extensions SELECT ?, NULL, 'gpkg_schema', ?, 'read-write' "
            "WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions WHERE table_name = ? "
            "AND extension_name = 'gpkg_schema')",
            (table, _SCHEMA_EXTENSION, table),
        )
    db.execute("DELETE FROM gpkg_data_columns WHERE table_name = ?", (layer,))
    db.executemany(
        "INSERT INTO gpkg_data_columns (table_name, column_name, name, title, description) "
        "VALUES (?, ?, ?, ?, ?)",
        [(layer, name, title, title, text) for name, title, text in rows],
    )


def _write_styles(
    db: sqlite3.Connection, layer: str, geometry: str, styles: Sequence[LayerStyle]
) -> None:
    db.execute(_LAYER_STYLES)
    db.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, "
        "last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS 图层样式', "
        "strftime('%Y-%m-%dT%H:%M:%fZ','now'))"
    )
    db.execute("DELETE FROM layer_styles WHERE f_table_name = ?", (layer,))
    db.executemany(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
        "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner) "
        "VALUES ('', '', ?, ?, ?, ?, '', ?, ?, 'landgov')",
        [
            (layer, geometry, s.name, qml(s), int(i == 0), f"landgov 简报地图配色：{s.name}")
            for i, s in enumerate(styles)
        ],
    )
