"""``landgov compare``: 动态评价, what changed between two screening runs."""

from __future__ import annotations

from pathlib import Path

import click

from landgov.cli.options import outside_runs

__all__ = ["command"]

_RUN = click.Path(exists=True, file_okay=False, path_type=Path)


@click.command("compare")
@click.argument("old_run", type=_RUN, metavar="OLD_RUN")
@click.argument("new_run", type=_RUN, metavar="NEW_RUN")
@click.option(
    "--out", "-o", type=click.Path(file_okay=False, path_type=Path), required=True,
    help="输出文件夹（changes.gpkg、动态评价.xlsx）",
)  # fmt: skip
def command(old_run: Path, new_run: Path, out: Path) -> None:
    """动态评价：比较两期筛查结果 OLD_RUN（上年）与 NEW_RUN（本年）。

    地块按宗地代码对应，分割、合并按图形重叠识别；企业按统一社会信用代码对应。输出每宗地块的
    等级、路径、亩均税收变化和治理清单进出，每家企业的等级变化，各镇街和全区的规上亩均税收、
    亩均增加值对照目标，以及治理面积对照盘活目标。
    """
    from landgov.evaluation import compare_runs, write_comparison
    from landgov.run.results import read_screening

    outside_runs(out)
    cmp = compare_runs(read_screening(old_run), read_screening(new_run))
    folder = write_comparison(cmp, out)
    c = cmp.counts
    rows = "、".join(f"{k} {v}" for k, v in c["plot_rows"].items())
    click.echo(
        f"已写出动态评价：{folder}（旧期 {cmp.labels['old']} {c['plots_old']} 宗，"
        f"新期 {cmp.labels['new']} {c['plots_new']} 宗；{rows}）"
    )
    listing = "、".join(f"{k} {v}" for k, v in c["listing_change"].items())
    click.echo(f"  治理清单：{listing}")
    for warning in cmp.warnings:
        click.echo(f"  警告：{warning}")
