"""``landgov.toml``: the settings of one working folder (county, profile, as-of date, aliases).

A non-programmer sets the county's policy profile once, in a ``landgov.toml`` in the folder where
they run ``landgov`` (or any folder above it), instead of repeating ``--profile`` and ``--alias``
on every command::

    county = "绍兴市越城区"          # 县（市、区），每次运行开头显示
    profile = "yuecheng-2022"       # 策略配置：内置名称（landgov profiles）或配置文件路径
    as_of = 2026-06-30              # 基准日期（可省略，默认今天）

    [aliases]                        # 字段别名：规范字段 = [表中的列名, ...]
    parcel_id = ["地块号"]

Every command whose option is named ``--profile`` or ``--as-of`` takes these as its defaults
(:meth:`WorkSettings.default_map`); an option given on the command line wins. ``[aliases]`` is
added to the ``--alias`` values. Without a ``landgov.toml`` every command uses
:data:`DEFAULT_PROFILE`. :func:`announce` prints which settings and policy version a run uses.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from landgov.core.dates import AS_OF_FORMS, parse_as_of
from landgov.core.textfile import TextFileError, read_toml
from landgov.errors import InputError, LandgovError
from landgov.policy import DEFAULT_PROFILE

__all__ = [
    "DEFAULT_PROFILE",
    "FILENAME",
    "WorkSettings",
    "announce",
    "announced",
    "find_settings",
    "read_settings",
    "write_settings",
]

FILENAME = "landgov.toml"

_KEYS = {
    "county": "县（市、区）",
    "profile": "策略配置",
    "as_of": "基准日期",
    "aliases": "字段别名",
}
_SPELLINGS = {"as-of": "as_of", "asof": "as_of"}


@dataclass(frozen=True)
class WorkSettings:
    """The settings of one working folder; ``path`` is ``None`` when no file was found."""

    path: Path | None = None
    county: str = ""
    profile: str = DEFAULT_PROFILE
    as_of: str | None = None
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def default_map(self, commands: Iterable[click.Command]) -> dict[str, dict[str, object]]:
        """click ``default_map``: ``--profile`` and ``--as-of`` defaults for each command."""
        out: dict[str, dict[str, object]] = {}
        for command in commands:
            names = {p.name for p in command.params}
            defaults: dict[str, object] = {}
            if "profile" in names:
                defaults["profile"] = self.profile
            if "as_of" in names and self.as_of:
                defaults["as_of"] = self.as_of
            if defaults and command.name:
                out[command.name] = defaults
        return out

    def alias_pairs(self) -> tuple[str, ...]:
        """``[aliases]`` as ``--alias`` values (``字段=列名``)."""
        return tuple(f"{k}={c}" for k, columns in self.aliases.items() for c in columns)

    @property
    def where(self) -> str:
        """How the banner names the settings' origin."""
        if self.path is None:
            return f"默认（未找到 {FILENAME}）"
        return str(self.path)


def find_settings(start: Path | None = None) -> WorkSettings:
    """The ``landgov.toml`` of ``start`` (default: the current folder) or of a folder above it."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / FILENAME
        if path.is_file():
            return read_settings(path)
    return WorkSettings()


def _bad(path: Path, what: str) -> LandgovError:
    return LandgovError(
        f"{path}：{what}。处理：按 landgov template 生成的 {FILENAME} 示例修改，"
        f"或删除该文件以使用默认配置 {DEFAULT_PROFILE}"
    )


def read_settings(path: Path) -> WorkSettings:
    """Read and check one ``landgov.toml``; every problem is a 「错误：」 naming the key."""
    try:
        data = read_toml(path)
    except TextFileError as exc:
        raise _bad(path, str(exc)) from exc
    data = {_SPELLINGS.get(k, k): v for k, v in data.items()}
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        allowed = "、".join(f"{k}（{v}）" for k, v in _KEYS.items())
        raise _bad(path, f"不认识的设置 {'、'.join(unknown)}；可用的设置：{allowed}")
    for key in ("county", "profile"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            raise _bad(path, f"{key}（{_KEYS[key]}）应为非空文字，所见值 {data[key]!r}")
    profile = str(data.get("profile", DEFAULT_PROFILE)).strip()
    relative = path.parent / profile
    if ("/" in profile or "\\" in profile or profile.endswith(".toml")) and relative.exists():
        profile = str(relative)  # a profile file next to landgov.toml
    as_of = data.get("as_of")
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    if isinstance(as_of, dt.date):
        as_of = as_of.isoformat()
    if as_of is not None and not isinstance(as_of, str):
        raise _bad(path, f"as_of（基准日期）应为日期，如 2026-06-30，所见值 {as_of!r}")
    if as_of is not None:  # said here, naming this file, not as a bad --as-of later
        try:
            parse_as_of(as_of)
        except InputError as exc:
            why = "；".join(i.problem for i in exc.issues) or str(exc)
            raise _bad(path, f"as_of（基准日期）「{as_of}」{why}，应写作 {AS_OF_FORMS}") from exc
    return WorkSettings(
        path=path,
        county=str(data.get("county", "")).strip(),
        profile=profile,
        as_of=as_of,
        aliases=_aliases(path, data.get("aliases", {})),
    )


def _aliases(path: Path, raw: object) -> dict[str, tuple[str, ...]]:
    from landgov.io.aliases import AliasFieldError, alias_field

    if not isinstance(raw, dict):
        raise _bad(path, '[aliases] 应为一节，每行写作 字段 = ["列名", ...]')
    out: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        columns = [value] if isinstance(value, str) else value
        if not isinstance(columns, list) or not all(
            isinstance(c, str) and c.strip() for c in columns
        ):
            raise _bad(path, f"[aliases] {key} 应为列名或列名列表，所见值 {value!r}")
        try:
            field = alias_field(str(key))
        except AliasFieldError as err:
            raise _bad(path, f"[aliases] {err}") from None
        out[field] = (*out.get(field, ()), *(c.strip() for c in columns))
    return out


def write_settings(
    path: Path, *, county: str = "", profile: str = DEFAULT_PROFILE, as_of: str | None = None
) -> Path:
    """Write a commented ``landgov.toml`` a user can edit (used by ``landgov template``)."""
    lines = [
        "# landgov 工作文件夹配置：在本文件夹（及其子文件夹）中运行 landgov 时生效。",
        "# 命令行上给出的 --profile、--as-of 优先于这里的设置。",
        "",
        "# 县（市、区），每次运行开头显示",
        f"county = {json.dumps(county, ensure_ascii=False)}",
        "",
        "# 策略配置：内置名称（运行 landgov profiles 查看）或配置文件路径",
        f"profile = {json.dumps(profile, ensure_ascii=False)}",
        "",
        "# 基准日期（可省略，默认今天），如 2026-06-30",
        f"as_of = {as_of}" if as_of else "# as_of = 2026-06-30",
        "",
        "# 字段别名：表中的列名与 landgov 的规范字段不同时填写，如",
        '# parcel_id = ["地块号"]',
        "[aliases]",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def announce(settings: WorkSettings, *, profile: str | None = None, source: str = "") -> None:
    """Print, on stderr, the settings a run uses and, for a run with a profile, its version
    and its 提示 lines (a renamed key read under its new name)."""
    county = f"（县市区：{settings.county}）" if settings.county else ""
    line = f"使用配置：{settings.where}{county}"
    loaded = None if profile is None else _loaded(profile)
    if profile is not None:
        label = profile if loaded is None else f"{loaded.title}（{loaded.label}）"
        line += f"；政策版本：{label}{source}"
    click.echo(line, err=True)
    for notice in () if loaded is None else loaded.notices:
        click.echo(notice, err=True)


def _loaded(name: str) -> Any:
    """The profile ``name``, or None: the command itself reports a profile it cannot load."""
    from landgov.errors import ProfileError
    from landgov.policy._loader import load_profile

    try:
        return load_profile(name)
    except (ProfileError, OSError):
        return None


def announced(command: click.Command) -> click.Command:
    """Make ``command`` print its settings first and take ``[aliases]`` with its ``--alias``."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            announced(sub)
    callback = command.callback
    if callback is None or getattr(callback, "_landgov_announced", False):
        return command

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        if ctx.invoked_subcommand is not None:  # the subcommand announces itself
            return callback(*args, **kwargs)
        settings = ctx.find_object(WorkSettings) or WorkSettings()
        if "alias" in kwargs:
            kwargs["alias"] = settings.alias_pairs() + tuple(kwargs["alias"] or ())
        profile = kwargs.get("profile")
        source = ""
        if isinstance(profile, str):
            given = ctx.get_parameter_source("profile") is ParameterSource.COMMANDLINE
            source = "（命令行 --profile）" if given else ""
        if kwargs.get("province") is not None and not source:  # each county by its own profile
            click.echo(
                f"使用配置：{settings.where}；政策版本：各县（市、区）按省级配置所列的县级配置分别判定"
                "（每宗地块的判定配置见结果中的 profile 字段与 manifest.json）",
                err=True,
            )
            return callback(*args, **kwargs)
        announce(settings, profile=profile if isinstance(profile, str) else None, source=source)
        return callback(*args, **kwargs)

    run._landgov_announced = True  # type: ignore[attr-defined]
    command.callback = run
    return command
