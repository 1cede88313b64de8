"""Text cells of a .dbf written in the other encoding than their record.

A county's GBK .dbf (ArcGIS) sometimes holds a cell whose text was pasted in from a UTF-8
source (a web page, a QGIS layer, a UTF-8 table): GDAL decodes the whole file as GBK, and the
cell comes as mojibake — 权利人 「绍兴信晖锦光电有限公司」 as 「缁嶅叴淇℃櫉閿﹀厜鐢垫湁闄愬叕鍙」 —
without one error, and the garbled name is then matched as a name. The reverse, a GBK cell in a
UTF-8 file, comes as 「\ufffd」. A record wholly in the other encoding is found by
:func:`landgov.io.encoding.detect_dbf_encoding` and decoded as a whole; this module looks at
each text cell of every record:

- in a record decoded as GBK (or GB18030), a cell whose bytes are UTF-8 text
  (:func:`~landgov.io.encoding.utf8_cell`) is read as UTF-8; one that is neither is read with
  「\ufffd」 for the bytes no codec reads (GDAL drops them without a word: 「越城\\xff某路」
  came as 「越城某路」, a cell of nothing else as blank) and said as such;
- in a record decoded as UTF-8, a cell whose bytes are no UTF-8 but GBK text
  (:func:`~landgov.io.encoding.gbk_cell`) is read as GB18030; one that is neither is kept as
  read (「\ufffd」 for the bytes no codec reads) and said as such.

Each field with such cells gets one 警告 naming its rows, an example as read and as it was, and
the fix (save the layer again in one encoding). The bytes are counted per field with numpy
(:meth:`landgov.io._dbfraw.DbfScan.utf8_fit`, :meth:`~landgov.io._dbfraw.DbfScan.gbk_marks`);
only the few cells whose bytes can be UTF-8, or do not have the form of GBK, are decoded in
Python (each distinct value once), so a plain GBK file of 500,000 records costs a fraction of
a second more.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from landgov.core.listing import first_few, rows_text
from landgov.core.problems import ProblemLog, Severity
from landgov.io._dbfraw import DbfScan
from landgov.io.encoding import (
    EncodingDecision,
    codec_label,
    decoded_cell,
    gbk_cell,
    utf8_cell,
)

__all__ = ["mend_cells"]

#: rows a warning names before it counts the rest
_NAMED_ROWS = 10
_SHOWN_CHARS = 40
_GBK_FAMILY = frozenset({"gbk", "gb18030", "gb2312"})
_ACTION = (
    "核对这些单元格的文字是否正常；在 QGIS/ArcGIS 中把图层另存为一种编码（如 UTF-8，"
    "并保留 .cpg）后重新读取"
)


@dataclass
class _Found:
    """The cells of one field read in another codec than their record (or in none)."""

    codec: str | None  # the codec they were read in; None: neither reads them
    record: str = "UTF-8"  # the codec the rest of their records were read in
    rows: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    before: list[str] = field(default_factory=list)


def _family(codec: str) -> str:
    name = codecs.lookup(codec).name
    return "gbk" if name in _GBK_FAMILY else name


def mend_cells(
    raw: gpd.GeoDataFrame,
    scan: DbfScan,
    kept: np.ndarray,
    fields: Mapping[str, int],
    enc: EncodingDecision,
    *,
    log: ProblemLog,
    rows: np.ndarray,
    labels: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """``raw`` (the layer as read, text decoded per record as ``enc`` says) with each text cell
    written in the other encoding than its record decoded alone, and one 警告 per field.

    Parameters
    ----------
    raw
        The layer as read; not changed (a copy is returned when a cell is mended).
    scan, kept, fields
        The .dbf's scan, the record index of each row read, and ``{column: field index}``.
    enc
        The encoding decision the layer was read with (the file's codec and the records in
        the other one).
    log, rows
        Where the warnings go, and the row number (the .dbf record, 1-based) of each row.
    labels
        ``{column: label}`` of the columns read as a field of the schema (「QLR」 →
        「权利人」): a warning names the field as the user knows it, 「字段「权利人」（QLR）」,
        in its ``field`` the label (as the reader's other warnings on a .dbf field do).
    """
    label = (labels or {}).get
    gbk_rows, utf8_rows = _rows_in(enc, len(raw))
    if not len(raw) or not (gbk_rows.any() or utf8_rows.any()):
        return raw
    out = raw
    for column, index in fields.items():
        spec = scan.fields[index]
        if spec.type != "C" or column not in raw.columns:
            continue
        fit = scan.utf8_fit(index)
        if fit is None:
            return out
        non_ascii, fits = fit[0][kept], fit[1][kept]
        to_utf8 = np.flatnonzero(non_ascii & fits & gbk_rows)
        to_gbk = np.flatnonzero(non_ascii & ~fits & utf8_rows)
        in_gbk = np.flatnonzero(non_ascii & ~fits & gbk_rows)
        marks = scan.gbk_marks(index, kept[in_gbk])
        if marks is None:
            return out
        odd = in_gbk[~marks[0]]  # no GBK as far as bytes tell: decoded below
        if marks[1].any():  # 造字: no standard character, read as Private Use code points
            _say_made(log, column, in_gbk[marks[1]], raw[column], rows=rows, label=label(column))
        if not len(to_utf8) and not len(to_gbk) and not len(odd):
            continue
        found, mended = _mend_field(
            raw[column], scan=scan, kept=kept, index=index,
            to_utf8=np.union1d(to_utf8, odd), to_gbk=to_gbk,
        )  # fmt: skip
        if not found:
            continue
        values = raw[column].tolist()
        for pos, text in mended.items():
            values[pos] = text
        if out is raw:
            out = raw.copy()
        out[column] = pd.Series(values, index=raw.index, dtype=object)
        for one in found:
            _say(log, column, one, rows=rows, label=label(column))
    return out


def _rows_in(enc: EncodingDecision, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of the ``n`` read, whether it was decoded as GBK (or GB18030), and as UTF-8."""
    main = _family(enc.encoding)
    gbk_rows = np.full(n, main == "gbk")
    utf8_rows = np.full(n, main == "utf-8")
    for pos, codec in enc.other_rows:
        if pos < n:
            gbk_rows[pos] = _family(codec) == "gbk"
            utf8_rows[pos] = _family(codec) == "utf-8"
    return gbk_rows, utf8_rows


def _mend_field(
    values: pd.Series,
    *,
    scan: DbfScan,
    kept: np.ndarray,
    index: int,
    to_utf8: np.ndarray,
    to_gbk: np.ndarray,
) -> tuple[list[_Found], dict[int, str]]:
    """The cells of field ``index`` at positions ``to_utf8`` (in GBK records, their bytes may
    be UTF-8) and ``to_gbk`` (in UTF-8 records, their bytes are no UTF-8) decoded as they
    are: what was found, and ``{position: text}`` of the cells to replace in ``values`` (the
    column as read)."""
    width = scan.fields[index].length
    utf8, gbk, neither = _Found("UTF-8"), _Found("GB18030"), _Found(None)
    not_gbk = _Found(None, record="GBK")
    out: dict[int, str] = {}
    for positions, in_gbk in ((to_utf8, True), (to_gbk, False)):
        if not len(positions):
            continue
        texts = scan.texts(index, kept[positions]) or []
        read: dict[bytes, str | None] = {}  # a field often repeats its values (土地用途)
        for pos, data in zip(positions.tolist(), texts, strict=True):
            if data in read:
                text = read[data]
            else:
                cut = len(data) == width  # the cell fills its field: its last character may be cut
                text = utf8_cell(data, cut=cut) if in_gbk else gbk_cell(data, cut=cut)
                if text is None and in_gbk and decoded_cell(data, "gb18030", cut=cut) is None:
                    text = _NEITHER
                read[data] = text
            if text is None and in_gbk:
                continue  # GBK after all (the byte counts only let it through)
            if text is _NEITHER:  # GDAL dropped the bytes no codec reads: shown instead
                text = out[pos] = data.decode("gb18030", errors="replace")
                not_gbk.rows.append(pos)
                not_gbk.texts.append(_shown(text))
                not_gbk.before.append(_shown(values.iat[pos]))
                continue
            found = utf8 if in_gbk else (neither if text is None else gbk)
            seen = _shown(values.iat[pos])
            found.rows.append(pos)
            found.texts.append(seen if text is None else text)
            found.before.append(seen)
            if text is not None:
                out[pos] = text
    return [f for f in (utf8, gbk, neither, not_gbk) if f.rows], out


#: a cell of a GBK record whose bytes are neither GBK nor UTF-8 (:func:`_mend_field`)
_NEITHER = "\ufffd"


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


def _named(column: str, label: str | None) -> str:
    """A field as a warning names it: 「「权利人」（QLR）」, or 「「ZL」」 for no role."""
    return f"「{column}」" if label in (None, column) else f"「{label}」（{column}）"


def _say_made(
    log: ProblemLog,
    column: str,
    positions: np.ndarray,
    values: pd.Series,
    *,
    rows: np.ndarray,
    label: str | None,
) -> None:
    """One 警告 for the cells of ``column`` at ``positions`` that hold characters of GBK's
    user-defined areas (造字): kept as read, Private Use code points no font shows, which
    match no name in another table."""
    numbers = [int(rows[pos]) for pos in positions.tolist()]
    texts = [_shown(values.iat[pos]) for pos in positions.tolist()]
    log.add(
        f"字段{_named(column, label)}{rows_text(numbers, _NAMED_ROWS)}的文字含没有标准编码的字"
        "（GBK 自定义区的自造字或空码位，多为生僻的人名、地名用字）：读作私用区字符，一般电脑上"
        f"显示为空白或方框，也无法与其他表格中的名称对上（如读作「{texts[0]}」），已按原样保留",
        row=numbers[0] if len(numbers) == 1 else None,
        field=label or column,
        value=first_few(texts, 3, sep=" | "),
        action="核对这些单元格的原字，在 ArcGIS/QGIS 中改为标准汉字（GB18030 收有绝大多数生僻字）"
        "后重新导出",
        severity=Severity.WARNING,
    )


def _say(
    log: ProblemLog, column: str, found: _Found, *, rows: np.ndarray, label: str | None
) -> None:
    """One 警告 for the cells of ``column`` (read as the schema's ``label``) in ``found``."""
    named = _named(column, label)
    numbers = [int(rows[pos]) for pos in found.rows]
    where = rows_text(numbers, _NAMED_ROWS)
    n = len(numbers)
    if found.codec is None:
        problem = (
            f"字段{named}{where}的文字既不是 UTF-8 也不是 GBK 编码，无法识别的字节显示为"
            f"「\ufffd」（如读作「{found.texts[0]}」）；该字段其余单元格按 {found.record} 读取"
        )
        action = (
            "在 ArcGIS/QGIS 中打开图层，核对并重新录入这些单元格的文字，另存为一种编码"
            "（如 UTF-8，并保留 .cpg）后重新读取"
        )
    else:
        other = "GBK" if found.codec == "UTF-8" else "UTF-8"
        problem = (
            f"字段{named}中 {n} 个单元格的文字是 {codec_label(found.codec)} 编码，"
            f"与所在记录其余文字的 {other} 不同"
            f"（{where}；.dbf 中混有两种编码，常见于从网页或另一软件粘贴了文字）："
            f"已按 {codec_label(found.codec)} 读取，如读作「{found.texts[0]}」"
            f"（按 {other} 读则为「{found.before[0]}」）"
        )
        action = _ACTION
    log.add(
        problem,
        row=numbers[0] if n == 1 else None,
        field=label or column,
        value=first_few(found.texts, 3, sep=" | "),
        action=action,
        severity=Severity.WARNING,
    )
