"""Scope [一], special zones [七(二)], period [七(一)] and the 容积率 cap [二] of [000 附件3]."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd

from landgov.core.collect import NO_ZONE_LAYER, field_item
from landgov.core.compare import shown
from landgov.core.dates import (
    day_or_span,
    latest_name,
    latest_value,
    parse_date,
    span_text,
    unread_name,
    unread_value,
    unread_words,
)
from landgov.core.missing import format_number, is_missing
from landgov.core.overlay import judge_share, overlap_words
from landgov.core.planning import NO_CONTROL_LINE_FIELD, NO_CONTROL_LINE_LAYER
from landgov.core.vocab import EXAMPLE_ONLY, example_fail
from landgov.far.ratio import (
    RECORDED_FLOOR,
    beyond_ratio,
    estimate_citations,
    recorded_floor_item,
    recorded_floor_words,
)
from landgov.far.zengrong._case import (
    ADDED_FLOOR,
    CO_APPLIED,
    CO_APPLIED_ITEM,
    FLOOR_OR_FAR,
    PLOT_FIRMS,
    PLOT_FIRMS_ITEM,
    PLOT_FIRMS_VALUE,
    PLOT_OWNERS,
    _app,
    _Case,
    _cite,
    _float,
    _not_found,
    _on_example,
    _Settings,
    _v,
)
from landgov.far.zengrong._reads import Share, direct
from landgov.ids import check_parcel_code, normalize_uscc
from landgov.verdict import Citation, Status, Verdict

# ---------------------------------------------------------------------------------------------
# Scope [一], special zones [七(二)], period [七(一)]


def _scope(case: _Case, s: _Settings, *, share: Share = direct) -> list[Verdict]:
    """The parts of scope [一]; ``share`` may hand out a verdict judged on the same facts."""
    return [
        _scope_district(case, s),
        share("scope.right", case, lambda: _scope_right(case, s)),
        share("scope.use", case, lambda: _scope_use(case, s)),
        share("scope.plan", case, lambda: _scope_plan(case, s)),
        share("scope.control_line", case, lambda: _scope_control_line(case, s)),
        share("scope.zone", case, lambda: _scope_zone(case, s)),
        share("scope.period", case, lambda: _scope_period(case, s)),
        *_scope_applicant(case),
    ]


def _scope_applicant(case: _Case) -> list[Verdict]:
    """An application by an enterprise the plot is not linked to, or linked to as a tenant
    only: 待核实, said; nothing otherwise (the plot's owner, a plot without linked enterprises,
    an applicant without a code, a screening).

    The opinion is for land whose user 「取得国有出让建设用地使用权」 [一], and 「企业向属地镇街提出
    申请」 [四（一）]: an applicant whose 统一社会信用代码 is none of the plot's enterprises (地企
    关联) may hold no right on it (a code typed wrong, another firm's plot, a transfer the
    tables do not show yet). A tenant (地企关联 relation 承租) is on the plot but holds no 使用权
    of it: the holder's right or consent is to be shown [一; 四（五）: the commitment, the
    《投资建设协议》 and the bank guarantee are the holder's]. Never a 不符合 (the tables may be
    behind, the holder may consent), never a silent pass.
    """
    firms = _app(case, PLOT_FIRMS)
    given = normalize_uscc(_app(case, "uscc"))
    owners = _app(case, PLOT_OWNERS) or ()
    if not firms or not given or given in owners:
        return []
    ent = case.enterprise or {}
    who = f"{ent.get('name')}，" if not is_missing(ent.get("name")) else ""
    pid = case.parcel.get("parcel_id")
    if given in firms:  # linked, but renting: no 使用权 of its own on the plot
        held = "、".join(f"{firms[u]} {u}" if firms[u] else u for u in owners)
        reason = (
            f"申请企业（{who}统一社会信用代码 {given}）为宗地 {pid} 的承租企业，"
            f"不是土地使用权人（{'宗地权利人：' + held if held else '地企关联表中无权利人'}），"
            "未能确认其取得该宗地国有出让建设用地使用权或经使用权人同意"
        )
        cite = Citation("000", "附件3 一")
    else:
        linked = "、".join(f"{name} {code}" if name else code for code, name in firms.items())
        reason = (
            f"申请企业（{who}统一社会信用代码 {given}）不是宗地 {pid} 的关联企业"
            f"（宗地关联企业：{linked}），"
            "未能确认其取得该宗地国有出让建设用地使用权"
        )
        cite = Citation("000", "附件3 四(一)")
    values = {"申请企业": given, PLOT_FIRMS_VALUE: "、".join(firms)}
    return [
        _v(
            "scope.applicant",
            Status.UNKNOWN,
            reason,
            cite,
            values=values,
            missing=(PLOT_FIRMS_ITEM,),
        )
    ]


def _scope_district(case: _Case, s: _Settings) -> Verdict:
    code = str(case.parcel.get("parcel_id") or "")
    codes = tuple(s.value("scope_county_codes"))
    districts = "、".join(s.value("scope_districts"))
    cite = s.cite("scope_county_codes")
    values = {"宗地代码": code, "县级代码": code[:6]}
    if len(code) < 6 or not code[:6].isdigit():
        return _v(
            "scope.district",
            Status.UNKNOWN,
            "宗地代码缺失或无县级代码，无法判断所在区",
            cite,
            values=values,
            missing=("宗地代码",),
        )
    if code[:6] in codes:
        return _v("scope.district", Status.PASS, f"位于{districts}", cite, values=values)
    if code[:6] in s.profile.value("zengrong.scope_county_codes_unsure", []):
        reason = (
            f"县级代码 {code[:6]} 的宗地可能位于{districts}（跨县的区），"
            "仅凭代码不能判断是否属于适用范围"
        )
        missing = (f"宗地是否位于{districts}",)
        unsure = s.cite("scope_county_codes_unsure")
        return _v("scope.district", Status.UNKNOWN, reason, unsure, values=values, missing=missing)
    reason = f"县级代码 {code[:6]} 不在适用范围（{districts}：{'、'.join(codes)}）"
    return _v("scope.district", Status.FAIL, reason, cite, values=values)


def _scope_right(case: _Case, s: _Settings) -> Verdict:
    """「取得国有出让建设用地使用权」 [一]: state-owned land (the 宗地代码's 特征码 says who owns
    it: J 集体 is out of scope, Z 所有权未确定 is 待核实) held by 出让 (``权利性质``).

    A code that does not parse says nothing of the owner: 权利性质 decides alone, as before.
    """
    right = case.parcel.get("right_type")
    cite = s.cite("scope_right_types")
    code = check_parcel_code(case.parcel.get("parcel_id"))
    owner = code.land_owner
    if owner == "集体" or (not is_missing(right) and "集体" in str(right)):
        told = f"宗地代码特征码 {code.feature}" if owner == "集体" else f"权利性质「{right}」"
        reason = f"{told}：集体土地，非国有出让建设用地"
        values = {"特征码": code.feature, "权利性质": right}
        return _v("scope.right", Status.FAIL, reason, cite, values=values)
    if owner == "所有权未确定":
        reason = f"宗地代码特征码 {code.feature}：土地所有权未确定或有争议，无法认定为国有出让"
        missing = ("土地所有权（国有/集体）",)
        return _v(
            "scope.right", Status.UNKNOWN, reason, cite, values={"特征码": code.feature},
            missing=missing,
        )  # fmt: skip
    if is_missing(right):
        return _v(
            "scope.right",
            Status.UNKNOWN,
            "权利性质缺失",
            cite,
            missing=("权利性质",),
        )
    ok = any(t in str(right) for t in s.value("scope_right_types"))
    status = Status.PASS if ok else Status.FAIL
    reason = "国有出让建设用地" if ok else f"权利性质为「{right}」，非国有出让"
    return _v("scope.right", status, reason, cite, values={"权利性质": right})


def _scope_use(case: _Case, s: _Settings) -> Verdict:
    """「存量工业用地」 [一]: the parcel's 土地用途 by :mod:`landgov.core.landuse`.

    A name or code of a national classification (工业用地, M2, 0601, 100101; R2, 商业用地) decides
    and the verdict cites the standard. A register short form the project reads
    (「工业」, 「商住用地」: ``landuse.*_uses_project``, 示例规则（非官方）) never makes a 符合
    on its own: read as industrial it is 待核实, the reason naming the value and the project
    reading; read as non-industrial it is 不符合 marked 示例规则（非官方） (a 符合 is what an
    unofficial value may never make; no reading makes such land 工业用地).
    """
    use = case.parcel.get("land_use")
    cite = s.cite_key("landuse.industrial_uses")
    if is_missing(use):
        return _v("scope.use", Status.UNKNOWN, "土地用途缺失", cite, missing=("土地用途",))
    read = s.industrial.read(use)
    values = {"土地用途": use}
    if read.industrial is None:
        reason = s.industrial.describe(use, "土地用途") or f"土地用途「{use}」无法判定"
        return _v(
            "scope.use", Status.UNKNOWN, reason, cite, values=values,
            missing=("土地用途（人工核实）",),
        )  # fmt: skip
    cite = read.citation or cite
    note = read.note(use, "土地用途")
    if read.industrial and note is not None:
        reason = f"{note}，不能仅据此认定为存量工业用地"
        missing = ("土地用途（人工核实是否为工业用地）",)
        return _v("scope.use", Status.UNKNOWN, reason, cite, values=values, missing=missing)
    if read.industrial:
        return _v("scope.use", Status.PASS, "存量工业用地", cite, values=values)
    reason = str(read.words(use, "土地用途"))  # the words of the lists' 范围说明 too
    return _v("scope.use", Status.FAIL, reason, cite, values=values)


def _scope_plan(case: _Case, s: _Settings) -> Verdict:
    """「所在地块应符合国土空间规划的要求」 [一]: the share of the plot planned for a
    non-industrial use, by :func:`landgov.core.overlay.judge_share` with
    :func:`landgov.core.planning.planned_use_rule` — the rule of the screening check
    规划已非工业, so both stages answer alike for one plot."""
    cite = _cite("scope")
    if (lost := _not_found(case, "scope.plan", "国土空间规划图层", cite)) is not None:
        return lost
    if not case.overlay.get("planning_given"):
        return _v(
            "scope.plan",
            Status.UNKNOWN,
            "未提供国土空间规划图层，无法判断是否符合规划",
            cite,
            missing=(NO_CONTROL_LINE_LAYER,),  # the one item of a missing planning layer
        )
    rule = s.planned_use
    bad = float(case.overlay.get("planning_other_share") or 0.0)
    unknown = float(case.overlay.get("planning_unknown_share") or 0.0)
    note = case.overlay.get("planning_unknown_note")
    project = float(case.overlay.get("planning_project_share") or 0.0)
    told = case.overlay.get("planning_project_note")
    found = judge_share(
        rule, bad=bad, unknown=unknown, note=note if isinstance(note, str) else "",
        project=project, project_note=told if isinstance(told, str) else "",
        fail_says="，不符合国土空间规划的工业用途",
    )  # fmt: skip
    planned = case.overlay.get("planned_use")
    values: dict[str, object] = {
        "规划用途（面积最大）": "" if is_missing(planned) else planned,
        "规划非工业面积占比": round(bad, 4),
        "规划不明面积占比": round(unknown, 4),
        "比例门槛": rule.limit.value,
    }
    lead = "" if is_missing(planned) else f"规划用途（面积最大）为「{planned}」；"
    reason = lead + found.reason
    if found.citation is not None and not found.citation.official:
        cite = replace(cite, official=False)  # decided by the example share (「参照」 kept)
    return _v("scope.plan", found.status, reason, cite, values=values, missing=found.missing)


#: What a plot outside the 工业用地控制线 leaves to the planning department: whether 增容 there
#: meets 「所在地块应符合国土空间规划的要求」 [附件3 一].
OUTSIDE_LINE = (
    "区自然资源和规划分局确认：宗地位于工业用地控制线外，是否符合国土空间规划的要求（可否增容）"
)


def _scope_control_line(case: _Case, s: _Settings) -> Verdict:
    """The 工业用地控制线 part of 「所在地块应符合国土空间规划的要求」 [一], by the rule of the
    screening check 控制线外 (:func:`landgov.core.overlay.judge_share` with
    :func:`landgov.core.planning.control_line_rule` on
    :func:`landgov.core.planning.control_line_shares`): both stages find the same share.

    - wholly inside, or outside below a county's own share → 符合;
    - outside by the share (the screening's 不符合, path 功能转型) → 待核实, never 不符合 and
      never 符合: the line is a requirement of the 国土空间规划 (越政发〔2022〕24号 第七条第19项
      「落实工业用地控制线管理要求」), but the opinion does not say that land outside it may not
      be 增容 (outside, a change of use is possible with “改一补一”, not decided); the
      自然资源和规划 department confirms (:data:`OUTSIDE_LINE`);
    - below an example share, or a part not known (not covered, attribute blank) that could
      reach it → 待核实, as in screening;
    - no planning layer, or one without the line → 待核实 naming it, as in screening.
    """
    cite = _cite("scope")
    rule = "scope.control_line"
    if (lost := _not_found(case, rule, "工业用地控制线", cite)) is not None:
        return lost
    if not case.overlay.get("planning_given") or not case.overlay.get("control_line_given"):
        what = (
            NO_CONTROL_LINE_FIELD if case.overlay.get("planning_given") else NO_CONTROL_LINE_LAYER
        )
        reason = "未提供工业用地控制线，无法判断是否符合国土空间规划的要求（工业用地控制线）"
        return _v(rule, Status.UNKNOWN, reason, cite, missing=(what,))
    line = s.control_line
    bad = float(case.overlay.get("control_line_outside_share") or 0.0)
    unknown = float(case.overlay.get("control_line_unknown_share") or 0.0)
    found = judge_share(line, bad=bad, unknown=unknown)
    values = {
        "控制线外面积占比": round(bad, 4),
        "控制线不明面积占比": round(unknown, 4),
        "控制线外比例门槛": line.limit.value,
    }
    if found.citation is not None and not found.citation.official:
        cite = replace(cite, official=False)  # decided by the example share (「参照」 kept)
    if found.status is not Status.FAIL:
        return _v(rule, found.status, found.reason, cite, values=values, missing=found.missing)
    reason = (
        f"{found.reason}；控制线外的工业用地确需改变用途的实行“改一补一” "
        f"{Citation('000', '19').reference}，本意见未明确控制线外的存量工业用地可否增容，"
        "是否符合国土空间规划的要求须核实"
    )
    return _v(rule, Status.UNKNOWN, reason, cite, values=values, missing=(OUTSIDE_LINE,))


def _scope_zone(case: _Case, s: _Settings) -> Verdict:
    """Not in a zone with its own policy [七(二)]; without the zone layer: 待核实.

    「马海片区企业存量工业用地」: a plot in the zone whole (no more than the edge tolerance of it
    outside) is 不符合; a plot partly in it is 待核实 — the overlap's area and share said, the
    区自然资源和规划分局 to confirm whether the land belongs to the zone (no share threshold:
    the opinion sets none, and an example one must not decide); an overlap within the edge
    tolerance is none (:func:`landgov.core.overlay.zone_cover`).

    The verdict rests on ``special_zones`` (the zone names, official) and cites it; the overlap
    tolerance (``overlap_tolerance_m2``, a project default for edge slivers) is named in the
    reason where it could matter (no overlap found) but does not make the verdict unofficial.
    """
    cite = s.cite("special_zones")
    zones = "、".join(s.value("special_zones"))
    if (lost := _zone_layer_gap(case, cite, zones)) is not None:
        return lost
    zone = case.overlay.get("special_zone") or ""
    if zone:
        reason = f"位于{zone}，该片区存量工业用地二次开发政策另行制定，不适用本意见"
        return _v("scope.zone", Status.FAIL, reason, cite, values={"特殊片区": zone})
    partial = case.overlay.get("special_zone_partial") or ""
    if partial:
        area = float(case.overlay.get("special_zone_area_m2") or 0.0)
        share = float(case.overlay.get("special_zone_share") or 0.0)
        reason = (
            f"与{partial}部分重叠（{overlap_words(area, share)}），"
            f"须核实该企业存量工业用地是否属于{zones}"
        )
        values = {
            "特殊片区": partial,
            "重叠面积_m2": round(area, 2),
            "重叠面积占比": round(share, 4),
        }
        missing = (
            f"区自然资源和规划分局确认：部分位于{zones}的宗地是否属于该片区企业存量工业用地",
        )
        return _v("scope.zone", Status.UNKNOWN, reason, cite, values=values, missing=missing)
    if case.overlay.get("unnamed_zone"):
        reason = "与特殊片区图层中未填名称的片区重叠，无法判断是否位于" + zones
        missing = (field_item("special_zones", "重叠片区的名称"),)
        return _v("scope.zone", Status.UNKNOWN, reason, cite, missing=missing)
    tol = s.profile["overlay.overlap_tolerance_m2"]
    reason = f"不在{zones}（重叠不超过 {tol.value:g} 平方米视为边界误差，项目默认）"
    return _v("scope.zone", Status.PASS, reason, cite, values={"边界容差_m2": tol.value})


def _zone_layer_gap(case: _Case, cite: Citation, zones: str) -> Verdict | None:
    """待核实 where the plot, the zone layer or its names are missing; ``None`` otherwise."""
    if (lost := _not_found(case, "scope.zone", "特殊片区图层", cite)) is not None:
        return lost
    if not case.overlay.get("zones_given"):
        reason = f"未提供特殊片区图层，无法判断是否位于{zones}"
        return _v("scope.zone", Status.UNKNOWN, reason, cite, missing=(NO_ZONE_LAYER,))
    if not case.overlay.get("zone_names_given"):
        reason = f"特殊片区图层无片区名称字段，无法判断是否位于{zones}"
        missing = (field_item("special_zones", "图层中片区名称字段"),)
        return _v("scope.zone", Status.UNKNOWN, reason, cite, missing=missing)
    return None


def _scope_period(case: _Case, s: _Settings) -> Verdict:
    """Within the opinion's period: 「本政策自 2022 年 11 月 1 日起执行」 [七(一)].

    An application is judged by its own date (申请日期; missing → 待核实); a screened plot by
    the as-of date.
    """
    param = s.profile["zengrong.effective_from"]
    cite = s.cite("effective_from")
    start = param.value
    if case.application is None:
        day, what = s.as_of, "核查日"
    else:
        raw = case.application.get("application_date")
        day, what = parse_date(raw), "申请日期"  # the readers' parser: 0 is no date
        if day is None:
            # missing: not filled in, or set aside as implausible (after the reference date);
            # written but no date (the readers keep its text: core.dates.unread_name) is said
            seen = unread_value(raw, case.application.get(unread_name("application_date")))
            told = "申请日期未填报或不合理（见问题记录）"
            told = told if seen is None else unread_words("申请日期", seen)
            reason = f"{told}，无法判断是否在本意见执行期内（{start} 起）"
            return _v("scope.period", Status.UNKNOWN, reason, cite, missing=("申请表：申请日期",))
    # a month (quarter, half-year) is all of it: in the period only when its first day is
    latest = None
    if case.application is not None:
        app = case.application
        latest = latest_value(app.get("application_date"), app.get(latest_name("application_date")))
    values = {what: day_or_span(day, latest), "施行日期": str(start)}
    if latest is not None and not param.compare(day) and param.compare(latest):
        reason = (
            f"申请日期只写到 {span_text(day, latest)}，无法判断是否在本意见执行期内（{start} 起）"
        )
        missing = ("申请表：申请日期（写到日）",)
        return _v("scope.period", Status.UNKNOWN, reason, cite, values=values, missing=missing)
    if param.compare(day):
        first = "含当日" if param.comparison == ">=" else "不含当日"
        reason = f"{what} {values[what]} 在本意见执行期内（{start} 起执行，{first}）"
        verdict = _v("scope.period", Status.PASS, reason, cite, values=values)
    else:
        reason = (
            f"{what} {values[what]} 早于本意见施行日 {start}，不在本意见执行期内（按当时政策办理）"
        )
        verdict = _v("scope.period", Status.FAIL, reason, cite, values=values)
    return _on_example(verdict, f"七(一) 施行日期 {start}")


# ---------------------------------------------------------------------------------------------
# Cap [二]


#: Said where a ratio shown as the cap itself stands apart from it by the floor areas alone.
_BY_AREAS = "按建筑面积精确到 0.01 平方米比较"


def _cap(case: _Case, s: _Settings) -> Verdict:
    cap = float(s.value("far_cap"))
    cite = s.cite("far_cap")
    far = case.far.get("far")
    land = case.far.get("land_area_m2")
    if is_missing(far):
        return _v(
            "cap",
            Status.UNKNOWN,
            "现状容积率未知",
            cite,
            missing=(FLOOR_OR_FAR,),
        )
    values: dict[str, object] = {"现状容积率": round(float(far), 3), "上限": cap}
    after = case.after.get("far_after")
    if case.application is not None:
        added = case.application.get("added_floor_m2")
        if not is_missing(added) and float(added) <= 0:
            # a 增容 application adds floor area; 0 is most often a blank cell saved as 0, and
            # a negative one (which the reader keeps, said) is no 增容: never 符合 on it
            told = (
                "新增建筑面积填为 0（增容申请应有新增建筑面积）"
                if float(added) == 0
                else f"新增建筑面积为负（{format_number(added, thousands=True)} 平方米，"
                "增容申请应有新增建筑面积）"
            )
            told += "，无法判断实施后容积率，请核实是否漏填或填错"
            return _v("cap", Status.UNKNOWN, told, cite, values=values, missing=(ADDED_FLOOR,))
        if is_missing(after):
            return _v(
                "cap",
                Status.UNKNOWN,
                "新增建筑面积未填，无法计算实施后容积率",
                cite,
                values=values,
                missing=(ADDED_FLOOR,),
            )
        values["实施后容积率"] = round(float(after), 3)
        # 「上限可提高至 2.5」: 2.5 itself is allowed; compared on the floor areas (0.01 m²)
        over = float(beyond_ratio(case.after.get("floor_area_after_m2"), land, cap))
        ok = over <= 0
        seen = shown(after, cap, trim=False, beyond=over)
        reason = f"实施后容积率 {seen}{' ≤ ' if ok else ' > '}上限 {cap:g}"
        if not ok:
            reason += f"（超出上限建筑面积 {format_number(over, thousands=True)} 平方米）"
        added = _float(case.application.get("added_floor_m2"))
        together = _together(case, land, cap) if ok else None
        if together is not None:
            verdict = _v("cap", Status.UNKNOWN, reason + together, cite, values=values,
                         missing=(CO_APPLIED_ITEM,))  # fmt: skip
        else:
            verdict = _cap_verdict(case, s, ok=ok, reason=reason, values=values, added=added)
        return _on_example(_on_estimate(case, s, verdict, added=added), _cap_threshold(cap))
    # at the cap (2.5 included) there is no room left: the room of :func:`headroom`, 0.01 m²
    room = case.far.get("headroom_m2")
    ok = not is_missing(room) and float(room) > 0
    seen = shown(far, cap, trim=False, beyond=-float(room) if ok else None)
    reason = f"现状容积率 {seen}{' < ' if ok else ' ≥ '}上限 {cap:g}"
    if ok and seen == format_number(cap, trim=False):  # below only by the areas' rounding
        reason += f"（{_BY_AREAS}，尚余 {format_number(room, thousands=True)} 平方米）"
    reason += "，有增容空间" if ok else "，无增容空间"
    verdict = _cap_verdict(case, s, ok=ok, reason=reason, values=values, added=None)
    return _on_example(_on_estimate(case, s, verdict, added=None), _cap_threshold(cap))


def _cap_threshold(cap: float) -> str:
    """The cap as :func:`~landgov.far.zengrong._case._on_example` names it to confirm."""
    return f"二 容积率上限 {cap:g}（含本数）"


#: What a cap resting on a floor area estimated from heights lacks: the real one.
ESTIMATE_FLOOR = "区自然资源和规划分局或申请人：宗地登记建筑面积（现状建筑面积为高度估算）"


def _on_estimate(case: _Case, s: _Settings, verdict: Verdict, *, added: float | None) -> Verdict:
    """The cap ``verdict`` of a plot whose current floor area is a height estimate
    (``far_source`` 建筑高度估算 / 高度栅格估算) on 示例规则（非官方） storey or cell heights
    (:func:`~landgov.far.ratio.estimate_citations`): a 符合 is 待核实, the registered 建筑面积
    to collect; a 不符合 says so (:func:`~landgov.core.vocab.example_fail`), unless the added
    floor area alone is over the cap (then it holds whatever the estimate, a floor area never
    below 0); as it is otherwise (a recorded figure, or both heights the county's own)."""
    source = case.far.get("far_source")
    rests = estimate_citations(source, s.profile)
    if not rests or verdict.status not in (Status.PASS, Status.FAIL):
        return verdict
    floor = format_number(case.far.get("floor_area_m2"), thousands=True)
    storey = float(s.profile.value("far.raster_storey_height_m"))
    said = f"现状建筑面积 {floor} 平方米为{str(source).strip()}值（层数按层高 {storey:g} 米折算）"
    if verdict.status is Status.PASS:
        reason = f"{verdict.reason}；{said}，{EXAMPLE_ONLY}"
        return _v(
            "cap",
            Status.UNKNOWN,
            reason,
            verdict.citation,
            values=verdict.values,
            missing=(*verdict.missing, ESTIMATE_FLOOR),
        )
    cap = float(s.value("far_cap"))
    land = case.far.get("land_area_m2")
    alone = (
        added is not None
        and not math.isnan(added)
        and not is_missing(land)
        and float(beyond_ratio(added, land, cap)) > 0
    )
    if alone:
        shown_added = format_number(added, thousands=True)
        reason = (
            f"{verdict.reason}；{said}，但新增建筑面积 {shown_added} 平方米单独已超出上限，"
            "不论现状建筑面积如何均不符合"
        )
    else:
        reason = example_fail(f"{verdict.reason}；{said}", *rests)
    return _v(
        "cap", Status.FAIL, reason, verdict.citation, values=verdict.values, missing=verdict.missing
    )


#: The two floor areas the cap may read (``far.cap_floor_area``), as a reason names them.
_FLOOR_READINGS = ("floor_area_m2", "floor_area_far_m2")


def _floor_reading(column: str, s: _Settings) -> str:
    if column == "floor_area_m2":
        return "实际建筑面积"
    height = float(s.profile.value("far.double_storey_height_m"))
    return f"计容建筑面积（层高超过 {height:g} 米的层加倍）"


def _together(case: _Case, land: object, cap: float) -> str | None:
    """Where the application fits the cap alone but not with the other applications on the
    same plot: what to say (None otherwise). 「容积率上限可提高至 2.5」 [附件3 二] is the plot's,
    and 「项目不允许分期建设」 [附件3 四（五）]: the applications cannot all be granted, and which
    one stands is for the township and the joint meeting to verify (待核实)."""
    others = case.application.get(CO_APPLIED) or () if case.application else ()
    floor = _float(case.after.get("floor_area_after_m2"))
    if not others or math.isnan(floor) or is_missing(land) or not float(land) > 0:
        return None
    total = floor + math.fsum(a for _, a in others)
    over = float(beyond_ratio(total, land, cap))
    if over <= 0:
        return None
    names = "、".join(
        f"{aid}（新增 {format_number(a, thousands=True)} 平方米）" for aid, a in others
    )
    seen = shown(total / float(land), cap, trim=False, beyond=over)
    return (
        f"；但同一宗地另有增容申请 {names}，合计实施后容积率 {seen} > 上限 {cap:g}"
        f"（超出 {format_number(over, thousands=True)} 平方米），不能同时按申请增容；"
        "项目不允许分期建设 [越政发〔2022〕24号 附件3 第四条第（五）项]，请核实以哪一份申请为准"
    )


def _cap_verdict(
    case: _Case,
    s: _Settings,
    *,
    ok: bool,
    reason: str,
    values: dict[str, object],
    added: float | None,
) -> Verdict:
    """The cap verdict, 待核实 where another reading of the plot's floor area answers otherwise.

    Two such readings:

    - which floor area the 2.5 cap reads (``far.cap_floor_area``: the real one, or the one
      counted with storeys over 8 m twice) is not in 附件3 二 (「在符合相关技术规范的前提下」).
      While that reading is a project default (``official = false``), the cap is 符合 or 不符合
      only where the other reading gives the same answer; where the two part (a tall shed: 2.5
      on the real floor area, 2.8 on the counted one) it is 待核实, with both figures;
    - the registered 建筑面积 where the plot's floor area came from its building records and
      the register says otherwise (:func:`~landgov.far.ratio.other_recorded_floor`): neither
      figure alone decides, the floor area is to verify.

    ``added`` is the application's added floor area (``None``: the plot's own room, no
    application).
    """
    cap = float(s.value("far_cap"))
    cite = s.cite("far_cap")
    status = Status.PASS if ok else Status.FAIL
    land = case.far.get("land_area_m2")
    if is_missing(land) or not float(land) > 0:
        return _v("cap", status, reason, cite, values=values)
    reading = s.cite_key("far.cap_floor_area")
    column = str(s.profile.value("far.cap_floor_area"))
    other = _open_reading(s)
    said: list[str] = []
    missing: list[str] = []
    if other is not None:
        theirs = _floor_reading(other, s)
        told = _parted(case.far.get(other), float(land), cap, added, ok=ok, values=values,
                       label=theirs)  # fmt: skip
        if told:
            mine = _floor_reading(column, s)
            said.append(
                f"按{mine}：{reason}；按{theirs}：{told}。上限按{mine}计算是项目默认读法"
                f"（{reading.marker}），两种读法结论不同，不据此判定"
            )
            missing.append(
                f"区自然资源和规划分局确认：容积率上限 {cap:g} 按实际建筑面积还是计容建筑面积计算"
            )
    recorded = case.far.get(RECORDED_FLOOR)
    if not is_missing(recorded):
        label = f"登记建筑面积 {format_number(recorded, thousands=True)} 平方米"
        told = _parted(recorded, float(land), cap, added, ok=ok, values=values, label=label)
        if told:
            real = case.far.get("floor_area_m2")
            said.append(
                f"{'' if said else reason + '；'}按{label}：{told}。"
                f"{recorded_floor_words(recorded, real)}，两者结论不同，不据此判定"
            )
            missing.append(recorded_floor_item(recorded, real))
    if not said:
        return _v("cap", status, reason, cite, values=values)
    return _v("cap", Status.UNKNOWN, "；".join(said), cite, values=values, missing=tuple(missing))


def room_readings(far: pd.DataFrame, room: pd.Series, s: _Settings) -> pd.Series:
    """Per plot: what its room to the cap (``room``, :func:`~landgov.far.ratio.headroom` on the
    floor area the cap reads) says where another reading of the floor area parts from it; ""
    elsewhere. Appended to ``headroom_reason``; where the cap is 示例规则（非官方），every plot's
    room says so (:data:`_EXAMPLE_CAP_ROOM`).

    The readings are those of :func:`_cap_verdict` (the counted floor area while the cap's
    reading is a project default; the registered 建筑面积 where the building records say
    otherwise, :func:`~landgov.far.ratio.other_recorded_floor`): where one leaves room and the
    other none, the plot's cap is 待核实 and one figure of room would read as settled. Both are
    said, and what the choice rests on: 「增容空间待核实：按实际建筑面积 2,333.32 平方米，按计容
    建筑面积（层高超过 8 米的层加倍）0 平方米，取决于…」.
    """
    cap = float(s.value("far_cap"))
    land = pd.to_numeric(far["land_area_m2"], errors="coerce")
    out = pd.Series("", index=far.index, dtype=object)
    column = str(s.profile.value("far.cap_floor_area"))
    readings: list[tuple[str, str, str, str]] = []  # (other column, mine, theirs, why)
    other = _open_reading(s)
    if other is not None and other in far:
        why = (
            f"取决于容积率上限 {cap:g} 按实际建筑面积还是计容建筑面积计算（待区自然资源和规划分局"
            "确认）"
        )
        readings.append((other, _floor_reading(column, s), _floor_reading(other, s), why))
    if RECORDED_FLOOR in far:
        why = "取决于现状建筑面积以建筑记录还是登记为准（核实现状建筑面积）"
        readings.append((RECORDED_FLOOR, "建筑记录", "登记建筑面积", why))
    has = room.gt(0)
    for col, mine, theirs, why in readings:
        floor = pd.to_numeric(far[col], errors="coerce")
        theirs_room = (-beyond_ratio(floor, land, cap)).clip(lower=0.0) + 0.0
        parted = floor.notna() & land.gt(0) & room.notna() & theirs_room.gt(0).ne(has)
        for i in np.flatnonzero(parted.to_numpy()):
            said = (
                f"增容空间待核实：按{mine} {format_number(room.iat[i], thousands=True)} 平方米，"
                f"按{theirs} {format_number(theirs_room.iat[i], thousands=True)} 平方米，{why}"
            )
            out.iat[i] = "；".join(x for x in (out.iat[i], said) if x)
    if not s.cite("far_cap").official:  # the room is measured to an example cap: not settled
        said = _EXAMPLE_CAP_ROOM.format(cap=f"{cap:g}")
        for i in np.flatnonzero(room.notna().to_numpy()):
            out.iat[i] = "；".join(x for x in (out.iat[i], said) if x)
    return out


#: What a plot's room says where the cap it is measured to is 示例规则（非官方）
#: (:func:`room_readings`): the figure stands, its cap is the county's to confirm.
_EXAMPLE_CAP_ROOM = "增容空间按容积率上限 {cap} 计算，该上限为示例规则（非官方），以区级认定为准"


def _open_reading(s: _Settings) -> str | None:
    """The other floor area the cap may read while ``far.cap_floor_area`` is a project default
    (``official = false``): the counted one beside the real (or the reverse); ``None`` where
    the county has said which (or names a column of neither reading)."""
    column = str(s.profile.value("far.cap_floor_area"))
    if s.cite_key("far.cap_floor_area").official or column not in _FLOOR_READINGS:
        return None
    return next((c for c in _FLOOR_READINGS if c != column), None)


def _parted(
    floor_m2: object,
    land: float,
    cap: float,
    added: float | None,
    *,
    ok: bool,
    values: dict[str, object],
    label: str,
) -> str | None:
    """What the cap says on another floor area ``floor_m2`` (plus ``added``) where it answers
    otherwise than ``ok``, its ratio put in ``values`` under ``label``; None where it agrees
    (or the figure is not known)."""
    floor = _float(floor_m2) + (0.0 if added is None else added)
    if math.isnan(floor):
        return None
    over = float(beyond_ratio(floor, land, cap))
    # with an application 2.5 itself is allowed; a plot's own room needs a ratio under 2.5
    other_ok = over <= 0 if added is not None else over < 0
    if other_ok == ok:
        return None
    ratio = floor / land
    what = "实施后容积率" if added is not None else "现状容积率"
    seen = shown(ratio, cap, trim=False, beyond=over)
    sign = ("≤" if other_ok else ">") if added is not None else ("<" if other_ok else "≥")
    values[f"{what}（{label}）"] = round(ratio, 3)
    return f"{what} {seen} {sign} 上限 {cap:g}"
