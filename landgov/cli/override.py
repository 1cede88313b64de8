"""``landgov override``: the 人工认定 workbook of a screening run (written or refreshed)."""

from __future__ import annotations

from pathlib import Path

import click

from landgov.cli.options import XLSX_OUT, outside_runs

__all__ = ["command"]


@click.command("override")
@click.argument("run", type=click.Path(path_type=Path))
@click.option("--out", "-o", type=XLSX_OUT, required=True, help="人工认定表（.xlsx）")
@click.option(
    "--far",
    "far",
    is_flag=True,
    help="写增容条件人工认定表（逐项条件认定，用 landgov far --overrides 计入）",
)
def command(run: Path, out: Path, far: bool) -> None:
    """人工认定表：列出治理清单和待核实宗地的计算结论，填写认定筛查结论或认定路径、理由、
    认定人、认定日期、文件依据；已有的认定表会刷新并保留已填写的认定（计算结果变化的标记待复核）。
    用 landgov screen --overrides 文件 计入。加 --far：逐项增容条件（申请的全部条件、候选宗地
    未符合的条件）的认定表，用 landgov far --overrides 文件 计入。"""
    outside_runs(out)
    if far:
        from landgov.run.far_overrides import write_condition_overrides

        path = write_condition_overrides(run, out)
        click.echo(f"已写出增容条件人工认定表：{path}")
        return
    from landgov.run.overrides import write_overrides

    path = write_overrides(run, out)
    click.echo(f"已写出人工认定表：{path}")
