"""The 治理清单 laid out for paper: 「治理清单（打印）」, legible at a meeting.

The full 治理清单 is the data view (every column, reasons with their citations); printed, its
long texts shrink to about 5 pt. The print view keeps eleven columns a 镇街 officer reads on
paper: 序号, 镇街, 宗地代码, 权利人, 面积, 亩均税收, 四个一批路径, 路径状态, 主要理由 (the reasons
without their citations), 依据 (those citations, each once, by 文号 and clause) and 待核实事项
(what to collect from which department). Rows are the 治理清单's own rows (never screened
again), sorted by 镇街, then 四个一批 path, then 宗地代码.

It is a sheet of the same workbook, right after the 治理清单, rather than a workbook of its own:
one file goes out, the print view cannot drift from the list it is printed from, and the
``--by-township`` workbooks (:mod:`landgov.reports.townships`) get it for their own plots
through the same :func:`landgov.reports.handout.screening_sheets`.

Column widths are fixed here so that A3 landscape, fitted to the page width, prints the body
text at :data:`MIN_POINTS` or more (:func:`body_points`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from landgov.core.collect import FIELD_SOURCES, parse_item, split_items
from landgov.core.dates import date_text
from landgov.core.distinct import each_distinct
from landgov.core.documents import split_citations
from landgov.core.missing import is_missing
from landgov.core.townnames import township_order
from landgov.core.vocab import TreatmentPath
from landgov.policy import Profile
from landgov.reports.excel import TO_VERIFY, SheetStyle

__all__ = [
    "MIN_POINTS",
    "PRINT_COLUMNS",
    "PRINT_FORMATS",
    "PRINT_SHEET",
    "body_points",
    "page_note",
    "print_sheet",
    "print_style",
    "print_title",
    "short_reason",
    "short_to_verify",
]

PRINT_SHEET = "治理清单（打印）"
#: The registry's 「四个一批路径」 (the lists' header) on two lines, as narrow as its values.
PATH_HEAD = "四个一批\n路径"
#: The registry's 「路径状态」 on two lines: never a bare 「状态」 (the 台账's 整治 progress).
STATUS_HEAD = "路径\n状态"
#: The printed columns and their widths in Excel's character units (the width of 「0」 in the
#: body font; a Chinese character takes about two).
PRINT_COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 5),
    ("镇街", 9),
    ("宗地代码", 21),  # a 19-character 宗地代码 on one line
    ("权利人", 14),
    ("面积\n（亩）", 7),
    ("亩均税收\n（万元/亩）", 11),  # 「（万元/亩）」 is 11 units wide
    (PATH_HEAD, 9),
    (STATUS_HEAD, 8),
    ("主要理由", 70),
    ("依据", 42),
    ("待核实事项", 22),
)
#: Number formats of the print view beyond the defaults: a 序号 without a thousands separator.
PRINT_FORMATS: dict[str, str] = {"序号": "0"}
_WRAPPED = frozenset({"权利人", STATUS_HEAD, "主要理由", "依据", "待核实事项"})
MANUAL = "人工认定"
_STALE = "（人工认定待复核）"

#: Row heights for paper: a Chinese character is two 「0」 of Calibri 11 wide (11 pt against
#: 5.6 pt), and a wrapped line of Chinese text takes 16 pt (as LibreOffice prints it), so no
#: printed row is cut.
_WIDE_CHAR = 2.0
_LINE_POINTS = 16.0

#: The smallest body text a printed list may have (points).
MIN_POINTS = 9.0
_BODY_POINTS = 11.0  # the workbook's body font (Calibri 11, XlsxWriter's default)
_DIGIT_PX = 7  # width of 「0」 in Calibri 11 at 96 dpi
_PADDING_PX = 5  # cell padding Excel adds to every column
_MM_PER_PX = 25.4 / 96
_A3_LANDSCAPE_MM = 420.0
_SIDE_MARGINS_MM = 2 * 0.7 * 25.4  # left and right page margins, 0.7 in each (the default)


def body_points(widths: Sequence[float], *, page_mm: float = _A3_LANDSCAPE_MM) -> float:
    """The printed size of the body text when columns of ``widths`` are fitted to the page width.

    Excel draws a column ``w`` characters wide in ``⌊7w + 5⌋`` pixels (7 px to 「0」 in
    Calibri 11 at 96 dpi, 5 px padding), one pixel being 25.4/96 mm. Fitting to the page width
    scales the sheet by

    .. math::

        s = \\min\\left(1, \\frac{P - 2m}{\\sum_i \\lfloor 7 w_i + 5 \\rfloor \\cdot 25.4 / 96}
        \\right)

    with ``P`` the paper width (420 mm for A3 landscape) and ``m`` the side margin (0.7 in);
    Excel rounds the scale down to a whole percent. The body text prints at ``11 pt × s``.

    >>> round(body_points([w for _, w in PRINT_COLUMNS]), 1)
    10.0
    """
    px = sum(math.floor(_DIGIT_PX * w + _PADDING_PX) for w in widths)
    printable = page_mm - _SIDE_MARGINS_MM
    scale = min(1.0, printable / (px * _MM_PER_PX))
    return _BODY_POINTS * math.floor(scale * 100) / 100


def print_title(
    region: str, as_of: dt.date | None, *, township: str | None = None, simulated: bool = False
) -> str:
    """The title printed at the top of every page: 县区 (and 镇街), list, as-of date, and
    「（模拟数据）」 for a run on the simulated sample (a printed page must not pass for real data).

    >>> print_title("绍兴市越城区", dt.date(2026, 6, 30), township="甲镇")
    '绍兴市越城区 甲镇 低效工业用地治理清单　数据截至 2026-06-30'
    """
    from landgov.maps._title import SIMULATED

    where = f"{region} {township}" if township else region
    title = f"{where} 低效工业用地治理清单　数据截至 {date_text(as_of)}"
    return title + SIMULATED if simulated else title


def page_note(
    as_of: dt.date | str | None,
    profile: Profile | Mapping[str, Any] | None,
    *,
    since: dt.date | str | None = None,
    dated: str = "数据截至",
) -> str:
    """The run's line at the top right of every printed page of its workbooks: the data date
    and the policy as a reader quotes it (文号, then the profile's name and version, as the
    maps' footers say it, :func:`landgov.maps._print.policy_text`). ``since``: the earlier
    date of two runs compared (动态评价); ``dated``: what the date is (the 治理台账's is
    「台账日期」, the day it was updated). Dates as every page writes them
    (:func:`landgov.core.dates.date_text`).

    >>> page_note(dt.date(2026, 6, 30), {"name": "yuecheng-2022", "version": "2022.1",
    ...     "title": "越城区、滨海新区“1515”专项行动（越政发〔2022〕24号）"})
    '数据截至 2026-06-30　政策口径 越政发〔2022〕24号（配置 yuecheng-2022 v2022.1）'
    """
    from landgov.maps._print import policy_text

    if isinstance(profile, Profile):
        profile = {"name": profile.name, "version": profile.version, "title": profile.title}
    policy = policy_text({"profile": profile}) if profile else None
    day = date_text(as_of)
    when = f"对比 {date_text(since)} 至 {day}" if since else f"{dated} {day}"
    return f"{when}　政策口径 {policy or '未记录'}"


def print_style(title: str | None = None) -> SheetStyle:
    """A3 landscape, fitted to width, fixed widths, header repeated, grid printed, 待核实
    highlighted."""
    return SheetStyle(
        freeze_columns=3,
        wrap=_WRAPPED,
        paper="A3",
        widths=PRINT_COLUMNS,
        title=title,
        verify_prefix=True,
        gridlines=True,
        wide_char=_WIDE_CHAR,
        line_height=_LINE_POINTS,
    )


def short_to_verify(text: object, *, holder: object = None) -> str | None:
    """What to collect, by department: 「统计局：综合能耗（吨标准煤）」 one line per department.

    Items are read back from the rendered ``to_verify`` list (:mod:`landgov.core.collect`); a
    known item is named by its field's label (the note on how a bound was estimated is left to
    the full list), the enterprise only when it is not the plot's 权利人. An item in no known
    form keeps its text under 「其他」.
    """
    return _by_department(_items(text), holder)


#: One item of a ``to_verify`` list as the print view names it: (department, label, the
#: enterprise or ``None``); an item in no known form has no department (it goes under 「其他」).
_Item = tuple[str | None, str, str | None]
_OTHER = "其他"


def _items(text: object) -> tuple[_Item, ...] | None:
    """The items of a rendered ``to_verify`` text (``None`` when there is none)."""
    if not isinstance(text, str) or not text.strip():
        return None
    out: list[_Item] = []
    for raw in split_items(text):
        item = parse_item(raw)
        if item.department == "—":
            out.append((None, item.label, None))
            continue
        field = item.field
        label = FIELD_SOURCES[field].label if field is not None else item.label
        out.append((item.department, label, item.name or item.uscc or None))
    return tuple(out)


def _by_department(items: tuple[_Item, ...] | None, holder: object) -> str | None:
    """The items one line per department, the enterprise named when it is not ``holder``."""
    if items is None:
        return None
    by_department: dict[str, list[str]] = {}
    for department, label, firm in items:
        if department is None:  # every such item, as it is
            by_department.setdefault(_OTHER, []).append(label)
            continue
        if firm and firm != holder:
            label += f"（{firm}）"  # noqa: PLW2901
        listed = by_department.setdefault(department, [])
        if label not in listed:
            listed.append(label)
    return "\n".join(f"{dept}：{'、'.join(items)}" for dept, items in by_department.items())


_MISSING = "（缺少："
_SEE_BELOW = "（缺少项见待核实事项）"
#: The rule that chose the path, as ``paths`` heads its reasons: 「规则 R4「整治提升」：」 (the
#: path has a column of its own).
_RULE_HEAD = re.compile(r"^规则 \S+「[^」]*」：", re.MULTILINE)
_CLOSE = {"（": "）", "〔": "〕", "(": ")"}
_BRACKET = re.compile("[" + re.escape("".join(_CLOSE) + "".join(_CLOSE.values())) + "]")
_PLAIN = "[^" + re.escape("".join(_CLOSE) + "".join(_CLOSE.values())) + "]"
#: 「（…）」 whose brackets inside are pairs holding no bracket (most lists of missing inputs,
#: 「（缺少：综合能耗（吨标准煤）〔统计局〕、…）」): found by one match, the stack of
#: :func:`_closing` needed only for the others.
_SIMPLE_LIST = re.compile(rf"（(?:{_PLAIN}++|（{_PLAIN}*+）|〔{_PLAIN}*+〕|\({_PLAIN}*+\))*+）")


def short_reason(reasons: object) -> tuple[str | None, tuple[str, ...]]:
    """The 主要理由 and 依据 of one row, both from its ``reasons`` text.

    The citations are taken out by :func:`landgov.core.documents.split_citations` (they go to
    依据, each once), and the list of missing inputs after 「缺少：」, which 待核实事项 gives by
    department, becomes 「（缺少项见待核实事项）」; the rule heading the reasons
    (「规则 R4「整治提升」：」) goes, the path having its own column.

    >>> text, refs = short_reason("规则 R2「功能转型」：甲 [越政发〔2022〕24号 第七条第19项]\\n"
    ...     "· 规则 R1 无法判定（缺少：能耗（吨）〔统计局〕），暂按后续规则")
    >>> print(text)
    甲
    · 规则 R1 无法判定（缺少项见待核实事项），暂按后续规则
    >>> refs
    ('越政发〔2022〕24号 第七条第19项',)
    """
    if is_missing(reasons):
        return None, ()
    text, refs = split_citations(str(reasons))
    text = _RULE_HEAD.sub("", text)
    out, pos = [], 0
    while (start := text.find(_MISSING, pos)) >= 0:
        end = _closing(text, start)
        out += [text[pos:start], _SEE_BELOW]
        pos = end + 1
    out.append(text[pos:])
    return "".join(out) or None, refs


def _closing(text: str, start: int) -> int:
    """Where the bracket opened at ``start`` closes (the end of the text when it does not)."""
    if (m := _SIMPLE_LIST.match(text, start)) is not None:
        return m.end() - 1  # brackets inside only in pairs, none within another: it closes there
    stack: list[str] = []
    for m in _BRACKET.finditer(text, start):  # only brackets open or close
        ch = m.group()
        if ch in _CLOSE:
            stack.append(_CLOSE[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                return m.start()
    return len(text) - 1


def _status(path_status: object, override: object) -> str:
    """符合 / 待核实 as computed; 人工认定 where a person's decision was applied."""
    if override == "已采用":
        return MANUAL
    status = TO_VERIFY if is_missing(path_status) else str(path_status)
    return status + _STALE if override == "待复核" else status


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def _column(frame: pd.DataFrame, name: str, order: np.ndarray | None = None) -> pd.Series:
    """The column ``name`` as objects (``None`` when absent), its rows in ``order`` (positions;
    all as they are when ``None``), indexed from 0."""
    if name not in frame.columns:
        return pd.Series([None] * len(frame if order is None else order), dtype=object)
    values = frame[name].to_numpy(dtype=object)
    return pd.Series(values if order is None else values[order], dtype=object)


def _order(frame: pd.DataFrame) -> np.ndarray:
    """The positions of ``frame``'s rows by 镇街 (行政区划代码 order,
    :func:`~landgov.core.townnames.township_order`), then 四个一批 path (in the paths' order),
    then 宗地代码; missing ones last."""
    order = {p.value: k for k, p in enumerate(TreatmentPath)}
    town = _column(frame, "township")
    codes = _column(frame, "parcel_id")
    keys = pd.DataFrame(
        {
            "town_missing": each_distinct(is_missing, town),
            "town": township_order(town, codes).positions(town),
            "path": each_distinct(
                lambda p: order.get(_text(p), len(order)), _column(frame, "path")
            ),
            "code": each_distinct(_text, codes),
        },
    )
    ranks = keys.sort_values(["town_missing", "town", "path", "code"], kind="stable")
    return ranks.index.to_numpy()


def print_sheet(governance: pd.DataFrame) -> pd.DataFrame:
    """The 治理清单（打印） rows: one per row of ``governance`` (the 治理清单 frame), sorted.

    主要理由 and 依据 both come from the row's ``reasons`` (:func:`short_reason`): the text without
    its citations, and those citations once each. Each distinct text is read once, and only the
    columns printed are put in order.
    """
    order = _order(governance)

    def column(name: str) -> pd.Series:
        return _column(governance, name, order)

    split = each_distinct(short_reason, column("reasons"))
    holders = column("holder")
    status: dict[tuple[object, object], str] = {}  # (path_status, override_status) → 状态
    out = pd.DataFrame(
        {
            "序号": range(1, len(order) + 1),
            "镇街": column("township").to_numpy(),
            "宗地代码": column("parcel_id").to_numpy(),
            "权利人": holders.to_numpy(),
            "面积\n（亩）": pd.to_numeric(column("area_mu"), errors="coerce").to_numpy(),
            "亩均税收\n（万元/亩）": (
                pd.to_numeric(column("tax_per_mu"), errors="coerce").to_numpy()
            ),
            PATH_HEAD: column("path").to_numpy(),
            STATUS_HEAD: [
                status[key] if key in status else status.setdefault(key, _status(*key))
                for key in zip(
                    column("path_status").tolist(), column("override_status").tolist(), strict=True
                )
            ],
            "主要理由": [text for text, _ in split],
            "依据": ["\n".join(refs) or None for _, refs in split],
            "待核实事项": [
                _by_department(items, holder)
                for items, holder in zip(
                    each_distinct(_items, column("to_verify")), holders.tolist(), strict=True
                )
            ],
        }
    )
    return out[[name for name, _ in PRINT_COLUMNS]]
