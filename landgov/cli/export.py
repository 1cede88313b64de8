"""``landgov export``: a run's layers for other GIS software (Shapefile for ArcGIS 10.x)."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from landgov.cli._progress import step
from landgov.cli.options import outside_runs

__all__ = ["command"]

_FORMATS = ("shp", "gpkg")


@click.command("export")
@click.argument(
    "run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR"
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="shp",
    show_default=True,
    help="shp：Shapefile（GBK 编码，附 .cpg 和字段对照表，供 ArcGIS 10.x）；"
    "gpkg：GeoPackage 1.2（含中文字段别名和 QGIS 样式）",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    help="输出文件夹（默认 导出/<目录名>-<格式>）",
)
def command(run_dir: Path, fmt: str, out: Path | None) -> None:
    """把结果目录 DIR 的图层导出给其他 GIS 软件：Shapefile（ArcGIS 10.x）或 GeoPackage。"""
    from landgov.core.runfolder import GPKG, verify
    from landgov.errors import InputError
    from landgov.reports.shapefile import ENCODING, export_shapefiles

    gpkg = run_dir / GPKG
    if not gpkg.is_file():
        raise InputError(
            f"{run_dir} 中没有 {GPKG}。处理：先运行 landgov screen 或 landgov far 生成结果目录"
        )
    with step("核对运行结果的完整性"):
        verify(run_dir)
    target = out or Path("导出") / f"{run_dir.resolve().name}-{fmt}"
    outside_runs(target)
    if fmt == "gpkg":
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(gpkg, target / GPKG)
        click.echo(f"已导出：{target / GPKG}（GeoPackage 1.2，含中文字段别名和 QGIS 样式）")
        return
    with step("写出 Shapefile"):
        result = export_shapefiles(gpkg, target)
    click.echo(f"已导出 {len(result.files)} 个 Shapefile 到 {target}（{ENCODING} 编码，附 .cpg）：")
    for shp, mapping in zip(result.files, result.mappings, strict=True):
        click.echo(f"  {shp.name}（字段名对照：{mapping.name}）")
    if result.skipped:
        click.echo(f"  无图形的表未导出（见 Excel 工作簿）：{'、'.join(result.skipped)}")
    if result.replaced_chars:
        click.echo(
            f"  注意：{result.replaced_chars} 个字符 GBK 无法表示，已替换为 ?；"
            "需要原文请用 GeoPackage（--format gpkg）"
        )
    if result.cut_texts:
        click.echo(
            f"  注意：{result.cut_texts} 个文字超过 .dbf 的 254 字节上限，已截断；"
            "全文见 Excel 工作簿或 GeoPackage"
        )
