"""landgov.core.forked.share_work: numbered items shared between a forked child (from the first
on) and the caller (from the last back), every item's value once and in the items' order."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from landgov.core import forked
from landgov.core.forked import _Ends, share_work
from landgov.errors import DataFileError
from tests._cli import until
from tests._forks import needs_fork


def _slow_pid(item: int) -> tuple[int, int]:
    time.sleep(0.01)
    return item, os.getpid()


@needs_fork
def test_both_processes_take_items_and_each_comes_back_once_in_order(tmp_path: Path) -> None:
    marks = tmp_path / "done"

    def marked(item: int) -> tuple[int, int]:
        value = _slow_pid(item)
        with marks.open("a", encoding="utf-8") as f:
            f.write(f"{item}\n")
        return value

    with share_work(marked, 40) as work:
        assert work.forked
        # the caller's other work: the child goes on meanwhile (waited for, not timed: a busy
        # machine may start the child late)
        assert until(
            lambda: marks.exists() and len(marks.read_text(encoding="utf-8").split()) > 5,
            within=60,
            every=0.005,
        ), "the child did not go on while the caller worked"
        values = work.results()
    assert [item for item, _ in values] == list(range(40))
    pids = [pid for _, pid in values]
    child = pids[0]
    assert child != os.getpid() and pids[-1] == os.getpid()
    # the child's items are the first ones, the caller's the rest: no item of one between the
    # other's, none lost or taken twice
    assert pids == [child] * pids.count(child) + [os.getpid()] * pids.count(os.getpid())
    assert pids.count(child) > 5  # the items done while the caller waited came back as the child's


@needs_fork
def test_a_caller_that_comes_late_does_only_the_last_item() -> None:
    with share_work(_slow_pid, 10) as work:
        time.sleep(1.0)  # the child has taken everything it could
        values = work.results()
    pids = [pid for _, pid in values]
    assert [item for item, _ in values] == list(range(10))
    assert pids[-1] == os.getpid() and os.getpid() not in pids[:-1]


@pytest.mark.parametrize(("processes", "count"), [("1", 7), ("", 1)])
def test_in_process_every_item_is_done_here(
    monkeypatch: pytest.MonkeyPatch, processes: str, count: int
) -> None:
    """LANDGOV_PROCESSES=1, or one item: no child, the items done by results() here."""
    monkeypatch.setenv(forked.ENV, processes)
    done: list[int] = []

    def item_here(item: int) -> int:
        done.append(item)
        return item * 10

    work = share_work(item_here, count)
    assert not work.forked and done == []  # nothing before results()
    assert work.results() == [i * 10 for i in range(count)]
    assert sorted(done) == list(range(count))


def _fails_in_child(parent: int, item: int) -> int:
    if os.getpid() != parent:
        raise DataFileError(f"错误示例：子进程中的第 {item} 项")
    return item


@needs_fork
def test_a_failure_in_the_child_is_raised_by_results() -> None:
    from functools import partial

    with (
        pytest.raises(DataFileError, match="错误示例：子进程中的第 0 项"),
        share_work(partial(_fails_in_child, os.getpid()), 6) as work,
    ):
        work.results()
    assert multiprocessing.active_children() == []


@needs_fork
def test_a_failure_here_stops_the_child() -> None:
    def slow_in_child(item: int) -> int:
        if item == 0:
            time.sleep(60)
        return item

    started = time.perf_counter()
    with pytest.raises(DataFileError, match="此处失败"), share_work(slow_in_child, 3):
        raise DataFileError("此处失败")
    assert time.perf_counter() - started < 30
    assert multiprocessing.active_children() == []


@given(count=st.integers(2, 40), sides=st.lists(st.booleans(), max_size=60))
def test_the_ends_hand_out_every_item_once(count: int, sides: list[bool]) -> None:
    """Taken in any order from the two ends (one process at a time), every item is handed
    out exactly once: item 0 to the child, the last to the caller, the rest as asked."""
    ends = _Ends(count)
    taken = {0: "child", count - 1: "caller"}
    for child in [*sides, *[True] * count, *[False] * count]:
        item = ends.front() if child else ends.back()
        if item is not None:
            assert item not in taken
            taken[item] = "child" if child else "caller"
    assert sorted(taken) == list(range(count))
    owners = [taken[i] for i in range(count)]
    assert owners == sorted(owners, key=lambda who: who == "caller")  # child's first, caller's last
