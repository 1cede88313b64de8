"""Which features of a special-zones layer are which zone with its own policy [七(二)].

The profile names the zones (``zengrong.special_zones``, 越城: 「马海片区」); a layer writes them
as the digitiser did: 「马海片区（一期）」, 「马海 片区」, 「马海」, 「马海片」. A name matches a
configured zone when, blanks removed, it contains the zone's name, or when the whole name (a
trailing note in brackets aside) is the zone's name without 「片区」 or without 「区」. Every other
name in the layer is said (:func:`unmatched_zone_names`): a zone the profile does not name is
not a reason to leave the opinion, and nothing in the layer is ignored silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from landgov.core.missing import is_missing
from landgov.core.problems import ProblemLog, Severity

__all__ = ["unmatched_zone_names", "zone_for_name"]

_BLANKS = re.compile(r"\s+")  # \s covers the full-width blank U+3000
_NOTE = re.compile(r"[（(][^（()）]*[）)]$")  # 「（一期）」, 「(模拟)」 at the end


def _squeezed(text: object) -> str:
    return "" if is_missing(text) else _BLANKS.sub("", str(text))


def zone_for_name(name: object, zones: Sequence[str]) -> str | None:
    """The configured zone (one of ``zones``) that a layer's zone ``name`` is, or ``None``."""
    seen = _squeezed(name)
    if not seen:
        return None
    whole = _NOTE.sub("", seen)
    for zone in zones:
        want = _squeezed(zone)
        if not want:
            continue
        short = {want.removesuffix("片区"), want.removesuffix("区")} - {"", want}
        if want in seen or whole in short:
            return zone
    return None


def unmatched_zone_names(layer: pd.DataFrame, zones: Sequence[str], *, source: str) -> pd.DataFrame:
    """Problem rows (警告) for the zone names in ``layer`` that are none of ``zones``.

    Plots in such a zone are judged as outside every special zone; the row says so and what to
    do. Blank names are left to the check itself (the plot is 待核实 there).
    """
    log = ProblemLog(source)
    if "zone_name" not in layer:
        return log.frame()
    configured = "、".join(f"「{z}」" for z in zones) or "（未配置）"
    rows = layer.get("source_row", pd.Series(pd.NA, index=layer.index))
    seen: set[str] = set()
    for idx, name in layer["zone_name"].items():
        text = "" if is_missing(name) else str(name).strip()
        if not text or text in seen or zone_for_name(text, zones) is not None:
            continue
        seen.add(text)
        row = rows[idx]
        log.add(
            f"特殊片区图层中的片区「{text}」不是政策配置的有单独政策的片区（{configured}），"
            "与其重叠的宗地按不在特殊片区审查",
            row=None if is_missing(row) else int(row),
            field="zone_name",
            value=text,
            action="如是配置片区的别称或错字，在图层中更正名称；如该片区另有政策，"
            "在政策配置 zengrong.special_zones 中加入其名称；否则无需处理",
            severity=Severity.WARNING,
        )
    return log.frame()
