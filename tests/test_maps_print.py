"""Print maps as paper: exact page size, numeric scale, the CRS in words, 制图单位/日期, table."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from _cli import assert_clean_error, run_cli
from _mapfixtures import RunFacts, write_run
from PIL import Image

from landgov.errors import InputError
from landgov.maps import PrintLayout, render_static
from landgov.maps._print import crs_text, footer_lines, nice_scale, policy_text, text_width_mm
from landgov.maps._redact import REDACTION_NOTE

PT_PER_MM = 72 / 25.4


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunFacts:
    return write_run(tmp_path_factory.mktemp("print") / "print")


def _media_box_mm(pdf: Path) -> tuple[float, float]:
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
    return float(box.group(1)) / PT_PER_MM, float(box.group(2)) / PT_PER_MM


def _pdf_text(pdf: Path) -> str:
    """Text of the page (pdftotext), or '' when poppler is not installed."""
    try:
        done = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return done.stdout


@pytest.mark.parametrize(
    ("paper", "orientation", "size"),
    [("A3", "landscape", (420, 297)), ("A4", "portrait", (210, 297))],
)
def test_pdf_page_is_exactly_the_paper(
    run: RunFacts, tmp_path: Path, paper: str, orientation: str, size: tuple[int, int]
) -> None:
    layout = PrintLayout(paper, orientation, organisation="测试制图单位", township_table=True,
                         date=dt.date(2026, 12, 1))  # fmt: skip
    out = render_static(run.path, tmp_path / "map.pdf", layout=layout)
    w, h = _media_box_mm(out)
    assert abs(w - size[0]) < 0.5 and abs(h - size[1]) < 0.5
    text = _pdf_text(out)
    if text:  # the footer and the table as printed
        flat = re.sub(r"\s+", "", text)
        assert "CGCS20003度带高斯-克吕格投影中央经线120°E（EPSG:4549）" in flat
        assert re.search(r"比例尺1:[\d,]+", flat)
        assert "制图单位：测试制图单位" in flat and "制图日期：2026-12-01" in flat
        assert "柯岩街道" in flat and "全区" in flat  # the per-镇街 table
        assert "政策口径：配置yuecheng-2022v2022.1" in flat  # no title in this run's manifest


def test_png_pixels_match_paper_and_dpi(run: RunFacts, tmp_path: Path) -> None:
    out = render_static(run.path, tmp_path / "map.png", layout=PrintLayout("A4", "portrait"))
    with Image.open(out) as image:
        w, h = image.size
    assert (round(w / 200 * 25.4), round(h / 200 * 25.4)) == (210, 297)  # 200 dpi, not cropped


def test_scale_is_round_and_true(run: RunFacts, tmp_path: Path) -> None:
    out = render_static(run.path, tmp_path / "s.pdf", layout=PrintLayout(scale=5000))
    text = re.sub(r"\s+", "", _pdf_text(out))
    if text:
        assert "比例尺1:5,000" in text
    assert [nice_scale(x) for x in (9_000, 10_001, 26_600, 0)] == [10_000, 12_000, 30_000, 1000]


def test_crs_in_words() -> None:
    assert crs_text(4549) == "CGCS2000 3度带高斯-克吕格投影 中央经线 120°E（EPSG:4549）"
    assert crs_text(4528) == "CGCS2000 3度带高斯-克吕格投影 中央经线 120°E 带号 40（EPSG:4528）"
    assert crs_text(4490) == "CGCS2000 地理坐标（经纬度）（EPSG:4490）"
    assert "中央经线 123°E" in crs_text(32651)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [({"paper": "B5"}, "纸张"), ({"orientation": "横"}, "方向"), ({"scale": 10}, "比例尺")],
)
def test_bad_layout_is_named(kwargs: dict, word: str) -> None:
    with pytest.raises(InputError, match=word):
        PrintLayout(**kwargs)


def test_cli_print_options(run: RunFacts, tmp_path: Path) -> None:
    out = tmp_path / "a3.pdf"
    done = run_cli("map", run.path, "--static", "pdf", "--paper", "a3", "--orientation", "纵向",
                   "--map-unit", "某某分局", "--map-date", "2026年12月1日", "--township-table",
                   "--out", out)  # fmt: skip
    assert done.returncode == 0, done.stderr
    w, h = _media_box_mm(out)
    assert abs(w - 297) < 0.5 and abs(h - 420) < 0.5
    bad = run_cli("map", run.path, "--static", "pdf", "--map-date", "十二月", "--out", out)
    assert_clean_error(bad, code=2, contains="--map-date")
    bad = run_cli("map", run.path, "--static", "pdf", "--scale", "5", "--out", out)
    assert_clean_error(bad, code=2, contains="比例尺")


def test_legend_lists_every_style_drawn_and_no_empty_class(run: RunFacts, tmp_path: Path) -> None:
    out = render_static(run.path, tmp_path / "l.pdf", theme="far")
    text = re.sub(r"\s+", "", _pdf_text(out))
    if not text:
        pytest.skip("pdftotext (poppler-utils) not installed")
    assert "镇街边界" in text and "连片低效地块" in text
    assert "待承诺" not in text  # a class no plot falls in is not in the legend


@pytest.mark.parametrize(
    ("profile", "text"),
    [
        (
            {"name": "yuecheng-2022", "version": "2022.1",
             "title": "越城区、滨海新区“1515”专项行动（越政发〔2022〕24号）"},
            "越政发〔2022〕24号（配置 yuecheng-2022 v2022.1）",
        ),
        (
            {"name": "x", "version": "1", "title": "参照虞政发〔2022〕12号、浙政发〔2023〕4号"},
            "参照虞政发〔2022〕12号、浙政发〔2023〕4号（配置 x v1）",
        ),
        ({"name": "x", "title": ""}, "配置 x"),
        ({"version": "1", "title": "越政发〔2022〕24号"}, "越政发〔2022〕24号"),  # redacted
        ({"version": "1"}, None),
        ("yuecheng-2022", "yuecheng-2022"),
        (None, None),
    ],
)  # fmt: skip
def test_policy_is_named_by_its_document_number(profile: object, text: str | None) -> None:
    assert policy_text({"profile": profile}) == text


def test_footer_lines_fit_the_page_and_keep_every_item() -> None:
    items = [f"项目{i}：" + "字" * (5 + 7 * i) for i in range(6)]
    lines = footer_lines(items, width_mm=120, size_pt=7.5)
    assert "    ".join(lines) == "    ".join(items)  # in order, nothing lost or split
    assert all(text_width_mm(line, size_pt=7.5) <= 120 for line in lines[:-1] if "    " in line)
    assert len(lines) > 1


def test_redacted_portrait_footer_is_printed_whole(run: RunFacts, tmp_path: Path) -> None:
    layout = PrintLayout("A4", "portrait", organisation="越城区自然资源和规划分局（示例）")
    out = render_static(run.path, tmp_path / "r.pdf", layout=layout, redact=True)
    flat = re.sub(r"\s+", "", _pdf_text(out))
    if not flat:
        pytest.skip("pdftotext (poppler-utils) not installed")
    assert re.sub(r"\s+", "", REDACTION_NOTE) in flat
    assert "纸张：A4纵向" in flat and "制图单位：越城区自然资源和规划分局（示例）" in flat
