"""The demo's hand-outs as a county official reads them before a 联席会议 (round 3).

One ``landgov demo`` run (the session's, :func:`tests.conftest.demo_run`) is read for what the
earlier audits (``test_handout*``) do not pin: that one concept carries one name in every list,
map, print and form (the label registry's, :mod:`landgov.core.columns`), that a plot's reasons
do not say one fact twice, and that the 治理台账's columns to fill tell the 镇街 what to write.
Each test says what the official met before.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from landgov.core.columns import label, short_label
from tests._books import demo_outputs as _outputs

#: Names the outputs gave a registered concept beside the registry's own label: the path was
#: 「四个一批路径」 in the lists, 「治理路径」 on the print view, the 台账 and the 动态评价,
#: 「处置路径」 on the maps and the briefing; 路径状态 was 「路径判定」 in a popup, 理由 「理由及
#: 条款」, 缺少的数据 「缺少数据」, 问题标记 「问题记录」 (the name of the problems sheet),
#: 评价等级 a bare 「等级」 on the 台账. Each is searched in every header, popup label, section
#: and legend title, and table header of the briefing.
_OTHER_NAMES = {
    "path": ("治理路径", "处置路径"),
    "path_status": ("路径判定",),
    "reasons": ("理由及条款",),
    "missing": ("缺少数据",),
    "parcel_id": ("地块编号", "宗地编号"),
    "township": ("乡镇",),
    "holder": ("使用权人",),
}
#: A header that is the whole of another name (a 「等级」 column beside 评价等级 elsewhere).
_BARE_NAMES = {"grade": ("等级",)}
#: Popup fields of these columns carry the registry's label (without its unit, shown apart).
_POPUP_CONCEPTS = (
    "screening_status", "path", "path_status", "path_computed", "reasons", "missing", "flags",
    "to_verify", "parcel_id", "township", "holder", "grade", "area_mu", "tax_per_mu", "block_id",
)  # fmt: skip


@pytest.fixture(scope="module")
def demo(demo_run: Path) -> Path:
    return demo_run  # one demo run for the session (tests/conftest.py)


def _config(page: Path) -> dict:
    html = page.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="lg-config">(.*?)</script>', html, re.S)
    assert found, page.name
    return json.loads(found[1])


def _popup_fields(config: dict) -> Iterator[tuple[str, dict]]:
    """``(section title, field spec)`` of every popup section of every layer."""
    for layer in config.values():
        if isinstance(layer, dict):
            for title, fields in layer.get("sections", ()):
                for spec in fields:
                    yield title, spec


def _headers(demo: Path) -> Iterator[tuple[str, str]]:
    """``(where, header)`` of every visible sheet of every workbook (a line break removed)."""
    for book in _outputs(demo, "*.xlsx"):
        wb = openpyxl.load_workbook(book, read_only=True)
        for ws in wb:
            if ws.sheet_state == "visible" and ws.title != "填写说明":
                for head in next(ws.iter_rows(max_row=1, values_only=True), ()):
                    if head:
                        yield f"{book.name}:{ws.title}", str(head).replace("\n", "")
        wb.close()


def _labels(demo: Path) -> Iterator[tuple[str, str]]:
    """``(where, label)``: every header, popup label, section and legend title, and every
    table header and legend title of the briefing."""
    yield from _headers(demo)
    for page in _outputs(demo, "*.html"):
        config = _config(page)
        for title, spec in _popup_fields(config):
            yield f"{page.name}:弹窗", title
            yield f"{page.name}:弹窗", spec["l"]
        for layer in config.values():
            for theme in layer.get("themes", ()) if isinstance(layer, dict) else ():
                yield f"{page.name}:图例", theme.get("label", "")
                yield f"{page.name}:图例", theme.get("legendTitle", "")
    for pdf in _outputs(demo, "*.pdf"):
        try:
            done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                                  capture_output=True, text=True, check=True)  # fmt: skip
        except (OSError, subprocess.CalledProcessError):
            pytest.skip("pdftotext (poppler-utils) not installed")
        for line in done.stdout.splitlines():
            if "宗地代码" in line or "宗地及周边" in line or line.strip().startswith("四个一批"):
                yield pdf.name, line  # a table's header row, a legend's title


def test_a_concept_has_the_registrys_one_name_in_every_output(demo: Path) -> None:
    """The 底数清单 says 「四个一批路径」; the print view, the 台账 and the 动态评价 said
    「治理路径」, the maps and the briefing 「处置路径」: three names for one column at one
    meeting. Every header, popup label, legend and briefing table names a registered concept
    by the registry's label, and by no other name."""
    bad: Counter[str] = Counter()
    seen = 0
    for where, text in _labels(demo):
        seen += 1
        for name, others in _OTHER_NAMES.items():
            for other in others:
                if other in text:
                    bad[f"{where}: 「{text.strip()[:40]}」 应为「{short_label(name)}」"] += 1
        for name, others in _BARE_NAMES.items():
            if text.strip() in others:
                bad[f"{where}: 「{text.strip()}」 应为「{label(name)}」"] += 1
    assert seen > 500
    assert not bad, list(bad)[:30]


def test_map_popups_label_each_concept_as_the_lists_do(demo: Path) -> None:
    """A popup field of a registered column carries that column's label as the lists head it
    (its unit shown beside the value): 筛查结论, 四个一批路径, 路径状态, 理由（含政策依据）,
    缺少的数据, 问题标记 (not 「问题记录」, the problems sheet), 面积 (not 「用地面积」 beside
    the 底数清单's 面积（亩）), 连片编号."""
    bad: set[str] = set()
    seen: set[str] = set()
    for page in _outputs(demo, "*.html"):
        for _title, spec in _popup_fields(_config(page)):
            if spec["k"] in _POPUP_CONCEPTS:
                seen.add(spec["k"])
                want = short_label(spec["k"])
                if spec["l"] != want:
                    bad.add(f"{page.name}: {spec['k']} 「{spec['l']}」≠「{want}」")
    assert {"path", "path_status", "reasons", "flags", "area_mu", "block_id"} <= seen, seen
    assert not bad, sorted(bad)


def _reasons_cells(demo: Path) -> Iterator[tuple[str, str]]:
    for book in _outputs(demo, "*.xlsx"):
        wb = openpyxl.load_workbook(book, read_only=True)
        for ws in wb:
            rows = ws.iter_rows(values_only=True)
            heads = [str(h) for h in next(rows, ())]
            cols = [i for i, h in enumerate(heads) if h in ("理由（含政策依据）", "列入原因")]
            for row in rows:
                for i in cols:
                    if isinstance(row[i], str):
                        yield f"{book.name}:{ws.title}", row[i]
        wb.close()


def test_a_firm_in_an_eliminated_class_is_said_once_in_a_plots_reasons(demo: Path) -> None:
    """R1 关停退出's reasons said the 淘汰类 twice: 「企业（91330602MA2G4K22ER）属《产业结构调整
    指导目录》淘汰类」 as the rule's evidence, and again 「问题：不符合：按基准日 2026-06-30 适用
    的《产业结构调整指导目录（2024年本）》，企业属限制/淘汰类别：91330602MA2G4K22ER（淘汰类）」.
    The fact is said once, with the edition and the date it was read on."""
    seen = 0
    bad: list[str] = []
    for where, text in _reasons_cells(demo):
        if "规则 R1" not in text or "淘汰类" not in text.split("\n", 1)[-1]:
            continue
        seen += 1
        for uscc in set(re.findall(r"[0-9A-Z]{18}", text)):
            said = len(re.findall(rf"{uscc}[^\n]{{0,40}}淘汰类|{uscc}）属[^\n]*淘汰类", text))
            if said > 1:
                bad.append(f"{where}: {uscc} 说了 {said} 次：{text[:300]}")
    assert seen, "the demo has a plot of an eliminated firm on R1"
    assert not bad, bad[:5]


def test_ledger_columns_to_fill_say_what_to_write_when_selected(demo: Path) -> None:
    """The 镇街 fills 责任单位 and 责任人 first; the columns were yellow and marked 「（填写）」,
    but selecting a cell of 责任单位、责任人、治理措施、进展说明 or 验收依据 showed nothing (only
    the date and 状态 columns had an input message), and 填写说明 said nothing of them. Every
    column to fill shows what to write when a cell is selected, and 填写说明 names each."""
    from landgov.core.editable import EDIT_MARK
    from landgov.ledger._layout import LAYOUT

    wb = openpyxl.load_workbook(_outputs(demo, "demo-治理台账.xlsx")[0])
    ws = wb["治理台账"]
    heads = {str(c.value): c.column_letter for c in ws[1]}
    prompts: dict[str, str] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            col = re.sub(r"\d", "", str(rng).split(":")[0])
            if dv.showInputMessage and dv.prompt and rng.min_row == 2 and rng.max_row >= ws.max_row:
                prompts[col] = dv.prompt
    guide = " ".join(str(v) for r in wb["填写说明"].iter_rows(values_only=True) for v in r if v)
    missing_prompt, missing_guide = [], []
    for name in LAYOUT.editable:
        col = heads[name + EDIT_MARK]
        if col not in prompts:
            missing_prompt.append(name)
        if name not in guide:
            missing_guide.append(name)
    assert not missing_prompt, missing_prompt
    assert not missing_guide, missing_guide
    assert "XX街道经发办" in prompts[heads["责任单位" + EDIT_MARK]]


def test_a_ledger_with_the_former_headers_reads_back_under_the_registrys(tmp_path: Path) -> None:
    """The 台账 headed the path 「治理路径」 and the grade 「等级」; it now heads them as every
    list does (四个一批路径, 评价等级). A ledger a 镇街 returns with the former headers still
    reads back: the path the newer run changed is said (整治提升 → 关停退出), and the workbook
    written back has each column once, under its new header (no stale 「治理路径」 kept as a
    column the 镇街 added)."""
    from landgov.ledger import init_ledger, update_ledger, write_ledger
    from landgov.run.results import read_screening
    from tests._runs import fake_run

    box = (0.0, 0.0, 100.0, 100.0)
    old = fake_run(tmp_path / "2026", [{"parcel_id": "A", "box": box}], as_of="2026-06-30")
    new = fake_run(
        tmp_path / "2027",
        [{"parcel_id": "A", "box": box, "path": "关停退出", "grade": "D"}],
        as_of="2027-06-30",
    )
    ledger = init_ledger(read_screening(old), as_of=dt.date(2026, 7, 1))
    path = write_ledger(ledger, tmp_path / "台账.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["治理台账"]
    heads = {c.value: c for c in ws[1]}
    assert {"四个一批路径", "评价等级"} <= set(heads)
    heads["四个一批路径"].value, heads["评价等级"].value = "治理路径", "等级"  # as written before
    wb.save(path)

    ledger = update_ledger(path, read_screening(new), as_of=dt.date(2027, 7, 1))
    row = ledger.rows.set_index("宗地代码").loc["A"]
    assert (row["四个一批路径"], row["评价等级"]) == ("关停退出", "D")
    assert "四个一批路径由「整治提升」改为「关停退出」" in row["系统提示"]
    out = write_ledger(ledger, tmp_path / "台账2.xlsx")
    written = [c.value for c in openpyxl.load_workbook(out)["治理台账"][1]]
    assert "治理路径" not in written and "等级" not in written
    assert written.count("四个一批路径") == 1 and written.count("评价等级") == 1
