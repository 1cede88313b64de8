"""Hand-worked policy cases, round 8: the ``grading.*``, ``scoring.*`` and ``far.*`` keys that no
hand case pinned before.

Counted by grep over ``tests/*.py`` before this file (files naming the key; hand-case files in
brackets): ``grading.separate_scales`` 0 [0], ``grading.group_by`` 1 [0],
``grading.min_group_size`` 1 [0], ``grading.grade_labels`` 0 [0],
``scoring.weights_above_scale`` 2 [0], ``scoring.benchmarks_above_scale`` 0 [0],
``scoring.weights_below_scale`` 1 [0], ``scoring.benchmarks_below_scale`` 0 [0],
``scoring.benchmark_k`` 1 [0], ``scoring.caps`` (as a key) 0 [0], ``scoring.missing_emissions``
1 [0] (its ``mean_score`` reading only), ``scoring.declared_land_fallback`` 0 [0],
``far.cap_floor_area`` 2 [0] (its value only, never a 增容 decision at the 2.5 boundary).

The ``scoring`` and ``grading`` values are the 黄岩 2022 preset and the 淮安 bands, both
示例规则（非官方） (``zhejiang-2023/scoring.toml``, ``grading.toml``): the seeds name the 亩均
evaluation and the A class [拱政发〔2022〕10号 第四条第（二）项] but give no weights, benchmarks
or cut-offs. The cases below pin how each key is read, worked out on paper first:

- score :math:`S = \\sum_i \\min(w_i x_i / b_i,\\ c_i w_i)` (weight, value, benchmark, optional
  cap in multiples of the weight);
- rank r (ties share the better), position q = (r − ½)/n, the first band whose cumulative share
  reaches q: A ≤ 0.20, B ≤ 0.60, C ≤ 0.95, D above;
- 「行业组不足 5 家并入其他行业」: 「不足」 excludes the number, so a group of 5 keeps its own
  ranking and a group of 4 is pooled (《民法典》第1259条);
- 「得分 ≥ 120 为 A」 includes 120.

1 亩 = 10000/15 m²; money in 万元.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landgov.core.vocab import Eligibility
from landgov.efficiency import Grade, grade_enterprises
from landgov.far import compute_far, far_floors
from landgov.far.zengrong import check_parcels
from landgov.link import link_parcels
from landgov.policy import load_profile
from landgov.verdict import Citation
from tests._hand import (
    CRS,
    X0,
    Y0,
    F,
    P,
    U,
    application,
    applications,
    firms,
    owner_links,
    parcels_of,
    plots,
    rectangle,
    uscc,
    with_param,
    zengrong_inputs,
)

TBD = Eligibility.UNKNOWN

# A 规上 firm exactly at the 黄岩 2022 规上 benchmarks (scoring.benchmarks_above_scale):
#   亩均税收 240.97 / 10 = 24.097; 亩均增加值 1361.6 / 10 = 136.16;
#   单位能耗增加值 1361.6 / (1361.6 / 2.694) = 2.694; 单位排放增加值 1361.6 / (1361.6 / 4929.81);
#   全员劳动生产率 1361.6 / (1361.6 / 18.14) = 18.14; 研发投入强度 60.4 / 2000 = 0.0302.
# Each item scores its weight: 30 + 20 + 20 + 10 + 10 + 10 = 100 分.
_AT = {
    "above_scale": True,
    "industry_code": "3311",  # 制造业 (金属结构制造): in the 亩均 evaluation scope
    "land_mu": 10.0,
    "tax_wan": 240.97,
    "value_added_wan": 1361.6,
    "energy_tce": 1361.6 / 2.694,
    "emissions_t": 1361.6 / 4929.81,
    "employees": 1361.6 / 18.14,
    "rd_wan": 60.4,
    "revenue_wan": 2000.0,
}


def _below(i: int, land_mu: float, tax_wan: float, power: float, **more: object) -> dict:
    """A 规下 firm: 亩均税收 = tax / land, 单位电耗税收 = tax / power."""
    return {
        "uscc": uscc(i, "MA8H"),
        "above_scale": False,
        "industry_code": "3311",  # 制造业: in the 亩均 evaluation scope
        "land_mu": land_mu,
        "tax_wan": tax_wan,
        "power_10k_kwh": power,
    } | more


# =============================================================================================
# scoring.weights_above_scale / benchmarks_above_scale: each indicator scores w × x / b.


def test_above_scale_weights_and_benchmarks_item_by_item(yuecheng):
    # 甲 at every benchmark: 100 分. Each other firm doubles one indicator of 甲 (halving its
    # denominator), so it scores 100 + that item's weight:
    #   乙 tax 481.94 → 亩均税收 48.194 = 2 × 24.097: 100 + 30 = 130
    #   丙 energy halved → 单位能耗增加值 5.388: 100 + 20 = 120
    #   丁 emissions halved → 单位排放增加值 × 2: 100 + 10 = 110
    #   戊 employees halved → 劳动生产率 36.28: 100 + 10 = 110
    #   己 R&D 120.8 → 0.0604: 100 + 10 = 110
    #   庚 land 5 亩 → 亩均税收 and 亩均增加值 both doubled: 100 + 30 + 20 = 150
    rows = pd.DataFrame(
        [
            _AT | {"uscc": uscc(0, "MA8H")},
            _AT | {"uscc": uscc(1, "MA8H"), "tax_wan": 481.94},
            _AT | {"uscc": uscc(2, "MA8H"), "energy_tce": 1361.6 / 2.694 / 2},
            _AT | {"uscc": uscc(3, "MA8H"), "emissions_t": 1361.6 / 4929.81 / 2},
            _AT | {"uscc": uscc(4, "MA8H"), "employees": 1361.6 / 18.14 / 2},
            _AT | {"uscc": uscc(5, "MA8H"), "rd_wan": 120.8},
            _AT | {"uscc": uscc(6, "MA8H"), "land_mu": 5.0},
        ]
    )
    got = grade_enterprises(rows, profile=yuecheng)
    assert got.data["score"].tolist() == pytest.approx([100, 130, 120, 110, 110, 110, 150])
    assert got.data["evaluated"].all()
    assert got.data["score_tax_per_mu"].iloc[0] == pytest.approx(30.0)
    assert got.data["score_rd_ratio"].iloc[5] == pytest.approx(20.0)
    bench = got.benchmarks.set_index(["scale", "indicator"])
    assert bench.loc[("规上", "tax_per_mu"), "benchmark"] == pytest.approx(24.097)
    assert bench.loc[("规上", "tax_per_mu"), "weight"] == 30.0
    # a preset value: the benchmark row says so, with the source it was taken from
    assert "示例规则（非官方）" in bench.loc[("规上", "tax_per_mu"), "source"]
    assert "黄岩区 2022" in bench.loc[("规上", "tax_per_mu"), "source"]


# =============================================================================================
# scoring.weights_below_scale / benchmarks_below_scale: 亩均税收 50 分 / 11.5932, 单位电耗税收
# 50 分 / 0.2352.


def test_below_scale_weights_and_benchmarks(yuecheng):
    # 甲: 115.932 on 10 亩 → 11.5932; power 115.932 / 0.2352 → 0.2352: 50 + 50 = 100 分.
    # 乙: the same tax on 5 亩 → 亩均税收 23.1864 (2×), power the same: 100 + 50 = 150 分.
    # 丙: power halved → 电耗税收 0.4704 (2×): 150 分. No 规上 item enters a 规下 score.
    rows = pd.DataFrame(
        [
            _below(0, 10.0, 115.932, 115.932 / 0.2352),
            _below(1, 5.0, 115.932, 115.932 / 0.2352),
            _below(2, 10.0, 115.932, 115.932 / 0.2352 / 2),
        ]
    )
    got = grade_enterprises(rows, profile=yuecheng).data
    assert got["score"].tolist() == pytest.approx([100.0, 150.0, 150.0])
    assert got["score_tax_per_mu"].tolist() == pytest.approx([50.0, 100.0, 50.0])
    assert got["score_value_added_per_mu"].isna().all()
    assert got["score_items"].iloc[0] == "亩均税收 50.00；单位电耗税收 50.00"


# =============================================================================================
# scoring.caps 「单项封顶」 in multiples of the weight: min(w x / b, c w).


def test_cap_limits_one_item_to_a_multiple_of_its_weight(yuecheng):
    # caps = { tax_per_mu = 2 }: 亩均税收 at most 2 × 50 = 100 分.
    #   甲 亩均税收 5 × 11.5932 → uncapped 250, capped 100; 电耗税收 at benchmark 50 → 150
    #   乙 亩均税收 exactly 2 × 11.5932 → 100 either way (the cap itself is reached) → 150
    #   丙 亩均税收 1.5 × → 75 (under the cap) → 125
    # Without the cap (the shipped 「单项不封顶」): 甲 300.
    capped = with_param(yuecheng, "scoring.caps", value={"tax_per_mu": 2.0})
    power = 115.932 / 0.2352
    rows = pd.DataFrame(
        [
            # 3 亩 (规下 from 3 亩 up): 173.898 / 3 = 57.966 = 5 × 11.5932
            _below(0, 3.0, 173.898, 173.898 / 0.2352),
            _below(1, 5.0, 115.932, power),  # 23.1864 = 2 ×
            _below(2, 10.0, 173.898, 173.898 / 0.2352),  # 17.3898 = 1.5 ×
        ]
    )
    got = grade_enterprises(rows, profile=capped)
    assert got.data["score"].tolist() == pytest.approx([150.0, 150.0, 125.0])
    bench = got.benchmarks.set_index(["scale", "indicator"])
    assert bench.loc[("规下", "tax_per_mu"), "cap"] == 2.0
    plain = grade_enterprises(rows, profile=yuecheng).data
    assert plain["score"].iloc[0] == pytest.approx(300.0)
    assert yuecheng.value("scoring.caps") == {}


# =============================================================================================
# scoring.benchmark_mode = k_mean with scoring.benchmark_k: benchmark = k × mean of the 参评.


def test_k_mean_benchmark_and_the_120_threshold(yuecheng):
    # k = 1.25, 规下 firms on 5 亩 (both 参评):
    #   甲 tax 50, 10 万kWh: 亩均税收 10, 电耗税收 5
    #   乙 tax 150, 10 万kWh: 亩均税收 30, 电耗税收 15
    # means 20 and 10 → benchmarks 25 and 12.5:
    #   甲 50 × 10/25 + 50 × 5/12.5 = 20 + 20 = 40
    #   乙 50 × 30/25 + 50 × 15/12.5 = 60 + 60 = 120 → 「≥ 120 为 A」 (120 included) → A
    #   甲 40 < 60 → D.
    # With k = 1 乙 would score 150 and 甲 50: k is read.
    p = with_param(yuecheng, "scoring.benchmark_mode", value="k_mean")
    p = with_param(p, "scoring.benchmark_k", value=1.25)
    p = with_param(p, "grading.method", value="threshold")
    rows = pd.DataFrame([_below(0, 5.0, 50.0, 10.0), _below(1, 5.0, 150.0, 10.0)])
    got = grade_enterprises(rows, profile=p)
    assert got.data["score"].tolist() == pytest.approx([40.0, 120.0])
    assert got.data["grade"].tolist() == [Grade.D, Grade.A]
    bench = got.benchmarks.set_index(["scale", "indicator"])["benchmark"]
    assert bench[("规下", "tax_per_mu")] == pytest.approx(25.0)
    assert bench[("规下", "tax_per_power")] == pytest.approx(12.5)


# =============================================================================================
# scoring.missing_emissions: the shipped 「无排放数据的规上企业该项取规上企业平均得分」
# (mean_score) against its alternative not_evaluated.


def test_missing_emissions_not_evaluated_leaves_the_firm_out(yuecheng):
    # 甲 at the benchmarks (100 分); 乙 the same without emissions data.
    #   mean_score: 乙 gets 甲's 10 分 on the item → 100 分, 参评.
    #   not_evaluated: 乙 「缺少单位排放增加值，不参评」, no score, no grade — never graded as
    #   if the item were met.
    rows = pd.DataFrame(
        [_AT | {"uscc": uscc(0, "MA8H")}, _AT | {"uscc": uscc(1, "MA8H"), "emissions_t": np.nan}]
    )
    shipped = grade_enterprises(rows, profile=yuecheng).data
    assert shipped["score"].tolist() == pytest.approx([100.0, 100.0])
    p = with_param(yuecheng, "scoring.missing_emissions", value="not_evaluated")
    got = grade_enterprises(rows, profile=p).data
    assert got["evaluated"].tolist() == [True, False]
    assert math.isnan(got["score"].iloc[1])
    assert got["grade"].iloc[1] is None
    assert "缺少单位排放增加值，不参评" in got["evaluation_note"].iloc[1]


# =============================================================================================
# scoring.declared_land_fallback: a firm with no linked plot is measured on its declared land.


def test_declared_land_is_used_only_when_the_profile_says_so(yuecheng):
    # 规下 甲: no linked land (land_mu blank), declared 10 亩, tax 115.932, power at the
    # benchmark ratio. Fallback on (shipped): 亩均税收 11.5932 → 100 分, with a problem row
    # saying the declared area was used. Fallback off: 「用地面积缺失或为零，不参评」.
    row = _below(0, np.nan, 115.932, 115.932 / 0.2352, land_mu_declared=10.0)
    rows = pd.DataFrame([row])
    on = grade_enterprises(rows, profile=yuecheng)
    assert on.data["score"].iloc[0] == pytest.approx(100.0)
    assert on.problems["problem"].str.contains("申报用地面积").any()
    off = grade_enterprises(
        rows, profile=with_param(yuecheng, "scoring.declared_land_fallback", value=False)
    ).data
    assert not off["evaluated"].iloc[0]
    assert "用地面积缺失或为零，不参评" in off["evaluation_note"].iloc[0]


# =============================================================================================
# grading.separate_scales 「规上、规下分别排位」 and grading.grade_labels.


def _ten_firms() -> pd.DataFrame:
    # five 规上 firms scoring 100–140 (tax 240.97 + k × 80.3233 → +10 k 分) and five 规下 firms
    # scoring far less (亩均税收 ≤ 0.1, 电耗税收 ≤ 0.005: under 1 分 each).
    above = [
        _AT | {"uscc": uscc(k, "MA8H"), "tax_wan": 240.97 * (1 + k / 3)} for k in range(5)
    ]  # 100 + 30 × k/3 = 100, 110, 120, 130, 140
    below = [_below(10 + k, 5.0, 0.1 * (5 - k), 100.0) for k in range(5)]
    return pd.DataFrame(above + below)


def test_scales_are_ranked_apart_and_grades_carry_their_labels(yuecheng):
    # Separate (shipped): each scale 5 firms, best first q = 0.1 A, 0.3 B, 0.5 B, 0.7 C, 0.9 C
    # — the best 规下 firm is A although 99 规上 points above it.
    # One list (separate_scales = false): the 规下 firms rank 6–10 of 10,
    # q = 0.55 B, 0.65 C, 0.75 C, 0.85 C, 0.95 C (0.95 reaches C's edge); 规上 ranks 1–5:
    # q = 0.05 A, 0.15 A, 0.25 B, 0.35 B, 0.45 B.
    rows = _ten_firms()
    got = grade_enterprises(rows, profile=yuecheng).data
    a, b, c = Grade.A, Grade.B, Grade.C
    assert got["grade"].tolist() == [c, c, b, b, a, a, b, b, c, c]
    assert got["grade_group"].tolist() == ["规上"] * 5 + ["规下"] * 5
    # 分类评价 labels: A 优先支持, B 提升发展, C 整治提升 (grading.grade_labels)
    labels = dict(zip(got["grade"], got["grade_label"], strict=True))
    assert labels == {a: "优先支持", b: "提升发展", c: "整治提升"}
    one = with_param(yuecheng, "grading.separate_scales", value=False)
    got = grade_enterprises(rows, profile=one).data
    assert got["grade"].tolist() == [b, b, b, a, a, b, c, c, c, c]
    assert set(got["grade_group"]) == {"全部"}


# =============================================================================================
# grading.group_by = industry2 with grading.min_group_size 5: 「行业组不足 5 家并入其他行业」.


@pytest.mark.parametrize(("n39", "group"), [(5, "规下·行业39"), (4, "规下·其他行业")])
def test_industry_group_of_five_stands_and_of_four_is_pooled(yuecheng, n39, group):
    # 规下 firms: five in 3311 (大类 33) and n39 in 3911 (大类 39). 「不足 5 家」 excludes 5:
    # a 39 group of 5 is ranked on its own; of 4 it is pooled into 其他行业.
    # In its own group of 5 the best 39 firm is A (q = 0.1). Pooled, the 其他行业 group holds
    # the same 4 firms (no other small group): best q = 0.125 → A as well; the label differs.
    p = with_param(yuecheng, "grading.group_by", value="industry2")
    n = 5 + n39
    rows = pd.DataFrame(
        [
            _below(i, 5.0, 10.0 + i, 10.0, industry_code="3311" if i < 5 else "3911")
            for i in range(n)
        ]
    )
    got = grade_enterprises(rows, profile=p).data
    assert got["grade_group"].tolist() == ["规下·行业33"] * 5 + [group] * n39
    assert got["grade"].iloc[n - 1] == Grade.A
    assert yuecheng.value("grading.min_group_size") == 5


def test_the_shipped_profiles_read_grading_and_scoring_alike():
    # The county profiles set no grading / scoring preset of their own (只有 规下 3 亩 is theirs):
    # every one grades with the province preset, marked 示例规则（非官方）.
    names = ["zhejiang-2023", "shangyu-2022", "shengzhou-2022", "gongshu-2022", "yuecheng-2022"]
    for name in names:
        p = load_profile(name)
        assert p.value("grading.separate_scales") is True
        assert p.value("grading.group_by") == "none"
        assert not p.citation("grading.percentile_bands").official
        assert not p.citation("scoring.weights_above_scale").official


# =============================================================================================
# far.cap_floor_area: which floor area the 增容 cap of 2.5 reads [越政发〔2022〕24号 附件3 第二条:
# 「在符合相关技术规范的前提下，容积率上限可提高至 2.5」]. The shipped reading, the real floor area
# (the storey-over-8-m doubling of 国土资发〔2008〕24号 serves the national minimum), is a project
# default (official = false, 「待区自然资源和规划分局确认」): it may decide a 符合 only where the
# counted reading agrees. Where the two part, the cap is 待核实 and says why.


def _tall_sheds(n: int):
    """``n`` plots of 21 亩 (14000 m²), each with a single-storey 9 m shed of 60 m × 70 m:
    real floor area 4200 m² (容积率 0.30), counted 8400 m² (9 > 8: twice, 容积率 0.60)."""
    parcels = plots(n, mu=21.0).drop(columns="floor_area_m2")
    sheds = gpd.GeoDataFrame(
        {"parcel_id": parcels["parcel_id"].tolist(), "storeys": [1] * n, "storey_height_m": 9.0},
        geometry=[
            shapely.box(X0 + 1000 * i + 1, Y0 + 1, X0 + 1000 * i + 61, Y0 + 71) for i in range(n)
        ],
        crs=CRS,
    )
    return parcels, sheds


def test_cap_on_a_tall_shed_is_unknown_where_the_two_floor_areas_part(official):
    # 2.5 × 14000 = 35000 m² under the cap.
    #   甲 adds 10000: real (4200 + 10000) / 14000 = 1.014; counted 18400 / 14000 = 1.314
    #      → both ≤ 2.5 → 符合 (the reading does not matter)
    #   乙 adds 30800: real 35000 / 14000 = 2.5 (≤ 2.5, 「可提高至 2.5」 includes it);
    #      counted 39200 / 14000 = 2.8 > 2.5 → the readings part → 待核实, naming both figures
    #   丙 adds 30800.01: real 2.5000007 > 2.5 → 不符合 on either reading
    # Before: 乙 符合 on the project's reading alone.
    parcels, sheds = _tall_sheds(3)
    rows = [
        application(pid, i, added_floor_m2=a)
        for i, (pid, a) in enumerate(
            zip(parcels["parcel_id"], [10000.0, 30800.0, 30800.01], strict=True)
        )
    ]
    got = applications(official, parcels, rows, buildings=sheds)
    assert got["cap"].tolist() == [P, U, F]
    assert got["far_after"].tolist() == pytest.approx([14200 / 14000, 2.5, 35000.01 / 14000])
    note = got["cap_note"].iloc[1]
    assert "实施后容积率 2.50" in note and "计容建筑面积" in note and "2.80" in note
    assert "示例规则（非官方）" in note
    assert "越政发〔2022〕24号 附件3 第二条" in note and "[000" not in note
    assert got["zengrong"].iloc[1] == TBD
    # the shipped reading is the real floor area, a project default
    assert official.value("far.cap_floor_area") == "floor_area_m2"
    assert not official.citation("far.cap_floor_area").official


def test_cap_reading_confirmed_by_the_district_decides_alone(official):
    # The district confirms the real floor area (official = true): 乙 of the case above is
    # 符合 — 35000 / 14000 = 2.5 ≤ 2.5. Confirmed as the counted floor area instead: 乙 is
    # 不符合 — 39200 / 14000 = 2.8 > 2.5 — and 甲 (1.314) still 符合.
    parcels, sheds = _tall_sheds(2)
    rows = [
        application(parcels["parcel_id"].iloc[0], 0, added_floor_m2=10000.0),
        application(parcels["parcel_id"].iloc[1], 1, added_floor_m2=30800.0),
    ]
    confirmed = Citation("000", "附件3 二", official=True)
    real = with_param(official, "far.cap_floor_area", citation=confirmed)
    assert applications(real, parcels, rows, buildings=sheds)["cap"].tolist() == [P, P]
    counted = with_param(real, "far.cap_floor_area", value="floor_area_far_m2")
    got = applications(counted, parcels, rows, buildings=sheds)
    assert got["cap"].tolist() == [P, F]
    assert got["far_after"].tolist() == pytest.approx([18400 / 14000, 2.8])


def test_plot_with_room_only_on_the_real_floor_area_is_unknown(official):
    # No application: the plot's own room to 2.5. The shed of :func:`_tall_sheds` with 5
    # storeys of 9 m: footprint 4200 m², real 4200 × 5 = 21000 m² (容积率 1.5), counted 42000 m²
    # (3.0). Room on the real floor area 35000 − 21000 = 14000 m² > 0 (「有增容空间」); on the
    # counted none (3.0 ≥ 2.5) → the readings part → 待核实 (before: 符合).
    parcels, sheds = _tall_sheds(1)
    sheds["storeys"] = 5
    screened = check_parcels(zengrong_inputs(official, parcels, buildings=sheds))
    assert screened["far"].iloc[0] == pytest.approx(1.5)
    assert screened["far_minimum"].iloc[0] == pytest.approx(3.0)
    assert screened["headroom_m2"].iloc[0] == pytest.approx(14000.0)
    assert screened["cap"].iloc[0] == U
    assert "计容建筑面积" in screened["cap_note"].iloc[0]


# =============================================================================================
# far.raster_storey_height_m: a footprint with only a building height has
# n = max(1, ⌊h / 5 + ½⌋) storeys (项目默认 5 m, 示例规则（非官方）).


def test_storeys_estimated_from_height_use_the_profile_storey_height(yuecheng):
    # 21 亩 = 14000 m² plots, one 1000 m² footprint (20 m × 50 m) each, height only:
    #   12.5 m → 12.5 / 5 = 2.5 → ⌊3.0⌋ = 3 storeys → 3000 m² (容积率 3000 / 14000)
    #   12.4 m → 2.48 → ⌊2.98⌋ = 2 → 2000 m²
    #    2.4 m → 0.48 → ⌊0.98⌋ = 0 → at least 1 → 1000 m²
    # With 4 m storeys: 12.5 / 4 = 3.125 → 3; 12.4 → 3.1 → 3; 2.4 → 0.6 → ⌊1.1⌋ = 1.
    parcels = plots(3, mu=21.0).drop(columns="floor_area_m2")
    blocks = gpd.GeoDataFrame(
        {"parcel_id": parcels["parcel_id"].tolist(), "height_m": [12.5, 12.4, 2.4]},
        geometry=[
            shapely.box(X0 + 1000 * i + 1, Y0 + 1, X0 + 1000 * i + 21, Y0 + 51) for i in range(3)
        ],
        crs=CRS,
    )
    got = compute_far(parcels, profile=yuecheng, buildings=blocks)
    assert got["floor_area_m2"].tolist() == pytest.approx([3000.0, 2000.0, 1000.0])
    assert got["far"].tolist() == pytest.approx([3000 / 14000, 2000 / 14000, 1000 / 14000])
    four = with_param(yuecheng, "far.raster_storey_height_m", value=4.0)
    got = compute_far(parcels, profile=four, buildings=blocks)
    assert got["floor_area_m2"].tolist() == pytest.approx([3000.0, 3000.0, 1000.0])
    assert not yuecheng.citation("far.raster_storey_height_m").official


# =============================================================================================
# far.national_floors 工业项目建设用地控制指标（国土资发〔2008〕24号）表2 by 2002 大类: 容积率
# 「不低于」 the floor, so a plot exactly at it is not below.


@pytest.mark.parametrize(
    ("code", "floor"),
    [
        ("1711", 0.8),  # 2017 棉纺纱加工 → 2002 大类 17 纺织业: 0.8
        ("2511", 0.5),  # 2017 原油加工 → 2002 25 石油加工: 0.5
        ("1311", 1.0),  # 2017 稻谷加工 → 2002 13 农副食品加工: 1.0
    ],
)
def test_national_floor_by_division_at_and_just_under(yuecheng, code, floor):
    # 18 亩 = 12000 m²: floor area 12000 × floor is exactly at it (not below); 0.01 m² less
    # is below: (12000 × floor − 0.01) / 12000 < floor.
    parcels = plots(2, mu=18.0).drop(columns="floor_area_m2")
    parcels["floor_area_m2"] = [12000.0 * floor, 12000.0 * floor - 0.01]
    far = compute_far(parcels, profile=yuecheng)
    industry = pd.DataFrame(
        {"industry_code": [code] * 2, "industry_edition": ["2017"] * 2}, index=parcels.index
    )
    got = far_floors(far["far_minimum"], industry, profile=yuecheng)
    assert got["far_floor"].tolist() == [floor, floor]
    assert got["below_floor"].tolist() == [False, True]


# =============================================================================================
# linking.area_tolerance (项目默认 5 %, 示例规则（非官方）): every reader of it — 地企关联's
# 图形 vs 申报 area, the 申报用地 check, 批而未供 ledger vs polygon — warns where the two differ
# by more than it (「超过容差」). The profile's own note said 「相差 5% 以上记为问题」, which read
# as a lawyer includes 5 %: the note now says 「超过 5%」, as the code and its messages do.


def test_area_difference_over_5_percent_is_flagged_and_5_percent_is_not(yuecheng):
    # Declared 10000 m²; drawn 105 m × 100 m = 10500 m² → 500 / 10000 = 5 % → not over;
    # 105.1 m × 100 m = 10510 m² → 5.1 % → 「超过容差 5%」, a 警告 row naming the plot.
    parcels = parcels_of([rectangle(105.0, 100.0, 0), rectangle(105.1, 100.0, 1)])
    parcels["area_declared_m2"] = [10000.0, 10000.0]
    linked = link_parcels(parcels, firms(2), owner_links(parcels), profile=yuecheng)
    rows = linked.problems[linked.problems["field"] == "area_declared_m2"]
    assert rows["value"].str.startswith(parcels["parcel_id"].iloc[1]).tolist() == [True]
    assert "相差 5.1%，超过容差 5%" in rows["problem"].iloc[0]
    assert "超过 5%" in yuecheng.citation("linking.area_tolerance").clause
