"""Run folders: atomic, locked, never mixed (``landgov.core.runfolder``).

The stages here are tiny fakes that write a GeoPackage layer, a sheet and a form, so each case
shows one property of the folder itself; ``test_bad_input_runs.py`` runs the real commands.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook
from shapely.geometry import box

from landgov.core import runfolder
from landgov.core.runfolder import (
    FORMS_DIR,
    GPKG,
    MANIFEST,
    SECTION_KEYS,
    XLSX,
    RunFolder,
    open_run,
    verify,
)
from landgov.errors import DataFileError
from landgov.maps import load_run
from landgov.reports.excel import write_sheet
from landgov.run.files import write_layer


def _inputs(tmp_path: Path, text: str = "v1") -> dict[str, Path]:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    parcels = data / "parcels.csv"
    parcels.write_text(f"parcel_id\n{text}\n", encoding="utf-8")
    return {"parcels": parcels}


def _section(stage: str, folder: RunFolder) -> dict[str, object]:
    return {
        "command": f"landgov {stage}",
        "landgov_version": "test",
        "generated_at": "2026-06-30T00:00:00+08:00",
        "as_of": "2026-06-30",
        "profile": {"name": "yuecheng-2022", "version": "1"},
        "inputs": {r: {"sha256": sha} for r, sha in folder.inputs.items()},
        "outputs": {"rows": {}},
        "counts": {},
        "timings_s": {"写出": 0.0},
    }


def _layer(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"parcel_id": [f"P{i}" for i in range(n)]},
        geometry=[box(i, 0, i + 1, 1) for i in range(n)],
        crs="EPSG:4549",
    )


def _screen_files(folder: RunFolder) -> None:
    """What the fake screening stage writes, up to its finish."""
    write_layer(_layer(3), folder.path / GPKG, layer="parcels")
    write_sheet(pd.DataFrame({"parcel_id": ["P0"]}), folder.path / XLSX, sheet="底数清单")
    folder.finish(_section("screen", folder))


def _far_files(folder: RunFolder, apps: list[str]) -> None:
    """What the fake 增容 stage writes, up to its finish."""
    write_layer(_layer(3), folder.path / GPKG, layer="far")
    if apps:
        write_layer(_layer(len(apps)), folder.path / GPKG, layer="far_applications")
    write_sheet(pd.DataFrame({"app": apps}), folder.path / XLSX, sheet="增容审查")
    for app in apps:
        form = folder.path / FORMS_DIR / "申请" / f"{app}.docx"
        form.parent.mkdir(parents=True, exist_ok=True)
        form.write_bytes(app.encode())
    folder.finish(_section("far", folder))


def _screen(target: Path, inputs: dict[str, Path], **options: object) -> dict:
    with open_run(target, stage="screen", inputs=inputs, echo=None, **options) as folder:
        _screen_files(folder)
    assert folder.manifest is not None
    return folder.manifest


def _far(
    target: Path, inputs: dict[str, Path], apps: list[str], *, echo=None, **options: object
) -> dict:
    with open_run(target, stage="far", inputs=inputs, echo=echo, **options) as folder:
        _far_files(folder, apps)
    assert folder.manifest is not None
    return folder.manifest


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _beside(target: Path) -> list[str]:
    """Everything landgov left next to the target (temp folders, locks)."""
    return sorted(p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}"))


def _forms(target: Path) -> list[str]:
    return sorted(p.name for p in (target / FORMS_DIR).rglob("*.docx"))


# --- sealing and the schema ----------------------------------------------------------------------


def test_a_run_is_sealed_with_a_marker_and_a_hash_per_file(tmp_path: Path) -> None:
    target = tmp_path / "out"
    manifest = _screen(target, _inputs(tmp_path))
    on_disk = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(manifest))
    assert on_disk["complete"] is True
    assert set(on_disk["files"]) == {GPKG, XLSX}
    assert on_disk["files"][GPKG]["sha256"] == runfolder.file_sha256(target / GPKG)
    section = on_disk["stages"]["screen"]
    assert section["outputs"]["files"] == [GPKG, XLSX]
    assert section["outputs"]["layers"] == ["parcels"]
    assert section["outputs"]["sheets"] == ["底数清单"]
    assert _beside(target) == []  # no temp folder, no lock
    assert verify(target)["complete"] is True


def test_screen_and_far_share_one_schema(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    screen = _screen(tmp_path / "a", inputs)
    far = _far(tmp_path / "b", inputs, ["A1"])
    assert set(screen) == set(far)
    assert set(SECTION_KEYS) <= set(screen["stages"]["screen"])
    assert set(SECTION_KEYS) <= set(far["stages"]["far"])


def test_finish_is_required(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with (
        pytest.raises(RuntimeError, match="finish"),
        open_run(target, stage="screen", inputs=_inputs(tmp_path), echo=None),
    ):
        pass
    assert not target.exists() and _beside(target) == []


def test_a_section_without_the_common_keys_is_refused(tmp_path: Path) -> None:
    with (
        pytest.raises(ValueError, match="timings_s"),
        open_run(tmp_path / "out", stage="screen", inputs=_inputs(tmp_path), echo=None) as folder,
    ):
        folder.finish({k: {} for k in SECTION_KEYS if k != "timings_s"})


# --- crashes leave the previous run -------------------------------------------------------------


@pytest.mark.parametrize("crash", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_a_crash_mid_write_leaves_the_previous_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash: BaseException
) -> None:
    target = tmp_path / "out"
    inputs = _inputs(tmp_path)
    _screen(target, inputs)
    _far(target, inputs, ["A1", "A2"])
    before = _snapshot(target)
    calls = []

    def broken_sheet(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise crash

    monkeypatch.setattr(f"{__name__}.write_sheet", broken_sheet)
    with pytest.raises(type(crash)):
        _far(target, inputs, ["A1"])
    assert calls  # the writer was reached: the temporary folder held a half-written run
    assert _snapshot(target) == before
    assert _beside(target) == []
    verify(target)


def test_a_crash_on_a_first_run_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out"
    monkeypatch.setattr(f"{__name__}.write_sheet", _raise_interrupt)
    with pytest.raises(KeyboardInterrupt):
        _screen(target, _inputs(tmp_path))
    assert not target.exists() and _beside(target) == []


def _raise_interrupt(*_args: object, **_kwargs: object) -> None:
    raise KeyboardInterrupt


def test_leftovers_of_a_killed_run_are_cleaned_up(tmp_path: Path) -> None:
    target = tmp_path / "out"
    inputs = _inputs(tmp_path)
    temp = tmp_path / ".out.landgov-tmp-99999-dead"
    temp.mkdir()
    (temp / GPKG).write_bytes(b"half")
    messages: list[str] = []
    with open_run(target, stage="screen", inputs=inputs, echo=messages.append) as folder:
        assert not temp.exists()  # gone before the new run writes
        (folder.path / "x.txt").write_text("x", encoding="utf-8")
        folder.finish(_section("screen", folder))
    assert any("临时文件夹" in m for m in messages)
    assert _beside(target) == []


def test_a_run_killed_between_the_two_renames_is_brought_back(tmp_path: Path) -> None:
    target = tmp_path / "out"
    inputs = _inputs(tmp_path)
    _screen(target, inputs)
    before = _snapshot(target)
    target.rename(tmp_path / ".out.landgov-old-1234")  # the old run moved aside, then a kill
    messages: list[str] = []
    with (
        pytest.raises(LookupError),
        open_run(target, stage="screen", inputs=inputs, echo=messages.append),
    ):
        assert _snapshot(target) == before  # restored before the new run starts
        raise LookupError  # and this run fails: the restored run stays
    assert any("已恢复" in m for m in messages)
    assert _snapshot(target) == before
    assert _beside(target) == []


# --- two runs into one folder --------------------------------------------------------------------


def _hold_lock(target: Path, pid: int) -> Path:
    lock = target.with_name(f".{target.name}.landgov.lock")
    info = {"pid": pid, "host": socket.gethostname(), "started": "2026-06-30T09:00:00+08:00"}
    lock.write_text(json.dumps(info), encoding="utf-8")
    return lock


def test_a_live_lock_refuses_the_second_run(tmp_path: Path) -> None:
    target = tmp_path / "out"
    inputs = _inputs(tmp_path)
    _screen(target, inputs)
    before = _snapshot(target)
    lock = _hold_lock(target, os.getpid())  # this process is alive
    with pytest.raises(DataFileError, match="正被另一个 landgov 运行使用") as err:
        _far(target, inputs, ["A1"])
    assert "--wait" in str(err.value) and str(lock) in str(err.value)
    assert _snapshot(target) == before
    assert lock.exists()  # the other run's lock is not ours to remove


def test_a_stale_lock_is_taken_over_with_a_message(tmp_path: Path) -> None:
    target = tmp_path / "out"
    dead = _dead_pid()
    _hold_lock(target, dead)
    messages: list[str] = []
    with open_run(target, stage="screen", inputs=_inputs(tmp_path), echo=messages.append) as f:
        (f.path / "x.txt").write_text("x", encoding="utf-8")
        f.finish(_section("screen", f))
    assert any("已接管" in m and str(dead) in m for m in messages)
    assert _beside(target) == []


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(proc.stdout)


def test_wait_queues_behind_the_other_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runfolder, "_POLL_S", 0.05)
    target = tmp_path / "out"
    lock = _hold_lock(target, os.getpid())
    timer = threading.Timer(0.3, lock.unlink)
    timer.start()
    messages: list[str] = []
    start = time.perf_counter()
    with open_run(
        target, stage="screen", inputs=_inputs(tmp_path), wait=True, echo=messages.append
    ) as folder:
        (folder.path / "x.txt").write_text("x", encoding="utf-8")
        folder.finish(_section("screen", folder))
    timer.join()
    assert time.perf_counter() - start >= 0.25
    assert sum("等待" in m for m in messages) == 1
    assert (target / "x.txt").exists() and _beside(target) == []


# --- a new run replaces the old one entirely -----------------------------------------------------


def test_rerun_after_a_withdrawn_application_leaves_no_stale_form(tmp_path: Path) -> None:
    target = tmp_path / "out"
    inputs = _inputs(tmp_path)
    _screen(target, inputs)
    _far(target, inputs, ["A1", "A2"])
    assert _forms(target) == ["A1.docx", "A2.docx"]
    messages: list[str] = []
    manifest = _far(target, inputs, ["A1"], echo=messages.append)
    assert _forms(target) == ["A1.docx"]
    assert set(manifest["stages"]) == {"screen", "far"}
    assert any("已替换" in m and "保留了其中的筛查部分" in m for m in messages)
    # without applications the layer and the forms go too; the screening part stays
    _far(target, inputs, [])
    assert not (target / FORMS_DIR).exists()
    layers = {name for name, _ in pyogrio.list_layers(target / GPKG)}
    assert layers == {"parcels", "far", "layer_styles"}  # + the QGIS styles table
    assert load_workbook(target / XLSX).sheetnames == ["底数清单", "增容审查"]
    verify(target)


def _both(target: Path, inputs: dict[str, Path], apps: list[str]) -> dict:
    """Both fake stages in one open_run, through RunFolder.next_stage."""
    with open_run(target, stage="screen", inputs=inputs, echo=None) as folder:
        _screen_files(folder)
        folder.next_stage("far")
        _far_files(folder, apps)
    assert folder.manifest is not None
    return folder.manifest


def test_next_stage_seals_the_manifest_two_runs_write(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    _screen(tmp_path / "two", inputs)
    two = _far(tmp_path / "two", inputs, ["A1"])
    one = _both(tmp_path / "one", inputs, ["A1"])
    for stage in ("screen", "far"):
        a, b = two["stages"][stage]["outputs"], one["stages"][stage]["outputs"]
        assert (a["files"], a["layers"], a["sheets"]) == (b["files"], b["layers"], b["sheets"])
    assert one["stages"]["far"]["outputs"]["files"] == [GPKG, XLSX, FORMS_DIR + "/申请/A1.docx"]
    assert one["stages"]["far"]["outputs"]["sheets"] == ["增容审查"]
    assert sorted(one["files"]) == sorted(two["files"])
    verify(tmp_path / "one")


def test_one_run_of_both_stages_hashes_each_output_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screening's files are the 增容 stage's to change (its layers into the GeoPackage,
    its sheet into the workbook): the screening's finish tells what it wrote by the files' size
    and time, and each output is hashed once, when the folder is sealed (the GeoPackage of a
    district is 400 MB). The inputs are hashed when the run starts."""
    inputs = _inputs(tmp_path)
    hashed: list[str] = []
    real = runfolder.file_sha256

    def counted(path: Path) -> str:
        hashed.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(runfolder, "file_sha256", counted)
    one = _both(tmp_path / "one", inputs, ["A1"])
    outputs = [name for name in hashed if name not in {Path(p).name for p in inputs.values()}]
    assert sorted(outputs) == sorted(Path(rel).name for rel in one["files"])
    assert one["stages"]["screen"]["outputs"]["files"] == [GPKG, XLSX]
    verify(tmp_path / "one")


def test_next_stage_needs_a_finished_earlier_stage(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with (
        pytest.raises(RuntimeError, match="finish"),
        open_run(target, stage="screen", inputs=_inputs(tmp_path), echo=None) as folder,
    ):
        folder.next_stage("far")
    with (
        pytest.raises(ValueError, match="does not come after"),
        open_run(target, stage="far", inputs=_inputs(tmp_path), echo=None) as folder,
    ):
        folder.finish(_section("far", folder))
        folder.next_stage("screen")
    assert not target.exists()  # both runs failed: nothing was written


def test_a_new_screening_drops_the_old_far_part(tmp_path: Path) -> None:
    target = tmp_path / "out"
    inputs = _inputs(tmp_path)
    _screen(target, inputs)
    _far(target, inputs, ["A1"])
    manifest = _screen(target, inputs)
    assert set(manifest["stages"]) == {"screen"}
    assert not (target / FORMS_DIR).exists()
    assert {name for name, _ in pyogrio.list_layers(target / GPKG)} == {"parcels", "layer_styles"}


def test_far_on_other_data_does_not_keep_the_screening(tmp_path: Path) -> None:
    target = tmp_path / "out"
    _screen(target, _inputs(tmp_path, "v1"))
    messages: list[str] = []
    manifest = _far(target, _inputs(tmp_path, "v2"), ["A1"], echo=messages.append)
    assert set(manifest["stages"]) == {"far"}
    assert any("数据与本次不同（parcels）" in m for m in messages)
    layers = {name for name, _ in pyogrio.list_layers(target / GPKG)}
    assert layers == {"far", "far_applications", "layer_styles"}


def test_a_folder_landgov_did_not_write_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "资料"
    target.mkdir()
    (target / "宗地.xlsx").write_bytes(b"mine")
    with pytest.raises(DataFileError, match="不是 landgov 写出的结果") as err:
        _screen(target, _inputs(tmp_path), overwrite=True)  # not even with overwrite
    assert "宗地.xlsx" in str(err.value)
    assert _snapshot(target) == {"宗地.xlsx": b"mine"}
    assert _beside(target) == []


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    _screen(target, _inputs(tmp_path))
    verify(target)


def test_files_changed_by_hand_are_kept_unless_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out"
    inputs = _inputs(tmp_path)
    _screen(target, inputs)
    _far(target, inputs, ["A1"])
    form = target / FORMS_DIR / "申请" / "A1.docx"
    form.write_bytes(b"filled in by hand")
    (target / "备注.txt").write_text("note", encoding="utf-8")
    with pytest.raises(DataFileError, match="--overwrite") as err:
        _far(target, inputs, ["A1"])
    assert "初审表/申请/A1.docx" in str(err.value) and "备注.txt（新增）" in str(err.value)
    assert form.read_bytes() == b"filled in by hand"
    _far(target, inputs, ["A1"], overwrite=True)
    assert form.read_bytes() == b"A1" and not (target / "备注.txt").exists()


def test_an_input_inside_the_output_folder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out"
    _screen(target, _inputs(tmp_path))
    inside = target / "parcels.csv"
    inside.write_text("parcel_id\nP0\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="输入文件"):
        _screen(target, {"parcels": inside}, overwrite=True)
    assert inside.exists()


def test_the_current_directory_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _inputs(tmp_path)
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    for target in (Path("."), Path("..")):
        with pytest.raises(DataFileError, match="当前目录"):
            _screen(target, inputs)
    assert list((tmp_path / "work").iterdir()) == []


# --- verification before mapping ------------------------------------------------------------------


def test_verify_names_what_is_wrong(tmp_path: Path) -> None:
    target = tmp_path / "out"
    inputs = _inputs(tmp_path)
    _screen(target, inputs)
    (target / XLSX).write_bytes(b"edited")
    with pytest.raises(DataFileError, match=r"landgov\.xlsx（内容与记录的 SHA-256 不一致）"):
        verify(target)
    _screen(target, inputs, overwrite=True)
    (target / XLSX).unlink()
    with pytest.raises(DataFileError, match=r"landgov\.xlsx（缺失）"):
        verify(target)
    manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    manifest.pop("complete")
    (target / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(DataFileError, match="没有完成标记"):
        verify(target)
    (target / MANIFEST).write_text('{\n"complete": true,\n', encoding="utf-8")  # cut short
    with pytest.raises(DataFileError, match=r"已损坏（第 3 行第 1 列不是有效的 JSON）。处理："):
        verify(target)
    (target / MANIFEST).unlink()
    with pytest.raises(DataFileError, match=r"没有 manifest\.json"):
        verify(target)


def test_load_run_verifies_on_request_and_reads_the_screening_section(tmp_path: Path) -> None:
    target = tmp_path / "out"
    _screen(target, _inputs(tmp_path))
    data = load_run(target, verify=True)
    assert data.data_date == "2026-06-30"
    assert data.profile_label == "yuecheng-2022 1"
    with (target / GPKG).open("ab") as fh:
        fh.write(b"\0")
    assert load_run(target).parcels is not None  # the library reads what is there …
    with pytest.raises(DataFileError, match=r"landgov\.gpkg"):
        load_run(target, verify=True)  # … the map command refuses it
