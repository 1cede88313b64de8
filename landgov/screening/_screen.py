"""The whole screening: every check, the 底数清单, the 治理清单, 连片 blocks and paths."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.distinct import each_distinct
from landgov.core.landuse import LandUseReading, industrial_matcher
from landgov.core.listing import allowed
from landgov.core.missing import is_missing
from landgov.core.problems import ProblemLog, Severity
from landgov.core.records import unmatched_records
from landgov.core.vocab import ScreeningStatus
from landgov.errors import InputError, Issue
from landgov.policy import Profile
from landgov.screening._checks_firms import (
    check_catalogue,
    check_low_efficiency,
    check_two_high,
    check_violations,
)
from landgov.screening._checks_land import check_idle, check_under_used
from landgov.screening._checks_overlay import check_control_line, check_demolition, check_planning
from landgov.screening._common import (
    CHECK_LABELS,
    Check,
    _area_mu,
    _as_timestamp,
    _col,
    _Firms,
    _usccs_by_parcel,
    shared_lookups,
)
from landgov.screening._paths_blocks import PathsAndBlocks, paths_and_blocks
from landgov.screening.blocks import road_polygons
from landgov.screening.paths import CHECK_NAMES, PATH_COLUMNS, rule_table
from landgov.verdict import Citation, Status

# --------------------------------------------------------------------------------------------
# the whole screening


@dataclass(frozen=True)
class ScreeningResult:
    """What :func:`screen` returns.

    Attributes
    ----------
    parcels
        The 底数清单: every input parcel exactly once, input index and columns kept, plus
        ``low_efficiency`` (boolean, NA when 待核实), ``idle_years``, ``outside_focus``
        (规下 using less than 3 亩: judged, but not the screening focus [001 三(二)1]; NA when
        unknown), ``two_high_review`` (a “两高”/用能项目 to assess one by one [001 三(二)2]),
        ``flags`` (labels of the
        failed checks, "；"-joined), ``to_verify`` (missing inputs), ``screening_status``
        (治理/不列入/待核实), ``block_id``, ``block_large``, ``block_area_mu`` (a 治理 plot in
        no block: ``<NA>``, ``False``, NaN) and, for 治理 plots, the path columns of
        :func:`landgov.screening.paths.assign_paths`; the other plots have ``reasons`` and
        ``citations`` too (the checks that left them 待核实, or that each passed for 不列入).
    checks
        One :class:`Verdict` per parcel and check (columns = :class:`Check` values), plus
        ``path`` (the path decision, None off the 治理清单). Same index as ``parcels``.
    governance
        The 治理清单: the parcels with ``screening_status`` 治理.
    blocks
        连片 blocks of the 治理 plots whose path frees or rebuilds land (``blocks.paths``;
        :mod:`landgov.screening._paths_blocks`).
    problems
        Problems table (:data:`landgov.core.problems.PROBLEM_COLUMNS`): what could not be used.
    """

    parcels: gpd.GeoDataFrame
    checks: pd.DataFrame
    governance: gpd.GeoDataFrame
    blocks: gpd.GeoDataFrame
    problems: pd.DataFrame


def _run_checks(
    parcels: gpd.GeoDataFrame,
    *,
    enterprises: pd.DataFrame,
    pairs: pd.DataFrame | None,
    compliance: pd.DataFrame | None,
    planning: gpd.GeoDataFrame | None,
    demolition: gpd.GeoDataFrame | None,
    profile: Profile,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    ent = {"enterprises": enterprises, "pairs": pairs, "profile": profile}
    runs: dict[Check, Callable[[], pd.Series]] = {
        Check.LOW_EFFICIENCY: lambda: check_low_efficiency(parcels, **ent),
        Check.VIOLATION: lambda: check_violations(
            parcels, compliance=compliance, pairs=pairs, profile=profile, as_of=as_of
        ),
        Check.TWO_HIGH: lambda: check_two_high(parcels, **ent),
        Check.IDLE: lambda: check_idle(parcels, profile=profile, as_of=as_of),
        Check.UNDER_USED: lambda: check_under_used(
            parcels, enterprises=enterprises, profile=profile
        ),
        Check.PLANNING: lambda: check_planning(parcels, planning=planning, profile=profile),
        Check.CONTROL_LINE: lambda: check_control_line(parcels, planning=planning, profile=profile),
        Check.DEMOLITION: lambda: check_demolition(
            parcels, demolition=demolition, profile=profile, as_of=as_of.date()
        ),
        Check.CATALOGUE: lambda: check_catalogue(parcels, **ent, as_of=as_of),
    }
    return pd.DataFrame({c.value: run() for c, run in runs.items()}, index=parcels.index)


def _status_of(checks: pd.DataFrame, triggers: Sequence[str]) -> pd.Series:
    failed = np.zeros(len(checks), dtype=bool)
    unknown = np.zeros(len(checks), dtype=bool)
    fail, unsure = Status.FAIL, Status.UNKNOWN  # looked up once, not per plot
    for t in triggers:
        statuses = [v.status for v in checks[t].tolist()]
        failed |= np.fromiter((s is fail for s in statuses), bool, len(statuses))
        unknown |= np.fromiter((s is unsure for s in statuses), bool, len(statuses))
    out = np.where(
        failed,
        ScreeningStatus.GOVERN.value,
        np.where(unknown, ScreeningStatus.UNKNOWN.value, ScreeningStatus.EXCLUDED.value),
    )
    return pd.Series(out, index=checks.index, name="screening_status", dtype="object")


#: The to-collect item of a plot off the 治理清单 only by the example entry list (core.collect).
ENTRY_LIST_STANDARD = "本地认定标准 standard_governance_triggers（）"


def _held_by_example_list(status: pd.Series, flags: pd.Series) -> np.ndarray:
    """The 不列入 plots that fail a check all the same (``flags``, the labels of every check a
    plot failed, :func:`_summary_columns`): a 不列入 plot failed no trigger check, so what it
    failed is a check the entry list leaves out.

    With the list 示例规则（非官方） (``screening.governance_triggers``), such a plot is off the
    治理清单 by that example alone, which never makes a pass on its own: it is 待核实.
    """
    excluded = status.to_numpy() == ScreeningStatus.EXCLUDED.value
    return excluded & (flags.to_numpy(dtype=object) != "")


def _summary_columns(checks: pd.DataFrame, triggers: Sequence[str]) -> pd.DataFrame:
    names = list(checks.columns)
    labels = [CHECK_LABELS[Check(c)] for c in names]
    columns = [checks[c].tolist() for c in names]
    # per plot: the labels of the failed checks and the trigger checks' missing inputs, from
    # one pass over each column (most plots fail nothing and miss nothing)
    failed: list[list[str]] = [[] for _ in range(len(checks))]
    fail = Status.FAIL  # looked up once, not per plot and check
    for label, column in zip(labels, columns, strict=True):
        for i, v in enumerate(column):
            if v.status is fail:
                failed[i].append(label)
    wanted = [col for c, col in zip(names, columns, strict=True) if c in triggers]
    lacking: list[list[str]] = [[] for _ in range(len(checks))]
    for column in wanted:
        for i, v in enumerate(column):
            if v.missing:
                lacking[i].extend(v.missing)

    low = checks[Check.LOW_EFFICIENCY.value].map(
        lambda v: pd.NA if v.status is Status.UNKNOWN else v.status is Status.FAIL
    )
    idle = checks[Check.IDLE.value].map(lambda v: v.values.get("idle_years", pd.NA))
    focus = checks[Check.LOW_EFFICIENCY.value].map(lambda v: v.values.get("in_focus"))
    review = checks[Check.TWO_HIGH.value].map(lambda v: v.values.get("needs_assessment", False))
    return pd.DataFrame(
        {
            "low_efficiency": low.astype("boolean"),
            "idle_years": idle.astype("Int64"),
            "outside_focus": focus.map({True: False, False: True}).astype("boolean"),
            "two_high_review": review.astype("boolean"),
            "flags": pd.Series(["；".join(f) for f in failed], index=checks.index, dtype="object"),
            "to_verify": pd.Series(
                ["、".join(dict.fromkeys(m)) for m in lacking], index=checks.index, dtype="object"
            ),
        },
        index=checks.index,
    )


def _check_inputs(parcels: Any, profile: Profile) -> None:
    issues = []
    if not isinstance(parcels, gpd.GeoDataFrame):
        issues.append(
            Issue(
                "parcels",
                None,
                type(parcels).__name__,
                "需要宗地图层 GeoDataFrame",
                "用 landgov.io.read_parcels 读入",
            )
        )
    elif not parcels.index.is_unique:
        dup = parcels.index[parcels.index.duplicated()][:5].tolist()
        issues.append(
            Issue("parcels", "index", dup, "宗地索引重复", "先 reset_index()，保证每宗地一行")
        )
    elif parcels.crs is not None and not parcels.crs.is_projected:
        issues.append(
            Issue(
                "parcels",
                "crs",
                parcels.crs.to_string(),
                "坐标系不是投影坐标（米）",
                "转换为 CGCS2000 高斯-克吕格投影，如 EPSG:4549",
            )
        )
    triggers = profile.value("screening.governance_triggers")
    bad = [t for t in triggers if t not in CHECK_NAMES]
    if bad:
        issues.append(
            Issue(
                profile.name,
                "screening.governance_triggers",
                bad,
                "未知的检查",
                allowed(CHECK_NAMES, bad[0]),
            )
        )
    if issues:
        raise InputError(issues)


_ROWS_SHOWN = 20  # row numbers a message lists before 「等」


def _land_use_reads(
    parcels: pd.DataFrame, profile: Profile
) -> tuple[list[LandUseReading], list[Any]] | None:
    """Each plot's land use as the profile reads it (each distinct text once) and its row;
    ``None`` without a land-use column or plots."""
    if "land_use" not in parcels or not len(parcels):
        return None
    rows = (
        parcels["source_row"].tolist()
        if "source_row" in parcels
        else list(range(1, len(parcels) + 1))
    )
    return each_distinct(industrial_matcher(profile).read, parcels["land_use"]), rows


def _classified_uses(parcels: gpd.GeoDataFrame, profile: Profile, log: ProblemLog) -> None:
    """One row for the parcel file when plots have a land-use code two national classifications
    read differently (「0601」, 「1001」: ``landuse.industrial_codes_project``): how many, which
    rows, the classification each code was read under and the use the other gives. The plot's
    范围说明 says the same of it (:func:`landgov.reports.lists.scope_notes`), and no check
    passes on that reading alone (it is a project reading, :class:`LandUseReading`)."""
    got = _land_use_reads(parcels, profile)
    if got is None:
        return
    readings, rows = got
    found = [r.classified for r in readings]
    if not any(found):
        return
    at = [int(r) for r, c in zip(rows, found, strict=True) if c and not is_missing(r)]
    codes: dict[str, tuple[str, str, str, int]] = {}
    for read in found:
        for code, under, other, use in read:
            n = codes.get(code, (under, other, use, 0))[3]
            codes[code] = (under, other, use, n + 1)
    said = "；".join(
        f"「{code}」{n} 宗，按{under}读作工业用地，在{other}中为{use}"
        for code, (under, other, use, n) in codes.items()
    )
    shown = "、".join(map(str, at[:_ROWS_SHOWN])) + ("等" if len(at) > _ROWS_SHOWN else "")
    log.add(
        f"{sum(map(bool, found))} 宗地的土地用途是在两个国家用地分类中含义不同的代码（{said}）："
        f"按项目默认读作工业用地（{profile.citation('landuse.industrial_codes_project')}），"
        f"不能仅据此判为符合（待核实）；见各宗地的范围说明。行号：{shown}",
        field="土地用途",
        value="、".join(codes),
        action="核对登记所用的用地分类：是工业用地的，把土地用途改为「工业用地」或无歧义的代码"
        "（GB 50137 的 M1–M3、用地用海分类的 100101–100103）；不是的，改为实际用途后重新运行",
        severity=Severity.INFO,
        role="parcels",
    )


def _uses_not_industrial(parcels: gpd.GeoDataFrame, profile: Profile, log: ProblemLog) -> None:
    """One row for the parcel file per kind of land use that is not plainly 工业: uses the
    profile cannot read as industrial or not (警告: the plots' scope is 待核实) and uses read
    as not industrial (提示: screened all the same, 「底数清单收录全部宗地」, and said in each
    plot's 范围说明). Each names its texts with their counts and the rows, so that whoever reads
    问题记录 sees them without opening the list."""
    got = _land_use_reads(parcels, profile)
    if got is None:
        return
    readings, rows = got
    kinds = (
        (
            lambda r: r.industrial is None and r.why not in ("", "missing"),
            "土地用途无法判定是否为工业用地",
            "这些宗地的范围为待核实",
            "改为规范的用途名称或代码（如「工业用地」、GB/T 21010 的 0601），或在策略配置 "
            "landuse 中补充该写法后重新运行",
            Severity.WARNING,
        ),
        (
            lambda r: r.industrial is False,
            "土地用途不是工业用地",
            "照常列入底数清单并筛查，范围说明中注明",
            "核实用途：确为工业用地的改正土地用途后重新运行",
            Severity.INFO,
        ),
    )
    uses = parcels["land_use"].tolist()
    for hit, what, so, action, severity in kinds:
        texts: dict[str, list[int]] = {}
        for use, read, row in zip(uses, readings, rows, strict=True):
            if hit(read):
                texts.setdefault(str(use).strip(), []).append(row)
        if not texts:
            continue
        at = [int(r) for found in texts.values() for r in found if not is_missing(r)]
        shown = "、".join(map(str, sorted(at)[:_ROWS_SHOWN])) + (
            "等" if len(at) > _ROWS_SHOWN else ""
        )
        listed = "；".join(f"「{t}」{len(r)} 宗" for t, r in texts.items())
        log.add(
            f"{len(at)} 宗宗地的{what}（{listed}）：{so}。行号：{shown}",
            row=min(at) if at else None,
            field="土地用途",
            value="、".join(texts),
            action=action,
            severity=severity,
            role="parcels",
        )


def _problems(
    parcels: gpd.GeoDataFrame,
    enterprises: pd.DataFrame,
    pairs: pd.DataFrame | None,
    compliance: pd.DataFrame | None,
    profile: Profile,
) -> pd.DataFrame:
    log = ProblemLog("screening")
    _classified_uses(parcels, profile, log)
    _uses_not_industrial(parcels, profile, log)
    known = set(_Firms(enterprises).index)
    by_plot = _usccs_by_parcel(parcels, pairs)
    linked = {u for us in by_plot for u in us}
    for u in sorted(linked - known):
        log.add(
            "地企关联中的企业不在企业表中",
            field="uscc",
            value=u,
            action="补充该企业的亩均数据，相关检查为待核实",
            severity=Severity.WARNING,
            role="links",
        )
    frame = log.frame()
    if compliance is None:
        return frame
    pids = _col(parcels, "parcel_id").tolist()
    firms_on = {p: us for p, us in zip(pids, by_plot.tolist(), strict=True) if not is_missing(p)}
    told = unmatched_records(compliance, parcel_ids=pids, usccs=linked, firms_on=firms_on)
    if not len(told) or not len(frame):
        return told if len(told) else frame
    return pd.concat([frame, told], ignore_index=True)


def screen(
    parcels: gpd.GeoDataFrame,
    *,
    enterprises: pd.DataFrame,
    pairs: pd.DataFrame | None,
    compliance: pd.DataFrame | None = None,
    planning: gpd.GeoDataFrame | None = None,
    demolition: gpd.GeoDataFrame | None = None,
    profile: Profile,
    as_of: dt.date | str,
) -> ScreeningResult:
    """Screen every plot: the 底数清单, the 治理清单, 连片 blocks and 四个一批 paths.

    Steps: run every check (one verdict per plot and check); a plot whose trigger check
    (``screening.governance_triggers``) fails is 治理, else 待核实 when a trigger check lacked
    inputs, else 不列入; give each 治理 plot one path by the rule table ``paths.rules`` and
    group the plots whose path frees or rebuilds land into 连片 blocks (``blocks.*``; planned
    roads of the planning layer split blocks), paths and blocks decided together as
    :mod:`landgov.screening._paths_blocks` explains.

    Parameters
    ----------
    parcels
        Linked and graded parcels (design.md stages 2–3), projected CRS in metres.
    enterprises
        Enterprises (``uscc``, ``above_scale``, ``land_mu``, ``energy_tce``, ``built_year``,
        ``catalogue_class``, ``industry_code`` …).
    pairs
        Land–enterprise pairs (``parcel_id``, ``uscc``, ``relation``).
    compliance
        Violation records; ``None`` makes the violation check 待核实 everywhere.
    planning
        Planning polygons (``planned_use``, optional ``inside_control_line``); ``None`` makes the
        planning and control-line checks 待核实.
    demolition
        Demolition plan polygons (``plan_name``); ``None`` makes that check 待核实.
    profile
        Policy profile (sections ``screening``, ``paths``, ``blocks``).
    as_of
        Reference date for idle land and for which violation records count.

    Returns
    -------
    ScreeningResult
        The input is not modified.
    """
    _check_inputs(parcels, profile)
    rules = rule_table(profile)  # fail fast on a bad rule table, before any work
    when = _as_timestamp(as_of)
    entry = profile["screening.governance_triggers"]
    triggers = [str(t) for t in entry.value]
    with shared_lookups():  # one enterprise table and plot–enterprise list for every check
        checks = _run_checks(
            parcels,
            enterprises=enterprises,
            pairs=pairs,
            compliance=compliance,
            planning=planning,
            demolition=demolition,
            profile=profile,
            as_of=when,
        )
        problems = _problems(parcels, enterprises, pairs, compliance, profile)
    out, held = _inventory(parcels, checks, triggers, example_list=not entry.official)
    gov_mask = out["screening_status"] == ScreeningStatus.GOVERN.value
    decided_all = paths_and_blocks(
        out[gov_mask],
        checks=checks[gov_mask],
        profile=profile,
        rules=rules,
        roads=road_polygons(planning, profile=profile),
    )
    blocks = decided_all.blocks
    _add_block_columns(out, decided_all)
    paths = decided_all.paths
    for name in PATH_COLUMNS:
        out[name] = paths[name].reindex(out.index).astype("object")
    _status_reasons(
        out,
        checks,
        triggers,
        off_list=~gov_mask.to_numpy(),
        held=held,
        entry=profile.citation("screening.governance_triggers"),
    )
    decided = paths["verdict"].reindex(checks.index).astype("object")
    checks = checks.assign(path=decided.where(decided.notna(), None))
    return ScreeningResult(out, checks, out[gov_mask].copy(), blocks, problems)


#: The first line of the reasons of a plot off the 治理清单, by its 筛查结论.
_STATUS_HEADS = {
    ScreeningStatus.UNKNOWN.value: (
        "筛查结论「待核实」：下列治理条件因缺少数据或本地认定标准无法判定，补齐后重新运行"
    ),
    ScreeningStatus.EXCLUDED.value: "筛查结论「不列入」：各项治理条件均不成立",
}


def _status_reasons(
    out: pd.DataFrame,
    checks: pd.DataFrame,
    triggers: Sequence[str],
    *,
    off_list: np.ndarray,
    held: np.ndarray,
    entry: Citation,
) -> None:
    """``reasons`` and ``citations`` of the plots off the 治理清单 (``off_list``), which have
    no path to explain: a 待核实 plot names each trigger check that could not be decided (its
    reason, clause and what is missing), a 不列入 plot each trigger check it passed; either
    also names the other checks it failed (「问题：」, as a path's reasons do). A 治理 plot's
    reasons are its path's (:func:`landgov.screening.paths.assign_paths`)."""
    rows = np.flatnonzero(off_list)
    if not len(rows):
        return
    trigger_cols = [(CHECK_LABELS[Check(t)], checks[t].to_numpy()) for t in triggers]
    other_cols = [
        (CHECK_LABELS[Check(c)], checks[c].to_numpy()) for c in checks.columns if c not in triggers
    ]
    status = out["screening_status"].to_numpy()
    unsure, fail = Status.UNKNOWN, Status.FAIL  # looked up once, not per plot and check
    listed = "、".join(CHECK_LABELS[Check(t)] for t in triggers)
    entry_line = (
        f"列入条件：{listed}任一不符合的宗地列入治理清单，本宗地不符合的检查不在其中；"
        "该列入条件为示例规则（非官方），不能单独判定为不列入，请按本地认定标准确认是否列入治理清单"
    )
    reasons = out["reasons"].to_numpy(dtype=object, copy=True)
    citations = out["citations"].to_numpy(dtype=object, copy=True)
    for i in rows.tolist():
        head = _STATUS_HEADS.get(status[i])
        if head is None:
            continue
        excluded = status[i] == ScreeningStatus.EXCLUDED.value  # else 待核实
        shown = [
            (label, column[i])
            for label, column in trigger_cols
            if excluded or column[i].status is unsure
        ]
        shown += [(label, v) for label, column in other_cols if (v := column[i]).status is fail]
        lines = [head]
        lines += [
            f"· {'问题：' if v.status is fail else ''}{label}：{v.explain()}" for label, v in shown
        ]
        if held[i]:
            lines.append(f"· {entry_line} {entry}")
        reasons[i] = "\n".join(lines)
        cited = dict.fromkeys(str(v.citation) for _, v in shown if v.citation)
        if held[i]:
            cited[str(entry)] = None
        citations[i] = "；".join(cited) or None
    out["reasons"] = pd.Series(reasons, index=out.index, dtype="object")
    out["citations"] = pd.Series(citations, index=out.index, dtype="object")


def _inventory(
    parcels: gpd.GeoDataFrame,
    checks: pd.DataFrame,
    triggers: Sequence[str],
    *,
    example_list: bool,
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """The 底数清单 (a copy of the parcels with the screening columns added), and which of its
    plots are 待核实 only because the entry list is an example (:func:`_held_by_example_list`;
    none when ``example_list`` is false)."""
    out = parcels.copy()
    if "area_mu" not in out.columns:
        out["area_mu"] = _area_mu(parcels)
    for name, column in _summary_columns(checks, triggers).items():
        out[name] = column
    status = _status_of(checks, triggers)
    held = np.zeros(len(out), dtype=bool)
    if example_list:
        held = _held_by_example_list(status, out["flags"])
        status[held] = ScreeningStatus.UNKNOWN.value
        lacking = out["to_verify"].to_numpy(dtype=object, copy=True)
        for i in np.flatnonzero(held).tolist():
            lacking[i] = "、".join(filter(None, (lacking[i], ENTRY_LIST_STANDARD)))
        out["to_verify"] = pd.Series(lacking, index=out.index, dtype="object")
    out["screening_status"] = status
    return out, held


def _add_block_columns(out: gpd.GeoDataFrame, decided: PathsAndBlocks) -> None:
    """``block_id``, ``block_large``, ``block_area_mu``: ``<NA>`` off the 治理清单."""
    out["block_id"] = decided.block_id.reindex(out.index).astype("object")
    out["block_large"] = decided.block_large.reindex(out.index).astype("boolean")
    out["block_area_mu"] = decided.block_area_mu.reindex(out.index).astype("float64")
