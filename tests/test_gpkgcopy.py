"""Layers copied between GeoPackages at the SQLite level (reports._gpkgcopy): GDAL reads the copy
as it reads the layers written there directly; anything unusual is refused, target untouched."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import MultiPolygon, box

from landgov.reports._gpkgcopy import CopyUnsupportedError, copy_layers
from landgov.run.far import FarPart, FarRun, _layers_into
from landgov.run.files import write_layer

E0, N0 = 500_000.0, 3_300_000.0
LAYERS = ["far", "far_applications"]


def _parcels() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["330602001001GB00001", "330602001001GB00002"],
            "screening_status": ["治理", "不列入"],
            "path": ["拆除重建", None],
        },
        geometry=[box(E0, N0, E0 + 80, N0 + 80), box(E0 + 500, N0, E0 + 580, N0 + 80)],
        crs=4549,
    )


def _far() -> gpd.GeoDataFrame:
    shapes = [
        MultiPolygon([box(E0, N0, E0 + 80, N0 + 80)]),
        MultiPolygon([box(E0 + 500, N0, E0 + 580, N0 + 80), box(E0 + 600, N0, E0 + 650, N0 + 40)]),
        None,  # a plot without a shape: a row, no index entry
    ]
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["330602001001GB00001", "330602001001GB00002", "330602001001GB00003"],
            "far": [1.25, None, 0.8],
            "n_buildings": [2, 0, 1],
            "zengrong": ["可申报", "待核实", None],
            "zengrong_reason": ["符合：容积率 1.25 低于 2.0", "待核实：缺少房屋", "𬍡" * 300],
            "candidate": [True, False, True],
        },
        geometry=shapes,
        crs=4549,
    )


def _apps() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"application_id": ["SQ-1"], "parcel_id": ["330602001001GB00001"], "zengrong": ["可申报"]},
        geometry=[box(E0, N0, E0 + 80, N0 + 80)],
        crs=4549,
    )


def _write_far(path: Path) -> None:
    write_layer(_far(), path, layer="far")
    write_layer(_apps(), path, layer="far_applications")


def _screening(path: Path) -> Path:
    write_layer(_parcels(), path, layer="parcels")
    write_layer(pd.DataFrame({"uscc": ["91330602MA2BCDEF1X"]}), path, layer="enterprises")
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(part GeoPackage of far, screening GeoPackage, the reference: far written into it)."""
    part = tmp_path / "part" / "landgov.gpkg"
    part.parent.mkdir()
    _write_far(part)
    target = _screening(tmp_path / "landgov.gpkg")
    reference = tmp_path / "reference.gpkg"
    shutil.copy(target, reference)
    _write_far(reference)
    return part, target, reference


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_copy_reads_as_the_layers_written_there(files: tuple[Path, Path, Path]) -> None:
    part, target, reference = files
    copy_layers(part, target, LAYERS)
    assert sorted(map(tuple, pyogrio.list_layers(target))) == sorted(
        map(tuple, pyogrio.list_layers(reference))
    )
    for layer in ["parcels", "enterprises", *LAYERS]:
        got = pyogrio.read_dataframe(target, layer=layer)
        want = pyogrio.read_dataframe(reference, layer=layer)
        pd.testing.assert_frame_equal(got, want)
        assert getattr(got, "crs", None) == getattr(want, "crs", None)
    assert pyogrio.read_dataframe(target, layer="far").crs == "EPSG:4549"
    got = pyogrio.read_dataframe(target, layer="far", fid_as_index=True)
    assert list(got.index) == [1, 2, 3]
    assert got["zengrong_reason"].iloc[2] == "𬍡" * 300
    assert got.geometry.iloc[1].equals(_far().geometry.iloc[1])
    assert got.geometry.iloc[2] is None
    assert _rows(target, "PRAGMA integrity_check") == [("ok",)]


def test_the_schema_and_metadata_are_those_written_directly(
    files: tuple[Path, Path, Path],
) -> None:
    part, target, reference = files
    copy_layers(part, target, LAYERS)
    same = [
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
        "SELECT table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, "
        "srs_id FROM gpkg_contents ORDER BY table_name",
        "SELECT * FROM gpkg_geometry_columns ORDER BY table_name",
        "SELECT * FROM gpkg_ogr_contents ORDER BY table_name",
        "SELECT * FROM gpkg_extensions ORDER BY 1, 2, 3",
        "SELECT * FROM gpkg_spatial_ref_sys ORDER BY srs_id",
        "SELECT * FROM gpkg_data_columns ORDER BY 1, 2",
        "SELECT * FROM sqlite_sequence ORDER BY name",
        # the QGIS styles: same ids, texts and defaults (update_time: when written)
        "SELECT id, f_table_name, f_geometry_column, styleName, styleQML, useAsDefault, "
        "description, owner FROM layer_styles ORDER BY id",
        "SELECT * FROM rtree_far_geom ORDER BY id",
        "SELECT * FROM rtree_far_applications_geom ORDER BY id",
        "PRAGMA application_id",
        "PRAGMA user_version",
    ]
    for sql in same:
        assert _rows(target, sql) == _rows(reference, sql), sql
    styles = _rows(target, "SELECT f_table_name, styleName FROM layer_styles WHERE id > 1")
    assert ("far", "增容评估") in styles and ("far_applications", "增容评估") in styles


def test_the_spatial_index_gives_the_same_hits(files: tuple[Path, Path, Path]) -> None:
    part, target, _ = files
    copy_layers(part, target, LAYERS)
    hits = (
        "SELECT id FROM rtree_far_geom WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ? "
        "ORDER BY id"
    )
    for window, want in (((E0 + 550, E0 + 620, N0, N0 + 10), [2]), ((0, 1, 0, 1), [])):
        assert [r[0] for r in _rows(target, hits.replace("?", "{}").format(*window))] == want
    assert _rows(target, "SELECT rtreecheck('rtree_far_geom')") == [("ok",)]
    info = pyogrio.read_info(target, layer="far")
    assert info["capabilities"]["fast_spatial_filter"]  # GDAL finds and uses the index
    box_hits = pyogrio.read_dataframe(target, layer="far", bbox=(E0 + 550, N0, E0 + 620, N0 + 10))
    assert list(box_hits["parcel_id"]) == ["330602001001GB00002"]


def test_gdal_writes_into_the_copied_layer_again(files: tuple[Path, Path, Path]) -> None:
    part, target, _ = files
    copy_layers(part, target, LAYERS)
    write_layer(_far().iloc[:1], target, layer="far")  # a later run replaces the layer
    assert len(pyogrio.read_dataframe(target, layer="far")) == 1
    assert len(pyogrio.read_dataframe(target, layer="far_applications")) == 1
    assert _rows(target, "PRAGMA integrity_check") == [("ok",)]


def test_a_name_the_target_has_already_is_refused_and_the_target_kept(
    files: tuple[Path, Path, Path],
) -> None:
    part, _, reference = files
    before = _sha(reference)
    with pytest.raises(CopyUnsupportedError, match="far"):
        copy_layers(part, reference, LAYERS)
    assert _sha(reference) == before


def test_an_index_of_a_copied_layer_goes_with_it(files: tuple[Path, Path, Path]) -> None:
    part, target, _ = files
    with closing(sqlite3.connect(part)) as db, db:
        db.execute('CREATE INDEX far_by_id ON "far" (parcel_id)')
    copy_layers(part, target, LAYERS)
    assert ("far_by_id",) in _rows(target, "SELECT name FROM sqlite_master WHERE type = 'index'")
    assert _rows(target, "PRAGMA integrity_check") == [("ok",)]


def test_a_source_holding_more_than_the_layers_is_refused(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, target, _ = files
    before = _sha(target)
    other = tmp_path / "other.gpkg"
    _write_far(other)
    write_layer(_parcels(), other, layer="extra")
    with pytest.raises(CopyUnsupportedError, match="another table"):
        copy_layers(other, target, LAYERS)  # a layer not asked for
    assert _sha(target) == before


def test_another_crs_under_the_same_id_is_refused(files: tuple[Path, Path, Path]) -> None:
    part, target, _ = files
    with closing(sqlite3.connect(target)) as db, db:
        db.execute("UPDATE gpkg_spatial_ref_sys SET definition = 'x' WHERE srs_id = 4549")
    before = _sha(target)
    with pytest.raises(CopyUnsupportedError, match="srs 4549"):
        copy_layers(part, target, LAYERS)
    assert _sha(target) == before


def _part(folder: Path, layers: Path | None) -> FarPart:
    run = FarRun(_far(), _apps(), pd.DataFrame(), [], {})
    return FarPart(run, {}, {}, pd.DataFrame(), folder, layers=layers)


def test_far_layers_fall_back_to_the_frames_when_the_copy_is_refused(
    files: tuple[Path, Path, Path],
) -> None:
    part, _, reference = files
    with closing(sqlite3.connect(part)) as db, db:  # a layer the copy does not know
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    _layers_into(_part(part.parent, part), reference)  # far there already: replaced
    got = pyogrio.read_dataframe(reference, layer="far")
    assert list(got["parcel_id"]) == list(_far()["parcel_id"])
    assert _rows(reference, "SELECT count(*) FROM layer_styles WHERE f_table_name = 'far'") == [
        (1,)
    ]
    assert part.exists()  # left to the part folder, which goes with it


def test_far_layers_are_copied_or_moved_in(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    part, target, reference = files
    _layers_into(_part(part.parent, part), target)
    assert not part.exists()
    pd.testing.assert_frame_equal(
        pyogrio.read_dataframe(target, layer="far"), pyogrio.read_dataframe(reference, layer="far")
    )
    alone = tmp_path / "alone"
    alone.mkdir()
    _write_far(part)
    _layers_into(_part(part.parent, part), alone / "landgov.gpkg")  # no GeoPackage yet
    assert not part.exists()
    assert [r[0] for r in pyogrio.list_layers(alone / "landgov.gpkg")][:2] == LAYERS
