"""四个一批 rule table: order, first match wins, 待核实 with missing inputs, bad rules rejected.

The default table (zhejiang-2023 paths.toml, docs/domain.md §5, project default 示例规则（非官方）):
R1 关停退出 — 淘汰类, 重大安全/环保违法 & D, idle ≥ 2 years, 两高 & low efficiency;
R2 功能转型 — planning not industrial or outside the 工业用地控制线 [000 19];
R3 拆除重建 — low efficiency & low 容积率, low efficiency & large block [000 4], demolition plan;
R4 整治提升 — every other plot.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landgov.errors import ProfileError
from landgov.policy import list_profiles, load_profile
from landgov.screening.paths import (
    CHECK_NAMES,
    RECOVERABLE_UNKNOWN,
    TreatmentPath,
    assign_paths,
    rule_table,
    validate_rule_table,
)
from landgov.verdict import Citation, Status, Verdict

CIT = Citation("001", "三(一)1")


@pytest.fixture(scope="module")
def profile():
    return load_profile("shangyu-2022")


def _verdict(check: str, status: Status, **values) -> Verdict:
    missing = (f"{check} 的输入",) if status is Status.UNKNOWN else ()
    return Verdict(f"screening.{check}", status, f"{check} {status.value}", CIT, values, missing)


def _checks(rows: list[dict[str, Status]], **values) -> pd.DataFrame:
    """A checks frame: every check 符合 unless the row says otherwise."""
    out = []
    for row in rows:
        full = {}
        for name in CHECK_NAMES:
            status = row.get(name, Status.PASS)
            extra = dict(values.get(name, {}))
            if name == "catalogue":
                extra.setdefault("classes", (("U1", "允许类"),))
            if name == "violation":
                extra.setdefault("records", ())
            if name == "idle":
                extra.setdefault("idle_years", 0)
            full[name] = _verdict(name, status, **extra)
        out.append(full)
    return pd.DataFrame(out)


def _plots(n: int, **cols) -> pd.DataFrame:
    base = {"grade": "C", "block_large": False, "block_area_mu": 10.0, "block_id": "B0001"}
    return pd.DataFrame({**base, **cols}, index=range(n))


def test_default_table_order_and_catch_all(profile):
    rules = rule_table(profile)
    assert [r.id for r in rules] == ["R1", "R2", "R3", "R4"]
    assert [r.path for r in rules] == [
        TreatmentPath.EXIT,
        TreatmentPath.TRANSFORM,
        TreatmentPath.DEMOLISH_REBUILD,
        TreatmentPath.RECTIFY,
    ]
    assert rules[-1].unconditional
    assert all(not r.citation.official for r in rules)  # 示例规则（非官方）
    assert "示例规则（非官方）" in str(rules[0].citation)


def test_first_match_wins(profile):
    # Plot 0 is both outside the control line (R2) and in a demolition plan (R3): R2 comes
    # first → 功能转型. Plot 1 is only in a demolition plan → 拆除重建. Plot 2 has no match
    # before R4 → 整治提升. Plot 3 is idle (not started) for 2 full years → R1 关停退出, even
    # though its planned use also changed (R2).
    checks = _checks(
        [
            {"control_line": Status.FAIL, "demolition": Status.FAIL},
            {"demolition": Status.FAIL},
            {"low_efficiency": Status.FAIL},
            {"idle": Status.FAIL, "planning": Status.FAIL},
        ]
    )
    # the idle check judged it recoverable (screening.idle_recovery_years, 满两年)
    checks.loc[3, "idle"] = _verdict("idle", Status.FAIL, idle_years=2, recoverable=True)
    got = assign_paths(_plots(4), checks=checks, profile=profile)
    assert got["path"].to_list() == ["功能转型", "拆除重建", "整治提升", "关停退出"]
    assert got["path_rule"].to_list() == ["R2", "R3", "R4", "R1"]
    assert (got["path_status"] == Status.PASS.value).all()
    # each reason line carries its clause
    assert "越政发〔2022〕24号 第七条第19项" in got.loc[0, "citations"]
    # R1's evidence is the idle check's own reason (its 可无偿收回, with its clause)
    assert "· 不符合：idle 不符合 [" in got.loc[3, "reasons"]


def test_an_idle_plot_whose_recovery_is_not_known_has_no_r1_yet(profile):
    # The idle check says 闲置 but 可无偿收回 not known (a contracted start written as a month
    # whose first day makes 2 years and whose last day does not): R1 (idle:recoverable) can be
    # neither taken nor passed over, so the path is 待核实 and names what is missing.
    checks = _checks([{"idle": Status.FAIL}])
    checks.loc[0, "idle"] = _verdict("idle", Status.FAIL, idle_years=1, recoverable=None)
    got = assign_paths(_plots(1), checks=checks, profile=profile)
    assert got.loc[0, "path_status"] == Status.UNKNOWN.value
    assert RECOVERABLE_UNKNOWN in got.loc[0, "missing"]


def test_reordered_table_changes_the_path(profile, tmp_path):
    # A county that puts 拆除重建 before 功能转型: plot 0 above now gets 拆除重建.
    user = tmp_path / "county.toml"
    user.write_text(
        textwrap.dedent(
            """
            [profile]
            name = "county-test"
            version = "1"
            title = "测试县"
            extends = "shangyu-2022"

            [paths.rules]
            source = "测试"
            official = false
            value = [
              { id = "D1", path = "拆除重建", any = ["demolition:不符合"] },
              { id = "T1", path = "功能转型", any = ["control_line:不符合"] },
              { id = "Z", path = "整治提升", any = ["always"] },
            ]
            """
        ),
        encoding="utf-8",
    )
    county = load_profile(user)
    checks = _checks([{"control_line": Status.FAIL, "demolition": Status.FAIL}])
    got = assign_paths(_plots(1), checks=checks, profile=county)
    assert got.loc[0, "path"] == "拆除重建"
    assert got.loc[0, "path_rule"] == "D1"


def test_unknown_input_gives_pending_with_missing(profile):
    # Catalogue class unknown: R1 might apply (淘汰类?) → the plot falls through to R4 but
    # path_status is 待核实 and the missing input is listed.
    checks = _checks([{"low_efficiency": Status.FAIL}])
    checks.loc[0, "catalogue"] = _verdict("catalogue", Status.UNKNOWN, classes=(("U1", None),))
    got = assign_paths(_plots(1), checks=checks, profile=profile)
    assert got.loc[0, "path"] == "整治提升"
    assert got.loc[0, "path_status"] == Status.UNKNOWN.value
    assert "catalogue" in got.loc[0, "missing"]
    assert "规则 R1「关停退出」无法判定" in got.loc[0, "reasons"]
    assert got.loc[0, "verdict"].status is Status.UNKNOWN


def test_violation_severity_and_grade_term(profile):
    # R1 term "violation:重大:安全&grade:D": a 重大 安全 record on a D plot → 关停退出;
    # the same record on a C plot → not R1 (falls to R4).
    records = {"violation": {"records": (("安全", "重大"),)}}
    checks = _checks([{"violation": Status.FAIL}, {"violation": Status.FAIL}], **records)
    got = assign_paths(_plots(2, grade=["D", "C"]), checks=checks, profile=profile)
    assert got["path"].to_list() == ["关停退出", "整治提升"]


def test_large_block_with_low_efficiency_is_rebuild(profile):
    checks = _checks([{"low_efficiency": Status.FAIL}])
    plots = _plots(1, block_large=[True], block_area_mu=[120.0])
    got = assign_paths(plots, checks=checks, profile=profile)
    assert got.loc[0, "path"] == "拆除重建"
    assert "越政发〔2022〕24号 第三条第4项" in got.loc[0, "citations"]


@pytest.mark.parametrize(
    ("rules", "needle"),
    [
        ([{"id": "A", "path": "关停退出", "any": ["catalog:淘汰类"]}], "catalog"),
        ([{"id": "A", "path": "关停退出", "any": ["idle_years>>2"]}], "idle_years>>2"),
        ([{"id": "A", "path": "关停退出", "any": ["grade:E"]}], "grade:E"),
        ([{"id": "A", "path": "关停退出", "any": ["two_high:failed"]}], "two_high:failed"),
        ([{"id": "A", "path": "拆掉", "any": ["always"]}], "未知的治理路径"),
        ([{"id": "A", "path": "整治提升"}], "规则没有条件"),
        ([{"id": "A", "path": "整治提升", "any": ["always"], "when": 1}], "未知键"),
        ([{"id": "A", "path": "关停退出", "any": ["idle_years>=2"]}], "兜底"),
        (
            [
                {"id": "A", "path": "关停退出", "any": ["idle_years>=2"]},
                {"id": "A", "path": "整治提升", "any": ["always"]},
            ],
            "id 重复",
        ),
        ([], "非空列表"),
    ],
)
def test_bad_rules_are_rejected(rules, needle):
    issues = validate_rule_table(rules)
    assert issues
    assert any(needle in f"{i.field} {i.value} {i.problem}" for i in issues)


def test_bad_rule_in_profile_raises_profile_error(tmp_path):
    user = tmp_path / "bad.toml"
    user.write_text(
        textwrap.dedent(
            """
            [profile]
            name = "bad-test"
            version = "1"
            title = "坏规则"
            extends = "shangyu-2022"

            [paths.rules]
            source = "测试"
            official = false
            value = [
              { id = "X1", path = "关停退出", any = ["catalogue:落后类"] },
              { id = "X2", path = "整治提升", any = ["always"] },
            ]
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(ProfileError) as err:  # the schema's check hook runs when the profile loads
        load_profile(user)
    text = str(err.value)
    assert "X1" in text
    assert "catalogue:落后类" in text
    assert "淘汰类" in text  # what is allowed


# --------------------------------------------------------------------------------------------
# property: exactly one path for any combination of flags

_status = st.sampled_from([Status.PASS, Status.FAIL, Status.UNKNOWN])
_row = st.fixed_dictionaries({name: _status for name in CHECK_NAMES})


@st.composite
def _plot_rows(draw):
    rows = draw(st.lists(_row, min_size=1, max_size=12))
    n = len(rows)
    grades = draw(st.lists(st.sampled_from(["A", "B", "C", "D", None]), min_size=n, max_size=n))
    large = draw(st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n))
    idle = draw(st.lists(st.sampled_from([0, 1, 2, 5, None]), min_size=n, max_size=n))
    cls = draw(st.lists(st.sampled_from(["淘汰类", "允许类", None]), min_size=n, max_size=n))
    sev = draw(st.lists(st.sampled_from(["一般", "较大", "重大"]), min_size=n, max_size=n))
    return rows, grades, large, idle, cls, sev


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=_plot_rows())
def test_every_plot_gets_exactly_one_path(profile, data):
    rows, grades, large, idle, cls, sev = data
    checks = _checks(rows)
    for i in range(len(rows)):
        checks.loc[i, "idle"] = _verdict("idle", rows[i]["idle"], idle_years=idle[i])
        checks.loc[i, "catalogue"] = _verdict(
            "catalogue", rows[i]["catalogue"], classes=(("U1", cls[i]),)
        )
        records = (("安全", sev[i]),) if rows[i]["violation"] is Status.FAIL else ()
        checks.loc[i, "violation"] = _verdict("violation", rows[i]["violation"], records=records)
    plots = _plots(len(rows), grade=grades, block_large=large)
    got = assign_paths(plots, checks=checks, profile=profile)
    rule_ids = {r.id for r in rule_table(profile)}
    assert list(got.index) == list(plots.index)
    for _, row in got.iterrows():
        assert row["path"] in {p.value for p in TreatmentPath}  # exactly one (a scalar), never NA
        assert row["path_rule"] in rule_ids
        assert row["reasons"].strip()
        assert row["citations"].strip()
        assert (row["path_status"] == Status.UNKNOWN.value) == bool(row["missing"])
    # an 淘汰类 enterprise always means 关停退出 (R1 is first and matches on it alone)
    for i, c in enumerate(cls):
        if c == "淘汰类":
            assert got.loc[i, "path"] == TreatmentPath.EXIT.value


@pytest.mark.parametrize("name", [p["name"] for p in list_profiles()])
def test_every_shipped_rule_table_is_valid(name):
    rules = rule_table(load_profile(name))
    assert rules[-1].unconditional
    assert len({r.id for r in rules}) == len(rules)


def test_rule_citing_another_county_is_read_as_reference_in_yuecheng() -> None:
    # R1 rests on 虞政发〔2022〕12号 第三条第（二）项第1目–2 (上虞): in 越城 that is 「参照」,
    # not official.
    from landgov.policy import load_profile
    from landgov.screening.paths import rule_table

    yuecheng = {r.id: r for r in rule_table(load_profile("yuecheng-2022"))}
    assert str(yuecheng["R1"].citation).startswith("[参照虞政发〔2022〕12号")
    assert not yuecheng["R1"].citation.official
    shangyu = {r.id: r for r in rule_table(load_profile("shangyu-2022"))}
    assert not str(shangyu["R1"].citation).startswith("[参照")


def test_r1_idle_follows_the_countys_recovery_years(profile):
    # 《闲置土地处置办法》第十四条: 满两年 may be taken back without compensation; R1 关停退出 said
    # 「idle_years>=2」 in the rule table, a second copy of screening.idle_recovery_years. A county
    # that sets 3 years: a plot idle 2 full years is idle (不符合) but not recoverable → not R1
    # (R4 整治提升); 3 full years → R1. The default (2) still sends the 2-year plot to R1.
    import dataclasses

    import geopandas as gpd
    import shapely

    from landgov.screening import check_idle

    key = "screening.idle_recovery_years"
    three = dataclasses.replace(
        profile, params={**profile.params, key: dataclasses.replace(profile[key], value=3)}
    )
    plots = gpd.GeoDataFrame(
        {
            "contract_start_date": ["2022-03-15", "2021-03-15"],  # 2 and 3 full years
            "floor_area_m2": [0.0, 0.0],
            # a buildings layer over the plots shows none on them: the 0 is not a blank
            "buildings_cover": [True, True],
            "n_buildings": [0, 0],
            **{k: [v] * 2 for k, v in _plots(1).iloc[0].items()},
        },
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(200, 0, 300, 100)],
        crs=4549,
    )
    for prof, want in ((profile, ["关停退出", "关停退出"]), (three, ["整治提升", "关停退出"])):
        checks = _checks([{}, {}])
        checks["idle"] = check_idle(plots, profile=prof, as_of="2024-03-15").tolist()
        assert [v.status for v in checks["idle"]] == [Status.FAIL, Status.FAIL]
        got = assign_paths(plots, checks=checks, profile=prof)
        assert got["path"].tolist() == want, prof[key].value
    assert "可无偿收回" in got.loc[1, "reasons"]


def test_r1_idle_is_undecided_when_the_idle_check_is(profile):
    # 「约定开工日期已过3年，是否动工不明」: the idle check is 待核实 (3 years are known, whether
    # building started is not). R1 read idle_years alone and decided 关停退出 (符合) on it; it is
    # now undecided: the plot goes on down the table with R1's missing input named.
    checks = _checks([{"idle": Status.UNKNOWN}], idle={"idle_years": 3})
    got = assign_paths(_plots(1), checks=checks, profile=profile)
    assert got.loc[0, "path"] != "关停退出"
    assert got.loc[0, "path_status"] == Status.UNKNOWN.value
    assert "idle 的输入" in got.loc[0, "missing"]


def test_years_since_the_contract_are_no_idle_years_while_the_start_is_unknown(profile):
    # A plot 3 years past its contracted start with no floor area, no dates and no raster: not
    # known to be idle. Its 闲置年数 was 3 all the same (and a county rule 「idle_years>=2」 took
    # it); it is now missing, the years since the contract kept as contract_years.
    import geopandas as gpd
    import shapely

    from landgov.screening import check_idle

    plot = gpd.GeoDataFrame(
        {"contract_start_date": ["2021-03-15"], "floor_area_m2": [float("nan")]},
        geometry=[shapely.box(0, 0, 100, 100)],
        crs=4549,
    )
    verdict = check_idle(plot, profile=profile, as_of="2024-03-15").iloc[0]
    assert verdict.status is Status.UNKNOWN
    assert "idle_years" not in verdict.values and verdict.values["contract_years"] == 3
