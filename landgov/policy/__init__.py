"""Policy profiles: thresholds, weights, rules and targets as versioned data with citations."""

from landgov.policy._loader import DEFAULT_PROFILE, find_profile, list_profiles, load_profile
from landgov.policy._model import BELOW_SCALE_MIN_LAND, Param, Profile, below_scale_min_land

__all__ = [
    "BELOW_SCALE_MIN_LAND",
    "DEFAULT_PROFILE",
    "Param",
    "Profile",
    "below_scale_min_land",
    "find_profile",
    "list_profiles",
    "load_profile",
]
