"""The demo's second year (模拟数据): 动态评价 and a partly filled 治理台账.

After ``landgov demo`` has screened the first year into ``OUT``, :func:`run_second_year`
generates the sample's second year (:func:`landgov.sample.second_year.second_year`) beside it,
screens it into ``OUT-第二年``, compares both years into ``OUT-动态评价``
(:mod:`landgov.evaluation`) and writes ``OUT-治理台账.xlsx``: a ledger started from the first
year, filled in as 镇街 staff would (:func:`landgov.sample.filled_ledger.fill_ledger`, with
three deliberate mistakes) and updated with the second year (:mod:`landgov.ledger`). With
``maps_dir`` it also draws ``demo-进度.html`` (治理进度 and 年度变化 themes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["YEAR2_AS_OF", "run_second_year", "sample_inputs"]

YEAR2_AS_OF = "2027-06-30"
_LEDGER_START = dt.date(2026, 7, 1)
_LEDGER_UPDATE = dt.date(2027, 7, 1)
_ROLES = (
    ("links", "links.xlsx"),
    ("compliance", "compliance.xlsx"),
    ("planning", "planning.shp"),
    ("demolition", "demolition.shp"),
    ("townships", "townships.shp"),
    ("special_zones", "special_zones.shp"),
)


def sample_inputs(folder: Path) -> Any:
    """The screening inputs of a sample folder (the files that exist)."""
    from landgov.run.files import RunInputs

    return RunInputs(
        parcels=folder / "parcels.shp",
        enterprises=folder / "enterprises.xlsx",
        **{role: folder / name for role, name in _ROLES if (folder / name).exists()},
    )


def run_second_year(
    *,
    sample: Path,
    first_run: Path,
    profile: str,
    maps_dir: Path | None = None,
    progress: bool = False,
    echo: Callable[[str], Any] = print,
    wait: bool = False,
) -> dict[str, Path]:
    """Second year, comparison and ledger beside ``first_run``; returns the paths written."""
    from landgov.evaluation import compare_runs, write_comparison
    from landgov.ledger import init_ledger, update_ledger, write_ledger
    from landgov.ledger._layout import CLOSE_UNVERIFIED, STILL_LISTED
    from landgov.run.results import read_screening
    from landgov.run.screening import run_screening
    from landgov.sample.filled_ledger import fill_ledger
    from landgov.sample.second_year import second_year

    base = first_run.parent / first_run.name
    data = base.with_name(f"{first_run.name}-第二年示例数据")
    changed = second_year(sample, data, as_of=YEAR2_AS_OF)
    echo(
        f"第二年示例数据（模拟数据）：{data}（分割 {len(changed['split'])} 宗、"
        f"合并 {len(changed['merged'])} 对，"
        f"整治后亩均税收提高的企业 {len(changed['improved'])} 家）"
    )
    run2 = base.with_name(f"{first_run.name}-第二年")
    run_screening(
        sample_inputs(data), profile=profile, as_of=YEAR2_AS_OF, progress=progress,
        out_dir=run2, overwrite=True, wait=wait, echo=echo,
    )  # fmt: skip
    old, new = read_screening(first_run), read_screening(run2)
    cmp = compare_runs(old, new)
    compared = write_comparison(cmp, base.with_name(f"{first_run.name}-动态评价"))
    rows = "、".join(f"{k} {v}" for k, v in cmp.counts["plot_rows"].items())
    echo(f"动态评价：{compared}（{rows}）")
    ledger_path = base.with_name(f"{first_run.name}-治理台账.xlsx")
    write_ledger(init_ledger(old, as_of=_LEDGER_START), ledger_path)
    fill_ledger(
        ledger_path, closing=set(old.governance["parcel_id"]) - set(new.governance["parcel_id"])
    )
    ledger = update_ledger(ledger_path, new, as_of=_LEDGER_UPDATE)
    write_ledger(ledger, ledger_path)
    total = ledger.progress.iloc[-1]
    echo(
        f"治理台账：{ledger_path}（{int(total['宗地数'])} 宗，已销号 {int(total['已销号'])}，"
        f"{CLOSE_UNVERIFIED} {int(total[CLOSE_UNVERIFIED])}，"
        f"{STILL_LISTED} {int(total[STILL_LISTED])}，"
        f"逾期 {int(total['逾期'])}，建议销号 {int(total['建议销号'])}，"
        f"填写问题 {len(ledger.problems)} 个）"
    )
    paths = {"year2": run2, "compare": compared, "ledger": ledger_path}
    if maps_dir is not None:
        from landgov.maps import build_map, load_run
        from landgov.maps._progress import with_progress

        data = with_progress(
            load_run(run2), ledger=ledger_path, comparison=compared, as_of=_LEDGER_UPDATE
        )
        title = "越城区、滨海新区工业用地治理进度（模拟数据）"
        paths["progress_html"] = build_map(data, theme="progress", title=title).save(
            Path(maps_dir) / "demo-进度.html"
        )
        echo(f"进度地图：{paths['progress_html']}（治理进度、年度变化专题）")
    return paths
