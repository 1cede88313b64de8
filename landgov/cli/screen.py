"""``landgov screen``: the screening run (底数清单, 治理清单, 四个一批, 连片, 镇街汇总)."""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from landgov.cli._workfolder import DEFAULT_PROFILE
from landgov.cli.options import (
    _INPUTS,
    PATH,
    F,
    alias_option,
    aliases,
    applications_option,
    as_of_option,
    buildings_option,
    forms_option,
    height_raster_option,
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
from landgov.core.counts import ENTERPRISE, PLOT, count_text

__all__ = ["command"]


_WITH_FAR = "；与 --far 同用"
#: The options only the 增容 part reads: refused without --far (never silently unused).
_FAR_ONLY = ("special_zones", "applications", "forms", "township", "far_overrides")
#: --buildings also gives the screening its 容积率 (用而未尽), as it gives the 增容 stage's.
_BUILDINGS = "；用于容积率（用而未尽与增容审查）"


def _input_options(f: F) -> F:
    """The input files of ``input_options``, none required here: a province folder needs none."""
    for name, short, required, text in reversed(_INPUTS):
        f = click.option(
            name, short, type=PATH, help=text + ("（必填，省级文件夹除外）" if required else "")
        )(f)
    return f


_LAYER_ROLES = (
    "parcels", "townships", "planning", "demolition", "approved", "buildings", "special_zones",
)  # fmt: skip


@click.command("screen")
@click.argument("province", required=False, type=PATH, metavar="[省级文件夹]")
@_input_options
@townships_option()
@click.option(
    "--approved",
    type=PATH,
    help="批而未供图层（已批未供的批次：批次名称、批准文号、批准日期、面积）",
)
@height_raster_option
@profile_option()
@as_of_option("基准日期")
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True, help="输出文件夹")
@alias_option
@sheet_option(("enterprises", "links", "compliance", "applications"))
@layer_option(
    ("parcels", "townships", "planning", "demolition", "approved", "buildings", "special_zones")
)
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
@click.option(
    "--by-township", is_flag=True, help="另按镇街各写一个文件夹（清单、地图；--far 时另有增容审查）"
)
@click.option(
    "--far",
    "far",
    is_flag=True,
    help="在同一次运行中接着做增容审查（容积率、增容摸排与申请审查、初审表）：每个文件只读一次，"
    "结果与先运行 landgov screen、再运行 landgov far 写入同一文件夹相同",
)
@buildings_option(_BUILDINGS)
@special_zones_option(_WITH_FAR)
@applications_option(_WITH_FAR)
@forms_option(_WITH_FAR)
@township_option(_WITH_FAR)
@click.option(
    "--far-overrides",
    type=click.Path(path_type=Path),
    help="增容条件人工认定表（landgov override --far 写出；即 landgov far 的 --overrides）"
    + _WITH_FAR,
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "local", "dask"]),
    default="auto",
    show_default=True,
    help="省级文件夹的计算引擎：auto 本机可用 2 个以上核时用 Dask 并行各县（未安装或启动失败时"
    "逐县运行），否则逐县运行；local 逐县运行；dask 把各县作为 Dask 任务并行",
)
@click.option(
    "--scheduler", help="Dask 调度器地址，如 tcp://host:8786（默认在本机启动 LocalCluster）"
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="本机 LocalCluster 的工作进程数（auto 时不超过本机可用核数与县数）",
)
def command(
    province: Path | None,
    parcels: Path | None,
    enterprises: Path | None,
    links: Path | None,
    compliance: Path | None,
    planning: Path | None,
    demolition: Path | None,
    townships: Path | None,
    approved: Path | None,
    height_raster: Path | None,
    profile: str | None,
    as_of: str | None,
    out: Path,
    alias: tuple[str, ...],
    quiet: bool,
    overwrite: bool,
    wait: bool,
    verified: Path | None,
    overrides: Path | None,
    by_township: bool,
    engine: str,
    scheduler: str | None,
    workers: int,
    far: bool,
    buildings: Path | None,
    special_zones: Path | None,
    applications: Path | None,
    forms: str,
    township: str | None,
    far_overrides: Path | None,
) -> None:
    """筛查：底数清单、治理清单、四个一批路径、连片地块、镇街汇总。

    加 --far 时在同一次运行中接着做增容审查（同 landgov far），每个文件只读一次。
    给出省级文件夹（含 province.json）时逐县筛查全省，输出省级图层与汇总表。
    """
    from landgov.run.files import RunInputs
    from landgov.run.screening import run_screening

    _far_only(far, province)
    outside_runs(out, itself=False)
    if province is not None:
        source = click.get_current_context().get_parameter_source("profile")
        if source not in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
            profile = None  # each county by the province profile's mapping, not the default
        _province(province, out, profile=profile, as_of=as_of, alias=alias, quiet=quiet,
                  engine=engine, scheduler=scheduler, workers=workers)  # fmt: skip
        return
    _require(parcels=parcels, enterprises=enterprises)
    assert parcels is not None and enterprises is not None

    inputs = RunInputs(
        parcels=parcels, enterprises=enterprises, links=links, compliance=compliance,
        planning=planning, demolition=demolition, townships=townships,
        height_raster=height_raster, approved=approved, buildings=buildings,
        special_zones=special_zones, applications=applications,
    )  # fmt: skip
    options = None
    if far:
        from landgov.run.far import FarOptions

        # the files and the manifest are all it reads of the 增容 part: its plots stay where
        # they were computed (FarOptions.keep_plots)
        options = FarOptions(
            forms=forms, township=township, overrides=far_overrides, keep_plots=False
        )
    run = run_screening(
        inputs,
        profile=profile or DEFAULT_PROFILE,
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
        far=options,
    )
    _echo_summary(run.manifest)
    if run.far is not None:
        from landgov.cli.far import echo_summary

        echo_summary(run.far, out)


def _far_only(far: bool, province: Path | None) -> None:
    """The 增容 options go with ``--far``, and ``--far`` with one county's files: a usage error
    names the option otherwise (an option given and silently unused would mislead)."""
    ctx = click.get_current_context()
    if far and province is not None:
        raise click.UsageError(
            "--far 不能用于省级文件夹：请对各县分别运行 landgov screen --far 或 landgov far", ctx
        )
    if far:
        return
    given = [
        p for p in ctx.command.params
        if p.name in _FAR_ONLY and ctx.get_parameter_source(p.name) is ParameterSource.COMMANDLINE
    ]  # fmt: skip
    if given:
        names = "、".join(p.opts[0] for p in given)
        raise click.UsageError(f"{names} 是增容审查的选项，须与 --far 同用", ctx)


def _require(**files: Path | None) -> None:
    """Outside a province folder ``--parcels`` and ``--enterprises`` are required: the same
    usage error click gives for a missing required option (:mod:`landgov.cli._failures`)."""
    ctx = click.get_current_context()
    for name, value in files.items():
        if value is None:
            param = next(p for p in ctx.command.params if p.name == name)
            raise click.MissingParameter(ctx=ctx, param=param)


def _province(
    folder: Path,
    out: Path,
    *,
    profile: str | None,
    as_of: str | None,
    alias: tuple[str, ...],
    quiet: bool,
    engine: str,
    scheduler: str | None,
    workers: int,
) -> None:
    from landgov.errors import InputError, Issue
    from landgov.province import is_province, run_province

    if not is_province(folder):
        raise InputError(
            [Issue(str(folder), None, str(folder), "不是省级文件夹（其中没有 province.json）",
                   "给出含 province.json 的省级文件夹；单个县用 --parcels/--enterprises 等选项")]
        )  # fmt: skip
    run = run_province(
        folder, out_dir=out, profile=profile, as_of=as_of, engine=engine, scheduler=scheduler,
        workers=workers, aliases=aliases(alias) or None, echo=None if quiet else click.echo,
    )  # fmt: skip
    man = run.manifest["province"]
    rows = man["rows"]
    click.echo(
        f"全省：{rows['counties_done']} 个县（市、区）完成，{rows['counties_failed']} 个失败；"
        f"宗地输入 {rows['in']} 行 = 输出 {rows['out']} 行 + 剔除 {rows['rejected']} 行"
        + ("" if rows["balanced"] else "（行数不符，见 manifest.json）")
    )
    click.echo(f"省级图层坐标系：{man['crs']['layers']}；输出：{run.out_dir}")
    failure = run.failure()  # after every other county was finished and written
    if failure is not None:
        raise failure


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
