"""A date set aside as implausible is not a blank date; one year reader; 计划完成日期 待核实.

A blank date has a meaning: a blank 竣工日期 on a plot with 容积率 0 is 「尚未建成」 (用而未尽
符合, 浙政发〔2023〕4号 第二条第（一）项第1目 「聚焦批而未供、供而未用、用而未尽等问题」), blank
start
and completion dates on a bare plot say 「未动工」 (供而未用, 《闲置土地处置办法》第二条). The
plausibility rule (``core.plausible``, profile section ``plausible``: a date before
``date_min`` 1950-01-01 or after the reference date is implausible) sets such a date missing
with a problem row; it used to read as blank afterwards — a silent pass. It now keeps the date
and why in the companion column (``completion_date_unread``, ``core.dates.set_aside_text``), as
the readers keep a cell written but no date, so the checks say 待核实 naming the value.

Reference date of every case: 2024-06-30 (tests._hand.AS_OF). The default firm's industry 3311
maps to 2002 大类 34, national 容积率 floor 0.7.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from landgov.core.collect import field_item
from landgov.core.plausible import check_values
from landgov.policy import Profile, load_profile
from landgov.screening import check_idle, check_under_used
from landgov.verdict import Status
from tests._hand import AS_OF, application, applications, firms, parcels_of, plots, square

P, F, U = Status.PASS, Status.FAIL, Status.UNKNOWN
LATE = "晚于基准日 2024-06-30，不合理，已按缺失处理"
EARLY = "早于 1949-10-01（plausible.date_min），不合理，已按缺失处理"


@pytest.fixture(scope="module")
def zhejiang() -> Profile:
    return load_profile("zhejiang-2023")


def _checked(frame: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """The frame as a run hands it on: after the plausibility rule."""
    return check_values(frame, profile, source="宗地.shp", as_of=AS_OF).data


# ------------------------------------------------------------------------- the companion


def test_a_set_aside_date_keeps_its_value_and_why_beside_a_reader_kept_text(
    zhejiang: Profile,
) -> None:
    # 竣工日期: 2099-05-01 (after 2024-06-30) and 1800-01-01 (before 1949-10-01) are set aside;
    # 2020-05-01 is kept; the reader's text 「2023」 (a year alone) stays as it was
    frame = plots(
        4,
        completion_date=pd.Series(
            [dt.date(2099, 5, 1), dt.date(1800, 1, 1), dt.date(2020, 5, 1), None], dtype=object
        ),
        completion_date_unread=pd.Series([None, None, None, "2023"], dtype=object),
    )
    res = check_values(frame, zhejiang, source="宗地.shp", as_of=AS_OF)
    assert res.data["completion_date"].tolist() == [None, None, dt.date(2020, 5, 1), None]
    from landgov.core.dates import unread_words

    words = [
        None if t is None else unread_words("竣工日期", t)
        for t in res.data["completion_date_unread"]
    ]
    assert words == [
        f"竣工日期「2099-05-01」{LATE}",
        f"竣工日期「1800-01-01」{EARLY}",
        None,
        "竣工日期「2023」无法识别为日期",
    ]
    # the problem rows say the same (two rows, 错误)
    assert sorted(res.problems["problem"]) == sorted(
        [f"竣工日期「2099-05-01」{LATE}", f"竣工日期「1800-01-01」{EARLY}"]
    )
    # a frame whose dates are all plausible gets no companion column
    clean = plots(1, completion_date=[dt.date(2020, 5, 1)])
    kept = check_values(clean, zhejiang, source="x", as_of=AS_OF).data
    assert "completion_date_unread" not in kept


# ------------------------------------------------------------------------- 用而未尽


def test_under_used_with_a_set_aside_completion_date_is_to_verify(zhejiang: Profile) -> None:
    # 容积率 0 on every plot; 竣工日期 after the plausibility rule:
    #   0 2099-05-01 → set aside: built or not is not known → 待核实 naming it (was 符合
    #     「尚未建成」: the set-aside date read as blank — a silent pass)
    #   1 1800-01-01 → likewise 待核实 (a typo for 1980? 2000? built either way: 0 < 0.7 would fail)
    #   2 blank      → not built → 符合 「尚未建成」
    #   3 2020-05-01 → built, so its 建筑面积 0 is a blank (far.ratio.zero_set_aside) → 待核实
    days = [dt.date(2099, 5, 1), dt.date(1800, 1, 1), None, dt.date(2020, 5, 1)]
    # a buildings layer covering every plot shows none on it: a 0 with no 竣工日期 is 尚未建成
    # (far.ratio.shows_no_building; on the 0 alone it would be 待核实)
    dated = pd.Series(days, dtype=object)
    bare = {"buildings_cover": [True] * 4, "n_buildings": [0] * 4}
    parcels = _checked(plots(4, far=0.0, completion_date=dated, **bare), zhejiang)
    got = check_under_used(parcels, enterprises=firms(4), profile=zhejiang)
    assert [v.status for v in got] == [U, U, P, U]
    for v, words in zip(
        got.iloc[:2],
        [f"竣工日期「2099-05-01」{LATE}", f"竣工日期「1800-01-01」{EARLY}"],
        strict=True,
    ):
        assert words in v.reason and field_item("completion_date", words) in v.missing
        assert "是否已建成不明" in v.reason
        assert not v.values.get("not_built")
    assert "尚未建成" in got.iloc[2].reason


# ------------------------------------------------------------------------- 供而未用 (闲置)


def test_idle_with_a_set_aside_start_or_completion_date_is_to_verify(zhejiang: Profile) -> None:
    # 《闲置土地处置办法》第二条 (screening.idle_years 1, ">="): contracted start 2020-01-01 →
    # 4 full years by 2024-06-30 ≥ 1; floor area 0, no raster.
    #   0 实际开工日期 1800-01-01 (set aside; as typed it says started long ago) → 待核实 (was
    #     不符合 闲置: read as blank)
    #   1 竣工日期 2099-05-01 (set aside: a completion date cannot lie ahead; a typo for 2009?)
    #     → 待核实 (was 不符合 闲置)
    #   2 both blank → not started → 不符合 (4 years, 闲置)
    #   3 约定开工日期 2099-01-01: within as_of + plausible.future_date_max_years? It is a
    #     future_date_field; see the contracted-start test below
    parcels = parcels_of(
        [square(10.0, i) for i in range(3)],
        contract_start_date=[dt.date(2020, 1, 1)] * 3,
        start_date=pd.Series([dt.date(1800, 1, 1), None, None], dtype=object),
        completion_date=pd.Series([None, dt.date(2099, 5, 1), None], dtype=object),
        floor_area_m2=0.0,
        buildings_cover=True,  # a buildings layer over the plots shows none
        n_buildings=0,
    )
    got = check_idle(_checked(parcels, zhejiang), profile=zhejiang, as_of=AS_OF)
    assert [v.status for v in got] == [U, U, F]
    start, done = got.iloc[0], got.iloc[1]
    assert f"实际开工日期「1800-01-01」{EARLY}" in start.reason
    assert field_item("start_date", f"实际开工日期「1800-01-01」{EARLY}") in start.missing
    assert f"竣工日期「2099-05-01」{LATE}" in done.reason
    assert "是否动工不明" in done.reason
    assert "idle_years" not in done.values  # not known to be idle: no 闲置年数
    assert got.iloc[2].values["idle_years"] == 4


def test_idle_names_a_set_aside_contracted_start_date(zhejiang: Profile) -> None:
    # 约定开工日期 is a future_date_field: up to as_of + future_date_max_years is plausible;
    # 2199-01-01 is not → set aside → 待核实 either way, now naming the value and why (was
    # 「约定开工日期缺失」, as if nothing had been written)
    parcels = parcels_of(
        [square(10.0, 0)],
        contract_start_date=pd.Series([dt.date(2199, 1, 1)], dtype=object),
        completion_date=[None],
        floor_area_m2=0.0,
    )
    got = check_idle(_checked(parcels, zhejiang), profile=zhejiang, as_of=AS_OF).iloc[0]
    assert got.status == U
    assert got.reason.startswith("约定开工日期「2199-01-01」晚于基准日 2024-06-30 之后")
    assert "不合理，已按缺失处理，无法判定是否闲置" in got.reason
    assert "约定开工日期缺失" not in got.reason


# ------------------------------------------------------------------------- 增容


def test_zengrong_names_a_set_aside_completion_and_application_date(official: Profile) -> None:
    # 附件3 三.2 (条件2, first development) with no acceptance record is 待核实 either way; the
    # plot's 竣工日期 2099-05-01, set aside, is named with why (was left out: 「首次开发情况
    # 未填报」). 附件3 七(一) (scope.period): the 申请日期 2099-03-01 after the reference date
    # is set aside → 待核实 naming it (was 「申请日期未填报或不合理（见问题记录）」).
    parcels = _checked(
        plots(1, completion_date=pd.Series([dt.date(2099, 5, 1)], dtype=object)), official
    )
    app = pd.DataFrame(
        [
            application(
                parcels["parcel_id"].iloc[0],
                completion_accepted=None,
                first_development_done=None,
                application_date=dt.date(2099, 3, 1),
            )
        ]
    )
    app = check_values(app, official, source="申请表.xlsx", as_of=AS_OF).data
    row = applications(official, parcels, app.to_dict("records")).iloc[0]
    assert row["cond2"] == U
    assert f"宗地竣工日期「2099-05-01」{LATE}" in row["cond2_note"]
    assert row["scope"] == U
    assert f"申请日期「2099-03-01」{LATE}" in row["scope_note"]


# ------------------------------------------------------------------------- one year reader


@pytest.mark.parametrize(
    "cell", ["二〇二六", "二〇二六年", "2026年", "２０２６", 2026, 2026.0, "2026", "2026.0"]
)
def test_the_year_readers_read_one_way(cell: object) -> None:
    # core.dates.read_year is the rule: every form naming 2026 without doubt is 2026 — the
    # table readers' Kind.YEAR (with its fast path for plain numbers) and the 核实 answers
    # (run.verify) read it so. 「二〇二六」 (年 left out) was 「无法识别的年份」.
    from landgov.core.dates import read_year
    from landgov.io._convert import convert_values
    from landgov.io.fields import ENTERPRISE_FIELDS
    from landgov.run.verify import ANSWERABLE, _parse_answer

    assert read_year(cell) == (2026, None)
    spec = next(s for s in ENTERPRISE_FIELDS if s.name == "built_year")
    values, problems = convert_values([cell, "2019", 2019.0], spec, None)
    assert values.tolist() == [2026.0, 2019.0, 2019.0] and problems == []
    assert _parse_answer(cell, ANSWERABLE["built_year"])[0] == 2026


# ------------------------------------------------------------------------- 治理台账


def test_ledger_counts_an_unreadable_due_date_apart(tmp_path: Path) -> None:
    # 计划完成日期 on 2027-07-01 (《民法典》第二百零三条: the last day ends at 24:00):
    #   Q12 2027-06-30 推进中        → 逾期
    #   Q13 「下月底」 推进中         → no date: neither 逾期 nor on time → 完成日期待核实 (was
    #                                 left out of 逾期 without a word)
    #   Q14 「下月底」 已完成         → finished: no deadline question
    #   Q11 blank 未启动              → no deadline
    # 全区: 4 plots = 已完成 1 + 未完成 3; of the 3: 逾期 1 + 完成日期待核实 1 + no date 1
    from landgov.ledger import init_ledger, update_ledger, write_ledger
    from landgov.run.results import read_screening
    from tests._runs import fake_run
    from tests.test_ledger import _edit

    run = fake_run(
        tmp_path / "2026",
        [{"parcel_id": k, "tax_per_mu": 3.0} for k in ("Q11", "Q12", "Q13", "Q14")],
        as_of="2026-06-30",
    )
    path = write_ledger(
        init_ledger(read_screening(run), as_of=dt.date(2026, 7, 1)), tmp_path / "台账.xlsx"
    )
    _edit(
        path,
        {
            "Q12": {"状态": "推进中", "计划完成日期": "2027-06-30"},
            "Q13": {"状态": "推进中", "计划完成日期": "下月底"},
            "Q14": {"状态": "已完成", "计划完成日期": "下月底"},
        },
    )
    ledger = update_ledger(path, None, as_of=dt.date(2027, 7, 1))
    rows = ledger.rows.set_index("宗地代码")
    note = str(rows.loc["Q13", "系统提示"])
    assert "完成日期待核实（计划完成日期「下月底」无法识别为日期，是否逾期不明）" in note
    assert "填写问题" in note  # the cell is still kept as typed and flagged
    assert "完成日期待核实" not in str(rows.loc["Q14", "系统提示"])
    assert "已逾期" in str(rows.loc["Q12", "系统提示"])
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert total["宗地数"] == 4 and total["逾期"] == 1 and total["完成日期待核实"] == 1
    unfinished = total["宗地数"] - total["已完成"] - total["已销号"]
    assert unfinished == 3 == total["逾期"] + total["完成日期待核实"] + 1  # + Q11 (no date)
    # the 镇街 lines add up to 全区 in every count column
    towns = ledger.progress[ledger.progress["镇街"] != "全区"]
    for name in ("宗地数", "逾期", "完成日期待核实", "建议销号"):
        assert towns[name].sum() == total[name]
    # the sheet as written carries the column
    sheet = pd.read_excel(write_ledger(ledger, path), sheet_name="镇街进度", dtype=object)
    assert "完成日期待核实" in sheet.columns


def test_the_progress_map_shows_an_unreadable_due_date_apart() -> None:
    # The 进度 map theme: a plot 推进中 whose 计划完成日期 cannot be read is 「完成日期待核实」,
    # not drawn as 推进中 on time (was its status colour, nothing said); overdue stays overdue.
    # The panel line for its 镇街 names the count (rows: 3 = 逾期 1 + 待核实 1 + 已销号 1).
    from landgov.maps._progress import progress_rows, progress_theme
    from landgov.maps.style import MapStyle

    frame = pd.DataFrame(
        {
            "township": ["斗门街道"] * 3,
            "ledger_status": ["推进中", "推进中", "已销号"],
            "ledger_overdue": [True, False, False],
            "ledger_due_unread": [False, True, False],
        }
    )
    legend = {i.label: i.count for i in progress_theme(frame, MapStyle()).legend}
    assert legend["已逾期（未完成）"] == 1 and legend["完成日期待核实"] == 1
    assert legend["推进中"] == 0 and legend["已销号"] == 1
    (row,) = progress_rows(frame)
    assert row.value == "3 宗：已销号 1，已完成 0，逾期 1，完成日期待核实 1"
