"""The district panel: totals computed from the layers, and targets read from the manifest.

Counts come from :mod:`landgov.core.counts`, the one place the manifest, the workbook and the
command-line summary take them from: plots in 宗, enterprises in 家, applications in 件.
A target line says what it measures: 「列入治理清单面积」 is set beside the 盘活 target
without a 完成 share (being listed is not 盘活); only 「已盘活面积」 (from a 治理台账, manifest
key ``revitalized_area_mu``) is shown as a share of the target.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Number
from typing import Any

import pandas as pd

from landgov.core.columns import label
from landgov.core.compare import percent_reached
from landgov.core.counts import (
    APPLICATION,
    ENTERPRISE,
    PLOT,
    application_counts,
    candidate_counts,
    count_text,
    grade_counts,
    path_counts,
    screening_counts,
    zengrong_counts,
)
from landgov.core.missing import format_number, is_missing
from landgov.core.vocab import NO_TARGET
from landgov.far.ratio import ESTIMATE_WORDS, estimate_mark

__all__ = ["PanelRow", "district_rows", "manifest_rows"]

#: Labels of manifest ``summary.district`` keys the pipeline is expected to write: the column
#: registry's where the key is a registered column, the panel's own wording otherwise.
_KEY_LABELS = {
    **{
        key: label(key)
        for key in (
            "tax_per_mu_above_scale",
            "value_added_per_mu_above_scale",
            "governance_area_mu",
            "n_parcels",
            "n_approved",
            "approved_area_mu",
            "n_approved_to_verify",
            "renewal_potential_mu",
        )
    },
    "governance_area_mu": "列入治理清单面积（亩）",
    "revitalized_area_mu": "已盘活面积（亩）",
    "revitalize_target_mu": "盘活目标（亩）",
    "renewal_target_mu": "盘活目标（亩）",
    "area_mu": label("area_mu"),  # every plot of the 底数清单, not only 工业用地
    "target_year": "目标年份",
}
#: Keys :func:`district_rows` already shows from the layers (the same figures, not twice).
_FROM_LAYERS = frozenset({"n_parcels", "area_mu"})
_TARGET_AFFIXES = (("target_", ""), ("", "_target"))
_DERIVED = "（项目推算，非文件数值）"
_RENEWAL_KEYS = frozenset({"governance_area_mu", "revitalized_area_mu"})
#: Keys whose value is not the quantity of the target they are paired with: no 完成 share.
_NOT_THE_TARGET = {"governance_area_mu": "列入清单不等于已盘活，不计完成率"}

#: Numbers as the map shows them: thousands grouped, trailing zeros dropped.
_panel_number = functools.partial(format_number, thousands=True)


@dataclass(frozen=True)
class PanelRow:
    label: str
    value: str


def _pct(current: Any, target: Any, key: str = "") -> str:
    if key in _NOT_THE_TARGET:
        return f"（{_NOT_THE_TARGET[key]}）"
    if isinstance(current, Number) and isinstance(target, Number) and float(target):
        # rounded down: 30.9 of 31 is 99 %, never 「完成 100%」 short of the target
        return f"（完成 {percent_reached(float(current), float(target))}%）"
    return ""


def manifest_rows(district: Mapping[str, Any], *, redact: bool) -> list[PanelRow]:
    """Rows for ``manifest["summary"]["district"]``, pairing each value with its target.

    Accepts ``{"x": 1, "target_x": 2}``, ``{"x": 1, "x_target": 2}`` and
    ``{"x": {"current": 1, "target": 2}}``; unknown keys are shown under their own name. A pair
    with ``target_derived`` (a target the project derived) is marked 项目推算，非文件数值.
    ``redact`` keeps every row: these are district aggregates and public targets (redaction
    hides identities, not policy). The 治理清单 area is never given a 完成 share of the 盘活
    target; ``revitalized_area_mu`` (a ledger's 已盘活面积) is.
    """
    del redact  # the district figures are aggregates: nothing here identifies an enterprise
    rows: list[PanelRow] = []
    used: set[str] = set(_FROM_LAYERS)
    for key, value in district.items():
        if key in used:
            continue
        if str(key).endswith("_year") and isinstance(value, Number):
            rows.append(PanelRow(_KEY_LABELS.get(str(key), str(key)), f"{int(float(value))} 年"))
            continue
        label = _KEY_LABELS.get(str(key), str(key))
        if isinstance(value, Mapping):
            cur, tgt = value.get("current"), value.get("target")
            # a target the project derived (「翻番」 on an assumed base) is not the document's
            basis = _DERIVED if value.get("target_derived") else ""
            if cur is not None and isinstance(tgt, Number) and not isinstance(tgt, bool):
                target = "盘活目标" if key in _RENEWAL_KEYS else "目标"
                rows.append(
                    PanelRow(
                        label,
                        f"{_panel_number(cur)} / {target} {_panel_number(tgt)}{basis}"
                        f"{_pct(cur, tgt, str(key))}",
                    )
                )
            elif cur is not None:
                rows.append(PanelRow(label, f"{_panel_number(cur)}（{tgt or NO_TARGET}）"))
            continue
        target_key = next(
            (f"{a}{key}{b}" for a, b in _TARGET_AFFIXES if f"{a}{key}{b}" in district), None
        )
        if str(key).startswith("target_") or str(key).endswith("_target"):
            base = str(key).removeprefix("target_").removesuffix("_target")
            if base in district:
                continue  # shown with its value
        if target_key is not None:
            used.add(target_key)
            tgt = district[target_key]
            rows.append(
                PanelRow(
                    label,
                    f"{_panel_number(value)} / 目标 {_panel_number(tgt)}"
                    f"{_pct(value, tgt, str(key))}",
                )
            )
        else:
            rows.append(PanelRow(label, _panel_number(value)))
    return rows


def _area(frame: pd.DataFrame, mask: Any = None) -> float:
    col = pd.to_numeric(frame["area_mu"], errors="coerce") if "area_mu" in frame else None
    if col is None:
        return float("nan")
    return float(col[mask].sum() if mask is not None else col.sum())


def district_rows(
    parcels: pd.DataFrame,
    *,
    blocks: pd.DataFrame | None,
    far: pd.DataFrame | None,
    enterprises: pd.DataFrame | None = None,
    applications: pd.DataFrame | None = None,
) -> list[PanelRow]:
    """Totals computed from the run's layers (counts in 宗/家/件 and areas; never money).

    Every count comes from :mod:`landgov.core.counts`; 评价等级 counts enterprises (家) and is
    left out without the enterprise table rather than counted over plots.
    """
    rows = [
        PanelRow("宗地", f"{len(parcels):,} {PLOT}，{_panel_number(_area(parcels), digits=1)} 亩")
    ]
    status = screening_counts(parcels) if "screening_status" in parcels else {}
    if status:
        gov = parcels["screening_status"].astype(object).eq("治理").to_numpy()
        area = _panel_number(_area(parcels, gov), digits=1)
        rows.append(PanelRow("治理清单", f"{status.get('治理', 0):,} {PLOT}，{area} 亩"))
        if status.get("待核实"):
            rows.append(PanelRow("筛查待核实", f"{status['待核实']:,} {PLOT}"))
    if "path" in parcels:
        path = parcels["path"].astype(object)
        for p, n in path_counts(parcels).items():
            if n and p in set(path):
                area = _panel_number(_area(parcels, path.eq(p).to_numpy()), digits=1)
                rows.append(PanelRow(p, f"{n:,} {PLOT}，{area} 亩"))
    grades = grade_counts(enterprises)
    if grades:
        rows.append(PanelRow(f"评价等级（企业，{ENTERPRISE}）", count_text(grades, ENTERPRISE)))
    if blocks is not None and len(blocks):
        flags = pd.Series(blocks.get("large", []), dtype="object").tolist()
        large = sum(not is_missing(v) and bool(v) for v in flags)
        unknown = sum(is_missing(v) for v in flags)  # a plot of unknown area: not known
        text = f"{len(blocks):,} 片，其中百亩以上 {large} 片"
        rows.append(PanelRow("连片地块", text + (f"，面积待核实 {unknown} 片" if unknown else "")))
    if far is not None and "zengrong" in far:
        rows += _far_rows(far, applications)
    return rows


def _far_rows(far: pd.DataFrame, applications: pd.DataFrame | None) -> list[PanelRow]:
    verdicts = zengrong_counts(far)
    room = pd.to_numeric(far["headroom_m2"], errors="coerce") if "headroom_m2" in far else None
    rows = [PanelRow("增容摸排（宗地）", count_text(verdicts, PLOT))]
    cand = candidate_counts(far, applications)
    text = f"{cand.total:,} {PLOT}"
    if cand.applied:
        text += (
            f"（其中 {cand.applied:,} {PLOT}已有申请；"
            f"增容审查表列摸排候选 {cand.in_packet:,} {PLOT}）"
        )
    if room is not None:
        ok = far["zengrong"].astype(object).ne("不可申报").to_numpy()
        text += f"，增容空间 {_panel_number(float(room[ok].sum()), digits=0)} 平方米"
        text += _total_mark(far[ok & room.notna().to_numpy()])
    rows.append(PanelRow("增容候选（不含不可申报）", text))
    if applications is not None:
        apps = application_counts(applications)
        rows.append(PanelRow(f"增容申请（{APPLICATION}）", count_text(apps, APPLICATION)))
    return rows


def _total_mark(far: pd.DataFrame) -> str:
    """What a total of 可增建筑面积 rests on: 「（按高度估算）」 when every plot it adds rests on a
    floor area estimated from heights (:func:`landgov.far.ratio.estimate_mark`, the mark each
    of those plots carries in its popup), 「（其中 3 宗按高度估算）」 when some do (a sum with
    an estimate in it is partly one, and the reader learns how much), nothing when none."""
    sources = far["far_source"].tolist() if "far_source" in far else []
    marks = [m for s in sources if (m := estimate_mark(s))]
    if not marks:
        return ""
    if len(marks) == len(sources):
        return marks[0]
    return f"（其中 {len(marks):,} {PLOT}{ESTIMATE_WORDS}）"
