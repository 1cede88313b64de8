"""镇街 names written short and long: one name per township across the files of a run.

A county writes the same township as 「斗门街道」 in the township layer and 「斗门」 in the parcel
table, or 「马山镇」 here and 「马山」 there. Read as they are, the 镇街汇总 splits one township
into two rows and a plot finds no boundary of its own. The one safe reading:

- a name **without** a trailing 街道/镇/乡 is the short form of the **one** name in the run's
  files that is that name plus such a suffix (「斗门」 → 「斗门街道」 when 「斗门街道」 is the only
  one); it is then written in that full form, and said (one 提示 per file and name, with the
  rows);
- when two full names share the short form (「斗门镇」 and 「斗门街道」 in one county), the short
  form is left as written and said (警告): two different townships are never merged;
- full names are never changed, and a short form that stands alone (no full name beside it)
  stays as it is;
- blanks between Chinese characters (「斗 门 街道」, typed to line a column up, or a full-width
  「斗门　街道」) are no part of a name: they are left out before the rules above, and said;
- two full names of one short form in the files (「斗门镇」 beside 「斗门街道」: an old name
  after 撤镇设街道, or two townships) are never merged; each one the township layer does not
  have is said (警告; nothing when the layer has both).

Names are compared as the readers wrote them (stripped, invisible characters removed).

One order of 镇街 in everything handed out (:class:`TownshipOrder`, :func:`township_order`):
by 行政区划代码 — the township code, the 9-digit 统计用区划代码 (or the first 9 of the 12), or
the county and 地籍区 part of the 19-digit 宗地代码 of the township's plots — then, for a 镇街
whose plots have no such code, where it first appears in the parcel layer sorted by 宗地代码; a
镇街 the parcels do not place comes after those (by name), 镇街不明 last, and 全区 after all.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping

import pandas as pd

from landgov.core.listing import first_few
from landgov.core.missing import is_missing, missing_cells
from landgov.core.problems import ProblemLog, ReadResult, Severity
from landgov.core.vocab import DISTRICT, UNKNOWN_TOWNSHIP
from landgov.errors import InputError
from landgov.ids import check_parcel_code, normalize_code

__all__ = [
    "SUFFIXES",
    "TownshipOrder",
    "resolve_township",
    "short_form",
    "township_order",
    "unify_township_names",
    "unify_townships",
    "without_blanks",
]

#: The suffixes of a township-level name (乡级): 街道, 镇, 乡.
SUFFIXES: tuple[str, ...] = ("街道", "镇", "乡")
_MIN_STEM = 2  # 「城关镇」 → 「城关」; a one-character rest is no name to match on
_SHOWN_ROWS = 20  # rows of a file named in one problem row
_COLUMN = "township"
_LAYER = "townships"  # the role of the township boundary layer
_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_INNER_BLANKS = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def without_blanks(name: str) -> str:
    """``name`` without the blanks between its Chinese characters.

    >>> without_blanks("斗 门 街道"), without_blanks("斗门\u3000街道"), without_blanks("A 区")
    ('斗门街道', '斗门街道', 'A 区')
    """
    return _INNER_BLANKS.sub("", name)


def short_form(name: str) -> str:
    """``name`` without one trailing 街道/镇/乡 (unchanged when the rest would be too short).

    >>> short_form("斗门街道"), short_form("马山镇"), short_form("斗门"), short_form("乡")
    ('斗门', '马山', '斗门', '乡')
    """
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= _MIN_STEM:
            return name[: -len(suffix)]
    return name


def unify_township_names(names: Iterable[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """How to read each short name among ``names`` (all the 镇街 names of one county).

    Returns
    -------
    (dict, dict)
        ``{short: full}`` for each short form with exactly one full name beside it;
        ``{short: [full, …]}`` for each short form with several (left as written).
    """
    distinct = set(names)
    full: dict[str, set[str]] = {}
    for name in distinct:
        stem = short_form(name)
        if stem != name:
            full.setdefault(stem, set()).add(name)
    unique = {s: next(iter(f)) for s, f in full.items() if len(f) == 1 and s in distinct}
    ambiguous = {s: sorted(f) for s, f in full.items() if len(f) > 1 and s in distinct}
    return unique, ambiguous


def resolve_township(given: str, names: Iterable[str], *, option: str = "--township") -> str:
    """The one 镇街 name among ``names`` (a run's names) that ``given`` stands for.

    The rule of :func:`unify_township_names`: a name written as in the files is itself; a short
    name (no 街道/镇/乡) is the one full name with that short form (「斗门」 → 「斗门街道」); a
    full name is also the short form the files wrote (「斗门街道」 → 「斗门」 when the files have
    only 「斗门」), never another full name (「斗门镇」 is not 「斗门街道」).

    Raises
    ------
    InputError
        ``given`` names no township of ``names``, or is the short form of two of them.

    Examples
    --------
    >>> resolve_township("斗门", ["斗门街道", "马山镇"]), resolve_township("马山镇", ["马山"])
    ('斗门街道', '马山')
    """
    wanted = without_blanks(str(given).strip())
    distinct = sorted({str(n) for n in names if not is_missing(n)})
    stem = short_form(wanted)
    if stem == wanted:  # short: itself, or the full names with this short form
        full = [n for n in distinct if n != wanted and short_form(n) == wanted]
        hits = full if full else [n for n in distinct if n == wanted]
    else:  # full: itself, else the short form the files wrote
        hits = [n for n in distinct if n == wanted] or [n for n in distinct if n == stem]
    if len(hits) == 1:
        return hits[0]
    shown = first_few((f"「{n}」" for n in distinct), 30)
    if hits:
        both = "、".join(f"「{n}」" for n in hits)
        problem = f"镇街「{wanted}」可能是{both}中的任一个，无法确定是哪一个"
        fix = f"写明镇街全称，如 {option} {hits[0]}"
    else:
        problem = f"本次数据中没有镇街「{wanted}」（宗地的镇街有：{shown or '无'}）"
        fix = f"按上列名称之一写 {option}（简称如「斗门」也可，须只对应一个镇街）"
    raise InputError(f"{option} 「{wanted}」：{problem}。处理：{fix}")


def _names(read: ReadResult) -> pd.Series:
    data = read.data
    if _COLUMN not in data.columns:
        return pd.Series(dtype=object)
    column = data[_COLUMN].astype(object)
    return column[~missing_cells(column)].astype(str)


def _where(read: ReadResult, index: pd.Index) -> tuple[int | None, str]:
    """The first file row of ``index`` and a text naming its rows."""
    rows = read.data.loc[index, "source_row"] if "source_row" in read.data else None
    shown = [] if rows is None else sorted(int(r) for r in rows.dropna())
    if not shown:
        return None, f"共 {len(index)} 行"
    text = first_few(shown, _SHOWN_ROWS)
    return shown[0], f"第 {text} 行（共 {len(index)} 行）"


def _siblings(names: Mapping[str, pd.Series]) -> dict[str, list[str]]:
    """``{full name: [the other full names of its short form]}`` for the names to warn about:
    two full names of one short form, each one the township layer lacks (none when the layer
    has both: two townships)."""
    every = {n for col in names.values() for n in col.unique()}
    layer = set(names[_LAYER].unique()) if _LAYER in names else set()
    stems: dict[str, set[str]] = {}
    for name in every:
        if short_form(name) != name:
            stems.setdefault(short_form(name), set()).add(name)
    out: dict[str, list[str]] = {}
    for full in (sorted(f) for f in stems.values() if len(f) > 1):
        known = [n for n in full if n in layer]
        for name in full:
            if name not in known:  # both in the layer: two townships, nothing to say
                out[name] = [n for n in full if n != name]
    return out


def _name_problems(
    read: ReadResult,
    col: pd.Series,
    *,
    rename: Mapping[str, str],
    ambiguous: Mapping[str, list[str]],
    siblings: Mapping[str, list[str]],
    log: ProblemLog,
) -> None:
    """One problem row per name of ``col`` read otherwise, left ambiguous or with a sibling."""
    hit = col[col.isin(rename.keys() | siblings.keys()) | col.map(without_blanks).isin(ambiguous)]
    for name, idx in hit.groupby(hit).groups.items():
        row, where = _where(read, pd.Index(idx))
        compact = without_blanks(name)
        blanks = f"镇街「{name}」中有空格，" if compact != name else ""
        if compact in ambiguous:
            both = "、".join(f"「{n}」" for n in ambiguous[compact])
            problem = (
                f"{blanks}镇街「{compact}」可能是{both}中的任一个，未合并，按「{compact}」单列"
            )
            action, severity = "在源表中写明镇街全称后重新运行", Severity.WARNING
        elif name in siblings:
            others = "、".join(f"「{n}」" for n in siblings[name])
            problem = (
                f"镇街「{name}」与{others}去掉“街道/镇/乡”后相同，未合并，按两个镇街分列"
                "（其一可能是撤镇设街道等之前的旧称）"
            )
            action = "如是同一镇街，请在源表中统一写为现名后重新运行；如确为两个镇街，无需处理"
            severity = Severity.WARNING
        elif rename[name] == compact:
            problem = f"{blanks}已去掉空格，按「{compact}」统计"
            action, severity = f"可在源表中统一写为「{compact}」", Severity.INFO
        else:
            full = rename[name]
            problem = (
                f"{blanks}镇街「{compact}」与其他文件中的「{full}」为同一镇街（去掉“街道/镇/乡”后"
                f"相同且本区县仅此一个），已按「{full}」统计"
            )
            action = f"如不是同一镇街，请在源表中写全称后重新运行；是则可统一写为「{full}」"
            severity = Severity.INFO
        log.add(
            f"{problem}：{where}", row=row, field="镇街", value=name, action=action,
            severity=severity,
        )  # fmt: skip


def unify_townships(
    reads: Mapping[str, ReadResult], *, sources: Mapping[str, str]
) -> dict[str, ReadResult]:
    """``reads`` with each short 镇街 name written in its one full form, and said.

    Parameters
    ----------
    reads
        The read files of one run (any with a ``township`` column takes part: parcels,
        enterprises, the township layer, 批而未供 …).
    sources
        The file name written in the problem rows, per role.

    Returns
    -------
    dict
        The same roles; a read whose names changed has a new ``data`` and a 提示 per name
        changed (blanks left out, a short name written in full); a short name that could be
        either of two townships keeps its value (without blanks) and has a 警告, and so has a
        full name beside another full name of its short form.
    """
    names = {role: _names(res) for role, res in reads.items()}
    compact = {n: without_blanks(n) for col in names.values() for n in col.unique()}
    unique, ambiguous = unify_township_names(compact.values())
    rename = {n: unique.get(c, c) for n, c in compact.items() if unique.get(c, c) != n}
    siblings = _siblings(names)
    if not rename and not ambiguous and not siblings:
        return dict(reads)
    out: dict[str, ReadResult] = {}
    for role, res in reads.items():
        log = ProblemLog(sources.get(role, role))
        _name_problems(
            res, names[role], rename=rename, ambiguous=ambiguous, siblings=siblings, log=log
        )
        if not log:
            out[role] = res
            continue
        data = res.data.copy()
        data[_COLUMN] = data[_COLUMN].astype(object).replace(rename)
        problems = pd.concat([res.problems, log.frame()], ignore_index=True)
        out[role] = dataclasses.replace(res, data=data, problems=problems)
    return out


_CODED, _UNCODED, _UNPLACED, _UNKNOWN, _TOTAL = range(5)
_LAST = (_TOTAL, "", 0)  # no rank yet
_TOWNSHIP_CODE = re.compile(r"^(\d{9})(\d{3})?$")  # 统计用区划代码, 乡级 (9) or 村级 (12)


def _township_code(code: str) -> str | None:
    """The 9-digit township code in a 统计用区划代码 (9 or 12 digits) or a 宗地代码 (19)."""
    match = _TOWNSHIP_CODE.match(code)
    if match:
        return match.group(1)
    parsed = check_parcel_code(code)
    return parsed.county + parsed.cadastral_zone if parsed.ok else None


@dataclasses.dataclass(frozen=True)
class TownshipOrder:
    """The one order of 镇街 names in every sheet, map panel and form (:func:`township_order`).

    ``ranks`` maps each placed name to its sort key; any other name sorts after them by name,
    镇街不明 (and a blank) after those, 全区 last.
    """

    ranks: Mapping[str, tuple[int, str, int]] = dataclasses.field(default_factory=dict)

    def key(self, name: object) -> tuple[int, str, int, str]:
        """The sort key of one name (a blank is 镇街不明)."""
        if is_missing(name):
            return (_UNKNOWN, "", 0, "")
        text = str(name)
        if text == DISTRICT:
            return (_TOTAL, "", 0, "")
        if text == UNKNOWN_TOWNSHIP or text.strip("（）()") == UNKNOWN_TOWNSHIP:
            return (_UNKNOWN, "", 0, text)
        return (*self.ranks.get(text, (_UNPLACED, "", 0)), text)

    def sorted(self, names: Iterable[object]) -> list:
        """``names`` (each once) in this order."""
        return sorted(dict.fromkeys(names), key=self.key)

    def positions(self, names: pd.Series) -> pd.Series:
        """The rank of each name of ``names`` (0 first), for ``sort_values(key=…)``."""
        values = names.astype(object)
        distinct = self.sorted(values[~missing_cells(values)].unique().tolist())
        rank = {n: k for k, n in enumerate(distinct)}
        blank = len(rank) + 1  # a blank cell is 镇街不明: after every name but 全区
        if DISTRICT in rank:
            rank[DISTRICT] = blank + 1
        return values.map(lambda v: rank.get(v, blank)).astype("int64")


def township_order(
    townships: Iterable[object], codes: Iterable[object] | None = None
) -> TownshipOrder:
    """The 镇街 order of a run from its plots: ``townships[i]`` is the 镇街 of the plot whose
    宗地代码 (or a township's 统计用区划代码) is ``codes[i]``.

    A 镇街 with a township code (9 or 12 digits, or the first 9 of a 19-digit 宗地代码) sorts
    by the smallest one; the others after them, where they first appear in the codes sorted
    (then as given). Without ``codes`` the names keep the order given.

    Examples
    --------
    >>> codes = ["330602003001GB00001", "330602001001GB00007", "X9", "330602002001GB00001"]
    >>> order = township_order(["丙镇", "甲镇", "乙镇", None], codes)
    >>> order.sorted(["甲镇", "乙镇", "丙镇", "丁镇", "镇街不明", "全区"])
    ['甲镇', '丙镇', '乙镇', '丁镇', '镇街不明', '全区']
    """
    names = list(townships)
    given = [normalize_code(c) for c in codes] if codes is not None else [""] * len(names)
    if len(given) != len(names):
        raise ValueError("townships and codes differ in length")
    rows = sorted(
        ((code, k, name) for k, (name, code) in enumerate(zip(names, given, strict=True))),
        key=lambda row: (row[0] == "", row[0], row[1]),
    )
    ranks: dict[str, tuple[int, str, int]] = {}
    for position, (code, _, name) in enumerate(rows):
        if is_missing(name) or str(name) in (DISTRICT, UNKNOWN_TOWNSHIP):
            continue
        text = str(name)
        if ranks.get(text, _LAST)[0] == _CODED:
            # a township code is the first 9 characters of the code and the rows go by code,
            # so a later row's rank is never smaller: each plot's code is not parsed again
            continue
        town = _township_code(code) if code else None
        rank = (_CODED, town, position) if town else (_UNCODED, "", position)
        if text not in ranks or rank < ranks[text]:
            ranks[text] = rank
    return TownshipOrder(ranks)
