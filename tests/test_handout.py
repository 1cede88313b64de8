"""Workbooks ready to hand out (issue 14 item 3), read back with openpyxl.

A small generated district (模拟数据) is screened and checked for 增容 with ``by_township``; the
written workbooks must have Chinese, unique headers, 是/否, real dates, a number format on every
numeric cell, lists that lead with code, name, path, status and reasons (frozen, wrapped,
printed on A3 landscape, fitted to width, header repeated, page numbers), 待核实 highlighted,
全区 outside the filter, a 政策依据 sheet, and one folder per 镇街 with only its plots.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from landgov.reports.excel import SheetStyle, write_sheet, write_workbook
from landgov.reports.townships import TOWNSHIP_DIR
from landgov.run.far import run_far
from landgov.run.files import RunInputs
from landgov.run.screening import run_screening
from landgov.sample import generate
from tests._cli import run_cli
from tests._printsetup import assert_a3_landscape_fit_width

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CODE_LEFT = re.compile(r"\[(参照)?00\d |种子")
_LIST_LEAD = ["宗地代码", "权利人", "镇街", "四个一批路径", "路径状态", "筛查结论", "范围说明"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("sample")
    generate(data, n_parcels=160, seed=7)
    out = tmp_path_factory.mktemp("run") / "out"
    optional = {
        "links": "links.xlsx", "compliance": "compliance.xlsx", "planning": "planning.shp",
        "demolition": "demolition.shp", "townships": "townships.shp",
        "applications": "applications.xlsx", "buildings": "buildings.gpkg",
    }  # fmt: skip
    inputs = RunInputs(
        parcels=data / "parcels.shp",
        enterprises=data / "enterprises.xlsx",
        **{k: data / v for k, v in optional.items() if (data / v).exists()},
    )
    kw = {"profile": "yuecheng-2022", "as_of": "2026-06-30", "out_dir": out}
    run_screening(inputs, progress=False, by_township=True, **kw)
    run_far(inputs, by_township=True, **kw)
    return out


def _book(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def _headers(ws: object) -> list[str]:
    return [c.value for c in next(ws.iter_rows(max_row=1))]  # type: ignore[attr-defined]


def test_headers_are_chinese_and_unique(run_dir: Path) -> None:
    wb = _book(run_dir / "landgov.xlsx")
    for ws in wb:
        heads = _headers(ws)
        assert len(heads) == len(set(heads)), (ws.title, heads)
        english = [h for h in heads if not _CJK.search(str(h))]
        assert not english, (ws.title, english)


def test_cells_are_yes_no_dates_and_formatted_numbers(run_dir: Path) -> None:
    wb = _book(run_dir / "landgov.xlsx")
    seen_date = seen_yes_no = False
    for ws in wb:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                value = cell.value
                assert not isinstance(value, bool), (ws.title, cell.coordinate)
                if isinstance(value, dt.datetime):
                    seen_date = True
                    assert cell.number_format == "yyyy-mm-dd", (ws.title, cell.coordinate)
                elif isinstance(value, int | float) and ws.title != "策略参数":
                    fmt = cell.number_format
                    assert fmt != "General", (ws.title, cell.coordinate, _headers(ws))
                    decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
                    assert decimals <= 4, (ws.title, cell.coordinate, fmt)
                seen_yes_no |= value in ("是", "否")
    assert seen_date and seen_yes_no
    heads = _headers(wb["底数清单"])
    supply = heads.index("供地日期") + 1
    assert isinstance(wb["底数清单"].cell(row=2, column=supply).value, dt.datetime)


def test_no_project_codes_in_any_cell(run_dir: Path) -> None:
    for path in [run_dir / "landgov.xlsx", *run_dir.glob(f"{TOWNSHIP_DIR}/*/*.xlsx")]:
        for ws in _book(path):
            for row in ws.iter_rows(values_only=True):
                for value in row:
                    assert not (isinstance(value, str) and _CODE_LEFT.search(value)), value


@pytest.mark.parametrize("sheet", ["底数清单", "治理清单"])
def test_lists_lead_frozen_wrapped_and_print_on_a3(run_dir: Path, sheet: str) -> None:
    ws = _book(run_dir / "landgov.xlsx")[sheet]
    heads = _headers(ws)
    assert heads[: len(_LIST_LEAD)] == _LIST_LEAD
    assert heads[7] == "理由（含政策依据）"
    assert ws.freeze_panes == "C2"  # 宗地代码 and 权利人 stay in view
    reasons = [c for c in next(ws.iter_cols(min_col=8, max_col=8, min_row=2)) if c.value]
    assert reasons and all(c.alignment.wrap_text for c in reasons)
    assert_a3_landscape_fit_width(ws)
    assert ws.print_area  # the leading columns, legible
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert any('"待核实"' in (r.formula or [""])[0] for r in rules)


def test_scope_note_says_why_unusual_plots_are_listed(run_dir: Path) -> None:
    frame = pd.read_excel(run_dir / "landgov.xlsx", sheet_name="底数清单")
    odd = frame["土地用途"].ne("工业用地") | frame["权利性质"].astype(str).str.contains("划拨")
    assert odd.any()
    assert frame.loc[odd, "范围说明"].notna().all()
    assert frame.loc[~odd & frame["土地用途"].notna(), "范围说明"].isna().all()
    allocated = frame["权利性质"].astype(str).str.contains("划拨")
    assert frame.loc[allocated, "范围说明"].str.contains("划拨用地").all()


def test_district_total_is_outside_the_filter(run_dir: Path) -> None:
    ws = _book(run_dir / "landgov.xlsx")["镇街汇总"]
    towns = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert towns[-1] == "全区" and towns[-2] is None  # one blank row before the total
    last = int(re.sub(r"\D", "", ws.auto_filter.ref.split(":")[1]))
    assert last == len(towns) - 1  # header + towns; the blank row and 全区 are outside


def test_policy_basis_sheet_quotes_every_cited_clause(run_dir: Path) -> None:
    frame = pd.read_excel(run_dir / "landgov.xlsx", sheet_name="政策依据")
    assert list(frame.columns) == ["引用", "文号", "文件名称", "条款", "原文"]
    cited = set(frame["引用"])
    assert "越政发〔2022〕24号 附件3 第三条第1项" in cited
    assert frame["原文"].str.len().gt(5).all()
    packet = pd.read_excel(run_dir / "landgov.xlsx", sheet_name="增容审查")
    text = " ".join(str(v) for v in packet.filter(like="说明").stack().tolist())
    # 「第三条第1项」 and 「第七条第（二）项」 alike (a part may cite its own clause)
    item = r"(?:第\d项|第（[一二三四五六七八九十]+）项)?"
    for ref in re.findall(rf"越政发〔2022〕24号 附件3 第[一二三四五六七八九十]条{item}", text):
        assert ref in cited, ref


def test_params_sheet_in_chinese(run_dir: Path) -> None:
    frame = pd.read_excel(run_dir / "landgov.xlsx", sheet_name="策略参数")
    assert "比较方式" in frame.columns
    assert not set(frame["比较方式"].dropna()) & {"<", "<=", ">", ">="}


def test_one_folder_per_township_with_only_its_plots(run_dir: Path) -> None:
    whole = pd.read_excel(run_dir / "landgov.xlsx", sheet_name="底数清单")
    folders = sorted((run_dir / TOWNSHIP_DIR).iterdir())
    assert {f.name for f in folders} == set(whole["镇街"].fillna("镇街不明"))
    total = 0
    for folder in folders:
        mine = pd.read_excel(folder / "筛查清单.xlsx", sheet_name="底数清单")
        assert set(mine["镇街"].fillna("镇街不明")) == {folder.name}
        total += len(mine)
        assert (folder / "治理地图.png").stat().st_size > 10_000
        packet = pd.read_excel(folder / "增容审查.xlsx", sheet_name="增容审查")
        assert set(packet["镇街"].dropna()) <= {folder.name}
    assert total == len(whole)  # every plot in exactly one folder
    apps = pd.read_excel(run_dir / "landgov.xlsx", sheet_name="增容审查")
    apps = apps[apps["来源"] == "申请审查"]
    forms = list((run_dir / TOWNSHIP_DIR).rglob("*.docx"))
    if len(apps):
        assert forms
    for form in forms:
        assert form.relative_to(run_dir / TOWNSHIP_DIR).parts[0] in set(apps["镇街"])


def test_both_writers_lay_a_sheet_out_alike(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "township": ["甲镇", "乙镇", "全区"],
            "n_parcels": [1, 2, 3],
            "area_mu": [1.23456, 2.0, 3.23456],
            "above_scale": [True, False, None],
            "supply_date": ["2020-01-02", "不详", None],
            "reasons": ["理由" * 40, "待核实", None],
        }
    )
    style = SheetStyle(freeze_columns=1, wrap=frozenset({"reasons"}), totals=1, paper="A3")
    write_workbook([("表", frame)], tmp_path / "a.xlsx", styles={"表": style})
    write_sheet(frame, tmp_path / "b.xlsx", sheet="表", style=style)
    for name in ("a.xlsx", "b.xlsx"):
        ws = _book(tmp_path / name)["表"]
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0] == ("镇街", "宗地数", "面积（亩）", "规上",
                           "供地日期", "理由（含政策依据）")  # fmt: skip
        assert rows[1][3] == "是" and rows[2][3] == "否"
        assert rows[1][4] == dt.datetime(2020, 1, 2) and rows[2][4] == "不详"
        assert rows[3] == (None,) * 6 and rows[4][0] == "全区"
        assert ws.auto_filter.ref == "A1:F3"
        assert ws.freeze_panes == "B2"
        assert ws["C2"].number_format == "#,##0.00" and ws["B2"].number_format == "#,##0"
        assert ws["F2"].alignment.wrap_text and ws.row_dimensions[2].height > 15
        assert str(ws.page_setup.paperSize) == "8"


@pytest.mark.parametrize("command", ["screen", "far"])
def test_by_township_is_an_option(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0 and "--by-township" in result.stdout


def test_a_sheet_without_rows_keeps_its_header(tmp_path: Path) -> None:
    """A list with no plot (a small county, nothing on the 治理清单) is written, not a crash."""
    from landgov.reports.excel import write_workbook

    empty = pd.DataFrame({"parcel_id": pd.Series(dtype=object), "reasons": pd.Series(dtype=object)})
    path = write_workbook([("治理清单", empty)], tmp_path / "a.xlsx").path
    ws = openpyxl.load_workbook(path)["治理清单"]
    assert ws.max_row == 1 and ws.cell(1, 1).value


def test_township_workbooks_print_their_own_governance_list(run_dir: Path) -> None:
    """Each 镇街 workbook has the 治理清单（打印）: its own plots, one row each, titled."""
    from landgov.reports.printlist import PRINT_SHEET

    whole = pd.read_excel(run_dir / "landgov.xlsx", sheet_name=PRINT_SHEET)
    listed = pd.read_excel(run_dir / "landgov.xlsx", sheet_name="治理清单")
    assert sorted(whole["宗地代码"]) == sorted(listed["宗地代码"])
    total = 0
    for folder in sorted((run_dir / TOWNSHIP_DIR).iterdir()):
        book = folder / "筛查清单.xlsx"
        mine = pd.read_excel(book, sheet_name=PRINT_SHEET)
        gov = pd.read_excel(book, sheet_name="治理清单")
        assert sorted(mine["宗地代码"]) == sorted(gov["宗地代码"])
        assert set(mine["镇街"].fillna("镇街不明")) <= {folder.name}
        header = _book(book)[PRINT_SHEET].oddHeader.center.text
        assert folder.name in header and "2026-06-30" in header and "模拟数据" in header
        total += len(mine)
    assert total == len(whole)


@pytest.mark.parametrize("dtype", [object, "str"])
def test_policy_basis_sheet_finds_clauses_cited_in_text_columns_of_any_dtype(dtype: object) -> None:
    from landgov.core.documents import _clauses, cite
    from landgov.policy import load_profile
    from landgov.reports.handout import basis_sheet

    profile = load_profile("yuecheng-2022")
    listed = set(basis_sheet(profile)["引用"])
    code, _, clause = next(
        k for k in _clauses() if cite(*k.partition(" ")[::2]) not in listed
    ).partition(" ")
    short = cite(code, clause)
    reasons = pd.Series([f"理由：见 {short}。", None], dtype=dtype)
    sheet = basis_sheet(profile, [pd.DataFrame({"reasons": reasons})])
    assert short in set(sheet["引用"])
