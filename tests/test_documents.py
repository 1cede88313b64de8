"""Citations people can quote: 文号, the clause in the document's own numbering, its words.

Each document numbers its clauses 一、 / （一） / 1. (the texts in INDEX.md of the seeds); a user
reads 「越政发〔2022〕24号 附件3 第三条第1项」 and can look the sentence up in the 政策依据 sheet
or `landgov profiles show` (issue 14 item 1).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from landgov.core.documents import (
    DOCUMENTS,
    basis_rows,
    cite,
    cite_text,
    cited,
    clause_tooltips,
    quote,
    render_clause,
)
from landgov.far.zengrong._case import _CLAUSE
from landgov.policy import list_profiles, load_profile
from tests._cli import run_cli

# a project code or a compact clause left in user text: 「[000」「001 」「三.1」「三(二)1」
_LEFTOVER = re.compile(
    r"(?<![\d〔])00\d(?=[\s\]])|[一二三四五六七八九十][.(（]\d|[一二三四五六七八九十]\.\d"
)


@pytest.mark.parametrize(
    ("code", "clause", "rendered"),
    [
        ("000", "附件3 三.1", "附件3 第三条第1项"),  # 三、 then 1. directly under it
        ("000", "附件3 一", "附件3 第一条"),
        ("000", "附件3 七(二)", "附件3 第七条第（二）项"),
        ("001", "三(二)1", "第三条第（二）项第1目"),  # 1. under a （二） is a 目
        ("000", "4", "第三条第4项"),  # items numbered on through the text: 4. sits in 三、
        ("000", "19", "第七条第19项"),
        ("000", "附件2.1 #14", "附件2.1 第14项指标"),
        ("002", "二 指标体系表 #1", "第二条 指标体系表第1项"),
    ],
)
def test_clause_in_the_documents_own_numbering(code: str, clause: str, rendered: str) -> None:
    assert render_clause(code, clause) == rendered


def test_cite_names_the_document_by_its_number_and_short_title() -> None:
    assert cite("000", "附件3 三.1") == "越政发〔2022〕24号 附件3 第三条第1项"
    long = cite("000", "附件3 三.1", title=True)
    assert long.startswith("越政发〔2022〕24号 附件3《存量工业用地二次开发")
    assert long.endswith("》第三条第1项")


def test_clause_without_its_own_code_keeps_the_code_before_it() -> None:
    assert cited("001 二; 三(一)1; 002 三(二)1") == [
        ("001", "二"),
        ("001", "三(一)1"),
        ("002", "三(二)1"),
    ]
    assert cite_text("[001 二; 三(一)1]") == "[虞政发〔2022〕12号 第二条; 第三条第（一）项第1目]"


@pytest.mark.parametrize("text", ["宗地 100 亩", "2022 年", "000 项目默认", "编号 001"])
def test_text_without_a_citation_is_unchanged(text: str) -> None:
    assert cite_text(text) == text


@pytest.mark.parametrize("name", [row["name"] for row in list_profiles()])
def test_every_clause_a_profile_cites_reads_cleanly_and_has_its_words(name: str) -> None:
    profile = load_profile(name)
    for key in profile:
        cit = profile[key].citation
        if cit is None or cit.seed is None:
            continue
        assert not _LEFTOVER.search(str(cit)), (key, str(cit))
        for code, clause in cited(f"{cit.seed} {cit.clause}"):
            words = quote(code, clause)
            assert words, (key, code, clause)


@pytest.mark.parametrize("key", sorted(_CLAUSE))
def test_every_zengrong_condition_has_its_words(key: str) -> None:
    words = quote("000", _CLAUSE[key])
    assert words
    if key.startswith("cond"):  # 三、 1. … 8.: the quote is that item's own sentence
        assert words.startswith(f"{key[-1]}. ")


def test_quotes_are_the_documents_words() -> None:
    assert quote("000", "附件3 二") == (
        "二、容积率明确：鼓励存量工业用地增容，在符合相关技术规范的前提下，容积率上限可提高至 2.5。"
    )
    assert "亩均税收5万元以下" in (quote("001", "三(一)1") or "")
    assert quote("000", "附件3 九") is None  # no such clause on file: None, never a guess


def test_basis_rows_list_what_is_cited_and_not_its_parent() -> None:
    rows = basis_rows(["不符合：面积 12 亩 [越政发〔2022〕24号 附件3 第三条第1项]"])
    assert [r["引用"] for r in rows] == ["越政发〔2022〕24号 附件3 第三条第1项"]
    row = rows[0]
    assert row["文号"] == DOCUMENTS["000"].docnum
    assert row["条款"] == "附件3 第三条第1项"
    assert row["原文"].startswith("1. 地块用地面积原则上大于 15 亩")
    assert basis_rows(["没有引用"]) == []
    assert len(basis_rows([], everything=True)) >= 30


def test_profiles_show_quotes_the_clause() -> None:
    result = run_cli("profiles", "show", "yuecheng-2022")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "原文：「二、容积率明确：鼓励存量工业用地增容" in out
    assert "种子" not in out
    assert not re.search(r"\[(参照)?00\d ", out)


def test_map_tooltips_give_the_words_of_each_citation() -> None:
    tips = clause_tooltips()
    assert tips["越政发〔2022〕24号 附件3 第三条第1项"].endswith(
        "第三条第1项：「1. 地块用地面积原则上大于 15 亩，未列入近年拆迁计划，无严重违建，"
        "未办理临时改变房屋用途；」"
    )
    assert all(key == cite_text(key) for key in tips)  # keys are what users read
    assert not any(_LEFTOVER.search(key) for key in tips)


def test_every_citation_of_a_clause_on_file_holds_a_citing_mark() -> None:
    """What lets the 政策依据 sheet read only the texts holding a 文号 (reports.handout._texts):
    each clause on file is cited, as users read it, with one of :func:`citing_marks`."""
    from landgov.core.documents import _clauses, citing_marks

    marks = citing_marks()
    assert marks and all(marks)
    for key in _clauses():
        code, _, clause = key.partition(" ")
        assert any(m in cite(code, clause) for m in marks), key


def test_the_basis_sheet_reads_the_texts_that_cite() -> None:
    from landgov.reports.handout import basis_sheet

    profile = load_profile("zhejiang-2023")  # which does not cite 附件3 七(一) itself
    short = "越政发〔2022〕24号 附件3 第七条第（一）项"
    cited = pd.DataFrame({"原因": [f"不符合 [{short}]", "无", None]})  # object cells
    plain = pd.DataFrame({"原因": pd.Series(["附件3 第七条第（一）项", "无"], dtype="str")})
    assert short in basis_sheet(profile, [cited, plain])["引用"].tolist()
    assert short in basis_sheet(profile, [cited.astype("str")])["引用"].tolist()  # Arrow cells
    assert short not in basis_sheet(profile, [plain])["引用"].tolist()
