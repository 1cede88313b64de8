"""Connecting to a running Dask scheduler (``--scheduler``), with what is wrong in Chinese.

dask.distributed's client waits without end for a service that takes the connection and never
answers as Dask does: its handshake read has no time limit (dask.distributed 2026.8,
``distributed.comm.core.connect``). ``--scheduler tcp://host:8787``, the port of Dask's
dashboard (a web page) instead of the scheduler's 8786, hung the run with nothing on the
screen. Here the address is first tried through Dask's own comm layer with a deadline
(:func:`_try`), and every way of failing is said in Chinese (:func:`problem`).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

__all__ = ["ANSWER_S", "SchedulerError", "connect_scheduler", "problem"]

#: Seconds a service that took the connection has, beyond Dask's connect timeout
#: (``distributed.comm.timeouts.connect``, 30 s by default), to answer as a scheduler.
ANSWER_S = 10.0


class SchedulerError(Exception):
    """The scheduler at an address cannot be used; ``str()`` says why, in Chinese.
    ``reached``: something answered at the address (no scheduler, or one without workers), so
    the trouble is not the connection."""

    def __init__(self, problem: str, *, reached: bool = False) -> None:
        super().__init__(problem)
        self.reached = reached


class _NoAnswerError(Exception):
    """The service took the connection and did not answer within the deadline."""


class _NotSchedulerError(Exception):
    """A Dask server that is no scheduler (a worker, a nanny): ``args[0]`` is what it said it
    is."""


def connect_scheduler(address: str) -> Any:
    """A :class:`dask.distributed.Client` of the scheduler at ``address``.

    A scheduler with no worker is waited for Dask's connect timeout for one to join: its
    tasks would otherwise wait without end, the run saying nothing.

    Raises
    ------
    SchedulerError
        The address is malformed, nothing answers there in Dask's connect timeout, what
        answers is not a Dask scheduler (said by :func:`problem`), or no worker is there.
    """
    from dask.distributed import Client

    timeout = _connect_timeout()
    try:
        _try(address, timeout)
        client = Client(address, timeout=timeout)
    except Exception as exc:
        raise SchedulerError(problem(exc, timeout=timeout), reached=_answered(exc)) from exc
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError as exc:
        client.close()
        raise SchedulerError(
            f"调度器上没有工作进程（dask worker），{timeout:g} 秒内也没有工作进程连上，各县无法"
            f"运行；先在计算节点上启动「dask worker {address}」",
            reached=True,
        ) from exc
    except BaseException:
        client.close()
        raise
    return client


def _connect_timeout() -> float:
    """Dask's connect timeout in seconds (its configuration, e.g.
    ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=10s``)."""
    import dask
    from dask.utils import parse_timedelta

    seconds = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), "s")
    return float(seconds if seconds is not None else 30.0)


def _try(address: str, timeout: float) -> None:
    """Connect to ``address``, shake hands as Dask does and ask what it is, within ``timeout``
    + :data:`ANSWER_S` seconds in all, then close; raises what went wrong
    (:class:`_NoAnswerError` past the deadline, :class:`_NotSchedulerError` for a Dask worker).
    In a thread of its own: the caller may be in a running event loop (a notebook). The TLS
    settings are those the client takes (Dask's configuration, ``distributed.comm.tls``)."""
    from distributed.comm import connect
    from distributed.security import Security

    args = Security().get_connection_args("client")

    async def identity() -> object:
        comm = await connect(address, timeout=timeout, **args)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            await comm.close()

    async def attempt() -> None:
        try:
            who = await asyncio.wait_for(identity(), timeout + ANSWER_S)
        except TimeoutError as exc:  # ours: Dask's own give up as an OSError of their own
            if type(exc) is not TimeoutError:
                raise
            raise _NoAnswerError from exc
        kind = who.get("type") if isinstance(who, dict) else None
        if kind != "Scheduler":  # a worker's address: the client fails in English
            raise _NotSchedulerError(str(kind))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="landgov-scheduler") as pool:
        pool.submit(asyncio.run, attempt()).result()


def _answered(exc: BaseException) -> bool:
    """Whether ``exc`` says that something at the address took the connection but is no
    scheduler: silent past the deadline, a Dask worker, or an answer not in Dask's format (a
    web page read as a frame length of exabytes, text that is no msgpack)."""
    return isinstance(
        exc, _NoAnswerError | _NotSchedulerError | MemoryError | UnicodeDecodeError
    ) or "handshake" in str(exc)


def problem(exc: BaseException, *, timeout: float) -> str:
    """What ``exc``, raised connecting to a scheduler, means for the user (Chinese).

    >>> problem(ValueError("missing port number in address 'sched'"), timeout=30)
    '地址缺少端口号，如 tcp://10.0.0.5:8786'
    >>> problem(OSError("Timed out trying to connect to tcp://10.0.0.5:8786 after 30 s"),
    ...         timeout=30)
    '30 秒内连不上该地址（调度器未启动、地址或端口不对，或被防火墙挡住）'
    """
    text = str(exc)
    if isinstance(exc, _NoAnswerError):
        said = (
            f"该地址接受了连接，但 {ANSWER_S + timeout:g} 秒内没有按 Dask 调度器的方式应答，"
            "不是 Dask 调度器（8787 端口通常是 Dask 仪表盘网页，调度器默认用 8786 端口）"
        )
    elif isinstance(exc, _NotSchedulerError):
        said = (
            f"该地址是 Dask 的工作进程（{text}），不是调度器；调度器的地址见 dask scheduler "
            "启动时显示的「Scheduler at: tcp://…」"
        )
    elif isinstance(exc, ValueError) and "unknown address scheme" in text:
        said = (
            "地址应以 tcp:// 开头（加密连接为 tls://），如 tcp://10.0.0.5:8786；"
            "http:// 开头的是 Dask 仪表盘网页的地址，不是调度器的"
        )
    elif isinstance(exc, ValueError) and "missing port" in text:
        said = "地址缺少端口号，如 tcp://10.0.0.5:8786"
    elif isinstance(exc, ValueError):
        said = f"地址写法不对（{text[:120]}），应如 tcp://10.0.0.5:8786"
    elif isinstance(exc, OSError) and text.startswith("Timed out trying to connect"):
        said = f"{timeout:g} 秒内连不上该地址（调度器未启动、地址或端口不对，或被防火墙挡住）"
    elif _answered(exc):
        said = "该地址的服务应答的不是 Dask 的格式，不是 Dask 调度器（调度器默认用 8786 端口）"
    else:
        said = f"未能使用该地址（{type(exc).__name__}：{text[:160]}）"
    return said
