"""The ``landgov`` command line (click): one module per command, options shared in ``options``.

Commands: ``inspect`` (:mod:`.inspect`), ``screen`` (:mod:`.screen`), ``far`` (:mod:`.far`),
``demo`` (:mod:`.demo`), ``map`` (:mod:`.maps`), ``profiles`` (:mod:`.profiles`),
``serve`` (:mod:`.serve`). Each command
parses its options and calls the run in :mod:`landgov.run`; the work is done there, without
click. :func:`main` turns every failure into a 「错误：」 message (:mod:`._failures`).
"""

from __future__ import annotations

import sys
import warnings

import click

from landgov import __version__
from landgov.cli import demo, far, inspect, maps, profiles, screen, serve
from landgov.cli._failures import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    GDAL_ERRORS,
    fail,
    save_crash_report,
    show_click_error,
    unexpected,
)
from landgov.errors import LandgovError, os_error_message

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "cli", "main", "save_crash_report"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="landgov")
def cli() -> None:
    """landgov：浙江工业用地治理工具（低效用地筛查、四个一批、增容审查、简报地图）。"""


for _module in (inspect, screen, demo, profiles, far, maps, serve):
    cli.add_command(_module.command)


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
