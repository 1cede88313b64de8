"""Time the sample generator: ``python benchmarks/bench_sample.py [N ...] [--formats bench]``.

Prints build and write seconds per size; the output folders go to a temporary directory.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from landgov.sample import generate


def main() -> None:
    """Run the generator for each requested number of parcels and print the timings."""
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[2500, 50_000])
    parser.add_argument("--formats", default="bench", choices=["county", "bench"])
    args = parser.parse_args()
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            summary = generate(tmp, n_parcels=n, formats=args.formats)
            total = time.perf_counter() - t0
        sec = summary["seconds"]
        print(
            f"{n:>9} parcels ({args.formats}): build {sec['build']:.1f} s, "
            f"write {sec['write']:.1f} s, total {total:.1f} s"
        )


if __name__ == "__main__":
    main()
