"""The 治理台账 (过程管控): from the 治理清单 to 销号, kept in a workbook the 镇街 fill in.

``landgov ledger init`` starts a ledger from a screening run (:func:`init_ledger`): one row per
治理清单 plot with its path, reasons and clause, and the columns a 镇街 fills in — 责任单位,
责任人, 治理措施 (一地一企一方案), 计划完成日期, 状态 (:class:`Status`), 进展说明, 验收日期,
验收依据. ``landgov ledger update`` reads the edits back (:func:`update_ledger`, through
:mod:`landgov.core.editable`), checks them, merges a newer run (new plots added; plots that
left the list proposed for 销号 with the run's reason, never closed without 验收) and records
every status change in 状态变更记录. :func:`write_ledger` writes the workbook atomically.
"""

from landgov.ledger._book import Ledger, progress, write_ledger
from landgov.ledger._layout import LAYOUT, LEDGER_KIND, Status
from landgov.ledger._update import init_ledger, update_ledger

__all__ = [
    "LAYOUT",
    "LEDGER_KIND",
    "Ledger",
    "Status",
    "init_ledger",
    "progress",
    "update_ledger",
    "write_ledger",
]
