"""Run the real ``landgov`` command line in a child process, as a user would.

The bad-input tests use these helpers so that every case asserts the same things: the exit
code, a 「错误：」 line (or a problem row), and no Python traceback on the terminal.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

__all__ = [
    "ENGLISH",
    "assert_clean_error",
    "ctrl_c_answered",
    "interrupted",
    "main_here",
    "refused",
    "run_cli",
    "sample_run",
    "snapshot",
]

_ROOT = Path(__file__).resolve().parents[1]
#: How :func:`run_cli` ran the commands of this session (printed at its end by conftest), and
#: the threads that kept a fork from being safe.
RUNS: collections.Counter[str] = collections.Counter()
#: Words of a Python error that a message for users never holds.
ENGLISH = ("Error", "Exception", "Errno", "Traceback", "KeyError", "BadZipFile", "Invalid")


def run_cli(
    *args: str | os.PathLike[str], cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``python -m landgov ARGS`` from this checkout; stdout and stderr captured as text.

    The command runs in a child forked from the test process, which imported the command line
    once (:mod:`tests._forkcli`: the same entry point, about 3 s less a command); in a new
    interpreter when this process runs other threads, cannot fork, or with
    ``LANDGOV_TEST_SUBPROCESS=1``.
    """
    env = {**os.environ, "PYTHONPATH": str(_ROOT), "PYTHONIOENCODING": "utf-8"}
    if _can_fork():
        from tests._forkcli import forked_cli

        RUNS["forked"] += 1
        return forked_cli([str(a) for a in args], cwd=cwd or _ROOT, env=env, timeout=timeout)
    RUNS["new interpreter"] += 1
    RUNS["threads: " + ", ".join(sorted(t.name for t in threading.enumerate()))] += 1
    return subprocess.run(
        [sys.executable, "-m", "landgov", *map(str, args)],
        cwd=cwd or _ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _can_fork() -> bool:
    """Whether :func:`run_cli` may fork this process (see :mod:`tests._forkcli`): not on
    request (``LANDGOV_TEST_SUBPROCESS=1``), and not while a thread other than this one runs
    (a fork keeps only the calling thread, and the locks the others held stay held). tqdm's
    monitor thread, left by any progress bar shown in this process, is stopped first; the next
    bar starts a new one."""
    if not hasattr(os, "fork") or os.environ.get("LANDGOV_TEST_SUBPROCESS") == "1":
        return False
    if "tqdm" in sys.modules:
        from tqdm._monitor import TMonitor

        for thread in threading.enumerate():
            if isinstance(thread, TMonitor):
                thread.exit()
    return threading.active_count() == 1


def assert_clean_error(
    result: subprocess.CompletedProcess[str], *, code: int = 2, contains: str | None = None
) -> str:
    """A failure as users must see it: exit ``code``, 「错误：」, no traceback. Returns the text."""
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    assert result.returncode == code, (result.returncode, text)
    assert "错误：" in text, text
    if contains is not None:
        assert contains in text, text
    return text


@contextlib.contextmanager
def ctrl_c_answered() -> Iterator[None]:
    """Children started inside the block answer Ctrl+C (SIGINT) as Python does.

    A shell without job control starts a background job (``bash .ci/run &``) with SIGINT
    ignored, and a child inherits an ignored signal: a test's Ctrl+C was dropped, the run
    finished and the test skipped (「the run was done before Ctrl+C」) without testing anything
    (6 of the 8 Ctrl+C tests so). A signal this process handles is reset to the default in a
    new program, which Python then handles. Only the main thread can change the handler.
    """
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def main_here(args: list[object], capsys: Any) -> tuple[int, str]:
    """``landgov ARGS`` in this process (the same handler as the command): the exit code and
    everything printed (``capsys``: pytest's fixture)."""
    from landgov.cli import main

    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    else:
        code = 0
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def snapshot(folder: Path) -> dict[str, str] | None:
    """Every file below ``folder`` with its SHA-256 (``None``: no folder)."""
    if not folder.exists():
        return None
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def sample_run(root: Path) -> Path:
    """The bundled sample screened through the command line as a user runs it, into
    「结果 2026年」 under ``root`` (a space and Chinese characters in the path)."""
    sample = _ROOT / "data" / "sample"
    run = root / "结果 2026年"
    result = run_cli(
        "screen", "-q", "-p", sample / "parcels.shp", "-e", sample / "enterprises.xlsx",
        "-l", sample / "links.xlsx", "-o", run, "--as-of", "2026-06-30", cwd=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return run


def refused(code: int, text: str, *words: str) -> str:
    """A refusal as users must see it, from :func:`main_here`: exit code 2 (``EXIT_INPUT``),
    「错误：」 lines holding ``words``, nothing in English. Returns the text."""
    from landgov.cli import EXIT_INPUT

    assert code == EXIT_INPUT, (code, text)
    assert "错误：" in text, text
    for word in words:
        assert word in text, (word, text)
    for word in ENGLISH:
        assert word not in text, (word, text)
    return text


def in_session(sid: int) -> list[int]:
    """The live (not zombie) processes of session ``sid`` (Linux: /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # state, ppid, pgrp, session, …
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def until(check: Callable[[], object], *, within: float, every: float = 0.05) -> bool:
    """Whether ``check()`` came true within ``within`` seconds, asked every ``every`` seconds:
    a state waited for, not a fixed sleep that a busy machine can outrun."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)
    return True


def watch(stream: IO[bytes], needle: str) -> tuple[bytearray, threading.Event, threading.Thread]:
    """Read ``stream`` to its end in a thread (chunks: a progress bar writes no newlines).

    Returns what was read so far, an event set once ``needle`` was read (or the stream
    ended), and the thread (started; join it after the process ends).
    """
    read, seen = bytearray(), threading.Event()

    def run() -> None:
        while chunk := stream.read1(4096):  # type: ignore[attr-defined]
            read.extend(chunk)
            if needle.encode() in read:
                seen.set()
        seen.set()

    reader = threading.Thread(target=run, daemon=True)
    reader.start()
    return read, seen, reader


def interrupted(
    cmd: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    needle: str,
    on: str = "stderr",
    group: bool = True,
    within: float = 120,
    settle: float = 10,
) -> tuple[int, str]:
    """Run ``cmd`` in a session of its own and send it Ctrl+C (SIGINT) once ``needle`` shows
    on its ``on`` stream (``"stderr"`` or ``"stdout"``, read in chunks: not after a fixed time).

    ``group``: to its whole process group, as a terminal's Ctrl+C (its children and workers
    too), else to the command alone (as ``Popen.send_signal``). Fails when ``needle`` does not
    come within ``within`` seconds, or when a process of the session is still running ``settle``
    seconds after the command ended (waited for, not slept: they are killed first, not left
    running after a failed test).

    Returns
    -------
    tuple
        The exit code and the output (stdout, then stderr).
    """
    with ctrl_c_answered():
        child = subprocess.Popen(
            list(cmd), cwd=cwd, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
    assert child.stdout is not None and child.stderr is not None
    watched, other = (
        (child.stderr, child.stdout) if on == "stderr" else (child.stdout, child.stderr)
    )
    read, seen, reader = watch(watched, needle)
    try:
        assert seen.wait(within), f"「{needle}」 never came"
        if group:
            os.killpg(child.pid, signal.SIGINT)
        else:
            child.send_signal(signal.SIGINT)
        rest = other.read()
        child.wait(timeout=120)
        reader.join(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        child.stdout.close()
        child.stderr.close()
    until(lambda: not in_session(child.pid), within=settle)  # a stopping child takes a moment
    left = in_session(child.pid)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"processes left: {left}"
    out, err = (rest, bytes(read)) if on == "stderr" else (bytes(read), rest)
    return child.returncode, out.decode() + err.decode()
