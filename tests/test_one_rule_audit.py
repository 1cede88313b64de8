"""One rule, one place: the same plot gets the same answer for the same concept in every stage.

Each test builds a tiny case where a stage's own copy of a rule and the shared rule would
differ, and asserts that the stages agree: the 底数清单 (``landgov.screening``) and every map of
the run (briefing page, print map, tiled map, :func:`landgov.maps.folium_map`) on 亩均税收 at
the low-efficiency line; the folium map and the other maps on what a missing value or a yes/no
field shows; the 动态评价 and every other stage on what a missing 统一社会信用代码 is.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landgov.core.missing import is_missing
from landgov.evaluation import compare_runs
from landgov.maps import build_map, folium_map
from landgov.maps._encode import display_values
from landgov.maps._popup import Field
from landgov.maps._prepare import prepare
from landgov.maps._run import load_run
from landgov.maps._themes import run_themes
from landgov.maps.folium_map import _texts
from landgov.maps.style import DEFAULT_STYLE
from landgov.policy import load_profile
from landgov.run.results import ScreeningResult, read_screening
from landgov.screening import check_low_efficiency
from landgov.verdict import Status
from tests._runs import fake_run

# 50 万元 of tax on a plot measured from its corners as 9.99999999999 亩 (a 10-亩 square whose
# area shapely returns a hair under 6666.67 m²): 50 / 9.99999999999 = 5.00000000000500 万元/亩
# as stored; rounded to 6 decimals (core.compare.measured) it is 5.0, and 5.0 ≤ 5 is 「5万元以下」
# (yuecheng-2022 screening.low_efficiency_tax_per_mu = 5, comparison <=): low efficiency.
AT_LINE = 50.0 / 9.99999999999
LOW_CLASS = "≤ 5（低效线及以下）"


@pytest.fixture(scope="module")
def profile():
    return load_profile("yuecheng-2022")


@pytest.fixture(scope="module")
def tax_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    plots = [
        {"parcel_id": "330602001001GB00001", "tax_per_mu": AT_LINE},
        {"parcel_id": "330602001001GB00002", "tax_per_mu": 4.0},
        {"parcel_id": "330602001001GB00003", "tax_per_mu": 5.01},
    ]
    return fake_run(tmp_path_factory.mktemp("tax") / "run", plots, as_of="2024-06-30")


def test_tax_a_hair_over_the_line_as_stored_is_low_efficiency_in_screening(profile) -> None:
    parcels = pd.DataFrame({"parcel_id": ["P1"], "tax_per_mu": [AT_LINE], "area_mu": [10.0]})
    verdict = check_low_efficiency(parcels, enterprises=None, pairs=None, profile=profile).iloc[0]
    assert AT_LINE > 5.0  # as stored, a float a hair above the line
    assert verdict.status is Status.FAIL  # 属低效用地
    assert "属低效用地" in verdict.reason


def test_the_map_classes_that_plot_at_or_below_the_line_as_screening_does(tax_run: Path) -> None:
    prep = prepare(load_run(tax_run), style=DEFAULT_STYLE, redact=False)
    parcels = prep.parcels_all.reset_index(drop=True)
    theme = run_themes(parcels, DEFAULT_STYLE, prep.manifest, with_tax=True)["tax"]
    labels = [theme.legend[c].label for c in theme.classes]
    by_id = dict(zip(parcels["parcel_id"], labels, strict=True))
    assert by_id["330602001001GB00001"] == LOW_CLASS  # was 「5 – …」 before: above the line
    assert by_id["330602001001GB00002"] == LOW_CLASS
    assert by_id["330602001001GB00003"] != LOW_CLASS  # 5.01 > 5: not low efficiency


def test_every_map_of_a_run_draws_the_profile_low_efficiency_line(tax_run: Path) -> None:
    # the briefing page always did; the folium map classed 亩均税收 by mapclassify alone (no
    # 低效线 at all), the tiled map without the profile's other values
    briefing = build_map(tax_run, theme="tax").html
    folium_page = folium_map(tax_run, theme="tax").get_root().render()
    assert LOW_CLASS in briefing
    assert LOW_CLASS in folium_page


def test_folium_popup_shows_what_the_other_maps_show() -> None:
    # a 「—」 in a yes/no field is no value (core.missing), not 「是」; a 「无」 name is no line
    flags = pd.Series(["—", True, False, None, np.nan, "否"], dtype=object)
    names = pd.Series(["甲公司", "—", "无", "  乙公司  ", None, "丙\n丁"], dtype=object)
    yes_no = Field("low_efficiency", "低效用地", "bool")
    name = Field("holder", "权利人")
    assert _texts(yes_no, flags) == [None, "是", "否", None, None, "否"]
    assert [v is None for v in _texts(yes_no, flags)] == [
        v is None for v in display_values(flags, "bool")
    ]
    assert _texts(name, names) == ["甲公司", None, None, "乙公司", None, "丙<br>丁"]
    assert all(
        is_missing(v) == (t is None) for v, t in zip(names, _texts(name, names), strict=True)
    )


def test_folium_popup_numbers_are_rounded_as_on_the_other_maps() -> None:
    values = pd.Series([AT_LINE, 12345.678, "—", None], dtype=object)
    tax = Field("tax_per_mu", "亩均税收", "num", 2, "万元/亩")
    assert display_values(values, "num", 2) == [5, 12345.68, None, None]
    assert _texts(tax, values) == ["5 万元/亩", "12,345.68 万元/亩", None, None]


def test_enterprises_without_a_code_are_never_matched_between_runs(tmp_path: Path) -> None:
    # 「—」 and 「无」 are no 统一社会信用代码 in every stage (core.missing): the 动态评价 lists
    # such enterprises on their own side, never as one enterprise found in both runs. A run
    # folder's codes are read through is_missing (read_screening); a ScreeningResult built by a
    # caller is compared by the same rule (compare_runs kept its own notna/strip copy before).
    ents = [
        {"uscc": "—", "name": "甲公司", "grade": "C"},
        {"uscc": "无", "name": "乙公司", "grade": "D"},
        {"uscc": "91330602000000000X", "name": "丙公司", "grade": "B"},
    ]

    def run(name: str, as_of: str) -> ScreeningResult:
        plots = [{"parcel_id": "330602001001GB00001", "area_mu": 10.0}]
        return read_screening(fake_run(tmp_path / name, plots, as_of=as_of, enterprises=ents))

    old, new = run("旧", "2023-12-31"), run("新", "2024-12-31")
    raw = pd.DataFrame(ents)
    for a, b in ((old, new), (replace(old, enterprises=raw), replace(new, enterprises=raw))):
        comparison = compare_runs(a, b)
        matched = comparison.enterprises[comparison.enterprises["match"] == "两期均有"]
        assert matched["uscc"].tolist() == ["91330602000000000X"]
        assert comparison.enterprises["match"].str.startswith("无信用代码").sum() == 4
        assert comparison.counts["enterprise_duplicates"] == {"old": 0, "new": 0}


def test_a_missing_path_is_classed_by_its_status_on_the_map() -> None:
    # 「—」 as a path is no path (core.missing), as the popup shows it: the plot is 筛查待核实 or
    # 治理清单·路径待核实 by its status, never a legend class 「—」 of its own
    frame = pd.DataFrame(
        {
            "path": ["—", "无", None, "整治提升"],
            "screening_status": ["待核实", "治理", "待核实", "治理"],
            "grade": ["—", "C", None, "c"],
        }
    )
    themes = run_themes(frame, DEFAULT_STYLE, {}, with_tax=False)
    path = [themes["path"].legend[c].label for c in themes["path"].classes]
    assert path == ["筛查待核实", "治理清单·路径待核实", "筛查待核实", "整治提升"]
    assert "—" not in [item.label for item in themes["path"].legend]
    grade = [themes["grade"].legend[c].label for c in themes["grade"].classes]
    assert grade[0] == grade[2] == "未评价 / 无等级"


def test_cap_and_target_are_not_written_into_headers_or_titles() -> None:
    """The 增容 cap (2.5 [越政发〔2022〕24号 附件3 第二条]) and the renewal target (1.5) are profile
    values (``zengrong.far_cap``, ``far.renewal_target``): a county with another cap must not read
    「至2.5」 in the 增容审查 header or on the map's legend title."""
    import re

    import pandas as pd

    from landgov.maps._themes import far_theme
    from landgov.maps.style import MapStyle
    from landgov.reports.packet import PACKET_COLUMNS

    number = re.compile(r"\d\.\d")
    assert not [h for h in PACKET_COLUMNS.values() if number.search(h)]
    frame = pd.DataFrame({"zengrong": ["可申报", "不可申报"], "headroom_m2": [1200.0, 0.0]})
    assert not number.search(far_theme(frame, MapStyle()).legend_title)


def test_map_low_efficiency_class_follows_the_profile_comparison() -> None:
    """「以下」 (``<=``): a plot at 5 万元/亩 is in the lowest class 「≤ 5（低效线及以下）」; a
    county whose line is 「低于」 (``comparison = "<"``) does not list it as 低效, and its map
    must not colour it so: it goes to the class above; the lowest class reads 「< 5（低于低效线）」.
    """
    import pandas as pd

    from landgov.maps._themes import run_themes
    from landgov.maps.style import MapStyle

    frame = pd.DataFrame({"tax_per_mu": [4.0, 5.0, 9.0]})
    classes = [{"value": 20.8, "label": "2021 年全区规上水平"}]

    def tax(comparison: str | None) -> tuple[list[int], str]:
        thresholds = {"low_efficiency_tax_per_mu": 5.0, "tax_per_mu_classes": classes}
        if comparison is not None:
            thresholds["low_efficiency_comparison"] = comparison
        theme = run_themes(frame, MapStyle(), {"thresholds": thresholds}, with_tax=True)["tax"]
        return theme.classes.tolist(), theme.legend[0].label

    assert tax("<=") == ([0, 0, 1], "≤ 5（低效线及以下）")
    assert tax(None) == ([0, 0, 1], "≤ 5（低效线及以下）")  # runs written before it was recorded
    assert tax("<") == ([0, 1, 1], "< 5（低于低效线）")


def test_run_manifest_records_how_the_low_efficiency_line_compares() -> None:
    from landgov.policy import load_profile
    from landgov.run.screening import _comparison

    assert _comparison(load_profile("shangyu-2022"), "screening.low_efficiency_tax_per_mu") == "<="
