"""The policy documents landgov implements, by the short code used in profiles and code.

Profiles and code cite a clause as ``"000 附件3 三.1"``: a three-digit document code, then the
clause. Anything a user reads names the document by its 文号 instead
(``[越政发〔2022〕24号 附件3 三.1]``); :func:`cite_text` does that rewrite, once, for every
citation. The table is ``docs/domain.md`` §0 (文号, title, date of each document).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final

__all__ = ["DOCUMENTS", "Document", "cite_text", "docnum", "document_codes"]


@dataclass(frozen=True)
class Document:
    """One policy document: its 文号, title, issuing date and region."""

    code: str
    docnum: str
    title: str
    date: str
    region: str


DOCUMENTS: Final[dict[str, Document]] = {
    d.code: d
    for d in (
        Document(
            "000",
            "越政发〔2022〕24号",
            "越城区、滨海新区“1515”专项行动（附件3：进一步鼓励存量工业用地二次开发盘活闲置资源的实施意见）",
            "2022-12-31",
            "绍兴市越城区、滨海新区",
        ),
        Document(
            "001",
            "虞政发〔2022〕12号",
            "上虞区新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案",
            "2022-05-18",
            "绍兴市上虞区",
        ),
        Document(
            "002",
            "嵊政〔2022〕28号",
            "嵊州市新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案",
            "2022-05-10",
            "嵊州市",
        ),
        Document(
            "003",
            "拱政发〔2022〕10号",
            "拱墅区新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案（2022—2023年）",
            "2022-04-14",
            "杭州市拱墅区",
        ),
        Document(
            "004",
            "浙政发〔2023〕4号",
            "浙江省“415X”先进制造业集群建设行动方案（2023—2027年）",
            "2023-01-17",
            "浙江省",
        ),
    )
}

# a document code at the start of a citation or after 「[」「; 」「；」: "001 二; 002 三(二)1"
_CODE = re.compile(r"(?:(?<=^)|(?<=[\[;；]\s)|(?<=[\[;；]))(00\d)(?=\s)")


def docnum(code: str) -> str:
    """The 文号 of a document code; an unknown code is returned unchanged.

    >>> docnum("001")
    '虞政发〔2022〕12号'
    """
    doc = DOCUMENTS.get(code)
    return doc.docnum if doc else code


def document_codes(text: str) -> tuple[str, ...]:
    """The document codes that start a citation, in order and once each.

    >>> document_codes("001 二; 002 三(二)1; 001 三")
    ('001', '002')
    """
    return tuple(dict.fromkeys(_CODE.findall(text)))


@functools.lru_cache(maxsize=4096)  # a run cites a few dozen clauses, per row
def cite_text(text: str) -> str:
    """Replace document codes that start a citation with their 文号.

    >>> cite_text("001 三(二)1; 002 三(二)1")
    '虞政发〔2022〕12号 三(二)1; 嵊政〔2022〕28号 三(二)1'
    >>> cite_text("「无严重违建」[000 附件3 三.1] 未界定")
    '「无严重违建」[越政发〔2022〕24号 附件3 三.1] 未界定'
    >>> cite_text("宗地 100 亩")
    '宗地 100 亩'
    """
    return _CODE.sub(lambda m: docnum(m.group(1)), text)
