"""Missing or ambiguous input is named, never guessed (issue 8 item 6).

Blank codes, codes that differ only by case/blanks/full-width characters, two equally good
worksheets, formula cells without a stored result, and points or lines where polygons are
required. Every case builds its tiny file here and checks the problem text (or the 「错误：」
line), and that every row read ends up in ``data`` or ``rejected``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook
from shapely.geometry import GeometryCollection, LineString, Point, box

from landgov.core.problems import ReadResult
from landgov.errors import DataFileError, GeometryError, SchemaError
from landgov.ids import normalize_code, uscc_check_char
from landgov.io import (
    read_applications,
    read_buildings,
    read_compliance,
    read_demolition,
    read_enterprises,
    read_links,
    read_parcels,
    read_planning,
    read_townships,
    read_zones,
)
from landgov.io.sheets import chosen_sheets, parse_sheet_choices
from landgov.link import link_parcels
from landgov.policy import load_profile
from tests._cli import assert_clean_error, run_cli

E0, N0 = 555_900.0, 3_320_200.0  # CGCS2000 GK CM 120E (EPSG:4549), Shaoxing
P1 = "330602001002GB00001"
P2 = "330602001002GB00002"
FULL = str.maketrans({**{str(i): chr(0xFF10 + i) for i in range(10)}, "G": "Ｇ", "B": "Ｂ"})


def _uscc(body: str) -> str:
    return body + uscc_check_char(body)


U1 = _uscc("91330602MA2BCDE01")
U2 = _uscc("91330602MA2BCDE02")


def _accounted(result: ReadResult, rows: int) -> None:
    """Rows in = rows out + rejected, and every rejected row says why."""
    assert len(result.data) + len(result.rejected) == rows == result.rows_in
    if len(result.rejected):
        assert result.rejected["reject_reason"].notna().all()


def _problems(result: ReadResult, text: str) -> pd.DataFrame:
    return result.problems[result.problems["problem"].str.contains(text, regex=False)]


def _boxes(n: int) -> list:
    return [box(E0 + i * 100, N0, E0 + (i + 1) * 100, N0 + 100) for i in range(n)]


def _gpkg(path: Path, columns: dict[str, list], geoms: list) -> Path:
    gpd.GeoDataFrame(columns, geometry=geoms, crs=4549).to_file(path, driver="GPKG")
    return path


def _xlsx(path: Path, rows: list[list[object]], *, title: str = "Sheet1") -> Path:
    wb = Workbook()
    wb.active.title = title
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def _no_nan_code(*frames: pd.DataFrame, column: str = "parcel_id") -> None:
    for frame in frames:
        values = [str(v).casefold() for v in frame[column] if v is not None and not pd.isna(v)]
        assert "nan" not in values and "none" not in values and "" not in values


# --- blank codes ------------------------------------------------------------------------------

BLANKS = ["", " ", None]  # None: a NULL field (NaN once read) / an empty Excel cell


def test_blank_parcel_codes_are_rejected_not_called_nan(tmp_path: Path) -> None:
    path = _gpkg(tmp_path / "p.gpkg", {"宗地代码": [P1, *BLANKS, "\u3000"]}, _boxes(5))
    res = read_parcels(path)
    _accounted(res, 5)
    assert res.data["parcel_id"].tolist() == [P1]
    assert res.rejected["reject_reason"].tolist() == ["宗地代码缺失"] * 4
    assert res.rejected["source_row"].tolist() == [2, 3, 4, 5]
    assert _problems(res, "宗地代码缺失")["row"].tolist() == [2, 3, 4, 5]
    _no_nan_code(res.data)


def test_blank_parcel_codes_in_a_shapefile(tmp_path: Path) -> None:
    path = tmp_path / "p.shp"
    frame = gpd.GeoDataFrame({"ZDDM": [P1, "", " "]}, geometry=_boxes(3), crs=4549)
    frame.to_file(path, encoding="UTF-8")
    res = read_parcels(path)
    _accounted(res, 3)
    assert res.rejected["reject_reason"].tolist() == ["宗地代码缺失"] * 2


@pytest.mark.parametrize("blank", BLANKS)
def test_blank_codes_in_links_are_rejected_by_name(tmp_path: Path, blank: object) -> None:
    rows = [["宗地代码", "统一社会信用代码", "关系"], [P1, U1, "自有"], [blank, U2, "租用"]]
    rows.append([P2, blank, "自有"])
    res = read_links(_xlsx(tmp_path / "l.xlsx", rows))
    _accounted(res, 3)
    reasons = res.rejected.set_index("source_row")["reject_reason"]
    assert reasons.to_dict() == {3: "宗地代码缺失，无法建立关联"}
    # a link without a code still says a firm uses P2: kept, said, and its figures unknown
    # (the plot's totals are then missing, never the other firms' alone: landgov.link)
    assert res.data["source_row"].tolist() == [2, 4]
    said = res.problems[res.problems["row"] == 4]
    assert said["problem"].str.startswith("统一社会信用代码缺失，无法与企业表关联").any()
    _no_nan_code(res.data)


@pytest.mark.parametrize("blank", ["", " "])
def test_blank_parcel_code_in_applications_is_rejected(tmp_path: Path, blank: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        f"申请编号,宗地代码,统一社会信用代码\nSQ-1,{P1},{U1}\nSQ-2,{blank},{U2}\nSQ-3,nan,{U2}\n",
        encoding="utf-8",
    )
    res = read_applications(path)
    _accounted(res, 3)
    assert res.data["application_id"].tolist() == ["SQ-1"]
    assert res.rejected["reject_reason"].tolist() == ["宗地代码缺失"] * 2
    _no_nan_code(res.data)


def test_compliance_record_without_any_code_is_rejected(tmp_path: Path) -> None:
    rows = [["统一社会信用代码", "宗地代码", "问题类别"], [None, " ", "环保"], [" ", P1, "安全"]]
    res = read_compliance(_xlsx(tmp_path / "c.xlsx", rows))
    _accounted(res, 2)
    assert "既无统一社会信用代码也无宗地代码" in res.rejected["reject_reason"].iat[0]
    assert res.data["parcel_id"].tolist() == [P1]
    assert res.data["uscc"].isna().all()


def test_a_compliance_record_matching_no_parcel_names_its_row_and_no_nan(
    tmp_path: Path,
) -> None:
    """The record on Excel row 3 (uscc of no linked enterprise, 宗地代码 blank) is said on
    row 3, its blank code as 「（空）」, never 「nan」; a blank value elsewhere stays blank."""
    from landgov.core.problems import ProblemLog
    from landgov.screening._screen import _problems as screening_problems

    rows = [["统一社会信用代码", "宗地代码", "问题类别"], [U1, P1, "环保"], [U2, None, "安全"]]
    compliance = read_compliance(_xlsx(tmp_path / "c.xlsx", rows)).data
    parcels = gpd.GeoDataFrame({"parcel_id": [P1], "main_uscc": [U1]}, geometry=_boxes(1))
    links = pd.DataFrame({"parcel_id": [P1], "uscc": [U1]})
    from landgov.policy import load_profile

    profile = load_profile("yuecheng-2022")
    problems = screening_problems(parcels, pd.DataFrame({"uscc": [U1]}), links, compliance, profile)
    orphan = problems[problems["problem"] == "违法违规记录无法对应到任何宗地"]
    assert orphan[["row", "value"]].values.tolist() == [[3, f"（空） / {U2}"]]

    log = ProblemLog("企业.xlsx")
    for blank in (None, float("nan"), pd.NA, pd.NaT):
        log.add("统一社会信用代码缺失", value=blank)
    log.add("所见值", value="无")
    values = log.frame()["value"]
    assert values.isna().tolist() == [True, True, True, True, False]
    assert values.iloc[-1] == "无"


def test_a_violation_with_a_stale_parcel_code_counts_for_its_enterprise_and_is_said(
    tmp_path: Path,
) -> None:
    """Row 2: a major, unrectified 环保 record of the plot's enterprise U1 whose 宗地代码 is not in
    the layer (renumbered or mistyped). It was filed under that code, reached no plot and the
    plot read 「无违法违规记录」 with no problem row; it now counts for U1's plot, with a 提示.
    Row 3 (U2, on no plot, no 宗地代码) reaches nothing: a 警告 naming the compliance file."""
    from landgov.screening import screen

    gone = "330602001002GB09999"
    rows = [
        ["统一社会信用代码", "宗地代码", "问题类别", "严重程度", "记录日期", "整改情况"],
        [U1, gone, "环保", "重大", "2026-03-01", "未整改"],
        [U2, None, "安全", "重大", "2026-03-01", "未整改"],
    ]
    compliance = read_compliance(_xlsx(tmp_path / "c.xlsx", rows)).data
    parcels = gpd.GeoDataFrame(
        {"parcel_id": [P1], "main_uscc": [U1], "usccs": [U1]}, geometry=_boxes(1), crs=4549
    )
    links = pd.DataFrame({"parcel_id": [P1], "uscc": [U1]})
    result = screen(
        parcels, enterprises=pd.DataFrame({"uscc": [U1]}), pairs=links, compliance=compliance,
        profile=load_profile("yuecheng-2022"), as_of="2026-06-30",
    )  # fmt: skip
    verdict = result.checks["violation"].iat[0]
    assert verdict.status.value == "不符合"
    assert "环保（重大" in verdict.reason
    told = result.problems[result.problems["row"].notna()]
    assert told[["source", "row", "severity"]].values.tolist() == [
        ["违法违规记录表", 2, "提示"],
        ["违法违规记录表", 3, "警告"],
    ]
    assert gone in told["problem"].iat[0] and U1 in told["problem"].iat[0]
    assert told["problem"].iat[1] == "违法违规记录无法对应到任何宗地"


def test_buildings_with_blank_codes_keep_no_code_not_nan(tmp_path: Path) -> None:
    path = _gpkg(tmp_path / "b.gpkg", {"ZDDM": [P1, "", None], "CS": [2, 3, 4]}, _boxes(3))
    res = read_buildings(path)
    _accounted(res, 3)
    assert res.data["parcel_id"].iat[0] == P1
    assert res.data["parcel_id"].iloc[1:].isna().all()  # placed by location, not joined on "nan"


# --- codes that differ only by case, blanks or full-width characters --------------------------


def test_normalize_code_is_the_one_form() -> None:
    variants = [P1, P1.lower(), f" {P1} ", f"{P1[:6]} {P1[6:]}", P1.translate(FULL)]
    assert {normalize_code(v) for v in variants} == {P1}
    assert normalize_code(float("nan")) == normalize_code(pd.NA) == normalize_code("nan") == ""


def test_zero_width_characters_and_excel_errors_in_usccs(tmp_path: Path) -> None:
    """A code pasted from a web page with a zero-width space is the code (an invisible 19th
    character is no reason to refuse it); 「#N/A」 of a VLOOKUP is said as an Excel error, not
    as a masked code."""
    rows = [
        ["统一社会信用代码", "企业名称", "税收（万元）"],
        [f"\u200b{U1}", "甲纺织有限公司", 1],
        [f"{U2}\ufeff", "乙机械有限公司", 2],
        ["#N/A", "丙化工有限公司", 3],
    ]
    res = read_enterprises(_xlsx(tmp_path / "e.xlsx", rows))
    _accounted(res, 3)
    assert res.data["uscc"].tolist()[:2] == [U1, U2]
    assert res.data["uscc_status"].tolist()[:2] == ["有效", "有效"]
    na = res.problems[(res.problems["row"] == 4) & (res.problems["severity"] == "错误")]
    assert na["problem"].str.contains("Excel 公式错误「#N/A」").all() and len(na) == 1
    assert not na["problem"].str.contains("脱敏").any()


def test_parcel_codes_differing_in_case_width_or_blanks_are_duplicates(tmp_path: Path) -> None:
    codes = [P1, P1.lower(), P1.translate(FULL), f"{P1[:6]} {P1[6:]}", P2]
    res = read_parcels(_gpkg(tmp_path / "p.gpkg", {"宗地代码": codes}, _boxes(5)))
    _accounted(res, 5)
    assert res.data["parcel_id"].tolist() == [P1, P2]
    # (the squares lie side by side: pieces of land apart, said so — tests/test_bad_input_county5)
    reasons = res.rejected["reject_reason"].tolist()
    assert [r.split("，")[0] for r in reasons] == ["宗地代码重复（与第 1 行相同）"] * 3
    changed = _problems(res, "代码已统一为半角大写")
    assert changed["row"].tolist() == [2, 3, 4]
    assert set(changed["severity"]) == {"提示"}


def test_enterprise_usccs_differing_in_case_or_width_are_duplicates(tmp_path: Path) -> None:
    rows = [["统一社会信用代码", "企业名称"], [U1, "甲"], [U1.lower(), "乙"]]
    rows.append([U1.translate(FULL), "丙"])
    res = read_enterprises(_xlsx(tmp_path / "e.xlsx", rows))
    _accounted(res, 3)
    assert res.data["uscc"].tolist() == [U1] * 3
    assert res.data["uscc_duplicate"].all()
    assert _problems(res, "与第 2 行重复")["row"].tolist() == [3, 4]  # Excel row 2 = first


def test_lower_case_and_full_width_link_codes_still_join(tmp_path: Path) -> None:
    parcels = read_parcels(_gpkg(tmp_path / "p.gpkg", {"宗地代码": [P1, P2]}, _boxes(2)))
    ents = read_enterprises(
        _xlsx(tmp_path / "e.xlsx", [["统一社会信用代码", "企业名称"], [U1, "甲"], [U2, "乙"]])
    )
    rows = [["宗地代码", "统一社会信用代码", "关系"], [P1.lower(), U1.lower(), "自有"]]
    rows.append([P2.translate(FULL), f" {U2[:9]} {U2[9:]} ", "自有"])
    links = read_links(_xlsx(tmp_path / "l.xlsx", rows))
    _accounted(links, 2)
    assert links.data["parcel_id"].tolist() == [P1, P2]
    linked = link_parcels(
        parcels.data, ents.data, links.data, profile=load_profile("zhejiang-2023")
    )
    pairs = sorted(zip(linked.pairs["parcel_id"], linked.pairs["uscc"], strict=True))
    assert pairs == [(P1, U1), (P2, U2)]
    assert len(linked.unmatched_links) == 0


# --- two sheets that match equally ------------------------------------------------------------


def _two_years(path: Path) -> Path:
    wb = Workbook()
    for i, (title, code) in enumerate([("2023年", U1), ("2024年", U2)]):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        ws.append(["统一社会信用代码", "企业名称", "税收（万元）"])
        ws.append([code, f"企业{title}", 10 + i])
    wb.save(path)
    return path


def test_equal_sheets_are_refused_and_listed(tmp_path: Path) -> None:
    path = _two_years(tmp_path / "e.xlsx")
    with pytest.raises(DataFileError) as err:
        read_enterprises(path)
    text = str(err.value)
    assert "2023年、2024年" in text and "--sheet enterprises=2024年" in text
    assert read_enterprises(path, sheet="2024年").data["uscc"].tolist() == [U2]
    with chosen_sheets({"enterprises": "2023年"}):
        res = read_enterprises(path)
    assert res.data["uscc"].tolist() == [U1] and res.meta["sheet_chosen_by"] == "参数 sheet"
    with chosen_sheets({"links": "2023年"}), pytest.raises(DataFileError):
        read_enterprises(path)  # a choice for another role does not apply


def test_one_best_sheet_is_read_and_said(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["企业名称"])
    ws = wb.create_sheet("数据")
    ws.append(["统一社会信用代码", "企业名称"])
    ws.append([U1, "甲"])
    wb.save(tmp_path / "e.xlsx")
    res = read_enterprises(tmp_path / "e.xlsx")
    note = _problems(res, "读取表头最符合的「数据」")
    assert note["severity"].tolist() == ["提示"] and "「说明」1 个" in note["problem"].iat[0]


def test_sheet_with_every_required_field_beats_one_naming_more_fields(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "汇总"
    wb.active.append(["企业名称", "税收", "营业收入", "用地面积"])  # no 统一社会信用代码
    ws = wb.create_sheet("名单")
    ws.append(["统一社会信用代码", "企业名称"])
    ws.append([U1, "甲"])
    wb.save(tmp_path / "e.xlsx")
    assert read_enterprises(tmp_path / "e.xlsx").meta["sheet"] == "名单"


def test_data_only_in_a_hidden_sheet_is_named_with_the_option_that_reads_it(
    tmp_path: Path,
) -> None:
    """The visible sheet is a note, the data is in a hidden sheet: the error names the sheet
    read and the hidden one, with --sheet for the role; that option then reads it."""
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表数据见另一工作表"])
    data = wb.create_sheet("亩均效益")
    data.append(["统一社会信用代码", "企业名称", "税收（万元）"])
    data.append([U1, "甲纺织有限公司", 1])
    data.sheet_state = "hidden"
    path = tmp_path / "企业.xlsx"
    wb.save(path)
    with pytest.raises(SchemaError) as info:
        read_enterprises(path)
    text = str(info.value)
    assert "工作表「说明」前 20 行中找不到表头" in text
    assert "另有隐藏的工作表「亩均效益」" in text and "--sheet enterprises=亩均效益" in text
    with chosen_sheets({"enterprises": "亩均效益"}):
        assert read_enterprises(path).data["uscc"].tolist() == [U1]


def test_sheet_choices_are_parsed_and_checked() -> None:
    roles = ("enterprises", "links")
    assert parse_sheet_choices(["enterprises=2024年"], roles=roles, allow_plain=False) == {
        "enterprises": "2024年"
    }
    assert parse_sheet_choices(["2024年"], roles=roles, allow_plain=True) == {"*": "2024年"}
    for bad, allow in [("2024年", False), ("parcels=x", True), ("links=", True)]:
        with pytest.raises(ValueError, match="「"):
            parse_sheet_choices([bad], roles=roles, allow_plain=allow)
    with pytest.raises(ValueError, match="两次"):
        parse_sheet_choices(["links=a", "links=b"], roles=roles, allow_plain=False)


def test_cli_inspect_refuses_equal_sheets_then_accepts_sheet(tmp_path: Path) -> None:
    path = _two_years(tmp_path / "e.xlsx")
    assert_clean_error(run_cli("inspect", path), contains="2023年、2024年")
    for choice in ("2024年", "enterprises=2024年"):
        done = run_cli("inspect", path, "--sheet", choice)  # kind detected: other readers too
        assert done.returncode == 0, done.stderr
        assert "工作表：2024年" in done.stdout and "Traceback" not in done.stderr


def test_cli_screen_refuses_equal_sheets_then_runs_with_sheet(tmp_path: Path) -> None:
    ents = _two_years(tmp_path / "e.xlsx")
    columns = {"宗地代码": [P1, P2], "权利人": ["企业2024年", "企业2023年"]}
    parcels = _gpkg(tmp_path / "p.gpkg", columns, _boxes(2))
    args = ["screen", "-p", parcels, "-e", ents, "-o", tmp_path / "out", "-q"]
    assert_clean_error(run_cli(*args), contains="--sheet enterprises=2024年")
    done = run_cli(*args, "--sheet", "enterprises=2024年")
    assert done.returncode == 0, done.stderr
    read = gpd.read_file(tmp_path / "out" / "landgov.gpkg", layer="enterprises")
    assert read["uscc"].tolist() == [U2]  # the 2024年 sheet, as named


def test_cli_screen_rejects_an_unknown_sheet_role(tmp_path: Path) -> None:
    path = _two_years(tmp_path / "e.xlsx")
    args = ["screen", "-p", path, "-e", path, "-o", tmp_path / "out", "--sheet", "企业=2024年"]
    result = run_cli(*args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "角色「企业」不存在" in result.stderr and "enterprises" in result.stderr


# --- formula cells ----------------------------------------------------------------------------


def _formula_book(path: Path) -> Path:
    """Row 2: a tax formula; row 3: a name formula; row 4: formulas only (no cached values)."""
    rows = [
        ["统一社会信用代码", "企业名称", "税收（万元）", "用地面积（亩）"],
        [U1, "甲", "=D2*2", 10],
        [U2, '="乙"&"公司"', 5, 20],
        ['=""', "=B3", "=C3", "=D3"],
    ]
    return _xlsx(path, rows, title="企业")


def test_formula_without_cached_value_is_reported_and_missing(tmp_path: Path) -> None:
    res = read_enterprises(_formula_book(tmp_path / "f.xlsx"))
    _accounted(res, 3)  # the formulas-only row is read (then rejected), not skipped as blank
    data = res.data.set_index("source_row")
    assert np.isnan(data.loc[2, "tax_wan"])  # missing, never 0
    assert pd.isna(data.loc[3, "name"])  # never the formula text as a name
    found = _problems(res, "公式单元格无计算结果：请在 Excel/WPS 中打开并保存后重试，或粘贴为数值")
    cells = {(r, f) for r, f in zip(found["row"], found["field"], strict=True)}
    assert {(2, "税收（万元）"), (3, "企业名称"), (4, "统一社会信用代码")} <= cells
    tax = found[found["row"] == 2]
    assert "工作表「企业」单元格 C2" in tax["problem"].iat[0]
    assert tax["value"].iat[0] == "=D2*2" and tax["severity"].iat[0] == "错误"
    assert res.rejected["source_row"].tolist() == [4]


def _with_cache(path: Path, cell: str, value: str) -> Path:
    """Store a computed result for ``cell`` as Excel/WPS would on saving."""
    out = path.with_name("cached.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                pattern = rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?'
                data, n = re.subn(pattern.encode(), rb"\1<v>" + value.encode() + b"</v>", data)
                assert n == 1
            dst.writestr(item, data)
    return out


def test_formula_with_cached_value_uses_the_value(tmp_path: Path) -> None:
    path = _with_cache(_formula_book(tmp_path / "f.xlsx"), "C2", "20")
    res = read_enterprises(path)
    assert res.data.set_index("source_row").loc[2, "tax_wan"] == 20.0
    found = _problems(res, "公式单元格无计算结果")
    assert 2 not in found["row"].tolist() and 3 in found["row"].tolist()


# --- points and lines where polygons are required ---------------------------------------------

LAYER_READERS = {
    "parcels": (read_parcels, {"宗地代码": [P1, P2]}),
    "planning": (read_planning, {"规划用途": ["工业用地", "工业用地"]}),
    "demolition": (read_demolition, {"计划名称": ["甲", "乙"]}),
    "zones": (read_zones, {"片区名称": ["马海片区", "马海片区"]}),
    "townships": (read_townships, {"镇街": ["斗门街道", "马山街道"]}),
}


def test_control_line_answers_as_clerks_write_them(tmp_path: Path) -> None:
    # 「无」 in a 是否控制线内 column is a blank, never 「线外」: the plot is 待核实, not flagged.
    answers = ["是", "内", "控制线内", "否", "外", "控制线外", "无", "", "待定"]
    expected = [True, True, True, False, False, False, None, None, None]
    columns = {"规划用途": ["工业用地"] * len(answers), "控制线内": answers}
    res = read_planning(_gpkg(tmp_path / "plan.gpkg", columns, _boxes(len(answers))))
    _accounted(res, len(answers))
    assert res.data.sort_values("source_row")["inside_control_line"].tolist() == expected


@pytest.mark.parametrize("role", LAYER_READERS)
def test_points_layer_is_a_file_error(tmp_path: Path, role: str) -> None:
    reader, columns = LAYER_READERS[role]
    points = [Point(E0 + 50, N0 + 50), Point(E0 + 150, N0 + 50)]
    with pytest.raises(GeometryError, match="全部是点或线"):
        reader(_gpkg(tmp_path / f"{role}.gpkg", columns, points))


def test_lines_shapefile_is_a_clean_cli_error(tmp_path: Path) -> None:
    path = tmp_path / "lines.shp"
    lines = [LineString([(E0, N0), (E0 + 100, N0)]), LineString([(E0, N0), (E0, N0 + 9)])]
    gpd.GeoDataFrame({"ZDDM": [P1, P2]}, geometry=lines, crs=4549).to_file(path)
    text = assert_clean_error(run_cli("inspect", path), contains="全部是点或线")
    assert "线（LineString） 2 个" in text


@pytest.mark.parametrize("role", LAYER_READERS)
def test_one_line_among_polygons_is_a_rejected_row(tmp_path: Path, role: str) -> None:
    reader, columns = LAYER_READERS[role]
    columns = {k: [*v, v[0]] for k, v in columns.items()}
    if role == "parcels":
        columns["宗地代码"][2] = "330602001002GB00003"
    geoms = [*_boxes(2), LineString([(E0, N0), (E0 + 300, N0 + 300)])]
    res = reader(_gpkg(tmp_path / f"{role}.gpkg", columns, geoms))
    _accounted(res, 3)
    assert res.rejected["source_row"].tolist() == [3]
    assert res.rejected["reject_reason"].tolist() == ["几何类型为线（LineString），不是面"]
    assert _problems(res, "该行未采用：几何类型为线（LineString），不是面")["row"].tolist() == [3]
    assert res.data["area_m2"].notna().all()


def test_geometry_collection_keeps_its_polygon_with_a_warning(tmp_path: Path) -> None:
    mixed = GeometryCollection([box(E0 + 200, N0, E0 + 300, N0 + 100), Point(E0 + 500, N0)])
    codes = [P1, P2, "330602001002GB00003"]
    res = read_parcels(_gpkg(tmp_path / "p.gpkg", {"宗地代码": codes}, [*_boxes(2), mixed]))
    _accounted(res, 3)
    kept = res.data.set_index("source_row")
    assert kept.loc[3, "geometry"].geom_type == "Polygon"
    assert kept.loc[3, "area_m2"] == pytest.approx(10_000.0)
    warning = _problems(res, "已只保留其中的面部分")
    assert warning["row"].tolist() == [3] and warning["severity"].tolist() == ["警告"]
    assert "点（Point） 1 个" in warning["problem"].iat[0]


def test_geometry_collection_of_polygons_only_is_read_as_such_and_said_so(tmp_path: Path) -> None:
    """A collection holding only polygons (one, or two plots of one parcel) leaves nothing out:
    said as a 提示 naming how many, not a warning 「舍弃 」 of nothing."""
    one = GeometryCollection([box(E0, N0, E0 + 100, N0 + 100)])
    two = GeometryCollection(
        [box(E0 + 200, N0, E0 + 300, N0 + 100), box(E0 + 400, N0, E0 + 500, N0 + 100)]
    )
    res = read_parcels(_gpkg(tmp_path / "p.gpkg", {"宗地代码": [P1, P2]}, [one, two]))
    _accounted(res, 2)
    assert res.data["area_m2"].tolist() == pytest.approx([10_000.0, 20_000.0])
    said = _problems(res, "几何为几何集合")
    assert said["problem"].tolist() == [
        "几何为几何集合（GeometryCollection），其中只有面（1 个），已按面读取",
        "几何为几何集合（GeometryCollection），其中只有面（2 个），已按面读取",
    ]
    assert said["severity"].tolist() == ["提示", "提示"]


def test_a_rejected_table_row_is_said_once_under_its_file_name(tmp_path: Path) -> None:
    # The reader says 「该行未采用：宗地代码缺失，无法建立关联」 on row 3; the run added a second
    # row 「该行已剔除：宗地代码缺失…」 for it, under the role 「links」 instead of the file.
    import dataclasses

    from landgov.run.screening import _rejected_rows

    path = tmp_path / "地企关联.csv"
    path.write_text(
        f"宗地代码,统一社会信用代码,关系\n{P1},{U1},自有\n,{U1},自有\n", encoding="utf-8"
    )
    res = read_links(path)
    assert res.rejected["source_row"].tolist() == [3]
    assert _rejected_rows({"links": res}).empty  # the reader's row says it
    unsaid = dataclasses.replace(res, problems=res.problems.iloc[0:0])
    rows = _rejected_rows({"links": unsaid})
    assert rows["source"].tolist() == ["地企关联.csv"] and rows["row"].tolist() == [3]


def test_a_link_given_twice_with_two_areas_names_both_and_the_one_used(tmp_path: Path) -> None:
    # row 3 repeats row 2's plot and firm with another 使用面积: one statement, naming both
    # areas and that the link uses row 2's (was 「两行均已保留」 here and 「删除重复行」 there,
    # neither naming the areas); row 4 repeats it with the same area: the repeat only
    rows = [["宗地代码", "统一社会信用代码", "关系", "使用面积（平方米）"]]
    rows += [[P1, U1, "自有", 18446.04], [P1, U1, "自有", 99999999], [P1, U1, "自有", 18446.04]]
    res = read_links(_xlsx(tmp_path / "l.xlsx", rows))
    _accounted(res, 3)
    said = _problems(res, "与第 2 行重复")
    assert said["row"].tolist() == [3, 4]
    assert said["problem"].iloc[0] == (
        "宗地与企业的关联与第 2 行重复，关联只采用第 2 行；两行的使用面积不同"
        "（第 2 行 18,446.04 平方米，本行 99,999,999 平方米）"
    )
    assert said["action"].iloc[0] == "核实哪一行的使用面积正确，删除另一行"
    assert said["problem"].iloc[1] == "宗地与企业的关联与第 2 行重复，关联只采用第 2 行"
