"""The package layout: lazy stage entry points, one set of input options for every command."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

import landgov
from landgov.cli import cli

ENTRY_POINTS = (
    "read",
    "link_parcels",
    "indicators",
    "screen",
    "compute_far",
    "check_parcels",
    "check_applications",
    "run_screening",
    "run_far",
)


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_entry_point_is_exported(name: str) -> None:
    assert name in landgov.__all__
    found = getattr(landgov, name)
    assert callable(found) or name == "read"


def test_read_is_the_readers_module() -> None:
    assert callable(landgov.read.read_parcels)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_stage"):
        _ = landgov.no_such_stage


def test_import_landgov_loads_no_stage() -> None:
    code = (
        "import sys, landgov; print(sorted(m for m in ('pandas', 'geopandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _options(name: str) -> set[str]:
    command = cli.commands[name]
    return {opt for p in command.params if isinstance(p, click.Option) for opt in p.opts}


SHARED = {"--alias", "--as-of", "--sheet", "--quiet", "--overwrite", "--wait"}


@pytest.mark.parametrize("name", ["screen", "far"])
def test_runs_take_the_same_input_options(name: str) -> None:
    assert SHARED | {"--height-raster", "--out", "--profile"} <= _options(name)


def test_demo_takes_the_run_options_it_uses() -> None:
    assert {"--quiet", "--wait"} <= _options("demo")


def test_shared_options_have_one_help_text() -> None:
    def helps(name: str) -> dict[str, str | None]:
        return {
            p.opts[0]: p.help
            for p in cli.commands[name].params
            if isinstance(p, click.Option) and p.opts[0] in SHARED - {"--as-of", "--sheet"}
        }

    assert helps("screen") == helps("far")
