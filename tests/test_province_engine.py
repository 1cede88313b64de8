"""The province run's default engine (``landgov screen PROVINCE`` runs ``engine="auto"``): Dask
where it can use two cores or more, else county after county, and said in the manifest."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from landgov.core.forked import usable_cpus
from landgov.errors import InputError
from landgov.province import run_province
from landgov.province.run import _chosen_engine, _Engine
from tests._cli import ENGLISH, assert_clean_error, run_cli
from tests._province import AS_OF, assert_accounted, small_province


@pytest.fixture
def cpus(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    def set_cpus(n: int) -> None:
        monkeypatch.setattr("landgov.core.forked.usable_cpus", lambda: n)

    return set_cpus


@pytest.mark.parametrize(
    ("n_cpus", "workers", "counties", "expected"),
    [
        (2, 2, 90, _Engine("dask", 2, "自动：本机可用 2 个核，2 个 Dask 工作进程并行各县")),
        # never more workers than cores, nor than counties
        (8, 2, 90, _Engine("dask", 2, "自动：本机可用 8 个核，2 个 Dask 工作进程并行各县")),
        (2, 8, 90, _Engine("dask", 2, "自动：本机可用 2 个核，2 个 Dask 工作进程并行各县")),
        (8, 8, 3, _Engine("dask", 3, "自动：本机可用 8 个核，3 个 Dask 工作进程并行各县")),
        # one at a time is all there is: no cluster to start
        (1, 2, 90, _Engine("local", None, "自动：本机可用 1 个核，逐县运行")),
        (2, 2, 1, _Engine("local", None, "自动：只有 1 个县（市、区），逐县运行")),
        (2, 1, 90, _Engine("local", None, "自动：工作进程数为 1，逐县运行")),
    ],
)
def test_auto_takes_dask_where_two_or_more_counties_can_run_at_once(
    cpus: Callable[[int], None], n_cpus: int, workers: int, counties: int, expected: _Engine
) -> None:
    cpus(n_cpus)
    chosen = _chosen_engine("auto", scheduler=None, workers=workers, counties=counties)
    assert chosen == expected


def test_named_engines_are_taken_as_named(cpus: Callable[[int], None]) -> None:
    cpus(1)
    assert _chosen_engine("local", scheduler=None, workers=2, counties=9) == _Engine("local")
    assert _chosen_engine("dask", scheduler=None, workers=3, counties=9) == _Engine("dask", 3)
    on = _chosen_engine("dask", scheduler="tcp://h:8786", workers=3, counties=9)
    assert on == _Engine("dask", None)
    auto = _chosen_engine("auto", scheduler="tcp://h:8786", workers=3, counties=1)
    assert auto == _Engine("dask", None, "自动：给出了调度器 tcp://h:8786")


def test_auto_without_dask_distributed_runs_locally(
    cpus: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    cpus(4)
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: None)
    chosen = _chosen_engine("auto", scheduler=None, workers=2, counties=5)
    assert chosen == _Engine("local", None, "自动：未安装 dask.distributed，逐县运行")


def _refuse(scheduler: object, workers: object) -> None:
    raise OSError("Address already in use")


def test_auto_runs_locally_when_its_cluster_cannot_start(
    cpus: Callable[[int], None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cpus(2)
    monkeypatch.setattr("landgov.province.run._client", _refuse)
    folder = small_province(tmp_path / "in")
    lines: list[str] = []
    run_province(folder, out_dir=tmp_path / "out", as_of=AS_OF, engine="auto", echo=lines.append)
    man = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))["province"]
    why = "自动：本机 Dask 集群未能启动（OSError：Address already in use），逐县运行"
    assert man["engine"] == {
        "name": "local", "scheduler": None, "workers": None, "requested": "auto",
        "chosen_because": why,
    }  # fmt: skip
    assert lines[0] == f"计算引擎：{why}"
    assert man["rows"]["counties_done"] == 3
    assert_accounted(tmp_path / "out", man)


@pytest.mark.parametrize(
    ("engine", "scheduler", "field"),
    [("dask", None, "--engine"), ("dask", "tcp://h:8786", "--scheduler"),
     ("auto", "tcp://h:8786", "--scheduler")],
)  # fmt: skip
def test_an_engine_asked_for_by_name_does_not_fall_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: str, scheduler: str | None, field: str
) -> None:
    monkeypatch.setattr("landgov.province.run._client", _refuse)
    folder = small_province(tmp_path / "in")
    with pytest.raises(InputError) as caught:
        run_province(
            folder, out_dir=tmp_path / "out", as_of=AS_OF, engine=engine, scheduler=scheduler
        )
    (issue,) = caught.value.issues
    assert issue.source == field and "Address already in use" in issue.problem
    assert ("--engine local" if field == "--engine" else "不加 --scheduler") in issue.fix


def test_cli_an_unreachable_scheduler_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "2s")  # Dask's own: 30 s
    folder = small_province(tmp_path / "in")
    with socket.socket() as sock:  # a port nobody listens on: refused at once
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    result = run_cli(
        "screen", folder, "-o", tmp_path / "out", "--as-of", AS_OF, "--engine", "dask",
        "--scheduler", address,
    )  # fmt: skip
    text = assert_clean_error(result, contains="无法连接 Dask 调度器")
    assert address in text and "读写文件失败" not in text


@pytest.mark.skipif(usable_cpus() < 2, reason="本机只有 1 个可用核：auto 逐县运行")
def test_auto_on_this_machine_runs_the_counties_on_dask_and_accounts_for_every_row(
    tmp_path: Path,
) -> None:
    folder = small_province(tmp_path / "in")
    run_province(folder, out_dir=tmp_path / "out", as_of=AS_OF, engine="auto")
    man = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))["province"]
    assert man["engine"]["name"] == "dask" and man["engine"]["workers"] == 2
    assert man["engine"]["requested"] == "auto"
    assert_accounted(tmp_path / "out", man)


def _worker_settings(dask_worker: Any) -> tuple[bool, str | None, dict[str, float]]:
    """What a worker runs with: its profiler sampling (the periodic callback Dask starts for
    it), glibc's trim threshold from Dask, and how often (ms) its event loop's tick, system
    monitor and memory monitor run."""
    import os

    every = {
        name: dask_worker.periodic_callbacks[name].callback_time
        for name in ("tick", "monitor", "memory_monitor")
    }
    profiled = "profile" in dask_worker.periodic_callbacks
    return profiled, os.environ.get("MALLOC_TRIM_THRESHOLD_"), every


def test_own_cluster_workers_run_without_profiler_and_free_memory_as_python_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The run's own LocalCluster has no dashboard, so its workers sample no stacks for one, and
    it gives them no MALLOC_TRIM_THRESHOLD_ (Dask's 65536 makes every big array a fresh mmap);
    their event loop ticks, system and memory monitors run every 1, 5 and 1 s, not every 20, 500
    and 100 ms, the nannies' memory monitors every 1 s. Dask's settings in this process are left
    as they were."""
    import dask
    import distributed  # noqa: F401  (its defaults are in dask.config once imported)

    from landgov.province.run import OWN_CLUSTER, _client, _close

    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    before = {key: dask.config.get(key) for key in OWN_CLUSTER}
    assert before["distributed.worker.profile.enabled"] is True  # Dask's default: changed here
    assert before["distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"] == 65536
    client, cluster = _client(None, 1)
    try:
        seen = client.run(_worker_settings)
        every = {"tick": 1000, "monitor": 5000, "memory_monitor": 1000}
        assert list(seen.values()) == [(False, None, every)]
        (nanny,) = cluster.workers.values()
        assert nanny.periodic_callbacks["memory_monitor"].callback_time == 1000
    finally:
        _close(client, cluster)
    assert {key: dask.config.get(key) for key in OWN_CLUSTER} == before


@contextlib.contextmanager
def _not_a_scheduler(answer: bytes | None) -> Iterator[str]:
    """A TCP service on this machine that is no Dask scheduler: it takes each connection and
    then says nothing (``None``, as a web server waiting for a request line does) or sends
    ``answer`` and hangs up. Yields its ``tcp://`` address."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:  # closed: the test is over
                return
            held.append(conn)
            if answer is not None:
                conn.sendall(answer)
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()
        for conn in held:
            conn.close()
        thread.join(5)


@pytest.mark.parametrize(
    "answer",
    [None, b"HTTP/1.0 400 Bad Request\r\nContent-Type: text/html\r\n\r\n<h1>400</h1>\r\n"],
    ids=["says-nothing", "answers-as-a-web-server"],
)
def test_cli_a_scheduler_address_where_another_service_listens_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, answer: bytes | None
) -> None:
    """``--scheduler tcp://host:8787`` (the dashboard's port, a web page) hung the run without
    end: Dask's handshake waits for an answer with no time limit. Now the address is tried
    with a deadline and the service said to be no scheduler."""
    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "1s")  # deadline 1 + 10 s
    folder = small_province(tmp_path / "in")
    with _not_a_scheduler(answer) as address:
        result = run_cli(
            "screen", folder, "-o", tmp_path / "out", "--scheduler", address, timeout=120
        )
    text = assert_clean_error(result, contains="不是 Dask 调度器")
    assert address in text and "8786" in text and "无法使用 Dask 调度器" in text
    assert not any(word in text for word in ENGLISH), text
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("address", "said"),
    [("http://127.0.0.1:8787/status", "地址应以 tcp:// 开头"), ("调度器", "地址缺少端口号")],
)
def test_cli_a_scheduler_address_written_wrong_says_how_to_write_it(
    tmp_path: Path, address: str, said: str
) -> None:
    folder = small_province(tmp_path / "in")
    result = run_cli("screen", folder, "-o", tmp_path / "out", "--scheduler", address)
    text = assert_clean_error(result, contains=said)
    assert "tcp://10.0.0.5:8786" in text and not any(word in text for word in ENGLISH), text


@pytest.fixture(scope="module")
def running_cluster() -> Iterator[Any]:
    """A scheduler with one worker process, as a cluster an administrator started (in this
    test's process: the command under test connects to it from its own)."""
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,  # and its HTTP server on a free port, as the run's own has
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    ) as cluster:  # fmt: skip
        yield cluster


def test_cli_a_running_scheduler_takes_the_counties_and_a_worker_address_is_refused(
    running_cluster: Any, tmp_path: Path
) -> None:
    """``--scheduler`` with the scheduler's address runs there; with a worker's address (the
    client failed with 「TypeError：Worker.identity() got an unexpected keyword…」) it says
    where to find the scheduler's."""
    folder = small_province(tmp_path / "in")
    (worker,) = running_cluster.scheduler_info["workers"]
    result = run_cli("screen", folder, "-o", tmp_path / "bad", "--scheduler", worker, timeout=120)
    text = assert_clean_error(result, contains="不是调度器")
    assert "Scheduler at:" in text and "TypeError" not in text, text
    assert "无法使用 Dask 调度器" in text  # it answered: the connection is not the trouble
    address = running_cluster.scheduler_address
    # as copied from the scheduler's log or a mail, with blanks around it
    result = run_cli("screen", folder, "-o", tmp_path / "out", "--scheduler", f" {address}\t")
    assert result.returncode == 0, result.stdout + result.stderr
    man = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))["province"]
    assert man["engine"]["name"] == "dask" and man["engine"]["scheduler"] == address
    assert_accounted(tmp_path / "out", man)


def test_cli_a_scheduler_without_workers_is_said_not_waited_on_without_end(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A scheduler started, its workers not (yet): the counties' tasks waited for a worker
    without end and the run said nothing after 「计算引擎：…」. Now one is waited for Dask's
    connect timeout, then the run stops saying which command starts one."""
    from dask.distributed import LocalCluster

    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "2s")
    folder = small_province(tmp_path / "in")
    with LocalCluster(
        n_workers=0, processes=True, host="127.0.0.1", dashboard_address=None,
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    ) as cluster:  # fmt: skip
        address = cluster.scheduler_address
        result = run_cli(
            "screen", folder, "-o", tmp_path / "out", "--scheduler", address, timeout=120
        )
    text = assert_clean_error(result, contains="调度器上没有工作进程（dask worker）")
    assert f"dask worker {address}" in text and not (tmp_path / "out").exists()
    assert "无法使用 Dask 调度器" in text


def test_the_address_is_tried_with_the_tls_settings_the_client_takes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cluster behind TLS (``tls://``, certificates in Dask's configuration): the first try
    of the address connected without them, so it failed where the client itself would have
    connected. It now takes the client's connection arguments (``Security``)."""
    import dask
    import distributed.comm

    from landgov.province import scheduler

    seen: dict[str, object] = {}

    async def connect(address: str, **kwargs: object) -> object:
        seen.update(kwargs, address=address)
        raise OSError("Timed out trying to connect to tls://10.0.0.5:8786 after 1 s")

    monkeypatch.setattr(distributed.comm, "connect", connect)
    with (
        dask.config.set({"distributed.comm.require-encryption": True}),
        pytest.raises(OSError, match="Timed out trying to connect"),
    ):
        scheduler._try("tls://10.0.0.5:8786", 1.0)
    assert seen["address"] == "tls://10.0.0.5:8786" and seen["require_encryption"] is True
    assert "ssl_context" in seen
