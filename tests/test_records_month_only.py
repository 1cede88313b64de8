"""A 记录日期 written as a month, a quarter or a half-year: the whole span, never its first day.

越政发〔2022〕24号 附件3 第三条第3项: 「申请企业 1 年内无重大违建、生态环境、安全生产不良记录」.
At the reference date 2026-06-30 the year runs from 2025-06-30 (both days included,
:func:`landgov.core.records.window_start`). A record written 「2025年6月」 may be of 2025-06-01
or of 2025-06-30: read as its first day it fell before the window, and the condition read
「符合：1 年内无…不良记录」 with no more than a 警告 row at reading. The span decides now:

=====================  ======================  =========================================
记录日期                 span                    at 2026-06-30 (window from 2025-06-30)
=====================  ======================  =========================================
2025年5月                2025-05-01～05-31        before the window: does not count
2025年6月                2025-06-01～06-30        straddles the window's start: 待核实
2025年7月                2025-07-01～07-31        inside: counts
2025年第二季度            2025-04-01～06-30        straddles: 待核实
2025-06-30              one day                 inside (the first day of the window): counts
2026年6月 (as of 06-15)  2026-06-01～06-30        may be after the reference date: 待核实
=====================  ======================  =========================================
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from landgov.core.dates import latest_name
from landgov.core.records import RecordRule, Standing, judge, records_from_frame
from landgov.io import read_compliance

AS_OF = dt.date(2026, 6, 30)
RULE_3_3 = RecordRule({"违法建设": frozenset({"重大"})}, window_years=1, rectification_clears=False)
HEADER = ["统一社会信用代码", "宗地代码", "问题类别", "严重程度", "记录日期", "整改情况"]


def _records(tmp_path: Path, dates: list[object]) -> list:
    """The records of a compliance table whose rows differ only in 记录日期, as read."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for day in dates:
        ws.append(["91330602MA29074AJ2", "330602002001GB00115", "违法建设", "重大", day, "未整改"])
    path = tmp_path / "违法记录.xlsx"
    wb.save(path)
    return records_from_frame(read_compliance(path).data)


@pytest.mark.parametrize(
    ("written", "as_of", "standing"),
    [
        ("2025年5月", AS_OF, Standing.OUTSIDE),
        ("2025年6月", AS_OF, Standing.UNKNOWN),
        ("2025年7月", AS_OF, Standing.COUNTS),
        ("2025年第二季度", AS_OF, Standing.UNKNOWN),
        ("2025-06-30", AS_OF, Standing.COUNTS),
        ("2026年6月", dt.date(2026, 6, 15), Standing.UNKNOWN),
        ("2026年7月", dt.date(2026, 6, 15), Standing.LATER),
    ],
)
def test_a_month_is_judged_as_its_whole_span(
    tmp_path: Path, written: str, as_of: dt.date, standing: Standing
) -> None:
    (record,) = _records(tmp_path, [written])
    got = judge(record, rule=RULE_3_3, as_of=as_of)
    assert got.standing is standing, got
    if standing is Standing.UNKNOWN:
        assert any("只写到" in m for m in got.missing), got.missing


def test_the_reader_keeps_the_last_day_beside_the_first(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["91330602MA29074AJ2", None, "违法建设", "重大", "2025年6月", "未整改"])
    ws.append(["91330602MA29074AJ2", None, "违法建设", "重大", "2025-06-18", "未整改"])
    path = tmp_path / "违法记录.xlsx"
    wb.save(path)
    read = read_compliance(path)
    data = read.data
    assert [str(d) for d in data["record_date"]] == ["2025-06-01", "2025-06-18"]
    assert data[latest_name("record_date")].tolist() == [dt.date(2025, 6, 30), None]
    said = read.problems["problem"].tolist()
    assert any("按整段（2025-06-01～2025-06-30）判断" in p for p in said), said


# 整改完成日期 written as a month. A record under a rule where rectification clears (screening,
# 虞政发〔2022〕12号 第三条第（一）项第1目: 未整改 violations) is cleared at the reference date only
# when it was surely rectified by then: the whole month on or before it. Before, the month was
# read as its last day, so 「2026年6月」 at 2026-06-15 was read as not rectified — a record
# counted against the enterprise on a guess.
#
# =====================  ==============  ======================================
# 整改完成日期             as of           standing
# =====================  ==============  ======================================
# 2026年5月                2026-06-15      whole month before: cleared
# 2026年6月                2026-06-15      straddles: 待核实 (may be rectified)
# 2026年6月                2026-06-30      last day is the reference date: cleared
# 2026年7月                2026-06-15      after: open, counts
# 2026年第二季度            2026-06-15      straddles: 待核实
# =====================  ==============  ======================================

RULE_CLEARS = RecordRule({"违法建设": frozenset({"重大"})}, window_years=None)
RECTIFIED_HEADER = [*HEADER, "整改完成日期"]


def _rectified(tmp_path: Path, done: object, *, recorded: object = "2026-01-10") -> list:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(RECTIFIED_HEADER)
    ws.append(["91330602MA29074AJ2", None, "违法建设", "重大", recorded, "已整改", done])
    path = tmp_path / "违法记录.xlsx"
    wb.save(path)
    read = read_compliance(path)
    return records_from_frame(read.data), read.problems["problem"].tolist()


@pytest.mark.parametrize(
    ("done", "as_of", "standing"),
    [
        ("2026年5月", dt.date(2026, 6, 15), Standing.CLEARED),
        ("2026年6月", dt.date(2026, 6, 15), Standing.UNKNOWN),
        ("2026年6月", dt.date(2026, 6, 30), Standing.CLEARED),
        ("2026年7月", dt.date(2026, 6, 15), Standing.COUNTS),
        ("2026年第二季度", dt.date(2026, 6, 15), Standing.UNKNOWN),
        ("2026-06-15", dt.date(2026, 6, 15), Standing.CLEARED),
    ],
)
def test_a_rectification_month_clears_only_when_all_of_it_is_by_the_date(
    tmp_path: Path, done: str, as_of: dt.date, standing: Standing
) -> None:
    (record,), _ = _rectified(tmp_path, done)
    got = judge(record, rule=RULE_CLEARS, as_of=as_of)
    assert got.standing is standing, got
    if standing is Standing.UNKNOWN:
        assert got.missing == (
            f"整改完成日期（只写到 2026-0{4 if '季度' in done else 6}-01～2026-06-30，"
            f"无法确认基准日 {as_of} 前已整改）",
        )


def test_a_rectification_month_is_before_the_record_only_when_all_of_it_is(
    tmp_path: Path,
) -> None:
    """The reader's 「整改完成日期早于记录日期」: the whole month before the record's day."""
    _, same_month = _rectified(tmp_path, "2026年1月")  # recorded 2026-01-10: may be after it
    assert not any("早于记录日期" in p for p in same_month), same_month
    _, before = _rectified(tmp_path, "2025年12月")
    assert "整改完成日期 2025-12-01～2025-12-31 早于记录日期 2026-01-10" in before, before
