"""More county files as they really come: units written once for the whole sheet, three-row
headers, and the other odd layouts of a county's enterprise tables and parcel layers.

Each case builds its tiny file in ``tmp_path``; every row read is kept, flagged or rejected
with a reason, and a unit the file states is never replaced by the default in silence.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from landgov.io import read_enterprises

USCC = "91330602MA2BGHJK3A"
ROWS = [[USCC, "甲公司", "规上", 1_205_000, 10]]


def _workbook(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    for cells in merges:
        wb.active.merge_cells(cells)
    wb.save(path)
    return path


def _said(result, words: str) -> list[str]:
    problems = result.problems["problem"].astype(str)
    return problems[problems.str.contains(words, regex=False)].tolist()


HEADER = ["统一社会信用代码", "企业名称", "规上/规下", "税收", "用地面积（亩）"]


@pytest.mark.parametrize(
    "above",
    [
        [["企业亩均效益数据"], ["单位：元"]],
        [["2023年企业亩均效益数据表（金额单位：元）"]],
        [["企业亩均效益数据"], [None, None, None, None, "单位：元"]],
    ],
    ids=["own row", "in the title", "right-aligned"],
)
def test_a_unit_stated_above_the_header_applies_to_the_columns_without_one(
    tmp_path: Path, above: list[list[object]]
) -> None:
    """「单位：元」 over the table: 税收 is in 元 (10,000 times 万元), never read as 万元."""
    path = _workbook(tmp_path / "企业.xlsx", [*above, HEADER, *ROWS])
    result = read_enterprises(path)
    assert result.data["tax_wan"].tolist() == [120.5]
    assert result.data["land_mu"].tolist() == [10.0]  # 亩 in its own header stays 亩
    assert _said(result, "单位：元"), result.problems.to_string()


def test_a_unit_note_under_a_code_column_is_the_sheets_not_the_codes(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "企业.xlsx", [HEADER, ["单位：元"], *ROWS])
    result = read_enterprises(path)
    assert result.data["tax_wan"].tolist() == [120.5]
    assert len(result.data) + len(result.rejected) == result.meta["rows"]


def test_a_unit_in_the_fill_in_instructions_under_the_header_is_kept(tmp_path: Path) -> None:
    """A template's 填表说明 row (「填写18位代码」 … 「单位：元」) is set aside, its unit is not."""
    instructions = ["填写18位代码", "填写全称", "规上或规下", "单位：元", "单位：亩"]
    path = _workbook(tmp_path / "企业.xlsx", [HEADER, instructions, *ROWS])
    result = read_enterprises(path)
    assert result.data["tax_wan"].tolist() == [120.5]
    assert result.data["land_mu"].tolist() == [10.0]
    assert _said(result, "像是填表说明") and _said(result, "「单位：元」（D2单元格）")


def test_a_unit_in_a_header_beats_the_note_above(tmp_path: Path) -> None:
    header = [*HEADER[:3], "税收（万元）", HEADER[4]]
    rows = [["单位：元"], header, [USCC, "甲", "规上", 120.5, 10]]
    path = _workbook(tmp_path / "企业.xlsx", rows)
    assert read_enterprises(path).data["tax_wan"].tolist() == [120.5]


def test_notes_naming_two_money_units_are_not_guessed(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "企业.xlsx", [["单位：万元"], ["单位：元"], HEADER, *ROWS])
    result = read_enterprises(path)
    assert result.data["tax_wan"].isna().all()
    assert _said(result, "相互矛盾"), result.problems.to_string()


@pytest.mark.parametrize(
    "merges",
    [("A1:C1", "D1:E1"), ("A1:A3", "B1:B3", "C1:C3", "D1:E1")],
    ids=["group row", "fields merged down"],
)
def test_a_three_row_header_keeps_the_units_of_its_last_row(
    tmp_path: Path, merges: tuple[str, ...]
) -> None:
    """Group captions, field names, then 「（元）」 under 税收: three header rows, not two."""
    first = ["基本信息", None, None, "经济指标", None]
    if "A1:A3" in merges:
        first = ["统一社会信用代码", "企业名称", "规上/规下", "经济指标", None]
    rows = [first, ["统一社会信用代码", "企业名称", "规上/规下", "税收", "用地面积"]]
    rows.append([None, None, None, "（元）", "（亩）"])
    path = _workbook(tmp_path / "企业.xlsx", [*rows, *ROWS], merges)
    result = read_enterprises(path)
    assert result.data["tax_wan"].tolist() == [120.5]
    assert result.data["land_mu"].tolist() == [10.0]
    assert result.meta["header_rows"] == [1, 2, 3]
    assert len(result.rejected) == 0, result.rejected.to_string()


def _township_reads(parcel_towns: list[str], layer_towns: list[str]) -> dict:
    import pandas as pd

    from landgov.core.problems import PROBLEM_COLUMNS, ReadResult

    def read(towns: list[str]) -> ReadResult:
        data = pd.DataFrame({"township": towns, "source_row": range(2, 2 + len(towns))})
        return ReadResult(data, data.iloc[:0], pd.DataFrame(columns=PROBLEM_COLUMNS), {})

    return {"parcels": read(parcel_towns), "townships": read(layer_towns)}


@pytest.mark.parametrize("written", ["斗 门 街道", "斗门\u3000街道", "斗门 街道", "斗  门"])
def test_a_township_typed_with_blanks_inside_is_the_township_and_said(written: str) -> None:
    """「斗 门 街道」 (blanks to align a column) is 斗门街道, not a township of its own."""
    from landgov.core.townnames import unify_townships

    reads = _township_reads([written, "斗门街道", "马山街道"], ["斗门街道", "马山街道"])
    got = unify_townships(reads, sources={"parcels": "宗地.shp", "townships": "镇街.shp"})
    assert got["parcels"].data["township"].tolist() == ["斗门街道", "斗门街道", "马山街道"]
    said = got["parcels"].problems
    assert said["value"].tolist() == [written], said.to_string()
    assert said["row"].tolist() == [2]


def test_two_full_names_of_one_stem_stay_apart_and_are_said() -> None:
    """「斗门镇」 beside 「斗门街道」 (an old name after 撤镇设街道?): never merged, always said."""
    from landgov.core.townnames import unify_townships

    reads = _township_reads(["斗门镇", "斗门街道", "马山街道"], ["斗门街道", "马山街道"])
    got = unify_townships(reads, sources={"parcels": "宗地.shp", "townships": "镇街.shp"})
    assert got["parcels"].data["township"].tolist() == ["斗门镇", "斗门街道", "马山街道"]
    said = got["parcels"].problems
    assert said["value"].tolist() == ["斗门镇"], said.to_string()
    assert "「斗门街道」" in said["problem"].iloc[0]
    assert said["severity"].iloc[0] == "警告"


def _one_parcel(path: Path, geom, prj) -> Path:
    from tests._shapefiles import write_shapefile

    return write_shapefile(path, [geom], [("宗地代码", 19)], [["330602001002GB00001"]], prj=prj)


@pytest.mark.parametrize("declared", [4529, 4527], ids=["zone 41", "zone 39"])
def test_a_zone_prefix_the_prj_contradicts_is_read_in_the_prefixs_zone(
    tmp_path: Path, declared: int
) -> None:
    """Eastings 40,5xx,xxx are zone 40 (120°E) whatever zone the .prj names: never 3° away."""
    from pyproj import CRS
    from shapely.geometry import box

    from landgov.io import read_parcels

    geom = box(40_555_900, 3_320_200, 40_555_980, 3_320_280)
    result = read_parcels(_one_parcel(tmp_path / "宗地.shp", geom, CRS(declared)))
    assert result.data.crs.to_epsg() == 4549
    assert result.data.geometry.iloc[0].bounds[0] == pytest.approx(555_900)
    said = result.problems[result.problems["field"] == "crs"]
    assert len(said) == 1 and "矛盾" in said["problem"].iloc[0], result.problems.to_string()


def test_a_web_mercator_layer_gets_areas_on_the_ground(tmp_path: Path) -> None:
    """Areas measured in EPSG:3857 are 1/cos²(30°) ≈ 1.33 times too large in Zhejiang."""
    from pyproj import CRS, Transformer
    from shapely.geometry import Polygon, box

    from landgov.io import read_parcels

    gk = box(555_900, 3_320_200, 555_980, 3_320_280)  # 6,400 m² in EPSG:4549
    to_web = Transformer.from_crs(4549, 3857, always_xy=True)
    web = Polygon([to_web.transform(x, y) for x, y in gk.exterior.coords])
    result = read_parcels(_one_parcel(tmp_path / "宗地.shp", web, CRS(3857)))
    assert result.data.crs.to_epsg() == 4549
    assert result.data["area_m2"].iloc[0] == pytest.approx(6_400, rel=1e-4)
    said = result.problems[result.problems["field"] == "crs"]
    assert "不能直接量算面积" in said["problem"].iloc[0], result.problems.to_string()


def test_absent_optional_fields_ask_the_department_for_the_data(tmp_path: Path) -> None:
    """The row 「表中没有以下字段…」 reaches the department asked for the data (问题分送): its
    action asks for the data first; the landgov option is for whoever runs it."""
    path = _workbook(tmp_path / "企业.xlsx", [HEADER, *ROWS])
    problems = read_enterprises(path).problems
    [action] = problems.loc[problems["problem"].str.startswith("表中没有以下字段"), "action"]
    assert action.startswith("请提供表中缺少的数据；"), action
    assert "由运行 landgov 的人员用 --alias 字段=列名 指定" in action
