"""The lists' 范围说明 reads a plot's 土地用途 as the 增容 scope check does, in the same words.

附件3 第一条 (越政发〔2022〕24号) limits 增容 to 「存量工业用地」; the check reads the parcel's
土地用途 with :mod:`landgov.core.landuse`: a name or code of a national classification
(GB 50137-2011, GB/T 21010-2017, 自然资发〔2023〕234号) decides and cites its standard; a
register short form (「工业」, 「商住用地」) is the project's reading, 示例规则（非官方）. The
底数清单's 范围说明 says why a plot outside the usual scope is listed; for the same plot it must
give the same reading, the same words and the same citation (it wrote 「不是工业用地」 for
「商住用地」, with no marker and no citation, and nothing at all for 「工业」).

Hand-drawn fixtures (tests/_hand.py): 21-亩 squares in EPSG:4549, 1 km apart, 出让, in 越城区
(code 330602), planned 工业用地, completed 2015: every other part of the 增容 scope holds, so the
土地用途 decides it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from landgov.far.zengrong import check_parcels
from landgov.reports.lists import list_sheet
from landgov.verdict import Status
from tests._hand import plots, zengrong_inputs

#: The project list's citation, as the check writes it (official = false).
PROJECT = "[项目默认（登记简称，非国家用地分类中的名称）] 示例规则（非官方）"
#: The official lists' citations begin with the standards they quote.
INDUSTRIAL = "[GB 50137-2011《城市用地分类与规划建设用地标准》（M 工业用地，M1–M3 一类至三类"
OTHER = "[GB 50137-2011《城市用地分类与规划建设用地标准》（R、A、B、W、S、U、G；H2–H9、E）"

#: (土地用途, 增容 scope, the reading both must write with its citation; None: no 范围说明)
CASES = [
    # an official name: 存量工业用地, an ordinary plot for the lists
    ("工业用地", Status.PASS, None),
    # a register short form read as non-industrial: 不符合 on a project reading only
    (
        "商住用地",
        Status.FAIL,
        "土地用途「商住用地」按项目默认读作非工业用地（登记简称「商住用地」，"
        f"非国家用地分类中的名称或代码，示例规则（非官方）） {PROJECT}",
    ),
    # a register short form read as industrial: never 符合 on it alone → 待核实
    (
        "工业",
        Status.UNKNOWN,
        "土地用途「工业」按项目默认读作工业用地（登记简称「工业」，"
        "非国家用地分类中的名称或代码，示例规则（非官方））",
    ),
    # in neither list: undecided, never 「不是工业用地」
    ("XX", Status.UNKNOWN, "土地用途「XX」无法识别，不能判定是否为工业用地"),
    # an official code outside industry (GB 50137-2011 R2 二类居住用地): cites the standard
    ("R2", Status.FAIL, f"土地用途为「R2」，非工业用地 {OTHER}"),
]


@pytest.fixture(scope="module")
def both(yuecheng) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 增容 scope rows and the 底数清单 sheet of one plot per case."""
    parcels = plots(len(CASES), land_use=[use for use, _, _ in CASES])
    reviewed = check_parcels(zengrong_inputs(yuecheng, parcels))
    return reviewed, list_sheet(parcels, yuecheng)


@pytest.mark.parametrize(("i", "case"), list(enumerate(CASES)), ids=[c[0] for c in CASES])
def test_scope_note_reads_the_land_use_as_the_zengrong_scope_does(both, i, case):
    _, status, reading = case
    reviewed, sheet = both
    verdict, note = reviewed["scope_note"].iloc[i], sheet["scope_note"].iloc[i]
    assert reviewed["scope"].iloc[i] == status.value, verdict
    if reading is None:  # 工业用地: the check cites the standard, the lists say nothing
        assert f"存量工业用地 {INDUSTRIAL}" in verdict
        assert pd.isna(note), note
        return
    assert reading in verdict
    assert reading in note, note
    assert "不是工业用地" not in note  # the third wording is gone
    if status is Status.UNKNOWN:
        assert "待核实" in note
    if "示例规则（非官方）" in reading:
        assert PROJECT in note and PROJECT in verdict


def test_a_short_form_read_as_industrial_cites_the_project_list(both):
    # 「工业」: the check says why it is 待核实 and cites the project list; so do the lists
    reviewed, sheet = both
    i = [use for use, _, _ in CASES].index("工业")
    reading = CASES[i][2]
    assert f"{reading}，不能仅据此认定为存量工业用地 {PROJECT}" in reviewed["scope_note"].iloc[i]
    assert f"{reading} {PROJECT}，不能仅据此认定为工业用地（待核实）" in sheet["scope_note"].iloc[i]
