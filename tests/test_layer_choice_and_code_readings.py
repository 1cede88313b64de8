"""Which layer of a multi-layer file is read (F10), and land-use codes two national
classifications read differently (F9: 「0601」, 「1001」)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from landgov.core.problems import ProblemLog
from landgov.errors import DataFileError
from landgov.io import read_parcels, read_townships
from landgov.policy import load_profile

E0, N0 = 555_900, 3_320_200


def _plots(n: int, **columns: list[object]) -> gpd.GeoDataFrame:
    codes = [f"330602001002GB{i:05d}" for i in range(1, n + 1)]
    shapes = [box(E0 + 100 * i, N0, E0 + 100 * i + 80, N0 + 80) for i in range(n)]
    return gpd.GeoDataFrame({"宗地代码": codes, **columns}, geometry=shapes, crs=4549)


def test_two_parcel_layers_are_refused_naming_each_with_its_rows_and_fields(
    tmp_path: Path,
) -> None:
    path = tmp_path / "宗地.gpkg"
    _plots(2, 土地用途=["工业用地"] * 2).to_file(path, layer="宗地2023", driver="GPKG")
    _plots(5, 土地用途=["工业用地"] * 5).to_file(path, layer="宗地2024", driver="GPKG")
    with pytest.raises(DataFileError) as err:
        read_parcels(path)
    text = str(err.value)
    assert "宗地.gpkg" in text and "有 2 个图层都含必填字段「宗地代码」" in text
    assert "「宗地2023」2 行，识别字段：宗地代码、土地用途" in text
    assert "「宗地2024」5 行" in text
    assert "--layer parcels=宗地2024" in text
    assert len(read_parcels(path, layer="宗地2024").data) == 5  # a choice is still read


def test_an_empty_parcel_layer_beside_the_data_is_passed_over_and_said(tmp_path: Path) -> None:
    """A GeoPackage holding the data and an empty template of the same fields (「宗地_模板」,
    0 features) was refused as two layers to choose from; the empty one has nothing to screen,
    so the other is read, with a 警告 naming both (a choice made for the user). Two layers with
    features still tie."""
    path = tmp_path / "宗地.gpkg"
    _plots(1).iloc[:0].to_file(path, layer="宗地_模板", driver="GPKG")
    _plots(3, 土地用途=["工业用地"] * 3).to_file(path, layer="宗地2024", driver="GPKG")
    parcels = read_parcels(path)
    assert len(parcels.data) == 3 and parcels.meta["layer"] == "宗地2024"
    said = parcels.problems[parcels.problems["field"] == "layer"]
    assert len(said) == 1 and said["severity"].iloc[0] == "警告"
    assert "「宗地_模板」没有任何要素（0 行），只有「宗地2024」有数据" in said["problem"].iloc[0]
    _plots(2).to_file(path, layer="宗地2023", driver="GPKG")
    with pytest.raises(DataFileError, match="有 3 个图层都含必填字段"):
        read_parcels(path)


def test_an_empty_zone_layer_beside_last_years_still_ties(tmp_path: Path) -> None:
    """For a layer whose emptiness means something (「无特殊片区」 this year), the empty layer
    is no template: which one to read stays the user's choice."""
    from landgov.io import read_zones

    path = tmp_path / "片区.gpkg"
    zone = gpd.GeoDataFrame(
        {"片区名称": ["马海片区"]}, geometry=[box(E0, N0, E0 + 50, N0 + 50)], crs=4549
    )
    zone.iloc[:0].to_file(path, layer="片区2024", driver="GPKG")
    zone.to_file(path, layer="片区2023", driver="GPKG")
    with pytest.raises(DataFileError, match="有 2 个图层都含必填字段「片区名称」"):
        read_zones(path)


def test_a_parcel_layer_beside_a_township_layer_is_read_whichever_comes_first(
    tmp_path: Path,
) -> None:
    path = tmp_path / "县.gpkg"
    town = gpd.GeoDataFrame(
        {"镇街": ["甲街道"]}, geometry=[box(E0 - 100, N0 - 100, E0 + 900, N0 + 200)], crs=4549
    )
    town.to_file(path, layer="镇街", driver="GPKG")
    _plots(3).to_file(path, layer="宗地", driver="GPKG")
    parcels = read_parcels(path)
    assert len(parcels.data) == 3 and parcels.meta["layer"] == "宗地"
    said = parcels.problems[parcels.problems["field"] == "layer"]
    assert len(said) == 1 and said["severity"].iloc[0] == "提示"
    assert "只有「宗地」含全部必填字段「宗地代码」" in said["problem"].iloc[0]
    towns = read_townships(path)
    assert towns.meta["layer"] == "镇街" and len(towns.data) == 1


@pytest.fixture(scope="module")
def profile():
    return load_profile("zhejiang-2023")


@pytest.mark.parametrize(
    ("code", "under", "other"),
    [
        ("0601", "按GB/T 21010-2017《土地利用现状分类》读作工业用地", "乡村道路用地"),
        ("1001", "按《国土空间调查、规划、用途管制用地用海分类指南》", "铁路用地"),
    ],
)
def test_an_ambiguous_code_is_read_industrial_but_never_officially(
    profile, code: str, under: str, other: str
) -> None:
    from landgov.core.landuse import industrial_matcher
    from landgov.reports.lists import scope_notes

    read = industrial_matcher(profile).read(code)
    assert read.industrial is True and not read.official  # never 符合 on it alone
    assert read.citation is not None and not read.citation.official
    notes = scope_notes(pd.DataFrame({"land_use": [code, "工业用地"]}), profile)
    note = notes.iloc[0]
    assert f"「{code}」" in note and under in note and other in note and "待核实" in note
    assert pd.isna(notes.iloc[1])


def test_the_parcel_file_gets_one_row_naming_the_codes_and_rows(profile) -> None:
    from landgov.screening._screen import _classified_uses

    plots = pd.DataFrame(
        {"land_use": ["0601", "工业用地", "1001", "0601"], "source_row": [2, 3, 4, 7]}
    )
    log = ProblemLog("screening")
    _classified_uses(plots, profile, log)
    (row,) = log.frame().to_dict("records")
    assert row["severity"] == "提示" and row["field"] == "土地用途"
    assert "3 宗地" in row["problem"] and "「0601」2 宗" in row["problem"]
    assert "「1001」1 宗" in row["problem"] and "行号：2、4、7" in row["problem"]
    quiet = ProblemLog("screening")
    _classified_uses(pd.DataFrame({"land_use": ["工业用地", "M2"]}), profile, quiet)
    assert len(quiet) == 0
