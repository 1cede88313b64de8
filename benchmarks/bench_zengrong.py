"""Time the 增容 screening (`landgov far` stage 增容摸排) and check it against judging each plot.

Usage::

    python benchmarks/bench_zengrong.py DATA            # the sample or a generated folder
    python benchmarks/bench_zengrong.py DATA --no-reference

Reads the folder as ``landgov far`` does, computes 容积率, then times the context (facts per
plot, main enterprises, overlays) and :func:`landgov.far.zengrong.check_parcels` (the whole
frame at once, ``far/zengrong/_frame.py``), in CPU and wall seconds. Unless ``--no-reference``,
it also judges each plot on its own (``_Context.judge``, the per-plot path applications take)
and reports whether every column and every verdict is the same. Prints figures; exit code 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

import pandas as pd

from landgov.far.zengrong import ZengrongInputs

AS_OF = dt.date(2026, 6, 30)


def _clock() -> tuple[float, float]:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime, time.perf_counter()


def _since(start: tuple[float, float]) -> str:
    cpu, wall = _clock()
    return f"CPU {cpu - start[0]:.2f} s, wall {wall - start[1]:.2f} s"


def _inputs(folder: Path, profile: str) -> ZengrongInputs:
    from _folder import folder_inputs

    from landgov.far import compute_far
    from landgov.policy import load_profile
    from landgov.run.far import _read_all
    from landgov.run.files import plausible_reads

    files = folder_inputs(
        folder,
        ("parcels", "enterprises", "links", "compliance", "planning", "demolition",
         "buildings", "height_raster", "special_zones"),
    )  # fmt: skip
    prof = load_profile(profile)
    reads = plausible_reads(_read_all(files, None), files, prof, AS_OF)

    def data(name: str) -> object:
        return reads[name].data if name in reads else None

    parcels = reads["parcels"].data
    far = compute_far(
        parcels, profile=prof, buildings=data("buildings"), height_raster=files.height_raster
    )
    tables = ("enterprises", "links", "compliance", "planning", "demolition", "special_zones")
    return ZengrongInputs(parcels, far, profile=prof, as_of=AS_OF, **{k: data(k) for k in tables})


def _reference(inputs: ZengrongInputs) -> pd.DataFrame:
    """Each plot judged on its own, assembled as ``check_parcels`` assembles its rows."""
    from landgov.far.zengrong._case import _Case
    from landgov.far.zengrong._check import _assemble, _context
    from landgov.far.zengrong._facts import _records_for

    ctx = _context(inputs)
    parcels = inputs.parcels
    attributes = parcels.drop(columns=parcels.geometry.name)
    rows = []
    for uscc, parcel, fact in zip(
        ctx.users.tolist(), attributes.to_dict("records"), ctx.facts.to_dict("records"), strict=True
    ):
        ent = ctx.by_uscc.get(uscc) if uscc else None
        found = _records_for(ctx.records, uscc, parcel.get("parcel_id"))
        rows.append(ctx.judge(_Case(parcel, fact, fact, ent, found)))
    return _assemble(parcels, ctx, pd.DataFrame(rows, index=parcels.index))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--profile", default="yuecheng-2022")
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args(argv)
    from landgov.far.zengrong import check_parcels
    from landgov.far.zengrong._check import _context

    start = _clock()
    inputs = _inputs(args.data, args.profile)
    print(f"read + 容积率: {_since(start)}  ({len(inputs.parcels)} parcels)")
    start = _clock()
    _context(inputs)
    print(f"context (facts, main enterprises, overlays): {_since(start)}")
    start = _clock()
    got = check_parcels(inputs)
    print(f"check_parcels (frame): {_since(start)}")
    if not args.no_reference:
        start = _clock()
        want = _reference(inputs)
        print(f"each plot on its own (reference): {_since(start)}")
        same = want["verdicts"].tolist() == got["verdicts"].tolist()
        try:
            pd.testing.assert_frame_equal(
                pd.DataFrame(want.drop(columns=["verdicts", "geometry"])),
                pd.DataFrame(got.drop(columns=["verdicts", "geometry"])),
                check_exact=True,
            )
        except AssertionError as exc:
            print(f"columns DIFFER: {str(exc)[:600]}")
        else:
            print("columns identical")
        print(f"verdicts {'identical' if same else 'DIFFER'}")
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
