"""The province yardstick: ``bench_plain.py``'s core steps on every county of a province folder.

Usage::

    python benchmarks/plain_province.py PROVINCE_DIR OUT_DIR [--workers 2]

``PROVINCE_DIR`` is a folder written by ``python -m landgov.province``. What an analyst would
write for a province with the plain script: one process per core (``--workers``, as the Dask
engine's workers), each taking the next county folder and running the plain script's steps on
it (read, tax by used area, 亩均税收, 容积率 from buildings, planning and demolition overlays,
grade, path, blocks, a GeoPackage and an xlsx per county), in the county's own projected CRS.
No province layers, no county or city summaries, no checks: a floor, not a peer.
``benchmarks/bench_province.py --engines plain,dask2`` runs it beside ``landgov screen`` and
prints the ratio. It prints one JSON line: seconds, counties done and failed, parcels.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_plain  # after the path: a script beside this one


def _county(folder: Path, out: Path) -> tuple[str, int, str]:
    """``(county folder name, parcels, error)`` of one county; an error is not raised: the
    plain script has no checks, and a county it cannot read must not stop the others."""
    try:
        done = bench_plain.run(folder, out)
    except Exception as exc:  # a yardstick: report it, go on
        return folder.name, 0, f"{type(exc).__name__}: {exc}"[:200]
    return folder.name, int(done["parcels"]), ""  # type: ignore[call-overload]


def run(province: Path, out: Path, *, workers: int = 2) -> dict[str, object]:
    """Every county of ``province`` (as ``province.json`` lists them), ``workers`` at a time."""
    index = json.loads((province / "province.json").read_text(encoding="utf-8"))
    folders = [province / c["folder"] for c in index["counties"]]
    start = time.perf_counter()
    context = multiprocessing.get_context("fork")  # the imports are done once, here
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        done = list(pool.map(_county, folders, [out / f.name for f in folders]))
    failed = {name: error for name, _, error in done if error}
    return {"seconds": time.perf_counter() - start, "workers": workers,
            "counties": len(done) - len(failed), "failed": failed,
            "parcels": sum(n for _, n, _ in done)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("province", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.province, args.out, workers=args.workers), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
