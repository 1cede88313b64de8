"""What leaves the office for a 联席会议 briefing, checked as the clerk who prints it.

One ``landgov demo`` run (screening with 增容 and its 初审表, the maps, the briefing, the second
year's 动态评价 and 治理台账) is opened with the libraries a reader's software stands for:

- every visible sheet of every workbook (openpyxl): printed landscape, one page wide, the
  header row on every page, a page header naming the sheet, the data date and the policy, the
  footer 「第 &P 页，共 &N 页」; frozen header, columns wide enough for their Chinese header,
  units in the headers of amounts, amounts with 2 decimals, numbers stored as numbers, dates
  as dates, no live formula, no 「nan」/「True」;
- every 初审表 (python-docx) against 越政发〔2022〕24号 附件3.1: its fields in the form's
  order, the figures with the form's units, the signature and date lines left blank, A4
  portrait with the table inside the margins;
- the offline maps in headless Chromium with the network switched off, and the static map and
  the A3 briefing: Chinese text drawn with a CJK font (not tofu), legend, scale bar, north
  arrow, data date and policy.

The generated second-year sample (``demo-第二年示例数据``) is input, not output.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import docx
import numpy as np
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image

from tests._books import column_widths, handed_out_sheets
from tests._books import demo_outputs as _outputs
from tests._browser import chromium_driver, console_errors, missing_browser, wait_drawn

_AS_OF = "2026-06-30"  # the demo's first run
_NEXT = "2027-06-30"  # its second year
_POLICY = "越政发〔2022〕24号（配置 yuecheng-2022 v2022.1）"
_FOOTER = "第 &P 页，共 &N 页"
#: 越政发〔2022〕24号 附件3.1《越城区、滨海新区存量工业用地增容项目 初审表》, row by row.
_FORM_FIELDS = [
    "企业名称（盖公章）",
    "法人代表",
    "联系人",
    "拟上项目名称",
    "项目总投资",
    "固定资产投资强度",
    "项目建设地址",
    "所属行业",
    "现状情况",
    "项目实施后",
    "项目建设内容",
    "企业承诺",
    "镇人民政府、街道办事处审核意见",
]
_FORM_TITLE = "越城区、滨海新区存量工业用地增容项目初审表"
#: The numbered items of 现状情况 and 项目实施后 with the form's own unit after each figure.
_FORM_ITEMS = {
    "现状情况": [("1.土地面积", "亩"), ("2.建筑面积", "平方米"), ("3.容积率", ""),
                 ("4.上年度亩均税收", "万元/亩")],
    "项目实施后": [("1.新增建筑面积", "平方米"), ("2.亩均税收", "万元/亩"), ("3.容积率", "")],
}  # fmt: skip
_NUMBER = r"\d{1,3}(?:,\d{3})*\.\d{2}"
#: Columns of codes and of values as the user or the profile wrote them: digits there are text.
_AS_TEXT = re.compile(r"代码|编号|标识|所见值|取值|评价单元")
_LITERALS = {"nan", "NaN", "None", "True", "False", "NaT", "<NA>", "null", "inf", "-inf"}
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?: 00:00:00)?")
_NUMBER_TEXT = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
#: A unit as one item of a header's brackets: 「面积（亩）」「面积（图形，m²）」,
#: 「亩均税收（万元/亩）」 (never the 亩 of 「（未计入亩均）」).
_UNIT = re.compile(
    r"[（(](?:[^）)]*[，、,])?\s*(亩|m²|㎡|平方米|万元(?:/[^）)，、,]+)?)\s*(?:[，、,][^）)]*)?[）)]"
)
_TWO_DECIMALS = re.compile(r"(?:#,##)?0\.00(?![0#%])")


@pytest.fixture(scope="module")
def demo(demo_run: Path) -> Path:
    return demo_run  # one demo run for the session (tests/conftest.py)


def _sheets(root: Path) -> Iterator[tuple[str, Worksheet]]:
    """``(book:sheet, worksheet)`` of every visible sheet of every handed-out workbook."""
    for book, ws in handed_out_sheets(root):
        yield f"{book.relative_to(root)}:{ws.title}", ws


def _heads(ws: Worksheet) -> list[str]:
    return [str(c.value or "") for c in ws[1]]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ------------------------------------------------------------------------------- workbooks


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_row(demo: Path) -> None:
    bad: list[str] = []
    seen = set()
    for where, ws in _sheets(demo):
        seen.add(where.split(":")[0].rsplit("/", 1)[-1])
        setup = ws.page_setup
        fit = ws.sheet_properties.pageSetUpPr
        if setup.orientation != "landscape":
            bad.append(f"{where}: 方向 {setup.orientation}")
        if str(setup.paperSize) not in {"8", "9"}:  # A3, A4
            bad.append(f"{where}: 纸张 {setup.paperSize}")
        if not (fit is not None and fit.fitToPage) or setup.fitToWidth not in (None, 1):
            bad.append(f"{where}: 未按页宽缩放")
        if setup.fitToHeight != 0:
            bad.append(f"{where}: 页高 {setup.fitToHeight}（应不限页数）")
        if ws.print_title_rows != "$1:$1":
            bad.append(f"{where}: 表头行不在每页重复（{ws.print_title_rows}）")
        if ws.oddFooter.center.text != _FOOTER:
            bad.append(f"{where}: 页脚 {ws.oddFooter.center.text!r}")
    assert {"landgov.xlsx", "动态评价.xlsx", "demo-治理台账.xlsx"} <= seen
    assert not bad, bad


def _header(ws: Worksheet) -> str:
    head = ws.oddHeader
    return " | ".join(part.text or "" for part in (head.left, head.center, head.right))


def test_every_page_header_names_the_sheet_the_data_date_and_the_policy(demo: Path) -> None:
    """A loose page says which list it is (the sheet's name, 「&A」), of which date and under
    which policy; the 治理台账 (tracked by 镇街, not by one run) says its own date and the
    policy of the runs it was built from, as their manifests record it."""
    bad: list[str] = []
    for where, ws in _sheets(demo):
        text = _header(ws)
        if "&A" not in text:
            bad.append(f"{where}: 页眉无表名 {text!r}")
        if "治理台账" in where:  # updated with the second year's run, dated the day it is
            wanted = [r"台账日期 \d{4}-\d{2}-\d{2}", re.escape(_POLICY)]
        elif "动态评价" in where:
            wanted = [f"对比 {_AS_OF} 至 {_NEXT}", re.escape(_POLICY)]
        else:
            day = _NEXT if "第二年" in where else _AS_OF
            wanted = [f"数据截至 {day}", re.escape(_POLICY)]
        bad += [f"{where}: 页眉缺「{w}」 {text!r}" for w in wanted if not re.search(w, text)]
        if len(text) > 255:  # Excel's limit for a header
            bad.append(f"{where}: 页眉过长 {len(text)}")
    assert not bad, bad[:20]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_header_is_frozen_and_columns_show_their_chinese_header(demo: Path) -> None:
    """Row 1 stays in view; a column is as wide as its header's longest line (a CJK character
    two units), or its header cell wraps and the column holds at least two characters."""
    bad: list[str] = []
    for where, ws in _sheets(demo):
        if ws.max_row < 2 or ws.title == "填写说明":  # the 台账's notes: two columns of prose
            continue
        if not (ws.freeze_panes or "").endswith("2"):
            bad.append(f"{where}: 表头未冻结 {ws.freeze_panes}")
        widths = column_widths(ws)
        for j, head in enumerate(_heads(ws), start=1):
            width = widths.get(j, 8.43)  # Excel's default column
            need = max(_display_width(line) for line in head.split("\n"))
            wraps = bool(ws.cell(1, j).alignment.wrap_text)
            if width < 0.9 * need and not (wraps and width >= 4):
                bad.append(f"{where}: 「{head}」 列宽 {width} < {need}")
    assert not bad, bad[:20]


def _numeric_columns(ws: Worksheet) -> dict[int, list[openpyxl.cell.Cell]]:
    cols: dict[int, list] = {}
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if _is_number(cell.value):
                cols.setdefault(cell.column, []).append(cell)
    return cols


def test_amounts_carry_their_unit_and_two_decimals(demo: Path) -> None:
    """A column of 面积, 税收, 增加值 or 投资 says its unit (亩, m², 平方米, 万元, 万元/亩); 亩,
    万元, m² and 容积率 show 2 decimals (a 容积率 of 1.2 is 1.20, never 1.2 beside 1.25)."""
    bad: list[str] = []
    for where, ws in _sheets(demo):
        heads = _heads(ws)
        for col, cells in _numeric_columns(ws).items():
            head = heads[col - 1] if col <= len(heads) else ""
            flat = head.replace("\n", "")
            amount = re.search(r"面积|税收|增加值|投资|收入|经费", flat)
            if amount and not re.search(r"得分|占比|率|年份|数|%", flat) and not _UNIT.search(flat):
                bad.append(f"{where}: 「{flat}」 表头无单位")
            if _UNIT.search(flat) or (flat.endswith("容积率") or flat.startswith("容积率（")):
                if re.search(r"率（%）|%|占比|得分", flat):
                    continue
                formats = {c.number_format for c in cells}
                wrong = {f for f in formats if not _TWO_DECIMALS.search(f)}
                bad += [f"{where}: 「{flat}」 数字格式 {wrong}"] if wrong else []
    assert not bad, bad[:20]


def test_numbers_are_numbers_dates_are_dates_and_no_cell_is_a_formula(demo: Path) -> None:
    """A number stored as text (「12000.0」, 「2」) is not summed by Excel or WPS; a date stored
    as text does not sort; a cell read as a formula could run; a Python literal means nothing."""
    bad: list[str] = []
    for where, ws in _sheets(demo):
        heads = _heads(ws)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                value = cell.value
                head = heads[cell.column - 1] if cell.column <= len(heads) else ""
                at = f"{where}!{cell.coordinate}「{head}」"
                if cell.data_type == "f":
                    bad.append(f"{at}: 公式 {value!r}")
                if not isinstance(value, str):
                    if isinstance(value, dt.datetime) and "yy" not in cell.number_format:
                        bad.append(f"{at}: 日期未设格式 {cell.number_format}")
                    continue
                text = value.strip()
                if text in _LITERALS:
                    bad.append(f"{at}: {text!r}")
                elif _DATE_TEXT.fullmatch(text) and not _AS_TEXT.search(head):
                    bad.append(f"{at}: 日期存为文本 {text!r}")  # in any column (汇总's 数值)
                elif _NUMBER_TEXT.fullmatch(text) and not _AS_TEXT.search(head):
                    bad.append(f"{at}: 数字存为文本 {text!r}")
    assert not bad, bad[:20]


# ------------------------------------------------------------------------------- 初审表


def _form_rows(form: Path) -> list[list[str]]:
    """Each row's distinct cell texts in order (a merged cell repeats in python-docx)."""
    rows = []
    for row in docx.Document(str(form)).tables[0].rows:
        texts = [c.text for c in row.cells]
        rows.append([t for i, t in enumerate(texts) if i == 0 or t != texts[i - 1]])
    return rows


def test_forms_follow_the_official_form_field_by_field(demo: Path) -> None:
    """越政发〔2022〕24号 附件3.1: every field, in the form's order, each with its answer; the
    figures of 现状情况 and 项目实施后 with the form's units."""
    forms = [f for f in _outputs(demo, "*.docx") if "初审表" in f.parts]
    assert forms
    bad: list[str] = []
    for form in forms:
        doc = docx.Document(str(form))
        title = re.sub(r"\s", "", doc.paragraphs[0].text)
        bad += [f"{form.name}: 标题 {title}"] if title != _FORM_TITLE else []
        rows = _form_rows(form)
        labels = [t for r in rows for t in r if t in _FORM_FIELDS]
        bad += [f"{form.name}: 栏目 {labels}"] if labels != _FORM_FIELDS else []
        answers = {r[i]: r[i + 1] for r in rows for i in range(0, len(r) - 1, 2)}
        for field, items in _FORM_ITEMS.items():
            lines = answers.get(field, "").split("\n")
            for (item, unit), line in zip(items, lines, strict=False):
                # a 亩均税收 may say its basis after the unit where the plot's and the
                # applicant's differ (「（宗地上 2 家企业合计）」, reports.chushen)
                pattern = (
                    rf"{re.escape(item)}：({_NUMBER}|待核实[^\n]*)\s*{re.escape(unit)}"
                    r"(（[^（）]+）)?"
                )
                if not re.fullmatch(pattern, line.strip()):
                    bad.append(f"{form.name}: {field} 「{line}」")
            bad += [f"{form.name}: {field} 共 {len(lines)} 项"] if len(lines) != len(items) else []
        for field, unit in (("项目总投资", "万元"), ("固定资产投资强度", "万元/亩")):
            if not re.fullmatch(rf"({_NUMBER}|待核实[^\n]*) {unit}", answers.get(field, "")):
                bad.append(f"{form.name}: {field} 「{answers.get(field)}」")
    assert not bad, bad[:20]


def test_forms_leave_signatures_and_dates_blank_and_fit_a4(demo: Path) -> None:
    """The 法人代表 and the 镇街 leader sign and date by hand: nothing is printed after 「签字
    （盖章）：」 or 「时间：」. A4 portrait, the table inside the margins."""
    bad: list[str] = []
    for form in [f for f in _outputs(demo, "*.docx") if "初审表" in f.parts]:
        rows = _form_rows(form)
        signs = [t for r in rows for t in r if "签字（盖章）：" in t]
        if len(signs) != 2:
            bad.append(f"{form.name}: 签字栏 {len(signs)} 处")
        for text in signs:
            after = text.split("签字（盖章）：", 1)[1]
            if not re.fullmatch(r"[\s\u3000]*时间：[\s\u3000]*", after):
                bad.append(f"{form.name}: 签字栏已填 「{after}」")
        doc = docx.Document(str(form))
        section = doc.sections[0]
        w, h = section.page_width.mm, section.page_height.mm
        if abs(w - 210) > 1 or abs(h - 297) > 1:
            bad.append(f"{form.name}: 纸张 {w:.0f}×{h:.0f} mm")
        room = w - section.left_margin.mm - section.right_margin.mm
        table = sum(c.width.mm for c in doc.tables[0].columns)
        if table > room + 0.5:
            bad.append(f"{form.name}: 表宽 {table:.1f} mm > 版心 {room:.1f} mm")
    assert not bad, bad


# ------------------------------------------------------------------------------- maps


_EXTERNAL_LOAD = re.compile(
    r"""(?:\b(?:src|href|data)\s*=\s*["']?|url\(\s*["']?|@import\s+["']?)(?:https?:)?//""", re.I
)


def _loads_external(page: str) -> list[str]:
    """Markup that would fetch from the network as the page loads: a script, image, style or
    font from an http(s) or protocol-relative URL (a link the reader may click is ``<a href>``,
    and is not fetched)."""
    page = re.sub(r"<a\b[^>]*>", "", page)
    return [page[max(0, m.start() - 40) : m.end() + 40] for m in _EXTERNAL_LOAD.finditer(page)]


def test_map_pages_fetch_nothing_from_the_network(demo: Path) -> None:
    bad = {}
    for page in _outputs(demo, "*.html"):
        found = _loads_external(page.read_text(encoding="utf-8"))
        if found:
            bad[page.name] = found[:3]
    assert not bad, bad
    # the check itself finds what it is for
    assert _loads_external('<script src="https://unpkg.com/leaflet.js"></script>')
    assert _loads_external("<style>@import url(//fonts.googleapis.com/css);</style>")
    assert not _loads_external('<a href="https://leafletjs.com">Leaflet</a>')


@pytest.mark.skipif(missing_browser() is not None, reason=str(missing_browser()))
def test_map_pages_open_offline_with_title_date_policy_and_a_chinese_legend(demo: Path) -> None:
    """Each map opened with the network switched off draws its plots and shows its title, data
    date, policy and a legend in Chinese whose entries count their plots (宗) or cases (件)."""
    for page, day in ((demo / "maps" / "demo.html", _AS_OF),
                      (demo / "maps" / "demo-进度.html", _NEXT)):  # fmt: skip
        with chromium_driver() as driver:
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd(
                "Network.emulateNetworkConditions",
                {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            )
            driver.get(page.as_uri())
            state = wait_drawn(driver)
            assert state["ready"] and not state["errors"], state
            assert state["drawn"] > 1000, state
            assert not console_errors(driver)
            fetched = driver.execute_script(
                "return performance.getEntriesByType('resource').map(e => e.name)"
            )
            assert not [u for u in fetched if u.startswith(("http:", "https:"))], fetched
            text = driver.execute_script("return document.body.innerText")
            title = driver.execute_script("return document.title")
        assert "工业用地治理" in title and "模拟数据" in title
        assert title in text  # on the page, not only in the tab
        assert f"数据日期 {day}" in text and f"政策口径 {_POLICY}" in text
        assert re.search(r"四个一批路径|治理台账进度", text)
        assert len(re.findall(r"\n[\d,]+ 宗\n", text)) >= 4, text[-800:]


def _glyph_boxes(band: np.ndarray) -> list[np.ndarray]:
    """The inked column runs of a text band (one glyph or a part of one each), trimmed."""
    ink = band.any(axis=0)
    edges = np.flatnonzero(np.diff(np.r_[0, ink.astype(int), 0]))
    boxes = []
    for x0, x1 in zip(edges[::2], edges[1::2], strict=True):
        part = band[:, x0:x1]
        rows = np.flatnonzero(part.any(axis=1))
        boxes.append(part[rows[0] : rows[-1] + 1])
    return boxes


def _looks_like_tofu(image: Image.Image, box: tuple[int, int, int, int]) -> bool:
    """Whether the text in ``box`` is drawn as missing-glyph boxes: tofu is one hollow box
    repeated, so most of its glyphs are the same bitmap; Chinese glyphs all differ."""
    band = np.asarray(image.convert("L").crop(box)) < 128
    boxes = [b for b in _glyph_boxes(band) if b.shape[1] > 3]
    assert len(boxes) >= 6, len(boxes)
    distinct = {(b.shape, b.tobytes()) for b in boxes}
    return len(distinct) < 0.6 * len(boxes)


def test_static_map_draws_chinese_not_tofu(demo: Path, tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    png = Image.open(demo / "maps" / "demo.png")
    w, h = png.size
    assert w > h  # A4 landscape
    assert not _looks_like_tofu(png, (0, 0, w, int(h * 0.045)))  # the title line
    # the check itself tells tofu: the same title drawn with a font without CJK glyphs
    fig = plt.figure(figsize=(8, 0.6), dpi=200)
    fig.text(0.02, 0.3, "越城区、滨海新区工业用地治理", fontfamily="DejaVu Sans", fontsize=20)
    with pytest.warns(UserWarning, match="missing from font"):
        fig.savefig(tmp_path / "tofu.png")
    plt.close(fig)
    tofu = Image.open(tmp_path / "tofu.png")
    assert _looks_like_tofu(tofu, (0, 0, *tofu.size))


def _pdf_text(pdf: Path) -> str:
    try:
        done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("pdftotext (poppler-utils) not installed")
    return done.stdout


def _pdf_fonts(pdf: Path) -> list[list[str]]:
    done = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return [line.split() for line in done.stdout.splitlines()[2:]]


def test_static_map_pdf_has_legend_scale_bar_north_arrow_and_an_embedded_cjk_font(
    demo: Path, tmp_path: Path
) -> None:
    """The print map drawn as PDF: its text is text, so the legend, the scale bar (比例尺 and a
    length in 米 or 千米), the north arrow (北), the data date and the policy can be read; every
    font is embedded and one is a CJK font (the page prints the same on any machine)."""
    from landgov.maps import render_static
    from landgov.maps._run import load_run

    pdf = render_static(load_run(demo / "out" / "demo"), tmp_path / "map.pdf", theme="path")
    text = _pdf_text(Path(pdf))
    for words in ("四个一批路径", "拆除重建", "宗", "比例尺 1:", "北", f"数据日期：{_AS_OF}",
                  "政策口径：越政发〔2022〕24号"):  # fmt: skip
        assert words in text, words
    assert re.search(r"\b\d+ (千米|米)\b|\d+\s*(千米|米)", text)
    fonts = _pdf_fonts(Path(pdf))
    assert fonts and all(f[-5] == "yes" for f in fonts), fonts  # emb column
    assert any(re.search(r"CJK|Han|Hei|Song|Noto Sans SC|WenQuanYi", f[0]) for f in fonts), fonts


def test_briefing_pdf_embeds_its_fonts_and_names_the_policy_as_the_maps_do(demo: Path) -> None:
    """The A3 briefing: every font embedded, a CJK one among them; each page's footer quotes
    the policy by its 文号 as the maps do, not by the profile's file name alone."""
    pdf = demo / "maps" / "demo_联席会议审议材料.pdf"
    fonts = _pdf_fonts(pdf)
    assert fonts and all(f[-5] == "yes" for f in fonts), fonts
    assert any("CJK" in f[0] for f in fonts), fonts
    text = _pdf_text(pdf)
    footers = [line for line in text.splitlines() if "政策口径：" in line]
    assert footers and all(f"政策口径：{_POLICY}" in line for line in footers), footers[:2]


# ------------------------------------------------------------------------------- sources, dates

#: The demo's inputs as its first run's manifest names them: the screening's, in its order,
#: then what the 增容 stage read besides; each by what it is and its file name only.
_SOURCE_YEAR1 = (
    "数据来源：宗地 parcels.shp、企业 enterprises.xlsx、地企关联 links.xlsx、"
    "违法违规 compliance.xlsx、规划 planning.shp、拆迁计划 demolition.shp、"
    "镇街边界 townships.shp、建筑高度 height.tif、批而未供 approved.shp、"
    "建筑轮廓 buildings.gpkg、特殊片区 special_zones.shp、增容申请 applications.xlsx；"
    f"数据截至 {_AS_OF}"
)
#: The second year's run (the progress map's) read the seven files of the generated sample.
_SOURCE_YEAR2 = (
    "数据来源：宗地 parcels.shp、企业 enterprises.xlsx、地企关联 links.xlsx、"
    "违法违规 compliance.xlsx、规划 planning.shp、拆迁计划 demolition.shp、"
    f"镇街边界 townships.shp；数据截至 {_NEXT}"
)
#: A date written the other way (「2026年12月2日」) beside the ISO dates of the data.
_CHINESE_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"


def _flat(text: str) -> str:
    """Text without white space: a PDF's lines, and its words set apart by -layout, joined."""
    return re.sub(r"\s+", "", text)


def _map_config(page: Path) -> dict:
    import json

    html = page.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="lg-config">(.*?)</script>', html, re.S)
    assert found, page.name
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def static_pdf(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The text of the demo's print map drawn as PDF (the PNG is the same page)."""
    from landgov.maps import render_static
    from landgov.maps._run import load_run

    out = tmp_path_factory.mktemp("static") / "map.pdf"
    return _pdf_text(Path(render_static(load_run(demo / "out" / "demo"), out, theme="path")))


def _input_folders(demo: Path) -> set[str]:
    """The folders the demo's inputs were read from (a user's machine: never on a map)."""
    import json

    folders = set()
    for run in ("demo", "demo-第二年"):
        manifest = json.loads((demo / "out" / run / "manifest.json").read_text("utf-8"))
        for stage in manifest["stages"].values():
            folders |= {str(Path(e["path"]).parent) for e in stage["inputs"].values()}
    return folders


def test_every_map_says_where_its_data_came_from_by_file_name_only(
    demo: Path, static_pdf: str
) -> None:
    """The briefing map, the progress map, the print map and every page of the 联席会议
    material carry one line 「数据来源：宗地 parcels.shp、企业 enterprises.xlsx …；数据截至
    2026-06-30」: the run's inputs as its manifest names them, file names only (the manifest
    holds full paths, and a path can name the user), and the as-of date."""
    for page, source in ((demo / "maps" / "demo.html", _SOURCE_YEAR1),
                         (demo / "maps" / "demo-进度.html", _SOURCE_YEAR2)):  # fmt: skip
        assert _map_config(page).get("source") == source, page.name
    assert _flat(_SOURCE_YEAR1) in _flat(static_pdf)
    briefing = _pdf_text(demo / "maps" / "demo_联席会议审议材料.pdf")
    pages = [p for p in briefing.split("\f") if p.strip()]
    assert len(pages) > 1 and all(_flat(_SOURCE_YEAR1) in _flat(p) for p in pages)
    folders = _input_folders(demo)
    assert folders
    shown = {
        "demo.html": (demo / "maps" / "demo.html").read_text("utf-8"),
        "demo-进度.html": (demo / "maps" / "demo-进度.html").read_text("utf-8"),
        "print map": static_pdf,
        "briefing": briefing,
    }
    leaked = [(name, f) for name, text in shown.items() for f in folders if f in text]
    assert not leaked, leaked


def test_dates_read_one_way_on_maps_page_headers_and_forms(demo: Path, static_pdf: str) -> None:
    """「制图日期 2026年12月2日」 beside 「数据日期 2026-06-30」 reads as two kinds of date: every
    date landgov writes on a map, a workbook's page header or a 初审表 is 2026-06-30, the form
    the data, the manifests and the date cells (yyyy-mm-dd) use."""
    assert re.search(rf"制图日期：{_ISO_DATE}", static_pdf)
    assert re.search(rf"数据日期：{_AS_OF}", static_pdf)
    texts = {"print map": static_pdf}
    texts["briefing"] = _pdf_text(demo / "maps" / "demo_联席会议审议材料.pdf")
    assert re.search(rf"制作日期：{_ISO_DATE}", texts["briefing"])
    for page in _outputs(demo, "*.html"):
        config = _map_config(page)
        texts[page.name] = " ".join(str(config.get(k)) for k in ("title", "subtitle", "source"))
    for where, ws in _sheets(demo):
        texts[where] = _header(ws)
    for form in [f for f in _outputs(demo, "*.docx") if "初审表" in f.parts]:
        doc = docx.Document(str(form))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        texts[form.name] = "\n".join([p.text for p in doc.paragraphs] + cells)
    bad = {k: _CHINESE_DATE.findall(v) for k, v in texts.items() if _CHINESE_DATE.search(v)}
    assert not bad, list(bad.items())[:5]
    # the check itself finds the other form
    assert _CHINESE_DATE.search("制图日期：2026年12月2日") and not _CHINESE_DATE.search(_AS_OF)


def test_ledger_pages_name_the_policy_of_its_runs_even_when_updated_without_one(
    demo: Path, tmp_path: Path
) -> None:
    """The 治理台账 is built from runs whose manifests record their profile; the workbook keeps
    it, so a 镇街's edits read back without a new run (``landgov ledger update`` without
    ``--run``) still print 「政策口径 越政发〔2022〕24号（配置 yuecheng-2022 v2022.1）」."""
    from landgov.ledger import update_ledger, write_ledger

    day = dt.date(2027, 8, 1)
    ledger = update_ledger(demo / "out" / "demo-治理台账.xlsx", None, as_of=day)
    assert ledger.profile and ledger.profile["name"] == "yuecheng-2022"
    out = write_ledger(ledger, tmp_path / "台账.xlsx")
    for ws in openpyxl.load_workbook(out).worksheets:
        if ws.sheet_state == "visible":
            assert f"台账日期 2027-08-01　政策口径 {_POLICY}" in _header(ws), ws.title


def test_comparison_summary_holds_its_two_dates_as_dates(demo: Path) -> None:
    """The 动态评价 汇总 sheet: the two runs' reference dates are date cells (Excel sorts and
    formats them), on rows that say which date they are."""
    ws = openpyxl.load_workbook(_outputs(demo, "动态评价.xlsx")[0])["汇总"]
    rows = {r[0].value: r[1] for r in ws.iter_rows(min_row=2) if r[0].value}
    for label, day in (("旧期基准日期", _AS_OF), ("新期基准日期", _NEXT)):
        cell = rows[label]
        assert isinstance(cell.value, dt.datetime), (label, cell.value)
        assert cell.value.date().isoformat() == day and "yy" in cell.number_format
