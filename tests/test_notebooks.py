"""Every tutorial notebook runs top to bottom on the bundled sample, so none can rot."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")))
def test_notebook_executes(
    name: str, demo_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 03_maps draws the maps of a run: the session's demo run (in a clean clone it otherwise
    # ran `landgov demo` itself, a second time, into the checkout's out/ and maps/). What the
    # notebooks write goes to this test's folder, not into the checkout.
    monkeypatch.setenv("LANDGOV_RUN_DIR", str(demo_run / "out" / "demo"))
    monkeypatch.setenv("LANDGOV_MAPS_OUT", str(tmp_path / "maps"))
    monkeypatch.setenv("LANDGOV_LEDGER_DIR", str(tmp_path / "ledger-notebook"))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors
