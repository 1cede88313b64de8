"""A workbook's rows written on two cores (:mod:`landgov.reports._sheetfork`).

The promise: the .xlsx is the one written in one process, member by member (only the creation
time in ``docProps/core.xml`` may differ); a failure in the child is the exception (and so the
Chinese message) the one-process write raises, that of the earliest failing sheet; nothing is
left of a failed workbook.
"""

from __future__ import annotations

import errno
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import landgov.run.screening
from landgov.core import forked
from landgov.errors import os_error_message
from landgov.reports import _sheetfork, _xlsxmerge, excel
from landgov.reports._sheetfork import share
from landgov.reports._sheetxml import DeflatedRows
from tests._forks import needs_fork, record_forks

pytestmark = needs_fork

_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
_TIMES = re.compile(rb"<dcterms:(created|modified)[^<]*</dcterms:\1>")


def _members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        out = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
    return [(name, _TIMES.sub(b"", data) if name == "docProps/core.xml" else data)
            for name, data in out]  # fmt: skip


def _stored(path: Path) -> list[tuple[str, int, int]]:
    """Each member's name, compressed size and CRC (its deflate data, not only its bytes)."""
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, i.compress_size, i.CRC) for i in zf.infolist()
                if i.filename != "docProps/core.xml"]  # fmt: skip


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every workbook of two sheets or more forks; records whether each start did."""
    monkeypatch.setattr(_sheetfork, "FORK_BYTES", 0)
    monkeypatch.setattr(_sheetfork, "_PARENT_EXTRA", 0)  # the largest sheet stays here
    monkeypatch.delenv(forked.ENV, raising=False)
    return record_forks(monkeypatch, _sheetfork)


@pytest.fixture(scope="module")
def sample_sheets(tmp_path_factory: pytest.TempPathFactory) -> tuple[tuple[Any, ...], dict]:
    """What the screening of the bundled sample hands to ``write_workbook``."""
    from landgov.run.files import RunInputs

    caught: list[tuple[tuple[Any, ...], dict]] = []
    real = landgov.run.screening.write_workbook

    def write_workbook(*args: Any, **kwargs: Any) -> Any:
        caught.append((args, kwargs))
        return real(*args, **kwargs)

    files = {
        "parcels": "parcels.shp", "enterprises": "enterprises.xlsx", "links": "links.xlsx",
        "compliance": "compliance.xlsx", "planning": "planning.shp",
        "demolition": "demolition.shp", "townships": "townships.shp",
        "approved": "approved.shp", "height_raster": "height.tif",
    }  # fmt: skip
    inputs = RunInputs(**{k: _SAMPLE / v for k, v in files.items()})  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(landgov.run.screening, "write_workbook", write_workbook)
        mp.setenv(forked.ENV, "1")
        landgov.run.screening.run_screening(
            inputs, profile="yuecheng-2022", out_dir=tmp_path_factory.mktemp("screen"),
            as_of="2026-06-30", progress=False, echo=None,
        )  # fmt: skip
    [(args, kwargs)] = caught
    return args, kwargs


def test_the_samples_workbook_is_the_same_written_with_the_child(
    sample_sheets: tuple[tuple[Any, ...], dict],
    forks: list[bool],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (sheets, _), kwargs = sample_sheets
    two = excel.write_workbook(sheets, tmp_path / "two" / "landgov.xlsx", **kwargs)
    assert forks == [True]
    monkeypatch.setenv(forked.ENV, "1")
    one = excel.write_workbook(sheets, tmp_path / "one" / "landgov.xlsx", **kwargs)
    assert forks == [True]  # no child: write_bodies never started one
    assert _members(two.path) == _members(one.path)
    assert _stored(two.path) == _stored(one.path)
    assert two.fixes == one.fixes and two.splits == one.splits
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == ["landgov.xlsx"]


def _frame(n: int, bad: object = None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "name": [f"企业{k}\x01" if k % 7 == 0 else f"企业{k}" for k in range(n)],
            "area_mu": np.arange(n) / 3,
            "note": pd.array([None, "=1+1", "待核实"] * (n // 3) + [None] * (n % 3), "str"),
        }
    )
    if bad is not None:  # past the rows that size the columns (a failure writing the rows)
        frame["extra"] = ["x"] * (n - 1) + [bad]
    return frame


def test_a_problems_sheet_between_lists_gets_the_childs_fixes(
    forks: list[bool], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    problems = pd.DataFrame(columns=excel.PROBLEM_COLUMNS)
    specs = [
        excel.SheetSpec(_frame(300), "甲"),
        excel.SheetSpec(_frame(200), "乙"),
        excel.SheetSpec(problems, "问题", problems=True),
        excel.SheetSpec(_frame(100), "丙"),
    ]
    two = excel.write_sheets(specs, tmp_path / "two" / "landgov.xlsx")
    assert forks == [True]
    monkeypatch.setenv(forked.ENV, "1")
    one = excel.write_sheets(specs, tmp_path / "one" / "landgov.xlsx")
    assert _members(two.path) == _members(one.path)
    assert two.fixes == one.fixes and {f.sheet for f in two.fixes} == {"甲", "乙", "丙"}


def test_the_largest_sheets_are_shared_and_small_work_stays_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_sheetfork, "FORK_BYTES", 100)
    assert share([50, 40]) == []  # too little
    monkeypatch.setattr(_sheetfork, "FORK_BYTES", 0)
    monkeypatch.setattr(_sheetfork, "_PARENT_EXTRA", 0)
    assert share([10.0, 90.0, 30.0, 40.0, 20.0]) == [2, 3, 4]  # 90 + 10 here, 90 there
    assert share([50.0, 40.0, 30.0, 20.0]) == [1, 2]  # 50 + 20 here, 70 there
    assert share([5.0]) == []  # nothing left for this process


class _Unwritable:
    def __init__(self, sheet: str) -> None:
        self.sheet = sheet

    def __str__(self) -> str:
        raise ValueError(f"错误：{self.sheet} 的值无法写出")


@pytest.mark.parametrize(("first_bad", "expected"), [(0, "甲"), (1, "乙"), (2, "丙")])
def test_the_earliest_failing_sheet_is_reported_and_nothing_is_left(
    forks: list[bool],
    tmp_path: Path,
    first_bad: int,
    expected: str,
) -> None:
    names = ["甲", "乙", "丙"]
    sizes = [700, 1400, 1000]  # 乙 stays here, 甲 and 丙 go to the child
    sheets = [
        (name, _frame(n, _Unwritable(name) if k >= first_bad else None))
        for k, (name, n) in enumerate(zip(names, sizes, strict=True))
    ]
    out = tmp_path / "out"
    with pytest.raises(ValueError, match=f"错误：{expected} 的值无法写出"):
        excel.write_workbook(sheets, out / "landgov.xlsx")
    assert forks == [True]
    assert list(out.iterdir()) == []


def test_a_full_disk_in_the_child_is_the_same_message(
    forks: list[bool], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = DeflatedRows.finish
    target = tmp_path / "out" / "landgov.xlsx"

    def finish(self: DeflatedRows) -> None:
        if isinstance(self.file.name, str):  # the child's rows (a named file)
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        real(self)

    monkeypatch.setattr(DeflatedRows, "finish", finish)
    sheets = [("甲", _frame(400)), ("乙", _frame(300)), ("丙", _frame(200))]
    with pytest.raises(OSError) as raised:
        excel.write_workbook(sheets, target)
    assert forks == [True]
    assert raised.value.errno == errno.ENOSPC
    assert os_error_message(raised.value) == os_error_message(
        OSError(errno.ENOSPC, "No space left on device", str(target))
    )
    assert list(target.parent.iterdir()) == []


def test_a_big_sheet_merged_into_a_workbook_is_rewritten_in_halves_on_two_cores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = record_forks(monkeypatch, _xlsxmerge)
    monkeypatch.setattr(_xlsxmerge, "_CHUNK", 1 << 14)  # halves of a small sheet
    # a draft whose formats do not start past the workbook's (one written by an older version,
    # or a workbook with more formats than the reserved base): its sheets are restyled
    monkeypatch.setattr(excel, "base_of", lambda path: _xlsxmerge.StyleBase(0, 0))
    sheet = excel.SheetSpec(_frame(3000), "增容")
    books = {}
    for name, split, env in [("whole", 1 << 40, ""), ("two", 1, ""), ("one", 1, "1")]:
        monkeypatch.setattr(_xlsxmerge, "SPLIT_BYTES", split)
        monkeypatch.setenv(forked.ENV, env)
        path = tmp_path / name / "landgov.xlsx"
        excel.write_workbook([("底数", _frame(50))], path)
        excel.write_sheets([sheet], path)
        books[name] = path
    assert seen == [True]  # the split sheet of "two"; none where no child can be forked
    assert _members(books["two"]) == _members(books["one"]) == _members(books["whole"])
    assert _stored(books["two"]) == _stored(books["one"])
    assert _stored(books["two"]) != _stored(books["whole"])  # the halves were deflated apart
    sizes = {name: dict((n, size) for n, size, _ in _stored(path)) for name, path in books.items()}
    part = "xl/worksheets/sheet2.xml"  # at the level of the whole: hardly larger
    assert sizes["whole"][part] <= sizes["two"][part] <= 1.02 * sizes["whole"][part]
    assert sorted(p.name for p in books["two"].parent.iterdir()) == ["landgov.xlsx"]
