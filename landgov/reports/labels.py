"""Chinese labels for canonical column names: a view of :mod:`landgov.core.columns`."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from landgov.core.columns import COLUMNS, label

__all__ = ["LABELS", "label"]

#: Column name → Chinese header, for writers that take a ``labels`` mapping.
LABELS: Mapping[str, str] = MappingProxyType({name: c.label for name, c in COLUMNS.items()})
