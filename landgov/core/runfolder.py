"""Run folders: one folder per job, written atomically, sealed by one manifest, never mixed.

Every command that writes results (``landgov screen``, ``landgov far``, ``landgov demo``) goes
through :func:`open_run`:

1. a lock file beside the target (``.<name>.landgov.lock``, created with ``O_EXCL``, holding
   pid, host and time) keeps a second run out; a lock whose process is gone is taken over;
2. leftovers of crashed runs beside the target are cleaned up;
3. the stage writes into a temporary folder beside the target (``.<name>.landgov-tmp-…``);
   a later stage (``far``) starts from a copy of the earlier stages' part of the old run
   (``screen``), when that part was made from the same input files;
4. on success :func:`open_run` hashes every file, writes ``manifest.json`` with
   ``"complete": true`` and swaps the folder into place; on any failure (an exception, Ctrl-C)
   the temporary folder is removed and the previous run stays as it was.

A folder that holds files but no landgov manifest is never written into or deleted. A landgov
folder is replaced by default when its files are exactly as landgov wrote them (their SHA-256
match the manifest); a folder with changed or added files (a 初审表 filled in by hand, a note)
is refused unless ``overwrite=True``. :func:`verify` checks a folder before it is mapped.
The manifest schema is documented in ``docs/schema.md`` (section *manifest.json*).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import sys
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from landgov import __version__
from landgov.core.listing import first_few
from landgov.core.runread import damaged_run_file
from landgov.core.textfile import TextFileError, office_lock_target, read_text
from landgov.errors import DataFileError, LandgovError, os_error_message

__all__ = [
    "FORMS_DIR",
    "GPKG",
    "MANIFEST",
    "MANIFEST_VERSION",
    "SECTION_KEYS",
    "STAGES",
    "XLSX",
    "RunFolder",
    "StageTimer",
    "UnwrittenOutputError",
    "describe_input",
    "file_sha256",
    "file_stamp",
    "open_run",
    "read_manifest",
    "recover_leftovers",
    "refuse_inside_run",
    "stage_line",
    "stage_view",
    "verify",
    "write_manifest",
]

GPKG = "landgov.gpkg"
XLSX = "landgov.xlsx"
MANIFEST = "manifest.json"
FORMS_DIR = "初审表"
#: Folder inside the temporary folder for files a stage writes before they are in place (a
#: stage computed in a second process while the first one still writes): never sealed.
PARTS_DIR = ".landgov-parts"
MANIFEST_VERSION = 1
#: Stages in the order they build on each other: a run of one keeps the earlier ones' part.
STAGES: tuple[str, ...] = ("screen", "far")
#: Keys every stage section of the manifest has.
SECTION_KEYS: tuple[str, ...] = (
    "command",
    "landgov_version",
    "generated_at",
    "as_of",
    "profile",
    "inputs",
    "outputs",
    "counts",
    "timings_s",
)
_STAGE_LABELS = {"screen": "筛查", "far": "增容"}
_POLL_S = 1.0
_EMPTY_LOCK_STALE_S = 60.0
Echo = Callable[[str], Any]


# --------------------------------------------------------------------------- hashes, inputs
#: Layer formats that are folders (Esri File Geodatabase): read, and hashed, as one input.
FOLDER_FORMATS = frozenset({".gdb"})


def _is_folder_format(path: Path) -> bool:
    return path.suffix.lower() in FOLDER_FORMATS


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file (and its Shapefile sidecars, in order, for ``.shp``); of a folder
    format (an Esri File Geodatabase, ``宗地.gdb``), of its files' names and contents in order.

    A part that is missing or no file is left out: the reader then says what is wrong with the
    input (「文件不存在」, 「这是一个文件夹」), in Chinese, naming it.
    """
    digest = hashlib.sha256()
    parts = [path]
    if path.suffix.lower() == ".shp":
        parts += [path.with_suffix(s) for s in (".dbf", ".shx", ".prj", ".cpg")]
    elif path.is_dir():  # any other folder is refused by the reader, unread here
        parts = sorted(p for p in path.rglob("*") if p.is_file()) if _is_folder_format(path) else []
        for part in parts:  # the names too: a file renamed is a change
            digest.update(os.fsencode(part.relative_to(path)) + b"\0")
    for part in parts:
        if part.is_file():
            with part.open("rb") as fh:
                for chunk in iter(partial(fh.read, 1 << 20), b""):
                    digest.update(chunk)
    return digest.hexdigest()


def _stamp_tells(path: Path) -> bool:
    """Whether :func:`file_stamp` of ``path`` changes whenever what :func:`file_sha256` hashes
    does: not for a Shapefile, whose .dbf, .shx, .prj and .cpg are hashed with the .shp."""
    return path.suffix.lower() != ".shp"


def file_stamp(path: Path) -> tuple[int, int]:
    """A file's size and modification time (ns): a SHA-256 made of it still holds while these
    are the same (nothing has written to it since)."""
    info = path.stat()
    return info.st_size, info.st_mtime_ns


class _Read(Protocol):
    @property
    def rows_in(self) -> int: ...
    @property
    def data(self) -> Any: ...
    @property
    def rejected(self) -> Any: ...
    @property
    def meta(self) -> Mapping[str, Any]: ...


def describe_input(path: Path, read: _Read | None = None) -> dict[str, Any]:
    """The manifest entry of one input file: path, SHA-256 and, when it was read, row counts.

    ``rows_in = rows_out + rows_rejected`` for a table or layer; a file used as it is (a
    raster) has ``None`` counts. A layer also says how its coordinate system was decided
    (``crs_source``: ``prj`` declared, ``inferred`` from the coordinates, ``corrected`` against
    its declaration, ``user``) and what was said about it (``crs_warnings``).
    """
    entry: dict[str, Any] = {"path": str(path), "sha256": file_sha256(Path(path))}
    if read is None:
        return entry | {"rows_in": None, "rows_out": None, "rows_rejected": None}
    crs = read.meta.get("crs") or {}
    entry |= {
        "rows_in": read.rows_in,
        "rows_out": len(read.data),
        "rows_rejected": len(read.rejected),
        "encoding": read.meta.get("encoding") or {},
        "crs": crs.get("epsg"),
    }
    if crs.get("source"):  # a layer: how its coordinate system was decided
        entry |= {"crs_source": crs["source"], "crs_warnings": list(crs.get("warnings") or [])}
    return entry


def now_text() -> str:
    """Local time with offset, to the second (``generated_at``)."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


# --------------------------------------------------------------------------- stage timer
def stage_line(name: str, seconds: float) -> str:
    """The line saying how long a stage took (``"  名称：1.2 秒"``)."""
    return f"  {name}：{seconds:.1f} 秒"


class StageTimer:
    """Wall time per stage (s), with a progress bar and/or one line per stage.

    Parameters
    ----------
    names
        The stages in order (for the progress bar's length).
    progress
        Show a tqdm bar.
    echo
        Called with ``"  名称：1.2 秒"`` after each stage, when given.
    """

    def __init__(
        self, names: list[str], *, progress: bool = False, echo: Echo | None = None
    ) -> None:
        from tqdm.auto import tqdm

        self.timings: dict[str, float] = {}
        self._echo = echo
        self._bar = tqdm(total=len(names), desc="landgov", unit="步", disable=not progress)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage ``name``."""
        self._bar.set_description(name)
        start = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - start, 3)
        self._bar.update(1)
        if self._echo:
            self._echo(stage_line(name, self.timings[name]))

    def close(self) -> None:
        """Close the progress bar."""
        self._bar.set_description("完成")
        self._bar.close()


# --------------------------------------------------------------------------- manifest
def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's ``manifest.json`` as a dict; ``None`` when absent.

    Raises
    ------
    DataFileError
        The file exists but is not a JSON object.
    """
    file = Path(folder) / MANIFEST
    if not file.is_file():
        return None
    rerun = "处理：请重新运行 landgov screen / landgov far（或 landgov demo）生成完整的结果目录"
    try:
        data = json.loads(read_text(file, kind="用 JSON 写的文本文件", fix=rerun))
    except json.JSONDecodeError as exc:
        where = f"第 {exc.lineno} 行第 {exc.colno} 列"
        raise DataFileError(f"{file} 已损坏（{where}不是有效的 JSON）。{rerun}") from exc
    except TextFileError as exc:  # no text, or not UTF-8 (saved again by an editor)
        raise DataFileError(f"{file} 已损坏（{str(exc).partition('；')[0]}）。{rerun}") from exc
    except OSError as exc:
        raise DataFileError(f"{file} 无法读取：{os_error_message(exc)}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"{file} 不是一个 JSON 对象。{rerun}")
    return data


def _files(folder: Path) -> list[str]:
    """Every file under ``folder`` except the manifest, as sorted POSIX paths.

    :data:`PARTS_DIR` is not entered: its files are not the run's (and may be being written).
    """
    found = []
    for top, dirs, names in os.walk(folder):
        if top == str(folder):
            dirs[:] = [d for d in dirs if d != PARTS_DIR]
        base = Path(top).relative_to(folder)
        found += [
            (base / n).as_posix()
            for n in names
            if n != MANIFEST and os.path.isfile(os.path.join(top, n))
        ]
    return sorted(found)


def write_manifest(
    folder: Path,
    stages: Mapping[str, Mapping[str, Any]],
    *,
    sha256: Callable[[Path], str] = file_sha256,
) -> dict[str, Any]:
    """Seal ``folder``: hash every file and write ``manifest.json`` with ``complete: true``.

    Parameters
    ----------
    folder
        The folder whose files are complete.
    stages
        One section per stage (``screen``, ``far``), each with :data:`SECTION_KEYS`.
    sha256
        How a file is hashed (a run's folder reuses the hashes its stages took of files not
        written since).
    """
    folder = Path(folder)
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "complete": True,
        "landgov_version": __version__,
        "generated_at": now_text(),
        "stages": {name: dict(stages[name]) for name in STAGES if name in stages},
        "files": {
            rel: {"sha256": sha256(folder / rel), "bytes": (folder / rel).stat().st_size}
            for rel in _files(folder)
        },
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, default=str)
    tmp = folder / f".{MANIFEST}.part"
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(folder / MANIFEST)
    return manifest


def stage_view(manifest: Mapping[str, Any], stage: str = "screen") -> dict[str, Any]:
    """The manifest as one flat mapping: top-level keys overlaid with one stage's section.

    A manifest without ``stages`` (written by hand or by an older landgov) is returned as is.
    """
    stages = manifest.get("stages")
    if not isinstance(stages, Mapping):
        return dict(manifest)
    section = stages.get(stage)
    return {**manifest, **(section if isinstance(section, Mapping) else {})}


def _mismatches(folder: Path, manifest: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(files listed but missing or changed, files present but not listed)."""
    listed = manifest.get("files")
    listed = listed if isinstance(listed, Mapping) else {}
    changed = []
    for rel, entry in listed.items():
        path = folder / rel
        sha = entry.get("sha256") if isinstance(entry, Mapping) else None
        if not path.is_file():
            changed.append(f"{rel}（缺失）")
        elif file_sha256(path) != sha:
            changed.append(f"{rel}（内容与记录的 SHA-256 不一致）")
    extra = [rel for rel in _files(folder) if rel not in listed]
    return changed, extra


def _version_key(text: object) -> tuple[int, ...] | None:
    """``(0, 1, 0)`` for 「0.1.0」 (a suffix such as ``.dev3`` or ``+local`` ignored); ``None``
    for what is no version number."""
    found = re.fullmatch(r"\s*v?(\d+(?:\.\d+)*)(?:[.+-]?[A-Za-z]\S*)?\s*", str(text))
    if found is None:
        return None
    key = tuple(int(p) for p in found.group(1).split("."))
    return key + (0,) * (3 - len(key))


def _newer_than_mine(version: object) -> str | None:
    """「由 landgov 99.0 生成，比本程序（landgov 0.1.0）新」 when ``version`` is newer than this
    landgov; ``None`` otherwise (also for what is no version number)."""
    theirs, mine = _version_key(version), _version_key(__version__)
    if version is None or theirs is None or mine is None or theirs <= mine:
        return None
    return f"由 landgov {version} 生成，比本程序（landgov {__version__}）新"


#: Folders already said to be of an older landgov (said once per process, not per read).
_OLDER_SAID: set[str] = set()


def _check_versions(folder: Path, manifest: Mapping[str, Any]) -> None:
    """Refuse a run folder written by a newer landgov; say one written by an older one.

    The version sealing the folder and that of each stage section are looked at (a stage kept
    from an earlier run keeps its version); a text that is no version number is left alone.
    """
    stages = manifest.get("stages")
    sections = list(stages.values()) if isinstance(stages, Mapping) else []
    seen = {
        str(v): key
        for v in [manifest.get("landgov_version")]
        + [s.get("landgov_version") for s in sections if isinstance(s, Mapping)]
        if v is not None and (key := _version_key(v)) is not None
    }
    mine = _version_key(__version__)
    if not seen or mine is None:
        return
    newest = max(seen, key=lambda v: seen[v])
    newer = _newer_than_mine(newest)
    if newer:
        raise DataFileError(
            f"{folder} {newer}：其中的文件可能含本版本无法正确读取的内容，未读取。处理：升级 "
            f"landgov（至 {newest} 或更新）后再运行；或用本版本重新运行 landgov screen / "
            "landgov far 生成结果目录"
        )
    oldest = min(seen, key=lambda v: seen[v])
    if seen[oldest] < mine and str(folder) not in _OLDER_SAID:
        _OLDER_SAID.add(str(folder))
        print(
            f"警告：{folder} 由 landgov {oldest} 生成，本程序为 landgov {__version__}：照常读取；"
            "结果可能与用本版本重新运行不同，需要一致时请用本版本重新运行 landgov screen",
            file=sys.stderr,
        )


def verify(folder: str | Path) -> dict[str, Any]:
    """Check that ``folder`` holds one complete landgov run, unchanged; return its manifest.

    A folder written by a newer landgov is refused; one written by an older landgov is read
    with a warning on the console naming both versions (:func:`_check_versions`).

    Raises
    ------
    DataFileError
        No manifest, no completeness marker, a newer landgov, or a listed file missing or
        changed (the message names the file). Files the manifest does not list are allowed
        (they are not read).
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    rerun = "请重新运行 landgov screen / landgov far（或 landgov demo）生成完整的结果目录"
    if manifest is None:
        raise DataFileError(f"{folder} 中没有 {MANIFEST}：不是一次完整的 landgov 运行结果。{rerun}")
    if manifest.get("complete") is not True or not isinstance(manifest.get("files"), Mapping):
        raise DataFileError(
            f"{folder / MANIFEST} 没有完成标记（complete）和文件清单：该目录可能是中断的运行，"
            f"或由旧版本 landgov 生成。{rerun}"
        )
    _check_versions(folder, manifest)
    changed, _extra = _mismatches(folder, manifest)
    if changed:
        raise DataFileError(
            f"{folder} 中的文件与 {MANIFEST} 不符：{'；'.join(changed[:5])}"
            f"{' 等' if len(changed) > 5 else ''}。文件在运行后被修改、替换或删除；"
            f"若要使用修改后的数据，{rerun}"
        )
    return manifest


# --------------------------------------------------------------------------- lock
def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock_info(lock: Path) -> dict[str, Any]:
    try:
        data = json.loads(lock.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _lock_is_stale(lock: Path, info: Mapping[str, Any]) -> bool:
    if not info:  # empty or torn: a writer died between creating and filling it
        with suppress(OSError):
            return time.time() - lock.stat().st_mtime > _EMPTY_LOCK_STALE_S
        return True
    if info.get("host") != socket.gethostname():
        return False  # cannot see another machine's processes
    return not _pid_alive(int(info.get("pid") or 0))


def _describe_lock(info: Mapping[str, Any]) -> str:
    return (
        f"进程 {info.get('pid', '?')}，主机 {info.get('host', '?')}，"
        f"开始于 {info.get('started', '?')}，命令 {info.get('command', '?')}"
    )


def _try_lock(lock: Path, command: str) -> bool:
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": now_text(),
        "command": command,
    }
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(info, fh, ensure_ascii=False)
    return True


@contextmanager
def _locked(target: Path, *, command: str, wait: bool, echo: Echo) -> Iterator[None]:
    lock = target.with_name(f".{target.name}.landgov.lock")
    told = False
    while not _try_lock(lock, command):
        info = _lock_info(lock)
        if _lock_is_stale(lock, info):
            stale = lock.with_name(f"{lock.name}.stale-{secrets.token_hex(4)}")
            with suppress(FileNotFoundError):  # another run may take it over first
                lock.rename(stale)
                stale.unlink()
                echo(f"发现上次中断的运行留下的锁（{_describe_lock(info)}，已结束），已接管")
            continue
        if not wait:
            raise DataFileError(
                f"输出文件夹 {target} 正被另一个 landgov 运行使用（{_describe_lock(info)}）。"
                f"请等它结束后再运行，或加 --wait 排队等待；若确认没有运行在进行，"
                f"删除锁文件 {lock} 后重试"
            )
        if not told:
            echo(
                f"输出文件夹 {target} 正被另一个 landgov 运行使用（{_describe_lock(info)}），等待…"
            )
            told = True
        time.sleep(_POLL_S)
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            lock.unlink()


# --------------------------------------------------------------------------- folder surgery
_GPKG_META = (
    "gpkg_geometry_columns",
    "gpkg_extensions",
    "gpkg_ogr_contents",
    "gpkg_data_columns",
    "gpkg_contents",
)


def _drop_table(con: sqlite3.Connection, table: str, have: set[str]) -> None:
    """Drop one GeoPackage table with its R-tree index and its rows in the metadata tables."""
    for name in sorted(have):
        if name.startswith(f"rtree_{table}_") and not name.endswith(("_node", "_parent", "_rowid")):
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
    con.execute(f'DROP TABLE IF EXISTS "{table}"')
    for meta in _GPKG_META:
        if meta in have:
            con.execute(f"DELETE FROM {meta} WHERE lower(table_name) = lower(?)", (table,))
    if "layer_styles" in have:  # its QGIS styles (landgov.reports.gis)
        con.execute("DELETE FROM layer_styles WHERE lower(f_table_name) = lower(?)", (table,))


def _drop_layers(gpkg: Path, layers: list[str]) -> None:
    """Delete layers and attribute tables from a GeoPackage (tables, R-tree, metadata rows)."""
    con = sqlite3.connect(gpkg)
    try:
        have = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        wanted = {layer.lower() for layer in layers}
        tables = [
            r[0]
            for r in con.execute("SELECT table_name FROM gpkg_contents")
            if str(r[0]).lower() in wanted
        ]
        for table in tables:
            _drop_table(con, table, have)
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()


def _drop_sheets(xlsx: Path, sheets: list[str]) -> None:
    from openpyxl import load_workbook

    from landgov.core.xlsxguard import open_xlsx
    from landgov.reports._xlsxmerge import MergeUnsupportedError, remove_sheets

    names = _sheet_names(xlsx)
    if names is not None:
        gone = list(dict.fromkeys(s for s in sheets if s in names))
        if not gone or len(gone) >= len(set(names)):
            return
        try:  # at the zip level: the kept sheets are not parsed, nor written again
            remove_sheets(xlsx, gone)
        except MergeUnsupportedError:
            pass
        else:
            return
    with open_xlsx(xlsx) as handle:
        wb = load_workbook(handle)
    gone = [s for s in sheets if s in wb.sheetnames]
    if gone and len(gone) < len(wb.sheetnames):
        for sheet in gone:
            del wb[sheet]
        wb.save(xlsx)


def _layers(folder: Path) -> set[str]:
    gpkg = folder / GPKG
    if not gpkg.is_file():
        return set()
    import pyogrio

    # layer_styles holds the QGIS styles of the others (landgov.reports.gis): not a layer
    return {str(row[0]) for row in pyogrio.list_layers(gpkg)} - {"layer_styles"}


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_names(xlsx: Path) -> list[str] | None:
    """The sheet names from the workbook part alone (not every sheet parsed); None if unsure."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(xlsx) as z:
            part = "xl/workbook.xml"
            for rel in ElementTree.fromstring(z.read("_rels/.rels")).iter(f"{_RELS}Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    part = rel.get("Target", part).lstrip("/")
            root = ElementTree.fromstring(z.read(part))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return None
    return [str(sheet.get("name")) for sheet in root.iter(f"{_MAIN}sheet")]


def _sheets(folder: Path) -> list[str]:
    xlsx = folder / XLSX
    if not xlsx.is_file():
        return []
    names = _sheet_names(xlsx)
    if names is not None:
        return names
    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


# --------------------------------------------------------------------------- the run folder
@dataclass
class RunFolder:
    """The temporary folder a stage writes into, and what it will replace.

    Attributes
    ----------
    target
        The folder the user named (absolute).
    path
        Where the stage writes now (a temporary folder beside ``target``).
    stage
        ``"screen"`` or ``"far"``.
    inputs
        SHA-256 of the input files by role, hashed when the run started.
    """

    target: Path
    path: Path
    stage: str
    inputs: dict[str, str]
    kept: dict[str, dict[str, Any]] = field(default_factory=dict)
    section: dict[str, Any] | None = None
    manifest: dict[str, Any] | None = None
    _before: dict[str, str | tuple[int, int]] = field(default_factory=dict, repr=False)
    _layers_before: set[str] = field(default_factory=set, repr=False)
    _sheets_before: list[str] = field(default_factory=list, repr=False)
    _after: dict[str, str | tuple[int, int]] = field(default_factory=dict, repr=False)
    _hashed: dict[Path, tuple[int, int, str]] = field(default_factory=dict, repr=False)

    def sha256(self, path: Path) -> str:
        """:func:`file_sha256` of a file of the folder, hashed again only when it was written
        since it was last hashed (its size or modification time differ): the stages and the
        manifest of one run hash a big GeoPackage once per change, not once per look."""
        stamp = file_stamp(path)
        known = self._hashed.get(path)
        if known is not None and known[:2] == stamp and _stamp_tells(path):
            return known[2]
        sha = file_sha256(path)
        self._hashed[path] = (*stamp, sha)
        return sha

    def part(self, name: str) -> Path:
        """A new empty folder for files a stage writes before they are in place.

        It lies inside :attr:`path` (removed with it when the run fails) but its files are not
        the run's: :meth:`finish` does not see them, and it is removed before the folder is
        sealed. The stage moves what it keeps into :attr:`path`.
        """
        folder = self.path / PARTS_DIR / name
        folder.mkdir(parents=True)
        return folder

    def final(self, path: Path) -> Path:
        """Where ``path`` (inside :attr:`path`) will be once the run is in place."""
        return self.target / Path(path).relative_to(self.path)

    def finish(self, section: Mapping[str, Any]) -> dict[str, Any]:
        """Record the stage's manifest section; the folder is sealed and swapped on exit.

        ``outputs`` gains ``files`` (written or changed by this stage), ``layers`` (of
        ``landgov.gpkg``) and ``sheets`` (of ``landgov.xlsx``): what the next run drops when it
        replaces this stage. Returns the completed section.
        """
        missing = [k for k in SECTION_KEYS if k not in section]
        if missing:
            raise ValueError(f"manifest section of {self.stage} lacks {missing}")
        now = {rel: self._state(rel) for rel in _files(self.path)}
        outputs = dict(section["outputs"])
        outputs["files"] = [rel for rel, seen in now.items() if self._before.get(rel) != seen]
        outputs["layers"] = sorted(_layers(self.path) - self._layers_before)
        outputs["sheets"] = [s for s in _sheets(self.path) if s not in self._sheets_before]
        self.section = {**section, "outputs": outputs}
        self._after = now
        return self.section

    def _state(self, rel: str) -> str | tuple[int, int]:
        """What tells whether the stage wrote ``rel``: its SHA-256 where the stage began with
        the file hashed (one it found in the folder: rewritten alike, it is unchanged); else
        its size and modification time (:func:`file_stamp`). A file new to the stage is the
        stage's whatever it holds, and one a stage before wrote (known by its stamp) was
        written again when the stamp differs: neither is hashed here. The hashes the manifest
        records are taken once, when the folder is sealed; a GeoPackage the 增容 stage adds its
        layers to is not hashed before as well (0.2 s for 400 MB)."""
        path = self.path / rel
        before = self._before.get(rel)
        if (before is None or isinstance(before, tuple)) and _stamp_tells(path):
            return file_stamp(path)
        return self.sha256(path)

    def next_stage(self, stage: str) -> None:
        """Go on with a later ``stage`` in the same folder: one run of both stages.

        The finished stage's section is kept as a run of ``stage`` into a folder holding it
        would keep it, and what ``stage`` writes is told apart in its own section (its
        ``files``, ``layers`` and ``sheets``), so the manifest is the one the two runs one
        after the other write. Call after :meth:`finish`.
        """
        if self.section is None:
            raise RuntimeError(f"stage {self.stage} has not called RunFolder.finish()")
        if STAGES.index(stage) <= STAGES.index(self.stage):
            raise ValueError(f"stage {stage!r} does not come after {self.stage!r}")
        self.kept = {**self.kept, self.stage: self.section}
        self.stage, self.section = stage, None
        self._before = dict(self._after)  # the files as the finished stage left them
        self._layers_before = _layers(self.path)
        self._sheets_before = _sheets(self.path)


def _owned_by_landgov(manifest: Mapping[str, Any] | None) -> bool:
    return isinstance(manifest, Mapping) and ("landgov_version" in manifest or "stages" in manifest)


def refuse_inside_run(out: str | os.PathLike[str], *, itself: bool = True) -> None:
    """Refuse an output path inside a landgov run folder (or, with ``itself``, one that is).

    A file added to a run folder (a 核实表 folder, an exported Shapefile, a map) breaks what its
    ``manifest.json`` records: ``landgov screen`` then refuses to replace the folder without
    ``--overwrite`` and a later reader cannot tell the run's files from the others. A run's own
    command (``screen``, ``far``) writes into its folder: it passes ``itself=False``.

    Raises
    ------
    DataFileError
        Naming the run folder and a place beside it to write to instead.
    """
    target = Path(os.path.abspath(out))
    folders = [target, *target.parents] if itself else list(target.parents)
    for folder in folders:
        try:
            owned = _owned_by_landgov(read_manifest(folder))
        except DataFileError:  # a damaged manifest is still a run folder's
            owned = True
        except OSError:  # a folder this user may not read: not one of their runs
            owned = False
        if not owned:
            continue
        where = "就是" if folder == target else "位于"
        inside = "" if folder == target else "之中"
        raise DataFileError(
            f"输出位置「{out}」{where} landgov 结果目录「{folder}」{inside}：在结果目录中新增文件"
            "会使它与 manifest.json 的记录不符（之后重新运行 landgov screen 会拒绝替换该文件夹）。"
            f"处理：用 --out 指定结果目录之外的位置，如「{folder.parent}」下的另一个文件夹"
        )


def _listing(names: list[str]) -> str:
    return first_few(names, 5, counted="个")


def _refuse_open_files(target: Path) -> None:
    """Refuse a folder holding a file open in an office program (its lock file is there)."""
    locks = [rel for rel in _files(target) if office_lock_target(Path(rel).name) is not None]
    if not locks:
        return
    rel = locks[0]
    opened = (Path(rel).parent / str(office_lock_target(Path(rel).name))).as_posix()
    raise DataFileError(
        f"输出文件夹 {target} 中的 {opened} 正被其他程序打开（WPS/Excel/LibreOffice 的锁文件 "
        f"{_listing(locks)}）：替换结果会丢失在该程序中所做的修改，或因文件被占用而失败。"
        f"处理：在该程序中关闭 {opened} 后重新运行；如已关闭（程序异常退出时会留下锁文件），"
        "删除该锁文件后重新运行"
    )


def _old_run(target: Path, *, overwrite: bool) -> dict[str, Any] | None:
    """The manifest of the run in ``target`` that may be replaced; ``None`` when none is there."""
    if not target.exists():
        return None
    if not target.is_dir():
        raise DataFileError(
            f"输出位置「{target}」已存在且是文件，不是文件夹。"
            "处理：改用其他 --out 文件夹名，或先移走该文件"
        )
    present = sorted(p.name for p in target.iterdir())
    if not present:
        return None
    try:
        manifest = read_manifest(target)
    except DataFileError:
        manifest = None
    if not _owned_by_landgov(manifest):
        raise DataFileError(
            f"输出文件夹 {target} 已有文件（{_listing(present)}），但不是 landgov 写出的结果"
            f"（没有 landgov 的 {MANIFEST}）。为免误删，landgov 不会写入或替换它：请换一个新的"
            "或空的文件夹"
        )
    assert manifest is not None
    _refuse_open_files(target)  # even with overwrite: the other program would write it back
    if overwrite:
        return manifest
    if manifest.get("complete") is not True or not isinstance(manifest.get("files"), Mapping):
        raise DataFileError(
            f"输出文件夹 {target} 是旧版本 landgov 的结果，没有文件清单，无法确认其中文件未被"
            "手工修改（如填写过的初审表）。确认可以丢弃后加 --overwrite 重新运行，或换一个文件夹"
        )
    changed, extra = _mismatches(target, manifest)
    if changed or extra:
        what = [*changed, *(f"{rel}（新增）" for rel in extra)]
        raise DataFileError(
            f"输出文件夹 {target} 中的文件在上次运行后被修改或新增：{_listing(what)}。"
            "为免覆盖手工修改（如填写过的初审表），本次未写入：请先把需要的文件另存，"
            "然后加 --overwrite 重新运行，或换一个文件夹"
        )
    return manifest


def _same_data(section: Mapping[str, Any], inputs: Mapping[str, str]) -> list[str]:
    """Roles whose file differs between an earlier stage's section and this run."""
    old = section.get("inputs")
    old = old if isinstance(old, Mapping) else {}
    differ = [
        role
        for role, sha in inputs.items()
        if isinstance(old.get(role), Mapping) and old[role].get("sha256") != sha
    ]
    if "parcels" not in old or "parcels" not in inputs:
        differ.append("parcels")
    return sorted(set(differ))


def _unusable(folder: Path, section: Mapping[str, Any], listed: Mapping[str, Any]) -> list[str]:
    """The files of an earlier stage's part a later stage cannot build on: missing, or (when
    changed since landgov wrote them, as ``listed`` in the manifest) a workbook or GeoPackage
    that is not one any more: damaged, or another file put in its place. Only a run with
    ``overwrite`` gets this far with changed files."""
    outputs = section.get("outputs")
    files = outputs.get("files") if isinstance(outputs, Mapping) else None
    bad = []
    for rel in files if isinstance(files, list) else []:
        path = folder / str(rel)
        if not path.is_file():
            bad.append(f"{rel}（缺失）")
            continue
        if rel not in (XLSX, GPKG):
            continue
        entry = listed.get(rel)
        if isinstance(entry, Mapping) and entry.get("sha256") == file_sha256(path):
            continue  # as landgov wrote it
        if rel == XLSX and not _readable_workbook(path):
            bad.append(f"{rel}（已损坏，或不是 Excel 工作簿）")
        elif rel == GPKG and not _readable_geopackage(path):
            bad.append(f"{rel}（已损坏，或不是 GeoPackage）")
    return bad


def _readable_workbook(path: Path) -> bool:
    """Every member's CRC holds and openpyxl can open the workbook (its sheets not parsed)."""
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as z:
            if z.testzip() is not None:
                return False
        wb = load_workbook(path, read_only=True)
        wb.close()
    except Exception:  # whatever a damaged file raises, it cannot be built on
        return False
    return True


def _readable_geopackage(path: Path) -> bool:
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            return False
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return con.execute("PRAGMA quick_check").fetchone() == ("ok",)
        finally:
            con.close()
    except sqlite3.Error:
        return False


def _keep_earlier(
    old: Mapping[str, Any] | None,
    stage: str,
    inputs: Mapping[str, str],
    echo: Echo,
    folder: Path,
    *,
    overwrite: bool,
) -> dict[str, dict[str, Any]]:
    """Sections of earlier stages that the new folder (from ``folder``) carries over.

    Without ``overwrite`` the folder's files were checked against the manifest already; with
    it, a stage whose files are missing or damaged is not carried over.
    """
    stages = old.get("stages") if old else None
    listed = (old or {}).get("files")
    listed = listed if isinstance(listed, Mapping) else {}
    if not isinstance(stages, Mapping):
        return {}
    kept: dict[str, dict[str, Any]] = {}
    for name in STAGES[: STAGES.index(stage)]:
        section = stages.get(name)
        if not isinstance(section, Mapping):
            continue
        newer = _newer_than_mine(section.get("landgov_version"))
        if newer:
            echo(f"原有的{_STAGE_LABELS[name]}结果{newer}，不予保留")
            continue
        differ = _same_data(section, inputs)
        if differ:
            echo(
                f"原有的{_STAGE_LABELS[name]}结果所用数据与本次不同（{'、'.join(differ)}），"
                "不予保留"
            )
            continue
        bad = _unusable(folder, section, listed) if overwrite else []
        if bad:
            echo(
                f"原有的{_STAGE_LABELS[name]}结果中的文件缺失或已损坏（{_listing(bad)}），不予保留"
            )
            continue
        kept[name] = dict(section)
    return kept


def _copy_kept(
    source: Path,
    dest: Path,
    old: Mapping[str, Any],
    kept: Mapping[str, Mapping[str, Any]],
) -> None:
    """Copy the kept stages' files; strip the dropped stages' layers and sheets from them."""
    stages = old.get("stages") or {}
    files = {f for s in kept.values() for f in (s.get("outputs") or {}).get("files", [])}
    dropped = [s for name, s in stages.items() if name not in kept and isinstance(s, Mapping)]
    layers = [x for s in dropped for x in (s.get("outputs") or {}).get("layers", [])]
    sheets = [x for s in dropped for x in (s.get("outputs") or {}).get("sheets", [])]
    for rel in sorted(files):
        if (source / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / rel, dest / rel)
    # the files kept are as landgov wrote them (their hashes hold) but may still be damaged:
    # a hash rewritten after the damage (core.runread)
    if layers and (dest / GPKG).is_file():
        try:
            _drop_layers(dest / GPKG, layers)
        except sqlite3.Error as exc:
            raise damaged_run_file(source / GPKG, exc) from exc
    if sheets and (dest / XLSX).is_file():
        try:
            _drop_sheets(dest / XLSX, sheets)
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise damaged_run_file(source / XLSX, exc) from exc


def recover_leftovers(target: Path, echo: Echo) -> None:
    """Remove temporary folders of crashed runs; bring back a run a crash left half-swapped."""
    parent = target.parent
    old = sorted(parent.glob(f".{target.name}.landgov-old-*"), key=lambda p: p.stat().st_mtime)
    if old and not target.exists():
        old[-1].rename(target)
        old = old[:-1]
        echo(f"已恢复上次中断时未替换完成的结果 {target}")
    temps = sorted(parent.glob(f".{target.name}.landgov-tmp-*"))
    for path in [*temps, *old]:
        shutil.rmtree(path, ignore_errors=True)
    if temps:
        echo(f"已清理 {len(temps)} 个中断运行留下的临时文件夹")


def _swap(temp: Path, target: Path) -> None:
    """Put ``temp`` in place of ``target``: two renames, the old folder removed last."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.landgov-old-{secrets.token_hex(4)}")
        try:
            target.rename(old)
        except OSError as exc:
            raise DataFileError(
                f"无法替换 {target}（{exc}）：其中的文件可能正被打开（如 Excel 打开了 {XLSX}），"
                "请关闭后重新运行"
            ) from exc
    try:
        temp.rename(target)
    except OSError as exc:
        if old is not None:
            old.rename(target)
        raise DataFileError(f"无法把结果移入 {target}（{exc}）") from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _check_target(target: Path, inputs: Mapping[str, Path]) -> None:
    cwd = Path.cwd().resolve()
    resolved = target.resolve()
    if resolved == cwd or resolved in cwd.parents:
        raise DataFileError(
            f"输出文件夹 {target} 是当前目录或包含当前目录：请指定一个子文件夹，如 --out 结果/2026"
        )
    for role, path in inputs.items():
        if resolved in Path(path).resolve().parents:
            raise DataFileError(
                f"输入文件 {path}（{role}）在输出文件夹 {target} 中：结果会替换整个文件夹，"
                "请把输入数据放在输出文件夹之外"
            )


class UnwrittenOutputError(DataFileError):
    """A run whose write failed: the output folder ``target`` was left as it was.

    ``reason`` is what went wrong, told in terms of ``target``; the message adds that the folder
    is unchanged (the previous complete run, or nothing). A caller that knows more about the
    folder (a province run, where it was made fresh) tells its own ending after ``reason``.
    """

    def __init__(self, reason: str, target: Path) -> None:
        super().__init__(
            f"{reason}。输出文件夹「{target}」未被改动（仍是上次的完整结果，或不存在）"
        )
        self.reason = reason
        self.target = target


def _failed_write(exc: OSError, temp: Path, target: Path) -> UnwrittenOutputError:
    """A failed write inside the temporary folder, told in terms of ``target``.

    The temporary folder is gone by then, so the message says the output folder was left as
    it was (the previous complete run, or nothing).
    """
    text = str(exc) if isinstance(exc, LandgovError) else os_error_message(exc)
    text = text.replace(str(temp), str(target)).replace("；已写出的部分文件不完整，请勿使用", "")
    return UnwrittenOutputError(text, target)


@contextmanager
def open_run(
    target: str | Path,
    *,
    stage: str,
    inputs: Mapping[str, Path],
    overwrite: bool = False,
    wait: bool = False,
    echo: Echo | None = print,
) -> Iterator[RunFolder]:
    """Lock ``target``, give the stage a temporary folder, seal and swap it in on success.

    Parameters
    ----------
    target
        The output folder the user named (created; its parent too).
    stage
        One of :data:`STAGES`. A run of a later stage keeps the earlier stages' part of the
        run in ``target`` when it was made from the same input files; everything else there is
        replaced.
    inputs
        The input files by role (hashed now; inputs inside ``target`` are refused).
    overwrite
        Replace a landgov folder even when files in it were changed or added since it was
        written.
    wait
        Wait for another run holding the folder instead of refusing.
    echo
        Where console messages go (``None``: nowhere).

    Raises
    ------
    DataFileError
        The folder is in use, is not a landgov folder, holds changed files (without
        ``overwrite``), or cannot be replaced.

    Notes
    -----
    The stage must call :meth:`RunFolder.finish` with its manifest section before the block
    ends; on an exception (or Ctrl-C) the temporary folder is removed and ``target`` is left
    as it was.
    """
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, got {stage!r}")
    say: Echo = echo or (lambda _text: None)
    target = Path(os.path.abspath(target))
    _check_target(target, inputs)
    target.parent.mkdir(parents=True, exist_ok=True)
    command = f"landgov {stage}"
    with _locked(target, command=command, wait=wait, echo=say):
        recover_leftovers(target, say)
        old = _old_run(target, overwrite=overwrite)
        hashes = {role: file_sha256(Path(p)) for role, p in inputs.items()}
        kept = _keep_earlier(old, stage, hashes, say, target, overwrite=overwrite)
        temp = target.with_name(f".{target.name}.landgov-tmp-{os.getpid()}-{secrets.token_hex(4)}")
        temp.mkdir()
        try:
            if old is not None and kept:
                _copy_kept(target, temp, old, kept)
            folder = RunFolder(target=target, path=temp, stage=stage, inputs=hashes, kept=kept)
            folder._before = {rel: folder.sha256(temp / rel) for rel in _files(temp)}
            folder._layers_before = _layers(temp)
            folder._sheets_before = _sheets(temp)
            yield folder
            if folder.section is None:
                raise RuntimeError(f"stage {folder.stage} ended without RunFolder.finish()")
            shutil.rmtree(temp / PARTS_DIR, ignore_errors=True)
            folder.manifest = write_manifest(
                temp, {**folder.kept, folder.stage: folder.section}, sha256=folder.sha256
            )
            _swap(temp, target)
        except OSError as exc:  # a write failed: name the user's folder, not the temporary one
            shutil.rmtree(temp, ignore_errors=True)
            raise _failed_write(exc, temp, target) from exc
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        dropped = [s for s in (old or {}).get("stages") or {"旧版": None} if s not in kept]
        if old is not None and dropped:
            left = "、".join(_STAGE_LABELS[s] for s in kept)
            say(f"已替换 {target} 中的旧结果" + (f"（保留了其中的{left}部分）" if left else ""))
