"""Violation records (违法违规记录), hand-worked from the clauses that read them.

- 001 三(一)1: 「存在安全、环保、质量、能耗、消防和税收等各类违法违规问题的企业用地」 go on the
  治理清单 — read as: a record counts while it still stands (not rectified) at the as-of date.
- 000 附件3 三.1: 「无严重违建」 — no time window in the text: an unrectified serious 违法建设
  record of any age fails; one rectified on or before as-of no longer counts.
- 000 附件3 三.3: 「申请企业 1 年内无重大违建、生态环境、安全生产不良记录」 — the one-year window
  belongs here; a 不良记录 within the year counts even when rectified.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from landgov.core.plausible import check_values
from landgov.core.records import (
    RecordRule,
    Rectification,
    Standing,
    ViolationRecord,
    describe,
    judge,
    records_from_frame,
)
from landgov.errors import ProfileError
from landgov.far import compute_far
from landgov.far.zengrong import ZengrongInputs, check_applications
from landgov.io import read_compliance
from landgov.policy import load_profile
from landgov.screening import check_violations, screen
from landgov.verdict import Status
from tests.test_zengrong import USCC, _application, _enterprises, _layers, _links, _parcels

AS_OF = dt.date(2026, 6, 30)
APPLICANT = f"{USCC[:-2]}00"
PLOT = "330602001001GB00000"


@pytest.fixture(scope="module")
def yuecheng():
    return load_profile("yuecheng-2022")


@pytest.fixture(scope="module")
def province():
    return load_profile("zhejiang-2023")


def _rec(
    day: dt.date | None,
    *,
    category: str = "违法建设",
    severity: str | None = "重大",
    rectified: Rectification | None = Rectification.OPEN,
    rectified_date: dt.date | None = None,
) -> ViolationRecord:
    return ViolationRecord(APPLICANT, None, category, severity, day, rectified, rectified_date)


# ---------------------------------------------------------------------------------------------
# core.records.judge


BUILDING = RecordRule({"违法建设": frozenset({"较大", "重大"})})  # 三.1: no window, 整改 clears


def test_unrectified_building_record_counts_at_any_age_rectified_does_not():
    five_years = dt.date(2021, 6, 1)
    assert judge(_rec(five_years), rule=BUILDING, as_of=AS_OF).standing is Standing.COUNTS
    fixed = _rec(five_years, rectified=Rectification.DONE, rectified_date=dt.date(2025, 3, 1))
    assert judge(fixed, rule=BUILDING, as_of=AS_OF).standing is Standing.CLEARED
    # a rectification date after as-of: still open on the as-of date
    later = _rec(five_years, rectified=None, rectified_date=dt.date(2026, 8, 1))
    assert judge(later, rule=BUILDING, as_of=AS_OF).standing is Standing.COUNTS
    # rectified on the as-of date itself: 「基准日前（含当日）已整改」
    same_day = _rec(five_years, rectified=Rectification.DONE, rectified_date=AS_OF)
    assert judge(same_day, rule=BUILDING, as_of=AS_OF).standing is Standing.CLEARED


def test_unknown_rectification_is_unknown_never_cleared():
    unknown = judge(_rec(dt.date(2021, 6, 1), rectified=None), rule=BUILDING, as_of=AS_OF)
    assert unknown.standing is Standing.UNKNOWN
    assert any("整改情况" in m for m in unknown.missing)
    # 已整改 without a date: when is unknown, so whether it was done by as-of is unknown
    undated = judge(
        _rec(dt.date(2021, 6, 1), rectified=Rectification.DONE), rule=BUILDING, as_of=AS_OF
    )
    assert undated.standing is Standing.UNKNOWN
    assert any("整改完成日期" in m for m in undated.missing)


def test_records_out_of_scope_are_ruled_out_before_unknowns():
    # recorded after as-of, a 一般 record under 较大/重大, another category: never 待核实
    after = _rec(dt.date(2026, 7, 1), rectified=None)
    assert judge(after, rule=BUILDING, as_of=AS_OF).standing is Standing.LATER
    minor = _rec(dt.date(2021, 6, 1), severity="一般", rectified=None)
    assert judge(minor, rule=BUILDING, as_of=AS_OF).standing is Standing.NOT_COVERED
    other = _rec(dt.date(2021, 6, 1), category="税收", rectified=None)
    assert judge(other, rule=BUILDING, as_of=AS_OF).standing is Standing.NOT_COVERED


def test_unknown_severity_is_unknown_unless_every_severity_counts():
    got = judge(_rec(dt.date(2024, 1, 1), severity=None), rule=BUILDING, as_of=AS_OF)
    assert got.standing is Standing.UNKNOWN
    assert "严重程度" in got.missing
    every = RecordRule(frozenset({"一般", "较大", "重大"}))
    got = judge(_rec(dt.date(2024, 1, 1), severity=None), rule=every, as_of=AS_OF)
    assert got.standing is Standing.COUNTS


def test_one_year_window_includes_both_days_and_rectification_does_not_clear_3_3():
    # 三.3 「1 年内」: [2025-06-30, 2026-06-30]; a rectified record within it still counts
    rule = RecordRule({"环保": frozenset({"重大"})}, window_years=1, rectification_clears=False)
    fixed = {"rectified": Rectification.DONE, "rectified_date": dt.date(2025, 12, 1)}
    first_day = _rec(dt.date(2025, 6, 30), category="环保", **fixed)
    assert judge(first_day, rule=rule, as_of=AS_OF).standing is Standing.COUNTS
    day_before = _rec(dt.date(2025, 6, 29), category="环保", **fixed)
    assert judge(day_before, rule=rule, as_of=AS_OF).standing is Standing.OUTSIDE
    undated = judge(_rec(None, category="环保"), rule=rule, as_of=AS_OF)
    assert undated.standing is Standing.UNKNOWN
    assert any("记录日期" in m for m in undated.missing)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("已整改", Rectification.DONE),
        ("是", Rectification.DONE),
        ("已销号", Rectification.DONE),
        (" 整改 完成 ", Rectification.DONE),
        ("未整改", Rectification.OPEN),
        ("否", Rectification.OPEN),
        ("整改中", Rectification.OPEN),
        ("部分整改", Rectification.OPEN),  # partly done is not done
        ("待定", None),
        ("", None),
        (None, None),
    ],
)
def test_rectification_texts(text, expected):
    assert Rectification.parse(text) is expected


# ---------------------------------------------------------------------------------------------
# the reader


def test_reader_reads_chinese_columns_values_and_dates(tmp_path: Path):
    path = tmp_path / "违法违规记录.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["宗地代码", "问题类别", "严重程度", "记录日期", "是否整改", "整改完成时间"])
    ws.append([PLOT, "违章建筑", "重大", "2021年6月1日", "是", "2025年3月1日"])
    ws.append([PLOT, "环保", "严重", dt.datetime(2025, 10, 30), "已整改", 45992])
    ws.append([PLOT, "安全生产", "一般", "2024/3/1", "整改中", "2024-05-01"])
    ws.append([PLOT, "消防", "较大", "2024-03-01", "待定", None])
    ws.append([PLOT, "税收", "一般", "2024-03-01", None, None])
    wb.save(path)
    got = read_compliance(path)
    data = got.data
    assert data["category"].tolist() == ["违法建设", "环保", "安全", "消防", "税收"]
    assert data["rectified"].tolist()[:3] == ["已整改", "已整改", "未整改"]
    assert data["rectified"].isna().tolist()[3:] == [True, True]
    # 45992 is the Excel serial of 2025-12-01
    assert data["rectified_date"].tolist()[:3] == [
        dt.date(2025, 3, 1),
        dt.date(2025, 12, 1),
        dt.date(2024, 5, 1),
    ]
    problems = got.problems
    unread = problems[problems["problem"].str.contains("无法识别的整改情况「待定」")]
    assert unread["row"].tolist() == [5]
    conflict = problems[problems["problem"].str.contains("整改情况为未整改，但填有整改完成日期")]
    assert conflict["row"].tolist() == [4]


def test_reader_without_rectification_columns_says_every_status_is_unknown(tmp_path: Path):
    path = tmp_path / "records.csv"
    path.write_text(
        f"宗地代码,问题类别,严重程度,记录日期\n{PLOT},环保,重大,2025-10-30\n",
        encoding="utf-8-sig",
    )
    got = read_compliance(path)
    assert got.data["rectified"].isna().all()
    warned = got.problems[got.problems["problem"].str.contains("没有整改情况")]
    assert len(warned) == 1
    assert "待核实" in warned["problem"].iat[0]


# ---------------------------------------------------------------------------------------------
# screening: the 治理清单


def _plots(n: int):
    parcels = _parcels([20.0] * n)
    parcels["tax_per_mu"] = 50.0  # well above any low-efficiency line
    parcels["floor_area_m2"] = parcels.geometry.area * 1.5  # 容积率 1.5: not 用而未尽
    ents = _enterprises(n, above_scale=[True] * n, energy_tce=[10.0] * n, built_year=[2015] * n)
    pairs = _links(n)[["parcel_id", "uscc"]]
    return parcels, ents, pairs


def _records(rows):
    return pd.DataFrame(
        rows,
        columns=[
            "uscc",
            "parcel_id",
            "category",
            "severity",
            "record_date",
            "rectified",
            "rectified_date",
        ],
    )


def test_screening_rectified_record_leaves_the_list_unrectified_stays(province):
    # 001 三(一)1 「存在…违法违规问题的企业用地」: P0 has an unrectified 一般 环保 record (stays on
    # the 治理清单), P1 the same record rectified 2025-03-01 (no longer 存在), P2 the same
    # record with its status blank (待核实, never a pass), P3 rectified only after as-of.
    parcels, ents, pairs = _plots(4)
    pids = parcels["parcel_id"].tolist()
    usccs = ents["uscc"].tolist()
    day = dt.date(2024, 5, 1)
    compliance = _records(
        [
            (usccs[0], pids[0], "环保", "一般", day, "未整改", None),
            (usccs[1], pids[1], "环保", "一般", day, "已整改", dt.date(2025, 3, 1)),
            (usccs[2], pids[2], "环保", "一般", day, None, None),
            (usccs[3], pids[3], "环保", "一般", day, "已整改", dt.date(2026, 8, 1)),
        ]
    )
    got = check_violations(
        parcels, compliance=compliance, pairs=pairs, profile=province, as_of=AS_OF
    )
    assert [v.status for v in got] == [Status.FAIL, Status.PASS, Status.UNKNOWN, Status.FAIL]
    assert "未整改" in got.iloc[0].reason
    assert any("整改情况" in m for m in got.iloc[2].missing)
    result = screen(
        parcels,
        enterprises=ents,
        pairs=pairs,
        compliance=compliance,
        profile=province,
        as_of=AS_OF,
    )
    assert result.governance["parcel_id"].tolist() == [pids[0], pids[3]]


def test_screening_without_compliance_table_is_unknown_not_no_record(province):
    parcels, _, pairs = _plots(1)
    got = check_violations(parcels, compliance=None, pairs=pairs, profile=province, as_of=AS_OF)
    assert got.iloc[0].status is Status.UNKNOWN
    assert got.iloc[0].reason.startswith("未提供违法违规记录表")
    assert "违法违规记录表" in got.iloc[0].missing[0]


def test_screening_window_from_the_profile(tmp_path: Path):
    # a county that sets a 2-year window: an unrectified record 3 years old no longer counts
    path = tmp_path / "county.toml"
    path.write_text(
        '[profile]\nname = "county"\nversion = "1"\ntitle = "测试"\nextends = "zhejiang-2023"\n'
        '[screening]\nviolation_window_years = { value = 2, unit = "年", source = "测试" }\n',
        encoding="utf-8",
    )
    profile = load_profile(path)
    parcels, ents, pairs = _plots(2)
    pids, usccs = parcels["parcel_id"].tolist(), ents["uscc"].tolist()
    compliance = _records(
        [
            (usccs[0], pids[0], "安全", "重大", dt.date(2023, 6, 1), "未整改", None),
            (usccs[1], pids[1], "安全", "重大", dt.date(2025, 6, 1), "未整改", None),
        ]
    )
    got = check_violations(
        parcels, compliance=compliance, pairs=pairs, profile=profile, as_of=AS_OF
    )
    assert [v.status for v in got] == [Status.PASS, Status.FAIL]


# ---------------------------------------------------------------------------------------------
# 增容 三.1 and 三.3


def _zengrong(profile, compliance, *, applied: dt.date | None = AS_OF):
    """The 增容 row of the applicant's application dated ``applied`` (default: applied on the
    as-of day, so 「1 年内」 counted from either day is the same window)."""
    parcels = _parcels([20.0])
    far = compute_far(parcels, profile=profile)
    inputs = ZengrongInputs(
        parcels,
        far,
        profile=profile,
        as_of=AS_OF,
        enterprises=_enterprises(1),
        links=_links(1),
        compliance=compliance,
        **_layers(parcels),
    )
    row = _application(parcels["parcel_id"].iloc[0], APPLICANT, application_date=applied)
    return check_applications(pd.DataFrame([row]), inputs).iloc[0]


def _building(**kw):
    row = {"uscc": APPLICANT, "parcel_id": None, "category": "违法建设", "severity": "重大"}
    row |= {"record_date": dt.date(2021, 6, 1), "rectified": "未整改", "rectified_date": None}
    return _records([tuple((row | kw).values())])


def test_3_1_five_year_old_unrectified_serious_building_fails(yuecheng):
    # 三.1 「无严重违建」 has no window: a 重大 违法建设 record of 2021-06-01, not rectified at
    # 2026-06-30, fails; it is outside 三.3's one-year window, so 三.3 passes
    got = _zengrong(yuecheng, _building())
    assert got["cond1"] == Status.FAIL
    assert "未整改的严重违法建设记录" in got["cond1_note"]
    assert got["cond3"] == Status.PASS


def test_3_1_same_record_rectified_in_2025_no_longer_counts(yuecheng):
    got = _zengrong(yuecheng, _building(rectified="已整改", rectified_date=dt.date(2025, 3, 1)))
    assert got["cond1"] == Status.PASS
    assert "已于基准日前整改" in got["cond1_note"]


def test_3_1_same_record_with_unknown_status_is_unknown(yuecheng):
    got = _zengrong(yuecheng, _building(rectified=None))
    assert got["cond1"] == Status.UNKNOWN
    assert "整改情况" in got["missing"]


def test_3_1_lesser_building_record_is_unknown_under_the_unofficial_reading(yuecheng):
    # 「严重」 is undefined; 较大/重大 is a project default, so an unrectified 一般 record
    # cannot make 三.1 符合 on its own
    got = _zengrong(yuecheng, _building(severity="一般"))
    assert got["cond1"] == Status.UNKNOWN


def test_3_3_eight_month_old_major_environment_fails_fourteen_month_passes(yuecheng):
    # 三.3 「1 年内无重大…生态环境…不良记录」: 2025-10-30 is 8 months before 2026-06-30 (fails,
    # even rectified), 2025-04-30 is 14 months before (passes)
    recent = _building(
        category="环保",
        record_date=dt.date(2025, 10, 30),
        rectified="已整改",
        rectified_date=dt.date(2025, 12, 1),
    )
    got = _zengrong(yuecheng, recent)
    assert got["cond3"] == Status.FAIL
    assert "环保（重大，2025-10-30" in got["cond3_note"]
    old = _building(category="环保", record_date=dt.date(2025, 4, 30), rectified="未整改")
    assert _zengrong(yuecheng, old)["cond3"] == Status.PASS


def test_zengrong_without_compliance_table_is_unknown_in_3_1_and_3_3(yuecheng):
    got = _zengrong(yuecheng, None)
    assert got["cond1"] == Status.UNKNOWN
    assert got["cond3"] == Status.UNKNOWN
    # the item the 底数清单 names (core.collect), with its department
    assert "违法违规记录（整改情况、记录日期）〔综合行政执法局〕" in got["missing"]


def test_profile_refuses_an_unknown_severity_in_record_severities(tmp_path: Path):
    path = tmp_path / "county.toml"
    path.write_text(
        '[profile]\nname = "county"\nversion = "1"\ntitle = "测试"\nextends = "yuecheng-2022"\n'
        '[zengrong]\nrecord_severities = { value = { "环保" = ["严重"] }, source = "测试" }\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="record_severities"):
        load_profile(path)


# ---------------------------------------------------------------------------------------------
# A 记录日期 later than the reference date. The plausibility rule (plausible: dates after the
# reference date are unreasonable) sets it aside as missing and logs it; the record is no
# evidence the problem existed on the reference date, nor that it did not: 待核实, never counted
# as an undated open record (不符合), the date shown as written, never 「无日期」.

LATE = dt.date(2026, 8, 1)  # one month after AS_OF
LATE_SAID = "记录日期 2026-08-01 晚于基准日 2026-06-30"


def _read_as_run(profile, compliance: pd.DataFrame) -> pd.DataFrame:
    """``compliance`` after the plausibility check a run makes right after reading it."""
    checked = check_values(compliance, profile, source="违法记录.xlsx", as_of=AS_OF)
    assert any("2026-08-01" in p for p in checked.problems["problem"]), "the problem row stays"
    return checked.data


def test_a_record_dated_after_the_reference_date_is_to_verify_and_named(province):
    frame = _read_as_run(
        province, _records([(APPLICANT, PLOT, "环保", "一般", LATE, "未整改", None)])
    )
    (record,) = records_from_frame(frame)
    assert record.record_date is None  # set aside, as the plausibility rule says
    assert describe(record) == f"环保（一般，{LATE_SAID}，未整改）"
    every = RecordRule(frozenset({"一般", "较大", "重大"}))  # screening: no window
    got = judge(record, rule=every, as_of=AS_OF)
    assert got.standing is Standing.UNKNOWN
    assert got.missing == (
        "记录日期（记录为 2026-08-01，晚于基准日 2026-06-30，无法确认基准日时问题已存在）",
    )
    # a blank date stays what it was: an open record of unknown date counts (no window)
    blank = judge(_rec(None, category="环保", severity="一般"), rule=every, as_of=AS_OF)
    assert blank.standing is Standing.COUNTS


def test_screening_a_record_dated_after_the_reference_date_is_to_verify(province):
    parcels, ents, pairs = _plots(1)
    pid, firm = parcels["parcel_id"].iloc[0], ents["uscc"].iloc[0]
    compliance = _read_as_run(
        province, _records([(firm, pid, "环保", "一般", LATE, "未整改", None)])
    )
    got = check_violations(
        parcels, compliance=compliance, pairs=pairs, profile=province, as_of=AS_OF
    ).iloc[0]
    assert got.status is Status.UNKNOWN
    assert LATE_SAID in got.reason and "无日期" not in got.reason
    result = screen(
        parcels, enterprises=ents, pairs=pairs, compliance=compliance, profile=province,
        as_of=AS_OF,
    )  # fmt: skip
    assert result.governance.empty  # not listed as an existing violation


def test_zengrong_a_record_dated_after_the_reference_date_is_to_verify(yuecheng):
    # the same record in 三.1 「无严重违建」 and 三.3 「1 年内无…不良记录」: 待核实 in both
    building = _read_as_run(
        yuecheng, _records([(APPLICANT, None, "违法建设", "重大", LATE, "未整改", None)])
    )
    got = _zengrong(yuecheng, building)
    assert (got["cond1"], got["cond3"]) == (Status.UNKNOWN, Status.UNKNOWN)
    assert LATE_SAID in got["cond1_note"] and LATE_SAID in got["cond3_note"]
    assert "无日期" not in got["cond1_note"] + got["cond3_note"]


# 三.3 「申请企业 1 年内无…不良记录」 does not say from which day the year is counted. A 重大 安全
# record of 2025-04-01 (rectified 2025-05-01; the shipped reading counts it all the same):
# from the check date 2026-06-30 the window is [2025-06-30, 2026-06-30] (outside: 符合); from
# the 申请日期 2026-03-01 it is [2025-03-01, 2026-03-01] (inside: 不符合).


def _safety_2025_04_01() -> pd.DataFrame:
    return _records(
        [(APPLICANT, None, "安全", "重大", dt.date(2025, 4, 1), "已整改", dt.date(2025, 5, 1))]
    )


def test_3_3_two_anchors_that_disagree_are_to_verify(yuecheng):
    got = _zengrong(yuecheng, _safety_2025_04_01(), applied=dt.date(2026, 3, 1))
    assert got["cond3"] == Status.UNKNOWN
    note = got["cond3_note"]
    assert "自核查日期 2026-06-30 起算（2025-06-30—2026-06-30）窗口内无计入记录，符合" in note
    assert (
        "自申请日期 2026-03-01 起算（2025-03-01—2026-03-01）窗口内记录："
        "安全（重大，2025-04-01，2025-05-01 整改），不符合"
    ) in note
    assert "「1 年内」自申请日期还是核查日期起算" in got["missing"]


def test_3_3_two_anchors_that_agree_stand(yuecheng):
    # applied 2026-06-01: window [2025-06-01, 2026-06-01], the record is outside both
    got = _zengrong(yuecheng, _safety_2025_04_01(), applied=dt.date(2026, 6, 1))
    assert got["cond3"] == Status.PASS
    # applied 2025-12-01 with the record inside both windows: 不符合 stands
    inside = _records([(APPLICANT, None, "安全", "重大", dt.date(2025, 9, 1), "未整改", None)])
    assert _zengrong(yuecheng, inside, applied=dt.date(2025, 12, 1))["cond3"] == Status.FAIL


def test_3_3_a_candidate_plot_counts_the_year_from_the_check_date(yuecheng):
    # a 摸排候选 (no application): only the check date anchors the year, as before
    from landgov.far.zengrong._case import _Case, _Settings
    from landgov.far.zengrong._conditions import _cond3

    records = tuple(records_from_frame(_safety_2025_04_01()))
    case = _Case({}, {}, {}, {"uscc": APPLICANT}, records)
    (got,) = _cond3(case, _Settings(yuecheng, AS_OF))
    assert got.status is Status.PASS
    applied = dataclasses.replace(case, application={"application_date": dt.date(2026, 3, 1)})
    assert _cond3(applied, _Settings(yuecheng, AS_OF))[0].status is Status.UNKNOWN
