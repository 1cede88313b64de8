"""A .prj naming the wrong 3° zone for 6-digit eastings is caught by where the layer lands.

Each layer is a tiny hand-drawn Shapefile with a .prj (tests/_shapefiles.py). Eastings come
from docs/domain.md §1's check point: 120.58°E 30.00°N is (555962.524, 3320255.027) in
EPSG:4549, so a box at 555,900–555,980 read in EPSG:4550 lands near 123.58°E (the sea) and in
EPSG:4548 near 117.58°E (Anhui/Jiangxi). Border layers are placed with pyproj in the zone the
county really uses; the centroids they are checked against are in landgov.province.counties.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyproj import CRS, Transformer
from shapely.geometry import box

from landgov.io import read_parcels
from tests._shapefiles import write_shapefile

YUECHENG = box(555_900, 3_320_200, 555_980, 3_320_280)  # 越城 330602, 80 m × 80 m, 120°E zone


def _layer(path: Path, geom, prj: int | None, code: str = "330602001002GB00001") -> Path:
    crs = None if prj is None else CRS(prj)
    return write_shapefile(path, [geom], [("宗地代码", 19)], [[code]], prj=crs)


def _crs_said(result) -> list[str]:
    return result.problems.loc[result.problems["field"] == "crs", "problem"].tolist()


def _box_at(lon: float, lat: float, epsg: int):
    x, y = Transformer.from_crs(4490, epsg, always_xy=True).transform(lon, lat)
    return box(x - 40, y - 40, x + 40, y + 40)


def test_the_right_prj_is_read_without_a_word(tmp_path: Path) -> None:
    result = read_parcels(_layer(tmp_path / "宗地.shp", YUECHENG, 4549))
    assert result.data.crs.to_epsg() == 4549
    assert result.meta["crs"]["source"] == "prj"
    assert _crs_said(result) == []
    assert result.data["area_m2"].iloc[0] == pytest.approx(6400)


@pytest.mark.parametrize(("declared", "cm"), [(4550, 123), (4548, 117)])
def test_a_prj_naming_the_wrong_plain_zone_is_corrected_and_said(
    tmp_path: Path, declared: int, cm: int
) -> None:
    result = read_parcels(_layer(tmp_path / "宗地.shp", YUECHENG, declared))
    assert result.data.crs.to_epsg() == 4549
    assert result.meta["crs"]["source"] == "corrected"
    assert result.data.geometry.iloc[0].bounds[0] == pytest.approx(555_900)  # not moved
    (said,) = _crs_said(result)
    assert said.startswith(f".prj 声明 EPSG:{declared}（中央经线 {cm}°E）")
    assert "不在浙江境内" in said and "改按 EPSG:4549（中央经线 120°E）读取" in said
    assert "越城区（330602" in said  # why: the 宗地代码's county agrees
    # only inspect takes --crs (screen said 「没有选项「--crs」」): it is offered as inspect's
    assert f"landgov inspect 可用 --crs EPSG:{declared} 试读" in said
    assert f"用 --crs EPSG:{declared} 指定" not in said
    severity = result.problems.loc[result.problems["field"] == "crs", "severity"]
    assert severity.tolist() == ["警告"]


def test_the_wrong_zone_is_corrected_without_a_county_code(tmp_path: Path) -> None:
    """Only 120°E puts these eastings in Zhejiang, code or no code."""
    result = read_parcels(_layer(tmp_path / "宗地.shp", YUECHENG, 4550, code="GB00001"))
    assert result.data.crs.to_epsg() == 4549
    (said,) = _crs_said(result)
    assert "改按 EPSG:4549" in said and "宗地代码" not in said


def test_prefixed_eastings_with_their_prj_still_read_as_is(tmp_path: Path) -> None:
    geom = box(40_555_900, 3_320_200, 40_555_980, 3_320_280)
    result = read_parcels(_layer(tmp_path / "宗地.shp", geom, 4528))
    assert result.meta["crs"]["epsg"] == "EPSG:4528"
    assert result.meta["crs"]["source"] == "prj"
    assert result.data.crs.to_epsg() == 4549  # areas measured without the prefix
    assert result.data.geometry.iloc[0].bounds[0] == pytest.approx(555_900)
    assert _crs_said(result) == []


@pytest.mark.parametrize(
    ("lon", "lat", "epsg", "code", "measured"),
    [
        (118.25, 29.12, 4548, "330824001001GB00001", 4548),  # 开化 west of 118.5°E, zone 39
        (120.95, 30.75, 4550, "330402001001GB00001", 4549),  # 嘉兴南湖 read in the 123°E zone
        (119.90, 31.00, 4549, "330522001001GB00001", 4549),  # 长兴 (湖州), 120°E
    ],
    ids=["开化 117", "南湖 123", "长兴 120"],
)
def test_a_layer_near_a_zone_border_keeps_its_prj(
    tmp_path: Path, lon: float, lat: float, epsg: int, code: str, measured: int
) -> None:
    """开化's eastings read 3° east also land in Zhejiang (台州), and 衢州's code says 120°E:
    neither is a reason to move a layer whose .prj puts it where its county is. Its areas are
    measured in the zone of its place: 南湖 (120.95°E) delivered in the 123°E zone is read as
    delivered and measured in the 120°E zone, and this is said (a note, not a warning)."""
    result = read_parcels(_layer(tmp_path / "宗地.shp", _box_at(lon, lat, epsg), epsg, code))
    assert result.meta["crs"]["epsg"] == f"EPSG:{epsg}"
    assert result.meta["crs"]["source"] == "prj"
    assert result.data.crs.to_epsg() == measured
    said = _crs_said(result)
    if measured == epsg:
        assert said == []
    else:
        (note,) = said
        assert "中央经线是 123°E" in note and f"EPSG:{measured}" in note
        (severity,) = result.problems.loc[result.problems["field"] == "crs", "severity"]
        assert severity == "提示"


def test_a_zone_117_layer_with_a_123_prj_goes_to_117_not_to_its_prefectures_120(
    tmp_path: Path,
) -> None:
    """衢州 (3308) is 120°E by prefecture, but 开化's own place (118.4°E) decides: 120°E would
    put the layer in 台州, Zhejiang but not 开化."""
    geom = _box_at(118.25, 29.12, 4548)
    result = read_parcels(_layer(tmp_path / "宗地.shp", geom, 4550, "330824001001GB00001"))
    assert result.data.crs.to_epsg() == 4548
    (said,) = _crs_said(result)
    assert "改按 EPSG:4548" in said and "开化县" in said


def test_a_prj_inside_zhejiang_but_far_from_its_county_is_kept_and_said(tmp_path: Path) -> None:
    """淳安 (119.0°E) eastings under a 123°E .prj land near 122°E, in Zhejiang: kept, but said."""
    geom = _box_at(119.0, 29.6, 4549)
    result = read_parcels(_layer(tmp_path / "宗地.shp", geom, 4550, "330127001001GB00001"))
    assert result.data.crs.to_epsg() == 4550
    (said,) = _crs_said(result)
    assert "淳安县" in said and "太远" in said and "按 EPSG:4549 则符合" in said
    assert "仍按 .prj 读取" in said


def test_no_zone_fits_keeps_the_prj_and_says_so(tmp_path: Path) -> None:
    """Eastings that are outside Zhejiang in every zone (here Fujian's 福州 under 120°E, with a
    越城 code) are not moved to a guess."""
    geom = _box_at(119.3, 26.1, 4549)
    result = read_parcels(_layer(tmp_path / "宗地.shp", geom, 4549))
    assert result.data.crs.to_epsg() == 4549
    (said,) = _crs_said(result)
    assert "不在浙江境内" in said and "其他投影带也都不符合" in said


@pytest.mark.parametrize("user", ["EPSG:4549", 4549])
def test_a_users_crs_is_read_without_a_word_when_it_fits(tmp_path: Path, user) -> None:
    result = read_parcels(_layer(tmp_path / "宗地.shp", YUECHENG, 4550), crs=user)
    assert result.data.crs.to_epsg() == 4549
    assert result.meta["crs"]["source"] == "user"
    assert _crs_said(result) == []


def test_a_users_crs_is_honoured_even_when_it_puts_the_layer_in_the_sea(tmp_path: Path) -> None:
    result = read_parcels(_layer(tmp_path / "宗地.shp", YUECHENG, 4549), crs="EPSG:4550")
    assert result.data.crs.to_epsg() == 4550
    assert result.meta["crs"]["source"] == "user"
    assert result.data.geometry.iloc[0].bounds[0] == pytest.approx(555_900)
    (said,) = _crs_said(result)
    assert "123.58°E" in said and "不在浙江境内" in said and "已照用" in said


def test_a_users_central_meridian_beats_a_plain_prj_and_is_said(tmp_path: Path) -> None:
    result = read_parcels(_layer(tmp_path / "宗地.shp", YUECHENG, 4550), cm=120)
    assert result.data.crs.to_epsg() == 4549
    assert result.meta["crs"]["source"] == "user"
    (said,) = _crs_said(result)
    assert "用户指定的中央经线 120°E" in said


def test_the_county_lookup_does_not_import_the_province_run(tmp_path: Path) -> None:
    """The centroids come from landgov.province.counties; the generator and the run (about
    0.3 s of imports per process, every Dask worker included) stay unimported."""
    import subprocess
    import sys

    path = _layer(tmp_path / "宗地.shp", YUECHENG, 4550)
    code = (
        "import sys; from landgov.io import read_parcels; "
        f"r = read_parcels({str(path)!r}); assert r.data.crs.to_epsg() == 4549; "
        "assert 'landgov.province.counties' in sys.modules; "
        "print(sorted(m for m in ('landgov.province.run', 'landgov.province.generate') "
        "if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.stdout.strip() == "[]", done.stderr
