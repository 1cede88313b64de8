"""Run folders through the real command line: refusals a user sees, and no folder ever mixed.

Each case runs ``python -m landgov`` in a child process on a small generated sample (100
parcels) and asserts what the user reads: 「错误：」, the reason, exit code 2, no traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from contextlib import closing
from pathlib import Path

import pytest
from _cli import assert_clean_error, run_cli
from openpyxl import load_workbook

from landgov.core.runfolder import FORMS_DIR, GPKG, MANIFEST, SECTION_KEYS, verify

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from landgov.sample import generate

    folder = tmp_path_factory.mktemp("sample")
    generate(folder, n_parcels=100, seed=3)
    return folder


def _screen(sample: Path, out: Path, *extra: str) -> list[str]:
    return [
        "screen", "-p", sample / "parcels.shp", "-e", sample / "enterprises.xlsx",
        "-l", sample / "links.xlsx", "-t", sample / "townships.shp", "--profile",
        "yuecheng-2022", "--as-of", AS_OF, "-q",
        "-o", out, *extra,
    ]  # fmt: skip


def _far(sample: Path, out: Path, *extra: str, apps: Path | None = None) -> list[str]:
    return [
        "far", "-p", sample / "parcels.shp", "-e", sample / "enterprises.xlsx",
        "-l", sample / "links.xlsx", "-b", sample / "buildings.gpkg",
        "-a", apps or sample / "applications.xlsx", "--profile", "yuecheng-2022",
        "--as-of", AS_OF, "-o", out, *extra,
    ]  # fmt: skip


def _ok(*args: object) -> str:
    result = run_cli(*map(str, args))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def _forms(out: Path) -> set[str]:
    return {p.name.split("_")[0] for p in (out / FORMS_DIR).rglob("*.docx")}


@pytest.fixture(scope="module")
def both(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Screening then 增容 into one folder, as ``landgov demo`` does."""
    out = tmp_path_factory.mktemp("runs") / "越城"
    _ok(*_screen(sample, out))
    _ok(*_far(sample, out))
    return out


def test_screen_and_far_write_one_manifest_with_one_schema(both: Path) -> None:
    manifest = verify(both)
    assert set(manifest) == {
        "manifest_version", "complete", "landgov_version", "generated_at", "stages", "files",
    }  # fmt: skip
    screen, far = manifest["stages"]["screen"], manifest["stages"]["far"]
    assert set(SECTION_KEYS) <= set(screen) and set(SECTION_KEYS) <= set(far)
    for section in (screen, far):
        for entry in section["inputs"].values():
            assert len(entry["sha256"]) == 64
            if entry["rows_in"] is not None:
                assert entry["rows_in"] == entry["rows_out"] + entry["rows_rejected"]
    assert screen["command"] == "landgov screen" and far["command"] == "landgov far"
    assert set(far["outputs"]["layers"]) == {"far", "far_applications"}
    assert len(_forms(both)) == far["outputs"]["rows"]["forms"] > 0
    assert not (both / "far_manifest.json").exists()


def test_far_rerun_after_a_withdrawn_application(both: Path, sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    shutil.copytree(both, out)
    apps = tmp_path / "applications.xlsx"
    wb = load_workbook(sample / "applications.xlsx")
    withdrawn = wb.active.cell(row=2, column=1).value
    wb.active.delete_rows(2)
    wb.save(apps)
    assert withdrawn in _forms(out)
    text = _ok(*_far(sample, out, apps=apps))
    assert "已替换" in text and "保留了其中的筛查部分" in text
    assert withdrawn not in _forms(out) and _forms(out)
    manifest = verify(out)
    assert set(manifest["stages"]) == {"screen", "far"}
    assert manifest["stages"]["screen"] == verify(both)["stages"]["screen"]


def test_a_folder_landgov_did_not_write_is_refused(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "我的资料"
    out.mkdir()
    (out / "台账.xlsx").write_bytes(b"not ours")
    for args in (_screen(sample, out), _far(sample, out, "--overwrite")):
        text = assert_clean_error(run_cli(*map(str, args)), contains="不是 landgov 写出的结果")
        assert "台账.xlsx" in text
    assert [p.name for p in out.iterdir()] == ["台账.xlsx"]


def test_a_second_run_into_a_held_folder_is_refused(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    lock = tmp_path / ".out.landgov.lock"
    info = {"pid": os.getpid(), "host": socket.gethostname(), "started": "2026-06-30T09:00"}
    lock.write_text(json.dumps(info), encoding="utf-8")
    text = assert_clean_error(run_cli(*map(str, _far(sample, out))), contains="正被另一个")
    assert "--wait" in text and str(os.getpid()) in text
    assert not out.exists() and lock.exists()


def test_a_form_edited_by_hand_is_kept_unless_overwrite(
    both: Path, sample: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    shutil.copytree(both, out)
    form = next((out / FORMS_DIR).rglob("*.docx"))
    form.write_bytes(b"filled in")
    text = assert_clean_error(run_cli(*map(str, _far(sample, out))), contains="--overwrite")
    assert form.name in text and form.read_bytes() == b"filled in"
    _ok(*_far(sample, out, "--overwrite"))
    assert form.read_bytes() != b"filled in"
    verify(out)


def test_far_with_a_bad_date_is_a_clean_error(sample: Path, tmp_path: Path) -> None:
    args = [str(a) for a in _far(sample, tmp_path / "out")]
    args[args.index(AS_OF)] = "2026-13-01"
    assert_clean_error(run_cli(*args), contains="2026-13-01")
    assert not (tmp_path / "out").exists()


def test_map_refuses_a_folder_without_the_marker(both: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    shutil.copytree(both, out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    del manifest["complete"]
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    html = tmp_path / "m.html"
    assert_clean_error(run_cli("map", out, "--out", html), contains="没有完成标记")
    (out / MANIFEST).unlink()
    assert_clean_error(run_cli("map", out, "--out", html), contains="没有 manifest.json")
    assert not html.exists()


def test_map_refuses_a_tampered_file_and_names_it(both: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    shutil.copytree(both, out)
    html = tmp_path / "m.html"
    _ok("map", out, "--out", html)
    html.unlink()
    with (out / GPKG).open("ab") as fh:
        fh.write(b"\0" * 16)
    text = assert_clean_error(run_cli("map", out, "--out", html), contains=GPKG)
    assert "SHA-256 不一致" in text and not html.exists()


def test_far_with_no_candidate_writes_an_empty_packet(sample: Path, tmp_path: Path) -> None:
    # on 2021-01-01, before the opinion took effect (越政发〔2022〕24号, 2022-11-01), no plot is
    # in its scope and none is a candidate: the 增容审查 sheet has no row, which openpyxl
    # refused to colour (a TypeError, exit 3); no application, so no 初审表 and no folder
    out = tmp_path / "out"
    args = [str(a) for a in _far(sample, out)]
    del args[args.index("-a") : args.index("-a") + 2]
    args[args.index(AS_OF)] = "2021-01-01"
    said = _ok(*args)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stages"]["far"]["counts"]["candidates"] == 0
    assert "各镇街候选：无" in said and "初审表 0 份（未建文件夹）" in said
    assert not (out / FORMS_DIR).exists()
    with closing(load_workbook(out / "landgov.xlsx", read_only=True)) as wb:
        assert wb["增容审查"].max_row == 1  # the header only
