"""Screening every parcel at once: each distinct set of facts judged once for the whole frame.

:func:`judge_frame` gives the rows :func:`landgov.far.zengrong._check.check_parcels` writes,
equal to judging each plot on its own (``_Context.judge``) but with little Python per plot:

1. Group the plots by the facts each condition or part reads
   (:data:`landgov.far.zengrong._reads.FACT_COLUMNS`, the records keys of
   :data:`~landgov.far.zengrong._reads.RECORD_KEYS`) and by whether the enterprise is 涉改;
   judge each group once on its first plot and hand the verdict to every plot of the group.
2. Judge per plot only the parts that read the plot's own code, area and 容积率
   (``scope.district``, ``cond1.area``, ``cap``); compose 适用范围, 容积率上限 and 条件1 once per
   distinct wording of their parts (:func:`~landgov.far.zengrong._outcome._composed`) and give
   each plot its own values.
3. Word the notes once per distinct verdict wording, and the overall outcome once per distinct
   combination of what it reads of the verdicts (:func:`~landgov.far.zengrong._check.outcome_key`,
   :func:`~landgov.far.zengrong._check.outcome_fields`).

Keys tell values apart by type (:func:`landgov.far.zengrong._reads._k`), so two plots share a
verdict only when the checks could not tell them apart.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from landgov.core.missing import is_missing
from landgov.far.ratio import RECORDED_FLOOR
from landgov.far.zengrong._case import CONDITIONS, _Case, _Settings
from landgov.far.zengrong._conditions import FLOOR_FIELDS, firm_industry, floor_reading
from landgov.far.zengrong._facts import (
    _plot_records_for,
    _RecordIndex,
    _records_for,
    _relaxation,
    row_dicts,
)
from landgov.far.zengrong._outcome import (
    PARTS,
    Composed,
    _compose,
    _composed,
    condition_note,
    relaxed,
)
from landgov.far.zengrong._reads import (
    FACT_COLUMNS,
    FIRM_INDUSTRY,
    FLOOR_READING,
    MORE_FACTS,
    PARCEL_FEATURE,
    RECORD_KEYS,
    _k,
    direct,
)
from landgov.ids import check_parcel_code, normalize_uscc
from landgov.verdict import Verdict

#: Conditions judged per plot: the parts read through ``share`` are grouped, the rest per plot.
_PER_PLOT = ("scope", "cap", "cond1")


def _codes(values: Sequence[Any]) -> np.ndarray:
    """One integer per value, equal for values :func:`_k` cannot tell apart."""
    table: dict[Hashable, int] = {}
    plain = _PLAIN_KEYS  # keyed (type, value) by _k too: without the call for these
    return np.fromiter(
        (
            table.setdefault((t, v) if (t := type(v)) in plain else _k(v), len(table))
            for v in values
        ),
        dtype=np.int64,
        count=len(values),
    )


#: Types whose values :func:`_k` keys as ``(type, value)``.
_PLAIN_KEYS = frozenset({str, int, bool, type(None)})


def _readings(values: tuple[Any, ...]) -> tuple[Hashable, ...]:
    """A tuple of facts as one key, each told apart by :func:`_k` (``(13,) == (13.0,)``, but a
    reason may word them apart)."""
    return tuple(_k(v) for v in values)


def _features(codes: pd.Series | None) -> pd.Series:
    """The 特征码 of each 宗地代码 (:data:`~landgov.far.zengrong._reads.PARCEL_FEATURE`), each
    distinct code parsed once (:func:`landgov.ids.check_parcel_code`)."""
    if codes is None:
        return pd.Series(dtype=object)
    values = codes.tolist()
    found: dict[Any, str | None] = {}
    for v in values:
        if v not in found:
            check = check_parcel_code(v)
            found[v] = check.feature if check.ok else None
    return pd.Series([found[v] for v in values], index=codes.index, dtype=object)


def _column_codes(column: pd.Series) -> np.ndarray:
    """:func:`_codes` of a column's values (as ``tolist`` and ``to_dict`` give them).

    A numeric, boolean or date column holds one type, and equal bits are equal values; a text
    column holds text and one missing marker: both are told apart by ``pd.factorize`` (at least
    as finely as :func:`_k`). Other columns go value by value.
    """
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiubM":
        values = column.to_numpy()
        if dtype.kind in "fM":  # by bits: 0.0 and -0.0 apart, as their repr
            values = values.view(f"i{values.dtype.itemsize}")
        return pd.factorize(values)[0].astype(np.int64)
    if isinstance(dtype, pd.StringDtype):
        return pd.factorize(column, use_na_sentinel=True)[0].astype(np.int64) + 1
    return _codes(column.tolist())


def _texts(texts: Sequence[str], codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The column of ``texts[code]`` per row, built from the distinct texts (of the text dtype
    the rows' dicts would be read as)."""
    taken = pa.array(list(texts), type=pa.large_string()).take(pa.array(codes))
    return pd.Series(pd.array(taken, dtype=_TEXT), index=index)


_TEXT = pd.Series(["text"]).dtype  # what pandas infers for a column of text


def _group(columns: Sequence[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(group of each row, first row of each group) of rows equal in every column."""
    group = np.zeros(n, dtype=np.int64)
    for col in columns:
        group = pd.factorize(group * (int(col.max(initial=0)) + 1) + col)[0].astype(np.int64)
    size = int(group.max(initial=-1)) + 1
    first = np.full(size, n, dtype=np.int64)
    np.minimum.at(first, group, np.arange(n, dtype=np.int64))
    return group, first


def _said(v: Verdict) -> Composed:
    """What a verdict says besides its values, as :func:`_composed` gives it."""
    return (v.status, v.reason, v.citation, v.missing)


def _sig(v: Verdict) -> Hashable:
    """What a composed verdict reads of a part (:func:`_composed`): all but its values."""
    return (v.rule_id, v.status, v.reason, v.citation, v.missing)


class _Frame:
    """The plots of one screening run, as columns, with a :class:`_Case` per plot on demand."""

    def __init__(
        self,
        attributes: pd.DataFrame,
        facts: pd.DataFrame,
        users: pd.Series,
        by_uscc: Mapping[str, Mapping[str, Any]],
        records: _RecordIndex | None,
    ) -> None:
        self.attributes, self.facts, self.records = attributes, facts, records
        self.n = len(attributes)
        self.users = users.tolist()
        ucode, uniques = pd.factorize(pd.Series(self.users, dtype=object), use_na_sentinel=False)
        self.ucode = ucode.astype(np.int64)
        self._uniques = list(uniques)
        self.uents = [by_uscc.get(u) if u else None for u in self._uniques]
        self._cases: dict[int, _Case] = {}
        self._columns: dict[tuple[str, str], np.ndarray] = {}

    def enterprise(self, i: int) -> Mapping[str, Any] | None:
        return self.uents[self.ucode[i]]

    def cases(self, rows: Sequence[int]) -> list[_Case]:
        """The cases ``check_parcels`` judges plots ``rows`` on (attributes and facts as
        records), made once per plot and for many plots at a time."""
        new = list(dict.fromkeys(i for i in rows if i not in self._cases))
        if new:
            parcels = row_dicts(self.attributes.iloc[new])
            facts = row_dicts(self.facts.iloc[new])
            for i, parcel, fact in zip(new, parcels, facts, strict=True):
                uscc = self.users[i]
                pid = parcel.get("parcel_id")
                rec = _records_for(self.records, uscc, pid)
                on = _plot_records_for(self.records, uscc, pid)
                case = _Case(parcel, fact, fact, self.enterprise(i), rec, plot_records=on)
                self._cases[i] = case
        return [self._cases[i] for i in rows]

    def column(self, where: str, name: str) -> np.ndarray:
        """Codes of one fact per plot (:func:`_codes`), as a :class:`_Case` would hold it."""
        found = self._columns.get((where, name))
        if found is not None:
            return found
        derive = _DERIVED.get((where, name))
        if derive is not None:
            found = derive(self)
        elif where == "enterprise":
            per = _codes([None if e is None else e.get(name) for e in self.uents])
            found = per[self.ucode]
        else:
            frame = self.attributes if where == "parcel" else self.facts
            if name not in frame.columns:
                found = np.zeros(self.n, dtype=np.int64)
            else:
                found = _column_codes(frame[name])
        self._columns[(where, name)] = found
        return found

    def record_codes(self, key: Callable[[_Case], Hashable]) -> np.ndarray:
        """Codes of a records key (:data:`RECORD_KEYS`) per plot.

        Only a plot whose enterprise, code or plot's enterprises have records needs its own look-up
        (:func:`_records_for`); every other plot reads no record, and its key depends only on
        whether its enterprise is known (asked of the first such plot).
        """
        pids, has = self._with_records
        table: dict[Hashable, int] = {}
        plain: dict[bool, int] = {}
        out = np.empty(self.n, dtype=np.int64)
        for i, (found, pid) in enumerate(zip(has, pids, strict=True)):
            if found:
                out[i] = table.setdefault(key(self._light(i, pid)), len(table))
                continue
            mark = self.enterprise(i) is None
            code = plain.get(mark)
            if code is None:
                code = plain[mark] = table.setdefault(key(self._light(i, pid)), len(table))
            out[i] = code
        return out

    @functools.cached_property
    def _with_records(self) -> tuple[list[Any], list[bool]]:
        """Per plot: its code, and whether its enterprise, its code or its enterprises have
        records (the same for every records key: worked out once)."""
        parcel = self.attributes.get("parcel_id")
        pids = [None] * self.n if parcel is None else parcel.tolist()
        index = self.records
        if index is None:
            return pids, [False] * self.n
        known = [normalize_uscc(u) or None for u in self._uniques]
        by_user = [u is not None and u in index.by_uscc for u in known]
        touched = index.touched
        has = [
            by_user[c]
            or (code := str(None if is_missing(p) else p)) in index.by_parcel
            or code in touched
            for c, p in zip(self.ucode.tolist(), pids, strict=True)
        ]
        return pids, has

    def _light(self, i: int, pid: Any) -> _Case:
        """Enough of plot ``i`` for a records key: its code, enterprise and records."""
        rec = _records_for(self.records, self.users[i], pid)
        on = _plot_records_for(self.records, self.users[i], pid)
        return _Case({"parcel_id": pid}, {}, {}, self.enterprise(i), rec, plot_records=on)


def _feature_codes(frame: _Frame) -> np.ndarray:
    """:data:`~landgov.far.zengrong._reads.PARCEL_FEATURE` per plot."""
    return _column_codes(_features(frame.attributes.get("parcel_id")))


def _floor_codes(frame: _Frame) -> np.ndarray:
    """:data:`~landgov.far.zengrong._reads.FLOOR_READING` per plot."""
    read = [c for c in FLOOR_FIELDS if c in frame.facts.columns]
    rows = row_dicts(frame.facts[read]) if read else [{}] * frame.n
    return _codes([floor_reading(f) for f in rows])  # two texts and a bool: keys as they are


def _firm_codes(frame: _Frame) -> np.ndarray:
    """:data:`~landgov.far.zengrong._reads.FIRM_INDUSTRY` per plot, read once per enterprise."""
    return _codes([_readings(firm_industry(e)) for e in frame.uents])[frame.ucode]


#: The facts derived from several fields (``_reads``), by where and name: their codes per plot.
_DERIVED: dict[tuple[str, str], Callable[[_Frame], np.ndarray]] = {
    ("parcel", PARCEL_FEATURE): _feature_codes,
    ("facts", FLOOR_READING): _floor_codes,
    ("enterprise", FIRM_INDUSTRY): _firm_codes,
}


def _keys(frame: _Frame, rule: str, relax: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Groups of plots that ``rule`` (a condition or a part) cannot tell apart."""
    if rule in RECORD_KEYS:
        columns = [frame.record_codes(RECORD_KEYS[rule])]
    else:
        where, names = FACT_COLUMNS[rule]
        columns = [frame.column(where, name) for name in names]
        columns += [frame.column("facts", name) for name in MORE_FACTS.get(rule, ())]
    return _group([*columns, relax.astype(np.int64)], frame.n)


class _Picker:
    """A :data:`~landgov.far.zengrong._reads.Share` handing out the grouped part of plot ``i``."""

    def __init__(self, parts: Mapping[str, list[Verdict]]) -> None:
        self.parts, self.i = parts, 0

    def __call__(self, rule: str, case: _Case, judge: Callable[[], Verdict]) -> Verdict:
        found = self.parts.get(rule)
        return judge() if found is None else found[self.i]


def judge_frame(
    attributes: pd.DataFrame,
    facts: pd.DataFrame,
    users: pd.Series,
    *,
    by_uscc: Mapping[str, Mapping[str, Any]],
    records: _RecordIndex | None,
    settings: _Settings,
    sectors: tuple[str, ...],
) -> pd.DataFrame:
    """The verdict columns of every plot: ``<condition>``, ``<condition>_note``, the outcome
    (:func:`~landgov.far.zengrong._check.outcome_fields`) and ``verdicts``.

    ``attributes`` are the parcels without geometry, ``facts``, ``users`` and ``by_uscc`` those
    of the run's context, all on the same rows.
    """
    frame = _Frame(attributes, facts, users, by_uscc, records)
    relax_text = [_relaxation(e, sectors) for e in frame.uents]
    relax = np.array([bool(t) for t in relax_text], dtype=bool)[frame.ucode]
    judged = {
        key: _grouped(frame, key, relax, functools.partial(_whole, s=settings, key=key))
        for key in CONDITIONS
        if key not in _PER_PLOT
    }
    parts = {
        rule: _grouped(frame, rule, relax, functools.partial(_part, s=settings, rule=rule))[0]
        for rule in sorted(FACT_COLUMNS.keys() | RECORD_KEYS.keys())
        if "." in rule and rule.split(".", maxsplit=1)[0] in _PER_PLOT
    }
    judged |= _per_plot(frame, settings, parts, relax=relax)
    return _columns({k: judged[k] for k in CONDITIONS}, frame, relax_text)


#: Per condition, the verdict of every plot and a code per plot, equal codes equal wording.
_Judged = tuple[list[Verdict], np.ndarray]


def _grouped(
    frame: _Frame, rule: str, relax: np.ndarray, judge: Callable[[_Case, bool], Verdict]
) -> _Judged:
    """``judge`` (a condition or part ``rule``) once per group of plots it cannot tell apart."""
    group, first = _keys(frame, rule, relax)
    rows = first.tolist()
    judged = [judge(c, bool(relax[i])) for c, i in zip(frame.cases(rows), rows, strict=True)]
    return [judged[g] for g in group.tolist()], group


def _whole(case: _Case, rel: bool, *, s: _Settings, key: str) -> Verdict:
    """Condition ``key`` judged on ``case`` as ``_evaluate`` judges it."""
    return _compose(key, relaxed(PARTS[key](case, s, direct), s, relax=rel))


def _columns(judged: Mapping[str, _Judged], frame: _Frame, relax_text: list[str]) -> pd.DataFrame:
    """The columns of :func:`judge_frame`, each text worded once per distinct wording."""
    from landgov.far.zengrong._check import outcome_fields, outcome_key

    index = frame.attributes.index
    out: dict[str, pd.Series] = {}
    firsts = {k: _firsts(codes, found) for k, (found, codes) in judged.items()}
    for key, (_, codes) in judged.items():
        out[key] = _texts([v.status.value for v in firsts[key]], codes, index)
    for key, (_, codes) in judged.items():
        out[f"{key}_note"] = _texts([condition_note(v) for v in firsts[key]], codes, index)
    # the outcome reads less than the wording: one per distinct combination of what it reads
    reads = []
    for key, (_, codes) in judged.items():
        table: dict[Hashable, int] = {}
        per = np.array([table.setdefault(outcome_key(v), len(table)) for v in firsts[key]])
        reads.append(per[codes])
    combo, first = _group([*reads, _codes(relax_text)[frame.ucode]], frame.n)
    rows = [
        outcome_fields(
            {k: found[i] for k, (found, _) in judged.items()}, relax_text[frame.ucode[i]]
        )
        for i in first.tolist()
    ]
    for name in ("zengrong", "zengrong_reason", "missing", "relaxation", "meeting_review"):
        out[name] = _texts([r[name] for r in rows], combo, index)
    out["verdicts"] = pd.Series(
        list(zip(*(found for found, _ in judged.values()), strict=True)), index=index, dtype=object
    )
    return pd.DataFrame(out, index=index)


def _firsts(codes: np.ndarray, items: list[Verdict]) -> list[Verdict]:
    """The first verdict of each code."""
    size = int(codes.max(initial=-1)) + 1
    first = np.full(size, len(items), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(items), dtype=np.int64))
    return [items[i] for i in first.tolist()]


def _part(case: _Case, rel: bool, *, s: _Settings, rule: str) -> Verdict:
    """One grouped part of 适用范围 or 条件1, judged on ``case`` (unrelaxed, as ``share`` is)."""
    found: list[Verdict] = []

    def catch(name: str, c: _Case, judge: Callable[[], Verdict]) -> Verdict:
        v = judge()
        if name == rule:
            found.append(v)
        return v

    PARTS[rule.split(".", maxsplit=1)[0]](case, s, catch)
    return found[0]


def _per_plot(
    frame: _Frame, s: _Settings, parts: Mapping[str, list[Verdict]], *, relax: np.ndarray
) -> dict[str, _Judged]:
    """适用范围, 容积率上限 and 条件1 of every plot: the plot's own parts judged on the fields they
    read, the grouped ``parts`` picked, composed once per distinct wording."""
    light = _light_cases(frame)
    pick = _Picker(parts)
    shared = {id(v) for found in parts.values() for v in found}
    flags = relax.tolist()
    out: dict[str, _Judged] = {}
    for key in _PER_PLOT:
        make, rule = PARTS[key], f"zengrong.{key}"
        templates: dict[Hashable, tuple[int, Composed]] = {}
        verdicts: list[Verdict] = []
        codes: list[int] = []
        for i, (case, rel) in enumerate(zip(light, flags, strict=True)):
            pick.i = i
            subs = make(case, s, pick)
            if rel:
                subs = relaxed(subs, s, relax=True)
            # a part handed out to many plots is known by its object, a plot's own by its words
            sig = tuple([i if (i := id(v)) in shared else _sig(v) for v in subs])
            found = templates.get(sig)
            if found is None:
                found = templates[sig] = (len(templates), _composed(key, subs))
            code, said = found
            one = subs[0]
            if len(subs) == 1 and one.rule_id == rule and said == _said(one):
                verdicts.append(one)  # the part is the condition (容积率上限): equal, reused
            else:
                values: dict[str, object] = {}
                for v in subs:
                    values.update(v.values)
                verdicts.append(Verdict.trusted(rule, *said[:3], values=values, missing=said[3]))
            codes.append(code)
        out[key] = (verdicts, np.array(codes, dtype=np.int64))
    return out


#: The fields the per-plot parts read (``scope.district``, ``cond1.area``, ``cap``: its room to
#: the cap, :func:`landgov.far.ratio.headroom`, and both floor areas, which the cap compares
#: while ``far.cap_floor_area`` is unconfirmed, their source (a height estimate is noted) and
#: the registered floor area where it says otherwise, :data:`~landgov.far.ratio.RECORDED_FLOOR`).
_OWN = {
    "parcel": ("parcel_id", "area_declared_m2"),
    "far": (
        "far",
        "land_area_m2",
        "headroom_m2",
        "floor_area_m2",
        "floor_area_far_m2",
        "far_source",
        RECORDED_FLOOR,
    ),
}


def _light_cases(frame: _Frame) -> list[_Case]:
    """Per plot, a case holding only the fields its own parts read (as records, like
    :meth:`_Frame.case`); the grouped parts are picked, never judged on it."""
    own = [c for c in _OWN["parcel"] if c in frame.attributes.columns]
    parcels = row_dicts(frame.attributes[own])
    facts = row_dicts(frame.facts[[c for c in _OWN["far"] if c in frame.facts.columns]])
    return [_Case(p, f, f, None, None) for p, f in zip(parcels, facts, strict=True)]
