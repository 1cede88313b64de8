"""人工认定 of single 增容 conditions (issue 15 item 3): round trip, both verdicts, review."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from landgov.core.columns import label
from landgov.core.editable import EDIT_MARK, read_editable
from landgov.core.runfolder import file_sha256
from landgov.errors import InputError
from landgov.far.zengrong import CONDITIONS
from landgov.run.far import run_far
from landgov.run.far_overrides import (
    CONDITION_LAYOUT,
    SHORT,
    computed_columns,
    read_condition_overrides,
    write_condition_overrides,
)
from landgov.run.files import RunInputs
from landgov.sample import generate
from tests._cli import assert_clean_error, run_cli
from tests._soffice import resave

DAY = dt.date(2026, 7, 20)
RECORD = {
    "理由": "联席会议认定",
    "认定人": "张三",
    "认定日期": DAY,
    "文件依据": "越城会纪〔2026〕3号",
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> RunInputs:
    s = tmp_path_factory.mktemp("sample")
    generate(s, n_parcels=150, seed=11)
    return RunInputs(
        parcels=s / "parcels.shp", enterprises=s / "enterprises.xlsx", links=s / "links.xlsx",
        compliance=s / "compliance.xlsx", applications=s / "applications.xlsx",
        planning=s / "planning.shp", demolition=s / "demolition.shp",
        special_zones=s / "special_zones.shp", buildings=s / "buildings.gpkg",
    )  # fmt: skip


def _far(inputs: RunInputs, out: Path, overrides: Path | None = None, forms: str = "none"):
    return run_far(
        inputs, profile="yuecheng-2022", as_of="2026-06-30", out_dir=out, forms=forms,
        overrides=overrides,
    )  # fmt: skip


@pytest.fixture(scope="module")
def first(inputs: RunInputs, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("far") / "run"
    return out, _far(inputs, out)


def _one_open(apps: pd.DataFrame) -> tuple[str, str]:
    """(application id, condition) of an application 待核实 on exactly one condition only."""
    status = apps[list(CONDITIONS)]
    one = apps[status.eq("待核实").sum(axis=1).eq(1) & status.eq("不符合").sum(axis=1).eq(0)]
    row = one.iloc[0]
    cond = next(c for c in CONDITIONS if row[c] == "待核实")
    return str(row["application_id"]), cond


def _fill(path: Path, edits: dict[str, dict[str, object]]) -> None:
    wb = load_workbook(path)
    ws = wb[CONDITION_LAYOUT.sheet]
    col = {str(c.value).replace(EDIT_MARK, ""): c.column for c in ws[1] if c.value}
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for key, values in edits.items():
        r = rows.get(key)
        if r is None:  # a row added by hand for a key landgov did not list
            r = ws.max_row + 1
            ws.cell(r, col["认定项"]).value = key
        for name, value in values.items():
            ws.cell(r, col[name]).value = value
    wb.save(path)


def test_condition_override_applied_everywhere_with_both_verdicts(inputs, first, tmp_path):
    folder, run = first
    app, cond = _one_open(run.applications)
    key = f"{app}|{SHORT[cond]}"
    book = write_condition_overrides(folder, tmp_path / "增容认定.xlsx")
    _fill(book, {key: {"认定结论": "符合", **RECORD}})
    again = _far(inputs, tmp_path / "run2", overrides=book, forms="applications")
    row = again.applications.set_index("application_id").loc[app]
    # the decided condition and the outcome composed from it; the computed ones kept beside
    assert row[cond] == "符合" and row["zengrong"] == "可申报"
    assert row["zengrong_computed"] == "待核实" and row["override_status"] == "已采用"
    assert (
        row[f"{cond}_note"].startswith("人工认定：") and "（计算：待核实：" in row[f"{cond}_note"]
    )
    for part in (
        "认定人：张三（2026-07-20）",
        "理由：联席会议认定",
        "文件依据：越城会纪〔2026〕3号",
    ):
        assert part in row["override"]
    assert "其中人工认定" in row["zengrong_reason"]
    # the packet sheet: decided and computed side by side
    sheet = pd.read_excel(tmp_path / "run2" / "landgov.xlsx", sheet_name="增容审查", dtype=object)
    line = sheet[sheet["申请编号"] == app].iloc[0]
    assert (line["总体结论"], line["计算总体结论"]) == ("可申报", "待核实")
    assert "越城会纪〔2026〕3号" in line["人工认定"]
    # the 系统预审 of the form
    doc = next((tmp_path / "run2" / "系统预审").rglob(f"{app}_*"))
    text = "\n".join(p.text for p in Document(doc).paragraphs)
    assert "计算结论：待核实（人工认定前）" in text and "认定人：张三" in text
    cells = [c.text for t in Document(doc).tables for r in t.rows for c in r.cells]
    assert any(c.startswith("符合：人工认定：") for c in cells)
    # the manifest records the file and what became of its rows
    entry = json.loads((tmp_path / "run2" / "manifest.json").read_text("utf-8"))
    got = entry["stages"]["far"]["overrides"]
    assert got == {
        "path": str(book), "sha256": file_sha256(book), "applied": 1, "stale": 0,
        "rejected": 0, "withdrawn": 0,
    }  # fmt: skip
    assert entry["stages"]["far"]["verified"] is None


def test_bad_incomplete_withdrawn_and_unknown_rows_are_reported_not_applied(
    inputs, first, tmp_path
):
    folder, run = first
    app, cond = _one_open(run.applications)
    other = next(c for c in CONDITIONS if c != cond)
    book = write_condition_overrides(folder, tmp_path / "增容认定.xlsx")
    _fill(
        book,
        {
            f"{app}|{SHORT[cond]}": {"认定结论": "符合", "认定人": "张三"},  # no 理由 …
            f"{app}|{SHORT[other]}": {"认定结论": "不符合", **RECORD, "撤回": "是"},
            "ZR-NONE|条件3": {"认定结论": "符合", **RECORD},  # added by hand, not in the run
            f"{app}|条件9": {"认定结论": "符合", **RECORD},  # no such condition
            f"{app}|条件1": {"认定结论": "大概符合", **RECORD},  # not a choice
        },
    )
    again = _far(inputs, tmp_path / "run2", overrides=book)
    row = again.applications.set_index("application_id").loc[app]
    assert row["zengrong"] == run.applications.set_index("application_id").loc[app, "zengrong"]
    assert pd.isna(row["override_status"])
    text = " ".join(again.problems["problem"].astype(str))
    assert "缺少理由、认定日期、文件依据" in text
    assert "ZR-NONE 已不在本次宗地图层或增容申请表中" in text
    assert "不是「编号|条件」的形式" in text and "「大概符合」不是可选值" in text
    got = again.manifest["overrides"]
    assert (got["applied"], got["rejected"], got["withdrawn"], got["stale"]) == (0, 4, 1, 0)


def test_the_form_of_another_county_is_refused(inputs, first, tmp_path):
    """嵊州's 增容条件人工认定表 (plots and applications none of which is in this run) given to
    越城's far: rc 0, each decision a warning 「已不在本次宗地图层或增容申请表中」, none
    applied. Now refused, the form named, and no run folder written."""
    from landgov.errors import InputError

    folder, run = first
    book = write_condition_overrides(folder, tmp_path / "嵊州 增容认定.xlsx")
    wb = load_workbook(book)
    for ws in wb.worksheets:  # every id of the form and of its hidden marker, renamed
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "|" in cell.value:
                    cell.value = "SZ-" + cell.value
    wb.save(book)
    app, cond = _one_open(run.applications)
    _fill(book, {f"SZ-{app}|{SHORT[cond]}": {"认定结论": "符合", **RECORD}})
    with pytest.raises(InputError) as err:
        _far(inputs, tmp_path / "run2", overrides=book)
    assert str(book) in str(err.value) and "没有一宗相同" in str(err.value)
    assert not (tmp_path / "run2").exists()


def test_kept_across_runs_until_the_facts_change(inputs, first, tmp_path):
    folder, run = first
    app, cond = _one_open(run.applications)
    key = f"{app}|{SHORT[cond]}"
    book = write_condition_overrides(folder, tmp_path / "增容认定.xlsx")
    _fill(book, {key: {"认定结论": "符合", **RECORD}})
    write_condition_overrides(folder, book)  # a refresh from the same run keeps it
    assert read_condition_overrides(book).rows["认定项"].tolist() == [key]
    # the facts change (here: the snapshot no longer matches) → 待复核, not applied, reported
    _fill(book, {key: {"认定时计算结果": "不符合｜旧的说明"}})
    again = _far(inputs, tmp_path / "run2", overrides=book)
    row = again.applications.set_index("application_id").loc[app]
    assert row["zengrong"] == "待核实" and row[cond] == "待核实"
    assert row["override_status"] == "待复核" and row["override"].startswith("（待复核，未采用）")
    assert "计算结果已变化" in " ".join(again.problems["problem"].astype(str))
    assert again.manifest["overrides"]["stale"] == 1
    # a refresh flags the decision for review; withdrawing it ends it
    write_condition_overrides(folder, book)
    ws = load_workbook(book)[CONDITION_LAYOUT.sheet]
    assert any("请复核该认定" in c.comment.text for r in ws.iter_rows() for c in r if c.comment)
    _fill(book, {key: {"撤回": "是"}})
    assert read_condition_overrides(book).rows.empty


def test_condition_overrides_survive_a_libreoffice_resave(first, tmp_path):
    folder, run = first
    app, cond = _one_open(run.applications)
    key = f"{app}|{SHORT[cond]}"
    book = write_condition_overrides(folder, tmp_path / "增容认定.xlsx")
    _fill(book, {key: {"认定结论": "符合", **RECORD}})
    rows = read_condition_overrides(resave(book, tmp_path)).rows
    assert rows["认定项"].tolist() == [key] and rows.iloc[0]["cond"] == cond
    assert rows.iloc[0]["认定日期"] == DAY and rows.iloc[0]["文件依据"] == RECORD["文件依据"]


def test_cli_override_far(first, tmp_path):
    folder, _ = first
    result = run_cli("override", folder, "--far", "--out", tmp_path / "增容认定.xlsx")
    assert result.returncode == 0, result.stderr
    assert "增容条件人工认定表" in result.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_clean_error(
        run_cli("override", empty, "--far", "--out", tmp_path / "x.xlsx"), contains="增容结果"
    )


def test_a_refresh_from_a_run_that_applied_the_decision_keeps_it_unflagged(inputs, first, tmp_path):
    folder, run = first
    app, cond = _one_open(run.applications)
    key = f"{app}|{SHORT[cond]}"
    book = write_condition_overrides(folder, tmp_path / "增容认定.xlsx")
    _fill(book, {key: {"认定结论": "符合", **RECORD}})
    _far(inputs, tmp_path / "run2", overrides=book)
    write_condition_overrides(tmp_path / "run2", book)
    ws = load_workbook(book)[CONDITION_LAYOUT.sheet]
    assert not [c for r in ws.iter_rows() for c in r if c.comment and "复核" in c.comment.text]
    row = read_condition_overrides(book).rows.set_index("认定项").loc[key]
    assert row["计算结论"] == "待核实" and not str(row["计算说明"]).startswith("人工认定")
    third = _far(inputs, tmp_path / "run3", overrides=book)
    assert third.applications.set_index("application_id").loc[app, "zengrong"] == "可申报"
    assert third.manifest["overrides"]["applied"] == 1


def test_map_popups_and_packet_pages_show_the_decision_beside_the_computed_verdict(
    inputs, first, tmp_path
):
    import re

    from landgov.maps import build_map
    from landgov.run.screening import run_screening

    folder, run = first
    app, cond = _one_open(run.applications)
    book = write_condition_overrides(folder, tmp_path / "增容认定.xlsx")
    _fill(book, {f"{app}|{SHORT[cond]}": {"认定结论": "符合", **RECORD}})
    out = tmp_path / "run2"
    run_screening(inputs, profile="yuecheng-2022", as_of="2026-06-30", out_dir=out, progress=False)
    _far(inputs, out, overrides=book)
    page = build_map(out).html
    spec = re.search(r'id="lg-config">(.*?)</script>', page, re.S).group(1)
    pattern = r'"k":\s*"(zengrong_(?:override|computed))",\s*"l":\s*"([^"]+)"'
    found = set(re.findall(pattern, spec))
    assert {("zengrong_override", "人工认定"), ("zengrong_computed", "计算总体结论")} <= found
    # the 联席会议 packet: the application's page says what was decided beside the computed
    from landgov.reports.meeting import packet_pages

    pages = packet_pages(out)
    page = next(p for p in pages if p.title.startswith(f"增容申请 {app}"))
    assert page.notes[0].startswith("系统预审意见（草稿）：可申报")
    assert page.notes[1].startswith("计算结论：待核实（人工认定前）；人工认定：")
    assert "越城会纪〔2026〕3号" in page.notes[1]
    row = next(r for r in page.tables[0].rows if r[1] == "符合" and r[2].startswith("人工认定"))
    assert "（计算：待核实：" in row[2]
    # the applications for decision: computed and decided side by side in one cell
    listed = next(p for p in pages if p.title.startswith("提请审议的增容申请")).tables[0]
    cells = {r[0]: r[listed.status_column] for r in listed.rows}
    assert cells[app] == "系统：待核实 → 认定：可申报（张三 2026-07-20）"
    others = run.applications.set_index("application_id")["zengrong"].drop(index=app)
    assert {k: v for k, v in cells.items() if k != app} == others.to_dict()


def test_cli_far_refuses_an_overrides_file_that_is_not_one(inputs, tmp_path):
    bad = tmp_path / "认定.xlsx"
    bad.write_text("不是工作簿", encoding="utf-8")
    args = ["far", "--parcels", inputs.parcels, "--enterprises", inputs.enterprises]
    args += ["--links", inputs.links, "--profile", "yuecheng-2022", "--as-of", "2026-06-30"]
    args += ["--forms", "none", "--out", tmp_path / "run", "--overrides", bad]
    assert_clean_error(run_cli(*args), contains="认定.xlsx：不是有效的 .xlsx")


def _rewrite_applications(folder: Path, change) -> None:
    """Change the ``far_applications`` layer of a run folder in place (as an older run wrote
    it, or with its note changed)."""
    import pyogrio

    from landgov.run.files import write_layer

    gpkg = folder / "landgov.gpkg"
    apps = pyogrio.read_dataframe(gpkg, layer="far_applications")
    write_layer(change(apps), gpkg, layer="far_applications")


def _computed_row(book: Path, key: str) -> pd.Series:
    return pd.Series(read_editable(book, CONDITION_LAYOUT).rows.loc[key])


def _assert_read_back(run_dir: Path, book: Path, key: str, computed_note: str) -> None:
    """A refresh of ``book`` from ``run_dir`` gives the computed verdict, with no review flag."""
    write_condition_overrides(run_dir, book)
    row = _computed_row(book, key)
    assert (row["计算结论"], row["计算说明"]) == ("待核实", computed_note)
    ws = load_workbook(book)[CONDITION_LAYOUT.sheet]
    assert not [c for r in ws.iter_rows() for c in r if c.comment and "复核" in c.comment.text]


def _one_decided(first, tmp_path: Path) -> tuple[str, str, str, str, Path]:
    """One open condition of the first run decided 符合 in a fresh overrides workbook:
    application, condition, row key, the computed note and the workbook."""
    folder, run = first
    app, cond = _one_open(run.applications)
    key = f"{app}|{SHORT[cond]}"
    computed_note = run.applications.set_index("application_id").loc[app, f"{cond}_note"]
    book = write_condition_overrides(folder, tmp_path / "增容认定.xlsx")
    _fill(book, {key: {"认定结论": "符合", **RECORD}})
    return app, cond, key, computed_note, book


def test_the_computed_condition_is_kept_in_its_own_columns_and_read_back(inputs, first, tmp_path):
    app, cond, key, computed_note, book = _one_decided(first, tmp_path)
    again = _far(inputs, tmp_path / "run2", overrides=book)
    status_col, note_col = computed_columns(cond)
    apps = again.applications.set_index("application_id")
    assert (apps.loc[app, status_col], apps.loc[app, note_col]) == ("待核实", computed_note)
    assert apps.drop(index=app)[status_col].isna().all()  # only the decided row
    assert label(status_col).endswith("（计算结论）") and label(note_col).endswith("（计算说明）")
    # a refresh reads them from the columns: the note may say anything
    _rewrite_applications(
        tmp_path / "run2",
        lambda a: a.assign(**{f"{cond}_note": a[f"{cond}_note"].where(a["application_id"] != app,
                                                                      "人工认定：另写的说明")}),
    )  # fmt: skip
    _assert_read_back(tmp_path / "run2", book, key, computed_note)


def test_a_run_folder_without_the_computed_columns_is_still_read_from_the_note(
    inputs, first, tmp_path
):
    _, _, key, computed_note, book = _one_decided(first, tmp_path)
    _far(inputs, tmp_path / "run2", overrides=book)
    # as a run written before the columns existed: only the 「（计算：…）」 of the note
    _rewrite_applications(
        tmp_path / "run2",
        lambda a: a.drop(columns=[n for c in CONDITIONS for n in computed_columns(c)
                                  if n in a.columns]),
    )  # fmt: skip
    _assert_read_back(tmp_path / "run2", book, key, computed_note)


def test_last_years_condition_workbook_is_refused(first, tmp_path):
    """The 增容条件人工认定表 records the 基准日 of the 增容 run it was written from
    (2026-06-30), as the screening's 人工认定表 does; given to a run of 2027-06-30 (next year's
    figures) it is refused naming both dates, a run of the same year reads it. Before, it
    recorded nothing and last year's decisions were applied to this year's conditions."""
    folder, _ = first
    book = write_condition_overrides(folder, tmp_path / "增容认定.xlsx")
    assert read_editable(book, CONDITION_LAYOUT).meta["about"]["基准日"] == "2026-06-30"
    assert read_condition_overrides(book, as_of=dt.date(2026, 6, 30)).rejected == 0
    with pytest.raises(InputError) as caught:
        read_condition_overrides(book, as_of=dt.date(2027, 6, 30))
    assert "2026-06-30" in str(caught.value) and "2027-06-30" in str(caught.value)
    assert "增容条件人工认定表" in str(caught.value)
