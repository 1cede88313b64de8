"""批而未供: land approved for construction and not yet supplied, per 镇街.

浙政发〔2023〕4号 第二条第（一）项第1目 names three problems of industrial land:
「聚焦批而未供、供而未用、
用而未尽等问题，大力推进低效工业用地连片整治和盘活利用」. 供而未用 and 用而未尽 are checks on
supplied plots (:mod:`landgov.screening._checks_land`); 批而未供 land has no 宗地 and no
enterprise yet, so it is not screened and never goes on the 治理清单. It is reported here, one
row per 批次 with the years since approval, and summed per 镇街; its area counts toward the
盘活 potential of the 镇街汇总 (column ``renewal_potential_mu`` = 治理清单面积 + 批而未供面积).

Readings landgov takes (project defaults; the documents give no formula):

- **Area.** The unsupplied area is the polygon's area (m², projected CRS), like every area
  landgov reports; the ledger's 未供面积 (or 批准面积 − 已供面积) is used only when the
  polygon is unusable (``area_source`` says which). A ledger figure that differs from the
  polygon by more than ``tolerance`` gives a 警告 row.
- **Years since approval** = completed years from 批准日期 to the reference date
  (:func:`landgov.core.dates.full_years`).
- **Status** ``批而未供`` when the date and the area are known and the ledger does not say the
  batch is fully supplied; otherwise ``待核实`` with the reason in ``approved_note``. Only
  ``批而未供`` rows count in ``approved_area_mu``; ``待核实`` batches are counted apart
  (``n_approved_to_verify``), never as zero land and never as confirmed land.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.columns import SUMMARY_COLUMNS
from landgov.core.dates import full_years, parse_as_of
from landgov.core.missing import numeric_column, present_column
from landgov.core.problems import ProblemLog, Severity
from landgov.core.vocab import DISTRICT, NOT_GIVEN, UNKNOWN_TOWNSHIP
from landgov.units import m2_to_mu

__all__ = [
    "APPROVED_COLUMNS",
    "APPROVED_SUMMARY",
    "NOT_GIVEN",
    "ApprovedReport",
    "add_to_summary",
    "report_approved",
]

CONFIRMED = "批而未供"
TO_VERIFY = "待核实"

#: Columns of the 批而未供 sheet and layer, in order (labels in :mod:`landgov.core.columns`).
APPROVED_COLUMNS = (
    "township", "batch_name", "approval_no", "approval_date", "years_since_approval",
    "unsupplied_mu", "area_source", "approved_status", "approved_note", "area_m2",
    "approved_area_m2", "supplied_area_m2", "unsupplied_area_m2", "source_row",
)  # fmt: skip
#: Columns :func:`add_to_summary` adds to the 镇街汇总.
APPROVED_SUMMARY = (
    "n_approved", "approved_area_mu", "n_approved_to_verify", "renewal_potential_mu",
)  # fmt: skip


@dataclass(frozen=True)
class ApprovedReport:
    """The 批而未供 layer as reported.

    Attributes
    ----------
    rows
        One row per input row (same index), columns :data:`APPROVED_COLUMNS` and geometry.
    townships
        Per 镇街 (index ``township``, sorted): ``n_approved``, ``approved_area_mu``,
        ``n_approved_to_verify``.
    problems
        Problem rows found while reporting (future dates, ledger conflicts).
    """

    rows: gpd.GeoDataFrame
    townships: pd.DataFrame
    problems: pd.DataFrame


def _townships(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame | None) -> pd.Series:
    """镇街 of each batch: its own field, else the boundary holding a point on its polygon."""
    town = (
        present_column(frame["township"])
        if "township" in frame.columns
        else pd.Series(None, index=frame.index, dtype="object")
    )
    geoms = frame.geometry
    gaps = town.isna() & geoms.notna() & ~geoms.is_empty
    if boundaries is not None and gaps.any() and "township" in boundaries.columns:
        bounds = boundaries.to_crs(frame.crs) if boundaries.crs and frame.crs else boundaries
        points = geoms[gaps].representative_point()
        left, right = bounds.sindex.query(points.values, predicate="within")
        names = bounds["township"].to_numpy(dtype=object)
        found = pd.Series(names[right], index=points.index[left]).groupby(level=0).first()
        town = town.fillna(found)
    return town.where(town.notna(), UNKNOWN_TOWNSHIP)


def _ledger(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The ledger's unsupplied area (m²) and where it came from."""
    unsupplied = numeric_column(frame, "unsupplied_area_m2")
    approved = numeric_column(frame, "approved_area_m2")
    supplied = numeric_column(frame, "supplied_area_m2")
    difference = approved - supplied
    value = unsupplied.where(unsupplied.notna(), difference)
    source = pd.Series(
        np.where(
            unsupplied.notna(),
            "台账未供面积",
            np.where(difference.notna(), "批准面积−已供面积", ""),
        ),
        index=frame.index,
        dtype="object",
    )
    return value, source


@dataclass
class _Row:
    """The verdict on one batch while it is built."""

    years: int | None = None
    area_m2: float = float("nan")
    source: str = "缺失"
    notes: list[str] | None = None

    def note(self, text: str) -> None:
        self.notes = [*(self.notes or []), text]


def _judge(
    row: Mapping[str, object],
    *,
    geom_m2: float,
    ledger_m2: float,
    ledger_source: str,
    as_of: dt.date,
    tolerance: float,
    log: ProblemLog,
    fields: Mapping[str, str],
) -> _Row:
    out = _Row()
    line = int(row["source_row"])  # type: ignore[call-overload]
    day = row.get("approval_date")
    if isinstance(day, dt.date):
        if day > as_of:
            out.note(f"批准日期 {day.isoformat()} 晚于基准日 {as_of.isoformat()}")
            log.add(
                f"批准日期 {day.isoformat()} 晚于基准日 {as_of.isoformat()}，批准至今年数无法计算",
                row=line, field=fields.get("approval_date", "批准日期"), value=day.isoformat(),
                action="核对批准日期或基准日（--as-of）；该批次列为待核实",
            )  # fmt: skip
        else:
            out.years = full_years(day, as_of)
    else:
        out.note("批准日期缺失或无法识别")
    if np.isfinite(geom_m2):
        out.area_m2, out.source = geom_m2, "图形"
        if (
            np.isfinite(ledger_m2)
            and ledger_m2 > 0  # 0 or less: "fully supplied", reported below
            and geom_m2 > 0
            and abs(ledger_m2 - geom_m2) > tolerance * geom_m2
        ):
            log.add(
                f"{ledger_source} {ledger_m2:,.1f} 平方米与图形面积 {geom_m2:,.1f} 平方米相差超过 "
                f"{tolerance:.0%}；按图形面积计",
                row=line, field="geometry", value=f"{ledger_m2:,.1f}",
                action="核对批次图形是否只含未供部分、台账面积是否更新",
                severity=Severity.WARNING,
            )  # fmt: skip
    elif np.isfinite(ledger_m2):
        out.area_m2, out.source = ledger_m2, ledger_source
    else:
        out.note("无可用图形，台账也没有未供面积")
    if np.isfinite(ledger_m2) and ledger_m2 <= 0:
        out.note(f"台账显示已全部供应（{ledger_source} {ledger_m2:,.1f} 平方米）")
        log.add(
            f"台账显示该批次已全部供应（{ledger_source} {ledger_m2:,.1f} 平方米），"
            "但仍在批而未供图层中",
            row=line, field=fields.get("supplied_area_m2", "已供面积"), value=f"{ledger_m2:,.1f}",
            action="核对供地情况：已供完的批次应移出批而未供图层；该批次列为待核实",
        )  # fmt: skip
    return out


def report_approved(
    approved: gpd.GeoDataFrame,
    *,
    as_of: dt.date | str,
    boundaries: gpd.GeoDataFrame | None = None,
    tolerance: float = 0.05,
    source: str = "批而未供图层",
    field_map: Mapping[str, str] | None = None,
) -> ApprovedReport:
    """Years since approval and unsupplied area per batch, and their sums per 镇街.

    Parameters
    ----------
    approved
        Rows of :func:`landgov.io.read_approved` (``data``).
    as_of
        Reference date of the run.
    boundaries
        镇街 boundaries, to place batches whose 镇街 is blank (by a point on the polygon);
        batches still unplaced are counted under ``镇街不明``.
    tolerance
        Relative difference between the ledger's unsupplied area and the polygon's area above
        which a 警告 row is written (the run passes ``linking.area_tolerance``).
    source, field_map
        File name and the user's column names, for the problem rows.

    Returns
    -------
    ApprovedReport
        ``rows`` keep the input index: ``years_since_approval`` (full years, missing when the
        date is missing or after ``as_of``), ``unsupplied_mu`` (亩), ``area_source``
        (图形 / 台账未供面积 / 批准面积−已供面积 / 缺失), ``approved_status``
        (批而未供 / 待核实) and ``approved_note``.

    Examples
    --------
    Approved 2021-07-01, judged 2026-06-30: 4 full years (the fifth anniversary is the next day).
    """
    day = parse_as_of(as_of)
    log = ProblemLog(source)
    fields = dict(field_map or {})
    geom_m2 = numeric_column(approved, "area_m2")
    ledger, ledger_source = _ledger(approved)
    judged = [
        _judge(row, geom_m2=g, ledger_m2=lv, ledger_source=ls, as_of=day, tolerance=tolerance,
               log=log, fields=fields)
        for row, g, lv, ls in zip(
            approved.to_dict("records"), geom_m2.tolist(), ledger.tolist(),
            ledger_source.tolist(), strict=True,
        )
    ]  # fmt: skip
    rows = approved.copy()
    rows["township"] = _townships(approved, boundaries)
    rows["years_since_approval"] = pd.array([j.years for j in judged], dtype="Int64")
    rows["unsupplied_mu"] = m2_to_mu(pd.Series([j.area_m2 for j in judged], index=rows.index))
    rows["area_source"] = pd.Series([j.source for j in judged], index=rows.index, dtype="object")
    rows["approved_status"] = pd.Series(
        [TO_VERIFY if j.notes else CONFIRMED for j in judged], index=rows.index, dtype="object"
    )
    rows["approved_note"] = pd.Series(
        ["；".join(j.notes) if j.notes else None for j in judged], index=rows.index, dtype="object"
    )
    for col in APPROVED_COLUMNS:
        if col not in rows.columns:
            rows[col] = np.nan
    rows = rows[[*APPROVED_COLUMNS, rows.geometry.name]]
    return ApprovedReport(rows, _per_township(rows), log.frame())


def _per_township(rows: pd.DataFrame) -> pd.DataFrame:
    confirmed = rows["approved_status"] == CONFIRMED
    table = pd.DataFrame(
        {
            "n_approved": 1,
            "approved_area_mu": rows["unsupplied_mu"].where(confirmed, 0.0),
            "n_approved_to_verify": (~confirmed).astype("int64"),
        },
        index=rows.index,
    )
    out = table.groupby(rows["township"].to_numpy()).sum().sort_index()
    out.index.name = "township"
    return out


def add_to_summary(table: pd.DataFrame, report: ApprovedReport | None) -> pd.DataFrame:
    """The 镇街汇总 with the 批而未供 columns (:data:`APPROVED_SUMMARY`) added.

    A 镇街 that has 批而未供 land but no plot gets a row (before ``全区``); the ``全区`` row holds
    the totals. ``renewal_potential_mu`` = ``governance_area_mu`` + ``approved_area_mu``: the
    盘活 potential of the plots on the 治理清单 and of the land approved but not supplied.
    Without the layer (``report`` is ``None``) every added column says ``未提供`` — never 0.
    """
    out = table.copy()
    if report is None:
        for col in APPROVED_SUMMARY:
            out[col] = pd.Series(NOT_GIVEN, index=out.index, dtype="object")
        return out
    per = report.townships
    body = out[out["township"] != DISTRICT]
    extra = [t for t in per.index if t not in set(body["township"])]
    if extra:
        body = pd.concat([body, pd.DataFrame({"township": extra})], ignore_index=True)
    body = body.merge(per, left_on="township", right_index=True, how="left")
    for col in ("n_approved", "n_approved_to_verify"):
        body[col] = body[col].fillna(0).astype("int64")
    body["approved_area_mu"] = body["approved_area_mu"].fillna(0.0)
    total = {
        "township": DISTRICT,
        "n_approved": int(per["n_approved"].sum()),
        "approved_area_mu": float(per["approved_area_mu"].sum()),
        "n_approved_to_verify": int(per["n_approved_to_verify"].sum()),
    }
    district = out[out["township"] == DISTRICT]
    district = (
        district.assign(**{k: v for k, v in total.items() if k != "township"})
        if len(district)
        else pd.DataFrame([total])
    )
    merged = pd.concat([body, district], ignore_index=True)
    governance = numeric_column(merged, "governance_area_mu").fillna(0.0)  # no plot: none
    merged["renewal_potential_mu"] = governance + merged["approved_area_mu"]
    counts = [c for c in merged.columns if c.startswith("n_") and c not in APPROVED_SUMMARY]
    merged[counts] = merged[counts].fillna(0).astype("int64")
    order = [c.name for c in SUMMARY_COLUMNS if c.name in merged.columns]
    return merged[order + [c for c in merged.columns if c not in order]]
