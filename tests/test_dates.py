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


# --- dates as people write them -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "year", "said"),
    [
        (2019, 2019, None),
        (2019.0, 2019, None),
        ("2019", 2019, None),
        ("2024年", 2024, None),
        ("二〇二四年", 2024, None),
        ("２０２４年", 2024, None),
        ("2024年3月", 2024, None),
        ("2024.3", 2024, None),
        (2024.3, 2024, None),  # 年.月 typed into a number cell
        ("2024-03", 2024, None),
        ("2024年3月5日", 2024, None),
        (dt.date(2024, 3, 5), 2024, None),
        ("20240305", 2024, None),
        (45352, 2024, "按 Excel 日期序号解读为 2024-03-01，投产年份取 2024，请核实"),
        ("45352", 2024, "按 Excel 日期序号解读为 2024-03-01"),
        (None, None, None),
        ("1850", None, "不像年份"),
        ("去年", None, "无法识别的年份"),
    ],
)
def test_a_year_is_read_in_every_form_that_names_it(value, year, said) -> None:
    from landgov.core.dates import read_year

    got, problem = read_year(value)
    assert got == year
    assert (problem is None) if said is None else (said in problem)


@pytest.mark.parametrize(
    "value", ["2024/13/45", "2024-02-30", "2024年13月", "2024.13", "20241345", 20241345]
)
def test_a_year_written_with_a_day_no_calendar_has_is_missing_and_said(value) -> None:
    """投产年份 「2024/13/45」 is a typo, not 2024 without doubt: missing, and said."""
    from landgov.core.dates import read_year

    assert read_year(value) == (None, f"日期「{value}」不存在，已按缺失处理")


def test_a_month_alone_is_the_first_day_or_for_a_deadline_the_last_and_said() -> None:
    assert read_date("2024年3月") == (
        dt.date(2024, 3, 1),
        "日期「2024年3月」只有年月，已按当月 1 日计",
    )
    day, said = read_date("2024.2", month_only="last")
    assert day == dt.date(2024, 2, 29) and "按当月最后一天（2024-02-29）计" in said
    assert read_date("二〇二四年十二月", month_only="last")[0] == dt.date(2024, 12, 31)
    assert read_date("二〇二四年三月五日") == (dt.date(2024, 3, 5), None)
    assert read_date("二〇二四年")[0] is None  # a year gives no day: missing, said
    assert read_date("2024年13月")[0] is None


def test_county_enterprise_table_reads_built_year_as_written(tmp_path) -> None:
    """投产年份 as county tables hold it: each becomes its year (they were missing before)."""
    from openpyxl import Workbook

    from landgov.io import read_enterprises

    wb = Workbook()
    wb.active.append(["统一社会信用代码", "企业名称", "税收（万元）", "投产年份"])
    written = ["2024年3月", "2024.3", "2024年", "二〇二四年", 45352, 2019, "去年"]
    for i, year in enumerate(written):
        wb.active.append([f"USCC{i}", f"企业{i}", 1, year])
    path = tmp_path / "企业.xlsx"
    wb.save(path)
    result = read_enterprises(path)
    years = result.data["built_year"].tolist()
    assert years[:6] == [2024.0, 2024.0, 2024.0, 2024.0, 2024.0, 2019.0]
    assert pd.isna(years[6])
    rows = result.problems[result.problems["field"] == "投产年份"]
    assert rows["row"].tolist() == [6, 8]  # the serial (to check) and 去年 (missing)
    assert "按 Excel 日期序号解读为 2024-03-01" in rows["problem"].iloc[0]
    assert "无法识别的年份「去年」" in rows["problem"].iloc[1]


def test_a_contract_start_given_as_a_month_is_kept_as_its_whole_span(tmp_path) -> None:
    """约定开工日期「2025年6月」 in a Shapefile: the first day and, beside it, the last, so the idle
    check decides only where all of June gives one answer (tests/test_policy_hand_cases3.py),
    and a row says so."""
    from pyproj import CRS
    from shapely.geometry import box

    from landgov.io import read_parcels
    from tests._shapefiles import write_shapefile

    shp = write_shapefile(
        tmp_path / "宗地.shp",
        [box(555_900, 3_320_200, 555_980, 3_320_280)],
        [("宗地代码", 19), ("YDKGRQ", 12)],
        [["330602001002GB00001", "2025年6月"]],
        prj=CRS(4549),
    )
    from landgov.core.dates import latest_name

    result = read_parcels(shp)
    assert result.data["contract_start_date"].tolist() == [dt.date(2025, 6, 1)]
    assert result.data[latest_name("contract_start_date")].tolist() == [dt.date(2025, 6, 30)]
    said = result.problems["problem"].str.contains("按整段（2025-06-01～2025-06-30）判断")
    assert said.sum() == 1


def test_a_rectification_given_as_a_month_is_kept_as_its_whole_span(tmp_path) -> None:
    """整改完成日期「2026年6月」: the first day and the last (its companion column), so a record is
    cleared only when all of the month is on or before the reference date, and is 待核实 on a
    day inside it (tests/test_records_month_only.py); read as one day either way it would be
    decided on a guess."""
    from openpyxl import Workbook

    from landgov.core.dates import latest_name
    from landgov.io import read_compliance

    wb = Workbook()
    wb.active.append(["统一社会信用代码", "问题类别", "记录日期", "整改情况", "整改完成日期"])
    wb.active.append(["91330602MA2BGHJK3M", "环保", "2026-03-01", "已整改", "2026年6月"])
    path = tmp_path / "违法违规.xlsx"
    wb.save(path)
    result = read_compliance(path)
    assert result.data["rectified_date"].tolist() == [dt.date(2026, 6, 1)]
    assert result.data[latest_name("rectified_date")].tolist() == [dt.date(2026, 6, 30)]
    assert result.problems["problem"].str.contains("按整段（2026-06-01～2026-06-30）").sum() == 1


@pytest.mark.parametrize(
    "typed",
    [
        "0000/1",
        "0000.5",
        "0000年12月",
        "0000年5月底",
        "0000年第一季度",
        "0000年上半年",
        "9999年12月底",
    ],
)
@pytest.mark.parametrize("month_only", ["first", "last", "period"])
def test_a_year_no_calendar_has_is_no_date_not_an_internal_error(
    typed: str, month_only: str
) -> None:
    """Year 0 (or 9999's month end, in year 10000) without a day: each went to
    ``datetime.date`` unchecked, a ValueError or OverflowError, an internal error of the run
    (hypothesis found 「0000/1」). A full date 「0000-01-01」 was already 「不存在」; these are
    now too."""
    assert read_date(typed, month_only=month_only) == (None, f"日期「{typed}」不存在，已按缺失处理")
