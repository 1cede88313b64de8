"""Hand-worked policy cases, round 16: a plot whose main enterprise is not graded.

The 亩均 evaluation grades 制造业 firms: 规上, and 规下 using 3 亩 or more
[虞政发〔2022〕12号 第三条第（二）项第1目 「以规上制造业企业、实际用地3亩以上的规下制造业企业
为重点开展排查」; 嵊政〔2022〕28号 第三条第（二）项第1目 「实际用地3亩(含)以上」]. A firm outside
that scope (not 制造业, or 规下 under 3 亩) is 不参评: it has no grade and never will, so it is
not a D firm, and the 四个一批 term 「重大安全或环保违法且评价为D类」 (R1 关停退出,
``violation:重大:安全&grade:D``, 示例规则（非官方）) is false for it — the next rule decides.
A firm without a grade for lack of data (its industry code missing: whether it is 制造业 is
待核实) may be a D firm once the code is known: the term stays unknown and the path 待核实.

Plots are 21 亩 squares (:func:`tests._hand.plots`), plot ``i`` owned by firm ``i``; the firms are
规上, 100 tce, built 2015 (:func:`tests._hand.firms`), 允许类, tax 300 万元 (14.29 万元/亩 on the
plot: not 低效). Each has one 重大 安全 record of 2024-01-10, 未整改 (violation 不符合 → 治理).
By hand, for every plot: R1's other terms are false (允许类, no 环保 record, built so not idle,
100 tce so not 两高); R2 false (工业用地 inside the control line); R3 false (not 低效, no
demolition plan); R4 「其余」 always holds.
Comparisons follow 《民法典》第1259条: 「以上」 includes the number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from landgov.core.collect import render_text
from landgov.efficiency import grade_enterprises, parcel_grades, parcel_out_of_scope
from landgov.link import link_parcels
from landgov.run.screening import run_screening
from landgov.screening import screen
from landgov.screening._paths_blocks import recheck_paths
from tests._hand import (
    AS_OF,
    cover,
    firms,
    hand_files,
    no_plans,
    owner_links,
    parcels_of,
    plots,
    square,
    uscc,
    violation_records,
)

RECORD_DAY = dt.date(2024, 1, 10)
#: the scope clause as a reason cites it (shangyu-2022: its own text)
SCOPE_CLAUSE = (
    "[虞政发〔2022〕12号 第三条第（二）项第1目; 参照嵊政〔2022〕28号 第三条第（二）项第1目]"
)
GRADE_FIELD = "宗地字段 grade（亩均评价等级）"


def _major_safety(n: int):
    return violation_records(
        [{"uscc": uscc(i), "record_date": RECORD_DAY, "severity": "重大"} for i in range(n)]
    )


def _graded_screen(profile, parcels, ents):
    """Link, grade and screen as a run does (landgov.run.screening): the plot's grade and, when
    its main enterprise is outside the evaluation scope, why — both from its main enterprise."""
    n = len(parcels)
    linked = link_parcels(parcels, ents, owner_links(parcels), profile=profile)
    graded = grade_enterprises(linked.enterprises, profile=profile)
    lp = linked.parcels.copy()
    lp["grade"] = parcel_grades(lp, graded.data)
    lp["grade_out_of_scope"] = parcel_out_of_scope(lp, graded.data)
    planning = cover(parcels, 1.0, planned_use=["工业用地"] * n, inside_control_line=["是"] * n)
    return screen(
        lp,
        enterprises=graded.data,
        pairs=linked.pairs,
        compliance=_major_safety(n),
        planning=planning,
        demolition=no_plans(),
        profile=profile,
        as_of=AS_OF,
    )


def _path(row):
    return (row["screening_status"], row["path"], row["path_rule"], row["path_status"])


# =============================================================================================
# 1. not 制造业


def test_wholesale_firm_with_major_safety_record_is_not_a_d_firm(shangyu, tmp_path):
    """Firm 0 is 批发 (industry 5171, 2017: 大类 51, 门类 F) → not 制造业 → 不参评
    [虞政发〔2022〕12号 第三条第（二）项第1目]: no grade, ever. Its 重大 安全 record makes R1's
    term 「重大安全违法且评价为D类」 hinge on the grade: not D (no grade) → false. R1's other terms
    are false (see the module docstring), so R1 is false, not unknown; R2, R3 false; R4 整治提升,
    符合 — nothing is missing. The reasons say why the grade term failed: 不参评：非制造业, with
    the clause. Checked in a whole run (files → 底数清单), where the grade is computed."""
    parcels = plots(1)
    ents = firms(1, industry_code=["5171"], industry_name=["批发"])
    inputs = hand_files(tmp_path, parcels, ents)
    _major_safety(1).to_csv(tmp_path / "compliance.csv", index=False)
    no_plans().to_file(tmp_path / "demolition.gpkg", driver="GPKG")
    inputs = dataclasses.replace(inputs, demolition=tmp_path / "demolition.gpkg")
    run = run_screening(
        inputs, profile=shangyu, out_dir=tmp_path / "out", as_of=AS_OF, progress=False, gpkg=False
    )
    row = run.parcels.iloc[0]
    assert run.parcels["grade"].isna().all()
    assert _path(row) == ("治理", "整治提升", "R4", "符合")
    assert GRADE_FIELD not in str(row["missing"])
    assert "不参评：非制造业（行业代码 5171（大类 51）不属制造业" in row["reasons"]
    assert SCOPE_CLAUSE in row["reasons"]
    assert "评价等级条件均不成立" in row["reasons"]


# =============================================================================================
# 2. 规下 at 2.9 亩 and at 3.0 亩


def test_small_firm_under_three_mu_is_out_of_scope_at_three_it_is_in(shangyu):
    """Plots 0 and 1 measure 2.9 亩 and 3.0 亩; their owners, firms 0 and 1, are 规下 制造业
    (3311) using just their plot (实际用地 = the linked area), each with a 重大 安全 record and
    10 万千瓦时 of power (规下 firms are scored on 亩均税收 and 单位电耗税收).
    「实际用地3亩以上的规下制造业企业」 [虞政发〔2022〕12号 第三条第（二）项第1目]; 「以上」
    includes 3 (《民法典》第1259条):
    - firm 0, 2.9 < 3 → 不参评, out of scope → no grade → R1 term false → R4 整治提升, 符合;
      the reasons say 「不参评：规下且用地不足 3 亩」 with the clause.
    - firm 1, 3.0 ≥ 3 (a square measuring 2.9999999… 亩 is 3 亩) → in scope, the only firm
      evaluated, graded by its own score: a grade is known and not from the scope. Percentile
      bands (A 20 %, B 40 %, C 35 %, D 5 %, efficiency._grading): rank 1 of 1 sits at
      (1 − ½)/1 = 0.5, past A's 0.2 and within B's 0.6 → B, not D: the R1 term is false by the
      grade → R4 整治提升, 符合, with no 不参评 line."""
    parcels = parcels_of([square(2.9, 0), square(3.0, 1)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    ents = firms(2, above_scale=[False, False], power_10k_kwh=[10.0, 10.0])
    got = _graded_screen(shangyu, parcels, ents).parcels
    small, at_three = got.iloc[0], got.iloc[1]
    assert pd.isna(small["grade"])
    assert small["grade_out_of_scope"] == f"不参评：规下且用地不足 3 亩 {SCOPE_CLAUSE}"
    assert _path(small) == ("治理", "整治提升", "R4", "符合")
    assert "主体企业不参评：规下且用地不足 3 亩" in small["reasons"]
    # 3.0 亩: 「以上」 includes it — evaluated, graded, and not out of scope
    assert at_three["grade"] == "B"
    assert at_three["grade_out_of_scope"] is None
    assert _path(at_three) == ("治理", "整治提升", "R4", "符合")
    assert "不参评" not in at_three["reasons"]


# =============================================================================================
# 3. industry code missing: 待核实


def test_firm_without_industry_code_stays_unverified(shangyu):
    """Firm 0 has no industry code: whether it is 制造业 is 待核实, so it is 不参评 for lack of
    data, not out of the scope — once the code is collected it may be graded D. R1's term
    「重大安全违法且评价为D类」 is unknown: path R4 整治提升 but 待核实, naming the grade; no
    「不参评：非制造业」 reason. (This held before the fix too: the pin beside cases 1 and 2.)"""
    parcels = plots(1)
    ents = firms(1, industry_code=[None])
    row = _graded_screen(shangyu, parcels, ents).parcels.iloc[0]
    assert pd.isna(row["grade"])
    assert row["grade_out_of_scope"] is None
    assert _path(row) == ("治理", "整治提升", "R4", "待核实")
    assert GRADE_FIELD in row["missing"]
    assert "不参评：" not in row["reasons"]


# =============================================================================================
# 4. after 人工认定: the same facts


def test_recheck_after_overrides_reads_the_same_scope(shangyu):
    """The paths re-run after 人工认定 (recheck_paths) read the 治理 plots' own rows, so a plot
    whose main enterprise is 批发 (不参评) is read as in the main run: R1 false → R4 整治提升,
    符合; a plot whose code is missing stays 待核实 (R1 unknown)."""
    parcels = plots(2)
    ents = firms(2, industry_code=["5171", None])
    result = _graded_screen(shangyu, parcels, ents)
    gov = result.governance
    rows = recheck_paths(
        gov,
        checks=result.checks.loc[gov.index],
        profile=shangyu,
        fixed=pd.Series(False, index=gov.index),
    )
    assert rows["path_rule"].tolist() == ["R4", "R4"]
    assert rows["path_status"].tolist() == ["符合", "待核实"]
    assert rows["path_status"].tolist() == gov["path_status"].tolist()


# =============================================================================================
# 5. a county's table that asks 「非D类」


def test_a_not_d_term_holds_for_a_plot_outside_the_scope_and_says_why(shangyu):
    """A county table (hand-drawn, 示例规则（非官方）) of X1 关停退出 「评价为D类」 (``grade:D``),
    X2 功能转型 「非D类」 (``!grade:D``), X3 整治提升 (always). Plot 0: no grade, main enterprise
    不参评：非制造业 → not D → X1 false, X2 true, 符合, its reason the 不参评 line (once). Plot 1:
    no grade for lack of data → X1 and X2 unknown → X3, 待核实, naming the grade. Plot 2: grade C →
    X2, 符合, no 不参评 line."""
    from landgov.screening.paths import _build_rule, assign_paths

    rules = [
        _build_rule({"id": "X1", "path": "关停退出", "any": ["grade:D"]}),
        _build_rule({"id": "X2", "path": "功能转型", "any": ["!grade:D"]}),
        _build_rule({"id": "X3", "path": "整治提升", "any": ["always"]}),
    ]
    why = f"不参评：非制造业（行业代码 5171（大类 51）不属制造业） {SCOPE_CLAUSE}"
    parcels = pd.DataFrame({"grade": [None, None, "C"], "grade_out_of_scope": [why, None, None]})
    got = assign_paths(
        parcels, checks=pd.DataFrame(index=parcels.index), profile=shangyu, rules=rules
    )
    assert got["path_rule"].tolist() == ["X2", "X3", "X2"]
    assert got["path_status"].tolist() == ["符合", "待核实", "符合"]
    assert got["reasons"].iloc[0].count(why) == 1
    assert GRADE_FIELD in got["missing"].iloc[1]
    assert "不参评" not in got["reasons"].iloc[2]


# =============================================================================================
# 6. a scope that is only an example (示例规则（非官方）)


def test_outside_an_example_scope_only_leaves_the_grade_term_open(yuecheng):
    """越城 has no 亩均 evaluation scope of its own: yuecheng-2022 takes the scope
    「规上制造业企业、实际用地3亩以上的规下制造业企业」 from 上虞 and 嵊州 as 示例规则（非官方）
    (「参照虞政发〔2022〕12号 第三条第（二）项第1目…」). Firm 0 (批发 5171) is 不参评 on that
    example only. An example never decides on its own (developers' guide;
    ``core.vocab.EXAMPLE_ONLY``): 「非D类」 may not rest on it, so R1's grade term is unknown,
    not false. The path is 待核实 (R4 for now), asking for the county's own evaluation scope
    (〔经信局〕), not for a grade, and the reasons do not say 「评价等级条件均不成立」. With
    shangyu-2022, whose own document sets the scope, the same plot is R4 符合 (test 1)."""
    parcels = plots(1)
    ents = firms(1, industry_code=["5171"], industry_name=["批发"])
    out = _graded_screen(yuecheng, parcels, ents).parcels
    row = out.iloc[0]
    assert "示例规则（非官方）" in str(row["grade_out_of_scope"])
    assert row["path_status"] == "待核实"
    assert (row["path"], row["path_rule"], row["path_status"]) == ("整治提升", "R4", "待核实")
    assert "本地亩均评价范围（制造业范围、规下企业用地下限，本地文件）〔经信局〕" in str(
        render_text(row["missing"])
    )
    assert GRADE_FIELD not in str(row["missing"])
    assert "评价等级条件均不成立" not in str(row["reasons"])


def test_a_code_of_more_than_four_digits_is_no_industry_code(shangyu):
    """GB/T 4754 codes are 2 (大类) to 4 (小类) digits. 「51715171」 (two codes run together, or a
    pasted cell) starts like 批发 5171 but is no code: whether the firm is 制造业 is 待核实, so
    it is not out of the scope and R1's grade term stays unknown — never 「非D类」 → R4 符合 on
    a code no one can read. Hand: R4 with 待核实, the grade named as missing."""
    parcels = plots(1)
    ents = firms(1, industry_code=["51715171"], industry_name=["批发"])
    row = _graded_screen(shangyu, parcels, ents).parcels.iloc[0]
    assert row["grade_out_of_scope"] is None
    assert _path(row) == ("治理", "整治提升", "R4", "待核实")
    assert GRADE_FIELD in str(row["missing"])
