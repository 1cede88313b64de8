"""Reading a run's files on two processes gives what reading them one after another gives:
the same frames, problems and file evidence, and on a bad file the same 「错误：」 error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from landgov.core import forked
from landgov.core.problems import ReadResult
from landgov.run import files
from landgov.run.far import read_far_files
from landgov.run.files import RunInputs
from landgov.run.screening import _read_files
from tests._forks import needs_fork, record_forks

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _sample(folder: Path = SAMPLE) -> RunInputs:
    return RunInputs(
        parcels=folder / "parcels.shp",
        enterprises=folder / "enterprises.xlsx",
        links=folder / "links.xlsx",
        compliance=folder / "compliance.xlsx",
        planning=folder / "planning.shp",
        demolition=folder / "demolition.shp",
        townships=folder / "townships.shp",
        buildings=folder / "buildings.gpkg",
        height_raster=folder / "height.tif",
        special_zones=folder / "special_zones.shp",
        applications=folder / "applications.xlsx",
        approved=folder / "approved.shp",
    )


@pytest.fixture
def child_reads(monkeypatch):
    """Fork for any size of file, and record whether a child really read."""
    monkeypatch.setattr(files, "CHILD_MIN_BYTES", 0)
    return record_forks(monkeypatch, forked)


def _same(a: dict[str, ReadResult], b: dict[str, ReadResult]) -> None:
    assert list(a) == list(b)  # the order of a run: problems and the manifest follow it
    for role, got in a.items():
        for part in ("data", "rejected", "problems"):
            x, y = getattr(got, part), getattr(b[role], part)
            assert type(x) is type(y), (role, part)
            pd.testing.assert_frame_equal(x, y, check_exact=True, check_flags=True)
            assert x.attrs == y.attrs
            if hasattr(x, "crs"):
                assert x.crs == y.crs
        assert got.meta == b[role].meta, role  # encoding, fields, rows: the manifest's


@needs_fork
def test_the_one_runs_files_read_on_two_processes(child_reads, monkeypatch):
    inputs = _sample()
    reads, read = _read_files(inputs, None, for_far=True)
    assert child_reads == [True]
    assert list(read) == [
        "parcels", "enterprises", "links", "compliance", "planning", "demolition",
        "townships", "approved", "buildings", "special_zones", "applications",
    ]  # fmt: skip
    assert len(reads["enterprises"].data) > 0 and len(reads["links"].data) > 0
    monkeypatch.setenv(forked.ENV, "1")
    alone, read_alone = _read_files(inputs, None, for_far=True)
    assert child_reads == [True]  # in-process
    _same(reads, alone)
    _same(dict(read), dict(read_alone))


@needs_fork
def test_far_alone_reads_on_two_processes(child_reads, monkeypatch):
    inputs = _sample()
    both = read_far_files(inputs, None)
    assert child_reads == [True]
    monkeypatch.setenv(forked.ENV, "1")
    _same(both, read_far_files(inputs, None))


def test_small_tables_stay_in_process(monkeypatch):
    calls: list[object] = []
    monkeypatch.setattr(forked, "start", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(files, "CHILD_MIN_BYTES", 10**9)
    reads, _ = _read_files(_sample(), None, for_far=False)
    assert calls == [] and "enterprises" in reads


def _broken(tmp_path: Path, *roles: str) -> RunInputs:
    """The sample with the files of ``roles`` replaced by what their reader refuses."""
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder)
    bad = {
        "parcels": "parcels.shp",
        "enterprises": "enterprises.xlsx",
        "links": "links.xlsx",
        "compliance": "compliance.xlsx",
        "buildings": "buildings.gpkg",
    }
    for role in roles:
        (folder / bad[role]).write_bytes(b"garbage")
    return _sample(folder)


@needs_fork
@pytest.mark.parametrize(
    ("broken", "named"),
    [
        (("enterprises", "compliance"), "enterprises.xlsx"),  # the child's, read first in a run
        (("parcels", "links"), "parcels.shp"),  # this process's, read first
        (("compliance",), "compliance.xlsx"),  # this process's, after the child's
        (("links", "buildings"), "links.xlsx"),
    ],
)
def test_the_first_bad_file_in_the_runs_order_is_the_error(
    tmp_path, child_reads, monkeypatch, broken, named
):
    inputs = _broken(tmp_path, *broken)
    with pytest.raises(Exception) as two:
        _read_files(inputs, None, for_far=True)
    assert child_reads == [True]
    monkeypatch.setenv(forked.ENV, "1")
    with pytest.raises(Exception) as one:
        _read_files(inputs, None, for_far=True)
    assert type(two.value) is type(one.value)
    assert str(two.value) == str(one.value)
    assert named in str(two.value) and "处理：" in str(two.value)
    assert type(two.value.__cause__) is type(one.value.__cause__)  # raised here, not unpickled
