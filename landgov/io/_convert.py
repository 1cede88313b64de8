"""Convert source cells into canonical values by field kind, logging every problem.

Shared by the table readers (xlsx/xls/csv) and the layer readers (Shapefile, GeoPackage …), so a
number, date or code is read the same way whatever file it comes from.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landgov.core.dates import latest_day, latest_name, read_year, unread_name, unread_text
from landgov.core.missing import MISSING_TEXT
from landgov.core.problems import ProblemLog, Severity
from landgov.core.safe_text import excel_error
from landgov.ids import USCCStatus, check_uscc, normalize_code
from landgov.io.encoding import MOJIBAKE_ACTION, MOJIBAKE_CAUSE, codec_label, mojibake_reading
from landgov.io.fields import ColumnMatch, FieldSpec, Kind
from landgov.io.numbers import (
    is_missing,
    is_unit,
    named_units,
    parse_date,
    read_quantity,
    unit_factor,
)

__all__ = [
    "ACTION_AMBIGUOUS_ZERO",
    "ACTION_CHECK",
    "ACTION_DATE",
    "ACTION_LOST_ZERO",
    "CellProblem",
    "as_series",
    "blank_shown",
    "cell_text",
    "container_text",
    "convert_columns",
    "convert_values",
    "is_blank",
    "latest_cells",
    "lost_zero",
    "number_action",
    "resolve_header_unit",
    "unread_cells",
]

# A cell holding a JSON list or object, as a GeoJSON property (``"宗地代码": ["330602…"]``) or a
# GeoParquet list/struct column gives it: never one value by itself (:func:`_container_value`).
_CONTAINERS = (list, tuple, dict, np.ndarray)
ACTION_SINGLE = "在源图层中把该属性改为单个值（文本或数值，不用 [ ] 或 { }）后重新读取"
_PLAIN_DECIMAL = re.compile(r"[0-9]{1,300}(?:\.[0-9]{1,300})?")
_SCI_CODE = re.compile(r"^\d(?:\.\d+)?e\+?\d+$", re.IGNORECASE)
#: An example value in each canonical unit (:attr:`FieldSpec.unit`), for the fix of a number
#: that could not be read: the example fits the field (never 「12.5万元」 for a 宗地面积)
_EXAMPLES = {
    "万元": "12.5 或 12.5万元",
    "m2": "12000、12000平方米 或 18亩",
    "亩": "18 或 18亩",
    "tce": "350 或 350吨标准煤",
    "万kWh": "80 或 80万kWh",
    "t": "350 或 350吨",
    "人": "120",
}
#: … of a floor (建筑) area: in 平方米, never in a land-area unit (亩, 公顷)
ACTION_FLOOR_AREA = (
    "建筑面积应填平方米：核对该值（是否误填了土地面积或单位），改为以平方米计的建筑面积"
    "（如 1500 或 1500平方米）后重新读取"
)
ACTION_DATE = "在源表中改为日期（如 2021-03-05）后重新读取"
ACTION_YEAR = "在源表中改为四位年份（如 2019）后重新读取"
ACTION_CHECK = "请核实"
ACTION_EXCEL_ERROR = "在 Excel 中修正该单元格的公式或内容（或把公式改为所得数值）后重新导出"
#: Fields whose reader says an Excel error value itself: a 统一社会信用代码 is checked by
#: :func:`landgov.io._codes.uscc_problem` (「Excel 公式错误」, the code not valid, never joined).
_ERROR_SAID_BY_READER = frozenset({"uscc"})


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing at all: ``None``, NaN/``NA``/``NaT`` or blank text.

    A grid question (is this cell written?), answered by :func:`landgov.core.missing.is_missing`
    for every cell that is not text: a NaN in a text column is no value, never the text
    ``"nan"``. A written 「—」 or 「无」 is not blank here: a text field keeps what the cell says
    (「无」 answers a yes/no question, :func:`~landgov.core.missing.parse_yes_no`) and the stages
    read it as no value through ``core.missing``.
    """
    if isinstance(value, str):
        return not value.strip()
    return is_missing(value)


# Zero-width and direction marks a copy from a web page or WeChat brings (the set
# landgov.ids.normalize_code removes from codes): invisible in Excel, they would make
# 「斗门街道\u200b」 a second 镇街 beside 「斗门街道」.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def cell_text(value: object) -> str:
    """A cell as display text (whole floats without ``.0``, dates as ISO), stripped and without
    zero-width characters."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text if text.isprintable() else _INVISIBLE.sub("", text).strip()


#: what each blank character is called when a cell of nothing else is shown (:func:`blank_shown`)
_BLANK_NAMES = {" ": "空格", "\u3000": "全角空格", "\t": "制表符", "\n": "换行符", "\r": "回车符"}
_BLANK_NAMES |= {"\xa0": "不间断空格"}


def blank_shown(text: str) -> str:
    """A text that :func:`cell_text` reads as blank (only spaces, tabs, zero-width characters),
    shown so a reader sees what the cell held, each kind counted in order of appearance.

    >>> blank_shown("   "), blank_shown(" \\t\\u3000 "), blank_shown("\\u200b")
    ('（3 个空格）', '（2 个空格、1 个制表符、1 个全角空格）', '（1 个零宽字符）')
    """
    counts: dict[str, int] = {}
    for char in text:
        name = _BLANK_NAMES.get(char) or ("零宽字符" if _INVISIBLE.match(char) else "空白字符")
        counts[name] = counts.get(name, 0) + 1
    return f"（{'、'.join(f'{n} 个{name}' for name, n in counts.items())}）"


@dataclass(frozen=True)
class CellProblem:
    position: int  # index into the data rows
    value: object
    problem: str
    action: str
    severity: Severity


def _code_from_number(value: float) -> tuple[str, str | None, Severity]:
    """A number in a code column, converted back to text (digits past 15 may be lost).

    Excel keeps 15 significant digits, a .dbf numeric field (``N``) wider than 18 digits is
    read as a double: the message names neither, it is shared by tables and layers."""
    if (isinstance(value, float) and not value.is_integer()) or abs(value) >= 1e15:
        return (
            cell_text(value),
            f"代码被存为数字（{value}），超出 15 位有效数字的部分可能已丢失，开头的 0 也会丢失；"
            "请把该列（图层中为该字段）改为文本类型后重新导出",
            Severity.ERROR,
        )
    return str(int(value)), None, Severity.INFO


ACTION_LOST_ZERO = "无需处理；宜把该列（图层中为该字段）改为文本类型后重新导出，保留代码开头的 0"
ACTION_AMBIGUOUS_ZERO = (
    "把该列（图层中为该字段）改为文本类型，填写完整代码（开头的 0 不可省略）后重新读取"
)


def _is_whole_number(value: object) -> bool:
    """A non-negative whole int or float (601, 601.0): what a code stored as a number is."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return False
    number = float(value)
    return math.isfinite(number) and number >= 0 and number.is_integer() and number < 1e15


def lost_zero(value: object, digits: Sequence[int]) -> tuple[str | None, str | None, Severity]:
    """A code of ``digits`` digits that was stored as a number (601), read back as text.

    A number has no leading 0: GB/T 21010 「0601」 工业用地 comes as 601, GB/T 4754 「0610」 as
    610. The codes of these classifications never begin with 「00」, so the code is the digits
    as they are or with one 0 in front:

    - only one of the two has a digit count of ``digits`` → that code (601 → 「0601」 for the
      land-use codes of 2, 4 or 6 digits, with a 提示 saying so; 1001 → 「1001」 unchanged);
    - both have (610 for an industry code of 2, 3 or 4 digits: 中类 「610」 or 小类 「0610」; 33:
      大类 「33」 or 中类 「033」) → ``None``, with an error naming both readings (待核实: never
      read as division 61 or 33 on a guess);
    - neither has (a 5-digit industry code) → the digits as they are, without a word (the
      readers of the code say what they cannot use).

    Returns ``(code, problem, severity)``.

    >>> lost_zero(601, (2, 4, 6))[0], lost_zero(1001.0, (2, 4, 6))[0], lost_zero(610, (2, 3, 4))[0]
    ('0601', '1001', None)
    """
    text = str(int(float(value)))  # type: ignore[arg-type]
    as_is, padded = len(text) in digits, len(text) + 1 in digits
    counts = (
        "、".join(map(str, digits[:-1])) + f" 或 {digits[-1]}" if len(digits) > 1 else digits[0]
    )
    if padded and as_is:
        return (
            None,
            f"代码被存为数字（{text}），开头的 0 可能已丢失：本字段的代码有 {counts} 位，可能是"
            f"「{text}」，也可能是「0{text}」，无法确定，已按缺失处理（待核实）",
            Severity.ERROR,
        )
    if padded:
        return (
            f"0{text}",
            f"代码被存为数字（{text}），开头的 0 已丢失；本字段的代码为 {counts} 位，已按"
            f"「0{text}」读取",
            Severity.INFO,
        )
    return text, None, Severity.INFO


def _code_value(
    value: object, digits: Sequence[int] = (), *, uscc: bool = False
) -> tuple[str | None, str | None, Severity]:
    """Codes stay text, in the one normalised form (:func:`landgov.ids.normalize_code`).

    A blank cell (empty, spaces, NaN, ``—``/``无``) is missing, never the text ``"nan"``. A
    number in a code column is converted back and checked (and, for a field whose codes have
    ``digits`` digits, its lost leading 0 restored or the cell flagged: :func:`lost_zero`); a
    code that normalisation changed (case, blanks, full-width characters) is recorded as an
    info row with both forms — for a ``uscc`` field only when the code is then valid (the one
    deduplicated and joined on; any other says why it is not, :mod:`landgov.io._codes`).
    """
    if isinstance(value, bool):
        return str(value), "代码列中出现逻辑值，请核对", Severity.ERROR
    if is_missing(value):
        return None, None, Severity.INFO
    if isinstance(value, int | float):
        if digits and _is_whole_number(value):
            return lost_zero(value, digits)
        return _code_from_number(value)
    text = cell_text(value)
    if _SCI_CODE.match(text):
        problem = "代码显示为科学计数法，原始代码已丢失；请把该列设为文本格式后重新导出"
        return text, problem, Severity.ERROR
    code = normalize_code(text)
    changed = None
    if code != text and (not uscc or check_uscc(code) is USCCStatus.VALID):
        changed = f"代码已统一为半角大写、去掉空格：「{text}」→「{code}」（按同一代码去重与关联）"
        if text.startswith("'"):
            changed = changed.replace("去掉空格", "去掉开头的 ' 和空格")
    return code or None, changed, Severity.INFO


def container_text(value: object) -> str:
    """A list or object cell as the JSON text it was written as (``["330602…"]``)."""
    plain = value.tolist() if isinstance(value, np.ndarray) else value
    return json.dumps(plain, ensure_ascii=False, default=str)


def _container_value(
    value: list | tuple | dict | np.ndarray, spec: FieldSpec, header_unit: str | None
) -> tuple[object, str | None, str, Severity | None]:
    """A list holding one plain value is read as that value, with a warning; any other list or
    an object is missing, with an error (never its ``str()`` as a code or a name)."""
    items = value.tolist() if isinstance(value, np.ndarray) else value
    text = container_text(value)
    if isinstance(items, list | tuple) and len(items) == 1:
        item = items[0]
        if not isinstance(item, _CONTAINERS):
            parsed, problem, action, code_severity = _convert_one(item, spec, header_unit)
            said = f"值是只含一个值的列表「{text}」，已取其中的值"
            problem = said if problem is None else f"{said}；{problem}"
            if code_severity is not Severity.ERROR:
                code_severity = Severity.WARNING
            return parsed, problem, ACTION_SINGLE if parsed is not None else action, code_severity
    kind = "对象" if isinstance(items, dict) else "列表"
    problem = f"值是{kind}「{text}」，不是单个值，已按缺失处理"
    return None, problem, ACTION_SINGLE, Severity.ERROR


def _number_factor(spec: FieldSpec, header_unit: str | None) -> Fraction | None:
    """The factor a plain number cell of this column is multiplied by (header unit or 1)."""
    if header_unit:
        return unit_factor(header_unit, unit=spec.unit, floor_area=spec.floor_area)
    return Fraction(1)


def _plain_number(value: object, factor: Fraction | None) -> float | None:
    """A plain non-negative finite number cell (or its plain decimal text) in canonical units.

    The result is exactly what :func:`parse_quantity` gives for such a cell (``float`` of the
    exact product): with a factor of 1 the value itself, else the exact product rounded once.
    Anything else (text with a unit or a sign, NaN, a bool) is None: left to
    :func:`parse_quantity`.
    """
    kind = type(value)
    if factor is None:
        return None
    if kind is str:  # a CSV cell: plain ASCII digits with an optional decimal part
        if not _PLAIN_DECIMAL.fullmatch(value):  # type: ignore[call-overload]
            return None
    elif kind is float:
        if not math.isfinite(value) or value < 0:  # type: ignore[arg-type, operator]
            return None
    elif kind is not int or value < 0:  # type: ignore[operator]
        return None
    try:
        number = float(value) if factor == 1 else float(Fraction(value) * factor)  # type: ignore[call-overload, arg-type]
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _reads_errors(spec: FieldSpec) -> bool:
    """Whether an Excel error value in this field is said here: text and code fields (numbers,
    dates and years say it as a value that does not read, :mod:`landgov.io.numbers`)."""
    return spec.kind in (Kind.TEXT, Kind.CODE) and spec.name not in _ERROR_SAID_BY_READER


def _error_cell(error: str) -> tuple[None, str, str, Severity]:
    """An Excel error value (:func:`~landgov.core.safe_text.excel_error`) in a text or code
    cell: no content, so missing (待核实; a key that is missing joins nothing), said as an
    error."""
    return (
        None,
        f"值为 Excel 错误值「{error}」（公式出错，或其引用的单元格、工作表已删除），不是所填的"
        "内容，已按缺失处理（待核实）",
        ACTION_EXCEL_ERROR,
        Severity.ERROR,
    )


def number_action(spec: FieldSpec) -> str:
    """How to fix a number of ``spec``'s field that could not be read, with an example in the
    field's unit (:data:`_EXAMPLES`); a floor area has its own (:data:`ACTION_FLOOR_AREA`).

    >>> from landgov.io.fields import PARCEL_FIELDS
    >>> number_action(next(f for f in PARCEL_FIELDS if f.name == "area_declared_m2"))
    '在源表中改为数值（可带单位，如 12000、12000平方米 或 18亩）后重新读取'
    """
    if spec.floor_area:
        return ACTION_FLOOR_AREA
    example = _EXAMPLES.get(spec.unit or "")
    if example is None:
        return "在源表中改为数值（如 12.5）后重新读取"
    return f"在源表中改为数值（可带单位，如 {example}）后重新读取"


def _convert_one(
    value: object, spec: FieldSpec, header_unit: str | None
) -> tuple[object, str | None, str, Severity | None]:
    """(value, problem text, action, code severity) for one cell."""
    if _reads_errors(spec) and (error := excel_error(value)) is not None:
        return _error_cell(error)
    return _convert_by_kind(value, spec, header_unit)


def _convert_by_kind(
    value: object, spec: FieldSpec, header_unit: str | None
) -> tuple[object, str | None, str, Severity | None]:
    """:func:`_convert_one` of a cell that is no Excel error value of a text or code field."""
    if isinstance(value, _CONTAINERS):
        return _container_value(value, spec, header_unit)  # type: ignore[arg-type]
    if spec.kind is Kind.NUMBER:
        number, text, note = read_quantity(
            value, unit=spec.unit, header_unit=header_unit, floor_area=spec.floor_area
        )
        missing = number_action(spec)
        return number, text, missing if number is None else ACTION_CHECK, _note(note)
    if spec.kind is Kind.DATE:
        day, text = parse_date(value, month_only=spec.month_only)
        return day, text, ACTION_DATE if day is None else ACTION_CHECK, None
    if spec.kind is Kind.YEAR:
        year, text = read_year(value)
        return year, text, ACTION_YEAR if year is None else ACTION_CHECK, None
    if spec.kind is Kind.CODE:
        parsed, text, code_severity = _code_value(value, spec.code_digits, uscc=spec.name == "uscc")
        if spec.code_digits and _is_whole_number(value) and text:
            action = ACTION_AMBIGUOUS_ZERO if parsed is None else ACTION_LOST_ZERO
        elif code_severity is Severity.ERROR:
            action = "核对原始代码"
        else:
            action = "无需处理；如两种写法本应是不同代码，请改正源数据"
        return parsed, text, action, code_severity
    return _text_value(value, spec)


def _note(note: bool) -> Severity | None:
    """The severity of a number's problem that is a 提示 only (:func:`read_quantity`)."""
    return Severity.INFO if note else None


def _text_value(value: object, spec: FieldSpec) -> tuple[object, str | None, str, Severity | None]:
    """A text cell as text; a number in a field of names or codes (「土地用途」 holding
    GB/T 21010 codes in a numeric field) read as the code it was (:func:`lost_zero`). A Boolean
    (TRUE/FALSE) is no name and no category: missing, with an 错误 in Excel's spelling
    (only a 是/否 field, ``spec.yes_no``, takes it as its answer)."""
    if isinstance(value, bool | np.bool_) and not spec.yes_no:
        shown = "TRUE" if value else "FALSE"
        what = "「规上」或「规下」" if spec.name == "scale" else f"文字（{spec.label}）"
        return (
            None,
            f"单元格是逻辑值「{shown}」，不是{spec.label}，按缺失处理",
            f"在源表中改为填写{what}后重新读取",
            None,
        )
    if spec.code_digits and _is_whole_number(value):
        parsed, text, code_severity = lost_zero(value, spec.code_digits)
        action = ACTION_AMBIGUOUS_ZERO if parsed is None else ACTION_LOST_ZERO
        return parsed, text, action, code_severity
    return cell_text(value) or None, None, "", None


_T = TypeVar("_T")
_SLOW = object()  # a cell the vectorised pass leaves to :func:`_convert_one`
_PLAIN_DECIMAL_RE2 = r"^[0-9]{1,300}(?:\.[0-9]{1,300})?$"  # _PLAIN_DECIMAL, for pyarrow
_PLAIN_CODE_RE2 = r"^[0-9A-Z]+$"
_SCI_PLAIN_CODE_RE2 = r"^[0-9]E[0-9]+$"  # what _SCI_CODE matches among plain codes
_MISSING_PLAIN_CODES = sorted(
    t.upper() for t in MISSING_TEXT if t.isascii() and t.isalnum()
)  # NA, NAN, NAT, NONE, NULL


def _types(values: Sequence[object]) -> np.ndarray:
    return np.fromiter(map(type, values), dtype=object, count=len(values))


def _of_type(types: np.ndarray, kind: type) -> np.ndarray:
    """Positions of the cells whose type is exactly ``kind`` (bool is not int here)."""
    return np.flatnonzero(np.equal(types, kind))


def _slow(out: np.ndarray) -> list[int]:
    """Positions left to :func:`_convert_one` (the other cells hold floats, text or None)."""
    return np.flatnonzero(np.equal(out, _SLOW)).tolist()  # type: ignore[no-any-return]


def _texts(cells: np.ndarray) -> pa.StringArray:
    return pa.array(cells, type=pa.string())


def _plain_numbers(values: Sequence[object], factor: Fraction | None) -> np.ndarray:
    """:func:`_plain_number` of every cell at once (:data:`_SLOW` where it gives None).

    Floats and non-negative ints are taken as they are (``float(int)`` as Python rounds it);
    texts are matched with the same pattern (pyarrow's RE2) and converted with Python's
    ``float`` by numpy's object cast. A factor other than 1 keeps the exact per-cell product.
    """
    out = np.full(len(values), _SLOW, dtype=object)
    if factor is None or not len(values):
        return out
    if factor != 1:
        for i, value in enumerate(values):
            if (number := _plain_number(value, factor)) is not None:
                out[i] = number
        return out
    cells = np.fromiter(values, dtype=object, count=len(values))
    types = _types(values)
    for kind in (float, int, str):
        at = _of_type(types, kind)
        if not at.size:
            continue
        if kind is str:
            at = at[pc.match_substring_regex(_texts(cells[at]), _PLAIN_DECIMAL_RE2).to_numpy(False)]
        try:
            numbers = cells[at].astype(np.float64)
        except OverflowError:  # an int beyond float: left to the text parser, as before
            plain = [_plain_number(v, factor) for v in cells[at]]
            numbers = np.array([np.nan if v is None else v for v in plain], dtype=np.float64)
        keep = np.isfinite(numbers) & (numbers >= 0)
        if kind is str:
            keep[:] = True  # plain decimals are never negative; ≤ 300 digits stay finite
        out[at[keep]] = numbers[keep].tolist()
    return out


def _plain_codes(values: Sequence[object]) -> np.ndarray:
    """Cells that are already a code in its normal form (ASCII digits and capitals, not a
    missing word, not scientific notation): themselves; :data:`_SLOW` for the others."""
    out = np.full(len(values), _SLOW, dtype=object)
    at = _of_type(_types(values), str)
    if not at.size:
        return out
    cells = np.fromiter(values, dtype=object, count=len(values))[at]
    texts = _texts(cells)
    plain = pc.and_(
        pc.match_substring_regex(texts, _PLAIN_CODE_RE2),
        pc.invert(
            pc.or_(
                pc.match_substring_regex(texts, _SCI_PLAIN_CODE_RE2),
                pc.is_in(texts, pa.array(_MISSING_PLAIN_CODES, pa.string())),
            )
        ),
    ).to_numpy(False)
    out[at[plain]] = cells[plain]
    return out


def _plain_texts(values: Sequence[object], *, errors: bool = False) -> np.ndarray:
    """Text cells of a text column: stripped, blank → None (:func:`cell_text`); a text with a
    character that is not printable (a zero-width space) is left to :func:`cell_text`, and so
    is, with ``errors``, an Excel error value (said by :func:`_convert_one`)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        if type(v) is not str:
            out[i] = _SLOW
            continue
        text = v.strip()
        if not text:
            out[i] = None
        elif not text.isprintable() or (errors and text[0] == "#" and excel_error(text)):
            out[i] = _SLOW  # every Excel error value begins with 「#」: only those are looked up
        else:
            out[i] = text
    return out


_ISO_DATE_RE2 = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"  # 「2021-03-05」 (Python's years), for pyarrow


def _plain_dates(values: Sequence[object]) -> np.ndarray:
    """Cells that are a day written 「2021-03-05」 (ASCII digits, nothing else): that day, as
    :func:`~landgov.io.numbers.parse_date` reads it without a word; :data:`_SLOW` for the others
    (a day that does not exist, any other form, a blank). Parsed in Arrow, and kept only where
    the day read is written back as the very same text, so no cell reads otherwise than alone
    (a county's date fields: thousands of distinct days a column, each once in Python before).
    """
    out = np.full(len(values), _SLOW, dtype=object)
    at = _of_type(_types(values), str)
    if not at.size:
        return out
    texts = _texts(np.fromiter(values, dtype=object, count=len(values))[at])
    iso = pc.match_substring_regex(texts, _ISO_DATE_RE2)
    stamps = pc.strptime(
        pc.if_else(iso, texts, pa.scalar(None, pa.string())),
        format="%Y-%m-%d", unit="s", error_is_null=True,
    )  # fmt: skip
    days = pc.cast(stamps, pa.date32())
    same = pc.fill_null(pc.equal(pc.cast(days, pa.string()), texts), False).to_numpy(False)
    kept = days.filter(same).to_pylist()
    out[at[same]] = np.fromiter(kept, dtype=object, count=len(kept))
    return out


def _fast_values(values: Sequence[object], spec: FieldSpec, header_unit: str | None) -> np.ndarray:
    """The cells that convert without a problem, converted column-wise; :data:`_SLOW` for
    the rest (a value that :func:`_convert_one` would give for the cell, with no problem)."""
    # a plain fraction in a percentage field (0.03) is said (read_quantity): cell by cell
    if spec.kind is Kind.NUMBER and spec.unit != "%":
        return _plain_numbers(values, _number_factor(spec, header_unit))
    if spec.kind is Kind.YEAR:  # plain whole numbers of a year's range; the rest cell by cell
        out = _plain_numbers(values, Fraction(1))
        for i, number in enumerate(out.tolist()):
            if number is not _SLOW and not (number.is_integer() and 1900 <= number <= 2100):
                out[i] = _SLOW
        return out
    if spec.kind is Kind.CODE:
        return _plain_codes(values)
    if spec.kind is Kind.TEXT:
        return _plain_texts(values, errors=_reads_errors(spec))
    if spec.kind is Kind.DATE:
        return _plain_dates(values)
    return np.full(len(values), _SLOW, dtype=object)


def convert_values(
    values: Sequence[object], spec: FieldSpec, header_unit: str | None
) -> tuple[pd.Series, list[CellProblem]]:
    """Convert one column by its kind; problems carry the row position.

    The common cells are converted a column at a time (:func:`_fast_values`: plain numbers,
    codes already in their normal form, text); each remaining distinct text cell is converted
    once (a column of 镇街 names or dates repeats a few values thousands of times). The results
    are the same as converting every cell on its own with :func:`_convert_one`.
    """
    values = list(values)
    out = _fast_values(values, spec, header_unit)
    problems: list[CellProblem] = []
    seen: dict[str, tuple[object, str | None, str, Severity | None]] = {}
    for i in _slow(out):
        value = values[i]
        if type(value) is str:
            done = seen.get(value)
            if done is None:
                done = seen[value] = _convert_one(value, spec, header_unit)
        else:
            done = _convert_one(value, spec, header_unit)
        parsed, text, action, code_severity = done
        out[i] = parsed
        if text:
            if spec.kind is Kind.CODE or spec.code_digits:  # the severity said with it
                severity = code_severity or Severity.INFO
            elif parsed is None:
                severity = Severity.ERROR
            elif code_severity is Severity.INFO:  # a number read as meant (:func:`_note`)
                severity = Severity.INFO
            else:
                severity = Severity.WARNING
            shown = container_text(value) if isinstance(value, _CONTAINERS) else value
            if isinstance(value, bool | np.bool_):  # as Excel/WPS shows it, not 「True」
                shown = "TRUE" if value else "FALSE"
            problems.append(CellProblem(i, shown, text, action, severity))
    return as_series(out.tolist(), spec.kind), problems


def unread_cells(problems: Sequence[CellProblem], spec: FieldSpec, n: int) -> pd.Series | None:
    """The companion of a date column: the text of each cell written but not read as a date.

    :func:`convert_values` leaves such a cell missing (and logs it); a check cannot tell it
    from a blank cell, so the readers keep its text in the column
    :func:`~landgov.core.dates.unread_name` (``completion_date_unread``), ``None`` on every
    other row. ``None`` when the column is no date column or has no such cell (a clean file
    gets no extra column). Only the problem cells are looked at.
    """
    if spec.kind is not Kind.DATE:
        return None
    return _companion(problems, Severity.ERROR, unread_text, n)


def latest_cells(problems: Sequence[CellProblem], spec: FieldSpec, n: int) -> pd.Series | None:
    """The companion of a ``month_only="period"`` date column: the last day of each cell
    written as a month, a quarter or a half-year (:func:`~landgov.core.dates.latest_day`;
    the column holds the first), ``None`` on every other row. ``None`` for other columns and
    for a column with no such cell. Only the problem cells are looked at (a period is said)."""
    if spec.kind is not Kind.DATE or spec.month_only != "period":
        return None
    return _companion(problems, Severity.WARNING, latest_day, n)


def _companion(
    problems: Sequence[CellProblem],
    severity: Severity,
    kept_of: Callable[[object], object | None],
    n: int,
) -> pd.Series | None:
    """A companion column of ``n`` rows: ``kept_of(value)`` of each problem cell of
    ``severity`` where it is not ``None``, ``None`` elsewhere; ``None`` when no cell has one."""
    kept = {
        p.position: value
        for p in problems
        if p.severity is severity and (value := kept_of(p.value)) is not None
    }
    if not kept:
        return None
    out = np.full(n, None, dtype=object)
    out[list(kept)] = list(kept.values())
    return pd.Series(out, dtype=object)


def as_series(values: list[object], kind: Kind) -> pd.Series:
    if kind is Kind.NUMBER or kind is Kind.YEAR:
        return pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
    if kind is Kind.DATE:
        return pd.Series(values, dtype=object)  # datetime.date or None, as in read_parcels
    return pd.Series(values, dtype="str")


def resolve_header_unit(match: ColumnMatch, log: ProblemLog) -> tuple[str | None, bool]:
    """The header unit to apply, and whether the column is usable at all."""
    spec, unit = match.field, match.header_unit
    if spec.kind is not Kind.NUMBER or unit is None:
        return None, True
    if unit_factor(unit, unit=spec.unit, floor_area=spec.floor_area) is not None:
        return unit, True
    if is_unit(unit):
        told = f"表头单位「{unit}」不能换算为字段「{spec.label}」的单位"
        action = f"改正表头单位（本字段单位：{spec.unit or '无'}）后重新读取"
        if spec.floor_area and unit_factor(unit, unit=spec.unit) is not None:  # 亩, 公顷
            told = f"「{spec.label}」是建筑面积，应填平方米；表头单位「{unit}」是土地面积单位"
            action = ACTION_FLOOR_AREA
        log.add(
            f"{told}，该列数值全部按缺失处理",
            field=match.source,
            value=match.source,
            action=action,
        )
        return None, False
    named, currency = named_units(unit)
    if named or (currency and spec.unit == "万元"):
        return _unit_among_words(match, named, log)
    log.add(
        f"表头括号中的「{unit}」不是可识别的单位，按默认单位 {spec.unit or '（无单位）'} 读取",
        field=match.source,
        value=match.source,
        action="如单位不同，请在表头中注明，如「税收（元）」",
        severity=Severity.WARNING,
    )
    return None, True


def _unit_among_words(
    match: ColumnMatch, named: list[str], log: ProblemLog
) -> tuple[str | None, bool]:
    """A header's bracket naming units among other words (「含税，元」「人民币元」), or only a
    currency (「¥」「人民币」, ``named`` empty): the one unit it names is read and said; a
    currency alone (元 or 万元, 10,000 times apart), two units, or a unit of another
    dimension leave the column missing, with an error."""
    spec, unit = match.field, match.header_unit
    factors = {unit_factor(u, unit=spec.unit, floor_area=spec.floor_area) for u in named}
    if len(factors) == 1 and None not in factors:
        log.add(
            f"表头括号中的「{unit}」按「{named[0]}」读取（换算为{spec.unit}）",
            field=match.source,
            value=match.source,
            action=f"如单位不是{named[0]}，请在表头中只写单位，如「{spec.label}（万元）」",
            severity=Severity.INFO,
        )
        return named[0], True
    if not named:
        told = f"表头括号中只写了货币「{unit}」，没有写单位，不能确定是元还是万元（相差一万倍）"
    elif None in factors:
        told = f"表头括号中的「{unit}」所写单位不能换算为字段「{spec.label}」的单位（{spec.unit}）"
    else:
        told = f"表头括号中的「{unit}」写了多个不同单位（{'、'.join(named)}），不能确定按哪一个读取"
    log.add(
        f"{told}，该列数值全部按缺失处理",
        field=match.source,
        value=match.source,
        action=f"在表头中只写一个单位，如「{spec.label}（元）」或「{spec.label}（万元）」，后重新读取",
    )
    return None, False


def convert_columns(
    frame: pd.DataFrame,
    matches: Mapping[str, ColumnMatch],
    *,
    log: ProblemLog,
    rows: np.ndarray,
) -> pd.DataFrame:
    """Canonical columns from ``frame`` (one per match), converted by kind.

    Numbers are parsed with their units into the field's canonical unit (a unit in the header
    applies when the cell has none), dates into ``datetime.date``, codes and text kept as text.
    A value that cannot be parsed becomes missing and is logged with its source row — never 0;
    a date cell that is written but no date keeps its text in a companion column
    (:func:`unread_cells`), so it is never read as a blank cell.
    """
    out = pd.DataFrame(index=frame.index)
    for name, match in matches.items():
        header_unit, usable = resolve_header_unit(match, log)
        values = frame[match.source].tolist() if usable else [None] * len(frame)
        series, problems = convert_values(values, match.field, header_unit)
        out[name] = series.set_axis(frame.index)
        unread = unread_cells(problems, match.field, len(frame))
        if unread is not None:
            out[unread_name(name)] = unread.set_axis(frame.index)
        latest = latest_cells(problems, match.field, len(frame))
        if latest is not None:
            out[latest_name(name)] = latest.set_axis(frame.index)
        for p in problems:
            log.add(
                p.problem,
                row=int(rows[p.position]),
                field=match.source,
                value=p.value,
                action=p.action,
                severity=p.severity,
            )
        if match.field.kind in (Kind.TEXT, Kind.CODE):
            _say_mojibake(out[name], match, log=log, rows=rows)
    return out


def _western_bytes(series: pd.Series) -> bool:
    """Whether ``series`` may hold a character of U+0080–U+00FF (Latin-1's upper half, what
    mojibake is made of): its UTF-8 lead byte is C2 or C3, which no 汉字's bytes contain. One
    look at an Arrow column's data buffer (about 1 ms for 50,000 names, where a substring
    search takes 14 ms); any other column is looked at value by value."""
    arr = getattr(series.array, "_pa_array", None)
    if arr is None:
        return True
    for chunk in arr.chunks:
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            return True
        data = chunk.buffers()[2]
        if data is not None and ((np.frombuffer(data, np.uint8) & 0xFE) == 0xC2).any():
            return True
    return False


def _say_mojibake(
    series: pd.Series, match: ColumnMatch, *, log: ProblemLog, rows: np.ndarray
) -> None:
    """One warning for a text field whose values are Chinese that a conversion decoded as a
    Western code page (「È¨ÀûÈË」 for 「权利人」, :func:`~landgov.io.encoding.mojibake_reading`):
    a GeoPackage or GeoJSON made from a GBK Shapefile by a tool set to Latin-1. The values are
    kept as they are — they match no enterprise name and no land use — and the warning says how
    many rows, the first one and what it reads as."""
    if not _western_bytes(series):
        return
    values = series.to_numpy(dtype=object, na_value=None)
    hits = [
        (i, value, read)
        for i, value in enumerate(values.tolist())
        if isinstance(value, str)
        and not value.isascii()
        and (read := mojibake_reading(value)) is not None
    ]
    if not hits:
        return
    i, value, (text, enc) = hits[0]
    log.add(
        f"字段「{match.field.label}」有 {len(hits):,} 行的文字是乱码（如「{value}」按 "
        f"{codec_label(enc)} 读是「{text}」）：{MOJIBAKE_CAUSE}；这些值按原样保留，"
        "与企业名称、土地用途等都对应不上",
        row=int(rows[i]),
        field=match.source,
        value=value,
        action=MOJIBAKE_ACTION,
        severity=Severity.WARNING,
    )
