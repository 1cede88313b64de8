"""增容: which industrial plots could raise their 容积率, and does an application qualify.

Implements 《越城区、滨海新区进一步鼓励存量工业用地二次开发盘活闲置资源的实施意见》 [000 附件3]:
scope [一], the 容积率 cap [二] and the eight conditions [三 1–8], each returned as a
:class:`~landgov.verdict.Verdict` (符合 / 不符合 / 待核实 / 待承诺) with the values seen and the
clause. Two entry points share the same rules:

- :func:`check_parcels` screens every parcel (走访摸排 [六(一)]): who could apply. Facts only an
  application gives (standard factory or not, title, commitment …) are 待核实 / 待承诺 there, so
  a screened plot is at best 待核实; plots with any 不符合 are not candidates.
- :func:`check_applications` checks each application row against its parcel and enterprise and
  adds the figures after the project (容积率, 亩均税收, 投资强度).

Overall: any 不符合 → 不可申报; else any 待核实 → 待核实; else 可申报 (待承诺 items are document
steps listed for the joint meeting, [四(五)]). Missing data is never read as a pass.
印染化工电镀 relocation firms are flagged for the joint meeting [三 末段]; plots in a special zone
(马海片区 [七(二)]) are out of scope, and without the zone layer that check is 待核实. Applications
dated before the opinion took effect [七(一)] are outside its period. A value marked
示例规则（非官方） (the 标准地 control values, the demolition share and window) never makes a
符合 on its own.
"""

from landgov.core.vocab import Eligibility
from landgov.far.zengrong._case import (
    ADDED_FLOOR,
    CONDITION_LABELS,
    CONDITIONS,
    FIRM_INDUSTRY,
    FLOOR_OR_FAR,
    NO_APPLICANT,
    PLOT_FIRMS_VALUE,
    PLOT_SHAPE,
)
from landgov.far.zengrong._check import (
    ZengrongInputs,
    check_applications,
    check_parcels,
    unmatched_applications,
)
from landgov.far.zengrong._conditions import CONTROL_KEYS, zero_alone
from landgov.far.zengrong._facts import plot_tax_gaps
from landgov.far.zengrong._outcome import condition_note, overall
from landgov.far.zengrong._zones import unmatched_zone_names

__all__ = [
    "ADDED_FLOOR",
    "CONDITIONS",
    "CONDITION_LABELS",
    "CONTROL_KEYS",
    "FIRM_INDUSTRY",
    "FLOOR_OR_FAR",
    "NO_APPLICANT",
    "PLOT_FIRMS_VALUE",
    "PLOT_SHAPE",
    "Eligibility",
    "ZengrongInputs",
    "check_applications",
    "check_parcels",
    "condition_note",
    "overall",
    "plot_tax_gaps",
    "unmatched_applications",
    "unmatched_zone_names",
    "zero_alone",
]
