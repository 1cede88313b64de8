"""亩均 indicators, the comprehensive score and grades, checked against hand-worked numbers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from landgov.efficiency import (
    INDICATORS,
    Grade,
    GradeSource,
    grade_enterprises,
    indicators,
    industry2,
    parcel_grades,
)
from landgov.ids import uscc_check_char
from landgov.link import link_parcels
from landgov.policy import Profile, load_profile


def uscc(n: int) -> str:
    """A valid USCC for test enterprise ``n``."""
    first17 = f"91330602MA{n:07d}"
    return first17 + uscc_check_char(first17)


def user_profile(folder: Path, name: str, body: str = "") -> Profile:
    """A single-file user profile extending yuecheng-2022, with ``body`` overriding sections."""
    path = folder / f"{name}.toml"
    head = f'[profile]\nname = "{name}"\nversion = "1"\ntitle = "测试"\nextends = "yuecheng-2022"\n'
    path.write_text(head + body, encoding="utf-8")
    return load_profile(path)


def _p(key: str, value: str) -> str:
    return f'{key} = {{ value = {value}, official = false, source = "测试" }}\n'


class Profiles(dict):
    """Test profiles by name (short repr: Hypothesis prints its arguments on failure)."""

    def __repr__(self) -> str:
        return f"Profiles({sorted(self)})"


@pytest.fixture(scope="module")
def profiles(tmp_path_factory: pytest.TempPathFactory) -> Profiles:
    folder = tmp_path_factory.mktemp("profiles")
    out = Profiles(huangyan=load_profile("yuecheng-2022"))  # 黄岩 2022 preset, 淮安 bands
    out["mean"] = user_profile(folder, "mean", "[scoring]\n" + _p("benchmark_mode", '"mean"'))
    out["k_mean"] = user_profile(
        folder,
        "k_mean",
        "[scoring]\n" + _p("benchmark_mode", '"k_mean"') + _p("benchmark_k", "2.0"),
    )
    out["capped"] = user_profile(
        folder,
        "capped",
        "[scoring]\n" + _p("benchmark_mode", '"mean"') + _p("caps", "{ tax_per_mu = 1.2 }"),
    )
    out["threshold"] = user_profile(
        folder,
        "threshold",
        "[scoring]\n"
        + _p("benchmark_mode", '"mean"')
        + "[grading]\n"
        + _p("method", '"threshold"')
        + _p("score_thresholds", "{ A = 120.0, B = 90.0, C = 60.0 }"),
    )
    out["industry"] = user_profile(
        folder,
        "industry",
        "[grading]\n" + _p("group_by", '"industry2"') + _p("min_group_size", "1"),
    )
    for mode in ("merged", "follow_owner", "separate"):
        out[mode] = user_profile(folder, mode, "[linking]\n" + _p("tenancy_mode", f'"{mode}"'))
    return out


# A 规上 firm X chosen so each ratio is easy to check against the 黄岩 benchmarks:
#   land 10 亩, tax 120.485 万元, value added 1361.6 万元, energy 340.4 tce, emissions 0.5 t,
#   80 employees, R&D 30.2 万元, revenue 2000 万元, electricity 500 万kWh.
X = {
    "uscc": uscc(1),
    "above_scale": True,
    "land_mu": 10.0,
    "tax_wan": 120.485,
    "value_added_wan": 1361.6,
    "energy_tce": 340.4,
    "emissions_t": 0.5,
    "employees": 80.0,
    "rd_wan": 30.2,
    "revenue_wan": 2000.0,
    "power_10k_kwh": 500.0,
}


def frame(*rows: dict, index: list[int] | None = None) -> pd.DataFrame:
    """Firms of a 制造业 code (3311 金属结构制造) unless a row gives its own: only 制造业
    firms are evaluated [虞政发〔2022〕12号 第三条第（二）项第1目]."""
    return pd.DataFrame([{"industry_code": "3311", **r} for r in rows], index=index)


def test_indicators_by_hand(profiles: Profiles) -> None:
    res = indicators(frame(X, index=[7]), profile=profiles["huangyan"])
    row = res.data.loc[7]
    assert row["tax_per_mu"] == pytest.approx(12.0485)  # 120.485 / 10
    assert row["value_added_per_mu"] == pytest.approx(136.16)  # 1361.6 / 10
    assert row["value_added_per_energy"] == pytest.approx(4.0)  # 1361.6 / 340.4
    assert row["value_added_per_emission"] == pytest.approx(2723.2)  # 1361.6 / 0.5
    assert row["labour_productivity"] == pytest.approx(17.02)  # 1361.6 / 80
    assert row["rd_ratio"] == pytest.approx(0.0151)  # 30.2 / 2000
    assert row["tax_per_power"] == pytest.approx(0.24097)  # 120.485 / 500
    assert res.problems.empty


def test_missing_or_zero_inputs_give_nan_and_one_problem_row(profiles: Profiles) -> None:
    y = X | {
        "uscc": uscc(2),
        "energy_tce": np.nan,
        "emissions_t": 0.0,
        "employees": 0.0,
        "rd_wan": None,
    }
    res = indicators(frame(X, y), profile=profiles["huangyan"])
    values = res.data[list(INDICATORS)].to_numpy(dtype=float)
    assert not np.isinf(values).any()
    row = res.data.loc[1]
    for name in ("value_added_per_energy", "value_added_per_emission", "labour_productivity"):
        assert np.isnan(row[name])
    assert np.isnan(row["rd_ratio"])
    assert row["tax_per_mu"] == pytest.approx(12.0485)  # the other ratios are still computed
    assert len(res.problems) == 1
    problem = res.problems.iloc[0]
    assert problem["value"] == uscc(2)
    for text in ("综合能耗缺失", "排放量为零", "年平均职工人数为零", "R&D经费缺失"):
        assert text in problem["problem"]
    assert set(problem["field"].split("、")) == {"energy_tce", "emissions_t", "employees", "rd_wan"}


def test_a_near_zero_denominator_is_a_gap_not_inf(profiles: Profiles) -> None:
    """Emissions of 1e-320 吨 (a subnormal float, from a damaged cell): 1361.6 / 1e-320 is inf,
    which no workbook cell can hold — the run stopped with an internal error when writing the
    sheet. The indicator is a gap like a zero denominator, named; the firm is still graded
    (a 规上 firm without 单位排放增加值 gets the mean points on that item) and no score is inf."""
    y = X | {"uscc": uscc(2), "emissions_t": 1e-320, "employees": 1e-300}
    res = indicators(frame(X, y), profile=profiles["huangyan"])
    row = res.data.loc[1]
    assert np.isnan(row["value_added_per_emission"]) and np.isnan(row["labour_productivity"])
    assert row["value_added_per_energy"] == pytest.approx(4.0)  # the others still computed
    problem = res.problems.iloc[0]
    assert "排放量接近零（1e-320），商超出可计算的数值范围" in problem["problem"]
    assert set(problem["field"].split("、")) == {"emissions_t", "employees"}
    graded = grade_enterprises(frame(X, y | {"employees": 80.0}), profile=profiles["huangyan"])
    scores = graded.data.filter(like="score").select_dtypes("number").to_numpy(dtype=float)
    assert np.isfinite(scores[~np.isnan(scores)]).all()
    assert graded.data.loc[1, "grade"] in {"A", "B", "C", "D"}


def test_huangyan_score_by_hand(profiles: Profiles) -> None:
    # Σ weight × value / benchmark with the 黄岩 2022 规上 preset:
    #   亩均税收       30 × 12.0485 / 24.097  = 30 × 0.5              = 15
    #   亩均增加值     20 × 136.16  / 136.16  = 20 × 1                = 20
    #   单位能耗增加值 20 × 4.0     / 2.694   = 80 / 2.694            = 29.695620
    #   单位排放增加值 10 × 2723.2  / 4929.81 = 27232 / 4929.81       =  5.523944
    #   全员劳动生产率 10 × 17.02   / 18.14   = 170.2 / 18.14         =  9.382580
    #   R&D占比        10 × 0.0151  / 0.0302  = 10 × 0.5              =  5
    #   total                                                         = 84.602144
    res = grade_enterprises(frame(X, index=[5]), profile=profiles["huangyan"])
    row = res.data.loc[5]
    assert row["score_tax_per_mu"] == pytest.approx(15.0)
    assert row["score_value_added_per_mu"] == pytest.approx(20.0)
    assert row["score_value_added_per_energy"] == pytest.approx(80 / 2.694)
    assert row["score_value_added_per_emission"] == pytest.approx(27232 / 4929.81)
    assert row["score_labour_productivity"] == pytest.approx(170.2 / 18.14)
    assert row["score_rd_ratio"] == pytest.approx(5.0)
    assert row["score"] == pytest.approx(84.602144, abs=1e-5)
    assert np.isnan(row["score_tax_per_power"])  # not in the 规上 set
    assert row["evaluated"]
    assert row["score_items"].startswith("亩均税收 15.00；亩均增加值 20.00")
    bench = res.benchmarks.set_index(["scale", "indicator"])
    assert bench.loc[("规上", "tax_per_mu"), "benchmark"] == 24.097
    assert "示例规则（非官方）" in bench.loc[("规上", "tax_per_mu"), "source"]


def test_missing_emissions_get_the_mean_above_scale_score(profiles: Profiles) -> None:
    # X scores 10 × 2723.2 / 4929.81 = 5.523944 on emissions; W (emissions 1 t) scores
    # 10 × 1361.6 / 4929.81 = 2.761972; V has no emissions data and gets their mean 4.142958.
    w = X | {"uscc": uscc(2), "emissions_t": 1.0}
    v = X | {"uscc": uscc(3), "emissions_t": np.nan}
    res = grade_enterprises(frame(X, w, v), profile=profiles["huangyan"])
    pts = res.data["score_value_added_per_emission"]
    assert pts[1] == pytest.approx(13616 / 4929.81)
    assert pts[2] == pytest.approx((27232 / 4929.81 + 13616 / 4929.81) / 2)
    assert res.data.at[2, "evaluated"]
    assert "平均得分" in res.data.at[2, "evaluation_note"]
    assert np.isnan(res.data.at[2, "value_added_per_emission"])  # the indicator stays NaN


def small(n: int, land: float, tax: float, power: float = 100.0, **extra: object) -> dict:
    return {
        "uscc": uscc(n),
        "above_scale": False,
        "land_mu": land,
        "tax_wan": tax,
        "power_10k_kwh": power,
    } | extra


def test_below_scale_under_three_mu_is_not_evaluated(profiles: Profiles) -> None:
    # S2 (3.0 亩, tax 34.7796 = 3 × 11.5932, 100 万kWh):
    #   50 × 11.5932 / 11.5932 + 50 × 0.347796 / 0.2352 = 50 + 73.936224 = 123.936224
    res = grade_enterprises(
        frame(small(1, 2.9, 34.7796), small(2, 3.0, 34.7796)), profile=profiles["huangyan"]
    )
    s1, s2 = res.data.loc[0], res.data.loc[1]
    assert not s1["evaluated"]
    assert "不足 3 亩" in s1["evaluation_note"]
    assert "虞政发〔2022〕12号 第三条第（二）项第1目" in s1["evaluation_note"]
    assert s1["grade"] is None
    assert s1["grade_source"] == GradeSource.NONE
    assert s2["evaluated"]
    assert s2["score"] == pytest.approx(50 + 50 * 0.347796 / 0.2352)


def test_platform_grade_is_kept_beside_the_computed_one(profiles: Profiles) -> None:
    # a single 规下 firm ranks at q = (1 − ½)/1 = 0.5 → band B (0.2 < q ≤ 0.6)
    rows = frame(
        small(1, 5.0, 50.0, grade_given="A类"),
        small(2, 5.0, 50.0, grade_given="甲等"),
        small(3, 5.0, 50.0, above_scale=None),
    )
    res = grade_enterprises(rows, profile=profiles["huangyan"])
    first = res.data.loc[0]
    assert first["grade"] == Grade.A
    assert first["grade_source"] == GradeSource.PLATFORM
    assert first["grade_computed"] == Grade.B
    assert first["grade_label"] == "优先支持"
    second = res.data.loc[1]  # unreadable platform grade: the computed one is used, and reported
    assert second["grade"] == second["grade_computed"]
    assert second["grade_source"] == GradeSource.COMPUTED
    assert (res.problems["field"] == "grade_given").sum() == 1
    assert not res.data.at[2, "evaluated"]  # 规上/规下 unknown
    assert "规上/规下未知" in res.data.at[2, "evaluation_note"]


def test_percentile_bands_split_twenty_firms_4_8_7_1(profiles: Profiles) -> None:
    # rank r of 20, q = (r − ½)/20: A q ≤ 0.20 (r ≤ 4), B q ≤ 0.60 (r ≤ 12), C q ≤ 0.95 (r ≤ 19)
    rows = frame(*(small(i, 5.0, float(i)) for i in range(1, 21)))
    res = grade_enterprises(rows, profile=profiles["huangyan"])
    counts = res.data["grade"].value_counts()
    assert (counts[Grade.A], counts[Grade.B], counts[Grade.C], counts[Grade.D]) == (4, 8, 7, 1)
    assert res.data["grade"].iloc[-1] == Grade.A  # highest tax
    assert res.data["grade"].iloc[0] == Grade.D


def test_mean_and_k_mean_benchmarks_cap_and_thresholds(profiles: Profiles) -> None:
    # Two 规下 firms on 5 亩, 10 万kWh: tax 50 and 150 → 亩均税收 10 and 30 (mean 20),
    # 单位电耗税收 5 and 15 (mean 10). Mean benchmarks: 50 × 10/20 + 50 × 5/10 = 50;
    # 50 × 30/20 + 50 × 15/10 = 150. k = 2 halves both: 25 and 75.
    rows = frame(small(1, 5.0, 50.0, power=10.0), small(2, 5.0, 150.0, power=10.0))
    mean = grade_enterprises(rows, profile=profiles["mean"]).data["score"]
    assert list(mean) == pytest.approx([50.0, 150.0])
    k_mean = grade_enterprises(rows, profile=profiles["k_mean"])
    assert list(k_mean.data["score"]) == pytest.approx([25.0, 75.0])
    bench = k_mean.benchmarks.set_index(["scale", "indicator"])["benchmark"]
    assert bench[("规下", "tax_per_mu")] == pytest.approx(40.0)  # 2 × 20
    # cap 1.2 × weight on 亩均税收: the second firm's 75 points become 60 → 60 + 75 = 135
    capped = grade_enterprises(rows, profile=profiles["capped"]).data["score"]
    assert list(capped) == pytest.approx([50.0, 135.0])
    # thresholds A ≥ 120, B ≥ 90, C ≥ 60: 150 → A, 50 → D
    graded = grade_enterprises(rows, profile=profiles["threshold"]).data["grade"]
    assert list(graded) == [Grade.D, Grade.A]


def test_grading_within_industry_groups(profiles: Profiles) -> None:
    # Industry 39: tax 10, 20; industry 27: tax 100, 200. Within each pair of two, the better
    # firm is at q = 0.25 → B and the other at q = 0.75 → C, whatever the other industry does.
    rows = frame(
        small(1, 5.0, 10.0, industry_code="C3911"),
        small(2, 5.0, 20.0, industry_code="3912"),
        small(3, 5.0, 100.0, industry_code="2710"),
        small(4, 5.0, 200.0, industry_code="C2720"),
    )
    res = grade_enterprises(rows, profile=profiles["industry"])
    assert list(res.data["grade"]) == [Grade.C, Grade.B, Grade.C, Grade.B]
    assert list(res.data["grade_group"]) == ["规下·行业39"] * 2 + ["规下·行业27"] * 2
    pooled = grade_enterprises(rows, profile=profiles["huangyan"]).data["grade"]
    assert list(pooled) == [Grade.C, Grade.C, Grade.B, Grade.A]  # q = .875, .625, .375, .125
    assert industry2("C3911") == "39"
    assert industry2(None) is None


X0, Y0 = 555_000.0, 3_320_000.0


def _linked(
    profile: Profile, *, tenants: dict | None = None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    # P1 100 m × 100 m = 15 亩 held by 甲 (规上, X's data); 乙 rents 2000 m² (3 亩) and 丙 the
    # rest shared with 甲: 4000 m² (6 亩) each. P2 (50 m × 50 m) has nobody. ``tenants``: more
    # cells of both tenants (规下: tax and power only).
    parcels = gpd.GeoDataFrame(
        {"parcel_id": ["330602001001GB00001", "330602001001GB00002"]},
        geometry=[box(X0, Y0, X0 + 100, Y0 + 100), box(X0 + 200, Y0, X0 + 250, Y0 + 50)],
        crs="EPSG:4549",
        index=[21, 22],
    )
    parcels["area_m2"] = parcels.geometry.area
    more = tenants or {}
    ents = frame(X | {"land_mu": 6.0}, small(2, 3.0, 30.0, **more), small(3, 6.0, 12.0, **more))
    links = pd.DataFrame(
        {
            "parcel_id": ["330602001001GB00001"] * 3,
            "uscc": [uscc(1), uscc(2), uscc(3)],
            "relation": ["自有", "租用", "租用"],
            "area_used_m2": [np.nan, 2000.0, np.nan],
        }
    )
    res = link_parcels(parcels, ents, links, profile=profile)
    return res.parcels, res.enterprises


#: What the 规下 tenants here do not give and a 规上 unit's indicators read.
_ABOVE_ONLY = {"value_added_wan", "energy_tce", "emissions_t", "employees", "rd_wan", "revenue_wan"}
_ABOVE_FIGURES = {
    "value_added_wan": 100.0,
    "energy_tce": 20.0,
    "emissions_t": 0.1,
    "employees": 10.0,
    "rd_wan": 2.0,
    "revenue_wan": 200.0,
}


def test_merged_tenants_share_the_owner_grade(profiles: Profiles) -> None:
    # the tenants give every figure the 规上 host's unit is scored on (as 甲 does)
    parcels, ents = _linked(profiles["merged"], tenants=_ABOVE_FIGURES)
    res = grade_enterprises(ents, profile=profiles["merged"])
    data = res.data
    # one unit: tax 120.485 + 30 + 12 = 162.485 on 4000 + 2000 + 4000 m² = 15 亩 → 10.832333;
    # value added 1361.6 + 100 + 100 = 1561.6 → 104.106667 万元/亩
    assert data["tax_per_mu"].tolist() == pytest.approx([162.485 / 15] * 3)
    assert data["value_added_per_mu"].tolist() == pytest.approx([1561.6 / 15] * 3)
    assert data["evaluated"].all()
    assert data["score"].nunique() == 1
    assert data["grade"].nunique() == 1
    assert "合并评价" in data.at[1, "evaluation_note"]
    grades = parcel_grades(parcels, data)
    assert list(grades.index) == [21, 22]
    assert grades[21] == data.at[0, "grade"]
    assert grades[22] is None


def test_merged_unit_sums_what_each_member_reports(profiles: Profiles) -> None:
    # 规下 tenants report no 工业增加值 (nor energy, emissions, staff, R&D, revenue) by design:
    # the figures a member's own scale is not asked for are no gap, it adds nothing to them.
    # The 规上 unit's 工业增加值 is 甲's 1361.6 over the unit's 15 亩 = 90.77 万元/亩, its tax
    # every member's (162.485 / 15); the unit is evaluated, no member named as lacking.
    # (A figure a member's scale does report, missing, still leaves the unit's sum missing:
    # tests/test_efficiency_merged_gaps.py.)
    _, ents = _linked(profiles["merged"])
    res = grade_enterprises(ents, profile=profiles["merged"])
    data = res.data
    assert data["tax_per_mu"].tolist() == pytest.approx([162.485 / 15] * 3)
    assert data["value_added_per_mu"].tolist() == pytest.approx([1361.6 / 15] * 3)
    assert data["evaluated"].all() and data["grade"].nunique() == 1
    assert not res.problems["problem"].str.startswith("合并评价的一方缺少").any()


def test_follow_owner_and_separate_list(profiles: Profiles) -> None:
    _, ents = _linked(profiles["follow_owner"])
    data = grade_enterprises(ents, profile=profiles["follow_owner"]).data
    assert data.at[0, "evaluated"]
    assert not data.at[1, "evaluated"]
    assert data.at[1, "grade_computed"] == data.at[0, "grade_computed"]
    assert data.at[2, "grade"] == data.at[0, "grade"]
    assert "随出租方" in data.at[2, "evaluation_note"]
    _, ents = _linked(profiles["separate"])
    data = grade_enterprises(ents, profile=profiles["separate"]).data
    assert data.at[0, "grade_group"] == "规上"
    assert data.at[1, "grade_group"] == "规下·承租企业"
    assert data[["evaluated"]].all().all()


def test_inputs_are_not_modified(profiles: Profiles) -> None:
    rows = frame(X, small(2, 5.0, 10.0))
    before = rows.copy()
    grade_enterprises(rows, profile=profiles["huangyan"])
    indicators(rows, profile=profiles["huangyan"])
    pd.testing.assert_frame_equal(rows, before)


_tax = st.floats(min_value=0.1, max_value=1000.0, allow_nan=False)


@pytest.mark.parametrize("name", ["huangyan", "mean", "threshold"])
@settings(max_examples=30, deadline=None)
@given(
    others=st.lists(_tax, min_size=1, max_size=12),
    base=_tax,
    raise_by=st.floats(min_value=0.0, max_value=1000.0, allow_nan=False),
)
def test_raising_tax_never_worsens_the_grade(
    profiles: Profiles, name: str, others: list[float], base: float, raise_by: float
) -> None:
    def grade_of(tax: float) -> Grade:
        rows = [small(0, 5.0, tax)] + [small(i + 1, 5.0, t) for i, t in enumerate(others)]
        res = grade_enterprises(frame(*rows), profile=profiles[name])
        return res.data.at[0, "grade"]

    assert grade_of(base + raise_by).order <= grade_of(base).order


@pytest.mark.parametrize("written", [False, "否", "规下", "规模以下"])
def test_a_below_scale_firm_is_asked_only_for_its_own_indicators(
    profiles: Profiles, written: object
) -> None:
    # 规下 firms report 亩均税收 and 单位电耗税收 only (黄岩 规下 weights); 工业增加值, 能耗, 排放,
    # 职工, R&D are none of their business, however 规下 is written (core.vocab.scale_is_above:
    # 「否」 is 规下, never a truthy text read as 规上)
    res = grade_enterprises(
        frame(small(1, 10.0, 120.0, above_scale=written)), profile=profiles["huangyan"]
    )
    assert res.data.at[0, "evaluated"]
    assert res.problems.empty, res.problems[["field", "problem"]].to_string()
