"""Fill in part of a 治理台账 as 镇街 staff would (模拟数据), for the demo and the notebook.

:func:`fill_ledger` opens a ledger written by ``landgov ledger init`` and types into it with
openpyxl, like a user in Excel or WPS: about half of the plots get a 责任单位, 责任人, 治理措施
(一地一企一方案, by path), 计划完成日期 (some as real dates, some typed as text such as
``2027年3月31日``), a 状态 and a 进展说明; a few are 已完成, fewer 已销号 with their 验收. Three
deliberate mistakes show what ``landgov ledger update`` does with them: an unknown status, a
计划完成日期 before the plot was listed, and a 已销号 without 验收依据.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import load_workbook

from landgov.core.editable import EDIT_MARK
from landgov.ledger._layout import PATH
from landgov.sample._words import GIVEN_CHARS, SURNAMES

__all__ = ["fill_ledger"]

_MEASURES = {
    "整治提升": "一地一企一方案：约谈企业，制定技改计划，提高亩均税收至 5 万元/亩以上",
    "拆除重建": "一地一企一方案：纳入有机更新单元，拆除老旧厂房后按标准地出让",
    "功能转型": "一地一企一方案：引导转型为科创或生产性服务业用途",
    "关停退出": "一地一企一方案：依法关停，收回土地使用权",
}
_PLANS = (dt.date(2027, 3, 31), dt.date(2027, 9, 30), dt.date(2027, 12, 31), dt.date(2028, 6, 30))
_PLANS_P = (0.2, 0.3, 0.3, 0.2)  # about one in five plans falls due before the 2027 update
_STATUS = ("未启动", "推进中", "已完成", "已销号")
_STATUS_P = (0.15, 0.55, 0.22, 0.08)
_PROGRESS = {
    "未启动": "已摸排，待约谈企业",
    "推进中": "已约谈企业，方案编制中",
    "已完成": "整治完成，待验收",
    "已销号": "验收通过，已销号",
}


def _name(rng: np.random.Generator) -> str:
    given = "".join(rng.choice(list(GIVEN_CHARS), size=int(rng.integers(1, 3))))
    return str(rng.choice(list(SURNAMES))) + given


def _values(
    rng: np.random.Generator, town: str, path: str, k: int, *, can_close: bool
) -> dict[str, Any]:
    status = str(rng.choice(_STATUS, p=_STATUS_P))
    if status in {"已完成", "已销号"} and not can_close:
        status = "推进中"
    plan = _PLANS[int(rng.choice(len(_PLANS), p=_PLANS_P))]
    values: dict[str, Any] = {
        "责任单位": f"{town}经济发展办公室",
        "责任人": _name(rng),
        "治理措施": _MEASURES.get(path, "一地一企一方案：待定"),
        "计划完成日期": plan if k % 3 else f"{plan.year}年{plan.month}月{plan.day}日",
        "状态": status,
        "进展说明": _PROGRESS[status],
    }
    if status == "已销号":
        day = dt.date(2027, 5, int(rng.integers(1, 29)))
        values |= {"验收日期": day, "验收依据": f"{town}工业用地整治验收纪要〔2027〕{k % 40 + 1}号"}
    return values


def fill_ledger(
    path: str | Path,
    *,
    seed: int = 2027,
    share: float = 0.5,
    closing: Collection[str] | None = None,
) -> dict[str, Any]:
    """Type values into ``share`` of the ledger's rows and save the file in place.

    ``closing``: the plots whose 整治 really succeeded (e.g. those the next run no longer
    lists); only they are marked 已完成 or 已销号. ``None``: any plot may be.

    Returns
    -------
    dict
        ``filled`` (宗地代码 of the rows filled in) and ``mistakes`` ({kind: 宗地代码}).
    """
    rng = np.random.default_rng(seed)
    wb = load_workbook(path)
    ws = wb["治理台账"]
    col = {str(c.value).replace(EDIT_MARK, ""): c.column for c in ws[1] if c.value}
    filled = []
    for r in range(2, ws.max_row + 1):
        if rng.random() >= share:
            continue
        town = str(ws.cell(r, col["镇街"]).value or "")
        path_name = str(ws.cell(r, col[PATH]).value or "")
        code = str(ws.cell(r, 1).value)
        can_close = closing is None or code in closing
        values = _values(rng, town, path_name, len(filled), can_close=can_close)
        for name, value in values.items():
            ws.cell(r, col[name]).value = value
        filled.append(code)
    mistakes = _mistakes(ws, col, filled)
    wb.save(path)
    return {"filled": filled, "mistakes": mistakes}


def _mistakes(ws: Any, col: dict[str, int], filled: list[str]) -> dict[str, str]:
    rows = {str(ws.cell(r, 1).value): r for r in range(2, ws.max_row + 1)}
    picks = filled[:3]
    kinds = ("状态不是可选值", "计划完成日期早于列入日期", "已销号缺验收依据")
    for code, kind in zip(picks, kinds, strict=False):
        r = rows[code]
        if kind == "状态不是可选值":
            ws.cell(r, col["状态"]).value = "基本完成"
        elif kind == "计划完成日期早于列入日期":
            ws.cell(r, col["计划完成日期"]).value = "2025-12-31"
        else:
            ws.cell(r, col["状态"]).value = "已销号"
            ws.cell(r, col["验收日期"]).value = dt.date(2027, 5, 20)
            ws.cell(r, col["验收依据"]).value = None
    return dict(zip(kinds, picks, strict=False))
