"""The 进度 and 变化 themes: a 治理台账 and a 动态评价 drawn on the map of a run.

:func:`with_progress` joins to the run's parcels, by 宗地代码, the ledger's status of each plot
(``ledger_status``, ``ledger_overdue``, ``ledger_due_unread``, ``ledger_proposed``) and the
comparison's change
(``change_class``). :func:`build_themes <landgov.maps._themes.build_themes>` then offers the
``progress`` theme (status per plot, overdue in red, a 计划完成日期 that cannot be read in its
own class) and the ``change`` theme (grade up/down,
newly listed, left the list); :func:`progress_rows` gives the per-镇街 progress for the panel.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from landgov.core.runread import read_run_layer
from landgov.core.townnames import township_order
from landgov.core.vocab import UNKNOWN_TOWNSHIP
from landgov.errors import DataFileError
from landgov.ledger._layout import CLOSE_UNVERIFIED as _CLOSE_UNVERIFIED
from landgov.ledger._layout import STILL_LISTED as _STILL_LISTED
from landgov.maps._run import RunData
from landgov.maps._summary import PanelRow
from landgov.maps._themes import Theme, _finish, _text
from landgov.maps.style import MapStyle

__all__ = ["change_theme", "progress_rows", "progress_theme", "with_progress"]

_STATUS_COLORS = (
    ("未启动", "#bdbdbd"),
    ("推进中", "#4a90d9"),
    ("已完成", "#8bc34a"),
    ("已销号", "#2e7d32"),
    (_CLOSE_UNVERIFIED, "#ffd54f"),  # 已销号 typed without 验收 (ledger.counted_status): not closed
    (_STILL_LISTED, "#ff8f00"),  # 已销号, but a run after the 验收 still lists it: not 达标
)
_OVERDUE = ("已逾期（未完成）", "#d7191c")
#: A plot not finished whose 计划完成日期 is written but no date: neither overdue nor on time.
_DUE_UNREAD = ("完成日期待核实", "#fdae61")
_LEDGER_COLUMNS = ("ledger_status", "ledger_overdue", "ledger_due_unread", "ledger_proposed")
_CHANGE_CLASSES = (
    ("新列入治理清单", "#d7191c"),
    ("移出治理清单", "#1a9641"),
    ("移出情况待核实", "#fff3b0"),
    ("等级上升", "#a6d96a"),
    ("等级下降", "#fdae61"),
    ("分割或合并", "#984ea3"),
    ("无明显变化", "#e0e0e0"),
)


def _ledger_frame(path: Path, *, as_of: dt.date) -> pd.DataFrame:
    from landgov.ledger import update_ledger
    from landgov.ledger._book import counted_status, due_unread, overdue, proposed

    ledger = update_ledger(path, None, as_of=as_of)  # read and check only, nothing written
    rows = ledger.rows
    # as 镇街进度 counts it: a 已销号 without 验收 is 销号待核实
    status = counted_status(rows, as_of=as_of)
    return pd.DataFrame(
        {
            "parcel_id": rows["宗地代码"].astype(str),
            "ledger_status": status.to_numpy(),
            "ledger_overdue": overdue(rows, as_of=as_of, counted=status).to_numpy(),
            "ledger_due_unread": due_unread(rows, as_of=as_of, counted=status).notna().to_numpy(),
            "ledger_proposed": proposed(rows).to_numpy(),
        }
    )


def _change_class(row: pd.Series) -> str:
    from landgov.evaluation._compare import DONE_CHANGES, UNSETTLED_CHANGES

    by_listing = {
        "新列入治理清单": "新列入治理清单",
        **dict.fromkeys(DONE_CHANGES, "移出治理清单"),
        **dict.fromkeys(UNSETTLED_CHANGES, "移出情况待核实"),  # 待核实 or gone: not shown 达标
    }
    by_grade = {"上升": "等级上升", "下降": "等级下降"}
    found = by_listing.get(row["listing_change"]) or by_grade.get(row["grade_change"])
    if found:
        return found
    if row["match"] in ("分割", "合并", "分割合并", "重新编号"):
        return "分割或合并"
    return "无明显变化"


def _change_frame(folder: Path, codes: pd.Series) -> pd.DataFrame:
    if not (folder / "changes.gpkg").is_file():
        raise DataFileError(
            f"{folder} 中没有 changes.gpkg：不是 landgov compare 的输出文件夹。"
            "处理：--compare 指定 landgov compare 旧期 新期 --out 文件夹 写出的那个文件夹"
        )
    changes = read_run_layer(folder / "changes.gpkg", "changes", geometry=False)
    changes["change_class"] = changes.apply(_change_class, axis=1)
    by_code: dict[str, str] = {}
    for side in ("old_ids", "new_ids"):  # the map's run may be either year: new codes win
        for ids, cls in zip(changes[side], changes["change_class"], strict=True):
            for code in str(ids or "").split("；"):
                if code:
                    by_code[code] = cls
    return pd.DataFrame({"parcel_id": codes, "change_class": codes.map(by_code)})


def with_progress(
    data: RunData,
    *,
    ledger: str | Path | None = None,
    comparison: str | Path | None = None,
    as_of: dt.date | None = None,
) -> RunData:
    """``data`` with the ledger's status and the comparison's change joined to its parcels.

    Parameters
    ----------
    data
        A run read by :func:`landgov.maps.load_run`.
    ledger
        A 治理台账 written by ``landgov ledger`` (read and checked, never written).
    comparison
        A folder written by ``landgov compare`` (its ``changes.gpkg``).
    as_of
        The date 逾期 is judged at (default: today).
    """
    parcels = data.parcels.copy()
    codes = parcels["parcel_id"].astype(str)
    notes = list(data.notes)
    if ledger is not None:
        frame = _ledger_frame(Path(ledger), as_of=as_of or dt.date.today())
        joined = pd.DataFrame({"parcel_id": codes}).merge(frame, on="parcel_id", how="left")
        for col in _LEDGER_COLUMNS:
            parcels[col] = joined[col].to_numpy()
        missing = len(set(frame["parcel_id"]) - set(codes))
        if missing:
            notes.append(f"台账中有 {missing} 宗地块不在本次结果的底数清单中，未能在图上显示")
    if comparison is not None:
        parcels["change_class"] = _change_frame(Path(comparison), codes)["change_class"].to_numpy()
    return dataclasses.replace(data, parcels=parcels, notes=tuple(notes))


def progress_theme(frame: pd.DataFrame, style: MapStyle) -> Theme:
    """Status per plot from the ledger; overdue plots red; a plot whose 计划完成日期 cannot be
    read in its own class (never shown as on time); plots not in the ledger neutral."""
    status = _text(frame["ledger_status"])
    late = _flag(frame, "ledger_overdue")
    unread = _flag(frame, "ledger_due_unread")
    lookup = {s: i for i, (s, _) in enumerate(_STATUS_COLORS)}
    n = len(_STATUS_COLORS)
    codes = np.array([lookup.get(s, n + 2 if s else n + 3) for s in status], dtype=np.int64)
    codes[late] = n
    codes[unread & ~late] = n + 1
    entries = [(s, c, False) for s, c in _STATUS_COLORS]
    entries += [
        (_OVERDUE[0], _OVERDUE[1], False),
        (_DUE_UNREAD[0], _DUE_UNREAD[1], False),
        ("状态待核实（填写有误）", "#fff3b0", False),
        ("不在台账中", style.background_color, True),
    ]
    return _finish("progress", "治理台账进度", codes, entries)


def _flag(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A yes/no column of the joined ledger (``False`` where the plot is not in it)."""
    col = frame.get(name, pd.Series(False, index=frame.index))
    return col.fillna(False).astype(bool).to_numpy()  # type: ignore[no-any-return]


def change_theme(frame: pd.DataFrame, style: MapStyle) -> Theme:
    """Change since the other year: listed, left the list, grade up/down, split or merged."""
    cls = _text(frame["change_class"])
    lookup = {s: i for i, (s, _) in enumerate(_CHANGE_CLASSES)}
    codes = np.array([lookup.get(c, len(_CHANGE_CLASSES)) for c in cls], dtype=np.int64)
    entries = [(s, c, False) for s, c in _CHANGE_CLASSES]
    entries.append(("未对比", style.background_color, True))
    return _finish("change", "与上一期相比的变化", codes, entries)


def progress_rows(frame: pd.DataFrame) -> list[PanelRow]:
    """Per-镇街 progress for the panel: closed / in the ledger, overdue, and 完成日期待核实 when
    a plot's 计划完成日期 cannot be read (neither overdue nor on time)."""
    if "ledger_status" not in frame:
        return []
    part = frame[frame["ledger_status"].notna()]
    town = part.get("township", pd.Series(UNKNOWN_TOWNSHIP, index=part.index))
    town = town.fillna(UNKNOWN_TOWNSHIP)
    codes = part.get("parcel_id")
    order = township_order(town, codes)  # 行政区划代码 order, 镇街不明 last
    groups = dict(list(part.groupby(town, sort=False)))
    rows = []
    for name, group in ((t, groups[t]) for t in order.sorted(groups)):
        closed = int((group["ledger_status"] == "已销号").sum())
        pending = int((group["ledger_status"] == _CLOSE_UNVERIFIED).sum())
        relisted = int((group["ledger_status"] == _STILL_LISTED).sum())
        done = int((group["ledger_status"] == "已完成").sum())
        late = int(group["ledger_overdue"].fillna(False).astype(bool).sum())
        text = f"{len(group)} 宗：已销号 {closed}，"
        text += f"{_CLOSE_UNVERIFIED} {pending}，" if pending else ""
        text += f"{_STILL_LISTED} {relisted}，" if relisted else ""
        text += f"已完成 {done}，逾期 {late}"
        unread = int(_flag(group, "ledger_due_unread").sum())
        if unread:
            text += f"，{_DUE_UNREAD[0]} {unread}"
        rows.append(PanelRow(f"治理进度·{name}", text))
    return rows
