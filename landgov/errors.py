"""The landgov exception tree.

Every error landgov raises derives from :class:`LandgovError`; where a built-in exception fits,
the subclass inherits it too, so ``except ValueError`` still works (the pattern of rasterio's
``errors.py``)::

    LandgovError
    ├── InputError(LandgovError, ValueError)      bad input data: lists every problem at once
    │   ├── EncodingError                          a .dbf whose text cannot be decoded
    │   ├── CRSError                               no usable coordinate reference system
    │   ├── SchemaError                            required fields missing / ambiguous
    │   └── GeometryError                          geometry that cannot be repaired
    ├── ProfileError(LandgovError, ValueError)     a malformed policy profile
    └── DataFileError(LandgovError, OSError)       a file that cannot be opened or written

Messages name the file, the field, the values seen and the fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CRSError",
    "DataFileError",
    "EncodingError",
    "GeometryError",
    "InputError",
    "Issue",
    "LandgovError",
    "ProfileError",
    "SchemaError",
]


@dataclass(frozen=True)
class Issue:
    """One problem found in an input: where it is, what was seen, and how to fix it."""

    source: str
    field: str | None
    value: object
    problem: str
    fix: str

    def __str__(self) -> str:
        where = self.source if self.field is None else f"{self.source} 字段「{self.field}」"
        return f"{where}：{self.problem}（所见值：{self.value!r}）。处理：{self.fix}"


class LandgovError(Exception):
    """Root of every error raised by landgov."""


class _IssuesError(LandgovError):
    """An error that carries every :class:`Issue` found, not only the first."""

    def __init__(self, issues: Iterable[Issue] | str) -> None:
        if isinstance(issues, str):
            self.issues: tuple[Issue, ...] = ()
            super().__init__(issues)
            return
        self.issues = tuple(issues)
        lines = [f"发现 {len(self.issues)} 个问题："]
        lines += [f"  {i}. {issue}" for i, issue in enumerate(self.issues, 1)]
        super().__init__("\n".join(lines))


class InputError(_IssuesError, ValueError):
    """Input data that landgov cannot use as it is."""


class EncodingError(InputError):
    """Text in a file that cannot be decoded with any candidate encoding."""


class CRSError(InputError):
    """No usable coordinate reference system, or coordinates that contradict it."""


class SchemaError(InputError):
    """Required fields missing, or several columns claiming one canonical field."""


class GeometryError(InputError):
    """Geometry that cannot be repaired into polygons."""


class ProfileError(_IssuesError, ValueError):
    """A policy profile with a missing key, a wrong type or a value out of range."""


class DataFileError(LandgovError, OSError):
    """A file that cannot be found, opened or written."""
