"""``landgov map``: build the briefing map of a run (registered in :mod:`landgov.cli`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from landgov.cli._progress import step
from landgov.cli._tiles import default_folder, province_tiles, write_tiles
from landgov.cli.options import outside_runs
from landgov.core.dates import parse_date
from landgov.core.runfolder import verify
from landgov.errors import LandgovError
from landgov.maps._basemaps import NAMES, TIANDITU_ENV, resolve_basemap
from landgov.maps._print import PrintLayout
from landgov.maps._run import load_run
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


def _layout(
    paper: str,
    orientation: str,
    scale: int | None,
    unit: str | None,
    day: str | None,
    table: bool,
) -> PrintLayout:
    """The print layout from the options; a bad 制图日期 or scale names the option."""
    when = None
    if day:
        when = parse_date(day)
        if when is None:
            raise click.BadParameter(
                f"所见值 {day!r} 不是日期：写作完整的年月日，如 2026-12-01", param_hint="--map-date"
            )
    direction = {"横向": "landscape", "纵向": "portrait"}.get(orientation, orientation)
    try:
        return PrintLayout(
            paper=paper.upper(),
            orientation=direction,
            organisation=unit or None,
            date=when,
            township_table=table,
            scale=scale,
        )
    except LandgovError as exc:
        raise click.BadParameter(str(exc), param_hint="--scale") from exc


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
@click.option(
    "--redact",
    is_flag=True,
    help=(
        "脱敏：去掉企业名称、信用代码、权利人和单个企业、单宗地块的金额；"
        "公开的门槛、目标和镇街、全区汇总（含亩均税收）保留"
    ),
)
@click.option("--title", help="标题")
@click.option(
    "--theme",
    type=click.Choice(list(THEMES)),
    default="path",
    show_default=True,
    help="首先显示（静态图中绘制）的专题：tax 亩均税收、grade 等级、path 四个一批、far 增容、"
    "progress 治理进度（须 --ledger）、change 年度变化（须 --compare）",
)
@click.option("--static", "static_fmt", type=click.Choice(["png", "pdf"]), help="改出打印用静态图")
@click.option("--breaks", help="亩均税收分级断点（万元/亩），逗号分隔，如 5,10,20,40")
@click.option("--max-parcels", type=int, help="单文件交互地图逐宗显示的上限，超过则改出瓦片地图")
@click.option(
    "--ledger",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="治理台账（显示「治理进度」专题和各镇街进度）",
)
@click.option(
    "--compare",
    "comparison",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="landgov compare 的输出文件夹（显示「年度变化」专题）",
)
@click.option(
    "--paper",
    type=click.Choice(["A4", "A3"], case_sensitive=False),
    default="A4",
    show_default=True,
    help="静态图纸张（PDF 页面即为该纸张的实际尺寸）",
)
@click.option(
    "--orientation",
    type=click.Choice(["landscape", "portrait", "横向", "纵向"]),
    default="landscape",
    show_default=True,
    help="静态图方向：landscape（横向）或 portrait（纵向）",
)
@click.option("--scale", type=int, help="静态图比例尺分母，如 10000 即 1:10,000（默认自动取整）")
@click.option("--map-unit", help="静态图的制图单位，如「越城区自然资源和规划分局」")
@click.option("--map-date", help="静态图的制图日期，如 2026-12-01（默认今天）")
@click.option(
    "--township-table", is_flag=True, help="静态图附各镇街统计表（宗数、治理清单、四个一批）"
)
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
    ledger: Path | None,
    comparison: Path | None,
    paper: str,
    orientation: str,
    scale: int | None,
    map_unit: str | None,
    map_date: str | None,
    township_table: bool,
    tiles: bool,
) -> None:
    """生成结果目录 DIR（含 landgov.gpkg）的简报地图：离线单文件 HTML、瓦片地图或 PNG/PDF 静态图。

    DIR 为全省筛查结果（landgov screen 省级文件夹 --out DIR）时输出全省瓦片地图
    （地市、区县、镇街汇总与逐宗地块）。

    DIR 须是一次完整的运行结果：manifest.json 有完成标记，文件与其中记录的 SHA-256 一致。
    """
    from landgov.maps._progress import with_progress  # the map libraries: only when drawing
    from landgov.maps.interactive import build_map
    from landgov.maps.static import render_static

    outside_runs(out or Path("maps"))
    style = _style(breaks, max_parcels)
    layout = _layout(paper, orientation, scale, map_unit, map_date, township_table)
    if province_tiles(  # a province run: always the tile map, with its 地市/区县 levels
        run_dir, out, static=bool(static_fmt or ledger or comparison), basemap=basemap,
        basemap_crs=basemap_crs, tianditu_key=tianditu_key, style=style, redact=redact,
        title=title, theme=theme,
    ):  # fmt: skip
        return
    if (run_dir / "landgov.gpkg").is_file():  # else load_run says what is missing
        with step("核对运行结果的完整性"):
            verify(run_dir)  # a LandgovError: main() prints 「错误：」 and the file that differs
    try:
        with step("读取运行结果"):
            data = load_run(run_dir)
        if ledger or comparison:
            data = with_progress(data, ledger=ledger, comparison=comparison)
        if static_fmt:
            target = out or _default_out(run_dir, suffix=static_fmt, redact=redact)
            if target.suffix.lower() != f".{static_fmt}":
                target = target.with_suffix(f".{static_fmt}")
            with step("绘制静态图"):
                path = render_static(
                    data,
                    target,
                    theme=theme,
                    style=style,
                    redact=redact,
                    title=title,
                    layout=layout,
                )
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
            with step("生成瓦片地图"):
                write_tiles(
                    data, target, basemap=bm, style=style, redact=redact, title=title, theme=theme
                )
            return
        with step("生成交互地图"):
            result = build_map(
                data, basemap=bm, style=style, redact=redact, title=title, theme=theme
            )
        with step("写出地图文件"):
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
