"""``import landgov`` turns huge pages off (NumPy's requests and the process's, which Arrow's
allocator would use) unless the user chose otherwise. Linux only (``/proc/self/status``).

Why: landgov/__init__.py (compaction stalls on fresh arrays; figures in its comment). Each case
runs in a new interpreter, since NumPy reads the setting once, on its first import.
"""

from __future__ import annotations

import os
import subprocess
import sys

_PROBE = (
    "import landgov, os, numpy\n"
    "from numpy._core import multiarray\n"
    "thp = open('/proc/self/status').read().split('THP_enabled:')[1].split()[0]\n"
    "print(os.environ['NUMPY_MADVISE_HUGEPAGE'], multiarray._get_madvise_hugepage(), thp)\n"
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
    assert _probe(None) == "0 False 0"  # and the process's huge pages (Arrow's buffers) off


def _own_huge_pages() -> str:
    """This process's THP setting, which a child inherits when landgov leaves it alone."""
    with open("/proc/self/status", encoding="ascii") as fh:
        return fh.read().split("THP_enabled:")[1].split()[0]


def test_a_value_the_user_set_is_kept() -> None:
    assert _probe("1") == f"1 True {_own_huge_pages()}"  # landgov does not touch huge pages
    assert _probe("0") == "0 False 0"
