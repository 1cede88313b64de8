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
from tests._hand import AS_OF, CRS, F, P, U, parcels_of, square, statuses

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
