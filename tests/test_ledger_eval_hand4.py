"""Hand-worked cases, round 4: the 治理台账 across a change of 宗地代码, and 验收 evidence
that cannot be read.

Rules (docs/policy.md ``ledger.closing``):

- 「落实清单化管理、销号式整改、项目化验收」 — 虞政发〔2022〕12号 第三条第（一）项第2目: a 已销号
  counts only with its 验收 on file (验收日期 and 验收依据); without it the row is 销号待核实,
  not in 已销号 nor in 完成率. A cell whose value cannot be read — a formula the file holds
  no result of, an Excel error value such as 「#REF!」 — is no evidence (the project rule:
  missing data gives 待核实, never a silent pass; core.editable reads such a cell as
  unknown, ``EditedSheet.unknown``).
- 「达标销号」 (same clause; 嵊政〔2022〕28号 第三条第（二）项第2目) and 「清单化管理」: a plot of
  last year's ledger that the new run's 底数清单 does not hold (split, merged, re-coded after
  不动产 registration, sold) is never proposed for 销号 and never dropped; its row stays with
  what the 镇街 filled in. A plot the new run lists under a code the ledger does not know is
  added (未启动). When both happen in the same 镇街 in one update, the officer must be told
  the two may be the same land — otherwise the land is tracked twice, the new row from
  scratch, and the filled-in 责任人 and 治理措施 are left on a row nobody will update.

Plots are 100 m squares in EPSG:4549 (``tests/_runs.py``): 10,000 m² = 15 亩.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from landgov.ledger import init_ledger, update_ledger, write_ledger
from landgov.run.results import read_screening
from tests._runs import fake_run
from tests.test_ledger import _edit

X, Y = 500_000, 3_300_000
DAY1 = dt.date(2026, 7, 1)
DAY2 = dt.date(2027, 7, 1)


def _box(i: int, *, w: float = 100, dx: float = 0) -> tuple[float, float, float, float]:
    return (X + 300 * i + dx, Y, X + 300 * i + dx + w, Y + 100)


# --------------------------------------------------------------------------- 验收 unreadable
EVIDENCE = {"状态": "已销号", "验收日期": "2027-05-20", "验收依据": "斗门街道验收纪要〔2027〕5号"}


@pytest.fixture(scope="module")
def one_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hand4_one")
    return fake_run(root / "2026", [{"parcel_id": f"V{i}"} for i in (1, 2, 3)], as_of="2026-06-30")


@pytest.mark.parametrize(
    "typed",
    [
        '="斗门街道验收纪要"',  # a formula written by a script, never computed: no stored result
        "#REF!",  # the 依据 looked up from a sheet whose column was deleted
    ],
)
def test_acceptance_basis_that_cannot_be_read_is_no_evidence(one_year, tmp_path, typed):
    # V1 已销号 with 验收日期 and a readable 依据: 已销号. V2 已销号, 验收日期 2027-05-20, 依据 a
    # cell that cannot be read: nobody knows what the 依据 is, so the 销号 has no 验收 on file →
    # 销号待核实 (虞政发〔2022〕12号 第三条第（一）项第2目). V3 推进中.
    # 全区: 已销号 1, 销号待核实 1, 推进中 1; 完成率 = 1 / 3 = 33.33 % → 33.3 (rounded down).
    # Before: V2 was counted 已销号 (完成率 66.6 %) while its 依据 cell was flagged unreadable.
    path = write_ledger(init_ledger(read_screening(one_year), as_of=DAY1), tmp_path / "台账.xlsx")
    _edit(
        path,
        {
            "V1": EVIDENCE,
            "V2": EVIDENCE | {"验收依据": typed},
            "V3": {"状态": "推进中"},
        },
    )
    ledger = update_ledger(path, None, as_of=DAY2)
    rows = ledger.rows.set_index("宗地代码")
    assert rows.loc["V2", "状态"] == "已销号"  # kept as typed, never changed by landgov
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert (total["已销号"], total["销号待核实"], total["推进中"]) == (1, 1, 1)
    assert total["完成率（%）"] == 33.3
    said = ledger.problems[ledger.problems["problem"].str.startswith("宗地 V2：状态为「已销号」")]
    (problem,) = said["problem"]
    assert "验收依据" in problem and "销号须经验收" in problem
    assert "V1" not in set(ledger.flags)  # a readable 依据 stays clean
