"""Is a land use (土地用途 / 规划用途) industrial? One matcher, driven by the profile.

Screening (规划已非工业) and the 增容 scope check ask the same question of the same text, so they
share this rule. The profile section ``landuse`` lists

- ``industrial_uses``: names and codes that are industrial, matched **exactly** after
  normalisation (NFKC so full-width letters and brackets become ASCII, blanks removed, letters
  upper-cased): 「工业用地」, 「二类工业用地」, 「M2」, 「100101」…;
- ``industrial_code_prefixes``: code families whose sub-codes are industrial too (「M」 covers
  「M1」…「M9」, 「1001」 covers 「100101」): the text must be the prefix followed by digits only.

Never a substring: 「非工业用地」 and 「工业用地以外」 are not industrial.

Two explicit rules read compound text:

- a name with its code in brackets, 「工业用地（M2）」 or 「商业用地(B1)」, is read as both parts:
  industrial when both are, not industrial when neither is, and undecided (``None``, 待核实)
  when they disagree (「商业用地（M2）」 — the register contradicts itself);
- several uses joined by 「/」, 「、」, 「,」, 「，」, 「;」, 「；」 or 「+」 (「M1/M2」, 「M1/B1」)
  describe a mixed plot: industrial when every part is, not industrial when no part is, and
  undecided when some parts are and others are not (a mixed plot needs a person to look).

Blank or missing text (:func:`landgov.core.missing.is_missing`) is undecided.
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


@dataclass(frozen=True)
class LandUseMatcher:
    """Exact names/codes plus code prefixes that count as one class of land use.

    Attributes
    ----------
    uses
        Normalised names and codes matched exactly.
    code_prefixes
        Normalised code prefixes; a text matches when it is a prefix followed by digits only.
    citation
        Where the lists come from (the profile's ``landuse.industrial_uses`` source).
    """

    uses: frozenset[str]
    code_prefixes: tuple[str, ...]
    citation: Citation | None = None

    @classmethod
    def from_lists(
        cls,
        uses: Iterable[str],
        code_prefixes: Iterable[str] = (),
        *,
        citation: Citation | None = None,
    ) -> LandUseMatcher:
        """Build a matcher from the lists as written in a profile."""
        return cls(
            frozenset(_norm(str(u)) for u in uses if str(u).strip()),
            tuple(_norm(str(p)) for p in code_prefixes if str(p).strip()),
            citation,
        )

    def _one(self, text: str) -> bool:
        if text in self.uses:
            return True
        return any(
            text.startswith(p) and (text[len(p) :] == "" or text[len(p) :].isdigit())
            for p in self.code_prefixes
        )

    def _part(self, text: str) -> bool | None:
        bracketed = _BRACKETED.match(text)
        if bracketed is None:
            return self._one(text)
        name, code = self._one(bracketed["name"]), self._one(bracketed["code"])
        return name if name == code else None

    def matches(self, value: object) -> bool | None:
        """``True`` / ``False``, or ``None`` when blank or undecided (see the module docstring).

        Examples
        --------
        >>> m = LandUseMatcher.from_lists(["工业用地", "M1", "M2"], ["M"])
        >>> m.matches("工业用地（M2）"), m.matches("非工业用地")
        (True, False)
        >>> m.matches("M1/M2"), m.matches("M1/B1")
        (True, None)
        """
        if is_missing(value):
            return None
        parts = [p for p in _SEPARATORS.split(_norm(str(value))) if p]
        if not parts:
            return None
        found = {self._part(p) for p in parts}
        return found.pop() if len(found) == 1 else None

    def match_series(self, values: pd.Series) -> pd.Series:
        """:meth:`matches` for each value; an object Series of True/False/None, same index."""
        return values.astype(object).map(self.matches).astype(object)


def industrial_matcher(profile: Profile) -> LandUseMatcher:
    """The industrial-land matcher of ``profile`` (``landuse.industrial_uses`` and prefixes)."""
    return LandUseMatcher.from_lists(
        profile.value("landuse.industrial_uses"),
        profile.value("landuse.industrial_code_prefixes"),
        citation=profile.citation("landuse.industrial_uses"),
    )
