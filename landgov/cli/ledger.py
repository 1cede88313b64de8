"""``landgov ledger``: the 治理台账 (``init`` from a run, ``update`` from edits and a new run)."""

from __future__ import annotations

from pathlib import Path

import click

from landgov.cli.options import XLSX_OUT, as_of_option, outside_runs
from landgov.core.dates import parse_as_of
from landgov.errors import InputError, Issue

__all__ = ["command"]

_RUN = click.Path(exists=True, file_okay=False, path_type=Path)
_XLSX = XLSX_OUT


@click.group("ledger")
def command() -> None:
    """治理台账（过程管控）：从治理清单建台账，读回镇街填写的内容，合并新一批筛查结果。"""


def _report(ledger: object, out: Path) -> None:
    from landgov.core.problems import Severity
    from landgov.ledger import Ledger
    from landgov.ledger._layout import (
        COUNTED,
        DUE_UNREAD,
        FINISHED_LATE,
        HISTORY_SHEET,
        STILL_LISTED,
    )

    assert isinstance(ledger, Ledger)
    total = ledger.progress.iloc[-1]  # 销号待核实: a 已销号 without 验收, counted apart
    # 已销号但新批次仍列入 (a 销号 a later run contradicts) only when there is one
    shown = [s for s in COUNTED if s != STILL_LISTED or int(total[s])]
    # 其他或未填 (a status blank, or one that does not read) only when there is one: without
    # it the counts did not add up to the plots and nothing said why
    shown += ["其他或未填"] if int(total["其他或未填"]) else []
    counts = "、".join(f"{s} {int(total[s])}" for s in shown)
    click.echo(
        f"已写出台账：{out}（{int(total['宗地数'])} 宗；{counts}；"
        f"逾期 {int(total['逾期'])}，{FINISHED_LATE} {int(total[FINISHED_LATE])}，"
        f"{DUE_UNREAD} {int(total[DUE_UNREAD])}，"
        f"建议销号 {int(total['建议销号'])}）"
    )
    # a 提示 (a sheet read under another name) is no 填写问题: counted apart
    notes = int(ledger.problems["severity"].eq(Severity.INFO.value).sum())
    if len(ledger.problems) > notes:
        marked = sum(len(f) for f in ledger.history_flags.values())
        also = (
            f"；「{HISTORY_SHEET}」中出错的 {marked} 个单元格已标为橙色并加批注" if marked else ""
        )
        found = len(ledger.problems) - notes
        click.echo(f"  发现 {found} 个填写问题，见工作表「问题记录」和「系统提示」列{also}")
    if notes:
        click.echo(f"  另有 {notes} 条提示，见工作表「问题记录」")
    if len(ledger.unmerged):
        click.echo(f"  {len(ledger.unmerged)} 行未能合并，见工作表「未合并的行」")


@command.command("init")
@click.argument("run_dir", type=_RUN, metavar="RUN")
@click.option("--out", "-o", type=_XLSX, required=True, help="台账文件（.xlsx）")
@as_of_option("建账日期（写入状态变更记录）")
@click.option("--overwrite", is_flag=True, help="台账文件已存在时替换它（其中填写的内容会丢失）")
def init(run_dir: Path, out: Path, as_of: str | None, overwrite: bool) -> None:
    """从筛查结果目录 RUN 的治理清单新建台账：一宗地一行，镇街填写黄色列。"""
    from landgov.ledger import init_ledger, write_ledger
    from landgov.run.results import read_screening

    if out.exists() and not overwrite:
        raise InputError(
            [
                Issue(
                    str(out),
                    None,
                    out.name,
                    "台账文件已存在，新建会丢失其中填写的内容",
                    "更新已有台账请用 landgov ledger update；确要重建请加 --overwrite",
                )
            ]
        )
    outside_runs(out)
    day = parse_as_of(as_of)
    ledger = init_ledger(read_screening(run_dir), as_of=day)
    _report(ledger, write_ledger(ledger, out))


@command.command("update")
@click.argument("ledger_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--run", "run_dir", type=_RUN, help="新一批筛查结果目录（合并新列入和建议销号）")
@click.option("--out", "-o", type=_XLSX, required=True, help="输出台账文件（可与输入相同）")
@as_of_option("更新日期（判断逾期，写入状态变更记录）")
def update(ledger_file: Path, run_dir: Path | None, out: Path, as_of: str | None) -> None:
    """读回台账 LEDGER_FILE 中填写的内容，校验并合并新一批筛查结果，写出新台账。

    填写内容一律保留：有问题的单元格标为橙色并写入「问题记录」；不再列入治理清单的地块只提示
    「建议销号」，须经验收后由镇街改为「已销号」。
    """
    from landgov.ledger import update_ledger, write_ledger
    from landgov.run.results import read_screening

    outside_runs(out)
    day = parse_as_of(as_of)
    run = read_screening(run_dir) if run_dir is not None else None
    ledger = update_ledger(ledger_file, run, as_of=day)
    _report(ledger, write_ledger(ledger, out))
