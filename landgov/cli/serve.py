"""``landgov serve``: open a tile-map folder in the browser through a local Range server."""

from __future__ import annotations

from pathlib import Path

import click

from landgov.errors import InputError
from landgov.maps.tiles.serve import make_server

__all__ = ["command"]


@click.command("serve")
@click.argument(
    "folder", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR"
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="端口（0：任选一个空闲端口）",
)
def command(folder: Path, port: int) -> None:
    """在本机（127.0.0.1）发布瓦片地图文件夹 DIR，供本人用浏览器查看；按 Ctrl+C 停止。"""
    if not (folder / "index.html").is_file():
        raise InputError(
            f"{folder} 中没有 index.html：请指定 landgov map --tiles 生成的瓦片地图文件夹"
        )
    try:
        server = make_server(folder, port=port)
    except OSError as exc:
        raise InputError(
            f"无法在 127.0.0.1:{port} 启动网页服务（{exc.strerror or exc}）：端口可能已被占用，"
            "请用 --port 换一个端口，如 --port 8766"
        ) from exc
    host, bound = server.server_address[:2]
    click.echo(f"瓦片地图已发布：http://{host}:{bound}/  （仅本机可访问；按 Ctrl+C 停止）")
    with server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("已停止。")
