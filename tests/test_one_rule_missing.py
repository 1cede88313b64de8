"""One rule for a missing value (``landgov.core.missing``) and one place for the land–enterprise
allocation (``landgov.link``), seen from a user's side.

Each test builds a tiny hand case where one stage or reader kept a rule of its own and so
answered differently from the others; each failed before the stage used the shared one.

1. Without a link table, plots are linked to the enterprise whose 企业名称 equals their
   权利人: a 权利人 「/」 or 「—」 (no registered holder) is no name, so it matches no firm —
   the link stage read it with ``dropna`` and gave every such plot to a firm named 「/」.
2. The 合计 check of a table names the rows that hold something the reader could not read as a
   number; a 「—」 is no value (the reader reads it so, silently), not unreadable content.
3. 低效 with a tenant's tax missing: the known part of the plot's tax (Σ share × 税收 over the
   enterprises whose tax is known) is the allocation ``landgov.link`` makes, not a second
   reading of the enterprise table (which found no firm under a code written in lower case,
   took another row of a code written twice, and stopped on 「210万元」 with a traceback).
   An enterprise linked to the plot that the enterprise table does not have (or whose code
   is masked) is such a firm too: its tax is not known, so the others' is only a floor — the
   link dropped it and let the tenant's tax alone make the plot 低效.

Plots are 21 亩 squares (14000 m², :func:`tests._hand.square`); the 上虞 threshold is
「亩均税收5万元以下」 [虞政发〔2022〕12号 第三条第（一）项第1目], 「以下」 including 5.
"""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook

from landgov.io import read_enterprises
from landgov.link import link_parcels, links_from_holders
from landgov.verdict import Status
from tests._hand import enterprises, firms, parcels_of, plots, screen_plots, square, uscc

# ------------------------------------------------------------- 1. 权利人 「/」 and 企业名称 「/」


@pytest.mark.parametrize("blank", ["/", "—", "无", "\u3000", "N/A"])
def test_plots_without_a_holder_are_not_given_to_a_firm_named_as_blank(yuecheng, blank) -> None:
    """Plots 0 and 1 have no registered 权利人 (written 「/」, 「—」 …), plot 2 is held by
    企业2. The enterprise table has a firm whose 企业名称 is written the same blank way (its
    name not known) and 企业2. Linked by holder name only plot 2 is linked (to 企业2); plots 0
    and 1 have no enterprise (待核实 无关联企业). Before: both were the blank-named firm's, as
    its own land (2 × 21 亩), and the firm's 亩均 figures were computed on them."""
    parcels = parcels_of([square(21.0, i) for i in range(3)], holder=[blank, blank, "企业2"])
    ents = enterprises(3, name=[blank, "企业1", "企业2"])
    links = links_from_holders(parcels, ents)
    assert links["parcel_id"].tolist() == [parcels["parcel_id"].iloc[2]]
    assert links["uscc"].tolist() == [uscc(2)]
    linked = link_parcels(parcels, ents, links, profile=yuecheng)
    assert linked.parcels["n_enterprises"].tolist() == [0, 0, 1]


# ------------------------------------------------------------------- 2. 合计 beside a 「—」


def test_the_total_check_does_not_call_a_dash_unreadable(tmp_path) -> None:
    """Four firms' 营业收入 (万元): 100, 「—」 (not reported), 200, 「待定」; the 合计 row says
    400. The rows read sum to 300, so the 合计 check says 合计比行之和多 100 and names the
    rows that hold something not read as a number: only 「待定」 (row 5). 「—」 (row 3) is no
    value, as the reader reads it (no problem row of its own); before, the note named row 3 too
    (「其中第3行、第5行该列有内容但未读出数值」), sending the user to a cell that is fine."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "营业收入（万元）"])
    ws.append([uscc(0), "甲公司", 100])
    ws.append([uscc(1), "乙公司", "—"])
    ws.append([uscc(2), "丙公司", 200])
    ws.append([uscc(3), "丁公司", "待定"])
    ws.append(["合计", None, 400])
    path = tmp_path / "企业.xlsx"
    wb.save(path)
    res = read_enterprises(path)
    assert res.data["revenue_wan"].isna().tolist() == [False, True, False, True]
    problems = res.problems["problem"].astype(str)
    total = problems[problems.str.contains("合计行与明细行之和不一致")]
    assert len(total) == 1
    assert "；其中第5行该列有内容但未读出数值；" in total.iloc[0]
    # the 「—」 cell (row 3) is said nowhere
    assert res.problems[res.problems["row"] == 3].empty


# ------------------------------------------------------- 2b. a code written as 「无」 or 「N/A」


@pytest.mark.parametrize("blank", ["无", "N/A", "NA", "/", "暂无", "—", "\u3000"])
def test_a_link_whose_code_is_written_as_none_is_a_missing_code(yuecheng, blank) -> None:
    """A link row whose 统一社会信用代码 is written 「无」 (or 「N/A」, 「/」 …) has no code, as
    a blank cell has none: the links reader reads it as missing (core.missing) and sets the
    row aside for it. Given such a frame in code, the link stage sets the row aside as
    「统一社会信用代码缺失」, as for a blank; its own code rule (ids.normalize_code knew only
    nan/none/null) kept 「无」 as a code and said 「统一社会信用代码长度错误」, sending the user
    to check the length of a code that was never written."""
    parcels = plots(2)
    pid = parcels["parcel_id"].tolist()
    ents = enterprises(2)
    said = [
        link_parcels(
            parcels,
            ents,
            pd.DataFrame({"parcel_id": pid, "uscc": [uscc(0), code]}),
            profile=yuecheng,
        ).unmatched_links["unmatched_reason"]
        for code in (None, blank)
    ]
    assert said[1].tolist() == said[0].tolist() == ["统一社会信用代码缺失，不予关联"]


# ---------------------------------------------------- 3. the known tax is the link's allocation


def _owner_and_tenant(ents: pd.DataFrame) -> pd.DataFrame:
    """Firm 0 owns plot 0, firm 1 (tax missing) rents on it: the links of :func:`plots` (1)."""
    pid = plots(1)["parcel_id"].iloc[0]
    return pd.DataFrame(
        {"parcel_id": [pid, pid], "uscc": [uscc(0), uscc(1)], "relation": ["owner", "tenant"]}
    )


def _low_efficiency(shangyu, ents: pd.DataFrame):
    got = screen_plots(shangyu, plots(1), ents, links=_owner_and_tenant(ents))
    return got.parcels.iloc[0], got.checks["low_efficiency"].iloc[0]


def test_the_known_tax_counts_a_firm_the_link_found_under_a_lower_case_code(shangyu) -> None:
    """The owner's code is written in lower case in the enterprise table (「…mA2c…」); the link
    reads codes in one form (upper case) and joins it: the owner brings its 210 万元 to the
    21 亩 plot, the tenant's tax is missing. At least 210 / 21 = 10 > 5 万元/亩 → not 低效
    (符合), the reason naming the floor. Before, screening looked the owner up under the code
    as written, found no firm, and left the plot 待核实 「亩均税收缺失」."""
    ents = firms(2, land_mu=21.0, tax_wan=[210.0, None])
    ents.loc[0, "uscc"] = uscc(0).lower()
    _, check = _low_efficiency(shangyu, ents)
    assert check.status is Status.PASS
    assert check.reason.startswith("亩均税收至少 10 万元/亩（已知税收 210 万元；")


def test_the_known_tax_is_that_of_the_row_the_link_joined(shangyu) -> None:
    """The owner is in the enterprise table twice: first with its code in lower case and tax
    1 万元, then as written in the link table with 210 万元. The link joins the first row
    (「统一社会信用代码在企业表中重复（仅首行参与关联）」): the known tax on the plot is
    1 万元, at least 1 / 21 = 0.05 万元/亩, which decides nothing while the tenant's tax is
    missing → 待核实 naming the tax. Before, screening took the second row's 210 万元 and
    found the plot 符合 (not 低效) on a figure the link had set aside."""
    ents = firms(3, land_mu=21.0, tax_wan=[1.0, None, 210.0])
    ents["uscc"] = [uscc(0).lower(), uscc(1), uscc(0)]
    parcel, check = _low_efficiency(shangyu, ents)
    assert check.status is Status.UNKNOWN
    assert "亩均税收缺失" in check.reason
    assert any("税收" in m for m in check.missing)
    assert parcel["screening_status"] == "待核实"


def test_a_tax_written_with_its_unit_is_missing_in_screening_as_in_the_link(shangyu) -> None:
    """A frame built in code holds 「210万元」 as the owner's tax (the readers convert such a
    cell; ``link_parcels`` reads a figure that is no number as missing). The plot's tax is
    then not known at all: 待核实 naming the tax, as the link's allocation says (tax_wan
    missing). Before, screening stopped with a ValueError traceback."""
    ents = firms(2, land_mu=21.0, tax_wan=["210万元", None])
    parcel, check = _low_efficiency(shangyu, ents)
    assert pd.isna(parcel["tax_wan"])
    assert check.status is Status.UNKNOWN
    assert any("税收" in m for m in check.missing)


def test_the_terms_are_the_link_allocation_term_by_term(yuecheng) -> None:
    """Firm 0 uses plot 0 (10500 m²) and plot 1 (3500 m²): its 300 万元 go 3 : 1, 225 and 75.
    Firm 1 owns plot 2 (tax 300). Firm 2 rents on plot 1 with its tax blank. The terms sum
    to the link's ``tax_wan`` where every term is known (plot 0: 225; plot 2: 300); on plot 1
    the known part is firm 0's 75 and firm 2 is named as lacking its tax (the link's
    ``tax_wan`` is missing there: never a silent 0)."""
    from landgov.link import allocation_terms

    parcels = plots(3)
    pid = parcels["parcel_id"].tolist()
    ents = firms(3, tax_wan=[300.0, 300.0, None])
    links = pd.DataFrame(
        {
            "parcel_id": [pid[0], pid[1], pid[2], pid[1]],
            "uscc": [uscc(0), uscc(0), uscc(1), uscc(2)],
            "relation": ["owner", "tenant", "owner", "tenant"],
            "area_used_m2": [10500.0, 3500.0, None, 1000.0],
        }
    )
    linked = link_parcels(parcels, ents, links, profile=yuecheng)
    terms = allocation_terms(linked.pairs, linked.enterprises, "tax_wan")
    by_plot = terms.groupby("parcel_id")["term"].sum(min_count=1)
    assert by_plot[pid[0]] == pytest.approx(225.0) == linked.parcels["tax_wan"].iloc[0]
    assert by_plot[pid[2]] == pytest.approx(300.0) == linked.parcels["tax_wan"].iloc[2]
    assert by_plot[pid[1]] == pytest.approx(75.0)
    assert pd.isna(linked.parcels["tax_wan"].iloc[1])
    assert terms.loc[terms["lacks"], "uscc"].tolist() == [uscc(2)]


def test_every_firm_check_finds_a_firm_the_link_found_under_a_lower_case_code(shangyu) -> None:
    """The owner's code is written in lower case in the enterprise table; the link joins it
    (codes are read in one form). Every check that reads the owner's own row (两高 on its
    6,000 tce built 2018, 是否属制造业, the catalogue) must find it as the link did and answer as
    for the code written in upper case — never 「企业表中没有该宗地关联企业」."""
    pid = plots(1)["parcel_id"].iloc[0]
    links = pd.DataFrame({"parcel_id": [pid], "uscc": [uscc(0)], "relation": ["owner"]})

    def checks(code: str) -> dict[str, tuple[object, str]]:
        ents = firms(1, land_mu=21.0, tax_wan=[210.0], energy_tce=6000.0, built_year=2018)
        ents.loc[0, "uscc"] = code
        got = screen_plots(shangyu, plots(1), ents, links=links)
        found = {k: v.iloc[0] for k, v in got.checks.items()}
        return {k: (v.status, v.reason) for k, v in found.items() if v is not None}

    upper, lower = checks(uscc(0)), checks(uscc(0).lower())
    assert lower == upper
    assert not any("企业表中没有" in reason for _, reason in lower.values())


# ------------------------------------- 3b. a linked firm the enterprise table does not have


def test_a_linked_owner_missing_from_the_enterprise_table_leaves_the_plot_to_verify(
    shangyu,
) -> None:
    """The owner (firm 0) is linked to the plot but is not in the enterprise table; the tenant
    pays 42 万元. The plot's tax is 42 万元 plus the owner's, which nobody knows: at least
    42 / 21 = 2 万元/亩, which decides nothing against 「5万元以下」 → 待核实, naming the
    owner as missing from the enterprise table (its 亩均 data, 经信局) beside the tax. Before,
    the link dropped the owner, the plot's tax was the tenant's 42 万元 alone, 2 万元/亩 → 低效
    (不符合) and the plot went to the 治理清单 with nothing to verify."""
    parcel, check = _low_efficiency(shangyu, firms(2, tax_wan=[None, 42.0]).iloc[[1]])
    assert check.status is Status.UNKNOWN
    assert check.reason.startswith("亩均税收缺失，无法判定是否低效")
    assert pd.isna(parcel["tax_wan"])
    assert parcel["unjoined_usccs"] == uscc(0)
    assert f"企业表中没有该宗地关联企业 {uscc(0)}" in check.missing
    assert any("税收" in m for m in check.missing)
    assert parcel["screening_status"] == "待核实"


def test_the_same_plot_with_the_owner_in_the_table_is_decided_as_before(shangyu) -> None:
    """Control: the owner is in the enterprise table with 21 万元, the tenant 42 万元: the
    plot's tax is 63 万元, 63 / 21 = 3 万元/亩 ≤ 5 → 低效 (不符合), nothing to verify."""
    parcel, check = _low_efficiency(shangyu, firms(2, tax_wan=[21.0, 42.0]))
    assert parcel["tax_wan"] == pytest.approx(63.0)
    assert check.status is Status.FAIL
    assert check.reason.startswith("亩均税收 3 万元/亩")
    assert parcel["screening_status"] == "治理"


def test_a_known_floor_above_the_threshold_passes_the_plot_naming_the_absent_owner(
    shangyu,
) -> None:
    """The tenant alone pays 210 万元 and the owner is not in the enterprise table: the plot's
    亩均税收 is at least 210 / 21 = 10 > 5 万元/亩, whatever the owner pays → not 低效 (符合),
    the reason saying the owner is not in the table (as for a tenant with its tax blank)."""
    _, check = _low_efficiency(shangyu, firms(2, tax_wan=[None, 210.0]).iloc[[1]])
    assert check.status is Status.PASS
    assert check.reason.startswith(
        f"亩均税收至少 10 万元/亩（已知税收 210 万元；{uscc(0)} 不在企业表中，补齐后只增不减）"
    )


def test_a_masked_owner_code_does_not_let_the_tenant_decide_the_plot_alone(shangyu) -> None:
    """The link table gives the owner's code masked (「9133…********…」): it joins nothing,
    but a firm still owns the plot. As for an owner missing from the table: the tenant's
    42 万元 is only a floor (2 万元/亩) → 待核实 naming the masked code; never 低效 on the
    tenant's tax alone."""
    masked = uscc(0)[:6] + "*" * 8 + uscc(0)[14:]
    ents = firms(2, tax_wan=[None, 42.0]).iloc[[1]]
    links = _owner_and_tenant(ents).assign(uscc=[masked, uscc(1)])
    got = screen_plots(shangyu, plots(1), ents, links=links)
    check = got.checks["low_efficiency"].iloc[0]
    assert check.status is Status.UNKNOWN
    assert f"企业表中没有该宗地关联企业 {masked}" in check.missing


def test_a_masked_code_in_the_links_file_is_kept_and_leaves_the_plot_to_verify(
    shangyu, tmp_path
) -> None:
    """The same as a file: the links table, as a county exports it, gives the owner's code
    masked. The reader keeps the row (an error, said) instead of rejecting it, so that the link
    still counts a firm on the plot: the tenant's 42 万元 is only a floor (2 万元/亩) → 待核实.
    Before, the reader rejected the row and the tenant alone made the plot 低效 (治理)."""
    from landgov.io import read_links

    masked = uscc(0)[:6] + "*" * 8 + uscc(0)[14:]
    pid = plots(1)["parcel_id"].iloc[0]
    path = tmp_path / "links.csv"
    pd.DataFrame(
        {"宗地代码": [pid, pid], "统一社会信用代码": [masked, uscc(1)], "关系": ["自有", "租用"]}
    ).to_csv(path, index=False)
    read = read_links(path)
    assert read.rows_in == 2 and len(read.data) == 2 and len(read.rejected) == 0
    assert (read.problems["severity"] == "错误").sum() == 1
    ents = firms(2, tax_wan=[None, 42.0]).iloc[[1]]
    got = screen_plots(shangyu, plots(1), ents, links=read.data)
    check = got.checks["low_efficiency"].iloc[0]
    assert check.status is Status.UNKNOWN
    assert got.parcels["screening_status"].iloc[0] == "待核实"
