"""Generate a simulated province (模拟数据): real counties, each in its own area and 3° zone.

:func:`generate_province` splits ``n_parcels`` over the chosen counties (all 90 by default) and
draws each county with the district generator (:func:`landgov.sample.generate`, benchmark
formats: GeoParquet, GeoPackage, CSV) from its own seed, moved to the county's centre in its own
CGCS2000 3° zone (EPSG:4527–4529, the zone prefix in the easting), with the county's code in
every 宗地代码 and its real township names. Every generated parcel is a valid polygon (the
district sample's deliberate bow-ties and blank geometry are left out; its attribute defects
stay, so rows are still rejected and flagged). It writes ``province.json`` (see
:mod:`landgov.province.layout`). One county is in memory at a time, so 1,000,000 parcels fit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from landgov.errors import InputError, Issue
from landgov.province.counties import COUNTIES, County, county
from landgov.province.layout import FORMAT, INDEX
from landgov.province.profile import DEFAULT_PROVINCE_PROFILE
from landgov.sample import Placement, generate

__all__ = ["generate_province"]

_MIN_PER_COUNTY = 100  # the district generator's smallest sample
_FILES = {
    "parcels": "parcels.parquet",
    "enterprises": "enterprises.csv",
    "links": "links.csv",
    "compliance": "compliance.csv",
    "planning": "planning.gpkg",
    "demolition": "demolition.gpkg",
    "townships": "townships.gpkg",
    "approved": "approved.gpkg",
}


def _counties(codes: Sequence[str] | None) -> list[County]:
    if not codes:
        return list(COUNTIES)
    chosen, issues = [], []
    for code in codes:
        try:
            chosen.append(county(str(code).strip()))
        except KeyError:
            issues.append(
                Issue("generate", "counties", code, "不是浙江省的县级行政区划代码", "如 330604")
            )
    if issues:
        raise InputError(issues)
    return list(dict.fromkeys(chosen))


def _shares(total: int, n: int) -> list[int]:
    base, extra = divmod(total, n)
    return [base + (1 if k < extra else 0) for k in range(n)]


def generate_province(
    out_dir: str | Path,
    *,
    n_parcels: int = 30_000,
    counties: Sequence[str] | None = None,
    seed: int = 20231231,
    as_of: str = "2026-06-30",
    profile: str = DEFAULT_PROVINCE_PROFILE,
    progress: Callable[[str], object] | None = None,
) -> dict[str, Any]:
    """Write a simulated province into ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder to write into (created; county folders of the same name are replaced).
    n_parcels
        Parcels in the whole province, split evenly over the counties (≥ 100 each).
    counties
        6-digit county codes to generate; ``None``: all 90 counties of Zhejiang.
    seed
        Base seed; county ``k`` (in the order given) uses ``seed + k``.
    as_of
        Reference date ``YYYY-MM-DD``.
    profile
        Province profile named in the index (used by ``landgov screen`` unless ``--profile``).
    progress
        Called with one line per county written.

    Returns
    -------
    dict
        The index as written (``province.json``) plus ``seconds``.
    """
    chosen = _counties(counties)
    if not isinstance(n_parcels, int) or n_parcels < _MIN_PER_COUNTY * len(chosen):
        raise InputError(
            [
                Issue(
                    "generate",
                    "n_parcels",
                    n_parcels,
                    f"{len(chosen)} 个县每县至少 {_MIN_PER_COUNTY} 宗",
                    f"--parcels 至少 {_MIN_PER_COUNTY * len(chosen)}，或减少县的数量",
                )
            ]
        )
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    entries = []
    for k, (c, n) in enumerate(zip(chosen, _shares(n_parcels, len(chosen)), strict=True)):
        folder = root / c.folder
        place = Placement(c.code, c.epsg, c.lon, c.lat, c.townships)
        summary = generate(
            folder,
            n_parcels=n,
            seed=seed + k,
            as_of=as_of,
            formats="bench",
            placement=place,
            raster=False,
            geometry_defects=False,
        )
        counts = summary["counts"]
        entries.append(
            {
                "code": c.code,
                "name": c.name,
                "city_code": c.city_code,
                "city": c.city,
                "folder": c.folder,
                "epsg": c.epsg,
                "zone": c.zone,
                "centre": [c.lon, c.lat],
                "seed": seed + k,
                "parcels": counts["parcels"],  # type: ignore[index]
                "files": dict(_FILES),
            }
        )
        if progress is not None:
            progress(f"{c.code} {c.name}：{n} 宗，EPSG:{c.epsg}（{c.zone} 带）")
    index = {
        "format": FORMAT,
        "title": "浙江省工业用地（模拟数据）",
        "simulated": True,
        "as_of": as_of,
        "seed": seed,
        "parcels": n_parcels,
        "profile": profile,
        "source": (
            "县级代码、名称与镇街名称：国家统计局 2023年统计用区划代码（截止 2023-06-30），"
            "经 modood/Administrative-divisions-of-China 数据集核对；位置为大致中心，非测绘成果"
        ),
        "counties": entries,
    }
    (root / INDEX).write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
    index["seconds"] = round(time.perf_counter() - t0, 1)
    return index
