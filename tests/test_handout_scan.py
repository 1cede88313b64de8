"""Every handed-out output of ``landgov demo`` read the way a reviewer reads it.

One demo run (screening with 增容 and its 初审表 / 系统预审 forms, the maps, the second year's
动态评价 and 治理台账) is scanned cell by cell: every cell of every sheet of every workbook, every
paragraph and table cell of every form, the text, labels and values embedded in the offline
maps, the GeoPackage layers' text fields and aliases, the text of the A3 briefing (pdftotext).
:func:`tests._words.text_defects` says what a reader must never meet (「nan」, 「-0」,
「2.5000000001」, 「2026-06-30 00:00:00」, Python's ``{'A': 0.2}``, a seed file number, a
traditional character, ``tax_per_mu``).

The sample data the demo generates for its second year (``demo-第二年示例数据``) is input, not
output, and is not scanned.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sqlite3
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import docx
import openpyxl
import pytest

from tests._books import demo_outputs as _outputs
from tests._words import text_defects
from tests.test_column_labels import unlabelled_fields

_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Columns that may name the user's own input fields or the profile's keys, as written: a
#: problem's 字段 and 所见值, the 策略参数 sheet's 参数 (the key to look up in the profile file)
#: and the profile's own 说明 (which may tell which option to write there).
_NAMES_AS_WRITTEN = {"字段", "所见值", "策略参数/参数", "策略参数/说明"}
_EXCEL_SERIALS = (20_000, 80_000)  # 1954-10-03 … 2119-01-10 as Excel day numbers


@pytest.fixture(scope="module")
def demo(demo_run: Path) -> Path:
    return demo_run  # one demo run for the session (tests/conftest.py)


def _bad(where: str, text: str, *, identifiers: bool = True) -> list[str]:
    return [f"{where}: {d} 「{text[:80]}」" for d in text_defects(text, identifiers=identifiers)]


# ------------------------------------------------------------------------------- workbooks


def _cells(book: Path) -> Iterator[tuple[str, str, object, str]]:
    """``(where, header, value, number_format)`` of every filled cell below the header of every
    visible sheet (the 台账's hidden landgov_标识 is for landgov, not for readers)."""
    wb = openpyxl.load_workbook(book, read_only=True)
    try:
        for ws in wb:
            if ws.sheet_state != "visible":
                continue
            rows = ws.iter_rows()
            heads = [str(c.value or "") for c in next(rows, ())]
            for row in rows:
                for i, cell in enumerate(row):
                    if cell.value is None:
                        continue
                    head = heads[i] if i < len(heads) else ""
                    yield (
                        f"{book.name}:{ws.title}!{cell.coordinate}",
                        head,
                        cell.value,
                        (cell.number_format),
                    )
    finally:
        wb.close()


def test_every_workbook_cell_reads_cleanly(demo: Path) -> None:
    bad: list[str] = []
    books = _outputs(demo, "*.xlsx")
    assert {"landgov.xlsx", "动态评价.xlsx", "demo-治理台账.xlsx"} <= {b.name for b in books}
    for book in books:
        for where, head, value, fmt in _cells(book):
            if isinstance(value, str):
                sheet = where.split(":", 1)[1].split("!")[0]
                as_written = {head, f"{sheet}/{head}"} & _NAMES_AS_WRITTEN
                bad += _bad(where, value, identifiers=not as_written)
            elif isinstance(value, float) and not math.isfinite(value):
                bad.append(f"{where}: {value}")
            elif isinstance(value, dt.datetime) and "yy" not in fmt:
                bad.append(f"{where}: 日期未设日期格式 {fmt}")
            elif (
                isinstance(value, int | float)
                and "日期" in head
                and _EXCEL_SERIALS[0] < value < _EXCEL_SERIALS[1]
            ):
                bad.append(f"{where}: 日期显示为 Excel 序号 {value}")
    assert not bad, bad[:40]


def test_every_sheet_header_is_chinese_and_unique(demo: Path) -> None:
    bad: list[str] = []
    for book in _outputs(demo, "*.xlsx"):
        wb = openpyxl.load_workbook(book, read_only=True)
        for ws in wb:
            if ws.sheet_state != "visible":
                continue  # the 台账's hidden landgov_标识: for landgov, not for readers
            heads = [h for h in next(ws.iter_rows(max_row=1, values_only=True), ()) if h]
            twice = [h for h, n in Counter(heads).items() if n > 1]
            english = [h for h in heads if not _CJK.search(str(h))]
            bad += [f"{book.name}:{ws.title} 重复 {twice}"] if twice else []
            bad += [f"{book.name}:{ws.title} 英文 {english}"] if english else []
        wb.close()
    assert not bad, bad


def test_params_sheet_shows_values_not_python(demo: Path) -> None:
    """The 策略参数 sheet: dates, tables and rules as text, names of checks and columns in
    Chinese (the 参数 column keeps the profile's key, to find it in the profile file)."""
    wb = openpyxl.load_workbook(demo / "out" / "demo" / "landgov.xlsx", read_only=True)
    rows = {r[0]: r[1] for r in wb["策略参数"].iter_rows(min_row=2, values_only=True)}
    wb.close()
    assert rows["zengrong.effective_from"] == "2022-11-01"
    assert rows["grading.percentile_bands"] == "A：0.2；B：0.4；C：0.35；D：0.05"
    assert rows["zengrong.standard_land"] == "固定资产投资强度：300；亩均税收：30"
    assert rows["paths.rules"].startswith("R1 关停退出：淘汰类产业")
    assert "“两高”项目" in rows["screening.governance_triggers"]
    assert rows["zengrong.relaxable_rules"].startswith("条件1 面积/拆迁/违建/临时用途：用地面积")


# ------------------------------------------------------------------------------- forms


def test_every_form_paragraph_and_cell_reads_cleanly(demo: Path) -> None:
    bad: list[str] = []
    forms = _outputs(demo, "*.docx")
    assert any("初审表" in str(f) for f in forms) and any("系统预审" in str(f) for f in forms)
    for form in forms:
        doc = docx.Document(str(form))
        for i, para in enumerate(doc.paragraphs):
            bad += _bad(f"{form.name}:段{i}", para.text)
        for t, table in enumerate(doc.tables):
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    bad += _bad(f"{form.name}:表{t}行{r}列{c}", cell.text)
    assert not bad, bad[:40]


def test_every_form_row_has_an_answer(demo: Path) -> None:
    """Each row of the 初审表 says something beside its label: a value, the form's own hint
    (「（姓名）」) or the lines to sign on, never an empty cell."""
    empty: list[str] = []
    for form in _outputs(demo, "*.docx"):
        if "初审表" not in form.parts:
            continue  # the 系统预审 sheets list conditions and reasons, checked above
        for row in docx.Document(str(form)).tables[0].rows:
            label, *answers = [c.text.strip() for c in row.cells]
            empty += [f"{form.name}: {label}" for a in answers if not a]
    assert not empty, empty


# ------------------------------------------------------------------------------- maps


def _blocks(page: str) -> dict[str, str]:
    return dict(
        re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', page, re.S)
    )


def _strings(value: object, where: str) -> Iterator[tuple[str, object]]:
    """Every leaf of a JSON value, with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{where}[{i}]")
    else:
        yield where, value


def test_every_map_text_label_and_value_reads_cleanly(demo: Path) -> None:
    bad: list[str] = []
    pages = _outputs(demo, "*.html")
    assert len(pages) >= 2
    for page_path in pages:
        page = page_path.read_text(encoding="utf-8")
        for name, body in _blocks(page).items():
            if not (name == "lg-config" or name.startswith("lg-attrs")):
                continue  # geometry and class codes: base64, no text
            for where, leaf in _strings(json.loads(body), f"{page_path.name}:{name}"):
                if where.endswith((".k", ".m")) or ".searchFields[" in where:
                    continue  # the page's own keys into the data (a field's value and mark)
                if isinstance(leaf, str):
                    bad += _bad(where, leaf)
                elif isinstance(leaf, float):
                    bad += _bad(where, repr(leaf))
                    bad += [f"{where}: {leaf}"] if not math.isfinite(leaf) else []
        markup = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", page, flags=re.S)
        for text in re.findall(r">([^<]+)<", markup):
            bad += _bad(f"{page_path.name}:页面", text)
    assert not bad, bad[:40]


def test_every_popup_label_is_chinese(demo: Path) -> None:
    bad = []
    for page_path in _outputs(demo, "*.html"):
        config = json.loads(_blocks(page_path.read_text(encoding="utf-8"))["lg-config"])
        for where, leaf in _strings(config, page_path.name):
            if where.endswith(".l") and not _CJK.search(str(leaf)):
                bad.append(f"{where}: {leaf}")
    assert not bad, bad


# ------------------------------------------------------------------------------- GeoPackage


def test_every_layer_text_and_alias_reads_cleanly(demo: Path) -> None:
    bad: list[str] = []
    packages = _outputs(demo, "*.gpkg")
    for gpkg in packages:
        assert not unlabelled_fields(gpkg), (gpkg, unlabelled_fields(gpkg))
        with closing(sqlite3.connect(gpkg)) as db:
            tables = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")]
            for table in tables:
                if table == "layer_styles":  # QGIS's own style XML
                    continue
                for (col,) in db.execute(f'SELECT name FROM pragma_table_info("{table}")'):
                    query = f'SELECT DISTINCT "{col}" FROM "{table}" WHERE typeof("{col}") = ?'
                    for (text,) in db.execute(query, ("text",)):
                        bad += _bad(f"{gpkg.name}:{table}.{col}", text)
                    for (number,) in db.execute(query, ("real",)):
                        bad += [] if math.isfinite(number) else [f"{table}.{col}: {number}"]
            for table, col, title in db.execute(
                "SELECT table_name, column_name, title FROM gpkg_data_columns"
            ):
                bad += _bad(f"{gpkg.name}:别名 {table}.{col}", title or "")
    assert not bad, bad[:40]


# ------------------------------------------------------------------------------- briefing


def test_briefing_text_reads_cleanly(demo: Path) -> None:
    bad: list[str] = []
    for pdf in _outputs(demo, "*.pdf"):
        try:
            done = subprocess.run(
                ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            pytest.skip("pdftotext (poppler-utils) not installed")
        assert "联席会议" in done.stdout or "治理" in done.stdout
        for i, line in enumerate(done.stdout.splitlines()):
            bad += _bad(f"{pdf.name}:行{i}", line)
    assert not bad, bad[:40]
