"""``landgov demo``: the whole job on the bundled sample (模拟数据)."""

from __future__ import annotations

from pathlib import Path

import click

from landgov.cli.options import quiet_option, wait_option

__all__ = ["command"]


@click.command("demo")
@click.option(
    "--out", "-o", type=click.Path(path_type=Path), default=Path("out/demo"), show_default=True
)
@click.option(
    "--maps-dir", type=click.Path(path_type=Path), default=Path("maps"), show_default=True
)
@quiet_option
@wait_option
def command(out: Path, maps_dir: Path, quiet: bool, wait: bool) -> None:
    """在随包示例数据（模拟数据）上运行全流程：筛查、增容审查、地图，第二年的动态评价和治理台账。"""
    from landgov.run.demo import run_demo

    run_demo(out_dir=out, maps_dir=maps_dir, progress=not quiet, echo=click.echo, wait=wait)
