"""The hand-outs as a 经信局/自然资源局 official reads them before a 联席会议 (round 4).

What the earlier audits (``test_handout*``, ``test_gis_handoff.py``) do not pin. Each test says
what the official met before.
"""

from __future__ import annotations

import dataclasses

import pytest

from landgov.far.zengrong import check_parcels
from landgov.policy import load_profile
from tests._hand import OFFICIAL_STANDARD_LAND, own_share, plots, with_standard_land
from tests._hand import zengrong_inputs as _inputs
from tests.test_control_line_one_rule import OUTSIDE, _planning, _zengrong


@pytest.fixture(scope="module")
def profile():
    return with_standard_land(load_profile("yuecheng-2022"), OFFICIAL_STANDARD_LAND)


def _line_column(profile, planning_of=_planning):
    parcels = plots(len(OUTSIDE))
    planning = None if planning_of is None else planning_of(parcels)
    inputs = dataclasses.replace(_inputs(profile, parcels), planning=planning)
    return check_parcels(inputs), _zengrong(profile, parcels, planning)


def test_control_line_column_says_what_the_rule_judged(profile):
    """「在工业用地控制线内」 showed the attribute of the plot's largest planning piece: a plot
    30 % outside the line read 「是」 beside its 适用范围 待核实 (the share judged against the
    example threshold 0.5), and a plot whose attribute is blank read nothing at all. It now
    says what :func:`landgov.core.planning.control_line_shares` judged, in both the 增容摸排
    and the 申请 rows (plots of :mod:`tests.test_control_line_one_rule`: 0 %, 100 %, 30 %,
    60 % outside, and blank)."""
    for got in _line_column(profile):
        shown = got["inside_control_line"].tolist()
        assert shown[0] == "是"
        assert shown[1] == "否"
        # 30 % outside, below the example share: to verify, the part inside said
        assert shown[2].startswith("待核实（部分在内，约70%）："), shown[2]
        assert "位于工业用地控制线外的面积占 30%" in shown[2]
        # 60 % outside reaches the share: outside by the rule, the part inside said
        assert shown[3].startswith("否（部分在内，约40%）："), shown[3]
        assert shown[4].startswith("待核实："), shown[4]
        assert "其余不明" in shown[4]
        # the column and the 适用范围 agree: never 是 where the scope is 待核实 on the line
        for text, note in zip(shown, got["scope_note"], strict=True):
            if text.startswith("待核实"):
                assert "控制线" in note


def test_control_line_column_with_a_county_share(profile):
    """With the share set by a county's own document, 30 % outside is inside by the rule."""
    county = own_share(profile, "screening.control_line_outside_share")
    got, _ = _line_column(county)
    assert got["inside_control_line"].iloc[2].startswith("是（部分在内，约70%）：")


def test_control_line_column_without_the_line(profile):
    """No planning layer: the column said nothing (a blank that reads as 「no data, fine」)."""
    got, apps = _line_column(profile, None)
    for frame in (got, apps):
        assert set(frame["inside_control_line"]) == {
            "待核实：未提供工业用地控制线（规划用途及工业用地控制线〔自然资源局〕）"
        }


def test_control_line_column_label_is_text():
    from landgov.core.columns import column

    col = column("inside_control_line")
    assert col is not None and col.kind == "text"
