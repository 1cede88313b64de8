"""The words every stage shares: statuses, verdicts, grades, paths, classes, categories.

Each is a ``str`` enum (:class:`enum.StrEnum`), so its members compare equal to, and are written
out as, the Chinese text the outputs have always carried (``Status.FAIL == "不符合"``). Modules
that used to define these (``landgov.verdict``, ``landgov.far.zengrong``, ``landgov.screening``,
``landgov.efficiency``, ``landgov.screening.paths``, ``landgov.far.industry``,
``landgov.io.compliance``) re-export them from here.

- :class:`Status`: 符合 / 不符合 / 待核实 / 待承诺 — one check's verdict;
- :class:`Eligibility`: 可申报 / 不可申报 / 待核实 — the 增容 verdict of a plot or application;
- :class:`ScreeningStatus`: 治理 / 不列入 / 待核实 — whether a plot goes on the 治理清单;
- :class:`Grade`: A / B / C / D — 亩均效益综合评价等级;
- :class:`TreatmentPath`: 拆除重建 / 整治提升 / 功能转型 / 关停退出 — 四个一批;
- :class:`CatalogueClass`: 鼓励类 / 允许类 / 限制类 / 淘汰类 — 产业结构调整指导目录;
- :class:`RecordSeverity`: 一般 / 较大 / 重大 — severity of a violation record, mildest first;
- :class:`ViolationCategory`: 安全 / 环保 / … / 无照经营 — category of a violation record;
- the rows and blanks of a summary: :data:`DISTRICT` 全区, :data:`PROVINCE` 全省,
  :data:`UNKNOWN_TOWNSHIP` 镇街不明, :data:`NO_TARGET` 无目标, :data:`NOT_GIVEN` 未提供;
- :data:`EXAMPLE_ONLY`: why a check that would pass on an example threshold is 待核实.
- :data:`EXAMPLE_FAIL`: what a 不符合 on an example threshold says, added by
  :func:`example_fail` (the one place every check adds it).

Aliases as staff write them (「安全生产」, 「违章建筑」, 「严重」, 「Ａ类」, 「限制」) are read
by each enum's ``parse`` classmethod; a blank (:func:`landgov.core.missing.is_missing`) or
unknown text gives ``None``, never a guess.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol, TypeVar

from landgov.core.missing import REMARK, is_missing, lacking, parse_yes_no
from landgov.core.textkey import folded

__all__ = [
    "CATEGORIES",
    "CATEGORY_ALIASES",
    "DISTRICT",
    "DISTRICT_ONLY_TARGET",
    "EXAMPLE_FAIL",
    "EXAMPLE_ONLY",
    "FORM_MODES",
    "INPUT_LABELS",
    "NOT_GIVEN",
    "NO_TARGET",
    "PROVINCE",
    "SEVERITIES",
    "SEVERITY_ALIASES",
    "UNKNOWN_TOWNSHIP",
    "CatalogueClass",
    "Eligibility",
    "Grade",
    "RecordSeverity",
    "ScreeningStatus",
    "Status",
    "TreatmentPath",
    "ViolationCategory",
    "application_answer",
    "example_fail",
    "folded",
    "is_size_class",
    "scale_is_above",
    "shown_met",
    "to_verify",
    "unofficial",
]

#: What each input file of a run is called, in the words of ``landgov screen --help``: the
#: layers first, then the tables (keys: the roles of :class:`landgov.run.files.RunInputs`).
INPUT_LABELS = {
    "parcels": "宗地图层",
    "planning": "规划用途图层",
    "demolition": "近年拆迁计划图层",
    "special_zones": "特殊片区图层",
    "townships": "镇街边界图层",
    "approved": "批而未供图层",
    "buildings": "建筑轮廓图层",
    "enterprises": "企业表",
    "links": "地企关联表",
    "compliance": "违法违规记录",
    "applications": "增容申请表",
}

#: The row of a summary that totals every 镇街 of a county (县（市、区）).
DISTRICT = "全区"
#: The row of a province run's summary that totals every county.
PROVINCE = "全省"
#: The 镇街 of a plot or record whose 镇街 is blank or outside every 镇街 boundary.
UNKNOWN_TOWNSHIP = "镇街不明"
#: A target the profile does not set (no document gives it): shown, never read as 0.
NO_TARGET = "无目标"
#: A 镇街 row where the document sets the target for the whole district only (盘活 10000 亩
#: 「全区」): not 「无目标」, which would read as no target applying to that 镇街.
DISTRICT_ONLY_TARGET = "全区目标，未分解到镇街"
#: An optional input the run was not given (e.g. the 批而未供 list): its figures are unknown.
NOT_GIVEN = "未提供"
#: Said where a check would pass only on a 示例规则（非官方） threshold (it is 待核实 instead).
EXAMPLE_ONLY = "该门槛为示例规则（非官方），不能单独判定为符合"
#: Said where a 不符合 rests on a 示例规则（非官方） threshold: it stays 不符合 (a person looks
#: at the plot), and the reason, not only the citation, says what value it rests on.
EXAMPLE_FAIL = "该门槛为示例规则（非官方），请按本地认定标准复核"


class _Marked(Protocol):
    """A policy value or its citation: ``official`` is False for a 示例规则（非官方） one."""

    @property
    def official(self) -> bool: ...


_M = TypeVar("_M", bound=_Marked)


def unofficial(*values: _M) -> tuple[_M, ...]:
    """The 示例规则（非官方） ones of ``values`` (:class:`~landgov.policy.Param` values or
    :class:`~landgov.verdict.Citation` citations): what a decision on them rests on, for
    :func:`example_fail` and for a pass that must be 待核实.

    >>> class V:
    ...     def __init__(self, official):
    ...         self.official = official
    >>> [v.official for v in unofficial(V(True), V(False))]
    [False]
    """
    return tuple(v for v in values if not v.official)


def example_fail(reason: str, *rests_on: _Marked | None) -> str:
    """``reason`` of a 不符合 (or a plot put on the 治理清单), with :data:`EXAMPLE_FAIL` after it
    when any value it rests on is 示例规则（非官方）.

    The one place a check says so (screening's 低效、闲置、用而未尽, the planning and control-line
    shares, the demolition plan, 增容's conditions): such a 不符合 stays 不符合, a person looks
    at the plot, and the reason, not only the citation, says what it rests on. ``rests_on`` are
    the :class:`~landgov.policy.Param` values or :class:`~landgov.verdict.Citation` citations
    that decided it (``None`` is skipped); the note is added once.

    >>> class V:
    ...     official = False
    >>> example_fail("亩均税收 4 万元/亩，属低效用地", V())
    '亩均税收 4 万元/亩，属低效用地；该门槛为示例规则（非官方），请按本地认定标准复核'
    >>> example_fail("属低效用地", None)
    '属低效用地'
    """
    if reason.endswith(EXAMPLE_FAIL) or all(r is None or r.official for r in rests_on):
        return reason
    return f"{reason}；{EXAMPLE_FAIL}"


_E = TypeVar("_E", bound=enum.Enum)
_LIST = re.compile(r"[、,，;；/]|和|及")


def _with_remark(text: str, parse: Callable[[str], _E | None]) -> _E | None:
    """「违法建设（厂房加层）」: the head's value, unless the remark names another value."""
    m = REMARK.match(text)
    if m is None:
        return None
    head, note = parse(m["head"]), parse(m["note"])
    return head if note is None or note == head else None


class Status(enum.StrEnum):
    """Outcome of one check."""

    PASS = "符合"
    FAIL = "不符合"
    UNKNOWN = "待核实"  # an input is missing: never read as a pass
    PENDING = "待承诺"  # a document step (commitment, safety report) still to be supplied


def to_verify(missing: Iterable[str]) -> str:
    """A figure or field landgov could not fill, in place of its value: 「待核实（缺少：宗地图形）」
    (:func:`~landgov.core.missing.lacking`: the inputs named as the 待核实事项 columns name them).

    Examples
    --------
    >>> to_verify(["申请表：项目名称"])
    '待核实（缺少：申请表：项目名称）'
    """
    return f"{Status.UNKNOWN.value}{lacking(missing)}"


class Eligibility(enum.StrEnum):
    """Overall 增容 outcome for a plot or an application."""

    ELIGIBLE = "可申报"
    INELIGIBLE = "不可申报"
    UNKNOWN = "待核实"


class ScreeningStatus(enum.StrEnum):
    """Whether a plot goes on the 治理清单."""

    GOVERN = "治理"  # a trigger check found a problem
    EXCLUDED = "不列入"  # every trigger check passed
    UNKNOWN = "待核实"  # no problem found, but a trigger check lacked its inputs


def shown_met(status: object) -> bool:
    """Whether a run shows a plot 达标 (「达标销号」, 虞政发〔2022〕12号 第三条第（二）项第1目):
    its 筛查结论 is 不列入 — every trigger check passed. 待核实, a missing 筛查结论 (blank, 「—」)
    or a word that is none of the three is not shown 达标: never proposed for 销号 nor counted as
    治理 done.

    >>> shown_met("不列入"), shown_met(" 不列入 "), shown_met("待核实"), shown_met(None)
    (True, True, False, False)
    """
    return not is_missing(status) and str(status).strip() == ScreeningStatus.EXCLUDED.value


class Grade(enum.StrEnum):
    """亩均效益综合评价等级 (A best)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def label(self) -> str:
        """Default name: A 优先支持, B 提升发展, C 整治提升, D 淘汰倒逼 (docs/domain.md §3)."""
        return {"A": "优先支持", "B": "提升发展", "C": "整治提升", "D": "淘汰倒逼"}[self.value]

    @property
    def order(self) -> int:
        """0 for A … 3 for D (lower is better)."""
        return "ABCD".index(self.value)

    @classmethod
    def parse(cls, value: object) -> Grade | None:
        """Read a platform grade: ``A``, ``a``, ``Ａ类``, ``A 类`` or a label (``优先支持``)."""
        if is_missing(value):
            return None
        text = folded(value).upper()
        match = re.fullmatch(r"([ABCD])类?", text)
        if match:
            return cls(match.group(1))
        for grade in cls:
            if grade.label in text:
                return grade
        return None


class TreatmentPath(enum.StrEnum):
    """The 四个一批 treatment paths [002 三(一)2; 001 三(一)2]."""

    DEMOLISH_REBUILD = "拆除重建"
    RECTIFY = "整治提升"
    TRANSFORM = "功能转型"
    EXIT = "关停退出"


class CatalogueClass(enum.StrEnum):
    """Classes of 《产业结构调整指导目录》 (允许类 = not listed)."""

    ENCOURAGED = "鼓励类"
    ALLOWED = "允许类"
    RESTRICTED = "限制类"
    ELIMINATED = "淘汰类"

    @classmethod
    def parse(cls, value: object) -> CatalogueClass | None:
        """Read a class: 「限制类」 or 「限制」 → 限制类; 不属于/未列入/其他 → 允许类; else None."""
        if is_missing(value):
            return None
        text = folded(value)
        for member in cls:
            if text in (member.value, member.value[:-1]):
                return member
        if text in {"不属于", "未列入", "其他"}:
            return cls.ALLOWED
        return None


class RecordSeverity(enum.StrEnum):
    """Severity of a violation record, mildest first (compare with :attr:`rank`)."""

    MINOR = "一般"
    SERIOUS = "较大"
    MAJOR = "重大"

    @property
    def rank(self) -> int:
        """0 for 一般, 1 for 较大, 2 for 重大."""
        return SEVERITIES.index(self.value)

    @classmethod
    def parse(cls, value: object) -> RecordSeverity | None:
        """一般/较大/重大 for a severity text (严重 → 重大, 较大级 → 较大); None when unknown."""
        if is_missing(value):
            return None
        text = folded(value)
        return cls._plain(text) or _with_remark(text, cls._plain)

    @classmethod
    def _plain(cls, text: str) -> RecordSeverity | None:
        found = SEVERITY_ALIASES.get(text) or SEVERITY_ALIASES.get(text.removesuffix("级"))
        return None if found is None else cls(found)


class ViolationCategory(enum.StrEnum):
    """Category of a violation record (违法违规类别) [001 三(一)1; 002 三(一)2]."""

    SAFETY = "安全"
    ENVIRONMENT = "环保"
    QUALITY = "质量"
    ENERGY = "能耗"
    FIRE = "消防"
    TAX = "税收"
    ILLEGAL_LAND_USE = "违法用地"
    ILLEGAL_BUILDING = "违法建设"
    UNLICENSED = "无照经营"

    @classmethod
    def parse(cls, value: object) -> ViolationCategory | None:
        """The category for a text (aliases, then suffixes 类/问题/… stripped); None if unknown.

        Examples
        --------
        >>> [str(ViolationCategory.parse(t)) for t in ("安全生产", "违章建筑", "环保类", "其他")]
        ['安全', '违法建设', '环保', 'None']
        """
        if is_missing(value):
            return None
        text = folded(value)
        return cls._plain(text) or _with_remark(text, cls._plain)

    @classmethod
    def _plain(cls, text: str) -> ViolationCategory | None:
        while text:
            if text in CATEGORY_ALIASES:
                return cls(CATEGORY_ALIASES[text])
            stripped = _CATEGORY_SUFFIX.sub("", text)
            if stripped == text:
                return None
            text = stripped
        return None

    @classmethod
    def several(cls, value: object) -> tuple[ViolationCategory, ...]:
        """The categories a text lists when it names more than one (「环保、安全」); else ``()``.

        One record has one category: :meth:`parse` gives None for such a text.

        Examples
        --------
        >>> [str(c) for c in ViolationCategory.several("环保、安全生产")]
        ['环保', '安全']
        >>> ViolationCategory.several("违法建设"), ViolationCategory.several("环保、其他")
        ((), ())
        """
        if is_missing(value):
            return ()
        found = [cls.parse(piece) for piece in _LIST.split(folded(value)) if piece]
        if len(found) < 2 or any(f is None for f in found):
            return ()
        distinct = tuple(dict.fromkeys(f for f in found if f is not None))
        return distinct if len(distinct) > 1 else ()


SEVERITIES: tuple[str, ...] = tuple(s.value for s in RecordSeverity)
"""The severities, mildest first."""

CATEGORIES: tuple[str, ...] = tuple(c.value for c in ViolationCategory)
"""The violation categories."""

CATEGORY_ALIASES: Mapping[str, str] = {
    **{c.value: c.value for c in ViolationCategory},
    "安全生产": "安全",
    "生产安全": "安全",
    "安全隐患": "安全",
    "安全事故": "安全",
    "生态环境": "环保",
    "环境": "环保",
    "环境保护": "环保",
    "环境污染": "环保",
    "污染": "环保",
    "产品质量": "质量",
    "质量安全": "质量",
    "节能": "能耗",
    "能源": "能耗",
    "用能": "能耗",
    "消防安全": "消防",
    "税务": "税收",
    "纳税": "税收",
    "欠税": "税收",
    "偷逃税": "税收",
    "偷税漏税": "税收",
    "非法占地": "违法用地",
    "违法占地": "违法用地",
    "非法用地": "违法用地",
    "违规用地": "违法用地",
    "土地违法": "违法用地",
    "违章建筑": "违法建设",
    "违建": "违法建设",
    "违章建设": "违法建设",
    "违法建筑": "违法建设",
    "违法搭建": "违法建设",
    "违章搭建": "违法建设",
    "无证经营": "无照经营",
    "无证无照": "无照经营",
    "无照": "无照经营",
    "排污": "环保",
    "违法排污": "环保",
    "超标排放": "环保",
    "超标排污": "环保",
}
"""Category texts as staff write them → the category."""

_CATEGORY_SUFFIX = re.compile(r"(类|问题|方面|领域|违法|违规|处罚|隐患)$")

SEVERITY_ALIASES: Mapping[str, str] = {
    "一般": "一般",
    "一般性": "一般",
    "轻微": "一般",
    "较轻": "一般",
    "较大": "较大",
    "较重": "较大",
    "较严重": "较大",
    "比较严重": "较大",
    "重大": "重大",
    "严重": "重大",
    "特别重大": "重大",
    "特别严重": "重大",
    "特大": "重大",
}
"""Severity texts as staff write them → the severity."""


#: Which 初审表 a 增容 run writes: all, those of applications, those of screened candidates, none.
FORM_MODES: tuple[str, ...] = ("all", "applications", "candidates", "none")


_ABOVE = frozenset(
    {"规上", "规模以上", "规上企业", "规模以上企业", "规上工业", "规模以上工业"}
    | {"规上工业企业", "规模以上工业企业"}  # the statistical term itself
)
_BELOW = frozenset(
    {"规下", "规模以下", "规下企业", "规模以下企业", "规下工业", "规模以下工业"}
    | {"规下工业企业", "规模以下工业企业"}
)


#: The size classes of 《统计上大中小微型企业划分办法（2017）》 (国统字〔2017〕213号), which an
#: enterprise database's 「企业规模」 column holds: by revenue and staff, not 规上/规下.
_SIZE_CLASSES = frozenset(
    {"大型", "中型", "小型", "微型", "小微", "中小", "大中型", "中小微"}
    | {"大型企业", "中型企业", "小型企业", "微型企业", "小微企业", "中小企业", "中小微企业"}
)


def is_size_class(value: object) -> bool:
    """Whether ``value`` is a size class (「小型」「微型企业」), which says how big a firm is, not
    whether it is 规上: a 小型 firm may be either (:func:`scale_is_above` reads neither).

    >>> is_size_class(" 小型 "), is_size_class("规下")
    (True, False)
    """
    return not is_missing(value) and folded(value).casefold() in _SIZE_CLASSES


#: a note after 规上/规下 in brackets: 「规下（小微）」「规上(新进规)」
_NOTE = re.compile(r"(?<=.)[（(][^（()）]*[)）]$")


def scale_is_above(value: object) -> bool | None:
    """Read 规上/规下 as a bool: the one reading of the readers, screening and 亩均评价.

    ``规上``/``规模以上``/``是``/``Y`` → True; ``规下``/``规模以下``/``否``/``N`` → False; anything
    else (blank included) → None.

    Examples
    --------
    >>> scale_is_above("规模以上"), scale_is_above("N"), scale_is_above("中型")
    (True, False, None)
    >>> scale_is_above("规下（小微）"), scale_is_above("（小微）")
    (False, None)
    """
    if value is True or value is False:  # as the enterprise reader leaves it
        return value
    if is_missing(value):
        return None
    text = _NOTE.sub("", folded(value).casefold())  # 「规下（小微）」: 规下 with a note
    if text in _ABOVE:
        return True
    if text in _BELOW:
        return False
    return parse_yes_no(value)


#: Words a yes/no field of the 增容 application (初审表) is answered in beside 是/否, per field:
#: (yes, no). The 初审表 asks 「是否办理临时改变房屋用途」 [越政发〔2022〕24号 附件3 第三条第1项],
#: answered 「已办理」/「未办理」; 第三条第8项 speaks of projects that 「涉及原建筑结构发生变化」,
#: answered 「涉及」/「不涉及」. Other fields read only the common yes/no words.
APPLICATION_ANSWERS: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    "temporary_use_change": (
        frozenset({"已办理", "已办"}),
        frozenset({"未办理", "未办", "没有办理", "不涉及"}),
    ),
    "changes_structure": (
        frozenset({"涉及", "改变", "有改变"}),
        frozenset({"不涉及", "不改变", "未改变", "无改变", "没有改变"}),
    ),
}


def application_answer(field: str, value: object) -> bool | None:
    """A yes/no cell of the 增容 application field ``field``: the one reading of the reader and
    the check (:data:`APPLICATION_ANSWERS` beside the common words of
    :func:`landgov.core.missing.parse_yes_no`); ``None`` when blank or not understood.

    Examples
    --------
    >>> application_answer("temporary_use_change", "未办理")
    False
    >>> application_answer("changes_structure", "涉及")
    True
    >>> application_answer("standard_factory", "否")
    False
    """
    yes, no = APPLICATION_ANSWERS.get(field, (frozenset(), frozenset()))
    return parse_yes_no(value, yes=yes, no=no)
