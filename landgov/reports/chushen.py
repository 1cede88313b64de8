"""初审表: the first-review form of a 增容 project [000 附件3.1], pre-filled as .docx.

The table reproduces the form's rows in the form's order (:data:`FORM_ROWS`): enterprise,
legal representative and contact, project, total investment and investment intensity, site,
industry, the present situation (land 亩, floor area m², 容积率, last year's 亩均税收), the
situation after the project (added floor area, 亩均税收, 容积率), project content, the
enterprise's commitment and the township's opinion. Every field landgov knows is filled; the
rest stays blank for the enterprise and the township. A second page lists the pre-check of
scope and the eight conditions (系统预审, for the township's reference; not part of the form).

Files are named ``<编号>_<企业名称>.docx`` with characters Windows forbids removed, and grouped
in one folder per township by :func:`write_forms`.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from landgov.core.missing import format_number, is_missing
from landgov.far.zengrong import CONDITION_LABELS

__all__ = ["FORM_ROWS", "FORM_TITLE", "build_form", "safe_filename", "write_form", "write_forms"]

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

_COMMITMENT = (
    "本公司承诺：自本项目建设期内和竣工验收之日起 5 年内遇政府征收或收购，"
    "新增厂房建筑面积按照重置价进行补偿。"
)
_TOWNSHIP_SIGN = "镇、街道行政主要领导签字（盖章）：　　　　　　　时间："
_FONT = "宋体"
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)


#: A number for the form (``1,234.50``), or blank space for the enterprise to fill in.
_form_number = functools.partial(format_number, thousands=True, trim=False, missing="      ")


def _text(x: object, default: str = "") -> str:
    return default if is_missing(x) else str(x).strip()


def _field_values(row: Mapping[str, Any]) -> dict[str, str]:
    """The text of every cell of the form, from one row of the 增容 check."""
    investment = _form_number(row.get("investment_wan"))
    intensity = _form_number(row.get("investment_per_mu_wan"))
    code = _text(row.get("industry_code"))
    industry = _text(row.get("industry_name"))
    if code:
        industry = f"{industry}（行业代码 {code}）" if industry else f"行业代码 {code}"
    site = "　".join(
        x for x in (_text(row.get("township")), f"宗地代码 {_text(row.get('parcel_id'))}") if x
    )
    return {
        "企业名称（盖公章）": _text(row.get("enterprise_name"), _text(row.get("holder"))),
        "法人代表": _text(row.get("legal_rep")),
        "联系人": _text(row.get("contact")),
        "拟上项目名称": _text(row.get("project_name")),
        "项目总投资": f"{investment} 万元",
        "固定资产投资强度": f"{intensity} 万元/亩",
        "项目建设地址": site,
        "所属行业": industry,
        "现状情况": (
            f"1.土地面积：{_form_number(row.get('land_mu'))} 亩　"
            f"2.建筑面积：{_form_number(row.get('floor_area_m2'))} 平方米　"
            f"3.容积率：{_form_number(row.get('far'))}　"
            f"4.上年度亩均税收：{_form_number(row.get('tax_per_mu_now_wan'))} 万元/亩"
        ),
        "项目实施后": (
            f"1.新增建筑面积：{_form_number(row.get('added_floor_m2'))} 平方米　"
            f"2.亩均税收：{_form_number(row.get('tax_per_mu_after_wan'))} 万元/亩　"
            f"3.容积率：{_form_number(row.get('far_after'))}"
        ),
        "项目建设内容": _text(row.get("content")),
        "企业承诺": f"{_COMMITMENT}\n法人代表签字（盖章）：　　　　　　　时间：",
        "镇人民政府、街道办事处审核意见": f"\n\n{_TOWNSHIP_SIGN}",
    }


def _set_font(run, size: float | None = None, *, bold: bool = False) -> None:
    if size is not None:
        run.font.size = Pt(size)
    run.font.bold = bold


def _write_cell(cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    lines = text.split("\n")
    para = cell.paragraphs[0]
    for i, line in enumerate(lines):
        run = para.add_run(line)
        if bold:
            run.font.bold = True
        if i < len(lines) - 1:
            run.add_break()
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _form_table(doc) -> None:
    """The empty form: labels written, value cells merged as in 附件3.1."""
    table = doc.add_table(rows=len(FORM_ROWS), cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(3.6), Cm(4.4), Cm(3.2), Cm(4.4))
    for r, labels in enumerate(FORM_ROWS):
        cells = table.rows[r].cells
        for c, w in enumerate(widths):
            cells[c].width = w
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


@functools.cache
def _template() -> bytes:
    """The blank form as .docx bytes, built once (A4, 宋体, title, table with labels)."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(title.add_run(FORM_TITLE), 16, bold=True)
    _form_table(doc)
    doc.add_paragraph()
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _precheck(doc, row: Mapping[str, Any]) -> None:
    """Second page: the system's pre-check (not part of the form)."""
    verdicts = row.get("verdicts") or ()
    if not verdicts and is_missing(row.get("zengrong")):
        return
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    head = doc.add_paragraph()
    _set_font(head.add_run("附：系统预审（供镇街初审参考，不属初审表内容）"), 12, bold=True)
    summary = doc.add_paragraph()
    text = f"总体结论：{_text(row.get('zengrong'))}。{_text(row.get('zengrong_reason'))}"
    _set_font(summary.add_run(text), 10.5)
    if not is_missing(row.get("relaxation")):
        _set_font(doc.add_paragraph().add_run(f"提示：{row['relaxation']}"), 10.5)
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    _write_cell(table.rows[0].cells[0], "条件", bold=True, center=True)
    _write_cell(table.rows[0].cells[1], "判定与依据", bold=True, center=True)
    for v in verdicts:
        cells = table.add_row().cells
        key = v.rule_id.removeprefix("zengrong.")
        _write_cell(cells[0], CONDITION_LABELS.get(key, key))
        _write_cell(cells[1], v.explain())
    meta = (
        f"核查日期：{_text(row.get('as_of'))}；产业目录版本：{_text(row.get('catalogue_edition'))}"
    )
    _set_font(doc.add_paragraph().add_run(meta), 9)


def build_form(row: Mapping[str, Any]) -> Document:
    """The 初审表 of one candidate or application as a python-docx ``Document``.

    Parameters
    ----------
    row
        One row of :func:`landgov.far.zengrong.check_applications` (or ``check_parcels``):
        ``enterprise_name``, ``legal_rep``, ``contact``, ``project_name``, ``investment_wan``,
        ``investment_per_mu_wan``, ``township``, ``parcel_id``, ``industry_name``,
        ``industry_code``, ``land_mu``, ``floor_area_m2``, ``far``, ``tax_per_mu_now_wan``,
        ``added_floor_m2``, ``tax_per_mu_after_wan``, ``far_after``, ``content``; optional
        ``verdicts``, ``zengrong``, ``zengrong_reason`` for the pre-check page.
    """
    doc = Document(io.BytesIO(_template()))
    _fill_table(doc.tables[0], _field_values(row))
    _precheck(doc, row)
    return doc


def safe_filename(text: str, *, max_chars: int = 80) -> str:
    """A file name Windows accepts: forbidden characters replaced, no reserved device names,
    no trailing dot or space, at most ``max_chars`` characters."""
    name = unicodedata.normalize("NFC", str(text))
    name = _WINDOWS_FORBIDDEN.sub("_", name).strip().rstrip(". ")
    name = name[:max_chars].rstrip(". ") or "未命名"
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = f"_{name}"
    return name


def write_form(row: Mapping[str, Any], path: str | Path) -> Path:
    """Write one 初审表 to ``path`` (.docx); parent folders are created."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_form(row).save(str(path))
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

    Returns
    -------
    list of Path
        The files written, in row order.
    """
    out = Path(out_dir)
    frame = rows
    if township is not None:
        frame = frame[frame["township"].eq(township)]
    if only is not None:
        frame = frame[frame["zengrong"].isin(list(only))]
    written: list[Path] = []
    used: set[Path] = set()
    for row in frame.to_dict("records"):
        folder = out / safe_filename(_text(row.get("township"), "未分镇街"))
        path = folder / _form_name(row)
        stem, k = path.stem, 2
        while path in used:
            path = folder / f"{stem}_{k}.docx"
            k += 1
        used.add(path)
        written.append(write_form(row, path))
    return written
