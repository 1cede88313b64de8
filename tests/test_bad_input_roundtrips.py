"""The 核实 and 人工认定 round trips as county offices really do them: answers typed with units,
words and impossible numbers, folders holding what is not a 核实表, forms with words outside the
vocabulary, and run folders written by another landgov version.

One real run of the bundled sample (``landgov screen`` through the command line), its 核实
workbooks and its 人工认定 form are built for the module; each test copies what it changes.
Cases held elsewhere are not repeated (``tests/test_bad_input_followon.py``,
``tests/test_verify.py``, ``tests/test_overrides.py``, ``tests/test_cli_hostile.py``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from landgov import __version__
from landgov.cli import EXIT_INPUT
from landgov.run.overrides import read_overrides
from landgov.run.verify import LAYOUT, read_verified
from tests._cli import ENGLISH, main_here, run_cli, sample_run

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
ENERGY = "综合能耗（吨标准煤）"
TOWN = "核实_斗门街道.xlsx"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample screened as a user runs it, its 核实表 and 人工认定表 (read only)."""
    root = tmp_path_factory.mktemp("roundtrips")
    run = sample_run(root)
    assert run_cli("verify", run, "-o", root / "核实", cwd=root).returncode == 0
    assert run_cli("override", run, "-o", root / "认定.xlsx", cwd=root).returncode == 0
    return {"run": run, "verify": root / "核实", "form": root / "认定.xlsx"}


def _col(ws, name: str) -> int:
    return next(c.column for c in ws[1] if c.value and str(c.value).startswith(name))


def _energy_rows(ws) -> list[int]:
    """Rows asking an enterprise's 综合能耗 (an answer that enters the run as data)."""
    item, code = _col(ws, "核实事项"), _col(ws, "统一社会信用代码")
    return [
        r
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, item).value == ENERGY and ws.cell(r, code).value != "—"
    ]


def _answered(built: dict[str, Path], folder: Path, answers: list[object]) -> list[dict]:
    """斗门's 核实表 in ``folder`` with ``answers`` typed into its first 综合能耗 rows (核实人
    and 核实日期 filled); returns each row as written (key, plot, enterprise)."""
    folder.mkdir(exist_ok=True)
    wb = load_workbook(built["verify"] / TOWN)
    ws = wb[LAYOUT.sheet]
    rows = _energy_rows(ws)[: len(answers)]
    out = []
    for r, value in zip(rows, answers, strict=True):
        ws.cell(r, _col(ws, "答复")).value = value
        ws.cell(r, _col(ws, "核实人")).value = "张三"
        ws.cell(r, _col(ws, "核实日期")).value = "2026-07-10"
        out.append(
            {
                "row": r,
                "key": ws.cell(r, 1).value,
                "plot": ws.cell(r, _col(ws, "宗地代码")).value,
                "uscc": ws.cell(r, _col(ws, "统一社会信用代码")).value,
            }
        )
    wb.save(folder / TOWN)
    return out


def _read(built: dict[str, Path], folder: Path, **kw):
    """``read_verified`` as ``landgov screen --verified`` calls it for the built run."""
    from landgov.run.results import read_screening

    run = read_screening(built["run"])
    return read_verified(
        folder, parcel_ids=run.parcels["parcel_id"], usccs=run.enterprises["uscc"].dropna(), **kw
    )


# --- 核实 answers ----------------------------------------------------------------------------


def test_an_answer_that_is_no_finite_number_is_a_problem_row_not_a_crash(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """「inf」 or 「1e999」 (what a script writes for an overflow) typed as 综合能耗: Python
    reads both as infinity (≥ 0), taken as the enterprise's energy use, and the run ended in
    「landgov 内部出错（TypeError：NAN/INF not supported …）」 (rc 3) while writing the list;
    「-inf」 was called 「为负数」. Now each is a problem row 「不是有限数值」 (row, field,
    value) and the run completes with the other answer used."""
    rows = _answered(built, tmp_path / "答复", ["inf", "1e999", "-inf", 2e8, 800])
    out = tmp_path / "结果"
    code, text = main_here(
        [
            "screen", "-q", "-p", SAMPLE / "parcels.shp", "-e", SAMPLE / "enterprises.xlsx",
            "-l", SAMPLE / "links.xlsx", "-o", out, "--as-of", "2026-06-30",
            "--verified", tmp_path / "答复",
        ],
        capsys,
    )  # fmt: skip
    assert code == 0, text
    problems = pd.read_excel(out / "landgov.xlsx", sheet_name="问题记录")
    said = problems[problems["源文件"].eq("核实表")]
    for rec, typed in zip(rows[:3], ["inf", "1e999", "-inf"], strict=True):
        hit = said[said["行号"].eq(rec["row"])]
        assert len(hit) == 1, (typed, said)
        assert "不是有限数值" in hit.iloc[0]["问题"] and hit.iloc[0]["所见值"] == typed
    (far,) = said[said["行号"].eq(rows[3]["row"])]["问题"]  # the run's bounds hold (next test)
    assert "大于合理上限" in far, far
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stages"]["screen"]["verified"]["values_used"] == 1  # the 800 only


def test_an_answer_beyond_the_plausible_bound_is_not_used(
    built: dict[str, Path], tmp_path: Path
) -> None:
    """综合能耗 answered 2e8 吨标准煤 (over ``plausible.energy_max_tce`` 1e8, a third of the
    province's energy use): the same figure in the enterprise table is set aside as implausible,
    but as a 核实 answer it entered the run unchecked. Now the answer is a problem row naming the
    bound, and not used; 1e8 itself (「不超过」 the bound) is used."""
    from landgov.policy import load_profile

    rows = _answered(built, tmp_path / "答复", [2e8, 1e8])
    got = _read(built, tmp_path / "答复", profile=load_profile("yuecheng-2022"))
    assert list(got.values.values()) == [1e8]
    (said,) = got.problems[got.problems["row"].eq(rows[0]["row"])].to_dict("records")
    assert "大于合理上限 100000000 吨标准煤" in said["problem"], said
    assert "plausible.energy_max_tce" in said["problem"]


def test_an_answer_of_unknown_is_said_not_dropped(built: dict[str, Path], tmp_path: Path) -> None:
    """「不详」 or 「—」 typed as the answer (with 核实人 and 核实日期): read as an empty cell and
    skipped, not a word — the 镇街 answered, and the item stays 待核实 without anyone told
    why. Now one warning per row: the answer says the value is unknown, the item stays 待核实."""
    rows = _answered(built, tmp_path / "答复", ["不详", "—"])
    got = _read(built, tmp_path / "答复")
    assert not got.values and got.n_answers == 2
    said = got.problems.set_index("row")
    for rec, typed in zip(rows, ["不详", "—"], strict=True):
        assert said.loc[rec["row"], "value"] == typed
        assert "仍为待核实" in said.loc[rec["row"], "problem"]


def test_a_csv_among_the_answers_is_refused_like_an_xls(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """马山 saved its answers as 「核实_马山街道.csv」: the folder was read without it, rc 0, its
    answers lost without a word (a .xls or .et is refused with 「另存为」). Now the .csv is
    refused the same way, by name, and no run folder is written."""
    folder = tmp_path / "答复"
    _answered(built, folder, [500])
    shutil.copy(built["verify"] / "核实_马山街道.xlsx", folder / "核实_马山街道.csv")
    out = tmp_path / "结果"
    code, text = main_here(
        [
            "screen", "-q", "-p", SAMPLE / "parcels.shp", "-e", SAMPLE / "enterprises.xlsx",
            "-o", out, "--as-of", "2026-06-30", "--verified", folder,
        ],
        capsys,
    )  # fmt: skip
    assert code == EXIT_INPUT, text
    assert "错误：" in text and "核实_马山街道.csv" in text and "另存为" in text, text
    assert not any(word in text for word in ENGLISH), text
    assert not out.exists()


def test_a_verify_workbook_of_another_county_is_refused(
    built: dict[str, Path], tmp_path: Path
) -> None:
    """嵊州's 核实表 (plots 330683…) among 越城's answers: each answer a warning 「已不在本次
    宗地图层中」 and an error 「企业 … 不在本次企业表中」 among the run's problem rows, rc 0. No
    plot of the workbook is in the run: it is another county's. Now refused, the file named."""
    from landgov.errors import InputError

    folder = tmp_path / "答复"
    _answered(built, folder, [500])
    foreign = folder / "核实_剡湖街道.xlsx"
    shutil.copy(folder / TOWN, foreign)
    wb = load_workbook(foreign)
    ws, marker = wb[LAYOUT.sheet], wb["landgov_标识"]
    for r in range(2, ws.max_row + 1):
        for c in (1, _col(ws, "宗地代码")):
            ws.cell(r, c).value = str(ws.cell(r, c).value).replace("330602", "330683")
    for r in range(9, marker.max_row + 1):
        marker.cell(r, 2).value = str(marker.cell(r, 2).value).replace("330602", "330683")
    wb.save(foreign)
    with pytest.raises(InputError) as err:
        _read(built, folder)
    text = str(err.value)
    assert str(foreign) in text and "没有一宗" in text, text
    assert TOWN not in text  # 斗门's own workbook is not blamed


def test_answers_as_county_offices_type_them_held(built: dict[str, Path], tmp_path: Path) -> None:
    """Held already, pinned here: a number with a unit or a word 「约」 is not guessed (a
    problem row, not used); 「1,234」 and full-width digits are numbers; a 核实日期 typed as an
    Excel serial or as 「2026年7月10日」 is a date; a 核实表 lock file is not read."""
    folder = tmp_path / "答复"
    rows = _answered(built, folder, ["12.5万元", "约3亩", "1200吨", "1,234", "１２３", 700, 701])
    wb = load_workbook(folder / TOWN)
    ws = wb[LAYOUT.sheet]
    ws.cell(rows[5]["row"], _col(ws, "核实日期")).value = 46213  # 2026-07-10 as a serial
    ws.cell(rows[6]["row"], _col(ws, "核实日期")).value = "2026年7月10日"
    wb.save(folder / TOWN)
    (folder / f"~${TOWN}").write_bytes(b"\0" * 165)
    got = _read(built, folder)
    used = {u: v for (u, _), v in got.values.items()}
    assert [used.get(r["uscc"]) for r in rows] == [None, None, None, 1234, 123, 700, 701]
    said = got.problems.set_index("row")["problem"]
    for rec in rows[:3]:
        assert "不是数字" in said[rec["row"]]
    assert all("2026-07-10" in got.sources[(r["uscc"], "energy_tce")] for r in rows[5:])


# --- 人工认定 --------------------------------------------------------------------------------


def test_overrides_outside_the_vocabulary_or_incomplete_held(
    built: dict[str, Path], tmp_path: Path
) -> None:
    """Held already, pinned here: 「拆除」, 「整治」 or 「demolish」 as 认定路径 is a problem row
    naming the four paths, never taken for the path it resembles; a decision with 认定人 but no
    理由, or 理由 but no 认定人, is not applied."""
    form = tmp_path / "认定.xlsx"
    shutil.copy(built["form"], form)
    wb = load_workbook(form)
    ws = wb["人工认定"]
    filled = {
        "理由": "已整改",
        "认定人": "张三",
        "认定日期": "2026-07-10",
        "文件依据": "〔2026〕5号",
    }
    plan = {2: ("认定路径", "拆除"), 3: ("认定路径", "整治"), 4: ("认定路径", "demolish"),
            5: ("认定筛查结论", "不列入"), 6: ("认定筛查结论", "不列入")}  # fmt: skip
    for r, (name, value) in plan.items():
        ws.cell(r, _col(ws, name)).value = value
        for f, v in filled.items():
            ws.cell(r, _col(ws, f)).value = v
    ws.cell(5, _col(ws, "理由")).value = None
    ws.cell(6, _col(ws, "认定人")).value = None
    wb.save(form)
    got = read_overrides(form)
    assert got.rows.empty and got.rejected == 5
    said = got.problems.set_index("row")["problem"]
    for r in (2, 3, 4):
        assert "不是可选值（拆除重建、整治提升、功能转型、关停退出）" in said[r]
    assert "缺少理由" in said[5] and "缺少认定人" in said[6]


def test_the_override_form_of_another_county_is_refused(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """嵊州's 人工认定表 (plots 330683…) given to 越城's screening: rc 0, each decision a warning
    「已不在本次宗地图层中」 among 460 problem rows, nothing applied and nothing said on the
    console. No plot of the form is in the run: it is another county's or project's form.
    Now refused, the form named, and no run folder written."""
    form = tmp_path / "嵊州 认定.xlsx"
    shutil.copy(built["form"], form)
    wb = load_workbook(form)
    ws, marker = wb["人工认定"], wb["landgov_标识"]
    for sheet, col, first in ((ws, 1, 2), (marker, 2, 9)):
        for r in range(first, sheet.max_row + 1):
            sheet.cell(r, col).value = str(sheet.cell(r, col).value).replace("330602", "330683")
    values = {"认定筛查结论": "不列入", "理由": "已整改", "认定人": "张三",
              "认定日期": "2026-07-10", "文件依据": "剡湖街道〔2026〕5号"}  # fmt: skip
    for name, value in values.items():
        ws.cell(2, _col(ws, name)).value = value
    wb.save(form)
    out = tmp_path / "结果"
    code, text = main_here(
        [
            "screen", "-q", "-p", SAMPLE / "parcels.shp", "-e", SAMPLE / "enterprises.xlsx",
            "-o", out, "--as-of", "2026-06-30", "--overrides", form,
        ],
        capsys,
    )  # fmt: skip
    assert code == EXIT_INPUT, text
    assert "错误：" in text and str(form) in text and "没有一宗" in text, text
    assert not any(word in text for word in ENGLISH), text
    assert not out.exists()


# --- run folders of another landgov version ------------------------------------------------


def _versioned(run: Path, tmp_path: Path, version: str) -> Path:
    """A copy of ``run`` whose manifest says it was written by landgov ``version``."""
    copy = tmp_path / f"结果 v{version}"
    shutil.copytree(run, copy)
    file = copy / "manifest.json"
    manifest = json.loads(file.read_text(encoding="utf-8"))
    manifest["landgov_version"] = version
    for section in manifest["stages"].values():
        section["landgov_version"] = version
    file.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return copy


def test_a_run_folder_of_a_newer_landgov_is_refused_by_every_follow_on_command(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder written by landgov 99.0 (a colleague's newer install): its files may hold what
    this version cannot read, yet every command took it without a word. Now each follow-on
    command refuses it, naming the folder and both versions, and writes nothing."""
    run = _versioned(built["run"], tmp_path, "99.0.0")
    out = tmp_path / "输出"
    commands = [
        ["verify", run, "-o", out / "核实"],
        ["override", run, "-o", out / "认定.xlsx"],
        ["ledger", "init", run, "-o", out / "台账.xlsx"],
        ["export", run, "-o", out / "导出"],
        ["map", run, "--out", out / "地图.html"],
        ["packet", run, "--out", out / "材料.pdf"],
        ["compare", built["run"], run, "-o", out / "动态评价"],
    ]
    for args in commands:
        code, text = main_here(args, capsys)
        assert code == EXIT_INPUT, (args, text)
        assert "错误：" in text and str(run) in text, text
        assert "landgov 99.0.0" in text and f"landgov {__version__}" in text, text
        assert not any(word in text for word in ENGLISH), text
        assert not out.exists(), args


def test_a_run_folder_of_an_older_landgov_is_read_with_a_warning(
    built: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder written by landgov 0.0.1: read as before, but now said — a warning naming the
    folder and both versions — so that a difference in the results can be traced."""
    run = _versioned(built["run"], tmp_path, "0.0.1")
    code, text = main_here(["override", run, "-o", tmp_path / "认定.xlsx"], capsys)
    assert code == 0, text
    assert "警告" in text and str(run) in text, text
    assert "landgov 0.0.1" in text and f"landgov {__version__}" in text, text
    assert (tmp_path / "认定.xlsx").exists()


def test_far_does_not_build_on_the_screening_of_a_newer_landgov(tmp_path: Path) -> None:
    """``landgov far`` into a folder whose screening a newer landgov wrote: the screening part
    was kept and the folder sealed again by this version, a mix no version wrote. Now the part
    is not kept (said), as a part made from other data is not."""
    from landgov.core.runfolder import _keep_earlier

    inputs = {"parcels": "abc"}
    section = {"landgov_version": "99.0.0", "inputs": {"parcels": {"sha256": "abc"}}}
    said: list[str] = []
    old = {"stages": {"screen": section}, "files": {}}
    assert _keep_earlier(old, "far", inputs, said.append, tmp_path, overwrite=False) == {}
    assert "landgov 99.0.0" in said[0] and f"landgov {__version__}" in said[0], said
    same = {"stages": {"screen": {**section, "landgov_version": __version__}}, "files": {}}
    assert "screen" in _keep_earlier(same, "far", inputs, said.append, tmp_path, overwrite=False)


def test_an_answer_whose_locked_cells_were_changed_is_not_used(
    built: dict[str, Path], tmp_path: Path
) -> None:
    """The 统一社会信用代码 of an answered row typed over with another enterprise's (the
    sheet's protection has no password), or its 核实事项 with 「税收（万元）」: the answer was
    written into the enterprise and the field the cells now name — not those the row asked
    about, whose 核实编号 still says which. Now such an answer is a problem row naming the
    columns that no longer agree with the 核实编号, and not used."""
    folder = tmp_path / "答复"
    rows = _answered(built, folder, [500, 600, 700])
    wb = load_workbook(folder / TOWN)
    ws = wb[LAYOUT.sheet]
    ws.cell(rows[0]["row"], _col(ws, "统一社会信用代码")).value = rows[2]["uscc"]
    ws.cell(rows[1]["row"], _col(ws, "核实事项")).value = "税收（万元）"
    wb.save(folder / TOWN)
    got = _read(built, folder)
    assert got.values == {(rows[2]["uscc"], "energy_tce"): 700}
    said = got.problems.set_index("row")["problem"]
    assert "统一社会信用代码" in said[rows[0]["row"]] and "未采用" in said[rows[0]["row"]]
    assert "核实事项" in said[rows[1]["row"]] and "未采用" in said[rows[1]["row"]]
