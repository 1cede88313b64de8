"""Generate the simulated 越城区/滨海新区 sample (模拟数据) deterministically from a seed.

The public entry point is :func:`generate`. It reads as a list of steps: draw the cadastre
(road-cut blocks → irregular plots), parcel attributes and buildings, the area layers
(townships, planning, demolition plans, the special zone), the enterprises and their links,
the 增容 applications and compliance records, break a few rows on purpose, and write everything
as counties hand it over (``formats="county"``) or in benchmark formats (``formats="bench"``).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landgov.errors import InputError, Issue
from landgov.units import M2_PER_MU

from . import _approved, _cases, _defects, _enterprises, _geometry, _parcels, _readme, _writers
from ._place import Placement
from ._words import SPECIAL_ZONE_NAME, TOWNSHIPS

__all__ = ["FORMATS", "Placement", "generate"]

FORMATS = ("county", "bench")
ENTERPRISE_TITLE = "越城区、滨海新区工业企业亩均效益数据（模拟数据）"
_RASTER_MAX_CELLS = 300_000_000

ENTERPRISE_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "基本信息",
        (
            ("uscc", "统一社会信用代码"),
            ("name", "企业名称"),
            ("scale", "规上/规下"),
            ("industry_code", "行业代码"),
            ("industry_name", "行业名称"),
            ("township", "镇街"),
            ("legal_rep", "法定代表人"),
            ("contact", "联系人"),
        ),
    ),
    (
        "经济指标",
        (
            ("tax_wan", "税收（万元）"),
            ("value_added_wan", "工业增加值（万元）"),
            ("revenue_wan", "营业收入（万元）"),
            ("rd_wan", "R&D经费（万元）"),
            ("employees", "年平均职工人数"),
            ("land_mu", "用地面积（亩）"),
        ),
    ),
    (
        "能耗排放",
        (
            ("energy_tce", "综合能耗（吨标煤）"),
            ("emissions_t", "排放量（吨）"),
            ("power_10k_kwh", "用电量（万千瓦时）"),
        ),
    ),
    (
        "其他",
        (
            ("grade_given", "评价等级"),
            ("catalogue_class", "产业结构调整目录类别"),
            ("reform_sector", "涉改行业"),
            ("built_year", "投产年份"),
        ),
    ),
)
ENTERPRISE_HEADER_ROWS = 3  # title + group row + field row


@dataclass
class _Sample:
    """Everything generated, in output column names, before writing."""

    parcels: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    planning: gpd.GeoDataFrame
    demolition: gpd.GeoDataFrame
    special_zones: gpd.GeoDataFrame
    enterprises: pd.DataFrame
    links: pd.DataFrame
    compliance: pd.DataFrame
    applications: pd.DataFrame
    bad_rows: list[dict[str, object]]
    notes: dict[str, object] = field(default_factory=dict)
    approved: gpd.GeoDataFrame | None = None  # 批而未供 batches (own random stream)


def generate(
    out_dir: str | Path,
    *,
    n_parcels: int = 2500,
    seed: int = 20221231,
    as_of: str = "2026-06-30",
    formats: str = "county",
    placement: Placement | None = None,
    raster: bool = True,
    geometry_defects: bool = True,
) -> dict[str, object]:
    """Generate the simulated sample (模拟数据) into ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder to write into (created if missing; files of the same name are replaced).
    n_parcels
        Number of parcels (宗地). 2,500 for the bundled sample; up to 1,000,000 for benchmarks.
    seed
        Seed of the random generator. The same seed gives byte-identical files.
    as_of
        Reference date ``YYYY-MM-DD`` for idle-land ages and compliance records.
    formats
        ``"county"``: Shapefile (GBK) + GeoPackage + GeoTIFF + xlsx, as counties hand data
        over. ``"bench"``: GeoParquet + GeoPackage + CSV (+ GeoTIFF when it is not too big),
        for large runs (Shapefile stops at 2 GB and xlsx is slow).
    placement
        Move the sample to another county (its area, 3° zone, 宗地代码 and townships; see
        :class:`Placement`); ``None``: 越城区 as always.
    raster
        Write the height raster (``height.tif``) when it is not too big.
    geometry_defects
        Break two parcels into bow-ties and blank one geometry (deliberate defects, listed in
        ``bad_rows``). ``False`` (the province generator): every parcel is a valid polygon; the
        same rows are drawn, so every other file is what the seed always gives.

    Returns
    -------
    dict
        ``files`` (name → path), ``counts``, ``bad_rows`` (every deliberate defect with its
        file, 1-based data row and Excel row), ``applications`` (scenario per application),
        ``calibration`` (规上 亩均税收 and 亩均增加值 as generated) and ``seconds``.
    """
    day = _check_options(n_parcels=n_parcels, seed=seed, as_of=as_of, formats=formats)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    sample = _build(n_parcels=n_parcels, seed=seed, as_of=day, geometry_defects=geometry_defects)
    if placement is not None:
        placement.apply(sample)
    t1 = time.perf_counter()
    writer = _write_county if formats == "county" else _write_bench
    files = writer(sample, out, as_of=day, raster=raster)
    t2 = time.perf_counter()
    summary = _summary(sample, files, n_parcels=n_parcels, seed=seed, as_of=day, formats=formats)
    summary["seconds"] = {"build": round(t1 - t0, 2), "write": round(t2 - t1, 2)}
    readme = out / "README.md"
    readme.write_text(_readme.render(summary), encoding="utf-8")
    summary["files"]["README.md"] = str(readme)
    return summary


def _check_options(*, n_parcels: int, seed: int, as_of: str, formats: str) -> dt.date:
    issues = []
    if not isinstance(n_parcels, int | np.integer) or not 100 <= n_parcels <= 2_000_000:
        issues.append(
            Issue(
                "generate",
                "n_parcels",
                n_parcels,
                "宗地数应在 100–2,000,000 之间",
                "调整 --parcels",
            )
        )
    if not isinstance(seed, int | np.integer) or seed < 0:
        issues.append(Issue("generate", "seed", seed, "种子应为非负整数", "调整 --seed"))
    if formats not in FORMATS:
        issues.append(
            Issue("generate", "formats", formats, f"格式应为 {FORMATS} 之一", "county 或 bench")
        )
    day = None
    try:
        day = dt.date.fromisoformat(as_of)
    except (TypeError, ValueError):
        issues.append(Issue("generate", "as_of", as_of, "日期应为 YYYY-MM-DD", "如 2026-06-30"))
    if issues:
        raise InputError(issues)
    assert day is not None
    return day


# --------------------------------------------------------------------------------------------
# building the sample


def _build(*, n_parcels: int, seed: int, as_of: dt.date, geometry_defects: bool = True) -> _Sample:
    rng = np.random.default_rng(seed)
    day = np.datetime64(as_of.isoformat(), "D")
    cad = _geometry.build_cadastre(rng, n_parcels)
    parcels, fps, btab = _parcels_and_buildings(rng, cad, day)
    layers = _area_layers(rng, cad, parcels)
    links = _enterprises.ownership(rng, parcels)
    ent = _enterprises.enterprise_table(rng, parcels, links)
    ent = _enterprises.add_indicators(rng, ent)
    ent = _enterprises.two_high(rng, ent)
    ent = _enterprises.classify(rng, ent)
    chosen = _cases.choose_applications(rng, parcels, links, ent)
    ent = _cases.adjust_enterprises(ent, chosen)
    ent = _enterprises.name_and_people(rng, ent)
    parcels["holder"] = _enterprises.holder_names(rng, parcels, links, ent)
    apps = _cases.application_table(rng, chosen, parcels, ent, year=as_of.year)
    first_code = parcels["parcel_id"].to_numpy()[
        links.drop_duplicates("ent").set_index("ent").sort_index()["plot"].to_numpy()
    ]
    comp = _cases.compliance_table(rng, ent, pd.Series(first_code), chosen, as_of=day)
    sample = _assemble(
        rng,
        cad,
        parcels=parcels,
        fps=fps,
        btab=btab,
        layers=layers,
        links=links,
        ent=ent,
        apps=apps,
        comp=comp,
        chosen=chosen,
        geometry_defects=geometry_defects,
    )
    sample.notes["calibration"] = _calibration(ent)
    sample.notes["two_high"] = ent.attrs.get("two_high", [])
    # last, from its own stream: the other files stay what this seed always gave
    sample.approved, bad_approved = _approved.approved_batches(seed, cad, as_of=as_of)
    sample.bad_rows += bad_approved
    return sample


def _parcels_and_buildings(
    rng: np.random.Generator, cad: _geometry.Cadastre, day: np.datetime64
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    parcels = _parcels.parcel_table(rng, cad, as_of=day)
    parcels["row"], parcels["pos"] = cad.row, cad.pos
    built = (parcels["status"] == _parcels.BUILT).to_numpy()
    bplot, fps = _geometry.building_footprints(rng, cad.corners, built)
    btab = _parcels.building_table(rng, bplot, shapely.area(fps), len(parcels))
    floor = np.bincount(bplot, btab["floor_area_m2"].to_numpy(), minlength=len(parcels))
    land, floor_decl, far, off = _parcels.declared_areas(rng, cad.area_m2, floor)
    parcels["area_declared_m2"] = land
    parcels["floor_area_m2"] = floor_decl
    parcels["far_declared"] = far
    parcels["area_off"] = np.isin(np.arange(len(parcels)), off)
    return parcels, fps, btab


def _area_layers(
    rng: np.random.Generator, cad: _geometry.Cadastre, parcels: pd.DataFrame
) -> dict[str, object]:
    names, t_geoms = _geometry.township_polygons(cad)
    pl_geoms, pl_use, pl_inside = _geometry.planning_units(rng, cad)
    zone = _geometry.special_zone(cad)
    parcels["in_zone"] = shapely.within(cad.geometry, zone)
    tree = shapely.STRtree(pl_geoms)
    pts = shapely.point_on_surface(cad.geometry)
    hit_pt, hit_poly = tree.query(pts, predicate="within")
    planned = np.full(len(parcels), "工业用地", dtype=object)
    planned[hit_pt] = np.asarray(pl_use, dtype=object)[hit_poly]
    parcels["planned_use"] = planned
    built = (parcels["status"] == _parcels.BUILT).to_numpy()
    demo, demo_geoms, members = _cases.demolition_plans(
        rng, parcels, cad.corners, avoid=parcels["in_zone"].to_numpy() | ~built
    )
    in_demo = np.zeros(len(parcels), dtype=bool)
    for m in members:
        in_demo[m] = True
    parcels["in_demolition"] = in_demo
    return {
        "townships": (names, t_geoms),
        "planning": (pl_geoms, pl_use, pl_inside),
        "zone": zone,
        "demolition": (demo, demo_geoms),
    }


def _calibration(ent: pd.DataFrame) -> dict[str, float]:
    a = ent[ent["above"]]
    land = a["land_mu"].sum()
    return {
        "above_scale_tax_per_mu": round(float(a["tax_wan"].sum() / land), 3),
        "above_scale_value_added_per_mu": round(float(a["value_added_wan"].sum() / land), 3),
        "above_scale_share_below_5": round(float((a["tax_wan"] / a["land_mu"] < 5).mean()), 3),
    }


def _date_text(values: pd.Series) -> pd.Series:
    s = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
    return s.astype(object).where(s.notna(), None)


def _assemble(
    rng: np.random.Generator,
    cad: _geometry.Cadastre,
    *,
    parcels: pd.DataFrame,
    fps: np.ndarray,
    btab: pd.DataFrame,
    layers: dict[str, object],
    links: pd.DataFrame,
    ent: pd.DataFrame,
    apps: pd.DataFrame,
    comp: pd.DataFrame,
    chosen: list[tuple[_cases.Case, int, int]],
    geometry_defects: bool = True,
) -> _Sample:
    """Order rows as a county export would, break the chosen rows, rename to Chinese."""
    bad: list[dict[str, object]] = []
    order = np.argsort(parcels["parcel_id"].to_numpy(), kind="stable")
    p = parcels.iloc[order].reset_index(drop=True)
    corners = cad.corners[order]
    applied = {plot for _, plot, _ in chosen}
    plain = (
        (p["status"] == _parcels.BUILT).to_numpy()
        & ~np.isin(order, list(applied))
        & ~p["in_demolition"].to_numpy()
        & ~p["in_zone"].to_numpy()
        & ~p["area_off"].to_numpy()
    )
    unlinked = ~np.isin(order, links["plot"].to_numpy())
    p, geom, bad_p = _defects.break_parcels(
        rng,
        p,
        cad.geometry[order],
        corners,
        plain=plain,
        unlinked=unlinked,
        geometry_defects=geometry_defects,
    )
    bad += bad_p
    parcels_gdf = gpd.GeoDataFrame(
        {
            "宗地代码": p["parcel_id"],
            "权利人": p["holder"],
            "土地用途": p["land_use"],
            "权利性质": p["right_type"],
            "宗地面积": p["area_declared_m2"],
            "建筑面积": p["floor_area_m2"],
            "容积率": p["far_declared"],
            "镇街": p["township"],
            "GDRQ": _date_text(p["supply_date"]),
            "YDKGRQ": _date_text(p["contract_start_date"]),
            "KGRQ": _date_text(p["start_date"]),
            "JGRQ": _date_text(p["completion_date"]),
        },
        geometry=gpd.GeoSeries(geom, crs=_writers.EPSG),
    )
    code_of_plot = parcels["parcel_id"].to_numpy()
    b_order = np.lexsort((np.arange(len(btab)), code_of_plot[btab["plot"].to_numpy()]))
    buildings = gpd.GeoDataFrame(
        {
            "宗地代码": code_of_plot[btab["plot"].to_numpy()][b_order],
            "层数": btab["storeys"].to_numpy()[b_order],
            "层高": btab["storey_height_m"].to_numpy()[b_order],
            "建筑高度": btab["height_m"].to_numpy()[b_order],
        },
        geometry=gpd.GeoSeries(fps[b_order], crs=_writers.EPSG),
    )
    ent_out, links_out, bad_e = _enterprise_files(rng, ent, links, code_of_plot, chosen)
    bad += bad_e
    sample = _Sample(
        parcels=parcels_gdf,
        buildings=buildings,
        enterprises=ent_out,
        links=links_out,
        compliance=comp,
        applications=apps.drop(columns=["_case", "_note"]),
        bad_rows=bad,
        **_area_frames(layers),
    )
    sample.notes["area_off_rows"] = (np.flatnonzero(p["area_off"].to_numpy()) + 1).tolist()
    sample.notes["applications"] = apps[["申请编号", "宗地代码", "_case", "_note"]].to_dict(
        "records"
    )
    sample.notes["idle_rows"] = {
        "idle_1y": (np.flatnonzero((p["status"] == _parcels.IDLE_1Y).to_numpy()) + 1).tolist(),
        "idle_2y": (np.flatnonzero((p["status"] == _parcels.IDLE_2Y).to_numpy()) + 1).tolist(),
    }
    return sample


def _area_frames(layers: dict[str, object]) -> dict[str, gpd.GeoDataFrame]:
    crs = _writers.EPSG
    names, t_geoms = layers["townships"]  # type: ignore[misc]
    pl_geoms, pl_use, pl_inside = layers["planning"]  # type: ignore[misc]
    demo, demo_geoms = layers["demolition"]  # type: ignore[misc]
    return {
        "townships": gpd.GeoDataFrame({"镇街": names}, geometry=list(t_geoms), crs=crs),
        "planning": gpd.GeoDataFrame(
            {"规划用途": pl_use, "控制线内": pl_inside}, geometry=list(pl_geoms), crs=crs
        ),
        "demolition": gpd.GeoDataFrame(demo, geometry=list(demo_geoms), crs=crs),
        "special_zones": gpd.GeoDataFrame(
            {"片区名称": [SPECIAL_ZONE_NAME]}, geometry=[layers["zone"]], crs=crs
        ),
    }


def _enterprise_files(
    rng: np.random.Generator,
    ent: pd.DataFrame,
    links: pd.DataFrame,
    code_of_plot: np.ndarray,
    chosen: list[tuple[_cases.Case, int, int]],
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, object]]]:
    town_rank = {name: k for k, (name, _) in enumerate(TOWNSHIPS)}
    e = ent.assign(_t=ent["township"].map(town_rank))
    e = e.sort_values(["_t", "tax_wan"], ascending=[True, False], kind="stable").drop(columns="_t")
    e = e.reset_index(drop=True)
    e["scale"] = np.where(e["above"], "规上", "规下")
    applicants = {eid for _, _, eid in chosen}
    n_links = links["ent"].value_counts()
    special = set(applicants) | set(ent.attrs.get("two_high", []))
    lonely = np.flatnonzero(
        e["tenant"].to_numpy()
        & (n_links.reindex(e["ent"]).to_numpy() == 1)
        & ~e["ent"].isin(special).to_numpy()
    )
    unlinked = int(lonely[int(rng.integers(0, len(lonely)))]) if len(lonely) else len(e) - 1
    plain = ~e["ent"].isin(special).to_numpy()
    plain[unlinked] = False
    e_bad, bad = _defects.break_enterprises(rng, e, plain=plain, header_rows=ENTERPRISE_HEADER_ROWS)
    cols = [(src, label) for _, group in ENTERPRISE_GROUPS for src, label in group]
    ent_out = pd.DataFrame({label: e_bad[src] for src, label in cols})
    ent_out.attrs["groups"] = [(g, len(c)) for g, c in ENTERPRISE_GROUPS]
    uscc = e.set_index("ent")["uscc"]
    lk = pd.DataFrame(
        {
            "宗地代码": code_of_plot[links["plot"].to_numpy()],
            "统一社会信用代码": uscc.loc[links["ent"]].to_numpy(),
            "关系": links["relation"].to_numpy(),
            "使用面积（平方米）": links["area_used_m2"].to_numpy(),
        }
    )
    lk = lk.sort_values(["宗地代码", "关系"], kind="stable").reset_index(drop=True)
    codes = set(code_of_plot)
    missing_parcel = next(
        c for c in (f"{code_of_plot[0][:14]}{k:05d}" for k in range(99999, 0, -1)) if c not in codes
    )
    known = set(e["uscc"])
    missing_uscc = next(
        u
        for u in (_enterprises.make_usccs(rng, np.array([2021]))[0] for _ in range(100))
        if u not in known
    )
    lk, bad_l = _defects.break_links(
        rng,
        lk,
        missing_parcel=missing_parcel,
        missing_uscc=missing_uscc,
        unlinked_uscc=e.at[unlinked, "uscc"],
        header_rows=1,
    )
    bad += bad_l
    bad.append(
        {
            "file": "enterprises.xlsx",
            "row": unlinked + 1,
            "excel_row": unlinked + 1 + ENTERPRISE_HEADER_ROWS,
            "field": "统一社会信用代码",
            "value": e.at[unlinked, "uscc"],
            "problem": "企业在 links.xlsx 中没有任何关联宗地",
        }
    )
    return ent_out, lk, bad


# --------------------------------------------------------------------------------------------
# writing


def _raster(sample: _Sample, out: Path, *, raster: bool = True) -> Path | None:
    minx, miny, maxx, maxy = sample.townships.total_bounds
    if not raster or (maxx - minx) * (maxy - miny) / 25.0 > _RASTER_MAX_CELLS:
        return None
    return _writers.write_height_raster(
        sample.buildings.geometry.to_numpy(),
        sample.buildings["建筑高度"].to_numpy(),
        (minx, miny, maxx, maxy),
        out / "height.tif",
    )


def _write_county(
    sample: _Sample, out: Path, *, as_of: dt.date, raster: bool = True
) -> dict[str, str]:
    files: dict[str, str] = {}
    for name, gdf, cpg in (
        ("parcels", sample.parcels, False),
        ("townships", sample.townships, True),
        ("planning", sample.planning, True),
        ("demolition", sample.demolition, True),
        ("special_zones", sample.special_zones, True),
        ("approved", sample.approved, False),  # GBK .dbf without .cpg, like the parcels
    ):
        if gdf is None:
            continue
        for path in _writers.write_shapefile(gdf, out / f"{name}.shp", as_of=as_of, cpg=cpg):
            files[path.name] = str(path)
    path = _writers.write_gpkg(
        sample.buildings, out / "buildings.gpkg", layer="buildings", as_of=as_of
    )
    files[path.name] = str(path)
    raster = _raster(sample, out, raster=raster)
    if raster is not None:
        files[raster.name] = str(raster)
    files.update(_write_tables_xlsx(sample, out, as_of=as_of))
    return files


def _write_tables_xlsx(sample: _Sample, out: Path, *, as_of: dt.date) -> dict[str, str]:
    w = _writers.write_xlsx
    paths = [
        w(
            sample.enterprises,
            out / "enterprises.xlsx",
            sheet="亩均效益",
            as_of=as_of,
            title=ENTERPRISE_TITLE,
            groups=sample.enterprises.attrs["groups"],
            widths={"统一社会信用代码": 22, "企业名称": 30, "行业名称": 22},
        ),
        w(
            sample.links,
            out / "links.xlsx",
            sheet="地企关联",
            as_of=as_of,
            widths={"宗地代码": 24, "统一社会信用代码": 22},
        ),
        w(
            sample.compliance,
            out / "compliance.xlsx",
            sheet="违法违规记录",
            as_of=as_of,
            widths={"统一社会信用代码": 22, "宗地代码": 24, "问题描述": 30},
        ),
        w(
            sample.applications,
            out / "applications.xlsx",
            sheet="增容申请",
            as_of=as_of,
            widths={"宗地代码": 24, "统一社会信用代码": 22, "项目名称": 34, "项目建设内容": 44},
        ),
    ]
    return {p.name: str(p) for p in paths}


def _write_bench(
    sample: _Sample, out: Path, *, as_of: dt.date, raster: bool = True
) -> dict[str, str]:
    files: dict[str, str] = {}
    for name, gdf in (("parcels", sample.parcels), ("buildings", sample.buildings)):
        path = _writers.write_geoparquet(gdf, out / f"{name}.parquet")
        files[path.name] = str(path)
    for name in ("townships", "planning", "demolition", "special_zones", "approved"):
        gdf = getattr(sample, name)
        if gdf is None:
            continue
        path = _writers.write_gpkg(gdf, out / f"{name}.gpkg", layer=name, as_of=as_of)
        files[path.name] = str(path)
    raster = _raster(sample, out, raster=raster)
    if raster is not None:
        files[raster.name] = str(raster)
    for name in ("enterprises", "links", "compliance", "applications"):
        path = _writers.write_csv(getattr(sample, name), out / f"{name}.csv")
        files[path.name] = str(path)
    return files


def _summary(
    sample: _Sample,
    files: dict[str, str],
    *,
    n_parcels: int,
    seed: int,
    as_of: dt.date,
    formats: str,
) -> dict[str, object]:
    return {
        "n_parcels": n_parcels,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "formats": formats,
        "crs": f"EPSG:{sample.parcels.crs.to_epsg()}",
        "files": dict(files),
        "counts": {
            "parcels": len(sample.parcels),
            "buildings": len(sample.buildings),
            "townships": len(sample.townships),
            "planning": len(sample.planning),
            "demolition": len(sample.demolition),
            "special_zones": len(sample.special_zones),
            "approved": 0 if sample.approved is None else len(sample.approved),
            "enterprises": len(sample.enterprises),
            "links": len(sample.links),
            "compliance": len(sample.compliance),
            "applications": len(sample.applications),
        },
        "area_mu": round(float(sample.parcels["宗地面积"].sum() / M2_PER_MU), 1),
        "bad_rows": sample.bad_rows,
        "area_off_rows": sample.notes["area_off_rows"],
        "idle_rows": sample.notes["idle_rows"],
        "applications": sample.notes["applications"],
        "calibration": sample.notes["calibration"],
        "approved_mu": 0.0
        if sample.approved is None
        else round(float(sample.approved.geometry.area.sum() / M2_PER_MU), 1),
    }
