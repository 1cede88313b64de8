"""The 联席会议 packet: counts equal the workbook's, A3 landscape, fonts embedded, Word twin."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from docx import Document

from landgov.core.columns import label
from landgov.reports.meeting import packet_pages, write_packet
from landgov.run.far import run_far
from landgov.run.files import RunInputs
from landgov.run.screening import run_screening
from tests._cli import assert_clean_error, run_cli
from tests._mapfixtures import write_run

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
A3_LANDSCAPE_PT = (1190.55, 841.89)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's screening and 增容 run on the bundled sample (越城, as of 2026-06-30)."""
    out = tmp_path_factory.mktemp("packet") / "run"
    inputs = RunInputs(
        parcels=SAMPLE / "parcels.shp",
        enterprises=SAMPLE / "enterprises.xlsx",
        links=SAMPLE / "links.xlsx",
        compliance=SAMPLE / "compliance.xlsx",
        planning=SAMPLE / "planning.shp",
        demolition=SAMPLE / "demolition.shp",
        townships=SAMPLE / "townships.shp",
        buildings=SAMPLE / "buildings.gpkg",
        special_zones=SAMPLE / "special_zones.shp",
        applications=SAMPLE / "applications.xlsx",
    )
    common = {"profile": "yuecheng-2022", "as_of": "2026-06-30", "out_dir": out}
    run_screening(inputs, progress=False, **common)
    run_far(inputs, **common)
    return out


@pytest.fixture(scope="module")
def pages(run_dir: Path) -> list:
    return packet_pages(run_dir)


def _sheet(run_dir: Path, name: str) -> pd.DataFrame:
    return pd.read_excel(run_dir / "landgov.xlsx", sheet_name=name, dtype=str)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


@pytest.mark.slow
def test_township_table_equals_the_workbook_sheet(run_dir: Path, pages: list) -> None:
    table = pages[0].tables[0]
    sheet = _sheet(run_dir, "镇街汇总")
    head = label("township")
    sheet = sheet[sheet[head].notna() & (sheet[head] != "")].set_index(head)
    assert len(table.rows) == len(sheet) and len(table.rows) >= 2
    for column in ("n_parcels", "n_governance", "n_to_verify", "n_rectify", "n_exit"):
        at = table.headers.index(label(column))
        for row in table.rows:
            assert _number(row[at]) == _number(sheet.loc[row[0], label(column)]), (column, row[0])
    at = table.headers.index(label("governance_area_mu"))
    for row in table.rows:
        assert _number(row[at]) == pytest.approx(
            _number(sheet.loc[row[0], label("governance_area_mu")]), abs=0.05
        )


@pytest.mark.slow
def test_target_line_says_listed_is_not_renewed(pages: list) -> None:
    text = "".join(pages[0].notes)
    assert "列入治理清单面积" in text and "不等于已盘活" in text
    assert "完成" not in text and "%" not in text


@pytest.mark.slow
def test_every_application_has_its_page_with_the_sheet_verdict(run_dir: Path, pages: list) -> None:
    apps = pyogrio.read_dataframe(run_dir / "landgov.gpkg", layer="far_applications")
    listed = [row for page in pages[1:] for t in page.tables if t.caption.startswith("增容申请")
              for row in t.rows]  # fmt: skip
    assert [r[0] for r in listed] == list(apps["application_id"])
    assert [r[6] for r in listed] == list(apps["zengrong"])
    titles = [p.title for p in pages if p.title.startswith("增容申请 ")]
    assert len(titles) == len(apps)
    for app_id, title in zip(apps["application_id"], titles, strict=True):
        assert title.startswith(f"增容申请 {app_id}")
    page = next(p for p in pages if p.title.startswith("增容申请 "))
    conditions = page.tables[0]
    assert len(conditions.rows) == 10  # scope, cap and the eight conditions
    assert "draft" not in page.notes[0] and page.notes[0].startswith("系统预审意见（草稿）")


@pytest.mark.slow
def test_pdf_is_a3_landscape_with_embedded_cjk_font(
    run_dir: Path, pages: list, tmp_path: Path
) -> None:
    pdf = write_packet(run_dir, tmp_path / "材料.pdf")
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert len(boxes) == len(pages)
    for w, h in boxes:
        assert (float(w), float(h)) == pytest.approx(A3_LANDSCAPE_PT, abs=0.5)
    assert b"/FontFile" in data  # embedded, not only named
    assert not list(tmp_path.glob(".*.part"))
    # the map legend's counts are grouped by thousands as the tables print them (「1,014 宗」)
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        legend = re.findall(r"（([\d,]+) 宗）", text)
        assert legend and any("," in n for n in legend), legend
        assert all(len(n.replace(",", "")) < 4 or "," in n for n in legend), legend


@pytest.mark.slow
def test_docx_has_the_same_tables(run_dir: Path, pages: list, tmp_path: Path) -> None:
    path = write_packet(run_dir, tmp_path / "材料.docx")
    doc = Document(str(path))
    section = doc.sections[0]
    assert section.page_width > section.page_height  # landscape
    assert round(section.page_width.cm) == 42 and round(section.page_height.cm) == 30
    assert len(doc.tables) == sum(len(p.tables) for p in pages)
    first = doc.tables[0]
    assert [c.text for c in first.rows[0].cells] == list(pages[0].tables[0].headers)


def test_packet_of_a_screening_run_without_far(tmp_path: Path) -> None:
    facts = write_run(tmp_path / "run")
    pages = packet_pages(facts.path)
    assert pages[0].title.endswith("总览")
    assert not [p for p in pages if p.title.startswith("增容申请")]
    out = write_packet(facts.path, tmp_path / "a.pdf")
    assert out.read_bytes().startswith(b"%PDF")


def test_cli_refuses_a_wrong_suffix_and_a_folder_without_run(tmp_path: Path) -> None:
    facts = write_run(tmp_path / "run")
    assert_clean_error(
        run_cli("packet", facts.path, "--out", tmp_path / "a.txt"), contains=".pdf 或 .docx"
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_clean_error(
        run_cli("packet", empty, "--out", tmp_path / "a.pdf"), contains="landgov.gpkg"
    )


def test_cli_writes_both_files_beside_the_run(tmp_path: Path) -> None:
    facts = write_run(tmp_path / "run")
    result = run_cli("packet", facts.path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "run_联席会议审议材料.pdf").is_file()
    assert (tmp_path / "run_联席会议审议材料.docx").is_file()
    assert "已生成审议材料" in result.stdout
