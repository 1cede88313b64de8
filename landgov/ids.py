"""Identifiers: the unified social credit code (USCC) and the 宗地代码 (parcel code).

USCC (GB 32100-2015): 18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I O S V Z).
Each character's value is its index in that alphabet; positions 1–17 carry weights
:math:`w_i = 3^{i-1} \\bmod 31`, and the check character is
``alphabet[(31 - Σ v_i w_i mod 31) mod 31]``. Positions 3–8 are the region code (浙江 33xxxx).

宗地代码 (GB/T 37346): 19 characters = 6-digit county code + 3 地籍区 + 3 地籍子区 + 2 特征码
(e.g. ``GB``) + 5-digit sequence.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from dataclasses import dataclass

from landgov.core.missing import MISSING_TEXT
from landgov.core.textkey import folded

__all__ = [
    "USCC_ALPHABET",
    "ParcelCodeCheck",
    "USCCStatus",
    "admin_county",
    "check_parcel_code",
    "check_uscc",
    "county_label",
    "listed_parcel_codes",
    "normalize_code",
    "normalize_uscc",
    "uscc_check_char",
]

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_MASK_CHARS = frozenset("*＊×?？#")
_MASK_RUN = re.compile(r"X{4,}")
_DASHES = re.compile(r"[\-－—]")
#: the texts that mean no value (core.missing: 「无」, 「N/A」, 「—」, nan …), as a folded,
#: upper-cased code is compared: a code written so is missing, never a code
_BLANK_WORDS = frozenset(t.upper() for t in MISSING_TEXT)
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


class USCCStatus(enum.StrEnum):
    """Result of checking one USCC."""

    VALID = "有效"
    MASKED = "已脱敏"
    BAD_LENGTH = "长度错误"
    BAD_CHARACTER = "含非法字符"
    BAD_CHECK = "校验位错误"
    MISSING = "缺失"


def normalize_code(value: object) -> str:
    """The one form every reader and join uses for a code (宗地代码, USCC, 行业代码 …).

    NFKC (full-width ``３３０６０２`` → ``330602``, ``ＧＢ`` → ``GB``), every blank removed
    (surrounding and inner, including the ideographic space) with the zero-width characters a
    copy from a web page brings (U+200B, U+FEFF …) and a leading ``'`` (Excel's mark for
    text, which some exports write into the cell), upper-cased. A missing value
    (:func:`landgov.core.missing.is_missing`: ``None``, NaN, ``pd.NA``, 「无」, 「N/A」, 「—」, or
    the text ``nan``/``None``/``NULL`` a program wrote for one) gives ``""``, so a blank code
    can never become a code called ``"nan"`` or ``"无"``.

    Examples
    --------
    >>> normalize_code(" ３３０６０２００１００２ｇｂ０００１７ ")
    '330602001002GB00017'
    >>> normalize_code(float("nan")), normalize_code("  ")
    ('', '')
    """
    if type(value) is str and value.isascii() and value.isalnum():
        # fast path, same result: NFKC leaves ASCII as is and there is no blank to remove
        text = value.upper()
        return "" if text in _BLANK_WORDS else text
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if type(value).__name__ in {"NAType", "NaTType"}:
        return ""
    text = folded(value).upper()
    if not text.isascii():  # zero-width characters pasted from a web page are no blanks to split
        text = _INVISIBLE.sub("", text)
    if text[:1] == "'":  # Excel's text mark, written out literally by some exports
        text = text.lstrip("'")
    return "" if text in _BLANK_WORDS else text


def normalize_uscc(value: object) -> str:
    """:func:`normalize_code`, then dashes removed (``91330602-MA2…``). Missing gives ``""``."""
    text = normalize_code(value)
    if text.isalnum():  # letters and digits only (most codes): no dash to remove
        return text
    return _DASHES.sub("", text)


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a USCC."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(value: object) -> USCCStatus:
    """Classify a USCC as valid, masked, or invalid (and why).

    Masking (``9133********621X``) is checked before length, so a masked code of any length is
    reported as masked: such codes must be reported and never joined on.
    """
    if type(value) is str:  # the readers and the linker ask again for the same texts
        return _check_uscc_text(value)
    return _check_uscc(value)


def _check_uscc(value: object) -> USCCStatus:
    code = normalize_uscc(value)
    if not code:
        return USCCStatus.MISSING
    if any(c in _MASK_CHARS for c in code) or _MASK_RUN.search(code):
        return USCCStatus.MASKED
    if len(code) != 18:
        return USCCStatus.BAD_LENGTH
    if any(c not in _VALUE for c in code):
        return USCCStatus.BAD_CHARACTER
    if uscc_check_char(code[:17]) != code[17]:
        return USCCStatus.BAD_CHECK
    return USCCStatus.VALID


_check_uscc_text = functools.lru_cache(maxsize=1 << 18)(_check_uscc)


_PARCEL_RE = re.compile(r"^(\d{6})(\d{3})(\d{3})([A-Z]{2})(\d{5})$")
_PARCEL_IN_TEXT = re.compile(r"\d{12}[A-Z]{2}\d{5}")
_LIST_SEPARATORS = re.compile(r"[、,，;；]|和|及")
_CODE_PIECE = re.compile(r"^[0-9A-Z\-_]{6,}$")


def listed_parcel_codes(value: object) -> tuple[str, ...]:
    """The 宗地代码 a cell lists when it names more than one plot; ``()`` for one or none.

    Townships write one application on two plots in one cell: 「A、B」, 「A，B」, 「A和B」, or
    the two codes with a blank or a line break between them (which :func:`normalize_code` joins
    into one 38-character text, found here as two 19-character codes).

    Examples
    --------
    >>> listed_parcel_codes("330602003002GB00195、330602001001GB00239")
    ('330602003002GB00195', '330602001001GB00239')
    >>> listed_parcel_codes("330602003002GB00195 330602001001GB00239")
    ('330602003002GB00195', '330602001001GB00239')
    >>> listed_parcel_codes("330602003002GB00195"), listed_parcel_codes("北区3号地块")
    ((), ())
    """
    if value is None or not isinstance(value, str):
        return ()
    pieces = [normalize_code(p) for p in _LIST_SEPARATORS.split(value)]
    pieces = [p for p in pieces if p]
    if len(pieces) > 1 and all(_CODE_PIECE.match(p) for p in pieces):
        return tuple(pieces)
    joined = normalize_code(value)
    codes = _PARCEL_IN_TEXT.findall(joined)
    if len(codes) > 1 and "".join(codes) == joined:
        return tuple(codes)
    return ()


#: The first character of the 特征码 (GB/T 37346-2019 8.2): who owns the land.
_LAND_OWNERS = {"G": "国有", "J": "集体", "Z": "所有权未确定"}


@dataclass(frozen=True)
class ParcelCodeCheck:
    """Parts of a 19-character 宗地代码, or why it does not parse."""

    ok: bool
    county: str = ""
    cadastral_zone: str = ""
    subzone: str = ""
    feature: str = ""
    sequence: str = ""
    problem: str = ""

    @property
    def land_owner(self) -> str | None:
        """国有 (特征码 G…), 集体 (J…) or 所有权未确定 (Z…, 土地所有权未确定或有争议); None when
        the code does not parse or names another letter.

        >>> check_parcel_code("330602001001GB00017").land_owner
        '国有'
        >>> check_parcel_code("330602001001JB00017").land_owner, check_parcel_code("x").land_owner
        ('集体', None)
        """
        return _LAND_OWNERS.get(self.feature[:1]) if self.ok else None


def check_parcel_code(value: object) -> ParcelCodeCheck:
    """Parse a 宗地代码 (GB/T 37346): ``330602 001 002 GB 00017``."""
    code = normalize_code(value)
    if not code:
        return ParcelCodeCheck(ok=False, problem="宗地代码缺失")
    m = _PARCEL_RE.match(code)
    if m is None:
        return ParcelCodeCheck(ok=False, problem=_code_shape_problem(code))
    return ParcelCodeCheck(True, *m.groups())


#: The parts of a 宗地代码 by position: (start, end, what they should be, the test)
_CODE_PARTS = (
    (0, 12, "数字（6 位县级代码+3 位地籍区+3 位地籍子区）", str.isdigit),
    (12, 14, " 2 位字母特征码（如 GB、JC）", lambda s: s.isascii() and s.isalpha()),
    (14, 19, " 5 位数字宗地顺序号", str.isdigit),
)


def _code_shape_problem(code: str) -> str:
    """Why ``code`` is no 宗地代码: its length when it is not 19 characters, else the first part
    that is not what it should be (a 19-digit number has no 特征码).

    >>> _code_shape_problem("3306020010010000001")
    '宗地代码第 13–14 位应为 2 位字母特征码（如 GB、JC），实为「00」'
    """
    if len(code) != 19:
        return f"宗地代码应为 19 位（6 位县级代码+3+3+2 位特征码+5 位），实为 {len(code)} 位"
    for start, end, what, ok in _CODE_PARTS:
        if not ok(code[start:end]):
            return f"宗地代码第 {start + 1}–{end} 位应为{what}，实为「{code[start:end]}」"
    return "宗地代码格式不符（6 位县级代码+3+3+2 位特征码+5 位）"


#: A 行政区代码 (统计用区划代码): 县级 6 digits, 乡级 9, 村级 12.
_ADMIN_CODE = re.compile(r"^\d{6}(?:\d{3}){0,2}$")


def admin_county(value: object) -> tuple[str | None, str | None]:
    """The 6-digit county of a 行政区代码 (``330602``, ``330602001``, ``330602001001``) and the
    problem when it is not one (a blank cell gives ``(None, None)``).

    >>> admin_county("330602001"), admin_county(""), admin_county("3306")[0]
    (('330602', None), (None, None), None)
    """
    code = normalize_code(value)
    if not code:
        return None, None
    if not _ADMIN_CODE.match(code):
        return None, f"行政区代码应为 6、9 或 12 位数字（县级、乡级、村级），实为「{code}」"
    return code[:6], None


def county_label(code: str) -> str:
    """``330603（柯桥区）`` for a Zhejiang county code, the code alone for any other.

    >>> county_label("330603"), county_label("110101")
    ('330603（柯桥区）', '110101')
    """
    from landgov.province.counties import county

    try:
        return f"{code}（{county(code).name}）"
    except KeyError:
        return code
