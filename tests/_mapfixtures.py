"""A small run directory with exactly the fields of the screening contract, for map tests.

``write_run(tmp_path)`` writes ``landgov.gpkg`` (EPSG:4549, near 绍兴 柯桥) with the layers
parcels, governance, blocks, townships, far and the table enterprises, plus ``manifest.json``.
Some names are script-injection attempts; :data:`INJECTIONS` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import MultiPolygon, Polygon, box

from landgov.core.runfolder import write_manifest
from landgov.ids import uscc_check_char

X0, Y0 = 555_000.0, 3_320_000.0  # EPSG:4549, about 120.57°E 30.0°N
CELL = 120.0  # metres between parcel origins
INJECTIONS = (
    "<img src=x onerror=alert(1)>",
    "</script><script>window.__pwned=1</script>",
    "\"'><svg onload=window.__pwned=2>",
)
PATHS = ("拆除重建", "整治提升", "功能转型", "关停退出")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class RunFacts:
    """What a test may look for in (or must not find in) the outputs."""

    path: Path
    n_parcels: int
    names: tuple[str, ...]
    holders: tuple[str, ...]
    usccs: tuple[str, ...]
    money: tuple[float, ...]
    other_numbers: tuple[float, ...]  # non-money figures (areas, 容积率) that stay when redacted


def _uscc(i: int) -> str:
    body = f"91330602{i:09d}"
    return body + uscc_check_char(body)


def _shape(rng: np.random.Generator, x: float, y: float, k: int) -> Polygon | MultiPolygon:
    w, h = rng.uniform(70, 110), rng.uniform(70, 110)
    if k % 11 == 5:  # a parcel with a courtyard (hole)
        return Polygon(
            [(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
            [[(x + 20, y + 20), (x + 40, y + 20), (x + 40, y + 40), (x + 20, y + 40)]],
        )
    if k % 13 == 7:  # two pieces split by a lane
        return MultiPolygon([box(x, y, x + w / 2 - 5, y + h), box(x + w / 2 + 5, y, x + w, y + h)])
    pts = [(x, y), (x + w, y + rng.uniform(-8, 8)), (x + w + rng.uniform(-10, 10), y + h)]
    pts += [(x + w / 2, y + h + rng.uniform(0, 15)), (x + rng.uniform(-10, 0), y + h)]
    return Polygon(pts)


def _reasons(path: str, tax: float, name: str) -> str:
    if not path:
        return ""
    lines = [
        f"亩均税收 {tax:.2f} 万元/亩，低于 5 万元/亩 [虞政发〔2022〕12号 第三条第（一）项第1目]"
    ]
    lines.append(f"{name} 所在地块容积率低于 1.0 [浙政发〔2023〕4号 第二条第（一）项第1目]")
    lines.append(f"列入{path}一批 [嵊政〔2022〕28号 第三条第（一）项第2目]")
    return "\n".join(lines)


def parcels_frame(n_side: int = 6, seed: int = 7) -> gpd.GeoDataFrame:
    """``n_side``² parcels in a grid; the left half in 柯岩街道, the right half in 华舍街道."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n_side * n_side):
        gx, gy = k % n_side, k // n_side
        geom = _shape(rng, X0 + gx * CELL, Y0 + gy * CELL, k)
        area_m2 = geom.area
        n_ent = 1 + (k % 3 == 0)
        names = [f"绍兴测试{k:03d}纺织有限公司"] + (
            [f"绍兴租户{k:03d}印染有限公司"] if n_ent > 1 else []
        )
        if k < len(INJECTIONS):
            names[0] = INJECTIONS[k]
        codes = [_uscc(10 * k + j) for j in range(n_ent)]
        tax = round(float(rng.uniform(10.0, 150.0)), 2)
        area_mu = area_m2 * 15 / 10000
        low = tax / area_mu < 5
        status = "治理" if low else ("待核实" if k % 17 == 3 else "不列入")
        path = PATHS[k % 4] if low and k % 9 != 0 else ""
        rows.append(
            {
                "parcel_id": f"330603001001GB{k:05d}",
                "township": "柯岩街道" if gx < n_side // 2 else "华舍街道",
                "holder": INJECTIONS[1] if k == 4 else f"绍兴权利人{k:03d}有限公司",
                "land_use": "工业用地",
                "right_type": "出让",
                "area_m2": area_m2,
                "area_mu": area_mu,
                "floor_area_m2": round(area_m2 * rng.uniform(0.3, 1.6), 1),
                "far": round(float(rng.uniform(0.3, 1.6)), 2),
                "enterprise_names": "；".join(names),
                "usccs": "；".join(codes),
                "n_enterprises": n_ent,
                "tax_wan": tax,
                "value_added_wan": round(tax * 4.3, 2),
                "tax_per_mu": tax / area_mu,
                "value_added_per_mu": tax * 4.3 / area_mu,
                "grade": "ABCD"[k % 4] if k % 10 != 9 else None,
                "low_efficiency": bool(low),
                "flags": "低效用地；容积率偏低" if low else None,
                "screening_status": status,
                "path": path or None,
                "path_status": ("符合" if k % 2 else "待核实") if path else None,
                "reasons": _reasons(path, tax / area_mu, names[0]) or None,
                "citations": (
                    "[虞政发〔2022〕12号 第三条第（一）项第1目]；"
                    "[嵊政〔2022〕28号 第三条第（一）项第2目]"
                )
                if path
                else None,
                "missing": "规划用途" if path and k % 2 == 0 else None,
                "block_id": None,
                "geometry": geom,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4549")
    frame["block_id"] = pd.array([None] * len(frame), dtype="Int64")
    return frame


def _blocks(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gov = parcels[parcels["screening_status"] == "治理"]
    merged = gov.geometry.buffer(20).union_all().buffer(-20)
    parts = list(merged.geoms) if hasattr(merged, "geoms") else [merged]
    rows = []
    for i, part in enumerate(sorted(parts, key=lambda g: -g.area)[:3], 1):
        inside = gov[gov.geometry.intersects(part)]
        counts = inside["path"].value_counts()
        rows.append(
            {
                "block_id": i,
                "area_mu": float(inside["area_mu"].sum()),
                "n_parcels": len(inside),
                "parcel_ids": "；".join(inside["parcel_id"]),
                "n_enterprises": int(inside["n_enterprises"].sum()),
                "tax_wan": float(inside["tax_wan"].sum()),
                "tax_per_mu": float(inside["tax_wan"].sum() / inside["area_mu"].sum()),
                "paths": "；".join(f"{p} {n}" for p, n in counts.items()),
                "large": bool(inside["area_mu"].sum() >= 100),
                "geometry": part,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=parcels.crs)


def _townships(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for name, part in parcels.groupby("township"):
        gov = part["screening_status"] == "治理"
        rows.append(
            {
                "township": name,
                "n_parcels": len(part),
                "area_mu": float(part["area_mu"].sum()),
                "governance_area_mu": float(part.loc[gov, "area_mu"].sum()),
                "tax_per_mu_above_scale": float(part["tax_wan"].sum() / part["area_mu"].sum()),
                "target_tax_per_mu": 28.0,
                **{f"n_{p}": int((part["path"] == p).sum()) for p in PATHS},
                "geometry": part.geometry.union_all().envelope.buffer(25),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=parcels.crs)


def _far(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    sub = parcels.iloc[::2]
    verdicts = np.array(["可申报", "不可申报", "待核实"])[np.arange(len(sub)) % 3]
    headroom = np.where(verdicts == "可申报", sub["area_m2"] * 2.5 - sub["floor_area_m2"], np.nan)
    frame = gpd.GeoDataFrame(
        {
            "parcel_id": sub["parcel_id"].to_numpy(),
            "far": sub["far"].to_numpy(),
            "far_source": "登记",
            "far_floor": 1.0,
            "headroom_m2": headroom,
            "zengrong": verdicts,
            "cond_scope": "符合",
            **{f"cond_{i}": "符合" for i in range(1, 7)},
            "cond_7": "待承诺",
            "cond_8": "待核实",
            "zengrong_reasons": (
                "用地面积大于 15 亩 [越政发〔2022〕24号 附件3 第三条第1项]\n"
                "容积率可提至 2.5 [越政发〔2022〕24号 附件3 第二条]"
            ),
            "geometry": sub.geometry.to_numpy(),
        },
        crs=parcels.crs,
    )
    return frame


def _enterprises(parcels: gpd.GeoDataFrame) -> pd.DataFrame:
    rows = []
    for _, p in parcels.iterrows():
        for name, code in zip(
            p["enterprise_names"].split("；"), p["usccs"].split("；"), strict=True
        ):
            rows.append(
                {
                    "uscc": code,
                    "name": name,
                    "above_scale": len(rows) % 2 == 0,
                    "grade": p["grade"],
                    "score": 40.0 + len(rows) % 50,
                    "tax_per_mu": p["tax_per_mu"],
                }
            )
    return pd.DataFrame(rows)


def write_run(
    path: Path, *, n_side: int = 6, optional_layers: bool = True, manifest: bool = True
) -> RunFacts:
    """Write a run directory; ``optional_layers=False`` leaves out blocks, townships and far."""
    path.mkdir(parents=True, exist_ok=True)
    gpkg = path / "landgov.gpkg"
    parcels = parcels_frame(n_side)
    parcels.to_file(gpkg, layer="parcels", engine="pyogrio")
    parcels[parcels["screening_status"] == "治理"].to_file(
        gpkg, layer="governance", engine="pyogrio"
    )
    enterprises = _enterprises(parcels)
    if optional_layers:
        _blocks(parcels).to_file(gpkg, layer="blocks", engine="pyogrio")
        _townships(parcels).to_file(gpkg, layer="townships", engine="pyogrio")
        _far(parcels).to_file(gpkg, layer="far", engine="pyogrio")
    import pyogrio

    pyogrio.write_dataframe(enterprises, gpkg, layer="enterprises")
    if manifest:  # sealed as a run writes it: the screening section, a hash per file
        write_manifest(
            path,
            {
                "screen": {
                    "profile": {"name": "yuecheng-2022", "version": "2022.1"},
                    "data_date": "2024-12-31",
                    "summary": {
                        "district": {
                            "tax_per_mu_above_scale": 21.37,
                            "target_tax_per_mu_above_scale": 41.6,
                            "governance_area_mu": 812.5,
                            "revitalize_target_mu": 12000,
                        }
                    },
                }
            },
        )
    names = tuple(n for v in parcels["enterprise_names"] for n in v.split("；"))
    money = tuple(
        float(v)
        for col in ("tax_wan", "value_added_wan", "tax_per_mu", "value_added_per_mu")
        for v in parcels[col]
    )
    return RunFacts(
        path=path,
        n_parcels=len(parcels),
        names=names,
        holders=tuple(parcels["holder"]),
        usccs=tuple(c for v in parcels["usccs"] for c in v.split("；")),
        money=money,
        other_numbers=tuple(
            float(v) for col in ("area_mu", "far", "floor_area_m2") for v in parcels[col]
        ),
    )
