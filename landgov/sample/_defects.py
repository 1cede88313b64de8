"""The deliberately bad rows that the readers must report.

Every defect is recorded as ``{"file", "row", "excel_row", "field", "value", "problem"}`` where
``row`` is the 1-based data row (for a shapefile, the record number) and ``excel_row`` the row
number a user sees in Excel (``None`` for shapefiles).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from landgov.ids import USCC_ALPHABET

_FULLWIDTH = str.maketrans({**{str(i): chr(0xFF10 + i) for i in range(10)}, ".": "．"})


def _record(
    file: str, row: int, field: str, value: object, problem: str, *, header_rows: int | None
) -> dict[str, object]:
    excel = None if header_rows is None else row + header_rows
    return {
        "file": file,
        "row": row,
        "excel_row": excel,
        "field": field,
        "value": value,
        "problem": problem,
    }


def break_parcels(
    rng: np.random.Generator,
    parcels: pd.DataFrame,
    geometry: np.ndarray,
    corners: np.ndarray,
    *,
    plain: np.ndarray,
    unlinked: np.ndarray,
    geometry_defects: bool = True,
) -> tuple[pd.DataFrame, np.ndarray, list[dict[str, object]]]:
    """Two bow-ties, one duplicate code, one null geometry, one overlapping pair.

    ``parcels`` is in file order (row i is record i + 1); ``plain`` marks rows free to break,
    ``unlinked`` rows without links. ``geometry_defects=False`` leaves out the bow-ties and
    the null geometry (the rows are still drawn, so the random stream stays the same): every
    polygon is valid.
    """
    p = parcels.copy()
    geom = geometry.copy()
    bad: list[dict[str, object]] = []
    f = "parcels.shp"
    # overlapping pair: a plot and its right-hand neighbour in the same row
    key = pd.MultiIndex.from_arrays([p["row"].to_numpy(), p["pos"].to_numpy()])
    right = key.get_indexer(
        pd.MultiIndex.from_arrays([p["row"].to_numpy(), p["pos"].to_numpy() + 1])
    )
    ok = plain & (right >= 0)
    ok[ok] &= plain[right[ok]]
    cand = np.flatnonzero(ok)
    a = int(cand[int(rng.integers(0, len(cand)))])
    b = int(right[a])
    ca, cb = corners[a].copy(), corners[b]
    ca[1] = ca[1] + 0.3 * (cb[1] - cb[0])
    ca[2] = ca[2] + 0.3 * (cb[2] - cb[3])
    geom[a] = shapely.polygons(np.round(ca, 3))
    free = plain.copy()
    free[[a, b]] = False
    # the record whose code is overwritten has no links, so no link loses its parcel
    dst_pool = np.flatnonzero(free & unlinked) if (free & unlinked).any() else np.flatnonzero(free)
    dup_dst = int(dst_pool[int(rng.integers(0, len(dst_pool)))])
    free[dup_dst] = False
    pick = rng.choice(np.flatnonzero(free), size=4, replace=False)
    bow1, bow2, dup_src, null = (int(x) for x in pick)
    for r in (bow1, bow2) if geometry_defects else ():
        geom[r] = shapely.polygons(corners[r][[0, 1, 3, 2]])
        bad.append(_record(f, r + 1, "geometry", "", "自相交（蝴蝶结形）多边形", header_rows=None))
    code = p["parcel_id"].iat[dup_src]
    p.iloc[dup_dst, p.columns.get_loc("parcel_id")] = code
    bad.append(
        _record(
            f,
            dup_dst + 1,
            "宗地代码",
            code,
            f"宗地代码与第 {dup_src + 1} 条记录重复",
            header_rows=None,
        )
    )
    if geometry_defects:
        geom[null] = None
        bad.append(_record(f, null + 1, "geometry", "", "空几何（无图形）", header_rows=None))
    bad.append(
        _record(
            f,
            a + 1,
            "geometry",
            "",
            f"与第 {b + 1} 条记录（{p['parcel_id'].iat[b]}）图形重叠约三成",
            header_rows=None,
        )
    )
    bad.sort(key=lambda r: int(r["row"]))
    return p, geom, bad


def _fullwidth(x: float) -> str:
    return f"{x:.2f}".translate(_FULLWIDTH)


def break_enterprises(
    rng: np.random.Generator, ent: pd.DataFrame, *, plain: np.ndarray, header_rows: int
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Masked and wrong-check USCCs and the badly typed cells, on rows marked ``plain``.

    Tax and land defects go to 规下 firms so the 规上 calibration is not disturbed.
    """
    e = ent.copy()
    for col in ("uscc", "tax_wan", "revenue_wan", "value_added_wan", "land_mu"):
        e[col] = e[col].astype(object)
    above = e["above"].to_numpy()
    land = e["land_mu"].to_numpy(dtype=float)
    free = plain.copy()
    bad: list[dict[str, object]] = []
    f = "enterprises.xlsx"

    def take(mask: np.ndarray) -> int:
        cand = np.flatnonzero(free & mask)
        if not len(cand):
            cand = np.flatnonzero(free)
        r = int(cand[int(rng.integers(0, len(cand)))])
        free[r] = False
        return r

    def put(r: int, col: str, label: str, value: object, problem: str) -> None:
        e.iloc[r, e.columns.get_loc(col)] = value
        bad.append(_record(f, r + 1, label, value, problem, header_rows=header_rows))

    everyone = np.ones(len(e), dtype=bool)
    r = take(everyone)
    code = str(e["uscc"].iat[r])
    put(r, "uscc", "统一社会信用代码", code[:6] + "*" * 8 + code[-4:], "代码已脱敏，无法关联")
    r = take(everyone)
    code = str(e["uscc"].iat[r])
    wrong = USCC_ALPHABET[(USCC_ALPHABET.index(code[-1]) + 7) % 31]
    put(r, "uscc", "统一社会信用代码", code[:-1] + wrong, f"校验位错误（应为 {code[-1]}）")
    r = take(~above)
    put(r, "tax_wan", "税收（万元）", f"{e['tax_wan'].iat[r]:g}万元", "数值单元格带单位文字")
    r = take(e["revenue_wan"].to_numpy(dtype=float) >= 1000)
    put(r, "revenue_wan", "营业收入（万元）", f"{e['revenue_wan'].iat[r]:,.2f}", "千位分隔符文本")
    r = take(above)
    put(
        r,
        "value_added_wan",
        "工业增加值（万元）",
        _fullwidth(e["value_added_wan"].iat[r]),
        "全角数字",
    )
    r = take(~above)
    put(
        r,
        "tax_wan",
        "税收（万元）",
        f"{float(e['tax_wan'].iat[r]) * 10000:.0f}元",
        "单位为元（应为万元，需除以10000）",
    )
    r = take(~above & (land < 3))
    put(r, "land_mu", "用地面积（亩）", f"{land[r]:.1f}亩", "数值单元格带单位文字")
    r = take(~above)
    put(
        r,
        "land_mu",
        "用地面积（亩）",
        f"{land[r] * 10000 / 15:.0f} m²",
        "单位为平方米（应为亩，需除以666.67）",
    )
    r = take(~above)
    put(r, "tax_wan", "税收（万元）", None, "税收缺失")
    bad.sort(key=lambda x: int(x["row"]))
    return e, bad


def break_links(
    rng: np.random.Generator,
    links: pd.DataFrame,
    *,
    missing_parcel: str,
    missing_uscc: str,
    unlinked_uscc: str,
    header_rows: int,
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Drop the links of one enterprise and add two links that point at nothing."""
    lk = links[links["统一社会信用代码"] != unlinked_uscc].reset_index(drop=True)
    extra = [
        {
            "宗地代码": missing_parcel,
            "统一社会信用代码": lk["统一社会信用代码"].iat[0],
            "关系": "租用",
            "使用面积（平方米）": 800.0,
        },
        {
            "宗地代码": lk["宗地代码"].iat[len(lk) // 2],
            "统一社会信用代码": missing_uscc,
            "关系": "租用",
            "使用面积（平方米）": 520.0,
        },
    ]
    at = np.sort(rng.choice(len(lk), size=2, replace=False))
    parts, prev = [], 0
    for k, pos in enumerate(at):
        parts += [lk.iloc[prev:pos], pd.DataFrame([extra[k]])]
        prev = int(pos)
    parts.append(lk.iloc[prev:])
    out = pd.concat(parts, ignore_index=True)
    rows = [
        int(np.flatnonzero(out["宗地代码"] == missing_parcel)[0]),
        int(np.flatnonzero(out["统一社会信用代码"] == missing_uscc)[0]),
    ]
    bad = [
        _record(
            "links.xlsx",
            rows[0] + 1,
            "宗地代码",
            missing_parcel,
            "宗地不存在于 parcels.shp",
            header_rows=header_rows,
        ),
        _record(
            "links.xlsx",
            rows[1] + 1,
            "统一社会信用代码",
            missing_uscc,
            "企业不存在于 enterprises.xlsx",
            header_rows=header_rows,
        ),
    ]
    return out, bad
