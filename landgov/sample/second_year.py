"""A second year of the sample (模拟数据), for the 治理台账 and the 动态评价.

:func:`second_year` reads the first year's county files and writes the next year's beside
them: the same plots, with realistic changes —

- some low-efficiency enterprises finished their 整治: tax and value added up so that 亩均税收
  clears the 5 万元/亩 threshold, their 评价等级 one grade better;
- every other enterprise grows a little (or shrinks a little), as a year does;
- a few enterprises that were fine now have problems (tax down below the threshold, one grade
  worse);
- a few plots were split in two (new 宗地代码 in the same 街坊) and a few neighbouring pairs
  merged (the merged plot keeps the lower code); the 地企关联 follows the land.

Files the changes do not touch (townships, planning, compliance …) are copied as they are. The
same first year and seed give the same second year. What was changed is returned (and tested).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import box

from landgov.core.dates import parse_as_of
from landgov.sample import _writers
from landgov.sample.generate import ENTERPRISE_GROUPS, ENTERPRISE_TITLE

__all__ = ["second_year"]

_COPIED = ("townships", "planning", "demolition", "special_zones", "approved")
_COPIED_FILES = ("compliance.xlsx", "buildings.gpkg", "height.tif", "applications.xlsx")
_BETTER = {"D": "C", "C": "B", "B": "A"}
_WORSE = {"A": "B", "B": "C", "C": "D"}
_THRESHOLD = 5.0  # 万元/亩, the sample profiles' low-efficiency line


def _numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _enterprises(ent: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    ent = ent.copy()
    tax, va, land = (
        _numbers(ent[c]) for c in ("税收（万元）", "工业增加值（万元）", "用地面积（亩）")
    )
    per_mu = tax / land
    ok = tax.notna() & land.notna() & (land > 0)
    low = np.flatnonzero((ok & (per_mu <= _THRESHOLD)).to_numpy())
    fine = np.flatnonzero((ok & (per_mu > _THRESHOLD * 1.5) & (per_mu < 15)).to_numpy())
    improved = rng.choice(low, size=len(low) * 3 // 10, replace=False) if len(low) else low
    declined = rng.choice(fine, size=max(1, len(fine) // 40), replace=False) if len(fine) else fine
    factor = pd.Series(rng.normal(1.04, 0.06, len(ent)).clip(0.85, 1.25), index=ent.index)
    target = rng.uniform(5.6, 9.0, len(improved))
    factor.iloc[improved] = target / per_mu.iloc[improved].clip(lower=0.2).to_numpy()
    factor.iloc[declined] = rng.uniform(2.0, 4.5, len(declined)) / per_mu.iloc[declined].to_numpy()
    changed = ok.to_numpy()
    for col, values in (("税收（万元）", tax), ("工业增加值（万元）", va)):
        new = (values * factor).round(2)
        ent[col] = ent[col].where(~(changed & values.notna().to_numpy()), new)
    grade = ent["评价等级"].astype(object)
    ent.loc[ent.index[improved], "评价等级"] = grade.iloc[improved].map(lambda g: _BETTER.get(g, g))
    ent.loc[ent.index[declined], "评价等级"] = grade.iloc[declined].map(lambda g: _WORSE.get(g, g))
    usccs = ent["统一社会信用代码"].astype(str)
    return ent, {
        "improved": sorted(usccs.iloc[improved]),
        "declined": sorted(usccs.iloc[declined]),
    }


def _free_codes(codes: pd.Series, prefix: str, n: int) -> list[str]:
    used = {
        int(c[len(prefix) :]) for c in codes if c.startswith(prefix) and c[len(prefix) :].isdigit()
    }
    start = max(used, default=0) + 1
    return [f"{prefix}{k:05d}" for k in range(start, start + n)]


def _halves(geom: Any) -> tuple[Any, Any]:
    x0, y0, x1, y1 = geom.bounds
    if x1 - x0 >= y1 - y0:
        mid = (x0 + x1) / 2
        cuts = box(x0 - 1, y0 - 1, mid, y1 + 1), box(mid, y0 - 1, x1 + 1, y1 + 1)
    else:
        mid = (y0 + y1) / 2
        cuts = box(x0 - 1, y0 - 1, x1 + 1, mid), box(x0 - 1, mid, x1 + 1, y1 + 1)
    return shapely.intersection(geom, cuts[0]), shapely.intersection(geom, cuts[1])


def _split(parcels: gpd.GeoDataFrame, picks: list[int]) -> tuple[gpd.GeoDataFrame, dict]:
    rows, done = [], {}
    codes = parcels["宗地代码"].astype(str)
    for i in picks:
        parent = parcels.iloc[i]
        code = str(parent["宗地代码"])
        a, b = _halves(parent.geometry)
        new_code = _free_codes(
            pd.concat([codes, pd.Series([r["宗地代码"] for r in rows])]), code[:14], 1
        )[0]
        share = shapely.area(a) / max(shapely.area(parent.geometry), 1e-9)
        for geom, c, s in ((a, code, share), (b, new_code, 1 - share)):
            row = parent.to_dict()
            row.update(
                {
                    "宗地代码": c,
                    "geometry": geom,
                    "宗地面积": round(
                        float(_numbers(pd.Series([parent["宗地面积"]])).iloc[0] * s), 2
                    ),
                    "建筑面积": round(
                        float(_numbers(pd.Series([parent["建筑面积"]])).iloc[0] * s), 2
                    ),
                }
            )
            rows.append(row)
        done[code] = [code, new_code]
    keep = parcels.drop(parcels.index[picks])
    out = pd.concat([keep, gpd.GeoDataFrame(rows, crs=parcels.crs)], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=parcels.crs), done


def _merge_pairs(
    parcels: gpd.GeoDataFrame, candidates: np.ndarray, n: int
) -> list[tuple[int, int]]:
    geoms = parcels.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    used: set[int] = set()
    allowed = {int(c) for c in candidates}
    pairs = []
    for i in candidates:
        if len(pairs) == n:
            break
        if i in used:
            continue
        for hit in tree.query(geoms[i], predicate="touches"):
            j = int(hit)
            same_town = parcels.iloc[i]["镇街"] == parcels.iloc[j]["镇街"]
            if j != i and j not in used and j in allowed and same_town:
                shared = shapely.length(shapely.intersection(geoms[i], geoms[j]))
                if shared > 20:  # a real common edge, not a corner
                    pairs.append((int(i), j))
                    used |= {int(i), j}
                    break
    return pairs


def _merge(
    parcels: gpd.GeoDataFrame, pairs: list[tuple[int, int]]
) -> tuple[gpd.GeoDataFrame, dict]:
    rows, done, drop = [], {}, []
    for i, j in pairs:
        a, b = parcels.iloc[i], parcels.iloc[j]
        keep_code, gone_code = sorted([str(a["宗地代码"]), str(b["宗地代码"])])
        row = (a if str(a["宗地代码"]) == keep_code else b).to_dict()
        row["geometry"] = shapely.union_all([a.geometry, b.geometry])
        for col in ("宗地面积", "建筑面积"):
            row[col] = round(float(_numbers(pd.Series([a[col], b[col]])).sum()), 2)
        area = row["宗地面积"]
        row["容积率"] = round(row["建筑面积"] / area, 2) if area else None
        rows.append(row)
        done[keep_code] = [keep_code, gone_code]
        drop += [i, j]
    keep = parcels.drop(parcels.index[drop])
    out = pd.concat([keep, gpd.GeoDataFrame(rows, crs=parcels.crs)], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=parcels.crs), done


def _links(links: pd.DataFrame, split: dict, merged: dict) -> pd.DataFrame:
    links = links.copy()
    code = links["宗地代码"].astype(str)
    extra = []
    for parent, (_, child) in split.items():
        for rec in links[code == parent].to_dict("records"):
            area = _numbers(pd.Series([rec.get("使用面积（平方米）")])).iloc[0]
            half = None if pd.isna(area) else round(float(area) / 2, 2)
            rec["使用面积（平方米）"] = half
            extra.append(rec | {"宗地代码": child})
            links.loc[(code == parent) & (links["统一社会信用代码"] == rec["统一社会信用代码"]),
                      "使用面积（平方米）"] = half  # fmt: skip
    for keep, (_, gone) in merged.items():
        links.loc[code == gone, "宗地代码"] = keep
    out = pd.concat([links, pd.DataFrame(extra)], ignore_index=True)
    return out.drop_duplicates(["宗地代码", "统一社会信用代码"]).sort_values(
        "宗地代码", kind="stable"
    )


def _plain(parcels: gpd.GeoDataFrame, links: pd.DataFrame) -> np.ndarray:
    """Plots safe to split or merge: valid, one linked enterprise, a usable area."""
    once = links["宗地代码"].astype(str).value_counts()
    code = parcels["宗地代码"].astype(str)
    ok = (
        parcels.geometry.is_valid.to_numpy()
        & (parcels.geometry.geom_type == "Polygon").to_numpy()
        & (code.map(once).fillna(0) == 1).to_numpy()
        & (_numbers(parcels["宗地面积"]) > 8000).to_numpy()
        & (code.str.len() == 19).to_numpy()
    )
    return np.flatnonzero(ok)


def second_year(
    first: str | Path,
    out_dir: str | Path,
    *,
    seed: int = 20231231,
    as_of: str = "2027-06-30",
    n_split: int = 6,
    n_merge: int = 3,
) -> dict[str, Any]:
    """Write the second year of the sample in ``first`` into ``out_dir``.

    Parameters
    ----------
    first
        A folder written by :func:`landgov.sample.generate` (county formats).
    out_dir
        Where the second year goes (created; files of the same name are replaced).
    seed
        Seed of the changes; the same first year and seed give the same files.
    as_of
        The second year's reference date (dates written in the files' metadata).
    n_split, n_merge
        How many plots are split in two, how many neighbouring pairs merged.

    Returns
    -------
    dict
        ``split`` ({old code: [codes after]}), ``merged`` ({code kept: [codes before]}),
        ``improved`` and ``declined`` (统一社会信用代码), ``files``.
    """
    first, out = Path(first), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    day = parse_as_of(as_of)
    rng = np.random.default_rng(seed)
    parcels = pyogrio.read_dataframe(first / "parcels.shp", encoding="GBK")
    ent = pd.read_excel(first / "enterprises.xlsx", header=2, dtype=object)
    links = pd.read_excel(first / "links.xlsx", dtype=object)
    ent, changed = _enterprises(ent, rng)
    plain = rng.permutation(_plain(parcels, links))
    pairs = _merge_pairs(parcels, plain[n_split:], n_merge)
    merged_pos = {p for pair in pairs for p in pair}
    picks = [int(i) for i in plain[:n_split] if int(i) not in merged_pos]
    pick_codes = parcels["宗地代码"].iloc[picks].astype(str).tolist()
    parcels, merged = _merge(parcels, pairs)  # merge first: positions of the pairs still hold
    code = parcels["宗地代码"].astype(str)
    parcels, split = _split(parcels, [int(np.flatnonzero(code == c)[0]) for c in pick_codes])
    parcels = parcels.sort_values("宗地代码", kind="stable").reset_index(drop=True)
    links = _links(links, split, merged)
    files = _write(out, parcels=parcels, ent=ent, links=links, day=day)
    files.update(_copy(first, out))
    return {"split": split, "merged": merged, **changed, "files": files}


def _write(
    out: Path, *, parcels: gpd.GeoDataFrame, ent: pd.DataFrame, links: pd.DataFrame, day: dt.date
) -> dict[str, str]:
    files = {}
    for path in _writers.write_shapefile(parcels, out / "parcels.shp", as_of=day, cpg=False):
        files[path.name] = str(path)
    groups = [(g, len(c)) for g, c in ENTERPRISE_GROUPS]
    files["enterprises.xlsx"] = str(
        _writers.write_xlsx(
            ent, out / "enterprises.xlsx", sheet="亩均效益", as_of=day,
            title=ENTERPRISE_TITLE.replace("（模拟数据）", f"（{day.year} 年，模拟数据）"),
            groups=groups, widths={"统一社会信用代码": 22, "企业名称": 30},
        )
    )  # fmt: skip
    files["links.xlsx"] = str(
        _writers.write_xlsx(links, out / "links.xlsx", sheet="地企关联", as_of=day)
    )
    return files


def _copy(first: Path, out: Path) -> dict[str, str]:
    files = {}
    for name in _COPIED:
        for part in first.glob(f"{name}.*"):
            files[part.name] = str(shutil.copy2(part, out / part.name))
    for name in _COPIED_FILES:
        if (first / name).exists():
            files[name] = str(shutil.copy2(first / name, out / name))
    return files
