"""``landgov screen PROVINCE_DIR``: the whole province, county by county, locally or on Dask.

:func:`run_province` reads ``province.json`` (:mod:`landgov.province.layout`), gives every county
its own profile (:mod:`landgov.province.profile`) and screens the counties one at a time
(``engine="local"``) or as tasks on ``dask.distributed`` (``engine="dask"``: a ``LocalCluster``
by default, ``scheduler="tcp://host:8786"`` for a running one); ``engine="auto"`` (the command's
default) takes Dask where it can use two cores or more and local otherwise, and local when the
``LocalCluster`` cannot be started, saying why in the manifest. Each county is a whole district
run (:func:`landgov.province.county.screen_county`); no spatial operation crosses counties, so
no data is partitioned below the county and dask-geopandas is not needed for the run itself.
The driver appends the counties to the province layers **in index order** as their results
arrive, so both engines write the same rows in the same order, and never holds more than one
county's rows. Output folder::

    OUT/
      manifest.json        province section: engine, CRS, profiles, counties (done / failed),
                           rows in = out + rejected per county and in total, sheet splits
      province.parquet     底数清单 of every county, EPSG:4490 (GeoParquet)
      province.gpkg        layers parcels (底数清单) and governance (治理清单), EPSG:4490
      province.xlsx        县区汇总 (with 警告), 地市汇总 (地级市 + 全省) against targets,
                           跨县重复宗地 (plots in more than one county), 处理失败, 说明
      counties/<code>_<name>/   each county's own run folder (landgov.gpkg, landgov.xlsx,
                                manifest.json), areas in the county's own projected CRS

A county that fails (a bad file) is reported with its error and the file it names, and the
others finish and are written; :meth:`ProvinceRun.failure` is then the error the command exits
with (「错误：」, non-zero) after everything else is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import logging
import os
import re
import secrets
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from landgov import __version__
from landgov.core.dates import parse_as_of
from landgov.core.runfolder import (
    MANIFEST,
    file_sha256,
    file_stamp,
    now_text,
    read_manifest,
    recover_leftovers,
)
from landgov.errors import DataFileError, InputError, Issue
from landgov.io._layercheck import _ARCHIVES
from landgov.policy import load_profile
from landgov.province.county import PROVINCE_CRS, CountyJob, screen_county
from landgov.province.layout import CountyEntry, ProvinceIndex, read_index
from landgov.province.outputs import (
    WORKBOOK,
    ProvinceLayers,
    cross_county_repeats,
    headers,
    summary_records,
    summary_tables,
)
from landgov.province.profile import DEFAULT_PROVINCE_PROFILE, load_province_profile
from landgov.province.scheduler import SchedulerError, connect_scheduler

__all__ = ["ENGINES", "CountyFailureError", "ProvinceRun", "run_province"]

#: ``auto`` runs on Dask where that uses more than one core (:func:`_chosen_engine`), else local.
ENGINES = ("auto", "local", "dask")
_PARTS = ".parts"
Echo = Callable[[str], object]


class CountyFailureError(InputError):
    """Counties of a province run failed; the others were finished and written."""

    def __init__(self, issues: Sequence[Issue], *, done: int, out: Path) -> None:
        super().__init__(issues)
        lines = [
            f"{len(self.issues)} 个县（市、区）处理失败；其余 {done} 个已完成，"
            f"结果已写出到「{out}」（失败的县见 manifest.json 的 failed 与 province.xlsx 的"
            "「处理失败」表）："
        ]
        lines += [f"  {i}. {issue}" for i, issue in enumerate(self.issues, 1)]
        self.args = ("\n".join(lines),)


@dataclass(frozen=True)
class ProvinceRun:
    """What a province run produced (also in ``OUT/manifest.json``)."""

    out_dir: Path
    manifest: dict[str, Any]
    counties: pd.DataFrame
    cities: pd.DataFrame

    def failure(self) -> CountyFailureError | None:
        """The error naming every failed county, its file and what to do; ``None``: none failed."""
        section = self.manifest["province"]
        failed = section["failed"]
        if not failed:
            return None
        issues = [
            Issue(
                f["file"],
                None,
                f"{f['code']} {f['name']}",
                "该县（市、区）处理失败：" + re.sub(r"\s*\n\s*", " ", str(f["error"]).strip()),
                "按上述提示修正该县的文件（可先用 landgov inspect 检查），再重新运行全省；"
                "其他县的结果已写出，不受影响",
            )
            for f in failed
        ]
        return CountyFailureError(issues, done=section["rows"]["counties_done"], out=self.out_dir)


def _jobs(
    index: ProvinceIndex, profile: Any, out: Path, *, as_of: str, aliases: Any
) -> list[CountyJob]:
    """One job per county; its run folder is ``counties/<code>_<name>`` by the county table's
    name (a ``name`` written in the index, maybe wrong or holding 「/」 or 「..」, is shown but
    never a path)."""
    from landgov.province.counties import county

    return [
        CountyJob(
            code=c.code,
            name=c.name,
            city_code=c.city_code,
            city=c.city,
            files={role: str(p) for role, p in c.files.items()},
            profile=profile.profile_for(c.code),
            out_dir=str(out / "counties" / county(c.code).folder),  # not the index's name
            part=str(out / _PARTS / f"{c.code}.arrow"),
            as_of=as_of,
            aliases=aliases,
            folder=str(c.folder),
        )
        for c in index.counties
    ]


def _local(jobs: Sequence[CountyJob]) -> Iterator[dict[str, Any]]:
    """Each county in this process, one after another; a county whose work raises an error
    ``screen_county`` does not expect fails alone, as a Dask task's does (:func:`_dask`)."""
    for job in jobs:
        try:
            result = screen_county(job)
        except Exception as exc:  # same reading as the Dask engine: that county failed
            result = _failed(job, exc)
        yield result


def _failed(job: CountyJob, exc: BaseException) -> dict[str, Any]:
    return {
        "code": job.code,
        "name": job.name,
        "city_code": job.city_code,
        "city": job.city,
        "profile": job.profile,
        "ok": False,
        "error": f"任务失败（{type(exc).__name__}）：{exc}",
        "error_type": type(exc).__name__,
        "error_file": str(Path(job.files["parcels"]).parent),
    }


@dataclass(frozen=True)
class _Engine:
    """The engine a run uses: ``name`` (``local`` or ``dask``), the ``workers`` of its own
    ``LocalCluster`` (``None``: none), and why ``auto`` chose it (``None``: chosen by name)."""

    name: str
    workers: int | None = None
    why: str | None = None


def _chosen_engine(engine: str, *, scheduler: str | None, workers: int, counties: int) -> _Engine:
    """The engine ``engine`` names; for ``auto``, Dask where it uses more than one core.

    ``auto`` is Dask with a ``LocalCluster`` of ``min(workers, usable CPUs, counties)`` workers
    when that is two or more and ``dask.distributed`` is installed (the counties run two or more
    at a time: 415.4 s against 528.5 s for 1,000,000 parcels on 2 cores, docs/province.md);
    with ``scheduler``, Dask on that scheduler; else local.
    """
    if engine != "auto":
        mine = None if engine == "local" or scheduler else max(1, int(workers))
        return _Engine(engine, mine)
    if scheduler:
        return _Engine("dask", None, f"自动：给出了调度器 {scheduler}")
    from importlib.util import find_spec

    from landgov.core.forked import usable_cpus

    cpus = usable_cpus()
    n = min(max(1, int(workers)), cpus, counties)
    if n < 2:
        why = (
            f"本机可用 {cpus} 个核" if cpus < 2
            else f"只有 {counties} 个县（市、区）" if counties < 2
            else "工作进程数为 1"
        )  # fmt: skip
        return _Engine("local", None, f"自动：{why}，逐县运行")
    if find_spec("distributed") is None:
        return _Engine("local", None, "自动：未安装 dask.distributed，逐县运行")
    return _Engine("dask", n, f"自动：本机可用 {cpus} 个核，{n} 个 Dask 工作进程并行各县")


#: What the run's own ``LocalCluster`` sets for its workers beside dask.distributed's defaults
#: (measured on 10 counties of 11,111 parcels, 2 workers, two runs each way, alternately:
#: 8.05-8.16 s a county with Dask's defaults, 7.59-7.65 s without the profiler, 7.28-7.31 s
#: without both, the system CPU time of the run 7.8 s -> 4.3 s; the code before and after,
#: alternately: 8.16-8.34 s against 7.22-7.27 s):
#:
#: - no statistical profiler: each worker samples its task's stack every 10 ms for the
#:   dashboard's profile page, and this cluster has no dashboard;
#: - no ``MALLOC_TRIM_THRESHOLD_``: dask.distributed gives its workers 65536, which turns off
#:   glibc's growing mmap threshold, so that every big array is a fresh mmap and its pages
#:   fresh faults; the workers free memory as Python does. A user's own value in the
#:   environment still reaches them.
#:
#: - the event loop's tick every 1 s, not 20 ms; the system monitor every 5 s, not 0.5 s; the
#:   memory monitor every 1 s, not 0.1 s: they sample for the dashboard and warn of a blocked
#:   loop (this cluster has neither dashboard nor logs), and a county's memory grows over
#:   seconds. On 12 counties of 11,111 parcels (2 workers, nothing else running, 2026-12-07),
#:   each worker's CPU beside its county's own thread fell from 0.36 to 0.27 s a county, the
#:   run's main process (the nannies) from 6.3 to 5.8 s.
#:
#: A cluster given with ``--scheduler`` keeps its own settings.
OWN_CLUSTER: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def _client(scheduler: str | None, workers: int | None) -> tuple[Any, Any]:
    """A Dask client on ``scheduler``, or on a ``LocalCluster`` of its own (then returned too,
    its workers set as :data:`OWN_CLUSTER` says)."""
    import dask
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return connect_scheduler(scheduler), None
    # the workers leave Ctrl+C to this process, which stops them
    with _no_ctrl_c(), dask.config.set(OWN_CLUSTER):
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
            # its HTTP server (Dask starts one without a dashboard) on a free port of this
            # machine, not on 8787 (a Jupyter's or another cluster's)
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
            # a worker killed as the run ends, or its heartbeat to a scheduler already closing
            # (logged with a traceback), is no news to the user: a county's error is its result
            silence_logs=logging.CRITICAL,
        )  # fmt: skip
    try:
        return Client(cluster), cluster
    except BaseException:
        cluster.close()
        raise


@contextlib.contextmanager
def _no_ctrl_c() -> Iterator[None]:
    """Processes started inside ignore Ctrl+C (SIGINT), in the main thread of this process.

    A terminal sends Ctrl+C to every process of its group: the ``LocalCluster``'s nannies and
    workers printed their tracebacks while this process stopped them (its ``finally``). An
    ignored signal stays ignored in a started process, and Python then installs no handler
    of its own; the handler of this process is given back at once.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _started(chosen: _Engine, *, engine: str, scheduler: str | None) -> tuple[_Engine, Any, Any]:
    """``chosen`` started: (the engine, its Dask client, its own ``LocalCluster``; ``None`` where
    there is none). ``auto`` runs locally when its ``LocalCluster`` cannot be started."""
    if chosen.name != "dask":
        return chosen, None, None
    try:
        client, cluster = _client(scheduler, chosen.workers)
    except Exception as exc:
        said = isinstance(exc, SchedulerError)  # said in Chinese already
        seen = str(exc) if said else f"{type(exc).__name__}：{str(exc)[:160]}"
        if scheduler:  # the user's cluster: never run elsewhere in its place
            verb = "无法使用" if isinstance(exc, SchedulerError) and exc.reached else "无法连接"
            issue = Issue("--scheduler", None, scheduler, f"{verb} Dask 调度器（{seen}）",
                          "检查地址与端口、调度器是否已启动、本机能否访问它（docs/dask.md）；"
                          "或不加 --scheduler，在本机运行")  # fmt: skip
            raise InputError([issue]) from exc
        if engine != "auto":
            issue = Issue("--engine", None, engine, f"本机 Dask 集群未能启动（{seen}）",
                          "改用 --engine local（逐县运行）或 --engine auto"
                          "（启动失败时逐县运行）")  # fmt: skip
            raise InputError([issue]) from exc
        why = f"自动：本机 Dask 集群未能启动（{seen}），逐县运行"
        return _Engine("local", None, why), None, None
    return chosen, client, cluster


def _dask(jobs: Sequence[CountyJob], *, client: Any) -> Iterator[dict[str, Any]]:
    """Submit every county at once; yield the results in job order as they arrive."""
    futures = client.map(
        screen_county, list(jobs), key=[f"landgov-county-{j.code}" for j in jobs], pure=False
    )
    for job, future in zip(jobs, futures, strict=True):
        try:
            yield future.result()
        except Exception as exc:  # a lost worker or a task error: that county failed
            yield _failed(job, exc)
        future.release()


def _close(client: Any, cluster: Any) -> None:
    """Close ``client``, and ``cluster`` when it is the run's own (``None``: a scheduler's)."""
    if cluster is not None:  # our own workers: let them exit at once (see _fast_exit)
        client.run(_fast_exit, on_error="ignore")
    client.close()
    if cluster is not None:
        cluster.close()


def _fast_exit() -> None:
    """Set a worker's objects aside from the garbage collector before it is closed.

    A worker that screened counties holds millions of objects (modules, caches); the collection
    Python makes when the process ends walks them all, which took longer than the 4 s a
    ``LocalCluster`` waits before killing the worker (3.5 s of every run, measured). The objects
    are freed when the process ends all the same.
    """
    gc.freeze()


#: In a province output folder while its run is written; removed once the manifest is (a
#: folder holding it is a run cut short: a hard kill, a power failure), which the next run
#: replaces.
_INCOMPLETE = ".landgov-province-incomplete"


def _prepare(out: Path, root: Path, say: Echo) -> Path | None:
    """Make ``out`` ready for a province run and mark it incomplete (:data:`_INCOMPLETE`).

    ``out`` may be missing or empty, a province run cut short (removed) or an earlier province
    run, which is set aside beside it and returned: :func:`_abandon` puts it back if this run
    does not finish, and it is removed once this one is sealed. An earlier run that a killed
    run had set aside is put back first (:func:`landgov.core.runfolder.recover_leftovers`).
    Anything else is refused.
    """
    out = out.resolve()
    if out == root.resolve() or root.resolve() in out.parents:
        raise DataFileError(  # a message: DataFileError takes text, not Issues
            str(Issue(str(out), None, None, "输出文件夹在省级数据文件夹之内", "换一个输出文件夹"))
        )
    if (out / _INCOMPLETE).is_file():
        shutil.rmtree(out)
        say(f"已清理上次中断、未完成的省级运行结果 {out}")
    recover_leftovers(out, say)
    old = None
    if out.exists() and any(out.iterdir()):
        manifest = read_manifest(out)
        if not (isinstance(manifest, Mapping) and "province" in manifest):
            raise DataFileError(
                str(
                    Issue(
                        str(out), None, sorted(p.name for p in out.iterdir())[:5],
                        "输出文件夹不是空的，也不是 landgov 省级运行结果，不会写入或删除",
                        "换一个空文件夹，或先移走其中的文件",
                    )
                )
            )  # fmt: skip
        old = out.with_name(f".{out.name}.landgov-old-{secrets.token_hex(4)}")
        out.rename(old)
    out.mkdir(parents=True, exist_ok=True)
    (out / _INCOMPLETE).touch()
    return old


def _abandon(out: Path, old: Path | None) -> None:
    """A run that did not finish: its folder removed, the earlier run (``old``) put back."""
    shutil.rmtree(out, ignore_errors=True)
    if old is not None and not out.exists():
        old.rename(out)


def _province_targets(profile_name: str) -> dict[str, Any]:
    prof = load_profile(profile_name)
    keys = {
        "tax_per_mu": "targets.province_tax_per_mu",
        "value_added_per_mu": "targets.province_value_added_per_mu",
        "renewal_mu": "targets.province_renewal_mu",
        "year": "targets.province_year",
        "renewal_year": "targets.province_renewal_year",
    }
    out: dict[str, Any] = {k: prof.value(v, None) for k, v in keys.items()}
    cited = [k for k in keys.values() if k in prof and prof.citation(k) is not None]
    out["source"] = "；".join(sorted({str(prof.citation(k)) for k in cited}))
    return out


def _unlisted(index: ProvinceIndex) -> dict[str, str]:
    """Folders and archives (.zip, .rar, .7z) of the province folder that no county of the
    index uses (hidden ones and ``__MACOSX`` aside), each with what it is: a county left out of
    ``province.json`` or sent zipped would otherwise be missing without a word, and a second
    folder of a listed county (a 补报 beside the first delivery) silently left out of the
    totals."""
    from landgov.province.counties import county, not_a_county

    used = {c.folder.resolve() for c in index.counties}
    used |= {p.resolve().parent for c in index.counties for p in c.files.values()}
    listed = {c.code: c for c in index.counties}
    notes: dict[str, str] = {}
    for path in sorted(index.root.iterdir()):
        name, packed = path.name, path.is_file() and path.suffix.lower() in _ARCHIVES
        if name.startswith(".") or name in _SYSTEM_FOLDERS or path.resolve() in used:
            continue
        if not (path.is_dir() or packed):
            continue
        code = _folder_code(name)
        note = "未列入 province.json，未参与本次筛查（如属漏列，补入后重新运行）"
        if packed:  # a county sent zipped would otherwise be missing without a word
            note = (
                "是压缩包，未解压、未参与本次筛查（如其中是某县的数据，解压为省级文件夹中的"
                "一个文件夹并在 province.json 中列出后重新运行）"
            )
            if code in listed:
                note += f"；名称中的县级代码 {code} 是已列入的 {listed[code].label}"
        elif code in listed:
            entry = listed[code]
            note = (
                f"县级代码 {code} 与已列入的 {entry.label} 相同，只筛查了 province.json 所列的"
                f"文件夹「{entry.folder.name}」，此文件夹未列入、未参与本次筛查"
                "（如为补报或更正的数据，核对后在 province.json 中只保留应采用的一个）"
            )
        elif code is not None:
            try:
                county(code)
            except KeyError:
                problem = not_a_county(code)[0].replace(f"「{code}」", "")
                note = f"文件夹名中的「{code}」{problem}；" + note
        notes[name] = note
    return notes


#: folders an operating system leaves in an unpacked archive (macOS resource forks), no data
_SYSTEM_FOLDERS = frozenset({"__MACOSX"})


def _folder_code(name: str) -> str | None:
    """The county code a folder name starts with (``330602_越城区`` → ``330602``), if any."""
    return name[:6] if name[:6].isdigit() and not name[6:7].isdigit() else None


def _index_warnings(index: ProvinceIndex, prov: Any) -> dict[str, list[str]]:
    """County code → 警告 about its entry of the index: a folder whose name carries another
    county's code, a name that is not the county's, a folder another county also uses.

    The county is still judged as the index says (its code, so its profile); a folder of
    another county's data fails there (its 宗地代码 or its place say so), so what is left to
    say here is the disagreement itself, which would otherwise go unseen.
    """
    from landgov.province.counties import county

    out: dict[str, list[str]] = {c.code: [] for c in index.counties}
    users: dict[Path, list[str]] = {}
    for c in index.counties:
        users.setdefault(c.folder.resolve(), []).append(c.label)
    for c in index.counties:
        said = _folder_code(c.folder.name)
        if said is not None and said != c.code:
            try:
                other = f"{said}（{county(said).name}）"
            except KeyError:
                other = f"{said}（不是浙江省的县级代码）"
            out[c.code].append(
                f"文件夹「{c.folder.name}」名称中的县级代码是 {other}，province.json 却列为 "
                f"{c.label}；本次按 {c.label} 及其评判配置 {prov.profile_for(c.code)} 筛查。"
                "处理：核对该文件夹是哪个县的数据，改正文件夹名或 province.json 中的 code / folder"
            )
        if c.listed_name is not None and c.listed_name != c.name:
            out[c.code].append(
                f"province.json 中 {c.code} 的名称「{c.listed_name}」与区划代码表的「{c.name}」"
                f"不符；本次按县级代码 {c.code}（{c.name}）筛查，结果中写作「{c.name}」。"
                "处理：改正 province.json 中该县的 name 或 code"
            )
        listed_city = _listed_city(c)
        if listed_city is not None:
            out[c.code].append(
                f"province.json 中 {c.label} 的地级市写作{listed_city}，区划代码表为 "
                f"{c.city_code} {c.city}；本次计入{c.city}。处理：改正 province.json 中该县的 "
                "city / city_code，或核对 code"
            )
        others = [label for label in users[c.folder.resolve()] if label != c.label]
        if others:
            out[c.code].append(
                f"文件夹「{c.folder.name}」也被 {'、'.join(others)} 使用："
                "同一份数据不能属于两个县。处理：改正 province.json 中各县的 folder"
            )
    return {code: notes for code, notes in out.items() if notes}


def _listed_city(c: CountyEntry) -> str | None:
    """How province.json gives ``c``'s city where it is not the register's (「「杭州市」（3301）」),
    else ``None``: a slip would have counted the county in another city's total."""
    given = {k: str(c.extra[k]).strip() for k in ("city_code", "city") if c.extra.get(k)}
    if given.get("city_code", c.city_code) == c.city_code and given.get("city", c.city) == c.city:
        return None
    name, code = given.get("city"), given.get("city_code")
    return "".join([f"「{name}」" if name else "", f"（{code}）" if code else ""])


def _result_warnings(r: Mapping[str, Any]) -> list[str]:
    """警告 about a finished county's own result: no plot of it is usable; 宗地代码 of another
    county among its own (the worker's ``notes``)."""
    notes = list(r.get("notes") or [])
    if r.get("ok") and r["rows_out"] == 0:
        return [
            *notes,
            f"没有可用的宗地：宗地输入 {r['rows_in']} 行全部剔除（每行的原因见该县工作簿的"
            "「问题记录」表），计入全省的宗地为 0 宗。"
            "处理：按问题记录修正该县的宗地图层后重新运行全省",
        ]
    return notes


def _repeat_notes(repeats: pd.DataFrame, results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Plots in more than one county (:func:`cross_county_repeats`): a 警告 added to each such
    county's ``warnings``, and the manifest's ``cross_county_repeats`` (``note``: the 警告 of
    the province, ``None`` when there is none)."""
    pairs = repeats.drop_duplicates(["parcel_id", "county_code"])
    extra = pairs[pairs.duplicated("parcel_id")]
    area = float(pd.to_numeric(extra["area_mu"], errors="coerce").fillna(0).sum())
    n_ids = int(repeats["parcel_id"].nunique())
    note = None
    if n_ids:
        note = (
            f"警告：{n_ids} 个宗地代码同时出现在 2 个及以上县（市、区）的文件中"
            f"（共 {len(repeats)} 行，见「跨县重复宗地」表）。各县的结果保留全部行；"
            "全省与地市合计是各县结果之和，"
            f"这些宗地重复计入 {len(extra)} 宗、{area:.2f} 亩（见地市汇总「跨县重复计入宗地数」"
            "「跨县重复计入面积（亩）」列）。处理：核对这些宗地属于哪个县，从其他县的文件中删去后"
            "重新运行全省"
        )
    for r in results:
        mine = set(pairs.loc[pairs["county_code"] == r["code"], "parcel_id"])
        if not mine:
            continue
        others = pairs[pairs["parcel_id"].isin(mine) & (pairs["county_code"] != r["code"])]
        named = zip(others["county_code"], others["county"], strict=True)
        labels = "、".join(sorted({f"{c} {n}" for c, n in named}))
        r["warnings"].append(
            f"跨县重复：{len(mine)} 宗的宗地代码也在 {labels} 的文件中，全省与地市合计中重复计入"
            "（见 province.xlsx「跨县重复宗地」表）。处理：核对这些宗地属于哪个县，"
            "从其他县的文件中删去后重新运行全省"
        )
    records = json.loads(repeats.head(1000).to_json(orient="records", force_ascii=False))
    return {
        "parcel_ids": n_ids,
        "rows": len(repeats),
        "repeated_rows": len(extra),
        "repeated_area_mu": round(area, 6),
        "counting": "各县结果保留全部行；全省与地市合计为各县结果之和，跨县重复的宗地在其所在的"
        "每个县各计一次（重复计入的宗数与亩数见 repeated_rows、repeated_area_mu 与地市汇总）",
        "note": note,
        "listed": records,
        "listed_all": len(records) == len(repeats),
    }


def _account(results: Sequence[Mapping[str, Any]], layer_rows: int) -> dict[str, Any]:
    done = [r for r in results if r["ok"]]
    rows_in = sum(r["rows_in"] for r in done)
    rows_out = sum(r["rows_out"] for r in done)
    rejected = sum(r["rows_rejected"] for r in done)
    per_county = all(
        r["rows_in"] == r["rows_out"] + r["rows_rejected"] and r["rows_written"] == r["rows_out"]
        for r in done
    )
    return {
        "in": rows_in,
        "out": rows_out,
        "rejected": rejected,
        "province_layer": layer_rows,
        "balanced": per_county and rows_in == rows_out + rejected and layer_rows == rows_out,
        "counties_done": len(done),
        "counties_failed": len(results) - len(done),
    }


def _county_entry(r: Mapping[str, Any], out: Path) -> dict[str, Any]:
    keep = (
        "code", "name", "city_code", "city", "profile", "profile_version", "ok", "rows_in",
        "rows_out", "rows_rejected", "rows_written", "governance", "crs_in", "crs_areas",
        "sheets_split", "warnings",
        "seconds", "error", "error_type", "error_file",
    )  # fmt: skip
    entry = {k: r[k] for k in keep if k in r}
    if r.get("ok"):
        entry["balanced"] = r["rows_in"] == r["rows_out"] + r["rows_rejected"]
        entry["folder"] = Path(r["out"]).relative_to(out).as_posix()
    return entry


def run_province(
    root: str | Path,
    *,
    out_dir: str | Path,
    profile: str | Path | None = None,
    as_of: dt.date | str | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    aliases: Mapping[str, Iterable[str]] | None = None,
    echo: Echo | None = None,
) -> ProvinceRun:
    """Screen every county of a province folder and write the province outputs.

    Parameters
    ----------
    root
        The province folder (holding ``province.json``).
    out_dir
        Output folder: missing, empty, or an earlier province run, replaced only when this
        one is sealed (a run that fails or is stopped leaves the earlier one as it was).
    profile
        A province profile (or one profile for every county); default: the index's
        ``profile``, else ``zhejiang-province-2023``.
    as_of
        Reference date (default: today).
    engine
        ``"local"`` (one county after another in this process), ``"dask"``, or ``"auto"``
        (what ``landgov screen`` runs: Dask where it can use two cores or more, else local;
        :func:`_chosen_engine`).
    scheduler
        Dask scheduler address (``tcp://host:8786``); ``None``: a ``LocalCluster``.
    workers
        Workers of the ``LocalCluster`` (one thread each); ``auto`` takes no more than the
        usable CPUs and the counties.
    aliases
        Extra column names per field for every reader (as ``landgov screen --alias``).
    echo
        One line per county as it finishes; ``None``: quiet.
    """
    if engine not in ENGINES:
        raise InputError(
            [Issue("--engine", None, engine, "未知的计算引擎", f"使用 {' 或 '.join(ENGINES)}")]
        )
    say: Echo = echo or (lambda _t: None)
    t0 = time.perf_counter()
    # an address copied from a terminal or a mail comes with blanks; a blank one is none
    scheduler = (scheduler or "").strip() or None
    root = Path(root)
    index = read_index(root)
    unlisted = _unlisted(index)
    prov = load_province_profile(profile or index.profile or DEFAULT_PROVINCE_PROFILE)
    day = parse_as_of(as_of or None).isoformat()
    out = Path(os.path.abspath(out_dir))
    old = _prepare(out, root, say)
    try:
        run = _write(
            out, root, index, prov, unlisted, day=day, engine=engine, scheduler=scheduler,
            workers=workers, aliases=aliases, say=say, t0=t0,
        )  # fmt: skip
    except BaseException:  # Ctrl+C included: the earlier run comes back, nothing half-written
        _abandon(out, old)
        raise
    (out / _INCOMPLETE).unlink()  # sealed: the manifest is written
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return run


def _write(
    out: Path,
    root: Path,
    index: ProvinceIndex,
    prov: Any,
    unlisted: dict[str, str],
    *,
    day: str,
    engine: str,
    scheduler: str | None,
    workers: int,
    aliases: Mapping[str, Iterable[str]] | None,
    say: Echo,
    t0: float,
) -> ProvinceRun:
    """The province run into ``out`` (made ready by :func:`_prepare`), up to its manifest."""
    alias_lists = {k: list(v) for k, v in aliases.items()} if aliases else None
    jobs = _jobs(index, prov, out, as_of=day, aliases=alias_lists)
    layers = ProvinceLayers(out)
    results: list[dict[str, Any]] = []
    warned = _index_warnings(index, prov)
    for name, note in unlisted.items():
        say(f"注意：{'文件' if (root / name).is_file() else '文件夹'}「{name}」：{note}")
    labels = {c.code: c.label for c in index.counties}
    for code, notes in warned.items():
        for note in notes:
            say(f"警告：{labels[code]}：{note}")
    chosen = _chosen_engine(engine, scheduler=scheduler, workers=workers, counties=len(jobs))
    client = cluster = None
    try:
        chosen, client, cluster = _started(chosen, engine=engine, scheduler=scheduler)
        if chosen.why is not None:
            say(f"计算引擎：{chosen.why}")
        for result in _local(jobs) if client is None else _dask(jobs, client=client):
            if result["ok"]:
                result["rows_written"] = layers.append(result["part"])
                Path(result["part"]).unlink(missing_ok=True)
                say(
                    f"{result['code']} {result['name']}：完成，宗地 {result['rows_out']} 宗"
                    f"（剔除 {result['rows_rejected']} 行），配置 {result['profile']}，"
                    f"用时 {result['seconds']} 秒"
                )
            else:
                say(f"{result['code']} {result['name']}：失败：{result['error']}")
            own = _result_warnings(result)
            result["warnings"] = [*warned.get(result["code"], []), *own]
            for note in own:
                say(f"警告：{result['code']} {result['name']}：{note}")
            results.append(result)
    finally:
        if client is not None:
            _close(client, cluster)
        layers.close()
        shutil.rmtree(out / _PARTS, ignore_errors=True)
    # the layers are complete: hashed on the other core while the summary and its workbook are
    # made (province.gpkg of 1,000,000 parcels: 5.5 GB, 4.3 s of SHA-256); the thread ends
    # once they are hashed (shut down without waiting)
    hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="landgov-sha256")
    early = {
        p.name: hashing.submit(_stamped_sha256, p)
        for p in (layers.parquet, layers.gpkg)
        if p.is_file()
    }
    hashing.shutdown(wait=False)
    repeats = cross_county_repeats(layers.parquet)
    repeated = _repeat_notes(repeats, results)
    if repeated["note"]:
        say(repeated["note"])
    counties, cities = summary_tables(
        results, province_targets=_province_targets(prov.name), repeats=repeats
    )
    written = _workbook(
        out, counties, cities, results, prov_name=prov.name, unlisted=unlisted, repeats=repeats,
        repeat_note=repeated["note"],
    )  # fmt: skip
    section = {
        "command": "landgov screen",
        "landgov_version": __version__,
        "generated_at": now_text(),
        "input": str(root.resolve()),
        "title": index.title,
        "as_of": day,
        "engine": {
            "name": chosen.name,
            "scheduler": scheduler if chosen.name == "dask" else None,
            "workers": chosen.workers,
            **({} if chosen.why is None else {"requested": engine, "chosen_because": chosen.why}),
        },
        "crs": {
            "layers": PROVINCE_CRS,
            "areas": "各县（市、区）按自身投影坐标系计算面积"
            "（宗地所在的 CGCS2000 3° 带，见 counties[].crs_areas；交付的坐标系见 crs_in）",
        },
        "profile": prov.describe(),
        "counties": [_county_entry(r, out) for r in results],
        "failed": [
            {"code": r["code"], "name": r["name"], "file": r.get("error_file"), "error": r["error"]}
            for r in results
            if not r["ok"]
        ],
        "rows": _account(results, layers.rows["parcels"]),
        "cross_county_repeats": repeated,
        "unlisted_folders": list(unlisted),
        "unlisted_notes": dict(unlisted),
        "summary": summary_records(counties, cities),  # 县区汇总 / 地市汇总, read by the map
        "outputs": {
            "geoparquet": layers.parquet.name if layers.rows["parcels"] else None,
            "gpkg": layers.gpkg.name if layers.rows["parcels"] else None,
            "gpkg_layers": dict(layers.rows),
            "xlsx": WORKBOOK,
            "xlsx_sheets_split": {k: list(v) for k, v in written.splits.items()},
            "county_workbooks": {
                r["code"]: (Path(r["out"]) / "landgov.xlsx").relative_to(out).as_posix()
                for r in results
                if r["ok"]
            },
        },
        "timings_s": {"total": round(time.perf_counter() - t0, 2)},
    }
    manifest = _seal(out, section, early=early)
    return ProvinceRun(out, manifest, counties, cities)


def _workbook(
    out: Path,
    counties: pd.DataFrame,
    cities: pd.DataFrame,
    results: Sequence[Mapping[str, Any]],
    *,
    prov_name: str,
    unlisted: Mapping[str, str] | None = None,
    repeats: pd.DataFrame | None = None,
    repeat_note: str | None = None,
) -> Any:
    from landgov.reports.excel import write_workbook
    from landgov.summary import SUMMARY_LABELS

    failed = pd.DataFrame(
        [
            {
                "县级代码": r["code"],
                "县（市、区）": r["name"],
                "文件": r.get("error_file"),
                "错误": r["error"],
            }
            for r in results
            if not r["ok"]
        ],
        columns=["县级代码", "县（市、区）", "文件", "错误"],
    )
    if failed.empty:
        failed = pd.DataFrame({"说明": ["全部县（市、区）处理完成，没有失败"]})
    done = [r for r in results if r["ok"]]
    rows_in = sum(r["rows_in"] for r in done)
    rows_out = sum(r["rows_out"] for r in done)
    rejected = sum(r["rows_rejected"] for r in done)
    about = pd.DataFrame(
        {
            "项目": ["省级图层坐标系", "面积计算", "评判配置", "行数核对", "处理失败"],
            "内容": [
                f"{PROVINCE_CRS}（CGCS2000 地理坐标）",
                "各县（市、区）按自身 CGCS2000 3° 带投影坐标计算",
                f"{prov_name}：每个县（市、区）按自己的策略配置评判，见县区汇总「评判配置」列",
                f"宗地输入 {rows_in} 行 = 输出 {rows_out} 行 + 剔除 {rejected} 行"
                + ("（相符）" if rows_in == rows_out + rejected else "（不符，请检查）"),
                f"{len(results) - len(done)} 个县（市、区），见「处理失败」表",
            ],
        }
    )
    about.loc[len(about)] = [
        "跨县重复宗地",
        repeat_note or "没有宗地代码同时出现在两个及以上县（市、区）的文件中",
    ]
    for name, note in (unlisted or {}).items():
        about.loc[len(about)] = ["未列入索引的文件夹", f"{name}：{note}"]
    if repeats is None or repeats.empty:
        repeats = pd.DataFrame({"说明": ["没有宗地代码同时出现在两个及以上县（市、区）的文件中"]})
    labels = headers(SUMMARY_LABELS)
    return write_workbook(
        [
            ("县区汇总", counties),
            ("地市汇总", cities),
            ("跨县重复宗地", repeats),
            ("处理失败", failed),
            ("说明", about),
        ],
        out / WORKBOOK,
        labels=labels,
    )


def _stamped_sha256(path: Path) -> tuple[tuple[int, int], str]:
    """The file's :func:`~landgov.core.runfolder.file_stamp` when it was hashed, and its
    SHA-256."""
    return file_stamp(path), file_sha256(path)


def _seal(
    out: Path,
    section: Mapping[str, Any],
    *,
    early: Mapping[str, Future[tuple[tuple[int, int], str]]] | None = None,
) -> dict[str, Any]:
    """Write the manifest: ``section``, and every file's SHA-256 and size. A file hashed
    ``early`` (by name) keeps that hash where its size and modification time are still the
    ones it was hashed with; any other file is hashed here."""
    files = sorted(
        p for p in out.iterdir() if p.is_file() and p.name not in {MANIFEST, _INCOMPLETE}
    )

    def sha256(path: Path) -> str:
        hashed = (early or {}).get(path.name)
        if hashed is not None:
            stamp, sha = hashed.result()
            if file_stamp(path) == stamp:
                return sha
        return file_sha256(path)

    manifest = {
        "manifest_version": 1,
        "complete": True,
        "landgov_version": __version__,
        "generated_at": now_text(),
        "province": dict(section),
        "files": {p.name: {"sha256": sha256(p), "bytes": p.stat().st_size} for p in files},
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, default=str)
    (out / MANIFEST).write_text(text, encoding="utf-8")
    return manifest
