"""The condition names and clauses, and the facts one check reads about a plot (:class:`_Case`)."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from landgov.core.columns import CONDITION_LABELS  # noqa: F401  (re-exported: one set of labels)
from landgov.core.landuse import LandUseMatcher, industrial_matcher
from landgov.core.missing import is_missing
from landgov.core.overlay import DemolitionRule, ShareRule
from landgov.core.planning import control_line_rule, planned_use_rule
from landgov.core.records import ViolationRecord as _Record
from landgov.policy import Profile
from landgov.verdict import Citation, Status, Verdict

#: Condition columns, in the order of the opinion.
CONDITIONS: tuple[str, ...] = (
    "scope",
    "cap",
    "cond1",
    "cond2",
    "cond3",
    "cond4",
    "cond5",
    "cond6",
    "cond7",
    "cond8",
)
_CLAUSE = {
    "scope": "附件3 一",
    "cap": "附件3 二",
    "cond1": "附件3 三.1",
    "cond2": "附件3 三.2",
    "cond3": "附件3 三.3",
    "cond4": "附件3 三.4",
    "cond5": "附件3 三.5",
    "cond6": "附件3 三.6",
    "cond7": "附件3 三.7",
    "cond8": "附件3 三.8",
}
_APP = "增容申请"

#: Missing inputs as the 增容 checks name them (a verdict's ``missing``, the 增容审查 sheet's
#: 待核实事项), and as the 初审表 names them beside a figure it cannot fill: the plot's shape
#: (its land area, 三.1), its floor area (容积率, 二), the application's added floor area.
PLOT_SHAPE = "宗地图形"
FLOOR_OR_FAR = "建筑面积或容积率"
ADDED_FLOOR = "新增建筑面积"
#: The other applications on the same plot (``(application_id, added m²)`` pairs), set on an
#: application by :func:`~landgov.far.zengrong.check_applications`: the 2.5 cap is the plot's
#: [附件3 二] and 「项目不允许分期建设」 [附件3 四（五）].
CO_APPLIED = "_co_applied"
#: The enterprises linked to the plot applied for (地企关联, owner and tenants: USCC → name), set
#: on an application by :func:`~landgov.far.zengrong.check_applications` when the plot has any:
#: an applicant not among them is 待核实 [附件3 一、四（一）].
PLOT_FIRMS = "_plot_firms"
#: The owners (使用权人, 地企关联 relation owner) among :data:`PLOT_FIRMS`, set beside it: an
#: applicant renting the plot has not 「取得…使用权」 [附件3 一] and is 待核实.
PLOT_OWNERS = "_plot_owners"
#: The key, among the values of 适用范围, of the enterprises of a plot an application's
#: applicant is not one of (the 初审表 then never names the plot's 权利人 as the applicant).
PLOT_FIRMS_VALUE = "宗地关联企业"
#: What an application by an enterprise the plot is not linked to lacks.
PLOT_FIRMS_ITEM = "申请企业与宗地的关系（是否取得该宗地土地使用权，或经使用权人同意）"
#: What a cap that the applications on one plot exceed together lacks.
CO_APPLIED_ITEM = "申请表：同一宗地的其他增容申请（是否同一项目、以哪一份为准）"
#: The applicant when no enterprise of the enterprise table is known for it (三.3 and the form's
#: 企业名称, 法人代表, 联系人); the enterprise's own 行业代码 as the form's 所属行业 names it
#: (condition 4 lists it as screening does: :func:`landgov.far.industry.industry_item`).
NO_APPLICANT = "申请企业"
FIRM_INDUSTRY = "企业行业代码"

#: 增容's own to-collect items (no reader field behind them: the application's, the county's
#: readings) by their leading words → the entry of :data:`landgov.core.collect.FIELD_SOURCES`
#: whose department collects them; the first that leads an item files it
#: (:func:`landgov.far.zengrong.missing_items`). The items screening shares (a layer, a firm's
#: field) are rendered by :func:`landgov.core.collect.render_text` instead.
OWN_ITEMS: tuple[tuple[str, str], ...] = (
    (f"{_APP}：", "application"),
    ("申请表：", "application"),
    (ADDED_FLOOR, "application"),
    (NO_APPLICANT, "applicant"),  # and 「申请企业与宗地的关系…」 (PLOT_FIRMS_ITEM)
    ("区级公布的《标准地》控制指标", "standard_land"),
    ("区自然资源和规划分局确认：", "planning_confirm"),
    ("经核实的用地面积", "verified_area"),
    ("区级认定：上述违法建设记录", "violation_reading"),
    ("区级认定：", "county_reading"),
)


#: No values: :meth:`Verdict.trusted` copies the mapping, as ``Verdict`` copies its default.
_NO_VALUES: Mapping[str, object] = MappingProxyType({})


def _cite(key: str) -> Citation:
    return Citation("000", _CLAUSE[key])


#: The overlay fact ``False`` for an application whose 宗地代码 is not in the parcel layer
#: (``check_applications``; absent elsewhere): the plot is what is missing, not the layers.
#: A ``*_given`` fact, so it is never an output column.
PARCEL_GIVEN = "parcel_given"


def _not_found(case: _Case, rule: str, layer: str, cite: Citation) -> Verdict | None:
    """待核实 for an overlay part (``layer``: the layer it reads) of an application whose plot is
    not in the parcel layer; ``None`` for a plot that is there. The layer may well be given: what
    is missing is the plot, and the reason says so (never 「未提供…图层」)."""
    if case.overlay.get(PARCEL_GIVEN) is not False:
        return None
    reason = f"宗地图层中无此宗地代码，无法与{layer}叠加判断"
    return _v(rule, Status.UNKNOWN, reason, cite, missing=("宗地图层中的宗地",))


def _float(value: Any) -> float:
    """``value`` as a number; NaN when missing."""
    return math.nan if is_missing(value) else float(value)


def _v(
    rule: str,
    status: Status,
    reason: str,
    cite: Citation,
    *,
    values: Mapping[str, object] = _NO_VALUES,
    missing: tuple[str, ...] = (),
) -> Verdict:
    """``Verdict(f"zengrong.{rule}", ...)``, built by :meth:`Verdict.trusted` (a screening
    builds a few per plot)."""
    return Verdict.trusted(f"zengrong.{rule}", status, reason, cite, values=values, missing=missing)


def _on_example(verdict: Verdict, threshold: str) -> Verdict:
    """``verdict`` read as the policy reads a 示例规则（非官方） threshold
    (:meth:`~landgov.verdict.Verdict.on_example`), the county's own reading of the
    ``threshold`` (「三.1 用地面积 > 15 亩」) to collect for a 符合 that is 待核实.

    The 增容 checks whose one threshold decides them (三.1 用地面积, 二 容积率上限, 七(一)
    施行日期) pass their verdict through here; 三.6 judges its 标准地 control values the same
    way itself.
    """
    return verdict.on_example(to_collect=f"区级认定：{threshold}（现为示例规则（非官方））")


# ---------------------------------------------------------------------------------------------
# The facts one check needs


@dataclass(frozen=True)
class _Case:
    """Everything known about one plot (and, when checking, its application)."""

    parcel: Mapping[str, Any]
    far: Mapping[str, Any]
    overlay: Mapping[str, Any]
    enterprise: Mapping[str, Any] | None
    records: tuple[_Record, ...] | None  # records of the applicant / plot; None: no table
    application: Mapping[str, Any] | None = None
    after: Mapping[str, Any] = field(default_factory=dict)
    #: the records standing on the plot (core.records.PlotRecords: filed on it, or filed on no
    #: plot of the layer by one of its enterprises or the applicant); None: no table
    plot_records: tuple[_Record, ...] | None = None


@dataclass(frozen=True)
class _Settings:
    profile: Profile
    as_of: dt.date

    def value(self, key: str) -> Any:
        try:
            return self._read[("value", key)]
        except KeyError:
            found = self._read[("value", key)] = self.profile.value(f"zengrong.{key}")
            return found

    def cite(self, key: str) -> Citation:
        try:
            return self._read[("cite", key)]  # type: ignore[no-any-return]
        except KeyError:
            found = self._read[("cite", key)] = self.profile.citation(f"zengrong.{key}")
            return found

    @functools.cached_property
    def _read(self) -> dict[tuple[str, str], Any]:
        """Values and citations read so far (the profile never changes): a check reads a few
        of them per plot."""
        return {}

    def cite_key(self, key: str) -> Citation:
        return self.profile.citation(key)

    @functools.cached_property
    def industrial(self) -> LandUseMatcher:
        return industrial_matcher(self.profile)

    @functools.cached_property
    def demolition(self) -> DemolitionRule:
        return DemolitionRule.from_profile(self.profile)

    @functools.cached_property
    def planned_use(self) -> ShareRule:
        return planned_use_rule(self.profile)

    @functools.cached_property
    def control_line(self) -> ShareRule:
        return control_line_rule(self.profile)


def _app(case: _Case, name: str) -> Any:
    return None if case.application is None else case.application.get(name)
