"""A county's part file: the province layers come out as pyogrio / pandas would have written them.

The worker converts a county's rows once (:func:`landgov.province.county.province_rows`, columns
at once) and writes them as Arrow (:func:`landgov.province.parts.write_part`); the driver appends
them with ``pyogrio.write_arrow``. Expectations are made independently: the value-by-value
conversion (``_text`` per cell, ``pd.array`` of objects) and ``pyogrio.write_dataframe(...,
promote_to_multi=True, use_arrow=True)`` of the same rows, compared table by table in SQLite.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import shutil
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from landgov.core.gpkg_writing import PAGE_SIZE
from landgov.province.county import _text, _texts, _typed
from landgov.province.outputs import ProvinceLayers
from landgov.province.parts import read_part, write_part
from tests._full_disk import rolled_back

_SQUARE = shapely.box(120.0, 30.0, 120.001, 30.001)
_TWO = shapely.MultiPolygon(
    [shapely.box(120.1, 30.0, 120.101, 30.001), shapely.box(120.2, 30.0, 120.201, 30.001)]
)


def _rows(status: list[str | None], geoms: list[shapely.Geometry]) -> gpd.GeoDataFrame:
    n = len(status)
    return gpd.GeoDataFrame(
        {
            "parcel_id": pd.array([f"P{i}" for i in range(n)], dtype="string"),
            "screening_status": pd.array(status, dtype="string"),
            "area_mu": np.arange(n, dtype="float64") + 0.5,
            "n_enterprises": pd.array([1, None, 3, 4][:n], dtype="Int64"),
            "low_efficiency": pd.array([True, False, None, True][:n], dtype="boolean"),
            "supply_date": pd.Series(
                [dt.date(2020, 1, 2), None, dt.date(2021, 3, 4), None][:n], dtype=object
            ),
            "never": pd.Series([None] * n, dtype=object),  # a column of no type
        },
        geometry=geoms,
        crs="EPSG:4490",
    )


def _sqlite(path: Path) -> dict[str, list[tuple]]:
    """Every table of a GeoPackage (rows as stored), without when it was written."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        out = {
            "schema": sorted(  # the layers' tables, indexes and triggers
                r
                for r in db.execute("SELECT name, sql FROM sqlite_master")
                if "parcels" in r[0] or "governance" in r[0]
            )
        }
        for name in names:
            cols = [r[1] for r in db.execute(f'PRAGMA table_info("{name}")')]
            keep = ", ".join(f'"{c}"' for c in cols if c not in {"last_change", "update_time"})
            out[name] = db.execute(f'SELECT {keep} FROM "{name}"').fetchall()
    return out


@pytest.mark.parametrize(
    "counties",
    [
        [(["治理", "不列入", None], [_SQUARE, _TWO, _SQUARE])],  # polygons and multipolygons
        [(["不列入", "待核实"], [_SQUARE, _SQUARE]), (["治理"], [_TWO])],  # no 治理 in the first
    ],
)
def test_layers_are_those_pyogrio_writes_from_the_frames(
    tmp_path: Path, counties: list[tuple[list[str | None], list[shapely.Geometry]]]
) -> None:
    layers = ProvinceLayers(tmp_path)
    expected = tmp_path / "expected.gpkg"
    started = {"parcels": False, "governance": False}
    for k, (status, geoms) in enumerate(counties):
        rows = _rows(status, geoms)
        write_part(rows, tmp_path / f"{k}.arrow")
        assert layers.append(tmp_path / f"{k}.arrow") == len(rows)
        governance = rows[rows["screening_status"] == "治理"]
        for layer, frame in (("parcels", rows), ("governance", governance)):
            if len(frame):
                pyogrio.write_dataframe(
                    frame, expected, layer=layer, driver="GPKG", append=started[layer],
                    promote_to_multi=True, use_arrow=True,
                )  # fmt: skip
                started[layer] = True
    layers.close()
    got = _sqlite(tmp_path / "province.gpkg")
    want = _sqlite(expected)
    for table in ("schema", "parcels", "governance", "rtree_parcels_geom", "gpkg_geometry_columns"):
        assert got[table] == want[table], table
    with contextlib.closing(sqlite3.connect(tmp_path / "province.gpkg")) as db:
        assert db.execute("PRAGMA page_size").fetchone() == (PAGE_SIZE,)
    assert layers.rows == {
        "parcels": sum(len(s) for s, _ in counties),
        "governance": sum(s.count("治理") for s, _ in counties),
    }
    back = gpd.read_parquet(tmp_path / "province.parquet")
    assert back["parcel_id"].tolist() == [f"P{i}" for s, _ in counties for i in range(len(s))]
    assert back.geometry.to_wkb().tolist() == [shapely.to_wkb(g) for _, gs in counties for g in gs]


def test_part_keeps_geometry_for_parquet_and_promotes_it_for_the_geopackage(tmp_path: Path) -> None:
    write_part(_rows(["治理", "不列入"], [_SQUARE, _TWO]), tmp_path / "p.arrow")
    part = read_part(tmp_path / "p.arrow")
    assert part.table["geometry"].to_pylist() == [shapely.to_wkb(_SQUARE), shapely.to_wkb(_TWO)]
    parcels, kind = part.layer("parcels")
    assert kind == "MultiPolygon"
    assert shapely.from_wkb(parcels["geometry"].to_pylist()[0]).geom_type == "MultiPolygon"
    governance, _ = part.layer("governance")
    assert governance["parcel_id"].to_pylist() == ["P0"]
    assert str(parcels.schema.field("never").type) == "string"  # no type → text, as pyogrio


_cells = st.one_of(
    st.none(), st.just(np.nan), st.just(pd.NA), st.text(max_size=3), st.integers(-5, 5),
    st.floats(allow_nan=False, width=32), st.booleans(), st.just(dt.date(2020, 1, 1)),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(_cells, max_size=8), st.sampled_from(["object", "str", "string"]))
def test_text_columns_at_once_are_the_values_one_by_one(cells: list, dtype: str) -> None:
    if dtype != "object":  # a text column: text and missing values only
        cells = [c if isinstance(c, str) else None for c in cells]
    raw = pd.Series(cells, dtype=dtype, index=np.arange(len(cells)) + 10)
    expected = pd.Series(np.asarray(raw, dtype=object)).map(_text).astype("string")
    pd.testing.assert_series_equal(_texts(raw, len(raw)), expected)


@pytest.mark.parametrize(
    ("values", "dtype", "kind"),
    [
        ([1.5, np.nan, -0.0], "float64", "float64"),
        ([1, 2, 3], "int64", "Int64"),
        ([1, None, 3], "Int64", "Int64"),
        ([True, False], "bool", "boolean"),
        ([True, None], "boolean", "boolean"),
        ([1.0, np.nan], "float64", "Int64"),  # another kind: value by value
        ([1, None], "object", "float64"),
    ],
)
def test_typed_columns_at_once_are_the_values_one_by_one(
    values: list, dtype: str, kind: str
) -> None:
    raw = pd.Series(values, dtype=dtype, index=[7, 8, 9][: len(values)])
    objects = pd.Series(np.asarray(raw, dtype=object))
    expected = pd.array(objects.where(objects.notna(), None), dtype=kind)
    got = _typed(raw, kind)
    assert got.dtype == expected.dtype
    pd.testing.assert_extension_array_equal(pd.array(got), pd.array(expected))


@pytest.mark.parametrize("first", ["no row", "no date"])
def test_a_first_county_without_dates_or_rows_does_not_stop_the_next(
    tmp_path: Path, first: str
) -> None:
    """The layers take their schema from the first county. A first county with no plot left
    (every row rejected) or without any 供地日期 gave the date and WKB columns no type, and the
    next county's dates could not be appended (pyarrow: cast from date32 to null)."""
    head = _rows([], []) if first == "no row" else _rows(["不列入"], [_SQUARE])
    head["supply_date"] = pd.Series([None] * len(head), dtype=object)
    layers = ProvinceLayers(tmp_path)
    write_part(head, tmp_path / "0.arrow")
    write_part(_rows(["治理", "不列入", None], [_SQUARE, _TWO, _SQUARE]), tmp_path / "1.arrow")
    assert layers.append(tmp_path / "0.arrow") == len(head)
    assert layers.append(tmp_path / "1.arrow") == 3
    layers.close()
    back = pd.read_parquet(tmp_path / "province.parquet", columns=["supply_date"])
    dates = [None] * len(head) + [dt.date(2020, 1, 2), None, dt.date(2021, 3, 4)]
    assert [None if pd.isna(d) else d for d in back["supply_date"]] == dates
    info = pyogrio.read_info(tmp_path / "province.gpkg", layer="parcels")
    assert info["features"] == 3 + len(head)


def test_a_county_that_fills_the_disk_is_a_full_disk_naming_the_province_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GDAL's Arrow append says only 「cannot rollback」 on a full disk (errors.write_failure)
    rows = _rows(["治理", "不列入"], [_SQUARE, _TWO])
    write_part(rows, tmp_path / "0.arrow")
    layers = ProvinceLayers(tmp_path)
    monkeypatch.setattr(pyogrio, "write_arrow", rolled_back)
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage._replace(free=4096))
    with pytest.raises(OSError) as full:
        layers.append(tmp_path / "0.arrow")
    assert full.value.errno == errno.ENOSPC
    assert full.value.filename == str(tmp_path / "province.gpkg")
