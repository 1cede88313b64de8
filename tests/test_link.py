"""地企关联: hand-drawn parcels in EPSG:4549, a few enterprises, results worked by hand."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from landgov.errors import SchemaError
from landgov.ids import uscc_check_char
from landgov.link import LinkResult, TenancyMode, link_parcels
from landgov.policy import Profile, load_profile

X0, Y0 = 555_000.0, 3_320_000.0  # near 120.58°E 30.00°N in EPSG:4549


def uscc(n: int) -> str:
    """A valid USCC (GB 32100-2015 check character) for test enterprise ``n``."""
    first17 = f"91330602MA{n:07d}"
    return first17 + uscc_check_char(first17)


A, B, C, D, Z = uscc(1), uscc(2), uscc(3), uscc(4), uscc(99)
MASKED = "9133********621X"


def user_profile(folder: Path, name: str, body: str = "") -> Profile:
    """A single-file user profile extending a shipped one, with ``body`` overriding sections."""
    path = folder / f"{name}.toml"
    head = f'[profile]\nname = "{name}"\nversion = "1"\ntitle = "测试"\nextends = "yuecheng-2022"\n'
    path.write_text(head + body, encoding="utf-8")
    return load_profile(path)


def tenancy(folder: Path, mode: str, share: str = "equal") -> Profile:
    body = (
        "[linking]\n"
        f'tenancy_mode = {{ value = "{mode}", official = false, source = "测试" }}\n'
        f'share_rule = {{ value = "{share}", official = false, source = "测试" }}\n'
    )
    return user_profile(folder, f"t-{mode}-{share}", body)


class Profiles(dict):
    """Test profiles by name (short repr: Hypothesis prints its arguments on failure)."""

    def __repr__(self) -> str:
        return f"Profiles({sorted(self)})"


@pytest.fixture(scope="module")
def profiles(tmp_path_factory: pytest.TempPathFactory) -> Profiles:
    folder = tmp_path_factory.mktemp("profiles")
    out = Profiles({m.value: tenancy(folder, m.value) for m in TenancyMode})
    out["owner_rule"] = tenancy(folder, "merged", "owner")
    return out


def parcels() -> gpd.GeoDataFrame:
    # P1 100 m × 100 m = 10000 m² = 15 亩; P2 50 m × 100 m = 5000 m² = 7.5 亩 (declared 6000 m²:
    # 16.7 % off, above the 5 % tolerance); P3 40 m × 50 m = 2000 m² = 3 亩, nobody on it.
    geoms = [
        box(X0, Y0, X0 + 100, Y0 + 100),
        box(X0 + 200, Y0, X0 + 250, Y0 + 100),
        box(X0 + 300, Y0, X0 + 340, Y0 + 50),
    ]
    frame = gpd.GeoDataFrame(
        {
            "parcel_id": ["330602001001GB00001", "330602001001GB00002", "330602001001GB00003"],
            "holder": ["甲公司", "甲公司", "村集体"],
            "area_declared_m2": [10000.0, 6000.0, 2000.0],
        },
        geometry=geoms,
        crs="EPSG:4549",
        index=[10, 11, 12],  # not 0..n: the output must keep these labels
    )
    frame["area_m2"] = frame.geometry.area
    return frame


P1, P2, P3 = parcels()["parcel_id"]


def enterprises() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uscc": [A, B, C, D, MASKED],
            "name": ["甲公司", "乙公司", "丙公司", "丁公司", "戊公司"],
            "above_scale": [True, False, False, False, False],
            "tax_wan": [90.0, 30.0, 12.0, 5.0, 1.0],
            "value_added_wan": [450.0, 60.0, np.nan, 10.0, 2.0],
            "land_mu": [13.5, 3.0, 2.0, 1.0, 2.0],
        },
        index=[100, 101, 102, 103, 104],
    )


def links() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parcel_id": [P1, P1, P1, P2, "330602001001GB00009", P3, P2],
            "uscc": [A, B, C, A, D, MASKED, Z],
            "relation": ["自有", "租用", "租用", "自有", "自有", "自有", "租用"],
            "area_used_m2": [np.nan, 2000.0, np.nan, np.nan, np.nan, np.nan, 500.0],
        }
    )


@pytest.fixture(scope="module")
def merged(profiles: dict[str, Profile]) -> LinkResult:
    return link_parcels(parcels(), enterprises(), links(), profile=profiles["merged"])


def test_owner_and_two_tenants_share_the_parcel_by_area(merged: LinkResult) -> None:
    # P1 (10000 m²): 乙 is given 2000 m²; the remaining 8000 m² is shared equally by the users
    # without a given area, 甲 (owner) and 丙: 4000 m² each. P2 (5000 m²): Z (not in the
    # enterprise table) is given 500 m² and still holds them; 甲 has the other 4500 m².
    pairs = merged.pairs.set_index(["parcel_id", "uscc"])
    assert pairs.loc[(P1, A), "area_used_m2"] == pytest.approx(4000.0)
    assert pairs.loc[(P1, B), "area_used_m2"] == pytest.approx(2000.0)
    assert pairs.loc[(P1, C), "area_used_m2"] == pytest.approx(4000.0)
    assert pairs.loc[(P2, A), "area_used_m2"] == pytest.approx(4500.0)
    assert pairs.loc[(P1, B), "area_source"] == "关联给定"
    assert pairs.loc[(P1, C), "area_source"] == "分摊"
    assert pairs.loc[(P1, A), "relation"] == "owner"
    assert pairs.loc[(P1, C), "relation"] == "tenant"


def test_enterprise_on_two_parcels_sums_its_land(merged: LinkResult) -> None:
    # 甲: 4000 + 4500 = 8500 m² = 8500 × 15 / 10000 = 12.75 亩, on 2 parcels; share 8/17, 9/17.
    ents = merged.enterprises
    assert list(ents.index) == [100, 101, 102, 103, 104]
    assert ents.at[100, "land_m2"] == pytest.approx(8500.0)
    assert ents.at[100, "land_mu"] == pytest.approx(12.75)
    assert ents.at[100, "n_parcels"] == 2
    assert ents.at[101, "land_mu"] == pytest.approx(3.0)  # 2000 m²
    assert ents.at[102, "land_mu"] == pytest.approx(6.0)  # 4000 m²
    assert ents.at[102, "land_mu_declared"] == 2.0  # the declared value stays beside it
    shares = merged.pairs[merged.pairs["uscc"] == A].set_index("parcel_id")["share"]
    assert shares[P1] == pytest.approx(8 / 17)
    assert shares[P2] == pytest.approx(9 / 17)
    assert np.isnan(ents.at[103, "land_m2"])  # 丁 has no usable link


def test_tax_is_allocated_to_parcels_by_area_used(merged: LinkResult) -> None:
    # P1 tax = 8/17 × 90 (甲) + 1 × 30 (乙) + 1 × 12 (丙) = 720/17 + 42 = 1434/17 万元
    # P2: Z uses it and is not in the enterprise table, so its tax is not known: NaN, never
    # 9/17 × 90 from 甲 alone. P3 has only the masked code: NaN, not 0.
    out = merged.parcels
    assert list(out.index) == [10, 11, 12]
    assert out.at[10, "tax_wan"] == pytest.approx(1434 / 17)
    assert np.isnan(out.at[11, "tax_wan"])
    assert np.isnan(out.at[12, "tax_wan"])
    assert out["unjoined_usccs"].tolist() == ["", Z, MASKED]
    # 丙 has no value added, so P1's allocated value added is unknown (NaN), never a partial sum
    assert np.isnan(out.at[10, "value_added_wan"])
    assert np.isnan(out.at[11, "value_added_wan"])  # Z's share unknown, as for the tax
    assert out.at[10, "area_mu"] == pytest.approx(15.0)
    assert out.at[10, "main_uscc"] == A
    assert out.at[10, "n_enterprises"] == 3
    assert out.at[10, "usccs"] == f"{A}；{B}；{C}"
    assert out.at[10, "enterprise_names"] == "甲公司；乙公司；丙公司"
    assert pd.isna(out.at[12, "main_uscc"])
    assert out.at[12, "n_enterprises"] == 0


def test_area_difference_above_tolerance_is_a_problem(merged: LinkResult) -> None:
    # P2: |5000 − 6000| / 6000 = 16.7 % > 5 %; P1 and P3 match exactly.
    out = merged.parcels
    assert out.at[11, "area_diff_ratio"] == pytest.approx(1000 / 6000)
    assert out.at[10, "area_diff_ratio"] == pytest.approx(0.0)
    hits = merged.problems[merged.problems["field"] == "area_declared_m2"]
    assert len(hits) == 1
    assert P2 in hits["value"].iloc[0]


def test_unmatched_links_and_enterprises_are_listed_with_reasons(merged: LinkResult) -> None:
    ul = merged.unmatched_links
    assert sorted(ul.index) == [4, 5, 6]  # input labels of the links that joined nothing
    assert ul.at[4, "unmatched_reason"] == "宗地图层中无此宗地代码"
    assert ul.at[5, "unmatched_reason"] == "统一社会信用代码已脱敏，不予关联"
    assert ul.at[6, "unmatched_reason"] == "企业表中无此统一社会信用代码"
    ue = merged.unmatched_enterprises
    assert sorted(ue.index) == [103, 104]
    assert ue.at[103, "unmatched_reason"] == "无地企关联记录"
    assert "已脱敏" in ue.at[104, "unmatched_reason"]
    assert MASKED not in set(merged.pairs["uscc"])  # a masked code never joins
    texts = " ".join(merged.problems["problem"])
    assert "宗地图层中无此宗地代码" in texts
    assert "已脱敏" in texts


def test_tenancy_modes_set_the_evaluation_unit(profiles: dict[str, Profile]) -> None:
    args = (parcels(), enterprises(), links())
    merged = link_parcels(*args, profile=profiles["merged"]).enterprises
    follow = link_parcels(*args, profile=profiles["follow_owner"]).enterprises
    # 乙 and 丙 rent on 甲's parcel P1: host 甲 in every mode
    assert list(merged["host_uscc"].loc[[101, 102]]) == [A, A]
    assert list(merged["is_tenant"].loc[[100, 101, 102]]) == [False, True, True]
    # merged (遂昌): tenants are evaluated in 甲's unit; otherwise each is its own unit
    assert list(merged["eval_unit"].loc[[100, 101, 102]]) == [A, A, A]
    assert list(follow["eval_unit"].loc[[100, 101, 102]]) == [A, B, C]


def test_owner_share_rule_gives_the_rest_to_the_owner(profiles: dict[str, Profile]) -> None:
    # share_rule = owner: P1's remaining 8000 m² all go to 甲; 丙 (no area given) gets 0. On P2
    # Z keeps its given 500 m² and 甲 the other 4500 m².
    res = link_parcels(parcels(), enterprises(), links(), profile=profiles["owner_rule"])
    pairs = res.pairs.set_index(["parcel_id", "uscc"])
    assert pairs.loc[(P1, A), "area_used_m2"] == pytest.approx(8000.0)
    assert pairs.loc[(P1, C), "area_used_m2"] == pytest.approx(0.0)
    assert res.enterprises.at[100, "land_mu"] == pytest.approx(18.75)  # 12500 m²


def test_inputs_are_not_modified(profiles: dict[str, Profile]) -> None:
    p, e, k = parcels(), enterprises(), links()
    before = (p.copy(), e.copy(), k.copy())
    link_parcels(p, e, k, profile=profiles["merged"])
    pd.testing.assert_frame_equal(p, before[0])
    pd.testing.assert_frame_equal(e, before[1])
    pd.testing.assert_frame_equal(k, before[2])


def test_missing_columns_are_listed_at_once(profiles: dict[str, Profile]) -> None:
    with pytest.raises(SchemaError) as err:
        link_parcels(
            parcels().drop(columns="parcel_id"),
            enterprises().drop(columns="uscc"),
            links(),
            profile=profiles["merged"],
        )
    fields = {i.field for i in err.value.issues}
    assert fields == {"parcel_id", "uscc"}


_IDS = [P1, P2, P3, "330602001001GB00009"]
_CODES = [A, B, C, D, Z, MASKED, ""]


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(_IDS),
            st.sampled_from(_CODES),
            st.sampled_from(["自有", "租用", None]),
            st.one_of(st.none(), st.floats(0, 12000)),
        ),
        max_size=12,
    )
)
def test_a_join_never_loses_rows(profiles: dict[str, Profile], rows: list[tuple]) -> None:
    lk = pd.DataFrame(rows, columns=["parcel_id", "uscc", "relation", "area_used_m2"])
    res = link_parcels(parcels(), enterprises(), lk, profile=profiles["merged"])
    assert list(res.parcels.index) == [10, 11, 12]
    assert list(res.enterprises.index) == [100, 101, 102, 103, 104]
    assert len(res.pairs) + len(res.unmatched_links) == len(lk)
    linked = set(res.pairs["uscc"])
    listed = set(res.unmatched_enterprises["uscc"])
    assert linked | listed == set(enterprises()["uscc"])
    assert not linked & listed
    shares = res.pairs.groupby("uscc")["share"].sum()
    assert np.allclose(shares, 1.0)
    assert not np.isinf(res.parcels["tax_wan"]).any()


def test_a_firm_on_a_plot_of_unknown_area_has_unknown_land_and_shares(
    profiles: dict[str, Profile],
) -> None:
    # 甲 owns P1 (10000 m²) and P2, whose area is not known (a shape flagged implausible).
    # 甲's land is 10000 m² + unknown: not known, never 10000 m² (15 亩, 亩均 90 / 15 = 6).
    # Its shares are not known either: P1 gets no 1.0 × 90 万元 (all of 甲's tax), its tax
    # is not known.
    plots = parcels()
    plots.loc[11, "area_m2"] = np.nan
    rows = pd.DataFrame(
        {"parcel_id": [P1, P2], "uscc": [A, A], "relation": ["自有", "自有"],
         "area_used_m2": [np.nan, np.nan]}
    )  # fmt: skip
    out = link_parcels(plots, enterprises(), rows, profile=profiles["merged"])
    assert np.isnan(out.enterprises.at[100, "land_m2"])
    assert np.isnan(out.enterprises.at[100, "land_mu"])
    assert out.enterprises.at[100, "n_parcels"] == 2
    assert out.pairs["share"].isna().all()
    assert np.isnan(out.parcels.at[10, "tax_wan"])
