"""Recorded overrides (人工认定, issue 15 item 3): applied with both verdicts, kept, reviewed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import load_workbook

from landgov.core.editable import EDIT_MARK
from landgov.core.problems import PROBLEM_COLUMNS
from landgov.run.files import RunInputs
from landgov.run.overrides import (
    LAYOUT,
    Overrides,
    apply_overrides,
    read_overrides,
    write_overrides,
)
from landgov.run.screening import run_screening
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
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    generate(folder, n_parcels=150, seed=11)
    return folder


def _screen(sample: Path, out: Path, overrides: Path | None = None, **files: Path):
    inputs = RunInputs(
        parcels=files.get("parcels", sample / "parcels.shp"),
        enterprises=sample / "enterprises.xlsx",
        links=sample / "links.xlsx",
    )
    return run_screening(
        inputs, profile="yuecheng-2022", as_of="2026-06-30", out_dir=out, progress=False,
        overrides=overrides,
    )  # fmt: skip


@pytest.fixture(scope="module")
def first(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "run"
    _screen(sample, out)
    return out


def _fill(path: Path, edits: dict[str, dict[str, object]]) -> None:
    wb = load_workbook(path)
    ws = wb[LAYOUT.sheet]
    col = {str(c.value).replace(EDIT_MARK, ""): c.column for c in ws[1] if c.value}
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for key, values in edits.items():
        for name, value in values.items():
            ws.cell(rows[key], col[name]).value = value
    wb.save(path)


def _plots(first: Path) -> pd.DataFrame:
    return pd.read_excel(first / "landgov.xlsx", sheet_name="底数清单", dtype=object)


def test_override_applied_with_both_verdicts_and_the_record(sample, first, tmp_path):
    book = write_overrides(first, tmp_path / "认定.xlsx")
    plots = _plots(first)
    gov = plots[plots["筛查结论"] == "治理"]
    a, b = gov.iloc[0], gov.iloc[1]
    new_path = "关停退出" if a["四个一批路径"] != "关停退出" else "整治提升"
    _fill(
        book,
        {
            a["宗地代码"]: {"认定路径": new_path, **RECORD},
            b["宗地代码"]: {"认定筛查结论": "不列入", **RECORD},
        },
    )
    run = _screen(sample, tmp_path / "run2", overrides=book)
    p = run.parcels.set_index("parcel_id")
    one, two = p.loc[a["宗地代码"]], p.loc[b["宗地代码"]]
    assert one["path"] == new_path and one["path_computed"] == a["四个一批路径"]
    assert one["override_status"] == "已采用"
    assert "人工认定：治理路径" in one["override"] and "越城会纪〔2026〕3号" in one["override"]
    assert "认定人：张三（2026-07-20）" in one["reasons"]
    assert two["screening_status"] == "不列入" and two["screening_status_computed"] == "治理"
    assert b["宗地代码"] not in set(run.governance["parcel_id"])  # the list follows the decision
    headers = pd.read_excel(tmp_path / "run2" / "landgov.xlsx", sheet_name="治理清单").columns
    assert {"计算四个一批路径", "人工认定", "人工认定状态"} <= set(headers)
    # the map's popup shows the decision and the computed verdicts beside the decided ones
    from landgov.maps import build_map

    page = build_map(tmp_path / "run2").html
    spec = re.search(r'id="lg-config">(.*?)</script>', page, re.S).group(1)
    keys = {f["k"]: f["l"] for f in _fields(spec)}
    assert keys["override"] == "人工认定" and keys["path_computed"] == "计算四个一批路径"
    assert keys["screening_status_computed"] == "计算筛查结论"


def _fields(spec: str) -> list[dict]:
    """Every popup field spec ({"k", "l", …}) in the map's config."""
    import json

    found: list[dict] = []

    def walk(x: object) -> None:
        if isinstance(x, dict):
            if {"k", "l", "t"} <= set(x):
                found.append(x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(json.loads(spec))
    return found


def test_incomplete_or_withdrawn_override_is_not_applied(sample, first, tmp_path):
    book = write_overrides(first, tmp_path / "认定.xlsx")
    gov = _plots(first)
    gov = gov[gov["筛查结论"] == "治理"]
    a, b = gov.iloc[0]["宗地代码"], gov.iloc[1]["宗地代码"]
    _fill(
        book,
        {
            a: {"认定筛查结论": "不列入", "认定人": "张三"},  # no 理由, date, document
            b: {"认定筛查结论": "不列入", **RECORD, "撤回": "是"},
        },
    )
    got = read_overrides(book)
    assert got.rows.empty
    assert "缺少理由、认定日期、文件依据" in " ".join(got.problems["problem"])
    run = _screen(sample, tmp_path / "run2", overrides=book)
    assert {a, b} <= set(run.governance["parcel_id"])


def test_kept_across_runs_until_the_facts_change(sample, first, tmp_path):
    book = write_overrides(first, tmp_path / "认定.xlsx")
    plots = _plots(first)
    a = plots[plots["筛查结论"] == "治理"].iloc[0]["宗地代码"]
    _fill(book, {a: {"认定筛查结论": "不列入", **RECORD}})
    # a refresh from the same run keeps the decision
    write_overrides(first, book)
    assert read_overrides(book).rows["宗地代码"].tolist() == [a]
    # the facts change: the snapshot no longer matches → 待复核, not applied, reported
    rows = read_overrides(book).rows.copy()
    rows["认定时计算结果"] = "不列入｜｜"
    parcels = pd.DataFrame(
        {"parcel_id": [a], "screening_status": ["治理"], "path": ["整治提升"],
         "flags": ["低效用地"], "reasons": ["低效"]}
    )  # fmt: skip
    out, problems = apply_overrides(parcels, Overrides(rows, pd.DataFrame(columns=PROBLEM_COLUMNS)))
    assert out.iloc[0]["screening_status"] == "治理" and out.iloc[0]["override_status"] == "待复核"
    assert "计算结果已变化" in " ".join(problems["problem"])
    # and a plot that is gone is reported (in a run that has other plots of the form: a run
    # with none of them is another county's, refused)
    b = plots[plots["筛查结论"] == "治理"].iloc[1]["宗地代码"]
    later = pd.concat([parcels.assign(parcel_id="X"), parcels.assign(parcel_id=b)])
    out, problems = apply_overrides(later.reset_index(drop=True), read_overrides(book))
    assert "已不在本次宗地图层中" in " ".join(problems["problem"])
    assert out["override_status"].isna().all()


def test_refresh_flags_a_decision_whose_facts_changed(first, tmp_path):
    book = write_overrides(first, tmp_path / "认定.xlsx")
    plots = _plots(first)
    a = plots[plots["筛查结论"] == "治理"].iloc[0]["宗地代码"]
    _fill(book, {a: {"认定路径": "关停退出", **RECORD, "认定时计算结果": "不列入｜｜"}})
    write_overrides(first, book)
    ws = load_workbook(book)[LAYOUT.sheet]
    comments = [c.comment.text for row in ws.iter_rows() for c in row if c.comment]
    assert any("请复核该认定" in t for t in comments)


def test_cli_override(first, tmp_path):
    result = run_cli("override", first, "--out", tmp_path / "认定.xlsx")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "认定.xlsx").exists()
    assert_clean_error(run_cli("override", tmp_path / "nope", "--out", tmp_path / "x.xlsx"))


def test_overrides_survive_a_libreoffice_resave(first, tmp_path):
    book = write_overrides(first, tmp_path / "认定.xlsx")
    plots = _plots(first)
    a = plots[plots["筛查结论"] == "治理"].iloc[0]["宗地代码"]
    _fill(book, {a: {"认定路径": "关停退出", **RECORD}})
    again = resave(book, tmp_path)
    rows = read_overrides(again).rows
    assert rows["宗地代码"].tolist() == [a]
    assert rows.iloc[0]["认定日期"] == DAY and rows.iloc[0]["文件依据"] == RECORD["文件依据"]


def test_blocks_follow_the_decided_paths(sample, first, tmp_path):
    plots = gpd.read_parquet(first / "landgov_parcels.parquet")
    before = pd.read_parquet(first / "landgov_blocks.parquet").set_index("block_id", drop=False)
    sizes = plots["block_id"].dropna().value_counts()
    bid = sizes[sizes >= 2].index[0]
    members = plots[plots["block_id"] == bid].sort_values("area_m2")
    out = members.iloc[0]["parcel_id"]  # the smallest plot leaves the block
    book = write_overrides(first, tmp_path / "认定.xlsx")
    _fill(book, {out: {"认定路径": "整治提升", **RECORD}})
    run = _screen(sample, tmp_path / "run2", overrides=book)
    p = run.parcels.set_index("parcel_id")
    assert p.loc[out, "path"] == "整治提升" and pd.isna(p.loc[out, "block_id"])
    after = run.blocks.set_index("block_id", drop=False)
    left = set(members["parcel_id"]) - {out}
    kept = set(p.index[p["block_id"] == bid])
    assert kept and kept <= left  # the block continues under its id, without the plot
    assert after.loc[bid, "n_parcels"] == len(kept)
    kept_m2 = members.loc[members["parcel_id"].isin(kept), "area_m2"].sum()
    assert after.loc[bid, "area_mu"] == pytest.approx(kept_m2 * 15 / 10000)
    assert after.loc[bid, "area_mu"] < before.loc[bid, "area_mu"]
    assert out not in str(after.loc[bid, "parcel_ids"])
    # the other blocks are the same blocks under the same ids
    for other in before.index.difference([bid]):
        assert after.loc[other, "parcel_ids"] == before.loc[other, "parcel_ids"]
    assert len(pd.read_parquet(tmp_path / "run2" / "landgov_blocks.parquet")) == len(after)
    # no other plot's text still names the block as it was (tests/test_override_blocks.py)
    assert _stale_block_claims(run.parcels) == []
    assert _stale_block_claims(gpd.read_parquet(first / "landgov_parcels.parquet")) == []


def _stale_block_claims(parcels: pd.DataFrame) -> list[str]:
    """Plots (not decided by a person) whose reasons name a block other than theirs, or with
    another area, without being flagged for review."""
    bad = []
    decided = parcels.get("override_status", pd.Series(None, index=parcels.index))
    for row in parcels[decided.ne("已采用")].to_dict("records"):
        text = row.get("reasons")
        if not isinstance(text, str) or text.startswith("待复核："):
            continue
        for bid, area in re.findall(r"属连片地块 (\S+)（([\d.,]+) 亩）", text):
            if bid != row["block_id"] or float(area.replace(",", "")) != pytest.approx(
                row["block_area_mu"], abs=0.01
            ):
                bad.append(f"{row['parcel_id']}: {bid} {area} ≠ {row['block_id']}")
    return bad


def test_manifest_records_the_verified_folder_and_the_overrides_file(sample, first, tmp_path):
    from landgov.core.runfolder import file_sha256
    from landgov.run.verify import write_verify

    book = write_overrides(first, tmp_path / "认定.xlsx")
    plots = _plots(first)
    gov = plots[plots["筛查结论"] == "治理"]["宗地代码"].tolist()
    _fill(
        book,
        {
            gov[0]: {"认定筛查结论": "不列入", **RECORD},
            gov[1]: {"认定筛查结论": "不列入", **RECORD, "撤回": "是"},
            gov[2]: {"认定筛查结论": "不列入", "认定人": "张三"},
            gov[3]: {"认定路径": "整治提升", **RECORD, "认定时计算结果": "不列入｜｜"},
        },
    )
    vdir = tmp_path / "核实"
    files = write_verify(first, vdir)
    inputs = RunInputs(
        parcels=sample / "parcels.shp", enterprises=sample / "enterprises.xlsx",
        links=sample / "links.xlsx",
    )  # fmt: skip
    run = run_screening(
        inputs, profile="yuecheng-2022", as_of="2026-06-30", out_dir=tmp_path / "run2",
        progress=False, overrides=book, verified=vdir,
    )  # fmt: skip
    got = run.manifest["overrides"]
    assert got == {
        "path": str(book), "sha256": file_sha256(book), "applied": 1, "stale": 1,
        "rejected": 1, "withdrawn": 1,
    }  # fmt: skip
    seen = run.manifest["verified"]
    assert seen["path"] == str(vdir) and seen["answers"] == 0 and seen["values_used"] == 0
    assert seen["files"] == {f.name: file_sha256(f) for f in files}


def test_a_refresh_from_a_run_that_applied_the_overrides_keeps_them_unflagged(
    sample, first, tmp_path
):
    book = write_overrides(first, tmp_path / "认定.xlsx")
    gov = _plots(first)
    gov = gov[gov["筛查结论"] == "治理"]
    a, b = gov.iloc[0], gov.iloc[1]
    path = "关停退出" if a["四个一批路径"] != "关停退出" else "整治提升"
    _fill(book, {a["宗地代码"]: {"认定路径": path, **RECORD}})
    _fill(book, {b["宗地代码"]: {"认定筛查结论": "不列入", **RECORD}})
    second = tmp_path / "run2"
    _screen(sample, second, overrides=book)
    write_overrides(second, book)  # the next round starts from the run with the decisions
    ws = load_workbook(book)[LAYOUT.sheet]
    assert not [c for r in ws.iter_rows() for c in r if c.comment and "复核" in c.comment.text]
    again = read_overrides(book).rows.set_index("宗地代码")
    assert again.loc[b["宗地代码"], "计算筛查结论"] == "治理"  # computed, not the decision
    third = _screen(sample, tmp_path / "run3", overrides=book)
    p = third.parcels.set_index("parcel_id")
    assert (
        p.loc[a["宗地代码"], "path"] == path
        and p.loc[b["宗地代码"], "screening_status"] == "不列入"
    )
    assert set(p["override_status"].dropna()) == {"已采用"}


def test_township_summary_and_meeting_table_show_decided_and_computed(sample, first, tmp_path):
    from landgov.reports.meeting import packet_pages

    book = write_overrides(first, tmp_path / "认定.xlsx")
    plots = _plots(first)
    gov = plots[plots["筛查结论"] == "治理"]
    out = gov.iloc[0]
    town = out["镇街"]
    _fill(book, {out["宗地代码"]: {"认定筛查结论": "不列入", **RECORD}})
    _screen(sample, tmp_path / "run2", overrides=book)
    sheet = "镇街汇总"
    before = pd.read_excel(first / "landgov.xlsx", sheet_name=sheet, dtype=str).set_index("镇街")
    after = pd.read_excel(tmp_path / "run2" / "landgov.xlsx", sheet_name=sheet, dtype=str)
    after = after.set_index("镇街")
    # the sheet counts the decided verdicts, the computed figures beside them
    n, n_computed = "治理清单宗地数", "治理清单宗地数（计算）"
    for where in (town, "全区"):
        assert int(after.loc[where, n]) == int(before.loc[where, n]) - 1
        assert after.loc[where, n_computed] == before.loc[where, n]
    # the packet's 镇街 table: the same decided figure, the computed one beside it
    table = packet_pages(tmp_path / "run2")[0].tables[0]
    at = table.headers.index("治理清单宗地数")
    rows = {r[0]: r for r in table.rows}
    assert rows[town][at] == f"系统：{before.loc[town, n]}\n→ 认定：{after.loc[town, n]}"
    assert rows["全区"][at] == f"系统：{before.loc['全区', n]}\n→ 认定：{after.loc['全区', n]}"
    unchanged = [t for t in rows if t not in (town, "全区")]
    for t in unchanged:  # a 镇街 no override touched: its figure alone
        assert rows[t][at] == str(after.loc[t, n])
    assert "人工认定改变了该数" in "".join(packet_pages(tmp_path / "run2")[0].notes)
