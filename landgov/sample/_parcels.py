"""Parcel attributes (codes, use, dates, declared areas) and building attributes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from landgov.units import M2_PER_MU

from ._geometry import Cadastre
from ._words import TOWNSHIPS

COUNTY = "330602"
_DAY = np.timedelta64(1, "D")

# parcel status: built and in use / under construction / never started (idle)
BUILT, BUILDING, IDLE_1Y, IDLE_2Y = "built", "building", "idle_1y", "idle_2y"


def _day(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def parcel_codes(rng: np.random.Generator, cad: Cadastre) -> tuple[np.ndarray, np.ndarray]:
    """宗地代码 ``330602 + 地籍区 + 地籍子区 + GB + sequence`` and the township index per plot."""
    _, nx = cad.lattice.shape
    town = cad.cell_township[cad.cell]
    j, i = np.divmod(cad.cell, nx)
    order = np.lexsort((cad.pos, cad.row, i, j, town))
    n = len(order)
    t_sorted = town[order]
    first = np.concatenate([[True], t_sorted[1:] != t_sorted[:-1]])
    start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    rank = np.arange(n) - start
    count = np.bincount(t_sorted, minlength=len(TOWNSHIPS))[t_sorted]
    per_sub = np.maximum(150, np.ceil(count / 999)).astype(np.int64)
    sub = rank // per_sub + 1
    # sequences rise in steps of 1–3 within a subzone (codes retired by mergers and splits)
    step = rng.integers(1, 4, n)
    new_sub = first | np.concatenate([[True], sub[1:] != sub[:-1]])
    cum = np.cumsum(step)
    base = np.maximum.accumulate(np.where(new_sub, cum - step, 0))
    seq = cum - base
    zone = np.array([code for _, code in TOWNSHIPS])[t_sorted]
    codes_sorted = (
        pd.Series(zone).radd(COUNTY)
        + pd.Series(sub).astype(str).str.zfill(3).to_numpy()
        + "GB"
        + pd.Series(seq).astype(str).str.zfill(5).to_numpy()
    ).to_numpy(dtype=object)
    codes = np.empty(n, dtype=object)
    codes[order] = codes_sorted
    return codes, town


def _dates(rng: np.random.Generator, n: int, as_of: np.datetime64) -> dict[str, np.ndarray]:
    lo, hi = _day("2005-01-01"), _day("2024-12-31")
    supply = lo + rng.integers(0, (hi - lo) // _DAY + 1, n) * _DAY
    status = np.full(n, BUILT, dtype=object)
    u = rng.random(n)
    n_idle = max(3, round(0.002 * n))
    idle = rng.choice(n, size=2 * n_idle, replace=False)
    status[idle[:n_idle]] = IDLE_1Y
    status[idle[n_idle:]] = IDLE_2Y
    two_years = as_of - 730 * _DAY
    # idle past 1 year (not 2): contract start between 2 and 1 years before as_of
    start_1y = two_years + rng.integers(40, 320, n_idle) * _DAY
    # idle past 2 years: contract start 2.2–9 years before as_of
    start_2y = two_years - rng.integers(80, 2500, n_idle) * _DAY
    contract = supply + rng.integers(170, 200, n) * _DAY
    contract[idle[:n_idle]] = start_1y
    contract[idle[n_idle:]] = start_2y
    supply[idle] = contract[idle] - rng.integers(170, 200, 2 * n_idle) * _DAY
    start = contract + rng.integers(-60, 240, n) * _DAY
    done = start + rng.integers(300, 1000, n) * _DAY
    building = (status == BUILT) & ((done > as_of) | ((supply > _day("2023-06-01")) & (u < 0.5)))
    building &= start <= as_of
    status[building] = BUILDING
    nat = np.datetime64("NaT", "D")
    start[np.isin(status, [IDLE_1Y, IDLE_2Y])] = nat
    done[status != BUILT] = nat
    return {"supply": supply, "contract": contract, "start": start, "done": done, "status": status}


def parcel_table(rng: np.random.Generator, cad: Cadastre, *, as_of: np.datetime64) -> pd.DataFrame:
    """One row per plot (index = plot number in ``cad``): codes, use, right type, dates."""
    n = len(cad.geometry)
    codes, town = parcel_codes(rng, cad)
    d = _dates(rng, n, as_of)
    u = rng.random(n)
    land_use = np.select(
        [u < 0.88, u < 0.96, u < 0.98], ["工业用地", "仓储用地", "商服用地"], "公用设施用地"
    ).astype(object)
    idle = np.isin(d["status"], [IDLE_1Y, IDLE_2Y])
    land_use[idle] = "工业用地"
    right = np.where((land_use == "公用设施用地") | (rng.random(n) < 0.05), "划拨", "出让")
    right = right.astype(object)
    right[idle] = "出让"
    contract = d["contract"].copy()
    contract[right == "划拨"] = np.datetime64("NaT", "D")
    return pd.DataFrame(
        {
            "parcel_id": codes,
            "township": np.array([name for name, _ in TOWNSHIPS], dtype=object)[town],
            "land_use": land_use,
            "right_type": right,
            "supply_date": d["supply"],
            "contract_start_date": contract,
            "start_date": d["start"],
            "completion_date": d["done"],
            "status": d["status"],
            "area_m2": cad.area_m2,
        }
    )


def building_table(
    rng: np.random.Generator, plot: np.ndarray, footprint_m2: np.ndarray, n_plots: int
) -> pd.DataFrame:
    """Storeys, storey height and height per footprint; high-rise plots get 5–7 storeys."""
    high_rise = rng.random(n_plots) < 0.05
    storeys = rng.choice([1, 2, 3, 4], size=len(plot), p=[0.35, 0.3, 0.2, 0.15])
    tall = high_rise[plot]
    storeys[tall] = rng.integers(5, 8, int(tall.sum()))
    storey_h = np.where(
        storeys == 1, rng.uniform(6.0, 12.0, len(plot)), rng.uniform(3.8, 5.5, len(plot))
    )
    storey_h = np.round(storey_h, 1)
    height = np.round(storeys * storey_h + rng.uniform(0.3, 1.2, len(plot)), 1)
    return pd.DataFrame(
        {
            "plot": plot,
            "storeys": storeys.astype(np.int32),
            "storey_height_m": storey_h,
            "height_m": height,
            "floor_area_m2": footprint_m2 * storeys,
        }
    )


def declared_areas(
    rng: np.random.Generator, area_m2: np.ndarray, floor_m2: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Declared 宗地面积 and 建筑面积 as a county would hold them.

    Returns ``(land_m2, floor_m2, far, off_rows)``: land within ±1 % of the geometry except
    ``off_rows`` (> 5 % off); floor area equal to the buildings' except about 7 % of parcels.
    """
    n = len(area_m2)
    land = area_m2 * (1 + np.clip(rng.normal(0, 0.003, n), -0.01, 0.01))
    n_off = max(3, round(0.003 * n))
    off = rng.choice(n, size=n_off, replace=False)
    land[off] = area_m2[off] * np.where(
        rng.random(n_off) < 0.5, rng.uniform(1.06, 1.15, n_off), rng.uniform(0.85, 0.94, n_off)
    )
    land = np.round(land, 2)
    factor = np.where(
        rng.random(n) < 0.07,
        np.where(rng.random(n) < 0.5, rng.uniform(0.6, 0.9, n), rng.uniform(1.1, 1.4, n)),
        1.0,
    )
    floor = np.round(floor_m2 * factor, 2)
    far = np.round(floor / land, 2)
    return land, floor, far, np.sort(off)


def mu(area_m2: np.ndarray | pd.Series) -> np.ndarray | pd.Series:
    """m² → 亩."""
    return area_m2 / M2_PER_MU
