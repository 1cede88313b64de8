"""The column registry: lookups, the table in docs/schema.md, and what the Excel writers apply."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from landgov.core.columns import (
    COLUMNS,
    KIND_FORMATS,
    Column,
    label,
    markdown_table,
    number_format,
    short_label,
)
from landgov.core.plausible import _LABELS as PLAUSIBLE_LABELS
from landgov.io.fields import ENTERPRISE_FIELDS
from landgov.maps._popup import BLOCK_SECTIONS, PARCEL_SECTIONS, township_fields
from landgov.maps._summary import _KEY_LABELS
from landgov.reports.excel import write_sheet, write_workbook
from landgov.reports.labels import LABELS
from landgov.run.screening import PARCEL_COLUMNS
from landgov.summary import SUMMARY_LABELS

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "docs" / "schema.md"
_ROW = re.compile(r"^\| `([^`]+)` \| ([^|]*) \| ([^|]*) \| ([^|]*) \| ([^|]*) \|$")


def _doc_columns(text: str) -> dict[str, Column]:
    block = text.split("<!-- columns:start -->")[1].split("<!-- columns:end -->", maxsplit=1)[0]
    out: dict[str, Column] = {}
    for line in block.strip().splitlines()[2:]:
        match = _ROW.match(line)
        assert match, f"docs/schema.md: column table row not understood: {line!r}"
        name, text_label, unit, fmt, kind = (g.strip() for g in match.groups())
        assert name not in out, f"docs/schema.md lists {name} twice"
        out[name] = Column(name, text_label, unit, fmt.strip("`") or None, kind)  # type: ignore[arg-type]
    return out


def test_schema_doc_table_equals_registry() -> None:
    assert _doc_columns(SCHEMA.read_text(encoding="utf-8")) == dict(COLUMNS)


def test_schema_doc_table_is_the_generated_one() -> None:
    assert markdown_table() in SCHEMA.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new"),
    [("亩均税收（万元/亩）", "亩均税收"), ("| `0.00` | ratio |", "| `0.0%` | ratio |")],
)
def test_doc_check_sees_drift(old: str, new: str) -> None:
    text = SCHEMA.read_text(encoding="utf-8")
    assert old in text
    assert _doc_columns(text.replace(old, new, 1)) != dict(COLUMNS)


def test_doc_check_sees_a_missing_row() -> None:
    text = SCHEMA.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `tax_per_mu` |"))
    assert _doc_columns(text.replace(row + "\n", "", 1)) != dict(COLUMNS)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("tax_per_mu", "亩均税收（万元/亩）"),
        ("parcel_id", "宗地代码"),  # an input field: label from landgov/io/fields.py
        ("tax_wan", "税收（万元）"),  # a computed label wins over the field's short one
        ("row", "行号"),
        ("grade_given", "评价等级（源数据）"),
        ("no_such_column", "no_such_column"),
    ],
)
def test_label(name: str, text: str) -> None:
    assert label(name) == text


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("tax_wan", "#,##0.00"),
        ("area_mu", "#,##0.00"),
        ("area_m2", "#,##0.00"),
        ("tax_per_mu", "0.00"),
        ("far", "0.00"),
        ("renewal_share", "0.0%"),
        ("supply_date", "yyyy-mm-dd"),
        ("n_parcels", "#,##0"),
        ("employees", "#,##0"),
        ("parcel_id", None),
        ("low_efficiency", None),
        ("no_such_column", None),
    ],
)
def test_number_format(name: str, fmt: str | None) -> None:
    assert number_format(name) == fmt


def test_every_column_has_a_known_kind_and_its_format() -> None:
    for col in COLUMNS.values():
        assert col.kind in KIND_FORMATS, col
        assert col.number_format == KIND_FORMATS[col.kind], col
        assert col.label.strip(), col


def test_percent_only_for_fractions() -> None:
    percent = {c.name for c in COLUMNS.values() if c.number_format == "0.0%"}
    assert percent == {
        "rd_ratio", "renewal_share", "built_cover", "area_diff_ratio", "building_coverage",
        "demolition_share", "planning_other_share", "planning_unknown_share",
        "planning_project_share",  # the part of planning_other_share read by a short form
        "control_line_outside_share", "control_line_unknown_share",  # 工业用地控制线 (增容)
        "renewal_done_share",  # 动态评价: 已移出治理清单面积 ÷ 盘活目标
        "special_zone_share",  # the part of a plot partly in 马海片区 (增容, 待核实)
    }  # fmt: skip


def test_labels_view_is_the_registry() -> None:
    assert dict(LABELS) == {name: c.label for name, c in COLUMNS.items()}


def _repeated(names: list[str]) -> dict[str, int]:
    counts = Counter(label(n) for n in dict.fromkeys(names))
    return {text: n for text, n in counts.items() if n > 1}


def test_sheet_headers_unique() -> None:
    enterprise = [f.name for f in ENTERPRISE_FIELDS] + [
        c for c in COLUMNS if c.startswith(("grade", "score", "land_", "n_parcels", "evaluat"))
    ]
    assert _repeated(list(SUMMARY_LABELS)) == {}
    assert _repeated(PARCEL_COLUMNS) == {}
    assert _repeated(enterprise) == {}


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parcel_id": ["330100001"],
            "tax_per_mu": [12.345],
            "area_mu": [1234.5],
            "n_parcels": [3],
            "supply_date": [pd.Timestamp("2020-01-02")],
            "renewal_share": [0.25],
            "holder": ["某公司"],
        }
    )


_EXPECTED = {
    "宗地代码": "General",
    "亩均税收（万元/亩）": "0.00",
    "面积（亩）": "#,##0.00",
    "宗地数": "#,##0",
    "供地日期": "yyyy-mm-dd",
    "列入治理清单面积÷盘活目标（非完成率）": "0.0%",
    "权利人": "General",
}


def _formats(path: Path, sheet: str) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)[sheet]
    return {ws.cell(1, j).value: ws.cell(2, j).number_format for j in range(1, ws.max_column + 1)}


def test_write_sheet_applies_registry_formats(tmp_path: Path) -> None:
    path = write_sheet(_frame(), tmp_path / "a.xlsx", sheet="表", labels=LABELS).path
    assert _formats(path, "表") == _EXPECTED


def test_write_workbook_applies_registry_formats(tmp_path: Path) -> None:
    path = write_workbook([("表", _frame())], tmp_path / "b.xlsx", labels=LABELS).path
    assert _formats(path, "表") == _EXPECTED
    ws = openpyxl.load_workbook(path)["表"]
    assert ws.cell(2, 5).value == dt.datetime(2020, 1, 2)


@pytest.mark.parametrize(
    ("name", "text"),
    [("tax_per_mu", "亩均税收"), ("floor_area_m2", "建筑面积"), ("reasons", "理由（含政策依据）")],
)
def test_short_label(name: str, text: str) -> None:
    assert short_label(name) == text


def test_popups_take_registry_labels() -> None:
    fields = {f.key: f.label for _, sec in PARCEL_SECTIONS for f in sec}
    assert {f.key: f.label for _, sec in BLOCK_SECTIONS for f in sec}["n_parcels"] == "宗地数"
    for key in ("parcel_id", "tax_per_mu", "tax_wan", "grade", "screening_status", "far"):
        assert fields[key] == short_label(key)
    frame = pd.DataFrame(columns=["township", "tax_per_mu_target_year", "renewal_target_year"])
    assert [f.label for f in township_fields(frame)] == ["镇街", "亩均税收目标年份", "盘活目标年份"]


def test_township_popups_label_and_round_every_registry_column() -> None:
    # the 镇街汇总 columns without a popup wording of their own: the registry's, never the name
    names = [
        "above_scale_value_added_wan",
        "value_added_per_mu_target_year",
        "n_above_scale_incomplete",
    ]
    fields = {f.key: f for f in township_fields(pd.DataFrame(columns=names))}
    money = fields["above_scale_value_added_wan"]
    assert (money.label, money.kind, money.digits, money.unit) == (
        "规上工业增加值",
        "num",
        2,
        "万元",
    )
    assert money.money  # left out of a redacted map
    year = fields["value_added_per_mu_target_year"]
    assert (year.label, year.kind, year.digits, year.money) == (
        "亩均增加值目标年份",
        "num",
        0,
        False,
    )
    assert fields["n_above_scale_incomplete"].label == label("n_above_scale_incomplete")


def test_panel_and_plausible_take_registry_labels() -> None:
    assert _KEY_LABELS["tax_per_mu_above_scale"] == label("tax_per_mu_above_scale")
    assert _KEY_LABELS["n_parcels"] == label("n_parcels")
    for name in ("tax_wan", "employees", "supply_date", "far_declared"):
        assert PLAUSIBLE_LABELS[name] == short_label(name)


def test_summary_labels_agree_with_registry() -> None:
    # landgov.summary keeps its own copy (a stage; core imports no stage): it must not drift
    shared = {"n_parcels", "area_mu"}  # general labels win in every sheet, as before
    renamed = {c for c in SUMMARY_LABELS if c.endswith(("_target_year", "_gap"))}
    assert set(SUMMARY_LABELS) <= set(COLUMNS)
    for name, text in SUMMARY_LABELS.items():
        if name not in shared | renamed:
            assert label(name) == text, name
    assert {label(n) for n in renamed} == {
        "亩均税收目标年份",
        "亩均增加值目标年份",
        "盘活目标年份",
        "亩均税收距目标（万元/亩）",
        "亩均增加值距目标（万元/亩）",
    }
