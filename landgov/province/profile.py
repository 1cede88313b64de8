"""The province profile: which county profile judges each county of a province run.

A province profile is a policy profile with a ``province`` section (schema
``landgov/policy/schema/province.toml``): ``counties`` maps 6-digit county codes to shipped
profile names and ``default`` names the profile of every other county. The shipped one is
``zhejiang-province-2023`` (上虞 330604 → shangyu-2022, 嵊州 330683 → shengzhou-2022, 拱墅 330105 →
gongshu-2022, 越城 330602 → yuecheng-2022, the rest → zhejiang-2023). A profile without a
``province`` section judges every county by itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from landgov.errors import Issue, ProfileError
from landgov.policy import Profile, find_profile, list_profiles, load_profile
from landgov.province.counties import county

__all__ = ["DEFAULT_PROVINCE_PROFILE", "ProvinceProfile", "load_province_profile"]

DEFAULT_PROVINCE_PROFILE = "zhejiang-province-2023"


@dataclass(frozen=True)
class ProvinceProfile:
    """County code → profile name, with the profile's own name and version for the manifest."""

    name: str
    version: str
    counties: dict[str, str]
    default: str

    def profile_for(self, code: str) -> str:
        """The profile (name or path) that judges county ``code``."""
        return self.counties.get(str(code), self.default)

    def describe(self) -> dict[str, object]:
        """For the manifest."""
        return {
            "name": self.name,
            "version": self.version,
            "default": self.default,
            "counties": dict(self.counties),
        }


def load_province_profile(profile: str | Path | Profile) -> ProvinceProfile:
    """Load a province profile; every code must be a Zhejiang county and every profile load.

    Raises
    ------
    ProfileError
        Listing every unknown county code and every profile that cannot be found.
    """
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    if "province.counties" not in prof:  # one profile for every county
        hit = None if isinstance(profile, Profile) else find_profile(profile)
        by = prof.name if hit is None else hit if isinstance(hit, str) else os.path.abspath(hit)
        return ProvinceProfile(prof.name, prof.version, {}, by)
    counties = {str(k): str(v) for k, v in prof.value("province.counties").items()}
    default = str(prof.value("province.default"))
    shipped = {p["name"] for p in list_profiles()}
    issues: list[Issue] = []
    # a path is read from the province profile's folder first, as its extends (find_profile),
    # and handed on whole: a Dask worker may run in another working folder
    own = Path(prof.path)
    base = own if own.is_dir() else own.parent
    found = {name: find_profile(name, base=base) for name in {default, *counties.values()}}
    for code in counties:
        try:
            county(code)
        except KeyError:
            issues.append(
                Issue(
                    prof.name,
                    f"province.counties.{code}",
                    code,
                    "不是浙江省的县级行政区划代码",
                    "使用 6 位县级代码（GB/T 2260），如上虞区 330604",
                )
            )
    for where, name in [("province.default", default), *counties.items()]:
        if found[name] is None:
            issues.append(
                Issue(
                    prof.name,
                    where if where == "province.default" else f"province.counties.{where}",
                    name,
                    "找不到该策略配置",
                    f"使用内置配置之一（{', '.join(sorted(shipped))}）或配置文件的路径"
                    "（相对路径从省级配置所在的文件夹读起）",
                )
            )
    if issues:
        raise ProfileError(issues)

    def whole(name: str) -> str:
        hit = found[name]
        return hit if isinstance(hit, str) else os.path.abspath(hit or name)

    return ProvinceProfile(
        prof.name, prof.version, {code: whole(n) for code, n in counties.items()}, whole(default)
    )
