"""The 行政区代码 (XZQDM) of a plot against the county of the run.

County parcel layers from 自然资源 systems carry the 统计用区划代码 of each plot's place
(县级 6 digits, 乡级 9, 村级 12). A plot whose code names another county than the run's is
said with a warning naming both counties, and kept: a plot of a 新区 or 开发区 spanning counties
is screened where it is managed (越城区、滨海新区 screen plots with 柯桥、上虞 codes, the profile's
``zengrong.scope_county_codes_unsure``), so another county's code is never a reason to drop it
silently or otherwise. A code that disagrees with the plot's own 宗地代码 (first 6 digits) is a
warning too. A layer whose codes are all the run's county is silent.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from landgov.io.parcels import read_parcels
from landgov.province import generate_province
from tests._cli import run_cli
from tests._hand import plots
from tests._shapefiles import write_shapefile

AS_OF = "2026-06-30"


def _read(tmp_path: Path, codes: list[object]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Four hand-drawn 越城 plots (宗地代码 330602…) with a 行政区代码 column of ``codes``."""
    layer = plots(len(codes), 行政区代码=codes)
    path = tmp_path / "parcels.gpkg"
    layer.to_file(path)
    res = read_parcels(path)
    return res.data, res.rejected, res.problems


def _about(problems: pd.DataFrame) -> pd.DataFrame:
    return problems[problems["field"] == "行政区代码"]


def test_all_one_county_of_the_run_is_silent(tmp_path: Path) -> None:
    data, rejected, problems = _read(tmp_path, ["330602"] * 4)
    assert len(data) == 4 and rejected.empty
    assert list(data["admin_code"]) == ["330602"] * 4
    assert _about(problems).empty


def test_township_and_village_codes_of_the_county_are_silent(tmp_path: Path) -> None:
    """9-digit 330602001 (乡级) and 12-digit 330602001001 (村级): county 330602, no message."""
    data, rejected, problems = _read(tmp_path, ["330602001", "330602001001", "330602", None])
    assert len(data) == 4 and rejected.empty
    assert list(data["admin_code"])[:3] == ["330602001", "330602001001", "330602"]
    assert _about(problems).empty


def test_plot_of_the_neighbouring_county_is_said_with_its_name_and_kept(tmp_path: Path) -> None:
    """Plot 2 (row 2) says 330603 = 柯桥区 in a layer of 越城 (every 宗地代码 330602…): the
    run's county is 330602; the plot is kept (a 滨海新区 plot may carry 柯桥's code) and a
    warning names both counties by name and what to do. Before: no word at all."""
    data, rejected, problems = _read(tmp_path, ["330602", "330603", "330602", "330602"])
    assert list(data["source_row"]) == [1, 2, 3, 4] and rejected.empty
    (row,) = _about(problems).itertuples()
    assert (row.row, str(row.value), row.severity) == (2, "330603", "警告")
    assert "330602001001GB00001" in row.problem
    assert "柯桥区" in row.problem and "越城区" in row.problem
    assert "移出" in row.action and "滨海新区" in row.action and "该行保留" in row.action


def test_code_disagreeing_with_its_parcel_code_is_a_warning(tmp_path: Path) -> None:
    """Most plots say 330603 (柯桥区) by 宗地代码 and 行政区代码; plot 4 has 宗地代码 330603… but
    行政区代码 330602: another county than the run's → warning, kept. Plot 1's 宗地代码 330602…
    with 行政区代码 330603: the run's county, but not its 宗地代码's → warning, kept."""
    layer = plots(4, 行政区代码=["330603"] * 3 + ["330602"])
    layer["parcel_id"] = [f"330603001001GB{i:05d}" for i in range(4)]
    layer.loc[0, "parcel_id"] = "330602001001GB00000"
    path = tmp_path / "p.gpkg"
    layer.to_file(path)
    res = read_parcels(path)
    assert list(res.data["source_row"]) == [1, 2, 3, 4] and res.rejected.empty
    about = _about(res.problems).set_index("row")
    assert about.loc[1, "severity"] == "警告" and "不一致" in about.loc[1, "problem"]
    assert about.loc[4, "severity"] == "警告" and "越城区" in about.loc[4, "problem"]


def test_codes_stored_as_numbers_in_a_shapefile(tmp_path: Path) -> None:
    """A .dbf numeric field XZQDM (N 12,0): 330602, 330602001 and 330603 read as codes, never
    「330602.0」; the 330603 plot (柯桥区) said as above."""
    layer = plots(3)
    records = [
        [pid, "工业用地", value]
        for pid, value in zip(layer["parcel_id"], ["330602", "330602001", "330603"], strict=True)
    ]
    path = write_shapefile(
        tmp_path / "p.shp", list(layer.geometry),
        [("ZDDM", 19), ("TDYT", 8), ("XZQDM", 12, 0)], records,
        encoding="GBK", prj=layer.crs, cpg="GBK",
    )  # fmt: skip
    res = read_parcels(path)
    assert list(res.data["admin_code"]) == ["330602", "330602001", "330603"]
    (row,) = _about(res.problems).itertuples()
    assert "330603（柯桥区）" in row.problem


# -- a province folder holding 5 plots of its neighbour ----------------------------------------

YC, KQ = "330602_越城区", "330603_柯桥区"


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prov")
    generate_province(root, n_parcels=200, counties=["330602", "330603"], seed=5)
    return root


def test_province_county_folder_with_neighbour_plots_says_each(
    province: Path, tmp_path: Path
) -> None:
    """越城's folder holds its 100 plots (行政区代码 330602) and 5 of 柯桥's (330603, their
    own 宗地代码 330603…): nothing is dropped (rows in = rows out + rejected), and each of the
    5 is said in 越城's problems with both counties named — was: counted under 越城, no word."""
    folder = tmp_path / "p"
    shutil.copytree(province, folder)
    yc, kq = folder / YC / "parcels.parquet", folder / KQ / "parcels.parquet"
    own, theirs = gpd.read_parquet(yc), gpd.read_parquet(kq)
    n, base = len(own), len(read_parcels(yc).rejected)  # the generator's own rejected rows
    own["行政区代码"] = "330602"
    five = theirs.head(5).copy()
    five["行政区代码"] = "330603"
    pd.concat([own, five.to_crs(own.crs)], ignore_index=True).to_parquet(yc)
    said = read_parcels(yc).problems
    said = said[(said["field"] == "行政区代码") & said["problem"].str.contains("柯桥区")]
    assert sorted(said["value"].astype(str)) == ["330603"] * 5
    out = tmp_path / "out"
    result = run_cli("screen", folder, "-o", out, "--as-of", AS_OF)
    assert result.returncode == 0, result.stdout + result.stderr
    man = json.loads((out / "manifest.json").read_text("utf-8"))["province"]
    got = {c["code"]: c for c in man["counties"]}
    assert got["330602"]["rows_in"] == n + 5
    assert got["330602"]["rows_out"] + got["330602"]["rows_rejected"] == n + 5
    assert got["330602"]["rows_rejected"] == base
