"""The 工业用地控制线: screening and the 增容 check answer alike for the same plot.

Hand-drawn: five 21-亩 squares (EPSG:4549, 1 km apart), all planned 工业用地, and planning
polygons that say whether each piece lies inside the 工业用地控制线:

====  ===========================  ===========  =================  ==============
plot  control line                 screening    增容 适用范围       增容 outcome
====  ===========================  ===========  =================  ==============
0     wholly inside (是)           符合         符合               可申报
1     wholly outside (否)          不符合 (R2)  待核实             待核实
2     west 30 % outside, rest 是   待核实 ¹     待核实             待核实
3     west 60 % outside, rest 是   不符合       待核实             待核实
4     attribute blank              待核实       待核实             待核实
====  ===========================  ===========  =================  ==============

¹ below the share 0.5, a 示例规则（非官方） value no document fixes: never 符合 on it alone;
with a county's own share both stages say 符合.

Why 待核实 and not 不符合 on 增容 for a plot outside the line: 附件3 第一条 asks that the plot
「应符合国土空间规划的要求」; the 工业用地控制线 is one of those requirements (越政发〔2022〕24号
第七条第19项 「落实工业用地控制线管理要求」), but the opinion does not say that land outside
the line may not be 增容 — outside the line a change of use is possible with “改一补一”, not
required. So the plot is not eligible on the data (never 可申报), and whether it may be 增容
is for the 自然资源和规划 department to confirm. A plot whose line is not known (no layer, no
field, a blank attribute) is 待核实 naming what to collect, as in screening.

Before the fix 增容 kept only the attribute of the largest planning piece, never judged it,
and called plots 1 and 3 可申报.
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landgov.core.collect import render_text
from landgov.core.vocab import Eligibility
from landgov.far.zengrong import check_applications, check_parcels
from landgov.policy import load_profile
from landgov.screening import check_control_line
from landgov.verdict import Status
from tests._hand import (
    CRS,
    OFFICIAL_STANDARD_LAND,
    application,
    own_share,
    plots,
    with_standard_land,
    zengrong_inputs,
)

P, F, U = Status.PASS, Status.FAIL, Status.UNKNOWN
OK, TBD = Eligibility.ELIGIBLE, Eligibility.UNKNOWN

#: Per plot: the share of its west part outside the line (the rest inside), ``None`` for a
#: blank attribute over the whole plot.
OUTSIDE = [0.0, 1.0, 0.3, 0.6, None]
SCREENING = [P, F, U, F, U]
ZENGRONG_SCOPE = [P, U, U, U, U]
OUTCOME = [OK, TBD, TBD, TBD, TBD]


@pytest.fixture(scope="module")
def profile():
    # the county's 标准地 table published (条件6 decided), so only the control line is left
    return with_standard_land(load_profile("yuecheng-2022"), OFFICIAL_STANDARD_LAND)


def _planning(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Planning polygons, all 工业用地: per plot a west part outside the line and the rest
    inside (:data:`OUTSIDE`)."""
    rows = []
    for geom, share in zip(parcels.geometry, OUTSIDE, strict=True):
        x0, y0, x1, y1 = geom.bounds
        if share is None:
            rows.append((geom, None))
            continue
        cut = x0 + (x1 - x0) * share
        if share > 0:
            rows.append((shapely.box(x0, y0, cut, y1), "否"))
        if share < 1:
            rows.append((shapely.box(cut, y0, x1, y1), "是"))
    return gpd.GeoDataFrame(
        {"planned_use": ["工业用地"] * len(rows), "inside_control_line": [r[1] for r in rows]},
        geometry=[r[0] for r in rows],
        crs=CRS,
    )


def _zengrong(profile, parcels, planning):
    """The 增容审查 rows of one clean application per plot, with ``planning`` (``None``: no
    planning layer at all)."""
    rows = [application(pid, i) for i, pid in enumerate(parcels["parcel_id"])]
    inputs = zengrong_inputs(profile, parcels)
    return check_applications(pd.DataFrame(rows), dataclasses.replace(inputs, planning=planning))


def _both(profile, planning):
    parcels = plots(len(OUTSIDE))
    screened = check_control_line(parcels, planning=planning, profile=profile)
    return screened, _zengrong(profile, parcels, planning)


def test_screening_and_zengrong_side_by_side(profile):
    parcels = plots(len(OUTSIDE))
    screened, got = _both(profile, _planning(parcels))
    assert [v.status for v in screened] == SCREENING
    assert got["scope"].tolist() == ZENGRONG_SCOPE
    assert got["zengrong"].tolist() == OUTCOME
    notes = got["scope_note"].tolist()
    # the 增容 reason says the share the screening found, in the same words
    for i in (1, 2, 3):
        assert screened.iloc[i].reason.split("（")[0].split("，")[0] in notes[i]
    assert "位于工业用地控制线外的面积占 100%" in notes[1]
    for i in (1, 3):  # outside the line: to be confirmed by the department, the clauses cited
        assert "第七条第19项" in notes[i]
        assert any("区自然资源和规划分局" in m for m in got["missing"].iloc[i].split("、"))
    # the 增容 摸排 of the plots (no application) judges the same facts alike
    inputs = dataclasses.replace(zengrong_inputs(profile, parcels), planning=_planning(parcels))
    assert check_parcels(inputs)["scope"].tolist() == ZENGRONG_SCOPE


def test_a_county_share_gives_one_answer_below_it(profile):
    # with the share set in a county's own document, 30 % outside passes in both stages
    county = own_share(profile, "screening.control_line_outside_share")
    parcels = plots(len(OUTSIDE))
    screened, got = _both(county, _planning(parcels))
    assert screened.iloc[2].status == P
    assert got["scope"].iloc[2] == P
    assert got["zengrong"].iloc[2] == OK


@pytest.mark.parametrize("drop", ["layer", "field"])
def test_no_control_line_data_is_to_verify_naming_the_layer_and_department(profile, drop):
    parcels = plots(len(OUTSIDE))
    planning = _planning(parcels)
    given = None if drop == "layer" else planning.drop(columns="inside_control_line")
    screened, got = _both(profile, given)
    assert {v.status for v in screened} == {U}
    assert set(got["scope"]) == {U}
    assert set(got["zengrong"]) == {TBD}
    shown = str(render_text(got["missing"].iloc[0]))
    assert "规划用途及工业用地控制线〔自然资源局〕" in shown


def test_planning_layer_without_the_field_once_made_plot_eligible(profile):
    # the usual county layer: planned use known, control line not recorded at all
    parcels = plots(1)
    planning = gpd.GeoDataFrame({"planned_use": ["工业用地"]}, geometry=parcels.geometry, crs=CRS)
    got = _zengrong(profile, parcels, planning)
    assert got["zengrong"].iloc[0] == TBD
    assert "控制线" in got["scope_note"].iloc[0]
    assert not pd.isna(got["missing"].iloc[0])


def test_a_missing_planning_layer_is_one_item_to_collect_in_both_stages() -> None:
    """Without a planning layer, neither 规划用途 nor the 工业用地控制线 is known: one layer
    to collect from one department, said once — 「规划用途及工业用地控制线〔自然资源局〕」 —
    in screening's 缺少的数据 and in 增容's, never twice (nor once without its department)."""
    import dataclasses

    from landgov.core.collect import render_text, split_items
    from landgov.far.zengrong import check_parcels
    from landgov.policy import load_profile
    from tests._hand import firms, plots, screen_plots, zengrong_inputs

    profile = load_profile("yuecheng-2022")
    wanted = "规划用途及工业用地控制线〔自然资源局〕"
    # 10 万元 on 21 亩 (0.48 万元/亩): 低效, listed, its path needs the planning layer
    ents = firms(1, land_mu=21.0, tax_wan=[10.0])
    screened = screen_plots(profile, plots(1), ents, planning=None)
    judged = check_parcels(dataclasses.replace(zengrong_inputs(profile, plots(1)), planning=None))
    for missing in (screened.parcels["missing"].iloc[0], judged["missing"].iloc[0]):
        items = list(split_items(render_text(missing)))
        planning = [i for i in items if "规划" in i]
        assert planning == [wanted], items
