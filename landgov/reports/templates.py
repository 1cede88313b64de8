"""Blank input templates: workbooks (and a 宗地 layer) the readers accept as they are.

:func:`write_templates` writes into one folder:

- ``企业亩均效益表.xlsx``, ``地企关联表.xlsx``, ``违法违规记录表.xlsx``, ``增容申请表.xlsx``: one
  header row of the readers' own Chinese labels with the unit the reader converts from
  (``税收（万元）``, ``使用面积（平方米）``), the required columns marked in the 填写说明 sheet, and
  Excel data validation: dates, numbers ≥ 0, 18-character 统一社会信用代码, drop-down lists for
  the words the readers know (规上/规下, 自有/租用, 问题类别, 严重程度, 是/否). Code columns are
  formatted as text so that leading zeros stay.
- ``宗地.gpkg``: an empty polygon layer ``宗地`` in CGCS2000 3度带 中央经线120° (EPSG:4549) with
  the 宗地 fields, to be drawn or pasted into in QGIS/ArcGIS (a plot needs its boundary, so the
  宗地 input is a layer, not a workbook).

The headers come from :mod:`landgov.io.fields` and :mod:`landgov.io.applications`, so a template
can never ask for a column the reader does not know.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from landgov.core.vocab import CATEGORIES, SEVERITIES, Grade
from landgov.io.applications import APPLICATION_FIELDS, YES_NO_FIELDS
from landgov.io.fields import (
    COMPLIANCE_FIELDS,
    ENTERPRISE_FIELDS,
    LINK_FIELDS,
    PARCEL_FIELDS,
    FieldSpec,
    Kind,
)

__all__ = [
    "PARCEL_CRS",
    "TEMPLATES",
    "Template",
    "header",
    "write_parcel_layer",
    "write_templates",
    "write_workbook",
]

#: Rows of the sheet that carry the validation and the formats (a county's list fits).
ROWS = 5000
PARCEL_CRS = "EPSG:4549"
_UNIT_TEXT = {"m2": "平方米"}
_NOTES: Mapping[str, str] = {
    "uscc": "18 位统一社会信用代码",
    "parcel_id": "不动产单元号的前 19 位宗地代码（如 330602001001GB00001）",
    "tax_wan": "上年度实缴税金",
    "industry_code": "国民经济行业分类代码（4 位，如 3311）",
    "relation": "自有：企业是权利人；租用：承租他人厂房或土地",
    "rectified": "已整改 / 未整改；已整改的请同时填整改完成日期",
    "application_id": "如 ZR2026-001；初审表上显示",
}


@dataclass(frozen=True)
class Template:
    """One input workbook: its file, sheet, fields and drop-down lists."""

    filename: str
    sheet: str
    title: str
    fields: tuple[FieldSpec, ...]
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)
    required: frozenset[str] = frozenset()


_YES_NO = ("是", "否")

TEMPLATES: tuple[Template, ...] = (
    Template(
        "企业亩均效益表.xlsx",
        "企业",
        "企业亩均效益表",
        ENTERPRISE_FIELDS,
        {"scale": ("规上", "规下"), "grade_given": tuple(g.value for g in Grade)},
        frozenset({"name"}),
    ),
    Template(
        "地企关联表.xlsx",
        "地企关联",
        "地企关联表（宗地与使用企业）",
        LINK_FIELDS,
        {"relation": ("自有", "租用")},
    ),
    Template(
        "违法违规记录表.xlsx",
        "违法记录",
        "违法违规记录表",
        COMPLIANCE_FIELDS,
        {"category": CATEGORIES, "severity": SEVERITIES, "rectified": ("已整改", "未整改")},
    ),
    Template(
        "增容申请表.xlsx",
        "增容申请",
        "存量工业用地增容申请表",
        APPLICATION_FIELDS,
        {name: _YES_NO for name in YES_NO_FIELDS},
        frozenset({"application_id", "uscc"}),
    ),
)


def header(spec: FieldSpec) -> str:
    """The header of a field: its label and the unit the reader converts from."""
    if not spec.unit:
        return spec.label
    return f"{spec.label}（{_UNIT_TEXT.get(spec.unit, spec.unit)}）"


def _validation(spec: FieldSpec, choices: Sequence[str] | None) -> DataValidation | None:
    name = spec.label
    if choices:
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        dv.error = f"「{name}」请从下拉列表中选择：{'、'.join(choices)}"
    elif spec.kind is Kind.DATE:
        dv = DataValidation(
            type="date", operator="greaterThan", formula1="DATE(1949,10,1)", allow_blank=True
        )
        dv.error = f"「{name}」请填写日期，如 2026-06-30"
    elif spec.kind is Kind.YEAR:
        dv = DataValidation(
            type="whole", operator="between", formula1="1900", formula2="2100", allow_blank=True
        )
        dv.error = f"「{name}」请填写四位年份，如 2019"
    elif spec.kind is Kind.NUMBER:
        dv = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        dv.error = f"「{name}」请填写不小于 0 的数字（单位见表头），不要带单位文字"
    elif spec.name == "uscc":
        dv = DataValidation(type="textLength", operator="equal", formula1="18", allow_blank=True)
        dv.error = "统一社会信用代码应为 18 位"
    else:
        return None
    dv.errorTitle = "填写有误"
    dv.showErrorMessage = True
    return dv


_RULES = {Kind.DATE: "日期", Kind.NUMBER: "数字（不带单位）", Kind.YEAR: "四位年份（如 2019）"}
_FORMATS = {Kind.DATE: "yyyy-mm-dd", Kind.NUMBER: "#,##0.00", Kind.YEAR: "0", Kind.CODE: "@"}


def _sheet(wb: Workbook, template: Template) -> None:
    ws = wb.active
    ws.title = template.sheet
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    must = PatternFill("solid", fgColor="FCE4D6")
    for col, spec in enumerate(template.fields, start=1):
        cell = ws.cell(row=1, column=col, value=header(spec))
        required = spec.required or spec.name in template.required
        cell.font, cell.fill = bold, must if required else fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        note = _NOTES.get(spec.name, "")
        if required:
            note = f"必填。{note}"
        if note:
            cell.comment = Comment(note, "landgov")
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = max(12, min(30, 2.2 * len(header(spec)) + 2))
        fmt = _FORMATS.get(spec.kind)
        if fmt is not None:
            ws.column_dimensions[letter].number_format = fmt
        dv = _validation(spec, template.choices.get(spec.name))
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{ROWS + 1}")
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 32


def _guide(wb: Workbook, template: Template) -> None:
    ws = wb.create_sheet("填写说明")
    ws.append([template.title + "：填写说明"])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append(["列", "是否必填", "单位", "可填写的值或要求", "也可识别的列名"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for spec in template.fields:
        required = spec.required or spec.name in template.required
        choices = template.choices.get(spec.name)
        rule = "、".join(choices) if choices else _NOTES.get(spec.name, "")
        if not rule:
            rule = _RULES.get(spec.kind, "文字")
        ws.append(
            [
                header(spec),
                "是" if required else "",
                _UNIT_TEXT.get(spec.unit or "", spec.unit or ""),
                rule,
                "、".join(a for a in spec.aliases if a != spec.label)[:120],
            ]
        )
    ws.append([])
    ws.append(
        [
            "每行一条记录；不要合并单元格，表头保持在第一行；"
            "缺少的数值留空（按待核实处理），不要填 0。"
        ]
    )
    for letter, width in zip("ABCDE", (26, 10, 8, 48, 60), strict=True):
        ws.column_dimensions[letter].width = width


def write_workbook(template: Template, path: Path) -> Path:
    """Write one blank input workbook (data sheet first, then 填写说明)."""
    wb = Workbook()
    _sheet(wb, template)
    _guide(wb, template)
    wb.save(path)
    return path


def write_parcel_layer(path: Path) -> Path:
    """An empty 宗地 polygon layer (EPSG:4549) with the 宗地 fields, to draw or paste into."""
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    from landgov.reports.gis import GPKG_VERSION

    columns = {}
    for spec in PARCEL_FIELDS:
        dtype = "float64" if spec.kind in (Kind.NUMBER, Kind.YEAR) else "object"
        columns[header(spec)] = pd.Series(dtype=dtype)
    frame = gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=PARCEL_CRS))
    pyogrio.write_dataframe(
        frame,
        path,
        layer="宗地",
        driver="GPKG",
        geometry_type="MultiPolygon",
        dataset_options={"VERSION": GPKG_VERSION},
    )
    return path


def write_templates(out_dir: Path) -> list[Path]:
    """Write every blank template into ``out_dir``; a file already there is kept, not listed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for template in TEMPLATES:
        path = out_dir / template.filename
        if not path.exists():
            written.append(write_workbook(template, path))
    parcels = out_dir / "宗地.gpkg"
    if not parcels.exists():
        written.append(write_parcel_layer(parcels))
    return written
