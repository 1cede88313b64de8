"""Putting the conditions together: one verdict per condition, and the overall outcome.

印染化工电镀 [000 附件3 三, last paragraph]: 「涉及印染化工电镀涉改企业二次开发项目相关要求可适当
放宽，具体以区工业用地二次开发联席会议审议明确为准」. For a 涉改 enterprise (``reform_sector`` in
``zengrong.relaxation_sectors``) a failed requirement named in ``zengrong.relaxable_rules`` is
not 不符合 but 待核实 with the joint meeting's review as the missing input (:data:`MEETING_REVIEW`):
the meeting decides, landgov does not relax anything itself. Requirements outside that list
(scope, the cap, records, safety, the catalogue …) still fail.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence

from landgov.core.collect import PLOT_AREA, PLOT_FLOOR, filed, render_text
from landgov.core.missing import lacking
from landgov.core.vocab import Eligibility, example_fail
from landgov.far.zengrong._case import (
    _CLAUSE,
    CONDITION_LABELS,
    FLOOR_OR_FAR,
    OWN_ITEMS,
    PLOT_SHAPE,
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
from landgov.far.zengrong._reads import Share, direct
from landgov.far.zengrong._scope import _cap, _scope
from landgov.verdict import Citation, Status, Verdict, combine

#: The missing input of a requirement a 涉改 enterprise fails but the joint meeting may relax.
MEETING_REVIEW = "区工业用地二次开发联席会议审议（涉改企业放宽）"

# ---------------------------------------------------------------------------------------------
# Putting the conditions together


def _compose(key: str, subs: list[Verdict]) -> Verdict:
    """One verdict per condition from its parts: worst status, every reason and value."""
    values: dict[str, object] = {}
    for v in subs:
        values.update(v.values)
    status, reason, citation, missing = _composed(key, subs)
    return Verdict(f"zengrong.{key}", status, reason, citation, values, missing)


#: What a composed verdict says besides its values: status, reason, citation, missing.
Composed = tuple[Status, str, Citation, tuple[str, ...]]


def _composed(key: str, subs: Sequence[Verdict]) -> Composed:
    """What :func:`_compose` says, read from the parts' status, reason, citation and missing
    inputs only (never their values)."""
    status = combine(subs)
    shown = [v for v in subs if v.status is not Status.PASS] or list(subs)
    missing: list[str] = []
    for v in subs:
        missing += [m for m in v.missing if m not in missing]
    citation = subs[0].citation
    reason = "；".join(v.reason for v in shown)
    if len(subs) > 1:
        # The condition's clause, labelled by the parts that decide it (the ones shown): a
        # default tolerance in a part that passed does not make a failed 15 亩 check unofficial.
        # Each part resting on a default says so itself (:func:`_cited`).
        official = all(v.citation.official for v in shown)
        citation = Citation("000", _CLAUSE[key], official=official)
        own = {v.citation for v in shown}
        if len(own) == 1 and (only := next(iter(own))).official:
            # the parts that decide it rest on one other official clause: that clause (马海片区
            # of 适用范围 is 附件3 七(二), the period 七(一), never 一 alone)
            citation = only
        reason = _cited(shown, citation)
    return status, reason, citation, tuple(missing)


def _cited(parts: list[Verdict], whole: Citation) -> str:
    """The reasons of ``parts`` joined, each unofficial citation said once per run.

    Consecutive parts resting on the same unofficial citation are joined and the citation
    follows them once. A citation naming the condition's own clause (``whole``) is shortened
    to its marker (示例规则（非官方）); after the last parts it is left out altogether when it
    is ``whole`` itself, which :meth:`~landgov.verdict.Verdict.explain` writes right after.
    """
    runs: list[tuple[Citation | None, list[str]]] = []
    for v in parts:
        # an official part on the condition's own clause needs no label; on another clause (七(二)
        # within 适用范围) it names that clause, as a default names its marker
        mine = v.citation.official and v.citation.reference == whole.reference
        cite = None if mine else v.citation
        if runs and runs[-1][0] == cite:
            runs[-1][1].append(v.reason)
        else:
            runs.append((cite, [v.reason]))
    texts = []
    for i, (cite, reasons) in enumerate(runs):
        text = "；".join(reasons)
        if cite is not None and not (i == len(runs) - 1 and str(cite) == str(whole)):
            label = str(cite)
            if cite.reference == whole.reference:
                label = f"{cite.marker}：{cite.derived}" if cite.derived else cite.marker
            text += f" {label}"
        texts.append(text)
    return "；".join(texts)


def _relax(verdict: Verdict, s: _Settings) -> Verdict:
    """A relaxable failed requirement of a 涉改 enterprise: 待核实, for the joint meeting.

    A failed requirement of 三 that ``relaxable_rules`` leaves out stays 不符合; when that list
    is 示例规则（非官方） (the opinion names no requirement) the 不符合 rests on it and says so
    (:func:`~landgov.core.vocab.example_fail`). 一 (scope) and 二 (the cap) are not requirements
    of 三: never relaxed, nothing to say.
    """
    rules = s.value("relaxable_rules")
    rule = verdict.rule_id.removeprefix("zengrong.")
    if verdict.status is not Status.FAIL:
        return verdict
    if rule not in rules:
        if not rule.startswith("cond"):
            return verdict
        reason = example_fail(verdict.reason, s.cite("relaxable_rules"))
        return verdict if reason == verdict.reason else dataclasses.replace(verdict, reason=reason)
    reason = (
        f"{verdict.reason}；涉改企业该项要求可适当放宽，提交区工业用地二次开发联席会议审议"
        f" {s.cite('relaxable_rules')}"
    )
    return dataclasses.replace(
        verdict,
        status=Status.UNKNOWN,
        reason=reason,
        values={**verdict.values, "放宽前判定": Status.FAIL.value},
        missing=(*verdict.missing, MEETING_REVIEW),
    )


#: Per condition (in the order of :data:`CONDITIONS`), how its parts are judged on a case;
#: ``share`` may hand out parts judged on the same facts (:mod:`landgov.far.zengrong._reads`).
PARTS: dict[str, Callable[[_Case, _Settings, Share], list[Verdict]]] = {
    "scope": lambda case, s, share: _scope(case, s, share=share),
    "cap": lambda case, s, share: [_cap(case, s)],
    "cond1": lambda case, s, share: _cond1(case, s, share=share),
    "cond2": lambda case, s, share: [_title(case), _first_development(case, s)],
    "cond3": lambda case, s, share: _cond3(case, s),
    "cond4": lambda case, s, share: _cond4(case),
    "cond5": lambda case, s, share: _cond5(case, s),
    "cond6": lambda case, s, share: _cond6(case, s),
    "cond7": lambda case, s, share: _cond7(case),
    "cond8": lambda case, s, share: _cond8(case),
}


def relaxed(subs: list[Verdict], s: _Settings, *, relax: bool) -> list[Verdict]:
    """``subs``, with ``relax`` (a 涉改 enterprise) each through :func:`_relax`."""
    return [_relax(v, s) for v in subs] if relax else subs


def _evaluate(case: _Case, s: _Settings, *, relax: bool = False) -> dict[str, Verdict]:
    """One verdict per condition; with ``relax`` (a 涉改 enterprise) relaxable failures are
    待核实 for the joint meeting (:func:`_relax`).

    Screening judges many plots at once through the same parts
    (:mod:`landgov.far.zengrong._frame`).
    """
    return {
        key: _compose(key, relaxed(make(case, s, direct), s, relax=relax))
        for key, make in PARTS.items()
    }


#: The short words the 初审表 prints in a cell (「待核实（缺少：宗地图形）」) → the item the
#: 底数清单 lists for the same gap (core.collect), for the 待核实事项 list.
_AS_LISTED = {PLOT_SHAPE: PLOT_AREA, FLOOR_OR_FAR: PLOT_FLOOR}


@functools.lru_cache(maxsize=512)
def _rendered(item: str) -> str:
    """``item`` as the 待核实事项 list says it (few distinct items): an internal form
    :func:`landgov.core.collect.render_text` words it; 增容's own items (:data:`OWN_ITEMS`:
    「增容申请：产权状况」) keep their words, filed under the department that collects them
    (「增容申请：产权状况〔申请企业〕」)."""
    text = str(render_text(_AS_LISTED.get(item, item)))
    if text != item:
        return text
    for head, field in OWN_ITEMS:
        if item.startswith(head):
            return filed(item, field)
    return item


@functools.lru_cache(maxsize=4096)
def _rendered_note(text: str, missing: tuple[str, ...] = ()) -> str:
    """``text`` (a verdict's :meth:`~landgov.verdict.Verdict.explain`, ending in
    :func:`~landgov.core.missing.lacking` of ``missing``) rendered: the 「（缺少：…）」 item by
    item (:func:`_rendered`), the rest by :func:`landgov.core.collect.render_text`."""
    tail = lacking(missing)
    if not tail or not text.endswith(tail):
        return str(render_text(text))
    head = str(render_text(text.removesuffix(tail)))
    return head + lacking(_rendered(m) for m in missing)


def condition_note(verdict: Verdict) -> str:
    """A condition's ``<condition>_note`` (:meth:`~landgov.verdict.Verdict.explain`: status,
    reason, clause, 「（缺少：…）」) with every missing input said as the 待核实事项 list says
    it (「拆迁计划图层 demolition」 → 「近年拆迁计划范围〔房屋征收部门〕」, 「增容申请：产权状况」
    → 「增容申请：产权状况〔申请企业〕」): the note is read by people (the workbook, the map's
    popup, the 联席会议 材料), and before, a run without a layer printed the readers' field names
    there."""
    return _rendered_note(verdict.explain(), verdict.missing)


def missing_items(verdicts: Mapping[str, Verdict]) -> list[str]:
    """The 待核实事项 of one row (the 增容审查's ``missing``), each item once, in the words of the
    底数清单 (:mod:`landgov.core.collect`: what to collect, and from which department): the
    internal forms shared with screening (a missing layer, a firm's 行业代码) are rendered, the
    items only 增容 has (「增容申请：…」) stay as they are; two forms of one item are said once.
    The one list of a computed row and of a row recomposed after a 人工认定."""
    missing: list[str] = []
    for v in verdicts.values():
        for m in v.missing:
            item = _rendered(m)
            if item not in missing:
                missing.append(item)
    return missing


def meeting_items(verdicts: Mapping[str, Verdict]) -> list[str]:
    """The conditions left to the joint meeting's review (relaxable requirements not met)."""
    return [CONDITION_LABELS[k] for k, v in verdicts.items() if MEETING_REVIEW in v.missing]


def overall(verdicts: Mapping[str, Verdict]) -> tuple[Eligibility, str]:
    """Overall outcome and its reason.

    Any 不符合 → 不可申报 (the failing conditions named); else any 待核实 → 待核实 (what is
    missing; 「待核实（提交联席会议审议）」 first when a 涉改 enterprise misses only requirements
    the meeting may relax, :func:`meeting_items`); else 可申报, with any 待承诺 document steps
    listed.
    """
    status = combine(verdicts.values())
    fails = [k for k, v in verdicts.items() if v.status is Status.FAIL]
    if status is Status.FAIL:
        text = "；".join(f"{CONDITION_LABELS[k]}：{verdicts[k].reason}" for k in fails)
        return Eligibility.INELIGIBLE, _rendered_note(text)
    if status is Status.UNKNOWN:
        missing = missing_items(verdicts)  # rendered, as the 待核实事项 column says them
        meeting = meeting_items(verdicts)
        if not meeting:
            return Eligibility.UNKNOWN, "待核实：" + "、".join(missing)
        text = (
            "待核实（提交联席会议审议）：涉改企业未满足的可放宽要求 "
            + "、".join(meeting)
            + "，以区工业用地二次开发联席会议审议明确为准"
        )
        rest = [m for m in missing if m != MEETING_REVIEW]
        if rest:
            text += "；另待核实：" + "、".join(rest)
        return Eligibility.UNKNOWN, text
    pending = [CONDITION_LABELS[k] for k, v in verdicts.items() if v.status is Status.PENDING]
    text = "各项条件符合"
    if pending:
        text += "；待承诺/待补材料：" + "、".join(pending)
    return Eligibility.ELIGIBLE, text
