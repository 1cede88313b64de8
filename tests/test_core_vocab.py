"""landgov.core.vocab: the shared enums, their aliases, and that old names still point here."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from landgov import efficiency, screening, verdict
from landgov.core import vocab
from landgov.core.vocab import (
    CATEGORIES,
    SEVERITIES,
    CatalogueClass,
    Eligibility,
    Grade,
    RecordSeverity,
    ScreeningStatus,
    Status,
    TreatmentPath,
    ViolationCategory,
)
from landgov.far import industry, zengrong
from landgov.io import compliance
from landgov.screening import paths


def test_enums_are_strings_with_the_output_text():
    assert Status.FAIL == "不符合" and f"{Status.UNKNOWN}" == "待核实"
    assert Eligibility.ELIGIBLE == "可申报"
    assert ScreeningStatus.GOVERN == "治理"
    assert TreatmentPath.EXIT == "关停退出"
    assert [g.value for g in Grade] == ["A", "B", "C", "D"]


def test_each_concept_is_defined_once():
    assert verdict.Status is Status
    assert zengrong.Eligibility is Eligibility
    assert screening.ScreeningStatus is ScreeningStatus
    assert efficiency.Grade is Grade
    assert paths.TreatmentPath is TreatmentPath
    assert industry.CatalogueClass is CatalogueClass
    assert compliance.CATEGORIES is CATEGORIES and compliance.SEVERITIES is SEVERITIES


def test_summary_words_are_written_once():
    """全区, 全省, 镇街不明, 无目标 and 未提供 are literals in core.vocab only: a summary row
    compared with another module's copy of the word would miss it the day one copy changes."""
    words = {vocab.DISTRICT, vocab.PROVINCE, vocab.UNKNOWN_TOWNSHIP, vocab.NO_TARGET}
    words.add(vocab.NOT_GIVEN)
    assert words == {"全区", "全省", "镇街不明", "无目标", "未提供"}
    package = Path(vocab.__file__).resolve().parents[1]
    found = [
        f"{path.relative_to(package)}:{node.lineno} {node.value}"
        for path in sorted(package.rglob("*.py"))
        if path != Path(vocab.__file__).resolve()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value in words
    ]
    assert found == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("安全生产", "安全"),
        ("生态环境", "环保"),
        ("环保类", "环保"),
        ("违章建筑", "违法建设"),
        ("非法占地", "违法用地"),
        ("无证经营", "无照经营"),
        (" 消防 ", "消防"),
        ("其他", None),
        ("", None),
        ("无", None),
        (np.nan, None),
    ],
)
def test_violation_category_aliases(text, expected):
    got = ViolationCategory.parse(text)
    assert (None if got is None else got.value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一般", "一般"),
        ("轻微", "一般"),
        ("较大级", "较大"),
        ("严重", "重大"),
        ("特大", "重大"),
        ("中等", None),
        (None, None),
    ],
)
def test_record_severity_aliases(text, expected):
    got = RecordSeverity.parse(text)
    assert (None if got is None else got.value) == expected


def test_severity_order():
    assert [s.rank for s in RecordSeverity] == [0, 1, 2]
    assert SEVERITIES == ("一般", "较大", "重大")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A", "A"),
        ("ａ", "A"),
        ("Ｂ类", "B"),
        ("C 类", "C"),
        ("淘汰倒逼", "D"),
        ("E", None),
        ("—", None),
    ],
)
def test_grade_parse(text, expected):
    got = Grade.parse(text)
    assert (None if got is None else got.value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("限制类", "限制类"),
        ("限制", "限制类"),
        ("淘汰", "淘汰类"),
        ("不属于", "允许类"),
        ("", None),
        ("甲类", None),
    ],
)
def test_catalogue_class_parse(text, expected):
    got = CatalogueClass.parse(text)
    assert (None if got is None else got.value) == expected


def test_public_names():
    public = {n for n in dir(vocab) if not n.startswith("_") and n.isidentifier()}
    enums = {
        n
        for n in public
        if isinstance(getattr(vocab, n), type) and getattr(vocab, n).__module__ == vocab.__name__
    }
    assert enums <= set(vocab.__all__)
    assert all(hasattr(vocab, name) for name in vocab.__all__)
