"""Check that the one run (screening + 增容 together) writes the folder screen-then-far writes.

Usage::

    python benchmarks/compare_one_run.py two DATA OUT    # run_screening, then run_far into OUT
    python benchmarks/compare_one_run.py one DATA OUT    # run_screening(..., far=FarOptions())
    python benchmarks/compare_one_run.py diff BEFORE AFTER

``two`` and ``one`` take the bundled sample folder or a generated one (``--formats bench``),
with ``as_of=2026-06-30``, profile ``yuecheng-2022`` and 初审表 for applications (far's
default). ``diff`` runs ``compare_screen.py diff`` (every layer, GeoParquet file, sheet and the
manifest without timings, dates, paths and outputs), ``compare_far_outputs.py`` (far's
GeoParquet exactly, every 初审表 and 系统预审 file by content) and then compares what those
leave out: the folder's file list, each stage's ``outputs`` in the manifest (rows, the files,
layers and sheets it wrote) and how every cell of ``landgov.xlsx`` looks
(``compare_styles.py``: its rendered style; the style tables themselves may differ). Exit code
1 when ``compare_screen`` or a later check finds a difference.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROLES = (
    "parcels", "enterprises", "links", "compliance", "planning", "demolition", "townships",
    "buildings", "height_raster", "special_zones", "approved", "applications",
)  # fmt: skip
#: Keys of a stage's ``outputs`` that hold absolute paths of the folder (compared by name).
_PATHS = {"gpkg", "xlsx", "geoparquet", "forms_dir"}


def _inputs(data: Path):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(HERE))
    from _folder import folder_inputs

    return folder_inputs(data, ROLES)


def run(mode: str, data: Path, out: Path) -> None:
    """Write ``out`` from ``data`` by two runs (``two``) or by the one run (``one``)."""
    from landgov.run.far import run_far
    from landgov.run.screening import run_screening

    inputs = _inputs(data)
    common = {"profile": "yuecheng-2022", "out_dir": out, "as_of": "2026-06-30", "overwrite": True}
    start = time.perf_counter()
    if mode == "two":
        run_screening(inputs, progress=False, **common)
        run_far(inputs, **common)
    else:
        from landgov.run.far import FarOptions

        run_screening(inputs, progress=False, far=FarOptions(), **common)
    print(f"{mode}: wall {time.perf_counter() - start:.1f} s")


def _outputs(folder: Path) -> tuple[list[str], dict[str, object]]:
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    stages = {}
    for name, section in manifest["stages"].items():
        outputs = dict(section["outputs"])
        for key in _PATHS & set(outputs):
            outputs[key] = json.dumps(outputs[key]).replace(str(folder), "<out>")
        stages[name] = outputs
    return sorted(manifest["files"]), stages


def diff(before: Path, after: Path) -> int:
    """Print every difference between the two folders; the number of differences."""
    found = subprocess.run(
        [sys.executable, str(HERE / "compare_screen.py"), "diff", str(before), str(after)],
        check=False,
    ).returncode
    subprocess.run(
        [sys.executable, str(HERE / "compare_far_outputs.py"), str(before), str(after)], check=True
    )
    files_a, outputs_a = _outputs(before)
    files_b, outputs_b = _outputs(after)
    if files_a != files_b:
        print(f"files: {sorted(set(files_a) ^ set(files_b))[:5]} in one folder only")
        found += 1
    for stage in sorted(set(outputs_a) | set(outputs_b)):
        a, b = outputs_a.get(stage), outputs_b.get(stage)
        if a != b:
            print(f"manifest stages.{stage}.outputs differ: {a} != {b}")
            found += 1
    if (before / "landgov.xlsx").exists() and (after / "landgov.xlsx").exists():
        sys.path.insert(0, str(HERE))
        from compare_styles import compare

        found += compare(before / "landgov.xlsx", after / "landgov.xlsx")
    print("one run == two runs" if not found else f"{found} differences")
    return found


if __name__ == "__main__":
    cmd, first, second = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if cmd in {"one", "two"}:
        run(cmd, first, second)
    else:
        sys.exit(1 if diff(first, second) else 0)
