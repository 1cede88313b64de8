"""What GDAL does not say about a Shapefile's .dbf, read from its bytes.

GDAL (and so pyogrio) reads a .dbf record by record and, without a word:

- skips a record whose deletion flag is ``*`` (its shape is still in the .shp), so the
  rows read are fewer than the records in the file and the FIDs jump over it;
- reads a numeric cell holding only ``*`` (what ArcGIS and Excel write when a value does not fit
  the field's width) as a blank value;
- reads a numeric field wider than 18 digits as a double, so a 19-digit code stored as a number
  loses its last digits although the bytes hold them all;
- decodes every text cell in the one encoding of the file, so a cell pasted in from a source
  in the other encoding (UTF-8 into a GBK file, or GBK into UTF-8) comes as mojibake.

:func:`scan_dbf` reads the header and maps the records as one ``(n, record_len)`` byte array
(``np.memmap``: a 500,000-record file is scanned in well under a second), and returns the
deleted-record mask, the all-``*`` cells of each numeric field and, on request, the raw text of
a field (:meth:`DbfScan.texts`), which of its cells can be UTF-8 (:meth:`DbfScan.utf8_fit`)
and which have the form of GBK or hold its user-defined characters (:meth:`DbfScan.gbk_marks`).
It never raises: a .dbf that is short, truncated or whose header does not add up gives
``None``, and the reader goes on as GDAL reads.
The messages are the reader's (:mod:`landgov.io.parcels`); this module only counts bytes.
"""

from __future__ import annotations

import codecs
import functools
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["DbfField", "DbfScan", "column_fields", "scan_dbf"]

_DELETED = ord("*")
_STAR = ord("*")
_BLANKS = (ord(" "), 0)
_NUMERIC = frozenset("NF")  # dBASE numeric and float fields: right-aligned digits as text
_FIELD_TYPES = frozenset("CNFLDMBGIOTY@+0")  # any other byte: not a descriptor we know
_CHUNK = 1 << 16  # records per pass of a field's bytes: the work stays in the CPU's cache


def _utf8_weights() -> np.ndarray:
    """Per byte value, what it adds to a cell's UTF-8 balance: a lead byte the continuation
    bytes it needs (C2–DF one, E0–EF two, F0–F4 three), a continuation byte (80–BF) −1, ASCII
    0, and a byte UTF-8 never holds (C0, C1, F5–FF) more than any cell can pay back."""
    weights = np.zeros(256, dtype=np.int8)
    weights[0x80:0xC0] = -1
    weights[0xC2:0xE0] = 1
    weights[0xE0:0xF0] = 2
    weights[0xF0:0xF5] = 3
    weights[[0xC0, 0xC1]] = 64
    weights[0xF5:] = 64
    return weights


_UTF8_WEIGHTS = _utf8_weights()
_CUT_UTF8 = 3  # continuation bytes a character cut at the field's width can lack


@dataclass(frozen=True)
class DbfField:
    """One field descriptor: its name as bytes (in the file's encoding), dBASE type letter,
    byte offset in a record (after the deletion flag), width and decimals."""

    name: bytes
    type: str
    offset: int
    length: int
    decimals: int

    @property
    def numeric(self) -> bool:
        return self.type in _NUMERIC


@dataclass(frozen=True)
class DbfScan:
    """The facts :func:`scan_dbf` found in a .dbf.

    ``deleted``: one bool per record in the file (physical order), True where the record is
    flagged deleted. ``overflow``: per numeric field index, the record indices whose cell is
    all ``*``, only for fields that have any.
    """

    path: Path
    header_len: int
    record_len: int
    fields: tuple[DbfField, ...]
    deleted: np.ndarray
    overflow: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def n_records(self) -> int:
        return len(self.deleted)

    def texts(self, index: int, records: np.ndarray | None = None) -> list[bytes] | None:
        """The bytes of field ``index`` in ``records`` (record indices; default all), stripped
        of blanks and NULs; ``None`` when the file cannot be read as it was scanned."""
        f = self.fields[index]
        try:
            table = _records(self.path, self.header_len, self.record_len, self.n_records)
            if table is None:
                return None
            cells = table[:, 1 + f.offset : 1 + f.offset + f.length]
            if records is not None:
                cells = cells[np.asarray(records, dtype=np.int64)]
            raw = np.ascontiguousarray(cells).view(f"S{f.length}").ravel()  # NULs cut at right
            del table, cells
        except (OSError, ValueError, IndexError):
            return None
        return [bytes(v).strip(b" \x00") for v in raw.tolist()]

    def utf8_fit(self, index: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Per record, whether the cell of field ``index`` holds a byte above 0x7F, and whether
        its bytes are UTF-8 as far as bytes tell: each lead byte followed by as many
        continuation bytes (80–BF) as it needs and no continuation byte elsewhere (a character
        cut at the field's width allowed when the cell fills it), and no byte UTF-8 never
        holds. Overlong forms and surrogates are not looked for: the caller decodes the cells
        that pass. The bytes are first counted (:func:`_utf8_balance`), and only the cells
        whose counts fit are checked byte by byte; a 500,000-record field of 40 GBK bytes
        takes about 50 ms. ``None`` when the file cannot be read as it was scanned."""
        f = self.fields[index]
        non_ascii = np.zeros(self.n_records, dtype=bool)
        fits = np.zeros(self.n_records, dtype=bool)
        if f.length == 0:
            return non_ascii, fits
        try:
            table = _records(self.path, self.header_len, self.record_len, self.n_records)
            if table is None:
                return non_ascii, fits
            for start in range(0, self.n_records, _CHUNK):
                cells = table[start : start + _CHUNK, 1 + f.offset : 1 + f.offset + f.length]
                stop = start + len(cells)
                non_ascii[start:stop] = (cells > 0x7F).any(axis=1)
                counted = np.flatnonzero(_utf8_balance(cells) & non_ascii[start:stop])
                fits[start:stop] = ~non_ascii[start:stop]
                fits[start + counted] = _utf8_order(np.asarray(cells[counted]))
            del table
        except (OSError, ValueError, IndexError):
            return None
        return non_ascii, fits

    def gbk_marks(self, index: int, records: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Per record of ``records`` (record indices), whether the cell of field ``index`` has
        the form of GBK text — every byte above 0x7F pairs with the next as a two-byte
        character (lead 81–FE, trail 40–FE but 7F; a lead cut at the field's width allowed) —
        and whether it holds a character GB18030 reads as a Private Use code point no font
        shows (:func:`_private_pairs`: GBK's user-defined areas, characters a county made
        itself, 造字). A cell without the form holds a byte no GBK reading takes (80, FF, a lead
        before a blank) or a GB18030 four-byte character: the caller decodes those few.
        Column-wise with numpy, as :meth:`utf8_fit`, one pass for both; ``None`` when the file
        cannot be read as scanned."""
        f = self.fields[index]
        form = np.ones(len(records), dtype=bool)
        user = np.zeros(len(records), dtype=bool)
        if f.length == 0 or not len(records):
            return form, user
        try:
            table = _records(self.path, self.header_len, self.record_len, self.n_records)
            if table is None:
                return form, user
            at = np.asarray(records, dtype=np.int64)
            for start in range(0, len(at), _CHUNK):
                cells = table[at[start : start + _CHUNK], 1 + f.offset : 1 + f.offset + f.length]
                stop = start + len(cells)
                form[start:stop], user[start:stop] = _gbk_pairs(np.asarray(cells))
            del table
        except (OSError, ValueError, IndexError):
            return None
        return form, user


def _gbk_pairs(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``cells`` (uint8), :meth:`DbfScan.gbk_marks`. A byte above 0x7F is a lead
    when an even number of such bytes stand between it and the last byte below 0x80 before
    it (a trail may be ASCII, 40–7E: after it the next byte begins a character)."""
    width = cells.shape[1]
    high = cells >= 0x80
    column = np.arange(width, dtype=np.int16)
    low_at = np.maximum.accumulate(np.where(high, np.int16(-1), column), axis=1)
    lead = high & ((column - low_at) % 2 == 1)
    bad = lead & ((cells == 0x80) | (cells == 0xFF))
    after = cells[:, 1:]
    trail = (after >= 0x40) & (after != 0x7F) & (after != 0xFF)
    bad[:, :-1] |= lead[:, :-1] & ~trail
    user = lead[:, :-1] & trail & _private_pairs()[cells[:, :-1], after]
    return np.asarray(~bad.any(axis=1)), np.asarray(user.any(axis=1))


@functools.cache
def _private_pairs() -> np.ndarray:
    """``(256, 256)`` bool: whether the two bytes (lead, trail) are one character that
    GB18030 reads as a Private Use code point (U+E000–U+F8FF): GBK's user-defined areas
    (AAA1–AFFE, F8A1–FEFE, A140–A7A0) and the few codes GBK leaves empty (D7FA–D7FE …).
    Built once, from the codec itself (each of 24,000 pairs decoded once: some 15 ms)."""
    table = np.zeros((256, 256), dtype=bool)
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                text = bytes((lead, trail)).decode("gb18030")
            except UnicodeDecodeError:
                continue
            table[lead, trail] = len(text) == 1 and "\ue000" <= text <= "\uf8ff"
    return table


def _utf8_balance(cells: np.ndarray) -> np.ndarray:
    """Per row of ``cells`` (uint8), whether its continuation bytes are as many as its lead
    bytes need (:data:`_UTF8_WEIGHTS`), or up to :data:`_CUT_UTF8` fewer when the row ends in
    no blank (a character cut at the field's width)."""
    balance = _UTF8_WEIGHTS[cells].sum(axis=1, dtype=np.int16)
    full = (cells[:, -1] != _BLANKS[0]) & (cells[:, -1] != _BLANKS[1])
    return np.asarray((balance == 0) | (full & (balance > 0) & (balance <= _CUT_UTF8)))


def _utf8_order(cells: np.ndarray) -> np.ndarray:
    """Per row of ``cells`` (uint8), whether every continuation byte stands where a lead byte
    before it needs one and nowhere else, and no byte UTF-8 never holds is there; a lead
    byte whose continuation would lie beyond the row (cut at the field's width) is allowed."""
    if not len(cells):
        return np.zeros(0, dtype=bool)
    cont = (cells & 0xC0) == 0x80
    need = np.zeros_like(cont)
    need[:, 1:] |= cells[:, :-1] >= 0xC2
    need[:, 2:] |= cells[:, :-2] >= 0xE0
    need[:, 3:] |= cells[:, :-3] >= 0xF0
    never = (cells == 0xC0) | (cells == 0xC1) | (cells >= 0xF5)
    return np.asarray(((cont == need) & ~never).all(axis=1))


def _layout(path: Path) -> tuple[int, int, int, tuple[DbfField, ...]] | None:
    """(records, header length, record length, fields) of the .dbf, if they add up: a whole
    header, record length = 1 (the deletion flag) + the field widths, and a file as long as
    the header says (a trailing 0x1A or more is allowed)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            return None
        n, header_len, record_len = struct.unpack("<IHH", head[4:12])
        if header_len < 33 or header_len > size:
            return None
        fields = _fields(fh.read(header_len - 32))
    if not fields or record_len != 1 + sum(f.length for f in fields):
        return None
    if header_len + n * record_len > size:
        return None
    return n, header_len, record_len, fields


def _fields(descriptors: bytes) -> tuple[DbfField, ...] | None:
    """The field descriptors up to the 0x0D terminator; ``None`` without one, or with a type
    byte that is no dBASE type."""
    fields: list[DbfField] = []
    offset = 0
    for at in range(0, len(descriptors), 32):
        if descriptors[at] == 0x0D:
            return tuple(fields)
        desc = descriptors[at : at + 32]
        if len(desc) < 32:
            return None
        kind = chr(desc[11])
        if kind not in _FIELD_TYPES:
            return None
        name = desc[:11].split(b"\x00", 1)[0]
        fields.append(DbfField(name, kind, offset, desc[16], desc[17]))
        offset += desc[16]
    return None


def _records(path: Path, header_len: int, record_len: int, n: int) -> np.ndarray | None:
    """The records as a read-only ``(n, record_len)`` uint8 memmap (``None`` for no record)."""
    if n == 0:
        return None
    return np.memmap(path, dtype=np.uint8, mode="r", offset=header_len, shape=(n, record_len))


def scan_dbf(path: str | Path) -> DbfScan | None:
    """Scan the .dbf at ``path``: deleted records and all-``*`` numeric cells.

    Returns ``None`` (never raises) when the file cannot be read, its header does not add up
    (record length ≠ 1 + the field widths, no terminator, an unknown field type) or it is
    shorter than its header says: the reader then keeps what GDAL read and says nothing more.
    """
    path = Path(path)
    try:
        layout = _layout(path)
        if layout is None:
            return None
        n, header_len, record_len, fields = layout
        table = _records(path, header_len, record_len, n)
        if table is None:
            return DbfScan(path, header_len, record_len, fields, np.zeros(0, dtype=bool))
        deleted = table[:, 0] == _DELETED
        overflow = _overflow(table, fields)
        del table
    except (OSError, ValueError, struct.error):
        return None
    return DbfScan(path, header_len, record_len, fields, np.asarray(deleted), overflow)


def _overflow(table: np.ndarray, fields: tuple[DbfField, ...]) -> dict[int, np.ndarray]:
    """Per numeric field, the records whose cell is ``*`` and blanks only (at least one ``*``)."""
    found: dict[int, np.ndarray] = {}
    for index, f in enumerate(fields):
        if not f.numeric or f.length == 0:
            continue
        cells = table[:, 1 + f.offset : 1 + f.offset + f.length]
        stars = cells == _STAR
        some = np.flatnonzero(stars.any(axis=1))  # rare: the full test only on these
        if not len(some):
            continue
        picked = cells[some]
        whole = (stars[some] | (picked == _BLANKS[0]) | (picked == _BLANKS[1])).all(axis=1)
        if whole.any():
            found[index] = some[whole]
    return found


def column_fields(
    fields: tuple[DbfField, ...], columns: list[str], encoding: str
) -> dict[str, int]:
    """``{column: field index}`` for the columns as the reader decoded them.

    A field name is decoded as ``encoding`` (a character cut at the name's 10 bytes dropped, as
    the reader drops it); a column no decoded name matches (a repeated name the reader renamed)
    takes the field at its position when the columns and fields are as many.
    """
    decoded = [_name(f.name, encoding) for f in fields]
    by_name: dict[str, int] = {}
    for index, name in enumerate(decoded):
        by_name.setdefault(name, index)
    out: dict[str, int] = {}
    for pos, column in enumerate(columns):
        if column in by_name and column not in out:
            out[column] = by_name[column]
        elif len(columns) == len(fields):
            out[column] = pos
    return out


def _name(raw: bytes, encoding: str) -> str:
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    except LookupError:
        return raw.decode("latin-1")
    return decoder.decode(raw, final=False)
