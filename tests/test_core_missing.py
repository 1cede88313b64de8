"""landgov.core.missing: missing values, yes/no answers, number formatting."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landgov.core.missing import (
    MISSING_TEXT,
    format_number,
    is_missing,
    numeric_column,
    parse_yes_no,
)
from landgov.io.numbers import is_missing as io_is_missing


@pytest.mark.parametrize(
    "value",
    [
        None,
        pd.NA,
        pd.NaT,
        np.nan,
        float("nan"),
        np.float32("nan"),
        np.datetime64("NaT"),
        Decimal("NaN"),
        "",
        "  \t",
        "—",
        "——",
        "-",
        "－",  # full-width hyphen-minus
        "/",
        "无",
        " 无 ",
        "暂无",
        "null",
        "NULL",
        "N/A",
        "nan",
        "NaT",
        "<NA>",
    ],
)
def test_missing(value):
    assert is_missing(value)
    assert io_is_missing(value)  # the readers' name is the same function


@pytest.mark.parametrize(
    "value",
    [0, 0.0, False, True, "0", "否", "有", "N", "工业用地", dt.date(2024, 1, 1), pd.Timestamp(0)],
)
def test_not_missing(value):
    assert not is_missing(value)


def test_arrays_are_not_missing_values():
    assert not is_missing(np.array([np.nan, np.nan]))
    assert not is_missing([None])


@given(st.text())
def test_text_is_missing_exactly_when_its_normal_form_is_a_marker(text):
    import unicodedata

    key = unicodedata.normalize("NFKC", text).strip().casefold()
    assert is_missing(text) == (key in MISSING_TEXT)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("是", True),
        ("有", True),
        ("Y", True),
        ("yes", True),
        ("1", True),
        ("√", True),
        (" 是 ", True),
        ("已签", True),
        (True, True),
        (1, True),
        (1.0, True),
        ("否", False),
        ("无", False),
        ("N", False),
        ("0", False),
        ("×", False),
        (False, False),
        (0, False),
        (None, None),
        ("", None),
        ("—", None),
        (np.nan, None),
        (pd.NaT, None),
        ("待定", None),
        (2, None),
    ],
)
def test_parse_yes_no(value, expected):
    assert parse_yes_no(value) is expected


def test_parse_yes_no_extra_words_for_one_field():
    assert parse_yes_no("控制线内", yes=frozenset({"控制线内"})) is True
    assert parse_yes_no("外", no=frozenset({"外"})) is False
    assert parse_yes_no("内") is None


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (12.5, {}, "12.5"),
        (3.0, {}, "3"),
        (3, {}, "3"),
        (0.004, {}, "0"),
        (-0.001, {}, "0"),
        (1234.567, {"digits": 1}, "1234.6"),
        (12345.0, {"thousands": True}, "12,345"),
        (1234.5, {"thousands": True, "trim": False}, "1,234.50"),
        (None, {}, "—"),
        (np.nan, {"missing": "  "}, "  "),
        ("3 亩", {}, "3 亩"),
        (True, {}, "True"),
    ],
)
def test_format_number(value, kwargs, expected):
    assert format_number(value, **kwargs) == expected


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_format_number_round_trips_to_two_decimals(x):
    text = format_number(x, thousands=True)
    assert math.isclose(float(text.replace(",", "")), round(x, 2), abs_tol=0.006)
    assert not text.endswith(".") and (("." not in text) or not text.endswith("0"))


def test_numeric_column():
    frame = pd.DataFrame({"a": ["1.5", "x", None]}, index=[10, 20, 30])
    got = numeric_column(frame, "a")
    assert got.index.tolist() == [10, 20, 30]
    assert got.iloc[0] == 1.5 and got.iloc[1:].isna().all()
    absent = numeric_column(frame, "b")
    assert absent.dtype == "float64" and absent.isna().all() and absent.name == "b"
