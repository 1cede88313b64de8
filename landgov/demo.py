"""``landgov demo``: the whole job on the bundled sample (模拟数据).

Screening with the 越城 profile, the 增容 check with its 初审表 forms, and the briefing maps
(offline HTML and a print PNG). The sample lives in ``data/sample/`` of the source tree; an
installed package without it regenerates it with the seeded generator.
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
    bundled = Path(__file__).resolve().parents[1] / "data" / "sample"
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
) -> dict[str, Path]:
    """Run screening, 增容 and maps on the sample; returns the paths written."""
    from landgov.far_cli import run_far
    from landgov.maps import build_map, render_static
    from landgov.pipeline import RunInputs, run_screening

    out_dir.mkdir(parents=True, exist_ok=True)
    maps_dir.mkdir(parents=True, exist_ok=True)
    sample = sample_dir(fallback=out_dir / "sample")
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
                ("buildings", "buildings.gpkg"),
                ("height_raster", "height.tif"),
                ("special_zones", "special_zones.shp"),
                ("applications", "applications.xlsx"),
            )
        },
    )
    run = run_screening(
        inputs, profile=DEMO_PROFILE, out_dir=out_dir, as_of=DEMO_AS_OF, progress=progress
    )
    echo(
        f"筛查完成：底数清单 {len(run.parcels)} 宗，治理清单 {len(run.governance)} 宗，"
        f"连片 {len(run.blocks)} 片"
    )
    far = run_far(
        inputs,
        profile=DEMO_PROFILE,
        out_dir=out_dir,
        as_of=DEMO_AS_OF,
        progress=progress,
    )
    echo(f"增容审查完成：{far.summary_text()}")
    html = maps_dir / "demo.html"
    build_map(out_dir, basemap="none", title=DEMO_TITLE).save(html)
    png = render_static(out_dir, maps_dir / "demo.png", theme="path", title=DEMO_TITLE)
    echo(f"地图：{html}（离线交互）、{png}（打印）")
    return {
        "gpkg": out_dir / "landgov.gpkg",
        "xlsx": out_dir / "landgov.xlsx",
        "manifest": out_dir / "manifest.json",
        "html": html,
        "png": Path(png),
    }
