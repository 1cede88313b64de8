"""The screening's GeoPackage and GeoParquet files are written beside its workbook.

In a forked child where one can be forked (the workbook holds the GIL), else in a thread; either
way every file is there when the run ends, and a failure of theirs reaches the user as the
writer's own message, with no run folder left half made.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pyogrio
import pytest

from landgov.core.forked import can_fork
from landgov.core.runfolder import UnwrittenOutputError
from landgov.errors import write_failure
from landgov.run import screening
from landgov.run.files import RunInputs
from landgov.run.screening import PARQUET_BLOCKS, PARQUET_PARCELS, run_screening
from landgov.sample import generate


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("beside") / "县"
    generate(root, n_parcels=100, seed=5)
    return root


def _run(county: Path, out: Path):
    inputs = RunInputs(
        parcels=county / "parcels.shp",
        enterprises=county / "enterprises.xlsx",
        links=county / "links.xlsx",
    )
    return run_screening(
        inputs, profile="yuecheng-2022", as_of="2026-06-30", out_dir=out, progress=False
    )


@pytest.fixture(params=["forked", "thread"])
def where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "thread":
        monkeypatch.setenv("LANDGOV_PROCESSES", "1")
    elif not can_fork():
        pytest.skip("no child can be forked here")
    return request.param


def test_every_file_is_written_and_by_whom(
    county: Path, tmp_path: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    writers = tmp_path / "writers"
    writers.mkdir()
    write = screening.write_layer

    def noted(frame, path, *, layer):  # a file per process that wrote a layer
        (writers / str(os.getpid())).touch()
        write(frame, path, layer=layer)

    monkeypatch.setattr(screening, "write_layer", noted)
    run = _run(county, tmp_path / "out")
    layers = {name for name, _ in pyogrio.list_layers(run.out_dir / "landgov.gpkg")}
    assert {"parcels", "governance", "blocks", "enterprises", "township_summary"} <= layers
    assert (run.out_dir / PARQUET_PARCELS).is_file() and (run.out_dir / PARQUET_BLOCKS).is_file()
    assert len(pyogrio.read_dataframe(run.out_dir / "landgov.gpkg", layer="parcels")) == len(
        run.parcels
    )
    pids = {p.name for p in writers.iterdir()}
    assert len(pids) == 1  # one process wrote every layer: this one only in the thread
    assert (str(os.getpid()) in pids) == (where == "thread")


def test_a_failed_layer_is_the_users_error_and_no_folder_is_left(
    county: Path, tmp_path: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = screening.write_layer

    def full(frame, path, *, layer):
        if layer == "governance":
            raise write_failure(path, OSError(errno.ENOSPC, "No space left on device", str(path)))
        write(frame, path, layer=layer)

    monkeypatch.setattr(screening, "write_layer", full)
    out = tmp_path / "out"
    with pytest.raises(UnwrittenOutputError) as caught:
        _run(county, out)
    said = str(caught.value)
    assert said.startswith("磁盘空间不足") and f"「{out / 'landgov.gpkg'}」" in said
    assert "未被改动" in said
    assert not out.exists()  # the run folder appears whole or not at all
    assert not [p for p in tmp_path.iterdir() if p.name != "out" and "out" in p.name]
