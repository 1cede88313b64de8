"""notebooks/03_maps.ipynb runs top to bottom on a fixture run and shows the map inline."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from _mapfixtures import write_run
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_maps.ipynb"


@pytest.mark.slow
def test_maps_notebook_executes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    facts = write_run(tmp_path / "run")
    monkeypatch.setenv("LANDGOV_RUN_DIR", str(facts.path))
    monkeypatch.setenv("LANDGOV_MAPS_OUT", str(tmp_path / "maps"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("<iframe" in h and "srcdoc=" in h and "lg-config" in h for h in html)
    assert (tmp_path / "maps" / "briefing.html").exists()
    assert (tmp_path / "maps" / "briefing-脱敏.html").exists()
    assert any("image/png" in o.get("data", {}) for o in outputs)
    folium_page = tmp_path / "maps" / "folium-核查点.html"
    assert "现场核查点" in folium_page.read_text(encoding="utf-8")
    assert any("folium" in h and "现场核查点" in h for h in html)  # the user layer, shown inline
    assert (tmp_path / "maps" / "瓦片地图" / "parcels.pmtiles").is_file()
