"""Deterministic, seeded generator of the simulated 越城区/滨海新区 sample (模拟数据).

``generate(out_dir, *, n_parcels=2500, seed=20221231, as_of="2026-06-30", formats="county")``
writes parcels, buildings, a height raster, township/planning/demolition/special-zone layers and
the enterprise, link, compliance and 增容 application tables, with a few deliberately bad rows
that the readers must report. Command line: ``python -m landgov.sample --out DIR``.
"""

from __future__ import annotations

from .generate import FORMATS, Placement, generate

__all__ = ["FORMATS", "Placement", "generate"]
