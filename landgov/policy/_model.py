"""Frozen, validated policy-profile objects."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Final

from landgov.core.compare import compare, describe
from landgov.core.documents import DOCUMENTS
from landgov.verdict import Citation

__all__ = [
    "BELOW_SCALE_MIN_LAND",
    "PROVINCE",
    "Param",
    "Profile",
    "below_scale_min_land",
    "binding_documents",
]

#: The region whose documents bind every profile: landgov's profiles are Zhejiang counties.
PROVINCE: Final = "浙江省"


def binding_documents(own: Iterable[str]) -> frozenset[str]:
    """The documents that bind a profile: its own, and every province document.

    >>> sorted(binding_documents(["000"]))
    ['000', '004']
    """
    province = {code for code, doc in DOCUMENTS.items() if doc.region == PROVINCE}
    return frozenset(own) | province


@dataclass(frozen=True)
class Param:
    """One policy value with its unit and the clause it comes from.

    ``citation`` is ``None`` only for values that need none (labels, switches). Values that no
    document fixes carry ``Citation(official=False)`` and are shown as 示例规则（非官方）; a value
    cited to another county's document is ``borrowed`` (「参照…」, not official); a value the
    project computed from a clause carries the derivation in ``citation.derived``.
    ``origin`` names the profile that set the value (useful when a profile extends another).
    ``comparison`` (``"<="``, ``"<"``, ``">="``, ``">"``) says how a threshold compares: the
    condition holds where ``value_seen <comparison> value`` (「以上」「以下」 include the number,
    「大于」「低于」 do not; see :mod:`landgov.core.compare`).
    """

    key: str
    value: Any
    unit: str | None = None
    citation: Citation | None = None
    note: str | None = None
    origin: str = ""
    comparison: str | None = None

    def compare(self, seen: Any) -> Any:
        """``seen <comparison> value`` for a scalar or Series (missing → False).

        >>> Param("screening.x", 5.0, comparison="<=").compare(5.0)
        True
        """
        if self.comparison is None:
            raise ValueError(f"策略参数 {self.key} 未注明比较方式（comparison）")
        return compare(seen, self.comparison, self.value)

    def describe(self) -> str:
        """The threshold in words: ``≤ 5 万元/亩（以下，含本数）``."""
        if self.comparison is None:
            return f"{self.value} {self.unit or ''}".strip()
        if isinstance(self.value, Mapping):  # a table of thresholds sharing one comparison
            return "；".join(
                f"{k} {describe(self.comparison, v, self.unit)}" for k, v in self.value.items()
            )
        return describe(self.comparison, self.value, self.unit)

    def cite(self) -> str:
        """The citation as text (empty when there is none)."""
        return "" if self.citation is None else str(self.citation)

    @property
    def official(self) -> bool:
        """True unless the citation marks the value as a default, borrowed or derived."""
        return self.citation is None or self.citation.official

    @property
    def derived(self) -> str | None:
        """How the project derived the value (``"20.8 × 2（「翻番」…）"``), or ``None``."""
        return None if self.citation is None else self.citation.derived


@dataclass(frozen=True)
class Profile:
    """A versioned set of thresholds, weights, rules and targets for one county and year.

    Keys are ``"section.key"`` (e.g. ``"screening.low_efficiency_tax_per_mu"``).
    ``documents`` are the county documents that are the profile's own (``("000",)`` for
    越城区); with the province documents they bind it (:func:`binding_documents`). A value cited
    to any other document is a project default borrowed from another county (「参照…」).
    """

    name: str
    version: str
    title: str
    region: str
    chain: tuple[str, ...]  # this profile first, then what it extends
    params: Mapping[str, Param] = field(default_factory=dict)
    path: str = ""
    documents: tuple[str, ...] = ()
    description: str = ""
    notices: tuple[str, ...] = ()  # 提示 lines from loading (a renamed key read as its new name)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __repr__(self) -> str:
        """Name, version and the number of values: the values themselves are tens of kB
        (``landgov profiles show`` prints them)."""
        return f"Profile(name={self.name!r}, version={self.version!r}, {len(self.params)} params)"

    def __getitem__(self, key: str) -> Param:
        try:
            return self.params[key]
        except KeyError:
            near = ", ".join(
                sorted(k for k in self.params if k.split(".")[0] == key.split(".", maxsplit=1)[0])
            )
            raise KeyError(
                f"策略配置 {self.name} 中没有「{key}」。同一节中的键：{near or '（无）'}"
            ) from None

    def __contains__(self, key: object) -> bool:
        return key in self.params

    def __iter__(self) -> Iterator[str]:
        return iter(self.params)

    def value(self, key: str, default: Any = ...) -> Any:
        """The value of ``key``; ``default`` if given and the key is absent."""
        if default is not ... and key not in self.params:
            return default
        return self[key].value

    def citation(self, key: str) -> Citation:
        """The citation of ``key``; a profile-default citation when the value has none."""
        cit = self[key].citation
        return cit if cit is not None else Citation(None, f"策略配置 {self.name}", official=False)

    def localize(self, citation: Citation) -> Citation:
        """``citation`` as this profile reads it: borrowed when no document it cites binds it.

        A citation of the profile's own document or a province document is returned as is; one
        that cites only other counties' documents (上虞's 3 亩 in a 越城 profile) becomes
        ``borrowed`` (「参照虞政发〔2022〕12号 第三条第（二）项第1目」, not official); one that
        cites the profile's own beside another county's names the other 「参照…」
        (``borrowed_codes``) and stays official on its own. Code that
        builds its
        own citations of a county document should pass them through here.
        """
        cited = citation.documents
        if not cited or citation.borrowed:
            return citation
        binding = binding_documents(self.documents)
        if not binding & set(cited):
            return replace(citation, borrowed=True)
        # the profile's own document beside another county's: the other is 「参照…」
        others = tuple(dict.fromkeys(c for c in cited if c not in binding))
        return replace(citation, borrowed_codes=others) if others else citation

    def section(self, name: str) -> dict[str, Param]:
        """All params of one section, by key without the section prefix."""
        prefix = name + "."
        return {k[len(prefix) :]: p for k, p in self.params.items() if k.startswith(prefix)}

    @property
    def label(self) -> str:
        """``name v版本`` for manifests and titles."""
        return f"{self.name} v{self.version}"

    def as_rows(self) -> list[dict[str, Any]]:
        """One row per param (for printing, Excel and manifests)."""
        return [
            {
                "key": k,
                "value": p.value,
                "unit": p.unit or "",
                "comparison": p.comparison or "",
                "source": p.cite(),
                "from": p.origin,
                "note": p.note or "",
            }
            for k, p in sorted(self.params.items())
        ]


#: The one 规下 land threshold: 「以规上制造业企业、实际用地3亩以上的规下制造业企业为重点开展排查」
#: [001 三(二)1]，「实际用地3亩(含)以上的规下制造业企业」 [002 三(二)1] set both the screening
#: focus (底数清单) and which 规下 firms the 亩均 evaluation grades (企业评价); one value, so the
#: two never disagree about the same firm.
BELOW_SCALE_MIN_LAND: Final = "screening.small_firm_min_land_mu"


def below_scale_min_land(profile: Profile) -> Param:
    """The 规下 land threshold (亩, ``>=``) read by screening and the 亩均 evaluation alike.

    >>> from landgov.policy import load_profile
    >>> below_scale_min_land(load_profile("shangyu-2022")).describe()
    '≥ 3 亩（以上，含本数）'
    """
    return profile[BELOW_SCALE_MIN_LAND]


def freeze(value: Any) -> Any:
    """Deep-freeze TOML values: dicts → read-only mappings, lists → tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value
