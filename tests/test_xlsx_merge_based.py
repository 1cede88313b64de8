"""A draft written with its formats past a base (``write_sheets(..., base=...)``) goes into the
zip-level merge as it is, its sheets' compressed bytes copied, and the merged workbook looks
as the merge of a draft written without the base: same values, every cell the same style
(``benchmarks/compare_styles.py``); only ``styles.xml`` differs (fillers). Where the base does
not hold, the draft's sheets are restyled as before."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from landgov.reports import _xlsxmerge, excel
from landgov.reports._xlsxmerge import RESERVED, StyleBase
from tests._xlsxcompare import differences
from tests.test_xlsx_merge import _far, _screening

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from compare_styles import compare

_SHEETS = ("增容审查", "增容问题记录", "政策依据")


def _members(path: Path) -> dict[str, tuple[int, int, int]]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        return {i.filename: (i.CRC, i.compress_size, i.file_size) for i in z.infolist()}


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its part in the workbook at ``path``."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    target = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    target |= {k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
    return {
        name: "xl/" + target[rid].removeprefix("/xl/")
        for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', xml)
    }


def _counts(path: Path) -> tuple[int, int]:
    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
    xfs = re.search(r'<cellXfs count="(\d+)"', styles)
    dxfs = re.search(r'<dxfs count="(\d+)"', styles)
    return int(xfs.group(1)) if xfs else 0, int(dxfs.group(1)) if dxfs else 0


def _merged(tmp_path: Path, base: StyleBase | None, merge_base: StyleBase | None) -> Path:
    """The screening workbook with far's sheets from a draft written at ``base``, merged as
    at ``merge_base`` (beside it: ``old.xlsx`` and ``draft/landgov.xlsx``)."""
    folder = tmp_path / f"{base}-{merge_base}".replace(" ", "")
    folder.mkdir()
    old, draft, out = folder / "old.xlsx", folder / "draft" / "landgov.xlsx", folder / "out.xlsx"
    _screening(old)
    excel.write_sheets(_far(), draft, base=base)
    _xlsxmerge.merge(old, draft, out, base=merge_base)
    return out


@pytest.fixture
def rewritten(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The draft sheets the merge inflates and rewrites (a spy on ``_rewrite``)."""
    calls: list[str] = []
    rewrite = _xlsxmerge._rewrite
    monkeypatch.setattr(
        _xlsxmerge, "_rewrite", lambda src, name, *a: calls.append(name) or rewrite(src, name, *a)
    )
    return calls


@pytest.fixture
def today(tmp_path: Path) -> Path:
    """The merge as main does it: a draft without a base, its sheets restyled."""
    return _merged(tmp_path, None, None)


def test_a_based_draft_goes_in_as_it_is_and_looks_the_same(
    tmp_path: Path, today: Path, rewritten: list[str]
) -> None:
    rewritten.clear()
    got = _merged(tmp_path, RESERVED, RESERVED)
    assert rewritten == []
    old, draft = got.parent / "old.xlsx", got.parent / "draft" / "landgov.xlsx"
    assert differences(today, got) == []
    assert compare(today, got) == 0
    # far's sheets: the draft's compressed bytes, unchanged
    members, drafted = _members(got), _members(draft)
    parts, drafted_parts = _sheet_parts(got), _sheet_parts(draft)
    for name in _SHEETS:
        assert members[parts[name]] == drafted[drafted_parts[name]], name
    # the screening's formats, fillers up to the base, the draft's own formats: as many as
    # the draft has, the screening's first
    assert _counts(old)[0] < RESERVED.xf and _counts(old)[1] < RESERVED.dxf
    assert _counts(got) == _counts(draft)
    with zipfile.ZipFile(old) as a, zipfile.ZipFile(got) as b:
        before, after = (re.search(rb"<cellXfs[^>]*>(.*?)</cellXfs>", z.read("xl/styles.xml"),
                                   re.S).group(1) for z in (a, b))  # fmt: skip
    assert after.startswith(before)
    book = load_workbook(got)
    assert [bool(ws.sheet_view.tabSelected) for ws in book] == [True] + [False] * 5


def test_the_draft_refers_to_no_filler(tmp_path: Path) -> None:
    """Pins what the base relies on of XlsxWriter: every style index of a sheet it writes
    (``s``, ``style``, ``dxfId``) is moved by the splice, none left under the base."""
    plain, based = tmp_path / "plain" / "landgov.xlsx", tmp_path / "based" / "landgov.xlsx"
    excel.write_sheets(_far(), plain)
    excel.write_sheets(_far(), based, base=RESERVED)
    assert differences(plain, based) == []
    with zipfile.ZipFile(based) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        styles = z.read("xl/styles.xml").decode()
    n_xf, n_dxf = _counts(based)
    assert (n_xf, n_dxf) == (_counts(plain)[0] + RESERVED.xf, _counts(plain)[1] + RESERVED.dxf)
    assert styles.count(_xlsxmerge.FILLER_XF) >= RESERVED.xf
    seen = set()
    for xml in sheets:
        assert b"tabSelected" not in xml
        for kind, value in re.findall(rb' (s|style|dxfId)="(\d+)"', xml):
            seen.add(kind)
            top = n_dxf if kind == b"dxfId" else n_xf
            low = RESERVED.dxf if kind == b"dxfId" else RESERVED.xf
            assert low <= int(value) < top, (kind, value)
    assert seen == {b"s", b"dxfId"}


@pytest.mark.parametrize(
    ("base", "merge_base"),
    [
        (StyleBase(xf=8, dxf=8), StyleBase(xf=8, dxf=8)),  # screening formats past the base
        (StyleBase(xf=64, dxf=0), StyleBase(xf=64, dxf=0)),  # its dxf past the base
        (None, RESERVED),  # a draft written without the base
        (StyleBase(xf=32, dxf=8), RESERVED),  # a base past the draft's
        (RESERVED, None),  # a based draft merged as any draft
    ],
)
def test_where_the_base_does_not_hold_the_sheets_are_restyled(
    tmp_path: Path,
    today: Path,
    rewritten: list[str],
    base: StyleBase | None,
    merge_base: StyleBase | None,
) -> None:
    rewritten.clear()
    got = _merged(tmp_path, base, merge_base)
    assert len(rewritten) == len(_SHEETS)
    assert differences(today, got) == []
    assert compare(today, got) == 0
    book = load_workbook(got)
    assert [bool(ws.sheet_view.tabSelected) for ws in book] == [True] + [False] * 5


def test_a_based_draft_replacing_every_sheet_selects_its_first(tmp_path: Path, today: Path) -> None:
    sheets = {}
    for base in (None, RESERVED):
        folder = tmp_path / str(base is None)
        old, draft, out = folder / "old.xlsx", folder / "d" / "x.xlsx", folder / "out.xlsx"
        excel.write_sheets(_far(), old)  # only sheets the draft replaces
        excel.write_sheets(_far(), draft, base=base)
        _xlsxmerge.merge(old, draft, out, base=base)
        sheets[base] = out
    assert differences(sheets[None], sheets[RESERVED]) == []
    assert compare(sheets[None], sheets[RESERVED]) == 0
    book = load_workbook(sheets[RESERVED])
    assert [bool(ws.sheet_view.tabSelected) for ws in book] == [True, False, False]


def test_a_base_is_for_a_new_workbook(tmp_path: Path) -> None:
    path = tmp_path / "landgov.xlsx"
    _screening(path)
    with pytest.raises(ValueError, match="new workbook"):
        excel.write_sheets(_far(), path, base=RESERVED)


def test_far_merges_a_based_draft_only_into_a_workbook(tmp_path: Path) -> None:
    from landgov.run.far import _merged as far_merged

    draft, xlsx = tmp_path / "part" / "landgov.xlsx", tmp_path / "landgov.xlsx"
    excel.write_sheets(_far(), draft, base=RESERVED)
    assert not far_merged(draft, xlsx, RESERVED)  # no workbook: written again, not the draft
    assert not xlsx.exists()
    _screening(xlsx)
    assert far_merged(draft, xlsx, RESERVED)
    assert load_workbook(xlsx).sheetnames[-3:] == list(_SHEETS)


def test_a_based_merge_opens_in_libreoffice(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed")
    path = _merged(tmp_path, RESERVED, RESERVED)
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(tmp_path / "csv"), str(path)],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    csvs = sorted(p.name for p in (tmp_path / "csv").glob("*.csv"))
    assert len(csvs) == 6, (done.stdout, done.stderr)
    text = (tmp_path / "csv" / "out-增容审查.csv").read_text(encoding="utf-8")
    assert "P000" in text


def test_sheets_written_into_a_workbook_go_in_as_they_are(
    tmp_path: Path, rewritten: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``write_sheets`` into an existing workbook (``far`` after ``screen``) drafts the sheets
    with their formats past the workbook's: no filler, the styles as the restyled merge's."""
    before, path = tmp_path / "before" / "landgov.xlsx", tmp_path / "after" / "landgov.xlsx"
    for book in (before, path):
        _screening(book)
    with monkeypatch.context() as patch:  # a draft at 0: restyled, as main merged it
        patch.setattr(excel, "base_of", lambda _: StyleBase(0, 0))
        excel.write_sheets(_far(), before)
    assert len(rewritten) == len(_SHEETS)
    rewritten.clear()
    excel.write_sheets(_far(), path)
    assert rewritten == []
    assert differences(before, path) == []
    assert compare(before, path) == 0
    with zipfile.ZipFile(before) as a, zipfile.ZipFile(path) as b:
        assert a.read("xl/styles.xml") == b.read("xl/styles.xml")
    excel.write_sheets(_far(), path)  # again: far's sheets replaced, their formats kept
    assert rewritten == []
    assert [bool(ws.sheet_view.tabSelected) for ws in load_workbook(path)] == [True] + [False] * 5
