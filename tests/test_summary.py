"""镇街 / district summary against the targets of the profile (docs/domain.md §9)."""

from __future__ import annotations

import pandas as pd
import pytest

from landgov.core.vocab import DISTRICT_ONLY_TARGET
from landgov.policy import Profile, load_profile
from landgov.summary import DISTRICT, NO_TARGET, SUMMARY_LABELS, summarise


@pytest.fixture(scope="module")
def profile():
    return load_profile("shangyu-2022")


@pytest.fixture
def screened() -> pd.DataFrame:
    # 甲镇: P1 治理 (整治提升, 12 亩), P2 治理 (关停退出, 8 亩), P3 不列入 (20 亩)
    # 乙街道: P4 待核实 (5 亩), P5 治理 (拆除重建, 30 亩)
    return pd.DataFrame(
        {
            "parcel_id": ["P1", "P2", "P3", "P4", "P5"],
            "township": ["甲镇", "甲镇", "甲镇", "乙街道", "乙街道"],
            "area_mu": [12.0, 8.0, 20.0, 5.0, 30.0],
            "screening_status": ["治理", "治理", "不列入", "待核实", "治理"],
            "path": ["整治提升", "关停退出", None, None, "拆除重建"],
        }
    )


@pytest.fixture
def enterprises() -> pd.DataFrame:
    # 规上: A (甲镇, 300 万元 on 10 亩), B (甲镇, 100 on 30), D (乙街道 via its plot, 60 on 3).
    # 规下: C (甲镇) — excluded from 规上亩均税收.
    # 甲镇 规上亩均税收 = (300 + 100) / (10 + 30) = 10.0 万元/亩
    # 乙街道 = 60 / 3 = 20.0;  全区 = 460 / 43 = 10.6977 万元/亩
    return pd.DataFrame(
        {
            "uscc": ["A", "B", "C", "D"],
            "township": ["甲镇", "甲镇", "甲镇", None],
            "above_scale": [True, True, False, True],
            "tax_wan": [300.0, 100.0, 5.0, 60.0],
            "value_added_wan": [1000.0, 200.0, 10.0, 300.0],
            "land_mu": [10.0, 30.0, 4.0, 3.0],
            "grade": ["A", "C", "D", "B"],
        }
    )


@pytest.fixture
def pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {"parcel_id": ["P1", "P3", "P2", "P5"], "uscc": ["A", "B", "C", "D"], "share": 1.0}
    )


def test_township_and_district_rows(profile, screened, enterprises, pairs):
    table = summarise(screened, enterprises=enterprises, pairs=pairs, profile=profile)
    # 行政区划代码 order (core.townnames.township_order): no 19-digit code here, so where each
    # first appears by 宗地代码 — 甲镇 at P1, 乙街道 at P4 — not as text sorts (乙 before 甲)
    assert table["township"].to_list() == ["甲镇", "乙街道", DISTRICT]
    rows = table.set_index("township")
    assert rows.loc["甲镇", "tax_per_mu_above_scale"] == pytest.approx(10.0)
    assert rows.loc["乙街道", "tax_per_mu_above_scale"] == pytest.approx(20.0)
    assert rows.loc[DISTRICT, "tax_per_mu_above_scale"] == pytest.approx(460 / 43)
    assert rows.loc["甲镇", "n_governance"] == 2
    assert rows.loc["甲镇", "governance_area_mu"] == pytest.approx(20.0)
    assert rows.loc[DISTRICT, "governance_area_mu"] == pytest.approx(50.0)
    assert rows.loc["乙街道", "n_to_verify"] == 1
    assert rows.loc[DISTRICT, "n_parcels"] == 5
    # paths on the 治理清单
    assert rows.loc["甲镇", ["n_rectify", "n_exit", "n_demolish_rebuild"]].to_list() == [1, 1, 0]
    assert rows.loc[DISTRICT, "n_demolish_rebuild"] == 1
    # enterprises per grade: 甲镇 A, C, D; 乙街道 B (placed by its plot P5)
    assert rows.loc["甲镇", ["n_grade_A", "n_grade_B", "n_grade_C", "n_grade_D"]].to_list() == [
        1,
        0,
        1,
        1,
    ]
    assert rows.loc["乙街道", "n_grade_B"] == 1
    assert set(table.columns) <= set(SUMMARY_LABELS)


def test_targets_from_the_profile(profile, screened, enterprises, pairs):
    # 上虞 2023 targets [001 二]: 规上亩均税收 31, 亩均增加值 135, 盘活 10000 亩.
    table = summarise(screened, enterprises=enterprises, pairs=pairs, profile=profile)
    rows = table.set_index("township")
    tax_key = next(
        k for k in ("targets.tax_per_mu_above_scale", "targets.tax_per_mu") if k in profile
    )
    target = profile.value(tax_key)
    assert rows.loc[DISTRICT, "tax_per_mu_target"] == target
    assert rows.loc[DISTRICT, "tax_per_mu_gap"] == pytest.approx(target - 460 / 43)
    # the 盘活 area is a district target: not split among 镇街
    assert rows.loc["甲镇", "renewal_target_mu"] == DISTRICT_ONLY_TARGET  # 全区 only
    renewal = rows.loc[DISTRICT, "renewal_target_mu"]
    assert renewal != NO_TARGET
    assert rows.loc[DISTRICT, "renewal_share"] == pytest.approx(50.0 / renewal)


def test_absent_targets_say_no_target(profile, screened, enterprises, pairs):
    bare = Profile(
        name="no-targets",
        version="1",
        title="无目标",
        region="",
        chain=("no-targets",),
        params={k: p for k, p in profile.params.items() if not k.startswith("targets.")},
    )
    table = summarise(screened, enterprises=enterprises, pairs=pairs, profile=bare)
    assert (table["tax_per_mu_target"] == NO_TARGET).all()
    assert (table["value_added_per_mu_target"] == NO_TARGET).all()
    assert (table["renewal_target_mu"] == NO_TARGET).all()
    assert table["tax_per_mu_gap"].isna().all()


def test_without_pairs_enterprises_follow_their_plots(profile, screened, enterprises):
    # No pairs table: D (no township of its own) is placed by the parcels' usccs (P5 → 乙街道).
    plots = screened.assign(usccs=["A", "C", "B", None, "D"])
    table = summarise(plots, enterprises=enterprises, profile=profile).set_index("township")
    assert table.loc["乙街道", "tax_per_mu_above_scale"] == pytest.approx(20.0)


def test_area_sums_say_how_many_plots_of_unknown_area_they_leave_out(
    profile, screened, enterprises, pairs
):
    # P2 (甲镇, 治理) and P4 (乙街道, 待核实) have no known area (no 亩, no m²). The sums keep
    # the known part and count the others beside it, never as 0 silently:
    # 甲镇 area 12 + 20 = 32 亩 with 1 plot unknown; 治理 12 亩 with 1 治理 plot unknown.
    # 乙街道 area 30 亩, 1 unknown (P4, not on the 治理清单): 治理 30 亩, none unknown.
    # 全区 62 亩, 2 unknown; 治理 42 亩, 1 unknown.
    plots = screened.assign(area_mu=[12.0, None, 20.0, None, 30.0])
    table = summarise(plots, enterprises=enterprises, pairs=pairs, profile=profile)
    rows = table.set_index("township")
    got = rows[["area_mu", "n_area_unknown", "governance_area_mu", "n_governance_area_unknown"]]
    assert got.loc["甲镇"].to_list() == [32.0, 1, 12.0, 1]
    assert got.loc["乙街道"].to_list() == [30.0, 1, 30.0, 0]
    assert got.loc[DISTRICT].to_list() == [62.0, 2, 42.0, 1]
    assert SUMMARY_LABELS["n_area_unknown"] == "其中面积不明宗数（未计入面积）"
