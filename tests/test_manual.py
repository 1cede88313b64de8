"""docs/操作手册.md stays true: its commands, options, settings and screenshots exist."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import click

from landgov.cli import cli
from landgov.cli._workfolder import read_settings

ROOT = Path(__file__).resolve().parents[1]
MANUAL = ROOT / "docs" / "操作手册.md"
IMAGES = ROOT / "docs" / "img" / "操作手册"
TEXT = MANUAL.read_text(encoding="utf-8")


def _tool():
    spec = importlib.util.spec_from_file_location(
        "manual_screenshots", ROOT / "tools" / "manual_screenshots.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _code() -> list[str]:
    """Every command line the manual shows (code blocks and inline code)."""
    blocks = re.findall(r"```(\w*)\n(.*?)```", TEXT, flags=re.S)
    lines = [line for kind, block in blocks if kind == "bash" for line in block.splitlines()]
    prose = re.sub(r"```.*?```|!\[[^\]]*\]\([^)]*\)", "", TEXT, flags=re.S)  # no code, images
    lines += re.findall(r"`([^`\n]+)`", prose)
    return [line.split("#")[0].strip() for line in lines if "landgov" in line]


def _options(command: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for param in command.params:
        names.update(getattr(param, "opts", ()))
        names.update(getattr(param, "secondary_opts", ()))
    return names


def test_every_command_and_option_in_the_manual_exists() -> None:
    seen = 0
    for line in _code():
        for match in re.finditer(r"landgov((?:\s+[^\s`|，。；]+)*)", line):
            words = match.group(1).split()
            if not words or words[0].startswith("-"):
                assert set(words) <= {"--help", "--version"}, line
                continue
            if words[0].endswith((".toml", ".gpkg", ".xlsx", ".md", ".py")) or "/" in words[0]:
                continue  # a file name such as landgov.toml, not a command
            command: click.Command = cli
            rest = words
            while isinstance(command, click.Group) and rest and rest[0] in command.commands:
                command, rest = command.commands[rest[0]], rest[1:]
            assert command is not cli, f"没有命令：{line}"
            for word in rest:
                if word.startswith("-"):
                    assert word in _options(command), f"{command.name} 没有选项 {word}：{line}"
            seen += 1
    assert seen >= 20


def test_the_settings_example_is_read_as_shown(tmp_path: Path) -> None:
    block = re.search(r"```toml\n(.*?)```", TEXT, flags=re.S)
    assert block is not None
    path = tmp_path / "landgov.toml"
    path.write_text(block.group(1), encoding="utf-8")
    settings = read_settings(path)
    assert (settings.county, settings.profile, settings.as_of) == (
        "绍兴市越城区",
        "yuecheng-2022",
        "2026-06-30",
    )
    assert settings.aliases == {"parcel_id": ("地块号",), "tax_wan": ("实缴税金",)}


def test_every_picture_of_the_manual_is_in_the_repository() -> None:
    shown = re.findall(r"!\[[^\]]*\]\(img/操作手册/([^)]+)\)", TEXT)
    assert set(_tool().IMAGES) <= set(shown)
    for name in shown:
        assert (IMAGES / name).is_file(), name


def _writer_installed() -> bool:
    """LibreOffice with its Writer module (Calc alone cannot open the 初审表 .docx): Debian's
    ``libreoffice-writer`` puts ``libswlo.so`` beside ``soffice``."""
    soffice = shutil.which("soffice")
    return bool(soffice) and (Path(soffice).resolve().parent / "libswlo.so").is_file()


def test_the_screenshots_are_made_by_running_the_commands(tmp_path: Path) -> None:
    tool = _tool()
    written = {p.name for p in tool.make_all(tmp_path)}
    expected = set(tool.IMAGES)
    if not (_writer_installed() and shutil.which("pdftoppm")):
        expected.discard("06-初审表.png")  # said on the console: LibreOffice is optional
    assert written == expected
    for name in written:
        assert (tmp_path / name).stat().st_size > 5_000, name


def test_the_screenshots_show_no_english_click_text(tmp_path: Path) -> None:
    tool = _tool()
    text = tool._run("--help", cwd=tmp_path)
    text += tool._run("screen", "-p", "无.shp", "-e", "无.xlsx", "-o", "o", cwd=tmp_path)
    assert "错误：" in text
    for word in ("Usage", "Options", "Error:", "Traceback"):
        assert word not in text, word
