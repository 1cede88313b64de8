"""动态评价: what changed between two screening runs, plot by plot, enterprise by enterprise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landgov.core.columns import label
from landgov.core.compare import percent_reached, reached, shown
from landgov.core.listing import first_few
from landgov.core.missing import format_number, is_missing, lacking, present_column, present_values
from landgov.core.textkey import folded
from landgov.core.townnames import TownshipOrder, township_order
from landgov.core.vocab import DISTRICT, UNKNOWN_TOWNSHIP, ScreeningStatus, shown_met
from landgov.efficiency import OUT_OF_SCOPE, out_of_scope_words
from landgov.errors import InputError, Issue
from landgov.evaluation._match import Match, match_plots
from landgov.run.results import ScreeningResult

__all__ = ["DONE_CHANGES", "UNSETTLED_CHANGES", "Comparison", "compare_runs"]

_GRADE_RANK = {"A": 4, "B": 3, "C": 2, "D": 1}


@dataclass(frozen=True)
class Comparison:
    """Two runs compared.

    Attributes
    ----------
    plots
        One row per group of corresponding plots (:func:`match_plots`): match, codes before
        and after, 镇街, grade and path before/after and their change, 亩均税收 before/after
        and the change, on/off the 治理清单, geometry (the new plots', else the old ones').
    enterprises
        One row per 统一社会信用代码 of either run: match, grade before/after, change.
    townships
        Per 镇街 and 全区: 规上亩均税收 and 亩均增加值 before/after against the targets,
        治理清单 area before/after, 治理 area done (left the list, 达标) against the 盘活
        target, and listed area not settled (待核实 in the new run, or not in it). The targets
        carry their years and 目标来源 (文号 and clause, 项目推算 for a derived one) from the
        run they were read from.
    warnings
        What makes the two runs not strictly comparable (profiles, rule values changed).
    counts
        Rows per match kind, plots and enterprises per run (they add up, see the tests).
    labels
        ``old`` and ``new``: how each run is named (its reference date).
    profiles
        ``old`` and ``new``: each run's profile as its manifest records it (name, version,
        title), for the pages' policy line.
    dates
        ``old`` and ``new``: each run's reference date (``None`` when its manifest records
        none), written as a date where a workbook shows it.
    """

    plots: gpd.GeoDataFrame
    enterprises: pd.DataFrame
    townships: pd.DataFrame
    warnings: list[str]
    counts: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)
    profiles: dict[str, Any] = field(default_factory=dict)
    dates: dict[str, dt.date | None] = field(default_factory=dict)


def _label(run: ScreeningResult) -> str:
    return run.as_of.isoformat() if run.as_of else run.folder.name


_TO_VERIFY = ScreeningStatus.UNKNOWN.value


def _ranks(grades: object) -> list[int]:
    """The ranks of a grade or of a group's grades joined with 「；」 (split, merged plots)."""
    if is_missing(grades):
        return []
    return [_GRADE_RANK[g.strip()] for g in str(grades).split("；") if g.strip() in _GRADE_RANK]


def _grade_change(old: object, new: object, *, gaps: tuple[bool, bool] = (False, False)) -> str:
    """上升/下降/不变 between two grades; 待核实 when the old grade has no new one to compare
    with (the plot or enterprise is gone from the new run, or not graded there): it may have
    closed, moved or changed its code, so it is neither better nor worse. 「旧期无等级」 when
    there is no old grade (a new plot or enterprise). A split or merged group whose parts moved
    apart (one up, one down) is 升降不一.

    ``gaps`` (old, new): a part of a split or merged group on that side has no grade. Its grade
    may be any, so the group's change is not known: 待核实 (a split into B and an ungraded part
    is not 「上升」 from C), unless no part of the old side has a grade (旧期无等级)."""
    a, b = _ranks(old), _ranks(new)
    if not a:
        return "旧期无等级"
    if not b or any(gaps):
        return _TO_VERIFY
    if min(b) > max(a):
        return "上升"
    if max(b) < min(a):
        return "下降"
    return "不变" if set(a) == set(b) and len(set(a)) == 1 else "升降不一"


def _joined(values: Sequence[object]) -> str | None:
    seen = [str(v) for v in dict.fromkeys(values) if not is_missing(v)]
    return "；".join(seen) or None


#: The words a group's 待核实事项 names a member's missing figure by (as the columns say it).
_AREA_WORDS = "面积（亩）"
_TAX_WORDS = "亩均税收（万元/亩）"


_GRADE_WORDS = "评价等级"


def _member_lacks(
    side: str, parcel_id: object, area: float, tax: float, grade_gap: bool = False
) -> str | None:
    """「旧期宗地 A2（缺少：面积（亩））」: a member of a group whose figure is missing, so that
    the group's area or 亩均税收 is 待核实 (core.missing), never a sum of the other members;
    ``grade_gap``: a part without the grade the group's other parts have (等级变化 待核实)."""
    words = [w for w, v in ((_AREA_WORDS, area), (_TAX_WORDS, tax)) if np.isnan(v)]
    words += [_GRADE_WORDS] if grade_gap else []
    return f"{side}宗地 {parcel_id}{lacking(words)}" if words else None


def _side(long: pd.DataFrame, frame: gpd.GeoDataFrame, listed: set[str], side: str) -> pd.DataFrame:
    """Per group (``gid``): 镇街, grade, path, 亩均税收 (area-weighted), listed, area, geometry,
    and what is to be verified (``to_verify``: each member lacking its 面积 or 亩均税收).

    A group's area is the sum of its members' only when every member has one, its 治理清单 area
    only when every listed member has one: a member without an area makes the figure unknown
    (待核实, named in ``to_verify``), never the other members' sum."""
    attrs = frame.drop_duplicates("parcel_id")
    m = long.merge(attrs, on="parcel_id", how="left")
    m["_tax"] = pd.to_numeric(m.get("tax_per_mu"), errors="coerce")
    m["_area"] = pd.to_numeric(m.get("area_mu"), errors="coerce")
    m["_w"] = m["_tax"] * m["_area"]
    m["_listed"] = m["parcel_id"].isin(listed)
    m["_listed_area"] = m["_area"].where(m["_listed"])
    m["_no_area"] = m["_area"].isna()
    m["_listed_no_area"] = m["_no_area"] & m["_listed"]
    grades = m["grade"] if "grade" in m else pd.Series(None, index=m.index, dtype=object)
    m["_no_grade"] = [v is None for v in present_values(grades)]
    # a part without a grade beside a graded one (split, merged): the group's change unknown
    graded = ~m.groupby("gid")["_no_grade"].transform("all")
    m["_grade_gap"] = m["_no_grade"] & graded
    scope = m[OUT_OF_SCOPE] if OUT_OF_SCOPE in m else pd.Series(None, index=m.index)
    m["_ungraded"] = [
        (f"{side}宗地 {p} {out_of_scope_words(w)}" if out_of_scope_words(w) else
         f"{side}宗地 {p}{lacking([_GRADE_WORDS])}") if no else None
        for p, w, no in zip(m["parcel_id"], scope, m["_no_grade"] & ~graded, strict=True)
    ]  # fmt: skip
    m["_lacks"] = [
        _member_lacks(side, p, a, t, g)
        for p, a, t, g in zip(m["parcel_id"], m["_area"], m["_tax"], m["_grade_gap"], strict=True)
    ]
    status = m["screening_status"] if "screening_status" in m else pd.Series(None, index=m.index)
    # off the list but not shown 达标 (core.vocab.shown_met): 待核实, no 筛查结论, another word
    m["_pending"] = ~status.map(shown_met) & ~m["_listed"]
    grp = m.groupby("gid", sort=False)
    n = grp.size()
    out = pd.DataFrame(
        {
            "town": grp["township"].agg(lambda v: _joined(v.tolist())),
            "grade": grp["grade"].agg(lambda v: _joined(v.tolist())),
            "grade_gap": grp["_grade_gap"].any(),
            # no member graded: each named, with why when it is outside the evaluation
            "ungraded": grp["_ungraded"].agg(lambda v: _joined(v.tolist())),
            "path": grp["path"].agg(lambda v: _joined(v.tolist())),
            "reasons": grp["reasons"].agg(lambda v: _joined(v.tolist()))
            if "reasons" in m
            else None,
            "listed": grp["_listed"].any(),
            "pending": grp["_pending"].any(),
            "area": grp["_area"].sum(min_count=1).where(~grp["_no_area"].any()),
            # the 治理清单 part of a group: a plot merged in that was never listed is no 治理
            "listed_area": grp["_listed_area"]
            .sum(min_count=1)
            .where(~grp["_listed_no_area"].any()),
            "to_verify": grp["_lacks"].agg(lambda v: _joined(v.tolist())),
        }
    )
    complete = grp["_w"].count() == n  # a part without a value: no group figure (待核实)
    weighted = grp["_w"].sum() / grp["_area"].sum()
    out["tax"] = grp["_tax"].first().where(n == 1, weighted.where(complete))
    geoms = grp["geometry"].first()
    multi = n[n > 1].index
    if len(multi):
        parts = m[m["gid"].isin(multi)].groupby("gid")["geometry"]
        geoms.loc[multi] = parts.agg(lambda v: shapely.union_all(v.to_numpy()))
    out["geometry"] = geoms
    return out


#: 治理清单 changes that are 治理 done: the plot left the list, shown 达标 by the new run.
DONE_CHANGES = ("移出治理清单",)
#: Listed plots the new run could not judge (待核实) or does not hold: not done, to verify.
UNSETTLED_CHANGES = ("旧期在治理清单，新期待核实", "旧期在治理清单，新期无此地块")


def _listing(old: bool | None, new: bool | None, pending: bool = False) -> str:
    """How a plot stands to the 治理清单 in the two runs.

    A listed plot whose new screening is 待核实 (or has no 筛查结论, or one that is none of
    治理/不列入/待核实) has not left the list (「达标销号」: it is not shown 达标), so it is
    旧期在治理清单，新期待核实 and not counted as 治理 done.
    """
    if old and new:
        return "仍在治理清单"
    if old and not new and pending:
        return "旧期在治理清单，新期待核实"
    if old and not new:
        return "移出治理清单" if new is not None else "旧期在治理清单，新期无此地块"
    if new and not old:
        return "新列入治理清单"
    return "均不在治理清单"


def _apart_words(codes: list[str]) -> str | None:
    """What a row says of a 宗地代码 found in both runs on land that does not overlap."""
    if not codes:
        return None
    return (
        f"宗地代码 {'、'.join(codes)} 两期均有，但图形不重叠，按不同地块对比"
        "（代码改给了其他宗地，或某期图形有误），请核实"
    )


def _town_words(old: object, new: object) -> str | None:
    """What a row says when its plots lie in other 镇街 in the new run than in the old (a plot
    moved by a boundary change or a corrected 镇街, two plots of two 镇街 merged): the row
    shows the new 镇街, while the 治理 area of 镇街对比 counts in the old one (the list it was
    on, :func:`_area_by_town`) — said, so that the two are read together."""
    if is_missing(old) or is_missing(new):
        return None
    if set(str(old).split("；")) == set(str(new).split("；")):
        return None
    return (
        f"镇街两期不同（旧期 {old}，新期 {new}）：移出治理清单等面积按旧期所在镇街计入镇街对比，"
        "请核实镇街"
    )


#: What a row says of a listed old plot the new run does not hold at all (no code, no overlap).
_GONE = (
    "新期底数清单无此宗地，图形也无对应（可能已收储、拆除、注销，或改变宗地代码且图形改动较大）："
    "不计入已移出治理清单面积，请核实去向（收储、拆除的以收储、拆除文件为据）"
)


def _gone_words(change: str) -> str | None:
    """:data:`_GONE` for a row 「旧期在治理清单，新期无此地块」: its area is counted as to
    verify in 镇街对比, and its 待核实事项 says why (found when 待核实事项 is filtered)."""
    return _GONE if change == UNSETTLED_CHANGES[1] else None


def _long(groups: pd.DataFrame, column: str) -> pd.DataFrame:
    long = groups[["gid", column]].explode(column).dropna()
    return long.rename(columns={column: "parcel_id"})


def _plot_rows(old: ScreeningResult, new: ScreeningResult) -> gpd.GeoDataFrame:
    groups = match_plots(old.parcels, new.parcels).reset_index(names="gid")
    n_parcels = new.parcels
    if n_parcels.crs is not None and old.parcels.crs is not None:
        n_parcels = n_parcels.to_crs(old.parcels.crs)
    a = _side(_long(groups, "old_ids"), old.parcels, set(old.governance["parcel_id"]), "旧期")
    b = _side(_long(groups, "new_ids"), n_parcels, set(new.governance["parcel_id"]), "新期")
    a = a.reindex(groups["gid"])
    b = b.reindex(groups["gid"])
    has_old = (groups["old_ids"].str.len() > 0).to_numpy()
    has_new = (groups["new_ids"].str.len() > 0).to_numpy()
    rows = pd.DataFrame(
        {
            "match": groups["match"].to_numpy(),
            "old_ids": groups["old_ids"].map("；".join).replace("", None).to_numpy(),
            "new_ids": groups["new_ids"].map("；".join).replace("", None).to_numpy(),
            "n_old": groups["old_ids"].str.len().to_numpy(),
            "n_new": groups["new_ids"].str.len().to_numpy(),
            "township": b["town"].fillna(a["town"]).fillna(UNKNOWN_TOWNSHIP).to_numpy(),
            "area_mu_old": a["area"].to_numpy(),
            "area_mu_new": b["area"].to_numpy(),
            "area_mu_listed_old": a["listed_area"].to_numpy(),
            "grade_old": a["grade"].to_numpy(),
            "grade_new": b["grade"].to_numpy(),
            "path_old": a["path"].to_numpy(),
            "path_new": b["path"].to_numpy(),
            "tax_per_mu_old": a["tax"].to_numpy(dtype=float),
            "tax_per_mu_new": b["tax"].to_numpy(dtype=float),
            "listed_old": np.where(has_old, a["listed"].fillna(False), None),
            "listed_new": np.where(has_new, b["listed"].fillna(False), None),
        }
    )
    gaps = zip(a["grade_gap"].fillna(False), b["grade_gap"].fillna(False), strict=True)
    pairs = zip(rows["grade_old"], rows["grade_new"], gaps, strict=True)
    rows.insert(11, "grade_change", [_grade_change(x, y, gaps=g) for x, y, g in pairs])
    rows.insert(16, "tax_per_mu_change", rows["tax_per_mu_new"] - rows["tax_per_mu_old"])
    pending = np.where(has_new, b["pending"].fillna(False), False).tolist()
    rows["listing_change"] = [
        _listing(x, y, p)
        for x, y, p in zip(rows["listed_old"], rows["listed_new"], pending, strict=True)
    ]
    lines = (_tax_line(old), _tax_line(new))
    rows["change_reason"] = [
        _change_reason(r, why, lines=lines)
        for r, why in zip(rows.to_dict("records"), b["reasons"], strict=True)
    ]
    # a graded plot of no grade in the new run: its 等级变化 待核实 says why
    ungraded = [
        g if c == _TO_VERIFY else None
        for g, c in zip(b["ungraded"], rows["grade_change"], strict=True)
    ]
    rows["to_verify"] = [
        _joined([x, y, u, _apart_words(c), _town_words(ta, tb), _gone_words(change)])
        for x, y, u, c, ta, tb, change in zip(
            a["to_verify"],
            b["to_verify"],
            ungraded,
            groups["apart"],
            a["town"],
            b["town"],
            rows["listing_change"],
            strict=True,
        )
    ]
    geometry = np.where(has_new, b["geometry"].to_numpy(), a["geometry"].to_numpy())
    return gpd.GeoDataFrame(rows, geometry=list(geometry), crs=old.parcels.crs)


#: The 等级变化 that are a change (a reason is given for them).
_MOVED = ("上升", "下降", "升降不一")


def _tax_line(run: ScreeningResult) -> float | None:
    """The 亩均税收 line (万元/亩) ``run`` screened low efficiency against
    (:attr:`~landgov.run.results.ScreeningResult.low_efficiency_line`, as the ledger's 销号
    reason reads it); ``None`` when not known."""
    param = run.low_efficiency_line
    value = param.value if param is not None else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _change_reason(
    row: dict[str, Any],
    reasons: object,
    *,
    lines: tuple[float | None, float | None] = (None, None),
) -> str | None:
    """Why a row's grade or 四个一批路径 changed between the two runs, in short: 「等级 C→B
    （上升）；四个一批路径 整治提升→关停退出；亩均税收 3.00→6.00 万元/亩；新期列入原因：…」
    (the new run's reasons for its plots: 「规则 R1「关停退出」：…」); ``None`` when neither
    changed. A path 「无」 is a plot off the 治理清单 (not listed, no path).

    ``lines`` (old, new): each run's low-efficiency 亩均税收 line. A figure that would print as
    the line although it differs from it is shown with the decimals that tell it apart
    (:func:`~landgov.core.compare.shown`): 4.996 listed and 5.004 off the list read
    「4.996→5.004」, never 「5 万元/亩（两期相同）」 beside a plot that left the list."""
    parts = []
    if row["grade_change"] in _MOVED:
        parts.append(f"等级 {row['grade_old']}→{row['grade_new']}（{row['grade_change']}）")
    old, new = (None if is_missing(v) else str(v) for v in (row["path_old"], row["path_new"]))
    if old != new and row["n_old"] and row["n_new"]:
        parts.append(f"{label('path')} {old or '无'}→{new or '无'}")
    if not parts:
        return None
    before, after = row["tax_per_mu_old"], row["tax_per_mu_new"]
    if not (np.isnan(before) or np.isnan(after)):
        was, now = (
            format_number(v, digits=2) if line is None else shown(v, line)
            for v, line in zip((before, after), lines, strict=True)
        )
        # the same as printed: said so, never 「11.32→11.32」 as if it had changed
        said = f"{now} 万元/亩（两期相同）" if was == now else f"{was}→{now} 万元/亩"
        parts.append(f"亩均税收 {said}")
    if not is_missing(reasons):  # a plot off the new list: the run's reasons are no 列入原因
        parts.append(f"新期{'列入原因' if row['listed_new'] else '理由'}：{reasons}")
    return "；".join(parts)


_NO_CODE = "无信用代码（无法对应）"


def _coded(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows with a 统一社会信用代码, first of each code; rows without one)."""
    keep = ["uscc", "name", "township", "grade", "tax_per_mu"]
    rows = frame.reindex(columns=keep)
    # a code is there as every stage reads it (core.missing): 「—」 or 「无」 is no code, so two
    # enterprises without one are never matched to each other by it
    has = pd.Series([v is not None for v in present_values(rows["uscc"])], index=rows.index)
    return rows[has].drop_duplicates("uscc"), rows[~has]


def _enterprise_rows(old: ScreeningResult, new: ScreeningResult) -> pd.DataFrame:
    order = _order(old, new)
    a, a_none = _coded(old.enterprises)
    b, b_none = _coded(new.enterprises)
    both = a.merge(b, on="uscc", how="outer", suffixes=("_old", "_new"), indicator=True)
    both["match"] = both["_merge"].map(
        {"both": Match.BOTH.value, "left_only": Match.ONLY_OLD.value, "right_only": "仅新期"}
    )
    both["grade_change"] = [
        _grade_change(x, y) for x, y in zip(both["grade_old"], both["grade_new"], strict=True)
    ]
    for col in ("name", "township"):  # a 「—」 in the new run is no value (core.missing)
        new = present_column(both[f"{col}_new"])
        both[col] = new.where(new.notna(), present_column(both[f"{col}_old"]))
    both["tax_per_mu_change"] = pd.to_numeric(both["tax_per_mu_new"], errors="coerce") - (
        pd.to_numeric(both["tax_per_mu_old"], errors="coerce")
    )
    both["to_verify"] = _firm_notes(both)
    cols = ["uscc", "name", "township", "match", "grade_old", "grade_new", "grade_change",
            "tax_per_mu_old", "tax_per_mu_new", "tax_per_mu_change", "to_verify"]  # fmt: skip
    loose = [  # no code: listed on their own side, never matched by name
        part.rename(columns={c: f"{c}_{side}" for c in ("grade", "tax_per_mu")}).assign(
            match=_NO_CODE + f"·{label}", grade_change="未对比"
        )
        for part, side, label in ((a_none, "old", "旧期"), (b_none, "new", "新期"))
        if len(part)
    ]
    out = pd.concat([both.loc[:, cols], *(p.reindex(columns=cols) for p in loose)])
    town = order.positions(out["township"])
    return out.assign(_town=town.to_numpy()).sort_values(["_town", "uscc"]).drop(columns="_town")


def _firm_notes(both: pd.DataFrame) -> list[str | None]:
    """What each enterprise row (one 统一社会信用代码, ``both``: the outer merge of the two runs)
    leaves to verify. Firms are matched by code only, never by name; but a code of one run only
    whose name (:func:`~landgov.core.textkey.folded`) a code of the other run only carries
    is said on both rows, with the other code (a code corrected, or the firm re-registered);
    a firm in another 镇街 in the new run names both 镇街; a code the new run does not hold
    (its 等级变化 待核实) says so."""
    names = [None if is_missing(v) else folded(v) for v in present_column(both["name"])]
    side = both["_merge"].astype(str).tolist()
    codes = both["uscc"].astype(str).tolist()
    by_name: dict[tuple[str, str], list[str]] = {}
    for name, where, code in zip(names, side, codes, strict=True):
        if name is not None and where != "both":
            by_name.setdefault((where, name), []).append(code)
    towns_old = present_column(both["township_old"]).tolist()
    towns_new = present_column(both["township_new"]).tolist()
    return [
        _firm_note(name, where, by_name, t_old, t_new)
        for name, where, t_old, t_new in zip(names, side, towns_old, towns_new, strict=True)
    ]


#: For a code of one run only: the side of the other run only, and how the row names that run.
_OTHER_SIDE = {"left_only": ("right_only", "新期"), "right_only": ("left_only", "旧期")}


def _firm_note(
    name: str | None,
    where: str,
    by_name: dict[tuple[str, str], list[str]],
    town_old: object,
    town_new: object,
) -> str | None:
    """One row's words of :func:`_firm_notes`."""
    if where in _OTHER_SIDE:
        twin, period = _OTHER_SIDE[where]
        same = by_name.get((twin, name), []) if name is not None else []
        if same:
            return (
                f"{period}有名称相同的企业，统一社会信用代码为 {'、'.join(same)}：可能为同一企业"
                "（信用代码更正或重新登记），未按名称对应，请核实"
            )
        if where == "left_only":
            return (
                "新期无此统一社会信用代码（可能已注销、迁出、不在评价范围内或改变了信用代码），"
                "请核实"
            )
        return None
    if is_missing(town_old) or is_missing(town_new) or str(town_old) == str(town_new):
        return None
    return f"镇街两期不同（旧期 {town_old}，新期 {town_new}），请核实企业用地或登记地"


def _order(old: ScreeningResult, new: ScreeningResult) -> TownshipOrder:
    """The 镇街 order of the two runs' plots (行政区划代码 order, the new run's first)."""
    parcels = [r.parcels for r in (new, old) if {"township", "parcel_id"} <= set(r.parcels)]
    if not parcels:
        return TownshipOrder()
    both = pd.concat([pd.DataFrame(p[["township", "parcel_id"]]) for p in parcels])
    return township_order(both["township"], both["parcel_id"])


_TOWN_KEYS = {
    "tax_per_mu_above_scale": "规上亩均税收",
    "value_added_per_mu_above_scale": "规上亩均增加值",
    "governance_area_mu": "治理清单面积",
}


#: The target columns a run's 镇街汇总 holds (landgov.summary), shown in 镇街对比 with their
#: 目标来源 (文号 and clause; 项目推算 for a derived one): a target never without its source.
_TARGET_KEYS = (
    "tax_per_mu_target", "tax_per_mu_target_year",
    "value_added_per_mu_target", "value_added_per_mu_target_year",
    "renewal_target_mu", "renewal_target_year",
)  # fmt: skip


def _year(value: object) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number) else number


def _number_or_note(value: object) -> object:
    """A target as the run stored it: a number (a column that also holds a note such as
    「无目标」 is stored as text, 「12000.0」), else the note, else ``None``."""
    number = _number(value)
    if number is not None:
        return number
    return None if is_missing(value) else value


def _area_by_town(
    plots: pd.DataFrame, changes: tuple[str, ...], old: ScreeningResult
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per 镇街, of the rows whose 治理清单 change is one of ``changes``: ``mu``, the old
    治理清单 area (亩) of the rows whose area is known — only the old plots that were on the
    list (two plots merged, one of them never listed: the other one's area is 治理, not both);
    ``unknown``, the rows whose area is 待核实 (a listed member without an area, named in the
    row's 待核实事项), counted apart and never added as a part of them. Returns that frame and
    the 全区 figures (``mu``, ``unknown``: each row once).

    Each listed old plot counts in its own 镇街, the one of the 治理清单 it was on (the old
    run's; the row's when the old run names none): a plot split across two 镇街, or two plots
    of two 镇街 merged, is not a 镇街 of its own (「斗门街道；马山街道」, a 镇街对比 row no
    镇街 is, its area in no real 镇街's figure), nor wholly the first 镇街's."""
    hit = plots[plots["listing_change"].isin(changes)]
    listed = set(old.governance["parcel_id"].astype(str))
    attrs = old.parcels.drop_duplicates("parcel_id")
    towns = present_column(attrs["township"]) if "township" in attrs else None
    areas = pd.to_numeric(
        attrs.get("area_mu", pd.Series(np.nan, index=attrs.index)), errors="coerce"
    )
    member = {
        str(p): (None if towns is None else towns.iloc[i], float(areas.iloc[i]))
        for i, p in enumerate(attrs["parcel_id"])
        if str(p) in listed
    }
    parts: list[dict[str, Any]] = []
    total = {"mu": 0.0, "unknown": 0}
    rows = zip(hit["old_ids"], hit["township"], hit["area_mu_listed_old"], strict=True)
    for ids, town, area in rows:
        own = [member[p] for p in ([] if is_missing(ids) else str(ids).split("；")) if p in member]
        single = town if "；" not in str(town) else UNKNOWN_TOWNSHIP
        own = [(single if is_missing(t) else t, a) for t, a in own]
        if pd.isna(area):  # 待核实: counted in the 镇街 of each listed member lacking its area
            total["unknown"] += 1
            lacks = {t for t, a in own if np.isnan(a)} or {single}
            parts += [{"township": t, "mu": 0.0, "unknown": 1} for t in sorted(lacks)]
            continue
        total["mu"] += float(area)
        parts += [{"township": t, "mu": a, "unknown": 0} for t, a in own] or [
            {"township": single, "mu": float(area), "unknown": 0}
        ]
    frame = pd.DataFrame(parts, columns=["township", "mu", "unknown"])
    return frame.groupby("township")[["mu", "unknown"]].sum(), total


#: The largest share a 0.0% cell shows below 100.0 %: 「99.9%」.
_BELOW_TARGET = 0.999


def _done_share(share: float | None, unknown: int) -> float | str | None:
    """The 盘活目标完成比例 as a user reads it: the share, never one a 0.0% cell prints as
    「100.0%」 short of the target (9999.6 of 10000 亩 is 0.999, 「10000亩以上」 not reached,
    :func:`~landgov.core.compare.reached`), or — when ``unknown`` rows that left the list have
    an area 待核实 (not in the known area) — the share as a lower bound, said:
    「≥5.0%（待核实：另有 1 行……）」, rounded down (:func:`~landgov.core.compare.percent_reached`,
    a bound the known area reaches). A column of numbers and notes, as 盘活目标 beside
    「无目标」."""
    if share is None:
        return None
    if not unknown:
        return share if reached(share, 1.0) else min(share, _BELOW_TARGET)
    floor = percent_reached(share, 1.0, digits=1)  # per cent, one decimal, rounded down
    return (
        f"≥{floor:.1f}%（待核实：另有 {unknown} 行已移出治理清单的地块变化面积待核实，"
        "未计入完成面积）"
    )


def _renewal_share(row: dict[str, Any], *, district: bool) -> float | str | None:
    """The 盘活目标完成比例 of one 镇街对比 row (:func:`_done_share`), or why it cannot be
    worked out: a target of 0 亩 (a placeholder; the area done ÷ 0 is no share) or, for 全区, a
    target the 镇街汇总 does not record — 「待核实：…」 naming it and the area done, never
    0 %, 「inf」 or a blank cell beside 「0」. A target given as a note (「无目标」: the
    profile sets none; 「仅全区目标」 on a 镇街 row) has no share to compute: blank."""
    value = row["renewal_target_mu"]
    target = _number(value)
    if target is not None and target > 0:
        share = row["governance_done_mu"] / target
        return _done_share(share, row["governance_done_area_unknown"])
    if target is None and not (district and is_missing(value)):
        return None
    why = (
        f"盘活目标为 {format_number(target)} 亩"
        if target is not None
        else "镇街汇总中未记录盘活目标"
    )
    done = format_number(row["governance_done_mu"], digits=1)
    return f"待核实：{why}，无法计算完成比例（已移出治理清单 {done} 亩）；请核实盘活目标"


def _township_rows(old: ScreeningResult, new: ScreeningResult, plots: pd.DataFrame) -> pd.DataFrame:
    a = old.townships.set_index("township") if "township" in old.townships else pd.DataFrame()
    b = new.townships.set_index("township") if "township" in new.townships else pd.DataFrame()
    # a group of plots in two 镇街 (split, merged) shows 「甲镇；乙镇」: two 镇街, not one
    named = {t for v in plots["township"].dropna() for t in str(v).split("；")}
    done_area, done_total = _area_by_town(plots, DONE_CHANGES, old)
    open_area, open_total = _area_by_town(plots, UNSETTLED_CHANGES, old)
    towns = set(a.index) | set(b.index) | named | set(done_area.index) | set(open_area.index)
    towns = _order(old, new).sorted(towns - {DISTRICT})
    # the targets, their years and 目标来源 all from one run (the new one's when it has any),
    # so that a target is never shown beside another run's source
    targets = b if any(k in b for k in (*_TARGET_KEYS, "target_source")) else a
    rows = []
    for town in [*towns, DISTRICT]:
        row: dict[str, Any] = {"township": town}
        for key in _TOWN_KEYS:
            row[f"{key}_old"] = _number(a[key].get(town)) if key in a else None
            row[f"{key}_new"] = _number(b[key].get(town)) if key in b else None
        for key in _TARGET_KEYS:  # each with its year, as the run's 镇街汇总 wrote them
            value = targets[key].get(town) if key in targets else None
            row[key] = _year(value) if key.endswith("_year") else _number_or_note(value)
        for name, area, total in (
            ("governance_done", done_area, done_total),
            ("governance_to_verify", open_area, open_total),
        ):
            part = total if town == DISTRICT else area.reindex([town]).fillna(0).iloc[0]
            row[f"{name}_mu"] = float(part["mu"])
            row[f"{name}_area_unknown"] = int(part["unknown"])
        row["renewal_done_share"] = _renewal_share(row, district=town == DISTRICT)
        source = targets["target_source"].get(town) if "target_source" in targets else None
        row["target_source"] = None if is_missing(source) else str(source)
        rows.append(row)
    return pd.DataFrame(rows)


def _profile_warnings(old: ScreeningResult, new: ScreeningResult) -> list[str]:
    if old.profile_label == new.profile_label:
        return []
    text = f"两期使用的策略配置不同（旧期 {old.profile_label}，新期 {new.profile_label}），"
    stale = [
        r.profile_label
        for r in (old, new)
        if r.profile is None or r.profile.version != (r.screen.get("profile") or {}).get("version")
    ]
    if stale:
        return [
            text + f"本机已无法加载 {'、'.join(stale)} 的规则，无法逐条列出改变的规则；"
            "等级、路径的变化可能来自规则改变"
        ]
    assert old.profile is not None and new.profile is not None
    changed = []
    for key in sorted(set(old.profile.params) | set(new.profile.params)):
        p, q = old.profile.params.get(key), new.profile.params.get(key)
        before = "未设置" if p is None else f"{p.value}{p.unit or ''}"
        after = "未设置" if q is None else f"{q.value}{q.unit or ''}"
        if before != after or (p and q and p.comparison != q.comparison):
            changed.append(f"{key}：{before} → {after}")
    if not changed:
        return [text + "但规则取值相同"]
    shown = first_few(changed, 12, sep="；", counted="条")
    return [text + f"以下规则改变，等级、路径的变化可能来自规则而非实际变化：{shown}"]


def _counts(
    plots: pd.DataFrame, ents: pd.DataFrame, old: ScreeningResult, new: ScreeningResult
) -> dict[str, Any]:
    return {
        "plots_old": len(old.parcels),
        "plots_new": len(new.parcels),
        "plot_rows": {str(k): int(v) for k, v in plots["match"].value_counts().items()},
        "plots_old_in_rows": int(plots["n_old"].sum()),
        "plots_new_in_rows": int(plots["n_new"].sum()),
        "enterprises_old": len(old.enterprises),
        "enterprises_new": len(new.enterprises),
        "enterprise_duplicates": {
            "old": _duplicates(old.enterprises),
            "new": _duplicates(new.enterprises),
        },
        "enterprise_rows": {str(k): int(v) for k, v in ents["match"].value_counts().items()},
        "grade_change": {str(k): int(v) for k, v in plots["grade_change"].value_counts().items()},
        "listing_change": {
            str(k): int(v) for k, v in plots["listing_change"].value_counts().items()
        },
    }


def _duplicates(frame: pd.DataFrame) -> int:
    """Rows whose 统一社会信用代码 repeats an earlier row (compared once, by the first)."""
    if "uscc" not in frame or not len(frame):
        return 0
    codes = pd.Series(present_values(frame["uscc"]), dtype=object).dropna()
    return int(codes.duplicated().sum())


def _refuse_unrelated(old: ScreeningResult, new: ScreeningResult, plots: pd.DataFrame) -> None:
    """Two runs without one plot in common (no 宗地代码 shared, no overlap) are two areas (another
    county's folder picked by mistake), not two years: a comparison would list every plot as
    gone and every other as new (「旧期在治理清单，新期无此地块」), so it is refused."""
    if not len(old.parcels) or not len(new.parcels):
        return
    if set(plots["match"].astype(str)) - {Match.ONLY_OLD.value, Match.ONLY_NEW.value}:
        return
    raise InputError(
        [
            Issue(
                str(new.folder),
                None,
                None,
                f"与旧期「{old.folder}」没有一宗相同的地块（宗地代码无一相同，图形也不重叠；"
                f"旧期 {len(old.parcels)} 宗，新期 {len(new.parcels)} 宗），不是同一区域的两期结果",
                "请确认 OLD_RUN、NEW_RUN 是同一县市区两个年度的筛查结果目录",
            )
        ]
    )


def compare_runs(old: ScreeningResult, new: ScreeningResult) -> Comparison:
    """Compare two screening runs (动态评价): plots, enterprises, 镇街 and district.

    Plots are matched by 宗地代码 and, for splits, merges and renumbering, by geometry overlap
    (:mod:`landgov.evaluation._match`); enterprises by 统一社会信用代码. Every plot and
    enterprise of both runs is in exactly one row.
    """
    plots = _plot_rows(old, new)
    _refuse_unrelated(old, new, plots)
    ents = _enterprise_rows(old, new)
    warnings = _profile_warnings(old, new)
    if old.as_of and new.as_of and new.as_of <= old.as_of:
        warnings.append(
            f"新期基准日期 {new.as_of} 不晚于旧期 {old.as_of}：请确认两期的先后顺序"
            "（landgov compare 先写上年（旧期）结果目录，再写本年（新期）结果目录）"
        )
    return Comparison(
        plots=plots,
        enterprises=ents.reset_index(drop=True),
        townships=_township_rows(old, new, plots),
        warnings=warnings,
        counts=_counts(plots, ents, old, new),
        labels={"old": _label(old), "new": _label(new)},
        profiles={"old": old.screen.get("profile"), "new": new.screen.get("profile")},
        dates={"old": old.as_of, "new": new.as_of},
    )
