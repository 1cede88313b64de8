"""The district panel: totals computed from the layers, and targets read from the manifest."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Number
from typing import Any

import numpy as np
import pandas as pd

from landgov.core.columns import label
from landgov.core.missing import format_number
from landgov.maps._redact import is_money_key
from landgov.maps._themes import PATHS

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
    "revitalized_area_mu": "已盘活面积（亩）",
    "revitalize_target_mu": "盘活目标（亩）",
    "renewal_target_mu": "盘活目标（亩）",
    "area_mu": "工业用地面积（亩）",
    "target_year": "目标年份",
}
_TARGET_AFFIXES = (("target_", ""), ("", "_target"))
_DERIVED = "（项目推算，非文件数值）"

#: Numbers as the map shows them: thousands grouped, trailing zeros dropped.
_panel_number = functools.partial(format_number, thousands=True)


@dataclass(frozen=True)
class PanelRow:
    label: str
    value: str


def _pct(current: Any, target: Any) -> str:
    if isinstance(current, Number) and isinstance(target, Number) and float(target):
        return f"（完成 {100.0 * float(current) / float(target):.0f}%）"
    return ""


def manifest_rows(district: Mapping[str, Any], *, redact: bool) -> list[PanelRow]:
    """Rows for ``manifest["summary"]["district"]``, pairing each value with its target.

    Accepts ``{"x": 1, "target_x": 2}``, ``{"x": 1, "x_target": 2}`` and
    ``{"x": {"current": 1, "target": 2}}``; unknown keys are shown under their own name. A pair
    with ``target_derived`` (a target the project derived) is marked 项目推算，非文件数值.
    Money keys are skipped when ``redact``.
    """
    rows: list[PanelRow] = []
    used: set[str] = set()
    for key, value in district.items():
        if key in used or (redact and is_money_key(str(key))):
            continue
        label = _KEY_LABELS.get(str(key), str(key))
        if isinstance(value, Mapping):
            cur, tgt = value.get("current"), value.get("target")
            # a target the project derived (「翻番」 on an assumed base) is not the document's
            basis = _DERIVED if value.get("target_derived") else ""
            if cur is not None and isinstance(tgt, Number) and not isinstance(tgt, bool):
                rows.append(
                    PanelRow(
                        label,
                        f"{_panel_number(cur)} / 目标 {_panel_number(tgt)}{basis}{_pct(cur, tgt)}",
                    )
                )
            elif cur is not None:
                rows.append(PanelRow(label, f"{_panel_number(cur)}（{tgt or '无目标'}）"))
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
                    label, f"{_panel_number(value)} / 目标 {_panel_number(tgt)}{_pct(value, tgt)}"
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
    parcels: pd.DataFrame, *, blocks: pd.DataFrame | None, far: pd.DataFrame | None
) -> list[PanelRow]:
    """Totals computed from the run's layers (counts, areas; never money)."""
    rows = [PanelRow("宗地", f"{len(parcels):,} 宗，{_panel_number(_area(parcels), digits=1)} 亩")]
    if "screening_status" in parcels:
        gov = parcels["screening_status"].astype(object).eq("治理").to_numpy()
        rows.append(
            PanelRow(
                "治理清单",
                f"{int(gov.sum()):,} 宗，{_panel_number(_area(parcels, gov), digits=1)} 亩",
            )
        )
        unk = parcels["screening_status"].astype(object).eq("待核实").to_numpy()
        if unk.any():
            rows.append(PanelRow("筛查待核实", f"{int(unk.sum()):,} 宗"))
    if "path" in parcels:
        path = parcels["path"].astype(object)
        for p in PATHS:
            mask = path.eq(p).to_numpy()
            if mask.any():
                area = _panel_number(_area(parcels, mask), digits=1)
                rows.append(PanelRow(p, f"{int(mask.sum()):,} 宗，{area} 亩"))
    if "grade" in parcels:
        counts = parcels["grade"].astype(object).value_counts()
        text = "，".join(f"{g} {int(counts.get(g, 0))}" for g in ("A", "B", "C", "D"))
        rows.append(PanelRow("评价等级（宗）", text))
    if blocks is not None and len(blocks):
        large = int(np.asarray(blocks["large"], dtype=bool).sum()) if "large" in blocks else 0
        rows.append(PanelRow("连片地块", f"{len(blocks):,} 片，其中百亩以上 {large} 片"))
    if far is not None and "zengrong" in far:
        ok = far["zengrong"].astype(object).eq("可申报")
        room = pd.to_numeric(far.get("headroom_m2"), errors="coerce")
        extra = (
            f"，可增建筑面积 {_panel_number(float(room[ok].sum()), digits=0)} m²"
            if room is not None
            else ""
        )
        rows.append(PanelRow("增容可申报", f"{int(ok.sum()):,} 宗{extra}"))
        pending = far["zengrong"].astype(object).eq("待核实")
        if pending.any():
            room_p = (
                ""
                if room is None
                else f"，增容空间 {_panel_number(float(room[pending].sum()), digits=0)} m²"
            )
            rows.append(PanelRow("增容待核实（摸排候选）", f"{int(pending.sum()):,} 宗{room_p}"))
    return rows
