"""README.md (Chinese + English) written next to the generated files, from the run's summary."""

# ruff: noqa: E501  (Markdown table rows and prose lines are kept whole)

from __future__ import annotations

_FILES_COUNTY = """\
| 文件 File | 格式 Format | 字段 Fields |
|---|---|---|
| `parcels.shp` (+ `.shx` `.dbf` `.prj`，**无 `.cpg`**) | Shapefile 面，DBF 编码 **GBK**，EPSG:4549 | 宗地代码（19 位）, 权利人, 土地用途, 权利性质, 宗地面积（m²，登记值）, 建筑面积（m²）, 容积率, 镇街, GDRQ（供地日期）, YDKGRQ（约定开工日期）, KGRQ（实际开工日期）, JGRQ（竣工日期）；日期为文本 `YYYY-MM-DD` 或空 |
| `townships.shp` (+ `.cpg` = GBK) | Shapefile 面 | 镇街 |
| `planning.shp` (+ `.cpg`) | Shapefile 面 | 规划用途（工业用地/居住用地/商业用地）, 控制线内（是/否） |
| `demolition.shp` (+ `.cpg`) | Shapefile 面（近年拆迁计划） | 计划名称, 计划年份 |
| `special_zones.shp` (+ `.cpg`) | Shapefile 面 | 片区名称（`马海片区（模拟）`） |
| `approved.shp` (+ `.shx` `.dbf` `.prj`，**无 `.cpg`**) | Shapefile 面（批而未供：已批未供的批次，图形为未供部分），DBF 编码 **GBK** | 批次名称, 批准文号, 批准日期（文本 `YYYY-MM-DD` 或空）, 批准面积（m²）, 已供面积（m²）, 镇街（可空，按镇街边界定位） |
| `buildings.gpkg`，图层 `buildings` | GeoPackage 面（建筑基底） | 宗地代码, 层数, 层高（m）, 建筑高度（m） |
| `height.tif` | GeoTIFF，float32，单位 m，nodata 0，DEFLATE，5 m 格网，EPSG:4549 | 由建筑基底栅格化的建筑高度 |
| `enterprises.xlsx` | Excel：第 1 行标题，第 2 行分组（基本信息/经济指标/能耗排放/其他，合并单元格），第 3 行字段名，数据自第 4 行起 | 统一社会信用代码, 企业名称, 规上/规下, 行业代码（GB/T 4754-2017）, 行业名称, 镇街, 法定代表人, 联系人, 税收（万元）, 工业增加值（万元）, 营业收入（万元）, R&D经费（万元）, 年平均职工人数, 用地面积（亩）, 综合能耗（吨标煤）, 排放量（吨）, 用电量（万千瓦时）, 评价等级, 产业结构调整目录类别, 涉改行业, 投产年份 |
| `links.xlsx` | Excel，单行表头，数据自第 2 行起（地企关联） | 宗地代码, 统一社会信用代码, 关系（自有/租用）, 使用面积（平方米） |
| `compliance.xlsx` | Excel，单行表头（违法违规记录） | 统一社会信用代码, 宗地代码（可空）, 问题类别, 严重程度（一般/较大/重大）, 记录日期, 问题描述, 整改情况（已整改/未整改，少数空白）, 整改完成日期 |
| `applications.xlsx` | Excel，单行表头（增容申请） | 申请编号, 宗地代码, 统一社会信用代码, 项目名称, 新增建筑面积（平方米）, 项目总投资（万元）, 固定资产投资（万元）, 达产后年税收（万元）, 是否改变原建筑结构, 是否标准厂房, 产权状况, 是否完成首次开发, 临时改变房屋用途, 已签承诺, 结构安全鉴定报告, 项目建设内容, 申请日期, 项目行业代码, 所属行业, 项目产业目录类别, 达产后年工业增加值（万元）, 达产后年综合能耗（吨标准煤）, 主要污染物年排放量（吨）, 研发经费占营业收入比例（%）, 竣工验收（履约验收） |
"""

_FILES_BENCH = """\
| 文件 File | 格式 Format |
|---|---|
| `parcels.parquet`, `buildings.parquet` | GeoParquet（字段同 county 格式的 parcels.shp / buildings.gpkg） |
| `townships.gpkg`, `planning.gpkg`, `demolition.gpkg`, `special_zones.gpkg`, `approved.gpkg` | GeoPackage |
| `height.tif` | GeoTIFF（范围过大时不生成 / omitted when too large） |
| `enterprises.csv`, `links.csv`, `compliance.csv`, `applications.csv` | CSV，UTF-8（带 BOM），单行表头 |
"""


def _rows(values: list[int], *, limit: int = 40) -> str:
    shown = ", ".join(map(str, values[:limit]))
    return (
        shown
        if len(values) <= limit
        else f"{shown} …（共 {len(values)} 条 / {len(values)} in all）"
    )


def _md(v: object) -> str:
    return "" if v is None else str(v).replace("|", "\\|")


def _bad_table(summary: dict[str, object]) -> str:
    lines = [
        "| 文件 File | 数据行 Data row | Excel 行号 | 字段 Field | 所见值 Value | 问题 Problem |",
        "|---|---|---|---|---|---|",
    ]
    for r in summary["bad_rows"]:  # type: ignore[union-attr]
        lines.append(
            f"| {r['file']} | {r['row']} | {_md(r['excel_row']) or '—'} | {_md(r['field'])} "
            f"| `{_md(r['value'])}` | {r['problem']} |"
        )
    return "\n".join(lines)


def _apps_table(summary: dict[str, object]) -> str:
    lines = ["| 申请编号 | 宗地代码 | 场景 Scenario | 说明 |", "|---|---|---|---|"]
    for a in summary["applications"]:  # type: ignore[union-attr]
        lines.append(f"| {a['申请编号']} | {a['宗地代码']} | `{a['_case']}` | {a['_note']} |")
    return "\n".join(lines)


def render(summary: dict[str, object]) -> str:
    """The README text for one generated sample."""
    c = summary["counts"]
    cal = summary["calibration"]
    county = summary["formats"] == "county"
    cmd = (
        f"python -m landgov.sample --out DIR --parcels {summary['n_parcels']} "
        f"--seed {summary['seed']} --as-of {summary['as_of']} --formats {summary['formats']}"
    )
    idle = summary["idle_rows"]
    return f"""# landgov 示例数据（模拟数据） / landgov sample data (simulated)

> **模拟数据，非真实企业。** 本目录所有宗地、企业、人员、代码和数值均由程序随机生成，仅用于演示和
> 测试；镇街名称为真实地名，企业名称由常用字随机组合而成，如与真实企业重名纯属巧合。
>
> **Simulated data, not real enterprises.** Every parcel, enterprise, person, code and number
> here is randomly generated for demonstration and testing. Township names are real places;
> enterprise names are random combinations of common characters, and any match with a real
> company is a coincidence.

## 生成方式 / How it was generated

```
{cmd}
```

- 生成器 Generator: `landgov.sample.generate(out_dir, n_parcels={summary["n_parcels"]}, seed={summary["seed"]}, as_of="{summary["as_of"]}", formats="{summary["formats"]}")`
- 同一种子生成逐字节相同的文件 / the same seed gives byte-identical files.
- 坐标系 CRS: CGCS2000 3° Gauss–Krüger CM 120°E, **{summary["crs"]}**（`.prj` 名称
  `CGCS2000_3_Degree_GK_CM_120E`），范围约 120.6°E、30.05°N（越城区/滨海新区）。
- 基准日 Reference date: {summary["as_of"]}（闲置年限、近一年违法记录据此计算）。

## 内容 / Contents

宗地 {c["parcels"]} 宗（合计约 {summary["area_mu"]} 亩，单宗 3–300 亩），建筑 {c["buildings"]} 栋，
镇街 {c["townships"]} 个（斗门、马山、孙端、陶堰、皋埠、沥海街道），规划地块 {c["planning"]} 个，
拆迁计划 {c["demolition"]} 个，特殊片区 {c["special_zones"]} 个，批而未供批次 {c.get("approved", 0)} 个
（未供面积约 {summary.get("approved_mu", 0.0)} 亩，位于无宗地的空闲街区），企业 {c["enterprises"]} 家，
地企关联 {c["links"]} 条，违法违规记录 {c["compliance"]} 条，增容申请 {c["applications"]} 件。

Parcels are road-cut blocks (roads 20–40 m) split into irregular plots; neighbouring plots
share their boundary vertices. Buildings cover 30–60 % of each built plot with 1–4 footprints;
the declared 建筑面积 equals the footprints × storeys for most parcels (about 7 % differ).
Single-storey workshops are 6–12 m per storey (some above 8 m).

{_FILES_COUNTY if county else _FILES_BENCH}
## 指标校准 / Calibration

企业指标按对数正态分布抽样后整体缩放：规上企业 Σ税收/Σ用地 = **{cal["above_scale_tax_per_mu"]}
万元/亩**（对标越城 2021 年 20.8 万元/亩，越政发〔2022〕24号 附件2.1 第14项指标），规上 Σ增加值/Σ用地 =
**{cal["above_scale_value_added_per_mu"]} 万元/亩**，规上企业中亩均税收低于 5 万元/亩的占
{cal["above_scale_share_below_5"]:.1%}。规下企业 VA、能耗、排放、R&D 为空；约 10 % 规上企业无排放数据；
少数企业综合能耗 ≥ 1000 吨标煤（2018 年后投产）及 1 家 ≥ 5000 吨标煤（2018 年前投产），用于"两高"规则。
印染（1713/1723/1752）、化工（26xx）、电镀（3360）企业在"涉改行业"中标注；目录类别多为鼓励类/允许类，
少数限制类，一两家淘汰类。

Indicators are drawn from log-normal distributions and rescaled (values above, computed before
the bad cells were written).

## 故意设置的问题行 / Deliberately bad rows

读取程序必须报告以下问题（Shapefile 的"数据行"即记录号，从 1 起；Excel 行号为表格中看到的行号）。
The readers must report every one of these (for a shapefile the data row is the 1-based record
number; the Excel row is the row number a user sees).

{_bad_table(summary)}

另外（数据本身的不一致，也应被发现）/ Also, inconsistencies a check should find:

- `parcels.shp` 宗地面积（登记）与图形面积相差超过 5 % 的记录 / declared area > 5 % off the
  geometry: {_rows(summary["area_off_rows"])}.
- 被脱敏或校验位错误的两家企业在 `links.xlsx` 中仍以正确代码出现，因此其关联无法匹配 / the
  masked and wrong-check enterprises keep their correct codes in `links.xlsx`, so those links
  cannot be joined either.
- 约 7 % 宗地的建筑面积（登记）与建筑基底 × 层数不一致；部分宗地容积率低于 0.4 或高于 2.5。
- 闲置宗地（未开工）：超过约定开工日期 1 年以上 records {_rows(idle["idle_1y"])}；
  超过 2 年 records {_rows(idle["idle_2y"])}。

## 增容申请场景 / 增容 application scenarios

{_apps_table(summary)}
"""
