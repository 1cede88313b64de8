"""CPU of the screening's work in the parent of the one run, part by part, from saved inputs.

Usage::

    python benchmarks/bench_parent_cpu.py capture DATA DIR   # screen DATA once, save the inputs
    python benchmarks/bench_parent_cpu.py time DIR [--repeat N] [--profile OUT]

``capture`` screens ``DATA`` in one process (``LANDGOV_PROCESSES=1``) and pickles into ``DIR``
the inputs of :func:`landgov.screening.screen`, :func:`landgov.reports.sendout.sendable_problems`
and :func:`landgov.reports.handout.screening_sheets`. ``time`` runs each part again from those
inputs and prints its CPU seconds (``time.process_time``, the best of ``--repeat`` runs, inside
``fewer_collections`` as the run does): ``screen`` (checks and paths), ``render`` (the texts
written for people, ``_collect_renderer``), ``sendout`` and ``sheets`` (the sheet frames
before the workbook is written). Run it with another checkout's Python on the same ``DIR``
for an A/B of the same inputs; CPU seconds vary less with the load than wall seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

_PROFILE = "yuecheng-2022"
_PARTS = ("screen", "sendable_problems", "screening_sheets")


def _clean(x: Any) -> Any:
    """A value as pickled: the profile by name (it is loaded again), frames without attrs."""
    import pandas as pd

    from landgov.policy import Profile

    if isinstance(x, Profile):
        return ("profile", _PROFILE)
    if isinstance(x, pd.DataFrame) and x.attrs:
        x = x.copy(deep=False)
        x.attrs = {}
    if isinstance(x, list | tuple):
        return type(x)(_clean(y) for y in x)
    return x


def _restored(x: Any, profile: Any) -> Any:
    return profile if isinstance(x, tuple) and x == ("profile", _PROFILE) else x


def capture(data: Path, out: Path) -> None:
    """Screen ``data`` once and pickle the parts' inputs into ``out``."""
    os.environ["LANDGOV_PROCESSES"] = "1"
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _folder import folder_inputs

    import landgov.run.screening as rs

    out.mkdir(parents=True, exist_ok=True)

    def saving(name: str) -> None:
        original = getattr(rs, name)

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            saved = (_clean(args), {k: _clean(v) for k, v in kwargs.items()})
            (out / f"{name}.pkl").write_bytes(pickle.dumps(saved, protocol=5))
            return original(*args, **kwargs)

        setattr(rs, name, wrapper)

    for name in _PARTS:
        saving(name)
    roles = ("parcels", "enterprises", "links", "compliance", "planning", "demolition",
             "townships", "height_raster")  # fmt: skip
    rs.run_screening(
        folder_inputs(data, roles), profile=_PROFILE, out_dir=out / "run", as_of="2026-06-30",
        progress=False, overwrite=True,
    )  # fmt: skip
    print(f"saved {', '.join(_PARTS)} into {out}")


def timed(folder: Path, repeat: int, profile_out: Path | None) -> dict[str, float]:
    """CPU seconds of each part (the best of ``repeat`` runs)."""
    from landgov.policy import load_profile
    from landgov.reports.handout import screening_sheets
    from landgov.reports.sendout import sendable_problems
    from landgov.run.screening import _collect_renderer, fewer_collections
    from landgov.screening import screen

    profile = load_profile(_PROFILE)

    def load(name: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
        args, kwargs = pickle.loads((folder / f"{name}.pkl").read_bytes())
        return (
            tuple(_restored(a, profile) for a in args),
            {k: _restored(v, profile) for k, v in kwargs.items()},
        )

    sa, sk = load("screen")
    oa, ok = load("sendable_problems")
    ha, hk = load("screening_sheets")
    result = screen(*sa, **sk)

    def rendered() -> None:  # a new renderer each time: it keeps the texts it wrote
        render = _collect_renderer(sk["enterprises"], pairs=sk["pairs"])
        render(result.parcels)
        render(result.governance)

    parts = {
        "screen": lambda: screen(*sa, **sk),
        "render": rendered,
        "sendout": lambda: sendable_problems(*oa, **ok),
        "sheets": lambda: screening_sheets(*ha, **hk),
    }
    prof = cProfile.Profile() if profile_out is not None else None
    best: dict[str, float] = {}
    with fewer_collections():
        for _ in range(repeat):
            for name, run in parts.items():
                start = time.process_time()
                if prof is not None:
                    prof.enable()
                run()
                if prof is not None:
                    prof.disable()
                spent = time.process_time() - start
                best[name] = min(best.get(name, spent), spent)
    if prof is not None and profile_out is not None:
        prof.dump_stats(profile_out)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("data", type=Path)
    cap.add_argument("dir", type=Path)
    tim = sub.add_parser("time")
    tim.add_argument("dir", type=Path)
    tim.add_argument("--repeat", type=int, default=3)
    tim.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args()
    if args.command == "capture":
        capture(args.data, args.dir)
        return
    import landgov

    best = timed(args.dir, args.repeat, args.profile)
    print(f"landgov from {Path(landgov.__file__).parent}")
    print("  ".join(f"{name} {sec:.3f} s" for name, sec in best.items()))
    print(f"total {sum(best.values()):.3f} s CPU (load {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
