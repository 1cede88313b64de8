"""A Shapefile whose parts are named in capitals (「宗地.SHP」, 「宗地.DBF」, 「宗地.PRJ」), as
ArcGIS and old export tools write them: read as GDAL reads it, the same as in lower case.

Before, the .dbf's encoding was looked for at 「宗地.dbf」 only, and the run stopped with
「GDAL：[Errno 2] No such file or directory: '宗地.dbf'」; the .prj was not read either.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from landgov.io.layers import read_demolition
from landgov.io.parcels import read_parcels

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _upper(name: str, to: Path) -> Path:
    for part in SAMPLE.glob(f"{name}.*"):
        shutil.copy(part, to / f"{name}{part.suffix.upper()}")
    return to / f"{name}.SHP"


def test_parcels_in_capitals_read_as_in_lower_case(tmp_path: Path) -> None:
    upper = read_parcels(_upper("parcels", tmp_path))
    lower = read_parcels(SAMPLE / "parcels.shp")
    assert upper.meta["encoding"]["name"] == lower.meta["encoding"]["name"] == "GBK"
    assert upper.data.crs == lower.data.crs
    assert upper.data.drop(columns="geometry").equals(lower.data.drop(columns="geometry"))


def test_a_layer_in_capitals_reads_with_its_cpg(tmp_path: Path) -> None:
    upper = read_demolition(_upper("demolition", tmp_path))
    lower = read_demolition(SAMPLE / "demolition.shp")
    assert upper.data.drop(columns="geometry").equals(lower.data.drop(columns="geometry"))
