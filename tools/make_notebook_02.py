"""Write notebooks/02_zengrong.ipynb (source of truth for the notebook's cells)."""

from pathlib import Path

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# 02 存量工业用地增容 / Raising 容积率\n\n"
        "在随包**模拟数据**上回答两个问题：\n"
        "1. 哪些存量工业用地可以增容？（走访摸排 [000 附件3 六(一)]）\n"
        "2. 一个企业的增容申请是否符合适用范围和八项条件？初审表填什么？\n\n"
        "每个结论都是 Verdict：符合 / 不符合 / 待核实（缺数据，绝不当作符合）/ 待承诺（文书步骤），"
        "附所见数值和条款依据。\n\n"
        "*Screen every plot for 增容, check one application, fill its 初审表 (.docx).*"
    ),
    nbf.v4.new_code_cell(
        "import datetime as dt\n"
        "import tempfile\n"
        "from pathlib import Path\n"
        "import pandas as pd\n"
        "from landgov.run.demo import sample_dir\n"
        "from landgov.io import (read_parcels, read_enterprises, read_links, read_compliance,\n"
        "                        read_planning, read_demolition, read_zones)\n"
        "from landgov.io.buildings import read_buildings\n"
        "from landgov.io.applications import read_applications\n"
        "from landgov.policy import load_profile\n"
        "from landgov.far import compute_far\n"
        "from landgov.far.zengrong import (CONDITIONS, CONDITION_LABELS, ZengrongInputs,\n"
        "                                  check_parcels, check_applications)\n"
        "from landgov.reports.chushen import write_form, FORM_ROWS\n\n"
        "OUT = Path(tempfile.mkdtemp(prefix='landgov_02_'))\n"
        "SAMPLE = sample_dir(fallback=OUT / 'sample')\n"
        "AS_OF = dt.date(2026, 6, 30)\n"
        "profile = load_profile('yuecheng-2022')\n"
        "for key in ['zengrong.far_cap', 'zengrong.min_area_mu', 'zengrong.record_window_years',\n"
        "            'far.double_storey_height_m', 'far.renewal_target']:\n"
        "    print(key, profile.value(key), profile.citation(key))"
    ),
    nbf.v4.new_markdown_cell(
        "## 1. 读取 / Read\n宗地、建筑（层数、层高、建筑高度）、高度栅格、企业、地企关联、违法违规记录、规划、"
        "拆迁计划、特殊片区（马海片区）。"
    ),
    nbf.v4.new_code_cell(
        "parcels = read_parcels(SAMPLE / 'parcels.shp').data\n"
        "buildings = read_buildings(SAMPLE / 'buildings.gpkg')\n"
        "context = dict(\n"
        "    profile=profile, as_of=AS_OF,\n"
        "    enterprises=read_enterprises(SAMPLE / 'enterprises.xlsx').data,\n"
        "    links=read_links(SAMPLE / 'links.xlsx').data,\n"
        "    compliance=read_compliance(SAMPLE / 'compliance.xlsx').data,\n"
        "    planning=read_planning(SAMPLE / 'planning.shp').data,\n"
        "    demolition=read_demolition(SAMPLE / 'demolition.shp').data,\n"
        "    special_zones=read_zones(SAMPLE / 'special_zones.shp').data,\n"
        ")\n"
        "print(len(parcels), 'parcels;', len(buildings.data), 'buildings')\n"
        "buildings.data[['parcel_id', 'storeys', 'storey_height_m', 'height_m', 'area_m2']].head()"
    ),
    nbf.v4.new_markdown_cell(
        "## 2. 容积率 / Floor-area ratio\n"
        "来源依次为：建筑记录（层高超过 8 米的层加倍计算）→ 登记建筑面积 → 登记容积率 → "
        "建筑高度估算 → 高度栅格估算（按像元覆盖比例精确加权的分区统计）。"
    ),
    nbf.v4.new_code_cell(
        "far = compute_far(parcels, profile=profile, buildings=buildings.data,\n"
        "                  height_raster=SAMPLE / 'height.tif')\n"
        "print(far['far_source'].value_counts().to_string())\n"
        "far[['land_area_m2', 'floor_area_m2', 'far', 'far_source', 'building_coverage', "
        "'built_cover']].describe().round(2)"
    ),
    nbf.v4.new_markdown_cell(
        "## 3. 增容摸排 / Screening every plot\n"
        "摸排时，只有申请表才能提供的事实（是否标准厂房、产权、临时改变用途、承诺）判为待核实/待承诺，"
        "所以摸排结果最好是“待核实”；凡有一项不符合的宗地不是候选。"
    ),
    nbf.v4.new_code_cell(
        "screened = check_parcels(ZengrongInputs(parcels, far, **context))\n"
        "print(screened['zengrong'].value_counts().to_string())\n"
        "candidates = screened[screened['candidate']]\n"
        "candidates.groupby('township').agg(候选宗数=('parcel_id', 'size'),\n"
        "                                    增容空间_万平方米=('headroom_m2', lambda s: s.sum() / 1e4)"
        ").round(1)"
    ),
    nbf.v4.new_code_cell(
        "# 为什么不可申报？按条件统计不符合的宗数\n"
        "pd.Series({CONDITION_LABELS[c]: int((screened[c] == '不符合').sum()) for c in CONDITIONS})"
    ),
    nbf.v4.new_code_cell(
        "# 增容空间最大的候选（走访摸排名单）\n"
        "cols = ['township', 'parcel_id', 'enterprise_name', 'land_mu', 'far', 'far_source',\n"
        "        'far_floor', 'headroom_m2', 'headroom_target_m2', 'missing']\n"
        "candidates.sort_values('headroom_m2', ascending=False)[cols].head(10)"
    ),
    nbf.v4.new_markdown_cell(
        "## 4. 审查一个申请 / Checking one application\n"
        "每项条件一个判定，附所见数值和条款；总体结论：可申报 / 不可申报 / 待核实。"
    ),
    nbf.v4.new_code_cell(
        "apps = read_applications(SAMPLE / 'applications.xlsx').data\n"
        "checked = check_applications(apps, ZengrongInputs(parcels, far, **context))\n"
        "print(checked['zengrong'].value_counts().to_string())\n"
        "checked[['application_id', 'parcel_id', 'enterprise_name', 'land_mu', 'far', 'far_after',\n"
        "         *CONDITIONS, 'zengrong']]"
    ),
    nbf.v4.new_code_cell(
        "best = checked.sort_values('zengrong', key=lambda s: s.map({'可申报': 0, '待核实': 1, "
        "'不可申报': 2})).iloc[0]\n"
        "print(best['application_id'], best['enterprise_name'], '→', best['zengrong'])\n"
        "print(best['zengrong_reason'])\n"
        "for v in best['verdicts']:\n"
        "    print(' ', v.explain())"
    ),
    nbf.v4.new_markdown_cell(
        "## 5. 初审表 / The first-review form (附件3.1)\n"
        "按附件3.1 的表格行生成 .docx，已知字段全部预填；第二页附系统预审结果（供镇街参考）。"
    ),
    nbf.v4.new_code_cell(
        "from docx import Document\n"
        "path = write_form(best.to_dict(), OUT / f\"{best['application_id']}.docx\")\n"
        "doc = Document(str(path))\n"
        "rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]\n"
        "assert [r[0] for r in rows] == [labels[0] for labels in FORM_ROWS]\n"
        "print(path)\n"
        "pd.DataFrame([(r[0], r[1]) for r in rows], columns=['栏目', '内容'])"
    ),
]

nb = nbf.v4.new_notebook()
nb["cells"] = cells
nb["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
out = Path(__file__).resolve().parents[1] / "notebooks" / "02_zengrong.ipynb"
nbf.write(nb, out)
print(out)
