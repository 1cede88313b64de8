"""The 底数清单 and 治理清单 sheets as a 镇街 officer reads and prints them.

A list leads with what a reader looks for: 宗地代码 and 权利人 (kept in view when scrolling), 镇街,
the 四个一批 path, its status, the screening conclusion, a 说明 for plots outside the usual scope,
the reasons and what is to be verified; the rest of the columns follow. Only the leading columns
are printed (A3 landscape, fit to width), so a printed page is legible. Plots outside the usual
scope are said so in ``scope_note`` (范围说明): land uses that are not industrial (仓储, 商服…)
by the profile's ``landuse`` rule, uses read only through a register short form (示例规则
（非官方）), uses that cannot be read, and 划拨 land, with why they are listed all the same. A land
use is read and worded as the 增容 scope check reads it (:mod:`landgov.core.landuse`), citing
the same list.
"""

from __future__ import annotations

import pandas as pd

from landgov.core.distinct import each_distinct
from landgov.core.landuse import LandUseMatcher, industrial_matcher
from landgov.core.missing import is_missing
from landgov.core.vocab import DISTRICT
from landgov.policy import Profile
from landgov.reports.excel import SheetStyle

__all__ = [
    "LIST_LEAD",
    "SUMMARY_STYLE",
    "list_sheet",
    "list_style",
    "scope_notes",
    "summary_style",
]

#: The leading columns of a list, in order (those present are printed).
LIST_LEAD: tuple[str, ...] = (
    "parcel_id", "holder", "township", "path", "path_status", "screening_status", "scope_note",
    "reasons", "to_verify", "area_mu", "tax_per_mu", "far_declared", "flags",
)  # fmt: skip
_WRAP = frozenset({"reasons", "to_verify", "scope_note", "flags", "citations", "missing"})

#: The 镇街汇总: 镇街 frozen, the 全区 row below the filter range.
SUMMARY_STYLE = SheetStyle(freeze_columns=1, wrap=frozenset({"target_source"}), totals=1)


def summary_style(frame: pd.DataFrame) -> SheetStyle:
    """The style of a 镇街 table: :data:`SUMMARY_STYLE` when its last row is the 全区 total
    (kept out of the filter, so sorting the 镇街 never moves it among them), else 镇街 frozen.

    >>> summary_style(pd.DataFrame({"township": ["甲镇", "全区"]})).totals
    1
    >>> summary_style(pd.DataFrame({"township": ["甲镇"]})).totals
    0
    """
    has_total = "township" in frame and len(frame) and frame["township"].iloc[-1] == DISTRICT
    return SUMMARY_STYLE if has_total else SheetStyle(freeze_columns=1)


_SCOPE_NOTE = "scope_note"
_LISTED = "底数清单收录输入宗地图层的全部宗地，按同一规则筛查"


def scope_notes(parcels: pd.DataFrame, profile: Profile) -> pd.Series:
    """Why a plot outside the usual scope is listed (empty text for an ordinary plot).

    Non-industrial land uses (by the profile's ``landuse`` lists), uses read as industrial only
    through a project short form, uses that cannot be read and 划拨 land each get one
    sentence; a plot with several gets them joined by 「；」. Each distinct land use and right
    type is read once.
    """
    columns: list[list[str | None]] = []
    if "land_use" in parcels:
        matcher = industrial_matcher(profile)
        columns.append(each_distinct(lambda use: _use_note(use, matcher), parcels["land_use"]))
    if "right_type" in parcels:
        text = _allocated_note(profile)
        columns.append(
            each_distinct(
                lambda right: text if not is_missing(right) and "划拨" in str(right) else None,
                parcels["right_type"],
            )
        )
    notes = [
        "；".join(part for part in parts if part is not None) or None
        for parts in zip(*columns, strict=True)
    ]
    if not columns:
        notes = [None] * len(parcels)
    # text where there is a note, else missing (as a text column has it), as objects
    return pd.Series(notes, index=parcels.index).astype(object)


def _use_note(use: object, matcher: LandUseMatcher) -> str | None:
    """The sentence on a plot's land use (``None`` for an official industrial one).

    The reading is the one the 增容 scope check makes of the same 土地用途
    (:meth:`LandUseMatcher.read`), in its words
    (:meth:`landgov.core.landuse.LandUseReading.words`), with the list that decided cited as
    the check cites it: the national classification, or the project's register short forms
    marked 示例规则（非官方）.
    """
    read = matcher.read(use)
    words = read.words(use, "土地用途")
    if read.industrial is None:
        return f"{words}（待核实）"
    cite = f" {read.citation}" if read.citation is not None else ""
    if read.industrial:
        return None if words is None else f"{words}{cite}，不能仅据此认定为工业用地（待核实）"
    return f"{words}{cite}：{_LISTED}；是否按工业用地治理请镇街核定"


def _allocated_note(profile: Profile) -> str:
    text = f"划拨用地：{_LISTED}；盘活、处置前须按划拨用地规定办理"
    key = "zengrong.scope_right_types"
    if key in profile and not any("划拨" in str(t) for t in profile.value(key)):
        cite = profile.citation(key).reference
        text += f"；不属存量工业用地增容适用范围（限{'、'.join(profile.value(key))}）{cite}"
    return text


def list_style(sheet: pd.DataFrame) -> SheetStyle:
    """宗地代码 and 权利人 frozen, reasons wrapped, the leading columns printed on A3 landscape."""
    lead = sum(c in sheet.columns for c in LIST_LEAD)
    return SheetStyle(freeze_columns=2, wrap=_WRAP, paper="A3", print_columns=lead or None)


def list_sheet(frame: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """A parcel list as its sheet shows it: ``scope_note`` added, leading columns first."""
    out = pd.DataFrame(frame).drop(columns="geometry", errors="ignore")
    out = out.assign(**{_SCOPE_NOTE: scope_notes(out, profile)})
    lead = [c for c in LIST_LEAD if c in out.columns]
    return out[lead + [c for c in out.columns if c not in lead]]
