"""Violation records (违法违规记录): one record, and whether it counts at the reference date.

One rule for every stage that reads the compliance table:

- screening (治理清单): 「存在安全、环保、质量、能耗、消防和税收等各类违法违规问题的企业用地」
  [001 三(一)1] — a record counts while it is not rectified (整改) at ``as_of``, within the
  profile's window if it sets one (``screening.violation_window_years``);
- 增容 三.1 「无严重违建」 [000 附件3 三.1] — a serious 违法建设 record counts while it is not
  rectified, whatever its age (the text sets no window);
- 增容 三.3 「申请企业 1 年内无重大违建、生态环境、安全生产不良记录」 [000 附件3 三.3] — a record
  of a covered category and severity dated within the window counts (whether rectification
  clears it is a profile setting, ``zengrong.record_counts_rectified``).

:func:`judge` answers for one record with a :class:`Judgement`: it counts, it does not (and
why), or it may count and something is missing (待核实). Missing data never clears a record:
an unknown rectification status, an unknown date where a window applies, or an unknown
severity where not every severity counts, gives :attr:`Standing.UNKNOWN` with the missing item
named — unless something known already rules the record out (recorded after ``as_of``,
rectified in time, older than the window, a category not covered). A 记录日期 later than the
reference date of the run is set aside as implausible when the tables are read
(:mod:`landgov.core.plausible`); such a record is no evidence the problem existed on the
reference date, nor that it did not: it is :attr:`Standing.UNKNOWN`, its date named as written.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from landgov.core.dates import (
    day_or_span,
    latest_name,
    parse_date,
    set_aside_date,
    span_text,
    unread_name,
    unread_value,
    unread_words,
)
from landgov.core.missing import is_missing, parse_yes_no
from landgov.core.problems import ProblemLog, Severity
from landgov.core.textkey import folded
from landgov.core.vocab import CATEGORIES, SEVERITIES, RecordSeverity, ViolationCategory
from landgov.errors import Issue
from landgov.ids import normalize_uscc

__all__ = [
    "COMPLIANCE_SOURCE",
    "RECTIFICATION_DONE_TEXT",
    "RECTIFICATION_OPEN_TEXT",
    "Judgement",
    "PlotRecords",
    "RecordRule",
    "Rectification",
    "Standing",
    "ViolationRecord",
    "check_severity_table",
    "describe",
    "judge",
    "records_from_frame",
    "unmatched_records",
    "window_start",
]

RECTIFICATION_DONE_TEXT: frozenset[str] = frozenset(
    {"已整改", "整改完成", "完成整改", "已完成整改", "整改到位", "已销号", "销号", "已处置"}
    | {"处置完毕", "已办结", "办结", "已完成", "已纠正", "已拆除"}
)
"""Texts (NFKC, blanks removed) read as rectified (已整改)."""

RECTIFICATION_OPEN_TEXT: frozenset[str] = frozenset(
    {"未整改", "整改中", "正在整改", "部分整改", "未完成整改", "未完成", "未销号", "未处置"}
    | {"待整改", "逾期未整改", "未纠正", "未拆除", "尚未整改"}
)
"""Texts (NFKC, blanks removed) read as not rectified (未整改): partly done is not done."""


class Rectification(enum.StrEnum):
    """Whether a record was rectified (整改), as the compliance table says."""

    DONE = "已整改"
    OPEN = "未整改"

    @classmethod
    def parse(cls, value: object) -> Rectification | None:
        """已整改/未整改 for a cell (是/否, 已销号, 整改中 …); None when blank or not understood.

        Examples
        --------
        >>> [str(Rectification.parse(t)) for t in ("已整改", "整改中", "否", "是", "待定")]
        ['已整改', '未整改', '未整改', '已整改', 'None']
        """
        if is_missing(value):
            return None
        if isinstance(value, str):
            text = folded(value)
            if text in RECTIFICATION_DONE_TEXT:
                return cls.DONE
            if text in RECTIFICATION_OPEN_TEXT:
                return cls.OPEN
        answer = parse_yes_no(value)
        return None if answer is None else cls.DONE if answer else cls.OPEN


@dataclass(frozen=True)
class ViolationRecord:
    """One compliance record, normalised.

    ``category`` is a :class:`~landgov.core.vocab.ViolationCategory` value or the text as
    written; ``severity`` 一般/较大/重大 or None; ``rectified`` None when the table does not say.
    """

    uscc: str
    parcel_id: str | None
    category: str | None
    severity: str | None
    record_date: dt.date | None
    rectified: Rectification | None = None
    rectified_date: dt.date | None = None
    #: the 整改完成日期 cell written but no date, or set aside as implausible (1900-01-01):
    #: :func:`~landgov.core.dates.unread_value`; named where the rectification is to verify
    rectified_date_seen: str | None = None
    #: the last day of a 记录日期 written as a month, a quarter or a half-year
    #: (``record_date`` holds its first day; :func:`~landgov.core.dates.latest_name`);
    #: ``None`` for a day
    record_date_latest: dt.date | None = None
    #: the last day of a 整改完成日期 written as a month, a quarter or a half-year
    #: (``rectified_date`` holds its first day); ``None`` for a day
    rectified_date_latest: dt.date | None = None
    #: the 记录日期 cell written but no date, or set aside as implausible (a date later than
    #: the reference date: :func:`~landgov.core.dates.set_aside_date`), as
    #: :func:`~landgov.core.dates.unread_value` gives it; ``record_date`` is then ``None``
    record_date_seen: str | None = None


class Standing(enum.StrEnum):
    """Where one record stands at the reference date under one rule."""

    COUNTS = "计入"
    UNKNOWN = "待核实"
    CLEARED = "已整改"
    OUTSIDE = "超出时限"
    LATER = "晚于基准日"
    NOT_COVERED = "不适用"


@dataclass(frozen=True)
class Judgement:
    """A record, where it stands, and what is missing when it may count (待核实)."""

    record: ViolationRecord
    standing: Standing
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordRule:
    """Which records count.

    Parameters
    ----------
    severities
        Severities that count for every category (a set), or per category (a mapping
        category → severities; categories not named do not count).
    window_years
        Records dated before the same calendar day ``window_years`` before ``as_of`` do not
        count; ``None``: no window.
    rectification_clears
        Whether a record rectified on or before ``as_of`` stops counting.
    """

    severities: frozenset[str] | Mapping[str, frozenset[str]]
    window_years: int | None = None
    rectification_clears: bool = True

    def every_severity(self) -> RecordRule:
        """The same rule with every severity counting for the categories it covers."""
        every = frozenset(SEVERITIES)
        wide = (
            every
            if isinstance(self.severities, frozenset)
            else dict.fromkeys(self.severities, every)
        )
        return RecordRule(
            wide, window_years=self.window_years, rectification_clears=self.rectification_clears
        )

    def gravest_only(self) -> RecordRule:
        """The same rule with only the gravest severity (重大) counting, for the categories it
        covers: the narrowest reading of a severity setting. A record that counts under it
        counts under every reading, so a 不符合 on it does not rest on a 示例规则（非官方）
        severity setting."""
        top = frozenset(SEVERITIES[-1:])
        narrow = (
            self.severities & top
            if isinstance(self.severities, frozenset)
            else {c: v & top for c, v in self.severities.items()}
        )
        return RecordRule(
            narrow, window_years=self.window_years, rectification_clears=self.rectification_clears
        )

    def covered(self, category: str | None) -> frozenset[str]:
        """The severities that count for ``category`` (empty: the category does not count)."""
        if isinstance(self.severities, frozenset):
            return self.severities
        return self.severities.get(category or "", frozenset())


def window_start(as_of: dt.date, years: int) -> dt.date:
    """First day of a window of ``years`` years ending on ``as_of`` (both days included).

    A record of day ``r`` lies within 「``years`` 年内」 while its period has not ended: the
    start day is not counted (《民法典》第二百零一条) and the period ends on the corresponding
    day, or on the month's last day when the month has none (第二百零二条). The window starts
    on the earliest ``r`` whose period ends on or after ``as_of``: the same calendar day
    ``years`` back, except on 29 February, where a record of 28 February (its year ends on
    28 February) is out and the window starts on 1 March.

    Examples
    --------
    >>> window_start(dt.date(2024, 6, 30), 1)
    datetime.date(2023, 6, 30)
    >>> window_start(dt.date(2024, 2, 29), 1)
    datetime.date(2023, 3, 1)
    >>> window_start(dt.date(2025, 2, 28), 1)
    datetime.date(2024, 2, 28)
    """
    try:
        return as_of.replace(year=as_of.year - years)
    except ValueError:  # 29 February, and no 29 February ``years`` back
        return dt.date(as_of.year - years, 3, 1)


def _rectification_gap(record: ViolationRecord, as_of: dt.date) -> Standing | str | None:
    """CLEARED, the missing item, or None when the record is open at ``as_of``."""
    if record.rectified is Rectification.OPEN:
        return None
    if record.rectified_date is not None:
        return _rectified_by(record.rectified_date, record.rectified_date_latest, as_of)
    seen = record.rectified_date_seen
    said = "" if seen is None else f"：{unread_words('整改完成日期', seen)}"
    if record.rectified is Rectification.DONE:
        if said:
            return f"整改完成日期（记录为已整改{said}，无法确认基准日前已整改）"
        return "整改完成日期（记录为已整改但未填日期，无法确认基准日前已整改）"
    return f"整改情况（是否整改、整改完成日期{said}）"


def _rectified_by(first: dt.date, latest: dt.date | None, as_of: dt.date) -> Standing | str | None:
    """A 整改完成日期 against ``as_of``: CLEARED when all of it (a month: its first to its
    ``latest`` day) is on or before it, None (open) when all of it is after, else the missing
    item naming the span."""
    last = latest or first
    if last <= as_of:
        return Standing.CLEARED
    if first > as_of:
        return None
    return f"整改完成日期（只写到 {span_text(first, last)}，无法确认基准日 {as_of} 前已整改）"


def _coverage(rule: RecordRule, category: str | None) -> tuple[frozenset[str], bool]:
    """The severities that may count for ``category``, and whether its coverage is unknown.

    Under a per-category rule a category the vocabulary does not know (kept as written, e.g.
    「环保、安全」 or 「其他」) may be any of the covered ones: every covered severity may count,
    and the record is 待核实 rather than ruled out."""
    if isinstance(rule.severities, frozenset) or category in CATEGORIES:
        return rule.covered(category), False
    return frozenset().union(*rule.severities.values()), True


def judge(record: ViolationRecord, *, rule: RecordRule, as_of: dt.date) -> Judgement:
    """Where ``record`` stands at ``as_of`` under ``rule``.

    Steps, in order: a (known) category the rule does not cover, or a severity it does not count →
    :attr:`Standing.NOT_COVERED`; recorded after ``as_of`` → :attr:`Standing.LATER`; dated
    before the window → :attr:`Standing.OUTSIDE`; rectified on or before ``as_of`` (when
    rectification clears) → :attr:`Standing.CLEARED`. A step that cannot be decided (no date
    under a window, no rectification status or date, no severity where not all count) is
    noted; the record is then :attr:`Standing.UNKNOWN` with every missing item, unless a later
    step rules it out. Otherwise it :attr:`Standing.COUNTS`.

    A rectification date after ``as_of`` means the record was still open at ``as_of``; a
    record marked 未整改 stays open even when a date is filled in (the reader warns). A
    记录日期 set aside as later than the reference date (:attr:`ViolationRecord.record_date_seen`)
    is a missing item naming it: the record may or may not have stood on ``as_of``.
    """
    severities, unknown_category = _coverage(rule, record.category)
    if not severities or (record.severity is not None and record.severity not in severities):
        return Judgement(record, Standing.NOT_COVERED)
    missing: list[str] = []
    if unknown_category:
        missing.append(
            f"问题类别（「{record.category or '未填'}」不是已知类别，无法判断是否属于本条所列类别）"
        )
    placed = _dated(record, rule=rule, as_of=as_of, missing=missing)
    if placed is not None:
        return Judgement(record, placed)
    if rule.rectification_clears:
        gap = _rectification_gap(record, as_of)
        if gap is Standing.CLEARED:
            return Judgement(record, Standing.CLEARED)
        if isinstance(gap, str):
            missing.append(gap)
    if record.severity is None and not severities >= set(SEVERITIES):
        missing.append("严重程度")
    if missing:
        return Judgement(record, Standing.UNKNOWN, tuple(missing))
    return Judgement(record, Standing.COUNTS)


def _dated(
    record: ViolationRecord, *, rule: RecordRule, as_of: dt.date, missing: list[str]
) -> Standing | None:
    """:func:`judge`'s date steps: LATER (recorded after ``as_of``), OUTSIDE (before the
    window), or ``None`` with what cannot be decided added to ``missing``. A date written as a
    month (:attr:`ViolationRecord.record_date_latest`) is its whole span: LATER or OUTSIDE
    only when all of it is, to verify when it straddles ``as_of`` or the window's start."""
    first = record.record_date
    if first is None:  # not dated, written but no date, or set aside as implausible
        aside = set_aside_date(record.record_date_seen)
        if aside is not None and aside[0] > as_of:
            missing.append(
                f"记录日期（记录为 {aside[0]}，晚于基准日 {as_of}，无法确认基准日时问题已存在）"
            )
        elif rule.window_years is not None:
            seen = record.record_date_seen
            said = "" if seen is None else f"：{unread_words('记录日期', seen)}"
            missing.append(f"记录日期（判断是否在时限内{said}）")
        return None
    if first > as_of:
        return Standing.LATER
    last = record.record_date_latest or first  # a month: its whole span
    span = f"只写到 {span_text(first, last)}"
    if last > as_of:
        missing.append(f"记录日期（{span}，无法判断是否在基准日 {as_of} 之前）")
    if rule.window_years is None:
        return None
    start = window_start(as_of, rule.window_years)
    if last < start:
        return Standing.OUTSIDE
    if first < start:
        missing.append(
            f"记录日期（{span}，无法判断是否在 {rule.window_years} 年时限内：时限自 {start} 起）"
        )
    return None


def describe(record: ViolationRecord) -> str:
    """「环保（重大，2024-03-01，未整改）」: the record as a user reads it.

    A 记录日期 set aside as implausible is shown as written with why
    (「记录日期 2026-08-01 晚于基准日 2026-06-30」), one written but no date as its text
    (「记录日期「待定」无法识别为日期」): neither is 「无日期」.
    """
    parts = [record.severity or "严重程度未注明"]
    seen = record.record_date_seen
    aside = set_aside_date(seen)
    if record.record_date is None and aside is not None:
        parts.append(f"记录日期 {aside[0]} {aside[1]}")
    elif record.record_date is None and seen is not None:
        parts.append(unread_words("记录日期", seen))
    elif record.record_date is None:
        parts.append("无日期")
    else:
        parts.append(day_or_span(record.record_date, record.record_date_latest))
    if record.rectified_date is not None and record.rectified is not Rectification.OPEN:
        parts.append(f"{day_or_span(record.rectified_date, record.rectified_date_latest)} 整改")
    else:
        parts.append(record.rectified.value if record.rectified else "整改情况未知")
    return f"{record.category or '类别未注明'}（{'，'.join(parts)}）"


def _text(value: object) -> str | None:
    return None if is_missing(value) else str(value).strip()


def _category(value: object) -> str | None:
    found = ViolationCategory.parse(value)
    return _text(value) if found is None else found.value


def _severity(value: object) -> str | None:
    found = RecordSeverity.parse(value)
    return None if found is None else found.value


def records_from_frame(compliance: pd.DataFrame) -> list[ViolationRecord]:
    """The rows of a compliance table (as :func:`landgov.io.read_compliance` returns it).

    Columns ``uscc``, ``parcel_id``, ``category``, ``severity``, ``record_date``,
    ``rectified`` and ``rectified_date``; an absent column is missing on every row (an absent
    ``rectified`` column leaves every record's rectification unknown).
    """
    rows: Iterable[Mapping[str, Any]] = compliance.to_dict("records")
    return [
        ViolationRecord(
            uscc=normalize_uscc(row.get("uscc")),
            parcel_id=_text(row.get("parcel_id")),
            category=_category(row.get("category")),
            severity=_severity(row.get("severity")),
            record_date=parse_date(row.get("record_date")),
            rectified=Rectification.parse(row.get("rectified")),
            rectified_date=parse_date(row.get("rectified_date")),
            rectified_date_seen=unread_value(
                row.get("rectified_date"), row.get(unread_name("rectified_date"))
            ),
            record_date_latest=parse_date(row.get(latest_name("record_date"))),
            rectified_date_latest=parse_date(row.get(latest_name("rectified_date"))),
            record_date_seen=unread_value(
                row.get("record_date"), row.get(unread_name("record_date"))
            ),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class PlotRecords:
    """The records standing on each plot: the one rule every stage reads them by.

    A record stands on the plot its 宗地代码 names when the parcel layer has that code; a record
    with no 宗地代码, or one the layer does not have, stands on every plot of the enterprise its
    USCC names (the plot's enterprises: owner and tenants, 地企关联). The screening's 违法违规
    check [虞政发〔2022〕12号 第三条第（一）项第1目] and 增容 三.1 「无严重违建」
    [越政发〔2022〕24号 附件3 第三条第1项] both ask :meth:`on`, so one plot has the same records
    in both; :func:`unmatched_records` tells the user of the records attached by their USCC.
    """

    filed: Mapping[str, tuple[ViolationRecord, ...]]
    unplaced: Mapping[str, tuple[ViolationRecord, ...]]

    @classmethod
    def of(cls, records: Iterable[ViolationRecord], parcel_ids: Iterable[object]) -> PlotRecords:
        """``records`` placed on the plots of a layer whose codes are ``parcel_ids``."""
        known = {str(p).strip() for p in parcel_ids if not is_missing(p)}
        filed: dict[str, list[ViolationRecord]] = {}
        unplaced: dict[str, list[ViolationRecord]] = {}
        for rec in records:
            if rec.parcel_id is not None and rec.parcel_id in known:
                filed.setdefault(rec.parcel_id, []).append(rec)
            elif rec.uscc:
                unplaced.setdefault(rec.uscc, []).append(rec)
        return cls(
            {k: tuple(v) for k, v in filed.items()}, {k: tuple(v) for k, v in unplaced.items()}
        )

    def on(self, parcel_id: object, usccs: Iterable[str]) -> tuple[ViolationRecord, ...]:
        """The records standing on plot ``parcel_id`` whose enterprises are ``usccs``
        (normalised codes): those filed on it, then each enterprise's records filed on no plot
        of the layer, each once."""
        pid = None if is_missing(parcel_id) else str(parcel_id).strip()
        found = list(self.filed.get(pid, ())) if pid is not None else []
        if self.unplaced:
            for uscc in dict.fromkeys(usccs):
                found += self.unplaced.get(uscc, ())
        return tuple(found)


#: Where a problem about a compliance record is said when the file name is not known.
COMPLIANCE_SOURCE = "违法违规记录表"


def unmatched_records(
    compliance: pd.DataFrame,
    *,
    parcel_ids: Iterable[object],
    usccs: Iterable[object],
    source: str = COMPLIANCE_SOURCE,
    firms_on: Mapping[str, Iterable[object]] | None = None,
) -> pd.DataFrame:
    """Problem rows for the records that attach to no plot, or only by their USCC, or whose
    USCC is no enterprise of the plot their 宗地代码 names.

    A record attaches to the plot its 宗地代码 names when the parcel layer has that code, else
    to the plots of the enterprise its USCC names (:func:`records_from_frame` reads both). A
    record whose 宗地代码 is not in the layer but whose enterprise is among ``usccs`` is
    attached by the USCC, and said (提示); one that reaches neither counts for no plot, and is
    said with its row (警告: a violation that may belong to a plot is not used).

    Parameters
    ----------
    compliance
        Records as :func:`landgov.io.read_compliance` returns them (``source_row`` for the
        file's row).
    parcel_ids
        The 宗地代码 of the plots of the run.
    usccs
        The enterprises a record may attach to by its USCC (those on the run's plots).
    source
        The file name written in the problem rows.
    firms_on
        宗地代码 → the enterprises on that plot (地企关联). When given, a record naming a plot
        and an enterprise that is not on it (one of the two codes mistyped) is said (警告): it
        counts for the plot it names, not for that enterprise's own plots.
    """
    plots = {str(p).strip() for p in parcel_ids if not is_missing(p)}
    on = {} if firms_on is None else {str(k).strip(): v for k, v in firms_on.items()}
    firms = {normalize_uscc(u) for u in usccs if not is_missing(u)}
    rows = (
        compliance["source_row"].tolist()
        if "source_row" in compliance
        else list(range(1, len(compliance) + 1))
    )
    log = ProblemLog(source)
    for row, rec in zip(rows, records_from_frame(compliance), strict=True):
        where = None if is_missing(row) else int(row)
        if rec.parcel_id is not None and rec.parcel_id in plots:
            _disagreeing(log, rec, on, where)
            continue
        shown = " / ".join("（空）" if v is None else v for v in (rec.parcel_id, rec.uscc or None))
        if rec.uscc and rec.uscc in firms:
            if rec.parcel_id is not None:
                log.add(
                    f"违法违规记录的宗地代码 {rec.parcel_id} 不在宗地图层中，"
                    f"已按统一社会信用代码 {rec.uscc} 关联到该企业的宗地",
                    row=where, field="parcel_id、uscc", value=shown,
                    action="核对记录的宗地代码（是否录错，是否为分割或合并后的新宗地）",
                    severity=Severity.INFO,
                )  # fmt: skip
            continue
        log.add(
            "违法违规记录无法对应到任何宗地",
            row=where, field="parcel_id、uscc", value=shown,
            action="补充宗地代码或统一社会信用代码", severity=Severity.WARNING,
        )  # fmt: skip
    return log.frame()


def _disagreeing(
    log: ProblemLog, rec: ViolationRecord, firms_on: Mapping[str, Iterable[object]], row: int | None
) -> None:
    """Said when ``rec`` names a plot and an enterprise the links do not put on it."""
    firms = {normalize_uscc(u) for u in firms_on.get(rec.parcel_id or "", ()) if not is_missing(u)}
    firms.discard("")
    if not rec.uscc or not firms or rec.uscc in firms:
        return
    log.add(
        f"违法违规记录的统一社会信用代码 {rec.uscc} 不是宗地 {rec.parcel_id} 上的企业"
        f"（地企关联中该宗地的企业：{'、'.join(sorted(firms))}）：记录按宗地代码计入该宗地，"
        "不计入该企业的其他宗地",
        row=row,
        field="parcel_id、uscc",
        value=f"{rec.parcel_id} / {rec.uscc}",
        action="核对记录的统一社会信用代码和宗地代码，改正写错的一项后重新运行",
        severity=Severity.WARNING,
    )


def check_severity_table(value: Mapping[str, Any], *, source: str) -> list[Issue]:
    """Profile hook: a category → severities table (each list holds 一般/较大/重大 only)."""
    issues = []
    for category, levels in value.items():
        bad = [v for v in levels if v not in SEVERITIES]
        if bad or not levels:
            issues.append(
                Issue(
                    source,
                    f"{source}.{category}",
                    list(levels),
                    "严重程度应为一般、较大、重大中的一个或多个",
                    f"改为 {list(SEVERITIES)} 中的值",
                )
            )
    return issues
