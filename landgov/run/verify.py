"""The 核实 round trip: 待核实 items out to the 镇街, their answers back into the next run.

:func:`write_verify` reads a screening run folder and writes one workbook per 镇街
(``核实_<镇街>.xlsx``) listing the 镇街's 待核实 items, one row per plot, enterprise and thing to
collect (:mod:`landgov.core.collect`): what is missing, from which department, why it matters,
and columns to fill in: 答复, 核实人, 核实日期, 依据 (an editable sheet of
:mod:`landgov.core.editable`: computed columns locked, a drop-down on the 答复 cell of an item
with fixed answers, date validation).

:func:`read_verified` reads such workbooks back (the folder given to ``landgov screen
--verified``). An answer enters the run as data (:func:`apply_verified` writes it into the
enterprise table) with its source in the reasons: 「据斗门街道 2026-07-10 核实（张三）」. An
answer that cannot be used is a problem row saying why, never dropped: a value that is not of
the kind asked (not a number, not one of the choices, beyond the profile's ``plausible`` bound),
an answer saying the value is unknown (「不详」, 「—」), a missing 核实人 or 核实日期, answers that
disagree for one enterprise, an item landgov cannot take as data (to be corrected in the source
file), an enterprise not in the enterprise table; an answer for a plot that is no longer in the
parcels layer is reported (and used when its enterprise still is).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from landgov.core.collect import DERIVED, Item, parse_item, split_items
from landgov.core.dates import read_year
from landgov.core.editable import (
    RUN_DATE,
    Field,
    FieldKind,
    Layout,
    add_editable_sheet,
    no_common_keys,
    other_run,
    read_editable,
    save_workbook,
)
from landgov.core.missing import format_number, is_missing
from landgov.core.plausible import implausible_number
from landgov.core.problems import PROBLEM_COLUMNS, ProblemLog, Severity
from landgov.core.vocab import UNKNOWN_TOWNSHIP
from landgov.errors import InputError, Issue
from landgov.policy import Profile
from landgov.reports.filenames import township_names

__all__ = [
    "ANSWERABLE",
    "LAYOUT",
    "Verified",
    "answers_into_reads",
    "apply_verified",
    "read_verified",
    "used_rows",
    "verified_entry",
    "verified_reasons",
    "verify_items",
    "write_verify",
]

KEY = "核实编号"
ANSWER = "答复"
PERSON = "核实人"
DATE = "核实日期"
BASIS = "依据"

LAYOUT = Layout(
    kind="核实清单",
    version=1,
    sheet="待核实事项",
    key=KEY,
    fields=(
        Field(KEY, width=30),
        Field("镇街", width=10),
        Field("宗地代码", width=22),
        Field("企业名称", width=24),
        Field("统一社会信用代码", width=21),
        Field("收集部门", width=12),
        Field("核实事项", width=36),
        Field("为何需要", width=44),
        Field("填写说明", width=28),
        Field(ANSWER, editable=True, width=16, hint="按「填写说明」填写"),
        Field(PERSON, editable=True, width=10, hint="填写核实人姓名"),
        Field(DATE, kind=FieldKind.DATE, editable=True, width=12),
        Field(BASIS, editable=True, width=24, hint="填写依据，如统计报表、税务数据、现场核查"),
    ),
)


@dataclass(frozen=True)
class _Answer:
    """How the answer of one field is read and written into the enterprise table."""

    kind: str  # "number", "year" or "choice"
    hint: str
    choices: tuple[str, ...] = ()
    unit: str = ""


#: Enterprise fields whose answer enters the run as data (others: correct the source file).
ANSWERABLE: dict[str, _Answer] = {
    "energy_tce": _Answer("number", "填写年综合能耗，单位吨标准煤，只填数字", unit="吨标准煤"),
    "fuel_tce": _Answer("number", "填写非电能源消费量，单位吨标准煤，只填数字", unit="吨标准煤"),
    "power_10k_kwh": _Answer("number", "填写年用电量，单位万千瓦时，只填数字", unit="万千瓦时"),
    "tax_wan": _Answer("number", "填写税收，单位万元，只填数字", unit="万元"),
    "land_mu": _Answer("number", "填写企业实际用地面积，单位亩，只填数字", unit="亩"),
    "built_year": _Answer("year", "填写投产年份，如 2019"),
    "two_high_assessment": _Answer("choice", "从下拉列表选择", ("符合要求", "不符合要求")),
    "above_scale": _Answer("choice", "从下拉列表选择", ("规上", "规下")),
    "catalogue_class": _Answer(
        "choice", "从下拉列表选择", ("鼓励类", "允许类", "限制类", "淘汰类")
    ),
}
_MANUAL = "此项不能直接计入：请据核实结果更正源数据文件（答复仅作记录）"


# --------------------------------------------------------------------------- write
def _why(row: Mapping[str, Any], field_name: str | None) -> str:
    parts = []
    if field_name == "two_high_assessment":
        parts.append("达到“两高”/用能项目门槛，须逐一评估检查的结论")
    if row.get("screening_status") == "待核实":
        parts.append("筛查结论待核实：补齐后确定是否列入治理清单")
    if row.get("path_status") == "待核实":
        parts.append(f"治理路径（暂为{row.get('path') or '—'}）待核实：补齐后确定四个一批路径")
    return "；".join(parts) or "补齐后重新判定"


def verify_items(parcels: pd.DataFrame) -> pd.DataFrame:
    """One row per 待核实 plot × item to collect (:data:`LAYOUT` columns, answers blank).

    Items come from ``to_verify`` (筛查) and ``missing`` (治理路径); an item landgov derives
    from the others (:data:`landgov.core.collect.DERIVED`) is left out: nothing to ask.
    """
    rows: dict[str, dict[str, Any]] = {}
    pending = (parcels.get("screening_status") == "待核实") | (
        parcels.get("path_status") == "待核实"
    )
    for rec in parcels[pending].to_dict("records"):
        texts = [rec.get("to_verify"), rec.get("missing")]
        items = [parse_item(raw) for t in texts for raw in split_items(t)]
        unlinked = any(i.field == "link" for i in items)
        for item in items:
            # derived: nothing to ask; without its enterprise a plot's tax cannot be asked for
            # (it follows once the enterprise on the plot is known)
            if item.department == DERIVED or (unlinked and item.field == "tax_wan"):
                continue
            row = _item_row(rec, item)
            rows.setdefault(row[KEY], row)
    return pd.DataFrame(list(rows.values()), columns=[*[f.name for f in LAYOUT.fields], "_choices"])


def _item_row(rec: Mapping[str, Any], item: Item) -> dict[str, Any]:
    pid = str(rec["parcel_id"])
    town = rec.get("township")
    answer = ANSWERABLE.get(item.field or "")
    return {
        KEY: "｜".join([pid, item.label, item.uscc or ""]).rstrip("｜"),
        "镇街": UNKNOWN_TOWNSHIP if is_missing(town) else str(town),
        "宗地代码": pid,
        "企业名称": item.name or ("—" if item.uscc else "（本宗地）"),
        "统一社会信用代码": item.uscc or "—",
        "收集部门": item.department,
        "核实事项": item.label,
        "为何需要": _why(rec, item.field),
        "填写说明": answer.hint if answer else _MANUAL,
        "_choices": answer.choices if answer else (),
    }


def write_verify(run_dir: str | Path, out_dir: str | Path) -> list[Path]:
    """Write ``核实_<镇街>.xlsx`` into ``out_dir`` for every 镇街 with 待核实 items.

    Returns the files written (none when the run has no 待核实 item).
    """
    from landgov.run.results import read_screening

    run = read_screening(run_dir)
    items = verify_items(run.parcels)
    out = Path(out_dir)
    # one file per 镇街: two never share one (reports.filenames)
    towns = township_names(sorted(str(t) for t in items["镇街"].unique()), blank=UNKNOWN_TOWNSHIP)
    names = {town: f"核实_{name}.xlsx" for town, name in towns.items()}
    about = run.written_for()  # its 基准日 is checked when it comes back (_refuse_other_run)
    _refuse_filled(out / name for name in names.values())
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for town, group in items.groupby("镇街", sort=True):
        rows = group.sort_values(["收集部门", "宗地代码", KEY], kind="stable")
        wb = Workbook()
        wb.remove(wb.active)
        add_editable_sheet(wb, rows.drop(columns="_choices"), LAYOUT, about=about)
        _choice_lists(wb[LAYOUT.sheet], rows["_choices"].tolist())
        written.append(save_workbook(wb, out / names[str(town)]))
    return written


def _refuse_filled(paths: Iterable[Path]) -> None:
    """Refuse to write over a 核实 workbook that holds answers (or cannot be read to tell).

    Departments fill in the 答复 columns and send the files back into this folder; writing the
    workbooks again replaced every answer without a word.
    """
    from landgov.errors import LandgovError

    issues = []
    for path in paths:
        if not path.exists():
            continue
        try:
            rows = read_editable(path, LAYOUT).rows
        except LandgovError:
            problem = "已有同名文件，且无法确认其中是否已填写答复"
        else:
            filled = rows[list(LAYOUT.editable)].map(lambda v: not is_missing(v)).to_numpy()
            if not filled.any():
                continue
            problem = f"已填写 {int(filled.any(axis=1).sum())} 条答复，重新生成会丢失这些答复"
        issues.append(
            Issue(
                str(path), None, None, problem,
                "先用 landgov screen --verified 该文件夹 计入答复；"
                "要生成新的核实表，用 --out 指定另一个文件夹",
            )
        )  # fmt: skip
    if issues:
        raise InputError(issues)


def _choice_lists(ws: Any, choices: list[tuple[str, ...]]) -> None:
    """A drop-down on the 答复 cell of each item with fixed answers."""
    col = [f.name for f in LAYOUT.fields].index(ANSWER) + 1
    letter = ws.cell(row=1, column=col).column_letter
    groups: dict[tuple[str, ...], DataValidation] = {}
    for r, options in enumerate(choices, start=2):
        if not options:
            continue
        if options not in groups:
            dv = DataValidation(
                type="list", formula1='"' + ",".join(options) + '"', allow_blank=True
            )
            dv.error = f"请从下拉列表选择：{'、'.join(options)}"
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            groups[options] = dv
        groups[options].add(f"{letter}{r}")


# --------------------------------------------------------------------------- read
@dataclass(frozen=True)
class Verified:
    """Answers read back from a folder of 核实 workbooks.

    Attributes
    ----------
    values
        ``{(uscc, field): value}`` to write into the enterprise table.
    sources
        ``{(uscc, field): 「据斗门街道 2026-07-10 核实（张三）」…}``: what the reasons say.
    plots
        ``{parcel_id: [source text, …]}``: the plots whose rows gave a used answer.
    problems
        The problems table: every answer that was not used, and why.
    n_answers
        Answers read (rows with something in 答复), each once: the same answer to the same item
        in two files (one 核实表 returned twice) is one answer.
    n_duplicates
        The answers read again in another file (the same item, the same answer), not in
        ``n_answers``.
    """

    values: dict[tuple[str, str], Any] = field(default_factory=dict)
    sources: dict[tuple[str, str], str] = field(default_factory=dict)
    plots: dict[str, list[str]] = field(default_factory=dict)
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))
    n_answers: int = 0
    n_duplicates: int = 0


def _field_of(label: str) -> str | None:
    return Item(label, "", None, None).field


def _parse_answer(value: object, spec: _Answer) -> tuple[Any, str | None]:
    """(value, None) or (None, why the answer cannot be used)."""
    text = str(value).strip()
    if spec.kind == "choice":
        norm = "".join(text.split())
        ok = norm in spec.choices
        why = f"「{text}」不是可选答复（{'、'.join(spec.choices)}）"
        return (norm, None) if ok else (None, why)
    if spec.kind == "year":  # as every year field is read (core.dates.read_year): 2019年, 二〇一九
        year, problem = read_year(value)
        if year is None or problem is not None or not 1949 <= year <= dt.date.today().year:
            return None, f"「{text}」不是有效的投产年份（1949 至今年）"
        return year, None
    try:
        number = float(text.replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None, f"「{text}」不是数字（{spec.hint}）"
    if not math.isfinite(number):  # 「inf」, 「nan」: floats to Python, no figure to anyone
        return None, f"「{text}」不是有限数值（{spec.hint}）"
    return (number, None) if number >= 0 else (None, f"「{text}」为负数")


def _as_data(fld: str, value: Any) -> dict[str, Any]:
    """The enterprise-table columns an answer sets."""
    if fld == "above_scale":
        return {"above_scale": value == "规上", "scale": value}
    return {fld: value}


def read_verified(
    folder: str | Path,
    *,
    parcel_ids: Iterable[str],
    usccs: Iterable[str],
    profile: Profile | None = None,
    as_of: dt.date | None = None,
) -> Verified:
    """Read every ``*.xlsx`` 核实 workbook in ``folder``.

    Parameters
    ----------
    folder
        The folder the answered workbooks were put in (files written by :func:`write_verify`).
    parcel_ids, usccs
        The plots and enterprises of the run that takes the answers: answers about others are
        reported.
    profile
        The run's profile: a number beyond its ``plausible`` bound (综合能耗 2e8 吨标准煤) is
        not used, as the same figure in the enterprise table is not; ``None``: not checked.
    as_of
        The 基准日 of the run that takes the answers: a 核实表 written for a run of another
        基准日 (last year's, left in the folder) is refused, one that records none is read
        with a warning (:func:`landgov.core.editable.other_run`); ``None``: not checked.

    Raises
    ------
    InputError
        No folder or no workbook in it, a workbook in another format, a workbook of another
        county (no plot in common) or written for a run of another 基准日.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError(
            [Issue(str(root), None, None, "核实文件夹不存在", "请给出存放已填写核实表的文件夹")]
        )
    files = _workbooks(root)
    if not files:
        raise InputError(
            [Issue(str(root), None, None, "文件夹中没有 .xlsx 核实表", "请放入已填写的核实表")]
        )
    plots, firms = {str(p) for p in parcel_ids}, {str(u) for u in usccs}
    log = ProblemLog("核实表")
    seen: dict[tuple[str, str], list[tuple[Any, str, str]]] = {}
    used_plots: dict[str, list[str]] = {}
    n = 0
    sheets = [(path, read_editable(path, LAYOUT, refuse_conflicts=True)) for path in files]
    _refuse_other_run(sheets, as_of, log)
    _refuse_foreign(sheets, plots)
    for path, sheet in sheets:
        log.extend(sheet.problems)
        n += len(sheet.conflicts)  # answered twice, differently: said, not used
        where = f"{path.name} 工作表「{sheet.meta.get('sheet')}」"
        added = set(sheet.added_keys)
        for key, rec in sheet.rows.iterrows():
            answer = rec.get(ANSWER)
            if is_missing(answer):
                if isinstance(answer, str) and answer.strip():  # 「不详」「—」: typed, said
                    log.add(
                        f"{where}：答复为「{answer.strip()}」（未能核实），答复未采用，"
                        "该事项仍为待核实",
                        row=_row(rec), field=ANSWER, value=answer.strip(),
                        action="核实后填写答复；确实无法取得的，在「依据」中说明原因",
                        severity=Severity.WARNING,
                    )  # fmt: skip
                continue
            if sheet.flagged(str(key), ANSWER):  # e.g. a formula without its result: said
                continue
            if str(key) in added:
                log.add(
                    f"{where}：「{KEY}」{key} 不是 landgov 写出的核实事项"
                    "（手工添加的行或改动了编号），答复未采用",
                    row=_row(rec), field=KEY, value=key, severity=Severity.ERROR,
                    action="请在 landgov 写出的对应行中填写答复（编号保持原样），"
                    "或重新运行 landgov verify 取得新的核实表",
                )  # fmt: skip
                continue
            changed = _changed_cells(str(key), rec)
            if changed:
                log.add(
                    f"{where}：本行的{'、'.join(changed)}与「{KEY}」{key} 不一致"
                    "（锁定的列被改动），无法确定答复针对哪家企业的哪一事项，答复未采用",
                    row=_row(rec), field="、".join(changed), value=key, severity=Severity.ERROR,
                    action="把该行恢复原样（或在 landgov verify 写出的原表对应行中填写答复）"
                    "后重新运行",
                )  # fmt: skip
                continue
            unreadable = any(sheet.flagged(str(key), name) for name in (PERSON, DATE))
            found = _one_answer(path.name, str(key), rec, unreadable, plots, profile,
                                basis=not sheet.flagged(str(key), BASIS))  # fmt: skip
            if isinstance(found, str):
                log.add(f"{where}：{found}", row=_row(rec), field=ANSWER, value=rec.get(ANSWER),
                        action=_action(found), severity=Severity.ERROR)  # fmt: skip
                continue
            uscc, fld, value, source, gone = found
            place = f"{path.name}"
            if gone:
                log.add(
                    f"宗地 {rec.get('宗地代码')} 已不在本次宗地图层中（答复针对已不存在的宗地）",
                    row=_row(rec), field="宗地代码", value=rec.get("宗地代码"),
                    action="核对该宗地是否已注销、分割或改号；企业仍在企业表中时答复仍计入该企业",
                    severity=Severity.WARNING,
                )  # fmt: skip
            if uscc not in firms:
                log.add(
                    f"企业 {uscc} 不在本次企业表中，答复未计入",
                    row=_row(rec), field="统一社会信用代码", value=uscc,
                    action="核对统一社会信用代码，或在企业表中补充该企业", severity=Severity.ERROR,
                )  # fmt: skip
                continue
            seen.setdefault((uscc, fld), []).append((value, source, place))
            used_plots.setdefault(str(rec.get("宗地代码")), []).append(source)
    values, sources = _agree(seen, log)
    once, again = _answered(sheets)
    return Verified(values, sources, used_plots, log.frame(), n + once, again)


def _answered(sheets: list[tuple[Path, Any]]) -> tuple[int, int]:
    """(answers, answers read again): rows with something in 答复 (「不详」 too), each item's
    same answer once — one 核实表 returned twice holds each of its answers twice."""
    answers = [
        (_norm(key), _norm(answer))
        for _path, sheet in sheets
        for key, answer in sheet.rows.get(ANSWER, pd.Series(dtype=object)).items()
        if not is_missing(answer) or (isinstance(answer, str) and answer.strip())
    ]
    return len(set(answers)), len(answers) - len(set(answers))


def _refuse_foreign(sheets: list[tuple[Path, Any]], plots: set[str]) -> None:
    """Refuse a workbook none of whose plots is in the run (another county's 核实表): each of
    its answers was a warning 「已不在本次宗地图层中」 and an error 「企业不在本次企业表中」."""
    found = [
        no_common_keys(
            path,
            sheet.rows.get("宗地代码", ()),
            plots,
            what="核实表",
            field="宗地代码",
            action=f"把 {path.name} 移出核实文件夹；本次运行的核实表用 landgov verify 写出",
        )
        for path, sheet in sheets
    ]
    issues = [i for i in found if i is not None]
    if issues:
        raise InputError(issues)


def _refuse_other_run(
    sheets: list[tuple[Path, Any]], as_of: dt.date | None, log: ProblemLog
) -> None:
    """Refuse a workbook written for a run of another 基准日 (last year's 核实表 left in this
    year's folder): its answers are that year's figures and were applied to this one unsaid.
    ``as_of`` ``None``: not checked."""
    if as_of is None:
        return
    found = [
        other_run(
            path, sheet.meta, RUN_DATE, as_of, what="核实表", log=log,
            action=f"把 {path.name} 移出核实文件夹（其他年度的核实表另行存档）后重新运行；"
            "本次运行的核实表用 landgov verify 本次筛查结果文件夹 写出，答复须填在其中",
        )
        for path, sheet in sheets
    ]  # fmt: skip
    issues = [i for i in found if i is not None]
    if issues:
        raise InputError(issues)


#: Workbook formats staff save a returned 核实表 in that landgov does not read (WPS, old Excel,
#: 「另存为 CSV」): refused by name, as the shared reader refuses them (core.editable._open).
_OTHER_WORKBOOKS = (".xls", ".et", ".ett", ".ods", ".xlsm", ".xlsb", ".csv")


def _workbooks(root: Path) -> list[Path]:
    """The .xlsx workbooks in ``root``; a workbook saved in another format is refused by name,
    never skipped in silence (its answers would be lost)."""
    names = [
        p for p in sorted(root.iterdir()) if p.is_file() and not p.name.startswith((".", "~$"))
    ]
    other = [p for p in names if p.suffix.lower() in _OTHER_WORKBOOKS]
    if other:
        raise InputError(
            [
                Issue(
                    str(p),
                    None,
                    None,
                    f"核实表 {p.name} 是 {p.suffix} 格式（WPS/Excel 另存为了其他格式），"
                    "landgov 只读回 .xlsx，其中的答复无法读取",
                    "在 WPS/Excel 中打开该文件，「另存为」Excel 工作簿（*.xlsx），"
                    f"删除 {p.name} 后重新运行",
                )
                for p in other
            ]
        )
    return [p for p in names if p.suffix.lower() == ".xlsx"]


def _norm(value: object) -> str:
    return "" if is_missing(value) else unicodedata.normalize("NFKC", str(value)).strip()


def _changed_cells(key: str, rec: Mapping[str, Any]) -> list[str]:
    """The locked columns that route an answer (统一社会信用代码: whose; 核实事项: which field)
    no longer agreeing with the row's 核实编号 (宗地代码｜核实事项｜统一社会信用代码, as
    :func:`_item_row` writes it): a cell typed over would send the answer elsewhere. The
    宗地代码 cell routes nothing (it only says when the plot has left the run)."""
    text, uscc = _norm(key), _norm(rec.get("统一社会信用代码"))
    code = "" if uscc in {"", "—"} else f"|{uscc}"
    if code and not text.endswith(code):
        return ["统一社会信用代码"]
    rest = text.removesuffix(code) if code else text
    item = rest.split("|", 1)[1] if "|" in rest else rest
    if item != _norm(rec.get("核实事项")):
        return ["统一社会信用代码" if "|" in item else "核实事项"]
    return []


def _row(rec: Mapping[str, Any]) -> int | None:
    value = rec.get("行号")
    return None if is_missing(value) else int(value)


def _action(problem: str) -> str:
    if "核实人" in problem or "核实日期" in problem:
        return "补填核实人和核实日期后重新运行"
    if "不能直接计入" in problem:
        return "据核实结果更正源数据文件后重新运行"
    return "按「填写说明」改正答复后重新运行"


def _one_answer(  # noqa: PLR0917
    file: str,
    key: str,
    rec: pd.Series,
    bad_date: bool,
    plots: set[str],
    profile: Profile | None,
    *,
    basis: bool = True,
) -> str | tuple[str, str, Any, str, bool]:
    """(uscc, field, value, source text, plot gone) or the reason the answer is not used.

    ``basis``: whether the 依据 cell was read; one that was not (an Excel error value, a
    formula without its result: said by :func:`~landgov.core.editable.read_editable`) is
    never quoted as the source."""
    fld = _field_of(str(rec.get("核实事项") or ""))
    spec = ANSWERABLE.get(fld or "")
    uscc = rec.get("统一社会信用代码")
    if spec is None or is_missing(uscc) or str(uscc) == "—":
        return f"{_MANUAL}（{rec.get('核实事项')}）"
    value, problem = _parse_answer(rec.get(ANSWER), spec)
    if not problem and spec.kind == "number" and profile is not None:
        why = implausible_number(fld or "", value, profile)
        problem = None if why is None else f"「{str(rec.get(ANSWER)).strip()}」{why}"
    if problem:
        return f"答复未采用：{problem}"
    person, day = rec.get(PERSON), rec.get(DATE)
    if is_missing(person) or is_missing(day) or bad_date or not isinstance(day, dt.date):
        return "答复未采用：缺少核实人或核实日期（有效日期），无法注明来源"
    town = rec.get("镇街") or UNKNOWN_TOWNSHIP
    source = f"据{town} {day.isoformat()} 核实（{str(person).strip()}）"
    said = rec.get(BASIS) if basis else None
    if not is_missing(said):
        source += f"，依据：{str(said).strip()}"
    assert fld is not None
    return str(uscc), fld, value, source, str(rec.get("宗地代码")) not in plots


def _agree(
    seen: Mapping[tuple[str, str], list[tuple[Any, str, str]]], log: ProblemLog
) -> tuple[dict[tuple[str, str], Any], dict[tuple[str, str], str]]:
    """One value per enterprise and field; disagreeing answers are reported and not used.

    Answers from several files (one 镇街's 核实表 returned twice, an enterprise asked about in
    two 镇街's files) are each said with their file: different ones are used neither way, the
    same one is used once."""
    values: dict[tuple[str, str], Any] = {}
    sources: dict[tuple[str, str], str] = {}
    for (uscc, fld), answers in seen.items():
        distinct = {a[0] for a in answers}
        files = list(dict.fromkeys(a[2] for a in answers))
        if len(distinct) > 1:
            shown = "、".join(f"{_shown(a[0])}（{a[2]}，{a[1]}）" for a in answers)
            twice = "（同一核实表交回了两份？）" if len(files) > 1 else ""
            log.add(
                f"同一企业同一事项的答复不一致{twice}，均未采用：{shown}",
                field=ANSWER, value=uscc, severity=Severity.ERROR,
                action=(f"只保留一份核实表（{'、'.join(files)} 中删除多余的一份）或"
                        if len(files) > 1 else "") + "统一答复后重新运行",
            )  # fmt: skip
            continue
        values[(uscc, fld)] = answers[0][0]
        sources[(uscc, fld)] = "；".join(dict.fromkeys(a[1] for a in answers))
        if len(files) > 1:
            log.add(
                f"企业 {uscc} 的{_label(fld)}在 {'、'.join(files)} 中答复相同"
                f"（{_shown(answers[0][0])}；同一核实表交回了多份，或该企业在几个镇街都有宗地），"
                "只计入一次",
                field=ANSWER, value=uscc, severity=Severity.WARNING,
                action="同一核实表只需交回一份：请把多余的副本移出核实文件夹",
            )  # fmt: skip
    return values, sources


def _shown(value: Any) -> str:
    return format_number(value) if isinstance(value, int | float) else str(value)


# --------------------------------------------------------------------------- apply
def answers_into_reads(
    reads: dict[str, Any],
    verified: str | Path,
    profile: Profile | None = None,
    as_of: dt.date | None = None,
) -> Verified:
    """Read the answers in ``verified`` and write them into ``reads["enterprises"]`` (replaced).

    ``reads`` are a run's :class:`~landgov.core.problems.ReadResult` by role (``parcels`` and
    ``enterprises`` needed), checked against ``profile``'s ``plausible`` bounds already; the
    answers are held to the same bounds; a 核实表 written for a run of another 基准日 than
    ``as_of`` is refused (:func:`read_verified`). Returns what was read (its problems go to
    the run's problems).
    """
    from dataclasses import replace

    ents = reads["enterprises"].data
    answers = read_verified(
        verified,
        parcel_ids=reads["parcels"].data["parcel_id"].astype(str),
        usccs=ents["uscc"].astype(str) if "uscc" in ents.columns else [],
        profile=profile,
        as_of=as_of,
    )
    reads["enterprises"] = replace(reads["enterprises"], data=apply_verified(ents, answers))
    return answers


def verified_entry(folder: str | Path, verified: Verified) -> dict[str, Any]:
    """The ``verified`` entry of a run's manifest: the folder, each workbook's SHA-256, and the
    answers read (each once), the answers read again in another copy of a 核实表, the values
    used and the problem rows."""
    from landgov.core.runfolder import file_sha256

    root = Path(folder)
    files = _workbooks(root)  # the files read_verified read (「核实_X.XLSX」 too)
    return {
        "path": str(root),
        "files": {p.name: file_sha256(p) for p in files},
        "answers": int(verified.n_answers),
        "duplicate_answers": int(verified.n_duplicates),
        "values_used": len(verified.values),
        "problems": len(verified.problems),
    }


def used_rows(verified: Verified, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One 提示 problem row per answer used: what was entered, for whom, on whose word."""
    log = ProblemLog("核实表")
    for (uscc, fld), value in verified.values.items():
        spec = ANSWERABLE[fld]
        who = (names or {}).get(uscc) or uscc
        log.add(
            f"已计入核实答复：{who} {_label(fld)} {_shown(value)} {spec.unit}".rstrip()
            + f"，{verified.sources[(uscc, fld)]}",
            field=_label(fld), value=uscc, action="无需处理", severity=Severity.INFO,
        )  # fmt: skip
    return log.frame()


def _label(fld: str) -> str:
    from landgov.core.collect import FIELD_SOURCES

    return FIELD_SOURCES[fld].label.split("（")[0]


def apply_verified(enterprises: pd.DataFrame, verified: Verified) -> pd.DataFrame:
    """The enterprise table with the verified answers written in (a copy)."""
    out = enterprises.copy()
    if not verified.values or "uscc" not in out.columns:
        return out
    codes = out["uscc"].astype(str)
    for (uscc, fld), value in verified.values.items():
        for column, v in _as_data(fld, value).items():
            if column not in out.columns:
                out[column] = pd.Series(None, index=out.index, dtype="object")
            if out[column].dtype != object and isinstance(v, str):
                out[column] = out[column].astype("object")
            out.loc[codes == uscc, column] = v
    return out


def verified_reasons(
    parcels: pd.DataFrame, pairs: pd.DataFrame | None, verified: Verified, names: Mapping
) -> pd.Series:
    """Per plot, the lines 「核实：综合能耗 1200 吨标准煤（某公司）据斗门街道 … 核实（张三）」."""
    by_firm: dict[str, list[str]] = {}
    for (uscc, fld), value in verified.values.items():
        spec = ANSWERABLE[fld]
        label = _label(fld)
        shown = f"{_shown(value)} {spec.unit}".strip()
        by_firm.setdefault(uscc, []).append(
            f"核实：{label} {shown}（{names.get(uscc) or uscc}）{verified.sources[(uscc, fld)]}"
        )
    firms_of: dict[str, list[str]] = {}
    if pairs is not None and {"parcel_id", "uscc"} <= set(pairs.columns):
        for p, u in pairs[["parcel_id", "uscc"]].dropna().itertuples(index=False):
            firms_of.setdefault(str(p), []).append(str(u))
    lines = []
    for p in parcels["parcel_id"]:
        firms = dict.fromkeys(firms_of.get(str(p), []))
        lines.append("\n".join(f"· {t}" for u in firms for t in by_firm.get(u, [])))
    return pd.Series(lines, index=parcels.index, dtype="object")
