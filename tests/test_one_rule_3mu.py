"""One 规下 land threshold for the screening focus and the 亩均 evaluation (one rule, one place).

虞政发〔2022〕12号 第三条第（二）项第1目 「以规上制造业企业、实际用地3亩以上的规下制造业企业
为重点开展排查」 and 嵊政〔2022〕28号 第三条第（二）项第1目 「对规上制造业企业、实际用地3亩(含)
以上的规下制造业企业开展排查」 name one group of firms: the 底数清单's focus and the firms the
企业评价 grades. The profiles used to hold it twice (``screening.small_firm_min_land_mu``,
``scoring.below_scale_min_land_mu``); a county changing one would make the two stages disagree
about the same firm. Now one key, ``screening.small_firm_min_land_mu`` (``>=``: 「以上」 includes
3); the old key in a user's profile is read as it with a 提示; both keys at different values are
refused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from landgov.cli.profiles import command
from landgov.efficiency import grade_enterprises
from landgov.errors import ProfileError
from landgov.policy import BELOW_SCALE_MIN_LAND, below_scale_min_land, list_profiles, load_profile
from landgov.screening import check_low_efficiency
from tests._hand import enterprises, owner_links, parcels_of, square, uscc

OLD = "scoring.below_scale_min_land_mu"
NEW = "screening.small_firm_min_land_mu"


def _user_profile(folder: Path, body: str) -> Path:
    head = '[profile]\nname = "my-county"\nversion = "1"\ntitle = "测试县配置"\n'
    head += 'extends = "shangyu-2022"\ndocuments = ["001"]\n'
    path = folder / "my-county.toml"
    path.write_text(head + body, encoding="utf-8")
    return path


def _both_stages(profile, lands: list[float]) -> tuple[list, list]:
    """(in screening focus, evaluated) for one 规下 firm per land figure.

    Plots of 10 亩 with tax 40 万元 (亩均 4 ≤ 5: 低效 whatever the focus); firm ``i`` is 规下,
    owns plot ``i`` and uses ``lands[i]`` 亩; for grading tax 10 万元, power 50 万kWh.
    """
    n = len(lands)
    parcels = parcels_of([square(10.0, i) for i in range(n)], tax_wan=[40.0] * n)
    parcels["area_m2"] = parcels.geometry.area
    ents = enterprises(n, above_scale=False, land_mu=lands)
    got = check_low_efficiency(
        parcels, enterprises=ents, pairs=owner_links(parcels), profile=profile
    )
    rows = pd.DataFrame(
        [
            {"uscc": uscc(i, "MA7A"), "above_scale": False, "land_mu": mu, "tax_wan": 10.0,
             "power_10k_kwh": 50.0, "industry_code": "3311"}
            for i, mu in enumerate(lands)
        ]
    )  # fmt: skip
    graded = grade_enterprises(rows, profile=profile).data
    return [v.values["in_focus"] for v in got], graded["evaluated"].tolist()


@pytest.mark.parametrize("name", ["shangyu-2022", "shengzhou-2022", "zhejiang-2023"])
def test_3_mu_is_in_scope_for_both_stages_and_2_99_for_neither(name: str) -> None:
    # 「3亩以上」「3亩(含)以上」 include 3 (《民法典》第一千二百五十九条):
    #   3.00 亩 → 3.00 ≥ 3 → 排查重点 and 参评;  2.99 亩 → 2.99 < 3 → neither.
    profile = load_profile(name)
    assert below_scale_min_land(profile) is profile[NEW]
    assert (profile[NEW].value, profile[NEW].comparison) == (3.0, ">=")
    assert _both_stages(profile, [3.0, 2.99]) == ([True, False], [True, False])


def test_no_shipped_profile_holds_the_old_key() -> None:
    for row in list_profiles():
        profile = load_profile(row["name"])
        assert OLD not in profile, row["name"]
        assert profile.notices == (), row["name"]
    assert BELOW_SCALE_MIN_LAND == NEW


def test_user_profile_with_the_old_key_sets_both_stages_with_a_hint(tmp_path: Path) -> None:
    # A county that still writes the old key at 4 亩 (its own reading) gets 4 亩 for both stages:
    #   3.99 亩 → < 4 → neither 排查重点 nor 参评;  4.00 亩 → ≥ 4 → both.
    # Before, the old key moved only the 企业评价 and the 底数清单 kept 3 (3.99 in focus).
    path = _user_profile(
        tmp_path,
        '[scoring]\nbelow_scale_min_land_mu = { value = 4.0, unit = "亩", '
        'source = "001 三(二)1" }\n',
    )
    profile = load_profile(path)
    assert OLD not in profile
    param = below_scale_min_land(profile)
    assert (param.value, param.comparison, param.origin) == (4.0, ">=", "my-county")
    assert str(param.citation) == "[虞政发〔2022〕12号 第三条第（二）项第1目]"
    assert _both_stages(profile, [3.99, 4.0]) == ([False, True], [False, True])
    (notice,) = profile.notices
    assert notice.startswith("提示：") and OLD in notice and NEW in notice
    result = CliRunner().invoke(command, ["show", str(path)])
    assert result.exit_code == 0
    assert "提示：" in result.output and f"已改名为 {NEW}" in result.output


def test_user_profile_setting_both_keys_alike_reads_one_value(tmp_path: Path) -> None:
    path = _user_profile(
        tmp_path,
        '[scoring]\nbelow_scale_min_land_mu = { value = 3.0, unit = "亩", '
        'source = "001 三(二)1" }\n'
        '[screening]\nsmall_firm_min_land_mu = { value = 3.0, comparison = ">=", unit = "亩", '
        'source = "001 三(二)1" }\n',
    )
    profile = load_profile(path)
    assert below_scale_min_land(profile).value == 3.0
    (notice,) = profile.notices
    assert f"请删去旧键 {OLD}" in notice


def test_user_profile_setting_both_keys_differently_is_refused(tmp_path: Path) -> None:
    # 3 亩 for the 底数清单 and 5 亩 for the 企业评价 would judge one 4-亩 firm two ways
    path = _user_profile(
        tmp_path,
        '[scoring]\nbelow_scale_min_land_mu = { value = 5.0, unit = "亩", '
        'source = "001 三(二)1" }\n'
        '[screening]\nsmall_firm_min_land_mu = { value = 3.0, comparison = ">=", unit = "亩", '
        'source = "001 三(二)1" }\n',
    )
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    text = str(err.value)
    assert f"{OLD} = 5.0" in text and f"{NEW} = 3.0" in text
    assert f"删去旧键 {OLD}" in text and str(path) in text
    result = CliRunner().invoke(command, ["show", str(path)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert f"{OLD} = 5.0" in result.output


def test_evaluation_note_cites_the_shared_clause() -> None:
    # 2.99 亩 规下 in 上虞: 「规下企业用地不足 3 亩，不参评」 with 上虞's clause
    profile = load_profile("shangyu-2022")
    rows = pd.DataFrame(
        [{"uscc": uscc(0, "MA7A"), "above_scale": False, "land_mu": 2.99, "tax_wan": 10.0,
          "power_10k_kwh": 50.0, "x": np.nan, "industry_code": "3311"}]
    )  # fmt: skip
    note = grade_enterprises(rows, profile=profile).data["evaluation_note"].iloc[0]
    assert "规下企业用地不足 3 亩，不参评 [虞政发〔2022〕12号 第三条第（二）项第1目" in note


def test_every_run_announces_the_rename_hint(tmp_path: Path, capsys) -> None:
    # a run names its profile on stderr (政策版本); the 提示 follows it, once
    from landgov.cli._workfolder import WorkSettings, announce

    path = _user_profile(
        tmp_path, '[scoring]\nbelow_scale_min_land_mu = { value = 4.0, source = "001 三(二)1" }\n'
    )
    announce(WorkSettings(), profile=str(path))
    err = capsys.readouterr().err
    assert "政策版本：测试县配置（my-county v1）" in err
    assert err.count(f"已改名为 {NEW}") == 1


# --- grade counts: each firm once, by the rule the 规上 sums use ------------------------------


def _graded_firms() -> pd.DataFrame:
    """Five rows, all 规下 in 甲街道: firm 0 (a valid code) given twice with grade A, firm 1 with
    grade B, and two rows with the masked code 「9133********621X」 graded C (a masked code names
    no firm: they may be two firms, and are counted apart)."""
    masked = "9133********621X"
    return pd.DataFrame(
        {
            "uscc": [uscc(0), uscc(0), uscc(1), masked, masked],
            "above_scale": [False] * 5,
            "land_mu": [5.0] * 5,
            "tax_wan": [10.0] * 5,
            "grade": ["A", "A", "B", "C", "C"],
            "township": ["甲街道"] * 5,
        }
    )


def test_a_firm_given_twice_is_counted_once_in_the_grade_counts() -> None:
    # By hand: firm 0 is one firm (one valid code) → A 1 家, not 2; firm 1 → B 1;
    # the two masked rows → C 2; D 0. 4 家 in all, not 5.
    from landgov.core.counts import grade_counts

    assert grade_counts(_graded_firms()) == {"A": 1, "B": 1, "C": 2, "D": 0}


def test_the_township_summary_grade_columns_count_each_firm_once() -> None:
    # The 镇街汇总 of 甲街道 (and 全区) agrees with grade_counts: A 1, B 1, C 2, D 0.
    from landgov.summary import summarise

    plots = pd.DataFrame(
        {
            "parcel_id": ["P1"],
            "township": ["甲街道"],
            "area_mu": [10.0],
            "screening_status": ["不列入"],
            "path": [None],
        }
    )
    table = summarise(plots, enterprises=_graded_firms(), profile=load_profile("shangyu-2022"))
    for row in table.to_dict("records"):
        got = [row[f"n_grade_{g}"] for g in "ABCD"]
        assert got == [1, 1, 2, 0], row["township"]
