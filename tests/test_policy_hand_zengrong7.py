"""Hand-worked 增容 cases, round 7: the 15 亩 floor and the 2.5 cap when a county's profile marks
them 示例规则（非官方）.

越政发〔2022〕24号 附件3 三.1 「地块用地面积原则上大于 15 亩」 and 二 「容积率上限可提高至 2.5」.
The shipped yuecheng-2022 profile cites both to the opinion (official); a county that copies
the profile for a district of its own and has not yet confirmed them marks them
``official = false``. A threshold marked so never makes a check 符合 on its own: the check is
待核实 naming the county's confirmation to collect, and a 不符合 on it says what it rests on
(the same rule as the 标准地 values of 三.6 and the screening's thresholds).

Hand figures (1 亩 = 10000/15 m²): 21 亩 = 14000 m², 12 亩 = 8000 m², 18 亩 = 12000 m².
Comparisons per 《民法典》第1259条: 「大于」 excludes the number, 「至 2.5」 includes it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from landgov.core.vocab import EXAMPLE_FAIL, EXAMPLE_ONLY
from landgov.far.zengrong import check_applications, check_parcels
from tests._hand import (
    AS_OF,
    NO,
    OK,
    TBD,
    F,
    P,
    U,
    application,
    applications,
    no_records,
    plots,
    uscc,
    violation_records,
    with_param,
    zengrong_inputs,
)


def _example(profile, key):
    """``profile`` with the parameter ``key`` marked 示例规则（非官方） (value unchanged)."""
    cite = dataclasses.replace(profile[key].citation, official=False)
    return with_param(profile, key, citation=cite)


def _one(profile, mu, far, **over):
    parcels = plots(1, mu=mu, far=far)
    return applications(profile, parcels, [application(parcels["parcel_id"].iloc[0], **over)])


# =============================================================================================
# 三.1 「原则上大于 15 亩」, 15 marked 示例规则（非官方）.


def test_official_15_mu_floor_passes_21_mu(official):
    # Control: 21 亩 > 15 亩 on the opinion's own figure → 三.1 符合, 可申报.
    row = _one(official, 21.0, 0.8).iloc[0]
    assert row["cond1"] == P, row["cond1_note"]
    assert row["zengrong"] == OK


def test_example_15_mu_floor_never_passes_21_mu_on_its_own(official):
    # 21.00 亩 > 15 亩, but 15 is 示例规则（非官方）: 三.1 待核实 (never 符合), overall 待核实;
    # the reason keeps the figure and says the threshold is an example; the county's
    # confirmation of the threshold is what is missing.
    row = _one(_example(official, "zengrong.min_area_mu"), 21.0, 0.8).iloc[0]
    assert row["cond1"] == U, row["cond1_note"]
    assert row["zengrong"] == TBD
    assert "用地 21.00 亩大于 15 亩" in row["cond1_note"]
    assert EXAMPLE_ONLY in row["cond1_note"]
    assert "区级认定" in row["missing"] and "15 亩" in row["missing"]


def test_example_15_mu_floor_still_fails_12_mu_and_says_so(official):
    # 12.00 亩 ≤ 15 亩: 不符合 stays (a person looks at it), the reason says it rests on an
    # example threshold; overall 不可申报.
    row = _one(_example(official, "zengrong.min_area_mu"), 12.0, 0.8).iloc[0]
    assert row["cond1"] == F, row["cond1_note"]
    assert row["zengrong"] == NO
    assert "用地 12.00 亩不大于 15 亩" in row["cond1_note"]
    assert EXAMPLE_FAIL in row["cond1_note"]


# =============================================================================================
# 二 「容积率上限可提高至 2.5」, 2.5 marked 示例规则（非官方）.


def test_example_cap_never_passes_an_application_on_its_own(official):
    # 18 亩 = 12000 m² at 1.2 → 14400 m²; room 2.5 × 12000 − 14400 = 15600 m².
    #   added 15600 → 30000 / 12000 = 2.50 ≤ 2.5 → on an official cap 符合; on an example cap
    #   待核实 (overall 待核实, never 可申报);
    #   added 15601 → 2.500083 > 2.5 → 不符合 either way, the reason says it rests on an example.
    profile = _example(official, "zengrong.far_cap")
    parcels = plots(2, mu=18.0, far=1.2)
    rows = [
        application(pid, i, added_floor_m2=added)
        for i, (pid, added) in enumerate(zip(parcels["parcel_id"], [15600.0, 15601.0], strict=True))
    ]
    got = applications(profile, parcels, rows)
    assert got["cap"].tolist() == [U, F], got["cap_note"].tolist()
    assert got["zengrong"].tolist() == [TBD, NO]
    assert got["headroom_m2"].tolist() == pytest.approx([15600.0, 15600.0])
    assert "实施后容积率 2.50 ≤ 上限 2.5" in got["cap_note"].iloc[0]
    assert EXAMPLE_ONLY in got["cap_note"].iloc[0]
    assert "区级认定" in got["missing"].iloc[0] and "2.5" in got["missing"].iloc[0]
    assert "实施后容积率 2.500083 > 上限 2.5" in got["cap_note"].iloc[1]
    assert EXAMPLE_FAIL in got["cap_note"].iloc[1]


def test_example_cap_never_gives_a_screened_plot_room_as_settled(official):
    # 21 亩 at 0.8: 11200 m², room 35000 − 11200 = 23800 m² (the figure stays); the plot's
    # 「有增容空间」 rests on the example 2.5 → 二 待核实, never 符合.
    profile = _example(official, "zengrong.far_cap")
    row = check_parcels(zengrong_inputs(profile, plots(1, mu=21.0, far=0.8))).iloc[0]
    assert row["cap"] == U, row["cap_note"]
    assert row["headroom_m2"] == pytest.approx(23800.0)
    assert "现状容积率 0.80 < 上限 2.5" in row["cap_note"]
    assert EXAMPLE_ONLY in row["cap_note"]
    # the room's own note says its cap is an example (the 增容空间说明 column of the lists)
    assert "上限 2.5 计算，该上限为示例规则（非官方）" in row["headroom_reason"]
    settled = check_parcels(zengrong_inputs(official, plots(1, mu=21.0, far=0.8))).iloc[0]
    assert "示例规则" not in settled["headroom_reason"]


# =============================================================================================
# 三.3 「申请企业 1 年内无重大…不良记录」, the 1-year window marked 示例规则（非官方）.
# As of 2024-06-30 the window is [2023-06-30, 2024-06-30] (both days). A 重大 环保 record of
# 2023-06-29 (one day before the window) counts under no shorter window and under any longer
# one: outside the window it is 符合 only by the window's figure.


def _records(profile, day):
    parcels = plots(1, mu=21.0)
    rows = [] if day is None else [{"uscc": uscc(0), "category": "环保", "severity": "重大",
                                     "record_date": day}]  # fmt: skip
    inputs = dataclasses.replace(
        zengrong_inputs(profile, parcels),
        compliance=violation_records(rows) if rows else no_records(),
    )
    app = application(parcels["parcel_id"].iloc[0], application_date=AS_OF)
    return check_applications(pd.DataFrame([app]), inputs).iloc[0]


def test_record_a_day_before_an_official_window_passes(official):
    row = _records(official, dt.date(2023, 6, 29))
    assert row["cond3"] == P, row["cond3_note"]
    assert _records(official, dt.date(2023, 6, 30))["cond3"] == F  # the window's first day


def test_record_a_day_before_an_example_window_is_to_verify(official):
    # 2023-06-29 lies outside [2023-06-30, 2024-06-30]; the 1 年 is 示例规则（非官方）: 待核实
    # naming the record and the window, never 符合.
    profile = _example(official, "zengrong.record_window_years")
    row = _records(profile, dt.date(2023, 6, 29))
    assert row["cond3"] == U, row["cond3_note"]
    assert "2023-06-29" in row["cond3_note"]
    assert EXAMPLE_ONLY in row["cond3_note"]
    assert "区级认定" in row["missing"]
    # a record inside the window: 不符合 stays, said to rest on the example window
    inside = _records(profile, dt.date(2023, 6, 30))
    assert inside["cond3"] == F
    assert EXAMPLE_FAIL in inside["cond3_note"]


def test_no_record_at_all_passes_whatever_the_window(official):
    # No record of any date: no window decides it → 符合 even on an example window.
    row = _records(_example(official, "zengrong.record_window_years"), None)
    assert row["cond3"] == P, row["cond3_note"]


# =============================================================================================
# 七(一) 「本政策自 2022 年 11 月 1 日起执行」, the date marked 示例规则（非官方）.


def test_example_start_date_never_passes_an_application_on_its_own(official):
    # Applied 2024-06-30, after 2022-11-01: 符合 on the opinion's own date; on a date marked
    # 示例规则（非官方） (a district copying the profile before its own opinion is in force)
    # 待核实, the date to confirm; an application before it stays 不符合 and says so.
    parcels = plots(1, mu=21.0, far=0.8)
    pid = parcels["parcel_id"].iloc[0]
    on_time = [application(pid, application_date=AS_OF)]
    assert applications(official, parcels, on_time).iloc[0]["scope"] == P
    profile = _example(official, "zengrong.effective_from")
    row = applications(profile, parcels, on_time).iloc[0]
    assert row["scope"] == U, row["scope_note"]
    assert EXAMPLE_ONLY in row["scope_note"]
    assert "施行日期 2022-11-01" in row["missing"]
    early = [application(pid, application_date=dt.date(2022, 10, 31))]
    row = applications(profile, parcels, early).iloc[0]
    assert row["scope"] == F
    assert EXAMPLE_FAIL in row["scope_note"]
