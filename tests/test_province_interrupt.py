"""A province run appears whole or not at all: one that fails or is stopped (Ctrl+C) leaves the
earlier run in its folder as it was, and one cut short harder (a kill, a power failure) is
replaced by the next run, which first puts back an earlier run the killed one had set aside."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from landgov.core.forked import usable_cpus
from landgov.province import generate_province, run_province
from landgov.province import run as province_run
from landgov.province.outputs import ProvinceLayers
from tests._cli import interrupted, run_cli, snapshot
from tests._province import AS_OF, small_province

ROOT = Path(__file__).resolve().parents[1]


def _stopped_at_second_county(monkeypatch: pytest.MonkeyPatch) -> None:
    append = ProvinceLayers.append
    calls = []

    def stop(self: ProvinceLayers, part: str) -> int:
        calls.append(part)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return append(self, part)

    monkeypatch.setattr(ProvinceLayers, "append", stop)


def test_a_stopped_run_leaves_the_earlier_run_as_it_was(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = small_province(tmp_path / "in")
    out = tmp_path / "runs" / "全省"
    run_province(folder, out_dir=out, as_of=AS_OF, engine="local")
    before = snapshot(out)
    _stopped_at_second_county(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        run_province(folder, out_dir=out, as_of="2026-07-31", engine="local")
    assert snapshot(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["全省"]  # nothing set aside is left


def test_a_first_run_that_is_stopped_leaves_no_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = small_province(tmp_path / "in")
    _stopped_at_second_county(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        run_province(folder, out_dir=tmp_path / "runs" / "全省", as_of=AS_OF, engine="local")
    assert list((tmp_path / "runs").iterdir()) == []


def test_a_run_cut_short_is_replaced_and_the_run_it_had_set_aside_comes_back_first(
    tmp_path: Path,
) -> None:
    folder = small_province(tmp_path / "in")
    out = tmp_path / "runs" / "全省"
    run_province(folder, out_dir=out, as_of=AS_OF, engine="local")
    assert not (out / province_run._INCOMPLETE).exists()
    assert (
        province_run._INCOMPLETE
        not in json.loads((out / "manifest.json").read_text("utf-8"))["files"]
    )
    # a kill in the middle of the next run: the earlier run set aside, the new one half-written
    aside = out.with_name(".全省.landgov-old-0a1b2c3d")
    out.rename(aside)
    out.mkdir()
    (out / province_run._INCOMPLETE).touch()
    (out / "province.parquet").write_bytes(b"PAR1 cut short")
    lines: list[str] = []
    run_province(folder, out_dir=out, as_of=AS_OF, engine="local", echo=lines.append)
    assert f"已清理上次中断、未完成的省级运行结果 {out}" in lines
    assert f"已恢复上次中断时未替换完成的结果 {out}" in lines
    assert [p.name for p in out.parent.iterdir()] == ["全省"]
    man = json.loads((out / "manifest.json").read_text("utf-8"))
    assert man["complete"] and man["province"]["rows"]["balanced"]
    assert not (out / province_run._INCOMPLETE).exists()


def test_a_folder_cut_short_but_not_marked_as_a_province_run_is_still_refused(
    tmp_path: Path,
) -> None:
    folder = small_province(tmp_path / "in")
    out = tmp_path / "全省"
    out.mkdir()
    (out / "province.parquet").write_bytes(b"someone's file")
    result = run_cli("screen", folder, "-o", out, "--as-of", AS_OF)
    assert result.returncode == 2 and "不会写入或删除" in result.stderr
    assert (out / "province.parquet").read_bytes() == b"someone's file"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups: Linux")
def test_ctrl_c_on_the_default_engine_stops_cleanly_and_keeps_the_earlier_run(
    tmp_path: Path,
) -> None:
    """As a terminal's Ctrl+C: the signal reaches the whole group (the Dask workers too)."""
    folder = tmp_path / "in"
    generate_province(folder, n_parcels=8000, counties=["330602", "330683", "330922", "330604"])
    out = tmp_path / "runs" / "全省"
    first = run_cli("screen", folder, "-o", out, "--as-of", AS_OF, "-q")
    assert first.returncode == 0, first.stdout + first.stderr
    before = snapshot(out)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    cmd = [sys.executable, "-m", "landgov", "screen", str(folder), "-o", str(out),
           "--as-of", "2026-07-31"]  # fmt: skip
    code, text = interrupted(cmd, cwd=tmp_path, env=env, needle="：完成", on="stdout", within=300)
    if code == 0:  # the machine finished before the signal came
        pytest.skip("the run was done before Ctrl+C")
    assert code == 1 and "已中止。" in text, text
    assert ("Dask" in text) == (usable_cpus() >= 2)  # the default engine, as it chose
    for needle in ("Traceback", "KeyboardInterrupt", "Warning", "WARNING"):
        assert needle not in text, text
    assert snapshot(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["全省"]
    shutil.rmtree(tmp_path / "runs")
