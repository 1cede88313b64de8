"""治理清单（打印）: the 治理清单 laid out for paper (issue 14 item 3).

Tiny hand-made 治理清单 rows go through :func:`landgov.reports.printlist.print_sheet` and the
workbook writers; expectations are written out by hand.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landgov.core.documents import split_citations
from landgov.policy import load_profile
from landgov.reports.excel import SheetStyle, write_sheet, write_workbook
from landgov.reports.handout import screening_sheets
from landgov.reports.printlist import (
    MIN_POINTS,
    PRINT_COLUMNS,
    PRINT_FORMATS,
    PRINT_SHEET,
    STATUS_HEAD,
    body_points,
    print_sheet,
    print_style,
    short_reason,
    short_to_verify,
)
from tests._books import column_widths
from tests._printsetup import assert_a3_landscape_fit_width

_R4 = (
    "规则 R4「整治提升」：其余治理清单地块 [越政发〔2022〕24号 第三条第4项] 示例规则（非官方）\n"
    "· 问题：不符合：亩均税收 2 万元/亩 [参照虞政发〔2022〕12号 第二条] 示例规则（非官方）\n"
    "· 规则 R1「关停退出」无法判定（缺少：综合能耗（吨标准煤）〔统计局；甲公司，"
    "91330602MA2BDUNA5X〕），暂按后续规则"
)
_NEEDS = "综合能耗（吨标准煤）〔统计局；甲公司，91330602MA2BDUNA5X〕、税收（万元）〔税务局〕"
_R2 = "规则 R2「功能转型」：规划用途已非工业 [000 附件3 三.1]"  # a seed number left in a text


def _governance() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parcel_id": ["B-2", "A-1", "B-1", "C-9", "A-2"],
            "township": ["乙镇", "甲镇", "乙镇", None, "甲镇"],
            "holder": ["乙公司", "甲公司", "丙公司", "丁公司", "戊公司"],
            "area_mu": [12.5, 20.0, 8.25, 3.0, 16.0],
            "tax_per_mu": [2.0, None, 4.5, 1.0, 3.0],
            "path": ["整治提升", "整治提升", "功能转型", "关停退出", "拆除重建"],
            "path_status": ["待核实", "符合", "符合", None, "符合"],
            "override_status": [None, "已采用", "待复核", None, None],
            "reasons": [_R4, _R4, _R2, None, _R2],
            "to_verify": [_NEEDS, None, None, "税收（万元）〔税务局〕", None],
            "geometry": [None] * 5,
        }
    )


def test_columns_in_print_order() -> None:
    out = print_sheet(_governance())
    assert list(out.columns) == [name for name, _ in PRINT_COLUMNS]
    assert [n.replace("\n", "") for n in out.columns] == [
        "序号", "镇街", "宗地代码", "权利人", "面积（亩）", "亩均税收（万元/亩）", "四个一批路径",
        "路径状态", "主要理由", "依据", "待核实事项",
    ]  # fmt: skip


def test_one_row_per_plot_sorted_by_township_then_path_then_code() -> None:
    gov = _governance()
    out = print_sheet(gov)
    assert len(out) == len(gov)
    assert sorted(out["宗地代码"]) == sorted(gov["parcel_id"])  # rows in = rows out
    # 镇街 in 行政区划代码 order (core.townnames.township_order; these codes carry none, so
    # where each first appears by 宗地代码: 甲镇 at A-1, 乙镇 at B-1), not as text sorts (乙
    # U+4E59 before 甲 U+7532); within one, the 四个一批 order (拆除重建, 整治提升, 功能转型,
    # 关停退出); no 镇街 last
    assert list(out["宗地代码"]) == ["A-2", "A-1", "B-2", "B-1", "C-9"]
    assert list(out["序号"]) == [1, 2, 3, 4, 5]
    assert out.loc[out["宗地代码"] == "B-2", "面积\n（亩）"].item() == 12.5


def test_status_shows_manual_decisions_and_missing_is_to_verify() -> None:
    out = print_sheet(_governance()).set_index("宗地代码")[STATUS_HEAD]
    assert out["A-1"] == "人工认定"
    assert out["B-1"] == "符合（人工认定待复核）"
    assert out["B-2"] == "待核实"
    assert out["C-9"] == "待核实"  # no path status: never a silent pass
    assert out["A-2"] == "符合"


def test_short_reason_and_basis_come_from_the_full_reasons() -> None:
    out = print_sheet(_governance()).set_index("宗地代码")
    assert out.loc["B-2", "主要理由"] == (
        "其余治理清单地块\n"
        "· 问题：不符合：亩均税收 2 万元/亩\n"
        "· 规则 R1「关停退出」无法判定（缺少项见待核实事项），暂按后续规则"
    )
    assert out.loc["B-2", "依据"] == (
        "越政发〔2022〕24号 第三条第4项 示例规则（非官方）\n"
        "参照虞政发〔2022〕12号 第二条 示例规则（非官方）"
    )
    full = _governance().set_index("parcel_id")["reasons"]
    for code, row in out.iterrows():
        text, refs = short_reason(full[code])
        basis = () if pd.isna(row["依据"]) else tuple(row["依据"].split("\n"))
        assert (None if pd.isna(row["主要理由"]) else row["主要理由"], basis) == (text, refs)
    assert pd.isna(out.loc["C-9", "主要理由"]) and pd.isna(out.loc["C-9", "依据"])


def test_basis_cites_by_document_number_never_seed_number() -> None:
    out = print_sheet(_governance()).set_index("宗地代码")
    assert out.loc["B-1", "依据"] == "越政发〔2022〕24号 附件3 第三条第1项"
    for text in out["依据"].dropna():
        assert not re.search(r"(^|\n|\[)(参照)?00\d ", text), text


def test_to_verify_by_department() -> None:
    out = print_sheet(_governance()).set_index("宗地代码")
    # the enterprise is named only when it is not the plot's 权利人
    expected = "统计局：综合能耗（吨标准煤）（甲公司）\n税务局：税收（万元）"
    assert out.loc["B-2", "待核实事项"] == expected
    assert short_to_verify(
        "综合能耗（吨标准煤）〔统计局；甲公司，91330602MA2BDUNA5X〕", holder="甲公司"
    ) == ("统计局：综合能耗（吨标准煤）")
    assert short_to_verify("某项说明", holder=None) == "其他：某项说明"
    assert short_to_verify(None) is None


def test_widths_print_at_nine_points_or_more_on_a3_landscape() -> None:
    widths = [w for _, w in PRINT_COLUMNS]
    points = body_points(widths)
    assert points >= MIN_POINTS
    # by hand: ⌊7w+5⌋ px per column, 25.4/96 mm a pixel, 420 − 2×17.78 mm printable
    px = sum(math.floor(7 * w + 5) for w in widths)
    scale = math.floor(min(1.0, (420 - 35.56) / (px * 25.4 / 96)) * 100) / 100
    assert points == pytest.approx(11 * scale)
    # twice as many columns would not be legible: the check can fail
    assert body_points(widths * 2) < MIN_POINTS


def _print_book(tmp_path: Path) -> openpyxl.Workbook:
    tables, styles = screening_sheets(
        [("治理清单", _governance())], load_profile("yuecheng-2022"), title="甲区 治理清单"
    )
    assert [name for name, _ in tables][:2] == ["治理清单", PRINT_SHEET]
    path = write_workbook(tables, tmp_path / "a.xlsx", styles=styles, formats=PRINT_FORMATS).path
    return openpyxl.load_workbook(path)


def test_print_sheet_set_up_for_a3(tmp_path: Path) -> None:
    ws = _print_book(tmp_path)[PRINT_SHEET]
    heads = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert heads == [name for name, _ in PRINT_COLUMNS]
    # XlsxWriter stores a width w as w + 0.71 (the cell padding)
    widths = [math.floor(w) for _, w in sorted(column_widths(ws).items())]
    assert widths == [w for _, w in PRINT_COLUMNS]
    assert_a3_landscape_fit_width(ws)
    assert "甲区 治理清单" in ws.oddHeader.center.text
    assert ws.print_options.gridLines  # rows stay apart on paper
    assert not ws.print_area  # every column of the print view is printed
    assert ws["A2"].value == 1 and ws["A2"].number_format == "0"  # 序号 1221, not 1,221
    reasons = [c for c in next(ws.iter_cols(min_col=9, max_col=9, min_row=2)) if c.value]
    assert reasons and all(c.alignment.wrap_text for c in reasons)
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert any(r.type == "beginsWith" and r.text == "待核实" for r in rules)


def test_both_writers_highlight_text_beginning_with_to_verify(tmp_path: Path) -> None:
    frame = print_sheet(_governance())
    write_sheet(frame, tmp_path / "b.xlsx", sheet="表", style=print_style("标题 & 日期"))
    ws = openpyxl.load_workbook(tmp_path / "b.xlsx")["表"]
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert any(r.type == "beginsWith" and r.text == "待核实" for r in rules)
    assert ws.oddHeader.center.text == "标题 && 日期"  # 「&」 is a header code, escaped
    assert ws.print_options.gridLines
    plain = SheetStyle()
    write_sheet(frame, tmp_path / "c.xlsx", sheet="表", style=plain)
    rules = [
        r
        for cf in openpyxl.load_workbook(tmp_path / "c.xlsx")["表"].conditional_formatting
        for r in cf.rules
    ]
    assert [r.type for r in rules] == ["cellIs"]  # other sheets keep the exact match


def test_an_empty_list_prints_its_header(tmp_path: Path) -> None:
    out = print_sheet(_governance().iloc[0:0])
    assert len(out) == 0 and list(out.columns) == [name for name, _ in PRINT_COLUMNS]


_REFS = st.sampled_from(
    [
        "越政发〔2022〕24号 附件3 第三条第1项",
        "参照虞政发〔2022〕12号 第二条; 第三条第（一）项第1目",
        "000 附件3 三.1",
    ]
)
_WORDS = st.text(alphabet="亩均税收低于门槛不符合 ·：0123456789", max_size=12)


@given(st.lists(st.tuples(_WORDS, _REFS, st.booleans()), max_size=5))
def test_split_citations_takes_every_citation_out_once(
    parts: list[tuple[str, str, bool]],
) -> None:
    text = "\n".join(
        f"{words} [{ref}]" + (" 示例规则（非官方）" if unofficial else "")
        for words, ref, unofficial in parts
    )
    short, refs = split_citations(text)
    assert "[" not in short and "示例规则" not in short and "000 " not in short
    assert len(refs) == len(set(refs))
    assert all(not re.match(r"(参照)?00\d ", r) for r in refs)
    assert len(refs) == len(
        {
            (ref.replace("000 附件3 三.1", "越政发〔2022〕24号 附件3 第三条第1项"), u)
            for _, ref, u in parts
        }
    )


def test_short_reason_keeps_the_override_record_and_drops_the_rule_head() -> None:
    record = "人工认定：治理路径 整治提升→功能转型；理由：已签约转型；认定人：张三（2026-05-01）"
    text, refs = short_reason(f"{record}\n{_R2}")
    assert text == f"{record}\n规划用途已非工业"
    assert refs == ("越政发〔2022〕24号 附件3 第三条第1项",)
