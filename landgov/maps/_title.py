"""The map's title: the user's, else a fixed wording; never a folder's name.

Runs on the simulated sample keep 「（模拟数据）」 in every title (a printed page must not pass
for real data), and a redacted map says 「（脱敏版）」. Whether a run is simulated is read from
its input folders: the sample generator writes a ``README.md`` that says 模拟数据.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_TITLE", "SIMULATED", "is_simulated", "map_title"]

DEFAULT_TITLE = "工业用地治理简报图"
SIMULATED = "（模拟数据）"
REDACTED = "（脱敏版）"


def _input_folders(manifest: Mapping[str, Any]) -> set[Path]:
    folders: set[Path] = set()
    sections = [manifest, *(s for s in (manifest.get("stages") or {}).values())]
    for section in sections:
        inputs = section.get("inputs") if isinstance(section, Mapping) else None
        if not isinstance(inputs, Mapping):
            continue
        for entry in inputs.values():
            path = entry.get("path") if isinstance(entry, Mapping) else None
            if isinstance(path, str) and path:
                folders.add(Path(path).parent)
    return folders


def is_simulated(manifest: Mapping[str, Any]) -> bool:
    """True when the run's inputs came from a folder marked 模拟数据 (the landgov sample)."""
    if manifest.get("simulated") is True:
        return True
    for folder in _input_folders(manifest):
        readme = folder / "README.md"
        try:
            head = readme.read_text(encoding="utf-8")[:400]
        except (OSError, UnicodeDecodeError):
            continue
        if "模拟数据" in head:
            return True
    return False


def map_title(title: str | None, manifest: Mapping[str, Any], *, redact: bool) -> str:
    """The heading of a map: ``title`` or :data:`DEFAULT_TITLE`, marked 模拟数据 / 脱敏版."""
    heading = (title or "").strip() or DEFAULT_TITLE
    if "模拟" not in heading and is_simulated(manifest):
        heading += SIMULATED
    if redact and "脱敏" not in heading:
        heading += REDACTED
    return heading
