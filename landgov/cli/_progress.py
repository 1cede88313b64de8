"""Step messages for commands whose steps take seconds: 「正在…」 first, then the time taken."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import click

__all__ = ["step"]


@contextmanager
def step(text: str, *, quiet: bool = False) -> Iterator[None]:
    """Say on stderr that ``text`` starts and, when done, how long it took."""
    if not quiet:
        click.echo(f"正在{text}……", err=True)
    start = time.perf_counter()
    yield
    if not quiet:
        click.echo(f"  {text}：用时 {time.perf_counter() - start:.1f} 秒", err=True)
