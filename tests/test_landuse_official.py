"""A land use read from a national classification is official; a register short form is not.

The national classifications define names and codes: GB 50137-2011《城市用地分类与规划建设用地
标准》 (M, M1–M3 工业用地; R2 二类居住用地 …), GB/T 21010-2017《土地利用现状分类》 (0601 工业用地),
《国土空间调查、规划、用途管制用地用海分类指南》 (自然资发〔2023〕234号: 1001, 100101–100103).
Reading them is reading an official fact. Short forms seen in registers (「工业」, 「商住用地」…)
are the project's reading (项目默认, 示例规则（非官方）): a value so marked can never turn a check
into 符合 on its own, so a plot industrial only through 「工业」 is 待核实 and the reason names
the value and says the reading is a project default.

A 不符合 resting only on a project short form (「商住用地」 read as non-industrial) stays
不符合, marked 示例规则（非官方） with the reading named: the guide forbids only a 符合 on an
unofficial value, and no reading makes 商住 land 工业用地 (as a 不符合 on the example area share
stays 不符合, marked, in :func:`landgov.core.overlay.judge_share`).

Both stages, hand-drawn (tests/_hand.py): 21-亩 squares (14000 m²) in EPSG:4549, 1 km apart.

- Screening 规划已非工业 (越政发〔2022〕24号 第七条第19项): each plot planned wholly for one use.
  The area share is made official (``own_share``: a county's 0.5), so only the land-use reading
  can bring the marker: 0 % non-industrial → 符合 (a plain fact); 100 % ≥ 50 % → 不符合;
  100 % read only through 「工业」 → not known officially: 0 + 100 % ≥ 50 % → 待核实.
- 增容 适用范围 土地用途 (附件3 第一条 「存量工业用地」): the parcel's own 土地用途.
"""

from __future__ import annotations

import pandas as pd
import pytest

from landgov.core.landuse import industrial_matcher
from landgov.far.zengrong import check_parcels
from landgov.policy import load_profile
from landgov.verdict import Status, Verdict
from tests._hand import cover, firms, own_share, plots, screen_plots, zengrong_inputs

MARK = "示例规则（非官方）"
P, F, U = Status.PASS, Status.FAIL, Status.UNKNOWN

#: (use, screening 规划已非工业, 增容 土地用途, unofficial marker expected in both)
CASES = [
    ("工业用地", P, P, False),  # GB 50137 M / GB/T 21010 0601 name
    ("M2", P, P, False),  # GB 50137-2011 二类工业用地
    ("0601", U, U, True),  # GB/T 21010 工业用地, 用地用海 乡村道路: project reading
    ("100101", P, P, False),  # 用地用海分类 一类工业用地
    ("工业", U, U, True),  # register short form: project reading only → never 符合
    ("商住用地", F, F, True),  # register short form, non-industrial: 不符合, marked
    ("R2", F, F, False),  # GB 50137-2011 二类居住用地
]
USES = [c[0] for c in CASES]


def _scope(row: pd.Series) -> Verdict:
    """The 增容 适用范围 verdict [附件3 第一条] of one row. Every other part of the scope holds on
    these plots (越城区 code, 出让, planned 工业用地, no zone, after 2022-11-01), so the 土地用途
    part decides it; its text carries each part's citation."""
    found = [v for v in row["verdicts"] if v.rule_id == "zengrong.scope"]
    assert len(found) == 1
    return found[0]


@pytest.fixture(scope="module")
def county():
    """越城区 with the planning area share set by a county document (official)."""
    return own_share(load_profile("yuecheng-2022"))


@pytest.fixture(scope="module")
def screened(county):
    n = len(USES)
    return screen_plots(county, plots(n), firms(n, tax_wan=42.0), uses=USES)


@pytest.fixture(scope="module")
def reviewed(county):
    parcels = plots(len(USES), land_use=USES)
    return check_parcels(zengrong_inputs(county, parcels))


@pytest.mark.parametrize(("use", "status", "_z", "marked"), CASES)
def test_screening_planning_reads_official_and_project_uses(screened, use, status, _z, marked):
    verdict = screened.checks["planning"].iloc[USES.index(use)]
    assert verdict.status is status, verdict.explain()
    assert (MARK in verdict.explain()) is marked, verdict.explain()
    if marked:  # the value seen and that the reading is the project's
        assert f"「{use}」" in verdict.reason and "项目默认" in verdict.reason


@pytest.mark.parametrize(("use", "_s", "status", "marked"), CASES)
def test_zengrong_land_use_reads_official_and_project_uses(reviewed, use, _s, status, marked):
    verdict = _scope(reviewed.iloc[USES.index(use)])
    text = verdict.explain()
    assert verdict.status is status, text
    assert (MARK in text) is marked, text
    if marked:  # the value seen and that the reading is the project's
        assert f"土地用途「{use}」" in verdict.reason and "项目默认" in verdict.reason
    else:  # an official reading cites the standard by its code, never a seed number
        assert "GB 50137-2011" in text and "GB/T 21010-2017" in text, text
    if status is U:
        assert "土地用途" in "；".join(verdict.missing)


def test_zengrong_plan_on_a_short_form_is_never_a_pass(county):
    # 增容 「所在地块应符合国土空间规划的要求」: the same rule as screening. Plot 0 planned wholly
    # 「工业」: 0 % known non-industrial, 100 % read only by the project → 0 + 1.0 ≥ 0.5 → 待核实.
    parcels = plots(2)
    planning = cover(
        parcels, 1.0, planned_use=["工业", "工业用地"], inside_control_line=["是", "是"]
    )
    rows = check_parcels(zengrong_inputs(county, parcels, planning=planning))
    plan = [_scope(row) for _, row in rows.iterrows()]
    assert [v.status for v in plan] == [U, P]
    assert "规划用途「工业」" in plan[0].reason and "项目默认" in plan[0].reason


def test_matcher_says_which_list_read_the_value():
    m = industrial_matcher(load_profile("zhejiang-2023"))
    for text, industrial, official in [
        ("工业用地", True, True),
        ("M2", True, True),
        ("Ｍ２", True, True),
        ("0601", True, False),  # 工业用地 only in GB/T 21010: the project's reading
        ("100101", True, True),
        ("工业", True, False),
        ("商住用地", False, False),
        ("非工业用地", False, False),
        ("R2", False, True),
        ("工业用地（M2）", True, True),
        ("工业（M2）", True, True),  # the official code decides, the short form agrees
        ("M1/工业", True, False),  # a part read only by the project
        ("XX", None, True),
    ]:
        read = m.read(text)
        assert (read.industrial, read.official) == (industrial, official), text
        if read.industrial is not None:
            assert read.citation is not None and read.citation.official is official, text


def _halves(parcels, west: str, east: str, cut: float):
    """Plot 0 split at ``cut`` of its width: ``west`` planned on the west, ``east`` on the east."""
    import geopandas as gpd
    import shapely

    from tests._hand import CRS

    x0, y0, x1, y1 = parcels.geometry.iloc[0].bounds
    x = x0 + (x1 - x0) * cut
    return gpd.GeoDataFrame(
        {"planned_use": [west, east], "inside_control_line": ["是", "是"]},
        geometry=[shapely.box(x0, y0, x, y1), shapely.box(x, y0, x1, y1)],
        crs=CRS,
    )


@pytest.mark.parametrize(
    ("west", "east", "cut", "status", "marked"),
    [
        # 60 % 商住用地 + 40 % R2: 100 % ≥ 50 % → 不符合; the official part alone, 40 % < 50 %,
        # would not reach it: the 不符合 rests on the short form → marked
        ("商住用地", "R2", 0.6, F, True),
        # 60 % R2 + 40 % 商住用地: the official 60 % ≥ 50 % decides alone → not marked
        ("R2", "商住用地", 0.6, F, False),
        # 30 % 「工业」 + 70 % 工业用地: 0 % non-industrial; even if 「工业」 were not industrial,
        # 0 + 30 % < 50 % (an official share): 符合 does not rest on the short form; the part
        # not known is still named (with how the project reads it), the citation is official
        ("工业", "工业用地", 0.3, P, None),
        # 60 % 「工业」 + 40 % 工业用地: 0 + 60 % ≥ 50 % → 待核实, the short form named
        ("工业", "工业用地", 0.6, U, True),
    ],
)
def test_a_short_form_on_part_of_a_plot_decides_only_where_it_could(
    county, west, east, cut, status, marked
):
    parcels = plots(1)
    planning = _halves(parcels, west, east, cut)
    verdict = screen_plots(county, parcels, firms(1, tax_wan=42.0), planning=planning)
    found = verdict.checks["planning"].iloc[0]
    row = check_parcels(zengrong_inputs(county, parcels, planning=planning)).iloc[0]
    for got in (found, _scope(row)):
        assert got.status is status, got.explain()
        if marked is None:
            assert got.citation.official and "「工业」" in got.reason, got.explain()
        else:
            assert (MARK in got.explain()) is marked, got.explain()
