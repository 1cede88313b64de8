"""One missing-value rule (``landgov.core.missing``) and one reading of the 竣工日期.

A cell holding 「—」, 「无」, 「/」 or a full-width space is no value in every stage. Each test
below builds a tiny case where one stage kept its own blank test (``isna()``, ``== ""``,
``str.strip()``) and so read such a cell as a value while another stage read it as missing;
each failed before the stage was moved onto :func:`landgov.core.missing.missing_cells` /
:func:`~landgov.core.missing.present_column` (the vectorised forms of ``is_missing``).

The last tests check that the two screening checks that ask about the 竣工日期 — 用而未尽 (an
unbuilt plot is not under-used [浙政发〔2023〕4号 第二条第（一）项第1目]) and 供而未用 (idle land,
闲置土地处置办法 第二条) — read the same odd cells the same way, through one function.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landgov.core.counts import NOT_GIVEN, path_counts, screening_counts
from landgov.core.dates import date_column, parse_date
from landgov.core.missing import is_missing, missing_cells, present_column
from landgov.core.problems import ProblemLog
from landgov.core.township import plot_townships
from landgov.core.vocab import UNKNOWN_TOWNSHIP
from landgov.io._convert import cell_text, convert_values
from landgov.io.applications import _yes_no_columns
from landgov.io.fields import PARCEL_FIELDS
from landgov.maps._prepare import township_summary
from landgov.policy import load_profile
from landgov.screening import check_idle, check_under_used
from landgov.screening._checks_land import _far_values
from landgov.screening.approved import _townships as approved_townships
from landgov.screening.blocks import _townships as block_townships
from landgov.summary import _enterprise_townships, _parcel_townships
from landgov.verdict import Status
from tests._hand import CRS, enterprises, parcels_of, square, uscc

# the cells that mean "no value" (core.missing): dashes, slash, 无, blanks (ASCII, full-width
# U+3000, a tab), full-width N/A, the spreadsheet spellings
NO_VALUE = ["—", "——", "-", "/", "无", "", " ", "\u3000", "\t", "ＮＡ", "N/A", "nan", None]


# ----------------------------------------------------------------------------- the one rule


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([*NO_VALUE, "马山街道", 0, False, "否", 0.0], dtype=object),
        pd.Series([*NO_VALUE, "马山街道"], dtype="str"),
        pd.Series([1.5, np.nan, 0.0]),
        pd.Series([1, 0, 2]),
        pd.Series([True, False]),
        pd.Series(pd.to_datetime(["2024-01-02", None])),
    ],
)
def test_the_vectorised_rule_is_is_missing_cell_by_cell(column: pd.Series) -> None:
    assert missing_cells(column).tolist() == [is_missing(v) for v in column]
    assert missing_cells(column).index.equals(column.index)
    kept = present_column(column).tolist()
    assert [v is None for v in kept] == [is_missing(v) for v in column]


def test_a_nan_in_a_text_column_is_no_value_not_the_text_nan() -> None:
    # a GeoParquet / DBF text column without a value holds NaN; the reader's text copy
    # (io._convert.is_blank: None or blank text only) wrote it as the 镇街 「nan」
    spec = next(f for f in PARCEL_FIELDS if f.name == "township")
    series, problems = convert_values([np.nan, None, "\u3000", "马山街道"], spec, None)
    assert [v if isinstance(v, str) else None for v in series] == [None, None, None, "马山街道"]
    assert problems == []
    assert cell_text(np.nan) == cell_text(pd.NA) == cell_text(None) == ""


# ------------------------------------------------------------------------------- 镇街 「—」

BOUNDARY = gpd.GeoDataFrame(
    {"township": ["马山街道"]}, geometry=[shapely.box(0, 0, 1e7, 1e7)], crs=CRS
)


def _plots_with_towns(towns: list[object]) -> gpd.GeoDataFrame:
    n = len(towns)
    plots = parcels_of([square(10.0, i) for i in range(n)], township=towns)
    plots["area_mu"] = 10.0
    return plots


def test_every_stage_places_a_plot_whose_township_is_a_dash_by_the_boundary() -> None:
    # 批而未供 (screening.approved) always read 「—」 as no 镇街 and took it from the boundary;
    # the 汇总表 (summary) counted such plots under a 镇街 named 「—」 / 「无」 / 「\u3000」
    # (the plots' 镇街 is now decided once after reading, landgov.core.township: the summary
    # counts the decided one)
    towns = ["马山街道", "—", "无", "\u3000", None]
    plots = _plots_with_towns(towns)
    approved = approved_townships(plots, BOUNDARY).tolist()
    seen = plot_townships(plots, BOUNDARY)
    assert seen["given"].isna().tolist() == [False, True, True, True, True]
    assert seen["given"].fillna(seen["boundary"]).tolist() == approved == ["马山街道"] * 5
    # not placed (no boundary layer): 镇街不明 in both, never a 镇街 「—」
    assert _parcel_townships(plots).tolist() == ["马山街道", *[UNKNOWN_TOWNSHIP] * 4]
    assert approved_townships(plots, None).tolist() == _parcel_townships(plots).tolist()


def test_an_enterprise_whose_township_is_a_dash_takes_its_plots_township() -> None:
    plots = _plots_with_towns(["马山街道", "斗门街道"])
    firms = enterprises(2, township=["—", "无"])
    pairs = pd.DataFrame({"parcel_id": plots["parcel_id"], "uscc": firms["uscc"]})
    got = _enterprise_townships(firms, plots, pairs).tolist()
    assert got == ["马山街道", "斗门街道"]  # was 「—」 and 「无」: two 镇街 of their own


def test_a_block_never_lists_a_dash_as_one_of_its_townships() -> None:
    plots = _plots_with_towns(["马山街道", "—", "\u3000", "斗门街道"])
    names = block_townships(plots, pd.Series([0, 0, 0, 1], index=plots.index))
    assert names.tolist() == ["马山街道", "斗门街道"]  # was 「马山街道、—」 and a blank name


def test_the_map_township_panel_has_no_township_named_dash() -> None:
    plots = _plots_with_towns(["马山街道", "—", "无"])
    plots["screening_status"] = "治理"
    table = township_summary(plots)
    assert "—" not in set(table["township"]) and "无" not in set(table["township"])


# ---------------------------------------------------------------------- counts and sources


def test_headline_counts_read_a_dash_status_or_path_as_not_given() -> None:
    # core.counts kept its own blank (NaN or "" after strip): 「—」 became a status of its own
    # and a listed plot with path 「—」 was not counted as 路径待核实
    frame = pd.DataFrame(
        {
            "screening_status": ["治理", "治理", "—", "\u3000", None],
            "path": ["整治提升", "—", None, None, None],
        }
    )
    counts = screening_counts(frame)
    assert "—" not in counts
    assert counts[NOT_GIVEN] == 3
    paths = path_counts(frame)
    assert "—" not in paths
    assert paths["路径待核实"] == 1
    assert sum(counts.values()) == len(frame)  # every row counted once


def test_a_dash_far_source_is_not_written_into_the_reason() -> None:
    # the 用而未尽 reason names where the 容积率 came from: a 「—」 far_source is no source, as
    # a blank one is (it read 「容积率测算值，按—」 before)
    parcels = pd.DataFrame({"far": [0.5, 0.5, 0.5], "far_source": ["建筑记录", "—", None]})
    _, source = _far_values(parcels)
    assert source.tolist() == ["容积率测算值，按建筑记录", "容积率测算值", "容积率测算值"]


# ------------------------------------------------------------------ 增容 applications, 动态评价


def test_a_dash_yes_no_answer_is_missing_like_a_blank_not_unreadable() -> None:
    # both end 待核实 (None); a 「—」 was reported as 「无法识别为 是/否」 before, a blank was not
    names = ("changes_structure", "standard_factory", "first_development_done")
    names += ("temporary_use_change", "commitment_signed")
    data = pd.DataFrame({n: ["—", None, "\u3000", "无", "待定"] for n in names})
    data["source_row"] = range(2, 7)
    log = ProblemLog("applications.xlsx")
    out = _yes_no_columns(data, log)
    assert out["commitment_signed"].tolist() == [None, None, None, False, None]
    flagged = log.frame()
    assert sorted(set(flagged["row"])) == [6]  # only 「待定」: a value that is not a yes/no


def test_a_dash_platform_grade_is_no_grade_not_an_unreadable_one() -> None:
    from landgov.efficiency import grade_enterprises

    rows = [
        {"uscc": uscc(i), "above_scale": False, "land_mu": 5.0, "tax_wan": 50.0}
        | {"power_10k_kwh": 100.0, "grade_given": given}
        for i, given in enumerate(["—", "\u3000", "无", "甲等"])
    ]
    res = grade_enterprises(pd.DataFrame(rows), profile=load_profile("yuecheng-2022"))
    flagged = res.problems[res.problems["field"] == "grade_given"]
    assert len(flagged) == 1 and "甲等" in flagged["value"].iloc[0]
    assert res.data["grade_source"].tolist()[:3] == [res.data["grade_source"].iloc[3]] * 3


def test_firms_whose_evaluation_unit_is_a_dash_are_not_one_unit() -> None:
    # 评价单元 「—」 is none (core.missing): each firm is its own unit. The 动态评价 read it with
    # notna() and merged the two 「—」 firms into one unit (「与出租方 — 合并评价」), scoring
    # them on their summed tax
    from landgov.efficiency import grade_enterprises

    rows = [
        {"uscc": uscc(i), "above_scale": False, "land_mu": 5.0, "tax_wan": 50.0 * (i + 1)}
        | {"power_10k_kwh": 100.0, "eval_unit": unit, "industry_code": "3311"}
        for i, unit in enumerate(["—", "—", "无"])
    ]
    res = grade_enterprises(pd.DataFrame(rows), profile=load_profile("yuecheng-2022"))
    assert not res.data["evaluation_note"].str.contains("合并评价").any()
    scores = res.data["score"].tolist()
    assert scores[0] < scores[1] < scores[2]  # tax 50 < 100 < 150 on the same 5 亩


# --------------------------------------------------------------------------- 竣工日期, once

AS_OF = "2024-06-30"


@pytest.mark.parametrize(
    ("cell", "built"),
    [
        (2023.5, True),  # typed as a number: 2023年5月 → 2023-05-01 (core.dates)
        ("2023年5月", True),  # year and month: the month's first day
        (45047, True),  # Excel serial 45047 = 2023-05-01
        (45047.0, True),
        (dt.date(2023, 5, 1), True),
        ("待定", None),  # written, no date: not blank either → both 待核实 (the reader logs it)
        ("—", False),
        ("", False),
        (None, False),
        (np.nan, False),
        (2023.1, None),  # 2023年1月 or 10月: never guessed, never blank → both 待核实
    ],
)
def test_under_used_and_idle_read_the_completion_date_alike(
    cell: object, built: bool | None
) -> None:
    # a plot with 容积率 0 and nothing built, contracted to start 2020-01-01 (4 full years
    # before 2024-06-30 ≥ idle_years 1): with a 竣工日期 on or before the reference date it is
    # built (idle: started → 符合; 用而未尽: judged on its 容积率 0 → not 「尚未建成」); with a
    # blank one it is not built (idle: 不符合; 用而未尽: 符合 「尚未建成」, deferred to idle);
    # with one written but no date (built None: 「待定」, 2023.1) whether it is built is not
    # known: both 待核实 naming the cell (tests/test_unreadable_dates.py). This pinned 「待定」 and
    # 2023.1 as blank (not built) before.
    profile = load_profile("yuecheng-2022")
    plot = parcels_of(
        [square(10.0)],
        completion_date=pd.Series([cell], dtype=object),
        contract_start_date=[dt.date(2020, 1, 1)],
        floor_area_m2=[0.0],
        far=[0.0],
        buildings_cover=[True],  # a buildings layer covering the plot shows none on it
        n_buildings=[0],
    )
    idle = check_idle(plot, profile=profile, as_of=AS_OF).iloc[0]
    under = check_under_used(plot, enterprises=None, profile=profile).iloc[0]
    if built is None:
        assert idle.status is Status.UNKNOWN and under.status is Status.UNKNOWN
        assert "无法识别为日期" in idle.reason and "无法识别为日期" in under.reason
        assert parse_date(cell) is None
        assert date_column(pd.Series([cell], dtype=object)).isna().iloc[0]
        return
    started = idle.status is Status.PASS
    not_built = bool(under.values.get("not_built"))
    assert started == built
    assert not_built == (not built)  # the two checks agree on the same cell
    # the 增容 首次开发 condition reads the cell with the same parser (core.dates)
    assert (parse_date(cell) is not None) == built
    assert date_column(pd.Series([cell], dtype=object)).notna().iloc[0] == built


def test_a_dash_relation_in_the_link_table_is_missing_not_unreadable() -> None:
    # io.links reads 「—」 as a blank relation (is_missing); the link stage's own copy
    # (pd.isna) reported it as 「关联关系无法识别」 and wrote 「—」 as the value
    from landgov.link import link_parcels

    plots = parcels_of([square(10.0, i) for i in range(3)], holder=["企业0", "企业1", "企业2"])
    firms = enterprises(3)
    links = pd.DataFrame(
        {"parcel_id": plots["parcel_id"], "uscc": firms["uscc"], "relation": ["—", None, "x"]}
    )
    res = link_parcels(plots, firms, links, profile=load_profile("yuecheng-2022"))
    said = res.problems[res.problems["field"] == "relation"]["problem"].tolist()
    assert said == [
        "关联关系缺失，按权利人名称推定为「自有」",
        "关联关系缺失，按权利人名称推定为「自有」",
        "关联关系无法识别，按权利人名称推定为「自有」",
    ]
