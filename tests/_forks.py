"""Shared by the tests of work handed to a forked child (:mod:`landgov.core.forked`)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from landgov.core import forked

needs_fork = pytest.mark.skipif(not forked.can_fork(), reason="no fork here (one CPU or not Linux)")


def record_forks(monkeypatch: pytest.MonkeyPatch, owner: ModuleType) -> list[bool]:
    """Wrap ``owner.start`` (:func:`landgov.core.forked.start` as ``owner`` calls it) so that
    each call appends whether its work really went to a child; returns that list."""
    seen: list[bool] = []
    real = owner.start

    def start(fn: Any, *args: Any, **kwargs: Any) -> Any:
        pending = real(fn, *args, **kwargs)
        seen.append(pending.forked)
        return pending

    monkeypatch.setattr(owner, "start", start)
    return seen
