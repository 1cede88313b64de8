"""Read violation/compliance records (违法违规记录) and normalise their category and severity.

Categories are the ones the seeds name for problem plots: 安全、环保、质量、能耗、消防、税收
[001 三(一)1] and 违法用地、违法建设、无照经营 [002 三(一)2]. Records attach to an enterprise
(统一社会信用代码) or to a parcel (宗地代码); one with neither cannot be used.

Rectification (整改情况: 是/否, 已整改/未整改/整改中 …; 整改完成日期) is what decides whether a
record still counts (:mod:`landgov.core.records`): the reader normalises the status to
已整改/未整改, keeps an unrecognised status as unknown with a warning, and says so when the
table has no rectification column at all (every record's status is then unknown, and the
checks that depend on it give 待核实).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from landgov.core.dates import day_or_span, latest_name, parse_date
from landgov.core.problems import ReadResult, Severity
from landgov.core.records import Rectification
from landgov.core.vocab import CATEGORIES, SEVERITIES, RecordSeverity, ViolationCategory
from landgov.ids import USCCStatus, listed_parcel_codes
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
        several = ViolationCategory.several(text)
        if is_missing(text):
            table.reject(pos, "问题类别未填写", field="category")
        elif several and table.reasons[pos] is None:
            named = "、".join(several)
            table.note(
                pos,
                f"一条记录填了 {len(several)} 个问题类别（{named}）：每条记录只归一类，"
                "已原样保留，按类别判定的条件（如增容条件1违建、条件3不良记录）对该记录为待核实",
                field="category",
                value=text,
                action=f"一行只填一个类别：拆成 {len(several)} 行（{named}各一行，其他各列照抄）"
                "后重新运行",
                severity=Severity.ERROR,
            )
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


def _normalise_rectification(table: _ParsedTable) -> None:
    """整改情况 → 已整改/未整改 (None: unknown); warn on what cannot be read or disagrees."""
    frame = table.frame
    if "rectified" not in table.columns and "rectified_date" not in table.columns:
        table.log.add(
            "表中没有整改情况（是否整改）和整改完成日期列：各记录是否已整改未知，"
            "依赖整改情况的判定（治理清单违法违规、增容条件1「无严重违建」）为待核实",
            field="整改情况",
            action="补充「整改情况」（已整改/未整改）和「整改完成日期」两列后重新运行",
            severity=Severity.WARNING,
        )
    given = frame["rectified"].tolist()
    status = [Rectification.parse(v) for v in given]
    frame["rectified"] = pd.Series(
        [None if s is None else s.value for s in status], index=frame.index, dtype="str"
    )
    # a month (month_only="period") was done by its last day at the latest: 「早于记录日期」
    # only when all of it is before the record's first day
    done_by = frame.get(latest_name("rectified_date"), frame["rectified_date"])
    done_by = done_by.where(done_by.notna(), frame["rectified_date"])
    firsts, recorded = frame["rectified_date"].tolist(), frame["record_date"].tolist()
    dates = zip(firsts, done_by.tolist(), recorded, strict=True)
    for pos, (text, state, (done, last, seen)) in enumerate(zip(given, status, dates, strict=True)):
        if table.reasons[pos] is None:
            days = (parse_date(done), parse_date(last), parse_date(seen))
            _check_rectification(table, pos, text, state, days)


def _check_rectification(
    table: _ParsedTable,
    pos: int,
    text: object,
    state: Rectification | None,
    dates: tuple[dt.date | None, dt.date | None, dt.date | None],
) -> None:
    done, last, seen = dates  # 整改完成日期 (a month: its first and last day), 记录日期
    if state is None and not is_missing(text):
        table.note(
            pos,
            f"无法识别的整改情况「{text}」，按整改情况未知处理（相关判定为待核实）",
            field="rectified",
            value=text,
            action="改为「已整改」或「未整改」（也可写 是/否），已整改的填整改完成日期",
            severity=Severity.WARNING,
        )
    if state is Rectification.OPEN and done is not None:
        table.note(
            pos,
            f"整改情况为未整改，但填有整改完成日期 {done}：按未整改处理",
            field="rectified_date",
            value=str(done),
            action="核实是否已整改：已整改的改为「已整改」，整改期限不要填在本列",
            severity=Severity.WARNING,
        )
    elif last is not None and seen is not None and last < seen:
        table.note(
            pos,
            f"整改完成日期 {day_or_span(done or last, last)} 早于记录日期 {seen}",
            field="rectified_date",
            value=str(done),
            action="核对两个日期",
            severity=Severity.WARNING,
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


def _flag_several_plots(table: _ParsedTable) -> None:
    """A record naming several plots in one cell attaches to none of them by its 宗地代码."""
    for pos, code in enumerate(table.frame["parcel_id"].tolist()):
        codes = listed_parcel_codes(code)
        if codes and table.reasons[pos] is None:
            table.note(
                pos,
                f"一条记录填了 {len(codes)} 个宗地代码（{'、'.join(codes)}）：记录只能按一个宗地"
                "代码关联，现不按宗地代码关联（有统一社会信用代码的按企业关联到其宗地）",
                field="parcel_id",
                value=code,
                action=f"每个宗地一行：拆成 {len(codes)} 行（其他各列照抄）后重新运行",
            )


def read_compliance(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> ReadResult:
    """Read a table of violation/compliance records (.xlsx/.xls/.csv).

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
        problem), ``record_date``, ``description``, ``rectified`` (已整改/未整改; unknown →
        missing, with a warning), ``rectified_date`` (整改完成日期), ``source_row``. Records
        with no category, or with neither a valid USCC nor a 宗地代码, go to ``rejected``.

    Raises
    ------
    SchemaError
        No 问题类别 column.
    """
    table = _parse_table(
        path, specs=COMPLIANCE_FIELDS, sheet=sheet, aliases=aliases, role="compliance"
    )
    _check_targets(table)
    _flag_several_plots(table)
    _normalise_categories(table)
    _normalise_severities(table)
    _normalise_rectification(table)
    return table.result()
