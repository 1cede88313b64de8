"""初审表: the first-review form of a 增容 project [000 附件3.1], pre-filled as .docx.

A line above the table gives the 申请编号 (blank, to be written in, for a 摸排 candidate). The
table reproduces the form's rows in the form's order (:data:`FORM_ROWS`): enterprise,
legal representative and contact, project, total investment and investment intensity, site,
industry, the present situation (land 亩, real floor area m², 容积率, last year's 亩均税收), the
situation after the project (added floor area, 亩均税收, 容积率), project content, the
enterprise's commitment and the township's opinion. Every field landgov knows is filled; the
rest stays blank for the enterprise and the township, with the form's own hints （姓名） and
（姓名、电话） where the name or contact is not known.

Layout as the printed form: one A4 portrait page (:data:`PAGE`), 宋体, rows at least
:data:`ROW_HEIGHTS_CM` high so the blank ones can be written in by hand. 「建筑面积」 is the real
floor area (``floor_area_m2``, see ``far.cap_floor_area``), and 「容积率」 the one the 2.5 cap
reads. For a 印染化工电镀 涉改 enterprise a note under the table names the requirements left to the
joint meeting [000 附件3 三].

The form file holds the form only, so it can be printed and filed as it is (and a folder of
forms printed as it is). The system's pre-check of scope and the eight conditions (which may cite
示例规则（非官方）) is a separate document (:func:`build_precheck`), written by
:func:`write_forms` into its own folder tree (``precheck_dir/<镇街>/<name>_系统预审.docx``; a run
uses ``系统预审/`` beside ``初审表/``), for the township's reference; it is never part of the form.

Files are named ``<编号>_<企业名称>.docx`` with characters Windows forbids removed, and grouped
in one folder per township by :func:`write_forms`.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from landgov.core.collect import PLOT_TAX, render_text
from landgov.core.compare import shown
from landgov.core.decided import decided_note
from landgov.core.missing import format_number, is_missing
from landgov.core.safe_text import xml_text
from landgov.core.vocab import to_verify
from landgov.far.ratio import beyond_ratio, estimate_mark
from landgov.far.zengrong import (
    ADDED_FLOOR,
    CONDITION_LABELS,
    CONTROL_KEYS,
    FIRM_INDUSTRY,
    FLOOR_OR_FAR,
    NO_APPLICANT,
    PLOT_FIRMS_VALUE,
    PLOT_SHAPE,
    condition_note,
    zero_alone,
)
from landgov.io.applications import APPLICATION_FIELDS
from landgov.io.fields import ENTERPRISE_FIELDS
from landgov.reports.filenames import safe_filename, township_names
from landgov.verdict import Citation

__all__ = [
    "FORM_ROWS",
    "FORM_TITLE",
    "HINTS",
    "PAGE",
    "PRECHECK_DIR",
    "ROW_HEIGHTS_CM",
    "build_form",
    "build_precheck",
    "number_line",
    "safe_filename",
    "write_form",
    "write_forms",
]

FORM_TITLE = "越城区、滨海新区存量工业用地增容项目初审表"

#: The form's rows as in 附件3.1: the labels of each row, left to right.
FORM_ROWS: tuple[tuple[str, ...], ...] = (
    ("企业名称（盖公章）",),
    ("法人代表", "联系人"),
    ("拟上项目名称",),
    ("项目总投资", "固定资产投资强度"),
    ("项目建设地址",),
    ("所属行业",),
    ("现状情况",),
    ("项目实施后",),
    ("项目建设内容",),
    ("企业承诺",),
    ("镇人民政府、街道办事处审核意见",),
)

#: Minimum height of each row (cm), in the order of :data:`FORM_ROWS`: the one-line rows leave
#: room for a handwritten entry, the others for their several lines, the signatures and the
#: township's opinion. With the title they fill one A4 page (:data:`PAGE`).
ROW_HEIGHTS_CM: tuple[float, ...] = (1.3, 1.2, 1.2, 1.2, 1.2, 1.2, 2.8, 2.2, 3.0, 3.2, 4.0)

#: The hints the printed form has in a value cell, shown when the value is not known.
HINTS: Mapping[str, str] = {
    "法人代表": "（姓名）",
    "联系人": "（姓名、电话）",
    "所属行业": "（行业名称及代码）",
}
#: After a floor area or 容积率 of 0 that nothing corroborates (:func:`zero_alone`): a .dbf
#: writes a blank as 0, so the form does not print it as a fact.
ZERO_MARK = "（登记值 0，无建筑图层佐证，可能为空白，待核实）"

#: Page setup (cm): A4 portrait.
PAGE: Mapping[str, float] = {
    "width": 21.0,
    "height": 29.7,
    "left": 2.2,
    "right": 2.2,
    "top": 1.8,
    "bottom": 1.8,
}

#: The folder of a run that holds the pre-checks (beside ``初审表/``, which holds forms only).
PRECHECK_DIR = "系统预审"

_WIDTHS_CM = (3.6, 4.4, 3.2, 4.4)
#: The pre-check table: a narrow condition column, the reasons across the rest of the line.
PRECHECK_WIDTHS_CM = (3.6, 13.0)
_PRECHECK_TITLE = "系统预审（供镇街初审参考，不属初审表内容，不随初审表报送）"
_RELAXATION_CITE = Citation("000", "附件3 三")

_COMMITMENT = (
    "本公司承诺：自本项目建设期内和竣工验收之日起 5 年内遇政府征收或收购，"
    "新增厂房建筑面积按照重置价进行补偿。"
)
_BLANK_NUMBER = "＿＿＿＿＿＿＿＿＿＿"
_APPLICATION_SPECS = {spec.name: spec for spec in APPLICATION_FIELDS}
_ENTERPRISE_LABELS = {spec.name: spec.label for spec in ENTERPRISE_FIELDS}
#: The plot's tax as the 底数清单's 待核实事项 names it (a row without ``tax_per_mu_now_missing``).
_PLOT_TAX = str(render_text(PLOT_TAX))

_NO_TOWN = "未分镇街"
_TOWNSHIP_SIGN = "镇、街道行政主要领导签字（盖章）：　　　　　　　时间："
_FONT = "宋体"
#: Size (pt) of a 「待核实（缺少：…）」 in a value cell; the form's text is 11 pt.
_NOTE_PT = 9
#: A 「待核实（缺少：…）」 of :func:`~landgov.core.vocab.to_verify` (its items may hold one level
#: of brackets: 「税收（万元）〔税务局〕」).
_TO_VERIFY = re.compile(r"(待核实（缺少：(?:[^（）]|（[^（）]*）)*）)")


#: A number for the form (``1,234.50``), or blank space for the enterprise to fill in.
_form_number = functools.partial(format_number, thousands=True, trim=False, missing="      ")


def _text(x: object, default: str = "") -> str:
    return default if is_missing(x) else str(x).strip()


def _threshold_of(row: Mapping[str, Any], rule: str, key: str) -> float | None:
    """The threshold the row's verdict ``rule`` compared with (its value ``key``), if any."""
    for v in row.get("verdicts") or ():
        if v.rule_id == rule and key in v.values:
            return float(v.values[key])
    return None


def _near(
    row: Mapping[str, Any], column: str, rule: str, key: str, *, beyond: float | None = None
) -> str:
    """A figure for the form: as :data:`_form_number`, or, where 2 decimals would print the
    threshold its check compared it with although the two differ, as many decimals as tell them
    apart (:func:`~landgov.core.compare.shown`, ``beyond`` as there), as the check's reason
    does: a 容积率 of 2.5000007 reads 2.500001 beside a 不符合 of 越政发〔2022〕24号 附件3 第二条
    (never 2.50), 15.003 亩 reads 15.003 beside 「大于 15 亩」 of 第三条第1项 (never 15.00)."""
    value, limit = row.get(column), _threshold_of(row, rule, key)
    text = _form_number(value)
    if limit is None or is_missing(value):
        return text
    told = shown(float(value), limit, trim=False, beyond=beyond)
    return text if told == format_number(value, trim=False) else told


def _cap_beyond(row: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """How the 容积率 now and after the project stand to the cap, as the cap check compares
    them (the floor area beyond the cap's, to 0.01 m², :func:`~landgov.far.ratio.beyond_ratio`;
    ``beyond`` of :func:`~landgov.core.compare.shown`): now, minus the room left (``None``
    without room); after, the floor area after against the cap's floor area."""
    limit = _threshold_of(row, "zengrong.cap", "上限")
    room = row.get("headroom_m2")
    now = -float(room) if not is_missing(room) and float(room) > 0 else None
    floor, land = row.get("floor_area_after_m2"), row.get("land_area_m2")
    if limit is None or is_missing(floor) or is_missing(land):
        return now, None
    return now, float(beyond_ratio(float(floor), float(land), limit))


def _applicant_elsewhere(row: Mapping[str, Any]) -> bool:
    """Whether the row's 适用范围 says the applicant is none of the plot's enterprises."""
    return any(
        v.rule_id == "zengrong.scope" and PLOT_FIRMS_VALUE in v.values
        for v in row.get("verdicts") or ()
    )


def _applied(row: Mapping[str, Any]) -> bool:
    """Whether the row is an application's (``check_applications``): its project facts come
    from the 增容申请表. A 摸排 candidate's form is left for the enterprise to fill in."""
    return "added_floor_m2" in row or not is_missing(row.get("application_id"))


def _app_field(name: str) -> str:
    """An application field as the checks name it missing: 「申请表：达产后年税收（万元）」."""
    spec = _APPLICATION_SPECS[name]
    unit = f"（{spec.unit}）" if spec.unit in {"万元", "%"} else ""
    return f"申请表：{spec.label}{unit}"


def _gone(row: Mapping[str, Any], column: str) -> bool:
    return is_missing(row.get(column))


def _land_gap(row: Mapping[str, Any]) -> list[str]:
    """The plot's shape when its area is unknown or nil (nothing to divide by)."""
    land = row.get("land_mu")
    return [PLOT_SHAPE] if is_missing(land) or not float(land) > 0 else []


def _either(*parts: list[str], otherwise: str) -> list[str]:
    """The items of ``parts`` in order, or ``otherwise`` when none names anything."""
    return [x for part in parts for x in part] or [otherwise]


def _gaps(row: Mapping[str, Any]) -> dict[str, list[str]]:
    """What each figure landgov fills lacks, named as the 待核实事项 columns name it: the 增容
    checks' words (宗地图形, 建筑面积或容积率, 新增建筑面积, 申请表：…), the 底数清单's for the
    plot's tax (``tax_per_mu_now_missing``, :func:`~landgov.far.zengrong.plot_tax_gaps`)."""
    land = _land_gap(row)
    floor = [FLOOR_OR_FAR] if _gone(row, "floor_area_m2") else []
    added = [ADDED_FLOOR] if _gone(row, "added_floor_m2") else []
    tax_now = _text(row.get("tax_per_mu_now_missing"))
    tax_after, fixed = _app_field("tax_after_wan"), _app_field("fixed_investment_wan")
    firm = [NO_APPLICANT] if _gone(row, "enterprise_name") else []
    return {
        "land_mu": [PLOT_SHAPE],
        "floor_area_m2": [FLOOR_OR_FAR],
        "far": _either(land, floor, otherwise=FLOOR_OR_FAR),
        "tax_per_mu_now_wan": _either([tax_now] if tax_now else land, otherwise=_PLOT_TAX),
        "added_floor_m2": [ADDED_FLOOR],
        "tax_per_mu_after_wan": _either(
            [tax_after] if _gone(row, "tax_after_wan") else [], land, otherwise=tax_after
        ),
        "far_after": _either(land, floor, added, otherwise=ADDED_FLOOR),
        "investment_wan": [_app_field("investment_wan")],
        "investment_per_mu_wan": _either(
            [fixed] if _gone(row, "fixed_investment_wan") else [], land, otherwise=fixed
        ),
        "project_name": [_app_field("project_name")],
        "content": [_app_field("content")],
        "enterprise_name": [NO_APPLICANT],
        "legal_rep": _either(firm, otherwise=f"企业表：{_ENTERPRISE_LABELS['legal_rep']}"),
        "contact": _either(firm, otherwise=f"企业表：{_ENTERPRISE_LABELS['contact']}"),
        "industry": _either(firm, otherwise=FIRM_INDUSTRY),
    }


class _Filler:
    """The text of each value of one row: the value, or 「待核实（缺少：…）」 where landgov fills
    it and lacks its data (:func:`~landgov.core.vocab.to_verify`), or blank space (the form's
    hint) where the enterprise writes it in by hand (a 摸排 candidate's project)."""

    def __init__(self, row: Mapping[str, Any]) -> None:
        self.row = row
        self.applied = _applied(row)
        self.gaps = _gaps(row)

    def gap(self, column: str) -> str:
        return to_verify(self.gaps[column])

    def number(
        self,
        column: str,
        *,
        unit: str = "",
        own: bool = True,
        near: tuple[str, str] | None = None,
        beyond: float | None = None,
    ) -> str:
        """A figure as the form prints it, with its ``unit``; ``own``: landgov fills it for
        every row (现状), else only for an application (the project's figures, written in by a
        candidate, blank space before the unit); ``near`` and ``beyond``: as :func:`_near`.
        A 「待核实（缺少：…）」 in its place has no unit after it."""
        after = f" {unit}" if unit else ""
        if is_missing(self.row.get(column)):
            return self.gap(column) if own or self.applied else _form_number(None) + after
        if near is None:
            return _form_number(self.row.get(column)) + after
        return _near(self.row, column, *near, beyond=beyond) + after

    def text(self, column: str, *, hint: str = "", gap: str | None = None) -> str:
        """An applicant's fact: as given, else 待核实 for an application, else ``hint``."""
        value = _text(self.row.get(column))
        if value:
            return value
        return self.gap(gap or column) if self.applied else hint


def _estimate_mark(row: Mapping[str, Any]) -> Callable[[str], str]:
    """For a column of ``row``, :data:`~landgov.far.ratio.ESTIMATE_MARK` where its figure is
    there and rests on the plot's floor area estimated from heights (``far_source``: 建筑高度估算,
    高度栅格估算), a figure the form must not present as a fact; else nothing."""
    mark = estimate_mark(row.get("far_source"))
    return lambda column: "" if _gone(row, column) else mark


def _basis(row: Mapping[str, Any], column: str) -> str:
    """「（宗地上 2 家企业合计）」 after a 亩均税收 shown whose basis differs from the other's
    (``<column>_basis``, :func:`~landgov.far.zengrong.check_applications`): the 现状 figure is
    the plot's, the 实施后 one the applicant's; nothing where the figure is not shown."""
    basis = _text(row.get(column.removesuffix("_wan") + "_basis"))
    return f"（{basis}）" if basis and not _gone(row, column) else ""


def _field_values(row: Mapping[str, Any]) -> dict[str, str]:
    """The text of every cell of the form, from one row of the 增容 check."""
    fill = _Filler(row)
    code = _text(row.get("industry_code"))
    industry = _text(row.get("industry_name"))
    if code:
        industry = f"{industry}（行业代码 {code}）" if industry else f"行业代码 {code}"
    elif not industry:
        industry = fill.gap("industry") if fill.applied else HINTS["所属行业"]
    now, after = _cap_beyond(row)
    site = "　".join(
        x for x in (_text(row.get("township")), f"宗地代码 {_text(row.get('parcel_id'))}") if x
    )
    # the plot's 权利人 stands for an applicant the enterprise table does not know, unless the
    # applicant is none of the plot's enterprises (适用范围 says so): then it is 待核实
    holder = "" if _applicant_elsewhere(row) else _text(row.get("holder"))
    name = _text(row.get("enterprise_name"), holder)
    cap = ("zengrong.cap", "上限")
    # 三.6's figures, with the digits that tell them from its control values (299.995238 beside
    # a 不符合 of 「≥ 300 万元/亩」, never 300.00), as its reason prints them
    invest = ("zengrong.cond6", CONTROL_KEYS["fixed_investment_per_mu_wan"])
    tax = ("zengrong.cond6", CONTROL_KEYS["tax_per_mu_wan"])
    guess = _estimate_mark(row)
    zero = ZERO_MARK if zero_alone(row) else ""
    return {
        "企业名称（盖公章）": name or (fill.gap("enterprise_name") if fill.applied else ""),
        "法人代表": fill.text("legal_rep", hint=HINTS["法人代表"]),
        "联系人": fill.text("contact", hint=HINTS["联系人"]),
        "拟上项目名称": fill.text("project_name"),
        "项目总投资": fill.number("investment_wan", unit="万元", own=False),
        "固定资产投资强度": (
            fill.number("investment_per_mu_wan", unit="万元/亩", own=False, near=invest)
        ),
        "项目建设地址": site,
        "所属行业": industry,
        "现状情况": (
            f"1.土地面积：{fill.number('land_mu', unit='亩', near=('zengrong.cond1', '门槛_亩'))}\n"
            f"2.建筑面积：{fill.number('floor_area_m2', unit='平方米')}"
            f"{guess('floor_area_m2')}{zero}\n"
            f"3.容积率：{fill.number('far', near=cap, beyond=now)}{guess('far')}{zero}\n"
            f"4.上年度亩均税收：{fill.number('tax_per_mu_now_wan', unit='万元/亩')}"
            f"{_basis(row, 'tax_per_mu_now_wan')}"
        ),
        "项目实施后": (
            f"1.新增建筑面积：{fill.number('added_floor_m2', unit='平方米', own=False)}\n"
            "2.亩均税收："
            f"{fill.number('tax_per_mu_after_wan', unit='万元/亩', own=False, near=tax)}"
            f"{_basis(row, 'tax_per_mu_after_wan')}\n"
            f"3.容积率：{fill.number('far_after', own=False, near=cap, beyond=after)}"
            f"{guess('far_after')}{zero if not _gone(row, 'far_after') else ''}"
        ),
        "项目建设内容": fill.text("content"),
        "企业承诺": f"{_COMMITMENT}\n\n法人代表签字（盖章）：　　　　　　　　时间：",
        "镇人民政府、街道办事处审核意见": f"\n\n\n{_TOWNSHIP_SIGN}",
    }


def _set_font(run, size: float | None = None, *, bold: bool = False) -> None:
    if size is not None:
        run.font.size = Pt(size)
    run.font.bold = bold


def _write_cell(cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    """``text`` into ``cell``, one line per ``\\n``; a 「待核实（缺少：…）」 in
    :data:`_NOTE_PT` so that a form with many of them still fills one page."""
    lines = text.split("\n")
    para = cell.paragraphs[0]
    for i, line in enumerate(lines):
        for k, piece in enumerate(_TO_VERIFY.split(line)):
            if not piece:
                continue
            run = para.add_run(xml_text(piece))
            if bold:
                run.font.bold = True
            if k % 2:  # the captured 待核实 notes
                run.font.size = Pt(_NOTE_PT)
        if i < len(lines) - 1:
            para.add_run().add_break()
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _fix_widths(table, widths_cm: Sequence[float]) -> None:
    """Fixed column widths (Word and LibreOffice otherwise share the line equally) and the
    first row repeated on every page."""
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(w)
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    for col, w in zip(grid, widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(w).twips)))
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = header.makeelement(qn("w:tblHeader"), {})
    header.append(repeat)


def _form_table(doc) -> None:
    """The empty form: labels written, value cells merged as in 附件3.1, rows at least
    :data:`ROW_HEIGHTS_CM` high."""
    table = doc.add_table(rows=len(FORM_ROWS), cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, (labels, height) in enumerate(zip(FORM_ROWS, ROW_HEIGHTS_CM, strict=True)):
        row = table.rows[r]
        row.height = Cm(height)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        cells = row.cells
        for c, w in enumerate(_WIDTHS_CM):
            cells[c].width = Cm(w)
            cells[c].vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        if len(labels) == 2:
            for k, label in enumerate(labels):
                _write_cell(cells[2 * k], label, bold=True, center=True)
        else:
            cells[1].merge(cells[3])
            _write_cell(cells[0], labels[0], bold=True, center=True)


def _fill_table(table, values: Mapping[str, str]) -> None:
    for r, labels in enumerate(FORM_ROWS):
        cells = table.rows[r].cells
        for k, label in enumerate(labels):
            _write_cell(cells[2 * k + 1], values[label])


def _page_setup(doc) -> None:
    """A4 portrait, :data:`PAGE` margins, 宋体 11 pt."""
    normal = doc.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(PAGE["width"]), Cm(PAGE["height"])
    section.left_margin, section.right_margin = Cm(PAGE["left"]), Cm(PAGE["right"])
    section.top_margin, section.bottom_margin = Cm(PAGE["top"]), Cm(PAGE["bottom"])


@functools.cache
def _template() -> bytes:
    """The blank form as .docx bytes, built once (A4, 宋体, title, table with labels)."""
    doc = Document()
    _page_setup(doc)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(8)
    _set_font(title.add_run(FORM_TITLE), 16, bold=True)
    number = doc.add_paragraph()  # filled by build_form: 申请编号
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    number.paragraph_format.space_after = Pt(4)
    _form_table(doc)
    after = doc.add_paragraph()  # a document ends with a paragraph; kept small to stay on 1 page
    after.paragraph_format.space_before = Pt(4)
    after.paragraph_format.space_after = Pt(0)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _relaxation_note(row: Mapping[str, Any]) -> str:
    """The note under the form for a 印染化工电镀 涉改 enterprise (empty otherwise)."""
    relax = _text(row.get("relaxation"))
    if not relax:
        return ""
    sector = relax.split("：", 1)[0]
    text = (
        f"注：申请企业为{sector}，相关要求可适当放宽，"
        f"具体以区工业用地二次开发联席会议审议明确为准{_RELAXATION_CITE}。"
    )
    meeting = _text(row.get("meeting_review"))
    if meeting:
        text += f"提交联席会议审议放宽的事项：{meeting}。"
    return text


def _decided_lines(row: Mapping[str, Any]) -> str:
    """The 人工认定 of a row (``landgov far --overrides``) and the computed outcome beside it."""
    record = _text(row.get("override"))
    if not record:
        return ""
    computed = _text(row.get("zengrong_computed"))
    return decided_note(computed, record) if computed else record


def number_line(row: Mapping[str, Any]) -> str:
    """The line above the table: 「申请编号：ZR2026-011」, or blank to be filled in by hand for a
    摸排 candidate that has no application yet (its 宗地代码 is in 项目建设地址)."""
    number = _text(row.get("application_id"))
    return f"申请编号：{number}" if number else f"申请编号：{_BLANK_NUMBER}"


def build_form(row: Mapping[str, Any]) -> DocxDocument:
    """The 初审表 of one candidate or application as a python-docx ``Document`` (the form only).

    Parameters
    ----------
    row
        One row of :func:`landgov.far.zengrong.check_applications` (or ``check_parcels``):
        ``enterprise_name``, ``legal_rep``, ``contact``, ``project_name``, ``investment_wan``,
        ``investment_per_mu_wan``, ``township``, ``parcel_id``, ``industry_name``,
        ``industry_code``, ``land_mu``, ``floor_area_m2`` (real), ``far``,
        ``tax_per_mu_now_wan``, ``added_floor_m2``, ``tax_per_mu_after_wan``, ``far_after``,
        ``content``; optional ``relaxation`` and ``meeting_review`` for the 涉改 note.
    """
    doc = Document(io.BytesIO(_template()))
    _set_font(doc.paragraphs[1].add_run(xml_text(number_line(row))), 10.5)
    _fill_table(doc.tables[0], _field_values(row))
    note = _relaxation_note(row)
    if note:
        _set_font(doc.paragraphs[-1].add_run(xml_text(note)), 9)
    return doc


def build_precheck(row: Mapping[str, Any]) -> DocxDocument | None:
    """The system's pre-check of one row, a separate document (not part of the form).

    Returns ``None`` when the row carries no verdicts and no overall outcome.
    """
    verdicts = row.get("verdicts") or ()
    if not verdicts and is_missing(row.get("zengrong")):
        return None
    doc = Document()
    _page_setup(doc)
    head = doc.add_paragraph().add_run(_PRECHECK_TITLE)
    _set_font(head, 12, bold=True)
    who = _text(row.get("enterprise_name"), _text(row.get("holder")))
    key = "　".join(
        x
        for x in (
            _text(row.get("application_id")),
            f"宗地代码 {_text(row.get('parcel_id'))}",
            who,
            _text(row.get("project_name")),
        )
        if x
    )
    _set_font(doc.add_paragraph().add_run(xml_text(key)), 10.5)
    summary = doc.add_paragraph()
    text = f"总体结论：{_text(row.get('zengrong'))}。{_text(row.get('zengrong_reason'))}"
    _set_font(summary.add_run(xml_text(text)), 10.5)
    decided = _decided_lines(row)
    if decided:
        _set_font(doc.add_paragraph().add_run(xml_text(decided)), 10.5)
    if not is_missing(row.get("relaxation")) and _text(row.get("relaxation")):
        _set_font(doc.add_paragraph().add_run(xml_text(f"提示：{row['relaxation']}")), 10.5)
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    _write_cell(table.rows[0].cells[0], "条件", bold=True, center=True)
    _write_cell(table.rows[0].cells[1], "判定与依据", bold=True, center=True)
    for v in verdicts:
        cells = table.add_row().cells
        key = v.rule_id.removeprefix("zengrong.")
        _write_cell(cells[0], CONDITION_LABELS.get(key, key))
        _write_cell(cells[1], condition_note(v))
    _fix_widths(table, PRECHECK_WIDTHS_CM)
    meta = (
        f"核查日期：{_text(row.get('as_of'))}；产业目录版本：{_text(row.get('catalogue_edition'))}"
    )
    _set_font(doc.add_paragraph().add_run(xml_text(meta)), 9)
    return doc


def write_form(
    row: Mapping[str, Any], path: str | Path, *, precheck_to: str | Path | None = None
) -> Path:
    """Write one 初审表 to ``path`` (.docx); parent folders are created.

    With ``precheck_to``, the row's pre-check (:func:`build_precheck`) is written there too
    (when the row has verdicts). Returns the form's path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_form(row).save(str(path))
    if precheck_to is None:
        return path
    check = build_precheck(row)
    if check is not None:
        extra = Path(precheck_to)
        extra.parent.mkdir(parents=True, exist_ok=True)
        check.save(str(extra))
    return path


def _form_name(row: Mapping[str, Any]) -> str:
    key = _text(row.get("application_id")) or _text(row.get("parcel_id"), "无编号")
    who = _text(row.get("enterprise_name"), _text(row.get("holder"), "未知企业"))
    return safe_filename(f"{key}_{who}") + ".docx"


def write_forms(
    rows: pd.DataFrame,
    out_dir: str | Path,
    *,
    township: str | None = None,
    only: Sequence[str] | None = None,
    precheck_dir: str | Path | None = None,
) -> list[Path]:
    """Write one 初审表 per row into ``out_dir/<镇街>/`` (batch mode for a township).

    Parameters
    ----------
    rows
        Rows of :func:`landgov.far.zengrong.check_applications` / ``check_parcels``.
    township
        Only rows of this township.
    only
        Only rows whose ``zengrong`` is one of these (e.g. ``("可申报", "待核实")``).
    precheck_dir
        Also write each row's pre-check to ``precheck_dir/<镇街>/<name>_系统预审.docx``, a
        folder tree apart from the forms (none when not given).

    Returns
    -------
    list of Path
        The forms written, in row order (pre-checks are not listed).
    """
    out = Path(out_dir)
    frame = rows
    if township is not None:
        frame = frame[frame["township"].eq(township)]
    if only is not None:
        frame = frame[frame["zengrong"].isin(list(only))]
    written: list[Path] = []
    used: set[Path] = set()
    records = frame.to_dict("records")
    towns = [_text(row.get("township"), _NO_TOWN) for row in records]
    # one folder per 镇街: two never share one (reports.filenames)
    folders = township_names(sorted(set(towns)), blank=_NO_TOWN)
    for row, town in zip(records, towns, strict=True):
        folder = out / folders[town]
        path = folder / _form_name(row)
        stem, k = path.stem, 2
        while path in used:
            path = folder / f"{stem}_{k}.docx"
            k += 1
        used.add(path)
        extra = None
        if precheck_dir is not None:
            extra = Path(precheck_dir) / folder.name / f"{path.stem}_系统预审.docx"
        written.append(write_form(row, path, precheck_to=extra))
    return written
