"""Screenshots of docs/操作手册.md, made by running the real commands (the tests run this too).

    python tools/manual_screenshots.py [--out docs/img/操作手册] [--run out/demo]

Each terminal picture is the output of a real ``landgov`` command, run in a scratch working
folder, drawn as a terminal window (PNG). The 初审表 picture is a form written by landgov,
converted through LibreOffice (skipped, with a note, when ``soffice``/``pdftoppm`` are absent).
With ``--run DIR`` (a finished run folder, e.g. the demo's) the print map of that run is drawn
too. Returns the list of images written; :data:`IMAGES` names every image the manual shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from landgov.maps._fonts import cjk_fonts  # noqa: E402
from landgov.maps.style import DEFAULT_STYLE  # noqa: E402

IMAGES = (
    "01-帮助.png",
    "02-模板.png",
    "03-检查文件.png",
    "04-筛查帮助.png",
    "05-出错.png",
    "06-初审表.png",
)
"""Every image the manual shows, made by :func:`make_all` (07-打印地图.png with ``--run``)."""

_WIDTH = 96  # terminal columns


def _run(*args: str, cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", "COLUMNS": "96"}
    result = subprocess.run(
        [sys.executable, "-m", "landgov", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return f"$ landgov {' '.join(args)}\n{result.stderr}{result.stdout}".rstrip()


def _cells(text: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _wrap(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines():
        rest = raw
        while _cells(rest) > _WIDTH:
            cut, width = 0, 0
            while cut < len(rest) and width + _cells(rest[cut]) <= _WIDTH:
                width += _cells(rest[cut])
                cut += 1
            lines.append(rest[:cut])
            rest = "  " + rest[cut:]
        lines.append(rest)
    return lines


def terminal_png(text: str, path: Path, *, title: str) -> Path:
    """Draw ``text`` as a terminal window with a title bar."""
    lines = _wrap(textwrap.dedent(text))
    height = 0.6 + 0.21 * len(lines)
    fig = plt.figure(figsize=(9.6, height), dpi=110)
    fig.patch.set_facecolor("#1e1e1e")
    fonts = cjk_fonts(DEFAULT_STYLE)
    fig.text(0.01, 1 - 0.25 / height, f"● ● ●   {title}", color="#aaaaaa", fontsize=9,
             family=fonts, va="center")  # fmt: skip
    for i, line in enumerate(lines):
        colour = "#f0c674" if line.startswith("$ ") else "#e0e0e0"
        if "错误：" in line:
            colour = "#ff8080"
        y = 1 - (0.55 + 0.21 * i) / height
        fig.text(0.015, y, line, color=colour, fontsize=9.5, family=fonts, va="top")
    fig.savefig(path, facecolor=fig.get_facecolor())
    plt.close(fig)
    return path


def _form_png(out: Path, work: Path) -> Path | None:
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        print("跳过 06-初审表.png：需要 LibreOffice（soffice）和 poppler-utils（pdftoppm）")
        return None
    from landgov.reports.chushen import write_form

    row = {
        "application_id": "ZR2026-001", "parcel_id": "330602001001GB00001",
        "township": "马山街道", "enterprise_name": "绍兴某某机械有限公司（模拟数据）",
        "legal_rep": "张三", "contact": "李四 138xxxxxxxx",
        "project_name": "精密部件增容技改项目", "investment_wan": 8000.0,
        "investment_per_mu_wan": 400.0, "industry_name": "金属结构制造",
        "industry_code": "3311", "land_mu": 20.0, "floor_area_m2": 10666.67, "far": 0.8,
        "tax_per_mu_now_wan": 15.0, "added_floor_m2": 5000.0, "tax_per_mu_after_wan": 45.0,
        "far_after": 1.18, "content": "新建 4 层生产车间",
    }  # fmt: skip
    docx = write_form(row, work / "初审表.docx")
    profile = (work / "lo").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(work), str(docx)],
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    pdf = work / "初审表.pdf"
    if not pdf.exists():
        print("跳过 06-初审表.png：LibreOffice 未能转换（可能未安装 Writer）")
        return None
    target = out / "06-初审表"
    subprocess.run([pdftoppm, "-png", "-r", "70", "-singlefile", str(pdf), str(target)],
                   check=True, timeout=120)  # fmt: skip
    return target.with_suffix(".png")


def make_all(out: Path, *, run_dir: Path | None = None) -> list[Path]:
    """Write every screenshot into ``out``; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / "工作文件夹"
        work.mkdir()
        shot = terminal_png(_run("--help", cwd=work), out / IMAGES[0], title="landgov --help")
        written.append(shot)
        text = _run("template", "--out", "模板", "--county", "绍兴市越城区", cwd=work)
        written.append(terminal_png(text, out / IMAGES[1], title="生成空白模板"))
        shutil.copy(work / "模板" / "landgov.toml", work / "landgov.toml")
        table = work / "模板" / "企业亩均效益表.xlsx"
        _fill_enterprises(table)
        text = _run("inspect", "模板/企业亩均效益表.xlsx", cwd=work)
        written.append(terminal_png(text, out / IMAGES[2], title="检查一个文件"))
        text = _run("screen", "--help", cwd=work)
        written.append(terminal_png(text, out / IMAGES[3], title="landgov screen --help"))
        text = _run("screen", "-p", "宗地.shp", "-e", "模板/企业亩均效益表.xlsx", "-o", "结果",
                    cwd=work)  # fmt: skip
        written.append(terminal_png(text, out / IMAGES[4], title="出错时"))
        form = _form_png(out, Path(scratch))
        if form is not None:
            written.append(form)
        if run_dir is not None:
            target = out / "07-打印地图.png"
            subprocess.run(
                [sys.executable, "-m", "landgov", "map", str(run_dir), "--static", "png",
                 "--out", str(target)],
                env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True, timeout=900,
            )  # fmt: skip
            _shrink(target)
            written.append(target)
    return written


def _shrink(path: Path, width: int = 1100) -> None:
    """Scale a large picture down to ``width`` pixels (the manual shows it at page width)."""
    from PIL import Image

    with Image.open(path) as im:
        if im.width <= width:
            return
        small = im.convert("RGB").resize((width, round(im.height * width / im.width)))
    small.save(path, optimize=True)


def _fill_enterprises(path: Path) -> None:
    """Two rows, as a user would type them (模拟数据)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    rows = [
        {"统一社会信用代码": "91330602MA2BCDEF1Q", "企业名称": "绍兴甲机械有限公司（模拟）",
         "规上/规下": "规上", "税收（万元）": 120.5, "用地面积（亩）": 20},
        {"统一社会信用代码": "91330602MA2BCDEG0N", "企业名称": "绍兴乙纺织有限公司（模拟）",
         "规上/规下": "规下", "税收（万元）": 8, "用地面积（亩）": 6.5},
    ]  # fmt: skip
    for r, row in enumerate(rows, start=2):
        for name, value in row.items():
            ws.cell(row=r, column=headers.index(name) + 1, value=value)
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "操作手册")
    parser.add_argument("--run", type=Path, default=None, help="a finished run folder")
    args = parser.parse_args()
    for path in make_all(args.out, run_dir=args.run):
        print(path)
    print(f"完成：{dt.datetime.now():%Y-%m-%d %H:%M}")


if __name__ == "__main__":
    main()
