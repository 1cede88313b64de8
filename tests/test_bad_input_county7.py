"""County files as they really come, seventh round: a 宗地面积 field whose name states a unit
its figures are not in (「面积(公顷)」 holding square metres), and an enterprise or link
workbook holding two tables side by side on one sheet (规上 left, 规下 right).

Every file is built here (openpyxl, or GDAL and a .dbf byte by byte through
``tests._shapefiles``) and read through the real reader, or run through the real command line
(``tests._cli``). Expected results are worked out by hand in the docstrings.

The hand county (``tests._hand``): plots of 100 m × 140 m = 14000 m² = 21 亩 = 1.4 公顷;
industry 3311 (GB/T 4754-2017 → 2002 大类 34): national minimum 容积率 0.7 (《工业项目建设用地
控制指标》（国土资发〔2008〕24号）); 「低于」 excludes the number.
"""

from __future__ import annotations

from pathlib import Path

import pyproj
import pytest

from landgov.core.plausible import check_values
from landgov.core.problems import ReadResult, Severity
from landgov.far import compute_far
from landgov.io import read_parcels
from landgov.verdict import Status
from tests._cli import ENGLISH, main_here
from tests._hand import AS_OF, CRS, firms, rectangle, screen_plots
from tests._shapefiles import write_shapefile

# Valid codes (zhejiang_valid.txt in /work/shared/testdata/uscc).
A = "91330100470102706G"
B = "913304007429141869"
C = "91330100799655058B"
D = "91330106MAEUDLLYXY"
P1, P2 = "330602001001GB00000", "330602001001GB00001"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _said(result: ReadResult, words: str):
    problems = result.problems
    return problems[problems["problem"].astype(str).str.contains(words, regex=False)]


# --- 宗地面积 under a header naming another unit ---------------------------------------------

HA, MU = "面积(公顷)", "面积(亩)"  # 10 and 8 bytes in GBK: a .dbf field name keeps them whole


def _plots(folder: Path, name: str, areas: list[str], far: str = "0.50") -> Path:
    """Plots 0 and 1 of the hand county (14000 m² each), 工业用地, 容积率 ``far``; the
    area field is called ``name`` and holds ``areas``."""
    fields = [("宗地代码", 19), ("土地用途", 8), (name, 12, 2), ("容积率", 6, 2)]
    records = [[code, "工业用地", area, far] for code, area in zip((P1, P2), areas, strict=True)]
    geoms = [rectangle(100.0, 140.0, i) for i in range(2)]
    return write_shapefile(
        folder / "宗地.shp", geoms, fields, records, prj=pyproj.CRS.from_epsg(CRS), cpg="GBK"
    )


def _checked(result: ReadResult, profile):
    """The plots as a run holds them after the plausibility step."""
    return check_values(
        result.data, profile, source="宗地.shp", as_of=AS_OF,
        field_names=result.meta.get("field_map") or {},
    ).data  # fmt: skip


def test_square_metres_under_a_mu_header_do_not_lift_the_plots_far(
    tmp_path: Path, yuecheng
) -> None:
    """「面积(亩)」 holds 14000.00 for both plots: the square metres of their 14000 m² shapes
    (what GIS computes), not 亩 (21). Was: read as the header says, 14000 亩 = 9,333,333 m²
    (666.7 times the plot, under the plausibility bound of 1 亿 m², so nothing said); with
    容积率 0.50 recorded, the floor area 0.50 × 9,333,333 = 4,666,667 m² gave FAR 333.3 on a
    14000 m² plot — far above the minimum 0.7: a plot under its minimum passed 用而未尽.

    By hand: shape ÷ figure = 14000 ÷ 14000 = 1.0 — the figures are in m², not the 亩 the
    name says (which would give 666.7). Which is right cannot be read from the file: the field
    is not read (area_declared_m2 missing on both rows), one 警告 names the field, the unit it
    looks like and the fix. The plot area stays its shape's 14000 m²; the floor area is
    0.50 × 14000 = 7000 m², FAR 0.50 — below 0.7 (「低于」), 不符合."""
    result = read_parcels(_plots(tmp_path, MU, ["14000.00", "14000.00"]))
    assert result.data["area_m2"].tolist() == pytest.approx([14_000, 14_000])
    assert result.data["area_declared_m2"].isna().all(), result.data["area_declared_m2"]
    said = _said(result, "图形面积是该字段数值的")
    assert len(said) == 1, result.problems
    row = said.iloc[0]
    assert row["severity"] == Severity.WARNING and row["field"] == MU
    assert "按表头所写的亩读取" in row["problem"] and "像是以平方米为单位" in row["problem"]
    assert "约 1.0 倍" in row["problem"] and "该字段 14000" in row["problem"]
    assert "面积(m2)" in row["action"]
    parcels = _checked(result, yuecheng)
    far = compute_far(parcels, profile=yuecheng)
    assert far["far_source"].tolist() == ["登记容积率", "登记容积率"]
    assert far["floor_area_m2"].tolist() == pytest.approx([7000, 7000])
    assert far["far_minimum"].tolist() == pytest.approx([0.5, 0.5])
    got = screen_plots(
        yuecheng, parcels.assign(far_minimum=far["far_minimum"], far_source=far["far_source"]),
        firms(2),
    )  # fmt: skip
    assert [c.status for c in got.checks["under_used"]] == [Status.FAIL, Status.FAIL]


@pytest.mark.parametrize(
    ("areas", "unit", "ratio"),
    [(["14000.00", "14000.00"], "平方米", "1.0"), (["21.00", "21.00"], "亩", "666.7")],
    ids=["square-metres", "mu"],
)
def test_square_metres_or_mu_under_a_hectare_header_are_not_read_as_hectares(
    tmp_path: Path, areas: list[str], unit: str, ratio: str
) -> None:
    """「面积(公顷)」 holding 14000.00 (m²) or 21.00 (亩) for 14000 m² plots: read as 公顷,
    1.4 亿 m² or 210,000 m² (10,000 or 15 times the plot). Shape ÷ figure = 1.0 m² (or
    666.7 m², one 亩), not the 10,000 m² of one 公顷: not read, said with the unit it looks
    like."""
    result = read_parcels(_plots(tmp_path, HA, areas))
    assert result.data["area_declared_m2"].isna().all(), result.data["area_declared_m2"]
    said = _said(result, "图形面积是该字段数值的")
    assert len(said) == 1, result.problems
    assert f"像是以{unit}为单位" in said.iloc[0]["problem"]
    assert f"约 {ratio} 倍" in said.iloc[0]["problem"]


@pytest.mark.parametrize(
    ("name", "areas", "m2"),
    [(HA, ["1.40", "1.41"], [14_000, 14_100]), (MU, ["21.00", "21.15"], [14_000, 14_100])],
    ids=["hectares", "mu"],
)
def test_an_area_in_its_headers_unit_is_read_and_nothing_said(
    tmp_path: Path, name: str, areas: list[str], m2: list[float]
) -> None:
    """「面积(公顷)」 holding 1.40 and 1.41, 「面积(亩)」 21.00 and 21.15 (a survey's
    figures): 14000 and 14100 m², read as the header says; nothing said of the unit."""
    result = read_parcels(_plots(tmp_path, name, areas))
    assert result.data["area_declared_m2"].tolist() == pytest.approx(m2)
    assert _said(result, "图形面积是该字段数值的").empty, result.problems


def test_the_unit_said_through_inspect(tmp_path: Path, capsys) -> None:
    """``landgov inspect`` of the layer shows the warning as a user reads it."""
    code, text = main_here(["inspect", _plots(tmp_path, MU, ["14000.00"] * 2)], capsys)
    assert code == 0, text
    assert "[警告]" in text and "像是以平方米为单位" in text and MU in text
    for word in ENGLISH:
        assert word not in text, (word, text)
