"""Demolition plans, 增容 applications and compliance records built around chosen parcels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from landgov.units import M2_PER_MU

from ._geometry import runs_polygon
from ._parcels import BUILT
from ._words import COMPLIANCE_TEXT, INDUSTRIES, PROJECT_CONTENT

_DAY = np.timedelta64(1, "D")


def demolition_plans(
    rng: np.random.Generator, parcels: pd.DataFrame, corners: np.ndarray, *, avoid: np.ndarray
) -> tuple[pd.DataFrame, list[shapely.Geometry], list[np.ndarray]]:
    """A few 近年拆迁计划 polygons, each over a run of 2–4 neighbouring plots of one row."""
    n_plans = max(3, len(parcels) // 1000)
    key = pd.Series(
        np.arange(len(parcels)),
        index=pd.MultiIndex.from_arrays([parcels["row"].to_numpy(), parcels["pos"].to_numpy()]),
    )
    taken = set(np.flatnonzero(avoid).tolist())
    rows, geoms, members = [], [], []
    for _ in range(50 * n_plans):
        if len(geoms) == n_plans:
            break
        start = int(rng.integers(0, len(parcels)))
        length = int(rng.integers(2, 5))
        r, p = parcels["row"].iat[start], parcels["pos"].iat[start]
        run = [key.get((r, p + k)) for k in range(length)]
        if any(x is None or x in taken for x in run):
            continue
        run = np.array(run)
        taken.update(run.tolist())
        geoms.append(runs_polygon(corners[run]))
        members.append(run)
        town = parcels["township"].iat[start]
        rows.append({"计划名称": f"{town}{len(geoms)}号区块拆迁计划（模拟）", "计划年份": 0})
    years = rng.integers(2025, 2028, len(rows))
    for row, year in zip(rows, years, strict=True):
        row["计划年份"] = int(year)
    return pd.DataFrame(rows), geoms, members


@dataclass
class Case:
    """One 增容 application scenario: how its parcel is chosen and what the form says."""

    key: str
    note: str
    where: Callable[[pd.DataFrame], pd.Series] | None = None
    form: dict[str, str] = field(default_factory=dict)
    over_cap: bool = False


def _mu(p: pd.DataFrame) -> pd.Series:
    return p["area_declared_m2"] / M2_PER_MU


def _cases() -> list[Case]:
    mu = _mu
    return [
        Case("above15", "用地略大于15亩，其余条件齐备", lambda p: mu(p).between(15.05, 17)),
        Case("below15", "用地略小于15亩（不符合面积条件）", lambda p: mu(p).between(13, 14.95)),
        Case("demolition", "宗地在近年拆迁计划范围内", lambda p: p["in_demolition"]),
        Case("standard", "标准厂房项目", form={"是否标准厂房": "是"}),
        Case(
            "restricted", "项目与企业属产业结构调整目录限制类", form={"项目产业目录类别": "限制类"}
        ),
        Case(
            "title_missing",
            "产权状况、首次开发情况未填报（待核实）",
            form={"产权状况": "", "是否完成首次开发": "", "竣工验收（履约验收）": ""},
        ),
        Case("reform", "印染化工电镀搬迁企业（可由联席会议放宽）"),
        Case("special_zone", "宗地位于马海片区（模拟），适用片区政策", lambda p: p["in_zone"]),
        Case("recent_violation", "申请人近一年内有重大环保违法记录"),
        Case("temp_use", "存在临时改变房屋用途", form={"临时改变房屋用途": "是"}),
        Case(
            "structure_ok",
            "改变原建筑结构，已出具结构安全鉴定报告",
            form={"是否改变原建筑结构": "是", "结构安全鉴定报告": "已出具"},
        ),
        Case(
            "structure_missing",
            "改变原建筑结构，未出具结构安全鉴定报告",
            form={"是否改变原建筑结构": "是", "结构安全鉴定报告": "未出具"},
        ),
        Case("dispute", "产权有纠纷", form={"产权状况": "有纠纷"}),
        Case("no_commitment", "未签署征收补偿承诺（待承诺）", form={"已签承诺": "否"}),
        Case(
            "first_dev_no",
            "未完成首次开发",
            form={"是否完成首次开发": "否", "竣工验收（履约验收）": ""},
        ),
        Case("over_cap", "新增建筑面积使容积率超过2.5", over_cap=True),
        Case("allocated", "划拨用地（不属国有出让）", lambda p: p["right_type"] == "划拨"),
        Case("planning", "规划用途已非工业用地", lambda p: p["planned_use"] != "工业用地"),
        Case("clean_a", "各项条件齐备", lambda p: mu(p) > 20),
        Case("clean_b", "两年前曾有重大违法建设记录，一年多前已整改", lambda p: mu(p) > 20),
    ]


_FORM_DEFAULT = {
    "是否改变原建筑结构": "否",
    "是否标准厂房": "否",
    "产权状况": "清晰",
    "是否完成首次开发": "是",
    "临时改变房屋用途": "否",
    "已签承诺": "是",
    "结构安全鉴定报告": "",
}
_FORM_LATER = {"竣工验收（履约验收）": "已通过"}  # after the original columns


def choose_applications(
    rng: np.random.Generator, parcels: pd.DataFrame, links: pd.DataFrame, ent: pd.DataFrame
) -> list[tuple[Case, int, int]]:
    """Pick (case, parcel row, enterprise id) for every scenario that the sample can support."""
    owners = links[links["relation"] == "自有"].drop_duplicates("plot").set_index("plot")["ent"]
    base = (
        (parcels["status"] == BUILT)
        & (parcels["land_use"] == "工业用地")
        & (parcels["far_declared"] < 2.0)
        & (parcels["far_declared"] > 0.3)
        & parcels.index.isin(owners.index)
    )
    owner_of = np.full(len(parcels), -1)
    owner_of[owners.index.to_numpy()] = owners.to_numpy()
    free = np.ones(len(parcels), dtype=bool)
    used_ents: list[int] = []
    out = []
    for case in _cases():
        ok = base & ((parcels["right_type"] == "出让") | (case.key == "allocated"))
        if case.where is not None:
            ok &= case.where(parcels).fillna(False).astype(bool)
        if case.key not in {"above15", "below15"}:
            # clearly over 15 亩, so condition 1 does not mask the scenario's own cause
            ok &= _mu(parcels) > 16
        if case.key not in {"demolition", "special_zone", "planning"}:
            ok &= ~parcels["in_demolition"] & ~parcels["in_zone"]
            ok &= parcels["planned_use"] == "工业用地"
        cand = np.flatnonzero(ok.to_numpy() & free & ~np.isin(owner_of, used_ents))
        if not len(cand):
            continue
        plot = int(cand[int(rng.integers(0, len(cand)))])
        free[plot] = False
        used_ents.append(int(owner_of[plot]))
        out.append((case, plot, int(owner_of[plot])))
    return out


def adjust_enterprises(ent: pd.DataFrame, chosen: list[tuple[Case, int, int]]) -> pd.DataFrame:
    """Make the applicants fit their scenario (restricted line, dyeing relocation)."""
    e = ent.copy()
    dye = next(i for i, row in enumerate(INDUSTRIES) if row[0] == "1752")
    for case, _, eid in chosen:
        if case.key == "restricted":
            e.loc[eid, "catalogue_class"] = "限制类"
        elif case.key == "reform":
            e.loc[eid, "industry"] = dye
            e.loc[eid, "reform_sector"] = INDUSTRIES[dye][4]
        elif e.loc[eid, "catalogue_class"] in {"限制类", "淘汰类"}:
            e.loc[eid, "catalogue_class"] = "允许类"
    return e


def application_table(
    rng: np.random.Generator,
    chosen: list[tuple[Case, int, int]],
    parcels: pd.DataFrame,
    ent: pd.DataFrame,
    *,
    year: int,
) -> pd.DataFrame:
    """The 增容申请 sheet (one row per application) plus a private ``_case`` column."""
    rows = []
    for k, (case, plot, eid) in enumerate(chosen, start=1):
        p, e = parcels.loc[plot], ent.loc[eid]
        land = float(p["area_declared_m2"])
        headroom = max(2.5 * land - float(p["floor_area_m2"]), 0.0)
        added = headroom * rng.uniform(0.3, 0.8)
        if case.over_cap:
            added = headroom + 0.3 * land
        added = round(added, 2)
        total = round(added * rng.uniform(0.3, 0.6), 1)
        storeys = int(rng.integers(3, 7))
        content = PROJECT_CONTENT[int(rng.integers(0, len(PROJECT_CONTENT)))]
        short = str(e["name"]).removesuffix("股份有限公司").removesuffix("有限公司")
        fixed = round(total * rng.uniform(0.75, 0.9), 1)  # draws in the original order
        tax = round(land / M2_PER_MU * rng.uniform(25, 60), 1)
        # the 标准地 figures follow from the tax (no extra random draws: the rest of the sample
        # stays as it was): 工业增加值 3.5 × 税收, 2.5 万元 per tce, 250 万元 per t emitted, 3 % R&D
        value_added = round(3.5 * tax, 1)
        row = {
            "申请编号": f"ZR{year}-{k:03d}",
            "宗地代码": p["parcel_id"],
            "统一社会信用代码": e["uscc"],
            "项目名称": f"{short}增容技改项目",
            "新增建筑面积（平方米）": added,
            "项目总投资（万元）": total,
            "固定资产投资（万元）": fixed,
            "达产后年税收（万元）": tax,
            **_FORM_DEFAULT,
            **{k: v for k, v in case.form.items() if k in _FORM_DEFAULT},
            "项目建设内容": content.format(n=storeys, k=int(rng.integers(2, 9))),
            # fields added for issue 10 come last, so older columns keep their places
            "申请日期": dt.date(year, 1, 2) + dt.timedelta(days=3 * k),
            "项目行业代码": e["industry_code"],
            "所属行业": e["industry_name"],
            "项目产业目录类别": e["catalogue_class"],
            "达产后年工业增加值（万元）": value_added,
            "达产后年综合能耗（吨标准煤）": round(value_added / 2.5, 1),
            "主要污染物年排放量（吨）": round(value_added / 250, 2),
            "研发经费占营业收入比例（%）": 3.0,
            **_FORM_LATER,
            **{k: v for k, v in case.form.items() if k not in _FORM_DEFAULT},
            "_case": case.key,
            "_note": case.note,
        }
        rows.append(row)
    return pd.DataFrame(rows)


#: Records the application scenarios need: (category, severity, days before as_of, days of
#: 整改 after the record or None when still open).
_SPECIAL_RECORDS = {
    "recent_violation": ("环保", "重大", 95, None),
    "clean_b": ("违法建设", "重大", 760, 120),
}


def _rectification(
    records: list[tuple[Any, Any, Any, Any]], *, as_of: np.datetime64
) -> list[tuple[str | None, object]]:
    """整改情况 and 整改完成日期 per record: old records mostly rectified, recent ones mostly open.

    Drawn from a generator of its own so the records, and everything drawn after them, stay
    what they were before rectification was added. A few records leave the status blank
    (unknown: screening says 待核实 for them).
    """
    rng = np.random.default_rng(len(records))
    out: list[tuple[str | None, object]] = []
    for *_, days in records:
        age = int(days)
        u = rng.random()
        if u < 0.05:
            out.append((None, None))
        elif u < (0.35 if age < 365 else 0.85):
            took = int(rng.integers(7, max(8, min(age, 240))))
            out.append(("已整改", _day_before(as_of, age - took)))
        else:
            out.append(("未整改", None))
    return out


def _day_before(as_of: np.datetime64, days: int) -> object:
    return (as_of - days * _DAY).astype("datetime64[D]").item()


def compliance_table(
    rng: np.random.Generator,
    ent: pd.DataFrame,
    first_parcel: pd.Series,
    chosen: list[tuple[Case, int, int]],
    *,
    as_of: np.datetime64,
) -> pd.DataFrame:
    """违法违规记录: random records plus the ones the application scenarios need.

    Each record has 整改情况 (已整改/未整改, a few blank) and 整改完成日期 for rectified ones.
    """
    applicants = {eid for _, _, eid in chosen}
    pool = np.setdiff1d(ent.index.to_numpy(), np.array(sorted(applicants), dtype=np.int64))
    n = max(30, round(0.015 * len(ent)))
    who = rng.choice(pool, size=min(n, len(pool)), replace=False)
    cats = list(COMPLIANCE_TEXT)
    cat = rng.choice(cats, size=len(who))
    sev = rng.choice(["一般", "较大", "重大"], size=len(who), p=[0.65, 0.25, 0.1])
    recent = rng.random(len(who)) < 0.45
    age = np.where(recent, rng.integers(10, 360, len(who)), rng.integers(370, 1800, len(who)))
    records = list(zip(who, cat, sev, age, strict=True))
    fixes = _rectification(records, as_of=as_of)
    for case, _, eid in chosen:
        if case.key in _SPECIAL_RECORDS:
            kind, level, days, took = _SPECIAL_RECORDS[case.key]
            records.append((eid, kind, level, days))
            fixes.append(
                ("未整改", None) if took is None else ("已整改", _day_before(as_of, days - took))
            )
    grade_d = np.flatnonzero((ent["grade_given"] == "D").to_numpy())
    if len(grade_d):
        records.append((int(ent.index[grade_d[0]]), "安全", "重大", 150))
        fixes.append(("未整改", None))
    rows = []
    for (eid, c, s, a), (status, fixed) in zip(records, fixes, strict=True):
        texts = COMPLIANCE_TEXT[str(c)]
        rows.append(
            {
                "统一社会信用代码": ent.loc[eid, "uscc"],
                "宗地代码": first_parcel[eid] if rng.random() < 0.6 else "",
                "问题类别": str(c),
                "严重程度": str(s),
                "记录日期": _day_before(as_of, int(a)),
                "问题描述": texts[int(rng.integers(0, len(texts)))],
                "整改情况": status,
                "整改完成日期": fixed,
            }
        )
    out = pd.DataFrame(rows).sort_values(["记录日期", "统一社会信用代码"], kind="stable")
    return out.reset_index(drop=True)
