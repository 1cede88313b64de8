"""The inputs of the join, checked: columns, enterprises, links, the parcel look-up."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.distinct import isin_texts
from landgov.core.missing import present_values
from landgov.core.problems import ProblemLog, Severity
from landgov.errors import Issue, SchemaError
from landgov.ids import USCCStatus, check_uscc, normalize_uscc
from landgov.io._codes import valid_usccs
from landgov.link._model import TOTAL_COLUMNS, Relation

# --- inputs -----------------------------------------------------------------------------------


def _check_columns(parcels: pd.DataFrame, enterprises: pd.DataFrame, links: pd.DataFrame) -> None:
    needed = {"宗地": (parcels, ["parcel_id"]), "企业": (enterprises, ["uscc"])}
    needed["地企关联"] = (links, ["parcel_id", "uscc"])
    issues = [
        Issue(table, col, list(frame.columns), "缺少必需字段", f"在{table}表中提供「{col}」字段")
        for table, (frame, cols) in needed.items()
        for col in cols
        if col not in frame.columns
    ]
    if "area_m2" not in parcels.columns and not _projected(parcels):
        issues.append(
            Issue(
                "宗地",
                "area_m2",
                getattr(parcels, "crs", None),
                "没有图形面积，且图层不是投影坐标系，无法计算面积",
                "先用 landgov.io.read_parcels 读取，"
                "或投影到 CGCS2000 高斯-克吕格坐标系（如 EPSG:4549）",
            )
        )
    if issues:
        raise SchemaError(issues)


def _projected(frame: pd.DataFrame) -> bool:
    crs = getattr(frame, "crs", None)
    return isinstance(frame, gpd.GeoDataFrame) and crs is not None and bool(crs.is_projected)


def _with_area(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if "area_m2" in parcels.columns:
        return parcels
    out = parcels.copy()
    out["area_m2"] = out.geometry.area
    return out


def _prepare_enterprises(enterprises: pd.DataFrame, log: ProblemLog) -> pd.DataFrame:
    """Normalised USCC, its status, and which rows can be joined (valid, first of duplicates)."""
    ents = pd.DataFrame(index=enterprises.index)
    ents["uscc"] = enterprises["uscc"].map(normalize_uscc)
    ents["status"] = _uscc_status(ents["uscc"])
    ents["name"] = enterprises["name"] if "name" in enterprises.columns else pd.NA
    for col in TOTAL_COLUMNS:
        ents[col] = (
            pd.to_numeric(enterprises[col], errors="coerce")
            if col in enterprises.columns
            else np.nan
        )
    missing = [c for c in TOTAL_COLUMNS if c not in enterprises.columns]
    if missing:
        log.add(
            "企业表缺少字段，分摊到宗地的对应合计为空值",
            field="、".join(missing),
            action="如有数据，请在企业表中补充这些字段",
            severity=Severity.INFO,
            role="enterprises",
        )
    valid = ents["status"] == USCCStatus.VALID.value
    dup = valid & ents["uscc"].duplicated(keep="first")
    ents["joinable"] = valid & ~dup
    ents["reason"] = pd.Series(pd.NA, index=ents.index, dtype="object")
    ents.loc[~valid, "reason"] = "统一社会信用代码" + ents.loc[~valid, "status"] + "，不予关联"
    ents.loc[dup, "reason"] = "统一社会信用代码在企业表中重复（仅首行参与关联）"
    for idx in ents.index[~ents["joinable"]]:
        log.add(
            ents.at[idx, "reason"],
            row=_row(enterprises, idx),
            field="uscc",
            value=enterprises.at[idx, "uscc"],
            action="核对企业表中的统一社会信用代码（脱敏代码须换成完整代码）",
            severity=Severity.WARNING,
            role="enterprises",
        )
    return ents


def _uscc_status(codes: pd.Series) -> pd.Series:
    """``check_uscc(code).value`` of each normalised code; the codes valid as written are
    found for the whole column at once (:func:`~landgov.io._codes.valid_usccs`), only the
    others are checked one by one."""
    valid, ok = valid_usccs(codes.tolist()), USCCStatus.VALID.value
    return codes.map(lambda c: ok if c in valid else check_uscc(c).value)


def _row(frame: pd.DataFrame, idx: object) -> int | None:
    if "source_row" in frame.columns:
        value = frame.at[idx, "source_row"]
        return None if pd.isna(value) else int(value)
    return None


_RELATIONS = {
    "owner": Relation.OWNER,
    "自有": Relation.OWNER,
    "自用": Relation.OWNER,
    "权利人": Relation.OWNER,
    "tenant": Relation.TENANT,
    "租用": Relation.TENANT,
    "承租": Relation.TENANT,
    "租赁": Relation.TENANT,
}


def _prepare_links(links: pd.DataFrame) -> pd.DataFrame:
    lk = pd.DataFrame(index=links.index)
    # 「—」 or a blank is no code and no relation (core.missing), as the links reader reads it
    codes = present_values(links["parcel_id"])
    lk["parcel_id"] = ["" if v is None else str(v).strip() for v in codes]
    lk["uscc"] = links["uscc"].map(normalize_uscc)
    lk["status"] = _uscc_status(lk["uscc"])
    rel = links["relation"] if "relation" in links.columns else pd.Series(pd.NA, index=links.index)
    lk["relation"] = pd.Series(
        [None if v is None else _RELATIONS.get(str(v).strip()) for v in present_values(rel)],
        index=links.index,
        dtype=object,
    )
    lk["relation_given"] = rel
    area = links["area_used_m2"] if "area_used_m2" in links.columns else np.nan
    lk["area_given"] = pd.to_numeric(pd.Series(area, index=links.index), errors="coerce")
    lk["source_row"] = links["source_row"] if "source_row" in links.columns else pd.NA
    return lk


def _parcel_lookup(parcels: pd.DataFrame, log: ProblemLog) -> dict[str, object]:
    """``parcel_id`` → index label of its first row; duplicates are reported."""
    ids = parcels["parcel_id"].map(lambda v: "" if pd.isna(v) else str(v).strip())
    lookup: dict[str, object] = {}
    for idx, pid in zip(ids.index, ids.tolist(), strict=True):
        if not pid:
            continue
        if pid in lookup:
            log.add(
                "宗地代码重复：地企关联只连到第一宗",
                row=_row(parcels, idx),
                field="parcel_id",
                value=pid,
                action="核对宗地图层，合并或更正重复的宗地代码",
                severity=Severity.WARNING,
                role="parcels",
            )
            continue
        lookup[pid] = idx
    return lookup


def _classify_links(
    lk: pd.DataFrame, pid_to_index: dict[str, object], ents: pd.DataFrame, log: ProblemLog
) -> pd.DataFrame:
    """Add ``parcel_index`` and ``unmatched_reason`` (NA for links that join)."""
    lk = lk.copy()
    joinable = set(ents.loc[ents["joinable"], "uscc"].tolist())
    lk["parcel_index"] = lk["parcel_id"].map(pid_to_index)
    reason = pd.Series(pd.NA, index=lk.index, dtype="object")
    dup = lk.duplicated(["parcel_id", "uscc"], keep="first")
    checks = [  # later checks take precedence: the root cause wins
        (dup, "重复的地企关联（同一宗地、同一企业），只采用第一行", "删除重复行", "parcel_id"),
        (
            ~isin_texts(lk["uscc"], joinable),
            "企业表中无此统一社会信用代码",
            "在企业表中补充该企业",
            "uscc",
        ),
        (lk["parcel_index"].isna(), "宗地图层中无此宗地代码", "核对宗地代码", "parcel_id"),
        (
            lk["status"] != USCCStatus.VALID.value,
            "统一社会信用代码" + lk["status"] + "，不予关联",
            "换成完整、有效的统一社会信用代码",
            "uscc",
        ),
    ]
    how = pd.DataFrame({"action": "", "field": ""}, index=lk.index, dtype="object")
    for mask, text, action, field in checks:
        reason = reason.mask(mask, text)
        how.loc[mask, ["action", "field"]] = [action, field]
    lk["unmatched_reason"] = reason
    for idx in lk.index[reason.notna()]:
        log.add(
            f"地企关联未连接：{reason[idx]}",
            row=None if pd.isna(lk.at[idx, "source_row"]) else int(lk.at[idx, "source_row"]),
            field=how.at[idx, "field"],
            value=f"{lk.at[idx, 'parcel_id']} / {lk.at[idx, 'uscc']}",
            action=how.at[idx, "action"],
            severity=Severity.WARNING,
            role="links",
        )
    return lk


def _users(lk: pd.DataFrame) -> pd.DataFrame:
    """The links that put an enterprise on a plot, with ``joined``: the classified links that
    join (``unmatched_reason`` NA), and those on a plot of the layer whose enterprise cannot be
    joined (not in the enterprise table, or a masked, invalid or missing code; once per plot
    and code). The latter still use land there, and their figures are not known: the plot's
    totals are then not known either (a floor at most), never those of the others alone."""
    on_plot = lk["parcel_index"].notna() & ~lk.duplicated(["parcel_id", "uscc"], keep="first")
    users = lk[lk["unmatched_reason"].isna() | on_plot].copy()
    users["joined"] = users["unmatched_reason"].isna()
    return users
