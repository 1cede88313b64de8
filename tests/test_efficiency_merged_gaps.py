"""出租方/承租方合并评价 (tenancy mode ``merged``) when one party lacks a summed figure.

A combined figure is the sum of every party's: when one party's is missing the combined
indicators are missing for all parties, the unit is scored as a single firm lacking them is
(not evaluated, no 计算等级), and a problem row names the party, its row, the field and the
partners it is evaluated with. Never the other parties' sum read as the whole.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landgov.efficiency import Grade, grade_enterprises
from landgov.ids import uscc_check_char
from landgov.policy import Profile, load_profile


def uscc(n: int) -> str:
    first17 = f"91330602MA{n:07d}"
    return first17 + uscc_check_char(first17)


LESSOR, TENANT, ALONE = uscc(1), uscc(2), uscc(3)


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Profile:
    """yuecheng-2022 (规下: 亩均税收 50 分, benchmark 11.5932; 单位电耗税收 50 分, benchmark
    0.2352; benchmarks given) with tenants merged and grades by score (A ≥ 120, B ≥ 90,
    C ≥ 60, else D), so one unit's grade is worked out by hand."""
    path = tmp_path_factory.mktemp("profiles") / "merged.toml"

    def param(key: str, value: str) -> str:
        return f'{key} = {{ value = {value}, official = false, source = "测试" }}\n'

    path.write_text(
        '[profile]\nname = "merged-test"\nversion = "1"\ntitle = "测试"\n'
        'extends = "yuecheng-2022"\n'
        + "[linking]\n"
        + param("tenancy_mode", '"merged"')
        + "[grading]\n"
        + param("method", '"threshold"')
        + param("score_thresholds", "{ A = 120.0, B = 90.0, C = 60.0 }"),
        encoding="utf-8",
    )
    return load_profile(path)


def lessor_and_tenant(**changes: dict[str, object]) -> pd.DataFrame:
    """A 规下 lessor (4 亩, tax 60 万元, 200 万kWh, enterprise table row 5) and its 规下 tenant
    (2 亩, tax 6 万元, 100 万kWh, row 6), one evaluation unit keyed by the lessor; ``changes``
    by USCC override a party's cells.

    Together: 6 亩, tax 66, 300 万kWh → 亩均税收 66 / 6 = 11.0, 单位电耗税收 66 / 300 = 0.22;
    score 50 × 11 / 11.5932 + 50 × 0.22 / 0.2352 = 47.44160 + 46.76871 = 94.21031 → B.
    """
    rows = [
        {"uscc": LESSOR, "land_mu": 4.0, "tax_wan": 60.0, "power_10k_kwh": 200.0},
        {"uscc": TENANT, "land_mu": 2.0, "tax_wan": 6.0, "power_10k_kwh": 100.0},
    ]
    common = {"above_scale": False, "industry_code": "3311", "eval_unit": LESSOR}
    frame = pd.DataFrame([common | r | changes.get(r["uscc"], {}) for r in rows], index=[10, 11])
    frame["is_tenant"] = [False, True]
    frame["host_uscc"] = [None, LESSOR]
    frame["source_row"] = [5, 6]
    return frame


SCORE = 50 * 11.0 / 11.5932 + 50 * 0.22 / 0.2352  # 94.21031


def test_control_both_parties_have_every_figure(merged: Profile) -> None:
    res = grade_enterprises(lessor_and_tenant(), profile=merged)
    data = res.data
    assert data["tax_per_mu"].tolist() == pytest.approx([11.0, 11.0])
    assert data["tax_per_power"].tolist() == pytest.approx([0.22, 0.22])
    assert data["score"].tolist() == pytest.approx([SCORE, SCORE])
    assert data["grade_computed"].tolist() == [Grade.B, Grade.B]
    assert data["evaluated"].tolist() == [True, True]
    assert not res.problems["problem"].str.contains("合并评价").any()


def _single_firm_without_tax(profile: Profile) -> pd.Series:
    """How a firm of its own with a blank 税收 is graded: the rule the unit follows."""
    alone = pd.DataFrame(
        [
            {
                "uscc": ALONE,
                "above_scale": False,
                "industry_code": "3311",
                "land_mu": 6.0,
                "tax_wan": np.nan,
                "power_10k_kwh": 300.0,
            }
        ]
    )
    return grade_enterprises(alone, profile=profile).data.iloc[0]


@pytest.mark.parametrize("blank", [np.nan, None, "—"], ids=["nan", "none", "dash"])
def test_lessor_without_tax_leaves_the_unit_ungraded(merged: Profile, blank: object) -> None:
    # The old sum read the tenant's 6 万元 as the unit's: 6 / 6 = 1.0 万元/亩, 6 / 300 = 0.02,
    # score 50 / 11.5932 + 50 × 0.02 / 0.2352 = 8.56 → D for both firms.
    res = grade_enterprises(lessor_and_tenant(**{LESSOR: {"tax_wan": blank}}), profile=merged)
    data = res.data
    single = _single_firm_without_tax(merged)
    for idx in data.index:
        assert np.isnan(data.at[idx, "tax_per_mu"])
        assert np.isnan(data.at[idx, "tax_per_power"])
        assert np.isnan(data.at[idx, "score"]) and np.isnan(single["score"])
        assert data.at[idx, "evaluated"] == single["evaluated"] == False  # noqa: E712
        assert data.at[idx, "grade_computed"] is None and single["grade_computed"] is None
        assert data.at[idx, "grade_source"] == single["grade_source"]
        assert "缺少亩均税收、单位电耗税收，不参评" in single["evaluation_note"]
        assert "缺少亩均税收、单位电耗税收，不参评" in data.at[idx, "evaluation_note"]
        assert f"出租方 {LESSOR} 缺少税收" in data.at[idx, "evaluation_note"]
    named = res.problems[res.problems["problem"].str.contains("合并评价的一方缺少税收")]
    assert len(named) == 1
    row = named.iloc[0]
    assert (row["row"], row["field"]) == (5, "tax_wan")
    assert row["value"] == f"出租方 {LESSOR}，与 承租方 {TENANT} 合并评价"
    assert row["input_role"] == "enterprises"


def test_tenant_without_tax_leaves_the_unit_ungraded(merged: Profile) -> None:
    # old: tax 60 / 6 亩 = 10.0 and 60 / 300 = 0.2 read as the unit's (43.13 + 42.52 → C)
    res = grade_enterprises(lessor_and_tenant(**{TENANT: {"tax_wan": np.nan}}), profile=merged)
    data = res.data
    assert data["tax_per_mu"].isna().all() and data["score"].isna().all()
    assert data["grade_computed"].tolist() == [None, None]
    named = res.problems[res.problems["problem"].str.contains("合并评价的一方缺少税收")]
    assert named[["row", "field"]].values.tolist() == [[6, "tax_wan"]]
    assert named.iloc[0]["value"] == f"承租方 {TENANT}，与 出租方 {LESSOR} 合并评价"


def test_tenant_without_power_leaves_the_power_ratio_missing(merged: Profile) -> None:
    # 亩均税收 is whole (66 / 6 = 11.0); 单位电耗税收 would be 66 / 200 = 0.33 on the lessor's
    # power alone: it is missing, and the unit is not evaluated as a firm without 用电量 is not.
    res = grade_enterprises(
        lessor_and_tenant(**{TENANT: {"power_10k_kwh": np.nan}}), profile=merged
    )
    data = res.data
    assert data["tax_per_mu"].tolist() == pytest.approx([11.0, 11.0])
    assert data["tax_per_power"].isna().all()
    assert data["score"].isna().all() and data["grade_computed"].tolist() == [None, None]
    named = res.problems[res.problems["problem"].str.contains("合并评价的一方缺少用电量")]
    assert named[["row", "field"]].values.tolist() == [[6, "power_10k_kwh"]]
    assert "单位电耗税收" in named.iloc[0]["problem"]


def test_tenant_without_land_leaves_the_unit_without_land(merged: Profile) -> None:
    # old: 66 万元 over the lessor's 4 亩 alone = 16.5 万元/亩 (117.93 → B); now no land
    res = grade_enterprises(lessor_and_tenant(**{TENANT: {"land_mu": np.nan}}), profile=merged)
    data = res.data
    assert data["land_mu"].isna().tolist() == [False, True]  # each firm's own land, as given
    assert data["tax_per_mu"].isna().all() and data["score"].isna().all()
    assert "用地面积缺失或为零，不参评" in data.at[10, "evaluation_note"]
    named = res.problems[res.problems["problem"].str.contains("合并评价的一方缺少用地面积")]
    assert named[["row", "field"]].values.tolist() == [[6, "land_mu"]]
