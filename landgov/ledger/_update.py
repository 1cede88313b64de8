"""Start a 治理台账 from a run, and update it from staff edits and a newer run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from landgov.core.editable import (
    EditedSheet,
    answer_text,
    excel_error,
    no_common_keys,
    read_editable,
)
from landgov.core.listing import first_few
from landgov.core.missing import is_missing
from landgov.core.problems import ProblemLog, Severity
from landgov.core.vocab import ScreeningStatus, shown_met
from landgov.errors import InputError, Issue
from landgov.ledger._book import (
    Ledger,
    acceptance_lacking,
    counted_status,
    due_unread,
    empty_history,
    finished_late,
    overdue,
    read_history_marked,
    read_profile,
    read_unmerged,
    relisted,
    run_profile,
    status_entries,
)
from landgov.ledger._layout import (
    CLOSE_UNVERIFIED,
    DUE_UNREAD,
    GRADE,
    HOLD_CLOSE,
    LAYOUT,
    PATH,
    PROPOSE_CLOSE,
    REASONS,
    STILL_LISTED,
    UNMERGED_KEPT,
    UNMERGED_SHEET,
    Status,
)
from landgov.ledger._rows import (
    batch_date,
    batch_parts,
    computed_rows,
    off_list_reason,
    refreshed,
    run_label,
)
from landgov.run.results import ScreeningResult

__all__ = ["init_ledger", "update_ledger"]

_STATUSES = frozenset(s.value for s in Status)


def _history_row(key: str, day: dt.date, old: Any, new: Any, *, source: str, note: str) -> dict:
    return {
        "宗地代码": key,
        "日期": day,
        "原状态": old,
        "新状态": new,
        "来源": source,
        "说明": note,
    }


def init_ledger(run: ScreeningResult, *, as_of: dt.date) -> Ledger:
    """A new ledger: one row per 治理清单 plot of ``run``, status 未启动.

    Parameters
    ----------
    run
        The screening run (:func:`landgov.run.results.read_screening`).
    as_of
        The date written in the history (and used for 逾期).
    """
    rows = computed_rows(run)
    for name in LAYOUT.editable:
        rows[name] = None
    rows["状态"] = Status.NOT_STARTED.value
    rows["系统提示"] = None
    label = run_label(run)
    history = pd.DataFrame(
        [
            _history_row(
                k,
                as_of,
                None,
                Status.NOT_STARTED.value,
                source="landgov",
                note=f"{label} 列入治理清单",
            )
            for k in rows["宗地代码"]
        ],
        columns=empty_history().columns,
        dtype=object,
    )
    return Ledger(
        rows=rows,
        history=history if len(history) else empty_history(),
        problems=ProblemLog("台账").frame(),
        flags={},
        extra=pd.DataFrame(index=pd.Index([], name="宗地代码")),
        unmerged=pd.DataFrame(),
        as_of=as_of,
        profile=run_profile(run.screen),
    )


# --------------------------------------------------------------------------- checks
def _check_row(key: str, row: dict[str, Any], *, as_of: dt.date) -> list[tuple[str, str, str]]:
    """(field, problem, what to do) for the rules an edited row breaks."""
    found = []
    start = row.get("列入日期")
    start = start if isinstance(start, dt.date) else None
    status = row.get("状态")
    for name in ("计划完成日期", "验收日期"):
        day = row.get(name)
        if isinstance(day, dt.date) and start is not None and day < start:
            found.append(
                (
                    name,
                    f"{name} {day.isoformat()} 早于列入日期 {start.isoformat()}",
                    f"请核实{name}",
                )
            )
    accepted = row.get("验收日期")
    if isinstance(accepted, dt.date) and accepted > as_of:
        found.append(
            (
                "验收日期",
                f"验收日期 {accepted.isoformat()} 晚于今天（{as_of.isoformat()}）",
                "验收完成后再填写验收日期",
            )
        )
    if status in (None, ""):
        found.append(("状态", "状态为空", "请从下拉列表选择状态（未启动、推进中、已完成、已销号）"))
    lacking = acceptance_lacking(row)
    if status == Status.CLOSED and lacking:
        what = "和".join(lacking)
        found.append(
            (
                "状态",
                f"状态为「已销号」但未填写{what}：销号须经验收",
                f"请填写{what}，或把状态改回「已完成」/「推进中」",
            )
        )
    return found


def _add_row_problems(
    key: str,
    row: dict[str, Any],
    sheet_row: Any,
    *,
    as_of: dt.date,
    log: ProblemLog,
    flags: dict[str, dict[str, str]],
) -> None:
    for name, problem, action in _check_row(key, row, as_of=as_of):
        log.add(
            f"宗地 {key}：{problem}",
            row=int(sheet_row) if sheet_row is not None else None,
            field=name,
            value=row.get(name),
            action=action + "；已保留所填内容并标记",
        )
        flags.setdefault(key, {})[name] = problem


# --------------------------------------------------------------------------- update
def _last_status(history: pd.DataFrame) -> dict[str, Any]:
    if history.empty:
        return {}
    return {str(k): v for k, v in history.groupby("宗地代码", sort=False)["新状态"].last().items()}


def _notes(
    row: dict[str, Any],
    *,
    flags: dict[str, str],
    late: bool,
    unread: str | None,
    extra: list[str],
    done_late: str | None = None,
    counted: object = None,
) -> str:
    parts = list(extra)
    if counted == STILL_LISTED:  # said on every update, the ledger read again without a run too
        parts.append(_still_listed_words(row))
    if late:  # a 已销号 without 验收 is not finished: 逾期 once its date has passed, and said
        why = {
            CLOSE_UNVERIFIED: f"；{CLOSE_UNVERIFIED}：已填已销号但缺验收",
            STILL_LISTED: f"；{STILL_LISTED}",
        }.get(counted, "")  # type: ignore[call-overload]
        parts.append(f"已逾期（计划完成日期 {row['计划完成日期'].isoformat()}{why}）")
    if isinstance(done_late, str):  # finished, but after its 计划完成日期
        parts.append(done_late)
    if isinstance(unread, str):  # neither 逾期 nor on time: said, and counted apart in 镇街进度
        parts.append(f"{DUE_UNREAD}（{unread}，是否逾期不明）")
    if flags:
        parts.append("填写问题：" + "；".join(f"{k}：{v}" for k, v in flags.items()))
    return "；".join(parts) or None  # type: ignore[return-value]


def _still_listed_words(row: dict[str, Any]) -> str:
    """What 系统提示 says of a 已销号 plot a run dated on or after its 验收 still lists
    (:func:`~landgov.ledger._book.relisted`): 达标 not shown, counted apart."""
    latest = relisted(row)
    return (
        f"{STILL_LISTED}：已销号，但 {latest} 批次仍列入治理清单（验收日期 "
        f"{row['验收日期'].isoformat()}，不晚于该批次基准日期），未显示达标，不计入已销号和完成率；"
        "请核实销号依据，如整治未达标，请把状态改回「推进中」"
    )


def update_ledger(
    path: str | Path, run: ScreeningResult | None = None, *, as_of: dt.date
) -> Ledger:
    """Read the edited ledger ``path``, check the edits and merge the newer ``run``.

    Every edit is kept as typed; a broken rule (an unknown status, a date before the 列入日期,
    已销号 without 验收日期 and 验收依据) is a problem row and a flag on the cell. Plots new on
    the run's 治理清单 are added (未启动); plots that left it are proposed for 销号 in 系统提示
    with the reason from the run, but their status is never changed: closing needs a person's
    验收. A plot the run found 待核实, or does not hold at all (split, merged, renumbered or
    cancelled), is not proposed (「达标销号」: it has not been shown 达标); 系统提示 says
    暂不建议销号 and what is to be verified. Editable columns are
    never overwritten. Each status change found (against the last entry of 状态变更记录) is
    added to the history with ``as_of``.

    Raises
    ------
    InputError
        Not a 治理台账 written by landgov (see :func:`landgov.core.editable.read_editable`).
    """
    # a plot on two rows filled in differently: neither row is used, as for the 核实表 and
    # the 人工认定表 (core.editable, refuse_conflicts); the plot is restored in _rows_read
    # a row gone is said by _rows_read, which restores it from the history
    edited = read_editable(path, LAYOUT, refuse_conflicts=True, say_removed=False)
    _refuse_without_status(path, edited)
    log = ProblemLog(Path(path).name)
    log.extend(edited.problems)
    known = {*edited.rows.index, *edited.removed_keys, *edited.duplicates.index}
    history, history_flags = read_history_marked(path, log, {str(k) for k in known})
    statuses = status_entries(history, history_flags)
    flags = {k: dict(v) for k, v in edited.flags.items()}
    rows = _rows_read(edited, statuses, log)
    extra = _restore_conflicts(rows, edited, statuses, flags)
    new_history: list[dict[str, Any]] = []
    notes: dict[str, list[str]] = {k: [] for k in rows}
    if run is not None:
        _refuse_older_run(path, rows, run)
        _refuse_foreign_run(path, rows, run)
        _merge_run(
            rows,
            run,
            notes=notes,
            history=new_history,
            log=log,
            as_of=as_of,
            ours=set(_last_status(statuses)),
        )
    last = _last_status(statuses)
    added = {h["宗地代码"] for h in new_history}
    for key, row in rows.items():
        _add_row_problems(key, row, row.pop("行号", None), as_of=as_of, log=log, flags=flags)
        valid = row.get("状态") in _STATUSES and "状态" not in edited.flags.get(key, {})
        if valid and row.get("状态") != last.get(key) and key not in added:
            source = "填写" if key in last else "landgov"
            new_history.append(
                _history_row(
                    key,
                    as_of,
                    last.get(key),
                    row.get("状态"),
                    source=source,
                    note=_change_note(flags.get(key, {})),
                )
            )
    frame = pd.DataFrame(list(rows.values()), columns=[f.name for f in LAYOUT.fields], dtype=object)
    counted = counted_status(frame, as_of=as_of) if len(frame) else pd.Series(dtype=object)
    late = overdue(frame, as_of=as_of, counted=counted) if len(frame) else pd.Series(dtype=bool)
    unread = (
        due_unread(frame, as_of=as_of, counted=counted) if len(frame) else pd.Series(dtype=object)
    )
    done_late = (
        finished_late(frame, as_of=as_of, counted=counted)
        if len(frame)
        else pd.Series(dtype=object)
    )
    frame["系统提示"] = [
        _notes(
            r,
            flags=flags.get(r["宗地代码"], {}),
            late=bool(x),
            unread=u,
            extra=notes[r["宗地代码"]],
            counted=c,
            done_late=d,
        )
        for r, x, u, c, d in zip(
            frame.to_dict("records"), late, unread, counted, done_late, strict=True
        )
    ]
    history = pd.concat([history, pd.DataFrame(new_history, columns=history.columns)])
    unmerged = _kept_unmerged(_unmerged(edited), read_unmerged(path, log), log)
    return Ledger(
        rows=frame,
        history=history.reset_index(drop=True).astype(object),
        problems=log.frame().sort_values("row", na_position="last", kind="stable"),
        flags=flags,
        extra=extra,
        unmerged=unmerged,
        as_of=as_of,
        profile=(run_profile(run.screen) if run is not None else None) or read_profile(path),
        history_flags=history_flags,  # the entries read come first in history: same positions
    )


def _refuse_without_status(path: str | Path, edited: EditedSheet) -> None:
    """A returned ledger whose 状态 column was deleted (or its header typed over) is refused:
    read on, every plot's status would be blank in the new ledger (1,315 「状态为空」 on the
    sample) and its 镇街进度 would count nothing as done, though the statuses are known."""
    if "状态" not in edited.missing_fields:
        return
    raise InputError(
        [
            Issue(
                str(path),
                "状态",
                None,
                f"工作表「{edited.meta.get('sheet') or LAYOUT.sheet}」缺少「状态」列"
                "（列被删除，或表头被改动）：各宗地的状态无法读取",
                "请恢复「状态」列（表头照原样；可从上次导出的台账复制该列）后重新运行 "
                "landgov ledger update；本次未写出任何文件",
            )
        ]
    )


def _refuse_older_run(
    path: str | Path, rows: dict[str, dict[str, Any]], run: ScreeningResult
) -> None:
    """A run older than one the ledger already holds (its reference date before the latest
    列入日期, the date of the run that listed a plot, or before the latest 最新批次, the run
    last merged: one that listed no new plot leaves every 列入日期 as it was) is refused:
    「达标」 is judged by a newer screening (「达标销号」, 虞政发〔2022〕12号 第三条第（一）项
    第2目), and last year's folder picked by mistake would propose 销号 on last year's figures,
    take back the proposals of the newer run and list plots as 新列入 a year before the
    ledger. The same run again (re-running an update) is accepted."""
    held = [(r.get("列入日期"), "列入日期") for r in rows.values()]
    held += [(batch_date(r.get("最新批次")), "最新批次") for r in rows.values()]
    known = [(day, what) for day, what in held if isinstance(day, dt.date)]
    if run.as_of is None or not known:
        return
    latest, what = max(known)
    if run.as_of >= latest:
        return
    raise InputError(
        [
            Issue(
                str(run.folder),
                None,
                run.as_of.isoformat(),
                f"筛查结果的基准日期 {run.as_of.isoformat()} 早于台账「{Path(path).name}」中已有的"
                f"{what} {latest.isoformat()}：这是比台账更早的一期，不能用来判定达标、建议销号",
                "请在 --run 中给出比台账更新的一期筛查结果目录（如本年度的）；本次未写出任何文件",
            )
        ]
    )


def _refuse_foreign_run(
    path: str | Path, rows: dict[str, dict[str, Any]], run: ScreeningResult
) -> None:
    """A run whose 底数清单 holds none of the ledger's plots (another county's folder picked by
    mistake) is refused, as ``landgov compare`` refuses two unrelated runs: merged, every row
    would say 「底数清单中无此宗地」 and every plot of the other county would be added as
    新列入, a ledger of two areas. One plot in common is enough (the others left the run are
    said row by row)."""
    known = run.parcels.get("parcel_id", ())
    issue = no_common_keys(
        path,
        rows,
        known,
        what="台账",
        field="宗地代码",
        action=f"--run 给出的「{run.folder}」（{run_label(run)} 批次，底数清单 {len(known)} 宗）"
        "不是本台账所在县市区的筛查结果：请在 --run 中给出同一县市区新一期的筛查结果目录；"
        "本次未写出任何文件",
    )
    if issue is not None:
        raise InputError([issue])


def _change_note(flags: dict[str, str]) -> str:
    if "状态" in flags:
        return f"台账更新时读取；{flags['状态']}，待核实"
    return "台账更新时读取"


def _rows_read(
    edited: EditedSheet, history: pd.DataFrame, log: ProblemLog
) -> dict[str, dict[str, Any]]:
    rows = {
        str(k): {"宗地代码": str(k), **{n: v for n, v in r.items()}}
        for k, r in edited.rows.to_dict("index").items()
    }
    last = _last_status(history)
    for key, row in rows.items():  # a row landgov never listed: typed in by hand (or a 合计 row)
        if last and key not in last:
            log.add(
                f"宗地 {key} 不是 landgov 列入台账的行（状态变更记录中没有），"
                "是手工添加的行或改动了宗地代码",
                row=row.get("行号"),
                field="宗地代码",
                value=key,
                action="核对宗地代码；合计等非宗地行请删除；确属手工添加的宗地已保留，"
                f"其系统信息（面积、{GRADE}、{PATH}等）为空",
                severity=Severity.WARNING,
            )
    for key in edited.removed_keys:  # a deleted row comes back with its last status
        rows[key] = {"宗地代码": key, "状态": last.get(key), "行号": None}
        log.add(
            f"台账中找不到宗地 {key} 的行（行被删除，或其宗地代码被改动、成了没有计算结果的公式、"
            "被 Excel 存为数字），"
            f"已按状态变更记录恢复（状态：{last.get(key) or '未知'}）",
            field="宗地代码",
            value=key,
            action="台账中的宗地只能销号，不能删除；宗地代码被改动的，改回原代码（见「未合并的行」）；"
            "请核实恢复的行并补填内容",
            severity=Severity.WARNING,
        )
    _listing_dates(rows, history, log)
    return rows


#: How 状态变更记录 says landgov listed a plot: 「2026-06-30 列入治理清单」 (the ledger started
#: from that run), 「2027-06-30 新列入」 (added by that run).
_LISTED_NOTES = ("列入治理清单", "新列入")


def _listed_on(history: pd.DataFrame) -> dict[str, dt.date]:
    """The 基准日期 of the run that listed each plot, as 状态变更记录 recorded it when landgov
    put the plot on the ledger (its first entry from landgov naming one)."""
    found: dict[str, dt.date] = {}
    for key, source, note in zip(
        history["宗地代码"], history["来源"], history["说明"], strict=True
    ):
        if is_missing(key) or str(key) in found or source != "landgov" or is_missing(note):
            continue
        day, said = batch_parts(note)
        if day is not None and said in _LISTED_NOTES:
            found[str(key)] = day
    return found


def _listing_dates(rows: dict[str, dict[str, Any]], history: pd.DataFrame, log: ProblemLog) -> None:
    """Give each row the 列入日期 状态变更记录 holds for it (:func:`_listed_on`).

    列入日期 is landgov's (grey, locked), but a sheet unprotected is typed over like any other:
    read as typed, a 列入日期 of 2028 made the 镇街's 计划完成日期 「早于列入日期」 and its 验收
    no evidence of the 销号, text such as 「去年」 left both unchecked, and a deleted row came
    back with the 基准日期 of the newer run. A date typed over is a warning naming both.
    """
    listed = _listed_on(history)
    for key, row in rows.items():
        day = listed.get(key)
        typed = row.get("列入日期")
        if day is None or (isinstance(typed, dt.date) and typed == day):
            continue
        row["列入日期"] = day
        if row.get("行号") is None and is_missing(typed):  # a deleted row restored: no word more
            continue
        log.add(
            f"宗地 {key} 的列入日期「{answer_text(typed) or '空白'}」与状态变更记录不符"
            f"（{day.isoformat()} 批次列入治理清单）：列入日期由 landgov 填写，已按 "
            f"{day.isoformat()} 读取",
            row=row.get("行号"),
            field="列入日期",
            value=typed,
            action="列入日期（灰色列）请勿改动；如确需更正，请核对状态变更记录",
            severity=Severity.WARNING,
        )


def _restore_conflicts(
    rows: dict[str, dict[str, Any]],
    edited: EditedSheet,
    history: pd.DataFrame,
    flags: dict[str, dict[str, str]],
) -> pd.DataFrame:
    """Put back each plot found on two rows filled in differently (``edited.conflicts``; both
    rows are in 未合并的行 and the problem naming them is said by the reader): what the rows
    agree on is kept; a field they fill in differently is neither row's: 状态 is the last
    entry of 状态变更记录, the others blank, and each is flagged 待核实 (said in 系统提示).

    Taking the first row, as before, chose one clerk's word over the other's without a reason:
    a plot typed 推进中 on one row and 已完成 on the other was counted 推进中.

    Returns the columns staff added (``edited.extra``) with those of the restored plots: a
    value their rows do not contradict (typed on one, blank on the other) is kept, so that
    nothing of staff's own columns is lost from the ledger.
    """
    last = _last_status(history)
    extras = [edited.extra]
    names = list(edited.extra.columns)
    for key in edited.conflicts:
        dupes = edited.duplicates.loc[[key]] if key in edited.duplicates.index else None
        if dupes is None or dupes.empty:
            continue
        dupes = dupes.sort_values("行号", kind="stable")
        lines = "、".join(str(int(r)) for r in dupes["行号"])
        row: dict[str, Any] = {"宗地代码": key, "行号": int(dupes["行号"].iloc[0])}
        for f in LAYOUT.fields:
            if f.name == LAYOUT.key or f.name not in dupes.columns:
                continue
            seen = list(dict.fromkeys(answer_text(v) for v in dupes[f.name]))
            if len(seen) == 1 or not f.editable:
                row[f.name] = dupes[f.name].iloc[0]
                continue
            typed = "」「".join(str(v) for v in seen if v != "")
            kept = last.get(key) if f.name == "状态" else None
            row[f.name] = kept
            flags.setdefault(key, {})[f.name] = (
                f"第 {lines} 行填写不同（「{typed}」），均未采用，待核实"
                + (f"；沿用状态变更记录中的「{kept}」" if f.name == "状态" and kept else "")
            )
        rows[key] = row
        own = {}
        for name in names:
            typed = {answer_text(v) for v in dupes.get(name, pd.Series(dtype=object))} - {""}
            first = next((v for v in dupes.get(name, ()) if answer_text(v) != ""), None)
            own[name] = first if len(typed) == 1 else None
        extras.append(pd.DataFrame([own], index=pd.Index([key], name=LAYOUT.key), dtype=object))
    if edited.conflicts:  # in sheet order again (a restored row without one stays last)
        order = sorted(
            rows.items(), key=lambda kv: (kv[1].get("行号") is None, kv[1].get("行号") or 0)
        )
        rows.clear()
        rows.update(order)
    return pd.concat(extras) if len(extras) > 1 else edited.extra


def _merge_run(
    rows: dict[str, dict[str, Any]],
    run: ScreeningResult,
    *,
    notes: dict[str, list[str]],
    history: list[dict[str, Any]],
    log: ProblemLog,
    as_of: dt.date,
    ours: set[str],
) -> None:
    """Merge a newer run into the rows read (see :func:`update_ledger`). ``ours``: the plots
    landgov put on the ledger (those 状态变更记录 holds; none known when it is empty)."""
    fresh = {r["宗地代码"]: r for r in computed_rows(run).to_dict("records")}
    parcels = run.parcels.drop_duplicates("parcel_id").set_index("parcel_id")
    label = run_label(run)
    gone: list[str] = []  # ledger plots the run's 底数清单 does not hold
    for key, row in rows.items():
        if key in fresh:
            if (moved := _path_moved(row, fresh[key], label)) is not None:
                notes[key].append(moved)
            if (moved := _town_moved(row, fresh[key], label)) is not None:
                notes[key].append(moved)
            listed = row.get("列入日期")
            row.update({k: v for k, v in fresh[key].items() if k != "列入日期"})
            row["列入日期"] = listed if isinstance(listed, dt.date) else fresh[key]["列入日期"]
            if row.get("状态") == Status.CLOSED:
                said = _closed_still_listed(key, row, run, log, as_of=as_of)
                notes[key] += [said] if said else []
            continue
        parcel = parcels.loc[key] if key in parcels.index else None
        row.update(refreshed(row, parcel))
        # not shown 达标 (core.vocab.shown_met): 待核实, no 筛查结论, or a word none of the three
        pending = parcel is not None and not shown_met(parcel.get("screening_status"))
        row["最新批次"] = f"{label} " + (
            "底数清单中无此宗地"
            if parcel is None
            else ScreeningStatus.UNKNOWN.value
            if pending
            else "不在治理清单"
        )
        if parcel is None:
            gone.append(key)
        if row.get("状态") == Status.CLOSED:
            continue
        if parcel is None:  # 「达标销号」: a plot the run does not hold has not been shown 达标
            notes[key].append(HOLD_CLOSE + off_list_reason(parcel, run))
        elif pending:  # nor has one not judged for want of data
            notes[key].append(
                HOLD_CLOSE + off_list_reason(parcel, run) + "；补齐数据、重新筛查后再定"
            )
        elif ours and key not in ours:  # a row typed in by hand never left the list
            notes[key].append(
                HOLD_CLOSE + f"本宗地不是 landgov 列入台账的行（手工添加，或改动了宗地代码），"
                f"未曾列入治理清单，{label} 批次筛查结论为「不列入」，"
                "不是移出治理清单；请先核实宗地代码"
            )
        else:
            notes[key].append(
                PROPOSE_CLOSE + off_list_reason(parcel, run) + _untreated(row)
                + "；须经验收后由镇街改为「已销号」"
            )  # fmt: skip
    added = [key for key in fresh if key not in rows]
    for key in added:
        new = fresh[key]
        rows[key] = new | {"状态": Status.NOT_STARTED.value}
        notes[key] = [f"{label} 批次新列入治理清单"]
        history.append(
            _history_row(
                key, as_of, None, Status.NOT_STARTED.value, source="landgov", note=f"{label} 新列入"
            )
        )
    _cross_reference(rows, notes, gone=gone, added=added)


def _closed_still_listed(
    key: str, row: dict[str, Any], run: ScreeningResult, log: ProblemLog, *, as_of: dt.date
) -> str | None:
    """What 系统提示 says of a 已销号 plot the newer run still lists (「达标销号」: 达标 is judged
    by the newer screening). A run whose 基准日期 is before the 验收日期 shows the land before
    the 验收: that it still lists the plot says nothing of the 销号, and the 镇街 is not told to
    change it back — the next run will show whether the plot is 达标 (only for a 销号 whose 验收
    is on file, :func:`acceptance_lacking`). Otherwise the listing contradicts the 销号: a
    warning asking to check it. With its 验收 on file such a plot is counted 已销号但新批次仍列入
    (:func:`~landgov.ledger._book.relisted`), said by :func:`_notes` (``None`` here); the run
    that listed the plot (a 验收 on its 基准日期) says nothing of it: ``None``, no warning."""
    label = run_label(run)
    accepted = row.get("验收日期")
    later = isinstance(accepted, dt.date) and run.as_of is not None and accepted > run.as_of
    accepted_ok = not acceptance_lacking(row, as_of=as_of)
    if later and accepted_ok:
        return (
            f"已销号（验收日期 {accepted.isoformat()} 晚于 {label} 批次基准日期，该批次筛查"
            "反映的是验收前的情况，仍列入治理清单不说明未达标）：请在下一批次筛查时核对是否达标"
        )
    contradicted = relisted(row) is not None
    if accepted_ok and not contradicted:
        return None
    log.add(
        f"宗地 {key} 已销号，但 {label} 批次仍列入治理清单",
        row=row.get("行号"),
        field="状态",
        value=row.get("状态"),
        action="请核实销号依据；如整治未达标，请把状态改回「推进中」",
        severity=Severity.WARNING,
    )
    return None if contradicted else f"已销号，但 {label} 批次仍列入治理清单，请核实"


def _town_moved(row: dict[str, Any], fresh: dict[str, Any], label: str) -> str | None:
    """What 系统提示 says of a plot still listed that the newer run puts in another 镇街 (a
    boundary change, a corrected 镇街): its row moves to that 镇街 in 镇街进度, and the 责任单位
    and 责任人 the old 镇街 filled in may no longer be the ones answerable for it — said, never
    moved silently; ``None`` when the 镇街 is the same or either is not known."""
    before, after = row.get("镇街"), fresh.get("镇街")
    if is_missing(before) or is_missing(after) or str(before).strip() == str(after).strip():
        return None
    return (
        f"{label} 批次镇街由「{before}」改为「{after}」：镇街进度中改计入{after}，"
        "请核实责任单位、责任人"
    )


def _path_moved(row: dict[str, Any], fresh: dict[str, Any], label: str) -> str | None:
    """What 系统提示 says of a plot still listed whose 治理路径 the newer run changed (整治提升
    → 关停退出): the 治理措施 the 镇街 wrote were for the old path (「一地一企一方案」,
    虞政发〔2022〕12号 第三条第（一）项第2目), so the change is said with the run's
    理由（含政策依据）, never made silently; ``None`` when the path is the same or either is
    not known."""
    before, after = row.get(PATH), fresh.get(PATH)
    if is_missing(before) or is_missing(after) or str(before).strip() == str(after).strip():
        return None
    why = fresh.get(REASONS)
    reason = "" if is_missing(why) else f"（{why}）"
    return (
        f"{label} 批次{PATH}由「{before}」改为「{after}」{reason}："
        "请按新路径核实治理措施、计划完成日期（一地一企一方案）"
    )


def _cross_reference(
    rows: dict[str, dict[str, Any]],
    notes: dict[str, list[str]],
    *,
    gone: list[str],
    added: list[str],
) -> None:
    """Say, on both rows, that a ledger plot the new run's 底数清单 does not hold and a plot new
    on its 治理清单 in the same 镇街 may be the same land (split, merged, or re-coded after
    不动产 registration). The ledger holds no geometry, so nothing is matched by guess: the
    rows stay apart, and the officer is told where the filled-in columns may belong."""

    def town(key: str) -> str | None:
        value = rows[key].get("镇街")
        return None if is_missing(value) else str(value).strip()

    def same(a: str, b: str) -> bool:  # a 镇街 not known could be any
        return town(a) is None or town(b) is None or town(a) == town(b)

    for key in added:
        olds = [k for k in gone if same(k, key)]
        if olds:
            where = f"{town(key)}的" if town(key) else ""
            notes[key].append(
                f"台账中{where}宗地 {_codes(olds)} 在本批次底数清单中找不到：如本宗地由其分割、"
                "合并或改变宗地代码而来，请把原行的填写内容（责任单位、责任人、治理措施、"
                "计划完成日期、状态等）转入本行，并核实原行"
            )
    for key in gone:
        news = [k for k in added if same(key, k)]
        if news:
            notes[key].append(
                f"本批次新列入治理清单的宗地 {_codes(news)} 可能由本宗地分割、合并或改变宗地代码"
                "而来：如是，请把本行的填写内容转入该行"
            )


def _codes(keys: list[str], shown: int = 10) -> str:
    """「R、S」; more than ``shown`` codes end 「等 N 宗」."""
    return first_few(keys, shown, counted="宗")


def _untreated(row: dict[str, Any]) -> str:
    """What to add to a 销号 proposal for a plot nobody has started to treat: it left the list
    because its data changed (a corrected figure, a new threshold), not because of 整治."""
    if row.get("状态") not in (None, "", Status.NOT_STARTED):
        return ""
    return (
        "；台账状态仍为「未启动」，移出治理清单并非整治所致（可能是数据更正或口径变化），"
        "请先核实数据"
    )


def _unkeyed_reason(typed: object) -> str:
    """Why a row was not merged, from its 宗地代码 cell as typed (``EditedSheet.unkeyed``)."""
    error = excel_error(typed)
    if error is not None:
        return f"宗地代码为 Excel 错误值「{error}」，未合并"
    if isinstance(typed, float) and not is_missing(typed):  # core.editable.read_key
        return f"宗地代码被存为数字（{typed:.15g}），超出 15 位的数字已丢失，未合并"
    if isinstance(typed, str) and typed:
        return "宗地代码为公式且文件中没有其计算结果，未合并"
    return "宗地代码为空，未合并"


def _unmerged(edited: EditedSheet) -> pd.DataFrame:
    parts = []
    if len(edited.duplicates):
        dupes = edited.duplicates.reset_index()
        refused = dupes["宗地代码"].astype(str).isin(set(edited.conflicts))
        reason = refused.map(
            {True: "宗地代码重复且填写不同，均未采用（待核实）", False: "宗地代码重复，未合并"}
        )
        parts.append(dupes.assign(原因=reason))
    if len(edited.unkeyed):
        unkeyed = edited.unkeyed
        formula = unkeyed.get("宗地代码", pd.Series(None, index=unkeyed.index, dtype=object))
        reason = formula.map(_unkeyed_reason)
        parts.append(unkeyed.assign(原因=reason))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _kept_unmerged(found: pd.DataFrame, kept: pd.DataFrame, log: ProblemLog) -> pd.DataFrame:
    """The rows of 未合并的行: those of this read (``found``) and those an earlier update put
    there (``kept``, :func:`~landgov.ledger._book.read_unmerged`) that staff have not deleted.

    What staff typed on such a row is in no plot's row; dropped from the sheet on the next
    update (as before), a plot typed on two rows 推进中 and 已完成 was 未启动 with no word left
    of either, and a row whose 宗地代码 was 「#N/A」 was gone with all it held. A kept row this
    read finds again (the repeated row still on the data sheet), or found on two copies of the
    sheet, is given once; each other is a warning naming its sheet and row, and stays until
    staff delete it.
    """
    if kept.empty:
        return found
    seen = {_row_text(rec) for rec in found.to_dict("records")}
    copied: dict[tuple[tuple[str, str], ...], str] = {}  # a kept row: the sheet it was read on
    rows = []
    for (sheet, at), rec in kept.iterrows():
        text = _row_text(rec.to_dict())
        if text in seen or copied.setdefault(text, sheet) != sheet:  # or on another copy
            continue
        why = rec.get("原因")
        why = "" if is_missing(why) else str(why)
        rows.append(
            rec.to_dict() | {"原因": why if why.startswith(UNMERGED_KEPT) else UNMERGED_KEPT + why}
        )
        key = rec.get(LAYOUT.key)
        code = "空白" if is_missing(key) else key
        log.add(
            f"「{sheet}」第 {at} 行（宗地代码 {code}）是以前的更新中未能合并的行，"
            "所填内容不在任何宗地的行中，已保留在该表",
            field=LAYOUT.key,
            value=key,
            action=f"核对后把需要的内容填入「{LAYOUT.sheet}」中该宗地的行，再删除「{UNMERGED_SHEET}」"
            "中的该行（未删除的，每次更新都保留并提示）",
            severity=Severity.WARNING,
        )
    if not rows:
        return found
    again = pd.DataFrame(rows, dtype=object)
    return pd.concat([found, again], ignore_index=True) if len(found) else again


def _row_text(rec: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """A row of 未合并的行 as compared across two updates: its filled cells as text, without
    原因 (a kept row's says so)."""
    return tuple(
        sorted((str(k), answer_text(v)) for k, v in rec.items() if k != "原因" and answer_text(v))
    )
