"""The 增容 stage: 容积率 per parcel, and who could raise it (docs/domain.md §6, §8).

- :mod:`landgov.far.ratio` — 容积率 from the best floor-area source, the floors it is measured
  against (national minimum by industry, the province's targets) and the headroom;
- :mod:`landgov.far.raster` — zonal statistics on a building-height raster (floor area, built
  cover);
- :mod:`landgov.far.industry` — GB/T 4754 industry codes mapped to the 2002 divisions, and the
  产业结构调整指导目录 edition in force;
- :mod:`landgov.far.zengrong` — 增容 scope, cap and the eight conditions of [000 附件3], for
  every parcel (:func:`check_parcels`) and every application (:func:`check_applications`).
"""

from landgov.far.ratio import (
    FarSource,
    building_floor_areas,
    compute_far,
    far_floors,
    floor_area_for,
    headroom,
)
from landgov.far.zengrong import (
    CONDITION_LABELS,
    CONDITIONS,
    Eligibility,
    ZengrongInputs,
    check_applications,
    check_parcels,
    overall,
)

__all__ = [
    "CONDITIONS",
    "CONDITION_LABELS",
    "Eligibility",
    "FarSource",
    "ZengrongInputs",
    "building_floor_areas",
    "check_applications",
    "check_parcels",
    "compute_far",
    "far_floors",
    "floor_area_for",
    "headroom",
    "overall",
]
