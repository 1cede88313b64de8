"""``landgov map`` through click's CliRunner (the command object is registered by landgov.cli)."""

from __future__ import annotations

from pathlib import Path

import pytest
from _mapfixtures import RunFacts, write_run
from click.testing import CliRunner

from landgov.cli.maps import command


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunFacts:
    return write_run(tmp_path_factory.mktemp("cli") / "keqiao")


def test_default_output_under_maps(
    run: RunFacts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(command, [str(run.path)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "maps" / "keqiao.html"
    assert out.exists() and "已生成地图" in result.output and str(run.n_parcels) in result.output
    redacted = CliRunner().invoke(command, [str(run.path), "--redact", "--title", "联席会议"])
    assert redacted.exit_code == 0, redacted.output
    page = (tmp_path / "maps" / "keqiao-脱敏.html").read_text(encoding="utf-8")
    assert "<title>联席会议（脱敏版）</title>" in page


def test_static_and_options(run: RunFacts, tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    result = CliRunner().invoke(
        command, [str(run.path), "--static", "pdf", "--theme", "far", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    html = tmp_path / "b.html"
    result = CliRunner().invoke(
        command, [str(run.path), "--breaks", "5,10,20", "--theme", "tax", "--out", str(html)]
    )
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert '"≤ 5"' in page and '"10 – 20"' in page  # classes at the given breaks


def test_errors_exit_non_zero_with_a_chinese_message(
    run: RunFacts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    runner = CliRunner()
    res = runner.invoke(
        command, [str(run.path), "--basemap", "tianditu", "--out", str(tmp_path / "t.html")]
    )
    assert res.exit_code == 1 and "天地图底图需要密钥" in res.output
    res = runner.invoke(command, [str(tmp_path)])
    assert res.exit_code == 1 and "landgov.gpkg" in res.output
    res = runner.invoke(command, [str(run.path), "--breaks", "5,x"])
    assert res.exit_code == 2 and "逗号分隔" in res.output
    url = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    res = runner.invoke(
        command, [str(run.path), "--basemap", url, "--out", str(tmp_path / "u.html")]
    )
    assert res.exit_code == 1 and "--basemap-crs" in res.output


def test_tianditu_key_from_environment(
    run: RunFacts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIANDITU_KEY", "0123456789abcdef")
    out = tmp_path / "tdt.html"
    res = CliRunner().invoke(command, [str(run.path), "--basemap", "tianditu", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "tk=0123456789abcdef" in out.read_text(encoding="utf-8")


def test_max_parcels_degrades(run: RunFacts, tmp_path: Path) -> None:
    out = tmp_path / "agg.html"
    res = CliRunner().invoke(command, [str(run.path), "--max-parcels", "5", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "按镇街汇总" in res.output
