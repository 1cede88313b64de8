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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landgov.core.listing import allowed
from landgov.core.textfile import TextFileError, read_json
from landgov.errors import InputError, Issue, os_error_message
from landgov.ids import normalize_code
from landgov.province.counties import CITIES, county, not_a_county

__all__ = ["INDEX", "CountyEntry", "ProvinceIndex", "is_province", "read_index"]

INDEX = "province.json"
FORMAT = "landgov-province/1"
#: What a province.json holds, for a file that is empty or no JSON object.
_WRITE_INDEX = (
    f'按 {{"format": "{FORMAT}", "counties": [...]}} 写 province.json（格式见 docs/province.md）'
)
#: Input roles a county may name (those of ``landgov screen``); parcels and enterprises needed.
ROLES = (
    "parcels", "enterprises", "links", "compliance", "planning", "demolition", "townships",
    "approved", "height_raster",
)  # fmt: skip
REQUIRED = ("parcels", "enterprises")
_OWN_KEYS = frozenset({"code", "name", "folder", "files"})
_COUNTY_FIX = (
    '每个县写成 {"code": "330604", "name": "上虞区", "files": {"parcels": …, "enterprises": …}}'
)


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
    #: The name province.json gives (``None``: none); ``name`` is always the register's, the
    #: name of the code the county is judged by (a slip is warned of, never written as data).
    listed_name: str | None = None

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


def _files(item: dict[str, Any], where: str, folder: Path, issues: list[Issue]) -> dict[str, Path]:
    """The county's files by role; unknown roles and missing required ones go to ``issues``."""
    named = item.get("files") or {}
    if not isinstance(named, dict):
        issues.append(
            _issue(
                f"{where}.files", named, "files 应是「角色: 文件名」的 JSON 对象",
                '如 "files": {"parcels": "parcels.parquet", "enterprises": "enterprises.csv"}',
            )
        )  # fmt: skip
        return {}
    files: dict[str, Path] = {}
    for role, rel in named.items():
        if role not in ROLES:
            issues.append(
                _issue(f"{where}.files.{role}", rel, "未知的数据角色", allowed(ROLES, role))
            )
            continue
        if not _inside(rel):
            issues.append(
                _issue(
                    f"{where}.files.{role}", rel, "应是该县文件夹中的文件名（相对路径）",
                    "把文件放进该县文件夹，写文件名，如 \"parcels\": \"parcels.parquet\"",
                )
            )  # fmt: skip
            continue
        files[role] = folder / rel.replace("\\", "/")  # a subfolder written as on Windows
    for role in REQUIRED:
        if role not in files:
            problem, fix = f"缺少「{role}」文件", f"在 files 中写明 {role}"
            issues.append(_issue(f"{where}.files", item.get("code"), problem, fix))
    return files


def _inside(rel: object) -> bool:
    r"""Whether ``rel`` is a relative path that stays inside its folder (a file of a county, a
    county of the province): text, not absolute, no 「..」 (「/」 and 「\」 alike). Blank text
    passes: that county then fails alone, naming the folder or file as written.

    >>> [_inside(p) for p in ("parcels.parquet", "宗地/parcels.shp", "../330604/p.shp", "/etc/x")]
    [True, True, False, False]
    >>> [_inside(p) for p in (r"D:\县\p.shp", r"a\..\..\b", "  ", 3)]
    [False, False, True, False]
    """
    if not isinstance(rel, str):
        return False
    parts = rel.replace("\\", "/").split("/")
    absolute = rel.startswith(("/", "\\")) or (len(rel) > 1 and rel[1] == ":")  # D:\…
    return not absolute and ".." not in (part.strip() for part in parts)


def _entry(
    root: Path, k: int, item: object, seen: set[str], issues: list[Issue]
) -> CountyEntry | None:
    """County ``k`` of the index, or ``None`` with its problems added to ``issues``."""
    where = f"counties[{k}]"
    if not isinstance(item, dict):
        issues.append(_issue(where, item, "每个县应是一个 JSON 对象", _COUNTY_FIX))
        return None
    if "code" not in item:
        issues.append(_issue(f"{where}.code", None, "缺少县级代码", _COUNTY_FIX))
        return None
    # full-width digits (「３３０６８３」 typed with a Chinese input method) are the code's
    code = normalize_code(item["code"]) or str(item["code"]).strip()
    try:
        known = county(code)
    except KeyError:
        issues.append(_issue(f"{where}.code", code, *not_a_county(code)))
        return None
    if code in seen:
        issues.append(_issue(f"{where}.code", code, "县级代码重复", "每个县只列一次"))
        return None
    seen.add(code)
    if "profile" in item:  # read nowhere: the province profile maps counties to profiles
        issues.append(
            _issue(
                f"{where}.profile", item["profile"],
                "县（市、区）的评判配置不能在 province.json 中指定",
                "删去该项；在省级配置的 province.counties 中为该县指定配置，"
                "或用 --profile 让一个配置评判所有县",
            )
        )  # fmt: skip
    given = item.get("folder") or None  # empty: the default folder
    if given is not None and not _inside(given):
        issues.append(
            _issue(
                f"{where}.folder", given, "应是省级文件夹中的县文件夹名（相对路径）",
                f"把该县文件夹放进省级文件夹，写文件夹名，如 \"{known.folder}\"",
            )
        )  # fmt: skip
        given = None
    folder = root / (given.replace("\\", "/") if given else known.folder)
    return CountyEntry(
        code=code,
        name=known.name,
        city_code=code[:4],
        city=CITIES[code[:4]],
        folder=folder,
        files=_files(item, where, folder, issues),
        epsg=item.get("epsg"),
        extra={k: v for k, v in item.items() if k not in _OWN_KEYS},
        listed_name=None if item.get("name") in (None, "") else str(item["name"]).strip(),
    )


def read_index(root: str | Path) -> ProvinceIndex:
    """Read ``root/province.json``; every problem of the index is listed at once.

    Refused: a file that is not a JSON object, a wrong ``format``, a county that is not a JSON
    object, without a code or with one that is not a Zhejiang county, a county listed twice,
    an unknown role, a county without ``parcels`` / ``enterprises``, and a county ``profile``
    (the province profile maps counties to profiles). Missing files are not checked here: a
    county whose files are missing fails alone in the run, the others finish.
    """
    root = Path(root)
    path = root / INDEX
    try:
        raw = read_json(path, fill=_WRITE_INDEX)
    except TextFileError as exc:  # not UTF-8, not JSON: where, in Chinese, with the fix
        problem, _, fix = str(exc).partition("；")
        raise InputError([_issue(None, str(path), f"无法读取省级索引：{problem}", fix)]) from exc
    except OSError as exc:  # a folder named province.json, no permission, a disk error
        problem, _, fix = os_error_message(exc).partition("。处理：")
        raise InputError([_issue(None, str(path), f"无法读取省级索引：{problem}", fix)]) from exc
    if not isinstance(raw, dict):
        raise InputError(
            [
                _issue(
                    None, type(raw).__name__, "省级索引应是一个 JSON 对象（{…}）",
                    _WRITE_INDEX,
                )
            ]
        )  # fmt: skip
    issues: list[Issue] = []
    if raw.get("format") != FORMAT:
        fix = f'写 "format": "{FORMAT}"'
        issues.append(_issue("format", raw.get("format"), "索引格式不符", fix))
    listed = raw.get("counties") or []
    if not isinstance(listed, list):
        issues.append(_issue("counties", listed, "counties 应是一个列表", _COUNTY_FIX))
        listed = []
    seen: set[str] = set()
    entries = [e for k, item in enumerate(listed) if (e := _entry(root, k, item, seen, issues))]
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
