"""Is a land use (土地用途 / 规划用途) industrial? One matcher, driven by the profile.

Screening (规划已非工业) and the 增容 scope check ask the same question of the same text, so they
share this rule. The profile section ``landuse`` lists

- ``industrial_uses``: names and codes that are industrial, matched **exactly** after
  normalisation (NFKC so full-width letters and brackets become ASCII, blanks removed, letters
  upper-cased): 「工业用地」, 「二类工业用地」, 「M2」, 「100101」…;
- ``industrial_code_prefixes``: code families whose sub-codes are industrial too (「M」 covers
  「M1」…「M9」, 「1001」 covers 「100101」): the text must be the prefix followed by digits only;
- ``nonindustrial_uses`` and ``nonindustrial_code_prefixes``: the same for the uses known to be
  **not** industrial (居住用地, 商服用地, 仓储用地, R2, 0701, 0604 …).

A text in neither list is **unrecognised** and undecided (``None``, 待核实): a typo
(「工亚用地」), an unknown code, or a class that holds industrial and other land (三调 「06」
工矿仓储用地) never counts as non-industrial. Never a substring either: 「非工业用地」 names no
listed use and is undecided, never industrial. A text in both lists (a profile error) is
undecided too.

Two explicit rules read compound text:

- a name with its code in brackets, 「工业用地（M2）」 or 「商业用地(B1)」, is read as both parts:
  industrial when both are, not industrial when neither is, and undecided (``None``, 待核实)
  when they disagree (「商业用地（M2）」 — the register contradicts itself);
- several uses joined by 「/」, 「、」, 「,」, 「，」, 「;」, 「；」 or 「+」 (「M1/M2」, 「M1/B1」)
  describe a mixed plot: industrial when every part is, not industrial when no part is, and
  undecided when some parts are and others are not (a mixed plot needs a person to look).

Blank or missing text (:func:`landgov.core.missing.is_missing`) is undecided.
:meth:`LandUseMatcher.describe` says in words why a text is undecided, naming the text, for
every stage's reasons alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from landgov.core.missing import is_missing
from landgov.policy import Profile
from landgov.verdict import Citation

__all__ = ["LandUseMatcher", "industrial_matcher"]

_BRACKETED = re.compile(r"^(?P<name>[^()]+)\((?P<code>[^()]+)\)$")
_SEPARATORS = re.compile(r"[/、,;+]")


def _norm(text: str) -> str:
    """NFKC (full-width → ASCII, 「（」 → 「(」, 「，」 → 「,」), blanks removed, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


#: Why a text is undecided (see :meth:`LandUseMatcher.describe`).
_MISSING, _UNKNOWN, _BOTH, _CONTRADICTS, _MIXED = (
    "missing",
    "unknown",
    "both",
    "contradicts",
    "mixed",
)

_WHY = {
    _UNKNOWN: "无法识别，不能判定是否为工业用地",
    _BOTH: "同时列在工业与非工业用途名录中（策略配置 landuse 须更正）",
    _CONTRADICTS: "名称与代码不一致（一为工业、一为非工业）",
    _MIXED: "为混合用途（部分工业、部分非工业），需人工核实",
}


def _listed(text: str, uses: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    if text in uses:
        return True
    return any(
        text.startswith(p) and (text[len(p) :] == "" or text[len(p) :].isdigit()) for p in prefixes
    )


@dataclass(frozen=True)
class LandUseMatcher:
    """Exact names/codes plus code prefixes that count as one class of land use, and those
    known to be outside it.

    Attributes
    ----------
    uses
        Normalised names and codes of the class, matched exactly.
    code_prefixes
        Normalised code prefixes of the class; a text matches when it is a prefix followed by
        digits only.
    citation
        Where the lists come from (the profile's ``landuse.industrial_uses`` source).
    other_uses, other_code_prefixes
        The same for the uses known to be outside the class. A text in neither list is
        undecided (``None``).
    """

    uses: frozenset[str]
    code_prefixes: tuple[str, ...]
    citation: Citation | None = None
    other_uses: frozenset[str] = frozenset()
    other_code_prefixes: tuple[str, ...] = ()

    @classmethod
    def from_lists(
        cls,
        uses: Iterable[str],
        code_prefixes: Iterable[str] = (),
        *,
        other_uses: Iterable[str] = (),
        other_code_prefixes: Iterable[str] = (),
        citation: Citation | None = None,
    ) -> LandUseMatcher:
        """Build a matcher from the lists as written in a profile."""

        def names(values: Iterable[str]) -> list[str]:
            return [_norm(str(v)) for v in values if str(v).strip()]

        return cls(
            frozenset(names(uses)),
            tuple(names(code_prefixes)),
            citation,
            frozenset(names(other_uses)),
            tuple(names(other_code_prefixes)),
        )

    def _one(self, text: str) -> tuple[bool | None, str]:
        yes = _listed(text, self.uses, self.code_prefixes)
        no = _listed(text, self.other_uses, self.other_code_prefixes)
        if yes != no:
            return yes, ""
        return None, _BOTH if yes else _UNKNOWN

    def _part(self, text: str) -> tuple[bool | None, str]:
        bracketed = _BRACKETED.match(text)
        if bracketed is None:
            return self._one(text)
        name, why_name = self._one(bracketed["name"])
        code, why_code = self._one(bracketed["code"])
        if name is None or code is None:
            return None, why_name or why_code
        return (name, "") if name == code else (None, _CONTRADICTS)

    def _read(self, value: object) -> tuple[bool | None, str]:
        if is_missing(value):
            return None, _MISSING
        parts = [p for p in _SEPARATORS.split(_norm(str(value))) if p]
        if not parts:
            return None, _MISSING
        read = [self._part(p) for p in parts]
        for found, why in read:
            if found is None:
                return None, why
        found = {f for f, _ in read}
        return (found.pop(), "") if len(found) == 1 else (None, _MIXED)

    def matches(self, value: object) -> bool | None:
        """``True`` / ``False``, or ``None`` when blank or undecided (see the module docstring).

        Examples
        --------
        >>> m = LandUseMatcher.from_lists(["工业用地", "M1", "M2"], ["M"], other_uses=["B1"])
        >>> m.matches("工业用地（M2）"), m.matches("B1"), m.matches("非工业用地")
        (True, False, None)
        >>> m.matches("M1/M2"), m.matches("M1/B1")
        (True, None)
        """
        return self._read(value)[0]

    def describe(self, value: object, what: str = "土地用途") -> str | None:
        """Why ``value`` is undecided, in words that name it (``None`` when it is decided).

        ``what`` names the field: 「土地用途」 or 「规划用途」.

        Examples
        --------
        >>> m = LandUseMatcher.from_lists(["工业用地", "M2"], ["M"], other_uses=["商业用地"])
        >>> m.describe("XX", "规划用途")
        '规划用途「XX」无法识别，不能判定是否为工业用地'
        >>> m.describe("商业用地（M2）")
        '土地用途「商业用地（M2）」名称与代码不一致（一为工业、一为非工业）'
        >>> m.describe("工业用地") is None
        True
        """
        found, why = self._read(value)
        if found is not None:
            return None
        if why == _MISSING:
            return f"{what}缺失"
        return f"{what}「{str(value).strip()}」{_WHY[why]}"

    def match_series(self, values: pd.Series) -> pd.Series:
        """:meth:`matches` for each value; an object Series of True/False/None, same index."""
        return values.astype(object).map(self.matches).astype(object)


def industrial_matcher(profile: Profile) -> LandUseMatcher:
    """The industrial-land matcher of ``profile``: ``landuse.industrial_uses`` and prefixes
    are industrial, ``landuse.nonindustrial_uses`` and prefixes are not, any other text is
    undecided."""
    return LandUseMatcher.from_lists(
        profile.value("landuse.industrial_uses"),
        profile.value("landuse.industrial_code_prefixes"),
        other_uses=profile.value("landuse.nonindustrial_uses"),
        other_code_prefixes=profile.value("landuse.nonindustrial_code_prefixes"),
        citation=profile.citation("landuse.industrial_uses"),
    )
