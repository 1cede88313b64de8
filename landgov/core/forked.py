"""Run a function in a forked child process, beside the caller, on the machine's other core.

Most of a run is Python that holds the GIL (building sheet rows, judging plots), so threads do
not run it in parallel. A forked child does: it starts with a copy of the parent's memory, so the
function and its arguments reach it without pickling (a 50,000-plot frame costs nothing to hand
over), and only the result travels back, pickled: through a pipe, or when it is big (a 50,000-plot
增容 result pickles to 109 MB) through a memory file that the child fills without waiting for the
parent to read (:data:`BIG`). A part of the result the parent may never read travels pickled on
its own and is unpickled when first read (:func:`defer`). An exception raised in the child
is raised again by :meth:`Pending.result` in the parent, with its type and message, so a Chinese
「错误：」 message from the child reaches the user as if the work had run in-process.

Work made of many small numbered items (the runs of plots of a raster pass) can be shared
instead (:func:`share_work`): the child takes items from the first on at once, the caller from
the last back when it is free, so that neither waits for the other however long the caller was
busy before.

Where a child cannot or should not be forked, :func:`start` runs the function at once in the
calling process and :meth:`Pending.result` returns what it returned (or raises what it raised):

- the platform is not Linux: Windows (where a government PC may run landgov) has no ``fork``,
  and macOS's system libraries are not safe to use in a forked child;
- the caller is a daemonic process (``multiprocessing`` forbids it children) or a Dask worker
  (its cores are already given to other tasks, and its threads hold locks a fork would copy);
- the process may use only one CPU (``os.sched_getaffinity``);
- the environment variable ``LANDGOV_PROCESSES`` is ``1`` (or ``0``): everything in-process, for
  debugging or for a machine where memory is short (a child's pages are shared with the parent
  until either writes them).

Examples
--------
>>> from landgov.core.forked import start
>>> pending = start(sum, [1, 2, 3])
>>> pending.result()
6
"""

from __future__ import annotations

import contextlib
import copyreg
import io
import mmap
import multiprocessing as mp
import os
import pickle
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection
from types import TracebackType
from typing import IO, Any, Generic, TypeVar

from landgov.errors import LandgovError

__all__ = [
    "ENV", "ChildFailedError", "Deferred", "NotKeptError", "Pending", "SharedWork", "can_fork",
    "defer", "deferred_fields", "share_work", "start", "usable_cpus", "withhold",
]  # fmt: skip

T = TypeVar("T")

#: Environment variable: ``1`` (or ``0``) keeps all work in the calling process.
ENV = "LANDGOV_PROCESSES"
#: A pickled result of this many bytes or more goes back through a memory file (``memfd``)
#: made before the fork, not through the pipe: the child writes it at once and ends, while a
#: pipe makes it wait for the parent to read 64 KB at a time (half a second for 376 MB), and
#: the parent unpickles it from the file's pages without a copy.
BIG = 8 << 20
#: What the child sends through the pipe when the result is in the memory file, before its
#: size (a pickle starts with ``\x80``).
_IN_FILE = b"landgov.forked:memfd:"


class ChildFailedError(LandgovError, RuntimeError):
    """The child ended without a result: killed, crashed, or its outcome could not be sent."""


def usable_cpus() -> int:
    """The CPUs this process may run on (``os.sched_getaffinity``; the machine's elsewhere)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _in_dask_worker() -> bool:
    if "distributed" not in sys.modules:
        return False
    try:
        from distributed import get_worker

        get_worker()
    except (ImportError, ValueError):
        return False
    return True


def can_fork() -> bool:
    """Whether :func:`start` would run its function in a forked child here (see the module)."""
    if os.environ.get(ENV, "").strip() in {"0", "1"}:
        return False
    if not sys.platform.startswith("linux") or "fork" not in mp.get_all_start_methods():
        return False  # macOS's system libraries are not safe to use in a forked child
    if mp.current_process().daemon or _in_dask_worker():
        return False
    return usable_cpus() >= 2


def _arrow_strings(cls: type, state: dict[str, Any], encoded: Any) -> Any:
    """An Arrow-backed text array of pandas rebuilt from its dictionary-encoded values
    (:class:`_Pickler`): the same class, values, type and attributes as the one pickled."""
    import pyarrow as pa

    array: Any = object.__new__(cls)
    array.__dict__.update(state)
    array._pa_array = pa.chunked_array([encoded.dictionary_decode()])
    return array


def _arrow_strings_reduced(obj: Any) -> Any:
    """How :class:`_Pickler` sends a pandas text column (Arrow-backed): dictionary-encoded when
    its values repeat, each distinct text once, decoded on arrival by :func:`_arrow_strings`.

    A 50,000-plot 增容 result holds notes that are the same for most plots (one 890-byte text
    on every plot of a district): pickled as they are, such columns made 385 MB to write,
    copy and read back, 1.3 s of the child's time and as much of the parent's.
    """
    import pyarrow as pa

    values = obj._pa_array.combine_chunks()
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
    encoded = values.dictionary_encode()
    if len(encoded.dictionary) * 2 > len(values):  # mostly distinct: as pandas pickles it
        return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
    state = {k: v for k, v in obj.__dict__.items() if k not in ("_pa_array", "_cache")}
    state["_cache"] = {}
    return _arrow_strings, (type(obj), state, encoded)


def _subclasses(cls: type) -> list[type]:
    """``cls`` and every subclass of it (of its subclasses, and so on)."""
    found, subs = [cls], list[type](type.__subclasses__(cls))
    for sub in subs:
        found.extend(_subclasses(sub))
    return found


class _Pickler(pickle.Pickler):
    """The pickler of a child's result: a pandas text column is sent as
    :func:`_arrow_strings_reduced` says.

    The column classes are found in the pickler's ``dispatch_table``, which the C pickler
    looks up by type: every other object of the result (a 50,000-plot 增容 result holds
    500,000 verdicts) is pickled as ``pickle`` pickles it, with no Python call of this module
    (a ``reducer_override`` is called for each of them: 1.66 s of CPU against 1.55 s for
    those verdicts).
    """

    def __init__(self, file: IO[bytes], protocol: int) -> None:
        super().__init__(file, protocol=protocol)
        table: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
        pandas = sys.modules.get("pandas")  # a result holding a pandas column imported it
        if pandas is not None:
            for cls in _subclasses(pandas.arrays.ArrowStringArray):
                table[cls] = _arrow_strings_reduced
        self.dispatch_table = table


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


class Deferred(Generic[T]):
    """A value that a child's result carries pickled on its own, for the parent to unpickle
    only when :meth:`get` first asks for it.

    A 50,000-plot 增容 result's plot frame holds 500,000 verdicts: the parent took 1.1 s to
    unpickle it at the end of a run of both stages, with the other core idle, for a frame
    such a run does not read again. Where the value was made (no child forked, or in the
    child itself) :meth:`get` returns it as it is.

    Examples
    --------
    >>> import pickle
    >>> arrived = pickle.loads(pickle.dumps(Deferred([1, 2])))
    >>> arrived.get()
    [1, 2]
    """

    __slots__ = ("_data", "_value")

    def __init__(self, value: T) -> None:
        self._value: T | None = value
        self._data: bytes | None = None

    def get(self) -> T:
        """The value (unpickled now if it arrived pickled; the pickle is then let go)."""
        if self._data is not None:
            self._value = pickle.loads(self._data)
            self._data = None
        return self._value  # type: ignore[return-value]

    def __reduce__(self) -> tuple[Any, ...]:
        data = self._data if self._data is not None else _dumps(self._value)
        return _arrived, (data,)


def _arrived(data: bytes) -> Deferred[Any]:
    """A :class:`Deferred` as it arrives: its value still pickled."""
    deferred: Deferred[Any] = Deferred(None)
    deferred._data = data
    return deferred


class _DeferredField:
    """A field whose value may be a :class:`Deferred`: its first read gets the value and puts
    it in its place (:func:`deferred_fields`)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        if obj is None:  # read from the class
            return self
        value = obj.__dict__[self._name]
        if isinstance(value, Deferred):
            value = obj.__dict__[self._name] = value.get()
        return value

    def __set__(self, obj: object, value: Any) -> None:
        obj.__dict__[self._name] = value


def deferred_fields(*names: str) -> Callable[[type[T]], type[T]]:
    """Class decorator (over ``@dataclass``): the fields ``names`` may be given a
    :class:`Deferred` (:func:`defer`), which the first read of the field unpickles."""

    def decorate(cls: type[T]) -> type[T]:
        for name in names:
            setattr(cls, name, _DeferredField(name))
        return cls

    return decorate


def defer(obj: object, name: str) -> None:
    """Make the field ``name`` of ``obj`` (declared with :func:`deferred_fields`) travel
    pickled on its own in a child's result, read in the parent only when it is asked for."""
    if not isinstance(getattr(type(obj), name, None), _DeferredField):
        raise TypeError(f"{type(obj).__name__}.{name} is not declared with deferred_fields")
    setattr(obj, name, Deferred(getattr(obj, name)))


class NotKeptError(LandgovError, RuntimeError):
    """A field read whose value was not kept (:func:`withhold`)."""


class _Withheld(Deferred[Any]):
    """In a field's place when its value was not kept: reading the field raises."""

    __slots__ = ("_why",)

    def __init__(self, why: str) -> None:
        super().__init__(None)
        self._why = why

    def get(self) -> Any:
        raise NotKeptError(self._why)

    def __reduce__(self) -> tuple[Any, ...]:
        return _Withheld, (self._why,)


def withhold(obj: object, name: str, why: str) -> None:
    """Drop the field ``name`` of ``obj`` (declared with :func:`deferred_fields`): a child's
    result then carries nothing for it (no pickling), and reading it raises
    :class:`NotKeptError` with ``why``.

    >>> from dataclasses import dataclass
    >>> @deferred_fields("rows")
    ... @dataclass
    ... class Result:
    ...     rows: list[int]
    >>> result = Result([1, 2])
    >>> withhold(result, "rows", "rows not kept")
    >>> result.rows
    Traceback (most recent call last):
    ...
    landgov.core.forked.NotKeptError: rows not kept
    """
    if not isinstance(getattr(type(obj), name, None), _DeferredField):
        raise TypeError(f"{type(obj).__name__}.{name} is not declared with deferred_fields")
    setattr(obj, name, _Withheld(why))


def _payload(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> bytes:
    """What the child sends back: ``(True, result)`` or ``(False, exception, traceback text)``."""
    try:
        outcome: tuple[Any, ...] = (True, fn(*args, **kwargs))
    except BaseException as exc:  # everything goes back to the parent
        outcome = (False, exc, traceback.format_exc())
    try:
        data = _dumps(outcome)
        if not outcome[0]:
            pickle.loads(data)  # an exception the parent could not rebuild is sent as text
        return data
    except Exception:
        text = outcome[2] if not outcome[0] else traceback.format_exc()
        failure = ChildFailedError(f"子进程的结果无法传回主进程：\n{text}")
        return pickle.dumps((False, failure, text), protocol=pickle.HIGHEST_PROTOCOL)


def _ignore_sigint() -> None:
    """Ignore SIGINT from now on in this process, a forked child (one thread), without
    CPython's race.

    ``signal.signal(SIGINT, SIG_IGN)`` first runs the Python handler of a SIGINT already
    caught, then has the kernel ignore the signal. A SIGINT that comes between the two is
    noted by CPython's C handler and the note read when the handler has become "ignore":
    CPython prints 「OSError: Signal 2 ignored due to race condition」 with a traceback. A
    terminal's Ctrl+C reaches the child just as it starts, when it does this. Held back
    meanwhile (``pthread_sigmask``), such a signal waits in the kernel, which drops it when
    its handler becomes "ignore" (POSIX ``sigaction``): nothing is noted, nothing printed.

    The mask is the calling thread's: it closes the race in a process of one thread, as a
    forked child is. Where other threads run, one of them takes the signal instead, so the
    command line's own switches to "ignore" keep ``signal.signal`` alone.

    Measured (CPython 3.11, Linux): one thread switching from a Python handler to "ignore"
    20,000 times while sent SIGINT without pause: 174 such tracebacks in 175,024 signals with
    ``signal.signal`` alone, none in 185,943 with the mask.
    """
    if not hasattr(signal, "pthread_sigmask"):  # no signal mask (Windows never forks)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _child(
    conn: Connection,
    spill: int | None,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    # Ctrl+C is the parent's to answer: it stops its children (Pending.cancel). A terminal
    # sends SIGINT to every process of the group; with the parent's KeyboardInterrupt the
    # child printed its traceback when the signal came outside ``fn`` (while sending).
    with contextlib.suppress(ValueError):
        _ignore_sigint()
    try:
        data = _payload(fn, args, kwargs)
        if spill is not None and len(data) >= BIG:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(spill, view) :]
                data = _IN_FILE + str(len(data)).encode()
            except OSError:  # no room for it: through the pipe
                pass
        conn.send_bytes(data)
    finally:
        conn.close()


def _spill_file() -> int | None:
    """A memory file for a big result (:data:`BIG`), or None where there is none."""
    try:
        return os.memfd_create("landgov-result", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None


def _loads(data: bytes, spill: int | None) -> tuple[Any, ...]:
    """The outcome sent by :func:`_child`: in ``data`` or, when ``data`` says so, in ``spill``."""
    if spill is None or not data.startswith(_IN_FILE):
        return pickle.loads(data)  # type: ignore[no-any-return]
    pages = mmap.mmap(spill, int(data[len(_IN_FILE) :]), prot=mmap.PROT_READ)
    try:
        return pickle.loads(pages)  # type: ignore[no-any-return]
    finally:
        with contextlib.suppress(BufferError):  # an object still viewing it keeps it mapped
            pages.close()


class Pending(Generic[T]):
    """The result of :func:`start`, to be collected once with :meth:`result`.

    Use it as a context manager so that a child whose result is no longer wanted (the caller
    failed before collecting it) is stopped rather than left running::

        with start(write_workbook, frame, path=path) as pending:
            other_work()
            pending.result()
    """

    def __init__(
        self,
        *,
        process: Any | None = None,
        conn: Connection | None = None,
        outcome: tuple[Any, ...] | None = None,
        spill: int | None = None,
    ) -> None:
        self._process = process
        self._conn = conn
        self._outcome = outcome
        self._spill = spill

    @property
    def forked(self) -> bool:
        """Whether the work runs in a child process (False: it ran in-process at :func:`start`)."""
        return self._process is not None

    def _collect(self) -> tuple[Any, ...]:
        if self._outcome is None:
            assert self._conn is not None and self._process is not None
            try:
                data = self._conn.recv_bytes()  # before join: a big result fills the pipe
            except EOFError:
                data = None
            finally:
                self._conn.close()
            self._process.join()
            code = self._process.exitcode
            self._process.close()
            self._process = None
            if data is None:
                self._close_spill()
                raise ChildFailedError(
                    f"子进程意外结束（退出码 {code}），没有返回结果；"
                    "可能是内存不足被系统终止。可设置环境变量 LANDGOV_PROCESSES=1 后重新运行"
                )
            try:
                self._outcome = _loads(data, self._spill)
            finally:
                self._close_spill()
        return self._outcome

    def _close_spill(self) -> None:
        if self._spill is not None:
            os.close(self._spill)
            self._spill = None

    def result(self) -> T:
        """Wait for the function and return its result, or raise the exception it raised."""
        outcome = self._collect()
        if outcome[0]:
            return outcome[1]  # type: ignore[no-any-return]
        exc: BaseException = outcome[1]
        exc.child_traceback = outcome[2]  # type: ignore[attr-defined]
        raise exc  # ``child_traceback``: where it failed in the child, for debugging

    def cancel(self) -> None:
        """Stop the child if it is still running (its result is dropped)."""
        if self._process is not None:
            with contextlib.suppress(ValueError, OSError):
                self._process.kill()
                self._process.join()
                self._process.close()
            self._process = None
            if self._conn is not None:
                self._conn.close()
        self._close_spill()
        if self._outcome is None:
            self._outcome = (False, ChildFailedError("子进程已被取消"), "")

    def __enter__(self) -> Pending[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.cancel()
        elif self._outcome is None:
            self.cancel()  # left without collecting: the caller did not want it


class _CtrlCHeld:
    """Ctrl+C held back while a child is forked and handed to a :class:`Pending`.

    A KeyboardInterrupt raised inside ``Process.start`` (after the fork, before
    ``multiprocessing`` records the child) left a child that nothing stopped; one raised in
    the child before :func:`_child` ignores SIGINT printed ``multiprocessing``'s traceback.
    Inside the block a SIGINT is only noted (the child inherits the noting handler until
    :func:`_child` ignores it); :meth:`release` puts Python's handler back and says whether
    one came, so that the caller can stop the child and raise KeyboardInterrupt itself.
    Only Python's own handler in the main thread is replaced (elsewhere nothing is held).
    """

    def __init__(self) -> None:
        self._came = False
        self._old: Any = None
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._old = signal.signal(signal.SIGINT, self._note)

    def _note(self, signum: int, frame: Any) -> None:
        self._came = True

    def release(self) -> bool:
        """Python's SIGINT handler back; whether a SIGINT came meanwhile."""
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
            self._old = None
        return self._came


def start(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Pending[T]:
    """Run ``fn(*args, **kwargs)`` in a forked child, or here at once where that is not possible.

    Parameters
    ----------
    fn, args, kwargs
        The work. They are inherited by the child, not pickled; the return value must pickle.
        ``fn`` must not rely on changes it makes to memory: the parent does not see them (only
        files it writes and the value it returns).

    Returns
    -------
    Pending
        Call :meth:`Pending.result` to wait for the value.
    """
    if not can_fork():
        try:
            return Pending(outcome=(True, fn(*args, **kwargs)))
        except Exception as exc:  # raised again by result()
            return Pending(outcome=(False, exc, traceback.format_exc()))
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    spill = _spill_file()
    process = ctx.Process(target=_child, args=(send, spill, fn, args, kwargs), daemon=True)
    held = _CtrlCHeld()
    try:
        with warnings.catch_warnings():
            # Python ≥ 3.12 warns on fork() in a process with threads (Arrow's and GDAL's idle
            # pools): the child only runs ``fn`` and leaves with os._exit, never touching them.
            warnings.simplefilter("ignore", DeprecationWarning)
            process.start()
        send.close()  # the parent's copy: EOF reaches recv_bytes when the child is gone
        pending: Pending[T] = Pending(process=process, conn=receive, spill=spill)
    finally:
        came = held.release()
    if came:  # Ctrl+C while forking: the child is stopped, the interruption goes on
        pending.cancel()
        raise KeyboardInterrupt
    return pending


class _Ends:
    """Which of ``count`` numbered items are taken: a child takes them from the front, the
    caller from the back, until they meet.

    Two integers in memory a forked child shares with the caller (an anonymous shared
    mapping): the next item from the front, written by the child only, and the one after the
    next item from the back, written by the caller only. No lock: a side that reads the
    other's end late may take an item the other took too (both get the same value: either is
    kept), never leave one out, since each end only moves towards the other. Item 0 is the
    child's and item ``count - 1`` the caller's from the start, so that each side does some.
    """

    def __init__(self, count: int) -> None:
        self._ends = memoryview(mmap.mmap(-1, 16)).cast("q")
        self._ends[0], self._ends[1] = 1, count - 1

    def front(self) -> int | None:
        """The next item from the front for the child; None when all are taken."""
        item = self._ends[0]
        if item >= self._ends[1]:
            return None
        self._ends[0] = item + 1
        return item

    def back(self) -> int | None:
        """The next item from the back for the caller; None when all are taken."""
        item = self._ends[1] - 1
        if item < self._ends[0]:
            return None
        self._ends[1] = item
        return item


def _from_front(fn: Callable[[int], T], ends: _Ends) -> dict[int, T]:
    """The child's part of :func:`share_work`: item 0, then items from the front."""
    done = {0: fn(0)}
    while (item := ends.front()) is not None:
        done[item] = fn(item)
    return done


class SharedWork(Generic[T]):
    """The items of :func:`share_work`, collected in their order with :meth:`results`.

    Use it as a context manager, as :class:`Pending`: a child whose items are no longer wanted
    is stopped.
    """

    def __init__(self, fn: Callable[[int], T], count: int) -> None:
        self._fn = fn
        self._count = count
        self._ends: _Ends | None = None
        self._pending: Pending[dict[int, T]] | None = None
        if count >= 2 and can_fork():
            self._ends = _Ends(count)
            self._pending = start(_from_front, fn, self._ends)

    @property
    def forked(self) -> bool:
        """Whether a child works on the items (False: :meth:`results` does them all here)."""
        return self._pending is not None and self._pending.forked

    def results(self) -> list[T]:
        """Work on the items left, from the last one back, until the child's part is reached;
        then wait for the child and return every item's value in the items' order (or raise
        what the child or this process raised)."""
        if self._pending is None or self._ends is None:
            return [self._fn(item) for item in range(self._count)]
        mine = {self._count - 1: self._fn(self._count - 1)}
        while (item := self._ends.back()) is not None:
            mine[item] = self._fn(item)
        done = self._pending.result() | mine
        return [done[item] for item in range(self._count)]

    def cancel(self) -> None:
        """Stop the child if it is still working (its items are dropped)."""
        if self._pending is not None:
            self._pending.cancel()

    def __enter__(self) -> SharedWork[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pending is not None:
            self._pending.__exit__(exc_type, exc, tb)


def share_work(fn: Callable[[int], T], count: int) -> SharedWork[T]:
    """Start ``fn(0)`` … ``fn(count - 1)`` in a forked child, from the first item on, leaving
    the caller to work from the last item back when it calls :meth:`SharedWork.results`.

    The caller can do other work first: the child goes on through the items meanwhile, and
    the caller takes only what is left when it comes (at least the last item), so both
    processes finish at about the same moment whatever the caller did before. Items should be
    small against the whole (the last one waits for whichever side took it).

    Parameters
    ----------
    fn
        The work of one item, by number. It is inherited by the child, not pickled; its values
        must pickle. An item may be done by both processes (see :class:`_Ends`): ``fn`` must
        give the same value each time and change nothing the caller sees.
    count
        Number of items. With fewer than two, or where no child can be forked
        (:func:`can_fork`), :meth:`SharedWork.results` does every item in this process.

    Examples
    --------
    >>> from landgov.core.forked import share_work
    >>> with share_work(lambda item: item * item, 5) as work:
    ...     work.results()
    [0, 1, 4, 9, 16]
    """
    return SharedWork(fn, count)
