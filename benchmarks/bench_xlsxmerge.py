"""Time adding far's sheets to a screening workbook at the zip level.

Usage::

    python benchmarks/bench_xlsxmerge.py SCREEN.xlsx FAR.xlsx

``SCREEN.xlsx`` is a screening workbook (``landgov screen`` output), ``FAR.xlsx`` a workbook
holding far's sheets (``landgov far`` into a folder of its own). The merge
(:func:`landgov.reports._xlsxmerge.merge`) writes a copy of the screening workbook with far's
sheets added. Prints its wall time and peak memory. (What it replaces, an openpyxl load of the
screening workbook and a save, took 225–270 s and ~4 GB on the 50,000-parcel district: time
``landgov far`` into the screening's folder on main to see it.)
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


def main(screen: Path, far: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "merged.xlsx"
        start = time.perf_counter()
        _xlsxmerge.merge(screen, far, out)
        print(f"merge: {time.perf_counter() - start:.2f} s, {out.stat().st_size / 1e6:.1f} MB "
              f"written, peak RSS {_peak_mb():.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
