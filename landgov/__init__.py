"""landgov: industrial land governance toolkit for Zhejiang (腾笼换鸟、凤凰涅槃).

Read county data as it is (landgov.io), link parcels and enterprises, compute 亩均 indicators
and grades, screen every parcel onto the 底数清单 / 治理清单 with a 四个一批 path and its reasons,
check 增容 eligibility, and write GeoPackage, Excel, forms and offline maps.

The stage entry points, in the order of the flow (imported on first use, so that
``import landgov`` and ``landgov --help`` stay fast):

- ``read`` — the readers (:mod:`landgov.io`: ``read.read_parcels(path)`` …);
- ``link_parcels`` — parcels and enterprises linked (:mod:`landgov.link`);
- ``indicators`` — 亩均 indicators per enterprise (:mod:`landgov.efficiency`);
- ``screen`` — the 底数清单, 治理清单, 连片 blocks and paths (:mod:`landgov.screening`);
- ``compute_far``, ``check_parcels``, ``check_applications`` — 容积率 and 增容
  (:mod:`landgov.far`);
- ``run_screening``, ``run_far`` — whole runs into a run folder (:mod:`landgov.run`).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import sys

# Transparent huge pages stall landgov's runs. NumPy asks Linux for them on every large array
# (madvise) and Arrow's allocator (mimalloc) on every new buffer; where the kernel then compacts
# memory on the spot (``/sys/kernel/mm/transparent_hugepage/defrag`` = ``madvise``, Debian's
# default), each fresh raster, column or text buffer can stall. Measured on the 50k district
# (benchmarks/bench_screen.py, same session): with NumPy's requests the 容积率 stage took 16.5 s,
# without 5.3 s, 亩均评价 9.3 s and 4.8 s; with Arrow's as well, `far` took 23.6–24.2 s
# (5 s of it in the kernel), with the process's huge pages off 20.0–20.3 s (1.6 s). NumPy reads
# its setting once, when it is first imported (numpy.org, "Global state":
# NUMPY_MADVISE_HUGEPAGE), so it is set here, before landgov imports NumPy; the process's huge
# pages are turned off (prctl PR_SET_THP_DISABLE, Linux only). A user who sets
# NUMPY_MADVISE_HUGEPAGE=1 keeps both; child processes (Dask workers) inherit the choice.
if os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0") == "0" and sys.platform == "linux":
    with contextlib.suppress(OSError, AttributeError):  # no prctl: huge pages stay as they are
        ctypes.CDLL(None, use_errno=True).prctl(41, 1, 0, 0, 0)  # PR_SET_THP_DISABLE
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("landgov")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

#: Public name → (module, attribute); attribute ``None``: the module itself.
_ENTRY_POINTS: dict[str, tuple[str, str | None]] = {
    "read": ("landgov.io", None),
    "link_parcels": ("landgov.link", "link_parcels"),
    "indicators": ("landgov.efficiency", "indicators"),
    "screen": ("landgov.screening", "screen"),
    "compute_far": ("landgov.far", "compute_far"),
    "check_parcels": ("landgov.far", "check_parcels"),
    "check_applications": ("landgov.far", "check_applications"),
    "run_screening": ("landgov.run.screening", "run_screening"),
    "run_far": ("landgov.run.far", "run_far"),
}

__all__ = [
    "__version__",
    "check_applications",
    "check_parcels",
    "compute_far",
    "indicators",
    "link_parcels",
    "read",
    "run_far",
    "run_screening",
    "screen",
]


def __getattr__(name: str) -> Any:
    """Import a stage entry point on first use (PEP 562)."""
    if name not in _ENTRY_POINTS:
        raise AttributeError(f"module 'landgov' has no attribute {name!r}")
    module, attribute = _ENTRY_POINTS[name]
    found = importlib.import_module(module)
    return found if attribute is None else getattr(found, attribute)


def __dir__() -> list[str]:
    return sorted([*globals(), *_ENTRY_POINTS])
