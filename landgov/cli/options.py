"""The options every command shares, defined once so that each takes them the same way.

``--alias``, ``--as-of``, ``--height-raster``, ``--quiet``, ``--overwrite``, ``--wait`` and
``--sheet`` mean the same in ``landgov inspect``, ``screen``, ``far`` and ``demo`` (where they
apply). Each is a decorator; :func:`aliases` turns ``--alias`` values into the readers' mapping.

``--sheet ROLE=SHEET`` (repeatable) names the worksheet of one input table, e.g.
``--sheet enterprises=2024年`` when the enterprise workbook holds ``2023年`` and ``2024年`` with the
same columns (the reader refuses to guess between them). ``landgov inspect`` reads one file, so
there ``--sheet 2024年`` is enough. The choice is applied for the whole command through
:func:`landgov.io.sheets.chosen_sheets`; the command's own code does not change.

``--layer ROLE=LAYER`` does the same for the layer of a multi-layer GeoPackage or file
geodatabase (``--layer parcels=宗地2024``; ``landgov inspect 宗地.gpkg --layer 宗地2024``), through
:func:`landgov.io.sheets.chosen_layers`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

import click

from landgov.core.dates import AS_OF_FORMS
from landgov.core.vocab import FORM_MODES
from landgov.io.aliases import AliasFieldError, alias_fields
from landgov.io.sheets import chosen_layers, chosen_sheets, parse_sheet_choices
from landgov.policy import DEFAULT_PROFILE

__all__ = [
    "PATH",
    "TABLE_ROLES",
    "XLSX_OUT",
    "alias_option",
    "aliases",
    "applications_option",
    "as_of_option",
    "buildings_option",
    "forms_option",
    "height_raster_option",
    "input_options",
    "layer_option",
    "outside_runs",
    "overwrite_option",
    "quiet_option",
    "sheet_option",
    "special_zones_option",
    "township_option",
    "wait_option",
]

#: An input file or folder that must exist.
PATH = click.Path(exists=True, path_type=Path)


class _WorkbookPath(click.Path):
    """An .xlsx file to write: not a folder, and named .xlsx (a workbook saved as 认定.csv or
    台账.xls opens in Excel with a warning and is read back as something else)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        if Path(path).suffix.lower() != ".xlsx":
            self.fail(
                f"「{value}」不是 .xlsx 文件名：landgov 写出的是 Excel 工作簿，"
                f"请改为「{Path(path).with_suffix('.xlsx').name}」",
                param,
                ctx,
            )
        return path


#: An Excel workbook landgov writes (``--out 认定.xlsx``).
XLSX_OUT = _WorkbookPath(dir_okay=False, path_type=Path)


def outside_runs(*paths: Path | None, itself: bool = True) -> None:
    """Refuse output paths inside a landgov run folder (or that are one, with ``itself``).

    See :func:`landgov.core.runfolder.refuse_inside_run`; ``None`` (an option not given) is
    skipped.
    """
    from landgov.core.runfolder import refuse_inside_run

    for path in paths:
        if path is not None:
            refuse_inside_run(path, itself=itself)


TABLE_ROLES = ("enterprises", "links", "compliance", "applications")
"""Roles whose table may be an Excel workbook (the names of the commands' file options)."""

F = TypeVar("F", bound=Callable[..., Any])


def sheet_option(roles: Sequence[str], *, allow_plain: bool = False) -> Callable[[F], F]:
    """A click option ``--sheet`` for the given table roles (not passed to the command)."""
    example = "2024年" if allow_plain else f"{roles[0]}=2024年"
    return _choice_option(
        "--sheet", roles, allow_plain=allow_plain, what="工作表", choosing=chosen_sheets,
        help=(
            "工作簿中有多个同样符合的工作表时，指定读取哪一个，如 "
            f"--sheet {example}（可多次使用；角色：{'、'.join(roles)}）"
        ),
    )  # fmt: skip


def layer_option(roles: Sequence[str], *, allow_plain: bool = False) -> Callable[[F], F]:
    """A click option ``--layer`` for the given layer roles (not passed to the command)."""
    example = "宗地2024" if allow_plain else f"{roles[0]}=宗地2024"
    return _choice_option(
        "--layer", roles, allow_plain=allow_plain, what="图层", choosing=chosen_layers,
        help=(
            "GeoPackage/文件地理数据库中有多个图层时，指定读取哪一个，如 "
            f"--layer {example}（可多次使用；角色：{'、'.join(roles)}；"
            "不指定时读取唯一含必填字段的图层并提示；有多个这样的图层时报错，请指定）"
        ),
    )  # fmt: skip


def _choice_option(
    name: str,
    roles: Sequence[str],
    *,
    allow_plain: bool,
    what: str,
    choosing: Callable[[dict[str, str]], AbstractContextManager[None]],
    help: str,
) -> Callable[[F], F]:
    """``--sheet`` / ``--layer``: ``[角色=]名称`` values, parsed by
    :func:`~landgov.io.sheets.parse_sheet_choices` and chosen (``choosing``) for the command's
    run; not passed to the command."""

    def apply(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> None:
        try:
            choices = parse_sheet_choices(values, roles=roles, allow_plain=allow_plain, what=what)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from exc
        if choices:
            ctx.with_resource(choosing(choices))

    return click.option(
        name,
        multiple=True,
        expose_value=False,
        callback=apply,
        metavar=f"[角色=]{what}" if allow_plain else f"角色={what}",
        help=help,
    )


def aliases(pairs: tuple[str, ...]) -> dict[str, list[str]]:
    """``("parcel_id=地块号", ...)`` → ``{"parcel_id": ["地块号"]}``."""
    out: dict[str, list[str]] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(
                f"「{pair}」应写作 字段=列名，如 parcel_id=地块号", param_hint="--alias"
            )
        out.setdefault(field.strip(), []).append(column.strip())
    try:
        return alias_fields(out)
    except AliasFieldError as err:
        raise click.BadParameter(str(err), param_hint="--alias") from None


def alias_option(f: F) -> F:
    """``--alias FIELD=COLUMN`` (repeatable): extra column names for a canonical field."""
    return click.option(
        "--alias",
        "alias",
        multiple=True,
        help="字段别名，如 --alias parcel_id=地块号（可多次使用）",
    )(f)


def as_of_option(what: str) -> Callable[[F], F]:
    """``--as-of DATE``: the date the run is judged at (``what`` names it for the help)."""
    return click.option("--as-of", "as_of", help=f"{what}，如 {AS_OF_FORMS}（默认今天）")


def height_raster_option(f: F) -> F:
    """``--height-raster / -r``: a building-height GeoTIFF in metres."""
    return click.option("--height-raster", "-r", type=PATH, help="建筑高度栅格 GeoTIFF（米）")(f)


# The 增容 run's own options: ``landgov far`` and ``landgov screen --far`` (``note`` then says
# that they go with --far) take them with one wording.
def buildings_option(note: str = "") -> Callable[[F], F]:
    """``--buildings / -b``: building footprints."""
    return click.option(
        "--buildings", "-b", type=PATH, help="建筑轮廓图层（层数、层高、建筑高度）" + note
    )


def special_zones_option(note: str = "") -> Callable[[F], F]:
    """``--special-zones / -z``: special zones (马海片区 …)."""
    return click.option(
        "--special-zones", "-z", type=PATH, help="特殊片区图层（如马海片区）" + note
    )


def profile_option(note: str = "") -> Callable[[F], F]:
    """``--profile``: the policy profile, by name or file (default :data:`DEFAULT_PROFILE`)."""
    return click.option(
        "--profile", default=DEFAULT_PROFILE, show_default=True, help="策略配置名或文件" + note
    )


def townships_option(note: str = "") -> Callable[[F], F]:
    """``--townships / -t``: the 镇街 boundary layer (a plot with a blank 镇街 is placed by it,
    :mod:`landgov.core.township`)."""
    return click.option(
        "--townships", "-t", type=PATH, help="镇街边界图层（镇街为空的宗地按边界定镇街）" + note
    )


def applications_option(note: str = "") -> Callable[[F], F]:
    """``--applications / -a``: the 增容 application table."""
    return click.option("--applications", "-a", type=PATH, help="增容申请表" + note)


def forms_option(note: str = "") -> Callable[[F], F]:
    """``--forms``: which 初审表 to write."""
    return click.option(
        "--forms",
        type=click.Choice(FORM_MODES),
        default="applications",
        show_default=True,
        help="生成哪些初审表：全部/仅申请/仅摸排候选/不生成" + note,
    )


def township_option(note: str = "") -> Callable[[F], F]:
    """``--township``: 初审表 for one township only."""
    return click.option(
        "--township",
        help="只为该镇街生成初审表（批量；可写简称，如「斗门」指本区县唯一的「斗门街道」）" + note,
    )


_INPUTS = (  # the files both runs read, in the order --help lists them
    ("--parcels", "-p", True, "宗地图层（Shapefile/GPKG/…）"),
    ("--enterprises", "-e", True, "企业亩均效益表（xlsx/xls/csv）"),
    ("--links", "-l", False, "地企关联表；缺省时按权利人名称匹配企业名称"),
    ("--compliance", "-c", False, "违法违规记录表"),
    ("--planning", "-g", False, "规划用途图层"),
    ("--demolition", "-d", False, "近年拆迁计划图层"),
)


def input_options(f: F) -> F:
    """``-p -e -l -c -g -d``: the input files every run takes, with one wording."""
    for name, short, required, text in reversed(_INPUTS):
        f = click.option(name, short, type=PATH, required=required, help=text)(f)
    return f


def quiet_option(f: F) -> F:
    """``--quiet / -q``: no progress display."""
    return click.option("--quiet", "-q", is_flag=True, help="不显示进度条")(f)


def overwrite_option(f: F) -> F:
    """``--overwrite``: replace an earlier run even when its files were changed by hand."""
    return click.option(
        "--overwrite", is_flag=True, help="即使旧结果中的文件被手工修改或新增过，也替换"
    )(f)


def wait_option(f: F) -> F:
    """``--wait``: queue behind another run into the same folder instead of refusing."""
    return click.option(
        "--wait", is_flag=True, help="输出文件夹正被另一次运行使用时排队等待，而不是退出"
    )(f)
