"""A verdict set by a person (人工认定) shown beside the one landgov computed, in one way.

Lists and the map keep the two in separate columns and fields (``*_computed`` beside the
decided column, ``override`` with the record); a single cell that has to show both (the
联席会议 overview, a review note) says 「系统：待核实 → 认定：符合（张三 2026-07-10）」.
"""

from __future__ import annotations

from landgov.core.missing import is_missing

__all__ = ["decided_note", "decided_text"]

_NONE = "—"


def decided_text(
    computed: object, decided: object, *, by: object = None, wrap: bool = False
) -> str:
    """The computed and the decided verdict side by side, with who decided and when.

    Parameters
    ----------
    computed, decided
        The verdict landgov computed and the one a person decided (missing: 「—」).
    by
        Who decided and when (「张三 2026-07-10」, :func:`landgov.run.overrides.decided_by`);
        missing or blank: left out.
    wrap
        Start 「→ 认定：…」 on a new line (a narrow table cell).

    Examples
    --------
    >>> decided_text("待核实", "符合", by="张三 2026-07-10")
    '系统：待核实 → 认定：符合（张三 2026-07-10）'
    >>> decided_text(None, "整治提升")
    '系统：— → 认定：整治提升'
    >>> print(decided_text(15, 14, wrap=True))
    系统：15
    → 认定：14
    """

    def shown(value: object) -> str:
        return _NONE if is_missing(value) else str(value)

    who = "" if is_missing(by) else f"（{str(by).strip()}）"
    return f"系统：{shown(computed)}{chr(10) if wrap else ' '}→ 认定：{shown(decided)}{who}"


def decided_note(computed: object, record: str) -> str:
    """A note that gives a 人工认定 record after the verdict computed before it.

    >>> decided_note("待核实", "人工认定：条件3 待核实→符合；…")
    '计算结论：待核实（人工认定前）；人工认定：条件3 待核实→符合；…'
    """
    shown = _NONE if is_missing(computed) else str(computed)
    return f"计算结论：{shown}（人工认定前）；{record}"
