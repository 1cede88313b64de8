"""Run time and peak memory of `landgov screen` and `landgov far` on the sample and generated data.

Usage::

    python benchmarks/bench_screen.py                 # bundled sample + 50,000 generated parcels
    python benchmarks/bench_screen.py --parcels 10000 --skip-sample
    python benchmarks/bench_screen.py --data DIR --skip-sample   # data generated earlier
    python benchmarks/bench_screen.py --data DIR --skip-sample --repeat 3   # median of 3 pairs

Each run happens in its own Python process, which reports its wall time and peak resident
memory (``ru_maxrss``), so one run's memory does not hide another's. A run may fork children
(:mod:`landgov.core.forked`: the one run measures the raster and computes far beside the
screening): their CPU time is counted in ``CPU s``, and ``sum MB`` is the peak of the summed
resident memory of the process and its children, sampled every 50 ms by this script's own
process, outside the run it measures (``_memory.tree_peak``; ``ru_maxrss`` is the largest single
process). Generated data uses the
seeded generator's ``bench`` formats (GeoParquet parcels, CSV tables, GeoPackage layers).

The ``screen`` and ``far`` rows write separate folders. ``far 写入同一文件夹`` is far into the
screening's folder, as a user runs the two commands (``-o OUT`` twice): far then adds its sheets
to the screening's workbook, a load and save of it. ``screen+far 一次运行`` is both stages as
one run (``run_screening(..., far=FarOptions(keep_plots=False))`` as ``landgov screen --far``
runs it: each file read once, one link, one raster pass, the 增容 plot frame left in the child
that computed it), whose folder is that of screen then far into one folder.

On generated data the plain geopandas script of the same core steps
(``benchmarks/bench_plain.py``) runs in the same session, and the last lines print landgov's
``screen`` + ``far`` time and the one run's against it (the ratios), the Excel share of each
run and the machine's load, since on a shared machine only the ratio is comparable between
sessions. With ``--repeat N`` the one run and the plain script then run again back to back
until there are N pairs, and the median of the one run, of the plain script and of their
ratios is printed (one pair's ratio moved between 1.10 and 1.45 on the same machine and code
in two sessions). Before the first run every input file is read once and the stages are imported,
untimed (the warm-up line), so the first run does not pay for a cold page cache.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
XLSX_TIMING = "其中：写出 Excel"  # landgov.run.screening.XLSX_TIMING (not imported: keep small)

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
cpu0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
if job == "screen":
    from landgov.run.screening import run_screening
    manifest = run_screening(
        inputs, profile=profile, out_dir=out, as_of="2026-06-30", progress=False
    ).manifest
elif job == "both":  # screen + far in one run (landgov screen --far)
    from landgov.run.far import FarOptions
    from landgov.run.screening import run_screening
    run = run_screening(
        inputs, profile=profile, out_dir=out, as_of="2026-06-30", progress=False,
        far=FarOptions(keep_plots=False),  # as landgov screen --far runs it
    )
    manifest = {"counts": {"screen": run.manifest["counts"]["screening_status"],
                           "far": run.far.manifest["counts"]["screening"]},
                "timings_s": {"screen": run.manifest["timings_s"],
                              "far": run.far.manifest["timings_s"]}}
else:
    from landgov.run.far import run_far
    manifest = run_far(inputs, profile=profile, out_dir=out, as_of="2026-06-30").manifest
counts, timings = manifest["counts"], manifest["timings_s"]
seconds = time.perf_counter() - start
use, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds,
                  "cpu_s": use.ru_utime + use.ru_stime - cpu0 + kids.ru_utime + kids.ru_stime,
                  "peak_mb": use.ru_maxrss / 1024,
                  "timings": timings, "counts": counts}, ensure_ascii=False, default=str))
"""

_PLAIN = """
import json, resource, runpy, sys, io, contextlib, ctypes, os
if os.environ.get("NUMPY_MADVISE_HUGEPAGE") == "0" and sys.platform == "linux":
    ctypes.CDLL(None).prctl(41, 1, 0, 0, 0)  # huge pages off, as import landgov does
sys.argv = [sys.argv[1], *sys.argv[2:]]
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
    except SystemExit:
        pass
res = json.loads(buf.getvalue().strip().splitlines()[-1])
use = resource.getrusage(resource.RUSAGE_SELF)
res["peak_mb"] = use.ru_maxrss / 1024
print(json.dumps(res))
"""


def _run(job: str, folder: Path, out: Path, profile: str) -> dict:
    """Run ``job`` in a child and add ``peak_sum_mb``: the largest sum of the resident memory of
    the child and its forked children (``ru_maxrss`` is one process's peak), sampled every 50 ms
    from this process (``_memory.tree_peak``). Sampled from a thread of the measured process, as
    before, it took the GIL from the run it measured; the plain script has no such thread."""
    from _memory import tree_peak

    cmd = [sys.executable, "-c", _CHILD, job, str(folder), str(out), profile]
    with (
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc,
        tree_peak(proc.pid, every=0.05) as peak,
    ):
        out_text, err_text = proc.communicate()
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd, out_text, err_text)
    result = json.loads(out_text.strip().splitlines()[-1])
    result["peak_sum_mb"] = peak() / 2**20 or None
    return result


def _plain(folder: Path, out: Path) -> dict:
    # the plain script runs with huge pages off too (NumPy's requests and the process's), as
    # ``import landgov`` sets them for landgov's runs (landgov/__init__.py): one memory policy
    proc = subprocess.run(
        [sys.executable, "-c", _PLAIN, str(HERE / "bench_plain.py"), str(folder), str(out)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "NUMPY_MADVISE_HUGEPAGE": os.environ.get("NUMPY_MADVISE_HUGEPAGE", "0")},
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _warm(folders: list[Path]) -> str:
    """Read every input file once and import the stages in a child, untimed: the first run of
    a session must not pay for a cold page cache and uncompiled modules (after a boot the first
    runs were 30–50 % slower, in wall and CPU time, than the same runs a few minutes later)."""
    start = time.perf_counter()
    files = [f for folder in folders for f in sorted(folder.rglob("*")) if f.is_file()]
    size = 0
    for path in files:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                size += len(chunk)
    code = "import landgov.run.screening, landgov.run.far, landgov.reports.excel"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return (
        f"warm-up (not timed): read {len(files)} files ({size / 1e6:,.0f} MB) and imported the "
        f"stages in {time.perf_counter() - start:.1f} s"
    )


def _xlsx_s(res: dict) -> float:
    timings = res.get("timings", {})
    if "screen" in timings:  # the one run: both stages' workbook writing
        return sum(float(t.get(XLSX_TIMING, 0.0)) for t in timings.values())
    return float(timings.get(XLSX_TIMING, 0.0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=50_000, help="generated parcels (0: none)")
    parser.add_argument("--data", type=Path, help="a folder generated earlier (--formats bench)")
    parser.add_argument("--profile", default="yuecheng-2022")
    parser.add_argument("--skip-sample", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=1,
        help="pairs of the one run and the plain script, back to back (the median ratio)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    cases: list[tuple[str, Path]] = []
    tmp = Path(tempfile.mkdtemp(prefix="landgov-bench-"))
    if not args.skip_sample:
        cases.append(("sample 2,500", ROOT / "data" / "sample"))
    if args.data:
        cases.append((f"data {args.data.name}", args.data))
    elif args.parcels:
        # In its own process: on Linux a child inherits the parent's peak RSS (ru_maxrss) across
        # fork+exec, so the parent must stay small for the children's figures to mean anything.
        folder = tmp / f"gen{args.parcels}"
        subprocess.run(
            [sys.executable, "-m", "landgov.sample", "--out", str(folder),
             "--parcels", str(args.parcels), "--formats", "bench"],
            check=True, capture_output=True,
        )  # fmt: skip
        cases.append((f"generated {args.parcels:,}", folder))
    print(f"machine: {os.cpu_count()} cores, load average {_load()} (before the runs)")
    print(f"packages: {_versions()}")
    print(_warm([folder for _name, folder in cases]))
    print(
        f"{'data':<20} {'job':<7} {'seconds':>8} {'CPU s':>8} {'Excel s':>8} {'peak MB':>8} "
        f"{'sum MB':>8}  counts"
    )
    for name, folder in cases:
        total = cpu = 0.0
        seen: dict[str, dict] = {}
        for job in ("screen", "far", "far-same", "both"):
            # far-same: far into the screening's folder, as a user runs the two commands (-o
            # OUT twice); far then adds its sheets to the screening's workbook
            out = tmp / f"out-{'screen' if job == 'far-same' else job}-{folder.name}"
            res = seen[job] = _run(job.removesuffix("-same"), folder, out, args.profile)
            if job in {"screen", "far"}:
                total += res["seconds"]
                cpu += res["cpu_s"]
            counts = json.dumps(res["counts"], ensure_ascii=False)
            label = {"both": "screen+far 一次运行", "far-same": "far 写入同一文件夹"}.get(job, job)
            print(
                f"{name:<20} {label:<7} {res['seconds']:8.1f} {res['cpu_s']:8.1f} "
                f"{_xlsx_s(res):8.1f} "
                f"{res['peak_mb']:8.0f} {res.get('peak_sum_mb') or float('nan'):8.0f}  {counts}"
            )
            print(f"{'':<20} {'':<7} stages: {json.dumps(res['timings'], ensure_ascii=False)}")
        if (folder / "parcels.parquet").is_file():  # the plain script reads the bench formats
            plain = _plain(folder, tmp / f"out-plain-{folder.name}")
            print(
                f"{name:<20} {'plain':<7} {plain['seconds']:8.1f} {plain['cpu_s']:8.1f} "
                f"{plain['steps']['write']:8.1f} "
                f"{plain['peak_mb']:8.0f}  (bench_plain.py, xlsx by {plain['xlsx']})"
            )
            print(
                f"{name:<20} screen + far {total:.1f} s = {total / plain['seconds']:.2f} × plain "
                f"({plain['seconds']:.1f} s); CPU time {cpu:.1f} s = "
                f"{cpu / plain['cpu_s']:.2f} × plain ({plain['cpu_s']:.1f} s)"
            )
            one, same = seen["both"], seen["screen"]["seconds"] + seen["far-same"]["seconds"]
            print(
                f"{name:<20} screen + far 写入同一文件夹 {same:.1f} s = "
                f"{same / plain['seconds']:.2f} × plain"
            )
            print(
                f"{name:<20} screen+far 一次运行 {one['seconds']:.1f} s = "
                f"{one['seconds'] / plain['seconds']:.2f} × plain; CPU time {one['cpu_s']:.1f} s = "
                f"{one['cpu_s'] / plain['cpu_s']:.2f} × plain; load average {_load()} (after)"
            )
            pairs = [(one["seconds"], plain["seconds"])]
            for k in range(2, args.repeat + 1):
                again = _run("both", folder, tmp / f"out-both-{folder.name}", args.profile)
                beside = _plain(folder, tmp / f"out-plain-{folder.name}")
                pairs.append((again["seconds"], beside["seconds"]))
                print(
                    f"{name:<20} pair {k}: one run {again['seconds']:.1f} s, plain "
                    f"{beside['seconds']:.1f} s = {again['seconds'] / beside['seconds']:.2f} ×"
                )
            if len(pairs) > 1:
                print(_median_line(name, pairs))
    return 0


def _median_line(name: str, pairs: list[tuple[float, float]]) -> str:
    """The median of the one run, of the plain script and of their ratio over the ``pairs``
    (each one run and the plain script run just after it).

    >>> print(_median_line("d", [(25.6, 17.6), (23.0, 17.0), (24.0, 18.0)]).split(": ", 1)[1])
    one run 24.0 s, plain 17.6 s, ratio 1.35 × (each: 1.45, 1.35, 1.33)
    """
    ratios = [one / plain for one, plain in pairs]
    each = ", ".join(f"{r:.2f}" for r in ratios)
    return (
        f"{name:<20} median of {len(pairs)} pairs: one run "
        f"{statistics.median(o for o, _ in pairs):.1f} s, plain "
        f"{statistics.median(p for _, p in pairs):.1f} s, ratio {statistics.median(ratios):.2f} × "
        f"(each: {each})"
    )


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


#: The packages whose speed the plain script's time rests on (its xlsx is pandas writing cell
#: by cell through XlsxWriter): a new environment can move the yardstick, not only landgov.
_YARDSTICK_PACKAGES = ("pandas", "xlsxwriter", "numpy", "pyarrow", "geopandas", "pyogrio")


def _versions() -> str:
    """The installed versions of :data:`_YARDSTICK_PACKAGES` (``-`` where one is missing)."""
    from importlib.metadata import PackageNotFoundError, version

    def one(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "-"

    return ", ".join(f"{name} {one(name)}" for name in _YARDSTICK_PACKAGES)


if __name__ == "__main__":
    raise SystemExit(main())
