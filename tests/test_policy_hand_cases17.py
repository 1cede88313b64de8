"""Hand-worked policy cases, round 17: who may apply for 增容, what an industry code says of
制造业, and what a 闲置 may rest on.

Rounds 3–16 (tests/test_policy_hand_cases3.py … 16.py, tests/test_policy_hand_zengrong*.py)
are not repeated. Plots are the hand plots of :mod:`tests._hand` (EPSG:4549, 1 km apart;
1 亩 = 10000/15 m², so 21 亩 = 14000 m²; firm ``i`` owns plot ``i``); the reference date is
2024-06-30. Each case works its answer out by hand from the clause it cites, then checks what
landgov says (status, reasons, cited clause, 待核实事项).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from landgov.far.zengrong import check_applications
from tests._hand import (
    OK,
    TBD,
    P,
    U,
    application,
    enterprises,
    owner_links,
    plots,
    uscc,
    zengrong_inputs,
)
from tests.test_policy_hand_zengrong2 import _form_cells

# =============================================================================================
# 1. 增容 by a tenant. 越政发〔2022〕24号 附件3 第一条 covers 「取得国有出让建设用地使用权的存量工业
# 用地」; 第四条第（一）项 「企业向属地镇街提出申请」; 第四条第（五）项: the enterprise signs the
# 「新增建筑面积按重置价赔偿书面承诺」, the 《投资建设协议》 and a bank guarantee — the acts of
# whoever holds the land. A tenant (地企关联 relation 承租) holds no 使用权 on the plot: its
# application cannot be 可申报 until the holder's right or consent is shown. Never 不符合 (the
# holder may consent, the link table may be behind), never a silent pass.


def _tenant_inputs(profile, parcels):
    """Plot 0 owned by 企业0, part of it rented by 企业5 (a tenant, 地企关联 relation 承租)."""
    pid = parcels["parcel_id"].iloc[0]
    tenant = pd.DataFrame({"parcel_id": [pid], "uscc": [uscc(5)], "relation": ["tenant"]})
    links = pd.concat([owner_links(parcels), tenant], ignore_index=True)
    return dataclasses.replace(
        zengrong_inputs(profile, parcels), links=links, enterprises=enterprises(6)
    )


def test_application_by_a_tenant_is_to_verify_never_eligible(official):
    """Plot 0 (21 亩, 容积率 0.8) meets every condition on the default application's figures.

    By hand:
    - 甲 企业0, the plot's owner (使用权人) → 适用范围 符合 → 可申报.
    - 乙 企业5, a tenant on plot 0 → it has not 「取得…使用权」 [附件3 第一条] → 适用范围
      待核实 → 待核实 (never 可申报), the reason saying it rents the plot and naming the
      owner; 待核实事项 the relation (使用权, or the 使用权人's consent). The 初审表 names the
      applicant 企业5 — never the plot's 权利人 企业0, who did not apply.
    """
    parcels = plots(1, mu=21.0)
    pid = parcels["parcel_id"].iloc[0]
    apps = pd.DataFrame([application(pid, 0), application(pid, 5)])
    got = check_applications(apps, _tenant_inputs(official, parcels))
    assert got["scope"].tolist() == [P, U]
    assert got["zengrong"].tolist() == [OK, TBD]
    note = got["scope_note"].iloc[1]
    assert f"申请企业（企业5，统一社会信用代码 {uscc(5)}）为宗地 {pid} 的承租企业" in note
    assert f"企业0 {uscc(0)}" in note
    assert "不是土地使用权人（宗地权利人：企业0" in note
    assert "[越政发〔2022〕24号 附件3 第一条]" in note
    assert "申请企业与宗地的关系" in got["missing"].iloc[1]
    assert "申请企业与宗地的关系" not in got["missing"].iloc[0]
    names = [_form_cells(r)["企业名称（盖公章）"] for r in got.to_dict("records")]
    assert names == ["企业0", "企业5"]
