"""Area fields in 亩 or 公顷 where m² is meant: one check for every layer that carries both a
shape and a ledger area (宗地面积 of the parcel layer, 批准面积/已供面积/未供面积 of the
批而未供 layer).

A header with its unit (``面积（公顷）``) is converted when the layer is read; a header with
none is read as m². When the layer's shapes are, in the median, ~666.7 (亩) or ~10,000 (公顷)
times the figures of such a field, the field is not in m². When the header names a unit and
the shapes are ~1 (m²), ~666.7 (亩) or ~10,000 (公顷) times the figures as written, while that
is not the header's unit (「宗地面积（公顷）」 holding 10000 for a 1 公顷 plot), the figures are
not in the header's unit either: read as written they would make the plot 10,000 times too
large (and its 容积率 from a recorded 容积率 × 登记面积 as much too high). Which unit it is in
cannot be read from the file, so the field (and the fields read with it) is set aside — left
missing — and the problems table says so once (警告) with the ratio and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from landgov.core.problems import ProblemLog, Severity
from landgov.io.numbers import unit_factor
from landgov.units import M2_PER_HECTARE, M2_PER_MU

__all__ = ["set_aside_area_in_wrong_unit"]

#: units a ledger area is given in, by how many m² one of them is
_AREA_UNITS = {"平方米": 1.0, "亩": M2_PER_MU, "公顷": M2_PER_HECTARE}
#: a unit as written in a .dbf field name of at most 10 bytes (「面积(平方米)」 takes 12 in GBK)
_IN_NAME = {"平方米": "m2"}
#: how far the layer's median (shape ÷ figure) may be from a unit's m² and still be that unit
_AREA_UNIT_TOLERANCE = 0.1


def set_aside_area_in_wrong_unit(
    frame: pd.DataFrame,
    columns: Sequence[str],
    log: ProblemLog,
    field_map: Mapping[str, str],
    *,
    item: str,
    consequence: str,
    shape_column: str = "area_m2",
    header_units: Mapping[str, str] | None = None,
    action: str | None = None,
) -> str | None:
    """Set ``columns`` to missing when the first of them is in 亩 or 公顷, not m² — or, when
    its header names a unit (``header_units``: the reader's ``meta["header_units"]``), in
    another of m², 亩 and 公顷 than that one.

    The ratio is the median, over the rows where both are above zero, of the shape's area
    (``shape_column``) over the figure in ``columns[0]`` (the field that stands for the
    whole shape; a part such as 未供面积 is set aside with it but not compared). ``item``
    names one row in the message (宗地, 批次), ``consequence`` says what is used instead.
    Returns the unit it looks like, or ``None`` when the field reads as m² (nothing changed).
    ``action``: the fix, when the field is no layer's (the default says how to rename a
    layer's field).
    """
    present = [c for c in columns if c in frame.columns]
    if not present or columns[0] not in frame.columns or shape_column not in frame.columns:
        return None
    key = columns[0]
    declared = pd.to_numeric(frame[key], errors="coerce")
    shape = pd.to_numeric(frame[shape_column], errors="coerce")
    both = (declared > 0) & (shape > 0)
    if not both.any():
        return None
    written = (header_units or {}).get(key)
    factor = float(unit_factor(written, unit="m2") or 1) if written else 1.0
    # shape ÷ the figure as written in the file (before the header's unit was applied)
    ratio = float((shape[both] / declared[both]).median()) * factor
    unit = next(
        (
            u
            for u, m2 in _AREA_UNITS.items()
            if abs(ratio / m2 - 1) <= _AREA_UNIT_TOLERANCE
            and abs(factor / m2 - 1) > _AREA_UNIT_TOLERANCE  # not the unit it was read in
        ),
        None,
    )
    if unit is None:
        return None
    source = field_map.get(key, key)
    names = [field_map.get(c, c) for c in present]
    others = [n for n in names if n != source]
    also = f"，同层的{''.join(f'「{n}」' for n in others)}也不读取" if others else ""
    first = both.idxmax()
    row = frame.at[first, "source_row"] if "source_row" in frame.columns else first
    example = "如其中一" if pd.isna(row) else f"如第 {row} 行"
    read_as = f"按表头所写的{written}读取" if written else "按面积（平方米）读取"
    log.add(
        f"字段「{source}」{read_as}，但各{item}的图形面积是该字段数值的约 "
        f"{ratio:,.1f} 倍（{int(both.sum())} 个{item}的中位数；"
        f"{example}{item}图形 {shape[first]:,.1f} 平方米，该字段 {declared[first] / factor:g}），"
        f"像是以{unit}为单位；单位无法从文件确定，未读取该字段{also}（{consequence}）",
        field=source,
        value=f"{ratio:,.1f}",
        action=action
        or (
            f"核实{''.join(f'「{n}」' for n in names)}的单位，在 ArcGIS/QGIS 中把字段改为写明"
            f"单位的名称（如「面积({_IN_NAME.get(unit, unit)})」，不超过 10 字节）"
            "或换算为平方米后重新导出"
        ),
        severity=Severity.WARNING,
    )
    for column in present:
        frame[column] = np.nan
    return unit
