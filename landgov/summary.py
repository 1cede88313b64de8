"""镇街 and district summary against the profile's targets (docs/domain.md §9).

One row per 镇街 and a last row for the whole district (``全区``): the 底数清单 and 治理清单 plots
and area, 规上亩均税收 and 规上亩均增加值 now against the targets of the profile's ``targets``
section, the 治理清单 area against the 盘活低效工业用地 target, plots per 四个一批 path and
enterprises per grade (each firm once, as the sums: :func:`landgov.core.counts.repeated_firm`).

Only 规上 firms whose tax, value added (when the table gives value added at all) and land are
all known enter the sums, each firm once (in the 镇街 of its own ``township`` or of the plot it
uses most; a row repeating a 统一社会信用代码 is not summed again); the others are counted in
``n_above_scale_incomplete``, never summed as 0.

.. math::

    \\text{规上亩均税收} = \\frac{\\sum_{\\text{规上}} \\text{tax\\_wan}}
                             {\\sum_{\\text{规上}} \\text{land\\_mu}} \\quad [\\text{万元/亩}]

Targets are read defensively: a key the profile does not set gives ``无目标`` in the target
column (never a silent zero). Area targets are district totals and are not split among 镇街.
A target the project derived (``derived`` in the profile, e.g. 越城 2026 亩均税收 from 「翻番」)
says so in 目标来源 (项目推算（非文件数值）and how), never as the document's number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from landgov.core.columns import SUMMARY_COLUMNS
from landgov.core.counts import grade_of, repeated_firm
from landgov.core.documents import cite_text
from landgov.core.missing import numeric_column, present_column
from landgov.core.townnames import township_order
from landgov.core.vocab import (
    DISTRICT,
    DISTRICT_ONLY_TARGET,
    NO_TARGET,
    UNKNOWN_TOWNSHIP,
    scale_is_above,
)
from landgov.policy import Profile
from landgov.screening.paths import TreatmentPath
from landgov.units import m2_to_mu
from landgov.verdict import Citation

__all__ = [
    "DECIDABLE",
    "DISTRICT",
    "NO_TARGET",
    "SUMMARY_LABELS",
    "beside_computed",
    "summarise",
    "target_derivations",
    "tax_class_breaks",
    "tax_per_mu_basis",
]


#: The denominator of 规上亩均税收 is the firms' own land: 「规上工业企业在报告期内每亩占地面积」
#: (越政发〔2022〕24号 附件2.1 第12项指标), not the area of the plots.
_LAND_BASIS = Citation("000", "附件2.1 #12")


def tax_per_mu_basis(profile: Profile | None) -> str:
    """How 规上亩均税收 (and 亩均增加值) of a 镇街 or the district is measured, in the words a
    page prints under a table that sets it beside its target.

    The clause is 越政发〔2022〕24号's: cited plainly where it binds the profile (越城), as
    「参照…」 where it is another county's (:meth:`landgov.policy.Profile.localize`), and as
    「参照…」 when the run's profile cannot be loaded (its documents are not known).

    >>> from landgov.policy import load_profile
    >>> "（按企业占地面积计，越政发〔2022〕24号 附件2.1 第12项指标" in tax_per_mu_basis(
    ...     load_profile("yuecheng-2022"))
    True
    >>> "参照越政发〔2022〕24号" in tax_per_mu_basis(load_profile("shangyu-2022"))
    True
    """
    cite = _LAND_BASIS if profile is None else profile.localize(_LAND_BASIS)
    borrowed = profile is None or cite.borrowed
    clause = cite_text(f"{cite.seed} {cite.clause}")
    return (
        "规上亩均税收＝规上企业税收合计÷规上企业用地合计（亩），规上亩均增加值同理"
        f"（按企业占地面积计，{'参照' if borrowed else ''}{clause}「每亩占地面积」）；"
        "缺税收、增加值或用地的规上企业不计入（不按 0 计）"
    )


_PATH_COLUMNS = {
    TreatmentPath.DEMOLISH_REBUILD: "n_demolish_rebuild",
    TreatmentPath.RECTIFY: "n_rectify",
    TreatmentPath.TRANSFORM: "n_transform",
    TreatmentPath.EXIT: "n_exit",
}
_GRADES = ("A", "B", "C", "D")

#: The columns a 人工认定 can change (``landgov screen --overrides``): shown beside the computed
#: ones (``<column>_computed``, :func:`beside_computed`).
DECIDABLE: tuple[str, ...] = (
    "n_governance", "governance_area_mu", "n_to_verify", *_PATH_COLUMNS.values(),
)  # fmt: skip

#: The summary columns in order, with their Chinese headers (from the column registry).
SUMMARY_LABELS: Mapping[str, str] = MappingProxyType({c.name: c.label for c in SUMMARY_COLUMNS})

_TARGET_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # indicator: (candidate value keys, candidate year keys), first present wins
    "tax_per_mu": (
        ("targets.tax_per_mu_above_scale", "targets.tax_per_mu"),
        ("targets.tax_per_mu_above_scale_year", "targets.tax_per_mu_year"),
    ),
    "value_added_per_mu": (
        ("targets.value_added_per_mu_above_scale", "targets.value_added_per_mu"),
        ("targets.value_added_per_mu_above_scale_year", "targets.value_added_per_mu_year"),
    ),
    "renewal": (
        ("targets.revitalise_area_mu", "targets.renewal_mu"),
        ("targets.revitalise_area_mu_year", "targets.renewal_year"),
    ),
}


#: How 目标来源 names each target (a user reads Chinese, not the profile key).
_TARGET_NAMES = {
    "tax_per_mu": "规上亩均税收目标",
    "value_added_per_mu": "规上亩均增加值目标",
    "renewal": "盘活低效工业用地目标",
}


@dataclass(frozen=True)
class _Target:
    value: float | None
    year: int | None
    source: str
    derived: str | None = None


def _target(profile: Profile, indicator: str) -> _Target:
    """A target value, its year and source; value None when the profile sets none."""
    value_keys, year_keys = _TARGET_KEYS[indicator]
    key = next((k for k in value_keys if k in profile), None)
    if key is None:
        return _Target(None, None, "")
    raw = profile.value(key)
    year: Any = None
    if isinstance(raw, Mapping):
        year = raw.get("year")
        raw = raw.get("value", raw.get("target"))
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return _Target(None, None, "")
    if year is None:
        year_key = next((k for k in year_keys if k in profile), None)
        year = profile.value(year_key) if year_key else None
    try:
        year = int(year) if year is not None else None
    except (TypeError, ValueError):
        year = None
    citation = profile.citation(key)
    return _Target(value, year, f"{_TARGET_NAMES[indicator]} {citation}", citation.derived)


def target_derivations(profile: Profile) -> dict[str, str]:
    """The targets the project derived rather than read from a document, with how.

    Keys are ``"tax_per_mu"``, ``"value_added_per_mu"``, ``"renewal"``; only derived targets
    appear (越城 2026 亩均税收 41.6 = 20.8 × 2 from 「翻番」).
    """
    out = {}
    for indicator in _TARGET_KEYS:
        derived = _target(profile, indicator).derived
        if derived:
            out[indicator] = derived
    return out


def _year_text(profile: Profile, key: str) -> str:
    year = profile.value(key, None) if key in profile else None
    try:
        return f"{int(year)} 年" if year is not None else ""
    except (TypeError, ValueError):
        return ""


def tax_class_breaks(profile: Profile) -> list[dict[str, Any]]:
    """The 亩均税收 values a reader knows from the profile, as map class breaks (万元/亩).

    The low-efficiency line, the district's base-year level and its target (the province's
    target when the district sets none), each with what it is; sorted, one per value. A map
    that colours 亩均税收 breaks at these, so each colour reads as 「低效线以下」, 「低于目标」…
    """
    found: list[dict[str, Any]] = []

    def add(key: str, label: str) -> None:
        if key not in profile:
            return
        try:
            value = float(profile.value(key))
        except (TypeError, ValueError):
            return
        found.append({"value": value, "label": label})

    add("screening.low_efficiency_tax_per_mu", "低效线")
    base_year = _year_text(profile, "targets.tax_per_mu_base_year")
    add("targets.tax_per_mu_base", f"{base_year}全区规上水平")
    district = _target(profile, "tax_per_mu")
    if district.value is not None:
        year = f"{district.year} 年" if district.year else ""
        note = "（项目推算）" if district.derived else ""
        found.append({"value": district.value, "label": f"{year}全区目标{note}"})
    else:
        add("targets.province_tax_per_mu", "全省目标")
    out: dict[float, dict[str, Any]] = {}
    for item in found:
        out.setdefault(item["value"], item)
    return [out[v] for v in sorted(out)]


def _pairs_from_parcels(parcels: pd.DataFrame) -> pd.DataFrame:
    """(parcel_id, uscc) pairs rebuilt from the parcels' ``usccs`` / ``main_uscc`` columns."""
    col = next((c for c in ("usccs", "main_uscc") if c in parcels.columns), None)
    if col is None or "parcel_id" not in parcels.columns:
        return pd.DataFrame(columns=["parcel_id", "uscc"])
    lists = parcels[col].map(lambda v: [u for u in str(v).split("；") if u] if pd.notna(v) else [])
    frame = pd.DataFrame({"parcel_id": parcels["parcel_id"], "uscc": lists}).explode("uscc")
    return frame.dropna(subset=["uscc"])


def _enterprise_townships(
    enterprises: pd.DataFrame, parcels: pd.DataFrame, pairs: pd.DataFrame | None
) -> pd.Series:
    """镇街 of each enterprise: its own ``township``, else that of the plot it uses most.

    Without a pairs table the plots come from the parcels' ``usccs`` (or ``main_uscc``).
    """
    own = (
        present_column(enterprises["township"])  # 「—」 is no 镇街 (core.missing)
        if "township" in enterprises.columns
        else pd.Series(None, index=enterprises.index, dtype="object")
    )
    if pairs is None or not {"parcel_id", "uscc"} <= set(pairs.columns):
        pairs = _pairs_from_parcels(parcels)
    if "township" not in parcels.columns or pairs.empty or "uscc" not in enterprises.columns:
        return own.where(own.notna(), UNKNOWN_TOWNSHIP)
    pid_town = present_column(
        parcels.drop_duplicates("parcel_id").set_index("parcel_id")["township"]
    )
    weight_col = next((c for c in ("area_used_m2", "share") if c in pairs.columns), None)
    ranked = pairs.assign(
        _town=pairs["parcel_id"].map(pid_town),
        _w=pd.to_numeric(pairs[weight_col], errors="coerce").fillna(0.0) if weight_col else 0.0,
    ).dropna(subset=["_town"])
    best = ranked.sort_values("_w", ascending=False, kind="stable").drop_duplicates("uscc")
    from_pairs = enterprises["uscc"].map(best.set_index("uscc")["_town"])
    town = own.where(own.notna(), from_pairs)
    return town.where(town.notna(), UNKNOWN_TOWNSHIP)


def _parcel_townships(parcels: pd.DataFrame) -> pd.Series:
    """镇街 of each plot: its ``township`` as decided once for the run
    (:func:`landgov.core.township.place_parcels`), else 镇街不明."""
    town = (
        present_column(parcels["township"])  # 「—」 is no 镇街, as in screening.approved
        if "township" in parcels.columns
        else pd.Series(None, index=parcels.index, dtype="object")
    )
    return town.where(town.notna(), UNKNOWN_TOWNSHIP)


def _parcel_part(parcels: pd.DataFrame, town: pd.Series) -> pd.DataFrame:
    area = numeric_column(parcels, "area_mu")
    if area.isna().any():
        area = area.fillna(m2_to_mu(numeric_column(parcels, "area_m2")))
    status = (
        parcels["screening_status"].astype("object")
        if "screening_status" in parcels.columns
        else pd.Series(None, index=parcels.index, dtype="object")
    )
    gov = status == "治理"
    path = (
        parcels["path"].astype("object")
        if "path" in parcels.columns
        else pd.Series(None, index=parcels.index, dtype="object")
    )
    cols = {
        "n_parcels": pd.Series(1, index=parcels.index),
        "area_mu": area,
        "n_governance": gov.astype("int64"),
        "governance_area_mu": area.where(gov, 0.0),
        "n_to_verify": (status == "待核实").astype("int64"),
        # the area sums are of the plots whose area is known: the others are counted beside
        "n_area_unknown": area.isna().astype("int64"),
        "n_governance_area_unknown": (gov & area.isna()).astype("int64"),
    }
    for p, col in _PATH_COLUMNS.items():
        cols[col] = (gov & (path == p.value)).astype("int64")
    return pd.DataFrame(cols).groupby(town.to_numpy()).sum(min_count=1)


def _above_scale(enterprises: pd.DataFrame) -> pd.Series:
    """True for 规上 firms, read as everywhere (:func:`landgov.core.vocab.scale_is_above`):
    「否」「规下」 are 规下; a blank or unreadable value is not counted as 规上."""
    column = next((c for c in ("above_scale", "scale") if c in enterprises.columns), None)
    if column is None:
        return pd.Series(False, index=enterprises.index)
    return enterprises[column].astype("object").map(scale_is_above).eq(True)


def _enterprise_part(enterprises: pd.DataFrame, town: pd.Series) -> pd.DataFrame:
    # each firm once: a row repeating a firm would add its tax and land a second time
    # (百官 (1860 + 100) / 80 = 24.5 instead of 1030 / 50 = 20.6)
    # and in the grade columns too: one firm, one grade counted (as core.counts.grade_counts)
    once = ~repeated_firm(enterprises)
    above = _above_scale(enterprises) & once
    land = numeric_column(enterprises, "land_mu")
    tax = numeric_column(enterprises, "tax_wan")
    value_added = numeric_column(enterprises, "value_added_wan")
    grade = grade_of(enterprises)  # the one reading of a grade (landgov.core.counts)
    # a firm enters the sums with its tax, value added and land, or not at all: a blank tax
    # beside counted land would lower 规上亩均税收 as if the tax were 0. Value added is asked
    # for when the table gives it for some 规上 firm (without it 规上亩均增加值 is unknown).
    usable = above & land.gt(0) & tax.notna()
    if (above & value_added.notna()).any():
        usable &= value_added.notna()
    cols = {
        "n_above_scale": above.astype("int64"),
        "n_above_scale_incomplete": (above & ~usable).astype("int64"),
        "above_scale_tax_wan": tax.where(usable),
        "above_scale_value_added_wan": value_added.where(usable),
        "above_scale_land_mu": land.where(usable),
    }
    for g in _GRADES:
        cols[f"n_grade_{g}"] = (once & (grade == g)).astype("int64")
    cols["n_grade_none"] = (once & ~grade.isin(_GRADES)).astype("int64")
    frame = pd.DataFrame(cols)
    return frame.groupby(town.to_numpy()).sum(min_count=1)


def _with_targets(table: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    out = table.copy()
    land = out["above_scale_land_mu"].replace(0.0, np.nan)
    out["tax_per_mu_above_scale"] = out["above_scale_tax_wan"] / land
    out["value_added_per_mu_above_scale"] = out["above_scale_value_added_wan"] / land
    sources = []
    for ind in ("tax_per_mu", "value_added_per_mu"):
        target = _target(profile, ind)
        now = out[f"{ind}_above_scale"]
        out[f"{ind}_target"] = _target_column(out.index, target.value)
        out[f"{ind}_target_year"] = pd.array([target.year] * len(out), dtype="Int64")
        out[f"{ind}_gap"] = (target.value - now) if target.value is not None else np.nan
        sources.append(target.source)
    renewal = _target(profile, "renewal")
    district_only = [renewal.value if t == DISTRICT else None for t in out.index]
    town_note = NO_TARGET if renewal.value is None else DISTRICT_ONLY_TARGET
    out["renewal_target_mu"] = pd.Series(
        [town_note if v is None else v for v in district_only], index=out.index, dtype="object"
    )
    out["renewal_target_year"] = pd.array(
        [renewal.year if t == DISTRICT else None for t in out.index], dtype="Int64"
    )
    share = [
        out.at[t, "governance_area_mu"] / v if v else np.nan
        for t, v in zip(out.index, district_only, strict=True)
    ]
    out["renewal_share"] = pd.Series(share, index=out.index, dtype="float64")
    out["target_source"] = "；".join(s for s in [*sources, renewal.source] if s) or NO_TARGET
    return out


def _target_column(index: pd.Index, value: float | None) -> pd.Series:
    return pd.Series(
        [NO_TARGET if value is None else value] * len(index), index=index, dtype="object"
    )


def summarise(
    parcels: pd.DataFrame,
    *,
    enterprises: pd.DataFrame,
    pairs: pd.DataFrame | None = None,
    profile: Profile,
) -> pd.DataFrame:
    """Per-镇街 and district summary of the screening against the profile's targets.

    Parameters
    ----------
    parcels
        The 底数清单 from :func:`landgov.screening.screen` (``township``, ``area_mu``,
        ``screening_status``, ``path``). Each plot counts in its ``township`` as the run
        decided it (:func:`landgov.core.township.place_parcels`, which places a blank one by
        the 镇街 boundaries); a plot without one counts under ``镇街不明``.
    enterprises
        Enterprises (``uscc``, ``above_scale``, ``tax_wan``, ``value_added_wan``, ``land_mu``,
        ``grade``, optional ``township``).
    pairs
        Land–enterprise pairs, to place an enterprise without a ``township`` in the 镇街 of the
        plot it uses most (``area_used_m2`` or ``share``); without them the parcels' ``usccs``
        are used.
    profile
        Policy profile; section ``targets`` is read defensively.

    Returns
    -------
    pandas.DataFrame
        One row per 镇街 (in 行政区划代码 order, :func:`~landgov.core.townnames.township_order`;
        镇街不明 last) and a last row ``全区``; columns in :data:`SUMMARY_LABELS`.
        Target columns hold a number or ``无目标``; ``*_gap`` = target − now (万元/亩, positive
        = still below target); ``renewal_share`` = 治理清单 area / 盘活 target (district row).
    """
    town = _parcel_townships(parcels)
    p_part = _parcel_part(parcels, town)
    located = parcels.assign(township=town) if "parcel_id" in parcels.columns else parcels
    e_part = _enterprise_part(enterprises, _enterprise_townships(enterprises, located, pairs))
    table = p_part.join(e_part, how="outer")
    codes = parcels["parcel_id"] if "parcel_id" in parcels.columns else None
    table = table.loc[township_order(town, codes).sorted(table.index)]
    total = table.sum(min_count=1).to_frame(DISTRICT).T
    table = pd.concat([table, total])
    counts = [c for c in table.columns if c.startswith("n_")]
    table[counts] = table[counts].fillna(0).astype("int64")
    table = _with_targets(table, profile)
    table.index.name = "township"
    table = table.reset_index()
    return table[[c for c in SUMMARY_LABELS if c in table.columns]]


def beside_computed(decided: pd.DataFrame, computed: pd.DataFrame) -> pd.DataFrame:
    """The 镇街汇总 of a run with 人工认定 applied, the computed figures beside the decided.

    Parameters
    ----------
    decided
        :func:`summarise` of the 底数清单 with the overrides applied (what the lists show).
    computed
        :func:`summarise` of the 底数清单 as landgov computed it.

    Returns
    -------
    pandas.DataFrame
        A copy of ``decided`` (a GeoDataFrame stays one) with ``<column>_computed`` for every
        column of :data:`DECIDABLE`, matched by ``township``.
    """
    by_town = computed.set_index("township")
    extra = {
        f"{c}_computed": by_town[c].reindex(decided["township"]).to_numpy()
        for c in DECIDABLE
        if c in decided.columns and c in by_town.columns
    }
    return decided.assign(**extra)
