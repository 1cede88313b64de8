"""One run of both stages (``run_screening(..., far=FarOptions())``, ``landgov screen --far``).

The promise: the folder is the one ``run_screening`` then ``run_far`` write into it — every
file, layer, sheet, GeoParquet column, 初审表 and manifest entry — with each file read once,
one 地企关联 and one pass over the height raster. Only timings and the moments files were
written (manifest ``generated_at``, workbook/document creation times, QGIS style
``update_time``) may differ.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyogrio
import pytest
from _cli import assert_clean_error, run_cli

import landgov.far.raster
import landgov.link._link
import landgov.run.far
import landgov.run.screening
from landgov.core.forked import ENV
from landgov.run.far import FarOptions, run_far
from landgov.run.files import RunInputs
from landgov.run.screening import run_screening

AS_OF = "2026-06-30"
PROFILE = "yuecheng-2022"
_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
_FILES = {
    "parcels": "parcels.shp", "enterprises": "enterprises.xlsx", "links": "links.xlsx",
    "compliance": "compliance.xlsx", "planning": "planning.shp", "demolition": "demolition.shp",
    "townships": "townships.shp", "approved": "approved.shp", "buildings": "buildings.gpkg",
    "height_raster": "height.tif", "special_zones": "special_zones.shp",
    "applications": "applications.xlsx",
}  # fmt: skip


def _inputs(folder: Path) -> RunInputs:
    return RunInputs(**{role: folder / name for role, name in _FILES.items()})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated county of 150 parcels with every input layer."""
    from landgov.sample import generate

    folder = tmp_path_factory.mktemp("small")
    generate(folder, n_parcels=150, seed=3)
    return folder


def _two(inputs: RunInputs, out: Path, options: FarOptions) -> None:
    common: dict[str, Any] = {"profile": PROFILE, "out_dir": out, "as_of": AS_OF}
    run_screening(inputs, progress=False, echo=None, **common)
    run_far(inputs, forms=options.forms, township=options.township, **common)


def _one(inputs: RunInputs, out: Path, options: FarOptions) -> landgov.run.screening.ScreeningRun:
    return run_screening(
        inputs, profile=PROFILE, out_dir=out, as_of=AS_OF, progress=False, echo=None, far=options
    )


# --- comparing two run folders ------------------------------------------------------------------

_DOC_TIMES = re.compile(rb"<dcterms:(created|modified)[^<]*</dcterms:\w+>")


def _parts(path: Path) -> dict[str, bytes]:
    """A docx/xlsx by its parts, the creation and modification times left out."""
    with zipfile.ZipFile(path) as z:
        return {n: _DOC_TIMES.sub(b"", z.read(n)) for n in z.namelist()}


def _manifest(folder: Path) -> Any:
    """The manifest with what may differ left out: times, and this folder's own path."""
    text = (folder / "manifest.json").read_text("utf-8").replace(str(folder), "<out>")

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in {"generated_at", "timings_s"}}
        return [strip(v) for v in value] if isinstance(value, list) else value

    data = strip(json.loads(text))
    data["files"] = sorted(data["files"])  # the hashes of workbooks and forms hold their times
    return data


def _file_differences(a: Path, b: Path, name: str) -> list[str]:
    """GeoParquet by every value and type, a workbook by its cells, a 初审表 by its parts."""
    if name.endswith(".parquet"):
        try:
            pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b), check_exact=True)
        except AssertionError as exc:
            return [f"{name}: {exc}"]
    elif name.endswith(".xlsx"):
        wa, wb = openpyxl.load_workbook(a), openpyxl.load_workbook(b)
        if wa.sheetnames != wb.sheetnames:
            return [f"{name}: sheets {wa.sheetnames} != {wb.sheetnames}"]
        return [
            f"{name}:{sheet}: cell values differ"
            for sheet in wa.sheetnames
            if list(wa[sheet].values) != list(wb[sheet].values)
        ]
    elif name.endswith(".docx") and _parts(a) != _parts(b):
        return [f"{name}: content differs"]
    return []


def _differences(a: Path, b: Path) -> list[str]:
    found = []
    files_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    if files_a != files_b:
        return [f"files: {sorted(set(files_a) ^ set(files_b))}"]
    for layer, _ in pyogrio.list_layers(a / "landgov.gpkg"):
        x = pyogrio.read_dataframe(a / "landgov.gpkg", layer=layer).drop(
            columns="update_time", errors="ignore"
        )
        y = pyogrio.read_dataframe(b / "landgov.gpkg", layer=layer).drop(
            columns="update_time", errors="ignore"
        )
        if "geometry" in x:
            x, y = x.to_wkb(), y.to_wkb()
        try:
            pd.testing.assert_frame_equal(x, y, check_exact=True)
        except AssertionError as exc:
            found.append(f"layer {layer}: {exc}")
    for name in files_a:
        found += _file_differences(a / name, b / name, name)
    if _manifest(a) != _manifest(b):
        found.append("manifest.json differs (times and the folder's path left out)")
    return found


# --- the one run is the two runs ----------------------------------------------------------------


@pytest.fixture(scope="module")
def folders(small: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The small county by two runs and by the one run, every 初审表 written."""
    out = tmp_path_factory.mktemp("runs")
    options = FarOptions(forms="all")
    _two(_inputs(small), out / "two", options)
    _one(_inputs(small), out / "one", options)
    return out / "two", out / "one"


def test_one_run_writes_the_folder_of_screen_then_far(folders: tuple[Path, Path]) -> None:
    two, one = folders
    assert _differences(two, one) == []
    manifest = json.loads((one / "manifest.json").read_text("utf-8"))
    assert list(manifest["stages"]) == ["screen", "far"]
    assert manifest["stages"]["far"]["outputs"]["rows"]["forms"] > 20  # candidates too


def test_the_comparison_sees_one_changed_value(folders: tuple[Path, Path], tmp_path: Path) -> None:
    """The check above can fail: one value of far's GeoParquet changed is a difference."""
    two, _ = folders
    changed = tmp_path / "changed"
    shutil.copytree(two, changed)
    far = pd.read_parquet(changed / "landgov_far.parquet")
    far.loc[0, "zengrong_reason"] = "改过"
    far.to_parquet(changed / "landgov_far.parquet")
    assert "landgov_far.parquet" in [d.split(":")[0] for d in _differences(two, changed)]


@pytest.fixture(scope="module")
def sample_one(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[landgov.run.screening.ScreeningRun, Path]:
    """One run of both stages on the bundled sample (forked where it can), and its folder:
    compared with the two stages run one after the other and with a run in one process."""
    out = tmp_path_factory.mktemp("sample") / "one"
    return _one(_inputs(_SAMPLE), out, FarOptions()), out


@pytest.mark.slow
def test_one_run_on_the_bundled_sample(
    sample_one: tuple[landgov.run.screening.ScreeningRun, Path], tmp_path: Path
) -> None:
    run, one = sample_one
    _two(_inputs(_SAMPLE), tmp_path / "two", FarOptions())
    assert _differences(tmp_path / "two", one) == []
    manifest = json.loads((one / "manifest.json").read_text("utf-8"))
    assert run.far is not None and run.far.manifest == manifest["stages"]["far"]
    assert all(p.is_file() and one in p.parents for p in run.far.forms)
    assert len(run.far.forms) == manifest["stages"]["far"]["outputs"]["rows"]["forms"] > 0


def test_each_file_is_read_once_linked_once_and_the_raster_passed_once(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: dict[str, int] = {}

    def counted(name: str, module: Any, attribute: str) -> None:
        original = getattr(module, attribute)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] = calls.get(name, 0) + 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, attribute, wrapper)

    for module in (landgov.run.screening, landgov.run.far):
        counted("read_parcels", module, "read_parcels")
        counted("read_enterprises", module, "read_enterprises")
    counted("link_parcels", landgov.run.screening, "link_parcels")
    counted("link_parcels", landgov.link._link, "link_parcels")
    counted("exact_extract", landgov.far.raster, "exact_extract")
    monkeypatch.setenv(ENV, "1")  # counted in this process: the raster pass and far not forked
    _one(_inputs(small), tmp_path / "one", FarOptions(forms="none"))
    assert calls == {
        "read_parcels": 1,
        "read_enterprises": 1,
        "link_parcels": 1,
        "exact_extract": 1,
    }  # fmt: skip (two runs: 2 of each)


def test_the_applicant_is_the_main_enterprise_of_the_screening(
    folders: tuple[Path, Path],
) -> None:
    """One concept, one answer: far's ``uscc`` of a plot is the 底数清单's ``main_uscc``."""
    for folder in folders:
        parcels = pd.read_parquet(folder / "landgov_parcels.parquet")
        far = pd.read_parquet(folder / "landgov_far.parquet")
        main = parcels.set_index("parcel_id")["main_uscc"]
        applicant = far.set_index("parcel_id")["uscc"].reindex(main.index)
        assert main.notna().sum() > 100  # most plots have one
        assert ((main == applicant) | (main.isna() & applicant.isna())).all()


# --- one pass over the height raster ------------------------------------------------------------


def test_one_raster_pass_gives_both_stages_one_built_cover(tmp_path: Path) -> None:
    """The one pass gives far's floor area and the built cover both stages use (cells of at
    least far.raster_min_height_m, 2 m): the figure the screening alone measures, to the bit.
    The screening used to count every cell above 0 m under the same label."""
    import geopandas as gpd
    import numpy as np
    import rasterio
    import shapely
    from affine import Affine

    from landgov.far.ratio import profile_built_cover, profile_raster_floor_area
    from landgov.policy import load_profile

    x0, y0 = 500_000.0, 3_300_000.0
    heights = np.array([[0, 1.5, 1.5, 9], [12, 1.0, 0, 4.5], [3, 3, 0.5, 0]], dtype="float32")
    raster = tmp_path / "h.tif"
    with rasterio.open(
        raster, "w", driver="GTiff", height=3, width=4, count=1, dtype="float32",
        crs="EPSG:4549", transform=Affine(5.0, 0, x0, 0, -5.0, y0 + 15), nodata=-1.0,
    ) as dst:  # fmt: skip
        dst.write(heights, 1)
    zones = gpd.GeoSeries(
        [shapely.box(x0, y0, x0 + 20, y0 + 15), shapely.box(x0 + 5, y0 + 10, x0 + 15, y0 + 15)],
        crs="EPSG:4549",
    )
    prof = load_profile("yuecheng-2022")
    assert prof.value("far.raster_min_height_m") == 2.0
    one = profile_raster_floor_area(zones, raster, profile=prof)
    screen = profile_built_cover(zones, raster, profile=prof)
    pd.testing.assert_series_equal(one["built_cover"], screen, check_exact=True)
    # 12 cells of 25 m²: 9, 12, 4.5, 3, 3 m are buildings (5 of 12); the second plot holds
    # 1.5 m and 1.0 m cells only: nothing built (the screening said 100 %)
    assert screen.tolist() == pytest.approx([5 / 12, 0.0])


# --- the command line ---------------------------------------------------------------------------


def _screen_far(sample: Path, out: Path, *extra: str) -> list[str]:
    args = ["screen", "--far", "-q", "-o", str(out), *extra]
    flags = {"townships": "-t", "approved": "--approved", "height_raster": "-r"}
    flags |= {"buildings": "-b", "special_zones": "-z", "applications": "-a"}
    for role, name in _FILES.items():
        args += [flags.get(role, f"--{role}"), str(sample / name)]
    return args


def test_screen_far_on_the_command_line_takes_landgov_toml(small: Path, tmp_path: Path) -> None:
    (tmp_path / "landgov.toml").write_text(
        f'county = "绍兴市越城区"\nprofile = "{PROFILE}"\nas_of = {AS_OF}\n', encoding="utf-8"
    )
    result = run_cli(*_screen_far(small, tmp_path / "结果", "--forms", "all"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "底数清单" in result.stdout and "初审表" in result.stdout
    assert result.stderr.startswith(f"使用配置：{tmp_path / 'landgov.toml'}")
    manifest = json.loads((tmp_path / "结果" / "manifest.json").read_text("utf-8"))
    for stage in ("screen", "far"):
        section = manifest["stages"][stage]
        assert section["as_of"] == AS_OF and section["profile"]["name"] == PROFILE
    assert manifest["stages"]["far"]["outputs"]["rows"]["forms"] > 20  # --forms all


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["-z", "README.md", "--township", "孙端"], "--special-zones、--township 是增容审查的选项"),
        (["--forms", "none"], "--forms 是增容审查的选项，须与 --far 同用"),
    ],
)
def test_far_options_without_far_are_a_usage_error(extra: list[str], words: str) -> None:
    result = run_cli("screen", "-p", "README.md", "-e", "README.md", "-o", "o", *extra)
    assert_clean_error(result, code=2, contains=words)


def test_far_with_a_province_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("screen", str(tmp_path), "--far", "-o", str(tmp_path / "out"))
    assert_clean_error(result, code=2, contains="--far 不能用于省级文件夹")


# --- two processes: the same folder as one, failures as in one --------------------------------


def _in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "1")  # landgov.core.forked: everything in this process


def test_forked_and_in_process_runs_write_the_same_folder(
    small: Path,
    folders: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The run of ``folders`` forked the raster pass and far (two CPUs here); in one process
    (``LANDGOV_PROCESSES=1``) it writes the same folder, and the run's result is the same."""
    from landgov.core.forked import can_fork

    assert can_fork(), "this test compares against a forked run: it needs two CPUs"
    _in_process(monkeypatch)
    run = _one(_inputs(small), tmp_path / "one", FarOptions(forms="all"))
    assert _differences(folders[1], tmp_path / "one") == []
    assert run.far is not None
    assert run.far.forms and all((tmp_path / "one") in p.parents for p in run.far.forms)
    assert "verdicts" in run.far.screened.columns  # came back whole from the child


def test_far_plots_of_a_forked_run_are_unpickled_only_when_read(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run writes its folder and manifest without unpickling far's plot frame (500,000
    verdicts on a district); read, it is the frame a run in one process returns."""
    from landgov.core.forked import Deferred, can_fork

    assert can_fork(), "this test needs a forked run: two CPUs"
    forked = _one(_inputs(small), tmp_path / "forked", FarOptions())
    assert forked.far is not None
    assert isinstance(forked.far.__dict__["screened"], Deferred)  # the run did not read it
    manifest = json.loads((tmp_path / "forked" / "manifest.json").read_text("utf-8"))
    counts = manifest["stages"]["far"]["counts"]
    _in_process(monkeypatch)
    alone = _one(_inputs(small), tmp_path / "alone", FarOptions())
    assert alone.far is not None
    got, want = forked.far.screened, alone.far.screened
    assert counts["parcels"] == len(want) and sum(counts["screening"].values()) == len(want)
    pd.testing.assert_frame_equal(got.drop(columns="verdicts"), want.drop(columns="verdicts"))
    assert [[v.explain() for v in vs] for vs in got["verdicts"]] == [
        [v.explain() for v in vs] for vs in want["verdicts"]
    ]


@pytest.mark.slow
def test_forked_and_in_process_runs_of_the_bundled_sample_are_the_same(
    sample_one: tuple[landgov.run.screening.ScreeningRun, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forked, folder = sample_one
    _in_process(monkeypatch)
    alone = _one(_inputs(_SAMPLE), tmp_path / "alone", FarOptions())
    assert _differences(folder, tmp_path / "alone") == []
    assert forked.far is not None and alone.far is not None
    pd.testing.assert_frame_equal(
        forked.far.screened.drop(columns="verdicts"), alone.far.screened.drop(columns="verdicts")
    )


def _no_run_left(out: Path) -> None:
    """The failed run left nothing: no folder, no temporary folder, no lock, no child."""
    import multiprocessing

    assert not out.exists()
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")] == []
    assert multiprocessing.active_children() == []


def test_a_far_input_failing_in_the_child_is_the_error_of_one_process(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 增容-only input (the condition overrides workbook) is read by far, in the child: its
    Chinese error reaches the caller as it does in one process, and no folder is left."""
    from landgov.core.forked import can_fork
    from landgov.errors import LandgovError

    bad = tmp_path / "增容认定.xlsx"
    bad.write_text("不是工作簿", encoding="utf-8")
    out = tmp_path / "runs" / "out"
    out.parent.mkdir()
    errors = []
    for forked in (True, False):
        if not forked:
            _in_process(monkeypatch)
        assert can_fork() is forked
        with pytest.raises(LandgovError) as caught:
            _one(_inputs(small), out, FarOptions(forms="none", overrides=bad))
        where = [getattr(e, "child_traceback", "") for e in (caught.value, caught.value.__cause__)]
        assert any("in _payload" in text for text in where) is forked  # raised in the child
        errors.append((type(caught.value), str(caught.value)))
        _no_run_left(out)
    assert errors[0] == errors[1]
    assert "增容认定.xlsx" in errors[0][1]


def test_the_far_input_error_on_the_command_line(small: Path, tmp_path: Path) -> None:
    bad = tmp_path / "增容认定.xlsx"
    bad.write_text("不是工作簿", encoding="utf-8")
    out = tmp_path / "结果"
    args = _screen_far(small, out, "--forms", "none", "--far-overrides", str(bad))
    text = assert_clean_error(run_cli(*args, cwd=tmp_path), contains="增容认定.xlsx")
    assert text.count("错误：") == 1
    assert not out.exists()


def test_a_screening_failure_stops_the_far_child(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screening fails while far runs in its child: the child is stopped at once (not
    waited for), the error is the screening's and no folder is left."""
    import time

    from landgov.core.forked import can_fork
    from landgov.errors import DataFileError

    if not can_fork():
        pytest.skip("far runs in a child only with two CPUs")

    def slow_far(given: Any) -> Any:
        time.sleep(120)  # in the child: far still running when the screening fails
        raise AssertionError("not stopped")

    def failing_screen(*_args: Any, **_kwargs: Any) -> Any:
        raise DataFileError("筛查失败（测试）")

    monkeypatch.setattr(landgov.run.far, "check_parcels", slow_far)
    monkeypatch.setattr(landgov.run.screening, "screen", failing_screen)
    out = tmp_path / "runs" / "out"
    out.parent.mkdir()
    started = time.perf_counter()
    with pytest.raises(DataFileError, match="筛查失败（测试）"):
        _one(_inputs(small), out, FarOptions(forms="none"))
    assert time.perf_counter() - started < 60
    _no_run_left(out)


def test_the_raster_pass_shared_with_a_child_writes_the_same_folder(
    small: Path, folders: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The small county's raster pass cut in many runs, measured by the child from the first
    and by the run from the last once it has linked and graded: the folder is the one of a
    single exactextract call (``folders``: too little work to cut)."""
    from landgov.core.forked import can_fork

    if not can_fork():
        pytest.skip("the raster pass is shared with a child only with two CPUs")
    raster = landgov.far.raster
    monkeypatch.setattr(raster, "_SPLIT_MIN_CELLS", 0.0)
    monkeypatch.setattr(raster, "_RUN_CELLS", 2_000.0)
    log = tmp_path / "runs.txt"
    measure_run = raster._measure_run

    def logged(runs: Any, layers: Any, extent: Any, ops: Any, item: int) -> Any:
        with log.open("a") as f:  # appended by both processes
            f.write(f"{os.getpid()} {item} {len(runs)}\n")
        return measure_run(runs, layers, extent, ops, item)

    monkeypatch.setattr(raster, "_measure_run", logged)
    _one(_inputs(small), tmp_path / "shared", FarOptions(forms="all"))
    rows = [line.split() for line in log.read_text().splitlines()]
    assert len({pid for pid, _, _ in rows}) == 2  # the child and this process measured
    assert {int(item) for _, item, _ in rows} == set(range(int(rows[0][2])))
    assert _differences(folders[1], tmp_path / "shared") == []


def test_a_height_raster_that_cannot_be_read_is_the_error_of_one_process(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The raster, read in a thread beside 地企关联, is not a GeoTIFF: the Chinese error is the
    one of a run in one process, and no folder is left."""

    from landgov.core.forked import can_fork
    from landgov.errors import LandgovError

    folder = tmp_path / "data"
    shutil.copytree(small, folder)
    (folder / "height.tif").write_text("不是栅格", encoding="utf-8")
    out = tmp_path / "runs" / "out"
    out.parent.mkdir()
    errors = []
    for forked in (can_fork(), False):
        if not forked:
            _in_process(monkeypatch)
        with pytest.raises(LandgovError) as caught:
            _one(_inputs(folder), out, FarOptions(forms="none"))
        errors.append((type(caught.value), str(caught.value)))
        _no_run_left(out)
    assert errors[0] == errors[1]
    assert "height.tif" in errors[0][1] and "栅格" in errors[0][1]


def test_screening_and_far_judge_one_far_per_plot(folders: tuple[Path, Path]) -> None:
    # 用而未尽 and the 增容 stage's below_floor read one 容积率 (run.far.plot_far): with
    # buildings, storeys over the height limit count twice in both, never in one only
    for folder in folders:
        plots = pd.read_parquet(folder / "landgov_parcels.parquet")
        far = pd.read_parquet(folder / "landgov_far.parquet")
        both = plots.merge(far, on="parcel_id", suffixes=("", "_far"))
        assert len(both) == len(plots) == len(far)
        pd.testing.assert_series_equal(
            both["far_minimum"], both["far_minimum_far"], check_names=False
        )
        under = both["flags"].astype(str).str.contains("用而未尽")
        # not yet built (容积率 0, no 竣工日期): below the floor as a figure, never 用而未尽
        # (供而未用 is the idle check's) [浙政发〔2023〕4号 第二条第（一）项第1目]
        unbuilt = both["far_minimum"].eq(0) & both["completion_date"].isna()
        assert unbuilt.sum() > 0 and not under[unbuilt].any()
        known = both["below_floor"].notna() & ~unbuilt
        assert known.sum() > 50
        assert (under[known] == both.loc[known, "below_floor"].astype(bool)).all()
        assert both.loc[under, "far_source"].notna().all()


# --- a run that keeps no 增容 plot frame (landgov screen --far) ---------------------------------


@pytest.mark.parametrize("processes", [None, "1"], ids=["forked", "in-process"])
@pytest.mark.parametrize("copy", ["sqlite", "gdal"])
def test_a_run_keeping_no_far_plots_writes_the_same_folder(
    processes: str | None,
    copy: str,
    small: Path,
    folders: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``FarOptions(keep_plots=False)`` (what the command line runs): the folder is that of a
    run keeping them, also when far's layers cannot be copied at the SQLite level and go
    through GDAL from the child's own GeoPackage (no plot frame to write them from); reading
    the plots raises, naming where they are."""
    from landgov.core.forked import NotKeptError
    from landgov.reports._gpkgcopy import CopyUnsupportedError

    if processes:
        monkeypatch.setenv(ENV, processes)
    if copy == "gdal":

        def unsupported(*_args: Any, **_kwargs: Any) -> None:
            raise CopyUnsupportedError("test")

        monkeypatch.setattr(landgov.run.far, "copy_layers", unsupported)
    run = _one(_inputs(small), tmp_path / "one", FarOptions(forms="all", keep_plots=False))
    assert _differences(folders[1], tmp_path / "one") == []
    assert run.far is not None and run.far.manifest["counts"]["parcels"] > 100
    assert "FarRun(" in repr(run.far)  # shown without reading the plots
    with pytest.raises(NotKeptError, match=re.escape("landgov_far.parquet")):
        _ = run.far.screened
    assert not list((tmp_path / "one").rglob("*.gpkg-journal"))


def test_township_folders_keep_the_far_plots_they_are_written_from(
    small: Path, tmp_path: Path
) -> None:
    run = run_screening(
        _inputs(small), profile=PROFILE, out_dir=tmp_path / "one", as_of=AS_OF, progress=False,
        echo=None, by_township=True, far=FarOptions(forms="none", keep_plots=False),
    )  # fmt: skip
    assert run.far is not None and len(run.far.screened) == run.far.manifest["counts"]["parcels"]
