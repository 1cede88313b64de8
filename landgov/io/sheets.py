"""Which worksheet each table is read from, when a workbook holds several — and which layer
each layer is read from, when a GeoPackage or file geodatabase holds several.

The rule (:func:`landgov.io.read_table` applies it):

1. ``sheet=`` passed to the reader wins;
2. else the sheet chosen for the reader's role (``enterprises``, ``links``, ``compliance``,
   ``applications``) with :func:`chosen_sheets` — the command line's ``--sheet ROLE=SHEET``;
3. else the sheet chosen for every role (``--sheet SHEET``, ``landgov inspect`` only);
4. else the visible sheet whose header names every required field (and, of sheets that lack
   one, the one naming the most known fields). When two or more sheets have every required
   field (``2023年`` and ``2024年``, even when one names an extra optional column) the reader
   refuses and lists them: reading one of two years silently is a guess, and the user must
   name it.

Layers (:func:`landgov.io.parcels.read_layer` applies it): ``layer=`` passed to the reader
wins; else the layer chosen for the reader's role (``parcels``, ``buildings``, ``townships``,
``planning``, ``demolition``, ``special_zones``, ``approved``) with :func:`chosen_layers` — the
command line's ``--layer ROLE=LAYER``; else the one chosen for every role (``--layer LAYER``,
``landgov inspect`` only); else the one layer with features whose fields have every required
field of the role (a 宗地 layer beside a 镇街 layer: the 宗地 one), with a row saying so. When two
or more layers have every required field (``宗地2023`` and ``宗地2024``) the reader refuses and
lists them, as for sheets: a county-wide screen on the wrong vintage is a guess the user must
not be left with. When no layer has them, the first layer is read, with a warning row naming
the others. A chosen layer the file does not hold is an error naming the file, the layer and
the layers there.

Choices are held in a :class:`contextvars.ContextVar`, so a command sets them once for the
whole run (every stage reads through the same readers) without each stage passing them on.
"""

from __future__ import annotations

import contextvars
import types
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from landgov.errors import DataFileError

__all__ = [
    "ALL_ROLES",
    "LAYER_ROLES",
    "chosen_layers",
    "chosen_sheets",
    "layer_for",
    "layer_option",
    "layers_by_name",
    "missing_layer_error",
    "parse_sheet_choices",
    "sheet_for",
    "tied_layers_error",
    "tied_sheets_error",
]

ALL_ROLES = "*"
"""The key of a choice that applies to every role (``--sheet 2024年``)."""

LAYER_ROLES = (
    "parcels", "buildings", "townships", "planning", "demolition", "special_zones", "approved",
)  # fmt: skip
"""Roles whose file is a layer (the names of the commands' file options)."""

_CHOSEN: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "landgov_chosen_sheets", default=types.MappingProxyType({})
)
_LAYERS: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "landgov_chosen_layers", default=types.MappingProxyType({})
)


@contextmanager
def chosen_sheets(choices: Mapping[str, str]) -> Iterator[None]:
    """Read each role's table from the named sheet while the block runs.

    Parameters
    ----------
    choices
        ``{"enterprises": "2024年"}``; the key :data:`ALL_ROLES` applies to every role.

    Examples
    --------
    >>> with chosen_sheets({"enterprises": "2024年"}):
    ...     sheet_for("enterprises"), sheet_for("links")
    ('2024年', None)
    """
    with _choosing(_CHOSEN, choices):
        yield


def sheet_for(role: str | None) -> str | None:
    """The sheet chosen for ``role`` (or for every role), None when nothing was chosen."""
    return _chosen_for(_CHOSEN.get(), role)


@contextmanager
def chosen_layers(choices: Mapping[str, str]) -> Iterator[None]:
    """Read each role's layer from the named layer while the block runs.

    Parameters
    ----------
    choices
        ``{"parcels": "宗地2024"}``; the key :data:`ALL_ROLES` applies to every role.

    Examples
    --------
    >>> with chosen_layers({"parcels": "宗地2024"}):
    ...     layer_for("parcels"), layer_for("buildings")
    ('宗地2024', None)
    """
    with _choosing(_LAYERS, choices):
        yield


def layer_for(role: str | None) -> str | None:
    """The layer chosen for ``role`` (or for every role), None when nothing was chosen."""
    return _chosen_for(_LAYERS.get(), role)


_BY_NAME: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "landgov_layers_by_name", default=False
)


@contextmanager
def layers_by_name() -> Iterator[None]:
    """While the block runs, :func:`layer_option` chooses a layer by its name alone:
    ``landgov inspect`` without ``--kind`` reads a file whose role it finds out itself, so the
    role of the reader that met a layer first (the demolition reader tries what is not a
    parcel layer) is not the role to name.

    >>> with layers_by_name():
    ...     layer_option("demolition")
    '--layer 图层名'
    >>> layer_option("demolition")
    '--layer demolition=图层名'
    """
    token = _BY_NAME.set(True)
    try:
        yield
    finally:
        _BY_NAME.reset(token)


def layer_option(role: str | None) -> str:
    """How the command line chooses another layer for ``role`` (``parcels`` when ``None``), as
    a reader's hint says it: 「--layer parcels=图层名」, by name alone in :func:`layers_by_name`."""
    return "--layer 图层名" if _BY_NAME.get() else f"--layer {role or 'parcels'}=图层名"


@contextmanager
def _choosing(
    chosen: contextvars.ContextVar[Mapping[str, str]], choices: Mapping[str, str]
) -> Iterator[None]:
    """``choices`` added to ``chosen`` (sheets or layers) while the block runs."""
    token = chosen.set({**chosen.get(), **choices})
    try:
        yield
    finally:
        chosen.reset(token)


def _chosen_for(chosen: Mapping[str, str], role: str | None) -> str | None:
    if role is not None and role in chosen:
        return chosen[role]
    return chosen.get(ALL_ROLES)


def missing_layer_error(source: str, wanted: str, layers: list[str]) -> DataFileError:
    """The error for a chosen layer the file does not hold: names the layers there."""
    there = "、".join(f"「{n}」" for n in layers) or "（无）"
    return DataFileError(
        f"{source}：没有图层「{wanted}」；文件中的图层：{there}。处理：把 --layer 的图层名改为"
        f"其中之一（Python：layer=），注意全角/半角和空格"
    )


def parse_sheet_choices(
    values: Iterable[str], *, roles: Iterable[str], allow_plain: bool, what: str = "工作表"
) -> dict[str, str]:
    """``("enterprises=2024年",)`` → ``{"enterprises": "2024年"}``.

    A value without ``=`` (``2024年``) applies to every role, and only where ``allow_plain``
    (one file, as in ``landgov inspect``). A sheet name that itself contains ``=`` is written
    with its role (``enterprises=a=b``). ``what`` names the choice in messages (``图层`` for
    ``--layer``).

    Raises
    ------
    ValueError
        An unknown role, an empty sheet name, a role given twice, or a plain name where a role
        is needed; the message (Chinese) lists the roles.
    """
    roles = tuple(roles)
    out: dict[str, str] = {}
    for value in values:
        role, sep, sheet = value.partition("=")
        role, sheet = role.strip(), sheet.strip()
        if not sep:
            role, sheet = ALL_ROLES, role
            if not allow_plain:
                raise ValueError(
                    f"「{value}」应写作 角色={what}，如 {roles[0]}={value}；"
                    f"角色：{'、'.join(roles)}"
                )
        elif role not in roles:
            raise ValueError(f"「{value}」中的角色「{role}」不存在；可用：{'、'.join(roles)}")
        if not sheet:
            raise ValueError(f"「{value}」缺少{what}名")
        if role in out:
            raise ValueError(f"角色「{role}」的{what}指定了两次：{out[role]}、{sheet}")
        out[role] = sheet
    return out


def tied_sheets_error(source: str, tied: Mapping[str, int], *, role: str | None) -> DataFileError:
    """The error for a workbook with more than one sheet whose header has every required field
    (``tied``: each sheet and how many known fields it names): lists them and the fix."""
    names = list(tied)
    example = names[-1]
    cli = f"--sheet {role}={example}" if role else f"--sheet {example}"
    counts = set(tied.values())
    scored = (
        f"各对应 {counts.pop()} 个已知字段"
        if len(counts) == 1
        else "对应已知字段"
        + "、".join(f"「{n}」{v} 个" for n, v in tied.items())
        + "；多对应几个可选字段不能说明哪一个是要读的数据"
    )
    return DataFileError(
        f"{source}：有 {len(names)} 个工作表的表头都含全部必填字段（{'、'.join(names)}，"
        f"{scored}），无法确定读取哪一个。处理：在命令行加 {cli} 指定工作表"
        f'（Python：sheet="{example}"），或在 Excel/WPS 中删除或隐藏不用的工作表；'
        "如几个工作表都是要读的数据（如「规上」「规下」分表），请把它们的数据行复制到同一个"
        "工作表（表头只留一行）后重新读取，只指定其中一个会漏掉其余工作表中的行"
    )


def tied_layers_error(
    source: str, tied: Mapping[str, tuple[int, list[str]]], *, role: str | None, required: str
) -> DataFileError:
    """The error for a file with more than one layer that has every required field of ``role``
    (``tied``: each layer, its number of features and the known fields it names; ``required``
    names the required fields, 「「宗地代码」」): lists them and the fix, as
    :func:`tied_sheets_error` does for sheets."""
    names = list(tied)
    example = names[-1]
    listed = "；".join(
        f"「{name}」{rows} 行，识别字段：{'、'.join(fields)}"
        for name, (rows, fields) in tied.items()
    )
    cli = layer_option(role).replace("图层名", example)
    return DataFileError(
        f"{source}：有 {len(names)} 个图层都含必填字段{required}（{listed}），无法确定读取哪一个"
        "（如不同年份的数据：读错图层，整个筛查就用错了数据）。处理：在命令行加 "
        f'{cli} 指定图层（Python：layer="{example}"），或在 QGIS/ArcGIS 中删除不用的图层；'
        "如几个图层都是要读的数据，请把它们合并为一个图层后重新读取，只指定其中一个会漏掉其余图层"
    )
