"""The problems sheet people can send out (问题分送): one row asks one department for one thing.

The problems table (:data:`landgov.core.problems.PROBLEM_COLUMNS`) is a technical log: one row
per reader finding, keyed by source file and row, field names as the code knows them, the same
gap often reported by two stages (亩均指标 and 亩均评价 both say 「税收缺失」 for one firm).
:func:`sendable_problems` turns it into the sheet a 镇街 or a department can act on:

- every row names the 镇街, the plot (宗地代码) and the enterprise (name and 统一社会信用代码),
  found from the value, the source row or the links; where a problem concerns no plot or no
  enterprise the cell says so in words, never blank;
- the field in Chinese (:data:`landgov.core.collect.FIELD_SOURCES`, else the column registry)
  and the department to ask for it;
- a row naming several fields is split, one per field; rows asking the same department for the
  same thing about the same plot and enterprise are merged (their problems and source rows
  listed, ``条数`` counting them);
- sorted by 镇街, department and item, so each department's requests for a 镇街 are together.

No problem row is lost: each is in at least one row (in one per field it names); ``条数`` counts
the problem rows merged into a row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from landgov.core.collect import FIELD_SOURCES
from landgov.core.columns import COLUMNS
from landgov.core.distinct import each_distinct
from landgov.core.missing import is_missing
from landgov.core.townnames import TownshipOrder, township_order
from landgov.core.vocab import UNKNOWN_TOWNSHIP
from landgov.io import fields as io_fields

__all__ = ["SENDOUT_COLUMNS", "sendable_problems"]

SENDOUT_COLUMNS = [
    "镇街", "宗地代码", "企业名称", "统一社会信用代码", "收集部门", "收集事项", "问题", "处理建议",
    "来源", "条数", "严重程度",
]  # fmt: skip

NO_TOWN = f"（{UNKNOWN_TOWNSHIP}）"
NO_PLOT = "（未关联宗地）"
NO_FIRM = "（宗地无关联企业）"
FILE_LEVEL = "（整个文件）"

#: A 亩均 indicator → the input to collect for it.
_INDICATOR_INPUTS = {
    "tax_per_mu": "tax_wan",
    "tax_per_power": "tax_wan",
    "value_added_per_mu": "value_added_wan",
    "value_added_per_energy": "energy_tce",
    "value_added_per_emission": "emissions_t",
    "labour_productivity": "employees",
    "rd_ratio": "rd_wan",
    "land_mu_declared": "land_mu",
}

#: Where a field has no department of its own: the department of the source it came from.
_SOURCE_DEPARTMENTS = (
    ("parcels", "自然资源局"),
    ("宗地", "自然资源局"),
    ("links", "自然资源局"),
    ("地企关联", "自然资源局"),
    ("enterprises", "经信局"),
    ("亩均", "经信局"),
    ("compliance", "综合行政执法局"),
    ("违法违规", "综合行政执法局"),
    ("planning", "自然资源局"),
    ("approved", "自然资源局"),
    ("townships", "自然资源局"),
    ("demolition", "房屋征收部门"),
    ("核实表", "镇街核实人员"),
    ("认定", "认定人"),
)
_OPERATOR = "数据整理人员"
_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")

_EXTRA_SOURCES = {
    "emissions_t": ("主要污染物排放量（吨）", "生态环境局"),
    "value_added_wan": ("工业增加值（万元）", "统计局"),
    "revenue_wan": ("营业收入（万元）", "统计局"),
    "rd_wan": ("研发经费（万元）", "统计局"),
    "employees": ("年平均职工人数", "统计局"),
    "uscc": ("统一社会信用代码", "市场监管局"),
    "parcel_id": ("宗地代码", "自然资源局"),
    "geometry": ("宗地图形", "自然资源局"),
    "area_declared_m2": ("宗地登记面积", "自然资源局"),
    "area_used_m2": ("企业使用面积（地企关联）", "自然资源局"),
}
_SEVERITY_ORDER = {"错误": 0, "警告": 1, "提示": 2}


def _canonical_by_label() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in dir(io_fields):
        specs = getattr(io_fields, name)
        if name.endswith("_FIELDS") and isinstance(specs, tuple):
            for spec in specs:
                out.setdefault(spec.label, spec.name)
    for name, col in COLUMNS.items():
        out.setdefault(col.label, name)
    return out


_BY_LABEL = _canonical_by_label()


def _fields(raw: object) -> list[str]:
    """The canonical fields a problem row names (split on 「、」; labels mapped back)."""
    if is_missing(raw):
        return []
    out = []
    for piece in re.split(r"[、,，]", str(raw)):
        part = re.sub(r"（[A-Z]+ 列）$", "", piece.strip())
        if not part:
            continue
        name = _BY_LABEL.get(part, part)
        out.append(_INDICATOR_INPUTS.get(name, name))
    return list(dict.fromkeys(out))


def _what(field: str | None, source: str, role: str = "") -> tuple[str, str]:
    """(item in Chinese, department) for a field found in ``source`` (the input ``role`` when
    ``source`` is a file the user gave)."""
    if field in FIELD_SOURCES:
        src = FIELD_SOURCES[field]
        return src.label, src.department
    if field in _EXTRA_SOURCES:
        return _EXTRA_SOURCES[field]
    dept = next((d for key, d in _SOURCE_DEPARTMENTS if key in source or key == role), _OPERATOR)
    if field is None:
        return "文件或整行（见问题）", dept
    col = COLUMNS.get(field)
    label = col.label if col is not None else field
    if re.fullmatch(r"[A-Za-z0-9_]+", label):  # an English name left: say what it is in words
        label = f"字段「{label}」"
    return label, dept


class _Lookup:
    """Plots and enterprises by id: 镇街, names, the other side of the links."""

    def __init__(
        self,
        parcels: pd.DataFrame,
        enterprises: pd.DataFrame,
        pairs: pd.DataFrame | None,
        files: Mapping[str, str],
    ) -> None:
        self.town = _as_dict(parcels, "parcel_id", "township")
        self.parcel_row = _as_dict(parcels, "source_row", "parcel_id", files.get("parcels"))
        self.names = _as_dict(enterprises, "uscc", "name")
        self.firm_town = _as_dict(enterprises, "uscc", "township")
        self.firm_row = _as_dict(enterprises, "source_row", "uscc", files.get("enterprises"))
        self.files = files
        self.plots_of: dict[str, list[str]] = {}
        self.firms_of: dict[str, list[str]] = {}
        if pairs is not None and {"parcel_id", "uscc"} <= set(pairs.columns):
            for p, u in pairs[["parcel_id", "uscc"]].dropna().itertuples(index=False):
                self.plots_of.setdefault(str(u), []).append(str(p))
                self.firms_of.setdefault(str(p), []).append(str(u))

    def find(self, row: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        """Plots and enterprises the problem row is about."""
        text = "" if is_missing(row.get("value")) else str(row.get("value"))
        tokens = [t for t in re.split(r"[\s/：:，,；;()（）]+", text) if t]
        plots = [t for t in tokens if t in self.town]
        firms = [t for t in tokens if t in self.names or _USCC.fullmatch(t)]
        source, number = str(row.get("source") or ""), row.get("row")
        if not plots and not firms and not is_missing(number):
            key = (source, int(number))
            if key in self.parcel_row:
                plots = [self.parcel_row[key]]
            elif key in self.firm_row:
                firms = [self.firm_row[key]]
        if plots and not firms:
            firms = list(dict.fromkeys(u for p in plots for u in self.firms_of.get(p, [])))
        if firms and not plots:
            plots = list(dict.fromkeys(p for u in firms for p in self.plots_of.get(u, [])))
        return plots, firms


def _as_dict(frame: pd.DataFrame, key: str, value: str, source: str | None = None) -> dict:
    """``value`` by ``key`` (by ``(source, row)`` when ``source`` is given, missing values
    left out), each distinct value checked for missing once."""
    if frame is None or key not in frame.columns or value not in frame.columns:
        return {}
    pairs = frame[[key, value]].dropna(subset=[key])
    keys, values = pairs[key].tolist(), pairs[value].tolist()
    missing = each_distinct(is_missing, pairs[value])
    if source is not None:
        return {(source, int(k)): v for k, v, m in zip(keys, values, missing, strict=True) if not m}
    return {str(k): (None if m else str(v)) for k, v, m in zip(keys, values, missing, strict=True)}


def sendable_problems(
    problems: pd.DataFrame,
    *,
    parcels: pd.DataFrame,
    enterprises: pd.DataFrame,
    pairs: pd.DataFrame | None = None,
    files: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The 问题分送 sheet (:data:`SENDOUT_COLUMNS`) from a problems table.

    Parameters
    ----------
    problems
        The problems table (:data:`landgov.core.problems.PROBLEM_COLUMNS`).
    parcels, enterprises, pairs
        The run's plots (``parcel_id``, ``township``, ``source_row``), enterprises (``uscc``,
        ``name``, ``township``, ``source_row``) and links (``parcel_id``, ``uscc``).
    files
        The source file name per role (``{"parcels": "parcels.shp", "enterprises": …}``), so
        a problem given by file and row finds its plot or enterprise.
    """
    look = _Lookup(parcels, enterprises, pairs, files or {})
    role_of = {name: role for role, name in (files or {}).items()}
    rows: list[dict[str, Any]] = []
    for rec in problems.to_dict("records"):
        plots, firms = look.find(rec)
        source = str(rec.get("source") or "")
        place = source if is_missing(rec.get("row")) else f"{source} 第 {int(rec['row'])} 行"
        for field in _fields(rec.get("field")) or [None]:
            item, dept = _what(field, source, role_of.get(source, ""))
            file_level = not plots and not firms and is_missing(rec.get("row"))
            town = FILE_LEVEL if file_level else next(
                (t for t in [*(look.town.get(p) for p in plots),
                             *(look.firm_town.get(u) for u in firms)] if t),
                NO_TOWN,
            )  # fmt: skip
            rows.append(
                {
                    "镇街": town,
                    "宗地代码": "、".join(plots) or (FILE_LEVEL if file_level else NO_PLOT),
                    "企业名称": "、".join(look.names.get(u) or u for u in firms)
                    or (FILE_LEVEL if file_level else NO_FIRM),
                    "统一社会信用代码": "、".join(firms) or "—",
                    "收集部门": dept,
                    "收集事项": item,
                    "问题": str(rec.get("problem") or ""),
                    "处理建议": str(rec.get("action") or ""),
                    "来源": place,
                    "严重程度": str(rec.get("severity") or ""),
                }
            )
    if not rows:
        return pd.DataFrame(columns=SENDOUT_COLUMNS)
    return _merge(pd.DataFrame(rows), township_order(look.town.values(), look.town.keys()))


def _joined(values: Iterable[str]) -> str:
    return "；".join(dict.fromkeys(v for v in values if v))


_KEYS = ["镇街", "宗地代码", "企业名称", "统一社会信用代码", "收集部门", "收集事项"]


def _merge(frame: pd.DataFrame, order: TownshipOrder) -> pd.DataFrame:
    """Rows asking the same department for the same thing about the same plot and enterprise
    as one (in the order they first appear), sorted by 镇街 (``order``; the rows about a
    whole file last), department, item and plot."""
    columns = {name: frame[name].tolist() for name in frame.columns}
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, key in enumerate(zip(*(columns[k] for k in _KEYS), strict=True)):
        groups.setdefault(key, []).append(i)
    merged = pd.DataFrame(
        [
            [
                *key,
                *(_joined(columns[name][i] for i in rows) for name in ("问题", "处理建议", "来源")),
                len(rows),
                min((columns["严重程度"][i] for i in rows), key=_severity),
            ]
            for key, rows in groups.items()
        ],
        columns=[*_KEYS, "问题", "处理建议", "来源", "条数", "严重程度"],
    )
    town = order.positions(merged["镇街"])
    merged["_town"] = town.where(merged["镇街"] != FILE_LEVEL, town.max() + 1)
    merged = merged.sort_values(["_town", "收集部门", "收集事项", "宗地代码"], kind="stable")
    return merged[SENDOUT_COLUMNS].reset_index(drop=True)


def _severity(value: str) -> int:
    return _SEVERITY_ORDER.get(value, 9)
