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


# --- one name per concept (the label registry, landgov/core/columns.py) ----------------------


def test_computed_and_declared_far_have_two_headers():
    """The 底数清单 headed the 容积率 landgov takes (``far``, with its 容积率来源) and the
    register's own figure (``far_declared``) both 「容积率」: a reader could not tell which
    column he was reading. The register's is 「登记容积率」 (as the popup called it), and a
    county file headed 「容积率」 still reads into it."""
    from landgov.core.columns import label
    from landgov.io.fields import PARCEL_FIELDS
    from landgov.maps._popup import PARCEL_SECTIONS

    assert label("far") != label("far_declared")
    assert label("far_declared") == "登记容积率"
    spec = next(f for f in PARCEL_FIELDS if f.name == "far_declared")
    assert "容积率" in spec.aliases and "RJL" in spec.aliases
    popup = {f.key: f.label for _, fields in PARCEL_SECTIONS for f in fields}
    assert popup["far_declared"] == label("far_declared")


def test_area_headers_say_pingfangmi():
    """Headers said 「面积（图形，m²）」 in the lists and 「现状建筑面积（平方米）」 on the 增容审查
    sheet, the popups 「m²」: one unit, two spellings. Every Chinese header and popup unit now
    says 平方米."""
    from landgov.core.columns import COLUMNS, unit_text
    from landgov.maps._popup import APPLICATION_SECTIONS, PARCEL_SECTIONS

    assert [c.label for c in COLUMNS.values() if "m²" in c.label] == []
    assert unit_text("m2") == "平方米"
    units = {f.unit for s in (PARCEL_SECTIONS, APPLICATION_SECTIONS) for _, fs in s for f in fs}
    assert "m²" not in units


def test_popup_verdict_of_zengrong_is_the_sheets_header():
    """The 增容审查 sheet heads the verdict 「总体结论」; the parcel popup called it 「增容结论」
    and the application popup 「审查结论」. Both popups now take the registry's label."""
    from landgov.core.columns import label
    from landgov.maps._popup import APPLICATION_SECTIONS, PARCEL_SECTIONS

    for sections in (PARCEL_SECTIONS, APPLICATION_SECTIONS):
        popup = {f.key: f.label for _, fields in sections for f in fields}
        assert popup["zengrong"] == label("zengrong")
        assert popup["zengrong_computed"] == "计算" + label("zengrong")


def test_ledger_heads_the_reasons_as_the_lists(tmp_path):
    """The 台账 headed the 治理清单's 理由（含政策依据） 「列入原因」: one text, two names. It now
    takes the registry's label; a ledger returned with 「列入原因」 reads back."""
    import datetime as dt

    import openpyxl

    from landgov.core.columns import label
    from landgov.ledger import init_ledger, update_ledger, write_ledger
    from landgov.run.results import read_screening
    from tests._runs import fake_run

    box = (0.0, 0.0, 100.0, 100.0)
    old = fake_run(tmp_path / "2026", [{"parcel_id": "A", "box": box}], as_of="2026-06-30")
    new = fake_run(
        tmp_path / "2027",
        [{"parcel_id": "A", "box": box, "path": "关停退出", "grade": "D"}],
        as_of="2027-06-30",
    )
    ledger = init_ledger(read_screening(old), as_of=dt.date(2026, 7, 1))
    path = write_ledger(ledger, tmp_path / "台账.xlsx")
    wb = openpyxl.load_workbook(path)
    heads = {c.value: c for c in wb["治理台账"][1]}
    assert label("reasons") in heads and "列入原因" not in heads
    heads[label("reasons")].value = "列入原因"  # as written before
    wb.save(path)
    ledger = update_ledger(path, read_screening(new), as_of=dt.date(2027, 7, 1))
    out = write_ledger(ledger, tmp_path / "台账2.xlsx")
    written = [c.value for c in openpyxl.load_workbook(out)["治理台账"][1]]
    assert "列入原因" not in written and written.count(label("reasons")) == 1
    row = ledger.rows.set_index("宗地代码").loc["A"]
    assert row[label("reasons")]


def test_every_ledger_table_sheet_filters(tmp_path):
    """The 台账's 状态变更记录 (a row per change: 1,790 rows in the demo's second year) and
    问题记录 had a frozen header but no 筛选 arrows, unlike every sheet of landgov.xlsx: a
    staffer could not filter the changes of one 宗地 or one 镇街. Each now has its autofilter
    over the header and the rows; 镇街进度, which ends in its 全区 total, keeps none
    (tests/test_handout_audit.py: sorting must never move 全区 among the 镇街)."""
    import datetime as dt

    import openpyxl

    from landgov.ledger import init_ledger, write_ledger
    from landgov.run.results import read_screening
    from tests._runs import fake_run

    box = (0.0, 0.0, 100.0, 100.0)
    run = fake_run(tmp_path / "2026", [{"parcel_id": "A", "box": box}], as_of="2026-06-30")
    ledger = init_ledger(read_screening(run), as_of=dt.date(2026, 7, 1))
    wb = openpyxl.load_workbook(write_ledger(ledger, tmp_path / "台账.xlsx"))
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" or ws.title == "填写说明":
            continue
        assert ws.freeze_panes, ws.title
        if ws.title == "镇街进度":  # ends in its 全区 row: sorting must never move it
            assert not ws.auto_filter.ref
            continue
        assert ws.auto_filter.ref, ws.title
        assert ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title


def test_zengrong_sheet_heads_the_headroom_as_the_layer():
    """The 增容审查 sheet headed the room left 「增容空间至容积率上限（平方米）」 while the far
    layer (GeoPackage, QGIS) and docs/schema.md said 「增容空间（至容积率上限，m²）」: two
    spellings of one figure between the sheet and the map a 自然资源局 staffer opens beside it.
    The sheet takes the registry's labels (the 初审表's own 现状建筑面积、现状容积率 stay, as the
    form of 越政发〔2022〕24号 附件3.1 words them)."""
    from landgov.core.columns import label
    from landgov.reports.packet import PACKET_COLUMNS

    for name in ("headroom_m2", "headroom_target_m2", "added_floor_m2", "land_mu", "far_after"):
        assert PACKET_COLUMNS[name] == label(name), name


def test_a_number_and_its_pingfangmi_never_break_apart_on_the_page():
    """The page keeps a number and its unit on one line (landgov-map.js ``NUMBER``); it knew
    「m²」 but not 「平方米」, the unit the popups and the panel now say, so 「23,963 平方米」 could
    break between the figure and its unit on a narrow popup."""
    import re
    from pathlib import Path

    import landgov.maps

    js = (Path(landgov.maps.__file__).parent / "assets" / "landgov-map.js").read_text("utf-8")
    found = re.search(r"var NUMBER = /(.+)/;", js)
    assert found is not None
    number = re.compile(found.group(1).replace("\\/", "/"))
    for text in ("23,963 平方米", "1,000 平方米", "12.50 万元/亩"):
        assert number.fullmatch(text), text


def test_the_print_view_heads_the_path_status_as_the_lists():
    """The 治理清单（打印） headed the path's status a bare 「状态」, the word the 台账 uses for
    the 整治 progress (未启动/推进中/已完成/已销号) a 联席会议 reads beside it; the lists and
    popups call it 路径状态. The print view heads it 「路径\\n状态」 (two lines, as narrow)."""
    from landgov.core.columns import label
    from landgov.reports.printlist import PRINT_COLUMNS

    heads = [name.replace("\n", "") for name, _ in PRINT_COLUMNS]
    assert label("path_status") in heads
    assert "状态" not in heads


def test_control_line_column_of_an_application_whose_plot_is_not_in_the_layer(profile):
    """An application whose 宗地代码 is not in the parcel layer left 「在工业用地控制线内」
    blank, a cell that reads as 「nothing to say」 beside its 待核实 适用范围; it now says why."""
    import pandas as pd

    from landgov.far.zengrong import check_applications
    from tests._hand import application

    parcels = plots(1)
    inputs = dataclasses.replace(_inputs(profile, parcels), planning=_planning(plots(5)).iloc[:1])
    apps = pd.DataFrame([application("330602001001GB09999", 0)])
    got = check_applications(apps, inputs)
    shown = got["inside_control_line"].iloc[0]
    assert isinstance(shown, str) and shown.startswith("待核实：宗地图层中无此宗地代码"), shown
