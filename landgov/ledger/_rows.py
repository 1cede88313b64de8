"""The computed columns of the 治理台账, from a screening run."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from landgov.core.compare import measured, shown
from landgov.core.dates import parse_date
from landgov.core.missing import format_number, is_missing
from landgov.core.vocab import ScreeningStatus, shown_met
from landgov.efficiency import OUT_OF_SCOPE, out_of_scope_words
from landgov.ledger._layout import GRADE, PATH, REASONS
from landgov.run.results import ScreeningResult

__all__ = [
    "batch_date",
    "batch_parts",
    "computed_rows",
    "listed_by",
    "off_list_reason",
    "run_label",
]

#: How 最新批次 says the latest run listed the plot: 「2027-06-30 列入治理清单」.
_LISTED = "列入治理清单"


def _text(value: object) -> str | None:
    return None if is_missing(value) else str(value)


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else round(number, 4)


#: A plot without a grade that is not said to be outside the evaluation: its firm's data lack.
_NOT_GRADED = "待核实（无评价等级）"


def grade_text(grade: object, why: object) -> str | None:
    """The 评价等级 cell: the grade; for a plot of no grade why — outside the evaluation scope
    (:data:`~landgov.efficiency.OUT_OF_SCOPE`, 「不参评（非制造业）」,
    :func:`~landgov.efficiency.out_of_scope_words`), else 「待核实（无评价等级）」 (its firm's
    data lacking: any grade is possible) —, never a blank cell that says neither."""
    if not is_missing(grade):
        return str(grade)
    return out_of_scope_words(why) or _NOT_GRADED


def run_label(run: ScreeningResult) -> str:
    """How a run is named in the ledger: its reference date."""
    return run.as_of.isoformat() if run.as_of else str(run.folder.name)


def _column(frame: pd.DataFrame, name: str) -> list[object]:
    """``frame[name]`` as a list, ``None`` throughout when the run wrote no such column."""
    return frame[name].tolist() if name in frame else [None] * len(frame)


def computed_rows(run: ScreeningResult) -> pd.DataFrame:
    """One row per 治理清单 plot: the ledger's computed columns, keyed by 宗地代码."""
    gov = run.governance
    label = run_label(run)
    rows = pd.DataFrame(
        {
            "宗地代码": gov["parcel_id"].astype(str),
            "镇街": gov.get("township"),
            "权利人": gov.get("holder"),
            "面积（亩）": pd.to_numeric(gov.get("area_mu"), errors="coerce").round(2),
            "亩均税收（万元/亩）": pd.to_numeric(gov.get("tax_per_mu"), errors="coerce").round(2),
            GRADE: [
                grade_text(g, w)
                for g, w in zip(_column(gov, "grade"), _column(gov, OUT_OF_SCOPE), strict=True)
            ],
            PATH: gov.get("path"),
            REASONS: gov.get("reasons"),
            "政策依据": gov.get("citations"),
        }
    )
    rows["列入日期"] = run.as_of
    rows["最新批次"] = f"{label} {_LISTED}"
    return rows.astype(object).where(rows.notna(), None).reset_index(drop=True)


def batch_parts(text: object) -> tuple[dt.date | None, str]:
    """A 最新批次 cell (or a 状态变更记录 说明 landgov wrote) read as its date and what that run
    found: 「2027-06-30 列入治理清单」 → (2027-06-30, 「列入治理清单」); the date ``None`` when
    the text names none."""
    if is_missing(text):
        return None, ""
    label, _, said = str(text).strip().partition(" ")
    return parse_date(label), said.strip()


def batch_date(latest: object) -> dt.date | None:
    """The 基准日期 of the latest run merged into the plot's row, read from its 最新批次 cell
    whatever that run found (「2027-06-30 列入治理清单」, 「2027-06-30 不在治理清单」,
    「2027-06-30 待核实」, 「2027-06-30 底数清单中无此宗地」); ``None`` when the cell names no
    date."""
    return batch_parts(latest)[0]


def listed_by(latest: object) -> dt.date | None:
    """The 基准日期 of the run that last listed the plot, read from its 最新批次 cell
    (「2027-06-30 列入治理清单」, as :func:`computed_rows` writes it); ``None`` when the latest
    run did not list it (「2027-06-30 不在治理清单」), or names no date (a run folder without
    one). The workbook keeps it, so a ledger read again without a run knows it too."""
    day, said = batch_parts(latest)
    return day if said == _LISTED else None


#: The ledger's columns of where a plot is and whose it is, from a run's 底数清单.
_PLACE = {"镇街": "township", "权利人": "holder", "面积（亩）": "area_mu"}


def refreshed(row: dict[str, Any], parcel: pd.Series | None) -> dict[str, Any]:
    """``row`` with 亩均税收 and 等级 of the latest run (for a plot that left the list), and its
    镇街, 权利人 and 面积 from the run where the row has none: a row deleted from the returned
    ledger comes back with its status only (``_update``), and left without its 镇街 it would be
    counted under 镇街不明 in 镇街进度 while the run says where it lies."""
    if parcel is None:
        return row
    place = {
        name: _number(parcel.get(col)) if name == "面积（亩）" else _text(parcel.get(col))
        for name, col in _PLACE.items()
        if is_missing(row.get(name))
    }
    area = place.get("面积（亩）")
    if area is not None:
        place["面积（亩）"] = round(area, 2)  # as computed_rows rounds it
    figures = {
        "亩均税收（万元/亩）": _number(parcel.get("tax_per_mu")),
        GRADE: grade_text(parcel.get("grade"), parcel.get(OUT_OF_SCOPE)),
    }
    return row | place | figures


def off_list_reason(parcel: pd.Series | None, run: ScreeningResult) -> str:
    """Why a plot is no longer on the run's 治理清单, in words (the 销号 proposal's reason)."""
    label = run_label(run)
    if parcel is None:
        return (
            f"{label} 批次底数清单中没有此宗地（可能已分割、合并、注销或改变宗地代码），"
            "请核实后处理"
        )
    status = _text(parcel.get("screening_status"))
    if status == ScreeningStatus.UNKNOWN.value:
        parts = [f"{label} 批次筛查结果为「{status}」，缺数据，未判定是否达标"]
    elif not shown_met(status):  # no 筛查结论, or another word: not shown 达标 (不列入)
        said = f"为「{status}」" if status else "未填写"
        parts = [f"{label} 批次筛查结论{said}，不是「不列入」，未判定是否达标"]
    else:
        parts = [f"{label} 批次筛查结果为「{status}」，已不在治理清单"]
    tax = pd.to_numeric(parcel.get("tax_per_mu"), errors="coerce")
    param = run.low_efficiency_line
    if not pd.isna(tax):
        if param is not None and param.comparison and isinstance(param.value, int | float):
            # 5.01 reads 5.01, never 「5 万元/亩，已不在 ≤ 5 万元/亩 内」 (core.compare.shown)
            text = f"亩均税收 {shown(float(tax), param.value)} 万元/亩"
            if not param.compare(measured(float(tax))):
                text += f"，已不在低效门槛 {param.describe()}内"  # ends in 「）」: no blank
        else:
            text = f"亩均税收 {format_number(float(tax), digits=1)} 万元/亩"
        parts.append(text)
    verify = _text(parcel.get("to_verify"))
    if status == "待核实" and verify:
        parts.append(f"待核实：{verify}")
    return "；".join(parts)


def today() -> dt.date:
    """Today's date (one place, so tests can pass their own)."""
    return dt.date.today()
