"""Workbooks whose XML would keep openpyxl busy for hours or fill the memory: each is read in
seconds (the empty area left out) or refused in seconds with a Chinese 「错误：」 naming the
file, the sheet and the fix (:mod:`landgov.core.xlsxguard`), in the input tables and in the
returned forms (:func:`landgov.core.editable.read_editable`).

Every case runs in a child process with a timeout, so that a reader that hangs fails the test
instead of hanging it (before the guard: the merges, the far cell and the zip bomb ran past
30 s, the styled rows took 17 s and the shared strings 22 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests._cli import assert_clean_error, run_cli
from tests._hostile_xlsx import make_hostile

_ROOT = Path(__file__).resolve().parents[1]
_SAMPLE = _ROOT / "data" / "sample"
#: Seconds a case may take, the interpreter's start included (each takes 1-3.5 s here alone,
#: up to 7 s with the other CPU busy: the limit tells a read that stops from one that hangs).
_LIMIT = 30

#: shape → the words of the refusal (``None``: read, the empty area left out).
_TABLE_CASES = {
    "merge_all": ("工作表「地企关联」", "A1:XFD1048576", "取消合并单元格"),
    "merge_down": None,  # H5:Z1048576 lies right of the table (A:D): nothing merged in it
    "dimension": None,
    "styled_rows": None,
    "far_cell": ("工作表「地企关联」", "XFD1048576", "Ctrl+End"),
    "all_cols": None,
    "strings": ("共享字符串表", "3,000,000", "另存为新的 .xlsx"),
    "bomb": ("工作表「地企关联」", "压缩炸弹", "另存为新的 .xlsx"),
}


@pytest.fixture(scope="module")
def links_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample 地企关联表 saved by openpyxl (shared strings, as Excel and WPS write)."""
    path = tmp_path_factory.mktemp("base") / "links.xlsx"
    load_workbook(_SAMPLE / "links.xlsx").save(path)
    return path


@pytest.mark.parametrize("shape", list(_TABLE_CASES))
def test_an_input_table_of_hostile_shape_is_read_or_refused_in_seconds(
    tmp_path: Path, links_book: Path, shape: str
) -> None:
    path = make_hostile(links_book, tmp_path / f"地企关联 {shape}.xlsx", shape)
    assert path.stat().st_size < 10 << 20  # tiny on disk
    start = time.perf_counter()
    result = run_cli("inspect", "--kind", "links", path, timeout=_LIMIT)
    took = time.perf_counter() - start
    words = _TABLE_CASES[shape]
    if words is None:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "行数：2529（保留 2529，剔除 0）" in result.stdout  # 2,530 rows less the header
        assert "合并" not in result.stdout  # no merge over the table, none said
    else:
        text = assert_clean_error(result, code=2, contains=path.name)
        for word in words:
            assert word in text, (word, text)
    assert took < _LIMIT


def test_a_screen_given_a_hostile_links_table_writes_nothing(
    tmp_path: Path, links_book: Path
) -> None:
    """Refused before any output: no run folder appears."""
    links = make_hostile(links_book, tmp_path / "links.xlsx", "merge_all")
    out = tmp_path / "结果"
    result = run_cli(
        "screen", "-q", "-p", _SAMPLE / "parcels.shp", "-e", _SAMPLE / "enterprises.xlsx",
        "-l", links, "-o", out, "--as-of", "2026-06-30", cwd=tmp_path, timeout=30,
    )  # fmt: skip
    assert_clean_error(result, code=2, contains="取消合并单元格")
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["links.xlsx"]  # no temporary folder left


# --------------------------------------------------------------------------- returned forms

_FORM = """
import sys
from landgov.core.editable import Field, FieldKind, Layout, read_editable
from landgov.errors import DataFileError
LAYOUT = Layout(kind="测试清单", version=2, sheet="清单", key="宗地代码", fields=(
    Field("宗地代码"), Field("企业名称"),
    Field("状态", kind=FieldKind.CHOICE, editable=True, choices=("未启动", "已完成")),
    Field("说明", editable=True)))
try:
    got = read_editable(sys.argv[1], LAYOUT)
except DataFileError as exc:
    print("错误：" + str(exc))
    raise SystemExit(2)
print("rows", ",".join(got.rows.index))
print("states", ",".join(str(v) for v in got.rows["状态"]))
print("problems", len(got.problems))
for p in got.problems.to_dict("records"):
    print("problem", p)
"""


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A landgov form (three plots, 状态 and 说明 to fill in), filled in as a user does."""
    import pandas as pd

    from landgov.core.editable import Field, FieldKind, Layout, add_editable_sheet, save_workbook

    layout = Layout(
        kind="测试清单", version=2, sheet="清单", key="宗地代码",
        fields=(
            Field("宗地代码"), Field("企业名称"),
            Field("状态", kind=FieldKind.CHOICE, editable=True, choices=("未启动", "已完成")),
            Field("说明", editable=True),
        ),
    )  # fmt: skip
    rows = pd.DataFrame({"宗地代码": ["330602001001", "330602001002", "330602001003"],
                         "企业名称": ["甲公司", "乙公司", "丙公司"]})  # fmt: skip
    wb = Workbook()
    add_editable_sheet(wb, rows, layout)
    path = save_workbook(wb, tmp_path_factory.mktemp("form") / "清单.xlsx")
    filled = load_workbook(path)
    filled["清单"]["C2"] = "已完成"
    filled["清单"]["C4"] = "未启动"
    filled.save(path)
    return path


def _read_form(path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(_ROOT), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-c", _FORM, str(path)],
        capture_output=True, text=True, timeout=_LIMIT, env=env, check=False,
    )  # fmt: skip


_FORM_CASES = {
    "merge_all": ("工作表「清单」", "取消合并单元格"),
    "merge_down": None,  # H5:Z1048576, right of the form's four columns
    "dimension": None,
    "styled_rows": None,
    "far_cell": ("工作表「清单」", "XFD1048576"),
    "all_cols": None,
    "strings": ("共享字符串表",),
    "bomb": ("工作表「清单」", "压缩炸弹"),
}


@pytest.mark.parametrize("shape", list(_FORM_CASES))
def test_a_returned_form_of_hostile_shape_is_read_or_refused_in_seconds(
    tmp_path: Path, form: Path, shape: str
) -> None:
    path = make_hostile(form, tmp_path / f"清单 {shape}.xlsx", shape, sheet="清单")
    result = _read_form(path)
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    words = _FORM_CASES[shape]
    if words is None:
        assert result.returncode == 0, text
        assert "rows 330602001001,330602001002,330602001003" in text
        assert "states 已完成,None,未启动" in text  # C2 and C4 as filled in
        assert "problems 0" in text, text
    else:
        assert result.returncode == 2, text
        for word in (path.name, *words):
            assert word in text, (word, text)


def test_a_filled_in_column_merged_to_the_last_row_is_refused_by_name(
    tmp_path: Path, form: Path
) -> None:
    """A merge over content (the 状态（填写） column C2 down to row 1,048,576): refused."""
    path = make_hostile(form, tmp_path / "清单 合并.xlsx", "merge_column", sheet="清单")
    result = _read_form(path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "C2:C1048576" in result.stdout and "取消合并单元格" in result.stdout


def test_a_small_merge_in_a_filled_in_column_is_still_said_row_by_row(
    tmp_path: Path, form: Path
) -> None:
    """Not every merge is refused: C2:C3 keeps the rule of core.editable (a problem row)."""
    wb = load_workbook(form)
    wb["清单"].merge_cells("C2:C3")
    path = tmp_path / "清单 小合并.xlsx"
    wb.save(path)
    result = _read_form(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "合并" in result.stdout


# --------------------------------------------------------------------------- the 治理台账

_HISTORY = """
import sys
from landgov.core.problems import ProblemLog
from landgov.errors import DataFileError
from landgov.ledger._book import read_history, read_profile
try:
    rows = read_history(sys.argv[1], ProblemLog(sys.argv[1]))
    read_profile(sys.argv[1])
except DataFileError as exc:
    print("错误：" + str(exc))
    raise SystemExit(2)
print("entries", len(rows), ",".join(sorted(set(rows["宗地代码"]))))
"""


@pytest.mark.parametrize(
    ("shape", "said"),
    [("styled_rows", None), ("dimension", None), ("far_cell", "XFD1048576"), ("bomb", "压缩炸弹")],
)
def test_a_returned_ledger_history_of_hostile_shape_is_read_or_refused_in_seconds(
    tmp_path: Path, shape: str, said: str | None
) -> None:
    """The 状态变更记录 sheet is read in openpyxl's read-only mode, where the dimension and every
    row element count: the same rule as for the other readers (before: the styled rows and the
    dimension were read in time, the far value was read and the 1 GiB cell text was built in
    memory; both are now refused as everywhere else)."""
    import datetime as dt

    from landgov.ledger import init_ledger, write_ledger
    from landgov.run.results import read_screening
    from tests._runs import fake_run

    run = fake_run(
        tmp_path / "2026", [{"parcel_id": "P001", "tax_per_mu": 3.1}], as_of="2026-06-30"
    )
    ledger = write_ledger(
        init_ledger(read_screening(run), as_of=dt.date(2026, 7, 1)), tmp_path / "台账.xlsx"
    )
    path = make_hostile(ledger, tmp_path / f"台账 {shape}.xlsx", shape, sheet="状态变更记录")
    env = {**os.environ, "PYTHONPATH": str(_ROOT), "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-c", _HISTORY, str(path)],
        capture_output=True, text=True, timeout=_LIMIT, env=env, check=False,
    )  # fmt: skip
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    if said is None:
        assert result.returncode == 0, text
        assert "entries 1 P001" in text  # the one plot's opening entry
    else:
        assert result.returncode == 2, text
        assert said in text and "工作表「状态变更记录」" in text and path.name in text


def test_a_stray_cell_far_below_the_table_is_named_itself() -> None:
    # 「备注：以上数据截至2025年底」 typed into A1048576 below a 21-column table: the refusal
    # names that cell (the one to delete) beside the table's rightmost (U1), never U1 alone
    from landgov.core.xlsxguard import _Sheet, _sheet_problem

    sheet = _Sheet("亩均效益", "xl/worksheets/sheet1.xml", last_row=1_048_576, last_col=21)
    sheet.far, sheet.low, sheet.cells = (1, 21), (1_048_576, 1), 65 * 21
    said = _sheet_problem(sheet)
    assert said is not None
    assert "最下、最右的内容在单元格 A1048576、U1" in said
