"""The joint-meeting packet (联席会议审议材料): sheet 增容审查 of ``landgov.xlsx``.

One row per candidate (each application, then each screened plot that is not 不可申报), one
column per condition (scope, cap, 条件1–8) with its status, the overall verdict and its reason,
what is missing, and the 印染化工电镀 relaxation flag [000 附件3 三] with the conditions a 涉改
enterprise leaves to the meeting (``meeting_review``: 待核实（提交联席会议审议）). Chinese
headers, a frozen header row, filters and fitted widths come from
:func:`landgov.reports.excel.write_sheet`, which adds the sheet to an existing workbook without
touching its other sheets. For packets of at
most :data:`DECORATE_LIMIT` rows (a meeting's worth) status cells are coloured by conditional
formatting (不符合 red, 待核实 amber, 待承诺 blue) and carry their reasons as cell comments;
larger packets (a whole county's screening) skip the comments and keep the reasons in the 说明
columns only. Text from the data (enterprise names, project
names, reasons) is written as text, never as a formula (:mod:`landgov.core.safe_text`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from landgov.core.columns import label
from landgov.core.safe_text import cell_text
from landgov.core.townnames import township_order
from landgov.far.zengrong import CONDITION_LABELS, CONDITIONS, Eligibility
from landgov.reports.excel import SheetSpec, SheetStyle, Written, write_sheets

__all__ = [
    "DECIDED_COLUMNS",
    "DECORATE_LIMIT",
    "PACKET_COLUMNS",
    "SHEET",
    "STYLE",
    "packet_frame",
    "packet_sheet",
    "unapplied",
    "write_packet",
]

SHEET = "增容审查"
DECORATE_LIMIT = 3000
#: 来源 … 企业名称 stay in view; verdict, reasons and the 说明 columns wrap; A3, printing who,
#: the verdict, its reason, what is missing and each condition's status.
STYLE = SheetStyle(
    freeze_columns=5,
    wrap=frozenset({"zengrong_reason", "missing", "relaxation", "meeting_review"}),
    paper="A3",
    print_columns=8 + len(CONDITIONS),
    heights_from_print=True,  # the long 说明 columns beyond do not stretch the printed rows
)

#: Canonical column → Chinese header, in sheet order: who, then the verdict, its reason, what is
#: missing and each condition's status (near the left, beside the frozen columns), then figures.
PACKET_COLUMNS: dict[str, str] = {
    "source_kind": "来源",
    "application_id": "申请编号",
    "township": "镇街",
    "parcel_id": "宗地代码",
    "enterprise_name": "企业名称",
    "zengrong": "总体结论",
    "zengrong_reason": "结论说明",
    "missing": "待核实事项",
    **{c: CONDITION_LABELS[c] for c in CONDITIONS},
    "uscc": "统一社会信用代码",
    "land_mu": "用地面积（亩）",
    "floor_area_m2": "现状建筑面积（平方米）",  # the 初审表's 「现状情况 2.建筑面积」 (real)
    "far": "现状容积率",
    "far_source": "容积率来源",
    "far_floor": "国家最低容积率",
    # the room left as the far layer heads it (the cap is the profile's far_cap)
    "headroom_m2": label("headroom_m2"),
    "headroom_target_m2": label("headroom_target_m2"),
    # why the room is 0 or unknown, or both figures where the readings of the floor area part
    "headroom_reason": label("headroom_reason"),
    "added_floor_m2": label("added_floor_m2"),
    "far_after": "实施后容积率",
    "tax_per_mu_now_wan": "上年度亩均税收（万元/亩）",
    # where the two differ (a tenant applying on a plot of several firms): each figure's basis
    "tax_per_mu_now_basis": label("tax_per_mu_now_basis"),
    "tax_per_mu_after_wan": "实施后亩均税收（万元/亩）",
    "tax_per_mu_after_basis": label("tax_per_mu_after_basis"),
    "relaxation": "联席会议放宽提示",
    "meeting_review": "提交联席会议审议放宽事项",
    "catalogue_edition": "产业目录版本",
    "as_of": "核查日期",
}

#: Shown after 总体结论 when a 增容条件人工认定表 was applied (``landgov far --overrides``).
DECIDED_COLUMNS: dict[str, str] = {
    "zengrong_computed": "计算总体结论",
    "override": "人工认定",
    "override_status": "人工认定状态",
    "override_by": "认定人及日期",
}

_FILLS = {
    "不符合": PatternFill("solid", fgColor="F8CBAD"),
    "不可申报": PatternFill("solid", fgColor="F8CBAD"),
    "待核实": PatternFill("solid", fgColor="FFE699"),
    "待承诺": PatternFill("solid", fgColor="BDD7EE"),
    "符合": PatternFill("solid", fgColor="C6EFCE"),
    "可申报": PatternFill("solid", fgColor="C6EFCE"),
}


def packet_frame(
    applications: pd.DataFrame | None = None,
    screened: pd.DataFrame | None = None,
    *,
    candidates_only: bool = True,
) -> pd.DataFrame:
    """Rows of the packet: applications first (来源 申请审查), then screened plots (摸排候选).

    Screened plots already covered by an application are left out (:func:`unapplied`, the
    rule the candidate 初审表 follow too); with ``candidates_only``
    plots that are 不可申报 are left out too. Columns are the keys of :data:`PACKET_COLUMNS`
    plus ``<condition>_note``.
    """
    notes = [f"{c}_note" for c in CONDITIONS]
    columns = [*PACKET_COLUMNS, *notes]
    given = [f for f in (applications, screened) if f is not None and len(f)]
    if any("override" in f.columns for f in given):  # 人工认定 beside the verdict it changed
        at = columns.index("zengrong") + 1
        columns[at:at] = list(DECIDED_COLUMNS)
    # only the packet's columns are carried through the filters: the others (long notes of
    # every condition part, geometry) would be copied by each selection for nothing
    keep = {*columns, "parcel_id", "zengrong", "township", "headroom_m2"}
    parts = []
    if applications is not None and len(applications):
        parts.append(_only(applications, keep).assign(source_kind="申请审查"))
    if screened is not None and len(screened):
        alone = unapplied(screened, applications)
        rows = _only(screened, keep).iloc[_candidate_order(screened, alone, candidates_only)]
        parts.append(rows.assign(source_kind="摸排候选"))
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(parts)
    return frame.reindex(columns=columns).reset_index(drop=True)


def unapplied(screened: pd.DataFrame, applications: pd.DataFrame | None) -> pd.Series:
    """Per screened plot: whether no application is on it (by 宗地代码), the plots that stand as
    摸排候选 in the packet and get a candidate 初审表 — one plot, one row, one form: a plot with
    an application is reviewed, and its form written, as the application's
    (:func:`packet_frame`, :func:`landgov.run.far` ``_write_forms``)."""
    if applications is None or not len(applications) or "parcel_id" not in applications:
        return pd.Series(True, index=screened.index)
    applied = set(applications["parcel_id"].dropna().astype(str))
    return ~screened["parcel_id"].astype(str).isin(applied)


def _candidate_order(screened: pd.DataFrame, alone: pd.Series, candidates_only: bool) -> np.ndarray:
    """Positions of the screened plots the packet lists (``alone``: no application on them,
    :func:`unapplied`), in its order (by 镇街 in 行政区划代码 order,
    :func:`~landgov.core.townnames.township_order`, then the largest headroom first): worked
    out on the few columns it reads, so that the long text columns are taken once, not copied
    by each filter and by the sort."""
    keep = alone.copy()
    if candidates_only:
        keep &= screened["zengrong"].ne(Eligibility.INELIGIBLE.value)
    positions = np.flatnonzero(keep.to_numpy())
    if "headroom_m2" not in screened:
        return positions
    order = township_order(screened["township"], screened["parcel_id"])
    keys = pd.DataFrame(
        {"township": order.positions(screened["township"]), "headroom_m2": screened["headroom_m2"]}
    ).iloc[positions]
    keys.index = positions
    return keys.sort_values(["township", "headroom_m2"], ascending=[True, False]).index.to_numpy()


def _only(frame: pd.DataFrame, keep: set[str]) -> pd.DataFrame:
    """The columns of ``frame`` named in ``keep``, as a plain DataFrame (no geometry)."""
    return pd.DataFrame(frame[[c for c in frame.columns if c in keep]])


def _decorate(ws: Worksheet, frame: pd.DataFrame) -> None:
    """Colour status cells and attach each condition's reasons as a comment (nothing to do on
    a packet with no plot: no candidate in the district, or none in the township asked for)."""
    n = len(frame)
    if not n:
        return
    status_cols = [*CONDITIONS, "zengrong"]
    for name in status_cols:
        j = frame.columns.get_loc(name) + 1
        letter = get_column_letter(j)
        rng = f"{letter}2:{letter}{n + 1}"
        for value, fill in _FILLS.items():
            ws.conditional_formatting.add(
                rng, CellIsRule(operator="equal", formula=[f'"{value}"'], fill=fill)
            )
        note = f"{name}_note"
        if note in frame:
            for i, text in enumerate(frame[note].tolist(), start=2):
                if isinstance(text, str) and text:
                    comment = Comment(cell_text(text).text, "landgov", width=360)
                    ws.cell(row=i, column=j).comment = comment  # the 说明 column reports fixes


def packet_sheet(frame: pd.DataFrame) -> SheetSpec:
    """The packet as a :class:`~landgov.reports.excel.SheetSpec` (for one load with others)."""
    labels = dict(PACKET_COLUMNS) | DECIDED_COLUMNS
    labels |= {f"{c}_note": f"{CONDITION_LABELS[c]}说明" for c in CONDITIONS}
    decorate = _decorate if len(frame) <= DECORATE_LIMIT else None
    return SheetSpec(frame, SHEET, labels=labels, style=STYLE, decorate=decorate)


def write_packet(frame: pd.DataFrame, path: str | Path) -> Written:
    """Write the packet as sheet 增容审查 into the workbook at ``path``.

    ``frame`` comes from :func:`packet_frame`. Other sheets of an existing workbook are kept;
    an older 增容审查 sheet is replaced. The ``<condition>_note`` columns are written after the
    overall verdict as 说明 columns.

    Returns
    -------
    Written
        The path and the cells whose text was cut or had characters replaced (report them as
        problem rows, e.g. with :meth:`~landgov.reports.excel.Written.problems`).
    """
    return write_sheets([packet_sheet(frame)], path)
