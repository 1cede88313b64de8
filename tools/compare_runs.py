"""Compare two landgov run folders (``landgov demo`` / ``landgov run`` + ``landgov far`` output).

Usage::

    python tools/compare_runs.py BEFORE_DIR AFTER_DIR [--examples 3]

For every layer of ``landgov.gpkg`` and every sheet of ``landgov.xlsx``: row counts, rows only in
one run, columns only in one run, and per column the number of rows whose value differs, keyed
by 申请编号 / 宗地代码 / 统一社会信用代码 / 连片编号 / 镇街 (whichever identify the rows). Tables
without a key (problem lists) are compared as multisets of rows. Then the 初审表 files (by name
and by text) and the ``counts`` of both manifests. Missing values compare equal to each other;
numbers compare equal within 1e-9 (relative). Exit code 0; this is a report, not a test.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio

#: Columns that identify a row, most specific first (English layer names and Chinese headers).
KEYS = (
    ("来源", "source"),
    ("申请编号", "application_id"),
    ("宗地代码", "parcel_id"),
    ("连片编号", "block_id"),
    ("统一社会信用代码", "uscc"),
    ("镇街", "township"),
    ("参数", "key"),
)


def _same(a: Any, b: Any) -> bool:
    a_na = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NaT or a is pd.NA
    b_na = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NaT or b is pd.NA
    if a_na or b_na:
        return a_na and b_na
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return str(a) == str(b)


def _key_columns(frame: pd.DataFrame) -> list[str]:
    cols: list[str] = []
    for names in KEYS:
        col = next((n for n in names if n in frame.columns), None)
        if col is None:
            continue
        cols.append(col)
        if not frame.duplicated(cols).any():
            return cols
    return cols if cols and not frame.duplicated(cols).any() else []


def _keyed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    index = pd.MultiIndex.from_frame(frame[keys].astype(str)) if len(keys) > 1 else None
    out = frame.drop(columns=keys)
    out.index = index if index is not None else frame[keys[0]].astype(str).to_numpy()
    return out


def _compare_unkeyed(name: str, before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    rows_b = Counter(map(tuple, before.astype(str).to_numpy().tolist()))
    rows_a = Counter(map(tuple, after.astype(str).to_numpy().tolist()))
    gone, new = rows_b - rows_a, rows_a - rows_b
    lines = [f"## {name}: {len(before)} → {len(after)} rows (no key; compared as row multisets)"]
    if not gone and not new:
        return [*lines, "   identical"]
    lines.append(f"   rows only before: {sum(gone.values())}, only after: {sum(new.values())}")
    for row in list(gone)[:3]:
        lines.append(f"   - {' | '.join(map(str, row))[:300]}")
    for row in list(new)[:3]:
        lines.append(f"   + {' | '.join(map(str, row))[:300]}")
    return lines


def compare_frames(
    name: str, before: pd.DataFrame, after: pd.DataFrame, *, examples: int = 3
) -> list[str]:
    """Report lines for one table."""
    keys = _key_columns(before)
    if not keys or _key_columns(after) != keys:
        return _compare_unkeyed(name, before, after)
    b, a = _keyed(before, keys), _keyed(after, keys)
    lines = [f"## {name}: {len(before)} → {len(after)} rows (key {'+'.join(keys)})"]
    only_b = b.index.difference(a.index)
    only_a = a.index.difference(b.index)
    if len(only_b) or len(only_a):
        lines.append(f"   rows only before: {len(only_b)} {list(only_b[:examples])}")
        lines.append(f"   rows only after: {len(only_a)} {list(only_a[:examples])}")
    cols_b, cols_a = list(b.columns), list(a.columns)
    if cols_b != cols_a:
        lines.append(f"   columns only before: {[c for c in cols_b if c not in cols_a]}")
        lines.append(f"   columns only after: {[c for c in cols_a if c not in cols_b]}")
    common = b.index.intersection(a.index)
    b, a = b.loc[common], a.loc[common]
    changed = False
    for col in [c for c in cols_b if c in cols_a]:
        diff = [k for k, x, y in zip(common, b[col], a[col], strict=True) if not _same(x, y)]
        if diff:
            changed = True
            lines.append(f"   {col}: {len(diff)} rows differ")
            for k in diff[:examples]:
                lines.append(
                    f"      {k}: {str(b.at[k, col])[:160]!r} → {str(a.at[k, col])[:160]!r}"
                )
            transitions = Counter(
                (str(b.at[k, col])[:40], str(a.at[k, col])[:40]) for k in diff
            ).most_common(6)
            if len(diff) > examples and len(transitions) < len(diff):
                lines.append(f"      most common: {transitions}")
    if not changed and not len(only_b) and not len(only_a) and cols_b == cols_a:
        lines.append("   identical")
    return lines


def _layers(path: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for layer, _ in pyogrio.list_layers(path):
        frame = pyogrio.read_dataframe(path, layer=layer)
        if "geometry" in frame:
            frame["geometry_area"] = frame.geometry.area.round(3)
            frame = pd.DataFrame(frame.drop(columns="geometry"))
        out[str(layer)] = frame
    return out


def _sheets(path: Path) -> dict[str, pd.DataFrame]:
    return pd.read_excel(path, sheet_name=None)


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml)


def compare_forms(before: Path, after: Path) -> list[str]:
    """初审表: files only in one run, and files whose text differs."""
    fb = {p.relative_to(before): p for p in before.rglob("*.docx")}
    fa = {p.relative_to(after): p for p in after.rglob("*.docx")}
    lines = [f"## 初审表: {len(fb)} → {len(fa)} files"]
    for label, names in (
        ("only before", fb.keys() - fa.keys()),
        ("only after", fa.keys() - fb.keys()),
    ):
        if names:
            lines.append(f"   {label}: {sorted(map(str, names))}")
    differ = [
        str(n) for n in sorted(fb.keys() & fa.keys()) if _docx_text(fb[n]) != _docx_text(fa[n])
    ]
    lines.append(f"   same name, different text: {len(differ)} {differ[:5]}")
    return lines


def compare_manifests(before: Path, after: Path) -> list[str]:
    """The ``counts`` section of each manifest, key by key."""
    lines = []
    for name in ("manifest.json", "far_manifest.json"):
        if not (before / name).exists() or not (after / name).exists():
            lines.append(f"## {name}: missing in one run")
            continue
        cb = json.loads((before / name).read_text("utf-8")).get("counts", {})
        ca = json.loads((after / name).read_text("utf-8")).get("counts", {})
        flat_b, flat_a = _flatten(cb), _flatten(ca)
        diff = {k: (flat_b.get(k), flat_a.get(k)) for k in flat_b.keys() | flat_a.keys()}
        diff = {k: v for k, v in diff.items() if v[0] != v[1]}
        lines.append(f"## {name} counts: {len(diff)} differ")
        lines += [f"   {k}: {v[0]} → {v[1]}" for k, v in sorted(diff.items())]
    return lines


def _flatten(d: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(d, dict):
        return {prefix: d}
    out: dict[str, Any] = {}
    for k, v in d.items():
        out |= _flatten(v, f"{prefix}.{k}" if prefix else str(k))
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--examples", type=int, default=3)
    args = parser.parse_args(argv)
    lines: list[str] = []
    for fname, reader in (("landgov.gpkg", _layers), ("landgov.xlsx", _sheets)):
        tb, ta = reader(args.before / fname), reader(args.after / fname)
        lines.append(f"# {fname}")
        for name in list(tb) + [n for n in ta if n not in tb]:
            if name not in tb or name not in ta:
                lines.append(f"## {name}: only {'after' if name in ta else 'before'}")
                continue
            lines += compare_frames(name, tb[name], ta[name], examples=args.examples)
    lines.append("# forms and manifests")
    lines += compare_forms(args.before / "初审表", args.after / "初审表")
    lines += compare_manifests(args.before, args.after)
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
