"""The screening workbook's sheets and their layout, ready to hand out.

:func:`screening_sheets` puts the sheets of ``landgov.xlsx`` in order with their
:class:`~landgov.reports.excel.SheetStyle`: the two lists as :mod:`landgov.reports.lists` lays
them out, the 治理清单's print view (:mod:`landgov.reports.printlist`), the 镇街汇总 with 全区
below the filter, the 策略参数 in Chinese, and a 政策依据 sheet listing every clause the workbook
cites with its document and its words (:func:`landgov.core.documents.basis_rows`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

import pandas as pd

from landgov.core.columns import COLUMNS, CONDITION_LABELS, short_label
from landgov.core.distinct import distinct_texts_of
from landgov.core.documents import basis_rows, cited, citing_marks
from landgov.core.missing import format_number
from landgov.core.vocab import DISTRICT
from landgov.policy import Profile
from landgov.policy._loader import choice_words, compared_in_code
from landgov.reports.excel import SheetSpec, SheetStyle
from landgov.reports.lists import list_sheet, list_style, summary_style
from landgov.reports.printlist import PRINT_SHEET, print_sheet, print_style

__all__ = [
    "BASIS_SHEET",
    "BASIS_STYLE",
    "basis_sheet",
    "basis_spec",
    "params_sheet",
    "profile_clauses",
    "screening_sheets",
]

BASIS_SHEET = "政策依据"
BASIS_COLUMNS = ("引用", "文号", "文件名称", "条款", "原文")
BASIS_STYLE = SheetStyle(freeze_columns=1, wrap=frozenset({"引用", "文件名称", "原文"}), paper="A4")
_PARAM_STYLE = SheetStyle(freeze_columns=1, wrap=frozenset({"依据", "说明"}), paper="A4")
_PARAM_LABELS = {
    "key": "参数",
    "value": "取值",
    "unit": "单位",
    "comparison": "比较方式",
    "source": "依据",
    "from": "所在配置",
    "note": "说明",
}
_COMPARISONS = {
    "<=": "≤（以下，含本数）",
    "<": "<（低于，不含本数）",
    ">=": "≥（以上，含本数）",
    ">": ">（超过，不含本数）",
    "==": "等于",
}
_GOVERNANCE = "治理清单"
_LISTS = ("底数清单", _GOVERNANCE)
_SUMMARY = "镇街汇总"


@cache
def _param_words() -> dict[str, str]:
    """Chinese for the names a profile value may hold: columns (``tax_per_mu`` → 亩均税收),
    screening checks (``two_high`` → “两高”项目) and 增容 rules (``cond1.area``)."""
    from landgov.far.zengrong._conditions import _INDICATORS
    from landgov.screening import CHECK_LABELS

    words = {name: short_label(name) for name in COLUMNS}
    words |= {str(check): text for check, text in CHECK_LABELS.items()}
    parts = {"area": "用地面积"} | {i.key: i.label for i in _INDICATORS}
    for name, text in parts.items():
        words[name] = text
        words |= {f"{c}.{name}": f"{CONDITION_LABELS[c]}：{text}" for c in ("cond1", "cond6")}
    return words


def _param_word(value: object) -> Any:
    """One item of a value: a date as ``2022-11-01``, a number without float noise, a column,
    check or 增容 rule name in Chinese (``tax_per_mu`` → 亩均税收); other words (the profile's
    options, e.g. ``percentile``) as the profile has them."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format_number(value, digits=6)
    if isinstance(value, str):
        return _param_words().get(value, value)
    return value


def param_value(value: object, *, top: bool = True) -> Any:
    """A profile value as the 策略参数 sheet shows it: never Python's ``{'A': 0.2}``,
    ``mappingproxy(…)`` or ``2022-11-01 00:00:00``.

    >>> param_value({"A": 0.2, "B": 0.4})
    'A：0.2；B：0.4'
    >>> param_value({"违法建设": ("重大", "较大"), "tax_per_mu": 30.0})
    '违法建设：重大、较大；亩均税收：30'
    >>> param_value(("拆除重建", "关停退出"))
    '拆除重建；关停退出'
    >>> param_value(dt.date(2022, 11, 1)), param_value({})
    ('2022-11-01', '（空）')
    """
    if isinstance(value, Mapping):
        if "path" in value and "label" in value:  # a 四个一批 rule of paths.rules
            return f"{value.get('id', '')} {value['path']}：{value['label']}".strip()
        items = [f"{_param_word(k)}：{param_value(v, top=False)}" for k, v in value.items()]
        return "；".join(items) if items else "（空）"
    if isinstance(value, list | tuple):  # 「；」 between the items, 「、」 inside a mapping's
        rules = all(isinstance(v, Mapping) for v in value)
        sep = "\n" if rules and value else "；" if top else "、"
        return sep.join(str(param_value(v, top=False)) for v in value)
    return _param_word(value)


def params_sheet(profile: Profile) -> pd.DataFrame:
    """The 策略参数 sheet: Chinese headers, comparisons in words, values as text people read
    (:func:`param_value`; an option as the schema words it, ``percentile`` → 按得分排位分档)."""
    rows = pd.DataFrame(profile.as_rows())
    if "value" in rows:
        rows["value"] = [
            choice_words(k).get(v) if isinstance(v, str) and v in choice_words(k)
            else param_value(v)
            for k, v in zip(rows["key"], rows["value"], strict=True)
        ]  # fmt: skip
    if "comparison" in rows:  # in words; a threshold the code compares: how it does
        said = [
            _COMPARISONS.get(c, c) or compared_in_code(k) or ""
            for k, c in zip(rows["key"], rows["comparison"], strict=True)
        ]
        rows["comparison"] = said
    return rows.rename(columns=_PARAM_LABELS)


def _texts(frames: Iterable[pd.DataFrame]) -> list[str]:
    """Every text of ``frames`` that may cite a clause on file (:func:`~landgov.core.
    documents.citing_marks`), each once (the sheets repeat their reasons: the 治理清单's rows
    are rows of the 底数清单)."""
    columns = (frame[name] for frame in frames for name in frame.columns)
    return list(distinct_texts_of(columns, containing=citing_marks()))


def profile_clauses(profile: Profile) -> list[tuple[str, str]]:
    """Every (document code, clause) the profile's values cite, and the 增容 conditions' clauses
    when the profile has a ``zengrong`` section."""
    pairs: list[tuple[str, str]] = []
    for key in profile:
        cit = profile[key].citation
        if cit is not None and cit.seed is not None:
            pairs += cited(f"{cit.seed} {cit.clause}")
    if any(key.startswith("zengrong.") for key in profile):
        from landgov.far.zengrong._case import _CLAUSE

        pairs += [("000", clause) for clause in _CLAUSE.values()]
    return pairs


def basis_sheet(profile: Profile, frames: Iterable[pd.DataFrame] = ()) -> pd.DataFrame:
    """The 政策依据 sheet: one row per clause the profile's rules rest on or ``frames`` cite,
    with 引用, 文号, 文件名称, 条款 and 原文 (the clause's own words)."""
    rows = basis_rows(_texts(frames), clauses=profile_clauses(profile))
    return pd.DataFrame(rows, columns=list(BASIS_COLUMNS))


def basis_spec(profile: Profile, frames: Iterable[pd.DataFrame] = ()) -> SheetSpec:
    """The 政策依据 sheet for :func:`landgov.reports.excel.write_sheets` (the 增容 stage)."""
    return SheetSpec(basis_sheet(profile, frames), BASIS_SHEET, style=BASIS_STYLE)


def screening_sheets(
    sheets: Sequence[tuple[str, pd.DataFrame]], profile: Profile, *, title: str | None = None
) -> tuple[list[tuple[str, pd.DataFrame]], dict[str, SheetStyle]]:
    """The sheets as written, with 策略参数 and 政策依据 added, and each sheet's style.

    The 治理清单 is followed by its print view 「治理清单（打印）」
    (:mod:`landgov.reports.printlist`), made from the same frame; ``title`` is printed at the
    top of its pages.
    """
    out: list[tuple[str, pd.DataFrame]] = []
    styles: dict[str, SheetStyle] = {"策略参数": _PARAM_STYLE, BASIS_SHEET: BASIS_STYLE}
    for name, frame in sheets:
        if name in _LISTS:
            frame = list_sheet(frame, profile)  # noqa: PLW2901
            styles[name] = list_style(frame)
        elif name == _SUMMARY:
            frame = _summary_last(frame)  # noqa: PLW2901
            styles[name] = summary_style(frame)
        out.append((name, frame))
        if name == _GOVERNANCE:
            out.append((PRINT_SHEET, print_sheet(frame)))
            styles[PRINT_SHEET] = print_style(title)
    out.append(("策略参数", params_sheet(profile)))
    out.append((BASIS_SHEET, basis_sheet(profile, (frame for _, frame in out))))
    return out, styles


def _summary_last(frame: pd.DataFrame) -> pd.DataFrame:
    """The 镇街汇总 with its 全区 row last."""
    if "township" not in frame or not len(frame):
        return frame
    total = frame["township"].eq(DISTRICT)
    return pd.concat([frame[~total], frame[total]])
