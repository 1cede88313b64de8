"""Read violation/compliance records (违法违规记录) and normalise their category and severity.

Categories are the ones the seeds name for problem plots: 安全、环保、质量、能耗、消防、税收
[001 三(一)1] and 违法用地、违法建设、无照经营 [002 三(一)2]. Records attach to an enterprise
(统一社会信用代码) or to a parcel (宗地代码); one with neither cannot be used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from landgov.core.problems import ReadResult, Severity
from landgov.core.vocab import CATEGORIES, SEVERITIES, RecordSeverity, ViolationCategory
from landgov.ids import USCCStatus
from landgov.io._codes import add_uscc_status, uscc_problem
from landgov.io.fields import COMPLIANCE_FIELDS
from landgov.io.numbers import is_missing
from landgov.io.tables import _parse_table, _ParsedTable

__all__ = ["CATEGORIES", "SEVERITIES", "read_compliance"]


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
        category = ViolationCategory.parse(text)
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
        written = None if is_missing(text) else str(text).strip()
        mapped.append(written if category is None else category.value)
    frame["category"] = pd.Series(mapped, index=frame.index, dtype="str")


def _normalise_severities(table: _ParsedTable) -> None:
    frame = table.frame
    given = frame["severity"].tolist()
    levels = [RecordSeverity.parse(v) for v in given]
    mapped = [None if level is None else level.value for level in levels]
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
