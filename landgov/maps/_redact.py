"""Redaction for briefings that leave the room (``landgov map --redact``).

Removes enterprise names, credit codes, holder names and every money figure; grades, paths,
areas and counts stay. Columns are dropped, not blanked, and free texts (reasons, flags…) are
scrubbed: every name and code seen in the run is replaced, any other 18-character credit code
and any number next to a money word or unit is masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

__all__ = ["MASK", "REDACTION_NOTE", "is_money_key", "redact_frame", "scrub_text", "secrets_of"]

MASK = "■"
REDACTION_NOTE = "脱敏版：已隐去企业名称、信用代码、权利人及金额"

_PERSONAL_COLUMNS = frozenset(
    {
        "holder",
        "enterprise_names",
        "usccs",
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


def scrub_text(text: str, secrets: tuple[str, ...]) -> str:
    """Mask known names/codes, credit codes and money figures in one free text."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "（已隐去）")
    text = _USCC.sub("（已隐去）", text)
    text = _MONEY_AFTER.sub(MASK + r"\2", text)
    return _MONEY_WORD.sub(lambda m: m.group(1) + MASK, text)


def redact_frame(frame: pd.DataFrame | None, secrets: tuple[str, ...]) -> pd.DataFrame | None:
    """A copy of ``frame`` without personal and money columns, free texts scrubbed."""
    if frame is None:
        return None
    drop = [c for c in frame.columns if c in _PERSONAL_COLUMNS or is_money_key(str(c))]
    out = frame.drop(columns=drop)
    for col in out.columns:
        if col == "geometry" or not (
            pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col])
        ):
            continue
        out[col] = out[col].map(lambda v: scrub_text(v, secrets) if isinstance(v, str) else v)
    return out


def redact_mapping(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a manifest section without money keys (recursively)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if is_money_key(str(key)):
            continue
        out[key] = redact_mapping(value) if isinstance(value, Mapping) else value
    return out
