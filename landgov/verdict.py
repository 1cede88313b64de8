"""One verdict type for every check landgov makes.

Screening flags, the 四个一批 path rules and the 增容 conditions all return :class:`Verdict`
objects, so lists, popups and forms explain themselves the same way: a status, the rule that
decided it, the clause it rests on, the values seen and, for 待核实, what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from landgov.core.documents import cite_text, document_codes
from landgov.core.missing import lacking
from landgov.core.vocab import EXAMPLE_ONLY, Status, example_fail

__all__ = ["UNOFFICIAL", "Citation", "Status", "Verdict", "combine"]


#: The label of a value that is no document's (an example rule): never 符合 on its own.
UNOFFICIAL = "示例规则（非官方）"
_DERIVED = "项目推算（非文件数值）"


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from.

    ``seed`` is the document code ("000"…"004", see :mod:`landgov.core.documents`) or ``None``
    for an external source; ``clause`` names the article (e.g. "附件3 三.1"); ``url`` is given
    for external sources. As text the document is named by its 文号:
    ``[越政发〔2022〕24号 附件3 第三条第1项]``.

    ``official`` is False for project defaults, shown as 示例规则（非官方）. Two more cases are
    never official, whatever ``official`` was given as:

    - ``borrowed``: the value comes from another county's document, which does not bind the
      profile that uses it (上虞's 3 亩 in a 越城 profile). Shown as
      ``[参照虞政发〔2022〕12号 第三条第（二）项第1目] 示例规则（非官方）``; each document of a
      citation borrowed whole is 「参照…」 (``[参照虞政发〔2022〕12号 …; 参照嵊政〔2022〕28号 …]``).
      The profile decides this (:meth:`landgov.policy.Profile.localize`), not the code that
      uses the value.
    - ``derived``: the project computed the value from the clause (a target of 「翻番」 on an
      assumed base year); ``derived`` says how. Shown as
      ``[越政发〔2022〕24号 第一条第（二）项] 项目推算（非文件数值）：20.8 × 2（…）``.
    """

    seed: str | None
    clause: str
    url: str | None = None
    official: bool = True
    borrowed: bool = False
    derived: str | None = None
    #: The documents cited beside the profile's own that bind it not (another county's, in a
    #: rule resting on both): each is named 「参照…」 in the text; the citation stays official
    #: on the profile's own document (:meth:`landgov.policy.Profile.localize`).
    borrowed_codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.borrowed or self.derived:
            object.__setattr__(self, "official", False)

    def __str__(self) -> str:
        # a user reads the 文号, never the project's document code; the text is written once
        # per citation (a screening prints the same few citations hundreds of thousands of times)
        text: str | None = self.__dict__.get("_text")
        if text is None:
            text = " ".join(t for t in (self.reference, self.marker) if t)
            text = f"{text}：{self.derived}" if self.derived else text
            object.__setattr__(self, "_text", text)
        return text

    @property
    def reference(self) -> str:
        """The cited clause and URL as text: ``[参照虞政发〔2022〕12号 第三条第（二）项第1目]``."""
        raw = f"{self.seed} {self.clause}" if self.seed else self.clause
        # borrowed whole: every document cited is 「参照…」 (「[参照A; B]」 would read as B
        # binding the profile, as 嵊州's own 嵊政〔2022〕28号 beside 参照虞政发〔2022〕12号 does)
        codes = self.documents if self.borrowed else self.borrowed_codes
        text = cite_text(raw, borrowed=codes).strip()
        lead = "参照" if self.borrowed and not codes else ""
        core = f"[{lead}{text}]" if text else ""
        return f"{core} {self.url}".strip() if self.url else core

    @property
    def marker(self) -> str:
        """``项目推算（非文件数值）``, ``示例规则（非官方）`` or empty for an official value."""
        if self.derived:
            return _DERIVED
        return "" if self.official else UNOFFICIAL

    @property
    def documents(self) -> tuple[str, ...]:
        """The document codes cited, in order (``"001 二; 002 三"`` → ``("001", "002")``)."""
        if self.seed is None:
            return ()
        return document_codes(f"{self.seed} {self.clause}")

    def as_fact(self) -> Citation:
        """The clause alone, for a plain fact that no threshold decides (nothing of a plot in the
        class, no plan over it): official, unless the clause is another county's — a borrowed
        clause stays 「参照…」 (上虞 reads 越政发〔2022〕24号's 规划 rule as 参照).

        >>> str(Citation("000", "19", official=False, borrowed=True).as_fact())
        '[参照越政发〔2022〕24号 第七条第19项] 示例规则（非官方）'
        """
        return Citation(
            self.seed,
            self.clause,
            self.url,
            borrowed=self.borrowed,
            borrowed_codes=self.borrowed_codes,
        )

    @classmethod
    def parse(cls, text: str, *, url: str | None = None, official: bool = True) -> Citation:
        """Parse ``"000 附件3 三.1"`` (seed number then clause) or a free-form clause."""
        head, _, rest = text.strip().partition(" ")
        if head.isdigit() and len(head) == 3:
            return cls(seed=head, clause=rest.strip(), url=url, official=official)
        return cls(seed=None, clause=text.strip(), url=url, official=official)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one rule on one parcel, enterprise or application."""

    rule_id: str
    status: Status
    reason: str
    citation: Citation
    values: Mapping[str, object] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        if self.status is Status.UNKNOWN and not self.missing:
            raise ValueError(f"verdict {self.rule_id}: 待核实 must list the missing inputs")

    @classmethod
    def trusted(
        cls,
        rule_id: str,
        status: Status,
        reason: str,
        citation: Citation,
        *,
        values: Mapping[str, object],
        missing: tuple[str, ...],
    ) -> Verdict:
        """The same verdict as ``Verdict(...)``, built without the dataclass ``__init__``.

        For loops that build one verdict per plot and check (a 50,000-plot screening builds
        450,000): ``missing`` must already be a tuple; ``values`` is copied as ``__init__``
        copies it, and a 待核实 without missing inputs is refused the same way.
        """
        if status is Status.UNKNOWN and not missing:
            raise ValueError(f"verdict {rule_id}: 待核实 must list the missing inputs")
        return _rebuilt(rule_id, status, reason, citation, dict(values), missing)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by its fields, in order (``values`` is a read-only view, which does not
        pickle: its mapping is sent): a verdict computed in a child process
        (:mod:`landgov.core.forked`) comes back whole. A 50,000-plot 增容 result holds 500,000
        verdicts: a tuple of fields pickles and loads about twice as fast as a dict of them."""
        return (
            _rebuilt,
            (self.rule_id, self.status, self.reason, self.citation, self.values.copy(),
             self.missing),
        )  # fmt: skip

    def on_example(self, *, to_collect: str) -> Verdict:
        """This verdict, decided on the threshold its citation names, read as the policy reads
        a 示例规则（非官方） one (``official = false``): a 符合 is 待核实
        (:data:`~landgov.core.vocab.EXAMPLE_ONLY`), with ``to_collect`` (the county's own
        figure or reading) added to what is missing; a 不符合 stays 不符合 and says what it
        rests on (:func:`~landgov.core.vocab.example_fail`). Unchanged on an official
        citation, and when it is 待核实 or 待承诺 already.

        The one rule every check whose threshold decides it alone goes through (screening's
        passes; 增容's 三.1 用地面积, 二 容积率上限 and 七(一) 施行日期).
        """
        cite = self.citation
        if cite.official or self.status not in (Status.PASS, Status.FAIL):
            return self
        if self.status is Status.FAIL:
            reason, status, missing = example_fail(self.reason, cite), Status.FAIL, self.missing
        else:
            reason, status = f"{self.reason}；{EXAMPLE_ONLY}", Status.UNKNOWN
            missing = (*self.missing, to_collect)
        return _rebuilt(self.rule_id, status, reason, cite, dict(self.values), missing)

    def explain(self) -> str:
        """One line for a list, popup or form: ``符合：理由 [000 附件3 三.1]``."""
        text: str | None = self.__dict__.get("_explained")
        if text is None:  # written once: paths and lists ask the same verdict several times
            text = f"{self.status.value}：{self.reason} {self.citation}"
            text += lacking(self.missing)
            object.__setattr__(self, "_explained", text)
        return text


_SEVERITY = {Status.FAIL: 3, Status.UNKNOWN: 2, Status.PENDING: 1, Status.PASS: 0}


def _rebuilt(  # noqa: PLR0917 (pickle calls it with the fields in order)
    rule_id: str,
    status: Status,
    reason: str,
    citation: Citation,
    values: dict[str, object],
    missing: tuple[str, ...],
) -> Verdict:
    """A :class:`Verdict` from its fields, without the dataclass ``__init__`` and unchecked:
    ``Verdict.trusted`` (after its check) and unpickling (see ``Verdict.__reduce__``) build it
    so; ``values`` is the verdict's own new mapping (a copy, or made by the unpickling),
    viewed read-only without another copy."""
    self = object.__new__(Verdict)
    self.__dict__.update(
        rule_id=rule_id, status=status, reason=reason, citation=citation,
        values=MappingProxyType(values), missing=missing,
    )  # fmt: skip
    return self


def combine(verdicts: Iterable[Verdict]) -> Status:
    """Overall status of checks that must all hold.

    Any 不符合 → 不符合; else any 待核实 → 待核实; else any 待承诺 → 待承诺; else 符合.
    An empty set of checks is 待核实: nothing was checked, so nothing passes.
    """
    statuses = [v.status for v in verdicts]
    if not statuses:
        return Status.UNKNOWN
    return max(statuses, key=_SEVERITY.__getitem__)
