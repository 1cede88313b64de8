"""Layers of one GeoPackage copied into another at the SQLite level, without GDAL.

Writing a 50,000-plot layer through GDAL converts every value of every feature; a layer written
already into a GeoPackage of its own (by a child process, beside other work) is copied into the
run's GeoPackage here with SQL alone (``ATTACH`` and ``INSERT … SELECT``): its feature table and
rows (fids kept, and its ``sqlite_sequence``), its R-tree spatial index (the rows of the
source's index inserted into a new one) and the triggers that keep the index and the feature
count up to date, and its rows of the metadata tables: ``gpkg_contents``,
``gpkg_geometry_columns``, ``gpkg_ogr_contents``, ``gpkg_extensions``, the spatial reference
system when the target lacks it, the field aliases of ``gpkg_data_columns`` and the QGIS styles
of ``layer_styles`` (:mod:`landgov.reports.gis`; new ids, after the target's, in the source's
order). GDAL reads the copied layers as it reads them in the source.

Only GeoPackages as GDAL and :func:`landgov.run.files.write_layer` write them are copied: a
source holding anything else (another table, index or extension, tiles, constraints), a target
of another GeoPackage version or with other metadata columns, a layer or index name the target
has already, a spatial reference system that differs under the same id, or any SQLite error
raise :class:`CopyUnsupportedError` and leave the target as it was (one transaction); the
caller then writes the layers from their frames.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from landgov.core.gpkg_writing import PRAGMA

__all__ = ["CopyUnsupportedError", "copy_layers"]


class CopyUnsupportedError(Exception):
    """The layers cannot be copied at the SQLite level; write them through GDAL."""


#: Metadata tables of a GeoPackage (GDAL's and landgov's, :mod:`landgov.reports.gis`).
_META = (
    "gpkg_spatial_ref_sys", "gpkg_contents", "gpkg_ogr_contents", "gpkg_geometry_columns",
    "gpkg_tile_matrix_set", "gpkg_tile_matrix", "gpkg_extensions", "gpkg_data_columns",
    "gpkg_data_column_constraints", "layer_styles", "sqlite_sequence",
)  # fmt: skip
#: Metadata tables created in the target from the source's definition when it lacks them
#: (landgov writes them with the first layer it describes).
_OWN = ("gpkg_data_columns", "gpkg_data_column_constraints", "layer_styles")
#: Metadata tables that must be empty in the source (nothing of theirs is copied).
_EMPTY = ("gpkg_tile_matrix_set", "gpkg_tile_matrix", "gpkg_data_column_constraints")
_RTREE = "gpkg_rtree_index"
_SCHEMA = "gpkg_schema"


def _q(name: str) -> str:
    """``name`` as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _objects(db: sqlite3.Connection, schema: str) -> list[tuple[str, str, str, str | None]]:
    """``(type, name, tbl_name, sql)`` of every schema object, in creation order."""
    return db.execute(
        f"SELECT type, name, tbl_name, sql FROM {schema}.sqlite_master ORDER BY rowid"
    ).fetchall()


def _columns(db: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA {schema}.table_info({_q(table)})")]


def _pragma(db: sqlite3.Connection, schema: str, name: str) -> object:
    return db.execute(f"PRAGMA {schema}.{name}").fetchone()[0]


class _Plan:
    """What to copy of each layer, read from the source and checked against the target."""

    def __init__(self, db: sqlite3.Connection, layers: Sequence[str]) -> None:
        self.layers = list(layers)
        src = _objects(db, "part")
        names = {name for _, name, _, _ in src}
        missing = [layer for layer in self.layers if layer not in names]
        if missing:
            raise CopyUnsupportedError(f"source lacks {missing}")
        rtrees = db.execute(
            "SELECT table_name, column_name FROM part.gpkg_extensions WHERE extension_name = ?",
            (_RTREE,),
        ).fetchall()
        self.rtree = {t: f"rtree_{t}_{c}" for t, c in rtrees}
        if not set(self.rtree) <= set(self.layers):
            raise CopyUnsupportedError("an index of another table")
        shadows = {f"{r}{s}" for r in self.rtree.values() for s in ("_rowid", "_node", "_parent")}
        self.sql: dict[str, str] = {}  # feature tables and R-trees: their CREATE statements
        self.later: list[tuple[str, str]] = []  # (name, sql): indexes and triggers, in order
        for kind, name, table, sql in src:
            if name in _META or (kind == "index" and sql is None and table in _META):
                continue  # the metadata tables and their automatic indexes
            if kind == "trigger" and table in {"gpkg_tile_matrix"}:
                continue  # GDAL's checks of the (empty) tile tables
            if name in shadows or (kind == "index" and sql is None and table in self.layers):
                continue  # created with their R-tree or table
            if kind == "table" and sql and (name in self.layers or name in self.rtree.values()):
                self.sql[name] = sql
            elif kind in {"index", "trigger"} and table in self.layers and sql:
                self.later.append((name, sql))
            else:
                raise CopyUnsupportedError(f"source holds {kind} {name}")
        if set(self.rtree.values()) - set(self.sql):
            raise CopyUnsupportedError("an R-tree extension without its table")
        self._check_rows(db)
        self._check_target(db, names)

    def _check_rows(self, db: sqlite3.Connection) -> None:
        """The source's metadata rows are of the layers (or of landgov's own tables) only."""
        for table in _EMPTY:
            if (
                db.execute("SELECT 1 FROM part.sqlite_master WHERE name = ?", (table,)).fetchone()
                and db.execute(f"SELECT 1 FROM part.{table}").fetchone()
            ):
                raise CopyUnsupportedError(f"source has rows in {table}")
        mine = set(self.layers)
        checks = {
            "gpkg_contents": ("table_name", mine | {"layer_styles"}),
            "gpkg_geometry_columns": ("table_name", mine),
            "gpkg_ogr_contents": ("table_name", mine),
            "gpkg_data_columns": ("table_name", mine),
            "layer_styles": ("f_table_name", mine),
            "sqlite_sequence": ("name", mine | {"layer_styles"}),
        }
        for table, (column, allowed) in checks.items():
            if not _has(db, "part", table):
                continue
            found = {r[0] for r in db.execute(f"SELECT DISTINCT {column} FROM part.{table}")}
            if not found <= allowed:
                raise CopyUnsupportedError(f"{table} of the source: {sorted(found - allowed)}")
        for table, _, extension in db.execute(
            "SELECT table_name, column_name, extension_name FROM part.gpkg_extensions"
        ):
            ours = extension == _RTREE and table in mine
            schema = extension == _SCHEMA and table in {
                "gpkg_data_columns",
                "gpkg_data_column_constraints",
            }
            if not (ours or schema):
                raise CopyUnsupportedError(f"extension {extension} of {table}")

    def _check_target(self, db: sqlite3.Connection, names: set[str]) -> None:
        """Same GeoPackage kind and metadata columns; none of the names copied taken."""
        for pragma in ("application_id", "user_version"):
            if _pragma(db, "main", pragma) != _pragma(db, "part", pragma):
                raise CopyUnsupportedError(f"{pragma} differs")
        for table in _META:
            if table == "sqlite_sequence" or not _has(db, "part", table):
                continue
            if not _has(db, "main", table):
                if table not in _OWN:
                    raise CopyUnsupportedError(f"target lacks {table}")
                continue
            if _columns(db, "main", table) != _columns(db, "part", table):
                raise CopyUnsupportedError(f"columns of {table} differ")
        created = set(self.sql) | {name for name, _ in self.later}
        created |= {f"{r}{s}" for r in self.rtree.values() for s in ("_rowid", "_node", "_parent")}
        taken = {name.lower() for _, name, _, _ in _objects(db, "main")}
        clash = sorted(name for name in created if name.lower() in taken)
        if clash:
            raise CopyUnsupportedError(f"target has {clash}")
        for table, column in (("gpkg_contents", "table_name"), ("layer_styles", "f_table_name")):
            if (
                _has(db, "main", table)
                and db.execute(
                    f"SELECT 1 FROM main.{table} WHERE lower({column}) IN "
                    f"({','.join('?' * len(self.layers))})",
                    [layer.lower() for layer in self.layers],
                ).fetchone()
            ):
                raise CopyUnsupportedError(f"{table} of the target names a layer copied")


def _has(db: sqlite3.Connection, schema: str, table: str) -> bool:
    return (
        db.execute(
            f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        is not None
    )


def _rows(db: sqlite3.Connection, table: str, where: str, args: Sequence[object]) -> None:
    """Insert into the target's ``table`` the source's rows ``where`` (in the source's order)."""
    cols = ", ".join(_q(c) for c in _columns(db, "part", table))
    db.execute(
        f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM part.{table} WHERE {where} "
        "ORDER BY rowid",
        list(args),
    )


def _srs(db: sqlite3.Connection, layers: Sequence[str]) -> None:
    """The spatial reference systems of the layers: the target's if the same, else added."""
    marks = ",".join("?" * len(layers))
    used = {
        r[0]
        for r in db.execute(
            f"SELECT srs_id FROM part.gpkg_contents WHERE table_name IN ({marks}) "
            f"AND srs_id IS NOT NULL UNION SELECT srs_id FROM part.gpkg_geometry_columns "
            f"WHERE table_name IN ({marks})",
            [*layers, *layers],
        )
    }
    for srs_id in sorted(used):
        theirs = db.execute("SELECT * FROM part.gpkg_spatial_ref_sys WHERE srs_id = ?", (srs_id,))
        mine = db.execute("SELECT * FROM main.gpkg_spatial_ref_sys WHERE srs_id = ?", (srs_id,))
        source, target = theirs.fetchone(), mine.fetchone()
        if source is None:
            raise CopyUnsupportedError(f"source lacks srs {srs_id}")
        if target is None:
            _rows(db, "gpkg_spatial_ref_sys", "srs_id = ?", [srs_id])
        elif tuple(target) != tuple(source):
            raise CopyUnsupportedError(f"srs {srs_id} differs")


def _rtree(db: sqlite3.Connection, name: str, sql: str) -> None:
    """The R-tree ``name`` as the source has it: created, then its node, rowid and parent
    tables copied as they are (as GDAL's bulk load writes them), then checked by SQLite's
    ``rtreecheck`` (a failure: :class:`CopyUnsupportedError`)."""
    db.execute(sql)
    db.execute(f"DELETE FROM main.{_q(name + '_node')}")  # the empty root of a new R-tree
    for suffix in ("_node", "_rowid", "_parent"):
        table = _q(name + suffix)
        db.execute(f"INSERT INTO main.{table} SELECT * FROM part.{table}")
    verdict = db.execute("SELECT rtreecheck('main', ?)", (name,)).fetchone()[0]
    if verdict != "ok":
        raise CopyUnsupportedError(f"R-tree {name}: {verdict}")


def _copy(db: sqlite3.Connection, plan: _Plan) -> None:
    layers = plan.layers
    marks = ",".join("?" * len(layers))
    for table in _OWN:
        if _has(db, "part", table) and not _has(db, "main", table):
            sql = db.execute(
                "SELECT sql FROM part.sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()[0]
            db.execute(sql)
    _srs(db, layers)
    for layer in layers:
        db.execute(plan.sql[layer])
        # no WHERE, no ORDER BY and no trigger yet: SQLite copies the records as they are
        db.execute(f"INSERT INTO main.{_q(layer)} SELECT * FROM part.{_q(layer)}")
        seq = db.execute("SELECT seq FROM part.sqlite_sequence WHERE name = ?", (layer,))
        row = seq.fetchone()
        if row is not None:  # AUTOINCREMENT: the next fid GDAL gives, as in the source
            db.execute("DELETE FROM main.sqlite_sequence WHERE name = ?", (layer,))
            db.execute("INSERT INTO main.sqlite_sequence VALUES (?, ?)", (layer, row[0]))
        if layer in plan.rtree:
            _rtree(db, plan.rtree[layer], plan.sql[plan.rtree[layer]])
    for _, sql in plan.later:  # indexes and triggers, after the rows (no trigger fires)
        db.execute(sql)
    for table in ("gpkg_contents", "gpkg_geometry_columns", "gpkg_ogr_contents"):
        if _has(db, "part", table):
            _rows(db, table, f"table_name IN ({marks})", layers)
    _rows(db, "gpkg_extensions", f"table_name IN ({marks})", layers)
    db.execute(  # the schema extension of landgov's field aliases, once
        "INSERT INTO main.gpkg_extensions SELECT * FROM part.gpkg_extensions AS p "
        "WHERE p.extension_name = ? AND NOT EXISTS (SELECT 1 FROM main.gpkg_extensions AS m "
        "WHERE m.table_name IS p.table_name AND m.column_name IS p.column_name "
        "AND m.extension_name = p.extension_name) ORDER BY p.rowid",
        (_SCHEMA,),
    )
    if _has(db, "part", "gpkg_data_columns"):
        _rows(db, "gpkg_data_columns", f"table_name IN ({marks})", layers)
    if _has(db, "part", "layer_styles"):
        cols = ", ".join(_q(c) for c in _columns(db, "part", "layer_styles") if c != "id")
        db.execute(  # new ids, after the target's
            f"INSERT INTO main.layer_styles ({cols}) SELECT {cols} FROM part.layer_styles "
            f"WHERE f_table_name IN ({marks}) ORDER BY id",
            layers,
        )
        once = "NOT EXISTS (SELECT 1 FROM main.gpkg_contents WHERE table_name = 'layer_styles')"
        _rows(db, "gpkg_contents", f"table_name = 'layer_styles' AND {once}", [])


def copy_layers(source: Path, target: Path, layers: Sequence[str]) -> None:
    """Copy ``layers`` of the GeoPackage ``source`` into the GeoPackage ``target``.

    Parameters
    ----------
    source
        A GeoPackage holding ``layers`` and nothing else (as :func:`write_layer` writes them).
    target
        An existing GeoPackage that has none of them.
    layers
        The layers (and attribute tables), in the order they are added.

    Raises
    ------
    CopyUnsupportedError
        The files are not ones this copies (see the module) or SQLite failed; ``target`` is
        left as it was.
    """
    if not target.is_file() or not source.is_file():
        raise CopyUnsupportedError("no such file")
    try:
        uri = f"{target.resolve().as_uri()}?mode=rw"  # URIs: the source is attached read-only
        with closing(sqlite3.connect(uri, uri=True, isolation_level=None)) as db:
            db.execute("ATTACH DATABASE ? AS part", (f"{source.resolve().as_uri()}?mode=ro",))
            # as the run folder's other files, the GeoPackage is not forced to disk (only the
            # manifest is): a run cut short by a power failure is not sealed
            db.execute(PRAGMA)
            db.execute("BEGIN IMMEDIATE")  # one writer: the plan is read under the lock
            try:
                _copy(db, _Plan(db, layers))
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
    except sqlite3.Error as exc:
        raise CopyUnsupportedError(str(exc)) from exc
