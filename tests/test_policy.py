"""Policy profiles: shipped profiles load, extends merges, malformed profiles list every problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from landgov.cli.profiles import command
from landgov.errors import ProfileError
from landgov.policy import list_profiles, load_profile

SHIPPED = [
    "gongshu-2022", "shangyu-2022", "shengzhou-2022", "yuecheng-2022", "zhejiang-2023",
    "zhejiang-province-2023",
]  # fmt: skip


def write(folder: Path, name: str, body: str, extends: str | None = "yuecheng-2022") -> Path:
    path = folder / f"{name}.toml"
    head = f'[profile]\nname = "{name}"\nversion = "1"\ntitle = "测试配置"\n'
    if extends:
        head += f'extends = "{extends}"\n'
    path.write_text(head + body, encoding="utf-8")
    return path


def test_shipped_profiles_are_listed() -> None:
    rows = {r["name"]: r for r in list_profiles()}
    assert sorted(rows) == SHIPPED
    assert rows["zhejiang-2023"]["extends"] == ""
    assert all(rows[n]["extends"] == "zhejiang-2023" for n in SHIPPED if n != "zhejiang-2023")


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_profile_loads(name: str) -> None:
    profile = load_profile(name)
    assert profile.name == name
    assert profile.chain[-1] == "zhejiang-2023"
    for key in ("linking.tenancy_mode", "scoring.weights_above_scale", "grading.method"):
        assert key in profile


@pytest.mark.parametrize(
    ("name", "key", "value", "cite"),
    [
        (
            "zhejiang-2023",
            "targets.province_tax_per_mu",
            40.0,
            "[浙政发〔2023〕4号 第一条第（二）项]",
        ),
        (
            "zhejiang-2023",
            "targets.province_value_added_per_mu",
            195.0,
            "[浙政发〔2023〕4号 第一条第（二）项]",
        ),
        (
            "zhejiang-2023",
            "targets.province_renewal_mu",
            200000.0,
            "[浙政发〔2023〕4号 第二条第（一）项第1目]",
        ),
        (
            "yuecheng-2022",
            "targets.tax_per_mu_base",
            20.8,
            "[越政发〔2022〕24号 附件2.1 第14项指标]",
        ),
        ("yuecheng-2022", "targets.renewal_mu", 12000.0, "[越政发〔2022〕24号 第三条第4项]"),
        ("shangyu-2022", "targets.tax_per_mu", 31.0, "[虞政发〔2022〕12号 第二条]"),
        ("shangyu-2022", "targets.value_added_per_mu", 135.0, "[虞政发〔2022〕12号 第二条]"),
        ("shengzhou-2022", "targets.tax_per_mu", 28.0, "[嵊政〔2022〕28号 第二条]"),
        ("shengzhou-2022", "targets.renewal_mu", 5000.0, "[嵊政〔2022〕28号 第二条]"),
        ("gongshu-2022", "targets.tax_per_mu", 115.0, "[拱政发〔2022〕10号 第二条]"),
        ("gongshu-2022", "targets.value_added_per_mu", 565.0, "[拱政发〔2022〕10号 第二条]"),
    ],
)
def test_targets_carry_their_clause(name: str, key: str, value: float, cite: str) -> None:
    profile = load_profile(name)
    assert profile.value(key) == value
    assert str(profile.citation(key)) == cite


def test_presets_without_a_seed_are_marked_unofficial() -> None:
    profile = load_profile("yuecheng-2022")
    for key in ("scoring.weights_above_scale", "grading.percentile_bands", "linking.tenancy_mode"):
        assert not profile.citation(key).official
        assert "示例规则（非官方）" in str(profile.citation(key))


def test_extends_child_overrides_parent_and_records_the_chain() -> None:
    # 上虞 sets its own 5 万元/亩 with an official citation; 拱墅 inherits the province one
    shangyu, gongshu = load_profile("shangyu-2022"), load_profile("gongshu-2022")
    assert shangyu.chain == ("shangyu-2022", "zhejiang-2023")
    floor = shangyu["screening.low_efficiency_tax_per_mu"]
    assert floor.origin == "shangyu-2022"
    assert floor.citation is not None and floor.citation.official
    assert str(floor.citation) == "[虞政发〔2022〕12号 第二条; 第三条第（一）项第1目]"
    inherited = gongshu["screening.low_efficiency_tax_per_mu"]
    assert inherited.origin == "zhejiang-2023"
    assert gongshu["targets.tax_per_mu"].origin == "gongshu-2022"
    assert gongshu["targets.province_tax_per_mu"].origin == "zhejiang-2023"


def test_user_single_file_profile_works(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "my-county",
        "[grading]\n"
        'method = { value = "threshold", official = false, source = "本县测试" }\n'
        "[linking]\n"
        'tenancy_mode = { value = "separate", source = "本县亩均评价办法 第五条" }\n',
    )
    profile = load_profile(path)
    assert profile.chain == ("my-county", "yuecheng-2022", "zhejiang-2023")
    assert profile.value("grading.method") == "threshold"
    assert profile["grading.method"].origin == "my-county"
    assert profile.citation("linking.tenancy_mode").official
    assert profile["scoring.benchmark_mode"].origin == "zhejiang-2023"


def test_malformed_profile_lists_every_problem_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "broken",
        "[linking]\n"
        'area_tolerance = { value = 1.5, official = false, source = "x" }\n'  # out of range
        "[scoring]\n"
        'benchmark_mode = { value = 5, official = false, source = "x" }\n'  # wrong type
        'bogus_key = { value = 1.0, official = false, source = "x" }\n'  # unknown key
        "[targets]\n"
        "tax_per_mu = 30.0\n"  # needs a source
        "[grading]\n"
        'percentile_bands = { value = { A = 0.2, X = 0.8 }, official = false, source = "x" }\n',
    )
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    issues = {i.field: i for i in err.value.issues}
    assert issues["linking.area_tolerance"].value == 1.5
    assert "0.0 至 1.0" in issues["linking.area_tolerance"].fix
    assert issues["scoring.benchmark_mode"].value == 5
    assert "应为文字" in issues["scoring.benchmark_mode"].problem
    assert "未知的配置键" in issues["scoring.bogus_key"].problem
    assert "benchmark_mode" in issues["scoring.bogus_key"].fix  # names the allowed keys
    assert issues["targets.tax_per_mu"].problem == "该值必须注明来源"
    assert issues["grading.percentile_bands"].value == ["X"]
    message = str(err.value)
    assert message.startswith(f"发现 {len(err.value.issues)} 个问题")
    assert len(err.value.issues) >= 5


def test_profiles_command_lists_the_shipped_profiles() -> None:
    result = CliRunner().invoke(command, [])
    assert result.exit_code == 0, result.output
    for name in SHIPPED:
        assert name in result.output
    assert "浙江省" in result.output
    assert "landgov profiles show" in result.output


def test_profiles_show_gives_value_unit_source_and_origin() -> None:
    result = CliRunner().invoke(command, ["show", "yuecheng-2022"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "继承链：yuecheng-2022 → zhejiang-2023" in out
    assert "tax_per_mu_base = 20.8 万元/亩" in out
    assert "出处：[越政发〔2022〕24号 附件2.1 第14项指标]；设定于：yuecheng-2022" in out
    assert "设定于：zhejiang-2023" in out
    assert "示例规则（非官方）" in out
    assert "[scoring]" in out


def test_profiles_show_unknown_name_fails_in_chinese() -> None:
    result = CliRunner().invoke(command, ["show", "no-such-county"])
    assert result.exit_code != 0
    assert "找不到该策略配置" in result.output


def test_bad_path_rule_fails_when_the_profile_loads(tmp_path: Path) -> None:
    """The schema's check hook runs at load time: a bad rule names the rule and the term."""
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[profile]\nname = 'bad'\nversion = '1'\ntitle = '坏规则'\nextends = 'zhejiang-2023'\n"
        "[paths]\n"
        'rules = { value = [{ id = "X", path = "关停退出", any = ["nonsense:1"] }], '
        'source = "x" }\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError) as err:
        load_profile(bad)
    assert "规则 X" in str(err.value) and "nonsense" in str(err.value)


def test_section_may_be_absent_but_not_half_present(tmp_path: Path) -> None:
    """zengrong exists only where the opinion applies; a present section needs its keys."""
    assert not load_profile("shangyu-2022").section("zengrong")
    half = tmp_path / "half.toml"
    half.write_text(
        "[profile]\nname = 'half'\nversion = '1'\ntitle = '半个增容节'\nextends = 'zhejiang-2023'\n"
        '[zengrong]\nfar_cap = { value = 2.5, source = "000 附件3 二" }\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="缺少必填键"):
        load_profile(half)


# --- comparisons: 「以上」「以下」 include the number, 「大于」「低于」 do not ---------------


@pytest.mark.parametrize("name", [r["name"] for r in list_profiles()])
def test_every_threshold_states_its_comparison(name: str) -> None:
    import tomllib

    from landgov.policy._loader import _package_dir

    schema = {
        f"{p.stem}.{k}": rule
        for p in _package_dir("schema").glob("*.toml")
        for k, rule in tomllib.loads(p.read_text(encoding="utf-8")).items()
    }
    profile = load_profile(name)
    needing = [k for k in profile if schema.get(k, {}).get("comparison")]
    assert needing, "the schema marks thresholds that must state a comparison"
    for key in needing:
        assert profile[key].comparison in {"<=", "<", ">=", ">"}, key


@pytest.mark.parametrize(
    ("key", "seen", "holds"),
    [
        ("screening.low_efficiency_tax_per_mu", 5.0, True),  # 「5万元以下」 includes 5
        ("screening.low_efficiency_tax_per_mu", 5.01, False),
        ("screening.small_firm_min_land_mu", 3.0, True),  # 「3亩以上」 includes 3
        ("screening.two_high_energy_new_tce", 1000.0, True),  # 「1000吨…以上（含）」
        ("zengrong.min_area_mu", 15.0, False),  # 「原则上大于15亩」 is strict
        ("zengrong.min_area_mu", 15.01, True),
        ("blocks.min_area_mu", 100.0, True),  # 「100亩以上」
    ],
)
def test_threshold_comparisons_read_the_text_as_a_lawyer_would(
    key: str, seen: float, holds: bool
) -> None:
    assert load_profile("yuecheng-2022")[key].compare(seen) is holds


def test_threshold_without_comparison_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[profile]\nname = "t"\nversion = "1"\nextends = "zhejiang-2023"\n\n[blocks]\n'
        'min_area_mu = { value = 50.0, unit = "亩", source = "000 4" }\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="比较方式"):
        load_profile(path)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "value = 50.0,", 'value = 50.0, comparison = "=>",'
        ),
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="比较方式无效") as caught:
        load_profile(path)
    # what is allowed, listed as a person writes it (was the Python list 「['<', '<=', …]」)
    (issue,) = [i for i in caught.value.issues if i.problem == "比较方式无效"]
    assert issue.fix.startswith("允许：<、<=") and "[" not in issue.fix and "'" not in issue.fix


def test_a_value_in_another_unit_is_rejected(tmp_path: Path) -> None:
    # 「亩均税收 5 万元以下」 written as 50000 元/亩: read as 万元/亩 it would put every plot on
    # the list; the unit the code reads a value in is the schema's, so another one is refused
    path = tmp_path / "p.toml"
    head = '[profile]\nname = "t"\nversion = "1"\ntitle = "t"\nextends = "zhejiang-2023"\n'
    row = (
        'low_efficiency_tax_per_mu = {{ value = {v}, comparison = "<", unit = "{u}", '
        'source = "001 二" }}\n'
    )
    path.write_text(head + "[screening]\n" + row.format(v=50000.0, u="元/亩"), encoding="utf-8")
    with pytest.raises(ProfileError, match="单位「元/亩」与该参数的单位「万元/亩」不一致"):
        load_profile(path)
    path.write_text(head + "[screening]\n" + row.format(v=5.0, u="万元/亩"), encoding="utf-8")
    assert load_profile(path)["screening.low_efficiency_tax_per_mu"].value == 5.0
    # the same unit written another way is the same unit
    row = 'overlap_tolerance_m2 = {{ value = 1.0, unit = "{u}", official = false }}\n'
    path.write_text(head + "[overlay]\n" + row.format(u="m²"), encoding="utf-8")
    assert load_profile(path)["overlay.overlap_tolerance_m2"].unit == "m²"


def test_a_value_out_of_range_says_the_bound_in_words(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[profile]\nname = "t"\nversion = "1"\ntitle = "t"\nextends = "zhejiang-2023"\n'
        '[screening]\nlow_efficiency_tax_per_mu = { value = -5.0, comparison = "<", '
        'unit = "万元/亩", source = "001 二" }\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=r"取值应不小于 0\.0") as err:
        load_profile(path)
    assert "None" not in str(err.value)


def test_a_wrong_type_is_said_in_words_and_typed_symbols_are_comparisons(tmp_path: Path) -> None:
    # A clerk writes 「一半」 for a share, 3 in a list of names, and 「≥」 as the comparison:
    # the first two are said as a person reads types (never 「float」), 「≥」 is 「>=」.
    head = '[profile]\nname = "t"\nversion = "1"\ntitle = "t"\nextends = "zhejiang-2023"\n'
    path = tmp_path / "p.toml"
    path.write_text(
        head + '[screening]\nplanning_nonindustrial_share = { value = "一半", comparison = ">=", '
        'official = false }\n[landuse]\nindustrial_uses = { value = ["工业用地", 3], '
        "official = false }\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    text = str(err.value)
    assert "应为数值" in text and "landuse.industrial_uses[1]」：应为文字" in text
    assert "应为 float" not in text and "应为 str" not in text and "类型应为" not in text
    for typed in ("≥", "＞＝", " >= "):
        path.write_text(
            head + "[screening]\nplanning_nonindustrial_share = "
            f'{{ value = 0.3, comparison = "{typed}", official = false }}\n',
            encoding="utf-8",
        )
        assert load_profile(path)["screening.planning_nonindustrial_share"].comparison == ">="


def test_a_key_that_moved_section_says_where_it_went(tmp_path: Path) -> None:
    # overlap_tolerance_m2 left [zengrong] for [overlay] (screening's planning share reads it
    # too): a county profile written before says the new place, not only 「未知的配置键」.
    path = tmp_path / "p.toml"
    path.write_text(
        '[profile]\nname = "t"\nversion = "1"\ntitle = "t"\nextends = "yuecheng-2022"\n'
        '[zengrong]\noverlap_tolerance_m2 = { value = 2.0, unit = "m2", official = false }\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=r"改写为 overlay\.overlap_tolerance_m2"):
        load_profile(path)
    # the 产业目录 switch date: one key for the screening's catalogue check and 增容 条件5
    path.write_text(
        '[profile]\nname = "t"\nversion = "1"\ntitle = "t"\nextends = "yuecheng-2022"\n'
        "[zengrong]\ncatalogue_2024_from = { value = 2024-02-01, official = true }\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=r"改写为 screening\.catalogue_2024_from"):
        load_profile(path)


@pytest.mark.parametrize(
    ("section", "line", "instead"),
    [
        ("landuse", 'industrial_code_prefixes = { value = ["M"] }', "landuse.industrial_codes"),
        (
            "landuse",
            'nonindustrial_code_prefixes = { value = ["R"] }',
            "landuse.nonindustrial_codes",
        ),
        ("blocks", 'road_code_prefixes = { value = ["S1"] }', "blocks.road_uses"),
    ],
)
def test_a_retired_prefix_key_says_what_replaced_it(
    tmp_path: Path, section: str, line: str, instead: str
) -> None:
    # code prefixes read 「M4」 (no such code in GB 50137-2011) as official 工业用地; the lists are
    # exact now. A county profile written before is told what to write, not only the keys.
    path = tmp_path / "p.toml"
    path.write_text(
        '[profile]\nname = "t"\nversion = "1"\ntitle = "t"\nextends = "yuecheng-2022"\n'
        f"[{section}]\n{line}\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=rf"已停用.*{re.escape(instead)}"):
        load_profile(path)


def test_profiles_show_prints_each_comparison() -> None:
    result = CliRunner().invoke(command, ["show", "yuecheng-2022"])
    assert result.exit_code == 0
    assert "比较：> 15 亩（大于，不含本数）" in result.output
    assert "比较：≤ 5 万元/亩（以下，含本数）" in result.output


def test_a_threshold_the_code_compares_says_how_in_the_params_sheet() -> None:
    # 比较方式 was blank for zengrong.far_cap and far.building_coverage_min (compared in code,
    # so a profile states no comparison): the 策略参数 sheet and `profiles show` now say how.
    from landgov.reports.handout import params_sheet

    rows = params_sheet(load_profile("yuecheng-2022")).set_index("参数")["比较方式"]
    assert rows["zengrong.far_cap"].startswith("实施后容积率 ≤ 上限（含本数）为符合")
    assert "不含本数" in rows["far.building_coverage_min"]
    assert rows["zengrong.min_area_mu"] == ">（超过，不含本数）"  # a stated one is unchanged
    assert rows["screening.power_tce_per_10k_kwh"] == ""  # a factor, no comparison


@pytest.mark.parametrize("name", ["yuecheng-2022", "shangyu-2022", "shengzhou-2022"])
def test_params_sheet_values_are_text_people_read(name: str) -> None:
    # 取值 held Python's "{'A': 0.2, …}", "mappingproxy", a rule's "'source': '001 三(二)1'" and
    # "2022-11-01 00:00:00"; an option reads as the schema words it
    from landgov.reports.handout import params_sheet
    from tests._words import text_defects

    rows = params_sheet(load_profile(name)).set_index("参数")["取值"]
    for key, value in rows.items():
        assert not text_defects(str(value)), (key, value)
    assert rows["grading.method"] == "按得分排位分档"
    assert rows["linking.share_rule"] == "由未给面积的使用者均分"
    assert rows["plausible.date_min"] == "1949-10-01"
    assert rows["far.minimum_floor_area"] == "计容建筑面积"
