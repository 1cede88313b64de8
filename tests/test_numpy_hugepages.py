"""``import landgov`` turns NumPy's huge-page requests off unless the user chose otherwise.

Why: landgov/__init__.py (compaction stalls on fresh arrays; figures in its comment). Each case
runs in a new interpreter, since NumPy reads the setting once, on its first import.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

_PROBE = (
    "import landgov, os, numpy\n"
    "from numpy._core import multiarray\n"
    "print(os.environ['NUMPY_MADVISE_HUGEPAGE'], multiarray._get_madvise_hugepage())\n"
)


def _probe(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if env_value is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = env_value
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_landgov_turns_numpy_hugepage_requests_off_before_numpy_is_imported() -> None:
    assert _probe(None) == "0 False"


@pytest.mark.parametrize(("given", "expected"), [("1", "1 True"), ("0", "0 False")])
def test_a_value_the_user_set_is_kept(given: str, expected: str) -> None:
    assert _probe(given) == expected
