"""The tiled-map branch of ``landgov map`` (``--tiles``, or a run above the single-file limit)."""

from __future__ import annotations

from pathlib import Path

import click

from landgov.maps._basemaps import Basemap
from landgov.maps._run import RunData
from landgov.maps.style import MapStyle
from landgov.maps.tiles import build_tiles

__all__ = ["default_folder", "write_tiles"]


def default_folder(run_dir: Path, *, redact: bool) -> Path:
    """``maps/<目录名>[-脱敏]-瓦片``."""
    name = run_dir.resolve().name or "landgov"
    return Path("maps") / f"{name}{'-脱敏' if redact else ''}-瓦片"


def write_tiles(
    data: RunData,
    out: Path,
    *,
    basemap: Basemap,
    style: MapStyle,
    redact: bool,
    title: str | None,
    theme: str,
) -> None:
    """Build the tile folder and tell the user how to open it."""
    result = build_tiles(
        data, out, basemap=basemap, style=style, redact=redact, title=title, theme=theme
    )
    size = result.archive_bytes / 1e6
    click.echo(
        f"已生成瓦片地图：{result.path}（{result.n_drawable:,} 宗地块，瓦片 {size:.1f} MB，"
        f"底图：{result.basemap.label}{'，脱敏版' if result.redacted else ''}）"
    )
    for note in result.notes:
        click.echo(f"  说明：{note}")
    click.echo(
        f"  打开方法：运行 landgov serve {result.path} 后用浏览器打开显示的地址；"
        "或把整个文件夹放到支持 HTTP Range 的内网网页服务器上。不能双击 index.html 直接打开。"
    )
