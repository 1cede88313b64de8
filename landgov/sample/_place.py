"""Move a generated sample to another county: its area, its 3° zone, its code and townships.

The district sample is drawn around 越城区 (CM 120°E, EPSG:4549, 宗地代码 ``330602…``). A
:class:`Placement` shifts every layer so that the area's centre lands on the county's centre in
the county's own CGCS2000 3° zone, replaces the county part of every 宗地代码 and renames the six
townships. Shapes, areas and every attribute stay what the seed gives (a translation keeps areas
exactly), so a placed county is screened like the district sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landgov.crs import transformer

from ._geometry import CENTRE
from ._parcels import COUNTY
from ._words import TOWNSHIPS

__all__ = ["Placement"]

_GEOGRAPHIC = 4490  # CGCS2000 longitude/latitude
_LAYERS = (
    "parcels", "buildings", "townships", "planning", "demolition", "special_zones", "approved",
)  # fmt: skip
_TABLES = ("enterprises", "links", "compliance", "applications")


@dataclass(frozen=True)
class Placement:
    """Where a generated county goes.

    Attributes
    ----------
    code
        6-digit county code; replaces ``330602`` at the head of every 宗地代码.
    epsg
        The county's projected CRS (e.g. 4528 = CGCS2000 3° zone 40 with the zone prefix).
    lon, lat
        The county's centre in CGCS2000 degrees; the area's centre is moved there.
    townships
        Six township names replacing the district sample's, in the same order.
    """

    code: str
    epsg: int
    lon: float
    lat: float
    townships: tuple[str, ...]

    def offset(self) -> tuple[float, float]:
        """Metres to add to the sample's EPSG:4549 coordinates to land on the county's centre."""
        to_zone = transformer(_GEOGRAPHIC, self.epsg)
        x, y = to_zone.transform(self.lon, self.lat)
        return float(x - CENTRE[0]), float(y - CENTRE[1])

    def apply(self, sample: Any) -> None:
        """Move ``sample`` (a ``generate._Sample``) in place."""
        if len(self.code) != 6 or not self.code.isdigit():
            raise ValueError(f"county code {self.code!r} is not 6 digits")
        if len(self.townships) != len(TOWNSHIPS):
            raise ValueError(f"{len(TOWNSHIPS)} township names needed")
        shift = np.asarray(self.offset())
        crs = CRS.from_epsg(self.epsg)
        names = {old: new for (old, _), new in zip(TOWNSHIPS, self.townships, strict=True)}
        for attr in _LAYERS:
            gdf = getattr(sample, attr)
            if gdf is None:
                continue
            moved = shapely.transform(gdf.geometry.to_numpy(), lambda xy: xy + shift)
            out = gpd.GeoDataFrame(
                self._renamed(pd.DataFrame(gdf.drop(columns="geometry")), names),
                geometry=gpd.GeoSeries(moved, crs=crs),
            )
            out.attrs = gdf.attrs
            setattr(sample, attr, out)
        for attr in _TABLES:
            frame = getattr(sample, attr)
            renamed = self._renamed(frame, names)
            renamed.attrs = frame.attrs
            setattr(sample, attr, renamed)
        for row in sample.bad_rows:
            row["value"] = self._code(row.get("value"))
        for app in sample.notes.get("applications", []):
            app["宗地代码"] = self._code(app.get("宗地代码"))

    def _code(self, value: object) -> object:
        if isinstance(value, str) and value.startswith(COUNTY):
            return self.code + value[len(COUNTY) :]
        return value

    def _renamed(self, frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
        out = frame.copy()
        if "宗地代码" in out.columns:
            codes = out["宗地代码"].to_numpy(dtype=object)
            out["宗地代码"] = np.array([self._code(v) for v in codes], dtype=object)
        if "镇街" in out.columns:
            out["镇街"] = out["镇街"].map(lambda v: names.get(v, v) if isinstance(v, str) else v)
        return out
