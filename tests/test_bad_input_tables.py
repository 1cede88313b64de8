"""Hostile tables from the tables audit: CSV encodings named, ``_xHHHH_`` escapes in .xlsx
text, dots leading a form's file name, blank names, one problem row per error cell, and rows
pasted twice."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from landgov.core.textfile import TextFileError, read_text
from landgov.errors import EncodingError, SchemaError
from landgov.io import read_enterprises
from landgov.reports.chushen import write_forms
from landgov.reports.filenames import safe_filename

# --- file names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("../../APPESC2_甲公司", "_.._APPESC2_甲公司"),
        (".._.._APPESC2", "_.._APPESC2"),
        (". .甲", "甲"),
        ("\u3000.甲.\u3000", "甲"),
    ],
)
def test_a_file_name_never_begins_with_a_dot(text: str, expected: str) -> None:
    assert safe_filename(text) == expected


def test_a_form_of_an_application_id_beginning_with_dots_is_not_hidden(tmp_path: Path) -> None:
    from tests.test_chushen import _row

    rows = pd.DataFrame([_row(application_id="../../APPESC2", township="马山街道")])
    written = write_forms(rows, tmp_path)
    assert [p.name for p in written] == ["_.._APPESC2_绍兴某某机械有限公司.docx"]
    assert not any(p.name.startswith(".") for p in tmp_path.rglob("*"))


# --- one cause, one row ----------------------------------------------------------------------

A = "91330100470102706G"
B = "913304007429141869"
C = "91330106MAEUDLLYXY"


def _xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业"
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_an_excel_error_in_the_scale_column_is_one_error_row_not_also_a_blank(
    tmp_path: Path,
) -> None:
    path = _xlsx(
        tmp_path / "企业.xlsx",
        [
            ["统一社会信用代码", "企业名称", "规上/规下"],
            [A, "甲公司", "#VALUE!"],
            [B, "乙公司", None],
        ],
    )
    problems = read_enterprises(path).problems
    scale = problems[problems["field"] == "规上/规下"]
    assert scale[["row", "severity"]].values.tolist() == [[2, "错误"], [3, "警告"]]
    assert "Excel 错误值「#VALUE!」" in scale["problem"].iat[0]
    assert scale["problem"].iat[1] == "规上/规下未填写"  # a blank cell still says so


# --- OOXML escapes in .xlsx text -------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _shared_strings_xlsx(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    """A workbook whose text cells are shared strings written exactly as given (as Excel
    writes them: ``_x0007_`` for a control character), not as openpyxl would escape them."""
    wb = Workbook()
    wb.active.title = "企业"
    wb.save(path)
    strings: list[str] = []
    cells = []
    for r, row in enumerate(rows, start=1):
        refs = []
        for c, text in enumerate(row):
            strings.append(text)
            refs.append(f'<c r="{chr(65 + c)}{r}" t="s"><v>{len(strings) - 1}</v></c>')
        cells.append(f'<row r="{r}">{"".join(refs)}</row>')
    sst = "".join(f"<si><t>{escape(t)}</t></si>" for t in strings)
    parts = {}
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (
        f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(cells)}</sheetData></worksheet>'
    ).encode()
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{sst}</sst>'
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/></Types>',
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Type="{_SST_REL}" Target="sharedStrings.xml" Id="rId99"/></Relationships>',
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def test_openpyxl_itself_keeps_the_escape_of_a_control_character(tmp_path: Path) -> None:
    """The premise: openpyxl gives 「_x0007_」 as text (so landgov decodes it)."""
    path = _shared_strings_xlsx(tmp_path / "e.xlsx", [["企业名称"], ["绍兴_x0007_响铃"]])
    assert load_workbook(path).active["A2"].value == "绍兴_x0007_响铃"


def test_an_escaped_control_character_in_an_xlsx_name_is_decoded(tmp_path: Path) -> None:
    path = _shared_strings_xlsx(
        tmp_path / "企业.xlsx",
        [
            ["统一社会信用代码", "企业名称", "规上/规下"],
            [A, "绍兴_x0007_响铃纺织有限公司", "规上"],
            [B, "乙_x4E2D_公司", "规上"],  # no control character: kept as typed
            [C, "丙_x000A_分厂", "规上"],  # a line break typed with Alt+Enter
        ],
    )
    names = read_enterprises(path).data["name"].tolist()
    assert names == ["绍兴\x07响铃纺织有限公司", "乙_x4E2D_公司", "丙\n分厂"]


# --- CSV encodings named ---------------------------------------------------------------------

_CSV = "统一社会信用代码,企业名称,规上/规下\r\n91330100470102706G,一甲纺织有限公司,规上\r\n"


@pytest.mark.parametrize(("codec", "label"), [("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")])
def test_utf16_without_a_byte_order_mark_is_read_and_said(
    tmp_path: Path, codec: str, label: str
) -> None:
    path = tmp_path / "企业.csv"
    path.write_bytes(_CSV.encode(codec))
    result = read_enterprises(path)
    assert result.data["name"].tolist() == ["一甲纺织有限公司"]
    assert result.meta["encoding"] == codec
    note = result.problems[result.problems["problem"].str.contains("没有字节顺序标记")]
    assert note["severity"].tolist() == ["提示"]
    assert label in note["problem"].iat[0]
    assert "另存为「CSV UTF-8（逗号分隔）」" in note["action"].iat[0]


def test_utf16_without_a_byte_order_mark_cut_short_is_refused_naming_utf16(
    tmp_path: Path,
) -> None:
    path = tmp_path / "企业.csv"
    path.write_bytes(_CSV.encode("utf-16-le")[:-1])
    with pytest.raises(EncodingError) as caught:
        read_enterprises(path)
    said = str(caught.value)
    assert "UTF-16 编码但没有字节顺序标记" in said and "另存为「CSV UTF-8（逗号分隔）」" in said
    assert "第 2 行既不是" not in said


def test_a_config_file_in_utf16_without_a_byte_order_mark_is_named(tmp_path: Path) -> None:
    path = tmp_path / "landgov.toml"
    path.write_bytes('[screening]\n"低效" = 1\n'.encode("utf-16-le"))
    with pytest.raises(TextFileError, match="UTF-16 编码的文本，但没有字节顺序标记"):
        read_text(path)


_BIG5 = "統一社會信用代碼,企業名稱\r\n91330100470102706G,紹興市越城區甲紡織有限公司\r\n"


def test_a_big5_csv_is_named_not_read_as_mojibake(tmp_path: Path) -> None:
    path = tmp_path / "企业.csv"
    path.write_bytes(_BIG5.encode("big5"))
    with pytest.raises(SchemaError) as caught:
        read_enterprises(path)
    said = str(caught.value)
    assert "文件看起来是 Big5（繁体中文）" in said
    assert "另存为「CSV UTF-8（逗号分隔）」" in said


def test_a_big5_csv_whose_header_matches_as_big5_is_read_as_big5_with_a_warning(
    tmp_path: Path,
) -> None:
    path = tmp_path / "企业.csv"
    path.write_bytes(_BIG5.encode("big5"))
    result = read_enterprises(path, aliases={"uscc": ["統一社會信用代碼"], "name": ["企業名稱"]})
    assert result.data["name"].tolist() == ["紹興市越城區甲紡織有限公司"]
    assert result.meta["encoding"] == "cp950"
    warned = result.problems[result.problems["problem"].str.contains("Big5")]
    assert warned["severity"].tolist() == ["警告"]
    assert "繁体字" in warned["problem"].iat[0]


def test_a_gbk_csv_is_still_gbk(tmp_path: Path) -> None:
    path = tmp_path / "企业.csv"
    path.write_bytes(_CSV.encode("gbk"))
    result = read_enterprises(path)
    assert result.meta["encoding"] == "gb18030"
    assert result.data["name"].tolist() == ["一甲纺织有限公司"]


def test_a_gbk_csv_with_a_made_up_rare_character_stays_gbk_and_is_said(tmp_path: Path) -> None:
    # a 生僻字 made in GBK's user-defined area (U+E000 is GBK AAA1); the ASCII header reads
    # alike as Big5, which would turn every other name into other characters
    name = "绍兴\ue000纺织有限公司"
    path = tmp_path / "企业.csv"
    path.write_bytes(f"uscc,name\r\n91330100470102706G,{name}\r\n".encode("gb18030"))
    result = read_enterprises(path)
    assert result.meta["encoding"] == "gb18030"
    assert result.data["name"].tolist() == [name]
    warned = result.problems[result.problems["problem"].str.contains("私用区")]
    assert warned["severity"].tolist() == ["警告"]
