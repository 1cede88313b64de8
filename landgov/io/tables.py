"""Read spreadsheet tables (.xlsx, .csv) as staff receive them.

Files from 经信/税务 come as they are: a title row above the header, a two-row header (merged
group cells over field names, or ``税收`` over ``（万元）``), Chinese column aliases, numbers typed
with units. :func:`read_table` finds the header, maps columns onto a canonical schema
(:mod:`landgov.io.fields`), converts every canonical field by its kind and records every change
or doubt in the problems table. Nothing is dropped: unmatched columns are kept, rows that cannot
be used go to ``rejected`` with a reason.

Row numbers
-----------
``source_row`` (and the ``row`` of each problem) is the row number **as the user sees it in
Excel**: 1-based and counting the title and header rows, so ``source_row == 5`` is the row
labelled 5 in Excel/WPS. For CSV it is the 1-based line number where the record starts.

Steps, each a private function: load the grid (:mod:`landgov.io._grid`), locate the header
(:func:`_locate_header`), name the columns (:func:`_column_names`), map them, convert the
values (:func:`convert_values`), and split off rows that are not data (totals, footnotes,
repeated headers).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.utils import get_column_letter

from landgov.core.dates import latest_name, unread_name
from landgov.core.listing import first_few
from landgov.core.missing import is_missing
from landgov.core.problems import ProblemLog, ReadResult, Severity
from landgov.errors import InputError, Issue, SchemaError
from landgov.ids import normalize_code
from landgov.io._convert import (
    ACTION_CHECK,
    as_series,
    cell_text,
    convert_values,
    is_blank,
    latest_cells,
    resolve_header_unit,
    unread_cells,
)
from landgov.io._grid import _SAVE_AS_UTF8, _Grid, _load
from landgov.io._sheetunits import apply_sheet_units
from landgov.io._totals import LABEL_CHARS, TotalRows, check_totals, is_total_label
from landgov.io.encoding import garbled_names
from landgov.io.fields import (
    ColumnMatch,
    FieldSpec,
    Kind,
    alias_hint,
    map_columns,
    repeated_header,
    report_conflicts,
    year_caption,
)
from landgov.io.numbers import is_unit

__all__ = ["read_table"]

_HEADER_SCAN_ROWS = 20
_FOOTNOTE = re.compile(
    r"^(注|备注|说明|数据来源|资料来源|填报|填表|制表|审核|复核|经办人|统计人|联系人|联系电话|"
    r"单位负责人|负责人)\S*[:：]|^注\s*\d?[.、:：]"
)
_FOOTNOTE_REASON = "表尾说明行，不作为数据读取"
# a cell of the line between the title and the header that says who filed the table and in
# what unit (「填报单位（盖章）：越城区经信局」「填报日期：」「制表：」「单位：万元」): metadata,
# never a group caption (a caption with a unit in it, 「经济指标（单位：元）」, is one)
_TABLE_META = re.compile(rf"{_FOOTNOTE.pattern}|^[（(]?\s*(?:金额|计量|数量)?单位\s*[:：为]")
# the numbered items of a 注/备注 block, each on a row of its own: 「2.」「3、」「（1）」「②」
_NOTE_ITEM = re.compile(
    r"^(?:[（(]\s*)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.．、:：)）]|^[①-⑳]"
)
# words of a 填表说明 row under the header: 「填写18位代码」「单位：万元」「示例」「如：2021-03-05」
_INSTRUCTION = re.compile(
    r"填写|填报|请填|请选|请输入|单位[:：]|示例|样例|例[:：如]|^例$|说明|格式|必填|选填|位代码|"
    r"保留.{0,3}小数|下拉|^如[:：]|yyyy|不含|精确到|按.{0,6}填",
    re.IGNORECASE,
)
_EXAMPLE = re.compile(r"示例|样例|举例")
_CODE_LIKE = re.compile(r"^[0-9A-Za-z*\-_]{6,}$")
#: how many rows under the header are looked at for 填表说明 (a template has one or two)
_INSTRUCTION_ROWS = 3
_BRACKETED = re.compile(r"^[\(（\[【](?P<inner>.*)[\)）\]】]$")
_TOTAL_REASON = "合计/小计行，不作为数据读取"
#: A row of one cell numbered as an outline heading, 「一、斗门街道」「（二）规下企业」: the
#: heading of a group of rows (no firm's code or name begins so)
_GROUP_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十]+[）)])"
)
_GROUP_REASON = "分组标题行（如「一、斗门街道」），不作为数据读取"
#: a 镇街's name alone (「斗门街道」「马山镇」): a firm's name never ends so
_TOWNSHIP_NAME = re.compile(r"^[\u4e00-\u9fff]{1,10}(?:街道|镇|乡)$")
_PLAIN_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+$")
#: digits from which a number is a code (统一社会信用代码, 宗地代码), not an amount
_CODE_DIGITS = 15
_TOWNSHIP_SUBTOTAL = (
    "镇街小计行（只有镇街名称和数字，没有企业名称和代码），不作为数据读取，也不与合计行比较"
)
_ROW_NUMBERING = "source_row 与问题表的 row 均为 Excel 中看到的行号（从 1 起，含标题行和表头行）"


# ---------------------------------------------------------------------------------------------
# Header


class _Matcher:
    """Which canonical field a header text names (same rules as :func:`map_columns`)."""

    def __init__(self, specs: Sequence[FieldSpec], aliases: Mapping[str, Iterable[str]] | None):
        self.specs = tuple(specs)
        self.aliases = aliases
        self._cache: dict[str, str | None] = {}

    def __call__(self, text: str) -> str | None:
        if not text:
            return None
        if text not in self._cache:
            matches, _, _ = map_columns([text], self.specs, aliases=self.aliases)
            self._cache[text] = next(iter(matches), None)
        return self._cache[text]

    def score(self, grid: _Grid, r: int) -> int:
        return len({m for v in grid.rows[r] if (m := self(cell_text(v))) is not None})

    def best_score(self, grid: _Grid) -> int:
        return max(
            (self.score(grid, r) for r in range(min(len(grid.rows), _HEADER_SCAN_ROWS))), default=0
        )

    def sheet_rank(self, grid: _Grid) -> tuple[bool, int]:
        """How well a sheet fits: does a header row name every required field, then how many
        known fields its best row names (sheets are compared on this pair)."""
        required = {s.name for s in self.specs if s.required}
        complete = any(
            required <= {m for v in grid.rows[r] if (m := self(cell_text(v))) is not None}
            for r in range(min(len(grid.rows), _HEADER_SCAN_ROWS))
        )
        return complete, self.best_score(grid)


def _unit_like(text: str) -> bool:
    m = _BRACKETED.match(text)
    return bool(m) or is_unit(text)


def _is_group_row(grid: _Grid, above: int, header: int) -> bool:
    """A row of group captions (merged or blank-separated) over the row of field names."""
    values = [v for v in grid.rows[above] if not is_blank(v)]
    texts = {cell_text(v) for v in values}
    if len(texts) < 2 or any(
        not isinstance(v, str) and year_caption(cell_text(v)) is None for v in values
    ):  # a number is data, but for a year over its figures (「2024年」 typed as 2024)
        return False
    if all(_TABLE_META.search(cell_text(v)) for v in values):  # 填报单位 … 单位：元: metadata
        return False
    merged = any(r0 <= above <= r1 and (c1 > c0 or r1 >= header) for r0, c0, r1, c1 in grid.merges)
    blank_over_name = any(
        is_blank(grid.cell(above, c)) and not is_blank(grid.cell(header, c))
        for c in range(grid.width)
    )
    return merged or blank_over_name


def _is_year_row(grid: _Grid, r: int) -> bool:
    """A row of years under a caption (「税收（万元）」 over 「2023年」「2024年」): two or more
    different years, typed as text or as numbers, in cells naming nothing else."""
    years = {year_caption(cell_text(v)) for v in grid.rows[r] if not is_blank(v)}
    return len(years - {None}) >= 2


def _is_continuation(grid: _Grid, header: int, below: int, match: _Matcher) -> bool:
    """A second header row: units (``（万元）``), field names or the years of a caption
    (:func:`_is_year_row`) under the header row."""
    changed = False
    years = _is_year_row(grid, below)
    for c in range(grid.width):
        value = grid.cell(below, c)
        if is_blank(value):
            continue
        top, bottom = cell_text(grid.cell(header, c)), cell_text(value)
        if years and year_caption(bottom) is not None:
            changed = True
            continue
        if not isinstance(value, str):
            return False
        if bottom == top:
            continue
        joined = re.search(r"\w", bottom) is not None and match(top + bottom)
        if not (_unit_like(bottom) or match(bottom) or joined):  # "." is data, not a header
            return False
        changed = True
    return changed


def _locate_header(grid: _Grid, match: _Matcher) -> tuple[int, int] | None:
    """``(first, last)`` grid rows of the header, or None when no row names a known field."""
    scores = [match.score(grid, r) for r in range(min(len(grid.rows), _HEADER_SCAN_ROWS))]
    if not scores or max(scores) == 0:
        return None
    best = scores.index(max(scores))
    first = best - 1 if best > 0 and _is_group_row(grid, best - 1, best) else best
    if best + 1 < len(grid.rows) and _is_continuation(grid, best, best + 1, match):
        return first, best + 1  # group captions, field names and units: three rows
    return first, best


def _join_header(top: str, bottom: str, match: _Matcher) -> str:
    if top and bottom and _unit_like(top) and not _unit_like(bottom):
        top, bottom = bottom, top  # 「元」 over 「税收」: a row of units above the field names
    if not bottom or bottom == top:
        return top
    if not top:
        return bottom
    m = _BRACKETED.match(bottom)
    if m or is_unit(bottom):
        return f"{top}（{m.group('inner') if m else bottom}）"
    if match(bottom):
        return bottom
    if match(top + bottom):
        return top + bottom
    return f"{top}/{bottom}"


def _used_width(grid: _Grid, first: int) -> int:
    """Columns up to the last one with any value from the header down (trailing blanks cut)."""
    values = 0
    for row in grid.rows[first:]:  # each row from its end, down to the widest seen so far
        for c in range(len(row) - 1, values - 1, -1):
            if not is_blank(row[c]):
                values = c + 1
                break
    return max([values] + [c + 1 for r, c in grid.formulas if r >= first])


def _column_names(grid: _Grid, first: int, last: int, match: _Matcher, width: int) -> list[str]:
    """One unique name per column; the rows of a header are joined top down (see
    :func:`_join_header`)."""
    names: list[str] = []
    seen: set[str] = set()
    years = last > first and _is_year_row(grid, last)
    years_over = last > first and _is_year_row(grid, first)
    caption = ""  # the caption over the years left of here (see below)
    held = ""  # the year over the figures left of here, in a top row of years
    for c in range(width):
        name = cell_text(grid.cell(first, c))
        if years_over:  # a year typed once over its figures, the cells right of it blank
            held = name if year_caption(name) is not None else "" if name else held
            name = name or held
        for r in range(first + 1, last + 1):
            bottom = cell_text(grid.cell(r, c))
            year = year_caption(bottom) if years and r == last else None
            if year is None:
                caption = caption if r < last else ""
                above = year_caption(name) if bottom else None
                # 「2024年」 over 「税收（万元）」: the same header as the other way round
                name = f"{above}年{bottom}" if above else _join_header(name, bottom, match)
                continue
            # 「税收（万元）」 over 「2024年」: the header of that year's figure; a year under a
            # blank takes the caption of the year left of it (「跨列居中」: typed once over
            # its years, the cells not merged)
            caption = name or caption
            name = f"{year}年{caption}" if caption else bottom
        name = name or f"未命名列{get_column_letter(c + 1)}"
        if name in seen:
            name = repeated_header(name, f"{get_column_letter(c + 1)}列")
        seen.add(name)
        names.append(name)
    return names


# ---------------------------------------------------------------------------------------------
# Values


# ---------------------------------------------------------------------------------------------
# Rows that are not data


def _field_words(matches: Mapping[str, ColumnMatch], names: list[str]) -> dict[int, list[str]]:
    """Each mapped column's other names for its field (its key, label and aliases, as written
    and upper-cased): what a second header row under the Chinese one holds (「TYSHXYDM」
    under 「统一社会信用代码」, as a system export writes its field codes)."""
    words: dict[int, list[str]] = {}
    for m in matches.values():
        spec = m.field
        forms = {spec.name, spec.label, *spec.aliases}
        words[names.index(m.source)] = sorted(forms | {f.upper() for f in forms})
    return words


_REPEATED_HEADER = "重复的表头行，不作为数据读取"


def _one_cell_reason(text: str) -> str | None:
    """Why a row whose only filled cell is ``text`` is no data: a footnote (「注：…」) or an
    outline group heading (「一、斗门街道」); ``None``: a row with one cell filled is data."""
    if _FOOTNOTE.match(text):
        return _FOOTNOTE_REASON
    return _GROUP_REASON if _GROUP_HEADING.match(text) else None


def _township_row(filled: Sequence[str]) -> str | None:
    """Why a row of a 镇街's name and nothing but numbers is no data: the heading over the
    township's firms (the name alone) or their subtotal (the name and its sums, no 小计 word).
    A firm's row has its name or code beside a township name; this one has neither — a
    number of 15 digits or more is a code (a credit code may be all digits:
    913304007429141869), never a sum."""
    if not _TOWNSHIP_NAME.match(re.sub(r"\s+", "", filled[0])):
        return None
    if not all(
        _PLAIN_NUMBER.match(t.strip()) and sum(ch.isdigit() for ch in t) < _CODE_DIGITS
        for t in filled[1:]
    ):
        return None
    return _GROUP_REASON if len(filled) == 1 else _TOWNSHIP_SUBTOTAL


def _repeats_header_row(cells: Sequence[str], header_rows: Sequence[Sequence[str]]) -> bool:
    """Whether ``cells`` are a row of the header band again: two filled cells or more, each the
    text the header row has in its column (the group captions over the field names, 「基本信息」
    「经济指标」, of tables pasted one under another, each with its own two-row header)."""
    filled = [(c, t) for c, t in enumerate(cells) if t]
    return len(filled) >= 2 and any(
        all(c < len(row) and row[c] == t for c, t in filled) for row in header_rows
    )


def _structural_reason(
    cells: list[str],
    header_names: Mapping[int, str],
    field_words: Mapping[int, Sequence[str]] | None = None,
    header_rows: Sequence[Sequence[str]] = (),
) -> str | None:
    """Totals, footnotes and repeated header rows (the header again, any row of its band, or
    the fields' codes under it): kept in ``rejected``, never read as data."""
    filled = [t for t in cells if t]
    if not filled:  # only formula cells without a stored result: a data row, values missing
        return None
    if is_total_label(filled[0]):
        return _TOTAL_REASON
    alone = _one_cell_reason(filled[0]) if len(filled) == 1 else None
    if (alone := alone or _township_row(filled)) is not None:
        return alone
    need = max(2, (len(header_names) + 1) // 2)
    same = sum(1 for c, name in header_names.items() if c < len(cells) and cells[c] == name)
    if (header_names and same >= need) or _repeats_header_row(cells, header_rows):
        return _REPEATED_HEADER
    words = field_words or {}
    named = sum(1 for c, w in words.items() if c < len(cells) and cells[c] and cells[c] in w)
    if header_names and named >= need:
        return "表头下的字段名或字段代码行（如系统导出的 TYSHXYDM、QYMC），不作为数据读取"
    return None


def _structural_reasons(
    texts: list[list[str]],
    header_names: Mapping[int, str],
    field_words: Mapping[int, Sequence[str]] | None = None,
    header_rows: Sequence[Sequence[str]] = (),
) -> list[str | None]:
    """:func:`_structural_reason` of every row, asked only for the rows that can have one.

    A column-wise pass finds the candidates (a first filled cell with a character of a
    合计-type word, a single filled cell, or enough cells equal to their header); the rule
    itself stays in :func:`_structural_reason`.
    """
    reasons: list[str | None] = [None] * len(texts)
    if not texts or not texts[0]:
        return [_structural_reason(t, header_names, field_words, header_rows) for t in texts]
    cells = np.empty((len(texts), len(texts[0])), dtype=object)
    cells[:] = texts
    filled = cells != ""
    count = filled.sum(axis=1)
    first = cells[np.arange(len(texts)), filled.argmax(axis=1)]
    maybe = pc.match_substring_regex(pa.array(first, pa.string()), f"[{LABEL_CHARS}]").to_numpy(
        False
    )
    maybe |= count == 1
    maybe |= pc.match_substring_regex(pa.array(first, pa.string()), "(?:街道|镇|乡)$").to_numpy(
        False
    )
    if header_names:
        need = max(2, (len(header_names) + 1) // 2)
        same = sum(cells[:, c] == name for c, name in header_names.items())
        maybe |= same >= need
        words = field_words or {}
        named = sum(np.isin(cells[:, c], list(w)) for c, w in words.items() if c < cells.shape[1])
        maybe |= np.asarray(named) >= need
    width = cells.shape[1]
    for band in header_rows:  # a row of the header band again: every filled cell as in it
        row = np.array([*band[:width], *[""] * (width - len(band))], dtype=object)
        maybe |= ((cells == row) | ~filled).all(axis=1) & (count >= 2)
    for i in np.flatnonzero(maybe & (count > 0)).tolist():
        reasons[i] = _structural_reason(texts[i], header_names, field_words, header_rows)
    _note_items(texts, count, first, reasons)
    return reasons


def _section_titles(texts: Sequence[Sequence[str]], reasons: list[str | None]) -> None:
    """The row of one filled cell right above a repeated header (「马山街道亩均效益企业名单」
    over the second of two lists pasted one under another) is that list's title, as the rows
    above the first header are: set its ``reasons``. Only that one row: above it, and anywhere
    else, a row of one cell is data (a firm with only its name or code filled)."""
    for i in range(1, len(reasons)):
        above = i - 1
        if (
            reasons[i] == _REPEATED_HEADER
            and reasons[above] is None
            and sum(1 for t in texts[above] if t) == 1
        ):
            reasons[above] = _SECTION_TITLE


_SECTION_TITLE = "分段标题行（其下是重复的表头，如几份名单上下拼接），不作为数据读取"


def _note_items(
    texts: list[list[str]], count: np.ndarray, first: np.ndarray, reasons: list[str | None]
) -> None:
    """The numbered items under a 「备注：1.……」 row, one to a row (「2.……」「（3）……」), are the
    same footnote, not rows without a name or code: each is a footnote row too. Only rows of
    one filled cell that begins with an item number count, and only while the block runs (an
    item numbered 「一、」 is a note here, not a group heading)."""
    for i in range(1, len(texts)):
        if (
            reasons[i] in (None, _GROUP_REASON)
            and reasons[i - 1] == _FOOTNOTE_REASON
            and count[i] == 1
            and _NOTE_ITEM.match(first[i])
        ):
            reasons[i] = _FOOTNOTE_REASON


def _instruction_rows(
    cells: list[list[object]],
    texts: list[list[str]],
    *,
    names: list[str],
    matches: Mapping[str, ColumnMatch],
    reasons: list[str | None],
    source_rows: list[int],
    log: ProblemLog,
) -> None:
    """填表说明 rows right under the header (「填写18位代码」「单位：万元」「示例」): set their
    reason in ``reasons`` (not read as data, one warning row each) when no cell holds a key
    and most filled cells are instructions or text a number/date column cannot read. A row
    with instruction words but a key (a 示例 row with a real-looking code) is kept as data
    and flagged: a data row is never dropped on a guess."""
    for pos in range(min(_INSTRUCTION_ROWS, len(cells))):
        if reasons[pos] is not None:
            continue
        words, bad, key = _instruction_cells(cells[pos], texts[pos], names, matches)
        filled = sum(1 for t in texts[pos] if t)
        shown = " | ".join(t for t in texts[pos] if t)
        if not words or (key and words < 2 and not _EXAMPLE.search(shown)):
            return  # the first data row (a 问题描述 may say 填报): the rows under it are data
        if not key and 2 * (words + bad) >= filled:
            reason = f"第{source_rows[pos]}行像是填表说明，未作为数据读取"
            reasons[pos] = reason
            log.add(
                reason,
                row=source_rows[pos],
                value=shown,
                action="如果这一行是数据，请删去其中的说明文字后重新读取",
                severity=Severity.WARNING,
            )
            continue
        log.add(
            f"第{source_rows[pos]}行含填表说明或示例字样（{shown[:60]}），已作为数据读取，请核实",
            row=source_rows[pos],
            value=shown,
            action="如果这一行是说明或示例，请在源表中删除该行后重新读取",
            severity=Severity.WARNING,
        )
        return


def _instruction_cells(
    cells: list[object], texts: list[str], names: list[str], matches: Mapping[str, ColumnMatch]
) -> tuple[int, int, bool]:
    """(cells with instruction words or a unit alone, number/date cells that do not read,
    whether a code column holds something code-like) of one row."""
    words = sum(1 for t in texts if t and (_INSTRUCTION.search(t) or is_unit(t)))
    bad, key = 0, False
    for m in matches.values():
        c = names.index(m.source)
        if not texts[c]:
            continue
        kind = m.field.kind.value
        if kind == "code":
            key = key or bool(_CODE_LIKE.match(unicodedata.normalize("NFKC", texts[c])))
        elif kind in ("number", "date", "year"):
            value, problems = convert_values([cells[c]], m.field, m.header_unit)
            bad += int(bool(problems) and pd.isna(value.iloc[0]))
    return words, bad, key


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass
class _ParsedTable:
    """A table read and converted, before reader-specific checks split off rejected rows.

    ``frame`` holds every non-blank data row (index 0…n−1 in source order); ``reasons`` the
    reject reason per row (None = data); ``columns`` maps canonical names to source headers;
    ``said`` the cells (row position, canonical field) already given an 错误 row while read
    (an Excel error value 「#VALUE!」, a value not understood): the checks give them no second
    row for the same cause; ``filled_blank`` per text field the cells (row position → text) the
    file filled with nothing but spaces, tabs or zero-width characters, read as blank
    (:func:`_filled_blanks`), for a reader to say where a blank matters.
    """

    frame: pd.DataFrame
    reasons: list[str | None]
    log: ProblemLog
    meta: dict[str, Any]
    columns: dict[str, str]
    said: frozenset[tuple[int, str]] = frozenset()
    filled_blank: Mapping[str, Mapping[int, str]] = field(default_factory=dict)

    def field_name(self, name: str) -> str:
        """The header as the user sees it for canonical field ``name``."""
        return self.columns.get(name, name)

    def require_rows(self, source: str, *, what: str, fix: str) -> None:
        """Raise :class:`~landgov.errors.InputError` when under the header there is no data row
        (none, or only 合计/说明/repeated-header rows): a table of ``what`` without one."""
        if self.meta["rows"] > sum(r is not None for r in self.reasons):
            return
        header = self.meta["header_rows"]
        raise InputError(
            [
                Issue(
                    source, None, f"表头在第 {header[0]}～{header[-1]} 行，其下没有数据",
                    f"表中只有表头，没有任何{what}数据行", fix,
                )
            ]
        )  # fmt: skip

    def note(
        self,
        position: int,
        problem: str,
        *,
        field: str,
        value: object = None,
        action: str = "",
        severity: Severity = Severity.ERROR,
    ) -> None:
        """Log a problem on row ``position`` against canonical field ``field``."""
        self.log.add(
            problem,
            row=int(self.frame["source_row"].iat[position]),
            field=self.field_name(field),
            value=value,
            action=action,
            severity=severity,
        )

    def note_unread(
        self,
        given: Sequence[object],
        read: Sequence[object],
        *,
        field: str,
        blank: str,
        unknown: Callable[[object], str],
        action: str,
    ) -> None:
        """Note each data row whose ``field`` was not read (``read`` None): ``blank`` as a 警告
        where the cell is empty (:func:`~landgov.core.missing.is_missing`), ``unknown(text)`` as
        an 错误 naming the value where it holds a word not understood; the row is kept. A cell
        already given an 错误 row while read (``said``) gets none here: one cause, one row."""
        for pos, (text, value) in enumerate(zip(given, read, strict=True)):
            if value is not None or self.reasons[pos] is not None or (pos, field) in self.said:
                continue  # a cell said an error while read (「#VALUE!」) is no blank too
            empty = is_missing(text)
            self.note(
                pos,
                blank if empty else unknown(text),
                field=field,
                value=None if empty else text,
                action=action,
                severity=Severity.WARNING if empty else Severity.ERROR,
            )

    def reject(
        self,
        position: int,
        reason: str,
        *,
        field: str,
        value: object = None,
        action: str = "补全或改正后重新读取",
    ) -> None:
        """Send row ``position`` to ``rejected`` (first reason wins) and log it as an error."""
        if self.reasons[position] is None:
            self.reasons[position] = reason
            self.note(position, f"该行未采用：{reason}", field=field, value=value, action=action)

    def result(self) -> ReadResult:
        """Split into :class:`ReadResult` ``data`` and ``rejected``."""
        mask = pd.Series([r is not None for r in self.reasons], index=self.frame.index)
        data = self.frame.loc[~mask].copy()
        rejected = self.frame.loc[mask].copy()
        rejected["reject_reason"] = pd.Series(
            [r for r in self.reasons if r is not None], index=rejected.index, dtype="str"
        )
        self.meta["rows_rejected"] = int(mask.sum())
        return ReadResult(data, rejected, self.log.frame(), self.meta)


def _missing_required_error(
    source: str, specs: Sequence[FieldSpec], matches: Mapping[str, ColumnMatch], seen: list[str]
) -> SchemaError | None:
    missing = [s for s in specs if s.required and s.name not in matches]
    if not missing:
        return None
    said, redo = garbled_names(seen)
    issues = [
        Issue(
            source,
            spec.label,
            seen,
            f"缺少必填字段「{spec.label}」（{spec.name}）{said}",
            redo
            or f"把表头改为以下名称之一：{'、'.join(spec.aliases[:8])}；或{alias_hint(spec.name)}",
        )
        for spec in missing
    ]
    return SchemaError(issues)


def _side_by_side_error(
    source: str,
    grid: _Grid,
    specs: Sequence[FieldSpec],
    conflicts: Mapping[str, list[str]],
    *,
    names: list[str],
    rows: list[int],
) -> SchemaError | None:
    """Two tables typed side by side on one sheet (规上 left, 规下 right; one 镇街 beside the
    next): the header is there twice, and the rows of the right-hand table are no rows of the
    left one. Read as one table, the right-hand table's codes would only be a second column of
    the left table's rows — its enterprises or plots never read as such. Said as an error.

    Only when every required field and at least one more field have their header typed again
    word for word (「统一社会信用代码（G列）」) and the key columns hold different codes on some
    row: a copied column holding the same codes stays the warning of :func:`report_conflicts`.
    """

    def retyped(first: str) -> list[int]:  # columns holding ``first``'s header typed again
        return [
            c
            for c, name in enumerate(names)
            if name == repeated_header(first, f"{get_column_letter(c + 1)}列")
        ]

    required = [s for s in specs if s.required]
    doubled = {
        name: (names.index(cols[0]), again)
        for name, cols in conflicts.items()
        if (again := retyped(cols[0]))
    }
    if not required or len(doubled) < 2 or any(s.name not in doubled for s in required):
        return None
    key = required[0]
    left, (right, *_) = doubled[key.name]
    differ = [
        r
        for r in rows
        if not is_blank(grid.cell(r, right))
        and normalize_code(grid.cell(r, right)) != normalize_code(grid.cell(r, left))
    ]
    if not differ:
        return None
    on_right = [c for _, again in doubled.values() for c in again]
    n_right = sum(any(not is_blank(grid.cell(r, c)) for c in on_right) for r in rows)
    start = min(first for first, _ in doubled.values())
    second = min(again[0] for _, again in doubled.values())
    first_row = grid.row_numbers[differ[0]]
    cell = f"{get_column_letter(right + 1)}{first_row}"
    sheet = grid.meta.get("sheet")
    where = f"工作表「{sheet}」" if sheet else "表中"
    a, b = get_column_letter(start + 1), get_column_letter(second + 1)
    labels = "".join(f"「{s.label}」" for s in specs if s.name in doubled)
    return SchemaError(
        [
            Issue(
                source,
                key.label,
                f"{cell}：{cell_text(grid.cell(differ[0], right))}",
                f"{where}并排有两张表：{a} 列起和 {b} 列起各有一行表头（{labels}都出现两次），"
                f"右边一张表有 {n_right} 行，与左边同一行的不是同一条记录"
                f"（如第 {first_row} 行）；"
                "landgov 每个工作表只读一张表，照此读取会漏掉右边一张表的全部行",
                f"在 Excel/WPS 中把 {b} 列起的表剪切、粘贴到左边表的下方（表头只留一行）后"
                "重新运行；"
                "如右边一张表不是要读的数据（如上年数据），删去它后重新运行",
            )
        ]
    )


def _no_header_error(
    source: str, grid: _Grid, specs: Sequence[FieldSpec], *, role: str | None = None
) -> SchemaError:
    preview = [[cell_text(v) for v in row if not is_blank(v)] for row in grid.rows[:5]]
    labels = "、".join(s.label for s in specs if s.required) or "、".join(
        s.label for s in specs[:5]
    )
    sheet = grid.meta.get("sheet")
    hidden = [n for n in grid.meta.get("hidden_sheets", []) if n != sheet]
    hint = (
        f"；工作簿中另有隐藏的工作表「{'」「'.join(hidden)}」，数据在其中时用 --sheet "
        f"{role or '角色'}={hidden[0]} 指定（或在 Excel/WPS 中取消隐藏）"
        if hidden
        else ""
    )
    suspect = grid.meta.get("encoding_suspect")
    if suspect:  # mojibake: no column name could match, whatever the aliases
        return SchemaError(
            [
                Issue(
                    source,
                    None,
                    preview,
                    f"前 {_HEADER_SCAN_ROWS} 行中找不到表头：按 GB18030（GBK）解码出现乱码"
                    f"（私用区字符），文件看起来是 {suspect}，不是 UTF-8 或 GBK 编码",
                    _SAVE_AS_UTF8,
                )
            ]
        )
    said, redo = garbled_names([c for row in preview for c in row if isinstance(c, str)])
    return SchemaError(
        [
            Issue(
                source,
                None,
                preview,
                f"{f'工作表「{sheet}」' if sheet else ''}前 {_HEADER_SCAN_ROWS} 行中找不到表头"
                f"（没有任何列名能对应已知字段）{said}",
                redo
                or f"确认表头包含「{labels}」等列名，或用 --alias 字段=列名 指定列名；"
                f"必要时用 --sheet 指定工作表（Python：aliases=、sheet=）{hint}",
            )
        ]
    )


def _report_mapping(
    log: ProblemLog,
    specs: Sequence[FieldSpec],
    matches: Mapping[str, ColumnMatch],
    conflicts: Mapping[str, list[str]],
) -> None:
    report_conflicts(log, specs, conflicts, matches)
    absent = [s.label for s in specs if s.name not in matches and not s.required]
    if absent:
        log.add(
            f"表中没有以下字段，相应数值按缺失处理：{'、'.join(absent)}",
            # read by the department asked for the data (问题分送) and by whoever runs landgov
            action=(
                "请提供表中缺少的数据；如表中已有但列名不同，由运行 landgov 的人员用"
                " --alias 字段=列名 指定（Python：aliases=）"
            ),
            severity=Severity.INFO,
        )


#: The header of a column that only numbers the rows (「序号」): a row with nothing else filled
#: is a row of a blank template, not data.
_ORDINAL_HEADER = re.compile(r"^(?:序号|序|编号|行号|No\.?|NO\.?)$")
_ORDINAL = re.compile(r"^\d{1,6}$")


def _data_rows(
    grid: _Grid, start: int, width: int, *, ordinal: int | None = None
) -> tuple[list[int], list[int], list[int]]:
    """Grid indices of non-blank rows after the header, of blank ones, and of rows of a blank
    template (only the ``ordinal`` column, 「序号」, filled with a whole number: a form numbered
    1–500 in advance and filled to row 37); the last two are skipped and counted."""
    data, blank, template = [], [], []
    formula_rows = {r for r, _ in grid.formulas}
    for r in range(start, len(grid.rows)):
        if r in formula_rows:
            data.append(r)
            continue
        # the first filled cell, then (only when it is the number) whether any other is
        first = next((c for c in range(width) if not is_blank(grid.cell(r, c))), None)
        if first is None:
            blank.append(r)
        elif (
            first == ordinal
            and _ORDINAL.match(cell_text(grid.cell(r, first)).strip())
            and all(is_blank(grid.cell(r, c)) for c in range(first + 1, width))
        ):
            template.append(r)
        else:
            data.append(r)
    return data, blank, template


def _report_sheet_choice(grid: _Grid, log: ProblemLog) -> None:
    """With several visible sheets, say which one was read and how the others scored."""
    scores: dict[str, int] = grid.meta.get("sheet_scores") or {}
    if len(scores) < 2:
        return
    sheet = grid.meta["sheet"]
    others = "、".join(f"「{n}」{v} 个" for n, v in scores.items() if n != sheet)
    log.add(
        f"工作簿有 {len(scores)} 个可见工作表，读取表头最符合的「{sheet}」（含全部必填字段、"
        f"对应已知字段 {scores[sheet]} 个；其余：{others}）",
        value=sheet,
        action="如应读取其他工作表，用 --sheet 角色=工作表名（Python：sheet=）指定",
        severity=Severity.INFO,
    )


def _report_formulas(
    grid: _Grid,
    log: ProblemLog,
    *,
    names: list[str],
    header: tuple[int, int],
    rows: list[int],
    reasons: list[str | None],
) -> None:
    """One 错误 per formula cell without a stored result, in the header or a data row; one
    警告 per data cell read from the stored result of a formula that calls a volatile function
    (「=TODAY()+30」): the value of the day the file was saved, read as such and said
    (:func:`landgov.core.editable.say_volatile`, as for a returned workbook)."""
    from landgov.core.editable import say_volatile

    data_rows = {r for r, reason in zip(rows, reasons, strict=True) if reason is None}
    sheet = grid.meta.get("sheet", "")

    def typed(formula: str) -> str:
        return f"={formula}" if formula and not formula.startswith("=") else formula

    for (r, c), formula in sorted(grid.formulas.items()):
        if not (header[0] <= r <= header[1] or r in data_rows):
            continue  # title rows above the header, totals and footnotes are not read
        cell = f"{get_column_letter(c + 1)}{grid.row_numbers[r]}"
        in_data = r > header[1] and c < len(names)
        log.add(
            "公式单元格无计算结果：请在 Excel/WPS 中打开并保存后重试，或粘贴为数值"
            f"（工作表「{sheet}」单元格 {cell}）",
            row=grid.row_numbers[r],
            field=names[c] if in_data else f"{get_column_letter(c + 1)}列（表头）",
            value=typed(formula),
            action="该值按缺失处理（相关判定为待核实），不按 0 计",
        )
    for (r, c), formula in sorted(grid.volatile.items()):
        if r > header[1] and r in data_rows and c < len(names):
            at = (grid.row_numbers[r], c + 1)
            say_volatile(log, typed(formula), grid.cell(r, c), sheet=sheet, at=at, field=names[c])


#: The columns that say whose row it is: a value merged over rows that differ in any of them
#: (or lack one) is no one row's own.
_ROW_OWNERS = ("uscc", "parcel_id", "application_id")
#: Fields a county types once over a group of rows and means for each (镇街 merged over its
#: firms, 问题类别 over its records): filled into every row the merge covers, with a 警告.
_GROUP_FIELDS = ("township", "admin_code", "admin_name", "category")


@dataclass(frozen=True)
class _MergedRange:
    """A merged range over data rows read: where it is, as the user sees it, and which rows."""

    cell: str  # 「B7:B8」
    first_row: int  # the Excel row of its top-left cell
    at: list[int]  # the frame positions of the data rows it covers

    def owners_differ(self, frame: pd.DataFrame, owners: Sequence[str]) -> bool:
        keys = {tuple(normalize_code(frame[o].iat[p]) for o in owners) for p in self.at}
        return len(keys) > 1

    def one_owner(self, frame: pd.DataFrame, owners: Sequence[str]) -> bool:
        keys = {tuple(normalize_code(frame[o].iat[p]) for o in owners) for p in self.at}
        return bool(owners) and len(keys) == 1 and all(next(iter(keys)))


def _set_aside_merged_values(
    grid: _Grid,
    frame: pd.DataFrame,
    log: ProblemLog,
    *,
    rows: list[int],
    reasons: list[str | None],
    names: list[str],
    specs: Sequence[FieldSpec],
    columns: Mapping[str, str],
) -> set[tuple[int, int, int, int]]:
    """Values merged down over the data rows of several firms (or plots) are not copied.

    An amount (税收 typed once over a group's firms) is no one firm's figure: copied it would
    count twice, kept on the first it would be the group's. It is missing on every row, with
    one 错误 for the range (相关判定为待核实). Any other value (a 企业名称 merged over two
    firms' rows) is the first row's, as Excel keeps it: each other row gets it missing, with
    an 错误 naming its row (the second firm is never given the first one's name). Over rows
    of one owner (the same :data:`_ROW_OWNERS`) a value is that owner's and stays filled, as do
    :data:`_GROUP_FIELDS` and the owner columns themselves. Returns the ranges set aside (the
    others are said by :func:`_report_merges`).
    """
    mapped = {names.index(columns[s.name]): s for s in specs if s.name in columns}
    owners = [o for o in _ROW_OWNERS if o in frame.columns]
    position = {
        r: pos for pos, (r, why) in enumerate(zip(rows, reasons, strict=True)) if why is None
    }
    aside: set[tuple[int, int, int, int]] = set()
    for merge in grid.merges:
        r0, c0, r1, c1 = merge
        fields = [mapped[c] for c in range(c0, c1 + 1) if c in mapped]
        at = [position[r] for r in range(r0, r1 + 1) if r in position]
        if r1 == r0 or not fields or len(at) < 2:
            continue
        last = grid.row_numbers[min(r1, len(grid.rows) - 1)]
        where = _MergedRange(
            f"{get_column_letter(c0 + 1)}{grid.row_numbers[r0]}:{get_column_letter(c1 + 1)}{last}",
            grid.row_numbers[r0],
            at,
        )
        value = cell_text(grid.cell(r0, c0))
        amounts = [s for s in fields if s.kind is Kind.NUMBER and s.unit]
        if amounts and not where.one_owner(frame, owners):
            aside.add(merge)
            _merged_amount(frame, log, where, amounts, value=value, field=columns[amounts[0].name])
        others = [s for s in fields if s not in amounts]
        others = [s for s in others if s.name not in (*_GROUP_FIELDS, *_ROW_OWNERS)]
        if others and where.owners_differ(frame, owners):
            aside.add(merge)
            for spec in others:
                _merged_other(frame, log, where, spec, value=value, field=columns[spec.name])
    return aside


def _merged_amount(
    frame: pd.DataFrame,
    log: ProblemLog,
    where: _MergedRange,
    amounts: Sequence[FieldSpec],
    *,
    value: str,
    field: str,
) -> None:
    """An amount merged over several owners' rows: missing on each, one 错误 for the range."""
    for spec in amounts:
        frame.loc[frame.index[where.at], spec.name] = np.nan
    log.add(
        f"合并单元格（{where.cell}）的数值跨 {len(where.at)} 行，各行不是同一企业（或宗地），"
        "不是其中任何一行自己的数值，按缺失处理（相关判定为待核实），不复制到各行",
        row=where.first_row,
        field=field,
        value=value,
        action="取消合并，按行分别填写各企业（宗地）自己的数值后重新读取",
        severity=Severity.ERROR,
    )


def _merged_other(
    frame: pd.DataFrame,
    log: ProblemLog,
    where: _MergedRange,
    spec: FieldSpec,
    *,
    value: str,
    field: str,
) -> None:
    """A value other than an amount merged over several owners' rows: the first row's (where
    Excel keeps it); missing on each other row, with an 错误 naming that row."""
    first, *rest = where.at
    companions = [n for n in (unread_name(spec.name), latest_name(spec.name)) if n in frame.columns]
    for name in (spec.name, *companions):
        frame.loc[frame.index[rest], name] = None
    for pos in rest:
        log.add(
            f"合并单元格（{where.cell}）跨 {len(where.at)} 行，各行不是同一企业（或宗地）："
            f"「{spec.label}」只归第 {int(frame['source_row'].iat[first])} 行，"
            "本行按缺失处理，不复制",
            row=int(frame["source_row"].iat[pos]),
            field=field,
            value=value,
            action=f"取消合并，按行分别填写本行自己的{spec.label}后重新读取",
            severity=Severity.ERROR,
        )


def _report_merges(
    grid: _Grid,
    log: ProblemLog,
    *,
    rows: list[int],
    reasons: list[str | None],
    said: Container[tuple[int, int, int, int]] = (),
) -> None:
    """One warning per merged range that fills cells of a data row read (``said``: ranges
    already said otherwise).

    A merge only in rows not read as data (a 合计 row, a footnote, the title) changed nothing
    read; the row's own problem row says why it was not read.
    """
    read = [r for r, reason in zip(rows, reasons, strict=True) if reason is None]
    for r0, c0, r1, c1 in grid.merges:
        if (r0, c0, r1, c1) in said:
            continue
        if (r1 > r0 or c1 > c0) and any(r0 <= r <= r1 for r in read):
            start = min(r for r in read if r0 <= r <= r1)
            value = cell_text(grid.cell(r0, c0))
            cell = (
                f"{get_column_letter(c0 + 1)}{grid.row_numbers[r0]}:"
                f"{get_column_letter(c1 + 1)}{grid.row_numbers[min(r1, len(grid.rows) - 1)]}"
            )
            log.add(
                f"合并单元格（{cell}），已把值「{value}」填入合并区域的每一格"
                if value
                else f"合并单元格（{cell}）是空白的，合并区域的每一格都按空白（缺失）读取",
                row=grid.row_numbers[start],
                field=None,
                value=cell_text(grid.cell(r0, c0)),
                action=ACTION_CHECK,
                severity=Severity.WARNING,
            )


def _report_hidden(
    grid: _Grid,
    log: ProblemLog,
    *,
    names: list[str],
    columns: Mapping[str, str],
    rows: list[int],
    reasons: list[str | None],
) -> None:
    """Rows and read columns hidden in Excel/WPS: read like the others, and said (a reader of
    the sheet does not see them; townships hide withdrawn applications or filter a list)."""
    hidden = set(grid.meta.get("hidden_rows") or ())
    for r, reason in zip(rows, reasons, strict=True):
        if r in hidden and reason is None:
            log.add(
                "该行在 Excel/WPS 中被隐藏（或被筛选隐藏），已与其他行一样读取",
                row=grid.row_numbers[r],
                value=" | ".join(t for t in map(cell_text, grid.rows[r][:3]) if t)[:200],
                action="如为撤回、作废或重复的记录，在源表中删除该行后重新运行；否则无需处理",
                severity=Severity.WARNING,
            )
    read = set(columns.values())
    for c in grid.meta.get("hidden_columns") or ():
        if c < len(names) and names[c] in read:
            log.add(
                f"列「{names[c]}」在 Excel/WPS 中被隐藏，已照常读取",
                field=names[c],
                action="核对该列是否为要用的数据（而非旧数据或草稿）；如不是，删除该列或用 "
                "--alias 指定应读取的列",
                severity=Severity.WARNING,
            )


def _report_shown(
    grid: _Grid,
    log: ProblemLog,
    *,
    names: list[str],
    columns: Mapping[str, str],
    rows: list[int],
    reasons: list[str | None],
) -> None:
    """One warning per read column with cells whose number format shows them smaller than
    stored (125000 元 shown as 12.5 by 「0!.0,」, :mod:`landgov.io._numformat`): read as shown
    (what an officer checks against the header), the stored number and the fix named."""
    scaled: dict[tuple[int, int], tuple[float, str]] = grid.meta.get("scaled_cells") or {}
    if not scaled:
        return
    read = set(columns.values())
    data = [r for r, reason in zip(rows, reasons, strict=True) if reason is None]
    for c, name in enumerate(names):
        cells = [(r, *scaled[r, c]) for r in data if (r, c) in scaled]
        if name not in read or not cells:
            continue
        r, stored, shown = cells[0]
        log.add(
            f"列「{name}」中 {len(cells)} 个单元格的数字格式把数值缩小显示（如第 "
            f"{grid.row_numbers[r]} 行存储值为 {stored:.15g}，显示为「{shown}」），已按显示值"
            "读取（与表头单位对照的是显示值）",
            field=name,
            value=f"{stored:.15g}",
            action="核对该列单位：如存储值才是按表头单位填写的数，把这些单元格的格式改为"
            "「常规」后重新读取",
            severity=Severity.WARNING,
        )


def _report_mixed_encoding(grid: _Grid, log: ProblemLog) -> None:
    """One warning per CSV row decoded with the other codec than the rest of the file."""
    rows: dict[int, str] = grid.meta.get("encoding_rows") or {}
    if not rows:
        return
    main = "UTF-8" if str(grid.meta.get("encoding", "")).startswith("utf-8") else "GB18030（GBK）"
    texts = {n: r for n, r in zip(grid.row_numbers, grid.rows, strict=True)}
    for number, codec in sorted(rows.items()):
        cells = texts.get(number, [])
        log.add(
            f"该行按 {codec} 解码，文件其余各行按 {main}（文件中混有两种编码，"
            "常见于把两份表格复制合并）",
            row=number,
            value=" | ".join(t for t in map(cell_text, cells) if t)[:200],
            action="核对该行中文是否正常；在 Excel/WPS 中把整个表格另存为「CSV UTF-8」或 .xlsx "
            "后重新读取",
            severity=Severity.WARNING,
        )


def _report_encoding(grid: _Grid, log: ProblemLog) -> None:
    """Say a CSV file read in an encoding it does not announce: UTF-16 without a byte-order
    mark (提示), Big5 (警告: Traditional characters)."""
    for key, severity in (("encoding_note", Severity.INFO), ("encoding_warning", Severity.WARNING)):
        if grid.meta.get(key):
            log.add(
                grid.meta[key],
                value=grid.meta.get("encoding"),
                action=f"核对读取的内容；{_SAVE_AS_UTF8}",
                severity=severity,
            )


def _parse_table(
    path: str | Path,
    *,
    specs: Sequence[FieldSpec],
    sheet: str | int | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
    role: str | None = None,
) -> _ParsedTable:
    """Read and convert a table, leaving reader-specific checks to the caller.

    Same parameters as :func:`read_table`; returns a :class:`_ParsedTable` that the enterprise,
    link and compliance readers extend before calling :meth:`_ParsedTable.result`.
    """
    path = Path(path)
    specs = tuple(specs)
    match = _Matcher(specs, aliases)
    grid = _load(path, sheet, match.sheet_rank, role)
    located = _locate_header(grid, match)
    if located is None:
        raise _no_header_error(path.name, grid, specs, role=role)
    first, last = located
    names = _column_names(grid, first, last, match, _used_width(grid, first))
    matches, _, conflicts = map_columns(names, specs, aliases=aliases)
    error = _missing_required_error(path.name, specs, matches, names)
    if error is not None:
        raise error

    log = ProblemLog(path.name)
    meta: dict[str, Any] = {"source": str(path), **grid.meta}
    ordinal = next((c for c, n in enumerate(names) if _ORDINAL_HEADER.match(n.strip())), None)
    rows, blank, template = _data_rows(grid, last + 1, len(names), ordinal=ordinal)
    if template:
        numbers = [grid.row_numbers[r] for r in template]
        where = (
            f"第 {numbers[0]}～{numbers[-1]} 行"
            if numbers[-1] - numbers[0] == len(numbers) - 1
            else f"第 {first_few(numbers, 5, counted='行')}"
        )
        log.add(
            f"{len(template)} 行只填了序号、其余为空（空白模板行，{where}），"
            "未作为数据读取，也不计入行数",
            field=names[ordinal] if ordinal is not None else None,
            action="无需处理；如其中有应填写的企业，补全后重新读取",
            severity=Severity.INFO,
        )
        blank += template
    error = _side_by_side_error(path.name, grid, specs, conflicts, names=names, rows=rows)
    if error is not None:
        raise error
    _report_mapping(log, specs, matches, conflicts)
    _report_sheet_choice(grid, log)
    if grid.meta.get("format_note"):  # content of another format than the name says: said
        log.add(
            grid.meta["format_note"],
            action="无需处理；如读取的内容不对，请在 Excel/WPS 中另存为 .xlsx 后重新读取",
            severity=Severity.INFO,
        )
    if grid.meta.get("csv_text_fields"):
        log.add(
            f'CSV 中有 {grid.meta["csv_text_fields"]} 个单元格写作 ="…"（系统导出时为在 '
            "Excel 中保持文本），已按引号内的文本读取",
            action="无需处理",
            severity=Severity.INFO,
        )
    _report_mixed_encoding(grid, log)
    _report_encoding(grid, log)

    columns = {n: m.source for n, m in matches.items()}
    said: set[tuple[int, str]] = set()
    filled_blank: dict[str, dict[int, str]] = {}
    frame, reasons, matches = _build_frame(
        grid, header=(first, last), rows=rows, names=names, specs=specs, matches=matches, log=log,
        said=said, filled_blank=filled_blank,
    )  # fmt: skip
    _report_formulas(grid, log, names=names, header=(first, last), rows=rows, reasons=reasons)
    aside = _set_aside_merged_values(
        grid, frame, log, rows=rows, reasons=reasons, names=names, specs=specs, columns=columns
    )
    _report_merges(grid, log, rows=rows, reasons=reasons, said=aside)
    _report_hidden(grid, log, names=names, columns=columns, rows=rows, reasons=reasons)
    _report_shown(grid, log, names=names, columns=columns, rows=rows, reasons=reasons)
    kept = [n for n in names if n not in columns.values()]
    meta |= {
        "header_rows": [grid.row_numbers[r] for r in range(first, last + 1)],
        "first_data_row": grid.row_numbers[last + 1] if last + 1 < len(grid.rows) else None,
        "columns": names,
        "field_map": columns,
        "header_units": {n: m.header_unit for n, m in matches.items() if m.header_unit},
        "unmatched_columns": kept,
        "conflicts": dict(conflicts),
        "fields_missing": [s.name for s in specs if s.name not in matches],
        "rows": len(rows),
        "blank_rows_skipped": len(blank),
        "row_numbering": _ROW_NUMBERING,
    }
    return _ParsedTable(frame, reasons, log, meta, columns, frozenset(said), filled_blank)


def _padded(row: Sequence[object], width: int) -> list[object]:
    """The first ``width`` cells of a grid row, ``None`` past its end (as ``_Grid.cell``)."""
    cells = list(row[:width])
    return cells + [None] * (width - len(cells)) if len(cells) < width else cells


def _texts(rows: Sequence[Sequence[object]]) -> list[list[str]]:
    """The cells of ``rows`` as the structural rules compare them: the text of a printable text
    cell stripped (a blank one gives ""); a text with an invisible character (a soft hyphen, a
    zero-width space) and any other value through :func:`cell_text`."""
    return [
        [v.strip() if type(v) is str and v.isprintable() else cell_text(v) for v in row]
        for row in rows
    ]


def _build_frame(
    grid: _Grid,
    *,
    header: tuple[int, int],
    rows: list[int],
    names: list[str],
    specs: Sequence[FieldSpec],
    matches: Mapping[str, ColumnMatch],
    log: ProblemLog,
    said: set[tuple[int, str]] | None = None,
    filled_blank: dict[str, dict[int, str]] | None = None,
) -> tuple[pd.DataFrame, list[str | None], dict[str, ColumnMatch]]:
    """The canonical frame, each row's reject reason, and ``matches`` with the units the sheet
    states (above the header, in it or in a 填表说明 row under it: :func:`apply_sheet_units`).
    Each cell given an 错误 row is added to ``said`` as (row position, canonical field), and
    each text cell of only blank characters to ``filled_blank`` (:func:`_filled_blanks`)."""
    width = len(names)
    cells = [_padded(grid.rows[r], width) for r in rows]
    texts = _texts(cells)
    header_names = {names.index(m.source): m.source for m in matches.values()}
    band = _texts([_padded(grid.rows[r], width) for r in range(header[0], header[1] + 1)])
    reasons = _structural_reasons(texts, header_names, _field_words(matches, names), band)
    _section_titles(texts, reasons)
    source_rows = [grid.row_numbers[r] for r in rows]
    for pos, reason in enumerate(reasons):
        if reason is not None:
            log.add(
                reason,
                row=source_rows[pos],
                value=" | ".join(t for t in texts[pos] if t),
                severity=Severity.INFO,
            )
    before = list(reasons)
    _instruction_rows(
        cells, texts, names=names, matches=matches, reasons=reasons, source_rows=source_rows,
        log=log,
    )  # fmt: skip
    notes = [rows[i] for i, (b, r) in enumerate(zip(before, reasons, strict=True)) if b != r]
    matches, unusable = apply_sheet_units(grid, header, names, matches, log, under=notes)

    data: dict[str, pd.Series] = {}
    raw: dict[str, list[object]] = {}
    for spec in specs:
        m = matches.get(spec.name)
        if m is None:
            data[spec.name] = as_series([None] * len(rows), spec.kind)
            continue
        c = names.index(m.source)
        header_unit, usable = resolve_header_unit(m, log)
        usable = usable and spec.name not in unusable
        values: list[object] = [row[c] for row in cells] if usable else [None] * len(rows)
        raw[spec.name] = values
        data[spec.name], problems = convert_values(values, spec, header_unit)
        unread = unread_cells(problems, spec, len(rows))
        if unread is not None:  # a date cell written but no date: not blank (core.dates)
            data[unread_name(spec.name)] = unread
        latest = latest_cells(problems, spec, len(rows))
        if latest is not None:  # a month in a field judged on a window: its last day too
            data[latest_name(spec.name)] = latest
        for p in problems:
            if reasons[p.position] is None:
                if said is not None and p.severity is Severity.ERROR:
                    said.add((p.position, spec.name))
                log.add(
                    p.problem,
                    row=source_rows[p.position],
                    field=m.source,
                    value=p.value,
                    action=p.action,
                    severity=p.severity,
                )
    _check_totals(
        grid, log, rows=rows, texts=texts, reasons=reasons, names=names, specs=specs,
        matches=matches, data=data, raw=raw,
    )  # fmt: skip
    _collect_filled_blanks(specs, raw, data, into=filled_blank)
    data["source_row"] = pd.Series(source_rows, dtype="int64")
    used = {m.source for m in matches.values()}
    for c, name in enumerate(names):
        if name not in used:
            key = name if name not in data else f"src_{name}"
            data[key] = pd.Series([texts[i][c] or None for i in range(len(rows))], dtype="str")
    return pd.DataFrame(data), reasons, matches


def _collect_filled_blanks(
    specs: Sequence[FieldSpec],
    raw: Mapping[str, list[object]],
    data: Mapping[str, pd.Series],
    *,
    into: dict[str, dict[int, str]] | None,
) -> None:
    """Put :func:`_filled_blanks` of each text field read from the file ``into`` (if given)."""
    if into is None:
        return
    for spec in (s for s in specs if s.kind is Kind.TEXT and s.name in raw):
        if blanks := _filled_blanks(raw[spec.name], data[spec.name]):
            into[spec.name] = blanks


def _filled_blanks(cells: Sequence[object], read: pd.Series) -> dict[int, str]:
    """The text cells read as missing that the file did fill in, with nothing but spaces, tabs
    or zero-width characters (:func:`cell_text` gives ""): row position → the text. Only the
    missing cells are looked at."""
    return {
        i: text
        for i in np.flatnonzero(read.isna().to_numpy()).tolist()
        if type(text := cells[i]) is str and text and not cell_text(text)
    }


def _check_totals(
    grid: _Grid,
    log: ProblemLog,
    *,
    rows: list[int],
    texts: list[list[str]],
    reasons: list[str | None],
    names: list[str],
    specs: Sequence[FieldSpec],
    matches: Mapping[str, ColumnMatch],
    data: Mapping[str, pd.Series],
    raw: Mapping[str, list[object]],
) -> None:
    """Compare the table's 合计 row with the data rows read (:func:`check_totals`)."""
    totals = [pos for pos, reason in enumerate(reasons) if reason == _TOTAL_REASON]
    if not totals:
        return
    hidden_rows = set(grid.meta.get("hidden_rows") or ())
    data_rows = [pos for pos, reason in enumerate(reasons) if reason is None]
    read = {rows[pos] for pos in data_rows}
    merged_columns = {
        c
        for r0, c0, r1, c1 in grid.merges
        if r1 > r0 and any(r0 <= r <= r1 for r in read)
        for c in range(c0, c1 + 1)
    }
    headers = {name: m.source for name, m in matches.items() if name in raw}
    check_totals(
        log,
        TotalRows(
            labels=[next((t for t in row if t), "") for row in texts],
            totals=totals,
            data=data_rows,
            hidden=frozenset(pos for pos, r in enumerate(rows) if r in hidden_rows),
            source_rows=[grid.row_numbers[r] for r in rows],
        ),
        specs=specs,
        values=data,
        raw=raw,
        headers=headers,
        merged=frozenset(n for n, h in headers.items() if names.index(h) in merged_columns),
    )


def read_table(
    path: str | Path,
    *,
    specs: Sequence[FieldSpec],
    sheet: str | int | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
    role: str | None = None,
) -> ReadResult:
    """Read a .xlsx/.xls/.csv table onto a canonical schema.

    Parameters
    ----------
    path
        An ``.xlsx``/``.xlsm`` workbook, a ``.csv``/``.tsv``/``.txt`` file (UTF-8 tried first,
        then GB18030; the choice and the reason are in ``meta["encoding"]`` and
        ``meta["encoding_reason"]``), or ``.xls`` when ``xlrd`` is installed.
    specs
        The canonical fields (e.g. :data:`landgov.io.fields.ENTERPRISE_FIELDS`).
    sheet
        Sheet name or 0-based index. By default the sheet chosen for ``role`` with
        :func:`landgov.io.sheets.chosen_sheets` (the command line's ``--sheet``), else the
        visible sheet whose header has every required field; two or more such sheets are
        refused (:class:`~landgov.errors.DataFileError` listing them), never guessed.
    aliases
        Extra column names per canonical field, tried before the built-in ones:
        ``{"tax_wan": ["实缴税费"]}``.
    role
        What the table is (``enterprises``, ``links`` …): the key of ``--sheet ROLE=SHEET``.

    Returns
    -------
    ReadResult
        ``data`` has every canonical field of ``specs`` (absent ones all missing), then
        ``source_row`` (the Excel row number, see the module docstring), then every source
        column that did not map, as text under its header name (listed in
        ``meta["unmatched_columns"]``). ``rejected`` holds totals rows, footnotes and repeated
        header rows; ``len(data) + len(rejected) == meta["rows"]``. Fully blank rows are
        skipped and counted in ``meta["blank_rows_skipped"]``.

    Raises
    ------
    SchemaError
        No header row in the first 20 rows, or required fields missing (every one listed, with
        the columns seen and the fix).
    EncodingError
        A CSV that is neither UTF-8 nor GB18030.
    DataFileError
        A missing, unreadable or unsupported file, or an unknown sheet.

    Notes
    -----
    The header is the first row among the first 20 whose cells name the most known fields. A
    row of group captions above it (merged cells, or captions over blank cells; not a line of
    填报单位/填报日期/制表/「单位：万元」 cells, which is the table's metadata) or a row of
    units/field names below it (``税收`` over ``（万元）``) is joined into the header (both:
    three rows). A number column whose header has no unit takes the unit the sheet states once
    (「单位：元」 above the header or in the title; :mod:`landgov.io._sheetunits`), said in the
    problems table.
    Merged cells are filled with their value (a warning when a merge lies in the data).
    A 合计/总计 row is not read, but each additive number column of it is compared with the sum
    of the data rows (:func:`landgov.io._totals.check_totals`): a difference beyond its
    rounding is a warning (rows may be hidden, filtered out, deleted or not read).
    Formula cells give the value stored with them; one without a stored value is missing and
    reported with its sheet, cell and formula (see :func:`~landgov.io._grid._formula_cells`);
    one calling a volatile function (「=TODAY()」) is read by its stored result and said.
    Numbers are converted to the field's canonical unit
    (:func:`~landgov.io.numbers.parse_quantity`), dates with
    :func:`~landgov.io.numbers.parse_date`; codes stay text.
    """
    return _parse_table(path, specs=specs, sheet=sheet, aliases=aliases, role=role).result()
