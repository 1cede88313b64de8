"""The 联席会议 packet (审议材料): an A3 landscape PDF and a Word file from one run folder.

One model of the packet, :func:`packet_pages`, is rendered twice: by matplotlib to a PDF with
the CJK font embedded (:func:`write_packet` with ``.pdf``) and by python-docx to an editable
Word file (``.docx``), so the two never disagree. The pages are

1. an overview: the district map by 四个一批 path, the 镇街 table against the profile's
   targets, and the 增容 applications for decision;
2. one page per 增容 application: the plot with its neighbours, the scope, the 容积率 cap and the
   eight conditions of 越政发〔2022〕24号 附件3 with their evidence, the figures before and after,
   and the system's draft 初审 verdict;
3. one page per large 连片 block (``blocks.large``): its plots by path and their figures.

Every number comes from the run folder the workbook was written from: the 镇街 table is the
``township_summary`` layer (sheet 镇街汇总), the applications are the ``far_applications`` layer
(sheet 增容审查), the blocks the ``blocks`` layer. A target line says what it measures: the area
*listed* on the 治理清单 is not the area 盘活, so no 完成 % is printed against the 盘活 target.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text

from landgov.core.columns import label
from landgov.core.dates import date_text
from landgov.core.decided import decided_note, decided_text
from landgov.core.missing import format_number, is_missing
from landgov.core.runfolder import GPKG
from landgov.core.runread import read_run_layer, run_layers
from landgov.core.safe_text import xml_text
from landgov.core.vocab import DISTRICT, NO_TARGET
from landgov.errors import DataFileError, InputError
from landgov.far.zengrong import CONDITION_LABELS, CONDITIONS
from landgov.maps._fonts import cjk_fonts, warn_missing_glyphs
from landgov.maps._print import footer_lines, policy_text, source_text
from landgov.maps._run import RunData, load_run
from landgov.maps._themes import path_theme
from landgov.maps.style import DEFAULT_STYLE
from landgov.summary import DECIDABLE, tax_per_mu_basis

__all__ = ["A3_LANDSCAPE_IN", "Page", "Table", "packet_pages", "write_packet"]

#: A3 landscape, 420 × 297 mm, in inches.
A3_LANDSCAPE_IN: tuple[float, float] = (420 / 25.4, 297 / 25.4)
FORMATS = ("pdf", "docx")
_NEIGHBOUR_M = 150.0  # neighbours drawn around an application's plot (m)
_EMPTY = "—"
_HIGHLIGHT = "#08306b"  # dark blue: visible on every path colour, including 拆除重建 red
#: Cell shading of verdicts, as the 增容审查 sheet colours them.
_STATUS_FILL = {
    "符合": "#dff0d8",
    "可申报": "#dff0d8",
    "待核实": "#fcf0cf",
    "待承诺": "#d9e8fb",
    "不符合": "#f6d5d5",
    "不符合风险": "#f6d5d5",
    "不可申报": "#f6d5d5",
}


@dataclass(frozen=True)
class Table:
    """A table of text cells; ``widths`` are relative column widths."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    status_column: int | None = None  # a column whose cells are coloured by verdict


@dataclass(frozen=True)
class Page:
    """One packet page: a heading, an optional map, tables and notes."""

    title: str
    draw: Callable[[Axes], list[Patch]] | None
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = ()
    legend_title: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _number(value: Any) -> float:
    """A number, or NaN; numeric text counts (mixed-type GeoPackage columns read back as text)."""
    return float(pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0])


def _text(value: Any, digits: int | None = None) -> str:
    """A cell: missing → 「—」; with ``digits`` a number (or numeric text, as GeoPackage columns
    of mixed type read back) grouped by thousands with that many decimals."""
    if digits is None or is_missing(value):
        return _EMPTY if is_missing(value) else str(value)
    number = _number(value)
    if is_missing(number):
        return str(value)
    return format_number(number, digits=digits, thousands=True, trim=False, missing=_EMPTY)


def _read(gpkg: Path, layer: str) -> pd.DataFrame | None:
    if layer not in run_layers(gpkg):
        return None
    return read_run_layer(gpkg, layer)


def _township_table(summary: pd.DataFrame) -> Table:
    cols = [
        "township",
        "n_parcels",
        "area_mu",
        "n_governance",
        "governance_area_mu",
        "n_to_verify",
        "tax_per_mu_above_scale",
        "tax_per_mu_target",
        "n_demolish_rebuild",
        "n_rectify",
        "n_transform",
        "n_exit",
    ]
    cols = [c for c in cols if c in summary.columns]
    digits = {"area_mu": 1, "governance_area_mu": 1, "tax_per_mu_above_scale": 2}
    rows = []
    for _, r in summary.iterrows():
        cells = []
        for c in cols:
            if c == "tax_per_mu_target":
                year = r.get("tax_per_mu_target_year")
                target = r[c]
                number = _number(target)
                cells.append(
                    _text(target)
                    if is_missing(year) or is_missing(number)
                    else f"{_text(number, 1)}（{int(float(year))}年）"
                )
            elif c in DECIDABLE:
                cells.append(_decided_count(r, c, digits.get(c, 0)))
            else:
                cells.append(_text(r[c], digits.get(c, 0 if c.startswith("n_") else None)))
        rows.append(tuple(cells))
    wide = {"township": 1.5, "area_mu": 1.2, "governance_area_mu": 1.2, "tax_per_mu_target": 1.5}
    if any(f"{c}_computed" in summary.columns for c in DECIDABLE):  # room for 系统：… → 认定：…
        wide |= {c: 1.6 for c in DECIDABLE}
    widths = tuple(wide.get(c, 1.0) for c in cols)
    return Table(
        "镇街汇总（与工作簿「镇街汇总」表同数）", tuple(label(c) for c in cols), tuple(rows), widths
    )


#: Under the 镇街 table of a run with 人工认定 applied.
_DECIDED_NOTE = (
    "「系统：… → 认定：…」：人工认定改变了该数，前为系统计算，后为认定后的数（与工作簿「镇街汇总」"
    "表相同）；各项认定的理由、认定人和文件依据见底数清单「人工认定」列。"
)


def _target_note(summary: pd.DataFrame) -> str | None:
    district = summary[summary["township"] == DISTRICT] if "township" in summary else summary[:0]
    if not len(district) or "renewal_target_mu" not in summary:
        return None
    row = district.iloc[0]
    target = _number(row.get("renewal_target_mu"))
    if is_missing(target):
        return None
    year = row.get("renewal_target_year")
    when = "" if is_missing(year) else f"（{int(float(year))}年）"
    return (
        f"列入治理清单面积 {_text(row.get('governance_area_mu'), 1)} 亩；"
        f"盘活低效工业用地目标{when} {_text(target, 0)} 亩。"
        "列入治理清单不等于已盘活，已盘活面积以治理台账验收销号为准。"
    )


def _source_note(summary: pd.DataFrame, run: RunData) -> str | None:
    """Where the targets of the 镇街 table come from (the run's 目标来源: 文号 and clause, and
    项目推算 for a target the project derived, such as 越城's 41.6 from 「翻番」) and how
    规上亩均税收 is measured, cited as the run's profile reads the clause
    (:func:`landgov.summary.tax_per_mu_basis`); ``None`` when the run sets no target."""
    if "target_source" not in summary or "township" not in summary:
        return None
    district = summary[summary["township"] == DISTRICT]
    source = district["target_source"].iloc[0] if len(district) else None
    if is_missing(source) or str(source) == NO_TARGET:
        return None
    from landgov.run.results import loaded_profile

    return f"目标来源：{source}。{tax_per_mu_basis(loaded_profile(run.manifest))}。"


def _verdict_cell(row: pd.Series) -> str:
    """An application's 系统预审; with a 增容条件人工认定 applied, the computed one beside it
    (「系统：待核实 → 认定：可申报（张三 2026-07-20）」, core.decided.decided_text).
    """
    if row.get("override_status") != "已采用":
        return _text(row.get("zengrong"))
    computed, decided = row.get("zengrong_computed"), row.get("zengrong")
    return decided_text(computed, decided, by=row.get("override_by"))


def _decided_count(row: pd.Series, column: str, digits: int) -> str:
    """A 镇街汇总 figure; where a 人工认定 changed it, the computed one beside it."""
    decided = _text(row[column], digits)
    computed = row.get(f"{column}_computed")
    if is_missing(computed) or _text(computed, digits) == decided:
        return decided
    return decided_text(_text(computed, digits), decided, wrap=True)


def _shade(cell: str) -> str | None:
    """The verdict a cell is coloured by: the decided one of 「系统：… → 认定：…」."""
    verdict = cell.rsplit("认定：", 1)[-1]
    return _STATUS_FILL.get(verdict.split("（")[0])


def _applications_table(apps: pd.DataFrame) -> Table:
    rows = []
    for _, r in apps.iterrows():
        unsettled = [
            CONDITION_LABELS[c].split(" ")[0]
            for c in CONDITIONS
            if c in r and str(r[c]) not in ("符合", "不适用") and not is_missing(r[c])
        ]
        rows.append(
            (
                _text(r.get("application_id")),
                _text(r.get("enterprise_name")),
                _text(r.get("project_name")),
                _text(r.get("township")),
                f"{_text(r.get('far'), 2)} → {_text(r.get('far_after'), 2)}",
                _text(r.get("added_floor_m2"), 0),
                _verdict_cell(r),
                "、".join(unsettled) or _EMPTY,
            )
        )
    headers = (
        "申请编号",
        "企业名称",
        "项目名称",
        "镇街",
        "容积率（现状→申请后）",
        "新增建筑面积（平方米）",
        "系统预审",
        "未符合或待核实的条件",
    )
    decided = "override_status" in apps.columns and apps["override_status"].eq("已采用").any()
    widths = (1.1, 2.4, 2.6, 1, 1.4, 1.2, 2.2 if decided else 1, 2.6)  # room for 系统：… → 认定：…
    return Table("增容申请（提请联席会议审议）", headers, tuple(rows), widths, status_column=6)


def _plot(
    ax: Axes,
    parcels: gpd.GeoDataFrame,
    *,
    highlight: gpd.GeoDataFrame | None = None,
    towns: gpd.GeoDataFrame | None = None,
    labels: Iterable[tuple[Any, str]] = (),
    highlight_label: str = "审议对象",
) -> list[Patch]:
    style = DEFAULT_STYLE
    theme = path_theme(parcels, style)
    has = parcels.geometry.notna() & ~parcels.geometry.is_empty
    colors = [c for c, ok in zip(theme.colors(), has, strict=True) if ok]
    parcels[has].plot(ax=ax, color=colors, edgecolor=style.outline_color, linewidth=0.2)
    handles = [
        Patch(
            facecolor=i.color, edgecolor=style.outline_color, label=f"{i.label}（{i.count:,} 宗）"
        )
        for i in theme.legend
        if i.count
    ]
    if towns is not None and len(towns):
        towns.boundary.plot(ax=ax, color=style.township_color, linewidth=0.8, linestyle="--")
        handles.append(Patch(facecolor="none", edgecolor=style.township_color, label="镇街边界"))
    if highlight is not None and len(highlight):
        highlight.boundary.plot(ax=ax, color=_HIGHLIGHT, linewidth=2.5)
        handles.append(
            Patch(facecolor="none", edgecolor=_HIGHLIGHT, linewidth=2, label=highlight_label)
        )
    for point, text in labels:
        ax.annotate(
            text,
            (point.x, point.y),
            fontsize=7,
            color="#d7191c",
            ha="center",
            va="bottom",
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5},
        )
    ax.set_aspect("equal")
    ax.set_axis_off()
    return handles


def _overview(
    run: RunData, summary: pd.DataFrame | None, apps: pd.DataFrame | None, heading: str
) -> Page:
    parcels = run.parcels
    towns = run.townships
    app_geoms = None
    labels: list[tuple[Any, str]] = []
    if apps is not None and len(apps) and isinstance(apps, gpd.GeoDataFrame):
        app_geoms = apps[apps.geometry.notna() & ~apps.geometry.is_empty]
        labels = [
            (g.representative_point(), _text(i))
            for g, i in zip(app_geoms.geometry, app_geoms["application_id"], strict=True)
        ]

    def draw(ax: Axes) -> list[Patch]:
        return _plot(ax, parcels, highlight=app_geoms, towns=towns, labels=labels)

    tables = []
    notes = []
    if summary is not None:
        tables.append(_township_table(summary))
        notes.extend(n for n in (_target_note(summary), _source_note(summary, run)) if n)
        if any(f"{c}_computed" in summary.columns for c in DECIDABLE):
            notes.append(_DECIDED_NOTE)
    return Page(f"{heading}　总览", draw, tuple(tables), tuple(notes), label("path"))


def _applications_pages(apps: pd.DataFrame, per_page: int = 24) -> list[Page]:
    table = _applications_table(apps)
    chunks = [table.rows[i : i + per_page] for i in range(0, len(table.rows), per_page)]
    pages = []
    for k, rows in enumerate(chunks):
        part = Table(
            table.caption + ("" if k == 0 else "（续）"),
            table.headers,
            rows,
            table.widths,
            status_column=table.status_column,
        )
        note = ("系统预审为草稿，只列出系统能核对的条件；「待核实」须由镇街和部门补充材料后认定。",)
        pages.append(Page(f"提请审议的增容申请（{len(apps):,} 宗）", None, (part,), note))
    return pages


def _neighbours(parcels: gpd.GeoDataFrame, geom: Any) -> gpd.GeoDataFrame:
    near = parcels.sindex.query(geom.buffer(_NEIGHBOUR_M), predicate="intersects")
    return parcels.iloc[np.sort(near)]


def _with_basis(figure: str, basis: object) -> str:
    """A 亩均税收 with its basis where the plot's and the applicant's differ (「（宗地上 2 家
    企业合计）」, as the 初审表 and the 增容审查 sheet say it); as it is elsewhere.

    >>> _with_basis("40.00", "宗地上 2 家企业合计"), _with_basis("40.00", None)
    ('40.00（宗地上 2 家企业合计）', '40.00')
    >>> _with_basis("—", "宗地上 2 家企业合计"), _with_basis("30.00", "")
    ('—', '30.00')
    """
    if is_missing(basis) or figure == _EMPTY:
        return figure
    return f"{figure}（{str(basis).strip()}）"


def _application_page(run: RunData, row: pd.Series, crs: Any) -> Page:
    geom = row.geometry
    has_geom = geom is not None and not geom.is_empty
    app_id = _text(row.get("application_id"))
    conditions = tuple(
        (CONDITION_LABELS[c], _text(row.get(c)), _text(row.get(f"{c}_note"))) for c in CONDITIONS
    )
    figures = (
        ("容积率", _text(row.get("far"), 2), _text(row.get("far_after"), 2)),
        (
            "建筑面积（平方米）",
            _text(row.get("floor_area_m2"), 0),
            _text(row.get("floor_area_after_m2"), 0),
        ),
        (
            "亩均税收（万元/亩）",
            _with_basis(_text(row.get("tax_per_mu_now_wan"), 2), row.get("tax_per_mu_now_basis")),
            _with_basis(
                _text(row.get("tax_per_mu_after_wan"), 2), row.get("tax_per_mu_after_basis")
            ),
        ),
        ("用地面积（亩）", _text(row.get("land_mu"), 2), _text(row.get("land_mu"), 2)),
    )
    tables = (
        Table(
            "适用范围、容积率上限与八项条件（越政发〔2022〕24号 附件3）",
            ("条件", "预审结果", "依据与说明"),
            conditions,
            (1.6, 1.0, 6.0),
            status_column=1,
        ),
        Table("申请前后", ("指标", "现状", "申请后"), figures, (1.6, 1.0, 1.0)),
    )
    notes: tuple[str, ...] = (
        f"系统预审意见（草稿）：{_text(row.get('zengrong'))}。{_text(row.get('zengrong_reason'))}",
        "本页由系统按申请材料和入库数据生成，仅供联席会议审议参考，以镇街初审和部门审核意见为准。",
    )
    record = _text(row.get("override"))
    if record:  # 增容条件人工认定 (landgov far --overrides): the computed outcome beside it
        notes = (notes[0], decided_note(_text(row.get("zengrong_computed")), record), *notes[1:])
    title = (
        f"增容申请 {app_id}　{_text(row.get('enterprise_name'))}　{_text(row.get('project_name'))}"
    )
    if not has_geom:
        return Page(title, None, tables, (*notes, "该申请未能定位到宗地，未绘图。"))
    focus = gpd.GeoDataFrame([row], geometry=[geom], crs=crs)
    near = _neighbours(run.parcels, geom)

    def draw(ax: Axes) -> list[Patch]:
        return _plot(ax, near, highlight=focus)

    return Page(title, draw, tables, notes, f"宗地及周边（{label('path')}）")


def _block_page(run: RunData, block: pd.Series) -> Page:
    members = run.parcels[run.parcels["block_id"].astype(str) == str(block["block_id"])]
    rows = tuple(
        (
            _text(m.get("parcel_id")),
            _text(m.get("enterprise_names")),
            _text(m.get("area_mu"), 2),
            _text(m.get("tax_per_mu"), 2),
            _text(m.get("grade")),
            _text(m.get("path")),
        )
        for _, m in members.iterrows()
    )
    table = Table(
        f"连片地块 {block['block_id']}：{_text(block.get('area_mu'), 1)} 亩，"
        f"{_text(block.get('n_parcels'), 0)} 宗，"
        f"亩均税收 {_text(block.get('tax_per_mu'), 2)} 万元/亩",
        ("宗地代码", "企业名称", "面积（亩）", "亩均税收（万元/亩）", "评价等级", label("path")),
        rows,
        (2.0, 3.0, 0.9, 1.2, 0.8, 1.0),
    )

    outline = gpd.GeoDataFrame(geometry=[block.geometry], crs=run.parcels.crs)
    has_geom = block.geometry is not None and not block.geometry.is_empty
    near = _neighbours(run.parcels, block.geometry) if has_geom else members

    def draw(ax: Axes) -> list[Patch]:
        return _plot(ax, near, highlight=outline if has_geom else None, highlight_label="连片范围")

    return Page(f"连片低效地块 {block['block_id']}", draw, (table,), (), label("path"))


def packet_pages(run_dir: str | Path, *, title: str | None = None) -> list[Page]:
    """The packet's pages, from a run folder that holds a screening (and usually 增容) run.

    Raises
    ------
    DataFileError
        The folder holds no run, or its files differ from its manifest.
    """
    folder = Path(run_dir)
    run = load_run(folder, verify=True)
    gpkg = folder / GPKG
    summary = _read(gpkg, "township_summary")
    apps = _read(gpkg, "far_applications")
    profile = run.profile_label
    meta = run.manifest.get("profile")
    region = meta.get("title") if isinstance(meta, dict) else None
    heading = title or f"工业用地治理联席会议审议材料{f'——{region}' if region else ''}"
    footer = [
        f"数据日期：{run.data_date or '未记录'}",
        f"政策口径：{policy_text(run.manifest) or profile or '未记录'}",  # as the maps say it
        f"制作日期：{date_text(date.today())}",
        "系统生成，供联席会议审议参考",
    ]
    pages = [_overview(run, summary, apps, heading)]
    pages[0].extra["footer"] = footer
    pages[0].extra["source"] = source_text(run.manifest)  # as every map says it
    if apps is not None and len(apps):
        pages.extend(_applications_pages(apps))
    if apps is not None:
        for _, row in apps.iterrows():
            pages.append(_application_page(run, row, apps.crs))
    if run.blocks is not None and "large" in run.blocks:
        large = run.blocks[run.blocks["large"].astype(bool)]
        for _, block in large.sort_values("area_mu", ascending=False).iterrows():
            pages.append(_block_page(run, block))
    return pages


# --- PDF ------------------------------------------------------------------------------------


def _char_width(ch: str) -> float:
    return 0.55 if ord(ch) < 0x2E80 else 1.0


#: A run of Latin letters, digits and number punctuation is never broken (no 「23,96 / 3,203」).
_TOKEN = re.compile(r"[0-9A-Za-z.,%:/+\-→²]+|\s+|.")


def _wrap(text: str, limit: float) -> list[str]:
    """Wrap ``text`` to ``limit`` CJK-character widths, never inside a number or a code.

    >>> _wrap("面积 45,446.4 亩", 4)
    ['面积 ', '45,446.4', ' 亩']
    """
    lines: list[str] = []
    for part in text.split("\n"):
        line, used = "", 0.0
        for token in _TOKEN.findall(part):
            w = sum(_char_width(ch) for ch in token)
            if used + w > limit and line:
                lines.append(line)
                line, used = "", 0.0
            line += token
            used += w
        lines.append(line)
    return lines


def _draw_table(
    fig: Figure, table: Table, box: tuple[float, float, float, float], size: float
) -> float:
    """Draw ``table`` from the top of ``box`` (figure fractions); return the height used."""
    left, top, width, _height = box
    fig_w, fig_h = fig.get_size_inches()
    char_w = size / 72 / fig_w  # one CJK character, figure fraction
    line_h = size * 1.45 / 72 / fig_h
    total = sum(table.widths)
    col_w = [width * w / total for w in table.widths]
    limits = [max(2.0, cw / char_w - 0.6) for cw in col_w]
    y = top
    fig.text(left, y, table.caption, fontsize=size + 1.5, fontweight="bold", va="top")
    y -= line_h * 1.5
    for r, cells in enumerate((table.headers, *table.rows)):
        wrapped = [_wrap(c, lim) for c, lim in zip(cells, limits, strict=True)]
        n = max(len(w) for w in wrapped)
        h = n * line_h + line_h * 0.4
        if r == 0:
            fig.patches.append(
                mpl.patches.Rectangle(
                    (left, y - h), width, h, transform=fig.transFigure, color="#e8eef5", zorder=0
                )
            )
        x = left
        if r and table.status_column is not None:
            shade = _shade(cells[table.status_column])
            if shade:
                x0 = left + sum(col_w[: table.status_column])
                fig.patches.append(
                    mpl.patches.Rectangle(
                        (x0, y - h),
                        col_w[table.status_column],
                        h,
                        transform=fig.transFigure,
                        color=shade,
                        zorder=0,
                    )
                )
        for lines, cw in zip(wrapped, col_w, strict=True):
            fig.text(
                x + char_w * 0.3,
                y - line_h * 0.2,
                "\n".join(lines),
                fontsize=size,
                va="top",
                linespacing=1.3,
                fontweight="bold" if r == 0 else "normal",
            )
            x += cw
        y -= h
        fig.add_artist(
            mpl.lines.Line2D(
                [left, left + width], [y, y], transform=fig.transFigure, color="#888", linewidth=0.4
            )
        )
    return top - y


def _render_pdf(
    pages: Sequence[Page], out: Path, font: list[str], footer: str, source: str | None
) -> None:
    """Each page: title, the data-source line under it, map and tables, the footer."""
    width_mm = 0.94 * A3_LANDSCAPE_IN[0] * 25.4
    sources = footer_lines([source], width_mm=width_mm, size_pt=8) if source else []
    with (
        mpl.rc_context({"font.family": font, "axes.unicode_minus": False, "pdf.fonttype": 42}),
        PdfPages(out) as pdf,
    ):
        for number, page in enumerate(pages, start=1):
            fig = Figure(figsize=A3_LANDSCAPE_IN)
            fig.text(0.03, 0.965, page.title, fontsize=18, fontweight="bold", va="top")
            for k, line in enumerate(sources):  # between the title and the map (0.90)
                fig.text(0.03, 0.934 - 0.015 * k, line, fontsize=8, color="#444", va="top")
            tables_left = 0.03
            if page.draw is not None:
                ax = fig.add_axes((0.02, 0.08, 0.46, 0.82))
                handles = page.draw(ax)
                ax.legend(
                    handles=handles,
                    title=page.legend_title,
                    loc="lower left",
                    fontsize=8,
                    title_fontsize=9,
                    framealpha=0.9,
                )
                tables_left = 0.51
            width = 0.97 - tables_left
            y = 0.90
            for table in page.tables:
                size = 9.0 if page.draw is None or len(table.rows) <= 12 else 7.5
                y -= _draw_table(fig, table, (tables_left, y, width, y - 0.08), size) + 0.025
            for note in page.notes:
                for line in _wrap(note, width * A3_LANDSCAPE_IN[0] * 72 / 10.5 - 1):
                    fig.text(tables_left, y, line, fontsize=10.5, va="top")
                    y -= 0.022
            fig.text(0.03, 0.02, footer, fontsize=8, color="#444")
            fig.text(0.97, 0.02, f"第 {number} 页 / 共 {len(pages)} 页", fontsize=8, ha="right")
            texts = [t.get_text() for t in fig.findobj(Text) if t.get_visible()]
            warn_missing_glyphs(texts, font, where=f"审议材料第 {number} 页")
            with warnings.catch_warnings():  # every text was checked above, in Chinese
                warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
                pdf.savefig(fig)


# --- Word -----------------------------------------------------------------------------------


def _render_docx(
    pages: Sequence[Page], out: Path, font: list[str], footer: str, source: str | None
) -> None:
    import io

    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(42.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    section.footer.paragraphs[0].text = xml_text(source or footer)
    if source:
        section.footer.add_paragraph(xml_text(footer))
    for number, page in enumerate(pages):
        if number:
            doc.add_page_break()
        doc.add_heading(xml_text(page.title), level=1)
        if page.draw is not None:
            with mpl.rc_context({"font.family": font, "axes.unicode_minus": False}):
                fig = Figure(figsize=(9, 7))
                ax = fig.add_axes((0, 0, 1, 1))
                handles = page.draw(ax)
                ax.legend(handles=handles, title=page.legend_title, loc="lower left", fontsize=7)
                buf = io.BytesIO()
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
                    fig.savefig(buf, format="png", dpi=130)
            buf.seek(0)
            doc.add_picture(buf, width=Cm(18))
        for table in page.tables:
            doc.add_paragraph(xml_text(table.caption), style="Heading 3")
            grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.headers))
            grid.style = "Table Grid"
            for j, head in enumerate(table.headers):
                grid.cell(0, j).text = xml_text(head)
                for run in grid.cell(0, j).paragraphs[0].runs:
                    run.bold = True
            for i, cells in enumerate(table.rows, start=1):
                for j, cell in enumerate(cells):
                    grid.cell(i, j).text = xml_text(cell)
        for note in page.notes:
            doc.add_paragraph(xml_text(note))
    doc.save(out)


def write_packet(run_dir: str | Path, out: str | Path, *, title: str | None = None) -> Path:
    """Write the 联席会议 packet as ``.pdf`` (A3 landscape, CJK font embedded) or ``.docx``.

    Parameters
    ----------
    run_dir
        A run folder written by ``landgov screen`` (and ``landgov far`` for the applications).
    out
        The file to write; its suffix chooses the format.
    title
        The heading of the overview page (default: 工业用地治理联席会议审议材料 and the profile).

    Raises
    ------
    InputError
        ``out`` ends in neither ``.pdf`` nor ``.docx``.
    DataFileError
        The run folder cannot be read, or the file cannot be written.
    """
    path = Path(out)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(
            f"审议材料只能写成 .pdf 或 .docx，所见文件名 {path.name!r}；处理：改用 --out 材料.pdf"
        )
    pages = packet_pages(run_dir, title=title)
    font = cjk_fonts(DEFAULT_STYLE)
    footer = "　".join(pages[0].extra.get("footer", ()))
    source = pages[0].extra.get("source")
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.part")
    try:
        (_render_pdf if fmt == "pdf" else _render_docx)(pages, temp, font, footer, source)
        temp.replace(path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise DataFileError(f"无法写入审议材料 {path}：{exc}") from exc
    return path
