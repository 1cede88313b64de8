"""Wall time and peak memory of `landgov screen PROVINCE_DIR`, local engine and Dask 1/2 workers.

For each size (``--parcels 200000 --parcels 1000000``) a simulated province of the 90 counties
is generated once (``python -m landgov.province``, kept in ``--data``) and screened by each
engine in a child process: ``local`` (county after county), ``dask1`` and ``dask2`` (a
``LocalCluster`` of 1 or 2 single-threaded workers), and ``auto``, the command's default (no
``--engine``: Dask where two or more counties can run at once). Peak memory is the largest sum
of the resident memory of the whole process tree (the CLI, the Dask scheduler, nannies and workers),
sampled every 0.2 s with psutil; CPU seconds are those of the whole tree (user + system of
every finished child process, Dask workers included). Runs of 200,000 parcels or more take
``/tmp/heavy.lock`` (flock) first so heavy runs on a shared machine never overlap; the time
waiting for it is not counted. The machine's load (``uptime``) is printed before and after
every run.

``plain`` (``--engines plain,dask2``) is the yardstick run beside them: the plain geopandas
script's core steps on each county, two processes (``benchmarks/plain_province.py``); each
engine's wall time is then printed as a ratio to it.

``--province DIR`` screens an existing province folder (e.g. ``/work/big/prov1m``) instead of
generating one, ``--out DIR`` keeps the run's output there (one engine), and ``--stop-after S``
(or ``--stop-at HH:MM``) interrupts a run after S seconds (at that time, as Ctrl+C: the run
removes what it wrote) and prints the rate seen, from the line the run printed for each county
written (``OUT.log`` beside the output): parcels screened and written per minute.

Goal (issue 11): 1,000,000 parcels in ≤ 5 min and ≤ 8 GB peak on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
LOCK = Path("/tmp/heavy.lock")
HEAVY = 200_000
ENGINES = {"local": ["--engine", "local"], "dask1": ["--engine", "dask", "--workers", "1"],
           "dask2": ["--engine", "dask", "--workers", "2"],
           "auto": [],  # the command's default (landgov.province.run)
           "plain": []}  # fmt: skip  # the yardstick (PLAIN), not landgov: no options
#: The plain script run county by county in two processes: ``--engines plain``.
PLAIN = Path(__file__).with_name("plain_province.py")


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


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def measured(
    cmd: list[str], *, stop_after: float | None = None, log: Path | None = None
) -> tuple[float, float, int, float]:
    """Run ``cmd``; wall seconds, peak MB of its whole process tree, exit code, CPU seconds.

    ``stop_after``: interrupt it (SIGINT, as Ctrl+C) after that many seconds. ``log``: where
    its standard output goes (``None``: nowhere).
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    cpu0 = _cpu()
    t0 = time.perf_counter()
    with contextlib.ExitStack() as stack:
        out = subprocess.DEVNULL if log is None else stack.enter_context(log.open("wb"))
        return _measured(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out), stop_after, t0, cpu0)


def _measured(
    proc: subprocess.Popen, stop_after: float | None, t0: float, cpu0: float
) -> tuple[float, float, int, float]:
    from _memory import tree_peak

    with tree_peak(proc.pid, every=0.2) as peak:
        try:
            code = proc.wait(timeout=stop_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)
            code = proc.wait()
        seconds = time.perf_counter() - t0
    return seconds, peak() / 2**20, code, _cpu() - cpu0


#: The line ``landgov screen PROVINCE`` prints as a county's rows are written to the layers.
_DONE = re.compile(r"^\d{6} \S+：完成，宗地 (\d+) 宗", re.MULTILINE)


def progress(log: Path) -> tuple[int, int]:
    """Counties finished and parcels written to the province layers by an interrupted run, from
    its output (``log``): the run itself removes what it wrote and puts the earlier run back."""
    found = [int(n) for n in _DONE.findall(log.read_text(encoding="utf-8", errors="replace"))]
    return len(found), sum(found)


def province(data: Path, n: int) -> Path:
    """The generated province of ``n`` parcels (made once, kept)."""
    folder = data / f"province-{n}"
    if (folder / "province.json").is_file():
        return folder
    with heavy_lock(n):
        print(f"  generating {n:,} parcels … ({load()})", flush=True)
        cmd = [sys.executable, "-m", "landgov.province", "--out", str(folder),
               "--parcels", str(n), "-q"]  # fmt: skip
        seconds, peak, code, _ = measured(cmd)
    if code:
        raise SystemExit(f"generator failed ({code})")
    print(f"  generated in {seconds:.0f} s, peak {peak:.0f} MB", flush=True)
    return folder


def _size(folder: Path) -> int:
    index = json.loads((folder / "province.json").read_text(encoding="utf-8"))
    return int(index.get("parcels") or sum(c.get("parcels", 0) for c in index["counties"]))


def _run(
    folder: Path,
    n: int,
    engine: str,
    out: Path,
    *,
    as_of: str,
    stop_after: float | None,
    stop_at: str | None = None,
) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    if engine == "plain":
        cmd = [sys.executable, str(PLAIN), str(folder), str(out), "--workers", "2"]
    else:
        cmd = [sys.executable, "-m", "landgov", "screen", str(folder), "-o", str(out),
               "--as-of", as_of, *ENGINES[engine]]  # fmt: skip
    log = out.with_name(f"{out.name}.log")  # a line per county (the rate of a stopped run)
    out.parent.mkdir(parents=True, exist_ok=True)
    with heavy_lock(n):
        before = load()
        if stop_at:  # counted from now, when the lock is held
            hh, mm = (int(x) for x in stop_at.split(":"))
            now = time.localtime()
            left = (hh * 60 + mm) * 60 - (now.tm_hour * 3600 + now.tm_min * 60 + now.tm_sec)
            stop_after = min(stop_after or left, left)
        seconds, peak, code, cpu = measured(cmd, stop_after=stop_after, log=log)
        after = load()
    during = f"{before} → {after.split('load average:')[-1].strip()}"
    row = {"n": n, "engine": engine, "seconds": seconds, "cpu": cpu, "peak": peak, "code": code,
           "load": during, "rows": {}}  # fmt: skip
    if engine == "plain" and not code:  # its one JSON line: parcels in, counties failed
        done = json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1])
        row["rows"] = {"in": n, "out": done["parcels"], "rejected": n - done["parcels"]}
        row["failed"] = done["failed"]
    elif (out / "manifest.json").is_file():
        row["rows"] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["province"][
            "rows"
        ]
    else:  # interrupted: the rate seen
        row["counties"], row["written"] = progress(log)
    return row


def _line(r: dict) -> str:
    if r["rows"]:
        acct = f"{r['rows']['in']:,} = {r['rows']['out']:,} + {r['rows']['rejected']:,}"
    else:
        rate = r["written"] / r["seconds"] * 60
        acct = (f"stopped: {r['counties']} counties, {r['written']:,} parcels written, "
                f"{rate:,.0f} parcels/min")  # fmt: skip
    return (f"{r['n']:>9,} {r['engine']:<6} {r['seconds']:8.1f} {r['cpu']:8.1f} {r['peak']:8.0f}"
            f"  exit {r['code']}  {acct}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, action="append", help="province size (repeat)")
    parser.add_argument("--province", type=Path, help="screen this province folder instead")
    parser.add_argument("--engines", default="local,dask1,dask2", help=f"of {list(ENGINES)}")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "landgov-bench")
    parser.add_argument("--out", type=Path, help="keep the run's output here (one engine)")
    parser.add_argument("--stop-after", type=float, help="interrupt a run after S seconds")
    parser.add_argument("--stop-at", help="interrupt a run at HH:MM (local time) at the latest")
    parser.add_argument("--as-of", default="2026-06-30")
    args = parser.parse_args(argv)
    # a job started in the background (nohup … &) ignores SIGINT, and so would the runs it
    # starts: a handler here is reset to the default in each child, which then takes Ctrl+C
    signal.signal(signal.SIGINT, signal.default_int_handler)
    engines = [e for e in args.engines.split(",") if e]
    if args.out and len(engines) != 1:
        parser.error("--out needs exactly one engine")
    if args.province:
        folders = [(args.province, _size(args.province))]
    else:
        folders = [(province(args.data, n), n) for n in args.parcels or [200_000, 1_000_000]]
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GB RAM")
    head = f"{'parcels':>9} {'engine':<6} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}"
    rows = []
    for folder, n in folders:
        for engine in engines:
            out = args.out or args.data / f"out-{n}-{engine}"
            r = _run(folder, n, engine, out, as_of=args.as_of, stop_after=args.stop_after,
                     stop_at=args.stop_at)  # fmt: skip
            rows.append(r)
            print(f"{_line(r)}  [{r['load']}]", flush=True)
            if not args.out:
                shutil.rmtree(out, ignore_errors=True)
    print(f"\n{head}  in = out + rejected")
    for r in rows:
        print(_line(r))
    plain = {r["n"]: r["seconds"] for r in rows if r["engine"] == "plain" and not r["code"]}
    for r in rows:
        if r["engine"] != "plain" and r["n"] in plain:
            print(f"{r['n']:>9,} {r['engine']:<6} {r['seconds'] / plain[r['n']]:.2f}× the plain "
                  f"script ({plain[r['n']]:.1f} s, 2 processes, county by county)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
