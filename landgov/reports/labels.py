"""Chinese labels for canonical column names (Excel headers, popups, forms)."""

from __future__ import annotations

from landgov.core.problems import PROBLEM_LABELS
from landgov.io.fields import COMPLIANCE_FIELDS, ENTERPRISE_FIELDS, LINK_FIELDS, PARCEL_FIELDS
from landgov.summary import SUMMARY_LABELS

__all__ = ["LABELS", "label"]

_COMPUTED = {
    "area_m2": "面积（图形，m²）",
    "area_mu": "面积（亩）",
    "area_declared_m2": "宗地面积（登记，m²）",
    "floor_area_m2": "建筑面积（m²）",
    "source_row": "源行号",
    "enterprise_names": "用地企业",
    "usccs": "统一社会信用代码",
    "n_enterprises": "企业数",
    "main_uscc": "主体企业代码",
    "main_name": "主体企业",
    "tax_wan": "税收（万元）",
    "value_added_wan": "工业增加值（万元）",
    "revenue_wan": "营业收入（万元）",
    "energy_tce": "综合能耗（吨标煤）",
    "emissions_t": "排放量（吨）",
    "rd_wan": "R&D经费（万元）",
    "power_10k_kwh": "用电量（万千瓦时）",
    "tax_per_mu": "亩均税收（万元/亩）",
    "value_added_per_mu": "亩均增加值（万元/亩）",
    "value_added_per_energy": "单位能耗增加值（万元/吨标煤）",
    "value_added_per_emission": "单位排放增加值（万元/吨）",
    "labour_productivity": "全员劳动生产率（万元/人）",
    "rd_ratio": "R&D占比",
    "tax_per_power": "单位电耗税收（万元/万千瓦时）",
    "land_m2": "用地面积（图形，m²）",
    "land_mu": "用地面积（亩）",
    "land_mu_declared": "用地面积（申报，亩）",
    "n_parcels": "宗地数",
    "above_scale": "规上",
    "score": "综合得分",
    "score_items": "得分构成",
    "grade": "评价等级",
    "grade_computed": "计算等级",
    "grade_source": "等级来源",
    "grade_label": "等级含义",
    "evaluated": "是否参评",
    "evaluation_note": "参评说明",
    "far": "容积率",
    "far_source": "容积率来源",
    "low_efficiency": "低效用地",
    "idle_years": "闲置年数",
    "flags": "问题标记",
    "to_verify": "待核实事项",
    "screening_status": "筛查结论",
    "path": "四个一批路径",
    "path_rule": "路径规则",
    "path_status": "路径状态",
    "reasons": "理由（含政策依据）",
    "citations": "政策依据",
    "missing": "缺少的数据",
    "block_id": "连片编号",
    "block_large": "百亩以上连片",
    "block_area_mu": "所在连片面积（亩）",
    "parcel_ids": "宗地代码",
    "paths": "路径构成",
    "large": "百亩以上",
    "reject_reason": "剔除原因",
    "unmatched_reason": "未关联原因",
    "uscc_status": "代码校验",
}

LABELS: dict[str, str] = {
    **SUMMARY_LABELS,  # first: the general labels below win for names they share
    **{
        f.name: f.label
        for f in (*PARCEL_FIELDS, *ENTERPRISE_FIELDS, *LINK_FIELDS, *COMPLIANCE_FIELDS)
    },
    **_COMPUTED,
    **PROBLEM_LABELS,
}


def label(column: str) -> str:
    """The Chinese label of a column (the name itself when none is known)."""
    return LABELS.get(column, column)
