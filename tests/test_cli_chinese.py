"""The command line for non-programmers: Chinese help and errors, landgov.toml, one profile."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from landgov.cli import cli
from landgov.cli._chinese import ENGLISH, display_width, localize, translate
from landgov.cli._workfolder import DEFAULT_PROFILE, find_settings, read_settings
from landgov.errors import LandgovError
from landgov.io._geos import error_text, validity_text
from tests._cli import assert_clean_error, run_cli


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


ALL_COMMANDS = list(_commands(cli))


def _english(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}", text)]


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "landgov")
def test_every_help_page_is_chinese(
    path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no landgov.toml
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="landgov", terminal_width=80)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("用法："), result.output
    assert "显示本帮助并退出" in result.output
    assert _english(result.output) == [], result.output
    too_wide = [line for line in result.output.splitlines() if display_width(line) > 80]
    assert too_wide == [], too_wide  # Chinese counts two columns: lines still fit


def test_every_command_has_the_same_default_profile() -> None:
    seen = {}
    for path in ALL_COMMANDS[1:]:
        command = cli
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        for param in command.params:
            if param.name == "profile":
                seen[" ".join(path)] = param.default
    assert seen and set(seen.values()) == {DEFAULT_PROFILE}, seen  # screen and far at least


def test_a_command_added_later_reads_chinese_and_takes_the_folder_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    @click.command("later")
    @click.option("--profile", default="zhejiang-2023")
    @click.option("--count", type=int, required=True)
    @click.option("--alias", multiple=True)
    def later(profile: str, count: int, alias: tuple[str, ...]) -> None:
        click.echo(f"profile={profile} count={count} alias={','.join(alias)}")

    (tmp_path / "landgov.toml").write_text(
        'county = "绍兴市上虞区"\nprofile = "shangyu-2022"\n[aliases]\nparcel_id = ["地块号"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    cli.add_command(later)
    try:
        runner = CliRunner()
        helped = runner.invoke(cli, ["later", "--help"], prog_name="landgov")
        assert "--count 整数" in helped.output and "[必填]" in helped.output
        assert _english(helped.output) == [], helped.output
        ran = runner.invoke(cli, ["later", "--count", "3", "--alias", "x=y"], prog_name="landgov")
        assert ran.exit_code == 0, ran.output
        assert "profile=shangyu-2022" in ran.stdout  # the folder's profile, not the option's
        assert "alias=parcel_id=地块号,x=y" in ran.stdout  # the file's aliases, then the option's
        assert f"使用配置：{tmp_path / 'landgov.toml'}（县市区：绍兴市上虞区）" in ran.stderr
        assert "政策版本：" in ran.stderr and "shangyu-2022" in ran.stderr
        given = runner.invoke(cli, ["later", "--count", "3", "--profile", "gongshu-2022"])
        assert "profile=gongshu-2022" in given.stdout and "命令行 --profile" in given.stderr
        wrong = runner.invoke(cli, ["later", "--count", "x"], prog_name="landgov")
        assert wrong.exit_code == 2 and "「x」不是有效的整数" in wrong.output, wrong.output
        assert _english(wrong.output) == [], wrong.output
    finally:
        cli.commands.pop("later")


def test_settings_are_found_in_a_parent_folder_and_shown_as_defaults(tmp_path: Path) -> None:
    (tmp_path / "landgov.toml").write_text(
        "profile = 'gongshu-2022'\nas_of = 2026-06-30\n", encoding="utf-8"
    )
    inner = tmp_path / "镇街" / "一"
    inner.mkdir(parents=True)
    settings = find_settings(inner)
    assert (settings.profile, settings.as_of) == ("gongshu-2022", "2026-06-30")
    result = run_cli("screen", "--help", cwd=inner)
    assert "[默认：gongshu-2022]" in result.stdout, result.stdout
    assert find_settings(Path("/")).path is None or Path("/landgov.toml").exists()


def test_a_real_run_prints_its_settings_first(tmp_path: Path) -> None:
    table = tmp_path / "企业.csv"
    table.write_text("统一社会信用代码,企业名字,税收\n91330602MA2BCDEF1X,甲,1\n", encoding="utf-8")
    (tmp_path / "landgov.toml").write_text('[aliases]\nname = ["企业名字"]\n', encoding="utf-8")
    result = run_cli("inspect", table, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"使用配置：{tmp_path / 'landgov.toml'}"), result.stderr
    assert '"name": "企业名字"' in result.stdout  # the alias from the file was used


def test_a_gbk_settings_file_or_profile_is_said_with_the_fix(tmp_path: Path) -> None:
    # Notepad on a Chinese Windows saves GBK: once an internal error for a profile, now a
    # 「错误：」 naming the line and the fix, for landgov.toml and a --profile file alike.
    text = '[profile]\nname = "t"\nversion = "1"\ntitle = "越城测试"\nextends = "zhejiang-2023"\n'
    profile = tmp_path / "county.toml"
    profile.write_bytes(text.encode("gbk"))
    result = run_cli("profiles", "show", str(profile), cwd=tmp_path)
    out = assert_clean_error(result, code=2, contains="不是 UTF-8 编码的文本（第 4 行起")
    assert "另存为」UTF-8" in out and "所见值" not in out
    (tmp_path / "landgov.toml").write_bytes('county = "越城区"\n'.encode("gbk"))
    result = run_cli("screen", "-p", "a.shp", "-e", "b.xlsx", "-o", "out", cwd=tmp_path)
    assert_clean_error(result, code=2, contains="landgov.toml：不是 UTF-8 编码的文本（第 1 行起")


def test_an_alias_may_name_its_field_as_the_template_does(tmp_path: Path) -> None:
    path = tmp_path / "landgov.toml"
    path.write_text(
        '[aliases]\n"宗地代码" = "地块号"\n"税收（万元）" = ["实缴税金"]\ntax_wan = ["纳税额"]\n',
        encoding="utf-8",
    )
    assert read_settings(path).aliases == {
        "parcel_id": ("地块号",),
        "tax_wan": ("实缴税金", "纳税额"),
    }


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("profile = \n", "格式有误"),
        ("profil = 'x'\n", "不认识的设置 profil"),
        ("profile = ''\n", "profile（策略配置）应为非空文字"),
        ("as_of = 3\n", "as_of（基准日期）应为日期"),
        ('as_of = "2026/13/45"\n', "as_of（基准日期）「2026/13/45」日期不存在"),  # not --as-of
        ('as_of = "明年"\n', "as_of（基准日期）「明年」"),
        ("aliases = 3\n", "[aliases] 应为一节"),
        ("[aliases]\nparcel_id = [1]\n", "[aliases] parcel_id 应为列名或列名列表"),
        ("[aliases]\nparcle_id = ['地块号']\n", "[aliases] 不认识的字段「parcle_id」"),
        (
            "[aliases]\n宗地代码 = ['地块号']\n",
            '第 2 行第 1 列格式有误（无法识别的一行）：中文键名须加英文双引号，如 "宗地代码"',
        ),
    ],
)
def test_a_bad_settings_file_is_a_clean_error(text: str, words: str, tmp_path: Path) -> None:
    path = tmp_path / "landgov.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LandgovError, match=re.escape(words)):
        read_settings(path)
    result = run_cli("screen", "-p", "a.shp", "-e", "b.xlsx", "-o", "out", cwd=tmp_path)
    assert_clean_error(result, code=2, contains=str(path))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["screen", "-e", "README.md", "-o", "o"], "缺少必填参数 --parcels/-p"),
        (["screen", "-e", "README.md"], "缺少必填参数 --out/-o"),
        (["screen", "--parcel", "x"], "没有选项「--parcel」"),
        (["far", "-p", "README.md", "-e", "README.md", "-o", "o", "--forms", "x"], "不是可选值"),
        (["map", "--max-parcels", "many", "."], "「many」不是有效的整数"),
        (["map", "没有这个文件夹"], "找不到文件夹「没有这个文件夹」"),
    ],
)
def test_usage_errors_read_chinese(args: list[str], words: str) -> None:
    result = run_cli(*args)
    text = assert_clean_error(result, code=2, contains=words)
    assert "用法： landgov" in text and "--help" in text
    assert _english(text) == [], text


def test_catalogue_and_localize() -> None:
    assert translate("Show this message and exit.") == "显示本帮助并退出。"
    assert translate("not a click message") == "not a click message"
    command = localize(click.Command("x", params=[click.Option(["--n"], type=float)]))
    assert command.params[0].metavar == "数字" and command.options_metavar == "[选项]"


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        ("Self-intersection[1 1]", "边界自相交，位置 (1, 1)"),
        ("Ring Self-intersection[2.5 0]", "环自相交（边界在一点上自我接触），位置 (2.5, 0)"),
        ("Too few points in geometry component[0 0]", "顶点太少，不能构成面，位置 (0, 0)"),
        ("Hole lies outside shell[3 3]", "内环（洞）在外环之外，位置 (3, 3)"),
        ("New GEOS words[1 2]", "图形无效（New GEOS words[1 2]）"),
        (None, "图形无效（原因未知）"),
    ],
)
def test_geos_reasons_in_chinese(reason: str | None, text: str) -> None:
    assert validity_text(reason) == text


@pytest.mark.parametrize(
    ("message", "text"),
    [
        (
            "TopologyException: Input geom 1 is invalid: Self-intersection at 3.5 4",
            "拓扑错误：输入图形无效：边界自相交，位置 (3.5, 4)",
        ),
        (
            "TopologyException: Ring Self-intersection at or near point 1 2",
            "拓扑错误：环自相交（边界在一点上自我接触），位置 (1, 2)",
        ),
        (
            "IllegalArgumentException: Too few points in geometry component",
            "参数错误：顶点太少，不能构成面",
        ),
    ],
)
def test_geos_errors_in_chinese(message: str, text: str) -> None:
    assert error_text(message) == text


def test_inspect_says_each_field_in_chinese_with_its_alias_key(tmp_path: Path) -> None:
    # The mapping was printed as code names (「tax_wan ← 实缴税金」) and a problem's field as
    # 「geometry」; now the file's column, what it is read as, and the key --alias takes.
    table = tmp_path / "企业.csv"
    table.write_text(
        "统一社会信用代码,企业名称,实缴税金\n91330602MA2BCDEF1X,甲,1\n", encoding="utf-8"
    )
    result = run_cli("inspect", table, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "实缴税金 → 税收（万元）  [tax_wan]" in result.stdout, result.stdout
    assert "← " not in result.stdout
