"""Reading enterprise, link and compliance tables as staff receive them."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from landgov.errors import DataFileError, InputError, SchemaError
from landgov.ids import USCCStatus
from landgov.io import read_compliance, read_enterprises, read_links, read_table
from landgov.io.fields import ENTERPRISE_FIELDS

# Valid codes (check characters verified in test_ids against the shared lists).
A = "91330100470102706G"
B = "913304007429141869"
C = "91330106MAEUDLLYXY"
MASKED = "9133********621X"
BAD_CHECK = "91330100470102706H"
PARCEL_1 = "330602001002GB00017"
PARCEL_2 = "330602001002GB00018"


def _xlsx(path: Path, rows: Sequence[Sequence[object]], *, merges: Sequence[str] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业"
    for row in rows:
        ws.append(list(row))
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def _csv(path: Path, rows: Sequence[Sequence[object]], *, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _accounted(result: object) -> bool:
    return len(result.data) + len(result.rejected) == result.meta["rows"]


@pytest.fixture
def enterprise_xlsx(tmp_path: Path) -> Path:
    """Title row, two-row header with merged groups, units in cells, bad codes, blank tail."""
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["2023年度亩均效益综合评价企业名单"])
    ws.append(["序号", "企业基本信息", None, None, "经济指标", None, None, "用地"])
    ws.append(
        [
            None,
            "统一社会信用代码",
            "企业名称",
            "规上/规下",
            "税收（万元）",
            "工业增加值",
            "备注",
            "用地面积（亩）",
        ]
    )
    rows = [
        [1, A, "甲纺织有限公司", "规上", "125000元", "１２３．５", "老厂", "2.3亩"],
        [2, MASKED, "乙机械有限公司", "规模以下", "1,234.5", "—", None, 15],
        [3, BAD_CHECK, "丙化工有限公司", "中型", "abc", 3, None, "1500 m²"],
        [4, None, "丁电镀厂", "N", 5, None, None, None],
        [5, None, None, None, 7, None, "无名行", None],
        # the same firm again with the same figures, written otherwise: a repeat, not a
        # conflict (figures that differ would be missing on both rows, 待核实)
        [6, A, "甲纺织有限公司（重复）", "Y", "12.5万元", 123.5, None, 2.3],
        ["合计", None, None, None, 100, None, None, None],
    ]
    for row in rows:
        ws.append(row)
    for rng in ("A1:H1", "A2:A3", "B2:D2", "E2:G2"):
        ws.merge_cells(rng)
    grey = PatternFill("solid", fgColor="DDDDDD")
    for r in (11, 12):  # two formatted but empty rows at the end
        for c in range(1, 9):
            ws.cell(r, c).fill = grey
    path = tmp_path / "企业名单.xlsx"
    wb.save(path)
    return path


# --- header detection, units, row numbers -------------------------------------------------


def test_a_template_numbered_in_advance_is_read_to_its_last_filled_row(tmp_path: Path) -> None:
    """A form numbered 1–200 in 「序号」 in advance, filled to row 3: each of the 197 numbered
    empty rows was rejected as 「既无企业名称也无统一社会信用代码」, 197 lines of 问题记录 for
    a clerk to read. They are now skipped as blank template rows, counted with the blank rows
    and said in one line; a numbered row with anything else in it is still a row."""
    fields = ["序号", "统一社会信用代码", "企业名称", "税收（万元）"]
    rows = [
        fields,
        [1, A, "甲纺织有限公司", 12.5],
        [2, None, None, 3.0],
        [3, B, "乙机械有限公司", 3],
    ]
    rows += [[k, None, None, None] for k in range(4, 201)]
    result = read_enterprises(_xlsx(tmp_path / "模板.xlsx", rows))
    assert result.data["name"].tolist() == ["甲纺织有限公司", "乙机械有限公司"]
    assert result.rejected["source_row"].tolist() == [3]  # 序号 2 with a figure: a row
    assert result.meta["rows"] == 3 and result.meta["blank_rows_skipped"] == 197
    said = result.problems[result.problems["problem"].str.contains("空白模板行", na=False)]
    assert said["problem"].tolist() == [
        "197 行只填了序号、其余为空（空白模板行，第 5～201 行），未作为数据读取，也不计入行数"
    ]
    assert _accounted(result)


def test_rows_grouped_under_outline_headings_read_the_headings_as_no_firm(tmp_path: Path) -> None:
    """「一、斗门街道」 alone in the code column over its firms, 「（二）马山街道」 over the next:
    each was read as a firm, flagged, kept and counted (4 firms of 2). A row of one
    cell numbered as an outline heading is now a group heading; 「一、」 items under 「备注：」
    stay footnote rows; a firm with one cell filled (「一分厂」) stays a firm."""
    fields = ["统一社会信用代码", "企业名称", "税收（万元）"]
    rows = [
        fields, ["一、斗门街道"], [A, "甲纺织有限公司", 12.5], [None, "（二）马山街道"],
        [B, "乙机械有限公司", 3], [None, "一分厂"], ["备注："], ["一、数据来源于税务局"],
    ]  # fmt: skip
    result = read_enterprises(_xlsx(tmp_path / "分组.xlsx", rows))
    assert result.data["name"].tolist() == ["甲纺织有限公司", "乙机械有限公司", "一分厂"]
    reasons = result.rejected.set_index("source_row")["reject_reason"].to_dict()
    heading = "分组标题行（如「一、斗门街道」），不作为数据读取"
    assert reasons == {
        2: heading,
        4: heading,
        7: "表尾说明行，不作为数据读取",
        8: "表尾说明行，不作为数据读取",
    }
    assert _accounted(result)


def test_a_title_over_a_list_pasted_under_another_is_no_firm(tmp_path: Path) -> None:
    """「马山街道企业名单」 over the second of two lists pasted one under another (the first list's
    title is above the header, so never data): it was read as a firm with code 「马山街道企业名
    单」, flagged, kept and counted. A row of one cell right above a repeated header is now that
    list's title; a row of one cell elsewhere stays a firm with little filled in."""
    fields = ["统一社会信用代码", "企业名称", "税收（万元）"]
    rows = [
        ["斗门街道企业名单"], fields, [A, "甲纺织有限公司", 12.5], [None, "丙电镀厂"],
        ["马山街道企业名单"], fields, [B, "乙机械有限公司", 3],
    ]  # fmt: skip
    result = read_enterprises(_xlsx(tmp_path / "两镇.xlsx", rows))
    assert result.data["name"].tolist() == ["甲纺织有限公司", "丙电镀厂", "乙机械有限公司"]
    reasons = result.rejected.set_index("source_row")["reject_reason"].to_dict()
    assert reasons == {
        5: "分段标题行（其下是重复的表头，如几份名单上下拼接），不作为数据读取",
        6: "重复的表头行，不作为数据读取",
    }
    said = result.problems.groupby("row")["problem"].apply(list)
    assert reasons[5] in said[5] and reasons[6] in said[6]
    assert _accounted(result)


@pytest.mark.parametrize("merged", [True, False], ids=["merged-captions", "captions-unmerged"])
def test_tables_pasted_one_under_another_with_their_two_row_headers(
    tmp_path: Path, merged: bool
) -> None:
    """Two 镇街's lists pasted into one sheet, each with its header of group captions over field
    names. The second header's field-name row was rejected as a repeated header, but its
    caption row 「企业基本信息 | 经济指标」 was read as a firm: code 「企业基本信息」 flagged, kept
    and counted (3 firms of 2). Now both rows of the band are rejected, said, accounted for."""
    captions = ["企业基本信息", None, "经济指标"]
    fields = ["统一社会信用代码", "企业名称", "税收（万元）"]
    rows = [
        captions,
        fields,
        [A, "甲纺织有限公司", 12.5],
        captions,
        fields,
        [B, "乙机械有限公司", 3],
    ]
    merges = ("A1:B1", "A4:B4") if merged else ()
    result = read_enterprises(_xlsx(tmp_path / "两镇.xlsx", rows, merges=merges))
    assert result.data["uscc"].tolist() == [A, B]
    reasons = result.rejected.set_index("source_row")["reject_reason"]
    assert reasons.to_dict() == {
        4: "重复的表头行，不作为数据读取",
        5: "重复的表头行，不作为数据读取",
    }
    assert _accounted(result)


def test_title_row_and_merged_two_row_header(enterprise_xlsx: Path) -> None:
    result = read_enterprises(enterprise_xlsx)
    assert result.meta["header_rows"] == [2, 3]
    assert result.meta["field_map"]["uscc"] == "统一社会信用代码"
    assert result.meta["field_map"]["tax_wan"] == "税收（万元）"
    assert result.meta["field_map"]["land_mu"] == "用地面积（亩）"
    assert result.meta["header_units"] == {"tax_wan": "万元", "land_mu": "亩"}


def test_source_row_is_the_excel_row_number(enterprise_xlsx: Path) -> None:
    result = read_enterprises(enterprise_xlsx)
    assert result.data["source_row"].tolist() == [4, 5, 6, 7, 9]
    assert result.rejected["source_row"].tolist() == [8, 10]
    masked = result.problems[result.problems["value"] == MASKED]
    assert masked["row"].tolist() == [5]


def test_blank_trailing_rows_are_counted_not_read(enterprise_xlsx: Path) -> None:
    result = read_enterprises(enterprise_xlsx)
    assert result.meta["blank_rows_skipped"] == 2
    assert result.meta["rows"] == 7
    assert _accounted(result)


def test_numbers_are_converted_to_canonical_units(enterprise_xlsx: Path) -> None:
    data = read_enterprises(enterprise_xlsx).data.set_index("source_row")
    assert data.loc[4, "tax_wan"] == 12.5  # 125000元 under a 万元 header
    assert data.loc[5, "tax_wan"] == 1234.5
    assert pd.isna(data.loc[6, "tax_wan"])  # "abc" is missing, not 0
    assert data.loc[4, "value_added_wan"] == 123.5  # full-width digits
    assert pd.isna(data.loc[5, "value_added_wan"])  # —
    assert data.loc[4, "land_mu"] == pytest.approx(2.3)
    assert data.loc[5, "land_mu"] == 15.0  # header says 亩
    assert data.loc[6, "land_mu"] == pytest.approx(2.25)  # 1500 m²
    assert data["tax_wan"].dtype == "float64"


def test_unit_disagreement_and_bad_numbers_are_reported(enterprise_xlsx: Path) -> None:
    problems = read_enterprises(enterprise_xlsx).problems
    by_value = problems.set_index("value")
    assert by_value.loc["125000元", "severity"] == "警告"
    assert by_value.loc["125000元", "row"] == 4
    assert by_value.loc["abc", "severity"] == "错误"
    assert by_value.loc["abc", "field"] == "税收（万元）"


def test_unmatched_columns_are_kept_and_listed(enterprise_xlsx: Path) -> None:
    result = read_enterprises(enterprise_xlsx)
    assert result.meta["unmatched_columns"] == ["序号", "经济指标/备注"]
    assert result.data["经济指标/备注"].tolist()[0] == "老厂"
    assert result.data["序号"].tolist() == ["1", "2", "3", "4", "6"]


def test_split_header_name_and_unit_rows(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "e.csv",
        [
            ["统一社会信用代码", "企业名称", "税收", "综合能耗", "用电量"],
            ["", "", "（元）", "(万吨标准煤)", "（千瓦时）"],
            [A, "甲", "125000", "0.12", "120000"],
        ],
    )
    result = read_enterprises(path)
    assert result.meta["header_rows"] == [1, 2]
    row = result.data.iloc[0]
    assert (row["tax_wan"], row["energy_tce"], row["power_10k_kwh"]) == (12.5, 1200.0, 12.0)
    assert row["source_row"] == 3


def test_group_row_over_blank_cells_in_csv(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "e.csv",
        [
            ["企业名单"],
            ["统一社会信用代码", "企业名称", "经济指标", "", ""],
            ["", "", "实缴税金", "营业收入", "用地面积"],
            [A, "甲", "12.5万元", "100", "3"],
        ],
    )
    result = read_enterprises(path)
    assert result.meta["header_rows"] == [2, 3]
    assert set(result.meta["field_map"]) >= {"uscc", "name", "tax_wan", "revenue_wan", "land_mu"}
    assert result.data["tax_wan"].tolist() == [12.5]


def test_gbk_csv_is_decoded_and_the_encoding_recorded(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "gbk.csv",
        [["信用代码", "单位名称", "规模"], [A, "绍兴市越城区甲纺织有限公司", "规上"]],
        encoding="gbk",
    )
    result = read_enterprises(path)
    assert result.meta["encoding"] == "gb18030"
    assert "GB18030" in result.meta["encoding_reason"]
    assert result.data["name"].tolist() == ["绍兴市越城区甲纺织有限公司"]


def test_utf8_csv_records_utf8(tmp_path: Path) -> None:
    path = _csv(tmp_path / "u.csv", [["统一社会信用代码", "企业名称"], [A, "甲"]])
    assert read_enterprises(path).meta["encoding"] == "utf-8-sig"


# --- codes stay text --------------------------------------------------------------------------


def test_codes_never_become_floats(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "e.xlsx",
        [
            ["统一社会信用代码", "企业名称", "行业代码"],
            [A, "甲", 1751],
            [913306001234567890, "乙", "0111"],
        ],
    )
    result = read_enterprises(path)
    assert result.data["industry_code"].tolist() == ["1751", "0111"]
    assert result.data["uscc"].tolist()[0] == A
    assert result.data["uscc"].dtype == "str"
    numeric = result.problems[result.problems["row"] == 3]
    assert numeric["problem"].str.contains("存为数字").any()


def test_scientific_notation_code_is_reported(tmp_path: Path) -> None:
    path = _csv(tmp_path / "e.csv", [["统一社会信用代码", "企业名称"], ["9.13306E+17", "甲"]])
    problems = read_enterprises(path).problems
    assert problems["problem"].str.contains("科学计数法").any()


# --- enterprises ------------------------------------------------------------------------------


def test_invalid_codes_are_kept_flagged_and_reported(enterprise_xlsx: Path) -> None:
    result = read_enterprises(enterprise_xlsx)
    status = dict(zip(result.data["source_row"], result.data["uscc_status"], strict=True))
    assert status == {
        4: USCCStatus.VALID.value,
        5: USCCStatus.MASKED.value,
        6: USCCStatus.BAD_CHECK.value,
        7: USCCStatus.MISSING.value,
        9: USCCStatus.VALID.value,
    }
    problems = result.problems.set_index("row")
    assert "已脱敏，不能用于关联，请向数据提供部门索取完整代码" in problems.loc[5, "problem"]
    codes = result.problems[result.problems["field"] == "统一社会信用代码"]
    assert {5, 6, 7} <= set(codes["row"])


def test_duplicate_codes_are_flagged_on_both_rows(enterprise_xlsx: Path) -> None:
    result = read_enterprises(enterprise_xlsx)
    dup = result.data.set_index("source_row")["uscc_duplicate"]
    assert dup.to_dict() == {4: True, 5: False, 6: False, 7: False, 9: True}
    assert result.meta["duplicate_uscc"] == [A]
    repeat = result.problems[result.problems["problem"].str.contains("重复")]
    assert repeat["row"].tolist() == [9]


def test_above_scale_from_text(enterprise_xlsx: Path) -> None:
    data = read_enterprises(enterprise_xlsx).data.set_index("source_row")
    assert data["above_scale"].dtype == "boolean"
    assert data["above_scale"].isna().tolist() == [False, False, True, False, False]
    assert data["above_scale"].dropna().to_dict() == {4: True, 5: False, 7: False, 9: True}
    problems = read_enterprises(enterprise_xlsx).problems
    assert problems[problems["value"] == "中型"]["row"].tolist() == [6]


def test_rows_without_name_and_code_are_rejected_with_reason(enterprise_xlsx: Path) -> None:
    rejected = read_enterprises(enterprise_xlsx).rejected.set_index("source_row")
    assert "无法识别企业" in rejected.loc[8, "reject_reason"]
    assert "合计" in rejected.loc[10, "reject_reason"]
    assert rejected.loc[8, "tax_wan"] == 7.0  # rejected rows keep their values


@pytest.mark.parametrize("label", ["总计（2家）", "全区合计", "本页小计", "合计：", "合 计"])
def test_a_totals_row_labelled_in_the_name_column_is_not_an_enterprise(
    tmp_path: Path, label: str
) -> None:
    """A county's 「总计（2家）」 under the names, code blank: rejected as a totals row, not
    read as a 3rd enterprise with the district's sums."""
    path = _csv(
        tmp_path / "e.csv",
        [
            ["统一社会信用代码", "企业名称", "税收（万元）", "用地面积（亩）"],
            [A, "甲纺织有限公司", "10", "2"],
            [B, "乙机械有限公司", "20", "3"],
            [None, label, "30", "5"],
        ],
    )
    result = read_enterprises(path)
    assert result.data["uscc"].tolist() == [A, B]
    assert result.rejected["source_row"].tolist() == [4]
    assert "合计/小计行" in result.rejected["reject_reason"].iloc[0]
    assert _accounted(result)


def test_missing_required_column_raises_schema_error(tmp_path: Path) -> None:
    path = _csv(tmp_path / "e.csv", [["企业名称", "税收"], ["甲", "1"]])
    with pytest.raises(SchemaError) as info:
        read_enterprises(path)
    message = str(info.value)
    assert "统一社会信用代码" in message
    assert "企业名称" in message  # the columns seen
    assert "--alias " in message  # the fix, as the command line takes it
    assert "aliases=" in message  # and as Python takes it
    assert len(info.value.issues) == 1


def test_every_missing_required_field_is_listed(tmp_path: Path) -> None:
    path = _csv(tmp_path / "l.csv", [["关系", "使用面积"], ["自有", "1"]])
    with pytest.raises(SchemaError) as info:
        read_links(path)
    assert {i.field for i in info.value.issues} == {"宗地代码", "统一社会信用代码"}


def test_aliases_map_an_unknown_header_and_are_not_mutated(tmp_path: Path) -> None:
    path = _csv(tmp_path / "e.csv", [["社会代码", "企业名称", "实缴税费"], [A, "甲", "3"]])
    aliases = {"uscc": ["社会代码"], "tax_wan": ["实缴税费"]}
    snapshot = {k: list(v) for k, v in aliases.items()}
    result = read_enterprises(path, aliases=aliases)
    assert result.data["tax_wan"].tolist() == [3.0]
    assert aliases == snapshot


def test_conflicting_columns_are_reported_and_kept(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "e.csv",
        [["统一社会信用代码", "企业名称", "税收", "实缴税金"], [A, "甲", "1", "2"]],
    )
    result = read_enterprises(path)
    assert result.meta["conflicts"] == {"tax_wan": ["税收", "实缴税金"]}
    assert result.data["tax_wan"].tolist() == [1.0]
    assert result.data["实缴税金"].tolist() == ["2"]
    assert result.problems["problem"].str.contains("多列都对应").any()


def test_header_unit_that_is_not_a_unit_is_ignored_with_a_warning(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "e.csv", [["统一社会信用代码", "企业名称", "税收（2023年度）"], [A, "甲", "3"]]
    )
    result = read_enterprises(path)
    assert result.data["tax_wan"].tolist() == [3.0]
    assert result.problems["problem"].str.contains("不是可识别的单位").any()


def test_header_unit_of_wrong_dimension_blanks_the_column(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "e.csv", [["统一社会信用代码", "企业名称", "税收（吨）"], [A, "甲", "3"]]
    )
    result = read_enterprises(path)
    assert result.data["tax_wan"].isna().all()
    error = result.problems[result.problems["problem"].str.contains("不能换算")]
    assert error["severity"].tolist() == ["错误"]


def test_best_sheet_is_chosen_and_unknown_sheet_is_an_error(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表由经信局提供"])
    ws = wb.create_sheet("数据")
    ws.append(["统一社会信用代码", "企业名称"])
    ws.append([A, "甲"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    result = read_enterprises(path)
    assert result.meta["sheet"] == "数据"
    assert read_enterprises(path, sheet=1).data["uscc"].tolist() == [A]
    with pytest.raises(DataFileError, match="说明"):
        read_enterprises(path, sheet="不存在")


def test_missing_file_and_unsupported_format(tmp_path: Path) -> None:
    with pytest.raises(DataFileError):
        read_enterprises(tmp_path / "nope.xlsx")
    odd = tmp_path / "e.ods"
    odd.write_bytes(b"x")
    with pytest.raises(DataFileError, match=r"\.xlsx"):
        read_enterprises(odd)


def test_read_table_without_reader_checks(tmp_path: Path) -> None:
    path = _csv(tmp_path / "e.csv", [["统一社会信用代码", "企业名称"], [MASKED, "甲"], ["", ""]])
    result = read_table(path, specs=ENTERPRISE_FIELDS)
    assert result.data["uscc"].tolist() == [MASKED]
    assert result.meta["blank_rows_skipped"] == 1
    assert _accounted(result)


# --- links ------------------------------------------------------------------------------------


@pytest.fixture
def links_csv(tmp_path: Path) -> Path:
    return _csv(
        tmp_path / "links.csv",
        [
            ["宗地代码", "信用代码", "自有/租用", "使用面积（亩）"],
            [PARCEL_1, A, "自有", "2.3"],
            [PARCEL_1, B, "承租", "1500平方米"],
            [PARCEL_2, C, "出租给", ""],
            [PARCEL_2, MASKED, "租用", "1"],
            [PARCEL_2, BAD_CHECK, "自用", "1"],
            ["", A, "自用", "1"],
            [PARCEL_2, A, "借用", "1"],
        ],
        encoding="gb18030",
    )


def test_links_relations_and_areas(links_csv: Path) -> None:
    data = read_links(links_csv).data.set_index("source_row")
    assert data["relation"].dropna().to_dict() == {
        2: "owner",
        3: "tenant",
        4: "tenant",
        5: "tenant",  # kept unjoined (masked code): a firm still uses the plot
        6: "owner",  # kept unjoined (check digit wrong)
    }
    assert pd.isna(data.loc[8, "relation"])
    assert data.loc[8, "relation_given"] == "借用"
    assert data.loc[2, "area_used_m2"] == pytest.approx(2.3 * 10000 / 15)
    assert data.loc[3, "area_used_m2"] == 1500.0
    assert pd.isna(data.loc[4, "area_used_m2"])


def test_links_with_unusable_codes_are_kept_and_said_without_a_plot_rejected(
    links_csv: Path,
) -> None:
    # a masked or wrong code still says a firm uses the plot: kept (unjoined by the link, the
    # plot's totals missing), said as an error; a row without a 宗地代码 names no plot: rejected
    result = read_links(links_csv)
    rejected = result.rejected.set_index("source_row")["reject_reason"]
    assert set(rejected.index) == {7}
    assert "宗地代码" in rejected[7]
    said = result.problems.set_index("row")["problem"]
    assert "已脱敏" in said[5] and "校验位" in said[6]
    assert {5, 6} <= set(result.data["source_row"])
    assert _accounted(result)
    unknown = result.problems[result.problems["value"] == "借用"]
    assert unknown["severity"].tolist() == ["错误"]


# --- compliance -------------------------------------------------------------------------------


def test_compliance_categories_severities_dates(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "c.xlsx",
        [
            ["统一社会信用代码", "宗地代码", "违法违规类别", "严重程度", "处罚日期", "事由"],
            [A, None, "安全生产", "严重", "2021年3月5日", "未落实"],
            [None, PARCEL_1, "违章建筑", "一般", dt.datetime(2022, 1, 2), "搭建"],
            [B, None, "生态环境", "较大", 44260, ""],
            [C, None, "非法占地", None, "2021.03.05", ""],
            [A, None, "其他", "中等", "20210305", ""],
            [MASKED, None, "消防", "一般", "2021-3-5", ""],
            [A, None, None, "一般", "2021-3-5", ""],
        ],
    )
    result = read_compliance(path)
    data = result.data.set_index("source_row")
    assert data["category"].to_dict() == {
        2: "安全",
        3: "违法建设",
        4: "环保",
        5: "违法用地",
        6: "其他",
    }
    assert data["severity"].tolist()[:3] == ["重大", "一般", "较大"]
    assert pd.isna(data.loc[6, "severity"])
    assert data.loc[2, "record_date"] == dt.date(2021, 3, 5)
    assert data.loc[3, "record_date"] == dt.date(2022, 1, 2)
    assert data.loc[4, "record_date"] == dt.date(2021, 3, 5)
    problems = result.problems.set_index("value")
    assert problems.loc["其他", "severity"] == "警告"
    assert problems.loc["中等", "severity"] == "错误"
    rejected = result.rejected.set_index("source_row")["reject_reason"]
    assert "已脱敏" in rejected[7]
    assert "问题类别未填写" in rejected[8]
    assert _accounted(result)


# --- accounting invariant ---------------------------------------------------------------------

_cell = st.one_of(
    st.sampled_from([A, B, C, MASKED, BAD_CHECK, "", "合计", "注：数据来源于税务局", "—", "12,5"]),
    st.text(alphabet="0123456789.,元万亩-abc ", max_size=8),
)
_row = st.lists(_cell, min_size=4, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_row, max_size=12))
def test_property_every_row_is_accounted_for(rows: list[list[str]]) -> None:
    header = ["统一社会信用代码", "企业名称", "税收", "规模"]
    with tempfile.TemporaryDirectory() as tmp:
        path = _csv(Path(tmp) / "e.csv", [header, *rows])
        try:
            result = read_enterprises(path)
        except InputError as exc:  # no data row left (blank, totals, footnotes): a file error
            assert "没有任何企业数据行" in str(exc)
            return
    non_blank = sum(1 for r in rows if any(c.strip() for c in r))
    assert result.meta["rows"] == non_blank
    assert _accounted(result)
    assert result.meta["blank_rows_skipped"] == len(rows) - non_blank


def test_footnote_and_repeated_header_rows_are_rejected_not_read(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "e.csv",
        [
            ["统一社会信用代码", "企业名称", "税收"],
            [A, "甲", "1"],
            ["统一社会信用代码", "企业名称", "税收"],
            [B, "乙", "2"],
            ["注：税收为实缴税金，单位万元", "", ""],
        ],
    )
    result = read_enterprises(path)
    assert result.data["source_row"].tolist() == [2, 4]
    reasons = result.rejected.set_index("source_row")["reject_reason"].to_dict()
    assert set(reasons) == {3, 5}
    assert "表头" in reasons[3]
    assert "说明" in reasons[5]
    assert (result.problems["row"] == 3).sum() == 1  # one note, no parse errors


@pytest.mark.parametrize(
    "footer",
    ["填表人：张三    联系电话：0575-88888888", "联系人：李四", "经办人：王五", "负责人：赵六"],
)
def test_a_signature_footer_is_not_an_enterprise(tmp_path: Path, footer: str) -> None:
    """The 「填表人：… 联系电话：…」 line under a county table, in the code column: a footer,
    not an enterprise with a 23-character code counted among the enterprises."""
    path = _csv(
        tmp_path / "e.csv",
        [["统一社会信用代码", "企业名称", "税收"], [A, "甲", "1"], [footer, "", ""]],
    )
    result = read_enterprises(path)
    assert result.data["uscc"].tolist() == [A]
    assert result.rejected.set_index("source_row")["reject_reason"].to_dict() == {
        3: "表尾说明行，不作为数据读取"
    }


def test_a_quote_never_closed_is_a_clean_error_not_rows_swallowed(tmp_path: Path) -> None:
    """「"」 typed before a code on line 3: csv reads lines 3–6 as one cell. Said, naming the
    lines, instead of four links read as one rejected row."""
    lines = ["宗地代码,统一社会信用代码,关系", f"{PARCEL_1},{A},自有", f'"{PARCEL_1},{B},租用']
    lines += [f"{PARCEL_1},{C},租用", f"{PARCEL_1},{A},自有", f"{PARCEL_1},{B},自有"]
    path = tmp_path / "l.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    with pytest.raises(DataFileError, match='第 3 行有一个引号（"）没有闭合，第 3～6 行'):
        read_links(path)


def test_a_cell_typed_over_several_lines_is_no_unclosed_quote(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    text = f'宗地代码,统一社会信用代码,关系\r\n{PARCEL_1},{A},"自有\r\n（部分）\r\n见附件"\r\n'
    path.write_text(text + f"{PARCEL_1},{B},租用\r\n", encoding="utf-8")
    assert read_links(path).data["source_row"].tolist() == [2, 5]


def test_zero_width_characters_in_text_cells_are_dropped(tmp_path: Path) -> None:
    """「斗门街道」 copied from a web page with a zero-width space (U+200B) or a BOM: the same
    镇街 as the typed one, not a second 镇街 that looks identical in Excel; line breaks kept."""
    path = _csv(
        tmp_path / "e.csv",
        [
            ["统一社会信用代码", "企业名称", "镇街"],
            [A, "甲\u200b纺织有限公司", "斗门街道\u200b"],
            [B, "乙机械有限公司", "\ufeff斗门街道"],
            [C, "丙化工\n有限公司", "斗门街道"],
        ],
    )
    data = read_enterprises(path).data
    assert data["township"].tolist() == ["斗门街道"] * 3
    assert data["name"].tolist() == ["甲纺织有限公司", "乙机械有限公司", "丙化工\n有限公司"]


def test_repeated_link_is_warned_and_kept(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "l.csv",
        [["宗地代码", "统一社会信用代码", "关系"], [PARCEL_1, A, "自有"], [PARCEL_1, A, "自有"]],
    )
    result = read_links(path)
    assert len(result.data) == 2
    repeat = result.problems[result.problems["problem"].str.contains("重复")]
    assert repeat["row"].tolist() == [3]


def _notes(problems: pd.DataFrame, field: str) -> list[tuple[int, str, str, object]]:
    rows = problems[problems["field"] == field]
    return [
        (
            int(r["row"]),
            str(r["severity"]),
            r["problem"],
            None if pd.isna(r["value"]) else r["value"],
        )
        for _, r in rows.iterrows()
    ]


def test_a_vocabulary_cell_blank_warns_and_unreadable_is_an_error(tmp_path: Path) -> None:
    """One rule for the 关系 of a link and the 规上/规下 of an enterprise: a blank cell is a 警告
    (the row is kept, the value missing), a word not understood an 错误 naming it; a word
    understood says nothing. Rows 2–4 of each table: understood, blank, 「借用」/「中型」."""
    links = _csv(
        tmp_path / "l.csv",
        [
            ["宗地代码", "统一社会信用代码", "关系"],
            [PARCEL_1, A, "自有"],
            [PARCEL_1, B, ""],
            [PARCEL_2, C, "借用"],
        ],
    )
    result = read_links(links)
    assert len(result.data) == 3
    assert _notes(result.problems, "关系") == [
        (3, "警告", "关系未填写（自有/租用）", None),
        (4, "错误", "无法识别的关系「借用」（应为自有或租用）", "借用"),
    ]
    firms = _csv(
        tmp_path / "e.csv",
        [
            ["统一社会信用代码", "企业名称", "规上/规下"],
            [A, "甲纺织有限公司", "规上"],
            [B, "乙机械有限公司", ""],
            [C, "丙化工有限公司", "中型"],
        ],
    )
    result = read_enterprises(firms)
    assert result.data["above_scale"].tolist() == [True, pd.NA, pd.NA]
    assert _notes(result.problems, "规上/规下") == [
        (3, "警告", "规上/规下未填写", None),
        (
            4, "错误",
            "「中型」是企业规模（大中小微型，按营业收入和从业人员划分），不是规上/规下"
            "（规模以上工业企业指年主营业务收入 2000 万元及以上），两者不能换算，"
            "按规上/规下未知处理",
            "中型",
        ),
    ]  # fmt: skip


def test_compliance_with_bad_code_attaches_by_parcel(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "c.csv",
        [["统一社会信用代码", "宗地代码", "问题类别"], [MASKED, PARCEL_1, "环保类"]],
    )
    result = read_compliance(path)
    assert result.data["category"].tolist() == ["环保"]
    assert result.data["uscc_status"].tolist() == [USCCStatus.MASKED.value]
    row_problems = result.problems[result.problems["row"] == 2]
    assert row_problems["severity"].tolist() == ["警告"]
    assert "按宗地代码关联" in row_problems["problem"].iat[0]


# --- audit of hostile tables (findings 4, 5, 6, 3) --------------------------------------------


def test_two_sheets_with_every_required_field_are_refused_even_when_one_names_more(
    tmp_path: Path,
) -> None:
    """「2024年」 and 「2023年」 both have 统一社会信用代码 and 企业名称; 「2023年」 names one
    optional column more (行业分类版本). That says nothing of which year is meant: refused,
    both sheets and their counts named, with the --sheet fix; never the older read silently."""
    wb = Workbook()
    new = wb.active
    new.title = "2024年"
    new.append(["统一社会信用代码", "企业名称", "税收（万元）"])
    new.append([A, "甲", 20])
    old = wb.create_sheet("2023年")
    old.append(["统一社会信用代码", "企业名称", "税收（万元）", "行业分类版本"])
    old.append([A, "甲", 10, "GB/T 4754-2017"])
    path = tmp_path / "e.xlsx"
    wb.save(path)
    with pytest.raises(DataFileError) as err:
        read_table(path, specs=ENTERPRISE_FIELDS, role="enterprises")
    text = str(err.value)
    assert "2024年、2023年" in text and "--sheet enterprises=2023年" in text
    assert "「2024年」3 个" in text and "「2023年」4 个" in text
    assert read_enterprises(path, sheet="2024年").data["tax_wan"].tolist() == [20.0]


def _said_rows(result, words: str) -> pd.DataFrame:
    p = result.problems
    return p[p["problem"].astype(str).str.contains(words, regex=False)]


def test_a_name_merged_over_two_firms_is_the_first_rows_only(tmp_path: Path) -> None:
    """企业名称 B2:B3 merged over 甲 (A) and 乙 (B): 乙 is never given 甲's name. Row 2 keeps
    「甲公司」, row 3's name is missing with an 错误 naming row 3, the field, the value and
    the range; 镇街 D2:D3 merged over the same two firms is still filled into both (a group's
    township); row 4 (丙) untouched. Every row is kept."""
    rows = [
        ["统一社会信用代码", "企业名称", "税收（万元）", "镇街"],
        [A, "甲公司", 10, "斗门街道"],
        [B, None, 12, None],
        [C, "丙公司", 30, "马山街道"],
    ]
    got = read_enterprises(_xlsx(tmp_path / "e.xlsx", rows, merges=("B2:B3", "D2:D3")))
    assert len(got.data) == 3 and len(got.rejected) == 0
    data = got.data.set_index("uscc")
    assert data.loc[A, "name"] == "甲公司" and data.loc[C, "name"] == "丙公司"
    assert pd.isna(data.loc[B, "name"])
    assert data["township"].tolist() == ["斗门街道", "斗门街道", "马山街道"]
    said = _said_rows(got, "B2:B3")
    assert said[["row", "field", "value", "severity"]].values.tolist() == [
        [3, "企业名称", "甲公司", "错误"]
    ]
    assert "只归第 2 行" in said["problem"].iat[0] and "不复制" in said["problem"].iat[0]
    assert "填入" not in " ".join(said["problem"])


def test_a_name_merged_over_rows_of_one_firm_is_copied_and_said(tmp_path: Path) -> None:
    """The same firm on rows 2–3 (two plots listed): its name is its own, copied, a 警告."""
    rows = [["统一社会信用代码", "企业名称", "税收（万元）"], [A, "甲公司", 10], [A, None, 10]]
    got = read_enterprises(_xlsx(tmp_path / "e.xlsx", rows, merges=("B2:B3",)))
    assert got.data["name"].tolist() == ["甲公司", "甲公司"]
    assert _said_rows(got, "B2:B3")["severity"].tolist() == ["警告"]


def test_an_empty_merged_range_does_not_say_it_filled_an_empty_value(tmp_path: Path) -> None:
    rows = [["统一社会信用代码", "企业名称", "镇街", "联系人"], [A, "甲公司", None, None]]
    got = read_enterprises(_xlsx(tmp_path / "e.xlsx", rows, merges=("C2:D2",)))
    (said,) = _said_rows(got, "C2:D2")["problem"].tolist()
    assert "「」" not in said and "空白" in said


def test_a_boolean_in_a_name_or_category_is_missing_and_said_in_excels_spelling(
    tmp_path: Path,
) -> None:
    """企业名称 TRUE was read as the name 「True」 and 规上/规下 TRUE as 规上, with no problem
    row. Now each is missing, with an 错误 naming the row, the field and 「TRUE」/「FALSE」
    (as Excel shows it) and what to type; the rows are kept. A 是/否 field still takes a
    Boolean as its answer (read_applications' 「是否标准厂房」)."""
    rows = [
        ["统一社会信用代码", "企业名称", "规上/规下", "税收（万元）"],
        [A, True, "规上", 10],
        [B, "乙公司", False, 12],
    ]
    got = read_enterprises(_xlsx(tmp_path / "e.xlsx", rows))
    assert len(got.data) == 2
    data = got.data.set_index("uscc")
    assert pd.isna(data.loc[A, "name"]) and pd.isna(data.loc[B, "scale"])
    said = _said_rows(got, "逻辑值")
    assert said[["row", "field", "value", "severity"]].values.tolist() == [
        [2, "企业名称", "TRUE", "错误"],
        [3, "规上/规下", "FALSE", "错误"],
    ]
    assert "「TRUE」" in said["problem"].iat[0] and "「FALSE」" in said["problem"].iat[1]
    assert "文字（企业名称）" in said["action"].iat[0]
    assert "「规上」或「规下」" in said["action"].iat[1]


def test_a_boolean_in_a_yes_no_field_is_its_answer() -> None:
    from landgov.io._convert import convert_values
    from landgov.io.applications import APPLICATION_FIELDS

    spec = next(s for s in APPLICATION_FIELDS if s.name == "standard_factory")
    values, problems = convert_values([True, False], spec, None)
    assert values.tolist() == ["True", "False"] and problems == []


def test_a_semicolon_csv_with_decimal_commas_is_refused_with_one_message(tmp_path: Path) -> None:
    """「;」-separated, 「1201,44」 and 「0,115」 (Excel in a European locale): 0,115 was read as
    115 and 1201,44 refused cell by cell. Now the file is refused once, naming the cells and
    the fix; a 「;」 CSV with plain decimals still reads."""
    rows = [
        ["统一社会信用代码", "企业名称", "税收（万元）", "排放量（吨）"],
        [A, "甲", "1201,44", "0,115"],
        [B, "乙", "53,01", "2,5"],
        [C, "丙", "79,82", "1,25"],
    ]
    path = tmp_path / "e.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    with pytest.raises(DataFileError) as err:
        read_enterprises(path)
    text = str(err.value)
    assert "逗号作小数点" in text and "第 2 行「1201,44」" in text and "另存为 .xlsx" in text
    plain = [[c.replace(",", ".") for c in r] for r in rows]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(plain)
    assert read_enterprises(path).data["emissions_t"].tolist() == [0.115, 2.5, 1.25]
