"""``landgov.maps`` imports its map libraries only when a map is made.

A screening or 增容 run reads the layer styles (``landgov.maps.style``, through
``reports.gis``) but draws no map: importing folium, matplotlib and mapclassify cost every run
(and every Dask worker of a province run) about 1.8 s of CPU. Each case runs in a new
interpreter, since a module is imported once per process.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

_MAP_LIBRARIES = ("folium", "matplotlib", "mapclassify")


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize("module", ["landgov.run.screening", "landgov.run.far", "landgov.cli"])
def test_a_run_does_not_import_the_map_libraries(module: str) -> None:
    code = f"import sys, {module}\nprint(sorted(set({_MAP_LIBRARIES!r}) & set(sys.modules)))"
    loaded = _run(code)
    assert loaded == "[]"


def test_every_public_name_still_comes_from_the_package() -> None:
    from landgov import maps

    for name in maps.__all__:
        assert getattr(maps, name) is not None, name
    with pytest.raises(AttributeError):
        _ = maps.no_such_name


def test_importing_the_folium_map_module_keeps_the_folium_map_function() -> None:
    out = _run(
        "import landgov.maps.folium_map\n"
        "from landgov.maps import folium_map\n"
        "print(callable(folium_map), type(folium_map).__name__)"
    )
    assert out == "True function"
