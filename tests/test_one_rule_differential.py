"""One rule, one place: screening, 增容 and the 亩均 grading side by side on one set of plots.

A small hand-drawn county (:mod:`tests._hand`: 21-亩 squares in EPSG:4549, CGCS2000 3° GK
120°E, 1 km apart, firm ``i`` owning plot ``i``) goes through every stage that reads the same
concept — ``landgov.screening`` (the 底数清单), ``landgov.far.zengrong`` (the 增容审查) and
``landgov.efficiency`` (the 亩均 evaluation) — and each test asserts that they answer alike:
是否制造业, what a missing input is called and which department supplies it. The expectations are
written from the rules (GB/T 4754 大类 01–97; 门类 C = 大类 13–43; the one table of items to
collect, :data:`landgov.core.collect.FIELD_SOURCES`), not from either implementation.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from landgov.core.collect import FIELD_SOURCES, parse_item, render_text, split_items
from landgov.efficiency import grade_enterprises
from landgov.far.industry import focus_industry, to_gb2002_division
from landgov.far.zengrong import check_parcels
from landgov.link import link_parcels
from landgov.policy import load_profile
from landgov.screening import check_under_used
from landgov.verdict import Status
from tests._hand import (
    application,
    applications,
    firms,
    owner_links,
    plots,
    screen_plots,
    uscc,
    zengrong_inputs,
)

P, F, U = Status.PASS, Status.FAIL, Status.UNKNOWN


@pytest.fixture(scope="module")
def profile():
    return load_profile("yuecheng-2022")


# --- 是否制造业 -----------------------------------------------------------------------------

#: An enterprise's or a project's industry code → 制造业 (门类 C, 大类 13–43 of GB/T 4754)?
#: ``None``: the code names no 大类 (to verify). 「00」 and 「99」 are no GB/T 4754 大类 (the
#: 2011/2017 大类 run 01–97, the 2002 ones 01–98): a code cut short or a placeholder, not a
#: firm outside 制造业.
CODES = [
    ("3311", True),
    ("C3311", True),
    ("33", True),
    ("C", True),  # 门类 C alone: every 大类 of it is 制造业
    ("5171", False),
    ("0610", False),  # 煤炭开采: 门类 B
    ("00", None),
    ("99", None),
    ("批发", None),
    ("C5171", None),  # 门类 C before a 大类 outside it: contradicts itself
]
AS_STATUS = {True: P, False: F, None: U}


def test_manufacturing_gets_one_answer_in_screening_grading_and_zengrong(profile):
    """Screening's 排查重点 and the grading's 参评范围 read 「制造业」 by
    :func:`focus_industry`; 增容 condition 4 (「仅限制造业项目」 [越政发〔2022〕24号 附件3
    第三条第4项]) by :func:`to_gb2002_division`. A project coded 「00」 was 不符合
    (「不属制造业」) in 增容 while screening and grading called the same code unreadable
    (待核实)."""
    codes = [c for c, _ in CODES]
    expected = [m for _, m in CODES]
    assert [focus_industry(c, profile=profile).inside for c in codes] == expected
    assert [to_gb2002_division(c).manufacturing for c in codes] == expected
    parcels = plots(len(codes))
    rows = [
        application(pid, i, project_industry_code=code)
        for i, (pid, code) in enumerate(zip(parcels["parcel_id"], codes, strict=True))
    ]
    got = applications(profile, parcels, rows)
    # the application says 非标准厂房: condition 4 is its 制造业 part
    assert got["cond4"].tolist() == [AS_STATUS[m] for m in expected]
    unread = got["cond4_note"][[m is None for m in expected]]
    assert unread.str.contains("缺少：申请表：项目行业代码（GB/T 4754）").all()


def test_grading_and_screening_floor_treat_an_unreadable_code_alike(profile):
    """The grading leaves a firm coded 「00」 ungraded for lack of data (not 不参评：非制造业);
    screening's 用而未尽 then may not take the non-manufacturing default floor for it either: its
    industry is unknown, so a 容积率 between the lowest and the highest national floor is 待核实
    naming the firm's 行业代码 (it was 符合 on 「默认下限（非制造业）」)."""
    codes = ["00", "5171"]
    parcels = plots(2, far=0.9)  # 0.9: above 0.5 (lowest floor), below 1.0 (highest)
    ents = firms(2, industry_code=codes)
    linked = link_parcels(parcels, ents, owner_links(parcels), profile=profile)
    graded = grade_enterprises(linked.enterprises, profile=profile).data
    assert pd.isna(graded["grade_out_of_scope"].iloc[0])  # not known to be out: 待核实
    assert "非制造业" in graded["grade_out_of_scope"].iloc[1]
    lp = linked.parcels.assign(far=0.9)
    verdicts = check_under_used(lp, enterprises=graded, profile=profile)
    assert verdicts.iloc[0].status is U
    assert "非制造业" not in verdicts.iloc[0].reason
    assert "非制造业" in verdicts.iloc[1].reason


# --- what a missing input is called, and who supplies it -------------------------------------


def _items(text: object) -> list[str]:
    return list(split_items(render_text(text)))


def test_an_unknown_industry_is_one_item_with_its_department_in_screening(profile):
    """用而未尽 with the main enterprise known but its code missing wrote
    「企业 9133…的行业代码 industry_code（及版本 industry_edition）」 into the 底数清单's
    缺少的数据 as it was: an English field name, no department. It is now the item every other
    check writes for a firm's code, 「行业代码及分类版本〔统计局；企业名，9133…〕」."""
    parcels = plots(1, far=0.9)
    ents = firms(1, industry_code=[None])
    screened = screen_plots(profile, parcels, ents)
    wanted = f"{FIELD_SOURCES['industry_code'].label}〔统计局；企业0，{uscc(0)}〕"
    names = {uscc(0): "企业0"}
    verdict = screened.checks["under_used"].iloc[0]
    assert verdict.status is U
    items = [str(render_text(m, names=names)) for m in verdict.missing]
    assert items == [wanted]
    assert all(parse_item(i).department != "—" for i in items)


def test_zengrong_names_a_missing_firm_code_as_screening_does(profile):
    """增容 condition 4 falls back on the enterprise's code when the application has none; with
    that code missing too it listed 「企业行业代码」 (no department) where screening lists
    「行业代码及分类版本〔统计局；…〕」 for the same firm."""
    parcels = plots(1)
    given = zengrong_inputs(profile, parcels)
    ents = given.enterprises.assign(industry_code=[None])
    got = check_parcels(dataclasses.replace(given, enterprises=ents))
    items = _items(got["missing"].iloc[0])
    wanted = f"{FIELD_SOURCES['industry_code'].label}〔统计局；企业0，{uscc(0)}〕"
    assert wanted in items
    assert "企业行业代码" not in items


def _both_without(profile, **layers):
    """Screening (the 底数清单's 缺少的数据) and 增容 (the 增容审查's 待核实事项) of one plot
    of 0.48 万元/亩 (低效, listed) with ``layers`` left out (``None``)."""
    parcels = plots(1)
    ents = firms(1, land_mu=21.0, tax_wan=[10.0])
    screened = screen_plots(profile, parcels, ents, **layers)
    given = dataclasses.replace(zengrong_inputs(profile, parcels), **layers)
    judged = check_parcels(given)
    return screened, judged


@pytest.mark.parametrize(
    ("layer", "wanted"),
    [
        ("planning", "规划用途及工业用地控制线〔自然资源局〕"),
        ("demolition", "近年拆迁计划范围〔房屋征收部门〕"),
        ("compliance", "违法违规记录（整改情况、记录日期）〔综合行政执法局〕"),
    ],
)
def test_a_missing_layer_is_the_same_item_in_both_stages(profile, layer, wanted):
    """Without a layer both stages are 待核实 and say what to collect from whom. The 增容审查's
    待核实事项 was never rendered: it read 「规划用途图层 planning」 (an English layer name),
    「拆迁计划图层」 and 「违法违规记录表」 (no department) where the 底数清单 reads
    ``wanted``."""
    screened, judged = _both_without(profile, **{layer: None})
    check = {"planning": "planning", "demolition": "demolition", "compliance": "violation"}
    assert screened.checks[check[layer]].iloc[0].status is U
    shown = [str(render_text(m)) for m in screened.checks[check[layer]].iloc[0].missing]
    assert shown == [wanted]
    items = list(split_items(judged["missing"].iloc[0]))  # as the sheet shows it, unrendered
    assert wanted in items
    assert all(parse_item(i).department != "—" for i in items if "〔" in i)
    assert not [i for i in items if layer in i]  # no English layer name left


def test_a_row_recomposed_after_a_decision_keeps_the_same_items(profile):
    """A 人工认定 on one condition recomposes the row's outcome (``run.far_overrides``), which
    kept its own copy of the 待核实事项 list: the decided row read 「规划用途图层 planning」
    again where the computed row (and the 底数清单) read
    「规划用途及工业用地控制线〔自然资源局〕」."""
    from landgov.run.far_overrides import (
        DECIDED,
        KEY,
        ConditionOverrides,
        _snapshot,
        apply_condition_overrides,
    )
    from landgov.run.overrides import DOC, SNAPSHOT, WHEN, WHO, WHY

    _, judged = _both_without(profile, planning=None)
    pid = judged["parcel_id"].iloc[0]
    row = {
        KEY: f"{pid}|条件1",
        "编号": pid,
        "cond": "cond1",
        DECIDED: "符合",
        SNAPSHOT: _snapshot(judged["cond1"].iloc[0], judged["cond1_note"].iloc[0]),
        "行号": 2,
        WHY: "现场核实",
        WHO: "张三",
        WHEN: "2024-07-01",
        DOC: "核实记录",
    }
    decided, _, counts = apply_condition_overrides(
        judged, ConditionOverrides(pd.DataFrame([row]), pd.DataFrame()), id_column="parcel_id"
    )
    assert counts["applied"] == 1
    items = list(split_items(decided["missing"].iloc[0]))
    assert "规划用途及工业用地控制线〔自然资源局〕" in items
    assert not [i for i in items if "planning" in i]
