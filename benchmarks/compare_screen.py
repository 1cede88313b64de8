"""Check that a speed change left `landgov screen`'s results as they were.

Usage::

    python benchmarks/compare_screen.py run DATA OUT     # screen a data folder into OUT
    python benchmarks/compare_screen.py diff BEFORE AFTER

``run`` takes the bundled sample folder or a generated one (``--formats bench``) and runs
:func:`landgov.run.screening.run_screening` with ``as_of=2026-06-30``. ``diff`` compares two run
folders: every layer of the GeoPackage and every GeoParquet file (attributes and geometry),
every sheet of the workbook (cell values), and the manifest without its timings, dates and
paths. It prints each difference and exits with 1 when there is one.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
import pyogrio

_VOLATILE = {"generated_at", "timings_s", "path", "sha256", "out_dir", "outputs", "files"}


def run(data: Path, out: Path) -> None:
    """Screen the folder ``data`` into ``out``."""
    from _folder import folder_inputs

    from landgov.run.screening import run_screening

    inputs = folder_inputs(
        data,
        ("parcels", "enterprises", "links", "compliance", "planning", "demolition",
         "townships", "height_raster", "approved"),
    )  # fmt: skip
    start = time.perf_counter()
    res = run_screening(
        inputs, profile="yuecheng-2022", out_dir=out, as_of="2026-06-30", progress=False,
        overwrite=True,
    )  # fmt: skip
    print(json.dumps(res.manifest["timings_s"], ensure_ascii=False))
    print(f"wall {time.perf_counter() - start:.1f} s")


def _strip(value: object) -> object:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _frames_equal(name: str, a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    if list(a.columns) != list(b.columns):
        return [f"{name}: columns {list(a.columns)} != {list(b.columns)}"]
    if len(a) != len(b):
        return [f"{name}: {len(a)} rows != {len(b)} rows"]
    out = []
    for col in a.columns:
        if col == "update_time":  # layer_styles: when the file was written
            continue
        x, y = a[col], b[col]
        if hasattr(x, "to_wkb"):
            x, y = x.to_wkb(), y.to_wkb()
        if str(x.dtype) != str(y.dtype):
            out.append(f"{name}.{col}: dtype {x.dtype} != {y.dtype}")
            continue
        same = (x == y) | (x.isna() & y.isna())
        if not bool(same.all()):
            bad = same[~same].index[:3]
            out.append(
                f"{name}.{col}: {int((~same).sum())} differ, e.g. "
                + "; ".join(f"{x[i]!r} != {y[i]!r}" for i in bad)
            )
    return out


def diff(before: Path, after: Path) -> int:
    """Print every difference between two run folders; the number of differences."""
    found: list[str] = []
    for gpkg in sorted(before.glob("*.gpkg")):
        for layer, _ in pyogrio.list_layers(gpkg):
            a = pyogrio.read_dataframe(gpkg, layer=layer)
            b = pyogrio.read_dataframe(after / gpkg.name, layer=layer)
            found += _frames_equal(f"{gpkg.name}:{layer}", a, b)
    for pq in sorted(before.glob("*.parquet")):
        found += _frames_equal(pq.name, pd.read_parquet(pq), pd.read_parquet(after / pq.name))
    for book in sorted(before.glob("*.xlsx")):
        import openpyxl

        wa = openpyxl.load_workbook(book, read_only=True)
        wb = openpyxl.load_workbook(after / book.name, read_only=True)
        if wa.sheetnames != wb.sheetnames:
            found.append(f"{book.name}: sheets {wa.sheetnames} != {wb.sheetnames}")
        for sheet in wa.sheetnames:
            ra = list(wa[sheet].iter_rows(values_only=True))
            rb = list(wb[sheet].iter_rows(values_only=True))
            if ra != rb:
                n = next(
                    (i for i, (x, y) in enumerate(zip(ra, rb, strict=False)) if x != y),
                    min(len(ra), len(rb)),
                )
                found.append(f"{book.name}:{sheet}: rows differ from row {n + 1}")
    ma = _strip(json.loads((before / "manifest.json").read_text("utf-8")))
    mb = _strip(json.loads((after / "manifest.json").read_text("utf-8")))
    if ma != mb:
        found.append("manifest.json differs (timings, dates and paths left out)")
    for line in found:
        print(line)
    print("identical" if not found else f"{len(found)} differences")
    return len(found)


if __name__ == "__main__":
    cmd, first, second = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if cmd == "run":
        run(first, second)
    else:
        sys.exit(1 if diff(first, second) else 0)
