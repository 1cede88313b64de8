"""Time adding far's sheets to a screening workbook at the zip level.

Usage::

    python benchmarks/bench_xlsxmerge.py SCREEN.xlsx FAR.xlsx [--based]

``SCREEN.xlsx`` is a screening workbook (``landgov screen`` output), ``FAR.xlsx`` a workbook
holding far's sheets (``landgov far`` into a folder of its own). The merge
(:func:`landgov.reports._xlsxmerge.merge`) writes a copy of the screening workbook with far's
sheets added. Prints its wall time and peak memory. (What it replaces, an openpyxl load of the
screening workbook and a save, took 225–270 s and ~4 GB on the 50,000-parcel district: time
``landgov far`` into the screening's folder on main to see it.)

``--based``: ``FAR.xlsx`` was written with its formats past ``_xlsxmerge.RESERVED`` (as the one
run's far child writes it); the merge is timed as the one run does it (its sheets copied as they
are) and as of any draft (its sheets restyled), alternately, three times each.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from landgov.reports import _xlsxmerge


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(screen: Path, far: Path, *, based: bool = False) -> None:
    bases = [("based", _xlsxmerge.RESERVED), ("restyled", None)] * 3 if based else [("", None)]
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "merged.xlsx"
        for name, base in bases:
            start = time.perf_counter()
            cpu = time.process_time() + _children_cpu()
            _xlsxmerge.merge(screen, far, out, base=base)
            cpu = time.process_time() + _children_cpu() - cpu
            print(f"merge{' ' + name if name else ''}: {time.perf_counter() - start:.2f} s "
                  f"(CPU {cpu:.2f} s with a child's), {out.stat().st_size / 1e6:.1f} MB written, "
                  f"peak RSS {_peak_mb():.0f} MB")  # fmt: skip


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), based="--based" in sys.argv[3:])
