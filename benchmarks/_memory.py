"""The peak memory of a benchmark's child process and its descendants, sampled from outside.

``ru_maxrss`` is one process's peak; landgov forks children (:mod:`landgov.core.forked`) and
runs Dask workers, whose memory adds to it. The benchmark scripts sample the sum from their own
process: a sampling thread inside the measured run would take the GIL from the run it measures.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

import psutil


@contextlib.contextmanager
def tree_peak(pid: int, *, every: float) -> Iterator[Callable[[], int]]:
    """Sample the summed resident memory of process ``pid`` and its descendants every ``every``
    seconds while the block runs; yields a function giving the largest sum seen (bytes)."""
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        with contextlib.suppress(psutil.Error):
            root = psutil.Process(pid)
            while not done.is_set():
                total = 0
                with contextlib.suppress(psutil.Error):
                    for p in [root, *root.children(recursive=True)]:
                        with contextlib.suppress(psutil.Error):
                            total += p.memory_info().rss
                peak = max(peak, total)
                time.sleep(every)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield lambda: peak
    finally:
        done.set()
        thread.join()
