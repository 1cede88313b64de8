"""Print maps (PNG/PDF): title, legend, scale bar, north arrow, 镇街 labels and the data date.

Drawn with matplotlib in the run's projected CRS (metres), so the scale bar is true. Chinese
text uses an installed CJK font when there is one and the bundled subset of Noto Sans CJK SC
otherwise (:mod:`landgov.maps._fonts`); characters no font has are named in a warning.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from landgov.errors import DataFileError, InputError
from landgov.maps._fonts import (
    MissingGlyphWarning,
    cjk_fonts,
    find_cjk_font,
    warn_missing_glyphs,
)
from landgov.maps._prepare import Prepared, prepare
from landgov.maps._run import RunData, load_run
from landgov.maps._themes import Theme, build_themes
from landgov.maps._title import map_title
from landgov.maps.interactive import _tax_classes, _threshold
from landgov.maps.style import DEFAULT_STYLE, THEMES, MapStyle

__all__ = ["MissingGlyphWarning", "find_cjk_font", "render_static"]

FORMATS = ("png", "pdf")


def _nice_length(span_m: float) -> float:
    raw = span_m / 5.0
    exp = 10 ** math.floor(math.log10(raw))
    return max(m * exp for m in (1, 2, 5) if m * exp <= raw)


def _scale_bar(ax: Axes, font: list[str]) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    left, base, height = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0), 0.008 * (y1 - y0)
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


def _draw(ax: Axes, prep: Prepared, theme: Theme, style: MapStyle, font: list[str]) -> list[Patch]:
    parcels = prep.parcels_all
    has_geom = parcels.geometry.notna() & ~parcels.geometry.is_empty
    colors = [c for c, ok in zip(theme.colors(), has_geom, strict=True) if ok]
    parcels[has_geom].plot(ax=ax, color=colors, edgecolor=style.outline_color, linewidth=0.15)
    handles = [
        Patch(facecolor=i.color, edgecolor=style.outline_color, label=f"{i.label}（{i.count} 宗）")
        for i in theme.legend
        if i.count
    ]
    if prep.blocks is not None and len(prep.blocks):
        prep.blocks.boundary.plot(ax=ax, color=style.block_color, linewidth=1.2)
        handles.append(Patch(facecolor="none", edgecolor=style.block_color, label="连片低效地块"))
    approved = prep.approved
    if approved is not None and len(approved):
        drawn = approved[approved.geometry.notna() & ~approved.geometry.is_empty]
        drawn.plot(ax=ax, facecolor=style.approved_color, alpha=0.3, edgecolor="none")
        drawn.boundary.plot(ax=ax, color=style.approved_color, linewidth=0.9, linestyle=":")
        handles.append(
            Patch(
                facecolor=style.approved_color, alpha=0.3, edgecolor=style.approved_color,
                label=f"批而未供（{len(approved)} 批次，不列入治理清单）",
            )
        )  # fmt: skip
    towns = prep.townships
    if towns is not None and len(towns):
        towns.boundary.plot(ax=ax, color=style.township_color, linewidth=0.8, linestyle="--")
        handles.append(Patch(facecolor="none", edgecolor=style.township_color, label="镇街边界"))
        if "township" in towns:
            for pt, name in zip(
                towns.geometry.representative_point(), towns["township"], strict=True
            ):
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
    return handles


def _footer(prep: Prepared) -> str:
    parts = []
    if prep.data_date:
        parts.append(f"数据日期：{prep.data_date}")
    if prep.profile_label:
        parts.append(f"政策口径：{prep.profile_label}")
    parts.append("坐标系：CGCS2000 高斯-克吕格投影")
    if prep.redaction_note:
        parts.append(prep.redaction_note)
    return "    ".join(parts)


def render_static(
    run: RunData | str | Path,
    path: str | Path,
    *,
    theme: str = "path",
    style: MapStyle = DEFAULT_STYLE,
    redact: bool = False,
    title: str | None = None,
) -> Path:
    """Draw a print map of one parcel theme and write it as PNG or PDF (by ``path``'s suffix).

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
    themes = build_themes(
        prep.parcels_all,
        style,
        with_tax=not redact,
        threshold=_threshold(prep.manifest),
        tax_classes=_tax_classes(prep.manifest),
    )
    if theme not in themes:
        why = "脱敏版不含金额" if theme == "tax" and redact else "结果中没有相应图层"
        raise InputError(f"无法绘制专题「{THEMES[theme]}」：{why}；可选 {'、'.join(themes)}")
    chosen = themes[theme]
    heading = map_title(title, data.manifest, redact=redact)
    with mpl.rc_context({"font.family": font, "axes.unicode_minus": False, "pdf.fonttype": 42}):
        fig = Figure(figsize=style.static_size_in, dpi=style.static_dpi)  # no pyplot state
        ax = fig.add_subplot()
        try:
            handles = _draw(ax, prep, chosen, style, font)
            ax.set_aspect("equal")
            ax.set_axis_off()
            fig.suptitle(f"{heading}　{chosen.label}", fontsize=16, fontweight="bold")
            ax.legend(
                handles=handles,
                title=chosen.legend_title,
                loc="upper left",
                bbox_to_anchor=(1.01, 1.0),
                fontsize=8,
                title_fontsize=9,
                framealpha=0.9,
            )
            _scale_bar(ax, font)
            _north_arrow(ax, font)
            fig.text(0.5, 0.015, _footer(prep), ha="center", fontsize=8, color="#444")
            texts = [t.get_text() for t in fig.findobj(Text) if t.get_visible()]
            warn_missing_glyphs(texts, font, where=f"静态图 {out.name}")
            out.parent.mkdir(parents=True, exist_ok=True)
            with warnings.catch_warnings():  # every text was checked above, in Chinese
                warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
                fig.savefig(out, format=fmt, bbox_inches="tight")
        except OSError as exc:
            raise DataFileError(f"无法写入静态图 {out}：{exc}") from exc
    return out
