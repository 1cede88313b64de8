"""Write a comparison: ``DIR/changes.gpkg``, ``DIR/动态评价.xlsx`` and ``DIR/compare.json``."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from landgov import __version__
from landgov.core.runfolder import now_text
from landgov.errors import DataFileError, write_failure
from landgov.evaluation._compare import Comparison
from landgov.reports.excel import write_workbook
from landgov.reports.lists import summary_style
from landgov.reports.printlist import page_note
from landgov.run.files import storable, write_layer

__all__ = ["GPKG_NAME", "MARKER", "XLSX_NAME", "write_comparison"]

GPKG_NAME = "changes.gpkg"
XLSX_NAME = "动态评价.xlsx"
MARKER = "compare.json"


def _yes_no(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in ("listed_old", "listed_new"):
        if col in out:
            out[col] = out[col].map({True: "是", False: "否"})
    return out


def _day(cmp: Comparison, side: str) -> dt.date | str:
    """A run's reference date, or why there is none (the run is then named by its folder)."""
    return cmp.dates.get(side) or f"未记录（{cmp.labels.get(side) or '—'}）"


def _summary(cmp: Comparison) -> pd.DataFrame:
    c = cmp.counts
    rows: list[tuple[str, Any]] = [
        ("旧期基准日期", _day(cmp, "old")),  # a date cell: Excel sorts and formats it
        ("新期基准日期", _day(cmp, "new")),
        ("旧期宗地数", c["plots_old"]),
        ("新期宗地数", c["plots_new"]),
        *((f"地块对应：{k}", v) for k, v in c["plot_rows"].items()),
        *((f"治理清单：{k}", v) for k, v in c["listing_change"].items()),
        *((f"等级：{k}", v) for k, v in c["grade_change"].items()),
        ("旧期企业数", c["enterprises_old"]),
        ("新期企业数", c["enterprises_new"]),
        *((f"企业对应：{k}", v) for k, v in c["enterprise_rows"].items()),
        ("旧期信用代码重复的企业行（按首行对比）", c["enterprise_duplicates"]["old"]),
        ("新期信用代码重复的企业行（按首行对比）", c["enterprise_duplicates"]["new"]),
        *(("警告", w) for w in cmp.warnings),
    ]
    return pd.DataFrame(rows, columns=["项目", "数值"]).astype(object)


def _write_into(cmp: Comparison, folder: Path) -> None:
    gpkg = folder / GPKG_NAME
    write_layer(_yes_no(cmp.plots), gpkg, layer="changes")
    write_layer(cmp.enterprises, gpkg, layer="enterprise_changes")
    write_layer(cmp.townships, gpkg, layer="township_changes")
    write_workbook(
        [
            ("汇总", _summary(cmp)),
            ("镇街对比", cmp.townships),  # a target beside 「无目标」 stays a number
            ("地块变化", storable(_yes_no(cmp.plots.drop(columns="geometry")))),
            ("企业变化", storable(cmp.enterprises)),
        ],
        folder / XLSX_NAME,
        styles={"镇街对比": summary_style(cmp.townships)},  # 全区 below the filter
        page_note=page_note(
            cmp.labels.get("new"), cmp.profiles.get("new"), since=cmp.labels.get("old")
        ),
    )  # headers from the column registry (COMPARISON_COLUMNS), as the GeoPackage's aliases
    info = {
        "command": "landgov compare",
        "landgov_version": __version__,
        "generated_at": now_text(),
        "labels": cmp.labels,
        "counts": cmp.counts,
        "warnings": cmp.warnings,
    }
    (folder / MARKER).write_text(json.dumps(info, ensure_ascii=False, indent=2), "utf-8")


def write_comparison(cmp: Comparison, out_dir: str | Path) -> Path:
    """Write the comparison into ``out_dir`` (replaced only when it holds an earlier one).

    The files are written into a temporary folder beside ``out_dir`` first, then swapped in.

    Raises
    ------
    DataFileError
        ``out_dir`` holds files that are not an earlier ``landgov compare`` output.
    """
    target = Path(os.path.abspath(out_dir))
    if target.exists() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise DataFileError(
            f"输出文件夹 {target} 已有文件，但不是 landgov compare 的结果。"
            "为免误删，landgov 不会写入它：请换一个新的或空的文件夹"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.landgov-tmp-{secrets.token_hex(4)}")
    temp.mkdir()
    old = target.with_name(f".{target.name}.landgov-old-{secrets.token_hex(4)}")
    try:
        _write_into(cmp, temp)
        if target.exists():
            target.rename(old)
        temp.rename(target)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        if old.exists() and not target.exists():
            old.rename(target)
        raise write_failure(target, exc) from exc
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return target
