"""Units a table states once for the whole sheet: 「单位：元」 over the header.

Counties often write the unit of every money column once — on its own row above the header
(``单位：元``), inside the title (``2023年企业亩均效益表（金额单位：元）``) or right-aligned over
the last column — and leave it out of the column headers. Read as the default 万元 such a
column would be 10,000 times too large, so a number column whose header has no unit takes the
unit stated for the sheet, and the problems table says so. A unit in the column's own header
wins; notes naming two different units for one column are not guessed between: the column is
read as missing, with an error naming both notes.

Where a note applies: one above the header applies to the whole sheet, but a unit alone in a
cell above a number column (a row 「元」「亩」 over 「税收」「用地面积」) to that column; one in a
header row applies to the number column it stands over (a group caption
「经济指标（单位：元）」 merged over the money columns), or to the whole sheet when it stands over
no number column (a row 「单位：元」 under the header, in column A). A 填表说明 row under the
header (set aside, not read as data) counts as a header row: its 「单位：元」 under 税收 is
税收's unit.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from openpyxl.utils import get_column_letter

from landgov.core.problems import ProblemLog, Severity
from landgov.io._convert import cell_text
from landgov.io._grid import _Grid
from landgov.io.fields import ColumnMatch, Kind
from landgov.io.numbers import is_unit, unit_factor

__all__ = ["apply_sheet_units"]

# 「单位：元」「金额单位：万元」「单位:万元、亩」「（单位：元）」: the text after 单位, to a bracket
_NOTE = re.compile(r"单位\s*[:：为]\s*(?P<units>[^）)\]】]+)")
_SPLIT = re.compile(r"[、,，;；\s]+|和|及")


def _note_units(text: str) -> list[str]:
    """The units a note cell names, in order (none when the cell is no unit note)."""
    units: list[str] = []
    for m in _NOTE.finditer(text):
        units += [u for u in _SPLIT.split(m.group("units")) if u and is_unit(u)]
    return units


@dataclasses.dataclass
class _Notes:
    """Units stated for the sheet and per column: unit → the cell that states it (A2)."""

    sheet: dict[str, str] = dataclasses.field(default_factory=dict)
    columns: dict[int, dict[str, str]] = dataclasses.field(default_factory=dict)


def _find_notes(
    grid: _Grid, header: tuple[int, int], number_columns: set[int], under: Sequence[int]
) -> _Notes:
    notes = _Notes()
    first, last = header
    for r in [*range(0, last + 1), *under]:
        found: dict[int, tuple[str, list[str]]] = {}
        for c, value in enumerate(grid.rows[r]):
            text = cell_text(value)
            if "单位" in text and (units := _note_units(text)):
                found[c] = (text, units)
            elif r < first and c in number_columns and is_unit(text):
                # a row of units above the field names (「元」 over 「税收」): that column's
                notes.columns.setdefault(c, {}).setdefault(
                    text, f"{get_column_letter(c + 1)}{grid.row_numbers[r]}"
                )
        over_numbers = {text for c, (text, _) in found.items() if c in number_columns}
        for c, (text, units) in found.items():
            where = f"{get_column_letter(c + 1)}{grid.row_numbers[r]}"
            if r < first or (c not in number_columns and text not in over_numbers):
                target = notes.sheet
            elif c in number_columns:
                target = notes.columns.setdefault(c, {})
            else:  # a merged group caption over number columns and others: the numbers'
                continue
            for unit in units:
                target.setdefault(unit, where)
    return notes


def apply_sheet_units(
    grid: _Grid,
    header: tuple[int, int],
    names: list[str],
    matches: Mapping[str, ColumnMatch],
    log: ProblemLog,
    *,
    under: Sequence[int] = (),
) -> tuple[dict[str, ColumnMatch], frozenset[str]]:
    """``matches`` with the unit the sheet states set on number columns whose header has none,
    and the canonical names of columns whose notes contradict each other (read as missing).

    ``under`` are grid rows below the header set aside as 填表说明 (「单位：元」 under 税收):
    their notes count as the header's. Each unit applied and each contradiction is a row of
    ``log``.
    """
    numbers = {
        names.index(m.source): name
        for name, m in matches.items()
        if m.field.kind is Kind.NUMBER and m.header_unit is None
    }
    out = dict(matches)
    if not numbers:
        return out, frozenset()
    notes = _find_notes(grid, header, set(numbers), under)
    blocked: set[str] = set()
    for c, name in numbers.items():
        match = matches[name]
        spec = match.field
        stated = notes.columns.get(c) or notes.sheet
        usable = {
            u: w
            for u, w in stated.items()
            if unit_factor(u, unit=spec.unit, floor_area=spec.floor_area) is not None
        }
        if not usable:
            continue
        factors = {unit_factor(u, unit=spec.unit, floor_area=spec.floor_area) for u in usable}
        shown = "、".join(f"「单位：{u}」（{w}单元格）" for u, w in usable.items())
        if len(factors) > 1:
            blocked.add(name)
            log.add(
                f"表中注明的单位相互矛盾：{shown}，无法确定「{match.source}」列的单位，"
                "该列数值全部按缺失处理",
                field=match.source,
                value=match.source,
                action=f"在该列表头中写明单位，如「{match.source}（元）」，并删去错误的单位说明后"
                "重新读取",
            )
            continue
        unit = next(iter(usable))
        out[name] = dataclasses.replace(match, header_unit=unit)
        log.add(
            f"「{match.source}」列表头未注明单位，按表中注明的{shown}读取（换算为{spec.unit}）",
            field=match.source,
            value=unit,
            action="如该列单位不同，请在表头中写明，如「税收（万元）」，后重新读取",
            severity=Severity.INFO if factors == {1} else Severity.WARNING,
        )
    return out, frozenset(blocked)
