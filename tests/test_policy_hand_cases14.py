"""Hand-worked policy cases, round 14: three defects of the clause-coverage audit.

1. 「以规上制造业企业、实际用地3亩以上的规下制造业企业为重点开展排查」 [虞政发〔2022〕12号
   第三条第（二）项第1目]; 「对规上制造业企业、实际用地3亩(含)以上的规下制造业企业开展排查」
   [嵊政〔2022〕28号 第三条第（二）项第1目]: the screening focus and the 亩均 evaluation scope
   are 制造业 firms (GB/T 4754 门类 C, 大类 13–43), not every firm on industrial land.
2. The 联席会议材料's note on how 规上亩均税收 is measured cites 越政发〔2022〕24号
   附件2.1 第12项指标: the 越城 profile's own document (no 「参照」), another county's
   elsewhere (「参照」).
3. The map popup sets 容积率 beside the 容积率下限 it is judged against: with enough digits to
   tell the two apart (0.6999 against 0.7 is not 「0.7 / 0.7」).

Plots are 21 亩 squares (14000 m², :func:`tests._hand.square`), 1 km apart.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from landgov.maps._run import RunData
from landgov.policy import load_profile
from landgov.reports.meeting import _overview
from landgov.summary import summarise

BASIS = "越政发〔2022〕24号 附件2.1 第12项指标「每亩占地面积」"


# ------------------------------------------------------------------------- 2. packet wording


def _packet_notes(profile: str) -> str:
    """The notes under the 镇街 table of the packet of a run made with ``profile``."""
    plots = pd.DataFrame({"parcel_id": ["P1"], "township": ["马山街道"], "area_m2": [14000.0]})
    firms = pd.DataFrame(
        {
            "uscc": ["U1"],
            "above_scale": [True],
            "tax_wan": [100.0],
            "land_mu": [10.0],
            "township": ["马山街道"],
        }
    )
    summary = summarise(plots, enterprises=firms, profile=load_profile(profile))
    run = RunData(
        path=Path("."),
        parcels=gpd.GeoDataFrame(plots, geometry=[None]),
        manifest={"profile": {"name": profile, "version": "x"}},
    )
    return "".join(_overview(run, summary, None, "审议材料").notes)


def test_packet_cites_yuecheng_own_document_without_canzhao():
    """越城 (yuecheng-2022): 越政发〔2022〕24号 is the profile's own document, so the note that
    规上亩均税收 is measured on the firms' own land (附件2.1 第12项指标 「规上工业企业在报告期内每亩
    占地面积」) cites it plainly; 「参照越政发…」 would tell the 联席会议 that 越城's own indicator
    table is another county's."""
    notes = _packet_notes("yuecheng-2022")
    assert BASIS in notes
    assert f"参照{BASIS}" not in notes


@pytest.mark.parametrize("profile", ["shangyu-2022", "shengzhou-2022", "gongshu-2022"])
def test_packet_cites_yuecheng_document_as_canzhao_elsewhere(profile):
    """上虞, 嵊州, 拱墅: 越政发〔2022〕24号 does not bind them; the measurement is borrowed from
    it, so the note says 「参照越政发〔2022〕24号 附件2.1 第12项指标」."""
    assert f"参照{BASIS}" in _packet_notes(profile)
