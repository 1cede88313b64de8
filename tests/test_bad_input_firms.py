"""The enterprise table (亩均论英雄 data) and the 地企关联 table as county 经信 offices export
them: WPS/Excel workbooks typed by hand and CSV files from web systems.

Each case builds its tiny file here, with real credit codes from
``/work/shared/testdata/uscc/`` (each passes the GB 32100-2015 check character), and checks that
the row is read with a problem row naming file, row, field and value, or stops with one
「错误：」; that every row ends in ``data`` or ``rejected``; and that a plot whose figures
cannot be told is left 待核实 (missing), never given a wrong 亩均税收.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import Workbook
from shapely.geometry import box

from landgov.core.dates import latest_name, read_date
from landgov.core.problems import ReadResult
from landgov.errors import DataFileError
from landgov.ids import USCCStatus, check_uscc
from landgov.io import read_enterprises, read_links, read_parcels
from landgov.io.fields import PARCEL_FIELDS
from landgov.io.tables import read_table
from landgov.link import link_parcels
from landgov.policy import load_profile
from tests._cli import assert_clean_error, run_cli

# real Zhejiang codes, the six of shared/testdata/uscc/zhejiang_valid.txt (copied here so the
# tests run where that folder is not beside the repository; test_codes_are_the_shared_ones)
ZJ = (
    "91330100470102706G", "913304007429141869", "91330100799655058B",
    "91330106MAEUDLLYXY", "91330110MA27WLNG6K", "913302117532974515",
)  # fmt: skip
A, B, C, D, E, F = ZJ
E0, N0 = 555_900.0, 3_320_200.0  # CGCS2000 GK CM 120E (EPSG:4549), Shaoxing
P = [f"330602001002GB0000{i}" for i in range(1, 6)]
FULL = str.maketrans({**{str(i): chr(0xFF10 + i) for i in range(10)}, "G": "Ｇ", "B": "Ｂ"})


def _accounted(result: ReadResult, rows: int) -> None:
    """Rows in = rows out + rejected, and every rejected row says why."""
    assert len(result.data) + len(result.rejected) == rows == result.rows_in
    if len(result.rejected):
        assert result.rejected["reject_reason"].notna().all()


def _problems(result: ReadResult, text: str) -> pd.DataFrame:
    return result.problems[result.problems["problem"].str.contains(text, regex=False)]


def _xlsx(path: Path, *sheets: tuple[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def _parcels(path: Path, n: int) -> Path:
    """``n`` plots of 100 m × 100 m = 10000 m² = 15 亩 each (1 亩 = 10000/15 m²)."""
    geoms = [box(E0 + i * 200, N0, E0 + i * 200 + 100, N0 + 100) for i in range(n)]
    frame = {"宗地代码": P[:n], "土地用途": ["工业用地"] * n}
    gpd.GeoDataFrame(frame, geometry=geoms, crs=4549).to_file(path, driver="GPKG")
    return path


ENT_HEADER = ["统一社会信用代码", "企业名称", "规上/规下", "税收（万元）", "用地面积（亩）"]


def test_codes_are_the_shared_ones(shared_dir: Path) -> None:
    listed = (shared_dir / "testdata" / "uscc" / "zhejiang_valid.txt").read_text().split()
    assert set(ZJ) <= set(listed)
    assert all(check_uscc(code) is USCCStatus.VALID for code in ZJ)


# --- one enterprise, two rows -----------------------------------------------------------------


def test_one_enterprise_twice_with_different_tax_is_missing_on_both_rows_and_said(
    tmp_path: Path,
) -> None:
    rows = [ENT_HEADER, [A, "甲", "规上", 30, 15], [B, "乙", "规上", 3, 2]]
    rows += [[A, "甲公司", "规上", 36, 15], [B, "乙", "规上", 3, 2]]
    res = read_enterprises(_xlsx(tmp_path / "e.xlsx", ("企业", rows)))
    _accounted(res, 4)
    data = res.data.set_index("source_row")
    # 甲 (rows 2 and 4): 30 or 36 万元? Cannot be told: missing on both rows; 15 亩 agrees: kept
    assert data.loc[[2, 4], "tax_wan"].isna().all()
    assert data.loc[[2, 4], "land_mu"].tolist() == [15.0, 15.0]
    # 乙 (rows 3 and 5): the same figures twice, a repeated row: kept as given
    assert data.loc[[3, 5], "tax_wan"].tolist() == [3.0, 3.0]
    said = _problems(res, "税收不一致")
    assert len(said) == 1
    row = said.iloc[0]
    assert (row["row"], row["field"], row["severity"]) == (4, "税收（万元）", "错误")
    assert "第 2 行 30；第 4 行 36" in row["problem"] and A in row["problem"]
    assert "待核实" in row["problem"]


def test_a_blank_figure_beside_a_given_one_is_no_choice_either(tmp_path: Path) -> None:
    rows = [ENT_HEADER, [A, "甲", "规上", 30, 15], [A, "甲", "规上", None, 15]]
    res = read_enterprises(_xlsx(tmp_path / "e.xlsx", ("企业", rows)))
    assert res.data["tax_wan"].isna().all()
    assert "第 2 行 30；第 3 行 空" in _problems(res, "税收不一致")["problem"].iat[0]


# --- codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("330602000012345", "330602000012345"),  # 工商注册号, 15 digits
        (330602000012346, "330602000012346"),  # the same typed into a number cell
        ("33060214368521X", "33060214368521X"),  # 税务登记号: region + organisation code
    ],
)
def test_an_old_15_character_number_is_named_as_such(
    tmp_path: Path, cell: object, shown: str
) -> None:
    rows = [ENT_HEADER, [cell, "老企业", "规下", 1, 3], [A, "甲", "规上", 30, 15]]
    res = read_enterprises(_xlsx(tmp_path / "e.xlsx", ("企业", rows)))
    _accounted(res, 2)
    said = _problems(res, "15 位的旧代码")
    assert said["row"].tolist() == [2] and said["field"].tolist() == ["统一社会信用代码"]
    assert f"「{shown}」" in said["problem"].iat[0]
    assert "国家企业信用信息公示系统" in said["problem"].iat[0]
    assert res.data.set_index("source_row").at[2, "uscc_status"] == "长度错误"  # not joined


def test_o_for_zero_and_i_for_one_name_the_code_they_may_be_and_are_not_joined(
    tmp_path: Path,
) -> None:
    typo_o = E.replace("0", "O")  # 91330110MA27WLNG6K → 9133O11OMA27WLNG6K
    typo_i = F.replace("1", "I")  # 913302117532974515 → 9I3302II75329745I5
    rows = [ENT_HEADER, [typo_o, "戊", "规上", 10, 5], [typo_i, "己", "规上", 10, 5]]
    res = read_enterprises(_xlsx(tmp_path / "e.xlsx", ("企业", rows)))
    _accounted(res, 2)
    assert res.data["uscc_status"].tolist() == ["含非法字符"] * 2  # said, never replaced
    said = _problems(res, "校验通过")
    assert said["row"].tolist() == [2, 3]
    assert f"「{E}」" in said["problem"].iat[0] and f"「{F}」" in said["problem"].iat[1]
    links = [["宗地代码", "统一社会信用代码", "关系"], [P[0], typo_o, "自有"]]
    linked = read_links(_xlsx(tmp_path / "l.xlsx", ("关联", links)))
    _accounted(linked, 1)
    # kept, not joined (it still says a firm uses the plot: landgov.io.links), and said
    assert linked.data["uscc"].tolist() == [typo_o] and linked.rejected.empty
    assert f"「{E}」" in _problems(linked, "校验通过")["problem"].iat[0]


def test_a_letter_that_gives_no_valid_code_names_no_code(tmp_path: Path) -> None:
    wrong = A[:-1] + "O"  # 91330100470102706O: O is no USCC character, and 0 fails the check
    res = read_enterprises(_xlsx(tmp_path / "e.xlsx", ("企业", [ENT_HEADER, [wrong, "甲"]])))
    assert _problems(res, "非法字符")["row"].tolist() == [2]
    assert _problems(res, "校验通过").empty


def test_codes_a_web_system_wrote_for_excel_to_keep_as_text_join(tmp_path: Path) -> None:
    """Web systems write ``="9133…"`` (Excel then keeps the code as text) or ``'9133…``."""
    ents = tmp_path / "e.csv"
    ents.write_text(
        "统一社会信用代码,企业名称,规上/规下,税收（元）,用地面积（亩）\n"
        f'="{A}",甲,规上,"300,000",15\n'
        f"'{B},乙,规上,150000元,15\n"
        "合计,,,450000,30\n",
        encoding="utf-8",
    )
    links = tmp_path / "l.csv"
    links.write_text(
        f'宗地代码,统一社会信用代码,关系\n="{P[0]}",="{A}",自有\n{P[1]},{B},自有\n',
        encoding="utf-8",
    )
    e, lk = read_enterprises(ents), read_links(links)
    _accounted(e, 3)
    _accounted(lk, 2)
    assert e.data["uscc"].tolist() == [A, B] and (e.data["uscc_status"] == "有效").all()
    assert e.data["tax_wan"].tolist() == [30.0, 15.0]  # 300000 元 = 30 万元; 150000 元 = 15
    assert e.rejected["reject_reason"].tolist() == ["合计/小计行，不作为数据读取"]
    assert lk.data["parcel_id"].tolist() == P[:2] and lk.data["uscc"].tolist() == [A, B]
    assert len(_problems(lk, '写作 ="…"')) == 1 and len(_problems(e, '写作 ="…"')) == 1
    assert _problems(e, "去掉开头的 '")["row"].tolist() == [3]


# --- dates ------------------------------------------------------------------------------------


def test_year_dot_month_typed_into_a_number_cell(tmp_path: Path) -> None:
    """Typing 2023.5 into a General cell leaves the number 2023.5; 2023.10 leaves 2023.1."""
    rows = [["宗地代码", "供地日期", "约定开工日期"], [P[0], 2023.5, 2024.02]]
    rows += [[P[1], 2023.1, 2023.12], [P[2], 45047, 20230501], [P[3], "2023年5月", "2023.5"]]
    res = read_table(_xlsx(tmp_path / "p.xlsx", ("宗地", rows)), specs=PARCEL_FIELDS)
    _accounted(res, 4)
    data = res.data.set_index("source_row")
    assert data["supply_date"].tolist() == [
        dt.date(2023, 5, 1), None, dt.date(2023, 5, 1), dt.date(2023, 5, 1)
    ]  # fmt: skip
    # 约定开工日期 is judged as a span: a month alone keeps its first day and, beside it, its
    # last (2024 is a leap year); a day has no last day beside it
    assert data["contract_start_date"].tolist() == [
        dt.date(2024, 2, 1), dt.date(2023, 12, 1), dt.date(2023, 5, 1), dt.date(2023, 5, 1)
    ]  # fmt: skip
    assert data[latest_name("contract_start_date")].tolist() == [
        dt.date(2024, 2, 29), dt.date(2023, 12, 31), None, dt.date(2023, 5, 31)
    ]  # fmt: skip
    both = _problems(res, "也可能是 2023年10月")
    assert (both["row"].tolist(), both["severity"].tolist()) == ([3], ["错误"])
    assert _problems(res, "单元格为数字 2023.5")["row"].tolist() == [2]
    assert read_date(2023.13)[0] is None and read_date(2023.123)[0] is None


# --- sheets -----------------------------------------------------------------------------------


def test_two_data_sheets_of_above_and_below_scale_say_to_put_them_together(
    tmp_path: Path,
) -> None:
    path = _xlsx(
        tmp_path / "e.xlsx",
        ("规上", [ENT_HEADER, [A, "甲", "规上", 30, 15]]),
        ("规下", [ENT_HEADER, [B, "乙", "规下", 1, 3]]),
    )
    with pytest.raises(DataFileError) as err:
        read_enterprises(path)
    assert "规上、规下" in str(err.value) and "复制到同一个工作表" in str(err.value)
    parcels = _parcels(tmp_path / "p.gpkg", 1)
    result = run_cli(
        "screen", "-p", parcels, "-e", path, "--as-of", "2025-06-30", "-o", tmp_path / "out"
    )
    text = assert_clean_error(result, contains="复制到同一个工作表")
    assert text.count("错误：") == 1
    assert not (tmp_path / "out").exists()


# --- land typed in 平方米 under a 亩 header ----------------------------------------------------


def test_declared_land_in_square_metres_is_not_used(tmp_path: Path) -> None:
    """Each plot is 10000 m² = 15 亩; a declared 「10000」 亩 is the plot in m²."""
    parcels = read_parcels(_parcels(tmp_path / "p.gpkg", 3))
    one = [ENT_HEADER, [A, "甲", "规上", 30, 15], [B, "乙", "规上", 45, 10000]]
    one += [[C, "丙", "规上", 60, 14.9], [D, "丁", "规上", 20, 40]]  # 丁 has no plot
    links = [["宗地代码", "统一社会信用代码", "关系"], [P[0], A, "自有"], [P[1], B, "自有"]]
    links.append([P[2], C, "自有"])
    lk = read_links(_xlsx(tmp_path / "l.xlsx", ("关联", links))).data
    profile = load_profile("zhejiang-2023")
    ents = read_enterprises(_xlsx(tmp_path / "e1.xlsx", ("企业", one))).data
    out = link_parcels(parcels.data, ents, lk, profile=profile)
    declared = out.enterprises.set_index("uscc")["land_mu_declared"]
    # 乙 alone typed m²: its figure goes (|10000 − 10000| ≤ 5 % × 10000); the others stay
    assert pd.isna(declared[B]) and declared[[A, C, D]].tolist() == [15.0, 14.9, 40.0]
    said = out.problems[out.problems["problem"].str.contains("疑似按平方米填写")]
    assert said["row"].tolist() == [3] and "10000 平方米" in said["problem"].iat[0]
    differ = out.problems[out.problems["problem"].str.contains("面积不一致")]
    assert 3 not in differ["row"].tolist()  # one problem for 乙's figure, not two
    # the whole column in m² (two of three compared firms): no declared figure is used,
    # so 丁 (no plot, 40 typed) gets no 亩均 from 40 "亩" that are 40 m²
    two = [ENT_HEADER, [A, "甲", "规上", 30, 10000], [B, "乙", "规上", 45, 10100]]
    two += [[C, "丙", "规上", 60, 15], [D, "丁", "规上", 20, 40]]
    ents = read_enterprises(_xlsx(tmp_path / "e2.xlsx", ("企业", two))).data
    out = link_parcels(parcels.data, ents, lk, profile=profile)
    assert out.enterprises["land_mu_declared"].isna().all()
    column = out.problems[out.problems["problem"].str.contains("整列疑似按平方米填写")]
    assert len(column) == 1 and "3 家" in column["problem"].iat[0]


# --- a county export, end to end --------------------------------------------------------------


def test_screen_of_a_county_export_leaves_the_doubtful_plots_to_verify(tmp_path: Path) -> None:
    """Title, 序号, a 小计 between township blocks, 合计 and 注 under the table, a 说明 sheet
    before the data; one enterprise twice with two taxes; one 用地面积 in m²; a link to a
    firm not in the table; a firm without a link; 宗地代码 with a trailing blank and in
    full-width digits. Plots of 15 亩; 亩均税收 = 税收 / 15."""
    parcels = _parcels(tmp_path / "p.gpkg", 5)
    rows = [
        ["2024年度工业企业亩均效益综合评价数据表"],
        ["序号", *ENT_HEADER, "镇街"],
        [1, A, "甲", "规上", 30, 15, "东湖街道"],
        [2, B, "乙", "规上", 45, 10000, "东湖街道"],  # 10000 m² typed under 亩
        ["", "小计", "", "", 75, 10015, ""],
        [3, A, "甲", "规上", 36, 15, "皋埠街道"],  # 甲 again, another tax
        [4, C, "丙", "规上", 60, 15, "皋埠街道"],
        [5, D, "丁", "规上", 30, 15, "皋埠街道"],  # no link
        ["合计", "", "", "", 201, 10060, ""],
        ["注：税收为实缴税金（不含退税），数据来源于区税务局。"],
    ]
    ents = _xlsx(
        tmp_path / "e.xlsx",
        ("说明", [["填表说明"], ["1. 统一社会信用代码填写18位"]]),
        ("企业", rows),
    )
    links = [["宗地代码", "统一社会信用代码", "关系"], [P[0], A, "自有"], [P[1], B, "自有"]]
    links += [[P[2] + " ", C, "自有"], [P[3].translate(FULL), E, "自有"]]  # E: not a firm
    links_path = _xlsx(tmp_path / "l.xlsx", ("关联", links))
    out = tmp_path / "out"
    result = run_cli(
        "screen", "-p", parcels, "-e", ents, "-l", links_path, "--as-of", "2025-06-30",
        "-o", out, "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    plots = gpd.read_file(out / "landgov.gpkg", layer="parcels").set_index("parcel_id")
    per_mu = plots["tax_per_mu"]
    assert pd.isna(per_mu[P[0]])  # 甲: 30 or 36 → 待核实, neither 2.0 nor 2.4
    assert per_mu[P[1]] == pytest.approx(3.0)  # 45 / 15: from the plot, not from 10000 "亩"
    assert per_mu[P[2]] == pytest.approx(4.0)  # 60 / 15: the trailing blank joins
    assert pd.isna(per_mu[P[3]])  # linked to a firm not in the table: nothing to divide
    problems = pd.read_excel(out / "landgov.xlsx", sheet_name="问题记录")

    def said(source: str, text: str) -> pd.DataFrame:
        hit = problems[problems["问题"].astype(str).str.contains(text, regex=False)]
        return hit[hit["源文件"] == source]

    assert said("e.xlsx", "税收不一致")["行号"].tolist() == [6]
    assert set(said("e.xlsx", "合计/小计行")["行号"]) == {5, 9}
    assert said("e.xlsx", "表尾说明行")["行号"].tolist() == [10]
    # found by the link step, said in the file their rows count in (乙 row 4, 丁 row 8 of the
    # firms; the 4th link, to 戊, row 5 of the links), the step at the head of the problem
    assert said("e.xlsx", "【地企关联】企业申报用地面积 10000")["行号"].tolist() == [4]
    assert said("l.xlsx", "【地企关联】地企关联未连接：企业表中无此")["行号"].tolist() == [5]
    assert said("e.xlsx", "【地企关联】企业无地企关联记录")["行号"].tolist() == [8]
    ent_rows = gpd.read_file(out / "landgov.gpkg", layer="enterprises")
    assert sorted(ent_rows["source_row"].astype(int)) == [3, 4, 6, 7, 8]  # every firm row kept


def test_a_zero_tax_beside_revenue_is_kept_and_warned_of(tmp_path):
    # The template asks for a blank where a figure is missing, yet a blank exported as 0 is
    # common. A 0 is kept as written (a firm may owe none), but beside a positive 营业收入 or
    # 工业增加值 it is warned of, naming both figures: it puts the plot under every 亩均税收
    # threshold. A 0 with no trading figure, and a positive tax, say nothing.
    path = _xlsx(
        tmp_path / "e.xlsx",
        (
            "企业",
            [
                [
                    "统一社会信用代码",
                    "企业名称",
                    "税收（万元）",
                    "营业收入（万元）",
                    "工业增加值（万元）",
                ],
                [A, "甲公司", 0, 3000, 500],
                [B, "乙公司", 0, None, None],
                [C, "丙公司", 12.5, 800, 100],
                [D, "丁公司", 0, 0, None],
            ],
        ),
    )
    result = read_enterprises(path)
    _accounted(result, 4)
    assert result.data["tax_wan"].tolist() == [0.0, 0.0, 12.5, 0.0]
    warned = _problems(result, "税收为 0")
    assert warned["row"].tolist() == [2]
    assert "营业收入（万元） 3,000、工业增加值（万元） 500" in warned["problem"].iloc[0]
    assert warned["severity"].tolist() == ["警告"]


# --- names ------------------------------------------------------------------------------------


def test_a_name_of_only_spaces_is_read_blank_and_said(tmp_path: Path) -> None:
    # A blank 企业名称 beside a valid code is no problem (the code names the firm) and gets no
    # row. A name the file did fill in, but only with spaces (ASCII, full-width 「　」, a tab),
    # reads as blank too: the row is kept, and a 提示 shows what was there, never silently.
    rows = [ENT_HEADER, [A, "   ", "规上", 3, 2], [B, "\u3000", "规上", 3, 2]]
    rows += [[C, " \t\u3000 ", "规上", 3, 2], [D, None, "规上", 3, 2], [E, "戊", "规上", 3, 2]]
    res = read_enterprises(_xlsx(tmp_path / "e.xlsx", ("企业", rows)))
    _accounted(res, 5)
    assert res.data["name"].isna().tolist() == [True, True, True, True, False]
    said = res.problems[res.problems["field"] == "企业名称"]
    assert said["row"].tolist() == [2, 3, 4]  # the blank cell of row 5: nothing to say
    assert said["value"].tolist() == [
        "（3 个空格）",
        "（1 个全角空格）",
        "（2 个空格、1 个制表符、1 个全角空格）",
    ]
    assert set(said["severity"]) == {"提示"}
    assert all("按未填写处理" in p for p in said["problem"])
    assert all("填写企业名称" in a for a in said["action"])


def test_a_csv_name_of_only_spaces_without_a_code_is_rejected_showing_the_spaces(
    tmp_path: Path,
) -> None:
    # no name and no code: rejected as a blank name is, the value shown visibly (a row of
    # nothing but spaces is a blank row, skipped as one: not this case)
    path = tmp_path / "e.csv"
    text = f"统一社会信用代码,企业名称,税收（万元）\n{A},  ,3\n,  ,4\n,\u3000,5\n"
    path.write_text(text, encoding="utf-8")
    res = read_enterprises(path)
    _accounted(res, 3)
    said = res.problems[res.problems["field"] == "企业名称"].set_index("row")
    assert said.loc[2, "value"] == "（2 个空格）"
    assert said.loc[2, "severity"] == "提示"
    assert said.loc[[3, 4], "value"].tolist() == ["（2 个空格）", "（1 个全角空格）"]
    assert said.loc[[3, 4], "problem"].str.contains("既无企业名称").all()


def test_a_volatile_formula_in_a_table_is_read_by_its_saved_value_and_said(tmp_path: Path) -> None:
    # 税收 typed as 「=RANDBETWEEN(1,9)」 and saved by Excel with 5 beside it: a figure that is
    # another each time the file is opened. Before: read as 5 without a word. Now: read as 5
    # (what the clerk saw) and a 警告 naming the sheet, the cell, the formula and the value, as
    # for a returned workbook (core.editable.say_volatile). A formula calling no volatile
    # function (「=2+3」) is read as its stored result without a word, as before.
    from tests._hostile_xlsx import with_saved_results

    rows = [ENT_HEADER, [A, "甲", "规上", "=RANDBETWEEN(1,9)", 2], [B, "乙", "规上", "=2+3", 2]]
    path = _xlsx(tmp_path / "e.xlsx", ("企业", rows))
    with_saved_results(path, "企业", {"D2": 5, "D3": 5})
    res = read_enterprises(path)
    _accounted(res, 2)
    assert res.data["tax_wan"].tolist() == [5.0, 5.0]
    said = _problems(res, "每次计算结果都可能不同")
    assert said["row"].tolist() == [2]
    assert said["field"].tolist() == ["税收（万元）"]
    assert said["value"].tolist() == ["=RANDBETWEEN(1,9)"]
    assert set(said["severity"]) == {"警告"}
    assert "单元格 D2" in said["problem"].iat[0] and "「5」" in said["problem"].iat[0]


# --- a size class (大中小微型) in the 规上/规下 column ------------------------------------------


def test_size_classes_are_not_read_as_above_or_below_scale(tmp_path: Path) -> None:
    """An enterprise database's 「企业规模」 holds 大型/中型/小型/微型 (国统字〔2017〕213号, by
    revenue and staff). A 小型 firm may be 规上 or 规下 (规上: 年主营业务收入 2000 万元及以上),
    so none is read; each row says what the word is instead of 「无法识别」. A word that is
    neither keeps the plain message."""
    header = ["统一社会信用代码", "企业名称", "企业规模", "税收（万元）", "用地面积（亩）"]
    rows = [header, [A, "甲", "小型", 30, 15], [B, "乙", "微型企业", 20, 10]]
    rows += [[C, "丙", "规上", 60, 15], [D, "丁", "个体", 5, 3]]
    res = read_enterprises(_xlsx(tmp_path / "e.xlsx", ("企业", rows)))
    _accounted(res, 4)
    assert res.data["above_scale"].tolist() == [pd.NA, pd.NA, True, pd.NA]
    said = _problems(res, "是企业规模（大中小微型")
    assert said["row"].tolist() == [2, 3], res.problems
    assert "2000 万元" in said["problem"].iat[0] and "「小型」" in said["problem"].iat[0]
    assert _problems(res, "无法识别的规上/规下「个体」")["row"].tolist() == [5]
