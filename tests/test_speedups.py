"""The shortcuts taken for speed give what the long way gives (issue 11 item 1)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from shapely.geometry import box

from landgov.core.distinct import per_distinct_text
from landgov.core.missing import is_missing
from landgov.core.plausible import _as_date, _rows
from landgov.core.runfolder import _sheet_names, _sheets
from landgov.ids import (
    USCC_ALPHABET,
    check_parcel_code,
    check_uscc,
    normalize_code,
    normalize_uscc,
    uscc_check_char,
)
from landgov.io._codes import add_uscc_status, standard_parcel_codes
from landgov.io._convert import _convert_one, convert_values
from landgov.io._geometry import find_overlaps
from landgov.io.enterprises import scale_is_above
from landgov.io.fields import FieldSpec, Kind
from landgov.io.links import relation_of
from landgov.io.tables import _structural_reason, _structural_reasons
from landgov.run.files import parquet_ready, write_parquet
from landgov.screening._common import _Firms, _usccs_by_parcel, shared_lookups
from landgov.verdict import Citation, Status, Verdict

_TAX = FieldSpec("tax_wan", "税收", Kind.NUMBER, ("税收",), "万元")
_AREA = FieldSpec("area_used_m2", "使用面积", Kind.NUMBER, ("使用面积",), "m2")
_TOWN = FieldSpec("township", "镇街", Kind.TEXT, ("镇街",))
_DAY = FieldSpec("supply_date", "供地日期", Kind.DATE, ("供地日期",))

# --- convert_values: each distinct text once, plain numbers without the text parser ----------

_CELLS = [
    "12.5", "0012", "7", 3, 2.5, 0, 0.0, -1, -2.5, "-3", "1" * 400, "12.5万元", "1,234.5",
    "１２３．５", "—", "", None, math.nan, math.inf, True, "(12.5)", "1e3", "2.3亩", "abc",
    "0.1", 0.1, "12.5", "12.5", 1e308,
]  # fmt: skip


def _one_by_one(values: list[object], spec: FieldSpec, unit: str | None) -> tuple[list, list]:
    out, problems = [], []
    for i, value in enumerate(values):
        parsed, text, action, _ = _convert_one(value, spec, unit)
        out.append(math.nan if parsed is None and spec.kind is Kind.NUMBER else parsed)
        if text:
            problems.append((i, text, action))
    return out, problems


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b and type(a) is type(b)


@pytest.mark.parametrize(
    ("spec", "header_unit"),
    [(_TAX, None), (_TAX, "元"), (_TAX, "千元"), (_AREA, None), (_AREA, "亩"), (_AREA, "公顷")],
)
def test_number_column_is_converted_as_cell_by_cell(spec: FieldSpec, header_unit: str) -> None:
    series, problems = convert_values(_CELLS, spec, header_unit)
    expected, expected_problems = _one_by_one(_CELLS, spec, header_unit)
    got = [float(v) for v in series]
    assert all(_same(g, float(e)) for g, e in zip(got, expected, strict=True)), (got, expected)
    assert [(p.position, p.problem, p.action) for p in problems] == expected_problems


@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(min_value=-(10**30), max_value=10**30),
            st.from_regex(r"[0-9]{1,20}(\.[0-9]{1,20})?", fullmatch=True),
            st.text(max_size=6),
        ),
        max_size=30,
    )
)
def test_any_number_column_matches_cell_by_cell(values: list[object]) -> None:
    for header_unit in (None, "元", "亩"):
        spec = _AREA if header_unit == "亩" else _TAX
        series, problems = convert_values(values, spec, header_unit)
        expected, expected_problems = _one_by_one(values, spec, header_unit)
        assert all(_same(float(g), float(e)) for g, e in zip(series, expected, strict=True))
        assert [(p.position, p.problem, p.action) for p in problems] == expected_problems


@pytest.mark.parametrize(
    ("spec", "cells"),
    [
        (_TOWN, ["斗门街道", " 斗门街道 ", "斗门街道", "", None, 12.0, "马山街道"]),
        (_DAY, ["2021-03-05", "2021-03-05", "2021/3/5", "不详", "2021-02-30", None, "2021-03-05"]),
    ],
)
def test_repeated_text_cells_convert_like_single_ones(spec: FieldSpec, cells: list) -> None:
    series, problems = convert_values(cells, spec, None)
    expected, expected_problems = _one_by_one(cells, spec, None)
    assert series.tolist() == [None if e is None else e for e in expected] or all(
        (pd.isna(g) and e is None) or g == e for g, e in zip(series, expected, strict=True)
    )
    assert [(p.position, p.problem, p.action) for p in problems] == expected_problems


_CODE = FieldSpec("uscc", "统一社会信用代码", Kind.CODE, ("统一社会信用代码",))
_cell = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.from_regex(r"[0-9A-Za-z]{1,20}", fullmatch=True),
    st.from_regex(r"[0-9]{1,20}(\.[0-9]{1,20})?", fullmatch=True),
    st.sampled_from(["NA", "nan", "NULL", "None", "NaT", "1E5", "1e+05", "2.5E3", "9E", "E9"]),
    st.sampled_from(["９１３３", " 91 33 ", "913-3", "—", "", "  ", "无", "x", "①"]),
    st.text(max_size=6),
    # days as 「2021-03-05」 (read in Arrow, io._convert._plain_dates), those that do not exist
    # (「2019-02-29」, 「2021-13-01」, year 0000) and near forms left to the parser
    st.from_regex(r"[0-9]{4}-[01][0-9]-[0-3][0-9]", fullmatch=True),
    st.dates().map(dt.date.isoformat),
    st.sampled_from(["2019-02-29", "0000-01-01", "0999-12-31", "2021-03-05 ", "２０２１-03-05"]),
)


@given(st.lists(_cell, max_size=40))
def test_code_text_and_number_columns_match_cell_by_cell(values: list[object]) -> None:
    """The column-wise pass gives what :func:`_convert_one` gives cell by cell, problems too."""
    for spec, unit in ((_CODE, None), (_TOWN, None), (_TAX, None), (_TAX, "元"), (_DAY, None)):
        series, problems = convert_values(values, spec, unit)
        expected, expected_problems = _one_by_one(values, spec, unit)
        got = series.tolist()
        if spec.kind is Kind.NUMBER:
            assert all(_same(float(g), float(e)) for g, e in zip(got, expected, strict=True))
        else:
            want = [None if e is None else e for e in expected]
            assert [None if g is None or g is pd.NA else g for g in got] == want or all(
                (pd.isna(g) and e is None) or (g == e and type(g) is type(e))
                for g, e in zip(got, want, strict=True)
            )
        assert [(p.position, p.problem, p.action) for p in problems] == expected_problems
        if spec.kind is Kind.CODE:
            severities = [p.severity for p in problems]
            assert severities == [
                _convert_one(values[p.position], spec, unit)[3] or p.severity for p in problems
            ]


# --- sheet names from the workbook part ---------------------------------------------------------


def test_sheet_names_are_read_from_the_workbook_part(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "底数清单"
    wb.create_sheet("A&B <治理>")
    wb.create_sheet("问题记录")
    (tmp_path / "landgov.xlsx").parent.mkdir(exist_ok=True)
    wb.save(tmp_path / "landgov.xlsx")
    assert _sheet_names(tmp_path / "landgov.xlsx") == ["底数清单", "A&B <治理>", "问题记录"]
    assert _sheets(tmp_path) == ["底数清单", "A&B <治理>", "问题记录"]


def test_a_file_that_is_not_a_workbook_gives_no_names(tmp_path: Path) -> None:
    bad = tmp_path / "landgov.xlsx"
    bad.write_bytes(b"not a zip file")
    assert _sheet_names(bad) is None


# --- GeoParquet: types kept, the rest as text ---------------------------------------------------


def _verdict() -> Verdict:
    return Verdict("screening.idle", Status.PASS, "已动工", Citation("004", "二(一)1"))


def test_parquet_keeps_types_and_writes_objects_as_text(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {
            "parcel_id": ["A", "B", None],
            "low_efficiency": pd.array([True, None, False], dtype="boolean"),
            "idle_years": pd.array([1, None, 3], dtype="Int64"),
            "supply_date": [dt.date(2020, 1, 2), None, dt.date(2021, 3, 4)],
            "records": [("安全", "一般"), (), None],
            "verdict": [_verdict(), None, _verdict()],
            "mixed": [1, "二", None],
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), None],
        crs="EPSG:4549",
    )
    ready = parquet_ready(frame)
    assert ready["records"].tolist() == ["安全；一般", "", None]
    assert ready["verdict"].iloc[0] == _verdict().explain() and ready["verdict"].iloc[1] is None
    assert ready["mixed"].tolist() == ["1", "二", None]
    write_parquet(frame, tmp_path / "out.parquet")
    back = gpd.read_parquet(tmp_path / "out.parquet")
    assert back.crs.to_epsg() == 4549 and len(back) == 3
    assert back["low_efficiency"].tolist()[0] is True and pd.isna(back["low_efficiency"][1])
    assert back["idle_years"].tolist()[2] == 3 and pd.isna(back["idle_years"][1])
    assert back["supply_date"].tolist()[0] == dt.date(2020, 1, 2)
    assert frame["records"].iloc[0] == ("安全", "一般")  # the input is not changed


# --- one enterprise table per screening -----------------------------------------------------


def test_shared_lookups_build_once_inside_and_anew_outside() -> None:
    ents = pd.DataFrame({"uscc": ["U1", "U2"], "above_scale": [True, None]})
    parcels = pd.DataFrame({"parcel_id": ["P1", "P2"]})
    pairs = pd.DataFrame({"parcel_id": ["P1", "P1", "P2"], "uscc": ["U1", "U2", "U2"]})
    outside = _Firms(ents)
    assert _Firms(ents) is not outside
    with shared_lookups():
        first = _Firms(ents)
        assert _Firms(ents) is first
        assert _Firms(ents.copy()) is not first  # another frame, another table
        assert _usccs_by_parcel(parcels, pairs) is _usccs_by_parcel(parcels, pairs)
        assert first.get("U1", "above_scale") is True and first.get("U2", "above_scale") is None
    assert _Firms(ents) is not first
    assert _usccs_by_parcel(parcels, pairs).tolist() == [("U1", "U2"), ("U2",)]


# --- USCC status for a whole column -------------------------------------------------------------

_uscc_body = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)
_uscc_cell = st.one_of(
    _uscc_body.map(lambda b: b + uscc_check_char(b)),  # valid
    _uscc_body.map(lambda b: b + uscc_check_char(b)).map(lambda c: c.lower()),
    _uscc_body.map(lambda b: b[:8] + "XXXX" + b[12:] + uscc_check_char(b[:8] + "XXXX" + b[12:])),
    _uscc_body.map(lambda b: b + "0"),  # mostly a wrong check character
    _uscc_body.map(lambda b: " " + b + uscc_check_char(b) + "-"),
    st.text(alphabet=USCC_ALPHABET + "IOSVZ*-－ a", max_size=20),
    st.sampled_from([None, math.nan, "", "—", 913306, True]),
)


@given(st.lists(_uscc_cell, max_size=30))
def test_uscc_status_of_a_column_is_the_status_of_each_cell(cells: list[object]) -> None:
    frame = pd.DataFrame({"uscc": pd.Series(cells, dtype=object), "after": 1})
    raw, statuses = add_uscc_status(frame)
    assert [type(v) for v in raw] == [type(v) for v in cells]
    assert statuses == [check_uscc(v) for v in cells]
    want = [normalize_uscc(v) or None for v in cells]
    assert [None if pd.isna(v) else v for v in frame["uscc"]] == want
    assert frame["uscc_status"].tolist() == [s.value for s in statuses]
    assert list(frame.columns) == ["uscc", "uscc_status", "after"]


# --- plausibility checks: dates and source rows without the generic missing test ----------------


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.dates(),
            st.datetimes(),
            st.sampled_from([math.nan, pd.NaT, pd.NA, "", "2021-01-01", 3]),
        ),
        max_size=20,
    )
)
def test_plausible_dates_and_rows_read_as_before(values: list[object]) -> None:
    for value in values:
        want = (
            None
            if is_missing(value)
            else value.date()
            if isinstance(value, dt.datetime)
            else (value if isinstance(value, dt.date) else None)
        )
        assert _as_date(value) == want and type(_as_date(value)) is type(want)
    frame = pd.DataFrame({"source_row": pd.Series(range(2, 2 + len(values)), dtype="int64")})
    assert _rows(frame) == list(range(2, 2 + len(values)))
    assert all(type(r) is int for r in _rows(frame))
    nullable = frame.astype({"source_row": "Int64"})
    if len(values):
        nullable.loc[0, "source_row"] = pd.NA
        assert _rows(nullable)[0] is None and _rows(nullable)[1:] == _rows(frame)[1:]


# --- rows that are not data: asked only for the candidate rows ----------------------------------

_row_text = st.one_of(
    st.just(""),
    st.sampled_from(
        ["合计", "合 计", " 小计", "总合计", "累计", "小型企业", "注：数据来源", "注1."]
    ),
    st.just("名称"),  # the header names below, often: repeated header rows
    st.just("税收"),
    st.just("名称"),
    st.just("税收"),
    st.text(alphabet="合计小 总注：1a", max_size=4),
)


@given(st.integers(1, 5).flatmap(lambda w: st.lists(st.lists(_row_text, min_size=w, max_size=w))))
def test_structural_reasons_of_a_table_are_those_of_each_row(rows: list[list[str]]) -> None:
    width = len(rows[0]) if rows else 3
    for header in ({}, {0: "名称", min(1, width - 1): "税收"}, {0: "名称"}):
        assert _structural_reasons(rows, header) == [_structural_reason(r, header) for r in rows]
    band = [["小型企业", "", "税收"][:width], ["名称", "税收"]]  # a caption row over the names
    assert _structural_reasons(rows, {0: "名称"}, None, band) == [
        _structural_reason(r, {0: "名称"}, None, band) for r in rows
    ]


_parcel_cell = st.one_of(
    st.from_regex(r"[0-9]{12}[A-Z]{2}[0-9]{5}", fullmatch=True),
    st.from_regex(r"[0-9]{12}[A-Za-z]{2}[0-9]{4,6}", fullmatch=True),
    st.sampled_from(["３３０６０２００１００２ＧＢ０００１７", " 330602001002GB00017"]),
    st.sampled_from(["NAN", None]),
    st.sampled_from([math.nan, 330602, "", "330602001002GB0001７", "330602001002GB00017\n"]),
    st.text(alphabet="0123GBgb -", max_size=21),
)


@given(st.lists(_parcel_cell, max_size=30))
def test_standard_parcel_codes_need_no_check(cells: list[object]) -> None:
    standard = standard_parcel_codes(cells)
    for cell, ok in zip(cells, standard.tolist(), strict=True):
        if ok:
            assert check_parcel_code(cell).ok and normalize_code(cell) == cell
        else:  # a cell left to the check is one the fast pass may not claim
            assert not (type(cell) is str and cell.isascii() and check_parcel_code(cell).ok
                        and normalize_code(cell) == cell and len(cell) == 19)  # fmt: skip


@given(st.lists(st.one_of(st.sampled_from(["规上", " 规下", "规上", "自有", "租用", "", "—"]),
                          st.none(), st.floats(), st.text(max_size=3))))  # fmt: skip
def test_per_distinct_text_reads_like_each_cell(values: list[object]) -> None:
    calls: list[object] = []

    def read(value: object) -> object:
        calls.append(value)
        return (scale_is_above(value), relation_of(value))

    want = [(scale_is_above(v), relation_of(v)) for v in values]
    assert per_distinct_text(read, values) == want
    texts = [v for v in values if type(v) is str]
    assert len([c for c in calls if type(c) is str]) == len(set(texts))


# --- overlapping parcels: touching neighbours dropped before the intersection ------------------

_box = st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(1, 15), st.integers(1, 15))


@given(st.lists(_box, max_size=12), st.sampled_from([0.5, 1.0, 20.0]))
def test_overlaps_are_those_of_the_intersection_areas(boxes: list, min_area: float) -> None:
    geoms = gpd.GeoSeries([box(x, y, x + w, y + h) for x, y, w, h in boxes], crs=4549)
    want = [
        (i, j, geoms[i].intersection(geoms[j]).area)
        for i in range(len(geoms))
        for j in range(i + 1, len(geoms))
        if geoms[i].intersection(geoms[j]).area > min_area
    ]
    assert sorted(find_overlaps(geoms, min_area_m2=min_area)) == want


# --- codes and missing texts: the shortcuts for plain ASCII text ------------------------------

_ascii_text = st.one_of(
    st.text(alphabet=st.characters(max_codepoint=127), max_size=12),
    st.sampled_from([" NaN ", "N/A", "<NA>", "None", "-", "--", "\\", " null\t", "x", "Na"]),
)


@given(st.one_of(_ascii_text, st.text(max_size=12)))
def test_missing_text_reads_as_its_normal_form(text: str) -> None:
    import unicodedata

    from landgov.core.missing import MISSING_TEXT

    key = unicodedata.normalize("NFKC", text).strip().casefold()
    assert is_missing(text) == (key in MISSING_TEXT)


@given(st.one_of(_uscc_cell, _ascii_text, st.text(alphabet="913306AB-－—　 ３", max_size=20)))
def test_normalized_uscc_is_the_code_without_dashes(value: object) -> None:
    import re

    assert normalize_uscc(value) == re.sub(r"[\-－—]", "", normalize_code(value))


@given(
    st.one_of(st.floats(allow_nan=False, min_value=-1e6, max_value=1e6), st.integers(-9, 9)),
    st.sampled_from([0.7, 5.0, 5, 1.0, 1, True, 0.0, 1000.0, float("nan")]),
)
def test_value_shown_against_a_threshold_as_written_each_time(value: float, threshold) -> None:
    from landgov.core.compare import MEASURED_DIGITS, measured, shown
    from landgov.core.missing import format_number

    text = format_number(value)
    want = text
    if text == format_number(threshold) and measured(float(value)) != threshold:
        want = format_number(value, digits=MEASURED_DIGITS)
    assert shown(value, threshold) == want


@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "913306", "", " a"])), max_size=20),
    st.sets(st.one_of(st.sampled_from(["a", "913306", "", "c"]), st.text(max_size=3))),
    st.sampled_from(["str", "string[pyarrow]", "string[python]", "object"]),
)
def test_link_membership_is_isin(cells: list, values: set, dtype: str) -> None:
    from landgov.core.distinct import isin_texts

    column = pd.Series(cells, dtype=dtype, name="uscc", index=[f"r{i}" for i in range(len(cells))])
    pd.testing.assert_series_equal(isin_texts(column, values), column.isin(values))


@given(st.one_of(st.text(max_size=12), st.integers(), st.floats(), st.booleans(), st.none()))
def test_header_is_normalized_as_written_each_time(text: object) -> None:
    import re
    import unicodedata

    from landgov.io.fields import normalize_header

    want = re.sub(
        r"[\s_\-·.:：、/／]+", "", unicodedata.normalize("NFKC", str(text)).strip().casefold()
    )
    assert normalize_header(text) == normalize_header(text) == want
