"""``python -m landgov``: the same command line as the ``landgov`` script.

:func:`run` is the entry point of both. Importing the command line takes a few seconds (pandas,
GDAL, pyarrow); a Ctrl+C in that time arrives before :func:`landgov.cli.main` can catch it, so
it is caught here and said as every other interruption is: 「已中止。」, exit code 1, no traceback.
"""

from __future__ import annotations

import sys

__all__ = ["run"]


def run() -> None:
    """Import and run :func:`landgov.cli.main`; a Ctrl+C while importing ends cleanly."""
    try:
        from landgov.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("已中止。\n")
        sys.exit(1)
    main()


if __name__ == "__main__":
    run()
