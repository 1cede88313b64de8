"""The demo's hand-outs as a 联席会议 secretary checks them before sending them out.

One ``landgov demo`` run (the session's, :func:`tests.conftest.demo_run`) is read back the way a
reviewer reads it, for what the cell-by-cell scans (``test_handout_scan``) and the print checks
(``test_handout_print``) do not see: how a number is shown, not only what it is, and how a
table sorts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from landgov.core.vocab import DISTRICT
from tests._books import handed_out_sheets

#: Whole numbers that name something rather than count it: a year, a row of a source file.
_LABEL_NUMBER = re.compile(r"年份|^(源)?行号$")


@pytest.fixture(scope="module")
def demo(demo_run: Path) -> Path:
    return demo_run


def _sheets(root: Path) -> Iterator[tuple[str, Worksheet]]:
    """``(book:sheet, worksheet)`` of every visible sheet of every handed-out workbook."""
    for book, ws in handed_out_sheets(root):
        yield f"{book.relative_to(root)}:{ws.title}", ws


def _headers(ws: Worksheet) -> list[str]:
    return [str(c.value or "") for c in next(ws.iter_rows(max_row=1), ())]


def test_years_and_row_numbers_read_as_written_not_as_amounts(demo: Path) -> None:
    # 「亩均税收目标年份 2026」, 「投产年份 2007」, 「源行号 1154」 (as the 问题 text says 「第 1154
    # 行」): the format "#,##0" of an amount would print 2,026 and 1,154
    seen: set[str] = set()
    bad: list[str] = []
    for where, ws in _sheets(demo):
        heads = _headers(ws)
        cols = [i for i, h in enumerate(heads) if _LABEL_NUMBER.search(h)]
        for row in ws.iter_rows(min_row=2):
            for i in cols:
                cell = row[i]
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    seen.add(heads[i])
                    if "," in cell.number_format:
                        bad.append(f"{where} {heads[i]} {cell.value} 「{cell.number_format}」")
    # the demo has each kind: a target year, a year of the enterprise table, a source row
    assert {"亩均税收目标年份", "投产年份", "源行号", "行号"} <= seen, seen
    assert not bad, bad[:10]


def _district_rows(ws: Worksheet) -> list[int]:
    return [
        cell.row
        for (cell,) in ws.iter_rows(min_row=2, max_col=1)
        if cell.value == DISTRICT and ws.cell(1, 1).value == "镇街"
    ]


def test_district_total_stays_below_the_filter_in_every_township_table(demo: Path) -> None:
    # sorting a 镇街 table by a column must never move 全区 among the 镇街: a filter range ends
    # above the blank row that keeps 全区 apart (as in landgov.xlsx 镇街汇总)
    tables = 0
    bad: list[str] = []
    for where, ws in _sheets(demo):
        for row in _district_rows(ws):
            tables += 1
            if not ws.auto_filter.ref:
                continue
            last = int(re.sub(r"\D", "", ws.auto_filter.ref.split(":")[1]))
            if last >= row - 1:  # the total or the blank row above it inside the range
                bad.append(f"{where}: 筛选 {ws.auto_filter.ref}，全区在第 {row} 行")
    assert tables >= 3, tables  # 镇街汇总 (two years), 镇街对比, 镇街进度
    assert not bad, bad


_FIELD_SPEC = re.compile(r'\{"k":"(?P<k>\w+)","l":"(?P<l>[^"]+)","t":"num"[^{}]*\}')


def test_map_popups_show_target_years_as_written(demo: Path) -> None:
    # the 镇街 popup's 「亩均税收目标年份」 was formatted as an amount: toLocaleString('zh-CN')
    # writes 2026 as 「2,026」. A field that names a year carries "g": 0 and the page's number
    # formatting reads it (useGrouping), on the single-file map and on the tiled map alike.
    years: list[str] = []
    for page in sorted((demo / "maps").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        fields = [m for m in _FIELD_SPEC.finditer(html) if "年份" in m["l"]]
        years += [f"{page.name}:{m['l']}" for m in fields]
        assert all('"g":0' in m[0] for m in fields), [m[0] for m in fields]
        assert "useGrouping: f.g !== 0" in html, page.name
    assert any("亩均税收目标年份" in y for y in years), years
    tiles = Path(__file__).parents[1] / "landgov/maps/tiles/assets/landgov-tiles.js"
    assert "fmtNum(value, spec.d, spec.g)" in tiles.read_text(encoding="utf-8")
