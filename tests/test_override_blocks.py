"""人工认定 that change a 连片 block: the other plots' path texts follow the regrouped blocks.

Hand-worked on three touching plots, left to right P1 | P2 | P3 (profile zhejiang-2023: blocks
of 拆除重建 and 关停退出 plots, 100 亩 and more is large; R3 「低效且属100亩以上连片低效地块 →
拆除重建」). Paths are not decided again after an override (that would move blocks again): a
plot whose path still follows from the blocks as they are now gets its text rewritten; one whose
path no longer follows is kept and flagged 待核实 with a reason naming the override.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landgov.policy import load_profile
from landgov.run.overrides import (
    Overrides,
    _snapshot,
    apply_overrides,
    review_block_paths,
)
from landgov.screening._paths_blocks import paths_and_blocks
from landgov.screening.blocks import regroup_blocks
from tests.test_blocks import IDLE, LOW, VIOLATION, _gov
from tests.test_overrides import _stale_block_claims

BY = "张三"
DAY = dt.date(2026, 7, 10)
LOW_AND_UNDER_USED = {"low_efficiency": LOW["low_efficiency"], "under_used": LOW["low_efficiency"]}


@pytest.fixture(scope="module")
def zhejiang():
    return load_profile("zhejiang-2023")


def _computed(widths, rows, years, profile):
    """The 底数清单 of three 治理 plots as the screening leaves it, and their checks."""
    plots, checks = _gov(widths, rows, years)
    got = paths_and_blocks(plots, checks=checks, profile=profile)
    parcels = plots.assign(
        screening_status="治理",
        block_id=got.block_id,
        block_large=got.block_large,
        block_area_mu=got.block_area_mu,
    )
    for name in ("path", "path_rule", "path_status", "reasons", "citations", "missing"):
        parcels[name] = got.paths[name]
    return parcels, checks


def _override(parcels, pid: str, path: str):
    """Decide ``pid``'s path, then form the blocks again and review the others (as a run)."""
    row = parcels[parcels["parcel_id"] == pid].iloc[0]
    rec = {
        "宗地代码": pid, "行号": 2, "认定路径": path, "认定筛查结论": None,
        "理由": "联席会议认定", "认定人": BY, "认定日期": DAY, "文件依据": "会纪〔2026〕1号",
        "认定时计算结果": _snapshot(row.to_dict()),
    }  # fmt: skip
    decided, _ = apply_overrides(parcels, Overrides(pd.DataFrame([rec]), pd.DataFrame()))
    return decided


def _regrouped(decided, checks, profile):
    before = decided[["block_id", "block_area_mu"]].copy()
    columns, blocks = regroup_blocks(decided, profile=profile)
    for name in columns.columns:
        decided[name] = columns[name]
    out, problems = review_block_paths(decided, before=before, checks=checks, profile=profile)
    return out.set_index("parcel_id"), blocks, problems


def test_a_block_that_falls_below_100_mu_flags_the_plot_rebuilt_because_of_it(zhejiang):
    # P1 40 亩 idle 3 years → R1 关停退出; P2 40 亩 low efficiency and under-used → R3 拆除重建
    # by itself; P3 30 亩 low efficiency only, next to the seed block P1+P2 (80 亩): 80 + 30 =
    # 110 ≥ 100 → R3 by the block clause, it joins → block B0001 of 110 亩.
    parcels, checks = _computed([40, 40, 30], [IDLE, LOW_AND_UNDER_USED, LOW], [3, 0, 0], zhejiang)
    p = parcels.set_index("parcel_id")
    assert p["path"].tolist() == ["关停退出", "拆除重建", "拆除重建"]
    assert p.loc["P3", "block_area_mu"] == pytest.approx(110.0)
    assert "属连片地块 B0001（110 亩）" in p.loc["P3", "reasons"]
    assert "属连片地块 B0001（110 亩）" in p.loc["P2", "reasons"]  # both R3 terms hold
    # 人工认定: P1 is to be rectified, not vacated → it leaves the block: P2 + P3 = 70 亩
    decided = _override(parcels, "P1", "整治提升")
    out, blocks, problems = _regrouped(decided, checks, zhejiang)
    assert blocks["block_id"].tolist() == ["B0001"]
    assert blocks.iloc[0]["area_mu"] == pytest.approx(70.0) and not blocks.iloc[0]["large"]
    assert out.loc["P1", "path"] == "整治提升" and pd.isna(out.loc["P1", "block_id"])
    for pid in ("P2", "P3"):
        assert out.loc[pid, "block_area_mu"] == pytest.approx(70.0)
        assert not out.loc[pid, "block_large"]
        assert "110 亩" not in out.loc[pid, "reasons"].split("按现连片地块的判定：")[-1]
    # P2 is still 拆除重建 (low and under-used): the text drops the block, nothing to review
    assert out.loc["P2", "path"] == "拆除重建" and out.loc["P2", "path_status"] == "符合"
    assert "属连片地块" not in out.loc["P2", "reasons"]
    assert "待复核" not in out.loc["P2", "reasons"]
    # P3 was 拆除重建 only because of the block: the path is kept, flagged for review
    assert (out.loc["P3", "path"], out.loc["P3", "path_rule"]) == ("拆除重建", "R3")
    assert out.loc["P3", "path_status"] == "待核实"
    first = out.loc["P3", "reasons"].split("\n")[0]
    assert first == (
        "待复核：人工认定（宗地 P1 治理路径 系统：关停退出 → 认定：整治提升（张三 2026-07-10））"
        "改变了连片地块，判定时所在连片地块 B0001 110 亩，现所在连片地块 B0001 70 亩；"
        "按现连片地块判定为「整治提升」（规则 R4），与所列「拆除重建」（规则 R3）不同，"
        "路径暂不改变，请复核"
    )
    assert "按现连片地块的判定：规则 R4「整治提升」" in out.loc["P3", "reasons"]
    assert problems["value"].tolist() == ["P3"]
    assert "宗地 P3 的治理路径待复核" in problems.iloc[0]["problem"]
    assert problems.iloc[0]["severity"] == "警告"


def test_a_block_that_reaches_100_mu_flags_the_neighbour_that_would_now_join(zhejiang):
    # P1 60 亩 with a violation only → R4 整治提升; P2 40 亩 idle → R1 关停退出, a block of its
    # own (40 亩); P3 30 亩 low efficiency next to it: 40 + 30 = 70 < 100 → R4, in no block.
    parcels, checks = _computed([60, 40, 30], [VIOLATION, IDLE, LOW], [0, 3, 0], zhejiang)
    p = parcels.set_index("parcel_id")
    assert p["path"].tolist() == ["整治提升", "关停退出", "整治提升"]
    assert p.loc["P2", "block_area_mu"] == pytest.approx(40.0) and pd.isna(p.loc["P3", "block_id"])
    before_p2 = p.loc["P2", "reasons"]
    # 人工认定: P1 is to be rebuilt → it joins P2: a block of 100 亩, large
    out, blocks, problems = _regrouped(_override(parcels, "P1", "拆除重建"), checks, zhejiang)
    assert blocks.iloc[0]["area_mu"] == pytest.approx(100.0) and blocks.iloc[0]["large"]
    assert out.loc["P2", "block_large"] and out.loc["P2", "block_area_mu"] == pytest.approx(100.0)
    assert out.loc["P2", "reasons"] == before_p2 and out.loc["P2", "path_status"] == "符合"
    # P3 would now join a block of 100 亩 and more (30 + 100): R3 拆除重建, not its 整治提升
    assert (out.loc["P3", "path"], out.loc["P3", "path_status"]) == ("整治提升", "待核实")
    assert pd.isna(out.loc["P3", "block_id"])  # paths are not decided again: no block moves
    first = out.loc["P3", "reasons"].split("\n")[0]
    assert first == (
        "待复核：人工认定（宗地 P1 治理路径 系统：整治提升 → 认定：拆除重建（张三 2026-07-10））"
        "改变了连片地块，判定时不属连片地块，现与相邻连片地块 B0001 合计 130 亩；"
        "按现连片地块判定为「拆除重建」（规则 R3），与所列「整治提升」（规则 R4）不同，"
        "路径暂不改变，请复核"
    )
    assert "属连片地块 B0001（130 亩）" in out.loc["P3", "reasons"]
    assert problems["value"].tolist() == ["P3"]


def test_nothing_changes_for_plots_whose_block_the_override_did_not_touch(zhejiang):
    # the first case, with the override undone: every text is what the screening wrote
    parcels, checks = _computed([40, 40, 30], [IDLE, LOW_AND_UNDER_USED, LOW], [3, 0, 0], zhejiang)
    decided = _override(parcels, "P1", "关停退出")  # decided as computed: the block stays
    out, _, problems = _regrouped(decided, checks, zhejiang)
    p = parcels.set_index("parcel_id")
    for pid in ("P2", "P3"):
        for name in ("path", "path_rule", "path_status", "reasons", "citations", "missing"):
            assert out.loc[pid, name] == p.loc[pid, name], (pid, name)
    assert problems.empty


ROWS = {"idle": IDLE, "low": LOW, "low_under": LOW_AND_UNDER_USED, "violation": VIOLATION}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plots=st.lists(
        st.tuples(st.sampled_from([10, 30, 50, 70]), st.sampled_from(sorted(ROWS))),
        min_size=2,
        max_size=6,
    ),
    pick=st.integers(min_value=0, max_value=5),
    path=st.sampled_from(["整治提升", "拆除重建", "关停退出"]),
)
def test_after_any_override_no_text_names_a_block_as_it_was_and_no_path_moves(
    zhejiang, plots, pick, path
):
    widths = [w for w, _ in plots]
    rows = [ROWS[k] for _, k in plots]
    years = [3 if k == "idle" else 0 for _, k in plots]
    parcels, checks = _computed(widths, rows, years, zhejiang)
    pid = f"P{pick % len(plots) + 1}"
    out, blocks, problems = _regrouped(_override(parcels, pid, path), checks, zhejiang)
    p = parcels.set_index("parcel_id")
    others = out.drop(index=pid)
    # no other plot's path is changed; one the blocks no longer support is flagged, and reported
    assert others["path"].tolist() == p.drop(index=pid)["path"].tolist()
    flagged = others["reasons"].str.startswith("待复核：")
    assert (others.loc[flagged, "path_status"] == "待核实").all()
    assert sorted(problems["value"]) == sorted(others.index[flagged])
    # every other text names the block the plot is in now, with its area now
    assert _stale_block_claims(others.reset_index()) == []
    # the blocks are the decided paths' blocks
    members = out["path"].isin(["拆除重建", "关停退出"])
    assert out.loc[members, "block_id"].notna().all() and out.loc[~members, "block_id"].isna().all()
    assert blocks["n_parcels"].sum() == members.sum()
    if path == p.loc[pid, "path"]:  # decided as computed: nothing else changes
        for name in ("path_rule", "path_status", "reasons", "citations", "missing"):
            assert others[name].tolist() == p.drop(index=pid)[name].tolist(), name


def test_deciding_a_plot_as_computed_adds_no_ring_to_its_block(zhejiang):
    """Found by the property above. Five touching plots P1 | P2 | P3 | P4 | P5 of 10, 10, 10,
    70, 10 亩: P1, P2, P4 idle → R1 关停退出 (seeds: P1+P2 20 亩, P4 70 亩); P3 low efficiency
    touches both seed blocks: 20 + 10 + 70 = 100 亩 → R3 拆除重建, block B0001 of 100 亩; P5 low
    efficiency touches only P4's seed block: 70 + 10 = 80 < 100 → R4 整治提升 (pass 2 adds one
    ring at most). The meeting decides P3 拆除重建, as computed: nothing changes. The recheck
    took P3 as a seed because a person had fixed it, so P5 saw 110 亩 and was flagged 待复核
    (「人工认定（）改变了连片地块」) though no block had changed."""
    plots = [(10, "idle"), (10, "idle"), (10, "low"), (70, "idle"), (10, "low")]
    widths, rows = [w for w, _ in plots], [ROWS[k] for _, k in plots]
    parcels, checks = _computed(widths, rows, [3, 3, 0, 3, 0], zhejiang)
    p = parcels.set_index("parcel_id")
    assert p["path"].tolist() == ["关停退出", "关停退出", "拆除重建", "关停退出", "整治提升"]
    out, blocks, problems = _regrouped(_override(parcels, "P3", "拆除重建"), checks, zhejiang)
    assert problems.empty
    assert blocks["area_mu"].tolist() == pytest.approx([100.0])
    for name in ("path", "path_rule", "path_status", "reasons"):
        assert out.loc["P5", name] == p.loc["P5", name], name
