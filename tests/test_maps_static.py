"""Print maps: files written, Chinese font found (installed, late-installed or bundled), rare
characters named, redaction honoured, parcels without geometry drawn around."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from _mapfixtures import RunFacts, write_run
from fontTools import subset
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from PIL import Image

from landgov.errors import DataFileError, InputError
from landgov.maps import MapStyle, _fonts, build_map, find_cjk_font, render_static
from landgov.maps._prepare import township_summary
from landgov.maps.static import MissingGlyphWarning

ROOT = Path(__file__).resolve().parents[1]
BASE_FONT = re.compile(rb"/BaseFont\s*/[A-Z]{6}\+([\w.-]+)")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunFacts:
    return write_run(tmp_path_factory.mktemp("static") / "print")


@pytest.fixture
def bundled_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without any CJK font: only the font landgov ships can draw Chinese."""
    kept = [f for f in font_manager.fontManager.ttflist if "DejaVu" in f.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", kept)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    _fonts._rescanned.cache_clear()
    font_manager.fontManager._findfont_cached.cache_clear()
    yield
    _fonts._rescanned.cache_clear()
    font_manager.fontManager._findfont_cached.cache_clear()


def _embedded_fonts(pdf: Path) -> set[str]:
    return {m.decode() for m in BASE_FONT.findall(pdf.read_bytes())}


def _require_debian_package(name: str) -> None:
    """Skip (naming the package) when it is not installed; in CI (``CI=true``) fail instead."""
    status = (
        subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True, check=False
        )
        if shutil.which("dpkg-query")
        else None
    )
    if status is not None and "install ok installed" in status.stdout:
        return
    why = f"needs the Debian package {name} (sudo apt-get install {name})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI: {why}")
    pytest.skip(why)


def test_png_with_every_theme(run: RunFacts, tmp_path: Path) -> None:
    for theme in ("tax", "grade", "path", "far"):
        out = render_static(run.path, tmp_path / f"{theme}.png", theme=theme)
        with Image.open(out) as img:
            assert img.format == "PNG" and img.width > 1000 and img.height > 600


def test_pdf_embeds_the_chosen_cjk_font(run: RunFacts, tmp_path: Path) -> None:
    out = render_static(run.path, tmp_path / "map.pdf", title="柯桥区简报")
    assert out.read_bytes().startswith(b"%PDF")
    chosen = find_cjk_font().replace(" ", "")
    assert any(chosen.lower() in name.lower() for name in _embedded_fonts(out)), chosen


def test_redacted_print_map_refuses_money_theme(run: RunFacts, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="脱敏"):
        render_static(run.path, tmp_path / "x.png", theme="tax", redact=True)
    assert render_static(run.path, tmp_path / "r.png", theme="grade", redact=True).exists()


def test_bad_format(run: RunFacts, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="png 或 pdf"):
        render_static(run.path, tmp_path / "map.svg")


# --- fonts ------------------------------------------------------------------------------------


def test_bundled_font_is_shipped_small_and_licensed() -> None:
    assert _fonts.BUNDLED_FONT.is_file()
    assert _fonts.BUNDLED_FONT.stat().st_size < 3_000_000
    licence = (_fonts.BUNDLED_FONT.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence
    font = TTFont(_fonts.BUNDLED_FONT)
    assert font["name"].getDebugName(1) == _fonts.BUNDLED_FAMILY
    cmap = font.getBestCmap()
    level_1 = [bytes((hi, lo)).decode("gb2312") for hi in (0xB0, 0xC8, 0xD7) for lo in (0xA1, 0xF9)]
    for ch in (*level_1, "鼾", "齄", "，", "。", "（", "）", "、", "：", "㎡", "①", "瞿", "嵊"):
        assert ord(ch) in cmap, ch


def test_bundled_font_draws_when_no_cjk_font_is_installed(
    bundled_only: None, run: RunFacts, tmp_path: Path
) -> None:
    assert find_cjk_font() == _fonts.BUNDLED_FAMILY
    out = render_static(run.path, tmp_path / "bundled.pdf", theme="grade")
    assert _embedded_fonts(out) & {"LandgovSansSC-Regular"}


def test_broken_installation_names_what_to_install(
    bundled_only: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(_fonts, "BUNDLED_FONT", tmp_path / "gone.otf")
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    with pytest.raises(DataFileError, match="fonts-noto-cjk"):
        find_cjk_font(MapStyle())


@pytest.mark.parametrize("where", ["title", "township"])
def test_rare_character_is_named_not_dropped(
    bundled_only: None, tmp_path: Path, where: str
) -> None:
    facts = write_run(tmp_path / "rare")
    rare = "䶮"  # U+4DAE, CJK extension A: not in GB2312 nor in the bundled subset
    title = None
    if where == "title":
        title = f"刘{rare}工业园"
    else:
        gpkg = facts.path / "landgov.gpkg"
        towns = gpd.read_file(gpkg, layer="townships")
        towns.loc[0, "township"] = f"{rare}山街道"
        towns.to_file(gpkg, layer="townships", engine="pyogrio")
    with pytest.warns(MissingGlyphWarning, match=f"「{rare}」（U\\+4DAE") as record:
        render_static(facts.path, tmp_path / "rare.png", title=title)
    assert not [w for w in record if "missing from font" in str(w.message)]


def test_common_text_needs_no_fallback(bundled_only: None) -> None:
    chain = _fonts.cjk_fonts(MapStyle())
    assert chain == [_fonts.BUNDLED_FAMILY, "DejaVu Sans"]
    text = "越城区 工业用地治理简报图 亩均税收（万元/亩） 数据日期：2026-06-30 ≥ 5 千米 北 ㎡"
    assert _fonts.missing_glyphs([text], chain) == {}
    assert _fonts.missing_glyphs(["䶮"], chain) == {"䶮": ["䶮"]}


def test_installed_font_comes_first_bundled_second() -> None:
    _require_debian_package("fonts-noto-cjk")
    chain = _fonts.cjk_fonts(MapStyle())
    assert chain == ["Noto Sans CJK SC", _fonts.BUNDLED_FAMILY, "DejaVu Sans"]


# --- a font installed after matplotlib cached its font list ----------------------------------

_CHILD = """
import json, sys
from landgov.maps import MapStyle, find_cjk_font, render_static
style = MapStyle(cjk_fonts=tuple(sys.argv[3:])) if sys.argv[3:] else MapStyle()
print(json.dumps({"font": find_cjk_font(style)}))
render_static(sys.argv[1], sys.argv[2], theme="grade", style=style)
"""


def _child(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _CHILD, *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _stale_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An MPLCONFIGDIR whose font list cache is written now, before the new font exists."""
    env = {
        **os.environ,
        "MPLCONFIGDIR": str(tmp_path / "mpl"),
        "XDG_DATA_HOME": str(tmp_path / "share"),
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True, timeout=300
    )
    (cache,) = (tmp_path / "mpl").glob("fontlist-*.json")
    return env, cache


def _cached_names(cache: Path) -> set[str]:
    return {f["name"] for f in json.loads(cache.read_text(encoding="utf-8"))["ttflist"]}


def _fake_system_font(folder: Path, family: str) -> Path:
    """A small CJK font named ``family``: a renamed subset of the bundled one."""
    font = TTFont(_fonts.BUNDLED_FONT)
    options = subset.Options()
    options.name_IDs = ["*"]
    sub = subset.Subsetter(options)
    sub.populate(text="柯岩华舍街道工业用地治理简报图亩均评价等级北千米米数据日期政策口径")
    sub.subset(font)
    ps_name = family.replace(" ", "") + "-Regular"
    for name_id, value in ((1, family), (4, family), (6, ps_name)):
        font["name"].setName(value, name_id, 3, 1, 0x409)
    cff = font["CFF "].cff
    cff.fontNames = [ps_name]
    cff.topDictIndex[0].FamilyName = family
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ps_name}.otf"
    font.save(path)
    return path


def test_font_installed_after_cache_is_found(run: RunFacts, tmp_path: Path) -> None:
    family = "Landgov Test Hei"
    env, cache = _stale_env(tmp_path)
    _fake_system_font(tmp_path / "share" / "fonts", family)  # "installed" after the cache
    assert family not in _cached_names(cache)
    out = tmp_path / "late.pdf"
    result = _child(env, run.path, out, family)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0]) == {"font": family}
    assert "LandgovTestHei-Regular" in _embedded_fonts(out)  # really drawn with it
    assert family not in _cached_names(cache)  # found without deleting or rebuilding the cache


def test_noto_installed_after_cache_is_found(run: RunFacts, tmp_path: Path) -> None:
    """The real case: fonts-noto-cjk installed by `make test` after `make demo` ran matplotlib."""
    _require_debian_package("fonts-noto-cjk")
    env, cache = _stale_env(tmp_path)
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["ttflist"] = [f for f in data["ttflist"] if "CJK" not in f["name"]]
    cache.write_text(json.dumps(data), encoding="utf-8")  # as if built before apt-get install
    out = tmp_path / "noto.pdf"
    result = _child(env, run.path, out)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0]) == {"font": "Noto Sans CJK SC"}
    assert "NotoSansCJKsc-Regular" in _embedded_fonts(out)
    assert not any("CJK" in n for n in _cached_names(cache))


# --- parcels without geometry and no 镇街 layer (the README's screen → map flow) -------------


def _run_without_geometry(tmp_path: Path, *, whole_township: bool) -> Path:
    """A run without townships layer where some parcels (or all of one 镇街) have no geometry."""
    facts = write_run(tmp_path / "nogeom", optional_layers=False)
    gpkg = facts.path / "landgov.gpkg"
    parcels = gpd.read_file(gpkg, layer="parcels")
    lost = parcels["township"].eq("华舍街道") if whole_township else parcels.index.isin([0, 7])
    parcels.loc[lost, "geometry"] = None
    parcels.to_file(gpkg, layer="parcels", engine="pyogrio")
    return facts.path


@pytest.mark.parametrize("whole_township", [False, True])
def test_township_summary_counts_parcels_without_geometry(
    tmp_path: Path, whole_township: bool
) -> None:
    parcels = gpd.read_file(
        _run_without_geometry(tmp_path, whole_township=whole_township) / "landgov.gpkg",
        layer="parcels",
    )
    summary = township_summary(parcels).set_index("township")
    assert summary["n_parcels"].sum() == len(parcels)  # every parcel counted
    assert not summary.loc["柯岩街道"].geometry.is_empty
    assert (summary.loc["华舍街道"].geometry is None) == whole_township


@pytest.mark.parametrize("whole_township", [False, True])
@pytest.mark.parametrize("output", ["html", "png", "pdf"])
def test_parcels_without_geometry_and_no_townships(
    tmp_path: Path, output: str, whole_township: bool
) -> None:
    path = _run_without_geometry(tmp_path, whole_township=whole_township)
    if output == "html":
        result = build_map(path)
        assert result.n_drawable < 36
        assert "外包络" in " ".join(result.notes)
        small = build_map(path, style=dataclasses.replace(MapStyle(), max_parcels=5))
        assert small.aggregated
        return
    out = render_static(path, tmp_path / f"map.{output}")
    assert out.stat().st_size > 10_000
