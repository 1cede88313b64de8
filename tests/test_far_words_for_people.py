"""增容 without the optional layers: what people read names the missing inputs in Chinese.

A county often runs ``landgov far`` with the plots, the enterprises and the applications only.
Conditions 一, 三.1 and 三.3 then lack the demolition plan, the violation table and the planning
layer. Their notes (the workbook, the map's popups, the 系统预审 form) and the overall reason
printed the readers' internal forms: 「拆迁计划图层 demolition」,
「违法违规记录表 compliance（uscc、parcel_id、…）」. They now say what the 待核实事项 column says:
「近年拆迁计划范围〔房屋征收部门〕」 and so on.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pyogrio
import pytest
from _cli import run_cli

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
#: An internal form of a missing input, or a field name of the readers, in a text for people.
INTERNAL = re.compile(
    r"宗地字段 |企业表字段 |地企关联表 pairs|拆迁计划图层 demolition|违法违规记录表 compliance"
    r"|规划用途图层 planning|(?<![A-Za-z0-9_./\\-])[a-z]+_[a-z_]+(?![A-Za-z0-9_./\\-])"
)
TEXTS = ["scope_note", "cond1_note", "cond3_note", "zengrong_reason", "missing"]


@pytest.fixture(scope="module")
def bare_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("far") / "增容"
    result = run_cli(
        "far", "-q", "-p", SAMPLE / "parcels.shp", "-e", SAMPLE / "enterprises.xlsx",
        "-l", SAMPLE / "links.xlsx", "-a", SAMPLE / "applications.xlsx",
        "--forms", "applications", "--as-of", "2026-06-30", "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.mark.parametrize("layer", ["far", "far_applications"])
def test_notes_and_reasons_name_missing_inputs_in_chinese(bare_run: Path, layer: str) -> None:
    frame = pyogrio.read_dataframe(bare_run / "landgov.gpkg", layer=layer, read_geometry=False)
    for column in TEXTS:
        for text in frame[column].dropna().astype(str).unique():
            assert not INTERNAL.search(text), (column, text)
    notes = frame["cond1_note"].dropna().astype(str)
    assert notes.str.contains("近年拆迁计划范围〔房屋征收部门〕").any()
    assert notes.str.contains("违法违规记录（整改情况、记录日期）〔综合行政执法局〕").any()
    # the overall reason of a 待核实 lists what the 待核实事项 column lists, in its words
    unsure = frame[frame["zengrong"] == "待核实"]
    assert len(unsure)
    plain = unsure[~unsure["zengrong_reason"].str.contains("联席会议")]
    assert (plain["zengrong_reason"] == "待核实：" + plain["missing"]).all()


def test_the_system_precheck_forms_name_missing_inputs_in_chinese(bare_run: Path) -> None:
    forms = sorted((bare_run / "系统预审").rglob("*.docx"))
    assert forms
    for form in forms:
        with zipfile.ZipFile(form) as z:
            text = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))
        assert not INTERNAL.search(text), (form.name, INTERNAL.search(text))
        assert "〔房屋征收部门〕" in text, form.name


def _filed_or_not(frame) -> list[str]:
    """Every item of the 待核实事项 column and of the conditions' 「（缺少：…）」 that names no
    department (:func:`landgov.core.collect.parse_item` reads 「—」)."""
    from landgov.core.collect import parse_item, split_items
    from landgov.far.zengrong._outcome import MEETING_REVIEW

    lists = list(frame["missing"].dropna().astype(str).unique())
    for column in [c for c in frame.columns if c.endswith("_note") and c.startswith(("cond", "s"))]:
        for note in frame[column].dropna().astype(str).unique():
            if "（缺少：" in note:
                lists.append(note.rsplit("（缺少：", 1)[1].removesuffix("）"))
    items = {item for text in lists for item in split_items(text)}
    return sorted(i for i in items if parse_item(i).department == "—" and i != MEETING_REVIEW)


@pytest.mark.parametrize("layer", ["far", "far_applications"])
def test_every_item_to_collect_names_its_department(bare_run: Path, demo_run: Path, layer: str):
    """增容's own items (the application's figures, the county's 《标准地》 control values, the
    planning department's confirmation, the county's readings) were listed without a department
    while screening's shared items had one: 问题分送 and a reader could not tell who to ask.
    Every item now names one (the joint meeting's review is a step, not data to collect)."""
    for run in (bare_run, demo_run / "out" / "demo"):
        frame = pyogrio.read_dataframe(run / "landgov.gpkg", layer=layer, read_geometry=False)
        assert frame["missing"].fillna("").str.contains("〔申请企业〕").any()
        assert _filed_or_not(frame) == []
