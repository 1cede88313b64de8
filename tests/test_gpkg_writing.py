"""GeoPackages are written without SQLite's syncs to disk and on 32 KiB pages
(landgov.core.gpkg_writing), and the GDAL options are given back as they were, whichever threads
write."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from landgov.core.gpkg_writing import OPTIONS, PAGE_SIZE, gpkg_writing
from landgov.run import files

OPTION = "OGR_SQLITE_SYNCHRONOUS"
PRAGMAS = "OGR_SQLITE_PRAGMA"


def _frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"parcel_id": ["330602005002GB00001"], "reason": ["面积 1.0 亩"]},
        geometry=[shapely.box(0, 0, 10, 10)],
        crs="EPSG:4528",
    )


def _page_size(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("PRAGMA page_size").fetchone()[0])


@pytest.mark.parametrize(
    ("before", "pragmas", "seen_pragmas", "page"),
    [
        (None, None, f"page_size={PAGE_SIZE}", PAGE_SIZE),
        ("NORMAL", None, f"page_size={PAGE_SIZE}", PAGE_SIZE),
        # a caller's own pragmas are kept, ours added; their page size wins over ours
        (None, "cache_size=-4000", f"page_size={PAGE_SIZE},cache_size=-4000", PAGE_SIZE),
        (None, "journal_mode=WAL", f"page_size={PAGE_SIZE},journal_mode=WAL", PAGE_SIZE),
        (None, "page_size=8192", "page_size=8192", 8192),
    ],
)
def test_a_layer_is_written_unsynced_on_big_pages_and_the_options_given_back(
    before: str | None,
    pragmas: str | None,
    seen_pragmas: str,
    page: int,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    seen: list[tuple[object, object]] = []
    write = pyogrio.write_dataframe

    def spy(*args: object, **kwargs: object) -> None:
        seen.append(
            (pyogrio.get_gdal_config_option(OPTION), pyogrio.get_gdal_config_option(PRAGMAS))
        )
        write(*args, **kwargs)

    monkeypatch.setattr(files.pyogrio, "write_dataframe", spy)
    pyogrio.set_gdal_config_options({OPTION: before, PRAGMAS: pragmas})
    try:
        files.write_layer(_frame(), tmp_path / "a.gpkg", layer="parcels")
        assert seen == [(False, seen_pragmas)]  # pyogrio reads 「OFF」 as False
        assert pyogrio.get_gdal_config_option(OPTION) == before
        assert pyogrio.get_gdal_config_option(PRAGMAS) == pragmas
    finally:
        pyogrio.set_gdal_config_options({OPTION: None, PRAGMAS: None})
    # the layer is whole: read back with its row and its aliases
    assert pyogrio.read_dataframe(tmp_path / "a.gpkg", layer="parcels")["reason"].tolist() == [
        "面积 1.0 亩"
    ]
    assert _page_size(tmp_path / "a.gpkg") == page
    assert [p.name for p in tmp_path.iterdir()] == ["a.gpkg"]  # no journal or WAL left beside
    with closing(sqlite3.connect(tmp_path / "a.gpkg")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM gpkg_data_columns").fetchone()[0] >= 1


def test_a_layer_added_to_a_file_of_small_pages_keeps_them_and_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    pyogrio.write_dataframe(_frame(), path, layer="earlier", driver="GPKG")  # SQLite's 4 KiB
    assert _page_size(path) == 4096
    files.write_layer(_frame(), path, layer="parcels")
    assert _page_size(path) == 4096
    assert {"earlier", "parcels"} <= set(pyogrio.list_layers(path)[:, 0].tolist())
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_row_of_long_texts_is_stored_on_fewer_pages_than_on_small_ones(tmp_path: Path) -> None:
    """Why the pages are big: a row of 2-4 KB of text (a 底数清单's reasons) takes a 4 KiB page
    of its own, as two do not fit. 2,000 such rows take fewer bytes on big pages, and read back
    the same."""
    n = 2000
    reasons = [("不符合" * 400)[: 700 + k % 300] for k in range(n)]
    frame = gpd.GeoDataFrame(
        {"parcel_id": [f"P{k:04d}" for k in range(n)], "reason": reasons},
        geometry=[shapely.box(k, 0, k + 1, 1) for k in range(n)],
        crs="EPSG:4528",
    )
    small, big = tmp_path / "small.gpkg", tmp_path / "big.gpkg"
    pyogrio.write_dataframe(frame, small, layer="parcels", driver="GPKG")
    files.write_layer(frame, big, layer="parcels")
    assert (_page_size(small), _page_size(big)) == (4096, PAGE_SIZE)
    assert big.stat().st_size < small.stat().st_size
    back = pyogrio.read_dataframe(big, layer="parcels")
    assert back["reason"].tolist() == reasons
    assert back.geometry.equals(pyogrio.read_dataframe(small, layer="parcels").geometry)


def test_the_option_is_given_back_when_the_last_of_several_threads_leaves() -> None:
    inside, leave = threading.Barrier(3), threading.Event()
    seen: list[object] = []

    def hold() -> None:
        with gpkg_writing():
            inside.wait()
            leave.wait()
            seen.append(pyogrio.get_gdal_config_option(OPTION))

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    with gpkg_writing():
        pass  # a third user leaves first: the others still write unsynced
    assert pyogrio.get_gdal_config_option(OPTION) is False
    assert pyogrio.get_gdal_config_option(PRAGMAS) == OPTIONS[PRAGMAS]
    leave.set()
    for t in threads:
        t.join()
    assert seen == [False, False]
    assert pyogrio.get_gdal_config_option(OPTION) is None
    assert pyogrio.get_gdal_config_option(PRAGMAS) is None


def test_a_failed_write_gives_the_option_back(tmp_path: Path) -> None:
    with pytest.raises(ZeroDivisionError), gpkg_writing():
        1 / 0  # noqa: B018
    assert pyogrio.get_gdal_config_option(OPTION) is None
    assert pyogrio.get_gdal_config_option(PRAGMAS) is None
