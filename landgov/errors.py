"""The landgov exception tree.

Every error landgov raises derives from :class:`LandgovError`; where a built-in exception fits,
the subclass inherits it too, so ``except ValueError`` still works (the pattern of rasterio's
``errors.py``)::

    LandgovError
    ├── InputError(LandgovError, ValueError)      bad input data: lists every problem at once
    │   ├── EncodingError                          a .dbf whose text cannot be decoded
    │   ├── CRSError                               no usable coordinate reference system
    │   ├── SchemaError                            required fields missing / ambiguous
    │   └── GeometryError                          geometry that cannot be repaired
    ├── ProfileError(LandgovError, ValueError)     a malformed policy profile
    └── DataFileError(LandgovError, OSError)       a file that cannot be opened or written

Messages name the file, the field, the values seen and the fix. :func:`os_error_message` says
in Chinese what an :class:`OSError` from the operating system means for the user (disk full, no
permission, a file in the way, a name too long) and what to do.
"""

from __future__ import annotations

import difflib
import errno
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CRSError",
    "DataFileError",
    "EncodingError",
    "GeometryError",
    "InputError",
    "Issue",
    "LandgovError",
    "ProfileError",
    "SchemaError",
    "missing_file",
    "os_error_message",
    "write_failure",
]


@dataclass(frozen=True)
class Issue:
    """One problem found in an input: where it is, what was seen, and how to fix it."""

    source: str
    field: str | None
    value: object
    problem: str
    fix: str

    def __str__(self) -> str:
        where = self.source if self.field is None else f"{self.source} 字段「{self.field}」"
        blank = self.value is None or (isinstance(self.value, str) and not self.value)
        seen = "" if blank else f"（所见值：{self.value!r}）"
        return f"{where}：{self.problem}{seen}。处理：{self.fix}"


class LandgovError(Exception):
    """Root of every error raised by landgov."""


class _IssuesError(LandgovError):
    """An error that carries every :class:`Issue` found, not only the first."""

    def __init__(self, issues: Iterable[Issue] | str) -> None:
        if isinstance(issues, str):
            self.issues: tuple[Issue, ...] = ()
            super().__init__(issues)
            return
        self.issues = tuple(issues)
        lines = [f"发现 {len(self.issues)} 个问题："]
        lines += [f"  {i}. {issue}" for i, issue in enumerate(self.issues, 1)]
        super().__init__("\n".join(lines))


class InputError(_IssuesError, ValueError):
    """Input data that landgov cannot use as it is."""


class EncodingError(InputError):
    """Text in a file that cannot be decoded with any candidate encoding."""


class CRSError(InputError):
    """No usable coordinate reference system, or coordinates that contradict it."""


class SchemaError(InputError):
    """Required fields missing, or several columns claiming one canonical field."""


class GeometryError(InputError):
    """Geometry that cannot be repaired into polygons."""


class ProfileError(_IssuesError, ValueError):
    """A policy profile with a missing key, a wrong type or a value out of range."""


class DataFileError(LandgovError, OSError):
    """A file that cannot be found, opened or written."""


# errno → (what happened, what to do). ``{path}`` is the file or folder named by the error.
_OS_ERRORS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: (
        "磁盘空间不足，写入「{path}」时中断",
        "清理磁盘空间，或用 --out 指定其他磁盘上的文件夹后重新运行；"
        "已写出的部分文件不完整，请勿使用",
    ),
    errno.EDQUOT: (
        "磁盘配额已满，写入「{path}」时中断",
        "清理空间或请管理员提高配额，或用 --out 指定其他文件夹后重新运行",
    ),
    errno.EACCES: (
        "没有权限读写「{path}」",
        "确认该文件没有在 Excel/WPS 等程序中打开、文件夹不是只读，或用 --out 指定其他文件夹",
    ),
    errno.EPERM: (
        "操作系统不允许读写「{path}」",
        "确认该文件没有被其他程序占用、文件夹不是只读，或用 --out 指定其他文件夹",
    ),
    errno.EROFS: (
        "「{path}」位于只读的磁盘或分区上",
        "用 --out 指定可以写入的文件夹（如本机“文档”下的文件夹）",
    ),
    errno.EBUSY: (
        "「{path}」正被其他程序占用",
        "关闭正在使用它的程序（如 Excel/WPS、GIS 软件）后重新运行",
    ),
    errno.ENAMETOOLONG: (
        "文件名或路径过长：「{path}」（单个名称最多 255 字节，一个汉字占 3 字节）",
        "缩短文件名或文件夹名（中文名称不超过约 80 个字）后重新运行",
    ),
    errno.EEXIST: (
        "「{path}」已存在且是文件，不能作为文件夹使用",
        "改用其他 --out 文件夹名，或先移走该文件",
    ),
    errno.ENOTDIR: (
        "路径「{path}」中有一段是文件而不是文件夹",
        "检查路径是否写错，或用 --out 指定其他文件夹",
    ),
    errno.EISDIR: (
        "「{path}」是文件夹，这里需要一个文件",
        "指定文件本身（如 宗地.shp、企业.xlsx），而不是它所在的文件夹",
    ),
    errno.ENOENT: (
        "找不到文件或文件夹「{path}」",
        "检查路径是否写错；文件名中的空格或中文标点要与实际一致",
    ),
    errno.EIO: (
        "读写「{path}」时磁盘或网络盘出错",
        "检查磁盘、U 盘或网络连接，复制到本机后重新运行",
    ),
}


def _text(name: object) -> str:
    return os.fsdecode(name) if isinstance(name, bytes | os.PathLike) else str(name)


def os_error_message(exc: OSError) -> str:
    """A Chinese sentence for an :class:`OSError`: what happened, to which path, what to do.

    Examples
    --------
    >>> import errno
    >>> os_error_message(OSError(errno.ENOSPC, "No space left on device", "out/x.xlsx"))[:6]
    '磁盘空间不足'
    """
    known = _OS_ERRORS.get(exc.errno or -1)
    if known is None:
        reason = exc.strerror or str(exc) or type(exc).__name__
        what = f"读写「{{path}}」失败（{reason}）"
        fix = "检查文件是否存在、是否被其他程序打开，以及磁盘是否可写"
    else:
        what, fix = known
    if exc.filename is None:  # e.g. a full disk noticed in the middle of a zip stream
        what = what.replace("「{path}」", "文件")
    path = "" if exc.filename is None else _text(exc.filename)
    if exc.filename2 is not None:
        path = f"{path}」→「{_text(exc.filename2)}"
    return f"{what.format(path=path)}。处理：{fix}"


def missing_file(path: str | os.PathLike[str]) -> DataFileError:
    """The error for an input file that is not there, with what is there instead: the file
    written with other capitals (Windows ignores them, Linux and a cluster's file system do
    not), a file of a close name, or that the folder itself is missing.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "parcels.parquet").write_bytes(b"")
    >>> str(missing_file(folder / "Parcels.parquet")).split("：", 1)[1]
    '文件不存在（同一文件夹中有「parcels.parquet」，只是字母大小写不同：本机区分大小写）。处理：检查路径是否写错，文件名须与实际完全一致'
    >>> str(missing_file(folder / "parcel.parquet")).split("：", 1)[1]
    '文件不存在（同一文件夹中名称相近的有「parcels.parquet」）。处理：检查路径是否写错，文件名须与实际完全一致'
    """
    path = Path(path)
    folder = path.parent
    hint = ""
    if not folder.is_dir():
        hint = f"（所在文件夹「{folder}」也不存在）"
    else:
        try:
            names = sorted(p.name for p in folder.iterdir())
        except OSError:
            names = []
        same = [n for n in names if n.casefold() == path.name.casefold()]
        close = difflib.get_close_matches(path.name, names, n=2, cutoff=0.75)
        if same:
            hint = f"（同一文件夹中有「{same[0]}」，只是字母大小写不同：本机区分大小写）"
        elif close:
            hint = f"（同一文件夹中名称相近的有「{'」「'.join(close)}」）"
    return DataFileError(
        f"{path}：文件不存在{hint}。处理：检查路径是否写错，文件名须与实际完全一致"
    )


_LOW_SPACE = 1 << 20  # bytes: below this, a failed write is taken as a full disk

#: What SQLite (through GDAL) says of a full disk (``SQLITE_FULL``).
_FULL_DISK = "database or disk is full"


def write_failure(path: str | os.PathLike[str], exc: BaseException, *, needed: int = 0) -> OSError:
    """The error to raise when a library (GDAL, openpyxl) failed to write ``path``.

    GDAL reports a full disk or a read-only folder as an SQLite or driver message; this looks
    at the message and the folder and returns the :class:`OSError` that
    :func:`os_error_message` explains (``ENOSPC``, ``EACCES``), else a :class:`DataFileError`
    with the library's own words. A full disk is SQLite's 「database or disk is full」, or less
    room left than :data:`_LOW_SPACE` or than ``needed`` (bytes the write needed at least): a
    failed GeoPackage write through Arrow says only 「cannot rollback」, SQLite having rolled the
    batch back, and its file shrinks to what it was, freeing the room it took.
    """
    target = Path(path)
    if isinstance(exc, OSError) and exc.errno in _OS_ERRORS:
        # the operating system's own error, which os_error_message says in Chinese; a
        # temporary file beside the target (core.atomic), or none (a full disk noticed inside
        # a zip stream), is named as the target
        name = str(target) if exc.filename is None else _text(exc.filename)
        name = str(target) if ".landgov-tmp-" in name else name
        return type(exc)(exc.errno, exc.strerror, name)
    folder = next((p for p in (target.parent, *target.parent.parents) if p.is_dir()), None)
    if folder is not None:
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            free = None
        if _FULL_DISK in str(exc) or (free is not None and free < max(_LOW_SPACE, needed)):
            return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        if not os.access(folder, os.W_OK):
            return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
    return DataFileError(
        f"写出「{target}」失败（{exc}）。处理：确认该文件没有被其他程序（如 QGIS/ArcGIS）打开，"
        "磁盘有空间，或用 --out 指定其他文件夹后重新运行"
    )
