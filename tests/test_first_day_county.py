"""First day in a real county: the files as 自然资源 and 经信 offices export them, end to end.

A county of 12 plots built in ``tmp`` the way the offices' software writes it — not the way
landgov's own sample does:

- 宗地.shp: a GBK .dbf without .cpg, dBASE field names cut to 10 bytes (「实际开工日期」 arrives
  as 「实际开工日」), 宗地面积 and 容积率 as numeric fields, 土地用途 as 「工业用地」 or its
  GB/T 21010 code 「0601」, dates as 「2019年5月」 or 20190501, CGCS2000 3° zone 40 with the zone
  number in the easting (40 556 000 m) and the .prj ArcGIS writes for it (README: 8-digit
  eastings carry the zone number).
- 企业.xlsx as the 亩均论英雄 platform exports it: a title row, a unit row 「单位：万元、亩」, a
  merged two-row header, a hidden column, a 合计 row, 统一社会信用代码 and every number stored as
  text, numbers with thousands separators 「1,234.5」.
- 地企关联.xlsx: one enterprise on two plots, one plot shared by its 出租方 and a 承租方.

The CLI is run as a user runs it (``python -m landgov screen ... --far -o OUT``, then
``python -m landgov map OUT``) and the results are checked by hand.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
import shapely
from openpyxl import Workbook
from pyproj import CRS

from landgov.ids import uscc_check_char
from tests._cli import run_cli
from tests._shapefiles import write_shapefile

X0, Y0 = 40_556_000.0, 3_322_000.0  # 越城区, CGCS2000 3° zone 40 with the zone number
M2_PER_MU = 10000 / 15


def _code(i: int) -> str:
    """宗地代码: county 330602, 地籍区 003, 子区 004, 特征码 GB, number — 19 characters."""
    return f"330602003004GB{i:05d}"


def _uscc(i: int) -> str:
    first = f"91330602MA2C{i:05d}"
    return first + uscc_check_char(first)


# Plot i: width (m) × 100 m, 权利人, 土地用途, 容积率, 实际开工日期, 竣工日期 as written.
PLOTS = {
    1: (100, "绍兴甲纺织有限公司", "工业用地", "1.20", "20190501", "2020年6月"),
    2: (200, "绍兴甲纺织有限公司", "0601", "1.00", "2019年5月", "20201231"),
    3: (100, "绍兴乙机械有限公司", "工业用地", "1.50", "20150301", "20160630"),
    4: (100, "绍兴丁印染有限公司", "工业用地", "0.80", "20100101", "20110101"),
    5: (100, "绍兴戊电子有限公司", "0601", "2.10", "2016年3月", "2017年9月"),
    6: (100, "绍兴己五金有限公司", "工业用地", "1.10", "20120801", "20130801"),
    7: (100, "绍兴庚化工有限公司", "工业用地", "0.60", "20080101", "20090101"),
    8: (100, "绍兴辛科技有限公司", "工业用地", "2.50", "20200601", "20211201"),
    9: (100, "绍兴壬织造有限公司", "工业用地", "1.00", "20140101", "20150101"),
    10: (100, "绍兴癸新材料有限公司", "工业用地", "1.30", "20170101", "20180101"),
    11: (100, "绍兴某某织造厂", "工业用地", "0.90", "20050101", "20060101"),  # no link, no firm
    12: (100, "绍兴某某铸造厂", "工业用地", "0.70", "20050101", "20060101"),  # no 宗地代码
}

# Enterprise i: name, 用地面积 亩, 税收 万元 as the platform writes it (text).
FIRMS = {
    1: ("绍兴甲纺织有限公司", "45.00", "1,234.5"),
    2: ("绍兴乙机械有限公司", "9.00", "120.0"),
    3: ("绍兴丙包装有限公司", "6.00", "60"),
    4: ("绍兴丁印染有限公司", "15.00", "30.0"),
    5: ("绍兴戊电子有限公司", "15.00", "1,050.0"),
    6: ("绍兴己五金有限公司", "15.00", "75"),
    7: ("绍兴庚化工有限公司", "15.00", "0"),
    8: ("绍兴辛科技有限公司", "15.00", "2,250.75"),
    9: ("绍兴壬织造有限公司", "15.00", "45"),
    10: ("绍兴癸新材料有限公司", "15.00", "300"),
    11: ("绍兴子精密有限公司", "10.00", "12.5"),  # on no plot of this county
}
TOTAL_TAX = "5,177.75"  # 1234.5+120+60+30+1050+75+0+2250.75+45+300+12.5
TOTAL_LAND = "175.00"  # 45+9+6+15×7+10

# 地企关联: (plot, firm, 使用关系, 使用面积 ㎡)
LINKS = [
    (1, 1, "自有", "10,000"),
    (2, 1, "自有", "20,000"),
    (3, 2, "出租方", "6,000"),
    (3, 3, "承租方", "4,000"),
    *[(i, i, "自有", "10,000") for i in range(4, 11)],
]

# 亩均税收 by hand: tax allocated by used area, x_p = Σ_e (a_pe / L_e)·tax_e, over 亩 of the plot
# (10000 m² = 15 亩, 20000 m² = 30 亩).
HAND_TAX_PER_MU = {
    _code(1): 1234.5 * 10000 / 30000 / 15,  # 411.5 万元 / 15 亩 = 27.4333
    _code(2): 1234.5 * 20000 / 30000 / 30,  # 823.0 万元 / 30 亩 = 27.4333
    _code(3): (120.0 + 60.0) / 15,  # 出租方 all its 6000 m² here, 承租方 all its 4000 m²: 12.0
    _code(4): 30.0 / 15,  # 2.0
    _code(5): 1050.0 / 15,  # 70.0
    _code(6): 75.0 / 15,  # 5.0
    _code(7): 0.0,
    _code(8): 2250.75 / 15,  # 150.05
    _code(9): 45.0 / 15,  # 3.0
    _code(10): 300.0 / 15,  # 20.0
}


def _write_parcels(path: Path) -> Path:
    geoms, records = [], []
    for i, (width, holder, use, far, start, done) in PLOTS.items():
        x = X0 + 1000 * (i - 1)
        geoms.append(shapely.box(x, Y0, x + width, Y0 + 100))
        code = "" if i == 12 else _code(i)
        area = f"{width * 100:.2f}"
        records.append([code, holder, use, "出让", area, far, start, done, f"斗门街道{i}号"])
    fields = [
        ("宗地代码", 19), ("权利人", 60), ("土地用途", 20), ("权利性质", 10),
        ("宗地面积", 14, 2), ("容积率", 6, 2), ("实际开工日期", 12), ("竣工日期", 12),
        ("坐落", 60),
    ]  # fmt: skip
    return write_shapefile(path, geoms, fields, records, encoding="GBK", prj=CRS(4528))


def _write_enterprises(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "评价结果"
    ws["A1"] = "2024年度规上工业企业亩均效益评价结果"
    ws.merge_cells("A1:L1")
    ws["A2"] = "单位：万元、亩"
    ws.merge_cells("A2:L2")
    one_row = {"A": "序号", "B": "统一社会信用代码", "C": "企业名称", "D": "所属镇街",
               "E": "行业代码", "F": "规上/规下", "G": "内部编号", "H": "用地面积",
               "L": "评价等级"}  # fmt: skip
    for col, text in one_row.items():
        ws[f"{col}3"] = text
        ws.merge_cells(f"{col}3:{col}4")
    ws["I3"] = "主要指标"
    ws.merge_cells("I3:K3")
    ws["I4"], ws["J4"], ws["K4"] = "税收", "工业增加值", "综合能耗（吨标煤）"
    ws.column_dimensions["G"].hidden = True  # the platform's internal number
    for n, (i, (name, land, tax)) in enumerate(FIRMS.items(), start=1):
        added = f"{float(tax.replace(',', '')) * 3:,.1f}"
        ws.append([str(n), _uscc(i), name, "斗门街道", "1713", "规上", f"NB{i:04d}", land,
                   tax, added, "1,200.0", "B"])  # fmt: skip
    total = len(FIRMS) + 5
    ws.append(["合计", None, None, None, None, None, None, TOTAL_LAND, TOTAL_TAX, None, None, None])
    ws.merge_cells(f"A{total}:C{total}")
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            if cell.value is not None:
                cell.data_type = "s"  # stored as text, as the platform does
    wb.save(path)
    return path


def _write_links(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "地企关联"
    ws.append(["宗地代码", "统一社会信用代码", "企业名称", "使用关系", "使用面积（㎡）"])
    for plot, firm, relation, area in LINKS:
        ws.append([_code(plot), _uscc(firm), FIRMS[firm][0], relation, area])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("county")
    parcels = _write_parcels(folder / "宗地.shp")
    firms = _write_enterprises(folder / "2024年亩均效益评价.xlsx")
    links = _write_links(folder / "地企关联.xlsx")
    out = folder / "结果"
    screen = run_cli(
        "screen", "-p", parcels, "-e", firms, "-l", links, "--far",
        "--profile", "yuecheng-2022", "--as-of", "2025-06-30", "-q", "-o", out,
    )  # fmt: skip
    maps = run_cli("map", out, "--out", folder / "地图.html") if screen.returncode == 0 else None
    return {"folder": folder, "out": out, "screen": screen, "map": maps}


def _sheet(county: dict[str, object], name: str) -> pd.DataFrame:
    return pd.read_excel(Path(county["out"]) / "landgov.xlsx", sheet_name=name, dtype=object)


def _problems(county: dict[str, object]) -> pd.DataFrame:
    return _sheet(county, "问题记录")


def test_the_commands_run_clean_without_a_traceback(county):
    for result in (county["screen"], county["map"]):
        assert result is not None
        text = result.stdout + result.stderr
        assert "Traceback" not in text, text
        assert result.returncode == 0, text
        for line in filter(None, (s.strip() for s in text.splitlines())):
            assert line.startswith(("警告：", "提示：", "错误：")) or not line.isascii(), line
    assert (Path(county["folder"]) / "地图.html").stat().st_size > 0


def test_every_plot_and_enterprise_row_ends_in_an_output(county):
    manifest = json.loads((Path(county["out"]) / "manifest.json").read_text(encoding="utf-8"))
    inputs = manifest["stages"]["screen"]["inputs"]
    # 12 plots in: 11 listed, the one without 宗地代码 rejected; 11 firms + the 合计 row in.
    expected = {"parcels": (12, 11, 1), "enterprises": (12, 11, 1), "links": (11, 11, 0)}
    for role, (rows_in, rows_out, rejected) in expected.items():
        got = inputs[role]
        assert (got["rows_in"], got["rows_out"], got["rows_rejected"]) == (
            rows_in, rows_out, rejected,
        ), role  # fmt: skip
        assert got["rows_in"] == got["rows_out"] + got["rows_rejected"]
    listed = _sheet(county, "底数清单")
    assert sorted(listed["宗地代码"]) == [_code(i) for i in range(1, 12)]
    problems = _problems(county)
    plot = problems.loc[problems["源文件"] == "宗地.shp"]
    rejected = plot.loc[plot["问题"].str.startswith("该行未采用")]
    assert rejected[["行号", "字段", "问题"]].values.tolist() == [
        [12, "宗地代码", "该行未采用：宗地代码缺失"]
    ]
    firms = _sheet(county, "企业评价")
    assert sorted(firms["统一社会信用代码"]) == sorted(_uscc(i) for i in FIRMS)


def test_the_total_row_is_no_enterprise_and_is_said_once(county):
    firms = _sheet(county, "企业评价")
    assert not firms["企业名称"].astype(str).str.contains("合计").any()
    assert not firms["统一社会信用代码"].astype(str).str.contains("合计").any()
    problems = _problems(county)
    total = problems.loc[
        (problems["源文件"] == "2024年亩均效益评价.xlsx") & (problems["行号"] == 16)
    ]
    # one 提示 saying it is a totals row; no 警告 about its merged label (nothing of it is read)
    assert total["问题"].tolist() == ["合计/小计行，不作为数据读取"], total.to_dict("records")


def test_text_numbers_with_thousands_separators_are_numbers(county):
    firms = _sheet(county, "企业评价").set_index("统一社会信用代码")
    for i, (_, land, tax) in FIRMS.items():
        assert float(firms.at[_uscc(i), "税收（万元）"]) == float(tax.replace(",", "")), i
        assert float(firms.at[_uscc(i), "用地面积（申报，亩）"]) == float(land), i
    # 工业增加值 = 3 × 税收 written 「3,703.5」 for firm 1
    assert float(firms.at[_uscc(1), "工业增加值（万元）"]) == pytest.approx(3703.5)
    assert float(firms.at[_uscc(1), "综合能耗（吨标煤）"]) == 1200.0
    # the platform's hidden column is kept as the file holds it, next to the fields read
    assert firms.at[_uscc(1), "内部编号"] == "NB0001"


def test_tax_per_mu_of_each_plot_is_the_hand_figure(county):
    listed = _sheet(county, "底数清单").set_index("宗地代码")
    for code, hand in HAND_TAX_PER_MU.items():
        assert float(listed.at[code, "亩均税收（万元/亩）"]) == pytest.approx(hand, rel=1e-9), code
    assert float(listed.at[_code(2), "面积（亩）"]) == pytest.approx(20000 / M2_PER_MU)  # 30 亩
    assert math.isnan(float(listed.at[_code(11), "亩均税收（万元/亩）"]))  # no firm: not 0
    assert listed.at[_code(11), "筛查结论"] == "待核实"


def test_lessor_and_tenant_share_one_plot(county):
    firms = _sheet(county, "企业评价").set_index("统一社会信用代码")
    assert firms.at[_uscc(3), "承租企业"] == "是"
    assert firms.at[_uscc(3), "出租方代码"] == _uscc(2)
    assert firms.at[_uscc(2), "承租企业"] == "否"
    listed = _sheet(county, "底数清单").set_index("宗地代码")
    assert listed.at[_code(3), "主体企业代码"] == _uscc(2)
    assert int(listed.at[_code(3), "企业数"]) == 2
    assert int(firms.at[_uscc(1), "宗地数"]) == 2
    problems = _problems(county)
    links = problems.loc[problems["源文件"].isin(["地企关联.xlsx", "地企关联"])]
    assert not links["所见值"].astype(str).isin(["出租方", "承租方"]).any(), links.to_dict(
        "records"
    )


def test_the_files_as_exported_are_read_as_written(county):
    listed = _sheet(county, "底数清单").set_index("宗地代码")
    assert listed.at[_code(2), "土地用途"] == "0601"
    # GB/T 21010 0601 工业用地, 用地用海 乡村道路用地: read industrial, the reading said
    assert "按GB/T 21010-2017《土地利用现状分类》读作工业用地" in listed.at[_code(2), "范围说明"]
    assert pd.Timestamp(listed.at[_code(1), "实际开工日期"]) == pd.Timestamp("2019-05-01")
    assert pd.Timestamp(listed.at[_code(2), "实际开工日期"]) == pd.Timestamp("2019-05-01")
    assert pd.Timestamp(listed.at[_code(2), "竣工日期"]) == pd.Timestamp("2020-12-31")
    assert float(listed.at[_code(1), "登记容积率"]) == pytest.approx(1.2)
    assert float(listed.at[_code(2), "宗地面积（登记，平方米）"]) == 20000.0
    assert float(listed.at[_code(2), "面积（图形，平方米）"]) == pytest.approx(20000.0)


def test_every_problem_names_file_row_field_and_value_in_chinese(county):
    problems = _problems(county)
    assert set(problems["严重程度"]) <= {"错误", "警告", "提示"}
    assert problems["问题"].notna().all() and problems["源文件"].notna().all()
    # the only 错误 is the plot without 宗地代码
    errors = problems.loc[problems["严重程度"] == "错误"]
    assert errors[["源文件", "行号", "字段"]].values.tolist() == [["宗地.shp", 12, "宗地代码"]]
    # each row-level 警告 from a file names the row, the field and the value seen
    files = {"宗地.shp", "2024年亩均效益评价.xlsx", "地企关联.xlsx"}
    warned = problems.loc[problems["源文件"].isin(files) & (problems["严重程度"] == "警告")]
    assert len(warned) > 0
    assert warned[["行号", "字段", "所见值"]].notna().all().all(), warned.to_dict("records")
