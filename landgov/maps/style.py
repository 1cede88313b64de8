"""One frozen style object for every map landgov draws (interactive and static).

Instead of thirty drawing arguments (the anti-example is ``geopandas.explore``), every colour,
class scheme and size lives here, validated once; pass a modified copy with
:func:`dataclasses.replace` to change one of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["DEFAULT_STYLE", "THEMES", "MapStyle"]

#: Parcel themes a map can show, in the order of the layer switcher (key → 中文名).
THEMES: Mapping[str, str] = MappingProxyType(
    {
        "tax": "亩均税收",
        "grade": "亩均评价等级",
        "path": "四个一批路径",
        "far": "增容评估",
        "progress": "治理进度",  # with a 治理台账 (landgov.maps._progress)
        "change": "年度变化",  # with a 动态评价 (landgov.maps._progress)
    }
)

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class MapStyle:
    """Colours, class schemes and sizes of the briefing maps.

    Attributes
    ----------
    grade_colors
        Fill per 亩均评价等级 (A/B/C/D); parcels without a grade use ``no_data_color``.
    path_colors
        Fill per 四个一批 path; parcels not on the 治理清单 use ``background_color``.
    zengrong_colors
        Fill per 增容 verdict (可申报 is split by headroom into ``headroom_classes`` shades
        of ``zengrong_colors["可申报"]``).
    tax_cmap
        Matplotlib colormap name for 亩均税收 (low = red, high = green by default).
    tax_scheme, tax_classes
        mapclassify scheme name and class count for 亩均税收 when no explicit breaks are given.
    tax_breaks
        Explicit upper class bounds in 万元/亩 (for example a profile's thresholds); the low
        efficiency threshold, when known, is always added as a break.
    quantize_zoom
        Web-Mercator zoom whose pixel is the coordinate quantum of the compact encoding
        (19 ≈ 0.26 m in Zhejiang: what the screen can show at the closest zoom).
    max_parcels
        Above this many parcels the interactive map shows the township aggregate instead.
    """

    grade_colors: Mapping[str, str] = field(
        default_factory=lambda: _frozen(
            {"A": "#1a9850", "B": "#91cf60", "C": "#fc8d59", "D": "#d73027"}
        )
    )
    path_colors: Mapping[str, str] = field(
        default_factory=lambda: _frozen(
            {
                "拆除重建": "#e31a1c",
                "整治提升": "#ff7f00",
                "功能转型": "#6a3d9a",
                "关停退出": "#252525",
            }
        )
    )
    zengrong_colors: Mapping[str, str] = field(
        default_factory=lambda: _frozen(
            {"可申报": "#1b7837", "不可申报": "#c51b7d", "待核实": "#f6c142"}
        )
    )
    no_data_color: str = "#bdbdbd"
    pending_color: str = "#f6c142"
    background_color: str = "#e6e6e6"
    outline_color: str = "#4d4d4d"
    block_color: str = "#d7191c"
    township_color: str = "#2c4a9a"
    approved_color: str = "#8c510a"  # 批而未供 batches: brown hatch-like outline
    blank_basemap_color: str = "#f7f5f0"
    fill_opacity: float = 0.8
    tax_cmap: str = "RdYlGn"
    tax_scheme: str = "Quantiles"
    tax_classes: int = 5
    tax_breaks: tuple[float, ...] | None = None
    headroom_classes: int = 3
    quantize_zoom: int = 19
    max_zoom: int = 19
    max_parcels: int = 300_000
    static_size_in: tuple[float, float] = (11.69, 8.27)  # A4 landscape
    static_dpi: int = 200
    cjk_fonts: tuple[str, ...] = (
        "Noto Sans CJK SC",
        "Noto Sans SC",
        "Source Han Sans SC",
        "Source Han Sans CN",
        "WenQuanYi Zen Hei",
        "WenQuanYi Micro Hei",
        "Microsoft YaHei",
        "SimHei",
        "PingFang SC",
        "Heiti SC",
    )

    def __post_init__(self) -> None:
        problems = []
        for name in ("grade_colors", "path_colors", "zengrong_colors"):
            mapping = getattr(self, name)
            object.__setattr__(self, name, _frozen(mapping))
            problems += [f"{name}[{k!r}]={v!r}" for k, v in mapping.items() if not _HEX.match(v)]
        for name in (
            "no_data_color",
            "pending_color",
            "background_color",
            "outline_color",
            "block_color",
            "township_color",
            "approved_color",
            "blank_basemap_color",
        ):
            if not _HEX.match(getattr(self, name)):
                problems.append(f"{name}={getattr(self, name)!r}")
        if problems:
            raise ValueError("颜色须写成 #RRGGBB：" + "，".join(problems))
        if not 0.0 < self.fill_opacity <= 1.0:
            raise ValueError(f"fill_opacity 须在 (0, 1] 内，所见值 {self.fill_opacity}")
        if not 2 <= self.tax_classes <= 9 or not 1 <= self.headroom_classes <= 5:
            raise ValueError("tax_classes 须在 2–9，headroom_classes 须在 1–5")
        if not 10 <= self.quantize_zoom <= 22 or not 1 <= self.max_zoom <= 22:
            raise ValueError("quantize_zoom 须在 10–22，max_zoom 须在 1–22")
        if self.tax_breaks is not None:
            breaks = tuple(float(b) for b in self.tax_breaks)
            if list(breaks) != sorted(set(breaks)):
                raise ValueError(f"tax_breaks 须严格递增，所见值 {self.tax_breaks}")
            object.__setattr__(self, "tax_breaks", breaks)
        if self.max_parcels < 1:
            raise ValueError("max_parcels 须为正数")


DEFAULT_STYLE = MapStyle()
