"""Read 增容 applications (增容申请表): one row per project an enterprise applies for.

Columns (Chinese headers as in the township's table): 申请编号, 宗地代码, 统一社会信用代码,
申请日期, 项目名称, 项目行业代码 (GB/T 4754-2017), 所属行业, 项目产业目录类别 (鼓励类/允许类/
限制类/淘汰类), 新增建筑面积（平方米）, 项目总投资（万元）, 固定资产投资（万元）,
达产后年税收（万元）, 达产后年工业增加值（万元）, 达产后年综合能耗（吨标准煤）,
主要污染物年排放量（吨）, 研发经费占营业收入比例（%）, 是否改变原建筑结构, 是否标准厂房,
产权状况 (清晰/有纠纷),
是否完成首次开发, 竣工验收（履约验收） (已通过/未通过), 临时改变房屋用途, 已签承诺,
结构安全鉴定报告 (已出具/未出具), 项目建设内容.

The project's own industry code and catalogue class decide 三.4 and 三.5 (the enterprise's are
only a fallback, 待核实); 申请日期 decides whether the application falls in the opinion's
period (七(一)); the 标准地 figures feed 三.6.

Yes/no columns become ``True``/``False``/``None`` (empty or unreadable: the check then says
待核实, never a pass).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from landgov.core.missing import missing_cells, parse_yes_no
from landgov.core.problems import ProblemLog, ReadResult, Severity
from landgov.core.vocab import application_answer
from landgov.ids import USCCStatus, check_uscc, listed_parcel_codes
from landgov.io._codes import uscc_problem
from landgov.io.fields import INDUSTRY_DIGITS, FieldSpec, Kind
from landgov.io.numbers import is_missing
from landgov.io.tables import _parse_table, _ParsedTable

__all__ = ["APPLICATION_FIELDS", "YES_NO_FIELDS", "parse_yes_no", "read_applications"]

T, N, C, D = Kind.TEXT, Kind.NUMBER, Kind.CODE, Kind.DATE

APPLICATION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("application_id", "申请编号", C, ("申请编号", "编号", "项目编号", "序号")),
    FieldSpec("parcel_id", "宗地代码", C, ("宗地代码", "ZDDM", "地块编号"), required=True),
    FieldSpec("uscc", "统一社会信用代码", C, ("统一社会信用代码", "信用代码", "USCC")),
    FieldSpec(
        "application_date",
        "申请日期",
        D,
        ("申请日期", "申报日期", "申请时间", "受理日期"),
        month_only="period",  # within the opinion's period only when all of the month is
    ),
    FieldSpec("project_name", "项目名称", T, ("项目名称", "拟上项目名称")),
    FieldSpec(
        "project_industry_code",
        "项目行业代码",
        C,
        ("项目行业代码", "项目所属行业代码", "所属行业代码", "项目国民经济行业代码"),
        code_digits=INDUSTRY_DIGITS,
    ),
    FieldSpec("project_industry_name", "所属行业", T, ("所属行业", "项目所属行业", "项目行业")),
    FieldSpec(
        "project_catalogue_class",
        "项目产业目录类别",
        T,
        ("项目产业目录类别", "产业结构调整目录类别", "产业导向", "目录类别"),
    ),
    FieldSpec("added_floor_m2", "新增建筑面积", N, ("新增建筑面积",), "m2", floor_area=True),
    FieldSpec("investment_wan", "项目总投资", N, ("项目总投资", "总投资"), "万元"),
    FieldSpec("fixed_investment_wan", "固定资产投资", N, ("固定资产投资",), "万元"),
    FieldSpec(
        "tax_after_wan", "达产后年税收", N, ("达产后年税收", "达产后税收", "预计年税收"), "万元"
    ),
    FieldSpec(
        "value_added_wan",
        "达产后年工业增加值",
        N,
        ("达产后年工业增加值", "达产后工业增加值", "年工业增加值", "工业增加值"),
        "万元",
    ),
    FieldSpec(
        "energy_tce",
        "达产后年综合能耗",
        N,
        ("达产后年综合能耗", "年综合能耗", "综合能耗"),
        "tce",
    ),
    FieldSpec(
        "emission_t",
        "主要污染物年排放量",
        N,
        ("主要污染物年排放量", "污染物排放量", "污染物年排放量"),
        "t",
    ),
    FieldSpec(
        "rd_ratio_pct",
        "研发经费占营业收入比例",
        N,
        ("研发经费占营业收入比例", "研发投入占比", "研发经费占比", "研发投入强度"),
        "%",
    ),
    FieldSpec(
        "changes_structure",
        "是否改变原建筑结构",
        T,
        ("是否改变原建筑结构", "改变结构"),
        yes_no=True,
    ),
    FieldSpec("standard_factory", "是否标准厂房", T, ("是否标准厂房", "标准厂房"), yes_no=True),
    FieldSpec("title_status", "产权状况", T, ("产权状况", "产权情况")),
    FieldSpec(
        "first_development_done",
        "是否完成首次开发",
        T,
        ("是否完成首次开发", "首次开发"),
        yes_no=True,
    ),
    FieldSpec(
        "completion_accepted",
        "竣工验收（履约验收）",
        T,
        ("竣工验收（履约验收）", "竣工验收", "履约验收", "竣工验收情况", "是否通过竣工验收"),
    ),
    FieldSpec("temporary_use_change", "临时改变房屋用途", T, ("临时改变房屋用途",), yes_no=True),
    FieldSpec("commitment_signed", "已签承诺", T, ("已签承诺", "是否签署承诺"), yes_no=True),
    FieldSpec("safety_report", "结构安全鉴定报告", T, ("结构安全鉴定报告", "安全鉴定报告")),
    FieldSpec("content", "项目建设内容", T, ("项目建设内容", "建设内容")),
)

_LABELS = {spec.name: spec.label for spec in APPLICATION_FIELDS}  # problems name the header

YES_NO_FIELDS = (
    "changes_structure",
    "standard_factory",
    "first_development_done",
    "temporary_use_change",
    "commitment_signed",
)


def _yes_no_columns(data: pd.DataFrame, log: ProblemLog) -> pd.DataFrame:
    out = data.copy()
    for name in YES_NO_FIELDS:
        raw = out[name]
        parsed = raw.map(lambda v, name=name: application_answer(name, v)).astype(object)
        # 「—」 or a blank is missing (core.missing), not an answer that could not be read
        unreadable = ~missing_cells(raw) & parsed.isna()
        for idx in raw.index[unreadable]:
            log.add(
                "无法识别为 是/否，按缺失处理（判为待核实）",
                row=int(out.at[idx, "source_row"]),
                field=_LABELS[name],
                value=raw[idx],
                action="填写 是 或 否",
                severity=Severity.WARNING,
            )
        out[name] = parsed.where(parsed.notna(), None)
    return out


def _reject_without_parcel(table: _ParsedTable) -> None:
    """An application is checked against its parcel: without a 宗地代码 it cannot be."""
    for pos, code in enumerate(table.frame["parcel_id"].tolist()):
        if is_missing(code):
            table.reject(
                pos,
                "宗地代码缺失",
                field="parcel_id",
                action="补填申请地块的宗地代码后重新读取；没有宗地代码的申请无法审查",
            )


def _flag_several_plots(data: pd.DataFrame, log: ProblemLog) -> None:
    """One application on several plots: kept (each check on the plot 待核实) and said as such.

    The check takes one application on one plot: the added floor area, investment and taxes
    cannot be shared out among the plots without the township's own figures, so none of the
    plots is checked in its place (never silently the first)."""
    for idx, code in data["parcel_id"].items():
        codes = listed_parcel_codes(code)
        if not codes:
            continue
        log.add(
            f"一件申请填了 {len(codes)} 个宗地代码（{'、'.join(codes)}）："
            "增容按一宗地一件申请审查，新增建筑面积、投资、税收等无法分到各宗地，该申请与宗地有关的各项均为待核实",
            row=int(data.at[idx, "source_row"]),
            field=_LABELS["parcel_id"],
            value=code,
            action="每宗地一行填报（申请编号加后缀区分，如 ZR-001-1、ZR-001-2，新增建筑面积、"
            "投资等按宗地分列）后重新运行",
            severity=Severity.ERROR,
        )


def _warn_repeated_ids(data: pd.DataFrame, log: ProblemLog) -> None:
    """A 申请编号 given to two applications: both are checked, the repeat is said."""
    ids = data["application_id"].map(lambda v: None if is_missing(v) else str(v).strip())
    first: dict[str, int] = {}
    for idx, key in ids.items():
        if key is None:
            continue
        row = int(data.at[idx, "source_row"])
        if key not in first:
            first[key] = row
            continue
        log.add(
            f"申请编号重复（与第 {first[key]} 行相同）：两件申请都已审查，但初审表和审查结果按编号"
            "难以区分",
            row=row,
            field=_LABELS["application_id"],
            value=key,
            action="核对申请表，给每件申请不同的编号；如是同一申请重复录入，删除多余的一行",
            severity=Severity.WARNING,
        )


def _warn_bad_usccs(data: pd.DataFrame, log: ProblemLog) -> None:
    """An applicant's 统一社会信用代码 that is no valid code (0 typed as O, a cut digit): the
    application is kept and checked, and the reason its enterprise is not found is said."""
    for idx, code in data["uscc"].items():
        if is_missing(code):
            continue
        status = check_uscc(code)
        if status in (USCCStatus.VALID, USCCStatus.MISSING):
            continue
        problem, action = uscc_problem(code, status)
        log.add(
            f"申请企业的{problem}，无法与企业表对应（涉及申请企业的条件判为待核实）",
            row=int(data.at[idx, "source_row"]),
            field=_LABELS["uscc"],
            value=code,
            action=action,
            severity=Severity.WARNING,
        )


def read_applications(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> ReadResult:
    """Read the 增容 application table (.xlsx/.xls/.csv).

    Returns
    -------
    ReadResult
        ``data`` with the canonical names of :data:`APPLICATION_FIELDS` (money in 万元, areas
        in m², yes/no columns as True/False/None) and ``source_row``. Rows without a 宗地代码
        (and totals/footnote rows) go to ``rejected`` with the reason.
    """
    table = _parse_table(
        path, specs=APPLICATION_FIELDS, sheet=sheet, aliases=aliases, role="applications"
    )
    _reject_without_parcel(table)
    result = table.result()
    log = ProblemLog(Path(path).name)
    data = _yes_no_columns(result.data, log)
    _flag_several_plots(data, log)
    _warn_repeated_ids(data, log)
    _warn_bad_usccs(data, log)
    problems = pd.concat([result.problems, log.frame()], ignore_index=True)
    return ReadResult(data, result.rejected, problems, result.meta)
