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
#: 「以规上制造业企业、实际用地3亩以上的规下制造业企业为重点开展排查」 as 上虞 (its own) cites it,
#: 嵊州's same sentence beside it being 参照 (another county's document)
FOCUS_CLAUSE = (
    "[虞政发〔2022〕12号 第三条第（二）项第1目; 参照嵊政〔2022〕28号 第三条第（二）项第1目]"
)


# ------------------------------------------------------------------ 1. 制造业 in the scope

#: (industry code, edition, 规上, land 亩) of firm ``i`` on plot ``i``, and what the focus is,
#: worked out by hand from 「以规上制造业企业、实际用地3亩以上的规下制造业企业为重点」
#: [虞政发〔2022〕12号 第三条第（二）项第1目]: in focus = 制造业 (GB/T 4754 门类 C, 大类 13–43)
#: and (规上 or 规下 on 3 亩 or more); out when either fails; not known otherwise.
FOCUS_CASES = [
    ("3311", "2017", True, 20.0, True),  # 金属结构制造 (C 33), 规上
    ("5171", "2017", True, 20.0, False),  # 批发 (F 51) on industrial land, 规上
    ("5990", "2017", True, 20.0, False),  # 其他仓储业 (G 59), 规上
    (None, "2017", True, 20.0, None),  # no code: 制造业 or not is not known
    ("F5171", "2017", True, 20.0, None),  # not a code landgov can read
    ("5171", "2017", False, 2.0, False),  # 批发, 规下 on 2 亩: out on both counts
    ("4210", "2002", True, 20.0, True),  # 2002 edition 42 工艺品及其他制造业 (C)
    ("6311", "2011", True, 20.0, False),  # 2011 edition 63 电信 (I)
    (None, "2017", False, 2.0, False),  # no code, but 规下 on 2 亩: out whatever the code
]


def _focus_plots():
    from tests._hand import firms, owner_links, plots

    n = len(FOCUS_CASES)
    parcels = plots(n, tax_wan=[21.0] * n)  # 21 万元 on 21 亩: 1 万元/亩 ≤ 5, 低效 on every plot
    ents = firms(
        n,
        industry_code=[c[0] for c in FOCUS_CASES],
        industry_edition=[c[1] for c in FOCUS_CASES],
        above_scale=[c[2] for c in FOCUS_CASES],
        land_mu=[c[3] for c in FOCUS_CASES],
    )
    return parcels, ents, owner_links(parcels)


def test_non_manufacturing_plot_is_judged_but_outside_the_focus():
    """上虞 (shangyu-2022). 「扎实开展全域工业用地……调查」 [第三条第（一）项第1目]: every
    industrial plot is judged, so all nine plots at 1 万元/亩 are 低效 (不符合). The focus
    「以规上制造业企业、实际用地3亩以上的规下制造业企业为重点开展排查」 [第三条第（二）项第1目]
    names 制造业 firms: a 规上 wholesaler (批发, 门类 F 大类 51) or warehouse (仓储, G 59) on
    industrial land is not one, so its plot is 「不属排查重点」, flagged like a 规下 firm under
    3 亩, with the code and the clause. A missing or unreadable code leaves the focus not known
    (None), said in the reason, never in or out by default. 2002 and 2011 codes read alike
    (制造业 is 大类 13–43 in every edition)."""
    from landgov.screening import check_low_efficiency
    from landgov.verdict import Status
    from tests._hand import uscc

    parcels, ents, pairs = _focus_plots()
    got = check_low_efficiency(
        parcels, enterprises=ents, pairs=pairs, profile=load_profile("shangyu-2022")
    )
    assert [v.status for v in got] == [Status.FAIL] * len(FOCUS_CASES)
    assert [v.values["in_focus"] for v in got] == [c[4] for c in FOCUS_CASES]
    wholesale = got.iloc[1].reason
    assert (
        f"；{uscc(1)} 行业代码 5171（大类 51）不属制造业（GB/T 4754 大类 13–43），"
        f"不属排查重点 {FOCUS_CLAUSE}"
    ) in wholesale
    assert "不属排查重点" in got.iloc[2].reason and "5990" in got.iloc[2].reason
    assert (
        f"；规下且用地不足 3 亩；{uscc(5)} 行业代码 5171（大类 51）"
        f"不属制造业（GB/T 4754 大类 13–43），不属排查重点 {FOCUS_CLAUSE}"
    ) in got.iloc[5].reason
    assert f"是否属排查重点待核实（缺少：企业表字段 industry_code（行业代码，{uscc(3)}））" in (
        got.iloc[3].reason
    )
    assert "所见「F5171」无法识别" in got.iloc[4].reason
    for i in (0, 6):
        assert "排查重点" not in got.iloc[i].reason


def test_non_manufacturing_firm_is_not_evaluated():
    """上虞 (shangyu-2022). The 亩均 evaluation grades the firms the same clause names:
    「规上制造业企业、实际用地3亩以上的规下制造业企业」 [虞政发〔2022〕12号 第三条第（二）项第1目];
    landgov reads 制造业 there exactly as the screening focus does.

    规下 firms on 5 亩 (≥ 3, so land does not exclude them), tax 10 万元, 50 万kWh:
      3311 (C 33) → 参评;  2002 edition 4210 (C 42) → 参评;
      5171 批发 (F) / 5990 仓储 (G) / 2011 edition 6311 电信 (I) → 不参评, the code and clause said;
      no code → 不参评, 「行业代码缺失，是否属制造业待核实」;
    and a 规上 wholesaler (5171) → 不参评 for the same reason (规上 alone does not bring it in).
    """
    from landgov.efficiency import grade_enterprises

    codes = [("3311", "2017"), ("4210", "2002"), ("5171", "2017"), ("5990", "2017")]
    codes += [("6311", "2011"), (None, "2017"), ("5171", "2017")]
    rows = pd.DataFrame(
        {
            "uscc": [f"U{i}" for i in range(7)],
            "above_scale": [False] * 6 + [True],
            "land_mu": [5.0] * 7,
            "tax_wan": [10.0] * 7,
            "power_10k_kwh": [50.0] * 7,
            "industry_code": [c for c, _ in codes],
            "industry_edition": [e for _, e in codes],
        }
    )
    graded = grade_enterprises(rows, profile=load_profile("shangyu-2022")).data
    assert graded["evaluated"].tolist() == [True, True, False, False, False, False, False]
    notes = graded["evaluation_note"].tolist()
    assert notes[2] == (
        f"行业代码 5171（大类 51）不属制造业（GB/T 4754 大类 13–43），不参评 {FOCUS_CLAUSE}"
    )
    assert notes[6] == notes[2]
    assert "行业代码 5990（大类 59）不属制造业" in notes[3]
    assert "行业代码 6311（大类 63）不属制造业" in notes[4]
    assert notes[5] == "行业代码缺失，是否属制造业待核实，不参评"
    assert graded["grade"].iloc[2:].isna().all()


def test_borrowing_profile_cites_the_manufacturing_scope_as_canzhao():
    """越城 (yuecheng-2022) sets no focus of its own: the 制造业 scope is 上虞's and 嵊州's
    clause, so its reason says 「参照虞政发〔2022〕12号…」 示例规则（非官方）."""
    from landgov.screening import check_low_efficiency

    parcels, ents, pairs = _focus_plots()
    got = check_low_efficiency(
        parcels, enterprises=ents, pairs=pairs, profile=load_profile("yuecheng-2022")
    )
    assert "不属排查重点 [参照虞政发〔2022〕12号 第三条第（二）项第1目" in got.iloc[1].reason


def test_one_reading_of_manufacturing_for_every_stage():
    """One rule, one place: the focus, the evaluation and the 增容 condition 4 (「申请项目仅限
    制造业项目」) read a code the same way; the 2017→2002 crosswalk's own manufacturing test
    agrees with the profile's 制造业 (大类 13–43) on every division 01–97."""
    from landgov.far.industry import focus_industry, to_gb2002_division

    profile = load_profile("zhejiang-2023")
    for d in range(1, 98):
        code = f"{d:02d}11"
        assert (
            focus_industry(code, profile=profile).inside is to_gb2002_division(code).manufacturing
        ), code


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


def test_a_table_without_industry_codes_is_said_once_not_graded_silently():
    """An enterprise table with no 行业代码 at all: whether any firm is 制造业 is not known, so
    none is graded (each note says 待核实) and the problems table says once what to supply."""
    from landgov.efficiency import grade_enterprises

    rows = pd.DataFrame(
        {"uscc": ["A", "B"], "above_scale": False, "land_mu": 5.0, "tax_wan": 10.0}
        | {"power_10k_kwh": 50.0}
    )
    res = grade_enterprises(rows, profile=load_profile("shangyu-2022"))
    assert not res.data["evaluated"].any()
    assert set(res.data["evaluation_note"]) == {"行业代码缺失，是否属制造业待核实，不参评"}
    said = res.problems[res.problems["field"] == "industry_code"]
    assert len(said) == 1 and said["severity"].iloc[0] == "警告"
