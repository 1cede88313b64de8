"""``landgov packet``: the 联席会议 packet of a run (registered in :mod:`landgov.cli`)."""

from __future__ import annotations

from pathlib import Path

import click

from landgov.cli.options import outside_runs
from landgov.errors import LandgovError

__all__ = ["command"]


@click.command("packet")
@click.argument(
    "run_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--out",
    "outs",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出文件（.pdf 或 .docx，可重复）；默认在 DIR 旁写 DIR名_联席会议审议材料.pdf 和 .docx",
)
@click.option("--title", help="总览页标题")
def command(run_dir: Path, outs: tuple[Path, ...], title: str | None) -> None:
    """生成结果目录 DIR 的联席会议审议材料：A3 横版 PDF（嵌入中文字体）和可编辑的 Word 文件。

    第一页为总览（按四个一批路径着色的全区地图、镇街汇总对照目标、提请审议的增容申请），
    之后每宗增容申请一页（宗地及周边、八项条件与依据、申请前后指标、系统预审意见草稿），
    每个大面积连片地块一页。数字与工作簿同源。
    """
    from landgov.reports.meeting import write_packet  # matplotlib: only when drawing

    stem = run_dir.resolve()
    default = stem.parent / f"{stem.name}_联席会议审议材料"
    targets = outs or (default.with_suffix(".pdf"), default.with_suffix(".docx"))
    outside_runs(*targets)
    try:
        for target in targets:
            path = write_packet(run_dir, target, title=title)
            click.echo(f"已生成审议材料：{path}（{path.stat().st_size / 1e6:.1f} MB）")
    except LandgovError as exc:
        raise click.ClickException(str(exc)) from exc
