"""Zonal statistics: exactextract (landgov.far.raster) against rasterstats on the same data.

Usage::

    python benchmarks/bench_zonal.py                       # synthetic raster and parcels
    python benchmarks/bench_zonal.py --raster data/sample/height.tif --zones data/sample/parcels.shp
    python benchmarks/bench_zonal.py --n 50000 --size 6000

Prints the time of each method and how far apart their sums are. rasterstats counts a cell
fully when its centre is inside the polygon (or any touched cell with ``all_touched``), while
exactextract weights cells by the fraction covered, so small differences are expected and are
the reason landgov uses exactextract.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from affine import Affine

from landgov.far.raster import zonal_stats


def synthetic(folder: Path, *, n: int, size: int, cell: float = 5.0, seed: int = 1):
    """A ``size`` × ``size`` float32 height raster (5 m cells) and ``n`` rectangular parcels."""
    rng = np.random.default_rng(seed)
    x0, y0 = 500000.0, 3300000.0
    heights = rng.choice(
        [0.0, 4.0, 9.0, 15.0, 24.0], size=(size, size), p=[0.5, 0.2, 0.15, 0.1, 0.05]
    )
    path = folder / "height.tif"
    with rasterio.open(
        path, "w", driver="GTiff", width=size, height=size, count=1, dtype="float32",
        crs="EPSG:4549", transform=Affine(cell, 0, x0, 0, -cell, y0 + size * cell), nodata=0,
        tiled=True, blockxsize=256, blockysize=256, compress="deflate",
    ) as dst:  # fmt: skip
        dst.write(heights.astype("float32"), 1)
    extent = size * cell
    xs = rng.uniform(0, extent - 200, n) + x0
    ys = rng.uniform(0, extent - 200, n) + y0
    w = rng.uniform(30, 180, n)
    h = rng.uniform(30, 180, n)
    zones = gpd.GeoDataFrame(geometry=shapely.box(xs, ys, xs + w, ys + h), crs=4549)
    return path, zones


def _time(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raster", type=Path)
    parser.add_argument("--zones", type=Path)
    parser.add_argument("--n", type=int, default=5000, help="synthetic parcels")
    parser.add_argument("--size", type=int, default=4000, help="synthetic raster cells per side")
    args = parser.parse_args()
    from rasterstats import zonal_stats as rs_zonal_stats

    with tempfile.TemporaryDirectory() as tmp:
        if args.raster and args.zones:
            raster, zones = args.raster, gpd.read_file(args.zones)
            zones = zones[zones.geometry.notna()]
            zones = zones[~zones.geometry.is_empty & zones.geometry.is_valid]
        else:
            raster, zones = synthetic(Path(tmp), n=args.n, size=args.size)
        with rasterio.open(raster) as src:
            print(f"raster {src.width}×{src.height} cells of {src.res[0]:g} m; zones {len(zones)}")
            zones = zones.to_crs(src.crs)
        t_ee, ee = _time(lambda: zonal_stats(zones, raster, stats=("sum", "count", "mean")))
        t_rs, rs = _time(
            lambda: rs_zonal_stats(
                list(zones.geometry), str(raster), stats=["sum", "count", "mean"]
            )
        )
        t_rt, rt = _time(
            lambda: rs_zonal_stats(
                list(zones.geometry), str(raster), stats=["sum"], all_touched=True
            )
        )
    rs_sum = np.array([r["sum"] or 0.0 for r in rs])
    rt_sum = np.array([r["sum"] or 0.0 for r in rt])
    ee_sum = ee["sum"].fillna(0.0).to_numpy()
    rel = np.abs(rs_sum - ee_sum) / np.maximum(ee_sum, 1e-9)
    print(f"exactextract (landgov.far.raster.zonal_stats): {t_ee:8.2f} s")
    print(f"rasterstats (cell centres):               {t_rs:8.2f} s  ({t_rs / t_ee:.1f}× slower)")
    print(f"rasterstats (all_touched):                {t_rt:8.2f} s  ({t_rt / t_ee:.1f}× slower)")
    pos = ee_sum > 0
    over = np.median((rt_sum - ee_sum)[pos] / ee_sum[pos])
    print(
        f"sum: centre rule vs exact, median relative difference {np.median(rel[pos]):.2%}, "
        f"95th percentile {np.quantile(rel[pos], 0.95):.2%}; all_touched overestimates by "
        f"{over:.1%} (median)"
    )


if __name__ == "__main__":
    main()
