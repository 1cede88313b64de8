"""The texts of many columns at once (``distinct_texts_of``) are those of each column united,
whatever the columns' storage: Arrow, Arrow in several chunks, Python strings, objects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landgov.core.distinct import distinct_texts, distinct_texts_of

_TEXT = st.one_of(st.none(), st.text(max_size=6))


def _columns(values: list[list[str | None]]) -> list[pd.Series]:
    out = []
    for k, part in enumerate(values):
        kind = k % 4
        if kind == 0:  # Arrow, NaN for missing (pandas' default str)
            out.append(pd.Series(part, dtype="str"))
        elif kind == 1:  # Arrow in two chunks
            half = len(part) // 2
            out.append(
                pd.concat(
                    [pd.Series(part[:half], dtype="string"), pd.Series(part[half:], dtype="string")]
                )
            )
        elif kind == 2:  # Python strings
            out.append(pd.Series(part, dtype="string[python]"))
        else:  # objects: texts beside numbers and a list
            out.append(pd.Series([*part, 1.5, ["x"], np.nan], dtype=object))
    return out


@given(st.lists(st.lists(_TEXT, max_size=8), max_size=6))
def test_the_texts_of_many_columns_are_each_column_s_united(values: list[list[str | None]]) -> None:
    columns = _columns(values)
    expected: set[str] = set()
    for column in columns:
        expected |= distinct_texts(column)
    assert distinct_texts_of(columns) == expected


def test_no_column_and_no_text_give_no_text() -> None:
    assert distinct_texts_of([]) == set()
    assert distinct_texts_of([pd.Series([None, None], dtype="str"), pd.Series([1.0, 2.0])]) == set()


@pytest.mark.parametrize("dtype", ["str", object])
def test_distinct_texts_containing_reads_the_marks_as_plain_text(dtype: object) -> None:
    """Marks with characters a regular expression gives a meaning to are matched as written,
    in Arrow and in object columns alike."""
    column = pd.Series(["a.b", "axb", "(甲)", "越政发〔2022〕24号 第一条", None, "乙"], dtype=dtype)
    found = distinct_texts_of([column], containing=["a.b", "(甲)", "〔2022〕"])
    assert found == {"a.b", "(甲)", "越政发〔2022〕24号 第一条"}
    assert distinct_texts_of([column], containing=[]) == set(column.dropna())
