"""Build ``landgov/core/clauses.toml``: every clause landgov cites, in the document's own numbering,
with the sentence it quotes.

The policy texts (``/work/shared/seeds`` or ``--seeds DIR``, see its ``INDEX.md``) are read line by
line; headings ``一、`` / ``（一）`` / ``1.`` and ``附件 N`` set the position, and each cited clause
(the strings in ``landgov/policy/profiles`` and the code, e.g. ``"000 附件3 三.1"``) is looked up
there. The package carries only the table this writes, never the documents themselves.

Run: ``python tools/make_clauses.py [--seeds DIR]``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from landgov.core.documents import DOCUMENTS, clause_key, parse_clause  # noqa: E402

_NUM = "一二三四五六七八九十"
_ATT = re.compile(r"^附件\s*(\d+(?:\.\d+)?)\s*[:：]?$")
_L1 = re.compile(rf"^([{_NUM}]+)、")
_L2 = re.compile(rf"^[（(]([{_NUM}]+)[）)]")
_L3 = re.compile(r"^(\d+)\s*[.．、](?!\d)")
_CITED = re.compile(r"\b(00\d) ([^\"';；\n]+)")
_LIMIT = 260
#: Clauses whose figures stand in an unnumbered paragraph of their own, after a general one:
#: the quote is the heading, 「……」 and that paragraph (拱政发〔2022〕10号 第二条 runs its
#: targets as 「质量提升。」「效率增量。」「动力强质。」; 115 / 565 / 48 are in 「效率增量。」).
_PARAGRAPHS = {("003", "二"): "效率增量。"}


def _clean(line: str) -> str:
    return re.sub(r"\s+", " ", line.replace("**", "").lstrip("# ").strip())


def _sections(text: str) -> dict[tuple, list[str]]:
    """Position (attachment, l1, l2, l3) → the lines of that heading and its body."""
    att = l1 = l2 = l3 = None
    out: dict[tuple, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = _clean(raw)
        if not line or line == "---":
            continue
        if m := _ATT.match(line):
            att, l1, l2, l3 = m.group(1), None, None, None
            current = None
            continue
        if m := _L1.match(line):
            l1, l2, l3 = m.group(1), None, None
        elif m := _L2.match(line):
            l2, l3 = m.group(1), None
        elif (m := _L3.match(line)) and "\t" not in raw:
            l3 = m.group(1)
        else:
            if current is not None:
                current.append(line)
            continue
        current = out.setdefault((att, l1, l2, l3), [])
        if current:  # a second heading at one position (a list in the 附件 list): keep the first
            current = None
            continue
        current.append(line)
    return out


#: Characters the seed texts carry from their source pages that the documents print in
#: simplified form (虞政发〔2022〕12号 三(二)1 「违法违规行为的企業」): quotes are shown to users.
_SIMPLIFIED = str.maketrans({"業": "业"})


def _quote(lines: list[str]) -> str:
    lines = [line.translate(_SIMPLIFIED) for line in lines]
    text = ""
    for line in lines:
        heading = text and len(text) <= 20 and not re.search(r"[。，；,;]", text)
        text = f"{text}{'：' if heading else ''}{line}" if text else line
        if len(text) >= 60 and text.endswith(("。", "；", ";", "：")):
            break
        if len(text) > _LIMIT:
            break
    if len(text) <= _LIMIT:
        return text
    cut = max(text.rfind(p, 0, _LIMIT) for p in "。；;")
    return text[: cut + 1] + "……" if cut > 40 else text[:_LIMIT] + "……"


def _header(lines: list[str], i: int) -> list[str] | None:
    """Column names of the table whose row is line ``i`` (a second header row is merged in)."""
    for j in range(i - 1, max(-1, i - 40), -1):
        cells = lines[j].split("\t")
        if "序号" in [c.strip() for c in cells]:
            names, top = [], ""
            sub = lines[j + 1].split("\t") if lines[j + 1].startswith("\t") else []
            for k, cell in enumerate(cells):
                top = cell.strip() or top
                below = sub[k].strip() if k < len(sub) else ""
                names.append(f"{top} {below}".strip() if below else cell.strip() or top)
            return names
    return None


def _table_row(text: str, scope: str | None, row: str) -> str | None:
    """The indicator-table row ``row`` after the heading or attachment ``scope``."""
    lines = [ln.rstrip("\n") for ln in text.splitlines()]
    start = 0
    if scope:
        start = next((i for i, ln in enumerate(lines) if _clean(ln).startswith(scope)), 0)
    for i in range(start, len(lines)):
        cells = lines[i].split("\t")
        stripped = [c.strip() for c in cells]
        if len(cells) > 2 and row in stripped[:2]:
            names = _header(lines, i) or []
            at = stripped.index(row)
            parts = [stripped[at + 1]]
            for k in range(at + 2, len(cells)):
                value = stripped[k]
                if not value or len(value) > 30:
                    continue
                name = names[k] if k < len(names) else ""
                parts.append(f"{name} {value}" if name else value)
            return f"序号 {row}：" + "；".join(parts)
        if lines[i].strip() == row and i + 1 < len(lines):  # one cell per line
            # the whole row, up to the next row's number (嵊政〔2022〕28号's table ends each row
            # with the 浙江省 and 绍兴市 targets), less a group name standing before that number
            tail = []
            for cell in (c.strip() for c in lines[i + 1 : i + 30]):
                if cell == str(int(row) + 1):
                    break
                if cell:
                    tail.append(cell)
            while len(tail) > 1 and not re.search(r"\d", tail[-1]):
                tail.pop()
            return f"序号 {row}：" + "，".join(tail)
    return None


def cited_clauses() -> set[tuple[str, str]]:
    """Every (document code, clause) cited in the profiles and the code."""
    found: set[tuple[str, str]] = set()
    for path in [*ROOT.glob("landgov/**/*.toml"), *ROOT.glob("landgov/**/*.py")]:
        if path.name == "clauses.toml":
            continue
        for code, rest in _CITED.findall(path.read_text(encoding="utf-8")):
            clause = rest.strip().rstrip("]）)】」").strip()
            if code in DOCUMENTS and parse_clause(clause) is not None:
                found.add((code, clause))
    # 「001 二; 三(一)1」: a clause after 「; 」 without a code belongs to the code before it
    for path in ROOT.glob("landgov/**/*.toml"):
        for m in re.finditer(r"\b(00\d) [^\"\n]*", path.read_text(encoding="utf-8")):
            code = m.group(1)
            for part in re.split(r"[;；]\s*", m.group(0)):
                head, _, rest = part.partition(" ")
                clause = part.strip()
                if head in DOCUMENTS:
                    code, clause = head, rest.strip()
                if parse_clause(clause) is not None and code in DOCUMENTS:
                    found.add((code, clause))
    # the 增容 code names its clauses of 000 without the code: _CLAUSE = {"cond1": "附件3 三.1"}
    for path in ROOT.glob("landgov/far/**/*.py"):
        for clause in re.findall(r'"(附件3 [^"]+)"', path.read_text(encoding="utf-8")):
            if parse_clause(clause) is not None:
                found.add(("000", clause))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=Path, default=Path("/work/shared/seeds"))
    args = parser.parse_args()
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in args.seeds.glob("00*.txt")}
    sections = {code: _sections(text) for code, text in texts.items()}
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    for code, clause in sorted(cited_clauses()):
        parsed = parse_clause(clause)
        assert parsed is not None
        att, l1, l2, l3, _table, row = parsed
        found = sections[code]
        if row:
            scope = f"附件 {att}" if att else (f"{l1}、" if l1 else None)
            quote = _table_row(texts[code], scope, row)
            parent = l1
        else:
            keys = [
                k
                for k in found
                if k[0] == att
                and (l1 is None or k[1] == l1)
                and k[2] == l2
                and k[3] == l3
                and (l1 is not None or k[1] is not None)
            ]
            if not keys:
                print(f"not found: {code} {clause}", file=sys.stderr)
                continue
            quote, parent = _quote(found[keys[0]]), keys[0][1]
            if marker := _PARAGRAPHS.get((code, clause)):
                lines = found[keys[0]]
                para = next(line for line in lines if line.startswith(marker))
                quote = _quote([f"{lines[0]}：……{para}"])
        if quote is None:
            print(f"no quote: {code} {clause}", file=sys.stderr)
            continue
        rows[clause_key(code, clause)] = (parent or "", quote)
    out = ROOT / "landgov/core/clauses.toml"
    lines = [
        "# Generated by tools/make_clauses.py from the policy texts (INDEX.md of the seeds).",
        "# Key: document code and clause as profiles cite it. parent: the 一、 heading of a",
        "# clause cited by its item number alone. quote: the clause's own words (cut at 「……」).",
        "",
    ]
    for key, (parent, quote) in sorted(rows.items()):
        lines += [f'["{key}"]', f'parent = "{parent}"', f'quote = "{_toml(quote)}"', ""]
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(rows)} clauses → {out.relative_to(ROOT)}")


def _toml(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


if __name__ == "__main__":
    main()
