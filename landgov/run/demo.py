"""The demo run (``landgov demo``): the whole job on the bundled sample (模拟数据).

Screening with the 越城 profile, the 增容 check with its 初审表 forms, the briefing maps
(offline HTML and a print PNG), then the sample's second year with the 动态评价 and a partly
filled 治理台账 (:mod:`landgov.run.demo_year2`). The sample lives in ``data/sample/`` of the
source tree; an installed package without it regenerates it with the seeded generator (beside
the output folder, never inside it: the run folder holds only what the run wrote).

Both stages are one run (``run_screening(..., far=FarOptions(keep_plots=False))``, as
``landgov screen --far`` runs them): each file is read once, and the folder
(:mod:`landgov.core.runfolder`) replaces an earlier demo run there with the screening and 增容
parts together; the maps are drawn from the folder only after its manifest and checksums are
verified.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["DEMO_AS_OF", "DEMO_PROFILE", "run_demo", "sample_dir"]

DEMO_PROFILE = "yuecheng-2022"
DEMO_AS_OF = "2026-06-30"
DEMO_TITLE = "越城区、滨海新区工业用地治理（模拟数据）"
_SAMPLE_FILES = ("parcels.shp", "enterprises.xlsx", "links.xlsx")


def sample_dir(*, fallback: Path | None = None) -> Path:
    """The bundled sample folder; generated into ``fallback`` when the source tree lacks it."""
    bundled = Path(__file__).resolve().parents[2] / "data" / "sample"
    if all((bundled / f).exists() for f in _SAMPLE_FILES):
        return bundled
    if fallback is None:
        raise FileNotFoundError(f"找不到示例数据 {bundled}；请用 python -m landgov.sample 生成")
    from landgov.sample import generate

    if not all((fallback / f).exists() for f in _SAMPLE_FILES):
        generate(fallback)
    return fallback


def _optional(folder: Path, name: str) -> Path | None:
    path = folder / name
    return path if path.exists() else None


def run_demo(
    *,
    out_dir: Path,
    maps_dir: Path,
    progress: bool = True,
    echo: Callable[[str], Any] = print,
    wait: bool = False,
) -> dict[str, Path]:
    """Run screening, 增容 and maps on the sample; returns the paths written.

    ``out_dir`` is replaced when it holds an earlier landgov run (even one edited by hand: it
    is sample output); a folder that landgov did not write is refused. ``wait`` queues behind
    another run into the same folder instead of refusing.
    """
    from landgov.maps import build_map, load_run, render_static
    from landgov.run.demo_year2 import run_second_year
    from landgov.run.far import FarOptions
    from landgov.run.files import RunInputs
    from landgov.run.screening import run_screening

    maps_dir.mkdir(parents=True, exist_ok=True)
    sample = sample_dir(fallback=out_dir.parent / f"{out_dir.name}-示例数据")
    echo(f"示例数据（模拟数据）：{sample}")
    inputs = RunInputs(
        parcels=sample / "parcels.shp",
        enterprises=sample / "enterprises.xlsx",
        **{
            role: _optional(sample, name)
            for role, name in (
                ("links", "links.xlsx"),
                ("compliance", "compliance.xlsx"),
                ("planning", "planning.shp"),
                ("demolition", "demolition.shp"),
                ("townships", "townships.shp"),
                ("approved", "approved.shp"),
                ("buildings", "buildings.gpkg"),
                ("height_raster", "height.tif"),
                ("special_zones", "special_zones.shp"),
                ("applications", "applications.xlsx"),
            )
        },
    )
    run = run_screening(
        inputs, profile=DEMO_PROFILE, as_of=DEMO_AS_OF, progress=progress, out_dir=out_dir,
        overwrite=True, wait=wait, echo=echo, far=FarOptions(keep_plots=False),
    )  # fmt: skip
    echo(
        f"筛查完成：底数清单 {len(run.parcels)} 宗，治理清单 {len(run.governance)} 宗，"
        f"连片 {len(run.blocks)} 片"
    )
    assert run.far is not None  # asked for: far=FarOptions(...)
    echo(f"增容审查完成：{run.far.summary_text()}")
    html = maps_dir / "demo.html"
    data = load_run(out_dir, verify=True)
    build_map(data, basemap="none", title=DEMO_TITLE).save(html)
    png = render_static(data, maps_dir / "demo.png", theme="path", title=DEMO_TITLE)
    echo(f"地图：{html}（离线交互）、{png}（打印）")
    from landgov.reports.meeting import write_packet

    packet = write_packet(out_dir, maps_dir / "demo_联席会议审议材料.pdf", title=None)
    echo(f"联席会议审议材料：{packet}（A3 横版）")
    year2 = run_second_year(
        sample=sample,
        first_run=out_dir,
        profile=DEMO_PROFILE,
        maps_dir=maps_dir,
        progress=progress,
        echo=echo,
        wait=wait,
    )
    return year2 | {
        "gpkg": out_dir / "landgov.gpkg",
        "xlsx": out_dir / "landgov.xlsx",
        "manifest": out_dir / "manifest.json",
        "html": html,
        "png": Path(png),
        "packet": packet,
    }
