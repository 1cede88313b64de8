"""Canonical field names and the aliases counties use for them.

Every reader maps source columns onto one canonical schema (English snake_case, the names used in
``docs/schema.md`` and in every output). Matching is on a normalised header: full-width → ASCII,
blanks and brackets removed, case folded; a unit written in the header (``税收（元）``,
``面积(亩)``) is split off and used to convert the values. Users extend or override the aliases
with ``aliases={"canonical": ["别名", ...]}``.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from landgov.core.problems import ProblemLog, Severity
from landgov.io.numbers import is_unit

__all__ = [
    "ADMIN_DIGITS",
    "APPROVED_FIELDS",
    "COMPLIANCE_FIELDS",
    "DEMOLITION_FIELDS",
    "ENTERPRISE_FIELDS",
    "INDUSTRY_DIGITS",
    "LANDUSE_DIGITS",
    "LINK_FIELDS",
    "PARCEL_FIELDS",
    "PLANNING_FIELDS",
    "TOWNSHIP_FIELDS",
    "ZONE_FIELDS",
    "FieldSpec",
    "Kind",
    "alias_hint",
    "cut_name_aliases",
    "map_columns",
    "normalize_header",
    "split_header_unit",
]


class Kind(enum.StrEnum):
    """How a field's values are parsed."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    YEAR = "year"  # a year (投产年份): any form naming the year is read (core.dates.read_year)
    CODE = "code"  # kept as text, never parsed as a number (leading zeros matter)


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field: its name, Chinese label, kind, unit and aliases."""

    name: str
    label: str
    kind: Kind
    aliases: tuple[str, ...]
    unit: str | None = None  # canonical unit ("万元", "m2", "亩", "tce", "万kWh", "t", "人", "层")
    required: bool = False
    #: a date given as year and month only: its "first" day, or its "last" for a deadline a
    #: period is counted from (read_date's month_only); "period": its first day, and its last
    #: in the companion column (core.dates.latest_name) for a check on a window; the problem
    #: row says which
    month_only: str = "first"
    #: the digit counts a code of this field has (GB/T 21010 and 用地用海分类 land-use codes:
    #: 2, 4 or 6; GB/T 4754 industry codes: 2, 3 or 4): a code stored as a number has lost its
    #: leading 0 (「0601」 → 601), restored where only one count fits
    #: (:func:`landgov.io._convert.lost_zero`); empty for fields without such codes
    code_digits: tuple[int, ...] = ()
    #: a floor (建筑) area (unit ``m2``): a value or header in a land-area unit (亩, 公顷) is
    #: set aside as missing and said, never converted (:func:`landgov.io.numbers.parse_quantity`)
    floor_area: bool = False
    #: a text field answered 是/否 (「是否标准厂房」「控制线内」): a Boolean cell (a check box,
    #: TRUE/FALSE) is an answer there; in any other text field it is no value
    #: (:func:`landgov.io._convert.convert_values` says it)
    yes_no: bool = False


#: The digit counts of the land-use codes: GB/T 21010-2017 (「06」, 「0601」) and the 用地用海分类
#: of 自然资发〔2023〕234号 (「10」, 「1001」, 「100101」); GB 50137-2011 codes are letters.
LANDUSE_DIGITS = (2, 4, 6)
#: The digit counts of GB/T 4754 industry codes: 大类 「13」, 中类 「331」, 小类 「3311」.
INDUSTRY_DIGITS = (2, 3, 4)
#: The digit counts of a 行政区代码 (统计用区划代码): 县级 「330602」, 乡级 「330602001」, 村级
#: 「330602001001」 (a code of Zhejiang never begins with 0: one stored as a number is whole).
ADMIN_DIGITS = (6, 9, 12)


def _f(
    name: str,
    label: str,
    kind: Kind,
    aliases: Iterable[str],
    unit: str | None = None,
    *,
    required: bool = False,
    month_only: str = "first",
    code_digits: tuple[int, ...] = (),
    floor_area: bool = False,
    yes_no: bool = False,
) -> FieldSpec:
    return FieldSpec(
        name,
        label,
        kind,
        (label, *aliases),
        unit,
        required,
        month_only,
        code_digits,
        floor_area,
        yes_no,
    )


T, N, D, C, Y = Kind.TEXT, Kind.NUMBER, Kind.DATE, Kind.CODE, Kind.YEAR

PARCEL_FIELDS: tuple[FieldSpec, ...] = (
    _f(
        "parcel_id",
        "宗地代码",
        C,
        ["ZDDM", "DKBM", "地块编号", "宗地编号", "地块代码", "宗地号"],
        required=True,
    ),
    _f("holder", "权利人", T, ["权利人名称", "QLR", "QLRMC", "土地使用权人", "使用权人"]),
    _f(
        "land_use",
        "土地用途",
        T,
        ["用途", "TDYT", "DLMC", "地类名称", "批准用途"],
        code_digits=LANDUSE_DIGITS,
    ),
    _f("right_type", "权利性质", T, ["使用权类型", "QLXZ", "权利类型", "土地权属性质"]),
    _f(
        "area_declared_m2",
        "宗地面积",
        N,
        ["土地面积", "ZDMJ", "面积", "用地面积", "SHAPE_Area"],
        "m2",
    ),
    _f(
        "floor_area_m2",
        "建筑面积",
        N,
        ["JZMJ", "总建筑面积", "房屋建筑面积"],
        "m2",
        floor_area=True,
    ),
    # 「登记容积率」: the register's figure, told from the 容积率 landgov takes (``far``)
    _f("far_declared", "登记容积率", N, ["容积率", "RJL"]),
    _f("township", "镇街", T, ["乡镇", "街道", "XZQMC", "所属镇街", "乡镇街道", "镇街名称"]),
    #: 统计用区划代码 of the plot's place: 县级 6 digits, 乡级 9, 村级 12 (its county is checked
    #: against the run's: landgov.io.parcels._check_codes)
    _f("admin_code", "行政区代码", C, ["XZQDM", "XZQH", "行政区划代码"], code_digits=ADMIN_DIGITS),
    _f("admin_name", "行政区名称", T, ["行政区划名称"]),
    _f(
        "supply_date",
        "供地日期",
        D,
        ["出让日期", "出让时间", "划拨日期", "GDRQ", "CRRQ", "供应日期"],
    ),
    _f(
        "contract_start_date",
        "约定开工日期",
        D,
        ["合同约定开工日期", "YDKGRQ", "约定动工日期"],
        month_only="period",  # idle years: decided only where all of the month agrees
    ),
    #: started / completed by a day only when all of a month is on or before it (check_idle)
    _f("start_date", "实际开工日期", D, ["开工日期", "KGRQ", "动工日期"], month_only="period"),
    _f(
        "completion_date",
        "竣工日期",
        D,
        ["竣工时间", "JGRQ", "实际竣工日期", "竣工验收日期"],
        month_only="period",
    ),
)

ENTERPRISE_FIELDS: tuple[FieldSpec, ...] = (
    _f(
        "uscc",
        "统一社会信用代码",
        C,
        ["信用代码", "社会信用代码", "TYSHXYDM", "USCC", "纳税人识别号"],
        required=True,
    ),
    _f("name", "企业名称", T, ["单位名称", "企业", "QYMC", "纳税人名称"]),
    _f("scale", "规上/规下", T, ["规模", "企业规模", "是否规上", "规上规下", "规模类型"]),
    _f(
        "industry_code",
        "行业代码",
        C,
        ["国民经济行业代码", "HYDM", "行业分类代码"],
        code_digits=INDUSTRY_DIGITS,
    ),
    _f("industry_edition", "行业分类版本", T, ["行业代码版本", "国标版本"]),
    _f("industry_name", "行业名称", T, ["所属行业", "行业"]),
    _f(
        "tax_wan",
        "税收",
        N,
        [
            *("实缴税金", "实缴税收", "税收实际贡献", "税收总额", "实缴税金总额", "入库税金"),
            *("实缴税额", "实缴税款", "入库税款", "入库税额", "税收合计"),  # 税务 exports
        ],
        "万元",
    ),
    _f("value_added_wan", "工业增加值", N, ["增加值"], "万元"),
    _f("revenue_wan", "营业收入", N, ["主营业务收入", "销售收入"], "万元"),
    _f("energy_tce", "综合能耗", N, ["能耗", "总能耗", "综合能源消费量"], "tce"),
    _f("fuel_tce", "非电能源消费量", N, ["其他能源消费量", "燃料消费量", "非电能耗"], "tce"),
    _f("emissions_t", "排放量", N, ["主要污染物排放量", "排污量", "污染物排放当量"], "t"),
    _f("rd_wan", "R&D经费", N, ["研发经费", "研发费用", "R&D经费支出", "研发投入"], "万元"),
    _f("employees", "年平均职工人数", N, ["职工人数", "从业人员", "年平均从业人员"], "人"),
    _f("power_10k_kwh", "用电量", N, ["年用电量", "总用电量"], "万kWh"),
    _f("land_mu", "用地面积", N, ["占地面积", "实际用地面积", "企业用地面积"], "亩"),
    _f("township", "镇街", T, ["乡镇", "街道", "所属镇街", "乡镇街道"]),
    _f("legal_rep", "法定代表人", T, ["法人代表", "法人"]),
    _f("contact", "联系人", T, ["联系方式", "联系电话"]),
    _f("grade_given", "评价等级", T, ["亩均评价等级", "综合评价等级", "亩均等级", "分类等级"]),
    _f("catalogue_class", "产业结构调整目录类别", T, ["产业导向类别", "目录类别", "产业类别"]),
    _f("reform_sector", "涉改行业", T, ["印染化工电镀", "涉改类别"]),
    _f("built_year", "投产年份", Y, ["建成年份", "项目建成年份"]),
    _f(
        "two_high_assessment", "两高评估结论", T, ["“两高”评估结论", "用能评估结论", "逐一评估结论"]
    ),
)

LINK_FIELDS: tuple[FieldSpec, ...] = (
    _f("parcel_id", "宗地代码", C, ["ZDDM", "DKBM", "地块编号", "宗地编号"], required=True),
    _f("uscc", "统一社会信用代码", C, ["信用代码", "社会信用代码", "USCC"], required=True),
    _f("relation", "关系", T, ["使用关系", "用地关系", "自有/租用", "权属关系"]),
    _f("area_used_m2", "使用面积", N, ["用地面积", "租用面积", "占用面积"], "m2"),
)

COMPLIANCE_FIELDS: tuple[FieldSpec, ...] = (
    _f("uscc", "统一社会信用代码", C, ["信用代码", "社会信用代码", "USCC"]),
    _f("parcel_id", "宗地代码", C, ["ZDDM", "地块编号"]),
    _f("category", "问题类别", T, ["类别", "违法违规类别", "问题类型"], required=True),
    _f("severity", "严重程度", T, ["等级", "程度", "问题等级"]),
    _f(
        "record_date",
        "记录日期",
        D,
        ["日期", "处罚日期", "发现日期", "立案日期"],
        month_only="period",  # whether it is within a window: the whole month on one side
    ),
    _f("description", "问题描述", T, ["描述", "说明", "事由"]),
    _f(
        "rectified",
        "整改情况",
        T,
        ["是否整改", "是否已整改", "整改状态", "整改结果", "整改", "销号情况", "是否销号"],
    ),
    _f(
        "rectified_date",
        "整改完成日期",
        D,
        ["整改日期", "整改完成时间", "整改时间", "销号日期", "整改销号日期"],
        month_only="period",  # rectified by a day only when the whole month is on or before it
    ),
)

PLANNING_FIELDS: tuple[FieldSpec, ...] = (
    _f(
        "planned_use",
        "规划用途",
        T,
        ["规划用地性质", "用地性质", "GHYT", "YDXZ", "规划地类"],
        required=True,
        code_digits=LANDUSE_DIGITS,
    ),
    _f(
        "inside_control_line",
        "控制线内",
        T,
        ["工业用地控制线", "是否控制线内", "KZX"],
        yes_no=True,
    ),
)

DEMOLITION_FIELDS: tuple[FieldSpec, ...] = (
    _f("plan_name", "计划名称", T, ["拆迁计划", "项目名称", "名称"]),
    _f("plan_year", "计划年份", Y, ["年份", "计划年度"]),
)

ZONE_FIELDS: tuple[FieldSpec, ...] = (
    _f("zone_name", "片区名称", T, ["名称", "片区", "区域名称"], required=True),
)

TOWNSHIP_FIELDS: tuple[FieldSpec, ...] = (
    _f("township", "镇街", T, ["乡镇", "街道", "XZQMC", "镇街名称", "名称", "NAME"], required=True),
)

APPROVED_FIELDS: tuple[FieldSpec, ...] = (  # 批而未供 [004 二(一)1]
    _f("batch_name", "批次名称", T, ["批次", "PCMC", "批次名", "项目名称", "用地批次"]),
    _f("approval_no", "批准文号", T, ["批复文号", "PZWH", "文号", "批准文件号"]),
    _f(
        "approval_date",
        "批准日期",
        D,
        ["批复日期", "批准时间", "PZRQ", "批复时间", "获批日期"],
        required=True,
        month_only="last",  # years since approval are counted from it: never reached early
    ),
    _f("approved_area_m2", "批准面积", N, ["面积", "PZMJ", "批次面积", "用地面积"], "m2"),
    _f("supplied_area_m2", "已供面积", N, ["已供应面积", "已供地面积", "YGMJ"], "m2"),
    _f(
        "unsupplied_area_m2",
        "未供面积",
        N,
        ["剩余未供面积", "批而未供面积", "未供应面积", "剩余面积", "WGMJ"],
        "m2",
    ),
    _f("township", "镇街", T, ["乡镇", "街道", "XZQMC", "所属镇街", "乡镇街道", "镇街名称"]),
)

# the second column of a repeated header is named by where it is (:func:`repeated_header`)
_REPEATED = re.compile(r"（(?:[A-Z]{1,3}列|第\d+个字段)）$")
_UNIT_RE = re.compile(r"^(?P<base>.*?)[\(（\[【〔](?P<unit>[^\)）\]】〕]*)[\)）\]】〕]\s*$")
# 「税收/元」「使用面积／亩」「税收 元」: a unit after a slash or a blank (split off when it is one)
_UNIT_AFTER = re.compile(r"^(?P<base>\S.*?)\s*(?:[/／\\]|\s)\s*(?P<unit>[^/／\\\s]+)$")


def repeated_header(name: str, where: str) -> str:
    """The name under which a second column with the header ``name`` is read and kept:
    ``where`` it is in the file, 「税收（万元）（D列）」 in a table, 「备注（第3个字段）」 in a
    layer's attribute table. :func:`map_columns` reads it as the same field again.

    >>> repeated_header("税收（万元）", "D列")
    '税收（万元）（D列）'
    """
    return f"{name}（{where}）"


def alias_hint(name: str, column: str = "实际列名") -> str:
    """How a user names the column of field ``name``: the CLI option first, Python second.

    >>> alias_hint("scale")[:40]
    '用 --alias scale=实际列名 指定（或写入 landgov.toml'
    """
    return (
        f"用 --alias {name}={column} 指定（或写入 landgov.toml 的 [aliases]；"
        f"Python：aliases={{'{name}': ['{column}']}}）"
    )


def normalize_header(text: object) -> str:
    """Normalise a header for matching: NFKC, case-folded, blanks and separators removed."""
    if type(text) is str:  # the aliases and headers, matched again for every candidate row
        return _normalized_text(text)
    return _normalized(text)


def _normalized(text: object) -> str:
    s = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    return _HEADER_SEPARATORS.sub("", s)


_HEADER_SEPARATORS = re.compile(r"[\s_\-·.:：、/／]+")
_normalized_text = functools.lru_cache(maxsize=4096)(_normalized)


def split_header_unit(text: object) -> tuple[str, str | None]:
    """Split ``"税收（万元）"`` into ``("税收", "万元")``; no unit gives ``(text, None)``.

    A unit after a slash or a blank (``"税收/元"``, ``"使用面积 亩"``) is split off too, when
    it is a unit (:func:`landgov.io.numbers.is_unit`): ``"规上/规下"`` stays whole.

    Line breaks typed into a header cell (Alt+Enter: ``"税收\n（万元）"``) are left out.
    """
    s = re.sub(r"\s*[\r\n]+\s*", "", unicodedata.normalize("NFKC", str(text))).strip()
    m = _UNIT_RE.match(s)
    if m and m.group("base").strip():
        return m.group("base").strip(), m.group("unit").strip() or None
    m = _UNIT_AFTER.match(s)
    if m and is_unit(m.group("unit")):
        return m.group("base").strip(), m.group("unit")
    return s, None


@dataclass(frozen=True)
class ColumnMatch:
    """A source column mapped to a canonical field, with the unit its header declared."""

    source: str
    field: FieldSpec
    header_unit: str | None
    alias: str
    year: int | None = None  # the year the header begins with: 「2024年税收（万元）」


# 「2024年税收」「2024年度实缴税金」: a field's name after the year its figures are of
_YEAR_PREFIX = re.compile(r"^(?P<year>(?:19|20)\d{2})\s*年度?\s*(?P<rest>\S.*)$")


def header_year(base: str) -> tuple[int | None, str]:
    """Split the year off a header's name: ``"2024年度税收"`` → ``(2024, "税收")``.

    >>> header_year("2024年度实缴税金")
    (2024, '实缴税金')
    >>> header_year("税收")
    (None, '税收')
    """
    m = _YEAR_PREFIX.match(base.strip())
    return (int(m["year"]), m["rest"]) if m else (None, base)


#: a header cell naming only a year: 「2024年」「2024年度」「2024」, under a caption over years
_YEAR_CAPTION = re.compile(r"^(?P<year>(?:19|20)\d{2})\s*(?:年度?)?$")


def year_caption(text: str) -> int | None:
    """The year a header cell names and nothing else, as in the row of years under a caption
    (「税收（万元）」 over 「2023年」「2024年」); ``None`` for any other text.

    >>> year_caption("2024年度"), year_caption("2024"), year_caption("2024年税收")
    (2024, 2024, None)
    """
    m = _YEAR_CAPTION.match(text.strip())
    return int(m["year"]) if m else None


def _years_differ(matches: Sequence[ColumnMatch]) -> bool:
    """Whether the columns claiming one field are of different years (a 2023 and a 2024
    column of 税收): which year is meant is not for the reader to guess."""
    return len({m.year for m in matches}) > 1


def _undated_first(matches: list[ColumnMatch]) -> bool:
    """Put the one column without a year first when the others are dated (「税收」 beside
    「2023年税收」): the column named as the field is the table's own figure, a dated one a
    comparison. Returns whether it did (the column is used, said with the others)."""
    plain = [m for m in matches if m.year is None]
    if len(plain) != 1 or not _years_differ(matches):
        return False
    matches.remove(plain[0])
    matches.insert(0, plain[0])
    return True


def map_columns(
    columns: Iterable[object],
    specs: Iterable[FieldSpec],
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> tuple[dict[str, ColumnMatch], list[str], dict[str, list[str]]]:
    """Map source columns to canonical fields.

    Returns ``(matches, unmatched, conflicts)``: ``matches`` by canonical name, the source
    columns left unmatched (kept, never dropped), and canonical names claimed by more than one
    column (the first in the file wins; the others are reported).
    User ``aliases`` are tried before the built-in ones, so they override them.
    """
    specs = tuple(specs)
    lookup: dict[str, FieldSpec] = {}
    for spec in specs:
        for extra in (aliases or {}).get(spec.name, ()):
            lookup.setdefault(normalize_header(extra), spec)
    named = set(lookup)  # the user's own names: the column they name is the one meant
    chosen: set[str] = set()
    for spec in specs:
        lookup.setdefault(normalize_header(spec.name), spec)
        for alias in spec.aliases:
            lookup.setdefault(normalize_header(alias), spec)
    matches: dict[str, ColumnMatch] = {}
    claims: dict[str, list[ColumnMatch]] = {}
    unmatched: list[str] = []
    for col in columns:
        header = _REPEATED.sub("", str(col))  # a repeated header is the same field again
        base, unit = split_header_unit(header)
        found = lookup.get(normalize_header(header)) or lookup.get(normalize_header(base))
        year, rest = (None, base) if found else header_year(base)
        if year is not None:
            found = lookup.get(normalize_header(rest))
        if found is None:
            unmatched.append(str(col))
            continue
        match = ColumnMatch(str(col), found, unit, rest, year)
        ms = claims.setdefault(found.name, [])
        if found.name not in chosen and {normalize_header(header), normalize_header(base)} & named:
            chosen.add(found.name)  # --alias tax_wan=2024年税收: the one meant, first
            ms.insert(0, match)
        else:
            ms.append(match)
        matches[found.name] = ms[0]
    _settle(claims, matches, unmatched, chosen=chosen)
    conflicts = {name: [m.source for m in ms] for name, ms in claims.items() if len(ms) > 1}
    return matches, unmatched, conflicts


def _settle(
    claims: dict[str, list[ColumnMatch]],
    matches: dict[str, ColumnMatch],
    unmatched: list[str],
    *,
    chosen: set[str],
) -> None:
    """Which of several columns claiming one field is used (``chosen``: named by the user).

    Of columns of different years the one without a year is used (:func:`_undated_first`);
    of dated columns only, none (every column is kept, unmatched).
    """
    for name, ms in claims.items():
        if name in chosen or len(ms) < 2:
            continue
        if _undated_first(ms):
            matches[name] = ms[0]
        elif _years_differ(ms):
            unmatched.append(matches.pop(name).source)


def cut_name_aliases(
    cut: Iterable[str], specs: Iterable[FieldSpec], *, taken: Iterable[str] = ()
) -> dict[str, list[str]]:
    """The field each cut field name stands for: ``{field: [cut name]}`` (aliases to add).

    A .dbf keeps 10 bytes of a field name and a UTF-8 汉字 takes 3: 「宗地代码」 comes as
    「宗地代」. A name known to be cut (``cut``: its last character was dropped) stands for a
    field when the names of exactly one field, and of no field in ``taken`` (matched already
    by another column), begin with it; any other cut name is left as it is.

    >>> from landgov.io.fields import PARCEL_FIELDS
    >>> cut_name_aliases(["宗地代", "宗地面"], PARCEL_FIELDS)
    {'parcel_id': ['宗地代'], 'area_declared_m2': ['宗地面']}
    """
    specs = tuple(specs)
    done = set(taken)
    out: dict[str, list[str]] = {}
    for name in cut:
        stem = normalize_header(name)
        if not stem:
            continue
        fields = {
            spec.name
            for spec in specs
            for alias in (spec.name, *spec.aliases)
            if normalize_header(alias).startswith(stem)
        }
        if len(fields) == 1 and not fields & done:
            field = fields.pop()
            out.setdefault(field, []).append(name)
    return out


def report_conflicts(
    log: ProblemLog,
    specs: Iterable[FieldSpec],
    conflicts: Mapping[str, list[str]],
    matches: Mapping[str, ColumnMatch] | None = None,
) -> None:
    """One warning per field that several columns claim (:func:`map_columns`' ``conflicts``):
    the first is used, the others are kept as they are — unless they are of different years
    (「2023年税收」 and 「2024年税收」): then none is used, and that is said (错误). A column
    matched through the year its header begins with (in ``matches``) is said too (提示)."""
    labels = {s.name: s.label for s in specs}
    for name, cols in conflicts.items():
        if matches is not None and name not in matches:
            log.add(
                f"多列都对应字段「{labels[name]}」且表头年份不同：{'、'.join(cols)}；"
                f"不能确定应使用哪一年，「{labels[name]}」按缺失处理，各列原样保留",
                field=labels[name],
                value="、".join(cols),
                action=f"保留评价年度的一列（删去或改名其余列），或{alias_hint(name, '列名')}",
                severity=Severity.ERROR,
            )
            continue
        log.add(
            f"多列都对应字段「{labels[name]}」：{'、'.join(cols)}；已使用第一列「{cols[0]}」，其余列原样保留",
            field=labels[name],
            value="、".join(cols),
            action=f"如需使用另一列，请改列名，或{alias_hint(name, '列名')}",
            severity=Severity.WARNING,
        )
    for name, m in (matches or {}).items():
        if m.year is not None and name not in conflicts:
            log.add(
                f"列「{m.source}」按字段「{labels[name]}」读取（表头写明为 {m.year} 年的数据）",
                field=m.source,
                value=m.year,
                action="核对该年份是否为本次评价所用年度；不是时换用该年度的数据",
                severity=Severity.INFO,
            )
