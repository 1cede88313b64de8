"""The yardstick: the core steps of ``screen`` + ``far`` as a plain geopandas script.

Usage::

    python benchmarks/bench_plain.py DATA_DIR OUT_DIR

``DATA_DIR`` is a folder written by ``python -m landgov.sample --formats bench``. The script
does what a GIS analyst would write by hand, with no checks, no citations, no 待核实 and no
problem rows: read the same files, allocate each enterprise's tax to its plots by used area,
compute 亩均税收 and 容积率 from the buildings, overlay planning and demolition, grade, pick a
path, find 连片 blocks, write a GeoPackage and an xlsx. ``benchmarks/bench_screen.py`` runs it
beside ``landgov screen`` + ``landgov far`` and prints the ratio. It prints one JSON line:
seconds per step and in total.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

MU = 10000 / 15  # m² per 亩


def _engine() -> str:
    """xlsxwriter when installed (what landgov writes with), else openpyxl."""
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        return "openpyxl"
    return "xlsxwriter"


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    parcels = gpd.read_parquet(folder / "parcels.parquet").rename(
        columns={
            "宗地代码": "parcel_id", "权利人": "holder", "土地用途": "land_use",
            "宗地面积": "area_m2", "建筑面积": "floor_area_m2", "容积率": "far_declared",
            "镇街": "township", "YDKGRQ": "contract_start_date", "KGRQ": "start_date",
        }
    )  # fmt: skip
    ents = pd.read_csv(folder / "enterprises.csv", encoding="utf-8-sig").rename(
        columns={
            "统一社会信用代码": "uscc", "规上/规下": "scale", "税收（万元）": "tax_wan",
            "行业代码": "industry_code", "综合能耗（吨标煤）": "energy_tce",
            "产业结构调整目录类别": "catalogue_class",
        }
    )  # fmt: skip
    links = pd.read_csv(folder / "links.csv", encoding="utf-8-sig").rename(
        columns={
            "宗地代码": "parcel_id",
            "统一社会信用代码": "uscc",
            "使用面积（平方米）": "used_m2",
        }
    )
    buildings = gpd.read_parquet(folder / "buildings.parquet").rename(
        columns={"宗地代码": "parcel_id", "层数": "floors", "层高": "storey_m"}
    )
    planning = gpd.read_file(folder / "planning.gpkg", engine="pyogrio", use_arrow=True)
    demolition = gpd.read_file(folder / "demolition.gpkg", engine="pyogrio", use_arrow=True)
    comp = pd.read_csv(folder / "compliance.csv", encoding="utf-8-sig")
    return {"parcels": parcels, "enterprises": ents, "links": links, "buildings": buildings,
            "planning": planning, "demolition": demolition, "compliance": comp}  # fmt: skip


def _tax(parcels: gpd.GeoDataFrame, ents: pd.DataFrame, links: pd.DataFrame) -> gpd.GeoDataFrame:
    """Each enterprise's tax split over its plots by used area; 亩均税收 per plot."""
    links = links.dropna(subset=["parcel_id", "uscc"]).copy()
    links["used_m2"] = pd.to_numeric(links["used_m2"], errors="coerce").fillna(0.0)
    share = links["used_m2"] / links.groupby("uscc")["used_m2"].transform("sum").replace(0, np.nan)
    tax = pd.to_numeric(ents["tax_wan"], errors="coerce").groupby(ents["uscc"]).first()
    links["tax_wan"] = share * links["uscc"].map(tax)
    per = links.groupby("parcel_id").agg(tax_wan=("tax_wan", "sum"), main_uscc=("uscc", "first"))
    out = parcels.join(per, on="parcel_id")
    out["area_mu"] = out.geometry.area / MU
    out["tax_per_mu"] = out["tax_wan"] / out["area_mu"]
    return out


def _far(parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """容积率: building footprints × floors (storeys over 8 m count twice), joined spatially."""
    b = buildings[["floors", "storey_m", "geometry"]].copy()
    floors = pd.to_numeric(b["floors"], errors="coerce").fillna(1)
    doubled = np.where(pd.to_numeric(b["storey_m"], errors="coerce") > 8, 2, 1)
    b["floor_area"] = b.geometry.area * floors * doubled
    b["geometry"] = b.geometry.representative_point()
    hit = gpd.sjoin(b, parcels[["geometry"]], predicate="within", how="inner")
    total = hit.groupby("index_right")["floor_area"].sum()
    parcels["floor_area_far_m2"] = total.reindex(parcels.index).fillna(0.0)
    parcels["far"] = parcels["floor_area_far_m2"] / parcels.geometry.area
    return parcels


def _overlays(
    parcels: gpd.GeoDataFrame, planning: gpd.GeoDataFrame, demolition: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Share of each plot planned non-industrial; in a demolition plan or not."""
    plan = planning[["规划用途", "geometry"]]
    other = plan[~plan["规划用途"].astype(str).str.contains("工业")]
    left = parcels[["geometry"]].reset_index(names="pid")
    pieces = gpd.overlay(left, other, how="intersection", keep_geom_type=True)
    share = pieces.geometry.area.groupby(pieces["pid"]).sum() / parcels.geometry.area
    parcels["planning_share"] = share.reindex(parcels.index).fillna(0.0)
    hit = gpd.sjoin(
        parcels[["geometry"]], demolition[["计划名称", "geometry"]], predicate="intersects"
    )
    parcels["in_demolition"] = parcels.index.isin(hit.index)
    return parcels


def _grade_and_path(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    tax = parcels["tax_per_mu"]
    parcels["grade"] = np.select([tax >= 30, tax >= 10, tax > 5], ["A", "B", "C"], "D")
    parcels["low_efficiency"] = tax <= 5
    idle = pd.to_datetime(parcels["start_date"], errors="coerce").isna() & (parcels["far"] == 0)
    under = parcels["far"] < 0.7
    parcels["govern"] = (
        parcels["low_efficiency"] | idle | under | (parcels["planning_share"] >= 0.5)
    )
    parcels["path"] = np.select(
        [
            ~parcels["govern"],
            parcels["in_demolition"],
            parcels["planning_share"] >= 0.5,
            idle,
            under,
        ],
        ["", "收储一批", "收储一批", "招商一批", "提升一批"],
        "整治一批",
    )
    return parcels


def _blocks(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """连片: 治理 plots closer than 10 m, grouped; blocks of 50 亩 or more are large."""
    gov = parcels[parcels["path"].isin(["收储一批", "招商一批"])]
    merged = gpd.GeoSeries([gov.geometry.buffer(5).union_all()], crs=parcels.crs).explode(
        index_parts=False
    )
    blocks = gpd.GeoDataFrame({"block_id": [f"LP{i + 1:04d}" for i in range(len(merged))]},
                              geometry=merged.to_numpy(), crs=parcels.crs)  # fmt: skip
    hit = gpd.sjoin(gov[["area_mu", "geometry"]], blocks, predicate="intersects")
    hit = hit[~hit.index.duplicated()]
    parcels["block_id"] = hit["block_id"].reindex(parcels.index)
    area = parcels.groupby("block_id")["area_mu"].sum()
    blocks["area_mu"] = blocks["block_id"].map(area)
    blocks["large"] = blocks["area_mu"] >= 50
    return blocks


def _write(parcels: gpd.GeoDataFrame, blocks: gpd.GeoDataFrame, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    gpkg = out / "plain.gpkg"
    gpkg.unlink(missing_ok=True)
    keep = parcels.drop(columns=["govern"])
    pyogrio.write_dataframe(keep, gpkg, layer="parcels", use_arrow=True)
    pyogrio.write_dataframe(blocks, gpkg, layer="blocks", use_arrow=True)
    table = pd.DataFrame(keep.drop(columns="geometry"))
    for col in table.columns:
        if table[col].dtype.kind == "M" or str(table[col].dtype).startswith("datetime"):
            table[col] = table[col].astype(str)
    # pandas' defaults, as an analyst writes it. Not XlsxWriter's constant_memory mode: pandas
    # writes a frame column by column, and in that mode XlsxWriter keeps only the row being
    # written, so every column after the first was dropped (until 2026-12-03 this yardstick
    # wrote a 底数清单 of parcel_id only, in 7.0 of its 8.4 s; see _check_workbook)
    with pd.ExcelWriter(out / "plain.xlsx", engine=_engine()) as xw:
        table.to_excel(xw, sheet_name="底数清单", index=False)
        table[parcels["govern"].to_numpy()].to_excel(xw, sheet_name="治理清单", index=False)
        pd.DataFrame(blocks.drop(columns="geometry")).to_excel(
            xw, sheet_name="连片地块", index=False
        )


def _check_workbook(path: Path, table: pd.DataFrame) -> None:
    """底数清单 holds a cell for every value of the frame and its header (untimed): a yardstick
    that writes less than its frame measures nothing."""
    with zipfile.ZipFile(path) as book:
        cells = book.read("xl/worksheets/sheet1.xml").count(b"<c ")
    values = table.drop(columns="geometry")
    expected = len(values.columns) + int((values.notna() & (values.astype(str) != "")).sum().sum())
    if cells != expected:
        raise SystemExit(f"plain.xlsx: 底数清单 has {cells:,} cells, expected {expected:,}")


def run(folder: Path, out: Path) -> dict[str, object]:
    """The core steps on the data folder ``folder``, written to ``out``: seconds per step and
    in total, CPU seconds of this process, parcels and blocks."""
    steps: dict[str, float] = {}
    start = last = time.perf_counter()
    cpu0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])  # after the imports, as landgov's

    def tick(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        steps[name] = round(now - last, 3)
        last = now

    data = _read(folder)
    tick("read")
    parcels = _tax(data["parcels"], data["enterprises"], data["links"])
    tick("tax")
    parcels = _far(parcels, data["buildings"])
    tick("far")
    parcels = _overlays(parcels, data["planning"], data["demolition"])
    tick("overlay")
    parcels = _grade_and_path(parcels)
    blocks = _blocks(parcels)
    tick("grade_path_blocks")
    _write(parcels, blocks, out)
    tick("write")
    use = resource.getrusage(resource.RUSAGE_SELF)
    seconds = time.perf_counter() - start
    _check_workbook(out / "plain.xlsx", parcels.drop(columns=["govern"]))
    return {"seconds": seconds, "steps": steps, "xlsx": _engine(),
            "cpu_s": use.ru_utime + use.ru_stime - cpu0,
            "parcels": len(parcels), "blocks": len(blocks)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    print(json.dumps(run(Path(args[0]), Path(args[1]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
