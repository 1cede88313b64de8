"""The 增容 run: 容积率, 增容 screening and application checks, 初审表 and the meeting packet.

:func:`run_far` is the whole job as a function (used by ``landgov far``, ``landgov demo`` and
the notebook). Outputs in ``out_dir``:

- layer ``far`` of ``landgov.gpkg``: every parcel with 容积率, its source, floors, headroom,
  one field per condition and the overall verdict (``docs/schema.md``, section *far*);
- layer ``far_applications`` of ``landgov.gpkg``: one row per application (when given);
- sheet 增容审查 of ``landgov.xlsx`` (other sheets kept): the joint-meeting packet;
- ``初审表/<镇街>/<编号>_<企业>.docx``: the first-review forms (the form only, one A4 page);
- ``系统预审/<镇街>/<编号>_<企业>_系统预审.docx``: the system pre-check of each form, for the
  township's reference, apart from the forms so that they print and file as they are;
- section ``far`` of ``manifest.json``: inputs with checksums and row counts, profile, as-of
  date, counts and timings (the schema every command writes, ``docs/schema.md``).

The folder is written atomically through :mod:`landgov.core.runfolder`: a 增容 run into a folder
that holds a screening run made from the same files keeps that part and replaces the rest (an
older 增容 part and its 初审表 are gone).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from landgov import __version__
from landgov.core.counts import (
    APPLICATION,
    PLOT,
    application_counts,
    candidate_counts,
    count_text,
    zengrong_counts,
)
from landgov.core.dates import companion_columns, parse_as_of
from landgov.core.forked import NotKeptError, defer, deferred_fields, withhold
from landgov.core.listing import first_few
from landgov.core.missing import is_missing
from landgov.core.problems import PROBLEM_COLUMNS, ProblemLog, ReadResult, Severity
from landgov.core.records import COMPLIANCE_SOURCE, unmatched_records
from landgov.core.runfolder import (
    FORMS_DIR,
    GPKG,
    XLSX,
    RunFolder,
    StageTimer,
    describe_input,
    now_text,
    open_run,
    stage_line,
)
from landgov.core.townnames import resolve_township
from landgov.far import compute_far
from landgov.far.ratio import (
    ACROSS,
    BY_LOCATION,
    UNPLACED,
    BuildingsOnPlots,
    buildings_on_plots,
)
from landgov.far.zengrong import (
    CONDITIONS,
    Eligibility,
    ZengrongInputs,
    check_applications,
    check_parcels,
    unmatched_applications,
    unmatched_zone_names,
)
from landgov.io import (
    read_compliance,
    read_demolition,
    read_enterprises,
    read_links,
    read_parcels,
    read_planning,
    read_townships,
    read_zones,
)
from landgov.io.applications import read_applications
from landgov.io.buildings import read_buildings
from landgov.link import LinkResult
from landgov.policy import Profile, load_profile
from landgov.reports._gpkgcopy import CopyUnsupportedError, copy_layers
from landgov.reports._xlsxmerge import RESERVED, MergeUnsupportedError, StyleBase, add_sheets
from landgov.reports.chushen import PRECHECK_DIR, write_forms
from landgov.reports.excel import SheetSpec, write_sheets
from landgov.reports.handout import basis_spec
from landgov.reports.labels import LABELS
from landgov.reports.packet import packet_frame, packet_sheet, unapplied
from landgov.reports.printlist import page_note
from landgov.run.files import (
    RunInputs,
    copy_layer_through_gdal,
    plausible_reads,
    read_files,
    write_layer,
    write_parquet,
)
from landgov.run.verify import answers_into_reads, used_rows, verified_entry

if TYPE_CHECKING:
    from landgov.core.forked import Pending

__all__ = ["PARQUET_FAR", "FarOptions", "FarPart", "FarRun", "run_far", "start_far"]

#: The lossless full output of layer ``far`` (GeoParquet: types kept).
PARQUET_FAR = "landgov_far.parquet"
#: Key of ``timings_s``: the seconds of 写出 spent writing the workbook.
XLSX_TIMING = "其中：写出 Excel"

#: Columns of layer ``far``, in order (see docs/schema.md).
FAR_LAYER_COLUMNS = [
    "parcel_id", "township", "holder", "uscc", "enterprise_name", "industry_code",
    "land_area_m2", "land_mu", "floor_area_m2", "floor_area_far_m2", "far", "far_minimum",
    "far_source", "far_note", "floor_area_recorded_m2", "n_buildings",
    "building_coverage", "below_coverage_min", "raster_floor_area_m2", "built_cover",
    "far_floor", "far_floor_gb2002", "far_floor_note", "far_gap_floor", "below_floor",
    "far_target", "far_gap_target", "far_pilot", "headroom_m2", "headroom_target_m2",
    "headroom_reason", "tax_per_mu_now_wan", "planned_use", "inside_control_line",
    "demolition_plans", "special_zone", *CONDITIONS, "zengrong", "zengrong_reason", "missing",
    "relaxation", "meeting_review", "candidate", "catalogue_edition", "as_of",
    *(f"{c}_note" for c in CONDITIONS),
]  # fmt: skip


@deferred_fields("screened")
@dataclass
class FarRun:
    """What :func:`run_far` produced.

    ``screened`` of a stage computed in a child process (:func:`start_far`) arrives pickled
    and is unpickled when it is first read (:func:`~landgov.core.forked.deferred_fields`): a
    run of both stages writes its files and manifest without reading it.
    """

    screened: gpd.GeoDataFrame = field(repr=False)  # not read to show the result
    applications: gpd.GeoDataFrame | None
    packet: pd.DataFrame
    forms: list[Path]
    manifest: dict[str, Any]
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))

    def summary_text(self) -> str:
        """One line in Chinese: verdict counts and candidates."""
        counts = self.manifest["counts"]
        parts = ["宗地摸排：" + count_text(counts["screening"], PLOT)]
        parts.append(f"候选 {counts['candidates']:,} {PLOT}")
        if counts.get("applications"):
            parts.append(f"申请：{count_text(counts['applications'], APPLICATION)}")
        parts.append(f"初审表 {len(self.forms)} 份")
        return "；".join(parts)


@dataclass(frozen=True)
class FarOptions:
    """The options of the 增容 part that the screening has not, for one run of both stages
    (``run_screening(..., far=FarOptions(...))``, ``landgov screen --far``); the meaning of each
    is that of the parameter of :func:`run_far` with the same name.

    Attributes
    ----------
    forms
        Which 初审表 to write: ``applications`` (default), ``candidates``, ``all`` or ``none``.
    township
        Write forms for this township only (batch mode).
    overrides
        A 增容 condition overrides workbook (``landgov override --far``); the screening's own
        overrides workbook is a different one.
    keep_plots
        Whether the result keeps the 增容 plot frame (``run.far.screened``). ``landgov screen
        --far`` reads the files and the manifest only and does not keep it: the stage, computed
        in a child process, then does not send its plots back (pickling the 50,000 plots of a
        district and their 500,000 verdicts took 2–3 s of the child's CPU while the screening
        wrote its workbook). Reading ``run.far.screened`` of such a run raises
        :class:`~landgov.core.forked.NotKeptError`; the files are the same.
    """

    forms: str = "applications"
    township: str | None = None
    overrides: str | Path | None = None
    keep_plots: bool = True


#: The files the 增容 run reads, by role, in the order it reads them.
FAR_ROLES = (
    "parcels", "enterprises", "links", "compliance", "planning", "demolition", "townships",
    "special_zones", "buildings", "applications",
)  # fmt: skip


def far_jobs(inputs: RunInputs) -> dict[str, tuple[Path, Callable[..., ReadResult]]]:
    """The files the 增容 run reads and their readers (:data:`FAR_ROLES`, those given)."""
    readers = _readers()
    return {
        name: (path, readers[name])
        for name in FAR_ROLES
        if (path := getattr(inputs, name)) is not None
    }


def read_far_files(
    inputs: RunInputs,
    aliases: Mapping[str, Iterable[str]] | None,
    *,
    read: Mapping[str, ReadResult] | None = None,
) -> dict[str, ReadResult]:
    """The files the 增容 run reads (:data:`FAR_ROLES`, those given), as read (before the
    plausibility step); ``read`` holds files read already (by role), which are not read again.
    The others are read by :func:`~landgov.run.files.read_files` (on two processes)."""
    done, jobs = read or {}, far_jobs(inputs)
    fresh = read_files({name: job for name, job in jobs.items() if name not in done}, aliases)
    return {name: done[name] if name in done else fresh[name] for name in jobs}


def _read_all(
    inputs: RunInputs, aliases: Mapping[str, Iterable[str]] | None
) -> dict[str, ReadResult]:
    return read_far_files(inputs, aliases)


def _readers() -> dict[str, Callable[..., ReadResult]]:
    return {
        "parcels": read_parcels,
        "enterprises": read_enterprises,
        "links": read_links,
        "compliance": read_compliance,
        "planning": read_planning,
        "demolition": read_demolition,
        "townships": read_townships,
        "special_zones": read_zones,
        "buildings": read_buildings,
        "applications": read_applications,
    }


def _data(reads: dict[str, ReadResult], name: str) -> Any:
    return reads[name].data if name in reads else None


def _candidates_by_township(screened: pd.DataFrame) -> dict[str, int]:
    towns = screened.loc[screened["candidate"], "township"]  # one column: no long texts taken
    return {str(k): int(v) for k, v in towns.groupby(towns.fillna("未分镇街")).size().items()}


def _write_forms(
    run_rows: tuple[pd.DataFrame | None, pd.DataFrame],
    out: Path,
    *,
    mode: str,
    township: str | None,
) -> list[Path]:
    apps, screened = run_rows
    folder, checks = out / FORMS_DIR, out / PRECHECK_DIR
    written: list[Path] = []
    if mode in {"all", "applications"} and apps is not None and len(apps):
        written += write_forms(
            apps, folder / "申请", township=township, precheck_dir=checks / "申请"
        )
    if mode in {"all", "candidates"}:
        only = (Eligibility.ELIGIBLE.value, Eligibility.UNKNOWN.value)
        # one plot, one form: a plot with an application has the application's form, and the
        # 增容审查 sheet lists it as the application (packet_frame's rule)
        written += write_forms(
            screened[unapplied(screened, apps)],
            folder / "摸排候选",
            township=township,
            only=only,
            precheck_dir=checks / "摸排候选",
        )
    return written


def _layer(frame: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    keep = [c for c in columns if c in frame.columns]
    skip = {"verdicts", "geometry", *companion_columns(frame.columns)}  # companions: core.dates
    rest = [c for c in frame.columns if c not in keep and c not in skip]
    return frame[keep + rest + ["geometry"]]


def run_far(
    inputs: RunInputs,
    *,
    profile: str | Profile,
    out_dir: str | Path,
    as_of: str | dt.date | None = None,
    forms: str = "applications",
    township: str | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
    progress: bool = False,
    echo: Callable[[str], Any] | None = None,
    overwrite: bool = False,
    wait: bool = False,
    verified: str | Path | None = None,
    overrides: str | Path | None = None,
    by_township: bool = False,
) -> FarRun:
    """Read the inputs, compute 容积率, screen every parcel, check the applications, write.

    Parameters
    ----------
    inputs
        The files (:class:`RunInputs`).
    profile
        Profile name (e.g. ``"yuecheng-2022"``) or a loaded :class:`~landgov.policy.Profile`.
    out_dir
        Output folder. A screening run there made from the same files is kept (its layers and
        sheets of ``landgov.gpkg`` / ``landgov.xlsx`` too); everything else there (an older
        增容 part, its 初审表) is replaced when this run completes. A folder that landgov did not
        write is refused.
    as_of
        Date the one-year record window and the catalogue edition are judged at (default today).
    forms
        Which 初审表 to write: ``applications`` (default), ``candidates`` (every screened plot
        that is not 不可申报 and has no application, the 摸排候选 rows of sheet 增容审查; combine
        with ``township`` for one township's batch), ``all`` or ``none``. One plot has one
        form: a plot with an application has the application's only.
    township
        Write forms for this township only (batch mode). A short name stands for the one full
        name of the parcels' 镇街 with that short form (「斗门」 → 「斗门街道」,
        :func:`landgov.core.townnames.resolve_township`); a name that matches none, or two, is
        an :class:`InputError` before anything is computed.
    aliases
        Extra column names per canonical field, for every reader (``{"parcel_id": ["地块号"]}``).
    progress
        Print stage timings (through ``echo``).
    echo
        Where messages go (stage timings, replaced results); ``None``: nowhere.
    overwrite
        Replace an earlier run even when files in it were changed or added by hand.
    wait
        Wait for another run into the same folder to end instead of refusing.
    verified
        A folder of answered 核实 workbooks (``landgov verify``): usable answers enter the
        enterprise table, each listed in 增容问题记录 with its source; the others are problem
        rows (:mod:`landgov.run.verify`).
    overrides
        A 增容 condition overrides workbook (人工认定, ``landgov override --far``): complete
        decisions set single conditions of plots and applications, the overall verdict is
        composed again and the computed one kept beside it; decisions whose facts changed are
        flagged 待复核 and not applied (:mod:`landgov.run.far_overrides`).
    by_township
        Also write one folder per 镇街 with its 增容审查 sheet and its 初审表
        (:mod:`landgov.reports.townships`).

    Raises
    ------
    InputError
        ``as_of`` is not a date; ``township`` names no 镇街 of the parcels, or two.
    DataFileError
        The output folder is in use, not a landgov folder, or holds changed files.
    """
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    day = parse_as_of(as_of or None)
    options = FarOptions(forms=forms, township=township, overrides=overrides)
    with open_run(
        out_dir,
        stage="far",
        inputs=inputs.files(),
        overwrite=overwrite,
        wait=wait,
        echo=echo,
    ) as folder:
        run = far_stage(inputs, folder, prof=prof, day=day, options=options, aliases=aliases,
                        verified=verified, by_township=by_township,
                        echo=echo if progress else None)  # fmt: skip
    return sealed(run, folder)


def sealed(run: FarRun, folder: RunFolder) -> FarRun:
    """``run`` as the sealed folder has it: its forms where they now are, its manifest section."""
    run.forms = [folder.final(p) for p in run.forms]
    run.manifest = folder.manifest["stages"]["far"] if folder.manifest else {}
    return run


def far_stage(
    inputs: RunInputs,
    folder: RunFolder,
    *,
    prof: Profile,
    day: dt.date,
    options: FarOptions,
    aliases: Mapping[str, Iterable[str]] | None,
    verified: str | Path | None,
    by_township: bool,
    echo: Callable[[str], Any] | None,
    shared: Shared | None = None,
    computed: Pending[FarPart] | None = None,
) -> FarRun:
    """The 增容 stage into ``folder``, up to :meth:`RunFolder.finish` (``run_far``'s body).

    ``shared`` is what a run of both stages read, linked and measured already (:class:`Shared`);
    ``computed`` is the 增容 work started already beside the screening (:func:`start_far`), of
    which only the files the two stages share are left to write here. ``echo`` gets the stage
    timings (``None``: nowhere).
    """
    if computed is None:
        timer = StageTimer([], echo=echo)
        part = _far(inputs, folder.path, prof=prof, day=day, timer=timer, options=options,
                    aliases=aliases, verified=verified, shared=shared, apart=False)  # fmt: skip
    else:
        part = _far_into(computed.result(), folder.path, profile=prof, day=day)
        if echo is not None:
            for name, seconds in part.timings.items():
                if name != XLSX_TIMING:
                    echo(stage_line(name, seconds))
    run = part.run
    if by_township:
        from landgov.reports.townships import write_far_townships

        def town_forms(apps: Any, screened: Any, where: Path) -> list[Path]:
            return _write_forms((apps, screened), where, mode=options.forms, township=None)

        write_far_townships(run.packet, folder.path, profile=prof, write_forms=town_forms,
                            applications=run.applications, screened=run.screened,
                            as_of=day)  # fmt: skip
    folder.finish(_manifest(part.inputs, prof, day, run, timings=part.timings, out=folder.target))
    return run


@dataclass(frozen=True)
class Shared:
    """What the screening of a run of both stages read, linked and measured, for the 增容 stage.

    Attributes
    ----------
    read
        Every file as read (by role, before the plausibility step, which each stage applies
        to its own files as a run of its own does).
    linked
        The screening's :func:`landgov.link.link_parcels`: the 增容 applicant of each plot is
        its main enterprise (``main_uscc``), one link for both stages.
    raster
        :func:`landgov.far.raster.raster_floor_area` of the parcels over the height raster
        (``None`` without a raster).
    far
        The screening's :func:`plot_far`: the 容积率 its 用而未尽 judged, used here as it is.
    """

    read: Mapping[str, ReadResult]
    linked: LinkResult | None = None
    raster: pd.DataFrame | None = None
    far: PlotFar | None = None


@dataclass
class FarPart:
    """The 增容 stage computed and its own files written, before the files it shares with the
    screening (``landgov.gpkg``, ``landgov.xlsx``) are written.

    Attributes
    ----------
    run
        The result; ``forms`` where they were written.
    inputs
        The manifest entries of the input files (:func:`describe_input`).
    timings
        Seconds per stage (``timings_s``).
    problems
        The problem rows before the workbook's text fixes were added (``run.problems`` has
        them): for writing the sheets again when they cannot be merged.
    folder
        Where the stage's own files were written (the run folder, or a part folder whose
        files move into it).
    sheets
        The stage's sheets as a workbook of their own, to be merged into the screening's
        (``None``: written into the folder's workbook already, or left to write there).
    sheets_base
        Where the formats of ``sheets`` start (:class:`~landgov.reports._xlsxmerge.StyleBase`):
        past the screening workbook's, so that its sheets go into the merge as they are.
    layers
        The stage's GeoPackage layers as a GeoPackage of their own, to be copied into the
        folder's (``None``: written there already, or left to write there from the frames).
    """

    run: FarRun
    inputs: dict[str, Any]
    timings: dict[str, float]
    problems: pd.DataFrame
    folder: Path
    sheets: Path | None = None
    sheets_base: StyleBase | None = None
    layers: Path | None = None


def start_far(
    inputs: RunInputs,
    part: Path,
    *,
    prof: Profile,
    day: dt.date,
    options: FarOptions,
    aliases: Mapping[str, Iterable[str]] | None,
    verified: str | Path | None,
    shared: Shared,
) -> Pending[FarPart]:
    """Start the 增容 stage of a run of both stages in a child process (:mod:`landgov.core.forked`).

    The child computes the stage and writes the files that are its own into ``part`` (an empty
    folder): GeoParquet, 初审表 and 系统预审 forms, its GeoPackage layers as a GeoPackage of
    their own and, when they can be merged at the zip level, its sheets as a workbook of their
    own. It prints nothing (the caller's progress bar stays whole): :func:`far_stage` with
    ``computed`` echoes its stage timings afterwards, moves the files into the run folder and
    adds to the shared files (the layers copied into the screening's GeoPackage: one writer at
    a time; the sheets merged into the screening's workbook). Where no child can be forked the
    stage is computed at once, in this process.
    """
    from landgov.core.forked import start

    timer = StageTimer([])
    return start(_far_apart, inputs, part, prof=prof, day=day, timer=timer, options=options,
                 aliases=aliases, verified=verified, shared=shared)  # fmt: skip


#: Why ``run.far.screened`` cannot be read (``FarOptions(keep_plots=False)``).
_NOT_KEPT = (
    "未保留增容宗地表（FarOptions(keep_plots=False)，如 landgov screen --far）：其内容见结果目录的 "
    "landgov_far.parquet 与 landgov.gpkg 的 far 图层；需要在程序中读取时用 keep_plots=True"
)


def _far_apart(inputs: RunInputs, out: Path, **kwargs: Any) -> FarPart:
    """:func:`_far` with ``apart``, its plot frame sent back to be unpickled only if the parent
    reads it (:func:`~landgov.core.forked.defer`), or not at all without ``keep_plots``: the
    files and the counts are made here."""
    part = _far(inputs, out, apart=True, **kwargs)
    if kwargs["options"].keep_plots:
        defer(part.run, "screened")
    else:
        withhold(part.run, "screened", _NOT_KEPT)
    return part


def _far(
    inputs: RunInputs,
    out: Path,
    *,
    prof: Profile,
    day: dt.date,
    timer: StageTimer,
    options: FarOptions,
    aliases: Mapping[str, Iterable[str]] | None,
    verified: str | Path | None = None,
    shared: Shared | None = None,
    apart: bool = False,
) -> FarPart:
    """Compute the stage and write its files into ``out``.

    ``apart``: ``out`` is a part folder of the stage's own files (see :func:`start_far`); the
    GeoPackage layers are written there by a second thread (GDAL lets go of the GIL) while the
    sheets and forms are written, to be copied into the run's GeoPackage by :func:`_far_into`;
    the sheets are left to :func:`_far_into` when they need the whole workbook loaded (a packet
    small enough to be decorated).
    """
    with timer.stage("读取"):
        read = read_far_files(inputs, aliases, read=None if shared is None else shared.read)
        reads = plausible_reads(read, inputs, prof, day)
        answers = None if verified is None else answers_into_reads(reads, verified, prof, day)
    parcels = reads["parcels"].data
    if options.township is not None:  # 「斗门」 for 「斗门街道」: the names the rows have
        town = resolve_township(options.township, parcels.get("township", pd.Series(dtype=object)))
        options = dataclasses.replace(options, township=town)
    with timer.stage("容积率"):
        # the screening's in a run of both, from the same files: one 容积率 per plot
        known = None if shared is None else shared.far
        if known is None or not known.far.index.equals(parcels.index):
            raster = None if shared is None else shared.raster
            known = plot_far(parcels, reads, inputs=inputs, profile=prof, raster=raster)
        far, reads = known.far, known.reads(reads)
    given = ZengrongInputs(
        parcels,
        far,
        profile=prof,
        as_of=day,
        enterprises=_data(reads, "enterprises"),
        links=_data(reads, "links"),
        compliance=_data(reads, "compliance"),
        planning=_data(reads, "planning"),
        demolition=_data(reads, "demolition"),
        special_zones=_data(reads, "special_zones"),
        linked=None if shared is None else shared.linked,
    )
    if "compliance" in reads:  # records that reach no plot and no applicant: said
        source = Path(inputs.compliance or COMPLIANCE_SOURCE).name
        reads = {**reads, "compliance": _unmatched_records(reads, parcels, source=source)}
    if "special_zones" in reads:  # zone names that are no configured zone: said
        source = Path(inputs.special_zones or "special_zones").name
        reads = {**reads, "special_zones": _unknown_zones(reads["special_zones"], prof, source)}
    with timer.stage("增容摸排"):
        screened = check_parcels(given)
    apps = None
    if "applications" in reads:
        with timer.stage("申请审查"):
            apps = check_applications(reads["applications"].data, given)
    decided = None
    if options.overrides is not None:
        screened, apps, decided = _overridden(screened, apps, options.overrides, day)
    with ThreadPoolExecutor(max_workers=1) as worker:
        layers = worker.submit(_write_layers, screened, apps, out / GPKG) if apart else None
        try:
            part = _written(inputs, out, reads, (screened, apps), timer=timer, prof=prof,
                            options=options, answers=answers, verified=verified,
                            decided=decided, apart=apart, day=day)  # fmt: skip
        except BaseException:
            if layers is not None:
                layers.result()  # the GeoPackage's failure first, as when written first
            raise
        if layers is not None:
            layers.result()
            part.layers = out / GPKG
    return part


_SHOWN_ROWS = 20  # rows of the file named in one problem row


@dataclass(frozen=True)
class PlotFar:
    """容积率 of every plot from the files of a run, and the buildings as read with what the
    measuring found said (:func:`plot_far`).

    Attributes
    ----------
    far
        :func:`landgov.far.compute_far` of the parcels, its attrs taken off.
    buildings
        The buildings read, with one problem row for the buildings that reached no plot and a
        提示 for each placed by location only; ``None`` without a buildings layer.
    """

    far: pd.DataFrame
    buildings: ReadResult | None

    def reads(self, reads: Mapping[str, ReadResult]) -> dict[str, ReadResult]:
        """``reads`` with these buildings in place of the ones read."""
        if self.buildings is None:
            return dict(reads)
        return {**reads, "buildings": self.buildings}


def plot_far(
    parcels: gpd.GeoDataFrame,
    reads: Mapping[str, ReadResult],
    *,
    inputs: RunInputs,
    profile: Profile,
    raster: pd.DataFrame | None = None,
    on_plots: BuildingsOnPlots | None = None,
) -> PlotFar:
    """The one 容积率 of every plot both stages judge on: :func:`landgov.far.compute_far` of
    the parcels with the buildings read and the height raster (``raster``: its measure, when
    taken already; ``on_plots``: the buildings measured on the plots, when taken already,
    :func:`start_buildings`). The screening's 用而未尽 reads its ``far_minimum`` and the 增容
    stage the whole frame, so the two never answer differently for one plot.

    Every building row ends up somewhere: one not counted in any plot and one placed by
    location only are said in the buildings' problems (:func:`unplaced_buildings`,
    :func:`located_buildings`), and so is one standing largely beyond the plot it is counted
    in (:func:`buildings_across`).
    """
    far = compute_far(
        parcels,
        profile=profile,
        buildings=reads["buildings"].data if "buildings" in reads else None,
        height_raster=inputs.height_raster,
        raster_estimate=raster,
        on_plots=on_plots,
    )
    # taken off the frame: pandas deep-copies attrs into every frame derived from it
    unplaced = far.attrs.pop(UNPLACED, ())
    by_location = far.attrs.pop(BY_LOCATION, ())
    across = far.attrs.pop(ACROSS, ())
    if "buildings" not in reads:
        return PlotFar(far, None)
    placed, source = reads["buildings"], Path(inputs.buildings or "buildings").name
    if unplaced:
        placed = unplaced_buildings(placed, unplaced, source=source)
    if by_location:  # kept where they stand, and said
        placed = located_buildings(placed, by_location, parcels, source=source)
    if across:
        placed = buildings_across(placed, across, parcels, source=source)
    return PlotFar(far, placed)


def start_buildings(
    parcels: gpd.GeoDataFrame,
    reads: Mapping[str, ReadResult],
    *,
    profile: Profile,
    children: contextlib.ExitStack | None,
) -> Callable[[], BuildingsOnPlots | None]:
    """Start measuring the buildings read on ``parcels`` (:func:`~landgov.far.ratio.
    buildings_on_plots`, for :func:`plot_far`); call the result for the measure (``None``
    without buildings).

    It needs only the two layers, so a forked child (:mod:`landgov.core.forked`) measures it
    beside 地企关联 and the raster read, which leave the other core partly idle, rather than
    after them, when the 增容 stage of a run of both waits for it (the 50,000-plot district:
    0.8 s; measured alternately, the one run gained about 0.5 s, within its run-to-run spread).
    Where no child can be forked it is measured at once. ``children``: the run's stack, which
    stops the child when the run fails first.
    """
    buildings = reads["buildings"].data if "buildings" in reads else None
    if buildings is None or not len(buildings):
        return lambda: None
    from landgov.core.forked import start

    pending = start(buildings_on_plots, parcels, buildings, profile=profile)
    if children is not None:
        children.enter_context(pending)
    return pending.result


def unplaced_buildings(read: ReadResult, labels: Sequence[Any], *, source: str) -> ReadResult:
    """``read`` (the buildings) with one problem row for the buildings that went to no parcel:
    no 宗地代码 of the parcel layer and a representative point in no parcel. They are counted
    in no plot's floor area; the row says how many and which rows of the file (a buildings
    layer of the whole district holds many outside the industrial plots: 提示, not 警告)."""
    rows = read.data.loc[list(labels), "source_row"] if "source_row" in read.data else None
    shown = [] if rows is None else sorted(int(r) for r in rows.dropna())
    where = first_few(shown, _SHOWN_ROWS)
    problem = ProblemLog(source)
    problem.add(
        f"{len(labels)} 栋建筑不属于任何宗地（宗地代码不在宗地图层中，位置也不在任何宗地内），"
        f"未计入任何宗地的建筑面积" + (f"：第 {where} 行" if where else ""),
        field="宗地代码",
        action="属工业宗地上的建筑的，核对其宗地代码或图形位置；不在本次宗地范围内的无需处理",
        severity=Severity.INFO,
    )
    problems = pd.concat([read.problems, problem.frame()], ignore_index=True)
    return dataclasses.replace(read, problems=problems)


def _unmatched_records(
    reads: Mapping[str, ReadResult], parcels: pd.DataFrame, *, source: str
) -> ReadResult:
    """The compliance read with a problem row for each record whose 宗地代码 is not in the
    parcel layer and whose USCC is no enterprise of the run (enterprise table, links,
    applications): it counts for no plot (:func:`landgov.core.records.unmatched_records`)."""
    usccs: set[object] = set()
    for role in ("enterprises", "links", "applications"):
        if role in reads and "uscc" in reads[role].data.columns:
            usccs |= set(reads[role].data["uscc"].dropna().tolist())
    read = reads["compliance"]
    told = unmatched_records(
        read.data, parcel_ids=parcels["parcel_id"].tolist(), usccs=usccs, source=source
    )
    if not len(told):
        return read
    return dataclasses.replace(read, problems=pd.concat([read.problems, told], ignore_index=True))


def _unknown_zones(read: ReadResult, prof: Profile, source: str) -> ReadResult:
    """The special-zones read with a warning for each zone name the profile does not name."""
    told = unmatched_zone_names(
        read.data, tuple(prof.value("zengrong.special_zones")), source=source
    )
    if not len(told):
        return read
    return dataclasses.replace(read, problems=pd.concat([read.problems, told], ignore_index=True))


def located_buildings(
    read: ReadResult,
    placed: Sequence[tuple[Any, Any]],
    parcels: pd.DataFrame,
    *,
    source: str,
) -> ReadResult:
    """``read`` (the buildings) with one 提示 per building whose 宗地代码 is not in the parcel
    layer but whose representative point lies in a parcel: counted in that parcel's floor area
    (placing by location is reasonable), and said with its row, its code and the parcel."""
    data = read.data
    log = ProblemLog(source)
    for b, p in placed:
        row: Any = data.at[b, "source_row"] if "source_row" in data.columns else None
        code = data.at[b, "parcel_id"] if "parcel_id" in data.columns else None
        plot = parcels.at[p, "parcel_id"] if "parcel_id" in parcels.columns else p
        log.add(
            f"建筑的宗地代码 {code} 不在宗地图层中，已按位置计入宗地 {plot} 的建筑面积",
            row=None if is_missing(row) else int(row),
            field="宗地代码",
            value=code,
            action=f"核对该建筑的宗地代码（是否已变更或录错）；不属于宗地 {plot} 的，"
            "更正宗地代码或图形位置后重新运行",
            severity=Severity.INFO,
        )
    problems = pd.concat([read.problems, log.frame()], ignore_index=True)
    return dataclasses.replace(read, problems=problems)


def buildings_across(
    read: ReadResult,
    across: Sequence[tuple[Any, Any, float, Any]],
    parcels: pd.DataFrame,
    *,
    source: str,
) -> ReadResult:
    """``read`` (the buildings) with one 警告 per building counted in a plot it stands on only
    in part (:data:`landgov.far.ratio.ACROSS`): its whole floor area went to that plot, none
    to the plot (or the land outside every plot) it also stands on — both plots' 容积率 may
    be off, so the row names the building, both plots and the share."""
    data = read.data
    log = ProblemLog(source)

    def code_of(p: Any) -> Any:
        return parcels.at[p, "parcel_id"] if "parcel_id" in parcels.columns else p

    for b, p, share, other in across:
        row: Any = data.at[b, "source_row"] if "source_row" in data.columns else None
        plot = code_of(p)
        where = f"主要在宗地 {code_of(other)} 内" if other is not None else "不在任何宗地内"
        log.add(
            f"建筑轮廓有 {share:.0%} 超出所计入的宗地 {plot}（超出部分{where}），整栋建筑的"
            f"建筑面积都计入了宗地 {plot}：相关宗地的容积率和建筑系数可能不准",
            row=None if is_missing(row) else int(row),
            field="geometry",
            value=plot,
            action="核对建筑轮廓、宗地边界和该建筑的宗地代码（是否跨宗地建设或轮廓、边界画错）；"
            "确属跨宗地的，按宗地边界把建筑轮廓分割为两条记录后重新运行",
            severity=Severity.WARNING,
        )
    problems = pd.concat([read.problems, log.frame()], ignore_index=True)
    return dataclasses.replace(read, problems=problems)


def _written(
    inputs: RunInputs,
    out: Path,
    reads: dict[str, ReadResult],
    computed: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None],
    *,
    timer: StageTimer,
    prof: Profile,
    options: FarOptions,
    answers: Any,
    verified: str | Path | None,
    decided: _Decided | None,
    apart: bool,
    day: dt.date,
) -> FarPart:
    """The stage's files written (GeoParquet, sheets, forms; the GeoPackage layers unless
    ``apart``) and what it produced (:func:`_far`)."""
    screened, apps = computed
    parcels = reads["parcels"].data
    sheets = None
    with timer.stage("写出"):
        packet = packet_frame(apps, screened)
        write_parquet(_layer(screened, FAR_LAYER_COLUMNS), out / PARQUET_FAR)  # lossless
        if not apart:
            _write_layers(screened, apps, out / GPKG)
        problems = pd.concat([r.problems for r in reads.values()], ignore_index=True)
        if "applications" in reads and inputs.applications is not None:
            apps_source = Path(inputs.applications).name
            unmatched = unmatched_applications(
                reads["applications"].data, parcels, source=apps_source
            )
            problems = pd.concat([problems, unmatched], ignore_index=True)
        if answers is not None:  # every answer: used (提示, with its source) or why not
            problems = pd.concat([problems, answers.problems, used_rows(answers)],
                                 ignore_index=True)  # fmt: skip
        if decided is not None:
            problems = pd.concat([problems, decided.problems], ignore_index=True)
        started = time.perf_counter()
        specs = _sheet_specs(packet, problems, prof)
        fixes = None
        if not apart or all(spec.decorate is None for spec in specs):
            # one load; apart: a workbook of its own, its formats past the screening's
            fixes = write_sheets(specs, out / XLSX, base=RESERVED if apart else None,
                                 page_note=page_note(day, prof))  # fmt: skip
            sheets = out / XLSX if apart else None
        xlsx_s = round(time.perf_counter() - started, 3)
    with timer.stage("初审表"):
        written = _write_forms((apps, screened), out, mode=options.forms,
                               township=options.township)  # fmt: skip
    timer.close()
    timer.timings[XLSX_TIMING] = xlsx_s
    extra: dict[str, Any] = {"xlsx_text_fixes": {} if fixes is None else fixes.note()}
    extra["verified"] = (
        None if answers is None or verified is None else verified_entry(verified, answers)
    )
    extra["overrides"] = None if decided is None else decided.summary
    extra["counts"] = _counts(screened, apps)
    run = FarRun(screened, apps, packet, written, extra,
                 problems if fixes is None else fixes.added_to(problems))  # fmt: skip
    described = {
        role: describe_input(path, reads.get(role)) for role, path in inputs.files().items()
    }
    return FarPart(run, described, timer.timings, problems, out, sheets,
                   None if sheets is None else RESERVED)  # fmt: skip


def _sheet_specs(packet: pd.DataFrame, problems: pd.DataFrame, prof: Profile) -> list[SheetSpec]:
    """The stage's sheets: the packet, 增容问题记录 and 政策依据 (the clauses of both stages)."""
    own = SheetSpec(problems, "增容问题记录", labels=LABELS, problems=True)
    return [packet_sheet(packet), own, basis_spec(prof, [packet])]


def _write_layers(screened: gpd.GeoDataFrame, apps: gpd.GeoDataFrame | None, gpkg: Path) -> None:
    write_layer(_layer(screened, FAR_LAYER_COLUMNS), gpkg, layer="far")
    if apps is not None:
        write_layer(_layer(apps, FAR_LAYER_COLUMNS), gpkg, layer="far_applications")


def _layers_into(part: FarPart, gpkg: Path) -> None:
    """Far's layers into the run's GeoPackage ``gpkg``: those the child wrote apart copied at
    the SQLite level (:mod:`landgov.reports._gpkgcopy`) or, as the file, moved in when there is
    no GeoPackage yet; else (none written apart, or a GeoPackage the copy does not handle)
    written from the frames."""
    run = part.run
    names = ["far"] if run.applications is None else ["far", "far_applications"]
    if part.layers is not None:
        if not gpkg.exists():
            part.layers.replace(gpkg)
            return
        try:
            copy_layers(part.layers, gpkg, names)
        except CopyUnsupportedError:
            pass
        else:
            part.layers.unlink()
            return
    try:
        screened = run.screened
    except NotKeptError:  # the frame stayed in the child: the layers it wrote, through GDAL
        assert part.layers is not None  # the child writes them apart (_far with apart)
        for name in names:
            copy_layer_through_gdal(part.layers, gpkg, layer=name)
        part.layers.unlink()
        return
    _write_layers(screened, run.applications, gpkg)


def _merged(sheets: Path | None, xlsx: Path, base: StyleBase | None = None) -> bool:
    """Whether the workbook ``sheets`` (the stage's own, its formats starting at ``base``)
    could be merged into ``xlsx``."""
    if sheets is None:
        return False
    if not xlsx.exists():
        if base is not None:  # fillers and no sheet selected: written again as a workbook
            return False
        sheets.replace(xlsx)
        return True
    try:
        # the draft add_sheets would write: it is written
        add_sheets(xlsx, sheets.replace, base=base)
    except MergeUnsupportedError:
        return False
    return True


def _far_into(part: FarPart, out: Path, *, profile: Profile, day: dt.date) -> FarPart:
    """Finish a stage computed apart (:func:`start_far`) in the run folder ``out``: its own
    files moved in, its GeoPackage layers copied in, its sheets merged into the workbook.

    The time taken is added to the stage ``写出`` (and to its Excel share), which is then the
    writing done in the child plus this last part, done after the screening.
    """
    started = time.perf_counter()
    run = part.run
    for name in (PARQUET_FAR, FORMS_DIR, PRECHECK_DIR):
        if (part.folder / name).exists():
            (part.folder / name).replace(out / name)
    run.forms = [out / path.relative_to(part.folder) for path in run.forms]
    # the layers by a second thread (SQLite and GDAL let go of the GIL) while the sheets are
    # merged; a failure of theirs is raised first, as when they were written before the sheets
    with ThreadPoolExecutor(max_workers=1) as worker:
        layers = worker.submit(_layers_into, part, out / GPKG)
        merged = time.perf_counter()
        try:
            # not merged: written as a run of far alone writes them
            if not _merged(part.sheets, out / XLSX, part.sheets_base):
                written = write_sheets(_sheet_specs(run.packet, part.problems, profile),
                                       out / XLSX, page_note=page_note(day, profile))  # fmt: skip
                run.problems = written.added_to(part.problems)
                run.manifest["xlsx_text_fixes"] = written.note()
        except BaseException:
            layers.result()
            raise
        xlsx_s = time.perf_counter() - merged
        layers.result()
    timings = dict(part.timings)
    timings["写出"] = round(timings["写出"] + time.perf_counter() - started, 3)
    timings[XLSX_TIMING] = round(timings[XLSX_TIMING] + xlsx_s, 3)
    return FarPart(run, part.inputs, timings, part.problems, out)


@dataclass(frozen=True)
class _Decided:
    """The outcome of applying a condition overrides workbook: problems and manifest entry."""

    problems: pd.DataFrame
    summary: dict[str, Any]


def _overridden(
    screened: gpd.GeoDataFrame, apps: gpd.GeoDataFrame | None, path: str | Path, day: dt.date
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None, _Decided]:
    """Plots and applications with the 增容 condition overrides applied (run.far_overrides);
    a workbook written for a run of another year's 基准日 than ``day`` is refused."""
    from landgov.core.editable import no_common_keys
    from landgov.core.problems import ProblemLog, Severity
    from landgov.errors import InputError
    from landgov.run.far_overrides import (
        KEY,
        SOURCE,
        apply_condition_overrides,
        condition_summary,
        problems_frame,
        read_condition_overrides,
    )

    decided = read_condition_overrides(path, as_of=day)
    screened, p1, c1 = apply_condition_overrides(screened, decided, id_column="parcel_id")
    apps, p2, c2 = apply_condition_overrides(apps, decided, id_column="application_id")
    known = set(screened["parcel_id"].dropna().astype(str))
    if apps is not None:
        known |= set(apps["application_id"].dropna().astype(str))
    foreign = no_common_keys(
        decided.source or SOURCE, decided.ids, known, what="增容条件人工认定表", field="编号",
        action="请给出用 landgov override --far 从本次运行（同一宗地图层和增容申请表）写出的认定表",
    )  # fmt: skip
    if foreign is not None:  # another county's form: every decision a warning, none applied
        raise InputError([foreign])
    log = ProblemLog(SOURCE)
    unknown = decided.rows[~decided.rows["编号"].astype(str).isin(known)]
    for rec in unknown.to_dict("records"):
        log.add(
            f"人工认定的 {rec['编号']} 已不在本次宗地图层或增容申请表中，未采用",
            row=int(rec["行号"]), field=KEY, value=rec[KEY],
            action="核对该宗地或申请是否已注销、改号或撤回，撤回或改写该认定",
            severity=Severity.WARNING,
        )  # fmt: skip
    counts = {k: c1[k] + c2[k] for k in c1}
    summary = condition_summary(path, decided, counts, unknown=len(unknown))
    problems = problems_frame(decided.problems, p1, p2, log.frame())
    return screened, apps, _Decided(problems, summary)


def _manifest(
    described: Mapping[str, Any],
    prof: Profile,
    day: dt.date,
    run: FarRun,
    *,
    timings: dict[str, float],
    out: Path,
) -> dict[str, Any]:
    """The ``far`` section of ``manifest.json`` (same keys as ``screen``, ``docs/schema.md``);
    its ``counts`` are those :func:`_written` made (:func:`_counts`), so that a plot frame
    computed apart is not read for them."""
    apps, counts = run.applications, run.manifest["counts"]
    return {
        "command": "landgov far",
        "landgov_version": __version__,
        "generated_at": now_text(),
        "as_of": day.isoformat(),
        "profile": {
            "name": prof.name,
            "version": prof.version,
            "title": prof.title,
            "chain": list(prof.chain),
        },
        "inputs": dict(described),
        "outputs": {
            "gpkg": str(out / GPKG),
            "xlsx": str(out / XLSX),
            "geoparquet": {"far": str(out / PARQUET_FAR)},
            "forms_dir": str(out / FORMS_DIR),
            "rows": {
                "far": counts["parcels"],
                "far_applications": 0 if apps is None else len(apps),
                "packet": len(run.packet),
                "problems": len(run.problems),
                "forms": len(run.forms),
            },
            "xlsx_text_fixes": run.manifest.get("xlsx_text_fixes", {}),
        },
        "verified": run.manifest.get("verified"),
        "overrides": run.manifest.get("overrides"),
        "counts": counts,
        "timings_s": timings,
    }


def _counts(screened: gpd.GeoDataFrame, apps: gpd.GeoDataFrame | None) -> dict[str, Any]:
    """The ``counts`` of the ``far`` manifest section: plots per verdict, candidates,
    applications."""
    candidates = candidate_counts(screened, apps)
    return {
        "parcels": len(screened),
        "screening": zengrong_counts(screened),
        "candidates": candidates.total,
        "candidates_applied": candidates.applied,
        "candidates_in_packet": candidates.in_packet,
        "candidates_by_township": _candidates_by_township(screened),
        "far_source": {str(k): int(v) for k, v in screened["far_source"].value_counts().items()},
        "applications": application_counts(apps),
        "units": {"screening": PLOT, "candidates": PLOT, "applications": APPLICATION},
    }
