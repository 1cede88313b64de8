"""Re-save a workbook with LibreOffice headless, as a user of LibreOffice or WPS would.

``resave(path, tmp_path)`` converts ``path`` to .xlsx with ``soffice --headless --convert-to
xlsx`` (own user profile, so parallel tests do not share one) and returns the new file. When
LibreOffice is missing the test is skipped naming the Debian package ``libreoffice-calc``; in CI
(``CI=true``, where the Makefile installs it) it fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

__all__ = ["resave"]


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    why = "LibreOffice is not installed (Debian package libreoffice-calc)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI: {why}")
    pytest.skip(why)


def resave(path: Path, tmp_path: Path, *, to: str = "xlsx") -> Path:
    """``path`` opened and saved again as .xlsx (``to``: another format LibreOffice writes,
    ``"xls"`` for Excel 97–2003) by LibreOffice; the new file's path."""
    exe = _soffice()
    out = tmp_path / "libreoffice-out"
    out.mkdir(exist_ok=True)
    profile = tmp_path / "libreoffice-profile"
    result = subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    new = out / f"{path.stem}.{to}"
    assert result.returncode == 0 and new.is_file(), result.stdout + result.stderr
    return new
