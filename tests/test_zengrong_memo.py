"""Screening judges each distinct situation once: shared verdicts equal per-plot verdicts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landgov.core.records import Rectification, ViolationRecord
from landgov.far.zengrong._case import _Case, _Settings
from landgov.far.zengrong._check import _explain, _Memo, _row_out
from landgov.far.zengrong._memo import condition_key
from landgov.far.zengrong._outcome import _evaluate
from landgov.policy import Param, load_profile
from landgov.verdict import Citation

AS_OF = dt.date(2026, 6, 30)
USCCS = ("91330602MA2D000011", "91330602MA2D000022", "91330602MA2D000033")
PIDS = ("330602001001GB00001", "330602001001GB00002", "33A", None)


def _settings(*, official: bool) -> _Settings:
    """yuecheng-2022, or with official 标准地 values and an official record reading."""
    profile = load_profile("yuecheng-2022")
    if official:
        params = dict(profile.params)
        params["zengrong.standard_land"] = Param(
            "zengrong.standard_land",
            {"fixed_investment_per_mu_wan": 300.0, "rd_ratio_pct": 2.0},
            citation=Citation("000", "附件3 三.6"),
            comparison=">=",
        )
        for key in ("zengrong.record_severities", "zengrong.serious_building_severities"):
            params[key] = dataclasses.replace(params[key], citation=Citation("000", "附件3 三.3"))
        profile = dataclasses.replace(profile, params=params)
    return _Settings(profile, AS_OF)


_missing = st.sampled_from([None, float("nan"), pd.NA, ""])
_date = st.one_of(
    _missing,
    st.sampled_from([dt.date(2019, 5, 1), dt.date(2027, 1, 1)]),
    st.sampled_from([pd.Timestamp("2020-03-04"), "2018-01-02"]),
)
_record = st.builds(
    ViolationRecord,
    uscc=st.sampled_from(USCCS),
    parcel_id=st.sampled_from(PIDS),
    category=st.sampled_from(["违法建设", "环保", "安全生产", None]),
    severity=st.sampled_from(["一般", "较大", "重大", None]),
    record_date=st.sampled_from([None, dt.date(2026, 1, 5), dt.date(2024, 2, 1)]),
    rectified=st.sampled_from([None, *Rectification]),
    rectified_date=st.sampled_from([None, dt.date(2026, 3, 1)]),
)
_enterprise = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "uscc": st.sampled_from(USCCS),
            "industry_code": st.one_of(
                _missing, st.sampled_from(["C1311", "F5211", 13, 13.0, "X"])
            ),
            "industry_edition": st.sampled_from([None, "2017", "2011"]),
            "industry_name": st.sampled_from([None, "谷物磨制", "批发"]),
            "catalogue_class": st.one_of(_missing, st.sampled_from(["鼓励类", "限制类", "淘汰类"])),
            "reform_sector": st.one_of(_missing, st.sampled_from(["印染", "化工", "纺织"])),
        }
    ),
)
_case = st.builds(
    lambda pid, declared, done, use, right, area, far, overlay, ent, records: _Case(
        {
            "parcel_id": pid,
            "area_declared_m2": declared,
            "completion_date": done,
            "land_use": use,
            "right_type": right,
        },
        {"land_area_m2": area, "far": far},
        overlay,
        ent,
        records,
    ),
    st.sampled_from(PIDS),
    st.one_of(_missing, st.sampled_from([9_000.0, 10_000.5, 20_000.0])),
    _date,
    st.one_of(_missing, st.sampled_from(["工业用地", "商业用地", "工矿仓储用地"])),
    st.one_of(_missing, st.sampled_from(["国有建设用地使用权出让", "划拨"])),
    st.one_of(_missing, st.sampled_from([9_999.99, 10_000.01, 13_340.0])),
    st.one_of(_missing, st.sampled_from([0.8, 2.5, 3.1])),
    st.fixed_dictionaries(
        {
            "planning_given": st.booleans(),
            "demolition_given": st.booleans(),
            "zones_given": st.booleans(),
            "zone_names_given": st.booleans(),
            "planned_use": st.one_of(_missing, st.sampled_from(["工业用地", "居住用地"])),
            "inside_control_line": st.sampled_from([None, True, False]),
            "demolition_plans": st.sampled_from(["", "2025年拆迁计划"]),
            "demolition_partial_plans": st.sampled_from(["", "2024年计划"]),
            "demolition_old_plans": st.just(""),
            "demolition_undated_plans": st.sampled_from(["", "无年份计划"]),
            "demolition_share": st.sampled_from([0.0, 0.2, 0.8]),
            "in_demolition_plan": st.booleans(),
            "special_zone": st.sampled_from(["", "马海片区"]),
            "unnamed_zone": st.booleans(),
        }
    ),
    _enterprise,
    st.one_of(st.none(), st.lists(_record, max_size=4).map(tuple)),
)


@pytest.mark.parametrize("official", [False, True])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(_case, min_size=1, max_size=12), relax=st.lists(st.booleans(), min_size=12))
def test_shared_verdicts_equal_per_plot_verdicts(official, cases, relax):
    s = _settings(official=official)
    memo = _Memo()
    for case, rel in zip(cases, relax, strict=False):
        alone = _evaluate(case, s, relax=rel)
        shared = _evaluate(case, s, relax=rel, memo=memo.verdicts)
        assert shared == alone
        assert _row_out(shared, "", notes=memo.notes) == _row_out(alone, "")


def test_same_key_twice_shares_the_verdict_object():
    s = _settings(official=False)
    memo: dict = {}
    case = _Case({"parcel_id": PIDS[0]}, {"land_area_m2": 20_000.0, "far": 1.0}, {}, None, None)
    first = _evaluate(case, s, memo=memo)
    again = _evaluate(case, s, memo=memo)
    assert again["cond6"] is first["cond6"]
    assert again["cap"] is not first["cap"]  # read per plot, never shared


def test_an_application_is_always_judged_on_its_own():
    case = _Case({}, {}, {}, None, None, application={"application_id": "A1"})
    assert condition_key("cond6", case) is None
    assert condition_key("cond4", _Case({}, {}, {}, None, None)) is not None


def test_key_tells_13_from_13_0_and_from_text():
    def key(code):
        return condition_key("cond4", _Case({}, {}, {}, {"industry_code": code}, None))

    assert len({key(13), key(13.0), key("13"), key(None), key(float("nan"))}) == 5


def test_explain_cache_never_mixes_up_two_verdicts():
    s = _settings(official=False)
    a = _evaluate(_Case({}, {"land_area_m2": 1.0}, {}, None, None), s)["cap"]
    b = _evaluate(_Case({}, {"land_area_m2": 1.0, "far": 5.0}, {}, None, None), s)["cap"]
    notes: dict = {id(a): (b, "stale")}  # an id reused by another object
    assert _explain(a, notes) == a.explain()


def test_parts_of_scope_and_condition_1_are_judged_once_per_facts():
    s = _settings(official=False)
    memo: dict = {}
    overlay = {"planning_given": True, "planned_use": "工业用地", "demolition_given": False}
    for pid, area in ((PIDS[0], 20_000.0), (PIDS[1], 30_000.0)):
        _evaluate(
            _Case({"parcel_id": pid}, {"land_area_m2": area}, overlay, None, None), s, memo=memo
        )
    parts = sorted(k[1] for k in memo if k[0] == "part")
    assert parts == [
        "cond1.building",
        "cond1.demolition",
        "cond1.temporary_use",
        "scope.period",
        "scope.plan",
        "scope.right",
        "scope.use",
        "scope.zone",
    ]  # scope.district and cond1.area read the plot's own code and area: never shared
