"""Is a land use (土地用途 / 规划用途) industrial? One matcher, driven by the profile.

Screening (规划已非工业) and the 增容 scope check ask the same question of the same text, so they
share this rule. The profile section ``landuse`` lists

- ``industrial_uses`` and ``industrial_codes``: names and codes that are industrial, matched
  **exactly** after normalisation (NFKC so full-width letters and brackets become ASCII, blanks
  removed, letters upper-cased): 「工业用地」, 「二类工业用地」, 「M2」, 「100101」…;
- ``nonindustrial_uses`` and ``nonindustrial_codes``: the same for the uses known to be **not**
  industrial (居住用地, 商服用地, 仓储用地, R2, 0701, 0604 …);
- ``industrial_uses_project`` and ``nonindustrial_uses_project``: register short forms the
  project reads (「工业」; 「商住用地」, 「住宅」, 「非工业用地」 …), matched exactly too;
- ``industrial_codes_project``: codes industrial in one national classification and another
  use in the other (「0601」 GB/T 21010 工业用地, 用地用海 乡村道路用地; 「1001」 the reverse),
  each with the classification it is read under, the other one and the use that one gives.
  Which classification a register follows is the project's reading: a project reading, whose
  words (:meth:`LandUseReading.note`) name both classifications.

A code is read only when a classification table defines it: the code lists are complete lists
of the codes GB 50137-2011 (表3.2.2, 表3.3.2), GB/T 21010-2017 (表1) and 自然资发〔2023〕234号
用地用海分类 define, never families read by their first letters. 「M4」, 「100104」 or 「R5」,
codes no table defines, are unrecognised (待核实), not industrial or non-industrial.

The plain lists hold the names and codes the national classifications define (GB 50137-2011,
GB/T 21010-2017, 自然资发〔2023〕234号 用地用海分类): reading them is an official fact. The
``*_project`` lists are the project's reading (official = false, 示例规则（非官方）).
:meth:`LandUseMatcher.read` says which list read a text (:class:`LandUseReading`: its citation,
and the values read only through a project entry), so that a check never passes on a project
reading alone (:meth:`LandUseReading.note` says so in words).

A text in neither list is **unrecognised** and undecided (``None``, 待核实): a typo
(「工亚用地」), a code no classification defines (「M4」), or a class that holds industrial and
other land (三调 「06」 工矿仓储用地) never counts as non-industrial. Never a substring either:
「非工业用地」 is never industrial (the project list reads it as non-industrial). A text in both
lists (a profile error) is undecided too.

Two explicit rules read compound text:

- a name with its code in brackets, 「工业用地（M2）」 or 「商业用地(B1)」, is read as both parts:
  industrial when both are, not industrial when neither is, and undecided (``None``, 待核实)
  when they disagree (「商业用地（M2）」 — the register contradicts itself);
- several uses joined by 「/」, 「、」, 「,」, 「，」, 「;」, 「；」 or 「+」 (「M1/M2」, 「M1/B1」)
  describe a mixed plot: industrial when every part is, not industrial when no part is, and
  undecided when some parts are and others are not (a mixed plot needs a person to look).

Blank or missing text (:func:`landgov.core.missing.is_missing`) is undecided.
:meth:`LandUseMatcher.describe` says in words why a text is undecided, naming the text, and
:meth:`LandUseReading.words` says any reading in words (the project reading, 非工业用地, or why
undecided): every stage's reasons and the lists' 范围说明 write these words alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from landgov.core.missing import is_missing
from landgov.core.textkey import folded
from landgov.policy import Profile
from landgov.verdict import UNOFFICIAL, Citation

__all__ = ["LandUseMatcher", "LandUseReading", "industrial_matcher"]

_BRACKETED = re.compile(r"^(?P<name>[^()]+)\((?P<code>[^()]+)\)$")
_SEPARATORS = re.compile(r"[/、,;+]")


def _three(value: Iterable[str]) -> tuple[str, str, str]:
    """A ``landuse.industrial_codes_project`` entry: (the classification a code is read
    under, the other classification, the use the other gives)."""
    under, other, use = (str(v) for v in value)
    return under, other, use


def _norm(text: str) -> str:
    """NFKC (full-width → ASCII, 「（」 → 「(」, 「，」 → 「,」), blanks removed, upper case."""
    return folded(text).upper()


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


@dataclass(frozen=True)
class LandUseReading:
    """What :meth:`LandUseMatcher.read` made of one text.

    Attributes
    ----------
    industrial
        ``True`` / ``False``, or ``None`` when blank or undecided.
    citation
        The list that decided: the official list of the class found (the standard), or, when
        the text was read only through a project entry, the project list (示例规则（非官方））;
        ``None`` when undecided.
    project
        The parts of the text read only through a project entry (「工业」), as written; empty for
        an official reading.
    why
        Why the text is undecided (a key of ``_WHY``, or ``"missing"``); empty when decided.
    classified
        Of :attr:`project`, the codes two classifications read differently, each as (code,
        the classification it was read under, the other classification, the use the other
        gives); empty when none.
    """

    industrial: bool | None
    citation: Citation | None = None
    project: tuple[str, ...] = ()
    why: str = ""
    classified: tuple[tuple[str, str, str, str], ...] = ()

    @property
    def official(self) -> bool:
        """True unless the reading rests on a project entry (a register short form)."""
        return not self.project

    def note(self, value: object, what: str = "土地用途") -> str | None:
        """The project reading in words, naming ``value`` (``None`` for an official reading).

        >>> LandUseReading(True, project=("工业",)).note("工业", "规划用途")
        '规划用途「工业」按项目默认读作工业用地（登记简称「工业」，非国家用地分类中的名称或代码，示例规则（非官方））'
        """
        if self.official or self.industrial is None:
            return None
        kind = "工业用地" if self.industrial else "非工业用地"
        coded = {c for c, *_ in self.classified}
        said = [
            f"「{code}」按{under}读作{kind}，在{other}中为{use}"
            for code, under, other, use in self.classified
        ]
        if short := "、".join(f"「{p}」" for p in self.project if p not in coded):
            said.append(f"登记简称{short}，非国家用地分类中的名称或代码")
        return (
            f"{what}「{str(value).strip()}」按项目默认读作{kind}（{'；'.join(said)}，{UNOFFICIAL}）"
        )

    def words(self, value: object, what: str = "土地用途") -> str | None:
        """The reading in the words every stage writes, naming ``value`` (``None`` for an
        official industrial reading, which needs no words).

        The project reading is :meth:`note`; an official non-industrial one says so; an
        undecided one says why (the text of :meth:`LandUseMatcher.describe`). The list of the
        reading (:attr:`citation`) is cited next to these words by the caller.

        >>> LandUseReading(False).words(" R2 ", "规划用途")
        '规划用途为「R2」，非工业用地'
        >>> LandUseReading(None, why="unknown").words("XX")
        '土地用途「XX」无法识别，不能判定是否为工业用地'
        >>> LandUseReading(True).words("M2") is None
        True
        """
        if self.industrial is None:
            if self.why == _MISSING or is_missing(value):
                return f"{what}缺失"
            return f"{what}「{str(value).strip()}」{_WHY[self.why]}"
        if not self.official:
            return self.note(value, what)
        return None if self.industrial else f"{what}为「{str(value).strip()}」，非工业用地"


@dataclass(frozen=True)
class LandUseMatcher:
    """Exact names and codes that count as one class of land use, and those known to be
    outside it.

    Attributes
    ----------
    uses
        Normalised names and codes of the class, matched exactly (never by prefix or
        substring).
    citation
        Where the lists come from (the profile's ``landuse.industrial_uses`` source).
    other_uses
        The same for the uses known to be outside the class. A text in neither list is
        undecided (``None``).
    project_uses, other_project_uses
        The project's readings (register short forms, matched exactly): in the class, outside
        it. A text read only through one of them is a project reading
        (:attr:`LandUseReading.project`).
    other_citation, project_citation, other_project_citation
        The sources of ``other_uses``, ``project_uses`` and ``other_project_uses``.
    classified
        Codes two classifications read differently, read in the class as a project reading:
        normalised code → (the classification it is read under, the other classification, the
        use the other gives).
    classified_citation
        The source of ``classified``.
    """

    uses: frozenset[str]
    citation: Citation | None = None
    other_uses: frozenset[str] = frozenset()
    project_uses: frozenset[str] = frozenset()
    other_project_uses: frozenset[str] = frozenset()
    other_citation: Citation | None = None
    project_citation: Citation | None = None
    other_project_citation: Citation | None = None
    classified: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)
    classified_citation: Citation | None = None

    @classmethod
    def from_lists(
        cls,
        uses: Iterable[str],
        codes: Iterable[str] = (),
        *,
        other_uses: Iterable[str] = (),
        other_codes: Iterable[str] = (),
        citation: Citation | None = None,
        project_uses: Iterable[str] = (),
        other_project_uses: Iterable[str] = (),
        other_citation: Citation | None = None,
        project_citation: Citation | None = None,
        other_project_citation: Citation | None = None,
        classified: Mapping[str, Iterable[str]] | None = None,
        classified_citation: Citation | None = None,
    ) -> LandUseMatcher:
        """Build a matcher from the lists as written in a profile: ``uses`` and ``codes`` (and
        ``other_uses`` and ``other_codes``) are both matched exactly; they are apart only as
        the profile keeps them apart."""

        def names(values: Iterable[str]) -> list[str]:
            return [_norm(str(v)) for v in values if str(v).strip()]

        return cls(
            frozenset(names([*uses, *codes])),
            citation,
            frozenset(names([*other_uses, *other_codes])),
            frozenset(names(project_uses)),
            frozenset(names(other_project_uses)),
            other_citation,
            project_citation,
            other_project_citation,
            {_norm(str(k)): _three(v) for k, v in (classified or {}).items() if str(k).strip()},
            classified_citation,
        )

    def _one(self, text: str) -> tuple[bool | None, str, tuple[str, ...]]:
        """One name or code: (found, why undecided, the text when only a project entry read
        it)."""
        official_yes = text in self.uses
        official_no = text in self.other_uses
        yes = official_yes or text in self.project_uses or text in self.classified
        no = official_no or text in self.other_project_uses
        if yes != no:
            official = official_yes if yes else official_no
            return yes, "", () if official else (text,)
        return None, _BOTH if yes else _UNKNOWN, ()

    def _part(self, text: str) -> tuple[bool | None, str, tuple[str, ...]]:
        bracketed = _BRACKETED.match(text)
        if bracketed is None:
            return self._one(text)
        name, why_name, by_name = self._one(bracketed["name"])
        code, why_code, by_code = self._one(bracketed["code"])
        if name is None or code is None:
            return None, why_name or why_code, ()
        if name != code:
            return None, _CONTRADICTS, ()
        # the name and its code agree: an official one of them decides (「工业（M2）」 is M2)
        return name, "", by_name + by_code if by_name and by_code else ()

    def _read(self, value: object) -> tuple[bool | None, str, tuple[str, ...]]:
        if is_missing(value):
            return None, _MISSING, ()
        parts = [p for p in _SEPARATORS.split(_norm(str(value))) if p]
        if not parts:
            return None, _MISSING, ()
        read = [self._part(p) for p in parts]
        for found, why, _ in read:
            if found is None:
                return None, why, ()
        classes = {f for f, _, _ in read}
        if len(classes) != 1:
            return None, _MIXED, ()
        # a mixed text is read officially only when every part is
        project = tuple(dict.fromkeys(p for _, _, by in read for p in by))
        return classes.pop(), "", project

    def read(self, value: object) -> LandUseReading:
        """What ``value`` is, and which list says so (see :class:`LandUseReading`).

        Examples
        --------
        >>> m = LandUseMatcher.from_lists(["工业用地"], ["M2"], project_uses=["工业"])
        >>> m.read("M2").official, m.read("工业").official, m.read("工业").project
        (True, False, ('工业',))
        >>> m.read("M4").industrial is None  # no prefix: an undefined code is not read
        True
        """
        found, why, project = self._read(value)
        if found is None:
            return LandUseReading(None, why=why)
        classified = tuple((p, *self.classified[p]) for p in project if p in self.classified)
        if found:
            citation = self.project_citation if project else self.citation
            if classified and len(classified) == len(project):
                citation = self.classified_citation
        else:
            citation = self.other_project_citation if project else self.other_citation
        return LandUseReading(found, citation, project, classified=classified)

    def matches(self, value: object) -> bool | None:
        """``True`` / ``False``, or ``None`` when blank or undecided (see the module docstring).

        Examples
        --------
        >>> m = LandUseMatcher.from_lists(["工业用地"], ["M1", "M2"], other_uses=["B1"])
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
        >>> m = LandUseMatcher.from_lists(["工业用地"], ["M2"], other_uses=["商业用地"])
        >>> m.describe("XX", "规划用途")
        '规划用途「XX」无法识别，不能判定是否为工业用地'
        >>> m.describe("商业用地（M2）")
        '土地用途「商业用地（M2）」名称与代码不一致（一为工业、一为非工业）'
        >>> m.describe("工业用地") is None
        True
        """
        reading = self.read(value)
        return None if reading.industrial is not None else reading.words(value, what)

    def match_series(self, values: pd.Series) -> pd.Series:
        """:meth:`matches` for each value; an object Series of True/False/None, same index."""
        return values.astype(object).map(self.matches).astype(object)


def industrial_matcher(profile: Profile) -> LandUseMatcher:
    """The industrial-land matcher of ``profile``: ``landuse.industrial_uses`` and
    ``landuse.industrial_codes`` are industrial, ``landuse.nonindustrial_uses`` and
    ``landuse.nonindustrial_codes`` are not, any other text is undecided;
    ``landuse.industrial_uses_project`` and ``landuse.nonindustrial_uses_project`` (optional)
    are the project's readings of register short forms, ``landuse.industrial_codes_project``
    (optional) of codes two classifications read differently."""

    def project(key: str) -> tuple[tuple[str, ...], Citation | None]:
        if key not in profile:
            return (), None
        return tuple(profile.value(key)), profile.citation(key)

    yes, yes_cite = project("landuse.industrial_uses_project")
    key = "landuse.industrial_codes_project"
    classified = profile.value(key) if key in profile else {}
    classified_cite = profile.citation(key) if key in profile else None
    no, no_cite = project("landuse.nonindustrial_uses_project")
    return LandUseMatcher.from_lists(
        profile.value("landuse.industrial_uses"),
        profile.value("landuse.industrial_codes"),
        other_uses=profile.value("landuse.nonindustrial_uses"),
        other_codes=profile.value("landuse.nonindustrial_codes"),
        citation=profile.citation("landuse.industrial_uses"),
        project_uses=yes,
        other_project_uses=no,
        other_citation=profile.citation("landuse.nonindustrial_uses"),
        project_citation=yes_cite,
        other_project_citation=no_cite,
        classified=classified,
        classified_citation=classified_cite,
    )
