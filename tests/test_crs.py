"""CGCS2000 GK zones and CRS inference against docs/domain.md §1's pyproj check point."""

from __future__ import annotations

import pytest
from pyproj import CRS, Transformer

from landgov.crs import (
    cm_for_county,
    crs_from_prj,
    epsg_for_cm,
    epsg_for_zone,
    resolve_crs,
    transformer,
    unprefixed_epsg,
)


def test_check_point_from_domain_guide() -> None:
    # docs/domain.md §1: 120.58°E 30.00°N → EPSG:4549 (555962.524, 3320255.027);
    # 4528 adds 40,000,000.
    e, n = Transformer.from_crs(4490, epsg_for_cm(120), always_xy=True).transform(120.58, 30.0)
    assert (round(e, 3), round(n, 3)) == (555962.524, 3320255.027)
    e40, _ = Transformer.from_crs(4490, epsg_for_zone(40), always_xy=True).transform(120.58, 30.0)
    assert round(e40, 3) == 40555962.524


@pytest.mark.parametrize(
    ("cm", "plain", "zone", "prefixed"),
    [(117, 4548, 39, 4527), (120, 4549, 40, 4528), (123, 4550, 41, 4529)],
)
def test_zhejiang_zone_codes(cm: int, plain: int, zone: int, prefixed: int) -> None:
    assert epsg_for_cm(cm) == plain
    assert epsg_for_zone(zone) == prefixed
    assert unprefixed_epsg(prefixed) == plain
    assert CRS(plain).name.endswith(f"CM {cm}E")


def test_esri_names_resolve_even_without_epsg_match() -> None:
    odd = (
        'PROJCS["CGCS2000_3_Degree_GK_Zone_40",GEOGCS["GCS_China_2000_custom",'
        'DATUM["D_custom",SPHEROID["S",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
        'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],'
        'PARAMETER["False_Easting",40500000.0],PARAMETER["False_Northing",0.0],'
        'PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],'
        'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
    )
    assert crs_from_prj(odd).to_epsg() == 4528
    assert crs_from_prj("CGCS2000_3_Degree_GK_CM_120E").to_epsg() == 4549


def test_county_codes() -> None:
    assert cm_for_county("330602") == 120  # 越城区
    assert cm_for_county("330902") == 123  # 定海区 (舟山)
    assert cm_for_county("110101") is None


def test_degrees_are_cgcs2000_geographic() -> None:
    dec = resolve_crs((120.5, 30.0, 120.6, 30.1), prj_crs=None)
    assert dec.epsg == "EPSG:4490"
    assert dec.warnings  # said, not silent


@pytest.mark.parametrize(
    ("bounds", "seen"),
    [
        ((0.0, 0.0, 3e300, 3e300), "(1.5e+300, 1.5e+300)"),  # one feature with junk coordinates
        ((500_000.0, 3_300_000.0, 500_100.0, 3_300_100.0), None),  # 6-digit, zone undecidable
    ],
)
def test_a_crs_that_cannot_be_decided_says_a_fix_every_command_takes(bounds, seen) -> None:
    """``screen`` and ``far`` take no --crs: the fix is a .prj defined in GIS software (inspect's
    --crs only as a way to try); an absurd coordinate is shown short, not as 301 digits."""
    from landgov.errors import CRSError

    with pytest.raises(CRSError) as info:
        resolve_crs(bounds, prj_crs=None)
    (issue,) = info.value.issues
    assert issue.fix.startswith("在 ArcGIS/QGIS 中为图层定义正确的坐标系（生成 .prj")
    assert "请用 --crs" not in issue.fix and "landgov inspect 可用" in issue.fix
    if seen is not None:
        assert issue.value == seen


def test_one_transformer_per_pair_of_crss() -> None:
    """Made once per pair and kept (a zone to WGS84 costs 40 ms to make), with x, y order."""
    zone = CRS.from_epsg(4549)
    made = transformer(zone, 4326)
    assert transformer(CRS.from_epsg(4549), 4326) is made  # an equal CRS object: the same one
    assert transformer(4490, 4549) is not made
    e, n = transformer(4490, epsg_for_cm(120)).transform(120.58, 30.0)  # docs/domain.md §1
    assert (round(e, 3), round(n, 3)) == (555962.524, 3320255.027)
    lon, lat = made.transform(e, n)
    assert (round(lon, 6), round(lat, 6)) == (120.58, 30.0)  # CGCS2000 ≈ WGS84 to the cm
