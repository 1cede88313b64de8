"""The real ``landgov`` command line in a child process forked from the test process.

:func:`tests._cli.run_cli` runs ``python -m landgov ARGS`` as a user does. A new interpreter
spends about 3 s importing pandas, GDAL, pyarrow and the command line before the command
starts; the suite runs the command line a few hundred times (332 in one run), about a
sixth of its time (CI passed its 90 minutes). Here the test process imports the command line
once (:data:`_WARM`) and each command runs in a child forked from it:

- a separate process: what the command changes (globals, caches, the working folder, the
  environment, signal handlers) dies with it, and its exit code is the one a shell sees;
- the same entry point as the ``landgov`` script (:func:`landgov.__main__.run`), with the
  environment, working folder and arguments of the command, standard input from the null
  device, and Python's start-up warning filters (not pytest's 「error」);
- its output read from file descriptors 1 and 2, so that what the command's own children
  (forked readers, Dask workers) print is caught as in a real run;
- at its end, what Python's exit does for a command: the non-daemon threads joined, the
  multiprocessing children stopped, the log handlers flushed.

What it does not see is the start of an interpreter (a Ctrl+C while importing, the terminal's
encoding): the tests of those start real processes (``tests/test_ctrl_c.py``,
``tests/test_fresh_machine.py``, :func:`tests._cli.interrupted`). A test process running other
threads (a Dask cluster of its own) cannot fork safely: :func:`tests._cli.run_cli` then starts
a new interpreter, as it does for everyone with ``LANDGOV_TEST_SUBPROCESS=1``.
"""

from __future__ import annotations

import importlib
import io
import os
import selectors
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

__all__ = ["forked_cli"]

#: Imported once in the test process, before the first fork: every command's modules.
_WARM = (
    "landgov.cli",
    "landgov.run.screening",
    "landgov.run.far",
    "landgov.run.verify",
    "landgov.ledger",
    "landgov.evaluation",
    "landgov.maps.static",
    "landgov.maps.interactive",
    "landgov.reports.excel",
)
#: Python's own warning filters at start-up (``python -W`` and ``PYTHONWARNINGS`` unset).
_STARTUP_IGNORED = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


def _warm() -> None:
    for name in _WARM:
        importlib.import_module(name)


def _exit_as_python_does() -> None:
    """What ``Py_FinalizeEx`` does for a command that returned: threads, children, logs."""
    import logging
    import threading

    threading._shutdown()  # type: ignore[attr-defined]  # joins the non-daemon threads
    if "multiprocessing.util" in sys.modules:
        sys.modules["multiprocessing.util"]._exit_function()
    logging.shutdown()


def _child(args: list[str], cwd: Path, env: dict[str, str], out: int, err: int) -> None:
    """Run the command in the forked child; never returns."""
    code = 1
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        warnings.resetwarnings()
        for category in _STARTUP_IGNORED:
            warnings.simplefilter("ignore", category)
        sys.stdin = io.TextIOWrapper(os.fdopen(0, "rb", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(
            os.fdopen(1, "wb", closefd=False), encoding="utf-8", line_buffering=True
        )
        sys.stderr = io.TextIOWrapper(
            os.fdopen(2, "wb", closefd=False), encoding="utf-8", errors="backslashreplace",
            line_buffering=True,
        )  # fmt: skip
        sys.argv = ["landgov", *args]
        from landgov.__main__ import run

        try:
            run()
            code = 0
        except SystemExit as exc:  # as the interpreter turns it into an exit code
            if exc.code is None:
                code = 0
            elif isinstance(exc.code, int):
                code = exc.code
            else:
                sys.stderr.write(f"{exc.code}\n")
        except BaseException:  # as the interpreter prints an uncaught exception
            import traceback

            traceback.print_exc()
        _exit_as_python_does()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def forked_cli(
    args: list[str], *, cwd: Path, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """``landgov ARGS`` in a forked child; the same result as :func:`subprocess.run` with
    ``capture_output=True, text=True`` (UTF-8), or :class:`subprocess.TimeoutExpired` after
    ``timeout`` seconds (the child killed)."""
    _warm()
    r_out, w_out = os.pipe()
    r_err, w_err = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r_out)
        os.close(r_err)
        _child(args, cwd, env, w_out, w_err)
    os.close(w_out)
    os.close(w_err)
    read: dict[int, list[bytes]] = {r_out: [], r_err: []}
    selector = selectors.DefaultSelector()
    for fd in read:
        selector.register(fd, selectors.EVENT_READ)
    end = time.monotonic() + timeout
    try:
        while selector.get_map():
            left = end - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise subprocess.TimeoutExpired([sys.executable, "-m", "landgov", *args], timeout)
            for key, _ in selector.select(left):
                if chunk := os.read(key.fd, 65536):
                    read[key.fd].append(chunk)
                else:
                    selector.unregister(key.fd)
    finally:
        selector.close()
        for fd in read:
            os.close(fd)
    _, status = os.waitpid(pid, 0)
    return subprocess.CompletedProcess(
        [sys.executable, "-m", "landgov", *args],
        os.waitstatus_to_exitcode(status),
        b"".join(read[r_out]).decode("utf-8", "replace"),
        b"".join(read[r_err]).decode("utf-8", "replace"),
    )
