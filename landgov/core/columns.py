"""One registry of output columns: Chinese label, unit and Excel number format per name.

Every canonical column an output shows (Excel headers, map popups, ``docs/schema.md``) is looked
up here. Input fields keep their labels in :mod:`landgov.io.fields` (the single source for them);
computed columns, the 镇街 summary columns, the 增容 (``far``) columns, the province columns, the
动态评价 comparison columns and the problems table are defined here (nothing here imports a
stage). Later sources win for a name they share: summary, then input fields (增容申请 first, so
the other readers' labels win), then computed columns, then 增容, province and comparison
columns, then problem columns.

Every column of every layer and sheet ``landgov screen`` and ``landgov far`` write has a label
here (``tests/test_column_labels.py`` walks them on a generated district), so the GeoPackage
carries a Chinese alias for each field.

A label is unique within the registry wherever two columns can meet in one sheet (the 企业评价
sheet carries both ``grade`` and ``grade_given``; the 镇街汇总 sheet has three target years).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import pandas as pd

from landgov.core.problems import PROBLEM_LABELS
from landgov.core.vocab import Grade, TreatmentPath
from landgov.io.applications import APPLICATION_FIELDS, YES_NO_FIELDS
from landgov.io.fields import (
    APPROVED_FIELDS,
    COMPLIANCE_FIELDS,
    ENTERPRISE_FIELDS,
    LINK_FIELDS,
    PARCEL_FIELDS,
    FieldSpec,
    Kind,
)

__all__ = [
    "COLUMNS",
    "COMPARISON_COLUMNS",
    "CONDITION_LABELS",
    "KIND_FORMATS",
    "SUMMARY_COLUMNS",
    "Column",
    "ColumnKind",
    "column",
    "label",
    "markdown_table",
    "number_format",
    "problem_fields",
    "short_label",
    "unit_text",
]

ColumnKind = Literal[
    "text", "int", "year", "row", "float", "money", "area", "ratio", "percent", "date", "bool"
]

#: Excel number format per kind (``None``: left to Excel, e.g. text and yes/no).
KIND_FORMATS: Mapping[str, str | None] = MappingProxyType(
    {
        "text": None,
        "bool": None,
        "int": "#,##0",
        # whole numbers read as labels, never as amounts: 「2026」 and 「第 1154 行」, not 2,026
        "year": "0",
        "row": "0",
        "float": "#,##0.00",
        "money": "#,##0.00",
        "area": "#,##0.00",
        "ratio": "0.00",
        "percent": "0.0%",
        "date": "yyyy-mm-dd",
    }
)


@dataclass(frozen=True)
class Column:
    """One output column.

    Attributes
    ----------
    name
        Canonical name (English snake_case).
    label
        Chinese header shown to users.
    unit
        Unit of the values (``""`` when none).
    number_format
        Excel number format (``None``: General).
    kind
        What the values are (:data:`ColumnKind`).
    """

    name: str
    label: str
    unit: str
    number_format: str | None
    kind: ColumnKind


def _col(name: str, label: str, kind: ColumnKind, unit: str = "") -> Column:
    return Column(name, label, unit, KIND_FORMATS[kind], kind)


_UNIT_KINDS: Mapping[str, ColumnKind] = {
    "万元": "money",
    "m2": "area",
    "亩": "area",
    "人": "int",
    "tce": "float",
    "t": "float",
    "万kWh": "float",
}
_NUMBER_KINDS: Mapping[str, ColumnKind] = {"far_declared": "ratio"}


def _from_spec(spec: FieldSpec) -> Column:
    kind: ColumnKind = "text"
    if spec.kind is Kind.DATE:
        kind = "date"
    elif spec.kind is Kind.YEAR:
        kind = "year"
    elif spec.kind is Kind.NUMBER:
        kind = _UNIT_KINDS.get(spec.unit or "", _NUMBER_KINDS.get(spec.name, "float"))
    return _col(spec.name, spec.label, kind, spec.unit or "")


_PATH_COUNTS: Mapping[TreatmentPath, str] = {
    TreatmentPath.DEMOLISH_REBUILD: "n_demolish_rebuild",
    TreatmentPath.RECTIFY: "n_rectify",
    TreatmentPath.TRANSFORM: "n_transform",
    TreatmentPath.EXIT: "n_exit",
}

# The 镇街汇总 columns (landgov.summary), in its order; labels unique within that sheet.
SUMMARY_COLUMNS: tuple[Column, ...] = (
    _col("township", "镇街", "text"),
    _col("n_parcels", "宗地数（底数清单）", "int"),
    _col("area_mu", "用地面积（亩）", "area", "亩"),
    _col("n_area_unknown", "其中面积不明宗数（未计入面积）", "int"),
    _col("n_governance", "治理清单宗地数", "int"),
    _col("governance_area_mu", "治理清单面积（亩）", "area", "亩"),
    _col("n_governance_area_unknown", "其中治理清单面积不明宗数（未计入面积）", "int"),
    _col("n_to_verify", "待核实宗地数", "int"),
    _col("n_above_scale", "规上企业数", "int"),
    _col("n_above_scale_incomplete", "规上企业缺税收、增加值或用地数（未计入亩均）", "int"),
    _col("above_scale_tax_wan", "规上税收（万元）", "money", "万元"),
    _col("above_scale_value_added_wan", "规上工业增加值（万元）", "money", "万元"),
    _col("above_scale_land_mu", "规上用地（亩）", "area", "亩"),
    _col("tax_per_mu_above_scale", "规上亩均税收（万元/亩）", "ratio", "万元/亩"),
    _col("tax_per_mu_target", "规上亩均税收目标（万元/亩）", "ratio", "万元/亩"),
    _col("tax_per_mu_target_year", "亩均税收目标年份", "year"),
    _col("tax_per_mu_gap", "亩均税收距目标（万元/亩）", "ratio", "万元/亩"),
    _col("value_added_per_mu_above_scale", "规上亩均增加值（万元/亩）", "ratio", "万元/亩"),
    _col("value_added_per_mu_target", "规上亩均增加值目标（万元/亩）", "ratio", "万元/亩"),
    _col("value_added_per_mu_target_year", "亩均增加值目标年份", "year"),
    _col("value_added_per_mu_gap", "亩均增加值距目标（万元/亩）", "ratio", "万元/亩"),
    _col("renewal_target_mu", "盘活低效工业用地目标（亩）", "area", "亩"),
    _col("renewal_target_year", "盘活目标年份", "year"),
    _col("renewal_share", "列入治理清单面积÷盘活目标（非完成率）", "percent"),
    _col("n_approved", "批而未供批次数", "int"),
    # 待核实 batches are counted apart (n_approved_to_verify): a reader summing the 批而未供
    # sheet sees why the totals differ
    _col("approved_area_mu", "批而未供面积（亩，不含待核实批次）", "area", "亩"),
    _col("n_approved_to_verify", "批而未供待核实批次数", "int"),
    _col("renewal_potential_mu", "盘活潜力：治理清单+批而未供（亩）", "area", "亩"),
    *(_col(name, f"{path.value}（宗）", "int") for path, name in _PATH_COUNTS.items()),
    *(_col(f"n_grade_{g.value}", f"{g.value}类企业数", "int") for g in Grade),
    _col("n_grade_none", "未评价企业数", "int"),
    _col("target_source", "目标来源", "text"),
    # with 人工认定 applied (landgov screen --overrides): the computed figures beside
    _col("n_governance_computed", "治理清单宗地数（计算）", "int"),
    _col("governance_area_mu_computed", "治理清单面积（计算，亩）", "area", "亩"),
    _col("n_to_verify_computed", "待核实宗地数（计算）", "int"),
    *(_col(f"{name}_computed", f"{path.value}（计算，宗）", "int")
      for path, name in _PATH_COUNTS.items()),
)  # fmt: skip

# Input-field headers that meet a computed column's header in one sheet, made unique.
_FIELD_RENAMES: Mapping[str, str] = {"grade_given": "评价等级（源数据）"}

_COMPUTED: tuple[Column, ...] = (
    _col("area_m2", "面积（图形，平方米）", "area", "m2"),
    _col("area_mu", "面积（亩）", "area", "亩"),
    _col("area_declared_m2", "宗地面积（登记，平方米）", "area", "m2"),
    _col("floor_area_m2", "建筑面积（实际，平方米）", "area", "m2"),
    _col("floor_area_far_m2", "计容建筑面积（平方米）", "area", "m2"),
    _col("source_row", "源行号", "row"),
    _col("enterprise_names", "用地企业", "text"),
    _col("usccs", "统一社会信用代码", "text"),
    _col("n_enterprises", "企业数", "int"),
    _col("main_uscc", "主体企业代码", "text"),
    _col("unjoined_usccs", "关联企业未入企业表（统一社会信用代码）", "text"),
    _col("main_name", "主体企业", "text"),
    _col("tax_wan", "税收（万元）", "money", "万元"),
    _col("value_added_wan", "工业增加值（万元）", "money", "万元"),
    _col("revenue_wan", "营业收入（万元）", "money", "万元"),
    _col("energy_tce", "综合能耗（吨标煤）", "float", "tce"),
    _col("fuel_tce", "非电能源消费量（吨标煤）", "float", "tce"),
    _col("emissions_t", "排放量（吨）", "float", "t"),
    _col("rd_wan", "R&D经费（万元）", "money", "万元"),
    _col("power_10k_kwh", "用电量（万千瓦时）", "float", "万kWh"),
    _col("tax_per_mu", "亩均税收（万元/亩）", "ratio", "万元/亩"),
    _col("value_added_per_mu", "亩均增加值（万元/亩）", "ratio", "万元/亩"),
    _col("value_added_per_energy", "单位能耗增加值（万元/吨标煤）", "ratio", "万元/tce"),
    _col("value_added_per_emission", "单位排放增加值（万元/吨）", "ratio", "万元/t"),
    _col("labour_productivity", "全员劳动生产率（万元/人）", "ratio", "万元/人"),
    _col("rd_ratio", "R&D占比", "percent"),
    _col("tax_per_power", "单位电耗税收（万元/万千瓦时）", "ratio", "万元/万kWh"),
    _col("land_m2", "用地面积（图形，平方米）", "area", "m2"),
    _col("land_mu", "用地面积（亩）", "area", "亩"),
    _col("land_mu_declared", "用地面积（申报，亩）", "area", "亩"),
    _col("n_parcels", "宗地数", "int"),
    _col("above_scale", "规上", "bool"),
    _col("score", "综合得分", "ratio"),
    _col("score_items", "得分构成", "text"),
    _col("grade", "评价等级", "text"),
    _col("grade_computed", "计算等级", "text"),
    _col("grade_source", "等级来源", "text"),
    _col("grade_label", "等级含义", "text"),
    _col("evaluated", "是否参评", "bool"),
    _col("evaluation_note", "参评说明", "text"),
    _col("grade_out_of_scope", "不参评原因（评价范围外）", "text"),
    _col("far", "容积率", "ratio"),
    _col("far_minimum", "容积率（最低值口径）", "ratio"),
    _col("tax_land_mu", "亩均税收计算用地（亩）", "area", "亩"),
    _col("far_source", "容积率来源", "text"),
    _col("township_note", "镇街说明", "text"),  # how the plot's 镇街 was decided (core.township)
    _col("zero_set_aside", "登记建筑面积/容积率为0未采用说明", "text"),
    _col("low_efficiency", "低效用地", "bool"),
    _col("idle_years", "闲置年数", "int", "年"),  # full years (screening._checks_land)
    _col("outside_focus", "非排查重点（非制造业或规下不足3亩）", "bool"),
    _col("two_high_review", "“两高”/用能项目需评估", "bool"),
    _col("flags", "问题标记", "text"),
    _col("to_verify", "待核实事项", "text"),
    _col("screening_status", "筛查结论", "text"),
    _col("path", "四个一批路径", "text"),
    _col("path_rule", "路径规则", "text"),
    _col("path_status", "路径状态", "text"),
    _col("screening_status_computed", "计算筛查结论", "text"),
    _col("path_computed", "计算四个一批路径", "text"),
    _col("override_status", "人工认定状态", "text"),
    _col("override", "人工认定", "text"),
    _col("override_by", "认定人及日期", "text"),
    _col("reasons", "理由（含政策依据）", "text"),
    _col("citations", "政策依据", "text"),
    _col("missing", "缺少的数据", "text"),
    _col("block_id", "连片编号", "text"),
    _col("block_large", "百亩以上连片", "bool"),
    _col("block_area_mu", "所在连片面积（亩）", "area", "亩"),
    _col("parcel_ids", "宗地代码", "text"),
    _col("paths", "路径构成（宗数）", "text"),
    _col("path_area", "路径构成（面积）", "text"),
    _col("townships", "涉及镇街", "text"),
    _col("largest_parcel", "最大宗地", "text"),
    _col("largest_parcel_mu", "最大宗地面积（亩）", "area", "亩"),
    _col("large", "百亩以上", "bool"),
    _col("reject_reason", "剔除原因", "text"),
    _col("unmatched_reason", "未关联原因", "text"),
    _col("uscc_status", "代码校验", "text"),
    _col("approved_area_m2", "批准面积（台账，平方米）", "area", "m2"),
    _col("supplied_area_m2", "已供面积（台账，平方米）", "area", "m2"),
    _col("unsupplied_area_m2", "未供面积（台账，平方米）", "area", "m2"),
    _col("years_since_approval", "批准至今年数", "int", "年"),
    _col("unsupplied_mu", "未供面积（亩，采用值）", "area", "亩"),  # the area taken: 面积来源
    _col("area_source", "面积来源", "text"),
    _col("approved_status", "批而未供核查", "text"),
    _col("approved_note", "待核实原因", "text"),
    _col("scope_note", "范围说明", "text"),
    _col("built_cover", "建筑覆盖率（高度栅格）", "percent"),
    _col("area_diff_ratio", "图形与登记面积差异率", "percent"),
    _col("uscc_duplicate", "代码重复", "bool"),
    _col("linked", "已关联宗地", "bool"),
    _col("is_tenant", "承租企业", "bool"),
    _col("host_uscc", "出租方代码", "text"),
    _col("eval_unit", "评价单元", "text"),
    _col("grade_group", "排位分组", "text"),
)

#: The 增容 condition columns and their labels (used by landgov.far.zengrong as well).
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

# Columns of the layers ``far`` and ``far_applications`` (landgov.run.far, docs/schema.md).
_FAR: tuple[Column, ...] = (
    _col("enterprise_name", "企业名称", "text"),
    _col("land_area_m2", "用地面积（容积率计算，平方米）", "area", "m2"),
    _col("far_note", "容积率说明", "text"),
    _col("n_buildings", "建筑记录数（栋）", "int", "栋"),
    _col("buildings_cover", "建筑图层覆盖该宗地", "bool"),
    _col("building_coverage", "建筑系数", "percent"),
    _col("below_coverage_min", "建筑系数低于控制值", "bool"),
    _col("raster_floor_area_m2", "栅格估算建筑面积（平方米）", "area", "m2"),
    _col("floor_area_recorded_m2", "登记建筑面积（与建筑记录不一致，平方米）", "area", "m2"),
    _col("floor_area_records_m2", "建筑记录合计建筑面积（与登记不一致，平方米）", "area", "m2"),
    _col("far_floor", "国家最低容积率", "ratio"),
    _col("far_floor_gb2002", "最低容积率行业大类（GB/T 4754-2002）", "text"),
    _col("far_floor_note", "最低容积率说明", "text"),
    _col("far_gap_floor", "容积率与最低值之差", "ratio"),
    _col("below_floor", "低于国家最低容积率", "bool"),
    _col("far_target", "容积率目标值", "ratio"),
    _col("far_gap_target", "容积率与目标值之差", "ratio"),
    _col("far_pilot", "容积率试点值", "ratio"),
    _col("headroom_m2", "增容空间（至容积率上限，平方米）", "area", "m2"),
    _col("headroom_target_m2", "增容空间（至容积率目标，平方米）", "area", "m2"),
    _col("headroom_reason", "增容空间说明", "text"),
    _col("tax_per_mu_now_wan", "上年度亩均税收（万元/亩）", "ratio", "万元/亩"),
    _col("tax_per_mu_now_missing", "上年度亩均税收缺少的数据", "text"),
    _col("planned_use", "规划用途", "text"),
    _col("inside_control_line", "在工业用地控制线内", "text"),
    _col("planning_other_share", "规划为非工业用途的面积比例", "percent"),
    _col("planning_unknown_share", "规划用途不明的面积比例", "percent"),
    _col("planning_unknown_note", "规划用途不明说明", "text"),
    _col("planning_project_share", "按项目默认读作非工业的规划面积比例", "percent"),
    _col("planning_project_note", "规划用途项目默认读法说明", "text"),
    _col("control_line_outside_share", "位于工业用地控制线外的面积比例", "percent"),
    _col("control_line_unknown_share", "工业用地控制线不明的面积比例", "percent"),
    _col("demolition_plans", "所在拆迁计划", "text"),
    _col("demolition_partial_plans", "部分重叠的拆迁计划（待核实）", "text"),
    _col("demolition_old_plans", "年份较早的拆迁计划（待核实）", "text"),
    _col("demolition_undated_plans", "无年份的拆迁计划（待核实）", "text"),
    _col("demolition_share", "拆迁计划重叠比例", "percent"),
    _col("in_demolition_plan", "列入拆迁计划", "bool"),
    _col("special_zone", "所在特殊片区", "text"),
    _col("special_zone_partial", "部分重叠的特殊片区（待核实）", "text"),
    _col("special_zone_area_m2", "与特殊片区部分重叠的面积（平方米）", "area", "m2"),
    _col("special_zone_share", "与特殊片区部分重叠的面积比例", "percent"),
    _col("unnamed_zone", "与未命名片区重叠", "bool"),
    *(_col(name, text, "text") for name, text in CONDITION_LABELS.items()),
    *(_col(f"{name}_note", f"{text}说明", "text") for name, text in CONDITION_LABELS.items()
      if name != "scope"),  # scope_note is the screening's 范围说明
    # a decided condition (landgov far --overrides): what landgov had computed
    *(_col(f"{name}_computed", f"{text}（计算结论）", "text")
      for name, text in CONDITION_LABELS.items()),
    *(_col(f"{name}_computed_note", f"{text}（计算说明）", "text")
      for name, text in CONDITION_LABELS.items()),
    _col("zengrong", "总体结论", "text"),
    _col("zengrong_reason", "结论说明", "text"),
    _col("relaxation", "联席会议放宽提示", "text"),
    _col("meeting_review", "提交联席会议审议放宽事项", "text"),
    _col("candidate", "增容摸排候选", "bool"),
    _col("catalogue_edition", "产业目录版本", "text"),
    _col("as_of", "核查日期", "date"),
    # far_applications: the application's own figures and the figures after the project
    _col("added_floor_m2", "新增建筑面积（平方米）", "area", "m2"),
    _col("investment_wan", "项目总投资（万元）", "money", "万元"),
    _col("fixed_investment_wan", "固定资产投资（万元）", "money", "万元"),
    _col("tax_after_wan", "达产后年税收（万元）", "money", "万元"),
    _col("emission_t", "主要污染物年排放量（吨）", "float", "t"),
    _col("rd_ratio_pct", "研发经费占营业收入比例（%）", "float", "%"),
    _col("far_after", "实施后容积率", "ratio"),
    _col("floor_area_after_m2", "实施后建筑面积（平方米）", "area", "m2"),
    _col("tax_per_mu_after_wan", "实施后亩均税收（万元/亩）", "ratio", "万元/亩"),
    _col("tax_per_mu_now_basis", "上年度亩均税收口径", "text"),
    _col("tax_per_mu_after_basis", "实施后亩均税收口径", "text"),
    _col("investment_per_mu_wan", "固定资产投资强度（万元/亩）", "ratio", "万元/亩"),
)  # fmt: skip

# The county columns of the province layers (landgov.province.county).
_PROVINCE: tuple[Column, ...] = (
    _col("county_code", "县级代码", "text"),
    _col("county", "县（市、区）", "text"),
    _col("city_code", "地市代码", "text"),
    _col("city", "地级市", "text"),
    _col("profile", "评判配置", "text"),
    _col("profile_version", "配置版本", "text"),
)

# The 动态评价 columns (landgov.evaluation: changes.gpkg and 动态评价.xlsx), old period beside new.
COMPARISON_COLUMNS: tuple[Column, ...] = (
    _col("match", "对应关系", "text"),
    _col("old_ids", "旧期宗地代码", "text"),
    _col("new_ids", "新期宗地代码", "text"),
    _col("n_old", "旧期宗数", "int"),
    _col("n_new", "新期宗数", "int"),
    _col("area_mu_old", "旧期面积（亩）", "area", "亩"),
    _col("area_mu_new", "新期面积（亩）", "area", "亩"),
    _col("area_mu_listed_old", "旧期在治理清单面积（亩）", "area", "亩"),
    _col("grade_old", "旧期等级", "text"),
    _col("grade_new", "新期等级", "text"),
    _col("grade_change", "等级变化", "text"),
    _col("path_old", "旧期四个一批路径", "text"),
    _col("path_new", "新期四个一批路径", "text"),
    _col("tax_per_mu_old", "旧期亩均税收（万元/亩）", "ratio", "万元/亩"),
    _col("tax_per_mu_new", "新期亩均税收（万元/亩）", "ratio", "万元/亩"),
    _col("tax_per_mu_change", "亩均税收变化（万元/亩）", "ratio", "万元/亩"),
    _col("listed_old", "旧期在治理清单", "text"),
    _col("listed_new", "新期在治理清单", "text"),
    _col("listing_change", "治理清单变化", "text"),
    # why the grade or the path changed: old → new, 亩均税收, the new run's 列入原因
    _col("change_reason", "变化原因", "text"),
    # to_verify (待核实事项): the registry's one column, each member lacking 面积 or 亩均税收
    _col("tax_per_mu_above_scale_old", "旧期规上亩均税收（万元/亩）", "ratio", "万元/亩"),
    _col("tax_per_mu_above_scale_new", "新期规上亩均税收（万元/亩）", "ratio", "万元/亩"),
    _col("value_added_per_mu_above_scale_old", "旧期规上亩均增加值（万元/亩）", "ratio", "万元/亩"),
    _col("value_added_per_mu_above_scale_new", "新期规上亩均增加值（万元/亩）", "ratio", "万元/亩"),
    _col("governance_area_mu_old", "旧期治理清单面积（亩）", "area", "亩"),
    _col("governance_area_mu_new", "新期治理清单面积（亩）", "area", "亩"),
    _col("governance_done_mu", "已移出治理清单面积（亩）", "area", "亩"),
    _col("governance_done_area_unknown", "已移出治理清单、面积待核实的地块变化行数", "int"),
    _col(
        "governance_to_verify_mu", "旧期在治理清单、新期待核实或无此地块的面积（亩）", "area", "亩"
    ),
    _col(
        "governance_to_verify_area_unknown",
        "旧期在治理清单、新期待核实或无此地块、面积待核实的地块变化行数",
        "int",
    ),
    _col("renewal_done_share", "盘活目标完成比例", "percent"),
)  # fmt: skip

# The points each indicator scored (efficiency scoring ``score_<indicator>``).
_SCORED = (
    "tax_per_mu", "value_added_per_mu", "value_added_per_energy", "value_added_per_emission",
    "labour_productivity", "rd_ratio", "tax_per_power",
)  # fmt: skip


def _field_columns() -> Iterable[Column]:
    for spec in (
        *APPLICATION_FIELDS, *PARCEL_FIELDS, *ENTERPRISE_FIELDS, *LINK_FIELDS,
        *COMPLIANCE_FIELDS, *APPROVED_FIELDS,
    ):  # fmt: skip
        col = _from_spec(spec)
        if spec.name in _FIELD_RENAMES:
            col = _col(col.name, _FIELD_RENAMES[spec.name], col.kind, col.unit)
        elif spec.name in YES_NO_FIELDS:
            col = _col(col.name, col.label, "bool")
        yield col


def _problem_columns() -> Iterable[Column]:
    for name, text in PROBLEM_LABELS.items():
        yield _col(name, text, "row" if name == "row" else "text")


def _assemble() -> Mapping[str, Column]:
    table: dict[str, Column] = {}
    for col in (
        *SUMMARY_COLUMNS,
        *_field_columns(),
        *_COMPUTED,
        *_FAR,
        *_PROVINCE,
        *COMPARISON_COLUMNS,
        *_problem_columns(),
    ):
        table[col.name] = col  # later sources win (see the module docstring)
    for name in _SCORED:
        base = table[name]
        head = base.label[: base.label.rindex("（")] if base.unit else base.label
        table[f"score_{name}"] = _col(f"score_{name}", f"{head}得分", "ratio")
    return MappingProxyType(table)


#: Every registered column by name.
COLUMNS: Mapping[str, Column] = _assemble()


def column(name: str) -> Column | None:
    """The registered column ``name`` (``None`` when not registered)."""
    return COLUMNS.get(name)


def label(name: str) -> str:
    """The Chinese label of a column (the name itself when none is registered).

    >>> label("tax_per_mu")
    '亩均税收（万元/亩）'
    >>> label("no_such_column")
    'no_such_column'
    """
    col = COLUMNS.get(name)
    return col.label if col else name


#: Field names of a problem that are no registered column but still internal words.
_PROBLEM_FIELD_WORDS = MappingProxyType({"geometry": "图形"})


def problem_fields(problems: pd.DataFrame) -> pd.DataFrame:
    """``problems`` (:data:`~landgov.core.problems.PROBLEM_COLUMNS`) with each ``field`` as a
    user reads it: a registered column name becomes its label (「tax_wan」 → 「税收（万元）」),
    each of several joined by 、 too, and ``geometry`` 「图形」; a file's own header, a text
    that is no column name and a blank are kept as they are.

    A reader records the header of the user's own file, a stage the column it computed from:
    the 问题记录 sheet shows both in Chinese, never an identifier of the code.

    >>> fields = pd.DataFrame({"field": ["tax_wan", "实缴税金", None]}, dtype=object)
    >>> problem_fields(fields)["field"].tolist()
    ['税收（万元）', '实缴税金', None]
    """
    if "field" not in problems or not len(problems):
        return problems

    def readable(field: object) -> object:
        if not isinstance(field, str):
            return field
        parts = field.split("、")
        return "、".join(_PROBLEM_FIELD_WORDS.get(p) or label(p) for p in parts)

    seen = problems["field"].tolist()
    texts = {v: readable(v) for v in set(seen) if isinstance(v, str)}
    if all(texts[v] == v for v in texts):
        return problems
    shown = [texts[v] if isinstance(v, str) else v for v in seen]
    return problems.assign(field=pd.Series(shown, index=problems.index, dtype=object))


def short_label(name: str) -> str:
    """The label without its unit in brackets, for places that show the unit apart (popups).

    >>> short_label("tax_per_mu")
    '亩均税收'
    >>> short_label("reasons")
    '理由（含政策依据）'
    """
    col = COLUMNS.get(name)
    if col is None:
        return name
    if col.unit and col.label.endswith("）") and "（" in col.label:
        return col.label[: col.label.rindex("（")]
    return col.label


#: How a reader reads each unit of the registry (``m2`` is 平方米, ``tce`` 吨标准煤 …).
_UNIT_WORDS: Mapping[str, str] = MappingProxyType(
    {"m2": "平方米", "t": "吨", "tce": "吨标准煤", "万kWh": "万千瓦时"}
)


def unit_text(unit: str) -> str:
    """A registry unit as a reader reads it, each part of a compound unit too.

    >>> unit_text("万元/tce"), unit_text("m2"), unit_text("万元/万kWh"), unit_text("万元/亩")
    ('万元/吨标准煤', '平方米', '万元/万千瓦时', '万元/亩')
    """
    return "/".join(_UNIT_WORDS.get(part, part) for part in unit.split("/"))


def number_format(name: str) -> str | None:
    """The Excel number format of a column (``None``: General or not registered).

    >>> number_format("tax_wan")
    '#,##0.00'
    >>> number_format("supply_date")
    'yyyy-mm-dd'
    """
    col = COLUMNS.get(name)
    return col.number_format if col else None


_TABLE_HEAD = ("| name | 中文列名 | unit | Excel format | kind |", "|---|---|---|---|---|")


def markdown_table() -> str:
    """The registry as the Markdown table ``docs/schema.md`` carries (one row per column).

    >>> markdown_table().splitlines()[0]
    '| name | 中文列名 | unit | Excel format | kind |'
    """
    rows = [
        f"| `{c.name}` | {c.label} | {c.unit} | {f'`{c.number_format}`' if c.number_format else ''}"
        f" | {c.kind} |"
        for c in sorted(COLUMNS.values(), key=lambda c: c.name)
    ]
    return "\n".join([*_TABLE_HEAD, *rows])
