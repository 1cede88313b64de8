"""Recorded overrides of single 增容 conditions (人工认定): one condition of a plot or application.

:func:`write_condition_overrides` (``landgov override RUN --far``) writes the workbook of a
增容 run: one row per condition of every application and per condition not 符合 of every
candidate plot (not 不可申报), keyed 「编号|条件」 (e.g. ``ZR2026-011|条件3``,
``330602001001GB00001|条件6``); the computed status and its note locked, and columns to fill
in: 认定结论 (符合 / 不符合), 理由, 认定人, 认定日期, 文件依据, 撤回. A row may be added by hand
for any other plot or condition with a key of the same form. A refresh from a newer run keeps
every decided row with 「认定时计算结果」, the computed status and note when it was decided.

:func:`apply_condition_overrides` (``landgov far --overrides FILE``) applies each complete, not
withdrawn row: the condition column takes the decided status; its note and its verdict (the
系统预审) say 「人工认定：…（计算：…）」 with who, when, why and the document; the overall
``zengrong`` is composed again from the decided conditions (``zengrong_computed`` keeps the
computed one, ``override`` lists the decisions, ``override_status`` 已采用 / 待复核) and the
computed status and note of each decided condition are kept in ``<condition>_computed`` and
``<condition>_computed_note`` (what a refresh reads back). A row whose
computed condition changed since it was decided is not applied (待复核, a problem row); an
incomplete row, a key not of the form 「编号|条件」 and a plot or application not in the run are
problem rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from landgov.core.editable import (
    RUN_DATE,
    Field,
    FieldKind,
    Layout,
    add_editable_sheet,
    other_run,
    read_editable,
    save_workbook,
)
from landgov.core.missing import is_missing
from landgov.core.problems import PROBLEM_COLUMNS, ProblemLog, Severity
from landgov.core.runfolder import file_sha256
from landgov.core.vocab import Eligibility
from landgov.errors import InputError
from landgov.far.zengrong import CONDITION_LABELS, CONDITIONS
from landgov.far.zengrong._outcome import meeting_items, missing_items, overall
from landgov.run.overrides import (
    DECISION_FIELDS,
    DOC,
    SNAPSHOT,
    WHEN,
    WHO,
    WHY,
    WITHDRAWN,
    decided_by,
)
from landgov.verdict import Status, Verdict

__all__ = [
    "CONDITION_LAYOUT",
    "SHORT",
    "ConditionOverrides",
    "apply_condition_overrides",
    "computed_columns",
    "condition_summary",
    "read_condition_overrides",
    "write_condition_overrides",
]

KEY = "认定项"
SEP = "|"
DECIDED = "认定结论"
SOURCE = "增容条件人工认定表"
#: Condition column → the short name used in the key (「条件3」).
SHORT: Mapping[str, str] = {
    "scope": "适用范围",
    "cap": "容积率上限",
    **{f"cond{i}": f"条件{i}" for i in range(1, 9)},
}
_BY_SHORT = {v: k for k, v in SHORT.items()}
CHOICES = (Status.PASS.value, Status.FAIL.value)

CONDITION_LAYOUT = Layout(
    kind="增容条件人工认定",
    version=1,
    sheet="增容条件认定",
    key=KEY,
    fields=(
        Field(KEY, width=30),
        Field("对象", width=8),
        Field("编号", width=22),
        Field("条件", width=26),
        Field("镇街", width=10),
        Field("企业或权利人", width=24),
        Field("计算结论", width=10),
        Field("计算说明", width=50),
        Field(SNAPSHOT, width=30),
        Field(DECIDED, kind=FieldKind.CHOICE, editable=True, choices=CHOICES, width=12),
        *DECISION_FIELDS,
    ),
)


def _snapshot(status: object, note: object) -> str:
    """What landgov computed for one condition, as compared across runs: 结论｜说明."""
    return "｜".join("" if is_missing(p) else str(p) for p in (status, note))


def computed_columns(cond: str) -> tuple[str, str]:
    """The columns that keep a decided condition's computed status and note.

    >>> computed_columns("cond3")
    ('cond3_computed', 'cond3_computed_note')
    """
    return f"{cond}_computed", f"{cond}_computed_note"


_COMPUTED_MARK = "（计算："


def _as_computed(rec: Mapping[str, Any], cond: str) -> tuple[object, object]:
    """A condition's computed status and note, also from a run that applied a decision.

    A run that applied a decision keeps them in :func:`computed_columns`; a run folder written
    before those columns existed has only the note 「人工认定：…（计算：<computed note>）」, the
    computed note starting with the computed status (``Verdict.explain``), which is parsed.
    Anything else is as computed.
    """
    status, note = rec.get(cond), rec.get(f"{cond}_note")
    kept_status, kept_note = (rec.get(c) for c in computed_columns(cond))
    if not is_missing(kept_status):
        return kept_status, None if is_missing(kept_note) else kept_note
    if not isinstance(note, str) or not note.startswith("人工认定：") or _COMPUTED_MARK not in note:
        return status, note
    inner = note[note.index(_COMPUTED_MARK) + len(_COMPUTED_MARK) : -1]
    return (inner.split("：", 1)[0] or None), (inner or None)


def _rows(frame: pd.DataFrame | None, kind: str, id_column: str, *, every: bool) -> list[dict]:
    """One workbook row per condition (``every``) or per condition not 符合."""
    if frame is None or not len(frame):
        return []
    out = []
    for rec in frame.to_dict("records"):
        ident = rec.get(id_column)
        if is_missing(ident):
            continue
        for cond in CONDITIONS:
            status, note = _as_computed(rec, cond)
            if not every and status == Status.PASS.value:
                continue
            who = rec.get("enterprise_name")
            out.append(
                {
                    KEY: f"{ident}{SEP}{SHORT[cond]}",
                    "对象": kind,
                    "编号": str(ident),
                    "条件": CONDITION_LABELS[cond],
                    "镇街": rec.get("township"),
                    "企业或权利人": rec.get("holder") if is_missing(who) else who,
                    "计算结论": status,
                    "计算说明": note,
                    SNAPSHOT: _snapshot(status, note),
                }
            )
    return out


def _decided(rec: Mapping[str, Any]) -> bool:
    return not is_missing(rec.get(DECIDED))


def write_condition_overrides(run_dir: str | Path, path: str | Path) -> Path:
    """Write the 增容 condition overrides workbook of a run; an existing one is refreshed.

    Refreshing keeps every decided row (with its snapshot, flagged when the computed condition
    has changed since) and adds the run's new rows.
    """
    screened, apps = _read_far(run_dir)
    verdict = screened.get("zengrong_computed", screened["zengrong"])
    candidates = screened[verdict != Eligibility.INELIGIBLE.value]
    records = _rows(apps, "申请", "application_id", every=True)
    records += _rows(candidates, "宗地", "parcel_id", every=False)
    rows = pd.DataFrame(records, columns=[f.name for f in CONDITION_LAYOUT.fields[:9]])
    rows = rows.drop_duplicates(KEY).set_index(KEY, drop=False)
    flags: dict[str, dict[str, str]] = {}
    target = Path(path)
    if target.exists():
        now = _computed(apps, screened)
        for key, rec in read_editable(target, CONDITION_LAYOUT).rows.iterrows():
            if not _decided(rec):
                continue
            if key not in rows.index:
                for name in ("对象", "编号", "条件", "镇街", "企业或权利人"):
                    rows.loc[key, name] = rec.get(name)
                rows.loc[key, KEY] = key
            for name in (SNAPSHOT, *CONDITION_LAYOUT.editable):
                rows.loc[key, name] = rec.get(name)
            if now.get(str(key)) != rec.get(SNAPSHOT):
                flags[str(key)] = {SNAPSHOT: "认定后计算结果已变化，请复核该认定"}
    wb = Workbook()
    wb.remove(wb.active)
    about = _written_for(run_dir)  # its 基准日 is checked when it comes back
    add_editable_sheet(wb, rows.reset_index(drop=True), CONDITION_LAYOUT, flags=flags, about=about)
    return save_workbook(wb, target)


def _written_for(run_dir: str | Path) -> dict[str, object]:
    """What the workbook records about the 增容 run it is written from (``about`` of
    :func:`~landgov.core.editable.add_editable_sheet`): its 基准日, folder and time, as the
    人工认定表 of a screening run records them."""
    from landgov.core.runfolder import read_manifest, stage_view

    far = stage_view(read_manifest(Path(run_dir)) or {}, "far")
    return {
        RUN_DATE: far.get("as_of"),
        "增容结果": Path(run_dir).name,
        "增容时间": far.get("generated_at"),
    }


def _read_far(run_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The 增容 plots and applications of a run folder (``landgov far``)."""
    from landgov.core.runfolder import GPKG
    from landgov.core.runread import read_run_layer, read_run_parquet, run_layers
    from landgov.errors import DataFileError
    from landgov.run.far import PARQUET_FAR

    folder = Path(run_dir)
    if not (folder / PARQUET_FAR).exists():
        raise DataFileError(
            f"{folder} 中没有增容结果（{PARQUET_FAR}）：请先运行 landgov far --out {folder}"
        )
    screened = read_run_parquet(folder / PARQUET_FAR, geometry=False)
    apps = None
    if "far_applications" in run_layers(folder / GPKG):
        apps = read_run_layer(folder / GPKG, "far_applications", geometry=False)
    return screened, apps


def _computed(apps: pd.DataFrame | None, screened: pd.DataFrame) -> dict[str, str]:
    """Snapshot of every condition of the run by key (applications and all plots)."""
    out: dict[str, str] = {}
    for frame, column in ((apps, "application_id"), (screened, "parcel_id")):
        if frame is None or not len(frame):
            continue
        records = frame.to_dict("records")
        for cond in CONDITIONS:
            keys = frame[column].astype(str) + SEP + SHORT[cond]
            snaps = [_snapshot(*_as_computed(rec, cond)) for rec in records]
            out.update(zip(keys, snaps, strict=True))
    return out


@dataclass(frozen=True)
class ConditionOverrides:
    """The usable decided rows of a 增容 condition overrides workbook, and its problems.

    ``rows`` has ``编号`` and ``cond`` (the condition column) parsed from the key; ``withdrawn``
    and ``rejected`` count the rows withdrawn and the decided rows not usable; ``ids`` are the
    plots and applications of every row of the form (decided or not), ``source`` its path.
    """

    rows: pd.DataFrame
    problems: pd.DataFrame
    withdrawn: int = 0
    rejected: int = 0
    ids: frozenset[str] = frozenset()
    source: str = ""


def read_condition_overrides(
    path: str | Path, *, as_of: dt.date | None = None
) -> ConditionOverrides:
    """Read a 增容 condition overrides workbook: decided rows, the unusable ones reported.

    ``as_of``: the 基准日 of the run the decisions are for; a workbook written for a run of
    another year is refused, one of the same year or recording none is read with a warning
    (:func:`landgov.core.editable.other_run`), as the 人工认定表 of a screening run.
    ``None``: not checked.
    """
    sheet = read_editable(path, CONDITION_LAYOUT, refuse_conflicts=True)
    log = ProblemLog(f"{SOURCE}（{Path(path).name}）")
    if as_of is not None:
        issue = other_run(
            path, sheet.meta, RUN_DATE, as_of, what=SOURCE, log=log,
            action=f"本次运行的{SOURCE}用 landgov override 本次增容结果文件夹 --far -o "
            f"{Path(path).name} 刷新（已填写的认定保留，计算结果有变化的标记待复核），核对后再计入",
        )  # fmt: skip
        if issue is not None:
            raise InputError([issue])
    log.extend(sheet.problems)
    keep, withdrawn, rejected = [], 0, len(sheet.conflicts)  # conflicts: said, not used
    for key, rec in sheet.rows.iterrows():
        if not _decided(rec) and not sheet.flagged(str(key), DECIDED):
            continue
        if rec.get(WITHDRAWN) == "是":
            withdrawn += 1
            continue
        if any(sheet.flagged(str(key), n) for n in (DECIDED, WHEN, WITHDRAWN)):
            rejected += 1
            continue  # reported by read_editable
        ident, _, short = str(key).rpartition(SEP)
        cond = _BY_SHORT.get(short.strip())
        if not ident.strip() or cond is None:
            log.add(
                f"认定项「{key}」不是「编号{SEP}条件」的形式，未采用",
                row=int(rec["行号"]), field=KEY, value=key,
                action=f"写成如 ZR2026-011{SEP}条件3，条件为 {'、'.join(SHORT.values())} 之一",
                severity=Severity.ERROR,
            )  # fmt: skip
            rejected += 1
            continue
        lacking = sheet.unknown(key, (WHY, WHO, WHEN, DOC))  # a formula without result too
        if lacking:
            log.add(
                f"增容条件人工认定缺少{'、'.join(lacking)}，未采用",
                row=int(rec["行号"]), field="、".join(lacking), value=key,
                action="补填理由、认定人、认定日期和文件依据后重新运行", severity=Severity.ERROR,
            )  # fmt: skip
            rejected += 1
            continue
        keep.append({**rec.to_dict(), KEY: str(key), "编号": ident.strip(), "cond": cond})
    names = [f.name for f in CONDITION_LAYOUT.fields]
    rows = pd.DataFrame(keep, columns=[*names, "行号", "cond"])
    ids = frozenset(str(k).rpartition(SEP)[0].strip() for k in sheet.rows.index) - {""}
    return ConditionOverrides(rows, log.frame(), withdrawn, rejected, ids, str(Path(path)))


def _day(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _decision_text(rec: Mapping[str, Any], computed: object) -> str:
    label = CONDITION_LABELS[rec["cond"]]
    return (
        f"人工认定：{label} {computed or '—'}→{rec[DECIDED]}；理由：{rec[WHY]}；"
        f"认定人：{rec[WHO]}（{_day(rec[WHEN])}）；文件依据：{rec[DOC]}"
    )


def _decided_verdict(verdict: Verdict | None, rec: Mapping[str, Any], text: str) -> Verdict:
    """The condition's verdict as decided: the computed one kept in the reason."""
    status = Status(rec[DECIDED])
    if verdict is None:
        from landgov.verdict import Citation

        return Verdict(f"zengrong.{rec['cond']}", status, text, Citation(None, "人工认定"))
    reason = f"{text}（计算：{verdict.status.value}：{verdict.reason}）"
    return dataclasses.replace(verdict, status=status, reason=reason, missing=())


def apply_condition_overrides(
    frame: pd.DataFrame | None, overrides: ConditionOverrides, *, id_column: str
) -> tuple[pd.DataFrame | None, pd.DataFrame, dict[str, int]]:
    """``frame`` (plots or applications) with the condition overrides of its ids applied.

    Returns the frame, the problem rows (stale overrides) and counts ``applied`` / ``stale``
    by row of the workbook. Adds ``zengrong_computed``, ``override``, ``override_status``,
    ``override_by`` (who decided and when, 「；」-joined) and :func:`computed_columns` of every
    condition a decision was applied to.
    """
    log = ProblemLog(SOURCE)
    counts = {"applied": 0, "stale": 0}
    if frame is None:
        return frame, log.frame(), counts
    out = frame.copy()
    out["zengrong_computed"] = out["zengrong"]
    out["override"] = pd.Series(None, index=out.index, dtype="object")
    out["override_status"] = pd.Series(None, index=out.index, dtype="object")
    out["override_by"] = pd.Series(None, index=out.index, dtype="object")
    if not len(out) or not len(overrides.rows):
        return out, log.frame(), counts
    index = {str(p): i for i, p in zip(out.index, out[id_column], strict=True) if not is_missing(p)}
    touched: dict[Any, list[str]] = {}
    by: dict[Any, list[str]] = {}
    for rec in overrides.rows.to_dict("records"):
        i = index.get(str(rec["编号"]))
        if i is None:
            continue
        cond = rec["cond"]
        status, note = out.at[i, cond], out.at[i, f"{cond}_note"]
        text = _decision_text(rec, status)
        if _snapshot(status, note) != str(rec.get(SNAPSHOT) or ""):
            counts["stale"] += 1
            out.at[i, "override_status"] = "待复核"
            touched.setdefault(i, []).append("（待复核，未采用）" + text)
            log.add(
                f"{rec[KEY]} 的人工认定作出后计算结果已变化"
                f"（认定时：{rec.get(SNAPSHOT)}；本次：{_snapshot(status, note)}），未采用，请复核",
                row=int(rec["行号"]), field=SNAPSHOT, value=rec[KEY],
                action="复核后重新认定（landgov override --far 刷新认定表）或撤回",
                severity=Severity.WARNING,
            )  # fmt: skip
            continue
        counts["applied"] += 1
        verdicts = {v.rule_id.removeprefix("zengrong."): v for v in out.at[i, "verdicts"] or ()}
        decided = _decided_verdict(verdicts.get(cond), rec, text)
        verdicts[cond] = decided
        out.at[i, "verdicts"] = tuple(verdicts[c] for c in CONDITIONS if c in verdicts)
        out.at[i, cond] = decided.status.value
        out.at[i, f"{cond}_note"] = f"{text}（计算：{'' if is_missing(note) else note}）"
        _keep_computed(out, i, cond, status, note)
        if out.at[i, "override_status"] != "待复核":
            out.at[i, "override_status"] = "已采用"
        touched.setdefault(i, []).append(text)
        by.setdefault(i, []).append(decided_by(rec))
        _recompose(out, i, verdicts)
    for i, texts in touched.items():
        out.at[i, "override"] = "\n".join(texts)
    for i, names in by.items():
        out.at[i, "override_by"] = "；".join(dict.fromkeys(names))
    return out, log.frame(), counts


def _keep_computed(out: pd.DataFrame, i: Any, cond: str, status: object, note: object) -> None:
    """Row ``i``'s computed status and note of ``cond`` into :func:`computed_columns` (the
    columns are added, empty, the first time a decision on ``cond`` is applied)."""
    for name, value in zip(computed_columns(cond), (status, note), strict=True):
        if name not in out.columns:
            out[name] = pd.Series(None, index=out.index, dtype="object")
        out.at[i, name] = None if is_missing(value) else value


def _recompose(out: pd.DataFrame, i: Any, verdicts: Mapping[str, Verdict]) -> None:
    """The overall outcome of row ``i`` from its (decided) condition verdicts."""
    status, reason = overall(verdicts)
    decided = [CONDITION_LABELS[k] for k, v in verdicts.items() if v.reason.startswith("人工认定")]
    if decided:
        reason += f"（其中人工认定：{'、'.join(decided)}）"
    meeting = meeting_items(verdicts) if status is not Eligibility.INELIGIBLE else []
    missing = missing_items(verdicts)  # as the computed row words them
    out.at[i, "zengrong"] = status.value
    out.at[i, "zengrong_reason"] = reason
    out.at[i, "missing"] = "、".join(missing)
    out.at[i, "meeting_review"] = "、".join(meeting)
    if "candidate" in out.columns:
        out.at[i, "candidate"] = status is not Eligibility.INELIGIBLE


def condition_summary(
    path: str | Path, overrides: ConditionOverrides, counts: Mapping[str, int], *, unknown: int
) -> dict[str, Any]:
    """The ``overrides`` entry of the ``far`` manifest: file, checksum, rows by outcome."""
    return {
        "path": str(Path(path)),
        "sha256": file_sha256(Path(path)),
        "applied": int(counts.get("applied", 0)),
        "stale": int(counts.get("stale", 0)),
        "rejected": int(overrides.rejected) + int(unknown),
        "withdrawn": int(overrides.withdrawn),
    }


def problems_frame(*frames: pd.DataFrame) -> pd.DataFrame:
    """The problem frames joined in the problems layout."""
    parts = [f for f in frames if f is not None and len(f)]
    if not parts:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    return pd.concat(parts, ignore_index=True)[PROBLEM_COLUMNS]
