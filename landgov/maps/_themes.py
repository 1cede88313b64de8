"""Parcel themes: one class per parcel and a Chinese legend, shared by the web and print maps."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mapclassify
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex, to_rgb
from numpy.typing import NDArray

from landgov.core.columns import label as column_label
from landgov.core.compare import measured
from landgov.core.missing import format_number, present_values
from landgov.core.vocab import Grade, TreatmentPath
from landgov.maps.style import THEMES, MapStyle

__all__ = [
    "LegendItem",
    "Theme",
    "build_themes",
    "manifest_tax_classes",
    "manifest_threshold",
    "run_themes",
]

PATHS = tuple(p.value for p in TreatmentPath)
GRADES = tuple(g.value for g in Grade)
_GRADE_LABELS = {g.value: f"{g.value} 类（{g.label}）" for g in Grade}

#: Numbers as the map shows them: thousands grouped, trailing zeros dropped.
_legend_number = functools.partial(format_number, thousands=True)


@dataclass(frozen=True)
class LegendItem:
    """One legend entry; ``back`` marks the neutral class drawn underneath the others."""

    label: str
    color: str
    count: int
    back: bool = False


@dataclass(frozen=True)
class Theme:
    """A parcel theme: ``classes[i]`` indexes ``legend`` for parcel ``i``."""

    key: str
    label: str
    legend_title: str
    classes: NDArray[np.uint8]
    legend: tuple[LegendItem, ...]

    def colors(self) -> list[str]:
        """Fill colour of every parcel, in parcel order."""
        palette = np.array([item.color for item in self.legend], dtype=object)
        return palette[self.classes].tolist()


def _text(series: pd.Series) -> NDArray[np.object_]:
    """Stripped texts, ``""`` for a missing value as every stage reads it (core.missing): a path
    of 「—」 is no path (its plot is classed by its status), never a legend class of its own."""
    values = present_values(series)
    return np.array(["" if v is None else str(v).strip() for v in values], dtype=object)


def _finish(
    key: str, legend_title: str, codes: NDArray[np.int64], entries: list[tuple[str, str, bool]]
) -> Theme:
    counts = np.bincount(codes, minlength=len(entries))
    legend = tuple(
        LegendItem(label, color, int(counts[i]), back)
        for i, (label, color, back) in enumerate(entries)
    )
    return Theme(key, THEMES[key], legend_title, codes.astype(np.uint8), legend)


def _nice(x: float) -> float:
    return float(f"{x:.2g}") if x else 0.0


def tax_breaks(values: pd.Series, style: MapStyle, threshold: float | None) -> list[float]:
    """Upper class bounds for 亩均税收: the style's, else a mapclassify scheme, plus threshold."""
    if style.tax_breaks is not None:
        breaks = list(style.tax_breaks)
    else:
        v = pd.to_numeric(values, errors="coerce").dropna()
        v = v[np.isfinite(v)]
        k = min(style.tax_classes, int(v.nunique()))
        breaks = []
        if k >= 2:
            scheme = mapclassify.classify(v.to_numpy(), scheme=style.tax_scheme, k=k)
            breaks = [_nice(b) for b in np.asarray(scheme.bins)[:-1]]
    if threshold is not None:
        breaks.append(float(threshold))
    return sorted(set(breaks))


def _tax_labels(
    breaks: list[float], meanings: Mapping[float, str], *, strict: bool = False
) -> list[str]:
    """``≤ 5（低效线及以下）``, ``5 – 20.8（至 2021 年全区规上水平）``, ``> 41.6（高于 …）``;
    ``strict`` (a break belongs to the class above it): ``< 5（低于低效线）`` … ``≥ 41.6``."""
    if not breaks:
        return ["有数据"]

    def say(text: str, value: float, form: str) -> str:
        what = meanings.get(value)
        if what and what[0].isdigit() and not form.startswith("{"):
            what = f" {what}"  # 「至 2021 年…」
        return f"{text}（{form.format(what)}）" if what else text

    first, last = breaks[0], breaks[-1]
    below, above = ("<", "≥") if strict else ("≤", ">")
    labels = [say(f"{below} {_legend_number(first)}", first, "低于{}" if strict else "{}及以下")]
    labels += [
        say(f"{_legend_number(a)} – {_legend_number(b)}", b, "至{}")
        for a, b in itertools.pairwise(breaks)
    ]
    labels.append(say(f"{above} {_legend_number(last)}", last, "{}及以上" if strict else "高于{}"))
    return labels


def tax_theme(
    frame: pd.DataFrame,
    style: MapStyle,
    threshold: float | None,
    *,
    classes: Sequence[Mapping[str, Any]] | None = None,
    strict: bool = False,
) -> Theme:
    """亩均税收 classes at the profile's values (``classes``: ``{"value", "label"}`` items).

    Explicit ``style.tax_breaks`` win; without either, the style's mapclassify scheme is the
    fallback. A value equal to a break falls in the lower class (the low-efficiency line is
    「以下，含本数」, ``comparison = "<="``), or in the upper one with ``strict`` (a profile whose
    line is ``comparison = "<"``, 「低于」: a plot at the line is not low efficiency). Values
    are classed as the screening compares them, rounded to
    :data:`~landgov.core.compare.MEASURED_DIGITS` (:func:`~landgov.core.compare.measured`): 50
    万元 on a plot of 9.99999999999 亩 is 5.0000000001 万元/亩 as stored, 5 as screened, low
    efficiency in both the 底数清单 and the map.
    """
    values = pd.to_numeric(frame.get("tax_per_mu"), errors="coerce")
    if values is None:
        values = pd.Series(np.nan, index=frame.index)
    values = measured(values.astype(float))
    meanings: dict[float, str] = {}
    if style.tax_breaks is None and classes:
        meanings = {float(c["value"]): str(c.get("label") or "") for c in classes}
        breaks = sorted({*meanings, *([float(threshold)] if threshold is not None else [])})
        if threshold is not None:
            meanings.setdefault(float(threshold), "低效线")
    else:
        breaks = tax_breaks(values, style, threshold)
        if threshold is not None:
            meanings[float(threshold)] = "低效线"
    k = len(breaks) + 1
    cmap = colormaps[style.tax_cmap]
    colors = [to_hex(cmap(x)) for x in np.linspace(0.05, 0.95, k)]
    labels = _tax_labels(breaks, meanings, strict=strict)
    vals = values.to_numpy(dtype=float)
    finite = np.isfinite(vals)
    codes = np.full(vals.shape[0], k, dtype=np.int64)
    side = "right" if strict else "left"
    codes[finite] = np.searchsorted(np.asarray(breaks), vals[finite], side=side)
    entries = [(lab, col, False) for lab, col in zip(labels, colors, strict=True)]
    entries.append(("无数据", style.no_data_color, False))
    title = "亩均税收（万元/亩）"
    if threshold is not None:
        title += f"，低效线 {_legend_number(threshold)}"
    return _finish("tax", title, codes, entries)


def grade_theme(frame: pd.DataFrame, style: MapStyle) -> Theme:
    grades = _text(frame["grade"]) if "grade" in frame else np.full(len(frame), "", dtype=object)
    lookup = {g: i for i, g in enumerate(GRADES)}
    codes = np.array([lookup.get(g.upper(), len(GRADES)) for g in grades], dtype=np.int64)
    entries = [
        (_GRADE_LABELS[g], style.grade_colors.get(g, style.no_data_color), False) for g in GRADES
    ]
    entries.append(("未评价 / 无等级", style.no_data_color, False))
    return _finish("grade", "亩均评价等级", codes, entries)


def path_theme(frame: pd.DataFrame, style: MapStyle) -> Theme:
    n = len(frame)
    path = _text(frame["path"]) if "path" in frame else np.full(n, "", dtype=object)
    status = (
        _text(frame["screening_status"])
        if "screening_status" in frame
        else np.full(n, "", dtype=object)
    )
    labels = list(PATHS) + sorted({p for p in path if p and p not in PATHS})
    lookup = {p: i for i, p in enumerate(labels)}
    pending, unknown, out = len(labels), len(labels) + 1, len(labels) + 2
    codes = np.full(n, out, dtype=np.int64)
    for i in range(n):
        if path[i]:
            codes[i] = lookup[path[i]]
        elif status[i] == "治理":
            codes[i] = pending
        elif status[i] == "待核实":
            codes[i] = unknown
    entries = [(p, style.path_colors.get(p, style.no_data_color), False) for p in labels]
    entries += [
        ("治理清单·路径待核实", style.pending_color, False),
        ("筛查待核实", "#fff3b0", False),
        ("不列入治理清单", style.background_color, True),
    ]
    return _finish("path", column_label("path"), codes, entries)


def _shade(color: str, strength: float) -> str:
    rgb = np.asarray(to_rgb(color))
    return to_hex(1.0 - strength * (1.0 - rgb))


def far_theme(frame: pd.DataFrame, style: MapStyle) -> Theme:
    verdict = _text(frame["zengrong"])
    headroom = pd.to_numeric(frame.get("headroom_m2"), errors="coerce").to_numpy(dtype=float)
    ok = verdict == "可申报"
    h = headroom[ok & np.isfinite(headroom)]
    k = max(1, min(style.headroom_classes, len(np.unique(h))))
    edges = list(np.quantile(h, np.linspace(0, 1, k + 1))[1:-1]) if k > 1 else []
    edges = sorted({round(e, -2) for e in edges if e > 0})
    k = len(edges) + 1
    base = style.zengrong_colors["可申报"]
    entries: list[tuple[str, str, bool]] = []
    bounds = [0.0, *edges]
    for j in range(k):
        label = "可申报"
        if k > 1:
            rng = (
                f"≥ {bounds[j]:,.0f}" if j == k - 1 else f"{bounds[j]:,.0f} – {bounds[j + 1]:,.0f}"
            )
            label = f"可申报，可增 {rng} 平方米"
        entries.append((label, _shade(base, 0.45 + 0.55 * (j + 1) / k), False))
    codes = np.full(len(frame), k + 3, dtype=np.int64)
    hv = np.where(np.isfinite(headroom), headroom, 0.0)
    codes[ok] = np.searchsorted(np.asarray(edges), hv[ok], side="right")
    codes[verdict == "不可申报"] = k
    codes[verdict == "待核实"] = k + 1
    codes[verdict == "待承诺"] = k + 2
    entries += [
        ("不可申报", style.zengrong_colors["不可申报"], False),
        ("待核实", style.zengrong_colors["待核实"], False),
        ("待承诺", style.pending_color, False),
        ("未评估", style.background_color, True),
    ]
    return _finish("far", "增容评估（至容积率上限）", codes, entries)  # cap: the profile's


def build_themes(
    frame: pd.DataFrame,
    style: MapStyle,
    *,
    with_tax: bool,
    threshold: float | None,
    tax_classes: Sequence[Mapping[str, Any]] | None = None,
    strict: bool = False,
) -> dict[str, Theme]:
    """Every theme the data supports, in :data:`THEMES` order (``strict``: see
    :func:`tax_theme`).

    ``tax`` only when ``with_tax`` (not on redacted maps) and the column exists, classed at
    ``tax_classes`` (the profile's 亩均税收 values, see :func:`landgov.summary.tax_class_breaks`);
    ``far`` only when the 增容 layer was joined (column ``zengrong``).
    """
    out: dict[str, Theme] = {}
    if with_tax and "tax_per_mu" in frame:
        out["tax"] = tax_theme(frame, style, threshold, classes=tax_classes, strict=strict)
    out["grade"] = grade_theme(frame, style)
    out["path"] = path_theme(frame, style)
    if "zengrong" in frame:
        out["far"] = far_theme(frame, style)
    from landgov.maps._progress import change_theme, progress_theme  # (it imports this module)

    if "ledger_status" in frame:
        out["progress"] = progress_theme(frame, style)
    if "change_class" in frame:
        out["change"] = change_theme(frame, style)
    return out


def manifest_threshold(manifest: Mapping[str, Any]) -> float | None:
    """Low-efficiency 亩均税收 threshold (万元/亩), if the run recorded it."""
    for section in ("thresholds", "screening"):
        sec = manifest.get(section)
        if isinstance(sec, Mapping):
            value = sec.get("low_efficiency_tax_per_mu")
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
    return None


def manifest_strict_line(manifest: Mapping[str, Any]) -> bool:
    """Whether the run's low-efficiency line excludes its value (``comparison = "<"``,
    「低于」); runs that did not record it compared 「以下」 (``<=``)."""
    sec = manifest.get("thresholds")
    return isinstance(sec, Mapping) and sec.get("low_efficiency_comparison") == "<"


def manifest_tax_classes(manifest: Mapping[str, Any]) -> list[Mapping[str, Any]] | None:
    """The profile's 亩均税收 values the run recorded, else those of its named profile."""
    sec = manifest.get("thresholds")
    given = sec.get("tax_per_mu_classes") if isinstance(sec, Mapping) else None
    if isinstance(given, list) and all(isinstance(c, Mapping) and "value" in c for c in given):
        return given
    prof = manifest.get("profile")
    name = prof.get("name") if isinstance(prof, Mapping) else prof
    if not isinstance(name, str) or not name:
        return None
    from landgov.errors import LandgovError
    from landgov.policy import load_profile
    from landgov.summary import tax_class_breaks

    try:
        return tax_class_breaks(load_profile(name))
    except (LandgovError, OSError, ValueError):
        return None  # a profile this installation does not ship: mapclassify classes


def run_themes(
    frame: pd.DataFrame, style: MapStyle, manifest: Mapping[str, Any], *, with_tax: bool
) -> dict[str, Theme]:
    """:func:`build_themes` at the run's own 亩均税收 values (its low-efficiency line and the
    profile's classes, :func:`manifest_threshold`, :func:`manifest_tax_classes`).

    Every map of a run (the briefing page, the print map, the tiled map, :func:`folium_map
    <landgov.maps.folium_map.folium_map>`) colours a plot's 亩均税收 through this one call, so
    one plot sits in one class with one legend on each of them.
    """
    return build_themes(
        frame,
        style,
        with_tax=with_tax,
        threshold=manifest_threshold(manifest),
        tax_classes=manifest_tax_classes(manifest),
        strict=manifest_strict_line(manifest),
    )
