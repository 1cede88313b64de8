"""landgov.core.forked: work in a forked child, its result or its exception back in the parent."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import pytest

from landgov.core import forked
from landgov.errors import InputError, Issue
from tests._forks import needs_fork


def _pid_and(value: object) -> tuple[int, object]:
    return os.getpid(), value


@needs_fork
def test_runs_in_another_process_and_returns_the_value() -> None:
    big = list(range(100_000))  # inherited, not pickled; the result comes back through the pipe
    with forked.start(_pid_and, big) as pending:
        assert pending.forked
        pid, value = pending.result()
    assert pid != os.getpid()
    assert value == big


@needs_fork
def test_arguments_need_not_pickle() -> None:
    secret = {"n": 41}
    add_one = lambda: secret["n"] + 1  # noqa: E731  (a lambda does not pickle)
    assert forked.start(add_one).result() == 42


@needs_fork
def test_the_parent_does_not_see_the_childs_memory() -> None:
    box = [0]

    def bump() -> int:
        box[0] += 1
        return box[0]

    assert forked.start(bump).result() == 1
    assert box == [0]


def _fail_with_issues() -> None:
    raise InputError([Issue("宗地.shp", "宗地代码", "", "宗地代码为空", "补全后重新运行")])


@pytest.mark.parametrize("processes", ["", "1"])
def test_the_childs_error_is_raised_again_with_type_message_and_issues(
    monkeypatch: pytest.MonkeyPatch, processes: str
) -> None:
    monkeypatch.setenv(forked.ENV, processes)
    pending = forked.start(_fail_with_issues)
    with pytest.raises(InputError, match="宗地代码为空") as caught:
        pending.result()
    assert caught.value.issues[0].field == "宗地代码"
    assert "_fail_with_issues" in caught.value.child_traceback  # type: ignore[attr-defined]


class _UnrebuildableError(Exception):
    """Made with two arguments, holds one text: pickle rebuilds it as ``cls(*args)``, one
    argument; tblib, which ``import distributed`` installs for every exception class defined
    by then, as ``cls.__new__(cls)``, none. Both fail, so it cannot travel whichever ran
    before this test in its process (with only ``__init__`` taking two, tblib rebuilt it)."""

    def __new__(cls, a: int, b: int) -> _UnrebuildableError:
        return super().__new__(cls, a, b)

    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a}+{b}")


def _raise_unrebuildable() -> None:
    raise _UnrebuildableError(1, 2)


@needs_fork
def test_an_exception_that_cannot_travel_arrives_as_text() -> None:
    with pytest.raises(forked.ChildFailedError, match="_UnrebuildableError: 1\\+2"):
        forked.start(_raise_unrebuildable).result()


@needs_fork
def test_a_result_that_cannot_travel_is_an_error() -> None:
    with pytest.raises(forked.ChildFailedError, match="无法传回"):
        forked.start(lambda: lambda: 1).result()


@needs_fork
def test_a_child_that_dies_is_an_error_with_its_exit_code() -> None:
    with pytest.raises(forked.ChildFailedError, match="退出码 3"):
        forked.start(os._exit, 3).result()


@needs_fork
def test_leaving_the_block_on_an_error_stops_the_child(tmp_path: os.PathLike[str]) -> None:
    marker = os.path.join(tmp_path, "written")

    def slow() -> None:
        time.sleep(5)
        open(marker, "w").close()

    with pytest.raises(KeyError), forked.start(slow) as pending:
        raise KeyError("the parent failed")
    assert not pending.forked  # collected: the child is gone
    time.sleep(0.2)
    assert not os.path.exists(marker)


def test_one_process_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(forked.ENV, "1")
    assert not forked.can_fork()
    pending = forked.start(_pid_and, "x")
    assert not pending.forked
    assert pending.result() == (os.getpid(), "x")


def test_no_fork_in_a_daemonic_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    monkeypatch.setattr(multiprocessing.current_process(), "_config", {"daemon": True})
    assert not forked.can_fork()


def _verdicts() -> list[object]:
    from landgov.verdict import Citation, Status, Verdict

    cite = Citation("000", "附件3 一", official=False)
    return [
        Verdict("zengrong.cond1", Status.PASS, "容积率 1.2 低于 2.0", cite, {"far": 1.2, "n": 1}),
        Verdict("zengrong.cond2", Status.UNKNOWN, "缺少房屋", cite, {}, ("房屋",)),
        Verdict("zengrong.cond3", Status.FAIL, "不符合", cite, {"on": True, "x": None}),
    ]


@needs_fork
def test_verdicts_come_back_whole_and_read_only() -> None:
    from types import MappingProxyType

    sent = _verdicts()
    back = forked.start(_verdicts).result()
    assert back == sent
    assert [v.explain() for v in back] == [v.explain() for v in sent]  # type: ignore[attr-defined]
    for verdict in back:
        assert type(verdict.values) is MappingProxyType  # type: ignore[attr-defined]
        assert type(verdict.missing) is tuple  # type: ignore[attr-defined]
        with pytest.raises(TypeError):
            verdict.values["far"] = 0  # type: ignore[attr-defined]
    assert back[0].values == {"far": 1.2, "n": 1}  # type: ignore[attr-defined]
    assert type(back[0].values["n"]) is int  # type: ignore[attr-defined]


def _big(n: int) -> bytes:
    return bytes(range(256)) * (n // 256)


@needs_fork
def test_a_big_result_comes_back_through_a_memory_file(monkeypatch: pytest.MonkeyPatch) -> None:
    received: list[bytes] = []
    real = forked._loads

    def spy(data: bytes, spill: int | None) -> tuple[object, ...]:
        received.append(data)
        return real(data, spill)

    monkeypatch.setattr(forked, "_loads", spy)
    with forked.start(_big, forked.BIG + 256) as pending:
        value = pending.result()
    assert value == _big(forked.BIG + 256)
    assert received[0].startswith(forked._IN_FILE)  # the pipe carried only where it is
    assert pending._spill is None  # closed once read
    assert forked.start(_big, 1024).result() == _big(1024)
    assert received[1].startswith(b"\x80")  # a small one: through the pipe


@needs_fork
def test_a_big_result_without_a_memory_file_comes_through_the_pipe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forked, "_spill_file", lambda: None)
    assert forked.start(_big, forked.BIG + 256).result() == _big(forked.BIG + 256)


def _notes_frame():
    import pandas as pd

    n = 2_000
    return pd.DataFrame(
        {
            "same": ["待核实：固定资产投资强度（投资）无数据；" * 20] * n,  # one text on every row
            "few": (["符合", "不符合", None, "待核实（缺少：宗地图形）"] * n)[:n],
            "distinct": [f"ZR{i:05d}" for i in range(n)],  # as pandas pickles it
            "nullable": pd.array(["甲", None] * (n // 2), dtype="string[pyarrow]"),
        },
        index=pd.RangeIndex(10, 10 + n),
    )


def test_repeated_texts_travel_once_and_arrive_identical() -> None:
    import pickle

    import pandas as pd

    frame = _notes_frame()
    data = forked._dumps((True, frame))
    back = pickle.loads(data)[1]
    pd.testing.assert_frame_equal(back, frame)  # values, dtypes (str and string[pyarrow]), index
    for column in frame.columns:
        assert back[column].array._pa_array.type == frame[column].array._pa_array.type
    plain = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
    # the repeated 400-character text is sent once, not 2,000 times (2 MB as pandas pickles it)
    assert len(data) < len(plain) / 10


@needs_fork
def test_repeated_texts_come_back_from_a_child_identical() -> None:
    import pandas as pd

    frame = _notes_frame()
    with forked.start(_notes_frame) as pending:
        assert pending.forked
        pd.testing.assert_frame_equal(pending.result(), frame)


@forked.deferred_fields("plots")
@dataclass
class _Result:
    plots: list[str]
    count: int


def _result() -> _Result:
    result = _Result([f"ZR{i:05d}" for i in range(1_000)], 1_000)
    forked.defer(result, "plots")
    assert result.plots[0] == "ZR00000"  # where it was made it reads as it is
    forked.defer(result, "plots")
    return result


@needs_fork
def test_a_deferred_field_arrives_pickled_and_is_unpickled_when_first_read() -> None:
    with forked.start(_result) as pending:
        assert pending.forked
        result = pending.result()
    waiting = result.__dict__["plots"]
    assert isinstance(waiting, forked.Deferred) and waiting._data is not None  # not read yet
    assert result.count == 1_000
    assert result.plots == [f"ZR{i:05d}" for i in range(1_000)]
    assert result.__dict__["plots"] is result.plots  # unpickled once, kept in its place
    assert waiting._data is None  # the pickle let go
    assert result == _Result([f"ZR{i:05d}" for i in range(1_000)], 1_000)


def test_a_deferred_field_in_process_is_the_value_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(forked.ENV, "1")
    result = forked.start(_result).result()
    assert result.__dict__["plots"]._data is None  # never pickled
    assert result.plots[-1] == "ZR00999"


def test_only_a_declared_field_can_be_deferred() -> None:
    result = _Result(["a"], 1)
    with pytest.raises(TypeError, match=r"_Result\.count is not declared"):
        forked.defer(result, "count")
    assert result.count == 1
