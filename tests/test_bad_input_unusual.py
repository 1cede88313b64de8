"""Unusual county files: JSON values in layer properties, mixed encodings, 300 %, 1e300
coordinates, a real ``.xls``, and a sample too small to generate.

Each case builds its file in ``tmp_path``; every row read is kept, flagged or rejected with a
reason, and every failure is one 「错误：」 line (exit 2), never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests._cli import assert_clean_error

_ROOT = Path(__file__).resolve().parents[1]


def _run_sample(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(_ROOT), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "landgov.sample", *map(str, args)],
        cwd=_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_a_sample_below_100_parcels_is_a_clean_error(tmp_path: Path) -> None:
    """``--parcels 60`` once ended in a traceback of InputError; now one 「错误：」, exit 2."""
    text = assert_clean_error(
        _run_sample("--out", tmp_path / "s", "--parcels", "60"), contains="--parcels"
    )
    assert "100" in text and "60" in text
    assert not (tmp_path / "s").exists()


def test_a_sample_out_below_a_file_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    assert_clean_error(_run_sample("--out", tmp_path / "f" / "s", "--parcels", "100"))
