"""Units used throughout landgov.

Areas are stored in m² and converted to 亩 only for per-亩 indicators and display; money is in
万元 (10⁴ 元). See docs/domain.md §1.

.. math:: 1\\ \\text{亩} = \\frac{10000}{15}\\ \\text{m}^2 \\approx 666.667\\ \\text{m}^2
"""

from __future__ import annotations

from fractions import Fraction
from typing import TypeVar

import numpy as np
import pandas as pd

__all__ = [
    "M2_PER_HECTARE",
    "M2_PER_MU",
    "MU_PER_HECTARE",
    "m2_to_mu",
    "mu_to_m2",
    "plot_area_m2",
    "usable_area",
]

_T = TypeVar("_T", float, np.ndarray, pd.Series)

M2_PER_MU_EXACT = Fraction(10000, 15)
M2_PER_MU: float = float(M2_PER_MU_EXACT)
M2_PER_HECTARE: float = 10000.0
MU_PER_HECTARE: float = 15.0


def m2_to_mu(area_m2: _T) -> _T:
    """Convert m² to 亩: ``mu = m2 * 15 / 10000`` (exact factor, no rounding)."""
    return area_m2 * 15.0 / 10000.0


def mu_to_m2(area_mu: _T) -> _T:
    """Convert 亩 to m²: ``m2 = mu * 10000 / 15``."""
    return area_mu * 10000.0 / 15.0


def plot_area_m2(parcels: pd.DataFrame) -> pd.Series:
    """Each plot's land area in m²: the ``area_m2`` column where the frame has one, else the
    shape's planar area (the layer is in a projected CRS, metres).

    The one reading of a plot's area for every stage (亩均税收, 连片, 容积率, 增容 三.1 and the
    cap): an ``area_m2`` left blank by the reader (no usable geometry) or by the plausibility
    step (a sliver: 「面积…不使用，已按缺失处理」) stays missing — never measured again from the
    shape it was set aside for — so what rests on it is 待核实. A table with neither column
    (no shapes) has no area known.

    >>> import geopandas as gpd, shapely
    >>> frame = gpd.GeoDataFrame({"area_m2": [None]}, geometry=[shapely.box(0, 0, 10, 10)])
    >>> plot_area_m2(frame).tolist(), plot_area_m2(frame.drop(columns="area_m2")).tolist()
    ([nan], [100.0])
    """
    if "area_m2" in parcels.columns:
        return pd.to_numeric(parcels["area_m2"], errors="coerce").astype("float64")
    if "geometry" not in parcels.columns:  # a table without shapes: no area known
        return pd.Series(np.nan, index=parcels.index, dtype="float64")
    return pd.Series(parcels.geometry.area, index=parcels.index, dtype="float64")


def usable_area(area: _T) -> _T:
    """``area`` (亩 or m²) with every value of 0 or below as missing (NaN): a data gap (a .dbf
    blank written as 0, a sign slip), never a figure a per-亩 indicator divides by or a size
    threshold compares. The one reading of it for the screening's 亩均税收 and 规下 focus and
    the 亩均 evaluation's 「用地面积缺失或为零」.

    >>> usable_area(pd.Series([3.0, 0.0, -1.0, None])).tolist(), usable_area(0.0)
    ([3.0, nan, nan, nan], nan)
    """
    if isinstance(area, pd.Series):
        return area.where(area > 0)
    if isinstance(area, np.ndarray):
        return np.where(area > 0, area, np.nan)
    return area if area > 0 else float("nan")  # type: ignore[return-value]
