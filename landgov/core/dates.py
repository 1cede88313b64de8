"""Dates: the one parser for date cells and for the ``--as-of`` reference date.

Staff type dates as ``2021-3-5``, ``2021/03/05``, ``2021.03.05``, ``2021年3月5日``,
``20210305`` or leave Excel serial numbers; the reference date of a run (``--as-of``) is typed
the same ways. Every stage reads dates through this module:

- :func:`read_date` — one cell, with the problem text the readers put in the problems table;
- :func:`parse_date` — one cell, the date or ``None`` (missing or unreadable, never guessed);
- :func:`parse_as_of` — the reference date of a run: a full year-month-day or an
  :class:`~landgov.errors.InputError` that says which forms are accepted.

ISO week dates (``2026-W27-1``) are not accepted anywhere: nobody in a 自然资源局 writes them,
and ``2026W271`` would otherwise be mistaken for something else.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from numbers import Real

from landgov.core.missing import is_missing
from landgov.errors import InputError, Issue

__all__ = ["AS_OF_FORMS", "full_years", "parse_as_of", "parse_date", "read_date"]

AS_OF_FORMS = "2026-06-30、2026/06/30、2026-6-30、2026.6.30、20260630 或 2026年6月30日"

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 18264, 73415  # 1950-01-01 .. 2100-12-31
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_YMD = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_YM = re.compile(r"^(\d{4})(?:[-/.]|年)(\d{1,2})月?$")
_ISO_WEEK = re.compile(r"^\d{4}-?W\d{2}(?:-?\d)?$", re.IGNORECASE)


def _norm(value: object) -> str:
    """NFKC (full-width digits become ASCII), stripped, Unicode minus as ``-``."""
    return unicodedata.normalize("NFKC", str(value)).strip().replace("\u2212", "-")


def _not_a_date(value: bool | dt.time) -> str:
    if isinstance(value, dt.time):  # openpyxl reads a date cell holding serial 0 … <1 as a time
        return (
            f"「{value}」是 Excel 日期序号 0（显示为 1900-01-00，即 1899-12-30），"
            "不是有效日期，已按缺失处理"
        )
    return f"「{value}」不是日期，已按缺失处理"


def _make_date(year: int, month: int, day: int, raw: str) -> tuple[dt.date | None, str | None]:
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, f"日期「{raw}」不存在，已按缺失处理"


def _from_serial(serial: float, raw: str) -> tuple[dt.date | None, str | None]:
    if _SERIAL_MIN <= serial <= _SERIAL_MAX:
        return _EXCEL_EPOCH + dt.timedelta(days=int(serial)), None
    return None, f"数值「{raw}」不像日期，已按缺失处理"


def _from_number(value: Real) -> tuple[dt.date | None, str | None]:
    number = float(value)
    raw = f"{number:g}" if isinstance(value, float) else str(value)
    if number.is_integer() and 19000101 <= number <= 21001231:
        text = str(int(number))
        return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]), text)
    if number.is_integer() and 1900 <= number <= 2100:
        return None, f"「{raw}」只有年份，缺少月日，已按缺失处理"
    return _from_serial(number, raw)


def _ymd(text: str) -> tuple[int, int, int] | None:
    for pattern in _YMD:
        m = pattern.match(text)
        if m:
            year, month, day = (int(g) for g in m.groups())
            return year, month, day
    return None


def _from_text(raw: str) -> tuple[dt.date | None, str | None]:
    text = _TIME_SUFFIX.sub("", raw).strip()
    parts = _ymd(text)
    if parts is not None:
        return _make_date(*parts, raw)
    m = _YM.match(text)
    if m:
        date, problem = _make_date(int(m.group(1)), int(m.group(2)), 1, raw)
        return date, problem or f"日期「{raw}」只有年月，已按当月 1 日计"
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        date, problem = _from_serial(float(text), raw)
        if date is not None:
            problem = f"「{raw}」按 Excel 日期序号解读为 {date.isoformat()}，请核实"
        return date, problem
    if re.fullmatch(r"\d{4}年?", text):
        return None, f"「{raw}」只有年份，缺少月日，已按缺失处理"
    return None, f"无法识别的日期「{raw}」（请写作 2021-03-05），已按缺失处理"


def read_date(value: object) -> tuple[dt.date | None, str | None]:
    """Parse one cell into a :class:`datetime.date`, with the problem to report.

    Accepts ``datetime``/``date``/``pandas.Timestamp``, Excel serial numbers (1950–2100),
    ``2021-3-5``, ``2021/3/5``, ``2021.03.05``, ``2021年3月5日``, ``20210305`` and a trailing
    time of day (dropped). ``2021年3月``/``2021-03`` give the 1st of the month with a warning.

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
    (datetime.date(2021, 3, 5), None)
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
        return _from_number(value)
    return _from_text(_norm(value))


def parse_date(value: object) -> dt.date | None:
    """One cell as a :class:`datetime.date`; ``None`` when blank or unreadable.

    Examples
    --------
    >>> parse_date("2021/3/5"), parse_date("2021-02-30")
    (datetime.date(2021, 3, 5), None)
    """
    return read_date(value)[0]


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


def full_years(start: dt.date, end: dt.date) -> int:
    """Completed years from ``start`` to ``end`` (周年): the anniversary counts on its day.

    An anniversary of 29 February falls on 1 March in a year without one (2020-02-29 →
    2021-02-28 is 0 full years, → 2021-03-01 is 1). Negative when ``end`` is before ``start``
    (callers report such dates; they are not ages).

    Examples
    --------
    >>> full_years(dt.date(2021, 6, 30), dt.date(2026, 6, 30))
    5
    >>> full_years(dt.date(2021, 7, 1), dt.date(2026, 6, 30))
    4
    """
    years = end.year - start.year
    return years - 1 if (end.month, end.day) < (start.month, start.day) else years
