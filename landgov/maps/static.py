"""Print maps (PNG/PDF) on A4/A3 paper: title, legend, numeric and graphic scale, north arrow,
镇街 labels, an optional per-镇街 table, the CRS in words, data date, 制图单位 and 制图日期.

Drawn with matplotlib in the run's projected CRS (metres) at a round numeric scale, so the scale
bar and 1:N are true on paper (:mod:`landgov.maps._print`). Chinese
text uses an installed CJK font when there is one and the bundled subset of Noto Sans CJK SC
otherwise (:mod:`landgov.maps._fonts`); characters no font has are named in a warning.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from landgov.core.atomic import written_whole
from landgov.core.counts import path_counts, screening_counts
from landgov.core.vocab import DISTRICT
from landgov.errors import DataFileError, InputError, os_error_message
from landgov.maps._fonts import (
    MissingGlyphWarning,
    cjk_fonts,
    find_cjk_font,
    warn_missing_glyphs,
)
from landgov.maps._prepare import Prepared, prepare, township_summary
from landgov.maps._print import (
    MM_PER_INCH,
    PrintLayout,
    crs_text,
    footer_lines,
    nice_scale,
    policy_text,
)
from landgov.maps._run import RunData, load_run
from landgov.maps._themes import PATHS, Theme, run_themes
from landgov.maps._title import map_title
from landgov.maps.style import DEFAULT_STYLE, THEMES, MapStyle

__all__ = ["MissingGlyphWarning", "PrintLayout", "find_cjk_font", "render_static"]

FORMATS = ("png", "pdf")


def _nice_length(span_m: float) -> float:
    raw = span_m / 5.0
    exp = 10 ** math.floor(math.log10(raw))
    return max(m * exp for m in (1, 2, 5) if m * exp <= raw)


def _scale_bar(ax: Axes, font: list[str], scale: int) -> None:
    """Graphic scale (4 alternating cells) and the numeric scale 1:N, lower left of the frame."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    left, base, height = x0 + 0.03 * (x1 - x0), y0 + 0.035 * (y1 - y0), 0.008 * (y1 - y0)
    ax.add_patch(
        Rectangle(
            (left - 0.01 * (x1 - x0), base - 0.012 * (y1 - y0)),
            length + 0.05 * (x1 - x0),
            0.075 * (y1 - y0),
            facecolor="white",
            edgecolor="none",
            alpha=0.8,
            zorder=9,
        )
    )
    for k in range(4):
        ax.add_patch(
            Rectangle(
                (left + k * length / 4, base),
                length / 4,
                height,
                facecolor="black" if k % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.6,
                zorder=10,
            )
        )
    label = f"{length / 1000:g} 千米" if length >= 1000 else f"{length:g} 米"
    for pos, text in ((left, "0"), (left + length, label)):
        ax.text(
            pos,
            base + 2.2 * height,
            text,
            ha="center",
            va="bottom",
            fontsize=7,
            fontfamily=font,
            zorder=10,
        )
    ax.text(
        left,
        base + 5.2 * height,
        f"比例尺 1:{scale:,}",
        ha="left",
        va="bottom",
        fontsize=8,
        fontfamily=font,
        zorder=10,
    )


def _north_arrow(ax: Axes, font: list[str]) -> None:
    ax.annotate(
        "北",
        xy=(0.955, 0.95),
        xytext=(0.955, 0.86),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontfamily=font,
        arrowprops={"facecolor": "black", "width": 4, "headwidth": 11, "headlength": 10},
        zorder=10,
    )


def _drawn(frame: Any) -> Any:
    return frame[frame.geometry.notna() & ~frame.geometry.is_empty]


def _draw(ax: Axes, prep: Prepared, theme: Theme, style: MapStyle, font: list[str]) -> list[Any]:
    """Draw every layer and return one legend handle per style drawn (same colour and line)."""
    parcels = prep.parcels_all
    has_geom = parcels.geometry.notna() & ~parcels.geometry.is_empty
    colors = [c for c, ok in zip(theme.colors(), has_geom, strict=True) if ok]
    parcels[has_geom].plot(ax=ax, color=colors, edgecolor=style.outline_color, linewidth=0.15)
    drawn_counts = np.bincount(theme.classes[has_geom.to_numpy()], minlength=len(theme.legend))
    handles: list[Any] = [
        Patch(
            facecolor=i.color,
            edgecolor=style.outline_color,
            linewidth=0.4,
            label=f"{i.label}（{i.count:,} 宗）",
        )
        for i, n in zip(theme.legend, drawn_counts, strict=True)
        if n
    ]
    if prep.blocks is not None and len(_drawn(prep.blocks)):
        _drawn(prep.blocks).boundary.plot(ax=ax, color=style.block_color, linewidth=1.2)
        handles.append(Line2D([], [], color=style.block_color, linewidth=1.2, label="连片低效地块"))
    approved = prep.approved
    if approved is not None and len(_drawn(approved)):
        drawn = _drawn(approved)
        drawn.plot(ax=ax, facecolor=style.approved_color, alpha=0.3, edgecolor="none")
        drawn.boundary.plot(ax=ax, color=style.approved_color, linewidth=0.9, linestyle=":")
        handles.append(
            Patch(
                facecolor=to_rgba(style.approved_color, 0.3),
                edgecolor=style.approved_color,
                linestyle=":",
                label=f"批而未供（{len(approved)} 批次，不列入治理清单）",
            )
        )
    handles += _draw_applications(ax, prep, style)
    towns = prep.townships
    if towns is not None and len(_drawn(towns)):
        _drawn(towns).boundary.plot(
            ax=ax, color=style.township_color, linewidth=0.8, linestyle="--"
        )
        handles.append(
            Line2D(
                [], [], color=style.township_color, linewidth=0.8, linestyle="--", label="镇街边界"
            )
        )
        _township_labels(ax, _drawn(towns), style, font)
    return handles


def _draw_applications(ax: Axes, prep: Prepared, style: MapStyle) -> list[Any]:
    apps = prep.applications
    if apps is None or not len(_drawn(apps)) or "zengrong" not in apps:
        return []
    drawn = _drawn(apps)
    handles: list[Any] = []
    verdict = drawn["zengrong"].astype(object)
    for v in ("可申报", "不可申报", "待核实"):
        part = drawn[verdict.eq(v).to_numpy()]
        if not len(part):
            continue
        color = style.zengrong_colors[v]
        part.plot(ax=ax, facecolor=color, edgecolor="#1d2b4f", linewidth=1.4, zorder=5)
        handles.append(
            Patch(
                facecolor=color,
                edgecolor="#1d2b4f",
                linewidth=1.4,
                label=f"增容申请·{v}（{len(part)} 件）",
            )
        )
    return handles


def _township_labels(ax: Axes, towns: Any, style: MapStyle, font: list[str]) -> None:
    if "township" not in towns:
        return
    for pt, name in zip(towns.geometry.representative_point(), towns["township"], strict=True):
        if isinstance(name, str) and pt is not None and not pt.is_empty:
            ax.text(
                pt.x,
                pt.y,
                name,
                ha="center",
                va="center",
                fontsize=10,
                fontfamily=font,
                fontweight="bold",
                color=style.township_color,
                zorder=9,
                bbox={"facecolor": "white", "alpha": 0.6, "edgecolor": "none", "pad": 1},
            )


_FOOTER_PT = 7.5
_FOOTER_LEFT_MM = 10.0


def _footer(prep: Prepared, layout: PrintLayout, crs: Any, scale: int) -> list[str]:
    """The footer lines: scale, CRS, dates, policy, data sources, 制图单位, paper and the
    redaction note, packed to the page width (:func:`~landgov.maps._print.footer_lines`)."""
    items = [f"比例尺 1:{scale:,}", f"坐标系：{crs_text(crs)}"]
    if prep.data_date:
        items.append(f"数据日期：{prep.data_date}")
    policy = policy_text(prep.manifest) or prep.profile_label
    if policy:
        items.append(f"政策口径：{policy}")
    if prep.source:
        items.append(prep.source)
    if layout.organisation:
        items.append(f"制图单位：{layout.organisation}")
    items.append(f"制图日期：{layout.date_text()}")
    items.append(f"纸张：{layout.label}")
    if prep.redaction_note:
        items.append(prep.redaction_note)
    width = layout.size_mm[0] - 2 * _FOOTER_LEFT_MM
    return footer_lines(items, width_mm=width, size_pt=_FOOTER_PT)


def _frames(layout: PrintLayout) -> tuple[list[float], list[float]]:
    """Map frame and side/bottom panel as [left, bottom, width, height] figure fractions."""
    w, h = layout.size_mm
    margin, top, bottom = 10.0, 20.0, 16.0
    side = 88.0 if layout.paper == "A3" else 68.0
    if layout.orientation == "landscape":
        frame = [margin, bottom, w - 2 * margin - side - 4, h - top - bottom]
        panel = [w - margin - side, bottom, side, h - top - bottom]
    else:
        below = 110.0 if layout.paper == "A3" else 80.0
        frame = [margin, bottom + below + 4, w - 2 * margin, h - top - bottom - below - 4]
        panel = [margin, bottom, w - 2 * margin, below]

    def frac(box: list[float]) -> list[float]:
        return [box[0] / w, box[1] / h, box[2] / w, box[3] / h]

    return frac(frame), frac(panel)


def _extent(ax: Axes, prep: Prepared, layout: PrintLayout, fig: Figure) -> int:
    """Set the frame's extent at a round numeric scale; returns the scale denominator."""
    frames = [prep.parcels_all, prep.townships, prep.approved]
    boxes = [f.total_bounds for f in frames if f is not None and len(_drawn(f))]
    b = np.vstack(boxes)
    x0, y0, x1, y1 = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    pos = ax.get_position()
    w_m = pos.width * fig.get_figwidth() * MM_PER_INCH / 1000.0  # frame on paper, metres
    h_m = pos.height * fig.get_figheight() * MM_PER_INCH / 1000.0
    needed = max((x1 - x0) * 1.02 / w_m, (y1 - y0) * 1.02 / h_m)
    scale = int(layout.scale) if layout.scale else nice_scale(needed)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - w_m * scale / 2, cx + w_m * scale / 2)
    ax.set_ylim(cy - h_m * scale / 2, cy + h_m * scale / 2)
    return scale


def _table_rows(prep: Prepared) -> tuple[list[str], list[list[str]]]:
    """Per-镇街 rows (宗地, 治理清单 宗/亩, 四个一批) and 全区, counted as the panel counts."""
    towns = township_summary(prep.parcels_all)
    header = ["镇街", "宗地", "治理\n清单", "治理\n面积", *(f"{p[:2]}\n{p[2:]}" for p in PATHS)]
    rows = []
    for _, r in towns.iterrows():
        rows.append(
            [
                str(r["township"]),
                f"{int(r['n_parcels']):,}",
                f"{int(r['n_governance']):,}",
                f"{float(r['governance_area_mu']):,.1f}",
                *(f"{int(r[f'n_{p}']):,}" for p in PATHS),
            ]
        )
    total = path_counts(prep.parcels_all)
    status = screening_counts(prep.parcels_all)
    gov = (
        prep.parcels_all["screening_status"].astype(object).eq("治理")
        if ("screening_status" in prep.parcels_all)
        else None
    )
    area = pd.to_numeric(prep.parcels_all.get("area_mu"), errors="coerce")
    gov_area = float(area[gov].sum()) if gov is not None and area is not None else 0.0
    rows.append(
        [
            DISTRICT,
            f"{len(prep.parcels_all):,}",
            f"{status.get('治理', 0):,}",
            f"{gov_area:,.1f}",
            *(f"{total.get(p, 0):,}" for p in PATHS),
        ]
    )
    return header, rows


def _panel(
    fig: Figure, box: list[float], handles: list[Any], *, title: str, table: Any, page: PrintLayout
) -> None:
    """The legend (every style drawn) and, when asked, the per-镇街 table below or beside it."""
    side = fig.add_axes(box)
    side.set_axis_off()
    big = page.paper == "A3"
    portrait = page.orientation == "portrait"
    side.legend(
        handles=handles,
        title=title,
        loc="upper left",
        fontsize=8.5 if big else 7.5,
        title_fontsize=10 if big else 8.5,
        frameon=True,
        framealpha=1.0,
        borderaxespad=0,
    )
    if table is None:
        return
    header, rows = table
    panel_h_mm = box[3] * page.size_mm[1]
    row_mm = 6.5 if big else 5.0
    height = min(1.0 if portrait else 0.55, (len(rows) + 2) * row_mm / panel_h_mm)
    where = [0.45, 1.0 - height, 0.55, height] if portrait else [0.0, 0.0, 1.0, height]
    side.text(
        where[0],
        where[1] + where[3] + 0.005,
        "各镇街统计（单位：宗；治理面积：亩）",
        transform=side.transAxes,
        fontsize=8 if big else 6.5,
        va="bottom",
        ha="left",
    )
    widths = [1.5, 1.0, 1.0, 1.45, 1.0, 1.0, 1.0, 1.0]
    tab = side.table(
        cellText=rows, colLabels=header, bbox=where, cellLoc="center", colWidths=widths
    )
    tab.auto_set_font_size(False)
    tab.set_fontsize(7.5 if big else 6)
    for (r, _), cell in tab.get_celld().items():
        cell.set_linewidth(0.4)
        if r == 0:
            cell.set_height(cell.get_height() * 1.8)
        if r == 0 or r == len(rows):
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#eef1f7")


def render_static(
    run: RunData | str | Path,
    path: str | Path,
    *,
    theme: str = "path",
    style: MapStyle = DEFAULT_STYLE,
    redact: bool = False,
    title: str | None = None,
    layout: PrintLayout | None = None,
) -> Path:
    """Draw a print map of one parcel theme and write it as PNG or PDF (by ``path``'s suffix).

    The page has the paper size of ``layout`` exactly (A4 landscape by default) and the map
    a round numeric scale, printed beside the graphic scale bar and in the footer with the
    CRS in words, the data date, the policy profile, 制图单位 and 制图日期.

    Parameters
    ----------
    run
        A run directory or its :class:`RunData`.
    path
        Output file ending in ``.png`` or ``.pdf``.
    theme
        ``tax``, ``grade``, ``path`` or ``far``.
    style, redact, title
        As for :func:`landgov.maps.build_map`.
    layout
        Paper, orientation, 制图单位, 制图日期, per-镇街 table and scale
        (:class:`~landgov.maps.PrintLayout`).

    Raises
    ------
    InputError
        Unknown format or theme, or a theme the run cannot show (``tax`` when redacted, ``far``
        without a 增容 layer).
    DataFileError
        The file cannot be written (or no CJK font at all: a broken installation).

    Warns
    -----
    MissingGlyphWarning
        A label (镇街, title, legend) has characters no available font can draw.
    """
    out = Path(path)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"静态图格式只能是 png 或 pdf，所见文件名 {out.name!r}")
    if theme not in THEMES:
        raise InputError(f"未知专题 {theme!r}：可选 {'、'.join(THEMES)}")
    font = cjk_fonts(style)
    data = run if isinstance(run, RunData) else load_run(run)
    prep = prepare(data, style=style, redact=redact)
    themes = run_themes(prep.parcels_all, style, prep.manifest, with_tax=not redact)
    if theme not in themes:
        why = "脱敏版不含金额" if theme == "tax" and redact else "结果中没有相应图层"
        raise InputError(f"无法绘制专题「{THEMES[theme]}」：{why}；可选 {'、'.join(themes)}")
    chosen = themes[theme]
    heading = map_title(title, data.manifest, redact=redact)
    page = layout or PrintLayout()
    with mpl.rc_context({"font.family": font, "axes.unicode_minus": False, "pdf.fonttype": 42}):
        fig = Figure(figsize=page.size_in, dpi=style.static_dpi)  # no pyplot state
        frame_box, panel_box = _frames(page)
        ax = fig.add_axes(frame_box)
        try:
            handles = _draw(ax, prep, chosen, style, font)
            scale = _extent(ax, prep, page, fig)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel("")
            ax.set_ylabel("")
            for spine in ax.spines.values():
                spine.set_linewidth(0.8)
            fig.text(
                0.5,
                1 - 8.5 / page.size_mm[1],
                heading,
                ha="center",
                va="center",
                fontsize=16 if page.paper == "A4" else 20,
                fontweight="bold",
            )
            fig.text(
                0.5,
                1 - 15.5 / page.size_mm[1],
                f"专题：{chosen.label}",
                ha="center",
                va="center",
                fontsize=10,
                color="#333",
            )
            table = _table_rows(prep) if page.township_table else None
            _panel(fig, panel_box, handles, title=chosen.legend_title, table=table, page=page)
            _scale_bar(ax, font, scale)
            _north_arrow(ax, font)
            lines = _footer(prep, page, prep.parcels_all.crs, scale)
            step = min(4.5, 11.0 / max(len(lines) - 1, 1))  # between 12.5 and 1.5 mm up
            for k, line in enumerate(lines):
                fig.text(
                    _FOOTER_LEFT_MM / page.size_mm[0],
                    (12.5 - step * k if len(lines) > 2 else 10.5 - 4.5 * k) / page.size_mm[1],
                    line,
                    ha="left",
                    va="center",
                    fontsize=_FOOTER_PT,
                    color="#333",
                )
            texts = [t.get_text() for t in fig.findobj(Text) if t.get_visible()]
            warn_missing_glyphs(texts, font, where=f"静态图 {out.name}")
            with warnings.catch_warnings(), written_whole(out) as tmp:
                # every text was checked above, in Chinese
                warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
                fig.savefig(tmp, format=fmt)  # the page at its paper size, never cropped
        except OSError as exc:
            raise DataFileError(f"无法写入静态图：{os_error_message(exc)}") from exc
    return out
