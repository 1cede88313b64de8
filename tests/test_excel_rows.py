"""The data rows written column by column (``landgov.reports._sheetxml``) read back exactly as
the per-cell writers wrote them.

References are built in each test: the per-cell XlsxWriter loop main used before the rows were
spliced in (:func:`_per_cell_workbook`, a copy of that loop over the same layout), and the
openpyxl writer (:func:`~landgov.reports.excel.write_sheets` into an existing workbook), which
still writes cell by cell. Values, cell types, number formats, quote prefixes, wrapping, row
heights, the 待核实 highlight and the recorded text fixes must all match.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from landgov.core.problems import PROBLEM_COLUMNS
from landgov.reports import excel
from landgov.reports._sheetxml import CHUNK_ROWS

LONG = "长" * 40_000


def _tricky(n: int = 7) -> pd.DataFrame:
    """Every kind of value a sheet meets, in columns of each dtype."""
    texts = ["=1+2", "+86 575", "-", "@SUM(A1)", "#N/A", " 前后空格 ", "a&b<c>d"]
    more = ["甲\x01公司", "行一\r\n行二", "待核实", "", None, LONG, "_x0041_ 原样"]
    rows = {
        "parcel_id": [f"P{k:03d}" for k in range(n)],
        "holder": [texts[k % len(texts)] for k in range(n)],
        "reasons": [more[k % len(more)] for k in range(n)],
        "area_mu": np.linspace(0.1, 1e6, n),
        "tax_per_mu": [1.5, np.nan, -2.25, 1e-9, 123456789.123, 0.0, 3.0][:n],
        "n_links": np.arange(n, dtype="int64") * 1_000_003,
        "count": pd.array([1, None, 3, 4, None, 6, 7][:n], dtype="Int64"),
        "is_ok": [True, False, True, True, False, False, True][:n],
        "maybe": pd.array([True, None, False, None, True, False, None][:n], dtype="boolean"),
        "approve_date": ["2024-01-31", "不详", None, "2019-12-01", "", "1900-01-01", "2026-06-30"][
            :n
        ],
        "stamp": pd.to_datetime(
            [
                "2024-05-06 07:08:09",
                None,
                "1900-02-27 00:00:00",
                None,
                None,
                None,
                "2030-12-31 23:59:59",
            ][:n]
        ),
        "flags": [["a", "b"], [], None, ["=x"], ["待核实"], ("t",), {"s"}][:n],
        "status": ["待核实", "治理", "待核实", None, "不列入", "待核实", "治理"][:n],
        "mixed": [1, "一", 2.5, dt.date(2020, 2, 29), None, True, "3"][:n],
    }
    return pd.DataFrame(rows)


def _per_cell_workbook(sheets: list[tuple[str, pd.DataFrame]], path: Path) -> list:
    """main's XlsxWriter writer: one write_* call per cell (the reference)."""
    wb = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
         "strings_to_urls": False},
    )  # fmt: skip
    fmts = excel._Formats(wb)
    fixes = []
    for name, frame in sheets:
        ws = wb.add_worksheet(name)
        table = excel._table(frame)
        layout = excel._layout(table, {}, None, excel._DEFAULT_STYLE)
        texts = excel._Texts(name, layout.headers)
        if layout.header_height is not None:
            ws.set_row(0, layout.header_height)
        for j, head in enumerate(layout.headers):
            ws.write_string(0, j, texts.text(head, 1, j + 1), fmts.header)
        for i, row in enumerate(table.itertuples(index=False, name=None), start=1):
            if (height := layout.heights[i - 1]) is not None:
                ws.set_row(i, height)
            for j, raw in enumerate(row):
                value = texts.value(raw, i + 1, j + 1)
                wrap = layout.wrapped[j]
                if value is None:
                    continue
                if isinstance(value, str):
                    value = value.replace("\r\n", "\n").replace("\r", "\n")
                    quote = excel.is_formula_like(value)
                    ws.write_string(i, j, value, fmts.get(None, wrap, quote))
                elif isinstance(value, dt.date):
                    fmt = layout.formats[j] or excel._DATE_FORMAT
                    ws.write_datetime(i, j, value, fmts.get(fmt, wrap, False))
                else:
                    ws.write_number(i, j, value, fmts.get(layout.formats[j], wrap, False))
        excel._frame_xlsxwriter(ws, layout, fmts, len(layout.headers))
        fixes += texts.fixes
    wb.close()
    return fixes


def _cells(path: Path) -> dict:
    """Every cell of every sheet as it reads back, with what shows it."""
    book = load_workbook(path)
    out = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                fmt = c.number_format if c.data_type in "nd" else None
                out[ws.title, c.coordinate] = (
                    c.value, c.data_type, fmt, bool(c.quotePrefix), bool(c.alignment.wrap_text),
                    c.alignment.vertical,
                )  # fmt: skip
        heights = {k: d.height for k, d in ws.row_dimensions.items() if d.height}
        out[ws.title, "heights"] = heights
        out[ws.title, "highlight"] = [
            (str(r.sqref), [x.formula for x in r.rules]) for r in ws.conditional_formatting
        ]
        out[ws.title, "filter"] = (ws.auto_filter.ref, ws.freeze_panes)
    return out


class TestSameAsPerCell:
    def test_tricky_values_read_back_as_the_per_cell_writer_wrote_them(
        self, tmp_path: Path
    ) -> None:
        sheets = [("底数清单", _tricky()), ("空表", _tricky().iloc[:0])]
        want = _per_cell_workbook(sheets, tmp_path / "ref.xlsx")
        written = excel.write_workbook(sheets, tmp_path / "new.xlsx")
        ref, new = _cells(tmp_path / "ref.xlsx"), _cells(tmp_path / "new.xlsx")
        assert new == ref
        assert list(written.fixes) == want
        assert {(f.column, f.cut, f.replaced) for f in written.fixes} >= {
            ("C", False, True), ("C", True, False),
        }  # fmt: skip

    def test_formula_like_text_is_a_quoted_string_cell(self, tmp_path: Path) -> None:
        excel.write_workbook([("表", _tricky())], tmp_path / "a.xlsx")
        ws = load_workbook(tmp_path / "a.xlsx")["表"]
        holders = {c.value: c for (c,) in ws.iter_rows(min_row=2, min_col=2, max_col=2)}
        for text in ("=1+2", "+86 575", "-", "@SUM(A1)", "#N/A"):
            assert holders[text].data_type == "s" and holders[text].quotePrefix, text
        assert not holders[" 前后空格 "].quotePrefix and holders["a&b<c>d"].data_type == "s"

    def test_many_rows_cross_chunks_in_order(self, tmp_path: Path) -> None:
        n = CHUNK_ROWS + 5
        frame = pd.DataFrame(
            {"parcel_id": [f"P{k}" for k in range(n)], "area_mu": np.arange(n) / 4}
        )
        excel.write_workbook([("底数清单", frame)], tmp_path / "a.xlsx")
        back = pd.read_excel(tmp_path / "a.xlsx", sheet_name="底数清单")
        assert list(back.iloc[:, 0]) == list(frame["parcel_id"])
        assert np.array_equal(back.iloc[:, 1].to_numpy(), frame["area_mu"].to_numpy())
        with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
            xml = z.read("xl/worksheets/sheet1.xml").decode()
        assert f'<dimension ref="A1:B{n + 1}"/>' in xml

    def test_problem_rows_of_cut_and_cleaned_cells_land_in_the_problems_sheet(
        self, tmp_path: Path
    ) -> None:
        problems = pd.DataFrame(columns=PROBLEM_COLUMNS)
        written = excel.write_workbook(
            [("底数清单", _tricky()), ("问题记录", problems)],
            tmp_path / "a.xlsx",
            problems_sheet="问题记录",
        )
        back = pd.read_excel(tmp_path / "a.xlsx", sheet_name="问题记录")
        assert len(back) == len(written.fixes) == 2
        assert back.iloc[:, 1].tolist() == [f.row for f in written.fixes]

    @pytest.mark.parametrize("openpyxl_path", [False, True])
    def test_a_problems_field_is_shown_in_chinese(
        self, tmp_path: Path, openpyxl_path: bool
    ) -> None:
        # a stage records the column it computed from, a reader the header of the user's file:
        # the sheet shows the first by its label and keeps the second as the user wrote it
        fields = ["tax_wan", "tax_per_mu、tax_per_power", "geometry", "实缴税金", None]
        problems = pd.DataFrame({c: [None] * len(fields) for c in PROBLEM_COLUMNS})
        problems["field"] = fields
        problems["problem"] = "示例问题"
        path = tmp_path / "a.xlsx"
        if openpyxl_path:  # a sheet added to an existing workbook with an openpyxl decorate
            Workbook().save(path)
            spec = excel.SheetSpec(problems, "问题记录", problems=True, decorate=lambda ws, t: None)
            excel.write_sheets([spec], path)
        else:
            excel.write_workbook([("问题记录", problems)], path, problems_sheet="问题记录")
        back = pd.read_excel(path, sheet_name="问题记录", dtype=object)["字段"]
        assert back.where(back.notna(), None).tolist() == [
            "税收（万元）",
            "亩均税收（万元/亩）、单位电耗税收（万元/万千瓦时）",
            "图形",
            "实缴税金",
            None,
        ]

    def test_infinity_fails_as_before(self, tmp_path: Path) -> None:
        frame = pd.DataFrame({"area_mu": [1.0, np.inf]})
        with pytest.raises(TypeError, match="NAN/INF"):
            excel.write_workbook([("表", frame)], tmp_path / "a.xlsx")


class TestSameAsOpenpyxl:
    @staticmethod
    def _specs(decorate: object = None) -> list[excel.SheetSpec]:
        style = excel.SheetStyle(freeze_columns=2, wrap=frozenset({"reasons"}), totals=1)
        problems = pd.DataFrame(columns=PROBLEM_COLUMNS)
        return [
            excel.SheetSpec(_tricky(), "增容审查", style=style, decorate=decorate),
            excel.SheetSpec(problems, "增容问题记录", problems=True, decorate=decorate),
            excel.SheetSpec(_tricky().iloc[:3], "政策依据", decorate=decorate),
        ]

    def test_a_new_workbook_reads_back_as_the_openpyxl_writer_writes_it(
        self, tmp_path: Path
    ) -> None:
        (tmp_path / "old").mkdir()
        (tmp_path / "new").mkdir()
        old = tmp_path / "old" / "x.xlsx"
        book = Workbook()
        book.active.title = "placeholder"
        book.save(old)  # an existing workbook: write_sheets fills it cell by cell (openpyxl)
        # a decorate hook keeps write_sheets on openpyxl (no zip-level merge)
        want = excel.write_sheets(self._specs(lambda ws, table: None), old)
        got = excel.write_sheets(self._specs(), tmp_path / "new" / "x.xlsx")  # spliced rows
        ref = {k: v for k, v in _cells(old).items() if k[0] != "placeholder"}
        new = _cells(tmp_path / "new" / "x.xlsx")
        # XlsxWriter's two conventions (module docstring of landgov.reports.excel): a carriage
        # return is stored as a line feed, and a literal 「_x0041_」 is escaped as _x005F_x0041_
        # (Excel shows it as typed; openpyxl reads the escape back)
        for key in [("增容审查", "C3"), ("增容审查", "C9"), ("政策依据", "C3")]:
            value = ref[key][0].replace("\r\n", "\n").replace("_x0041_", "_x005F_x0041_")
            ref[key] = (value, *ref[key][1:])
        strip = {k: v for k, v in ref.items() if k[1] not in {"heights", "highlight", "filter"}}
        assert {k: v[:4] for k, v in new.items() if k in strip} == {
            k: v[:4] for k, v in strip.items()
        }
        assert set(new) == set(ref)
        for sheet in ("增容审查", "增容问题记录", "政策依据"):
            for part in ("heights", "highlight", "filter"):
                assert new[sheet, part] == ref[sheet, part], (sheet, part)
        assert [f.row for f in got.fixes] == [f.row for f in want.fixes]
        assert got.fixes == want.fixes


class TestRowHeights:
    def test_wide_characters_and_line_breaks_count(self) -> None:
        assert excel._lines("甲" * 26, 47.0) == 1  # 26 × 1.75 = 45.5 units
        assert excel._lines("甲" * 27, 47.0) == 2  # 47.25 units: one more line
        assert excel._lines("a" * 47, 47.0) == 1 and excel._lines("a" * 48, 47.0) == 2
        assert excel._lines("一\n\n二", 47.0) == 3  # an empty line is a line
        # a credit code is not broken inside: Chinese text around one ends its line short
        mixed = "甲" * 20 + "，91330602270261212J，" + "乙" * 20  # 91.5 units: 2 lines by width
        assert excel._lines(mixed, 47.0) == 3
        assert excel._lines("甲" * 20 + "，91330602，" + "乙" * 20, 47.0) == 2  # short code

    def test_the_packet_rows_fit_its_printed_columns_not_the_notes_beyond(
        self, tmp_path: Path
    ) -> None:
        from landgov.reports.packet import STYLE

        n = STYLE.print_columns or 0
        frame = pd.DataFrame({f"c{k}": ["短"] * 2 for k in range(n)})
        frame["c6"] = ["甲" * 100, "乙"]  # printed and wrapped: 4 lines at width 48
        frame["note"] = ["丙" * 400, "丁" * 400]  # beyond the printed columns, wrapped
        style = excel.SheetStyle(wrap=frozenset({"c6", "note"}), print_columns=n)
        for fit, want in ((False, [15 * 15.0, 15 * 15.0]), (True, [4 * 15.0, None])):
            layout = excel._layout(
                frame, {}, None, excel.SheetStyle(**{**style.__dict__, "heights_from_print": fit})
            )
            assert layout.heights == want, fit
        assert STYLE.heights_from_print


# --- column widths: a column measured until it is wide enough ----------------------------------

_CELL = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.text(alphabet=st.sampled_from(list("ab1 \n·–甲乙，（）〔〕ＡＢ")), max_size=140),
)


@settings(max_examples=150, deadline=None)
@example([["x" * 65, None, 1], ["x" * 80, "甲" * 31, 2]], {"a": 75.0})  # wider than 60, not 75
@given(
    st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=0, max_size=25),
    st.dictionaries(st.sampled_from(["a", "b"]), st.sampled_from([8.0, 30.5, 61.0, 75.0])),
)
def test_columns_are_laid_out_as_if_every_value_were_measured(
    rows: list[list[object]], fixed: dict[str, float]
) -> None:
    """A column stops being measured at a value from which the layout is the same (wrapped at
    its set width); widths and wrapping are those of measuring every value."""
    table = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=object)
    style = excel.SheetStyle(widths=tuple(fixed.items()))
    layout = excel._layout(table, {}, None, style, heights=False)
    exact = excel._content_widths(table, layout.headers, enough=10**9)
    for name, content, width, wrap in zip(
        table.columns, exact, layout.widths, layout.wrapped, strict=True
    ):
        if name in fixed:
            assert (width, wrap) == (fixed[name], content + 1 > fixed[name])
        else:
            assert (width, wrap) == (excel._auto_width(content), content > excel._MAX_WIDTH)
    plain = excel.plain_widths(table)
    assert plain == [(excel._auto_width(w), w > excel._MAX_WIDTH) for w in exact] or not len(table)
