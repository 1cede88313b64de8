"""A date cell that holds something unreadable is not a blank cell.

浙政发〔2023〕4号 第二条第（一）项第1目 「聚焦批而未供、供而未用、用而未尽等问题」 names three
problems: 用而未尽 is land built and in use but not used to the full; a plot not yet built can
only be 供而未用 (闲置, 《闲置土地处置办法》第二条). With 容积率 0 the 竣工日期 decides which:
blank → not built (用而未尽 符合 「尚未建成」); a date → built (judged on its 容积率).

A cell holding 「2023」 (year only), 「2023.1」 (January or October), 「待定」, 「2023-13-01」 or
「去年」 is no date, but it is not blank either: 「2023」 says the plot WAS built. The readers
leave such a cell missing in the date column (with an ERROR problem row) and keep its text in
a companion column (``completion_date_unread``); the checks whose decision rests on the date
say 待核实, naming the field and the value seen (「竣工日期「2023」无法识别为日期」), never
decide as if the cell were blank. 「待定」 literally means "to be decided": still 待核实 (it is
no date; a person must confirm the plot is unbuilt).

Reference date of every case: 2024-06-30 (tests._hand.AS_OF). The default firm's industry 3311
maps to 2002 大类 34, national 容积率 floor 0.7.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import CRS

from landgov.core.collect import field_item
from landgov.io.parcels import read_parcels
from landgov.policy import Profile, load_profile
from landgov.screening import check_idle, check_under_used
from landgov.verdict import Status
from tests._hand import (
    AS_OF,
    X0,
    Y0,
    application,
    applications,
    bare_survey,
    firms,
    hand_files,
    parcels_of,
    plots,
    screen_plots,
    square,
    uscc,
)
from tests._shapefiles import write_shapefile

P, F, U = Status.PASS, Status.FAIL, Status.UNKNOWN

UNREADABLE = ["2023", "待定", 2023.1, "2023-13-01", "去年"]
SHOWN = ["2023", "待定", "2023.1", "2023-13-01", "去年"]


@pytest.fixture(scope="module")
def zhejiang() -> Profile:
    return load_profile("zhejiang-2023")


# ------------------------------------------------------------------------- the cell rule


def test_unread_text_tells_a_written_non_date_from_a_blank_cell() -> None:
    from landgov.core.dates import unread_column, unread_text

    # written but no date → its text; a date, a blank, 「—」/「无」 (core.missing) or 0 (an
    # empty Excel cell saved as a number) → None
    assert [unread_text(v) for v in UNREADABLE] == SHOWN
    blanks = [None, "", " ", "—", "无", np.nan, 0, 0.0, "0", dt.date(2023, 5, 1), "2023年5月"]
    assert [unread_text(v) for v in blanks] == [None] * len(blanks)
    # the readers' companion column is taken where given (the date column is then missing)
    cells = pd.Series([None, None, dt.date(2021, 1, 1)], dtype=object)
    kept = pd.Series(["2023", None, None], dtype=object)
    assert unread_column(cells, kept).tolist() == ["2023", None, None]


# ------------------------------------------------------------------------- 用而未尽


def test_under_used_with_an_unreadable_completion_date_is_to_verify(zhejiang: Profile) -> None:
    # 容积率 0 on every plot (floor area 0); 竣工日期:
    #   0–4 「2023」「待定」2023.1「2023-13-01」「去年」 → written, no date: built or not is not
    #       known → 待核实 naming 「竣工日期「…」无法识别为日期」 (was 符合 「尚未建成」: a silent
    #       pass — 「2023」 says it was built in 2023, and 0 < 0.7 would make it 不符合)
    #   5   blank                              → not built → 符合 「尚未建成」
    #   6   2020-05-01                         → built, so its 建筑面积 0 is a blank
    #       (far.ratio.zero_set_aside): 容积率 not known → 待核实 (was 不符合 on the 0 alone)
    cells = [*UNREADABLE, None, dt.date(2020, 5, 1)]
    # a buildings layer covering every plot shows none on it (far.ratio.shows_no_building)
    bare = {"buildings_cover": [True] * 7, "n_buildings": [0] * 7}
    parcels = plots(7, far=0.0, completion_date=pd.Series(cells, dtype=object), **bare)
    got = check_under_used(parcels, enterprises=firms(7), profile=zhejiang)
    assert [v.status for v in got] == [U] * 5 + [P, U]
    assert "竣工日期为 2020-05-01" in got.iloc[6].reason
    for v, seen in zip(got.iloc[:5], SHOWN, strict=True):
        words = f"竣工日期「{seen}」无法识别为日期"
        assert words in v.reason
        assert field_item("completion_date", words) in v.missing
        assert "是否已建成不明" in v.reason
        assert not v.values.get("not_built")
        assert str(v.citation) == "[浙政发〔2023〕4号 第二条第（一）项第1目]"
    assert "尚未建成" in got.iloc[5].reason


def test_an_unreadable_completion_date_does_not_matter_when_the_far_decides(
    zhejiang: Profile,
) -> None:
    # 容积率 0.5 < 0.7 → 不符合 and 1.2 ≥ 0.7 → 符合 whatever the 竣工日期 says: nothing rests on it
    parcels = plots(2, far=0.5, completion_date=["2023", "待定"], main_uscc=[uscc(0), uscc(1)])
    parcels.loc[1, "floor_area_m2"] = parcels.geometry.area.iloc[1] * 1.2
    got = check_under_used(parcels, enterprises=firms(2), profile=zhejiang)
    assert [v.status for v in got] == [F, P]
    assert all("无法识别" not in v.reason for v in got)


# ------------------------------------------------------------------------- 供而未用 (闲置)


def test_idle_with_an_unreadable_start_or_completion_date_is_to_verify(zhejiang: Profile) -> None:
    # 《闲置土地处置办法》第二条 (screening.idle_years 1, ">="): contracted start 2020-01-01 →
    # 4 full years by 2024-06-30 ≥ 1; floor area 0, no raster.
    #   0 竣工日期 「2023」      → maybe started (built in 2023) → 待核实 (was 不符合 闲置)
    #   1 实际开工日期 「待定」   → the start is not known → 待核实 (was 不符合 闲置)
    #   2 both blank            → not started → 不符合 (4 years, 闲置)
    #   3 竣工日期 2023-05-01    → started → 符合
    parcels = parcels_of(
        [square(10.0, i) for i in range(4)],
        contract_start_date=[dt.date(2020, 1, 1)] * 4,
        start_date=pd.Series([None, "待定", None, None], dtype=object),
        completion_date=pd.Series(["2023", None, None, dt.date(2023, 5, 1)], dtype=object),
        floor_area_m2=0.0,
        buildings_cover=True,  # a buildings layer over the plots shows none
        n_buildings=0,
    )
    got = check_idle(parcels, profile=zhejiang, as_of=AS_OF)
    assert [v.status for v in got] == [U, U, F, P]
    done, start = got.iloc[0], got.iloc[1]
    assert "是否动工不明" in done.reason and "竣工日期「2023」无法识别为日期" in done.reason
    assert field_item("completion_date", "竣工日期「2023」无法识别为日期") in done.missing
    assert "实际开工日期「待定」无法识别为日期" in start.reason
    assert field_item("start_date", "实际开工日期「待定」无法识别为日期") in start.missing
    assert "idle_years" not in done.values  # not known to be idle: no 闲置年数
    assert got.iloc[2].values["idle_years"] == 4


def test_idle_names_an_unreadable_contracted_start_date(zhejiang: Profile) -> None:
    # nothing started; 约定开工日期 「待定」 → the years cannot be counted → 待核实 naming the
    # value seen (it was 「约定开工日期缺失」, as if blank); blank → 「约定开工日期缺失」
    parcels = parcels_of(
        [square(10.0, i) for i in range(2)],
        contract_start_date=pd.Series(["待定", None], dtype=object),
        completion_date=[None, None],
        floor_area_m2=0.0,
    )
    got = check_idle(parcels, profile=zhejiang, as_of=AS_OF)
    assert [v.status for v in got] == [U, U]
    assert got.iloc[0].reason.startswith("约定开工日期「待定」无法识别为日期，无法判定是否闲置")
    said = field_item("contract_start_date", "约定开工日期「待定」无法识别为日期")
    assert said in got.iloc[0].missing
    assert got.iloc[1].reason.startswith("约定开工日期缺失")


def test_screening_does_not_leave_out_a_plot_with_an_unreadable_completion_date(
    shangyu: Profile,
) -> None:
    # 虞政发〔2022〕12号 (official thresholds: a plot passing every check is 不列入).
    # 约定开工 2024-01-01 (within its year on 2024-06-30: 供而未用 符合), 容积率 0, tax 210 万元 on
    # 21 亩 = 10 万元/亩 (≥ the low-efficiency line); 竣工日期:
    #   0 「2023」 → 用而未尽 待核实 → the plot is 待核实 (was 不列入: silently left out)
    #   1 blank    → 尚未建成 → 用而未尽 符合 → 不列入
    parcels = plots(
        2,
        far=0.0,
        contract_start_date=[dt.date(2024, 1, 1)] * 2,
        completion_date=pd.Series(["2023", None], dtype=object),
        buildings_cover=[True] * 2,  # a buildings layer covering both shows none on them
        n_buildings=[0] * 2,
    )
    got = screen_plots(shangyu, parcels, firms(2, tax_wan=210.0))
    assert [v.status for v in got.checks["under_used"]] == [U, P]
    status = got.parcels["screening_status"].tolist()
    assert status[0] == "待核实"
    assert status[1] == "不列入"
    assert "竣工日期「2023」无法识别为日期" in str(got.parcels["to_verify"].iloc[0])


# ------------------------------------------------------------------------- 增容 条件2


def test_first_development_names_an_unreadable_completion_date(official: Profile) -> None:
    # 附件3 三.2 「按土地出让合同约定完成开发建设，并竣工投入使用」: no acceptance record → 待核实
    # either way; the plot's 竣工日期 「待定」 (it may not be completed) is named, not dropped
    parcels = plots(1, completion_date=pd.Series(["待定"], dtype=object))
    row = applications(
        official, parcels, [application(parcels["parcel_id"].iloc[0], completion_accepted=None)]
    ).iloc[0]
    assert row["cond2"] == Status.UNKNOWN
    assert "宗地竣工日期「待定」无法识别为日期" in row["cond2_note"]
    # the to-verify item screening lists for the same cell, filed under 自然资源局
    assert "竣工日期（竣工日期「待定」无法识别为日期）〔自然资源局〕" in row["missing"].split("、")


def test_application_date_written_but_no_date_is_named(official: Profile) -> None:
    # 附件3 七(一) 「本政策自 2022 年 11 月 1 日起执行」: without a readable 申请日期 the period
    # cannot be judged → 待核实 either way; the value seen is named, whether the cell holds it
    # (「待定」) or the reader kept it beside a missing date (「2022」, a year alone). A blank
    # date is 「未填报」.
    parcels = plots(3)
    pids = parcels["parcel_id"].tolist()
    rows = [
        application(pids[0], 0, application_date="待定"),
        application(pids[1], 1, application_date=None, application_date_unread="2022"),
        application(pids[2], 2, application_date=None),
    ]
    got = applications(official, parcels, rows)
    assert got["scope"].tolist() == [U, U, U]
    notes = got["scope_note"].tolist()
    assert "申请日期「待定」无法识别为日期" in notes[0]
    assert "申请日期「2022」无法识别为日期" in notes[1]
    assert "申请日期未填报" in notes[2]


# ------------------------------------------------------------------------- end to end


def _boxes(n: int) -> list:
    from shapely.geometry import box

    return [box(X0 + 300 * i, Y0, X0 + 300 * i + 100, Y0 + 140) for i in range(n)]


def test_a_shapefile_with_an_unreadable_completion_date_reads_and_screens_as_to_verify(
    tmp_path: Path, zhejiang: Profile
) -> None:
    # A county layer whose 竣工日期 column holds 「2023」, 「待定」, a date and a blank; 建筑面积 0
    # on every plot (容积率 0), 14000 m² = 21 亩 each, contracted to start 2024-01-01.
    fields = [("宗地代码", 19), ("权利人", 30), ("土地用途", 12), ("竣工日期", 12), ("建筑面积", 8)]
    days = ["2023", "待定", "2020-05-01", ""]
    records = [
        [f"330602001001GB{i:05d}", f"企业{i}", "工业用地", d, "0"] for i, d in enumerate(days)
    ]
    shp = write_shapefile(tmp_path / "zd.shp", _boxes(4), fields, records, prj=CRS(4549))
    res = read_parcels(shp)
    data = res.data
    # the date column leaves the two unreadable cells missing, as a blank one …
    assert data["completion_date"].tolist() == [None, None, dt.date(2020, 5, 1), None]
    # … and its companion keeps what they said (only them)
    assert data["completion_date_unread"].tolist() == ["2023", "待定", None, None]
    logged = res.problems[res.problems["field"] == "竣工日期"]
    assert sorted(logged["value"].astype(str)) == ["2023", "待定"]
    # 用而未尽 on the read plots: 「2023」, 「待定」 → 待核实; 2020-05-01 → built, so the .dbf's
    # 建筑面积 「0」 is a blank (far.ratio.zero_set_aside) → 待核实; blank → 尚未建成 → 符合
    data["contract_start_date"] = dt.date(2024, 1, 1)
    data["buildings_cover"], data["n_buildings"] = True, 0  # a covering layer shows none
    got = check_under_used(data, enterprises=firms(4), profile=zhejiang)
    assert [v.status for v in got] == [U, U, U, P]
    assert "竣工日期「2023」无法识别为日期" in got.iloc[0].reason
    said = field_item("completion_date", "竣工日期「待定」无法识别为日期")
    assert said in got.iloc[1].missing


def test_a_csv_with_an_unreadable_completion_date_keeps_its_text(tmp_path: Path) -> None:
    from landgov.io.fields import PARCEL_FIELDS
    from landgov.io.tables import read_table

    path = tmp_path / "宗地.csv"
    path.write_text(
        "宗地代码,权利人,竣工日期\n"
        "330602001001GB00000,企业0,2023\n"
        "330602001001GB00001,企业1,待定\n"
        "330602001001GB00002,企业2,2021-03-05\n"
        "330602001001GB00003,企业3,\n",
        encoding="utf-8",
    )
    data = read_table(path, specs=PARCEL_FIELDS).data
    assert data["completion_date"].tolist() == [None, None, dt.date(2021, 3, 5), None]
    assert data["completion_date_unread"].tolist() == ["2023", "待定", None, None]


def test_a_clean_file_gets_no_companion_column(tmp_path: Path) -> None:
    fields = [("宗地代码", 19), ("权利人", 30), ("竣工日期", 12)]
    records = [["330602001001GB00000", "企业0", "2020-05-01"]]
    shp = write_shapefile(tmp_path / "zd.shp", _boxes(1), fields, records, prj=CRS(4549))
    assert "completion_date_unread" not in read_parcels(shp).data.columns


def test_the_companion_column_stays_out_of_the_handed_out_lists() -> None:
    from landgov.run.screening import PARCEL_COLUMNS, _ordered

    frame = pd.DataFrame(
        {"parcel_id": ["a"], "completion_date": [None], "completion_date_unread": ["2023"]}
    )
    assert list(_ordered(frame, PARCEL_COLUMNS).columns) == ["parcel_id", "completion_date"]
    # the 增容 layers (far, far_applications) likewise
    from landgov.run.far import FAR_LAYER_COLUMNS, _layer

    shaped = plots(1, completion_date=[None], completion_date_unread=["2023"])
    assert "completion_date_unread" not in _layer(shaped, FAR_LAYER_COLUMNS).columns


def test_a_run_carries_the_unreadable_cell_to_the_checks_not_to_the_lists(
    tmp_path: Path, shangyu: Profile
) -> None:
    # The whole run (read → plausibility → link → screen → write) on a GeoPackage whose 竣工日期
    # holds 「2023」 and a blank; otherwise as in
    # test_screening_does_not_leave_out_a_plot_with_an_unreadable_completion_date:
    #   0 「2023」 → 用而未尽 待核实 → 待核实 (was 不列入);  1 blank → 不列入
    import openpyxl

    from landgov.run.screening import run_screening

    parcels = plots(
        2,
        far=0.0,
        contract_start_date=[dt.date(2024, 1, 1)] * 2,
        completion_date=pd.Series(["2023", None], dtype=object),
    )
    inputs = hand_files(tmp_path, parcels, firms(2, tax_wan=210.0, name=["企业0", "企业1"]))
    # a buildings layer covering both plots shows none on them (far.ratio.shows_no_building)
    bare_survey(parcels).to_file(tmp_path / "buildings.gpkg", driver="GPKG")
    inputs = dataclasses.replace(inputs, buildings=tmp_path / "buildings.gpkg")
    run = run_screening(
        inputs, profile=shangyu, out_dir=tmp_path / "out", as_of=AS_OF, progress=False
    )
    assert run.parcels["screening_status"].tolist() == ["待核实", "不列入"]
    assert "竣工日期「2023」无法识别为日期" in str(run.parcels["to_verify"].iloc[0])
    assert "completion_date_unread" not in run.parcels.columns
    book = openpyxl.load_workbook(run.out_dir / "landgov.xlsx", read_only=True)
    header = [c.value for c in next(book["底数清单"].iter_rows(max_row=1))]
    book.close()
    assert not any("unread" in str(h) for h in header)
