"""write_layer writes through GDAL's Arrow interface only when that gives the same layer.

A tiny frame with every column kind a run writes (text with blanks, Arrow text, nullable
integers and booleans, numbers with NaN and -0.0, dates as text, geometry with a blank) is written
by :func:`landgov.run.files.write_layer` and, row by row, by pyogrio itself: the table's SQL
and every stored value agree. An object column of numbers or yes/no keeps the row-by-row path
(Arrow would make it an INTEGER or BOOLEAN field where the row-by-row path writes TEXT, and it
refuses text mixed with numbers). :func:`~landgov.run.files.storable` makes an object column of
yes/no with blanks a nullable boolean before either path sees it: a BOOLEAN field.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from landgov.run.files import _arrow_writes_same, write_layer


def _frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "parcel_id": pd.Series(["A1", "A2", "A3"], dtype="str"),
            "holder": pd.Series(["甲公司", None, ""], dtype="str"),
            "reasons": pd.Series(["理由\n第二行", np.nan, None], dtype=object),
            "supply_date": pd.Series(["2020-01-02", None, "2021-03-04"], dtype=object),
            "blank": pd.Series([None, None, None], dtype=object),
            "idle_years": pd.Series([1, None, 3], dtype="Int64"),
            "low_efficiency": pd.Series([True, None, False], dtype="boolean"),
            "large": [True, False, True],
            "area_mu": [1.5, np.nan, -0.0],
            "n_enterprises": [1, 0, 2],
        },
        geometry=[shapely.box(0, 0, 1, 1), None, shapely.box(1, 1, 3, 2)],
        crs="EPSG:4490",
    )


def _table(path: Path, layer: str) -> tuple[object, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (layer,)).fetchone()
        return sql, db.execute(f'SELECT * FROM "{layer}"').fetchall()


def test_arrow_path_writes_the_same_layer(tmp_path: Path) -> None:
    frame = _frame()
    assert _arrow_writes_same(frame)
    write_layer(frame, tmp_path / "a.gpkg", layer="parcels")
    pyogrio.write_dataframe(
        frame, tmp_path / "b.gpkg", layer="parcels", driver="GPKG", use_arrow=False
    )
    assert _table(tmp_path / "a.gpkg", "parcels") == _table(tmp_path / "b.gpkg", "parcels")


@pytest.mark.parametrize("values", [[1, 2, None], [True, False, None], ["未提供", 2.5, None]])
def test_object_columns_of_other_values_go_row_by_row(values: list[object]) -> None:
    frame = pd.DataFrame(
        {"township": ["甲镇", "乙镇", "全区"], "target": pd.Series(values, dtype=object)}
    )
    assert not _arrow_writes_same(frame)


def test_object_yes_no_is_stored_as_a_boolean_field(tmp_path: Path) -> None:
    """An object column of True/False with blanks (far's inside_control_line) is a BOOLEAN field
    holding 1/0/NULL, as a nullable boolean column is, never the text 「True」/「False」."""
    frame = _frame()
    frame["inside_control_line"] = pd.Series([True, None, False], dtype=object)
    write_layer(frame, tmp_path / "a.gpkg", layer="far")
    as_boolean = frame.assign(inside_control_line=frame["inside_control_line"].astype("boolean"))
    write_layer(as_boolean, tmp_path / "b.gpkg", layer="far")
    assert _table(tmp_path / "a.gpkg", "far") == _table(tmp_path / "b.gpkg", "far")
    with sqlite3.connect(tmp_path / "a.gpkg") as db:
        kind = {row[1]: row[2] for row in db.execute('PRAGMA table_info("far")')}
        values = db.execute('SELECT inside_control_line FROM "far" ORDER BY fid').fetchall()
    assert kind["inside_control_line"] == "BOOLEAN"
    assert values == [(1,), (None,), (0,)]
