"""The run's headline counts, computed once: plots in 宗, enterprises in 家, applications in 件.

The map panel, the workbook's summary, the manifest and the command-line summary all report
these figures; each takes them from here so that they cannot disagree (issue 14 item 2). The
functions read the columns the stages write (``screening_status``, ``path``, ``grade``,
``zengrong``, ``candidate``, ``parcel_id``) and count every row: a blank or unknown value has
its own key (:data:`NOT_GIVEN`), so the figures of one function always add up to the rows.
Enterprises are counted per firm: a row whose valid 统一社会信用代码 repeats an earlier row's
(:func:`repeated_firm`) is the same firm given twice and is not counted again, in
:func:`grade_counts` as in the 镇街汇总's grade columns and 规上 sums (``landgov.summary``).

Units: :data:`PLOT` for plots (宗地), :data:`ENTERPRISE` for enterprises, :data:`APPLICATION`
for 增容 applications (one application names one plot, but it is a request, not a plot).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from landgov.core.missing import present_column
from landgov.core.vocab import Eligibility, Grade, ScreeningStatus, TreatmentPath
from landgov.ids import USCCStatus, check_uscc, normalize_uscc

__all__ = [
    "APPLICATION",
    "ENTERPRISE",
    "NOT_GIVEN",
    "PLOT",
    "CandidateCounts",
    "application_counts",
    "candidate_counts",
    "count_text",
    "grade_counts",
    "grade_of",
    "path_counts",
    "repeated_firm",
    "screening_counts",
    "zengrong_counts",
]

PLOT = "宗"
ENTERPRISE = "家"
APPLICATION = "件"
#: Key for a blank or unrecognised value (never dropped: the counts add up to the rows).
NOT_GIVEN = "未填"
#: Key for an enterprise without a grade (not evaluated).
NO_GRADE = "未评价"


def _text(frame: pd.DataFrame | None, column: str) -> pd.Series:
    if frame is None or column not in frame.columns:
        return pd.Series(dtype="object")
    col = present_column(frame[column])  # 「—」 or a blank is not given (core.missing)
    return col.map(lambda v: "" if v is None else str(v).strip())


def _ordered(values: pd.Series, order: Iterable[str], *, blank: str) -> dict[str, int]:
    counts = values.replace("", blank).value_counts()
    keys = [*order, *sorted(k for k in counts.index if k not in set(order))]
    return {k: int(counts.get(k, 0)) for k in keys if k in set(order) or counts.get(k, 0)}


def screening_counts(parcels: pd.DataFrame | None) -> dict[str, int]:
    """Plots (宗) per 筛查结论 (治理 / 不列入 / 待核实), every status listed, zeros included."""
    order = [s.value for s in ScreeningStatus]
    return _ordered(_text(parcels, "screening_status"), order, blank=NOT_GIVEN)


def path_counts(parcels: pd.DataFrame | None) -> dict[str, int]:
    """Plots (宗) of the 治理清单 per 四个一批 path; 路径待核实 for a listed plot without one.

    ``parcels`` may be the 底数清单 (only ``screening_status == 治理`` rows count) or the
    治理清单 itself (no ``screening_status`` column: every row counts).
    """
    if parcels is None or not len(parcels):
        return {}
    rows = parcels
    if "screening_status" in parcels.columns:
        rows = parcels[_text(parcels, "screening_status").eq(ScreeningStatus.GOVERN.value)]
    order = [p.value for p in TreatmentPath]
    counts = _ordered(_text(rows, "path"), order, blank="路径待核实")
    return {k: v for k, v in counts.items() if v or k in order}


def grade_of(enterprises: pd.DataFrame) -> pd.Series:
    """Each enterprise's grade as ``A``–``D``, or :data:`NO_GRADE`; index kept."""
    valid = {g.value for g in Grade}
    grade = _text(enterprises, "grade").str.upper()
    if grade.empty and len(enterprises):
        grade = pd.Series("", index=enterprises.index, dtype="object")
    return grade.where(grade.isin(valid), NO_GRADE).rename("grade")


def repeated_firm(enterprises: pd.DataFrame) -> pd.Series:
    """Rows whose valid 统一社会信用代码 repeats an earlier row's: the same firm given twice
    (the reader keeps both rows and warns, ``landgov.io.enterprises``; figures that differ are
    already missing on both). A masked or invalid code names no firm: two rows with
    「9133********621X」 may be two firms, and are counted apart. Whether a code is valid is
    what the reader decided (its ``uscc_status``, ``landgov.io.enterprises``, which also wrote
    the code in its one form); a table without that column has its codes checked here by the
    same rule (:func:`landgov.ids.check_uscc`). Index kept.
    """
    if "uscc" not in enterprises.columns:
        return pd.Series(False, index=enterprises.index)
    raw = enterprises["uscc"].tolist()
    if "uscc_status" in enterprises.columns:
        valid = (enterprises["uscc_status"] == USCCStatus.VALID.value).tolist()
    else:
        valid = [check_uscc(v) is USCCStatus.VALID for v in raw]
    codes = [normalize_uscc(v) if ok else None for v, ok in zip(raw, valid, strict=True)]
    found = pd.Series(codes, index=enterprises.index, dtype=object)
    return found.notna() & found.duplicated(keep="first")


def grade_counts(enterprises: pd.DataFrame | None) -> dict[str, int]:
    """Enterprises (家) per 亩均评价等级 A–D, then 未评价 when there are any; each firm once
    (:func:`repeated_firm`: a row repeating an earlier row's valid code is not counted again)."""
    if enterprises is None:
        return {}
    counts = grade_of(enterprises)[~repeated_firm(enterprises)].value_counts()
    out = {g.value: int(counts.get(g.value, 0)) for g in Grade}
    if counts.get(NO_GRADE, 0):
        out[NO_GRADE] = int(counts[NO_GRADE])
    return out


def zengrong_counts(far: pd.DataFrame | None) -> dict[str, int]:
    """Plots (宗) per 增容 verdict of the 摸排 (可申报 / 不可申报 / 待核实), zeros included."""
    if far is None:
        return {}
    return _ordered(_text(far, "zengrong"), [e.value for e in Eligibility], blank=NOT_GIVEN)


def application_counts(applications: pd.DataFrame | None) -> dict[str, int]:
    """Applications (件) per 增容 verdict, zeros included; ``{}`` when none were given."""
    if applications is None:
        return {}
    order = [e.value for e in Eligibility]
    return _ordered(_text(applications, "zengrong"), order, blank=NOT_GIVEN)


@dataclass(frozen=True)
class CandidateCounts:
    """增容 candidates (宗): plots whose 摸排 verdict is not 不可申报.

    ``applied`` of them are named by an application (their row in the 增容审查 sheet is the
    application's); ``in_packet`` = ``total − applied`` are the sheet's 摸排候选 rows.
    """

    total: int
    applied: int

    @property
    def in_packet(self) -> int:
        return self.total - self.applied


def candidate_counts(
    far: pd.DataFrame | None, applications: pd.DataFrame | None = None
) -> CandidateCounts:
    """The 增容 candidates of the 摸排 and how many of them an application already covers."""
    if far is None or not len(far):
        return CandidateCounts(0, 0)
    if "candidate" in far.columns:
        cand = far["candidate"].astype("object").map(lambda v: bool(v) if pd.notna(v) else False)
    else:
        cand = _text(far, "zengrong").ne(Eligibility.INELIGIBLE.value)
    applied_ids: set[str] = set()
    if applications is not None and "parcel_id" in applications.columns:
        applied_ids = set(applications["parcel_id"].dropna().astype(str))
    ids = far["parcel_id"].astype(str) if "parcel_id" in far.columns else pd.Series(dtype=str)
    applied = int((cand & ids.isin(applied_ids)).sum()) if len(ids) else 0
    return CandidateCounts(int(cand.sum()), applied)


def count_text(counts: Mapping[str, int], unit: str, *, skip_zero: bool = False) -> str:
    """``治理 12 宗，不列入 30 宗`` — counts with their unit, in the order given."""
    return "，".join(f"{k} {v:,} {unit}" for k, v in counts.items() if v or not skip_zero)
