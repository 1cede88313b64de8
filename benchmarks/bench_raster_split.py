"""The raster pass over two processes: its wall time against one exactextract call, and the
cost model that cuts the plots into runs of equal work.

Usage::

    python benchmarks/bench_raster_split.py --data /work/big/d50k    # parcels + height.tif

Prints, for the parcels of ``DATA`` over ``DATA/height.tif`` (the one run's layers: storeys and
the built-up mask):

- the CPU seconds of exactextract for five sets of plots sorted by bounding-box cells, and the
  least-squares cost per plot and per cell, which :data:`landgov.far.raster._PLOT_CELLS` (a
  plot's fixed cost, in cells) is set from;
- the wall time of one call, of the runs shared by a forked child and this process from the
  start, and when this process first works ``--busy`` CPU seconds on something else (as the one
  run links and grades), and whether the figures are the same to the bit;
- the fork's own cost in this process (start and collect of a function that does nothing);
- the load average, since on a shared machine only figures taken at the same load compare.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely

from landgov.core import forked
from landgov.far import raster


def _layers(parcels: gpd.GeoSeries, path: Path) -> tuple[dict[str, np.ndarray], tuple]:
    with rasterio.open(path) as src:
        values, valid, extent = raster._read_cells(src, parcels.total_bounds, band=1)
    layers = raster._height_layers(
        values, valid, storey_height_m=3.0, min_height_m=0.0, heights=False
    )
    layers["built"] = valid & (values > np.float64(0.0))
    return layers, extent


def _cpu(fn, *args) -> tuple[float, object]:
    start = time.process_time()
    out = fn(*args)
    return time.process_time() - start, out


def _calibrate(usable: gpd.GeoSeries, layers: dict, extent: tuple, cell: float) -> None:
    xmin, ymin, xmax, ymax = shapely.bounds(usable.to_numpy()).T
    cells = ((xmax - xmin) / cell + 1.0) * ((ymax - ymin) / cell + 1.0)
    order, n, rows = np.argsort(cells), len(usable), []
    for q in range(5):
        idx = np.sort(order[q * n // 5 : (q + 1) * n // 5])
        cpu = min(
            _cpu(raster._measure, usable.iloc[idx], layers, extent, ["sum", "count"])[0]
            for _ in range(2)
        )
        rows.append((len(idx), cells[idx].sum(), cpu))
        print(f"  {len(idx):>6,} 宗  {cells[idx].sum() / 1e6:7.2f} M 格  CPU {cpu:6.3f} s")
    a = np.array([[r[0], r[1]] for r in rows])
    (per_plot, per_cell), *_ = np.linalg.lstsq(a, np.array([r[2] for r in rows]), rcond=None)
    print(
        f"  每宗 {per_plot * 1e6:.1f} µs，每格 {per_cell * 1e9:.1f} ns："
        f"一宗的固定开销约 {per_plot / per_cell:,.0f} 格（_PLOT_CELLS = {raster._PLOT_CELLS:,.0f}）"
    )


def _noop() -> None:
    return None


def _busy(seconds: float) -> None:
    """CPU work in this process for ``seconds`` (what the caller does before it joins)."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        sum(range(1000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/big/d50k"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--busy", type=float, default=1.5, help="CPU s this process works before it joins"
    )
    args = parser.parse_args()
    parcels = gpd.read_parquet(args.data / "parcels.parquet", columns=["geometry"]).geometry
    layers, extent = _layers(parcels, args.data / "height.tif")
    usable = parcels[~(parcels.isna() | parcels.is_empty)]
    shape = layers["storeys"].shape
    cell = (extent[2] - extent[0]) / shape[1]
    print(f"{len(usable):,} 宗，栅格 {shape[0]:,} × {shape[1]:,} 格（{cell:g} m）")
    print("成本模型（CPU）：")
    _calibrate(usable, layers, extent, cell)
    cuts = raster._cuts(usable, (cell, cell))
    print(
        f"切分：{len(cuts) + 1} 段（每段约 {raster._RUN_CELLS / 1e6:g} M 格的工作），"
        "子进程从第一段起、本进程从最后一段起各取各的，相遇为止"
    )
    ops = ["sum", "count"]
    for _ in range(args.repeat):
        start = time.perf_counter()
        whole = raster._measure(usable, layers, extent, ops).reindex(parcels.index)
        one = time.perf_counter() - start
        start = time.perf_counter()
        two = raster._extract(parcels, layers, extent, ops)
        split = time.perf_counter() - start
        start = time.perf_counter()
        with raster._start_extract(parcels, layers, extent, ops) as measuring:
            _busy(args.busy)  # this process's other work first (the one run's link and grading)
            late = measuring.result()
        joined = time.perf_counter() - start
        same = all(
            whole.to_numpy().tobytes() == other.to_numpy().tobytes() for other in (two, late)
        )
        print(
            f"  一次调用 {one:6.3f} s   两进程 {split:6.3f} s   "
            f"本进程先忙 {args.busy:g} s 再加入 {joined:6.3f} s"
            f"（不分担需 {max(one, args.busy):.3f} s）"
            f"   逐位相同：{'是' if same else '否'}   负载 {os.getloadavg()[0]:.2f}"
        )
    fork = []
    for _ in range(5):
        start = time.perf_counter()
        forked.start(_noop).result()
        fork.append(time.perf_counter() - start)
    print(
        f"  本进程（{_rss_mb():,.0f} MB）分叉一次：{1000 * min(fork):.0f}–{1000 * max(fork):.0f} ms"
    )
    print(f"负载：{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
