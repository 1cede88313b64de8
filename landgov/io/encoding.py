"""Detect the text encoding of a Shapefile's .dbf.

A .dbf written by Chinese GIS software is usually GBK with no .cpg; geopandas then decodes it as
ISO-8859-1 or UTF-8 and returns mojibake without any error. :func:`detect_dbf_encoding` decides
from evidence, in this order:

1. a ``.cpg`` file next to the .dbf is honoured (``GBK``, ``936``, ``UTF-8``, ``65001`` …);
2. otherwise the bytes of the character fields are examined: valid UTF-8 with multi-byte
   sequences → UTF-8; else a clean GBK decode → GBK, or GB18030 when only GB18030 decodes;
   pure ASCII → UTF-8 (both agree); else the codec that reads all but a few cells, whose
   bytes no codec reads (shown as 「\ufffd」 and said on their rows, as with a .cpg);
   text that no codec reads beyond that is an :class:`~landgov.errors.EncodingError` naming
   the first such cell (row, field, bytes) and the other rows;
3. the language-driver byte of the .dbf header (``0x4D`` = GB2312/936, ``0x7A`` = GBK) is recorded
   as supporting evidence.

A .dbf may hold records in both encodings (a layer made in ArcGIS, GBK, with records added in
QGIS, UTF-8): each record is then decoded in its own (:func:`_two_codecs`), the file's encoding
being the .cpg's, else that of most records, and the others listed for a warning on their rows.
A single cell may be in the other encoding too (a name pasted in from a UTF-8 source into a
GBK record): :func:`utf8_cell` and :func:`gbk_cell` tell such a cell from its bytes, for the
reader to decode it alone (:mod:`landgov.io.parcels`).

The result names the encoding and carries every piece of evidence in Chinese for the user.
"""

from __future__ import annotations

import codecs
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from landgov.core.listing import rows_text
from landgov.errors import EncodingError, Issue
from landgov.io._dbfraw import scan_dbf
from landgov.io._shpparts import sidecar

__all__ = [
    "EncodingDecision",
    "codec_label",
    "decoded_cell",
    "detect_dbf_encoding",
    "gbk_cell",
    "normalize_codepage",
    "reads_as_chinese",
    "utf8_cell",
]

_CPG_NAMES = {
    "936": "GBK",
    "cp936": "GBK",
    "gbk": "GBK",
    "gb2312": "GBK",  # GBK is a superset and what software writing "GB2312" really produces
    "gb18030": "GB18030",
    "54936": "GB18030",
    "65001": "UTF-8",
    "utf8": "UTF-8",
    "utf-8": "UTF-8",
    "ansi 1252": "CP1252",
    "1252": "CP1252",
    "iso-8859-1": "ISO-8859-1",
    "88591": "ISO-8859-1",
}
_LDID = {0x4D: "GB2312/936（简体中文）", 0x7A: "GBK/936（简体中文）", 0x57: "ANSI", 0x00: "未设置"}
_MAX_SAMPLE = 4 * 1024 * 1024


@dataclass(frozen=True)
class EncodingDecision:
    """The encoding chosen for a .dbf and the evidence for it."""

    encoding: str
    source: str  # "cpg" | "bytes" | "ascii" | "format"
    evidence: tuple[str, ...]
    warning: str | None = None  # for the problems table: a .cpg set aside
    #: records written in the other encoding than ``encoding``: (position from 0 among the
    #: records GDAL reads, codec); the field names' codec when it is the other one
    other_rows: tuple[tuple[int, str], ...] = ()
    names_encoding: str | None = None

    def row_codecs(self, n: int) -> list[str]:
        """The codec each of ``n`` records read is decoded in: ``encoding``, or the other one
        for the ``other_rows``."""
        codecs_by_row = [self.encoding] * n
        for pos, codec in self.other_rows:
            if pos < n:
                codecs_by_row[pos] = codec
        return codecs_by_row


def normalize_codepage(text: str) -> str | None:
    """Map a .cpg content (``"GBK"``, ``"936"``, ``"UTF-8"`` …) to a Python codec name."""
    key = text.strip().strip("\ufeff").lower()
    if key in _CPG_NAMES:
        return _CPG_NAMES[key]
    try:
        return codecs.lookup(key).name.upper()
    except LookupError:
        return None


def _dbf_pieces(dbf: Path) -> tuple[list[bytes], list[bytes], int, int]:
    """The field names, and each record's character (``C``) fields joined by ``\\n`` — the
    records GDAL reads (a record the .dbf marks deleted is skipped, as GDAL skips it), up to a
    sample size —, the language-driver byte and the number of records the header declares."""
    with dbf.open("rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            raise EncodingError(
                [Issue(str(dbf), None, len(head), ".dbf 文件头不完整", "检查文件是否损坏")]
            )
        n_records, header_len, record_len = struct.unpack("<IHH", head[4:12])
        ldid = head[29]
        descriptors = fh.read(header_len - 32)
        fields: list[tuple[str, int, int]] = []
        names: list[bytes] = []  # field names are encoded too (e.g. 宗地代码 in GBK)
        offset = 1  # deletion flag
        for i in range(0, len(descriptors) - 31, 32):
            desc = descriptors[i : i + 32]
            if desc[0] == 0x0D:
                break
            names.append(desc[:11].split(b"\x00", 1)[0])
            ftype, flen = chr(desc[11]), desc[16]
            fields.append((ftype, offset, flen))
            offset += flen
        fh.seek(header_len)
        n_read = max(1, min(n_records, _MAX_SAMPLE // max(record_len, 1)))
        body = fh.read(n_read * record_len)
    records = [
        b"\n".join(
            body[r + off : r + off + ln].rstrip(b" \x00")
            for ftype, off, ln in fields
            if ftype == "C"
        )
        for r in range(0, len(body) - record_len + 1, record_len)
        if body[r : r + 1] != b"*"
    ]
    return names, records, ldid, n_records


def reads_as_chinese(text: str) -> bool:
    """Whether every non-ASCII character of ``text`` is one a Chinese table holds: CJK and
    full-width forms (U+2E80 on), general punctuation (— “ ” …) or · ×.

    A GBK line is sometimes valid UTF-8 by chance (「录」 is C2 BC in GBK, 「¼」 in UTF-8); such
    a decoding gives Latin-1 or Greek letters, never Chinese, and is not taken.
    """
    return text.isascii() or all(
        c < "\x80" or c >= "\u2e80" or "\u2000" <= c <= "\u206f" or c in "·×" for c in text
    )


def _common_chars(text: str) -> int:
    """How common the 汉字 of ``text`` are: 2 for each level-1 汉字 of GB2312 (the 3,755 most
    common, GBK bytes B0A1–D7F9), 1 for each level-2 one, 0 for any other character. Real text
    is mostly level-1 汉字; text read in the wrong encoding seldom is (UTF-8 read as GBK gives a
    level-2 or rarer 汉字 for every lead byte E4–E9, GBK read as UTF-8 any of 20,000 汉字)."""
    score = 0
    for char in text:
        if "\u4e00" <= char <= "\u9fff":
            try:
                lead = char.encode("gb2312")[0]
            except UnicodeEncodeError:
                continue
            score += 2 if lead < 0xD8 else 1
    return score


def decoded_cell(raw: bytes, codec: str, *, cut: bool) -> str | None:
    """``raw`` decoded as ``codec``, a character cut at the end dropped when the cell fills its
    field (``cut``); ``None`` when any other byte does not decode."""
    try:
        return codecs.getincrementaldecoder(codec)().decode(raw, final=not cut)
    except UnicodeDecodeError:
        return None


def utf8_cell(raw: bytes, *, cut: bool = False) -> str | None:
    """The text of a cell of a GBK (or GB18030) .dbf whose bytes are UTF-8, else ``None``.

    A cell is UTF-8 when all of these hold: its bytes decode as UTF-8 (a character cut at the
    field's width dropped, when the cell fills it: ``cut``); they hold a character of three
    bytes or more and at least one 汉字 (U+4E00–U+9FFF); every non-ASCII character read so is
    one a Chinese table holds (:func:`reads_as_chinese`); and the same bytes are no GB18030
    (GBK) text, or hold fewer common 汉字 (:func:`_common_chars`) read so. A GBK cell passes
    the first test seldom (a two-byte GBK character is a UTF-8 sequence for few byte pairs,
    and a whole cell must line up), and its UTF-8 reading is then a random draw of rare 汉字
    or other scripts, while its GBK reading is common words; UTF-8 text read as GBK is
    mojibake of rare characters (「绍兴」 → 「缁嶅叴」), its UTF-8 reading common words.
    (Of 300,000 random GBK cells of 3–6 common 汉字 none passes; of UTF-8 cells of 1–8, about
    one in 140 fails, all of two 汉字 whose GBK reading happens to be common words: left as
    read.)

    >>> utf8_cell("绍兴市".encode()), utf8_cell("绍兴市".encode("gbk"))
    ('绍兴市', None)
    >>> utf8_cell("录".encode("gbk"))  # C2 BC: also UTF-8, for 「¼」
    """
    if raw.isascii():
        return None
    text = decoded_cell(raw, "utf-8", cut=cut)
    if (
        text is None
        or not any("\u4e00" <= c <= "\u9fff" for c in text)
        or not all(ord(c) <= 0xFFFF for c in text)
        or not reads_as_chinese(text)
    ):
        return None
    as_gbk = decoded_cell(raw, "gb18030", cut=cut)
    return text if as_gbk is None or _common_chars(text) > _common_chars(as_gbk) else None


def gbk_cell(raw: bytes, *, cut: bool = False) -> str | None:
    """The text of a cell of a UTF-8 .dbf whose bytes are GBK (read as GB18030, which extends
    it), else ``None``: the bytes are no UTF-8 (even with a character cut at their end, which
    the reader drops in a UTF-8 file whatever the cell's width), decode as GB18030 (a
    character cut at the field's width dropped when the cell fills it: ``cut``) and read as
    Chinese.

    >>> gbk_cell("绍兴市".encode("gbk")), gbk_cell("绍兴市".encode())
    ('绍兴市', None)
    """
    if raw.isascii() or decoded_cell(raw, "utf-8", cut=True) is not None:
        return None
    text = decoded_cell(raw, "gb18030", cut=cut)
    return text if text is not None and reads_as_chinese(text) else None


def _piece_codec(piece: bytes) -> str | None:
    """The codec one record (or the field names) is written in: ``"ASCII"`` (any reads it),
    ``"UTF-8"`` when it decodes as UTF-8 into Chinese, else ``"GBK"``/``"GB18030"`` when it
    decodes so; ``None`` when neither decodes it."""
    if piece.isascii():
        return "ASCII"
    try:
        if reads_as_chinese(_decode_pieces(piece, "utf-8")):
            return "UTF-8"
    except UnicodeDecodeError:
        pass
    for codec in ("GBK", "GB18030"):
        try:
            _decode_pieces(piece, codec)
        except UnicodeDecodeError:
            continue
        return codec
    return None


#: a record neither codec reads whole, each of its text cells read by one (:func:`_cells_codec`)
_MIXED = "MIXED"


def _cells_codec(piece: bytes) -> str | None:
    """:data:`_MIXED` when each text cell of the record ``piece`` (its cells joined by
    ``\\n``) is ASCII, UTF-8 or GBK (GB18030) on its own although the record is not wholly
    either — a cell pasted in from a source in the other encoding (decoded cell by cell,
    :mod:`landgov.io._dbfcells`); ``None`` when some cell is neither."""
    if any(_piece_codec(cell) is None for cell in piece.split(b"\n")):
        return None
    return _MIXED


def _two_codecs(
    names: Sequence[bytes], records: Sequence[bytes], cpg: str
) -> EncodingDecision | None:
    """The decision for a .dbf whose records are some UTF-8 and some GBK (or GB18030), or
    ``None`` when they are not (or some record is neither: said as before). The file's
    encoding is the one the .cpg (its text ``cpg``) names when it is one of the two, else that
    of most records (GBK on a tie); the records and field names in the other are listed."""
    seen = [_piece_codec(piece) or _cells_codec(piece) for piece in records]
    names_codec = _piece_codec(b"\n".join(names))
    every = {*seen, names_codec}
    two = "UTF-8" in seen and {"GBK", "GB18030"} & set(seen)
    if None in every or not (two or _MIXED in seen):
        return None  # names alone in the other are taken for a chance, as before
    chinese = "GB18030" if "GB18030" in every else "GBK"
    n_utf8, n_chinese = seen.count("UTF-8"), seen.count("GBK") + seen.count("GB18030")
    named = normalize_codepage(cpg) if cpg.strip() else None
    if named is not None and codecs.lookup(named).name in ("utf-8", "gbk", "gb18030"):
        main = "UTF-8" if codecs.lookup(named).name == "utf-8" else chinese
        why = f".cpg 文件声明编码「{cpg.strip()}」"
    else:
        main = "UTF-8" if n_utf8 > n_chinese else chinese
        why = f"{n_utf8} 条记录为 UTF-8、{n_chinese} 条为 {codec_label(chinese)}，按多数"
    other = "GB18030" if main == "UTF-8" else "UTF-8"  # GB18030 reads every GBK byte alike
    is_other = {"UTF-8": main != "UTF-8", "GBK": main == "UTF-8", "GB18030": main == "UTF-8"}
    rows = tuple((pos, other) for pos, codec in enumerate(seen) if is_other.get(str(codec)))
    said = [f"{len(rows)} 条记录按 {codec_label(other)} 逐条解码"] if rows else []
    if _MIXED in seen:
        said.append(f"{seen.count(_MIXED)} 条记录中的个别单元格为另一种编码，逐格解码")
    return EncodingDecision(
        main, "cpg" if why.startswith(".cpg") else "bytes",
        (why, f".dbf 中混有两种编码：{'；'.join(said)}，其余按 {codec_label(main)}"),
        other_rows=rows,
        names_encoding=other if is_other.get(str(names_codec)) else None,
    )  # fmt: skip


def codec_label(codec: str) -> str:
    """A codec as users read it: GB18030 is named with GBK, which it extends."""
    return "GB18030（GBK）" if codec.upper() == "GB18030" else codec


def _cjk_share(text: str) -> float:
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return 0.0
    return sum("\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" for c in non_ascii) / len(
        non_ascii
    )


def _undecodable(data: bytes, encoding: str) -> str | None:
    """How ``data`` fails to decode as ``encoding``; None when it decodes (a multi-byte
    character cut at the end of a field name or value is no failure, :func:`_decode_pieces`;
    a few other bad bytes are allowed)."""
    try:
        _decode_pieces(data, encoding)
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
        bad = text.count("\ufffd")
        if bad > 0.1 * max(1, sum(ord(c) > 127 for c in text)):
            return f"解码时有 {bad:,} 处无法识别"
    except LookupError:
        return "无法解码（不认识该编码名）"
    return None


def _decode_pieces(data: bytes, encoding: str) -> str:
    """``data`` (field names and values joined by ``\\n``) decoded piece by piece; a multi-byte
    character cut at the end of a piece — a Chinese field name cut at the .dbf's 10 bytes, a value
    at its field's width, as ArcGIS cuts them — is dropped, not a failure (0x0A is never part of
    a GBK or UTF-8 character). Raises :class:`UnicodeDecodeError` (offset into ``data``) else."""
    out, start = [], 0
    for piece in data.split(b"\n"):
        try:
            out.append(codecs.getincrementaldecoder(encoding)().decode(piece, final=False))
        except UnicodeDecodeError as exc:
            raise UnicodeDecodeError(
                encoding, data, start + exc.start, start + exc.end, exc.reason
            ) from exc
        start += len(piece) + 1
    return "\n".join(out)


def _utf8_not(encoding: str, data: bytes) -> bool:
    """Whether ``data`` holds multi-byte UTF-8 text although a .cpg says ``encoding`` (not
    UTF-8): a .cpg left at 「936」 beside a .dbf re-exported as UTF-8. GBK decodes such bytes
    without one error — 「宗地代码」 comes as 「瀹楀湴浠ｇ爜」 — so only the UTF-8 test tells;
    GBK text that is valid UTF-8 throughout is rare beyond a word or two (a 2-byte GBK
    character is a valid UTF-8 sequence for few byte pairs), which is why the same test
    decides first when there is no .cpg."""
    if codecs.lookup(encoding).name == "utf-8" or data.isascii():
        return False
    try:
        _decode_pieces(data, "utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _single_byte(encoding: str) -> bool:
    """Whether ``encoding`` gives one character for every byte (Latin-1, 1252 and the other
    Western code pages): such a codec decodes any bytes, GBK text included, without one error."""
    try:
        return len(bytes(range(0x80, 0x100)).decode(encoding, errors="replace")) == 0x80
    except LookupError:
        return False


def _chinese(text: str) -> bool:
    """Whether ``text`` reads as real Chinese: every non-ASCII character one a Chinese table
    holds (:func:`reads_as_chinese`), at least one 汉字, and mostly common ones — on average
    1.5 points of :func:`_common_chars` a 汉字, i.e. about half of them GB2312 level 1 or more.
    Bytes of another language read as GBK (「Société」's é before a letter) give rare 汉字 of
    GBK's extension, never mostly common ones."""
    han = sum("\u4e00" <= c <= "\u9fff" for c in text)
    return han > 0 and reads_as_chinese(text) and _common_chars(text) >= 1.5 * han


#: why text is mojibake (:func:`mojibake_reading`), and what to do, as every message says it
MOJIBAKE_CAUSE = "文件在转换或另存时把中文当作西文编码（Latin-1/1252）读取"
MOJIBAKE_ACTION = (
    "用原始文件重新导出或另存（另存时选择文件原来的编码，如 GBK；Shapefile 请保留 .dbf 旁"
    "内容为 GBK 的 .cpg）后重新读取"
)


def mojibake_reading(text: str) -> tuple[str, str] | None:
    """What ``text`` reads as when it is Chinese whose bytes a conversion decoded as a Western
    code page (Latin-1 or 1252), and in which codec: 「×ÚµØ´úÂë」 is GBK's 「宗地代码」, so
    ``("宗地代码", "GBK")``; ``None`` when ``text`` is no such mojibake.

    Examples
    --------
    >>> mojibake_reading("×ÚµØ´úÂë"), mojibake_reading("ZDDM"), mojibake_reading("宗地代码")
    (('宗地代码', 'GBK'), None, None)
    """
    if text.isascii():
        return None
    for western in ("latin-1", "cp1252"):
        try:
            raw = text.encode(western)
        except UnicodeEncodeError:
            continue
        for enc in ("UTF-8", "GBK", "GB18030"):
            try:
                out = raw.decode(enc)
            except UnicodeDecodeError:
                continue
            if _chinese(out):
                return out, enc
    return None


def garbled_names(columns: Sequence[object]) -> tuple[str, str | None]:
    """What a missing-field message adds when a file's field names are Chinese that a
    conversion decoded as a Western code page (「×ÚµØ´úÂë」 for 「宗地代码」,
    :func:`mojibake_reading`), and the action then: export again from the
    original — renaming each garbled field by hand would leave every text value garbled too.
    ``("", None)`` when no name is such mojibake."""
    read = [(str(c), r) for c in columns if (r := mojibake_reading(str(c))) is not None]
    if not read:
        return "", None
    shown = "、".join(f"「{c}」按 {codec_label(enc)} 读是「{text}」" for c, (text, enc) in read[:4])
    return (
        f"；字段名是乱码：{shown}——{MOJIBAKE_CAUSE}，文字值很可能同样是乱码",
        f"{MOJIBAKE_ACTION}；不要按乱码改名或用 --alias 指定",
    )


def _chinese_not(encoding: str, data: bytes) -> str | None:
    """How ``data`` (field names and text cells) reads when a .cpg names a Western single-byte
    code page (``encoding``) but the bytes are GBK Chinese: a tool set to a Western locale
    re-saved the layer and wrote 「ISO-8859-1」 or 「1252」 without re-encoding the .dbf.
    Such a code page decodes every byte, so 「宗地代码」 came as 「×ÚµØ´úÂë」 and every
    权利人 as mojibake without one error. ``None`` when the .cpg may be right (ASCII text,
    a codec of several bytes a character, text that is no Chinese in GBK either: a real
    Latin-1 「Société」 stays)."""
    if data.isascii() or not _single_byte(encoding):
        return None
    for enc in ("GBK", "GB18030"):
        try:
            text = _decode_pieces(data, enc)
        except UnicodeDecodeError:
            continue
        if _chinese(text):
            sample = next(p for p in data.split(b"\n") if not p.isascii())[:16]
            return (
                f"按 {codec_label(enc)} 读是中文："
                f"「{sample.decode(encoding, errors='replace')}」应为"
                f"「{sample.decode(enc, errors='ignore')}」"
            )
    return None


def _gb18030_only(encoding: str, data: bytes) -> bool:
    """Whether a .dbf a .cpg calls GBK holds characters only GB18030 has (four-byte sequences,
    e.g. 「㙟」 in a town's name): GB18030 extends GBK and reads every GBK byte alike, while a
    GBK decoder turns the four bytes into other characters without one error in GDAL."""
    if codecs.lookup(encoding).name != "gbk" or data.isascii():
        return False
    try:
        _decode_pieces(data, encoding)
    except UnicodeDecodeError:
        try:
            _decode_pieces(data, "gb18030")
        except UnicodeDecodeError:  # some cell neither reads: look at each (rare, the sample)
            return any(_gb18030_piece(piece) for piece in data.split(b"\n"))
        return True
    return False


def _gb18030_piece(piece: bytes) -> bool:
    """Whether one cell (or field name) decodes as GB18030 but not as GBK: it holds a
    character only GB18030 has. Looked at cell by cell, so that a cell elsewhere with bytes
    neither reads (said on its row by :mod:`landgov.io._dbfcells`) does not hide it: the
    file is then still read as GB18030, not as GBK, which turned 「绍兴𠮷有限公司」 into
    「绍兴45有限公司」 without a word."""
    return (
        not piece.isascii()
        and decoded_cell(piece, "gbk", cut=True) is None
        and decoded_cell(piece, "gb18030", cut=True) is not None
    )


def _by_bytes(encoding: str, evidence: list[str], set_aside: str | None) -> EncodingDecision:
    warning = None
    if set_aside is not None:
        warning = f"{set_aside}，已按文本判断为 {encoding} 读取"
    return EncodingDecision(encoding, "bytes", tuple(evidence), warning)


def _user_decision(dbf: Path, user_encoding: str) -> EncodingDecision:
    """The encoding the user named (``--encoding``), or an error when it is no encoding."""
    codec = normalize_codepage(user_encoding)  # 「936」 is GBK, 「gbk」 is GBK
    if codec is None:  # else the decoder's LookupError, later
        raise EncodingError(
            [
                Issue(
                    str(dbf),
                    "--encoding",
                    user_encoding,
                    "不是可识别的编码名",
                    "写作 GBK、GB18030 或 UTF-8（也可写代码页，如 936）；不确定时不要指定，"
                    "landgov 会按 .cpg 和文本内容判断",
                )
            ]
        )
    return EncodingDecision(codec, "user", (f"用户指定编码 {user_encoding}",))


def _cpg_text(cpg: Path) -> str:
    """The text of a .cpg, without the UTF-8 byte-order mark Notepad writes before 「UTF-8」
    (read as ASCII, the mark was three unreadable characters and a name no codec knows)."""
    data = cpg.read_bytes().removeprefix(codecs.BOM_UTF8)
    return data.decode("ascii", errors="replace")


def _by_cpg(cpg: Path, raw: str, data: bytes) -> EncodingDecision | str:
    """The decision the .cpg ``cpg`` (its text ``raw``) makes for the .dbf text ``data``, or
    why it is set aside (the text then decides)."""
    enc = normalize_codepage(raw)
    if enc is None:
        return f"{cpg.name} 的内容「{raw.strip()[:40]}」不是可识别的编码名"
    failed = _undecodable(data, enc)
    if failed is None and _utf8_not(enc, data):
        failed = "读出的是乱码（这些字节是有效的 UTF-8 文本）"
    if failed is None and (chinese := _chinese_not(enc, data)) is not None:
        failed = f"读出的是乱码（{chinese}）"
    if failed is not None:
        return f"{cpg.name} 声明编码「{raw.strip()}」，但 .dbf 的文本按 {enc} {failed}"
    said = (f".cpg 文件声明编码「{raw.strip()}」",)
    if _gb18030_only(enc, data):
        return EncodingDecision(
            "GB18030", "cpg", said,
            f"{cpg.name} 声明编码「{raw.strip()}」，但 .dbf 中有只在 GB18030 中才有的字"
            "（如生僻地名用字），按 GBK 读会变成别的字；已按 GB18030（GBK 的扩展，"
            "其余文字读法相同）读取",
        )  # fmt: skip
    return EncodingDecision(enc, "cpg", said)


def detect_dbf_encoding(path: str | Path, *, user_encoding: str | None = None) -> EncodingDecision:
    """Decide the encoding of a Shapefile's .dbf (``path`` may be the .shp or the .dbf).

    Raises
    ------
    EncodingError
        When the bytes decode neither as UTF-8 nor as GBK/GB18030, beyond a few cells, and
        no .cpg names a codec that reads them.
    """
    path = Path(path)
    dbf = sidecar(path, ".dbf") or path.with_suffix(".dbf")  # 「.DBF」 beside 「.SHP」 too
    if user_encoding:
        return _user_decision(dbf, user_encoding)
    cpg = sidecar(path, ".cpg")
    names, records, ldid, n_records = _dbf_pieces(dbf)
    data = b"\n".join([*names, *records])
    set_aside = None
    raw = _cpg_text(cpg) if cpg is not None else ""
    mixed = _two_codecs(names, records, raw)
    if mixed is not None:
        return mixed
    if cpg is not None:
        by_cpg = _by_cpg(cpg, raw, data)
        if isinstance(by_cpg, EncodingDecision):
            return by_cpg
        set_aside = by_cpg
    checked = f"检查了字段名及 {n_records} 条记录中文本字段的 {len(data):,} 字节"
    evidence = [f"{set_aside or '无可用的 .cpg'}；{checked}"]
    evidence.append(f".dbf 头部语言驱动标识 0x{ldid:02X}（{_LDID.get(ldid, '其他')}）")
    non_ascii = sum(b > 127 for b in data)
    if non_ascii == 0:
        evidence.append("文本全部为 ASCII，UTF-8 与 GBK 读法相同")
        return EncodingDecision("UTF-8", "ascii", tuple(evidence))
    evidence.append(f"其中非 ASCII 字节 {non_ascii:,} 个")
    try:
        text = _decode_pieces(data, "utf-8")
    except UnicodeDecodeError as exc:
        evidence.append(
            f"按 UTF-8 解码失败（第 {exc.start} 字节：{data[exc.start : exc.start + 2]!r}）"
        )
    else:
        evidence.append(f"按 UTF-8 解码成功，非 ASCII 字符中汉字占 {_cjk_share(text):.0%}")
        return _by_bytes("UTF-8", evidence, set_aside)
    return _chinese_or_mostly(dbf, data, evidence, set_aside)


def _chinese_or_mostly(
    dbf: Path, data: bytes, evidence: list[str], set_aside: str | None
) -> EncodingDecision:
    """The decision for .dbf text (field names and cells, ``data``) that is no UTF-8: GBK, else
    GB18030, else the codec that reads all but a few cells (:func:`_mostly`); an
    :class:`EncodingError` naming the cells no codec reads when none does."""
    for enc in ("GBK", "GB18030"):
        try:
            text = _decode_pieces(data, enc)
        except UnicodeDecodeError as exc:
            evidence.append(f"按 {enc} 解码失败（第 {exc.start} 字节）")
            continue
        evidence.append(f"按 {enc} 解码成功，非 ASCII 字符中汉字占 {_cjk_share(text):.0%}")
        return _by_bytes(enc, evidence, set_aside)
    mostly = _mostly(data)
    if mostly is not None:
        evidence.append(
            f"按 {codec_label(mostly)} 解码时个别单元格有无法识别的字节"
            "（这些单元格显示为「\ufffd」，按字段逐行列出）"
        )
        return _by_bytes(mostly, evidence, set_aside)
    raise EncodingError([_unreadable_issue(dbf, data)])


def _mostly(data: bytes) -> str | None:
    """The codec that reads all but a few bytes of ``data`` (field names and text cells;
    :func:`_undecodable`'s share, as for a .cpg) when none reads it all: UTF-8, else GBK
    (GB18030 when some cell holds a character only GB18030 has, :func:`_gb18030_piece`).
    The cells with the bytes it cannot read are shown and said on their rows
    (:mod:`landgov.io._dbfcells`), a field name so on its own (the parcel reader), as in a
    file whose .cpg names the codec."""
    if _undecodable(data, "UTF-8") is None:
        return "UTF-8"
    if _undecodable(data, "GB18030") is None:
        return "GB18030" if _gb18030_only("GBK", data) else "GBK"
    return None


_UNREADABLE_SHOWN = 5


def _unreadable_issue(dbf: Path, data: bytes) -> Issue:
    """The error for a .dbf whose text no codec reads: the first record and field whose
    cell holds bytes neither UTF-8 nor GB18030 (GBK) reads, as seen and as bytes, and the
    other rows so; the start of the text when no cell is to blame (a field name, or a .dbf
    the raw scan cannot read)."""
    cells = _unreadable_cells(dbf)
    fix = (
        "在 ArcGIS/QGIS 中打开图层，核对这些单元格的文字，另存为一种编码（如 UTF-8，并保留 "
        ".cpg）后重新读取；确知编码时可用 landgov inspect --encoding（如 GBK）试读"
    )
    if not cells:
        return Issue(str(dbf), None, data[:40], "文本既不是 UTF-8 也不是 GBK/GB18030", fix)
    record, name, raw = cells[0]
    rows = rows_text(sorted({r + 1 for r, _, _ in cells}), _UNREADABLE_SHOWN)
    shown = raw.decode("gb18030", errors="replace")
    return Issue(
        str(dbf), name, shown,
        f"文本既不是 UTF-8 也不是 GBK/GB18030：第 {record + 1} 行（.dbf 第 {record + 1} 条记录）"
        f"的字节 {raw[:24].hex(' ').upper()} 无法识别；这样的单元格共 {len(cells)} 个"
        f"（{rows}），占文本的比例太大，无法判断文件的编码",
        fix,
    )  # fmt: skip


def _unreadable_cells(dbf: Path) -> list[tuple[int, str, bytes]]:
    """(record index, field name, bytes) of each text cell of a record not flagged deleted
    that neither UTF-8 nor GB18030 reads (a character cut at the field's width allowed), in
    record order. The cells are found by their bytes with numpy
    (:meth:`~landgov.io._dbfraw.DbfScan.utf8_fit`, :meth:`~landgov.io._dbfraw.DbfScan.gbk_marks`);
    only those that fail both are decoded. Empty when the .dbf cannot be scanned."""
    scan = scan_dbf(dbf)
    if scan is None:
        return []
    live = np.flatnonzero(~scan.deleted)
    found: list[tuple[int, str, bytes]] = []
    for index, spec in enumerate(scan.fields):
        fit = scan.utf8_fit(index) if spec.type == "C" else None
        if fit is None:
            continue
        odd = live[(fit[0] & ~fit[1])[live]]
        marks = scan.gbk_marks(index, odd)
        odd = odd if marks is None else odd[~marks[0]]
        name = spec.name.decode("gb18030", errors="replace")
        for record, raw in zip(odd.tolist(), scan.texts(index, odd) or [], strict=False):
            cut = len(raw) == spec.length
            if decoded_cell(raw, "gb18030", cut=cut) is None and (
                decoded_cell(raw, "utf-8", cut=cut) is None
            ):
                found.append((record, name, raw))
    return sorted(found, key=lambda cell: cell[0])
