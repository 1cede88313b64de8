"""Write landgov/maps/fonts/LandgovSansSC-Regular.otf: a subset of Noto Sans CJK SC (OFL-1.1).

The print maps must show Chinese on a machine without any CJK font, so the package carries a
subset of Debian's ``fonts-noto-cjk`` (Noto Sans CJK SC Regular, face 2 of the collection):

* GB2312 level 1 and 2 hanzi (6,763) and every GB2312 symbol row (punctuation, full-width forms,
  numbers in circles, Greek, Cyrillic, pinyin, box drawing);
* printable ASCII, Latin-1, general punctuation, CJK symbols and punctuation, full-width forms;
* every non-ASCII character that appears in the repository's tracked text files (code,
  profiles, docs, notebooks; not tests) and in the sample data (.xlsx cells and .dbf records),
  when the source font has it, so the names in the sample and the labels in the code never fall
  back.

Layout tables and hinting are dropped (matplotlib does neither shaping nor hinting of CJK).
The family is renamed "Landgov Sans SC" so that it never shadows an installed Noto Sans CJK
(the OFL asks modified versions not to pose as the original); the OFL notice is kept in the
font and in ``OFL.txt`` beside it.

Usage (from the repository root; needs fontTools, which matplotlib already depends on)::

    apt-get install fonts-noto-cjk          # or: apt-get download fonts-noto-cjk && dpkg-deb -x ...
    .venv/bin/python tools/make_cjk_font.py [--source .../NotoSansCJK-Regular.ttc]

The output is byte-for-byte the same for the same source font and the same repository content.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "landgov" / "maps" / "fonts"
OUT_NAME = "LandgovSansSC-Regular.otf"
FAMILY = "Landgov Sans SC"
PS_NAME = "LandgovSansSC-Regular"
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SC_FACE = "Noto Sans CJK SC"

#: Unicode blocks kept whole (first, last code point).
BLOCKS = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement
    (0x2010, 0x205E),  # general punctuation
    (0x2100, 0x214F),  # letterlike symbols (℃, №)
    (0x2160, 0x217F),  # Roman numerals
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x32FF),  # enclosed CJK (㈠)
    (0x3380, 0x33FF),  # CJK compatibility (㎡)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
)
_TEXT_SUFFIXES = {
    ".py",
    ".toml",
    ".md",
    ".txt",
    ".json",
    ".csv",
    ".js",
    ".css",
    ".j2",
    ".html",
    ".ipynb",
    ".cpg",
    ".prj",
    ".cfg",
    ".yml",
    ".yaml",
}


def gb2312_chars() -> set[str]:
    """Every character of GB2312: symbol rows 1-9 and hanzi rows 16-87 (levels 1 and 2)."""
    chars = set()
    for row in (*range(1, 10), *range(16, 88)):
        for cell in range(1, 95):
            try:
                chars.add(bytes((0xA0 + row, 0xA0 + cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # unassigned cell
    return chars


#: Where the characters of the repository are taken from (tests are left out on purpose: they
#: use rare characters to check that a missing glyph is reported).
SCANNED = ("landgov", "data", "docs", "notebooks", "benchmarks", "README.md")


def _tracked_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", *SCANNED], cwd=ROOT, capture_output=True, check=True
    ).stdout
    return sorted(ROOT / p for p in out.decode().split("\0") if p)


def _dbf_text(path: Path) -> str:
    raw = path.read_bytes()
    header, record = int.from_bytes(raw[8:10], "little"), int.from_bytes(raw[10:12], "little")
    body = raw[header : header + record * int.from_bytes(raw[4:8], "little")]
    cpg = path.with_suffix(".cpg")
    encodings = [cpg.read_text().strip()] if cpg.exists() else []
    for enc in (*encodings, "utf-8", "gb18030"):
        try:
            return body.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("gb18030", errors="replace")


def _xlsx_text(path: Path) -> str:
    parts = []
    with zipfile.ZipFile(path) as book:
        for name in sorted(book.namelist()):
            if name.endswith(".xml"):
                root = ElementTree.fromstring(book.read(name))
                parts.extend(t for el in root.iter() for t in (el.text, *el.attrib.values()) if t)
    return "\n".join(parts)


def repo_chars() -> set[str]:
    """Non-ASCII characters of the tracked text files and of the sample's tables."""
    chars: set[str] = set()
    for path in _tracked_files():
        suffix = path.suffix.lower()
        if suffix in _TEXT_SUFFIXES:
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
        elif suffix == ".dbf":
            text = _dbf_text(path)
        elif suffix in {".xlsx", ".docx"}:
            text = _xlsx_text(path)
        else:
            continue
        chars.update(c for c in text if ord(c) > 0x7E)
    return chars


def _sc_face(source: Path) -> TTFont:
    if source.suffix.lower() in {".ttc", ".otc"}:
        for font in TTCollection(str(source)).fonts:
            if font["name"].getDebugName(1) == SC_FACE:
                return font
        raise SystemExit(f"{source}: no face named {SC_FACE!r}")
    return TTFont(str(source))


def _rename(font: TTFont, note: str) -> None:
    table = font["name"]
    for rec in list(table.names):
        if rec.nameID in (1, 2, 3, 4, 6, 16, 17, 21, 22):
            table.removeNames(nameID=rec.nameID)
    for name_id, value in (
        (1, FAMILY),
        (2, "Regular"),
        (3, f"{PS_NAME};subset of {note}"),
        (4, FAMILY),
        (6, PS_NAME),
        (10, f"Subset of {note} for landgov print maps, made by tools/make_cjk_font.py"),
    ):
        table.setName(value, name_id, 3, 1, 0x409)
    cff = font["CFF "].cff
    cff.fontNames = [PS_NAME]
    top = cff.topDictIndex[0]
    top.FamilyName, top.FullName = FAMILY, FAMILY


def build(source: Path, out_dir: Path) -> Path:
    """Subset ``source`` into ``out_dir``; returns the font written."""
    font = _sc_face(source)
    note = f"{SC_FACE} {font['name'].getDebugName(5).split(';')[0]}"
    wanted = set(gb2312_chars()) | repo_chars()
    for first, last in BLOCKS:
        wanted.update(map(chr, range(first, last + 1)))
    have = font.getBestCmap()
    unicodes = sorted(ord(c) for c in wanted if ord(c) in have)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    options.name_languages = [0x409, 0]
    options.drop_tables += ["BASE", "VORG", "vhea", "vmtx", "GSUB", "GPOS", "GDEF"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    _rename(font, note)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / OUT_NAME
    font.recalcTimestamp = False  # same bytes for the same inputs
    font.save(str(out), reorderTables=True)
    missing = sorted(c for c in repo_chars() if ord(c) not in have and not c.isspace())
    print(f"{out}: {out.stat().st_size:,} bytes, {len(unicodes):,} characters from {source}")
    if missing:
        print(f"not in the source font (left to fallback): {''.join(missing)!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"{args.source} not found: apt-get install fonts-noto-cjk", file=sys.stderr)
        return 1
    build(args.source, args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
