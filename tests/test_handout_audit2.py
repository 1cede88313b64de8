"""The demo's hand-outs as the 经信局 clerk checks them before sending them to the 联席会议.

One ``landgov demo`` run (the session's, :func:`tests.conftest.demo_run`) is opened the way the
clerk opens it, for what the other scans (``test_handout_scan``, ``test_handout_audit``,
``test_handout_print``, ``test_column_labels``) do not look at: whether a value can be read
without widening its column, whether a figure is labelled as what it counts, whether a map's
notes and a layer's descriptions name things in Chinese. Each test says what the clerk had to
fix by hand before.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from tests._books import INPUT as _INPUT
from tests._books import column_widths, handed_out_sheets


@pytest.fixture(scope="module")
def demo(demo_run: Path) -> Path:
    return demo_run  # one demo run for the session (tests/conftest.py)


def _display_width(text: str) -> int:
    """Characters of the longest line, a CJK character counting two (as Excel shows it)."""
    longest = max(text.split("\n"), key=len)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)


def _sheets(root: Path) -> Iterator[tuple[str, Worksheet]]:
    for book, ws in handed_out_sheets(root):
        yield f"{book.name}:{ws.title}", ws


# The 治理台账's own sheet keeps its prose columns laid out narrow, one line a plot: such a
# cell shows its start (the whole text is in the cell, and in landgov.xlsx).
_PROSE = {
    "demo-治理台账.xlsx:治理台账": {
        "理由（含政策依据）", "政策依据", "系统提示", "治理措施（填写）", "进展说明（填写）"
    },
}  # fmt: skip


def test_every_text_fits_its_column_or_wraps(demo: Path) -> None:
    """A text cell that neither wraps nor fits its column is cut off where the next cell is
    filled: the 治理台账's 状态变更记录 showed 「3306020010」 of 「330602001001GB00001」 (its
    columns were as wide as their headers, 10 characters), its 问题记录 showed ten characters of
    each problem, and its 填写说明 cut its own lines; on the 治理台账 itself 权利人 showed 12
    characters of 「绍兴越城佳骏康汽配有限公司」, 责任单位 8 of 「斗门街道经济发展办公室」, 验收依据
    15 of 「斗门街道工业用地整治验收纪要〔2027〕40号」. Every column is as wide as its widest
    value, as in landgov.xlsx, or wraps (at most 60 characters wide); only the 台账's prose
    columns show their start."""
    bad: list[str] = []
    seen: set[str] = set()
    for where, ws in _sheets(demo):
        prose = _PROSE.get(where, set())
        heads = {c.column: str(c.value) for c in ws[1]}
        widths = column_widths(ws)
        for row in ws.iter_rows(min_row=2):  # every row: a history's last lines are longest
            for cell in row:
                if not isinstance(cell.value, str) or cell.alignment.wrap_text:
                    continue
                if heads.get(cell.column) in prose:
                    continue
                width = widths.get(cell.column, 8.43)  # Excel's default column
                seen.add(where)
                if _display_width(cell.value) > width:
                    bad.append(f"{where}!{cell.coordinate} 宽 {width}：「{cell.value[:30]}」")
    assert {
        "demo-治理台账.xlsx:治理台账", "demo-治理台账.xlsx:状态变更记录", "landgov.xlsx:底数清单"
    } <= seen  # fmt: skip
    assert not bad, bad[:20]


def _config(page: Path) -> dict:
    html = page.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="lg-config">(.*?)</script>', html, re.S)
    assert found, page.name
    return json.loads(found[1])


def _township_fields(config: dict) -> dict[str, str]:
    """``{key: label}`` of the 镇街 popup (the section of the layer holding 镇街汇总)."""
    out: dict[str, str] = {}
    for layer in config.values():
        if isinstance(layer, dict) and layer.get("geomId") == "lg-geom-townships":
            for _title, fields in layer["sections"]:
                out |= {f["k"]: f["l"] for f in fields}
    return out


def test_township_popup_area_is_the_listed_plots_not_industrial_land(demo: Path) -> None:
    """The 镇街 popup called 镇街汇总's 面积（亩） 「工业用地面积」, but it sums every plot of
    the 底数清单: the demo's 斗门街道 7,361.45 亩 holds 仓储用地、商服用地、公用设施用地 plots
    (6,238.08 亩 of 工业用地). Read out at the meeting it overstated the industrial land by
    the others. The popup says 「面积」 as the sheet does (the registry's label)."""
    from landgov.core.columns import short_label

    pages = sorted((demo / "maps").glob("*.html"))
    seen = 0
    for page in pages:
        fields = _township_fields(_config(page))
        if "area_mu" in fields:
            seen += 1
            assert fields["area_mu"] == short_label("area_mu") == "面积", (page.name, fields)
        assert "工业用地面积" not in page.read_text(encoding="utf-8"), page.name
    assert seen >= 2  # the briefing map and the progress map
    wb = openpyxl.load_workbook(demo / "out" / "demo" / "landgov.xlsx", read_only=True)
    rows = {r[0]: r for r in wb["底数清单"].iter_rows(min_row=1, values_only=True)}
    wb.close()
    heads = rows.pop("宗地代码")
    use, town = heads.index("土地用途"), heads.index("镇街")
    # the figure the popup shows counts non-industrial plots: 「工业用地面积」 was wrong
    assert any(r[use] != "工业用地" and r[town] == "斗门街道" for r in rows.values())


def _within(text: str, at: int, forms: set[str]) -> bool:
    """Whether position ``at`` of ``text`` lies inside one of ``forms`` written there."""
    for form in forms:
        i = text.find(form)
        while i != -1:
            if i <= at < i + len(form):
                return True
            i = text.find(form, i + 1)
    return False


def test_map_notes_name_layers_and_fields_in_chinese(demo: Path) -> None:
    """The progress map's panel said 「parcels 图层缺少字段：far（弹窗中相应内容为空）」: the
    layer and the field by their names in the GeoPackage only. A name a reader may need to
    find in the GeoPackage stays, in brackets after the Chinese (「底数清单（parcels）」
    「容积率（far）」), as the other notes name their layers."""
    from landgov.core.columns import label
    from landgov.maps._run import LAYER_LABELS

    named = {*LAYER_LABELS.values()}  # 「增容评估（far）」: the layer far, not the column
    notes: list[str] = []
    for page in sorted((demo / "maps").glob("*.html")):
        notes += [str(n) for n in _config(page).get("panel", {}).get("notes", [])]
    # the second year ran no 增容: said as a stage not run, not as fields the layer lacks
    assert any("本次结果未做增容评估（far）" in n for n in notes), notes
    assert not any("缺少字段" in n for n in notes), notes
    bare: list[str] = []
    for note in notes:
        for m in re.finditer(r"(?<![A-Za-z_])[a-z][a-z0-9_]*(?![A-Za-z0-9_])", note):
            name = m[0]
            if name in {"landgov", "screen", "approved", "far"} and "landgov screen" in note:
                continue  # the command to run, as written
            if not _within(note, m.start(), {f"{label(name)}（{name}）", *named}):
                bare.append(f"{name}: {note}")
    assert not bare, bare


def test_whole_years_read_without_decimals(demo: Path) -> None:
    """闲置年数 counts full years since the contracted start (《闲置土地处置办法》第二条: 满一年,
    满两年) and was shown 「3.00」 (format #,##0.00) beside 批准至今年数 「5」 on the next
    sheet: a count of years has no decimals."""
    seen: set[str] = set()
    bad: list[str] = []
    for where, ws in _sheets(demo):
        heads = [str(c.value or "") for c in next(ws.iter_rows(max_row=1), ())]
        cols = [i for i, h in enumerate(heads) if h.endswith("年数")]
        for row in ws.iter_rows(min_row=2):
            for i in cols:
                cell = row[i]
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    seen.add(heads[i])
                    if "." in cell.number_format:
                        bad.append(f"{where}!{cell.coordinate} 「{cell.number_format}」")
    assert {"闲置年数", "批准至今年数"} <= seen, seen
    assert not bad, bad[:10]


def test_layer_descriptions_give_units_in_chinese(demo: Path) -> None:
    """QGIS shows a field's description under its alias: 单位能耗增加值（万元/吨标煤） was
    described 「单位：万元/tce」, 单位排放增加值 「万元/t」, 单位电耗税收 「万元/万kWh」, while
    综合能耗 read 「单位：吨标准煤」. Each part of a unit reads in Chinese (m² stays m²)."""
    import sqlite3
    from contextlib import closing

    seen: dict[str, str] = {}
    for gpkg in sorted(demo.rglob("*.gpkg")):
        if _INPUT in str(gpkg.parent):
            continue
        with closing(sqlite3.connect(gpkg)) as db:
            for col, text in db.execute("SELECT column_name, description FROM gpkg_data_columns"):
                if text and "单位：" in text:
                    seen[col] = text.split("单位：", 1)[1]
    assert seen["value_added_per_energy"] == "万元/吨标准煤", seen
    assert seen["tax_per_power"] == "万元/万千瓦时"
    english = {c: u for c, u in seen.items() if re.search(r"[A-Za-z]", u.replace("m²", ""))}
    assert not english, english


def test_unsupplied_area_totals_say_what_they_leave_out(demo: Path) -> None:
    """The 批而未供 sheet headed its area 「未供面积（亩，计入）」 on every batch, the 待核实 one
    too (斗门街道, 批准日期 missing: 26.24 亩), so the column summed to 401.49 亩 while the
    镇街汇总's 全区 「批而未供面积（亩）」 said 375.25: the 待核实 batch is counted apart
    (浙政发〔2023〕4号 第二条第（一）项第1目 批而未供; a batch of unknown date is not confirmed).
    The clerk could not tell which figure to report. Now the summary's header says it leaves the
    待核实 batches out, and the batch's area no longer claims to be 计入."""
    wb = openpyxl.load_workbook(demo / "out" / "demo" / "landgov.xlsx", read_only=True)
    batches = list(wb["批而未供"].iter_rows(values_only=True))
    towns = list(wb["镇街汇总"].iter_rows(values_only=True))
    wb.close()
    head, *rows = batches
    area = next(i for i, h in enumerate(head) if str(h).startswith("未供面积（亩"))
    status = head.index("批而未供核查")
    assert "计入" not in head[area], head[area]
    confirmed = sum(r[area] for r in rows if r[status] == "批而未供")
    pending = sum(r[area] or 0 for r in rows if r[status] == "待核实")
    assert pending > 0  # the demo has a batch without its 批准日期
    total_head = next(h for h in towns[0] if str(h).startswith("批而未供面积"))
    district = next(r for r in towns if r[0] == "全区")
    assert district[towns[0].index(total_head)] == pytest.approx(confirmed)
    assert "不含待核实" in total_head, total_head
