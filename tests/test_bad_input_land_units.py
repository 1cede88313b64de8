"""An enterprise table's 用地面积 in 亩 under a 平方米 header, as a county 经信 office sends it
when the column was renamed for one sheet and pasted from another.

Read as the header says, each firm's declared land is 666.67 times too small. The whole-column
money check (``plausible.money_per_mu_max_wan``) then divided 工业增加值 and 营业收入 by that
land, found 亩均 figures in the hundreds of thousands of 万元, and set both columns aside as
「像是按元而非万元填报」 — blaming the wrong column, with every firm's 亩均增加值 lost. Now the area
column is judged first: as a column (its median) and firm by firm (against its linked plots).

Plots of 100 m × 100 m = 10000 m² = 15 亩 (1 亩 = 10000/15 m²). Expected results by hand in
the docstrings.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from landgov.core.plausible import check_values
from landgov.core.problems import Severity
from landgov.io import read_enterprises, read_links, read_parcels
from landgov.link import link_parcels
from landgov.policy import load_profile
from tests.test_bad_input_firms import A, B, C, D, E, P, _parcels, _xlsx

AS_OF = dt.date(2025, 6, 30)
HEADER = ["统一社会信用代码", "企业名称", "规上/规下", "税收（万元）", "工业增加值（万元）"]
LINKS = [["宗地代码", "统一社会信用代码", "关系"], [P[0], A, "自有"], [P[1], B, "自有"]]
LINKS.append([P[2], C, "自有"])


def _firms(path: Path, land: list[float], header: str = "用地面积（平方米）") -> Path:
    rows: list[list[object]] = [[*HEADER, header]]
    for code, tax, added, mu in zip((A, B, C, D), (30, 45, 60, 20), (4000, 2000, 900, 600), land,
                                    strict=True):  # fmt: skip
        rows.append([code, "某公司", "规上", tax, added, mu])
    return _xlsx(path, ("企业", rows))


def _checked(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    read = read_enterprises(path)
    checked = check_values(
        read.data, load_profile("yuecheng-2022"), source=path.name, as_of=AS_OF,
        field_names=read.meta.get("field_map") or {},
    )  # fmt: skip
    return checked.data, checked.problems


def test_a_column_of_mu_under_a_square_metre_header_is_set_aside_not_the_money(
    tmp_path: Path,
) -> None:
    """「用地面积（平方米）」 holding 15, 15, 0.8, 40 (亩). Read as m²: 0.0225, 0.0225, 0.0012,
    0.06 亩; the median 15 m² is below 100 m² (plausible.firm_land_median_min_m2): the land
    column is missing, one 错误 row, and no row of it said again (0.8 m² is below the 1 m² row
    bound). Was: 0.8 set aside alone, then 工业增加值 ÷ land = 4000 ÷ 0.0225 = 177,778, 2000 ÷
    0.0225 = 88,889, 600 ÷ 0.06 = 10,000 万元/亩, median 88,889 > 20,000: 工业增加值 set aside
    as 「按元而非万元」 and every 亩均增加值 lost. Now it stays: 4000, 2000, 900, 600; tax too
    (30 ÷ 0.0225 = 1,333, 2,000, 333 万元/亩: it passed before as well)."""
    data, problems = _checked(_firms(tmp_path / "亩均数据.xlsx", [15, 15, 0.8, 40]))
    assert data["land_mu"].isna().all(), data["land_mu"]
    assert data["value_added_wan"].tolist() == pytest.approx([4000, 2000, 900, 600])
    assert data["tax_wan"].tolist() == pytest.approx([30, 45, 60, 20])
    assert not problems["problem"].str.contains("按元而非万元", regex=False).any(), problems
    said = problems[problems["problem"].str.contains("像是按亩而非平方米填报", regex=False)]
    assert len(said) == 1, problems
    row = said.iloc[0]
    assert row["field"] == "用地面积（平方米）" and row["value"] == "15 平方米"
    assert row["severity"] == Severity.ERROR and pd.isna(row["row"])
    assert "firm_land_median_min_m2" in row["problem"] and "如第 2 行" in row["problem"]
    assert "「用地面积（亩）」" in row["action"]
    assert (problems["field"] == "用地面积（平方米）").sum() == 1, problems


def test_square_metres_under_a_square_metre_header_are_kept(tmp_path: Path) -> None:
    """The same firms in real m² (10000, 10000, 9933.3, 26666.7): median 10,000 m² ≥ 100, read
    as 15, 15, 14.9, 40 亩; nothing said about the land column."""
    land = [10000, 10000, 9933.3, 26666.7]
    data, problems = _checked(_firms(tmp_path / "亩均数据.xlsx", land))
    assert data["land_mu"].tolist() == pytest.approx([15, 15, 14.9, 40], abs=1e-4)
    assert data["value_added_wan"].notna().all()
    assert not problems["problem"].str.contains("平方米填报|万元填报").any(), problems


def test_three_firms_are_too_few_to_judge_a_column_by_two(tmp_path: Path) -> None:
    """Two firms with a figure only: below the 3 a median needs; kept as read."""
    rows: list[list[object]] = [[*HEADER, "用地面积（平方米）"]]
    rows += [[A, "甲", "规上", 30, 4000, 15], [B, "乙", "规上", 45, 2000, 15]]
    rows += [[C, "丙", "规上", 60, 900, None]]
    data, problems = _checked(_xlsx(tmp_path / "e.xlsx", ("企业", rows)))
    assert data["land_mu"].notna().sum() == 2
    assert not problems["problem"].str.contains("平方米填报").any()


def test_one_firm_typing_mu_under_a_square_metre_header_is_not_used(tmp_path: Path) -> None:
    """甲 10000 m² (its plot, right), 乙 15 (亩, read as 15 m² = 0.0225 亩), 丙 9933.3 m²
    (14.9 亩), 丁 26666.7 m² (no plot). 乙's plot: 15 亩, ÷ 666.67 = 0.0225 — its figure equals
    its plot's 亩 as 平方米: not used, one row naming 「平方米」 and the 15 typed; no second row
    「面积不一致」 for 乙. Was: 「申报 0.02 亩，图形 15.00 亩」 only, and the 0.0225 亩 kept
    (an unlinked firm would get a 亩均 666.67 times too high)."""
    parcels = read_parcels(_parcels(tmp_path / "p.gpkg", 3)).data
    links = read_links(_xlsx(tmp_path / "l.xlsx", ("关联", LINKS))).data
    ents, _ = _checked(_firms(tmp_path / "e.xlsx", [10000, 15, 9933.3, 26666.7]))
    out = link_parcels(parcels, ents, links, profile=load_profile("zhejiang-2023"))
    declared = out.enterprises.set_index("uscc")["land_mu_declared"]
    assert pd.isna(declared[B])
    assert declared[[A, C, D]].tolist() == pytest.approx([15, 14.9, 40], abs=1e-4)
    said = out.problems[out.problems["problem"].str.contains("疑似按亩填写在「平方米」列中")]
    assert said["row"].tolist() == [3], out.problems
    assert "表中为 15 平方米" in said["problem"].iat[0] and "15.00 亩相符" in said["problem"].iat[0]
    assert "「用地面积（亩）」" in said["action"].iat[0]
    differ = out.problems[out.problems["problem"].str.contains("面积不一致")]
    assert 3 not in differ["row"].tolist()


def test_a_plot_of_one_mu_is_in_neither_unit(tmp_path: Path) -> None:
    """A firm declaring exactly its plots' 亩 (15) is right, not swapped either way: 15 亩 is
    10000 m² (not 15) and 0.0225 亩 (not 15) — no swap row, no 不一致 row."""
    parcels = read_parcels(_parcels(tmp_path / "p.gpkg", 3)).data
    links = read_links(_xlsx(tmp_path / "l.xlsx", ("关联", LINKS))).data
    ents = read_enterprises(_firms(tmp_path / "e.xlsx", [15, 15, 15, 40], "用地面积（亩）")).data
    out = link_parcels(parcels, ents, links, profile=load_profile("zhejiang-2023"))
    assert out.enterprises["land_mu_declared"].tolist() == [15, 15, 15, 40]
    assert not out.problems["problem"].str.contains("疑似按|面积不一致").any(), out.problems


def test_a_link_area_typed_in_mu_or_hectares_under_square_metres_is_not_used(
    tmp_path: Path,
) -> None:
    """「使用面积（平方米）」 on five plots of 10000 m²: 甲 10000, 乙 15 (the plot's 15 亩), 丙 1
    (its 1 公顷), 丁 10000, 戊 9990. The column is in m² (median of plot ÷ given 1.001). Was:
    乙 held 15 m² = 0.0225 亩 (亩均税收 45 ÷ 0.0225 = 2,000 万元/亩, past every threshold) and
    its right 15 亩 declared was taken for m²; 丙 held 1 m². Now each such plot's areas are not
    used: the plot is shared as if none were given — the owner alone holds 10,000 m² = 15 亩
    — with one 警告 per plot naming its link row and the unit; the declared 15 亩 stay."""
    parcels = read_parcels(_parcels(tmp_path / "p.gpkg", 5)).data
    rows: list[list[object]] = [["宗地代码", "统一社会信用代码", "关系", "使用面积（平方米）"]]
    for plot, code, area in zip(P, (A, B, C, D, E), (10000, 15, 1, 10000, 9990), strict=True):
        rows.append([plot, code, "自有", area])
    links = read_links(_xlsx(tmp_path / "l.xlsx", ("关联", rows))).data
    header = ["统一社会信用代码", "企业名称", "规上/规下", "税收（万元）", "用地面积（亩）"]
    firms: list[list[object]] = [header]
    firms += [[code, "某公司", "规上", 45, 15] for code in (A, B, C, D, E)]
    ents = read_enterprises(_xlsx(tmp_path / "e.xlsx", ("企业", firms))).data
    out = link_parcels(parcels, ents, links, profile=load_profile("zhejiang-2023"))
    land = out.enterprises.set_index("uscc")
    assert land["land_mu"].tolist() == pytest.approx([15, 15, 15, 15, 14.985])
    assert land["land_mu_declared"].tolist() == [15] * 5
    said = out.problems[out.problems["problem"].str.contains("疑似按", regex=False)]
    assert said["row"].tolist() == [3, 4], out.problems
    assert "亩数 15.00 亩相符" in said["problem"].iat[0]
    assert "公顷数 1.00 公顷相符" in said["problem"].iat[1]
    assert said["severity"].eq(Severity.WARNING).all() and said["field"].eq("area_used_m2").all()


def test_taxes_in_wan_under_a_yuan_header_are_set_aside_as_a_column(tmp_path: Path) -> None:
    """「税收（元）」 over a 万元 export: 30, 45, 60, 20 read as 元 = 0.003 … 0.006 万元. Was: read
    so, 亩均税收 0.0002–0.0004 万元/亩 for every firm — each plot under every threshold, onto
    the 治理清单, without a word (on the sample: 治理 2,247 plots instead of 1,304). Now: per
    亩 0.003 ÷ 15 = 0.0002, 0.0003, 0.0004027, 0.00005 万元/亩, median 0.00025 < 0.01
    (plausible.money_per_mu_min_wan): the column is missing (亩均税收 待核实), one 错误 row.
    工业增加值 (4000 ÷ 15 = 267 … 万元/亩) is kept."""
    rows: list[list[object]] = [[*HEADER[:3], "税收（元）", HEADER[4], "用地面积（亩）"]]
    for code, tax, added, mu in zip((A, B, C, D), (30, 45, 60, 20), (4000, 2000, 900, 600),
                                    (15, 15, 14.9, 40), strict=True):  # fmt: skip
        rows.append([code, "某公司", "规上", tax, added, mu])
    data, problems = _checked(_xlsx(tmp_path / "亩均数据.xlsx", ("企业", rows)))
    assert data["tax_wan"].isna().all(), data["tax_wan"]
    assert data["value_added_wan"].tolist() == pytest.approx([4000, 2000, 900, 600])
    said = problems[problems["problem"].str.contains("像是按万元填报而按元读取", regex=False)]
    assert len(said) == 1, problems
    row = said.iloc[0]
    assert row["field"] == "税收（元）" and row["value"] == "0.00025"
    assert row["severity"] == Severity.ERROR and "money_per_mu_min_wan" in row["problem"]
    assert "「税收（万元）」" in row["action"]


def test_a_poor_county_in_wan_keeps_its_taxes(tmp_path: Path) -> None:
    """Taxes of 0.2, 0.3, 0.25 万元 (2,000–3,000 元) on 15 亩: 0.0133–0.02 万元/亩, the median
    0.0167 ≥ 0.01 — low, but a county's figure: kept."""
    rows: list[list[object]] = [[*HEADER, "用地面积（亩）"]]
    for code, tax in zip((A, B, C), (0.2, 0.3, 0.25), strict=True):
        rows.append([code, "某公司", "规下", tax, 50, 15])
    data, problems = _checked(_xlsx(tmp_path / "e.xlsx", ("企业", rows)))
    assert data["tax_wan"].tolist() == pytest.approx([0.2, 0.3, 0.25])
    assert not problems["problem"].str.contains("万元填报").any(), problems


def test_power_in_kwh_under_a_10k_kwh_header_is_set_aside_as_a_column(tmp_path: Path) -> None:
    """「用电量（万千瓦时）」 over the power company's 千瓦时 (度): 4,500,000, 300,000, 150,000,
    60,000 on 15, 15, 14.9, 40 亩. Was: each below the 1e7 row bound, so every one kept 10,000
    times too high — 单位电耗税收 near 0, and without 综合能耗 an energy estimate past every
    两高 threshold. Now: per 亩 300,000, 20,000, 10,067, 1,500;
    median 15,034 > 5,000 万千瓦时/亩 (plausible.power_per_mu_max_10k_kwh): the column is
    missing, one 错误 row. A county's real figures (450, 30, 15, 6: median 1.5) are kept."""

    def firms(path: Path, power: list[float]) -> Path:
        rows: list[list[object]] = [[*HEADER, "用地面积（亩）", "用电量（万千瓦时）"]]
        for code, kwh, mu in zip((A, B, C, D), power, (15, 15, 14.9, 40), strict=True):
            rows.append([code, "某公司", "规上", 30, 4000, mu, kwh])
        return _xlsx(path, ("企业", rows))

    data, problems = _checked(firms(tmp_path / "度.xlsx", [4_500_000, 300_000, 150_000, 60_000]))
    assert data["power_10k_kwh"].isna().all(), data["power_10k_kwh"]
    said = problems[problems["problem"].str.contains("像是按千瓦时（度）", regex=False)]
    assert len(said) == 1 and said["field"].iat[0] == "用电量（万千瓦时）", problems
    assert "power_per_mu_max_10k_kwh" in said["problem"].iat[0]
    assert said["value"].iat[0] == "15,034" and said["severity"].iat[0] == Severity.ERROR
    assert (problems["field"] == "用电量（万千瓦时）").sum() == 1
    data, problems = _checked(firms(tmp_path / "万度.xlsx", [450, 30, 15, 6]))
    assert data["power_10k_kwh"].tolist() == pytest.approx([450, 30, 15, 6])
    assert not problems["problem"].str.contains("千瓦时（度）").any()
