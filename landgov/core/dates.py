"""Dates: the one parser for date cells and for the ``--as-of`` reference date.

Staff type dates as ``2021-3-5``, ``2021/03/05``, ``2021.03.05``, ``2021年3月5日``,
``20210305`` or leave Excel serial numbers; the reference date of a run (``--as-of``) is typed
the same ways. Every stage reads dates through this module:

- :func:`read_date` — one cell, with the problem text the readers put in the problems table;
  a year and month alone (``2024年3月``, ``2024.3``) — or a half-year or a quarter
  (``2027年上半年``, ``2027年第三季度``, ``2027年Q3``) — is read as its first day, or for a
  deadline (``month_only="last"``) its last day, and the problem text says which; a field
  judged on a span (``month_only="period"``: the plot's contract, start and completion dates,
  a record's and a rectification's, an application's) keeps its first day and, in a companion
  column (:func:`latest_name`), its last, so a check decides only where all of it agrees;
- :func:`read_year` — one cell of a year field (投产年份): ``2024``, ``2024年``,
  ``二〇二四年``, ``2024年3月``, ``2024.3``, a date, or an Excel date serial (with a problem
  text saying how it was read);
- :func:`parse_date` — one cell, the date or ``None`` (missing or unreadable, never guessed);
- :func:`date_column` — a whole column as ``datetime64``, each distinct cell read by
  :func:`read_date` (what the screening checks compare with the reference date);
- :func:`unread_text` / :func:`unread_column` — a written cell that is no date (「2023」,
  「待定」, 「2023-13-01」), as the text it holds: not a blank cell. The readers keep that text in
  a companion column (:func:`unread_name`, ``completion_date_unread``) beside the date column
  they leave missing, so a check whose decision rests on the date says 待核实 naming it
  (:func:`unread_words`) instead of reading the cell as blank. A date that was read but set
  aside as implausible (竣工 2099, 1800: :mod:`landgov.core.plausible`) goes to the same column
  with why (:func:`set_aside_text`), so it is never read as blank either;
- :func:`parse_as_of` — the reference date of a run: a full year-month-day or an
  :class:`~landgov.errors.InputError` that says which forms are accepted;
- :func:`date_text` — a date as every handed-out page prints it (maps, page headers, forms):
  ``2026-06-30``, one format beside another on the same page.

ISO week dates (``2026-W27-1``) are not accepted anywhere: nobody in a 自然资源局 writes them,
and ``2026W271`` would otherwise be mistaken for something else.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from numbers import Real
from typing import TYPE_CHECKING

from landgov.core.missing import is_missing
from landgov.errors import InputError, Issue

if TYPE_CHECKING:  # pandas is not imported to read a date
    import pandas as pd

__all__ = [
    "AS_OF_FORMS",
    "SET_ASIDE_TAIL",
    "companion_columns",
    "date_column",
    "date_text",
    "day_or_span",
    "full_months",
    "full_months_column",
    "full_years",
    "latest_day",
    "latest_name",
    "latest_value",
    "parse_as_of",
    "parse_date",
    "read_date",
    "read_year",
    "set_aside_date",
    "set_aside_text",
    "span_text",
    "unread_column",
    "unread_name",
    "unread_text",
    "unread_value",
    "unread_words",
]

AS_OF_FORMS = "2026-06-30、2026/06/30、2026-6-30、2026.6.30、20260630 或 2026年6月30日"

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 18264, 73415  # 1950-01-01 .. 2100-12-31
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_YMD = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_YM = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$")
#: 「2027年6月底」「2027年6月末」: the month's last day, said in the words themselves
_MONTH_END = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?\s*[底末]$")
#: 「2026年底」「2026年末」「2026年度末」「2026年年底」: the year's last day, as 「2026年12月底」
_YEAR_END = re.compile(r"^(\d{4})\s*年度?\s*(?:年\s*)?[底末]$")
#: A half-year or a quarter (Chinese numerals are digits by then, :func:`_norm`):
#: 「2027年上半年」「2027下半年」「2027年第3季度」「2027年3季度」「2027年Q3」, with 「底」「末」
#: after it (「2027年3季度末」) naming its last day
_PERIOD = re.compile(
    r"^(\d{4})\s*(?:年度?)?\s*(?:(上|下)半年|第?\s*([1-4])\s*季度?|[Qq]\s*([1-4]))\s*([底末])?$"
)
#: 「…以前」「…底前」 after a deadline: 「以前」 includes the day (《民法典》第一千二百五十九条
#: reading, as 「以上」「以下」), so 「2027年6月30日以前」 runs to 2027-06-30; a bare 「前」
#: after a day (「6月30日前」) is left unread (whether it includes the day is not said)
_BY = re.compile(r"(?:以前|(?<=[底末])前)$")
_ISO_WEEK = re.compile(r"^\d{4}-?W\d{2}(?:-?\d)?$", re.IGNORECASE)


_HAN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
#: 二〇二六: a year in figures with 年 left out
_HAN_YEAR = re.compile(r"^[〇○零一二三四五六七八九]{4}$")
_HAN_NUMBER = re.compile(r"[〇○零一二三四五六七八九十]+")


def _han_number(m: re.Match[str]) -> str:
    """Chinese numerals as digits: 二〇二四 → 2024 (digit by digit), 十二 → 12, 三十一 → 31."""
    text = m.group()
    if "十" not in text:
        return text.translate(_HAN_DIGITS)
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return text  # not a number of a date
    return str(int(tens.translate(_HAN_DIGITS) or 1) * 10 + int(ones.translate(_HAN_DIGITS) or 0))


def _norm(value: object) -> str:
    """NFKC (full-width digits become ASCII), stripped, Unicode minus as ``-``; a date in
    Chinese numerals (二〇二四年三月五日) in digits."""
    text = unicodedata.normalize("NFKC", str(value)).strip().replace("\u2212", "-")
    if "年" in text or "月" in text:
        text = _HAN_NUMBER.sub(_han_number, text)
    return text


def _not_a_date(value: bool | dt.time) -> str:
    if isinstance(value, dt.time):  # openpyxl reads a date cell holding serial 0 … <1 as a time
        return (
            f"「{value}」是 Excel 日期序号 0（显示为 1900-01-00，即 1899-12-30），"
            "不是有效日期，已按缺失处理"
        )
    return f"「{value}」不是日期，已按缺失处理"


def _in_calendar(year: int) -> bool:
    """Whether ``year`` can be read as a date's (1–9998): Python has no year 0 nor 10000, and a
    month's last day is found from the next month's first. 「0000/1」 and 「9999年12月底」 were
    internal errors (dates without a day went to ``datetime.date`` unchecked)."""
    return dt.MINYEAR <= year < dt.MAXYEAR


def _no_such_date(raw: str) -> tuple[None, str]:
    return None, f"日期「{raw}」不存在，已按缺失处理"


def _make_date(year: int, month: int, day: int, raw: str) -> tuple[dt.date | None, str | None]:
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return _no_such_date(raw)


def _from_serial(serial: float, raw: str) -> tuple[dt.date | None, str | None]:
    """An Excel date serial, said either way: a date cell arrives as a date (openpyxl, xlrd,
    a layer's date field), so a serial, typed as text (「46023」) or stored as a number
    (46023 in a cell formatted 常规), is a number someone has to confirm is that day."""
    if _SERIAL_MIN <= serial <= _SERIAL_MAX:
        date = _EXCEL_EPOCH + dt.timedelta(days=int(serial))
        return date, f"「{raw}」按 Excel 日期序号解读为 {date.isoformat()}，请核实"
    return None, f"数值「{raw}」不像日期，已按缺失处理"


def _from_number(value: Real, month_only: str = "first") -> tuple[dt.date | None, str | None]:
    number = float(value)
    raw = f"{number:.15g}" if isinstance(value, float) else str(value)
    if number.is_integer() and 19000101 <= number <= 21001231:
        text = str(int(number))
        return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]), text)
    if number.is_integer() and 1900 <= number <= 2100:
        return None, f"「{raw}」只有年份，缺少月日，已按缺失处理"
    if 1900 < number < 2101:
        return _year_dot_month(number, month_only)
    return _from_serial(number, raw)


def _year_dot_month(number: float, month_only: str) -> tuple[dt.date | None, str | None]:
    """``2023.5`` typed into a number cell (Excel keeps it as the number 2023.5): year and
    month as the cell shows them, read as the text ``2023.5`` is. Excel drops the trailing
    zero of ``2023.10``, so ``2023.1`` may be January or October: missing, never guessed."""
    shown = f"{number:.15g}"
    year, _, month = shown.partition(".")
    if month == "1":
        return None, (
            f"数值「{shown}」可能是 {year}年1月，也可能是 {year}年10月（Excel 把数字 {year}.10 "
            f"存为 {year}.1），无法确定，已按缺失处理；请在源表中写作 {year}-01-01 或 "
            f"{year}-10-01 等完整日期"
        )
    if len(month) > 2:
        return None, f"数值「{shown}」不像日期，已按缺失处理"
    day, problem = _from_month(int(year), int(month), shown, month_only)
    if day is None:
        return None, problem
    return day, f"{problem}（单元格为数字 {shown}，按「年.月」读取）"


def _ymd(text: str) -> tuple[int, int, int] | None:
    for pattern in _YMD:
        m = pattern.match(text)
        if m:
            year, month, day = (int(g) for g in m.groups())
            return year, month, day
    return None


def _month_end(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def _from_month(year: int, month: int, raw: str, month_only: str) -> tuple[dt.date | None, str]:
    """A year and month alone: the first day, or the last for a deadline; said either way."""
    if not 1 <= month <= 12 or not _in_calendar(year):
        return _no_such_date(raw)
    if month_only == "last":
        day = dt.date(year, month, _month_end(year, month))
        return day, (
            f"日期「{raw}」只有年月，按当月最后一天（{day.isoformat()}）计：从最晚可能的一天"
            "算起，不会提前判定"
        )
    if month_only == "period":
        first, last = dt.date(year, month, 1), dt.date(year, month, _month_end(year, month))
        return first, _whole_period(raw, "只有年月", first, last)
    return dt.date(year, month, 1), f"日期「{raw}」只有年月，已按当月 1 日计"


def _whole_period(raw: str, what: str, first: dt.date, last: dt.date) -> str:
    """The problem text of a month, a quarter or a half-year in a ``month_only="period"``
    field: judged as the whole period (:func:`latest_name` keeps its last day)."""
    return (
        f"日期「{raw}」{what}：按整段（{span_text(first, last)}）判断，整段都在"
        "时限或基准日的同一侧才据此判定，跨越时为待核实"
    )


def span_text(first: dt.date, last: dt.date) -> str:
    """A date written as a period, as every message shows it: ``2025-06-01～2025-06-30``."""
    return f"{first.isoformat()}～{last.isoformat()}"


def day_or_span(first: dt.date, latest: dt.date | None) -> str:
    """A date of a ``month_only="period"`` field as a message shows it: the day, or the span
    when the cell was a month (``latest``, its companion cell: :func:`latest_name`), never
    its first day alone.

    >>> day_or_span(dt.date(2025, 6, 18), None)
    '2025-06-18'
    >>> day_or_span(dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    '2025-06-01～2025-06-30'
    """
    return first.isoformat() if latest is None or latest == first else span_text(first, latest)


def _from_period(m: re.Match[str], raw: str, month_only: str) -> tuple[dt.date | None, str | None]:
    """A half-year or a quarter (:data:`_PERIOD`): its last day when 「底」「末」 says so; else,
    as a year and month alone (:func:`_from_month`), its last day for a deadline and its first
    day elsewhere, said either way."""
    year, half, quarter, q, end = m.groups()
    if not _in_calendar(int(year)):
        return _no_such_date(raw)
    if half:
        name, last, months, unit = f"{half}半年", 6 if half == "上" else 12, 6, "半年"
    else:
        name, last, months, unit = f"第{quarter or q}季度", 3 * int(quarter or q), 3, "季度"
    final = dt.date(int(year), last, _month_end(int(year), last))
    if end:
        return final, None
    if month_only == "last":
        return final, (
            f"日期「{raw}」只写到{unit}，按{name}最后一天（{final.isoformat()}）计："
            "从最晚可能的一天算起，不会提前判定"
        )
    first = dt.date(int(year), last - months + 1, 1)
    if month_only == "period":
        return first, _whole_period(raw, f"只写到{unit}", first, final)
    return first, f"日期「{raw}」只写到{unit}，已按{name}第一天（{first.isoformat()}）计"


def _from_month_end(year: int, month: int, raw: str) -> tuple[dt.date | None, str | None]:
    """「2026年5月底」: the last day of the month (month 13 or year 0 have none: 「不存在」)."""
    if not 1 <= month <= 12 or not _in_calendar(year):
        return _no_such_date(raw)
    return dt.date(year, month, _month_end(year, month)), None


def _from_part_of_year(
    text: str, raw: str, month_only: str
) -> tuple[dt.date | None, str | None] | None:
    """A year and month alone (:func:`_from_month`) or a half-year or a quarter
    (:func:`_from_period`); ``None`` when ``text`` is neither."""
    m = _YM.match(text)
    if m:
        return _from_month(int(m.group(1)), int(m.group(2)), raw, month_only)
    m = _PERIOD.match(text)
    return _from_period(m, raw, month_only) if m else None


def _from_text(
    norm: str, month_only: str = "first", *, typed: str | None = None
) -> tuple[dt.date | None, str | None]:
    """``norm`` (:func:`_norm` of the cell) as a date; the problem quotes the cell as it was
    ``typed`` (「2027年第三季度」「二〇二七年十三月」, not the digits they are read as)."""
    raw = norm if typed is None else typed
    text = _TIME_SUFFIX.sub("", norm).strip()
    if month_only == "last":
        text = _BY.sub("", text).strip()
    parts = _ymd(text)
    if parts is not None:
        return _make_date(*parts, raw)
    text = _YEAR_END.sub(r"\1年12月底", text)  # 「2026年底」 says the day as 「月底」 does
    m = _MONTH_END.match(text)
    if m:  # 「月底」 says the day: no warning
        return _from_month_end(int(m.group(1)), int(m.group(2)), raw)
    partial = _from_part_of_year(text, raw, month_only)
    if partial is not None:
        return partial
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _from_serial(float(text), raw)
    if re.fullmatch(r"\d{4}年?", text):
        return None, f"「{raw}」只有年份，缺少月日，已按缺失处理"
    return None, f"无法识别的日期「{raw}」（请写作 2021-03-05），已按缺失处理"


def read_date(value: object, *, month_only: str = "first") -> tuple[dt.date | None, str | None]:
    """Parse one cell into a :class:`datetime.date`, with the problem to report.

    Accepts ``datetime``/``date``/``pandas.Timestamp``, Excel serial numbers (1950–2100,
    number or text, each with a problem text asking to check the day read),
    ``2021-3-5``, ``2021/3/5``, ``2021.03.05``, ``2021年3月5日`` (also in Chinese numerals,
    ``二〇二一年三月五日``), ``20210305`` and a trailing time of day (dropped).
    ``2021年3月``/``2021-03``/``2021.3`` give the 1st of the month with a warning, or with
    ``month_only="last"`` (a deadline, such as the contracted start date idle land is counted
    from) the last day, so that a period counted from it is never reached early. A year
    alone is missing (no day can be taken from it). ``2021年3月底``/``2021年3月末`` is the
    month's last day in any field, ``2021年底``/``2021年末``/``2021年年底`` the year's and
    ``2021年三季度末`` the quarter's. A half-year or a quarter alone (``2021年上半年``,
    ``2021年第三季度``, ``2021年Q3``) is read as a month alone is; for a deadline a
    trailing 「以前」 (``2021-03-05以前``) or 「底前」 reads as the day itself (「以前」 includes
    the day), a bare 「前」 after a day is not read (whether it includes the day is not said).

    Returns
    -------
    tuple of (datetime.date or None, str or None)
        ``(None, None)`` blank, ``(d, text)`` parsed with a warning, ``(None, text)``
        unparseable (missing, never guessed).

    Examples
    --------
    >>> read_date("2021年3月5日")
    (datetime.date(2021, 3, 5), None)
    >>> read_date(44260)
    (datetime.date(2021, 3, 5), '「44260」按 Excel 日期序号解读为 2021-03-05，请核实')
    >>> read_date("2024年2月", month_only="last")[0]
    datetime.date(2024, 2, 29)
    """
    if is_missing(value):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, bool | dt.time):
        return None, _not_a_date(value)
    if isinstance(value, Real):
        return _from_number(value, month_only)
    return _from_text(_norm(value), month_only, typed=" ".join(str(value).split()))


_YEAR_TEXT = re.compile(
    r"^(\d{4})\s*(?:年度?\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*[日号]?)?)?"
    r"|[-/.]\d{1,2}(?:[-/.]\d{1,2})?|\.0+|\d{4})?$"
)
_YEAR_MIN, _YEAR_MAX = 1900, 2100


def _year_of(year: int, raw: str) -> tuple[int | None, str | None]:
    if _YEAR_MIN <= year <= _YEAR_MAX:
        return year, None
    return None, f"「{raw}」不像年份，已按缺失处理"


def read_year(value: object) -> tuple[int | None, str | None]:
    """Parse one cell of a year field (投产年份) into a year, with the problem to report.

    A year field needs the year only, so every form that names it without doubt is read:
    ``2024``, ``2024年``, ``二〇二四年``, ``二〇二四``, ``2024年3月``, ``2024.3``, ``2024-03``,
    a full date (cell or text, ``20240305``) and ``2024.0``. A number in the Excel date-serial range
    (``45352``, a date cell shown as a number) is read as that date's year, and the problem
    text says so (to check). Anything else is missing with a problem, never guessed.

    Examples
    --------
    >>> read_year("二〇二四年"), read_year("2024年3月"), read_year(2019.0)
    ((2024, None), (2024, None), (2019, None))
    >>> read_year("二〇二六"), read_year("2026年")
    ((2026, None), (2026, None))
    >>> read_year(45352)
    (2024, '「45352」按 Excel 日期序号解读为 2024-03-01，投产年份取 2024，请核实')
    """
    if is_missing(value):
        return None, None
    if isinstance(value, dt.date):  # datetime too
        return value.year, None
    if isinstance(value, bool | dt.time):
        return None, _not_a_date(value).replace("日期", "年份")
    if isinstance(value, Real):
        return _year_from_number(value)
    text = _norm(value)
    if _HAN_YEAR.match(text):  # 「二〇二六」 without 年 (with 年, _norm gives the digits)
        text = text.translate(_HAN_DIGITS)
    return _year_from_text(text)


def _no_such_day(text: str, raw: str) -> str | None:
    """The problem of a year written with a month or day no calendar has (``2024/13/45``,
    ``2024年13月``, ``20241345``): a typo that names no year without doubt."""
    parts = _ymd(text)
    if parts is not None:
        return _make_date(*parts, raw)[1]
    m = _YM.match(text)
    if m and not re.fullmatch(r"\d{4}\.0+", text) and not 1 <= int(m.group(2)) <= 12:
        return f"日期「{raw}」不存在，已按缺失处理"
    return None


def _year_from_text(raw: str) -> tuple[int | None, str | None]:
    text = _TIME_SUFFIX.sub("", raw).strip()
    m = _YEAR_TEXT.match(text)
    if m:
        problem = _no_such_day(text, raw)
        return (None, problem) if problem else _year_of(int(m.group(1)), raw)
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):
        return _year_from_number(float(text))
    return None, f"无法识别的年份「{raw}」（请写作 2019），已按缺失处理"


def _year_from_number(value: Real | float) -> tuple[int | None, str | None]:
    number = float(value)
    raw = f"{number:g}" if isinstance(value, float) else str(value)
    if _YEAR_MIN <= number < _YEAR_MAX + 1:  # 2024, 2024.0, 2024.3 (年.月 typed as a number)
        return int(number), None
    if number.is_integer() and 19000101 <= number <= 21001231:
        problem = _no_such_day(str(int(number)), raw)
        return (None, problem) if problem else _year_of(int(number) // 10000, raw)
    day, _ = _from_serial(number, raw)
    if day is None:
        return None, f"「{raw}」不像年份，已按缺失处理"
    return day.year, (
        f"「{raw}」按 Excel 日期序号解读为 {day.isoformat()}，投产年份取 {day.year}，请核实"
    )


def parse_date(value: object) -> dt.date | None:
    """One cell as a :class:`datetime.date`; ``None`` when blank or unreadable.

    Examples
    --------
    >>> parse_date("2021/3/5"), parse_date("2021-02-30")
    (datetime.date(2021, 3, 5), None)
    """
    return read_date(value)[0]


def date_column(values: pd.Series, *, month_only: str = "first") -> pd.Series:
    """A column of date cells as ``datetime64`` (``NaT`` where missing or unreadable).

    Each distinct cell is read once by :func:`read_date`, so a column reads exactly as its
    cells do one by one: an Excel serial number or ``20210305`` is a date, ``2023.5`` and
    ``2023年5月`` the month's first day (``month_only="last"``: its last day), ``2023.1`` (January
    or October), ``待定`` and ``0`` (an empty Excel cell saved as a number) are missing. pandas
    alone reads 0 and 44927 as days of 1970. A column already ``datetime64`` is kept.

    Examples
    --------
    >>> import pandas as pd
    >>> cells = pd.Series([2023.5, "2023年5月", 45047, "待定", "—", None], dtype=object)
    >>> date_column(cells).dt.strftime("%Y-%m-%d").tolist()
    ['2023-05-01', '2023-05-01', '2023-05-01', nan, nan, nan]
    """
    import pandas as pd

    if not pd.api.types.is_datetime64_any_dtype(values):
        days = {
            v: read_date(v, month_only=month_only)[0]
            for v in pd.unique(values)
            if not is_missing(v)
        }
        values = values.map(days)  # missing and unreadable cells → NaN
    return pd.to_datetime(values, errors="coerce", format="mixed")


def _as_of_error(value: object, problem: str) -> InputError:
    return InputError(
        [Issue("--as-of", "基准日期", value, problem, f"写作完整的年月日，如 {AS_OF_FORMS}")]
    )


def parse_as_of(value: str | dt.date | None) -> dt.date:
    """The reference date of a run (``--as-of``); today when ``value`` is ``None``.

    Parameters
    ----------
    value
        A :class:`datetime.date`/``datetime`` or text in one of :data:`AS_OF_FORMS`
        (full-width digits allowed).

    Raises
    ------
    InputError
        Blank text, a date that does not exist (``2026-02-30``), an ISO week date
        (``2026-W27-1``), a year or month alone, or any other form; the message lists the
        accepted forms.

    Examples
    --------
    >>> parse_as_of("2026年6月30日")
    datetime.date(2026, 6, 30)
    """
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _norm(value)
    if not text:
        raise _as_of_error(value, "基准日期为空")
    if _ISO_WEEK.match(text):
        raise _as_of_error(value, "不接受 ISO 周日期（如 2026-W27-1）")
    parts = _ymd(text)
    if parts is None:
        raise _as_of_error(value, "无法识别的日期")
    try:
        return dt.date(*parts)
    except ValueError as exc:
        raise _as_of_error(
            value, f"日期不存在（{parts[0]} 年 {parts[1]} 月 {parts[2]} 日）"
        ) from exc


def date_text(day: dt.date | str | None, *, blank: str = "—") -> str:
    """A date as landgov prints it on every map, page header and form: ``2026-06-30``.

    The runs' reference dates, the manifests and the workbooks' date cells (``yyyy-mm-dd``)
    all read this way, so a map never shows 「制图日期 2026年12月2日」 beside 「数据日期
    2026-06-30」. Text (a date already written out, or a run's folder name when it recorded no
    date) is kept as it is; ``None`` or blank text gives ``blank``.

    Examples
    --------
    >>> date_text(dt.date(2026, 12, 2)), date_text(dt.datetime(2026, 6, 30, 8, 15))
    ('2026-12-02', '2026-06-30')
    >>> date_text("2026-06-30"), date_text(None)
    ('2026-06-30', '—')
    """
    if isinstance(day, dt.datetime):
        return day.date().isoformat()
    if isinstance(day, dt.date):
        return day.isoformat()
    text = str(day).strip() if day is not None else ""
    return text or blank


def full_months(start: dt.date, end: dt.date) -> int:
    """Completed months from ``start`` to ``end``: a month is complete on its 对应日.

    《民法典》第二百零二条: 「按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日
    的，月末日为期间的最后一日」. A period from 31 January has its month complete on 29 (or 28)
    February; a year from 29 February is complete on 28 February of a common year. Negative when
    ``end`` is before ``start`` (callers report such dates; they are not ages).

    Examples
    --------
    >>> full_months(dt.date(2024, 1, 31), dt.date(2024, 2, 29))
    1
    >>> full_months(dt.date(2023, 3, 15), dt.date(2024, 3, 14))
    11
    """
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months - (1 if end.day < min(start.day, _month_end(end.year, end.month)) else 0)


def full_years(start: dt.date, end: dt.date) -> int:
    """Completed years from ``start`` to ``end`` (周年): the anniversary counts on its day.

    A year from 29 February is complete on 28 February of a common year, the month's last day
    (《民法典》第二百零二条, :func:`full_months`): 2020-02-29 → 2021-02-28 is 1 full year, →
    2021-02-27 is 0. Negative when ``end`` is before ``start``.

    Examples
    --------
    >>> full_years(dt.date(2021, 6, 30), dt.date(2026, 6, 30))
    5
    >>> full_years(dt.date(2021, 7, 1), dt.date(2026, 6, 30))
    4
    >>> full_years(dt.date(2020, 2, 29), dt.date(2021, 2, 28))
    1
    """
    return full_months(start, end) // 12


def full_months_column(start: pd.Series, end: dt.date) -> pd.Series:
    """:func:`full_months` for a column of start dates (datetime64; ``<NA>`` where missing)."""
    months = (end.year - start.dt.year) * 12 + (end.month - start.dt.month)
    last = _month_end(end.year, end.month)
    short = end.day < start.dt.day.clip(upper=last)
    return (months - short.astype("int64")).astype("Int64")


#: The end of the companion column's name (:func:`unread_name`).
UNREAD_SUFFIX = "_unread"
#: The end of the name of a period field's companion column (:func:`latest_name`).
LATEST_SUFFIX = "_latest"


def latest_name(name: str) -> str:
    """The companion column of a ``month_only="period"`` date column ``name``: the last day of
    each cell written as a month, a quarter or a half-year (the column holds its first day),
    ``None`` elsewhere (``record_date`` → ``record_date_latest``). A check on a window reads
    the two as one span: :func:`landgov.core.records.judge`."""
    return f"{name}{LATEST_SUFFIX}"


def latest_day(value: object) -> dt.date | None:
    """The last day ``value`` may mean when it is a month, a quarter or a half-year (not a day):
    ``2025年6月`` → 2025-06-30; ``None`` for a day or what is no date.

    Examples
    --------
    >>> latest_day("2025年6月"), latest_day("2025-06-18"), latest_day("2025年第二季度")
    (datetime.date(2025, 6, 30), None, datetime.date(2025, 6, 30))
    """
    first, last = read_date(value)[0], read_date(value, month_only="last")[0]
    return last if first is not None and last is not None and last != first else None


def latest_value(value: object, companion: object = None) -> dt.date | None:
    """The last day a cell of a ``month_only="period"`` field may mean: the readers' companion
    cell (:func:`latest_name`) when given, else :func:`latest_day` of the cell itself (a frame
    built in code); ``None`` for a day. The one-cell form of what screening reads per column
    (``landgov.screening._common._period_dates``), as :func:`unread_value` is of the unread
    text.

    >>> latest_value("2024-06-18", dt.date(2024, 6, 30)), latest_value("2024年7月")
    (datetime.date(2024, 6, 30), datetime.date(2024, 7, 31))
    >>> latest_value(dt.date(2024, 7, 1)) is None
    True
    """
    return parse_date(companion) or latest_day(value)


#: How the reason a date was set aside ends (:mod:`landgov.core.plausible`), after the bound it
#: broke: 「晚于基准日 2026-06-30，不合理，已按缺失处理」.
SET_ASIDE_TAIL = "，不合理，已按缺失处理"

#: Between a set-aside date and why it was set aside in a companion cell (:func:`set_aside_text`):
#: no text the readers keep holds a line break (:func:`_shown` joins a cell's words by spaces).
_WHY = "\n"


def unread_name(name: str) -> str:
    """The companion column of the date column ``name``: the text of its cells that were
    written but are no date (``completion_date`` → ``completion_date_unread``)."""
    return f"{name}{UNREAD_SUFFIX}"


def companion_columns(columns: Iterable[object]) -> list[str]:
    """The companion columns among ``columns`` (:func:`unread_name`, :func:`latest_name`): each
    beside its date column. Kept for the checks, left out of the handed-out lists (their
    reasons say it)."""
    names = [c for c in columns if isinstance(c, str)]
    return [
        c
        for c in names
        for end in (UNREAD_SUFFIX, LATEST_SUFFIX)
        if c.endswith(end) and c[: -len(end)] in names
    ]


def _zero(value: object) -> bool:
    """``0`` (an empty Excel cell saved as a number, or its text in a CSV): no date, as blank."""
    if isinstance(value, bool):
        return False
    if isinstance(value, Real):
        return float(value) == 0
    return isinstance(value, str) and value.strip() == "0"


def _shown(value: object) -> str:
    """A cell as the user typed it: ``2023`` (not ``2023.0``), text stripped."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def unread_text(value: object) -> str | None:
    """The text of a cell that is written but cannot be read as a date; ``None`` for a date
    or a blank cell.

    Blank is :func:`~landgov.core.missing.is_missing` (empty, 「—」, 「无」 …) and ``0`` (an
    empty Excel cell saved as a number). A year alone (「2023」), 「2023.1」 (January or
    October), 「待定」, 「2023-13-01」 or 「去年」 is no date but not blank either: the plot's
    record says something a person has to look at.

    Examples
    --------
    >>> unread_text("2023"), unread_text(2023.0), unread_text("待定"), unread_text(2023.1)
    ('2023', '2023', '待定', '2023.1')
    >>> unread_text("2023-05-01"), unread_text("—"), unread_text(None), unread_text(0)
    (None, None, None, None)
    """
    if is_missing(value) or _zero(value):
        return None
    if read_date(value)[0] is not None:
        return None
    return _shown(value)


def set_aside_text(day: dt.date, why: str) -> str:
    """The companion cell (:func:`unread_name`) of a date read but set aside as implausible:
    the date and why (``why`` as the problem row says it, 「晚于基准日 2024-06-30，不合理，
    已按缺失处理」). The one way a stage that leaves a date missing keeps what it was, so the
    checks name it (:func:`unread_words`) instead of reading the cell as blank.

    >>> unread_words("竣工日期", set_aside_text(dt.date(2099, 5, 1), "晚于基准日 2024-06-30"))
    '竣工日期「2099-05-01」晚于基准日 2024-06-30'
    """
    return f"{day.isoformat()}{_WHY}{why}"


def set_aside_date(seen: str | None) -> tuple[dt.date, str] | None:
    """The date a companion cell written by :func:`set_aside_text` holds, and the bound it
    broke as the problem row says it (without :data:`SET_ASIDE_TAIL`); ``None`` for a cell a
    reader kept (written but no date) and for ``None``.

    A check that rests on which side of the reference date a record lies reads the set-aside
    date here: a 记录日期 set aside as later than the reference date is no evidence the
    problem existed on it (:func:`landgov.core.records.judge`), and is shown as written.

    >>> late = "晚于基准日 2026-06-30" + SET_ASIDE_TAIL
    >>> set_aside_date(set_aside_text(dt.date(2026, 8, 1), late))
    (datetime.date(2026, 8, 1), '晚于基准日 2026-06-30')
    >>> set_aside_date("待定") is None, set_aside_date(None) is None
    (True, True)
    """
    if seen is None:
        return None
    shown, mark, why = seen.partition(_WHY)
    day = parse_date(shown) if mark else None
    return None if day is None else (day, why.removesuffix(SET_ASIDE_TAIL))


def unread_value(value: object, companion: object = None) -> str | None:
    """:func:`unread_text` of one cell, or the readers' text of it (``companion``: the cell of
    the :func:`unread_name` column, where a reader kept it) when given.

    >>> unread_value(None, "2023"), unread_value("待定"), unread_value("2023-05-01")
    ('2023', '待定', None)
    """
    if not is_missing(companion):
        return str(companion)
    return unread_text(value)


def unread_column(values: pd.Series, companion: pd.Series | None = None) -> pd.Series:
    """:func:`unread_text` of a date column (object, ``None`` where blank or a date).

    ``companion`` is the readers' column (:func:`unread_name`): a reader leaves an unreadable
    cell missing in the date column and keeps its text there, which is taken where given.
    Each distinct cell is read once, as :func:`date_column` reads it.

    Examples
    --------
    >>> import pandas as pd
    >>> cells = pd.Series(["2023", "2023-05-01", None, "待定"], dtype=object)
    >>> unread_column(cells).tolist()
    ['2023', None, None, '待定']
    >>> kept = pd.Series([None, None, "2023.1", None], dtype=object)
    >>> unread_column(pd.Series([None] * 4, dtype=object), kept).tolist()
    [None, None, '2023.1', None]
    """
    import pandas as pd

    out = pd.Series([None] * len(values), index=values.index, dtype=object)
    if not pd.api.types.is_datetime64_any_dtype(values):
        texts = {v: unread_text(v) for v in pd.unique(values) if not is_missing(v)}
        if any(t is not None for t in texts.values()):
            seen = values.map(texts)
            out = seen.astype(object).where(seen.notna(), None)
    if companion is not None:  # the readers' texts (or None), kept as they are
        out = companion.astype(object).where(companion.notna(), out)
    return out


def unread_words(label: str, seen: str) -> str:
    """「竣工日期「2023」无法识别为日期」: a written cell that is no date, in a reason and in the
    to-verify items of a decision that rests on it (:func:`unread_text`).

    A date set aside as implausible (:func:`set_aside_text`) is named with why instead.

    >>> unread_words("竣工日期", "待定")
    '竣工日期「待定」无法识别为日期'
    """
    shown, mark, why = seen.partition(_WHY)
    if mark:
        return f"{label}「{shown}」{why}"
    return f"{label}「{seen}」无法识别为日期"
