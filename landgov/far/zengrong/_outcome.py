"""Putting the conditions together: one verdict per condition, and the overall outcome."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from landgov.core.vocab import Eligibility
from landgov.far.zengrong._case import (
    _CLAUSE,
    CONDITION_LABELS,
    _Case,
    _Settings,
)
from landgov.far.zengrong._conditions import (
    _cond1,
    _cond3,
    _cond4,
    _cond5,
    _cond6,
    _cond7,
    _cond8,
    _first_development,
    _title,
)
from landgov.far.zengrong._scope import _cap, _scope
from landgov.verdict import Citation, Status, Verdict, combine

# ---------------------------------------------------------------------------------------------
# Putting the conditions together


def _compose(key: str, subs: list[Verdict]) -> Verdict:
    """One verdict per condition from its parts: worst status, every reason and value."""
    status = combine(subs)
    shown = [v for v in subs if v.status is not Status.PASS] or subs
    values: dict[str, object] = {}
    missing: list[str] = []
    for v in subs:
        values.update(v.values)
        missing += [m for m in v.missing if m not in missing]
    citation = subs[0].citation
    if len(subs) > 1:  # the condition's clause; unofficial when any part rests on a default
        official = all(v.citation.official for v in subs)
        citation = Citation("000", _CLAUSE[key], official=official)
    reason = "；".join(v.reason for v in shown)
    return Verdict(f"zengrong.{key}", status, reason, citation, values, tuple(missing))


def _evaluate(case: _Case, s: _Settings) -> dict[str, Verdict]:
    parts: dict[str, Callable[[], list[Verdict]]] = {
        "scope": lambda: _scope(case, s),
        "cap": lambda: [_cap(case, s)],
        "cond1": lambda: _cond1(case, s),
        "cond2": lambda: [_title(case), _first_development(case, s)],
        "cond3": lambda: _cond3(case, s),
        "cond4": lambda: _cond4(case),
        "cond5": lambda: _cond5(case, s),
        "cond6": lambda: _cond6(case, s),
        "cond7": lambda: _cond7(case),
        "cond8": lambda: _cond8(case),
    }
    return {key: _compose(key, make()) for key, make in parts.items()}


def overall(verdicts: Mapping[str, Verdict]) -> tuple[Eligibility, str]:
    """Overall outcome and its reason.

    Any 不符合 → 不可申报 (the failing conditions named); else any 待核实 → 待核实 (what is
    missing); else 可申报, with any 待承诺 document steps listed.
    """
    status = combine(verdicts.values())
    fails = [k for k, v in verdicts.items() if v.status is Status.FAIL]
    if status is Status.FAIL:
        text = "；".join(f"{CONDITION_LABELS[k]}：{verdicts[k].reason}" for k in fails)
        return Eligibility.INELIGIBLE, text
    if status is Status.UNKNOWN:
        missing: list[str] = []
        for v in verdicts.values():
            missing += [m for m in v.missing if m not in missing]
        return Eligibility.UNKNOWN, "待核实：" + "、".join(missing)
    pending = [CONDITION_LABELS[k] for k, v in verdicts.items() if v.status is Status.PENDING]
    text = "各项条件符合"
    if pending:
        text += "；待承诺/待补材料：" + "、".join(pending)
    return Eligibility.ELIGIBLE, text
