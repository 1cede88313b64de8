"""The eight conditions [三 1–8] of [000 附件3], each a list of sub-verdicts."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from landgov.core.collect import (
    NO_COMPLIANCE_TABLE,
    NO_DEMOLITION_LAYER,
    field_item,
    render_text,
)
from landgov.core.compare import compare, measured, shown
from landgov.core.compare import describe as describe_threshold
from landgov.core.dates import (
    day_or_span,
    latest_name,
    latest_value,
    parse_date,
    unread_name,
    unread_value,
    unread_words,
)
from landgov.core.missing import format_number, is_missing, parse_yes_no
from landgov.core.overlay import judge_demolition
from landgov.core.records import (
    Judgement,
    RecordRule,
    Standing,
    describe,
    judge,
    window_start,
)
from landgov.core.textkey import folded
from landgov.core.vocab import (
    EXAMPLE_ONLY,
    SEVERITIES,
    CatalogueClass,
    ViolationCategory,
    application_answer,
    example_fail,
)
from landgov.far.industry import (
    catalogue_edition,
    catalogue_item,
    industry_item,
    to_gb2002_division,
)
from landgov.far.ratio import (
    BLANK_AS_ZERO,
    BUILDINGS_COVER,
    UNBUILT_EVIDENCE,
    ZERO_SET_ASIDE,
    shows_buildings,
    shows_no_building,
)
from landgov.far.zengrong._case import (
    _APP,
    _CLAUSE,
    NO_APPLICANT,
    PLOT_SHAPE,
    _app,
    _Case,
    _cite,
    _not_found,
    _on_example,
    _Record,
    _Settings,
    _v,
)
from landgov.far.zengrong._reads import Share, direct
from landgov.units import M2_PER_MU
from landgov.verdict import Citation, Status, Verdict

# ---------------------------------------------------------------------------------------------
# Condition 1 [三.1]


#: How 用地 … 亩 reads against ``zengrong.min_area_mu`` per comparison (met, not met).
_AREA_WORDS = {">": ("大于", "不大于"), ">=": ("不小于", "小于")}


def _area(case: _Case, s: _Settings) -> Verdict:
    """「地块用地面积原则上大于 15 亩」 [三.1]: the comparison is the profile's (``>``), on the
    area to 0.01 m² (cadastral precision); the reason shows as many decimals of 亩 as tell the
    area from the threshold (15.003 亩, never 「15.00 亩大于 15 亩」)."""
    param = s.profile["zengrong.min_area_mu"]
    min_mu = float(param.value)
    op = param.comparison or ">"
    cite = s.cite("min_area_mu")
    geom = case.far.get("land_area_m2")
    if is_missing(geom):
        return _v("cond1.area", Status.UNKNOWN, "用地面积未知", cite, missing=(PLOT_SHAPE,))
    threshold = min_mu * M2_PER_MU
    area = round(float(geom), 2)  # cadastral precision: 0.01 m²
    mu = area / M2_PER_MU
    values: dict[str, object] = {"用地面积_亩": round(mu, 4), "门槛_亩": min_mu}
    declared = case.parcel.get("area_declared_m2")
    if not is_missing(declared):
        d = round(float(declared), 2)
        values["登记面积_亩"] = round(d / M2_PER_MU, 4)
        if compare(d, op, threshold) != compare(area, op, threshold):
            reason = (
                f"图形面积 {shown(mu, min_mu, trim=False)} 亩与登记面积 "
                f"{shown(d / M2_PER_MU, min_mu, trim=False)} 亩分处 {min_mu:g} 亩两侧"
            )
            return _v(
                "cond1.area",
                Status.UNKNOWN,
                reason,
                cite,
                values=values,
                missing=("经核实的用地面积",),
            )
    ok = bool(compare(area, op, threshold))
    met, short = _AREA_WORDS.get(op, ("达到", "未达到"))
    reason = f"用地 {shown(mu, min_mu, trim=False)} 亩{met if ok else short} {min_mu:g} 亩"
    verdict = _v("cond1.area", Status.PASS if ok else Status.FAIL, reason, cite, values=values)
    return _on_example(verdict, f"三.1 用地面积 {describe_threshold(op, min_mu, '亩')}")


def _demolition(case: _Case, s: _Settings) -> Verdict:
    """「未列入近年拆迁计划」 [三.1]: :func:`landgov.core.overlay.judge_demolition`, the rule
    screening applies too."""
    rule = s.demolition
    clause = _cite("cond1")
    if (lost := _not_found(case, "cond1.demolition", "近年拆迁计划图层", clause)) is not None:
        return lost
    if not case.overlay.get("demolition_given"):
        return _v(
            "cond1.demolition",
            Status.UNKNOWN,
            "未提供近年拆迁计划图层",
            clause,
            missing=(NO_DEMOLITION_LAYER,),
        )
    share = float(case.overlay.get("demolition_share") or 0.0)
    found = judge_demolition(
        rule,
        share=share,
        plans=case.overlay.get("demolition_plans") or "",
        partial=case.overlay.get("demolition_partial_plans") or "",
        old=case.overlay.get("demolition_old_plans") or "",
        undated=case.overlay.get("demolition_undated_plans") or "",
        inside=bool(case.overlay.get("in_demolition_plan")),
    )
    extra = found.values or {}
    values = {
        "拆迁计划": extra.get("plans", ""),
        "面积占比": round(share, 4),
        "比例门槛": rule.share,
    }
    if "undated_plans" in extra:
        values["无年份计划"] = extra["undated_plans"]
    if "old_plans" in extra:
        values["超出窗口的计划"] = extra["old_plans"]
    if found.status is Status.PASS:
        values = {}
    return _v(
        "cond1.demolition",
        found.status,
        found.reason,
        found.citation or clause,
        values=values,
        missing=found.missing,
    )


def _judged(
    records: tuple[_Record, ...], rule: RecordRule, s: _Settings
) -> tuple[list[_Record], list[Judgement], int]:
    """(records that count, records that may count (待核实), records cleared by 整改)."""
    judged = [judge(r, rule=rule, as_of=s.as_of) for r in records]
    counted = [j.record for j in judged if j.standing is Standing.COUNTS]
    unknown = [j for j in judged if j.standing is Standing.UNKNOWN]
    return counted, unknown, sum(j.standing is Standing.CLEARED for j in judged)


def _missing_of(unknown: list[Judgement]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"违法违规记录：{m}" for j in unknown for m in j.missing))


def _lesser(records: tuple[_Record, ...], rule: RecordRule, s: _Settings) -> list[_Record]:
    """Records that would count if every severity of the rule's categories did.

    Used when the severities come from a project reading (``official = false``): a 符合 may
    not rest on it alone, so such records make the condition 待核实.
    """
    counted, unknown, _ = _judged(records, rule.every_severity(), s)
    return [*counted, *(j.record for j in unknown)]


def _by_reading(
    counted: list[_Record], rule: RecordRule, s: _Settings, key: str
) -> tuple[Citation, ...]:
    """The citation of the severity reading ``key`` when it is 示例规则（非官方） and none of
    the ``counted`` records counts with only 重大 counting (the rule narrowed to 重大 in each
    category it names); empty otherwise.

    A 重大 record counts under every reading: 三.3 「重大违建、生态环境、安全生产不良记录」 says
    重大 itself, and 三.1 「严重违建」 (``serious_building_severities``) cannot leave out the
    gravest severity. A lesser record counts only by the reading that counts it (较大 as
    「严重」, 环保 of every severity), and a 不符合 on such records says so.
    """
    reading = s.cite(key)
    if reading.official or _judged(tuple(counted), rule.gravest_only(), s)[0]:
        return ()
    return (reading,)


def _unconfirmed_clear(
    mine: tuple[_Record, ...], rule: RecordRule, s: _Settings, values: dict[str, object]
) -> Verdict | None:
    """三.3 待核实 when no record counts only by a project reading (``official = false``):
    a record cleared because it was rectified (``record_counts_rectified`` false), a lesser
    record left out by ``record_severities``, or a record dated before the window whose
    ``record_window_years`` is an example. ``None`` when no such record stands."""
    years = int(s.value("record_window_years"))
    window = s.cite("record_window_years")
    older = [] if window.official else _judged(mine, replace(rule, window_years=None), s)[0]
    if older:
        reason = (
            f"{years} 年内无计入的不良记录，窗口（{values['窗口']}）前有不良记录 {len(older)} 条："
            f"{'、'.join(map(describe, older))}；{EXAMPLE_ONLY}"
        )
        missing = (f"区级认定：三.3 不良记录的时限「{years} 年内」（现为示例规则（非官方））",)
        return _v("cond3.records", Status.UNKNOWN, reason, window, values=values, missing=missing)
    kept = s.cite("record_counts_rectified")
    rectified = [] if kept.official else _rectified(mine, rule, s)
    if rectified:
        reason = (
            f"{years} 年内有已整改的不良记录 {len(rectified)} 条："
            f"{'、'.join(map(describe, rectified))}；按配置整改后不再计入（读法未经确认），"
            "不据此判为符合"
        )
        missing = ("区级认定：三.3「1 年内无…不良记录」是否计入已整改的记录",)
        return _v("cond3.records", Status.UNKNOWN, reason, kept, values=values, missing=missing)
    reading = s.cite("record_severities")
    lesser = [] if reading.official else _lesser(mine, rule, s)
    if lesser:
        reason = (
            f"{years} 年内有较轻的不良记录 {len(lesser)} 条：{'、'.join(map(describe, lesser))}；"
            "按配置只计重大记录（读法未经确认），不据此判为符合"
        )
        missing = ("区级认定：三.3「重大」是否也限定生态环境和安全生产不良记录",)
        return _v("cond3.records", Status.UNKNOWN, reason, reading, values=values, missing=missing)
    return None


def _rectified(records: tuple[_Record, ...], rule: RecordRule, s: _Settings) -> list[_Record]:
    """Records the rule clears only because they were rectified (整改) on or before ``as_of``.

    Used when ``record_counts_rectified`` is a project reading (``official = false``): a 符合
    may not rest on it alone, so such records make the condition 待核实.
    """
    if not rule.rectification_clears:
        return []
    counted, _, _ = _judged(records, replace(rule, rectification_clears=False), s)
    return counted


def _serious_building(case: _Case, s: _Settings) -> Verdict:
    """「无严重违建」 [三.1]: no unrectified serious 违法建设 record on the plot, of any age.

    The clause sets no time window (the one-year window is 三.3's): a record counts while it
    is not rectified at ``as_of`` (:func:`landgov.core.records.judge`); which severities are
    「严重」 is ``zengrong.serious_building_severities``. The records read are those standing
    on the plot (:class:`landgov.core.records.PlotRecords`, the screening's rule): filed on it,
    or filed on no plot of the layer by the applicant or another enterprise on the plot.
    """
    cite = s.cite("serious_building_severities")
    if case.records is None or case.plot_records is None:
        return _v(
            "cond1.building",
            Status.UNKNOWN,
            "未提供违法违规记录表，无法判定有无严重违建（不按无记录处理）",
            cite,
            missing=(NO_COMPLIANCE_TABLE,),
        )
    severities = frozenset(s.value("serious_building_severities"))
    rule = RecordRule({ViolationCategory.ILLEGAL_BUILDING.value: severities})
    mine = case.plot_records
    counted, unknown, cleared = _judged(mine, rule, s)
    values = {"未整改严重违建": len(counted), "待核实记录": len(unknown), "已整改记录": cleared}
    if counted:
        reason = f"有未整改的严重违法建设记录：{'、'.join(map(describe, counted))}"
        # which severities are 「严重」 is the profile's reading: an example one is said,
        # unless a 重大 record (serious under every reading) is among them
        reason = example_fail(reason, *_by_reading(counted, rule, s, "serious_building_severities"))
        return _v("cond1.building", Status.FAIL, reason, cite, values=values)
    if unknown:
        items = "、".join(describe(j.record) for j in unknown)
        reason = f"有违法建设记录无法确定基准日是否仍未整改：{items}"
        missing = _missing_of(unknown)
        return _v("cond1.building", Status.UNKNOWN, reason, cite, values=values, missing=missing)
    lesser = [] if cite.official else _lesser(mine, rule, s)
    if lesser:
        named = "、".join(x for x in SEVERITIES if x in severities)
        reason = (
            f"有未整改的违法建设记录 {len(lesser)} 条：{'、'.join(map(describe, lesser))}；"
            f"「严重违建」未界定，按 {named} 认定为项目默认，"
            "不据此判为符合"
        )
        missing = ("区级认定：上述违法建设记录是否属「严重违建」",)
        return _v("cond1.building", Status.UNKNOWN, reason, cite, values=values, missing=missing)
    reason = "无严重违法建设记录"
    if cleared:
        reason = f"无未整改的严重违法建设记录（{cleared} 条已于基准日前整改）"
    return _v("cond1.building", Status.PASS, reason, cite, values=values)


def _yes_no(
    case: _Case,
    rule: str,
    name: str,
    label: str,
    *,
    cite: Citation,
    fail_on: bool,
    texts: tuple[str, str],
) -> Verdict:
    """A yes/no field of the application: ``fail_on`` is the answer that fails."""
    cell = _app(case, name)
    answer = application_answer(name, cell)
    if answer is None:
        where = _APP if case.application is None else "申请表"
        said = f"{label}未填报" if is_missing(cell) else f"{label}填报为「{cell}」，无法识别为是/否"
        return _v(rule, Status.UNKNOWN, said, cite, missing=(f"{where}：{label}",))
    status = Status.FAIL if answer == fail_on else Status.PASS
    return _v(rule, status, texts[0] if answer else texts[1], cite, values={label: answer})


def _cond1(case: _Case, s: _Settings, *, share: Share = direct) -> list[Verdict]:
    """The parts of 条件1; ``share`` may hand out a verdict judged on the same facts."""
    temp = share(
        "cond1.temporary_use",
        case,
        lambda: _yes_no(
            case,
            "cond1.temporary_use",
            "temporary_use_change",
            "临时改变房屋用途",
            cite=_cite("cond1"),
            fail_on=True,
            texts=("办理了临时改变房屋用途", "未办理临时改变房屋用途"),
        ),
    )
    return [
        _area(case, s),
        share("cond1.demolition", case, lambda: _demolition(case, s)),
        share("cond1.building", case, lambda: _serious_building(case, s)),
        temp,
    ]


# ---------------------------------------------------------------------------------------------
# Condition 2 [三.2]


_TITLE_UNKNOWN = frozenset({"不详", "待查", "待核实", "不清楚", "未知", "待定"})
#: 三.2 「产权清晰，无历史遗留问题（无债权、产权纠纷等）」: words that name such a problem, …
_TITLE_PROBLEMS = ("纠纷", "争议", "债权", "债务", "查封", "诉讼", "遗留问题", "不清晰")
#: … unless a negation before them in the same clause denies it (「无债权、产权纠纷」).
_TITLE_DENIED = re.compile(r"(?:无|没有|不存在|未发现|未有)[^，,；;。.]*")


def _title_reading(text: str) -> bool | None:
    """Whether 产权状况 as written says the title is clear (True), names a problem (False), or
    neither (None: 「正常」, 「0」, 「是」 — never guessed either way).

    >>> [_title_reading(t) for t in ("清晰", "产权清晰，无债权、产权纠纷", "有纠纷", "产权不清晰")]
    [True, True, False, False]
    >>> [_title_reading(t) for t in ("无纠纷", "存在抵押及债务纠纷", "正常", "0", "清晰，已抵押")]
    [True, False, None, None, None]
    """
    text = folded(text)
    kept = _TITLE_DENIED.sub("", text)  # what is left once the denied clauses are taken out
    if any(word in kept for word in _TITLE_PROBLEMS):
        return False
    if "抵押" in kept:  # a mortgage is a 债权 on the land or not, as the clause is read: ask
        return None
    if "清晰" in kept or kept != text:  # 「清晰」, or a denial such as 「无纠纷」 alone
        return True
    return None


def _title(case: _Case) -> Verdict:
    cite = _cite("cond2")
    value = _app(case, "title_status")
    if is_missing(value):
        where = _APP if case.application is None else "申请表"
        return _v(
            "cond2.title",
            Status.UNKNOWN,
            "产权状况未填报",
            cite,
            missing=(f"{where}：产权状况",),
        )
    text = str(value).strip()
    if text in _TITLE_UNKNOWN:  # an answer that says nothing is not a dispute: 待核实
        reason = f"产权状况填报为「{text}」，未说明是否清晰"
        missing = ("申请表：产权状况（清晰/有纠纷）",)
        return _v(
            "cond2.title", Status.UNKNOWN, reason, cite, values={"产权": text}, missing=missing
        )
    ok = _title_reading(text)
    if ok is None:  # neither clear nor a problem named: 待核实, never a dispute by default
        reason = f"产权状况填报为「{text}」，未说明产权是否清晰、有无纠纷"
        missing = ("申请表：产权状况（清晰/有纠纷）",)
        return _v(
            "cond2.title", Status.UNKNOWN, reason, cite, values={"产权": text}, missing=missing
        )
    reason = "地块、厂房产权清晰" if ok else f"产权状况为「{text}」"
    return _v(
        "cond2.title", Status.PASS if ok else Status.FAIL, reason, cite, values={"产权": text}
    )


_ACCEPTED = frozenset({"已验收", "验收合格", "合格", "通过", "已通过", "验收通过"})
_NOT_ACCEPTED = frozenset({"未验收", "不合格", "未通过", "验收不合格"})


def _first_development(case: _Case, s: _Settings) -> Verdict:
    """首次开发 [三.2]: 「按土地出让合同约定完成开发建设，并竣工投入使用」.

    符合 only on evidence that the contract's development was completed: the application's
    竣工验收（履约验收） passed. A declaration (是否完成首次开发 = 是) or a completion date
    alone is 待核实; a failed acceptance, a declared 否 or a completion date after the as-of date
    is 不符合. A plot with no completion date and nothing built (a buildings layer covering it
    shows none, as 供而未用 reads it: :func:`_no_buildings`) is 不符合 too; a floor area of 0
    nothing corroborates is 待核实 (:func:`_zero_alone`) — the screening finds the same plot
    not started; a passed acceptance, a declaration or a completion date beside that floor area
    is 待核实 (they disagree).
    """
    cite = _cite("cond2")
    rule = "cond2.first_development"
    accepted = parse_yes_no(_app(case, "completion_accepted"), yes=_ACCEPTED, no=_NOT_ACCEPTED)
    if accepted is not None:
        return _acceptance(case, s, accepted, rule, cite)
    declared = application_answer("first_development_done", _app(case, "first_development_done"))
    if declared is False:
        reason = "申请表填报未完成首次开发"
        return _v(rule, Status.FAIL, reason, cite, values={"首次开发": False})
    seen: list[str] = ["申请表填报已完成首次开发"] if declared else []
    values: dict[str, object] = {"首次开发": declared}
    cell = case.parcel.get("completion_date")
    done = parse_date(cell)  # the readers' parser: 0 is no date (a month: its first day)
    latest = latest_value(cell, case.parcel.get(latest_name("completion_date")))  # a month's
    # a 竣工日期 written but no date (「2025」, 「待定」) may say 尚未完成: never read as blank
    unread = unread_value(cell, case.parcel.get(unread_name("completion_date")))
    if unread is not None:
        seen.append(unread_words("宗地竣工日期", unread))
    if done is not None:
        values["竣工日期"] = day_or_span(done, latest)  # a month: all of it, never its 1st
        if done > s.as_of:  # all of it after the as-of date
            reason = f"竣工日期 {values['竣工日期']} 晚于核查日 {s.as_of}，尚未完成首次开发"
            return _v(rule, Status.FAIL, reason, cite, values=values)
        seen.append(f"宗地竣工日期 {values['竣工日期']}")
    bare = _no_buildings(case)
    if bare is not None:
        if floor_reading(case.far)[0] != "blank":
            values["建筑面积_m2"] = 0.0
        if not seen:  # nothing says it was built: not built, as 供而未用 reads the same plot
            reason = f"宗地{bare}，无竣工日期：尚未建成，未按出让合同约定完成开发建设"
            return _v(rule, Status.FAIL, reason, cite, values=values)
        seen.append(f"但宗地{bare}")
    where = _APP if case.application is None else "申请表"
    head = "、".join(seen) if seen else "首次开发情况未填报"
    reason = f"{head}，但无竣工验收（履约验收）记录，不能认定已按出让合同约定完成开发建设"
    missing: tuple[str, ...] = (f"{where}：竣工验收（履约验收）情况",)
    if unread is not None:
        # the item screening lists for the same cell (core.collect): one item, 〔自然资源局〕
        missing += (field_item("completion_date", unread_words("竣工日期", unread)),)
    aside = case.far.get(ZERO_SET_ASIDE)
    if not is_missing(aside):  # a recorded 0 standing for a blank: said, never 「尚未建成」
        reason += f"；{aside}"
        missing += (field_item("floor_area_m2", "登记值 0 应为空白，请核实"),)
    alone = _zero_alone(case)
    if alone is not None:  # a 0 nothing corroborates: said, never 「尚未建成」 on it alone
        reason += f"；{alone}"
        missing += (UNBUILT_EVIDENCE,)
    return _v(rule, Status.UNKNOWN, reason, cite, values=values, missing=missing)


def _acceptance(case: _Case, s: _Settings, accepted: bool, rule: str, cite: Citation) -> Verdict:
    """三.2 on the application's 竣工验收（履约验收）: passed → 符合, unless the plot's measured
    floor area is 0 (:func:`_no_buildings`) or its 竣工日期 is after the as-of date (completed on
    the as-of day is completed): the two disagree, 待核实; not passed → 不符合."""
    values = {"竣工验收（履约验收）": accepted}
    if not accepted:
        reason = "竣工验收（履约验收）未通过：未按出让合同约定完成首次开发"
        return _v(rule, Status.FAIL, reason, cite, values=values)
    done = parse_date(case.parcel.get("completion_date"))
    if done is not None and done > s.as_of:  # accepted before the plot was completed: ask
        reason = (
            f"竣工验收（履约验收）已通过，但宗地竣工日期 {done} 晚于核查日 {s.as_of}，两者不一致"
        )
        missing = (field_item("completion_date", "核实是否已竣工"),)
        values = {**values, "竣工日期": str(done)}
        return _v(rule, Status.UNKNOWN, reason, cite, values=values, missing=missing)
    bare = _no_buildings(case)
    if bare is not None:  # the acceptance and the plot's floor area disagree: ask
        reason = f"竣工验收（履约验收）已通过，但宗地{bare}，两者不一致"
        missing = ("宗地建筑面积（核实是否已建成）",)
        return _v(rule, Status.UNKNOWN, reason, cite, values=values, missing=missing)
    reason = "竣工验收（履约验收）已通过：已按出让合同约定完成首次开发"
    return _v(rule, Status.PASS, reason, cite, values=values)


#: The facts :func:`floor_reading` reads.
FLOOR_FIELDS = ("floor_area_m2", "far_source", BUILDINGS_COVER, "n_buildings")


def floor_reading(far: Mapping[str, Any]) -> tuple[str, str, bool]:
    """All 首次开发 [三.2] reads of the plot's measured floor area (the one 用而未尽, the cap and
    供而未用 read: :func:`landgov.far.compute_far`): whether it is blank (``"blank"``), 0
    (``"zero"``) or another figure (``"figure"``); the source it came from, as the reasons name
    it; and whether a buildings layer covering the plot shows no building on it
    (:func:`landgov.far.ratio.shows_no_building`, the one rule 供而未用 reads).

    :func:`_no_buildings`, :func:`_zero_alone` and ``_first_development`` read the floor area
    only through this, so plots equal in it are judged alike (the screening's groups,
    :mod:`landgov.far.zengrong._frame`).

    >>> floor_reading({"floor_area_m2": 0.0, "far_source": "建筑记录",
    ...                "buildings_cover": True, "n_buildings": 0})
    ('zero', '建筑记录', True)
    """
    floor: Any = far.get("floor_area_m2")
    state = "blank" if is_missing(floor) else "zero" if float(floor) == 0 else "figure"
    bare = shows_no_building(far.get(BUILDINGS_COVER), far.get("n_buildings"))
    return state, str(far.get("far_source")), bare


def _no_buildings(case: _Case) -> str | None:
    """「建筑面积为 0（登记建筑面积），覆盖该宗地的建筑图层中无建筑」 when the plot's measured
    floor area (:func:`floor_reading`) is 0 from a source that tells whether buildings stand
    (:func:`landgov.far.ratio.shows_buildings`), or blank, and a buildings layer covering the
    plot shows none on it; ``None`` otherwise (a 0 alone: :func:`_zero_alone`)."""
    state, source, bare = floor_reading(case.far)
    if not bare:
        return None
    if state == "blank":
        return "覆盖该宗地的建筑图层中无建筑"
    if state != "zero" or not shows_buildings(source):
        return None
    return f"建筑面积为 0（{source}），覆盖该宗地的建筑图层中无建筑"


def zero_alone(far: Mapping[str, Any]) -> bool:
    """Whether the plot's floor area (:func:`floor_reading`) is a 0 nothing corroborates: from
    a source that tells whether buildings stand, with no buildings layer covering the plot that
    shows it bare. Such a 0 may be a blank (a .dbf writes a blank as 0): 三.2 does not read it
    as 「尚未建成」 (:func:`_zero_alone`), and the 初审表 does not print it as a fact."""
    state, source, bare = floor_reading(far)
    return state == "zero" and shows_buildings(source) and not bare


def _zero_alone(case: _Case) -> str | None:
    """Why the plot's floor area of 0 does not say 「尚未建成」 when nothing corroborates it
    (no buildings layer covering the plot shows it bare: :func:`_no_buildings` is ``None``);
    ``None`` when the floor area is not such a 0 (:func:`zero_alone`)."""
    if not zero_alone(case.far):
        return None
    _, source, _ = floor_reading(case.far)
    return (
        f"宗地建筑面积为 0（{source}），无覆盖该宗地的建筑图层佐证；{BLANK_AS_ZERO}，"
        "不能据此认定尚未建成"
    )


# ---------------------------------------------------------------------------------------------
# Condition 3 [三.3]


def _record_rule(s: _Settings) -> RecordRule:
    """三.3: per category the severities that count, within the window, rectified or not."""
    table = s.value("record_severities")
    return RecordRule(
        {str(cat): frozenset(levels) for cat, levels in table.items()},
        window_years=int(s.value("record_window_years")),
        rectification_clears=not bool(s.value("record_counts_rectified")),
    )


def _cond3(case: _Case, s: _Settings) -> list[Verdict]:
    """「申请企业 1 年内无重大违建、生态环境、安全生产不良记录」 [三.3].

    A record of the applicant counts when its category and severity are in
    ``zengrong.record_severities`` (per category) and it is dated within
    ``record_window_years`` before the anchor day (both days included); whether a rectified
    record still counts is ``record_counts_rectified``.

    The clause does not say from which day 「1 年内」 is counted. A plot with no application
    (摸排候选) counts it back from the check date (``as_of``); an application with a 申请日期
    is judged from both days, and when the two give different results the condition is 待核实,
    naming each window and the records in it (:func:`_two_windows`).
    """
    cite = s.cite("record_window_years")
    if case.enterprise is None:
        return [
            _v(
                "cond3.records",
                Status.UNKNOWN,
                "申请企业未识别（无统一社会信用代码或地企关联）",
                cite,
                missing=(NO_APPLICANT,),
            )
        ]
    if case.records is None:
        return [
            _v(
                "cond3.records",
                Status.UNKNOWN,
                "未提供违法违规记录表，无法判定（不按无记录处理）",
                cite,
                missing=(NO_COMPLIANCE_TABLE,),
            )
        ]
    uscc = case.enterprise.get("uscc")
    mine = tuple(r for r in case.records if r.uscc == uscc)
    checked = _cond3_from(mine, s)
    applied = None if case.application is None else parse_date(_app(case, "application_date"))
    if applied is None or applied == s.as_of:
        return [checked]
    on_application = _cond3_from(mine, replace(s, as_of=applied))
    if on_application.status is checked.status:
        return [checked]
    return [_two_windows(mine, s, applied, checked, on_application)]


def _cond3_from(mine: tuple[_Record, ...], s: _Settings) -> Verdict:
    """条件3 on the applicant's records ``mine`` with 「1 年内」 counted back from ``s.as_of``."""
    cite = s.cite("record_window_years")
    rule = _record_rule(s)
    years = int(s.value("record_window_years"))
    counted, unknown, _ = _judged(mine, rule, s)
    values = {"窗口": f"{window_start(s.as_of, years)}—{s.as_of}", "窗口内计入记录": len(counted)}
    if counted:
        items = "、".join(map(describe, counted))
        reason = f"{years} 年内有不良记录：{items}"
        kept = s.cite("record_counts_rectified")
        if (
            not rule.rectification_clears
            and not _judged(mine, replace(rule, rectification_clears=True), s)[0]
        ):  # every record counted is rectified: it counts only by that reading
            reason = example_fail(f"{reason}（均已整改，按配置仍计入）", kept)
        # no record 重大 (the clause's word): each counts only by the severities read
        reason = example_fail(reason, *_by_reading(counted, rule, s, "record_severities"))
        reason = example_fail(reason, cite)  # the window itself an example: said
        return _v("cond3.records", Status.FAIL, reason, cite, values=values)
    if unknown:
        items = "、".join(describe(j.record) for j in unknown)
        reason = f"有不良记录无法确定是否计入：{items}"
        missing = _missing_of(unknown)
        return _v("cond3.records", Status.UNKNOWN, reason, cite, values=values, missing=missing)
    unconfirmed = _unconfirmed_clear(mine, rule, s, values)
    if unconfirmed is not None:
        return unconfirmed
    reason = f"{years} 年内无重大违建、生态环境、安全生产不良记录"
    return _v("cond3.records", Status.PASS, reason, cite, values=values)


#: What the user is asked when the two readings of 「1 年内」 disagree.
_WINDOW_ANCHOR = "区级认定：三.3「1 年内」自申请日期还是核查日期起算"


def _two_windows(
    mine: tuple[_Record, ...], s: _Settings, applied: dt.date, checked: Verdict, applying: Verdict
) -> Verdict:
    """条件3 待核实: counted back from the check date it is ``checked``, from the 申请日期
    ``applied`` it is ``applying``; the reason names each window, the records in it (those
    that count or may count there) and the result."""
    years = int(s.value("record_window_years"))
    rule = _record_rule(s)
    parts, values = [], {}
    for what, day, verdict in (("核查日期", s.as_of, checked), ("申请日期", applied, applying)):
        at = replace(s, as_of=day)
        counted, unknown, _ = _judged(mine, rule, at)
        inside = [*counted, *(j.record for j in unknown)]
        window = f"{window_start(day, years)}—{day}"
        values[f"窗口（自{what}）"] = window
        said = f"窗口内记录：{'、'.join(map(describe, inside))}" if inside else "窗口内无计入记录"
        parts.append(f"自{what} {day} 起算（{window}）{said}，{verdict.status.value}")
    reason = f"「{years} 年内」未明确起算日，两种算法结论不同：{'；'.join(parts)}；不据任一算法判定"
    return _v(
        "cond3.records",
        Status.UNKNOWN,
        reason,
        s.cite("record_window_years"),
        values=values,
        missing=tuple(dict.fromkeys((_WINDOW_ANCHOR, *checked.missing, *applying.missing))),
    )


# ---------------------------------------------------------------------------------------------
# Conditions 4–5 [三.4, 三.5]


def _fallback_note(case: _Case, what: str) -> tuple[str, tuple[str, ...]]:
    """The words for a judgement made on the enterprise instead of the project."""
    where = _APP if case.application is None else "申请表"
    return f"申请项目{what}未填报，以下按企业信息参考，须以项目本身核实", (f"{where}：项目{what}",)


#: The fields :func:`firm_industry` reads.
FIRM_FIELDS = ("industry_code", "industry_edition", "industry_name", "uscc", "name")


def firm_industry(enterprise: Mapping[str, Any] | None) -> tuple[Any, Any, Any]:
    """All 制造业项目 [三.4] reads of the enterprise when the project has no industry code of its
    own: ``(code, edition, industry name)``, or ``(None, USCC, name)`` when its code is missing
    (then only the firm is named, in what to collect).

    ``_manufacturing`` reads the enterprise only through this, so firms equal in it are judged
    alike (the screening's groups, :mod:`landgov.far.zengrong._frame`): a coded firm's USCC and
    name do not part them.

    >>> firm_industry({"industry_code": "C1311", "uscc": "9133…", "name": "甲厂"})
    ('C1311', None, None)
    >>> firm_industry({"industry_code": None, "uscc": "9133…", "name": "甲厂"})
    (None, '9133…', '甲厂')
    """
    ent = enterprise or {}
    code = ent.get("industry_code")
    if is_missing(code):
        return None, ent.get("uscc"), ent.get("name")
    return code, ent.get("industry_edition"), ent.get("industry_name")


def _manufacturing(case: _Case) -> Verdict:
    """Manufacturing project [三.4]: the application's own industry code, else the enterprise's
    (then 待核实 with a note: the opinion judges the project, not the firm)."""
    cite = _cite("cond4")
    rule = "cond4.manufacturing"
    own = _app(case, "project_industry_code")
    if not is_missing(own):
        div = to_gb2002_division(own, edition=_app(case, "project_industry_edition"))
        values = {"项目行业代码": div.code}
        if div.manufacturing is None:
            reason = f"项目行业代码 {own}：{div.note or '无法识别'}"
            missing = ("申请表：项目行业代码（GB/T 4754）",)
            return _v(rule, Status.UNKNOWN, reason, cite, values=values, missing=missing)
        if div.manufacturing:
            return _v(rule, Status.PASS, f"制造业项目（{div.code}）", cite, values=values)
        reason = f"项目行业代码 {div.code} 不属制造业（C 门类 13–43）"
        return _v(rule, Status.FAIL, reason, cite, values=values)
    note, missing = _fallback_note(case, "行业代码")
    firm = firm_industry(case.enterprise)
    if firm[0] is None:
        reason = f"{note}；企业行业代码也缺失"
        # the item screening and the grading name for the same firm's code, with its department
        _, uscc, name = firm
        names = {} if is_missing(uscc) or is_missing(name) else {str(uscc): str(name)}
        item = render_text(industry_item(uscc), names=names)
        return _v(rule, Status.UNKNOWN, reason, cite, missing=(*missing, str(item)))
    code, edition, industry_name = firm
    div = to_gb2002_division(code, edition=edition)
    values = {"企业行业代码": div.code, "企业行业名称": industry_name}
    if div.manufacturing is None:
        found = f"企业行业代码 {code}：{div.note or '无法识别'}"
    else:
        found = f"企业行业代码 {div.code}{'属' if div.manufacturing else '不属'}制造业"
    return _v(rule, Status.UNKNOWN, f"{note}：{found}", cite, values=values, missing=missing)


def _cond4(case: _Case) -> list[Verdict]:
    factory = _yes_no(
        case,
        "cond4.standard_factory",
        "standard_factory",
        "是否标准厂房",
        cite=_cite("cond4"),
        fail_on=True,
        texts=("标准厂房项目（不适用）", "非标准厂房项目"),
    )
    return [_manufacturing(case), factory]


def _cond5(case: _Case, s: _Settings) -> list[Verdict]:
    """产业导向 [三.5]: the project's catalogue class, else the enterprise's (待核实, noted)."""
    edition = catalogue_edition(
        s.as_of, switch_date=s.profile.value("screening.catalogue_2024_from")
    )
    cite = Citation("000", f"{_CLAUSE['cond5']}；按《产业结构调整指导目录（{edition}）》")
    rule = "cond5.catalogue"
    values: dict[str, object] = {"目录版本": edition}
    excluded = {CatalogueClass(c) for c in s.value("excluded_catalogue_classes")}
    own = CatalogueClass.parse(_app(case, "project_catalogue_class"))
    if own is not None:
        values["项目目录类别"] = own.value
        if own in excluded:
            reason = f"项目属《产业结构调整指导目录（{edition}）》{own.value}"
            return [_v(rule, Status.FAIL, reason, cite, values=values)]
        reason = f"项目非{edition}限制类、淘汰类（{own.value}）"
        return [_v(rule, Status.PASS, reason, cite, values=values)]
    note, missing = _fallback_note(case, "产业结构调整目录类别")
    raw = None if case.enterprise is None else case.enterprise.get("catalogue_class")
    cls = CatalogueClass.parse(raw)
    if cls is None:
        reason = f"{note}；企业目录类别也缺失（应按{edition}认定）"
        missing = (*missing, catalogue_item())
        return [_v(rule, Status.UNKNOWN, reason, cite, values=values, missing=missing)]
    values["企业目录类别"] = cls.value
    found = f"企业属{edition}{cls.value}" + ("（限制/淘汰类）" if cls in excluded else "")
    return [_v(rule, Status.UNKNOWN, f"{note}：{found}", cite, values=values, missing=missing)]


# ---------------------------------------------------------------------------------------------
# Condition 6 [三.6]: 标准地 indicators


@dataclass(frozen=True)
class _Indicator:
    """One 标准地 indicator [三.6]: 「相关投资、能耗、排放、亩均产出、研发投入等指标」.

    ``aspect`` is the word of 三.6 it measures; ``numerator`` / ``denominator`` are application
    fields (``"land_mu"``: the plot's area in 亩), ``inputs`` their labels on the form.
    """

    key: str
    aspect: str
    label: str
    unit: str
    numerator: str
    denominator: str | None
    inputs: tuple[str, ...]


_INDICATORS: tuple[_Indicator, ...] = (
    _Indicator(
        "fixed_investment_per_mu_wan", "投资", "固定资产投资强度", "万元/亩",
        "fixed_investment_wan", "land_mu", ("固定资产投资（万元）",),
    ),
    _Indicator(
        "energy_value_added_per_tce_wan", "能耗", "单位能耗工业增加值", "万元/吨标准煤",
        "value_added_wan", "energy_tce",
        ("达产后年工业增加值（万元）", "达产后年综合能耗（吨标准煤）"),
    ),
    _Indicator(
        "emission_value_added_per_t_wan", "排放", "单位排放工业增加值", "万元/吨",
        "value_added_wan", "emission_t", ("达产后年工业增加值（万元）", "主要污染物年排放量（吨）"),
    ),
    _Indicator(
        "tax_per_mu_wan", "亩均产出", "亩均税收", "万元/亩",
        "tax_after_wan", "land_mu", ("达产后年税收（万元）",),
    ),
    _Indicator(
        "value_added_per_mu_wan", "亩均产出", "亩均工业增加值", "万元/亩",
        "value_added_wan", "land_mu", ("达产后年工业增加值（万元）",),
    ),
    _Indicator(
        "rd_ratio_pct", "研发投入", "研发经费占营业收入比例", "%",
        "rd_ratio_pct", None, ("研发经费占营业收入比例（%）",),
    ),
)  # fmt: skip


def control_value_key(label: str) -> str:
    """The key of an indicator's control value among its verdict's values: one per indicator
    (「亩均税收_控制值」), so that 条件6, which holds every indicator's values together, keeps
    each (one 「控制值」 would hold the last indicator's, 2 % of R&D beside 300 万元/亩)."""
    return f"{label}_控制值"


#: Per indicator key (``fixed_investment_per_mu_wan`` …), the key of its control value among the
#: values of 条件6 (:func:`control_value_key`): the 初审表 prints 固定资产投资强度 and 亩均税收
#: with the digits that tell them from it, as the reason does.
CONTROL_KEYS: Mapping[str, str] = MappingProxyType(
    {ind.key: control_value_key(ind.label) for ind in _INDICATORS}
)

#: What a 标准地 check without the county's own control value lacks (one entry for all indicators).
_COUNTY_VALUES = "区级公布的《标准地》控制指标（官方值）"


#: Application figures a 增容 project cannot have at 0: building floor area costs investment and
#: a project in production adds value and pays tax. 0 is most often a blank cell saved as 0
#: (as 新增建筑面积 0 at the cap): not known, named, never a 不符合 on it. An R&D share of 0 % is
#: a real figure (a firm without R&D) and is judged.
_ZERO_IS_BLANK = frozenset({"fixed_investment_wan", "value_added_wan", "tax_after_wan"})


def _zero_figure(ind: _Indicator, case: _Case) -> bool:
    """Whether the indicator's figure is one of :data:`_ZERO_IS_BLANK` filled in as 0."""
    if ind.numerator not in _ZERO_IS_BLANK:
        return False
    top = _app(case, ind.numerator)
    return not is_missing(top) and float(top) == 0


def _indicator_value(ind: _Indicator, case: _Case) -> float:
    """The indicator from the application's figures (per 亩 of this plot); NaN when not known
    (a figure of :data:`_ZERO_IS_BLANK` at 0 included)."""
    top = _app(case, ind.numerator)
    if is_missing(top) or _zero_figure(ind, case):
        return math.nan
    if ind.denominator is None:
        return float(top)
    if ind.denominator == "land_mu":
        area = case.far.get("land_area_m2")
        below = math.nan if is_missing(area) else float(area) / M2_PER_MU
    else:
        raw = _app(case, ind.denominator)
        below = math.nan if is_missing(raw) else float(raw)
    return float(top) / below if below > 0 else math.nan


def _over_total(case: _Case) -> str:
    """「大于项目总投资 8,000 万元」 when the application's 固定资产投资 exceeds its own 项目总投资
    (a part larger than the whole: one of the two figures is wrong, and 三.6's 投资强度 is not
    judged on it); empty otherwise (either figure blank included)."""
    fixed, total = _app(case, "fixed_investment_wan"), _app(case, "investment_wan")
    if is_missing(fixed) or is_missing(total) or not float(fixed) > float(total):
        return ""
    return f"大于项目总投资 {format_number(total, thousands=True)} 万元"


def _indicator_missing(
    ind: _Indicator, case: _Case, where: str, *, zero: bool
) -> tuple[list[str], bool]:
    """What the indicator's figure lacks, each input named on its own (a figure that was given
    is never named): the numerator (blank, or 0 where :data:`_ZERO_IS_BLANK`), the plot's area
    for a per-亩 figure, the application's denominator (blank, or 0: 工业增加值 ÷ 0 吨标准煤 has
    no value). Also whether the denominator was filled in as 0."""
    missing: list[str] = []
    if zero:  # the figure, not the whole indicator: 「固定资产投资（万元）填为 0」
        missing.append(f"{where}：{ind.inputs[0]}（填为 0，增容项目不应为 0，请核实是否漏填）")
    elif is_missing(_app(case, ind.numerator)):
        missing.append(f"{where}：{ind.inputs[0]}")
    elif ind.numerator == "fixed_investment_wan" and (over := _over_total(case)):
        missing.append(f"{where}：{ind.inputs[0]}（{over}，请核实）")
    if ind.denominator == "land_mu":
        # screening (no application) has no figure to divide and reads nothing of the plot
        # (_reads.FACT_COLUMNS); an application's figure is per 亩 of the plot's area
        if case.application is not None:
            area = case.far.get("land_area_m2")
            if is_missing(area) or not float(area) > 0:
                missing.append(PLOT_SHAPE)  # as 三.1 names it
        return missing, False
    if ind.denominator is None:
        return missing, False
    low = _app(case, ind.denominator)
    if is_missing(low):
        missing.append(f"{where}：{ind.inputs[1]}")
        return missing, False
    if float(low) == 0:
        missing.append(f"{where}：{ind.inputs[1]}（填为 0，无法计算，请核实是否漏填）")
        return missing, True
    return missing, False


def _indicator(ind: _Indicator, case: _Case, s: _Settings) -> Verdict:
    """One 标准地 indicator against the county's control value (``zengrong.standard_land``).

    The figure is compared as measured (:func:`landgov.core.compare.measured`, 6 decimals: 6000
    万元 on 20 亩 is 300, not 299.999… float noise), never rounded up to the control value first:
    6299.9 万元 on 21 亩 is 299.995 万元/亩, short of 300 (its reason shows as many decimals as
    tell the two apart, :func:`~landgov.core.compare.shown`). Missing figure or missing control
    value: 待核实, naming it.
    A control value marked 示例规则（非官方） never makes 符合 (and never 不符合): the comparison
    is shown, the verdict is 待核实 until the county's own value is set ("不符合风险" when the
    figure falls short).
    """
    rule = f"cond6.{ind.key}"
    name = f"{ind.label}（{ind.aspect}）"
    key = "zengrong.standard_land"
    param = s.profile.params.get(key)
    table = {} if param is None or not param.value else param.value
    cite = _cite("cond6") if param is None else s.profile.citation(key)
    value = measured(_indicator_value(ind, case))  # float noise only: never rounded up
    where = _APP if case.application is None else "申请表"
    zero = _zero_figure(ind, case)
    missing, below_zero = _indicator_missing(ind, case, where, zero=zero)
    if math.isnan(value) and not missing:  # e.g. a negative figure: name every input
        missing += [f"{where}：{x}" for x in ind.inputs]
    if ind.key not in table:
        missing.append(_COUNTY_VALUES)
    values: dict[str, object] = {}
    if not math.isnan(value):
        values[f"{ind.label}_{ind.unit}"] = round(value, 2)
    if missing:
        gap = "无数据" if math.isnan(value) else f"{value:.2f} {ind.unit}"
        if zero:
            gap = f"无法计算（{ind.inputs[0]}填为 0）"
        elif below_zero:
            gap = f"无法计算（{ind.inputs[1]}填为 0）"
        if ind.key not in table:
            gap += "，控制值未配置"
        reason = f"{name} {gap}"
        return _v(rule, Status.UNKNOWN, reason, cite, values=values, missing=tuple(missing))
    threshold = float(table[ind.key])
    op = param.comparison or ">="  # the schema requires it; every 标准地 indicator is a minimum
    values[control_value_key(ind.label)] = threshold
    ok = bool(compare(value, op, threshold))
    seen = shown(value, threshold, trim=False)
    values[f"{ind.label}_{ind.unit}"] = float(seen)  # 299.995238, never 300.0 beside 300
    reason = f"{name} {seen} {ind.unit}，控制值 {describe_threshold(op, threshold, ind.unit)}"
    if cite.official:
        status = Status.PASS if ok else Status.FAIL
        reason += "，达到" if ok else "，未达到"
        return _v(rule, status, reason, cite, values=values)
    reason += "，达到示例控制值" if ok else "，低于示例控制值（不符合风险）"
    reason += "（示例值不作判定依据）"
    return _v(rule, Status.UNKNOWN, reason, cite, values=values, missing=(_COUNTY_VALUES,))


def _cond6(case: _Case, s: _Settings) -> list[Verdict]:
    """Every indicator 三.6 names, each from the application where given."""
    return [_indicator(ind, case, s) for ind in _INDICATORS]


# ---------------------------------------------------------------------------------------------
# Conditions 7–8 [三.7, 三.8]: document steps


def _cond7(case: _Case) -> list[Verdict]:
    cite = _cite("cond7")
    # as the reader reads it (core.vocab.application_answer): 是 → True
    signed = application_answer("commitment_signed", _app(case, "commitment_signed"))
    if signed is True:
        return [_v("cond7.commitment", Status.PASS, "已签署新增建筑面积按重置价补偿承诺", cite)]
    return [
        _v(
            "cond7.commitment",
            Status.PENDING,
            "须签署书面承诺：5 年内遇征收或收购，新增建筑面积按重置价补偿",
            cite,
            values={"已签承诺": signed},
        )
    ]


def _cond8(case: _Case) -> list[Verdict]:
    cite = _cite("cond8")
    # as the reader reads it (core.vocab.application_answer): 否 → False, 不涉及 → False
    changes = application_answer("changes_structure", _app(case, "changes_structure"))
    if case.application is None:
        reason = "如改变原建筑结构，须出具建筑结构安全鉴定报告"
        return [_v("cond8.safety_report", Status.PENDING, reason, cite)]
    if changes is None:
        return [
            _v(
                "cond8.safety_report",
                Status.UNKNOWN,
                "是否改变原建筑结构未填报",
                cite,
                missing=("申请表：是否改变原建筑结构",),
            )
        ]
    if not changes:
        return [_v("cond8.safety_report", Status.PASS, "不改变原建筑结构，无需鉴定报告", cite)]
    report = str(_app(case, "safety_report") or "").strip()
    if report == "已出具":
        reason = "改变原建筑结构，已出具结构安全鉴定报告"
        return [_v("cond8.safety_report", Status.PASS, reason, cite, values={"鉴定报告": report})]
    reason = "改变原建筑结构，须出具建筑结构安全鉴定报告"
    return [_v("cond8.safety_report", Status.PENDING, reason, cite, values={"鉴定报告": report})]
