"""GeoPackages are written without SQLite's syncs to disk (landgov.core.unsynced), and the GDAL
option is given back as it was, whichever threads write."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from landgov.core.unsynced import OPTION, unsynced
from landgov.run import files


def _frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"parcel_id": ["330602005002GB00001"], "reason": ["面积 1.0 亩"]},
        geometry=[shapely.box(0, 0, 10, 10)],
        crs="EPSG:4528",
    )


@pytest.mark.parametrize("before", [None, "NORMAL"])
def test_a_layer_is_written_unsynced_and_the_option_given_back(
    before: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[object] = []
    write = pyogrio.write_dataframe

    def spy(*args: object, **kwargs: object) -> None:
        seen.append(pyogrio.get_gdal_config_option(OPTION))
        write(*args, **kwargs)

    monkeypatch.setattr(files.pyogrio, "write_dataframe", spy)
    pyogrio.set_gdal_config_options({OPTION: before})
    try:
        files.write_layer(_frame(), tmp_path / "a.gpkg", layer="parcels")
        assert seen == [False]  # pyogrio reads 「OFF」 as False
        assert pyogrio.get_gdal_config_option(OPTION) == before
    finally:
        pyogrio.set_gdal_config_options({OPTION: None})
    # the layer is whole: read back with its row and its aliases
    assert pyogrio.read_dataframe(tmp_path / "a.gpkg", layer="parcels")["reason"].tolist() == [
        "面积 1.0 亩"
    ]
    with sqlite3.connect(tmp_path / "a.gpkg") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM gpkg_data_columns").fetchone()[0] >= 1


def test_the_option_is_given_back_when_the_last_of_several_threads_leaves() -> None:
    inside, leave = threading.Barrier(3), threading.Event()
    seen: list[object] = []

    def hold() -> None:
        with unsynced():
            inside.wait()
            leave.wait()
            seen.append(pyogrio.get_gdal_config_option(OPTION))

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    with unsynced():
        pass  # a third user leaves first: the others still write unsynced
    assert pyogrio.get_gdal_config_option(OPTION) is False
    leave.set()
    for t in threads:
        t.join()
    assert seen == [False, False]
    assert pyogrio.get_gdal_config_option(OPTION) is None


def test_a_failed_write_gives_the_option_back(tmp_path: Path) -> None:
    with pytest.raises(ZeroDivisionError), unsynced():
        1 / 0  # noqa: B018
    assert pyogrio.get_gdal_config_option(OPTION) is None
