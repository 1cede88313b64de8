"""One end-to-end screening run: read → link → grade → screen → write, with a manifest.

:func:`run_screening` writes ``DIR/landgov.gpkg`` (layers ``parcels`` = 底数清单, ``governance``
= 治理清单, ``blocks``, ``townships`` when boundaries are given, ``approved`` = 批而未供 when
that layer is given, and the attribute table ``enterprises``), ``DIR/landgov.xlsx`` (sheets
底数清单, 治理清单, 连片地块, 企业评价, 镇街汇总, 问题记录, 批而未供) and
``DIR/manifest.json`` (section ``screen``: inputs with SHA-256, profile, version, row counts in /
out / rejected, timings per stage). The folder is written atomically through
:mod:`landgov.core.runfolder`. Field names are documented in ``docs/schema.md``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov import __version__
from landgov.core.counts import ENTERPRISE, PLOT, grade_counts, path_counts, screening_counts
from landgov.core.dates import companion_columns, parse_as_of
from landgov.core.problems import PROBLEM_COLUMNS, ReadResult, in_input_files
from landgov.core.records import COMPLIANCE_SOURCE
from landgov.core.runfolder import (
    GPKG,
    XLSX,
    RunFolder,
    StageTimer,
    describe_input,
    now_text,
    open_run,
)
from landgov.core.vocab import DISTRICT
from landgov.efficiency import (
    OUT_OF_SCOPE,
    grade_enterprises,
    indicators,
    parcel_grades,
    parcel_out_of_scope,
)
from landgov.far.ratio import BUILDINGS_COVER, RECORDED_FLOOR, RECORDS_FLOOR, ZERO_SET_ASIDE
from landgov.io import (
    read_approved,
    read_buildings,
    read_compliance,
    read_demolition,
    read_enterprises,
    read_links,
    read_parcels,
    read_planning,
    read_townships,
)
from landgov.link import link_parcels, links_from_holders
from landgov.policy import Profile, load_profile
from landgov.reports.excel import write_workbook
from landgov.reports.handout import screening_sheets
from landgov.reports.labels import LABELS
from landgov.reports.printlist import PRINT_FORMATS, page_note, print_title
from landgov.reports.sendout import sendable_problems
from landgov.run.files import (
    RunInputs,
    plausible_reads,
    read_files,
    storable,
    write_layer,
    write_parquet,
)
from landgov.run.verify import answers_into_reads, verified_entry
from landgov.screening import screen
from landgov.screening.approved import (
    APPROVED_SUMMARY,
    NOT_GIVEN,
    ApprovedReport,
    add_to_summary,
    report_approved,
)

if TYPE_CHECKING:
    from landgov.core.forked import Pending
    from landgov.far.raster import RasterPass
    from landgov.far.ratio import BuildingsOnPlots
    from landgov.run.far import FarOptions, FarPart, FarRun, PlotFar, Shared

__all__ = ["PARQUET_BLOCKS", "PARQUET_PARCELS", "ScreeningRun", "run_screening"]

#: The lossless full outputs (GeoParquet: types kept, no GeoPackage field limits).
PARQUET_PARCELS = "landgov_parcels.parquet"
PARQUET_BLOCKS = "landgov_blocks.parquet"
#: A province county's 镇街 boundaries and totals (with the 全区 row), written in place of the
#: GeoPackage's ``townships``/``township_summary`` layers (read by the province map).
PARQUET_TOWNSHIPS = "landgov_townships.parquet"
#: Key of ``timings_s``: the seconds of 写出结果 spent writing the workbook.
XLSX_TIMING = "其中：写出 Excel"

PARCEL_COLUMNS = [
    "parcel_id", "township", "township_note", "holder", "land_use", "right_type", "area_m2",
    "area_mu", "area_declared_m2", "floor_area_m2", "far_declared", "far_minimum", "far_source",
    "supply_date", "contract_start_date",
    "start_date", "completion_date", "enterprise_names", "usccs", "n_enterprises", "main_uscc",
    "tax_wan", "value_added_wan", "tax_per_mu", "value_added_per_mu", "grade",
    "grade_out_of_scope", "low_efficiency", "outside_focus", "two_high_review", "idle_years",
    "flags",
    "screening_status", "path", "path_rule", "path_status", "screening_status_computed",
    "path_computed", "override_status", "override", "override_by", "reasons", "citations",
    "missing", "to_verify", "block_id", "block_large", "block_area_mu", "built_cover", "source_row",
]  # fmt: skip
ENTERPRISE_COLUMNS = [
    "uscc", "uscc_status", "name", "scale", "above_scale", "industry_code", "industry_name",
    "township", "land_mu", "land_mu_declared", "n_parcels", "tax_wan", "value_added_wan",
    "tax_per_mu", "value_added_per_mu", "value_added_per_energy", "value_added_per_emission",
    "labour_productivity", "rd_ratio", "tax_per_power", "score", "score_items", "evaluated",
    "evaluation_note", "grade_computed", "grade_given", "grade", "grade_label", "grade_source",
    "grade_out_of_scope", "catalogue_class", "source_row",
]  # fmt: skip


@dataclass
class ScreeningRun:
    """Everything a run produced (also written to disk)."""

    parcels: gpd.GeoDataFrame
    governance: gpd.GeoDataFrame
    blocks: gpd.GeoDataFrame
    enterprises: pd.DataFrame
    townships: pd.DataFrame
    problems: pd.DataFrame
    manifest: dict[str, Any]
    out_dir: Path
    checks: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    approved: gpd.GeoDataFrame | None = None  # 批而未供, None when the layer was not given
    #: The 增容 part of a run of both stages (``run_screening(..., far=...)``), else None.
    far: FarRun | None = None


def _ordered(frame: pd.DataFrame, preferred: list[str]) -> pd.DataFrame:
    first = [c for c in preferred if c in frame.columns]
    unread = set(companion_columns(frame.columns))  # read by the checks; the reasons name them
    rest = [c for c in frame.columns if c not in first and c != "geometry" and c not in unread]
    geom = ["geometry"] if "geometry" in frame.columns else []
    return frame[first + rest + geom]


def _rejected_rows(results: dict[str, ReadResult]) -> pd.DataFrame:
    """One 「该行已剔除」 row per rejected input row, except where the reader's own problem row
    on that row says the reason already (合计 rows, 填表说明 rows): one row, not two."""
    frames = []
    for role, res in results.items():
        if len(res.rejected):
            rej = pd.DataFrame(res.rejected).drop(columns=["geometry"], errors="ignore")
            if len(res.problems) and "source_row" in rej:
                said: dict[object, list[str]] = {}
                rows, texts = res.problems["row"].tolist(), res.problems["problem"].tolist()
                for row, text in zip(rows, texts, strict=True):
                    said.setdefault(row, []).append(str(text))
                why_rows = rej["reject_reason"].astype(str).tolist()
                keys = zip(rej["source_row"].tolist(), why_rows, strict=True)
                # the reader said it on that row already (「该行未采用：<reason>」, 合计行…)
                rej = rej[[not any(why in t for t in said.get(r, ())) for r, why in keys]]
            if not len(rej):
                continue
            name = res.meta.get("path") or res.meta.get("source") or role  # a table: source
            frames.append(
                pd.DataFrame(
                    {
                        "source": Path(str(name)).name,
                        "row": rej.get("source_row"),
                        "field": None,
                        "value": rej.get("parcel_id", rej.get("uscc")),
                        "problem": "该行已剔除：" + rej["reject_reason"].astype(str),
                        "action": "修正源数据后重新运行",
                        "severity": "错误",
                    }
                )
            )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PROBLEM_COLUMNS)


def _in_file(problems: pd.DataFrame, reads: Mapping[str, ReadResult]) -> pd.DataFrame:
    """``problems`` with the rows about compliance records (``unmatched_records``, said with
    the rows of that file) naming the file as read, not the kind of table."""
    if "compliance" not in reads or not len(problems):
        return problems
    meta = reads["compliance"].meta  # a table's reader names its file ``source``
    name = Path(meta.get("path") or meta.get("source") or COMPLIANCE_SOURCE).name
    return problems.assign(source=problems["source"].replace(COMPLIANCE_SOURCE, name))


def _input_files(inputs: RunInputs) -> dict[str, Path]:
    """The file each input role's row numbers count in: without a link table the links are
    made from the parcels' holders (:func:`links_from_holders`), rows of the parcel layer."""
    return {"links": inputs.parcels, **inputs.files()}


def _all_problems(
    frames: list[pd.DataFrame], files: Mapping[str, Path] | None = None
) -> pd.DataFrame:
    """One problems table; a step's rows name the input file their row counts in (``files``,
    see :func:`landgov.core.problems.in_input_files`)."""
    frames = [
        in_input_files(f, files or {})[PROBLEM_COLUMNS] for f in frames if f is not None and len(f)
    ]
    if not frames:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class _Facts:
    """What the manifest needs besides the outputs: the reads, the links, the timings."""

    reads: dict[str, ReadResult]
    linked: Any
    timings_s: dict[str, float]
    #: Manifest entries of the 核实 folder and the overrides workbook (None when not given).
    given: dict[str, Any] = field(default_factory=dict)
    #: Whether the inputs are the simulated sample (titles then say 模拟数据).
    simulated: bool = False


#: Input roles the screening reads (the other files of :class:`RunInputs` belong to ``far``).
SCREEN_ROLES = (
    "parcels", "enterprises", "links", "compliance", "planning", "demolition", "townships",
    "height_raster", "approved",
)  # fmt: skip


def run_screening(
    inputs: RunInputs,
    *,
    profile: str | Path | Profile,
    out_dir: str | Path,
    as_of: dt.date | str | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
    progress: bool = True,
    overwrite: bool = False,
    wait: bool = False,
    echo: Callable[[str], object] | None = None,
    verified: str | Path | None = None,
    overrides: str | Path | None = None,
    by_township: bool = False,
    gpkg: bool = True,
    far: FarOptions | None = None,
) -> ScreeningRun:
    """Run the whole screening on one set of files and write the outputs.

    With ``far`` the 增容 run follows in the same run (``landgov screen --far``): each file is
    read once, parcels and enterprises are linked once and the height raster is measured once
    for both stages, and the folder written is the one ``run_screening`` then ``run_far``
    write (same manifest sections, layers, sheets and 初审表).

    Parameters
    ----------
    inputs
        The files (see :class:`RunInputs`).
    profile
        A shipped profile name (``landgov profiles``), a profile file/folder, or a
        :class:`~landgov.policy.Profile`.
    out_dir
        Output folder. It is replaced as a whole when the run completes (an earlier run there,
        including its 增容 part, is gone); a folder that landgov did not write is refused (see
        :func:`landgov.core.runfolder.open_run`).
    as_of
        Reference date for idle land and recent violations (default: today).
    aliases
        Extra column names per canonical field for every reader, e.g.
        ``{"parcel_id": ["地块号"], "tax_wan": ["入库税收"]}``.
    progress
        Show a progress bar per stage.
    overwrite
        Replace an earlier run even when files in it were changed or added by hand.
    wait
        Wait for another run into the same folder to end instead of refusing.
    echo
        Where messages about the folder go (replaced results, a taken-over lock); ``None``:
        nowhere.
    verified
        A folder of answered 核实 workbooks (``landgov verify``): each usable answer enters the
        enterprise table with its source in the reasons, the others are problem rows
        (:mod:`landgov.run.verify`).
    overrides
        An overrides workbook (人工认定, ``landgov override``): complete overrides decide the
        plot's 筛查结论 / 治理路径, the computed ones kept beside them; overrides whose facts
        changed are flagged 待复核 and not applied (:mod:`landgov.run.overrides`).
    by_township
        Also write one folder per 镇街 with its lists and map
        (:mod:`landgov.reports.townships`).
    gpkg
        Write ``landgov.gpkg``; ``False`` (a county of a province run, whose layers go to the
        province GeoPackage) leaves it out: the workbook and the GeoParquet files are written.
    far
        Also run the 增容 stage (:func:`landgov.run.far.run_far`) with these options of its own;
        ``verified``, ``by_township``, ``aliases`` and the folder options apply to both stages
        (``overrides`` is the screening's: the 增容 one is ``far.overrides``). Its result is
        :attr:`ScreeningRun.far`. ``None`` (default): the screening only.

    Notes
    -----
    With ``far`` the run uses two processes (:mod:`landgov.core.forked`; one where a child
    cannot be forked, or with ``LANDGOV_PROCESSES=1``; the folder is the same): the pass over
    the height raster runs in a child beside 地企关联 and 亩均评价, and the 增容 stage in a child
    from the moment it has the files read, the link and the raster, beside the screening's
    筛查与路径 and 写出结果. The child writes the 增容 stage's own files into a part folder (its
    GeoPackage layers into a GeoPackage of their own) and prints nothing; after the screening
    this process moves them in, copies far's layers into the GeoPackage at the SQLite level
    (one writer at a time; written from the frames when the copy is not possible) and merges
    far's sheets into the workbook, then echoes far's stage times. Each stage time in the
    manifest (``timings_s``) is the wall time of the process that ran it: the screening's
    亩均评价 includes waiting for the raster, far's stages overlap the screening's (their sum
    exceeds the run's wall time) and far's 写出 adds the part written after the screening. A
    failure in either process is raised here as it would be in one (the other process is
    stopped) and the folder is left as it was.
    """
    as_of_date = parse_as_of(as_of or None)
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    files = {r: p for r, p in inputs.files().items() if r in SCREEN_ROLES}
    with (
        open_run(
            out_dir, stage="screen", inputs=files if far is None else inputs.files(),
            overwrite=overwrite, wait=wait, echo=echo,
        ) as folder,
        contextlib.ExitStack() as children,  # stopped first when the run fails
    ):  # fmt: skip
        started: list[Pending[FarPart]] = []

        def start_far_stage(shared: Shared) -> None:
            from landgov.run.far import start_far

            assert far is not None
            # the township folders are written here from the plot frame: it is kept for them
            options = dataclasses.replace(far, keep_plots=True) if by_township else far
            pending = start_far(
                inputs, folder.part("far"), prof=prof, day=as_of_date, options=options,
                aliases=aliases, verified=verified, shared=shared,
            )  # fmt: skip
            started.append(children.enter_context(pending))

        with fewer_collections():
            run, facts = _screen(
                inputs, folder.path, prof=prof, as_of=as_of_date, aliases=aliases,
                progress=progress, verified=verified, overrides=overrides, gpkg=gpkg,
                for_far=far is not None, children=children,
                start_far=None if far is None else start_far_stage,
            )  # fmt: skip
        run.out_dir = folder.target
        if by_township:
            from landgov.reports.townships import write_screening_townships

            write_screening_townships(
                run, folder.path, profile=prof, as_of=as_of_date, simulated=facts.simulated
            )
        folder.finish(_manifest(files, run, facts, prof=prof, as_of=as_of_date))
        if far is not None:
            run.far = _far_stage(
                inputs, folder, prof=prof, as_of=as_of_date, options=far, aliases=aliases,
                verified=verified, by_township=by_township, echo=echo if progress else None,
                computed=started[0],
            )  # fmt: skip
    run.manifest = folder.manifest["stages"]["screen"] if folder.manifest else {}
    if run.far is not None:
        from landgov.run.far import sealed

        run.far = sealed(run.far, folder)
    return run


def _far_stage(
    inputs: RunInputs,
    folder: RunFolder,
    *,
    prof: Profile,
    as_of: dt.date,
    options: FarOptions,
    aliases: Mapping[str, Iterable[str]] | None,
    verified: str | Path | None,
    by_township: bool,
    echo: Callable[[str], object] | None,
    computed: Pending[FarPart],
) -> FarRun:
    """The 增容 stage of a run of both stages, in the same folder: its work, started beside the
    screening as soon as what it needs was read, linked and measured (:func:`_screen`), is
    collected and its part of the shared files written."""
    from landgov.run.far import far_stage

    folder.next_stage("far")
    if echo is not None:
        echo("增容审查：")
    with fewer_collections():
        return far_stage(
            inputs, folder, prof=prof, day=as_of, options=options, aliases=aliases,
            verified=verified, by_township=by_township, echo=echo, computed=computed,
        )  # fmt: skip


@contextlib.contextmanager
def fewer_collections(threshold: int = 50_000) -> Iterator[None]:
    """Run the block with fewer passes of Python's cyclic garbage collector.

    A run builds millions of small objects that live until its end (verdicts, rows, texts);
    with the default threshold the collector scans them again and again, about a fifth of the
    compute time of a 50,000-parcel district. Inside the block the objects that exist already
    are set aside (``gc.freeze``) and a collection starts after ``threshold`` new objects
    instead of 700. Results do not change: reference counting still frees every object that
    is not in a cycle at once, and cycles are still collected, only less often.
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold, old[0]), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def _screen(
    inputs: RunInputs,
    out: Path,
    *,
    prof: Profile,
    as_of: dt.date,
    aliases: Mapping[str, Iterable[str]] | None,
    progress: bool,
    verified: str | Path | None = None,
    overrides: str | Path | None = None,
    gpkg: bool = True,
    for_far: bool = False,
    children: contextlib.ExitStack | None = None,
    start_far: Callable[[Shared], None] | None = None,
) -> tuple[ScreeningRun, _Facts]:
    """Read, link, grade, screen and write into ``out``; the manifest is left to the caller.

    ``for_far``: the 增容 stage follows in the same run; the files only it reads are read
    here too and the height raster is measured once for both (far's floor area and this
    stage's built-up cover from one pass), in a child process entered into ``children`` (which
    the caller leaves before the folder: a failed run stops it). ``start_far`` is called with
    what the 增容 stage needs of this one (:class:`landgov.run.far.Shared`) as soon as it is
    there, so that it can run beside the rest of the screening.
    """
    from landgov.run.far import plot_far  # lazily, as the rest of run.far here

    stages = StageTimer(
        ["读取数据", "地企关联", "亩均评价", "筛查与路径", "写出结果"], progress=progress
    )
    with stages.stage("读取数据"):
        reads, read = _read_files(inputs, aliases, for_far=for_far)
        reads = plausible_reads(reads, inputs, prof, as_of)
        answers = None if verified is None else answers_into_reads(reads, verified, prof, as_of)
    parcels, enterprises = reads["parcels"].data, reads["enterprises"].data
    simulated = _simulated(reads)
    on_plots, raster_read = _start_measures(parcels, reads, inputs, prof, children, for_far=for_far)
    with stages.stage("地企关联"):
        links = (
            reads["links"].data if "links" in reads else links_from_holders(parcels, enterprises)
        )
        linked = link_parcels(parcels, enterprises, links, profile=prof)
        raster_job = None if raster_read is None else _measure_raster(raster_read, children)
        # the 容积率 of every plot, one for both stages (run.far.plot_far); with the raster
        # measured in a child, once it is there
        measured = (
            None
            if raster_job is not None
            else plot_far(parcels, reads, inputs=inputs, profile=prof, on_plots=on_plots())
        )
    if start_far is not None and measured is not None:
        _start_far(start_far, read, linked, None, measured)
    with stages.stage("亩均评价"):
        graded = grade_enterprises(linked.enterprises, profile=prof)
        ind = indicators(linked.parcels, profile=prof)
        lp = ind.data  # a copy of the linked parcels with the indicator columns added
        # with the grade, why a plot has none when its main enterprise is outside the
        # evaluation scope: the 四个一批 「评价为D类」 is then false, not 待核实 (screening.paths)
        lp["grade"], lp[OUT_OF_SCOPE] = (
            parcel_grades(lp, graded.data),
            parcel_out_of_scope(lp, graded.data),
        )
        raster = None if raster_job is None else raster_job()
        measured = (  # with the raster: measured just now
            plot_far(
                parcels, reads, inputs=inputs, profile=prof, raster=raster, on_plots=on_plots()
            )
            if measured is None
            else measured
        )
        reads = measured.reads(reads)  # the buildings that reached no plot, said
        _with_far(lp, measured, raster=inputs.height_raster is not None)
    if start_far is not None and raster_job is not None:  # raster_job: measured just now
        _start_far(start_far, read, linked, raster, measured)
    with stages.stage("筛查与路径"):
        result = screen(
            lp,
            enterprises=graded.data,
            pairs=linked.pairs,
            compliance=reads["compliance"].data if "compliance" in reads else None,
            planning=reads["planning"].data if "planning" in reads else None,
            demolition=reads["demolition"].data if "demolition" in reads else None,
            profile=prof,
            as_of=as_of,
        )
        approved = _approved(reads, prof, as_of)
        townships = _township_summary(
            result, graded.data, linked.pairs, prof, reads.get("townships"), approved=approved
        )
    problems = _all_problems(
        [
            *(r.problems for r in reads.values()),
            _rejected_rows(reads),
            linked.problems,
            graded.problems,
            ind.problems,
            _in_file(result.problems, reads),
            None if approved is None else approved.problems,
            None if answers is None else answers.problems,
        ],
        _input_files(inputs),
    )
    render = _collect_renderer(graded.data, answers=answers, pairs=linked.pairs)
    result = replace(result, parcels=render(result.parcels), governance=render(result.governance))
    given: dict[str, Any] = {
        "verified": (
            None if answers is None or verified is None else verified_entry(verified, answers)
        ),
        "overrides": None,
    }
    if overrides is not None:
        planning = reads["planning"].data if "planning" in reads else None
        result, decided, given["overrides"] = _overridden(
            result, overrides, profile=prof, planning=planning, render=render, as_of=as_of
        )
        problems = _all_problems([problems, decided])
        if given["overrides"]["applied"]:  # the 镇街汇总 counts the decided verdicts
            from landgov.summary import beside_computed

            decided_towns = _township_summary(
                result, graded.data, linked.pairs, prof, reads.get("townships"),
                approved=approved,
            )  # fmt: skip
            townships = beside_computed(decided_towns, townships)
    sendout = sendable_problems(
        problems,
        parcels=result.parcels,
        enterprises=graded.data,
        pairs=linked.pairs,
        files={role: Path(r.meta.get("path", role)).name for role, r in reads.items()},
    )
    with stages.stage("写出结果"):
        run = _write_outputs(
            result, graded.data, townships, problems, out=out, prof=prof, approved=approved,
            sendout=sendout, layers=gpkg,
            title=print_title(prof.region, as_of, simulated=simulated),
            note=page_note(as_of, prof),
        )  # fmt: skip
    stages.close()
    run.checks = result.checks
    timings = {**stages.timings, XLSX_TIMING: run.manifest.pop("xlsx_s")}
    return run, _Facts(reads, linked, timings, given, simulated)


def _start_measures(
    parcels: gpd.GeoDataFrame,
    reads: Mapping[str, ReadResult],
    inputs: RunInputs,
    prof: Profile,
    children: contextlib.ExitStack | None,
    *,
    for_far: bool,
) -> tuple[Callable[[], BuildingsOnPlots | None], Callable[[], RasterPass] | None]:
    """Start what the 容积率 reads beside 地企关联: the buildings measured on the plots, in a
    child (:func:`landgov.run.far.start_buildings`), and with ``for_far`` the height raster
    read (:func:`_read_raster`), in a thread started after the fork."""
    from landgov.run.far import start_buildings

    on_plots = start_buildings(parcels, reads, profile=prof, children=children)
    return on_plots, _read_raster(parcels, inputs, prof, children) if for_far else None


def _read_raster(
    parcels: gpd.GeoDataFrame,
    inputs: RunInputs,
    prof: Profile,
    children: contextlib.ExitStack | None,
) -> Callable[[], RasterPass] | None:
    """The height raster read for the one pass over it for both stages (far's floor area, the
    screening's built-up cover), in a thread beside 地企关联 (GDAL and numpy let go of the GIL
    while they read and compute the cells); call the result for the
    :class:`~landgov.far.raster.RasterPass` (or the error of reading it). Where no child can
    be forked it is read when called (in 亩均评价, as in one process). None without a raster.
    It measures the parcels as read: the linked parcels are these rows with the same index
    and geometry."""
    if inputs.height_raster is None:
        return None
    from functools import partial

    from landgov.core.forked import can_fork
    from landgov.far.ratio import read_profile_raster_floor_area

    read = partial(read_profile_raster_floor_area, parcels, inputs.height_raster, profile=prof)
    if not can_fork():
        return read
    worker = ThreadPoolExecutor(max_workers=1)
    if children is not None:
        children.enter_context(worker)  # a failed run waits for the thread, then goes on
    reading = [worker.submit(read)]  # let go once joined: the cells go with the measuring

    def joined() -> RasterPass:
        try:
            return reading.pop().result()
        finally:
            worker.shutdown()  # no thread left when the child is forked

    return joined


def _measure_raster(
    read: Callable[[], RasterPass], children: contextlib.ExitStack | None
) -> Callable[[], pd.DataFrame]:
    """Start measuring the raster read by :func:`_read_raster`; call the result to collect the
    figures (:class:`~landgov.far.raster.Measuring`).

    A child process measures the plots from the first run on beside 亩均评价, which does not
    need them; collecting makes this process measure the runs the child has not reached yet,
    from the last one back, so that neither waits for the other. Where no child can be forked
    everything runs when collected (in 亩均评价, as in one process)."""
    from landgov.core.forked import can_fork

    if not can_fork():
        return lambda: read().measured()
    job = read().start()
    if children is not None:
        children.enter_context(job)  # stopped when the run fails before it is collected
    return job.result


def _start_far(
    start_far: Callable[[Shared], None],
    read: Mapping[str, ReadResult],
    linked: Any,
    raster: pd.DataFrame | None,
    far: PlotFar,
) -> None:
    """Hand the 增容 stage what it needs of the screening, as soon as it is there."""
    from landgov.run.far import Shared

    start_far(Shared(read=read, linked=linked, raster=raster, far=far))


def _with_far(lp: pd.DataFrame, measured: PlotFar, *, raster: bool) -> None:
    """Put the plots' 容积率 into ``lp``: ``far_minimum``, the one the national minimum reads
    (``far.minimum_floor_area``), which 用而未尽 judges, with ``far_source``; with a height
    raster ``built_cover`` too (evidence for idle land); whether the buildings layer covers the
    plot and how many buildings stand on it (what corroborates a floor area of 0)."""
    if raster:
        lp["built_cover"] = measured.far["built_cover"]
    lp["far_minimum"] = measured.far["far_minimum"]
    lp["far_source"] = measured.far["far_source"]
    # a registered 建筑面积 the building records contradict: 用而未尽 compares both
    lp[RECORDED_FLOOR] = measured.far[RECORDED_FLOOR]
    lp[RECORDS_FLOOR] = measured.far["floor_area_m2"].where(measured.far[RECORDED_FLOOR].notna())
    lp[ZERO_SET_ASIDE] = measured.far[ZERO_SET_ASIDE]
    # whether a buildings layer over the plot shows none on it (供而未用: far.shows_no_building)
    lp[BUILDINGS_COVER] = measured.far[BUILDINGS_COVER]
    lp["n_buildings"] = measured.far["n_buildings"]


def _read_files(
    inputs: RunInputs, aliases: Mapping[str, Iterable[str]] | None, *, for_far: bool
) -> tuple[dict[str, ReadResult], Mapping[str, ReadResult]]:
    """The screening's files as read; with ``for_far`` also every file as read for the 增容
    stage (the screening's and the ones only far reads, each read once), else ``{}``.

    All are read in one :func:`~landgov.run.files.read_files` (on two processes), in the order
    of the roles here, then those only far reads.
    """
    roles: dict[str, tuple[Path | None, Callable[..., ReadResult]]] = {
        "parcels": (inputs.parcels, read_parcels),
        "enterprises": (inputs.enterprises, read_enterprises),
        "links": (inputs.links, read_links),
        "compliance": (inputs.compliance, read_compliance),
        "planning": (inputs.planning, read_planning),
        "demolition": (inputs.demolition, read_demolition),
        "townships": (inputs.townships, read_townships),
        "approved": (inputs.approved, read_approved),
        "buildings": (inputs.buildings, read_buildings),  # 容积率 of 用而未尽
    }
    jobs = {role: (path, reader) for role, (path, reader) in roles.items() if path is not None}
    if for_far:
        from landgov.run.far import far_jobs

        jobs |= {role: job for role, job in far_jobs(inputs).items() if role not in jobs}
    got = read_files(jobs, aliases)
    reads = {role: got[role] for role in roles if role in got}
    if not for_far:
        return reads, {}
    from landgov.run.far import read_far_files

    return reads, {**reads, **read_far_files(inputs, aliases, read=got)}


def _simulated(reads: Mapping[str, ReadResult]) -> bool:
    """Whether the inputs came from the simulated sample (:func:`landgov.maps.is_simulated`)."""
    from landgov.maps._title import is_simulated

    paths = {role: {"path": str(r.meta.get("path", ""))} for role, r in reads.items()}
    return is_simulated({"inputs": paths})


def _overridden(
    result: Any,
    path: str | Path,
    *,
    profile: Profile,
    planning: Any = None,
    render: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    as_of: dt.date | None = None,
) -> tuple[Any, pd.DataFrame, dict[str, Any]]:
    """The result with the 人工认定 applied (run.overrides): the 治理清单 follows the decided
    status, the 连片 blocks are formed again from the decided paths (ids kept where a block
    continues) and the other plots' path texts follow the blocks as they are now, a path that
    no longer follows from them flagged for review (``review_block_paths``); also the manifest
    entry of the overrides file. ``render`` is applied to rewritten texts as to the run's;
    ``as_of``: the run's 基准日 (a 人工认定表 written for another year's run is refused)."""
    from landgov.run.overrides import (
        apply_overrides,
        override_summary,
        read_overrides,
        review_block_paths,
    )
    from landgov.screening.blocks import regroup_blocks, road_polygons

    decided = read_overrides(path, as_of=as_of)
    parcels, problems = apply_overrides(result.parcels, decided)
    blocks = result.blocks
    if _membership_changed(parcels, profile):
        roads = road_polygons(planning, profile=profile)
        before = parcels[["block_id", "block_area_mu"]].copy()
        columns, blocks = regroup_blocks(parcels, profile=profile, roads=roads)
        for name in columns.columns:
            parcels[name] = columns[name]
        parcels, review = review_block_paths(
            parcels, before=before, checks=result.checks, profile=profile, roads=roads,
            render=render,
        )  # fmt: skip
        problems = pd.concat([problems, review], ignore_index=True)
    governance = parcels[parcels["screening_status"] == "治理"].copy()
    summary = override_summary(path, decided, parcels)
    return replace(result, parcels=parcels, governance=governance, blocks=blocks), problems, summary


def _membership_changed(parcels: pd.DataFrame, profile: Profile) -> bool:
    """Whether an applied override moved a plot into or out of the block-forming paths."""
    from landgov.run.overrides import moved_blocks

    return bool(moved_blocks(parcels, profile).any())


def _collect_renderer(
    enterprises: pd.DataFrame, *, answers: Any = None, pairs: Any = None
) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """What writes a frame's texts for people: every missing input named in Chinese with its
    department and enterprise (core.collect); the 核实 answers used, with their source, added
    to the reasons of their plots (by ``parcel_id``)."""
    from landgov.core.collect import render_text
    from landgov.run.verify import verified_reasons

    names: dict[str, str] = {}
    if {"uscc", "name"} <= set(enterprises.columns):
        known = enterprises.dropna(subset=["uscc", "name"]).drop_duplicates("uscc")
        names = dict(zip(known["uscc"].astype(str), known["name"].astype(str), strict=True))

    done: dict[str, object] = {}  # each distinct text once, shared by parcels and 治理清单
    items: dict[tuple[int, str], str] = {}  # each item once, shared by the texts

    def render(text: object) -> object:
        if not isinstance(text, str):
            return text
        if text not in done:
            done[text] = render_text(text, names=names, memo=items)
        return done[text]

    def rendered(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy(deep=False)  # the columns rewritten are new, the others shared
        for column in ("to_verify", "missing", "reasons"):
            if column in frame.columns:
                frame[column] = frame[column].map(render)
        if answers is not None and answers.values:
            extra = verified_reasons(frame, pairs, answers, names)
            before = frame["reasons"].where(frame["reasons"].notna(), "").astype(str)
            frame["reasons"] = [
                "\n".join(t for t in (b, e) if t) or None
                for b, e in zip(before, extra, strict=True)
            ]
        return frame

    return rendered


def _approved(
    reads: Mapping[str, ReadResult], prof: Profile, as_of: dt.date
) -> ApprovedReport | None:
    """批而未供 per batch and 镇街 (not screened: no 宗地, no enterprise); None when not given."""
    res = reads.get("approved")
    if res is None:
        return None
    towns = reads.get("townships")
    return report_approved(
        res.data,
        as_of=as_of,
        boundaries=None if towns is None else towns.data,
        tolerance=float(prof.value("linking.area_tolerance", 0.05)),
        source=Path(res.meta.get("path", "批而未供图层")).name,
        field_map=res.meta.get("field_map"),
    )


def _township_summary(
    result: Any,
    enterprises: pd.DataFrame,
    pairs: pd.DataFrame,
    prof: Profile,
    townships: ReadResult | None,
    *,
    approved: ApprovedReport | None = None,
) -> pd.DataFrame:
    """Per-镇街 summary; a GeoDataFrame with the boundaries when they were given."""
    from landgov.summary import summarise

    bounds = None if townships is None else townships.data
    # the plots' 镇街 were decided once after reading (core.township); the boundaries only
    # draw the rows here
    table = summarise(result.parcels, enterprises=enterprises, pairs=pairs, profile=prof)
    table = add_to_summary(table, approved)  # 批而未供 columns, 「未提供」 without the layer
    if bounds is None or not len(bounds):
        return table
    shapes = bounds.dissolve(by="township", as_index=False)[["township", "geometry"]]
    merged = table.merge(shapes, on="township", how="left")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=bounds.crs)


def _write_outputs(
    result: Any,
    enterprises: pd.DataFrame,
    townships: pd.DataFrame,
    problems: pd.DataFrame,
    *,
    out: Path,
    prof: Profile,
    approved: ApprovedReport | None = None,
    sendout: pd.DataFrame | None = None,
    layers: bool = True,
    title: str | None = None,
    note: str | None = None,
) -> ScreeningRun:
    gpkg, xlsx = out / GPKG, out / XLSX
    for stale in (gpkg, xlsx, out / PARQUET_PARCELS, out / PARQUET_BLOCKS, out / PARQUET_TOWNSHIPS):
        stale.unlink(missing_ok=True)
    parcels = _ordered(result.parcels, PARCEL_COLUMNS)
    governance = _ordered(result.governance, PARCEL_COLUMNS)
    ents = _ordered(enterprises, ENTERPRISE_COLUMNS)
    # as text once, for the GeoPackage and the workbook alike
    stored = {
        "parcels": storable(parcels),
        "governance": storable(governance),
        "blocks": storable(result.blocks),
        "enterprises": storable(ents),
    }

    def geo_files() -> None:
        write_parquet(parcels, out / PARQUET_PARCELS)  # lossless, beside the GeoPackage
        write_parquet(result.blocks, out / PARQUET_BLOCKS)
        if layers:  # a province county leaves it out: its rows go to the province GeoPackage
            for layer in ("parcels", "governance", "blocks", "enterprises"):
                write_layer(stored[layer], gpkg, layer=layer)
            write_layer(pd.DataFrame(townships).drop(columns="geometry", errors="ignore"), gpkg,
                        layer="township_summary")  # fmt: skip
            if isinstance(townships, gpd.GeoDataFrame):
                drawn = townships[townships.geometry.notna() & ~townships.geometry.is_empty]
                write_layer(drawn, gpkg, layer="townships")  # the 全区 row has no boundary
            if approved is not None:
                write_layer(approved.rows, gpkg, layer="approved")
        else:  # the province map still draws each county's 镇街 and reads its 全区 row
            write_parquet(townships, out / PARQUET_TOWNSHIPS)

    profile_note = f"策略配置：{prof.title}（{prof.label}）"
    sheets = [
        ("底数清单", stored["parcels"]),
        ("治理清单", stored["governance"]),
        ("连片地块", stored["blocks"]),
        ("企业评价", stored["enterprises"]),
        ("镇街汇总", storable(townships)),
        ("问题记录", storable(problems)),
        ("批而未供", storable(_approved_sheet(approved))),  # after the lists users know
    ]
    if sendout is not None:  # the problems grouped to send out (reports.sendout)
        sheets.append(("问题分送", storable(sendout)))
    # the GeoParquet files and the GeoPackage are written while the workbook is built (_beside).
    # A failure of theirs is raised first, as when they were written before the workbook (a
    # full disk is reported by their writers).
    with _beside(geo_files) as geo:
        started = time.perf_counter()
        try:
            tables, styles = screening_sheets(sheets, prof, title=title)
            written = write_workbook(
                tables,
                xlsx,
                labels=LABELS,
                formats=PRINT_FORMATS,  # the 治理清单（打印）'s 序号
                problems_sheet="问题记录",  # cut or cleaned text cells are reported there too
                styles=styles,
                page_note=note,
            )
        except BaseException:
            geo.result()  # raises the GeoPackage's or Parquet's failure, if there was one
            raise
        xlsx_s = round(time.perf_counter() - started, 3)
        geo.result()
    problems = written.added_to(problems)
    return ScreeningRun(
        parcels=parcels,
        governance=governance,
        blocks=result.blocks,
        enterprises=ents,
        townships=townships,
        problems=problems,
        manifest={
            "note": profile_note,
            "xlsx_text_fixes": written.note(),
            "xlsx_s": xlsx_s,
            "gpkg": layers,
        },
        out_dir=out,
        approved=None if approved is None else approved.rows,
    )


@contextlib.contextmanager
def _beside(write: Callable[[], None]) -> Iterator[Pending[None] | Future[None]]:
    """``write`` (files only) run beside the caller: in a forked child on the other core
    (:func:`landgov.core.forked.start`; stopped if the caller fails), since the caller's
    workbook is Python that holds the GIL; where no child can be forked, in a second thread
    (GDAL and Arrow let go of the GIL while they write). ``result()`` waits for it."""
    from landgov.core.forked import can_fork, start

    if can_fork():
        with start(write) as pending:
            yield pending
        return
    with ThreadPoolExecutor(max_workers=1) as worker:
        yield worker.submit(write)


def _approved_sheet(approved: ApprovedReport | None) -> pd.DataFrame:
    """The 批而未供 sheet; without the layer one line saying so (not an empty list)."""
    if approved is None:
        return pd.DataFrame(
            {
                "说明": [
                    "未提供批而未供图层（landgov screen --approved 文件）："
                    "批而未供面积未统计，不是 0"
                ]
            }
        )
    return pd.DataFrame(approved.rows).drop(columns="geometry")


def _approved_counts(run: ScreeningRun) -> dict[str, Any]:
    """``counts.approved`` of the manifest: given or not, batches, area, to verify."""
    if run.approved is None:
        return {"given": False, "note": NOT_GIVEN}
    rows = run.approved
    confirmed = rows["approved_status"] == "批而未供"
    return {
        "given": True,
        "batches": len(rows),
        "area_mu": round(float(rows.loc[confirmed, "unsupplied_mu"].sum()), 4),
        "to_verify": int((~confirmed).sum()),
    }


def _manifest(
    files: Mapping[str, Path],
    run: ScreeningRun,
    facts: _Facts,
    *,
    prof: Profile,
    as_of: dt.date,
) -> dict[str, Any]:
    """The ``screen`` section of ``manifest.json`` (keys in ``docs/schema.md``)."""
    from landgov.summary import target_derivations, tax_class_breaks

    reads, linked = facts.reads, facts.linked
    return {
        "command": "landgov screen",
        "landgov_version": __version__,
        "generated_at": now_text(),
        "as_of": as_of.isoformat(),
        "profile": {
            "name": prof.name,
            "version": prof.version,
            "title": prof.title,
            "chain": list(prof.chain),
        },
        "inputs": {role: describe_input(path, reads.get(role)) for role, path in files.items()},
        "outputs": {
            "gpkg": str(run.out_dir / GPKG) if run.manifest.get("gpkg", True) else None,
            "xlsx": str(run.out_dir / XLSX),
            "geoparquet": {
                "parcels": str(run.out_dir / PARQUET_PARCELS),
                "blocks": str(run.out_dir / PARQUET_BLOCKS),
            },
            "xlsx_text_fixes": run.manifest.get("xlsx_text_fixes", {}),
            "rows": {
                "parcels": len(run.parcels),
                "governance": len(run.governance),
                "blocks": len(run.blocks),
                "enterprises": len(run.enterprises),
                "problems": len(run.problems),
                "unmatched_enterprises": len(linked.unmatched_enterprises),
                "unmatched_links": len(linked.unmatched_links),
                "approved": None if run.approved is None else len(run.approved),
            },
        },
        # one set of numbers (landgov.core.counts): the map and the workbook count the same way
        "counts": {
            "screening_status": screening_counts(run.parcels),
            "path": path_counts(run.parcels),
            "grade": grade_counts(run.enterprises),
            "units": {"screening_status": PLOT, "path": PLOT, "grade": ENTERPRISE},
            "approved": _approved_counts(run),
        },
        "thresholds": {
            "low_efficiency_tax_per_mu": prof.value("screening.low_efficiency_tax_per_mu", None),
            "low_efficiency_comparison": _comparison(prof, "screening.low_efficiency_tax_per_mu"),
            "tax_per_mu_classes": tax_class_breaks(prof),  # the map's 亩均税收 classes
        },
        "summary": {"district": _district(run.townships, derived=target_derivations(prof))},
        "verified": facts.given.get("verified"),
        "overrides": facts.given.get("overrides"),
        "timings_s": facts.timings_s,
    }


def _comparison(prof: Profile, key: str) -> str | None:
    """How the threshold ``key`` compares (``"<="``, ``"<"`` …), for the maps; None without it."""
    param = prof.params.get(key)  # absent: no error text listing the section's keys
    return None if param is None else param.comparison


def _number(value: object) -> float | str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return float(value) if isinstance(value, int | float | np.number) else str(value)


def _district(townships: pd.DataFrame, *, derived: Mapping[str, str]) -> dict[str, Any]:
    """The 全区 row as current-vs-target pairs for dashboards and the map panel.

    A pair whose target the project derived (``derived``, by indicator) carries
    ``target_derived``: how it was derived, so the panel says 项目推算, not the document's figure.
    """
    rows = townships[townships["township"] == DISTRICT]
    if rows.empty:
        return {}
    row = rows.iloc[0]

    def get(key: str) -> float | str | None:
        return _number(row.get(key))

    def pair(current: str, target: str, indicator: str) -> dict[str, Any]:
        out = {"current": get(current), "target": get(target)}
        if indicator in derived:
            out["target_derived"] = derived[indicator]
        return out

    return {
        "n_parcels": get("n_parcels"),
        "area_mu": get("area_mu"),
        "tax_per_mu_above_scale": pair("tax_per_mu_above_scale", "tax_per_mu_target", "tax_per_mu"),
        "value_added_per_mu_above_scale": pair(
            "value_added_per_mu_above_scale", "value_added_per_mu_target", "value_added_per_mu"
        ),
        "governance_area_mu": pair("governance_area_mu", "renewal_target_mu", "renewal"),
        "target_year": get("tax_per_mu_target_year"),
        **{key: get(key) for key in APPROVED_SUMMARY if key in row},  # 「未提供」 when not given
    }
