"""Scope [一], special zones [七.2] and the 容积率 cap [二] of [000 附件3]."""

from __future__ import annotations

from landgov.core.missing import is_missing
from landgov.far.zengrong._case import (
    _Case,
    _cite,
    _Settings,
    _v,
)
from landgov.verdict import Status, Verdict

# ---------------------------------------------------------------------------------------------
# Scope [一] and special zones [七.2]


def _scope(case: _Case, s: _Settings) -> list[Verdict]:
    return [
        _scope_district(case, s),
        _scope_right(case, s),
        _scope_use(case, s),
        _scope_plan(case, s),
        _scope_zone(case, s),
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
    reason = f"县级代码 {code[:6]} 不在适用范围（{districts}：{'、'.join(codes)}）"
    return _v("scope.district", Status.FAIL, reason, cite, values=values)


def _scope_right(case: _Case, s: _Settings) -> Verdict:
    right = case.parcel.get("right_type")
    cite = s.cite("scope_right_types")
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
    use = case.parcel.get("land_use")
    cite = s.cite_key("landuse.industrial_uses")
    if is_missing(use):
        return _v("scope.use", Status.UNKNOWN, "土地用途缺失", cite, missing=("土地用途",))
    ok = s.industrial.matches(use)
    if ok is None:
        reason = f"土地用途「{use}」含工业与非工业两种含义，需人工核实"
        return _v("scope.use", Status.UNKNOWN, reason, cite, missing=("土地用途（人工核实）",))
    reason = "存量工业用地" if ok else f"土地用途为「{use}」，非工业用地"
    status = Status.PASS if ok else Status.FAIL
    return _v("scope.use", status, reason, cite, values={"土地用途": use})


def _scope_plan(case: _Case, s: _Settings) -> Verdict:
    cite = _cite("scope")
    if not case.overlay.get("planning_given"):
        return _v(
            "scope.plan",
            Status.UNKNOWN,
            "未提供国土空间规划图层，无法判断是否符合规划",
            cite,
            missing=("规划用途图层",),
        )
    planned = case.overlay.get("planned_use")
    if is_missing(planned):
        return _v(
            "scope.plan",
            Status.UNKNOWN,
            "宗地不在规划图层范围内或规划用途为空",
            cite,
            missing=("规划用途",),
        )
    values = {"规划用途": planned, "工业用地控制线内": case.overlay.get("inside_control_line")}
    industrial = s.industrial.matches(planned)
    if industrial:
        return _v("scope.plan", Status.PASS, f"规划用途为{planned}", cite, values=values)
    if industrial is None:
        reason = f"规划用途「{planned}」含工业与非工业两种含义，需人工核实"
        return _v("scope.plan", Status.UNKNOWN, reason, cite, values=values, missing=("规划用途",))
    reason = f"规划用途为「{planned}」，不符合国土空间规划的工业用途"
    return _v("scope.plan", Status.FAIL, reason, cite, values=values)


def _scope_zone(case: _Case, s: _Settings) -> Verdict:
    cite = s.cite("special_zones")
    if not case.overlay.get("zones_given"):
        return _v("scope.zone", Status.PASS, "未提供特殊片区图层，按不在特殊片区处理", cite)
    zone = case.overlay.get("special_zone") or ""
    if zone:
        reason = f"位于{zone}，该片区存量工业用地二次开发政策另行制定，不适用本意见"
        return _v("scope.zone", Status.FAIL, reason, cite, values={"特殊片区": zone})
    return _v("scope.zone", Status.PASS, "不在特殊片区", cite)


# ---------------------------------------------------------------------------------------------
# Cap [二]


def _cap(case: _Case, s: _Settings) -> Verdict:
    cap = float(s.value("far_cap"))
    cite = s.cite("far_cap")
    far = case.far.get("far")
    if is_missing(far):
        return _v(
            "cap",
            Status.UNKNOWN,
            "现状容积率未知",
            cite,
            missing=("建筑面积或容积率",),
        )
    values: dict[str, object] = {"现状容积率": round(float(far), 3), "上限": cap}
    after = case.after.get("far_after")
    if case.application is not None:
        if is_missing(after):
            return _v(
                "cap",
                Status.UNKNOWN,
                "新增建筑面积未填，无法计算实施后容积率",
                cite,
                values=values,
                missing=("新增建筑面积",),
            )
        values["实施后容积率"] = round(float(after), 3)
        ok = float(after) <= cap
        reason = f"实施后容积率 {after:.2f}{' ≤ ' if ok else ' > '}上限 {cap:g}"
        return _v("cap", Status.PASS if ok else Status.FAIL, reason, cite, values=values)
    ok = float(far) < cap
    reason = f"现状容积率 {far:.2f}{' < ' if ok else ' ≥ '}上限 {cap:g}"
    reason += "，有增容空间" if ok else "，无增容空间"
    return _v("cap", Status.PASS if ok else Status.FAIL, reason, cite, values=values)
