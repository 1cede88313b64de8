"""The ``landgov`` command line (click): one module per command, options shared in ``options``.

Commands: ``inspect`` (:mod:`.inspect`), ``screen`` (:mod:`.screen`), ``far`` (:mod:`.far`),
``demo`` (:mod:`.demo`), ``map`` (:mod:`.maps`), ``profiles`` (:mod:`.profiles`),
``export`` (:mod:`.export`), ``template`` (:mod:`.template`), ``serve`` (:mod:`.serve`),
``packet``, ``ledger``, ``compare``, ``verify``, ``override``. Each command parses its options
and calls the run in :mod:`landgov.run`; the work is done there, without
click. :func:`main` turns every failure into a 「错误：」 message (:mod:`._failures`).

Every command added to :data:`cli` (``cli.add_command(module.command)``) reads in Chinese,
click's own help and error strings included (:mod:`._chinese`), takes its ``--profile``,
``--as-of`` and ``--alias`` defaults from the working folder's ``landgov.toml`` and prints the
settings and policy version it uses before it starts (:mod:`._workfolder`).
"""

from __future__ import annotations

import os
import sys
import warnings

import click

from landgov import __version__
from landgov.cli import compare as compare_cli
from landgov.cli import demo, export, far, inspect, maps, packet, profiles, screen, serve, template
from landgov.cli import ledger as ledger_cli
from landgov.cli import override as override_cli
from landgov.cli import verify as verify_cli
from landgov.cli._chinese import ChineseGroup
from landgov.cli._failures import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    fail,
    save_crash_report,
    show_click_error,
    unexpected,
)
from landgov.cli._workfolder import announced, find_settings
from landgov.errors import LandgovError, os_error_message
from landgov.io._layercheck import GDAL_ERRORS

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "cli", "main", "save_crash_report"]


class LandgovGroup(ChineseGroup):
    """The ``landgov`` group: Chinese help and errors, working-folder settings for every command."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(announced(cmd), name)


@click.group(cls=LandgovGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="landgov")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """landgov：浙江工业用地治理工具（低效用地筛查、四个一批、增容审查、简报地图）。

    在工作文件夹放一个 landgov.toml（县市区、策略配置、基准日期、字段别名），各命令即以其为默认值。

    生成示例：landgov template --out 文件夹
    """
    settings = find_settings()
    ctx.obj = settings
    ctx.default_map = settings.default_map(cli.commands.values())


for _module in (inspect, screen, demo, profiles, far, maps, packet, export, template, serve):
    cli.add_command(_module.command)
cli.add_command(ledger_cli.command)
cli.add_command(verify_cli.command)
cli.add_command(override_cli.command)
cli.add_command(compare_cli.command)


def main(args: list[str] | None = None) -> None:
    """Entry point: every failure becomes a 「错误：」 message, never a traceback.

    Exit codes: 0 success; 1 aborted (Ctrl+C); 2 a usage error (click) or a problem with the
    inputs or the output folder (:class:`~landgov.errors.LandgovError`, :class:`OSError`);
    3 (:data:`EXIT_INTERNAL`) an unexpected error, whose traceback is saved to a file whose path
    is printed (:func:`save_crash_report`). Library warnings (GDAL, shapely, openpyxl) are not
    shown unless Python is run with ``-W``: what users need to know is in the problems table.
    The Python processes a command starts (Dask workers, multiprocessing's resource tracker)
    follow the same rule through ``PYTHONWARNINGS``.
    """
    quiet = not sys.warnoptions and "PYTHONWARNINGS" not in os.environ
    try:
        with warnings.catch_warnings():
            if quiet:
                warnings.simplefilter("ignore")
                os.environ["PYTHONWARNINGS"] = "ignore"
            cli(args=args, prog_name="landgov", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("已中止。", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        if isinstance(exc.__cause__, LandgovError):  # a command re-raised a landgov error
            fail(str(exc.__cause__), EXIT_INPUT)
        show_click_error(exc)
    except GDAL_ERRORS as exc:  # a reader or writer let a GDAL error through
        fail(
            f"GDAL 无法读写数据文件（{exc}）。处理：检查该文件是否完整、是否被其他程序占用，"
            "以及输出文件夹是否可写；可先用 landgov inspect 检查输入文件",
            EXIT_INPUT,
        )
    except LandgovError as exc:
        fail(str(exc), EXIT_INPUT)
    except MemoryError:
        fail(
            "内存不足，无法完成。处理：关闭其他程序，或把输入按镇街拆分后分别运行",
            EXIT_INPUT,
        )
    except OSError as exc:
        fail(os_error_message(exc), EXIT_INPUT)
    except Exception as exc:  # the safety net: no traceback on the terminal
        unexpected(exc, args)
    finally:
        if quiet:  # main() may be called again in this process, by a test
            os.environ.pop("PYTHONWARNINGS", None)
