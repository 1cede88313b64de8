"""Every column landgov writes has a Chinese label: each field of each GeoPackage layer an alias,
each header of each workbook sheet Chinese text (issue 14 items 3 and 8).

A small generated district (模拟数据) is screened and checked for 增容 (with ``--by-township``
folders), and a small generated province is screened; every layer and sheet they write is walked.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely.geometry import box

from landgov.core.columns import COLUMNS
from landgov.far.zengrong import CONDITION_LABELS
from landgov.province import generate_province, run_province
from landgov.reports.packet import PACKET_COLUMNS
from landgov.run.far import run_far
from landgov.run.files import RunInputs, write_layer
from landgov.run.screening import run_screening
from landgov.sample import generate

_CJK = re.compile(r"[\u4e00-\u9fff]")
_GEOMETRY = {"fid", "geom", "geometry"}
_UNITS = {"_m2": "m2", "_mu": "亩", "_wan": "万元"}
_OPTIONAL = {
    "links": "links.xlsx", "compliance": "compliance.xlsx", "planning": "planning.shp",
    "demolition": "demolition.shp", "townships": "townships.shp",
    "applications": "applications.xlsx", "buildings": "buildings.gpkg",
}  # fmt: skip


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    data = tmp_path_factory.mktemp("sample")
    generate(data, n_parcels=160, seed=7)
    out = tmp_path_factory.mktemp("run") / "out"
    inputs = RunInputs(
        parcels=data / "parcels.shp",
        enterprises=data / "enterprises.xlsx",
        **{k: data / v for k, v in _OPTIONAL.items() if (data / v).exists()},
    )
    kw = {"profile": "yuecheng-2022", "as_of": "2026-06-30", "out_dir": out}
    run_screening(inputs, progress=False, by_township=True, **kw)
    run_far(inputs, by_township=True, forms="none", **kw)
    root = tmp_path_factory.mktemp("province")
    generate_province(root / "in", n_parcels=100, counties=["330824"], seed=7)
    run_province(root / "in", out_dir=root / "out", as_of="2026-06-30", engine="local")
    return [out, root / "out"]


def _layers(path: Path) -> Iterator[tuple[str, list[str], dict[str, str]]]:
    """``(layer, columns, {column: alias})`` of every layer and table of a GeoPackage."""
    with closing(sqlite3.connect(path)) as db:
        tables = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")]
        has_aliases = db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'gpkg_data_columns'"
        ).fetchone()
        for table in tables:
            if table == "layer_styles":
                continue
            cols = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
            aliases = (
                dict(
                    db.execute(
                        "SELECT column_name, title FROM gpkg_data_columns WHERE table_name = ?",
                        (table,),
                    ).fetchall()
                )
                if has_aliases
                else {}
            )
            yield table, [c for c in cols if c not in _GEOMETRY], aliases


def unlabelled_fields(path: Path) -> list[str]:
    """``layer.column`` of every field without a Chinese alias or without a registry label."""
    bad = []
    for layer, cols, aliases in _layers(path):
        for col in cols:
            alias, registered = aliases.get(col) or "", COLUMNS.get(col)
            if not _CJK.search(alias) or col in alias or registered is None:
                bad.append(f"{layer}.{col}")
    return bad


def english_headers(path: Path) -> list[str]:
    """``sheet: header`` of every header cell (row 1) without Chinese text."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        bad = []
        for ws in wb:
            heads = next(ws.iter_rows(max_row=1, values_only=True), ())
            bad += [f"{ws.title}: {h}" for h in heads if h is not None and not _CJK.search(str(h))]
        return bad
    finally:
        wb.close()


def test_outputs_hold_the_far_and_province_layers(outputs: list[Path]) -> None:
    layers = {
        (gpkg.name, layer) for out in outputs for gpkg in out.rglob("*.gpkg")
        for layer, _, _ in _layers(gpkg)
    }  # fmt: skip
    expected = {
        ("landgov.gpkg", "parcels"), ("landgov.gpkg", "governance"),
        ("landgov.gpkg", "enterprises"), ("landgov.gpkg", "blocks"),
        ("landgov.gpkg", "far"), ("landgov.gpkg", "far_applications"),
        ("province.gpkg", "parcels"), ("province.gpkg", "governance"),
    }  # fmt: skip
    assert expected <= layers
    books = {p.name for out in outputs for p in out.rglob("*.xlsx")}
    assert {"landgov.xlsx", "province.xlsx"} <= books


def test_every_layer_field_has_a_chinese_alias(outputs: list[Path]) -> None:
    bad = {str(gpkg): unlabelled_fields(gpkg) for out in outputs for gpkg in out.rglob("*.gpkg")}
    assert not any(bad.values()), bad


def test_every_sheet_header_is_chinese(outputs: list[Path]) -> None:
    bad = {str(book): english_headers(book) for out in outputs for book in out.rglob("*.xlsx")}
    assert not any(bad.values()), bad


def test_quantities_carry_their_unit(outputs: list[Path]) -> None:
    names = {
        col for out in outputs for gpkg in out.rglob("*.gpkg")
        for _, cols, _ in _layers(gpkg) for col in cols
    }  # fmt: skip
    for name in sorted(names):
        for suffix, unit in _UNITS.items():
            if name.endswith(suffix) and not name.startswith("score_"):  # points, no unit
                assert unit in COLUMNS[name].unit, COLUMNS[name]


def test_condition_labels_equal_the_far_stage() -> None:
    for name, text in CONDITION_LABELS.items():
        assert COLUMNS[name].label == text
        assert PACKET_COLUMNS[name] == text
        if name != "scope":  # scope_note: the screening's 范围说明 (the far layer has none)
            assert COLUMNS[f"{name}_note"].label == f"{text}说明"


def test_the_walk_sees_a_field_without_label(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"parcel_id": ["330602001001GB00001"], "new_measure": [1.0], "far_note": ["说明"]},
        geometry=[box(500_000, 3_300_000, 500_080, 3_300_080)],
        crs=4549,
    )
    path = tmp_path / "a.gpkg"
    write_layer(frame, path, layer="far")
    assert unlabelled_fields(path) == ["far.new_measure"]
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("DELETE FROM gpkg_data_columns WHERE column_name = 'far_note'")
    assert sorted(unlabelled_fields(path)) == ["far.far_note", "far.new_measure"]


def test_the_walk_sees_an_english_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(["宗地代码", "area_diff_ratio", None, 3])
    wb.save(tmp_path / "a.xlsx")
    assert english_headers(tmp_path / "a.xlsx") == ["表: area_diff_ratio", "表: 3"]
