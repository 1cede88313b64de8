"""Screening the whole frame at once gives the rows of judging each plot on its own."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landgov.core.records import Rectification, ViolationRecord
from landgov.far.zengrong._case import CONDITIONS, _Case, _Settings
from landgov.far.zengrong._check import _row_out
from landgov.far.zengrong._conditions import FIRM_FIELDS, FLOOR_FIELDS
from landgov.far.zengrong._facts import (
    _plot_records_for,
    _RecordIndex,
    _records_for,
    _relaxation,
    index_records,
    row_dicts,
)
from landgov.far.zengrong._frame import _PER_PLOT, _codes, _column_codes, _group, judge_frame
from landgov.far.zengrong._outcome import PARTS, _evaluate
from landgov.far.zengrong._reads import (
    FACT_COLUMNS,
    FIRM_INDUSTRY,
    FLOOR_READING,
    MORE_FACTS,
    PARCEL_FEATURE,
    RECORD_KEYS,
    _k,
)
from landgov.policy import Param, load_profile
from landgov.verdict import Citation

AS_OF = dt.date(2026, 6, 30)
USCCS = ("91330602MA2D000011", "91330602MA2D000022", "91330602MA2D000033")
PIDS = ("330602001001GB00001", "330602001001GB00002", "33A", None)
SECTORS = ("印染", "化工", "电镀")


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


_missing = st.sampled_from([None, float("nan"), ""])
_parcel = st.fixed_dictionaries(
    {
        "parcel_id": st.sampled_from([*PIDS, "330602001001GB00003", "110101001001GB00001"]),
        "area_declared_m2": st.one_of(st.none(), st.sampled_from([9_000.0, 10_000.5, 20_000.0])),
        "completion_date": st.one_of(
            st.none(), st.sampled_from([dt.date(2019, 5, 1), pd.Timestamp("2027-01-01")])
        ),
        "land_use": st.one_of(_missing, st.sampled_from(["工业用地", "商业用地", "工矿仓储用地"])),
        "right_type": st.one_of(_missing, st.sampled_from(["国有建设用地使用权出让", "划拨"])),
    }
)
_fact = st.fixed_dictionaries(
    {
        "land_area_m2": st.one_of(st.none(), st.sampled_from([9_999.99, 10_000.01, 13_340.0])),
        "far": st.one_of(st.none(), st.sampled_from([0.8, 2.5, 3.1])),
        # nothing built (0, not from the raster) is no first development (三.2)
        "floor_area_m2": st.one_of(st.none(), st.sampled_from([0.0, 9_800.0])),
        "far_source": st.sampled_from(["建筑记录", "登记建筑面积", "高度栅格估算", "缺失"]),
        # whether a buildings layer covering the plot shows it bare (far.ratio.shows_no_building)
        "buildings_cover": st.sampled_from([None, pd.NA, True, False]),
        "n_buildings": st.sampled_from([None, 0, 2]),
        # why a recorded 0 was set aside (far.ratio.ZERO_SET_ASIDE)
        "zero_set_aside": st.sampled_from([None, "登记建筑面积为 0，按空白处理"]),
        # the room to the cap (ratio.headroom) the cap check reads: 0.01 m² left is room
        "headroom_m2": st.one_of(st.none(), st.sampled_from([0.0, 0.01, 23_800.0])),
        "planning_given": st.booleans(),
        "demolition_given": st.booleans(),
        "zones_given": st.booleans(),
        "zone_names_given": st.booleans(),
        "planned_use": st.one_of(st.none(), st.sampled_from(["工业用地", "居住用地"])),
        "inside_control_line": st.sampled_from([None, True, False]),
        "planning_other_share": st.sampled_from([0.0, 0.3, 0.5, 1.0]),
        "planning_unknown_share": st.sampled_from([0.0, 0.1, 1.0]),
        "demolition_plans": st.sampled_from(["", "2025年拆迁计划"]),
        "demolition_partial_plans": st.sampled_from(["", "2024年计划"]),
        "demolition_old_plans": st.just(""),
        "demolition_undated_plans": st.sampled_from(["", "无年份计划"]),
        "demolition_share": st.sampled_from([0.0, 0.2, 0.8]),
        "in_demolition_plan": st.booleans(),
        "special_zone": st.sampled_from(["", "马海片区"]),
        "unnamed_zone": st.booleans(),
    }
)
_enterprise = st.fixed_dictionaries(
    {
        "industry_code": st.one_of(_missing, st.sampled_from(["C1311", "F5211", 13, 13.0, "X"])),
        "industry_edition": st.sampled_from([None, "2017", "2011"]),
        "industry_name": st.sampled_from([None, "谷物磨制", "批发"]),
        "name": st.sampled_from([None, "甲纺织有限公司", "乙印染有限公司"]),
        "catalogue_class": st.one_of(_missing, st.sampled_from(["鼓励类", "限制类", "淘汰类"])),
        "reform_sector": st.one_of(_missing, st.sampled_from(["印染", "化工", "纺织"])),
    }
)
_record = st.builds(
    ViolationRecord,
    uscc=st.sampled_from(USCCS),
    parcel_id=st.sampled_from(PIDS),
    category=st.sampled_from(["违法建设", "环保", "安全生产"]),
    severity=st.sampled_from(["一般", "重大", None]),
    record_date=st.sampled_from([None, dt.date(2026, 1, 5), dt.date(2024, 2, 1)]),
    rectified=st.sampled_from([None, *Rectification]),
    rectified_date=st.sampled_from([None, dt.date(2026, 3, 1)]),
)


def _index(records: list[ViolationRecord] | None) -> _RecordIndex | None:
    """The records placed on a layer of the first two codes (「33A」 is not in it), the third
    firm a tenant of the first plot: records stand on a plot through its tenants too."""
    if records is None:
        return None
    users = {PIDS[0]: (USCCS[0], USCCS[2]), PIDS[1]: (USCCS[1],)}
    return index_records(records, parcel_ids=PIDS[:2], users=users)


def _reference(attributes, facts, users, by_uscc, index, s) -> pd.DataFrame:
    """What ``check_parcels`` wrote before: each plot judged on its own (``_Context.judge``)."""
    rows = []
    records = zip(
        users.tolist(), attributes.to_dict("records"), facts.to_dict("records"), strict=True
    )
    for uscc, parcel, fact in records:
        ent = by_uscc.get(uscc) if uscc else None
        found = _records_for(index, uscc, parcel.get("parcel_id"))
        on = _plot_records_for(index, uscc, parcel.get("parcel_id"))
        relax = _relaxation(ent, SECTORS)
        case = _Case(parcel, fact, fact, ent, found, plot_records=on)
        rows.append(_row_out(_evaluate(case, s, relax=bool(relax)), relax))
    return pd.DataFrame(rows, index=attributes.index)


@pytest.mark.parametrize("official", [False, True])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plots=st.lists(
        st.tuples(_parcel, _fact, st.sampled_from([*USCCS, None, "", "91330602MA2D000099"])),
        min_size=1,
        max_size=14,
    ),
    enterprises=st.lists(_enterprise, min_size=len(USCCS), max_size=len(USCCS)),
    records=st.one_of(st.none(), st.lists(_record, max_size=5)),
    start=st.integers(0, 3),
)
def test_frame_equals_judging_each_plot(official, plots, enterprises, records, start):
    s = _settings(official=official)
    index = pd.RangeIndex(start, start + len(plots))
    attributes = pd.DataFrame([p for p, _, _ in plots], index=index)
    facts = pd.DataFrame([f for _, f, _ in plots], index=index)
    users = pd.Series([u for _, _, u in plots], index=index)
    by_uscc = {u: {"uscc": u, **e} for u, e in zip(USCCS, enterprises, strict=True)}
    found = _index(records)
    got = judge_frame(
        attributes,
        facts,
        users,
        by_uscc=by_uscc,
        records=found,
        settings=s,
        sectors=SECTORS,
    )
    want = _reference(attributes, facts, users, by_uscc, found, s)
    assert got.columns.tolist() == want.columns.tolist()
    assert got["verdicts"].tolist() == want["verdicts"].tolist()
    pd.testing.assert_frame_equal(got.drop(columns="verdicts"), want.drop(columns="verdicts"))


def test_codes_tell_apart_what_the_key_tells_apart():
    # 13, 13.0 and "13" are three keys; 0.0 and -0.0 two; NaN and None in a text column one
    # each as the column holds them.
    mixed = pd.Series([13, 13.0, "13", None, 13], dtype=object)
    codes = _column_codes(mixed)
    assert len(set(codes.tolist())) == len({_k(v) for v in mixed.tolist()}) == 4
    assert codes[0] == codes[4]
    for dtype in ("float64", "float32"):
        floats = _column_codes(pd.Series([0.0, -0.0, np.nan, 0.0], dtype=dtype))
        assert floats.tolist()[0] == floats.tolist()[3]
        assert len(set(floats.tolist())) == 3
    text = _column_codes(pd.Series(["a", None, "b", "a"]))
    assert text.tolist() == [1, 0, 2, 1]


_any_value = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True, width=16),
    st.sampled_from(["a", "13", "", "b"]), st.lists(st.integers(0, 1), max_size=2),
    st.sampled_from([np.int64(1), np.float64(1.0), np.bool_(True), pd.NA, 1.0, 0.0, -0.0]),
)  # fmt: skip


@given(st.lists(_any_value, max_size=25))
def test_codes_are_the_first_seen_numbers_of_the_keys(values: list) -> None:
    table: dict = {}
    want = [table.setdefault(_k(v), len(table)) for v in values]
    assert _codes(values).tolist() == want


def test_groups_are_rows_equal_in_every_column():
    a = np.array([0, 1, 0, 1, 0])
    b = np.array([5, 5, 5, 6, 5])
    group, first = _group([a, b], 5)
    assert group.tolist() == [0, 1, 0, 2, 0]
    assert first.tolist() == [0, 1, 3]


def test_row_dicts_are_to_dict_records():
    """Every dtype the checks read gives the values and types ``to_dict("records")`` gives."""
    frame = pd.DataFrame(
        {
            "text": pd.Series(["a", None, "c"]),
            "str": pd.Series(["a", np.nan, "c"], dtype="str"),
            "string": pd.Series(["a", None, "c"], dtype="string"),
            "objects": pd.Series([np.nan, np.float64(2.0), pd.NA], dtype=object),
            "number": [1.5, np.nan, -0.0],
            "count": np.array([1, 2, 3], dtype=np.int64),
            "flag": [True, False, True],
            "nullable": pd.array([True, None, False], dtype="boolean"),
            "integer": pd.array([1, None, 3], dtype="Int64"),
            "mixed": pd.Series([np.int64(3), np.bool_(True), None], dtype=object),
            "day": pd.to_datetime(["2020-01-01", None, "2021-05-06"]),
        }
    )
    got, want = row_dicts(frame), frame.to_dict("records")
    assert [list(r) for r in got] == [list(r) for r in want]
    for g, w in zip(got, want, strict=True):
        assert [type(v) for v in g.values()] == [type(v) for v in w.values()]
        assert [repr(v) for v in g.values()] == [repr(v) for v in w.values()]


def test_a_zero_floor_area_is_judged_by_whether_a_covering_layer_shows_the_plot_bare():
    # Two plots alike in all but the buildings layer: both 0 m² from the building records, no
    # 竣工日期. The first lies inside the layer's cover with no building on it: 「尚未建成」,
    # 不符合 (三.2). The second lies outside the cover: its 0 alone says nothing, 待核实 naming
    # the buildings layer to collect. They were one group before (the key missed the cover).
    s = _settings(official=False)
    plot = {"parcel_id": PIDS[0], "area_declared_m2": 20_000.0, "completion_date": None}
    fact = {"land_area_m2": 20_000.0, "far": 0.0, "floor_area_m2": 0.0, "far_source": "建筑记录"}
    attributes = pd.DataFrame([plot, plot])
    facts = pd.DataFrame(
        [{**fact, "buildings_cover": True, "n_buildings": 0}, {**fact, "buildings_cover": False}]
    )
    users = pd.Series([USCCS[0], USCCS[0]])
    by_uscc = {USCCS[0]: {"uscc": USCCS[0], "industry_code": "C1311"}}
    got = judge_frame(
        attributes, facts, users, by_uscc=by_uscc, records=None, settings=s, sectors=SECTORS
    )
    assert got["cond2"].tolist() == ["不符合", "待核实"]
    assert "尚未建成" in got["cond2_note"].iloc[0]
    assert "无覆盖该宗地的建筑图层佐证" in got["cond2_note"].iloc[1]
    want = _reference(attributes, facts, users, by_uscc, None, s)
    pd.testing.assert_frame_equal(got.drop(columns="verdicts"), want.drop(columns="verdicts"))


def test_coded_firms_share_a_verdict_and_uncoded_ones_are_named():
    # 三.4 without a project code reads the firm's industry code; a coded firm's USCC and name
    # do not change its verdict, an uncoded firm is named in what to collect.
    s = _settings(official=False)
    plot = {"parcel_id": PIDS[0], "area_declared_m2": 20_000.0}
    attributes = pd.DataFrame([plot] * 4)
    facts = pd.DataFrame([{"land_area_m2": 20_000.0, "far": 1.0}] * 4)
    users = pd.Series([*USCCS, None])
    by_uscc = {
        USCCS[0]: {"uscc": USCCS[0], "name": "甲纺织有限公司", "industry_code": "C1711"},
        USCCS[1]: {"uscc": USCCS[1], "name": "乙印染有限公司", "industry_code": "C1711"},
        USCCS[2]: {"uscc": USCCS[2], "name": "丙机械有限公司", "industry_code": None},
    }
    got = judge_frame(
        attributes, facts, users, by_uscc=by_uscc, records=None, settings=s, sectors=SECTORS
    )
    notes = got["cond4_note"].tolist()
    assert notes[0] == notes[1] and "企业行业代码 1711属制造业" in notes[0]
    assert "丙机械有限公司" in notes[2] and "丙机械有限公司" not in notes[0]
    want = _reference(attributes, facts, users, by_uscc, None, s)
    pd.testing.assert_frame_equal(got.drop(columns="verdicts"), want.drop(columns="verdicts"))


class _Log:
    """The fields read while ``on``: ``(where, name)``."""

    def __init__(self) -> None:
        self.on, self.seen = False, set()


class _Traced(Mapping):
    """A plot's record noting each field read (``get``, ``[]``, ``in``; iterating reads all)."""

    def __init__(self, data: dict, log: _Log, where: str) -> None:
        self.data, self.log, self.where = data, log, where

    def __getitem__(self, key):
        if self.log.on:
            self.log.seen.add((self.where, key))
        return self.data[key]

    def __iter__(self):
        if self.log.on:
            self.log.seen.add((self.where, "*"))
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


#: The fields behind the derived facts of _reads (what the functions that make them read).
_DERIVED = {
    ("parcel", PARCEL_FEATURE): {("parcel", "parcel_id")},
    ("facts", FLOOR_READING): {("facts", f) for f in FLOOR_FIELDS},
    ("enterprise", FIRM_INDUSTRY): {("enterprise", f) for f in FIRM_FIELDS},
}


def _declared(rule: str) -> set[tuple[str, str]]:
    """The fields a grouped rule's key is made of (_reads), derived facts by their fields."""
    if rule in RECORD_KEYS:  # the records that count, found by the applicant's USCC (cond3)
        return {("enterprise", "uscc")} if rule == "cond3" else set()
    where, names = FACT_COLUMNS[rule]
    where = "facts" if where == "overlay" else where
    keys = {(where, n) for n in names} | {("facts", n) for n in MORE_FACTS.get(rule, ())}
    return set().union(*(_DERIVED.get(k, {k}) for k in keys))


_GROUPED = [
    *(k for k in CONDITIONS if k not in _PER_PLOT),
    *sorted(
        r
        for r in FACT_COLUMNS.keys() | RECORD_KEYS.keys()
        if "." in r and r.split(".", maxsplit=1)[0] in _PER_PLOT
    ),
]


@pytest.mark.parametrize("rule", _GROUPED)
@settings(max_examples=60, deadline=None)
@given(plot=_parcel, fact=_fact, enterprise=st.one_of(st.none(), _enterprise))
def test_a_grouped_check_reads_only_the_facts_its_group_is_keyed_on(rule, plot, fact, enterprise):
    # judge_frame hands one verdict to every plot equal in a rule's key (_reads): a check that
    # reads a field outside its key would give one plot the verdict of another
    s = _settings(official=False)
    log = _Log()
    facts = _Traced(fact, log, "facts")
    firm = (
        None if enterprise is None else _Traced({"uscc": USCCS[0], **enterprise}, log, "enterprise")
    )
    case = _Case(_Traced(plot, log, "parcel"), facts, facts, firm, None)
    key = rule.split(".", maxsplit=1)[0]

    def share(name, c, judge):
        log.on = name == rule
        try:
            return judge()
        finally:
            log.on = False

    if key == rule:
        log.on = True
    PARTS[key](case, s, share)
    assert log.seen <= _declared(rule), (rule, log.seen - _declared(rule))
