"""Lists as messages say them: the first few of many (「甲、乙、丙等」 or 「甲、乙 等 12 个」) and
what a setting allows (「允许：parcels、enterprises（是否想写 parcels？）」).

A message that names what it is about (rows, cells, files, codes) names a few and says there are
more; one function says it so that every message says it the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["allowed", "first_few", "rows_text"]


def first_few(items: Iterable[object], most: int, *, sep: str = "、", counted: str = "") -> str:
    """The first ``most`` of ``items`` joined by ``sep``; 「等」 after them when there are more,
    or with ``counted`` (a unit: 「个」「宗」「条」「行」) 「 等 N 个」 saying how many in all.

    Examples
    --------
    >>> first_few(["甲", "乙", "丙"], 2), first_few(["甲", "乙"], 2)
    ('甲、乙等', '甲、乙')
    >>> first_few(["a.shp", "b.dbf", "c.prj"], 2, counted="个")
    'a.shp、b.dbf 等 3 个'
    >>> first_few([], 5)
    ''
    """
    every = list(items)
    text = sep.join(str(x) for x in every[:most])  # only those shown are made text
    if len(every) <= most:
        return text
    return text + (f" 等 {len(every)} {counted}" if counted else "等")


def rows_text(rows: Iterable[int], most: int) -> str:
    """Row numbers as a message says them: 「第 2、5 行」, or the first ``most`` and how many
    in all, 「第 2、5 等 30 行」.

    >>> rows_text([2, 5], 10), rows_text([2, 5, 7], 2)
    ('第 2、5 行', '第 2、5 等 3 行')
    """
    every = list(rows)
    listed = first_few(every, most, counted="行")
    return f"第 {listed}" + ("" if len(every) > most else " 行")


def allowed(choices: Iterable[object], given: object = None) -> str:
    """What to do about a value not among ``choices``: 「允许：」 and them all joined by 「、」
    (never a Python list or tuple), with the closest to ``given`` when one is close (a slip
    of the keyboard, an ``s`` left out).

    Examples
    --------
    >>> allowed(("parcels", "enterprises", "links"), "parcel")
    '允许：parcels、enterprises、links（是否想写 parcels？）'
    >>> allowed(["<", "<="])
    '允许：<、<='
    """
    names = [str(c) for c in choices]
    close = difflib.get_close_matches(str(given), names, n=1) if given is not None else []
    return f"允许：{'、'.join(names)}" + (f"（是否想写 {close[0]}？）" if close else "")
