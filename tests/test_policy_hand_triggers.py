"""Hand-worked cases: the 治理清单's entry list (``screening.governance_triggers``) as example.

The shipped list (低效、违法违规、两高、闲置、用而未尽 put a plot on the 治理清单; 产业目录、
规划、控制线、拆迁 only choose its path) is the project's reading of the documents' 治理清单
clauses (the profile's note cites each), 示例规则（非官方） in every shipped profile. The guide:
a value marked so can never turn a check into a pass on its own. 「不列入」 is the screening's
pass: a plot that fails a check the example list leaves out (淘汰类, 规划为非工业用途 …) is off
the list only by that example, so it is 「待核实」 with the county's own entry list to collect;
with the list set in a county's own document it is 「不列入」 as before. A plot that fails
nothing is 「不列入」 under any list.

Reference date 2024-06-30; plots 21 亩 (14,000 m²), one 规上 firm each.
"""

from __future__ import annotations

import pandas as pd

from landgov.core.vocab import EXAMPLE_ONLY
from tests._hand import county_set, firms, parcels_of, screen_plots, square

_LIST = "screening.governance_triggers"


def _two_plots() -> tuple[pd.DataFrame, pd.DataFrame]:
    """甲 and 乙: 21 亩 each, tax 105.21 万元 → 亩均税收 5.01 万元/亩 > 5 (not 低效,
    虞政发〔2022〕12号 第三条第（一）项第1目 「5万元以下」), 100 tce (below both 两高
    thresholds), 容积率 0.8 ≥ 0.7 (大类 34), completed 2015, no record. 甲 is 淘汰类 (产业目录
    不符合); 乙 is 允许类."""
    parcels = parcels_of([square(21.0, i) for i in range(2)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    ents = firms(
        2, tax_wan=[105.21, 105.21], land_mu=[21.0, 21.0], catalogue_class=["淘汰类", "允许类"]
    )
    return parcels, ents


def test_a_plot_off_the_list_only_by_the_example_entry_list_is_to_verify(shangyu):
    """甲 fails only 产业目录 (淘汰类), which the example entry list leaves out → 待核实, the
    county's own entry list to collect, the reason saying why; 乙 fails nothing → 不列入."""
    parcels, ents = _two_plots()
    got = screen_plots(shangyu, parcels, ents).parcels
    assert got["screening_status"].tolist() == ["待核实", "不列入"]
    reason = got["reasons"].iloc[0]
    assert "产业目录" in reason and "淘汰类" in reason
    assert "示例规则（非官方）" in reason and "列入治理清单" in reason
    assert "standard_governance_triggers" in got["to_verify"].iloc[0]
    assert pd.isna(got["path"].iloc[0])
    assert EXAMPLE_ONLY not in got["reasons"].iloc[1]


def test_the_entry_list_in_a_county_document_keeps_the_plot_off_the_list(shangyu):
    """The same two plots, the entry list set in the county's own document (official):
    甲 → 不列入 (its 产业目录 不符合 still named under 问题), 乙 → 不列入."""
    parcels, ents = _two_plots()
    got = screen_plots(county_set(shangyu, _LIST), parcels, ents).parcels
    assert got["screening_status"].tolist() == ["不列入", "不列入"]
    assert "问题：" in got["reasons"].iloc[0] and "淘汰类" in got["reasons"].iloc[0]
    assert "standard_governance_triggers" not in str(got["to_verify"].iloc[0])
