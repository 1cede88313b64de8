"""A land use the toolkit does not recognise is unknown (待核实), never "non-industrial".

Screening (规划已非工业, 越政发〔2022〕24号 第七条第19项) and the 增容 scope (附件3 第一条
「所在地块应符合国土空间规划的要求」, 「存量工业用地」) ask :mod:`landgov.core.landuse` one
question: is this 用途 industrial? Only a use the profile's ``landuse`` section lists as
non-industrial (GB 50137-2011, GB/T 21010-2017, 自然资发〔2023〕234号 用地用海分类) is
non-industrial; a typo, an unknown code or the 三调 parent class 「06」 工矿仓储用地 (工业 + 采矿 +
盐田 + 仓储) is undecided, and the reason names the value seen.

Hand-drawn fixtures (tests/_hand.py): 21-亩 squares (14000 m²) in EPSG:4549, 1 km apart, each
planned wholly for one use; firm ``i`` owns plot ``i``, tax 42 万元 → 亩均税收 42 / 21 = 2 万元/亩
≤ 5 (低效). ``screening.planning_nonindustrial_share`` = 0.5 (">=", 示例规则（非官方）).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landgov.core.landuse import industrial_matcher
from landgov.far.zengrong import check_parcels
from landgov.policy import load_profile
from landgov.reports.lists import scope_notes
from landgov.verdict import Status
from tests._hand import CRS, cover, firms, plots, screen_plots, zengrong_inputs

#: The planned uses of the hand cases and the answer both stages must give.
#: 规划已非工业 / 符合国土空间规划: the share planned non-industrial against 0.5:
#: - 「XX」, 「06」, 「工亚用地」: unrecognised → 0 % known non-industrial, 100 % unknown;
#:   0 + 1.0 ≥ 0.5 could reach the share → 待核实 (before: 100 % non-industrial → 不符合);
#: - 「R2」 (GB 50137 二类居住), 「0701」 (GB/T 21010 城镇住宅 / 用地用海 城镇住宅),
#:   「商业用地（B1）」 (name and code both 商业): 100 % ≥ 50 % → 不符合;
#: - 「工业用地（M2）」: 0 % non-industrial, 0 % unknown → 符合 (a plain fact, no threshold).
CASES = [
    ("XX", Status.UNKNOWN),
    ("06", Status.UNKNOWN),
    ("工亚用地", Status.UNKNOWN),
    ("R2", Status.FAIL),
    ("0701", Status.FAIL),
    ("商业用地（B1）", Status.FAIL),
    ("工业用地（M2）", Status.PASS),
]
UNRECOGNISED = [use for use, status in CASES if status is Status.UNKNOWN]


def _scope(row: pd.Series) -> tuple[Status, str]:
    """The 增容 scope verdict (附件3 第一条) of one row: its status and note. Every other part
    of the scope holds on these plots (越城区 code, 出让, no zone, after 2022-11-01), so the part
    in question decides it."""
    return Status(row["scope"]), row["scope_note"]


def test_screening_and_zengrong_agree_on_each_planned_use(yuecheng):
    uses = [use for use, _ in CASES]
    parcels = plots(len(uses))
    screened = screen_plots(yuecheng, parcels, firms(len(uses), tax_wan=42.0), uses=uses)
    planning = cover(parcels, 1.0, planned_use=uses, inside_control_line=["是"] * len(uses))
    reviewed = check_parcels(zengrong_inputs(yuecheng, parcels, planning=planning))
    expected = [status for _, status in CASES]
    assert [v.status for v in screened.checks["planning"]] == expected
    assert [_scope(row)[0] for _, row in reviewed.iterrows()] == expected
    for i, use in enumerate(uses):
        if use in UNRECOGNISED:
            told = f"规划用途「{use}」无法识别"
            assert told in screened.checks["planning"].iloc[i].reason
            assert told in _scope(reviewed.iloc[i])[1]
            assert told in reviewed["planning_unknown_note"].iloc[i]
    # 低效 (2 万元/亩) and planned non-industrial → R2 功能转型; an unrecognised plan must not
    # send a plot down that path (it did: 「XX」 was read as 100 % non-industrial)
    paths = screened.parcels["path"].tolist()
    assert [p for p, u in zip(paths, uses, strict=True) if u in UNRECOGNISED] == ["整治提升"] * 3
    assert paths[3:6] == ["功能转型"] * 3


def test_an_unrecognised_part_of_a_plot_is_not_counted_as_non_industrial(yuecheng):
    # One 21-亩 plot: its western 60 % planned 「XX」, the eastern 40 % 工业用地.
    # Known non-industrial 0 % < 0.5, but 0 + 0.6 unknown ≥ 0.5 → 待核实 in both stages.
    # Before: 60 % non-industrial ≥ 0.5 → 不符合.
    parcels = plots(1)
    x0, y0, x1, y1 = parcels.geometry.iloc[0].bounds
    cut = x0 + (x1 - x0) * 0.6
    planning = gpd.GeoDataFrame(
        {"planned_use": ["XX", "工业用地"], "inside_control_line": ["是", "是"]},
        geometry=[shapely.box(x0, y0, cut, y1), shapely.box(cut, y0, x1, y1)],
        crs=CRS,
    )
    screened = screen_plots(yuecheng, parcels, firms(1, tax_wan=42.0), planning=planning)
    verdict = screened.checks["planning"].iloc[0]
    assert verdict.status is Status.UNKNOWN
    assert verdict.values["share"] == 0.0
    assert verdict.values["unknown_share"] == pytest.approx(0.6, abs=1e-4)
    assert "规划用途「XX」无法识别" in verdict.reason
    row = check_parcels(zengrong_inputs(yuecheng, parcels, planning=planning)).iloc[0]
    assert _scope(row)[0] is Status.UNKNOWN
    assert "规划用途「XX」无法识别" in _scope(row)[1]


@pytest.mark.parametrize(
    ("land_use", "status"),
    [
        ("XX", Status.UNKNOWN),
        ("工亚用地", Status.UNKNOWN),
        ("06", Status.UNKNOWN),  # 工矿仓储用地: not certainly industrial
        ("0604", Status.FAIL),  # GB/T 21010 仓储用地: known, not industrial
        ("仓储用地", Status.FAIL),
    ],
)
def test_parcel_land_use_in_the_zengrong_scope(yuecheng, land_use, status):
    # 附件3 第一条 「存量工业用地」: the parcel's 土地用途 by the same matcher.
    parcels = plots(1, land_use=[land_use])
    row = check_parcels(zengrong_inputs(yuecheng, parcels)).iloc[0]
    found, note = _scope(row)
    assert found is status
    if status is Status.UNKNOWN:
        assert f"土地用途「{land_use}」无法识别" in note
        assert "两种含义" not in note  # it was said to have two meanings: it has none
    # the lists' 范围说明 says the same, in the check's words (tests/test_scope_note_landuse.py)
    listed = scope_notes(pd.DataFrame({"land_use": [land_use]}), yuecheng).iloc[0]
    if status is Status.UNKNOWN:
        assert f"土地用途「{land_use}」无法识别" in listed and "待核实" in listed
        assert "非工业用地" not in listed
    elif status is Status.FAIL:
        assert f"土地用途为「{land_use}」，非工业用地 [GB 50137-2011" in note
        assert f"土地用途为「{land_use}」，非工业用地 [GB 50137-2011" in listed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # GB 50137-2011
        ("R2", False), ("A33", False), ("B1", False), ("W1", False), ("S1", False),
        ("U12", False), ("G1", False), ("E1", False), ("H2", False), ("M1", True),
        ("H1", None), ("H11", None),  # 城乡居民点建设用地 holds 工业用地
        # GB/T 21010-2017 (三调)
        ("0201", False), ("05", False), ("0701", False), ("0804", False), ("1003", False),
        ("1101", False), ("0602", False), ("0603", False), ("0604", False), ("0601", True),
        ("06", None), ("10", None),  # 工矿仓储用地; 交通运输 (GB/T) or 工矿 (用地用海)
        # 自然资发〔2023〕234号 用地用海分类
        ("070101", False), ("0901", False), ("1002", False), ("1101", False), ("1207", False),
        ("1401", False), ("16", False), ("100101", True),
        # 16 留白用地 has no 二级类: 「1601」 is no code (it read False through 「16」 + digits)
        ("1601", None),
        # names
        ("居住用地", False), ("商业用地", False), ("商服用地", False), ("住宅用地", False),
        ("仓储用地", False), ("物流仓储用地", False), ("公园绿地", False), ("采矿用地", False),
        ("工矿仓储用地", None), ("工矿用地", None), ("工亚用地", None), ("XX", None),
        ("商业用地/XX", None), ("工业用地（XX）", None),
    ],
)  # fmt: skip
def test_the_three_classifications(text, expected):
    assert industrial_matcher(load_profile("zhejiang-2023")).matches(text) is expected


@pytest.mark.parametrize(
    "name",
    [
        "gongshu-2022",
        "shangyu-2022",
        "shengzhou-2022",
        "yuecheng-2022",
        "zhejiang-2023",
        "zhejiang-province-2023",
    ],
)
def test_every_profile_knows_non_industrial_uses(name):
    profile = load_profile(name)
    matcher = industrial_matcher(profile)
    assert (matcher.matches("R2"), matcher.matches("XX"), matcher.matches("M2")) == (
        False,
        None,
        True,
    )
    assert profile.citation("landuse.nonindustrial_uses") is not None
    # no use is both: the two lists are disjoint (a listed use in both would be undecided)
    both = set(profile.value("landuse.industrial_uses")) & set(
        profile.value("landuse.nonindustrial_uses")
    )
    assert not both
    assert all(matcher.matches(u) is True for u in profile.value("landuse.industrial_uses"))
    assert all(matcher.matches(u) is False for u in profile.value("landuse.nonindustrial_uses"))


def test_uses_not_plainly_industrial_are_listed_once_in_the_problem_sheet() -> None:
    # The 底数清单 keeps every plot (a non-industrial one is screened all the same) and says
    # so in its 范围说明; 问题记录 now lists them too, one row per kind for the file, with the
    # texts, their counts and the rows: 「工矿仓储用地」 (the 三调 parent class: 工业 + 采矿 +
    # 盐田 + 仓储) cannot be read → 警告, scope 待核实; 「商业用地」 twice is not industrial →
    # 提示; 「工业用地」 says nothing.
    from landgov.screening._screen import _problems

    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": [f"330602001001GB0000{i}" for i in range(4)],
            "land_use": ["工业用地", "商业用地", "工矿仓储用地", "商业用地"],
            "source_row": [2, 3, 4, 5],
        },
        geometry=[shapely.box(0, 0, 10, 10)] * 4,
        crs=CRS,
    )
    got = _problems(parcels, pd.DataFrame({"uscc": []}), None, None, load_profile("yuecheng-2022"))
    rows = got[got["field"] == "土地用途"]
    assert rows["severity"].tolist() == ["警告", "提示"]
    assert rows["problem"].tolist() == [
        "1 宗宗地的土地用途无法判定是否为工业用地（「工矿仓储用地」1 宗）：这些宗地的范围为待核实。"
        "行号：4",
        "2 宗宗地的土地用途不是工业用地（「商业用地」2 宗）：照常列入底数清单并筛查，"
        "范围说明中注明。行号：3、5",
    ]
    assert rows["row"].tolist() == [4, 3]
