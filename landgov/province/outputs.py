"""Province outputs, written county by county: GeoParquet, GeoPackage, the summary workbook.

:class:`ProvinceLayers` appends one county's 底数清单 (a part file: already in the province
schema, EPSG:4490 and Arrow, see :mod:`landgov.province.parts`) to ``province.parquet`` (one row
group per county) and to the layers ``parcels`` and ``governance`` of ``province.gpkg`` (written
through Arrow: dates are Date fields and the 是/否 columns Boolean fields, as in the GeoParquet
file); only one county is in memory at a time. :func:`summary_tables` builds the 县区汇总 and
地市汇总 (地级市, and the 全省 row) from the counties' 全区 rows, against the targets: each county
against its own profile's, cities and the province against the province targets of
浙政发〔2023〕4号.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pyogrio
from pyproj import CRS

from landgov.core.gpkg_writing import WRITE_ERRORS, gpkg_writing
from landgov.core.vocab import NO_TARGET, PROVINCE
from landgov.errors import write_failure
from landgov.province.county import PROVINCE_CRS
from landgov.province.parts import LAYERS, read_part

__all__ = ["ProvinceLayers", "cross_county_repeats", "summary_records", "summary_tables"]

GEOPARQUET = "province.parquet"
GEOPACKAGE = "province.gpkg"
WORKBOOK = "province.xlsx"


def _gdal_crs() -> str:
    """The CRS as pyogrio hands it to GDAL: ``EPSG:n`` when it has a code, else WKT1."""
    crs = CRS.from_user_input(PROVINCE_CRS)
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt("WKT1_GDAL")


_GDAL_CRS = _gdal_crs()


class ProvinceLayers:
    """Appends counties to the province GeoParquet and GeoPackage, in the order given."""

    def __init__(self, folder: Path) -> None:
        self.parquet = folder / GEOPARQUET
        self.gpkg = folder / GEOPACKAGE
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self.rows = {"parcels": 0, "governance": 0}
        self._gpkg_started = {"parcels": False, "governance": False}

    def _table(self, rows: pa.Table) -> pa.Table:
        """The rows in the layer's schema: the first county's, with the GeoParquet metadata."""
        if self._schema is None:
            geo = {
                "version": "1.0.0",
                "primary_column": "geometry",
                "columns": {
                    "geometry": {
                        "encoding": "WKB",
                        "geometry_types": [],
                        "crs": json.loads(CRS.from_user_input(PROVINCE_CRS).to_json()),
                    }
                },
            }
            meta = {**(rows.schema.metadata or {}), b"geo": json.dumps(geo).encode()}
            meta.pop(b"pandas", None)
            self._schema = rows.schema.with_metadata(meta)
        return rows.cast(self._schema)

    def append(self, part_path: str | Path) -> int:
        """Append one county's part file (:func:`landgov.province.parts.write_part`); returns
        the rows appended."""
        part = read_part(part_path)
        table = self._table(part.table)
        if self._writer is None:
            assert self._schema is not None
            self._writer = pq.ParquetWriter(self.parquet, self._schema, compression="zstd")
        self._writer.write_table(table)
        for layer in LAYERS:
            rows, geometry_type = part.layer(layer)
            if not rows.num_rows:
                continue
            try:
                with gpkg_writing():  # as the run folder's other files (core.gpkg_writing)
                    pyogrio.write_arrow(  # write_dataframe(promote_to_multi=True, use_arrow=True)
                        rows,
                        self.gpkg,
                        layer=layer,
                        driver="GPKG",
                        geometry_name="geometry",
                        geometry_type=geometry_type,
                        crs=_GDAL_CRS,
                        append=self._gpkg_started[layer],
                    )
            except WRITE_ERRORS as exc:
                raise write_failure(self.gpkg, exc, needed=rows.nbytes) from exc
            self._gpkg_started[layer] = True
            self.rows[layer] += rows.num_rows
        return table.num_rows

    def close(self) -> None:
        """Finish the GeoParquet file (an empty province still gets no file) and give the
        GeoPackage layers their Chinese field aliases and QGIS styles."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        from landgov.reports.gis import describe_layer

        for layer, started in self._gpkg_started.items():
            if started:
                describe_layer(self.gpkg, layer)


#: Columns of the 跨县重复宗地 sheet (rows of the province layer), in order.
REPEAT_COLUMNS = (
    "parcel_id", "county_code", "county", "city_code", "city", "source_row", "area_mu",
    "screening_status",
)  # fmt: skip


def cross_county_repeats(parquet: Path) -> pd.DataFrame:
    """Every row of the province layer whose 宗地代码 is in more than one county, by 宗地代码
    and county code (columns :data:`REPEAT_COLUMNS`).

    A plot delivered by two counties (a 滨海新区 plot in the folder of the district that manages
    it and in that of the county of its code) is in both counties' results and so twice in the
    sums of a city and of the province. Only ``parcel_id`` and ``county_code`` are read whole;
    the other columns of the repeated rows alone.
    """
    if not parquet.exists():
        return pd.DataFrame(columns=list(REPEAT_COLUMNS))
    keys = pq.read_table(parquet, columns=["parcel_id", "county_code"]).to_pandas()
    pairs = keys.dropna(subset=["parcel_id"]).drop_duplicates()
    counts = pairs["parcel_id"].value_counts()
    ids = counts.index[counts > 1]
    if not len(ids):
        return pd.DataFrame(columns=list(REPEAT_COLUMNS))
    table = pq.read_table(parquet, columns=list(REPEAT_COLUMNS))
    mask = pc.is_in(table["parcel_id"], value_set=pa.array(list(ids), pa.string()))
    rows = table.filter(mask).to_pandas()
    return rows.sort_values(
        ["parcel_id", "county_code", "source_row"], kind="stable", ignore_index=True
    )


def _repeated(repeats: pd.DataFrame, codes: Sequence[str]) -> tuple[int, float]:
    """Plots counted more than once when the counties ``codes`` are summed: the rows beyond
    the first county of each 宗地代码 (one row per county), and their 亩."""
    mine = repeats[repeats["county_code"].isin(list(codes))]
    mine = mine.drop_duplicates(["parcel_id", "county_code"])  # one row per county
    extra = mine[mine.duplicated("parcel_id")]  # the rows after the first county of each plot
    return len(extra), float(pd.to_numeric(extra["area_mu"], errors="coerce").fillna(0).sum())


_SUMS = (
    "n_parcels", "area_mu", "n_area_unknown", "n_governance", "governance_area_mu",
    "n_governance_area_unknown", "n_to_verify", "n_above_scale",
    "n_above_scale_incomplete",
    "above_scale_tax_wan", "above_scale_value_added_wan", "above_scale_land_mu", "n_approved",
    "approved_area_mu", "n_approved_to_verify", "renewal_potential_mu", "n_demolish_rebuild",
    "n_rectify", "n_transform", "n_exit", "n_grade_A", "n_grade_B", "n_grade_C", "n_grade_D",
    "n_grade_none",
)  # fmt: skip
_HEAD = {
    "county_code": "县级代码",
    "county": "县（市、区）",
    "city_code": "地市代码",
    "city": "地级市",
    "profile": "评判配置",
    "profile_version": "配置版本",
    "status": "处理状态",
    "rows_in": "宗地输入行数",
    "rows_out": "宗地输出行数",
    "rows_rejected": "宗地剔除行数",
    "warnings": "警告",
    "n_repeated": "跨县重复计入宗地数",
    "area_mu_repeated": "跨县重复计入面积（亩）",
    "n_counties": "县（市、区）数",
    "n_failed": "处理失败县数",
    "target_scope": "目标口径",
}


def _num(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return np.nan
    return out


def summary_tables(
    results: Sequence[Mapping[str, Any]],
    *,
    province_targets: Mapping[str, Any],
    repeats: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """县区汇总 (one row per county, failed ones too) and 地市汇总 (cities + 全省), each in
    行政区划代码 order (全省 last).

    ``province_targets``: ``tax_per_mu``, ``value_added_per_mu``, ``renewal_mu``, ``year``,
    ``renewal_year`` and ``source`` of the province profile (浙政发〔2023〕4号).
    ``repeats``: :func:`cross_county_repeats`; each city and 全省 says how many of its plots
    (and 亩) its sums count more than once (``n_repeated``, ``area_mu_repeated``).
    """
    rows = []
    for r in results:
        row: dict[str, Any] = {
            "county_code": r["code"],
            "county": r["name"],
            "city_code": r["city_code"],
            "city": r["city"],
            "profile": r["profile"],
            "profile_version": r.get("profile_version"),
            "status": "完成" if r["ok"] else "失败：" + str(r.get("error", ""))[:500],
            "rows_in": r.get("rows_in"),
            "rows_out": r.get("rows_out"),
            "rows_rejected": r.get("rows_rejected"),
            "warnings": "；".join(r.get("warnings") or []) or None,
        }
        row.update({k: v for k, v in (r.get("summary") or {}).items() if k != "township"})
        rows.append(row)
    counties = pd.DataFrame(rows)
    if len(counties):  # 行政区划代码 order, whatever the order of province.json
        counties = counties.sort_values("county_code", kind="stable", ignore_index=True)
    ok = counties[counties["status"] == "完成"]
    groups = []
    for (code, city), part in ok.groupby(["city_code", "city"], sort=True):
        groups.append(_rollup(part, {"city_code": code, "city": city}))
    groups.append(_rollup(ok, {"city_code": "33", "city": PROVINCE}))
    cities = pd.DataFrame(groups)
    if repeats is None:
        repeats = pd.DataFrame(columns=list(REPEAT_COLUMNS))
    twice = [
        _repeated(repeats, (ok if code == "33" else ok[ok["city_code"] == code])["county_code"])
        for code in cities["city_code"]
    ]
    cities["n_repeated"] = [n for n, _ in twice]
    cities["area_mu_repeated"] = [area for _, area in twice]
    failed = counties[counties["status"] != "完成"].groupby("city_code").size()
    cities["n_failed"] = cities["city_code"].map(failed).fillna(0).astype(int)
    cities.loc[cities["city"] == PROVINCE, "n_failed"] = int(failed.sum())
    cities = _against(cities, province_targets)
    return counties, cities


def summary_records(counties: pd.DataFrame, cities: pd.DataFrame) -> dict[str, Any]:
    """The 县区汇总 and 地市汇总 as JSON records (NaN → null), for the manifest and the map."""
    return {
        name: json.loads(frame.to_json(orient="records", force_ascii=False))
        for name, frame in (("counties", counties), ("cities", cities))
    }


def _rollup(part: pd.DataFrame, head: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = dict(head)
    out["n_counties"] = len(part)
    for key in ("rows_in", "rows_out", "rows_rejected", *_SUMS):  # none finished: no sum
        out[key] = (
            pd.to_numeric(part[key], errors="coerce").sum(min_count=1) if key in part else np.nan
        )
    land = _num(out.get("above_scale_land_mu"))
    out["tax_per_mu_above_scale"] = _num(out.get("above_scale_tax_wan")) / land if land else np.nan
    out["value_added_per_mu_above_scale"] = (
        _num(out.get("above_scale_value_added_wan")) / land if land else np.nan
    )
    return out


def _against(cities: pd.DataFrame, targets: Mapping[str, Any]) -> pd.DataFrame:
    out = cities.copy()
    for ind in ("tax_per_mu", "value_added_per_mu"):
        target = targets.get(ind)
        out[f"{ind}_target"] = target
        out[f"{ind}_target_year"] = targets.get("year")
        now = out[f"{ind}_above_scale"]
        out[f"{ind}_gap"] = (target - now) if target is not None else np.nan
    out["renewal_target_mu"] = targets.get("renewal_mu")
    out["renewal_target_year"] = targets.get("renewal_year")
    renewal = targets.get("renewal_mu")
    out["renewal_share"] = out["governance_area_mu"] / renewal if renewal else np.nan
    out["target_scope"] = "全省目标（各地市按全省目标对照，地市未另设目标）"
    out["target_source"] = targets.get("source") or NO_TARGET
    return out


def headers(labels: Mapping[str, str]) -> dict[str, str]:
    """Chinese headers of the summary sheets: the province ones over the 镇街汇总 ones."""
    return {**labels, **_HEAD}
