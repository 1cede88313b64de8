"""Read time and peak memory of every reader on the bundled sample, with the problems found.

Usage::

    python benchmarks/bench_read.py                # data/sample
    python benchmarks/bench_read.py --dir DIR      # another folder with the same file names

Each file is read in its own process, which reports its wall time and peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = {
    "parcels.shp": "read_parcels",
    "enterprises.xlsx": "read_enterprises",
    "links.xlsx": "read_links",
    "compliance.xlsx": "read_compliance",
    "planning.shp": "read_planning",
    "demolition.shp": "read_demolition",
    "townships.shp": "read_townships",
    "buildings.gpkg": "read_buildings",
    "applications.xlsx": "read_applications",
}
_CHILD = """
import json, resource, sys, time
import landgov.io as io
reader, path = getattr(io, sys.argv[1]), sys.argv[2]
start = time.perf_counter()
res = reader(path)
seconds = time.perf_counter() - start
sev = res.problems["severity"].value_counts().to_dict()
print(json.dumps({"seconds": seconds, "rows": res.rows_in, "kept": len(res.data),
                  "rejected": len(res.rejected), "problems": sev,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024},
                 ensure_ascii=False))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=ROOT / "data" / "sample")
    args = parser.parse_args(argv)
    print(
        f"{'file':<20} {'reader':<18} {'rows':>6} {'kept':>6} {'rej':>4} {'s':>6} {'MB':>6}  问题"
    )
    total = 0.0
    for name, reader in FILES.items():
        path = args.dir / name
        if not path.exists():
            continue
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, reader, str(path)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        total += r["seconds"]
        problems = json.dumps(r["problems"], ensure_ascii=False)
        print(
            f"{name:<20} {reader:<18} {r['rows']:>6} {r['kept']:>6} {r['rejected']:>4} "
            f"{r['seconds']:>6.2f} {r['peak_mb']:>6.0f}  {problems}"
        )
    print(f"total read time {total:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
