"""A sheet whose rows are rows of an earlier sheet takes their cells (``KeptCells``).

The 治理清单's rows are rows of the 底数清单, with the same columns: their cell ends and the
lines their texts wrap to are taken from the 底数清单's instead of being made again. The
workbook must be the same byte for byte as one written without that, whatever the columns
hold (hostile text that is fixed, formula-like text, -0.0 beside 0.0, dates, missing values),
and a column whose values differ from the earlier sheet's at those rows is made anew.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landgov.reports import _sheetxml as sx
from landgov.reports import excel
from landgov.reports._sheetxml import KeptCells
from tests.test_sheetxml_fast import _tables


class _Off(KeptCells):
    """Keeps nothing: the workbook as written without reuse."""

    def keep(self, *args: object, **kwargs: object) -> None:
        return None


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}  # its time


def _both(tmp_path: Path, sheets: list[tuple[str, pd.DataFrame]]) -> tuple[dict, dict, int]:
    """The workbook with and without reuse, and how many columns were converted with it."""
    calls = []
    tails = sx._Column.tails

    def counted(self: sx._Column, *args: object, **kwargs: object) -> np.ndarray:
        calls.append(self.col)
        return tails(self, *args, **kwargs)

    with mock.patch.object(sx._Column, "tails", counted):
        kept = excel.write_workbook(sheets, tmp_path / "kept.xlsx")
    with mock.patch.object(excel, "KeptCells", _Off):
        plain = excel.write_workbook(sheets, tmp_path / "plain.xlsx")
    assert kept.fixes == plain.fixes
    return _members(tmp_path / "kept.xlsx"), _members(tmp_path / "plain.xlsx"), len(calls)


def _lists() -> tuple[pd.DataFrame, pd.DataFrame]:
    long = "理由：" + "亩均税收低于本地标准，属低效用地；" * 12
    base = pd.DataFrame(
        {
            "parcel_id": [f"330604001001GB{k:05d}" for k in range(8)],
            "reasons": [long, "待核实\x01缺少税收", "=1+2", long + "乙", None, "", " 前后 ", long],
            "area_mu": [1.5, 0.0, -0.0, np.nan, 2.25, 1e16, 3.0, 4.0],
            "supply_date": ["2019-05-01", None, "2020-01-31", "2021-12-31", None, None, "", None],
            "n": pd.array([1, None, 3, 4, 5, None, 7, 8], dtype="Int64"),
        },
        index=[10, 11, 12, 13, 14, 15, 16, 17],
    )
    governance = base.loc[[16, 12, 10, 11, 14]]
    return base, governance


def test_a_sheet_of_rows_of_an_earlier_one_is_written_the_same(tmp_path: Path) -> None:
    base, governance = _lists()
    kept, plain, converted = _both(tmp_path, [("底数清单", base), ("治理清单", governance)])
    assert kept == plain
    assert converted == base.shape[1]  # the 治理清单's columns were all taken, none made


def test_a_column_that_differs_at_those_rows_is_made_again(tmp_path: Path) -> None:
    base, governance = _lists()
    governance = governance.copy()
    governance.loc[12, "area_mu"] = 0.0  # -0.0 in the 底数清单, written 「-0」 there
    governance.loc[11, "reasons"] = "已核实"
    kept, plain, converted = _both(tmp_path, [("底数清单", base), ("治理清单", governance)])
    assert kept == plain
    assert converted == base.shape[1] + 2


def test_rows_not_all_in_the_earlier_sheet_are_made_again(tmp_path: Path) -> None:
    base, governance = _lists()
    extra = pd.concat([governance, base.loc[[17]].set_axis([99])])  # a label it does not hold
    kept, plain, converted = _both(tmp_path, [("底数清单", base), ("治理清单", extra)])
    assert kept == plain
    assert converted == 2 * base.shape[1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables(), st.data(), st.sampled_from([(100_000, 2_000), (5, 2), (3, 7)]))
def test_random_rows_of_random_columns(
    case: tuple[pd.DataFrame, list[float | None]],
    data: st.DataObject,
    chunks: tuple[int, int],
) -> None:
    """Any rows of any columns, in any order; a table of more than one chunk is never kept."""
    import tempfile

    table, _ = case
    rows = (
        data.draw(st.lists(st.sampled_from(range(len(table))), unique=True)) if len(table) else []
    )
    with (
        mock.patch.object(sx, "CHUNK_ROWS", chunks[0]),
        mock.patch.object(sx, "JOIN_ROWS", chunks[1]),
        tempfile.TemporaryDirectory() as folder,
    ):
        kept, plain, _ = _both(Path(folder), [("底数清单", table), ("治理清单", table.iloc[rows])])
    assert kept == plain


def _kept(*tables: pd.DataFrame) -> list[int]:
    """Which of ``tables`` (positions) a workbook of them keeps."""
    sources = KeptCells(tables)._sources
    return [k for k, t in enumerate(tables) if any(t.index is s for s in sources)]


def test_only_tables_whose_rows_are_rows_of_a_later_one_are_kept() -> None:
    base, governance = _lists()
    unrelated = pd.DataFrame({"parcel_id": ["另一宗"] * 3}, index=[10, 11, 12])
    assert _kept(base, governance, unrelated) == [0]
    assert _kept(governance, base) == []  # the earlier holds fewer rows
    numbered = pd.DataFrame({"parcel_id": ["甲", "乙", "丙"]})  # a RangeIndex, other values
    assert _kept(numbered, pd.DataFrame({"parcel_id": ["丁"]})) == []
    assert _kept(numbered, numbered.iloc[:2]) == [0]
    assert _kept(numbered, pd.DataFrame({"other": ["甲"]})) == []  # no column in common
