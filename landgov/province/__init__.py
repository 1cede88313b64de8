"""A province on one machine or on a Dask cluster: generator, province profile, streaming run.

- :mod:`~landgov.province.counties`: the 90 county-level divisions of Zhejiang (real codes);
- :func:`generate_province`: a simulated province folder (one generated district per county);
- :func:`load_province_profile`: county code → county profile;
- :func:`run_province`: ``landgov screen PROVINCE_DIR``, county by county, ``engine="local"`` or
  ``"dask"``; see ``docs/dask.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from landgov._lazy import lazy_package

if TYPE_CHECKING:
    from landgov.province.generate import generate_province
    from landgov.province.layout import is_province, read_index
    from landgov.province.profile import load_province_profile
    from landgov.province.run import ENGINES, run_province

#: Where each public name lives; imported on first use (PEP 562), so that reading a layer, which
#: looks up a county's place in :mod:`landgov.province.counties` (:mod:`landgov.crs`), does not
#: import the generator and the run (about 0.3 s of CPU per process).
_WHERE = {
    "generate_province": "generate",
    "is_province": "layout",
    "read_index": "layout",
    "load_province_profile": "profile",
    "ENGINES": "run",
    "run_province": "run",
}

__all__ = [
    "ENGINES",
    "generate_province",
    "is_province",
    "load_province_profile",
    "read_index",
    "run_province",
]

lazy_package(__name__, _WHERE)
