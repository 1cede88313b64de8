"""Print maps: files written, Chinese font found (or a clear message), redaction honoured."""

from __future__ import annotations

from pathlib import Path

import pytest
from _mapfixtures import RunFacts, write_run
from matplotlib import font_manager
from PIL import Image

from landgov.errors import DataFileError, InputError
from landgov.maps import MapStyle, find_cjk_font, render_static


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunFacts:
    return write_run(tmp_path_factory.mktemp("static") / "print")


def test_png_with_every_theme(run: RunFacts, tmp_path: Path) -> None:
    for theme in ("tax", "grade", "path", "far"):
        out = render_static(run.path, tmp_path / f"{theme}.png", theme=theme)
        with Image.open(out) as img:
            assert img.format == "PNG" and img.width > 1000 and img.height > 600


def test_pdf_embeds_a_cjk_font(run: RunFacts, tmp_path: Path) -> None:
    out = render_static(run.path, tmp_path / "map.pdf", title="柯桥区简报")
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"CJK" in data or b"Noto" in data or b"Hei" in data  # the font is embedded


def test_redacted_print_map_refuses_money_theme(run: RunFacts, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="脱敏"):
        render_static(run.path, tmp_path / "x.png", theme="tax", redact=True)
    assert render_static(run.path, tmp_path / "r.png", theme="grade", redact=True).exists()


def test_bad_format(run: RunFacts, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="png 或 pdf"):
        render_static(run.path, tmp_path / "map.svg")


def test_missing_font_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    with pytest.raises(DataFileError, match="fonts-noto-cjk"):
        find_cjk_font(MapStyle())


def test_font_found_here() -> None:
    assert find_cjk_font() in {f.name for f in font_manager.fontManager.ttflist}
