"""What to collect for a 待核实, and from which department: one table for every input field.

The checks name a missing input in a compact internal form (``企业表字段 energy_tce（综合能耗，
9133…）``, ``宗地字段 tax_per_mu（亩均税收）或 tax_wan（税收）``, ``地企关联表 pairs（…）``).
People who go and collect the data need something else: the item in Chinese, the department
that holds it, and the enterprise it is about. :func:`render_text` rewrites every internal form
in a text (a ``to_verify``/``missing`` list or a ``reasons`` line) into

    综合能耗（统计局；绍兴某某有限公司，91330602…）

and :func:`parse_item` reads such an item back (the 核实 workbook and the problems sheet group
by it). The department of each field is :data:`FIELD_SOURCES`, the one place to change it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

__all__ = [
    "DEPARTMENTS",
    "DERIVED",
    "FIELD_SOURCES",
    "NO_COMPLIANCE_TABLE",
    "NO_DEMOLITION_LAYER",
    "NO_LINK",
    "NO_ZONE_LAYER",
    "PLOT_AREA",
    "PLOT_FLOOR",
    "PLOT_TAX",
    "Item",
    "Need",
    "Source",
    "field_item",
    "filed",
    "parse_item",
    "render_text",
    "split_items",
]


DERIVED = "无需收集"
"""The department of an item landgov derives from the others (nothing to ask anyone)."""


@dataclass(frozen=True)
class Source:
    """One input as a person collects it: what it is called and which department holds it."""

    label: str
    department: str


#: Field (canonical column of the readers, or an internal key) → what to collect and from whom.
FIELD_SOURCES: dict[str, Source] = {
    "energy_tce": Source("综合能耗（吨标准煤）", "统计局"),
    "fuel_tce": Source("非电能源消费量（折标准煤）", "统计局"),
    "power_10k_kwh": Source("用电量（万千瓦时）", "供电公司"),
    "built_year": Source("项目投产年份", "经信局"),
    "two_high_assessment": Source("“两高”项目逐一评估结论（符合/不符合要求）", "发改局"),
    "above_scale": Source("规上/规下", "统计局"),
    "land_mu": Source("企业实际用地面积（亩）", "自然资源局"),
    "tax_wan": Source("税收（万元）", "税务局"),
    "catalogue_class": Source("产业结构调整指导目录类别", "发改局"),
    "industry_code": Source("行业代码及分类版本", "统计局"),
    "grade": Source("亩均评价等级", "经信局"),
    "enterprise": Source("企业亩均效益数据（企业表中无此企业）", "经信局"),
    "link": Source("宗地上的企业（地企关联）", "自然资源局"),
    "floor_area_m2": Source("建筑面积（平方米）", "自然资源局"),
    "contract_start_date": Source("出让合同约定开工日期", "自然资源局"),
    "start_date": Source("实际开工日期或建筑面积", "自然资源局"),
    "completion_date": Source("竣工日期", "自然资源局"),
    "buildings": Source("建筑图层（覆盖该宗地）或现场核查是否已动工", "自然资源局"),
    "planning": Source("规划用途及工业用地控制线", "自然资源局"),
    "demolition": Source("近年拆迁计划范围", "房屋征收部门"),
    "compliance": Source("违法违规记录（整改情况、记录日期）", "综合行政执法局"),
    "record": Source("违法违规记录", "综合行政执法局"),
    "special_zones": Source("特殊片区范围（如马海片区）", "自然资源局"),
    "demolition_confirm": Source("拆迁计划确认", "房屋征收部门"),
    "planning_gap": Source("规划用途或工业用地控制线", "自然资源局"),
    "block": Source("是否属百亩以上连片（补齐本宗地其他缺项后重新运行即可判定）", DERIVED),
    "block_neighbour": Source(
        "是否属百亩以上连片（补齐相邻治理地块的缺项后重新运行即可判定）", DERIVED
    ),
    "area_m2": Source(
        "宗地面积（图形缺失、无效，或同一宗地代码有互不重叠的几块图形，核对宗地图形）", "自然资源局"
    ),
    "block_area": Source(
        "宗地面积（本宗地或所在连片地块中面积不明的宗地，核对图形或登记面积）", "自然资源局"
    ),
    # a check that would pass only by a 示例规则（非官方） threshold: the county's own figure
    "standard_tax_per_mu": Source("本地低效用地认定标准（亩均税收，本地文件数值）", "经信局"),
    "standard_two_high_tce": Source(
        "本地“两高”项目和用能项目年综合能耗评估门槛（本地文件数值）", "发改局"
    ),
    "standard_far": Source("本地容积率控制下限（本地文件数值）", "自然资源局"),
    "standard_idle_years": Source("本地闲置土地认定年限（本地文件数值）", "自然资源局"),
    "standard_catalogue_classes": Source(
        "本地列为问题的产业结构调整指导目录类别（本地文件）", "发改局"
    ),
    "standard_violation_rule": Source(
        "本地违法违规问题认定标准（计入的严重程度、记录时限，本地文件数值）", "综合行政执法局"
    ),
    "standard_planning_share": Source(
        "本地规划非工业用途面积比例认定标准（本地文件数值）", "自然资源局"
    ),
    "standard_evaluation_scope": Source(
        "本地亩均评价范围（制造业范围、规下企业用地下限，本地文件）", "经信局"
    ),
    "standard_governance_triggers": Source(
        "本地治理清单列入条件（哪些问题列入治理清单，本地文件）", "经信局"
    ),
    "standard_control_line_share": Source(
        "本地工业用地控制线外面积比例认定标准（本地文件数值）", "自然资源局"
    ),
    # 增容's own items (no reader field behind them; far.zengrong names them, filed by
    # :func:`filed`): the application is made by the enterprise to its 镇街 [附件3 四（一）], the
    # joint pre-review is led by 经信 [四（三）], planning and land by 自然资源
    "application": Source("增容申请表填报项", "申请企业"),
    "applicant": Source("申请企业", "属地镇街"),
    "standard_land": Source("区级公布的《标准地》控制指标（官方值）", "经信局"),
    "planning_confirm": Source("区自然资源和规划分局确认", "自然资源局"),
    "verified_area": Source("经核实的用地面积", "自然资源局"),
    "county_reading": Source("区级认定", "经信局"),
    "violation_reading": Source("区级认定：违法建设记录", "综合行政执法局"),
}

#: The internal form of a plot's missing tax (its 亩均税收 cannot be computed); rendered
#: 「税收（万元）〔税务局〕」.
PLOT_TAX = "宗地字段 tax_per_mu（亩均税收）或 tax_wan（税收）"
#: The internal form of a plot whose area is unknown (its 亩均税收 cannot be computed though
#: its tax is known); rendered 「宗地面积（…核对宗地图形）〔自然资源局〕」.
PLOT_AREA = "宗地字段 area_m2（宗地面积）"
#: The internal form of a plot whose 容积率 is unknown for want of its floor area (screening's
#: 用而未尽, 增容's cap); rendered 「建筑面积（平方米）〔自然资源局〕」.
PLOT_FLOOR = "宗地字段 floor_area_m2（建筑面积）、far 或 far_declared（容积率）"
#: The internal form of a plot no enterprise is linked to; rendered
#: 「宗地上的企业（地企关联）〔自然资源局〕」.
NO_LINK = "地企关联表 pairs（该宗地没有关联企业）"
#: The internal form of a run without a special-zone layer (增容 适用范围, 第七条第（二）项);
#: rendered 「特殊片区范围（如马海片区）〔自然资源局〕」.
NO_ZONE_LAYER = "特殊片区图层 special_zones"
#: The internal form of a run without a demolition-plan layer (screening's 拆迁计划 check and
#: 增容 condition 1 alike); rendered 「近年拆迁计划范围〔房屋征收部门〕」.
NO_DEMOLITION_LAYER = "拆迁计划图层 demolition"
#: The internal form of a run without a violation table (screening's 违法违规 check, 增容
#: conditions 1 and 3 alike); rendered 「违法违规记录（整改情况、记录日期）〔综合行政执法局〕」.
NO_COMPLIANCE_TABLE = (
    "违法违规记录表 compliance（uscc、parcel_id、category、severity、record_date、"
    "rectified 整改情况、rectified_date 整改完成日期）"
)


def field_item(field: str, words: str) -> str:
    """The internal form of an input of :data:`FIELD_SOURCES` (``field``) with ``words`` that
    say what about it is to be verified: a plot's cell that decides nothing as written
    (「约定开工日期「待定」无法识别为日期」, a month across the line, a recorded 0 that stands
    for a blank), a layer without a field the check reads. Rendered 「出让合同约定开工日期（约定
    开工日期「待定」无法识别为日期）〔自然资源局〕」: the item keeps the check's own words and is
    filed under the department that holds the input, as every other item is.

    >>> render_text(field_item("completion_date", "竣工日期「2023」无法识别为日期"))
    '竣工日期（竣工日期「2023」无法识别为日期）〔自然资源局〕'

    The words may quote a cell as typed: its 【】 are shown as ［］, so they never end the item.

    >>> render_text(field_item("completion_date", "竣工日期「2023】」无法识别为日期"))
    '竣工日期（竣工日期「2023］」无法识别为日期）〔自然资源局〕'
    """
    shown = words.replace("【", "［").replace("】", "］")
    return f"收集项 {field}【{shown}】"


def filed(item: str, field: str) -> str:
    """``item``, an item in words of its own (增容's 「增容申请：产权状况」), filed under the
    department of ``field`` in :data:`FIELD_SOURCES` as a rendered item is, so
    :func:`parse_item` reads it back with its department.

    >>> filed("增容申请：产权状况", "application")
    '增容申请：产权状况〔申请企业〕'
    >>> parse_item(filed("经核实的用地面积", "verified_area")).department
    '自然资源局'
    """
    return f"{item}〔{FIELD_SOURCES[field].department}〕"


DEPARTMENTS: tuple[str, ...] = tuple(dict.fromkeys(s.department for s in FIELD_SOURCES.values()))
"""Every department named in :data:`FIELD_SOURCES`, in table order."""

_USCC = r"[0-9A-Z*]{18}"


@dataclass(frozen=True)
class Need:
    """One item to collect: the field, its department, and the enterprise it is about."""

    field: str
    uscc: str | None = None
    name: str | None = None
    note: str = ""

    @property
    def source(self) -> Source:
        return FIELD_SOURCES[self.field]

    @property
    def firm(self) -> str:
        """「绍兴某某有限公司，9133…」, the code alone, or empty."""
        return "，".join(t for t in (self.name, self.uscc) if t)

    def text(self) -> str:
        """「综合能耗（吨标准煤）〔统计局；某某公司，9133…〕」."""
        inner = "；".join(t for t in (self.source.department, self.firm) if t)
        return f"{self.source.label}{self.note}〔{inner}〕"


# Internal form → field. Specific forms first; the generic table/field forms last.
_FIELD_WORDS = "|".join(sorted(FIELD_SOURCES, key=len, reverse=True))
_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Need]], ...] = (
    (re.compile(re.escape(PLOT_TAX)), lambda m: Need("tax_wan")),
    (re.compile(re.escape(PLOT_FLOOR)), lambda m: Need("floor_area_m2")),
    (
        re.compile(r"宗地字段 start_date（实际开工日期）或 floor_area_m2（建筑面积）"),
        lambda m: Need("start_date"),
    ),
    (
        re.compile(
            r"宗地的主要企业（main_uscc）的行业代码 industry_code（及版本 industry_edition）"
        ),
        lambda m: Need("industry_code"),
    ),
    (re.compile(re.escape(NO_LINK)), lambda m: Need("link")),
    (re.compile(r"建筑图层 buildings（[^）]*）"), lambda m: Need("buildings")),
    (
        re.compile(r"本地认定标准 (?P<field>standard_[a-z_]+)（(?P<what>[^）]*)）"),
        lambda m: Need(m["field"], note=f"：{m['what']}" if m["what"] else ""),
    ),
    (re.compile(r"连片分析结果 block_large（[^）]*）"), lambda m: Need("block")),
    (re.compile(r"连片地块宗地面积 block_area（[^）]*）"), lambda m: Need("block_area")),
    (
        re.compile(r"连片相邻地块 block_pending（(?P<ids>[^）]*)）"),
        lambda m: Need("block_neighbour", note=f"：{m['ids']}"),
    ),
    (
        re.compile(rf"企业表中没有该宗地关联企业 (?P<uscc>{_USCC})"),
        lambda m: Need("enterprise", m["uscc"]),
    ),
    (
        re.compile(r"违法违规记录表 compliance（[^）]*）"),
        lambda m: Need("compliance"),
    ),
    (re.compile(r"规划用途图层 planning(（[^）]*）)?"), lambda m: Need("planning")),
    (re.compile(r"规划图层字段 \w+（[^）]*）"), lambda m: Need("planning")),
    (re.compile(r"拆迁计划图层 demolition"), lambda m: Need("demolition")),
    (re.compile(re.escape(NO_ZONE_LAYER)), lambda m: Need("special_zones")),
    (
        re.compile(r"房屋征收部门确认：(?P<what>[^、〔]+)"),
        lambda m: Need("demolition_confirm", note=f"：{m['what']}"),
    ),
    (
        re.compile(
            r"(?<!控制线：)(?P<what>规划(?:用途)?图层未覆盖[^、〔]*?"
            r"的部分占宗地面积 (?:\d+|不足 1)%)"
        ),
        lambda m: Need("planning_gap", note=f"：{m['what']}"),
    ),
    (
        re.compile(
            r"(?<!违法违规记录：)(?P<what>(?:整改情况|整改完成日期|记录日期|问题类别)（[^）]*）"
            r"|(?<![\w（])严重程度(?![\w（]))"
        ),
        lambda m: Need("record", note=f"：{m['what']}"),
    ),
    (  # 两高: a bound from a 示例规则（非官方） share, stated but not deciding
        re.compile(
            rf"企业表字段 energy_tce（[^，）]*，(?P<uscc>{_USCC})）"
            r"；(?P<bound>按示例规则推算[^、〔]*?请核定比例或采集综合能耗（统计部门）)"
        ),
        lambda m: Need("energy_tce", m["uscc"], note=f"：{m['bound']}"),
    ),
    (
        re.compile(
            rf"企业表字段 (?P<field>{_FIELD_WORDS})（[^，）]*(?:，(?P<uscc>{_USCC}))?）"
            r"(?:；所见「(?P<seen>[^」]*)」无法识别)?"
        ),
        lambda m: Need(
            m["field"], m["uscc"], note=f"（现填「{m['seen']}」无法识别）" if m["seen"] else ""
        ),
    ),
    (
        re.compile(rf"收集项 (?P<field>{_FIELD_WORDS})【(?P<words>[^】]*)】"),
        lambda m: Need(m["field"], note=f"（{m['words']}）"),
    ),
    (re.compile(rf"宗地字段 (?P<field>{_FIELD_WORDS})（[^）]*）"), lambda m: Need(m["field"])),
)

#: Per pattern of :data:`_PATTERNS`, words of which every match holds at least one: a text
#: holding none of them is left as it is without running the pattern (most texts hold none).
_NEEDLES: tuple[tuple[str, ...], ...] = (
    (PLOT_TAX,),
    (PLOT_FLOOR,),
    ("宗地字段 start_date（实际开工日期）或 floor_area_m2（建筑面积）",),
    ("宗地的主要企业（main_uscc）的行业代码",),
    (NO_LINK,),
    ("建筑图层 buildings（",),
    ("本地认定标准 ",),
    ("连片分析结果 block_large（",),
    ("连片地块宗地面积 block_area（",),
    ("连片相邻地块 block_pending（",),
    ("企业表中没有该宗地关联企业 ",),
    ("违法违规记录表 compliance（",),
    ("规划用途图层 planning",),
    ("规划图层字段 ",),
    ("拆迁计划图层 demolition",),
    (NO_ZONE_LAYER,),
    ("房屋征收部门确认：",),
    ("图层未覆盖",),
    ("整改情况", "整改完成日期", "记录日期", "问题类别", "严重程度"),
    ("企业表字段 energy_tce（",),
    ("企业表字段 ",),
    ("收集项 ",),
    ("宗地字段 ",),
)

_ITEM = re.compile(r"^(?P<label>.+?)〔(?P<dept>[^；〕]+)(?:；(?P<firm>[^〕]*))?〕$")


def render_text(
    text: object,
    *,
    names: Mapping[str, str] | None = None,
    memo: dict[tuple[int, str], str] | None = None,
) -> object:
    """``text`` with every internal missing-input form rewritten as a Chinese to-collect item.

    Parameters
    ----------
    text
        A ``to_verify``/``missing`` list (「、」-joined) or a reasons text; anything that is not
        a string is returned as it is.
    names
        Enterprise name by USCC, to name the enterprise beside its code.
    memo
        The items rewritten so far (by pattern and matched form), for calls with the same
        ``names``: a run passes one dict for all its texts, whose items recur (a plot's in its
        待核实, 缺失 and reasons texts, an enterprise's on each of its plots).

    Examples
    --------
    >>> render_text("企业表字段 energy_tce（综合能耗，91330602MA2BDUNA5X）", names={})
    '综合能耗（吨标准煤）〔统计局；91330602MA2BDUNA5X〕'
    """
    if not isinstance(text, str) or not text:
        return text
    lookup = names or {}
    done = {} if memo is None else memo
    for k, ((pattern, build), needles) in enumerate(zip(_PATTERNS, _NEEDLES, strict=True)):
        for needle in needles:
            if needle in text:
                break
        else:
            continue  # the pattern cannot match: every match holds one of these words

        def repl(
            m: re.Match[str], build: Callable[[re.Match[str]], Need] = build, k: int = k
        ) -> str:
            key = (k, m.group())  # the item depends on the matched form alone
            item = done.get(key)
            if item is None:
                need = build(m)
                name = lookup.get(need.uscc) if need.uscc else None
                item = done[key] = Need(need.field, need.uscc, name, need.note).text()
            return item

        text = pattern.sub(repl, text)
    return text


_ITEM_MARKS = re.compile("[〔（【〕）】、]")


def split_items(text: object) -> Iterator[str]:
    """The items of a 「、」-joined list, never splitting inside 〔…〕, （…） or 【…】 (the
    internal form of :func:`field_item`, before it is rendered)."""
    if not isinstance(text, str):
        return
    depth, start = 0, 0
    for m in _ITEM_MARKS.finditer(text):  # the other characters change nothing
        ch = m.group()
        if ch in "〔（【":
            depth += 1
        elif ch in "〕）】":
            depth = max(depth - 1, 0)
        elif depth == 0:  # 「、」 outside brackets
            i = m.start()
            if text[start:i].strip():
                yield text[start:i].strip()
            start = i + 1
    if text[start:].strip():
        yield text[start:].strip()


@dataclass(frozen=True)
class Item:
    """A rendered item read back: what to collect, the department, the enterprise."""

    label: str
    department: str
    name: str | None
    uscc: str | None

    @property
    def field(self) -> str | None:
        """The field whose label this is (None for an item landgov cannot name)."""
        for key, src in FIELD_SOURCES.items():
            if self.label.startswith(src.label):
                return key
        return None


def parse_item(item: str) -> Item:
    """Read one rendered item back; an item in no known form keeps its text, department 「—」."""
    m = _ITEM.match(item.strip())
    if m is None or m["dept"] not in DEPARTMENTS:
        return Item(item.strip(), "—", None, None)
    firm = m["firm"] or ""
    uscc = re.search(rf"({_USCC})$", firm)
    code = uscc.group(1) if uscc else None
    name = firm[: uscc.start()].rstrip("，") if uscc else firm
    return Item(m["label"], m["dept"], name or None, code)
