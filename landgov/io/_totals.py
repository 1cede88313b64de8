"""Check a table's 合计 row against the rows read.

A 合计/总计 row is not read as data (:mod:`landgov.io.tables`), but it is evidence: when the sum
of an additive column over the rows read differs from it by more than its rounding, rows may be
hidden, filtered out or deleted, or a number may be typed as text the reader could not read.
The user is told with one warning per column; a 合计 that agrees says nothing more.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pandas as pd

from landgov.core.listing import first_few
from landgov.core.missing import format_number, is_missing
from landgov.core.problems import ProblemLog, Severity
from landgov.io.fields import FieldSpec, Kind

__all__ = [
    "LABEL_CHARS",
    "TOTAL_WORDS",
    "TotalRows",
    "check_totals",
    "is_subtotal_label",
    "is_total_label",
]

ACTION_TOTAL = (
    "核对是否有隐藏、筛选或删除的行，或文本格式的数字；合计行本身有误时改正或删去该行后"
    "重新读取，确认无缺漏时无需处理"
)
#: units whose column adds up over the rows (not 容积率 or a percentage)
_ADDITIVE = frozenset({"万元", "m2", "亩", "tce", "t", "万kWh", "人"})
_UNIT_SHOWN = {"m2": "平方米", "tce": "吨标准煤", "t": "吨", "万kWh": "万千瓦时"}
#: the least difference that is said, in the canonical unit (0.01 万元, 0.01 亩 …)
_FLOOR = 0.01
_NUMBER = re.compile(r"\d[\d,]*(?:\.(\d*))?")
_SHOWN_ROWS = 8

#: The words that make a row a totals row (合计 first among them is matched longest first).
TOTAL_WORDS = ("总合计", "合计", "总计", "小计", "累计", "汇总", "共计")
_TOTAL_WORD = "(?:" + "|".join(TOTAL_WORDS) + ")"
# A totals label as counties write it: 合计, 全区合计, 本页小计, 总计（88家）, 合计：, 越城区合计,
# and the total of a part of the table under the part's name: a 镇街 (斗门街道小计, 马山镇 合计),
# an area (袍江开发区（小计）) or a group (规上企业小计).
_TOTAL_LABEL = re.compile(
    r"^(?:全[省市县区镇乡街]|本[页表]|各镇街"
    r"|(?P<part>(?:规上|规下)(?:工业)?(?:企业)?|[\u4e00-\u9fff]{1,15}?(?:街道|镇|乡))"
    r"|[\u4e00-\u9fff]{1,15}?(?:开发区|园区|片区|新区|区|县|市))?"
    rf"(?:{_TOTAL_WORD}|[（(]{_TOTAL_WORD}[)）])(?:[（(\[【].*|[:：].*|\d.*)?$"
    # the breakdown of the row above, as statistical tables write it under a 合计:
    # 「其中：规上企业」「其中:亩产效益A类」 — a part of the table, never an enterprise
    r"|^(?P<breakdown>其中)[:：]"
)
#: every character that can start a totals label's word (a fast first filter for readers)
LABEL_CHARS = "".join(sorted({c for word in (*TOTAL_WORDS, "其中") for c in word}))


def is_total_label(text: str) -> bool:
    """Whether a row's first filled cell labels a 合计/小计 row (blanks inside ignored).

    Examples
    --------
    >>> [is_total_label(t) for t in ("合计", "斗门街道 小计", "马山镇合计：", "越城区合计")]
    [True, True, True, True]
    >>> is_total_label("其中：规上企业")
    True
    >>> [is_total_label(t) for t in ("绍兴市合计纺织有限公司", "马山镇", "甲纺织有限公司")]
    [False, False, False]
    """
    return _TOTAL_LABEL.match(re.sub(r"\s+", "", text)) is not None


def is_subtotal_label(text: str) -> bool:
    """Whether a 合计/小计 label totals a part of the table only: 小计, or the total of one
    镇街 or group under its name (「马山镇合计」), never the whole table's 合计.

    An area above a 镇街 (越城区, 袍江开发区) may be the whole table: its 合计 is not called a
    part (several such rows leave the grand total unknown, and that is said).

    Examples
    --------
    >>> [is_subtotal_label(t) for t in ("小计", "马山镇 合计", "规上企业合计", "小  计")]
    [True, True, True, True]
    >>> is_subtotal_label("其中：规上企业")
    True
    >>> [is_subtotal_label(t) for t in ("合计", "全区合计", "越城区合计")]
    [False, False, False]
    """
    label = re.sub(r"\s+", "", text)  # 「小  计」 aligned with blanks is 小计
    m = _TOTAL_LABEL.match(label)
    return m is not None and (
        "小计" in label or m["part"] is not None or m["breakdown"] is not None
    )


@dataclass(frozen=True)
class TotalRows:
    """What :func:`check_totals` needs of a parsed table.

    ``labels`` is the first filled cell of each row (blank for a data row), ``totals`` the
    positions of the rows read as 合计/小计 rows, ``data`` the positions of the data rows,
    ``hidden`` the positions hidden in Excel/WPS and ``source_rows`` the Excel row numbers.
    """

    labels: Sequence[str]
    totals: Sequence[int]
    data: Sequence[int]
    hidden: frozenset[int]
    source_rows: Sequence[int]


def _half_step(raw: object, value: float) -> float:
    """Half of the last decimal place of a cell as written, in the canonical unit of ``value``
    (the 合计 1234.5 万元 → 0.05; 5465000 with a 元 header → 0.5 元 = 0.00005 万元)."""
    if isinstance(raw, bool):
        return 0.0
    if isinstance(raw, int | float):
        try:
            exponent = Decimal(repr(float(raw))).normalize().as_tuple().exponent
        except InvalidOperation:  # pragma: no cover - finite floats only
            return 0.0
        number, decimals = abs(float(raw)), max(0, -int(exponent))
    else:
        m = _NUMBER.search(str(raw))
        if m is None:
            return 0.0
        number = float(m.group(0).replace(",", ""))
        decimals = len(m.group(1) or "")
    if number == 0:
        return 0.0
    return 0.5 * 10.0**-decimals * abs(value) / number


def _grand_total(rows: TotalRows) -> tuple[int | None, str | None]:
    """The row holding the table's 合计, or None and why no comparison is made.

    One 合计/总计 row is the total, whatever 小计 rows (or a 镇街's 合计, :func:`is_subtotal_label`)
    stand between the detail rows (they are neither data nor compared); a single 小计 without a
    合计 is the total. Several 合计 rows,
    or several 小计 rows without a 合计, leave the total unknown: not compared, said.
    """
    subtotals = [p for p in rows.totals if is_subtotal_label(rows.labels[p])]
    grand = [p for p in rows.totals if p not in subtotals]
    if len(grand) == 1:
        return grand[0], None
    if not grand and len(subtotals) == 1:
        return subtotals[0], None
    shown = "、".join(f"第{rows.source_rows[p]}行" for p in rows.totals)
    if grand:
        return None, f"表中有 {len(grand)} 个合计/总计行（{shown}），不能确定哪一行是全表合计"
    return None, (
        f"表中有 {len(subtotals)} 个小计行（{shown}）而没有合计行，不能确定每个小计对应哪些明细行"
    )


def _rows_text(positions: Sequence[int], source_rows: Sequence[int]) -> str:
    return first_few((f"第{source_rows[p]}行" for p in positions), _SHOWN_ROWS, counted="行")


def check_totals(
    log: ProblemLog,
    rows: TotalRows,
    *,
    specs: Sequence[FieldSpec],
    values: Mapping[str, pd.Series],
    raw: Mapping[str, Sequence[object]],
    headers: Mapping[str, str],
    merged: frozenset[str] = frozenset(),
) -> None:
    """Compare the 合计 row with the sum of the data rows, column by column.

    Parameters
    ----------
    log
        Where a disagreement is written (one warning per column).
    rows
        The table's rows (:class:`TotalRows`).
    specs
        The canonical fields; only number fields of an additive unit are compared.
    values
        Converted values per canonical field, every row (the 合计 row converted like the rest:
        the same header unit, the same cell units).
    raw
        The cells as written per canonical field (for the 合计's rounding and unread text).
    headers
        The source header per canonical field read.
    merged
        Fields whose data cells were filled from a cell merged over several rows (the value
        repeats on each row, so their sum is not the 合计): not compared, said.
    """
    fields = [
        s for s in specs if s.kind is Kind.NUMBER and s.unit in _ADDITIVE and s.name in headers
    ]
    if not rows.totals or not fields:
        return
    total_row, why = _grand_total(rows)
    if total_row is None:
        if any(not pd.isna(values[s.name].iat[p]) for s in fields for p in rows.totals):
            log.add(
                f"{why}，未核对合计与明细行之和",
                row=rows.source_rows[rows.totals[-1]],
                action="如需核对是否缺行，保留一个全表合计行后重新读取；否则无需处理",
                severity=Severity.INFO,
            )
        return
    for spec in fields:
        total = values[spec.name].iat[total_row]
        if pd.isna(total):
            continue
        if spec.name in merged:
            log.add(
                f"「{headers[spec.name]}」列的明细行有跨行合并的单元格（同一数值填入多行），"
                "未核对合计与明细行之和",
                row=rows.source_rows[total_row],
                field=headers[spec.name],
                action="无需处理；如需核对，取消合并后重新读取",
                severity=Severity.INFO,
            )
            continue
        _compare(
            log, rows, spec, total=float(total), total_row=total_row, values=values, raw=raw,
            headers=headers,
        )  # fmt: skip


def _compare(
    log: ProblemLog,
    rows: TotalRows,
    spec: FieldSpec,
    *,
    total: float,
    total_row: int,
    values: Mapping[str, pd.Series],
    raw: Mapping[str, Sequence[object]],
    headers: Mapping[str, str],
) -> None:
    series = values[spec.name]
    detail = [float(series.iat[p]) for p in rows.data if not pd.isna(series.iat[p])]
    summed = math.fsum(detail)
    scale = max(abs(total), math.fsum(abs(v) for v in detail), 1.0)
    tolerance = max(_half_step(raw[spec.name][total_row], total), _FLOOR) + 1e-9 * scale
    if abs(total - summed) <= tolerance:
        return
    unit = _UNIT_SHOWN.get(spec.unit or "", spec.unit or "")
    header = headers[spec.name]

    def shown(x: float) -> str:
        return f"{format_number(x, digits=4)} {unit}"

    written = raw[spec.name][total_row]
    as_written = "" if format_number(total, digits=4) == str(written) else f"（表中写作 {written}）"
    notes = []
    conclusion = "可能有行未读入，或合计有误"
    # written but not read: a 「—」 is no value (core.missing), as the converter read it
    unread = [p for p in rows.data if pd.isna(series.iat[p]) and not is_missing(raw[spec.name][p])]
    if unread:
        notes.append(f"其中{_rows_text(unread, rows.source_rows)}该列有内容但未读出数值")
    hidden = [p for p in rows.data if p in rows.hidden]
    if hidden:
        visible = math.fsum(
            float(series.iat[p])
            for p in rows.data
            if p not in rows.hidden and not pd.isna(series.iat[p])
        )
        if abs(total - visible) <= tolerance:
            notes.append(
                f"合计等于未隐藏行之和，在 Excel/WPS 中隐藏（或被筛选隐藏）的"
                f"{_rows_text(hidden, rows.source_rows)}已读取但未计入合计"
            )
            conclusion = "请确认隐藏的行是否应参与评价"
        else:
            notes.append(f"表中有隐藏的行：{_rows_text(hidden, rows.source_rows)}（已读取）")
    log.add(
        f"合计行与明细行之和不一致：「{header}」合计 {shown(total)}{as_written}，"
        f"已读取的 {len(rows.data)} 行之和 {shown(summed)}，合计比行之和"
        f"{'多' if total > summed else '少'} {shown(abs(total - summed))}"
        + "".join(f"；{note}" for note in notes)
        + f"；{conclusion}",
        row=rows.source_rows[total_row],
        field=header,
        value=written,
        action=ACTION_TOTAL,
        severity=Severity.WARNING,
    )
