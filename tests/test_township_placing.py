"""A plot's 镇街 is decided once (landgov.core.township) and every output agrees on it.

Hand-drawn county: two 镇街 squares side by side, 甲街道 (west, x0 … x0+1900 m) and 乙镇
(east, x0+1900 … x0+3900 m); five 21-亩 plots 1 km apart (tests._hand.square):

=====  ==========  ===========  =====================================================
plot   镇街 field  lies in      the one 镇街
=====  ==========  ===========  =====================================================
0      甲街道      甲街道       甲街道 (given, agrees)
1      (blank)     甲街道       甲街道, 按镇街边界 (提示)
2      甲街道      乙镇         甲街道 as given, 警告 naming both
3      乙镇        乙镇         乙镇
4      (blank)     no boundary  blank → 镇街不明 (警告)
=====  ==========  ===========  =====================================================

So 甲街道 has 3 plots, 乙镇 1 and 镇街不明 1 — in the 底数清单, the GeoPackage, the 镇街汇总
and the ``--by-township`` folders alike, and in the 增容 stage's 增容审查 and ``far`` layer, of
one run (``landgov screen --far``) or alone (``landgov far --townships``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landgov.core.plausible import check_reads
from landgov.core.problems import PROBLEM_COLUMNS, ReadResult
from landgov.run.far import FarOptions, run_far
from landgov.run.files import RunInputs
from landgov.run.screening import run_screening
from tests._cli import run_cli
from tests._hand import AS_OF, CRS, X0, Y0, firms, hand_files, plots

JIA, YI, UNKNOWN = "甲街道", "乙镇", "镇街不明"
GIVEN = [JIA, None, JIA, YI, None]
EXPECTED = [JIA, JIA, JIA, YI, None]  # the one 镇街 of each plot


def _boundaries() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"township": [JIA, YI]},
        geometry=[
            shapely.box(X0 - 100, Y0 - 100, X0 + 1900, Y0 + 500),
            shapely.box(X0 + 1900, Y0 - 100, X0 + 3900, Y0 + 500),
        ],
        crs=CRS,
    )


def _plain(values: object) -> list[object]:
    """Cells as Python values, a missing one as None (Excel and pandas read NaN)."""
    return [None if pd.isna(v) else v for v in values]  # type: ignore[attr-defined]


def _read(data: pd.DataFrame) -> ReadResult:
    return ReadResult(data, data.iloc[:0], pd.DataFrame(columns=PROBLEM_COLUMNS), {})


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunInputs, Path]:
    folder = tmp_path_factory.mktemp("county")
    inputs = hand_files(folder, plots(5, township=GIVEN), firms(5))
    _boundaries().to_file(folder / "townships.gpkg", driver="GPKG")
    inputs = RunInputs(**{**inputs.__dict__, "townships": folder / "townships.gpkg"})
    return inputs, folder


@pytest.fixture(scope="module")
def run(county: tuple[RunInputs, Path], yuecheng):
    inputs, folder = county
    out = folder / "out"
    got = run_screening(
        inputs, profile=yuecheng, out_dir=out, as_of=AS_OF, progress=False, echo=None,
        by_township=True, far=FarOptions(forms="none"),
    )  # fmt: skip
    return got, out


def test_boundary_share_decides_where_a_plot_lies() -> None:
    # a plot half-and-more in 甲街道 lies there; one split 50/50 lies in neither
    from landgov.core.township import plot_townships  # here: the other tests run without it

    parcels = gpd.GeoDataFrame(
        {"township": [None, None]},
        geometry=[
            shapely.box(X0 + 1800, Y0, X0 + 1960, Y0 + 100),  # 100 m west, 60 m east
            shapely.box(X0 + 1850, Y0, X0 + 1950, Y0 + 100),  # 50 m each side
        ],
        crs=CRS,
    )
    got = plot_townships(parcels, _boundaries())
    assert got["boundary"].tolist() == [JIA, None]
    assert got["share"].tolist() == pytest.approx([100 / 160, 0.5])


def test_a_plot_inside_is_share_one_and_a_ring_crossing_itself_is_no_crash() -> None:
    # wholly inside 甲街道: share 1 (no cut needed); a bowtie drawn across the boundary (a
    # ring crossing itself, as a county's file may hold before repair) is cut on its repaired
    # shape, never a GEOS 「TopologyException」 that stops the run
    from landgov.core.township import plot_townships

    bowtie = shapely.Polygon(
        [(X0 + 1800, Y0), (X0 + 2000, Y0 + 100), (X0 + 2000, Y0), (X0 + 1800, Y0 + 100)]
    )
    parcels = gpd.GeoDataFrame(
        {"township": [None, None]},
        geometry=[shapely.box(X0 + 100, Y0 + 100, X0 + 200, Y0 + 200), bowtie],
        crs=CRS,
    )
    got = plot_townships(parcels, _boundaries())
    assert got["boundary"].tolist()[0] == JIA
    assert got["share"].iloc[0] == 1.0
    assert pd.isna(got["share"].iloc[1])  # a bowtie's area is 0 as drawn: no share


def test_reading_places_blank_plots_and_says_every_decision(yuecheng) -> None:
    parcels = plots(5, township=GIVEN)
    parcels["source_row"] = [1, 2, 3, 4, 5]
    reads = {"parcels": _read(parcels), "townships": _read(_boundaries())}
    names = {"parcels": "宗地.gpkg", "townships": "镇街.gpkg"}
    got = check_reads(reads, profile=yuecheng, as_of=dt.date(2024, 6, 30), sources=names).reads
    data = got["parcels"].data
    assert data["township"].tolist() == EXPECTED
    assert data["township_note"].tolist() == [
        None,
        "镇街为空，按镇街边界定为甲街道",
        "所填镇街「甲街道」与所在镇街边界「乙镇」不符，按所填「甲街道」统计",
        None,
        "镇街为空，宗地不在镇街边界图层的任一镇街内，计入「镇街不明」",
    ]
    said = got["parcels"].problems
    said = said[said["field"] == "镇街"]
    assert [_plain(r) for r in said[["source", "row", "value", "severity"]].values] == [
        ["宗地.gpkg", 2, "（空）", "提示"],
        ["宗地.gpkg", 3, JIA, "警告"],
        ["宗地.gpkg", 5, "（空）", "警告"],
    ]
    assert "「甲街道」" in said["problem"].iat[1] and "「乙镇」" in said["problem"].iat[1]
    assert len(data) == 5  # every row kept


def test_lists_and_geopackage_carry_the_one_township(run) -> None:
    got, out = run
    assert got.parcels["township"].tolist() == EXPECTED
    listed = pd.read_excel(out / "landgov.xlsx", sheet_name="底数清单")
    assert _plain(listed["镇街"]) == EXPECTED
    assert listed["镇街说明"].notna().tolist() == [False, True, True, False, True]
    layer = gpd.read_file(out / "landgov.gpkg", layer="parcels")
    assert _plain(layer["township"]) == EXPECTED
    problems = pd.read_excel(out / "landgov.xlsx", sheet_name="问题记录")
    town = problems[problems["字段"] == "镇街"]
    assert [("按镇街边界定为甲街道" in t) for t in town["问题"]] == [True, False, False]


def test_summary_counts_each_plot_where_the_lists_put_it(run) -> None:
    got, out = run
    counts = got.townships.set_index("township")["n_parcels"]
    assert counts[[JIA, YI, UNKNOWN, "全区"]].tolist() == [3, 1, 1, 5]
    listed = pd.read_excel(out / "landgov.xlsx", sheet_name="底数清单")
    by_list = listed["镇街"].fillna(UNKNOWN).value_counts()
    assert {t: int(n) for t, n in by_list.items()} == {JIA: 3, YI: 1, UNKNOWN: 1}


def test_booklets_hold_the_plots_the_summary_counts(run) -> None:
    got, out = run
    counts = got.townships.set_index("township")["n_parcels"]
    folders = out / "镇街分册"
    held = {
        path.name: len(pd.read_excel(path / "筛查清单.xlsx", sheet_name="底数清单"))
        for path in sorted(folders.iterdir())
    }
    assert held == {JIA: 3, YI: 1, UNKNOWN: 1}
    assert all(held[name] == counts[name] for name in held)


def _far_says(out: Path) -> list[bool]:
    """Per 镇街 problem row of the 增容问题记录: does it place a blank plot by the boundary?"""
    problems = pd.read_excel(out / "landgov.xlsx", sheet_name="增容问题记录")
    return ["按镇街边界定为甲街道" in t for t in problems[problems["字段"] == "镇街"]["问题"]]


def test_the_far_stage_of_one_run_reads_the_same_township(run) -> None:
    # before: the 增容 stage read no boundary layer, so plot 1 was 镇街不明 in 增容审查 and the
    # far layer (「未提供镇街边界图层」) while the 底数清单 placed it in 甲街道
    got, out = run
    assert got.far.screened["township"].tolist() == EXPECTED
    layer = gpd.read_file(out / "landgov.gpkg", layer="far")
    assert _plain(layer["township"]) == EXPECTED
    sheet = pd.read_excel(out / "landgov.xlsx", sheet_name="增容审查")
    assert _plain(sheet["镇街"]) == EXPECTED
    assert _far_says(out) == [True, False, False]


def test_landgov_far_alone_takes_the_boundaries(county, yuecheng) -> None:
    inputs, folder = county
    out = folder / "far-alone"
    alone = run_far(inputs, profile=yuecheng, out_dir=out, as_of=AS_OF, forms="none")
    assert alone.screened["township"].tolist() == EXPECTED
    assert _far_says(out) == [True, False, False]
    assert "townships" in alone.manifest["inputs"]


def test_the_far_command_has_the_townships_option(county) -> None:
    inputs, folder = county
    out = folder / "far-cli"
    given = ["--parcels", inputs.parcels, "--enterprises", inputs.enterprises]
    done = run_cli(
        "far",
        *given,
        "--townships",
        inputs.townships,
        "-o",
        out,
        "-q",
        "--as-of",
        AS_OF.isoformat(),
    )
    assert done.returncode == 0, done.stderr
    layer = gpd.read_file(out / "landgov.gpkg", layer="far")
    assert _plain(layer["township"]) == EXPECTED
