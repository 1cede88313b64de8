"""What the popups show (the 地企档案), as data: sections of labelled fields.

The page never turns data into HTML: ``landgov-map.js`` builds each popup with
``textContent`` from the field list below and the column-oriented attributes, so a value such
as ``<img src=x onerror=…>`` is shown as text. Fields marked ``sensitive`` (names, credit codes)
or ``money`` are left out of redacted maps, together with their data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from landgov.core.columns import COLUMNS, short_label, unit_text
from landgov.core.compare import MEASURED_DIGITS
from landgov.core.counts import ENTERPRISE, PLOT
from landgov.far.zengrong import CONDITION_LABELS
from landgov.maps._encode import display_values

__all__ = [
    "APPLICATION_SECTIONS",
    "APPROVED_SECTIONS",
    "BLOCK_SECTIONS",
    "PARCEL_SECTIONS",
    "Field",
    "shown_sections",
    "township_fields",
]


@dataclass(frozen=True)
class Field:
    """One line of a popup.

    ``kind`` is ``text``, ``num``, ``bool`` (是/否, from booleans or 1/0), ``list`` (split on
    "；"), ``lines`` (one item per line) or ``status`` (a 符合/不符合/待核实/待承诺 badge);
    ``digits`` is used for ``num``; ``grouping`` ``False`` shows a ``num`` that names something
    (a year) as written, 「2026」, never 「2,026」; ``mark`` names a text column shown right
    after the value (「（按高度估算）」 after a 建筑面积, 容积率 or 可增建筑面积 resting on an
    estimated floor area); ``against`` names the column of the threshold the figure is judged
    against and is shown beside (容积率 and 容积率下限): each value then keeps as many decimals
    as tell it from that threshold (:func:`landgov.core.compare.shown`: 0.6999 against 0.7,
    never 「0.7 / 0.7」), so the page may print up to :data:`~landgov.core.compare.MEASURED_DIGITS`
    decimals (``shown_digits``).
    """

    key: str
    label: str
    kind: str = "text"
    digits: int = 2
    unit: str = ""
    money: bool = False
    sensitive: bool = False
    grouping: bool = True
    mark: str = ""
    against: str = ""

    @property
    def shown_digits(self) -> int:
        """The most decimals the page prints: ``digits``, or those :func:`shown` may keep."""
        return MEASURED_DIGITS if self.against else self.digits

    def spec(self) -> dict[str, Any]:
        """The part the page needs (``"g": 0``: no thousands separator)."""
        kind = "text" if self.kind == "bool" else self.kind
        spec = {"k": self.key, "l": self.label, "t": kind, "u": self.unit, "d": self.shown_digits}
        if self.mark:
            spec["m"] = self.mark
        return spec if self.grouping else {**spec, "g": 0}

    def encoding(self) -> tuple[str, int] | tuple[str, int, str]:
        """(kind, digits) for :func:`landgov.maps._encode.encode_columns`, with ``against``
        as a third item when the figure is shown beside its threshold."""
        kind = self.kind if self.kind in ("num", "bool", "lines") else "text"
        return (kind, self.digits, self.against) if self.against else (kind, self.digits)

    def values(self, frame: pd.DataFrame) -> list[Any]:
        """This field's column of ``frame`` as every map shows it
        (:func:`landgov.maps._encode.display_values`), beside its ``against`` column when the
        frame has it."""
        kind, digits = self.encoding()[:2]
        against = frame[self.against] if self.against in frame.columns else None
        return display_values(frame[self.key], kind, digits, against=against)


def _col(key: str, *args: Any, **kwargs: Any) -> Field:
    """A field labelled by the column registry (:func:`landgov.core.columns.short_label`).

    Fields written with :class:`Field` directly keep a popup wording of their own.
    """
    return Field(key, short_label(key), *args, **kwargs)


#: The verdict first (筛查结论, 四个一批 path, reasons), then the 档案 below it.
PARCEL_SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    (
        f"筛查结论与{short_label('path')}",
        (
            _col("screening_status", "status"),
            _col("path"),
            _col("path_status", "status"),
            # 人工认定 (landgov screen --overrides): the decided verdict above, the computed
            # one and the record (认定人、日期、理由、文件依据) here
            Field("override", "人工认定", "lines"),
            Field("screening_status_computed", "计算筛查结论", "status"),
            _col("path_computed"),
            _col("reasons", "lines"),
            _col("missing", "list"),
        ),
    ),
    (
        "宗地档案",
        (
            _col("parcel_id"),
            _col("township"),
            _col("holder", sensitive=True),
            _col("land_use"),
            _col("right_type"),
            _col("area_mu", "num", 2, "亩"),
            # 「（按高度估算）」 after both where the floor area was counted from heights
            _col("floor_area_m2", "num", 0, "平方米", mark="far_mark"),
            # judged against 容积率下限 (用而未尽): shown with the digits that tell them apart
            _col("far", "num", 2, mark="far_mark", against="far_floor"),
            _col("far_declared", "num", 2),
        ),
    ),
    (
        "企业",
        (
            _col("n_enterprises", "num", 0, "家"),
            Field("enterprise_detail", "在地企业", "lines", sensitive=True),
            Field("enterprise_names", "在地企业", "list", sensitive=True),
            _col("usccs", "list", sensitive=True),
        ),
    ),
    (
        "亩均效益",
        (
            _col("tax_wan", "num", 2, "万元", money=True),
            _col("value_added_wan", "num", 2, "万元", money=True),
            _col("tax_per_mu", "num", 2, "万元/亩", money=True),
            _col("value_added_per_mu", "num", 2, "万元/亩", money=True),
        ),
    ),
    (
        "评价",
        (
            _col("grade"),
            _col("low_efficiency", "bool"),
            _col("flags", "list"),
            _col("block_id"),
        ),
    ),
    (
        "增容（容积率提升）",
        (
            _col("zengrong", "status"),
            Field("far_floor", "容积率下限", "num", 2, against="far"),
            Field("headroom_m2", "可增建筑面积", "num", 0, "平方米", mark="headroom_mark"),
            # The 增容 check's own labels: one wording, no profile value (the 亩 threshold is
            # in the condition's reason, read from the profile by the check).
            Field("cond_scope", CONDITION_LABELS["scope"], "status"),
            *(Field(f"cond_{i}", CONDITION_LABELS[f"cond{i}"], "status") for i in range(1, 9)),
            Field("zengrong_override", "增容人工认定", "lines"),
            Field("zengrong_computed", "计算" + short_label("zengrong"), "status"),
            Field("zengrong_reasons", "增容理由", "lines"),
        ),
    ),
)

BLOCK_SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    (
        "连片地块",
        (
            _col("block_id"),
            _col("area_mu", "num", 1, "亩"),
            _col("large", "bool"),
            _col("n_parcels", "num", 0, "宗"),
            _col("n_enterprises", "num", 0, "家"),
            Field("tax_wan", "税收合计", "num", 2, "万元", money=True),
            _col("tax_per_mu", "num", 2, "万元/亩", money=True),
            _col("paths", "list"),
            _col("parcel_ids", "list"),
        ),
    ),
)

APPROVED_SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    (
        "批而未供（已批未供，不列入治理清单）",
        (
            _col("batch_name"),
            _col("approval_no"),
            _col("approval_date"),
            _col("years_since_approval", "num", 0, "年"),
            _col("township"),
            _col("unsupplied_mu", "num", 2, "亩"),
            _col("area_source"),
            _col("approved_status", "status"),
            _col("approved_note"),
        ),
    ),
)

#: 增容 applications (layer ``far_applications``): the verdict first, then the request.
APPLICATION_SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    (
        "增容申请审查结论",
        (
            _col("zengrong", "status"),
            Field("zengrong_override", "人工认定", "lines"),
            Field("zengrong_computed", "计算" + short_label("zengrong"), "status"),
            Field("zengrong_reasons", "结论说明", "lines"),
            Field("cond_scope", CONDITION_LABELS["scope"], "status"),
            *(Field(f"cond_{i}", CONDITION_LABELS[f"cond{i}"], "status") for i in range(1, 9)),
        ),
    ),
    (
        "申请",
        (
            Field("application_id", "申请编号"),
            Field("application_date", "申请日期"),
            Field("parcel_id", "宗地代码"),
            Field("township", "镇街"),
            Field("enterprise_name", "申请企业", sensitive=True),
            Field("uscc", "统一社会信用代码", sensitive=True),
            Field("project_name", "项目名称", sensitive=True),
            Field("added_floor_m2", "新增建筑面积", "num", 0, "平方米"),
            Field("far", "现状容积率", "num", 2),
            Field("far_after", "实施后容积率", "num", 2),
            Field("tax_per_mu_after_wan", "实施后亩均税收", "num", 2, "万元/亩", money=True),
        ),
    ),
)

_TOWNSHIP_KNOWN = {
    "township": _col("township"),
    "n_parcels": _col("n_parcels", "num", 0, "宗"),
    # every plot of the 底数清单 (仓储、商服… too, with their 范围说明): not 「工业用地面积」
    "area_mu": _col("area_mu", "num", 1, "亩"),
    "governance_area_mu": _col("governance_area_mu", "num", 1, "亩"),
    "n_governance": Field("n_governance", "治理清单宗数", "num", 0, "宗"),
    "tax_per_mu_above_scale": _col("tax_per_mu_above_scale", "num", 2, "万元/亩", money=True),
    "target_tax_per_mu": Field(
        "target_tax_per_mu", "规上亩均税收目标", "num", 2, "万元/亩", money=True
    ),
    "n_enterprises": _col("n_enterprises", "num", 0, "家"),
    "n_to_verify": Field("n_to_verify", "待核实宗数", "num", 0, "宗"),
    "n_above_scale": _col("n_above_scale", "num", 0, "家"),
    "above_scale_land_mu": Field("above_scale_land_mu", "规上企业用地", "num", 1, "亩"),
    "tax_per_mu_target": _col("tax_per_mu_target", "num", 2, "万元/亩", True),
    "tax_per_mu_gap": Field("tax_per_mu_gap", "规上亩均税收差距", "num", 2, "万元/亩", True),
    "tax_per_mu_target_year": _col("tax_per_mu_target_year", "num", 0, grouping=False),
    "value_added_per_mu_above_scale": _col(
        "value_added_per_mu_above_scale", "num", 2, "万元/亩", True
    ),
    "value_added_per_mu_target": _col("value_added_per_mu_target", "num", 2, "万元/亩", True),
    "renewal_target_mu": Field("renewal_target_mu", "盘活目标", "num", 0, "亩"),
    "renewal_target_year": _col("renewal_target_year", "num", 0, grouping=False),
    "n_approved": _col("n_approved", "num", 0, "批"),
    "approved_area_mu": _col("approved_area_mu", "num", 1, "亩"),
    "n_approved_to_verify": _col("n_approved_to_verify", "num", 0, "批"),
    "renewal_potential_mu": _col("renewal_potential_mu", "num", 1, "亩"),
    "target_source": _col("target_source"),
    **{
        f"n_{key}": Field(f"n_{key}", label, "num", 0, PLOT)
        for key, label in (
            ("demolish_rebuild", "拆除重建"),
            ("rectify", "整治提升"),
            ("transform", "功能转型"),
            ("exit", "关停退出"),
        )
    },
    # grades are counted over enterprises (landgov.core.counts): 家, never 宗
    **{
        f"n_{key}": Field(f"n_{key}", label, "num", 0, ENTERPRISE)
        for key, label in (
            ("grade_A", "A 类企业"),
            ("grade_B", "B 类企业"),
            ("grade_C", "C 类企业"),
            ("grade_D", "D 类企业"),
            ("grade_none", "未评价企业"),
        )
    },
}
#: Not shown: the geometry, and the 治理清单 area as a share of the 盘活 target (being listed
#: is not 盘活; a reader would take it for progress).
_TOWNSHIP_HIDDEN = frozenset({"geometry", "renewal_share"})
_MONEY_HINTS = ("tax", "value_added", "_wan", "revenue", "税", "增加值", "营收")


def township_fields(frame: pd.DataFrame) -> tuple[Field, ...]:
    """Popup fields for the township layer, from whatever summary columns it has.

    Known columns get Chinese labels; ``n_<路径>``-style counts become "<路径>（宗）"; a column
    of the registry (:data:`landgov.core.columns.COLUMNS`) takes its label, unit and kind
    (numbers rounded like the sheet, never ``421569.97000000003``); any other column is shown
    under its own name, as a number when its dtype is numeric. Columns that look like money are
    marked as such.
    """
    out = []
    for col in frame.columns:
        if col in _TOWNSHIP_HIDDEN:
            continue
        if col in _TOWNSHIP_KNOWN:
            out.append(_TOWNSHIP_KNOWN[col])
        elif col.startswith("n_") and not col[2:].isascii():
            out.append(Field(col, f"{col[2:]}（宗）", "num", 0))
        elif col in COLUMNS:
            out.append(_registered(col))
        else:
            money = any(h in col.lower() for h in _MONEY_HINTS)
            out.append(
                Field(col, col, "num" if col.startswith(("n_", "area")) else "text", 2, money=money)
            )
    return tuple(out)


#: (popup kind, digits) per registry kind; dates and text are shown as written.
_KIND_DIGITS = {
    "int": 0,
    "year": 0,
    "row": 0,
    "area": 1,
    "float": 2,
    "money": 2,
    "ratio": 2,
    "percent": 3,
}


def _registered(col: str) -> Field:
    """A township field labelled, unitised and rounded by the column registry."""
    spec = COLUMNS[col]
    digits = _KIND_DIGITS.get(spec.kind)
    money = spec.kind == "money" or "万元" in spec.unit  # a 目标年份 is no money
    if digits is None:
        return Field(col, short_label(col), "bool" if spec.kind == "bool" else "text", money=money)
    grouping = spec.kind not in ("year", "row")  # a year or a row number is no amount
    unit = unit_text(spec.unit)  # 「平方米」「万元/吨标准煤」, as the GeoPackage describes it
    return Field(col, short_label(col), "num", digits, unit, money=money, grouping=grouping)


Sections = tuple[tuple[str, tuple[Field, ...]], ...]
#: What a redacted map calls the fields that held 宗地代码: their values are 「地块 0001」 labels
#: (:func:`landgov.maps._redact.plot_labels`), not codes.
_REDACTED_LABELS = {"parcel_id": "地块序号（脱敏）", "parcel_ids": "地块序号（脱敏）"}


def shown_sections(sections: Sections, *, redacted: bool) -> Sections:
    """``sections`` as a map shows them: on a redacted map the 宗地代码 fields are relabelled."""
    if not redacted:
        return sections
    return tuple(
        (title, tuple(replace(f, label=_REDACTED_LABELS.get(f.key, f.label)) for f in fields))
        for title, fields in sections
    )
