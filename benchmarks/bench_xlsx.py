"""Time of :func:`landgov.reports.excel.write_workbook` alone on a generated list sheet.

Usage::

    python benchmarks/bench_xlsx.py                  # 50,000 rows, 3 runs
    python benchmarks/bench_xlsx.py --rows 200000 --runs 1
    python benchmarks/bench_xlsx.py --rows 5000 --sheets 4 --ballast 1.5   # fork or not?

The sheet mixes what a 底数清单 holds: unique codes and names, repeated 镇街 and statuses,
reasons in Chinese with line breaks, markup and credit codes (wrapped), fractional areas,
counts, dates, yes/no and blanks. Prints wall and CPU time (the deflate worker thread
included) per run, the file size and the machine's load, since on a shared machine only
repeated runs side by side are comparable.

With ``--sheets N`` the workbook holds the list N times (sheets whose rows may be written in a
forked child, :mod:`landgov.reports._sheetfork`) and each run is timed twice, with the child
allowed and with ``LANDGOV_PROCESSES=1``; ``--ballast GB`` holds that much memory (touched)
first, as a run does when it writes its workbook, since a fork copies its page tables. The
estimated XML of the sheets is printed beside :data:`~landgov.reports._sheetfork.FORK_BYTES`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from landgov.core.forked import ENV
from landgov.reports import _sheetfork
from landgov.reports._sheetfork import estimate
from landgov.reports.excel import SheetStyle, write_workbook

RUSAGE_CHILDREN = resource.RUSAGE_CHILDREN


def _frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    towns = np.array(["孙端街道", "斗门街道", "沥海街道", "皋埠街道", "陶堰街道", "马山街道"])
    reasons = np.array(
        [
            "亩均税收低于 5 万元/亩（越政发〔2022〕24号 附件3 第三条第6项）",
            "容积率低于 1.0；\n企业 91330602270261212J 亩均增加值低于标准",
            "缺少用地面积 & 建筑面积，待核实",
            "",
        ]
    )
    area = rng.gamma(2.0, 15.0, n)
    return pd.DataFrame(
        {
            "parcel_id": [f"330602{k:08d}" for k in range(n)],
            "holder": [f"绍兴市某某{k % 9000}制造有限公司" for k in range(n)],
            "township": towns[rng.integers(0, len(towns), n)],
            "screening_status": np.array(["治理", "不列入", "待核实"])[rng.integers(0, 3, n)],
            "reasons": [
                f"{r}（第 {k} 宗）" if r else None
                for k, r in enumerate(reasons[rng.integers(0, len(reasons), n)])
            ],
            "area_mu": np.where(rng.random(n) < 0.02, np.nan, area),
            "tax_per_mu": area * rng.random(n) * 3,
            "n_links": rng.integers(0, 5, n),
            "approve_date": [dt.date(2000 + k % 25, 1 + k % 12, 1 + k % 28) for k in range(n)],
            "is_zone": rng.random(n) < 0.3,
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sheets", type=int, default=1, help="the list written N times")
    parser.add_argument("--ballast", type=float, default=0.0, help="GB of memory held")
    parser.add_argument("--fork-from", type=float, help="MB: FORK_BYTES for this run")
    args = parser.parse_args(argv)
    if args.fork_from is not None:
        _sheetfork.FORK_BYTES = int(args.fork_from * 1e6)
    ballast = np.ones(int(args.ballast * 1e9) // 8)  # touched: the pages exist  # noqa: F841
    frame = _frame(args.rows)
    style = SheetStyle(freeze_columns=2, wrap=frozenset({"reasons"}), paper="A3")
    names = ["底数清单", *(f"底数清单{k}" for k in range(2, args.sheets + 1))]
    sheets = [(name, frame) for name in names]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{args.sheets} × {args.rows:,} rows × {frame.shape[1]} columns, estimated XML "
        f"{args.sheets * estimate(frame) / 1e6:.1f} MB "
        f"(fork from {_sheetfork.FORK_BYTES / 1e6:.0f} MB), "
        f"{args.ballast:g} GB held; load average {load}"
    )
    modes = [("", "")] if args.sheets == 1 else [("child", ""), ("one process", "1")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        for run in range(1, args.runs + 1):
            for mode, env in modes:
                os.environ[ENV] = env
                start = time.perf_counter()
                cpu = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, RUSAGE_CHILDREN)]
                write_workbook(sheets, path, styles=dict.fromkeys(names, style))
                used = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, RUSAGE_CHILDREN)]
                cpu_s = sum(u.ru_utime + u.ru_stime - c.ru_utime - c.ru_stime
                            for u, c in zip(used, cpu, strict=True))  # fmt: skip
                print(
                    f"run {run}{f' ({mode})' if mode else ''}: "
                    f"{time.perf_counter() - start:6.2f} s wall, {cpu_s:6.2f} s CPU, "
                    f"{path.stat().st_size / 1e6:.1f} MB"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
