"""Link vocabulary and settings: relations, tenancy modes, share rules, the result type."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from landgov.policy import Profile
from landgov.verdict import Citation

#: Enterprise quantities allocated to parcels by area used.
TOTAL_COLUMNS: tuple[str, ...] = (
    "tax_wan",
    "value_added_wan",
    "revenue_wan",
    "energy_tce",
    "emissions_t",
    "rd_wan",
    "employees",
    "power_10k_kwh",
)

_SOURCE = "地企关联"
_JOIN = "；"


class Relation(enum.StrEnum):
    """How an enterprise holds a parcel."""

    OWNER = "owner"  # 自有 / 权利人
    TENANT = "tenant"  # 租用

    @property
    def label(self) -> str:
        """Chinese label."""
        return {"owner": "自有", "tenant": "租用"}[self.value]


class TenancyMode(enum.StrEnum):
    """How tenants are evaluated (``linking.tenancy_mode``, docs/domain.md §2)."""

    MERGED = "merged"  # 合并评价，共用一个等级（遂昌）
    FOLLOW_OWNER = "follow_owner"  # 随出租方等级（江山）
    SEPARATE = "separate"  # 承租方单列评价（慈溪）

    @property
    def label(self) -> str:
        """Chinese label."""
        return {
            "merged": "出租方与承租方合并评价",
            "follow_owner": "承租方随出租方等级",
            "separate": "承租方单列评价",
        }[self.value]


class ShareRule(enum.StrEnum):
    """Who gets the part of a parcel no link gives an area for (``linking.share_rule``)."""

    EQUAL = "equal"
    OWNER = "owner"


@dataclass(frozen=True)
class LinkSettings:
    """The ``linking`` section of a profile."""

    area_tolerance: float
    tenancy_mode: TenancyMode
    share_rule: ShareRule
    citation: Citation

    @classmethod
    def from_profile(cls, profile: Profile) -> LinkSettings:
        """Read the settings from ``profile`` (keys ``linking.*``)."""
        return cls(
            area_tolerance=float(profile.value("linking.area_tolerance")),
            tenancy_mode=TenancyMode(profile.value("linking.tenancy_mode")),
            share_rule=ShareRule(profile.value("linking.share_rule")),
            citation=profile.citation("linking.tenancy_mode"),
        )


@dataclass(frozen=True)
class LinkResult:
    """What :func:`link_parcels` returns.

    Attributes
    ----------
    pairs
        One row per joined (parcel, enterprise): ``parcel_index`` (index label in ``parcels``),
        ``parcel_id``, ``uscc``, ``relation`` (owner/tenant), ``area_used_m2``, ``area_source``
        (关联给定 / 分摊), ``share`` (fraction of the enterprise's land on this parcel).
    enterprises
        Every input enterprise (input index) plus ``land_m2``, ``land_mu`` (from geometry via the
        links), ``land_mu_declared`` (the input ``land_mu``), ``n_parcels``, ``linked``,
        ``is_tenant`` (all its links are tenancies), ``host_uscc`` (owner of the parcel where a
        tenant uses most land) and ``eval_unit`` (whose evaluation it shares, per tenancy mode).
    parcels
        Every input parcel (input index) plus ``area_mu``, ``area_diff_ratio`` (geometry vs
        declared area), the allocated :data:`TOTAL_COLUMNS`, ``enterprise_names``, ``usccs``
        (joined with "；"), ``n_enterprises`` and ``main_uscc`` (owner, else the largest user),
        and ``unjoined_usccs``: the codes the link table puts on the plot that join no
        enterprise (not in the enterprise table, masked or invalid; "；"-joined, empty when
        none). Such a user holds its part of the plot's land, and its figures are not known,
        so every allocated total of its plot is missing (a floor at most).
    unmatched_enterprises, unmatched_links
        Input rows that joined nothing, with ``unmatched_reason``.
    problems
        The problems table (:data:`landgov.core.problems.PROBLEM_COLUMNS`).
    settings
        The linking settings used.
    """

    pairs: pd.DataFrame
    enterprises: pd.DataFrame
    parcels: gpd.GeoDataFrame
    unmatched_enterprises: pd.DataFrame
    unmatched_links: pd.DataFrame
    problems: pd.DataFrame
    settings: LinkSettings
