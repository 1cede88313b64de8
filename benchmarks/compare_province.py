"""Check that a speed change left a province run's results (`landgov screen PROVINCE`) as they were.

Usage::

    python benchmarks/compare_province.py BEFORE AFTER [--counties N]

Compares two province output folders and prints every difference (exit 1 when there is one):

- ``province.parquet``: the Arrow schema with its metadata (the GeoParquet ``geo`` entry) and
  every row and value, row groups (one per county) included;
- ``province.gpkg``: every SQLite table of the GeoPackage row for row, byte for byte (features
  with their geometry blobs, the R-tree, ``gpkg_contents``, field aliases, styles) and every
  table definition; left out: when the file was written (``gpkg_contents.last_change``,
  ``layer_styles.update_time``);
- ``province.xlsx``: every sheet, cell values;
- ``manifest.json`` without timings, dates, paths and file hashes;
- the county run folders (``counties/*``), with ``benchmarks/compare_screen.py diff`` (its
  GeoParquet files, workbook sheets and manifest); ``--counties N``: only the first N.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sqlite3
import sys
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_screen import diff as county_diff

#: Columns that say when a file was written, not what it holds.
_WHEN = {"gpkg_contents": {"last_change"}, "layer_styles": {"update_time"}}
_VOLATILE_KEYS = {"seconds", "input", "generated_at", "timings_s", "files", "sha256"}


def _parquet(a: Path, b: Path) -> list[str]:
    fa, fb = pq.ParquetFile(a), pq.ParquetFile(b)
    out = []
    if not fa.schema_arrow.equals(fb.schema_arrow, check_metadata=True):
        out.append(f"{a.name}: Arrow schema or its metadata differs")
    sizes_a = [fa.metadata.row_group(i).num_rows for i in range(fa.num_row_groups)]
    sizes_b = [fb.metadata.row_group(i).num_rows for i in range(fb.num_row_groups)]
    if sizes_a != sizes_b:
        out.append(f"{a.name}: row groups {sizes_a[:5]}… != {sizes_b[:5]}…")
    ta, tb = fa.read(), fb.read()
    if ta.num_rows != tb.num_rows:
        return [*out, f"{a.name}: {ta.num_rows} rows != {tb.num_rows}"]
    for name in ta.column_names:
        if name not in tb.column_names:
            out.append(f"{a.name}.{name}: missing after")
        elif not ta[name].equals(tb[name]):
            out.append(f"{a.name}.{name}: values differ")
    return out


def _tables(db: sqlite3.Connection) -> dict[str, str]:
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'index', "
                      "'trigger', 'view') ORDER BY type, name").fetchall()  # fmt: skip
    return {name: sql or "" for name, sql in rows}


def _gpkg(a: Path, b: Path) -> list[str]:
    out = []
    with contextlib.closing(sqlite3.connect(a)) as da, contextlib.closing(sqlite3.connect(b)) as db:
        ta, tb = _tables(da), _tables(db)
        if ta != tb:
            out.append(f"{a.name}: tables differ: {sorted(set(ta) ^ set(tb)) or 'definitions'}")
        for name, sql in ta.items():
            if not sql.upper().startswith("CREATE TABLE") and "VIRTUAL TABLE" not in sql.upper():
                continue
            if name not in tb:
                continue
            cols = [r[1] for r in da.execute(f'PRAGMA table_info("{name}")')]
            keep = [c for c in cols if c not in _WHEN.get(name, set())]
            select = "SELECT " + ", ".join(f'"{c}"' for c in keep) + f' FROM "{name}"'
            n = 0
            for n, (ra, rb) in enumerate(
                zip(da.execute(select), db.execute(select), strict=False), 1
            ):
                if ra != rb:
                    out.append(f"{a.name}:{name}: row {n} differs")
                    break
            ca = da.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            cb = db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            if ca != cb:
                out.append(f"{a.name}:{name}: {ca} rows != {cb}")
    return out


def _workbook(a: Path, b: Path) -> list[str]:
    import openpyxl

    wa = openpyxl.load_workbook(a, read_only=True)
    wb = openpyxl.load_workbook(b, read_only=True)
    if wa.sheetnames != wb.sheetnames:
        return [f"{a.name}: sheets {wa.sheetnames} != {wb.sheetnames}"]
    return [
        f"{a.name}:{sheet}: rows differ"
        for sheet in wa.sheetnames
        if list(wa[sheet].iter_rows(values_only=True))
        != list(wb[sheet].iter_rows(values_only=True))
    ]


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in _VOLATILE_KEYS}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _manifest(a: Path, b: Path) -> list[str]:
    ma = _plain(json.loads(a.read_text("utf-8")))
    mb = _plain(json.loads(b.read_text("utf-8")))
    if ma == mb:
        return []
    keys = sorted(k for k in ma["province"] if ma["province"][k] != mb["province"].get(k))
    return [f"manifest.json differs in province.{keys}"]


def compare(before: Path, after: Path, *, counties: int | None = None) -> list[str]:
    """Every difference between two province output folders."""
    found = _parquet(before / "province.parquet", after / "province.parquet")
    found += _gpkg(before / "province.gpkg", after / "province.gpkg")
    found += _workbook(before / "province.xlsx", after / "province.xlsx")
    found += _manifest(before / "manifest.json", after / "manifest.json")
    folders = sorted(p for p in (before / "counties").iterdir() if p.is_dir())
    names_after = sorted(p.name for p in (after / "counties").iterdir() if p.is_dir())
    if [p.name for p in folders] != names_after:
        found.append("counties/: different county folders")
    for folder in folders[:counties]:
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            n = county_diff(folder, after / "counties" / folder.name)
        if n:
            found += [f"counties/{folder.name}: {line}" for line in text.getvalue().splitlines()]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--counties", type=int, help="compare only the first N county folders")
    args = parser.parse_args(argv)
    found = compare(args.before, args.after, counties=args.counties)
    for line in found:
        print(line)
    print("identical" if not found else f"{len(found)} differences")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
