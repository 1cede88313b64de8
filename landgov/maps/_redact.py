"""Redaction for briefings that leave the room (``landgov map --redact``).

Hides identities, not policy. Removed: enterprise names, credit codes, holder names and every
figure of one enterprise or plot (its tax, value added, 亩均税收). Kept: grades, paths, areas,
counts, the public thresholds and targets of the profile, and township/district aggregates
(规上亩均税收 included; a township with fewer than :data:`MIN_ENTERPRISES` above-scale
enterprises has its money figures masked, as they would show one enterprise).

Columns are dropped, not blanked, and free texts (reasons, flags…) are scrubbed: every name and
code seen in the run is replaced, any other 18-character credit code and any number next to a
money word or unit is masked — except a number that follows a comparison (「≤ 5 万元/亩」,
「低于 5 万元/亩」), which is a threshold quoted from the profile.

A 宗地代码 identifies the land right (and, through 不动产登记, its holder): on a redacted map it
is replaced everywhere (popups, tooltips, search, 连片 lists, free texts) by a neutral sequence
label 「地块 0001」, numbered by 镇街 then code (:func:`plot_labels`), the same label in every
layer, so a plot and its 连片 block or 增容 row still match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from landgov.core.missing import is_missing
from landgov.core.townnames import township_order

__all__ = [
    "MASK",
    "MIN_ENTERPRISES",
    "PLOT_LABEL",
    "REDACTION_NOTE",
    "is_money_key",
    "plot_labels",
    "redact_aggregate",
    "redact_frame",
    "redact_mapping",
    "scrub_text",
    "secrets_of",
]

MASK = "■"
REDACTION_NOTE = (
    "脱敏版：已隐去企业名称、信用代码、权利人、宗地代码（以「地块 0001」式序号代替）"
    "及单个企业（宗地）的金额；公开的门槛、目标和镇街、全区汇总保留"
)
#: What a 宗地代码 becomes on a redacted map (numbered by 镇街, then code).
PLOT_LABEL = "地块"
_HIDDEN = "（已隐去）"
#: Columns holding 宗地代码: one (``parcel_id``) or a list (``parcel_ids`` of a 连片 block).
_CODE_COLUMNS = frozenset({"parcel_id"})
_CODE_LISTS = frozenset({"parcel_ids"})
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z_\-]*")
_LIST_SEP = re.compile(r"([；;,，\s]+)")
#: A township aggregate of fewer above-scale enterprises than this shows no money figure.
MIN_ENTERPRISES = 3

_PERSONAL_COLUMNS = frozenset(
    {
        "holder",
        "enterprise_names",
        "usccs",
        "unjoined_usccs",
        "enterprise_detail",
        "enterprise_name",
        "name",
        "uscc",
        "main_uscc",
        "legal_rep",
        "contact",
    }
)
_MONEY_HINTS = ("tax", "value_added", "_wan", "revenue", "税", "增加值", "营收", "产值")
_USCC = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY*]{10}(?![0-9A-Z])")
_NUM = r"-?\d[\d,，]*(?:\.\d+)?"
_MONEY_AFTER = re.compile(rf"({_NUM})(\s*(?:亿元|万元|千元|元))")
_MONEY_WORD = re.compile(
    rf"((?:税收|税额|纳税|增加值|营业收入|营收|产值|销售收入|利润)[^\d\n\[\]（）()]{{0,12}}?)({_NUM})"
)
_SPLIT = re.compile(r"[；;\n]")
#: Words and signs that put a threshold (public policy) right before a number.
_COMPARISON = re.compile(
    r"(?:≤|≥|<|>|＜|＞|=|低于|高于|不低于|不高于|不少于|不足|达到|超过|大于|小于|以上|以下|目标|门槛|标准|下限|上限)\s*$"
)
#: Manifest sections that hold file paths and names, not figures.
_PATH_KEYS = frozenset({"inputs", "outputs", "files", "path"})


def is_money_key(key: str) -> bool:
    """True for a column or manifest key that holds money (tax, value added, revenue…)."""
    low = key.lower()
    return any(h in low for h in _MONEY_HINTS)


def secrets_of(frames: Iterable[pd.DataFrame | None]) -> tuple[str, ...]:
    """Every name and code in the personal columns of ``frames``, longest first."""
    found: set[str] = set()
    for frame in frames:
        if frame is None:
            continue
        for col in _PERSONAL_COLUMNS & set(frame.columns):
            for value in frame[col].dropna().astype(str):
                found.update(p.strip() for p in _SPLIT.split(value) if len(p.strip()) >= 2)
    return tuple(sorted(found, key=len, reverse=True))


def plot_labels(parcels: pd.DataFrame | None) -> dict[str, str]:
    """宗地代码 → 「地块 0001」, numbered by 镇街 (plots without one last), then 宗地代码.

    The numbers have as many digits as the count needs, at least four.

    >>> frame = pd.DataFrame({"parcel_id": ["Z9", "A1", "B2"], "township": ["乙镇", "乙镇", None]})
    >>> plot_labels(frame)
    {'A1': '地块 0001', 'Z9': '地块 0002', 'B2': '地块 0003'}
    """
    if parcels is None or "parcel_id" not in parcels:
        return {}
    codes = parcels["parcel_id"].dropna().astype(str)
    towns = (
        parcels.loc[codes.index, "township"].astype(object)
        if "township" in parcels
        else pd.Series(None, index=codes.index, dtype=object)
    )
    keys = pd.DataFrame(
        {"town": township_order(towns, codes).positions(towns).to_numpy(), "code": codes}
    )  # 镇街 in 行政区划代码 order (core.townnames), then 宗地代码
    ordered = keys.sort_values(["town", "code"], kind="stable")["code"].drop_duplicates()
    width = max(4, len(str(len(ordered))))
    return {code: f"{PLOT_LABEL} {k:0{width}d}" for k, code in enumerate(ordered, start=1)}


def _relabel_text(text: str, labels: Mapping[str, str]) -> str:
    """Every 宗地代码 in a free text replaced by its label (a word-like code, looked up whole)."""
    return _TOKEN.sub(lambda m: labels.get(m.group(0), m.group(0)), text)


def _relabel_list(text: str, labels: Mapping[str, str]) -> str:
    parts = _LIST_SEP.split(text)
    return "".join(p if k % 2 or not p else labels.get(p, _HIDDEN) for k, p in enumerate(parts))


def _relabel_codes(out: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """``parcel_id`` / ``parcel_ids`` as labels; a code with no label (not a plot of the run)
    is hidden, never shown."""
    for col in _CODE_COLUMNS & set(out.columns):
        out[col] = (
            out[col]
            .map(lambda v: v if is_missing(v) else labels.get(str(v), _HIDDEN))
            .astype(object)
        )
    for col in _CODE_LISTS & set(out.columns):
        out[col] = out[col].map(lambda v: _relabel_list(v, labels) if isinstance(v, str) else v)
    return out


def scrub_text(text: str, secrets: tuple[str, ...]) -> str:
    """Mask known names/codes, credit codes and money figures in one free text."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "（已隐去）")
    text = _USCC.sub("（已隐去）", text)
    text = _MONEY_AFTER.sub(_mask_after, text)
    return _MONEY_WORD.sub(_mask_word, text)


def _threshold_before(text: str, start: int) -> bool:
    return bool(_COMPARISON.search(text[max(0, start - 6) : start]))


def _mask_after(m: re.Match[str]) -> str:
    if _threshold_before(m.string, m.start()):
        return m.group(0)
    return MASK + m.group(2)


def _mask_word(m: re.Match[str]) -> str:
    if _COMPARISON.search(m.group(1)) and _threshold_before(m.string, m.start(2)):
        return m.group(0)
    if m.group(2) == MASK:
        return m.group(0)
    return m.group(1) + MASK


def redact_frame(
    frame: pd.DataFrame | None,
    secrets: tuple[str, ...],
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame | None:
    """A copy of ``frame`` without personal and money columns, free texts scrubbed.

    With ``labels`` (:func:`plot_labels`) every 宗地代码 becomes its 「地块 0001」 label:
    ``parcel_id``, the ``parcel_ids`` of a block and codes quoted in free texts.
    """
    if frame is None:
        return None
    drop = [c for c in frame.columns if c in _PERSONAL_COLUMNS or is_money_key(str(c))]
    out = frame.drop(columns=drop)
    if labels is not None:
        out = _relabel_codes(out, labels)
    for col in out.columns:
        if col == "geometry" or not (
            pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col])
        ):
            continue
        if labels and col not in _CODE_COLUMNS | _CODE_LISTS:
            out[col] = out[col].map(lambda v: _relabel_text(v, labels) if isinstance(v, str) else v)
        out[col] = out[col].map(lambda v: scrub_text(v, secrets) if isinstance(v, str) else v)
    return out


def redact_aggregate(
    frame: pd.DataFrame | None, secrets: tuple[str, ...], *, min_enterprises: int = MIN_ENTERPRISES
) -> pd.DataFrame | None:
    """A copy of a township/district table: names go, aggregates (money included) stay.

    Money figures of a row with fewer than ``min_enterprises`` above-scale enterprises
    (``n_above_scale``) are blanked: such a total is one enterprise's figure.
    """
    if frame is None:
        return None
    out = frame.drop(columns=[c for c in frame.columns if c in _PERSONAL_COLUMNS])
    money = [c for c in out.columns if is_money_key(str(c)) and c != "geometry"]
    if money and "n_above_scale" in out.columns:
        few = pd.to_numeric(out["n_above_scale"], errors="coerce").fillna(0) < min_enterprises
        for col in money:
            out[col] = out[col].astype(object).where(~few, None)
    for col in out.columns:
        if col == "geometry" or not (
            pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col])
        ):
            continue
        out[col] = out[col].map(lambda v: scrub_text(v, secrets) if isinstance(v, str) else v)
    return out


def redact_mapping(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a manifest section without file paths (``inputs``, ``outputs``, ``files``).

    Thresholds, targets and district aggregates stay: they are policy and public figures.
    """
    out: dict[str, Any] = {}
    for key, value in data.items():
        if str(key) in _PATH_KEYS or str(key) in _PERSONAL_COLUMNS:
            continue
        out[key] = redact_mapping(value) if isinstance(value, Mapping) else value
    return out
