"""docs/policy.md, the policy table: every rule the code creates has a row, quotes are verbatim.

Rule ids are collected from the code in two ways, both cheap (no check is run):

- registries: ``landgov.screening.Check`` (``screening.<check>``), ``_case.CONDITIONS``
  (``zengrong.<condition>``, the per-condition verdicts) and the ``paths.rules`` table of every
  shipped profile (``R1`` … ``R4``);
- the syntax tree (``ast``, so line breaks inside a call do not matter): in
  ``landgov/screening``, every literal rule id given to ``Verdict(...)``; in
  ``landgov/far/zengrong``, every string literal that *is* a rule id (``"scope.district"``,
  ``"cond1.area"``, ``"cap"``; ``_v`` prefixes ``zengrong.``), wherever it is passed
  (``_v(...)``, ``_yes_no(case, "cond1.temporary_use", ...)``). An f-string rule id
  (``f"cond6.{key}"``) is expanded with the keys of every shipped ``zengrong.standard_land``
  table and, when the module has one, the ``key`` of each ``_Indicator`` in the
  ``_conditions._INDICATORS`` registry.

Quotes (「…」 in the quoted-sentence column) are compared with the policy documents in
``shared/seeds`` beside the repository (found by walking up from it), whitespace removed.
"""

from __future__ import annotations

import ast
import functools
import importlib
import re
from pathlib import Path

import pytest

from landgov.core.documents import DOCUMENTS
from landgov.policy import list_profiles, load_profile

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "policy.md"
COLUMNS = (
    "rule id",
    "clause",
    "quoted sentence",
    "reading landgov takes",
    "official / default",
    "profile key(s)",
    "test",
)
_ID = re.compile(r"`([^`]+)`")
_QUOTE = re.compile(r"「([^「」]+)」")
_TEST = re.compile(r"(TODO\s+)?`?(tests/[\w/]+\.py)::(\w+)")
_ZENGRONG_LITERAL = re.compile(r"(?:scope|cap|cond\d+)(?:\.\w+)?")
_LABELS = ("官方", "示例规则（非官方）", "参照", "项目推算", "国家规定")


def _seeds_dir() -> Path | None:
    for parent in ROOT.parents:
        seeds = parent / "shared" / "seeds"
        if seeds.is_dir():
            return seeds
    return None


def _rows() -> list[dict[str, str]]:
    """The table's rows as {column: cell}; the table is the one whose header is COLUMNS."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    header = next(i for i, ln in enumerate(lines) if ln.startswith("| rule id |"))
    names = tuple(c.strip() for c in lines[header].strip().strip("|").split("|"))
    assert names == COLUMNS
    rows = []
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == len(COLUMNS), f"docs/policy.md: wrong number of cells: {line[:60]}"
        rows.append(dict(zip(COLUMNS, cells, strict=True)))
    return rows


ROWS = _rows()


def _documented_ids() -> set[str]:
    return {i for row in ROWS for i in _ID.findall(row["rule id"])}


def _literals(package: str, pattern: re.Pattern[str]) -> tuple[set[str], set[str]]:
    """(string literals matching ``pattern``, fixed prefixes of f-strings matching it)."""
    found: set[str] = set()
    prefixes: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if pattern.fullmatch(node.value):
                    found.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                head = node.values[0]
                if (
                    isinstance(head, ast.Constant)
                    and isinstance(head.value, str)
                    and head.value.endswith(".")
                    and pattern.fullmatch(head.value[:-1])
                    and len(node.values) > 1
                ):
                    prefixes.add(head.value)
    return found, prefixes


def _verdict_literals(package: str) -> set[str]:
    """Literal rule ids given to ``Verdict(...)`` (first argument or ``rule_id=``)."""
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name != "Verdict":
                continue
            args = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "rule_id")]
            found |= {
                a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)
            }
    return found


def _profiles():
    return [load_profile(p["name"]) for p in list_profiles()]


def _code_ids() -> set[str]:
    from landgov.far.zengrong import _case
    from landgov.screening import Check
    from landgov.screening.paths import rule_table

    ids = {f"screening.{c.value}" for c in Check}
    ids |= _verdict_literals("landgov/screening")
    ids |= {f"zengrong.{c}" for c in _case.CONDITIONS}
    found, prefixes = _literals("landgov/far/zengrong", _ZENGRONG_LITERAL)
    ids |= {f"zengrong.{s}" for s in found}
    profiles = _profiles()
    for prefix in prefixes:
        keys: set[str] = set()
        if prefix == "cond6.":
            conditions = importlib.import_module("landgov.far.zengrong._conditions")
            keys |= {ind.key for ind in getattr(conditions, "_INDICATORS", ())}
            for p in profiles:
                if "zengrong.standard_land" in p and p.value("zengrong.standard_land"):
                    keys |= set(p.value("zengrong.standard_land"))
        assert keys, f"f-string rule id {prefix}{{…}}: add its keys to this test"
        ids |= {f"zengrong.{prefix}{k}" for k in keys}
    for p in profiles:
        if "paths.rules" in p:
            ids |= {rule.id for rule in rule_table(p)}
    return ids


def test_every_rule_id_in_the_code_has_a_row():
    code = _code_ids()
    assert {"screening.low_efficiency", "zengrong.cond1.area", "zengrong.cap", "R1"} <= code
    missing = sorted(code - _documented_ids())
    assert not missing, f"docs/policy.md has no row for: {missing}"


def test_every_row_names_clause_quote_reading_label_and_test():
    for row in ROWS:
        ids = _ID.findall(row["rule id"])
        assert ids, row["rule id"]
        for column in ("clause", "quoted sentence", "reading landgov takes", "test"):
            assert row[column] and row[column] != "—", (ids, column)
        assert any(label in row["official / default"] for label in _LABELS), ids
        assert _TEST.search(row["test"]), (ids, row["test"])


def _docnums(clause: str) -> list[str]:
    return [code for code, doc in DOCUMENTS.items() if doc.docnum in clause]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_quotes_are_verbatim_in_the_cited_documents():
    seeds = _seeds_dir()
    if seeds is None:
        pytest.skip("shared/seeds not found beside the repository: quotes not compared")
    texts = {}
    for code in DOCUMENTS:
        files = sorted(seeds.glob(f"{code}_*.txt"))
        if files:
            texts[code] = _squash(files[0].read_text(encoding="utf-8"))
    checked = 0
    for row in ROWS:
        quotes = _QUOTE.findall(row["quoted sentence"])
        codes = _docnums(row["clause"])
        if quotes:
            assert codes, f"{row['rule id']}: a quote needs a 文号 in the clause"
        where = "、".join(DOCUMENTS[c].docnum for c in codes)
        for quote in quotes:
            assert any(_squash(quote) in texts[c] for c in codes if c in texts), (
                f"{row['rule id']}: 「{quote}」 is not in {where}"
            )
            checked += 1
    assert checked >= 40


def test_quotes_of_docs_domain_md_appear_in_the_table():
    """The clauses docs/domain.md quotes are quoted, the same way, in the table."""
    domain = ROOT / "docs" / "domain.md"
    if not domain.exists():
        pytest.skip("docs/domain.md not found")
    table = [_squash(q) for row in ROWS for q in _QUOTE.findall(row["quoted sentence"])]
    quoted = [q for q in _QUOTE.findall(domain.read_text(encoding="utf-8")) if len(q) >= 6]
    assert quoted
    for quote in quoted:
        assert any(_squash(quote) in q for q in table), f"「{quote}」 (docs/domain.md)"


def test_no_row_cites_a_seed_number():
    text = DOC.read_text(encoding="utf-8")
    assert not re.search(r"(?<!\d)00\d(?=[\s\]])|\[00\d|种子", text)


@functools.cache
def _function_names(file: Path) -> frozenset[str]:
    tree = ast.parse(file.read_text(encoding="utf-8"))
    kinds = ast.FunctionDef | ast.AsyncFunctionDef
    return frozenset(n.name for n in ast.walk(tree) if isinstance(n, kinds))


def test_every_referenced_test_exists():
    checked = 0
    for row in ROWS:
        for todo, path, name in _TEST.findall(row["test"]):
            if todo:
                continue  # the lead replaces TODOs after merging issue 10
            file = ROOT / path
            assert file.exists(), f"{row['rule id']}: {path} does not exist"
            assert name in _function_names(file), f"{row['rule id']}: {path}::{name} does not exist"
            checked += 1
    assert checked >= 30


def test_the_patterns_catch_what_they_should():
    """The checks above can fail: a bare seed number and an unknown test are caught."""
    assert re.search(r"(?<!\d)00\d(?=[\s\]])|\[00\d", "[000 附件3 三.1]")
    assert not re.search(r"(?<!\d)00\d(?=[\s\]])|\[00\d", "≥ 5000 吨 1000 tce")
    todo, path, name = _TEST.findall("TODO `tests/test_x.py::test_y`")[0]
    assert (todo.strip(), path, name) == ("TODO", "tests/test_x.py", "test_y")
    assert _docnums("越政发〔2022〕24号 附件3 第三条第1项；虞政发〔2022〕12号 第二条") == [
        "000",
        "001",
    ]
