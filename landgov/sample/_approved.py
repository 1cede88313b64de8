"""The simulated 批而未供 layer: approved batches (批次) not yet supplied, on vacant blocks.

Land approved for construction but not supplied has no 宗地 yet, so the batches lie on the
road-cut blocks of the area that carry no plot. They are drawn from their own random stream
(``seed`` and a fixed tag), after everything else: adding this layer leaves every other file
of a sample byte-identical to what the same seed gave before.

Two rows are broken on purpose (listed in ``bad_rows``): one without 批准日期, one whose 镇街
is blank (the run places it by the township boundaries; not a defect the reader reports).
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import shapely

from ._geometry import Cadastre, _inset_blocks
from ._words import TOWNSHIPS

__all__ = ["FILE", "approved_batches"]

FILE = "approved.shp"
_STREAM_TAG = 0xA99  # the layer's own random stream: seed → (seed, tag)
_MAX_BATCHES = 12
_INSET_M = 6.0  # keep the batch polygon off the road edge


def _cells(cad: Cadastre) -> np.ndarray:
    """Region cells that carry no plot (vacant blocks of the area)."""
    return np.setdiff1d(cad.region_cells, np.unique(cad.cell))


def _strips(quads: np.ndarray) -> np.ndarray:
    """Each block quad (bl, br, tr, tl) cut into three strips side by side."""
    bl, br, tr, tl = (quads[:, k] for k in range(4))
    out = []
    for a, b in ((0.0, 1 / 3), (1 / 3, 2 / 3), (2 / 3, 1.0)):
        out.append(
            np.stack(
                [bl + (br - bl) * a, bl + (br - bl) * b, tl + (tr - tl) * b, tl + (tr - tl) * a],
                axis=1,
            )
        )
    return np.concatenate(out)


def approved_batches(
    seed: int, cad: Cadastre, *, as_of: dt.date
) -> tuple[gpd.GeoDataFrame, list[dict[str, object]]]:
    """The 批而未供 layer (Chinese column names, as a county hands it over) and its bad rows.

    Columns: 批次名称, 批准文号, 批准日期 (text ``YYYY-MM-DD``), 批准面积, 已供面积 (m²), 镇街.
    The polygon is the unsupplied part: 批准面积 = polygon area + 已供面积 (rounded to 0.01 m²).
    """
    rng = np.random.default_rng([seed, _STREAM_TAG])
    cells = _cells(cad)
    if not len(cells):
        cells = np.unique(cad.cell)[:1]
    strips = _strips(_inset_blocks(cad.lattice, cells))  # three batch sites per vacant block
    n = min(_MAX_BATCHES, len(strips))
    chosen = np.sort(rng.choice(len(strips), size=n, replace=False))
    quads = strips[chosen]
    centre = quads.mean(axis=1, keepdims=True)
    factor = rng.uniform(0.6, 0.9, size=(n, 1, 1))  # a batch takes part of its site
    quads = centre + (quads - centre) * factor
    geoms = shapely.buffer(shapely.polygons(np.round(quads, 3)), -_INSET_M, join_style="mitre")
    geoms = shapely.set_precision(geoms, 0.001)
    area = shapely.area(geoms)
    years = rng.integers(as_of.year - 9, as_of.year, size=n)
    days = rng.integers(0, 365, size=n)
    dates = [
        dt.date(int(y), 1, 1) + dt.timedelta(days=int(d)) for y, d in zip(years, days, strict=True)
    ]
    dates = [min(d, as_of) for d in dates]
    partly = rng.random(n) < 0.4
    supplied = np.where(partly, np.round(area * rng.uniform(0.1, 0.6, n), 2), 0.0)
    site = cells[chosen % len(cells)]  # strips are stacked strip by strip over the cells
    town = [TOWNSHIPS[int(t)][0] for t in cad.cell_township[site]]
    batch = rng.integers(1, 9, size=n)
    number = rng.integers(10, 400, size=n)
    frame = gpd.GeoDataFrame(
        {
            "批次名称": [
                f"绍兴市越城区{d.year}年度第{b}批次城镇建设用地（模拟）"
                for d, b in zip(dates, batch, strict=True)
            ],
            "批准文号": [
                f"浙土字（模拟）〔{d.year}〕{k}号" for d, k in zip(dates, number, strict=True)
            ],
            "批准日期": [d.isoformat() for d in dates],
            "批准面积": np.round(area + supplied, 2),
            "已供面积": supplied,
            "镇街": town,
        },
        geometry=list(geoms),
        crs=4549,
    )
    bad: list[dict[str, object]] = []
    if n >= 3:
        frame = frame.astype({"批准日期": object, "镇街": object})
        no_date, no_town = int(rng.integers(0, n // 2)), int(rng.integers(n // 2, n))
        bad.append(
            {
                "file": FILE,
                "row": no_date + 1,
                "excel_row": None,
                "field": "批准日期",
                "value": frame.at[no_date, "批准日期"],
                "problem": "批准日期缺失（批准至今年数无法计算，应列为待核实）",
            }
        )
        frame.at[no_date, "批准日期"] = None
        frame.at[no_town, "镇街"] = None  # placed by the township boundaries, not reported
    return frame, bad
