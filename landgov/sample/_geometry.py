"""Simulated cadastre geometry: road-cut blocks split into irregular plots, and the area layers.

A jittered, slightly rotated lattice of road centre-lines (20–40 m wide roads) cuts the land
into blocks. Each block is inset by half the width of each of its four roads, then split into
one or two rows of varying depth (the split line runs at an angle), and each row into plots by
cut lines that are not quite perpendicular. Plots that share a boundary share its vertices
exactly, so the parcels form a clean coverage. Everything is vectorised over plots; the only
Python loops run over townships, planning units and a handful of special polygons.

Coordinates are CGCS2000 / 3-degree Gauss–Krüger CM 120°E (EPSG:4549), metres, rounded to 1 mm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from landgov.units import M2_PER_MU

from ._words import SPECIAL_ZONE_TOWNSHIP, TOWNSHIPS

# 120.6°E 30.05°N in EPSG:4549 (pyproj), the centre of the simulated industrial area.
CENTRE = np.array([557863.256, 3325807.759])
MIN_MU, MAX_MU = 3.0, 300.0
_MARGIN_MU = 0.05  # keep generated plots clear of the 3 / 300 亩 limits after rounding
_VACANT_SHARE = 0.07  # lattice cells left without plots (water, villages, green land)


@dataclass(frozen=True)
class Lattice:
    """Road centre-line crossings ``points[j, i]`` and the road widths."""

    points: np.ndarray  # (ny + 1, nx + 1, 2)
    width_v: np.ndarray  # (nx + 1,) width of the roads running along j (constant i)
    width_h: np.ndarray  # (ny + 1,) width of the roads running along i (constant j)

    @property
    def shape(self) -> tuple[int, int]:
        """``(ny, nx)``: the number of cells."""
        return self.points.shape[0] - 1, self.points.shape[1] - 1


@dataclass(frozen=True)
class Cadastre:
    """Selected plots and the cells (road-bounded lattice cells) of the area."""

    lattice: Lattice
    corners: np.ndarray  # (n, 4, 2): bottom-left, bottom-right, top-right, top-left
    geometry: np.ndarray  # (n,) shapely polygons (with shared boundary vertices)
    cell: np.ndarray  # (n,) flat cell index j * nx + i
    row: np.ndarray  # (n,) id of the block row a plot lies in
    pos: np.ndarray  # (n,) position of the plot along its row
    row_len: np.ndarray  # (n,) number of plots in the plot's row
    area_m2: np.ndarray  # (n,)
    region_cells: np.ndarray  # flat indices of the cells that make up the area
    cell_township: np.ndarray  # township index per flat cell (-1 outside the area)


# --------------------------------------------------------------------------------------------
# small vector helpers


def _cross(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]


def _quad_area(q: np.ndarray) -> np.ndarray:
    """Shoelace area of quads ``(n, 4, 2)`` (counter-clockwise → positive)."""
    return 0.5 * _cross(q, np.roll(q, -1, axis=1)).sum(axis=1)


def _offset_line(a: np.ndarray, b: np.ndarray, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The line through ``a→b`` moved ``dist`` to its left (inside a CCW ring)."""
    d = b - a
    n = np.stack([-d[:, 1], d[:, 0]], axis=1) / np.linalg.norm(d, axis=1)[:, None]
    return a + n * dist[:, None], d


def _meet(l1: tuple[np.ndarray, np.ndarray], l2: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    (a, d1), (b, d2) = l1, l2
    t = _cross(b - a, d2) / _cross(d1, d2)
    return a + t[:, None] * d1


# --------------------------------------------------------------------------------------------
# lattice and blocks


def _lattice(rng: np.random.Generator, nx: int, ny: int) -> Lattice:
    xs = np.concatenate([[0.0], np.cumsum(rng.uniform(260.0, 620.0, nx))])
    ys = np.concatenate([[0.0], np.cumsum(rng.uniform(220.0, 480.0, ny))])
    gx, gy = np.meshgrid(xs - xs.mean(), ys - ys.mean())
    pts = np.stack([gx, gy], axis=-1) + rng.uniform(-18.0, 18.0, (ny + 1, nx + 1, 2))
    theta = np.deg2rad(rng.uniform(8.0, 16.0))
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    pts = pts @ rot.T + CENTRE
    return Lattice(pts, rng.uniform(20.0, 40.0, nx + 1), rng.uniform(20.0, 40.0, ny + 1))


def _cell_corners(lat: Lattice, cells: np.ndarray) -> np.ndarray:
    """Corners ``(n, 4, 2)`` (CCW) of flat cell indices, on the road centre-lines."""
    _, nx = lat.shape
    j, i = np.divmod(cells, nx)
    p = lat.points
    return np.stack([p[j, i], p[j, i + 1], p[j + 1, i + 1], p[j + 1, i]], axis=1)


def _inset_blocks(lat: Lattice, cells: np.ndarray) -> np.ndarray:
    """Block quads: each cell inset by half the width of each of its four roads."""
    _, nx = lat.shape
    j, i = np.divmod(cells, nx)
    c = _cell_corners(lat, cells)
    bottom = _offset_line(c[:, 0], c[:, 1], lat.width_h[j] / 2)
    right = _offset_line(c[:, 1], c[:, 2], lat.width_v[i + 1] / 2)
    top = _offset_line(c[:, 2], c[:, 3], lat.width_h[j + 1] / 2)
    left = _offset_line(c[:, 3], c[:, 0], lat.width_v[i] / 2)
    return np.stack(
        [_meet(left, bottom), _meet(bottom, right), _meet(right, top), _meet(top, left)], axis=1
    )


def _rows(rng: np.random.Generator, blocks: np.ndarray) -> tuple[np.ndarray, ...]:
    """Split blocks into one or two rows; returns row quads, block index, partner row, kind.

    ``partner`` is the id of the other row of a two-row block (-1 otherwise); ``kind`` is 0 for
    a block kept whole, 1 for a single deep row of large plots, 2 for one of two rows.
    """
    m = len(blocks)
    long_bottom = np.linalg.norm(blocks[:, 1] - blocks[:, 0], axis=1) >= np.linalg.norm(
        blocks[:, 3] - blocks[:, 0], axis=1
    )
    q = np.where(long_bottom[:, None, None], blocks, blocks[:, [1, 2, 3, 0]])
    area = _quad_area(q)
    u = rng.random(m)
    kind = np.where(u < 0.18, 1, 2)
    kind[(u < 0.05) & (area < (MAX_MU - 10) * M2_PER_MU)] = 0
    two = kind == 2
    v0, v1 = rng.uniform(0.32, 0.68, m), rng.uniform(0.32, 0.68, m)
    m0 = q[:, 0] + v0[:, None] * (q[:, 3] - q[:, 0])
    m1 = q[:, 1] + v1[:, None] * (q[:, 2] - q[:, 1])
    lower = np.stack([q[:, 0], q[:, 1], m1, m0], axis=1)
    upper = np.stack([m0, m1, q[:, 2], q[:, 3]], axis=1)
    whole = ~two
    quads = np.concatenate([q[whole], lower[two], upper[two]])
    block = np.concatenate([np.flatnonzero(whole), np.flatnonzero(two), np.flatnonzero(two)])
    rkind = np.concatenate([kind[whole], np.full(two.sum() * 2, 2)])
    n_whole, n_two = int(whole.sum()), int(two.sum())
    partner = np.full(len(quads), -1)
    partner[n_whole : n_whole + n_two] = np.arange(n_whole + n_two, n_whole + 2 * n_two)
    partner[n_whole + n_two :] = np.arange(n_whole, n_whole + n_two)
    is_upper = np.zeros(len(quads), dtype=bool)
    is_upper[n_whole + n_two :] = True
    order = np.lexsort((is_upper, block))  # rows of a block next to each other, lower first
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    partner = np.where(partner >= 0, inverse[np.maximum(partner, 0)], -1)[order]
    return quads[order], block[order], partner, rkind[order], is_upper[order]


def _plot_fractions(
    rng: np.random.Generator, quads: np.ndarray, kind: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Cut positions along each row: plot → (row, pos, k, a_left, a_right, b_left, b_right).

    ``a`` are fractions along the row's bottom edge, ``b`` along its top edge; ``a != b`` tilts
    the cut line.
    """
    area = _quad_area(quads)
    target = np.where(
        kind == 1,
        np.exp(rng.normal(np.log(42000.0), 0.45, len(quads))),
        np.exp(rng.normal(np.log(13500.0), 0.6, len(quads))),
    )
    k = np.clip(np.rint(area / target), 1, 60).astype(np.int64)
    k[kind == 0] = 1
    n = int(k.sum())
    row = np.repeat(np.arange(len(quads)), k)
    starts = np.concatenate([[0], np.cumsum(k)[:-1]])
    pos = np.arange(n) - starts[row]
    last = pos == k[row] - 1
    g = rng.uniform(0.55, 1.45, n)
    frac = g / np.bincount(row, g)[row]
    a_right = np.cumsum(frac)
    a_right -= np.concatenate([[0.0], a_right[:-1]])[starts][row]
    a_right[last] = 1.0
    nxt = np.roll(frac, -1)
    lim = np.minimum(0.035, 0.3 * np.minimum(frac, np.where(last, frac, nxt)))
    delta = rng.uniform(-1.0, 1.0, n) * lim
    delta[last] = 0.0
    b_right = a_right + delta
    a_left, b_left = np.roll(a_right, 1), np.roll(b_right, 1)
    a_left[pos == 0] = 0.0
    b_left[pos == 0] = 0.0
    return row, pos, k[row], a_left, a_right, b_left, b_right


def _lerp(p: np.ndarray, q: np.ndarray, t: np.ndarray) -> np.ndarray:
    return p + t[:, None] * (q - p)


def _ring_coords(
    quads: np.ndarray,
    partner: np.ndarray,
    is_upper: np.ndarray,
    fr: tuple[np.ndarray, ...],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plot corners and the ragged ring coordinates (with split-line vertices inserted)."""
    row, _, _, a_l, a_r, b_l, b_r = fr
    q = quads[row]
    corners = np.stack(
        [
            _lerp(q[:, 0], q[:, 1], a_l),
            _lerp(q[:, 0], q[:, 1], a_r),
            _lerp(q[:, 3], q[:, 2], b_r),
            _lerp(q[:, 3], q[:, 2], b_l),
        ],
        axis=1,
    )
    n = len(row)
    on_split = partner[row] >= 0
    # cuts on the split line: lower rows' top cuts (b_r), upper rows' bottom cuts (a_r)
    is_last = np.append(row[1:] != row[:-1], True)
    src = np.flatnonzero(on_split & ~is_last)
    src_frac = np.where(is_upper[row[src]], a_r[src], b_r[src])
    tgt_row = partner[row[src]]
    # each plot covers (left, right] on the split line: b for lower rows, a for upper rows
    split_right = np.where(is_upper[row], a_r, b_r)
    key_plots = row + split_right  # sorted, because rows are contiguous and fractions rise
    tgt = np.searchsorted(key_plots, tgt_row + src_frac, side="left")
    keep = split_right[tgt] != src_frac
    src, src_frac, tgt = src[keep], src_frac[keep], tgt[keep]
    # ring position keys: c0=0, bottom inserts (0,1), c1=1, c2=2, top inserts (2,3), c3=3
    upper_tgt = is_upper[row[tgt]]
    t_left = np.where(upper_tgt, a_l[tgt], b_l[tgt])
    t_right = split_right[tgt]
    rel = (src_frac - t_left) / (t_right - t_left)
    ins_key = np.where(upper_tgt, rel, 3.0 - rel)
    split_line = quads[row[tgt]]
    ins_xy = np.where(
        upper_tgt[:, None],
        _lerp(split_line[:, 0], split_line[:, 1], src_frac),
        _lerp(split_line[:, 3], split_line[:, 2], src_frac),
    )
    # the partner row's corner points are computed from the same two end points of the split
    # line, so an inserted vertex equals the other plot's corner bit for bit
    all_plot = np.concatenate([np.repeat(np.arange(n), 4), tgt, np.arange(n)])
    all_key = np.concatenate([np.tile([0.0, 1.0, 2.0, 3.0], n), ins_key, np.full(n, 4.0)])
    all_xy = np.concatenate([corners.reshape(-1, 2), ins_xy, corners[:, 0]])
    order = np.lexsort((all_key, all_plot))
    return corners, np.round(all_xy[order], 3), all_plot[order]


# --------------------------------------------------------------------------------------------
# assembling the cadastre


def _lattice_size(n_cells: int) -> tuple[int, int]:
    nx = max(4, int(np.ceil(np.sqrt(n_cells * 1.3))))
    return nx, max(4, int(np.ceil(n_cells / nx)))


def build_cadastre(rng: np.random.Generator, n_parcels: int) -> Cadastre:
    """Generate exactly ``n_parcels`` plots of 3–300 亩 around :data:`CENTRE`."""
    n_cells = int(n_parcels / 6.0 * 1.35) + 12
    while True:
        nx, ny = _lattice_size(n_cells)
        cad = _try_cadastre(rng, nx, ny, n_parcels)
        if cad is not None:
            return cad
        n_cells = int(n_cells * 1.5)


def _try_cadastre(rng: np.random.Generator, nx: int, ny: int, n_parcels: int) -> Cadastre | None:
    lat = _lattice(rng, nx, ny)
    all_cells = np.arange(nx * ny)
    vacant = rng.random(nx * ny) < _VACANT_SHARE
    built_cells = all_cells[~vacant]
    blocks = _inset_blocks(lat, built_cells)
    quads, block, partner, kind, is_upper = _rows(rng, blocks)
    fr = _plot_fractions(rng, quads, kind)
    corners, ring_xy, ring_plot = _ring_coords(quads, partner, is_upper, fr)
    row, pos, k = fr[0], fr[1], fr[2]
    area = _quad_area(corners)
    ok = (area > (MIN_MU + _MARGIN_MU) * M2_PER_MU) & (area < (MAX_MU - _MARGIN_MU) * M2_PER_MU)
    cell = built_cells[block[row]]
    centre_xy = _cell_corners(lat, all_cells).mean(axis=1)
    dist = np.hypot(*((centre_xy - CENTRE) * [0.8, 1.0]).T)
    cand = np.flatnonzero(ok)
    if len(cand) < n_parcels:
        return None
    order = cand[np.lexsort((pos[cand], row[cand], dist[cell[cand]]))]
    chosen = np.sort(order[:n_parcels])
    radius = dist[cell[chosen]].max()
    region = all_cells[dist <= radius + 1e-6]
    rings = shapely.linearrings(ring_xy, indices=ring_plot)
    polys = shapely.polygons(rings)
    cell_township = _assign_townships(rng, lat, region)
    return Cadastre(
        lattice=lat,
        corners=np.round(corners[chosen], 3),
        geometry=polys[chosen],
        cell=cell[chosen],
        row=row[chosen],
        pos=pos[chosen],
        row_len=k[chosen],
        area_m2=shapely.area(polys[chosen]),
        region_cells=region,
        cell_township=cell_township,
    )


def _assign_townships(rng: np.random.Generator, lat: Lattice, region: np.ndarray) -> np.ndarray:
    """Nearest-seed (weighted) partition of the region cells into the six townships."""
    ny, nx = lat.shape
    j, i = np.divmod(region, nx)
    xq = np.quantile(i, [1 / 6, 1 / 2, 5 / 6])
    yq = np.quantile(j, [3 / 4, 1 / 4])  # north row first
    seeds = np.array([[x, y] for y in yq for x in xq]) + rng.uniform(-0.6, 0.6, (6, 2))
    d = np.hypot(i[:, None] - seeds[None, :, 0], (j[:, None] - seeds[None, :, 1]) * 1.3)
    d *= rng.uniform(0.9, 1.1, 6)
    out = np.full(nx * ny, -1)
    out[region] = np.argmin(d, axis=1)
    # every township needs at least one cell (tiny samples)
    for t in range(len(TOWNSHIPS)):
        if not (out[region] == t).any():
            out[region[np.argmin(d[:, t])]] = t
    return out


# --------------------------------------------------------------------------------------------
# area layers


def _dissolve(lat: Lattice, cells: np.ndarray, groups: np.ndarray) -> list[shapely.Geometry]:
    """Union of lattice cells per group id (the cells share vertices: a coverage union)."""
    geoms = shapely.polygons(np.round(_cell_corners(lat, cells), 3))
    order = np.argsort(groups, kind="stable")
    _, starts = np.unique(groups[order], return_index=True)
    return [shapely.coverage_union_all(part) for part in np.split(geoms[order], starts[1:])]


def township_polygons(cad: Cadastre) -> tuple[list[str], list[shapely.Geometry]]:
    """Township names and boundary polygons (unions of the road-bounded cells)."""
    cells = cad.region_cells
    groups = cad.cell_township[cells]
    names = [TOWNSHIPS[g][0] for g in np.unique(groups)]
    return names, _dissolve(cad.lattice, cells, groups)


def planning_units(
    rng: np.random.Generator, cad: Cadastre
) -> tuple[list[shapely.Geometry], list[str], list[str]]:
    """Planning polygons (3 × 2 cells) with 规划用途 and 控制线内 (是/否)."""
    _, nx = cad.lattice.shape
    cells = cad.region_cells
    j, i = np.divmod(cells, nx)
    unit = (j // 2) * (nx // 3 + 1) + i // 3
    geoms = _dissolve(cad.lattice, cells, unit)
    n = len(geoms)
    use = np.full(n, "工业用地", dtype=object)
    inside = np.full(n, "是", dtype=object)
    n_other = max(3, round(0.04 * n))
    pick = rng.choice(n, size=min(n_other + max(2, round(0.02 * n)), n), replace=False)
    other, outside = pick[:n_other], pick[n_other:]
    use[other] = np.where(np.arange(len(other)) % 2 == 0, "居住用地", "商业用地")
    inside[other] = "否"
    inside[outside] = "否"
    return geoms, list(use), list(inside)


def special_zone(cad: Cadastre) -> shapely.Geometry:
    """The 马海片区 polygon: a 2 × 2 group of cells in 马山街道, shrunk off the road centres."""
    ny, nx = cad.lattice.shape
    t_idx = [name for name, _ in TOWNSHIPS].index(SPECIAL_ZONE_TOWNSHIP)
    ct = cad.cell_township
    has_plots = np.zeros(nx * ny, dtype=bool)
    has_plots[cad.cell] = True
    cells = np.flatnonzero((ct == t_idx) & has_plots)
    if not len(cells):
        cells = np.unique(cad.cell)
    j, i = np.divmod(cells, nx)
    c = cells[(i + 1 < nx) & (j + 1 < ny)]
    full = np.ones(len(c), dtype=bool)
    for step in (1, nx, nx + 1):
        full &= (ct[c + step] == t_idx) & has_plots[c + step]
    centre = _cell_corners(cad.lattice, cells).mean(axis=(0, 1))
    cand = c[full] if full.any() else cells
    near = cand[np.argmin(np.hypot(*(_cell_corners(cad.lattice, cand).mean(axis=1) - centre).T))]
    group = np.array([near, near + 1, near + nx, near + nx + 1] if full.any() else [near])
    geom = _dissolve(cad.lattice, group, np.zeros(len(group), dtype=int))[0]
    return shapely.buffer(geom, -5.0, join_style="mitre")


def runs_polygon(corners: np.ndarray) -> shapely.Geometry:
    """Polygon over a run of consecutive plots of one row (first left edge → last right edge)."""
    ring = np.array([corners[0, 0], corners[-1, 1], corners[-1, 2], corners[0, 3]])
    return shapely.buffer(shapely.polygons(ring), 0.5, join_style="mitre")


# --------------------------------------------------------------------------------------------
# buildings


def building_footprints(
    rng: np.random.Generator, corners: np.ndarray, built: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """1–4 footprints per built plot covering 30–60 % of it.

    Footprints are rectangles in the plot's bilinear (s, t) parameter space mapped to the plot
    quad, so they lie inside it. Returns ``(plot index, polygons)``.
    """
    plots = np.flatnonzero(built)
    quads = corners[plots]
    # run the buildings along the plot's longer side
    along = np.linalg.norm(quads[:, 1] - quads[:, 0], axis=1)
    across = np.linalg.norm(quads[:, 3] - quads[:, 0], axis=1)
    quads = np.where((across > along)[:, None, None], quads[:, [1, 2, 3, 0]], quads)
    kmax = np.clip(np.maximum(along, across) // 30, 1, 4).astype(np.int64)
    k = np.minimum(rng.choice([1, 2, 3, 4], size=len(plots), p=[0.35, 0.35, 0.2, 0.1]), kmax)
    cover = rng.uniform(0.33, 0.57, len(plots))
    h = rng.uniform(0.72, 0.88, len(plots))
    t0 = rng.uniform(0.05, 0.95 - h)
    gap = 0.03
    width = np.minimum(cover / h, 0.9 - gap * (k - 1))
    n = int(k.sum())
    owner = np.repeat(np.arange(len(plots)), k)
    starts = np.concatenate([[0], np.cumsum(k)[:-1]])
    j = np.arange(n) - starts[owner]
    w = rng.uniform(0.6, 1.4, n)
    w = w / np.bincount(owner, w)[owner] * width[owner]
    slack = 0.9 - width - gap * (k - 1)
    s_start = 0.05 + rng.uniform(0.0, 1.0, len(plots)) * slack
    cum = np.cumsum(w)
    before = cum - w - np.concatenate([[0.0], cum[:-1]])[starts][owner]
    s0 = s_start[owner] + before + gap * j
    s1 = s0 + w
    ta, tb = t0[owner], t0[owner] + h[owner]
    q = quads[owner]

    def bilinear(s: np.ndarray, t: np.ndarray) -> np.ndarray:
        s, t = s[:, None], t[:, None]
        return (
            (1 - s) * (1 - t) * q[:, 0]
            + s * (1 - t) * q[:, 1]
            + s * t * q[:, 2]
            + (1 - s) * t * q[:, 3]
        )

    ring = np.stack([bilinear(s0, ta), bilinear(s1, ta), bilinear(s1, tb), bilinear(s0, tb)], 1)
    return plots[owner], shapely.polygons(np.round(ring, 3))
