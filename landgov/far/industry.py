"""Industry codes (GB/T 4754) and the industrial-structure catalogue edition.

Two questions the 容积率 floors and the 增容 checks need answered:

1. **Which GB/T 4754-2002 division is this enterprise in?** The national 容积率 floors
   (工业项目建设用地控制指标, 2008) are keyed by 2002 two-digit divisions, while enterprise
   registers carry 2011 or 2017 codes (the two agree at the division level in manufacturing).
   :data:`GB2017_TO_GB2002` is the division correspondence used here; it follows the division
   titles and contents of the two editions:

   ====== ============================== ====== ==============================================
   2017   title (2017)                    2002   note
   ====== ============================== ====== ==============================================
   13–28  unchanged                       13–28  24 now also holds 工艺美术品 (2002: 42)
   29     橡胶和塑料制品业                 29/30  291 橡胶 → 29, 292 塑料 → 30; two digits alone
                                                 are ambiguous and give no division
   30     非金属矿物制品业                 31
   31     黑色金属冶炼和压延加工业         32
   32     有色金属冶炼和压延加工业         33
   33     金属制品业                       34
   34     通用设备制造业                   35
   35     专用设备制造业                   36
   36     汽车制造业                       37
   37     铁路、船舶、航空航天和其他运输设备 37
   38     电气机械和器材制造业             39
   39     计算机、通信和其他电子设备制造业 40
   40     仪器仪表制造业                   41
   41     其他制造业                       42
   42     废弃资源综合利用业               43
   43     金属制品、机械和设备修理业       —      no 2002 division (repair was not a division)
   ====== ============================== ====== ==============================================

2. **Is this enterprise in the screening focus and the 亩均 evaluation scope?**
   「以规上制造业企业、实际用地3亩以上的规下制造业企业为重点开展排查」 [001 三(二)1] and
   「对规上制造业企业、实际用地3亩(含)以上的规下制造业企业开展排查」 [002 三(二)1] name
   制造业 firms. Which GB/T 4754 大类 count is the profile's ``screening.focus_industries``
   (制造业 = 门类 C, 大类 13–43, the same numbers in the 2002, 2011 and 2017 editions);
   :func:`focus_industry` is the one reading that screening's 排查重点 and the 亩均 evaluation's
   参评范围 both use.

3. **Which edition of 《产业结构调整指导目录》 applies?** The opinion names the 2019 edition
   [000 附件3 三.5]; the 2024 edition replaced it from the date in the profile
   (``screening.catalogue_2024_from``). :func:`catalogue_edition` picks the edition for a date
   and every condition-5 verdict records it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from landgov.core.missing import is_missing
from landgov.core.vocab import CatalogueClass
from landgov.errors import Issue
from landgov.policy import Profile

__all__ = [
    "FOCUS_INDUSTRIES",
    "GB2017_TO_GB2002",
    "CatalogueClass",
    "Division",
    "FocusIndustry",
    "catalogue_edition",
    "check_focus_industries",
    "focus_industry",
    "industry_item",
    "national_floor",
    "to_gb2002_division",
]

GB2017_TO_GB2002: MappingProxyType[str, str | None] = MappingProxyType(
    {
        **{f"{d}": f"{d}" for d in range(13, 29)},
        "29": None,  # 橡胶 (291 → 29) and 塑料 (292 → 30): needs the 3-digit group
        "30": "31",
        "31": "32",
        "32": "33",
        "33": "34",
        "34": "35",
        "35": "36",
        "36": "37",
        "37": "37",
        "38": "39",
        "39": "40",
        "40": "41",
        "41": "42",
        "42": "43",
        "43": None,  # 修理业: no 2002 division
    }
)
_GROUP_2017_TO_2002: MappingProxyType[str, str] = MappingProxyType({"291": "29", "292": "30"})
_MANUFACTURING = range(13, 44)  # 门类 C, divisions 13–43 in every edition since 2002
_KNOWN_DIVISIONS = range(1, 99)  # 大类 01–97 (2011/2017) or –98 (2002); 00 and 99 are none
_EDITION_RE = re.compile(r"(2002|2011|2017)")


@dataclass(frozen=True)
class Division:
    """An enterprise's industry code resolved to a GB/T 4754-2002 division.

    ``code`` is the cleaned code as given (digits only), ``edition`` the edition assumed,
    ``gb2002`` the 2002 two-digit division or ``None`` with ``note`` saying why.
    """

    code: str
    edition: str
    gb2002: str | None
    manufacturing: bool | None
    note: str = ""


#: 门类 C, 制造业: the one section letter landgov reads (大类 13–43 in every edition; the other
#: letters name different sections in 2002 and in 2011/2017).
SECTION_C = "C"


def _clean_code(code: object) -> str:
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return ""
    text = str(code).strip().upper()
    lettered = text.startswith(SECTION_C)
    text = text.removeprefix(SECTION_C)  # 门类 letter, e.g. "C3311"
    if text.endswith(".0"):  # a code read as a float from Excel
        text = text[:-2]
    # a GB/T 4754 code is 2 (大类) to 4 (小类) digits: a longer one is none, whatever it starts with
    if not (text.isdigit() and len(text) <= 4):
        return ""
    # 「C5171」: 门类 C (制造业) before a 大类 outside it contradicts itself — no code
    return "" if lettered and _section_clash(text) else text


def _section_clash(digits: str) -> bool:
    """Whether ``digits`` written after 门类 C name a 大类 outside C (13–43)."""
    return len(digits) >= 2 and int(digits[:2]) not in _MANUFACTURING


def _section_note(code: object) -> str:
    """What a code that :func:`_clean_code` sets aside says of 制造业: 「C」 alone is 门类 C;
    「C5171」 contradicts itself; anything else says nothing (``""``)."""
    text = str(code).strip().upper() if isinstance(code, str) else ""
    digits = text.removeprefix(SECTION_C)
    if text == SECTION_C:
        return "仅填门类 C（制造业），无行业大类代码"
    if text.startswith(SECTION_C) and digits.isdigit() and _section_clash(digits):
        return f"门类 C（制造业）与大类 {digits[:2]} 不符，行业代码自相矛盾"
    return ""


def _edition(edition: object) -> tuple[str, str]:
    match = _EDITION_RE.search(str(edition or ""))
    if match:
        return match.group(1), ""
    return "2017", "行业分类版本缺失，按 GB/T 4754-2017 处理"


def to_gb2002_division(code: object, *, edition: object = None) -> Division:
    """Resolve an industry code of any edition to its GB/T 4754-2002 division.

    Parameters
    ----------
    code
        ``"3311"``, ``"C3311"``, ``"33"`` …; two or more digits. ``"C"`` alone is 制造业 of no
        known division (``manufacturing`` True, ``gb2002`` None); ``"C5171"`` (门类 C before a
        大类 outside it) contradicts itself: ``manufacturing`` None, said in ``note``; so is a
        大类 GB/T 4754 does not have (``"00"``, ``"99"``: a placeholder or a code cut short),
        as :func:`focus_industry` reads it (unreadable, not 非制造业).
    edition
        ``"2002"``, ``"2011"``, ``"2017"`` or text containing one of them; missing means 2017
        (said so in ``note``). 2011 and 2017 agree at the division level in manufacturing.

    Returns
    -------
    Division
        ``gb2002`` is ``None`` when the code is missing, malformed or has no 2002 division
        (2017 division 43, or 29 without the group digit).
    """
    digits = _clean_code(code)
    if len(digits) < 2:
        said = _section_note(code)
        if said.startswith("仅填门类"):  # 「C」: 制造业, of no known 大类
            return Division(SECTION_C, "", None, True, said)
        return Division(digits, "", None, None, said or "行业代码缺失或格式错误")
    ed, ed_note = _edition(edition)
    division = digits[:2]
    if int(division) not in _KNOWN_DIVISIONS:  # 「00」「99」: a placeholder, not 非制造业
        return Division(digits, ed, None, None, f"{division} 不是 GB/T 4754 行业大类")
    manufacturing = int(division) in _MANUFACTURING
    if ed == "2002":
        return Division(digits, ed, division, manufacturing, ed_note)
    gb2002 = _GROUP_2017_TO_2002.get(digits[:3]) if len(digits) >= 3 else None
    gb2002 = gb2002 or GB2017_TO_GB2002.get(division)
    note = ed_note
    if gb2002 is None and manufacturing:
        why = "29 大类含橡胶(2002:29)与塑料(2002:30)，需三位代码" if division == "29" else ""
        why = why or f"{ed} 版 {division} 大类在 2002 版无对应大类"
        note = "；".join(x for x in (ed_note, why) if x)
    return Division(digits, ed, gb2002, manufacturing, note)


def national_floor(code: object, *, edition: object, profile: Profile) -> tuple[float, str, str]:
    """The national minimum 容积率 for an industry code of any GB/T 4754 edition.

    The one lookup both ``far`` (:func:`landgov.far.ratio.far_floors`) and screening's
    用而未尽 check (:func:`landgov.screening.check_under_used`) use, so that the two give the same
    floor for the same plot: the code is resolved to its 2002 division by
    :func:`to_gb2002_division` (2017 code 3911 → 2002 division 40 → 1.0) and looked up in the
    profile's ``far.national_floors`` (工业项目建设用地控制指标, 2008, keyed by 2002 divisions).

    Returns
    -------
    tuple
        ``(floor, gb2002_division, note)``; ``floor`` is NaN (with the reason in ``note``) for
        a missing code, a non-manufacturing code or one without a 2002 division.

    Examples
    --------
    >>> from landgov.policy import load_profile
    >>> national_floor("3911", edition="2017", profile=load_profile("zhejiang-2023"))
    (1.0, '40', '')
    """
    division = to_gb2002_division(code, edition=edition)
    floors = profile.value("far.national_floors")
    if division.gb2002 is None:
        return math.nan, "", division.note or "无对应的 GB/T 4754-2002 行业大类"
    floor = floors.get(division.gb2002)
    if floor is None:
        note = f"2002 版 {division.gb2002} 大类不在国家容积率控制指标表中（非制造业）"
        return math.nan, division.gb2002, note
    return float(floor), division.gb2002, division.note


#: The profile key naming the industries of the screening focus and the 亩均 evaluation scope.
FOCUS_INDUSTRIES = "screening.focus_industries"
_DIVISION_RANGE = re.compile(r"^(\d{2})(?:\s*[-–—~～]\s*(\d{2}))?$")


@functools.lru_cache(maxsize=64)
def _divisions(items: object) -> frozenset[int]:
    """``("13-43", "44")`` → the 大类 numbers (bad items are left out: the loader refuses them,
    :func:`check_focus_industries`)."""
    out: set[int] = set()
    for item in items if isinstance(items, list | tuple) else ():
        match = _DIVISION_RANGE.match(str(item).strip())
        if match:
            low, high = int(match.group(1)), int(match.group(2) or match.group(1))
            out.update(range(low, high + 1))
    return frozenset(out)


def check_focus_industries(value: Mapping[str, Any], *, source: str) -> list[Issue]:
    """Profile hook: each name of ``screening.focus_industries`` lists 大类 as ``"13-43"`` or
    ``"44"`` (two digits, low to high)."""
    issues = []
    for name, items in value.items():
        bad = [
            item
            for item in (items if isinstance(items, list | tuple) else [items])
            if not (m := _DIVISION_RANGE.match(str(item).strip()))
            or int(m.group(2) or m.group(1)) < int(m.group(1))
        ]
        if bad or not items:
            issues.append(
                Issue(
                    source,
                    f"{source}.{name}",
                    items,
                    "应列出 GB/T 4754 两位大类代码或代码区间",
                    '写成 ["13-43"] 或 ["06-12", "44"]（两位数字，区间由小到大）',
                )
            )
    return issues


def industry_item(uscc: object = "") -> str:
    """What a check lacks when an enterprise's industry code is missing or unreadable, in the
    internal form :func:`landgov.core.collect.render_text` turns into
    「行业代码及分类版本〔统计局；企业名，9133…〕」: one item for screening's 排查重点 and
    用而未尽, the 亩均 grading and 增容 condition 4 alike.

    >>> industry_item("91330602MA2C00000E")
    '企业表字段 industry_code（行业代码，91330602MA2C00000E）'
    """
    return _firm_field_item("industry_code", "行业代码", uscc)


def catalogue_item(uscc: object = "") -> str:
    """What a check lacks when an enterprise's 《产业结构调整指导目录》 class is missing, in the
    internal form :func:`landgov.core.collect.render_text` turns into 「产业结构调整指导目录类别
    〔发改局；企业名，9133…〕」 (without ``uscc``: 「…〔发改局〕」): one item for screening's
    目录 check and path, and 增容 condition 5 alike.

    >>> catalogue_item("91330602MA2C00000E")
    '企业表字段 catalogue_class（产业目录类别，91330602MA2C00000E）'
    >>> catalogue_item()
    '企业表字段 catalogue_class（产业目录类别）'
    """
    return _firm_field_item("catalogue_class", "产业目录类别", uscc)


def _firm_field_item(field: str, words: str, uscc: object) -> str:
    """「企业表字段 {field}（{words}，{uscc}）」, the firm left out when ``uscc`` is missing."""
    whose = "" if is_missing(uscc) else f"，{str(uscc).strip()}"
    return f"企业表字段 {field}（{words}{whose}）"


@dataclass(frozen=True)
class FocusIndustry:
    """Whether an enterprise's industry is one the focus and the 亩均 evaluation cover.

    ``inside`` is ``None`` when the code is missing or cannot be read (待核实, never in or out
    by default); ``text`` says what was seen (「行业代码 5171（大类 51）不属制造业（GB/T 4754 大类
    13–43）」, 「行业代码缺失」); ``missing`` names the field to collect when ``inside`` is None.
    """

    inside: bool | None
    text: str
    missing: str = ""


def focus_industry(
    code: object, *, edition: object = None, profile: Profile, uscc: object = ""
) -> FocusIndustry:
    """Is ``code`` among the profile's ``screening.focus_industries`` (制造业: 门类 C, 大类
    13–43 [001 三(二)1; 002 三(二)1])?

    The one reading of 「制造业企业」 that screening's 排查重点 and the 亩均 evaluation's
    参评范围 both use. The code is cleaned as :func:`to_gb2002_division` cleans it (``C3311``,
    ``3311.0``); the 大类 are its first two digits, which number 门类 C alike in the 2002, 2011
    and 2017 editions. ``C`` alone (the 门类 letter, no 大类) is 门类 C: in the focus when a
    group holds all of 13–43. A missing code, or one that is not a GB/T 4754 code (``F5171``
    with a letter other than C, ``C5171`` whose 大类 is outside 门类 C, ``批发``, ``00``, more
    than 4 digits), is ``None``: to verify.

    >>> from landgov.policy import load_profile
    >>> p = load_profile("shangyu-2022")
    >>> focus_industry("3311", profile=p).inside, focus_industry("5171", profile=p).text
    (True, '行业代码 5171（大类 51）不属制造业（GB/T 4754 大类 13–43）')
    >>> focus_industry(None, profile=p).inside, focus_industry("批发", profile=p).text
    (None, '行业代码「批发」无法识别')
    """
    groups = profile.value(FOCUS_INDUSTRIES)
    field = industry_item(uscc)
    if is_missing(code):
        return FocusIndustry(None, "行业代码缺失", field)
    division = to_gb2002_division(code, edition=edition)
    digits = division.code
    if digits == SECTION_C:  # 「C」: the 门类 of 制造业, every 大类 of it
        return _section_c_focus(groups, field)
    if len(digits) < 2 or int(digits[:2]) not in _KNOWN_DIVISIONS:
        seen = str(code).strip()
        told = f"（{division.note}）" if division.note.startswith("门类 C") else ""
        text = f"行业代码「{seen}」无法识别{told}"
        return FocusIndustry(None, text, f"{field}；所见「{seen}」无法识别")
    number = int(digits[:2])
    for name, items in groups.items():
        if number in _divisions(items):
            return FocusIndustry(True, f"行业代码 {digits}（大类 {digits[:2]}）属{name}")
    scope = "、".join(
        f"{name}（GB/T 4754 大类 {'、'.join(str(i).replace('-', '–') for i in items)}）"
        for name, items in groups.items()
    )
    return FocusIndustry(False, f"行业代码 {digits}（大类 {digits[:2]}）不属{scope}")


def _section_c_focus(groups: Mapping[str, Any], field: str) -> FocusIndustry:
    """「C」 (门类 C only): in the focus when one group of ``groups`` holds every 大类 of C
    (13–43); otherwise which 大类 it is decides, and that is not known."""
    span = f"GB/T 4754 大类 {_MANUFACTURING.start}–{_MANUFACTURING.stop - 1}"
    for name, items in groups.items():
        if set(_MANUFACTURING) <= _divisions(items):
            return FocusIndustry(True, f"行业代码「C」为门类 C（{span}）属{name}")
    text = f"行业代码「C」仅有门类（{span}），未填行业大类"
    return FocusIndustry(None, text, f"{field}；所见「C」未填行业大类")


def catalogue_edition(on: dt.date, *, switch_date: dt.date) -> str:
    """The catalogue edition in force on ``on``.

    ``"2019年本"`` before ``switch_date`` (the profile's ``screening.catalogue_2024_from``),
    ``"2024年本"`` from that day on.
    """
    return "2019年本" if on < switch_date else "2024年本"
