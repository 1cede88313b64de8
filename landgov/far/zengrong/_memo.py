"""Judge each distinct situation once when screening every parcel.

Screening (no application) reads few facts per condition, and most plots share them: every
plot without an application has the same 标准地 (条件6), commitment (条件7) and safety report
(条件8) verdicts; 条件4 and 条件5 depend on the enterprise's industry and catalogue class only,
and so on. :func:`condition_key` names, per condition, exactly the facts its verdict is made of;
:func:`landgov.far.zengrong._outcome._evaluate` composes a condition once per distinct key and
hands the same (immutable) :class:`~landgov.verdict.Verdict` to every plot with that key.

A condition not listed here, or any case with an application, is judged per plot as before.
Keys are tagged with the type of each value (``13`` and ``13.0`` or ``"13"`` are different
keys; floats by ``repr``), so two plots share a verdict only when the checks could not tell
them apart.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from landgov.far.zengrong._case import _Case
from landgov.verdict import Verdict


def _k(value: Any) -> Hashable:
    """``value`` as a cache key part: its type and value (floats and unhashables by ``repr``)."""
    if isinstance(value, float):
        return (type(value), repr(value))
    try:
        hash(value)
    except TypeError:
        return (type(value), repr(value))
    return (type(value), value)


def _enterprise(case: _Case, name: str) -> Hashable:
    return _k(None if case.enterprise is None else case.enterprise.get(name))


def _cond2(case: _Case) -> Hashable:
    # _title reads only the application; _first_development the plot's completion date
    return (_k(case.parcel.get("completion_date")),)


def _cond3(case: _Case) -> Hashable:
    if case.enterprise is None:
        return ("no enterprise",)
    if case.records is None:
        return ("no records",)
    uscc = case.enterprise.get("uscc")
    return (_k(uscc), tuple(r for r in case.records if r.uscc == uscc))


def _cond4(case: _Case) -> Hashable:
    ent = case.enterprise or {}  # as _manufacturing reads it: an empty row is no enterprise
    return tuple(_k(ent.get(c)) for c in ("industry_code", "industry_edition", "industry_name"))


def _cond5(case: _Case) -> Hashable:
    return (_enterprise(case, "catalogue_class"),)


def _constant(case: _Case) -> Hashable:
    # 条件6–8 without an application read nothing of the plot
    return ()


_KEYS: dict[str, Callable[[_Case], Hashable]] = {
    "cond2": _cond2,
    "cond3": _cond3,
    "cond4": _cond4,
    "cond5": _cond5,
    "cond6": _constant,
    "cond7": _constant,
    "cond8": _constant,
}


def condition_key(condition: str, case: _Case) -> Hashable | None:
    """The facts the verdict of ``condition`` on ``case`` is made of; ``None``: judge per plot.

    Only screening cases (no application) have keys: an application's own figures make every
    case its own.
    """
    if case.application is not None or case.after:
        return None
    make = _KEYS.get(condition)
    return None if make is None else make(case)


def _overlay(*names: str) -> Callable[[_Case], Hashable]:
    return lambda case: tuple(_k(case.overlay.get(n)) for n in names)


def _plot_records(case: _Case) -> Hashable:
    # _serious_building reads the records filed on this plot or without a 宗地代码
    if case.records is None:
        return ("no records",)
    pid = case.parcel.get("parcel_id")
    return (tuple(r for r in case.records if r.parcel_id is None or r.parcel_id == pid),)


#: Parts of 适用范围 and 条件1 (whose other parts read the plot's own code and area).
_PART_KEYS: dict[str, Callable[[_Case], Hashable]] = {
    "scope.right": lambda case: (_k(case.parcel.get("right_type")),),
    "scope.use": lambda case: (_k(case.parcel.get("land_use")),),
    "scope.plan": _overlay("planning_given", "planned_use", "inside_control_line"),
    "scope.zone": _overlay("zones_given", "zone_names_given", "special_zone", "unnamed_zone"),
    "scope.period": _constant,
    "cond1.demolition": _overlay(
        "demolition_given",
        "demolition_share",
        "demolition_plans",
        "demolition_partial_plans",
        "demolition_old_plans",
        "demolition_undated_plans",
        "in_demolition_plan",
    ),
    "cond1.building": _plot_records,
    "cond1.temporary_use": _constant,
}

#: ``share(rule, case, judge)``: the verdict of one part, judged once per distinct facts.
Share = Callable[[str, _Case, Callable[[], Verdict]], Verdict]


def direct(rule: str, case: _Case, judge: Callable[[], Verdict]) -> Verdict:
    """No sharing: judge the part on this plot."""
    return judge()


def sharing(memo: dict[Hashable, Verdict]) -> Share:
    """A :data:`Share` that keeps each part's verdict in ``memo`` under its facts."""

    def share(rule: str, case: _Case, judge: Callable[[], Verdict]) -> Verdict:
        make = _PART_KEYS.get(rule)
        if make is None or case.application is not None or case.after:
            return judge()
        key = ("part", rule, make(case))
        found = memo.get(key)
        if found is None:
            found = memo[key] = judge()
        return found

    return share
