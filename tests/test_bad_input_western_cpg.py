"""A GBK .dbf beside a .cpg that names a Western single-byte code page, and field names that a
conversion turned into Latin-1 mojibake — as county files really arrive.

A .cpg of 「ISO-8859-1」 or 「1252」 is what a tool set to a Western locale writes beside a
Shapefile it re-saves without re-encoding the .dbf. Latin-1 decodes every byte, so before this
test the .cpg was believed: 「宗地代码」 came as 「×ÚµØ´úÂë」 (the layer failed with garbled
names and no hint) and, with ASCII field names (ZDDM, QLR, TDYT), every 权利人 and 土地用途 was
read as mojibake without a word — no enterprise matched, no land use known.

By hand: 「宗地代码」 in GBK is D7DA B5D8 B4FA C2EB; read as Latin-1 these eight bytes are
「×ÚµØ´úÂë」, and 「×ÚµØ´úÂë」 encoded back as Latin-1 and decoded as GBK is 「宗地代码」 again.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyproj
import pytest
from shapely.geometry import box

from landgov.errors import SchemaError
from landgov.io import read_parcels
from tests._shapefiles import write_shapefile

P = [f"330602001001GB{i:05d}" for i in range(3)]
GEOMS = [box(500_000 + 200 * i, 3_300_000, 500_100 + 200 * i, 3_300_140) for i in range(3)]


def _layer(folder: Path, fields, records, *, cpg: str | None, encoding: str = "GBK") -> Path:
    return write_shapefile(
        folder / "宗地.shp", GEOMS, fields, records, encoding=encoding,
        prj=pyproj.CRS.from_epsg(4549), cpg=cpg,
    )  # fmt: skip


def _said(problems: pd.DataFrame, words: str) -> pd.DataFrame:
    return problems[problems["problem"].astype(str).str.contains(words, regex=False)]


def test_mojibake_by_hand() -> None:
    """The by-hand reading in the module docstring."""
    assert "宗地代码".encode("gbk").decode("latin-1") == "×ÚµØ´úÂë"
    assert "×ÚµØ´úÂë".encode("latin-1").decode("gbk") == "宗地代码"


@pytest.mark.parametrize("cpg", ["ISO-8859-1", "1252", "ANSI 1252", "Latin1"])
def test_western_cpg_beside_gbk_names_is_set_aside(tmp_path: Path, cpg: str) -> None:
    """Chinese field names in GBK, .cpg says a Western code page: the layer reads as GBK and a
    warning names the .cpg and what it says."""
    path = _layer(
        tmp_path, [("宗地代码", 19), ("权利人", 20), ("土地用途", 12)],
        [[P[i], f"绍兴企业{i}", "工业用地"] for i in range(3)], cpg=cpg,
    )  # fmt: skip
    res = read_parcels(path)
    assert res.data["parcel_id"].tolist() == P
    assert res.data["holder"].tolist() == [f"绍兴企业{i}" for i in range(3)]
    said = _said(res.problems, "宗地.cpg")
    assert len(said) == 1, res.problems
    row = said.iloc[0]
    assert cpg in row["problem"] and "GBK" in row["problem"], row["problem"]
    assert row["severity"] == "警告"


def test_western_cpg_beside_ascii_names_and_gbk_values(tmp_path: Path) -> None:
    """ASCII field names (the 宗地 standard's ZDDM/QLR/TDYT), GBK values, .cpg 1252: before,
    every 权利人 and 土地用途 was mojibake without a word; now they read as Chinese."""
    path = _layer(
        tmp_path, [("ZDDM", 19), ("QLR", 20), ("TDYT", 12)],
        [[P[i], f"绍兴企业{i}", "工业用地"] for i in range(3)], cpg="1252",
    )  # fmt: skip
    res = read_parcels(path)
    assert res.data["holder"].tolist() == [f"绍兴企业{i}" for i in range(3)]
    assert set(res.data["land_use"].astype(str)) == {"工业用地"}
    assert len(_said(res.problems, "宗地.cpg")) == 1, res.problems


def test_latin1_text_beside_latin1_cpg_is_kept(tmp_path: Path) -> None:
    """A layer that really is Latin-1 (a foreign-invested firm's name with accents) keeps its
    .cpg: 「Société Générale」 is no Chinese read wrongly."""
    path = _layer(
        tmp_path, [("ZDDM", 19), ("QLR", 24), ("TDYT", 12)],
        [[P[i], "Société Générale", "industrial"] for i in range(3)],
        cpg="ISO-8859-1", encoding="latin-1",
    )  # fmt: skip
    res = read_parcels(path)
    assert res.data["holder"].tolist() == ["Société Générale"] * 3
    assert _said(res.problems, "宗地.cpg").empty, res.problems


def test_garbled_field_names_are_named_with_their_reading(tmp_path: Path) -> None:
    """A GeoPackage (UTF-8 by definition) whose field names a conversion turned into Latin-1
    mojibake: the error about the missing 宗地代码 says the names are garbled and shows what
    they read as in GBK, and what to do — not only the garbled list."""
    import geopandas as gpd

    names = {"宗地代码": P, "权利人": ["甲", "乙", "丙"], "土地用途": ["工业用地"] * 3}
    garbled = {k.encode("gbk").decode("latin-1"): v for k, v in names.items()}
    path = tmp_path / "宗地.gpkg"
    gpd.GeoDataFrame(garbled, geometry=GEOMS, crs=4549).to_file(path, layer="宗地")
    with pytest.raises(SchemaError) as caught:
        read_parcels(path)
    text = str(caught.value)
    assert "×ÚµØ´úÂë" in text and "「宗地代码」" in text and "乱码" in text, text
    assert "GBK" in text, text


def test_garbled_values_under_ascii_names_are_said_once_per_field(tmp_path: Path) -> None:
    """A GeoPackage of the 宗地 standard's ASCII field names whose 权利人 and 土地用途 a
    conversion garbled: every row is kept as it is, and one warning per field says how many rows
    are mojibake, the first row and what it reads as in GBK (before: not a word, and no
    enterprise matched). A 宗地代码 of ASCII and a clean 镇街 are not said."""
    import geopandas as gpd

    def garble(text: str) -> str:
        return text.encode("gbk").decode("latin-1")

    frame = {
        "ZDDM": P,
        "QLR": [garble(f"绍兴企业{i}") for i in range(3)],
        "TDYT": [garble("工业用地")] * 2 + ["工业用地"],
        "ZJ": ["斗门街道"] * 3,
    }
    path = tmp_path / "宗地.gpkg"
    gpd.GeoDataFrame(frame, geometry=GEOMS, crs=4549).to_file(path, layer="宗地")
    res = read_parcels(path)
    assert res.data["holder"].tolist() == frame["QLR"]  # kept as given, never guessed
    said = _said(res.problems, "乱码")
    assert sorted(said["field"]) == ["QLR", "TDYT"], said
    qlr = said[said["field"] == "QLR"].iloc[0]
    assert "3 行" in qlr["problem"] and "「绍兴企业0」" in qlr["problem"], qlr["problem"]
    assert qlr["row"] == 1 and qlr["severity"] == "警告"
    tdyt = said[said["field"] == "TDYT"].iloc[0]
    assert "2 行" in tdyt["problem"] and "「工业用地」" in tdyt["problem"], tdyt["problem"]


def test_garbled_headers_of_a_table_are_named_with_their_reading(tmp_path: Path) -> None:
    """The same one rule for an enterprise table whose headers a conversion garbled (a CSV
    exported in GBK, opened as Latin-1 and saved again): the missing-field error reads them."""
    from landgov.io import read_enterprises

    headers = ["统一社会信用代码", "企业名称", "税收"]
    garbled = [h.encode("gbk").decode("latin-1") for h in headers]
    path = tmp_path / "企业.csv"
    path.write_text(",".join(garbled) + "\n91330602MA2BCDEF1X,甲,10\n", encoding="utf-8")
    with pytest.raises(SchemaError) as caught:
        read_enterprises(path)
    text = str(caught.value)
    assert "乱码" in text and "「统一社会信用代码」" in text and "GBK" in text, text
