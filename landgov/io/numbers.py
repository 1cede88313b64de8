"""Parse numbers with units and dates as staff type them in Excel.

Cells arrive as ``12.5万元``, ``1,234.5``, ``１２３．５``, ``125000元``, ``2.3亩``, ``1500 m²``,
``—`` or ``2021年3月5日``. Both parsers return ``(value, problem)``:

- ``(value, None)``: parsed cleanly (``value`` may be ``None`` for a blank/missing-marker cell);
- ``(value, text)``: parsed, but something was changed or is doubtful (a warning, 警告);
- ``(None, text)``: could not be parsed; the value is missing, never guessed and never 0 (错误).

Canonical units and the units accepted for each (matching ignores case, blanks and full-width
forms, so ``m²``, ``㎡`` and ``M2`` are one unit):

===========  ==============================================================
canonical    accepted
===========  ==============================================================
``万元``     元, 千元, 万元 (万), 百万元, 亿元 (亿)
``m2``       m², ㎡, 平方米, 平米, 万平方米, 亩, 公顷, ha, hm², km², 平方公里
``亩``       亩, 万亩, m², 平方米, 平米, 万平方米, 公顷, ha, hm²
``tce``      tce, 吨标煤, 吨标准煤, 万吨标煤, 万吨标准煤, 万tce, kgce, 千克标准煤
``t``        吨, t, 万吨, kg, 千克, 公斤
``万kWh``    万千瓦时, 万kWh, 万度, 千瓦时, kWh, 度, 兆瓦时, MWh, 亿千瓦时
``人``       人, 名, 人数
``%``        %, ％ (percentage points)
``None``     dimensionless (容积率, 年份); ``35%`` is read as 0.35 with a warning
===========  ==============================================================

A bare 「万」 or 「亿」 after a figure is a number word, not a unit: 「1.2万」 is 12,000 of the
column's unit (the header's, else the field's), so 1.2万 in a 平方米 column is 12,000 m². In a
column whose unit is itself counted in 万, 亿 or 千 (万元, 千元, 万千瓦时, 万平方米) the word
counts that unit's base (元, 千瓦时, 平方米): 「1.2万」 in a 万元 column is 1.2 万元, as staff
mean it, with a 提示 to check the header (:func:`_number_word`).

1 亩 = 10000/15 m² exactly (docs/domain.md §1). Conversions use exact fractions, so ``125000元`` is
exactly 12.5 万元.

A floor (建筑) area is ``m2`` too, but 亩, 公顷 (ha, hm²) and km² measure land, never a floor
area: with ``floor_area=True`` (the readers pass the field's ``FieldSpec.floor_area``) a value
or a header in one of them is not converted — 「2亩」 typed in 新增建筑面积 is a slip, not
1,333.33 m² of floor — but set aside as missing and said (:data:`LAND_ONLY_UNITS`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Real

from landgov.core.dates import read_date
from landgov.core.missing import is_missing
from landgov.core.safe_text import excel_error

__all__ = [
    "CANONICAL_UNITS",
    "LAND_ONLY_UNITS",
    "is_missing",
    "is_unit",
    "named_units",
    "parse_date",
    "parse_quantity",
    "read_quantity",
    "unit_factor",
]

_MU = Fraction(10000, 15)  # m² per 亩

_UNITS: dict[str, dict[str, Fraction]] = {
    "万元": {
        "元": Fraction(1, 10000),
        "千元": Fraction(1, 10),
        "万元": Fraction(1),
        "万": Fraction(1),
        "百万元": Fraction(100),
        "亿元": Fraction(10000),
        "亿": Fraction(10000),
    },
    "m2": {
        "m2": Fraction(1),
        "平方米": Fraction(1),
        "平米": Fraction(1),
        "sqm": Fraction(1),
        "万平方米": Fraction(10000),
        "万平米": Fraction(10000),
        "万m2": Fraction(10000),  # 「0.5万㎡」: NFKC writes ㎡ as m2
        "亩": _MU,
        "公顷": Fraction(10000),
        "ha": Fraction(10000),
        "hm2": Fraction(10000),
        "km2": Fraction(1_000_000),
        "平方公里": Fraction(1_000_000),
    },
    "亩": {
        "亩": Fraction(1),
        "万亩": Fraction(10000),
        "m2": 1 / _MU,
        "平方米": 1 / _MU,
        "平米": 1 / _MU,
        "万平方米": 10000 / _MU,
        "万平米": 10000 / _MU,
        "万m2": 10000 / _MU,
        "公顷": Fraction(15),
        "ha": Fraction(15),
        "hm2": Fraction(15),
    },
    "tce": {
        "tce": Fraction(1),
        "吨标煤": Fraction(1),
        "吨标准煤": Fraction(1),
        "万吨标煤": Fraction(10000),
        "万吨标准煤": Fraction(10000),
        "万tce": Fraction(10000),
        "kgce": Fraction(1, 1000),
        "千克标准煤": Fraction(1, 1000),
        "千克标煤": Fraction(1, 1000),
    },
    "t": {
        "吨": Fraction(1),
        "t": Fraction(1),
        "万吨": Fraction(10000),
        "kg": Fraction(1, 1000),
        "千克": Fraction(1, 1000),
        "公斤": Fraction(1, 1000),
    },
    "万kWh": {
        "万千瓦时": Fraction(1),
        "万kwh": Fraction(1),
        "万度": Fraction(1),
        "千瓦时": Fraction(1, 10000),
        "kwh": Fraction(1, 10000),
        "度": Fraction(1, 10000),
        "兆瓦时": Fraction(1, 10),
        "mwh": Fraction(1, 10),
        "亿千瓦时": Fraction(10000),
    },
    "人": {"人": Fraction(1), "名": Fraction(1), "人数": Fraction(1)},
    # 层数 as 房产/CAD exports write it: 「3层」「3 层」「3F」 (floors above ground, counted)
    "层": {"层": Fraction(1), "f": Fraction(1)},
    "%": {"%": Fraction(1)},
}

#: Units of ``m2`` that measure land only (as :func:`unit_factor` keys them): never a floor
#: (建筑) area's unit, which is 平方米 (万平方米).
LAND_ONLY_UNITS = frozenset({"亩", "公顷", "ha", "hm2", "km2", "平方公里"})

CANONICAL_UNITS: tuple[str, ...] = tuple(_UNITS)
"""Canonical units understood by :func:`parse_quantity` (plus ``None``, dimensionless)."""

_LABEL = {
    "万元": "万元",
    "m2": "平方米",
    "亩": "亩",
    "tce": "吨标准煤",
    "t": "吨",
    "万kWh": "万千瓦时",
    "人": "人",
    "层": "层",
    "%": "%",
    None: "无单位数值",
}
_NON_NEGATIVE = frozenset({"m2", "亩", "tce", "t", "万kWh", "人", "层"})
_ALL_UNITS = frozenset(u for table in _UNITS.values() for u in table)

_NUMBER = re.compile(
    r"""^(?P<sign>[-+])?\s*
        (?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)
        (?P<exp>[eE][-+]?\d+)?
        \s*(?P<unit>.*)$""",
    re.VERBOSE,
)
_SPACE_THOUSANDS = re.compile(r"(?<=\d)[ \u202f](?=\d{3}(?:\D|$))")
_UNIT_PREFIX = re.compile(r"^单位[:：]?")
# a currency sign before an amount, as 财务 exports and hand-typed cells write it (NFKC makes
# the full-width ￥ the yen sign ¥): it says 人民币, not whether the figure is 元 or 万元
_CURRENCY = re.compile(r"^(?:¥|RMB|CNY|人民币)\s*", re.IGNORECASE)
_UNIT_PER_YEAR = re.compile(r"(?:/年|/a|每年|/yr)$")
#: Number words written after a figure (「1.2万」「3亿」): how many of a unit, not a unit
_NUMBER_WORDS = {"万": Fraction(10_000), "亿": Fraction(100_000_000)}
#: What a unit counted in thousands, ten thousands … begins with (万元, 千元, 百万元, 万千瓦时)
_SCALES = {"百万": Fraction(1_000_000), "亿": Fraction(100_000_000), "万": Fraction(10_000)}
_SCALES_OF_YUAN = {"千": Fraction(1000)}  # 千元; 千瓦时 and 千克 are base units


def _norm(value: object) -> str:
    """NFKC, strip, and map the Unicode minus sign to ``-``."""
    return unicodedata.normalize("NFKC", str(value)).strip().replace("\u2212", "-")


def _unit_key(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip().casefold()
    s = re.sub(r"\s+", "", s)
    s = _UNIT_PREFIX.sub("", s)
    return _UNIT_PER_YEAR.sub("", s)


def unit_factor(unit_text: str, *, unit: str | None, floor_area: bool = False) -> Fraction | None:
    """Factor that converts a value in ``unit_text`` to the canonical ``unit``.

    Parameters
    ----------
    unit_text
        A unit as written in a header or cell (``"元"``, ``"m²"``, ``"单位：万元"``, ``"万元/年"``).
    unit
        The canonical unit (see :data:`CANONICAL_UNITS`); ``None`` for dimensionless fields.
    floor_area
        The field is a floor (建筑) area: a land-area unit (:data:`LAND_ONLY_UNITS`) is none of
        its units.

    Returns
    -------
    Fraction or None
        The exact factor, or ``None`` when ``unit_text`` is not a unit of ``unit``.

    Examples
    --------
    >>> unit_factor("元", unit="万元")
    Fraction(1, 10000)
    >>> unit_factor("亩", unit="m2")
    Fraction(2000, 3)
    >>> unit_factor("亩", unit="m2", floor_area=True) is None
    True
    """
    if unit is None:
        return None
    key = _unit_key(unit_text)
    if floor_area and _land_only(key, unit):
        return None
    return _UNITS[unit].get(key)


def _land_only(key: str, unit: str | None) -> bool:
    """Whether the unit ``key`` (:func:`_unit_key`) is a land-area unit of ``unit``."""
    return unit == "m2" and key in LAND_ONLY_UNITS


def _floor_in_land_unit(cell_unit: str) -> str:
    """Why a floor area written in a land-area unit is not read (the cell's unit named)."""
    return f"建筑面积应填平方米；「{cell_unit}」是土地面积单位，不换算为建筑面积，请核对"


def is_unit(text: str) -> bool:
    """Whether ``text`` names a unit landgov knows (of any dimension)."""
    return _unit_key(text) in _ALL_UNITS


#: a currency written in a header's bracket (「人民币元」「万元人民币」「¥」): it says 人民币 only
_CURRENCY_WORD = re.compile(r"人民币|RMB|CNY|¥", re.IGNORECASE)
_WORD_BREAK = re.compile(r"[、,，;；\s]+")


def named_units(text: str) -> tuple[list[str], bool]:
    """The units ``text`` names among other words, and whether it names a currency.

    A header's bracket is not always a unit alone: 「含税，元」「人民币元」「万元人民币」. The
    currency words (人民币, RMB, CNY, ¥) are left out and the rest split at commas, 、 and
    blanks; each part that is a unit (:func:`is_unit`) is named.

    Examples
    --------
    >>> named_units("含税，元"), named_units("人民币元"), named_units("¥"), named_units("2023年度")
    ((['元'], False), (['元'], True), ([], True), ([], False))
    """
    norm = _norm(text)
    parts = _WORD_BREAK.split(_CURRENCY_WORD.sub(" ", norm))
    return [p for p in parts if p and is_unit(p)], bool(_CURRENCY_WORD.search(norm))


def _to_float(number: Fraction) -> float:
    return float(number)


def _column_unit(unit: str | None, header_unit: str | None) -> str | None:
    """The unit a plain number of the column is in, as written: the header's, else the
    field's (``None`` for a dimensionless field without one)."""
    if header_unit:
        return header_unit
    return None if unit is None else _LABEL[unit]


def _scale(column: str, unit: str) -> tuple[Fraction, str] | None:
    """(the factor of the base unit, the base unit as written) when the column's unit
    ``column`` counts thousands or more of a base unit of ``unit`` (万元 → 元, 千元 → 元,
    万千瓦时 → 千瓦时, 万平方米 → 平方米, 「万」 as a 万元 header → 元); ``None`` for a base
    unit itself (元, 平方米, 千瓦时, 亩, 吨) or a unit of another dimension."""
    factor = unit_factor(column, unit=unit)
    if factor is None:
        return None
    written = _UNIT_PREFIX.sub("", _norm(column)).strip()
    scales = _SCALES | _SCALES_OF_YUAN if unit == "万元" else _SCALES
    for prefix, times in scales.items():
        rest = written[len(prefix) :].strip()
        if written.startswith(prefix) and (not rest or _unit_key(rest) in _UNITS[unit]):
            return factor / times, rest or "元"
    return None


def _number_word(
    word: str, raw: str, *, unit: str | None, header_unit: str | None
) -> tuple[Fraction, str | None]:
    """The factor of a figure followed by the number word ``word`` (「万」 or 「亿」) alone, and
    a 提示 when it is read in the base of a counted unit.

    「1.2万」 is 12,000 of the column's unit (:func:`_column_unit`): 12,000 平方米 in a 平方米
    column, 12,000 元 under a 元 header, 12,000 in a column without a unit. Where the column's
    unit is itself counted in 万, 亿, 百万 or 千 (万元, 千元, 万千瓦时, 万平方米: :func:`_scale`),
    「1.2万」 is read as staff write it, 1.2万 of the base unit (1.2 万元, 1.2 万千瓦时), and the
    note asks to check the header: 1.2万 of the column's own unit would be far more.
    """
    times = _NUMBER_WORDS[word]
    column = _column_unit(unit, header_unit)
    if unit is None or column is None:
        return times, None
    scaled = _scale(column, unit)
    if scaled is None:
        return times * unit_factor(column, unit=unit), None  # type: ignore[operator]
    base, base_label = scaled
    note = f"「{raw}」已按「{raw}{base_label}」读取（本列单位为「{column}」），请核对表头单位"
    return times * base, note


#: what follows the first number of a range: 「100-200」「100～200万元」「3至5」
_RANGE_REST = re.compile(r"^[-~～—－至到]\s*[+-]?\d")
#: a date typed into a number cell (「2024-06」「2024-06-30」): said as the other texts are
_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}(?:-\d{1,2})?")
#: what follows the digits before an ideographic full stop typed for a decimal point: 「12。5」
_STOP_REST = re.compile(r"^。\d")


def _parse_text_number(text: str) -> tuple[Fraction | None, str, str | None]:
    """Split ``text`` into (number, unit text, error); ``number`` is None on failure."""
    accounting = re.fullmatch(r"\((.+)\)", text)
    if accounting:
        text = "-" + accounting.group(1).strip()
    text = _SPACE_THOUSANDS.sub("", text)
    m = _NUMBER.match(text)
    if m is None:
        return None, "", None
    unit_text = m.group("unit").strip()
    if unit_text.startswith(",") or re.match(r"^\d", unit_text):
        return None, unit_text, "千分位逗号位置不对或数字中有多余字符"
    if _RANGE_REST.match(unit_text) and not _DATE_LIKE.fullmatch(text):
        return None, unit_text, "像是一个范围，请填写一个确定的数"
    if _STOP_REST.match(unit_text):
        return None, unit_text, "「。」是中文句号，如为小数点请改为「.」"
    try:
        number = Fraction(Decimal(m.group("num").replace(",", "") + (m.group("exp") or "")))
    except InvalidOperation:  # pragma: no cover - the regex only lets valid numbers through
        return None, unit_text, None
    if m.group("sign") == "-":
        number = -number
    return number, unit_text, None


def _land_unit_of_floor(cell_unit: str, *, unit: str | None, header_unit: str | None) -> str | None:
    """Why a floor area's cell is not read when its unit (the cell's own, else the header's)
    is a land-area unit; ``None`` otherwise."""
    if _has_unit(cell_unit):
        return _floor_in_land_unit(cell_unit) if _land_only(_unit_key(cell_unit), unit) else None
    if header_unit and _land_only(_unit_key(header_unit), unit):
        return f"表头单位：{_floor_in_land_unit(header_unit)}"
    return None


def _cell_factor(
    cell_unit: str, raw: str, *, unit: str | None, header_unit: str | None
) -> tuple[Fraction | None, str | None]:
    """Factor for a cell: ``(factor, note)``, the note a 提示 or ``None``, or ``(None, why)``.
    A number word alone (「1.2万」) counts the column's unit (:func:`_number_word`), except in
    a percentage field, where 万 is no unit of its (said by :func:`_resolve_factor`)."""
    word = _unit_key(cell_unit) if cell_unit else ""
    if word in _NUMBER_WORDS and unit != "%":
        return _number_word(word, raw, unit=unit, header_unit=header_unit)
    return _resolve_factor(cell_unit, unit=unit, header_unit=header_unit)


def _resolve_factor(
    cell_unit: str, *, unit: str | None, header_unit: str | None
) -> tuple[Fraction | None, str | None]:
    """Factor for a cell: the cell's own unit wins over the header's."""
    if cell_unit:
        factor = unit_factor(cell_unit, unit=unit)
        if factor is None:
            if is_unit(cell_unit) or unit is None:
                return None, f"单位「{cell_unit}」不能换算为{_LABEL[unit]}"
            return None, f"单位「{cell_unit}」无法识别（本字段单位为{_LABEL[unit]}）"
        return factor, None
    if header_unit:
        factor = unit_factor(header_unit, unit=unit)
        if factor is None:
            return None, f"表头单位「{header_unit}」不能换算为{_LABEL[unit]}"
        return factor, None
    return Fraction(1), None


def _check_sign(value: float, raw: str, unit: str | None) -> tuple[float | None, str | None]:
    if value >= 0:
        return value, None
    if unit in _NON_NEGATIVE:
        return None, f"数值为负（{raw}），{_LABEL[unit]}不能为负数，已按缺失处理"
    return value, f"数值为负（{raw}），请核实（能否使用由数据合理性规则判定）"


def parse_quantity(
    value: object, *, unit: str | None, header_unit: str | None = None, floor_area: bool = False
) -> tuple[float | None, str | None]:
    """Parse one cell into a number in the canonical ``unit``: :func:`read_quantity` without
    telling a 提示 from a warning.

    Parameters
    ----------
    value
        The cell: a number, or text such as ``"12.5万元"``, ``"1,234.5"``, ``"１２３．５"``,
        ``"2.3亩"``, ``"1500 m²"``, ``"1.2万"`` (12,000 of the column's unit), ``"(12.5)"``
        (accounting negative), ``"¥1.2万"`` (a currency sign is read only beside a unit it
        leaves no doubt about). Blanks and the markers ``—``, ``-``, ``/``, ``无``, ``暂无``,
        ``不详`` are missing.
    unit
        Canonical unit of the field (:data:`CANONICAL_UNITS`), ``None`` for a dimensionless one.
    header_unit
        Unit written in the column header (``税收（元）`` → ``"元"``), used when the cell has no
        unit of its own. A unit in the cell wins, with a warning when the two differ.
    floor_area
        The field is a floor (建筑) area (``FieldSpec.floor_area``): a value in a land-area
        unit (「2亩」, 「1.5公顷」: :data:`LAND_ONLY_UNITS`) is missing and said, not converted.

    Returns
    -------
    tuple of (float or None, str or None)
        The value in ``unit`` and a problem text in Chinese. ``(None, None)`` is a missing
        cell; ``(x, text)`` a kept value with a warning or a note (cell unit differs from the
        header, a negative amount, a percentage in a dimensionless field, a note on 「1.2万」,
        a fraction in a percentage field); ``(None, text)`` an unparseable cell, set to
        missing, never to 0.

    Examples
    --------
    >>> parse_quantity("12.5万元", unit="万元")
    (12.5, None)
    >>> parse_quantity("125000元", unit="万元", header_unit="万元")[0]
    12.5
    >>> parse_quantity("2.3亩", unit="m2")[0]  # 2.3 × 10000/15
    1533.3333333333333
    >>> parse_quantity("1.2万", unit="m2")
    (12000.0, None)
    >>> print(parse_quantity("2亩", unit="m2", floor_area=True)[1])
    「2亩」：建筑面积应填平方米；「亩」是土地面积单位，不换算为建筑面积，请核对，已按缺失处理
    """
    number, problem, _ = read_quantity(
        value, unit=unit, header_unit=header_unit, floor_area=floor_area
    )
    return number, problem


def read_quantity(
    value: object, *, unit: str | None, header_unit: str | None = None, floor_area: bool = False
) -> tuple[float | None, str | None, bool]:
    """:func:`parse_quantity`, and whether its problem text is a 提示 only.

    A 提示 is a value read as staff usually mean it, worth a look but no doubt about the
    number itself: 「1.2万」 in a 万元 column, read as 1.2 万元 (:func:`_number_word`). Every
    other kept value with a text is a warning, every missing one an error.

    Examples
    --------
    >>> read_quantity("1.2万", unit="万元")
    (1.2, '「1.2万」已按「1.2万元」读取（本列单位为「万元」），请核对表头单位', True)
    >>> read_quantity(0.03, unit="%")
    (0.03, '数值 0.03 小于 1：如为 3%，请写作 3 或 3%', False)
    """
    if unit is not None and unit not in _UNITS:
        raise ValueError(f"unknown canonical unit {unit!r}; expected one of {CANONICAL_UNITS}")
    if is_missing(value):
        return None, None, False
    if isinstance(value, bool) or not isinstance(value, str | Real):
        return None, f"「{value}」不是数值，已按缺失处理", False
    if isinstance(value, Real):
        if not math.isfinite(value):
            return None, f"「{value}」不是有限数值，已按缺失处理", False
        number, cell_unit = Fraction(value), ""
        raw = str(value)
    else:
        raw = _norm(value)
        number, cell_unit, problem = _text_cell(raw, unit=unit, header_unit=header_unit)
        if number is None:
            return None, problem, False
    return _finite_or_missing(
        number, cell_unit, raw, unit=unit, header_unit=header_unit, floor_area=floor_area
    )


def _text_cell(
    raw: str, *, unit: str | None, header_unit: str | None
) -> tuple[Fraction | None, str, str | None]:
    """A text cell (normalised) as ``(number, cell unit, None)``, or ``(None, "", why)``."""
    if excel_error(raw) is not None:
        return None, "", f"Excel 公式错误「{raw}」，已按缺失处理"
    currency = _CURRENCY.match(raw)
    number, cell_unit, why = _parse_text_number(raw[currency.end() :] if currency else raw)
    if number is None:
        detail = f"（{why}）" if why else ""
        return None, "", f"「{raw}」不是数值{detail}，已按缺失处理"
    problem = None
    if currency:
        problem = _currency_problem(raw, cell_unit, unit=unit, header_unit=header_unit)
    if problem:
        return None, "", problem
    return number, cell_unit, None


def _currency_problem(
    raw: str, cell_unit: str, *, unit: str | None, header_unit: str | None
) -> str | None:
    """Why an amount written with a currency sign cannot be read; None when it can.

    The sign says 人民币 only. 「¥1.2万」 and 「¥12,000元」 state their unit, and 「¥12,000」 under
    a 元 header agrees with it: read. 「¥12,000」 in a 万元 column (or one without a unit) may be
    12,000 元 (what the sign usually marks) or 12,000 万元 (the column's unit), 10,000 times
    apart: not guessed.
    """
    if unit != "万元":
        return f"「{raw}」是金额（带货币符号），不能换算为{_LABEL[unit]}，已按缺失处理"
    if cell_unit or (header_unit and unit_factor(header_unit, unit=unit) == Fraction(1, 10000)):
        return None
    column = f"本列单位为「{header_unit}」" if header_unit else "本列未写单位（按万元读取）"
    return (
        f"「{raw}」带货币符号但没有写单位，{column}，不能确定是元还是万元（相差一万倍），"
        "已按缺失处理；请在源表中写明单位（如 12000元 或 1.2万元）"
    )


def _finite_or_missing(
    number: Fraction,
    cell_unit: str,
    raw: str,
    *,
    unit: str | None,
    header_unit: str | None,
    floor_area: bool,
) -> tuple[float | None, str | None, bool]:
    """:func:`_apply_unit`, but a number no float can hold (``1e400``) becomes missing."""
    try:
        return _apply_unit(
            number, cell_unit, raw, unit=unit, header_unit=header_unit, floor_area=floor_area
        )
    except OverflowError:
        return None, f"「{raw}」超出可表示的数值范围（不是有限数值），已按缺失处理", False


def _fraction_for_percent(number: Fraction, raw: str) -> str | None:
    """Why a plain number strictly between 0 and 1 in a percentage field is worth a look:
    3 % typed as the fraction 0.03 would be read as 0.03 %. A cell formatted as a percentage
    in Excel arrives as its text (「3%」, :mod:`landgov.io._grid`), never here."""
    if not 0 < number < 1:
        return None
    percent = f"{_to_float(number * 100):.10g}"
    return f"数值 {raw} 小于 1：如为 {percent}%，请写作 {percent} 或 {percent}%"


def _apply_unit(
    number: Fraction,
    cell_unit: str,
    raw: str,
    *,
    unit: str | None,
    header_unit: str | None,
    floor_area: bool,
) -> tuple[float | None, str | None, bool]:
    """The cell's number in ``unit``, the problem text, and whether that text is a 提示 only."""
    if cell_unit in {"%", "‰"} and unit is None:
        scale = Fraction(1, 100) if cell_unit == "%" else Fraction(1, 1000)
        result = _to_float(number * scale)
        return result, f"百分数「{raw}」已换算为小数 {result:g}", False
    if cell_unit in {"%", "‰"} and unit != "%":
        return None, f"百分数「{raw}」不能换算为{_LABEL[unit]}，已按缺失处理", False
    if floor_area and (land := _land_unit_of_floor(cell_unit, unit=unit, header_unit=header_unit)):
        return None, f"「{raw}」：{land}，已按缺失处理", False
    factor, said = _cell_factor(cell_unit, raw, unit=unit, header_unit=header_unit)
    if factor is None:
        return None, f"「{raw}」：{said}，已按缺失处理", False
    result, sign_problem = _check_sign(_to_float(number * factor), raw, unit)
    if result is None:
        return None, sign_problem, False
    differs = None
    if _has_unit(cell_unit) and header_unit and unit_factor(header_unit, unit=unit) != factor:
        differs = (
            f"单元格单位「{cell_unit}」与表头单位「{header_unit}」不一致，"
            f"已按单元格单位换算为 {result:g} {_LABEL[unit]}"
        )
    fraction = _fraction_for_percent(number, raw) if unit == "%" and not cell_unit else None
    warnings = [w for w in (differs, sign_problem, fraction) if w]
    return (
        result,
        "；".join([said, *warnings] if said else warnings) or None,
        not warnings and bool(said),
    )


def _has_unit(cell_unit: str) -> bool:
    """Whether a cell names a unit of its own: 「1.2万」 does not (a number word counts the
    column's unit, :func:`_number_word`), 「1.2万元」 does."""
    return bool(cell_unit) and _unit_key(cell_unit) not in _NUMBER_WORDS


# ---------------------------------------------------------------------------------------------
# Dates


parse_date = read_date  # the one date parser (landgov.core.dates); kept under io's name
