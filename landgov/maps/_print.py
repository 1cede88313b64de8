"""Print-map page set-up: paper, numeric scale, the CRS in words, 制图单位 and 制图日期, and the
lines every handed-out map carries: the policy (:func:`policy_text`) and where its data came
from (:func:`source_text`).

A print map is a page of a known size (A4 or A3, portrait or landscape) whose PDF has exactly
that size, at a round numeric scale (1:10,000, 1:25,000 …) so that a ruler on the paper
measures the ground; the graphic scale bar is drawn at the same scale. The CRS line names the
datum, the zone width and the central meridian read from the CRS itself (「CGCS2000 3度带
高斯-克吕格投影 中央经线 120°E（EPSG:4549）」).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyproj import CRS

from landgov.core.dates import date_text
from landgov.errors import InputError

__all__ = [
    "ORIENTATIONS",
    "PAPERS",
    "SOURCE_LABELS",
    "PrintLayout",
    "crs_text",
    "footer_lines",
    "nice_scale",
    "policy_text",
    "source_text",
    "text_width_mm",
]

#: Paper sizes in millimetres (portrait: width, height), ISO 216.
PAPERS: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ORIENTATIONS = {"landscape": "横向", "portrait": "纵向"}
MM_PER_INCH = 25.4
#: Round scale denominators a map is printed at (per decade), fine enough to fill the frame.
_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)


@dataclass(frozen=True)
class PrintLayout:
    """How a print map is laid out.

    Attributes
    ----------
    paper
        ``A4`` or ``A3``.
    orientation
        ``landscape`` (横向) or ``portrait`` (纵向).
    organisation
        制图单位 printed in the footer (``None``: the line is left out).
    date
        制图日期 (default: today).
    township_table
        Add a per-镇街 table (宗数, 治理清单, 四个一批) beside the legend.
    scale
        Numeric scale denominator (``10000`` for 1:10,000); ``None`` picks the smallest round
        scale at which the whole area fits the map frame.
    """

    paper: str = "A4"
    orientation: str = "landscape"
    organisation: str | None = None
    date: dt.date | None = None
    township_table: bool = False
    scale: int | None = None

    def __post_init__(self) -> None:
        paper = str(self.paper).upper()
        if paper not in PAPERS:
            raise InputError(f"纸张只能是 {'、'.join(PAPERS)}，所见值 {self.paper!r}")
        object.__setattr__(self, "paper", paper)
        if self.orientation not in ORIENTATIONS:
            raise InputError(
                f"方向只能是 landscape（横向）或 portrait（纵向），所见值 {self.orientation!r}"
            )
        if self.scale is not None and int(self.scale) < 100:
            raise InputError(f"比例尺分母须不小于 100，所见值 {self.scale!r}")

    @property
    def size_mm(self) -> tuple[float, float]:
        """(width, height) of the page in millimetres."""
        w, h = PAPERS[self.paper]
        return (h, w) if self.orientation == "landscape" else (w, h)

    @property
    def size_in(self) -> tuple[float, float]:
        """(width, height) of the page in inches (matplotlib's figure size)."""
        w, h = self.size_mm
        return w / MM_PER_INCH, h / MM_PER_INCH

    @property
    def label(self) -> str:
        """``A3 横向``."""
        return f"{self.paper} {ORIENTATIONS[self.orientation]}"

    def date_text(self) -> str:
        """制图日期 as every date on the page is written (``2026-12-01``,
        :func:`landgov.core.dates.date_text`)."""
        return date_text(self.date or dt.date.today())


def nice_scale(needed: float) -> int:
    """The smallest round scale denominator not below ``needed`` (1, 1.2, 1.5 … 8 × 10ⁿ)."""
    if not math.isfinite(needed) or needed <= 0:
        return 1000
    exp = 10 ** math.floor(math.log10(needed))
    for step in (*_STEPS, 10.0):
        if step * exp >= needed * (1 - 1e-9):
            return round(step * exp)
    return round(10 * exp)


def _param(crs: CRS, name: str) -> Any:
    op = crs.coordinate_operation
    if op is None:
        return None
    return next((p.value for p in op.params if p.name == name), None)


def crs_text(crs: Any) -> str:
    """The CRS in words: datum, zone width, projection, central meridian and EPSG code.

    >>> crs_text(4549)
    'CGCS2000 3度带高斯-克吕格投影 中央经线 120°E（EPSG:4549）'
    """
    try:
        c = CRS.from_user_input(crs)
    except Exception:
        return f"坐标系 {crs}（无法识别）"
    name = c.name or ""
    geod = c.geodetic_crs.name if c.geodetic_crs is not None else ""
    datum = (
        "CGCS2000"
        if "CGCS2000" in name or "China Geodetic Coordinate System 2000" in geod
        else ("WGS 84" if "WGS 84" in name or "WGS 84" in geod else geod or name)
    )
    epsg = c.to_epsg()
    code = f"（EPSG:{epsg}）" if epsg else ""
    if not c.is_projected:
        return f"{datum} 地理坐标（经纬度）{code}"
    parts = [datum]
    method = c.coordinate_operation.method_name if c.coordinate_operation else ""
    if "Gauss-Kruger" in name or "Transverse Mercator" in (method or ""):
        width = "3度带" if "3-degree" in name else ("6度带" if "6-degree" in name else "")
        kind = "UTM 投影" if "UTM" in name else "高斯-克吕格投影"
        parts.append(f"{width}{kind}")
    cm = _param(c, "Longitude of natural origin")
    if isinstance(cm, int | float):
        parts.append(f"中央经线 {cm:g}°E")
    easting = _param(c, "False easting")
    if isinstance(easting, int | float) and easting >= 1_000_000:
        parts.append(f"带号 {int(easting // 1_000_000)}")
    return " ".join(parts) + code


_DOCNUM = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")


def policy_text(manifest: Mapping[str, Any]) -> str | None:
    """The policy a run used, as a reader quotes it: the 文号 of the profile's document, then
    the profile's name and version; ``None`` when the manifest names no profile.

    >>> policy_text({"profile": {"name": "yuecheng-2022", "version": "2022.1",
    ...     "title": "越城区、滨海新区“1515”专项行动（越政发〔2022〕24号）"}})
    '越政发〔2022〕24号（配置 yuecheng-2022 v2022.1）'
    >>> policy_text({"profile": {"name": "demo", "title": "示例配置"}})
    '示例配置（配置 demo）'
    """
    prof = manifest.get("profile")
    if not isinstance(prof, Mapping):
        return str(prof) if prof else None
    title = str(prof.get("title") or "")
    head = "、".join(dict.fromkeys(_DOCNUM.findall(title))) or title
    version = f" v{prof['version']}" if prof.get("version") else ""
    config = f"配置 {prof['name']}{version}" if prof.get("name") else ""
    if head and config:
        return f"{head}（{config}）"
    return head or config or None


#: What each input file of a run is, in the fewest words (the roles of
#: :class:`landgov.run.files.RunInputs`, as the manifest's ``inputs`` names them).
SOURCE_LABELS: Mapping[str, str] = {
    "parcels": "宗地",
    "enterprises": "企业",
    "links": "地企关联",
    "compliance": "违法违规",
    "planning": "规划",
    "demolition": "拆迁计划",
    "townships": "镇街边界",
    "buildings": "建筑轮廓",
    "height_raster": "建筑高度",
    "special_zones": "特殊片区",
    "applications": "增容申请",
    "approved": "批而未供",
}


def _input_files(manifest: Mapping[str, Any]) -> dict[str, str]:
    """``{role: file name}`` of every input the manifest records, its stages' too (screening
    first), in the order the manifest lists them; the name only, never the folder."""
    found: dict[str, str] = {}
    stages = manifest.get("stages")
    sections = [manifest, *(stages.values() if isinstance(stages, Mapping) else ())]
    for section in sections:
        inputs = section.get("inputs") if isinstance(section, Mapping) else None
        for role, entry in (inputs or {}).items() if isinstance(inputs, Mapping) else ():
            path = entry.get("path") if isinstance(entry, Mapping) else entry
            if isinstance(path, str) and path.strip() and role not in found:
                # the last part of a Windows or a POSIX path: a folder may name the user
                found[str(role)] = re.split(r"[\\/]", path.strip())[-1]
    return found


def source_text(manifest: Mapping[str, Any], *, names: bool = True) -> str:
    r"""Where a map's data came from, in one line: each input file by what it is and its file
    name (never its folder: a path can name the user), then the run's date.

    ``names=False`` (a redacted map) says what the inputs were without their file names.
    Every handed-out map (briefing, print map, 联席会议 material, progress map) prints this line.

    >>> source_text({"as_of": "2026-06-30", "inputs": {
    ...     "parcels": {"path": "/home/zhang/2026/parcels.shp"},
    ...     "enterprises": {"path": "C:\\Users\\zhang\\enterprises.xlsx"}}})
    '数据来源：宗地 parcels.shp、企业 enterprises.xlsx；数据截至 2026-06-30'
    >>> source_text({"inputs": {"parcels": {"path": "a/parcels.shp"}}}, names=False)
    '数据来源：宗地；数据截至 未记录'
    >>> source_text({})
    '数据来源：未记录；数据截至 未记录'
    """
    files = _input_files(manifest)
    parts = [
        " ".join(p for p in (SOURCE_LABELS.get(role, ""), name if names else "") if p) or name
        for role, name in files.items()
    ]
    day = date_text(manifest.get("data_date") or manifest.get("as_of"), blank="未记录")
    return f"数据来源：{'、'.join(parts) or '未记录'}；数据截至 {day}"


MM_PER_PT = 25.4 / 72
_GAP = "    "


def text_width_mm(text: str, *, size_pt: float) -> float:
    """A generous estimate of the printed width of ``text``: a full em per CJK or full-width
    character, 0.6 em for the rest."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)
    return (wide + 0.6 * (len(text) - wide)) * size_pt * MM_PER_PT


def _broken(item: str, *, width_mm: float, size_pt: float) -> list[str]:
    """``item`` in lines no wider than ``width_mm``, broken after 「、」 or 「；」 only."""
    lines: list[str] = []
    for part in re.split(r"(?<=[、；])", item):
        if lines and text_width_mm(lines[-1] + part, size_pt=size_pt) <= width_mm:
            lines[-1] += part
        elif part:
            lines.append(part)
    return lines


def footer_lines(items: Sequence[str], *, width_mm: float, size_pt: float) -> list[str]:
    """The footer items packed into lines no wider than ``width_mm``; an item is split only when
    it is wider than a line by itself, and then after a 「、」 or 「；」 (a list of files).

    >>> footer_lines(["比例尺 1:10,000", "制图日期：2026-12-01"], width_mm=200, size_pt=7.5)
    ['比例尺 1:10,000    制图日期：2026-12-01']
    >>> footer_lines(["比例尺 1:10,000", "制图日期：2026-12-01"], width_mm=30, size_pt=7.5)
    ['比例尺 1:10,000', '制图日期：2026-12-01']
    >>> footer_lines(["数据来源：宗地 parcels.shp、企业 enterprises.xlsx；数据截至 2026-06-30"],
    ...              width_mm=60, size_pt=7.5)
    ['数据来源：宗地 parcels.shp、', '企业 enterprises.xlsx；', '数据截至 2026-06-30']
    """
    lines: list[str] = []
    for item in items:
        if text_width_mm(item, size_pt=size_pt) > width_mm:
            lines += _broken(item, width_mm=width_mm, size_pt=size_pt)
            continue
        joined = f"{lines[-1]}{_GAP}{item}" if lines else item
        if lines and text_width_mm(joined, size_pt=size_pt) <= width_mm:
            lines[-1] = joined
        else:
            lines.append(item)
    return lines
