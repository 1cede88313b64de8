"""地企关联: join parcels and enterprises, measure each enterprise's land and share its totals.

One parcel may hold its owner (权利人, ``relation = owner``) and several tenants; one enterprise may
use several parcels (docs/domain.md §2). :func:`link_parcels` turns the link table into

- ``pairs``: one row per (parcel, enterprise) with the area the enterprise uses there,
- ``enterprises``: every enterprise with its land measured from parcel geometry,
- ``parcels``: every parcel with its enterprises' totals allocated by area used,

and lists every link and enterprise it could not join, with the reason. Nothing is dropped.

Land used on a parcel (:math:`a_{pe}`, m²) is the link's ``area_used_m2`` when given; the rest of
the parcel's geometric area, :math:`\\max(A_p - \\sum_{given} a_{pe}, 0)`, goes to the users without
a given area by ``linking.share_rule`` (``equal``: shared equally; ``owner``: to the owner). An
enterprise's land is :math:`L_e = \\sum_p a_{pe}`, its share on a parcel
:math:`s_{pe} = a_{pe} / L_e`, and a parcel's allocated total of any quantity :math:`x`
(tax, value added …) is

.. math:: x_p = \\sum_e s_{pe}\\, x_e

which is NaN when any contributing enterprise lacks :math:`x` (never a silent 0). A link to a
plot whose enterprise cannot be joined (not in the enterprise table, or a masked or invalid
code) is such a contributor: it takes its part of the plot's land and lacks every :math:`x`, so
the plot's totals are missing and the code is listed in the parcel's ``unjoined_usccs``; the
link is still listed as unjoined, with the reason.
:func:`allocation_terms` gives its terms :math:`s_{pe}\\, x_e` pair by pair, for a stage that
asks what the known part of a total is (screening's 低效 with a tenant's tax missing).

The **main enterprise** of a parcel (主体企业; the 底数清单's ``main_uscc``, the 增容 applicant, the
enterprise on the 初审表) is decided once, by :func:`main_enterprise`: the owner (权利人), else the
user with the largest area used; ties go to the smallest USCC, so the answer never depends on the
order of the rows. :func:`parcel_main_enterprises` applies it to raw tables for stages that do not
run the whole join themselves.
"""

from landgov.link._link import (
    link_parcels,
    links_from_holders,
    parcel_link,
    parcel_main_enterprises,
)
from landgov.link._main import main_enterprise
from landgov.link._model import (
    TOTAL_COLUMNS,
    LinkResult,
    LinkSettings,
    Relation,
    ShareRule,
    TenancyMode,
)
from landgov.link._outputs import allocation_terms

__all__ = [
    "TOTAL_COLUMNS",
    "LinkResult",
    "LinkSettings",
    "Relation",
    "ShareRule",
    "TenancyMode",
    "allocation_terms",
    "link_parcels",
    "links_from_holders",
    "main_enterprise",
    "parcel_link",
    "parcel_main_enterprises",
]
