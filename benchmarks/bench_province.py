"""Wall time and peak memory of `landgov screen PROVINCE_DIR`, local engine and Dask 1/2 workers.

For each size (``--parcels 200000 --parcels 1000000``) a simulated province of the 90 counties
is generated once (``python -m landgov.province``, kept in ``--data``) and screened by each
engine in a child process: ``local`` (county after county), ``dask1`` and ``dask2`` (a
``LocalCluster`` of 1 or 2 single-threaded workers). Peak memory is the largest sum of the
resident memory of the whole process tree (the CLI, the Dask scheduler, nannies and workers),
sampled every 0.2 s with psutil. Runs of 200,000 parcels or more take ``/tmp/heavy.lock``
(flock) first so heavy runs on a shared machine never overlap; the time waiting for it is not
counted. The machine's load (``uptime``) is printed before every run.

Goal (issue 11): 1,000,000 parcels in ≤ 5 min and ≤ 8 GB peak on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
LOCK = Path("/tmp/heavy.lock")
HEAVY = 200_000
ENGINES = {"local": ["--engine", "local"], "dask1": ["--engine", "dask", "--workers", "1"],
           "dask2": ["--engine", "dask", "--workers", "2"]}  # fmt: skip


@contextlib.contextmanager
def heavy_lock(n_parcels: int) -> Iterator[None]:
    """Hold ``/tmp/heavy.lock`` (as ``flock /tmp/heavy.lock …`` does) for big runs."""
    if n_parcels < HEAVY:
        yield
        return
    with LOCK.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def load() -> str:
    """``uptime`` in one line."""
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def measured(cmd: list[str]) -> tuple[float, float, int]:
    """Run ``cmd``; wall seconds, peak MB of its whole process tree, exit code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.is_set():
            total = 0
            with contextlib.suppress(psutil.Error):
                for p in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
            peak = max(peak, total)
            time.sleep(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = proc.wait()
    seconds = time.perf_counter() - t0
    done.set()
    thread.join()
    return seconds, peak / 2**20, code


def province(data: Path, n: int) -> Path:
    """The generated province of ``n`` parcels (made once, kept)."""
    folder = data / f"province-{n}"
    if (folder / "province.json").is_file():
        return folder
    with heavy_lock(n):
        print(f"  generating {n:,} parcels … ({load()})", flush=True)
        cmd = [sys.executable, "-m", "landgov.province", "--out", str(folder),
               "--parcels", str(n), "-q"]  # fmt: skip
        seconds, peak, code = measured(cmd)
    if code:
        raise SystemExit(f"generator failed ({code})")
    print(f"  generated in {seconds:.0f} s, peak {peak:.0f} MB", flush=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, action="append", help="province size (repeat)")
    parser.add_argument("--engines", default="local,dask1,dask2", help=f"of {list(ENGINES)}")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "landgov-bench")
    parser.add_argument("--as-of", default="2026-06-30")
    args = parser.parse_args(argv)
    sizes = args.parcels or [200_000, 1_000_000]
    engines = [e for e in args.engines.split(",") if e]
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GB RAM")
    rows = []
    for n in sizes:
        folder = province(args.data, n)
        for engine in engines:
            out = args.data / f"out-{n}-{engine}"
            shutil.rmtree(out, ignore_errors=True)
            cmd = [sys.executable, "-m", "landgov", "screen", str(folder), "-o", str(out),
                   "--as-of", args.as_of, "-q", *ENGINES[engine]]  # fmt: skip
            with heavy_lock(n):
                before = load()
                seconds, peak, code = measured(cmd)
            rows_ = {}
            if code == 0:
                man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
                rows_ = man["province"]["rows"]
            rows.append((n, engine, seconds, peak, code, rows_, before))
            print(f"  {n:>9,} {engine:<6} {seconds:8.1f} s {peak:8.0f} MB  exit {code}  "
                  f"rows {rows_}  [{before}]", flush=True)  # fmt: skip
            shutil.rmtree(out, ignore_errors=True)
    print(f"\n{'parcels':>9} {'engine':<6} {'seconds':>8} {'peak MB':>8}  in = out + rejected")
    for n, engine, seconds, peak, code, r, _ in rows:
        acct = f"{r['in']} = {r['out']} + {r['rejected']}" if r else f"exit {code}"
        print(f"{n:>9,} {engine:<6} {seconds:8.1f} {peak:8.0f}  {acct}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
