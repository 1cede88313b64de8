"""``landgov profiles``: list the shipped policy profiles and show every value with its source."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from landgov.errors import ProfileError
from landgov.policy._loader import list_profiles, load_profile
from landgov.policy._model import Param

__all__ = ["command"]

_UNOFFICIAL = "示例规则（非官方）"


@click.group(name="profiles", invoke_without_command=True)
@click.pass_context
def command(ctx: click.Context) -> None:
    """列出内置的策略配置（各县市区的阈值、权重、目标及其出处）。"""
    if ctx.invoked_subcommand is not None:
        return
    rows = list_profiles()
    click.echo(f"内置策略配置（共 {len(rows)} 个）：")
    header = ("名称", "版本", "地区", "继承", "标题")
    table = [
        header,
        *((r["name"], r["version"], r["region"], r["extends"] or "—", r["title"]) for r in rows),
    ]
    widths = [max(_width(str(r[i])) for r in table) for i in range(len(header) - 1)]
    for row in table:
        cells = [_pad(str(c), w) for c, w in zip(row[:-1], widths, strict=True)]
        click.echo("  ".join([*cells, str(row[-1])]))
    click.echo("查看某个配置的全部取值：landgov profiles show 名称")


@command.command(name="show")
@click.argument("name")
def show(name: str) -> None:
    """显示配置 NAME（内置名称或配置文件路径）的每个取值、单位、出处及设定它的配置。"""
    try:
        profile = load_profile(name)
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{profile.title}（{profile.label}）")
    click.echo(f"地区：{profile.region or '—'}；继承链：{' → '.join(profile.chain)}")
    unofficial = 0
    current = ""
    for key, param in sorted(profile.params.items()):
        section, _, name_ = key.partition(".")
        if section != current:
            current = section
            click.echo(f"\n[{section}]")
        official = param.citation is None or param.citation.official
        unofficial += not official
        click.echo(f"  {name_} = {_value(param)}")
        if param.comparison:
            click.echo(f"      比较：{param.describe()}")
        click.echo(f"      出处：{_source(param)}；设定于：{param.origin}")
        if param.note:
            click.echo(f"      说明：{param.note}")
    if unofficial:
        click.echo(
            f"\n注：标有「{_UNOFFICIAL}」的 {unofficial} 项取值不是所列文件的规定，"
            "而是示例或项目默认，使用前请由县（市、区）确认。"
        )


def _value(param: Param) -> str:
    text = _fmt(param.value)
    return f"{text} {param.unit}" if param.unit else text


def _fmt(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + "，".join(f"{k} = {_fmt(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple | list):
        return "[" + "，".join(_fmt(v) for v in value) + "]"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _source(param: Param) -> str:
    return param.cite() or "（无需出处）"


def _width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
