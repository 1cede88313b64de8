"""A run folder whose files are damaged after the run: every command that reads it says so.

The manifest's hashes catch a changed file where a command checks them. A file can still be
damaged with the manifest "resealed" (a copy tool, a disk fault before the seal, somebody who
rewrote the hashes), and ``landgov map`` does not check by default. Each command that builds on
a run must then stop with 「错误：」 naming the file (and the layer), exit 2, and no
traceback: before, GDAL's, SQLite's or Arrow's error went up as a crash report (exit 3).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from _cli import assert_clean_error, run_cli

from landgov.core.runfolder import file_sha256


def _reseal(run: Path) -> None:
    """Write every file's new hash and size into the manifest, as a careless tool would."""
    path = run / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for name, entry in manifest["files"].items():
        entry["sha256"] = file_sha256(run / name)
        entry["bytes"] = (run / name).stat().st_size
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _copy(demo_run: Path, to: Path) -> Path:
    run = to / "结果 副本"
    shutil.copytree(demo_run / "out" / "demo", run)
    return run


@pytest.fixture(scope="module")
def bad_text(demo_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo run with bytes that are not UTF-8 in a text cell of the 治理清单 layer."""
    run = _copy(demo_run, tmp_path_factory.mktemp("damaged"))
    with sqlite3.connect(run / "landgov.gpkg") as con:
        # GDAL's R-tree triggers name these functions; 「empty」 makes them drop the row's box
        con.create_function("ST_IsEmpty", 1, lambda _geom: 1)
        for name in ("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):
            con.create_function(name, 1, lambda _geom: 0.0)
        con.execute(
            "UPDATE governance SET holder = CAST(X'E4C6C6' AS TEXT) "
            "WHERE fid = (SELECT MIN(fid) FROM governance)"
        )
    con.close()
    _reseal(run)
    return run


@pytest.mark.parametrize(
    "command",
    [
        ("map", "{run}", "--out", "{out}/图.html"),
        ("export", "{run}", "--out", "{out}/导出"),
        ("packet", "{run}", "--out", "{out}/材料.pdf"),
        ("verify", "{run}", "--out", "{out}/核实表.xlsx"),
        ("override", "{run}", "--out", "{out}/认定表.xlsx"),
        ("compare", "{run}", "{run}", "--out", "{out}/比较"),
    ],
    ids=lambda c: c[0],
)
def test_text_that_is_not_utf8_in_a_layer_is_named_by_every_command(
    bad_text: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    args = [a.format(run=bad_text, out=tmp_path) for a in command]
    text = assert_clean_error(run_cli(*args), contains="landgov.gpkg 的图层「governance」无法读取")
    assert "文字无法按 UTF-8 解读" in text and "处理：重新运行 landgov screen" in text, text


def _cut_short(gpkg: Path) -> None:
    gpkg.write_bytes(gpkg.read_bytes()[:5_000_000])


def _header_overwritten(gpkg: Path) -> None:
    with gpkg.open("r+b") as handle:
        handle.write(b"\0" * 16)


@pytest.mark.parametrize(
    ("damage", "command", "said"),
    [
        (_cut_short, ("map", "{run}", "--out", "{out}/图.html"), "数据库已损坏"),
        (_header_overwritten, ("verify", "{run}", "--out", "{out}/核实表.xlsx"), "不是可识别的"),
    ],
    ids=["cut-short", "header-overwritten"],
)
def test_a_damaged_geopackage_is_named_with_what_is_wrong(
    demo_run: Path, tmp_path: Path, damage, command: tuple[str, ...], said: str
) -> None:
    run = _copy(demo_run, tmp_path)
    damage(run / "landgov.gpkg")
    _reseal(run)
    args = [a.format(run=run, out=tmp_path) for a in command]
    assert_clean_error(run_cli(*args), contains=f"landgov.gpkg 无法读取（{said}")


def test_a_cut_short_far_parquet_is_named_by_the_far_override_sheet(
    demo_run: Path, tmp_path: Path
) -> None:
    run = _copy(demo_run, tmp_path)
    parquet = run / "landgov_far.parquet"
    parquet.write_bytes(parquet.read_bytes()[:1000])
    _reseal(run)
    assert_clean_error(
        run_cli("override", run, "--far", "--out", tmp_path / "认定表.xlsx"),
        contains="landgov_far.parquet 无法读取（不是完整的 Parquet 文件",
    )


def test_far_into_a_run_whose_geopackage_is_damaged_leaves_the_folder_as_it_was(
    demo_run: Path, tmp_path: Path
) -> None:
    """``landgov far`` keeps the earlier screening of its folder and drops its own old layers
    from the copied GeoPackage; a damaged (resealed) one stopped there with SQLite's error as a
    crash report. Now a 「错误：」, and the folder is left as it was (a run is whole or absent)."""
    run = _copy(demo_run, tmp_path)
    gpkg = run / "landgov.gpkg"
    _cut_short(gpkg)
    _reseal(run)
    before = gpkg.read_bytes()
    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    result = run_cli(
        "far", "-q", "-p", sample / "parcels.shp", "-e", sample / "enterprises.xlsx",
        "-l", sample / "links.xlsx", "--forms", "none", "--as-of", "2026-06-30", "-o", run,
    )  # fmt: skip
    assert_clean_error(result, contains="landgov.gpkg 无法读取（数据库已损坏")
    assert gpkg.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder


@pytest.mark.parametrize(
    ("saved_as", "said"),
    [
        # an editor's 「另存为」 ANSI: was 「无法读取（'utf-8' codec can't decode …）」
        (lambda text: text.encode("gbk"), "不是 UTF-8 编码的文本（第 "),
        (lambda text: b"PK\x03\x04" + bytes(64), "这是一个 Excel 工作簿或 zip 压缩包"),
    ],
    ids=["gbk", "workbook"],
)
def test_a_manifest_saved_again_by_an_editor_is_named_in_chinese(
    demo_run: Path, tmp_path: Path, saved_as, said: str
) -> None:
    run = _copy(demo_run, tmp_path)
    manifest = run / "manifest.json"
    manifest.write_bytes(saved_as(manifest.read_text(encoding="utf-8")))
    text = assert_clean_error(
        run_cli("map", run, "--out", tmp_path / "图.html"), contains="manifest.json 已损坏（"
    )
    assert said in text and "处理：请重新运行 landgov screen" in text, text
    assert "codec" not in text, text
