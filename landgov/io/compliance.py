"""Read violation/compliance records (违法违规记录) and normalise their category and severity.

Categories are the ones the seeds name for problem plots: 安全、环保、质量、能耗、消防、税收
[001 三(一)1] and 违法用地、违法建设、无照经营 [002 三(一)2]. Records attach to an enterprise
(统一社会信用代码) or to a parcel (宗地代码); one with neither cannot be used.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from landgov.ids import USCCStatus
from landgov.io._codes import add_uscc_status, uscc_problem
from landgov.io.fields import COMPLIANCE_FIELDS
from landgov.io.numbers import is_missing
from landgov.io.problems import ReadResult, Severity
from landgov.io.tables import _parse_table, _ParsedTable

__all__ = ["CATEGORIES", "SEVERITIES", "category_of", "read_compliance", "severity_of"]

CATEGORIES: tuple[str, ...] = (
    "安全",
    "环保",
    "质量",
    "能耗",
    "消防",
    "税收",
    "违法用地",
    "违法建设",
    "无照经营",
)
"""The canonical problem categories."""

SEVERITIES: tuple[str, ...] = ("一般", "较大", "重大")
"""The canonical severities, mildest first."""

_CATEGORY_WORDS: Mapping[str, str] = {
    **{c: c for c in CATEGORIES},
    "安全生产": "安全",
    "生产安全": "安全",
    "安全隐患": "安全",
    "安全事故": "安全",
    "生态环境": "环保",
    "环境": "环保",
    "环境保护": "环保",
    "环境污染": "环保",
    "污染": "环保",
    "产品质量": "质量",
    "质量安全": "质量",
    "节能": "能耗",
    "能源": "能耗",
    "用能": "能耗",
    "消防安全": "消防",
    "税务": "税收",
    "纳税": "税收",
    "欠税": "税收",
    "偷逃税": "税收",
    "偷税漏税": "税收",
    "非法占地": "违法用地",
    "违法占地": "违法用地",
    "非法用地": "违法用地",
    "违规用地": "违法用地",
    "土地违法": "违法用地",
    "违章建筑": "违法建设",
    "违建": "违法建设",
    "违章建设": "违法建设",
    "违法建筑": "违法建设",
    "违法搭建": "违法建设",
    "违章搭建": "违法建设",
    "无证经营": "无照经营",
    "无证无照": "无照经营",
    "无照": "无照经营",
}
_CATEGORY_SUFFIX = re.compile(r"(类|问题|方面|领域|违法|违规|处罚|隐患)$")
_SEVERITY_WORDS: Mapping[str, str] = {
    "一般": "一般",
    "轻微": "一般",
    "较轻": "一般",
    "较大": "较大",
    "较重": "较大",
    "重大": "重大",
    "严重": "重大",
    "特别重大": "重大",
    "特大": "重大",
}


def _key(value: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def category_of(value: object) -> str | None:
    """The canonical category for a category text, None when blank or unknown.

    Examples
    --------
    >>> category_of("安全生产"), category_of("违章建筑"), category_of("环保类"), category_of("其他")
    ('安全', '违法建设', '环保', None)
    """
    if is_missing(value):
        return None
    text = _key(value)
    while text:
        if text in _CATEGORY_WORDS:
            return _CATEGORY_WORDS[text]
        stripped = _CATEGORY_SUFFIX.sub("", text)
        if stripped == text:
            return None
        text = stripped
    return None


def severity_of(value: object) -> str | None:
    """一般/较大/重大 for a severity text (严重 → 重大), None when blank or unknown."""
    if is_missing(value):
        return None
    text = _key(value)
    return _SEVERITY_WORDS.get(text) or _SEVERITY_WORDS.get(text.removesuffix("级"))


def _normalise_categories(table: _ParsedTable) -> None:
    frame = table.frame
    given = frame["category"].tolist()
    frame.insert(
        frame.columns.get_loc("category") + 1,
        "category_given",
        pd.Series(given, index=frame.index, dtype="str"),
    )
    mapped = []
    for pos, text in enumerate(given):
        category = category_of(text)
        if is_missing(text):
            table.reject(pos, "问题类别未填写", field="category")
        elif category is None and table.reasons[pos] is None:
            table.note(
                pos,
                f"未知的问题类别「{text}」，已原样保留",
                field="category",
                value=text,
                action=f"改为以下类别之一：{'、'.join(CATEGORIES)}",
                severity=Severity.WARNING,
            )
        mapped.append(category or (None if is_missing(text) else str(text).strip()))
    frame["category"] = pd.Series(mapped, index=frame.index, dtype="str")


def _normalise_severities(table: _ParsedTable) -> None:
    frame = table.frame
    given = frame["severity"].tolist()
    mapped = [severity_of(v) for v in given]
    frame["severity"] = pd.Series(mapped, index=frame.index, dtype="str")
    for pos, (text, level) in enumerate(zip(given, mapped, strict=True)):
        if level is None and not is_missing(text) and table.reasons[pos] is None:
            table.note(
                pos,
                f"无法识别的严重程度「{text}」，已按缺失处理",
                field="severity",
                value=text,
                action=f"改为以下之一：{'、'.join(SEVERITIES)}",
            )


def _check_targets(table: _ParsedTable) -> None:
    """Validate codes; a record needs a valid USCC or a 宗地代码 to attach to."""
    raw, statuses = add_uscc_status(table.frame)
    parcels = table.frame["parcel_id"].tolist()
    for pos, (value, status, parcel) in enumerate(zip(raw, statuses, parcels, strict=True)):
        if status is USCCStatus.VALID or table.reasons[pos] is not None:
            continue
        if is_missing(parcel):
            problem = (
                "既无统一社会信用代码也无宗地代码"
                if status is USCCStatus.MISSING
                else uscc_problem(value, status)[0]
            )
            table.reject(pos, f"{problem}，记录无法关联到企业或宗地", field="uscc", value=value)
        elif status is not USCCStatus.MISSING:
            problem, action = uscc_problem(value, status)
            table.note(
                pos,
                f"{problem}；记录按宗地代码关联",
                field="uscc",
                value=value,
                action=action,
                severity=Severity.WARNING,
            )


def read_compliance(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> ReadResult:
    """Read a table of violation/compliance records (.xlsx/.csv).

    Parameters
    ----------
    path
        The file as received.
    sheet
        Sheet name or 0-based index; by default the sheet whose header matches best.
    aliases
        Extra column names per canonical field, e.g. ``{"category": ["违法类型"]}``.

    Returns
    -------
    ReadResult
        ``data``: ``uscc``, ``uscc_status``, ``parcel_id``, ``category`` (one of
        :data:`CATEGORIES`; an unknown category is kept as written, with a warning),
        ``category_given``, ``severity`` (一般/较大/重大; 严重 → 重大; unknown → missing with a
        problem), ``record_date``, ``description``, ``source_row``. Records with no category,
        or with neither a valid USCC nor a 宗地代码, go to ``rejected``.

    Raises
    ------
    SchemaError
        No 问题类别 column.
    """
    table = _parse_table(
        path, specs=COMPLIANCE_FIELDS, sheet=sheet, aliases=aliases, role="compliance"
    )
    _check_targets(table)
    _normalise_categories(table)
    _normalise_severities(table)
    return table.result()
