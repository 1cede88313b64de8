"""Convert mapped source columns into canonical values, logging every problem."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from landgov.io.fields import ColumnMatch, Kind
from landgov.io.numbers import parse_date, parse_quantity
from landgov.io.problems import ProblemLog, Severity

__all__ = ["convert_columns"]


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _code(value: object) -> str | None:
    """Codes stay text; a float that was really an integer code loses its ``.0``."""
    if isinstance(value, float) and not np.isnan(value) and value.is_integer():
        return str(int(value))
    return _text(value)


def convert_columns(
    frame: pd.DataFrame,
    matches: Mapping[str, ColumnMatch],
    *,
    log: ProblemLog,
    rows: np.ndarray,
) -> pd.DataFrame:
    """Canonical columns from ``frame`` according to ``matches``.

    Numbers are parsed with their units into the field's canonical unit, dates into
    ``datetime.date``, codes and text kept as text. A value that cannot be parsed becomes
    missing and is logged (row, field, value seen) — never 0.
    """
    out = pd.DataFrame(index=frame.index)
    for name, match in matches.items():
        spec = match.field
        values = frame[match.source].tolist()
        if spec.kind is Kind.NUMBER:
            parsed = [
                parse_quantity(v, unit=spec.unit, header_unit=match.header_unit) for v in values
            ]
            column: list[object] = [p[0] for p in parsed]
            problems = [p[1] for p in parsed]
            out[name] = pd.array(column, dtype="Float64").astype("float64")
        elif spec.kind is Kind.DATE:
            parsed_d = [parse_date(v) for v in values]
            out[name] = pd.Series([d for d, _ in parsed_d], index=frame.index, dtype=object)
            problems = [p for _, p in parsed_d]
        else:
            convert = _code if spec.kind is Kind.CODE else _text
            out[name] = pd.Series([convert(v) for v in values], index=frame.index, dtype=object)
            problems = [None] * len(values)
        for pos in np.flatnonzero([p is not None for p in problems]):
            kept = out[name].iloc[pos]
            log.add(
                problems[pos],
                row=int(rows[pos]),
                field=match.source,
                value=values[pos],
                action="已按提示换算，请核对" if pd.notna(kept) else "该值置为缺失，请核对源数据",
                severity=Severity.WARNING if pd.notna(kept) else Severity.ERROR,
            )
    return out
