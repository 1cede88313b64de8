"""``landgov screen``: the screening run (底数清单, 治理清单, 四个一批, 连片, 镇街汇总)."""

from __future__ import annotations

from pathlib import Path

import click

from landgov.cli._workfolder import DEFAULT_PROFILE
from landgov.cli.options import (
    PATH,
    alias_option,
    aliases,
    as_of_option,
    height_raster_option,
    input_options,
    overwrite_option,
    quiet_option,
    sheet_option,
    wait_option,
)
from landgov.core.counts import ENTERPRISE, PLOT, count_text

__all__ = ["command"]


@click.command("screen")
@input_options
@click.option("--townships", "-t", type=PATH, help="镇街边界图层")
@click.option(
    "--approved",
    type=PATH,
    help="批而未供图层（已批未供的批次：批次名称、批准文号、批准日期、面积）",
)
@height_raster_option
@click.option("--profile", default=DEFAULT_PROFILE, show_default=True, help="策略配置名或文件")
@as_of_option("基准日期")
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True, help="输出文件夹")
@alias_option
@sheet_option(("enterprises", "links", "compliance"))
@quiet_option
@overwrite_option
@wait_option
@click.option(
    "--verified",
    type=click.Path(path_type=Path),
    help="已填写核实表的文件夹（landgov verify 写出）：答复作为数据计入，并在理由中注明来源",
)
@click.option(
    "--overrides",
    type=click.Path(path_type=Path),
    help="人工认定表（landgov override 写出）：按认定的筛查结论、治理路径输出，计算结果并列",
)
@click.option("--by-township", is_flag=True, help="另按镇街各写一个文件夹（清单、地图）")
def command(
    parcels: Path,
    enterprises: Path,
    links: Path | None,
    compliance: Path | None,
    planning: Path | None,
    demolition: Path | None,
    townships: Path | None,
    approved: Path | None,
    height_raster: Path | None,
    profile: str,
    as_of: str | None,
    out: Path,
    alias: tuple[str, ...],
    quiet: bool,
    overwrite: bool,
    wait: bool,
    verified: Path | None,
    overrides: Path | None,
    by_township: bool,
) -> None:
    """筛查：底数清单、治理清单、四个一批路径、连片地块、镇街汇总。"""
    from landgov.run.files import RunInputs
    from landgov.run.screening import run_screening

    inputs = RunInputs(
        parcels=parcels, enterprises=enterprises, links=links, compliance=compliance,
        planning=planning, demolition=demolition, townships=townships,
        height_raster=height_raster, approved=approved,
    )  # fmt: skip
    run = run_screening(
        inputs,
        profile=profile,
        out_dir=out,
        as_of=as_of,
        aliases=aliases(alias) or None,
        progress=not quiet,
        overwrite=overwrite,
        wait=wait,
        echo=click.echo,
        verified=verified,
        overrides=overrides,
        by_township=by_township,
    )
    _echo_summary(run.manifest)


def _approved_line(approved: dict) -> str:
    """批而未供 in one line; says so when the layer was not given (never a silent 0)."""
    if not approved.get("given"):
        return "批而未供：未提供图层（--approved），面积未统计"
    return (
        f"批而未供：{approved['batches']} 批次，计入面积 {approved['area_mu']:,.2f} 亩"
        f"（待核实 {approved['to_verify']} 批次；不列入治理清单，计入镇街汇总盘活潜力）"
    )


def _echo_summary(manifest: dict) -> None:
    rows = manifest["outputs"]["rows"]
    counts = manifest["counts"]
    prof = manifest["profile"]
    click.echo(f"策略配置：{prof['title']}（{prof['name']} v{prof['version']}）")
    click.echo(f"基准日期：{manifest['as_of']}")
    click.echo(
        f"底数清单 {rows['parcels']} 宗；治理清单 {rows['governance']} 宗；"
        f"连片 {rows['blocks']} 片；企业 {rows['enterprises']} 家；问题记录 {rows['problems']} 条"
    )
    click.echo("筛查结论：" + count_text(counts["screening_status"], PLOT))
    if counts["path"]:
        click.echo("四个一批：" + count_text(counts["path"], PLOT))
    if counts.get("grade"):
        click.echo("企业评价等级：" + count_text(counts["grade"], ENTERPRISE))
    click.echo(_approved_line(counts.get("approved") or {}))
    click.echo(f"输出：{manifest['outputs']['gpkg']}，{manifest['outputs']['xlsx']}")
