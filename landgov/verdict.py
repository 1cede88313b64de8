"""One verdict type for every check landgov makes.

Screening flags, the 四个一批 path rules and the 增容 conditions all return :class:`Verdict`
objects, so lists, popups and forms explain themselves the same way: a status, the rule that
decided it, the clause it rests on, the values seen and, for 待核实, what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from landgov.core.documents import cite_text
from landgov.core.vocab import Status

__all__ = ["Citation", "Status", "Verdict", "combine"]


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from.

    ``seed`` is the seed file number ("000"…"004") or ``None`` for an external source;
    ``clause`` names the article (e.g. "附件3 三.1"); ``url`` is given for external sources;
    ``official`` is False for project defaults, shown as 示例规则（非官方）. As text the
    document is named by its 文号: ``[越政发〔2022〕24号 附件3 三.1]``.
    """

    seed: str | None
    clause: str
    url: str | None = None
    official: bool = True

    def __str__(self) -> str:
        # a user reads the 文号, never the project's document code
        core = f"[{cite_text(f'{self.seed} {self.clause}' if self.seed else self.clause)}]"
        if self.url:
            core += f" {self.url}"
        return core if self.official else f"{core} 示例规则（非官方）"

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

    def explain(self) -> str:
        """One line for a list, popup or form: ``符合：理由 [000 附件3 三.1]``."""
        text = f"{self.status.value}：{self.reason} {self.citation}"
        if self.missing:
            text += f"（缺少：{'、'.join(self.missing)}）"
        return text


_SEVERITY = {Status.FAIL: 3, Status.UNKNOWN: 2, Status.PENDING: 1, Status.PASS: 0}


def combine(verdicts: Iterable[Verdict]) -> Status:
    """Overall status of checks that must all hold.

    Any 不符合 → 不符合; else any 待核实 → 待核实; else any 待承诺 → 待承诺; else 符合.
    An empty set of checks is 待核实: nothing was checked, so nothing passes.
    """
    statuses = [v.status for v in verdicts]
    if not statuses:
        return Status.UNKNOWN
    return max(statuses, key=_SEVERITY.__getitem__)
