"""Run every benchmark at sizes that finish in minutes on a 2-core machine (`make bench`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = [
    ["bench_sample.py"],
    ["bench_read.py"],
    ["bench_screen.py", "--parcels", "50000", "--repeat", "3"],  # the median of 3 ratios
    ["bench_zonal.py"],
    ["bench_maps.py"],
    # the province: 200k and 1M parcels, the plain script county by county (the yardstick),
    # local engine and Dask with 1 and 2 workers (takes /tmp/heavy.lock itself for each run)
    [
        "bench_province.py",
        "--parcels",
        "200000",
        "--parcels",
        "1000000",
        "--engines",
        "plain,local,dask1,dask2",
    ],
]


def main() -> int:
    for args in RUNS:
        print(f"\n=== {' '.join(args)} ===", flush=True)
        subprocess.run([sys.executable, str(HERE / args[0]), *args[1:]], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
