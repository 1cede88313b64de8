"""Zonal statistics over rasters with exact cell-coverage weighting.

Rasters are opened and read with rasterio; the statistics are computed by exactextract, which
weights every cell by the fraction of it a polygon covers (no all-or-nothing centre test, so a
small parcel on a 5 m grid is neither lost nor doubled). For a polygon :math:`P` and cells
:math:`c` with value :math:`v_c`, coverage fraction :math:`f_c = |P \\cap c| / |c|` and cell
area :math:`A` (m²):

.. math::

    \\text{sum} = \\sum_c f_c v_c, \\qquad \\text{count} = \\sum_{c:\\,v_c \\ne \\text{nodata}} f_c,
    \\qquad \\text{mean} = \\text{sum} / \\text{count}

Uses in landgov: floor area estimated from a building-height raster
(:func:`height_floor_area`) and built-up cover of each parcel (:func:`built_cover`), which the
screening stage uses for its idle-land flag.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.windows
import shapely
from exactextract import exact_extract
from exactextract._exactextract import Feature
from exactextract.feature import FeatureSource
from exactextract.raster import NumPyRasterSource
from pyproj import CRS
from rasterio.enums import ColorInterp

from landgov.core import forked
from landgov.core.textfile import EMPTY_FILE
from landgov.crs import datum_issue, datums_apart
from landgov.errors import CRSError, DataFileError, Issue, missing_file
from landgov.io.buildings import HEIGHT_MAX_M

__all__ = [
    "Measuring",
    "RasterPass",
    "built_cover",
    "height_floor_area",
    "raster_floor_area",
    "read_raster_floor_area",
    "zonal_stats",
]

_NODATA = -9999.0


#: Formats GDAL reads that are pictures, never a height raster: their names as users know them.
_PICTURES = {"JPEG": "JPEG 图片", "PNG": "PNG 图片", "BMP": "BMP 图片", "GIF": "GIF 图片",
             "WEBP": "WebP 图片"}  # fmt: skip


def _open(path: str | Path) -> rasterio.DatasetReader:
    if not Path(path).exists():  # GDAL's 「No such file or directory」 said as every reader says it
        raise missing_file(path)
    try:
        with warnings.catch_warnings():  # a picture has no geotransform: said below, in Chinese
            warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
            src = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        empty = Path(path).is_file() and Path(path).stat().st_size == 0
        what = EMPTY_FILE if empty else f"无法读取（{str(exc).rstrip('。.')}）"
        raise DataFileError(
            f"{path}：建筑高度栅格{what}。处理：确认给的是 GeoTIFF（.tif）栅格，"
            "从原处重新复制，或在 QGIS 中另存为 GeoTIFF 后重新读取"
        ) from exc
    if src.driver in _PICTURES:  # a screenshot renamed .tif: no place on the ground, no metres
        src.close()
        raise DataFileError(
            f"{path}：不是 GeoTIFF 栅格，文件内容实际是 {_PICTURES[src.driver]}（可能是截图或"
            "改了扩展名），没有地理坐标，像元值也不是建筑高度。处理：向测绘或规划部门索取"
            "建筑高度栅格 GeoTIFF 原件（像元值为离地高度，单位米）后重新运行；"
            "没有时不给 -r/--height-raster"
        )
    return src


# Bands that hold colours of an RGB image, never a height (an alpha band or a colour table
# beside a height band leaves the heights heights).
_COLOUR_BANDS = frozenset({ColorInterp.red, ColorInterp.green, ColorInterp.blue})


def _check_grid(src: rasterio.DatasetReader, path: str | Path) -> float:
    """Cell area in m² of a north-up raster in a projected CRS (raise otherwise)."""
    issues = []
    if src.crs is None:
        issues.append(
            Issue(str(path), None, None, "栅格没有坐标参考系", "用 gdal_edit.py -a_srs 指定")
        )
    elif not src.crs.is_projected:
        issues.append(
            Issue(
                str(path),
                None,
                src.crs.to_string(),
                "栅格为地理坐标（度），无法按平方米计算面积",
                "先投影到 CGCS2000 高斯-克吕格分带（如 EPSG:4549）",
            )
        )
    colours = [ci.name for ci in src.colorinterp if ci in _COLOUR_BANDS]
    if colours:  # an orthophoto or a map picture: its cells are colours, not metres
        issues.append(
            Issue(
                str(path),
                None,
                f"{src.count} 个波段（{'、'.join(ci.name for ci in src.colorinterp)}）",
                "这是彩色影像（如正射影像、截图），不是建筑高度栅格：像元值是颜色，不是米",
                "给单波段、像元值为建筑高度（米）的 GeoTIFF（如 DSM 减 DEM 所得）",
            )
        )
    t = src.transform
    if t.b != 0 or t.d != 0:
        issues.append(Issue(str(path), None, tuple(t)[:6], "栅格有旋转", "先重采样为正北向栅格"))
    if issues:
        raise CRSError(issues)
    return abs(t.a * t.e)


def _zones_in_crs(zones: gpd.GeoSeries, src: rasterio.DatasetReader, path: str | Path):
    if zones.crs is None:
        raise CRSError(
            [Issue("zones", None, None, "多边形没有坐标参考系", "读入时指定 CRS（如 EPSG:4549）")]
        )
    if zones.crs == src.crs:
        return zones
    raster_crs = CRS.from_user_input(src.crs.to_wkt())
    if datums_apart(raster_crs, zones.crs):
        raise CRSError([datum_issue(str(path), raster_crs, zones.crs)])
    return zones.to_crs(src.crs)


def _outside(geoms: gpd.GeoSeries, src: rasterio.DatasetReader, path: str | Path) -> np.ndarray:
    """Per zone: whether part of it lies beyond the raster's extent (``True``: its figures are
    not known, never 0 m² of buildings); raise when no zone reaches the raster at all.

    Cells beyond the raster are no data about the ground; counted as none, a plot the raster
    does not cover would read 容积率 0 and built cover 0 (idle land) without a word.
    """
    left, bottom, right, top = src.bounds
    values = geoms.values
    box = np.asarray(geoms.bounds[["minx", "miny", "maxx", "maxy"]], dtype=float)
    within = (box[:, 0] >= left) & (box[:, 1] >= bottom) & (box[:, 2] <= right) & (box[:, 3] <= top)
    outside = np.zeros(len(geoms), dtype=bool)
    usable = ~(shapely.is_missing(values) | shapely.is_empty(values))
    check = np.flatnonzero(usable & ~within)
    if len(check):
        frame = shapely.box(left, bottom, right, top)
        whole = shapely.area(values[check])
        beyond = shapely.area(shapely.difference(values[check], frame))
        outside[check] = beyond > whole * 1e-9
        reached = shapely.intersects(values[check], frame)
        if not within[usable].any() and not reached.any():
            raise DataFileError(
                f"{path}：建筑高度栅格与宗地完全不重叠（栅格范围 {left:,.0f}, {bottom:,.0f} – "
                f"{right:,.0f}, {top:,.0f}，{src.crs.to_string() if src.crs else '无坐标系'}；"
                f"宗地范围 {', '.join(f'{v:,.0f}' for v in geoms.total_bounds)}），"
                "照此每宗地的建筑面积都会是 0。处理：核对栅格的坐标系与范围（gdalinfo），"
                "确认给的是本县的建筑高度栅格，重新导出后再运行"
            )
    return outside


def _no_cells(path: str | Path, band: int) -> DataFileError:
    return DataFileError(
        f"{path}：建筑高度栅格在宗地范围内没有一个有效值（第 {band} 波段全部为无数据 nodata），"
        "照此每宗地的建筑面积都会是 0。处理：核对栅格的 nodata 设置和波段（gdalinfo），"
        "确认导出时没有漏掉数据，重新导出后再运行"
    )


#: The share of a raster's building cells above :data:`HEIGHT_MAX_M` beyond which its values are
#: not heights above ground (an elevation, or centimetres): a stray cell (a crane, a cloud in a
#: photogrammetric model) is not enough.
_HIGH_SHARE_MAX = 0.01


def _check_cells(
    values: np.ndarray, valid: np.ndarray, path: str | Path, *, band: int, min_height_m: float
) -> None:
    """Raise :class:`DataFileError` when the raster over the zones has no valid cell, or when
    more than :data:`_HIGH_SHARE_MAX` of its building cells (:func:`_built`) are higher than
    :data:`HEIGHT_MAX_M`: a DSM or DEM (height above sea level) or a raster in centimetres or
    decimetres, whose floor areas would be tens of times too large and every plot fully
    built — no plot would look idle — without one word said."""
    if not valid.any():
        raise _no_cells(path, band)
    high = values > np.float64(HEIGHT_MAX_M)  # NaN is not high
    if not high.any():  # a raster of heights: one pass over the cells, nothing more
        _check_median(values, valid, path, band=band, min_height_m=min_height_m)
        return
    built = _built(values, valid, min_height_m)
    high &= built
    n_high, n_built = int(np.count_nonzero(high)), int(np.count_nonzero(built))
    if n_high <= _HIGH_SHARE_MAX * n_built:
        _check_median(values, valid, path, band=band, min_height_m=min_height_m)
        return
    heights = values[built].astype("float64")
    raise DataFileError(
        f"{path}：建筑高度栅格（第 {band} 波段）的建筑像元中 {n_high / n_built:.0%} 高于"
        f" {HEIGHT_MAX_M:g} 米（{n_high:,} / {n_built:,} 个；中位数 {np.median(heights):,.1f}，"
        f"最高 {heights.max():,.1f}）：像元值不是离地的建筑高度（米），可能是海拔（DSM、DEM）或"
        "单位为厘米、分米；照此估算的建筑面积会大出几十倍，每宗地都像已建满。处理：用 DSM 减去"
        ' DEM 得到离地高度（nDSM），或把单位换算为米（如 gdal_calc.py --calc="A/100"）后重新运行'
    )


#: The highest median of a raster's building cells (m) that reads as heights above ground in
#: metres: industrial buildings stand 5–30 m (the samples' median 10.8 m); a raster in
#: decimetres reads about 100, which the 300 m bound of :func:`_check_cells` lets through.
_MEDIAN_MAX_M = 60.0


def _check_median(
    values: np.ndarray, valid: np.ndarray, path: str | Path, *, band: int, min_height_m: float
) -> None:
    """Raise :class:`DataFileError` when the median building cell (every 4th cell each way,
    :func:`_built`) is above :data:`_MEDIAN_MAX_M`: heights in decimetres (or feet of a DSM
    over flat land), every plot's floor area several times too large without one word said
    where no registered floor area is there to compare with."""
    some_values, some_valid = values[::4, ::4], valid[::4, ::4]
    heights = some_values[_built(some_values, some_valid, min_height_m)]
    if not len(heights):
        return
    median = float(np.median(heights.astype("float64")))
    if median <= _MEDIAN_MAX_M:
        return
    raise DataFileError(
        f"{path}：建筑高度栅格（第 {band} 波段）建筑像元高度的中位数为 {median:,.1f}（合理值在"
        f" {_MEDIAN_MAX_M:g} 米以下，工业建筑多为 5～30 米）：像元值不像离地高度（米），单位可能"
        "是分米或英尺，或是海拔；照此估算的建筑面积会大出数倍，每宗地都像已建满。处理：核对栅格"
        '（gdalinfo -stats），把单位换算为米（如分米用 gdal_calc.py --calc="A/10"）后重新运行；'
        "或不给 -r/--height-raster"
    )


def _too_many_cells(
    src: rasterio.DatasetReader, shape: tuple[int, int], dtype: np.dtype
) -> DataFileError:
    """The raster's cells over the parcels do not fit in memory: said with its cell size."""
    cells = shape[0] * shape[1]
    size = cells * (dtype.itemsize + 1) / 2**30  # values and their validity mask
    return DataFileError(
        f"{src.name}：建筑高度栅格像元为 {abs(src.transform.a):g} × {abs(src.transform.e):g} 米，"
        f"宗地范围内要读取 {shape[0]:,} × {shape[1]:,} = {cells:,} 个像元（约 {size:,.0f} GB），"
        "内存放不下（像元是否过细，或单位不是米？）。处理：在 QGIS 或用 gdalwarp -tr 0.5 0.5 "
        "重采样为 0.5～1 米像元（或按本县范围裁剪）后重新运行"
    )


def _read_cells(
    src: rasterio.DatasetReader, bounds: Sequence[float], *, band: int
) -> tuple[np.ndarray, np.ndarray, tuple[float, float, float, float]]:
    """The cells covering ``bounds`` (plus one cell): values in the band's own type, where they
    are valid (not nodata, not masked, inside the raster), and the extent.

    The values are not copied into float64: a float32 height raster of 40 million cells is
    170 MB as read and would be 350 MB more as float64, with a pass over it for each copy.
    """
    t = src.transform
    xmin, ymin, xmax, ymax = bounds
    pad_x, pad_y = abs(t.a), abs(t.e)
    win = rasterio.windows.from_bounds(
        xmin - pad_x, ymin - pad_y, xmax + pad_x, ymax + pad_y, transform=t
    )
    row0, col0 = math.floor(win.row_off), math.floor(win.col_off)
    row1 = math.ceil(win.row_off + win.height)
    col1 = math.ceil(win.col_off + win.width)
    shape = (row1 - row0, col1 - col0)
    # read the part inside the raster and pad by hand: boundless reads (and
    # rasterio.windows.bounds) multiply Affine objects with `*`, which affine 3 deprecates
    r0, c0 = max(0, row0), max(0, col0)
    r1, c1 = min(src.height, row1), min(src.width, col1)
    dtype = np.dtype(src.dtypes[band - 1])
    try:
        if r1 > r0 and c1 > c0:
            inner = rasterio.windows.Window(c0, r0, c1 - c0, r1 - r0)
            data = src.read(band, window=inner, masked=True)
            values, valid = data.data, ~np.ma.getmaskarray(data)
        else:
            values, valid = np.zeros((0, 0), dtype), np.zeros((0, 0), bool)
        if values.shape != shape:  # the window reaches past the raster: cells there are invalid
            whole_values, whole_valid = np.zeros(shape, dtype), np.zeros(shape, bool)
            ro, co = r0 - row0, c0 - col0
            whole_values[ro : ro + values.shape[0], co : co + values.shape[1]] = values
            whole_valid[ro : ro + values.shape[0], co : co + values.shape[1]] = valid
            values, valid = whole_values, whole_valid
        values = _scaled(src, band, values)
    except MemoryError as exc:
        raise _too_many_cells(src, shape, dtype) from exc
    left = t.c + col0 * t.a
    top = t.f + row0 * t.e
    right, bottom = left + shape[1] * t.a, top + shape[0] * t.e
    return values, valid, (left, bottom, right, top)


def _scaled(src: rasterio.DatasetReader, band: int, values: np.ndarray) -> np.ndarray:
    """``values`` as the band means them: times its scale, plus its offset (GDAL's
    ``scale_factor``/``add_offset``, which rasterio does not apply). A height raster stored as
    int16 decimetres says scale 0.1; read raw, every floor area would be ten times too large.
    A band without them (scale 1, offset 0) is returned as it is, not copied."""
    scale, offset = float(src.scales[band - 1]), float(src.offsets[band - 1])
    if scale == 1.0 and offset == 0.0:
        return values
    dtype = np.float32 if values.dtype == np.float32 else np.float64
    out = np.multiply(values, dtype(scale), dtype=dtype)
    out += dtype(offset)
    return out


def _layer(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``values`` where ``keep``, else :data:`_NODATA` (float32 stays float32: exact)."""
    dtype = np.float32 if values.dtype == np.float32 else np.float64
    return np.where(keep, values.astype(dtype, copy=False), dtype(_NODATA))


class _WkbFeature(Feature):
    """One polygon handed to exactextract as WKB (exact coordinates, no GeoJSON text)."""

    def __init__(self, wkb: bytes) -> None:
        Feature.__init__(self)
        self._wkb = wkb
        self._fields: dict[str, object] = {}

    def geometry(self) -> bytes:
        return self._wkb

    def set_geometry_format(self) -> str:
        return "wkb"

    def get(self, name: str) -> object:
        return self._fields[name]

    def set(self, name: str, value: object) -> None:
        self._fields[name] = value

    def fields(self) -> list[str]:
        return list(self._fields)


class _WkbFeatureSource(FeatureSource):
    """Polygons as WKB: what exactextract's GeoDataFrame source does through GeoJSON per
    feature, without the text round trip (the coordinates are the same doubles)."""

    def __init__(self, geoms: gpd.GeoSeries) -> None:
        super().__init__()
        self._wkbs = shapely.to_wkb(geoms.to_numpy())
        self._crs = geoms.crs

    def count(self) -> int:
        return len(self._wkbs)

    def __iter__(self) -> Iterator[_WkbFeature]:
        return (_WkbFeature(w) for w in self._wkbs)

    def srs_wkt(self) -> str | None:
        return None if self._crs is None else self._crs.to_wkt()


def _source(name: str, layer: np.ndarray, extent: tuple[float, ...]) -> NumPyRasterSource:
    if layer.dtype == np.bool_:  # a mask: its True cells are data, the False ones nodata
        return NumPyRasterSource(layer.view(np.uint8), *extent, nodata=0, name=name)
    return NumPyRasterSource(layer, *extent, nodata=_NODATA, name=name)


#: exactextract's work for one plot besides the cells of its bounding box, in cells (the WKB
#: parse, the feature objects, the output row): on the 50,000-plot district a plot costs about
#: 50 µs and a cell 45 ns of CPU (benchmarks/bench_raster_split.py).
_PLOT_CELLS = 1100.0
#: Below this much work (cells plus :data:`_PLOT_CELLS` per plot, ≈ 0.2 s) the plots are
#: measured in one call: a forked child costs 30 ms (small process) to 150 ms (a run of 50,000
#: plots, whose memory the fork maps again), more than half of less work saves.
_SPLIT_MIN_CELLS = 4_000_000.0
#: Above :data:`_SPLIT_MIN_CELLS` the plots are cut into runs of about this much work (≈ 0.1 s
#: of CPU): the two processes take runs until they meet, so neither waits for the other more
#: than about one run. A call of exactextract costs nothing that shows against this.
_RUN_CELLS = 2_000_000.0


def _measure(
    zones: gpd.GeoSeries, layers: dict[str, np.ndarray], extent: tuple[float, ...], ops: list[str]
) -> pd.DataFrame:
    """One exactextract call over the (non-empty) ``zones``, indexed as them."""
    sources = [_source(name, a, extent) for name, a in layers.items()]
    source = sources if len(sources) > 1 else sources[0]
    out = exact_extract(source, _WkbFeatureSource(zones), ops, output="pandas")
    out.index = zones.index
    return out


def _cuts(zones: gpd.GeoSeries, cell: tuple[float, float]) -> list[int]:
    """Where to cut ``zones`` (in their order) into runs of about equal exactextract work,
    counted as the cells each bounding box covers plus :data:`_PLOT_CELLS`: two runs at least,
    about :data:`_RUN_CELLS` each; ``[]``: do not cut (one plot, or less work than
    :data:`_SPLIT_MIN_CELLS`)."""
    xmin, ymin, xmax, ymax = shapely.bounds(zones.to_numpy()).T
    work = ((xmax - xmin) / cell[0] + 1.0) * ((ymax - ymin) / cell[1] + 1.0) + _PLOT_CELLS
    total = np.cumsum(work)
    if len(zones) < 2 or total[-1] < _SPLIT_MIN_CELLS:
        return []
    runs = int(min(max(math.ceil(total[-1] / _RUN_CELLS), 2), len(zones)))
    # each run: the plots up to the one in which its share of the work is reached
    at = np.searchsorted(total, total[-1] * np.arange(1, runs) / runs) + 1
    return np.unique(np.clip(at, 1, len(zones) - 1)).tolist()


class Measuring:
    """Statistics of a raster pass being measured (:meth:`RasterPass.start`).

    The plots are cut in runs (:func:`_cuts`); a forked child measures them from the first
    on (:func:`landgov.core.forked.share_work`) while the caller does other work, and
    :meth:`result` measures those left from the last one back, so that the two processes end
    together however long the caller's other work took. Use it as a context manager: a child
    whose figures are no longer wanted (the caller failed) is stopped.
    """

    def __init__(
        self, result: Callable[[], pd.DataFrame], work: forked.SharedWork[Any] | None = None
    ) -> None:
        self._result: Callable[[], pd.DataFrame] | None = result
        self._work = work
        self._value: pd.DataFrame | None = None

    def result(self) -> pd.DataFrame:
        """Measure the runs the child has not taken, wait for it and return the figures,
        indexed as the zones (or raise what the child or this process raised)."""
        if self._result is not None:
            self._value = self._result()
            # the cells (hundreds of MB) go with the work: not kept for the rest of the run
            self._result = self._work = None
        assert self._value is not None
        return self._value

    def __enter__(self) -> Measuring:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._work is not None:
            self._work.__exit__(exc_type, exc, tb)


@dataclass(frozen=True)
class RasterPass:
    """A pass over a raster read and ready to measure (:func:`read_raster_floor_area`): the
    plots in the raster's CRS, the layers of cells, their extent, exactextract's operations
    and what makes the result of its statistics. Reading holds no process and forks nothing
    (a thread can read while the caller works); :meth:`start` starts measuring."""

    zones: gpd.GeoSeries
    layers: dict[str, np.ndarray]
    extent: tuple[float, ...]
    ops: list[str]
    then: Callable[[pd.DataFrame], pd.DataFrame]

    def start(self) -> Measuring:
        """Start measuring: a forked child from the first run of plots on (see
        :class:`Measuring`)."""
        return _start_extract(self.zones, self.layers, self.extent, self.ops, self.then)

    def measured(self) -> pd.DataFrame:
        """Measure at once (``start().result()``, the child stopped if this process fails)."""
        with self.start() as measuring:
            return measuring.result()


def _measure_run(
    runs: list[gpd.GeoSeries],
    layers: dict[str, np.ndarray],
    extent: tuple[float, ...],
    ops: list[str],
    item: int,
) -> pd.DataFrame:
    return _measure(runs[item], layers, extent, ops)


def _start_extract(
    zones: gpd.GeoSeries,
    layers: dict[str, np.ndarray],
    extent: tuple[float, ...],
    ops: list[str],
    then: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> Measuring:
    """Start exactextract over named in-memory rasters (:class:`Measuring`; ``then`` turns
    the statistics into the result).

    A float layer marks nodata with :data:`_NODATA` (see :func:`_layer`); a boolean layer is a
    mask whose False cells are nodata (its ``count`` is the covered mask area in cells).

    exactextract holds the GIL, so a large set of plots is cut in runs of about equal work
    (:func:`_cuts`) shared between a forked child and this process, and the rows are put back
    in their order. Each plot's figures depend only on the plot and the cells, so they are the
    same to the bit as from one call.
    """
    usable = zones[~(zones.isna().to_numpy() | zones.is_empty.to_numpy())]
    finish = then if then is not None else (lambda stats: stats)
    if usable.empty:
        cols = [f"{n}_{op}" for op in ops for n in layers] if len(layers) > 1 else ops
        empty = pd.DataFrame(index=zones.index, columns=cols, dtype="float64")
        return Measuring(lambda: finish(empty))
    shape = next(iter(layers.values())).shape
    cell = ((extent[2] - extent[0]) / shape[1], (extent[3] - extent[1]) / shape[0])
    bounds = [0, *(_cuts(usable, cell) if forked.can_fork() else []), len(usable)]
    runs = [usable.iloc[a:b] for a, b in itertools.pairwise(bounds)]
    work = forked.share_work(partial(_measure_run, runs, layers, extent, ops), len(runs))

    def result() -> pd.DataFrame:
        with work:
            parts = work.results()
        stats = parts[0] if len(parts) == 1 else pd.concat(parts)
        return finish(stats.reindex(zones.index))

    return Measuring(result, work)


def _extract(
    zones: gpd.GeoSeries, layers: dict[str, np.ndarray], extent: tuple[float, ...], ops: list[str]
) -> pd.DataFrame:
    """:func:`_start_extract`'s figures, the runs shared with a child from the start."""
    return _start_extract(zones, layers, extent, ops).result()


def zonal_stats(
    zones: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: str | Path,
    *,
    stats: Sequence[str] = ("sum", "count", "mean", "min", "max"),
    band: int = 1,
) -> pd.DataFrame:
    """Coverage-weighted zonal statistics of one raster band.

    Parameters
    ----------
    zones
        Polygons; reprojected to the raster's CRS if they differ (the input is not changed).
    raster
        Path to a GeoTIFF (or any GDAL raster) in a projected CRS.
    stats
        exactextract operations (``sum``, ``count``, ``mean``, ``min``, ``max``, ``majority`` …).
    band
        1-based band number.

    Returns
    -------
    pandas.DataFrame
        One row per zone, same index as ``zones``; one column per statistic. ``count`` is the
        covered number of valid cells (fractions included); multiply by ``attrs["cell_area_m2"]``
        for an area in m². Zones outside the raster get 0 for ``sum``/``count`` and NaN otherwise.
    """
    geoms = zones.geometry if isinstance(zones, gpd.GeoDataFrame) else zones
    with _open(raster) as src:
        cell_area = _check_grid(src, raster)
        geoms = _zones_in_crs(geoms, src, raster)
        if geoms.empty:
            return pd.DataFrame(index=geoms.index, columns=list(stats), dtype="float64")
        values, valid, extent = _read_cells(src, geoms.total_bounds, band=band)
    values = values.astype("float64", copy=False)
    out = _extract(geoms, {"v": _layer(values, valid & ~np.isnan(values))}, extent, list(stats))
    out.attrs["cell_area_m2"] = cell_area
    return out


def _built(values: np.ndarray, valid: np.ndarray, min_height_m: float) -> np.ndarray:
    """The building cells: valid, at least ``min_height_m`` high and above 0 m (compared in
    float64: ``np.float64`` scalars are not cast down to float32). The one definition of a
    built cell, for the floor area and for the built-up cover alike."""
    return valid & (values >= np.float64(min_height_m)) & (values > np.float64(0.0))


#: A plot more than this share of which the raster has no data for (:func:`_known`) has no
#: figure: not known, as a plot beyond the raster's edge, never its few known cells' figure.
_UNKNOWN_SHARE_MAX = 0.5
#: The share of a raster's valid cells below the building threshold from which it draws the
#: ground itself (an nDSM with 0 m cells): its nodata cells are then voids, not ground.
_GROUND_SHARE_MIN = 0.1


def _known(values: np.ndarray, valid: np.ndarray, *, min_height_m: float) -> np.ndarray | None:
    """The cells whose value says something of the ground, where some over the plots do not;
    ``None`` when every cell does (nothing more to measure).

    A raster that leaves the ground out (every cell not a building nodata or NaN: the
    sample's nodata 0, or -9999 around the buildings) says the ground by its nodata. One that
    draws the ground (at least :data:`_GROUND_SHARE_MIN` of its valid cells below the
    building threshold, :func:`_built`) has voids where it has no data — a cloud, a tile lost
    in the mosaic: read as ground, a plot in one would be bare land (容积率 0, built cover 0,
    idle) without a word.
    """
    known = valid & ~np.isnan(values) if values.dtype.kind == "f" else valid
    if known.all():
        return None
    # the share from every 4th cell each way: a pass over a 16th of the cells, not all
    some_values, some_known = values[::4, ::4], known[::4, ::4]
    n_known = int(np.count_nonzero(some_known))
    n_ground = n_known - int(np.count_nonzero(_built(some_values, some_known, min_height_m)))
    if n_ground < _GROUND_SHARE_MIN * n_known:  # the ground is what has no data
        return None
    return known


def _height_layers(
    values: np.ndarray,
    valid: np.ndarray,
    *,
    storey_height_m: float,
    min_height_m: float,
    heights: bool = True,
) -> dict[str, np.ndarray]:
    """Storeys (and, with ``heights``, height) of the building cells (height ≥
    ``min_height_m`` and > 0).

    Compared and divided in float64 whatever the raster's type (``np.float64`` scalars are not
    cast down to float32); storeys are rounded half up, at least 1.
    """
    built = _built(values, valid, min_height_m)
    storeys = np.divide(values, np.float64(storey_height_m), dtype=np.float64)
    storeys += 0.5
    np.floor(storeys, out=storeys)
    np.maximum(storeys, 1.0, out=storeys)
    np.copyto(storeys, _NODATA, where=~built)
    layers = {"storeys": storeys}
    if heights:  # only what is asked for: each layer is a pass over every cell
        layers["height"] = _layer(values, built)
    return layers


def height_floor_area(
    zones: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: str | Path,
    *,
    storey_height_m: float,
    min_height_m: float = 0.0,
    band: int = 1,
) -> pd.DataFrame:
    """Floor area estimated from a building-height raster, per zone.

    Each building cell (height :math:`h \\ge` ``min_height_m`` and > 0) gets
    :math:`n = \\max(1, \\lfloor h / s + 0.5 \\rfloor)` storeys with :math:`s` =
    ``storey_height_m``; then, with coverage fractions :math:`f_c` and cell area :math:`A`:

    .. math::

        \\text{floor area} = A \\sum_c f_c\\, n_c, \\qquad
        \\text{built area} = A \\sum_{c\\ \\text{built}} f_c, \\qquad
        \\text{built cover} = \\text{built area} / |P|

    Returns
    -------
    pandas.DataFrame
        Index of ``zones``; columns ``raster_floor_area_m2``, ``built_area_m2``, ``built_cover``
        (0–1), ``height_mean_m`` (coverage-weighted, over built cells), ``height_max_m``;
        all NaN for a zone partly beyond the raster's extent (not known, never 0).
    """
    return _read_floor_area(
        zones, raster, storey_height_m=storey_height_m, min_height_m=min_height_m, band=band
    ).measured()


def raster_floor_area(
    zones: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: str | Path,
    *,
    storey_height_m: float,
    min_height_m: float = 0.0,
    band: int = 1,
) -> pd.DataFrame:
    """:func:`height_floor_area` without the height statistics.

    Returns
    -------
    pandas.DataFrame
        Index of ``zones``; columns ``raster_floor_area_m2``, ``built_area_m2`` and
        ``built_cover``, the same figures as :func:`height_floor_area` gives, from one raster
        layer (storeys) instead of two (what the 容积率 stage needs). ``built_cover`` is the
        figure :func:`built_cover` gives with the same ``min_height_m`` (a run of both stages
        takes the screening's built-up cover from here).
    """
    return read_raster_floor_area(
        zones, raster, storey_height_m=storey_height_m, min_height_m=min_height_m, band=band
    ).measured()


def read_raster_floor_area(
    zones: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: str | Path,
    *,
    storey_height_m: float,
    min_height_m: float = 0.0,
    band: int = 1,
) -> RasterPass:
    """:func:`raster_floor_area`, read and not yet measured: the raster is read and its layers
    made here; ``.measured()`` is what :func:`raster_floor_area` returns. A run of both
    stages reads it in a thread beside 地企关联, then starts measuring in a child beside 亩均评价
    and joins it after (:class:`Measuring`)."""
    return _read_floor_area(
        zones, raster, storey_height_m=storey_height_m, min_height_m=min_height_m, band=band,
        heights=False,
    )  # fmt: skip


def _read_floor_area(
    zones: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: str | Path,
    *,
    storey_height_m: float,
    min_height_m: float,
    band: int,
    heights: bool = True,
) -> RasterPass:
    geoms = zones.geometry if isinstance(zones, gpd.GeoDataFrame) else zones
    columns = _HEIGHT_COLUMNS if heights else _HEIGHT_COLUMNS[:3]
    with _open(raster) as src:
        cell_area = _check_grid(src, raster)
        geoms = _zones_in_crs(geoms, src, raster)
        if geoms.empty:  # nothing to measure: the result is known
            empty = pd.DataFrame(index=geoms.index, columns=columns, dtype="float64")
            return RasterPass(geoms, {}, (), [], lambda _stats: empty)
        outside = _outside(geoms, src, raster)
        values, valid, extent = _read_cells(src, geoms.total_bounds, band=band)
    known = _known(values, valid, min_height_m=min_height_m)
    _check_cells(values, valid, raster, band=band, min_height_m=min_height_m)
    layers = _height_layers(
        values, valid, storey_height_m=storey_height_m, min_height_m=min_height_m, heights=heights
    )
    if known is not None:
        layers["known"] = known
    ops = ["sum", "count", "mean", "max"] if heights else ["sum", "count"]
    then = partial(_floor_area_frame, geoms, cell_area=cell_area, heights=heights, outside=outside)
    return RasterPass(geoms, layers, extent, ops, then)


def _floor_area_frame(
    geoms: gpd.GeoSeries,
    stats: pd.DataFrame,
    *,
    cell_area: float,
    heights: bool,
    outside: np.ndarray | None = None,
) -> pd.DataFrame:
    """:func:`_read_floor_area`'s result from exactextract's statistics of its layers; a zone
    partly beyond the raster (``outside``, :func:`_outside`) gets NaN, not known."""
    if "storeys_sum" not in stats.columns:  # one layer: exactextract names the columns by op
        stats = stats.add_prefix("storeys_")
    built_area = stats["storeys_count"].fillna(0.0) * cell_area
    out = {
        "raster_floor_area_m2": stats["storeys_sum"].fillna(0.0) * cell_area,
        "built_area_m2": built_area,
        "built_cover": built_area / geoms.area.where(geoms.area > 0),
    }
    if heights:
        out |= {"height_mean_m": stats["height_mean"], "height_max_m": stats["height_max"]}
    frame = pd.DataFrame(out, index=geoms.index)
    if "known_count" in stats.columns:  # a plot mostly in a void of the raster: not known
        unknown = _mostly_unknown(geoms, stats["known_count"], cell_area)
        outside = unknown if outside is None else outside | unknown
    if outside is not None and outside.any():
        frame.loc[outside] = np.nan
    return frame


def _mostly_unknown(geoms: gpd.GeoSeries, known_cells: pd.Series, cell_area: float) -> np.ndarray:
    """Per zone: whether more than :data:`_UNKNOWN_SHARE_MAX` of it lies on cells the raster
    has no data for (:func:`_known`)."""
    area = geoms.area
    known = known_cells.reindex(geoms.index).fillna(0.0) * cell_area
    return ((known < (1.0 - _UNKNOWN_SHARE_MAX) * area) & (area > 0)).to_numpy()


_HEIGHT_COLUMNS = [
    "raster_floor_area_m2",
    "built_area_m2",
    "built_cover",
    "height_mean_m",
    "height_max_m",
]


def built_cover(
    zones: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: str | Path,
    *,
    min_height_m: float,
    band: int = 1,
) -> pd.Series:
    """Share of each zone covered by building cells of a height raster, 0–1.

    A building cell is one at least ``min_height_m`` high (and above 0 m), as for the floor
    area (:func:`height_floor_area`'s ``built_cover`` is the same figure): one definition of
    built-up cover for the 增容 stage and the screening's idle-land evidence. Coverage-weighted:
    :math:`\\text{cover} = A \\sum_{c:\\,v_c \\ge h_{min},\\,v_c > 0} f_c / |P|`.

    Returns
    -------
    pandas.Series
        Named ``built_cover``, index of ``zones``; NaN for empty geometries and for zones
        partly beyond the raster's extent.

    Raises
    ------
    DataFileError
        When no zone reaches the raster, or the raster has no valid cell over the zones.
    """
    geoms = zones.geometry if isinstance(zones, gpd.GeoDataFrame) else zones
    with _open(raster) as src:
        cell_area = _check_grid(src, raster)
        geoms = _zones_in_crs(geoms, src, raster)
        if geoms.empty:
            return pd.Series(index=geoms.index, dtype="float64", name="built_cover")
        outside = _outside(geoms, src, raster)
        values, valid, extent = _read_cells(src, geoms.total_bounds, band=band)
    known = _known(values, valid, min_height_m=min_height_m)
    _check_cells(values, valid, raster, band=band, min_height_m=min_height_m)
    layers = {"built": _built(values, valid, min_height_m)}
    if known is not None:
        layers["known"] = known
    stats = _extract(geoms, layers, extent, ["count"])
    if known is not None:  # a plot mostly in a void of the raster: not known
        outside = outside | _mostly_unknown(geoms, stats["known_count"], cell_area)
        stats = stats.rename(columns={"built_count": "count"})
    area = geoms.area
    cover = stats["count"].fillna(0.0) * cell_area / area.where(area > 0)
    return cover.mask(outside).rename("built_cover")
