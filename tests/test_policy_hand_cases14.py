"""Hand-worked policy cases, round 14: three defects of the clause-coverage audit.

1. 「以规上制造业企业、实际用地3亩以上的规下制造业企业为重点开展排查」 [虞政发〔2022〕12号
   第三条第（二）项第1目]; 「对规上制造业企业、实际用地3亩(含)以上的规下制造业企业开展排查」
   [嵊政〔2022〕28号 第三条第（二）项第1目]: the screening focus and the 亩均 evaluation scope
   are 制造业 firms (GB/T 4754 门类 C, 大类 13–43), not every firm on industrial land.
2. The 联席会议材料's note on how 规上亩均税收 is measured cites 越政发〔2022〕24号
   附件2.1 第12项指标: the 越城 profile's own document (no 「参照」), another county's
   elsewhere (「参照」).
3. The map popup sets 容积率 beside the 容积率下限 it is judged against: with enough digits to
   tell the two apart (0.6999 against 0.7 is not 「0.7 / 0.7」).

Plots are 21 亩 squares (14000 m², :func:`tests._hand.square`), 1 km apart.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from landgov.maps._run import RunData
from landgov.policy import load_profile
from landgov.reports.meeting import _overview
from landgov.summary import summarise

BASIS = "越政发〔2022〕24号 附件2.1 第12项指标「每亩占地面积」"


# ------------------------------------------------------------------------- 2. packet wording


def _packet_notes(profile: str) -> str:
    """The notes under the 镇街 table of the packet of a run made with ``profile``."""
    plots = pd.DataFrame({"parcel_id": ["P1"], "township": ["马山街道"], "area_m2": [14000.0]})
    firms = pd.DataFrame(
        {
            "uscc": ["U1"],
            "above_scale": [True],
            "tax_wan": [100.0],
            "land_mu": [10.0],
            "township": ["马山街道"],
        }
    )
    summary = summarise(plots, enterprises=firms, profile=load_profile(profile))
    run = RunData(
        path=Path("."),
        parcels=gpd.GeoDataFrame(plots, geometry=[None]),
        manifest={"profile": {"name": profile, "version": "x"}},
    )
    return "".join(_overview(run, summary, None, "审议材料").notes)


def test_packet_cites_yuecheng_own_document_without_canzhao():
    """越城 (yuecheng-2022): 越政发〔2022〕24号 is the profile's own document, so the note that
    规上亩均税收 is measured on the firms' own land (附件2.1 第12项指标 「规上工业企业在报告期内每亩
    占地面积」) cites it plainly; 「参照越政发…」 would tell the 联席会议 that 越城's own indicator
    table is another county's."""
    notes = _packet_notes("yuecheng-2022")
    assert BASIS in notes
    assert f"参照{BASIS}" not in notes


@pytest.mark.parametrize("profile", ["shangyu-2022", "shengzhou-2022", "gongshu-2022"])
def test_packet_cites_yuecheng_document_as_canzhao_elsewhere(profile):
    """上虞, 嵊州, 拱墅: 越政发〔2022〕24号 does not bind them; the measurement is borrowed from
    it, so the note says 「参照越政发〔2022〕24号 附件2.1 第12项指标」."""
    assert f"参照{BASIS}" in _packet_notes(profile)


# ---------------------------------------------------------------------- 3. map popup digits


def _far_plots() -> gpd.GeoDataFrame:
    """Five plots of a run's map: 容积率 (the screening's ``far``) and the 增容 layer's
    容积率下限 ``far_floor`` (工业项目建设用地控制指标: 0.7 for 2002 大类 34).

    P1 0.6999 against 0.7: 「低于」 the floor (用而未尽); two decimals would print 0.7 / 0.7.
    P2 0.7 against 0.7: at the floor, not below it: 0.7 / 0.7 is right.
    P3 0.5 against 0.7: two decimals tell them apart: 0.5 / 0.7.
    P4 1.23456 with no floor (non-manufacturing code): nothing to tell apart: 1.23.
    P5 0.7 against a floor of 0.6999 (a county's own figure): the floor needs its digits too.
    """
    from shapely.geometry import box

    far = [0.6999, 0.7, 0.5, 1.23456, 0.7]
    floor = [0.7, 0.7, 0.7, None, 0.6999]
    ids = [f"P{i}" for i in range(1, 6)]
    return gpd.GeoDataFrame(
        {"parcel_id": ids, "far": far, "far_floor": floor},
        geometry=[box(20 * i, 0, 20 * i + 10, 10) for i in range(5)],
        crs="EPSG:4549",
    )


#: What each popup must read, worked out by hand with the rule of
#: :func:`landgov.core.compare.shown` (2 decimals unless they print the other figure while the
#: two differ): (容积率, 容积率下限) per plot, P4 having no floor.
POPUP_FAR = [("0.6999", "0.7"), ("0.7", "0.7"), ("0.5", "0.7"), ("1.23", None), ("0.7", "0.6999")]


def _as_page_shows(value, digits: int) -> str | None:
    """A number as landgov-map.js / landgov-tiles.js print it (toLocaleString with at most
    ``digits`` decimals, trailing zeros dropped)."""
    if value is None:
        return None
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def _page_texts(cols: dict, specs: dict) -> list[tuple]:
    return [
        tuple(
            _as_page_shows(v, specs[k]["d"])
            for k, v in zip(("far", "far_floor"), pair, strict=True)
        )
        for pair in zip(cols["far"], cols["far_floor"], strict=True)
    ]


def test_single_file_map_popup_tells_far_from_its_floor():
    """landgov map (single file): P1's 容积率 0.6999 is below its 容积率下限 0.7 (「低于」, not
    含本数, 工业项目建设用地控制指标 2008) and is flagged 用而未尽; its popup read 「0.7」 beside
    「0.7」. It must read 0.6999 / 0.7 (P2 at the floor stays 0.7 / 0.7)."""
    from landgov.maps._encode import decode_column, encode_columns
    from landgov.maps._popup import PARCEL_SECTIONS
    from landgov.maps.interactive import _kinds, _sections

    frame = _far_plots()
    specs = {s["k"]: s for _, group in _sections(PARCEL_SECTIONS, frame) for s in group}
    enc = encode_columns(frame, _kinds(PARCEL_SECTIONS))["cols"]
    cols = {k: decode_column(enc[k]) for k in ("far", "far_floor")}
    assert _page_texts(cols, specs) == POPUP_FAR


def test_tiled_map_popup_tells_far_from_its_floor():
    """landgov map --tiles (large runs): the same popup, the same figures as the single file."""
    from landgov.maps._popup import PARCEL_SECTIONS
    from landgov.maps.tiles._build import _columns, _specs

    frame = _far_plots()
    specs = {s["k"]: s for _, group in _specs(PARCEL_SECTIONS, frame) for s in group}
    assert _page_texts(_columns(frame, PARCEL_SECTIONS), specs) == POPUP_FAR


def test_folium_popup_tells_far_from_its_floor():
    """The folium map (notebooks): its popup texts are written in Python; the same figures."""
    from landgov.maps._popup import PARCEL_SECTIONS
    from landgov.maps.folium_map import _popup_frame

    table, _, _ = _popup_frame(_far_plots(), PARCEL_SECTIONS, gcj02=False)
    got = [
        tuple(None if pd.isna(v) else v for v in pair)
        for pair in zip(table["far"], table["far_floor"], strict=True)
    ]
    assert got == POPUP_FAR
