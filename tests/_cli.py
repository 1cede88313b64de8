"""Run the real ``landgov`` command line in a child process, as a user would.

The bad-input tests use these helpers so that every case asserts the same things: the exit
code, a 「错误：」 line (or a problem row), and no Python traceback on the terminal.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["assert_clean_error", "run_cli"]

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
