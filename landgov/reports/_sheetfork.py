"""The data rows of a workbook's sheets written on two cores: some sheets in a forked child.

Building a big sheet's rows (:func:`~landgov.reports._sheetxml.write_rows`) is Python that
holds the GIL, and each sheet's rows are independent of the others', so the sheets are shared
between this process and a child forked with :mod:`landgov.core.forked` (the tables reach it
without pickling). The child writes its sheets' deflated rows into files in the workbook's
scratch folder and sends back only what :func:`~landgov.reports._sheetxml.splice` needs of
them (:class:`~landgov.reports._sheetxml.RowsFile`: file name, CRC, size) with each sheet's
extent and text fixes; the caller splices every sheet into the zip as before, so the workbook
is the same byte for byte whichever process wrote which rows.

The sheets are shared by their estimated XML size (rows × columns × text length,
:func:`estimate`), the largest first, each to the process with less work so far. Below
:data:`FORK_BYTES` in all, or where :func:`landgov.core.forked.can_fork` says no (Windows, a
Dask worker, one CPU, ``LANDGOV_PROCESSES=1``), everything is written here, in order.

A failure is the one the sheets written in order would have met first: when both processes
fail, the earlier sheet's exception is raised (the same type and Chinese message either way).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from landgov.core.forked import Pending, can_fork, start
from landgov.reports._sheetxml import Body, DeflatedRows, Fix, KeptCells, RowsFile

__all__ = ["FORK_BYTES", "RowsWriter", "estimate", "share", "write_bodies"]

#: Estimated sheet XML (bytes, :func:`estimate`) below which a fork does not pay. Rows are
#: built at about 50 MB of XML a second of CPU; a fork of a 1.5 GB run costs 0.1–0.3 s of CPU
#: (page tables, pages copied on write, measured with ``benchmarks/bench_xlsx.py --sheets 4
#: --ballast 1.5``), so the child's half must be more than that: from 30 MB (0.6 s of rows).
FORK_BYTES = 30_000_000
#: Work the caller still has after the rows (splicing them in), in estimated bytes.
_PARENT_EXTRA = 2_000_000
_SAMPLE = 500  # rows sampled for a column's text length
_CELL_BYTES = 30  # ``<c r="AB12345" s="12" t="inlineStr"><is><t></t></is></c>`` or a number
_JOB = "_landgov_rows_job"  # set on an exception raised in the child: which sheet failed

#: Writes one sheet's rows into the :class:`DeflatedRows` given; returns the last row and
#: column holding a cell and the text fixes (:func:`~landgov.reports._sheetxml.write_rows`).
RowsWriter = Callable[[DeflatedRows], tuple[int, int, list[Fix]]]


def estimate(table: pd.DataFrame) -> float:
    """The XML size of ``table``'s rows, roughly: rows × Σ columns (cell markup + text length,
    a non-ASCII character counting 3 bytes as in UTF-8), text lengths from the first rows."""
    if not len(table) or not table.shape[1]:
        return 0.0
    head = table.head(_SAMPLE)
    per_row = 0.0
    for j in range(head.shape[1]):
        values = head.iloc[:, j]
        per_row += _CELL_BYTES
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiubmM":
            continue
        texts = [v for v in values.tolist() if isinstance(v, str)]
        if texts:
            per_row += 3 * sum(map(len, texts)) / len(head)
    return per_row * len(table)


def share(sizes: Sequence[float]) -> list[int]:
    """Which sheets (positions in ``sizes``) the child writes: the largest first, each to the
    process with less estimated work (this one also splices); none when that leaves one of
    them nothing or the work is small."""
    if sum(sizes) < FORK_BYTES:
        return []
    loads = [float(_PARENT_EXTRA), 0.0]  # this process, the child
    picks: list[int] = []
    for k in sorted(range(len(sizes)), key=lambda k: (-sizes[k], k)):
        who = 0 if loads[0] <= loads[1] else 1
        loads[who] += sizes[k]
        if who:
            picks.append(k)
    if not picks or len(picks) == len(sizes):
        return []
    return sorted(picks)


def _write_one(write: RowsWriter, folder: Path, path: Path | None = None) -> tuple[Body, list[Fix]]:
    rows, (last_row, last_col, fixes) = DeflatedRows.filled(write, folder, path=path)
    return Body(rows, last_row, last_col), fixes


def _child(
    writers: Sequence[RowsWriter], picks: Sequence[int], folder: Path
) -> list[tuple[int, RowsFile, int, int, list[Fix]]]:
    """The child's sheets, in order: each into its own file; what the parent needs of them."""
    out = []
    for k in picks:
        path = folder / f"rows{k}.deflate"
        try:
            body, fixes = _write_one(writers[k], folder, path)
        except Exception as exc:
            setattr(exc, _JOB, k)  # travels with the exception (its __dict__ is pickled)
            raise
        assert isinstance(body.rows, DeflatedRows)
        out.append((k, body.rows.handed_over(), body.last_row, body.last_col, fixes))
    return out


def write_bodies(
    writers: Sequence[RowsWriter],
    sizes: Sequence[float],
    folder: Path,
    *,
    kept: KeptCells | None = None,
) -> list[tuple[Body, list[Fix]]]:
    """Run each of ``writers`` (one per sheet, estimated ``sizes``), some in a forked child.

    ``kept``: the writers' :class:`~landgov.reports._sheetxml.KeptCells`, made inactive when
    the sheets are shared with a child: neither process would see the cells the other made.
    (Sharing them so that the 治理清单 went with the 底数清单 gained nothing: the 50,000-plot
    ``screen --far`` took 24.8-25.7 s against 24.7-26.0 s without any reuse, three runs each.)

    Returns
    -------
    list
        Per sheet, in order: its rows (to :func:`~landgov.reports._sheetxml.splice` and then
        close) and its text fixes. On failure every body written is closed, the child's files
        are left in ``folder`` (the caller's scratch folder, removed with it).
    """
    picks = share(sizes) if len(writers) > 1 and can_fork() else []
    if picks and kept is not None:
        kept.active = False
    done: dict[int, tuple[Body, list[Fix]]] = {}
    try:
        pending: Pending[list[tuple[int, RowsFile, int, int, list[Fix]]]] | None = None
        with contextlib.ExitStack() as stack:
            if picks:
                pending = stack.enter_context(start(_child, writers, picks, folder))
            failed: tuple[int, Exception] | None = None
            for k, write in enumerate(writers):
                if k in picks:
                    continue
                try:
                    done[k] = _write_one(write, folder)
                except Exception as exc:
                    failed = (k, exc)
                    break
            if pending is not None:
                try:
                    for k, rows, last_row, last_col, fixes in pending.result():
                        done[k] = (Body(rows, last_row, last_col), fixes)
                except Exception as exc:
                    if failed is None or getattr(exc, _JOB, -1) < failed[0]:
                        raise
            if failed is not None:
                raise failed[1]
    except BaseException:
        for body, _ in done.values():
            body.rows.close()
        raise
    return [done[k] for k in range(len(writers))]
