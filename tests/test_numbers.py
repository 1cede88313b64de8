"""Parsing numbers with units and dates as typed in Excel cells."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landgov.io.numbers import is_missing, parse_date, parse_quantity, unit_factor

M2_PER_MU = 10000 / 15


@pytest.mark.parametrize(
    ("value", "unit", "header_unit", "expected"),
    [
        ("12.5万元", "万元", None, 12.5),
        ("12.5 万元", "万元", None, 12.5),
        ("125000元", "万元", None, 12.5),
        ("1,234.5", "万元", None, 1234.5),
        ("１２３．５", "万元", None, 123.5),
        ("１，２３４．５万元", "万元", None, 1234.5),
        ("3亿元", "万元", None, 30000.0),
        ("500千元", "万元", None, 50.0),
        (125000, "万元", "元", 12.5),
        (12.5, "万元", "万元", 12.5),
        ("2.3亩", "m2", None, 2.3 * M2_PER_MU),
        ("1500 m²", "m2", None, 1500.0),
        ("1500㎡", "m2", None, 1500.0),
        ("1500平方米", "亩", None, 2.25),
        ("2公顷", "亩", None, 30.0),
        ("1.5ha", "m2", None, 15000.0),
        ("3", "亩", "m2", 3 / M2_PER_MU),
        ("1200吨标煤", "tce", None, 1200.0),
        ("0.12万吨标准煤", "tce", None, 1200.0),
        ("500kg", "t", None, 0.5),
        ("2万吨", "t", None, 20000.0),
        ("12万千瓦时", "万kWh", None, 12.0),
        ("120000 kWh", "万kWh", None, 12.0),
        ("120000度", "万kWh", None, 12.0),
        ("35人", "人", None, 35.0),
        ("1.2e3元", "万元", None, 0.12),
        ("1 234 567", "t", None, 1234567.0),
        (np.int64(7), "人", None, 7.0),
        ("0", "万元", None, 0.0),
    ],
)
def test_clean_values_convert_without_problem(
    value: object, unit: str, header_unit: str | None, expected: float
) -> None:
    got, problem = parse_quantity(value, unit=unit, header_unit=header_unit)
    assert problem is None
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "value", [None, "", "  ", "—", "——", "-", "--", "/", "无", "暂无", float("nan"), pd.NA]
)
def test_missing_markers_are_missing_not_zero(value: object) -> None:
    assert parse_quantity(value, unit="万元") == (None, None)
    assert is_missing(value)


def test_cell_unit_wins_over_header_unit_with_a_warning() -> None:
    value, problem = parse_quantity("125000元", unit="万元", header_unit="万元")
    assert value == 12.5
    assert problem is not None
    assert "「元」" in problem
    assert "「万元」" in problem


def test_same_unit_in_cell_and_header_is_silent() -> None:
    assert parse_quantity("12.5万元", unit="万元", header_unit="万元") == (12.5, None)


@pytest.mark.parametrize(
    "value",
    ["abc", "12,5", "1,23,4", "约12", "10-20", "#DIV/0!", "#N/A", "3吨", "12 foo", True, "12%"],
)
def test_unparseable_is_none_with_a_problem_never_zero(value: object) -> None:
    got, problem = parse_quantity(value, unit="万元")
    assert got is None
    assert problem


def test_negative_money_is_kept_with_a_warning() -> None:
    got, problem = parse_quantity("-3.5", unit="万元")
    assert got == -3.5
    assert problem is not None
    assert "负" in problem


def test_accounting_parentheses_are_a_negative_amount() -> None:
    got, problem = parse_quantity("(1,234.5)", unit="万元")
    assert got == -1234.5
    assert problem is not None


@pytest.mark.parametrize("unit", ["m2", "亩", "tce", "t", "万kWh", "人"])
def test_negative_quantities_are_rejected(unit: str) -> None:
    got, problem = parse_quantity("−5", unit=unit)
    assert got is None
    assert problem is not None
    assert "不能为负数" in problem


def test_percent_in_a_dimensionless_field_becomes_a_fraction() -> None:
    got, problem = parse_quantity("35%", unit=None)
    assert got == pytest.approx(0.35)
    assert problem is not None


def test_header_unit_of_the_wrong_dimension_is_an_error() -> None:
    got, problem = parse_quantity("12", unit="万元", header_unit="吨")
    assert got is None
    assert problem is not None


def test_unknown_canonical_unit_raises() -> None:
    with pytest.raises(ValueError, match="unknown canonical unit"):
        parse_quantity("1", unit="furlong")


def test_unit_factor_is_exact() -> None:
    assert unit_factor("亩", unit="m2") * 15 == 10000
    assert unit_factor("单位：万元", unit="万元") == 1
    assert unit_factor("万元/年", unit="万元") == 1
    assert unit_factor("吨", unit="万元") is None


_finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(_finite)
def test_property_wan_yuan_roundtrip(x: float) -> None:
    got, _ = parse_quantity(f"{x}万元", unit="万元")
    assert got == x


@given(_finite)
def test_property_yuan_converts_to_wan(x: float) -> None:
    got, _ = parse_quantity(f"{x * 10000}元", unit="万元")
    assert got is not None
    assert math.isclose(got, x, rel_tol=1e-9, abs_tol=1e-9)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_property_mu_to_m2_and_back(x: float) -> None:
    m2, _ = parse_quantity(f"{x}亩", unit="m2")
    assert m2 is not None
    mu, _ = parse_quantity(f"{m2}m²", unit="亩")
    assert mu is not None
    assert math.isclose(mu, x, rel_tol=1e-12, abs_tol=1e-12)


# --- dates ------------------------------------------------------------------------------------

MARCH_5 = dt.date(2021, 3, 5)


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2021, 3, 5, 14, 30),
        MARCH_5,
        pd.Timestamp("2021-03-05"),
        "2021-3-5",
        "2021/03/05",
        "2021.03.05",
        "2021年3月5日",
        "２０２１年３月５日",
        "20210305",
        20210305,
        "2021-03-05 00:00:00",
    ],
)
def test_dates_in_every_usual_form(value: object) -> None:
    assert parse_date(value) == (MARCH_5, None)


@pytest.mark.parametrize("value", [None, "", "—", "/", float("nan"), pd.NaT])
def test_missing_dates(value: object) -> None:
    assert parse_date(value) == (None, None)


@pytest.mark.parametrize("value", ["2021-02-30", "3/5/2021", "二〇二一年", "2021", 2021, "abc", 5])
def test_bad_dates_are_none_with_a_problem(value: object) -> None:
    got, problem = parse_date(value)
    assert got is None
    assert problem


def test_year_and_month_only_gives_the_first_with_a_warning() -> None:
    got, problem = parse_date("2021年3月")
    assert got == dt.date(2021, 3, 1)
    assert problem is not None


@pytest.mark.parametrize(
    ("value", "shown"), [("44260", "44260"), (44260, "44260"), (44260.75, "44260.75")]
)
def test_serial_number_as_text_or_number_is_read_with_a_warning(value: object, shown: str) -> None:
    """A date cell arrives as a date: a serial, text or number, is read with the one note."""
    got, problem = parse_date(value)
    assert got == MARCH_5
    assert problem == f"「{shown}」按 Excel 日期序号解读为 2021-03-05，请核实"
