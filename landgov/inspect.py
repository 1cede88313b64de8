"""``landgov inspect``: what a user runs first on a new file.

Reads any input file of a run (a parcel or other layer, an enterprise, link, compliance or
application table) with the same reader the pipeline uses, checks it with the same plausibility
checks (:func:`landgov.core.plausible.check_reads`), and reports the format, layer, rows,
encoding and CRS with their evidence, the field mapping and every problem found.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from landgov.core.columns import label, problem_fields
from landgov.core.dates import parse_as_of
from landgov.core.plausible import check_reads
from landgov.core.problems import ReadResult
from landgov.core.vocab import INPUT_LABELS
from landgov.errors import InputError, SchemaError
from landgov.io._grid import TABLE_SUFFIXES
from landgov.io.fields import FieldSpec
from landgov.io.sheets import layers_by_name
from landgov.policy import DEFAULT_PROFILE, Profile, load_profile

__all__ = ["KINDS", "KIND_LABELS", "inspect_file", "render_text"]

#: What each kind of file is called (:data:`landgov.core.vocab.INPUT_LABELS`): the layers
#: first (a file that is not a table is read as one of them), then the tables.
KIND_LABELS = INPUT_LABELS
LAYER_KINDS = ("parcels", "planning", "demolition", "special_zones", "townships", "approved",
               "buildings")  # fmt: skip
TABLE_KINDS = ("enterprises", "links", "compliance", "applications")
#: ``--kind`` of ``landgov inspect``: ``auto`` or one of the kinds above.
KINDS = ("auto", *LAYER_KINDS, *TABLE_KINDS)
Aliases = Mapping[str, Iterable[str]] | None


def _kinds() -> dict[str, tuple[Callable[..., ReadResult], tuple[FieldSpec, ...]]]:
    """Each kind: the reader the pipeline reads such a file with, and the fields it maps."""
    from landgov.io import fields, read_compliance, read_enterprises, read_links
    from landgov.io.applications import APPLICATION_FIELDS, read_applications
    from landgov.io.approved import read_approved
    from landgov.io.buildings import BUILDING_FIELDS, read_buildings
    from landgov.io.layers import read_demolition, read_planning, read_townships, read_zones
    from landgov.io.parcels import read_parcels

    return {
        "parcels": (read_parcels, fields.PARCEL_FIELDS),
        "planning": (read_planning, fields.PLANNING_FIELDS),
        "demolition": (read_demolition, fields.DEMOLITION_FIELDS),
        "special_zones": (read_zones, fields.ZONE_FIELDS),
        "townships": (read_townships, fields.TOWNSHIP_FIELDS),
        "approved": (read_approved, fields.APPROVED_FIELDS),
        "buildings": (read_buildings, BUILDING_FIELDS),
        "enterprises": (read_enterprises, fields.ENTERPRISE_FIELDS),
        "links": (read_links, fields.LINK_FIELDS),
        "compliance": (read_compliance, fields.COMPLIANCE_FIELDS),
        "applications": (read_applications, APPLICATION_FIELDS),
    }


def _best(
    path: Path, kinds: Iterable[str], *, read: Callable[[str], ReadResult]
) -> tuple[list[str], list[tuple[int, str, ReadResult]]]:
    """Each of ``kinds`` tried on ``path``: the schema errors met, and the kinds that read it
    with the number of fields each mapped."""
    errors: list[str] = []
    candidates: list[tuple[int, str, ReadResult]] = []
    for name in kinds:
        try:
            res = read(name)
        except ValueError as exc:  # SchemaError, InputError: not this kind of file
            errors.append(f"{KIND_LABELS[name]}：{exc}")
            continue
        candidates.append((len(res.meta.get("field_map", {})), name, res))
    return errors, candidates


def _likeliest_layer(
    parcels: ReadResult, *, kinds: Mapping[str, tuple[Any, tuple[FieldSpec, ...]]], aliases: Aliases
) -> str:
    """The layer kind whose fields (``kinds``: :func:`_kinds`) the columns of a layer read as
    parcels match most (parcels on a tie): a building layer's 宗地代码 alone does not make it
    a parcel layer."""
    from landgov.io.fields import map_columns

    meta = parcels.meta
    columns = [*meta.get("field_map", {}).values(), *meta.get("unmatched_columns", [])]
    mapped = {"parcels": len(meta.get("field_map", {}))}  # as read (.dbf names cut at 10 bytes)
    for kind in LAYER_KINDS[1:]:
        mapped[kind] = len(map_columns(columns, kinds[kind][1], aliases=aliases)[0])
    return max(LAYER_KINDS, key=mapped.__getitem__)  # the first of the most: parcels on a tie


def _parcels_lacking_a_field(other: ReadResult, *, aliases: Aliases) -> bool:
    """Whether a layer the parcel reader refused (a required field missing) and ``other``
    (the likeliest other kind) read is a parcel layer lacking that field: the parcel fields
    match more of its columns than ``other``'s do, two of them or more fields only a parcel
    layer has (权利人, 土地用途, 供地日期 …; one more column, such as an area beside a 镇街, is
    found in any layer). Such a layer is reported as ``landgov screen -p`` refuses it, not
    as a layer of another kind that happens to share a 镇街 column with it."""
    from landgov.io.fields import PARCEL_FIELDS, map_columns

    meta = other.meta
    theirs = set(meta.get("field_map", {}))
    columns = [*meta.get("field_map", {}).values(), *meta.get("unmatched_columns", [])]
    ours = set(map_columns(columns, PARCEL_FIELDS, aliases=aliases)[0])
    return len(ours) > len(theirs) and len(ours - theirs) >= 2


def _read_any(
    path: Path, *, kind: str, aliases: Aliases, layer_options: dict[str, Any]
) -> tuple[str, ReadResult]:
    kinds = _kinds()

    def read(name: str) -> ReadResult:
        options = layer_options if name in LAYER_KINDS else {}
        return kinds[name][0](path, aliases=aliases, **options)

    if kind != "auto":
        return kind, read(kind)
    if path.suffix.lower() not in TABLE_SUFFIXES:
        # a parcel layer most often: read once; another layer's reader only when it is not one
        try:
            parcels = read("parcels")
        except SchemaError as not_parcels:
            _, candidates = _best(path, LAYER_KINDS[1:], read=read)
            candidates = [c for c in candidates if c[0] > 0]  # a layer none of whose fields is
            if not candidates:  # known is no layer of any kind: the parcel layer's problem
                raise not_parcels from None
            if _parcels_lacking_a_field(max(candidates, key=lambda c: c[0])[2], aliases=aliases):
                raise not_parcels from None  # what screen says of it: 找不到必填字段…
        else:  # with a 宗地代码: a building layer has one too, and more of its own fields
            kind = _likeliest_layer(parcels, kinds=kinds, aliases=aliases)
            return kind, parcels if kind == "parcels" else read(kind)
    else:
        errors, candidates = _best(path, TABLE_KINDS, read=read)
        if not candidates:
            raise InputError(
                f"{path.name}：无法识别表格类型（企业表、地企关联表、违法违规记录、增容申请表的"
                "读取都不成功）：\n" + "\n".join(errors)
                + "\n处理：确认选对了文件；列名不在别名表里时用 --alias 字段=列名 指定，"
                "或用 --kind 指定表格类型后查看该类表格缺少哪些字段"
            )  # fmt: skip
    _, name, res = max(candidates, key=lambda c: c[0])  # the reader that maps most fields
    return name, res


def inspect_file(
    path: str | Path,
    *,
    kind: str = "auto",
    aliases: Aliases = None,
    encoding: str | None = None,
    crs: str | None = None,
    cm: int | None = None,
    profile: str | Path | Profile = DEFAULT_PROFILE,
    as_of: str | dt.date | None = None,
) -> dict[str, Any]:
    """Everything known about a file, as a JSON-ready dict.

    ``kind`` picks the reader (:data:`KINDS`). By default a table is read by the table reader
    that maps most columns; any other file by the layer reader whose fields it matches most
    (a parcel layer on a tie; a layer without 宗地代码 is no parcel layer, but one whose other
    fields are a parcel layer's is refused as ``landgov screen`` refuses it). ``aliases`` add
    column names per canonical field; ``encoding``, ``crs`` and ``cm`` (central meridian of
    6-digit eastings) apply to layers only and are ignored for tables. The read is then checked
    as a run checks it right after reading (:func:`landgov.core.plausible.check_reads`, by the
    bounds of ``profile`` at the reference date ``as_of``, default today): a sliver parcel, a
    date in 2099 or a tax of 10¹² 万元 is a problem row here as in the run.

    Keys: ``file``, ``kind``, ``format``, ``layer``, ``rows``, ``rows_kept``, ``rows_rejected``,
    ``encoding`` (name), ``encoding_evidence``, ``crs`` (``"EPSG:nnnn"`` as declared or inferred
    for the file), ``crs_output``, ``crs_evidence``, ``crs_warnings``, ``field_map``,
    ``unmatched_columns``, ``problems`` (objects with ``row``, ``field``, ``value``, ``problem``,
    ``action``, ``severity``), ``problem_counts``.
    """
    path = Path(path)
    layer_options = {"encoding": encoding, "crs": crs, "cm": cm}
    # without --kind the role is found out here: a reader's hint names a layer by name alone
    with layers_by_name() if kind == "auto" else contextlib.nullcontext():
        kind, result = _read_any(path, kind=kind, aliases=aliases, layer_options=layer_options)
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    day = parse_as_of(as_of)
    result = check_reads({kind: result}, profile=prof, as_of=day, sources={kind: path.name})
    result = result.reads[kind]
    meta = result.meta
    enc = meta.get("encoding") or {}
    crs = meta.get("crs") or {}
    # fields as a user reads them (「图形」, a column's label), as in the 问题记录 sheet
    problems = problem_fields(result.problems)
    problems = problems.astype(object).where(problems.notna(), None)
    return {
        "file": str(path),
        "kind": kind,
        "format": meta.get("format"),
        "layer": meta.get("layer") or meta.get("sheet"),
        "header_rows": meta.get("header_rows"),
        "rows": result.rows_in,
        "rows_kept": len(result.data),
        "rows_rejected": len(result.rejected),
        "encoding": enc.get("name") if isinstance(enc, dict) else enc,
        "encoding_evidence": (
            enc.get("evidence", []) if isinstance(enc, dict) else [meta.get("encoding_reason", "")]
        ),
        "crs": crs.get("epsg"),
        "crs_output": crs.get("output"),
        "crs_evidence": crs.get("evidence", []),
        "crs_warnings": crs.get("warnings", []),
        "field_map": meta.get("field_map", {}),
        "unmatched_columns": meta.get("unmatched_columns", []),
        "problems": [
            {k: r[k] for k in ("row", "field", "value", "problem", "action", "severity")}
            for r in problems.to_dict("records")
        ],
        "problem_counts": result.problems["severity"].value_counts().to_dict(),
        "checked_with": {"profile": prof.name, "as_of": day.isoformat()},
    }


def render_text(report: dict[str, Any]) -> str:
    """The report as readable Chinese text for the terminal."""
    lines = [
        f"文件：{report['file']}",
        f"类型：{KIND_LABELS.get(report['kind'], report['kind'])}",
        f"格式：{report['format']}"
        + (f"    图层/工作表：{report['layer']}" if report["layer"] else ""),
        f"行数：{report['rows']}（保留 {report['rows_kept']}，剔除 {report['rows_rejected']}）",
    ]
    if report["encoding"]:
        lines.append(f"编码：{report['encoding']}")
        lines += [f"  · {e}" for e in report["encoding_evidence"]]
    if report["crs"]:
        lines.append(f"坐标系：{report['crs']}（输出为 {report['crs_output']}）")
        lines += [f"  · {e}" for e in report["crs_evidence"]]
        lines += [f"  ⚠ {w}" for w in report["crs_warnings"]]
    lines.append("字段对应（文件中的列 → 读作，[ ] 内为 --alias 用的字段键）：")
    lines += [f"  {src} → {_meaning(canon)}" for canon, src in report["field_map"].items()]
    if report["unmatched_columns"]:
        lines.append(f"未识别的列（原样保留）：{'、'.join(report['unmatched_columns'])}")
    counts = report["problem_counts"]
    lines.append(
        f"问题：{len(report['problems'])} 条"
        + (f"（{'，'.join(f'{k} {v}' for k, v in counts.items())}）" if counts else "")
    )
    if checked := report.get("checked_with"):
        lines.append(
            f"  （含与 landgov screen 相同的数据合理性检查：策略配置 {checked['profile']}，"
            f"基准日期 {checked['as_of']}）"
        )
    for p in report["problems"]:
        row = "文件" if p["row"] is None or pd.isna(p["row"]) else f"第 {p['row']} 行"
        lines.append(
            f"  [{p['severity']}] {row} {p['field'] or ''}：{p['problem']}  → {p['action']}"
        )
    return "\n".join(lines)


def _meaning(name: str) -> str:
    """「供地日期  [supply_date]」: the column's label, with the key ``--alias`` takes."""
    shown = label(name)
    return name if shown == name else f"{shown}  [{name}]"


def to_json(report: dict[str, Any]) -> str:
    """The report as one JSON object (UTF-8, Chinese unescaped)."""
    return json.dumps(report, ensure_ascii=False, indent=2, default=str)
