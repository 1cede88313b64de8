"""``python -m landgov``: the same command line as the ``landgov`` script."""

from landgov.cli import main

if __name__ == "__main__":
    main()
