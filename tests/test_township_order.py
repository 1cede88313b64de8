"""One order of 镇街 in everything handed out: 行政区划代码 order (core.townnames.township_order).

The sample's 宗地代码 carry the 地籍区 of each 镇街 (斗门 001, 马山 002, 沥海 003, 皋埠 004,
陶堰 005, 孙端 006); sorted by name (Unicode) they read 孙端, 斗门, 沥海, 皋埠, 陶堰, 马山, which
is neither that order nor pinyin nor stroke order. Every sheet that lists 镇街 lists them in the
code order, as the 底数清单 (sorted by 宗地代码) already does; 镇街不明 last, 全区 below all.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import box

from landgov.core.townnames import township_order
from landgov.core.vocab import DISTRICT, UNKNOWN_TOWNSHIP
from landgov.ledger._book import progress
from landgov.policy import Profile
from landgov.reports.sendout import FILE_LEVEL
from landgov.summary import summarise

#: (workbook under the demo root, sheet) of each hand-out that lists 镇街 in blocks.
_SHEETS = [
    ("out/demo/landgov.xlsx", "底数清单"),
    ("out/demo/landgov.xlsx", "治理清单"),
    ("out/demo/landgov.xlsx", "治理清单（打印）"),
    ("out/demo/landgov.xlsx", "镇街汇总"),
    ("out/demo/landgov.xlsx", "问题分送"),
    ("out/demo-第二年/landgov.xlsx", "治理清单（打印）"),
    ("out/demo-第二年/landgov.xlsx", "镇街汇总"),
    ("out/demo-第二年/landgov.xlsx", "问题分送"),
    ("out/demo-治理台账.xlsx", "镇街进度"),
    ("out/demo-动态评价/动态评价.xlsx", "镇街对比"),
    ("out/demo-动态评价/动态评价.xlsx", "企业变化"),
]
_SAMPLE_ORDER = ["斗门街道", "马山街道", "沥海街道", "皋埠街道", "陶堰街道", "孙端街道"]


def _column(ws: openpyxl.worksheet.worksheet.Worksheet, header: str) -> list[object]:
    """The cells under ``header`` (in the first rows) down to the first empty row."""
    rows = ws.iter_rows(values_only=True)
    for head in itertools.islice(rows, 5):
        if header in head:
            at = head.index(header)
            break
    else:
        raise AssertionError(f"{ws.title}: no column {header}")
    out = []
    for row in rows:
        if all(v is None or v == "" for v in row):
            break
        out.append(row[at])
    return out


def _blocks(values: list[object]) -> list[str]:
    """The 镇街 in the order their blocks of rows come (全区, and the 问题分送 rows about a
    whole file, which come after every 镇街, left out)."""
    blocks = [str(k) for k, _ in itertools.groupby(values) if k not in (None, "", DISTRICT)]
    if FILE_LEVEL in blocks:
        assert blocks[-1] == FILE_LEVEL and blocks.count(FILE_LEVEL) == 1, blocks
        blocks.pop()
    return blocks


@pytest.fixture(scope="module")
def demo_order(demo_run: Path):
    wb = openpyxl.load_workbook(demo_run / "out/demo/landgov.xlsx", read_only=True)
    ws = wb["底数清单"]
    codes, towns = _column(ws, "宗地代码"), _column(ws, "镇街")
    wb.close()
    return township_order(towns, codes)


def test_the_sample_order_is_the_code_order(demo_order) -> None:
    assert demo_order.sorted(sorted(_SAMPLE_ORDER)) == _SAMPLE_ORDER


@pytest.mark.parametrize(("book", "sheet"), _SHEETS, ids=[f"{b}:{s}" for b, s in _SHEETS])
def test_each_handed_out_sheet_lists_townships_in_the_shared_order(
    demo_run: Path,
    demo_order,
    book: str,
    sheet: str,
) -> None:
    wb = openpyxl.load_workbook(demo_run / book, read_only=True)
    blocks = _blocks(_column(wb[sheet], "镇街"))
    wb.close()
    assert len(blocks) == len(set(blocks)), f"{book}:{sheet} lists a 镇街 twice: {blocks}"
    assert len(blocks) >= 3
    assert blocks == demo_order.sorted(blocks)


def test_candidate_rows_of_the_far_sheet_in_the_shared_order(demo_run: Path, demo_order) -> None:
    wb = openpyxl.load_workbook(demo_run / "out/demo/landgov.xlsx", read_only=True)
    ws = wb["增容审查"]
    source, towns = _column(ws, "来源"), _column(ws, "镇街")
    wb.close()
    blocks = _blocks([t for s, t in zip(source, towns, strict=True) if s == "摸排候选"])
    assert len(blocks) == len(set(blocks)) >= 3
    assert blocks == demo_order.sorted(blocks)


def test_progress_map_panel_in_the_shared_order(demo_run: Path, demo_order) -> None:
    html = (demo_run / "maps/demo-进度.html").read_text(encoding="utf-8")
    names = list(dict.fromkeys(re.findall(r"治理进度·([^\"'<\\]+)", html)))
    assert len(names) >= 3
    assert names == demo_order.sorted(names)


# A hand case: three townships whose name order (Unicode: 丙 U+4E19 < 乙 U+4E59 < 甲 U+7532)
# differs from their code order (地籍区 甲 001, 乙 002, 丙 003); one plot without a 镇街.
_HAND = pd.DataFrame(
    {
        "parcel_id": ["330602003001GB00001", "330602001001GB00001", "330602002001GB00001", "X1"],
        "township": ["丙镇", "甲镇", "乙镇", None],
    }
)


def test_hand_order_key() -> None:
    order = township_order(_HAND["township"], _HAND["parcel_id"])
    assert sorted(["甲镇", "乙镇", "丙镇"]) == ["丙镇", "乙镇", "甲镇"]  # name order
    assert order.sorted(["丙镇", "全区", UNKNOWN_TOWNSHIP, "乙镇", "甲镇"]) == [
        "甲镇", "乙镇", "丙镇", UNKNOWN_TOWNSHIP, DISTRICT,
    ]  # fmt: skip
    # 9- and 12-digit 统计用区划代码 place a township as the 宗地代码 does
    stats = township_order(["丙镇", "甲镇"], ["330602003", "330602001001"])
    assert stats.sorted(["丙镇", "甲镇"]) == ["甲镇", "丙镇"]
    # no code at all: where the 镇街 first appears in the codes sorted
    loose = township_order(["丙镇", "甲镇", "丙镇"], ["B2", "C3", "A1"])
    assert loose.sorted(["甲镇", "丙镇"]) == ["丙镇", "甲镇"]


def test_hand_summary_in_code_order(yuecheng: Profile) -> None:
    parcels = gpd.GeoDataFrame(
        _HAND.assign(area_mu=[10.0, 20.0, 30.0, 5.0], screening_status="治理", path="整治提升"),
        geometry=[box(0, 0, 1, 1)] * 4,
        crs="EPSG:4549",
    )
    enterprises = pd.DataFrame(columns=["uscc", "township"])
    table = summarise(parcels, enterprises=enterprises, profile=yuecheng)
    assert table["township"].tolist() == ["甲镇", "乙镇", "丙镇", UNKNOWN_TOWNSHIP, DISTRICT]


def test_hand_ledger_progress_in_code_order() -> None:
    rows = pd.DataFrame(
        {
            "宗地代码": _HAND["parcel_id"],
            "镇街": _HAND["township"],
            "状态": "未启动",
            "计划完成日期": None,
            "系统提示": "",
        }
    )
    table = progress(rows, as_of=dt.date(2026, 6, 30))
    assert table["镇街"].tolist() == ["甲镇", "乙镇", "丙镇", UNKNOWN_TOWNSHIP, DISTRICT]


def test_province_counties_and_cities_in_code_order() -> None:
    from landgov.province.outputs import summary_tables

    def result(code: str, name: str, city_code: str, city: str) -> dict[str, object]:
        counts = {"rows_in": 1, "rows_out": 1, "rows_rejected": 0}
        return {"code": code, "name": name, "city_code": city_code, "city": city,
                "profile": "p", "ok": True, **counts}  # fmt: skip

    # province.json lists 越城 (330602) after 嘉善 (330421) and 上城 (330102) last
    results = [
        result("330421", "嘉善县", "3304", "嘉兴市"),
        result("330602", "越城区", "3306", "绍兴市"),
        result("330102", "上城区", "3301", "杭州市"),
    ]
    counties, cities = summary_tables(results, province_targets={})
    assert counties["county_code"].tolist() == ["330102", "330421", "330602"]
    assert cities["city_code"].tolist() == ["3301", "3304", "3306", "33"]  # 全省 last
