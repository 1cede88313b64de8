"""Shared pytest fixtures: the shared data folder; the profiles of the hand-worked cases."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the profiles' modules are imported by the fixtures that need them
    from landgov.policy import Profile


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared folder beside the repository (``../shared``: DOMAIN.md, testdata/, seeds/)."""
    path = Path(__file__).resolve().parents[2] / "shared"
    if not path.is_dir():
        pytest.skip(f"shared test data not found at {path}")
    return path


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ``landgov demo`` run for the session, as a user runs it: ``out/demo`` (screening,
    增容 with its forms), ``maps/``, the second year's 动态评价 and 治理台账. Read it, never
    write into it."""
    from landgov.run.demo import run_demo

    root = tmp_path_factory.mktemp("demo")
    run_demo(out_dir=root / "out" / "demo", maps_dir=root / "maps", progress=False, echo=str)
    return root


@pytest.fixture(scope="module")
def yuecheng() -> Profile:
    """The yuecheng-2022 profile (越城区, 越政发〔2022〕24号), loaded once a module."""
    from landgov.policy import load_profile

    return load_profile("yuecheng-2022")


@pytest.fixture(scope="module")
def shangyu() -> Profile:
    """The shangyu-2022 profile (上虞区, 虞政发〔2022〕12号), loaded once a module."""
    from landgov.policy import load_profile

    return load_profile("shangyu-2022")


@pytest.fixture(scope="module")
def official(yuecheng: Profile) -> Profile:
    """yuecheng-2022 as a district that has published its 标准地 control values (made up,
    :data:`tests._hand.OFFICIAL_STANDARD_LAND`). The default application
    (:func:`tests._hand.application`: 固定资产投资 7000, 达产后税收 900, 工业增加值 3000, 能耗
    1500 t, 排放 10 t, 研发 3 %) passes each of them on 18–21 亩."""
    from tests._hand import OFFICIAL_STANDARD_LAND, with_standard_land

    return with_standard_land(yuecheng, OFFICIAL_STANDARD_LAND)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How the command line was run (:func:`tests._cli.run_cli`): forked or a new interpreter,
    and which threads made a new interpreter necessary."""
    import sys
    from collections import Counter

    runs = sum(
        (getattr(sys.modules.get(name), "RUNS", Counter()) for name in ("tests._cli", "_cli")),
        Counter(),
    )
    if runs:
        terminalreporter.write_line(
            "landgov 命令行：" + "；".join(f"{k or '?'} {v}" for k, v in runs.items())
        )
