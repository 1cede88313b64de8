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


#: Per condition or part, the facts its screening verdict reads: where (``parcel``: the plot's
#: attributes, ``overlay``: its overlay facts, ``enterprise``: its main enterprise, ``None``
#: when its enterprise is not known) and which. An empty tuple: the verdict reads nothing of
#: the plot. The keys of :func:`condition_key` and :func:`sharing` and the groups of
#: :mod:`landgov.far.zengrong._frame` are all read from here.
FACT_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    # _title reads only the application; _first_development the plot's completion date
    "cond2": ("parcel", ("completion_date",)),
    # as _manufacturing reads it: an empty row is no enterprise
    "cond4": ("enterprise", ("industry_code", "industry_edition", "industry_name")),
    "cond5": ("enterprise", ("catalogue_class",)),
    # 条件6–8 without an application read nothing of the plot
    "cond6": ("parcel", ()),
    "cond7": ("parcel", ()),
    "cond8": ("parcel", ()),
    "scope.right": ("parcel", ("right_type",)),
    "scope.use": ("parcel", ("land_use",)),
    "scope.plan": ("overlay", ("planning_given", "planned_use", "inside_control_line")),
    "scope.zone": ("overlay", ("zones_given", "zone_names_given", "special_zone", "unnamed_zone")),
    "scope.period": ("parcel", ()),
    "cond1.demolition": (
        "overlay",
        (
            "demolition_given",
            "demolition_share",
            "demolition_plans",
            "demolition_partial_plans",
            "demolition_old_plans",
            "demolition_undated_plans",
            "in_demolition_plan",
        ),
    ),
    "cond1.temporary_use": ("parcel", ()),
}


def _columns(rule: str) -> Callable[[_Case], Hashable]:
    where, names = FACT_COLUMNS[rule]

    def key(case: _Case) -> Hashable:
        if where == "enterprise":
            row = case.enterprise
            return tuple(_k(None if row is None else row.get(n)) for n in names)
        row = case.parcel if where == "parcel" else case.overlay
        return tuple(_k(row.get(n)) for n in names)

    return key


def _cond3(case: _Case) -> Hashable:
    # _cond3 reads the applicant's own records (filtered by its USCC), nothing else of it
    if case.enterprise is None:
        return ("no enterprise",)
    if case.records is None:
        return ("no records",)
    uscc = case.enterprise.get("uscc")
    return (tuple(r for r in case.records if r.uscc == uscc),)


def _plot_records(case: _Case) -> Hashable:
    # _serious_building reads the records filed on this plot or without a 宗地代码
    if case.records is None:
        return ("no records",)
    pid = case.parcel.get("parcel_id")
    return (tuple(r for r in case.records if r.parcel_id is None or r.parcel_id == pid),)


#: The keys of whole conditions (the others are judged per plot).
RECORD_KEYS: dict[str, Callable[[_Case], Hashable]] = {
    "cond3": _cond3,
    "cond1.building": _plot_records,
}
_KEYS: dict[str, Callable[[_Case], Hashable]] = {
    "cond3": _cond3,
    **{k: _columns(k) for k in FACT_COLUMNS if k.startswith("cond") and "." not in k},
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


#: Parts of 适用范围 and 条件1 (whose other parts read the plot's own code and area).
_PART_KEYS: dict[str, Callable[[_Case], Hashable]] = {
    "cond1.building": _plot_records,
    **{k: _columns(k) for k in FACT_COLUMNS if "." in k},
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
