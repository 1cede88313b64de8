"""Hand-worked policy cases, round 10: a decision on a 示例规则（非官方） value says so.

The guide: 「示例规则（非官方）」 values can never turn a check into 符合 on their own; a 不符合 (a
plot put on the 治理清单, a 增容 condition failed) that rests on one stays 不符合 — a person looks
at the plot — but its reason, not only its citation, says so in the one wording every check uses
(:data:`landgov.core.vocab.EXAMPLE_FAIL`, added by :func:`landgov.core.vocab.example_fail`).

For every check that compares against a profile value marked 示例 in a shipped profile (越城区
yuecheng-2022: 上虞's figures 「参照虞政发〔2022〕12号」, the project's defaults), each case
below takes one plot that fails only on that value and shows

- the shipped profile: 不符合 whose reason carries EXAMPLE_FAIL;
- the same value set in a county's own document (:func:`_county`, official): the same 不符合
  without it;
- a plot that passes only on that value: 待核实 on the shipped profile (never 符合), 符合 on
  the county's own value.

1 亩 = 10000/15 m²; a plot of 100 m × 140 m = 14000 m² = 21 亩.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest

from landgov.core.vocab import EXAMPLE_FAIL, EXAMPLE_ONLY
from landgov.far.zengrong import check_applications
from landgov.screening import (
    check_demolition,
    check_idle,
    check_low_efficiency,
    check_planning,
    check_two_high,
    check_under_used,
)
from landgov.verdict import Citation
from tests._hand import (
    CRS,
    NO,
    F,
    P,
    U,
    application,
    county_set,
    cover,
    firms,
    owner_links,
    parcels_of,
    rectangle,
    screen_plots,
    statuses,
    uscc,
    violation_records,
    with_param,
    zengrong_inputs,
)


def _plots(n: int, **over) -> gpd.GeoDataFrame:
    return parcels_of([rectangle(100.0, 140.0, i) for i in range(n)], **over)


def _says(reason: str) -> bool:
    """The reason says, in the one wording, that the 不符合 rests on an example value."""
    return EXAMPLE_FAIL in reason


# =============================================================================================
# 低效 screening.low_efficiency_tax_per_mu = 5 万元/亩 「亩均税收5万元以下」 ("<="): in 越城区
# 上虞's figure [参照虞政发〔2022〕12号 第三条第（一）项第1目], 示例规则（非官方）.


def _tax_plots() -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    # 甲 84 万元 on 21 亩 = 4.00 万元/亩 ≤ 5 → 低效; 乙 126 万元 / 21 亩 = 6.00 > 5 → not.
    parcels = _plots(2, tax_wan=[84.0, 126.0], area_mu=[21.0, 21.0])
    return parcels, firms(2), owner_links(parcels)


def test_low_efficiency_on_the_borrowed_tax_says_it_is_an_example(yuecheng):
    parcels, ents, pairs = _tax_plots()
    assert not yuecheng["screening.low_efficiency_tax_per_mu"].official
    got = check_low_efficiency(parcels, enterprises=ents, pairs=pairs, profile=yuecheng)
    assert statuses(got) == [F, U]  # 6.00 passes only on the example: 待核实
    assert _says(got.iloc[0].reason) and "属低效用地" in got.iloc[0].reason
    assert EXAMPLE_ONLY in got.iloc[1].reason
    county = county_set(yuecheng, "screening.low_efficiency_tax_per_mu")
    got = check_low_efficiency(parcels, enterprises=ents, pairs=pairs, profile=county)
    assert statuses(got) == [F, P]
    assert not any("示例规则" in v.reason for v in got)


def test_low_efficiency_row_of_the_list_says_it_is_an_example(yuecheng):
    # The 底数清单 row the user reads: 甲 治理 (低效, 4.00 万元/亩), its reasons carry the note.
    parcels, ents, _ = _tax_plots()
    ents = ents.assign(tax_wan=[84.0, 126.0], land_mu=[21.0, 21.0])
    got = screen_plots(yuecheng, parcels, ents).parcels
    assert got["screening_status"].iloc[0] == "治理"
    assert EXAMPLE_FAIL in got["reasons"].iloc[0]
    county = county_set(yuecheng, "screening.low_efficiency_tax_per_mu")
    got = screen_plots(county, parcels, ents).parcels
    assert got["screening_status"].iloc[0] == "治理"
    assert EXAMPLE_FAIL not in got["reasons"].iloc[0]


# =============================================================================================
# 用而未尽 screening.under_used_far_default = 1.0 ("<"): the floor of a non-manufacturing
# industry (no national floor), a project default 示例规则（非官方）. The national floors
# (far.national_floors, 国土资发〔2008〕24号) are official: a 不符合 on them says nothing more.


def test_under_used_on_the_default_floor_says_it_is_an_example(yuecheng):
    # 甲 5411 (2017 道路货物运输, non-manufacturing) 容积率 0.8 < 1.0 default → 不符合 on the
    # example; 乙 5411 容积率 1.2 ≥ 1.0 → passes only on it: 待核实; 丙 3311 (→ 2002 大类 34,
    # national floor 0.7) 容积率 0.5 < 0.7 → 不符合 on an official floor, no note.
    parcels = _plots(3, main_uscc=[uscc(i) for i in range(3)])
    parcels["floor_area_m2"] = [14000.0 * 0.8, 14000.0 * 1.2, 14000.0 * 0.5]
    ents = firms(3, industry_code=["5411", "5411", "3311"])
    got = check_under_used(parcels, enterprises=ents, profile=yuecheng)
    assert statuses(got) == [F, U, F]
    assert _says(got.iloc[0].reason)
    assert EXAMPLE_ONLY in got.iloc[1].reason
    assert not _says(got.iloc[2].reason)
    county = county_set(yuecheng, "screening.under_used_far_default")
    got = check_under_used(parcels, enterprises=ents, profile=county)
    assert statuses(got) == [F, P, F]
    assert not any("示例规则" in v.reason for v in got)


def test_under_used_industry_unknown_below_every_national_floor_no_note(yuecheng):
    # Industry unknown (no main enterprise): 容积率 0.4 is below the lowest national floor (0.5,
    # 大类 25) → 不符合 on the official table alone; the example default does not decide it.
    parcels = _plots(1)
    parcels["floor_area_m2"] = [14000.0 * 0.4]
    got = check_under_used(parcels, enterprises=firms(1), profile=yuecheng)
    assert statuses(got) == [F]
    assert not _says(got.iloc[0].reason)


# =============================================================================================
# 供而未用 screening.idle_years = 1 (《闲置土地处置办法》第二条, official in every shipped
# profile); the raster's screening.idle_built_cover_min (5 %) and far.raster_min_height_m (2 m)
# are 示例规则（非官方）.


def test_idle_bare_by_the_raster_alone_says_it_is_an_example(yuecheng):
    # Contract start 2022-06-30; on 2024-06-30 that is 2 full years ≥ 1. 甲: no floor area,
    # raster cover 1 % < 5 % → bare only by the raster → 闲置 on the example thresholds; 乙:
    # floor area 0 in a buildings layer over the plot that shows none (a fact) → 闲置 on the
    # official years alone, no note.
    parcels = _plots(2, contract_start_date=["2022-06-30"] * 2, completion_date=[None] * 2)
    parcels["floor_area_m2"] = [None, 0.0]
    parcels["buildings_cover"] = [None, True]
    parcels["n_buildings"] = [0, 0]
    parcels["built_cover"] = [0.01, None]
    got = check_idle(parcels, profile=yuecheng, as_of="2024-06-30")
    assert statuses(got) == [F, F]
    assert _says(got.iloc[0].reason) and "属闲置土地" in got.iloc[0].reason
    assert not _says(got.iloc[1].reason)
    county = county_set(yuecheng, "screening.idle_built_cover_min", "far.raster_min_height_m")
    got = check_idle(parcels, profile=county, as_of="2024-06-30")
    assert statuses(got) == [F, F]
    assert not any(_says(v.reason) for v in got)


def test_idle_years_marked_example_never_pass_and_the_fail_says_so(yuecheng):
    # A county profile that keeps idle_years = 1 as its own example (official = false):
    # 甲 contract 2022-06-30, floor area 0 → 2 years, 闲置 → says so; 乙 contract 2024-01-01
    # → 5 full months, 「未满1年」 → 待核实 (never 符合 on the example alone), its county figure
    # to collect. Was: 符合.
    example = with_param(
        yuecheng, "screening.idle_years", citation=Citation(None, "项目默认", official=False)
    )
    parcels = _plots(
        2, contract_start_date=["2022-06-30", "2024-01-01"], completion_date=[None] * 2
    )
    parcels["floor_area_m2"] = [0.0, 0.0]
    parcels["buildings_cover"] = [True, True]  # a buildings layer over the plots shows none
    parcels["n_buildings"] = [0, 0]
    got = check_idle(parcels, profile=example, as_of="2024-06-30")
    assert statuses(got) == [F, U]
    assert _says(got.iloc[0].reason)
    assert EXAMPLE_ONLY in got.iloc[1].reason
    assert any("standard_idle_years" in m for m in got.iloc[1].missing)
    got = check_idle(parcels, profile=yuecheng, as_of="2024-06-30")
    assert statuses(got) == [F, P]
    assert not any("示例规则" in v.reason for v in got)


# =============================================================================================
# 近年拆迁计划 overlay.demolition_share (10 %, ">=") and overlay.demolition_window_years (3)
# [越政发〔2022〕24号 附件3 第三条第1项], both 示例规则（非官方）; screening and 增容 share
# the rule.


def _plan(parcels: gpd.GeoDataFrame, year: int) -> gpd.GeoDataFrame:
    geom = parcels.geometry.iloc[0]
    return gpd.GeoDataFrame(
        {"plan_name": ["城中村改造"], "plan_year": [year]}, geometry=[geom], crs=CRS
    )


def test_demolition_plan_on_the_example_share_says_it_is_an_example(yuecheng):
    # A 2023 plan over the whole of 甲 (100 % ≥ 10 %, 2024 − 2023 = 1 ≤ 3 years) → 列入 → 不符合.
    parcels = _plots(1)
    got = check_demolition(
        parcels, demolition=_plan(parcels, 2023), profile=yuecheng, as_of=dt.date(2024, 6, 30)
    )
    assert statuses(got) == [F]
    assert _says(got.iloc[0].reason) and "列入近年拆迁计划" in got.iloc[0].reason
    county = county_set(yuecheng, "overlay.demolition_share", "overlay.demolition_window_years")
    got = check_demolition(
        parcels, demolition=_plan(parcels, 2023), profile=county, as_of=dt.date(2024, 6, 30)
    )
    assert statuses(got) == [F]
    assert not _says(got.iloc[0].reason)


def test_demolition_window_alone_example_still_says_so(yuecheng):
    # The share a county's own, the 「近年」 window still the example 3 years: a 2023 plan is
    # 近年 only by that window → the 不符合 says so.
    parcels = _plots(1)
    county = county_set(yuecheng, "overlay.demolition_share")
    got = check_demolition(
        parcels, demolition=_plan(parcels, 2023), profile=county, as_of=dt.date(2024, 6, 30)
    )
    assert statuses(got) == [F]
    assert _says(got.iloc[0].reason)


def test_zengrong_demolition_condition_note_says_it_is_an_example(official):
    # The 增容 condition 三.1 「未列入近年拆迁计划」 on the same plan: 不符合, the note says so.
    parcels = _plots(1)
    parcels["floor_area_m2"] = 14000.0 * 0.8
    inputs = zengrong_inputs(official, parcels, demolition=_plan(parcels, 2023))
    row = check_applications(pd.DataFrame([application(parcels["parcel_id"].iloc[0])]), inputs)
    assert row["cond1"].iloc[0] == F and row["zengrong"].iloc[0] == NO
    assert EXAMPLE_FAIL in row["cond1_note"].iloc[0]


# =============================================================================================
# 两高 screening.two_high_energy_new_tce (1000) / _old_tce (5000): 上虞's figures in 越城区,
# 示例规则（非官方）. Reaching one only selects an enterprise for assessment; 不符合 rests on
# the assessment's conclusion, never on the threshold.


def test_two_high_pass_with_an_enterprise_below_the_example_thresholds_is_to_verify(yuecheng):
    # One plot, two enterprises: 0 built 2019, 1200 tce ≥ 1000 → assessed 符合要求; 1 built
    # 2015, 100 tce < 5000 → not selected, but only by the example threshold. The plot's
    # 「符合」 rests on it too → 待核实 (was 符合). On a county's own thresholds → 符合.
    parcels = _plots(1)
    ents = firms(
        2, energy_tce=[1200.0, 100.0], built_year=[2019, 2015], two_high_assessment=["符合", None]
    )
    pairs = pd.DataFrame(
        {"parcel_id": [parcels["parcel_id"].iloc[0]] * 2, "uscc": [uscc(0), uscc(1)]}
    )
    got = check_two_high(parcels, enterprises=ents, pairs=pairs, profile=yuecheng)
    assert statuses(got) == [U]
    assert EXAMPLE_ONLY in got.iloc[0].reason
    county = county_set(
        yuecheng, "screening.two_high_energy_new_tce", "screening.two_high_energy_old_tce"
    )
    got = check_two_high(parcels, enterprises=ents, pairs=pairs, profile=county)
    assert statuses(got) == [P]


# =============================================================================================
# 规划已非工业 screening.planning_nonindustrial_share (0.5, 示例规则（非官方）): judge_share
# keeps saying so through the one function.


def test_planning_fail_on_the_example_share_ends_with_the_note(yuecheng):
    parcels = _plots(1)
    planning = cover(parcels, 1.0, planned_use=["二类居住用地"])
    got = check_planning(parcels, planning=planning, profile=yuecheng)
    assert statuses(got) == [F]
    assert got.iloc[0].reason.endswith(f"；{EXAMPLE_FAIL}")
    assert got.iloc[0].reason.count(EXAMPLE_FAIL) == 1
    county = county_set(yuecheng, "screening.planning_nonindustrial_share")
    got = check_planning(parcels, planning=planning, profile=county)
    assert statuses(got) == [F] and not _says(got.iloc[0].reason)


# =============================================================================================
# 增容 三.1 「无严重违建」: which severities are 「严重」 is zengrong.serious_building_severities
# (较大、重大), 示例规则（非官方）; 三.3 zengrong.record_counts_rectified (true), 示例规则
# （非官方）.


def _zengrong_row(profile, records: pd.DataFrame) -> pd.Series:
    parcels = _plots(1)
    parcels["floor_area_m2"] = 14000.0 * 0.8
    inputs = dataclasses.replace(zengrong_inputs(profile, parcels), compliance=records)
    app = pd.DataFrame([application(parcels["parcel_id"].iloc[0])])
    return check_applications(app, inputs).iloc[0]


def test_serious_building_on_the_example_reading_says_it_is_an_example(official):
    # A 较大 违法建设 record on the plot, not rectified: 「严重」 only by the example reading
    # → 三.1 不符合, the note says so; the reading a district's own → no note.
    records = violation_records(
        [{"uscc": uscc(0), "category": "违法建设", "severity": "较大",
          "record_date": dt.date(2020, 3, 1)}]
    )  # fmt: skip
    row = _zengrong_row(official, records)
    assert row["cond1"] == F
    assert EXAMPLE_FAIL in row["cond1_note"]
    row = _zengrong_row(county_set(official, "zengrong.serious_building_severities"), records)
    assert row["cond1"] == F
    assert EXAMPLE_FAIL not in row["cond1_note"]


def _rectified(day: dt.date) -> pd.DataFrame:
    return violation_records(
        [{"uscc": uscc(0), "category": "环保", "severity": "重大",
          "record_date": dt.date(2024, 1, 10), "rectified": "已整改", "rectified_date": day}]
    )  # fmt: skip


def test_rectified_record_counted_on_the_example_reading_says_so(official):
    # A 重大 环保 record of 2024-01-10, rectified 2024-03-01: it counts only because the
    # shipped reading keeps rectified records → 三.3 不符合, the note says so; the same reading
    # a district's own → 不符合 without the note.
    row = _zengrong_row(official, _rectified(dt.date(2024, 3, 1)))
    assert row["cond3"] == F
    assert EXAMPLE_FAIL in row["cond3_note"]
    row = _zengrong_row(
        county_set(official, "zengrong.record_counts_rectified"), _rectified(dt.date(2024, 3, 1))
    )
    assert row["cond3"] == F
    assert EXAMPLE_FAIL not in row["cond3_note"]


def test_unrectified_record_does_not_rest_on_the_rectified_reading(official):
    # The same record not rectified: it counts under either reading → no note.
    records = violation_records(
        [{"uscc": uscc(0), "category": "环保", "severity": "重大",
          "record_date": dt.date(2024, 1, 10)}]
    )  # fmt: skip
    row = _zengrong_row(official, records)
    assert row["cond3"] == F
    assert EXAMPLE_FAIL not in row["cond3_note"]


@pytest.mark.parametrize("example", [True, False])
def test_example_note_is_added_once(example):
    from landgov.core.vocab import example_fail

    cite = Citation(None, "x", official=not example)
    once = example_fail("属低效用地", cite)
    assert example_fail(once, cite) == once
    assert once.endswith(EXAMPLE_FAIL) is example
