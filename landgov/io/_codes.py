"""Problem texts for identifier checks shared by the table readers (private)."""

from __future__ import annotations

import pandas as pd

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
    if status is USCCStatus.MASKED:
        return "统一社会信用代码已脱敏", "请向数据提供部门索取完整代码"
    if status is USCCStatus.MISSING:
        return "统一社会信用代码缺失", "补充统一社会信用代码；缺码的记录无法与其他数据关联"
    if status is USCCStatus.BAD_LENGTH:
        return (
            f"统一社会信用代码应为 18 位，实为 {len(code)} 位",
            "核对原始登记信息（可在国家企业信用信息公示系统查询）",
        )
    if status is USCCStatus.BAD_CHARACTER:
        bad = "".join(sorted({c for c in code if c not in USCC_ALPHABET}))
        return (
            f"统一社会信用代码含非法字符「{bad}」（代码不使用 I、O、S、V、Z 等字母）",
            "核对是否把数字 0、1 误录成字母 O、I 等",
        )
    expected = uscc_check_char(code[:17])
    return (
        f"统一社会信用代码校验位错误（按 GB 32100-2015 第 18 位应为「{expected}」，"
        f"实为「{code[17]}」）",
        "核对是否有录入错误（可在国家企业信用信息公示系统查询）",
    )


def add_uscc_status(frame: pd.DataFrame) -> tuple[list[object], list[USCCStatus]]:
    """Normalise ``frame["uscc"]`` and insert ``uscc_status`` after it (the frame is the
    reader's own working copy).

    Returns
    -------
    tuple of (list, list of USCCStatus)
        The codes as read and their statuses, by row position.
    """
    raw = frame["uscc"].tolist()
    # each distinct text once: a link table names the same enterprise on many rows
    done: dict[str, tuple[USCCStatus, object]] = {}
    statuses, normalised = [], []
    for v in raw:
        hit = done.get(v) if type(v) is str else None
        if hit is None:
            hit = (check_uscc(v), normalize_uscc(v) or None)
            if type(v) is str:
                done[v] = hit
        statuses.append(hit[0])
        normalised.append(hit[1])
    frame["uscc"] = pd.Series(normalised, index=frame.index, dtype="str")
    status_col = pd.Series([s.value for s in statuses], index=frame.index, dtype="str")
    frame.insert(frame.columns.get_loc("uscc") + 1, "uscc_status", status_col)
    return raw, statuses
