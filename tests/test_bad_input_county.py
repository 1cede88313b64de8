"""County files as they really come: short 镇街 names on the command line, formulas in the
台账 and the 认定 workbooks, and the odd files of a county's own folders.

Each case builds its input in ``tmp_path`` (or on a copy of a small generated sample); every
row read is kept, flagged or rejected with a reason, and every failure is one 「错误：」 line
(exit 2), never a traceback.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from landgov.core.editable import EDIT_MARK
from landgov.core.problems import ProblemLog
from landgov.core.townnames import resolve_township
from landgov.errors import InputError
from landgov.ledger import init_ledger, update_ledger, write_ledger
from landgov.ledger._book import read_history
from landgov.reports.packet import unapplied
from landgov.run.far import run_far
from landgov.run.far_overrides import (
    CONDITION_LAYOUT,
    SHORT,
    read_condition_overrides,
    write_condition_overrides,
)
from landgov.run.files import RunInputs
from landgov.run.overrides import LAYOUT, read_overrides, write_overrides
from landgov.run.results import read_screening
from landgov.sample import generate
from tests._cli import assert_clean_error, run_cli
from tests._runs import fake_run

DAY = dt.date(2026, 7, 20)
RECORD = {
    "理由": "联席会议认定",
    "认定人": "张三",
    "认定日期": DAY,
    "文件依据": "越城会纪〔2026〕3号",
}
UNCOMPUTED = '=VLOOKUP("张三",人员!A:B,2,FALSE)'  # written by a script: no stored result


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    generate(folder, n_parcels=150, seed=11)
    return folder


def _far_args(sample: Path) -> list[str | Path]:
    return [
        "far", "-p", sample / "parcels.shp", "-e", sample / "enterprises.xlsx",
        "-l", sample / "links.xlsx", "-a", sample / "applications.xlsx",
        "--as-of", "2026-06-30", "-q",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def far_run(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    inputs = RunInputs(
        parcels=sample / "parcels.shp", enterprises=sample / "enterprises.xlsx",
        links=sample / "links.xlsx", applications=sample / "applications.xlsx",
    )  # fmt: skip
    out = tmp_path_factory.mktemp("far") / "run"
    return out, run_far(inputs, profile="yuecheng-2022", as_of="2026-06-30", out_dir=out,
                        forms="none")  # fmt: skip


# ----------------------------------------------------------------------------------------------
# --township 斗门: the county's one full name with that short form


def test_township_option_short_name_takes_the_one_full_name(sample, far_run, tmp_path):
    _, run = far_run
    # the 摸排候选 rows of sheet 增容审查: not 不可申报, and no application on the plot (one
    # plot, one form: an applied plot has the application's form only)
    screened = run.screened[unapplied(run.screened, run.applications)]
    towns = screened.loc[screened["zengrong"].isin(["可申报", "待核实"]), "township"]
    full = towns.value_counts().index[0]  # e.g. 斗门街道, with candidates
    short = full.removesuffix("街道").removesuffix("镇")
    out = tmp_path / "out"
    result = run_cli(*_far_args(sample), "--forms", "candidates", "--township", short, "-o", out)
    assert result.returncode == 0, result.stdout + result.stderr
    forms = list((out / "初审表" / "摸排候选").rglob("*.docx"))
    assert len(forms) == int((towns == full).sum()) > 0
    assert {f.parent.name for f in forms} == {full}


def test_township_option_naming_nothing_is_an_error_not_zero_forms(sample, tmp_path):
    out = tmp_path / "out"
    result = run_cli(*_far_args(sample), "--forms", "candidates", "--township", "西湖", "-o", out)
    text = assert_clean_error(result, contains="没有镇街「西湖」")
    assert "斗门街道" in text and "--township" in text
    assert not out.exists()


@pytest.mark.parametrize("command", ["map", "packet"])
def test_map_or_packet_of_a_far_only_run_says_what_to_give(far_run, command):
    """A folder of ``landgov far`` alone has no screening layers: the refusal said 「没有
    parcels 图层」 and nothing about what to give instead."""
    folder, _ = far_run
    text = assert_clean_error(run_cli(command, folder), contains="没有 parcels 图层")
    assert "处理：给出 landgov screen（或 screen --far）的结果目录" in text, text


def test_township_rule_short_long_and_ambiguous() -> None:
    names = ["斗门街道", "马山", "孙端镇", "陶堰镇", "陶堰街道"]
    assert resolve_township("斗门", names) == "斗门街道"
    assert resolve_township("斗门街道", names) == "斗门街道"
    assert resolve_township("马山镇", names) == "马山"  # the files wrote it short only
    assert resolve_township(" 孙端镇 ", names) == "孙端镇"
    with pytest.raises(InputError, match="可能是「陶堰街道」、「陶堰镇」中的任一个"):
        resolve_township("陶堰", names)
    with pytest.raises(InputError, match="没有镇街「斗门镇」"):
        resolve_township("斗门镇", names)  # another full name is another township


# ----------------------------------------------------------------------------------------------
# formulas in the 台账's 状态变更记录


def test_ledger_history_formula_without_result_is_kept_and_said(tmp_path):
    run = fake_run(tmp_path / "run", [{"parcel_id": "P001"}, {"parcel_id": "P002"}],
                   as_of="2026-06-30")  # fmt: skip
    book = write_ledger(init_ledger(read_screening(run), as_of=dt.date(2026, 7, 1)),
                        tmp_path / "台账.xlsx")  # fmt: skip
    wb = load_workbook(book)
    ws = wb["状态变更记录"]
    ws["A2"] = '=CONCATENATE("P","001")'  # 宗地代码 of P001's entry, no stored result
    ws["D3"] = '=IF(TRUE,"推进中","")'  # 新状态 of P002's entry
    wb.save(book)
    log = ProblemLog(book.name)
    history = read_history(book, log)
    assert history["宗地代码"].tolist() == ['=CONCATENATE("P","001")', "P002"]
    assert history["新状态"].tolist() == ["未启动", '=IF(TRUE,"推进中","")']
    problems = log.frame()
    said = problems[problems["problem"].str.contains("没有其计算结果")]
    assert sorted(zip(said["row"], said["field"], strict=True)) == [(2, "宗地代码"), (3, "新状态")]
    # written back as text, never a live formula
    ledger = update_ledger(book, None, as_of=dt.date(2027, 7, 1))
    write_ledger(ledger, book)
    cells = [c for row in load_workbook(book)["状态变更记录"].iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)


def test_ledger_history_formula_with_result_gives_the_result(tmp_path):
    run = fake_run(tmp_path / "run", [{"parcel_id": "P001"}], as_of="2026-06-30")
    book = write_ledger(init_ledger(read_screening(run), as_of=dt.date(2026, 7, 1)),
                        tmp_path / "台账.xlsx")  # fmt: skip
    _with_cached_value(book, "状态变更记录", "D2", '=IF(TRUE,"未启动","")', "未启动")
    log = ProblemLog(book.name)
    history = read_history(book, log)
    assert history["新状态"].tolist() == ["未启动"] and log.frame().empty


def test_ledger_key_formula_without_result_is_said_as_a_formula_not_a_blank(tmp_path):
    run = fake_run(tmp_path / "run", [{"parcel_id": "P001"}, {"parcel_id": "P002"}],
                   as_of="2026-06-30")  # fmt: skip
    book = write_ledger(init_ledger(read_screening(run), as_of=dt.date(2026, 7, 1)),
                        tmp_path / "台账.xlsx")  # fmt: skip
    wb = load_workbook(book)
    wb["治理台账"]["A3"] = '=CONCATENATE("P","002")'  # P002's 宗地代码, no stored result
    wb.save(book)
    ledger = update_ledger(book, None, as_of=dt.date(2027, 7, 1))
    text = " ".join(ledger.problems["problem"])
    assert '「宗地代码」所填为公式「=CONCATENATE("P","002")」，文件中没有其计算结果' in text
    assert "该行有内容但「宗地代码」为空" not in text
    unmerged = ledger.unmerged
    assert unmerged["宗地代码"].tolist() == ['=CONCATENATE("P","002")']
    assert unmerged["原因"].tolist() == ["宗地代码为公式且文件中没有其计算结果，未合并"]
    write_ledger(ledger, book)
    cells = [c for row in load_workbook(book)["未合并的行"].iter_rows() for c in row]
    assert '=CONCATENATE("P","002")' in [c.value for c in cells]
    assert not any(c.data_type == "f" for c in cells)


def _with_cached_value(book: Path, sheet: str, ref: str, formula: str, value: str) -> None:
    """Make ``ref`` a formula cell with a stored string result, as Excel saves it."""
    import re

    from tests._hostile_xlsx import edit_sheet_xml

    def edit(xml: str) -> str:
        cell = re.search(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', xml, re.S)
        assert cell is not None
        f = formula.lstrip("=").replace("&", "&amp;").replace('"', "&quot;")
        new = f'<c r="{ref}" t="str"><f>{f}</f><v>{value}</v></c>'
        return xml[: cell.start()] + new + xml[cell.end() :]

    edit_sheet_xml(book, sheet, edit)


# ----------------------------------------------------------------------------------------------
# 认定人 an uncomputed formula: no known 认定人, the decision is not applied


def _fill(book: Path, sheet: str, key_col: str, edits: dict[str, dict[str, object]]) -> None:
    wb = load_workbook(book)
    ws = wb[sheet]
    col = {str(c.value).replace(EDIT_MARK, ""): c.column for c in ws[1] if c.value}
    rows = {ws.cell(r, col[key_col]).value: r for r in range(2, ws.max_row + 1)}
    for key, values in edits.items():
        for name, value in values.items():
            ws.cell(rows[key], col[name]).value = value
    wb.save(book)


def test_override_whose_decider_is_an_uncomputed_formula_is_not_applied(tmp_path):
    run = fake_run(tmp_path / "run", [{"parcel_id": "P001"}, {"parcel_id": "P002"}],
                   as_of="2026-06-30")  # fmt: skip
    book = write_overrides(run, tmp_path / "认定.xlsx")
    _fill(book, LAYOUT.sheet, "宗地代码", {
        "P001": {"认定筛查结论": "不列入", **RECORD, "认定人": UNCOMPUTED},
        "P002": {"认定筛查结论": "不列入", **RECORD},
    })  # fmt: skip
    got = read_overrides(book)
    assert got.rows["宗地代码"].tolist() == ["P002"] and got.rejected == 1
    text = " ".join(got.problems["problem"])
    assert "没有其计算结果" in text and "人工认定缺少认定人，未采用" in text


def test_far_override_whose_decider_is_an_uncomputed_formula_is_not_applied(far_run, tmp_path):
    folder, run = far_run
    apps = run.applications
    app = str(apps["application_id"].iloc[0])
    book = write_condition_overrides(folder, tmp_path / "增容认定.xlsx")
    keys = [f"{app}|{SHORT[c]}" for c in list(SHORT)[:2]]
    _fill(book, CONDITION_LAYOUT.sheet, "认定项", {
        keys[0]: {"认定结论": "符合", **RECORD, "认定人": UNCOMPUTED},
        keys[1]: {"认定结论": "符合", **RECORD},
    })  # fmt: skip
    got = read_condition_overrides(book)
    assert got.rows["认定项"].tolist() == [keys[1]] and got.rejected == 1
    assert "增容条件人工认定缺少认定人，未采用" in " ".join(got.problems["problem"])


# ----------------------------------------------------------------------------------------------
# a UTF-8 Shapefile (QGIS' default) with Chinese field names cut at the .dbf's 10 bytes

E0, N0 = 555_900.0, 3_320_200.0  # CGCS2000 GK CM 120E (EPSG:4549), Shaoxing


def _utf8_parcels(tmp_path: Path, *, cpg: str | None) -> Path:
    from pyproj import CRS
    from shapely.geometry import box

    from tests._shapefiles import write_shapefile

    fields = [("宗地代码", 19), ("权利人", 30), ("土地用途", 12), ("镇街", 12), ("宗地面积", 12)]
    records = [
        [f"330602001002GB{i + 1:05d}", f"测试纺织有限公司{i}", "工业用地", "斗门街道", "10000"]
        for i in range(3)
    ]
    geoms = [box(E0 + 100 * i, N0, E0 + 100 * i + 90, N0 + 90) for i in range(3)]
    shp = write_shapefile(tmp_path / "宗地.shp", geoms, fields, records, encoding="utf-8",
                          prj=CRS(4549), cpg=cpg)  # fmt: skip
    dbf = shp.with_suffix(".dbf").read_bytes()
    at = dbf.index("测试纺织有限公司2".encode())  # 30 bytes: 「测试纺织有限公司2」 + half of 厂
    value = "测试纺织有限公司2".encode() + "厂".encode()[:2]
    value += b" " * (30 - len(value))
    shp.with_suffix(".dbf").write_bytes(dbf[:at] + value + dbf[at + 30 :])
    return shp


@pytest.mark.parametrize("cpg", ["UTF-8", None])
def test_utf8_shapefile_with_cut_chinese_field_names_is_read(tmp_path, cpg):
    from landgov.io import read_parcels

    shp = _utf8_parcels(tmp_path, cpg=cpg)
    assert "宗地代码".encode() not in shp.with_suffix(".dbf").read_bytes()  # cut at 10 bytes
    res = read_parcels(shp)
    assert res.meta["encoding"]["name"] == "UTF-8"
    data = res.data
    assert data["parcel_id"].tolist() == [f"330602001002GB{i:05d}" for i in (1, 2, 3)]
    assert data["holder"].tolist() == [f"测试纺织有限公司{i}" for i in range(3)]  # cut 厂 dropped
    assert data["township"].tolist() == ["斗门街道"] * 3
    assert data["land_use"].tolist() == ["工业用地"] * 3
    assert data["area_declared_m2"].tolist() == [10000.0] * 3
    told = res.problems[res.problems["problem"].str.contains("被截断")]
    assert sorted(told["value"]) == ["土地用", "宗地代", "宗地面"]
    assert set(told["severity"]) == {"提示"}


def test_utf8_shapefile_with_cut_field_names_through_inspect(tmp_path):
    shp = _utf8_parcels(tmp_path, cpg="UTF-8")
    result = run_cli("inspect", shp)
    text = result.stdout + result.stderr
    assert result.returncode == 0, text
    assert "宗地代 → 宗地代码  [parcel_id]" in text and "无法读取图层" not in text


# ----------------------------------------------------------------------------------------------
# a GeoPackage whose first layer is an empty one (a template, a 说明 layer) before the data


def test_an_empty_first_layer_names_the_other_layers_and_the_option(tmp_path):
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import box

    plots = gpd.GeoDataFrame(
        {"宗地代码": ["330602001002GB00001"], "权利人": ["甲公司"]},
        geometry=[box(E0, N0, E0 + 90, N0 + 90)], crs=4549,
    )  # fmt: skip
    gpkg = tmp_path / "宗地.gpkg"
    pyogrio.write_dataframe(plots.iloc[:0], gpkg, layer="a_模板")
    pyogrio.write_dataframe(plots, gpkg, layer="宗地2024")
    assert next(n for n, _ in pyogrio.list_layers(gpkg)) == "a_模板"
    # both layers have 宗地代码, but the template has nothing to screen: the data is read, and
    # the warning names the template with its 0 rows and the option
    result = run_cli("inspect", gpkg)
    text = result.stdout + result.stderr
    assert result.returncode == 0 and "图层/工作表：宗地2024" in text, text
    assert "[警告] 文件 layer：" in text and "「a_模板」没有任何要素（0 行）" in text
    assert "--layer 图层名" in text
    result = run_cli("inspect", gpkg, "--layer", "宗地2024")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("second", ["plots", "demolition"])
def test_inspect_of_an_empty_first_layer_without_fields_reads_the_layer_that_fits(tmp_path, second):
    """An empty 「说明」 layer with no field of any kind before the data. Plots: the parcel
    reader reads the one layer with a 宗地代码 (the data). Demolition plans have no required
    field, so no layer is chosen by its fields: the empty first layer is met and refused, the
    layer hinted by name, as ``inspect`` takes it."""
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import box

    if second == "plots":
        data = gpd.GeoDataFrame(
            {"宗地代码": ["330602001002GB00001"], "权利人": ["甲公司"]},
            geometry=[box(E0, N0, E0 + 90, N0 + 90)], crs=4549,
        )  # fmt: skip
    else:
        data = gpd.GeoDataFrame(
            {"计划名称": ["2025年拆迁计划"], "计划年份": [2025]},
            geometry=[box(E0, N0, E0 + 90, N0 + 90)], crs=4549,
        )  # fmt: skip
    note = gpd.GeoDataFrame({"说明": ["x"]}, geometry=[box(E0, N0, E0 + 1, N0 + 1)], crs=4549)
    gpkg = tmp_path / "图层.gpkg"
    pyogrio.write_dataframe(note.iloc[:0], gpkg, layer="a_说明")
    pyogrio.write_dataframe(data, gpkg, layer="数据")
    if second == "plots":
        result = run_cli("inspect", gpkg)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "图层/工作表：数据" in result.stdout
    else:
        text = assert_clean_error(run_cli("inspect", gpkg), contains="中没有任何要素")
        assert "--layer 图层名" in text and "=图层名" not in text, text
    result = run_cli("inspect", gpkg, "--layer", "数据")
    assert result.returncode == 0, result.stdout + result.stderr


# ----------------------------------------------------------------------------------------------
# a layer still in 西安80 or 北京54 beside parcels in CGCS2000 (or the reverse)
#
# Older 规划 and 拆迁 layers of a county are often still in the 1980 西安 or 1954 北京 datum.
# PROJ knows no transformation from either to CGCS2000 with published parameters: it only
# "ballparks" them (the same latitude and longitude, another ellipsoid), which moves a 越城
# point by about 1.5 m, while the real offset between the datums is tens of metres. Overlaid
# so, each plot's 规划用途 share and 拆迁计划 overlap would be computed against a shifted
# layer with nothing said. A layer whose datum differs from the parcels' in this way stops the
# run naming both files and their datums; layers all in one datum, or in CGCS2000 and WGS 84
# (under a metre apart), are read as before.

XIAN80_CM120, BEIJING54_CM120 = 2385, 2437  # 3° GK CM 120E, no zone prefix, like EPSG:4549


def _datum_copy(sample: Path, tmp_path: Path, prj: dict[str, int]) -> Path:
    """A copy of the sample county whose layers named in ``prj`` declare another EPSG code
    (the coordinates are left as they are: what a .prj of an older export says)."""
    import shutil

    from pyproj import CRS

    folder = tmp_path / "县"
    shutil.copytree(sample, folder)
    for stem, epsg in prj.items():
        text = CRS.from_epsg(epsg).to_wkt("WKT1_ESRI")
        (folder / f"{stem}.prj").write_text(text, encoding="ascii")
    return folder


def _layer_reads(folder: Path, roles: tuple[str, ...]) -> dict:
    from landgov.io import read_parcels
    from landgov.io.layers import read_demolition, read_planning, read_townships, read_zones

    readers = {
        "planning": read_planning, "demolition": read_demolition,
        "townships": read_townships, "special_zones": read_zones,
    }  # fmt: skip
    reads = {"parcels": read_parcels(folder / "parcels.shp")}
    reads.update({role: readers[role](folder / f"{role}.shp") for role in roles})
    return reads


@pytest.mark.parametrize(
    ("role", "epsg", "datum"),
    [("planning", XIAN80_CM120, "西安80"), ("demolition", BEIJING54_CM120, "北京54")],
)
def test_a_layer_in_an_older_datum_beside_cgcs2000_parcels_is_refused(
    sample, tmp_path, role, epsg, datum
):
    from landgov.core.plausible import check_reads
    from landgov.errors import CRSError
    from landgov.policy import load_profile

    folder = _datum_copy(sample, tmp_path, {role: epsg})
    reads = _layer_reads(folder, (role,))
    assert reads[role].data.crs.to_epsg() == epsg  # the reader honours the .prj as before
    names = {"parcels": "parcels.shp", role: f"{role}.shp"}
    with pytest.raises(CRSError) as err:
        check_reads(reads, profile=load_profile("yuecheng-2022"), as_of=DAY, sources=names)
    text = str(err.value)
    assert f"{role}.shp" in text and "parcels.shp" in text, text
    assert datum in text and "CGCS2000" in text, text
    assert "转换参数" in text and "重新导出" in text, text  # what to do


def test_parcels_in_xian80_beside_a_cgcs2000_layer_are_refused(sample, tmp_path):
    from landgov.core.plausible import check_reads
    from landgov.errors import CRSError
    from landgov.policy import load_profile

    folder = _datum_copy(sample, tmp_path, {"parcels": XIAN80_CM120})
    reads = _layer_reads(folder, ("townships",))
    with pytest.raises(CRSError) as err:
        check_reads(reads, profile=load_profile("yuecheng-2022"), as_of=DAY)
    text = str(err.value)
    assert "townships.shp" in text and "西安80" in text and "parcels.shp" in text, text


def test_every_layer_in_xian80_is_read_as_one_datum(sample, tmp_path):
    """All in 西安80: the layers agree with each other; nothing is refused, no row lost."""
    from landgov.core.plausible import check_reads
    from landgov.policy import load_profile

    roles = ("planning", "demolition", "townships", "special_zones")
    folder = _datum_copy(sample, tmp_path, dict.fromkeys(("parcels", *roles), XIAN80_CM120))
    reads = _layer_reads(folder, roles)
    checked = check_reads(reads, profile=load_profile("yuecheng-2022"), as_of=DAY).reads
    rows = {role: len(res.data) for role, res in reads.items()}
    assert {role: len(res.data) for role, res in checked.items()} == rows


def test_a_wgs84_layer_beside_cgcs2000_parcels_is_still_overlaid(sample):
    """WGS 84 and CGCS2000 are both tied to the ITRF and lie under a metre apart: a planning
    layer exported in WGS 84 degrees is read as before."""
    from landgov.core.plausible import check_reads
    from landgov.policy import load_profile

    reads = _layer_reads(sample, ("planning",))
    res = reads["planning"]
    reads["planning"] = type(res)(res.data.to_crs(4326), res.rejected, res.problems, res.meta)
    checked = check_reads(reads, profile=load_profile("yuecheng-2022"), as_of=DAY).reads
    assert len(checked["planning"].data) == len(res.data)


def test_a_xian80_planning_layer_stops_the_screen_with_a_clean_error(sample, tmp_path):
    folder = _datum_copy(sample, tmp_path, {"planning": XIAN80_CM120})
    out = tmp_path / "结果"
    result = run_cli(
        "screen", "-p", folder / "parcels.shp", "-e", folder / "enterprises.xlsx",
        "-l", folder / "links.xlsx", "-g", folder / "planning.shp",
        "--as-of", "2026-06-30", "-o", out, "-q",
    )  # fmt: skip
    text = assert_clean_error(result, contains="planning.shp")
    assert "西安80" in text and not out.exists(), text


def test_a_height_raster_in_xian80_beside_cgcs2000_parcels_is_refused(sample, tmp_path):
    """The building-height raster of an older survey, tagged 西安80: its cells would be read
    tens of metres off each plot (no published transformation), and each plot's floor area
    and 容积率 with them. Refused naming the raster and both datums."""
    import numpy as np
    import rasterio

    from landgov.errors import CRSError
    from landgov.far.ratio import compute_far
    from landgov.io import read_parcels
    from landgov.policy import load_profile

    with rasterio.open(sample / "height.tif") as src:
        profile, cells = src.profile.copy(), src.read(1)
    profile["crs"] = rasterio.crs.CRS.from_epsg(XIAN80_CM120)
    raster = tmp_path / "高度西安80.tif"
    with rasterio.open(raster, "w", **profile) as dst:
        dst.write(cells, 1)
    plots = read_parcels(sample / "parcels.shp").data
    plots = plots.assign(floor_area_m2=np.nan, far_declared=np.nan)  # the raster is their source
    with pytest.raises(CRSError) as err:
        compute_far(plots, profile=load_profile("yuecheng-2022"), height_raster=raster)
    text = str(err.value)
    assert "高度西安80.tif" in text and "西安80" in text and "CGCS2000" in text, text


# ----------------------------------------------------------------------------------------------
# a parcel layer in degrees whose .prj declares a projected zone


def test_degrees_under_a_projected_prj_are_named_as_the_degrees_seen(tmp_path):
    """Two 0.0008° squares at 120.58°E, 30.00°N under a .prj of EPSG:4549: read in CGCS2000
    degrees and said. The warning named the centre 「(121, 30)」 — the degrees rounded to whole
    numbers, a place 40 km away — instead of the coordinates in the file."""
    from pyproj import CRS
    from shapely.geometry import box

    from landgov.io import read_parcels
    from tests._shapefiles import write_shapefile

    fields = [("宗地代码", 19), ("权利人", 30)]
    records = [[f"330602001002GB{i + 1:05d}", f"测试纺织有限公司{i}"] for i in range(2)]
    geoms = [box(120.58 + 0.001 * i, 30.0, 120.5808 + 0.001 * i, 30.0008) for i in range(2)]
    shp = write_shapefile(tmp_path / "宗地.shp", geoms, fields, records, prj=CRS(4549))
    res = read_parcels(shp)
    assert len(res.data) == 2 and res.rejected.empty
    assert res.meta["crs"]["source"] == "corrected"
    said = " ".join(res.problems["problem"])
    # centre of the bounds: x = (120.58 + 120.5818) / 2 = 120.5809, y = 30.0004
    assert "(120.58090, 30.00040)" in said and "(121, 30)" not in said, said


# ----------------------------------------------------------------------------------------------
# 小计 rows per 镇街 under the 镇街's name: 「斗门街道小计」「马山镇 合计」「袍江开发区（小计）」

# four real Zhejiang codes of shared/testdata/uscc/zhejiang_valid.txt (copied: the tests run
# where that folder is not beside the repository; test_bad_input_firms checks the copy)
ZJ = ("91330100470102706G", "913304007429141869", "91330100799655058B", "91330106MAEUDLLYXY")


@pytest.mark.parametrize(
    "labels",
    [
        ("斗门街道小计", "马山镇 合计", "袍江开发区（小计）"),
        ("小计：斗门街道", "马山镇合计：", "袍江开发区 小计"),
    ],
)
def test_subtotal_rows_named_after_their_township_are_no_enterprises(tmp_path, labels):
    """Four firms under three 小计 rows and one 合计 (营业收入, 万元): 斗门 100 + 150 = 250,
    马山 200, 袍江 46.5; 合计 100 + 150 + 200 + 46.5 = 496.5. The 小计 rows were read as three
    enterprises without a code (their 营业收入 counted twice in the 合计 check: 993 ≠ 496.5);
    now they are rejected as 小计 rows and the 合计 agrees with the four firms."""
    from openpyxl import Workbook

    from landgov.io import read_enterprises

    codes = list(ZJ)
    wb = Workbook()
    ws = wb.active
    ws.append(["越城区2024年度工业企业亩均效益数据表"])
    ws.merge_cells("A1:F1")
    ws.append(["序号", "统一社会信用代码", "企业名称", "镇街", "营业收入（万元）", "用地（亩）"])
    ws.append([1, codes[0], "甲纺织有限公司", "斗门街道", 100, 10])
    ws.append([2, codes[1], "乙印染有限公司", "斗门街道", 150, 12])
    ws.append([None, None, labels[0], None, 250, 22])
    ws.append([3, codes[2], "丙机械有限公司", "马山镇", 200, 15])
    ws.append([None, None, labels[1], None, 200, 15])
    ws.append([4, codes[3], "丁化纤有限公司", "袍江开发区", 46.5, 5])
    ws.append([None, None, labels[2], None, 46.5, 5])
    ws.append(["合计", None, None, None, 496.5, 42])
    path = tmp_path / "亩均效益.xlsx"
    wb.save(path)
    res = read_enterprises(path)
    assert res.data["uscc"].tolist() == codes
    assert len(res.data) + len(res.rejected) == 8  # every row under the header accounted for
    assert res.rejected["source_row"].tolist() == [5, 7, 9, 10]
    assert set(res.rejected["reject_reason"]) == {"合计/小计行，不作为数据读取"}
    said = res.problems["problem"].astype(str)
    # the 合计 (row 10) is compared with the four firms and agrees: nothing said of it
    unwanted = "合计行与明细行之和不一致|不能确定|统一社会信用代码缺失"
    assert not said.str.contains(unwanted).any(), said
