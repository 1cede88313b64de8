"""The ``landgov`` command line (click). Messages in Chinese."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from landgov import __version__
from landgov.errors import LandgovError

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="landgov")
def cli() -> None:
    """landgov：浙江工业用地治理工具（低效用地筛查、四个一批、增容审查、简报地图）。"""


@cli.command("inspect")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option(
    "--kind",
    type=click.Choice(["auto", "enterprises", "links", "compliance"]),
    default="auto",
    help="表格类型（默认自动识别）",
)
@click.option("--encoding", default=None, help="强制 .dbf 编码（如 GBK）")
@click.option("--crs", default=None, help="强制坐标系（如 EPSG:4549）")
@click.option(
    "--cm", type=click.Choice(["117", "120", "123"]), default=None, help="6 位东坐标的中央经线"
)
def inspect_command(
    file: Path, as_json: bool, kind: str, encoding: str | None, crs: str | None, cm: str | None
) -> None:
    """检查一个新文件：格式、编码、坐标系（含依据）、字段对应和所有问题。"""
    from landgov.inspect import inspect_file, render_text, to_json

    options = {}
    if file.suffix.lower() not in {".xlsx", ".xlsm", ".xls", ".csv", ".txt"}:
        options = {"encoding": encoding, "crs": crs, "cm": int(cm) if cm else None}
    report = inspect_file(file, kind=kind, **options)
    click.echo(to_json(report) if as_json else render_text(report))


def main() -> None:
    """Entry point: run the CLI, turning landgov errors into a clear message and exit code 2."""
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已中止。", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except LandgovError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(2)
