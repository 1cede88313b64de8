"""四个一批: one treatment path for every plot on the 治理清单 (docs/domain.md §5).

The seeds name the four paths — 拆除重建、整治提升、功能转型、关停退出 [002 三(一)2; 001 三(一)2] —
but give no criteria, so the path is decided by an **ordered, editable rule table** stored in the
policy profile (section ``paths``, key ``rules``). Rules are evaluated in order and the first rule
whose condition holds decides the path; the last rule must catch every plot, so each plot gets
exactly one path.

Rule tables are data, never code. A rule is a table::

    { id = "R1", path = "关停退出", label = "…", source = "001 三(二)2", official = false,
      any = ["catalogue:淘汰类", "violation:重大:安全&grade:D", "idle:recoverable"],
      all = ["low_efficiency:不符合"] }

The condition holds when every term of ``all`` holds and at least one term of ``any`` holds (an
absent list is no constraint; a rule needs at least one of them). A *term* is one or more atoms
joined by ``&`` (all must hold); an atom may be negated with a leading ``!``. Atoms:

``<check>:<status>``
    the screening verdict of a check has that status (符合/不符合/待核实); checks are
    low_efficiency, violation, two_high, idle, under_used, planning, control_line, demolition,
    catalogue (see :mod:`landgov.screening`).
``catalogue:<class>``
    an enterprise on the plot is in that class of 《产业结构调整指导目录》
    (鼓励类/允许类/限制类/淘汰类).
``grade:<A|B|C|D>``
    the plot's 亩均 grade (from its main enterprise). A plot whose main enterprise is outside
    the evaluation scope (the parcel column ``grade_out_of_scope``: not 制造业, or 规下 using
    less than 3 亩 [001 三(二)1; 002 三(二)1], :func:`landgov.efficiency.parcel_out_of_scope`)
    has no grade and never will: the term is false, with that reason — unless that scope is
    only an example (示例规则（非官方）, another county's document): then the term is unknown and
    the plot lacks the county's own scope (``standard_evaluation_scope``). A grade missing for
    lack of data (a missing tax, industry code, scale or land) is unknown.
``violation:<severity>[:<category>]``
    a violation record of at least that severity (一般 < 较大 < 重大), optionally of one category;
    unknown where a record that may meet it has no recorded severity or category, or an
    unknown standing at the reference date (its 整改情况 blank), and none meets it for sure.
``block:large``
    the plot belongs to a 连片 block of at least ``blocks.min_area_mu`` 亩 [000 4].
``idle:recoverable``
    the plot is idle long enough to be taken back without compensation: the idle check's
    ``recoverable``, judged with ``screening.idle_recovery_years`` and its comparison (a table
    never repeats that number, so a county that changes it changes the rule too).
``<field><op><number>``
    a comparison, ``op`` one of ``>= <= > < == !=``; fields idle_years, far, tax_per_mu,
    area_mu, block_area_mu.
``always``
    holds for every plot (the catch-all of the last rule).

Logic is three-valued: an atom whose input is missing is *unknown*. ``&`` is false as soon as an
atom is false; ``any`` is true as soon as a term is true. A rule that is unknown does not match;
evaluation goes on, and the plot's ``path_status`` becomes 待核实 with the missing inputs listed,
because a rule placed earlier might have applied.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from landgov.core.collect import field_item
from landgov.core.compare import measured, shown
from landgov.core.listing import allowed
from landgov.core.missing import format_number, is_missing
from landgov.core.vocab import CATEGORIES, SEVERITIES, TreatmentPath
from landgov.efficiency import OUT_OF_SCOPE
from landgov.errors import Issue, ProfileError
from landgov.far.industry import catalogue_item
from landgov.policy import Profile
from landgov.verdict import UNOFFICIAL, Citation, Status, Verdict

__all__ = [
    "CHECK_NAMES",
    "PATH_COLUMNS",
    "PathRule",
    "TreatmentPath",
    "assign_paths",
    "decide_paths",
    "decided_path",
    "may_take",
    "path_rows",
    "rule_table",
    "validate_rule_table",
]


#: Screening checks a ``<check>:<status>`` atom may name (see landgov.screening.Check).
CHECK_NAMES: tuple[str, ...] = (
    "low_efficiency",
    "violation",
    "two_high",
    "idle",
    "under_used",
    "planning",
    "control_line",
    "demolition",
    "catalogue",
)

#: Columns :func:`assign_paths` returns besides ``verdict``.
PATH_COLUMNS: tuple[str, ...] = (
    "path",
    "path_rule",
    "path_status",
    "reasons",
    "citations",
    "missing",
)

_CATALOGUE_CLASSES = ("鼓励类", "允许类", "限制类", "淘汰类")
_GRADES = ("A", "B", "C", "D")
_STATUSES = tuple(s.value for s in (Status.PASS, Status.FAIL, Status.UNKNOWN))
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
#: numeric fields: (source check or parcel column, key in the verdict's values, Chinese label)
_NUMERIC: dict[str, tuple[str, str, str]] = {
    "idle_years": ("idle", "idle_years", "闲置年数（满年）"),
    "far": ("under_used", "far", "容积率"),
    "tax_per_mu": ("low_efficiency", "tax_per_mu", "亩均税收（万元/亩）"),
    "area_mu": ("", "area_mu", "宗地面积（亩）"),
    "block_area_mu": ("", "block_area_mu", "所在连片地块面积（亩）"),
}
_NUMERIC_RE = re.compile(r"^([a-z_]+)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)$")
_RULE_KEYS = frozenset({"id", "path", "any", "all", "label", "source", "url", "official", "note"})
_ALLOWED_TERMS = (
    "<检查>:<符合|不符合|待核实>（检查：" + "、".join(CHECK_NAMES) + "）；"
    "catalogue:<鼓励类|允许类|限制类|淘汰类>；grade:<A|B|C|D>；"
    "violation:<一般|较大|重大>[:<类别>]；block:large；idle:recoverable；"
    "<字段><比较符><数值>（字段：" + "、".join(_NUMERIC) + "；比较符：>= <= > < == !=）；always；"
    "多个条件用 & 连接，前缀 ! 表示否定"
)


# --------------------------------------------------------------------------------------------
# condition language


@dataclass(frozen=True)
class _Atom:
    kind: str  # status | catalogue | grade | violation | block | recoverable | compare | always
    name: str
    value: Any = None
    extra: Any = None
    negate: bool = False


@dataclass(frozen=True)
class _Outcome:
    """Three-valued result of an atom, term or rule with its evidence."""

    value: bool | None
    evidence: tuple[tuple[str, Citation | None], ...] = ()
    missing: tuple[str, ...] = ()


def _parse_atom(text: str) -> _Atom:
    """Parse one atom; raise ValueError with a Chinese message naming what is allowed."""
    raw = text.strip()
    negate = raw.startswith("!")
    body = raw[1:].strip() if negate else raw
    if body == "always":
        if negate:
            raise ValueError("「always」不能取否定")
        return _Atom("always", "always")
    match = _NUMERIC_RE.match(body)
    if match:
        name, op, num = match.groups()
        if name not in _NUMERIC:
            raise ValueError(f"未知的数值字段「{name}」，{allowed(_NUMERIC, name)}")
        return _Atom("compare", name, float(num), op, negate)
    name, sep, rest = body.partition(":")
    if not sep:
        raise ValueError("无法识别的条件")
    parts = rest.split(":")
    if name in CHECK_NAMES and len(parts) == 1 and parts[0] in _STATUSES:
        return _Atom("status", name, Status(parts[0]), None, negate)
    parser = _NAMED_PARSERS.get(name)
    if parser is not None:
        return parser(parts, negate)
    if name in CHECK_NAMES:
        raise ValueError(f"检查「{name}」后应为状态：{'/'.join(_STATUSES)}")
    raise ValueError(f"未知的条件名「{name}」")


def _parse_catalogue(parts: list[str], negate: bool) -> _Atom:
    _require(parts, 1, _CATALOGUE_CLASSES, "产业目录类别")
    return _Atom("catalogue", "catalogue", parts[0], None, negate)


def _parse_grade(parts: list[str], negate: bool) -> _Atom:
    _require(parts, 1, _GRADES, "评价等级")
    return _Atom("grade", "grade", parts[0], None, negate)


def _parse_violation(parts: list[str], negate: bool) -> _Atom:
    if len(parts) > 2 or parts[0] not in SEVERITIES:
        raise ValueError(
            f"violation 后应为状态（{'/'.join(_STATUSES)}）或严重程度（{'/'.join(SEVERITIES)}）"
            "及可选类别"
        )
    if len(parts) == 2 and parts[1] not in CATEGORIES:
        raise ValueError(f"未知的违法违规类别「{parts[1]}」，{allowed(CATEGORIES, parts[1])}")
    return _Atom("violation", "violation", parts[0], parts[1] if len(parts) == 2 else None, negate)


def _parse_block(parts: list[str], negate: bool) -> _Atom:
    _require(parts, 1, ("large",), "连片条件")
    return _Atom("block", "block", "large", None, negate)


def _parse_idle(parts: list[str], negate: bool) -> _Atom:
    if parts != ["recoverable"]:  # a status was taken by _parse_atom already
        raise ValueError(
            f"检查「idle」后应为状态（{'/'.join(_STATUSES)}）或 recoverable（可无偿收回），"
            f"所见：「{':'.join(parts)}」"
        )
    return _Atom("recoverable", "idle", True, None, negate)


_NAMED_PARSERS: dict[str, Callable[[list[str], bool], _Atom]] = {
    "catalogue": _parse_catalogue,
    "grade": _parse_grade,
    "violation": _parse_violation,
    "block": _parse_block,
    "idle": _parse_idle,
}


def _require(parts: Sequence[str], n: int, allowed: Sequence[str], what: str) -> None:
    if len(parts) != n or parts[0] not in allowed:
        raise ValueError(f"{what}应为 {'/'.join(allowed)} 之一，所见：「{':'.join(parts)}」")


def _parse_term(text: str) -> tuple[_Atom, ...]:
    if not isinstance(text, str) or not text.strip():
        raise ValueError("条件必须是非空文本")
    return tuple(_parse_atom(part) for part in text.split("&"))


# --------------------------------------------------------------------------------------------
# rules


@dataclass(frozen=True)
class PathRule:
    """One row of the 四个一批 rule table.

    Attributes
    ----------
    id
        Rule id shown in outputs (``path_rule``).
    path
        The path the rule assigns.
    any, all
        Condition terms (see the module docstring).
    label
        What the rule means, in Chinese.
    citation
        Where the rule comes from; ``official=False`` for project defaults.
    """

    id: str
    path: TreatmentPath
    any: tuple[str, ...]
    all: tuple[str, ...]
    label: str
    citation: Citation

    @property
    def unconditional(self) -> bool:
        """True when the rule holds for every plot (only ``always`` terms)."""
        any_ok = not self.any or "always" in (t.strip() for t in self.any)
        all_ok = all(t.strip() == "always" for t in self.all)
        return any_ok and all_ok

    def _terms(self, which: str) -> tuple[tuple[_Atom, ...], ...]:
        return tuple(_parse_term(t) for t in getattr(self, which))


def _rule_issues(i: int, raw: Any, source: str, seen: set[str]) -> list[Issue]:
    key = f"paths.rules[{i + 1}]"
    if not isinstance(raw, Mapping):
        return [
            Issue(source, key, raw, "规则必须是表", '写成 { id = "R1", path = "…", any = […] }')
        ]
    rid = raw.get("id")
    where = f"{key}（规则 {rid}）" if rid else key
    issues = [
        Issue(source, where, bad, "规则含未知键", f"允许的键：{sorted(_RULE_KEYS)}")
        for bad in sorted(set(raw) - _RULE_KEYS)
    ]
    if not isinstance(rid, str) or not rid.strip():
        issues.append(Issue(source, where, rid, "规则缺少 id", "给每条规则一个唯一的 id，如 R1"))
    elif rid in seen:
        issues.append(Issue(source, where, rid, "规则 id 重复", "每条规则的 id 必须唯一"))
    else:
        seen.add(rid)
    if raw.get("path") not in {p.value for p in TreatmentPath}:
        fix = allowed([p.value for p in TreatmentPath], raw.get("path"))
        issues.append(Issue(source, where, raw.get("path"), "未知的治理路径", fix))
    if "any" not in raw and "all" not in raw:
        issues.append(
            Issue(
                source,
                where,
                None,
                "规则没有条件",
                '至少写 any 或 all；兜底规则写 any = ["always"]',
            )
        )
    for which in ("any", "all"):
        terms = raw.get(which, ())
        if isinstance(terms, str) or not isinstance(terms, Sequence):
            issues.append(Issue(source, f"{where}.{which}", terms, "应为条件列表", "写成 [ … ]"))
            continue
        for term in terms:
            try:
                _parse_term(term)
            except ValueError as exc:
                issues.append(Issue(source, f"{where}.{which}", term, str(exc), _ALLOWED_TERMS))
    return issues


def validate_rule_table(rules: Any, *, source: str = "paths.rules") -> list[Issue]:
    """Every problem in a rule table (empty when it is valid).

    Checks the shape of each rule, its keys, id (unique), path (one of
    :class:`TreatmentPath`), every condition term, and that the last rule catches every plot.
    """
    if isinstance(rules, str | bytes) or not isinstance(rules, Sequence) or not rules:
        return [
            Issue(
                source,
                "paths.rules",
                rules,
                "规则表必须是非空列表",
                "见 landgov/screening/paths.py 说明",
            )
        ]
    seen: set[str] = set()
    issues: list[Issue] = []
    for i, raw in enumerate(rules):
        issues += _rule_issues(i, raw, source, seen)
    last = rules[-1]
    if not issues and not _build_rule(last).unconditional:
        issues.append(
            Issue(
                source,
                f"paths.rules[{len(rules)}]（规则 {last.get('id')}）",
                last.get("any"),
                "最后一条规则必须兜底（对所有地块成立），否则有地块没有治理路径",
                '最后一条规则写 any = ["always"]（默认为整治提升）',
            )
        )
    return issues


def _build_rule(raw: Mapping[str, Any]) -> PathRule:
    official = bool(raw.get("official", True))
    text = str(raw.get("source") or "")
    citation = (
        Citation.parse(text, url=raw.get("url"), official=official)
        if text or raw.get("url")
        else Citation(None, "项目默认", official=False)
    )
    return PathRule(
        id=str(raw["id"]),
        path=TreatmentPath(raw["path"]),
        any=tuple(raw.get("any", ())),
        all=tuple(raw.get("all", ())),
        label=str(raw.get("label", "")),
        citation=citation,
    )


def rule_table(profile: Profile) -> tuple[PathRule, ...]:
    """The validated rule table of a profile (``paths.rules``), in evaluation order.

    Raises
    ------
    ProfileError
        Listing every bad rule: the rule, the term and what is allowed.
    """
    raw = profile.value("paths.rules")
    issues = validate_rule_table(raw, source=profile.path or profile.name)
    if issues:
        raise ProfileError(issues)
    table_citation = profile.citation("paths.rules")
    rules = []
    for item in raw:
        rule = _build_rule(item)
        # a rule's own source is read by this profile: another county's document is 「参照」
        citation = (
            profile.localize(rule.citation)
            if item.get("source") or item.get("url")
            else table_citation
        )
        rules.append(PathRule(rule.id, rule.path, rule.any, rule.all, rule.label, citation))
    return tuple(rules)


# --------------------------------------------------------------------------------------------
# evaluation


@dataclass(frozen=True)
class _Facts:
    """What the atoms of one plot can see."""

    verdicts: Mapping[str, Verdict | None]
    row: Mapping[str, Any]
    block_citation: Citation | None
    #: whether the rule table reads a grade (its reasons then say why a plot has none)
    reads_grade: bool = False


def _eval_status(atom: _Atom, facts: _Facts) -> _Outcome:
    verdict = facts.verdicts.get(atom.name)
    if verdict is None:
        return _Outcome(None, missing=(f"检查 {atom.name} 的结果（未运行）",))
    if verdict.status is Status.UNKNOWN and atom.value is not Status.UNKNOWN:
        return _Outcome(None, missing=verdict.missing)
    hit = verdict.status is atom.value
    return _Outcome(hit, ((verdict.explain(), verdict.citation),) if hit else ())


def _eval_catalogue(atom: _Atom, facts: _Facts) -> _Outcome:
    verdict = facts.verdicts.get("catalogue")
    if verdict is None:
        return _Outcome(None, missing=("检查 catalogue 的结果（未运行）",))
    classes = verdict.values.get("classes", ())
    if any(cls == atom.value for _, cls in classes):
        names = [u for u, cls in classes if cls == atom.value]
        if verdict.status is Status.FAIL and all(
            f"{u}（{atom.value}）" in verdict.reason for u in names
        ):  # the check's 不符合 names them (with the edition and date): said once, not twice
            return _Outcome(True, ((verdict.explain(), verdict.citation),))
        text = f"企业（{'、'.join(names)}）属《产业结构调整指导目录》{atom.value}"
        return _Outcome(True, ((text, verdict.citation),))
    if any(is_missing(cls) for _, cls in classes) or not classes:
        return _Outcome(None, missing=verdict.missing or (catalogue_item(),))
    return _Outcome(False)


#: What a plot lacks whose main enterprise is outside the evaluation scope only by an example
#: scope (示例规则（非官方）: the 3 亩 or the 制造业 of another county's document): the county's
#: own scope (``landgov.core.collect``, 〔经信局〕) — an example never makes 「非D类」 on its own.
EXAMPLE_SCOPE = "本地认定标准 standard_evaluation_scope（）"


def _eval_grade(atom: _Atom, facts: _Facts) -> _Outcome:
    grade = facts.row.get("grade")
    if is_missing(grade):  # blank text too
        why = _out_of_scope(grade, facts.row)
        if why is not None:  # outside the scope: of no grade, so not of this one
            return _Outcome(False, ((_not_graded_text(why, atom.value), None),))
        if not is_missing(facts.row.get(OUT_OF_SCOPE)):  # outside an example scope only
            return _Outcome(None, missing=(EXAMPLE_SCOPE,))
        return _Outcome(None, missing=("宗地字段 grade（亩均评价等级）",))
    hit = str(grade).strip().upper() == atom.value
    if not hit:
        return _Outcome(False)
    source = _GRADE_SOURCES.get(str(facts.row.get("grade_source") or "").strip(), "")
    return _Outcome(True, ((f"亩均综合评价等级为{atom.value}类{source}", None),))


#: Where the grade a path rule reads comes from (``grade_source``,
#: :class:`landgov.efficiency.GradeSource`), as its reason line says it.
_GRADE_SOURCES = {
    "平台": "（等级来源：亩均论英雄平台，企业表「评价等级」列）",
    "计算": "（等级来源：按企业表数据计算，评分规则见工作表「策略参数」grading 各项）",
}


def _eval_violation(atom: _Atom, facts: _Facts) -> _Outcome:
    verdict = facts.verdicts.get("violation")
    if verdict is None:
        return _Outcome(None, missing=("检查 violation 的结果（未运行）",))
    if verdict.status is Status.UNKNOWN:
        return _Outcome(None, missing=verdict.missing)
    hits, missing = _violation_match(atom, verdict)
    if hits:
        text = "存在" + "、".join(f"{sev}{cat}违法违规记录" for cat, sev in hits)
        return _Outcome(True, ((text, verdict.citation),))
    return _Outcome(None, missing=missing) if missing else _Outcome(False)


#: What a counted record lacks when it may reach a ``violation:`` term, in the words of
#: :func:`landgov.core.records.judge` (rendered 「违法违规记录：…〔综合行政执法局〕」).
_NO_SEVERITY = "严重程度"
_NO_CATEGORY = "问题类别（记录未注明类别，无法判断是否属于本条所列类别）"


def _violation_match(
    atom: _Atom, verdict: Verdict
) -> tuple[list[tuple[str, str]], tuple[str, ...]]:
    """The counted records of ``verdict`` that meet a ``violation:<severity>[:<category>]``
    term, and — when none does — what is missing where a record may meet it: a counted record
    without a recorded severity or category, or a record whose standing at the reference date
    is unknown (the verdict's ``unsure`` records, listed on the plot by another record). Such a
    record is never read as below the severity or outside the category.
    """
    floor = SEVERITIES.index(atom.value)

    def meets(cat: str, sev: str) -> bool | None:
        sev_ok = None if sev not in SEVERITIES else SEVERITIES.index(sev) >= floor
        cat_ok = True if atom.extra is None else None if cat == "未注明" else cat == atom.extra
        return _kleene_all([sev_ok, cat_ok])

    hits, missing = [], []
    for cat, sev in verdict.values.get("records", ()):
        ok = meets(cat, sev)
        if ok:
            hits.append((cat, sev))
        elif ok is None:
            missing.append(_NO_SEVERITY if sev not in SEVERITIES else _NO_CATEGORY)
    if not hits and any(
        meets(cat, sev) is not False for cat, sev in verdict.values.get("unsure", ())
    ):
        missing += verdict.values.get("unsure_missing", ())
    return hits, tuple(dict.fromkeys(missing))


_NO_BLOCKS = "连片分析结果 block_large（先运行 blocks.find_blocks）"
#: A block (or the plot itself) holding a plot of unknown area (core.collect: block_area).
_BLOCK_AREA_UNKNOWN = "连片地块宗地面积 block_area（本宗地或所在连片地块中有宗地面积不明）"


def _eval_block(atom: _Atom, facts: _Facts) -> _Outcome:
    large = facts.row.get("block_large")
    if is_missing(large):
        pending = facts.row.get("block_pending")
        if not is_missing(pending):  # a neighbour whose own path is not yet known
            return _Outcome(None, missing=(str(pending),))
        if is_missing(facts.row.get("block_id")):
            return _Outcome(None, missing=(_NO_BLOCKS,))
        # in a block one of whose plots has no known area: it may reach the threshold or not
        return _Outcome(None, missing=(_BLOCK_AREA_UNKNOWN,))
    hit = bool(large)
    area = facts.row.get("block_area_mu")
    text = f"属连片地块 {facts.row.get('block_id')}（{format_number(area)} 亩）"
    return _Outcome(hit, ((text, facts.block_citation),) if hit else ())


def _eval_recoverable(atom: _Atom, facts: _Facts) -> _Outcome:
    """Idle long enough to be taken back without compensation (``screening.idle_recovery_years``,
    as the idle check judged it: its ``recoverable``)."""
    verdict = facts.verdicts.get("idle")
    if verdict is None:
        return _Outcome(None, missing=("检查 idle 的结果（未运行）",))
    hit = _recoverable_truth(verdict)
    if hit is None:
        return _Outcome(None, missing=verdict.missing or (RECOVERABLE_UNKNOWN,))
    return _Outcome(hit, ((verdict.explain(), verdict.citation),) if hit else ())


#: What an idle plot whose ``recoverable`` is not known lacks: a contracted start date written
#: as a month whose first day makes it recoverable and whose last day does not (its reason
#: names the span).
RECOVERABLE_UNKNOWN = field_item(
    "contract_start_date", "只写到月份，是否已满可无偿收回年限，见供而未用理由"
)


def _recoverable_truth(verdict: Verdict | None) -> bool | None:
    """The idle verdict's ``recoverable``: unknown when the idle check is, or when an idle
    verdict says ``recoverable`` is ``None`` (not known)."""
    if verdict is None or verdict.status is Status.UNKNOWN:
        return None
    if verdict.status is not Status.FAIL:
        return False
    told = verdict.values.get("recoverable", False)
    return None if told is None else bool(told)


def _eval_compare(atom: _Atom, facts: _Facts) -> _Outcome:
    check, key, label = _NUMERIC[atom.name]
    verdict = facts.verdicts.get(check) if check else None
    value = verdict.values.get(key) if verdict is not None else facts.row.get(key)
    if is_missing(value):
        missing = verdict.missing if verdict is not None and verdict.missing else ()
        return _Outcome(None, missing=missing or (f"{label}（{atom.name}）",))
    hit = _meets(atom, value)
    text = f"{label} {shown(value, atom.value)} {atom.extra} {format_number(atom.value)}"
    return _Outcome(hit, ((text, verdict.citation if verdict else None),) if hit else ())


_EVALUATORS: dict[str, Callable[[_Atom, _Facts], _Outcome]] = {
    "status": _eval_status,
    "catalogue": _eval_catalogue,
    "grade": _eval_grade,
    "violation": _eval_violation,
    "block": _eval_block,
    "compare": _eval_compare,
    "recoverable": _eval_recoverable,
    "always": lambda atom, facts: _Outcome(True),
}


def _eval_atom(atom: _Atom, facts: _Facts) -> _Outcome:
    out = _EVALUATORS[atom.kind](atom, facts)
    if not atom.negate or out.value is None:
        return out
    # a false atom that says why (a grade term of a plot outside the evaluation scope) is the
    # evidence of its negation; any other negation holds without a text
    return _Outcome(True, out.evidence) if out.value is False else _Outcome(False)


def _all(outcomes: Iterable[_Outcome]) -> _Outcome:
    """Kleene AND: false if any is false, else unknown if any is unknown, else true."""
    items = list(outcomes)
    if any(o.value is False for o in items):
        return _Outcome(False)
    missing = tuple(m for o in items if o.value is None for m in o.missing)
    if missing or any(o.value is None for o in items):
        return _Outcome(None, missing=missing)
    return _Outcome(True, tuple(e for o in items for e in o.evidence))


def _any(outcomes: Iterable[_Outcome]) -> _Outcome:
    """Kleene OR: true if any is true (with the evidence of every true term)."""
    items = list(outcomes)
    true = [o for o in items if o.value is True]
    if true:
        return _Outcome(True, tuple(e for o in true for e in o.evidence))
    missing = tuple(m for o in items if o.value is None for m in o.missing)
    if any(o.value is None for o in items):
        return _Outcome(None, missing=missing)
    return _Outcome(False)


def _eval_term(term: tuple[_Atom, ...], facts: _Facts) -> _Outcome:
    """:func:`_all` of the term's atoms, stopping at the first false one (atoms have no side
    effects, and one false atom makes the term false whatever the others are)."""
    outcomes = []
    for atom in term:
        out = _eval_atom(atom, facts)
        if out.value is False:
            return _FALSE
        outcomes.append(out)
    return _all(outcomes)


_FALSE = _Outcome(False)


def _eval_rule(
    compiled: tuple[tuple[tuple[_Atom, ...], ...], tuple[tuple[_Atom, ...], ...]], facts: _Facts
) -> _Outcome:
    any_terms, all_terms = compiled
    all_outcomes = []
    for term in all_terms:
        out = _eval_term(term, facts)
        if out.value is False:  # the rule is false whatever the other terms are
            return _FALSE
        all_outcomes.append(out)
    all_part = _all(all_outcomes)
    if not any_terms:
        return all_part
    any_part = _any(_eval_term(term, facts) for term in any_terms)
    return _all([all_part, any_part])


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _decide(
    rules: Sequence[PathRule],
    compiled: Sequence[Any],
    facts: _Facts,
) -> tuple[PathRule, _Outcome, list[tuple[PathRule, tuple[str, ...]]]]:
    undecided: list[tuple[PathRule, tuple[str, ...]]] = []
    for rule, comp in zip(rules, compiled, strict=True):
        out = _eval_rule(comp, facts)
        if out.value is True:
            return rule, out, undecided
        if out.value is None:
            undecided.append((rule, tuple(_dedupe(out.missing)) or ("未知输入",)))
    raise AssertionError("rule table without catch-all passed validation")  # pragma: no cover


@functools.lru_cache(maxsize=256)
def _rule_texts(rule: PathRule) -> tuple[str, str, str]:
    """A rule's head line, its verdict's reason and its path: written once per rule."""
    head = f"规则 {rule.id}「{rule.path.value}」：{rule.label} {rule.citation}".strip()
    return head, f"治理路径：{rule.path.value}（{rule.label}）", rule.path.value


def _path_row(
    rule: PathRule,
    out: _Outcome,
    undecided: list[tuple[PathRule, tuple[str, ...]]],
    facts: _Facts,
) -> dict[str, Any]:
    head, reason, path = _rule_texts(rule)
    # a term two branches of a rule share (R3: 「低效且…、低效且…」) is evidence of each: once
    first: dict[str, tuple[str, Any]] = {}
    for text, cit in out.evidence:
        first.setdefault(text, (text, cit))
    evidence = list(first.values())
    shown = {text for text, _ in evidence}
    fail = Status.FAIL  # looked up once per plot, not once per check
    evidence += [
        (f"问题：{v.explain()}", v.citation)
        for v in facts.verdicts.values()
        if v is not None and v.status is fail and v.explain() not in shown
    ]
    why = _out_of_scope(facts.row.get("grade"), facts.row) if facts.reads_grade else None
    if why is not None and not any(why in text for text, _ in evidence):
        # the grade terms were false, not unknown: say why (once: a negated term says it too)
        evidence.append((f"主体企业{why}，未评定亩均评价等级，规则中的评价等级条件均不成立", None))
    lines = [head]
    lines += [
        f"· {text}" + (f" {cit}" if cit and str(cit) not in text else "") for text, cit in evidence
    ]
    missing = _dedupe(m for _, ms in undecided for m in ms)
    lines += [
        f"· 规则 {r.id}「{r.path.value}」无法判定（缺少：{'、'.join(ms)}），暂按后续规则"
        for r, ms in undecided
    ]
    citations = _dedupe([str(rule.citation), *(str(c) for _, c in evidence if c)])
    status = Status.UNKNOWN if missing else Status.PASS
    verdict = Verdict.trusted(
        rule.id,
        status,
        reason,
        rule.citation,
        values={"path": path, "undecided_rules": tuple(r.id for r, _ in undecided)},
        missing=tuple(missing),
    )
    return {
        "path": path,
        "path_rule": rule.id,
        "path_status": status.value,
        "reasons": "\n".join(lines),
        "citations": "；".join(citations),
        "missing": "、".join(missing),
        "verdict": verdict,
    }


def assign_paths(
    parcels: pd.DataFrame,
    *,
    checks: pd.DataFrame,
    profile: Profile,
    rules: Sequence[PathRule] | None = None,
) -> pd.DataFrame:
    """Give every plot exactly one 四个一批 path by the profile's rule table (first match wins).

    Parameters
    ----------
    parcels
        The 治理清单 plots. Optional columns read by atoms: ``grade``, ``area_mu``,
        ``block_id``, ``block_large``, ``block_area_mu``.
    checks
        Screening verdicts, same index as ``parcels``, one column per check (see
        :func:`landgov.screening.screen`); a check that is absent makes its atoms unknown.
    profile
        Policy profile; its ``paths.rules`` is used unless ``rules`` is given.
    rules
        An already validated rule table (from :func:`rule_table`), to override the profile's.

    Returns
    -------
    pandas.DataFrame
        Same index as ``parcels``: ``path`` (a :class:`TreatmentPath` value), ``path_rule``,
        ``path_status`` (符合, or 待核实 when an earlier rule could not be decided), ``reasons``
        (one line per reason, each with its clause), ``citations``, ``missing`` and ``verdict``
        (the decision as a :class:`~landgov.verdict.Verdict`).
    """
    return path_rows(decide_paths(parcels, checks=checks, profile=profile, rules=rules))


def decide_paths(
    parcels: pd.DataFrame,
    *,
    checks: pd.DataFrame,
    profile: Profile,
    rules: Sequence[PathRule] | None = None,
) -> pd.Series:
    """The decision of :func:`assign_paths` per plot, before its text is written.

    Each atom of the rule table is evaluated column-wise (:func:`_truth_column`, the same
    three-valued value as :func:`_truth` per plot); the rule a plot gets is planned once per
    distinct combination of atom values (:func:`_plan`). The evidence text is written only when
    :func:`path_rows` asks for it: :func:`~landgov.screening._paths_blocks.paths_and_blocks`
    decides most plots two or three times and writes one of the decisions.

    Returns
    -------
    pandas.Series
        Same index as ``parcels``, one opaque decision per plot: :func:`decided_path` reads its
        path, :func:`path_rows` writes the columns :func:`assign_paths` returns.
    """
    table = tuple(rules) if rules is not None else rule_table(profile)
    compiled = [(r._terms("any"), r._terms("all")) for r in table]
    block_citation = (
        profile.citation("blocks.min_area_mu") if "blocks.min_area_mu" in profile else None
    )
    check_cols = [c for c in checks.columns if c in CHECK_NAMES]
    row_cols = [
        c
        for c in (
            "grade",
            "grade_source",
            OUT_OF_SCOPE,
            "area_mu",
            "block_id",
            "block_large",
            "block_area_mu",
            "block_pending",
        )
        if c in parcels
    ]
    aligned = checks[check_cols].reindex(parcels.index)
    columns = {c: [_as_verdict(v) for v in aligned[c].tolist()] for c in check_cols}
    records = parcels[row_cols].to_dict("records")
    atoms = list(dict.fromkeys(a for comp in compiled for terms in comp for t in terms for a in t))
    truths = [_truth_column(a, columns, records) for a in atoms]
    shared = _Shared(table, compiled, atoms, columns, records, block_citation)
    plans: dict[tuple[bool | None, ...], tuple[int, tuple[int, ...]]] = {}
    decisions = []
    for n, key in enumerate(zip(*truths, strict=True)):
        plan = plans.get(key)
        if plan is None:  # which rule decides, and which earlier ones are unknown
            plan = plans[key] = _plan(compiled, dict(zip(atoms, key, strict=True)))
        decisions.append(_Decision(shared, n, plan, key))
    return pd.Series(decisions, index=parcels.index, dtype="object")


@dataclass(frozen=True)
class _Shared:
    """What every decision of one :func:`decide_paths` call reads: rules and input columns."""

    table: tuple[PathRule, ...]
    compiled: Sequence[Any]
    atoms: Sequence[_Atom]
    columns: Mapping[str, Sequence[Verdict | None]]
    records: Sequence[Mapping[str, Any]]
    block_citation: Citation | None
    reads: dict[tuple[bool | None, ...], Any] = field(default_factory=dict)

    @functools.cached_property
    def reads_grade(self) -> bool:
        return any(a.kind == "grade" for a in self.atoms)


class _Decision:
    """One plot's decision: the deciding rule now, the evidence when :meth:`resolve` is asked."""

    __slots__ = ("n", "plan", "shared", "truths")

    def __init__(
        self,
        shared: _Shared,
        n: int,
        plan: tuple[int, tuple[int, ...]],
        truths: tuple[bool | None, ...],
    ) -> None:
        self.shared, self.n, self.plan, self.truths = shared, n, plan, truths

    @property
    def rule(self) -> PathRule:
        return self.shared.table[self.plan[0]]

    def facts(self) -> _Facts:
        s, n = self.shared, self.n
        verdicts = {c: col[n] for c, col in s.columns.items()}
        return _Facts(verdicts, s.records[n], s.block_citation, s.reads_grade)

    def resolve(
        self,
    ) -> tuple[PathRule, _Outcome, list[tuple[PathRule, tuple[str, ...]]], _Facts]:
        """What :func:`_decide` returns for the plot, and the plot's facts."""
        s, facts = self.shared, self.facts()
        reads = s.reads.get(self.truths)
        if reads is None:  # once per distinct combination of atom values
            truths = dict(zip(s.atoms, self.truths, strict=True))
            reads = s.reads[self.truths] = _reads(s.compiled, self.plan, truths)
        return (*_decide_planned(s.table, facts, self.plan, reads), facts)


def _truth_column(
    atom: _Atom,
    columns: Mapping[str, Sequence[Verdict | None]],
    records: Sequence[Mapping[str, Any]],
) -> list[bool | None]:
    """:func:`_truth` of ``atom`` for every plot, from the verdict columns and parcel rows."""
    n = len(records)

    def verdicts(name: str) -> Sequence[Verdict | None]:
        return columns.get(name) or [None] * n

    if atom.kind == "status":
        return _status_truths(atom, verdicts(atom.name))
    if atom.kind == "always":
        return [True] * n
    if atom.kind == "catalogue":
        values = [_catalogue_truth(atom.value, v) for v in verdicts("catalogue")]
    elif atom.kind == "violation":
        values = [_violation_truth(atom, v) for v in verdicts("violation")]
    elif atom.kind == "grade":
        values = [_grade_truth(atom.value, r) for r in records]
    elif atom.kind == "block":
        large = [r.get("block_large") for r in records]
        values = [None if is_missing(x) else bool(x) for x in large]
    elif atom.kind == "recoverable":
        values = [_recoverable_truth(v) for v in verdicts("idle")]
    else:  # compare
        check, key, _ = _NUMERIC[atom.name]
        if check:
            seen = [
                v.values.get(key) if v is not None else r.get(key)
                for v, r in zip(verdicts(check), records, strict=True)
            ]
        else:
            seen = [r.get(key) for r in records]
        values = [_meets(atom, x) for x in seen]
    if not atom.negate:
        return values
    return [None if x is None else not x for x in values]


def _truth(atom: _Atom, facts: _Facts) -> bool | None:
    """``_eval_atom(atom, facts).value`` without writing the evidence text."""
    value = _TRUTHS[atom.kind](atom, facts)
    return value if not atom.negate or value is None else not value


def _truth_catalogue(atom: _Atom, facts: _Facts) -> bool | None:
    return _catalogue_truth(atom.value, facts.verdicts.get("catalogue"))


def _catalogue_truth(wanted: str, verdict: Verdict | None) -> bool | None:
    if verdict is None:
        return None
    classes = verdict.values.get("classes", ())
    if any(cls == wanted for _, cls in classes):
        return True
    if any(is_missing(cls) for _, cls in classes) or not classes:
        return None
    return False


def _truth_grade(atom: _Atom, facts: _Facts) -> bool | None:
    return _grade_truth(atom.value, facts.row)


def _grade_truth(wanted: str, row: Mapping[str, Any]) -> bool | None:
    """A ``grade:`` atom of one plot: false for a plot outside the evaluation scope
    (:func:`_out_of_scope`), unknown for a grade missing for lack of data."""
    grade = row.get("grade")
    if is_missing(grade):  # blank text too
        return False if _out_of_scope(grade, row) is not None else None
    return str(grade).strip().upper() == wanted


def _out_of_scope(grade: Any, row: Mapping[str, Any]) -> str | None:
    """Why a plot without a grade is outside the evaluation scope (``grade_out_of_scope``,
    :func:`landgov.efficiency.parcel_out_of_scope`); ``None`` when it has a grade or may be
    inside (its grade missing for lack of data: 待核实)."""
    why = row.get(OUT_OF_SCOPE)
    if not is_missing(grade) or is_missing(why) or UNOFFICIAL in str(why):
        return None  # graded, maybe inside, or outside an example scope only: not known
    return str(why)


def _not_graded_text(why: str, grade: str) -> str:
    """The evidence of a grade term that is false because the plot is of no grade."""
    return f"主体企业{why}，未评定亩均评价等级，不属{grade}类"


def _truth_violation(atom: _Atom, facts: _Facts) -> bool | None:
    return _violation_truth(atom, facts.verdicts.get("violation"))


def _violation_truth(atom: _Atom, verdict: Verdict | None) -> bool | None:
    if verdict is None or verdict.status is Status.UNKNOWN:
        return None
    hits, missing = _violation_match(atom, verdict)
    return True if hits else None if missing else False


def _truth_block(atom: _Atom, facts: _Facts) -> bool | None:
    large = facts.row.get("block_large")
    return None if is_missing(large) else bool(large)


def _truth_compare(atom: _Atom, facts: _Facts) -> bool | None:
    check, key, _ = _NUMERIC[atom.name]
    verdict = facts.verdicts.get(check) if check else None
    value = verdict.values.get(key) if verdict is not None else facts.row.get(key)
    return _meets(atom, value)


def _meets(atom: _Atom, value: Any) -> bool | None:
    """Whether ``value`` meets a numeric term (``area_mu>=21``); None where it is missing.

    A measured figure meets the county's number as every threshold does, rounded to 6 decimals
    (:func:`landgov.core.compare.measured`): a 21 亩 square measuring 20.99999999998 亩 is 21
    亩, and 「21亩以上」 (``>=``) includes it; the floating noise of a polygon never decides.
    """
    if is_missing(value):
        return None
    return _OPS[atom.extra](measured(float(value)), atom.value)


_TRUTHS: dict[str, Callable[[_Atom, _Facts], bool | None]] = {
    "status": lambda atom, facts: _eval_status(atom, facts).value,
    "catalogue": _truth_catalogue,
    "grade": _truth_grade,
    "violation": _truth_violation,
    "block": _truth_block,
    "recoverable": lambda atom, facts: _recoverable_truth(facts.verdicts.get("idle")),
    "compare": _truth_compare,
    "always": lambda atom, facts: True,
}


def _status_truths(atom: _Atom, verdicts: Sequence[Verdict | None]) -> list[bool | None]:
    """:func:`_eval_status` ``.value`` (negation applied) for a column of verdicts."""
    out: list[bool | None] = []
    for v in verdicts:
        if v is None or (v.status is Status.UNKNOWN and atom.value is not Status.UNKNOWN):
            out.append(None)
        else:
            hit = v.status is atom.value
            out.append(not hit if atom.negate else hit)
    return out


def _kleene_all(values: Iterable[bool | None]) -> bool | None:
    items = list(values)
    if any(v is False for v in items):
        return False
    return None if any(v is None for v in items) else True


def _kleene_any(values: Iterable[bool | None]) -> bool | None:
    items = list(values)
    if any(v is True for v in items):
        return True
    return None if any(v is None for v in items) else False


def _plan(
    compiled: Sequence[Any], truths: Mapping[_Atom, bool | None]
) -> tuple[int, tuple[int, ...]]:
    """The rule :func:`_decide` picks and the earlier rules it finds unknown, from the atoms'
    truth values alone (the same three-valued logic as :func:`_eval_rule`)."""
    undecided = []
    for i, (any_terms, all_terms) in enumerate(compiled):
        all_part = _kleene_all(_kleene_all(truths[a] for a in t) for t in all_terms)
        value = all_part
        if any_terms:
            any_part = _kleene_any(_kleene_all(truths[a] for a in t) for t in any_terms)
            value = _kleene_all([all_part, any_part])
        if value is True:
            return i, tuple(undecided)
        if value is None:
            undecided.append(i)
    raise AssertionError("rule table without catch-all passed validation")  # pragma: no cover


def _decide_planned(
    rules: Sequence[PathRule],
    facts: _Facts,
    plan: tuple[int, tuple[int, ...]],
    reads: tuple[tuple[_Atom, ...], tuple[tuple[_Atom, ...], ...]],
) -> tuple[PathRule, _Outcome, list[tuple[PathRule, tuple[str, ...]]]]:
    """What :func:`_decide` returns, from the plan and the atoms :func:`_reads` names.

    Only the atoms whose text is used are evaluated again: the true atoms of the deciding
    rule's true terms (its evidence) and the unknown atoms of the undecided rules (what they
    miss), in the order :func:`_eval_rule` meets them.
    """
    win, unknown = plan
    evidence_atoms, missing_atoms = reads
    seen: dict[_Atom, _Outcome] = {}

    def outcome(atom: _Atom) -> _Outcome:
        out = seen.get(atom)
        if out is None:
            out = seen[atom] = _eval_atom(atom, facts)
        return out

    undecided = [
        (rules[i], tuple(_dedupe(m for a in atoms for m in outcome(a).missing)) or ("未知输入",))
        for i, atoms in zip(unknown, missing_atoms, strict=True)
    ]
    evidence = tuple(e for a in evidence_atoms for e in outcome(a).evidence)
    return rules[win], _Outcome(True, evidence), undecided


def _reads(
    compiled: Sequence[Any],
    plan: tuple[int, tuple[int, ...]],
    truths: Mapping[_Atom, bool | None],
) -> tuple[tuple[_Atom, ...], tuple[tuple[_Atom, ...], ...]]:
    """The atoms whose text a decision shows: the deciding rule's evidence atoms and, per
    undecided rule, its unknown atoms (the same for every plot with the same atom values)."""
    win, unknown = plan
    return _evidence_atoms(compiled[win], truths), tuple(
        _missing_atoms(compiled[i], truths) for i in unknown
    )


def _term_truth(term: tuple[_Atom, ...], truths: Mapping[_Atom, bool | None]) -> bool | None:
    return _kleene_all(truths[a] for a in term)


def _evidence_atoms(compiled: Any, truths: Mapping[_Atom, bool | None]) -> tuple[_Atom, ...]:
    """:func:`_eval_rule` of a rule that holds gives the evidence of its true terms' atoms."""
    any_terms, all_terms = compiled
    terms = [*all_terms, *(t for t in any_terms if _term_truth(t, truths) is True)]
    return tuple(a for t in terms for a in t)


def _missing_atoms(compiled: Any, truths: Mapping[_Atom, bool | None]) -> tuple[_Atom, ...]:
    """:func:`_eval_rule` ``.missing`` of an unknown rule: the inputs of its unknown atoms."""
    any_terms, all_terms = compiled

    def unknown(terms: Sequence[tuple[_Atom, ...]]) -> list[_Atom]:
        return [a for t in terms if _term_truth(t, truths) is None for a in t if truths[a] is None]

    out = unknown(all_terms)
    if any_terms and _kleene_any(_term_truth(t, truths) for t in any_terms) is None:
        out += unknown(any_terms)
    return tuple(out)


def may_take(decisions: pd.Series, paths: Sequence[str]) -> pd.Series:
    """Whether each decision of :func:`decide_paths` could still turn out one of ``paths``: a
    rule placed before the deciding one, undecided for a missing input, assigns one of them
    (the decided path itself is not counted)."""
    wanted = set(paths)
    return decisions.map(
        lambda d: any(d.shared.table[i].path.value in wanted for i in d.plan[1])
    ).astype(bool)


def decided_path(decisions: pd.Series) -> pd.Series:
    """The path (a :class:`TreatmentPath` value) of each decision of :func:`decide_paths`."""
    return decisions.map(lambda d: d.rule.path.value).astype("object").rename("path")


def path_rows(decisions: pd.Series) -> pd.DataFrame:
    """The columns of :func:`assign_paths` for decisions of :func:`decide_paths`."""
    rows = [_path_row(*d.resolve()) for d in decisions.tolist()]
    columns = [*PATH_COLUMNS, "verdict"]
    if not rows:
        return pd.DataFrame(rows, index=decisions.index, columns=columns)
    # column by column: the same frame as from the row dicts, without pandas reading each dict
    data = {c: [r[c] for r in rows] for c in columns}
    return pd.DataFrame(data, index=decisions.index, columns=columns)


def _as_verdict(x: Any) -> Verdict | None:
    return x if isinstance(x, Verdict) else None
