"""Run time and peak memory of `landgov screen` and `landgov far` on the sample and generated data.

Usage::

    python benchmarks/bench_screen.py                 # bundled sample + 50,000 generated parcels
    python benchmarks/bench_screen.py --parcels 10000 --skip-sample

Each run happens in its own Python process, which reports its wall time and peak resident
memory (``ru_maxrss``), so one run's memory does not hide another's. Generated data uses the
seeded generator's ``bench`` formats (GeoParquet parcels, CSV tables, GeoPackage layers).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from landgov.run.files import RunInputs
job, folder, out, profile = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
def pick(*names):
    return next((folder / n for n in names if (folder / n).exists()), None)
inputs = RunInputs(
    parcels=pick("parcels.shp", "parcels.parquet"),
    enterprises=pick("enterprises.xlsx", "enterprises.csv"),
    links=pick("links.xlsx", "links.csv"), compliance=pick("compliance.xlsx", "compliance.csv"),
    planning=pick("planning.shp", "planning.gpkg"),
    demolition=pick("demolition.shp", "demolition.gpkg"),
    townships=pick("townships.shp", "townships.gpkg"),
    buildings=pick("buildings.gpkg", "buildings.parquet"), height_raster=pick("height.tif"),
    special_zones=pick("special_zones.shp", "special_zones.gpkg"),
    applications=pick("applications.xlsx", "applications.csv"))
start = time.perf_counter()
if job == "screen":
    from landgov.run.screening import run_screening
    run = run_screening(inputs, profile=profile, out_dir=out, as_of="2026-06-30", progress=False)
    counts = run.manifest["counts"]
else:
    from landgov.run.far import run_far
    counts = run_far(inputs, profile=profile, out_dir=out, as_of="2026-06-30").manifest["counts"]
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "counts": counts}, ensure_ascii=False, default=str))
"""


def _run(job: str, folder: Path, out: Path, profile: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, job, str(folder), str(out), profile],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=50_000, help="generated parcels (0: none)")
    parser.add_argument("--profile", default="yuecheng-2022")
    parser.add_argument("--skip-sample", action="store_true")
    args = parser.parse_args(argv)
    cases: list[tuple[str, Path]] = []
    tmp = Path(tempfile.mkdtemp(prefix="landgov-bench-"))
    if not args.skip_sample:
        cases.append(("sample 2,500", ROOT / "data" / "sample"))
    if args.parcels:
        # In its own process: on Linux a child inherits the parent's peak RSS (ru_maxrss) across
        # fork+exec, so the parent must stay small for the children's figures to mean anything.
        folder = tmp / f"gen{args.parcels}"
        subprocess.run(
            [sys.executable, "-m", "landgov.sample", "--out", str(folder),
             "--parcels", str(args.parcels), "--formats", "bench"],
            check=True, capture_output=True,
        )  # fmt: skip
        cases.append((f"generated {args.parcels:,}", folder))
    print(f"{'data':<20} {'job':<7} {'seconds':>8} {'peak MB':>8}  counts")
    for name, folder in cases:
        for job in ("screen", "far"):
            res = _run(job, folder, tmp / f"out-{job}-{folder.name}", args.profile)
            counts = json.dumps(res["counts"], ensure_ascii=False)
            print(f"{name:<20} {job:<7} {res['seconds']:8.1f} {res['peak_mb']:8.0f}  {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
