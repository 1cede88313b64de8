"""Read back what a screening run wrote, for the stages that build on it (台账, 动态评价).

:func:`read_screening` checks the folder (:func:`landgov.core.runfolder.verify`: complete,
unchanged) and returns the 底数清单 (``parcels``), the 治理清单 (``governance``), the
``enterprises`` table, the ``township_summary`` and the ``screen`` section of the manifest, with
the policy profile the run used when it can still be loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from landgov.core.dates import parse_date
from landgov.core.editable import RUN_DATE
from landgov.core.missing import is_missing
from landgov.core.runfolder import GPKG, stage_view, verify
from landgov.core.runread import read_run_layer, run_layers
from landgov.errors import DataFileError, LandgovError
from landgov.policy import Param, Profile, load_profile

__all__ = ["ScreeningResult", "loaded_profile", "read_screening"]


@dataclass(frozen=True)
class ScreeningResult:
    """One screening run as written.

    Attributes
    ----------
    folder
        The run folder.
    parcels, governance
        The 底数清单 and the 治理清单 (``parcel_id`` as text).
    enterprises
        The enterprise table (``uscc`` as text); empty when the run has none.
    townships
        The 镇街 summary (``township_summary``), the 全区 row last; empty when absent.
    screen
        The ``screen`` section of the manifest.
    profile
        The profile the run used, or ``None`` when it cannot be loaded any more.
    """

    folder: Path
    parcels: gpd.GeoDataFrame
    governance: gpd.GeoDataFrame
    enterprises: pd.DataFrame
    townships: pd.DataFrame
    screen: dict[str, Any]
    profile: Profile | None

    @property
    def as_of(self) -> dt.date | None:
        """The run's reference date (``as_of``)."""
        return parse_date(self.screen.get("as_of"))

    def written_for(self) -> dict[str, object]:
        """What a workbook written from this run for people to fill in and return (核实表,
        人工认定表) records about it (``about`` of
        :func:`~landgov.core.editable.add_editable_sheet`): its 基准日
        (:data:`~landgov.core.editable.RUN_DATE`, checked when the workbook comes back), folder
        and time."""
        day = self.as_of
        return {
            RUN_DATE: day.isoformat() if day is not None else None,
            "筛查结果": self.folder.name,
            "筛查时间": self.screen.get("generated_at"),
        }

    @property
    def low_efficiency_line(self) -> Param | None:
        """The 亩均税收 line (万元/亩, ``screening.low_efficiency_tax_per_mu``) the run screened
        low efficiency against, as its profile gives it; ``None`` when the profile cannot be
        loaded or does not set it. The one reading of it for what reads a run afterwards (the
        ledger's 销号 reason, the 动态评价's 变化原因)."""
        key = "screening.low_efficiency_tax_per_mu"
        return self.profile[key] if self.profile is not None and key in self.profile else None

    @property
    def profile_label(self) -> str:
        """``name v版本`` of the run's profile, as the manifest records it."""
        prof = self.screen.get("profile") or {}
        return f"{prof.get('name', '未知')} v{prof.get('version', '?')}"


def _table(gpkg: Path, name: str, layers: set[str]) -> pd.DataFrame:
    """A table of the run without its geometry; empty when the run has no such layer."""
    return read_run_layer(gpkg, name, geometry=False) if name in layers else pd.DataFrame()


def read_screening(folder: str | Path) -> ScreeningResult:
    """Read a screening run folder (``landgov screen`` or ``landgov demo`` output).

    Raises
    ------
    DataFileError
        Not a complete, unchanged landgov run, or no screening in it.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFileError(f"{folder} 不是文件夹：请给出 landgov screen 的输出文件夹")
    manifest = verify(folder)
    screen = stage_view(manifest, "screen")
    gpkg = folder / GPKG
    layers = set(run_layers(gpkg)) if gpkg.is_file() else set()
    if "parcels" not in layers or "governance" not in layers:
        raise DataFileError(
            f"{folder} 中没有筛查结果（{GPKG} 的 parcels、governance 图层）："
            "请先运行 landgov screen"
        )
    parcels = read_run_layer(gpkg, "parcels")
    governance = read_run_layer(gpkg, "governance")
    for frame in (parcels, governance):
        frame["parcel_id"] = frame["parcel_id"].astype(str)
    ents = _table(gpkg, "enterprises", layers)
    if "uscc" in ents:
        ents["uscc"] = ents["uscc"].map(lambda v: None if is_missing(v) else str(v).strip())
    towns = _table(gpkg, "township_summary", layers)
    return ScreeningResult(
        folder=folder,
        parcels=parcels,
        governance=governance,
        enterprises=ents,
        townships=towns,
        screen=dict(screen),
        profile=loaded_profile(screen),
    )


def loaded_profile(screen: Mapping[str, Any]) -> Profile | None:
    """The profile a run's manifest (its screening section) names, loaded; ``None`` when it
    names none or this installation cannot load it any more."""
    prof = screen.get("profile")
    name = prof.get("name") if isinstance(prof, Mapping) else None
    if not name:
        return None
    try:
        return load_profile(name)
    except (LandgovError, OSError, KeyError, ValueError):
        return None
