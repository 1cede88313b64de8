"""``landgov map``: build the briefing map of a run (registered in :mod:`landgov.cli`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from landgov.cli._tiles import default_folder, write_tiles
from landgov.core.runfolder import verify
from landgov.errors import LandgovError
from landgov.maps._basemaps import NAMES, TIANDITU_ENV, resolve_basemap
from landgov.maps._run import load_run
from landgov.maps.interactive import build_map
from landgov.maps.static import render_static
from landgov.maps.style import DEFAULT_STYLE, THEMES, MapStyle

__all__ = ["command"]


def _style(breaks: str | None, max_parcels: int | None) -> MapStyle:
    changes: dict[str, object] = {}
    if breaks:
        try:
            changes["tax_breaks"] = tuple(float(b) for b in breaks.replace("，", ",").split(","))
        except ValueError as exc:
            raise click.BadParameter(f"须为逗号分隔的数字，所见值 {breaks!r}") from exc
    if max_parcels is not None:
        changes["max_parcels"] = max_parcels
    try:
        return dataclasses.replace(DEFAULT_STYLE, **changes)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _default_out(run_dir: Path, *, suffix: str, redact: bool) -> Path:
    name = run_dir.resolve().name or "landgov"
    return Path("maps") / f"{name}{'-脱敏' if redact else ''}.{suffix}"


@click.command("map")
@click.argument(
    "run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR"
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="输出文件（默认 maps/<目录名>.html）；瓦片地图为输出文件夹（默认 maps/<目录名>-瓦片）",
)
@click.option(
    "--basemap",
    default="none",
    show_default=True,
    help=f"底图：{' | '.join(NAMES)}，或 XYZ/WMTS 瓦片地址（须配 --basemap-crs）",
)
@click.option(
    "--basemap-crs",
    type=click.Choice(["wgs84", "cgcs2000", "gcj02"]),
    help="自定义瓦片地址的坐标系",
)
@click.option(
    "--tianditu-key", envvar=TIANDITU_ENV, help=f"天地图密钥（或环境变量 {TIANDITU_ENV}）"
)
@click.option("--redact", is_flag=True, help="脱敏：去掉企业名称、信用代码、权利人和全部金额")
@click.option("--title", help="标题")
@click.option(
    "--theme",
    type=click.Choice(list(THEMES)),
    default="path",
    show_default=True,
    help="首先显示（静态图中绘制）的专题：tax 亩均税收、grade 等级、path 四个一批、far 增容",
)
@click.option("--static", "static_fmt", type=click.Choice(["png", "pdf"]), help="改出打印用静态图")
@click.option("--breaks", help="亩均税收分级断点（万元/亩），逗号分隔，如 5,10,20,40")
@click.option("--max-parcels", type=int, help="单文件交互地图逐宗显示的上限，超过则改出瓦片地图")
@click.option(
    "--tiles", is_flag=True, help="输出矢量瓦片地图文件夹（全省等大数据量；用 landgov serve 打开）"
)
def command(
    run_dir: Path,
    out: Path | None,
    basemap: str,
    basemap_crs: str | None,
    tianditu_key: str | None,
    redact: bool,
    title: str | None,
    theme: str,
    static_fmt: str | None,
    breaks: str | None,
    max_parcels: int | None,
    tiles: bool,
) -> None:
    """生成结果目录 DIR（含 landgov.gpkg）的简报地图：离线单文件 HTML、瓦片地图或 PNG/PDF 静态图。

    DIR 须是一次完整的运行结果：manifest.json 有完成标记，文件与其中记录的 SHA-256 一致。
    """
    style = _style(breaks, max_parcels)
    if (run_dir / "landgov.gpkg").is_file():  # else load_run says what is missing
        verify(run_dir)  # a LandgovError: main() prints 「错误：」 and the file that differs
    try:
        data = load_run(run_dir)
        if static_fmt:
            target = out or _default_out(run_dir, suffix=static_fmt, redact=redact)
            if target.suffix.lower() != f".{static_fmt}":
                target = target.with_suffix(f".{static_fmt}")
            path = render_static(data, target, theme=theme, style=style, redact=redact, title=title)
            click.echo(f"已生成静态图：{path}")
            return
        bm = resolve_basemap(basemap, tianditu_key=tianditu_key, crs=basemap_crs)
        # above the limit a tile folder, unless an .html file was asked for (then 镇街 totals)
        single = out is not None and out.suffix.lower() == ".html"
        if tiles or (len(data.parcels) > style.max_parcels and not single):
            if not tiles:
                click.echo(
                    f"地块 {len(data.parcels):,} 宗，超过单文件地图上限 {style.max_parcels:,} 宗："
                    "改为输出瓦片地图（逐宗显示）"
                )
            target = out or default_folder(run_dir, redact=redact)
            write_tiles(
                data, target, basemap=bm, style=style, redact=redact, title=title, theme=theme
            )
            return
        result = build_map(data, basemap=bm, style=style, redact=redact, title=title, theme=theme)
        path = result.save(out or _default_out(run_dir, suffix="html", redact=redact))
    except LandgovError as exc:
        raise click.ClickException(str(exc)) from exc
    size = path.stat().st_size / 1e6
    shown = "按镇街汇总" if result.aggregated else f"{result.n_drawable:,} 宗地块"
    click.echo(
        f"已生成地图：{path}（{size:.1f} MB，{shown}，底图：{result.basemap.label}"
        f"{'，脱敏版' if result.redacted else ''}）"
    )
    for note in result.notes:
        click.echo(f"  说明：{note}")
    if result.aggregated:
        click.echo("  提示：地块过多，交互地图已改为按镇街汇总；可用 --max-parcels 调整上限。")
