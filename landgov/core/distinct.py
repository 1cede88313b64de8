"""A pure function over a column, called once per distinct text rather than once per row.

County tables and the lists repeat their texts: a column of 规上/规下 or 自有/租用 holds a few
words, a 治理清单 of 30,000 plots about 15,000 distinct reasons. The texts are looked up in a
dict (faster than Arrow's factorising of long texts); other values are passed on one by one.
:func:`isin_texts` asks whether each text of a column is among many (50,000 宗地代码 or USCCs)
without pandas turning each of them into an Arrow scalar first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "distinct_texts", "distinct_texts_of", "each_distinct", "isin_texts", "per_distinct_text",
]  # fmt: skip

_T = TypeVar("_T")
_UNSEEN = object()


def per_distinct_text(read: Callable[[object], _T], values: Sequence[object]) -> list[_T]:
    """``[read(v) for v in values]``, calling ``read`` once per distinct text; ``read`` must
    be pure."""
    seen: dict[str, _T] = {}
    out: list[_T] = []
    for value in values:
        if type(value) is not str:
            out.append(read(value))
        elif (hit := seen.get(value, _UNSEEN)) is not _UNSEEN:
            out.append(hit)  # type: ignore[arg-type]
        else:
            out.append(seen.setdefault(value, read(value)))
    return out


def each_distinct(func: Callable[[object], _T], values: pd.Series) -> list[_T]:
    """:func:`per_distinct_text` over a column's values.

    >>> each_distinct(len, pd.Series(["ab", "c", "ab"], dtype="str"))
    [2, 1, 2]
    """
    return per_distinct_text(func, values.tolist())


def distinct_texts(column: pd.Series) -> set[str]:
    """The texts of ``column``; other values and missing cells are left out.

    >>> sorted(distinct_texts(pd.Series(["b", None, "a", "b"], dtype="str")))
    ['a', 'b']
    >>> sorted(distinct_texts(pd.Series(["b", 1, None, "b"], dtype=object)))
    ['b']
    """
    if column.dtype == np.dtype(object):  # may hold unhashable values beside the texts
        return {v for v in column.tolist() if isinstance(v, str)}
    if pd.api.types.is_string_dtype(column.dtype):  # pandas' text columns (Arrow-backed)
        return set(column.dropna().unique().tolist())
    return set()


def _arrow_texts(column: pd.Series) -> pa.Array | None:
    """The cells of an Arrow text column as one Arrow array (``None`` for any other column)."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return pa.array(column.array)
    return None


def distinct_texts_of(columns: Iterable[pd.Series], *, containing: Sequence[str] = ()) -> set[str]:
    """The texts of all ``columns``, each once: :func:`distinct_texts` of each, united;
    with ``containing``, only those that hold one of these texts.

    Arrow text columns are made distinct together, in Arrow (one pass, no Python string per
    row: the 11 sheets of a county of 11,111 plots, 94,757 texts, 0.16 s → 0.10 s), and
    filtered there; the others as :func:`distinct_texts`.

    >>> columns = [
    ...     pd.Series(["b", None, "b"], dtype="str"), pd.Series(["a", 1, "b"], dtype=object),
    ... ]
    >>> sorted(distinct_texts_of(columns))
    ['a', 'b']
    >>> sorted(distinct_texts_of([*columns, pd.Series(["xa", "cy"], dtype="str")],
    ...                          containing=["a", "c"]))
    ['a', 'cy', 'xa']
    """
    # one search for all of ``containing`` (Python's and Arrow's RE2 read it alike); Arrow's
    # match_substring once per text was slower than making the texts distinct
    wanted = "|".join(map(re.escape, containing))
    search = re.compile(wanted).search if containing else None
    out: set[str] = set()
    arrays = []
    for column in columns:
        cells = _arrow_texts(column)
        if cells is not None:
            arrays.append(cells.cast(pa.large_string()))
        else:
            found = distinct_texts(column)
            out |= found if search is None else {t for t in found if search(t)}
    if arrays:
        texts = pc.unique(pa.chunked_array(arrays, type=pa.large_string())).drop_null()
        if search is not None:
            texts = texts.filter(pc.match_substring_regex(texts, wanted))
        out.update(texts.to_pylist())
    return out


def isin_texts(column: pd.Series, values: Iterable[object]) -> pd.Series:
    """``column.isin(values)``; for an Arrow text column and text values, without pandas
    turning every value into an Arrow scalar first (seconds for 50,000 USCCs).

    The same membership test pandas' ``ArrowStringArray.isin`` makes (``pyarrow.compute.is_in``;
    a missing cell is in no set of texts).

    >>> isin_texts(pd.Series(["a", None, "b"], dtype="str"), {"b", "c"}).tolist()
    [False, False, True]
    """
    wanted = list(values)
    cells = _arrow_texts(column)
    if cells is None or not all(type(v) is str for v in wanted):
        return column.isin(wanted)
    hit = pc.is_in(cells, value_set=pa.array(wanted, type=cells.type))
    return pd.Series(np.array(hit, dtype=np.bool_), index=column.index, name=column.name)
