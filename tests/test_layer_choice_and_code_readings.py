"""Which layer of a multi-layer file is read (F10)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from landgov.errors import DataFileError
from landgov.io import read_parcels, read_townships

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
