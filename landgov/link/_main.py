"""The main enterprise (主体企业) of a parcel: the one rule every stage uses."""

from __future__ import annotations

import numpy as np
import pandas as pd

from landgov.core.problems import ProblemLog, Severity
from landgov.link._model import Relation


def main_enterprise(pairs: pd.DataFrame) -> pd.Series:
    """The main enterprise (主体企业) of each parcel: the one rule every stage uses.

    The owner (``relation`` owner; the one using most land if several), else the user with the
    largest ``area_used_m2``; ties (and missing areas, ranked last) go to the smallest USCC.

    Parameters
    ----------
    pairs
        :attr:`LinkResult.pairs`: ``parcel_index``, ``uscc``, ``relation``, ``area_used_m2``.

    Returns
    -------
    pandas.Series
        USCC of the main enterprise, indexed by ``parcel_index`` (parcels without users absent).

    Examples
    --------
    >>> pairs = pd.DataFrame({"parcel_index": [0, 0], "uscc": ["B", "A"],
    ...                       "relation": ["tenant", "tenant"], "area_used_m2": [100.0, 9000.0]})
    >>> main_enterprise(pairs).to_dict()
    {0: 'A'}
    """
    ranked = pairs.assign(
        _owner=pairs["relation"] == Relation.OWNER.value,
        _area=pd.to_numeric(pairs["area_used_m2"], errors="coerce").fillna(-np.inf),
    )
    ranked = ranked.sort_values(
        ["_owner", "_area", "uscc"], ascending=[False, False, True], kind="stable"
    )
    return ranked.drop_duplicates("parcel_index").set_index("parcel_index")["uscc"]


def _main_users(pairs: pd.DataFrame, log: ProblemLog) -> pd.Series:
    """:func:`main_enterprise`, reporting parcels with more than one owner."""
    n_owners = (pairs["relation"] == Relation.OWNER.value).groupby(pairs["parcel_index"]).sum()
    for pidx in n_owners.index[n_owners > 1]:
        log.add(
            "一宗地有多个权利人（自有关联），取使用面积最大者为主体企业",
            field="relation",
            value=pairs.loc[pairs["parcel_index"] == pidx, "parcel_id"].iloc[0],
            action="核对该宗地的权利人",
            severity=Severity.WARNING,
            role="links",
        )
    return main_enterprise(pairs)
