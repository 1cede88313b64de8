"""The 治理台账 workbook on disk: write all its sheets, read back its history sheet."""

from __future__ import annotations

import datetime as dt
import json
import numbers
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from landgov.core.compare import percent_reached
from landgov.core.dates import parse_date, unread_text, unread_words
from landgov.core.editable import (
    ERROR_CELL,
    NO_RESULT,
    RECALCULATE,
    WRITE_DATE,
    Field,
    FieldKind,
    add_editable_sheet,
    flag_cell,
    formula_cells,
    read_answer,
    read_key,
    save_workbook,
    say_kept_formulas,
    say_volatile,
    sheet_values,
    unkeyed_problem,
)
from landgov.core.missing import is_missing, parse_yes_no, present_column
from landgov.core.problems import PROBLEM_COLUMNS, PROBLEM_LABELS, ProblemLog, Severity
from landgov.core.safe_text import cell_text, excel_error, force_text
from landgov.core.textkey import folded
from landgov.core.townnames import township_order
from landgov.core.vocab import DISTRICT, UNKNOWN_TOWNSHIP
from landgov.core.xlsxguard import open_xlsx
from landgov.ledger._layout import (
    CLOSE_UNVERIFIED,
    COUNTED,
    DUE_UNREAD,
    FINISHED,
    FINISHED_LATE,
    GUIDE,
    GUIDE_SHEET,
    HISTORY_COLUMNS,
    HISTORY_SHEET,
    LAYOUT,
    LEDGER_KIND,
    PROBLEMS_SHEET,
    PROGRESS_SHEET,
    PROPOSE_CLOSE,
    STILL_LISTED,
    UNMERGED_HEAD,
    UNMERGED_SHEET,
    Status,
)
from landgov.ledger._rows import listed_by
from landgov.reports.excel import plain_widths, print_setup
from landgov.reports.printlist import page_note

__all__ = [
    "Ledger",
    "acceptance_lacking",
    "counted_status",
    "due_unread",
    "finished",
    "finished_late",
    "progress",
    "proposed",
    "read_history",
    "read_history_marked",
    "read_unmerged",
    "relisted",
    "write_ledger",
]


@dataclass(frozen=True)
class Ledger:
    """A 治理台账 as landgov writes it.

    Attributes
    ----------
    rows
        One row per plot (columns: the layout's field names), in ledger order.
    history
        Every status change (:data:`HISTORY_COLUMNS`), oldest first.
    problems
        Problems found while building or updating it (problem table columns).
    flags
        ``{宗地代码: {field: problem}}``: edits kept as typed that need correcting.
    extra
        Columns staff added, indexed by 宗地代码 (kept on the next write).
    unmerged
        Rows that could not be merged (a repeated or blank 宗地代码), as read.
    as_of
        The date used for 逾期 and the history entries.
    profile
        The policy profile of the run the ledger was last built from, as its manifest records
        it (``name``, ``version``, ``title``); ``None`` when no run recorded one. Kept in the
        workbook (a document property) so that an update without a new run still names it.
    history_flags
        ``{position in history: {column: problem}}``: entries of 状态变更记录 read back with
        an 错误 (:func:`read_history_marked`), their cells marked as those of ``flags`` are.
    """

    rows: pd.DataFrame
    history: pd.DataFrame
    problems: pd.DataFrame
    flags: dict[str, dict[str, str]]
    extra: pd.DataFrame
    unmerged: pd.DataFrame
    as_of: dt.date
    profile: Mapping[str, Any] | None = None
    history_flags: Mapping[int, Mapping[str, str]] = field(default_factory=dict)

    @property
    def progress(self) -> pd.DataFrame:
        """Per 镇街 and 全区: plots by status, overdue, proposed for 销号, share finished."""
        return progress(self.rows, as_of=self.as_of)


def acceptance_lacking(row: Mapping[str, Any], *, as_of: dt.date | None = None) -> list[str]:
    """The 验收 evidence a 销号 lacks: 验收日期 that is no date (blank, 「—」, or text that is
    not a date, such as 「已验收」) or, given ``as_of``, a date after it (a 验收 that has not
    happened yet is no evidence) or a date before the row's 列入日期 (a 验收 before the plot was
    listed is not the 验收 of its 整改), and 验收依据 that is missing as every stage reads it
    (:func:`landgov.core.missing.is_missing`: 「无」「/」「—」 are no 依据), cannot be read
    (an Excel error value, a formula without its stored result: :func:`_unreadable`) or names
    no 验收 (「否」「是」「已验收」「未验收」: :func:`_names_no_acceptance`).

    The one reading of 「销号式整改、项目化验收」 (虞政发〔2022〕12号 第三条第（一）项第2目):
    the 填写问题 of an update (``landgov.ledger._update``) and every count
    (:func:`counted_status`) use it.
    """
    out = []
    accepted = row.get("验收日期")
    if not isinstance(accepted, dt.date):
        typed = "" if is_missing(accepted) else f"（所填「{accepted}」不是日期）"
        out.append(f"有效的验收日期{typed}" if typed else "验收日期")
    elif as_of is not None and accepted > as_of:
        out.append(f"有效的验收日期（所填 {accepted.isoformat()} 晚于 {as_of.isoformat()}）")
    elif isinstance(listed := row.get("列入日期"), dt.date) and accepted < listed:
        # a 验收 before the plot was listed is not the 验收 of its 整改 (ledger.dates)
        out.append(
            f"有效的验收日期（所填 {accepted.isoformat()} 早于列入日期 {listed.isoformat()}）"
        )
    basis = row.get("验收依据")
    if is_missing(basis):
        out.append("验收依据")
    elif _unreadable(basis):
        out.append(f"可读取的验收依据（所填「{basis}」无法读取）")
    elif (why := _names_no_acceptance(basis)) is not None:
        out.append(f"有效的验收依据（所填「{basis}」{why}）")
    return out


#: A 验收依据 saying the 验收 has not happened or failed: 「未验收」「尚未验收」「待验收」
#: 「正在验收」「验收中」「验收未通过」「验收不合格」 (the whole cell, so that a document named
#: for a 未验收 matter, 「关于…未验收事项…的验收意见（〔2027〕8号）」, stays a document).
_NOT_ACCEPTED = re.compile(
    r"(?:尚|暂|还)?(?:未|待|没有?|正在|准备)(?:组织)?验收中?"
    r"|验收(?:中|未通过|不通过|未合格|不合格)"
)
#: A bare statement that a 验收 took place, naming no document: 「已验收」「验收合格」「通过验收」.
_BARE_ACCEPTED = re.compile(r"(?:已|经)?(?:通过)?验收(?:合格|通过|完成|已通过)?")
_CELL_END = re.compile(r"[。.!！\s]+$")


def _names_no_acceptance(basis: object) -> str | None:
    """Why a 验收依据 that is there names no 验收, or ``None`` when it may name one.

    The column asks for 「验收文件或会议纪要的名称、文号」 (what the 验收 rests on,
    「项目化验收」). An answer (「否」「没有」「是」「√」:
    :func:`~landgov.core.missing.parse_yes_no`, the one reading of yes/no) or a bare 「已验收」
    names no document; 「未验收」「验收未通过」 says there is none. Anything else is taken as
    naming one (its wording is not judged further)."""
    text = _CELL_END.sub("", folded(basis))
    if _NOT_ACCEPTED.fullmatch(text):
        return "说明尚未验收或未通过验收"
    if parse_yes_no(basis) is not None or _BARE_ACCEPTED.fullmatch(text):
        return "不是验收文件或会议纪要的名称、文号"
    return None


def _unreadable(value: object) -> bool:
    """A cell kept as typed because its value cannot be read (core.editable flags it): an
    Excel error value (「#REF!」) or a formula the file holds no result of (kept as its
    formula text, 「=…」). Such a 验收依据 is no evidence: nobody knows what it says."""
    if excel_error(value) is not None:
        return True
    return isinstance(value, str) and value.lstrip().startswith("=")


def relisted(row: Mapping[str, Any]) -> dt.date | None:
    """The 基准日期 of a run that still lists a plot typed 已销号 on or after its 验收 (its
    最新批次, :func:`~landgov.ledger._rows.listed_by`), or ``None``.

    「达标销号」 (虞政发〔2022〕12号 第三条第（一）项第2目): a 销号 is 达标 shown after 验收, and
    a run dated on or after the 验收 that still lists the plot shows it is not. A run dated before
    the 验收 (验收日期 later than its 基准日期) describes the land before the 验收 and says
    nothing of it; nor does the run that listed the plot (its 列入日期: a 验收 that day is the
    first day it can be, :func:`acceptance_lacking`). Only a 验收 on file is judged here (one
    lacking is 销号待核实 first)."""
    latest, accepted = listed_by(row.get("最新批次")), row.get("验收日期")
    if latest is None or not isinstance(accepted, dt.date) or accepted > latest:
        return None
    listed = row.get("列入日期")
    return latest if not isinstance(listed, dt.date) or latest > listed else None


def counted_status(rows: pd.DataFrame, *, as_of: dt.date | None = None) -> pd.Series:
    """The status each plot is counted as: its 状态 as typed, except that a 已销号 lacking its
    验收 evidence (:func:`acceptance_lacking`; given ``as_of``, the ledger's date, a 验收日期
    after it is none yet) counts as :data:`CLOSE_UNVERIFIED` (销号待核实), and one a run dated
    on or after its 验收 still lists (:func:`relisted`) as :data:`STILL_LISTED`
    (已销号但新批次仍列入): never as 已销号 nor in 完成率. The status itself is kept as typed (a
    填写问题 or 系统提示 says it)."""
    status = rows["状态"].astype(object)
    if not len(rows):
        return status
    fields = [n for n in ("验收日期", "验收依据", "列入日期", "最新批次") if n in rows.columns]
    counted = []
    for typed, row in zip(status.tolist(), rows[fields].to_dict("records"), strict=True):
        if typed != Status.CLOSED:
            counted.append(typed)
        elif acceptance_lacking(row, as_of=as_of):
            counted.append(CLOSE_UNVERIFIED)
        else:
            counted.append(STILL_LISTED if relisted(row) is not None else typed)
    return pd.Series(counted, index=rows.index, dtype=object)


def finished(
    rows: pd.DataFrame, *, as_of: dt.date | None = None, counted: pd.Series | None = None
) -> pd.Series:
    """Plots counted finished: 已完成, or 已销号 with its 验收 evidence (:func:`counted_status`;
    ``counted``: those statuses when the caller has them already, not worked out again).

    A 已销号 without 验收 (销号待核实) is not finished: until the 验收 is on file it is 逾期 when
    its 计划完成日期 has passed, like any plot not finished (「销号式整改、项目化验收」,
    虞政发〔2022〕12号 第三条第（一）项第2目), never outside both 逾期 and on time."""
    status = counted_status(rows, as_of=as_of) if counted is None else counted
    return status.isin(list(FINISHED))


def overdue(rows: pd.DataFrame, *, as_of: dt.date, counted: pd.Series | None = None) -> pd.Series:
    """Plots whose 计划完成日期 has passed while they are not :func:`finished` (a 已销号
    without 验收 is 逾期 too); ``counted`` as for :func:`finished`."""
    due = rows["计划完成日期"].map(lambda d: d if isinstance(d, dt.date) else None)
    late = due.map(lambda d: d is not None and d < as_of)
    return late & ~finished(rows, as_of=as_of, counted=counted)


def finished_late(
    rows: pd.DataFrame, *, as_of: dt.date, counted: pd.Series | None = None
) -> pd.Series:
    """Per plot :func:`finished` whose 验收日期 (a date not after ``as_of``) is after its
    计划完成日期: 「逾期完成（计划完成日期 2027-03-31，验收日期 2027-05-20）」; ``None``
    elsewhere (on time — the deadline day itself included —, not finished, or a date not
    known: a 已完成 without 验收日期 is finished, but when is not said). ``counted`` as for
    :func:`finished`."""
    done = finished(rows, as_of=as_of, counted=counted).tolist()
    accepted = rows.get("验收日期", pd.Series(None, index=rows.index, dtype=object)).tolist()
    words = [
        f"{FINISHED_LATE}（计划完成日期 {due.isoformat()}，验收日期 {day.isoformat()}）"
        if ok and isinstance(due, dt.date) and isinstance(day, dt.date) and due < day <= as_of
        else None
        for ok, due, day in zip(done, rows["计划完成日期"].tolist(), accepted, strict=True)
    ]
    return pd.Series(words, index=rows.index, dtype=object)


def due_unread(
    rows: pd.DataFrame, *, as_of: dt.date | None = None, counted: pd.Series | None = None
) -> pd.Series:
    """Per plot not :func:`finished`, 「计划完成日期「下月底」无法识别为日期」 where its
    计划完成日期 is written but no date (kept as typed, a 填写问题): whether it is 逾期 is not
    known, so it is counted apart (:data:`~landgov.ledger._layout.DUE_UNREAD`), never left out
    of 逾期 silently; ``None`` elsewhere (a date, a blank cell, a finished plot). The cell rule is
    :func:`landgov.core.dates.unread_text`, the one reading of such cells. ``counted`` as for
    :func:`finished`."""
    done_rows = finished(rows, as_of=as_of, counted=counted).tolist()
    words = [
        None if done or isinstance(d, dt.date) or (t := unread_text(d)) is None
        else unread_words("计划完成日期", t)
        for d, done in zip(rows["计划完成日期"].tolist(), done_rows, strict=True)
    ]  # fmt: skip
    return pd.Series(words, index=rows.index, dtype=object)


def proposed(rows: pd.DataFrame) -> pd.Series:
    """Plots whose 系统提示 proposes 销号 (a note starting 「建议销号：」).

    A note held back, 「暂不建议销号：」 (待核实: 达标 not shown), contains the words 建议销号
    too and is not a proposal.
    """
    notes = rows["系统提示"].fillna("").astype(str)
    return notes.str.contains(f"(?:^|；){PROPOSE_CLOSE}", regex=True)


def progress(rows: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """Plots per status per 镇街 (in 行政区划代码 order,
    :func:`~landgov.core.townnames.township_order`; 镇街不明 last) and for 全区, with 逾期,
    完成日期待核实 (a 计划完成日期 written but no date: whether 逾期 is not known,
    :func:`due_unread`), 建议销号 and 完成率 (%). Statuses are counted as
    :func:`counted_status` reads them: a 已销号 without 验收 is 销号待核实, one a later run still
    lists 已销号但新批次仍列入, both beside 已销号 and not in 完成率 (已完成 + 已销号), a share
    rounded down to one decimal (:func:`~landgov.core.compare.percent_reached`: 100.0 only
    when every plot is finished)."""
    status = counted_status(rows, as_of=as_of)
    frame = rows.assign(
        _status=status,
        # a 镇街 missing as every stage reads it (blank, 「—」, 「无」): 镇街不明, one row
        _town=present_column(rows["镇街"]).fillna(UNKNOWN_TOWNSHIP),
        _late=overdue(rows, as_of=as_of, counted=status),
        _late_done=finished_late(rows, as_of=as_of, counted=status).notna(),
        _unread=due_unread(rows, as_of=as_of, counted=status).notna(),
        _close=proposed(rows),
    )
    parts = dict(list(frame.groupby("_town", sort=False)))
    order = township_order(rows["镇街"], rows.get("宗地代码"))
    out = []
    for town, part in [*((t, parts[t]) for t in order.sorted(parts)), (DISTRICT, frame)]:
        counts = {s: int((part["_status"] == s).sum()) for s in COUNTED}
        n = len(part)
        finished = counts[Status.DONE] + counts[Status.CLOSED]
        out.append(
            {
                "镇街": town,
                "宗地数": n,
                **counts,
                "其他或未填": n - sum(counts.values()),
                "逾期": int(part["_late"].sum()),
                FINISHED_LATE: int(part["_late_done"].sum()),
                DUE_UNREAD: int(part["_unread"].sum()),
                "建议销号": int(part["_close"].sum()),
                # rounded down: 100.0 only when every plot is finished
                "完成率（%）": percent_reached(finished, n, digits=1) if n else None,
            }
        )
    return pd.DataFrame(out)


def _plain_sheet(wb: Workbook, title: str, frame: pd.DataFrame, *, totals: bool = False) -> None:
    """A sheet of ``frame`` laid out as every handed-out sheet (:func:`plain_widths`): each
    column as wide as its widest value (a 宗地代码 whole), long text wrapped, 筛选 arrows on the
    header — but not on a table ending in its 全区 total (``totals``): sorting it would move
    全区 among the 镇街."""
    ws = wb.create_sheet(title)
    # a date is shown as 2026-07-01: measured so, not as the timestamp it may be held as
    shown = frame.map(lambda v: v.date() if isinstance(v, dt.datetime) else v)
    layout = plain_widths(shown)
    wrap = Alignment(wrap_text=True, vertical="top")
    for c, name in enumerate(frame.columns, start=1):
        cell = ws.cell(row=1, column=c)
        force_text(cell, str(name))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)  # a header longer than its column wraps
        ws.column_dimensions[cell.column_letter].width = layout[c - 1][0]
    for r, values in enumerate(frame.itertuples(index=False), start=2):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            if is_missing(value):
                continue
            if layout[c - 1][1]:
                cell.alignment = wrap
            if isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
                # numpy's numbers too (an Int64 行号 column gives numpy.int64): a number
                cell.value = value.item() if isinstance(value, np.generic) else value
                cell.number_format = "0.0" if isinstance(cell.value, float) else "0"
            else:
                force_text(cell, cell_text(str(value)).text)
    ws.freeze_panes = "A2"
    if len(frame.columns) and not totals:  # 筛选 arrows, as on every sheet of landgov.xlsx
        last = get_column_letter(len(frame.columns))
        ws.auto_filter.ref = f"A1:{last}{len(frame) + 1}"


def write_ledger(ledger: Ledger, path: str | Path) -> Path:
    """Write the ledger workbook atomically (``path`` may be the file that was read).

    Sheets: 治理台账 (editable), 镇街进度, 状态变更记录, 问题记录, 未合并的行 (only when there
    are such rows), 填写说明, and the hidden marker.
    """
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    for row in GUIDE:
        guide.append(list(row))
    guide.column_dimensions["A"].width = 60
    guide.column_dimensions["B"].width = 80
    for row in guide.iter_rows():  # a line longer than its column wraps, never cut off
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    add_editable_sheet(wb, ledger.rows, LAYOUT, extra=ledger.extra, flags=ledger.flags, index=0)
    _plain_sheet(wb, PROGRESS_SHEET, ledger.progress, totals=True)
    _plain_sheet(wb, HISTORY_SHEET, ledger.history.loc[:, list(HISTORY_COLUMNS)])
    for i, flags in ledger.history_flags.items():  # marked as the 治理台账's cells are
        for name, problem in flags.items():
            flag_cell(wb[HISTORY_SHEET].cell(i + 2, HISTORY_COLUMNS.index(name) + 1), problem)
    problems = ledger.problems.loc[:, PROBLEM_COLUMNS].rename(columns=PROBLEM_LABELS)
    _plain_sheet(wb, PROBLEMS_SHEET, problems)
    if len(ledger.unmerged):
        _plain_sheet(wb, UNMERGED_SHEET, ledger.unmerged)
    wb.move_sheet(GUIDE_SHEET, offset=len(wb.sheetnames))
    wb.active = 0
    note = page_note(ledger.as_of, ledger.profile, dated="台账日期")  # as every workbook says it
    if ledger.profile:
        wb.custom_doc_props.append(
            StringProperty(name=_PROFILE_PROPERTY, value=json.dumps(dict(ledger.profile)))
        )
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            paper = "A3" if ws.title == LAYOUT.sheet else "A4"
            print_setup(ws, paper=paper, title=LEDGER_KIND, note=note)
    return save_workbook(wb, path)


_PROFILE_PROPERTY = "landgov_profile"
_PROFILE_KEYS = ("name", "version", "title")


def run_profile(screen: Mapping[str, Any]) -> dict[str, Any] | None:
    """The profile a run used, from its manifest's screening section (``name``, ``version``,
    ``title``), or ``None`` when the manifest records none."""
    prof = screen.get("profile")
    if not isinstance(prof, Mapping) or not prof.get("name"):
        return None
    return {k: prof[k] for k in _PROFILE_KEYS if prof.get(k)}


def read_profile(path: str | Path) -> dict[str, Any] | None:
    """The profile a ledger file was last written with (:func:`write_ledger`), or ``None`` for
    a ledger written before landgov recorded it (its pages then say 「政策口径 未记录」)."""
    with open_xlsx(path) as handle:
        wb = load_workbook(handle, read_only=True)
        try:
            found = [p.value for p in wb.custom_doc_props if p.name == _PROFILE_PROPERTY]
        finally:
            wb.close()
    try:
        prof = json.loads(found[0]) if found else None
    except (TypeError, ValueError):
        return None
    return run_profile({"profile": prof}) if isinstance(prof, Mapping) else None


def empty_history() -> pd.DataFrame:
    """A history table without rows."""
    return pd.DataFrame(columns=list(HISTORY_COLUMNS), dtype=object)


def read_history(path: str | Path, log: ProblemLog) -> pd.DataFrame:
    """The 状态变更记录 sheet of a ledger file (empty, with a warning, when it is gone): the
    entries of :func:`read_history_marked`, without the cells to mark."""
    return read_history_marked(path, log)[0]


def read_history_marked(
    path: str | Path, log: ProblemLog, known: Collection[str] | None = None
) -> tuple[pd.DataFrame, dict[int, dict[str, str]]]:
    """(the 状态变更记录 sheet of a ledger file, empty with a warning when it is gone; the
    entries' cells said as an 错误, ``{position in the table: {column: problem}}``, to be
    marked in the next ledger as the 治理台账's are: :attr:`Ledger.history_flags`).

    A formula cell gives its stored result; one without a stored result (written by a program
    that does not compute formulas) is kept as its formula text and said (错误, with the row
    and column): never read as an empty cell, which would lose the 宗地代码 or status of an
    entry without a word. A stored result of a volatile formula (「=TODAY()」) is that of the
    day the file was saved: read, and said (:func:`~landgov.core.editable.say_volatile`).
    The entries come in the order they happened, whatever the order of the sheet
    (:func:`_in_order`).

    Each entry's 宗地代码, 原状态 and 新状态 are read as the 治理台账 sheet reads its 宗地代码
    and 状态 (:func:`_entry_code`, :func:`_entry_status`): one that does not read, or (given
    ``known``, the ledger's plots) a plot the ledger does not hold, is kept as typed, said and
    marked; a blank 新状态 is said. A 原状态 that is not the 新状态 of the plot's entry before
    it is said and marked (:func:`_check_before`). Which entries give a plot's status:
    :func:`status_entries`.
    """
    with open_xlsx(path) as handle:  # read-only: the sheet is read from it below
        wb = load_workbook(handle, read_only=True, data_only=True)
        try:
            sheet = _history_sheet(wb, log)
            if sheet is None:
                log.add(
                    f"台账中没有「{HISTORY_SHEET}」工作表，以前的状态变更记录无法延续",
                    action="如系误删，请从上一版台账复制回来",
                    severity=Severity.WARNING,
                )
                return empty_history(), {}
            rows = list(sheet_values(wb[sheet]))
        finally:
            wb.close()
    if not rows:
        return empty_history(), {}
    formulas = formula_cells(path, sheet)
    head = [str(h).strip() if h is not None else "" for h in rows[0]]
    at = {name: head.index(name) for name in HISTORY_COLUMNS if name in head}
    records = []
    for r, row in enumerate(rows[1:], start=2):
        rec = {n: (row[i] if i < len(row) else None) for n, i in at.items()}
        flags: dict[str, str] = {}
        for name, i in at.items():
            formula = formulas.get((r, i + 1)) if rec[name] is None else None
            if formula is not None:  # no stored result: kept as typed, and said
                rec[name] = formula
                flags[name] = f"{NO_RESULT.format(formula=formula)}；已保留公式原文"
                log.add(
                    f"工作表「{sheet}」{flags[name]}",
                    row=r, field=name, value=formula, action=RECALCULATE,
                    severity=Severity.ERROR,
                )  # fmt: skip
            elif (r, i + 1) in formulas:  # its stored result: the day the file was saved's
                say_volatile(log, formulas[(r, i + 1)], rec[name],
                             sheet=sheet, at=(r, i + 1), field=name)  # fmt: skip
        if all(v is None for v in rec.values()) and all(v is None for v in row):
            continue
        if "日期" in at and not (rec["日期"] is None and (r, at["日期"] + 1) in formulas):
            rec["日期"], problem = _entry_day(rec["日期"], (r, at["日期"] + 1), log, sheet)
            flags |= {"日期": problem} if problem else {}
        _entry_fields(rec, flags, {n: (r, i + 1) for n, i in at.items()}, (log, sheet, known))
        records.append(rec | {_FLAGS: flags, _ROW: r})
    columns = [*HISTORY_COLUMNS, _FLAGS, _ROW]
    table = _in_order(pd.DataFrame(records, columns=columns, dtype=object))
    marked = {i: f for i, f in enumerate(table.pop(_FLAGS)) if f}
    rows_at = table.pop(_ROW).tolist()
    if "原状态" in at:
        _check_before(table, marked, rows_at, (log, sheet, at["原状态"] + 1))
    return table, marked


def _entry_fields(
    rec: dict[str, Any],
    flags: dict[str, str],
    cells: Mapping[str, tuple[int, int]],
    where: tuple[ProblemLog, str, Collection[str] | None],
) -> None:
    """Read the 宗地代码, 原状态 and 新状态 of the entry ``rec`` of 状态变更记录 in place
    (:func:`_entry_code`, :func:`_entry_status`), each in its 1-based cell of ``cells``, adding
    the problems of the cells to mark to ``flags`` (``where``: the log, the sheet and the
    ledger's plots). A cell already in ``flags`` (a formula without its result) was said."""
    log, sheet, known = where
    for name in ("宗地代码", "原状态", "新状态"):
        if name not in cells or name in flags:
            continue
        if name == LAYOUT.key:
            rec[name], problem = _entry_code(rec[name], cells[name], log, sheet, known)
        else:  # a blank 新状态 of an entry of no plot is no news: that plot is said
            said = name == "新状态" and LAYOUT.key not in flags
            rec[name], problem = _entry_status(rec[name], cells[name], log, sheet, name, said)
        flags |= {name: problem} if problem else {}


def status_entries(history: pd.DataFrame, marked: Mapping[int, Mapping[str, str]]) -> pd.DataFrame:
    """The entries of ``history`` (as :func:`read_history_marked` reads it, in the order they
    happened) a plot's status and listing are read from: all but those whose 宗地代码 or 新状态
    did not read (``marked``), which are kept in the written history, marked, and said to be
    no plot's status (「不作为任何宗地的状态」), and those whose 新状态 is blank (said too).

    Taken as the last entry, a 新状态 「推进」 would be the plot's status, and the next update
    would record a change 「推进 → 推进中」 that never happened; a blank one, a change
    「（空）→ 未启动」. The index of ``history`` is kept."""
    bad = {i for i, cells in marked.items() if {LAYOUT.key, "新状态"} & set(cells)}
    keep = [i for i, v in enumerate(history["新状态"]) if i not in bad and not is_missing(v)]
    return history.iloc[keep]


def _check_before(
    table: pd.DataFrame,
    marked: dict[int, dict[str, str]],
    rows_at: list[int],
    where: tuple[ProblemLog, str, int],
) -> None:
    """Say (a 警告) and mark (in ``marked``) each 原状态 of ``table`` that reads as a status and
    is not the 新状态 of the same plot's entry before it (``rows_at``: the sheet row of each
    entry; ``where``: the log, the sheet and the 原状态 column). Only the entries a status is
    read from (:func:`status_entries`) with a 日期 that reads are compared: an undated entry
    has no place in the order. Nothing is changed: a plot's status is its last 新状态.

    Taken without a word, 「推进中 → 已完成」 typed for a plot never recorded 推进中 hid a change
    left out of the history, or a 原状态 typed wrong."""
    log, sheet, column = where
    before: dict[str, tuple[object, int]] = {}  # plot: (its last 新状态, the row of that entry)
    for i, rec in status_entries(table, marked).iterrows():
        if parse_date(rec["日期"]) is None:
            continue
        key, was = str(rec[LAYOUT.key]), rec["原状态"]
        last = before.get(key)
        before[key] = (rec["新状态"], rows_at[i])
        if last is None or is_missing(was) or "原状态" in marked.get(i, {}) or was == last[0]:
            continue
        cell = f"{get_column_letter(column)}{rows_at[i]}"
        problem = (
            f"工作表「{sheet}」单元格 {cell} 的原状态「{was}」与宗地 {key} 上一条记录（第 "
            f"{last[1]} 行）的新状态「{last[0]}」不符：两条记录之间漏记了一次状态变更，或原状态填错"
        )
        log.add(
            problem,
            row=rows_at[i],
            field="原状态",
            value=was,
            action=f"请核对：原状态应为上一条记录的新状态「{last[0]}」，漏记的变更请补记；"
            f"{_BEFORE_KEPT}",
            severity=Severity.WARNING,
        )
        marked.setdefault(i, {})["原状态"] = problem


def _history_sheet(wb: Any, log: ProblemLog) -> str | None:
    """The name of the 状态变更记录 sheet of the ledger ``wb``: under its name, else the one
    sheet whose header row holds every column of it (:data:`HISTORY_COLUMNS`) — renamed by
    staff, said as a 提示; ``None`` when there is none.

    Looked up by its name only, a renamed sheet was 「没有」: the ledger's whole history was
    gone from the next ledger, and every plot's last status with it."""
    if HISTORY_SHEET in wb.sheetnames:
        return HISTORY_SHEET
    wanted = set(HISTORY_COLUMNS)
    found = []
    for ws in wb.worksheets:
        head = next(sheet_values(ws, max_row=1), ())
        if wanted <= {str(h).strip() for h in head if h is not None}:
            found.append(ws.title)
    if len(found) != 1:
        return None
    log.add(
        f"没有名为「{HISTORY_SHEET}」的工作表；工作表「{found[0]}」的表头与之相同，按"
        f"「{HISTORY_SHEET}」读取",
        action=f"无需处理；写出的台账中该表恢复名称「{HISTORY_SHEET}」，请勿改名",
        severity=Severity.INFO,
    )
    return found[0]


#: A column of the history table as read, for the cells to mark (gone before it is returned).
_FLAGS = "_flags"
#: A column of the history table as read: the sheet row of each entry (gone likewise).
_ROW = "_row"


#: The 日期 of a 状态变更记录 entry, read as a filled-in date cell is (core.editable.read_answer).
_ENTRY_DAY = Field("日期", kind=FieldKind.DATE)
#: How an entry of 状态变更记录 without a 日期 that reads is taken (:func:`_in_order`).
_UNDATED = "按日期不明处理，该条记录排在有日期的记录之前，不作为该宗地的最新状态"


def _entry_day(
    value: object, at: tuple[int, int], log: ProblemLog, sheet: str = HISTORY_SHEET
) -> tuple[object, str | None]:
    """(the 日期 of the 状态变更记录 entry in 1-based cell ``at`` (row, column) of ``sheet``; the
    problem when it is an 错误, the cell to be marked): a date, or, when it does not read as
    one (「明年」, 「2027-13-01」, 「#VALUE!」), what was typed, said on its row.

    Read without a word, an entry whose date does not read was put before the dated ones
    (:func:`_in_order`), and nobody was told to write it again. A blank 日期 (every entry
    landgov writes has one) is said too: such an entry is never a plot's latest status."""
    if is_missing(value):
        log.add(
            f"工作表「{sheet}」日期未填写：{_UNDATED}",
            row=at[0],
            field=_ENTRY_DAY.name,
            action=WRITE_DATE,
            severity=Severity.WARNING,
        )
        return None, None
    cell = f"{get_column_letter(at[1])}{at[0]}"
    error = excel_error(value)
    if error is not None:  # read_answer's 「按未填写（待核实）处理」 is not how an entry is read
        problem = f"{ERROR_CELL.format(cell=cell, value=error)}，不是日期：{_UNDATED}"
        log.add(
            f"工作表「{sheet}」{problem}",
            row=at[0],
            field=_ENTRY_DAY.name,
            value=error,
            action=f"{WRITE_DATE}（不要用出错的公式）",
        )
        return error, problem
    day, problem, severity, action = read_answer(value, _ENTRY_DAY, cell=cell)
    if problem is None:
        return day, None
    if severity is Severity.ERROR:
        problem += f"；已保留所填内容，{_UNDATED}"
    log.add(
        f"工作表「{sheet}」{problem}",
        row=at[0],
        field=_ENTRY_DAY.name,
        value=value,
        action=action,
        severity=severity,
    )
    return day, problem if severity is Severity.ERROR else None


#: What becomes of a 状态变更记录 entry whose 宗地代码 or 新状态 does not read.
_ENTRY_KEPT = "该条记录已保留并标记，不作为任何宗地的状态"


def _entry_code(
    value: object,
    at: tuple[int, int],
    log: ProblemLog,
    sheet: str,
    known: Collection[str] | None,
) -> tuple[object, str | None]:
    """(the 宗地代码 of the 状态变更记录 entry in 1-based cell ``at`` (row, column) of
    ``sheet``; the problem of the cell to be marked, or ``None``), read as the 治理台账 sheet
    reads its own (:func:`~landgov.core.editable.read_key`): a code in the form every reader
    uses; a blank code, an Excel error value or a number whose digits Excel dropped
    (「3.30602E+18」) kept as typed and said as there (an 错误); a plot not among ``known`` (the
    ledger's plots) a 警告.

    Taken as typed, 「3.30602E+18」 became the history of a plot called 「3.30602001001e+18」, a
    blank code an entry of no plot, and 「Z」 (a typing slip) the status of a plot that is not
    in the ledger — all without a word."""
    key, error = read_key(value, LAYOUT)
    cell = f"{get_column_letter(at[1])}{at[0]}"
    if not key:
        said = unkeyed_problem(sheet, LAYOUT.key, None, error, cell, outcome=_ENTRY_KEPT)
        log.add(**said, row=at[0], field=LAYOUT.key)
        kept = f"{error:.15g}" if isinstance(error, float) else error or value
        return (None if is_missing(kept) else kept), said["problem"]
    if known is None or key in known:
        return key, None
    problem = (
        f"工作表「{sheet}」单元格 {cell} 的宗地代码「{key}」不是本台账的宗地（「{LAYOUT.sheet}」"
        f"中没有该宗地的行）：{_ENTRY_KEPT}"
    )
    log.add(
        problem,
        row=at[0],
        field=LAYOUT.key,
        value=value,
        action=f"请核对宗地代码（输错的改为「{LAYOUT.sheet}」中该宗地的代码）；与本台账无关的记录请删除",
        severity=Severity.WARNING,
    )
    return key, problem


#: The 原状态 and 新状态 of a 状态变更记录 entry, read as the 治理台账's 状态 cell is (its choices).
_ENTRY_STATUS = LAYOUT.field("状态")
#: What becomes of a 状态变更记录 entry whose 新状态 is blank (said as a blank 日期 is, unmarked).
_NO_STATUS = "该条记录已保留，不作为任何宗地的状态"
#: What the 原状态 and 新状态 of an entry hold, for what to do.
_WHAT = {"原状态": "变更前的状态，即该宗地上一条记录的新状态", "新状态": "该条记录变更后的状态"}
#: What becomes of a 原状态 said: kept, and no plot's status is read from it.
_BEFORE_KEPT = (
    "已保留所填内容并标记；原状态不影响任何宗地的状态（宗地的状态按各条记录的新状态读取，未作改动）"
)


def _entry_status(  # noqa: PLR0917
    value: object,
    at: tuple[int, int],
    log: ProblemLog,
    sheet: str,
    name: str = "新状态",
    say_blank: bool = True,
) -> tuple[object, str | None]:
    """(the 原状态 or 新状态 (``name``) of the 状态变更记录 entry in 1-based cell ``at`` of
    ``sheet``; the problem of the cell to be marked, or ``None``), read as the 治理台账 sheet
    reads its 状态 (:func:`~landgov.core.editable.read_answer`): one of the statuses
    (「推进中 」 and a full-width form read as it); anything else (「已完成了」, 「推进」,
    「#N/A」) kept as typed, an 错误 said on its row, saying what became of it: an entry whose
    新状态 does not read is no plot's status (:func:`status_entries`), a 原状态 never is one.

    A blank 原状态 is no problem (a plot's first entry has none); a blank 新状态 is said (with
    ``say_blank``) as a blank 日期 is (:func:`_entry_day`): a 警告, the cell not marked, and the
    entry no plot's status. Read without a word, it was the plot's last status (blank), and the
    next update recorded a change 「（空）→ 未启动」 that never happened."""
    cell = f"{get_column_letter(at[1])}{at[0]}"
    status, problem, severity, action = read_answer(value, _ENTRY_STATUS, cell=cell)
    what = _WHAT[name]
    if problem is None and is_missing(status) and name == "新状态" and say_blank:
        log.add(
            f"工作表「{sheet}」{name}未填写：{_NO_STATUS}",
            row=at[0],
            field=name,
            action=f"{action}（{what}）；无效的记录请删除",
            severity=Severity.WARNING,
        )
    if problem is None or severity is not Severity.ERROR:
        return status, None
    error = excel_error(value)
    if error is None:
        problem, action = f"单元格 {cell} 的{name}{problem}", f"{action}（{what}）"
    else:  # read_answer's 「按未填写（待核实）处理」 is not how an entry is read
        problem = f"{name}{ERROR_CELL.format(cell=cell, value=error)}，不是状态"
        action = f"请从下拉列表选择{what}，不要用出错的公式"
    outcome = _ENTRY_KEPT if name == "新状态" else _BEFORE_KEPT
    log.add(
        f"工作表「{sheet}」{problem}",
        row=at[0],
        field=name,
        value=value,
        action=f"{action}；{outcome}",
    )
    return status, problem


def read_unmerged(path: str | Path, log: ProblemLog | None = None) -> pd.DataFrame:
    """The 未合并的行 sheet of a ledger file, as written by an earlier update (rows with a
    repeated or unreadable 宗地代码, with what staff typed in them), indexed by (the sheet read,
    the row of that sheet), with its header's columns; empty when there is none.

    The sheet is found under its name and by its header (:func:`_unmerged_sheets`: renamed
    「未合并」, or copied to 「未合并的行 (2)」 beside the original or instead of it), said as
    a 提示.
    The rows are kept on every update until staff delete them
    (:func:`~landgov.ledger.update_ledger`): read only from the data sheet, what they hold
    would be gone from the ledger after one update. A formula cell gives its stored result;
    one without (a file a script wrote) is kept as its formula, said once in ``log``
    (:func:`~landgov.core.editable.say_kept_formulas`), never read as empty.
    """
    with open_xlsx(path) as handle:
        wb = load_workbook(handle, read_only=True, data_only=True)
        try:
            sheets = {name: list(sheet_values(wb[name])) for name in _unmerged_sheets(wb, log)}
        finally:
            wb.close()
    records: dict[tuple[str, int], dict[str, Any]] = {}
    for sheet, rows in sheets.items():
        if not rows:
            continue
        head = [str(h).strip() if h is not None else "" for h in rows[0]]
        named = [(i, h) for i, h in enumerate(head) if h]
        uncached = {
            rc: f
            for rc, f in formula_cells(path, sheet).items()
            if rc[0] > 1 and rc[0] - 1 < len(rows) and _at(rows[rc[0] - 1], rc[1] - 1) is None
        }
        for r, row in enumerate(rows[1:], start=2):
            rec = {h: uncached.get((r, i + 1), _at(row, i)) for i, h in named}
            if not all(is_missing(v) for v in rec.values()):
                records[sheet, r] = {h: _day(v) for h, v in rec.items()}
        if log is not None:
            cells = [
                f"{get_column_letter(c)}{r}" for r, c in sorted(uncached) if (sheet, r) in records
            ]
            say_kept_formulas(log, cells, sheet=sheet, where="")
    return pd.DataFrame.from_dict(records, orient="index", dtype=object)


#: The columns of :data:`~landgov.ledger._layout.UNMERGED_HEAD` in the order they are named.
_HEAD_ORDER = ("宗地代码", "行号", "原因")


def _unmerged_sheets(wb: Any, log: ProblemLog | None) -> list[str]:
    """The sheets of the ledger ``wb`` to read as 未合并的行: the one under its name, and each
    other whose header row holds :data:`~landgov.ledger._layout.UNMERGED_HEAD` (renamed or
    copied by staff; said as a 提示, naming them); none when there is none (the sheet is only
    written when it has rows).

    Looked up by its name only, a renamed sheet was read as none: every row in it, and what
    staff typed there, gone from the next ledger without a word; a copy beside the original
    (「未合并的行 (2)」) was passed over, what staff typed in the copy gone likewise."""
    # the same test core.editable applies (Layout.is_own), so that the data sheet's reader
    # does not say the sheet is one staff made, to be deleted
    others = (LAYOUT.sheet, *LAYOUT.own_sheets)  # own under its name: another of landgov's
    found = [ws.title for ws in wb.worksheets if ws.title not in others and LAYOUT.is_own(ws)]
    if UNMERGED_SHEET in wb.sheetnames:
        if found and log is not None:
            log.add(
                f"工作表「{'」「'.join(found)}」的表头与「{UNMERGED_SHEET}」相同，是其副本，"
                "一并读取，相同的行只保留一行",
                action=f"无需处理；写出的台账中只保留「{UNMERGED_SHEET}」一张表，请勿复制该表",
                severity=Severity.INFO,
            )
        return [UNMERGED_SHEET, *found]
    if found and log is not None:
        names = "」「".join(found)
        head = "、".join(sorted(UNMERGED_HEAD, key=_HEAD_ORDER.index))
        log.add(
            f"没有名为「{UNMERGED_SHEET}」的工作表；工作表「{names}」的表头与之相同"
            f"（{head}），按「{UNMERGED_SHEET}」读取"
            + ("，相同的行只保留一行" if len(found) > 1 else ""),
            action=f"无需处理；写出的台账中该表恢复名称「{UNMERGED_SHEET}」，请勿改名",
            severity=Severity.INFO,
        )
    return found


def _at(row: tuple[object, ...], i: int) -> object:
    """The ``i``-th (0-based) value of a sheet row, ``None`` past its end."""
    return row[i] if i < len(row) else None


def _day(value: object) -> object:
    """A cell as written: a date (a date cell reads back as midnight), else as it is."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def _in_order(history: pd.DataFrame) -> pd.DataFrame:
    """The entries of 状态变更记录 in the order they happened: a stable sort by 日期.

    A plot's status on file is its last entry (a deleted row comes back with it, a change is
    recorded against it); staff sort the sheet like any other (newest first, by 新状态), and
    read in sheet order the status of a plot 推进中 since January was its 未启动 of the year
    before. Entries of one day keep their order; an entry whose 日期 does not read is put
    before the dated ones, so that it is never taken for the latest.
    """
    days = [parse_date(day) for day in history["日期"]]
    order = sorted(range(len(days)), key=lambda i: (days[i] is not None, days[i] or dt.date.min))
    return history.iloc[order].reset_index(drop=True)
