"""初审表 (.docx) and the joint-meeting packet (Excel)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from landgov.far.zengrong import CONDITIONS
from landgov.reports.chushen import FORM_ROWS, FORM_TITLE, safe_filename, write_form, write_forms
from landgov.reports.packet import SHEET, packet_frame, write_packet
from landgov.verdict import Citation, Status, Verdict

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_7f41c001187a5483.txt"


def _row(**over):
    verdicts = tuple(
        Verdict(f"zengrong.{c}", Status.PASS, "符合", Citation("000", "附件3")) for c in CONDITIONS
    )
    row = {
        "application_id": "ZR2024-001",
        "parcel_id": "330602001001GB00001",
        "township": "马山街道",
        "enterprise_name": "绍兴某某机械有限公司",
        "legal_rep": "张三",
        "contact": "李四 13800000000",
        "project_name": "年产 5 万套精密部件增容技改项目",
        "investment_wan": 8000.0,
        "investment_per_mu_wan": 350.0,
        "industry_name": "金属结构制造",
        "industry_code": "3311",
        "land_mu": 20.0,
        "floor_area_m2": 10666.67,
        "far": 0.8,
        "tax_per_mu_now_wan": 15.0,
        "added_floor_m2": 5000.0,
        "tax_per_mu_after_wan": 45.0,
        "far_after": 1.18,
        "content": "新建 4 层生产车间",
        "zengrong": "可申报",
        "zengrong_reason": "各项条件符合",
        "verdicts": verdicts,
        "as_of": "2024-06-30",
        "catalogue_edition": "2024年本",
    }
    return row | over


def _cells(doc):
    table = doc.tables[0]
    return [[c.text for c in row.cells] for row in table.rows]


def test_form_has_the_rows_of_attachment_3_1(tmp_path):
    doc = Document(str(write_form(_row(), tmp_path / "f.docx")))
    assert doc.paragraphs[0].text == FORM_TITLE
    rows = _cells(doc)
    assert len(rows) == len(FORM_ROWS)
    for cells, labels in zip(rows, FORM_ROWS, strict=True):
        if len(labels) == 2:
            assert (cells[0], cells[2]) == labels
        else:
            assert cells[0] == labels[0]
            assert cells[1] == cells[3]  # merged value cell


@pytest.mark.skipif(not SEED.exists(), reason="seed file not available")
def test_form_rows_match_the_seed_text():
    text = SEED.read_text(encoding="utf-8")
    block = text[text.index("附件 3.1") : text.index("附件 3.2")]
    lines = [ln for ln in block.splitlines()[2:] if ln.strip()][1:]  # skip the title
    seed_labels = [re.sub(r"\s+", "", ln.split("\t")[0]) for ln in lines]
    assert seed_labels == [labels[0] for labels in FORM_ROWS]
    assert "联系人" in lines[1] and "固定资产投资强度" in lines[3]


def test_known_fields_are_filled(tmp_path):
    doc = Document(str(write_form(_row(), tmp_path / "f.docx")))
    rows = _cells(doc)
    assert rows[0][1] == "绍兴某某机械有限公司"
    assert rows[1][1] == "张三" and rows[1][3] == "李四 13800000000"
    assert rows[3][1] == "8,000.00 万元" and rows[3][3] == "350.00 万元/亩"
    assert "330602001001GB00001" in rows[4][1]
    assert "3311" in rows[5][1]
    assert "20.00 亩" in rows[6][1] and "0.80" in rows[6][1] and "15.00 万元/亩" in rows[6][1]
    assert "5,000.00 平方米" in rows[7][1] and "1.18" in rows[7][1]
    assert "重置价" in rows[9][1]
    # the pre-check page is a second table
    assert len(doc.tables) == 2 and len(doc.tables[1].rows) == len(CONDITIONS) + 1


def test_unknown_fields_left_blank(tmp_path):
    row = _row(investment_wan=None, far_after=float("nan"), legal_rep=None)
    rows = _cells(Document(str(write_form(row, tmp_path / "f.docx"))))
    assert rows[1][1] == ""
    assert rows[3][1].strip() == "万元"
    assert "nan" not in "".join(rows[7])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('ZR/001_a:b*c?"d<e>f|g', "ZR_001_a_b_c__d_e_f_g"),
        ("CON", "_CON"),
        ("名称. ", "名称"),
        ("", "未命名"),
    ],
)
def test_safe_filename(text, expected):
    assert safe_filename(text) == expected


def test_batch_per_township(tmp_path):
    rows = pd.DataFrame(
        [
            _row(),
            _row(application_id="ZR2024-002", township="孙端街道", enterprise_name="A/B公司"),
            _row(application_id="ZR2024-003", zengrong="不可申报"),
        ]
    )
    written = write_forms(rows, tmp_path, township="马山街道", only=("可申报", "待核实"))
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "马山街道/ZR2024-001_绍兴某某机械有限公司.docx"
    ]
    every = write_forms(rows, tmp_path / "all")
    assert {p.parent.name for p in every} == {"马山街道", "孙端街道"}
    assert (tmp_path / "all" / "孙端街道" / "ZR2024-002_A_B公司.docx").exists()


def test_packet_adds_sheet_and_keeps_others(tmp_path):
    path = tmp_path / "landgov.xlsx"
    wb = Workbook()
    wb.active.title = "底数清单"
    wb.active["A1"] = "keep me"
    wb.save(path)
    apps = pd.DataFrame([_row()])
    screened = pd.DataFrame(
        [
            _row(application_id=None, parcel_id="P2", zengrong="待核实", headroom_m2=100.0),
            _row(application_id=None, parcel_id="P3", zengrong="不可申报", headroom_m2=0.0),
            _row(application_id=None, parcel_id="330602001001GB00001", zengrong="待核实"),
        ]
    ).assign(**{c: "符合" for c in CONDITIONS}, **{f"{c}_note": "说明" for c in CONDITIONS})
    frame = packet_frame(apps.assign(**{c: "符合" for c in CONDITIONS}), screened)
    assert frame["parcel_id"].tolist() == ["330602001001GB00001", "P2"]
    write_packet(frame, path)
    write_packet(frame, path)  # replacing the sheet, not adding a second one
    wb = load_workbook(path)
    assert wb.sheetnames == ["底数清单", SHEET]
    assert wb["底数清单"]["A1"].value == "keep me"
    ws = wb[SHEET]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["来源", "申请编号", "镇街"]
    assert "条件1 面积/拆迁/违建/临时用途" in headers and "总体结论" in headers
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert ws.max_row == 3
