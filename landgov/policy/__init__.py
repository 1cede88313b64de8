"""Policy profiles: thresholds, weights, rules and targets as versioned data with citations."""

from landgov.policy._loader import list_profiles, load_profile
from landgov.policy._model import Param, Profile

__all__ = ["Param", "Profile", "list_profiles", "load_profile"]
