"""The first few of a list, as every message names them: 「甲、乙、丙等」 or 「甲、乙 等 12 个」.

A message that names what it is about (rows, cells, files, codes) names a few and says there are
more; one function says it so that every message says it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["first_few"]


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
