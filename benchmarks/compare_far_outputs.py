"""Compare two `landgov far` output folders beyond ``tools/compare_runs.py``.

Usage::

    python benchmarks/compare_far_outputs.py BEFORE_DIR AFTER_DIR

Runs ``tools/compare_runs.py`` (GeoPackage layers, workbook sheets, 初审表 text, manifest
counts), then compares the GeoParquet exactly (every column; geometry as WKB) and every file
under 初审表/ and 系统预审/ by content (docx/xlsx by their parts, creation times left out).
A report, not a test: exit code 0.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    if path.suffix not in {".docx", ".xlsx"}:
        h.update(path.read_bytes())
        return h.hexdigest()
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            data = z.read(name)
            if name.startswith("docProps/"):
                data = re.sub(rb"<dcterms:(created|modified)[^<]*</dcterms:\w+>", b"", data)
            h.update(name.encode() + data)
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    before, after = (Path(p) for p in (argv or sys.argv[1:]))
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "compare_runs.py"), str(before), str(after)],
        check=True,
    )
    a = gpd.read_parquet(before / "landgov_far.parquet")
    b = gpd.read_parquet(after / "landgov_far.parquet")
    a["geometry"], b["geometry"] = a.geometry.to_wkb(), b.geometry.to_wkb()
    try:
        pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b), check_exact=True)
        print(f"# landgov_far.parquet: identical ({len(a)} rows, {a.shape[1]} columns)")
    except AssertionError as exc:
        print(f"# landgov_far.parquet DIFFERS: {str(exc)[:800]}")
    for sub in ("初审表", "系统预审"):
        fa = {p.relative_to(before): p for p in (before / sub).rglob("*") if p.is_file()}
        fb = {p.relative_to(after): p for p in (after / sub).rglob("*") if p.is_file()}
        differ = sorted(str(k) for k in fa.keys() & fb.keys() if _digest(fa[k]) != _digest(fb[k]))
        print(
            f"# {sub}: {len(fa)} → {len(fb)} files, in one run only {len(fa.keys() ^ fb.keys())}, "
            f"content differs {len(differ)} {differ[:3]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
