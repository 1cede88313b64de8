"""Figures resting on an estimated floor area say so wherever a user reads them, and a province
run's failed county says what is true of its folder.

1. 增容空间 (可增建筑面积) = 容积率上限 × 用地面积 − 现状建筑面积 [越政发〔2022〕24号 附件3 第二条].
   Where the current floor area was counted from building heights or the height raster
   (far_source 建筑高度估算 / 高度栅格估算), the storey and cell heights behind it are
   示例规则（非官方）, so the headroom is a figure, not a fact: the 初审表 already writes
   「（按高度估算）」 after it; the map popup and the 增容审查 sheet (the joint-meeting packet)
   now do the same.
2. A county whose write fails in a province run: the province output is made fresh, so that
   county's folder holds no result (never 「仍是上次的完整结果」), and the other counties go on.
"""

from __future__ import annotations

import errno
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from landgov.core import runfolder
from landgov.core.runfolder import UnwrittenOutputError
from landgov.maps._encode import decode_column, encode_columns
from landgov.maps._popup import PARCEL_SECTIONS
from landgov.maps._prepare import _join_far
from landgov.maps._summary import district_rows
from landgov.maps.interactive import _kinds, _sections
from landgov.province import generate_province
from landgov.province.county import UNWRITTEN_COUNTY
from landgov.province.run import run_province
from landgov.reports.packet import PACKET_COLUMNS, packet_frame

MARK = "（按高度估算）"

# --- 1. the headroom figure says it is an estimate ---------------------------------------------


def _far_layer() -> pd.DataFrame:
    """Three plots of the 增容 layer, worked out by hand:

    P1: floor area from building records (建筑记录): a fact, 可增建筑面积 1,000 m² bare.
    P2: floor area from building heights (建筑高度估算): 2,000 m² 「（按高度估算）」.
    P3: height raster (高度栅格估算) but outside the 增容 scope (cond_scope 不符合): no headroom is
        shown at all (maps._prepare blanks it), so no mark either.
    """
    return pd.DataFrame(
        {
            "parcel_id": ["P1", "P2", "P3"],
            "zengrong": ["可申报", "待核实", "不可申报"],
            "cond_scope": ["符合", "符合", "不符合"],
            "headroom_m2": [1000.0, 2000.0, 3000.0],
            "far_source": ["建筑记录", "建筑高度估算", "高度栅格估算"],
        }
    )


def test_popup_headroom_is_followed_by_the_estimate_mark() -> None:
    """The popup's 可增建筑面积 names its mark column; the page data carries 「（按高度估算）」
    for P2 only (P1 recorded, P3 out of scope and blank)."""
    parcels = gpd.GeoDataFrame(
        {"parcel_id": ["P1", "P2", "P3"]},
        geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10), box(40, 0, 50, 10)],
        crs="EPSG:4549",
    )
    frame = _join_far(parcels, _far_layer(), [])
    spec = next(
        s
        for _, specs in _sections(PARCEL_SECTIONS, frame)
        for s in specs
        if s["l"] == "可增建筑面积"
    )
    assert spec["m"] == "headroom_mark"
    cols = encode_columns(frame, _kinds(PARCEL_SECTIONS))["cols"]
    assert decode_column(cols["headroom_m2"]) == [1000, 2000, None]
    assert decode_column(cols["headroom_mark"]) == [None, MARK, None]


def test_packet_headroom_stays_a_number_beside_its_source() -> None:
    """Sheet 增容审查 (and the ``far`` layer written from the same frame): the 增容空间 cells stay
    numbers, so that staff can sort and sum them and the layer keeps its column type; P2's
    estimate is said in the 容积率来源 column beside them (建筑高度估算), as the 初审表 and the
    map popup say 「（按高度估算）」 after the figure."""
    layer = (
        _far_layer()
        .iloc[:2]
        .assign(township="马山街道", headroom_target_m2=[500.0, 800.0], application_id=None)
    )
    frame = packet_frame(None, layer).set_index("parcel_id")
    assert PACKET_COLUMNS["far_source"] == "容积率来源"
    assert frame.loc["P2", "headroom_m2"] == 2000.0 and frame.loc["P1", "headroom_m2"] == 1000.0
    assert frame.loc["P2", "far_source"] == "建筑高度估算"


def _plots() -> gpd.GeoDataFrame:
    """The same three plots in the screening's ``parcels`` layer: 建筑面积 as measured (P1
    5,000 m² from records; P2 6,000 m² from building heights; P3 none counted), with the
    same ``far_source`` as the 增容 layer; 容积率 comes from the 增容 layer (0.5, 0.6, —)."""
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["P1", "P2", "P3"],
            "floor_area_m2": [5000.0, 6000.0, None],
            "far_source": ["建筑记录", "建筑高度估算", "高度栅格估算"],
        },
        geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10), box(40, 0, 50, 10)],
        crs="EPSG:4549",
    )


def test_popup_current_far_and_floor_area_are_followed_by_the_estimate_mark() -> None:
    """现状 建筑面积 and 容积率 rest on the same floor area as 可增建筑面积: P2's are counted
    from building heights, so both are followed by 「（按高度估算）」 as its 可增建筑面积 is;
    P1 (records) is bare; P3 has no floor area and no 容积率, so no line and no mark. Before,
    only 可增建筑面积 carried the mark."""
    far = _far_layer().assign(far=[0.5, 0.6, None])
    frame = _join_far(_plots(), far, [])
    specs = {s["k"]: s for _, group in _sections(PARCEL_SECTIONS, frame) for s in group}
    assert specs["floor_area_m2"]["m"] == specs["far"]["m"] == "far_mark"
    cols = encode_columns(frame, _kinds(PARCEL_SECTIONS))["cols"]
    assert decode_column(cols["far"]) == [0.5, 0.6, None]
    assert decode_column(cols["far_mark"]) == [None, MARK, None]


def test_tiled_and_folium_popups_carry_the_estimate_mark_too() -> None:
    """The tiled map (landgov map --tiles, the large-run map) and the folium map show the same
    popup: P2's 建筑面积, 容积率 and 可增建筑面积 followed by 「（按高度估算）」, P1's bare. Before,
    neither carried any mark (the tiles' attribute data had no mark column, the folium texts
    none), so a large run's map showed every estimate as a fact."""
    from landgov.maps.folium_map import _popup_frame
    from landgov.maps.tiles._build import _columns

    frame = _join_far(_plots(), _far_layer().assign(far=[0.5, 0.6, None]), [])
    cols = _columns(frame, PARCEL_SECTIONS)
    assert cols["far_mark"] == [None, MARK, None]
    assert cols["headroom_mark"] == [None, MARK, None]
    table, _, _ = _popup_frame(frame, PARCEL_SECTIONS, gcj02=False)
    assert table["floor_area_m2"].tolist()[:2] == ["5,000 平方米", "6,000 平方米" + MARK]
    assert table["far"].tolist()[:2] == ["0.5", "0.6" + MARK]
    assert table["headroom_m2"].tolist()[:2] == ["1,000 平方米", "2,000 平方米" + MARK]


def _panel(far: pd.DataFrame) -> str:
    rows = district_rows(_plots(), blocks=None, far=far)
    return next(r.value for r in rows if r.label == "增容候选（不含不可申报）")


def test_panel_headroom_total_says_it_rests_on_an_estimate() -> None:
    """The panel's 增容空间 adds the 可增建筑面积 of the plots not 不可申报: P1 1,000 + P2 2,000
    = 3,000 m². P2's part is a height estimate and P1's is not: 「3,000 m²（其中 1 宗按高度估算）」.
    With both estimated the total is one: 「（按高度估算）」; with both from records it is bare."""
    text = _panel(_far_layer())
    assert text.endswith("增容空间 3,000 平方米（其中 1 宗按高度估算）"), text
    estimated = _far_layer().assign(far_source="建筑高度估算")
    assert _panel(estimated).endswith("增容空间 3,000 平方米" + MARK)
    recorded = _far_layer().assign(far_source="建筑记录")
    text = _panel(recorded)
    assert text.endswith("增容空间 3,000 平方米"), text


# --- 2. a county's failed write in a province run ----------------------------------------------

FAILING = "330683"


@pytest.fixture()
def failed_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """嵊州's run folder cannot be put in place (disk full); every other county's can."""
    swap = runfolder._swap

    def full_disk(temp: Path, target: Path) -> None:
        if target.name.startswith(FAILING):
            raise OSError(errno.ENOSPC, "No space left on device", str(temp / "landgov.xlsx"))
        swap(temp, target)

    monkeypatch.setattr(runfolder, "_swap", full_disk)


def test_single_county_message_still_says_folder_unchanged() -> None:
    """A single-county run keeps its ending: the folder is as it was before the run."""
    text = str(UnwrittenOutputError("磁盘空间不足", Path("out")))
    assert text.endswith("。输出文件夹「out」未被改动（仍是上次的完整结果，或不存在）")


@pytest.mark.usefixtures("failed_write")
def test_province_county_failure_says_no_result_and_others_written(tmp_path: Path) -> None:
    """Two counties (越城 330602, 嵊州 330683; 100 plots each): 嵊州's write fails. Its error ends
    with UNWRITTEN_COUNTY (no result in its folder; the others written), never with the
    single-county 「未被改动（仍是上次的完整结果…）」; its folder is absent, 越城 is done."""
    root = tmp_path / "prov"
    generate_province(root, n_parcels=200, counties=["330602", FAILING], seed=11)
    run = run_province(root, out_dir=tmp_path / "out", as_of="2026-06-30")
    section = run.manifest["province"]
    assert [c["code"] for c in section["counties"] if c["ok"]] == ["330602"]
    (failed,) = section["failed"]
    folder = tmp_path / "out" / "counties" / "330683_嵊州市"
    assert failed["error"].endswith(UNWRITTEN_COUNTY.format(folder=folder))
    assert "磁盘空间不足" in failed["error"]
    assert "未被改动" not in failed["error"] and "上次" not in failed["error"]
    assert not folder.exists()
    assert np.isfinite(section["rows"]["counties_done"])
    failure = run.failure()
    assert failure is not None and "上次的完整结果" not in str(failure)
