"""The ``--sheet`` option of ``landgov inspect``, ``screen`` and ``far``.

``--sheet ROLE=SHEET`` (repeatable) names the worksheet of one input table, e.g.
``--sheet enterprises=2024年`` when the enterprise workbook holds ``2023年`` and ``2024年`` with the
same columns (the reader refuses to guess between them). ``landgov inspect`` reads one file, so
there ``--sheet 2024年`` is enough. The choice is applied for the whole command through
:func:`landgov.io.sheets.chosen_sheets`; the command's own code does not change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from landgov.io.sheets import chosen_sheets, parse_sheet_choices

__all__ = ["TABLE_ROLES", "sheet_option"]

TABLE_ROLES = ("enterprises", "links", "compliance", "applications")
"""Roles whose table may be an Excel workbook (the names of the commands' file options)."""

F = TypeVar("F", bound=Callable[..., Any])


def sheet_option(roles: Sequence[str], *, allow_plain: bool = False) -> Callable[[F], F]:
    """A click option ``--sheet`` for the given table roles (not passed to the command)."""
    example = "2024年" if allow_plain else f"{roles[0]}=2024年"

    def apply(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> None:
        try:
            choices = parse_sheet_choices(values, roles=roles, allow_plain=allow_plain)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from exc
        if choices:
            ctx.with_resource(chosen_sheets(choices))

    return click.option(
        "--sheet",
        multiple=True,
        expose_value=False,
        callback=apply,
        metavar="[角色=]工作表" if allow_plain else "角色=工作表",
        help=(
            "工作簿中有多个同样符合的工作表时，指定读取哪一个，如 "
            f"--sheet {example}（可多次使用；角色：{'、'.join(roles)}）"
        ),
    )
