"""Problem texts for identifier checks shared by the table readers (private)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landgov.core.safe_text import EXCEL_ERROR_VALUES
from landgov.ids import USCC_ALPHABET, USCCStatus, check_uscc, normalize_uscc, uscc_check_char


def uscc_problem(raw: object, status: USCCStatus) -> tuple[str, str]:
    """``(problem, action)`` in Chinese for a USCC that is not valid.

    The problem is short (``统一社会信用代码已脱敏``) so callers can add the consequence
    (``，不能用于关联`` / ``，无法建立关联``).

    Parameters
    ----------
    raw
        The code as seen in the file.
    status
        Its :class:`~landgov.ids.USCCStatus` (anything but ``VALID``).
    """
    code = normalize_uscc(raw)
    if code in EXCEL_ERROR_VALUES:  # 「#N/A」 of a VLOOKUP that found nothing, not masking
        return (
            f"统一社会信用代码单元格是 Excel 公式错误「{code}」（常见于 VLOOKUP 查找不到）",
            "在源表中改正该公式或填入完整代码（粘贴为数值）",
        )
    if status is USCCStatus.MASKED:
        return "统一社会信用代码已脱敏", "请向数据提供部门索取完整代码"
    if status is USCCStatus.MISSING:
        return "统一社会信用代码缺失", "补充统一社会信用代码；缺码的记录无法与其他数据关联"
    if status is USCCStatus.BAD_LENGTH:
        return _length_problem(code)
    if status is USCCStatus.BAD_CHARACTER:
        bad = "".join(sorted({c for c in code if c not in USCC_ALPHABET}))
        likely = _digit_for_letter(code)
        guess = f"；把字母换成数字后「{likely}」校验通过，可能即为该代码" if likely else ""
        return (
            f"统一社会信用代码含非法字符「{bad}」（代码不使用 I、O、S、V、Z 等字母）{guess}",
            "核对是否把数字 0、1 误录成字母 O、I 等，在源表中改正（本次不自动替换）",
        )
    expected = uscc_check_char(code[:17])
    return (
        f"统一社会信用代码校验位错误（按 GB 32100-2015 第 18 位应为「{expected}」，"
        f"实为「{code[17]}」）",
        "核对是否有录入错误（可在国家企业信用信息公示系统查询）",
    )


def _length_problem(code: str) -> tuple[str, str]:
    if _OLD_REGISTRATION.match(code):
        return (
            f"「{code}」像 15 位的旧代码（工商注册号或税务登记号），不是 18 位统一社会信用代码",
            "按该号码在国家企业信用信息公示系统查到企业的统一社会信用代码，填入后重新读取",
        )
    inside = _codes_inside(code)
    if len(inside) > 1:
        return (
            f"一个单元格中填了 {len(inside)} 个统一社会信用代码（{'、'.join(inside)}）",
            "每个企业单独填一行（地企关联表中同一宗地的每个使用企业各占一行），"
            "在源表中拆开后重新读取（本次不自动拆分）",
        )
    if inside:
        extra = "、".join(f"「{t}」" for t in code.split(inside[0]) if t)
        return (
            f"统一社会信用代码单元格中除代码「{inside[0]}」（校验通过）外还有其他文字{extra}",
            "该列只填 18 位代码，把说明文字移到备注列后重新读取（本次不自动截取）",
        )
    return (
        f"统一社会信用代码应为 18 位，实为 {len(code)} 位",
        "核对原始登记信息（可在国家企业信用信息公示系统查询）",
    )


#: runs of the characters a USCC is written in (a code inside other text, or two in one cell)
_USCC_RUN = re.compile(f"[{USCC_ALPHABET}]+")


def _codes_inside(text: str) -> list[str]:
    """The valid USCCs standing alone in ``text`` (a run of exactly 18 code characters),
    in order: 「A/B」 holds two, 「A(已注销)」 one."""
    runs = (m.group() for m in _USCC_RUN.finditer(text))
    return [r for r in runs if len(r) == 18 and check_uscc(r) is USCCStatus.VALID]


#: the 15-character numbers enterprises had before GB 32100-2015, still found in old 亩均
#: lists: the 工商注册号 (15 digits) and the 税务登记号 (region code + 9-character
#: organisation code, whose check character may be X)
_OLD_REGISTRATION = re.compile(r"^\d{14}[\dX]$")
#: letters no USCC uses, typed for the digits they look like (O for 0, I for 1, Z for 2, S for 5)
_LOOK_ALIKE = str.maketrans({"O": "0", "I": "1", "Z": "2", "S": "5"})


def _digit_for_letter(code: str) -> str | None:
    """The code with the look-alike letters that no USCC uses (O, I, Z, S) read as the
    digits they look like, when that is a valid USCC; None otherwise. Only said, never
    applied: a guess is no code."""
    if len(code) != 18 or all(c in USCC_ALPHABET for c in code):
        return None
    fixed = "".join(c if c in USCC_ALPHABET else c.translate(_LOOK_ALIKE) for c in code)
    if fixed == code or check_uscc(fixed) is not USCCStatus.VALID:
        return None
    return fixed


_USCC_PLAIN_RE2 = f"^[{USCC_ALPHABET}]{{18}}$"  # RE2 for: 18 characters of the alphabet
_USCC_VALUE = np.full(256, 0, dtype=np.int64)
_USCC_VALUE[np.frombuffer(USCC_ALPHABET.encode("ascii"), np.uint8)] = np.arange(31)
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)


def _valid_as_written(raw: list[object]) -> np.ndarray:
    """Positions of the cells that are a valid USCC exactly as written.

    Text of 18 characters of the alphabet, without a masking run of ``XXXX``, whose check
    character is right (GB 32100-2015, computed for the whole column at once): for such a
    text :func:`check_uscc` says ``VALID`` and :func:`normalize_uscc` leaves it unchanged.
    """
    at = np.flatnonzero(np.fromiter((type(v) is str for v in raw), bool, len(raw)))
    if not at.size:
        return at
    texts = pa.array(np.fromiter(raw, dtype=object, count=len(raw))[at], type=pa.string())
    plain = pc.and_(
        pc.match_substring_regex(texts, _USCC_PLAIN_RE2),
        pc.invert(pc.match_substring(texts, "XXXX")),
    ).to_numpy(False)
    at = at[plain]
    if not at.size:
        return at
    joined = "".join(texts.filter(pa.array(plain)).to_pylist()).encode("ascii")
    values = _USCC_VALUE[np.frombuffer(joined, np.uint8).reshape(-1, 18)]
    check = (31 - (values[:, :17] @ _USCC_WEIGHTS) % 31) % 31
    return at[values[:, 17] == check]


def valid_usccs(values: Sequence[object]) -> frozenset[str]:
    """The texts among ``values`` that are a valid USCC exactly as written, found for the
    whole column at once: :func:`~landgov.ids.check_uscc` says ``VALID`` for each and
    :func:`~landgov.ids.normalize_uscc` leaves it unchanged (a caller asks them for the rest)."""
    raw = list(values)
    return frozenset(raw[i] for i in _valid_as_written(raw).tolist())  # type: ignore[misc]


_PARCEL_PLAIN_RE2 = r"^[0-9]{12}[A-Z]{2}[0-9]{5}$"  # GB/T 37346, ASCII, already normalised


def standard_parcel_codes(values: Sequence[object]) -> np.ndarray:
    """Whether each cell is a standard 宗地代码 exactly as written, for a whole column at once.

    True means :func:`~landgov.ids.check_parcel_code` accepts the cell and
    :func:`~landgov.ids.normalize_code` leaves it unchanged; False means: ask them.
    """
    out = np.zeros(len(values), dtype=bool)
    at = np.flatnonzero(np.fromiter((type(v) is str for v in values), bool, len(values)))
    if at.size:
        texts = pa.array(np.fromiter(values, dtype=object, count=len(values))[at], pa.string())
        out[at] = pc.match_substring_regex(texts, _PARCEL_PLAIN_RE2).to_numpy(False)
    return out


def add_uscc_status(frame: pd.DataFrame) -> tuple[list[object], list[USCCStatus]]:
    """Normalise ``frame["uscc"]`` and insert ``uscc_status`` after it (the frame is the
    reader's own working copy).

    Returns
    -------
    tuple of (list, list of USCCStatus)
        The codes as read and their statuses, by row position.
    """
    raw = frame["uscc"].tolist()
    statuses: list[USCCStatus | None] = [None] * len(raw)
    normalised: list[object] = [None] * len(raw)
    for i in _valid_as_written(raw).tolist():
        statuses[i], normalised[i] = USCCStatus.VALID, raw[i]
    # the others: each distinct text once (a link table names an enterprise on many rows)
    done: dict[str, tuple[USCCStatus, object]] = {}
    for i, v in enumerate(raw):
        if statuses[i] is not None:
            continue
        hit = done.get(v) if type(v) is str else None
        if hit is None:
            hit = (check_uscc(v), normalize_uscc(v) or None)
            if type(v) is str:
                done[v] = hit
        statuses[i], normalised[i] = hit
    frame["uscc"] = pd.Series(normalised, index=frame.index, dtype="str")
    status_col = pd.Series([s.value for s in statuses], index=frame.index, dtype="str")  # type: ignore[union-attr]
    frame.insert(frame.columns.get_loc("uscc") + 1, "uscc_status", status_col)
    return raw, statuses  # type: ignore[return-value]
