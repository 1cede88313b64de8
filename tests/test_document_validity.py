"""The county action plans' term: 虞政发〔2022〕12号, 嵊政〔2022〕28号 and 拱政发〔2022〕10号 each
end 「有效期至2023年12月31日」 (the last sentence of each text). A run whose reference date is
past the term says so in a 提示 row of the problem record — the values are still applied (the
county decides in its profile whether they hold), but no one reads an expired plan's figure as
binding without being told. 「至」 a day includes that day: 2023-12-31 is within the term,
2024-01-01 is not. 越政发〔2022〕24号 and 浙政发〔2023〕4号 set no such end.
"""

from __future__ import annotations

import datetime as dt

import pytest

from landgov.core.documents import DOCUMENTS
from landgov.core.plausible import check_as_of
from landgov.policy import load_profile

TODAY = dt.date(2026, 12, 7)


def test_the_three_plans_end_on_2023_12_31_in_their_own_words() -> None:
    for code in ("001", "002", "003"):
        doc = DOCUMENTS[code]
        assert doc.valid_until == "2023-12-31"
        assert "有效期至" in doc.validity and "12" in doc.validity and "31" in doc.validity
    assert DOCUMENTS["000"].valid_until == DOCUMENTS["004"].valid_until == ""


@pytest.mark.parametrize(
    ("profile", "docnum"),
    [
        ("shangyu-2022", "虞政发〔2022〕12号"),
        ("shengzhou-2022", "嵊政〔2022〕28号"),
        ("gongshu-2022", "拱政发〔2022〕10号"),
    ],
)
def test_a_reference_date_past_the_term_is_said_once(profile: str, docnum: str) -> None:
    prof = load_profile(profile)
    on_last_day = check_as_of(dt.date(2023, 12, 31), {}, profile=prof, today=TODAY)
    assert on_last_day.empty, on_last_day
    after = check_as_of(dt.date(2024, 1, 1), {}, profile=prof, today=TODAY)
    assert len(after) == 1, after
    row = after.iloc[0]
    assert docnum in row["problem"] and "2023-12-31" in row["problem"], row["problem"]
    assert "2024-01-01" in row["problem"] and "仍按" in row["problem"], row["problem"]
    assert row["severity"] == "提示" and row["source"] == "基准日"
    assert "000" not in row["problem"] and "001" not in row["problem"]  # 文号, never a seed code


@pytest.mark.parametrize("profile", ["yuecheng-2022", "zhejiang-2023"])
def test_documents_without_a_term_are_not_said(profile: str) -> None:
    """越城 borrows 上虞's 5 万元 as 参照 (示例规则, never binding): its own document sets no
    term, so nothing is said; the province profile likewise."""
    out = check_as_of(dt.date(2026, 6, 30), {}, profile=load_profile(profile), today=TODAY)
    assert out.empty, out
