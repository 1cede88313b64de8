"""Hand-worked policy cases, round 13: each rule at its boundary in every county profile.

The audit of round 13 went row by row through ``docs/policy.md`` and asked, for each profile
that sets a rule (shangyu-2022, shengzhou-2022, gongshu-2022, yuecheng-2022, zhejiang-2023):
is the rule checked exactly at its threshold, just above, just below and with the input missing,
and does the reason cite the document that binds that county — by its 文号 and clause, with
「参照」 where the clause is another county's (never a seed number)?

Most values are the same figure in every profile; what differs is whose text it is. The
规划/控制线/拆迁 rules are 越政发〔2022〕24号's: its own in 越城, borrowed (「参照越政发〔2022〕24号
…」, 示例规则（非官方）) in 上虞, 嵊州, 拱墅 and the province baseline. A reason that cites the
clause of another county's document as if it bound the county misleads the person who checks it.

Plots are 21 亩 squares (14000 m², :func:`tests._hand.square`), 1 km apart; reference date
2024-06-30 (:data:`tests._hand.AS_OF`).
"""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from landgov.policy import load_profile
from landgov.screening import check_control_line, check_demolition, check_planning
from tests._hand import (
    AS_OF,
    CRS,
    F,
    P,
    U,
    firms,
    parcels_of,
    plots,
    screen_plots,
    square,
    statuses,
    with_param,
)

#: The profiles that borrow 越政发〔2022〕24号's 规划, 控制线 and 拆迁 rules.
BORROWING_000 = ["shangyu-2022", "shengzhou-2022", "gongshu-2022", "zhejiang-2023"]
ALL = [*BORROWING_000, "yuecheng-2022"]

PLAN_CLAUSE = "越政发〔2022〕24号 第七条第19项"
DEMOLITION_CLAUSE = "越政发〔2022〕24号 附件3 第三条第1项"


def _cited(name: str, clause: str) -> str:
    """How a reason of profile ``name`` opens its citation of a 越政发〔2022〕24号 clause."""
    return f"[{clause}]" if name == "yuecheng-2022" else f"[参照{clause}]"


def _plots(n: int) -> gpd.GeoDataFrame:
    return parcels_of([square(21.0, i) for i in range(n)])


def _split(parcels: gpd.GeoDataFrame, shares: list[float]) -> gpd.GeoDataFrame:
    """A planning layer: the western ``share`` of each plot 商业用地 outside the control line,
    the rest 工业用地 inside it."""
    geoms, uses, inside = [], [], []
    for geom, s in zip(parcels.geometry, shares, strict=True):
        x0, y0, x1, y1 = geom.bounds
        cut = x0 + (x1 - x0) * s
        if s > 0:
            geoms.append(shapely.box(x0, y0, cut, y1))
            uses.append("商业用地")
            inside.append("否")
        geoms.append(shapely.box(cut, y0, x1, y1))
        uses.append("工业用地")
        inside.append("是")
    return gpd.GeoDataFrame(
        {"planned_use": uses, "inside_control_line": inside}, geometry=geoms, crs=CRS
    )


# =============================================================================================
# 规划 and 控制线: 越政发〔2022〕24号 第七条第19项 「确需改变用途的，实行“改一补一”」「落实工业用地
# 控制线管理要求」; screening.planning_nonindustrial_share and control_line_outside_share 0.5,
# 「一半以上（含）」 (">="), 示例规则（非官方） in every profile (the document sets no share).


@pytest.mark.parametrize("name", ALL)
def test_planning_and_control_line_at_half_in_every_profile_cite_whose_text_it_is(name):
    """Four 21 亩 plots, the western part 商业用地 outside the control line:
    甲 50 % → 「一半以上（含）」 reached → 不符合 (the share is an example: the note says so);
    乙 49 % → not reached, but only an example share says so → 待核实, never 符合;
    丙 51 % → 不符合; 丁 0 % → nothing of it is planned otherwise: a plain fact → 符合.
    No planning layer → 待核实 for all four.

    Every reason cites 越政发〔2022〕24号 第七条第19项 — in 越城 as its own text, elsewhere as
    「参照越政发〔2022〕24号 第七条第19项」 (was: 丁's 符合 cited the clause bare in 上虞, 嵊州,
    拱墅 and the province, as if 越城's text bound them)."""
    profile = load_profile(name)
    parcels = _plots(4)
    layer = _split(parcels, [0.5, 0.49, 0.51, 0.0])
    for check in (check_planning, check_control_line):
        got = check(parcels, planning=layer, profile=profile)
        assert statuses(got) == [F, U, F, P], check.__name__
        for v in got:
            assert str(v.citation).startswith(_cited(name, PLAN_CLAUSE)), v.explain()
            assert "[000" not in v.explain()
        none = check(parcels, planning=None, profile=profile)
        assert statuses(none) == [U] * 4
        assert all(str(v.citation).startswith(_cited(name, PLAN_CLAUSE)) for v in none)


# =============================================================================================
# 拆迁: 越政发〔2022〕24号 附件3 第三条第1项 「未列入近年拆迁计划」; overlay.demolition_share 0.1
# (">=", 「10% 以上（含本数）」) and demolition_window_years 3 ("<="), both 示例规则（非官方）.


@pytest.mark.parametrize("name", ALL)
def test_demolition_at_ten_percent_in_every_profile_cites_whose_text_it_is(name):
    """Five 21 亩 plots, a plan over the western part of the first four (as of 2024-06-30):
    甲 10 % of a 2021 plan (3 years back, 「近年」 ≤ 3 years includes 3) → 不符合;
    乙 9 % of a 2021 plan → below the example share: 待核实, never 符合;
    丙 10 % of a 2020 plan (4 years back) → outside the example window: 待核实;
    丁 10 % of a plan without a year → 待核实 (the year named as missing);
    戊 no plan over it → 符合 (a plain fact). No demolition layer → 待核实 for all five.

    Every reason cites 越政发〔2022〕24号 附件3 第三条第1项 — as its own text in 越城,
    「参照…」 elsewhere (was: 丁's and 戊's reasons cited the clause bare outside 越城)."""
    profile = load_profile(name)
    parcels = _plots(5)
    geoms = []
    for geom, s in zip(parcels.geometry[:4], [0.1, 0.09, 0.1, 0.1], strict=True):
        x0, y0, x1, y1 = geom.bounds
        geoms.append(shapely.box(x0, y0, x0 + (x1 - x0) * s, y1))
    plans = gpd.GeoDataFrame(
        {"plan_name": ["甲", "乙", "丙", "丁"], "plan_year": [2021, 2021, 2020, None]},
        geometry=geoms,
        crs=CRS,
    )
    got = check_demolition(parcels, demolition=plans, profile=profile, as_of=AS_OF)
    assert statuses(got) == [F, U, U, U, P]
    for v in got:
        assert str(v.citation).startswith(_cited(name, DEMOLITION_CLAUSE)), v.explain()
        assert "[000" not in v.explain()
    none = check_demolition(parcels, demolition=None, profile=profile, as_of=AS_OF)
    assert statuses(none) == [U] * 5
    assert all(str(v.citation).startswith(_cited(name, DEMOLITION_CLAUSE)) for v in none)


# =============================================================================================
# 用而未尽 with the industry unknown: 浙政发〔2023〕4号 第二条第（一）项第1目 「用而未尽」; the
# floor is the national 容积率 control floor of the industry (国土资发〔2008〕24号 表2, 0.5 … 1.0
# over the GB/T 4754-2002 divisions; 1.0 is also the 示例规则 default of a non-manufacturing
# code), and under-used is 「低于」 the floor (``"<"``: the floor itself is not under-used). Same
# figures in every profile (all inherit zhejiang-2023).


@pytest.mark.parametrize("name", ALL)
def test_under_used_with_the_industry_unknown_at_the_lowest_and_highest_floor(name):
    """Six 21 亩 plots, each held by a firm without an industry code, 容积率 =
    甲 0.499 → below 0.5, the lowest floor any industry has → 不符合, and the reason reads
    「容积率 0.499 … 低于 … 最低值 0.5」 (was: 「容积率 0.5 … 低于 … 最低值 0.5」, the figure
    rounded to 2 decimals onto the floor it is said to be below);
    乙 0.5 → not below 0.5 (「低于」 excludes it), below 1.0 → 待核实, the industry code named;
    丙 0.9999 → 待核实 likewise, and read 0.9999, never 「1」 beside the range 0.5–1;
    丁 1.0 → not below any floor, but 1.0 is the example default → 待核实, never 符合;
    戊 1.2 → same 待核实; 己 no floor area → 待核实, the floor area named."""
    profile = load_profile(name)
    parcels = plots(6)
    parcels["floor_area_m2"] = parcels.geometry.area * [0.499, 0.5, 0.9999, 1.0, 1.2, 0.0]
    parcels.loc[5, "floor_area_m2"] = None
    ents = firms(6, industry_code=[None] * 6)
    got = screen_plots(profile, parcels, ents).checks["under_used"]
    assert statuses(got) == [F, U, U, U, U, U]
    assert got.iloc[0].reason.startswith("容积率 0.499（")
    assert "低于各行业国家下限中的最低值 0.5" in got.iloc[0].reason
    assert "是否低于下限取决于行业（各行业下限 0.5–1）" in got.iloc[1].reason
    assert got.iloc[1].reason.startswith("容积率 0.5（")
    assert got.iloc[2].reason.startswith("容积率 0.9999（")
    assert any("industry_code" in m for m in got.iloc[1].missing)
    assert any("standard_far" in m for m in got.iloc[3].missing)
    assert any("floor_area_m2" in m for m in got.iloc[5].missing)


# =============================================================================================
# 四个一批 paths: the rule table is the county's to write (嵊政〔2022〕28号 第三条第（一）项第2目
# 「因地制宜明确治理路径」; the shipped table is 示例规则). A county's numeric term compares a
# measured figure as every threshold does: rounded to 6 decimals (core.compare.measured), so
# the floating noise of a drawn polygon never decides, and 「以上」 (``>=``) includes the number.


def test_a_county_path_rule_on_the_plot_area_includes_the_number(shangyu):
    """A county puts a rule first: 「占地21亩以上（含）的低效地块拆除重建」 (``area_mu>=21 &
    low_efficiency:不符合``). 甲 a 21 亩 square (100 m × 140 m would do as well; the square
    measures 13999.99999998 m² = 20.99999999998 亩, 21 亩 by hand), tax 105 → 5.00 低效 → the
    rule holds → 拆除重建 by R0, the reason reading 「宗地面积（亩） 21 >= 21」 (was: R4 整治提升,
    the noise below 21 deciding); 乙 20.99 亩, tax 104.95 → 5.00 低效 → 20.99 < 21 → R4."""
    rules = [dict(r) for r in shangyu.value("paths.rules")]
    own = {
        "id": "R0",
        "path": "拆除重建",
        "label": "占地21亩以上（含）的低效地块",
        "all": ["area_mu>=21", "low_efficiency:不符合"],
    }
    county = with_param(shangyu, "paths.rules", value=(own, *rules))
    parcels = parcels_of([square(21.0, 0), square(20.99, 1)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    got = screen_plots(county, parcels, firms(2, tax_wan=[105.0, 104.95]))
    assert got.parcels["path_rule"].tolist() == ["R0", "R4"]
    assert got.parcels["path"].tolist() == ["拆除重建", "整治提升"]
    assert "宗地面积（亩） 21 >= 21" in got.parcels["reasons"].iloc[0]


# =============================================================================================
# 连片: 越政发〔2022〕24号 第三条第4项 「重点对占地100亩以上低效工业用地连片改造」;
# blocks.min_area_mu 100 (">=", 「以上」 includes 100): 越城's own figure, borrowed (「参照…」)
# everywhere else.


@pytest.mark.parametrize("name", ALL)
def test_a_lone_low_efficiency_plot_of_100_mu_is_a_large_block_in_every_profile(name):
    """甲 a 100 亩 square, tax 100 → 1 万元/亩 ≤ 5 → 低效; alone it is 「占地100亩以上」
    (100 included) → a large block → R3 拆除重建, the block cited to 越政发〔2022〕24号 第三条
    第4项 (「参照…」 outside 越城); 乙 a 99.99 亩 square, tax 99.99 → 1 万元/亩 → 低效, but
    99.99 < 100 → no large block → R4 整治提升."""
    profile = load_profile(name)
    parcels = parcels_of([square(100.0, 0), square(99.99, 1)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    got = screen_plots(profile, parcels, firms(2, tax_wan=[100.0, 99.99]))
    assert got.parcels["path"].tolist() == ["拆除重建", "整治提升"]
    assert got.parcels["path_rule"].tolist() == ["R3", "R4"]
    clause = _cited(name, "越政发〔2022〕24号 第三条第4项")
    assert (
        f"属连片地块 {got.parcels['block_id'].iloc[0]}（100 亩） {clause}"
        in (got.parcels["reasons"].iloc[0])
    )
    assert "属连片地块" not in got.parcels["reasons"].iloc[1]
