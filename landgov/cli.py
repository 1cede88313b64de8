"""The ``landgov`` command line (click). Messages in Chinese."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sys
import tempfile
import traceback
import warnings
from pathlib import Path
from typing import NoReturn

import click
import pyogrio.errors

from landgov import __version__
from landgov.cli_sheet import sheet_option
from landgov.core.dates import AS_OF_FORMS
from landgov.errors import LandgovError, os_error_message

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "main", "save_crash_report"]

EXIT_INPUT = 2  # bad input, unusable output folder, click usage error
EXIT_INTERNAL = 3  # an unexpected error: traceback saved to a crash report
_GDAL_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="landgov")
def cli() -> None:
    """landgov：浙江工业用地治理工具（低效用地筛查、四个一批、增容审查、简报地图）。"""


_PATH = click.Path(exists=True, path_type=Path)
_ALIAS_HELP = "字段别名，如 --alias parcel_id=地块号（可多次使用）"
_OVERWRITE_HELP = "即使旧结果中的文件被手工修改或新增过，也替换"
_WAIT_HELP = "输出文件夹正被另一次运行使用时排队等待，而不是退出"


def _aliases(pairs: tuple[str, ...]) -> dict[str, list[str]]:
    """``("parcel_id=地块号", ...)`` → ``{"parcel_id": ["地块号"]}``."""
    out: dict[str, list[str]] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(
                f"「{pair}」应写作 字段=列名，如 parcel_id=地块号", param_hint="--alias"
            )
        out.setdefault(field.strip(), []).append(column.strip())
    return out


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
@click.option("--alias", "alias", multiple=True, help=_ALIAS_HELP)
@sheet_option(("enterprises", "links", "compliance"), allow_plain=True)
def inspect_command(
    file: Path,
    as_json: bool,
    kind: str,
    encoding: str | None,
    crs: str | None,
    cm: str | None,
    alias: tuple[str, ...],
) -> None:
    """检查一个新文件：格式、编码、坐标系（含依据）、字段对应和所有问题。"""
    from landgov.inspect import inspect_file, render_text, to_json

    report = inspect_file(
        file,
        kind=kind,
        aliases=_aliases(alias) or None,
        encoding=encoding,
        crs=crs,
        cm=int(cm) if cm else None,
    )
    click.echo(to_json(report) if as_json else render_text(report))


@cli.command("screen")
@click.option("--parcels", "-p", type=_PATH, required=True, help="宗地图层（Shapefile/GPKG/…）")
@click.option("--enterprises", "-e", type=_PATH, required=True, help="企业亩均效益表（xlsx/csv）")
@click.option("--links", "-l", type=_PATH, help="地企关联表；缺省时按权利人名称匹配企业名称")
@click.option("--compliance", "-c", type=_PATH, help="违法违规记录表")
@click.option("--planning", "-g", type=_PATH, help="规划用途图层")
@click.option("--demolition", "-d", type=_PATH, help="近年拆迁计划图层")
@click.option("--townships", "-t", type=_PATH, help="镇街边界图层")
@click.option("--profile", default="zhejiang-2023", show_default=True, help="策略配置名或文件")
@click.option("--as-of", "as_of", help=f"基准日期，如 {AS_OF_FORMS}（默认今天）")
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True, help="输出文件夹")
@click.option("--alias", "alias", multiple=True, help=_ALIAS_HELP)
@sheet_option(("enterprises", "links", "compliance"))
@click.option("--quiet", "-q", is_flag=True, help="不显示进度条")
@click.option("--overwrite", is_flag=True, help=_OVERWRITE_HELP)
@click.option("--wait", is_flag=True, help=_WAIT_HELP)
def screen_command(
    parcels: Path,
    enterprises: Path,
    links: Path | None,
    compliance: Path | None,
    planning: Path | None,
    demolition: Path | None,
    townships: Path | None,
    profile: str,
    as_of: str | None,
    out: Path,
    alias: tuple[str, ...],
    quiet: bool,
    overwrite: bool,
    wait: bool,
) -> None:
    """筛查：底数清单、治理清单、四个一批路径、连片地块、镇街汇总。"""
    from landgov.pipeline import RunInputs, run_screening

    inputs = RunInputs(
        parcels=parcels, enterprises=enterprises, links=links, compliance=compliance,
        planning=planning, demolition=demolition, townships=townships,
    )  # fmt: skip
    run = run_screening(
        inputs,
        profile=profile,
        out_dir=out,
        as_of=as_of,
        aliases=_aliases(alias) or None,
        progress=not quiet,
        overwrite=overwrite,
        wait=wait,
        echo=click.echo,
    )
    _echo_summary(run.manifest)


def _echo_summary(manifest: dict) -> None:
    rows = manifest["outputs"]["rows"]
    counts = manifest["counts"]
    prof = manifest["profile"]
    click.echo(f"策略配置：{prof['title']}（{prof['name']} v{prof['version']}）")
    click.echo(f"基准日期：{manifest['as_of']}")
    click.echo(
        f"底数清单 {rows['parcels']} 宗；治理清单 {rows['governance']} 宗；"
        f"连片 {rows['blocks']} 片；企业 {rows['enterprises']} 家；问题记录 {rows['problems']} 条"
    )
    click.echo("筛查结论：" + "，".join(f"{k} {v}" for k, v in counts["screening_status"].items()))
    if counts["path"]:
        click.echo("四个一批：" + "，".join(f"{k} {v}" for k, v in counts["path"].items()))
    click.echo(f"输出：{manifest['outputs']['gpkg']}，{manifest['outputs']['xlsx']}")


@cli.command("demo")
@click.option(
    "--out", "-o", type=click.Path(path_type=Path), default=Path("out/demo"), show_default=True
)
@click.option(
    "--maps-dir", type=click.Path(path_type=Path), default=Path("maps"), show_default=True
)
@click.option("--quiet", "-q", is_flag=True, help="不显示进度条")
@click.option("--wait", is_flag=True, help=_WAIT_HELP)
def demo_command(out: Path, maps_dir: Path, quiet: bool, wait: bool) -> None:
    """在随包示例数据（模拟数据）上运行全流程：筛查、增容审查、地图。"""
    from landgov.demo import run_demo

    run_demo(out_dir=out, maps_dir=maps_dir, progress=not quiet, echo=click.echo, wait=wait)


def _register_optional_commands() -> None:
    """Commands that live next to their concept (profiles, far, map)."""
    from landgov.far_cli import command as far_command
    from landgov.maps.cli import command as map_command
    from landgov.policy.cli import command as profiles_command

    cli.add_command(profiles_command)
    cli.add_command(far_command)
    cli.add_command(map_command)


_register_optional_commands()


def _report_dir() -> Path:
    """Where crash reports go: the user's cache folder (``%LOCALAPPDATA%``, ``$XDG_CACHE_HOME``)."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "landgov"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "landgov"


def save_crash_report(exc: BaseException, *, argv: list[str] | None = None) -> Path | None:
    """Write the traceback of an unexpected error to ``landgov-错误报告-<time>.txt``.

    Tried in the user's cache folder, then the system temp folder; ``None`` when neither can be
    written (the caller then says so instead of showing a path).
    """
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    text = "\n".join(
        [
            f"landgov {__version__}  Python {platform.python_version()}  {platform.platform()}",
            f"时间：{dt.datetime.now().isoformat(timespec='seconds')}",
            "命令：" + " ".join(["landgov", *(sys.argv[1:] if argv is None else argv)]),
            "",
            "".join(traceback.format_exception(exc)),
        ]
    )
    for folder in (_report_dir(), Path(tempfile.gettempdir())):
        path = folder / f"landgov-错误报告-{stamp}.txt"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        return path
    return None


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


def _unexpected(exc: BaseException, args: list[str] | None) -> NoReturn:
    report = save_crash_report(exc, argv=args)
    where = (
        f"详细记录已保存到：{report}"
        if report is not None
        else "详细记录也无法保存（缓存文件夹和临时文件夹都不可写）"
    )
    _fail(
        f"landgov 内部出错（{type(exc).__name__}：{str(exc)[:200]}），不是常见的输入数据问题。\n"
        f"{where}\n"
        "处理：请把该文件和所用的命令发给开发人员；同时可先用 landgov inspect 检查各输入文件",
        EXIT_INTERNAL,
    )


# click's own messages (English), as users should read them. Anything else passes unchanged.
_CLICK_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (
            r"^(?:File|Directory|Path) '(.*)' does not exist\.?$",
            "找不到「\\1」（文件或文件夹不存在）",
        ),
        (r"^(?:File|Path) '(.*)' is a directory\.?$", "「\\1」是文件夹，这里需要一个文件"),
        (r"^(?:Directory|Path) '(.*)' is a file\.?$", "「\\1」是文件，这里需要一个文件夹"),
        (r"^(?:File|Directory|Path) '(.*)' is not readable\.?$", "没有读取「\\1」的权限"),
        (r"^(?:File|Directory|Path) '(.*)' is not writable\.?$", "没有写入「\\1」的权限"),
        (r"^'(.*)' is not one of (.*)\.$", "「\\1」不是可选值之一（可选：\\2）"),
        (r"^'(.*)' is not a valid integer(?: range)?\.$", "「\\1」不是整数"),
        (r"^'(.*)' is not a valid float(?: range)?\.$", "「\\1」不是数字"),
        (r"^No such option:? '?([^'\s]+?)'?\.?(?:\s.*)?$", "没有选项 \\1"),
        (r"^No such command '(.*)'\.$", "没有命令「\\1」"),
        (r"^Option '(.*)' requires an argument\.$", "选项 \\1 后面缺少取值"),
        (r"^Got unexpected extra arguments? \((.*)\)$", "多余的参数：\\1"),
        (r"^Missing command\.$", "缺少命令"),
    )
)


def _click_text(message: str) -> str:
    for pattern, text in _CLICK_MESSAGES:
        if pattern.match(message):
            return pattern.sub(text, message)
    return message


def _usage_error_text(exc: click.ClickException) -> str:
    """A click error in Chinese: what is wrong with which option, and where the help is."""
    if isinstance(exc, click.MissingParameter):
        hint = exc.param.get_error_hint(exc.ctx) if exc.param and exc.ctx else exc.param_hint
        what = f"缺少必填参数 {hint}"
    elif isinstance(exc, click.BadParameter):
        hint = exc.param.get_error_hint(exc.ctx) if exc.param and exc.ctx else exc.param_hint
        what = f"参数 {hint} 的值无效：{_click_text(exc.message)}" if hint else exc.message
    else:
        what = _click_text(exc.message)
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "landgov"
    return f"{what.rstrip('.。')}。处理：运行 {command} --help 查看用法"


def _show_click_error(exc: click.ClickException) -> NoReturn:
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError):
        if ctx is not None:
            click.echo(ctx.get_usage(), err=True)
        _fail(_usage_error_text(exc), exc.exit_code)
    _fail(exc.format_message(), exc.exit_code)


def main(args: list[str] | None = None) -> None:
    """Entry point: every failure becomes a 「错误：」 message, never a traceback.

    Exit codes: 0 success; 1 aborted (Ctrl+C); 2 a usage error (click) or a problem with the
    inputs or the output folder (:class:`~landgov.errors.LandgovError`, :class:`OSError`);
    3 (:data:`EXIT_INTERNAL`) an unexpected error, whose traceback is saved to a file whose path
    is printed (:func:`save_crash_report`). Library warnings (GDAL, shapely, openpyxl) are not
    shown unless Python is run with ``-W``: what users need to know is in the problems table.
    """
    try:
        with warnings.catch_warnings():
            if not sys.warnoptions:
                warnings.simplefilter("ignore")
            cli(args=args, prog_name="landgov", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("已中止。", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        if isinstance(exc.__cause__, LandgovError):  # a command re-raised a landgov error
            _fail(str(exc.__cause__), EXIT_INPUT)
        _show_click_error(exc)
    except _GDAL_ERRORS as exc:  # a reader or writer let a GDAL error through
        _fail(
            f"GDAL 无法读写数据文件（{exc}）。处理：检查该文件是否完整、是否被其他程序占用，"
            "以及输出文件夹是否可写；可先用 landgov inspect 检查输入文件",
            EXIT_INPUT,
        )
    except LandgovError as exc:
        _fail(str(exc), EXIT_INPUT)
    except MemoryError:
        _fail(
            "内存不足，无法完成。处理：关闭其他程序，或把输入按镇街拆分后分别运行",
            EXIT_INPUT,
        )
    except OSError as exc:
        _fail(os_error_message(exc), EXIT_INPUT)
    except Exception as exc:  # the safety net: no traceback on the terminal
        _unexpected(exc, args)
