"""How a policy threshold compares: 以上/以下 include the number, 大于/低于 do not.

Chinese statute reading (《民法典》第一千二百五十九条): 「以上」「以下」「以内」「届满」 include the
number itself; 「不满」「超过」「以外」 (and 「大于」「低于」) do not. Every threshold in a policy
profile states its comparison (``comparison = "<="`` …) so that the reading is written down once,
next to the clause, and shown by ``landgov profiles show``.

The comparison reads as ``value <op> threshold`` and is true where the threshold's condition
holds, e.g. 亩均税收 「5万元以下」 → ``"<="``: 5.00 is low efficiency.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Final

import numpy as np

__all__ = ["COMPARISONS", "compare", "describe"]

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
