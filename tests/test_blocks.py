"""连片 blocks on hand-drawn plots (docs/domain.md §7).

越政发〔2022〕24号 第三条第4项: 「重点对占地100亩以上低效工业用地连片改造及低效企业连片腾退」.
Read as: a block is contiguous 治理清单 land whose path frees or rebuilds it
(连片改造 = 拆除重建, 连片腾退 = 关停退出; 功能转型 where the profile says so), 100 亩
included in 「100亩以上」. The gap is a project default: ≤ 10 m joins touching plots and plots
across a lane, not across a main road; a planned road polygon of the planning layer splits.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from landgov.errors import ProfileError
from landgov.policy import load_profile
from landgov.screening import screen
from landgov.screening._paths_blocks import paths_and_blocks
from landgov.screening.blocks import BLOCK_COLUMNS, find_blocks, label_blocks, road_polygons
from landgov.screening.paths import CHECK_NAMES
from landgov.units import M2_PER_MU
from landgov.verdict import Citation, Status, Verdict

X0, Y0 = 556_000.0, 3_320_000.0
CRS = "EPSG:4549"


def _strip(widths_mu: list[float], *, depth: float = 200.0, gap: float = 0.0) -> list[box]:
    """Plots side by side along x, each ``depth`` m deep, with ``gap`` m between them."""
    out, x = [], X0
    for mu in widths_mu:
        width = mu * M2_PER_MU / depth
        out.append(box(x, Y0, x + width, Y0 + depth))
        x += width + gap
    return out


def _frame(geoms: list, **cols) -> gpd.GeoDataFrame:
    n = len(geoms)
    data = {"parcel_id": [f"P{i + 1}" for i in range(n)], **cols}
    return gpd.GeoDataFrame(data, geometry=geoms, crs=CRS, index=[100 + i for i in range(n)])


def test_a_plot_of_unknown_area_leaves_the_block_area_unknown_not_short():
    # 「100亩以上」 [越政发〔2022〕24号 第三条第4项]. 60 亩 + a touching plot whose area is not
    # known (flagged implausible): the block may reach 100 亩 or not → area and large unknown
    # (was 60 亩, not large). 105 亩 + the same plot: large whatever the unknown area adds.
    for widths, large in (([60, 45], None), ([105, 45], True)):
        plots = _frame(_strip(widths), area_m2=[widths[0] * M2_PER_MU, None], tax_wan=[1.0, 1.0])
        _, blocks = find_blocks(plots)
        block = blocks.iloc[0]
        assert block["n_parcels"] == 2
        assert pd.isna(block["area_mu"]) and pd.isna(block["tax_per_mu"])
        assert (None if pd.isna(block["large"]) else bool(block["large"])) is large


def test_three_touching_plots_of_101_mu_form_a_large_block():
    # 33 + 34 + 34 = 101 亩, sharing edges → one block ≥ 100 亩 [000 4] → large
    plots = _frame(
        _strip([33, 34, 34]),
        tax_wan=[33.0, 68.0, None],
        usccs=["U1", "U2；U3", "U3"],
        path=["整治提升", "拆除重建", "整治提升"],
    )
    block_id, blocks = find_blocks(plots)
    assert list(block_id.index) == [100, 101, 102]
    assert block_id.nunique() == 1
    assert len(blocks) == 1
    block = blocks.iloc[0]
    assert block["area_mu"] == pytest.approx(101.0)
    assert bool(block["large"]) is True
    assert block["n_parcels"] == 3
    assert block["parcel_ids"] == "P1；P2；P3"
    assert block["n_enterprises"] == 3  # U1, U2, U3 (U3 on two plots counted once)
    # the third plot's tax is not known: so is the block's (33 + 68 = 101 over 101 亩 read the
    # unknown tax as 0, 1.0 万元/亩 where the known plots make 101 / 67 = 1.51)
    assert pd.isna(block["tax_wan"]) and pd.isna(block["tax_per_mu"])
    assert block["paths"] == "拆除重建1；整治提升2"
    assert set(BLOCK_COLUMNS) <= set(blocks.columns)
    assert blocks.crs == plots.crs


def test_99_mu_is_not_large():
    # 33 + 33 + 33 = 99 亩 < 100 亩 → still one block, but not large
    _, blocks = find_blocks(_frame(_strip([33, 33, 33])))
    assert len(blocks) == 1
    assert blocks.iloc[0]["area_mu"] == pytest.approx(99.0)
    assert not bool(blocks.iloc[0]["large"])


def test_gap_is_configurable():
    plots = _frame(_strip([60, 60], gap=40.0))
    ids, _ = find_blocks(plots, gap_m=50.0)
    assert ids.nunique() == 1


def test_ids_largest_first_and_missing_geometry():
    # a 10 亩 plot far away, a 50 亩 plot, and a row without geometry
    geoms = [
        box(X0 + 5000, Y0, X0 + 5000 + 10 * M2_PER_MU / 100, Y0 + 100),
        *_strip([50]),
        None,
    ]
    ids, blocks = find_blocks(_frame(geoms))
    assert ids.loc[101] == "B0001"  # the larger block first
    assert ids.loc[100] == "B0002"
    assert pd.isna(ids.loc[102])
    assert list(blocks.index) == ["B0001", "B0002"]


def test_empty_input():
    empty = gpd.GeoDataFrame({"parcel_id": []}, geometry=[], crs=CRS)
    ids, blocks = find_blocks(empty)
    assert len(ids) == 0
    assert len(blocks) == 0


def test_labels_match_a_brute_force_grouping():
    # independent check: union–find over all pairs with distance ≤ gap
    rng = np.random.default_rng(7)
    geoms = [
        box(x, y, x + w, y + w)
        for x, y, w in zip(
            rng.uniform(0, 2000, 60),
            rng.uniform(0, 2000, 60),
            rng.uniform(20, 120, 60),
            strict=True,
        )
    ]
    frame = gpd.GeoDataFrame(geometry=geoms, crs=CRS)
    labels = label_blocks(frame, gap_m=30.0).to_numpy()
    parent = list(range(len(geoms)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            if geoms[i].distance(geoms[j]) <= 30.0:
                parent[find(i)] = find(j)
    roots = [find(i) for i in range(len(geoms))]
    for i in range(len(geoms)):
        for j in range(len(geoms)):
            assert (labels[i] == labels[j]) == (roots[i] == roots[j])


# --------------------------------------------------------------------------------------------
# lanes, main roads and planned roads (default gap ≤ 10 m, project default)


def _road(x0: float, x1: float, use: str) -> gpd.GeoDataFrame:
    """A planning polygon covering the strip x0..x1 beside the plots (and 50 m beyond)."""
    return gpd.GeoDataFrame(
        {"planned_use": [use]}, geometry=[box(x0, Y0 - 50, x1, Y0 + 250)], crs=CRS
    )


@pytest.fixture(scope="module")
def zhejiang():
    return load_profile("zhejiang-2023")


def test_touching_plots_are_one_block():
    ids, blocks = find_blocks(_frame(_strip([60, 60])))  # 200 m × 200 m each, sharing an edge
    assert ids.nunique() == 1
    assert blocks.iloc[0]["area_mu"] == pytest.approx(120.0)


def test_plots_8m_apart_across_a_lane_are_one_block(zhejiang):
    # a lane 8 m wide between two 60 亩 plots; the planning layer shows no road there
    plots = _frame(_strip([60, 60], gap=8.0))
    roads = road_polygons(_road(X0 + 200, X0 + 208, "工业用地"), profile=zhejiang)
    ids, blocks = find_blocks(plots, roads=roads)
    assert len(roads) == 0  # 工业用地 is no road
    assert ids.nunique() == 1
    assert bool(blocks.iloc[0]["large"])  # 120 亩 ≥ 100 亩


def test_plots_8m_apart_across_a_planned_road_are_two_blocks(zhejiang):
    # same layout, but the 8 m strip is a planned 城镇村道路用地 (1207) polygon: it splits
    plots = _frame(_strip([60, 60], gap=8.0))
    for use in ("城镇道路用地", "1207", "S1", "城市道路用地（S1）"):
        roads = road_polygons(_road(X0 + 200, X0 + 208, use), profile=zhejiang)
        assert len(roads) == 1, use
        ids, blocks = find_blocks(plots, roads=roads)
        assert ids.nunique() == 2, use
        assert not blocks["large"].any()  # 60 亩 each


def test_a_road_beside_two_touching_plots_does_not_split_them(zhejiang):
    # the road runs along the plots' outer edge; touching plots stay one block
    plots = _frame(_strip([60, 60]))
    roads = road_polygons(_road(X0 + 400, X0 + 430, "道路用地"), profile=zhejiang)
    ids, _ = find_blocks(plots, roads=roads)
    assert ids.nunique() == 1


def test_main_road_20m_splits_and_10m_is_included(zhejiang):
    # gap_m = 10 with comparison "<=": 10.0 m joins (以内，含本数), 10.5 m and 20 m do not
    assert zhejiang["blocks.gap_m"].value == 10.0
    assert zhejiang["blocks.gap_m"].comparison == "<="
    for gap, n in ((10.0, 1), (10.5, 2), (20.0, 2)):
        ids, _ = find_blocks(_frame(_strip([60, 60], gap=gap)))
        assert ids.nunique() == n, gap
    # a strict comparison leaves exactly 10 m out
    ids, _ = find_blocks(_frame(_strip([60, 60], gap=10.0)), gap_comparison="<")
    assert ids.nunique() == 2


def test_road_polygons_need_a_clear_road_use(zhejiang):
    layer = gpd.GeoDataFrame(
        {"planned_use": ["道路用地", "120701", "M1/S1", "工业用地", None, "非道路用地"]},
        geometry=[box(X0 + 10 * i, Y0, X0 + 10 * i + 5, Y0 + 5) for i in range(6)],
        crs=CRS,
    )
    roads = road_polygons(layer, profile=zhejiang)
    # 道路用地 only: 「120701」 is no code of any classification (1207 城镇村道路用地 has no
    # 三级类 in 自然资发〔2023〕234号), so it is no road, as no land-use code is read by prefix;
    # a mixed or blank use is no road
    assert len(roads) == 1
    assert road_polygons(None, profile=zhejiang) is None


def test_exactly_100_mu_is_large():
    # 「100亩以上」 includes 100 (《民法典》第1259条): 50 + 50 亩 touching → large
    _, blocks = find_blocks(_frame(_strip([50, 50])))
    assert blocks.iloc[0]["area_mu"] == pytest.approx(100.0)
    assert bool(blocks.iloc[0]["large"])
    _, blocks = find_blocks(_frame(_strip([50, 50])), area_comparison=">")
    assert not bool(blocks.iloc[0]["large"])


# --------------------------------------------------------------------------------------------
# which plots form blocks, and the R3 block clause (paths decided with blocks)

CIT = Citation("000", "4")


def _checks(rows: list[dict[str, Status]], idle_years: list[int]) -> pd.DataFrame:
    out = []
    for row, years in zip(rows, idle_years, strict=True):
        full = {}
        for name in CHECK_NAMES:
            status = row.get(name, Status.PASS)
            values: dict = {}
            if name == "catalogue":
                values["classes"] = (("U1", "允许类"),)
            if name == "violation":
                values["records"] = ()
            if name == "idle":
                values["idle_years"] = years
                if status is Status.FAIL:  # screening.idle_recovery_years: 满两年
                    values["recoverable"] = years >= 2
            full[name] = Verdict(f"screening.{name}", status, name, CIT, values, ())
        out.append(full)
    return pd.DataFrame(out)


IDLE, LOW, VIOLATION = (
    {"idle": Status.FAIL},
    {"low_efficiency": Status.FAIL},
    {"violation": Status.FAIL},
)


def _gov(widths_mu, rows, years, **cols):
    plots = _frame(_strip(widths_mu), grade="C", **cols)
    checks = _checks(rows, years)
    checks.index = plots.index
    return plots, checks


def test_rectify_plots_are_in_no_block_and_a_low_efficiency_neighbour_joins(zhejiang):
    # Left to right, all touching: P1 5 亩 violation only; P2 60 亩 idle 3 years; P3 70 亩 idle
    # 3 years; P4 20 亩 low efficiency; P5 20 亩 low efficiency (touches P4 only).
    # R1 关停退出 (idle_years >= 2): P2, P3 → the seed block 130 亩 (连片腾退).
    # P4 is low efficiency next to a block of ≥ 100 亩: R3 「低效且属100亩以上连片低效地块」 →
    # 拆除重建, it joins (连片改造) → 150 亩. P5 touches only P4, not the seed block: blocks grow by
    # one ring, never chain → P5 stays 整治提升, in no block. P1 is not low efficiency → 整治提升.
    plots, checks = _gov(
        [5, 60, 70, 20, 20],
        [VIOLATION, IDLE, IDLE, LOW, LOW],
        [0, 3, 3, 0, 0],
        township=["斗门街道", "斗门街道", "马山街道", "斗门街道", None],
        usccs=["U1", "U2", "U3；U4", "U4", "U5"],
    )
    got = paths_and_blocks(plots, checks=checks, profile=zhejiang)
    assert got.paths["path"].to_list() == [
        "整治提升",
        "关停退出",
        "关停退出",
        "拆除重建",
        "整治提升",
    ]
    assert got.block_id.to_list()[1:4] == ["B0001"] * 3
    assert pd.isna(got.block_id.iloc[0]) and pd.isna(got.block_id.iloc[4])
    assert got.block_large.to_list() == [False, True, True, True, False]
    assert got.block_area_mu.iloc[1] == pytest.approx(150.0)
    assert pd.isna(got.block_area_mu.iloc[4])
    assert "属连片地块 B0001（150 亩）" in got.paths["reasons"].iloc[3]
    assert len(got.blocks) == 1
    block = got.blocks.iloc[0]
    assert block["area_mu"] == pytest.approx(150.0)
    assert block["n_parcels"] == 3
    assert block["paths"] == "拆除重建1；关停退出2"
    assert block["path_area"] == "拆除重建 20亩；关停退出 130亩"
    assert block["townships"] == "斗门街道、马山街道"
    assert block["largest_parcel"] == "P3"
    assert block["largest_parcel_mu"] == pytest.approx(70.0)
    assert block["n_enterprises"] == 3  # U2, U3, U4
    assert block["parcel_ids"] == "P2；P3；P4"


def test_a_large_low_efficiency_plot_alone_is_rebuilt_and_99_mu_is_not(zhejiang):
    # 「占地100亩以上低效工业用地」: a 100 亩 low-efficiency plot is such land by itself → R3
    # 拆除重建, a block of one; 99 亩 on its own is not → 整治提升, no block. (Far apart.)
    big = _strip([100])
    small = [box(X0 + 5000, Y0, X0 + 5000 + 99 * M2_PER_MU / 200, Y0 + 200)]
    plots = _frame(big + small, grade="C")
    checks = _checks([LOW, LOW], [0, 0])
    checks.index = plots.index
    got = paths_and_blocks(plots, checks=checks, profile=zhejiang)
    assert got.paths["path"].to_list() == ["拆除重建", "整治提升"]
    assert got.block_id.iloc[0] == "B0001" and pd.isna(got.block_id.iloc[1])
    assert bool(got.blocks.iloc[0]["large"])


def test_functional_change_counts_where_the_profile_says_so(zhejiang):
    # two touching 60 亩 plots planned for a non-industrial use → R2 功能转型. zhejiang-2023
    # (blocks.paths = 拆除重建、关停退出): no block. yuecheng-2022 adds 功能转型 (连片…二次开发).
    plots, checks = _gov([60, 60], [{"planning": Status.FAIL}] * 2, [0, 0])
    got = paths_and_blocks(plots, checks=checks, profile=zhejiang)
    assert got.paths["path"].to_list() == ["功能转型", "功能转型"]
    assert len(got.blocks) == 0 and got.block_id.isna().all()
    got = paths_and_blocks(plots, checks=checks, profile=load_profile("yuecheng-2022"))
    assert got.block_id.nunique() == 1
    assert got.blocks.iloc[0]["paths"] == "功能转型2"


def test_a_planned_road_keeps_a_neighbour_out_of_the_block(zhejiang):
    # the seed block (P1 + P2 idle, 130 亩) and a low-efficiency P3 8 m away across a planned
    # road: P3 would not join → 整治提升; across a lane (no road) it joins → 拆除重建
    seed = _strip([60, 70])
    x = seed[-1].bounds[2]  # P2's right edge
    geoms = [*seed, box(x + 8, Y0, x + 8 + 20 * M2_PER_MU / 200, Y0 + 200)]
    plots = _frame(geoms, grade="C")
    checks = _checks([IDLE, IDLE, LOW], [3, 3, 0])
    checks.index = plots.index
    road = road_polygons(_road(x, x + 8, "城镇村道路用地"), profile=zhejiang)
    got = paths_and_blocks(plots, checks=checks, profile=zhejiang, roads=road)
    assert got.paths["path"].to_list() == ["关停退出", "关停退出", "整治提升"]
    got = paths_and_blocks(plots, checks=checks, profile=zhejiang)
    assert got.paths["path"].to_list() == ["关停退出", "关停退出", "拆除重建"]
    assert got.block_id.nunique() == 1


def test_no_plots_no_blocks(zhejiang):
    plots, checks = _gov([], [], [])
    got = paths_and_blocks(
        plots, checks=checks.reindex(columns=list(CHECK_NAMES)), profile=zhejiang
    )
    assert len(got.paths) == 0 and len(got.blocks) == 0 and len(got.block_id) == 0


def test_a_plot_without_geometry_is_in_no_block(zhejiang):
    # P2 has no shape (and no area): it still gets a path, never a block; P1 (120 亩) is rebuilt
    plots = _frame([*_strip([120]), None], grade="C")
    checks = _checks([LOW, IDLE], [0, 3])
    checks.index = plots.index
    got = paths_and_blocks(plots, checks=checks, profile=zhejiang)
    assert got.paths["path"].to_list() == ["拆除重建", "关停退出"]
    assert got.block_id.iloc[0] == "B0001" and pd.isna(got.block_id.iloc[1])
    assert got.blocks.iloc[0]["n_parcels"] == 1


@pytest.mark.parametrize(("strip_use", "n_blocks"), [("城镇村道路用地", 2), ("工业用地", 1)])
def test_screen_splits_blocks_at_a_planned_road_of_the_planning_layer(
    zhejiang, strip_use, n_blocks
):
    # Two 60 亩 plots 8 m apart, both idle (contracted 2020, nothing built) for more than two
    # full years by 2024-03-15 → 治理, R1 关停退出 (a buildings layer over the plots shows none on
    # them). The planning layer puts 工业用地 on both plots and, on the 8 m strip between them,
    # a planned road (→ two blocks) or 工业用地 (a lane → one block of 120 亩).
    plots = _frame(
        _strip([60, 60], gap=8.0),
        contract_start_date=["2020-01-01"] * 2,
        floor_area_m2=[0.0, 0.0],
        buildings_cover=[True, True],
        n_buildings=[0, 0],
        main_uscc=["U1", "U2"],
    )
    plots["area_m2"] = plots.geometry.area
    enterprises = pd.DataFrame(
        {"uscc": ["U1", "U2"], "above_scale": True, "land_mu": 60.0, "tax_wan": 600.0}
    )
    pairs = pd.DataFrame({"parcel_id": ["P1", "P2"], "uscc": ["U1", "U2"], "relation": "owner"})
    plan = gpd.GeoDataFrame(
        {"planned_use": ["工业用地", strip_use, "工业用地"], "inside_control_line": True},
        geometry=[*_strip([60], depth=200.0), *_road(X0 + 200, X0 + 208, "").geometry,
                  box(X0 + 208, Y0, X0 + 408, Y0 + 200)],
        crs=CRS,
    )  # fmt: skip
    result = screen(
        plots,
        enterprises=enterprises,
        pairs=pairs,
        planning=plan,
        profile=zhejiang,
        as_of="2024-03-15",
    )
    assert result.parcels["path"].to_list() == ["关停退出", "关停退出"]
    assert len(result.blocks) == n_blocks
    assert result.parcels["block_id"].nunique() == n_blocks
    assert result.parcels["block_large"].to_list() == [n_blocks == 1] * 2


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('paths = { value = ["拆迁"], source = "测试" }', "blocks.paths"),
        ('gap_m = { value = 10.0, unit = "m", source = "测试" }', "blocks.gap_m"),  # no comparison
        (
            'gap_m = { value = -1.0, comparison = "<=", unit = "m", source = "测试" }',
            "blocks.gap_m",
        ),
    ],
)
def test_bad_block_settings_are_refused(tmp_path, line, key):
    user = tmp_path / "county.toml"
    user.write_text(
        '[profile]\nname = "county-test"\nversion = "1"\ntitle = "测试县"\n'
        f'extends = "zhejiang-2023"\n\n[blocks]\n{line}\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError) as err:
        load_profile(user)
    assert key.split(".")[1] in str(err.value)


def test_a_neighbour_of_a_seed_block_of_unknown_area_is_not_decided_as_if_short(zhejiang):
    # P1 60 亩 idle 3 years, P2 idle 3 years of unknown area (flagged implausible), P3 20 亩
    # low efficiency, all touching. R1 关停退出: P1, P2 → the seed block 60 亩 + unknown.
    # P3 would join a block of 20 + 60 + unknown 亩: it may reach 100 亩 or not, so R3
    # 「低效且属100亩以上连片低效地块」 is unknown for it: its path is 待核实 (R3 named, the
    # table going on to R4), never a certain 整治提升 from 80 亩 (the known part read as the
    # whole). With P1 105 亩 the known part alone reaches 100 亩: R3 holds, P3 is 拆除重建
    # whatever P2 adds.
    for first_mu, path, status in (
        (60, "整治提升", Status.UNKNOWN),
        (105, "拆除重建", Status.PASS),
    ):
        widths = [first_mu, 45, 20]
        area_m2 = [first_mu * M2_PER_MU, None, 20 * M2_PER_MU]
        plots, checks = _gov(widths, [IDLE, IDLE, LOW], [3, 3, 0], area_m2=area_m2)
        got = paths_and_blocks(plots, checks=checks, profile=zhejiang)
        assert got.paths["path"].to_list() == ["关停退出", "关停退出", path]
        assert got.paths["path_status"].iloc[2] == status.value
        assert ("R3「拆除重建」无法判定" in got.paths["reasons"].iloc[2]) is (first_mu == 60)
