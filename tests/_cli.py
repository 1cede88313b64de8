"""Run the real ``landgov`` command line in a child process, as a user would.

The bad-input tests use these helpers so that every case asserts the same things: the exit
code, a 「错误：」 line (or a problem row), and no Python traceback on the terminal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["assert_clean_error", "ctrl_c_answered", "run_cli"]

_ROOT = Path(__file__).resolve().parents[1]


def run_cli(
    *args: str | os.PathLike[str], cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``python -m landgov ARGS`` from this checkout; stdout and stderr captured as text."""
    env = {**os.environ, "PYTHONPATH": str(_ROOT), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "landgov", *map(str, args)],
        cwd=cwd or _ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


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
