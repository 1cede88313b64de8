"""Area fields in 亩 or 公顷 where m² is meant: one check for every layer that carries both a
shape and a ledger area (宗地面积 of the parcel layer, 批准面积/已供面积/未供面积 of the
批而未供 layer).

A header with its unit (``面积（公顷）``) is converted when the layer is read; a header with
none is read as m². When the layer's shapes are, in the median, ~666.7 (亩) or ~10,000 (公顷)
times the figures of such a field, the field is not in m². Which unit it is in cannot be read
from the file, so the field (and the fields read with it) is set aside — left missing — and
the problems table says so once (警告) with the ratio and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from landgov.core.problems import ProblemLog, Severity
from landgov.units import M2_PER_HECTARE, M2_PER_MU

__all__ = ["set_aside_area_in_wrong_unit"]

#: units a ledger area is given in, by how many m² one of them is
_AREA_UNITS = {"亩": M2_PER_MU, "公顷": M2_PER_HECTARE}
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
) -> str | None:
    """Set ``columns`` to missing when the first of them is in 亩 or 公顷, not m².

    The ratio is the median, over the rows where both are above zero, of the shape's area
    (``shape_column``) over the figure in ``columns[0]`` (the field that stands for the
    whole shape; a part such as 未供面积 is set aside with it but not compared). ``item``
    names one row in the message (宗地, 批次), ``consequence`` says what is used instead.
    Returns the unit it looks like, or ``None`` when the field reads as m² (nothing changed).
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
    ratio = float((shape[both] / declared[both]).median())
    unit = next(
        (u for u, m2 in _AREA_UNITS.items() if abs(ratio / m2 - 1) <= _AREA_UNIT_TOLERANCE), None
    )
    if unit is None:
        return None
    source = field_map.get(key, key)
    names = [field_map.get(c, c) for c in present]
    others = [n for n in names if n != source]
    also = f"，同层的{''.join(f'「{n}」' for n in others)}也不读取" if others else ""
    first = both.idxmax()
    row = frame.at[first, "source_row"] if "source_row" in frame.columns else first
    log.add(
        f"字段「{source}」按面积（平方米）读取，但各{item}的图形面积是该字段数值的约 "
        f"{ratio:,.1f} 倍（{int(both.sum())} 个{item}的中位数；"
        f"如第 {row} 行图形 {shape[first]:,.1f} m²，该字段 {declared[first]:g}），"
        f"像是以{unit}为单位；单位无法从文件确定，未读取该字段{also}（{consequence}）",
        field=source,
        value=f"{ratio:,.1f}",
        action=(
            f"核实{''.join(f'「{n}」' for n in names)}的单位，在 ArcGIS/QGIS 中把字段改为写明"
            f"单位的名称（如「面积({unit})」，不超过 10 字节）或换算为平方米后重新导出"
        ),
        severity=Severity.WARNING,
    )
    for column in present:
        frame[column] = np.nan
    return unit
