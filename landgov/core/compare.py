"""How a policy threshold compares: 以上/以下 include the number, 大于/低于 do not.

Chinese statute reading (《民法典》第一千二百五十九条): 「以上」「以下」「以内」「届满」 include the
number itself; 「不满」「超过」「以外」 (and 「大于」「低于」) do not. Every threshold in a policy
profile states its comparison (``comparison = "<="`` …) so that the reading is written down once,
next to the clause, and shown by ``landgov profiles show``.

The comparison reads as ``value <op> threshold`` and is true where the threshold's condition
holds, e.g. 亩均税收 「5万元以下」 → ``"<="``: 5.00 is low efficiency.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable
from typing import Any, Final

import numpy as np

from landgov.core.missing import format_number

__all__ = [
    "COMPARISONS",
    "MEASURED_DIGITS",
    "compare",
    "describe",
    "measured",
    "percent_reached",
    "reached",
    "shown",
]

MEASURED_DIGITS: Final = 6
"""Decimals a measured value is rounded to before it meets a threshold.

A value computed from areas (容积率, 建筑系数, 亩, 亩均税收, a score) carries the floating noise
of the area shapely measures from the corner coordinates: a 21-亩 plot (14000 m²) drawn as a
square measures 13999.99999998 m², so 35000 m² of floor area on it is 容积率 2.5000000000014.
Rounded to 6 decimals it is 2.5, the figure worked out by hand and shown, and it meets 「容积率
上限可提高至 2.5」. Thresholds are never rounded."""

COMPARISONS: Final[dict[str, tuple[Callable[[Any, Any], Any], str]]] = {
    "<=": (operator.le, "以下，含本数"),
    "<": (operator.lt, "低于，不含本数"),
    ">=": (operator.ge, "以上，含本数"),
    ">": (operator.gt, "大于，不含本数"),
}


def compare(values: Any, op: str, threshold: Any) -> Any:
    """``values <op> threshold`` for a scalar, NumPy array or pandas Series.

    A missing value (NaN/None) compares False whatever ``op`` is: the caller decides what a
    missing value means (待核实), never this function.

    >>> compare(5.0, "<=", 5.0), compare(5.0, "<", 5.0), compare(15.0, ">", 15.0)
    (True, False, False)
    >>> import pandas as pd
    >>> compare(pd.Series([4.99, 5.0, 5.01, None]), "<=", 5.0).tolist()
    [True, True, False, False]
    """
    try:
        func = COMPARISONS[op][0]
    except KeyError:
        raise ValueError(f"比较方式应为 {sorted(COMPARISONS)} 之一，而不是 {op!r}") from None
    if values is None:
        return False
    result = func(values, threshold)
    if hasattr(result, "fillna"):  # pandas
        return result.fillna(False).astype(bool)
    if isinstance(result, np.ndarray):
        return result
    return bool(result)


def measured(values: Any) -> Any:
    """``values`` rounded to :data:`MEASURED_DIGITS` decimals before a threshold comparison.

    A scalar, NumPy array or pandas Series; missing values stay missing.

    >>> measured(35000 / 13999.999999976997)
    2.5
    >>> import pandas as pd
    >>> measured(pd.Series([0.29999999999950083, None])).tolist()
    [0.3, nan]
    """
    if hasattr(values, "round"):  # pandas and NumPy
        return values.round(MEASURED_DIGITS)
    if values is None:
        return None
    return round(float(values), MEASURED_DIGITS)


def reached(current: float, target: float) -> bool:
    """Whether a figure has reached its target: 「达到31万元」「10000亩以上」 include the number
    (《民法典》第一千二百五十九条), so exactly the target is reached, compared as
    :func:`measured` (1103.6 万元 on 35.6 亩 is 31.0, though the machine divides to
    30.999999999999996).

    >>> reached(1103.6 / 35.6, 31.0), reached(31.0, 31.0), reached(30.99, 31.0)
    (True, True, False)
    """
    return bool(measured(float(current)) >= target)


def percent_reached(current: float, target: float, *, digits: int = 0) -> float:
    """The share of ``target`` that ``current`` reaches, in per cent with ``digits`` decimals,
    rounded down: 100 (or more) only when :func:`reached`, so that 30.9 of 31 (99.68 %) never
    prints as 100 %, nor 2999 plots finished of 3000 (99.97 %) as 100.0 %. The percentage is
    :func:`measured` before it is rounded down (2 of 3 is 66.6 %, 30 of 100 is 30.0 %).

    >>> percent_reached(30.9, 31.0), percent_reached(1103.6 / 35.6, 31.0), percent_reached(22, 31)
    (99, 100, 70)
    >>> percent_reached(2999, 3000, digits=1), percent_reached(2, 3, digits=1)
    (99.9, 66.6)
    >>> percent_reached(0.3, 1.0, digits=1), percent_reached(3000, 3000, digits=1)
    (30.0, 100.0)
    """
    scale = 10**digits
    floored = math.floor(measured(100.0 * scale * float(current) / float(target)))
    return floored if digits == 0 else floored / scale


def describe(op: str, threshold: Any, unit: str | None = None) -> str:
    """The comparison in words, e.g. for a reason or ``landgov profiles show``.

    >>> describe("<=", 5.0, "万元/亩")
    '≤ 5 万元/亩（以下，含本数）'
    >>> describe(">", 15.0, "亩")
    '> 15 亩（大于，不含本数）'
    """
    symbol = {"<=": "≤", "<": "<", ">=": "≥", ">": ">"}[op]
    number = f"{threshold:g}" if isinstance(threshold, float) else str(threshold)
    unit_text = f" {unit}" if unit else ""
    return f"{symbol} {number}{unit_text}（{COMPARISONS[op][1]}）"


def shown(value: float, threshold: float, *, trim: bool = True, beyond: float | None = None) -> str:
    """``value`` for a reason: 2 decimals, or more where 2 would print the threshold itself
    although the two differ.

    A 容积率 of 0.698 against 0.7 reads 「0.698 低于 0.7」, never 「0.7 低于 0.7」; a 容积率 after
    增容 of 2.5000007 reads 「2.500001 > 上限 2.5」. ``trim`` as in
    :func:`~landgov.core.missing.format_number` (``False``: ``2.50``).

    ``beyond``: how the caller compared the two, when on something finer than the ratio rounded
    to :data:`MEASURED_DIGITS` — the floor area beyond the threshold's, to 0.01 m²
    (:func:`landgov.far.ratio.beyond_ratio`): positive above, negative below, 0 equal. Then the
    figure shown agrees with that comparison: as many decimals as tell the value apart *on that
    side* (2.5000001 of 250,000.01 m² on 100,000 m², never 2.5 beside 「超过上限」); the threshold
    itself where the areas are equal, or where the value lies apart only by the rounding of the
    areas on the other side (25,016.67 m² on 15.01 亩 is 2.50000033 unrounded, yet within the
    cap's 25,016.68 m²: 「2.50 ≤ 上限 2.5」, never 「2.5000003 ≤ 上限 2.5」). ``None``: they differ
    as measured.

    >>> shown(0.698, 0.7), shown(2.5000007, 2.5, trim=False), shown(2.50000000001, 2.5)
    ('0.698', '2.500001', '2.5')
    >>> shown(2.5000001, 2.5, trim=False, beyond=0.01), shown(2.5000001, 2.5, trim=False)
    ('2.5000001', '2.50')
    >>> shown(2.50000033, 2.5, trim=False, beyond=-0.01), shown(2.4999999, 2.5, beyond=-0.01)
    ('2.50', '2.4999999')
    """
    text = format_number(value, trim=trim)
    if text != _threshold_text(threshold, trim):
        return text
    if beyond is None:
        apart = measured(float(value)) != threshold
        return format_number(value, digits=MEASURED_DIGITS) if apart else text
    if beyond == 0 or (float(value) > threshold) != (beyond > 0) or float(value) == threshold:
        return text  # equal as compared, or apart only by the rounding of the areas
    for digits in range(MEASURED_DIGITS, 13):  # the fewest decimals that tell them apart
        told = format_number(value, digits=digits)
        if float(told) != threshold:
            return told
    return format_number(value, digits=12)


@functools.lru_cache(maxsize=256, typed=True)  # typed: 1 and True print differently
def _threshold_text(threshold: float, trim: bool) -> str:
    """``format_number(threshold)``, written once per threshold rather than once per plot."""
    return format_number(threshold, trim=trim)
