"""A static file server for one tile-map folder, with HTTP Range (``landgov serve``).

The pmtiles reader asks for byte ranges of ``parcels.pmtiles``; Python's
:class:`http.server.SimpleHTTPRequestHandler` ignores ``Range`` and would send the whole
archive for every tile. :class:`RangeRequestHandler` answers a single ``bytes=`` range with
``206 Partial Content`` (``416`` when it lies outside the file); several ranges in one request
are answered with the whole file (allowed by RFC 9110). Meant for one user on 127.0.0.1; an
intranet should use its own web server (README: 在内网发布瓦片地图).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = ["RangeRequestHandler", "make_server", "parse_range", "serve_folder"]

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str | None, size: int) -> tuple[int, int] | bool | None:
    """The inclusive byte span a ``Range`` header asks for.

    Returns
    -------
    (first, last)
        A satisfiable single range, clipped to the file.
    None
        No header, or one this server answers with the whole file (several ranges, other units).
    False
        A syntactically valid range that lies outside the file (answer 416).
    """
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match or not any(match.groups()):
        return None
    start, end = match.groups()
    if not start:  # suffix: the last N bytes
        n = int(end)
        return (max(0, size - n), size - 1) if n > 0 and size > 0 else False
    first = int(start)
    last = min(int(end), size - 1) if end else size - 1
    if first >= size or (end and int(end) < first):
        return False
    return first, last


class RangeRequestHandler(SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler that honours ``Range: bytes=a-b``; quiet, no directory lists."""

    extensions_map = {  # noqa: RUF012 (the base class declares it as a plain dict)
        **SimpleHTTPRequestHandler.extensions_map,
        ".pmtiles": "application/octet-stream",
        ".js": "text/javascript",
        ".json": "application/json",
        ".geojson": "application/geo+json",
        ".gz": "application/gzip",
    }

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "Directory listing is off")

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            return super().send_head()  # index.html or the redirect to "dir/"
        try:
            handle = open(path, "rb")  # noqa: SIM115 (closed by copyfile in do_GET)
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        try:
            return self._send_headers(handle, path)
        except BaseException:  # e.g. the browser hung up: do not leak the file
            handle.close()
            raise

    def _send_headers(self, handle: Any, path: str) -> Any:
        size = os.fstat(handle.fileno()).st_size
        span = parse_range(self.headers.get("Range"), size)
        if span is False:
            handle.close()
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if span is None:
            self.send_response(HTTPStatus.OK)
            self._range = (0, size - 1)
            length = size
        else:
            first, last = span
            self.send_response(HTTPStatus.PARTIAL_CONTENT)
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            self._range = span
            length = last - first + 1
            handle.seek(first)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return handle

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # the browser moved on: not an error
            self.close_connection = True

    def copyfile(self, source: Any, outputfile: Any) -> None:
        span = getattr(self, "_range", None)
        if span is None:
            shutil.copyfileobj(source, outputfile)
            return
        remaining = span[1] - span[0] + 1
        while remaining > 0:
            block = source.read(min(1 << 16, remaining))
            if not block:
                break
            outputfile.write(block)
            remaining -= len(block)


def make_server(folder: str | Path, *, port: int = 8765) -> ThreadingHTTPServer:
    """A server for ``folder`` on 127.0.0.1:``port`` (0: any free port), not yet running."""
    handler = functools.partial(RangeRequestHandler, directory=str(Path(folder)))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve_folder(folder: str | Path, *, port: int = 8765) -> None:
    """Serve ``folder`` on 127.0.0.1 until interrupted (Ctrl+C)."""
    with make_server(folder, port=port) as server:
        server.serve_forever()
