"""Owners, tenants and 亩均 indicators of the fictitious enterprises.

Indicators are drawn from log-normal distributions and then rescaled so that the 规上 aggregate
亩均税收 (Σ tax / Σ land) is 20.8 万元/亩 (越城 2021, seed 000 附件2.1 #14) and the 规上 aggregate
亩均增加值 is 140 万元/亩; about 10–20 % of 规上 firms fall below 5 万元/亩.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landgov.ids import USCC_ALPHABET, uscc_check_char
from landgov.units import M2_PER_MU

from ._parcels import BUILT
from ._words import (
    GIVEN_CHARS,
    INDUSTRIES,
    NAME_PREFIXES,
    NON_ENTERPRISE_HOLDERS,
    SURNAMES,
    TRADE_CHARS,
)

TAX_PER_MU_ABOVE = 20.8  # 万元/亩, 规上 aggregate
VALUE_ADDED_PER_MU_ABOVE = 140.0  # 万元/亩, 规上 aggregate


def ownership(rng: np.random.Generator, parcels: pd.DataFrame) -> pd.DataFrame:
    """Links (parcel row, enterprise id, relation, area m²) for the built industrial parcels.

    Neighbouring plots of a row sometimes share an owner, a few owners hold plots far apart,
    and about 13 % of the larger plots also house 1–3 tenants.
    """
    ent = (parcels["status"] == BUILT) & parcels["land_use"].isin(["工业用地", "仓储用地"])
    idx = np.flatnonzero(ent.to_numpy())
    sub = parcels.iloc[idx]
    order = np.lexsort((sub["pos"].to_numpy(), sub["row"].to_numpy()))
    idx = idx[order]
    row = parcels["row"].to_numpy()[idx]
    same_row = np.concatenate([[False], row[1:] == row[:-1]])
    new_owner = ~(same_row & (rng.random(len(idx)) < 0.1))
    owner = np.cumsum(new_owner) - 1
    scatter = rng.random(len(idx)) < 0.01
    owner[scatter] = rng.integers(0, owner.max() + 1, int(scatter.sum()))
    owner = np.unique(owner, return_inverse=True)[1]
    n_owner = owner.max() + 1
    area = parcels["area_declared_m2"].to_numpy()[idx]
    has_t = (area >= 8 * M2_PER_MU) & (rng.random(len(idx)) < 0.13)
    n_t = np.where(has_t, rng.choice([1, 2, 3], size=len(idx), p=[0.6, 0.3, 0.1]), 0)
    t_parcel = np.repeat(np.arange(len(idx)), n_t)
    t_area = np.round(area[t_parcel] * rng.uniform(0.08, 0.22, len(t_parcel)), 2)
    owner_area = area - np.bincount(t_parcel, t_area, minlength=len(idx))
    links = pd.DataFrame(
        {
            "plot": np.concatenate([idx, idx[t_parcel]]),
            "ent": np.concatenate([owner, n_owner + np.arange(len(t_parcel))]),
            "relation": ["自有"] * len(idx) + ["租用"] * len(t_parcel),
            "area_used_m2": np.round(np.concatenate([owner_area, t_area]), 2),
        }
    )
    return links


def _trade_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unique prefix + 字号 combinations (2 characters, 3 when n is large)."""
    chars = np.array(list(TRADE_CHARS))
    width = 2 if n * 20 <= len(NAME_PREFIXES) * len(chars) ** 2 else 3
    space = len(NAME_PREFIXES) * len(chars) ** width
    if n * 2 > space:
        width += 1
        space *= len(chars)
    code = rng.choice(space, size=n, replace=False)
    code, p = np.divmod(code, len(NAME_PREFIXES))
    out = pd.Series(np.array(NAME_PREFIXES, dtype=object)[p])
    for _ in range(width):
        code, c = np.divmod(code, len(chars))
        out = out + chars[c]
    return out.to_numpy(dtype=object)


def _people(rng: np.random.Generator, n: int) -> np.ndarray:
    s = np.array(list(SURNAMES), dtype=object)[rng.integers(0, len(SURNAMES), n)]
    g = np.array(list(GIVEN_CHARS), dtype=object)
    two = rng.random(n) < 0.7
    given = g[rng.integers(0, len(g), n)] + np.where(two, g[rng.integers(0, len(g), n)], "")
    return s + given


def make_usccs(rng: np.random.Generator, built_year: np.ndarray) -> np.ndarray:
    """Valid, unique USCCs ``91 + region + body + check`` (check by :func:`uscc_check_char`)."""
    n = len(built_year)
    alphabet = np.array(list(USCC_ALPHABET))
    digits = alphabet[:10]
    region = rng.choice(["330602", "330600", "330604", "330621"], size=n, p=[0.6, 0.2, 0.15, 0.05])
    codes = np.empty(n, dtype=object)
    todo = np.arange(n)
    while len(todo):
        m = len(todo)
        new = built_year[todo] >= 2015
        body_new = "MA2" + pd.Series(alphabet[rng.integers(0, 31, (m, 6))].tolist()).str.join("")
        body_old = (
            pd.Series(digits[rng.integers(0, 10, (m, 8))].tolist()).str.join("")
            + alphabet[rng.integers(0, 31, m)]
        )
        body = np.where(new, body_new, body_old)
        first17 = ("91" + pd.Series(region[todo]) + body).to_numpy(dtype=object)
        codes[todo] = [f + uscc_check_char(f) for f in first17]
        dup = pd.Series(codes).duplicated(keep="first").to_numpy()
        todo = np.flatnonzero(dup)
    return codes


def _industries(rng: np.random.Generator, n: int) -> np.ndarray:
    w = np.array([row[3] for row in INDUSTRIES])
    return rng.choice(len(INDUSTRIES), size=n, p=w / w.sum())


def enterprise_table(
    rng: np.random.Generator, parcels: pd.DataFrame, links: pd.DataFrame
) -> pd.DataFrame:
    """One row per enterprise id with land, scale, industry and built year (no indicators)."""
    n = int(links["ent"].max()) + 1
    land_m2 = np.bincount(links["ent"], links["area_used_m2"], minlength=n)
    first = links.drop_duplicates("ent").set_index("ent").sort_index()
    plot = first["plot"].to_numpy()
    done_year = pd.to_datetime(parcels["completion_date"]).dt.year.to_numpy()[plot]
    tenant = (first["relation"] == "租用").to_numpy()
    built_year = np.where(
        tenant, rng.integers(np.minimum(done_year, 2024), 2026), done_year
    ).astype(np.int64)
    land_mu = land_m2 / M2_PER_MU
    p_above = 1 / (1 + np.exp(-(np.log(np.maximum(land_mu, 0.1)) - np.log(22.0)) * 1.6))
    above = rng.random(n) < p_above
    return pd.DataFrame(
        {
            "ent": np.arange(n),
            "plot": plot,
            "township": parcels["township"].to_numpy()[plot],
            "land_m2": land_m2,
            "land_mu": np.round(land_mu, 2),
            "above": above,
            "industry": _industries(rng, n),
            "tenant": tenant,
            "built_year": built_year,
        }
    )


def _lognormal(rng: np.random.Generator, median: float | np.ndarray, sigma: float, n: int):
    return np.exp(rng.normal(np.log(median), sigma, n))


def add_indicators(rng: np.random.Generator, ent: pd.DataFrame) -> pd.DataFrame:
    """Draw tax, value added, revenue, energy, emissions, R&D, employees and power."""
    e = ent.copy()
    n = len(e)
    above = e["above"].to_numpy()
    land = e["land_mu"].to_numpy()
    energy_factor = np.array([row[5] for row in INDUSTRIES])[e["industry"].to_numpy()]
    tpm = np.where(above, _lognormal(rng, 12.0, 1.0, n), _lognormal(rng, 5.5, 1.0, n))
    tax = tpm * land
    tax[above] *= TAX_PER_MU_ABOVE * land[above].sum() / tax[above].sum()
    va = tax * _lognormal(rng, 6.5, 0.35, n)
    va[above] *= VALUE_ADDED_PER_MU_ABOVE * land[above].sum() / va[above].sum()
    revenue = np.where(
        above,
        np.maximum(va / rng.uniform(0.18, 0.32, n), 2000 + rng.uniform(0, 600, n)),
        np.minimum(tax * rng.uniform(12, 30, n), 1999.0),
    )
    energy = va / _lognormal(rng, 2.7 * energy_factor, 0.5, n)
    # only the firms picked by two_high() use 1000 tce or more (the 两高 rule stays rare)
    energy = np.minimum(energy, rng.uniform(450.0, 990.0, n))
    emissions = va / _lognormal(rng, 4930.0, 0.6, n)
    emissions[rng.random(n) < 0.1] = np.nan
    rd = revenue * _lognormal(rng, 0.02, 0.6, n)
    rd[rng.random(n) < 0.15] = 0.0
    employees = np.where(
        above, va / _lognormal(rng, 18.0, 0.4, n), np.maximum(land * rng.uniform(3, 10, n), 3)
    )
    power = tax / _lognormal(rng, 0.2352, 0.6, n)
    below = ~above
    va[below] = energy[below] = emissions[below] = rd[below] = np.nan
    e["tax_wan"] = np.round(tax, 2)
    e["value_added_wan"] = np.round(va, 2)
    e["revenue_wan"] = np.round(revenue, 2)
    e["energy_tce"] = np.round(energy, 2)
    e["emissions_t"] = np.round(emissions, 3)
    e["rd_wan"] = np.round(rd, 2)
    e["employees"] = np.maximum(np.rint(employees), 3).astype(np.int64)
    e["power_10k_kwh"] = np.round(power, 2)
    return e


def two_high(rng: np.random.Generator, e: pd.DataFrame) -> pd.DataFrame:
    """Give a few 规上 firms ≥ 1000 tce (built since 2018) and one ≥ 5000 tce (before 2018)."""
    e = e.copy()
    above = np.flatnonzero(e["above"].to_numpy())
    k = max(4, round(0.002 * len(e)))
    pick = rng.choice(above, size=min(k + 1, len(above)), replace=False)
    new, old = pick[:-1], pick[-1:]
    year = e["built_year"].to_numpy().copy()
    year[new] = np.maximum(year[new], rng.integers(2018, 2025, len(new)))
    year[old] = np.minimum(year[old], 2015)
    energy = e["energy_tce"].to_numpy().copy()
    energy[new] = np.round(rng.uniform(1100, 3500, len(new)), 2)
    energy[old] = np.round(rng.uniform(5200, 9000, len(old)), 2)
    e["built_year"] = year
    e["energy_tce"] = energy
    e.attrs["two_high"] = np.sort(pick).tolist()
    return e


def classify(rng: np.random.Generator, e: pd.DataFrame) -> pd.DataFrame:
    """评价等级, 产业结构调整目录类别 and 涉改行业."""
    e = e.copy()
    n = len(e)
    evaluated = e["above"].to_numpy() | (e["land_mu"].to_numpy() >= 3)
    score = np.log(np.maximum(e["tax_wan"].to_numpy(), 0.01) / np.maximum(e["land_mu"], 0.01))
    score = score + rng.normal(0, 0.3, n)
    pct = pd.Series(np.where(evaluated, score, np.nan)).rank(pct=True, ascending=False)
    grade = np.select([pct <= 0.2, pct <= 0.6, pct <= 0.95, pct <= 1.0], ["A", "B", "C", "D"], "")
    e["grade_given"] = grade.astype(object)
    cat = rng.choice(["鼓励类", "允许类"], size=n, p=[0.3, 0.7]).astype(object)
    n_restricted, n_banned = max(3, round(0.01 * n)), max(1, min(2, round(0.0008 * n)))
    pick = rng.choice(n, size=n_restricted + n_banned, replace=False)
    cat[pick[:n_restricted]] = "限制类"
    cat[pick[n_restricted:]] = "淘汰类"
    e["catalogue_class"] = cat
    e["reform_sector"] = np.array([row[4] for row in INDUSTRIES], dtype=object)[e["industry"]]
    return e


def name_and_people(rng: np.random.Generator, e: pd.DataFrame) -> pd.DataFrame:
    """Names (``绍兴恒达纺织有限公司`` pattern), USCCs, legal representative and contact."""
    e = e.copy()
    n = len(e)
    word = np.array([row[2] for row in INDUSTRIES], dtype=object)[e["industry"]]
    suffix = np.where(
        e["above"].to_numpy() & (rng.random(n) < 0.25), "股份有限公司", "有限公司"
    ).astype(object)
    e["name"] = _trade_names(rng, n) + word + suffix
    e["uscc"] = make_usccs(rng, e["built_year"].to_numpy())
    e["legal_rep"] = _people(rng, n)
    e["contact"] = _people(rng, n)
    e["industry_code"] = np.array([row[0] for row in INDUSTRIES], dtype=object)[e["industry"]]
    e["industry_name"] = np.array([row[1] for row in INDUSTRIES], dtype=object)[e["industry"]]
    return e


def holder_names(
    rng: np.random.Generator, parcels: pd.DataFrame, links: pd.DataFrame, e: pd.DataFrame
) -> np.ndarray:
    """权利人 per parcel: the owning enterprise, else a fictitious non-enterprise holder."""
    holder = np.empty(len(parcels), dtype=object)
    own = links[links["relation"] == "自有"]
    holder[own["plot"].to_numpy()] = e["name"].to_numpy()[own["ent"].to_numpy()]
    missing = np.flatnonzero(pd.isna(holder))
    names = _trade_names(rng, len(missing) + len(e))
    taken = set(e["name"])
    fresh = np.array([x for x in names if x + "实业有限公司" not in taken][: len(missing)])
    public = parcels["land_use"].to_numpy()[missing] == "公用设施用地"
    templates = np.array(NON_ENTERPRISE_HOLDERS, dtype=object)
    pub_names = [
        templates[k].format(t=t[-2:])
        for k, t in zip(rng.integers(0, 3, len(missing)), fresh, strict=True)
    ]
    holder[missing] = np.where(public, pub_names, fresh + "实业有限公司")
    return holder
