"""Hand-worked policy cases, round 7: the decision rules with the fewest hand cases so far.

Counted as round 6 did (``tests/test_policy_hand_cases5.py``): by grep over the hand-case files
(``tests/test_policy_hand_*.py``, ``tests/test_policy_boundaries_hand.py``,
``tests/test_agreement.py``, ``tests/test_paths.py``), the number of test functions that name the
rule id, its profile key or the input field that drives it, before this file:

- 规下 in scope from 3 亩 (``scoring.below_scale_min_land_mu``, since merged into
  ``screening.small_firm_min_land_mu``) 1 (the profile value only);
- 排查重点 3 亩 (``screening.small_firm_min_land_mu``) 1;
- 分档 by rank (``grading.percentile_bands``) 0 — the one rank case ties two firms at the top;
- 标准地 单位能耗工业增加值 (``zengrong.cond6.energy_value_added_per_tce_wan``) 0;
- 标准地 单位排放工业增加值 (``zengrong.cond6.emission_value_added_per_t_wan``) 0;
- 连片 100 亩以上 (``blocks.min_area_mu``, ``block:large``) 1 / 0;
- 连片 gap (``blocks.gap_m``) 1.

Every expected value was worked out on paper from the clause it cites (texts in
``/work/shared/seeds/``) before the code ran:

- 虞政发〔2022〕12号 第三条第（二）项第1目: 「以规上制造业企业、实际用地3亩以上的规下制造业企业为
  重点开展排查」 (嵊政〔2022〕28号 第三条第（二）项第1目: 「实际用地3亩(含)以上」).
- 越政发〔2022〕24号 附件3 第三条第6项: 「相关投资、能耗、排放、亩均产出、研发投入等指标参照《浙江省
  企业投资工业项目“标准地”工作指引（2022版）》执行」 — control values are minima, reached at
  the value itself; the county values here are ``tests._hand.OFFICIAL_STANDARD_LAND``.
- 越政发〔2022〕24号 第三条第4项: 「重点对占地100亩以上低效工业用地连片改造」.
- 分档 A 前 20%、B 其后 40%、C 其后 35%、D 末 5% (淮安, 示例规则（非官方）; ``grading.toml``).

1 亩 = 10000/15 m². Comparisons follow 《民法典》第1259条: 「以上」「不低于」 include the number;
「不足」「低于」 do not. Missing data is 待核实 (or 不参评 with its reason), never 符合; a value
marked 示例规则（非官方） never makes a check 符合 on its own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from landgov.efficiency import Grade, grade_enterprises
from landgov.policy import load_profile
from landgov.screening import check_low_efficiency
from landgov.screening.blocks import find_blocks
from landgov.units import M2_PER_MU
from tests._hand import (
    CRS,
    OFFICIAL_STANDARD_LAND,
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
    screen_plots,
    square,
    uscc,
    with_standard_land,
)

# =============================================================================================
# 亩均评价 scope [虞政发〔2022〕12号 第三条第（二）项第1目]: 「实际用地3亩以上的规下制造业企业」.
# 「以上」 includes 3 (《民法典》第1259条): 3.00 亩 in, 2.99 亩 out (「不足 3 亩」), blank land
# 不参评 with the reason — never graded as if it had land.


@pytest.mark.parametrize("name", ["shangyu-2022", "shengzhou-2022"])
def test_below_scale_firm_is_evaluated_from_3_mu_up(name):
    # Four 规下 firms, tax 10 万元, power 50 万kWh:
    #   3.00 亩 → 3.00 ≥ 3 → 参评 (graded)
    #   3.01 亩 → 参评
    #   2.99 亩 → 2.99 < 3 → 「规下企业用地不足 3 亩，不参评」 citing the county's own clause
    #   blank  → 「用地面积缺失或为零，不参评」, no grade
    profile = load_profile(name)
    assert profile.value("screening.small_firm_min_land_mu") == 3.0
    assert profile.citation("screening.small_firm_min_land_mu").official
    lands = [3.0, 3.01, 2.99, np.nan]
    rows = pd.DataFrame(
        [
            {
                "uscc": uscc(i, "MA7A"),
                "above_scale": False,
                "land_mu": mu,
                "tax_wan": 10.0,
                "power_10k_kwh": 50.0,
                "industry_code": "3311",  # 制造业 (门类 C): only 制造业 firms are evaluated
            }
            for i, mu in enumerate(lands)
        ]
    )
    got = grade_enterprises(rows, profile=profile).data
    assert got["evaluated"].tolist() == [True, True, False, False]
    assert got["grade"].iloc[0] is not None and got["grade"].iloc[1] is not None
    assert got["grade"].iloc[2] is None and got["grade"].iloc[3] is None
    note = got["evaluation_note"].iloc[2]
    assert "不足 3 亩" in note
    doc = "虞政发〔2022〕12号" if name == "shangyu-2022" else "嵊政〔2022〕28号"
    assert doc in note and "第三条第（二）项第1目" in note
    assert "用地面积缺失" in got["evaluation_note"].iloc[3]


def test_small_below_scale_firm_is_judged_but_marked_outside_the_focus(shangyu):
    # 「…实际用地3亩以上的规下制造业企业为重点开展排查」 sets a focus, not an exclusion
    # (screening.small_firm_min_land_mu; 「全域工业用地」 [001 三(一)1] are all judged).
    # Four plots of 10 亩, tax 40 万元 → 亩均税收 4 ≤ 5 → 低效 (不符合) on each, whatever the focus.
    # Its 规下 firm uses 3.00 / 2.99 / blank / 2.99 亩 (the last one 规上):
    #   3.00 ≥ 3 → in focus;  2.99 < 3 → 「规下且用地不足 3 亩，不属排查重点」;
    #   blank → focus not known (None), never 「不属排查重点」; 规上 → in focus whatever its land.
    assert shangyu.value("screening.small_firm_min_land_mu") == 3.0
    assert shangyu.value("screening.low_efficiency_tax_per_mu") == 5.0
    parcels = parcels_of([square(10.0, i) for i in range(4)], tax_wan=[40.0] * 4)
    parcels["area_m2"] = parcels.geometry.area
    ents = pd.DataFrame(
        {
            "uscc": [uscc(i) for i in range(4)],
            "above_scale": [False, False, False, True],
            "land_mu": [3.0, 2.99, np.nan, 2.99],
            "industry_code": "3311",  # 制造业 (门类 C): the focus turns on scale and land
        }
    )
    got = check_low_efficiency(
        parcels, enterprises=ents, pairs=owner_links(parcels), profile=shangyu
    )
    assert [v.status for v in got] == [F, F, F, F]
    assert [v.values["in_focus"] for v in got] == [True, False, None, True]
    assert "不属排查重点" in got.iloc[1].reason
    assert "虞政发〔2022〕12号 第三条第（二）项第1目" in got.iloc[1].reason
    for i in (0, 2, 3):
        assert "不属排查重点" not in got.iloc[i].reason


# =============================================================================================
# 分档 by rank (淮安 A 前 20%、B 其后 40%、C 其后 35%、D 末 5%; 示例规则（非官方）). Rank r of n
# (1 best), position q = (r − ½)/n; the first band whose cumulative share reaches q (edges
# included): A ≤ 0.20, B ≤ 0.60, C ≤ 0.95, D above.


def test_percentile_band_edges_with_twenty_firms(yuecheng):
    # 20 规下 firms on 10 亩 each, 用电 100 万kWh; tax 200 − 5·i 万元 gives distinct scores,
    # rank r = i + 1. q = (r − 0.5)/20:
    #   r = 4  → 0.175 ≤ 0.20 → A;  r = 5  → 0.225 → B      (A = 4 firms = 20 % of 20)
    #   r = 12 → 0.575 ≤ 0.60 → B;  r = 13 → 0.625 → C      (B = 8 firms = 40 %)
    #   r = 19 → 0.925 ≤ 0.95 → C;  r = 20 → 0.975 → D      (C = 7 firms = 35 %, D = 1 = 5 %)
    # A 21st firm with its tax blank is not evaluated: no grade, and it does not move the others
    # (n stays 20).
    bands = yuecheng.value("grading.percentile_bands")
    assert bands == {"A": 0.20, "B": 0.40, "C": 0.35, "D": 0.05}
    assert yuecheng.value("grading.method") == "percentile"
    rows = [
        {
            "uscc": uscc(i, "MA7B"),
            "above_scale": False,
            "land_mu": 10.0,
            "tax_wan": 200.0 - 5.0 * i,
            "power_10k_kwh": 100.0,
            "industry_code": "3311",  # 制造业 (门类 C): only 制造业 firms are evaluated
        }
        for i in range(20)
    ]
    rows.append(
        {
            "uscc": uscc(20, "MA7B"),
            "above_scale": False,
            "land_mu": 10.0,
            "tax_wan": np.nan,
            "power_10k_kwh": 100.0,
            "industry_code": "3311",
        }
    )
    got = grade_enterprises(pd.DataFrame(rows), profile=yuecheng).data
    A, B, C, D = Grade.A, Grade.B, Grade.C, Grade.D
    assert got["grade"].tolist()[:20] == [A] * 4 + [B] * 8 + [C] * 7 + [D]
    assert not got["evaluated"].iloc[20]
    assert got["grade"].iloc[20] is None


# =============================================================================================
# 增容 条件6 [越政发〔2022〕24号 附件3 第三条第6项] 标准地: 单位能耗工业增加值 and
# 单位排放工业增加值 are minima (万元/吨标准煤, 万元/吨), reached at the control value.
# County values (official): 1.5 万元/吨标准煤, 100 万元/吨.


def test_energy_indicator_at_above_below_and_missing(yuecheng):
    # 工业增加值 3000 万元 on 21 亩:
    #   能耗 2000 t   → 3000 / 2000    = 1.5        ≥ 1.5 → 符合 (at the value)
    #   能耗 1999 t   → 3000 / 1999    = 1.500750   ≥ 1.5 → 符合
    #   能耗 2000.1 t → 3000 / 2000.1  = 1.499925   < 1.5 → 不符合 (never rounded up to 1.50)
    #   能耗 blank    → 待核实, naming 达产后年综合能耗
    official = with_standard_land(yuecheng, OFFICIAL_STANDARD_LAND)
    assert official.value("zengrong.standard_land")["energy_value_added_per_tce_wan"] == 1.5
    parcels = plots(4)
    pid = parcels["parcel_id"].tolist()
    energies = [2000.0, 1999.0, 2000.1, None]
    rows = [application(pid[i], i, energy_tce=e) for i, e in enumerate(energies)]
    got = applications(official, parcels, rows)
    assert got["cond6"].tolist() == [P, P, F, U]
    assert "单位能耗工业增加值（能耗） 1.499925 万元/吨标准煤" in got["cond6_note"].iloc[2]
    assert "未达到" in got["cond6_note"].iloc[2]
    assert "综合能耗" in got["cond6_note"].iloc[3]


def test_emission_indicator_at_above_below_and_missing(yuecheng):
    # 工业增加值 3000 万元 on 21 亩:
    #   排放 30 t    → 3000 / 30    = 100        ≥ 100 → 符合 (at the value)
    #   排放 29.9 t  → 3000 / 29.9  = 100.334448 ≥ 100 → 符合
    #   排放 30.01 t → 3000 / 30.01 = 99.966678  < 100 → 不符合 (shown 99.97: enough to tell)
    #   排放 blank   → 待核实, naming 主要污染物年排放量
    official = with_standard_land(yuecheng, OFFICIAL_STANDARD_LAND)
    assert official.value("zengrong.standard_land")["emission_value_added_per_t_wan"] == 100.0
    parcels = plots(4)
    pid = parcels["parcel_id"].tolist()
    emissions = [30.0, 29.9, 30.01, None]
    rows = [application(pid[i], i, emission_t=e) for i, e in enumerate(emissions)]
    got = applications(official, parcels, rows)
    assert got["cond6"].tolist() == [P, P, F, U]
    assert "单位排放工业增加值（排放） 99.97 万元/吨" in got["cond6_note"].iloc[2]
    assert "排放量" in got["cond6_note"].iloc[3]


def test_energy_and_emission_against_example_values_are_to_verify(yuecheng):
    # The same control values marked 示例规则（非官方）: reaching them is no 符合 and falling
    # short is no 不符合 — 待核实 until the county's own value is set, the shortfall named as
    # 「不符合风险」. yuecheng-2022 as shipped has no control value for either: 待核实
    # 「控制值未配置」.
    example = with_standard_land(yuecheng, OFFICIAL_STANDARD_LAND, official=False)
    parcels = plots(2)
    pid = parcels["parcel_id"].tolist()
    rows = [
        application(pid[0], 0, energy_tce=2000.0, emission_t=30.0),  # 1.5 and 100: at the values
        application(pid[1], 1, energy_tce=2000.1, emission_t=30.01),  # just below both
    ]
    got = applications(example, parcels, rows)
    assert got["cond6"].tolist() == [U, U]
    at, below = got["cond6_note"].tolist()
    for label in ("单位能耗工业增加值（能耗） 1.5", "单位排放工业增加值（排放） 100"):
        assert label in at, at
    assert at.count("达到示例控制值") >= 2
    assert "单位能耗工业增加值（能耗） 1.499925" in below and "（排放） 99.97 万元/吨" in below
    assert below.count("不符合风险") >= 2
    shipped = applications(yuecheng, parcels, rows[:1])
    note = shipped["cond6_note"].iloc[0]
    assert shipped["cond6"].iloc[0] == U
    assert "单位能耗工业增加值（能耗） 1.50 万元/吨标准煤，控制值未配置" in note, note
    assert "单位排放工业增加值（排放） 100.00 万元/吨，控制值未配置" in note, note


# =============================================================================================
# 连片 [越政发〔2022〕24号 第三条第4项] 「占地100亩以上」: 100.00 亩 is large; 99.99 亩 is not.
# Two plots touching along a 100 m side (gap 0 ≤ 10 m) form one block.


def _pair(mu_a: float, mu_b: float, *, gap: float = 0.0, area_m2=None):
    """Two 100 m wide plots of ``mu_a`` and ``mu_b`` 亩, ``gap`` m apart (east–west)."""
    da, db = mu_a * M2_PER_MU / 100.0, mu_b * M2_PER_MU / 100.0
    geoms = [
        shapely.box(X0, Y0, X0 + 100.0, Y0 + da),
        shapely.box(X0 + 100.0 + gap, Y0, X0 + 200.0 + gap, Y0 + db),
    ]
    frame = parcels_of(geoms)
    if area_m2 is not None:
        frame["area_m2"] = area_m2
    return frame.set_crs(CRS, allow_override=True)


def test_block_of_100_mu_is_large_and_99_99_is_not(yuecheng):
    # blocks.min_area_mu = 100, ">=" (越城区's own clause):
    #   50 + 50    = 100.00 亩 → large
    #   50 + 49.99 =  99.99 亩 → not large
    #   50 + 50.01 = 100.01 亩 → large
    param = yuecheng["blocks.min_area_mu"]
    assert (param.value, param.comparison) == (100.0, ">=")
    assert yuecheng.citation("blocks.min_area_mu").official
    for other, large in [(50.0, True), (49.99, False), (50.01, True)]:
        ids, blocks = find_blocks(
            _pair(50.0, other), min_area_mu=param.value, area_comparison=param.comparison
        )
        assert ids.nunique() == 1
        (row,) = blocks.itertuples()
        assert row.area_mu == pytest.approx(50.0 + other)
        assert bool(row.large) is large, (other, row.area_mu)


def test_block_with_a_plot_of_unknown_area_is_large_only_when_the_known_part_is(yuecheng):
    # A plot whose area is blank (flagged implausible) leaves the block's area unknown:
    #   known 100 亩 + unknown → at least 100 ≥ 100 → large (whatever the other adds)
    #   known  60 亩 + unknown → 60 < 100, the unknown plot may make it up → <NA> (待核实),
    #   never 「not large」.
    param = yuecheng["blocks.min_area_mu"]
    for known, large in [(100.0, True), (60.0, None)]:
        frame = _pair(known, 10.0, area_m2=[known * M2_PER_MU, np.nan])
        _, blocks = find_blocks(frame, min_area_mu=param.value, area_comparison=param.comparison)
        (row,) = blocks.itertuples()
        if large is None:
            assert pd.isna(row.large), row.large
        else:
            assert bool(row.large) is True


def test_plots_10_m_apart_join_and_10_01_m_apart_do_not(yuecheng):
    # blocks.gap_m = 10, "<=" (项目默认 「10米以内（含）」): 60 + 60 亩 = 120 亩.
    #   gap 10.00 m → one block of 120 亩 (large)
    #   gap 10.01 m → two blocks of 60 亩 (neither large)
    gap = yuecheng["blocks.gap_m"]
    assert (gap.value, gap.comparison) == (10.0, "<=")
    param = yuecheng["blocks.min_area_mu"]
    for metres, n in [(10.0, 1), (10.01, 2)]:
        ids, blocks = find_blocks(
            _pair(60.0, 60.0, gap=metres),
            gap_m=gap.value,
            gap_comparison=gap.comparison,
            min_area_mu=param.value,
            area_comparison=param.comparison,
        )
        assert ids.nunique() == n
        assert blocks["large"].astype(bool).tolist() == ([True] if n == 1 else [False, False])


# =============================================================================================
# 四个一批 R3 「低效且属100亩以上连片低效地块 → 拆除重建」 (示例规则（非官方） path table;
# 连片 100 亩以上 is 越城区's own [越政发〔2022〕24号 第三条第4项]). 甲 60 亩 容积率 0.5 < 0.7
# (3311 → 2002 大类 34, 国土资发〔2008〕24号 表2) and 亩均税收 60 / 60 = 1 ≤ 5 → R3 拆除重建 by
# its first term: a seed block of 60 亩. 乙 touches 甲, 容积率 0.8 ≥ 0.7, 亩均税收 1 ≤ 5:
#   乙 40.00 亩 → block 60 + 40 = 100 ≥ 100 → large → R3 拆除重建, joins 甲's block
#   乙 39.99 亩 → 99.99 < 100 → not large → R4 整治提升, in no block; 甲's block stays 60 亩
#   乙 tax blank → 低效 待核实 → 乙 待核实 with no path guessed; 甲's block stays 60, not large


def _r3_pair(yuecheng, mu_b: float, tax_b):
    da, db = 60.0 * M2_PER_MU / 100.0, mu_b * M2_PER_MU / 100.0
    geoms = [
        shapely.box(X0, Y0, X0 + 100.0, Y0 + da),
        shapely.box(X0 + 100.0, Y0, X0 + 200.0, Y0 + db),
    ]
    parcels = parcels_of(geoms)
    parcels["floor_area_m2"] = parcels.geometry.area * pd.Series([0.5, 0.8])
    ents = firms(2, tax_wan=[60.0, tax_b], land_mu=[60.0, mu_b])
    return screen_plots(yuecheng, parcels, ents).parcels


@pytest.mark.parametrize(
    ("mu_b", "tax_b", "path_b", "status_b", "area", "large"),
    [
        (40.0, 40.0, "拆除重建", "治理", 100.0, True),
        (39.99, 39.99, "整治提升", "治理", 60.0, False),
        (40.0, None, None, "待核实", 60.0, False),
    ],
)
def test_low_efficiency_plot_joining_a_100_mu_block_is_rebuilt(
    yuecheng, mu_b, tax_b, path_b, status_b, area, large
):
    (r3,) = [r for r in yuecheng.value("paths.rules") if r["id"] == "R3"]
    assert "low_efficiency:不符合&block:large" in r3["any"]
    got = _r3_pair(yuecheng, mu_b, tax_b)
    assert got["path"].iloc[0] == "拆除重建" and got["path_rule"].iloc[0] == "R3"
    assert got["block_area_mu"].iloc[0] == pytest.approx(area)
    assert bool(got["block_large"].iloc[0]) is large
    assert got["screening_status"].iloc[1] == status_b
    if path_b is None:
        assert pd.isna(got["path"].iloc[1]) and pd.isna(got["block_id"].iloc[1])
        assert "tax_wan" in got["to_verify"].iloc[1]
    else:
        assert got["path"].iloc[1] == path_b
        joined = path_b == "拆除重建"
        assert (got["block_id"].iloc[1] == got["block_id"].iloc[0]) is joined
        assert got["path_rule"].iloc[1] == ("R3" if joined else "R4")


# =============================================================================================
# 镇街汇总 against the district's targets. 上虞 「亩均税收…31万元/亩」 (2023) [虞政发〔2022〕12号
# 第二条, 指标体系表 #2]; gap = target − now (positive: still short of it). 规上 firms on 10 亩:
#   百官 tax 310   → 31.00 → gap 0      (the target reached, at the number itself)
#   曹娥 tax 310.1 → 31.01 → gap −0.01  (above it)
#   东关 tax 309.9 → 30.99 → gap +0.01  (short of it)
#   道墟 tax blank → no figure and no gap (never 31 − 0 = 31, never 0)
#   全区 (310 + 310.1 + 309.9) / 30 = 31.00 → gap 0; 道墟's 10 亩 are out of the denominator.
# 越城 has no number in its text (「规模以上工业亩均税收实现翻番」): its 41.6 is the project's
# 20.8 × 2 and the summary says so (项目推算（非文件数值）), never as the document's figure.


def test_township_gap_to_the_tax_target_at_above_below_and_missing(shangyu, yuecheng):
    from landgov.summary import summarise

    assert (shangyu.value("targets.tax_per_mu"), shangyu.value("targets.tax_per_mu_year")) == (
        31.0,
        2023,
    )
    towns = ["百官街道", "曹娥街道", "东关街道", "道墟街道"]
    plots_ = pd.DataFrame(
        {
            "parcel_id": [f"P{i}" for i in range(4)],
            "township": towns,
            "area_mu": [10.0] * 4,
            "screening_status": ["不列入"] * 4,
            "path": [None] * 4,
            "usccs": [f"U{i}" for i in range(4)],
        }
    )
    ents = pd.DataFrame(
        {
            "uscc": [f"U{i}" for i in range(4)],
            "above_scale": True,
            "tax_wan": [310.0, 310.1, 309.9, np.nan],
            "value_added_wan": [1350.0, 1351.0, 1349.0, np.nan],
            "land_mu": 10.0,
        }
    )
    rows = summarise(plots_, enterprises=ents, profile=shangyu).set_index("township")
    assert rows.loc[towns[:3], "tax_per_mu_target"].tolist() == [31.0] * 3
    assert rows.loc[towns[:3], "tax_per_mu_gap"].tolist() == pytest.approx([0.0, -0.01, 0.01])
    assert np.isnan(rows.loc["道墟街道", "tax_per_mu_above_scale"])
    assert np.isnan(rows.loc["道墟街道", "tax_per_mu_gap"])
    assert rows.loc["全区", "tax_per_mu_above_scale"] == pytest.approx(31.0)
    assert rows.loc["全区", "tax_per_mu_gap"] == pytest.approx(0.0, abs=1e-9)
    assert "虞政发〔2022〕12号 第二条" in rows.loc["全区", "target_source"]
    assert "项目推算" not in rows.loc["全区", "target_source"]
    derived = summarise(plots_, enterprises=ents, profile=yuecheng).set_index("township")
    assert derived.loc["全区", "tax_per_mu_target"] == 41.6
    assert derived.loc["全区", "tax_per_mu_gap"] == pytest.approx(41.6 - 31.0)
    assert "项目推算（非文件数值）" in derived.loc["全区", "target_source"]
    assert "20.8 × 2" in derived.loc["全区", "target_source"]
