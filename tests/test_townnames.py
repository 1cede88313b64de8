"""镇街 names written short and long (「斗门」 and 「斗门街道」) are read as one, and said."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import shapely

from landgov.core.plausible import check_reads
from landgov.core.problems import PROBLEM_COLUMNS, ReadResult
from landgov.policy import load_profile
from landgov.summary import summarise


def _read(data: pd.DataFrame) -> ReadResult:
    return ReadResult(data, data.iloc[:0], pd.DataFrame(columns=PROBLEM_COLUMNS), {})


def test_short_township_names_join_their_one_full_name_and_never_two_townships():
    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": ["A", "B", "C", "D"],
            "township": ["斗门", "马山镇", "陶堰", "孙端街道"],
            "area_mu": [20.0, 30.0, 10.0, 5.0],
            "screening_status": ["治理", "不列入", "不列入", "不列入"],
            "path": ["整治提升", None, None, None],
            "usccs": ["U1", "U2", None, None],
            "source_row": [2, 3, 4, 5],
        },
        geometry=[shapely.box(i * 10, 0, i * 10 + 5, 5) for i in range(4)],
        crs=4549,
    )
    enterprises = pd.DataFrame(
        {
            "uscc": ["U1", "U2"],
            "township": ["斗门街道", "马山"],
            "above_scale": [True, True],
            "tax_wan": [100.0, 60.0],
            "land_mu": [20.0, 30.0],
            "grade": ["B", "C"],
            "source_row": [2, 3],
        }
    )
    towns = gpd.GeoDataFrame(
        {"township": ["斗门街道", "马山镇", "陶堰镇", "陶堰街道", "孙端街道"]},
        geometry=[shapely.box(i * 10, 0, i * 10 + 9, 9) for i in range(5)],
        crs=4549,
    )
    reads = {
        "parcels": _read(parcels),
        "enterprises": _read(enterprises),
        "townships": _read(towns),
    }
    names = {"parcels": "宗地.shp", "enterprises": "企业.xlsx", "townships": "镇街.shp"}
    got = check_reads(
        reads, profile=load_profile("yuecheng-2022"), as_of=dt.date(2026, 6, 30), sources=names
    ).reads
    # 斗门 → 斗门街道, 马山 → 马山镇 (one full name each); 陶堰 could be 陶堰镇 or 陶堰街道: kept
    assert got["parcels"].data["township"].tolist() == ["斗门街道", "马山镇", "陶堰", "孙端街道"]
    assert got["enterprises"].data["township"].tolist() == ["斗门街道", "马山镇"]
    assert got["townships"].data["township"].tolist() == towns["township"].tolist()
    said = pd.concat([got[r].problems for r in reads], ignore_index=True)
    said = said[said["field"] == "镇街"]
    assert said[["source", "row", "value", "severity"]].values.tolist() == [
        ["宗地.shp", 2, "斗门", "提示"],
        ["宗地.shp", 4, "陶堰", "警告"],
        ["宗地.shp", 5, "孙端街道", "警告"],  # D lies in 陶堰街道's square (core.township)
        ["企业.xlsx", 3, "马山", "提示"],
    ]
    assert "「陶堰街道」" in said["problem"].iat[1] and "「陶堰镇」" in said["problem"].iat[1]
    # the 镇街汇总 now has one row per township, plots and enterprises together
    table = summarise(
        got["parcels"].data, enterprises=got["enterprises"].data,
        profile=load_profile("yuecheng-2022"),
    )  # fmt: skip
    rows = table.set_index("township")
    assert rows.loc["斗门街道", ["n_parcels", "n_above_scale"]].tolist() == [1, 1]
    assert rows.loc["马山镇", ["n_parcels", "n_above_scale"]].tolist() == [1, 1]
    assert rows.loc["斗门街道", "tax_per_mu_above_scale"] == 5.0
    assert "斗门" not in rows.index and "马山" not in rows.index
