"""What each screening verdict reads of a plot, so that it is judged once per distinct facts.

Screening (no application) reads few facts per condition, and most plots share them: every
plot without an application has the same 标准地 (条件6), commitment (条件7) and safety report
(条件8) verdicts; 条件4 and 条件5 depend on the enterprise's industry and catalogue class only,
and so on. :data:`FACT_COLUMNS` and :data:`RECORD_KEYS` name, per condition or part, exactly
the facts its verdict is made of; :mod:`landgov.far.zengrong._frame` judges each once per
group of plots with equal facts and hands the same (immutable)
:class:`~landgov.verdict.Verdict` to every plot of the group.

A condition or part not listed here (the plot's own code, area and 容积率) is judged per plot;
``scope.right`` reads of the code only its 特征码 (:data:`PARCEL_FEATURE`), a key of its group.
Facts are told apart by the type of each value too (:func:`_k`: ``13`` and ``13.0`` or
``"13"`` differ; floats by ``repr``), so two plots share a verdict only when the checks could
not tell them apart.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from landgov.far.zengrong._case import PARCEL_GIVEN, _Case
from landgov.verdict import Verdict


def _k(value: Any) -> Hashable:
    """``value`` as a key part: its type and value (floats and unhashables by ``repr``)."""
    if isinstance(value, float):
        return (type(value), repr(value))
    try:
        hash(value)
    except TypeError:
        return (type(value), repr(value))
    return (type(value), value)


#: A fact of the plot derived from its ``parcel_id``: the 特征码 of the 宗地代码 (GB/T 37346, e.g.
#: 「GB」; ``None`` when the code does not parse), all ``scope.right`` reads of the code.
PARCEL_FEATURE = "parcel_code_feature"

#: A fact of the 容积率 frame (``facts``) derived from several of its columns: all 条件2 reads of
#: the plot's measured floor area (_conditions.floor_reading: blank, 0 or a figure, its source
#: and whether a covering buildings layer shows the plot bare), not the figure itself.
FLOOR_READING = "floor_reading"

#: A fact of the plot's enterprise derived from several of its fields: all 条件4 reads of it
#: (_conditions.firm_industry: its industry code, edition and name, or its USCC and name when
#: the code is missing).
FIRM_INDUSTRY = "firm_industry"

#: Facts of the 容积率 frame (``facts``) a condition reads besides those of
#: :data:`FACT_COLUMNS`: 条件2 reads the plot's measured floor area (nothing built is no first
#: development: _conditions._no_buildings) and why a recorded 0 was set aside.
MORE_FACTS: dict[str, tuple[str, ...]] = {"cond2": (FLOOR_READING, "zero_set_aside")}

#: Per condition or part, the facts its screening verdict reads: where (``parcel``: the plot's
#: attributes, ``overlay``: its overlay facts, ``enterprise``: its main enterprise, ``None``
#: when its enterprise is not known) and which. The overlay parts read whether the plot is in
#: the parcel layer (``PARCEL_GIVEN``, absent in a screening: every plot is). An empty tuple:
#: the verdict reads nothing of the plot. The groups of :mod:`landgov.far.zengrong._frame` are
#: read from here.
FACT_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    # _title reads only the application; _first_development the plot's completion date (the
    # text of one written but no date, and a month's last day, kept by the readers:
    # core.dates.unread_name, core.dates.latest_name)
    "cond2": ("parcel", ("completion_date", "completion_date_unread", "completion_date_latest")),
    # as _manufacturing reads it: an empty row is no enterprise; a missing code is collected
    # for the firm by its code and name (far.industry.industry_item, as screening names it)
    "cond4": ("enterprise", (FIRM_INDUSTRY,)),
    "cond5": ("enterprise", ("catalogue_class",)),
    # 条件6–8 without an application read nothing of the plot
    "cond6": ("parcel", ()),
    "cond7": ("parcel", ()),
    "cond8": ("parcel", ()),
    # 权利性质 and the 宗地代码's 特征码 (who owns the land: G 国有, J 集体, Z 未确定)
    "scope.right": ("parcel", ("right_type", "parcel_code_feature")),
    "scope.use": ("parcel", ("land_use",)),
    "scope.plan": (
        "overlay",
        (
            PARCEL_GIVEN,
            "planning_given",
            "planned_use",
            "planning_other_share",
            "planning_unknown_share",
            "planning_unknown_note",
            "planning_project_share",
            "planning_project_note",
        ),
    ),
    "scope.control_line": (
        "overlay",
        (
            PARCEL_GIVEN,
            "planning_given",
            "control_line_given",
            "control_line_outside_share",
            "control_line_unknown_share",
        ),
    ),
    "scope.zone": (
        "overlay",
        (
            PARCEL_GIVEN,
            "zones_given",
            "zone_names_given",
            "special_zone",
            "special_zone_partial",
            "special_zone_area_m2",
            "special_zone_share",
            "unnamed_zone",
        ),
    ),
    "scope.period": ("parcel", ()),
    "cond1.demolition": (
        "overlay",
        (
            PARCEL_GIVEN,
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


def _cond3(case: _Case) -> Hashable:
    # _cond3 reads the applicant's own records (filtered by its USCC), nothing else of it
    if case.enterprise is None:
        return ("no enterprise",)
    if case.records is None:
        return ("no records",)
    uscc = case.enterprise.get("uscc")
    return (tuple(r for r in case.records if r.uscc == uscc),)


def _plot_records(case: _Case) -> Hashable:
    # _serious_building reads the records standing on this plot (core.records.PlotRecords)
    if case.records is None or case.plot_records is None:
        return ("no records",)
    return (case.plot_records,)


#: The facts a condition or part reads of the compliance records: the records that count for
#: it (in the order it reads them), or why there are none.
RECORD_KEYS: dict[str, Callable[[_Case], Hashable]] = {
    "cond3": _cond3,
    "cond1.building": _plot_records,
}

#: ``share(rule, case, judge)``: the verdict of one part, judged on this plot or handed out.
Share = Callable[[str, _Case, Callable[[], Verdict]], Verdict]


def direct(rule: str, case: _Case, judge: Callable[[], Verdict]) -> Verdict:
    """No sharing: judge the part on this plot."""
    return judge()
