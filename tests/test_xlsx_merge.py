"""Sheets added to an existing workbook at the zip level (``landgov.reports._xlsxmerge``) read
back as the openpyxl load + save writes them (``tests/_xlsxcompare.py`` says what "as" means),
with the same recorded text fixes; what the merge cannot handle goes through openpyxl."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from landgov.core.problems import PROBLEM_COLUMNS
from landgov.reports import _xlsxmerge, excel
from tests._xlsxcompare import differences
from tests.test_excel_rows import _tricky


def _noop(ws: object, table: object) -> None:
    """A decorate hook that adds nothing: it keeps write_sheets on the openpyxl path."""


def _screening(path: Path) -> None:
    """A small screening workbook: a list with print columns and a title, a problems sheet, a
    split-free 政策依据 that the far sheets replace, gridlines on one sheet."""
    styles = {
        "底数清单": excel.SheetStyle(print_columns=3, title="标题 & 日期", freeze_columns=1),
        "镇街汇总": excel.SheetStyle(gridlines=True, paper="A4"),
    }
    excel.write_workbook(
        [
            ("底数清单", _tricky()),
            ("问题记录", pd.DataFrame(columns=PROBLEM_COLUMNS)),
            ("政策依据", _tricky().iloc[:2]),
            ("镇街汇总", _tricky().iloc[:4]),
        ],
        path,
        problems_sheet="问题记录",
        styles=styles,
    )


def _far(decorate: object = None) -> list[excel.SheetSpec]:
    style = excel.SheetStyle(freeze_columns=2, wrap=frozenset({"reasons"}), totals=1,
                             print_columns=5, verify_prefix=True)  # fmt: skip
    return [
        excel.SheetSpec(_tricky(), "增容审查", style=style, decorate=decorate),
        excel.SheetSpec(
            pd.DataFrame(columns=PROBLEM_COLUMNS), "增容问题记录", problems=True, decorate=decorate
        ),
        excel.SheetSpec(_tricky().iloc[:3], "政策依据", decorate=decorate),
    ]


def _both(tmp_path: Path, make: object) -> tuple[Path, Path]:
    old, new = tmp_path / "old" / "landgov.xlsx", tmp_path / "new" / "landgov.xlsx"
    for path in (old, new):
        path.parent.mkdir()
        make(path)  # type: ignore[operator]
    return old, new


def test_far_sheets_into_a_screening_workbook_read_back_as_through_openpyxl(
    tmp_path: Path,
) -> None:
    old, new = _both(tmp_path, _screening)
    want = excel.write_sheets(_far(_noop), old)
    got = excel.write_sheets(_far(), new)
    assert differences(old, new) == []
    assert got.fixes == want.fixes and len(got.fixes) == 3  # cut / cleaned cells, same rows
    assert got.path == new
    # the replaced 政策依据 goes last, after the kept sheets, as openpyxl puts it
    assert load_workbook(new).sheetnames == [
        "底数清单", "问题记录", "镇街汇总", "增容审查", "增容问题记录", "政策依据"
    ]  # fmt: skip


def test_the_kept_sheets_are_copied_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "landgov.xlsx"
    _screening(path)
    with zipfile.ZipFile(path) as z:
        before = {i.filename: (i.CRC, i.compress_size) for i in z.infolist()}
    excel.write_sheets(_far(), path)
    with zipfile.ZipFile(path) as z:
        after = {i.filename: (i.CRC, i.compress_size) for i in z.infolist()}
        assert z.testzip() is None
    for part in (
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
        "xl/worksheets/sheet4.xml",
    ):
        assert after[part] == before[part], part
    sheets = [n for n in after if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 6  # the replaced 政策依据 gone, its name reused by a new sheet


def test_a_second_run_replaces_the_sheets_instead_of_doubling_them(tmp_path: Path) -> None:
    old, new = _both(tmp_path, _screening)
    excel.write_sheets(_far(_noop), old)
    excel.write_sheets(_far(), new)
    excel.write_sheets(_far(), new)  # far run again into the same folder
    assert differences(old, new) == []
    book = load_workbook(new)
    assert len(book.sheetnames) == len(set(book.sheetnames)) == 6
    names = [n.attr_text for ws in book for n in ws.defined_names.values()]
    assert names == []  # print titles / areas live on their sheets, none left dangling
    assert [ws.print_title_rows for ws in book] == ["$1:$1"] * 6
    with zipfile.ZipFile(new) as z:
        xml = z.read("xl/workbook.xml").decode()
    local = re.findall(r'<definedName name="([^"]+)" localSheetId="(\d+)"', xml)
    assert len(local) == len(set(local))  # one filter / print title / area per sheet
    assert {(n, i) for n, i in local if n == "_xlnm._FilterDatabase"} == {
        ("_xlnm._FilterDatabase", str(k)) for k in range(6)
    }


def test_into_a_workbook_written_by_openpyxl(tmp_path: Path) -> None:
    def make(path: Path) -> None:
        book = Workbook()
        book.active.title = "台账"
        book.active["A1"] = "已有"
        book.active.print_title_rows = "1:1"
        book.save(path)
        excel.write_sheet(_tricky(), path, sheet="核查", decorate=_noop)  # openpyxl

    old, new = _both(tmp_path, make)
    want = excel.write_sheets(_far(_noop), old)
    got = excel.write_sheets(_far(), new)
    assert differences(old, new) == []
    assert got.fixes == want.fixes


def test_a_split_sheet_and_its_note_are_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 4)  # 3 data rows per sheet: 7 rows → 3 parts
    old, new = _both(tmp_path, _screening)
    excel.write_sheets(_far(), old)  # a workbook with split sheets and their notes
    excel.write_sheets(_far(), new)
    got = excel.write_sheets(_far(), new)  # replaced, notes (comments, VML) with them
    assert got.splits["增容审查"] == ("增容审查", "增容审查（续2）", "增容审查（续3）")
    assert differences(old, new) == []
    with zipfile.ZipFile(new) as z:
        names = z.namelist()
    assert sum(n.startswith("xl/comments") for n in names) == sum(
        n.startswith("xl/comments") for n in zipfile.ZipFile(old).namelist()
    )


@pytest.mark.parametrize("kind", ["not a zip", "strict"])
def test_what_the_merge_cannot_handle_goes_through_openpyxl(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "landgov.xlsx"
    if kind == "not a zip":
        path.write_bytes(b"\xd0\xcf\x11\xe0 an encrypted workbook is an OLE file")
    else:
        _screening(path)
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        )
        with zipfile.ZipFile(path, "w") as z:
            for name, data in parts.items():
                z.writestr(name, data)
    with pytest.raises(_xlsxmerge.MergeUnsupportedError):
        _xlsxmerge.check(path)


def test_a_replaced_sheet_with_parts_not_handled_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def make(path: Path) -> None:
        _screening(path)
        book = load_workbook(path)
        ws = book["政策依据"]
        from openpyxl.worksheet.table import Table

        ws.add_table(Table(displayName="T1", ref="A1:B3"))  # a table part: not merged
        book.save(path)

    old, new = _both(tmp_path, make)
    calls: list[Path] = []
    merge = _xlsxmerge.merge
    monkeypatch.setattr(_xlsxmerge, "merge", lambda *a, **k: calls.append(a[0]) or merge(*a, **k))
    excel.write_sheets(_far(_noop), old)
    excel.write_sheets(_far(), new)
    assert calls == [new]  # tried, refused, then openpyxl
    assert differences(old, new) == []
    assert not list(new.parent.glob(".*"))  # no scratch or temporary file left


def test_dropped_sheets_of_a_rerun_stage_removed_at_the_zip_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from landgov.core import runfolder

    old, new = _both(tmp_path, _screening)
    for path in (old, new):
        excel.write_sheets(_far(), path)
    far = ["增容审查", "增容问题记录", "政策依据", "不存在"]

    def refuse(*args: object) -> None:
        raise _xlsxmerge.MergeUnsupportedError("openpyxl path")

    with monkeypatch.context() as patch:
        patch.setattr(_xlsxmerge, "remove_sheets", refuse)
        runfolder._drop_sheets(old, far)  # openpyxl load, del, save
    runfolder._drop_sheets(new, far)
    assert load_workbook(new).sheetnames == ["底数清单", "问题记录", "镇街汇总"]
    assert differences(old, new) == []
    with zipfile.ZipFile(new) as z:
        assert z.testzip() is None
        assert not [n for n in z.namelist() if "comment" in n]
    excel.write_sheets(_far(), new)  # and far's sheets go in again
    assert len(load_workbook(new).sheetnames) == 6


def test_merged_workbook_opens_in_libreoffice(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed")
    path = tmp_path / "landgov.xlsx"
    _screening(path)
    excel.write_sheets(_far(), path)
    excel.write_sheets(_far(), path)
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(tmp_path / "csv"), str(path)],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    csvs = sorted(p.name for p in (tmp_path / "csv").glob("*.csv"))
    assert len(csvs) == 6, (done.stdout, done.stderr)
    text = (tmp_path / "csv" / "landgov-增容审查.csv").read_text(encoding="utf-8")
    assert "P000" in text
