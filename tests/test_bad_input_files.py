"""Bad input files through the real command line: a 「错误：」 naming the file, never a traceback.

Every case builds its bad file in ``tmp_path`` and runs ``python -m landgov`` (``tests/_cli.py``)
through ``inspect``, ``screen``, ``far`` and ``map`` where the file can be given. The cases
that need a failure the machine cannot produce for real (a full disk, a folder root may still
write to) raise the ``OSError`` inside the writer and run :func:`landgov.cli.main` in-process.
"""

from __future__ import annotations

import errno
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from pyproj import CRS
from shapely.geometry import box

import landgov.run.screening
from landgov.cli import EXIT_INPUT, EXIT_INTERNAL, main
from landgov.errors import DataFileError, os_error_message, write_failure
from tests._cli import assert_clean_error, run_cli
from tests._shapefiles import write_shapefile

FIELDS = [("宗地代码", 19), ("权利人", 60), ("土地用途", 12), ("镇街", 12), ("宗地面积", 12)]
HOLDERS = ["绍兴市越城区甲纺织有限公司", "绍兴市越城区乙机械有限公司"]
USCC = ["91330602MA2BGHJK3A", "91330602MA2BGHJK5X"]
E0, N0 = 555_900.0, 3_320_200.0  # CGCS2000 3° GK CM 120E, Shaoxing


def _records(n: int = 2) -> list[list[str]]:
    return [
        [f"330602001002GB{i + 1:05d}", HOLDERS[i % 2], "工业用地", "斗门街道", "6667"]
        for i in range(n)
    ]


def _parcels(
    folder: Path, *, x0: float = E0, y0: float = N0, size: float = 80.0, prj: int = 4549
) -> Path:
    step = size * 1.25
    geoms = [box(x0 + i * step, y0, x0 + i * step + size, y0 + size) for i in range(2)]
    return write_shapefile(folder / "宗地.shp", geoms, FIELDS, _records(), prj=CRS(prj))


def _enterprises(folder: Path, *, rows: bool = True) -> Path:
    path = folder / "企业.csv"
    lines = ["统一社会信用代码,企业名称,规上/规下,税收（万元）,用地面积（亩）"]
    if rows:
        lines += [f"{code},{name},规上,120,10" for code, name in zip(USCC, HOLDERS, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _nan_vertex(shp: Path, records: int) -> None:
    """Overwrite the x of the 2nd vertex of the first ``records`` polygons with NaN."""
    data = bytearray(shp.read_bytes())
    offset = 100
    for _ in range(records):
        content = struct.unpack(">i", data[offset + 4 : offset + 8])[0] * 2
        n_parts = struct.unpack("<i", data[offset + 44 : offset + 48])[0]
        points = offset + 8 + 44 + 4 * n_parts
        data[points + 16 : points + 24] = struct.pack("<d", float("nan"))
        offset += 8 + content
    shp.write_bytes(bytes(data))


# ---------------------------------------------------------------------------------------------
# Bad layers: each builder returns (the path to give, the text the message must contain)


def _missing_shx(d: Path) -> tuple[Path, str]:
    shp = _parcels(d)
    shp.with_suffix(".shx").unlink()
    return shp, "宗地.shx"


def _missing_dbf(d: Path) -> tuple[Path, str]:
    shp = _parcels(d)
    shp.with_suffix(".dbf").unlink()
    return shp, "宗地.dbf"


def _zero_bytes(d: Path) -> tuple[Path, str]:
    shp = _parcels(d)
    shp.write_bytes(b"")
    return shp, "0 字节"


def _garbage(d: Path) -> tuple[Path, str]:
    shp = _parcels(d)
    shp.write_bytes(bytes(range(256)) * 8)
    return shp, "不是有效的 Shapefile"


def _geojson_text(d: Path) -> tuple[Path, str]:
    shp = d / "宗地.shp"
    shp.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    return shp, "GeoJSON"


def _truncated(d: Path) -> tuple[Path, str]:
    shp = _parcels(d)
    shp.write_bytes(shp.read_bytes()[:-60])  # the last polygon loses its vertices
    return shp, "文件不完整"


def _truncated_dbf(d: Path) -> tuple[Path, str]:
    shp = _parcels(d)
    dbf = shp.with_suffix(".dbf")
    dbf.write_bytes(dbf.read_bytes()[:-50])
    return shp, "属性表文件不完整"


def _truncated_shx(d: Path) -> tuple[Path, str]:
    shp = _parcels(d)
    shx = shp.with_suffix(".shx")
    shx.write_bytes(shx.read_bytes()[:-8])  # GDAL alone would read one parcel fewer
    return shp, "索引文件不完整"


def _dbf_of_another_export(d: Path) -> tuple[Path, str]:
    shp = _parcels(d)
    other = write_shapefile(d / "other.shp", [box(E0, N0, E0 + 1, N0 + 1)], FIELDS, _records(1))
    shp.with_suffix(".dbf").write_bytes(other.with_suffix(".dbf").read_bytes())
    return shp, "图形与属性记录数不一致"


def _folder(d: Path) -> tuple[Path, str]:
    folder = d / "宗地图层"
    folder.mkdir()
    _parcels(folder)
    return folder, "文件夹"


def _all_nan(d: Path) -> tuple[Path, str]:
    shp = _parcels(d)
    _nan_vertex(shp, 2)
    return shp, "没有可用的图形"


def _europe(d: Path) -> tuple[Path, str]:
    return _parcels(d, x0=10.0, y0=50.0, size=0.001, prj=4490), "不在中国境内"


def _wrong_prj_ocean(d: Path) -> tuple[Path, str]:
    # Zhejiang GK numbers under a UTM zone 1N .prj: the layer lands in the Pacific.
    return _parcels(d, prj=32601), "不在中国境内"


def _header_only_layer(d: Path) -> tuple[Path, str]:
    shp = write_shapefile(d / "宗地.shp", [], FIELDS, [], prj=CRS(4549))
    return shp, "没有任何要素"


LAYER_CASES: dict[str, Callable[[Path], tuple[Path, str]]] = {
    "missing-shx": _missing_shx,
    "missing-dbf": _missing_dbf,
    "zero-bytes": _zero_bytes,
    "garbage": _garbage,
    "geojson-as-shp": _geojson_text,
    "truncated-shp": _truncated,
    "truncated-dbf": _truncated_dbf,
    "truncated-shx": _truncated_shx,
    "mismatched-dbf": _dbf_of_another_export,
    "folder": _folder,
    "nan-vertices": _all_nan,
    "europe-lonlat": _europe,
    "ocean-projected": _wrong_prj_ocean,
    "no-features": _header_only_layer,
}


def _run_main(args: list[object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """:func:`landgov.cli.main` in this process (cheap; the handler is the same code)."""
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    captured = capsys.readouterr()
    return int(info.value.code), captured.out + captured.err


def _assert_clean(code: int, text: str, *, words: str, name: str) -> None:
    assert "Traceback" not in text, text
    assert code == EXIT_INPUT, (code, text)
    assert "错误：" in text and words in text and name in text, text


@pytest.mark.parametrize("case", list(LAYER_CASES))
def test_bad_layer_in_inspect(tmp_path: Path, case: str) -> None:
    path, words = LAYER_CASES[case](tmp_path)
    text = assert_clean_error(run_cli("inspect", path), code=EXIT_INPUT, contains=words)
    assert path.stem in text


@pytest.mark.parametrize("case", list(LAYER_CASES))
def test_bad_layer_in_screen_and_far(
    tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path, words = LAYER_CASES[case](tmp_path)
    table = _enterprises(tmp_path)
    for command in ("screen", "far"):
        args = [command, "-p", path, "-e", table, "-o", tmp_path / command]
        code, text = _run_main(args, capsys)
        _assert_clean(code, text, words=words, name=path.stem)


@pytest.mark.parametrize(("command", "case"), [("screen", "truncated-shp"), ("far", "missing-dbf")])
def test_bad_layer_through_the_real_command(tmp_path: Path, command: str, case: str) -> None:
    path, words = LAYER_CASES[case](tmp_path)
    table = _enterprises(tmp_path)
    result = run_cli(command, "-p", path, "-e", table, "-o", tmp_path / "结果")
    text = assert_clean_error(result, code=EXIT_INPUT, contains=words)
    assert path.stem in text


def test_table_given_where_a_layer_is_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = _enterprises(tmp_path)
    xlsx = tmp_path / "宗地.xlsx"
    Workbook().save(xlsx)
    result = run_cli("screen", "-p", xlsx, "-e", table, "-o", tmp_path / "screen")
    assert_clean_error(result, code=EXIT_INPUT, contains="宗地.xlsx：这是表格文件，不是图层")
    code, text = _run_main(["far", "-p", xlsx, "-e", table, "-o", tmp_path / "far"], capsys)
    _assert_clean(code, text, words="这是表格文件，不是图层", name="宗地.xlsx")


def test_one_nan_parcel_is_a_problem_row_not_an_error(tmp_path: Path) -> None:
    shp = _parcels(tmp_path)
    _nan_vertex(shp, 1)
    result = run_cli("inspect", shp)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "NaN" in result.stdout


# ---------------------------------------------------------------------------------------------
# Bad tables


def _not_a_zip(d: Path) -> tuple[Path, str]:
    path = d / "企业.xlsx"
    path.write_text("统一社会信用代码,企业名称\n", encoding="utf-8")
    return path, "不是有效的 .xlsx"


def _broken_sheet_xml(d: Path) -> tuple[Path, str]:
    good, path = d / "good.xlsx", d / "企业.xlsx"
    wb = Workbook()
    wb.active.append(["统一社会信用代码", "企业名称", "税收（万元）"])
    wb.active.append([USCC[0], HOLDERS[0], 120])
    wb.save(good)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) // 2]  # cut in the middle of a tag
            dst.writestr(item, data)
    return path, "工作簿已损坏"


def _header_only(d: Path) -> tuple[Path, str]:
    return _enterprises(d, rows=False), "没有任何企业数据行"


def _table_folder(d: Path) -> tuple[Path, str]:
    folder = d / "企业表"
    folder.mkdir()
    return folder, "文件夹"


TABLE_CASES: dict[str, Callable[[Path], tuple[Path, str]]] = {
    "not-a-zip": _not_a_zip,
    "broken-sheet-xml": _broken_sheet_xml,
    "header-only": _header_only,
    "folder": _table_folder,
}


@pytest.mark.parametrize("case", list(TABLE_CASES))
def test_bad_enterprise_table_in_screen(tmp_path: Path, case: str) -> None:
    path, words = TABLE_CASES[case](tmp_path)
    layer = _parcels(tmp_path)
    result = run_cli("screen", "-q", "-p", layer, "-e", path, "-o", tmp_path / "结果")
    text = assert_clean_error(result, code=EXIT_INPUT, contains=words)
    assert path.name in text


@pytest.mark.parametrize("case", list(TABLE_CASES))
def test_bad_enterprise_table_in_inspect_and_far(
    tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path, words = TABLE_CASES[case](tmp_path)
    layer = _parcels(tmp_path)
    if case != "folder":  # inspect reads a folder as a layer (a File Geodatabase is one)
        code, text = _run_main(["inspect", path, "--kind", "enterprises"], capsys)
        _assert_clean(code, text, words=words, name=path.name)
    code, text = _run_main(["far", "-p", layer, "-e", path, "-o", tmp_path / "增容"], capsys)
    _assert_clean(code, text, words=words, name=path.name)


# ---------------------------------------------------------------------------------------------
# Output folders


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    return _parcels(tmp_path), _enterprises(tmp_path)


def test_out_is_a_file(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    blocker = tmp_path / "结果"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run_cli("screen", "-q", "-p", inputs[0], "-e", inputs[1], "-o", blocker)
    assert_clean_error(result, code=EXIT_INPUT, contains="已存在且是文件")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_out_below_a_file(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    blocker = tmp_path / "结果"
    blocker.write_text("", encoding="utf-8")
    result = run_cli("far", "-p", inputs[0], "-e", inputs[1], "-o", blocker / "增容")
    assert_clean_error(result, code=EXIT_INPUT, contains="已存在且是文件")


def test_out_name_too_long_in_bytes(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    name = "工业用地低效筛查结果" * 9  # 90 characters, 270 bytes in UTF-8
    assert len(name.encode()) > 255
    result = run_cli("screen", "-q", "-p", inputs[0], "-e", inputs[1], "-o", tmp_path / name)
    assert_clean_error(result, code=EXIT_INPUT, contains="文件名或路径过长")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to read-only folders"
)
def test_out_read_only_folder(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    out = tmp_path / "只读"
    out.mkdir()
    out.chmod(0o500)
    try:
        result = run_cli("screen", "-q", "-p", inputs[0], "-e", inputs[1], "-o", out)
    finally:
        out.chmod(0o700)
    assert_clean_error(result, code=EXIT_INPUT, contains="没有权限")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "磁盘空间不足"),
        (errno.EACCES, "没有权限"),
        (errno.EROFS, "只读"),
        (errno.EBUSY, "正被其他程序占用"),
    ],
)
def test_writer_os_errors_become_chinese_messages(
    tmp_path: Path,
    inputs: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: int,
    words: str,
) -> None:
    target = tmp_path / "结果" / "landgov.xlsx"

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(target))

    monkeypatch.setattr(landgov.run.screening, "write_workbook", fail)
    args = ["screen", "-q", "-p", inputs[0], "-e", inputs[1], "-o", tmp_path / "结果"]
    exit_code, text = _run_main(args, capsys)
    assert exit_code == EXIT_INPUT
    assert text.startswith("错误：") or "\n错误：" in text, text
    assert words in text and str(target) in text and "处理：" in text
    assert "Traceback" not in text


def test_unexpected_error_saves_a_report(
    tmp_path: Path,
    inputs: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("LOCALAPPDATA", str(cache))

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("stage exploded")

    monkeypatch.setattr(landgov.run.screening, "link_parcels", boom)
    args = ["screen", "-q", "-p", inputs[0], "-e", inputs[1], "-o", tmp_path / "结果"]
    exit_code, text = _run_main(args, capsys)
    assert exit_code == EXIT_INTERNAL
    assert "Traceback" not in text
    assert "错误：landgov 内部出错（RuntimeError：stage exploded）" in text
    reports = list((cache / "landgov").glob("landgov-错误报告-*.txt"))
    assert len(reports) == 1
    assert str(reports[0]) in text
    saved = reports[0].read_text(encoding="utf-8")
    assert "Traceback" in saved and "RuntimeError: stage exploded" in saved
    assert "screen" in saved  # the command is recorded for the developers


def test_unexpected_error_without_a_writable_cache_still_has_no_traceback(
    tmp_path: Path,
    inputs: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("", encoding="utf-8")  # the cache folder cannot be created
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setenv("LOCALAPPDATA", str(blocker))
    monkeypatch.setenv("TMPDIR", str(blocker))
    monkeypatch.setattr("tempfile.tempdir", None)

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyError("x")

    monkeypatch.setattr(landgov.run.screening, "link_parcels", boom)
    args = ["screen", "-q", "-p", inputs[0], "-e", inputs[1], "-o", tmp_path / "结果"]
    exit_code, text = _run_main(args, capsys)
    assert exit_code == EXIT_INTERNAL
    assert "Traceback" not in text and "错误：" in text


# ---------------------------------------------------------------------------------------------
# map: a run folder that is not one


def test_map_of_a_folder_without_results(tmp_path: Path) -> None:
    result = run_cli("map", tmp_path, "--out", tmp_path / "图.html")
    assert_clean_error(result, code=EXIT_INPUT, contains="landgov.gpkg")


def test_map_of_a_damaged_geopackage(tmp_path: Path) -> None:
    (tmp_path / "landgov.gpkg").write_bytes(bytes(range(256)) * 16)
    result = run_cli("map", tmp_path, "--out", tmp_path / "图.html")
    # no sealed manifest beside it: refused before GDAL reads the damaged file
    assert_clean_error(result, code=EXIT_INPUT, contains="manifest.json")


# ---------------------------------------------------------------------------------------------
# click's own usage errors keep click's exit code, in Chinese


def test_click_usage_error_through_the_real_command() -> None:
    result = run_cli("screen", "-p", "不存在.shp")
    assert_clean_error(result, code=2, contains="找不到路径「不存在.shp」")
    assert "用法： landgov screen" in result.stderr  # click's usage line, in Chinese


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["screen", "--no-such-option"], "没有选项「--no-such-option」"),
        (["inspect"], "缺少必填参数 FILE"),
        (["frob"], "没有命令「frob」"),
        (["inspect", "x.shp", "--kind", "zz"], "「zz」不是可选值之一"),
        (["screen", "--parcels"], "选项「--parcels」后面缺少取值"),
    ],
)
def test_click_usage_errors(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _run_main(args, capsys)
    assert code == 2, text  # click's own exit code for usage errors
    assert "错误：" in text and words in text and "--help" in text, text
    assert "Traceback" not in text and "Error:" not in text


# ---------------------------------------------------------------------------------------------
# A real full disk (a 32 KiB tmpfs) and a real read-only folder (a tmpfs mounted read-only, which
# root cannot write either). Linux as root; skipped where mounting is not allowed.


def _mount_tmpfs(folder: Path, options: str) -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    folder.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)]
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def test_read_only_out_for_real(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    disk = tmp_path / "只读盘"
    if not _mount_tmpfs(disk, "ro,size=1m"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        result = run_cli("screen", "-q", "-p", inputs[0], "-e", inputs[1], "-o", disk)
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    assert_clean_error(result, code=EXIT_INPUT, contains=str(disk))
    assert "没有权限" in result.stderr or "只读" in result.stderr


def test_disk_full_for_real(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    disk = tmp_path / "小盘"
    if not _mount_tmpfs(disk, "size=32k"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        result = run_cli("screen", "-q", "-p", inputs[0], "-e", inputs[1], "-o", disk / "结果")
        left = sorted(p.name for p in disk.iterdir())
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    text = assert_clean_error(result, code=EXIT_INPUT, contains="磁盘空间不足")
    assert str(disk / "结果") in text
    assert "landgov-tmp" not in text  # the user's folder is named, not the temporary one
    assert "未被改动" in text
    assert not [n for n in left if "landgov-tmp" in n]  # the half-written folder is gone


def test_write_failure_reads_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "结果" / "landgov.gpkg"
    target.parent.mkdir()
    assert isinstance(write_failure(target, RuntimeError("sqlite")), DataFileError)
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage._replace(free=4096))
    full = write_failure(target, RuntimeError("sqlite"))
    assert full.errno == errno.ENOSPC and full.filename == str(target)


def test_a_full_disk_is_told_by_sqlite_or_by_the_room_the_write_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite's SQLITE_FULL through GDAL (a row-by-row write), whatever room is left after
    target = tmp_path / "landgov.gpkg"
    said = RuntimeError("failed to execute insert : database or disk is full")
    assert write_failure(target, said).errno == errno.ENOSPC
    # an Arrow write says only 「cannot rollback」: SQLite rolled the batch back and the file
    # shrank, so the disk has room again, but less than the write needed
    rollback = RuntimeError("sqlite3_exec(ROLLBACK) failed: cannot rollback - no transaction")
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage._replace(free=5 << 20))
    assert write_failure(target, rollback, needed=6 << 20).errno == errno.ENOSPC
    assert isinstance(write_failure(target, rollback, needed=4 << 20), DataFileError)
    assert isinstance(write_failure(target, rollback), DataFileError)


def test_a_layer_that_fills_the_disk_through_arrow_is_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyogrio

    from landgov.run.files import write_layer
    from tests._full_disk import rolled_back

    monkeypatch.setattr(pyogrio, "write_dataframe", rolled_back)
    frame = pd.DataFrame({"reasons": ["不符合：未按出让合同约定完成开发建设" * 20] * 2_000})
    need = sum(len(t.encode()) for t in frame["reasons"])  # 2.2 MB of UTF-8: above 1 MiB
    usage = shutil.disk_usage(tmp_path)
    target = tmp_path / "landgov.gpkg"
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage._replace(free=need - 1))
    with pytest.raises(OSError) as full:
        write_layer(frame, target, layer="parcels")
    assert full.value.errno == errno.ENOSPC and full.value.filename == str(target)
    assert os_error_message(full.value).startswith(f"磁盘空间不足，写入「{target}」")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage._replace(free=need + (2 << 20)))
    with pytest.raises(DataFileError, match="cannot rollback") as other:
        write_layer(frame, target, layer="parcels")
    assert f"写出「{target}」失败" in str(other.value)


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间不足，写入文件时中断"),
        (OSError(errno.ENAMETOOLONG, "File name too long", "宗" * 90), "文件名或路径过长"),
        (FileExistsError(errno.EEXIST, "File exists", "结果"), "「结果」已存在且是文件"),
        (OSError(errno.EXDEV, "Invalid cross-device link", "甲"), "读写「甲」失败"),
        (OSError("no errno at all"), "读写文件失败"),
    ],
)
def test_os_error_message(error: OSError, words: str) -> None:
    text = os_error_message(error)
    assert words in text and "处理：" in text


def test_a_workbook_that_fills_the_disk_names_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a full disk noticed while the zip stream is closed names no file: the workbook is named
    from landgov.reports import excel

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(excel, "splice", full)
    target = tmp_path / "landgov.xlsx"
    with pytest.raises(OSError) as caught:
        excel.write_workbook([("底数清单", pd.DataFrame({"parcel_id": ["A1"]}))], target)
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)
    assert os_error_message(caught.value).startswith(f"磁盘空间不足，写入「{target}」")
    assert list(tmp_path.iterdir()) == []  # no workbook, no scratch folder
