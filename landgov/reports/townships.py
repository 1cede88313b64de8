"""One folder per 镇街 (``--by-township``): its own lists, map and forms, nothing of the others.

Inside the run folder, ``镇街分册/<镇街>/`` holds

- ``筛查清单.xlsx`` (``landgov screen``): the 底数清单 and 治理清单 of the 镇街's plots, the
  连片地块 touching it, the enterprises of the 镇街, its 镇街汇总 row with the 全区 row for
  comparison, the 策略参数 and the 政策依据, laid out as the district workbook
  (:mod:`landgov.reports.handout`);
- ``治理地图.png``: the 四个一批 print map of its plots (:func:`landgov.maps.render_static`);
- ``增容审查.xlsx`` and its 初审表 (``landgov far``): the candidates and applications of the 镇街.

Plots without a 镇街 go to the folder ``镇街不明``
(:data:`~landgov.core.vocab.UNKNOWN_TOWNSHIP`, the row the 镇街汇总 counts them in) so that
every plot is in one folder. The folders are written inside the stage, so the manifest lists
and hashes them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from landgov.core.vocab import DISTRICT, UNKNOWN_TOWNSHIP
from landgov.policy import Profile
from landgov.reports.excel import SheetSpec, write_sheets, write_workbook
from landgov.reports.filenames import township_name, township_names
from landgov.reports.handout import basis_spec, screening_sheets
from landgov.reports.labels import LABELS
from landgov.reports.printlist import PRINT_FORMATS, page_note, print_title

__all__ = [
    "NO_TOWNSHIP",
    "TOWNSHIP_DIR",
    "township_folder",
    "township_folders",
    "township_of",
    "write_far_townships",
    "write_screening_townships",
]

TOWNSHIP_DIR = "镇街分册"
NO_TOWNSHIP = UNKNOWN_TOWNSHIP  # the 镇街汇总 row of the same plots


def township_of(frame: pd.DataFrame) -> pd.Series:
    """The 镇街 of each row; blank or missing → :data:`NO_TOWNSHIP`."""
    if "township" not in frame:
        return pd.Series(NO_TOWNSHIP, index=frame.index, dtype=object)
    text = (
        frame["township"]
        .astype(object)
        .map(lambda v: str(v).strip() if isinstance(v, str) and str(v).strip() else NO_TOWNSHIP)
    )
    return text.astype(object)


def township_folder(out: Path, name: str) -> Path:
    """``out/镇街分册/<name>`` as a name Windows accepts (:func:`~landgov.reports.filenames
    .township_name`: characters a file name cannot hold as their full-width forms, 「／」)."""
    return out / TOWNSHIP_DIR / township_name(name, blank=NO_TOWNSHIP)


def township_folders(out: Path, names: Iterable[str]) -> dict[str, Path]:
    """Each 镇街's folder, one per name (:func:`~landgov.reports.filenames.township_names`).
    Before, two 镇街 could share one, and the second's 筛查清单 was written over the first's,
    silently."""
    named = township_names(names, blank=NO_TOWNSHIP)
    return {name: out / TOWNSHIP_DIR / folder for name, folder in named.items()}


def _names(*frames: pd.DataFrame | None) -> list[str]:
    names: set[str] = set()
    for frame in frames:
        if frame is not None and len(frame):
            names |= set(township_of(frame))
    return sorted(names)


def _blocks_of(blocks: pd.DataFrame, name: str, parcel_ids: set[str]) -> pd.DataFrame:
    if not len(blocks) or "parcel_ids" not in blocks:
        return blocks.iloc[0:0]
    touches = blocks["parcel_ids"].map(
        lambda ids: bool(parcel_ids & set(re.split(r"[；;,，\s]+", str(ids))))
    )
    return blocks[touches]


def _summary_rows(townships: pd.DataFrame, name: str) -> pd.DataFrame:
    if "township" not in townships:
        return townships
    return townships[townships["township"].isin([name, DISTRICT])]


def write_screening_townships(
    run: Any,
    out: Path,
    *,
    profile: Profile,
    title: str | None = None,
    as_of: dt.date | None = None,
    simulated: bool = False,
) -> list[Path]:
    """Write ``镇街分册/<镇街>/筛查清单.xlsx`` and ``治理地图.png`` for every 镇街 of ``run``.

    ``run`` is a :class:`landgov.run.screening.ScreeningRun`; returns the files written. The
    workbook's 治理清单（打印） is titled with the 县区, the 镇街 and ``as_of`` (and 模拟数据
    when ``simulated``).
    """
    parcels = run.parcels
    towns = township_of(parcels)
    written: list[Path] = []
    for name, folder in township_folders(out, _names(parcels)).items():
        folder.mkdir(parents=True, exist_ok=True)
        mine = parcels[towns == name]
        ids = set(mine["parcel_id"].astype(str)) if "parcel_id" in mine else set()
        gov = run.governance[township_of(run.governance) == name]
        ents = run.enterprises[township_of(run.enterprises) == name]
        sheets = [
            ("底数清单", mine),
            ("治理清单", gov),
            ("连片地块", _blocks_of(run.blocks, name, ids)),
            ("企业评价", ents),
            ("镇街汇总", _summary_rows(run.townships, name)),
        ]
        frames = [(n, pd.DataFrame(f).drop(columns="geometry", errors="ignore")) for n, f in sheets]
        tables, styles = screening_sheets(
            frames,
            profile,
            title=print_title(profile.region, as_of, township=name, simulated=simulated),
        )
        path = folder / "筛查清单.xlsx"
        write_workbook(tables, path, labels=LABELS, formats=PRINT_FORMATS, styles=styles,
                       page_note=page_note(as_of, profile))  # fmt: skip
        written.append(path)
        if (
            png := _map(run, mine=mine, gov=gov, name=name, folder=folder, title=title)
        ) is not None:
            written.append(png)
    return written


def _map(
    run: Any,
    *,
    mine: gpd.GeoDataFrame,
    gov: gpd.GeoDataFrame,
    name: str,
    folder: Path,
    title: str | None,
) -> Path | None:
    """The 四个一批 print map of one 镇街's plots (none for plots without geometry)."""
    from landgov.maps import render_static
    from landgov.maps._run import RunData

    if not isinstance(mine, gpd.GeoDataFrame) or mine.geometry.isna().all() or mine.crs is None:
        return None
    bounds = run.townships
    shape = None
    if isinstance(bounds, gpd.GeoDataFrame) and "township" in bounds:
        shape = bounds[bounds["township"] == name]
        shape = shape if len(shape) else None
    data = RunData(
        path=folder,
        parcels=mine,
        governance=gov if isinstance(gov, gpd.GeoDataFrame) else None,
        townships=shape,
        manifest=run.manifest or {},
    )
    head = f"{title}：{name}" if title else f"{name} 工业用地治理"
    return Path(render_static(data, folder / "治理地图.png", theme="path", title=head))


def write_far_townships(
    packet: pd.DataFrame,
    out: Path,
    *,
    profile: Profile,
    write_forms: Callable[[pd.DataFrame | None, pd.DataFrame, Path], Sequence[Path]],
    applications: pd.DataFrame | None,
    screened: pd.DataFrame,
    as_of: dt.date | None = None,
) -> list[Path]:
    """Write ``镇街分册/<镇街>/增容审查.xlsx`` and its 初审表 for every 镇街 of the 增容 check.

    ``write_forms(applications, screened, folder)`` writes the forms of the given rows into
    ``folder`` (the stage's own form writer, so the forms are the district's, row for row).
    """
    from landgov.reports.packet import packet_sheet

    written: list[Path] = []
    town_packet = township_of(packet)
    town_screened = township_of(screened)
    town_apps = township_of(applications) if applications is not None else None
    for name, folder in township_folders(out, _names(packet, applications)).items():
        folder.mkdir(parents=True, exist_ok=True)
        rows = packet[town_packet == name].reset_index(drop=True)
        path = folder / "增容审查.xlsx"
        specs: list[SheetSpec] = [packet_sheet(rows), basis_spec(profile, [rows])]
        write_sheets(specs, path, page_note=page_note(as_of, profile))
        written.append(path)
        apps = None if applications is None else applications[town_apps == name]
        written += write_forms(apps, screened[town_screened == name], folder)
    return written
