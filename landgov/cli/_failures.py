"""How a failure reaches the user: a 「错误：」 line in Chinese, an exit code, a crash report.

Exit codes: 0 success; 1 aborted (Ctrl+C); :data:`EXIT_INPUT` (2) a usage error or a problem with
the inputs or the output folder; :data:`EXIT_INTERNAL` (3) an unexpected error, whose traceback
is saved by :func:`save_crash_report`.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import tempfile
import traceback
from pathlib import Path
from typing import NoReturn

import click

from landgov import __version__

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "fail", "save_crash_report"]

EXIT_INPUT = 2  # bad input, unusable output folder, click usage error
EXIT_INTERNAL = 3  # an unexpected error: traceback saved to a crash report


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


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


def unexpected(exc: BaseException, args: list[str] | None) -> NoReturn:
    report = save_crash_report(exc, argv=args)
    where = (
        f"详细记录已保存到：{report}"
        if report is not None
        else "详细记录也无法保存（缓存文件夹和临时文件夹都不可写）"
    )
    fail(
        f"landgov 内部出错（{type(exc).__name__}：{str(exc)[:200]}），不是常见的输入数据问题。\n"
        f"{where}\n"
        "处理：请把该文件和所用的命令发给开发人员；同时可先用 landgov inspect 检查各输入文件",
        EXIT_INTERNAL,
    )


def _hint(exc: click.BadParameter) -> str:
    """``--parcels/-p`` (click writes ``'--parcels' / '-p'``)."""
    hint = exc.param.get_error_hint(exc.ctx) if exc.param and exc.ctx else exc.param_hint
    if isinstance(hint, list | tuple):
        hint = " / ".join(hint)
    return str(hint or "").replace("'", "").replace(" / ", "/")


def _usage_error_text(exc: click.ClickException) -> str:
    """A click error in Chinese: what is wrong with which option, and where the help is."""
    # click's own wording is already Chinese (landgov.cli._chinese); here: which option
    if isinstance(exc, click.MissingParameter):
        what = f"缺少必填参数 {_hint(exc)}"
    elif isinstance(exc, click.BadParameter):
        hint = _hint(exc)
        what = f"参数 {hint} 的值无效：{exc.message}" if hint else exc.message
    else:
        what = exc.message
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "landgov"
    return f"{what.rstrip('.。')}。处理：运行 {command} --help 查看用法"


def show_click_error(exc: click.ClickException) -> NoReturn:
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError):
        if ctx is not None:
            click.echo(ctx.get_usage(), err=True)
        fail(_usage_error_text(exc), exc.exit_code)
    fail(exc.format_message(), exc.exit_code)
