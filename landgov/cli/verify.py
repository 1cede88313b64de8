"""``landgov verify``: the 核实 workbooks, one per 镇街, of a screening run's 待核实 items."""

from __future__ import annotations

from pathlib import Path

import click

from landgov.cli.options import outside_runs

__all__ = ["command"]


@click.command("verify")
@click.argument("run", type=click.Path(path_type=Path))
@click.option(
    "--out", "-o", type=click.Path(path_type=Path), required=True, help="核实表输出文件夹"
)
def command(run: Path, out: Path) -> None:
    """核实表：按镇街写出筛查结果中的待核实事项（宗地、企业、缺什么、向哪个部门收集、为何需要），
    附答复、核实人、核实日期、依据填写列；填好后用 landgov screen --verified 文件夹 计入。"""
    from landgov.run.verify import write_verify

    outside_runs(out)

    files = write_verify(run, out)
    if not files:
        click.echo("该次筛查没有待核实事项，未写出核实表。")
        return
    click.echo(f"已写出核实表 {len(files)} 个（每个镇街一个）：{out}")
    for path in files:
        click.echo(f"  {path.name}")
