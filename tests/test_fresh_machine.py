"""The README's commands as a new user runs them, in the README's order.

* the 常用命令 flow: ``landgov screen`` on the sample with --compliance --planning --demolition and
  no 镇街 layer, then ``landgov map`` (HTML, PNG and PDF);
* the 快速开始 flow in a fresh ``git clone`` of this checkout (its committed HEAD): ``make demo``
  with a matplotlib font cache written before any CJK font was visible, then the print-map
  tests of that clone. It builds a new .venv (pip reuses its cache), about 3 minutes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _cli import run_cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
BASE_FONT = re.compile(rb"/BaseFont\s*/[A-Z]{6}\+([\w.-]+)")


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    text = result.stdout + result.stderr
    assert result.returncode == 0, text
    assert "Traceback" not in text and "错误" not in text, text
    return text


@pytest.mark.slow
def test_readme_screen_then_map_without_townships(tmp_path: Path) -> None:
    out = tmp_path / "上虞"
    _ok(
        run_cli(
            "screen",
            *("--parcels", SAMPLE / "parcels.shp", "--enterprises", SAMPLE / "enterprises.xlsx"),
            *("--links", SAMPLE / "links.xlsx", "--compliance", SAMPLE / "compliance.xlsx"),
            *("--planning", SAMPLE / "planning.shp", "--demolition", SAMPLE / "demolition.shp"),
            *("--profile", "shangyu-2022", "--as-of", "2026-06-30", "--out", out),
            cwd=tmp_path,
        )
    )
    text = _ok(run_cli("map", out, "--basemap", "none", cwd=tmp_path))
    assert "外包络" in text  # no 镇街 layer: outlines sketched from the parcels, and said so
    for fmt in ("png", "pdf"):
        _ok(run_cli("map", out, "--static", fmt, cwd=tmp_path))
    maps = tmp_path / "maps"
    assert sorted(p.name for p in maps.iterdir()) == ["上虞.html", "上虞.pdf", "上虞.png"]
    assert all(p.stat().st_size > 50_000 for p in maps.iterdir())


def _stale_font_cache(folder: Path, env: dict[str, str]) -> Path:
    """A matplotlib config folder whose font list has no CJK font (as before apt-get install)."""
    subprocess.run(
        [sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True, timeout=300
    )
    (cache,) = folder.glob("fontlist-*.json")
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["ttflist"] = [f for f in data["ttflist"] if "CJK" not in f["name"]]
    cache.write_text(json.dumps(data), encoding="utf-8")
    return cache


def _has_noto_cjk() -> bool:
    if shutil.which("dpkg-query") is None:
        return False
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", "fonts-noto-cjk"],
        capture_output=True,
        text=True,
        check=False,
    )
    return "install ok installed" in status.stdout


@pytest.mark.slow
def test_make_demo_then_print_map_tests_in_a_fresh_clone(tmp_path: Path) -> None:
    missing = [tool for tool in ("git", "make") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {' and '.join(missing)} (sudo apt-get install {' '.join(missing)})")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=300)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"VIRTUAL_ENV", "PYTHONPATH", "MPLBACKEND"} and not k.startswith("PYTEST_")
    }
    env["MPLCONFIGDIR"] = str(tmp_path / "mpl")
    cache = _stale_font_cache(tmp_path / "mpl", env)

    def run(*cmd: str, timeout: float = 600) -> str:
        result = subprocess.run(
            cmd, cwd=clone, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        assert result.returncode == 0, f"{' '.join(cmd)}\n{result.stdout}\n{result.stderr}"
        return result.stdout + result.stderr

    text = run("make", "demo")
    assert "Traceback" not in text
    for name in ("out/demo/landgov.gpkg", "out/demo/landgov.xlsx", "maps/demo.html"):
        assert (clone / name).stat().st_size > 10_000, name
    assert (clone / "maps" / "demo.png").stat().st_size > 100_000
    run(".venv/bin/landgov", "map", "out/demo", "--static", "pdf", "--out", "maps/demo.pdf")
    fonts = {m.decode() for m in BASE_FONT.findall((clone / "maps" / "demo.pdf").read_bytes())}
    expected = "NotoSansCJKsc-Regular" if _has_noto_cjk() else "LandgovSansSC-Regular"
    assert expected in fonts, fonts
    assert not any("CJK" in f["name"] for f in json.loads(cache.read_text())["ttflist"])
    run(".venv/bin/python", "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
        "tests/test_maps_static.py")  # fmt: skip
