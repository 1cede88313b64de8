"""``landgov profiles``: list the shipped policy profiles and show every value with its source."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from landgov.core.documents import cite, cite_text, cited, docnum, quote
from landgov.errors import ProfileError
from landgov.policy._loader import compared_in_code, list_profiles, load_profile
from landgov.policy._model import Param, Profile, binding_documents
from landgov.verdict import UNOFFICIAL

__all__ = ["command"]

_DERIVED = "项目推算（非文件数值）"


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
    for notice in profile.notices:  # a renamed key read under its new name
        click.echo(notice, err=True)
    click.echo(f"{profile.title}（{profile.label}）")
    click.echo(f"地区：{profile.region or '—'}；继承链：{' → '.join(profile.chain)}")
    click.echo(f"本地文件：{_documents(profile)}")
    if profile.description:
        click.echo(f"说明：{profile.description}")
    unofficial = borrowed = derived = 0
    current = ""
    for key, param in sorted(profile.params.items()):
        section, _, name_ = key.partition(".")
        if section != current:
            current = section
            click.echo(f"\n[{section}]")
        cit = param.citation
        derived += bool(param.derived)
        unofficial += not param.official and not param.derived
        borrowed += bool(cit is not None and cit.borrowed)
        click.echo(f"  {name_} = {_value(param)}")
        if param.comparison:
            click.echo(f"      比较：{param.describe()}")
        elif compared := compared_in_code(key):
            click.echo(f"      比较：{compared}")
        if param.derived:
            click.echo(f"      推算：{param.derived}")
        click.echo(f"      出处：{_source(param)}；设定于：{param.origin}")
        for line in _quotes(param):
            click.echo(f"      原文：{line}")
        if param.note:
            click.echo(f"      说明：{param.note}")
    _notes(unofficial=unofficial, borrowed=borrowed, derived=derived)


def _documents(profile: Profile) -> str:
    own = "、".join(docnum(code) for code in profile.documents)
    province = "、".join(docnum(c) for c in sorted(binding_documents(()) - set(profile.documents)))
    if not own:
        return (
            f"未注明（[profile] documents）：引用县（市、区）文件的取值均按「参照」处理；"
            f"省级文件 {province} 适用"
        )
    return f"{own}" + (f"；省级文件 {province} 同样适用" if province else "")


def _notes(*, unofficial: int, borrowed: int, derived: int) -> None:
    if unofficial:
        text = (
            f"\n注：标有「{UNOFFICIAL}」的 {unofficial} 项取值不是所列文件的规定，"
            "而是示例或项目默认，使用前请由县（市、区）确认。"
        )
        if borrowed:
            text += (
                f"其中 {borrowed} 项标有「参照」：取自其他县（市、区）的文件，"
                "对本配置所属地区没有约束力。"
            )
        click.echo(text)
    if derived:
        click.echo(
            f"\n注：标有「{_DERIVED}」的 {derived} 项取值不是文件写明的数字，"
            "而是项目按所引条款推算的结果（推算方法见「推算」行），使用前请由县（市、区）确认。"
        )


def _source(param: Param) -> str:
    cit = param.citation
    if cit is None:
        return "（无需出处）"
    return " ".join(t for t in (cit.reference, cit.marker) if t)


def _quotes(param: Param) -> list[str]:
    """The words of each clause the value cites: 「…」（文号《简称》条款）."""
    cit = param.citation
    if cit is None or cit.seed is None:
        return []
    lines = []
    for code, clause in cited(f"{cit.seed} {cit.clause}"):
        if (words := quote(code, clause)) is not None:
            lines.append(f"「{words}」（{cite(code, clause, title=True)}）")
    return lines


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
    if isinstance(value, str):
        return cite_text(value)  # a rule's own source = "001 三(二)1" reads as its 文号
    return str(value)


def _width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
