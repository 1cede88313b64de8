"""Load, merge and validate policy profiles.

A shipped profile is a folder ``landgov/policy/profiles/<name>/`` holding ``profile.toml``
(``[profile]`` table: name, version, title, region, extends) and one TOML file per section
(``screening.toml``, ``scoring.toml``, ``zengrong.toml`` …). A user profile may be such a folder
or one TOML file with a ``[profile]`` table and one table per section.

Each value is either a plain scalar / list / table, or a *param table*::

    low_efficiency_tax_per_mu = { value = 5.0, unit = "万元/亩", source = "001 二; 三(一)1" }

with optional ``url``, ``official = false`` (project default, shown as 示例规则（非官方）),
``derived`` (the value is the project's computation from the clause, e.g. a target of 「翻番」:
``derived = "20.8 × 2（…）"`` says how; shown as 项目推算（非文件数值）), ``note`` and
``comparison`` (``"<="``, ``"<"``, ``">="``, ``">"``: how a threshold compares; a schema entry
with ``comparison = true`` requires it; a threshold the code compares in more than one way,
like ``zengrong.far_cap``, has the schema's ``compared`` text instead, shown where the comparison
is shown). Sections and keys are declared in
``landgov/policy/schema/<section>.toml`` (type, range, choices, unit, whether a source is
required); a profile that breaks the schema fails with every problem listed: the key, the value
seen and what is allowed. ``type = "list[float]"`` or ``"table[float]"`` also checks every item
(and ``min``/``max`` apply to the items); for a ``table``, ``choices`` lists the keys it may have.

A schema entry may name a ``check = "module:function"`` hook for values whose structure the
schema cannot express (the 四个一批 rule table); it returns a list of issues. A section may be
left out of a profile altogether (``zengrong`` exists only where the opinion applies); a
section that is present must have all its ``required`` keys.

``[profile] documents = ["000"]`` names the county documents that are the profile's own (codes
of :data:`landgov.core.documents.DOCUMENTS`); it is not inherited. Province documents (004) bind
every profile. Every value, own or inherited, that cites only documents binding neither is a
project default borrowed from another county: its citation reads 「参照虞政发〔2022〕12号 …」 and
is not official. A profile that names no documents has none of its own: every county citation
it holds is 参照 (``landgov profiles show`` says so).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from landgov.core.compare import COMPARISONS
from landgov.core.documents import DOCUMENTS, cite_text
from landgov.core.listing import allowed
from landgov.core.textfile import TextFileError, read_toml
from landgov.core.textkey import folded
from landgov.errors import Issue, ProfileError
from landgov.policy._model import Param, Profile, freeze
from landgov.verdict import Citation

__all__ = ["DEFAULT_PROFILE", "find_profile", "list_profiles", "load_profile"]

DEFAULT_PROFILE = "yuecheng-2022"
"""The profile of every command when no ``landgov.toml`` names one (the sample's 越城区 profile,
the one shipped profile with complete 增容 rules)."""

_PARAM_KEYS = frozenset(
    {"value", "unit", "source", "url", "official", "note", "comparison", "derived"}
)
_META_KEYS = frozenset(
    {"name", "version", "title", "region", "extends", "description", "documents"}
)


def _package_dir(sub: str) -> Path:
    return Path(str(resources.files("landgov.policy").joinpath(sub)))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return read_toml(path)
    except TextFileError as exc:
        problem, _, fix = str(exc).partition("；")
        raise ProfileError(
            [Issue(str(path), None, "", problem, fix or "按 TOML 语法修正该文件")]
        ) from exc


def _schema() -> dict[str, dict[str, dict[str, Any]]]:
    return {p.stem: _read_toml(p) for p in sorted(_package_dir("schema").glob("*.toml"))}


def compared_in_code(key: str) -> str | None:
    """How the code compares the threshold ``key`` (``section.name``) when a profile does not
    state it (the schema's ``compared`` text, for a value the rule uses in more than one way,
    e.g. ``zengrong.far_cap``); ``None`` for other keys.

    >>> compared_in_code("zengrong.far_cap")[:9]
    '实施后容积率 ≤ '
    """
    return _compared().get(key)


def choice_words(key: str) -> dict[str, str]:
    """What each choice of the option ``key`` means, in the schema description's own words
    (``"merged 合并评价共用一个等级（遂昌）；follow_owner …"``); ``{}`` for other keys.

    >>> choice_words("grading.method")
    {'percentile': '按得分排位分档', 'threshold': '按得分阈值分档'}
    """
    return _choice_words().get(key, {})


@functools.cache
def _choice_words() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for section, rules in _schema().items():
        for name, rule in rules.items():
            if not isinstance(rule, dict) or rule.get("type") != "str" or not rule.get("choices"):
                continue
            text = str(rule.get("description") or "")
            words = {
                str(c): m.group(1).strip()
                for c in rule["choices"]
                if (m := re.search(rf"(?:^|[：；:;]\s*){re.escape(str(c))} ([^；;]+)", text))
            }
            if words:
                out[f"{section}.{name}"] = words
    return out


@functools.cache
def _compared() -> dict[str, str]:
    return {
        f"{section}.{name}": str(rule["compared"])
        for section, rules in _schema().items()
        for name, rule in rules.items()
        if isinstance(rule, dict) and rule.get("compared")
    }


def _read_profile_source(path: Path) -> dict[str, Any]:
    """Read a profile folder or single file into ``{"profile": {...}, section: {...}}``."""
    if path.is_dir():
        if not (path / "profile.toml").is_file():
            raise ProfileError(
                [
                    Issue(
                        str(path),
                        None,
                        "",
                        "不是策略配置文件夹（其中没有 profile.toml）",
                        "给出策略配置文件（.toml）、含 profile.toml 的文件夹，或内置配置名"
                        "（landgov profiles 列出）",
                    )
                ]
            )
        data: dict[str, Any] = {}
        for part in sorted(path.glob("*.toml")):
            content = _read_toml(part)
            if part.stem == "profile":
                data["profile"] = content.get("profile", content)
            else:
                data[part.stem] = content
        return data
    return _read_toml(path)


def _shipped() -> dict[str, Path]:
    root = _package_dir("profiles")
    return {p.name: p for p in sorted(root.iterdir()) if (p / "profile.toml").is_file()}


def list_profiles() -> list[dict[str, str]]:
    """Name, version, title and what it extends, for every shipped profile."""
    rows = []
    for name, path in _shipped().items():
        meta = _read_profile_source(path).get("profile", {})
        rows.append(
            {
                "name": name,
                "version": str(meta.get("version", "")),
                "title": str(meta.get("title", "")),
                "region": str(meta.get("region", "")),
                "extends": str(meta.get("extends", "") or ""),
            }
        )
    return rows


def find_profile(name_or_path: str | Path, *, base: Path | None = None) -> str | Path | None:
    """What ``name_or_path`` names: a shipped profile's name as it is, else the profile file or
    folder it names, ``None`` when there is none.

    A relative path is read from ``base`` (the folder of the profile that names it: its
    ``extends``, a province profile's counties), then from the working folder.

    >>> find_profile("shangyu-2022"), find_profile("no-such-profile")
    ('shangyu-2022', None)
    """
    if isinstance(name_or_path, str) and name_or_path in _shipped():
        return name_or_path
    path = Path(name_or_path)
    if base is not None and not path.is_absolute() and (base / path).exists():
        return base / path
    return path if path.exists() else None


def _resolve(
    name_or_path: str | Path, *, base: Path | None = None, where: tuple[str, str] | None = None
) -> Path:
    """A shipped profile's folder, or the file/folder ``name_or_path`` names.

    A relative path in ``extends`` is read from the folder of the profile that names it
    (``base``), then from the working folder (:func:`find_profile`); ``where`` (file, field)
    names that profile in the error.
    """
    shipped = _shipped()
    found = find_profile(name_or_path, base=base)
    if isinstance(found, str):
        return shipped[found]
    if found is not None:
        return found
    source, field = where or (str(name_or_path), None)
    problem = "找不到该策略配置" if where is None else "继承的策略配置找不到"
    raise ProfileError(
        [
            Issue(
                source,
                field,
                str(name_or_path),
                problem,
                f"使用内置配置之一（{', '.join(shipped)}），或给出配置文件/文件夹的路径",
            )
        ]
    )


def _to_param(key: str, raw: Any, origin: str, issues: list[Issue], src: str) -> Param:
    if isinstance(raw, Mapping) and "value" in raw and set(raw) <= _PARAM_KEYS:
        citation = None
        derived = raw.get("derived")
        if derived is not None and not (isinstance(derived, str) and derived.strip()):
            issues.append(
                Issue(src, key, derived, "推算说明无效", '写成 derived = "20.8 × 2（说明）"')
            )
            derived = None
        if raw.get("source") or raw.get("url"):
            citation = Citation.parse(
                str(raw.get("source", "")),
                url=raw.get("url"),
                official=bool(raw.get("official", True)),
            )
        elif raw.get("official") is False:
            citation = Citation(None, "项目默认", official=False)
        elif derived:
            citation = Citation(None, "")
        if citation is not None and derived:
            citation = replace(citation, derived=derived.strip())
        return Param(
            key,
            freeze(raw["value"]),
            raw.get("unit"),
            citation,
            cite_text(str(raw["note"])) if raw.get("note") else None,  # 文号, not codes
            origin,
            _comparison(raw.get("comparison")),
        )
    if isinstance(raw, Mapping) and "value" in raw:
        extra = sorted(set(raw) - _PARAM_KEYS)
        issues.append(
            Issue(src, key, extra, "参数表含未知键", f"参数表只允许 {sorted(_PARAM_KEYS)}")
        )
    return Param(key, freeze(raw), None, None, None, origin)


_TYPES: dict[str, tuple[type, ...]] = {
    "float": (int, float),
    "int": (int,),
    "bool": (bool,),
    "str": (str,),
    "date": (dt.date,),
    "table": (Mapping,),
    "list": (tuple, list),
}


def _type_ok(value: Any, base: str) -> bool:
    allowed = _TYPES.get(base, (object,))
    return isinstance(value, allowed) and not (base in {"float", "int"} and isinstance(value, bool))


def _check_range(key: str, value: Any, rule: Mapping[str, Any], src: str) -> list[Issue]:
    if isinstance(value, float) and not math.isfinite(value):  # nan passes every comparison
        return [Issue(src, key, value, "不是有限的数值（nan/inf）", "改为具体的数值，如 5.0")]
    lo, hi = rule.get("min"), rule.get("max")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if hi is None:
            allowed = f"取值应不小于 {lo}"
        elif lo is None:
            allowed = f"取值应不大于 {hi}"
        else:
            allowed = f"取值应在 {lo} 至 {hi} 之间（含两端）"
        return [Issue(src, key, value, "超出允许范围", allowed)]
    return []


def _unit_key(unit: str) -> str:
    """A unit as compared: NFKC (「m²」 and 「m2」, full-width letters alike), blanks removed."""
    return folded(unit)


def _check_unit(key: str, param: Param, rule: Mapping[str, Any], src: str) -> list[Issue]:
    """A value written with a unit has the unit the code reads it in (the schema's): 50000
    「元/亩」 where 「万元/亩」 is meant would otherwise be read as 50000 万元/亩."""
    want = rule.get("unit")
    if param.unit is None or want is None or _unit_key(str(param.unit)) == _unit_key(str(want)):
        return []
    return [
        Issue(
            src,
            key,
            f"{param.value} {param.unit}",
            f"单位「{param.unit}」与该参数的单位「{want}」不一致（程序按「{want}」读取）",
            f'把取值换算为「{want}」后填写，并写 unit = "{want}"',
        )
    ]


#: Keys a newer schema moved to another section: a profile written for the old one is told where.
MOVED_KEYS: dict[str, str] = {
    "zengrong.overlap_tolerance_m2": "overlay.overlap_tolerance_m2",  # shared with screening
    # one 产业目录 switch date for the screening's catalogue check and 增容 条件5
    "zengrong.catalogue_2024_from": "screening.catalogue_2024_from",
}
#: Keys no longer read, with what replaced them (a county profile written for an older
#: version is told what to write instead of only which keys exist).
RETIRED_KEYS: dict[str, str] = {
    "landuse.industrial_code_prefixes": (
        "该键已停用：用地代码不再按前缀匹配（如「M」前缀会把国家分类中没有的「M4」读作工业用地），"
        "改为在 landuse.industrial_codes 中逐个列出完整代码"
    ),
    "landuse.nonindustrial_code_prefixes": (
        "该键已停用：用地代码不再按前缀匹配（如「R」前缀会把国家分类中没有的「R5」读作非工业用地），"
        "改为在 landuse.nonindustrial_codes 中逐个列出完整代码"
    ),
    "blocks.road_code_prefixes": (
        "该键已停用：道路代码不再按前缀匹配，改为在 blocks.road_uses 中逐个列出完整名称或代码"
    ),
}


#: Keys a newer schema renamed: one value now read under another name. A profile that still
#: sets the old key keeps working (read as the new one, with a 提示); one that sets both keys to
#: different values is refused, for the two would say different things about the same firm.
RENAMED_KEYS: dict[str, str] = {
    # 「实际用地3亩以上的规下制造业企业」 [001 三(二)1; 002 三(二)1]: one threshold for the
    # screening focus (底数清单) and the 规下 firms the 亩均 evaluation grades (企业评价)
    "scoring.below_scale_min_land_mu": "screening.small_firm_min_land_mu",
}


def _renamed(own: dict[str, Param], src: str, issues: list[Issue]) -> list[str]:
    """Read a renamed key of one profile file as its new name; the 提示 lines to show.

    The old key's value becomes the new key's (with ``>=``, how the old key was compared,
    unless it states its own comparison); both keys with different values → an issue naming
    both, and neither is used.
    """
    notices: list[str] = []
    for old, new in RENAMED_KEYS.items():
        if old not in own:
            continue
        param = own.pop(old)
        if new in own and own[new].value != param.value:
            issues.append(
                Issue(
                    src,
                    old,
                    f"{old} = {param.value}；{new} = {own[new].value}",
                    f"同时设定了旧键 {old} 和新键 {new}，取值不同；两者现为同一参数"
                    "（规下企业纳入排查重点和参加亩均评价的最小实际用地面积），不能各取一值",
                    f"删去旧键 {old}，只保留 {new} 一个取值（写入「{new.partition('.')[0]}」节）",
                )
            )
            continue
        both = new in own
        if not both:
            own[new] = replace(param, key=new, comparison=param.comparison or ">=")
        notices.append(
            f"提示：{src} 中的 {old} 已改名为 {new}（排查重点和亩均评价共用这一取值），"
            f"已按 {new} = {param.value} 读取；"
            + (
                f"请删去旧键 {old}"
                if both
                else f"请把该键改写到「{new.partition('.')[0]}」节的 {new}"
            )
        )
    return notices


def _comparison(raw: Any) -> Any:
    """``comparison`` as written, with the symbols a person types read as the ASCII ones
    (「≥」「＞＝」 → ``>=``, 「≤」 → ``<=``); anything else is left for the check to refuse."""
    if not isinstance(raw, str):
        return raw
    text = unicodedata.normalize("NFKC", raw).replace(" ", "")
    return text.replace("≥", ">=").replace("≤", "<=") or raw


_TYPE_WORDS = {
    "float": "数值（如 0.5、30）",
    "int": "整数（如 3）",
    "str": '文字（加英文双引号，如 "工业用地"）',
    "bool": "true 或 false",
    "date": "日期（如 2022-11-01，不加引号）",
    "list": '列表（如 ["甲", "乙"]）',
    "table": "一节（[节名] 下逐行 键 = 值）",
}


def _type_words(typ: str) -> str:
    """A schema type (``float``, ``list[str]``, ``table[float]``) as a person reads it."""
    base, _, inner = typ.partition("[")
    inner = inner.rstrip("]")
    words = _TYPE_WORDS.get(base, typ)
    if inner:
        words += f"，其中每项为{_TYPE_WORDS.get(inner, inner)}"
    return words


def _check_elements(
    key: str, value: Any, typ: tuple[str, str], rule: Mapping[str, Any], src: str
) -> list[Issue]:
    """Check ``list[T]`` items / ``table[T]`` values; for tables, ``choices`` name the keys."""
    issues: list[Issue] = []
    base, inner = typ
    items = value.items() if base == "table" else enumerate(value)
    for sub, item in items:
        where = f"{key}.{sub}" if base == "table" else f"{key}[{sub}]"
        if inner and not _type_ok(item, inner):
            want = _type_words(inner)
            issues.append(Issue(src, where, item, f"应为{want}", f"改为{want}"))
        elif inner in {"float", "int"}:
            issues += _check_range(where, item, rule, src)
    return issues


def _check_value(key: str, param: Param, rule: Mapping[str, Any], src: str) -> list[Issue]:
    issues: list[Issue] = []
    typ = str(rule.get("type", "str"))
    base, _, inner = typ.partition("[")
    inner = inner.rstrip("]")
    value = param.value
    if not _type_ok(value, base):
        want = _type_words(typ)
        return [Issue(src, key, value, f"应为{want}", f"改为{want}")]
    if base in {"float", "int"}:
        issues += _check_range(key, value, rule, src)
    if base in {"list", "table"}:
        issues += _check_elements(key, value, (base, inner), rule, src)
    choices = rule.get("choices")
    if choices is not None:
        values = tuple(value) if base in {"list", "table"} else (value,)
        bad = [v for v in values if v not in choices]
        if bad:
            what = "键不在允许列表中" if base == "table" else "取值不在允许列表中"
            issues.append(Issue(src, key, bad, what, allowed(choices, bad[0])))
    issues += _check_unit(key, param, rule, src)
    issues += _check_comparison(key, param, rule, src)
    if rule.get("cite") and param.citation is None:
        issues.append(
            Issue(
                src,
                key,
                value,
                "该值必须注明来源",
                '写成 { value = …, source = "000 附件3 二" } 或 url = …；'
                "非官方值加 official = false",
            )
        )
    return issues


def _check_comparison(key: str, param: Param, rule: Mapping[str, Any], src: str) -> list[Issue]:
    """A threshold states how it compares (「以上」 ≥, 「大于」 >, 「以下」 ≤, 「低于」 <)."""
    if param.comparison is None:
        if rule.get("comparison"):
            return [
                Issue(
                    src,
                    key,
                    param.value,
                    "该阈值必须注明比较方式",
                    '加 comparison = "<=" / "<" / ">=" / ">"：「以上」「以下」含本数（>=、<=），'
                    "「大于」「低于」不含（>、<）",
                )
            ]
        return []
    if param.comparison not in COMPARISONS:
        return [Issue(src, key, param.comparison, "比较方式无效", allowed(sorted(COMPARISONS)))]
    return []


def _run_hook(target: str, value: Any, key: str) -> list[Issue]:
    """Call a schema ``check = "module:function"`` hook; it returns a list of Issues."""
    module_name, _, func_name = target.partition(":")
    func = getattr(importlib.import_module(module_name), func_name)
    return list(func(value, source=key))


def _validate(
    params: Mapping[str, Param], schema: Mapping[str, Mapping[str, Any]], src: str
) -> list[Issue]:
    issues: list[Issue] = []
    for key, param in params.items():
        section, _, name = key.partition(".")
        if section not in schema:
            issues.append(
                Issue(
                    src,
                    key,
                    param.value,
                    f"未知的配置节「{section}」",
                    f"允许的节：{sorted(schema)}",
                )
            )
            continue
        rule = schema[section].get(name)
        if rule is None:
            moved = MOVED_KEYS.get(key)
            fix = (
                f"该键已移到「{moved.partition('.')[0]}」节，改写为 {moved}"
                if moved
                else RETIRED_KEYS.get(key, f"「{section}」节允许的键：{sorted(schema[section])}")
            )
            issues.append(Issue(src, key, param.value, "未知的配置键", fix))
            continue
        issues += _check_value(key, param, rule, src)
        if rule.get("check") and not any(i.field == key for i in issues):
            issues += _run_hook(str(rule["check"]), param.value, key)
    present = {key.partition(".")[0] for key in params}
    for section, rules in schema.items():
        if section not in present:  # a profile may leave a whole section out (e.g. zengrong)
            continue
        for name, rule in rules.items():
            if rule.get("required") and f"{section}.{name}" not in params:
                issues.append(
                    Issue(
                        src, f"{section}.{name}", None, "缺少必填键", f"在「{section}」节中设定该值"
                    )
                )
    return issues


def _check_documents(documents: Any, src: str) -> list[Issue]:
    """``[profile] documents`` lists known document codes."""
    if documents is None:
        return []
    known = ", ".join(f"{c}（{d.docnum}）" for c, d in DOCUMENTS.items())
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        return [
            Issue(
                src,
                "profile.documents",
                documents,
                "应为文件代码列表",
                f'写成 ["000"]；可用：{known}',
            )
        ]
    bad = [d for d in documents if d not in DOCUMENTS]
    if bad:
        return [Issue(src, "profile.documents", bad, "未知的文件代码", f"可用：{known}")]
    return []


def _load_chain(
    path: Path, seen: tuple[str, ...]
) -> tuple[dict[str, Any], list[dict[str, Param]], list[Issue]]:
    raw = _read_profile_source(path)
    issues: list[Issue] = []
    meta_raw = raw.get("profile", {})
    if not isinstance(meta_raw, Mapping):
        issues.append(
            Issue(str(path), "profile", meta_raw, "应为一节（[profile] 下逐行 键 = 值）",
                  '写成 [profile] 节：name = "…"、version = "…"、title = "…"')
        )  # fmt: skip
        meta_raw = {}
    meta = dict(meta_raw)
    name = str(meta.get("name", path.stem))
    if name in seen:
        raise ProfileError(
            [Issue(str(path), "profile.extends", seen, "继承关系成环", "去掉循环继承")]
        )
    for bad in sorted(set(meta) - _META_KEYS):
        issues.append(
            Issue(
                str(path),
                f"profile.{bad}",
                meta[bad],
                "未知的元数据键",
                allowed(sorted(_META_KEYS), bad),
            )
        )
    issues += _check_documents(meta.get("documents"), str(path))
    own: dict[str, Param] = {}
    for section, table in raw.items():
        if section == "profile":
            continue
        if not isinstance(table, Mapping):
            issues.append(
                Issue(str(path), section, table, "顶层只能是配置节（表）", "把该值放入某个节中")
            )
            continue
        for key, value in table.items():
            own[f"{section}.{key}"] = _to_param(f"{section}.{key}", value, name, issues, str(path))
    notices = _renamed(own, str(path), issues)
    layers = [own]
    parent = meta.get("extends")
    if parent is not None and not isinstance(parent, str):
        issues.append(
            Issue(str(path), "profile.extends", parent, "应为策略配置名或文件路径（文字）",
                  '写成 extends = "zhejiang-2023"（加英文双引号）')
        )  # fmt: skip
        parent = None
    if parent:
        base = path if path.is_dir() else path.parent
        found = _resolve(parent, base=base, where=(str(path), "profile.extends"))
        parent_meta, parent_layers, parent_issues = _load_chain(found, (*seen, name))
        meta["_chain"] = (name, *parent_meta["_chain"])
        notices = [*parent_meta["_notices"], *notices]
        layers += parent_layers
        issues += parent_issues
    else:
        meta["_chain"] = (name,)
    meta["_notices"] = tuple(notices)
    meta.setdefault("name", name)
    return meta, layers, issues


def load_profile(name_or_path: str | Path) -> Profile:
    """Load a shipped profile by name, or a profile file/folder by path, and validate it.

    Parameters
    ----------
    name_or_path
        ``"shangyu-2022"`` etc. (see :func:`list_profiles`), or a path.

    Raises
    ------
    ProfileError
        Listing every problem: unknown section or key, wrong type, out-of-range value, a missing
        required key, or a value that needs a source and has none.
    """
    path = _resolve(name_or_path)
    meta, layers, issues = _load_chain(path, ())
    merged: dict[str, Param] = {}
    for layer in reversed(layers):  # base first, this profile last wins
        merged.update(layer)
    issues += _validate(merged, _schema(), str(path))
    for key in ("version", "title"):
        if not meta.get(key):
            issues.append(
                Issue(str(path), f"profile.{key}", None, "缺少元数据", f"在 [profile] 中写明 {key}")
            )
    if issues:
        raise ProfileError(issues)
    profile = Profile(
        name=str(meta["name"]),
        version=str(meta["version"]),
        title=str(meta["title"]),
        region=str(meta.get("region", "")),
        chain=tuple(meta["_chain"]),
        params=merged,
        path=str(path),
        documents=tuple(meta.get("documents") or ()),
        description=cite_text(str(meta.get("description") or "")),
        notices=meta["_notices"],
    )
    return _localized(profile)


def _localized(profile: Profile) -> Profile:
    """Every citation as this profile reads it (another county's document → 「参照…」)."""
    params = {
        key: p if p.citation is None else replace(p, citation=profile.localize(p.citation))
        for key, p in profile.params.items()
    }
    return replace(profile, params=params)
