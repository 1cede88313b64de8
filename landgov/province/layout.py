"""A province folder: ``province.json`` (the index) and one folder per county.

::

    PROVINCE/
      province.json            index: title, profile, counties (code, name, city, folder, files)
      330604_上虞区/            one county, the files a district run reads
        parcels.parquet  enterprises.csv  links.csv  compliance.csv
        planning.gpkg  demolition.gpkg  townships.gpkg  approved.gpkg  buildings.parquet …

``files`` in the index names each county's input per role (paths relative to the county
folder); roles are those of :class:`landgov.run.files.RunInputs` used by ``landgov screen``.
:func:`is_province` tells a province folder from a district folder; :func:`read_index` reads
and checks the index (every problem listed at once, 「错误：」 in the CLI).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landgov.errors import InputError, Issue
from landgov.province.counties import CITIES, county

__all__ = ["INDEX", "CountyEntry", "ProvinceIndex", "is_province", "read_index"]

INDEX = "province.json"
FORMAT = "landgov-province/1"
#: Input roles a county may name (those of ``landgov screen``); parcels and enterprises needed.
ROLES = (
    "parcels", "enterprises", "links", "compliance", "planning", "demolition", "townships",
    "approved", "height_raster",
)  # fmt: skip
REQUIRED = ("parcels", "enterprises")
_OWN_KEYS = frozenset({"code", "name", "folder", "files"})


@dataclass(frozen=True)
class CountyEntry:
    """One county of the index, with its files resolved to absolute paths."""

    code: str
    name: str
    city_code: str
    city: str
    folder: Path
    files: dict[str, Path]
    epsg: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``330604 上虞区``."""
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class ProvinceIndex:
    """The parsed ``province.json``."""

    root: Path
    title: str
    profile: str | None
    counties: tuple[CountyEntry, ...]
    raw: dict[str, Any]


def is_province(path: str | Path) -> bool:
    """Is ``path`` a province folder (a folder holding ``province.json``)?"""
    return Path(path).is_dir() and (Path(path) / INDEX).is_file()


def _issue(field_: str | None, value: object, problem: str, fix: str) -> Issue:
    return Issue(INDEX, field_, value, problem, fix)


def read_index(root: str | Path) -> ProvinceIndex:
    """Read ``root/province.json``; unknown codes, duplicate counties and missing files fail."""
    root = Path(root)
    path = root / INDEX
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(
            [_issue(None, str(path), f"无法读取省级索引：{exc}", "检查 province.json 是否为 JSON")]
        ) from exc
    issues: list[Issue] = []
    if raw.get("format") != FORMAT:
        fix = f'写 "format": "{FORMAT}"'
        issues.append(_issue("format", raw.get("format"), "索引格式不符", fix))
    entries: list[CountyEntry] = []
    seen: set[str] = set()
    for k, item in enumerate(raw.get("counties") or []):
        where = f"counties[{k}]"
        code = str(item.get("code", ""))
        try:
            known = county(code)
        except KeyError:
            issues.append(
                _issue(f"{where}.code", code, "不是浙江省的县级行政区划代码", "使用 6 位县级代码")
            )
            continue
        if code in seen:
            issues.append(_issue(f"{where}.code", code, "县级代码重复", "每个县只列一次"))
            continue
        seen.add(code)
        folder = root / str(item.get("folder") or known.folder)
        files: dict[str, Path] = {}
        for role, rel in (item.get("files") or {}).items():
            if role not in ROLES:
                issues.append(
                    _issue(f"{where}.files.{role}", rel, "未知的数据角色", f"允许：{ROLES}")
                )
                continue
            files[role] = folder / str(rel)
        for role in REQUIRED:
            if role not in files:
                issues.append(
                    _issue(f"{where}.files", code, f"缺少「{role}」文件", f"在 files 中写明 {role}")
                )
        entries.append(
            CountyEntry(
                code=code,
                name=str(item.get("name") or known.name),
                city_code=code[:4],
                city=CITIES[code[:4]],
                folder=folder,
                files=files,
                epsg=item.get("epsg"),
                extra={k: v for k, v in item.items() if k not in _OWN_KEYS},
            )
        )
    if not entries and not issues:
        issues.append(_issue("counties", [], "索引中没有县（市、区）", "在 counties 中列出各县"))
    if issues:
        raise InputError(issues)
    return ProvinceIndex(
        root=root,
        title=str(raw.get("title") or "浙江省"),
        profile=raw.get("profile"),
        counties=tuple(entries),
        raw=raw,
    )
