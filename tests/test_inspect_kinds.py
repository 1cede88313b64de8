"""``landgov inspect`` of every kind of input file a run reads, not only parcels and the three
tables: a planning, demolition, zone, township, 批而未供 or building layer is told by its fields
and read by its own reader (its problems, not a parcel layer's), and ``--kind`` picks one.

Before, any file that was not a table was read as a parcel layer: 「landgov inspect
townships.shp」 answered 「找不到必填字段「宗地代码」」, and a building layer (which has a
宗地代码) was checked as parcels — 2,437 「错误」 rows for the sample's footprints.
"""

from __future__ import annotations

from pathlib import Path

import pyproj
import pytest
from shapely.geometry import box

from landgov.errors import SchemaError
from landgov.inspect import inspect_file
from tests._cli import main_here
from tests._hand import CRS
from tests._shapefiles import write_shapefile

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
PRJ = pyproj.CRS.from_epsg(CRS)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("parcels.shp", "parcels"), ("planning.shp", "planning"),
        ("demolition.shp", "demolition"), ("special_zones.shp", "special_zones"),
        ("townships.shp", "townships"), ("approved.shp", "approved"),
        ("buildings.gpkg", "buildings"), ("enterprises.xlsx", "enterprises"),
        ("links.xlsx", "links"), ("compliance.xlsx", "compliance"),
        ("applications.xlsx", "applications"),
    ],
)  # fmt: skip
def test_each_sample_file_is_told_by_its_fields(name: str, kind: str) -> None:
    report = inspect_file(SAMPLE / name)
    assert report["kind"] == kind
    assert report["rows"] == report["rows_kept"] + report["rows_rejected"] > 0


def _squares(n: int) -> list[object]:
    return [box(556_000 + 200 * i, 3_320_000, 556_100 + 200 * i, 3_320_100) for i in range(n)]


def test_a_layer_with_a_parcel_code_and_storeys_is_a_building_layer(tmp_path: Path) -> None:
    """宗地代码 + 层数 + 层高: 3 building fields against 1 parcel field."""
    path = write_shapefile(
        tmp_path / "jz.shp", _squares(2), [("宗地代码", 20), ("层数", 4), ("层高", 6)],
        [["330602001001GB00001", "3", "4.5"], ["330602001001GB00001", "2", "6.0"]],
        prj=PRJ, cpg="GBK",
    )  # fmt: skip
    report = inspect_file(path)
    assert report["kind"] == "buildings"
    assert report["field_map"] == {"parcel_id": "宗地代码", "storeys": "层数",
                                   "storey_height_m": "层高"}  # fmt: skip


def test_a_tie_is_a_parcel_layer(tmp_path: Path) -> None:
    """宗地代码 alone: 1 field of a parcel layer, 1 of a building layer — read as parcels."""
    path = write_shapefile(
        tmp_path / "zd.shp", _squares(1), [("宗地代码", 20)], [["330602001001GB00001"]],
        prj=PRJ, cpg="GBK",
    )  # fmt: skip
    assert inspect_file(path)["kind"] == "parcels"


def test_a_layer_of_no_known_kind_says_what_a_parcel_layer_lacks(tmp_path: Path) -> None:
    path = write_shapefile(
        tmp_path / "x.shp", _squares(1), [("备注", 20)], [["无"]], prj=PRJ, cpg="GBK"
    )
    with pytest.raises(SchemaError, match="找不到必填字段「宗地代码」"):
        inspect_file(path)


def test_township_layer_from_the_command_line_with_its_encoding_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A GBK .dbf without .cpg; ``--encoding GBK`` reaches the township reader, as
    ``--kind townships`` does."""
    path = write_shapefile(
        tmp_path / "zj.shp", _squares(2), [("镇街", 20)], [["斗门街道"], ["马山街道"]],
        prj=PRJ,
    )  # fmt: skip
    for extra in ([], ["--kind", "townships"]):
        code, text = main_here(["inspect", path, "--encoding", "GBK", *extra], capsys)
        assert code == 0, text
        assert "类型：镇街边界图层" in text and "用户指定编码 GBK" in text, text
        assert "镇街 → 镇街  [township]" in text and "问题：0 条" in text, text
    report = inspect_file(path, kind="townships", encoding="GBK")
    assert report["encoding"] == "GBK"


def test_kind_picks_the_reader(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--kind parcels`` on the sample's building layer: checked as parcels, as asked."""
    code, text = main_here(["inspect", SAMPLE / "buildings.gpkg", "--kind", "parcels"], capsys)
    assert code == 0 and "类型：宗地图层" in text, text


def test_a_raster_given_as_a_layer_is_named_so(capsys: pytest.CaptureFixture[str]) -> None:
    """The sample's height raster: GDAL answered in English that it is 「not recognized as being
    in a supported file format」; now the file is named a raster and where it goes is said."""
    code, text = main_here(["inspect", SAMPLE / "height.tif"], capsys)
    assert code == 2, text
    assert "错误：" in text and "height.tif：这是栅格（影像）文件，不是图层" in text, text
    assert "-r/--height-raster" in text and "not recognized" not in text, text


def test_a_csv_has_no_sheet_and_says_none_of_one(tmp_path: Path, capsys) -> None:
    """A CSV has no layer or sheet: the line says its format only, never 「图层/工作表：None」."""
    path = tmp_path / "企业.csv"
    path.write_text("统一社会信用代码,企业名称\n91330100470102706G,甲公司\n", encoding="utf-8")
    code, text = main_here(["inspect", path], capsys)
    assert code == 0, text
    assert "格式：csv\n" in text and "None" not in text, text


# ----------------------------------------------------------------------------------------------
# parity with ``landgov screen``: what screen refuses or flags, inspect says too

_PARCEL_FIELDS = [("权利人", 40), ("土地用途", 12), ("宗地面积", 12, 2), ("镇街", 20)]


def _parcels_without_id(tmp_path: Path) -> Path:
    return write_shapefile(
        tmp_path / "zd.shp", _squares(2), _PARCEL_FIELDS,
        [["甲纺织有限公司", "工业用地", "10000.00", "斗门街道"],
         ["乙机械有限公司", "工业用地", "10000.00", "马山街道"]],
        prj=PRJ, cpg="GBK",
    )  # fmt: skip


def test_a_parcel_layer_without_its_id_column_is_refused_as_screen_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """权利人, 土地用途, 宗地面积 and 镇街 without 宗地代码. Before: read as a township layer
    (its 镇街 column), exit 0; then ``landgov screen -p`` stopped with 「找不到必填字段
    「宗地代码」」. Now inspect stops with the same message, from the same reader."""
    path = _parcels_without_id(tmp_path)
    with pytest.raises(SchemaError, match="找不到必填字段「宗地代码」"):
        inspect_file(path)
    code, text = main_here(["inspect", path], capsys)
    assert code == 2 and "找不到必填字段「宗地代码」" in text and "--alias parcel_id=" in text, text


def test_a_township_layer_with_an_area_column_is_still_a_township_layer(tmp_path: Path) -> None:
    """One column a parcel layer also has (an area) beside 镇街 does not make it parcels."""
    path = write_shapefile(
        tmp_path / "zj.shp", _squares(2), [("镇街", 20), ("宗地面积", 12, 2)],
        [["斗门街道", "1000000.00"], ["马山街道", "2000000.00"]], prj=PRJ, cpg="GBK",
    )  # fmt: skip
    assert inspect_file(path)["kind"] == "townships"


def test_a_sliver_parcel_is_a_problem_in_inspect_as_in_screen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 0.5 m × 0.5 m plot: the run sets its area aside (plausible.area_min_m2, 错误). Before:
    inspect said 「问题：0 条」. Now the same row, from the same check."""
    shapes = [box(556_000, 3_320_000, 556_000.5, 3_320_000.5), *_squares(2)[1:]]
    path = write_shapefile(
        tmp_path / "zd.shp", shapes, [("宗地代码", 20), ("宗地面积", 12, 2)],
        [["330602001001GB00001", "0.25"], ["330602001001GB00002", "10000.00"]],
        prj=PRJ, cpg="GBK",
    )  # fmt: skip
    report = inspect_file(path)
    said = [p for p in report["problems"] if "小于合理下限" in p["problem"]]
    assert said and {p["row"] for p in said} == {1} and said[0]["severity"] == "错误", report
    checked = inspect_file(path, as_of="2026-06-30")["checked_with"]
    assert checked == {"profile": "yuecheng-2022", "as_of": "2026-06-30"}
    code, text = main_here(["inspect", path, "--as-of", "2026-06-30"], capsys)
    assert code == 0 and "小于合理下限 1 平方米" in text and "问题：0 条" not in text, text
    assert "数据合理性检查" in text, text


def test_inspect_names_deleted_records_and_overflowed_cells(tmp_path: Path) -> None:
    """Both are said by the reader inspect shares with the run: a deleted record rejected with
    its row, a ``*******`` cell set to missing."""
    records = [["330602001001GB00001", "*******"], ["330602001001GB00002", "10000.00"]]
    path = write_shapefile(
        tmp_path / "zd.shp", _squares(2), [("宗地代码", 20), ("宗地面积", 12, 2)], records,
        prj=PRJ, cpg="GBK",
    )  # fmt: skip
    dbf = path.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    header_len, record_len = (
        int.from_bytes(data[8:10], "little"),
        int.from_bytes(data[10:12], "little"),
    )
    data[header_len + record_len] = ord("*")  # record 2 flagged deleted
    dbf.write_bytes(bytes(data))
    report = inspect_file(path)
    texts = {(p["row"], p["problem"][:8]) for p in report["problems"]}
    assert (1, "数值超出字段宽度") in texts and report["rows_rejected"] == 1, report["problems"]
    assert any(p["row"] == 2 and "已标记删除" in p["problem"] for p in report["problems"])
