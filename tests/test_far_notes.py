"""The 容积率 notes worded per distinct combination equal the per-parcel wording."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from landgov.far.ratio import FarSource, _notes


def _reference(frame: pd.DataFrame, source: pd.Series) -> pd.Series:
    """The per-parcel wording the vectorised :func:`_notes` replaced."""
    notes = []
    for idx, src in source.items():
        row = frame.loc[idx]
        parts = []
        n = row["n_buildings"]
        if pd.notna(n) and n > 0:
            if row["n_unknown"] > 0:
                parts.append(f"{int(row['n_unknown'])} 栋建筑缺层数和高度，建筑记录不完整")
            if row["n_doubled"] > 0:
                parts.append(
                    f"{int(row['n_doubled'])} 栋建筑层高超过限值，计容建筑面积加倍计算"
                    "（实际建筑面积不加倍）"
                )
        if src == FarSource.NONE:
            parts.append("无建筑记录、登记建筑面积、登记容积率或高度栅格，容积率待核实")
        notes.append("；".join(parts))
    return pd.Series(notes, index=source.index, dtype=object)


_count = st.one_of(st.just(np.nan), st.integers(0, 3).map(float))
_row = st.tuples(_count, _count, _count, st.sampled_from(list(FarSource)))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(_row, max_size=15), start=st.integers(0, 5))
def test_notes_equal_the_per_parcel_wording(rows, start):
    index = pd.RangeIndex(start, start + len(rows))
    frame = pd.DataFrame(
        [r[:3] for r in rows], columns=["n_buildings", "n_unknown", "n_doubled"], index=index
    )
    frame = frame.astype("float64")
    source = pd.Series([r[3].value for r in rows], index=index, dtype=object)
    got = _notes(frame, source)
    assert got.index.equals(index)
    assert got.tolist() == _reference(frame, source).tolist()


def test_notes_name_both_counts_and_the_missing_source():
    frame = pd.DataFrame({"n_buildings": [3.0], "n_unknown": [1.0], "n_doubled": [2.0]})
    got = _notes(frame, pd.Series([FarSource.NONE.value]))
    assert got[0] == (
        "1 栋建筑缺层数和高度，建筑记录不完整；2 栋建筑层高超过限值，计容建筑面积加倍计算"
        "（实际建筑面积不加倍）；无建筑记录、登记建筑面积、登记容积率或高度栅格，容积率待核实"
    )
