"""The 治理台账 workbook: its statuses, columns and sheet names."""

from __future__ import annotations

import enum

from landgov.core.columns import label
from landgov.core.editable import Field, FieldKind, Layout

__all__ = [
    "CLOSE_UNVERIFIED",
    "COUNTED",
    "DUE_UNREAD",
    "FINISHED_LATE",
    "GRADE",
    "HISTORY_COLUMNS",
    "HISTORY_SHEET",
    "HOLD_CLOSE",
    "LAYOUT",
    "LEDGER_KIND",
    "PATH",
    "PROBLEMS_SHEET",
    "PROGRESS_SHEET",
    "PROPOSE_CLOSE",
    "REASONS",
    "STILL_LISTED",
    "UNMERGED_HEAD",
    "UNMERGED_KEPT",
    "UNMERGED_SHEET",
    "Status",
]

LEDGER_KIND = "治理台账"
HISTORY_SHEET = "状态变更记录"
PROBLEMS_SHEET = "问题记录"
PROGRESS_SHEET = "镇街进度"
UNMERGED_SHEET = "未合并的行"
#: The columns that mark :data:`UNMERGED_SHEET` when staff renamed or copied it: the data
#: sheet's 宗地代码, the 行号 each row had there and why it was not merged.
UNMERGED_HEAD = frozenset({"宗地代码", "行号", "原因"})
#: How 原因 starts on a row of :data:`UNMERGED_SHEET` kept from an earlier update.
UNMERGED_KEPT = "以前的更新中未合并，仍待处理："
GUIDE_SHEET = "填写说明"
#: The 评价等级 and 四个一批路径 columns, headed as every list heads them (the label registry);
#: a ledger written with their former headers 「等级」「治理路径」 reads back.
GRADE = label("grade")
PATH = label("path")
#: The 治理清单's 理由（含政策依据）, headed as the lists head it; a ledger written with the
#: former header 「列入原因」 reads back.
REASONS = label("reasons")
HISTORY_COLUMNS = ("宗地代码", "日期", "原状态", "新状态", "来源", "说明")
#: How 系统提示 starts a proposal to close a plot that left the 治理清单 (达标), and how it
#: starts the note of one held back (待核实, or not found in the run): the second contains the
#: first, so a count must look for the whole note (:func:`landgov.ledger._book.proposed`).
PROPOSE_CLOSE = "建议销号："
#: A plot whose 计划完成日期 is written but no date: in 系统提示 and as a column of 镇街进度
#: beside 逾期 (whether it is overdue is not known).
DUE_UNREAD = "完成日期待核实"
HOLD_CLOSE = "暂不建议销号："
#: A finished plot whose 验收日期 is after its 计划完成日期: done, but late (系统提示 and a
#: column of 镇街进度 beside 逾期).
FINISHED_LATE = "逾期完成"
#: A plot typed 已销号 without its 验收 evidence (:func:`landgov.ledger._book.acceptance_lacking`):
#: counted apart in 镇街进度, the CLI's line and the 进度 map, never as 已销号 nor in 完成率
#: (「销号式整改、项目化验收」, 虞政发〔2022〕12号 第三条第（一）项第2目).
CLOSE_UNVERIFIED = "销号待核实"
#: A plot typed 已销号 with its 验收 on file that a run dated on or after the 验收 still lists
#: (:func:`landgov.ledger._book.counted_status`): 达标 is not shown (「达标销号」), so it is
#: counted apart in 镇街进度, never as 已销号 nor in 完成率; the status stays as typed.
STILL_LISTED = "已销号但新批次仍列入"


class Status(enum.StrEnum):
    """Where a plot's 整治 stands (销号式整改: closed only after 验收)."""

    NOT_STARTED = "未启动"
    IN_PROGRESS = "推进中"
    DONE = "已完成"
    CLOSED = "已销号"


#: The statuses 镇街进度 counts, in its column order: 销号待核实 and 已销号但新批次仍列入 beside
#: 已销号.
COUNTED = (*(s.value for s in Status), CLOSE_UNVERIFIED, STILL_LISTED)

#: Statuses after which a plot is no longer overdue.
FINISHED = frozenset({Status.DONE, Status.CLOSED})

LAYOUT = Layout(
    kind=LEDGER_KIND,
    version=1,
    sheet="治理台账",
    key="宗地代码",
    code_key=True,
    own_sheets=(PROGRESS_SHEET, HISTORY_SHEET, PROBLEMS_SHEET, UNMERGED_SHEET, GUIDE_SHEET),
    own_headers=(UNMERGED_HEAD,),
    fields=(
        Field("宗地代码", width=22),
        Field("镇街", width=10),
        Field("权利人", width=32),  # a company name whole, as in landgov.xlsx
        Field("面积（亩）", kind=FieldKind.NUMBER, number_format="0.00", width=10),
        Field("亩均税收（万元/亩）", kind=FieldKind.NUMBER, number_format="0.00", width=12),
        Field(GRADE, width=12, formerly=("等级",), wrap=True),  # 不参评（…） wraps
        Field(PATH, width=13, formerly=("治理路径",)),
        Field(REASONS, width=40, formerly=("列入原因",)),
        Field("政策依据", width=40),
        Field("列入日期", kind=FieldKind.DATE, width=12),
        Field("最新批次", width=28),
        Field("系统提示", width=44),
        Field("责任单位", editable=True, width=24, hint="负责本宗地整治的单位，如 XX街道经发办"),
        Field("责任人", editable=True, width=10, hint="本宗地整治的责任人姓名"),
        Field(
            "治理措施",
            editable=True,
            width=36,
            hint="一地一企一方案：本宗地、本企业的治理方向和具体措施",
        ),
        Field(
            "计划完成日期",
            kind=FieldKind.DATE,
            editable=True,
            width=14,
            hint="如 2027-06-30；只填年月的按当月最后一天计",
            deadline=True,
        ),
        Field(
            "状态",
            kind=FieldKind.CHOICE,
            editable=True,
            choices=tuple(s.value for s in Status),
            width=10,
            hint="未启动 / 推进中 / 已完成 / 已销号（销号须先验收，并填写验收日期和验收依据）",
        ),
        Field(
            "进展说明",
            editable=True,
            width=36,
            hint="本次进展和遇到的问题，如 已约谈企业，方案编制中",
        ),
        Field("验收日期", kind=FieldKind.DATE, editable=True, width=12, hint="如 2027-06-30"),
        Field(
            "验收依据",
            editable=True,
            width=42,  # 「斗门街道工业用地整治验收纪要〔2027〕40号」 whole
            hint="验收文件或会议纪要的名称、文号",
        ),
    ),
)

GUIDE = (
    ("本台账由 landgov 生成（治理清单一宗地一行，一地一企一方案）。", ""),
    ("灰色列由 landgov 计算，已锁定；黄色列（表头带「（填写）」）由镇街填写。", ""),
    (
        "状态",
        "未启动 / 推进中 / 已完成 / 已销号；已销号须经验收，并填写验收日期和验收依据"
        "（缺任一项的，镇街进度中计为「销号待核实」，不计入已销号和完成率；"
        "计划完成日期已过的计入逾期）；已销号而验收之后的新一批筛查仍列入治理清单的，未显示达标，"
        "计为「已销号但新批次仍列入」，同样不计入已销号和完成率。",
    ),
    ("日期", "计划完成日期、验收日期写作 2027-06-30；不得早于列入日期。"),
    *((f.name, f.hint) for f in LAYOUT.fields if f.editable and f.kind is FieldKind.TEXT),
    ("更新", "landgov ledger update 台账.xlsx --run 新批次结果 --out 台账.xlsx"),
    (
        "系统提示",
        "逾期、逾期完成（验收日期晚于计划完成日期）、完成日期待核实（计划完成日期无法识别，"
        "是否逾期不明）、"
        "建议销号（新批次已不在治理清单）、新批次改变了四个一批路径或镇街（请核实治理措施、"
        "责任单位）、填写问题；橙色单元格请按批注修改。",
    ),
    (
        UNMERGED_SHEET,
        "宗地代码重复或无法读取的行，所填内容未计入台账；请核对后把需要的内容填入「治理台账」"
        "中该宗地的行，再删除该表中的行（未删除的，每次更新都保留并提示）。",
    ),
    ("注意", "可排序、筛选、加列；请勿修改「宗地代码」，不要删除隐藏的标识表。"),
)
