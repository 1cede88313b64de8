"""The one date parser: cells and the ``--as-of`` reference date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landgov.core.dates import parse_as_of, parse_date, read_date
from landgov.errors import InputError
from landgov.io.numbers import parse_date as io_parse_date
from tests._cli import assert_clean_error, run_cli

JUNE_30 = dt.date(2026, 6, 30)
DATES = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))


@pytest.mark.parametrize(
    "text",
    [
        "2026-06-30",
        "2026/06/30",
        "2026-6-30",
        "2026/6/30",
        "2026.6.30",
        "20260630",
        "2026年6月30日",
        "2026年6月30号",
        " 2026年06月30日 ",
        "２０２６－０６－３０",
    ],
)
def test_as_of_accepts_the_forms_staff_type(text: str) -> None:
    assert parse_as_of(text) == JUNE_30


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2026-W27-1", "ISO 周"),
        ("2026W271", "ISO 周"),
        ("2026-w27", "ISO 周"),
        ("2026-02-30", "不存在"),
        ("2026-13-01", "不存在"),
        ("20260230", "不存在"),
        ("2026-06", "无法识别"),
        ("2026", "无法识别"),
        ("46203", "无法识别"),
        ("30/06/2026", "无法识别"),
        ("   ", "为空"),
    ],
)
def test_as_of_rejects_other_forms_with_the_accepted_ones(text: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        parse_as_of(text)
    message = str(info.value)
    assert words in message
    assert "--as-of" in message
    assert "2026年6月30日" in message  # the fix lists the accepted forms


def test_as_of_dates_and_none() -> None:
    assert parse_as_of(JUNE_30) == JUNE_30
    assert parse_as_of(dt.datetime(2026, 6, 30, 15, 1)) == JUNE_30
    assert parse_as_of(None) == dt.date.today()


@given(DATES)
def test_as_of_round_trip_in_every_form(day: dt.date) -> None:
    forms = [
        day.isoformat(),
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day.year}-{day.month}-{day.day}",
        day.strftime("%Y%m%d"),
        f"{day.year}年{day.month}月{day.day}日",
    ]
    assert [parse_as_of(f) for f in forms] == [day] * len(forms)
    assert [parse_date(f) for f in forms] == [day] * len(forms)


@given(DATES)
def test_cell_round_trip_through_excel_serials(day: dt.date) -> None:
    serial = (day - dt.date(1899, 12, 30)).days
    assert parse_date(serial) == day
    assert parse_date(pd.Timestamp(day)) == day


@pytest.mark.parametrize("value", [None, "", float("nan"), pd.NaT, "2026-02-30", "abc", True])
def test_cell_parser_gives_none_for_blank_or_unreadable(value: object) -> None:
    assert parse_date(value) is None


def test_io_parser_delegates_to_the_core_one() -> None:
    for value in ["2021年3月", "44260", "2021-02-30", "20210305", 44260.5]:
        assert io_parse_date(value) == read_date(value)
    assert io_parse_date("—") == (None, None)  # the io layer keeps its missing markers


@pytest.mark.parametrize(("command", "text"), [("screen", "2026-W27-1"), ("far", "2026-02-30")])
def test_cli_as_of_rejected_before_anything_is_read_or_written(
    tmp_path, command: str, text: str
) -> None:
    # Inputs that would fail if they were read: the date is checked first.
    table = tmp_path / "企业.csv"
    table.write_text("", encoding="utf-8")
    layer = tmp_path / "宗地.shp"
    layer.write_bytes(b"")
    out = tmp_path / "结果"
    result = run_cli(command, "-p", layer, "-e", table, "--as-of", text, "-o", out)
    assert_clean_error(result, contains=text)
    assert "--as-of" in result.stderr and "2026年6月30日" in result.stderr
    assert not out.exists()
