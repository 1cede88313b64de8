"""增容: which industrial plots could raise their 容积率, and does an application qualify.

Implements 《越城区、滨海新区进一步鼓励存量工业用地二次开发盘活闲置资源的实施意见》 [000 附件3]:
scope [一], the 容积率 cap [二] and the eight conditions [三 1–8], each returned as a
:class:`~landgov.verdict.Verdict` (符合 / 不符合 / 待核实 / 待承诺) with the values seen and the
clause. Two entry points share the same rules:

- :func:`check_parcels` screens every parcel (走访摸排 [六(一)]): who could apply. Facts only an
  application gives (standard factory or not, title, commitment …) are 待核实 / 待承诺 there, so
  a screened plot is at best 待核实; plots with any 不符合 are not candidates.
- :func:`check_applications` checks each application row against its parcel and enterprise and
  adds the figures after the project (容积率, 亩均税收, 投资强度).

Overall: any 不符合 → 不可申报; else any 待核实 → 待核实; else 可申报 (待承诺 items are document
steps listed for the joint meeting, [四(五)]). Missing data is never read as a pass.
印染化工电镀 relocation firms are flagged for the joint meeting [三 末段]; plots in a special zone
(马海片区 [七.2]) are out of scope.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.dates import parse_date
from landgov.core.landuse import LandUseMatcher, industrial_matcher
from landgov.core.missing import is_missing, parse_yes_no
from landgov.core.overlay import DemolitionRule, coverage, demolition_overlay, intersections
from landgov.core.vocab import CatalogueClass, Eligibility, ViolationCategory
from landgov.far import far_floors, headroom
from landgov.ids import normalize_uscc
from landgov.industry import catalogue_edition, to_gb2002_division
from landgov.link import parcel_main_enterprises
from landgov.policy import Profile
from landgov.units import M2_PER_MU, m2_to_mu
from landgov.verdict import Citation, Status, Verdict, combine

__all__ = [
    "CONDITIONS",
    "CONDITION_LABELS",
    "Eligibility",
    "check_applications",
    "check_parcels",
    "overall",
]


#: Condition columns, in the order of the opinion.
CONDITIONS: tuple[str, ...] = (
    "scope",
    "cap",
    "cond1",
    "cond2",
    "cond3",
    "cond4",
    "cond5",
    "cond6",
    "cond7",
    "cond8",
)
CONDITION_LABELS: Mapping[str, str] = {
    "scope": "适用范围（一）",
    "cap": "容积率上限（二）",
    "cond1": "条件1 面积/拆迁/违建/临时用途",
    "cond2": "条件2 产权/首次开发",
    "cond3": "条件3 一年内不良记录",
    "cond4": "条件4 制造业/非标准厂房",
    "cond5": "条件5 产业导向",
    "cond6": "条件6 标准地指标",
    "cond7": "条件7 征收补偿承诺",
    "cond8": "条件8 结构安全鉴定",
}
_CLAUSE = {
    "scope": "附件3 一",
    "cap": "附件3 二",
    "cond1": "附件3 三.1",
    "cond2": "附件3 三.2",
    "cond3": "附件3 三.3",
    "cond4": "附件3 三.4",
    "cond5": "附件3 三.5",
    "cond6": "附件3 三.6",
    "cond7": "附件3 三.7",
    "cond8": "附件3 三.8",
}
_APP = "增容申请"


def _cite(key: str) -> Citation:
    return Citation("000", _CLAUSE[key])


def _v(rule: str, status: Status, reason: str, cite: Citation, **kw: Any) -> Verdict:
    return Verdict(f"zengrong.{rule}", status, reason, cite, **kw)


# ---------------------------------------------------------------------------------------------
# The facts one check needs


@dataclass(frozen=True)
class _Record:
    """One compliance record, normalised (category 安全/环保/违法建设…, date or None)."""

    uscc: str
    parcel_id: str | None
    category: str | None
    severity: str | None
    record_date: dt.date | None


@dataclass(frozen=True)
class _Case:
    """Everything known about one plot (and, when checking, its application)."""

    parcel: Mapping[str, Any]
    far: Mapping[str, Any]
    overlay: Mapping[str, Any]
    enterprise: Mapping[str, Any] | None
    records: tuple[_Record, ...] | None  # records of the applicant / plot; None: no table
    application: Mapping[str, Any] | None = None
    after: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Settings:
    profile: Profile
    as_of: dt.date

    def value(self, key: str) -> Any:
        return self.profile.value(f"zengrong.{key}")

    def cite(self, key: str) -> Citation:
        return self.profile.citation(f"zengrong.{key}")

    def cite_key(self, key: str) -> Citation:
        return self.profile.citation(key)

    @functools.cached_property
    def industrial(self) -> LandUseMatcher:
        return industrial_matcher(self.profile)

    @functools.cached_property
    def demolition(self) -> DemolitionRule:
        return DemolitionRule.from_profile(self.profile)


def _app(case: _Case, name: str) -> Any:
    return None if case.application is None else case.application.get(name)


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


# ---------------------------------------------------------------------------------------------
# Condition 1 [三.1]


def _area(case: _Case, s: _Settings) -> Verdict:
    min_mu = float(s.value("min_area_mu"))
    cite = s.cite("min_area_mu")
    geom = case.far.get("land_area_m2")
    if is_missing(geom):
        return _v("cond1.area", Status.UNKNOWN, "用地面积未知", cite, missing=("宗地图形",))
    threshold = min_mu * M2_PER_MU
    area = round(float(geom), 2)  # cadastral precision: 0.01 m²
    mu = area / M2_PER_MU
    values: dict[str, object] = {"用地面积_亩": round(mu, 4), "门槛_亩": min_mu}
    declared = case.parcel.get("area_declared_m2")
    if not is_missing(declared):
        d = round(float(declared), 2)
        values["登记面积_亩"] = round(d / M2_PER_MU, 4)
        if (d > threshold) != (area > threshold):
            reason = f"图形面积 {mu:.2f} 亩与登记面积 {d / M2_PER_MU:.2f} 亩分处 {min_mu:g} 亩两侧"
            return _v(
                "cond1.area",
                Status.UNKNOWN,
                reason,
                cite,
                values=values,
                missing=("经核实的用地面积",),
            )
    ok = area > threshold
    reason = f"用地 {mu:.2f} 亩{'大于' if ok else '不大于'} {min_mu:g} 亩"
    return _v("cond1.area", Status.PASS if ok else Status.FAIL, reason, cite, values=values)


def _demolition(case: _Case, s: _Settings) -> Verdict:
    """Not in a recent demolition plan: the shared rule of :mod:`landgov.core.overlay`."""
    rule = s.demolition
    cite = rule.citation
    if not case.overlay.get("demolition_given"):
        return _v(
            "cond1.demolition",
            Status.UNKNOWN,
            "未提供近年拆迁计划图层",
            cite,
            missing=("拆迁计划图层",),
        )
    share = float(case.overlay.get("demolition_share") or 0.0)
    plans = case.overlay.get("demolition_plans") or ""
    values = {"拆迁计划": plans, "面积占比": round(share, 4), "比例门槛": rule.share}
    # plans are listed only when the parcel counts as inside (see _overlay_facts)
    if case.overlay.get("in_demolition_plan"):
        reason = f"列入近年拆迁计划：{plans}（宗地面积{rule.describe(share)}）"
        return _v("cond1.demolition", Status.FAIL, reason, cite, values=values)
    if share > 0:
        reason = f"与拆迁计划重叠的面积{rule.describe(share)}，不视为列入拆迁计划"
        return _v("cond1.demolition", Status.PASS, reason, cite, values=values)
    return _v("cond1.demolition", Status.PASS, "未列入近年拆迁计划", cite)


def _window_start(s: _Settings) -> dt.date:
    """First day of the record window: the same calendar day ``record_window_years`` earlier."""
    years = int(s.value("record_window_years"))
    try:
        return s.as_of.replace(year=s.as_of.year - years)
    except ValueError:  # 29 February
        return s.as_of.replace(year=s.as_of.year - years, day=28)


def _split_by_window(
    records: list[_Record], s: _Settings
) -> tuple[list[_Record], list[_Record], list[_Record]]:
    """(within the window, before it, undated); records after ``as_of`` are ignored."""
    start = _window_start(s)
    within = [r for r in records if r.record_date and start <= r.record_date <= s.as_of]
    before = [r for r in records if r.record_date and r.record_date < start]
    undated = [r for r in records if r.record_date is None]
    return within, before, undated


def _serious_building(case: _Case, s: _Settings) -> Verdict:
    cite = s.cite("serious_building_severities")
    if case.records is None:
        return _v(
            "cond1.building",
            Status.UNKNOWN,
            "未提供违法违规记录",
            cite,
            missing=("违法违规记录表",),
        )
    severities = set(s.value("serious_building_severities"))
    pid = case.parcel.get("parcel_id")
    serious = [
        r
        for r in case.records
        if r.category == "违法建设"
        and r.severity in severities
        and (r.parcel_id is None or r.parcel_id == pid)
    ]
    recent, old, undated = _split_by_window(serious, s)
    values = {"严重违建记录": len(recent), "更早记录": len(old), "无日期记录": len(undated)}
    if recent:
        dates = "、".join(str(r.record_date) for r in recent)
        reason = f"有严重违法建设记录（{dates}）"
        return _v("cond1.building", Status.FAIL, reason, cite, values=values)
    if undated:
        return _v(
            "cond1.building",
            Status.UNKNOWN,
            "有严重违法建设记录但无日期，无法判断是否已处置",
            cite,
            values=values,
            missing=("违法建设记录日期",),
        )
    reason = "无严重违法建设记录"
    if old:
        reason = f"无一年内严重违法建设记录（另有 {len(old)} 条更早记录，请核实已整改）"
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
    answer = parse_yes_no(_app(case, name))
    if answer is None:
        where = _APP if case.application is None else "申请表"
        return _v(rule, Status.UNKNOWN, f"{label}未填报", cite, missing=(f"{where}：{label}",))
    status = Status.FAIL if answer == fail_on else Status.PASS
    return _v(rule, status, texts[0] if answer else texts[1], cite, values={label: answer})


def _cond1(case: _Case, s: _Settings) -> list[Verdict]:
    temp = _yes_no(
        case,
        "cond1.temporary_use",
        "temporary_use_change",
        "临时改变房屋用途",
        cite=_cite("cond1"),
        fail_on=True,
        texts=("办理了临时改变房屋用途", "未办理临时改变房屋用途"),
    )
    return [_area(case, s), _demolition(case, s), _serious_building(case, s), temp]


# ---------------------------------------------------------------------------------------------
# Condition 2 [三.2]


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
    ok = text in {"清晰", "无纠纷", "产权清晰"}
    reason = "地块、厂房产权清晰" if ok else f"产权状况为「{text}」"
    return _v(
        "cond2.title", Status.PASS if ok else Status.FAIL, reason, cite, values={"产权": text}
    )


def _first_development(case: _Case, s: _Settings) -> Verdict:
    cite = _cite("cond2")
    ok = parse_yes_no(_app(case, "first_development_done"))
    if ok is not None:
        reason = "已完成首次开发" if ok else "申请表填报未完成首次开发"
        status = Status.PASS if ok else Status.FAIL
        return _v("cond2.first_development", status, reason, cite, values={"首次开发": ok})
    done = case.parcel.get("completion_date")
    if is_missing(done):
        return _v(
            "cond2.first_development",
            Status.UNKNOWN,
            "首次开发情况未填报，宗地也无竣工日期",
            cite,
            missing=("是否完成首次开发（或竣工日期）",),
        )
    done = pd.Timestamp(done).date()
    values = {"竣工日期": str(done)}
    if done <= s.as_of:
        reason = f"宗地 {done} 已竣工（按竣工日期认定已完成首次开发）"
        return _v("cond2.first_development", Status.PASS, reason, cite, values=values)
    reason = f"竣工日期 {done} 晚于核查日 {s.as_of}"
    return _v("cond2.first_development", Status.FAIL, reason, cite, values=values)


# ---------------------------------------------------------------------------------------------
# Condition 3 [三.3]


def _cond3(case: _Case, s: _Settings) -> list[Verdict]:
    cite = s.cite("record_window_years")
    if case.enterprise is None:
        return [
            _v(
                "cond3.records",
                Status.UNKNOWN,
                "申请企业未识别（无统一社会信用代码或地企关联）",
                cite,
                missing=("申请企业",),
            )
        ]
    if case.records is None:
        return [
            _v(
                "cond3.records",
                Status.UNKNOWN,
                "未提供违法违规记录",
                cite,
                missing=("违法违规记录表",),
            )
        ]
    uscc = case.enterprise.get("uscc")
    categories = set(s.value("record_categories"))
    severities = set(s.value("record_severities"))
    relevant = [
        r
        for r in case.records
        if r.uscc == uscc and r.category in categories and r.severity in severities
    ]
    within, _, undated = _split_by_window(relevant, s)
    values = {"窗口": f"{_window_start(s)}—{s.as_of}", "窗口内重大记录": len(within)}
    if within:
        items = "、".join(f"{r.category}（{r.record_date}）" for r in within)
        return [
            _v("cond3.records", Status.FAIL, f"一年内有重大不良记录：{items}", cite, values=values)
        ]
    if undated:
        return [
            _v(
                "cond3.records",
                Status.UNKNOWN,
                "有重大不良记录但无日期，无法判断是否在一年内",
                cite,
                values=values,
                missing=("违法违规记录日期",),
            )
        ]
    return [
        _v(
            "cond3.records",
            Status.PASS,
            "一年内无重大违建、生态环境、安全生产不良记录",
            cite,
            values=values,
        )
    ]


# ---------------------------------------------------------------------------------------------
# Conditions 4–5 [三.4, 三.5]


def _manufacturing(case: _Case) -> Verdict:
    cite = _cite("cond4")
    if case.enterprise is None or is_missing(case.enterprise.get("industry_code")):
        return _v(
            "cond4.manufacturing",
            Status.UNKNOWN,
            "企业行业代码缺失",
            cite,
            missing=("行业代码",),
        )
    e = case.enterprise
    div = to_gb2002_division(e.get("industry_code"), edition=e.get("industry_edition"))
    values = {"行业代码": div.code, "行业名称": e.get("industry_name")}
    if div.manufacturing is None:
        return _v(
            "cond4.manufacturing",
            Status.UNKNOWN,
            div.note or "行业代码无法识别",
            cite,
            values=values,
            missing=("行业代码",),
        )
    ok = bool(div.manufacturing)
    reason = "制造业项目" if ok else f"行业代码 {div.code} 不属制造业（C 门类 13–43）"
    return _v(
        "cond4.manufacturing", Status.PASS if ok else Status.FAIL, reason, cite, values=values
    )


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
    edition = catalogue_edition(s.as_of, switch_date=s.value("catalogue_2024_from"))
    cite = Citation("000", f"{_CLAUSE['cond5']}；按《产业结构调整指导目录（{edition}）》")
    values: dict[str, object] = {"目录版本": edition}
    raw = None if case.enterprise is None else case.enterprise.get("catalogue_class")
    cls = CatalogueClass.parse(raw)
    if cls is None:
        return [
            _v(
                "cond5.catalogue",
                Status.UNKNOWN,
                f"产业结构调整目录类别缺失（应按{edition}认定）",
                cite,
                values=values,
                missing=("产业结构调整目录类别",),
            )
        ]
    values["目录类别"] = cls.value
    excluded = {CatalogueClass(c) for c in s.value("excluded_catalogue_classes")}
    if cls in excluded:
        reason = f"属《产业结构调整指导目录（{edition}）》{cls.value}"
        return [_v("cond5.catalogue", Status.FAIL, reason, cite, values=values)]
    reason = f"非{edition}限制类、淘汰类（{cls.value}）"
    return [_v("cond5.catalogue", Status.PASS, reason, cite, values=values)]


# ---------------------------------------------------------------------------------------------
# Condition 6 [三.6]: 标准地 indicators

_INDICATORS: Mapping[str, tuple[str, str, bool]] = {
    # key: (label, after-project figure, is a maximum)
    "fixed_investment_per_mu_wan": ("固定资产投资强度（万元/亩）", "investment_per_mu_wan", False),
    "tax_per_mu_wan": ("亩均税收（万元/亩）", "tax_per_mu_after_wan", False),
    "output_per_mu_wan": ("亩均产出（万元/亩）", "", False),
    "energy_per_mu_tce_max": ("亩均能耗（吨标煤/亩）", "", True),
    "rd_ratio": ("研发投入占比", "", False),
}


def _indicator(key: str, threshold: float, case: _Case, cite: Citation) -> Verdict:
    """One 标准地 indicator against its control value.

    A shortfall against an *unofficial* (示例) control value is 待核实, not 不符合: an
    application is never excluded on a number no county has confirmed.
    """
    label, figure, is_max = _INDICATORS[key]
    value = case.after.get(figure) if figure else None
    if is_missing(value):
        where = f"{_APP}：{label}" if figure else f"{label}（申请表未提供）"
        return _v(f"cond6.{key}", Status.UNKNOWN, f"{label}无数据", cite, missing=(where,))
    ok = value <= threshold if is_max else value >= threshold
    sign = ("≤" if ok else ">") if is_max else ("≥" if ok else "<")
    reason = f"{label} {value:.1f} {sign} {threshold:g}"
    values = {label: round(float(value), 2), "控制值": threshold}
    if ok:
        return _v(f"cond6.{key}", Status.PASS, reason, cite, values=values)
    if not cite.official:
        reason += "（示例控制值，须按区公布的《标准地》指标核实）"
        missing = (f"区级《标准地》控制指标：{label}",)
        return _v(f"cond6.{key}", Status.UNKNOWN, reason, cite, values=values, missing=missing)
    return _v(f"cond6.{key}", Status.FAIL, reason, cite, values=values)


def _cond6(case: _Case, s: _Settings) -> list[Verdict]:
    key = "zengrong.standard_land"
    if key not in s.profile or not s.profile.value(key):
        return [
            _v(
                "cond6.standard_land",
                Status.UNKNOWN,
                "配置中没有《标准地》控制指标表",
                _cite("cond6"),
                missing=("标准地控制指标表（zengrong.standard_land）",),
            )
        ]
    table = s.profile.value(key)
    cite = s.profile.citation(key)
    return [_indicator(k, float(v), case, cite) for k, v in table.items()]


# ---------------------------------------------------------------------------------------------
# Conditions 7–8 [三.7, 三.8]: document steps


def _cond7(case: _Case) -> list[Verdict]:
    cite = _cite("cond7")
    signed = _app(case, "commitment_signed")
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
    changes = _app(case, "changes_structure")
    if case.application is None:
        reason = "如改变原建筑结构，须出具建筑结构安全鉴定报告"
        return [_v("cond8.safety_report", Status.PENDING, reason, cite)]
    if changes is None or is_missing(changes):
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


# ---------------------------------------------------------------------------------------------
# Putting the conditions together


def _compose(key: str, subs: list[Verdict]) -> Verdict:
    """One verdict per condition from its parts: worst status, every reason and value."""
    status = combine(subs)
    shown = [v for v in subs if v.status is not Status.PASS] or subs
    values: dict[str, object] = {}
    missing: list[str] = []
    for v in subs:
        values.update(v.values)
        missing += [m for m in v.missing if m not in missing]
    citation = subs[0].citation
    if len(subs) > 1:  # the condition's clause; unofficial when any part rests on a default
        official = all(v.citation.official for v in subs)
        citation = Citation("000", _CLAUSE[key], official=official)
    reason = "；".join(v.reason for v in shown)
    return Verdict(f"zengrong.{key}", status, reason, citation, values, tuple(missing))


def _evaluate(case: _Case, s: _Settings) -> dict[str, Verdict]:
    parts: dict[str, Callable[[], list[Verdict]]] = {
        "scope": lambda: _scope(case, s),
        "cap": lambda: [_cap(case, s)],
        "cond1": lambda: _cond1(case, s),
        "cond2": lambda: [_title(case), _first_development(case, s)],
        "cond3": lambda: _cond3(case, s),
        "cond4": lambda: _cond4(case),
        "cond5": lambda: _cond5(case, s),
        "cond6": lambda: _cond6(case, s),
        "cond7": lambda: _cond7(case),
        "cond8": lambda: _cond8(case),
    }
    return {key: _compose(key, make()) for key, make in parts.items()}


def overall(verdicts: Mapping[str, Verdict]) -> tuple[Eligibility, str]:
    """Overall outcome and its reason.

    Any 不符合 → 不可申报 (the failing conditions named); else any 待核实 → 待核实 (what is
    missing); else 可申报, with any 待承诺 document steps listed.
    """
    status = combine(verdicts.values())
    fails = [k for k, v in verdicts.items() if v.status is Status.FAIL]
    if status is Status.FAIL:
        text = "；".join(f"{CONDITION_LABELS[k]}：{verdicts[k].reason}" for k in fails)
        return Eligibility.INELIGIBLE, text
    if status is Status.UNKNOWN:
        missing: list[str] = []
        for v in verdicts.values():
            missing += [m for m in v.missing if m not in missing]
        return Eligibility.UNKNOWN, "待核实：" + "、".join(missing)
    pending = [CONDITION_LABELS[k] for k, v in verdicts.items() if v.status is Status.PENDING]
    text = "各项条件符合"
    if pending:
        text += "；待承诺/待补材料：" + "、".join(pending)
    return Eligibility.ELIGIBLE, text


# ---------------------------------------------------------------------------------------------
# Inputs: overlays, enterprises, records


def _overlap_names(
    parcels: gpd.GeoDataFrame, layer: gpd.GeoDataFrame, column: str, *, tol: float
) -> pd.Series:
    """Per parcel: the ``column`` values of the features overlapping it (largest first, "；")."""
    pairs = intersections(parcels, layer, min_area_m2=tol)
    names = layer[column].astype(str) if column in layer else pd.Series("", index=layer.index)
    pairs = pairs.assign(name=names.reindex(pairs["feature"]).to_numpy())
    joined = pairs.groupby("parcel", sort=False)["name"].agg(lambda v: "；".join(dict.fromkeys(v)))
    return joined.reindex(parcels.index).fillna("")


def _overlay_facts(
    parcels: gpd.GeoDataFrame,
    *,
    planning: gpd.GeoDataFrame | None,
    demolition: gpd.GeoDataFrame | None,
    special_zones: gpd.GeoDataFrame | None,
    profile: Profile,
) -> pd.DataFrame:
    tol = float(profile.value("zengrong.overlap_tolerance_m2"))
    out = pd.DataFrame(index=parcels.index)
    out["planning_given"] = planning is not None
    out["demolition_given"] = demolition is not None
    out["zones_given"] = special_zones is not None
    out["planned_use"] = None
    out["inside_control_line"] = None
    out["demolition_plans"] = ""
    out["special_zone"] = ""
    out["demolition_share"] = 0.0
    out["in_demolition_plan"] = False
    if planning is not None and len(planning):
        main = coverage(parcels, planning, min_area_m2=tol)["largest"]
        ok = main.notna()
        out.loc[ok, "planned_use"] = planning.loc[main[ok], "planned_use"].to_numpy()
        if "inside_control_line" in planning:
            out.loc[ok, "inside_control_line"] = planning.loc[
                main[ok], "inside_control_line"
            ].to_numpy()
    if demolition is not None and len(demolition):
        rule = DemolitionRule.from_profile(profile)
        found = demolition_overlay(parcels, demolition, rule=rule)
        out["demolition_plans"] = found["plans"].map("；".join).where(found["inside"], "")
        out["demolition_share"] = found["share"]
        out["in_demolition_plan"] = found["inside"]
    if special_zones is not None and len(special_zones):
        names = tuple(profile.value("zengrong.special_zones"))
        zones = special_zones[
            special_zones.get("zone_name", pd.Series("", index=special_zones.index))
            .astype(str)
            .map(lambda z: any(n in z for n in names))
        ]
        if len(zones):
            out["special_zone"] = _overlap_names(parcels, zones, "zone_name", tol=tol)
    return out


def _enterprise_table(enterprises: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    if enterprises is None or enterprises.empty:
        return {}
    keys = enterprises["uscc"].map(normalize_uscc)
    table = enterprises.assign(uscc=keys)
    table = table[keys.ne("")].drop_duplicates("uscc")
    return {row["uscc"]: row for row in table.to_dict("records")}


@dataclass(frozen=True)
class _RecordIndex:
    """Compliance records by USCC and by parcel, for fast look-ups per plot."""

    by_uscc: Mapping[str, tuple[_Record, ...]]
    by_parcel: Mapping[str, tuple[_Record, ...]]

    def find(self, uscc: str | None, parcel_id: object) -> tuple[_Record, ...]:
        found = dict.fromkeys(self.by_parcel.get(str(parcel_id), ()))
        if uscc:
            found |= dict.fromkeys(self.by_uscc.get(uscc, ()))
        return tuple(found)


def _category(value: object) -> str | None:
    """The record's category (:class:`ViolationCategory`), else its text as written."""
    if is_missing(value):
        return None
    found = ViolationCategory.parse(value)
    return str(value).strip() if found is None else found.value


def _date(value: object) -> dt.date | None:
    return None if is_missing(value) else parse_date(value)


def _records(compliance: pd.DataFrame | None) -> _RecordIndex | None:
    """Index the compliance table; ``None`` when no table was given (checks say 待核实)."""
    if compliance is None:
        return None
    by_uscc: dict[str, list[_Record]] = {}
    by_parcel: dict[str, list[_Record]] = {}
    for row in compliance.to_dict("records"):
        pid = row.get("parcel_id")
        rec = _Record(
            uscc=normalize_uscc(row.get("uscc")),
            parcel_id=None if is_missing(pid) else str(pid).strip(),
            category=_category(row.get("category")),
            severity=None if is_missing(row.get("severity")) else str(row["severity"]).strip(),
            record_date=_date(row.get("record_date")),
        )
        if rec.uscc:
            by_uscc.setdefault(rec.uscc, []).append(rec)
        if rec.parcel_id:
            by_parcel.setdefault(rec.parcel_id, []).append(rec)
    return _RecordIndex(
        {k: tuple(v) for k, v in by_uscc.items()}, {k: tuple(v) for k, v in by_parcel.items()}
    )


def _records_for(
    index: _RecordIndex | None, uscc: str | None, parcel_id: object
) -> tuple[_Record, ...] | None:
    return None if index is None else index.find(uscc, parcel_id)


# ---------------------------------------------------------------------------------------------
# Public entry points


def _tax_per_mu_now(enterprise: Mapping[str, Any] | None, land_mu: float) -> float:
    """Last year's 亩均税收 (万元/亩): tax / the enterprise's declared land, else / this plot."""
    if enterprise is None or is_missing(enterprise.get("tax_wan")):
        return math.nan
    land = enterprise.get("land_mu")
    land = float(land) if not is_missing(land) and float(land) > 0 else land_mu
    return float(enterprise["tax_wan"]) / land if land and land > 0 else math.nan


def _prepare(
    parcels: gpd.GeoDataFrame,
    far: pd.DataFrame,
    *,
    enterprises: pd.DataFrame | None,
    links: pd.DataFrame | None,
    planning: gpd.GeoDataFrame | None,
    demolition: gpd.GeoDataFrame | None,
    special_zones: gpd.GeoDataFrame | None,
    profile: Profile,
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]], pd.Series]:
    """The per-parcel frame every check reads: far, floors, headroom, overlays, user."""
    by_uscc = _enterprise_table(enterprises)
    users = parcel_main_enterprises(parcels, enterprises, links, profile=profile)
    industry = pd.DataFrame(
        {
            "industry_code": users.map(lambda u: by_uscc.get(u, {}).get("industry_code")),
            "industry_edition": users.map(lambda u: by_uscc.get(u, {}).get("industry_edition")),
        },
        index=parcels.index,
    )
    room = headroom(
        far["land_area_m2"],
        far["floor_area_m2"],
        cap=float(profile.value("zengrong.far_cap")),
        target=float(profile.value("far.renewal_target")),
    )
    facts = pd.concat(
        [
            far,
            far_floors(far["far"], industry, profile=profile),
            room,
            _overlay_facts(
                parcels,
                planning=planning,
                demolition=demolition,
                special_zones=special_zones,
                profile=profile,
            ),
        ],
        axis=1,
    )
    return facts, by_uscc, users


def _relaxation(enterprise: Mapping[str, Any] | None, sectors: Sequence[str]) -> str:
    if enterprise is None or is_missing(enterprise.get("reform_sector")):
        return ""
    sector = str(enterprise["reform_sector"])
    if any(s in sector for s in sectors):
        return f"{sector}涉改企业：相关要求可由区工业用地二次开发联席会议审议适当放宽"
    return ""


def _row_out(verdicts: Mapping[str, Verdict], relax: str) -> dict[str, Any]:
    status, reason = overall(verdicts)
    row: dict[str, Any] = {k: v.status.value for k, v in verdicts.items()}
    row |= {f"{k}_note": v.explain() for k, v in verdicts.items()}
    missing: list[str] = []
    for v in verdicts.values():
        missing += [m for m in v.missing if m not in missing]
    row |= {
        "zengrong": status.value,
        "zengrong_reason": reason,
        "missing": "、".join(missing),
        "relaxation": relax,
        "verdicts": tuple(verdicts.values()),
    }
    return row


def check_parcels(
    parcels: gpd.GeoDataFrame,
    far: pd.DataFrame,
    *,
    profile: Profile,
    as_of: dt.date,
    enterprises: pd.DataFrame | None = None,
    links: pd.DataFrame | None = None,
    compliance: pd.DataFrame | None = None,
    planning: gpd.GeoDataFrame | None = None,
    demolition: gpd.GeoDataFrame | None = None,
    special_zones: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Screen every parcel for 增容 (走访摸排 [000 附件3 六(一)]).

    Parameters
    ----------
    parcels
        Canonical parcels (``parcel_id``, ``holder``, ``land_use``, ``right_type``,
        ``area_declared_m2``, ``township``, ``completion_date``, geometry).
    far
        :func:`landgov.far.compute_far` of the same parcels.
    profile, as_of
        Policy profile (sections ``far`` and ``zengrong``) and the date records are judged at.
    enterprises, links, compliance, planning, demolition, special_zones
        Canonical tables/layers; any left out makes the checks that need it 待核实.

    Returns
    -------
    geopandas.GeoDataFrame
        Index and geometry of ``parcels``: ``parcel_id``, ``township``, ``holder``, ``uscc``,
        ``enterprise_name``, the 容积率 columns of ``far``, floors and headroom, one status
        column per condition (:data:`CONDITIONS`) with ``<condition>_note``, ``zengrong``
        (:class:`Eligibility`), ``zengrong_reason``, ``missing``, ``relaxation``,
        ``special_zone``, ``catalogue_edition``, ``candidate`` (not 不可申报) and ``verdicts``
        (the :class:`~landgov.verdict.Verdict` objects).
    """
    facts, by_uscc, users = _prepare(
        parcels,
        far,
        enterprises=enterprises,
        links=links,
        planning=planning,
        demolition=demolition,
        special_zones=special_zones,
        profile=profile,
    )
    settings = _Settings(profile, as_of)
    rec = _records(compliance)
    sectors = tuple(profile.value("zengrong.relaxation_sectors"))
    rows = []
    records = zip(users.tolist(), parcels.to_dict("records"), facts.to_dict("records"), strict=True)
    for uscc, parcel, fact in records:
        ent = by_uscc.get(uscc) if uscc else None
        case = _Case(parcel, fact, fact, ent, _records_for(rec, uscc, parcel.get("parcel_id")))
        rows.append(_row_out(_evaluate(case, settings), _relaxation(ent, sectors)))
    return _assemble(parcels, facts, users=users, by_uscc=by_uscc, rows=rows, s=settings)


def _assemble(
    parcels: gpd.GeoDataFrame,
    facts: pd.DataFrame,
    *,
    users: pd.Series,
    by_uscc: Mapping[str, Mapping[str, Any]],
    rows: list[dict[str, Any]],
    s: _Settings,
) -> gpd.GeoDataFrame:
    verdicts = pd.DataFrame(rows, index=parcels.index)
    head = pd.DataFrame(
        {
            "parcel_id": parcels["parcel_id"],
            "township": parcels.get("township", pd.Series(None, index=parcels.index)),
            "holder": parcels.get("holder", pd.Series(None, index=parcels.index)),
            "uscc": users,
        }
    )
    for col in ("name", "legal_rep", "contact", "industry_code", "industry_name"):
        target = "enterprise_name" if col == "name" else col
        head[target] = users.map(lambda u, c=col: by_uscc.get(u, {}).get(c) if u else None)
    land_mu = m2_to_mu(facts["land_area_m2"])
    head["tax_per_mu_now_wan"] = [
        _tax_per_mu_now(by_uscc.get(u) if u else None, mu)
        for u, mu in zip(users, land_mu, strict=True)
    ]
    keep = [c for c in facts.columns if not c.endswith("_given")]
    out = pd.concat([head, facts[keep], verdicts], axis=1)
    out["land_mu"] = m2_to_mu(out["land_area_m2"])
    out["catalogue_edition"] = catalogue_edition(
        s.as_of, switch_date=s.value("catalogue_2024_from")
    )
    out["candidate"] = out["zengrong"].ne(Eligibility.INELIGIBLE.value)
    out["as_of"] = s.as_of.isoformat()
    return gpd.GeoDataFrame(out, geometry=parcels.geometry, crs=parcels.crs)


def _after(
    app: Mapping[str, Any], fact: Mapping[str, Any], ent: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Figures after the project: 容积率, 亩均税收, investment intensity (per 亩 of this plot)."""
    land = fact.get("land_area_m2")
    land = float(land) if not is_missing(land) and float(land) > 0 else math.nan
    land_mu = land / M2_PER_MU
    added = app.get("added_floor_m2")
    floor = fact.get("floor_area_m2")
    far_after = (
        (float(floor) + float(added)) / land
        if not (is_missing(added) or is_missing(floor))
        else math.nan
    )

    def per_mu(x: object) -> float:
        return float(x) / land_mu if not is_missing(x) and land_mu > 0 else math.nan

    return {
        "far_after": far_after,
        "floor_area_after_m2": float(floor) + float(added)
        if not (is_missing(added) or is_missing(floor))
        else math.nan,
        "tax_per_mu_now_wan": _tax_per_mu_now(ent, land_mu),
        "tax_per_mu_after_wan": per_mu(app.get("tax_after_wan")),
        "investment_per_mu_wan": per_mu(app.get("fixed_investment_wan")),
    }


_APP_COLUMNS = (
    "application_id",
    "project_name",
    "added_floor_m2",
    "investment_wan",
    "fixed_investment_wan",
    "tax_after_wan",
    "changes_structure",
    "standard_factory",
    "content",
)


def check_applications(
    applications: pd.DataFrame,
    parcels: gpd.GeoDataFrame,
    far: pd.DataFrame,
    *,
    profile: Profile,
    as_of: dt.date,
    enterprises: pd.DataFrame | None = None,
    links: pd.DataFrame | None = None,
    compliance: pd.DataFrame | None = None,
    planning: gpd.GeoDataFrame | None = None,
    demolition: gpd.GeoDataFrame | None = None,
    special_zones: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Check each 增容 application against scope, the cap and conditions 1–8.

    Parameters
    ----------
    applications
        :func:`landgov.io.applications.read_applications` data: ``application_id``,
        ``parcel_id``, ``uscc``, ``added_floor_m2`` (m²), ``investment_wan``,
        ``fixed_investment_wan``, ``tax_after_wan`` (万元), yes/no fields as True/False/None,
        ``title_status``, ``safety_report``, ``content``.
    parcels, far, profile, as_of, enterprises, links, compliance, planning, demolition,
    special_zones
        As in :func:`check_parcels`.

    Returns
    -------
    geopandas.GeoDataFrame
        Index of ``applications``, geometry of the parcel applied for (None when the parcel is
        not found, every check then 待核实): the columns of :func:`check_parcels` plus
        ``application_id``, ``project_name``, the application figures, ``far_after``,
        ``floor_area_after_m2``, ``tax_per_mu_now_wan``, ``tax_per_mu_after_wan`` and
        ``investment_per_mu_wan`` (万元/亩).
    """
    facts, by_uscc, users = _prepare(
        parcels,
        far,
        enterprises=enterprises,
        links=links,
        planning=planning,
        demolition=demolition,
        special_zones=special_zones,
        profile=profile,
    )
    settings = _Settings(profile, as_of)
    rec = _records(compliance)
    sectors = tuple(profile.value("zengrong.relaxation_sectors"))
    where = pd.Series(parcels.index, index=parcels["parcel_id"].astype(str))
    where = where[~where.index.duplicated()]
    rows, geoms, heads = [], [], []
    for app in applications.to_dict("records"):
        pid = str(app.get("parcel_id") or "")
        idx = where.get(pid)
        uscc = normalize_uscc(app.get("uscc")) or (users.get(idx) if idx is not None else None)
        ent = by_uscc.get(uscc) if uscc else None
        parcel = parcels.loc[idx].to_dict() if idx is not None else {"parcel_id": pid}
        fact = facts.loc[idx].to_dict() if idx is not None else _no_facts(facts.columns)
        after = _after(app, fact, ent)
        case = _Case(
            parcel, fact, fact, ent, _records_for(rec, uscc, pid), application=app, after=after
        )
        row = _row_out(_evaluate(case, settings), _relaxation(ent, sectors))
        rows.append(row | after)
        geoms.append(parcels.geometry.loc[idx] if idx is not None else None)
        heads.append(_app_head(app, parcel, fact, ent, uscc))
    out = pd.concat(
        [
            pd.DataFrame(heads, index=applications.index),
            pd.DataFrame(rows, index=applications.index),
        ],
        axis=1,
    )
    out["catalogue_edition"] = catalogue_edition(
        as_of, switch_date=settings.value("catalogue_2024_from")
    )
    out["candidate"] = out["zengrong"].ne(Eligibility.INELIGIBLE.value)
    out["as_of"] = as_of.isoformat()
    return gpd.GeoDataFrame(
        out, geometry=gpd.GeoSeries(geoms, index=applications.index, crs=parcels.crs)
    )


def _no_facts(columns: pd.Index) -> dict[str, Any]:
    facts: dict[str, Any] = dict.fromkeys(columns, np.nan)
    facts |= {"planning_given": False, "demolition_given": False, "zones_given": False}
    return facts


def _app_head(
    app: Mapping[str, Any],
    parcel: Mapping[str, Any],
    fact: Mapping[str, Any],
    ent: Mapping[str, Any] | None,
    uscc: str | None,
) -> dict[str, Any]:
    head = {
        "parcel_id": parcel.get("parcel_id"),
        "township": parcel.get("township"),
        "holder": parcel.get("holder"),
        "uscc": uscc,
        "enterprise_name": None if ent is None else ent.get("name"),
        "legal_rep": None if ent is None else ent.get("legal_rep"),
        "contact": None if ent is None else ent.get("contact"),
        "industry_code": None if ent is None else ent.get("industry_code"),
        "industry_name": None if ent is None else ent.get("industry_name"),
    }
    head |= {c: app.get(c) for c in _APP_COLUMNS}
    head |= {k: v for k, v in fact.items() if not str(k).endswith("_given")}
    head["land_mu"] = m2_to_mu(fact.get("land_area_m2", math.nan))
    return head
