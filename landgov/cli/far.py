"""``landgov far``: the 增容 run (容积率, 摸排, 申请审查, 初审表, 联席会议审查表)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from landgov.cli.options import (
    alias_option,
    aliases,
    applications_option,
    as_of_option,
    buildings_option,
    forms_option,
    height_raster_option,
    input_options,
    layer_option,
    outside_runs,
    overwrite_option,
    profile_option,
    quiet_option,
    sheet_option,
    special_zones_option,
    township_option,
    townships_option,
    wait_option,
)

if TYPE_CHECKING:
    from landgov.run.far import FarRun

__all__ = ["command", "echo_summary"]


@click.command("far")
@input_options
@townships_option()
@buildings_option()
@height_raster_option
@special_zones_option()
@applications_option()
@profile_option()
@as_of_option("核查日期")
@forms_option()
@township_option()
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True, help="输出文件夹")
@sheet_option(("enterprises", "links", "compliance", "applications"))
@layer_option(("parcels", "townships", "buildings", "special_zones", "planning", "demolition"))
@overwrite_option
@alias_option
@quiet_option
@wait_option
@click.option(
    "--verified",
    type=click.Path(path_type=Path),
    help="已填写核实表的文件夹（landgov verify 写出）：答复作为数据计入，来源列入增容问题记录",
)
@click.option(
    "--overrides",
    type=click.Path(path_type=Path),
    help="增容条件人工认定表（landgov override --far 写出）：按认定结论重新汇总，计算结果并列",
)
@click.option("--by-township", is_flag=True, help="另按镇街各写一个文件夹（增容审查、初审表）")
def command(
    parcels: Path,
    townships: Path | None,
    buildings: Path | None,
    height_raster: Path | None,
    enterprises: Path,
    links: Path | None,
    compliance: Path | None,
    planning: Path | None,
    demolition: Path | None,
    special_zones: Path | None,
    applications: Path | None,
    profile: str,
    as_of: str | None,
    forms: str,
    township: str | None,
    out: Path,
    alias: tuple[str, ...],
    quiet: bool,
    overwrite: bool,
    wait: bool,
    verified: Path | None,
    overrides: Path | None,
    by_township: bool,
) -> None:
    """增容：容积率测算、存量工业用地增容摸排与申请审查、初审表和联席会议审查表。"""
    from landgov.run.far import run_far
    from landgov.run.files import RunInputs

    inputs = RunInputs(
        parcels=parcels, enterprises=enterprises, links=links, compliance=compliance,
        planning=planning, demolition=demolition, townships=townships, buildings=buildings,
        height_raster=height_raster, special_zones=special_zones, applications=applications,
    )  # fmt: skip
    outside_runs(out, itself=False)
    run = run_far(
        inputs,
        profile=profile,
        out_dir=out,
        as_of=as_of,
        forms=forms,
        township=township,
        aliases=aliases(alias) or None,
        progress=not quiet,
        echo=click.echo,
        overwrite=overwrite,
        wait=wait,
        verified=verified,
        overrides=overrides,
        by_township=by_township,
    )
    echo_summary(run, out)


def echo_summary(run: FarRun, out: Path) -> None:
    """What ``landgov far`` prints at the end (also ``landgov screen --far``)."""
    m = run.manifest
    click.echo(
        f"策略配置：{m['profile']['title']}（{m['profile']['name']}）；核查日期：{m['as_of']}"
    )
    click.echo(run.summary_text())
    decided = m.get("overrides")
    if decided:
        click.echo(
            f"人工认定：采用 {decided['applied']} 条，待复核 {decided['stale']} 条，"
            f"未采用 {decided['rejected']} 条，已撤回 {decided['withdrawn']} 条（见增容问题记录）"
        )
    by_town = m["counts"]["candidates_by_township"]
    click.echo("各镇街候选：" + ("，".join(f"{k} {v}" for k, v in by_town.items()) or "无"))
    made = m["outputs"]["rows"]["forms"]
    forms = m["outputs"]["forms_dir"] if made else "初审表 0 份（未建文件夹）"
    click.echo(f"输出：{m['outputs']['gpkg']}（图层 far），{m['outputs']['xlsx']}（增容审查），"
               f"{forms}，{Path(out) / 'manifest.json'}")  # fmt: skip
