"""What counts as a missing value, yes/no answers, and how numbers are read and shown.

Every stage (readers, screening, 增容, the 四个一批 paths, maps, forms) asks these questions;
they are answered here once so a blank cell means the same everywhere.

A value is **missing** (:func:`is_missing`) when it is

- ``None``, ``pandas.NA``, ``pandas.NaT``, ``numpy.datetime64("NaT")`` or a float NaN;
- text that, after NFKC normalisation (full-width forms become ASCII), stripping and case
  folding, is empty or one of :data:`MISSING_TEXT`: dashes (``-``, ``--``, ``—``, ``——``,
  ``–``), slashes (``/``, ``\\``), ``无``, ``空``, ``暂无``, ``不详``, ``未知`` and the
  spreadsheet/pandas spellings ``null``, ``none``, ``nan``, ``nat``, ``na``, ``n/a``, ``<na>``.

``0``, ``False``, ``否`` and ``0.0`` are values, never missing. 「无」 is missing as a *value*; as
an *answer* to a yes/no question (「有无临时改变用途：无」) :func:`parse_yes_no` reads it as no —
callers asking a yes/no question use :func:`parse_yes_no` first.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from numbers import Real

import numpy as np
import pandas as pd

from landgov.core.distinct import per_distinct_text
from landgov.core.textkey import folded

__all__ = [
    "MISSING_TEXT",
    "NO_TEXT",
    "REMARK",
    "YES_TEXT",
    "complete_sums",
    "format_number",
    "is_missing",
    "lacking",
    "missing_cells",
    "numeric_column",
    "parse_yes_no",
    "present_column",
    "present_values",
]

MISSING_TEXT: frozenset[str] = frozenset(
    {"", "-", "--", "---", "—", "——", "–", "/", "\\", "无", "空", "暂无", "不详", "未知"}
    | {"null", "none", "nan", "nat", "na", "n/a", "<na>"}
)
"""Texts (after NFKC, strip and case folding) that mean "no value"."""

YES_TEXT: frozenset[str] = frozenset(
    {"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "✔", "对", "已签", "已签署", "已完成"}
)
"""Texts (after NFKC, strip, case folding, inner blanks removed) read as yes."""

NO_TEXT: frozenset[str] = frozenset(
    {"否", "无", "没有", "n", "no", "false", "f", "0", "×", "✗", "✘", "x", "未签", "未签署"}
    | {"未完成"}
)
"""Texts (after NFKC, strip, case folding, inner blanks removed) read as no."""

#: 「是（已签）」: an answer and a bracketed remark (after NFKC （） are ()); vocabularies too.
REMARK = re.compile(r"^(?P<head>[^()]+)\((?P<note>[^()]+)\)$")


def _kept_ideographs() -> re.Pattern[str]:
    """A CJK unified ideograph (U+4E00–U+9FFF) that no missing text holds.

    Such a character is its own NFKC form, is composed with nothing, is not whitespace and is
    its own case fold, so it survives :func:`_norm`: a text holding one is never missing.
    """
    used = sorted({ord(c) for t in MISSING_TEXT for c in t if 0x4E00 <= ord(c) <= 0x9FFF})
    ranges, start = [], 0x4E00
    for cp in [*used, 0xA000]:
        if start < cp:
            ranges.append(f"{chr(start)}-{chr(cp - 1)}")
        start = cp + 1
    return re.compile(f"[{''.join(ranges)}]")


_KEPT_IDEOGRAPH = _kept_ideographs()
_SHORT = 8  # a longer text is searched for such an ideograph before it is normalised


def _norm(text: str) -> str:
    """NFKC, strip, case fold (the key texts are compared by)."""
    if text.isascii():  # NFKC leaves ASCII as it is
        return text.strip().casefold()
    return unicodedata.normalize("NFKC", text).strip().casefold()


def is_missing(value: object) -> bool:
    """Whether ``value`` is missing (see the module docstring for the full list).

    Examples
    --------
    >>> is_missing("—"), is_missing(" "), is_missing("无"), is_missing(0), is_missing(pd.NaT)
    (True, True, True, False, True)
    """
    kind = type(value)
    if kind is float or kind is int or kind is bool:  # the common cells, answered at once
        return kind is float and math.isnan(value)  # type: ignore[arg-type]
    if isinstance(value, str):
        return _missing_text(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, bool | np.bool_ | int | np.integer | dt.date | dt.time):
        return False
    try:
        result = pd.isna(value)  # float NaN, numpy NaT, Decimal NaN; arrays are not missing
    except (TypeError, ValueError):
        return False
    return isinstance(result, bool | np.bool_) and bool(result)


def _missing_text(text: str) -> bool:
    """Whether ``text`` is missing; a long text holding an ideograph that survives
    normalisation (a reasons text) is answered without normalising hundreds of characters."""
    if text.isascii():  # NFKC leaves ASCII as it is (as in _norm)
        return text.strip().casefold() in MISSING_TEXT
    if len(text) > _SHORT and _KEPT_IDEOGRAPH.search(text):
        return False
    return unicodedata.normalize("NFKC", text).strip().casefold() in MISSING_TEXT


def lacking(items: Iterable[str]) -> str:
    """「（缺少：宗地图形、建筑面积或容积率）」: the missing inputs after a 待核实, each once, in
    the words the 待核实事项 columns use (a verdict's ``missing``); empty when none.

    >>> lacking(["宗地图形", "宗地图形", "新增建筑面积"]), lacking([])
    ('（缺少：宗地图形、新增建筑面积）', '')
    """
    named = "、".join(dict.fromkeys(t for t in items if t))
    return f"（缺少：{named}）" if named else ""


def present_values(column: pd.Series) -> list[object]:
    """The column's values as a list, the missing ones (:func:`is_missing`) as ``None``.

    The same rule as :func:`is_missing` cell by cell, answered at once for NumPy number columns:
    an integer or boolean column holds no missing value, a float column's are its NaNs. Each
    distinct text is judged once (a column of 行业代码 or 目录类别 repeats a few texts).

    >>> present_values(pd.Series([1.5, float("nan")])), present_values(pd.Series(["—", "x"]))
    ([1.5, None], [None, 'x'])
    """
    values = column.tolist()
    gone = missing_cells(column).tolist()
    if not any(gone):
        return values
    return [None if m else v for v, m in zip(values, gone, strict=True)]


def missing_cells(column: pd.Series) -> pd.Series:
    """:func:`is_missing` of every cell, as a boolean column on ``column``'s index.

    The vectorised form of the one rule (as :func:`present_values`): a NumPy integer or
    boolean column holds no missing value, a float column's are its NaNs, and each distinct
    text of any other column is judged once. A stage asking "is this cell blank?" of a whole
    column uses this, never ``isna()`` (which reads 「—」 or 「无」 as a value) or its own
    ``strip() == ""``.

    >>> missing_cells(pd.Series(["甲", "—", None, "\u3000", "无", "n/a"])).tolist()
    [False, True, True, True, True, True]
    """
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return pd.Series(False, index=column.index, dtype=bool)
    if isinstance(dtype, np.dtype) and dtype.kind in "fmM":
        return pd.Series(column.isna().to_numpy(), index=column.index, dtype=bool)
    gone = per_distinct_text(is_missing, column.tolist())
    return pd.Series(gone, index=column.index, dtype=bool)


def present_column(column: pd.Series) -> pd.Series:
    """``column`` as an object column with every missing cell (:func:`is_missing`) ``None``.

    >>> present_column(pd.Series(["甲", "—", "无", float("nan")])).tolist()
    ['甲', None, None, None]
    """
    return pd.Series(present_values(column), index=column.index, dtype=object, name=column.name)


def parse_yes_no(
    value: object, *, yes: frozenset[str] = frozenset(), no: frozenset[str] = frozenset()
) -> bool | None:
    """Read a yes/no answer: ``True``, ``False``, or ``None`` when blank or not understood.

    Parameters
    ----------
    value
        A cell: text such as 是/否/有/无/Y/N/1/0/√/×, a bool or a number (1/0).
    yes, no
        Extra texts for one field (e.g. ``{"内", "控制线内"}`` for the 工业用地控制线), compared
        after the same normalisation.

    Examples
    --------
    >>> parse_yes_no("是"), parse_yes_no("×"), parse_yes_no("无"), parse_yes_no("待定")
    (True, False, False, None)

    An answer with a remark counts when the remark says the same, and only then:

    >>> parse_yes_no("是（已签）"), parse_yes_no("是（未签）"), parse_yes_no("是（口头）")
    (True, None, None)
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, Real) and not is_missing(value):
        number = float(value)
        return True if number == 1 else False if number == 0 else None
    if not isinstance(value, str):
        return None
    text = folded(value).casefold()
    answer = _answer(text, yes, no)
    remark = REMARK.match(text) if answer is None else None
    if remark is not None:  # 「是（已签）」: an answer and a remark that says the same
        said, again = _answer(remark["head"], yes, no), _answer(remark["note"], yes, no)
        return said if said is not None and said == again else None
    return answer


def _answer(text: str, yes: frozenset[str], no: frozenset[str]) -> bool | None:
    if text in YES_TEXT or text in {_norm(t) for t in yes}:
        return True
    if text in NO_TEXT or text in {_norm(t) for t in no}:
        return False
    return None


def numeric_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` as float64 (unparsable cells NaN); all-NaN when the frame lacks it."""
    if name not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64", name=name)
    return pd.to_numeric(frame[name], errors="coerce").astype("float64")


def complete_sums(values: pd.DataFrame, by: pd.Series) -> pd.DataFrame:
    """Each group's column sums, missing where any member's value is missing.

    A pandas sum skips NaN (``sum(min_count=1)`` only asks for one value): the total of the
    known part would read as the whole, a lessor's blank 税收 as 0. A total of several parties
    is a figure only when every party's is one; the caller names the missing parties.

    Parameters
    ----------
    values
        Numeric columns (float; a missing value is NaN, as :func:`numeric_column` reads it).
    by
        The group of each row, on ``values``' index (no missing key).

    Returns
    -------
    pandas.DataFrame
        One row per group (in order of appearance), ``values``' columns.

    >>> v = pd.DataFrame({"tax": [1.0, float("nan"), 2.0], "power": [1.0, 2.0, 3.0]})
    >>> complete_sums(v, pd.Series(["a", "a", "b"])).to_dict("list")
    {'tax': [nan, 2.0], 'power': [3.0, 3.0]}
    """
    gaps = values.isna().groupby(by, sort=False).any()
    return values.groupby(by, sort=False).sum(min_count=1).mask(gaps)


def format_number(
    value: object,
    *,
    digits: int = 2,
    thousands: bool = False,
    trim: bool = True,
    missing: str = "—",
) -> str:
    """A number as people read it: ``digits`` decimals, trailing zeros trimmed.

    Parameters
    ----------
    value
        A number; text is returned stripped as it is, a missing value as ``missing``.
    digits
        Decimals shown (before trimming).
    thousands
        Group thousands with ``,`` (``12,345.6``).
    trim
        Drop trailing zeros and a trailing point (``12.50`` → ``12.5``, ``3.00`` → ``3``).
    missing
        What a missing value prints as (``—``; forms use blank space for the enterprise to fill).

    Examples
    --------
    >>> format_number(12.5), format_number(3.0), format_number(None)
    ('12.5', '3', '—')
    >>> format_number(12345, thousands=True), format_number(3, trim=False)
    ('12,345', '3.00')
    """
    kind = type(value)
    if kind is float or kind is int:  # the common case, without the checks below
        if kind is float and math.isnan(value):  # type: ignore[arg-type]
            return missing
    elif is_missing(value):
        return missing
    elif isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        return str(value).strip()
    text = f"{float(value):{',' if thousands else ''}.{digits}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text
