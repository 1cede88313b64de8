"""The eight conditions [三 1–8] of [000 附件3], each a list of sub-verdicts."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from landgov.core.missing import is_missing, parse_yes_no
from landgov.core.records import (
    Judgement,
    RecordRule,
    Standing,
    describe,
    judge,
    window_start,
)
from landgov.core.vocab import SEVERITIES, CatalogueClass, ViolationCategory
from landgov.far.industry import catalogue_edition, to_gb2002_division
from landgov.far.zengrong._case import (
    _APP,
    _CLAUSE,
    _app,
    _Case,
    _cite,
    _Record,
    _Settings,
    _v,
)
from landgov.units import M2_PER_MU
from landgov.verdict import Citation, Status, Verdict

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


def _serious_building(case: _Case, s: _Settings) -> Verdict:
    """「无严重违建」 [三.1]: no unrectified serious 违法建设 record on the plot, of any age.

    The clause sets no time window (the one-year window is 三.3's): a record counts while it
    is not rectified at ``as_of`` (:func:`landgov.core.records.judge`); which severities are
    「严重」 is ``zengrong.serious_building_severities``. Records of the applicant without a
    宗地代码 and records filed on this plot are read.
    """
    cite = s.cite("serious_building_severities")
    if case.records is None:
        return _v(
            "cond1.building",
            Status.UNKNOWN,
            "未提供违法违规记录表，无法判定有无严重违建（不按无记录处理）",
            cite,
            missing=("违法违规记录表",),
        )
    severities = frozenset(s.value("serious_building_severities"))
    rule = RecordRule({ViolationCategory.ILLEGAL_BUILDING.value: severities})
    pid = case.parcel.get("parcel_id")
    mine = tuple(r for r in case.records if r.parcel_id is None or r.parcel_id == pid)
    counted, unknown, cleared = _judged(mine, rule, s)
    values = {"未整改严重违建": len(counted), "待核实记录": len(unknown), "已整改记录": cleared}
    if counted:
        reason = f"有未整改的严重违法建设记录：{'、'.join(map(describe, counted))}"
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
    ``record_window_years`` before ``as_of`` (both days included); whether a rectified record
    still counts is ``record_counts_rectified``.
    """
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
                "未提供违法违规记录表，无法判定（不按无记录处理）",
                cite,
                missing=("违法违规记录表",),
            )
        ]
    uscc = case.enterprise.get("uscc")
    rule = _record_rule(s)
    years = int(s.value("record_window_years"))
    mine = tuple(r for r in case.records if r.uscc == uscc)
    counted, unknown, _ = _judged(mine, rule, s)
    values = {"窗口": f"{window_start(s.as_of, years)}—{s.as_of}", "窗口内计入记录": len(counted)}
    if counted:
        items = "、".join(map(describe, counted))
        reason = f"{years} 年内有不良记录：{items}"
        return [_v("cond3.records", Status.FAIL, reason, cite, values=values)]
    if unknown:
        items = "、".join(describe(j.record) for j in unknown)
        reason = f"有不良记录无法确定是否计入：{items}"
        missing = _missing_of(unknown)
        return [_v("cond3.records", Status.UNKNOWN, reason, cite, values=values, missing=missing)]
    reading = s.cite("record_severities")
    lesser = [] if reading.official else _lesser(mine, rule, s)
    if lesser:
        reason = (
            f"{years} 年内有较轻的不良记录 {len(lesser)} 条：{'、'.join(map(describe, lesser))}；"
            "按配置只计重大记录（读法未经确认），不据此判为符合"
        )
        missing = ("区级认定：三.3「重大」是否也限定生态环境、安全生产不良记录",)
        return [
            _v("cond3.records", Status.UNKNOWN, reason, reading, values=values, missing=missing)
        ]
    reason = f"{years} 年内无重大违建、生态环境、安全生产不良记录"
    return [_v("cond3.records", Status.PASS, reason, cite, values=values)]


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
