"""The problems table every reader returns: nothing is dropped silently.

Each problem names the source file, the 1-based data row (``None`` for a file-level problem),
the field, the value seen, what is wrong and what to do. Severities:

- ``错误`` (error): the row was rejected or the value set to missing;
- ``警告`` (warning): the row was kept but something was changed or guessed (and said so);
- ``提示`` (info): evidence recorded for the user (detected encoding, inferred CRS).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from landgov.core.missing import is_missing

__all__ = ["PROBLEM_COLUMNS", "ProblemLog", "ReadResult", "Severity"]

PROBLEM_COLUMNS = ["source", "row", "field", "value", "problem", "action", "severity"]
PROBLEM_LABELS = {
    "source": "源文件",
    "row": "行号",
    "field": "字段",
    "value": "所见值",
    "problem": "问题",
    "action": "处理建议",
    "severity": "严重程度",
}


class Severity(enum.StrEnum):
    """How serious a problem is."""

    ERROR = "错误"
    WARNING = "警告"
    INFO = "提示"


def _shown(value: object) -> str | None:
    """The value seen as text; a blank cell (``None``, NaN, ``pd.NA``, NaT) stays blank, never
    「nan」 (a text such as 「无」 or 「—」 is shown as written)."""
    if value is None or (not isinstance(value, str) and is_missing(value)):
        return None
    return str(value)


@dataclass
class ProblemLog:
    """Collects problems while a file is read; ``frame()`` gives the problems table."""

    source: str
    _rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        problem: str,
        *,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
        action: str = "",
        severity: Severity = Severity.ERROR,
    ) -> None:
        """Record one problem."""
        self._rows.append(
            {
                "source": self.source,
                "row": row,
                "field": field,
                "value": _shown(value),
                "problem": problem,
                "action": action,
                "severity": Severity(severity).value,
            }
        )

    def extend(self, other: ProblemLog | pd.DataFrame) -> None:
        """Append another log's problems (or a problems frame)."""
        rows = other._rows if isinstance(other, ProblemLog) else other.to_dict("records")
        self._rows.extend(rows)

    def __len__(self) -> int:
        return len(self._rows)

    def frame(self) -> pd.DataFrame:
        """The problems as a DataFrame with :data:`PROBLEM_COLUMNS` (``row`` as nullable Int64)."""
        df = pd.DataFrame(self._rows, columns=PROBLEM_COLUMNS)
        df["row"] = df["row"].astype("Int64")
        return df


@dataclass(frozen=True)
class ReadResult:
    """What a reader returns.

    Attributes
    ----------
    data
        Rows in the canonical schema (GeoDataFrame for layers), index = 0-based source order;
        ``source_row`` holds the 1-based row in the file.
    rejected
        Rows that could not be used at all (same columns as ``data`` plus ``reject_reason``).
        ``len(data) + len(rejected)`` equals the number of rows in the file.
    problems
        The problems table (:data:`PROBLEM_COLUMNS`).
    meta
        Evidence about the file: format, layer, encoding and why, CRS and why, field mapping.
    """

    data: pd.DataFrame | gpd.GeoDataFrame
    rejected: pd.DataFrame
    problems: pd.DataFrame
    meta: dict[str, Any]

    @property
    def rows_in(self) -> int:
        """Rows in the source file."""
        return int(self.meta.get("rows", len(self.data) + len(self.rejected)))
