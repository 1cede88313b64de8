"""The problems table every reader returns: nothing is dropped silently.

Each problem names the source file, the 1-based data row (``None`` for a file-level problem),
the field, the value seen, what is wrong and what to do. Severities:

- ``错误`` (error): the row was rejected or the value set to missing;
- ``警告`` (warning): the row was kept but something was changed or guessed (and said so);
- ``提示`` (info): evidence recorded for the user (detected encoding, inferred CRS).

A processing step (地企关联, 亩均评价 …) finds problems in rows it did not read itself: it logs
under its own name with the *role* of the input the row counts in (``"enterprises"``,
``"links"``, ``"parcels"`` …, or :data:`COMPUTED` for a computed aggregate of no input row), and
the run names the file the user gave for that role with :func:`in_input_files`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from landgov.core.missing import is_missing

__all__ = [
    "COMPUTED",
    "PROBLEM_COLUMNS",
    "ROLE_COLUMN",
    "ProblemLog",
    "ReadResult",
    "Severity",
    "in_input_files",
]

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
#: The column of a step's problems naming the input role a row number counts in.
ROLE_COLUMN = "input_role"
#: The role of a problem about a computed aggregate: no input row to open.
COMPUTED = "computed"


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
    """Collects problems while a file is read; ``frame()`` gives the problems table.

    ``source`` is the file read, or the step (地企关联 …) whose rows name with ``role`` the input
    their row number counts in: ``role`` here is the default of :meth:`add`.
    """

    source: str
    role: str | None = None
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
        role: str | None = None,
    ) -> None:
        """Record one problem; ``role``: the input ``row`` counts in (a step's log, see
        :func:`in_input_files`), :data:`COMPUTED` for a computed aggregate."""
        role = role or self.role
        self._rows.append(
            {
                "source": self.source,
                "row": row,
                "field": field,
                "value": _shown(value),
                "problem": problem,
                "action": action,
                "severity": Severity(severity).value,
                **({} if role is None else {ROLE_COLUMN: role}),
            }
        )

    def extend(self, other: ProblemLog | pd.DataFrame) -> None:
        """Append another log's problems (or a problems frame)."""
        rows = other._rows if isinstance(other, ProblemLog) else other.to_dict("records")
        self._rows.extend(rows)

    def __len__(self) -> int:
        return len(self._rows)

    def frame(self) -> pd.DataFrame:
        """The problems as a DataFrame with :data:`PROBLEM_COLUMNS` (``row`` as nullable Int64),
        and :data:`ROLE_COLUMN` when a problem was logged with a role."""
        roles = any(ROLE_COLUMN in r for r in self._rows)
        df = pd.DataFrame(self._rows, columns=PROBLEM_COLUMNS + ([ROLE_COLUMN] if roles else []))
        df["row"] = df["row"].astype("Int64")
        return df


def in_input_files(
    problems: pd.DataFrame, files: Mapping[str, str | PathLike[str]]
) -> pd.DataFrame:
    """A step's problems naming the input file each row number counts in (:data:`PROBLEM_COLUMNS`).

    A row logged with a role given in ``files`` gets that file's name (never its folder) as
    ``source``; the step stays at the head of the problem (「【地企关联】…」), with
    「不对应单独一行」 when the problem has no row number (a whole file, or several rows). A
    :data:`COMPUTED` row names the step as a computed result, not a file. Rows without a role,
    or with a role not in ``files`` (the step run on tables of no file), are left as they are.

    Parameters
    ----------
    problems
        Problems, with :data:`ROLE_COLUMN` where a step logged them (else returned as they are).
    files
        The run's input file per role (:meth:`landgov.run.files.RunInputs.files`).
    """
    if ROLE_COLUMN not in problems.columns:
        return problems
    out = problems.drop(columns=[ROLE_COLUMN])
    if not len(out):
        return out
    names = {role: Path(path).name for role, path in files.items()}
    source, text = out["source"].astype(object).copy(), out["problem"].astype(object).copy()
    rows = out["row"].tolist()
    for pos, role in enumerate(problems[ROLE_COLUMN].tolist()):
        step = str(source.iat[pos])
        if role == COMPUTED:
            source.iat[pos] = f"{step}（计算结果，非输入文件）"
        elif isinstance(role, str) and role in names:
            source.iat[pos] = names[role]
            whole = pd.isna(rows[pos])
            text.iat[pos] = f"【{step}{'；不对应单独一行' if whole else ''}】{text.iat[pos]}"
    return out.assign(source=source, problem=text)


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
