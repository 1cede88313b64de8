"""Hand-worked policy cases, round 12: the 示例规则（非官方） audit, the checks round 10 left.

The guide: a value marked 示例规则（非官方） never turns a check into 符合 on its own (such a pass
is 待核实 with :data:`~landgov.core.vocab.EXAMPLE_ONLY`); a 不符合 resting on one stays 不符合
but says so, through :func:`landgov.core.vocab.example_fail` (:data:`EXAMPLE_FAIL`). A 不符合
does not rest on an example value when it holds under every reading that value could be given
(a 重大 record counts whatever the severity floor).

Each case takes the shipped 越城区 profile (yuecheng-2022: the 违法违规 floor and window, the
两高 thresholds and split year, the 产业目录 classes are 上虞's figures 「参照虞政发〔2022〕12号」
or project defaults, all 示例规则) and the same values set in a county's own document
(:func:`tests._hand.county_set`, or a user profile file naming its own document): the note goes,
the citation names the document by its 文号 and clause.

Sections: 违法违规 (severity floor, window), 两高 (thresholds, split year), 产业目录 (flagged
classes), user county profile files, 增容 三.3 (record_severities), 涉改 relaxation
(relaxable_rules), the 底数清单 status, 增容 三.1 (serious_building_severities), 用而未尽 on a
容积率 estimated from heights (far.raster_storey_height_m, far.raster_min_height_m).

Grades (亩均评价 A–D on 黄岩's example benchmarks and weights, 淮安's bands) are not checks: no
pass or 不符合 rests on them, and no 低效 decision reads them; where one drives a 四个一批 path
(R1 「…且评价为D类」) the path's rule table is itself 示例规则（非官方） and cited so on the path.

Reference date 2024-06-30 (:data:`tests._hand.AS_OF`); plots 100 m × 140 m = 21 亩.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from landgov.core.vocab import EXAMPLE_FAIL, EXAMPLE_ONLY
from landgov.far.zengrong import check_applications
from landgov.policy import Profile, load_profile
from landgov.screening import (
    check_catalogue,
    check_two_high,
    check_under_used,
    check_violations,
)
from landgov.verdict import Citation
from tests._hand import (
    AS_OF,
    NO,
    F,
    P,
    U,
    application,
    county_set,
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

_FLOOR = "screening.violation_min_severity"
_WINDOW = "screening.violation_window_years"
_EXAMPLE = Citation(None, "项目默认", official=False)


def _plots(n: int) -> gpd.GeoDataFrame:
    return parcels_of([rectangle(100.0, 140.0, i) for i in range(n)])


def _says(reason: str) -> bool:
    return EXAMPLE_FAIL in reason


def _user_profile(folder: Path, body: str) -> Profile:
    """A county's own profile file: extends 越城区, its own document 越政发〔2022〕24号 (000)."""
    head = '[profile]\nname = "本区"\nversion = "1"\ntitle = "本区配置"\n'
    head += 'extends = "yuecheng-2022"\ndocuments = ["000"]\n'
    path = folder / "county.toml"
    path.write_text(head + body, encoding="utf-8")
    return load_profile(path)


# =============================================================================================
# 违法违规 screening.violation_min_severity (一般) and violation_window_years (0: no window),
# 示例规则（非官方） [参照虞政发〔2022〕12号 第三条第（一）项第1目]: 「存在安全、环保…等各类违法
# 违规问题的企业用地」 go on the 治理清单.


def _records(rows: list[tuple[int, str, dt.date]]) -> pd.DataFrame:
    return violation_records(
        [{"uscc": uscc(i), "severity": sev, "record_date": day} for i, sev, day in rows]
    )


def test_violation_fail_on_the_example_floor_or_window_says_so(yuecheng):
    """甲 one 一般 安全 record of 2024-01-01, not rectified: it counts only because the floor
    is 一般 (a county counting from 较大 would leave it out) → 不符合 with the note (was: no
    note). 乙 a 重大 record of 2024-01-01: counts under every floor and every window of a year
    or more → 不符合, no note. 丙 a 重大 record of 2019-03-01: counts only because no window is
    set (0, example; a county with a 1–5 year window leaves it out) → note. 丁 a 一般 record and
    a 重大 one of 2024: the 重大 one carries it → no note. The floor and window in a county's
    own document: the same four 不符合, no note."""
    parcels = _plots(4)
    records = _records(
        [
            (0, "一般", dt.date(2024, 1, 1)),
            (1, "重大", dt.date(2024, 1, 1)),
            (2, "重大", dt.date(2019, 3, 1)),
            (3, "一般", dt.date(2024, 1, 1)),
            (3, "重大", dt.date(2024, 2, 1)),
        ]
    )
    pairs = owner_links(parcels)
    got = check_violations(parcels, compliance=records, pairs=pairs, profile=yuecheng, as_of=AS_OF)
    assert statuses(got) == [F, F, F, F]
    assert [_says(v.reason) for v in got] == [True, False, True, False]
    assert got.iloc[0].reason.count(EXAMPLE_FAIL) == 1
    county = county_set(yuecheng, _FLOOR, _WINDOW)
    got = check_violations(parcels, compliance=records, pairs=pairs, profile=county, as_of=AS_OF)
    assert statuses(got) == [F, F, F, F]
    assert not any(_says(v.reason) for v in got)


def test_violation_left_out_only_by_an_example_floor_is_to_verify(yuecheng):
    """A county profile that counts from 较大 but keeps the value as its own example (official
    = false): 甲's only record is 一般, 2024-01-01, not rectified → left out only by that floor
    → 待核实 with EXAMPLE_ONLY and the county's own reading to collect (was: 符合 「无基准日仍
    存在的违法违规记录」). The same floor official → 符合."""
    parcels = _plots(1)
    records = _records([(0, "一般", dt.date(2024, 1, 1))])
    pairs = owner_links(parcels)
    example = with_param(yuecheng, _FLOOR, value="较大", citation=_EXAMPLE)
    example = county_set(example, _WINDOW)  # only the floor is an example
    got = check_violations(parcels, compliance=records, pairs=pairs, profile=example, as_of=AS_OF)
    assert statuses(got) == [U]
    assert EXAMPLE_ONLY in got.iloc[0].reason
    assert any("standard_violation_rule" in m for m in got.iloc[0].missing)
    got = check_violations(
        parcels,
        compliance=records,
        pairs=pairs,
        profile=county_set(example, _FLOOR),
        as_of=AS_OF,
    )
    assert statuses(got) == [P]


def test_violation_left_out_only_by_an_example_window_is_to_verify(yuecheng):
    """A 3-year window kept as an example: a 重大 record of 2019-03-01, not rectified, is older
    than 2021-06-30 → outside → left out only by that window → 待核实 (was: 符合); official →
    符合. A record rectified on 2024-03-01 is cleared by a fact (整改), not by the window: with
    the example window it still passes → 符合."""
    parcels = _plots(2)
    records = violation_records(
        [
            {"uscc": uscc(0), "severity": "重大", "record_date": dt.date(2019, 3, 1)},
            {"uscc": uscc(1), "severity": "重大", "record_date": dt.date(2024, 1, 1),
             "rectified": "已整改", "rectified_date": dt.date(2024, 3, 1)},
        ]
    )  # fmt: skip
    pairs = owner_links(parcels)
    example = county_set(with_param(yuecheng, _WINDOW, value=3, citation=_EXAMPLE), _FLOOR)
    got = check_violations(parcels, compliance=records, pairs=pairs, profile=example, as_of=AS_OF)
    assert statuses(got) == [U, P]
    assert EXAMPLE_ONLY in got.iloc[0].reason
    official = county_set(example, _WINDOW)
    got = check_violations(parcels, compliance=records, pairs=pairs, profile=official, as_of=AS_OF)
    assert statuses(got) == [P, P]


# =============================================================================================
# 两高 [参照虞政发〔2022〕12号 第三条第（二）项第2目]: 「2018年以来建设的年综合能耗1000吨标准煤
# 以上（含）的“两高”项目、2018年以前建设的…5000吨…以上（含）的用能项目，逐一评估检查，对
# 不符合要求的“两高”项目依法处置」. The thresholds and the split year pick out the projects
# whose 「不符合要求」 is acted on: in 越城区 they are 上虞's, 示例规则（非官方）.

_TWO_HIGH = (
    "screening.two_high_energy_new_tce",
    "screening.two_high_energy_old_tce",
    "screening.two_high_split_year",
)


def test_two_high_fail_of_a_firm_picked_out_by_a_borrowed_threshold_says_so(yuecheng, shangyu):
    """甲 built 2019 (≥ 2018), 1200 tce ≥ 1000 → selected; assessed 不符合要求 → 不符合, but
    it was picked out only by the borrowed threshold (a county with 1500 tce would not assess
    it) → the note (was: none). Thresholds and split year in the county's own document, or 上虞
    itself (虞政发〔2022〕12号 its own document) → 不符合, no note, cited by 文号 and clause."""
    parcels = _plots(1)
    ents = firms(1, energy_tce=[1200.0], built_year=[2019], two_high_assessment=["不符合要求"])
    pairs = owner_links(parcels)
    got = check_two_high(parcels, enterprises=ents, pairs=pairs, profile=yuecheng)
    assert statuses(got) == [F]
    assert _says(got.iloc[0].reason) and "经逐一评估不符合要求" in got.iloc[0].reason
    got = check_two_high(
        parcels, enterprises=ents, pairs=pairs, profile=county_set(yuecheng, *_TWO_HIGH)
    )
    assert statuses(got) == [F] and not _says(got.iloc[0].reason)
    got = check_two_high(parcels, enterprises=ents, pairs=pairs, profile=shangyu)
    assert statuses(got) == [F] and not _says(got.iloc[0].reason)
    assert str(got.iloc[0].citation) == "[虞政发〔2022〕12号 第三条第（二）项第2目]"


def test_two_high_split_year_alone_example_still_says_so(yuecheng):
    """The thresholds a county's own, the split year 2018 still borrowed: a 2019 project is a
    “两高”项目 (1000 tce threshold) only by that year → 不符合 with the note."""
    parcels = _plots(1)
    ents = firms(1, energy_tce=[1200.0], built_year=[2019], two_high_assessment=["不符合要求"])
    county = county_set(yuecheng, *_TWO_HIGH[:2])
    assert not county.citation("screening.two_high_split_year").official
    got = check_two_high(parcels, enterprises=ents, pairs=owner_links(parcels), profile=county)
    assert statuses(got) == [F] and _says(got.iloc[0].reason)


def test_two_high_fail_resting_on_one_official_selection_has_no_note(yuecheng):
    """Two firms on one plot, both assessed 不符合要求: 0 built 2019, 1200 tce (new threshold,
    county's own, split year its own) and 1 built 2010, 6000 tce (old threshold, still the
    borrowed 5000). Firm 0's 不符合 stands on official values alone → no note."""
    parcels = _plots(1)
    ents = firms(
        2,
        energy_tce=[1200.0, 6000.0],
        built_year=[2019, 2010],
        two_high_assessment=["不符合要求", "不符合要求"],
    )
    pairs = pd.DataFrame(
        {"parcel_id": [parcels["parcel_id"].iloc[0]] * 2, "uscc": [uscc(0), uscc(1)]}
    )
    county = county_set(yuecheng, _TWO_HIGH[0], _TWO_HIGH[2])
    got = check_two_high(parcels, enterprises=ents, pairs=pairs, profile=county)
    assert statuses(got) == [F] and not _says(got.iloc[0].reason)
    # both on the borrowed values → the note
    got = check_two_high(parcels, enterprises=ents, pairs=pairs, profile=yuecheng)
    assert statuses(got) == [F] and _says(got.iloc[0].reason)


# =============================================================================================
# 产业目录 screening.catalogue_flag_classes (淘汰类), 示例规则（非官方）: which classes of
# 《产业结构调整指导目录（2024年本）》 put a problem on the plot is the project's choice (县级
# 方案 and 浙政发〔2023〕4号 say nothing; 越政发〔2022〕24号 附件3 三.5 names 限制类、淘汰类 for
# 增容 only).


def test_catalogue_classes_on_the_example_list(yuecheng):
    """甲 淘汰类 → 不符合 on the example list → the note (was: none). 乙 限制类: the example
    list leaves it out, a county may flag it → 待核实, its own list to collect (was: 符合). 丙
    允许类 and 丁 鼓励类: classes the 目录 does not restrict → 符合 on the fact. The list in the
    county's own document → [不符合, 符合, 符合, 符合], no note."""
    parcels = _plots(4)
    ents = firms(4, catalogue_class=["淘汰类", "限制类", "允许类", "鼓励类"])
    pairs = owner_links(parcels)
    got = check_catalogue(parcels, enterprises=ents, pairs=pairs, profile=yuecheng, as_of=AS_OF)
    assert statuses(got) == [F, U, P, P]
    assert _says(got.iloc[0].reason)
    assert EXAMPLE_ONLY in got.iloc[1].reason
    assert any("standard_catalogue_classes" in m for m in got.iloc[1].missing)
    county = county_set(yuecheng, "screening.catalogue_flag_classes")
    got = check_catalogue(parcels, enterprises=ents, pairs=pairs, profile=county, as_of=AS_OF)
    assert statuses(got) == [F, P, P, P]
    assert not any("示例规则" in v.reason for v in got)


def test_county_profile_file_sets_the_classes_officially(tmp_path):
    """A user's county profile file (its own document 越政发〔2022〕24号) that flags 限制类 and
    淘汰类 as 附件3 第三条第5项 names them: 甲 淘汰类 and 乙 限制类 → 不符合 without the note,
    the citation 「[越政发〔2022〕24号 附件3 第三条第5项]」 (文号 and clause, no marker)."""
    county = _user_profile(
        tmp_path,
        "[screening]\n"
        'catalogue_flag_classes = { value = ["限制类", "淘汰类"], source = "000 附件3 三.5" }\n',
    )
    parcels = _plots(2)
    ents = firms(2, catalogue_class=["淘汰类", "限制类"])
    got = check_catalogue(
        parcels, enterprises=ents, pairs=owner_links(parcels), profile=county, as_of=AS_OF
    )
    assert statuses(got) == [F, F]
    assert not any(_says(v.reason) for v in got)
    assert {str(v.citation) for v in got} == {"[越政发〔2022〕24号 附件3 第三条第5项]"}


def test_county_profile_file_sets_the_violation_floor_officially(tmp_path, yuecheng):
    """A user's county profile file whose own document fixes the floor and the window (cited to
    a 文号 of its own, 「某县政发〔2024〕1号 第三条」): 甲's 一般 record of 2024-01-01 → 不符合
    without the note (the shipped profile: with it, case above)."""
    county = _user_profile(
        tmp_path,
        "[screening]\n"
        'violation_min_severity = { value = "一般", source = "某县政发〔2024〕1号 第三条" }\n'
        'violation_window_years = { value = 0, source = "某县政发〔2024〕1号 第三条" }\n',
    )
    assert county.citation(_FLOOR).official
    parcels = _plots(1)
    records = _records([(0, "一般", dt.date(2024, 1, 1))])
    pairs = owner_links(parcels)
    got = check_violations(parcels, compliance=records, pairs=pairs, profile=county, as_of=AS_OF)
    assert statuses(got) == [F] and not _says(got.iloc[0].reason)
    assert str(county.citation(_FLOOR)) == "[某县政发〔2024〕1号 第三条]"
    got = check_violations(parcels, compliance=records, pairs=pairs, profile=yuecheng, as_of=AS_OF)
    assert _says(got.iloc[0].reason)


# =============================================================================================
# 增容 三.3 「申请企业 1 年内无重大违建、生态环境、安全生产不良记录」 [越政发〔2022〕24号 附件3
# 第三条第3项]: zengrong.record_severities, 示例规则（非官方）. Shipped: 重大 in each of the three
# categories (the narrowest reading); the profile's note names the other reading (环保、安全 of
# every severity).

_SEVERITIES = "zengrong.record_severities"
_WIDE = {"违法建设": ["重大"], "环保": ["一般", "较大", "重大"], "安全": ["一般", "较大", "重大"]}


def _cond3(profile: Profile, severity: str) -> pd.Series:
    parcels = _plots(1)
    parcels["floor_area_m2"] = 14000.0 * 0.8
    records = violation_records(
        [{"uscc": uscc(0), "category": "环保", "severity": severity,
          "record_date": dt.date(2024, 1, 10)}]
    )  # fmt: skip
    inputs = dataclasses.replace(zengrong_inputs(profile, parcels), compliance=records)
    app = pd.DataFrame([application(parcels["parcel_id"].iloc[0])])
    return check_applications(app, inputs).iloc[0]


def test_zengrong_lesser_record_counted_by_the_example_reading_says_so(official):
    """The wider reading (环保 of every severity) kept as an example: a 较大 环保 record of
    2024-01-10 (within 2023-06-30—2024-06-30) counts only by that reading → 三.3 不符合 with
    the note (was: none); the same table the district's own → 不符合 without it."""
    wide = with_param(official, _SEVERITIES, value=_WIDE)
    assert not wide.citation(_SEVERITIES).official
    row = _cond3(wide, "较大")
    assert row["cond3"] == F and row["zengrong"] == NO
    assert EXAMPLE_FAIL in row["cond3_note"]
    row = _cond3(county_set(wide, _SEVERITIES), "较大")
    assert row["cond3"] == F
    assert EXAMPLE_FAIL not in row["cond3_note"]


def test_zengrong_major_record_counts_under_every_reading_no_note(official):
    """A 重大 环保 record counts under both readings (「重大」 is the clause's word) → 不符合
    without the note, on the shipped table and on the wider example one."""
    for profile in (official, with_param(official, _SEVERITIES, value=_WIDE)):
        row = _cond3(profile, "重大")
        assert row["cond3"] == F
        assert EXAMPLE_FAIL not in row["cond3_note"]


@pytest.mark.parametrize("severity", ["一般", "较大"])
def test_zengrong_lesser_record_left_out_by_the_shipped_reading_is_to_verify(official, severity):
    """Shipped table (重大 only, example): a lesser 环保 record in the window is left out only
    by that reading → 三.3 待核实, never 符合 (round 7's rule, checked again)."""
    row = _cond3(official, severity)
    assert row["cond3"] == U


# =============================================================================================
# 涉改 relaxation [越政发〔2022〕24号 附件3 第三条, last paragraph]: 「涉及印染化工电镀涉改企业二次
# 开发项目相关要求可适当放宽，具体以区工业用地二次开发联席会议审议明确为准」 names no
# requirement; zengrong.relaxable_rules (area, four 标准地 indicators) is 示例规则（非官方）.


def _reform_rows(profile: Profile, sectors: list[str | None], **app) -> pd.DataFrame:
    parcels = _plots(len(sectors))
    parcels["floor_area_m2"] = 14000.0 * 0.8
    records = violation_records(
        [{"uscc": uscc(i), "category": "环保", "severity": "重大",
          "record_date": dt.date(2024, 1, 10)} for i in range(len(sectors))]
    )  # fmt: skip
    inputs = dataclasses.replace(
        zengrong_inputs(profile, parcels),
        compliance=records,
        enterprises=firms(len(sectors), reform_sector=sectors),
    )
    apps = [application(pid, i, **app) for i, pid in enumerate(parcels["parcel_id"])]
    return check_applications(pd.DataFrame(apps), inputs)


def test_reform_firm_failing_a_requirement_the_example_list_keeps_says_so(official):
    """甲 印染 涉改 firm, 乙 no 涉改 sector; each with a 重大 环保 record of 2024-01-10 (三.3
    不符合 on the clause's own word). For 甲 the requirement stays 不符合 only because the
    example list does not name 三.3 among those the meeting may relax → the note (was: none);
    乙 is not 涉改 → no relaxation, no note. The list in the district's own document → 甲
    不符合 without the note."""
    got = _reform_rows(official, ["印染", None])
    assert got["cond3"].tolist() == [F, F]
    assert got["zengrong"].tolist() == [NO, NO]
    assert EXAMPLE_FAIL in got["cond3_note"].iloc[0]
    assert EXAMPLE_FAIL not in got["cond3_note"].iloc[1]
    got = _reform_rows(county_set(official, "zengrong.relaxable_rules"), ["印染"])
    assert got["cond3"].iloc[0] == F
    assert EXAMPLE_FAIL not in got["cond3_note"].iloc[0]


def test_reform_firm_out_of_scope_is_not_a_requirement_of_three(official):
    """一 (scope: 自 2022-11-01 起执行, 七(一)) is not a requirement of 三: an 印染 firm applying
    2022-10-31 → scope 不符合, never relaxed, no note on it."""
    got = _reform_rows(official, ["印染"], application_date=dt.date(2022, 10, 31))
    assert got["scope"].iloc[0] == F
    assert EXAMPLE_FAIL not in got["scope_note"].iloc[0]


# =============================================================================================
# The 底数清单 and the 台账: a plot off the list only by an example value is 待核实, not 不列入
# (the 治理台账 proposes 销号 only for a plot shown 达标, core.vocab.shown_met).


def test_plot_cleared_only_by_an_example_floor_is_to_verify_on_the_list(shangyu):
    """上虞 (its own 5 万元/亩 and 两高 thresholds) with the floor raised to 较大 but kept as an
    example. 甲: 21 亩, tax 210 万元 → 10.00 万元/亩 > 5 (not 低效, official), 100 tce (below
    both official 两高 thresholds), 容积率 0.8 ≥ 0.7 (national floor, 大类 34), completed 2015;
    its only record 一般 安全 of 2024-01-01, not rectified, left out by the example floor alone
    → 违法违规 待核实 → 筛查结论 待核实 (was 不列入, so a 台账 would have proposed 销号). The floor
    in the county's own document → 不列入."""
    parcels = _plots(1)
    parcels["floor_area_m2"] = 14000.0 * 0.8
    ents = firms(1, tax_wan=[210.0], land_mu=[21.0])
    records = _records([(0, "一般", dt.date(2024, 1, 1))])
    example = with_param(shangyu, _FLOOR, value="较大", citation=_EXAMPLE)
    got = screen_plots(example, parcels, ents, compliance=records).parcels
    assert got["screening_status"].iloc[0] == "待核实"
    assert EXAMPLE_ONLY in got["reasons"].iloc[0]
    got = screen_plots(county_set(example, _FLOOR), parcels, ents, compliance=records).parcels
    assert got["screening_status"].iloc[0] == "不列入"


# =============================================================================================
# 增容 三.1 「无严重违建」 [越政发〔2022〕24号 附件3 第三条第1项]: 「严重」 is not defined; the
# shipped reading zengrong.serious_building_severities (较大、重大) is 示例规则（非官方）. The same
# rule as 三.3: a 重大 record is serious under every reading, a 较大 one only by this one.


def _cond1(profile: Profile, severity: str) -> pd.Series:
    parcels = _plots(1)
    parcels["floor_area_m2"] = 14000.0 * 0.8
    records = violation_records(
        [{"uscc": uscc(0), "category": "违法建设", "severity": severity,
          "record_date": dt.date(2020, 3, 1)}]
    )  # fmt: skip
    inputs = dataclasses.replace(zengrong_inputs(profile, parcels), compliance=records)
    app = pd.DataFrame([application(parcels["parcel_id"].iloc[0])])
    return check_applications(app, inputs).iloc[0]


@pytest.mark.parametrize(("severity", "noted"), [("较大", True), ("重大", False)])
def test_serious_building_note_only_where_the_reading_decides(official, severity, noted):
    """An unrectified 违法建设 record of 2020-03-01 on the plot (三.1 sets no window): 较大 is
    「严重」 only by the example reading → 不符合 with the note; 重大 is serious under every
    reading → 不符合 without it (was: with it). The reading the district's own → no note."""
    row = _cond1(official, severity)
    assert row["cond1"] == F
    assert (EXAMPLE_FAIL in row["cond1_note"]) is noted
    row = _cond1(county_set(official, "zengrong.serious_building_severities"), severity)
    assert row["cond1"] == F and EXAMPLE_FAIL not in row["cond1_note"]


# =============================================================================================
# 用而未尽 on a 容积率 estimated from heights (far_source 建筑高度估算 / 高度栅格估算): storeys =
# height / far.raster_storey_height_m (5 m) and raster cells from far.raster_min_height_m (2 m),
# both 示例规则（非官方）. The national floor (国土资发〔2008〕24号, 大类 34: 0.7) is official.


def test_under_used_on_a_height_estimate(yuecheng):
    """甲 0.8 by the raster ≥ 0.7 → passes only on the estimate → 待核实 with the real 建筑面积
    to collect (was 符合); 乙 0.5 by the raster < 0.7 → 不符合 with the note; 丙 0.8 from
    building records (a fact) → 符合; 丁 0.8 from building heights (storey height only) →
    待核实. Storey height and cell height the county's own → [符合, 不符合, 符合, 符合], no note."""
    parcels = _plots(4)
    parcels["main_uscc"] = [uscc(i) for i in range(4)]
    parcels["far_minimum"] = [0.8, 0.5, 0.8, 0.8]
    parcels["far_source"] = ["高度栅格估算", "高度栅格估算", "建筑记录", "建筑高度估算"]
    got = check_under_used(parcels, enterprises=firms(4), profile=yuecheng)
    assert statuses(got) == [U, F, P, U]
    assert EXAMPLE_ONLY in got.iloc[0].reason
    assert "宗地字段 floor_area_m2（建筑面积）" in got.iloc[0].missing
    assert _says(got.iloc[1].reason)
    county = county_set(yuecheng, "far.raster_storey_height_m", "far.raster_min_height_m")
    got = check_under_used(parcels, enterprises=firms(4), profile=county)
    assert statuses(got) == [P, F, P, P]
    assert not any("示例规则" in v.reason for v in got)
