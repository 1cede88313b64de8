"""``landgov inspect``: check one new file before a run."""

from __future__ import annotations

from pathlib import Path

import click

from landgov.cli.options import (
    alias_option,
    aliases,
    as_of_option,
    layer_option,
    profile_option,
    sheet_option,
)
from landgov.inspect import KIND_LABELS, KINDS, LAYER_KINDS, TABLE_KINDS

__all__ = ["command"]


@click.command("inspect")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="auto",
    metavar="类型",
    help="文件类型：auto 自动识别（默认：表格按最相符的表，图层按字段最相符的图层，"
    "相同时按宗地图层）、" + "、".join(f"{kind} {KIND_LABELS[kind]}" for kind in KINDS[1:]),
)
@click.option("--encoding", default=None, help="强制 .dbf 编码（如 GBK）")
@click.option("--crs", default=None, help="强制坐标系（如 EPSG:4549）")
@click.option(
    "--cm", type=click.Choice(["117", "120", "123"]), default=None, help="6 位东坐标的中央经线"
)
@profile_option("（数据合理性检查的界限，同 landgov screen）")
@as_of_option("数据合理性检查的基准日期")
@alias_option
@sheet_option(TABLE_KINDS, allow_plain=True)
@layer_option(LAYER_KINDS, allow_plain=True)
def command(
    file: Path,
    as_json: bool,
    kind: str,
    encoding: str | None,
    crs: str | None,
    cm: str | None,
    profile: str,
    as_of: str | None,
    alias: tuple[str, ...],
) -> None:
    """检查一个新文件：格式、编码、坐标系（含依据）、字段对应和所有问题。"""
    from landgov.inspect import inspect_file, render_text, to_json

    report = inspect_file(
        file,
        kind=kind,
        aliases=aliases(alias) or None,
        encoding=encoding,
        crs=crs,
        cm=int(cm) if cm else None,
        profile=profile,
        as_of=as_of,
    )
    click.echo(to_json(report) if as_json else render_text(report))
