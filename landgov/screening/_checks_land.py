"""Checks on the use of the land itself: idle (供而未用) and under-used (用而未尽) plots."""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any

import numpy as np
import pandas as pd

from landgov.core.collect import PLOT_AREA, PLOT_FLOOR, field_item
from landgov.core.compare import compare, shown
from landgov.core.dates import full_months_column, full_years, span_text
from landgov.core.missing import format_number, is_missing, numeric_column, present_column
from landgov.core.vocab import EXAMPLE_ONLY, example_fail
from landgov.far.industry import industry_item, national_floor, to_gb2002_division
from landgov.far.ratio import (
    BLANK_AS_ZERO,
    RECORDED_FLOOR,
    RECORDS_FLOOR,
    UNBUILT_EVIDENCE,
    ZERO_SET_ASIDE,
    estimate_citations,
    layer_shows_no_building,
    plot_zero_set_aside,
    recorded_floor,
    recorded_floor_item,
    recorded_floor_words,
    shows_buildings,
)
from landgov.policy import Param, Profile
from landgov.screening._common import (
    _DIGITS,
    DATE_LABELS,
    Check,
    _as_timestamp,
    _col,
    _completion_dates,
    _described,
    _Firms,
    _holds,
    _passed,
    _period_dates,
    _series,
    _straddling_words,
    _unread_dates,
    _verdict,
)
from landgov.units import plot_area_m2
from landgov.verdict import Citation, Status, Verdict

# --------------------------------------------------------------------------------------------
# 4. idle land (供而未用)

_IDLE_STANDARD = "standard_idle_years（）"  # the county's own 闲置 years (core.collect)


def check_idle(parcels: pd.DataFrame, *, profile: Profile, as_of: dt.date | str) -> pd.Series:
    """Idle land (供而未用): not started a full year after the contracted start date.

    A plot is started when it has a ``start_date`` or ``completion_date`` on or before
    ``as_of``, a floor area above 0, or a ``built_cover`` (share of the plot built up, from a
    raster: :func:`landgov.far.raster.built_cover`) of at least ``screening.idle_built_cover_min``;
    it is known not to be started when those dates are empty and a buildings layer covering the
    plot shows no building on it, or the raster shows nothing built
    (:func:`landgov.far.ratio.shows_no_building`). A floor area of 0 (or blank) alone is no
    such fact — a .dbf writes a blank number as 0 — so a plot resting on it is 待核实 (never
    闲置, never 可无偿收回), naming the buildings layer or a site check (自然资源局). The
    floor area is the one 用而未尽 and 增容 read (:func:`_built_floor`: the run's 容积率,
    from the buildings layer before the recorded ``floor_area_m2``), so a plot whose
    buildings give it 容积率 0.7 is never 「未动工」 because its recorded floor area says 0.
    The raster's cover rests on two thresholds
    (``screening.idle_built_cover_min`` and the cell height ``far.raster_min_height_m``): when
    either is 示例规则（非官方）, a plot that only the raster shows started is 待核实, never 符合
    on that value alone (a plot the raster shows bare is still idle). Idle when not started and
    ``idle_years = full years(contract_start_date → as_of)`` ≥ ``screening.idle_years``; after
    ``screening.idle_recovery_years`` the land may be taken back without compensation
    *(ext: 闲置土地处置办法 2012, 第二条、第十四条)* [004 二(一)1 供而未用].
    A start or completion date written but no date (「2023」, 「待定」:
    :func:`~landgov.screening._common._unread_dates`) may say the plot was started: such a plot
    is never known not to be started (待核实 once the years would make it idle); a contracted
    start date written but no date is 待核实 too. Each names the cell
    (「竣工日期「2023」无法识别为日期」) in its reason and to-verify items.
    Each date is a span (:func:`~landgov.screening._common._period_dates`): a cell written
    「2024年6月」 is any day of June. A start or completion date starts the plot only when all
    of it is on or before ``as_of``; across ``as_of`` whether the plot was started is not known
    (:func:`~landgov.screening._common._straddling_words`). The years are counted from the
    contracted start's last day, and a plot is idle, or not yet, only where its first day
    gives the same answer; else 待核实 naming the span (:func:`_contract_straddling`). An idle
    plot whose first day makes it recoverable and whose last day does not has
    ``recoverable`` ``None`` (not known, said in the reason).

    Returns
    -------
    pandas.Series
        Verdicts named ``idle``; ``values`` hold ``idle_years`` (full years, 0 when started;
        absent when whether building started is not known: ``contract_years`` then),
        ``idle_months`` and ``recoverable``.
    """
    when = _as_timestamp(as_of)
    limit, recover = profile["screening.idle_years"], profile["screening.idle_recovery_years"]
    citation = profile.citation("screening.idle_years")
    # each date a span (a cell written 「2025年6月」 is all of June): decided only where all of it
    # is on one side, 待核实 naming the span where it straddles (_straddling_words)
    contract, contract_last = _period_dates(parcels, "contract_start_date")
    start, start_last = _period_dates(parcels, "start_date")
    done, done_last = _completion_dates(parcels)
    # a date cell written but no date (「2023」, 「待定」) is not blank: what rests on it is 待核实
    unread = {n: _unread_dates(parcels, n) for n in DATE_LABELS}
    for name, first, last, verb in (
        ("start_date", start, start_last, "开工"),
        ("completion_date", done, done_last, "竣工"),
    ):
        question = f"无法判断基准日 {when.date()} 前是否已{verb}"
        mid = _straddling_words(first, last, when, DATE_LABELS[name], question)
        unread[name] = _either(unread[name], mid)
    floor = _built_floor(parcels)  # the floor area 用而未尽 and 增容 read: buildings first
    # a recorded 0 the run passed over (far.ratio.zero_set_aside): named where whether the
    # plot was started is not known
    unread[ZERO_SET_ASIDE] = plot_zero_set_aside(parcels).where(floor.isna(), None)
    cover = numeric_column(parcels, "built_cover")  # NaN everywhere when no raster was given
    cover_min = profile["screening.idle_built_cover_min"]
    covered = cover_min.compare(cover.round(_DIGITS))
    # a buildings layer covering the plot shows none on it (far.ratio.shows_no_building)
    layer_bare = layer_shows_no_building(parcels)
    bare = (floor == 0) | (cover.notna() & ~covered) | layer_bare
    # started by a date: all of its span on or before the reference date
    shown = ((start_last <= when) | (done_last <= when) | (floor > 0)).fillna(False)  # facts
    started = shown | covered.fillna(False)
    not_started = ~started & (start.isna() | (start > when)) & (done.isna() | (done > when)) & bare
    # a start or completion date that cannot be read may say the plot was started
    not_started &= unread["start_date"].isna() & unread["completion_date"].isna()
    # bare by a floor area of 0 alone (no buildings layer over the plot, no raster): a .dbf
    # writes a blank as 0, so the 0 does not say 未动工 (far.ratio.shows_no_building)
    zero_only = not_started & ~layer_bare & cover.isna()
    not_started &= ~zero_only
    on_zero = _zero_words(parcels).where(zero_only, None)
    # bare by the raster alone (no floor area of 0, no buildings layer): a 闲置 on its thresholds
    raster = (cover_min, profile["far.raster_min_height_m"])
    bare_by_raster = (not_started & ~(floor == 0) & ~layer_bare).tolist()
    if not all(p.official for p in raster):
        # started by the raster alone rests on a 示例规则（非官方） threshold: not known
        by_raster = started & ~shown
        started = shown
        not_started &= ~by_raster
    else:
        by_raster = pd.Series(False, index=parcels.index)
    # counted from the span's last day (never reached early); idle or not decided only where its
    # first day gives the same answer, else 待核实 naming the span
    months = full_months_column(contract_last, when.date())  # 《民法典》第二百零二条
    years = months // 12
    months, years, unsure = _contract_straddling(
        (contract, contract_last), (months, years), when=when, limit=limit
    )
    unread["contract_start_date"] = _either(unread["contract_start_date"], unsure)
    out = []
    rows = zip(
        started.tolist(),
        not_started.tolist(),
        by_raster.tolist(),
        cover.tolist(),
        years.tolist(),
        months.tolist(),
        contract.tolist(),
        contract_last.tolist(),
        _unread_notes(unread),
        bare_by_raster,
        on_zero.tolist(),
        strict=True,
    )
    # one verdict per distinct (state, years, months, date): every started plot shares one
    memo: dict[tuple[Any, ...], Verdict] = {}
    for is_started, is_not, raster_only, share, y, m, first, day, notes, raster_bare, zero in rows:
        state = True if is_started else (False if is_not else None)
        seen = round(float(share), _DIGITS) if raster_only else None
        bare_on = raster if state is False and raster_bare else ()
        key = (True,) if state else (state, seen, y, m, first, day, notes, bool(bare_on), zero)
        found = memo.get(key)
        if found is None:
            found = memo[key] = _idle_verdict(
                state,
                y,
                m,
                contract=(first, day),
                as_of=when.date(),
                limit=limit,
                recover=recover,
                citation=citation,
                raster_cover=None if seen is None else (seen, cover_min),
                unread=notes,
                bare_on=bare_on,
                on_zero=zero,
            )
        out.append(found)
    return _series(out, parcels.index, Check.IDLE.value)


def _either(said: pd.Series, more: pd.Series) -> pd.Series:
    """Per plot, the words of ``said``, else of ``more``; ``None`` where neither has any."""
    out = said.astype(object).where(said.notna(), more.astype(object))
    return out.where(out.notna(), None)


def _contract_straddling(
    contract: tuple[pd.Series, pd.Series],
    counted: tuple[pd.Series, pd.Series],
    *,
    when: pd.Timestamp,
    limit: Param,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Full months and years since the contracted start, blank where the start is written as a
    month (a quarter, a half-year) whose first day makes the plot idle and whose last day does
    not; and per plot the words that say so (``None`` elsewhere).

    ``contract`` is the span (:func:`~landgov.screening._common._period_dates`); ``counted`` the
    months and years from its last day. 「2025年7月」 at 2026-07-15 with 满 1 年: from 07-01 a full
    year, from 07-31 not: whether the plot is idle is not known (待核实), where reading either
    day alone would decide it on a guess."""
    (first, last), (months, years) = contract, counted
    differ = (first < last).fillna(False).to_numpy()
    words = pd.Series(None, index=first.index, dtype=object)
    if not differ.any():
        return months, years, words
    early = full_months_column(first, when.date()) // 12
    months, years = months.copy(), years.copy()
    for i in np.flatnonzero(differ).tolist():  # only the plots written as a month
        if _holds(limit, early.iat[i]) and not _holds(limit, years.iat[i]):
            span = span_text(first.iat[i].date(), last.iat[i].date())
            words.iat[i] = (
                f"约定开工日期只写到 {span}：至基准日 {when.date()} 按最早一天已满"
                f"{limit.value}年，按最晚一天未满"  # no 「、」: the items are 「、」-joined
            )
            months.iat[i] = years.iat[i] = np.nan
    return months, years, words


def _zero_words(parcels: pd.DataFrame) -> pd.Series:
    """Per plot, why 「未动工」 cannot rest on its floor area of 0 alone: where the 0 came from
    (the run's ``far_source``, else the recorded 建筑面积), that nothing corroborates it, and
    that a .dbf writes a blank number as 0 (:func:`landgov.far.ratio.shows_no_building`)."""
    told = present_column(_col(parcels, "far_source")).tolist()
    words: dict[str, str] = {}
    out = []
    for t in told:
        where = t if isinstance(t, str) else "登记建筑面积"
        if where not in words:
            words[where] = (
                f"未动工仅有建筑面积 0（{where}）一项依据，无覆盖该宗地的建筑图层或高度栅格"
                f"佐证；{BLANK_AS_ZERO}，不能据此认定闲置，请提供建筑图层或现场核查是否已动工"
            )
        out.append(words[where])
    return pd.Series(out, index=parcels.index, dtype=object)


#: The plot field a to-verify item names for each key of the idle check's ``unread`` words:
#: the date fields are their own; a recorded 0 set aside is the 建筑面积's.
_FIELD_OF = {ZERO_SET_ASIDE: "floor_area_m2"}


def _unread_notes(unread: dict[str, pd.Series]) -> list[tuple[tuple[str, str], ...]]:
    """Per plot, (field, words) of its date cells written but no date, in the order of
    ``unread`` (``("contract_start_date", "约定开工日期「待定」无法识别为日期")``, …); ``()`` for
    most plots."""
    n = len(next(iter(unread.values()))) if unread else 0
    written = np.zeros(n, dtype=bool)
    for col in unread.values():
        written |= col.notna().to_numpy()
    out: list[tuple[tuple[str, str], ...]] = [()] * n
    for i in np.flatnonzero(written).tolist():  # only the plots with such a cell
        out[i] = tuple((f, w) for f, col in unread.items() if (w := col.iat[i]) is not None)
    return out


def _idle_verdict(
    started: bool | None,
    years: Any,
    months: Any,
    *,
    contract: tuple[pd.Timestamp, pd.Timestamp],
    as_of: dt.date,
    limit: Param,
    recover: Param,
    citation: Citation,
    raster_cover: tuple[float, Param] | None = None,
    unread: tuple[tuple[str, str], ...] = (),
    bare_on: tuple[Param, ...] = (),
    on_zero: str | None = None,
) -> Verdict:
    """``contract``: the contracted start's first and last day (one day but for a month, a
    quarter or a half-year), ``years`` and ``months`` counted from the last; ``as_of`` the
    reference date. ``raster_cover``: (cover, its threshold) when only the raster shows the
    plot started and that rests on a 示例规则（非官方） value (``started`` is then ``None``).
    ``unread``: the words of the plot's date cells written but no date
    (:func:`_unread_notes`), said in the reason and the to-verify items of a 待核实 (they may
    be what makes it one). ``bare_on``: the thresholds a not-started plot rests on when only
    the raster shows it bare (the cover and the cell height). ``on_zero``: why 「未动工」
    cannot rest on the plot's floor area of 0 alone (:func:`_zero_words`; ``started`` is then
    ``None``), said in the reason of the 待核实, whose to-verify item is the buildings layer
    or a site check (:data:`~landgov.far.ratio.UNBUILT_EVIDENCE`).

    A 闲置 on a 示例规则（非官方） value (the years, or the raster's thresholds) says so
    (:func:`~landgov.core.vocab.example_fail`); 「未满 N 年」 on an example number of years is
    待核实, never 符合 on it alone."""
    c = Check.IDLE
    if started:
        return _verdict(c, Status.PASS, "已动工或已有建筑", citation, values={"idle_years": 0})
    need_start = (
        UNBUILT_EVIDENCE
        if on_zero
        else "宗地字段 start_date（实际开工日期）或 floor_area_m2（建筑面积）"
    )
    said = dict(unread)
    contract_unread = said.pop("contract_start_date", None)
    others = list(said.values())  # the start or completion date: whether building started
    told = f"（{'；'.join(others)}）" if others else ""
    # each as a to-verify item of its field, filed under the department that holds it
    other_items = [field_item(_FIELD_OF.get(f, f), w) for f, w in said.items()]
    if is_missing(years):
        missing = [
            field_item("contract_start_date", contract_unread)
            if contract_unread
            else "宗地字段 contract_start_date（约定开工日期）"
        ]
        missing += [need_start] if started is None else []
        why = contract_unread or "约定开工日期缺失"
        return _verdict(
            c,
            Status.UNKNOWN,
            f"{why}，无法判定是否闲置{told}",
            citation,
            values={},
            missing=[*missing, *other_items],
        )
    y, m = int(years), int(months)
    first, last = (d.date() for d in contract)
    day = last.isoformat()  # counted from the last day a month-only date may mean
    # 「2023-06-30 满1年」; after a bracket no space: 「…（按最晚一天计）满1年」
    day_said = f"{day} " if first == last else f"{span_text(first, last)}（按最晚一天计）"
    values = {"idle_years": max(y, 0), "idle_months": max(m, 0), "contract_start_date": day}
    if not _holds(limit, y):
        reason = f"约定开工日期 {day_said.rstrip()}，至基准日未满{limit.value}年（{max(m, 0)}个月）"
        return _passed(c, reason, citation, values=values, standard=_IDLE_STANDARD)
    if started is None:
        # not known to be idle: the years since the contracted start are no 闲置年数 (a rule
        # reading idle_years, and the 闲置年数 column, see it missing)
        values = {"contract_years": max(y, 0), "idle_months": max(m, 0), "contract_start_date": day}
        reason = f"约定开工日期 {day_said}已过{y}年，是否动工不明{told}"
        if on_zero:
            reason += f"：{on_zero}"
        if raster_cover is not None:
            share, cover_min = raster_cover
            values["built_cover"] = share
            reason += (
                f"：仅建筑高度栅格显示已有建筑（建筑覆盖率（高度栅格）{share:.0%}，"
                f"阈值 {_described(cover_min)}），所用阈值（覆盖率或最低建筑高度）为"
                "示例规则（非官方），不能单独认定已动工，请核实实际开工日期"
            )
        missing = [need_start, *other_items]
        return _verdict(c, Status.UNKNOWN, reason, citation, values=values, missing=missing)
    values["recoverable"] = _holds(recover, y)
    if not values["recoverable"] and first < last and _holds(recover, full_years(first, as_of)):
        # the month's first day makes the plot recoverable, its last day not: not known
        values["recoverable"] = None
    reason = (
        f"超过约定开工日期 {day_said}满{y}年（{m}个月）未动工，属闲置土地（{_described(limit)}）"
    )
    reason = example_fail(reason, citation, *bare_on)
    if values["recoverable"]:
        reason += f"；已满{recover.value}年，可无偿收回（{_described(recover)}）"
    elif values["recoverable"] is None:
        reason += (
            f"；约定开工日期只写到 {span_text(first, last)}，按最早一天已满{recover.value}年，"
            f"按最晚一天未满，是否可无偿收回待核实（{_described(recover)}）"
        )
    if values["recoverable"] is not False and recover.citation is not None:
        reason += f" {recover.cite()}"  # its own clause (第十四条), not the idle one's
    return _verdict(c, Status.FAIL, reason, citation, values=values)


# --------------------------------------------------------------------------------------------
# 5. under-used land (用而未尽)


def _far_values(parcels: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """容积率 per plot and where it came from, said as a user reads it (the reason shows it):
    ``far_minimum`` (the national minimum's, as :func:`landgov.far.compute_far` gives it with
    ``far_source``: 「容积率测算值，按建筑记录」), else ``far`` 「容积率测算值」, else floor area /
    land area, else ``far_declared`` 「登记容积率」."""
    far = numeric_column(parcels, "far_minimum").fillna(numeric_column(parcels, "far"))
    given = pd.Series(np.where(far.notna(), "容积率测算值", ""), index=parcels.index)
    if "far_source" in parcels.columns:
        told = present_column(parcels["far_source"]).where(far.notna())
        given = given.where(told.isna(), "容积率测算值，按" + told.astype(str))
    source = given.astype("object")
    area = plot_area_m2(parcels)  # blank: not known (a sliver, no shape), as every stage reads it
    # a recorded 0 the run's 容积率 passed over (far.ratio.zero_set_aside) is not read back
    computed = recorded_floor(parcels, "floor_area_m2") / area.replace(0.0, np.nan)
    source = source.mask((source == "") & computed.notna(), "建筑面积/用地面积")
    far = far.fillna(computed)
    declared = recorded_floor(parcels, "far_declared")
    source = source.mask((source == "") & declared.notna(), "登记容积率")
    return far.fillna(declared), source


def _built_floor(parcels: pd.DataFrame) -> pd.Series:
    """Per plot, what tells whether it has buildings: > 0 built, 0 nothing built, NaN unknown.

    The 容积率 of :func:`_far_values` — the one 用而未尽 judges and the run measures for both
    stages (:func:`landgov.run.far.plot_far`: building records before the recorded floor area,
    then the recorded 容积率) — unless it was estimated from the height raster, whose cells
    count as buildings only by their own thresholds (供而未用 weighs ``built_cover`` against
    them); else the recorded ``floor_area_m2``. Only the sign is read.
    """
    far, _ = _far_values(parcels)
    if "far_source" in parcels.columns:
        told = present_column(parcels["far_source"])
        far = far.mask(told.notna() & ~told.map(shows_buildings, na_action="ignore").astype(bool))
    return far.where(far.notna(), recorded_floor(parcels, "floor_area_m2"))


def _floor_of(
    firm: Any,
    table: _Firms,
    profile: Profile,
    codes: dict[tuple[Any, Any], tuple[float | None, str | None, str, str]] | None = None,
) -> tuple[float | None, str | None, str, str]:
    """(national floor or None, 2002 division, what the floor is called, note) for a firm.

    The floor comes from :func:`landgov.far.industry.national_floor`, the lookup ``far`` uses.
    ``None`` means the industry is not known (no main enterprise, no code, or a manufacturing
    code without a 2002 division): the floor could be any of the table's. ``codes`` keeps the
    answer per (industry code, edition): many firms share an industry.
    """
    code = None if is_missing(firm) else table.get(firm, "industry_code")
    edition = None if is_missing(firm) else table.get(firm, "industry_edition")
    if code is None:
        why = "宗地没有主要企业" if is_missing(firm) else f"企业 {firm} 无行业代码"
        return None, None, "", why
    if codes is None:
        return _floor_of_code(code, edition, profile)
    try:
        key = (code, edition, type(code), type(edition))
        found = codes.get(key)
    except TypeError:  # a value that cannot be hashed: no memo
        return _floor_of_code(code, edition, profile)
    if found is None:
        found = codes[key] = _floor_of_code(code, edition, profile)
    return found


def _floor_of_code(
    code: Any, edition: Any, profile: Profile
) -> tuple[float | None, str | None, str, str]:
    floor, gb2002, note = national_floor(code, edition=edition, profile=profile)
    if not math.isnan(floor):
        return floor, gb2002, f"行业大类 {gb2002}（GB/T 4754-2002）下限", note
    if to_gb2002_division(code, edition=edition).manufacturing is False:
        return math.nan, gb2002 or None, "默认下限（非制造业，无国家指标）", note
    return None, gb2002 or None, "", note


def check_under_used(
    parcels: pd.DataFrame,
    *,
    enterprises: pd.DataFrame | None,
    profile: Profile,
) -> pd.Series:
    """Under-used land (用而未尽) [004 二(一)1]: 容积率 below the floor.

    The floor is the national floor of the main enterprise's industry
    (:func:`landgov.far.industry.national_floor`: the code of any GB/T 4754 edition mapped to
    its 2002 division, the same lookup ``far`` uses; *ext: 工业项目建设用地控制指标 2008*). A
    non-manufacturing code has no national floor and gets ``screening.under_used_far_default``
    (project default). When the industry is not known the floor could be any of the table's:
    below every one → 不符合, at or above every one (and the default) → 符合, in between →
    待核实 naming the industry code. The comparison is ``screening.under_used_far_default``'s
    (``<``: below the floor, the floor itself is not under-used), made on 容积率 rounded to
    6 decimals so that floating noise in floor area / land area does not decide.
    容积率 is ``far_minimum`` (the run puts :func:`landgov.run.far.plot_far`'s there: the
    增容 stage's figure), else ``far``, else ``floor_area_m2 / area_m2``, else ``far_declared``.

    A plot with 容积率 0 and no ``completion_date`` is not yet built: 用而未尽 is land built and
    in use but not used to the full, beside 供而未用 (supplied, not built) [004 二(一)1
    「聚焦批而未供、供而未用、用而未尽等问题」], so this check does not list it (符合, saying so):
    whether it is idle is :func:`check_idle`'s question, which lists it once its construction
    period has passed. A plot under construction within its period is thus not put on the
    治理清单 for a 容积率 it cannot have yet.
    A plot with 容积率 0 and a ``completion_date`` written but no date (「2023」, 「待定」:
    :func:`~landgov.screening._common._unread_dates`) is 待核实 naming the cell: whether it is
    built rests on it, and it is not a blank cell.

    Returns
    -------
    pandas.Series
        Verdicts named ``under_used``; ``values`` hold ``far``, ``floor`` (None when the
        industry is unknown) and ``division`` (GB/T 4754-2002, text such as ``"40"``).
    """
    param = profile["screening.under_used_far_default"]
    default = float(param.value)
    default_cit = profile.citation("screening.under_used_far_default")
    floor_cit = profile.citation("far.national_floors")
    table_floors = [float(v) for v in profile.value("far.national_floors").values()]
    # an unknown industry's floor is one of the table's, or the default (no national floor)
    lowest, highest = min([*table_floors, default]), max([*table_floors, default])
    lowest_cit = floor_cit if min(table_floors) <= default else default_cit
    far, source = _far_values(parcels)
    estimated = _estimated_on(parcels, far, profile)
    aside = plot_zero_set_aside(parcels).where(far.isna(), None).tolist()
    zero = far.round(_DIGITS) == 0
    unread = _unread_dates(parcels, "completion_date").where(zero, None)
    unbuilt = zero & _completion_dates(parcels)[0].isna() & unread.isna()
    # 「尚未建成」 on a 0 nothing corroborates (no buildings layer covering the plot shows it
    # bare; not a height raster's estimate, judged on its own thresholds): a .dbf writes a
    # blank as 0, so built or not is unknown (far.ratio.shows_no_building, as 供而未用 reads it)
    facts = pd.Series(
        [shows_buildings(t) for t in _col(parcels, "far_source").tolist()], index=parcels.index
    )
    zero_alone = (unbuilt & ~layer_shows_no_building(parcels) & facts).tolist()
    table = _Firms(enterprises)
    main = _col(parcels, "main_uscc")
    gaps = _far_gaps(parcels, far)
    out = []
    rows = zip(
        main.tolist(), far.tolist(), source.tolist(), unbuilt.tolist(), unread.tolist(), strict=True
    )
    floors: dict[str, tuple[float | None, str | None, str, str]] = {}  # per main enterprise
    codes: dict[tuple[Any, Any], tuple[float | None, str | None, str, str]] = {}  # per industry
    for (firm, value, origin, not_built, doubt), zero_aside, alone in zip(
        rows, aside, zero_alone, strict=True
    ):
        if alone:
            out.append(_zero_alone_verdict(origin))
            continue
        if not_built:
            out.append(_not_built_verdict(origin))
            continue
        if doubt is not None:
            out.append(_built_unknown_verdict(origin, doubt))
            continue
        if zero_aside is not None:
            out.append(_zero_aside_verdict(zero_aside, profile.citation("far.national_floors")))
            continue
        if isinstance(firm, str):
            if firm not in floors:
                floors[firm] = _floor_of(firm, table, profile, codes)
            floor, div, basis, note = floors[firm]
        else:
            floor, div, basis, note = _floor_of(firm, table, profile, codes)
        if floor is not None and math.isnan(floor):
            floor, cit = default, default_cit
        else:
            cit = floor_cit if floor is not None else default_cit
        values = {
            "far": None if is_missing(value) else float(value),
            "floor": floor,
            "division": div,
        }
        out.append(
            _under_used_verdict(
                value,
                floor,
                basis=basis,
                note=note,
                origin=origin,
                firm=firm,
                bounds=(lowest, highest),
                floors=lowest_cit,
                op=param.comparison or "<",
                citation=cit,
                values=values,
                lacks=gaps[len(out)],
            )
        )
    out = _on_recorded(out, parcels, op=param.comparison or "<", bounds=(lowest, highest))
    out = [_on_estimate(v, rests) for v, rests in zip(out, estimated, strict=True)]
    return _series(out, parcels.index, Check.UNDER_USED.value)


_RECORDED_SAYS = {
    Status.FAIL: "低于下限",
    Status.PASS: "不低于下限",
    Status.UNKNOWN: "是否低于下限取决于行业",
}


def _on_recorded(
    verdicts: list[Verdict], parcels: pd.DataFrame, *, op: str, bounds: tuple[float, float]
) -> list[Verdict]:
    """``verdicts`` with a 符合 or 不符合 the registered 建筑面积 answers otherwise 待核实.

    Where the plot's floor area came from its building records and the register says another
    figure (``floor_area_recorded_m2``, :func:`landgov.far.ratio.other_recorded_floor`), the
    容积率 of the registered figure is compared with the same floor (or, the industry unknown,
    the same lowest and highest floors); where it answers otherwise neither figure decides.
    """
    if RECORDED_FLOOR not in parcels.columns:
        return verdicts
    recorded = numeric_column(parcels, RECORDED_FLOOR)
    if not recorded.notna().any():
        return verdicts
    area = plot_area_m2(parcels)
    real = numeric_column(parcels, RECORDS_FLOOR)
    out = list(verdicts)
    for i in np.flatnonzero((recorded.notna() & (area > 0)).to_numpy()):
        v = out[i]
        if v.status not in (Status.PASS, Status.FAIL):
            continue
        ratio = float(recorded.iat[i]) / float(area.iat[i])
        seen = round(ratio, _DIGITS)
        floor = v.values.get("floor")
        lowest, highest = (floor, floor) if floor is not None else bounds
        if compare(seen, op, lowest):
            other = Status.FAIL
        elif not compare(seen, op, highest):
            other = Status.PASS
        else:
            other = Status.UNKNOWN
        if other is v.status:
            continue
        figure = shown(ratio, lowest if other is Status.FAIL else highest)
        said = _RECORDED_SAYS[other]
        words = recorded_floor_words(recorded.iat[i], real.iat[i])
        reason = (
            f"{v.reason}；但按登记建筑面积，容积率 {figure}，{said}：{words}，两者结论不同，"
            "不据此判定"
        )
        values = {**v.values, "far_recorded": round(ratio, 3)}
        missing = (*v.missing, recorded_floor_item(recorded.iat[i], real.iat[i]))
        out[i] = Verdict.trusted(
            v.rule_id, Status.UNKNOWN, reason, v.citation, values=values, missing=missing
        )
    return out


def _far_gaps(parcels: pd.DataFrame, far: pd.Series) -> list[tuple[str, ...]]:
    """Per plot, what its 容积率 lacks where it is unknown, as 增容 names it for its cap: the
    plot's area (:data:`~landgov.core.collect.PLOT_AREA`) where that is not known, its floor
    area (:data:`~landgov.core.collect.PLOT_FLOOR`) where that is not — never a floor area the
    plot has, asked for because its area is unknown."""
    area = plot_area_m2(parcels).isna().tolist()
    floor = recorded_floor(parcels, "floor_area_m2").isna().tolist()
    out: list[tuple[str, ...]] = []
    for known, no_area, no_floor in zip(far.notna().tolist(), area, floor, strict=True):
        if known or not no_area:
            out.append((PLOT_FLOOR,))
        else:
            out.append((PLOT_AREA, PLOT_FLOOR) if no_floor else (PLOT_AREA,))
    return out


#: What a plot whose 容积率 was estimated from heights lacks: its real floor area.
_FLOOR_AREA = "宗地字段 floor_area_m2（建筑面积）"


def _estimated_on(parcels: pd.DataFrame, far: pd.Series, profile: Profile) -> list[tuple]:
    """Per plot, the 示例规则（非官方） citations its 容积率 rests on: a height estimate
    (``far_source`` 建筑高度估算 / 高度栅格估算) counts storeys with ``far.raster_storey_height_m``
    (and the raster's cells with ``far.raster_min_height_m``); empty for a recorded figure."""
    if "far_source" not in parcels.columns:
        return [()] * len(parcels)
    told = present_column(parcels["far_source"]).where(far.notna())
    cited = {t: estimate_citations(t, profile) for t in set(told.dropna().tolist())}
    return [cited.get(t, ()) for t in told.tolist()]


def _on_estimate(verdict: Verdict, rests: tuple[Citation, ...]) -> Verdict:
    """``verdict`` of a plot whose 容积率 is a height estimate on the 示例规则（非官方） values
    ``rests``: a 符合 is 待核实 (its real 建筑面积 to collect), a 不符合 says so
    (:func:`~landgov.core.vocab.example_fail`); as it is otherwise."""
    if not rests or verdict.status not in (Status.PASS, Status.FAIL):
        return verdict
    if verdict.status is Status.PASS:
        status, missing = Status.UNKNOWN, (*verdict.missing, _FLOOR_AREA)
        reason = f"{verdict.reason}；容积率按高度估算，{EXAMPLE_ONLY}"
    else:
        status, missing = Status.FAIL, verdict.missing
        reason = example_fail(f"{verdict.reason}（容积率按高度估算）", *rests)
    return Verdict.trusted(
        verdict.rule_id, status, reason, verdict.citation, values=verdict.values, missing=missing
    )


#: 批而未供、供而未用、用而未尽 as three problems [004 二(一)1]: an unbuilt plot is not 用而未尽.
_STAGES = Citation("004", "二(一)1")


@functools.lru_cache(maxsize=16)
def _not_built_verdict(origin: str) -> Verdict:
    """符合 for a plot not yet built (容积率 0, no 竣工日期): one verdict per 容积率 source."""
    reason = (
        f"容积率 0（{origin}），无竣工日期：尚未建成，不属用而未尽（已建成而利用不足）；"
        "是否闲置按供而未用判定"
    )
    values = {"far": 0.0, "floor": None, "division": None, "not_built": True}
    return _verdict(Check.UNDER_USED, Status.PASS, reason, _STAGES, values=values)


@functools.lru_cache(maxsize=16)
def _zero_alone_verdict(origin: str) -> Verdict:
    """待核实 for a plot with 容积率 0 and no 竣工日期 whose 0 nothing corroborates (no buildings
    layer covering it shows it bare, :func:`landgov.far.ratio.shows_no_building`): a .dbf
    writes a blank 建筑面积 as 0, so it may be built (用而未尽 on an unknown 容积率) or not
    (符合): 待核实, naming :data:`~landgov.far.ratio.UNBUILT_EVIDENCE`, as 供而未用 does."""
    reason = (
        f"容积率 0（{origin}），无竣工日期：是否已建成不明——建筑面积 0 仅一项依据，无覆盖该宗地的"
        f"建筑图层佐证；{BLANK_AS_ZERO}，无法判定是否属用而未尽"
        "（已建成而利用不足；尚未建成的按供而未用判定）"
    )
    values = {"far": 0.0, "floor": None, "division": None}
    return _verdict(
        Check.UNDER_USED, Status.UNKNOWN, reason, _STAGES, values=values,
        missing=(UNBUILT_EVIDENCE,),
    )  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _built_unknown_verdict(origin: str, doubt: str) -> Verdict:
    """待核实 for a plot with 容积率 0 whose 竣工日期 is written but no date (``doubt``:
    「竣工日期「2023」无法识别为日期」): built (用而未尽 on the floor) or not (符合, not 用而未尽)
    rests on it, and a written cell is never read as a blank one."""
    reason = (
        f"容积率 0（{origin}），{doubt}：是否已建成不明，无法判定是否属用而未尽"
        "（已建成而利用不足；尚未建成的按供而未用判定）"
    )
    values = {"far": 0.0, "floor": None, "division": None}
    missing = (field_item("completion_date", doubt),)
    return _verdict(
        Check.UNDER_USED, Status.UNKNOWN, reason, _STAGES, values=values, missing=missing
    )


@functools.lru_cache(maxsize=1024)
def _zero_aside_verdict(words: str, citation: Citation) -> Verdict:
    """待核实 for a plot whose recorded 建筑面积 or 容积率 of 0 was set aside and nothing else
    gives its 容积率 (``words``: :func:`landgov.far.ratio.zero_set_aside`): never 「容积率 0
    低于下限」 nor 「尚未建成」 on a 0 that stands for a blank."""
    values = {"far": None, "floor": None, "division": None}
    missing = (field_item("floor_area_m2", "登记值 0 应为空白，请核实"),)
    return _verdict(
        Check.UNDER_USED, Status.UNKNOWN, f"容积率缺失：{words}", citation,
        values=values, missing=missing,
    )  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _floor_words(basis: str, floor: float, note: str) -> str:
    """The floor named with its note (「行业大类 13 … 下限 1」): written once per floor."""
    return f"{basis} {format_number(floor)}" + (f"（{note}）" if note else "")


def _under_used_verdict(
    value: Any,
    floor: float | None,
    *,
    basis: str,
    note: str,
    origin: str,
    firm: Any,
    bounds: tuple[float, float],
    op: str,
    citation: Citation,
    values: dict[str, Any],
    floors: Citation | None = None,
    lacks: tuple[str, ...] = (PLOT_FLOOR,),
) -> Verdict:
    """``lacks``: what an unknown 容积率 lacks (:func:`_far_gaps`). ``citation`` cites the floor
    compared; ``floors`` cites the lowest floor an unknown
    industry may have (the national table's, or the default when it is lower), which decides
    and is cited when 容积率 is below it. A 不符合 on a 示例规则（非官方）floor says so
    (:func:`~landgov.core.vocab.example_fail`)."""
    c = Check.UNDER_USED
    if is_missing(value):
        # what it lacks: the plot's area or its floor area (both where both are unknown)
        reason = "容积率缺失（用地面积未知）" if PLOT_AREA in lacks else "容积率缺失"
        return _verdict(c, Status.UNKNOWN, reason, citation, values=values, missing=list(lacks))
    seen = round(float(value), _DIGITS)
    if floor is not None:
        text = f"容积率 {shown(value, floor)}（{origin}）"
        words = _floor_words(basis, floor, note)
        if compare(seen, op, floor):
            reason = example_fail(f"{text}低于{words}", citation)
            return _verdict(c, Status.FAIL, reason, citation, values=values)
        standard = f"standard_far（{basis}）"
        return _passed(c, f"{text}不低于{words}", citation, values=values, standard=standard)
    lowest, highest = bounds
    # told apart from the floor it is set beside: 0.499 is never 「0.5 低于…0.5」, nor 0.9999 「1」
    figure = shown(value, lowest)
    figure = shown(value, highest) if figure == format_number(highest) else figure
    text = f"容积率 {figure}（{origin}）"
    span = f"{format_number(lowest)}–{format_number(highest)}"
    if compare(seen, op, lowest):
        reason = f"{text}低于各行业国家下限中的最低值 {format_number(lowest)}（行业不明：{note}）"
        # below every floor an unknown industry may have: the lowest of them decides, and is
        # what is cited (the table's, not the project default, unless the default is lower)
        cited = floors or citation
        return _verdict(c, Status.FAIL, example_fail(reason, cited), cited, values=values)
    if not compare(seen, op, highest):
        reason = f"{text}不低于各行业下限中的最高值 {format_number(highest)}（行业不明：{note}）"
        return _passed(c, reason, citation, values=values, standard="standard_far（行业不明）")
    missing = [
        "宗地的主要企业（main_uscc）的行业代码 industry_code（及版本 industry_edition）"
        if is_missing(firm)
        else industry_item(firm)  # the firm's own code: the item every check names
    ]
    reason = f"{text}是否低于下限取决于行业（各行业下限 {span}）：{note}"
    return _verdict(c, Status.UNKNOWN, reason, citation, values=values, missing=missing)
