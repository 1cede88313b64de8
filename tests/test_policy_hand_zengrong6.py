"""Hand-worked 增容 cases, round 6: what a figure of the 初审表 and the 增容审查 sheet stands on.

附件3 二 「容积率上限可提高至 2.5」: where two readings of a plot's floor area part (the real or
the counted one, storeys over 8 m twice; the building records or the register) and one leaves
room under the cap and the other none, the cap is 待核实 and the room says both figures.

越政发〔2022〕24号 附件3.1 lists 「现状情况 4.上年度亩均税收」 and 「项目实施后 2.亩均税收」 one
above the other. landgov fills the first with the plot's figure (every enterprise on it, as the
底数清单) and the second with the applicant's 达产后年税收 over the plot: where a tenant applies on
a plot of several firms the two stand on different bases, and each says so. The plots are the
helpers of ``tests/_hand.py``: 1 亩 = 10000/15 m², 20 亩 = 13333.33 m².
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landgov.far.zengrong import check_applications, check_parcels
from landgov.reports.chushen import build_form
from landgov.reports.packet import PACKET_COLUMNS, packet_frame
from landgov.verdict import Status
from tests._hand import (
    CRS,
    application,
    enterprises,
    owner_links,
    plots,
    uscc,
    zengrong_inputs,
)


def _form_cells(row) -> dict[str, str]:
    """The value cells of a filled 初审表, by the row label (the form's first column)."""
    out = {}
    for tr in build_form(row).tables[0].rows:
        cells = tr.cells
        if cells[1].text == cells[3].text:
            out[cells[0].text] = cells[1].text
        else:
            out[cells[0].text], out[cells[2].text] = cells[1].text, cells[3].text
    return out


def _tenant_case(profile, *, applicant: int, tenants: int = 1):
    """One 20-亩 plot owned by firm 0, rented by firms 1 … ``tenants``; every firm pays 400 万元
    and holds no other land. Firm ``applicant`` applies, 达产后年税收 600 万元."""
    parcels = plots(1, mu=20.0)
    n = 1 + tenants
    ents = enterprises(n, tax_wan=[400.0] * n, land_mu=[20.0] + [None] * tenants)
    owner = owner_links(parcels)
    links = pd.concat(
        [owner, *(owner.assign(uscc=uscc(i), relation="tenant") for i in range(1, n))],
        ignore_index=True,
    )
    inputs = dataclasses.replace(zengrong_inputs(profile, parcels), enterprises=ents, links=links)
    app = application(parcels["parcel_id"].iloc[0], applicant, tax_after_wan=600.0)
    return check_applications(pd.DataFrame([app]), inputs).iloc[0]


def test_a_tenants_form_says_the_basis_of_each_mu_tax(official):
    # owner 0 (400) and tenant 1 (400) on 20 亩; tenant 1 applies with 达产后年税收 600:
    #   现状 4.上年度亩均税收 = (400 + 400) / 20 = 40.00 万元/亩, the plot's (2 firms)
    #   实施后 2.亩均税收 = 600 / 20 = 30.00 万元/亩, the applicant's alone
    # Read side by side the project would lower the plot's 亩均税收 from 40 to 30: each figure
    # says what it is made of.
    row = _tenant_case(official, applicant=1)
    assert row["tax_per_mu_now_wan"] == pytest.approx(40.0)
    assert row["tax_per_mu_after_wan"] == pytest.approx(30.0)
    cells = _form_cells(row.to_dict())
    assert (
        cells["现状情况"].split("\n")[3] == "4.上年度亩均税收：40.00 万元/亩（宗地上 2 家企业合计）"
    )
    assert (
        cells["项目实施后"].split("\n")[1]
        == "2.亩均税收：30.00 万元/亩（申请企业达产后年税收 ÷ 宗地面积）"
    )
    assert row["n_enterprises"] == 2  # the link's count, carried in the facts
    # the 增容审查 sheet: each basis beside its figure
    sheet = packet_frame(applications=pd.DataFrame([row])).iloc[0]
    assert PACKET_COLUMNS["tax_per_mu_now_basis"] == "上年度亩均税收口径"
    assert PACKET_COLUMNS["tax_per_mu_after_basis"] == "实施后亩均税收口径"
    assert sheet["tax_per_mu_now_basis"] == "宗地上 2 家企业合计"
    assert sheet["tax_per_mu_after_basis"] == "申请企业达产后年税收 ÷ 宗地面积"
    heads = list(PACKET_COLUMNS)
    assert heads.index("tax_per_mu_now_basis") == heads.index("tax_per_mu_now_wan") + 1
    assert heads.index("tax_per_mu_after_basis") == heads.index("tax_per_mu_after_wan") + 1


def test_the_owner_of_a_shared_plot_is_told_the_basis_too(official):
    # the owner applies on the same plot (3 firms, 1 200 万元 → 60.00 万元/亩 now; 600 / 20 =
    # 30.00 after): the 现状 figure still holds its tenants' tax
    row = _tenant_case(official, applicant=0, tenants=2)
    assert row["tax_per_mu_now_wan"] == pytest.approx(60.0)
    cells = _form_cells(row.to_dict())
    assert cells["现状情况"].endswith("4.上年度亩均税收：60.00 万元/亩（宗地上 3 家企业合计）")
    assert "30.00 万元/亩（申请企业达产后年税收 ÷ 宗地面积）" in cells["项目实施后"]


def test_a_firm_alone_on_its_plot_has_one_basis_and_no_words(official):
    # firm 0 alone on its 21-亩 plot, tax 300 → 14.29 now; 900 / 21 = 42.86 after: both the
    # applicant's own, nothing to say
    parcels = plots(1, mu=21.0)
    app = application(parcels["parcel_id"].iloc[0])
    row = check_applications(pd.DataFrame([app]), zengrong_inputs(official, parcels)).iloc[0]
    assert (row["tax_per_mu_now_basis"], row["tax_per_mu_after_basis"]) == ("", "")
    cells = _form_cells(row.to_dict())
    assert cells["现状情况"].split("\n")[3] == "4.上年度亩均税收：14.29 万元/亩"
    assert cells["项目实施后"].split("\n")[1] == "2.亩均税收：42.86 万元/亩"


def test_a_tenants_form_with_its_bases_still_prints_on_one_a4_page(official, tmp_path):
    # the two basis notes lengthen 「现状情况」 and 「项目实施后」; with the 涉改 note under the
    # table the form is still one A4 page
    from landgov.reports.chushen import write_form
    from tests.test_chushen import _soffice_pages

    row = _tenant_case(official, applicant=1).to_dict()
    row |= {
        "relaxation": "印染涉改企业：相关要求可由区工业用地二次开发联席会议审议适当放宽",
        "meeting_review": "条件1 面积/拆迁/违建/临时用途、条件6 标准地指标",
    }
    pages = _soffice_pages(write_form(row, tmp_path / "form.docx"), tmp_path)
    if pages is None:
        pytest.skip("LibreOffice Writer not installed")
    assert pages == 1


# =============================================================================================
# 二: the room to 2.5 where two readings of the floor area part


def _buildings(parcels, rows):
    """Buildings on plot 0: each row (x from, x to, storeys, storey height) is a 100 m deep box
    ``x`` m east of the plot's west edge."""
    x0, y0, _, _ = parcels.geometry.iloc[0].bounds
    geoms = [shapely.box(x0 + a, y0, x0 + b, y0 + 100.0) for a, b, _, _ in rows]
    return gpd.GeoDataFrame(
        {
            "parcel_id": [parcels["parcel_id"].iloc[0]] * len(rows),
            "storeys": [n for _, _, n, _ in rows],
            "storey_height_m": [h for _, _, _, h in rows],
        },
        geometry=geoms,
        crs=CRS,
    )


def _screened(profile, parcels, buildings):
    return check_parcels(zengrong_inputs(profile, parcels, buildings=buildings)).iloc[0]


def test_room_on_a_tall_shed_says_both_readings(official):
    # 21 亩 = 14000 m², cap floor area 2.5 × 14000 = 35000 m². Buildings (no register figure):
    #   A 40 m × 100 m = 4000 m², 1 storey of 10 m: real 4000, counted (10 > 8: twice) 8000
    #   B 40 m × 100 m = 4000 m², 7 storeys of 4 m: real = counted = 28000
    # real 32000 m² (2.29) → room 35000 − 32000 = 3000 m²; counted 36000 m² (2.57 ≥ 2.5) → 0.
    # The cap reads the real area only by the project's default reading: 待核实, and the room
    # is not one plain 3000 m²
    parcels = plots(1, mu=21.0).drop(columns="floor_area_m2")
    built = _buildings(parcels, [(0.0, 40.0, 1, 10.0), (50.0, 90.0, 7, 4.0)])
    row = _screened(official, parcels, built)
    assert (row["floor_area_m2"], row["floor_area_far_m2"]) == pytest.approx((32000.0, 36000.0))
    assert row["headroom_m2"] == pytest.approx(3000.0)
    assert row["cap"] == Status.UNKNOWN.value
    assert row["headroom_reason"] == (
        "现状容积率 2.29 已达到 1.5 的目标，仍可增至 2.5；"
        "增容空间待核实：按实际建筑面积 3,000 平方米，按计容建筑面积（层高超过 8 米的层加倍）"
        " 0 平方米，取决于容积率上限 2.5 按实际建筑面积还是计容建筑面积计算"
        "（待区自然资源和规划分局确认）"
    )
    # the 增容审查 sheet: the 摸排候选 row carries the words beside its room
    sheet = packet_frame(
        screened=check_parcels(zengrong_inputs(official, parcels, buildings=built))
    )
    assert PACKET_COLUMNS["headroom_reason"] == "增容空间说明"
    heads = list(PACKET_COLUMNS)
    assert heads.index("headroom_reason") == heads.index("headroom_target_m2") + 1
    assert sheet["headroom_reason"].iloc[0] == row["headroom_reason"]


def test_room_where_the_register_says_more_than_the_buildings(official):
    # 21 亩 = 14000 m². One building 70 m × 100 m = 7000 m², 4 storeys of 4 m: 28000 m² (2.0),
    # room 35000 − 28000 = 7000 m². The register says 36000 m² (2.57 ≥ 2.5): room 0. Neither
    # figure alone decides (cap 待核实): the room says both
    parcels = plots(1, mu=21.0)
    parcels["floor_area_m2"] = 36000.0
    row = _screened(official, parcels, _buildings(parcels, [(0.0, 70.0, 4, 4.0)]))
    assert row["headroom_m2"] == pytest.approx(7000.0)
    assert row["cap"] == Status.UNKNOWN.value
    assert row["headroom_reason"] == (
        "现状容积率 2.00 已达到 1.5 的目标，仍可增至 2.5；"
        "增容空间待核实：按建筑记录 7,000 平方米，按登记建筑面积 0 平方米，"
        "取决于现状建筑面积以建筑记录还是登记为准（核实现状建筑面积）"
    )


def test_room_where_both_readings_leave_some_is_one_figure(official):
    # 21 亩; a 10 m shed 70 m × 100 m: real 7000 (0.5), counted 14000 (1.0). Room 28000 m² on
    # the real area, 21000 on the counted: both leave room, the cap agrees, nothing to say
    parcels = plots(1, mu=21.0).drop(columns="floor_area_m2")
    row = _screened(official, parcels, _buildings(parcels, [(0.0, 70.0, 1, 10.0)]))
    assert row["headroom_m2"] == pytest.approx(28000.0)
    assert row["headroom_reason"] == ""
