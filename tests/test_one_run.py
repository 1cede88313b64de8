"""One run of both stages (``run_screening(..., far=FarOptions())``, ``landgov screen --far``).

The promise: the folder is the one ``run_screening`` then ``run_far`` write into it — every
file, layer, sheet, GeoParquet column, 初审表 and manifest entry — with each file read once,
one 地企关联 and one pass over the height raster. Only timings and the moments files were
written (manifest ``generated_at``, workbook/document creation times, QGIS style
``update_time``) may differ.
"""

from __future__ import annotations

import json
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


@pytest.mark.slow
def test_one_run_on_the_bundled_sample(tmp_path: Path) -> None:
    inputs, options = _inputs(_SAMPLE), FarOptions()
    _two(inputs, tmp_path / "two", options)
    run = _one(inputs, tmp_path / "one", options)
    assert _differences(tmp_path / "two", tmp_path / "one") == []
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text("utf-8"))
    assert run.far is not None and run.far.manifest == manifest["stages"]["far"]
    assert all(p.is_file() and (tmp_path / "one") in p.parents for p in run.far.forms)
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


def test_one_raster_pass_gives_both_stages_their_own_figures(tmp_path: Path) -> None:
    """far's floor area and built cover (cells ≥ 2 m) and the screening's built cover (cells
    above 0 m) from one pass are the figures of the two separate functions, to the bit."""
    import geopandas as gpd
    import numpy as np
    import rasterio
    import shapely
    from affine import Affine

    from landgov.far.raster import built_cover, raster_floor_area

    x0, y0 = 500_000.0, 3_300_000.0
    heights = np.array([[0, 1.5, 1.5, 9], [12, 1.0, 0, 4.5], [3, 3, 0.5, 0]], dtype="float32")
    raster = tmp_path / "h.tif"
    with rasterio.open(
        raster, "w", driver="GTiff", height=3, width=4, count=1, dtype="float32",
        crs="EPSG:4549", transform=Affine(5.0, 0, x0, 0, -5.0, y0 + 15), nodata=-1.0,
    ) as dst:  # fmt: skip
        dst.write(heights, 1)
    zones = gpd.GeoSeries(
        [shapely.box(x0 + 1, y0 + 1, x0 + 14, y0 + 12), shapely.box(x0 + 6, y0, x0 + 20, y0 + 15)],
        crs="EPSG:4549",
    )
    settings = {"storey_height_m": 5.0, "min_height_m": 2.0}
    one = raster_floor_area(zones, raster, cover_threshold=0.0, **settings)
    far = raster_floor_area(zones, raster, **settings)
    screen = built_cover(zones, raster)
    pd.testing.assert_frame_equal(one.drop(columns="cover_above_threshold"), far, check_exact=True)
    pd.testing.assert_series_equal(
        one["cover_above_threshold"], screen, check_exact=True, check_names=False
    )
    assert (one["cover_above_threshold"] > one["built_cover"]).all()  # 0.5–1.5 m cells count


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
        (["-b", "README.md", "--township", "孙端街道"], "--buildings、--township 是增容审查的选项"),
        (["--forms", "none"], "--forms 是增容审查的选项，须与 --far 同用"),
    ],
)
def test_far_options_without_far_are_a_usage_error(extra: list[str], words: str) -> None:
    result = run_cli("screen", "-p", "README.md", "-e", "README.md", "-o", "o", *extra)
    assert_clean_error(result, code=2, contains=words)


def test_far_with_a_province_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("screen", str(tmp_path), "--far", "-o", str(tmp_path / "out"))
    assert_clean_error(result, code=2, contains="--far 不能用于省级文件夹")
