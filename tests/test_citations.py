"""Whose value is it: official, borrowed from another county (「参照…」), or derived by the project.

The official/unofficial label belongs to each value as the profile reads it (issue 10 item 4). A
profile names its own county documents (``[profile] documents``); the province document 004
binds every profile. A value cited only to another county's document is a project default
borrowed from that county, whatever ``official`` says in the file that set it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from landgov.cli.profiles import command
from landgov.errors import ProfileError
from landgov.maps._summary import manifest_rows
from landgov.policy import load_profile
from landgov.run.screening import _district
from landgov.summary import DISTRICT, _target, target_derivations
from landgov.verdict import Citation, Status, Verdict
from tests._cli import assert_clean_error, run_cli

COUNTIES = ["yuecheng-2022", "shangyu-2022", "shengzhou-2022", "gongshu-2022"]
_DERIVED_TEXT = "20.8 × 2"


def _user_profile(folder: Path, body: str = "", *, documents: str | None = None) -> Path:
    head = '[profile]\nname = "my-county"\nversion = "1"\ntitle = "测试县配置"\n'
    head += 'extends = "yuecheng-2022"\n'
    if documents is not None:
        head += f"documents = {documents}\n"
    path = folder / "my-county.toml"
    path.write_text(head + body, encoding="utf-8")
    return path


# --- Citation itself -------------------------------------------------------------------------


def test_borrowed_citation_reads_canzhao_and_is_never_official() -> None:
    # given as official (上虞 fixed it), but borrowed by a profile it does not bind
    cit = Citation("001", "三(二)1", official=True, borrowed=True)
    assert not cit.official
    assert str(cit) == "[参照虞政发〔2022〕12号 第三条第（二）项第1目] 示例规则（非官方）"


def test_derived_citation_shows_how_and_is_not_the_documents_number() -> None:
    cit = Citation("000", "一(二)", derived="20.8 × 2（翻番）")
    assert not cit.official
    assert (
        str(cit) == "[越政发〔2022〕24号 第一条第（二）项] 项目推算（非文件数值）：20.8 × 2（翻番）"
    )
    assert "示例规则" not in str(cit)


@pytest.mark.parametrize(
    ("text", "rendered", "codes"),
    [
        ("000 附件3 三.1", "[越政发〔2022〕24号 附件3 第三条第1项]", ("000",)),
        (
            "001 三(二)1; 002 三(二)1",
            "[虞政发〔2022〕12号 第三条第（二）项第1目; 嵊政〔2022〕28号 第三条第（二）项第1目]",
            ("001", "002"),
        ),
        ("001 二; 三(一)1", "[虞政发〔2022〕12号 第二条; 第三条第（一）项第1目]", ("001",)),
        ("《闲置土地处置办法》第二条", "[《闲置土地处置办法》第二条]", ()),
    ],
)
def test_parse_and_str_are_unchanged_and_name_every_document(
    text: str, rendered: str, codes: tuple[str, ...]
) -> None:
    cit = Citation.parse(text)
    assert cit.official and not cit.borrowed and cit.derived is None
    assert str(cit) == rendered
    assert cit.documents == codes


def test_verdict_explain_carries_the_canzhao() -> None:
    cit = load_profile("yuecheng-2022").citation("screening.small_firm_min_land_mu")
    verdict = Verdict("scope", Status.PASS, "规下企业实际用地 3.00 亩", cit)
    assert "[参照虞政发〔2022〕12号 第三条第（二）项第1目" in verdict.explain()
    assert verdict.explain().endswith("示例规则（非官方）")


# --- the profile decides -----------------------------------------------------------------------


def test_yuecheng_three_mu_is_borrowed_from_shangyu() -> None:
    # 虞政发〔2022〕12号 第三条第（二）项第1目:
    # 「以规上制造业企业、实际用地3亩以上的规下制造业企业为重点开展排查」
    # binds 上虞 only; 越城's own 越政发〔2022〕24号 names no 3 亩 scope. In yuecheng-2022 the
    # value (inherited from zhejiang-2023) is a project default borrowed from 上虞 and 嵊州.
    cit = load_profile("yuecheng-2022").citation("screening.small_firm_min_land_mu")
    assert cit.borrowed and not cit.official
    assert str(cit).startswith("[参照虞政发〔2022〕12号 第三条第（二）项第1目")


def test_shangyu_three_mu_is_official() -> None:
    # the same sentence is 上虞's own: official in shangyu-2022, whether set there or inherited
    shangyu = load_profile("shangyu-2022")
    cit = shangyu.citation("screening.small_firm_min_land_mu")  # also the 规下 evaluation scope
    assert cit.official and not cit.borrowed
    assert str(cit).startswith("[虞政发〔2022〕12号 第三条第（二）项第1目")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # 嵊州 reads its own 三(一)2 and 上虞's 三(一)1 (which alone names 能耗) as 参照
        (
            "shengzhou-2022",
            "[参照虞政发〔2022〕12号 第三条第（一）项第1目;"
            " 嵊政〔2022〕28号 第三条第（一）项第2目]",
        ),
        # 上虞 the other way round
        (
            "shangyu-2022",
            "[虞政发〔2022〕12号 第三条第（一）项第1目;"
            " 参照嵊政〔2022〕28号 第三条第（一）项第2目]",
        ),
        # 越城 has neither: each document is 参照, and an example rule
        (
            "yuecheng-2022",
            "[参照虞政发〔2022〕12号 第三条第（一）项第1目;"
            " 参照嵊政〔2022〕28号 第三条第（一）项第2目] 示例规则（非官方）",
        ),
    ],
)
def test_a_rule_on_two_counties_documents_names_the_other_countys_as_canzhao(
    name: str, expected: str
) -> None:
    # violation categories rest on 虞政发〔2022〕12号 三(一)1 「安全、环保、质量、能耗、
    # 消防和税收等」 and 嵊政〔2022〕28号 三(一)2 「违法用地、安全隐患、无照经营和产品质量…」:
    # a profile whose own document is one of them reads the other as 参照, never as if it
    # bound the county.
    cit = load_profile(name).citation("screening.violation_categories")
    assert str(cit) == expected
    assert cit.official == (name != "yuecheng-2022")


@pytest.mark.parametrize(
    ("name", "official"),
    [("shangyu-2022", True), ("yuecheng-2022", False), ("gongshu-2022", False)],
)
def test_two_high_thresholds_are_official_only_in_shangyu(name: str, official: bool) -> None:
    # 虞政发〔2022〕12号 第三条第（二）项第2目:
    # 「针对2018年以来建设的年综合能耗1000吨标准煤以上（含）的“两高”项目、
    #   2018年以前建设的年综合能耗5000吨标准煤以上（含）的用能项目，逐一评估检查」
    # 上虞's own rule; in 越城 and 拱墅 a project default borrowed from 上虞.
    profile = load_profile(name)
    for key in (
        "screening.two_high_energy_new_tce",
        "screening.two_high_energy_old_tce",
        "screening.two_high_split_year",
    ):
        cit = profile.citation(key)
        assert cit.official is official, (name, key)
        assert str(cit).startswith(
            "[虞政发" if official else "[参照虞政发〔2022〕12号 第三条第（二）项第2目]"
        )


def test_yuecheng_hundred_mu_block_is_its_own_and_official() -> None:
    # 越政发〔2022〕24号 第三条第4项: 「重点对占地100亩以上低效工业用地连片改造及低效企业连片腾退」
    yuecheng = load_profile("yuecheng-2022")
    cit = yuecheng.citation("blocks.min_area_mu")
    assert cit.official and not cit.borrowed
    assert str(cit) == "[越政发〔2022〕24号 第三条第4项]"
    # the same 100 亩 in 上虞 is borrowed from 越城 (and a project default there anyway)
    assert str(load_profile("shangyu-2022").citation("blocks.min_area_mu")).startswith(
        "[参照越政发〔2022〕24号 第三条第4项]"
    )


@pytest.mark.parametrize("name", [*COUNTIES, "zhejiang-2023"])
def test_province_targets_are_official_in_every_county(name: str) -> None:
    # 浙政发〔2023〕4号 第一条第（二）项:
    # 「规上工业亩均税收 达到 40 万元、亩均增加值 达到 195 万元」;
    # 二(一)1: 「完成低效工业用地改造开发 20 万亩以上」: the province binds every county.
    profile = load_profile(name)
    for key in (
        "targets.province_tax_per_mu",
        "targets.province_value_added_per_mu",
        "targets.province_labour_productivity",
        "targets.province_renewal_mu",
    ):
        cit = profile.citation(key)
        assert cit.official and not cit.borrowed, (name, key)
        assert str(cit).startswith("[浙政发〔2023〕4号 "), (name, key)


@pytest.mark.parametrize("name", COUNTIES)
def test_own_targets_are_official_except_derived_ones(name: str) -> None:
    profile = load_profile(name)
    for key, param in profile.section("targets").items():
        if param.citation is None or key.startswith("province_"):
            continue
        assert not param.citation.borrowed, (name, key)
        assert param.official is (param.derived is None), (name, key)


def test_localize_a_citation_built_by_code() -> None:
    yuecheng, shangyu = load_profile("yuecheng-2022"), load_profile("shangyu-2022")
    built = Citation("001", "三(二)2")
    assert yuecheng.localize(built).borrowed
    assert shangyu.localize(built) == built
    national = Citation(None, "《闲置土地处置办法》第二条")
    assert yuecheng.localize(national) == national


# --- derived targets ---------------------------------------------------------------------------


def test_yuecheng_2026_tax_target_shows_its_derivation() -> None:
    # 越政发〔2022〕24号 第一条第（二）项: 「规模以上工业亩均税收实现翻番」
    # (to 2026, no base year given);
    # 附件2.1 #14 gives 2021 越城 20.8 万元/亩: 20.8 × 2 = 41.6 is the project's derivation.
    yuecheng = load_profile("yuecheng-2022")
    param = yuecheng["targets.tax_per_mu"]
    assert param.value == pytest.approx(20.8 * 2)
    assert param.derived is not None and param.derived.startswith(_DERIVED_TEXT)
    assert "翻番" in param.derived and "2021" in param.derived
    assert not param.official
    assert str(param.citation).startswith(
        "[越政发〔2022〕24号 第一条第（二）项] 项目推算（非文件数值）：20.8"
    )
    # its base is the document's number
    assert yuecheng["targets.tax_per_mu_base"].official


def test_summary_and_map_panel_mark_the_derived_target() -> None:
    yuecheng = load_profile("yuecheng-2022")
    target = _target(yuecheng, "tax_per_mu")
    assert target.source.startswith(
        "规上亩均税收目标 [越政发〔2022〕24号 第一条第（二）项] 项目推算"
    )
    assert set(target_derivations(yuecheng)) == {"tax_per_mu"}
    assert target_derivations(load_profile("shangyu-2022")) == {}
    townships = pd.DataFrame(
        {
            "township": [DISTRICT],
            "n_parcels": [2],
            "area_mu": [30.0],
            "tax_per_mu_above_scale": [20.8],
            "tax_per_mu_target": [41.6],
            "value_added_per_mu_above_scale": [150.0],
            "value_added_per_mu_target": ["无目标"],
            "governance_area_mu": [10.0],
            "renewal_target_mu": [12000.0],
            "tax_per_mu_target_year": [2026],
        }
    )
    district = _district(townships, derived=target_derivations(yuecheng))
    assert district["tax_per_mu_above_scale"]["target_derived"].startswith(_DERIVED_TEXT)
    assert "target_derived" not in district["governance_area_mu"]
    rows = {r.label: r.value for r in manifest_rows(district, redact=False)}
    tax = next(v for k, v in rows.items() if "亩均税收" in k)
    assert tax == "20.8 / 目标 41.6（项目推算，非文件数值）（完成 50%）"
    renewal = next(v for k, v in rows.items() if "治理清单" in k)
    assert "项目推算" not in renewal


def test_profiles_show_prints_derivation_canzhao_and_counts() -> None:
    result = CliRunner().invoke(command, ["show", "yuecheng-2022"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "本地文件：越政发〔2022〕24号；省级文件 浙政发〔2023〕4号 同样适用" in out
    assert "推算：20.8 × 2（「规模以上工业亩均税收实现翻番」" in out
    assert (
        "出处：[越政发〔2022〕24号 第一条第（二）项] 项目推算（非文件数值）；设定于：yuecheng-2022"
        in out
    )
    assert (
        "出处：[参照虞政发〔2022〕12号 第三条第（二）项第2目] 示例规则（非官方）；"
        "设定于：zhejiang-2023" in out
    )
    # borrowed in 越城, by hand: low_efficiency_tax_per_mu, small_firm_min_land_mu (also the
    # 规下 evaluation scope, no second key), focus_industries (制造业, the same clause),
    # violation_categories, violation_min_severity, violation_window_years,
    # two_high_split_year, two_high_energy_new_tce, two_high_energy_old_tce (screening),
    # rules (paths) = 10
    assert "其中 10 项标有「参照」" in out
    assert "标有「项目推算（非文件数值）」的 1 项" in out
    assert "种子文件" not in out and "seed" not in out


@pytest.mark.parametrize("name", [*COUNTIES, "zhejiang-2023"])
def test_nothing_a_user_reads_says_seed(name: str) -> None:
    out = CliRunner().invoke(command, ["show", name]).output
    assert "种子" not in out
    for code in ("[000 ", "[001 ", "[002 ", "[003 ", "[004 ", "= 000 ", "= 001 "):
        assert code not in out, (name, code)


# --- user profiles -----------------------------------------------------------------------------


def test_user_profile_without_documents_owns_no_county_document(tmp_path: Path) -> None:
    # A user file that does not say whose documents it implements gets none: every county
    # citation, even one inherited from yuecheng-2022, reads 「参照…」; the province and
    # free-form sources keep their label. Nothing becomes official by inheritance.
    path = _user_profile(
        tmp_path,
        '[linking]\ntenancy_mode = { value = "separate", source = "本县亩均评价办法 第五条" }\n',
    )
    profile = load_profile(path)
    assert profile.documents == ()
    assert (
        str(profile.citation("blocks.min_area_mu"))
        == "[参照越政发〔2022〕24号 第三条第4项] 示例规则（非官方）"
    )
    assert profile.citation("targets.province_tax_per_mu").official
    assert profile.citation("linking.tenancy_mode").official
    out = CliRunner().invoke(command, ["show", str(path)]).output
    assert "本地文件：未注明（[profile] documents）" in out


def test_user_profile_naming_its_document_reads_it_as_official(tmp_path: Path) -> None:
    profile = load_profile(_user_profile(tmp_path, documents='["000"]'))
    assert profile.documents == ("000",)
    assert profile.citation("blocks.min_area_mu").official
    assert profile.citation("screening.small_firm_min_land_mu").borrowed


@pytest.mark.parametrize(
    ("documents", "problem"),
    [('["009"]', "未知的文件代码"), ('"000"', "应为文件代码列表"), ("[0]", "应为文件代码列表")],
)
def test_bad_documents_fail_with_the_field(tmp_path: Path, documents: str, problem: str) -> None:
    path = _user_profile(tmp_path, documents=documents)
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    issue = next(i for i in err.value.issues if i.field == "profile.documents")
    assert issue.problem == problem
    assert "越政发〔2022〕24号" in issue.fix


@pytest.mark.parametrize("derived", ["5", '""', "true"])
def test_bad_derived_fails_with_the_key(tmp_path: Path, derived: str) -> None:
    body = (
        f'[targets]\ntax_per_mu = {{ value = 40.0, source = "000 一(二)", derived = {derived} }}\n'
    )
    with pytest.raises(ProfileError) as err:
        load_profile(_user_profile(tmp_path, body))
    assert any(
        i.field == "targets.tax_per_mu" and i.problem == "推算说明无效" for i in err.value.issues
    )


def test_profiles_show_bad_documents_is_a_clean_error(tmp_path: Path) -> None:
    path = _user_profile(tmp_path, documents='["009"]')
    assert_clean_error(run_cli("profiles", "show", path), contains="未知的文件代码")
