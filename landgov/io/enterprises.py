"""Read the enterprise table (亩均论英雄 data from 经信/税务).

Every row with a name or a code is kept, even when its 统一社会信用代码 is missing, masked or
wrong: the enterprise still counts in totals and lists, but it cannot be joined to parcels or
other records, so ``uscc_status`` says why and the problems table says what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from landgov.core.distinct import per_distinct_text
from landgov.core.missing import format_number, is_missing, numeric_column, present_values
from landgov.core.problems import ReadResult, Severity
from landgov.core.textkey import folded
from landgov.core.vocab import is_size_class, scale_is_above
from landgov.ids import USCCStatus, normalize_uscc
from landgov.io._codes import add_uscc_status, uscc_problem
from landgov.io._convert import blank_shown
from landgov.io.fields import ENTERPRISE_FIELDS, Kind, alias_hint
from landgov.io.tables import _parse_table, _ParsedTable

__all__ = ["read_enterprises", "scale_is_above"]


def _check_codes(table: _ParsedTable) -> None:
    """Add ``uscc_status``, normalise valid codes, and report every code that is not valid."""
    for pos, (value, status) in enumerate(zip(*add_uscc_status(table.frame), strict=True)):
        if status is USCCStatus.VALID or table.reasons[pos] is not None:
            continue
        problem, action = uscc_problem(value, status)
        table.note(
            pos,
            f"{problem}，不能用于关联，{action}",
            field="uscc",
            value=value,
            action="改正后重新读取；该企业已保留并计入总数，但在改正前无法与宗地等数据关联",
        )


def _check_duplicates(table: _ParsedTable) -> list[str]:
    """Flag repeated valid codes (``uscc_duplicate``); every row is kept."""
    frame = table.frame
    usable = (frame["uscc_status"] == USCCStatus.VALID.value) & pd.Series(
        [r is None for r in table.reasons], index=frame.index
    )
    codes = frame["uscc"].where(usable)
    dup = codes.notna() & codes.duplicated(keep=False)
    frame.insert(frame.columns.get_loc("uscc_status") + 1, "uscc_duplicate", dup.astype(bool))
    first_row: dict[str, int] = {}
    first_pos: dict[str, int] = {}
    first_name: dict[str, str | None] = {}
    names = present_values(frame["name"])
    for pos in (i for i, flag in enumerate(dup) if flag):
        code = frame["uscc"].iat[pos]
        if code not in first_row:
            first_row[code] = int(frame["source_row"].iat[pos])
            first_pos[code] = pos
            first_name[code] = names[pos]
            continue
        other, name = first_name[code], names[pos]
        differ = _counted_differences(table, first_pos[code], pos, first_row[code])
        if other is None or name is None or folded(other) == folded(name):
            table.note(
                pos,
                f"统一社会信用代码与第 {first_row[code]} 行重复{differ}",
                field="uscc",
                value=code,
                action="核对是否为同一企业的重复记录（两行均已保留）；如需合并请在源表中处理"
                + ("，并改正两行不一致的字段后重新运行" if differ else ""),
                severity=Severity.WARNING,
            )
            continue
        at = first_row[code]
        table.note(  # two enterprises under one code: one of the codes is wrong
            pos,
            f"统一社会信用代码与第 {at} 行重复，但企业名称不同（第 {at} 行「{other}」，"
            f"本行「{name}」），其中一行的代码可能填错；关联宗地时只有第 {at} 行参与，"
            f"本行企业的宗地会用上第 {at} 行的数据{differ}",
            field="uscc",
            value=code,
            action="在国家企业信用信息公示系统按名称查询两家企业的代码，改正填错的一行后重新运行"
            "（两行均已保留并计入总数）",
        )
    return sorted(first_row)


#: text fields the counts take from a firm's first row only (:func:`landgov.core.counts.
#: repeated_firm`: the grade counts and the 规上 sums count a repeated code once)
_COUNTED_TEXT = ("grade_given", "township")


def _counted_differences(table: _ParsedTable, first: int, pos: int, first_row: int) -> str:
    """「；评价等级不同（第 2 行「A」，本行「C」），…只采用第 2 行（本行不再计入）」 for each of
    ``_COUNTED_TEXT`` in which row ``pos`` differs from the code's first row ``first``
    (a blank on one row is no difference said here); empty when none differs."""
    frame, said = table.frame, []
    for name in _COUNTED_TEXT:
        if name not in table.columns or name not in frame.columns:
            continue
        a, b = present_values(frame[name].iloc[[first, pos]])
        if a is None or b is None or folded(str(a)).upper() == folded(str(b)).upper():
            continue
        said.append(f"{table.field_name(name)}不同（第 {first_row} 行「{a}」，本行「{b}」）")
    if not said:
        return ""
    return (
        f"；{'，'.join(said)}，无法确定哪一行正确：评价等级分档计数和规上企业合计只采用"
        f"第 {first_row} 行（本行不再计入）"
    )


#: the figures an enterprise is judged on: one value each, never one of two
_FIGURES = tuple(s for s in ENTERPRISE_FIELDS if s.kind is Kind.NUMBER)


def _figure_text(value: float) -> str:
    return f"{value:.15g}"


def _check_duplicate_figures(table: _ParsedTable, codes: list[str]) -> None:
    """One enterprise (one valid code) given twice with different figures: which figure is
    right cannot be told, so each figure that differs becomes missing on every row of that
    code (its indicators are then 待核实, never one of the two picked silently); an error
    row on the later row names both rows and values. Equal figures (a row given twice) stay."""
    frame = table.frame
    if not codes:
        return
    usable = pd.Series([r is None for r in table.reasons], index=frame.index)
    rows = frame["source_row"].tolist()
    for code in codes:
        positions = [i for i in range(len(frame)) if usable.iat[i] and frame["uscc"].iat[i] == code]
        for spec in _FIGURES:
            if spec.name not in table.columns:
                continue
            values = frame[spec.name].iloc[positions]
            seen = values.dropna()
            if seen.nunique() < 2 and not (len(seen) and values.isna().any()):
                continue
            shown = "；".join(
                f"第 {rows[p]} 行 {'空' if pd.isna(v) else _figure_text(float(v))}"
                for p, v in zip(positions, values.tolist(), strict=True)
            )
            for p in positions[1:]:
                table.note(
                    p,
                    f"同一企业（统一社会信用代码 {code}）出现在多行，"
                    f"{spec.label}不一致（{shown}），无法确定采用哪一个，已按缺失处理，"
                    "相关亩均指标为待核实",
                    field=spec.name,
                    value=frame[spec.name].iat[p],
                    action="在源表中核实该企业的数据，保留一行（或合并为一行）后重新运行",
                )
            frame.loc[frame.index[positions], spec.name] = float("nan")


def _check_scale(table: _ParsedTable) -> None:
    frame = table.frame
    has_scale = "scale" in table.columns
    if "above_scale" in frame.columns:
        # a file that carries the column this reader derives (landgov's own tables name it
        # above_scale): read it as the 规上/规下 column when there is no other, never keep two
        given = frame.pop("above_scale")
        if not has_scale:
            frame["scale"] = given.astype("object")
            has_scale = True
    values = per_distinct_text(scale_is_above, frame["scale"].tolist())
    frame.insert(
        frame.columns.get_loc("scale") + 1,
        "above_scale",
        pd.Series(values, index=frame.index, dtype="boolean"),
    )
    if not has_scale:
        table.log.add(
            "表中没有「规上/规下」列，无法区分规上、规下企业",
            action=f"补充该列，或{alias_hint('scale', '列名')}",
            severity=Severity.WARNING,
        )
        return
    table.note_unread(
        frame["scale"].tolist(),
        values,
        field="scale",
        blank="规上/规下未填写",
        unknown=_unknown_scale,
        action="填写「规上」或「规下」后重新读取（评价时按规上、规下分组）",
    )


def _unknown_scale(text: str) -> str:
    """Why a 规上/规下 cell was not read: a size class (「小型」) says how big a firm is, not
    whether it is 规模以上 (年主营业务收入 2000 万元及以上) — a 小型 firm may be either."""
    if is_size_class(text):
        return (
            f"「{text}」是企业规模（大中小微型，按营业收入和从业人员划分），不是规上/规下"
            "（规模以上工业企业指年主营业务收入 2000 万元及以上），两者不能换算，"
            "按规上/规下未知处理"
        )
    return f"无法识别的规上/规下「{text}」"


#: The figures that show a firm trading: beside them a 税收 of 0 is most often a blank cell
#: saved as 0 (the template asks for blanks, never 0, where a figure is missing).
_TRADING = ("revenue_wan", "value_added_wan")


def _check_zero_tax(table: _ParsedTable) -> None:
    """Warn of a 税收 of 0 beside a positive 营业收入 or 工业增加值: a firm that trades pays
    tax in most years, and a 0 is often a blank saved as 0. The 0 is kept as written (a firm
    may owe none: losses, exemptions, refunds); the warning asks for it to be checked, since
    a 0 puts the plot under every 亩均税收 threshold."""
    frame = table.frame
    if "tax_wan" not in frame.columns:
        return
    tax = numeric_column(frame, "tax_wan")
    figures = {c: numeric_column(frame, c) for c in _TRADING if c in frame.columns}
    trading = pd.Series(False, index=frame.index)
    for values in figures.values():
        trading |= values.gt(0)
    for pos in np.flatnonzero((tax.eq(0) & trading).to_numpy()):
        seen = "、".join(
            f"{table.field_name(c)} {format_number(v.iat[pos], thousands=True)}"
            for c, v in figures.items()
            if v.iat[pos] > 0
        )
        table.note(
            int(pos),
            f"税收为 0，而{seen}：如为空白被写成 0，亩均税收将按 0 计入低效判定",
            field="tax_wan",
            value=0,
            action="核实该企业税收；未知时留空（按待核实处理），确为 0 时保留",
            severity=Severity.WARNING,
        )


def _reject_unidentifiable(table: _ParsedTable) -> None:
    frame = table.frame
    names, codes = present_values(frame["name"]), frame["uscc"].tolist()
    spaces = table.filled_blank.get("name", {})
    for pos, (name, code) in enumerate(zip(names, codes, strict=True)):
        if name is None and not normalize_uscc(None if is_missing(code) else code):
            shown = blank_shown(spaces[pos]) if pos in spaces else None
            table.reject(
                pos, "既无企业名称也无统一社会信用代码，无法识别企业", field="name", value=shown
            )


def _note_blank_names(table: _ParsedTable) -> None:
    """A 提示 for each kept row whose 企业名称 the file filled with only spaces (「　」, tabs):
    read as blank, as a blank cell is (which gets no row: the code names the firm), but the
    file said something there, so it is shown rather than dropped silently."""
    for pos, text in table.filled_blank.get("name", {}).items():
        if table.reasons[pos] is None:
            table.note(
                pos,
                "企业名称只有空白字符，按未填写处理（该企业已保留，按统一社会信用代码识别）",
                field="name",
                value=blank_shown(text),
                action="在源表中填写企业名称后重新读取；名称确实不详时删去这些空白字符即可",
                severity=Severity.INFO,
            )


def read_enterprises(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> ReadResult:
    """Read an enterprise table (.xlsx/.xls/.csv) onto the canonical enterprise schema.

    Parameters
    ----------
    path
        The file, as received (title rows, two-row headers, units in cells are fine).
    sheet
        Sheet name or 0-based index; by default the sheet whose header matches best.
    aliases
        Extra column names per canonical field, e.g. ``{"tax_wan": ["实缴税费"]}``.

    Returns
    -------
    ReadResult
        ``data``: the fields of :data:`~landgov.io.fields.ENTERPRISE_FIELDS` (money in 万元,
        energy in tce, land in 亩 …), plus ``uscc_status`` (a :class:`~landgov.ids.USCCStatus`
        value), ``above_scale`` (nullable bool from 规上/规下), ``uscc_duplicate`` (the code occurs
        on another row too) and ``source_row`` (the Excel row number). Rows whose code is
        missing, masked or invalid are **kept** and flagged; only rows with neither name nor
        code (and totals/footnote rows) go to ``rejected``.
        ``meta["duplicate_uscc"]`` lists codes found on more than one row. Where such rows
        give different figures (税收 30 and 36, or 30 and blank), each figure that differs is
        missing on all of them, with an error naming the rows and values: which one is right
        cannot be told, so the indicators built on it are 待核实.

    Raises
    ------
    SchemaError
        No 统一社会信用代码 column (the message lists the columns seen and the fix).
    InputError
        A header but no data row (only totals or footnotes count as none).

    See Also
    --------
    landgov.io.tables.read_table : header detection, unit handling and row numbering.
    """
    table = _parse_table(
        path, specs=ENTERPRISE_FIELDS, sheet=sheet, aliases=aliases, role="enterprises"
    )
    table.require_rows(
        Path(path).name,
        what="企业",
        fix="确认选对了文件和工作表（导出时是否设置了筛选），补上企业数据后重新运行",
    )
    _reject_unidentifiable(table)
    _note_blank_names(table)
    _check_codes(table)
    table.meta["duplicate_uscc"] = _check_duplicates(table)
    _check_duplicate_figures(table, table.meta["duplicate_uscc"])
    _check_scale(table)
    _check_zero_tax(table)
    return table.result()
