"""One county of a province run: the district screening, then its rows for the province layer.

:func:`screen_county` is the unit of work of both engines (a plain call in the local engine, a
task on a Dask worker). It runs :func:`landgov.run.screening.run_screening` on the county's files
with the county's own profile into ``<out>/counties/<code>_<name>/`` (areas in the county's own
projected CRS, as every district run), then writes the county's 底数清单 in the province schema
(:data:`PROVINCE_COLUMNS`, EPSG:4490) to a part file (Arrow IPC, :mod:`landgov.province.parts`)
the driver appends to the province layers.
It never raises: a county that fails comes back with ``ok = False``, its error and the file it
names, so the other counties finish.

What a county writes is what the province needs and no more: its workbook (``landgov.xlsx``),
its lossless GeoParquet files and manifest, and the part file; not its own GeoPackage (its rows
are in ``province.gpkg``). A worker loads each profile once (:func:`county_profile`) and reads
the split sheets from the county manifest, not by opening the workbook again. The task and its
result are small plain values; the frames never travel back to the driver.
"""

from __future__ import annotations

import functools
import shutil
import time
import traceback
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.errors import InputError, Issue
from landgov.io._layercheck import _ARCHIVES

__all__ = ["PROVINCE_COLUMNS", "PROVINCE_CRS", "CountyJob", "county_profile", "screen_county"]

#: The CRS of every province layer (CGCS2000 geographic): counties lie in three 3° zones.
PROVINCE_CRS = "EPSG:4490"
#: How a county's failed write ends in a province run (a single-county run says its folder is
#: unchanged, :class:`landgov.core.runfolder.UnwrittenOutputError`; here the run is fresh).
UNWRITTEN_COUNTY = (
    "本次全省运行未写出该县（市、区）的结果（其文件夹「{folder}」不存在）；"
    "其他县（市、区）照常处理并写出"
)

_COUNTY_COLUMNS = {
    "county_code": "string", "county": "string", "city_code": "string", "city": "string",
    "profile": "string", "profile_version": "string",
}  # fmt: skip
_TYPED = {
    **dict.fromkeys(
        (
            "area_m2", "area_mu", "area_declared_m2", "floor_area_m2", "far_declared", "tax_wan",
            "value_added_wan", "tax_per_mu", "value_added_per_mu", "block_area_mu", "built_cover",
        ),
        "float64",
    ),
    **dict.fromkeys(("n_enterprises", "source_row", "idle_years"), "Int64"),
    **dict.fromkeys(
        ("low_efficiency", "outside_focus", "two_high_review", "block_large"), "boolean"
    ),
    **dict.fromkeys(
        ("supply_date", "contract_start_date", "start_date", "completion_date"), "date"
    ),
}  # fmt: skip


def _province_columns() -> dict[str, str]:
    from landgov.run.screening import PARCEL_COLUMNS

    cols = dict(_COUNTY_COLUMNS)
    cols.update({c: _TYPED.get(c, "string") for c in PARCEL_COLUMNS})
    return cols


#: Column → kind of the province 底数清单 layer (the same in every county, so parts append).
PROVINCE_COLUMNS: dict[str, str] = _province_columns()


@dataclass(frozen=True)
class CountyJob:
    """What a worker needs for one county (plain values: it travels to Dask workers)."""

    code: str
    name: str
    city_code: str
    city: str
    files: dict[str, str]
    profile: str
    out_dir: str
    part: str
    as_of: str | None = None
    aliases: dict[str, list[str]] | None = field(default=None)
    folder: str | None = None


def _dates(values: pd.Series) -> pd.Series:
    out = pd.to_datetime(values, errors="coerce").dt.date
    return out.astype(object).where(out.notna(), None)


def _text(value: Any) -> str | None:
    """A cell as text; None, NA and NaN (pandas' str columns hold NaN) stay missing, not "nan"."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    return str(value)


def _texts(raw: Any, n: int) -> pd.Series:
    """A column as text (:func:`_text` of every value), at once where the values are text.

    Text columns (``str`` / ``string``, or objects that are all text or missing) are converted
    as a whole; any other column value by value, as :func:`_text` does.
    """
    if raw is None or isinstance(raw, str):
        return pd.Series(np.full(n, _text(raw), dtype=object)).astype("string")
    if isinstance(raw.dtype, pd.StringDtype):
        return raw.astype("string").reset_index(drop=True)
    values = np.asarray(raw, dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        values = values.copy()
        values[pd.isna(values)] = None
        return pd.Series(values, dtype=object).astype("string")
    return pd.Series(values).map(_text).astype("string")


#: Column kinds whose values are taken over at once from a column of these dtypes.
_SAME_KIND = {"float64": ("float64",), "Int64": ("Int64", "int64"), "boolean": ("boolean", "bool")}


def _typed(raw: pd.Series, kind: str) -> Any:
    """A column of ``kind`` (``float64``, ``Int64``, ``boolean``), missing values NA / NaN;
    taken over at once from a column of that kind, else value by value."""
    dtype = str(raw.dtype)
    if dtype in _SAME_KIND[kind]:
        return pd.array(raw.to_numpy(copy=True) if dtype == "float64" else raw.array, dtype=kind)
    values = pd.Series(np.asarray(raw, dtype=object))
    return pd.array(values.where(values.notna(), None), dtype=kind)


def province_rows(parcels: gpd.GeoDataFrame, job: CountyJob, version: str) -> gpd.GeoDataFrame:
    """The county's 底数清单 in the province schema, reprojected to :data:`PROVINCE_CRS`."""
    n = len(parcels)
    data: dict[str, Any] = {
        "county_code": job.code,
        "county": job.name,
        "city_code": job.city_code,
        "city": job.city,
        "profile": job.profile,
        "profile_version": version,
    }
    columns: dict[str, Any] = {}
    for col, kind in PROVINCE_COLUMNS.items():
        raw = data.get(col) if col in _COUNTY_COLUMNS else parcels.get(col)
        if kind == "string":
            columns[col] = _texts(raw, n).array
        elif raw is None or isinstance(raw, str):  # a column the county does not have
            values = pd.Series([raw] * n, dtype=object)
            columns[col] = (
                _dates(values)
                if kind == "date"
                else pd.array(values.where(values.notna(), None), dtype=kind)
            )
        elif kind == "date":
            columns[col] = _dates(pd.Series(np.asarray(raw, dtype=object)))
        else:
            columns[col] = _typed(raw, kind)
    out = pd.DataFrame(columns, index=pd.RangeIndex(n))
    geom = gpd.GeoSeries(parcels.geometry.to_numpy(), crs=parcels.crs).to_crs(PROVINCE_CRS)
    return gpd.GeoDataFrame(out, geometry=geom.to_numpy(), crs=PROVINCE_CRS)


@functools.lru_cache(maxsize=16)
def county_profile(name: str) -> Any:
    """The profile ``name``, loaded once per process (a worker screens many counties)."""
    from landgov.policy import load_profile

    return load_profile(name)


def _failed_file(exc: BaseException, job: CountyJob) -> str:
    """The file a county's error is about (its full path: every county has a parcels.parquet):
    the first issue's, a county file the message names, else the county folder of its parcels."""
    for issue in getattr(exc, "issues", ()) or ():
        if issue.source:  # a reader names its file by its name alone: every county has one
            named = [p for p in job.files.values() if Path(p).name == str(issue.source)]
            return named[0] if len(named) == 1 else str(issue.source)
    text = str(exc)
    for path in job.files.values():
        if path in text or Path(path).name in text:
            return path
    for attr in ("filename", "path"):
        value = getattr(exc, attr, None)
        if value:
            return str(value)
    parcels = job.files.get("parcels")
    return str(Path(parcels).parent) if parcels else job.out_dir


def screen_county(job: CountyJob) -> dict[str, Any]:
    """Screen one county; the result is a small dict (the big outputs are files).

    Returns
    -------
    dict
        ``code``, ``name``, ``city_code``, ``city``, ``profile``, ``ok``; when ``ok``:
        ``profile_version``, ``rows_in``, ``rows_out``, ``rows_rejected``, ``governance``,
        ``counts``, ``summary`` (the county's 全区 row), ``crs_in`` (as delivered),
        ``crs_areas`` (the projected CRS its areas were measured in: the 3° zone of its place),
        ``part``, ``out``,
        ``sheets_split`` and ``seconds``; otherwise ``error`` (the message, in Chinese for a
        landgov error), ``error_type`` and ``error_file`` (the file it is about).
    """
    from landgov.core.runfolder import UnwrittenOutputError
    from landgov.core.vocab import DISTRICT
    from landgov.errors import LandgovError
    from landgov.province.parts import write_part
    from landgov.run.files import RunInputs
    from landgov.run.screening import run_screening

    head = {
        "code": job.code,
        "name": job.name,
        "city_code": job.city_code,
        "city": job.city,
        "profile": job.profile,
    }
    t0 = time.perf_counter()
    try:
        _check_folder(job)
        inputs = RunInputs(**{role: Path(p) for role, p in job.files.items()})
        try:
            run = run_screening(
                inputs,
                profile=county_profile(job.profile),
                out_dir=job.out_dir,
                as_of=job.as_of,
                aliases=job.aliases,
                progress=False,
                echo=None,
                gpkg=False,
            )
        except LandgovError:
            _parcels_belong(job)  # the root cause when the parcels are another place's
            raise
        man = run.manifest
        rows = province_rows(run.parcels, job, str(man["profile"]["version"]))
        codes = _check_belongs(rows, job, crs_in=man["inputs"]["parcels"].get("crs"))
        Path(job.part).parent.mkdir(parents=True, exist_ok=True)
        write_part(rows, job.part)
        district = run.townships[run.townships["township"] == DISTRICT]
        row = None if district.empty else district.iloc[0].drop("geometry", errors="ignore")
        summary = {} if row is None else _plain(row)
        parcels_in = man["inputs"]["parcels"]
    except (LandgovError, OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        detail = str(exc) if isinstance(exc, LandgovError) else f"{type(exc).__name__}：{exc}"
        if isinstance(exc, UnwrittenOutputError):  # not 「仍是上次的完整结果」: the run is fresh
            detail = f"{exc.reason}。{UNWRITTEN_COUNTY.format(folder=job.out_dir)}"
        if Path(job.out_dir).is_dir() and isinstance(
            exc, NotThisCountyError | UnwrittenOutputError
        ):
            shutil.rmtree(job.out_dir)  # its folder was written; the county failed: none at all
        return {
            **head,
            "ok": False,
            "error": detail,
            "error_type": type(exc).__name__,
            "error_file": _failed_file(exc, job),
            "traceback": traceback.format_exc(limit=3),
            "seconds": round(time.perf_counter() - t0, 2),
        }
    return {
        **head,
        "ok": True,
        "profile_version": str(man["profile"]["version"]),
        "rows_in": int(parcels_in["rows_in"]),
        "rows_out": int(parcels_in["rows_out"]),
        "rows_rejected": int(parcels_in["rows_rejected"]),
        "rows_written": len(rows),
        "governance": int(man["outputs"]["rows"]["governance"]),
        "counts": man["counts"],
        "summary": summary,
        "crs_in": parcels_in.get("crs"),
        "crs_areas": _epsg_text(run.parcels.crs),
        "part": job.part,
        "out": job.out_dir,
        "sheets_split": dict(man["outputs"].get("xlsx_text_fixes", {}).get("sheets_split", {})),
        "notes": [*_crs_notes(man), *_other_codes_note(codes, job), *_unlinked_note(man)],
        "seconds": round(time.perf_counter() - t0, 2),
    }


def _crs_notes(man: Mapping[str, Any]) -> list[str]:
    """A 警告 for each layer of the county whose coordinate system was said about (no .prj, so
    inferred from the coordinates; a declaration the coordinates contradict): the county's areas
    and overlays rest on it, and the county's 问题记录, where the reader says it, is not what the
    province reads."""
    notes = []
    for role, entry in man["inputs"].items():
        said = entry.get("crs_warnings") if isinstance(entry, Mapping) else None
        if said:
            name = Path(str(entry.get("path", role))).name
            notes.append(
                f"「{name}」的坐标系：{'；'.join(said)}。该县的面积与叠加分析均按此计算。"
                "处理：核对无误即可；否则在 ArcGIS/QGIS 中为该图层定义正确的坐标系，重新导出后"
                "重新运行全省"
            )
    return notes


def _other_codes_note(codes: Counter[str], job: CountyJob) -> list[str]:
    """A 警告 when some 宗地代码 of the county carry another county's code (a few: most would
    have failed the county): they are counted here, under the county of the folder."""
    from landgov.province.counties import county

    other = {code: n for code, n in sorted(codes.items()) if code != job.code}
    if not other:
        return []
    named = []
    for code, n in other.items():
        try:
            named.append(f"{code} {county(code).name} {n} 宗")
        except KeyError:
            named.append(f"{code}（不是浙江省的县级代码）{n} 宗")
    return [
        f"{sum(other.values())} 宗的宗地代码前 6 位是其他县（市、区）的代码（{'、'.join(named)}），"
        f"按 province.json 所列的 {job.code} {job.name} 筛查并计入本县；若这些宗地也由那个县报送，"
        "见 province.xlsx「跨县重复宗地」表。处理：核对这些宗地应归哪个县"
    ]


def _unlinked_note(man: dict[str, Any]) -> list[str]:
    """A 警告 when most link rows or most firms of a county with plots joined nothing (an
    enterprise or link table of another county, whose firms and plots are not this county's):
    its plots are then mostly 待核实 for want of firm data, which the province would otherwise
    report as a plain 完成. Each row's reason is in the county workbook's 问题记录."""
    rows, inputs = man["outputs"]["rows"], man["inputs"]
    if not inputs["parcels"]["rows_out"]:
        return []  # no usable plot: said on its own (run._result_warnings)
    said = []
    links = inputs.get("links")
    if links and 2 * int(rows.get("unmatched_links", 0)) > int(links["rows_out"]):
        said.append(f"地企关联 {links['rows_out']} 行中 {rows['unmatched_links']} 行未能连接")
    firms = inputs["enterprises"]["rows_out"]
    if 2 * int(rows.get("unmatched_enterprises", 0)) > int(firms):
        said.append(f"企业表 {firms} 家中 {rows['unmatched_enterprises']} 家未连到任何宗地")
    if not said:
        return []
    return [
        f"{'，'.join(said)}：多半不是本县的数据（常见：放了其他县的企业表或地企关联表），"
        "其宗地因缺企业数据多判为待核实。处理：核对该县文件夹中的企业表和地企关联表是否为本县"
        "的（每行原因见该县工作簿的「问题记录」表），改正后重新运行全省"
    ]


def _check_folder(job: CountyJob) -> None:
    """Refuse a county whose folder (``folder`` of its index entry) is missing or is a file,
    naming the folder as written (blanks shown inside 「」) rather than its first file."""
    if job.folder is None:
        return
    folder = Path(job.folder)
    if folder.is_dir():
        _check_nested(job, folder)
        return
    problem = "不是文件夹（是一个文件）" if folder.exists() else "县（市、区）文件夹不存在"
    fix = (
        f"核对 province.json 中 {job.code} {job.name} 的 folder 是否与省级文件夹里该县的"
        "文件夹名一致（省略 folder 时为「县级代码_名称」），或补交该县的文件夹后重新运行全省"
    )
    packed = [folder] if folder.is_file() and folder.suffix.lower() in _ARCHIVES else []
    packed += [
        beside
        for suffix in sorted(_ARCHIVES)
        if not folder.exists() and (beside := folder.with_name(folder.name + suffix)).is_file()
    ]
    if packed:  # a county sent as 330683_嵊州市.zip and not unpacked
        problem = f"{problem}：省级文件夹中的「{packed[0].name}」是压缩包，未解压"
        fix = (
            f"把「{packed[0].name}」解压为省级文件夹中的一个文件夹（其中直接放该县的文件），"
            f"province.json 中 {job.code} {job.name} 的 folder 写该文件夹名，再重新运行全省"
        )
    raise InputError([Issue(str(folder), "folder", f"「{folder.name}」", problem, fix)])


def _check_nested(job: CountyJob, folder: Path) -> None:
    """Refuse a county folder whose parcels file is one folder down (an archive unpacked into a
    folder of its own name: 330683_嵊州市/330683_嵊州市/parcels.parquet), naming that folder;
    else the run's 「文件不存在」 would not say the file is there."""
    parcels = job.files.get("parcels")
    if parcels is None or Path(parcels).exists() or Path(parcels).parent != folder:
        return
    inner = sorted(
        p.name for p in folder.iterdir() if p.is_dir() and (p / Path(parcels).name).is_file()
    )
    if not inner:
        return
    raise InputError(
        [
            Issue(
                str(parcels), "parcels", f"「{inner[0]}/{Path(parcels).name}」",
                f"文件不存在；它在下一层的文件夹「{inner[0]}」中（解压时多了一层文件夹）",
                f"把「{inner[0]}」中的文件移到「{folder.name}」中，"
                f"或把 province.json 中 {job.code} {job.name} 的 folder 写为"
                f"「{folder.name}/{inner[0]}」，再重新运行全省",
            )
        ]
    )  # fmt: skip


def _epsg_text(crs: Any) -> str | None:
    """``EPSG:4550`` for a CRS with an EPSG code, else its name (``None`` without a CRS)."""
    if crs is None:
        return None
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else str(crs.name)


def _parcels_belong(job: CountyJob) -> None:
    """After a failed run: raise :class:`NotThisCountyError` when the county's parcel layer is
    not the county's (:func:`_check_belongs`), which then explains the failure.

    A parcel layer in the wrong 3° zone or of another county makes every other layer look far
    away from it, and the run stops on the first such layer (「规划图层离宗地图层约 287 公里」),
    naming a file that is right. The place of the parcels is checked first here; a layer that
    cannot be read for this check leaves the run's own error as it was.
    """
    from landgov.io.parcels import read_parcels

    try:
        read = read_parcels(job.files["parcels"], aliases=job.aliases)
        parcels = read.data
        if parcels.crs is None or "parcel_id" not in parcels.columns:
            return
        rows = parcels[["parcel_id", parcels.geometry.name]].to_crs(PROVINCE_CRS)
    except Exception:  # the run's own error says what is wrong with this file
        return
    _check_belongs(rows, job, crs_in=(read.meta.get("crs") or {}).get("epsg"))


class NotThisCountyError(InputError):
    """A county folder holds data of another place (宗地代码 or coordinates say so)."""


def _check_belongs(rows: gpd.GeoDataFrame, job: CountyJob, *, crs_in: object) -> Counter[str]:
    """Refuse a county whose parcels are not the county's: most 宗地代码 carry another county's
    6-digit code, or the layer lies far from the county (a wrong 3° zone in the .prj or the
    GeoParquet CRS: 舟山 read with central meridian 120°E lands about 3° west, in 杭州).

    A province roll-up would otherwise count those plots under the wrong county (and twice, when
    they are another county's data). Both are facts of the whole file, so the county fails; a
    few broken codes among the county's own are the district run's business (rejected/flagged).
    Returns the county codes of the well-formed 宗地代码, counted.
    """
    from landgov.crs import _fits_county, layer_centre
    from landgov.ids import check_parcel_code
    from landgov.province.counties import county

    source = job.files.get("parcels", job.out_dir)
    here = county(job.code)
    parsed = [c.county for c in map(check_parcel_code, rows["parcel_id"].dropna()) if c.ok]
    codes = Counter(parsed)
    if parsed:
        (top, n), *_ = codes.most_common(1)
        if top != job.code and 2 * n > len(parsed):
            try:
                other = f"{top}（{county(top).name}）"
            except KeyError:
                other = top
            raise NotThisCountyError(
                [
                    Issue(
                        source, "宗地代码", f"{top}…（{n}/{len(parsed)} 宗）",
                        f"宗地代码前 6 位多为 {other}，不是 province.json 所列的 "
                        f"{job.code} {job.name}",
                        "核对该县文件夹里是否放了其他县的数据，"
                        "或改正 province.json 中该县的 code / folder",
                    )
                ]
            )  # fmt: skip
    geoms = rows.geometry[rows.geometry.notna() & ~rows.geometry.is_empty]
    if geoms.empty:
        return codes
    lon, lat = layer_centre(geoms.bounds.to_numpy())  # where most plots are, as the reader
    if not _fits_county(lon, job.code):
        raise NotThisCountyError(
            [
                Issue(
                    source, "crs", crs_in,
                    f"按该坐标系读取，宗地图层中心在 {lon:.2f}°E、{lat:.2f}°N，"
                    f"离 {job.code} {job.name}（约 {here.lon:.1f}°E、{here.lat:.1f}°N）太远",
                    f"多为 .prj 或 GeoParquet 坐标系的投影带写错（{job.name}在 "
                    f"{here.zone} 带，中央经线 {here.zone * 3}°E）：在 ArcGIS/QGIS 中为图层定义"
                    "正确的坐标系后重新导出（可先用 landgov inspect --crs 试读）；"
                    "或该文件夹放了其他地方的数据",
                )
            ]
        )  # fmt: skip
    return codes


def _plain(row: pd.Series) -> dict[str, Any]:
    """A summary row as JSON-able values (NaN / NA → None)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            out[str(key)] = None
        elif isinstance(value, np.generic):
            out[str(key)] = value.item()
        else:
            out[str(key)] = value
    return out
