"""What a reader must never meet in handed-out text, as one function: :func:`text_defects`.

Shared by the scans of the outputs (``tests/test_handout_scan.py``) and the 治理台账's words
(``tests/test_policy_hand_ledger.py``): a missing value shown as 「nan」「None」「NaT」「<NA>」
「inf」, 「-0」, floating noise (「2.5000000001」), a date as 「2026-06-30 00:00:00」, Python's
``{'A': 0.2}`` / ``mappingproxy(…)``, a seed file number instead of the 文号, a traditional
character, or a snake_case identifier (``tax_per_mu``, ``cond1``).
"""

from __future__ import annotations

import re

__all__ = ["SEED_CODE", "TRADITIONAL", "text_defects"]

#: A bare seed file number (「001」 for 虞政发〔2022〕12号), as the ledger's words are checked.
SEED_CODE = re.compile(r"(?<![\dA-Za-z])00[0-4](?![\d])")
#: Traditional characters whose simplified form the outputs use (企業 → 企业, 號 → 号 …).
TRADITIONAL = frozenset(
    "號條銷臺帳評價變記錄數據劃區證驗務際產業處齊補從後發規開關門電簡體項資於與為"
    "國權東們個來時實現當經對將種積設計應標準審請說這還進圍備貨廠總辦單層營畫樓車圖點極優"
)
_MISSING = r"(?<![A-Za-z])(?:nan|NaN|None|NaT|<NA>|inf|null|undefined)(?![A-Za-z])"
_SEED = r"\[(?:参照)?00\d |(?<![\w\-.])00\d (?=[一二三四五六七八九十附#])|种子|\bseed\b"
_CHECKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("缺失值写成文字", re.compile(_MISSING)),
    ("负零", re.compile(r"(?<![\w.])-0(?:\.0+)?(?![\d.])")),
    ("浮点尾数", re.compile(r"\d\.\d*?(?:0{6,}[1-9]|9{6,})")),
    ("日期带零点", re.compile(r"\d{4}-\d\d-\d\d[ T]00:00:00")),
    ("Python 表示", re.compile(r"mappingproxy|\{'|'\}|\('|',\)")),
    ("种子编号", re.compile(_SEED)),
)
_SNAKE = re.compile(r"(?<![\w./\\@-])(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|cond\d)(?![\w.(])")


def text_defects(text: str, *, identifiers: bool = True) -> list[str]:
    """What is wrong with ``text`` for a reader (empty: clean).

    ``identifiers=False`` lets snake_case names through (a column naming the user's own input
    field, a profile key).

    >>> text_defects("亩均税收 2.5000000001 万元/亩，供地日期 2026-06-30 00:00:00")
    ['浮点尾数: 2.5000000001', '日期带零点: 2026-06-30 00:00:00']
    >>> text_defects("tax_per_mu 为 nan [000 附件3 三.1] 企業")
    ['缺失值写成文字: nan', '种子编号: [000 ', '繁体字: 業', '英文标识: tax_per_mu']
    >>> text_defects("见 parcels.shp 与 landgov_parcels.parquet，ZR2026-004，-0.5")
    []
    """
    out = [f"{name}: {m.group(0)}" for name, pat in _CHECKS if (m := pat.search(text))]
    if old := sorted(set(text) & TRADITIONAL):
        out.append(f"繁体字: {''.join(old)}")
    if identifiers and (m := _SNAKE.search(text)):
        out.append(f"英文标识: {m.group(0)}")
    return out
