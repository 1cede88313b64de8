"""The 初审表 never leaves a figure silently blank [越政发〔2022〕24号 附件3.1].

Every figure landgov fills (现状情况: 土地面积, 建筑面积, 容积率, 上年度亩均税收; 项目实施后:
新增建筑面积, 亩均税收, 容积率; 项目总投资, 固定资产投资强度) is a value with the form's unit and
2 decimals, or 「待核实（缺少：…）」 naming what is missing in the words of the 待核实事项 columns
(the 增容审查 sheet's for the 增容 checks, the 底数清单's for the plot's tax). An applicant's
facts (企业名称, 法人代表, 联系人, 项目名称, 项目建设内容) are printed as given, else 待核实 with
the table they come from, as the checks name a missing application field (「申请表：…」). The
signatures, dates and the township's opinion stay blank; a 摸排 candidate's project is the
enterprise's to write in, as on the printed form.

Cases worked by hand on a 20-亩 square plot (20 × 666.67 = 13,333.33 m²), 容积率 0.8, one
enterprise (tax 300 万元, its only plot) and an application adding 6,000 m².
"""

from __future__ import annotations

import pandas as pd
import pytest

from landgov.core.collect import PLOT_AREA, render_text, split_items
from landgov.far import compute_far
from landgov.far.zengrong import ZengrongInputs, check_applications, check_parcels
from landgov.policy import load_profile
from landgov.reports.chushen import FORM_ROWS, build_form
from tests.test_zengrong import (
    AS_OF,
    _application,
    _compliance,
    _enterprises,
    _layers,
    _links,
    _parcels,
    _valid_usccs,
)

PID = "330602001001GB00000"


@pytest.fixture(scope="module")
def profile():
    return load_profile("yuecheng-2022")


def _inputs(profile, *, parcels=None, tax=300.0, links=True):
    parcels = _parcels([20.0]) if parcels is None else parcels
    ents = _enterprises(1, uscc=_valid_usccs(1), tax_wan=[tax])
    pairs = _links(1).assign(uscc=ents["uscc"]) if links else _links(1).iloc[0:0]
    inputs = ZengrongInputs(
        parcels,
        compute_far(parcels, profile=profile),
        profile=profile,
        as_of=AS_OF,
        enterprises=ents,
        links=pairs,
        compliance=_compliance(),
        **_layers(parcels),
    )
    return inputs, ents["uscc"].iloc[0]


def _applied(profile, app=None, **kw):
    """One application's row of ``check_applications`` (adding 6,000 m² unless told)."""
    inputs, uscc = _inputs(profile, **kw)
    row = _application(PID, uscc, added_floor_m2=6000.0) | (app or {})
    return check_applications(pd.DataFrame([row]), inputs).iloc[0].to_dict()


def _form(row) -> dict[str, str]:
    """Each value cell's text by its label (the merged cells once)."""
    table = build_form(row).tables[0]
    out = {}
    for tr, labels in zip(table.rows, FORM_ROWS, strict=True):
        for k, label in enumerate(labels):
            out[label] = tr.cells[2 * k + 1].text
    return out


def _lines(cell: str) -> list[str]:
    return cell.split("\n")


def test_a_fully_filled_application_prints_every_figure(profile):
    form = _form(_applied(profile))
    # 现状: 13,333.33 m² = 20.00 亩; floor 0.8 × 13,333.33 = 10,666.67 m²; 容积率 0.80;
    # tax 300 万元 / 20 亩 = 15.00 万元/亩
    assert _lines(form["现状情况"]) == [
        "1.土地面积：20.00 亩",
        "2.建筑面积：10,666.67 平方米",
        "3.容积率：0.80",
        "4.上年度亩均税收：15.00 万元/亩",
    ]
    # 实施后: (10,666.67 + 6,000) / 13,333.33 = 1.25; 达产后年税收 900 / 20 = 45.00 万元/亩
    assert _lines(form["项目实施后"]) == [
        "1.新增建筑面积：6,000.00 平方米",
        "2.亩均税收：45.00 万元/亩",
        "3.容积率：1.25",
    ]
    # 固定资产投资 7,000 万元 / 20 亩 = 350.00 万元/亩
    assert (form["项目总投资"], form["固定资产投资强度"]) == ("8,000.00 万元", "350.00 万元/亩")
    assert form["企业名称（盖公章）"] == "企业0"
    assert (form["法人代表"], form["联系人"]) == ("张三", "李四 13800000000")
    assert form["拟上项目名称"] == "增容技改项目"
    assert form["项目建设地址"] == f"马山街道　宗地代码 {PID}"
    assert form["所属行业"] == "金属结构制造（行业代码 3311）"
    assert form["项目建设内容"] == "新建 4 层生产车间"
    assert "待核实" not in "".join(form.values())
    # signatures, dates and the township's opinion are written by hand
    assert form["企业承诺"].endswith("法人代表签字（盖章）：　　　　　　　　时间：")
    assert form["镇人民政府、街道办事处审核意见"] == (
        "\n\n\n镇、街道行政主要领导签字（盖章）：　　　　　　　时间："
    )


def test_missing_tax_is_to_verify_naming_the_tax(profile):
    row = _applied(profile, {"tax_after_wan": None}, tax=None)
    form = _form(row)
    # the enterprise's tax unknown: the plot's 亩均税收 cannot be computed; as the 底数清单's
    # 待核实事项 names it (税务局 holds it)
    assert _lines(form["现状情况"])[3] == "4.上年度亩均税收：待核实（缺少：税收（万元）〔税务局〕）"
    # no 达产后年税收: 条件6 names it so on the 增容审查 sheet, the form the same
    assert (
        _lines(form["项目实施后"])[1] == "2.亩均税收：待核实（缺少：申请表：达产后年税收（万元））"
    )
    assert "申请表：达产后年税收（万元）〔申请企业〕" in row["missing"].split("、")
    # the other figures are still printed
    assert _lines(form["现状情况"])[:3] == [
        "1.土地面积：20.00 亩",
        "2.建筑面积：10,666.67 平方米",
        "3.容积率：0.80",
    ]
    assert _lines(form["项目实施后"])[2] == "3.容积率：1.25"


def test_a_plot_no_enterprise_is_linked_to_names_the_link_too(profile):
    # no 地企关联 (and no holder matched): the plot's tax has no enterprise to come from; the
    # applicant is still known by its 统一社会信用代码 (企业名称 printed)
    form = _form(_applied(profile, links=False))
    assert _lines(form["现状情况"])[3] == (
        "4.上年度亩均税收：待核实（缺少：税收（万元）〔税务局〕、宗地上的企业（地企关联）〔自然资源局〕）"
    )
    assert form["企业名称（盖公章）"] == "企业0"


def test_no_buildings_and_no_declared_floor_area(profile):
    # neither building records nor a registered 建筑面积 / 容积率: floor area unknown, so both
    # 容积率 (now and after) are unknown, named as the cap check names it on the 增容审查 sheet
    row = _applied(profile, parcels=_parcels([20.0]).drop(columns="floor_area_m2"))
    assert row["far_source"] == "缺失"
    form = _form(row)
    assert _lines(form["现状情况"]) == [
        "1.土地面积：20.00 亩",
        "2.建筑面积：待核实（缺少：建筑面积或容积率）",
        "3.容积率：待核实（缺少：建筑面积或容积率）",
        "4.上年度亩均税收：15.00 万元/亩",
    ]
    assert _lines(form["项目实施后"]) == [
        "1.新增建筑面积：6,000.00 平方米",
        "2.亩均税收：45.00 万元/亩",
        "3.容积率：待核实（缺少：建筑面积或容积率）",
    ]
    # the sheet's 待核实事项 names it as the 底数清单 does, with its department
    assert "建筑面积（平方米）〔自然资源局〕" in row["missing"].split("、")


def test_land_area_missing_plot_not_in_the_layer(profile):
    # the application's 宗地代码 is not in the parcel layer: no shape, so no 土地面积, and every
    # figure per 亩 or per m² of land is unknown; the figures of the application itself print
    row = _applied(profile, {"parcel_id": "330602001001GB09999"})
    form = _form(row)
    assert _lines(form["现状情况"]) == [
        "1.土地面积：待核实（缺少：宗地图形）",
        "2.建筑面积：待核实（缺少：建筑面积或容积率）",
        "3.容积率：待核实（缺少：宗地图形、建筑面积或容积率）",
        "4.上年度亩均税收：待核实（缺少：宗地图形）",
    ]
    assert _lines(form["项目实施后"]) == [
        "1.新增建筑面积：6,000.00 平方米",
        "2.亩均税收：待核实（缺少：宗地图形）",
        "3.容积率：待核实（缺少：宗地图形、建筑面积或容积率）",
    ]
    assert form["项目总投资"] == "8,000.00 万元"
    assert form["固定资产投资强度"] == "待核实（缺少：宗地图形）"
    assert form["项目建设地址"] == "宗地代码 330602001001GB09999"
    missing = list(split_items(row["missing"]))  # as the 底数清单 names them, with the department
    assert str(render_text(PLOT_AREA)) in missing and "建筑面积（平方米）〔自然资源局〕" in missing


def test_application_without_its_project_facts(profile):
    # the applicant left 项目名称, 项目总投资, 固定资产投资, 新增建筑面积 and 项目建设内容 blank
    blank = dict.fromkeys(
        ("project_name", "investment_wan", "fixed_investment_wan", "added_floor_m2", "content")
    )
    row = _applied(profile, blank)
    form = _form(row)
    assert form["拟上项目名称"] == "待核实（缺少：申请表：项目名称）"
    assert form["项目总投资"] == "待核实（缺少：申请表：项目总投资（万元））"
    assert form["固定资产投资强度"] == "待核实（缺少：申请表：固定资产投资（万元））"
    assert form["项目建设内容"] == "待核实（缺少：申请表：项目建设内容）"
    assert _lines(form["项目实施后"])[0] == "1.新增建筑面积：待核实（缺少：新增建筑面积）"
    assert _lines(form["项目实施后"])[2] == "3.容积率：待核实（缺少：新增建筑面积）"
    # the same words as the 增容审查 sheet's 待核实事项
    missing = row["missing"].split("、")
    assert {"新增建筑面积〔申请企业〕", "申请表：固定资产投资（万元）〔申请企业〕"} <= set(missing)


def test_applicant_unknown_to_the_enterprise_table(profile):
    # an applicant whose code is in no enterprise table row and a plot no enterprise is linked
    # to: its name is the plot's 权利人; 法人代表, 联系人 and 所属行业 are 待核实, the applicant
    # named as 条件3 names it (申请企业)
    row = _applied(profile, {"uscc": "91330602MA2C00000X"}, links=False)
    form = _form(row)
    assert form["企业名称（盖公章）"] == "企业0"  # the 权利人 of the plot
    assert form["法人代表"] == form["联系人"] == "待核实（缺少：申请企业）"
    assert form["所属行业"] == "待核实（缺少：申请企业）"
    assert "申请企业〔属地镇街〕" in row["missing"].split("、")


def test_known_enterprise_without_legal_representative(profile):
    inputs, uscc = _inputs(profile)
    inputs.enterprises.loc[0, ["legal_rep", "contact"]] = None
    row = _application(PID, uscc, added_floor_m2=6000.0)
    got = check_applications(pd.DataFrame([row]), inputs).iloc[0].to_dict()
    form = _form(got)
    assert form["法人代表"] == "待核实（缺少：企业表：法定代表人）"
    assert form["联系人"] == "待核实（缺少：企业表：联系人）"


def test_a_candidate_gets_its_plot_figures_and_a_blank_project(profile):
    # 摸排: no application. The plot's figures are landgov's (待核实 when unknown); the project
    # (名称, 投资, 实施后) is the enterprise's to write in, blank as on the printed form
    inputs, _ = _inputs(profile, tax=None)
    row = check_parcels(inputs).iloc[0].to_dict()
    form = _form(row)
    assert _lines(form["现状情况"]) == [
        "1.土地面积：20.00 亩",
        "2.建筑面积：10,666.67 平方米",
        "3.容积率：0.80",
        "4.上年度亩均税收：待核实（缺少：税收（万元）〔税务局〕）",
    ]
    assert [line.replace(" ", "") for line in _lines(form["项目实施后"])] == [
        "1.新增建筑面积：平方米",
        "2.亩均税收：万元/亩",
        "3.容积率：",
    ]
    assert form["拟上项目名称"] == form["项目建设内容"] == ""
    assert form["项目总投资"].strip() == "万元"
    assert row["tax_per_mu_now_missing"] == "税收（万元）〔税务局〕"


def test_the_longest_form_still_prints_on_one_a4_page(profile, tmp_path):
    # every figure and fact 待核实 at once, with the 涉改 note under the table: one page still
    from landgov.reports.chushen import write_form
    from tests.test_chushen import _soffice_pages

    blank = dict.fromkeys(("project_name", "investment_wan", "fixed_investment_wan", "content"))
    row = _applied(profile, blank | {"parcel_id": "330602001001GB09999", "uscc": None}, links=False)
    row |= {
        "relaxation": "印染涉改企业：相关要求可由区工业用地二次开发联席会议审议适当放宽",
        "meeting_review": "条件1 面积/拆迁/违建/临时用途、条件6 标准地指标",
    }
    assert sum("待核实" in text for text in _form(row).values()) >= 9
    pages = _soffice_pages(write_form(row, tmp_path / "form.docx"), tmp_path)
    if pages is None:
        pytest.skip("LibreOffice Writer not installed")
    assert pages == 1


def test_a_recorded_zero_nothing_corroborates_is_not_printed_as_a_fact(profile):
    # 摸排 candidate whose registered 建筑面积 is 0, with no buildings layer covering the plot: a
    # .dbf writes a blank as 0, so 三.2 does not read it as 「尚未建成」 (far.ratio
    # .shows_no_building), and the form marks the 0 and the 容积率 from it as 待核实 instead of
    # printing them as facts. Its 所属行业 (no enterprise code) shows the hand-fill hint.
    parcels = _parcels([20.0]).assign(floor_area_m2=0.0, completion_date=None)
    inputs, _ = _inputs(profile, parcels=parcels)
    row = check_parcels(inputs).iloc[0].to_dict() | {"industry_code": None, "industry_name": None}
    form = _form(row)
    mark = "（登记值 0，无建筑图层佐证，可能为空白，待核实）"
    assert _lines(form["现状情况"])[1:3] == [
        f"2.建筑面积：0.00 平方米{mark}",
        f"3.容积率：0.00{mark}",
    ]
    assert form["所属行业"] == "（行业名称及代码）"
    # the same plot with a buildings layer covering it and showing none: the 0 is a fact
    bare = check_parcels(_inputs(profile, parcels=parcels)[0]).iloc[0].to_dict()
    bare |= {"buildings_cover": True, "n_buildings": 0}
    assert mark not in _form(bare)["现状情况"]
