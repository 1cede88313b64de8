"""Read the land–enterprise link table (地企关联): which enterprise uses which parcel, and how.

One parcel may hold its owner and several tenants; one enterprise may use several parcels
(docs/domain.md §2). A link is only usable on a valid 统一社会信用代码 and a 宗地代码, so rows
without them go to ``rejected`` with the reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from landgov.core.distinct import per_distinct_text
from landgov.core.missing import format_number, numeric_column
from landgov.core.problems import ReadResult, Severity
from landgov.core.textkey import folded
from landgov.ids import USCCStatus, check_parcel_code, listed_parcel_codes
from landgov.io._codes import add_uscc_status, standard_parcel_codes, uscc_problem
from landgov.io.fields import LINK_FIELDS
from landgov.io.numbers import is_missing
from landgov.io.tables import _parse_table, _ParsedTable

__all__ = ["RELATIONS", "read_links", "relation_of"]

RELATIONS: Mapping[str, str] = {
    "自有": "owner",
    "自用": "owner",
    "产权": "owner",
    "所有": "owner",
    "权利人": "owner",
    "业主": "owner",
    "出租方": "owner",  # the lessor of a plot it holds and lets out
    "出租人": "owner",
    "owner": "owner",
    "租用": "tenant",
    "承租": "tenant",
    "出租给": "tenant",
    "租赁": "tenant",
    "承租方": "tenant",
    "承租人": "tenant",
    "租户": "tenant",
    "tenant": "tenant",
}
"""Relation words as written by counties → ``owner`` / ``tenant``."""


def relation_of(value: object) -> str | None:
    """``owner``/``tenant`` for a relation word (自有, 租用 …), None when unknown or blank.

    Examples
    --------
    >>> relation_of("自有"), relation_of(" 承租 "), relation_of("出租方"), relation_of("借用")
    ('owner', 'tenant', 'owner', None)
    """
    if is_missing(value):
        return None
    text = folded(value).casefold()
    return RELATIONS.get(text)


def _check_codes(table: _ParsedTable) -> None:
    """A link needs a 宗地代码; one without is rejected. A link whose USCC is missing, masked or
    invalid is kept and said (an error): it cannot join the enterprise table, yet it says that
    an enterprise uses the plot, so the plot's totals are not known — linking counts it as a
    user whose figures are missing (:func:`landgov.link.link_parcels`), never leaves the other
    firms to decide the plot alone. A non-standard 宗地代码 is only warned about."""
    raw, statuses = add_uscc_status(table.frame)
    parcels = table.frame["parcel_id"].tolist()
    standard = standard_parcel_codes(parcels).tolist()  # these need no check
    for pos, (parcel, value, status) in enumerate(zip(parcels, raw, statuses, strict=True)):
        if table.reasons[pos] is not None:
            continue
        if not standard[pos] and is_missing(parcel):
            table.reject(pos, "宗地代码缺失，无法建立关联", field="parcel_id")
        elif status is not USCCStatus.VALID:
            problem, action = uscc_problem(value, status)
            table.note(
                pos,
                f"{problem}，无法与企业表关联；该行仍表示有企业使用此宗地，宗地的税收等合计按缺失处理"
                "（待核实）",
                field="uscc",
                value=value,
                action=action,
            )
        elif not standard[pos] and (codes := listed_parcel_codes(parcel)):
            table.note(
                pos,
                f"一行填了 {len(codes)} 个宗地代码（{'、'.join(codes)}），无法与宗地图层中的任何"
                "一宗关联；该企业在这些宗地上的用地未计入",
                field="parcel_id",
                value=parcel,
                action=f"每个宗地一行：拆成 {len(codes)} 行（使用面积按各宗地分别填写）后重新运行",
            )
        elif not standard[pos] and not (check := check_parcel_code(parcel)).ok:
            table.note(
                pos,
                f"{check.problem}；已按原样保留，请确认与宗地图层中的代码一致",
                field="parcel_id",
                value=parcel,
                action="核对宗地代码",
                severity=Severity.WARNING,
            )


def _check_relations(table: _ParsedTable) -> None:
    frame = table.frame
    given = frame["relation"].tolist()
    mapped = per_distinct_text(relation_of, given)
    frame["relation"] = pd.Series(mapped, index=frame.index, dtype="str")
    frame.insert(
        frame.columns.get_loc("relation") + 1,
        "relation_given",
        pd.Series(given, index=frame.index, dtype="str"),
    )
    if "relation" not in table.columns:
        return
    table.note_unread(
        given,
        mapped,
        field="relation",
        blank="关系未填写（自有/租用）",
        unknown=lambda text: f"无法识别的关系「{text}」（应为自有或租用）",
        action="填写「自有」或「租用」后重新读取",
    )


def _check_repeats(table: _ParsedTable) -> None:
    """Warn about a (宗地, 企业) pair given twice: both rows are kept in the table, and the link
    uses the first (:func:`landgov.link.link_parcels`, 「重复的地企关联」); where the two give
    different 使用面积 both figures are named, since the one used may be the wrong one."""
    frame = table.frame
    first: dict[tuple[str, str], int] = {}
    rows = frame["source_row"].tolist()
    area = (
        numeric_column(frame, "area_used_m2")
        if "area_used_m2" in frame
        else pd.Series(float("nan"), index=frame.index)
    ).tolist()
    for pos, key in enumerate(
        zip(frame["parcel_id"].tolist(), frame["uscc"].tolist(), strict=True)
    ):
        if table.reasons[pos] is not None:
            continue
        if key not in first:
            first[key] = pos
            continue
        one, this = area[first[key]], area[pos]
        row = int(rows[first[key]])
        said = f"宗地与企业的关联与第 {row} 行重复，关联只采用第 {row} 行"
        action = "删除重复的一行"
        if not (math.isnan(one) and math.isnan(this)) and one != this:
            said += (
                f"；两行的使用面积不同（第 {row} 行 {_area_text(one)}，本行 {_area_text(this)}）"
            )
            action = "核实哪一行的使用面积正确，删除另一行"
        table.note(
            pos, said, field="uscc", value=" / ".join(key), action=action,
            severity=Severity.WARNING,
        )  # fmt: skip


def _area_text(m2: float) -> str:
    return "未填" if math.isnan(m2) else f"{format_number(m2, thousands=True)} 平方米"


#: a header naming a share of the plot (使用比例, 占比, 份额 …): a column landgov does not read
_SHARE_HEADER = re.compile(r"比例|占比|份额|百分比|[%％]")


def _check_unread_shares(table: _ParsedTable) -> None:
    """A column of shares (「使用比例」 60 %, 40 %) is not read: a plot's land is shared by the
    使用面积 of each link, the rest among the users without one by ``linking.share_rule``
    (equal by default). Said once per column (警告), so that a county's shares are not
    replaced by an equal split in silence."""
    for name in table.meta.get("unmatched_columns") or ():
        if not _SHARE_HEADER.search(str(name)):
            continue
        table.log.add(
            f"列「{name}」像是各企业占用宗地的比例，landgov 不读取比例：宗地面积按「使用面积」"
            "列分给各企业，没有使用面积的企业按分摊规则（默认平均）分得宗地其余面积，本列的比例"
            "未被采用",
            field=str(name),
            action="把比例换算为使用面积（比例 × 宗地面积，单位平方米或亩）填入「使用面积」列后"
            "重新运行；各企业比例之和超过 100% 时先核实",
            severity=Severity.WARNING,
        )


def read_links(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> ReadResult:
    """Read a 地企关联 table (.xlsx/.xls/.csv).

    Parameters
    ----------
    path
        The file as received.
    sheet
        Sheet name or 0-based index; by default the sheet whose header matches best.
    aliases
        Extra column names per canonical field, e.g. ``{"relation": ["使用方式"]}``.

    Returns
    -------
    ReadResult
        ``data``: ``parcel_id``, ``uscc`` (valid codes only), ``uscc_status``, ``relation``
        (``owner`` from 自有/自用/产权, ``tenant`` from 租用/承租/出租给, else missing with a
        problem), ``relation_given`` (the text as written), ``area_used_m2`` (m², converted
        from 亩/公顷), ``source_row`` (the Excel row number). Rows with a missing, masked or
        invalid code, or without a 宗地代码, go to ``rejected`` with the reason.

    Raises
    ------
    SchemaError
        No 宗地代码 or no 统一社会信用代码 column.
    InputError
        A header and no data row under it.
    """
    table = _parse_table(path, specs=LINK_FIELDS, sheet=sheet, aliases=aliases, role="links")
    table.require_rows(
        Path(path).name,
        what="地企关联",
        fix="确认选对了文件和工作表（导出时是否设置了筛选），补上地企关联数据后重新运行；"
        "没有地企关联表时不给 --links，按权利人名称匹配企业",
    )
    _check_codes(table)
    _check_relations(table)
    _check_repeats(table)
    _check_unread_shares(table)
    return table.result()
