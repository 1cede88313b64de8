"""landgov.core.counts: every row counted once, each figure with its unit."""

from __future__ import annotations

import pandas as pd

from landgov.core.counts import (
    NOT_GIVEN,
    application_counts,
    candidate_counts,
    count_text,
    grade_counts,
    path_counts,
    screening_counts,
    zengrong_counts,
)


def test_screening_counts_list_every_status_and_add_up() -> None:
    parcels = pd.DataFrame({"screening_status": ["治理", "治理", None, "待核实", "其他"]})
    counts = screening_counts(parcels)
    assert counts == {"治理": 2, "不列入": 0, "待核实": 1, NOT_GIVEN: 1, "其他": 1}
    assert sum(counts.values()) == len(parcels)


def test_path_counts_only_listed_plots_and_pending_paths() -> None:
    parcels = pd.DataFrame(
        {
            "screening_status": ["治理", "治理", "治理", "不列入"],
            "path": ["整治提升", None, "整治提升", "拆除重建"],  # the 不列入 plot's path is ignored
        }
    )
    assert path_counts(parcels) == {
        "拆除重建": 0,
        "整治提升": 2,
        "功能转型": 0,
        "关停退出": 0,
        "路径待核实": 1,
    }
    assert path_counts(parcels.drop(columns="screening_status"))["拆除重建"] == 1


def test_grades_count_enterprises_with_the_ungraded_apart() -> None:
    enterprises = pd.DataFrame({"grade": ["a", "B", " B", None, "X"]})
    assert grade_counts(enterprises) == {"A": 1, "B": 2, "C": 0, "D": 0, "未评价": 2}
    assert grade_counts(None) == {}


def test_candidates_and_the_ones_an_application_covers() -> None:
    far = pd.DataFrame(
        {
            "parcel_id": ["P1", "P2", "P3", "P4"],
            "zengrong": ["可申报", "待核实", "不可申报", "待核实"],
            "candidate": [True, True, False, True],
        }
    )
    apps = pd.DataFrame({"parcel_id": ["P2", "P3"], "zengrong": ["可申报", "不可申报"]})
    cand = candidate_counts(far, apps)
    assert (cand.total, cand.applied, cand.in_packet) == (3, 1, 2)  # P3 applied but 不可申报
    assert candidate_counts(far.drop(columns="candidate")).total == 3  # from the verdicts
    assert zengrong_counts(far) == {"可申报": 1, "不可申报": 1, "待核实": 2}
    assert application_counts(apps) == {"可申报": 1, "不可申报": 1, "待核实": 0}
    assert application_counts(None) == {}


def test_count_text_carries_the_unit() -> None:
    assert count_text({"可申报": 1200, "待核实": 0}, "件") == "可申报 1,200 件，待核实 0 件"
    assert count_text({"A": 3, "B": 0}, "家", skip_zero=True) == "A 3 家"
