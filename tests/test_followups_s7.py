"""Small follow-ups (session 7): figures a user reads that were taken on trust.

1. An area field in 公顷 or 亩 under a name with no unit, in the 批而未供 layer: 批准面积 1.0
   (公顷) on a 10,000 m² batch was read as 1 m² (one 相差 warning per row, and a batch
   without a shape would have been counted with its figure). The rule the parcel layer had
   (宗地面积 in 亩/公顷 is set aside with one 警告) is now one function both readers use
   (``landgov.io._areaunit``), applied to 批准面积/已供面积/未供面积 [批而未供:
   浙政发〔2023〕4号 第二条第（一）项第1目].
2. One enterprise given twice (same valid 统一社会信用代码) with different 评价等级 or 镇街:
   the counts take the first row only (``landgov.core.counts.repeated_firm``), and said
   nothing about the second row's different value; the one repeated-code 警告 now names the
   field, both rows and values, and that the first row is counted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from pyproj import CRS
from shapely.geometry import box

from landgov.core.problems import ReadResult, Severity
from landgov.io import read_approved, read_enterprises
from tests._shapefiles import write_shapefile

E0, N0 = 555_900.0, 3_320_200.0  # CGCS2000 3° GK CM 120E (EPSG:4549), Shaoxing
FIELDS = [
    ("批次名称", 40), ("批准文号", 30), ("批准日期", 12), ("批准面积", 12, 2), ("已供面积", 12, 2),
    ("未供面积", 12, 2),
]  # fmt: skip


def _said(result: ReadResult, words: str) -> pd.DataFrame:
    problems = result.problems
    return problems[problems["problem"].astype(str).str.contains(words, regex=False)]


# --- 1. 批而未供 areas in 公顷 ---------------------------------------------------------------


def _batches(tmp_path: Path, figures: list[tuple[str, str, str]]) -> Path:
    """Three batches, each drawn 100 × 100 m = 10,000 m², approved 2020-05-01; ``figures``
    are (批准面积, 已供面积, 未供面积) as typed in each row."""
    geoms = [box(E0 + 300 * i, N0, E0 + 300 * i + 100, N0 + 100) for i in range(3)]
    records = [
        [f"越城区2020年度第{i + 1}批次", f"浙政土字〔2020〕{i + 1}号", "2020-05-01", *f]
        for i, f in enumerate(figures)
    ]
    return write_shapefile(tmp_path / "pwgy.shp", geoms, FIELDS, records, prj=CRS(4549))


def test_approved_areas_in_hectares_are_set_aside_with_one_warning(tmp_path: Path) -> None:
    """批准面积 1.00 on each of three 10,000 m² batches (已供 0.25, 未供 0.75): shape ÷ figure
    = 10,000 on all three (median 10,000 = m² per 公顷), so the field is in 公顷, not the m²
    its name (no unit) implies. Which unit it is cannot be read from the file, so the three
    ledger fields are set aside (missing on all rows; 未供面积 is then the shape's) and one
    警告 names 批准面积, the ratio 10,000 and the fix (a name with its unit, 面积(公顷))."""
    result = read_approved(_batches(tmp_path, [("1.00", "0.25", "0.75")] * 3))
    data = result.data
    assert data["area_m2"].tolist() == pytest.approx([10_000] * 3)
    for column in ("approved_area_m2", "supplied_area_m2", "unsupplied_area_m2"):
        assert data[column].isna().all(), data[column]
    said = _said(result, "图形面积是该字段数值的")
    assert len(said) == 1, result.problems
    row = said.iloc[0]
    assert row["severity"] == Severity.WARNING and row["field"] == "批准面积"
    assert "10,000" in row["problem"] and "像是以公顷为单位" in row["problem"]
    assert "「已供面积」「未供面积」也不读取" in row["problem"]
    assert "面积(公顷)" in row["action"]


def test_approved_areas_in_square_metres_are_untouched(tmp_path: Path) -> None:
    """The same batches with 批准面积 10,000 m² (已供 2,500, 未供 7,500): ratio 1, read as
    m² as typed; no unit warning."""
    result = read_approved(_batches(tmp_path, [("10000.00", "2500.00", "7500.00")] * 3))
    data = result.data
    assert data["approved_area_m2"].tolist() == pytest.approx([10_000] * 3)
    assert data["supplied_area_m2"].tolist() == pytest.approx([2_500] * 3)
    assert data["unsupplied_area_m2"].tolist() == pytest.approx([7_500] * 3)
    assert _said(result, "图形面积是该字段数值的").empty, result.problems


# --- 2. one firm twice with different grades ----------------------------------------------------

A = "91330100470102706G"  # valid code (zhejiang_valid.txt in /work/shared/testdata/uscc)
B = "913304007429141869"


HEADER = ["统一社会信用代码", "企业名称", "镇街", "评价等级", "税收（万元）", "用地面积（亩）"]


def _firms(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_a_firm_given_twice_with_two_grades_says_the_first_row_is_counted(
    tmp_path: Path,
) -> None:
    """甲 on rows 2 and 3 under one valid code, grade A on row 2 and C on row 3 (same 镇街,
    same figures). The counts count the firm once, from row 2 (A); before, the one 警告 said
    only 「与第 2 行重复」 and the C vanished unsaid. Now that 警告 (one, on row 3) names
    评价等级, both rows and values, and that row 2 is the one counted. A firm given twice
    with the same grade keeps the plain message."""
    result = read_enterprises(
        _firms(
            tmp_path / "企业.xlsx",
            [
                [A, "甲纺织有限公司", "斗门街道", "A", 10, 10],
                [A, "甲纺织有限公司", "斗门街道", "C", 10, 10],
                [B, "乙机械有限公司", "斗门街道", "B", 20, 20],
                [B, "乙机械有限公司", "斗门街道", "B", 20, 20],
            ],
        )
    )
    said = _said(result, "统一社会信用代码与第 2 行重复")
    assert len(said) == 1, result.problems
    row = said.iloc[0]
    assert row["severity"] == Severity.WARNING and row["row"] == 3
    text = row["problem"]
    assert "评价等级不同（第 2 行「A」，本行「C」）" in text, text
    assert "只采用第 2 行" in text and "镇街不同" not in text
    plain = _said(result, "统一社会信用代码与第 4 行重复")
    assert len(plain) == 1 and "不同" not in plain.iloc[0]["problem"], plain
