"""The screening checks' names and the small steps they share (columns, dates, firms, verdicts)."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import enum
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from landgov.core.collect import NO_LINK
from landgov.core.compare import COMPARISONS, MEASURED_DIGITS
from landgov.core.dates import (
    date_column,
    latest_name,
    parse_as_of,
    span_text,
    unread_column,
    unread_name,
    unread_words,
)
from landgov.core.missing import is_missing, numeric_column, present_values
from landgov.errors import InputError, Issue
from landgov.ids import normalize_uscc
from landgov.policy import Param
from landgov.screening.paths import CHECK_NAMES
from landgov.units import m2_to_mu, plot_area_m2
from landgov.verdict import Citation, Status, Verdict


class Check(enum.StrEnum):
    """The screening checks; values are the names used in rule terms and verdict columns."""

    LOW_EFFICIENCY = "low_efficiency"
    VIOLATION = "violation"
    TWO_HIGH = "two_high"
    IDLE = "idle"
    UNDER_USED = "under_used"
    PLANNING = "planning"
    CONTROL_LINE = "control_line"
    DEMOLITION = "demolition"
    CATALOGUE = "catalogue"


assert tuple(c.value for c in Check) == CHECK_NAMES

CHECK_LABELS: Mapping[Check, str] = {
    Check.LOW_EFFICIENCY: "低效用地",
    Check.VIOLATION: "违法违规",
    Check.TWO_HIGH: "“两高”项目",
    Check.IDLE: "供而未用（闲置）",
    Check.UNDER_USED: "用而未尽（容积率低）",
    Check.PLANNING: "规划已非工业",
    Check.CONTROL_LINE: "工业用地控制线外",
    Check.DEMOLITION: "拆迁计划内",
    Check.CATALOGUE: "产业目录限制/淘汰",
}


_EPS = 1e-9

# --------------------------------------------------------------------------------------------
# small shared steps


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column, or an all-missing Series when the frame lacks it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(np.nan, index=frame.index, dtype="float64", name=name)


def _dates(frame: pd.DataFrame, name: str, *, month_only: str = "first") -> pd.Series:
    """A date column as ``datetime64`` (:func:`landgov.core.dates.date_column`: each distinct
    cell read as the readers read it); all ``NaT`` when the frame lacks it. ``month_only`` as
    in ``read_date`` (``"last"`` for a deadline such as the contracted start date)."""
    return date_column(_col(frame, name), month_only=month_only)


def _period_dates(frame: pd.DataFrame, name: str) -> tuple[pd.Series, pd.Series]:
    """A date column as spans: its first and its last day (``datetime64``, ``NaT`` when blank,
    unreadable or set aside). A day is a span of one day; a cell written as a month, a quarter
    or a half-year (``2025年6月``) is all of it: the readers keep its first day in the column
    and its last in the companion column (:func:`landgov.core.dates.latest_name`, a field with
    ``month_only="period"``); a frame built in code is read from the cell itself. A check
    decides on the span only when all of it is on one side of its date, and is 待核实 when the
    span straddles it (:func:`_straddling_words`)."""
    col = _col(frame, name)
    first, last = _dates(frame, name), date_column(col, month_only="last")
    if latest_name(name) in frame.columns:
        kept = date_column(frame[latest_name(name)])
        last = kept.where(kept.notna(), last)
    return first, last.where(first.notna())


def _straddling_words(
    first: pd.Series, last: pd.Series, day: pd.Timestamp, label: str, question: str
) -> pd.Series:
    """Per plot, 「实际开工日期只写到 2026-06-01～2026-06-30，无法判断基准日 2026-06-15 前是否
    已开工」 where the span (:func:`_period_dates`) has days on both sides of ``day`` (on or
    before it, and after it); ``None`` elsewhere. ``question`` ends the words."""
    mid = ((first <= day) & (last > day)).fillna(False)
    out = pd.Series(None, index=first.index, dtype=object)
    for i in np.flatnonzero(mid.to_numpy()).tolist():  # only the plots written as a month
        span = span_text(first.iat[i].date(), last.iat[i].date())
        out.iat[i] = f"{label}只写到 {span}，{question}"
    return out


def _completion_dates(parcels: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The 竣工日期 of each plot as a span (:func:`_period_dates`: first and last day,
    ``datetime64``, ``NaT`` when blank or unreadable).

    The one reading of the completion date in screening: 供而未用 (:func:`check_idle`: a plot
    completed, all of its span, on or before the reference date is started) and 用而未尽
    (:func:`check_under_used`: a plot with 容积率 0 and no completion date is not built) ask it
    here, so an odd cell (``2023.5``, ``2023年5月``, an Excel serial number, ``待定``) is read
    the same by both. A cell written but no date (``2023``, ``待定``) is ``NaT`` here as a
    blank one is; both checks tell them apart through :func:`_unread_dates`.
    """
    return _period_dates(parcels, "completion_date")


#: The plot's date fields as a to-verify item names them (:func:`_unread_dates`).
DATE_LABELS: Mapping[str, str] = {
    "contract_start_date": "约定开工日期",
    "start_date": "实际开工日期",
    "completion_date": "竣工日期",
}


def _unread_dates(frame: pd.DataFrame, name: str) -> pd.Series:
    """Per plot, 「竣工日期「2023」无法识别为日期」 where the date cell ``name`` is written but
    is no date (a year alone, 「2023.1」, 「待定」, 「2023-13-01」); ``None`` where it is a date
    or blank.

    The one reading of such cells in screening, beside :func:`_dates` (which leaves them
    ``NaT`` as blank cells are): a decision resting on the date is 待核实 naming the field and
    the value seen, never decided as if the cell were blank. The text comes from the readers'
    companion column (:func:`landgov.core.dates.unread_name`) or, for a frame built in code,
    from the cell itself (:func:`landgov.core.dates.unread_column`).
    """
    companion = frame[unread_name(name)] if unread_name(name) in frame.columns else None
    seen = unread_column(_col(frame, name), companion)
    label = DATE_LABELS.get(name, name)
    if seen.isna().all():
        return seen
    words = {t: unread_words(label, t) for t in pd.unique(seen.dropna())}
    return seen.map(words).astype(object).where(seen.notna(), None)


def _as_timestamp(as_of: dt.date | str | pd.Timestamp) -> pd.Timestamp:
    if isinstance(as_of, pd.Timestamp):
        if pd.isna(as_of):
            raise InputError(
                [Issue("screen", "as_of", as_of, "评价基准日无法识别", "给出日期，如 2024-12-31")]
            )
        return as_of.normalize()
    return pd.Timestamp(parse_as_of(as_of))


_DIGITS = MEASURED_DIGITS
"""Decimals a measured value is rounded to before it meets a threshold: 50 万元 / 10 亩 computed
as 4.999999999 must read 5.00 (the displayed value), never fall on the other side of the line
(:data:`landgov.core.compare.MEASURED_DIGITS`, the one setting for every stage)."""


def _holds(param: Param, value: float) -> bool:
    """The threshold's condition (``param.compare``) on ``value`` rounded to 6 decimals."""
    op = COMPARISONS.get(param.comparison) if param.comparison is not None else None
    if op is None:  # param.compare raises the error that names the parameter
        return bool(param.compare(round(float(value), _DIGITS)))
    # param.compare on one number, without its checks for arrays (called once per plot)
    return bool(op[0](round(float(value), _DIGITS), param.value))


def _described(param: Param) -> str:
    """``param.describe()``, written once per threshold rather than once per plot."""
    try:
        return _describe(param, type(param.value))
    except TypeError:  # a value that cannot be hashed (a list): no memo
        return param.describe()


@functools.lru_cache(maxsize=256)
def _describe(param: Param, kind: type) -> str:  # kind: 5 and 5.0 are equal params
    return param.describe()


def _series(verdicts: Sequence[Verdict], index: pd.Index, name: str) -> pd.Series:
    return pd.Series(list(verdicts), index=index, dtype="object", name=name)


def _area_mu(parcels: pd.DataFrame) -> pd.Series:
    """Land area in 亩: ``area_mu``, else ``area_m2`` / (10000/15).

    The geometry's area is used only when the frame has no ``area_m2`` column at all: an
    ``area_m2`` left blank by the reader (no geometry) or by the plausibility step (a zero-area
    polygon, a sliver) stays missing, so the checks that need it say 待核实.
    """
    area_mu = numeric_column(parcels, "area_mu")
    if area_mu.isna().any():
        area_mu = area_mu.fillna(m2_to_mu(plot_area_m2(parcels)))
    return area_mu


_SHARED: contextvars.ContextVar[dict[tuple[str, int, int], tuple[Any, ...]] | None] = (
    contextvars.ContextVar("landgov_screening_shared", default=None)
)


@contextlib.contextmanager
def shared_lookups() -> Iterator[None]:
    """Within the block, :class:`_Firms` and :func:`_usccs_by_parcel` are built once per input.

    :func:`landgov.screening.screen` runs nine checks on the same frames, which it does not
    change; each check asks for the same enterprise table and plot–enterprise lists. Outside
    the block every call builds its own.
    """
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _shared(kind: str, inputs: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    memo = _SHARED.get()
    if memo is None:
        return build()
    key = (kind, *(id(x) for x in inputs))
    hit = memo.get(key)  # type: ignore[arg-type]
    if hit is not None and all(a is b for a, b in zip(hit[0], inputs, strict=True)):
        return hit[1]
    value = build()
    memo[key] = (inputs, value)  # type: ignore[index]  # keeps the inputs alive: ids stay valid
    return value


def _usccs_by_parcel(parcels: pd.DataFrame, pairs: pd.DataFrame | None) -> pd.Series:
    """The enterprises on each plot (tuple of USCCs), from the pairs table.

    Without a pairs table the parcels' own ``usccs`` ("；"-joined) or ``main_uscc`` is used.
    """
    return _shared("usccs", (parcels, pairs), lambda: _build_usccs(parcels, pairs))


def _build_usccs(parcels: pd.DataFrame, pairs: pd.DataFrame | None) -> pd.Series:
    if pairs is not None and {"parcel_id", "uscc"} <= set(pairs.columns):
        clean = pairs[["parcel_id", "uscc"]].dropna().drop_duplicates()
        grouped: dict[Any, tuple[str, ...]] = {}
        # lists, not the Series: iterating an Arrow-backed text column is slow
        for pid, uscc in zip(clean["parcel_id"].tolist(), clean["uscc"].tolist(), strict=True):
            grouped[pid] = (*grouped.get(pid, ()), uscc)
        pids = _col(parcels, "parcel_id").to_numpy(dtype=object)
        return pd.Series([grouped.get(p, ()) for p in pids], index=parcels.index, dtype="object")
    joined = _col(parcels, "usccs").where(lambda s: s.notna(), _col(parcels, "main_uscc"))
    return joined.apply(
        lambda v: () if is_missing(v) else tuple(u.strip() for u in str(v).split("；") if u.strip())
    )


_FIRM_FIELDS = (
    "above_scale",
    "land_mu",
    "energy_tce",
    "power_10k_kwh",
    "fuel_tce",
    "built_year",
    "industry_code",
    "industry_edition",
    "catalogue_class",
    "two_high_assessment",
    "tax_wan",
)


class _Firms:
    """Enterprise attributes by USCC (first row wins), with missing values as ``None``."""

    def __new__(cls, enterprises: pd.DataFrame | None) -> _Firms:
        return _shared("firms", (enterprises,), lambda: cls._build(enterprises))  # type: ignore[no-any-return]

    @classmethod
    def _build(cls, enterprises: pd.DataFrame | None) -> _Firms:
        self = object.__new__(cls)
        self._load(enterprises)
        return self

    def _load(self, enterprises: pd.DataFrame | None) -> None:
        if enterprises is None or "uscc" not in enterprises.columns:
            self._rows: dict[Any, dict[str, Any]] = {}
            return
        cols = ["uscc", *(c for c in _FIRM_FIELDS if c in enterprises.columns)]
        # keyed as the link reads codes (ids.normalize_uscc: 「91330602ma…」 is 「91330602MA…」),
        # the first row of each code, so every check finds the enterprise the link joined
        keys = enterprises["uscc"].map(normalize_uscc, na_action="ignore")
        keyed = enterprises[cols].assign(uscc=keys.where(keys != "", None))
        unique = keyed.dropna(subset=["uscc"]).drop_duplicates("uscc")
        # each value judged missing once here, not on every get()
        fields = [c for c in cols if c != "uscc"]
        columns = [present_values(unique[c]) for c in fields]
        self._rows = {
            uscc: dict(zip(fields, values, strict=True))
            for uscc, *values in zip(unique["uscc"].tolist(), *columns, strict=True)
        }

    def _row(self, uscc: object) -> dict[str, Any] | None:
        row = self._rows.get(uscc)
        if row is None and isinstance(uscc, str):  # a code not yet in the link's form
            row = self._rows.get(normalize_uscc(uscc))
        return row

    def __contains__(self, uscc: object) -> bool:
        return self._row(uscc) is not None

    @property
    def index(self) -> set[Any]:
        return set(self._rows)

    def get(self, uscc: Any, name: str) -> Any:
        row = self._row(uscc)
        return None if row is None else row.get(name)


def _verdict(
    check: Check,
    status: Status,
    reason: str,
    citation: Citation,
    *,
    values: Mapping[str, Any] | None = None,
    missing: Iterable[str] = (),
) -> Verdict:
    return Verdict.trusted(
        _RULE_IDS[check],
        status,
        reason,
        citation,
        values=values or {},  # Verdict keeps its own copy
        missing=tuple(dict.fromkeys(missing)) if missing else (),
    )


_RULE_IDS = {c: f"screening.{c.value}" for c in Check}


def _passed(
    check: Check,
    reason: str,
    citation: Citation,
    *,
    values: Mapping[str, Any],
    standard: str,
) -> Verdict:
    """符合 on an official threshold; 待核实 where the threshold that passes it is a 示例规则
    （非官方） value, which never makes a check pass on its own. ``standard`` is the to-collect
    item then: the county's own figure (``本地认定标准 standard_…（…）``, read by
    :mod:`landgov.core.collect`).

    A 不符合 on such a value stays 不符合: it puts the plot on the list for a person to look at,
    its reason says which value it rests on.
    """
    passed = _verdict(check, Status.PASS, reason, citation, values=values)
    return passed.on_example(to_collect=f"本地认定标准 {standard}")


def _unknown_all(
    index: pd.Index, check: Check, reason: str, citation: Citation, missing: str
) -> pd.Series:
    verdict = _verdict(check, Status.UNKNOWN, reason, citation, values={}, missing=(missing,))
    return _series([verdict] * len(index), index, check.value)


_NO_LINK = NO_LINK
