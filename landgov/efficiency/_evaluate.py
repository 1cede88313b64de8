"""Grade enterprises (亩均效益综合评价) and give parcels the grade of their main enterprise."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from landgov.core.compare import measured
from landgov.core.missing import (
    complete_sums,
    is_missing,
    missing_cells,
    numeric_column,
    present_column,
)
from landgov.core.problems import PROBLEM_COLUMNS, ProblemLog, Severity
from landgov.core.vocab import scale_is_above
from landgov.efficiency._grading import assign_grades, grade_groups
from landgov.efficiency._indicators import (
    INDICATORS,
    INPUT_LABELS,
    LAND,
    _source_row,
    compute_indicators,
    reportable,
)
from landgov.efficiency._scoring import score_units
from landgov.efficiency._settings import (
    Grade,
    GradeSource,
    GradingSettings,
    Scale,
    ScoringSettings,
)
from landgov.link import TOTAL_COLUMNS, TenancyMode
from landgov.policy import Profile
from landgov.units import usable_area
from landgov.verdict import UNOFFICIAL

__all__ = [
    "OUT_OF_SCOPE",
    "GradeResult",
    "grade_enterprises",
    "out_of_scope_words",
    "parcel_grades",
    "parcel_out_of_scope",
]

#: The column (enterprises and parcels) saying why a firm is outside the 亩均 evaluation scope
#: [001 三(二)1; 002 三(二)1]: 「不参评：非制造业（…） [clause]」 or 「不参评：规下且用地不足 3 亩
#: [clause]」; ``None`` where it is in the scope or where that is not known (a missing code, scale
#: or land: no grade for lack of data, 待核实). A firm outside the scope is never graded, so it
#: is not of any grade; a firm without a grade for lack of data may be of any.
OUT_OF_SCOPE = "grade_out_of_scope"

_SUMMED = (*TOTAL_COLUMNS, "land_mu", "land_mu_declared")
#: :data:`landgov.far.industry.FOCUS_INDUSTRIES` (that package imports this one)
_FOCUS_INDUSTRIES = "screening.focus_industries"


@dataclass(frozen=True)
class GradeResult:
    """What :func:`grade_enterprises` returns.

    Attributes
    ----------
    data
        The enterprises (input index) plus the indicator columns, ``score_<indicator>`` (points),
        ``score``, ``score_items`` (text), ``evaluated``, ``evaluation_note``, ``grade_group``,
        ``grade_computed``, ``grade`` (the one used), ``grade_label``, ``grade_source`` and
        :data:`OUT_OF_SCOPE` (why a firm is outside the evaluation scope; ``None`` where it is
        inside or that is not known).
    problems
        The problems table.
    benchmarks
        One row per (scale, indicator): weight, benchmark used, mode, cap and source.
    scoring, grading
        The settings used.
    tenancy_mode
        How tenants were evaluated.
    """

    data: pd.DataFrame
    problems: pd.DataFrame
    benchmarks: pd.DataFrame
    scoring: ScoringSettings
    grading: GradingSettings
    tenancy_mode: TenancyMode


def grade_enterprises(enterprises: pd.DataFrame, *, profile: Profile) -> GradeResult:
    """Score and grade enterprises (A 优先支持 / B 提升发展 / C 整治提升 / D 淘汰倒逼).

    Steps: form evaluation units per ``linking.tenancy_mode`` (``merged``: a tenant is summed
    into its host's unit and shares its grade; ``follow_owner``: tenants are not ranked and take
    their host's grade; ``separate``: tenants are ranked as their own list); decide who is
    evaluated (制造业 firms only, by the screening focus's own reading
    :func:`landgov.far.industry.focus_industry` of ``screening.focus_industries``: a
    non-manufacturing firm is 不参评 with its code, a missing or unreadable code 不参评 as
    待核实; 规上 always; 规下 from ``screening.small_firm_min_land_mu`` 亩 of land up,
    the screening focus's own value, :func:`landgov.policy.below_scale_min_land`
    [001 三(二)1; 002 三(二)1]; land known); compute the indicators; score each unit with the
    indicator set of its scale (see :func:`landgov.efficiency.score_units`); grade within groups
    (``grading.*``). A grade from the 亩均 platform (``grade_given``) is kept as ``grade`` with
    ``grade_source = 平台``; the computed one stays beside it in ``grade_computed``.

    Parameters
    ----------
    enterprises
        Usually ``LinkResult.enterprises``: ``uscc``, ``above_scale`` (bool; else ``scale`` text
        规上/规下), ``land_mu`` (亩), the input totals, optional ``industry_code``,
        ``grade_given``, ``is_tenant``, ``host_uscc``, ``eval_unit``.
    profile
        ``scoring.*``, ``grading.*`` and ``linking.tenancy_mode``.

    Returns
    -------
    GradeResult
        Inputs are not modified; every enterprise appears in ``data``.
    """
    scoring = ScoringSettings.from_profile(profile)
    grading = GradingSettings.from_profile(profile)
    mode = TenancyMode(profile.value("linking.tenancy_mode"))
    log = ProblemLog("亩均评价")
    frame = _normalise(enterprises)
    if len(frame) and missing_cells(frame["industry_code"]).all():
        log.add(
            "企业表没有行业代码：无法判定是否属制造业，全部企业不参评（是否参评待核实）",
            field="industry_code",
            action="补充 GB/T 4754 行业代码（如 3311）及其版本（industry_edition）后重新运行",
            severity=Severity.WARNING,
            role="enterprises",
        )
    units, member_unit, gaps = _units(frame, mode, asked=reportable(frame, profile=profile))
    eligible, notes, scope = _eligibility(units, scoring, mode, profile=profile)
    asked = reportable(units, profile=profile)
    notes = notes + _partial_units(frame, member_unit, gaps, asked=asked, log=log)
    values = compute_indicators(
        units,
        log,
        land_column="land_mu",
        fallback=scoring.declared_land_fallback,
        scope=asked,
    )
    units = pd.concat([units, values], axis=1)
    table = score_units(units, eligible=eligible, settings=scoring, log=log)
    notes = notes + table.notes
    groups = grade_groups(
        units,
        scored=table.score.notna(),
        settings=grading,
        separate_tenants=mode is TenancyMode.SEPARATE,
    )
    unit_grades = assign_grades(table.score, groups=groups, settings=grading)
    per_unit = pd.concat(
        [values, table.points, table.score.rename("score"), table.evaluated.rename("evaluated")],
        axis=1,
    )
    per_unit["evaluation_note"] = notes
    per_unit[OUT_OF_SCOPE] = scope
    per_unit["grade_group"] = groups.where(table.score.notna())
    per_unit["grade_computed"] = unit_grades
    out = _to_members(frame, enterprises, per_unit, member_unit)
    if mode is TenancyMode.FOLLOW_OWNER:
        _follow_owner(out, frame)
    _final_grade(out, frame, grading, log)
    # the notes are joined as they are found, each ending 「；」: the last one ends the text
    out["evaluation_note"] = out["evaluation_note"].map(_ended)
    out["score_items"] = _items_text(out)
    problems = log.frame() if len(log) else pd.DataFrame(columns=PROBLEM_COLUMNS)
    return GradeResult(out, problems, table.benchmarks, scoring, grading, mode)


def _ended(note: object) -> object:
    """A note without the 「；」 its last part was joined with."""
    return note.rstrip("；") if isinstance(note, str) else note


# --- units ------------------------------------------------------------------------------------


def _normalise(enterprises: pd.DataFrame) -> pd.DataFrame:
    """Working columns: ``scale`` (规上/规下/NA), ``is_tenant``, ``host_uscc``, ``unit_key``."""
    f = enterprises.copy()
    f["scale"] = _scale(enterprises).astype(object)
    f["is_tenant"] = (
        enterprises["is_tenant"].eq(True) if "is_tenant" in enterprises.columns else False
    )
    for col in ("host_uscc", "industry_code", "uscc"):
        if col not in f.columns:
            f[col] = pd.NA
    own = pd.Series([f"行{i}" for i in range(len(f))], index=f.index, dtype=object)
    key = f["eval_unit"] if "eval_unit" in f.columns else pd.Series(pd.NA, index=f.index)
    key = present_column(key)  # a 「—」 评价单元 is none: never one unit of all such firms
    f["unit_key"] = key.where(key.notna(), own)
    return f


def _scale(enterprises: pd.DataFrame) -> pd.Series:
    if "above_scale" in enterprises.columns:
        read = {True: Scale.ABOVE.value, False: Scale.BELOW.value, None: pd.NA}
        # 「否」 and 「规下」 are 规下, a blank is not known (core.vocab.scale_is_above, as in
        # screening and the readers)
        flag = enterprises["above_scale"].map(lambda v: read[scale_is_above(v)])
        if "scale" not in enterprises.columns:
            return flag
    else:
        flag = pd.Series(pd.NA, index=enterprises.index, dtype=object)
    if "scale" in enterprises.columns:
        # the text by the same reading (never by the letters it holds: 「非规上」 is not 规上)
        read = {True: Scale.ABOVE.value, False: Scale.BELOW.value, None: pd.NA}
        text = enterprises["scale"].astype(object).map(lambda v: read[scale_is_above(v)])
        flag = flag.where(flag.notna(), text)
    return flag


def _units(
    frame: pd.DataFrame, mode: TenancyMode, *, asked: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """One row per evaluation unit (index = unit key), each enterprise's unit key, and where a
    member of a unit of several lacks a summed figure (a boolean frame on ``frame``'s index,
    one column per summed figure; no column when no unit has several members).

    A unit with several members (tenancy mode ``merged``) sums the members' totals and land and
    takes its scale and industry from the host (the member whose USCC is the unit key). A sum
    is a figure only when every member's is one (:func:`landgov.core.missing.complete_sums`):
    a lessor's blank 税收 makes the unit's 税收 missing, never the tenant's alone. A figure a
    member's own scale does not report (``asked``, :func:`reportable` of ``frame``: a 规下
    tenant reports no 工业增加值, energy, emissions or R&D) is no gap: that member adds
    nothing to the sum, as it adds nothing to any list of its own.
    """
    key = frame["unit_key"]
    is_host = frame["uscc"].astype(object).eq(key) | ~key.duplicated(keep=False)
    hosts = frame[is_host].drop_duplicates("unit_key").set_index("unit_key", drop=False)
    missing = key[~key.isin(hosts.index)].drop_duplicates()
    extra = frame.loc[missing.index].set_index("unit_key", drop=False)
    units = pd.concat([hosts, extra])
    gaps = pd.DataFrame(index=frame.index)
    if key.duplicated().any():  # several members (merged tenants): sum their totals
        cols = [c for c in _SUMMED if c in frame.columns]
        numeric = pd.DataFrame({c: numeric_column(frame, c) for c in cols}, index=frame.index)
        if asked is not None:  # a figure the member's scale does not report: adds nothing
            for c in cols:
                needs = asked[[n for n, i in INDICATORS.items() if c in _inputs(i)]]
                unasked = ~needs.any(axis=1) if needs.shape[1] else None
                if unasked is not None:
                    numeric[c] = numeric[c].mask(numeric[c].isna() & unasked, 0.0)
        units[cols] = complete_sums(numeric, key).reindex(units.index)
        units["is_tenant"] = False
        units["n_members"] = key.value_counts().reindex(units.index)
        gaps = numeric.isna() & key.duplicated(keep=False).to_numpy()[:, None]
    units["unit_id"] = units["uscc"].astype(object).where(units["uscc"].notna(), units.index)
    units.index.name = None
    return units, key, gaps


#: The summed figure each indicator's input is read from (the land: the linked 亩).
_INPUT_COLUMN = {LAND: "land_mu"}


def _partial_units(
    frame: pd.DataFrame, key: pd.Series, gaps: pd.DataFrame, *, asked: pd.DataFrame, log: ProblemLog
) -> pd.Series:
    """The note of each unit (on ``asked``' index) naming its members that lack a figure its
    indicators need, with one problem per such member: its row, the figures it lacks and the
    partners it is evaluated with. The unit's sum of that figure is missing (:func:`_units`),
    so its indicators are, and it is scored as a single firm lacking them is."""
    notes = pd.Series("", index=asked.index, dtype=object)
    if not gaps.any().any():
        return notes
    members = frame["uscc"].astype(object)
    for idx in gaps.index[gaps.any(axis=1)]:
        unit = key[idx]
        needs = _needed_inputs(asked.loc[unit])
        fields = [c for c in gaps.columns if gaps.at[idx, c] and c in needs]
        if not fields:
            continue
        labels = "、".join(_input_label(c) for c in fields)
        uses = "、".join(
            i.label for n, i in INDICATORS.items() if asked.at[unit, n] and _inputs(i) & set(fields)
        )
        who = members[idx]
        partners = "、".join(
            f"{'出租方' if members[o] == unit else '承租方'} {members[o]}"
            for o in key.index[key.eq(unit)]
            if o != idx
        )
        side = "出租方" if who == unit else "承租方"
        notes[unit] += f"合并评价的{side} {who} 缺少{labels}，合并后的{uses}记为空值；"
        log.add(
            f"合并评价的一方缺少{labels}：合并后的{uses}记为空值（不按其余各方之和计算），待核实",
            row=_source_row(frame, idx),
            field="、".join(fields),
            value=f"{side} {who}，与 {partners} 合并评价",
            action=f"补充该企业的{labels}后重新评价",
            severity=Severity.WARNING,
            role="enterprises",
        )
    return notes


def _inputs(indicator: Any) -> set[str]:
    """The summed figures an indicator reads (its numerator and denominator)."""
    return {_input_of(indicator.numerator), _input_of(indicator.denominator)}


def _input_of(name: str) -> str:
    return _INPUT_COLUMN.get(name, name)


def _input_label(column: str) -> str:
    return "用地面积" if column == "land_mu" else INPUT_LABELS[column]


def _needed_inputs(asked: pd.Series) -> set[str]:
    """The summed figures the indicators asked of a unit (a row of :func:`reportable`) read."""
    return {c for n, i in INDICATORS.items() if asked[n] for c in _inputs(i)}


def _eligibility(
    units: pd.DataFrame, s: ScoringSettings, mode: TenancyMode, *, profile: Profile
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Who is evaluated, the note of each unit, and :data:`OUT_OF_SCOPE` of each unit."""
    land = pd.to_numeric(units["land_mu"], errors="coerce") if "land_mu" in units else None
    if land is None:
        land = pd.Series(np.nan, index=units.index)
    if s.declared_land_fallback and "land_mu_declared" in units.columns:
        land = land.fillna(pd.to_numeric(units["land_mu_declared"], errors="coerce"))
    notes = pd.Series("", index=units.index, dtype=object)
    ok = pd.Series(True, index=units.index)
    floor = s.below_min_land  # the screening focus's own value and clause [001 三(二)1]
    cite = "" if floor.citation is None else str(floor.citation)
    industry = _industries(units, profile)
    inside = industry.map(lambda f: f.inside)
    not_industry = inside.eq(False)
    no_land = usable_area(land).isna()  # 0 亩 or below is a gap (units.usable_area)
    small = (units["scale"] == Scale.BELOW.value) & ~no_land & ~floor.compare(measured(land))
    rules = [
        (not_industry, industry.map(lambda f: f"{f.text}，不参评 {_industry_cite(profile)}；")),
        (units["scale"].isna(), "规上/规下未知，不参评；"),
        (no_land, "用地面积缺失或为零，不参评；"),
        (small, f"规下企业用地不足 {floor.value:g} 亩，不参评 {cite}；"),
        (
            inside.isna(),
            industry.map(lambda f: f"{f.text}，是否属{_names(profile)}待核实，不参评；"),
        ),
    ]
    scope = _out_of_scope(
        not_industry, small, industry, floor=f"{floor.value:g}", cite=cite, profile=profile
    )
    if mode is TenancyMode.FOLLOW_OWNER:
        follows = units["is_tenant"] & units["host_uscc"].notna()
        rules.insert(0, (follows, "承租企业，随出租方等级；"))
        scope = scope.where(~follows, None)  # a follower's scope is its host's (_follow_owner)
    for mask, text in rules:
        fresh = mask & ok
        notes[fresh] += text if isinstance(text, str) else text[fresh]
        ok &= ~mask
    return ok, notes, scope


def _out_of_scope(
    not_industry: pd.Series,
    small: pd.Series,
    industry: pd.Series,
    *,
    floor: str,
    cite: str,
    profile: Profile,
) -> pd.Series:
    """:data:`OUT_OF_SCOPE` of each unit: why it is outside the evaluation scope, each reason
    with its clause (「不参评：非制造业…」「不参评：规下且用地不足 3 亩」); ``None`` where neither
    is known to hold (a missing or unreadable code, scale or land is not out: it is 待核实)."""
    names, industry_cite = _names(profile), _industry_cite(profile)
    out = []
    for no_ind, tiny, found in zip(not_industry, small, industry, strict=True):
        parts = []
        if no_ind:
            parts.append(f"不参评：非{names}（{found.text}） {industry_cite}")
        if tiny:
            parts.append(f"不参评：规下且用地不足 {floor} 亩 {cite}".rstrip())
        out.append("；".join(parts) or None)
    return pd.Series(out, index=not_industry.index, dtype=object)


#: The head of each reason :func:`_out_of_scope` writes: 「非制造业」「规下且用地不足 3 亩」.
_SCOPE_HEAD = re.compile(r"不参评：(非[^（(\[\s；]+|规下且用地不足\s*[\d.]+\s*亩)")


def out_of_scope_words(why: object) -> str | None:
    """:data:`OUT_OF_SCOPE` in a few words, for a grade cell: 「不参评（非制造业）」, without the
    code and the clause (the list's own column holds them); ``None`` when ``why`` is blank or
    names no reason :func:`_out_of_scope` writes. A scope set by an example rule says so.

    >>> out_of_scope_words("不参评：非制造业（行业代码 5171（大类 51）） [虞政发〔2022〕12号]")
    '不参评（非制造业）'
    >>> out_of_scope_words("不参评：规下且用地不足 3 亩 [虞政发〔2022〕12号]")
    '不参评（规下且用地不足 3 亩）'
    """
    if is_missing(why):
        return None
    heads = list(dict.fromkeys(_SCOPE_HEAD.findall(str(why))))
    if not heads:
        return None
    example = f"，{UNOFFICIAL}" if UNOFFICIAL in str(why) else ""
    return f"不参评（{'；'.join(heads)}{example}）"


def _industries(units: pd.DataFrame, profile: Profile) -> pd.Series:
    """:func:`landgov.far.industry.focus_industry` of each unit (its host's code), read once
    per distinct (code, edition)."""
    # landgov.far's package imports this one (增容 condition 6 reads the indicators)
    from landgov.far.industry import focus_industry

    editions = units.get("industry_edition")
    pairs = zip(
        units["industry_code"].tolist(),
        [None] * len(units) if editions is None else editions.tolist(),
        strict=True,
    )
    seen: dict[tuple[str, str], Any] = {}
    out = []
    for code, edition in pairs:
        key = (repr(code), repr(edition))
        if key not in seen:
            seen[key] = focus_industry(code, edition=edition, profile=profile)
        out.append(seen[key])
    return pd.Series(out, index=units.index, dtype=object)


def _names(profile: Profile) -> str:
    """「制造业」: the names of ``screening.focus_industries``."""
    return "、".join(profile.value(_FOCUS_INDUSTRIES))


def _industry_cite(profile: Profile) -> str:
    return str(profile.citation(_FOCUS_INDUSTRIES))


# --- members and grades -----------------------------------------------------------------------


def _to_members(
    frame: pd.DataFrame, enterprises: pd.DataFrame, per_unit: pd.DataFrame, key: pd.Series
) -> pd.DataFrame:
    out = enterprises.copy()
    rows = per_unit.reindex(key.to_numpy())
    rows.index = frame.index
    for col in rows.columns:
        out[col] = rows[col]
    out["evaluated"] = out["evaluated"].fillna(False).astype(bool)
    merged = key.duplicated(keep=False) & frame["uscc"].astype(object).ne(key)
    out.loc[merged, "evaluation_note"] = (
        "与出租方 " + key[merged].astype(str) + " 合并评价；" + out.loc[merged, "evaluation_note"]
    )
    return out


def _follow_owner(out: pd.DataFrame, frame: pd.DataFrame) -> None:
    """Tenants take their host's computed grade (江山 mode), and its scope."""
    hosts = out.drop_duplicates("uscc").set_index("uscc")
    by_uscc, scopes = hosts["grade_computed"], hosts[OUT_OF_SCOPE]
    follows = frame["is_tenant"] & frame["host_uscc"].notna()
    for idx in out.index[follows]:
        host = frame.at[idx, "host_uscc"]
        out.at[idx, "grade_computed"] = by_uscc.get(host)
        out.at[idx, OUT_OF_SCOPE] = scopes.get(host)
        out.at[idx, "evaluation_note"] = f"承租企业，随出租方 {host} 等级；"


def _final_grade(
    out: pd.DataFrame, frame: pd.DataFrame, grading: GradingSettings, log: ProblemLog
) -> None:
    given = (
        frame["grade_given"].map(_parse_grade())
        if "grade_given" in frame.columns
        else pd.Series(None, index=frame.index, dtype=object)
    )
    if "grade_given" in frame.columns:
        bad = ~missing_cells(frame["grade_given"]) & given.isna()  # 「—」 is no grade
        for idx in frame.index[bad]:
            log.add(
                "亩均平台等级无法识别，改用计算等级",
                row=_source_row(frame, idx),
                field="grade_given",
                value=f"{frame.at[idx, 'uscc']}：{frame.at[idx, 'grade_given']}",
                action="等级应为 A/B/C/D（或 A类 等）",
                severity=Severity.WARNING,
                role="enterprises",
            )
    computed = [_as_grade(g) for g in out["grade_computed"]]
    platform = [_as_grade(g) for g in given]
    used = [g if g is not None else c for g, c in zip(platform, computed, strict=True)]
    out["grade_computed"] = pd.Series(computed, index=out.index, dtype=object)
    out["grade"] = pd.Series(used, index=out.index, dtype=object)
    out["grade_source"] = [
        GradeSource.PLATFORM.value
        if g is not None
        else (GradeSource.COMPUTED.value if c is not None else GradeSource.NONE.value)
        for g, c in zip(platform, computed, strict=True)
    ]
    out["grade_label"] = [grading.labels[g] if g is not None else "" for g in used]


def _parse_grade() -> Callable[[object], Grade | None]:
    """:meth:`Grade.parse`, reading each distinct text once (a column repeats a few grades)."""
    memo: dict[object, Grade | None] = {}

    def parse(value: object) -> Grade | None:
        if type(value) is not str:  # NaN, None, numbers: no memo (NaN is not equal to itself)
            return Grade.parse(value)
        found = memo.get(value, memo)
        if found is memo:
            found = memo[value] = Grade.parse(value)
        return found  # type: ignore[return-value]

    return parse


def _as_grade(value: object) -> Grade | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return Grade(value)


def _items_text(out: pd.DataFrame) -> pd.Series:
    cols = [(f"score_{n}", i.label) for n, i in INDICATORS.items()]

    if not len(out):
        return pd.Series(dtype=object)
    values = [out[c].tolist() for c, _ in cols]  # column by column: no Series per row
    known = [out[c].notna().tolist() for c, _ in cols]  # pd.notna once per column
    labels = [label for _, label in cols]
    texts = [
        "；".join(f"{label} {v:.2f}" for label, v, ok in zip(labels, row, oks, strict=True) if ok)
        for row, oks in zip(zip(*values, strict=True), zip(*known, strict=True), strict=True)
    ]
    return pd.Series(texts, index=out.index, dtype=object)


def parcel_grades(parcels: pd.DataFrame, enterprises: pd.DataFrame) -> pd.Series:
    """The grade of each parcel: the grade of its ``main_uscc`` (owner, else largest user).

    The tenancy mode is already folded into the enterprise grades (merged tenants share their
    host's grade, ``follow_owner`` tenants take it, ``separate`` tenants have their own), so a
    parcel simply takes the grade of its main enterprise, which is the owner whenever one is
    linked.

    Parameters
    ----------
    parcels
        ``LinkResult.parcels`` (``main_uscc``).
    enterprises
        ``GradeResult.data`` (``uscc``, ``grade``).

    Returns
    -------
    pandas.Series
        Named ``grade``, aligned with ``parcels.index``; ``None`` where the main enterprise is
        unknown or not graded.
    """
    return _of_main(parcels, enterprises, "grade")


def _of_main(parcels: pd.DataFrame, enterprises: pd.DataFrame, column: str) -> pd.Series:
    """``column`` of each parcel's main enterprise (``main_uscc``), ``None`` where it has none."""
    firms = enterprises.dropna(subset=["uscc"]).drop_duplicates("uscc").set_index("uscc")
    out = parcels["main_uscc"].map(firms[column]).astype(object)
    return out.where(out.notna(), None).rename(column)


def parcel_out_of_scope(parcels: pd.DataFrame, enterprises: pd.DataFrame) -> pd.Series:
    """Why each parcel has no grade because its main enterprise is outside the evaluation scope:
    :data:`OUT_OF_SCOPE` of its ``main_uscc``, the same main enterprise :func:`parcel_grades`
    reads.

    A 四个一批 term 「评价为D类」 (``grade:D``, :mod:`landgov.screening.paths`) is false for such
    a plot, never 待核实: a firm outside the scope is not graded, so it is of no grade. A plot
    whose main enterprise is unknown, or has no grade for lack of data, gets ``None`` (待核实).

    Returns
    -------
    pandas.Series
        Named :data:`OUT_OF_SCOPE`, aligned with ``parcels.index``; the reason with its clause,
        or ``None``.
    """
    if OUT_OF_SCOPE not in enterprises.columns:
        return pd.Series(None, index=parcels.index, dtype=object, name=OUT_OF_SCOPE)
    return _of_main(parcels, enterprises, OUT_OF_SCOPE)
