"""Province folders in tests: a generated province copied, its ``province.json`` read, written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path


def copy_province(province: Path, dest: Path) -> Path:
    """A copy of the province folder ``province`` at ``dest`` (to edit without touching it)."""
    shutil.copytree(province, dest)
    return dest


def index_json(folder: Path) -> dict:
    """The folder's ``province.json``."""
    return json.loads((folder / "province.json").read_text(encoding="utf-8"))


def write_index(folder: Path, index: object) -> None:
    """Write ``index`` as the folder's ``province.json``."""
    (folder / "province.json").write_text(json.dumps(index, ensure_ascii=False), "utf-8")
