"""初审表 (.docx) and the joint-meeting packet (Excel)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook

from landgov.far.zengrong import CONDITIONS
from landgov.reports.chushen import (
    FORM_ROWS,
    FORM_TITLE,
    HINTS,
    PAGE,
    ROW_HEIGHTS_CM,
    build_form,
    safe_filename,
    write_form,
    write_forms,
)
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
    doc = Document(str(write_form(_row(), tmp_path / "f.docx", precheck_to=tmp_path / "c.docx")))
    rows = _cells(doc)
    assert rows[0][1] == "绍兴某某机械有限公司"
    assert rows[1][1] == "张三" and rows[1][3] == "李四 13800000000"
    assert rows[3][1] == "8,000.00 万元" and rows[3][3] == "350.00 万元/亩"
    assert "330602001001GB00001" in rows[4][1]
    assert "3311" in rows[5][1]
    assert "20.00 亩" in rows[6][1] and "0.80" in rows[6][1] and "15.00 万元/亩" in rows[6][1]
    assert "5,000.00 平方米" in rows[7][1] and "1.18" in rows[7][1]
    assert "重置价" in rows[9][1]
    # the form file holds the form only; the pre-check is a separate file
    assert len(doc.tables) == 1
    check = Document(str(tmp_path / "c.docx"))
    assert len(check.tables) == 1 and len(check.tables[0].rows) == len(CONDITIONS) + 1


def test_control_characters_from_a_countys_system_are_written_never_a_crash(tmp_path):
    # A name exported from a county's system with a bell (U+0007), NUL, ESC, VT or U+FFFF in
    # it: XML 1.0 cannot hold them, and python-docx refused the whole run (「内部出错」, exit
    # 3). Written as Excel cells show them: ␇ ␀ ␛ ␋ and �, on the form and the pre-check,
    # in the reasons as in the fields.
    name = "绍兴\x07测\x00试\x1b机\x0b械\uffff有限公司"
    verdicts = tuple(
        Verdict(f"zengrong.{c}", Status.PASS, f"{name}符合", Citation("000", "附件3"))
        for c in CONDITIONS
    )
    row = _row(enterprise_name=name, content=f"{name}新建车间", verdicts=verdicts)
    row["zengrong_reason"] = f"{name}各项条件符合"
    form = write_form(row, tmp_path / "f.docx", precheck_to=tmp_path / "c.docx")
    shown = "绍兴␇测␀试␛机␋械�有限公司"
    assert _cells(Document(str(form)))[0][1] == shown
    check = Document(str(tmp_path / "c.docx"))
    assert shown in "\n".join(c.text for r in check.tables[0].rows for c in r.cells)


#: What a 摸排 candidate's row (``check_parcels``) lacks: the application's columns.
_APPLICATION_KEYS = (
    "application_id", "project_name", "investment_wan", "investment_per_mu_wan",
    "added_floor_m2", "tax_per_mu_after_wan", "far_after", "content",
)  # fmt: skip


def _candidate(**over):
    """A screened plot's row: no application columns (the enterprise writes its project in)."""
    return {k: v for k, v in _row(**over).items() if k not in _APPLICATION_KEYS}


def test_unknown_fields_say_what_is_missing(tmp_path):
    # an application: what landgov fills and lacks is 待核实 with what is missing, never blank
    row = _row(investment_wan=None, far_after=float("nan"), legal_rep=None)
    rows = _cells(Document(str(write_form(row, tmp_path / "f.docx"))))
    assert rows[1][1] == "待核实（缺少：企业表：法定代表人）"
    assert rows[3][1] == "待核实（缺少：申请表：项目总投资（万元））"
    assert "nan" not in "".join(rows[7])
    # a candidate: the project is the enterprise's to write in, blank as on the printed form
    blank = _cells(build_form(_candidate(legal_rep=None)))
    assert blank[1][1] == "（姓名）"  # the form's own hint, as printed in 附件3.1
    assert blank[2][1] == "" and blank[3][1].strip() == "万元"
    assert blank[7][1].split("\n")[0].strip() == "1.新增建筑面积：       平方米".strip()


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
    every = write_forms(rows, tmp_path / "all", precheck_dir=tmp_path / "checks")
    assert {p.parent.name for p in every} == {"马山街道", "孙端街道"}
    assert (tmp_path / "all" / "孙端街道" / "ZR2024-002_A_B公司.docx").exists()
    # the forms' folder holds forms only; the pre-checks are a tree of their own
    assert len(list((tmp_path / "all").rglob("*.docx"))) == len(every) == 3
    pre = tmp_path / "checks" / "孙端街道" / "ZR2024-002_A_B公司_系统预审.docx"
    assert pre.exists()


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
    assert ws.freeze_panes == "F2" and ws.auto_filter.ref  # 来源 … 企业名称 stay in view
    assert ws.max_row == 3


def test_packet_lists_candidates_by_township_then_largest_headroom():
    """Applied plots and 不可申报 left out; 镇街 in order, the largest headroom first, ties and
    unknown headroom as they came (whatever the index labels)."""
    apps = pd.DataFrame([_row(parcel_id="P9")])
    plots = [
        ("P1", "孙端街道", "待核实", 10.0),
        ("P2", "马山街道", "待核实", 5.0),
        ("P3", "马山街道", "待核实", np.nan),
        ("P4", "马山街道", "不可申报", 50.0),
        ("P5", "马山街道", "待核实", 20.0),
        ("P6", "马山街道", "待核实", 5.0),
        ("P9", "马山街道", "待核实", 99.0),  # applied for: listed as the application
    ]
    screened = pd.DataFrame(
        [
            _row(application_id=None, parcel_id=p, township=t, zengrong=z, headroom_m2=h)
            for p, t, z, h in plots
        ],
        index=[70, 3, 5, 1, 60, 2, 4],
    )
    frame = packet_frame(apps, screened)
    assert frame["parcel_id"].tolist() == ["P9", "P1", "P5", "P2", "P6", "P3"]
    assert frame["source_kind"].tolist() == ["申请审查"] + ["摸排候选"] * 5
    assert frame.index.tolist() == list(range(6))


# --- the printed form of 附件3.1: one A4 page, rows to write in, the cell hints -------------------


def test_form_page_is_a4_portrait_with_margins(tmp_path):
    section = Document(str(write_form(_row(), tmp_path / "f.docx"))).sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    cm = pytest.approx  # lengths are stored in twips (1/1440 inch)
    assert (section.page_width.cm, section.page_height.cm) == (
        cm(21.0, abs=0.01),
        cm(29.7, abs=0.01),
    )
    for side in ("left", "right", "top", "bottom"):
        assert getattr(section, f"{side}_margin").cm == cm(PAGE[side], abs=0.01)
    # title (1.2 cm) and rows fit the printable height (29.7 − 1.8 − 1.8 = 26.1 cm), with 1 cm
    # for the note
    assert sum(ROW_HEIGHTS_CM) + 1.2 + 1.0 <= PAGE["height"] - PAGE["top"] - PAGE["bottom"]


def test_form_rows_are_tall_enough_to_write_in(tmp_path):
    table = Document(str(write_form(_row(), tmp_path / "f.docx"))).tables[0]
    for row, height in zip(table.rows, ROW_HEIGHTS_CM, strict=True):
        assert row.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST  # grows with long text
        assert row.height.cm == pytest.approx(height, abs=0.01)
        assert height >= 1.2  # a handwritten line
    opinion = dict(zip([r[0] for r in FORM_ROWS], ROW_HEIGHTS_CM, strict=True))
    assert opinion["镇人民政府、街道办事处审核意见"] >= 4.0 and opinion["项目建设内容"] >= 3.0


def test_form_shows_the_cell_hints_when_name_or_contact_is_unknown():
    # 附件3.1: 「法人代表 （姓名） 联系人 （姓名、电话）」
    blank = _cells(build_form(_candidate(legal_rep=None, contact="")))
    assert (blank[1][1], blank[1][3]) == ("（姓名）", "（姓名、电话）")
    assert HINTS == {
        "法人代表": "（姓名）",
        "联系人": "（姓名、电话）",
        "所属行业": "（行业名称及代码）",
    }
    filled = _cells(build_form(_row()))
    assert (filled[1][1], filled[1][3]) == ("张三", "李四 13800000000")


def test_form_prints_alone_without_example_rule_labels(tmp_path):
    """The pre-check may cite 示例规则（非官方）: it goes to a separate file, never the form."""
    cite = Citation("000", "附件3 三.6", official=False)
    missing = ("区级《标准地》控制指标",)
    unofficial = (Verdict("zengrong.cond6", Status.UNKNOWN, "示例控制值", cite, missing=missing),)
    check_path = tmp_path / "系统预审" / "f_系统预审.docx"
    path = write_form(_row(verdicts=unofficial, zengrong="待核实"), tmp_path / "f.docx",
                      precheck_to=check_path)  # fmt: skip
    form = Document(str(path))
    text = "\n".join(p.text for p in form.paragraphs)
    text += "\n".join(c.text for r in form.tables[0].rows for c in r.cells)
    assert "示例规则" not in text and "系统预审" not in text
    assert 'w:type="page"' not in form.element.xml  # no page break: the form is one page
    check = Document(str(check_path))
    check_text = "\n".join(c.text for r in check.tables[0].rows for c in r.cells)
    assert "示例规则（非官方）" in check_text
    assert "不随初审表报送" in check.paragraphs[0].text
    assert "ZR2024-001" in check.paragraphs[1].text


def test_no_precheck_file_without_verdicts(tmp_path):
    row = {"enterprise_name": "甲", "parcel_id": "P1"}
    path = write_form(row, tmp_path / "f.docx", precheck_to=tmp_path / "c.docx")
    assert path.exists() and not (tmp_path / "c.docx").exists()


def test_relaxation_note_under_the_form():
    # 附件3 三: 「涉及印染化工电镀涉改企业二次开发项目相关要求可适当放宽，具体以区工业用地二次开发
    # 联席会议审议明确为准」
    row = _row(
        relaxation="印染涉改企业：相关要求可由区工业用地二次开发联席会议审议适当放宽",
        meeting_review="条件1 面积/拆迁/违建/临时用途",
    )
    note = build_form(row).paragraphs[-1].text
    assert note.startswith("注：申请企业为印染涉改企业")
    assert "[越政发〔2022〕24号 附件3 第三条]" in note and "条件1 面积" in note
    assert build_form(_row()).paragraphs[-1].text == ""


def _soffice_pages(docx: Path, tmp_path: Path) -> int | None:
    """Pages of ``docx`` as LibreOffice lays it out; None when LibreOffice Writer is absent."""
    exe = shutil.which("soffice")
    if exe is None:
        return None
    profile = (tmp_path / "lo").as_uri()
    cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*cmd, "--outdir", str(tmp_path), str(docx)], capture_output=True, timeout=300, check=False
    )
    pdf = tmp_path / f"{docx.stem}.pdf"
    if not pdf.exists():  # Writer not installed (Calc alone cannot open .docx)
        return None
    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))


def test_form_renders_on_one_a4_page(tmp_path):
    row = _row(
        relaxation="印染涉改企业：相关要求可由区工业用地二次开发联席会议审议适当放宽",
        meeting_review="条件1 面积/拆迁/违建/临时用途、条件6 标准地指标",
    )
    pages = _soffice_pages(write_form(row, tmp_path / "form.docx"), tmp_path)
    if pages is None:
        pytest.skip("LibreOffice Writer not installed")
    assert pages == 1


def test_form_names_its_application_number_or_leaves_it_to_be_written_in():
    doc = build_form(_row(application_id="ZR2026-011"))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "越城区、滨海新区存量工业用地增容项目初审表"
    assert texts[1] == "申请编号：ZR2026-011"
    candidate = build_form(_row(application_id=None))
    assert candidate.paragraphs[1].text.startswith("申请编号：＿")  # a 摸排 candidate: by hand
    assert "ZR" not in candidate.paragraphs[1].text


def test_precheck_gives_the_reasons_the_width_of_the_page():
    from landgov.reports.chushen import PRECHECK_WIDTHS_CM, build_precheck

    doc = build_precheck(_row(zengrong="可申报"))
    assert doc is not None
    table = doc.tables[0]
    widths = [round(c.width.cm, 1) for c in table.rows[1].cells]
    assert widths == list(PRECHECK_WIDTHS_CM) and widths[1] > 3 * widths[0]
    usable = PAGE["width"] - PAGE["left"] - PAGE["right"]
    assert sum(widths) <= usable + 0.01
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # header on every page


def test_no_candidate_form_for_a_plot_with_an_application(tmp_path):
    """One plot, one form (audit F6): with ``--forms all`` plot P1, applied for by its tenant
    (租户公司), gets the application's form only — no 摸排候选 form in its owner's name
    (业主公司), which the 增容审查 sheet has no row for; P2, not applied for, gets its candidate
    form. The forms written are the sheet's rows."""
    from landgov.run.far import _write_forms

    apps = pd.DataFrame([_row(application_id="ZR-1", parcel_id="P1", enterprise_name="租户公司")])
    screened = pd.DataFrame(
        [
            _row(application_id=None, parcel_id=p, enterprise_name=n, zengrong="待核实")
            for p, n in (("P1", "业主公司"), ("P2", "乙公司"))
        ]
    ).drop(columns="added_floor_m2")
    written = _write_forms((apps, screened), tmp_path, mode="all", township=None)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in written)
    assert names == [
        "初审表/摸排候选/马山街道/P2_乙公司.docx",
        "初审表/申请/马山街道/ZR-1_租户公司.docx",
    ]
    sheet = packet_frame(apps, screened)
    assert sheet["parcel_id"].tolist() == ["P1", "P2"]
    assert sheet["source_kind"].tolist() == ["申请审查", "摸排候选"]
