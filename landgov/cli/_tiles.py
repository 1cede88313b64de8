"""The tiled-map branch of ``landgov map`` (``--tiles``, or a run above the single-file limit)."""

from __future__ import annotations

from pathlib import Path

import click

from landgov.cli._progress import step
from landgov.errors import InputError, LandgovError
from landgov.maps._basemaps import Basemap, resolve_basemap
from landgov.maps._run import RunData
from landgov.maps.style import MapStyle
from landgov.maps.tiles._province import ProvinceData, is_province_run, load_province

__all__ = ["default_folder", "province_tiles", "write_tiles"]


def default_folder(run_dir: Path, *, redact: bool) -> Path:
    """``maps/<目录名>[-脱敏]-瓦片``."""
    name = run_dir.resolve().name or "landgov"
    return Path("maps") / f"{name}{'-脱敏' if redact else ''}-瓦片"


def write_tiles(
    data: RunData | ProvinceData,
    out: Path,
    *,
    basemap: Basemap,
    style: MapStyle,
    redact: bool,
    title: str | None,
    theme: str,
) -> None:
    """Build the tile folder and tell the user how to open it."""
    from landgov.maps.tiles import build_tiles  # the map libraries: only when drawing

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


def province_tiles(
    run_dir: Path,
    out: Path | None,
    *,
    static: bool,
    basemap: str,
    basemap_crs: str | None,
    tianditu_key: str | None,
    style: MapStyle,
    redact: bool,
    title: str | None,
    theme: str,
) -> bool:
    """The tile map of a province run (``landgov screen PROVINCE_DIR``); False for other runs."""
    if not is_province_run(run_dir):
        return False
    try:
        if static:
            raise InputError(
                f"{run_dir} 是全省筛查结果：全省只能输出瓦片地图，"
                "不支持 --static/--ledger/--compare；"
                "请对 counties/ 下的某个县（市、区）结果目录出静态图或进度图"
            )
        if out is not None and out.suffix.lower() == ".html":
            raise InputError(
                f"全省结果的地图是一个文件夹，不能写成 {out.name}：请给 --out 一个文件夹路径"
            )
        with step("核对运行结果的完整性"):
            data = load_province(run_dir, verify=True)
        bm = resolve_basemap(basemap, tianditu_key=tianditu_key, crs=basemap_crs)
        target = out or default_folder(run_dir, redact=redact)
        with step("生成瓦片地图"):
            write_tiles(
                data, target, basemap=bm, style=style, redact=redact, title=title, theme=theme
            )
    except LandgovError as exc:
        raise click.ClickException(str(exc)) from exc
    return True
