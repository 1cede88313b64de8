"""GEOS's English validity reasons in Chinese, in one place (「自相交，位置 (x, y)」).

``shapely.is_valid_reason`` returns GEOS's text, e.g. ``"Ring Self-intersection[2 0]"``;
:func:`validity_text` gives what a user reads in a problem row. :data:`REPAIR` names the repair
(``make_valid``) in the same words everywhere; :data:`CHECK_UNTIL_FIXED` what a plot whose
boundary was read other than drawn waits for.
"""

from __future__ import annotations

import re

__all__ = ["CHECK_UNTIL_FIXED", "REPAIR", "TERMS", "error_text", "validity_text"]

REPAIR = "自动修复（拓扑修正）"
"""How problem rows name shapely's ``make_valid``."""

CHECK_UNTIL_FIXED = "修正前该宗地的面积及亩均指标须核实"
"""The end of the action of a plot whose boundary was read other than drawn (repaired, a stray
hole): its area, and every figure per 亩, are not the plot's until the boundary is fixed."""

TERMS: dict[str, str] = {
    "Valid Geometry": "图形有效",
    "Self-intersection": "边界自相交",
    "Ring Self-intersection": "环自相交（边界在一点上自我接触）",
    "Too few points in geometry component": "顶点太少，不能构成面",
    "Hole lies outside shell": "内环（洞）在外环之外",
    "Holes are nested": "内环（洞）相互嵌套",
    "Interior is disconnected": "内部不连通（被内环分割）",
    "Nested shells": "多个外环相互嵌套",
    "Duplicate Rings": "环重复",
    "Invalid Coordinate": "坐标无效（非数值）",
    "Ring is not closed": "环未闭合",
    "Topology Validation Error": "拓扑检查错误",
    "Repeated Point": "重复顶点",
    "Self-touching ring forming hole": "环自我接触形成洞",
}
"""GEOS validity reasons (``TopologyValidationError``) → Chinese."""

_REASON = re.compile(r"^\s*(?P<what>[^\[]+?)\s*(?:\[(?P<x>\S+)\s+(?P<y>\S+)\])?\s*$")


def validity_text(reason: str | None) -> str:
    """GEOS's validity reason in Chinese, with the location when GEOS gives one.

    >>> validity_text("Ring Self-intersection[2 0]")
    '环自相交（边界在一点上自我接触），位置 (2, 0)'
    >>> validity_text("Something new")
    '图形无效（Something new）'
    """
    if not reason:
        return "图形无效（原因未知）"
    match = _REASON.match(reason)
    what = match["what"] if match else reason
    text = TERMS.get(what)
    if text is None:
        return f"图形无效（{reason}）"
    if match and match["x"] is not None:
        return f"{text}，位置 ({_num(match['x'])}, {_num(match['y'])})"
    return text


def _num(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    return f"{value:.2f}".rstrip("0").rstrip(".")


_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (r"TopologyException:?\s*", "拓扑错误："),
        (r"IllegalArgumentException:?\s*", "参数错误："),
        (r"Input geom (\d+) is invalid:?\s*", "输入图形无效："),
        (r"\s+at\s+(?:or near point\s+)?(-?[\d.eE+]+)\s+(-?[\d.eE+]+)", "，位置 (\\1, \\2)"),
        *(
            (rf"\b{re.escape(term)}\b", text)
            for term, text in sorted(TERMS.items(), key=lambda t: -len(t[0]))
        ),
    )
)


def error_text(message: str) -> str:
    """A GEOS exception message with its known English terms in Chinese.

    >>> error_text("TopologyException: Input geom 0 is invalid: Self-intersection at 1 2")
    '拓扑错误：输入图形无效：边界自相交，位置 (1, 2)'
    """
    text = message
    for pattern, chinese in _PHRASES:
        text = pattern.sub(chinese, text)
    return text
