"""The screening's CPU shortcuts give what the long way gives (issue 11, the parent's path).

Each test keeps the expression a shortcut replaced as the reference and compares the two on
generated values: texts with NaN, None, empty, full-width, whitespace and combining forms, and
texts built from the words the shortcut looks for.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from landgov.core import collect
from landgov.core.collect import _PATTERNS, Need, render_text, split_items
from landgov.core.documents import _BRACKETED, cite_text, split_citations
from landgov.core.missing import _KEPT_IDEOGRAPH, MISSING_TEXT, _norm, is_missing
from landgov.reports.printlist import _RULE_HEAD, _closing, short_reason

# --- is_missing: a text holding an ideograph no missing text holds ---------------------------


def _is_missing_long_way(value: object) -> bool:
    """is_missing as it was: every text normalised (NFKC, strip, case fold) and looked up."""
    if isinstance(value, str):
        return _norm(value) in MISSING_TEXT
    return is_missing(value)


_PIECES = st.sampled_from(
    [
        *MISSING_TEXT,
        " ",
        "\u3000",
        "\t",
        "\n",
        "\u00a0",
        "ＮＵＬＬ",
        "Ｎ／Ａ",
        "－－",
        "／",
        "＼",
        "NaN",
        "None",
        "规则",
        "R1",
        "无法判定",
        "（缺少：",
        "）",
        "〔统计局〕",
        "e\u0301",
        "\u0301",
        "\u1100\u1161",
        "\u11a8",
        "ß",
        "ﬁ",
        "\u2003",
        "\ufeff",
        "\u200b",
        "不",
        "无",
        "暂无",
        "知",
    ]
)
_BLANKS = st.text(alphabet=" \t\n\u3000\u00a0\u2003", max_size=8)
_TEXTS = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(min_codepoint=0x4DF0, max_codepoint=0xA010)),
    st.lists(_PIECES, max_size=12).map("".join),
    st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=12).map("".join),
    st.tuples(_BLANKS, st.sampled_from(sorted(MISSING_TEXT)), _BLANKS).map("".join),
)


@settings(max_examples=600)
@given(st.one_of(_TEXTS, st.none(), st.just(float("nan")), st.just(pd.NA), st.integers()))
def test_is_missing_with_ideograph_shortcut_is_the_long_way(value: object) -> None:
    assert is_missing(value) is _is_missing_long_way(value)


def test_kept_ideographs_survive_normalisation() -> None:
    # why the shortcut holds: each such character is its own NFKC form and case fold, no
    # whitespace, and neither part of any canonical pair (so no composition absorbs it; a
    # singleton decomposition, U+F967 → 不, maps another character onto it, not it away)
    composed = set()
    for cp in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            composed |= {chr(int(p, 16)) for p in parts}
    kept = [chr(cp) for cp in range(0x4E00, 0xA000) if _KEPT_IDEOGRAPH.fullmatch(chr(cp))]
    assert len(kept) == 0xA000 - 0x4E00 - len({"无", "空", "暂", "不", "详", "未", "知"})
    for ch in kept:
        assert unicodedata.normalize("NFKC", ch) == ch == ch.casefold()
        assert not ch.isspace() and ch not in composed
        assert not any(ch in t for t in MISSING_TEXT)


# --- render_text: a pattern is run only on texts holding one of its words -------------------


def _render_long_way(text: object, names: dict[str, str]) -> object:
    """render_text as it was: every pattern run on every text."""
    if not isinstance(text, str) or not text:
        return text
    for pattern, build in _PATTERNS:

        def repl(m: re.Match[str], build=build) -> str:
            need = build(m)
            name = names.get(need.uscc) if need.uscc else None
            return Need(need.field, need.uscc, name, need.note).text()

        text = pattern.sub(repl, text)
    return text


_USCC = "91330602MA2BDUNA5X"
_WORDS = st.sampled_from(
    [
        *{n for group in collect._NEEDLES for n in group},
        *collect.FIELD_SOURCES,
        _USCC,
        "（",
        "）",
        "〔",
        "〕",
        "、",
        "，",
        "；",
        "：",
        " ",
        "「",
        "」",
        "规划",
        "图层",
        "用途",
        "控制线：",
        "违法违规记录：",
        "宗地字段",
        "企业表字段",
        "按示例规则推算",
        "请核定比例或采集综合能耗（统计部门）",
        "综合能耗",
        "所见",
        "无法识别",
        "整改",
        "日期",
        "严重",
        "程度",
        "部分占宗地面积 12%",
        "甲",
        "（综合能耗，",
        "（亩均税收）或 tax_wan（税收）",
        "planning",
        "demolition",
        "block_large",
        "（该宗地没有关联企业）",
        "未覆盖",
        "\u3000",
        "Ｘ",
    ]
)


#: One internal form per pattern (as the checks write them), so that a wrong needle shows.
_FORMS = st.sampled_from(
    [
        "宗地字段 tax_per_mu（亩均税收）或 tax_wan（税收）",
        "宗地字段 floor_area_m2（建筑面积）、far 或 far_declared（容积率）",
        "宗地字段 start_date（实际开工日期）或 floor_area_m2（建筑面积）",
        "宗地的主要企业（main_uscc）的行业代码 industry_code（及版本 industry_edition）",
        "地企关联表 pairs（该宗地没有关联企业）",
        "连片分析结果 block_large（先运行 blocks.find_blocks）",
        f"企业表中没有该宗地关联企业 {_USCC}",
        "违法违规记录表 compliance（uscc、parcel_id）",
        "规划用途图层 planning",
        "规划用途图层 planning（未提供）",
        "规划图层字段 planned_use（规划用途）",
        "拆迁计划图层 demolition",
        "房屋征收部门确认：是否在拆迁范围内",
        "规划用途图层未覆盖的部分占宗地面积 12%",
        "控制线：规划图层未覆盖的部分占宗地面积 3%",
        "整改情况（未填）",
        "整改完成日期（空）",
        "记录日期（无）",
        "严重程度",
        "违法违规记录：严重程度",
        f"企业表字段 energy_tce（综合能耗，{_USCC}）；按示例规则推算上限，"
        "请核定比例或采集综合能耗（统计部门）",
        f"企业表字段 energy_tce（综合能耗，{_USCC}）",
        f"企业表字段 built_year（投产年份，{_USCC}）",
        f"企业表字段 above_scale（规上/规下，{_USCC}）；所见「大」无法识别",
        "企业表字段 catalogue_class（产业目录类别）",
        "宗地字段 grade（亩均评价等级）",
        "宗地字段 contract_start_date（约定开工日期）",
    ]
)


@settings(max_examples=800)
@given(
    st.one_of(
        st.lists(_WORDS, max_size=14).map("".join),
        st.lists(st.one_of(_FORMS, _WORDS), max_size=6).map("".join),
        st.lists(_FORMS, max_size=4).map("、".join),
        st.text(),
        st.none(),
        st.just(3.5),
    ),
    st.sampled_from([{}, {_USCC: "绍兴某某有限公司"}]),
)
def test_render_text_with_needles_is_every_pattern_run(text: object, names) -> None:
    assert render_text(text, names=names) == _render_long_way(text, names)


def test_every_pattern_holds_one_of_its_needles() -> None:
    # each pattern's literal words, read from its source: a needle the pattern does not hold
    # (a typo) would skip texts it matches
    assert len(collect._NEEDLES) == len(_PATTERNS)
    for (pattern, _), needles in zip(_PATTERNS, collect._NEEDLES, strict=True):
        # a needle written as a constant is in its pattern escaped (re.escape(PLOT_TAX))
        assert all(n in pattern.pattern or re.escape(n) in pattern.pattern for n in needles), (
            pattern.pattern
        )


# --- short_reason's parts: the citations split in one pass, brackets found by a search ---------


#: A citation with the blanks before it, as the pattern was before it started at the 「[」 (the
#: blanks are now stripped by split_citations): what the long way takes out.
_BRACKETED_WITH_BLANKS = re.compile(r"[ \t]*" + _BRACKETED.pattern)


def _split_citations_long_way(text: str) -> tuple[str, tuple[str, ...]]:
    """split_citations as it was: the citations found, then taken out by a second pass."""
    found: dict[str, None] = {}
    for m in _BRACKETED_WITH_BLANKS.finditer(text):
        ref = cite_text(m["ref"].strip())
        extra = " ".join(t.strip() for t in (m["url"], m["mark"]) if t)
        found[f"{ref} {extra}".strip()] = None
    return _BRACKETED_WITH_BLANKS.sub("", text).strip(), tuple(found)


def _closing_long_way(text: str, start: int) -> int:
    """printlist._closing as it was: every character from ``start`` looked at."""
    close = {"（": "）", "〔": "〕", "(": ")"}
    stack: list[str] = []
    for i in range(start, len(text)):
        ch = text[i]
        if ch in close:
            stack.append(close[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                return i
    return len(text) - 1


_REASON_WORDS = st.sampled_from(
    [
        "[000 附件3 三.1]",
        "[越政发〔2022〕24号 第七条第19项]",
        "[001 三(二)1; 002 三(二)1]",
        " 示例规则（非官方）",
        " 项目推算（非文件数值）：按面积推算",
        " https://example.org/x",
        "\n",
        "· ",
        "[",
        "]",
        "（缺少：",
        "能耗（吨）〔统计局〕",
        "）",
        "〕",
        "(",
        ")",
        "（",
        "〔",
        "，暂按后续规则",
        "规则 R1「整治提升」：",
        " ",
        "\t",
        "\u3000",
        "甲",
    ]
)
_REASONS = st.one_of(st.lists(_REASON_WORDS, max_size=16).map("".join), st.text())


@settings(max_examples=500)
@given(_REASONS)
@example("· [000 附件3 三.1]· ")  # blanks before a citation go with it (found by CI)
def test_split_citations_in_one_pass_is_find_then_sub(text: str) -> None:
    assert split_citations(text) == _split_citations_long_way(text)


@settings(max_examples=500)
@given(_REASONS, st.integers(min_value=0, max_value=40))
def test_closing_by_search_is_every_character(text: str, start: int) -> None:
    assert _closing(text, start) == _closing_long_way(text, start)


@settings(max_examples=300)
@given(st.one_of(_REASONS, st.none(), st.just(float("nan")), st.just("")))
def test_short_reason_is_its_long_way(text: object) -> None:
    # the whole of short_reason with both parts replaced by their long ways
    ref_text, refs = (None, ()) if is_missing(text) else _split_citations_long_way(str(text))
    if ref_text is not None or refs:
        ref_text = _RULE_HEAD.sub("", ref_text)
        out, pos = [], 0
        while (begin := ref_text.find("（缺少：", pos)) >= 0:
            out += [ref_text[pos:begin], "（缺少项见待核实事项）"]
            pos = _closing_long_way(ref_text, begin) + 1
        out.append(ref_text[pos:])
        ref_text = "".join(out) or None
    assert short_reason(text) == (ref_text, refs)


# --- split_items: only the brackets and 「、」 looked at ----------------------------------------


def _split_items_long_way(text: object) -> list[str]:
    """split_items as it was: every character looked at."""
    if not isinstance(text, str):
        return []
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "〔（":
            depth += 1
        elif ch in "〕）":
            depth = max(depth - 1, 0)
        elif ch == "、" and depth == 0:
            if text[start:i].strip():
                out.append(text[start:i].strip())
            start = i + 1
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


_ITEM_WORDS = st.sampled_from(
    [
        "、",
        "〔",
        "〕",
        "（",
        "）",
        "(",
        ")",
        " ",
        "\u3000",
        "\n",
        "综合能耗",
        "统计局；甲公司",
        "，",
        "；",
    ]
)


@settings(max_examples=500)
@given(st.one_of(st.lists(_ITEM_WORDS, max_size=20).map("".join), st.text(), st.none()))
def test_split_items_by_search_is_every_character(text: object) -> None:
    assert list(split_items(text)) == _split_items_long_way(text)


# --- township_order: a plot's code parsed only until its 镇街 has a coded rank ---------------


def _township_ranks_long_way(names: list[object], codes: list[object]) -> dict:
    """township_order's ranks as they were: every row's code parsed."""
    from landgov.core.townnames import _CODED, _UNCODED, _township_code
    from landgov.core.vocab import DISTRICT, UNKNOWN_TOWNSHIP
    from landgov.ids import normalize_code

    given = [normalize_code(c) for c in codes]
    rows = sorted(
        ((code, k, name) for k, (name, code) in enumerate(zip(names, given, strict=True))),
        key=lambda row: (row[0] == "", row[0], row[1]),
    )
    ranks: dict = {}
    for position, (code, _, name) in enumerate(rows):
        if is_missing(name) or str(name) in (DISTRICT, UNKNOWN_TOWNSHIP):
            continue
        town = _township_code(code) if code else None
        rank = (_CODED, town, position) if town else (_UNCODED, "", position)
        if str(name) not in ranks or rank < ranks[str(name)]:
            ranks[str(name)] = rank
    return ranks


_TOWN_CODES = st.one_of(
    st.none(),
    st.sampled_from(["", "无", "X330602001", "330602001001gb0001", " 330602001002gb00017 "]),
    st.tuples(
        st.sampled_from(["330602", "330603", "３３０６０２"]),
        st.sampled_from(["001", "002", "010"]),
        st.sampled_from(["", "001", "002GB00017", "001GB00003", "００１ＧＢ００００１", "9"]),
    ).map("".join),
)


@settings(max_examples=400)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["甲镇", "乙镇", "丙街道", None, "全区", "镇街不明"]), _TOWN_CODES
        ),
        max_size=25,
    )
)
def test_township_order_skipping_ranked_townships_is_every_code_parsed(rows: list) -> None:
    from landgov.core.townnames import township_order

    names, codes = [n for n, _ in rows], [c for _, c in rows]
    assert dict(township_order(names, codes).ranks) == _township_ranks_long_way(names, codes)
