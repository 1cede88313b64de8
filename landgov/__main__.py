"""``python -m landgov``: the same command line as the ``landgov`` script.

:func:`run` is the entry point of both. Importing the command line takes a few seconds (pandas,
GDAL, pyarrow); a Ctrl+C in that time arrives before :func:`landgov.cli.main` can catch it, so
it is caught here and said as every other interruption is: 「已中止。」, exit code 1, no traceback.
"""

from __future__ import annotations

import signal
import sys

__all__ = ["run"]


def _settled() -> None:
    """The command's outcome is said: keep Python's shutdown from changing its exit code.

    - A Ctrl+C from now on is ignored. Python's shutdown (joining the worker threads and
      stopping the forked children) raised it outside any handler: an 「Exception ignored」
      traceback, or an exit by SIGINT (−2) after a finished run or after 「已中止。」.
    - CPython marks a KeyboardInterrupt raised inside code run from a string (``exec`` and
      ``eval`` of text: dataclasses and named tuples build their methods so, at import) as
      unhandled even when it is caught afterwards, and ``python -m`` then ends by SIGINT
      (−2) instead of with the exit code given. Running text that ends normally clears the
      mark: 「已中止。」 ends with exit code 1.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exec("")  # clears CPython's mark (Py_RunMain: _PyRuntime.signals.unhandled_keyboard_interrupt)


def run() -> None:
    """Import and run :func:`landgov.cli.main`; a Ctrl+C while importing ends cleanly."""
    try:
        try:
            from landgov.cli import main
        except KeyboardInterrupt:
            sys.stderr.write("已中止。\n")
            sys.exit(1)
        main()
    finally:
        _settled()


if __name__ == "__main__":
    run()
