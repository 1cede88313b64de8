"""The one key two texts are compared by for one meaning (:func:`folded`).

Standard library only, so the lowest modules (``landgov.ids``, ``landgov.core.missing``) use
it as every reader and vocabulary does (``landgov.core.vocab`` re-exports it).
"""

from __future__ import annotations

import unicodedata

__all__ = ["folded"]


def folded(value: object) -> str:
    """``value`` as two texts are compared for one meaning: NFKC (full-width folded) with every
    blank removed (「甲 公司」 and 「甲公司」, 「（绍兴）」 and 「(绍兴)」 are one).

    Case is kept: a caller that ignores it adds ``.upper()`` (codes) or ``.casefold()`` (words).

    >>> folded("（绍兴） 甲 公司")
    '(绍兴)甲公司'
    """
    return "".join(unicodedata.normalize("NFKC", str(value)).split())
