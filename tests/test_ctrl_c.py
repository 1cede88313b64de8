"""Ctrl+C (SIGINT) during ``python -m landgov``: 「已中止。」, exit code 1, no traceback, no
process left, the earlier run in the folder as it was and nothing beside it.

The signal is sent when a stage line appears on stderr (not after a fixed time), to the
command alone (as ``Popen.send_signal``) or to its whole process group (as a terminal's
Ctrl+C, which reaches the forked children too).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests._cli import ctrl_c_answered, interrupted, snapshot
from tests._runs import fake_run

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="process groups and /proc: Linux"
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


def _env(*paths: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (*paths, ROOT))
    env.pop("LANDGOV_PROCESSES", None)
    return env


def _interrupt_at(out: Path, stage: str, *, group: bool) -> tuple[int, str]:
    """``landgov screen --far`` of the sample into ``out``, sent SIGINT when ``stage`` shows
    on stderr; its exit code and output."""
    s = SAMPLE
    args = [
        "-p", s / "parcels.shp", "-e", s / "enterprises.xlsx", "-l", s / "links.xlsx",
        "-r", s / "height.tif", "-b", s / "buildings.gpkg", "-a", s / "applications.xlsx",
    ]  # fmt: skip
    cmd = [sys.executable, "-m", "landgov", "screen", *map(str, args), "--far", "-o", str(out),
           "--as-of", "2026-06-30"]  # fmt: skip
    return interrupted(cmd, cwd=out.parent, env=_env(), needle=stage, group=group)


@pytest.mark.parametrize(
    ("stage", "group"),
    [("地企关联", True), ("筛查与路径", False), ("写出结果", True)],
    ids=["raster-group", "screen-parent", "writing-group"],
)
def test_ctrl_c_in_a_run_of_both_stages(tmp_path: Path, stage: str, group: bool) -> None:
    """While the raster is read and measured in a child (地企关联), while the 增容 stage runs
    in a child beside the screening (筛查与路径), while the workbook's sheets are written in a
    child (写出结果): whichever process gets the signal, the run stops cleanly."""
    out = fake_run(tmp_path / "结果", [{"parcel_id": "330602001002GB00001"}], as_of="2026-06-30")
    before = snapshot(out)
    code, text = _interrupt_at(out, stage, group=group)
    if code == 0:  # the machine finished before the signal came
        pytest.skip("the run was done before Ctrl+C")
    assert code == 1, (code, text)
    assert "已中止。" in text, text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["结果"]


def test_an_interruption_inside_generated_code_still_ends_with_1(tmp_path: Path) -> None:
    """A KeyboardInterrupt raised inside code run from text (dataclasses and named tuples
    build their methods with ``exec`` while modules are imported) is marked by CPython as
    unhandled even though the command line catches it: ``python -m landgov`` printed
    「已中止。」 and then ended by SIGINT (exit code −2), not with 1."""
    (tmp_path / "interrupted_main.py").write_text(
        "import landgov.cli\n"
        "from landgov.__main__ import run\n"
        "def find_settings():\n"
        "    exec('raise KeyboardInterrupt')  # as if Ctrl+C came while a dataclass was built\n"
        "landgov.cli.find_settings = find_settings\n"
        "run()\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "interrupted_main", "profiles"],
        cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    text = result.stdout + result.stderr
    assert result.returncode == 1, (result.returncode, text)
    assert "已中止。" in text and "Traceback" not in text, text


def _interrupted_then(value: int) -> int:
    os.kill(os.getpid(), signal.SIGINT)  # as a terminal's Ctrl+C reaches every process
    time.sleep(0.05)
    return value


def test_a_forked_child_leaves_ctrl_c_to_its_parent() -> None:
    """A terminal's Ctrl+C reaches the children too: a child raised KeyboardInterrupt (and
    printed multiprocessing's traceback when it came while the result was being sent). The
    parent answers it (and stops its children); the child goes on."""
    from landgov.core.forked import can_fork, start

    if not can_fork():
        pytest.skip("no child can be forked here")
    # Python's own handling in this process and so in the forked child (pytest runs with
    # SIGINT ignored as a background job): otherwise the test could not fail
    with ctrl_c_answered(), start(_interrupted_then, 7) as pending:
        assert pending.forked
        try:
            value = pending.result()
        except KeyboardInterrupt:
            pytest.fail("the child's KeyboardInterrupt was raised in the parent")
    assert value == 7


_SWITCHING = """
import signal, sys
from landgov.core import forked

def noted(signum, frame):
    pass

signal.signal(signal.SIGINT, noted)  # before "ready": the first signal comes right after it
print("ready", flush=True)
for _ in range(20_000):
    signal.signal(signal.SIGINT, noted)  # as the child inherits the parent's noting handler
    forked._ignore_sigint()
"""


def test_a_child_ignoring_ctrl_c_as_it_comes_prints_nothing(tmp_path: Path) -> None:
    """The forked child turns SIGINT to "ignore" as it starts, just when a terminal's Ctrl+C
    reaches it with its parent. With ``signal.signal`` alone a signal between CPython's check
    and the switch printed 「OSError: Signal 2 ignored due to race condition」 and a traceback
    (once in CI, in ``test_ctrl_c_in_a_run_of_both_stages``). Here a process makes the switch
    20,000 times while sent SIGINT without pause (with ``signal.signal`` alone: about 170
    tracebacks in 175,000 signals)."""
    errors = tmp_path / "stderr.txt"
    with errors.open("w", encoding="utf-8") as err, subprocess.Popen(
        [sys.executable, "-c", _SWITCHING], env=_env(), stdout=subprocess.PIPE, stderr=err,
        text=True,
    ) as proc:  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        sent = 0
        while proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGINT)
                sent += 1
    assert proc.returncode == 0, (proc.returncode, errors.read_text(encoding="utf-8"))
    assert sent > 10_000, sent  # the signals came while it switched
    assert errors.read_text(encoding="utf-8") == ""
