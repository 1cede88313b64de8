"""Write a file completely or not at all: a temporary file beside it, renamed when done.

A map, a form or a workbook written in place is left cut short by Ctrl+C, a full disk or a
library error, and the earlier good copy is gone with it. :func:`written_whole` gives the
temporary path to write to; the target is replaced only when the writing ended normally.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["written_whole"]


@contextmanager
def written_whole(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it becomes ``target``.

    On any exception (``KeyboardInterrupt`` included) the temporary file is removed and
    ``target`` is left as it was (the earlier file, or none). The parent folder is created.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with written_whole(folder / "地图.html") as tmp:
    ...     _ = tmp.write_text("<html></html>", encoding="utf-8")
    >>> sorted(p.name for p in folder.iterdir())
    ['地图.html']
    """
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.landgov-tmp-{secrets.token_hex(4)}")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
