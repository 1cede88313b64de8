"""Checks on the enterprises of a plot: low efficiency, violations, 两高, 产业目录.

See docs/domain.md §4 and :mod:`landgov.screening`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from landgov.core.collect import NO_COMPLIANCE_TABLE, PLOT_AREA, PLOT_TAX
from landgov.core.compare import shown
from landgov.core.dates import read_year
from landgov.core.missing import format_number, is_missing, numeric_column, present_values
from landgov.core.records import (
    Judgement,
    PlotRecords,
    RecordRule,
    Standing,
    ViolationRecord,
    describe,
    judge,
    records_from_frame,
)
from landgov.core.vocab import (
    SEVERITIES,
    CatalogueClass,
    example_fail,
    scale_is_above,
    unofficial,
)
from landgov.far.industry import (
    FOCUS_INDUSTRIES,
    FocusIndustry,
    catalogue_edition,
    catalogue_item,
    focus_industry,
)
from landgov.ids import normalize_uscc
from landgov.link import allocation_terms
from landgov.policy import Param, Profile, below_scale_min_land
from landgov.screening._common import (
    _DIGITS,
    _NO_LINK,
    Check,
    _area_mu,
    _as_timestamp,
    _col,
    _described,
    _Firms,
    _holds,
    _passed,
    _series,
    _unknown_all,
    _usccs_by_parcel,
    _verdict,
)
from landgov.units import usable_area
from landgov.verdict import Citation, Status, Verdict

# --------------------------------------------------------------------------------------------
# 1. low efficiency

_TAX_STANDARD = "standard_tax_per_mu（）"  # the county's low-efficiency 亩均税收 (core.collect)


@dataclass(frozen=True)
class _Focus:
    """A plot's place in the screening focus: ``inside`` None when not known, with what is
    ``missing``; ``why`` says why a plot is outside: (the clause it rests on, ``"size"`` for the
    3 亩 or ``"industry"`` for 制造业, and the text), enterprise by enterprise."""

    inside: bool | None
    missing: tuple[str, ...] = ()
    why: tuple[tuple[str, str], ...] = ()


def _firm_focus(
    u: str,
    table: _Firms,
    min_mu: Param,
    profile: Profile,
    industries: dict[tuple[str, str], FocusIndustry],
) -> _Focus:
    """One enterprise: in the focus when a 制造业 firm (:func:`focus_industry`) that is 规上
    or 规下 using ``min_mu`` 亩 or more; out when either is known to fail; else not known.

    ``industries`` keeps each known answer by (code, edition): one in or out of the focus names
    no enterprise, so it is read once per distinct code (an unknown one names ``u``)."""
    if u not in table:
        return _Focus(None, (f"企业表中没有该宗地关联企业 {u}",))
    code, edition = table.get(u, "industry_code"), table.get(u, "industry_edition")
    key = (repr(code), repr(edition))
    industry = industries.get(key)
    if industry is None:
        industry = focus_industry(code, edition=edition, profile=profile, uscc=u)
        if industry.inside is not None:
            industries[key] = industry
    size, missing, why = _firm_size(u, table, min_mu)
    if industry.inside is False:
        why = (*why, ("industry", f"{u} {industry.text}"))
    if why:
        return _Focus(False, why=why)
    if industry.inside is None:
        missing = (*missing, industry.missing)
    return _Focus(size and industry.inside, missing)


def _firm_size(u: str, table: _Firms, min_mu: Param) -> tuple[bool | None, tuple, tuple]:
    """(规上 or 规下 using ≥ ``min_mu`` 亩?, missing, why not)."""
    above = scale_is_above(table.get(u, "above_scale"))  # 「否」「规下」 are 规下
    if above is None:
        return None, (f"企业表字段 above_scale（规上/规下，{u}）",), ()
    if above:
        return True, (), ()
    land = table.get(u, "land_mu")
    if land is None or math.isnan(usable_area(float(land))):  # 0 亩 is a gap (units)
        return None, (f"企业表字段 land_mu（用地面积，{u}）",), ()
    if _holds(min_mu, land):
        return True, (), ()
    return False, (), (("size", f"规下且用地不足 {format_number(min_mu.value)} 亩"),)


def _focus(usccs: tuple[str, ...], firm: Callable[[str], _Focus]) -> _Focus:
    """In the screening focus (a 制造业 firm: 规上, or 规下 using ≥ 3 亩)? Any enterprise in
    it puts the plot in; else any not known leaves it not known; else it is outside."""
    firms = [firm(u) for u in usccs]
    if any(f.inside for f in firms):
        return _Focus(True)
    missing = tuple(m for f in firms if f.inside is None for m in f.missing)
    if missing:
        return _Focus(None, missing)
    return _Focus(False, why=tuple(dict.fromkeys(w for f in firms for w in f.why)))


def check_low_efficiency(
    parcels: pd.DataFrame,
    *,
    enterprises: pd.DataFrame | None,
    pairs: pd.DataFrame | None,
    profile: Profile,
) -> pd.Series:
    """Low efficiency (低效): 亩均税收 at or below the profile threshold, on every industrial plot.

    .. math:: \\text{亩均税收} = \\frac{\\text{tax\\_wan}}{\\text{area\\_mu}} \\quad
              [\\text{万元/亩}] \\le \\text{screening.low\\_efficiency\\_tax\\_per\\_mu}

    The comparison is the profile's (上虞 「亩均税收5万元以下」 [001 三(一)1] → ``<=``: 5.00 is
    低效, 「以下」 includes the number, 《民法典》第1259条), made on 亩均税收 rounded to 6 decimals
    (50 万元 / 10 亩 computed is 5.00, never 4.999…).

    Scope: 「全域工业用地」 [001 三(一)1] — every plot is judged.
    「以规上制造业企业、实际用地3亩以上的规下制造业企业为重点开展排查」 [001 三(二)1] sets a
    focus, not an exclusion: a plot whose enterprises are all 规下 using less than
    ``screening.small_firm_min_land_mu`` 亩 is still judged, and ``values["in_focus"]`` is False
    with the reason 「规下且用地不足 3 亩，不属排查重点」 (None when 规上/规下 or the land used is
    not known).

    Parameters
    ----------
    parcels
        ``parcel_id`` and ``tax_per_mu`` (or ``tax_wan`` with ``area_mu``/``area_m2``).
    enterprises
        ``uscc``, ``above_scale`` (bool), ``land_mu``.
    pairs
        ``parcel_id``, ``uscc``.
    profile
        Policy profile.

    Returns
    -------
    pandas.Series
        One :class:`Verdict` per parcel, named ``low_efficiency``; ``values`` hold
        ``tax_per_mu``, ``threshold`` and ``in_focus``.
    """
    key = "screening.low_efficiency_tax_per_mu"
    param = profile[key]
    citation = profile.citation(key)
    min_mu = below_scale_min_land(profile)  # shared with the 亩均 evaluation's 规下 scope
    # the focus note rests on its own clauses (上虞、嵊州: 3 亩, 制造业; elsewhere 「参照…」)
    cites = _focus_citations(min_mu, profile)
    tax = numeric_column(parcels, "tax_per_mu")
    # a plot's area of 0 (or below: a sign slip) is a gap in the data, not a plot: no
    # 亩均税收, and what the plot lacks is its area, never its (known) tax
    tax_wan, area_mu = numeric_column(parcels, "tax_wan"), _area_mu(parcels)
    area_mu = usable_area(area_mu)
    tax = tax.fillna(tax_wan / area_mu)
    # what a missing 亩均税收 lacks: the tax, the plot's area, or both (the tax when neither);
    # a linked enterprise the enterprise table does not have is named (its 亩均 data)
    absent = _unjoined(parcels)
    lacks = [
        [
            *([PLOT_TAX] if no_tax or not no_area else []),
            *([PLOT_AREA] if no_area else []),
            *(_absent_item(u) for u in away),
        ]
        for no_tax, no_area, away in zip(tax_wan.isna(), area_mu.isna(), absent, strict=True)
    ]
    table = _Firms(enterprises)
    links = _usccs_by_parcel(parcels, pairs)
    unknown = tax.isna() & tax_wan.isna()
    known = _known_tax(parcels, pairs, enterprises, unknown=unknown, absent=absent)
    judged: dict[str, _Focus] = {}  # each enterprise once, however many plots it has
    industries: dict[tuple[str, str], FocusIndustry] = {}

    def firm(u: str) -> _Focus:
        found = judged.get(u)
        if found is None:
            found = judged[u] = _firm_focus(u, table, min_mu, profile, industries)
        return found

    out = []
    rows = zip(tax.tolist(), links.tolist(), lacks, area_mu.tolist(), parcels.index, strict=True)
    for value, usccs, lack, mu, idx in rows:
        seen = None if is_missing(value) else round(float(value), _DIGITS)
        values = {"tax_per_mu": seen, "threshold": float(param.value)}
        focus = _focus(usccs, firm) if usccs else _Focus(None, (_NO_LINK,))
        values["in_focus"] = focus.inside
        verdict = _low_eff_verdict(
            seen, param, in_focus=focus.inside, missing=list(focus.missing),
            focus_note=_outside_note(focus, cites), citation=citation, values=values,
            lack=lack,
        )  # fmt: skip
        part = known.get(idx)
        if seen is None and part is not None and not is_missing(mu) and mu > 0:
            verdict = _above_on_known_part(
                verdict, part, float(mu), param=param, citation=citation, values=values
            )
        out.append(verdict)
    return _series(out, parcels.index, Check.LOW_EFFICIENCY.value)


def _unjoined(parcels: pd.DataFrame) -> pd.Series:
    """The codes the link table puts on each plot that join no enterprise (the link's
    ``unjoined_usccs``: not in the enterprise table, masked or invalid), a tuple per plot."""
    codes = _col(parcels, "unjoined_usccs")
    return pd.Series(
        [() if is_missing(v) else tuple(u for u in str(v).split("；") if u) for v in codes],
        index=parcels.index,
        dtype=object,
    )


def _absent_item(u: str) -> str:
    """The item to collect for a linked enterprise the enterprise table does not have:
    rendered 「企业亩均效益数据（企业表中无此企业）〔经信局；9133…〕」 (core.collect)."""
    return f"企业表中没有该宗地关联企业 {u}"


def _known_tax(
    parcels: pd.DataFrame,
    pairs: pd.DataFrame | None,
    enterprises: pd.DataFrame | None,
    *,
    unknown: pd.Series,
    absent: pd.Series,
) -> dict[Any, tuple[float, tuple[str, ...], tuple[str, ...]]]:
    """Per plot whose tax is unknown (``unknown``): the tax its enterprises with a known tax
    bring to it, the enterprises whose tax is missing and those linked to it that the
    enterprise table does not have (``absent``, :func:`_unjoined`); only where the pairs carry
    the allocation ``share``. The terms (share × 税收) are those of the link stage
    (:func:`landgov.link.allocation_terms`): the same enterprise row, read the same way, as
    the plot's allocated ``tax_wan``; the link shares the plot's land with the absent ones too.

    A tax is never below 0 (``plausible.money_min_wan``: a negative amount is read as missing),
    so the known part is a floor of the plot's tax: the missing ones can only add to it.
    """
    if pairs is None or not unknown.any() or not {"parcel_id", "uscc", "share"} <= set(pairs):
        return {}
    pids = _col(parcels, "parcel_id")
    wanted = {p: idx for idx, p in zip(parcels.index[unknown], pids[unknown], strict=True)}
    terms = allocation_terms(pairs, enterprises, "tax_wan")
    parts: dict[Any, list[float]] = {}
    lacking: dict[Any, list[str]] = {}
    cols = (terms[c].tolist() for c in ("parcel_id", "uscc", "term", "lacks"))
    for pid, u, term, lacks in zip(*cols, strict=True):
        idx = wanted.get(pid)
        if idx is None:
            continue
        if lacks:
            lacking.setdefault(idx, []).append(u)
            parts.setdefault(idx, [])
        else:  # NaN: the share or the enterprise not known, so no floor
            parts.setdefault(idx, []).append(term)
    return {
        idx: (math.fsum(v), tuple(dict.fromkeys(lacking.get(idx, ()))), absent[idx])
        for idx, v in parts.items()
        if (lacking.get(idx) or absent[idx]) and not any(math.isnan(x) for x in v)
    }


def _above_on_known_part(
    verdict: Verdict,
    part: tuple[float, tuple[str, ...], tuple[str, ...]],
    mu: float,
    *,
    param: Param,
    citation: Citation,
    values: dict[str, Any],
) -> Verdict:
    """The verdict of a plot whose tax is unknown but whose known part alone already clears
    the low-efficiency threshold: 亩均税收 is at least that part over the plot, and the missing
    taxes can only raise it, so the plot is not 低效. Else (and on an example threshold, which
    never passes on its own) ``verdict`` unchanged."""
    if param.comparison not in ("<=", "<") or not citation.official:
        # a floor decides only a 「以下」/「低于」 test; on an example threshold the plot stays
        # 待核实 naming the missing tax (the county's own figure may lie above the floor)
        return verdict
    total, lacking, absent = part
    floor = round(total / mu, _DIGITS)
    if _holds(param, floor):
        return verdict
    gaps = [f"{'、'.join(lacking)} 税收缺失"] if lacking else []
    gaps += [f"{'、'.join(absent)} 不在企业表中"] if absent else []
    reason = (
        f"亩均税收至少 {shown(floor, float(param.value))} 万元/亩（已知税收 "
        f"{format_number(total)} 万元；{'；'.join(gaps)}，补齐后只增不减），"
        f"未达低效门槛（{_described(param)}）"
    )
    focus = verdict.reason.partition("亩均税收缺失，无法判定是否低效")[2]
    values = {**values, "tax_per_mu_at_least": floor}
    return _verdict(Check.LOW_EFFICIENCY, Status.PASS, reason + focus, citation, values=values)


def _focus_citations(min_mu: Param, profile: Profile) -> dict[str, str]:
    """The clause of each reason a plot is outside the focus: the 3 亩 and the 制造业."""
    land = str(profile.citation(min_mu.key))
    return {"size": land, "industry": str(profile.citation(FOCUS_INDUSTRIES))}


def _outside_note(focus: _Focus, cites: dict[str, str]) -> str:
    """「规下且用地不足 3 亩，不属排查重点 [clause]」 / 「非制造业企业（…），不属排查重点 [clause]」
    for a plot outside the focus (empty otherwise)."""
    if focus.inside is not False:
        return ""
    texts = "；".join(text for _, text in focus.why)
    used = " ".join(dict.fromkeys(cites[kind] for kind, _ in focus.why))
    return f"{texts}，不属排查重点 {used}"


def _low_eff_verdict(
    value: float | None,
    param: Param,
    *,
    in_focus: bool | None,
    missing: list[str],
    focus_note: str,
    citation: Citation,
    values: dict[str, Any],
    lack: Sequence[str] = (PLOT_TAX,),
) -> Verdict:
    c = Check.LOW_EFFICIENCY
    focus = f"；{focus_note}" if in_focus is False else ""
    unsure = [m for m in missing if m != _NO_LINK] if in_focus is None else []
    if unsure:  # never silently in or out of the focus: say what decides it
        focus = f"；是否属排查重点待核实（缺少：{'、'.join(unsure)}）"
    if value is None:
        return _verdict(
            c,
            Status.UNKNOWN,
            "亩均税收缺失，无法判定是否低效" + focus,
            citation,
            values=values,
            missing=[
                *lack,
                *(m for m in missing if m == _NO_LINK),
            ],
        )
    seen = f"亩均税收 {shown(value, float(param.value))} 万元/亩"
    if not _holds(param, value):
        reason = f"{seen}，未达低效门槛（{_described(param)}）" + focus
        return _passed(c, reason, citation, values=values, standard=_TAX_STANDARD)
    reason = example_fail(f"{seen}，{_described(param)}，属低效用地", citation) + focus
    return _verdict(c, Status.FAIL, reason, citation, values=values)


# --------------------------------------------------------------------------------------------
# 2. violations


def _attach_records(
    parcels: pd.DataFrame, compliance: pd.DataFrame, links: pd.Series
) -> dict[Any, tuple[ViolationRecord, ...]]:
    """Records per parcel index, by :class:`landgov.core.records.PlotRecords` (the rule 增容
    三.1 reads them by too): by ``parcel_id`` when the layer has it, else by the firm's plots
    (via ``links``): a record whose 宗地代码 is not in the layer still counts for its
    enterprise (:func:`landgov.core.records.unmatched_records` says so)."""
    pids = present_values(_col(parcels, "parcel_id"))
    placed = PlotRecords.of(records_from_frame(compliance), pids)
    codes: dict[Any, str] = {}  # normalize_uscc of each distinct code, asked once

    def code(u: Any) -> str:
        hit = codes.get(u)
        if hit is None:
            hit = codes[u] = normalize_uscc(u)
        return hit

    return {
        idx: placed.on(p, (code(u) for u in usccs))
        for idx, p, usccs in zip(parcels.index, pids, links.tolist(), strict=True)
    }


_FLOOR, _WINDOW = "screening.violation_min_severity", "screening.violation_window_years"
#: the county's own reading of which records count (severity floor, window; core.collect)
_VIOLATION_STANDARD = "standard_violation_rule（）"


def _violation_rule(profile: Profile) -> RecordRule:
    floor = SEVERITIES.index(str(profile.value(_FLOOR)))
    window = int(profile.value(_WINDOW))
    return RecordRule(
        frozenset(SEVERITIES[floor:]), window_years=window or None, rectification_clears=True
    )


@dataclass(frozen=True)
class _Reading:
    """The severity floor and window of ``screening.violation_*`` as far as they are official.

    ``example`` are the citations of the two that are 示例规则（非官方）. ``narrow`` is the
    strictest rule such values leave room for (only 重大 counts, only the last year), ``wide``
    the broadest (every severity, no window): a record that counts under ``narrow`` counts
    under every reading, so a 不符合 on it rests on no example value; a record left out that
    counts under ``wide`` is left out only by an example value, so the plot is not 符合.
    """

    rule: RecordRule
    example: tuple[Citation, ...]
    narrow: RecordRule
    wide: RecordRule

    @classmethod
    def of(cls, profile: Profile) -> _Reading:
        rule = _violation_rule(profile)
        floor, window = profile.citation(_FLOOR), profile.citation(_WINDOW)
        narrow = rule.gravest_only() if not floor.official else rule
        narrow = narrow if window.official else replace(narrow, window_years=1)
        wide = rule.every_severity() if not floor.official else rule
        wide = wide if window.official else replace(wide, window_years=None)
        example = unofficial(floor, window)
        return cls(rule, example, narrow, wide)

    def rests(self, counted: list[ViolationRecord], as_of: dt.date) -> tuple[Citation, ...]:
        """The example citations a 不符合 on ``counted`` rests on (none when one record
        counts under every reading)."""
        if not self.example or any(
            judge(r, rule=self.narrow, as_of=as_of).standing is Standing.COUNTS for r in counted
        ):
            return ()
        return self.example

    def left_out(self, records: list[ViolationRecord], as_of: dt.date) -> bool:
        """Whether a record the rule leaves out would count (or may) under the widest reading."""
        if not self.example:
            return False
        may = (Standing.COUNTS, Standing.UNKNOWN)
        return any(judge(r, rule=self.wide, as_of=as_of).standing in may for r in records)


def check_violations(
    parcels: pd.DataFrame,
    *,
    compliance: pd.DataFrame | None,
    pairs: pd.DataFrame | None,
    profile: Profile,
    as_of: dt.date | str | None = None,
) -> pd.Series:
    """Violations (违法违规) on the plot that still stand at ``as_of``.

    Categories 安全、环保、质量、能耗、消防、税收 [001 三(一)1] and 违法用地、违法建设、无照经营
    [002 三(一)2]: 「存在…各类违法违规问题的企业用地」 go on the 治理清单. A record with a
    ``parcel_id`` counts on that plot; one with only a ``uscc`` counts on every plot of that
    enterprise (via ``pairs``). Whether one record counts is :func:`landgov.core.records.judge`:
    severity at least ``screening.violation_min_severity`` (一般 < 较大 < 重大; an unrecorded
    severity counts when every severity does), recorded on or before ``as_of``, within
    ``screening.violation_window_years`` (0: no window), and not rectified (整改) on or before
    ``as_of``. A record whose rectification is unknown makes the plot 待核实 unless another
    record already puts it on the list.

    Without a compliance table every plot is 待核实: no record table is not "no violation".

    Returns
    -------
    pandas.Series
        Verdicts named ``violation``; ``values["records"]`` is a tuple of (category, severity)
        of the records that count.
    """
    key = "screening.violation_categories"
    citation = profile.citation(key)
    if compliance is None:
        return _unknown_all(
            parcels.index,
            Check.VIOLATION,
            "未提供违法违规记录表，无法判定（不按无违法违规记录处理）",
            citation,
            NO_COMPLIANCE_TABLE,
        )
    known = set(profile.value(key))
    reading = _Reading.of(profile)
    day = (_as_timestamp(dt.date.today() if as_of is None else as_of)).date()
    records = _attach_records(parcels, compliance, _usccs_by_parcel(parcels, pairs))
    clean = _violation_verdict([], known, citation)  # most plots: one shared verdict
    out = [
        _violation_verdict(
            [judge(r, rule=reading.rule, as_of=day) for r in found],
            known,
            citation,
            reading=reading,
            as_of=day,
        )
        if found
        else clean
        for found in (records[idx] for idx in parcels.index)
    ]
    return _series(out, parcels.index, Check.VIOLATION.value)


def _violation_verdict(
    judged: list[Judgement],
    known: set[str],
    citation: Citation,
    *,
    reading: _Reading | None = None,
    as_of: dt.date | None = None,
) -> Verdict:
    """The plot's verdict on its ``judged`` records. A 不符合 that only an example severity
    floor or window makes (no record counting under every reading) says so
    (:func:`~landgov.core.vocab.example_fail`); a 符合 with a record only such a value leaves
    out is 待核实 (:func:`~landgov.screening._common._passed`)."""
    c = Check.VIOLATION
    counted = [j.record for j in judged if j.standing is Standing.COUNTS]
    unknown = [j for j in judged if j.standing is Standing.UNKNOWN]
    cleared = sum(j.standing is Standing.CLEARED for j in judged)
    pairs = tuple((r.category or "未注明", r.severity or "未注明") for r in counted)
    values: dict[str, Any] = {"records": pairs, "n_records": len(counted), "n_cleared": cleared}
    if counted:
        ranked = [s for _, s in pairs if s in SEVERITIES]
        values["worst_severity"] = max(ranked, key=SEVERITIES.index) if ranked else "未注明"
        reason = f"有未整改的违法违规记录 {len(counted)} 条：{'、'.join(map(describe, counted))}"
        other = sorted({cat for cat, _ in pairs} - known)
        if other:
            reason += f"；类别 {'、'.join(other)} 不在配置的类别中，仍计入"
        if unknown:  # the plot is listed all the same; a path rule may still turn on them
            values["unsure"] = tuple(
                (j.record.category or "未注明", j.record.severity or "未注明") for j in unknown
            )
            values["unsure_missing"] = tuple(dict.fromkeys(m for j in unknown for m in j.missing))
            reason += (
                f"；另有 {len(unknown)} 条记录无法确定基准日是否仍存在："
                f"{'、'.join(describe(j.record) for j in unknown)}"
                f"（缺少：{'、'.join(values['unsure_missing'])}）"
            )
        if reading is not None and as_of is not None:
            reason = example_fail(reason, *reading.rests(counted, as_of))
        return _verdict(c, Status.FAIL, reason, citation, values=values)
    if unknown:
        items = "、".join(describe(j.record) for j in unknown)
        missing = list(dict.fromkeys(m for j in unknown for m in j.missing))
        reason = f"有违法违规记录 {len(unknown)} 条无法确定基准日是否仍存在：{items}"
        return _verdict(c, Status.UNKNOWN, reason, citation, values=values, missing=missing)
    reason = "无违法违规记录"
    if judged:
        reason = f"无基准日仍存在的违法违规记录（{len(judged)} 条记录已整改、超出时限或不计入）"
        if (
            reading is not None
            and as_of is not None
            and reading.left_out([j.record for j in judged], as_of)
        ):  # left out only by an example severity floor or window: not known to be clean
            return _passed(
                c, reason, reading.example[0], values=values, standard=_VIOLATION_STANDARD
            )
    return _verdict(c, Status.PASS, reason, citation, values=values)


# --------------------------------------------------------------------------------------------
# 3. 两高


_MEETS = frozenset({"符合", "符合要求", "通过", "合格", "达标"})
_FAILS = frozenset({"不符合", "不符合要求", "不通过", "不合格", "未达标", "不达标"})
#: the county's own 两高 / 用能项目 energy thresholds (core.collect)
_TWO_HIGH_STANDARD = "standard_two_high_tce（）"
_ASSESSMENT_FIELD = "企业表字段 two_high_assessment（逐一评估结论：符合/不符合要求，{u}）"


@dataclass(frozen=True)
class _Energy:
    """One enterprise against the 两高 thresholds [001 三(二)2].

    ``selected``: at or over its threshold, so it is assessed one by one (需评估); None when
    energy, year or the enterprise is missing (``missing`` says which). ``assessed``: the
    assessment's conclusion (True meets the requirements, False does not, None not given).
    ``rests``: when selected, the citations of the 示例规则（非官方） values the selection rests
    on (the threshold reached, the split year that chose it); empty when all are official.
    """

    uscc: str
    selected: bool | None
    text: str = ""
    missing: tuple[str, ...] = ()
    assessed: bool | None = None
    rests: tuple[Citation, ...] = ()


def _assessment(u: str, table: _Firms) -> tuple[bool | None, tuple[str, ...]]:
    raw = table.get(u, "two_high_assessment")
    text = "" if raw is None else "".join(str(raw).split())
    if text in _MEETS or text in _FAILS:
        return text in _MEETS, ()
    seen = f"；所见「{raw}」无法识别" if raw is not None else ""
    return None, (_ASSESSMENT_FIELD.format(u=u) + seen,)


def _energy_no_year(u: str, energy: float, new: Param, old: Param, *, what: str = "") -> _Energy:
    """Without the year: below both thresholds → not selected, over both → selected.

    ``what`` describes the energy figure when it is a bound (「用电量 … 折 … 吨标准煤（下限）」).
    """
    hit_new, hit_old = _holds(new, energy), _holds(old, energy)
    if not hit_new and not hit_old:
        return _Energy(u, False, f"{u} {what}" if what else "")
    if not (hit_new and hit_old):
        return _Energy(u, None, missing=(f"企业表字段 built_year（投产年份，{u}）",))
    amount = what or f"年综合能耗 {format_number(energy)} 吨标准煤"
    text = f"{u} “两高”项目或用能项目（投产年份不明，{amount}，两档门槛均达到）"
    return _Energy(u, True, text, rests=unofficial(*(p.citation or _NO_CITE for p in (new, old))))


def _built_year(table: _Firms, u: str) -> int | None:
    """投产年份 of ``u`` read as the readers read a year field (:func:`read_year`): 「2018年」
    and 2018.0 are 2018; 0 and unreadable text are missing (待核实), never year 0."""
    return read_year(table.get(u, "built_year"))[0]


#: a threshold without a citation (a profile built in code): cited by the profile elsewhere
_NO_CITE = Citation(None, "")


def _selected_by(param: Param, profile: Profile) -> tuple[Citation, ...]:
    """The example citations a selection by ``param`` (chosen by the split year) rests on."""
    return unofficial(param.citation or _NO_CITE, profile.citation("screening.two_high_split_year"))


def _threshold(built: int, profile: Profile) -> tuple[Param, str, int]:
    """The threshold for a project built in year ``built``, the group it names, the year."""
    split = int(profile.value("screening.two_high_split_year"))
    if built >= split:
        return profile["screening.two_high_energy_new_tce"], f"{split}年以来建设的“两高”项目", built
    return profile["screening.two_high_energy_old_tce"], f"{split}年以前建设的用能项目", built


def _energy_one(u: str, table: _Firms, profile: Profile) -> _Energy:
    """Is the enterprise selected for 逐一评估检查, and as which group?"""
    if u not in table:
        return _Energy(u, None, missing=(f"企业表中没有该宗地关联企业 {u}",))
    energy, year = table.get(u, "energy_tce"), _built_year(table, u)
    if energy is None or float(energy) == 0:  # 0 tce is a gap in the data, as 0 kWh is
        return _energy_from_power(u, table, profile, year, zero=energy is not None)
    new, old = (
        profile["screening.two_high_energy_new_tce"],
        profile["screening.two_high_energy_old_tce"],
    )
    energy = float(energy)
    if year is None:
        return _energy_no_year(u, energy, new, old)
    param, group, built = _threshold(year, profile)
    if not _holds(param, energy):
        return _Energy(u, False)
    amount = f"年综合能耗 {shown(energy, float(param.value))} 吨标准煤"
    text = f"{u}（{built}年投产）{amount}，{_described(param)}，属{group}"
    return _Energy(u, True, text, rests=_selected_by(param, profile))


@functools.lru_cache(maxsize=64)
def _factor_text(factor: Param) -> str:
    """「0.1229 吨标准煤/万千瓦时 [clause]」, written once per profile rather than per firm."""
    return f"{format_number(factor.value, digits=4)} 吨标准煤/万千瓦时 {factor.cite()}"


def _energy_from_power(
    u: str, table: _Firms, profile: Profile, year: int | None, *, zero: bool = False
) -> _Energy:
    """综合能耗 missing: bound it by electricity (and other energy use when recorded); ``year``
    is the enterprise's 投产年份 (:func:`_built_year`, read once by the caller).

    ``zero``: the table says 0 t: no enterprise in production uses no energy, and a blank
    number is often exported as 0 (as 0 kWh is read here), so it is a gap in the data, said
    as 「综合能耗填为 0（按缺失处理）」 — never 「未达到门槛」 on that 0.

    Lower bound: 用电量 × ``screening.power_tce_per_10k_kwh`` (当量值, GB/T 2589) plus
    ``fuel_tce`` when recorded; reaching the threshold selects the enterprise (需评估). Upper
    bound, only by the rule ``screening.two_high_power_min_share`` and only when no other energy
    use is recorded: electricity ÷ share; below the threshold the enterprise is not selected.
    Anything between stays 待核实 with 综合能耗 to collect.
    """
    power, fuel = table.get(u, "power_10k_kwh"), table.get(u, "fuel_tce")
    gap = _ZERO_ENERGY if zero else "综合能耗缺失"
    field = f"企业表字段 energy_tce（综合能耗，{u}）"
    if zero:
        field += "：填为 0，请采集实际值（统计部门）"
    unknown = _Energy(u, None, f"{u} {gap}" if zero else "", missing=(field,))
    if power is None or not float(power) > 0:  # 0 kWh is a gap in the data, not a bound
        return unknown
    factor = profile["screening.power_tce_per_10k_kwh"]
    elec = float(power) * float(factor.value)
    other = 0.0 if fuel is None else float(fuel)
    low = round(elec + other, _DIGITS)

    def power_text() -> str:  # written only for the outcomes that show it
        text = (
            f"用电量 {format_number(power)} 万千瓦时折 {format_number(elec)} 吨标准煤"
            f"（当量值 {_factor_text(factor)}）"
        )
        if other:
            text += f"，另有非电能源 {format_number(other)} 吨标准煤"
        return text

    new, old = (
        profile["screening.two_high_energy_new_tce"],
        profile["screening.two_high_energy_old_tce"],
    )
    lowest = new if float(new.value) <= float(old.value) else old
    dated = None if year is None else _threshold(year, profile)
    params = (new, old) if dated is None else (dated[0],)
    if all(_holds(p, low) for p in params):
        bound = f"{gap}，{power_text()}，综合能耗不低于 {format_number(low)} 吨标准煤"
        if dated is None:
            return _energy_no_year(u, low, new, old, what=bound)
        param, group, built = dated
        text = f"{u}（{built}年投产）{bound}，{_described(param)}，属{group}"
        return _Energy(u, True, text, rests=_selected_by(param, profile))
    if dated is None and _holds(lowest, low):  # over one threshold only: the year decides
        return _Energy(u, None, missing=(f"企业表字段 built_year（投产年份，{u}）",))
    if fuel is not None:  # other energy recorded: the share rule is for electricity only
        return unknown
    target = lowest if dated is None else dated[0]
    return _power_upper(u, elec, power_text, target, profile, gap=gap) or unknown


#: 综合能耗 of 0 in the enterprise table, read as a gap (:func:`_energy_from_power`).
_ZERO_ENERGY = "综合能耗填为 0（按缺失处理：生产企业年综合能耗不会为 0，空白常被导出为 0）"


def _power_upper(
    u: str,
    elec: float,
    power_text: Callable[[], str],
    target: Param,
    profile: Profile,
    *,
    gap: str = "综合能耗缺失",
) -> _Energy | None:
    """The upper bound electricity ÷ ``two_high_power_min_share`` against ``target``.

    Below the threshold: not selected, but only when the share is official (a county sets it
    with its citation). A 示例规则（非官方） share never decides on its own: the check stays
    待核实 and the reason and the to-collect item state the bound.
    """
    key = "screening.two_high_power_min_share"
    share = profile.params.get(key)
    if share is None or not float(share.value) > 0:
        return None
    high = elec / float(share.value)
    if _holds(target, round(high, _DIGITS)):
        return None
    shown = power_text()
    rule = f"按用电折标煤不低于综合能耗的 {format_number(float(share.value) * 100)}% 推算"
    cited = None if share.citation is None else profile.localize(share.citation)
    if cited is None or not cited.official:
        bound = (
            f"按示例规则推算综合能耗不超过 {format_number(high)} 吨标准煤，低于门槛；"
            "示例规则不能单独判定，请核定比例或采集综合能耗（统计部门）"
        )
        text = (
            f"{u} {gap}，{shown}；企业表未记录其他能源消费，{rule}，综合能耗不超过 "
            f"{format_number(high)} 吨标准煤，低于门槛（{_described(target)}），但该比例为"
            f"{profile.citation(key)}，不能单独判定"
        )
        return _Energy(u, None, text, missing=(f"企业表字段 energy_tce（综合能耗，{u}）；{bound}",))
    text = (
        f"{u} {gap}，{shown}；企业表未记录其他能源消费，{rule}，综合能耗不超过 "
        f"{format_number(high)} 吨标准煤，未达门槛（{_described(target)}） {profile.citation(key)}"
    )
    return _Energy(u, False, text)


def check_two_high(
    parcels: pd.DataFrame,
    *,
    enterprises: pd.DataFrame | None,
    pairs: pd.DataFrame | None,
    profile: Profile,
) -> pd.Series:
    """“两高”项目 and 用能项目 to assess one by one [001 三(二)2].

    「针对2018年以来建设的年综合能耗1000吨标准煤以上（含）的“两高”项目、2018年以前建设的年综合能耗
    5000吨标准煤以上（含）的用能项目，逐一评估检查，对不符合要求的“两高”项目依法处置」: the
    thresholds select projects for assessment; reaching one is not non-compliance by itself.
    An enterprise built in or after ``screening.two_high_split_year`` with ``energy_tce`` meeting
    ``two_high_energy_new_tce`` (≥ 1000) is a “两高”项目; one built earlier meeting
    ``two_high_energy_old_tce`` (≥ 5000) is a 用能项目. Either is 需评估: the verdict is 待核实
    with ``values["needs_assessment"]`` True and the assessment conclusion named as the missing
    input, until the enterprises' ``two_high_assessment`` says 符合 (符合) or 不符合要求
    (不符合: 「对不符合要求的…依法处置」).

    Returns
    -------
    pandas.Series
        Verdicts named ``two_high``; ``values`` hold ``review_usccs`` (the selected
        enterprises) and ``needs_assessment``.
    """
    citation = profile.citation("screening.two_high_energy_new_tce")
    # 「均未达到门槛」 rests on both thresholds: a 示例规则（非官方） one (a county that borrows
    # 上虞's figures) cannot make the check 符合 on its own (cited as the first unofficial one)
    below = next(
        (
            c
            for c in (citation, profile.citation("screening.two_high_energy_old_tce"))
            if not c.official
        ),
        citation,
    )
    table = _Firms(enterprises)
    links = _usccs_by_parcel(parcels, pairs)
    energies: dict[str, _Energy] = {}  # each enterprise judged once, however many plots it has

    def energy(u: str) -> _Energy:
        one = energies.get(u)
        if one is None:
            one = _energy_one(u, table, profile)
            if one.selected:
                assessed, missing = _assessment(u, table)
                one = _Energy(u, True, one.text, missing, assessed, one.rests)
            energies[u] = one
        return one

    plain: list[Verdict] = []  # every enterprise below the thresholds, nothing to say: shared

    def verdict(found: list[_Energy]) -> Verdict:
        if not found or any(e.selected is not False or e.text for e in found):
            return _two_high_verdict(found, citation, below=below)
        if not plain:
            plain.append(_two_high_verdict(found, citation, below=below))
        return plain[0]

    done: dict[tuple[str, ...], Verdict] = {}  # plots with the same enterprises: one verdict
    out = []
    for usccs in links.tolist():
        hit = done.get(usccs)
        if hit is None:
            hit = done[usccs] = verdict([energy(u) for u in usccs])
        out.append(hit)
    return _series(out, parcels.index, Check.TWO_HIGH.value)


def _two_high_verdict(found: list[_Energy], citation: Citation, *, below: Citation) -> Verdict:
    """The plot's 两高 verdict; ``below`` cites the thresholds a 「均未达到门槛」 rests on."""
    c = Check.TWO_HIGH
    selected = [e for e in found if e.selected]
    values = {
        "review_usccs": tuple(e.uscc for e in selected),
        "needs_assessment": bool(selected),
    }
    failed = [e for e in selected if e.assessed is False]
    if failed:
        reason = "经逐一评估不符合要求：" + "；".join(e.text for e in failed)
        # 「对不符合要求的…依法处置」 applies to the projects the thresholds select: picked out
        # only by an example threshold (or split year), the 不符合 says so
        if all(e.rests for e in failed):
            reason = example_fail(reason, *(r for e in failed for r in e.rests))
        return _verdict(c, Status.FAIL, reason, citation, values=values)
    if not found:
        return _verdict(
            c, Status.UNKNOWN, "无关联企业", citation, values=values, missing=[_NO_LINK]
        )
    pending = [e for e in selected if e.assessed is None]
    unknown = [e for e in found if e.selected is None]
    missing = [m for e in [*pending, *unknown] for m in e.missing]
    if pending:
        reason = "需评估（逐一评估检查）：" + "；".join(e.text for e in pending)
        return _verdict(c, Status.UNKNOWN, reason, citation, values=values, missing=missing)
    if unknown:
        reason = "能耗或投产年份缺失"
        bounded_unknown = [e.text for e in unknown if e.text]
        if bounded_unknown:
            reason += "：" + "；".join(bounded_unknown)
        return _verdict(c, Status.UNKNOWN, reason, citation, values=values, missing=missing)
    bounded = [e.text for e in found if e.selected is False and e.text]
    if selected:
        reason = "经逐一评估符合要求：" + "；".join(e.text for e in selected)
        reason += "".join(f"；{t}" for t in bounded)
        if len(selected) == len(found):
            return _verdict(c, Status.PASS, reason, citation, values=values)
        # the others are below the thresholds: a 符合 rests on those too (示例 → 待核实)
        reason += "；其余关联企业未达到评估门槛"
    else:
        reason = "关联企业均未达到“两高”项目或用能项目的评估门槛"
        reason += "：" + "；".join(bounded) if bounded else ""
    return _passed(c, reason, below, values=values, standard=_TWO_HIGH_STANDARD)


# --------------------------------------------------------------------------------------------
# 9. 产业结构调整指导目录

#: the county's own list of catalogue classes that flag a plot (core.collect)
_CATALOGUE_STANDARD = "standard_catalogue_classes（）"
#: the classes the 目录 itself restricts: left unflagged only by an example list, not 符合
_RESTRICTING = frozenset({CatalogueClass.RESTRICTED.value, CatalogueClass.ELIMINATED.value})


def check_catalogue(
    parcels: pd.DataFrame,
    *,
    enterprises: pd.DataFrame | None,
    pairs: pd.DataFrame | None,
    profile: Profile,
    as_of: dt.date | str | None = None,
) -> pd.Series:
    """An enterprise on the plot in a flagged 产业结构调整指导目录 class (default 淘汰类).

    Classes come from the enterprises' ``catalogue_class``, read by
    :meth:`landgov.core.vocab.CatalogueClass.parse` as the 增容 check [000 附件3 三.5] reads
    them (「淘汰」 and 「淘汰类 」 are 淘汰类); a text that names no class (「待定」) is 待核实,
    never 「不属淘汰类」. The edition in force on ``as_of`` (today when not given) is recorded
    in ``values["edition"]`` and named in the reason: 2019年本 before
    ``screening.catalogue_2024_from`` (2024-02-01), 2024年本 from that day on
    (:func:`landgov.far.industry.catalogue_edition`, the rule the 增容 check uses).

    Which classes flag a plot is ``screening.catalogue_flag_classes``. When that list is
    示例规则（非官方）, a 不符合 says so (:func:`~landgov.core.vocab.example_fail`), and a plot
    with an enterprise in a class the 目录 restricts (限制类、淘汰类) that the list leaves out is
    待核实, never 符合 on the example list alone.

    Returns
    -------
    pandas.Series
        Verdicts named ``catalogue``; ``values["classes"]`` is a tuple of (uscc, class or
        None), the class as :class:`~landgov.core.vocab.CatalogueClass` names it;
        ``values["edition"]`` the edition (``"2019年本"`` / ``"2024年本"``).
    """
    key = "screening.catalogue_2024_from"
    day = (_as_timestamp(dt.date.today() if as_of is None else as_of)).date()
    edition = catalogue_edition(day, switch_date=_as_timestamp(profile.value(key)).date())
    book = f"按基准日 {day} 适用的《产业结构调整指导目录（{edition}）》"
    key = "screening.catalogue_flag_classes"
    flagged = {str(CatalogueClass.parse(c) or c) for c in profile.value(key)}
    classes_read: dict[object, CatalogueClass | None] = {}  # a few texts, many enterprises

    def parsed(value: object) -> CatalogueClass | None:
        try:
            return classes_read[value]
        except KeyError:
            found = classes_read[value] = CatalogueClass.parse(value)
            return found
        except TypeError:  # unhashable
            return CatalogueClass.parse(value)

    citation = profile.citation(key)
    table = _Firms(enterprises)
    links = _usccs_by_parcel(parcels, pairs)
    c = Check.CATALOGUE
    none_of = f"{book}，关联企业均不属 " + "、".join(sorted(flagged))
    out = []
    done: dict[tuple[str, ...], Verdict] = {}  # plots with the same enterprises: one verdict
    for usccs in links.tolist():
        hit = done.get(usccs)
        if hit is not None:
            out.append(hit)
            continue
        raw = {u: table.get(u, "catalogue_class") for u in usccs}
        read = {u: parsed(v) for u, v in raw.items()}
        classes = tuple((u, None if read[u] is None else read[u].value) for u in usccs)
        values = {"classes": classes, "edition": edition}
        hits = [f"{u}（{cls}）" for u, cls in classes if cls in flagged]
        unknown = [u for u, cls in classes if cls is None]
        if hits:
            reason = f"{book}，企业属限制/淘汰类别：" + "、".join(hits)
            reason = example_fail(reason, citation)  # an example list of classes: said
            out.append(_verdict(c, Status.FAIL, reason, citation, values=values))
        elif not usccs:
            out.append(
                _verdict(
                    c, Status.UNKNOWN, f"无关联企业（{book}）", citation, values=values,
                    missing=[_NO_LINK],
                )
            )  # fmt: skip
        elif unknown:
            missing = [
                catalogue_item(u) + ("" if raw[u] is None else f"；所见「{raw[u]}」无法识别")
                for u in unknown
            ]
            out.append(
                _verdict(
                    c, Status.UNKNOWN, f"产业目录类别缺失或无法识别（{book}）", citation,
                    values=values,
                    missing=missing,
                )
            )  # fmt: skip
        elif any(cls in _RESTRICTING for _, cls in classes):
            out.append(
                _passed(c, none_of, citation, values=values, standard=_CATALOGUE_STANDARD)
            )  # official list: 符合; an example one leaves a 限制类 firm out: 待核实
        else:
            out.append(_verdict(c, Status.PASS, none_of, citation, values=values))
        done[usccs] = out[-1]
    return _series(out, parcels.index, c.value)
