"""The vectorised rows of ``landgov.reports._sheetxml`` are byte for byte the rows main wrote.

The reference (:func:`_reference_rows`) is main's assembly: each value converted on its own
(:meth:`_Column.per_value`, main's per-cell conversion) and each row joined in Python. The fast
path factorises each column and converts its distinct values once; on random text (control
characters, markup, escapes, white space at the ends, formula-like text, long text), numbers
(NaN, -0.0, huge and tiny), dates, booleans, missing values and mixed columns, both write the
same string and report the same fixes and extent.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landgov.core.safe_text import formula_like_each, is_formula_like
from landgov.reports import _sheetxml as sx
from landgov.reports import excel
from landgov.reports._sheetxml import ColumnStyles

_STYLES = ColumnStyles(text=1, quoted=2, number=3, date=4, stamp=5)


def _serial() -> object:
    book = xlsxwriter.Workbook(io.BytesIO())
    return book.add_worksheet()._convert_date_time


def _reference_rows(
    table: pd.DataFrame, heights: list[float | None], *, empty_text: bool
) -> tuple[str, int, int, list]:
    """main's write_rows: per-value conversion, rows joined one by one."""
    serial = _serial()
    columns = [
        sx._Column(j, _STYLES, serial, empty_text=empty_text) for j in range(1, table.shape[1] + 1)
    ]
    out, fixes = [], []
    last_row = last_col = 0
    for begin in range(0, len(table), sx.CHUNK_ROWS):
        part = table.iloc[begin : begin + sx.CHUNK_ROWS]
        rows = [str(i) for i in range(begin + 2, begin + 2 + len(part))]
        cells = []
        for j, column in enumerate(columns):
            ends = column.per_value(part.iloc[:, j], begin + 2, fixes)
            pairs = zip(rows, ends, strict=True)
            cells.append([f"{column.start.decode()}{r}{e}" if e else "" for r, e in pairs])
        for k, row_cells in enumerate(zip(*cells, strict=True)):
            body = "".join(row_cells)
            if not body:
                continue
            out.append(sx._row_start(rows[k], heights[begin + k]) + body + "</row>")
            last_row = begin + k + 2
        filled = [j for j, column in enumerate(cells, start=1) if any(column)]
        last_col = max([last_col, *filled])
    fixes.sort(key=lambda fix: (fix[0], fix[1]))
    return "".join(out), last_row, last_col, fixes


def _fast_rows(
    table: pd.DataFrame, heights: list[float | None], *, empty_text: bool
) -> tuple[str, int, int, list]:
    buf = io.BytesIO()
    last_row, last_col, fixes = sx.write_rows(
        table,
        buf,
        styles=[_STYLES] * table.shape[1],
        heights=heights,
        serial=_serial(),
        empty_text=empty_text,
    )
    return buf.getvalue().decode("utf-8"), last_row, last_col, fixes


def _same(table: pd.DataFrame, heights: list[float | None] | None = None) -> None:
    heights = heights if heights is not None else [None] * len(table)
    for empty_text in (True, False):
        assert _fast_rows(table, heights, empty_text=empty_text) == _reference_rows(
            table, heights, empty_text=empty_text
        )


_CHARS = st.sampled_from(
    list("aZ9 甲乙待核实_x0041F&<>=+-@#/\t\r\n\x00\x01\x0b\x0c\x0e\x1f\x7f\x85")
    + list("\u2028\ufffe\uffff\ud800\u3000\xa0𠮷")
)
_TEXT = st.one_of(
    st.text(_CHARS, max_size=12),
    st.sampled_from(["=1+2", "#N/A", "#DIV/0!", "_x0041_", " 前后 ", "", "-", "待核实"]),
)
_NUMBER = st.one_of(
    st.floats(allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e16, 1e-300, 123456789.123, 1 / 3]),
)
_DATE = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
_STAMP = st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1))
_MISSING = st.sampled_from([None, np.nan, pd.NA, pd.NaT])


def _column(n: int) -> st.SearchStrategy[pd.Series]:
    def of(values: st.SearchStrategy, dtype: object = object) -> st.SearchStrategy[pd.Series]:
        return st.lists(values, min_size=n, max_size=n).map(lambda v: pd.Series(v, dtype=dtype))

    storable = _TEXT.map(lambda t: t.replace("\ud800", "?"))  # Arrow holds no lone surrogate
    texts = st.one_of(storable, st.sampled_from([None, np.nan]))
    return st.one_of(
        of(st.one_of(_TEXT, _MISSING)),
        of(texts, "str"),
        of(_NUMBER, "float64"),
        of(st.integers(-(2**62), 2**62), "int64"),
        of(st.booleans(), "bool"),
        of(st.one_of(st.integers(-1000, 1000), st.none()), "Int64"),
        of(st.one_of(st.booleans(), st.none()), "boolean"),
        of(st.one_of(_DATE, _MISSING)),
        of(st.one_of(_STAMP, st.none()), "datetime64[ns]"),
        of(st.one_of(_STAMP, _MISSING)),
        of(st.one_of(st.booleans(), _MISSING)),
        of(st.one_of(st.integers(-5, 5), _MISSING)),
        of(st.one_of(_TEXT, _NUMBER, st.integers(-3, 3), st.booleans(), _DATE, _STAMP, _MISSING)),
        of(st.one_of(_TEXT, st.lists(_TEXT, max_size=2))),
    )


@st.composite
def _tables(draw: st.DrawFn) -> tuple[pd.DataFrame, list[float | None]]:
    n = draw(st.integers(0, 12))
    columns = draw(st.lists(_column(n), min_size=1, max_size=5))
    table = pd.DataFrame({f"c{k}": col for k, col in enumerate(columns)})
    heights = draw(st.lists(st.sampled_from([None, 30.0, 45.0, 300.0]), min_size=n, max_size=n))
    return table, heights


class TestFastEqualsReference:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_tables(), st.sampled_from([(100_000, 2_000), (5, 2), (3, 7)]))
    def test_random_columns_write_the_same_rows(
        self, case: tuple[pd.DataFrame, list[float | None]], chunks: tuple[int, int]
    ) -> None:
        table, heights = case
        with (
            mock.patch.object(sx, "CHUNK_ROWS", chunks[0]),
            mock.patch.object(sx, "JOIN_ROWS", chunks[1]),
        ):
            _same(table, heights)

    def test_repeats_long_text_and_a_separator_in_a_text(self) -> None:
        long = "长" * 40_000
        table = pd.DataFrame(
            {
                "a": ["甲", "乙\x00丙", "甲", None, long, "甲"],
                "b": [long, "x", long, "=x", "y", ""],
                "c": ["0", "", "", "", "", ""],
            }
        )
        _same(table)

    def test_every_control_character_and_markup_inside_and_at_the_ends(self) -> None:
        odd = [chr(c) for c in range(1, 0x20)] + ["&", "<", ">", "\ud800", "\ufffe", "\u3000"]
        texts = [t for c in odd for t in (f"a{c}b", f"{c}ab", f"ab{c}", f"a{c}{c}&b")]
        _same(pd.DataFrame({"a": texts, "b": texts[::-1]}, dtype=object))

    def test_rows_across_chunks(self) -> None:
        n = 2 * sx.JOIN_ROWS + 3
        table = pd.DataFrame({"a": np.where(np.arange(n) % 7 == 0, None, "t"), "b": np.arange(n)})
        table.loc[n - 1, "a"] = None
        with mock.patch.object(sx, "CHUNK_ROWS", sx.JOIN_ROWS + 1):
            _same(table, [None if k % 5 else 30.0 for k in range(n)])

    def test_empty_rows_at_the_end_leave_the_extent(self) -> None:
        table = pd.DataFrame({"a": ["x", None, None], "b": [np.nan, 2.0, np.nan]})
        text, last_row, last_col, _ = _fast_rows(table, [None] * 3, empty_text=True)
        assert (last_row, last_col) == (3, 2) and '<row r="4"' not in text

    def test_infinity_fails_as_before(self) -> None:
        table = pd.DataFrame({"a": [1.0, -np.inf]})
        with pytest.raises(TypeError, match="NAN/INF"):
            _fast_rows(table, [None] * 2, empty_text=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXT, max_size=20))
def test_formula_like_each_is_is_formula_like_of_each(texts: list[str]) -> None:
    assert formula_like_each(texts).tolist() == [is_formula_like(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=300))
def test_crc32_combine_is_the_crc_of_both(a: bytes, b: bytes) -> None:
    assert sx.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000), st.integers(0, 2**32 - 1))
def test_crc32_is_zlibs_whichever_library(data: bytes, value: int) -> None:
    from landgov.reports import _deflate

    assert _deflate.crc32(data, value) == zlib.crc32(data, value)
    with mock.patch.object(_deflate, "_fast", None):
        assert _deflate.crc32(data, value) == zlib.crc32(data, value)


def test_rows_deflated_in_many_blocks_and_spilled_to_a_file_read_back(tmp_path: Path) -> None:
    n = 3 * sx.JOIN_ROWS + 1
    frame = pd.DataFrame({"parcel_id": [f"P{k}" for k in range(n)], "area_mu": np.arange(n) / 8})
    with mock.patch.object(sx, "_SPOOL_BYTES", 1000):  # past 1,000 bytes the rows go to a file
        excel.write_workbook([("底数清单", frame), ("二", frame.iloc[:5])], tmp_path / "a.xlsx")
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert z.testzip() is None  # every member's CRC checks
    back = pd.read_excel(tmp_path / "a.xlsx", sheet_name=None)
    assert back["底数清单"].iloc[:, 0].tolist() == frame["parcel_id"].tolist()
    assert np.array_equal(back["底数清单"].iloc[:, 1].to_numpy(), frame["area_mu"].to_numpy())
    assert len(back["二"]) == 5
    assert not list(tmp_path.glob(".a.xlsx*"))  # the scratch folder is gone


def _reference_lines(text: str, per: float) -> int:
    """main's per-text line count (landgov.reports.excel._lines before it was vectorised)."""
    total = 0
    for part in text.split("\n"):
        wide = len(part) - len(part.encode("ascii", "ignore"))
        units = len(part) - wide + wide * excel._CJK_WIDTH
        n = max(1, int(np.ceil(units / per)))
        total += n + 1 if n > 1 and wide and excel._LONG_WORD.search(part) else n
    return total


def _reference_heights(table: pd.DataFrame, widths: list[float]) -> list[float | None]:
    """main's row heights: each wrapped cell's text measured on its own."""
    lines = np.ones(len(table))
    for j, width in enumerate(widths):
        need = np.ones(len(table))
        for i, v in enumerate(table.iloc[:, j].tolist()):
            if isinstance(v, str) and v:
                text = v.replace("\r\n", "\n").replace("\r", "\n")
                need[i] = _reference_lines(text, max(1.0, width - 1))
        lines = np.maximum(lines, need)
    lines = np.minimum(lines, excel._MAX_LINES)
    return [None if n <= 1 else float(n * excel._LINE_HEIGHT) for n in lines]


_WORDS = st.sampled_from(["甲" * 30, "91330602270261212J", "GB/T 4754-2017", "a" * 50, "，"])
_LONG_TEXT = st.lists(st.one_of(_TEXT, _WORDS), max_size=6).map("".join)


class TestRowHeightsEqualMain:
    @settings(max_examples=200, deadline=None)
    @given(st.lists(_LONG_TEXT, max_size=8), st.sampled_from([1.0, 7.0, 47.0, 59.0]))
    def test_lines_each_is_main_lines_of_each(self, texts: list[str], per: float) -> None:
        texts = [t.replace("\r\n", "\n").replace("\r", "\n") for t in texts]
        assert excel._lines_each(texts, per).tolist() == [_reference_lines(t, per) for t in texts]

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.integers(0, 10).flatmap(lambda n: st.lists(_column(n), min_size=1, max_size=3)))
    def test_heights_are_main_heights(self, columns: list[pd.Series]) -> None:
        long = [
            pd.Series([v * 9 if isinstance(v, str) else v for v in c.tolist()], dtype=c.dtype)
            for c in columns
        ]
        table = pd.DataFrame({f"c{k}": col for k, col in enumerate([*columns, *long])})
        widths = [48.0, 10.0, 60.0, 2.0, 20.0, 33.0][: table.shape[1]] * 2
        widths = widths[: table.shape[1]]
        got = excel._row_heights(table, widths, [True] * len(widths))
        assert got == _reference_heights(table, widths)


@pytest.mark.parametrize("engine", ["isal", "zlib"])
def test_rows_deflated_by_either_library_give_the_same_workbook(
    tmp_path: Path, engine: str
) -> None:
    """ISA-L where installed, zlib where not (:mod:`landgov.reports._deflate`): the spliced rows
    and the tail compressed after them read back the same from either."""
    from landgov.reports import _deflate

    if engine == "isal" and _deflate.engine() != "isal":
        pytest.skip("python-isal is not installed here")
    n = 2 * sx.JOIN_ROWS + 5
    frame = pd.DataFrame({"parcel_id": [f"宗地{k}" for k in range(n)], "area_mu": np.arange(n) / 3})
    with mock.patch.object(_deflate, "_fast", None if engine == "zlib" else _deflate._fast):
        excel.write_workbook([("底数清单", frame)], tmp_path / "a.xlsx")
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert z.testzip() is None
    back = pd.read_excel(tmp_path / "a.xlsx", sheet_name="底数清单")
    assert back.iloc[:, 0].tolist() == frame["parcel_id"].tolist()
    assert np.allclose(back.iloc[:, 1].to_numpy(), frame["area_mu"].to_numpy())
