"""The tiny hand-drawn fixtures of the hand-worked policy cases, in one place.

Shared by ``tests/test_policy_boundaries_hand.py``, ``tests/test_policy_hand_*.py``,
``tests/test_zengrong.py`` and ``tests/test_evaluation.py``: a plot layer drawn by hand, its
enterprises and owner links, the layers a screening or a 增容 review needs (all clean unless a
case says otherwise), the profile with one parameter changed, and one row of a 动态评价.

Plots are drawn in EPSG:4549 (CGCS2000 3° GK, 120°E, no zone prefix), 1 km apart so none are
neighbours; 1 亩 = 10000/15 m², so 21 亩 = 14000 m². Plot ``i`` is held by firm ``i`` (owner).
The default firm: industry 3311 (GB/T 4754-2017 金属结构制造 → 2002 大类 34, national 容积率
floor 0.7), 允许类, tax 300 万元 on 20 亩.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from landgov.core.vocab import Eligibility
from landgov.evaluation import Comparison
from landgov.far import compute_far
from landgov.far.zengrong import ZengrongInputs, check_applications
from landgov.ids import uscc_check_char
from landgov.link import link_parcels
from landgov.policy import Param, Profile
from landgov.run.files import RunInputs
from landgov.screening import ScreeningResult, screen
from landgov.units import M2_PER_MU
from landgov.verdict import Citation, Status

__all__ = [
    "AS_OF",
    "CRS",
    "OFFICIAL_STANDARD_LAND",
    "X0",
    "Y0",
    "application",
    "applications",
    "bare_survey",
    "comparison_row",
    "cover",
    "enterprises",
    "firms",
    "no_plans",
    "no_records",
    "own_share",
    "owner_links",
    "parcels_of",
    "plots",
    "rectangle",
    "screen_plots",
    "square",
    "uscc",
    "violation_records",
    "with_param",
    "with_standard_land",
    "zengrong_inputs",
]

#: South-west corner of plot 0 (EPSG:4549 metres); plot ``i`` starts 1000·i m east of it.
X0, Y0 = 556_000.0, 3_320_000.0
CRS = 4549
#: The reference date of the hand cases.
#: Short names of the verdicts and eligibilities the hand cases expect.
P, F, U, W = Status.PASS, Status.FAIL, Status.UNKNOWN, Status.PENDING
OK, NO, TBD = Eligibility.ELIGIBLE, Eligibility.INELIGIBLE, Eligibility.UNKNOWN
AS_OF = dt.date(2024, 6, 30)
#: 标准地 control values as a county would publish them (made up for the tests, all minima).
OFFICIAL_STANDARD_LAND = {
    "fixed_investment_per_mu_wan": 300.0,
    "energy_value_added_per_tce_wan": 1.5,
    "emission_value_added_per_t_wan": 100.0,
    "tax_per_mu_wan": 30.0,
    "value_added_per_mu_wan": 120.0,
    "rd_ratio_pct": 2.0,
}


# ------------------------------------------------------------------------------- profiles


def with_param(profile: Profile, key: str, **changes: Any) -> Profile:
    """``profile`` with the parameter ``key`` changed (value, comparison, citation …)."""
    param = dataclasses.replace(profile[key], **changes)
    return dataclasses.replace(profile, params={**profile.params, key: param})


#: A county's own document: a value cited to it is official (示例规则 no longer).
COUNTY = Citation(None, "某县文件 第三条", official=True)


def county_set(profile: Profile, *keys: str) -> Profile:
    """``profile`` with ``keys`` set in a county's own document (official)."""
    for key in keys:
        profile = with_param(profile, key, citation=COUNTY)
    return profile


def statuses(got: pd.Series) -> list[Status]:
    """The statuses of a column of verdicts."""
    return [v.status for v in got]


def own_share(profile: Profile, key: str = "screening.planning_nonindustrial_share") -> Profile:
    """``profile`` whose share ``key`` (0.5) a county set in its own document (official)."""
    return with_param(profile, key, citation=Citation(None, "某县文件", official=True))


def with_standard_land(
    profile: Profile, table: dict[str, float], *, official: bool = True
) -> Profile:
    """``profile`` with its 标准地 table replaced (official unless told)."""
    param = Param(
        "zengrong.standard_land",
        table,
        citation=Citation("000", "附件3 三.6", official=official),
        comparison=">=",
    )
    return dataclasses.replace(profile, params={**profile.params, param.key: param})


# --------------------------------------------------------------------- plots and enterprises


def uscc(i: int, series: str = "MA2C") -> str:
    """A valid 统一社会信用代码 for firm ``i`` (``series`` keeps one file's firms apart)."""
    first17 = f"91330602{series}{i:05d}"
    return first17 + uscc_check_char(first17)


def square(mu: float, i: int = 0) -> shapely.Polygon:
    """A square of ``mu`` 亩, the ``i``-th plot (1 km east of plot ``i - 1``)."""
    side = math.sqrt(mu * M2_PER_MU)
    return shapely.box(X0 + 1000 * i, Y0, X0 + 1000 * i + side, Y0 + side)


def rectangle(width: float, depth: float, i: int) -> shapely.Polygon:
    """A ``width`` × ``depth`` m rectangle in the place of the ``i``-th plot."""
    return shapely.box(X0 + 1000 * i, Y0, X0 + 1000 * i + width, Y0 + depth)


def parcels_of(geoms: list[shapely.Geometry], **over: Any) -> gpd.GeoDataFrame:
    """A plot layer of ``geoms``: 工业用地, 出让, 马山街道, completed 2015-05-01.

    ``over`` replaces or adds columns (one value a plot).
    """
    n = len(geoms)
    data = {
        "parcel_id": [f"330602001001GB{i:05d}" for i in range(n)],
        "holder": [f"企业{i}" for i in range(n)],
        "land_use": ["工业用地"] * n,
        "right_type": ["出让"] * n,
        "township": ["马山街道"] * n,
        "completion_date": [dt.date(2015, 5, 1)] * n,
    }
    return gpd.GeoDataFrame(data | over, geometry=geoms, crs=CRS)


def plots(n: int, *, mu: float = 21.0, far: float = 0.8, **over: Any) -> gpd.GeoDataFrame:
    """``n`` square plots of ``mu`` 亩 with 容积率 ``far`` (floor area = far × land area)."""
    parcels = parcels_of([square(mu, i) for i in range(n)], **over)
    parcels["floor_area_m2"] = parcels.geometry.area * far
    return parcels


def enterprises(n: int, **over: Any) -> pd.DataFrame:
    """``n`` firms (firm ``i`` has code :func:`uscc` ``(i)``): industry 3311, 允许类, tax 300
    万元 on 20 亩. ``over`` replaces or adds columns."""
    data = {
        "uscc": [uscc(i) for i in range(n)],
        "name": [f"企业{i}" for i in range(n)],
        "legal_rep": ["张三"] * n,
        "contact": ["李四"] * n,
        "industry_code": ["3311"] * n,  # 2017 金属结构制造 → 2002 division 34, floor 0.7
        "industry_edition": ["2017"] * n,
        "industry_name": ["金属结构制造"] * n,
        "tax_wan": [300.0] * n,
        "land_mu": [20.0] * n,
        "catalogue_class": ["允许类"] * n,
    }
    return pd.DataFrame(data | over)


def firms(n: int, **over: Any) -> pd.DataFrame:
    """:func:`enterprises` that are 规上, 100 tce, built 2015: below both 两高 thresholds
    [虞政发〔2022〕12号 第三条第（二）项第2目]."""
    base = {"above_scale": True, "energy_tce": 100.0, "built_year": 2015}
    return enterprises(n, **(base | over))


def owner_links(parcels: gpd.GeoDataFrame) -> pd.DataFrame:
    """Firm ``i`` owns plot ``i``."""
    n = len(parcels)
    return pd.DataFrame(
        {
            "parcel_id": parcels["parcel_id"],
            "uscc": [uscc(i) for i in range(n)],
            "relation": "owner",
        }
    )


# ---------------------------------------------------------------------------------- layers


def cover(parcels: gpd.GeoDataFrame, share: float, **cols: Any) -> gpd.GeoDataFrame:
    """One polygon per plot over the western ``share`` of it (full height)."""
    geoms = []
    for geom in parcels.geometry:
        x0, y0, x1, y1 = geom.bounds
        geoms.append(shapely.box(x0, y0, x0 + (x1 - x0) * share, y1))
    return gpd.GeoDataFrame(cols, geometry=geoms, crs=CRS)


def west_half_buildings(
    parcels: gpd.GeoDataFrame, *, storeys: int, storey_height_m: float
) -> gpd.GeoDataFrame:
    """One building over the western half of each plot, ``storeys`` storeys of
    ``storey_height_m`` m recorded (footprint = half the plot)."""
    geoms = []
    for geom in parcels.geometry:
        x0, y0, x1, y1 = geom.bounds
        geoms.append(shapely.box(x0, y0, x0 + (x1 - x0) / 2, y1))
    n = len(geoms)
    return gpd.GeoDataFrame(
        {
            "parcel_id": parcels["parcel_id"].tolist(),
            "storeys": [storeys] * n,
            "storey_height_m": [storey_height_m] * n,
        },
        geometry=geoms,
        crs=CRS,
    )


def bare_survey(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A buildings layer that covers every plot and shows no building on any: per plot, one
    building 10 m west and one 10 m east of it, each 40 m wide and 20 m taller than the plot on
    both sides (the layer's footprints span the plot, so it was surveyed; none stands on it)."""
    geoms = []
    for geom in parcels.geometry:
        x0, y0, x1, y1 = geom.bounds
        geoms += [
            shapely.box(x0 - 50, y0 - 20, x0 - 10, y1 + 20),
            shapely.box(x1 + 10, y0 - 20, x1 + 50, y1 + 20),
        ]
    return gpd.GeoDataFrame({"storeys": [1] * len(geoms)}, geometry=geoms, crs=CRS)


def no_plans() -> gpd.GeoDataFrame:
    """An empty demolition (拆迁计划) layer."""
    return gpd.GeoDataFrame({"plan_name": [], "plan_year": []}, geometry=[], crs=CRS)


def no_records() -> pd.DataFrame:
    """An empty violation (违法违规) table."""
    return pd.DataFrame(columns=["uscc", "parcel_id", "category", "severity", "record_date"])


def violation_records(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A violation table: each row is 安全, 一般, 未整改, on no plot, unless it says otherwise."""
    base = {"parcel_id": None, "category": "安全", "severity": "一般", "rectified": "未整改"}
    return pd.DataFrame([base | r for r in rows])


# ------------------------------------------------------------------------------- screening


def screen_plots(
    profile: Profile,
    parcels: gpd.GeoDataFrame,
    ents: pd.DataFrame,
    *,
    uses: list[str] | None = None,
    links: pd.DataFrame | None = None,
    as_of: dt.date | str = AS_OF,
    **layers: Any,
) -> ScreeningResult:
    """Link (owner links unless ``links``), then screen with every layer given.

    The plots are planned ``uses`` (工业用地 unless told) over their whole area, inside the
    control line; no demolition plan, no violation record. ``layers`` replaces any of
    ``compliance``, ``planning`` and ``demolition`` (``None``: the layer is missing).
    """
    n = len(parcels)
    linked = link_parcels(
        parcels, ents, owner_links(parcels) if links is None else links, profile=profile
    )
    planning = cover(
        parcels, 1.0, planned_use=uses or ["工业用地"] * n, inside_control_line=["是"] * n
    )
    args = {"compliance": no_records(), "planning": planning, "demolition": no_plans()} | layers
    return screen(
        linked.parcels,
        enterprises=linked.enterprises,
        pairs=linked.pairs,
        profile=profile,
        as_of=as_of,
        **args,
    )


def hand_files(folder: Path, parcels: gpd.GeoDataFrame, ents: pd.DataFrame) -> RunInputs:
    """The hand county as a user's files in ``folder``: parcels (GeoPackage, with ``area_m2``
    from the shapes), enterprises, owner links, planning 工业用地 over every plot inside the
    control line, an empty violation table; the :class:`RunInputs` that name them."""
    parcels = parcels.copy()
    parcels["area_m2"] = parcels.geometry.area
    parcels.to_file(folder / "parcels.gpkg", driver="GPKG")
    ents.to_csv(folder / "enterprises.csv", index=False)
    owner_links(parcels).to_csv(folder / "links.csv", index=False)
    n = len(parcels)
    planning = cover(parcels, 1.0, planned_use=["工业用地"] * n, inside_control_line=["是"] * n)
    planning.to_file(folder / "planning.gpkg", driver="GPKG")
    no_records().to_csv(folder / "compliance.csv", index=False)
    return RunInputs(
        parcels=folder / "parcels.gpkg",
        enterprises=folder / "enterprises.csv",
        links=folder / "links.csv",
        planning=folder / "planning.gpkg",
        compliance=folder / "compliance.csv",
    )


# ------------------------------------------------------------------------------------ 增容


def zengrong_inputs(
    profile: Profile,
    parcels: gpd.GeoDataFrame,
    *,
    planning: gpd.GeoDataFrame | None = None,
    demolition: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
) -> ZengrongInputs:
    """The 增容 inputs of ``parcels``: :func:`enterprises` linked as owners, planned 工业用地
    inside the 工业用地控制线 (unless ``planning``), no demolition plan (unless ``demolition``),
    no violation record, no special zone; 容积率 from the plots' floor area (or ``buildings``)."""
    n = len(parcels)
    if planning is None:
        planning = cover(parcels, 1.0, planned_use=["工业用地"] * n, inside_control_line=["是"] * n)
    if demolition is None:
        demolition = no_plans()
    return ZengrongInputs(
        parcels,
        compute_far(parcels, profile=profile, buildings=buildings),
        profile=profile,
        as_of=AS_OF,
        enterprises=enterprises(n),
        links=owner_links(parcels),
        compliance=no_records(),
        planning=planning,
        demolition=demolition,
        special_zones=gpd.GeoDataFrame({"zone_name": []}, geometry=[], crs=CRS),
    )


def application(parcel_id: str, i: int = 0, **over: Any) -> dict[str, Any]:
    """A 增容 application by firm ``i`` on ``parcel_id`` that meets every condition on 21 亩
    (固定资产投资 7000, 达产后税收 900, 工业增加值 3000, 能耗 1500 t, 排放 10 t, 研发 3 %)."""
    return {
        "application_id": f"ZR-{i:03d}",
        "parcel_id": parcel_id,
        "uscc": uscc(i),
        "project_name": "增容技改项目",
        "added_floor_m2": 5000.0,
        "investment_wan": 8000.0,
        "fixed_investment_wan": 7000.0,
        "tax_after_wan": 900.0,
        "changes_structure": False,
        "standard_factory": False,
        "title_status": "清晰",
        "first_development_done": True,
        "completion_accepted": "已通过",
        "application_date": dt.date(2024, 3, 1),
        "project_industry_code": "3311",
        "project_catalogue_class": "允许类",
        "value_added_wan": 3000.0,  # 142.86 万元/亩 on 21 亩
        "energy_tce": 1500.0,  # 2 万元/吨标准煤
        "emission_t": 10.0,  # 300 万元/吨
        "rd_ratio_pct": 3.0,
        "temporary_use_change": False,
        "commitment_signed": True,
        "safety_report": None,
    } | over


def applications(
    profile: Profile, parcels: gpd.GeoDataFrame, rows: list[dict[str, Any]], **layers: Any
) -> pd.DataFrame:
    """The 增容审查 rows of the applications ``rows`` on ``parcels`` (:func:`zengrong_inputs`)."""
    return check_applications(pd.DataFrame(rows), zengrong_inputs(profile, parcels, **layers))


# -------------------------------------------------------------------------------- 动态评价


def comparison_row(cmp: Comparison, code: str) -> pd.Series:
    """The one row of a 动态评价 whose old or new plots include the plot ``code``."""
    hit = cmp.plots[
        cmp.plots["old_ids"].fillna("").str.split("；").map(lambda ids: code in ids)
        | cmp.plots["new_ids"].fillna("").str.split("；").map(lambda ids: code in ids)
    ]
    assert len(hit) == 1
    return hit.iloc[0]
