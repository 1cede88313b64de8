"""The 核实 round trip (issue 15 item 2): write per 镇街, fill in, rerun with --verified."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from landgov.core.editable import EDIT_MARK
from landgov.errors import InputError
from landgov.run.files import RunInputs
from landgov.run.screening import run_screening
from landgov.run.verify import LAYOUT, read_verified, verify_items, write_verify
from landgov.sample import generate
from tests._cli import assert_clean_error, run_cli
from tests._soffice import resave

DAY = dt.date(2026, 7, 10)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    generate(folder, n_parcels=150, seed=11)
    return folder


def _inputs(folder: Path) -> RunInputs:
    return RunInputs(
        parcels=folder / "parcels.shp",
        enterprises=folder / "enterprises.xlsx",
        links=folder / "links.xlsx",
        townships=folder / "townships.shp",
    )


def _screen(sample: Path, out: Path, verified: Path | None = None):
    return run_screening(
        _inputs(sample), profile="yuecheng-2022", as_of="2026-06-30", out_dir=out,
        progress=False, verified=verified,
    )  # fmt: skip


@pytest.fixture(scope="module")
def first(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run1") / "run"
    _screen(sample, out)
    return out


def _fill(path: Path, answers: dict[int, dict[str, object]]) -> None:
    """Type into the 核实 sheet as a user would: by data row (0-based) and header."""
    wb = load_workbook(path)
    ws = wb[LAYOUT.sheet]
    col = {str(c.value).replace(EDIT_MARK, ""): c.column for c in ws[1] if c.value}
    for i, values in answers.items():
        for name, value in values.items():
            ws.cell(i + 2, col[name]).value = value
    wb.save(path)


def _rows(path: Path) -> pd.DataFrame:
    frame = pd.read_excel(path, sheet_name=LAYOUT.sheet, dtype=object)
    return frame.rename(columns=lambda c: str(c).replace(EDIT_MARK, ""))


def test_one_workbook_per_township_with_what_whom_and_why(first: Path, tmp_path: Path):
    files = write_verify(first, tmp_path)
    assert files and all(p.name.startswith("核实_") for p in files)
    parcels = pd.concat(_rows(p) for p in files)
    assert (parcels["镇街"].groupby(parcels["镇街"]).size() > 0).all()
    for p in files:
        towns = set(_rows(p)["镇街"])
        assert len(towns) == 1 and p.stem == f"核实_{towns.pop()}"
    # every row: plot, enterprise (or 本宗地), department, what, why; no English field name
    for column in ["宗地代码", "企业名称", "收集部门", "核实事项", "为何需要", "填写说明"]:
        assert parcels[column].astype(str).str.len().gt(0).all(), column
    assert not parcels["核实事项"].str.contains(r"[a-z]+_[a-z]+").any()
    # answers for fixed choices get a drop-down on that cell, the date column a date check
    ws = load_workbook(files[0])[LAYOUT.sheet]
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert "date" in kinds


def _energy_rows(rows: pd.DataFrame) -> list[int]:
    mask = rows["核实事项"].str.startswith("综合能耗") & rows["统一社会信用代码"].ne("—")
    firms = rows[mask].drop_duplicates("统一社会信用代码")
    return firms.index.tolist()


def _answer_and_rerun(sample: Path, first: Path, tmp_path: Path, *, libreoffice: bool):
    vdir = tmp_path / "核实"
    files = write_verify(first, vdir)
    path = max(files, key=lambda p: len(_energy_rows(_rows(p))))
    rows = _rows(path)
    good, bad, nobody, gone = _energy_rows(rows)[:4]
    _fill(
        path,
        {
            good: {"答复": 300, "核实人": "张三", "核实日期": DAY, "依据": "统计报表"},
            bad: {"答复": "很多", "核实人": "李四", "核实日期": DAY},
            nobody: {"答复": 200},
            gone: {"答复": 250, "核实人": "王五", "核实日期": DAY, "宗地代码": "P-GONE"},
        },
    )
    if libreoffice:
        new = resave(path, tmp_path)
        path.unlink()
        new.rename(path)
    second = _screen(sample, tmp_path / "run2", verified=vdir)
    return rows, (good, bad, nobody, gone), second


@pytest.mark.parametrize("libreoffice", [False, True], ids=["openpyxl", "libreoffice"])
def test_answers_enter_the_run_with_their_source(sample, first, tmp_path, libreoffice):
    rows, (good, bad, nobody, gone), run = _answer_and_rerun(
        sample, first, tmp_path, libreoffice=libreoffice
    )
    town = rows.loc[good, "镇街"]
    code = rows.loc[good, "统一社会信用代码"]
    parcels = run.parcels.set_index("parcel_id")
    plot = parcels.loc[rows.loc[good, "宗地代码"]]
    # decided: 300 tce is below the 1000 / 5000 thresholds; the source is in the reasons
    asked = f"综合能耗（吨标准煤）〔统计局；{rows.loc[good, '企业名称']}，{code}〕"
    before = pd.read_excel(first / "landgov.xlsx", sheet_name="底数清单", dtype=object)
    was = before.set_index(before.columns[0]).loc[rows.loc[good, "宗地代码"]]
    assert asked in " ".join(str(v) for v in was.to_numpy())  # asked in the first run
    assert asked not in str(plot["to_verify"]) + str(plot["missing"])  # decided now
    assert f"据{town} 2026-07-10 核实（张三），依据：统计报表" in str(plot["reasons"])
    assert "综合能耗 300 吨标准煤" in str(plot["reasons"])
    assert run.enterprises.set_index("uscc").loc[code, "energy_tce"] == 300
    # bad answers are problem rows (never dropped), the items stay 待核实
    problems = run.problems[run.problems["source"] == "核实表"]
    text = " ".join(problems["problem"].astype(str))
    assert "「很多」不是数字" in text
    assert "缺少核实人或核实日期" in text
    bad_plot = parcels.loc[rows.loc[bad, "宗地代码"]]
    assert "综合能耗" in str(bad_plot["to_verify"]) + str(bad_plot["missing"])
    nobody_plot = parcels.loc[rows.loc[nobody, "宗地代码"]]
    assert "综合能耗" in str(nobody_plot["to_verify"]) + str(nobody_plot["missing"])
    # an answer for a plot that no longer exists is reported; its enterprise still takes it
    assert "P-GONE" in set(problems["value"].astype(str))
    assert "已不在本次宗地图层中" in text
    gone_code = rows.loc[gone, "统一社会信用代码"]
    assert run.enterprises.set_index("uscc").loc[gone_code, "energy_tce"] == 250


def test_read_verified_reports_disagreeing_answers_and_unknown_enterprises(first, tmp_path):
    files = write_verify(first, tmp_path / "v")
    rows = _rows(files[0])
    pick = _energy_rows(rows)[0]
    code = rows.loc[pick, "统一社会信用代码"]
    copy = files[0].with_name("核实_副本.xlsx")
    copy.write_bytes(files[0].read_bytes())
    _fill(files[0], {pick: {"答复": 100, "核实人": "张三", "核实日期": DAY}})
    _fill(copy, {pick: {"答复": 120, "核实人": "李四", "核实日期": DAY}})
    # the run's plots (a 核实表 with none of them is another county's, refused)
    plots = [p for f in files for p in _rows(f)["宗地代码"]]
    got = read_verified(tmp_path / "v", parcel_ids=plots, usccs=[code])
    text = " ".join(got.problems["problem"].astype(str))
    assert got.n_answers == 2 and not got.values  # neither is used
    assert "答复不一致" in text and "100" in text and "120" in text
    # the same answer about an enterprise the run does not have
    got = read_verified(tmp_path / "v", parcel_ids=[], usccs=[])
    assert "不在本次企业表中" in " ".join(got.problems["problem"].astype(str))


def test_items_skip_what_landgov_derives():
    parcels = pd.DataFrame(
        {
            "parcel_id": ["P1", "P2"],
            "township": ["斗门街道", None],
            "screening_status": ["待核实", "治理"],
            "path_status": [None, "待核实"],
            "path": [None, "整治提升"],
            "to_verify": ["综合能耗（吨标准煤）〔统计局；甲公司，91330602MA2BDUNA5X〕", None],
            "missing": [
                None,
                "税收（万元）〔税务局〕、宗地上的企业（地企关联）〔自然资源局〕、"
                "是否属百亩以上连片（补齐本宗地其他缺项后重新运行即可判定）〔无需收集〕",
            ],
        }
    )
    items = verify_items(parcels)
    # P2: no enterprise known → ask who is on the plot, not the tax of nobody; 连片 is derived
    assert list(items["宗地代码"]) == ["P1", "P2"]
    assert list(items["收集部门"]) == ["统计局", "自然资源局"]
    assert list(items["镇街"]) == ["斗门街道", "镇街不明"]
    assert items.iloc[0]["企业名称"] == "甲公司" and items.iloc[1]["企业名称"] == "（本宗地）"
    assert "治理路径（暂为整治提升）待核实" in items.iloc[1]["为何需要"]


def test_cli_verify_and_bad_inputs(first, tmp_path):
    result = run_cli("verify", first, "--out", tmp_path / "v")
    assert result.returncode == 0, result.stderr
    assert "核实_" in result.stdout
    assert_clean_error(run_cli("verify", tmp_path / "nope", "--out", tmp_path / "w"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"没有 \.xlsx 核实表"):
        read_verified(empty, parcel_ids=[], usccs=[])


def test_far_takes_the_same_answers(sample, first, tmp_path):
    from landgov.run.far import run_far

    vdir = tmp_path / "核实"
    files = write_verify(first, vdir)
    path = max(files, key=lambda p: len(_energy_rows(_rows(p))))
    rows = _rows(path)
    good, bad = _energy_rows(rows)[:2]
    _fill(
        path,
        {
            good: {"答复": 300, "核实人": "张三", "核实日期": DAY},
            bad: {"答复": "-5", "核实人": "李四", "核实日期": DAY},
        },
    )
    run = run_far(
        _inputs(sample), profile="yuecheng-2022", as_of="2026-06-30", out_dir=tmp_path / "far",
        forms="none", verified=vdir,
    )  # fmt: skip
    sheet = pd.read_excel(tmp_path / "far" / "landgov.xlsx", sheet_name="增容问题记录")
    text = " ".join(sheet["问题"].astype(str))
    assert f"据{rows.loc[good, '镇街']} 2026-07-10 核实（张三）" in text
    assert "已计入核实答复" in text and "「-5」为负数" in text
    assert len(run.problems) == len(sheet)


def _with_cached_result(path: Path, formula: str, result: str) -> None:
    """Store ``result`` beside ``formula`` as Excel and WPS do on saving (openpyxl does not)."""
    import re
    import zipfile

    parts = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            parts[name] = zf.read(name)
    tag = f"<f>{formula}</f>".encode()
    for name, data in parts.items():
        if name.startswith("xl/worksheets/") and tag in data:
            parts[name] = re.sub(
                re.escape(tag) + rb"<v\s*/?>(?:</v>)?",
                tag + b"<v>" + result.encode() + b"</v>",
                data,
            )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_an_answer_typed_as_a_formula_uses_its_result_or_is_flagged(first, tmp_path):
    # A formula in 答复 is read by its stored result (Excel/WPS store one on saving); one
    # written by a program without its result (here openpyxl) was read as an empty cell and
    # the answer was lost without a word: it is now an error row naming the row and formula.
    vdir = tmp_path / "v"
    files = write_verify(first, vdir)
    path = max(files, key=lambda p: len(_energy_rows(_rows(p))))
    rows = _rows(path)
    cached, lost, person = _energy_rows(rows)[:3]
    _fill(
        path,
        {
            cached: {"答复": "=150*2", "核实人": "张三", "核实日期": DAY},
            lost: {"答复": "=B2", "核实人": "李四", "核实日期": DAY},
            person: {"答复": 120, "核实人": "=C2", "核实日期": DAY},
        },
    )
    _with_cached_result(path, "150*2", "300")
    keep = [p for p in files if p != path]
    for p in keep:
        p.unlink()
    got = read_verified(vdir, parcel_ids=rows["宗地代码"], usccs=rows["统一社会信用代码"])
    assert got.n_answers == 3
    assert list(got.values.items()) == [
        ((rows.loc[cached, "统一社会信用代码"], "energy_tce"), 300.0)
    ]
    problems = got.problems
    formula = problems[problems["value"] == "=B2"]
    assert formula[["source", "row", "field", "severity"]].values.tolist() == [
        [path.name, lost + 2, "答复", "错误"]
    ]
    assert "公式「=B2」" in formula["problem"].iat[0]
    # a 核实人 that cannot be read is no name to cite: the answer waits for one
    said = problems[(problems["row"] == person + 2) & (problems["field"] == "答复")]
    assert "缺少核实人或核实日期" in said["problem"].iat[0]
    assert (problems["row"] == person + 2).sum() == 2  # the formula itself and the answer
