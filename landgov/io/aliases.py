"""Which field a user's alias is for: ``--alias 字段=列名`` and ``[aliases]`` of ``landgov.toml``.

The field may be named as the code names it (``parcel_id``) or as the templates and the
problems table show it (「宗地代码」, or any header the readers already know for it, such as
「ZDDM」). A name that is no field of any input file is refused: an alias the readers never use
would leave the column unread without a word, and the plot or enterprise would then be judged
as if the value were missing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from landgov.io.applications import APPLICATION_FIELDS
from landgov.io.buildings import BUILDING_FIELDS
from landgov.io.fields import (
    APPROVED_FIELDS,
    COMPLIANCE_FIELDS,
    DEMOLITION_FIELDS,
    ENTERPRISE_FIELDS,
    LINK_FIELDS,
    PARCEL_FIELDS,
    PLANNING_FIELDS,
    TOWNSHIP_FIELDS,
    ZONE_FIELDS,
    FieldSpec,
    Kind,
    normalize_header,
    split_header_unit,
)

__all__ = ["AliasFieldError", "alias_field", "alias_fields", "code_headers"]

_ALL: tuple[tuple[FieldSpec, ...], ...] = (
    PARCEL_FIELDS,
    ENTERPRISE_FIELDS,
    LINK_FIELDS,
    COMPLIANCE_FIELDS,
    PLANNING_FIELDS,
    DEMOLITION_FIELDS,
    ZONE_FIELDS,
    TOWNSHIP_FIELDS,
    APPROVED_FIELDS,
    APPLICATION_FIELDS,
    BUILDING_FIELDS,
)


class AliasFieldError(ValueError):
    """An alias names no field of any input file; the message says so in Chinese."""


@functools.cache
def _names() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Canonical names by themselves, and the canonical names each label or known header names
    (normalised as headers are)."""
    canonical: dict[str, str] = {}
    named: dict[str, set[str]] = {}
    for specs in _ALL:
        for spec in specs:
            canonical[normalize_header(spec.name)] = spec.name
            for text in (spec.label, *spec.aliases):
                named.setdefault(normalize_header(text), set()).add(spec.name)
    return canonical, {k: frozenset(v) for k, v in named.items()}


@functools.cache
def code_headers(label: str) -> frozenset[str]:
    """Every header the readers know for the code field labelled ``label`` (「宗地代码」: ZDDM,
    DKBM, 地块编号, 宗地编号 …, as any input table's reader accepts it), normalised as
    :func:`~landgov.io.fields.normalize_header` normalises a header; a header that stands for
    another field too is left out. Empty when ``label`` names no code field (or several).

    A workbook landgov wrote and staff return (治理台账, 人工认定表) is keyed by such a code: its
    key column is found under the same headers as in the input tables, one rule in one place.

    >>> sorted(code_headers("宗地代码"))[:3], code_headers("权利人")
    (['dkbm', 'zddm', '地块代码'], frozenset())
    """
    _, named = _names()
    fields = named.get(normalize_header(label), frozenset())
    codes = {spec.name for specs in _ALL for spec in specs if spec.kind is Kind.CODE}
    if len(fields) != 1 or not fields <= codes:
        return frozenset()
    return frozenset(h for h, f in named.items() if f == fields)


def alias_field(name: str) -> str:
    """The canonical field ``name`` stands for.

    >>> alias_field("parcel_id"), alias_field("宗地代码"), alias_field(" 税收（万元）")
    ('parcel_id', 'parcel_id', 'tax_wan')

    Raises
    ------
    AliasFieldError
        ``name`` is no field, or a header that stands for more than one.
    """
    canonical, named = _names()
    key = normalize_header(name)
    if key in canonical:
        return canonical[key]
    fields = named.get(key) or named.get(normalize_header(split_header_unit(name)[0]), frozenset())
    if len(fields) == 1:
        return next(iter(fields))
    if fields:
        raise AliasFieldError(
            f"「{name.strip()}」可指多个字段（{'、'.join(sorted(fields))}），请改写其中一个字段名"
        )
    labels = sorted({spec.label for specs in _ALL for spec in specs})
    raise AliasFieldError(
        f"不认识的字段「{name.strip()}」：别名写作 字段=列名，字段用模板中的列名（如 宗地代码、"
        "统一社会信用代码、税收（万元））或程序字段名（如 parcel_id）；"
        f"可用的字段：{'、'.join(labels)}"
    )


def alias_fields(aliases: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """``aliases`` keyed by canonical field (:func:`alias_field`), columns kept in order."""
    out: dict[str, list[str]] = {}
    for name, columns in aliases.items():
        out.setdefault(alias_field(name), []).extend(columns)
    return out
