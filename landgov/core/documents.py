"""The policy documents landgov implements, by the short code used in profiles and code.

Profiles and code cite a clause as ``"000 附件3 三.1"``: a three-digit document code, then the
clause in a compact form (``三(二)1`` for 三、（二）1.; ``4`` for an item numbered on through the
document; ``附件2.1 #14`` for row 14 of an indicator table). Anything a user reads names the
document by its 文号 and the clause in the document's own numbering instead:
``[越政发〔2022〕24号 附件3 第三条第1项]`` (一、 → 第一条; （一） → 第（一）项; 1. → 第1项, or
第1目 under a （一）). :func:`cite_text` does that rewrite, once, for every citation;
:func:`quote` gives the clause's own words and :func:`basis_rows` the 政策依据 table
(``clauses.toml``, built from the texts by ``tools/make_clauses.py``). The table of documents is
``docs/domain.md`` §0 (文号, title, date of each document).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final, NamedTuple

__all__ = [
    "DOCUMENTS",
    "Clause",
    "Document",
    "basis_rows",
    "cite",
    "cite_text",
    "cited",
    "citing_marks",
    "clause_key",
    "clause_tooltips",
    "docnum",
    "document_codes",
    "parse_clause",
    "quote",
    "render_clause",
    "split_citations",
]


@dataclass(frozen=True)
class Document:
    """One policy document: its 文号, title, issuing date, region and short titles.

    ``short`` is the title a citation quotes where space allows; ``attachments`` the short
    titles of the attachments landgov cites (``{"3": "存量工业用地二次开发实施意见"}``);
    ``valid_until`` the last day the document says it is in force (ISO date, ``""`` when it
    sets none) and ``validity`` its own words saying so.
    """

    code: str
    docnum: str
    title: str
    date: str
    region: str
    short: str = ""
    attachments: tuple[tuple[str, str], ...] = ()
    valid_until: str = ""
    validity: str = ""

    def lapsed(self, as_of: dt.date) -> bool:
        """Whether ``as_of`` is after the last day the document is in force.

        >>> shangyu = DOCUMENTS["001"]
        >>> shangyu.lapsed(dt.date(2023, 12, 31)), shangyu.lapsed(dt.date(2024, 1, 1))
        (False, True)
        >>> DOCUMENTS["000"].lapsed(dt.date(2030, 1, 1))  # sets no end
        False
        """
        return bool(self.valid_until) and as_of.isoformat() > self.valid_until  # ISO sorts

    def short_title(self, attachment: str | None = None) -> str:
        """The short title of the document or of one of its attachments."""
        return (
            dict(self.attachments).get(attachment or "", self.short) if attachment else self.short
        )


_TENGLONG = "“腾笼换鸟、凤凰涅槃”攻坚行动方案"
DOCUMENTS: Final[dict[str, Document]] = {
    d.code: d
    for d in (
        Document(
            "000",
            "越政发〔2022〕24号",
            "越城区、滨海新区“1515”专项行动（附件3：进一步鼓励存量工业用地二次开发盘活闲置资源的实施意见）",
            "2022-12-31",
            "绍兴市越城区、滨海新区",
            "越城区、滨海新区“1515”专项行动",
            (
                ("2.1", "制造业高质量发展综合评价指标任务分解"),
                ("3", "存量工业用地二次开发盘活闲置资源的实施意见"),
            ),
        ),
        Document(
            "001",
            "虞政发〔2022〕12号",
            "上虞区新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案",
            "2022-05-18",
            "绍兴市上虞区",
            f"上虞区{_TENGLONG}",
            valid_until="2023-12-31",
            validity="本方案自 5 月 18 日起施行，有效期至 2023 年 12 月 31 日。",
        ),
        Document(
            "002",
            "嵊政〔2022〕28号",
            "嵊州市新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案",
            "2022-05-10",
            "嵊州市",
            f"嵊州市{_TENGLONG}",
            valid_until="2023-12-31",
            validity="本方案自印发之日起施行,有效期至2023年12月31日。",
        ),
        Document(
            "003",
            "拱政发〔2022〕10号",
            "拱墅区新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案（2022—2023年）",
            "2022-04-14",
            "杭州市拱墅区",
            f"拱墅区{_TENGLONG}",
            valid_until="2023-12-31",
            validity="本方案自2022年5月14日起施行，有效期至2023年12月31日",
        ),
        Document(
            "004",
            "浙政发〔2023〕4号",
            "浙江省“415X”先进制造业集群建设行动方案（2023—2027年）",
            "2023-01-17",
            "浙江省",
            "浙江省“415X”先进制造业集群建设行动方案",
        ),
    )
}

_NUM = "一二三四五六七八九十"
# a clause as profiles write it: 附件3 三(二)1 / 三.1 / 4 / 附件2.1 #14 / 二 指标体系表 #2
_CLAUSE_PATTERN = (
    rf"(?:附件(?P<att>\d+(?:\.\d+)?)\s*)?"
    rf"(?P<l1>[{_NUM}]+)?"
    rf"(?:[(（](?P<l2>[{_NUM}]+)[)）])?"
    r"(?:(?<![\d.])\.?(?P<l3>\d+)(?![\d.]))?"
    r"(?:\s*(?P<table>指标体系表)?\s*#(?P<row>\d+))?"
)
_CLAUSE = re.compile(_CLAUSE_PATTERN)
# a document code at the start of a citation or after 「[」「; 」「；」: "001 二; 002 三(二)1"
_CODE = re.compile(r"(?:(?<=^)|(?<=[\[;；]\s)|(?<=[\[;；]))(00\d)(?=\s)")
# a citation: code, then its clause, then more clauses after 「; 」 (with or without a code),
# at the start of a text or after 「[」「（」「;」「；」
_CITATION = re.compile(
    rf"(?:(?<=^)|(?<=[\[;；（]\s)|(?<=[\[;；（]))(?P<code>00\d) (?P<clauses>{_CLAUSE_PATTERN}"
    rf"(?:[;；]\s*(?:00\d )?{_CLAUSE_PATTERN.replace('?P<', '?P<x')})*)"
)


class Clause(NamedTuple):
    """A clause split into its levels (``None`` where not given)."""

    attachment: str | None
    l1: str | None
    l2: str | None
    l3: str | None
    table: str | None
    row: str | None


def parse_clause(text: str) -> Clause | None:
    """Split a clause as profiles write it; ``None`` when it is not one.

    >>> parse_clause("附件3 三.1")
    Clause(attachment='3', l1='三', l2=None, l3='1', table=None, row=None)
    >>> parse_clause("三(二)1").l2, parse_clause("4").l3, parse_clause("附件2.1 #14").row
    ('二', '4', '14')
    >>> parse_clause("项目默认") is None
    True
    """
    m = _CLAUSE.fullmatch(text.strip())
    if m is None or not any(m.groupdict().values()):
        return None
    return Clause(*(m.group(k) for k in ("att", "l1", "l2", "l3", "table", "row")))


def clause_key(code: str, clause: str) -> str:
    """The key of a clause in ``clauses.toml``: ``"000 附件3 三.1"`` (spaces normalised)."""
    return code + " " + re.sub(r"\s+", " ", clause.strip())


@cache
def _clauses() -> dict[str, dict[str, str]]:
    with (Path(__file__).with_name("clauses.toml")).open("rb") as fh:
        return tomllib.load(fh)


def _entry(code: str, clause: str) -> dict[str, str]:
    table = _clauses()
    if (hit := table.get(clause_key(code, clause))) is not None:
        return hit
    parsed = parse_clause(clause)  # the same clause written another way (三.1 / 三1)
    for key, row in table.items():
        other_code, _, other = key.partition(" ")
        if other_code == code and parse_clause(other) == parsed:
            return row
    return {}


def render_clause(code: str, clause: str) -> str:
    """A clause in the document's own numbering.

    >>> render_clause("000", "附件3 三.1")
    '附件3 第三条第1项'
    >>> render_clause("001", "三(二)1")
    '第三条第（二）项第1目'
    >>> render_clause("000", "4")
    '第三条第4项'
    >>> render_clause("000", "附件2.1 #14")
    '附件2.1 第14项指标'
    >>> render_clause("001", "二 指标体系表 #2")
    '第二条 指标体系表第2项'
    """
    parsed = parse_clause(clause)
    if parsed is None:
        return clause
    att, l1, l2, l3, table, row = parsed
    if l1 is None and l3 is not None and (parent := _entry(code, clause).get("parent")):
        l1 = parent
    parts = [f"附件{att}"] if att else []
    level = "".join(
        [
            f"第{l1}条" if l1 else "",
            f"第（{l2}）项" if l2 else "",
            (f"第{l3}目" if l2 else f"第{l3}项") if l3 else "",
        ]
    )
    if level:
        parts.append(level)
    if row:
        parts.append(f"指标体系表第{row}项" if table or l1 else f"第{row}项指标")
    return " ".join(parts)


def docnum(code: str) -> str:
    """The 文号 of a document code; an unknown code is returned unchanged.

    >>> docnum("001")
    '虞政发〔2022〕12号'
    """
    doc = DOCUMENTS.get(code)
    return doc.docnum if doc else code


def cite(code: str, clause: str, *, title: bool = False) -> str:
    """One citation as a user reads it: 文号, (short title,) clause in its own numbering.

    >>> cite("000", "附件3 三.1")
    '越政发〔2022〕24号 附件3 第三条第1项'
    >>> cite("000", "附件3 三.1", title=True)
    '越政发〔2022〕24号 附件3《存量工业用地二次开发盘活闲置资源的实施意见》第三条第1项'
    >>> cite("001", "三(一)1", title=True)
    '虞政发〔2022〕12号《上虞区“腾笼换鸟、凤凰涅槃”攻坚行动方案》第三条第（一）项第1目'
    """
    rendered = render_clause(code, clause)
    doc = DOCUMENTS.get(code)
    if not title or doc is None:
        return f"{docnum(code)} {rendered}".strip()
    parsed = parse_clause(clause)
    att = parsed.attachment if parsed else None
    name = f"《{doc.short_title(att)}》"
    if att and rendered.startswith(f"附件{att}"):
        return f"{doc.docnum} 附件{att}{name}{rendered[len(f'附件{att}') :].strip()}"
    return f"{doc.docnum}{name}{rendered}"


def quote(code: str, clause: str) -> str | None:
    """The clause's own words (a long clause is cut at 「……」); ``None`` when not on file.

    >>> quote("000", "附件3 三.1")[:19]
    '1. 地块用地面积原则上大于 15 亩'
    """
    return _entry(code, clause).get("quote")


def document_codes(text: str) -> tuple[str, ...]:
    """The document codes that start a citation, in order and once each.

    >>> document_codes("001 二; 002 三(二)1; 001 三")
    ('001', '002')
    """
    return tuple(dict.fromkeys(_CODE.findall(text)))


def _citations(text: str) -> list[tuple[str, str, int, int, bool]]:
    """(code, clause, start, end, code given) of every clause cited in ``text``.

    ``start`` is where the code starts when the clause names it, else where the clause starts.
    """
    found = []
    for m in _CITATION.finditer(text):
        code, pos = m.group("code"), m.start("code")
        for part in re.finditer(r"[^;；]+", text[pos : m.end()]):
            piece = part.group(0)
            start = pos + part.start() + len(piece) - len(piece.lstrip())
            head, _, rest = piece.strip().partition(" ")
            given = head in DOCUMENTS and bool(rest)
            if given:
                code, piece = head, rest
            clause = piece.strip()
            if clause in DOCUMENTS or parse_clause(clause) is None:
                continue
            end = pos + part.start() + len(part.group(0).rstrip())
            found.append((code, clause, start, end, given))
    return found


def cited(text: str) -> list[tuple[str, str]]:
    """The (document code, clause) pairs a citation text names, in order.

    >>> cited("001 二; 三(一)1; 002 三(二)1")
    [('001', '二'), ('001', '三(一)1'), ('002', '三(二)1')]
    """
    return [(code, clause) for code, clause, *_ in _citations(text)]


@functools.lru_cache(maxsize=4096)  # a run cites a few dozen clauses, per row
def cite_text(text: str, *, borrowed: Collection[str] = ()) -> str:
    """Rewrite every citation in ``text``: 文号 for the code, the clause in its own numbering;
    a document of ``borrowed`` (another county's, beside the profile's own in one citation)
    is named 「参照…」.

    >>> cite_text("001 三(二)1; 002 三(二)1")
    '虞政发〔2022〕12号 第三条第（二）项第1目; 嵊政〔2022〕28号 第三条第（二）项第1目'
    >>> cite_text("「无严重违建」[000 附件3 三.1] 未界定")
    '「无严重违建」[越政发〔2022〕24号 附件3 第三条第1项] 未界定'
    >>> cite_text("001 二; 三(一)1")
    '虞政发〔2022〕12号 第二条; 第三条第（一）项第1目'
    >>> cite_text("宗地 100 亩")
    '宗地 100 亩'
    >>> cite_text("001 三(一)1; 002 三(一)2", borrowed=("001",))
    '参照虞政发〔2022〕12号 第三条第（一）项第1目; 嵊政〔2022〕28号 第三条第（一）项第2目'
    """
    out, last = [], 0
    for code, clause, start, end, given in _citations(text):
        out.append(text[last:start])
        said = f"{'参照' if code in borrowed else ''}{docnum(code)} " if given else ""
        out.append(said + render_clause(code, clause))
        last = end
    out.append(text[last:])
    return "".join(out)


#: A citation as :class:`landgov.verdict.Citation` writes it into a text: the bracketed
#: reference, an optional URL and its marker (示例规则（非官方）, or 项目推算（非文件数值） with how
#: the value was derived, to the end of the line). It starts at its 「[」, which the regular
#: expression engine looks for first; the blanks before it are stripped by the caller (a
#: pattern starting with them was tried at every blank: a county's 9,452 distinct reasons took
#: 0.087 s, now 0.051 s).
_BRACKETED = re.compile(
    r"\[(?P<ref>[^\[\]\n]+)\]"
    r"(?P<url>[ \t]+https?://\S+)?"
    r"(?P<mark>[ \t]*(?:示例规则（非官方）|项目推算（非文件数值）(?:：[^\n]*)?))?"
)


def split_citations(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without its bracketed citations, and those citations once each, in order.

    A short reason for a printed list and its 依据 come from the same text this way: each
    citation keeps its marker (示例规则（非官方）), and a document code left in one is written as
    its 文号 (:func:`cite_text`).

    >>> split_citations("低于 5 万元/亩 [越政发〔2022〕24号 附件3 第三条第1项] 示例规则（非官方）"
    ...                 "\\n· 不符合 [000 附件3 三.1] 示例规则（非官方）")
    ('低于 5 万元/亩\\n· 不符合', ('越政发〔2022〕24号 附件3 第三条第1项 示例规则（非官方）',))
    >>> split_citations("无引用")
    ('无引用', ())
    """
    found: dict[str, None] = {}
    kept, last = [], 0  # the text between the citations, without the blanks before each
    for m in _BRACKETED.finditer(text):
        kept.append(text[last : m.start()].rstrip(" \t"))
        last = m.end()
        ref = cite_text(m["ref"].strip())
        extra = " ".join(t.strip() for t in (m["url"], m["mark"]) if t)
        found[f"{ref} {extra}".strip()] = None
    kept.append(text[last:])
    return "".join(kept).strip(), tuple(found)


def clause_tooltips() -> dict[str, str]:
    """Each citation as users read it → its document, clause and words, for a map tooltip.

    >>> tips = clause_tooltips()
    >>> tips["越政发〔2022〕24号 附件3 第二条"][:39]
    '越政发〔2022〕24号 附件3《存量工业用地二次开发盘活闲置资源的实施意见》'
    """
    tips: dict[str, str] = {}
    for key in sorted(_clauses(), key=_order):
        code, _, clause = key.partition(" ")
        words = _clauses()[key].get("quote")
        if words:
            tips.setdefault(cite(code, clause), f"{cite(code, clause, title=True)}：「{words}」")
    return tips


def _order(key: str) -> tuple[object, ...]:
    code, _, clause = key.partition(" ")
    parsed = parse_clause(clause) or Clause(None, None, None, None, None, None)
    att, l1, l2, l3, _, row = parsed

    def num(text: str | None) -> int:
        return sum(_NUM.index(c) + 1 for c in text) if text else 0

    return (code, att or "", num(l1), num(l2), int(l3 or 0), int(row or 0))


def citing_marks() -> tuple[str, ...]:
    """Texts one of which every citation of a clause on file holds (its document's 文号, as
    :func:`cite` writes it); a text without any cites none of them (:func:`basis_rows`).

    >>> "越政发〔2022〕24号" in citing_marks()
    True
    """
    return tuple(sorted({docnum(key.partition(" ")[0]) for key in _clauses()}))


def basis_rows(
    texts: Iterable[str] = (),
    *,
    clauses: Iterable[tuple[str, str]] = (),
    everything: bool = False,
) -> list[dict[str, str]]:
    """The 政策依据 table: each clause cited (in ``texts`` as users read them, or given as
    ``(code, clause)`` in ``clauses``) with its document and its words.

    Rows carry 引用 (as lists show it), 文号, 文件名称, 条款, 原文 (the clause's own words),
    one per citation, in document and clause order; ``everything`` lists every clause on file.
    """
    blob = "\n".join(texts)
    wanted = {cite(code, clause) for code, clause in clauses}
    rows: dict[str, dict[str, str]] = {}
    for key in sorted(_clauses(), key=_order):
        code, _, clause = key.partition(" ")
        short = cite(code, clause)
        if short in rows:
            continue  # one clause written two ways (000 4 and 000 三.4)
        found = short in wanted or (  # a plain search first: most clauses are not cited
            short in blob and re.search(re.escape(short) + r"(?![第\d（])", blob)
        )
        if not (everything or found):
            continue
        doc = DOCUMENTS[code]
        rows[short] = {
            "引用": short,
            "文号": doc.docnum,
            "文件名称": doc.title,
            "条款": render_clause(code, clause),
            "原文": _clauses()[key].get("quote", ""),
        }
    return list(rows.values())
