"""Recorded overrides (人工认定): a person sets a plot's 筛查结论 or 治理路径, with a record.

:func:`write_overrides` writes (or refreshes) the overrides workbook of a screening run: one row
per plot on the 治理清单 or 待核实, the computed 筛查结论 and 治理路径 locked, and columns to fill
in: 认定筛查结论, 认定路径, 理由, 认定人, 认定日期, 文件依据, 撤回 (an editable sheet of
:mod:`landgov.core.editable`). 「认定时计算结果」 records what landgov had computed when the row
was decided; a refresh from a newer run keeps every decided row with that snapshot.

:func:`apply_overrides` (``landgov screen --overrides FILE``) applies each complete, not
withdrawn override: ``screening_status`` / ``path`` become the decided values; the computed ones
stay in ``screening_status_computed`` / ``path_computed``, and ``override`` says who decided
what, why and on which document (「人工认定：…」, also in the reasons). An override whose
computed result has changed since it was decided (the facts changed) is **not** applied:
``override_status`` 「待复核」 and a problem row ask for a review. An incomplete override (no
理由, 认定人, 认定日期 or 文件依据) is a problem row and not applied; one for a plot no longer in
the run is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from landgov.core.decided import decided_text
from landgov.core.editable import (
    RUN_DATE,
    EditedSheet,
    Field,
    FieldKind,
    Layout,
    add_editable_sheet,
    no_common_keys,
    other_run,
    read_editable,
    save_workbook,
)
from landgov.core.missing import format_number, is_missing
from landgov.core.problems import PROBLEM_COLUMNS, ProblemLog, Severity
from landgov.errors import InputError
from landgov.policy import Profile
from landgov.screening.paths import TreatmentPath

__all__ = [
    "DECISION_FIELDS",
    "LAYOUT",
    "Overrides",
    "apply_overrides",
    "decided_by",
    "moved_blocks",
    "override_summary",
    "read_overrides",
    "review_block_paths",
    "write_overrides",
]

KEY = "宗地代码"
STATUS, PATH = "认定筛查结论", "认定路径"
WHY, WHO, WHEN, DOC, WITHDRAWN = "理由", "认定人", "认定日期", "文件依据", "撤回"
SNAPSHOT = "认定时计算结果"
STATUSES = ("治理", "不列入")
PATHS = tuple(p.value for p in TreatmentPath)
SOURCE = "人工认定表"
#: What every 人工认定 row records besides the decision itself (paths, statuses, 增容 conditions).
DECISION_FIELDS = (
    Field(WHY, editable=True, width=30, hint="填写认定理由"),
    Field(WHO, editable=True, width=10, hint="填写认定人"),
    Field(WHEN, kind=FieldKind.DATE, editable=True, width=12),
    Field(DOC, editable=True, width=24, hint="填写文件依据，如会议纪要文号"),
    Field(WITHDRAWN, kind=FieldKind.CHOICE, editable=True, choices=("是", "否"), width=8),
)

LAYOUT = Layout(
    kind="人工认定",
    version=1,
    sheet="人工认定",
    key=KEY,
    code_key=True,
    fields=(
        Field(KEY, width=22),
        Field("镇街", width=10),
        Field("权利人", width=24),
        Field("计算筛查结论", width=10),
        Field("计算路径", width=10),
        Field("计算路径状态", width=10),
        Field("计算理由", width=50),
        Field(SNAPSHOT, width=30),
        Field(STATUS, kind=FieldKind.CHOICE, editable=True, choices=STATUSES, width=12),
        Field(PATH, kind=FieldKind.CHOICE, editable=True, choices=PATHS, width=12),
        *DECISION_FIELDS,
    ),
)


def _snapshot(row: Mapping[str, Any]) -> str:
    """What landgov computed for a plot, as compared across runs: 结论｜路径｜问题."""
    parts = [row.get("screening_status"), row.get("path"), row.get("flags")]
    return "｜".join("" if is_missing(p) else str(p) for p in parts)


def _decided(rec: Mapping[str, Any]) -> bool:
    return any(not is_missing(rec.get(name)) for name in (STATUS, PATH))


def write_overrides(run_dir: str | Path, path: str | Path) -> Path:
    """Write the overrides workbook of a run; an existing one at ``path`` is refreshed.

    Refreshing keeps every row someone filled in (with its snapshot, so a change of facts shows)
    and adds the run's new plots; a decided row whose plot is no longer listed is kept too.
    """
    from landgov.run.results import read_screening

    run = read_screening(run_dir)
    p = _computed(run.parcels)
    listed = p[(p["screening_status"] != "不列入") | p["parcel_id"].isin(_kept(path))]
    rows = pd.DataFrame(
        {
            KEY: listed["parcel_id"].astype(str),
            "镇街": listed.get("township"),
            "权利人": listed.get("holder"),
            "计算筛查结论": listed["screening_status"],
            "计算路径": listed.get("path"),
            "计算路径状态": listed.get("path_status"),
            "计算理由": listed.get("reasons"),
            SNAPSHOT: [_snapshot(r) for r in listed.to_dict("records")],
        }
    ).set_index(KEY, drop=False)
    flags: dict[str, dict[str, str]] = {}
    target = Path(path)
    if target.exists():
        old = read_editable(target, LAYOUT).rows
        for key, rec in old.iterrows():
            if not _decided(rec):
                continue
            if key not in rows.index:  # the plot left the run: keep the decision, say so
                rows.loc[key, KEY] = key
                rows.loc[key, "计算筛查结论"] = "（本次运行中无此宗地）"
            for name in (SNAPSHOT, *LAYOUT.editable):
                rows.loc[key, name] = rec.get(name)
            if rows.loc[key, SNAPSHOT] != _snapshot(_current(p, key)):
                flags[str(key)] = {SNAPSHOT: "认定后计算结果已变化，请复核该认定"}
    wb = Workbook()
    wb.remove(wb.active)
    # its 基准日 is checked when it comes back (read_overrides), as the 核实表's
    about = run.written_for()
    add_editable_sheet(wb, rows.reset_index(drop=True), LAYOUT, flags=flags, about=about)
    return save_workbook(wb, target)


def _computed(parcels: pd.DataFrame) -> pd.DataFrame:
    """The parcels as landgov computed them, also from a run that applied overrides."""
    if "screening_status_computed" not in parcels.columns:
        return parcels
    return parcels.assign(
        screening_status=parcels["screening_status_computed"], path=parcels["path_computed"]
    )


def _kept(path: str | Path) -> list[str]:
    target = Path(path)
    if not target.exists():
        return []
    old = read_editable(target, LAYOUT).rows
    return [str(k) for k, rec in old.iterrows() if _decided(rec)]


def _current(parcels: pd.DataFrame, key: str) -> dict[str, Any]:
    hit = parcels[parcels["parcel_id"].astype(str) == str(key)]
    return {} if hit.empty else hit.iloc[0].to_dict()


@dataclass(frozen=True)
class Overrides:
    """The decided rows of an overrides workbook, and its problems.

    ``withdrawn`` and ``rejected`` count the decided rows withdrawn and those not usable;
    ``plots`` are the plots of every row of the form (decided or not), ``source`` its path.
    """

    rows: pd.DataFrame
    problems: pd.DataFrame
    withdrawn: int = 0
    rejected: int = 0
    plots: frozenset[str] = frozenset()
    source: str = ""


def read_overrides(path: str | Path, *, as_of: dt.date | None = None) -> Overrides:
    """Read an overrides workbook: rows with a decision, incomplete ones reported.

    ``as_of``: the 基准日 of the run the decisions are for. A workbook written for a run of
    another year's 基准日 (last year's 人工认定表: decisions on last year's figures) is refused;
    one of the same year, or one that records no 基准日 (an older landgov wrote it), is read
    with a warning (:func:`landgov.core.editable.other_run`). ``None``: not checked.

    Raises
    ------
    InputError
        The workbook cannot be read (:func:`~landgov.core.editable.read_editable`) or was
        written for a run of another year.
    """
    sheet = read_editable(path, LAYOUT, refuse_conflicts=True)
    log = ProblemLog(f"{SOURCE}（{Path(path).name}）")
    _refuse_other_run(path, sheet, as_of, log)
    log.extend(sheet.problems)
    keep, withdrawn, rejected = [], 0, len(sheet.conflicts)  # conflicts: said, not used
    for key, rec in sheet.rows.iterrows():
        if not _decided(rec):
            continue
        if rec.get(WITHDRAWN) == "是":
            withdrawn += 1
            continue
        if any(sheet.flagged(str(key), n) for n in (STATUS, PATH, WHEN, WITHDRAWN)):
            rejected += 1
            continue  # reported by read_editable
        lacking = sheet.unknown(key, (WHY, WHO, WHEN, DOC))  # a formula without result too
        if lacking:
            log.add(
                f"人工认定缺少{'、'.join(lacking)}，未采用",
                row=int(rec["行号"]), field="、".join(lacking), value=key,
                action="补填理由、认定人、认定日期和文件依据后重新运行", severity=Severity.ERROR,
            )  # fmt: skip
            rejected += 1
            continue
        keep.append({**rec.to_dict(), KEY: str(key)})
    rows = pd.DataFrame(keep, columns=[KEY, "行号", *(f.name for f in LAYOUT.fields[1:])])
    plots = frozenset(str(k) for k in sheet.rows.index)
    return Overrides(rows, log.frame(), withdrawn, rejected, plots, str(Path(path)))


def _refuse_other_run(
    path: str | Path, sheet: EditedSheet, as_of: dt.date | None, log: ProblemLog
) -> None:
    """Refuse a 人工认定表 written for a run of another year's 基准日, as the 核实表 is: its
    decisions were taken on that year's figures, and those whose computed result happened to
    be the same this year were applied unsaid. ``as_of`` ``None``: not checked."""
    if as_of is None:
        return
    name = Path(path).name
    issue = other_run(
        path, sheet.meta, RUN_DATE, as_of, what=SOURCE, log=log,
        action=f"本次运行的人工认定表用 landgov override 本次筛查结果文件夹 -o {name} 刷新"
        "（已填写的认定保留，认定后计算结果有变化的标记待复核），核对后再用 --overrides 计入",
    )  # fmt: skip
    if issue is not None:
        raise InputError([issue])


def _text(rec: Mapping[str, Any], before: Mapping[str, Any]) -> str:
    changes = []
    if not is_missing(rec.get(STATUS)):
        changes.append(f"筛查结论 {before.get('screening_status') or '—'}→{rec[STATUS]}")
    if not is_missing(rec.get(PATH)):
        changes.append(f"治理路径 {before.get('path') or '—'}→{rec[PATH]}")
    day = rec[WHEN].isoformat() if isinstance(rec[WHEN], dt.date) else str(rec[WHEN])
    return (
        f"人工认定：{'，'.join(changes)}；理由：{rec[WHY]}；认定人：{rec[WHO]}（{day}）；"
        f"文件依据：{rec[DOC]}"
    )


def _refuse_foreign(overrides: Overrides, plots: Mapping[str, Any]) -> None:
    """Refuse a form none of whose plots is in the run (another county's or project's form):
    its every decision was a warning 「已不在本次宗地图层中」, none applied, nothing said."""
    issue = no_common_keys(
        overrides.source or SOURCE, overrides.plots, plots, what="人工认定表", field=KEY,
        action="请给出用 landgov override 从本次运行（同一宗地图层）写出的人工认定表",
    )  # fmt: skip
    if issue is not None:
        raise InputError([issue])


def apply_overrides(
    parcels: pd.DataFrame, overrides: Overrides
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 底数清单 with the overrides applied, and the problem rows (see the module docstring).

    Adds ``screening_status_computed``, ``path_computed``, ``override``,
    ``override_status`` (已采用 / 待复核 / empty) and ``override_by`` (who decided and when,
    :func:`decided_by`, on the plots decided).
    """
    out = parcels.copy()
    out["screening_status_computed"] = out["screening_status"]
    out["path_computed"] = out.get("path")
    out["override"] = pd.Series(None, index=out.index, dtype="object")
    out["override_status"] = pd.Series(None, index=out.index, dtype="object")
    out["override_by"] = pd.Series(None, index=out.index, dtype="object")
    log = ProblemLog(SOURCE)
    index = {str(p): i for i, p in zip(out.index, out["parcel_id"], strict=True)}
    _refuse_foreign(overrides, index)
    for rec in overrides.rows.to_dict("records"):
        key = str(rec[KEY])
        if key not in index:
            log.add(
                f"人工认定的宗地 {key} 已不在本次宗地图层中，未采用",
                row=int(rec["行号"]), field=KEY, value=key,
                action="核对该宗地是否已注销、分割或改号，撤回或改写该认定",
                severity=Severity.WARNING,
            )  # fmt: skip
            continue
        i = index[key]
        before = out.loc[i].to_dict()
        text = _text(rec, before)
        if str(rec.get(SNAPSHOT) or "") != _snapshot(before):
            out.loc[i, "override_status"] = "待复核"
            out.loc[i, "override"] = "（待复核，未采用）" + text
            log.add(
                f"宗地 {key} 的人工认定作出后计算结果已变化"
                f"（认定时：{rec.get(SNAPSHOT)}；本次：{_snapshot(before)}），未采用，请复核",
                row=int(rec["行号"]), field=SNAPSHOT, value=key,
                action="复核后重新认定（landgov override 刷新认定表）或撤回",
                severity=Severity.WARNING,
            )  # fmt: skip
            continue
        if not is_missing(rec.get(STATUS)):
            out.loc[i, "screening_status"] = rec[STATUS]
        if not is_missing(rec.get(PATH)):
            out.loc[i, "path"] = rec[PATH]
        if out.loc[i, "screening_status"] != "治理":
            out.loc[i, "path"] = None
        out.loc[i, "override_status"] = "已采用"
        out.loc[i, "override"] = text
        out.loc[i, "override_by"] = decided_by(rec)
        reasons = out.loc[i, "reasons"] if "reasons" in out.columns else None
        out.loc[i, "reasons"] = "\n".join(
            t for t in (text, None if is_missing(reasons) else str(reasons)) if t
        )
    problems = pd.concat([overrides.problems, log.frame()], ignore_index=True)
    return out, problems[PROBLEM_COLUMNS]


def override_summary(
    path: str | Path, overrides: Overrides, parcels: pd.DataFrame
) -> dict[str, Any]:
    """The ``overrides`` entry of the ``screen`` manifest: file, checksum, rows by outcome.

    ``applied`` and ``stale`` (待复核) count the plots so marked in ``parcels`` (the result of
    :func:`apply_overrides`); ``rejected`` the decided rows not usable (incomplete, bad values)
    and those for a plot not in the run; ``withdrawn`` the rows marked 撤回.
    """
    from landgov.core.runfolder import file_sha256

    known = set(parcels["parcel_id"].astype(str))
    gone = int((~overrides.rows[KEY].astype(str).isin(known)).sum())
    status = parcels["override_status"]
    return {
        "path": str(Path(path)),
        "sha256": file_sha256(Path(path)),
        "applied": int(status.eq("已采用").sum()),
        "stale": int(status.eq("待复核").sum()),
        "rejected": int(overrides.rejected) + gone,
        "withdrawn": int(overrides.withdrawn),
    }


def decided_by(rec: Mapping[str, Any]) -> str:
    """Who decided and when, as shown beside a decided verdict: 「张三 2026-07-10」."""
    day = rec[WHEN].isoformat() if isinstance(rec[WHEN], dt.date) else str(rec[WHEN])
    return f"{rec[WHO]} {day}"


def review_block_paths(
    parcels: pd.DataFrame,
    *,
    before: pd.DataFrame,
    checks: pd.DataFrame,
    profile: Profile,
    roads: Any = None,
    render: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 底数清单 after the 连片 blocks were formed again around 人工认定 paths, with every
    other 治理 plot's path text made to agree with the blocks as they are now.

    The rule table is asked what each plot not decided by a person would be with the blocks as
    they stand (:func:`landgov.screening._paths_blocks.recheck_paths`). Where it is the listed
    path, the path's reasons, citations and missing inputs are rewritten (they name the block
    and its area as the outputs show them). Where it is not (a plot 拆除重建 because its block was
    100 亩 and more whose block is now smaller, or a plot next to a block that is now large), the
    path is **kept** (paths are not decided again: that would move blocks again) and flagged:
    ``path_status`` 待核实, the reasons start with 「待复核：」 naming the 人工认定 that changed the
    block, the block then and now and the path the rules now give, and a problem row asks for a
    review (decide the plot's path in the overrides workbook, or change the decision).

    Parameters
    ----------
    parcels
        The 底数清单 with the overrides applied (:func:`apply_overrides`) and the blocks formed
        again (:func:`landgov.screening.blocks.regroup_blocks`).
    before
        ``block_id`` and ``block_area_mu`` per plot before the blocks were formed again.
    checks
        The screening verdicts (same index).
    profile
        ``paths.rules`` and ``blocks.*``.
    roads
        Planned road polygons (:func:`landgov.screening.blocks.road_polygons`).
    render
        Applied to the rewritten text columns as to the run's own (missing inputs in Chinese,
        核实 lines); ``None``: as they are.

    Returns
    -------
    parcels, problems
        A copy of ``parcels`` and one problem row per path flagged for review.
    """
    from landgov.screening._paths_blocks import recheck_paths

    out = parcels.copy()
    log = ProblemLog(SOURCE)
    governed = out["screening_status"].eq("治理").to_numpy()
    gov = out[governed]
    fixed = gov["override_status"].eq("已采用")
    rows = recheck_paths(gov, checks=checks.loc[gov.index], profile=profile, fixed=fixed,
                         roads=roads)  # fmt: skip
    if not len(rows):
        return out, log.frame()
    seen = rows[["block_seen", "block_seen_mu"]]
    rows = rows.drop(columns=["verdict", "block_seen", "block_seen_mu"])
    if render is not None:
        rows = render(rows.assign(parcel_id=gov.loc[rows.index, "parcel_id"]))
    texts = ["path_rule", "path_status", "reasons", "citations", "missing"]
    same = rows["path"].eq(gov.loc[rows.index, "path"])
    kept = rows.index[same.to_numpy()]
    out.loc[kept, texts] = rows.loc[kept, texts].to_numpy()
    changers = _block_changers(out, before, profile)
    for i in rows.index[~same.to_numpy()]:
        line = _review_line(out.loc[i], rows.loc[i], seen.loc[i], before.loc[i], changers)
        out.loc[i, "path_status"] = "待核实"
        out.loc[i, "reasons"] = f"{line}\n按现连片地块的判定：{rows.loc[i, 'reasons']}"
        out.loc[i, "citations"] = rows.loc[i, "citations"]
        out.loc[i, "missing"] = rows.loc[i, "missing"]
        log.add(
            f"宗地 {out.loc[i, 'parcel_id']} 的治理路径待复核：{line.removeprefix('待复核：')}",
            field="path", value=out.loc[i, "parcel_id"],
            action="复核该宗地的治理路径：在人工认定表中认定其路径，或调整改变连片地块的认定",
            severity=Severity.WARNING,
        )  # fmt: skip
    return out, log.frame()


@dataclass(frozen=True)
class _Changer:
    """An applied 人工认定 that moved a plot into or out of the block-forming paths."""

    text: str
    blocks: frozenset[str]


def moved_blocks(parcels: pd.DataFrame, profile: Profile) -> pd.Series:
    """Per plot: whether an applied 人工认定 moved it into or out of the paths that form 连片
    blocks (``blocks.paths``; 治理 plots only), so that the blocks must be formed again."""
    members = {str(p) for p in profile.value("blocks.paths")}
    applied = parcels["override_status"].eq("已采用")
    was = parcels["screening_status_computed"].eq("治理") & parcels["path_computed"].isin(members)
    now = parcels["screening_status"].eq("治理") & parcels["path"].isin(members)
    return (applied & (was != now)).rename("moved_blocks")


def _block_changers(
    parcels: pd.DataFrame, before: pd.DataFrame, profile: Profile
) -> list[_Changer]:
    out = []
    for i in parcels.index[moved_blocks(parcels, profile).to_numpy()]:
        row = parcels.loc[i]
        by = "" if is_missing(row.get("override_by")) else str(row["override_by"])
        change = decided_text(row.get("path_computed"), row.get("path"), by=by)
        ids = {before.at[i, "block_id"], row.get("block_id")}
        out.append(
            _Changer(
                f"宗地 {row['parcel_id']} 治理路径 {change}",
                frozenset(str(b) for b in ids if not is_missing(b)),
            )
        )
    return out


def _review_line(
    row: pd.Series, now: pd.Series, seen: pd.Series, then: pd.Series, changers: list[_Changer]
) -> str:
    """「待复核：人工认定（…）改变了连片地块：…；按现连片地块判定为「…」…」."""
    near = seen.get("block_seen")
    ids = {then.get("block_id"), row.get("block_id")}
    ids |= set() if is_missing(near) else set(str(near).split("、"))
    mine = {str(b) for b in ids if not is_missing(b) and str(b)}
    named = [c.text for c in changers if c.blocks & mine] or [c.text for c in changers]
    if is_missing(then.get("block_id")):
        was = "判定时不属连片地块"
    else:
        was = f"判定时所在连片地块 {then['block_id']} {format_number(then['block_area_mu'])} 亩"
    if not is_missing(row.get("block_id")):
        is_now = f"现所在连片地块 {row['block_id']} {format_number(row['block_area_mu'])} 亩"
    elif not is_missing(seen.get("block_seen")):
        is_now = (
            f"现与相邻连片地块 {seen['block_seen']} 合计 {format_number(seen['block_seen_mu'])} 亩"
        )
    else:
        is_now = "现不属连片地块"
    return (
        f"待复核：人工认定（{'；'.join(named)}）改变了连片地块，{was}，{is_now}；"
        f"按现连片地块判定为「{now['path']}」（规则 {now['path_rule']}），"
        f"与所列「{row['path']}」（规则 {row['path_rule']}）不同，路径暂不改变，请复核"
    )
