"""``landgov template``: blank input workbooks, a 宗地 layer and a ``landgov.toml`` to fill in."""

from __future__ import annotations

from pathlib import Path

import click

from landgov.cli._workfolder import DEFAULT_PROFILE, FILENAME, write_settings
from landgov.cli.options import outside_runs

__all__ = ["command"]


@click.command("template")
@click.option(
    "--out", "-o", type=click.Path(file_okay=False, path_type=Path), required=True,
    help="输出文件夹（已有的同名文件保留不动）",
)  # fmt: skip
@click.option("--county", default="", help="县（市、区）名称，写入 landgov.toml")
@click.option(
    "--profile", default=DEFAULT_PROFILE, show_default=True, help="策略配置，写入 landgov.toml"
)
def command(out: Path, county: str, profile: str) -> None:
    """生成空白输入模板：企业、地企关联、违法记录、增容申请工作簿，宗地图层和 landgov.toml。"""
    from landgov.policy import load_profile
    from landgov.reports.templates import write_templates

    outside_runs(out)
    load_profile(profile)  # a landgov.toml naming no usable profile would fail every later run
    written = write_templates(out)
    settings = out / FILENAME
    if not settings.exists():
        written.append(write_settings(settings, county=county, profile=profile))
    if not written:
        click.echo(f"{out} 中已有全部模板，未改动任何文件。")
        return
    click.echo(f"已生成 {len(written)} 个文件到 {out}：")
    for path in written:
        click.echo(f"  {path.name}")
    click.echo(
        "下一步：在各工作簿第一个工作表中逐行填写（说明见「填写说明」工作表），"
        "宗地.gpkg 在 QGIS/ArcGIS 中绘制或粘贴宗地；"
        "填好后先用 landgov inspect 文件 检查，再运行 landgov screen。"
    )
