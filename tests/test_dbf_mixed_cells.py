"""A .dbf whose text cells are not all in one encoding: a cell pasted in from a UTF-8 source
into a GBK layer (ArcGIS), a GBK cell in a UTF-8 layer (QGIS), a cell in neither.

Every file is built here (GDAL for the shapes, the .dbf byte by byte through
``tests._shapefiles``, then single cells overwritten with bytes in the other encoding) and read
through the real reader. Expected values are written out by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyproj
import pytest

from landgov.core.problems import ReadResult, Severity
from landgov.errors import EncodingError
from landgov.io import read_parcels
from landgov.io._dbfraw import scan_dbf
from landgov.io.encoding import gbk_cell, utf8_cell
from tests._hand import CRS, rectangle
from tests._shapefiles import write_dbf, write_shapefile

P = [f"330602001001GB{i:05d}" for i in range(4)]
HOLDERS = ["绍兴市越城区甲纺织有限公司", "绍兴信晖锦光电有限公司", "丙机械厂", "丁化纤有限公司"]
#: 宗地代码 (19 bytes), 权利人 (40), 土地用途 (12), 坐落 (20; no field of the schema: kept as read)
FIELDS = [("ZDDM", 19), ("QLR", 40), ("TDYT", 12), ("ZL", 20)]
_AT = {"QLR": (19, 40), "TDYT": (59, 12), "ZL": (71, 20)}


def _said(result: ReadResult, words: str):
    problems = result.problems
    return problems[problems["problem"].astype(str).str.contains(words, regex=False)]


def _layer(
    folder: Path, *, main: str, cells: dict[tuple[int, str], bytes], cpg: str | None
) -> Path:
    """Four plots written in ``main``; the cells ``{(record, field): bytes}`` then overwritten
    with the bytes given (padded with blanks), the rest of their record left in ``main``."""
    records = [[P[i], name, "工业用地", "越城区某路"] for i, name in enumerate(HOLDERS)]
    path = write_shapefile(
        folder / "宗地.shp", [rectangle(100.0, 140.0, i) for i in range(4)], FIELDS, records,
        encoding=main, prj=pyproj.CRS.from_epsg(CRS), cpg=cpg,
    )  # fmt: skip
    dbf = path.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    for (record, name), data in cells.items():
        start = raw.find(P[record].encode())  # the record's first field, after its flag
        offset, width = _AT[name]
        raw[start + offset : start + offset + width] = data.ljust(width)
    dbf.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize("cpg", ["GBK", "936", None], ids=["cpg-gbk", "cpg-936", "no-cpg"])
def test_utf8_cells_in_a_gbk_record_are_read_as_utf8_and_said(
    tmp_path: Path, cpg: str | None
) -> None:
    """A GBK layer whose plot 2 has 权利人 and 土地用途 pasted in from a UTF-8 source, its
    坐落 still GBK (so the record is neither wholly GBK nor wholly UTF-8). Was: the whole file
    read as GBK, 权利人 「缁嶅叴淇℃櫀閿﹀厜鐢垫湁闄愬叕鍙」 and 土地用途 「宸ヤ笟鐢ㄥ湴」 on that
    plot, not a word said, exit 0. Now both cells are read as UTF-8, the 坐落 as GBK, and one
    警告 per field names row 2, the field as the user knows it and as the file names it
    (「字段「权利人」（QLR）」: was 「字段「QLR」」 alone), both readings and the fix."""
    utf8 = {(1, "QLR"): HOLDERS[1].encode(), (1, "TDYT"): "工业用地".encode()}
    result = read_parcels(_layer(tmp_path, main="gbk", cells=utf8, cpg=cpg))
    assert result.data["holder"].tolist() == HOLDERS
    assert result.data["land_use"].tolist() == ["工业用地"] * 4
    assert result.data["ZL"].tolist() == ["越城区某路"] * 4
    said = _said(result, "编码")
    assert said["field"].tolist() == ["权利人", "土地用途"], result.problems.to_string()
    assert said["row"].tolist() == [2, 2]
    assert (said["severity"] == Severity.WARNING).all()
    first = said.iloc[0]
    assert first["problem"].startswith("字段「权利人」（QLR）中 1 个单元格的文字是 UTF-8 编码")
    assert "第 2 行" in first["problem"] and "已按 UTF-8 读取" in first["problem"]
    assert "缁嶅叴" in first["problem"]  # how it read before, so the user recognises it
    assert first["value"] == HOLDERS[1]
    assert "另存为一种编码" in first["action"]


def test_many_utf8_cells_of_one_field_make_one_warning(tmp_path: Path) -> None:
    """Plots 1, 2 and 4 with a UTF-8 权利人 in a GBK layer: one warning for the field, naming
    rows 1, 2 and 4, not tied to one row."""
    utf8 = {(i, "QLR"): HOLDERS[i].encode() for i in (0, 1, 3)}
    result = read_parcels(_layer(tmp_path, main="gbk", cells=utf8, cpg="GBK"))
    assert result.data["holder"].tolist() == HOLDERS
    said = _said(result, "编码")
    assert len(said) == 1, result.problems.to_string()
    assert "3 个单元格" in said.iloc[0]["problem"] and "第 1、2、4 行" in said.iloc[0]["problem"]
    assert said["row"].isna().all()


@pytest.mark.parametrize("cpg", ["UTF-8", None], ids=["cpg-utf8", "no-cpg"])
def test_a_gbk_cell_in_a_utf8_record_is_read_as_gbk_and_said(
    tmp_path: Path, cpg: str | None
) -> None:
    """A UTF-8 layer whose plot 2 has its 权利人 in GBK and its 土地用途 「一类工业」 in UTF-8
    (whose bytes E4 B8 80 are no GBK: the record is neither wholly). Was: refused, 「文本既不是
    UTF-8 也不是 GBK/GB18030（所见值：b'ZDDM\\nQLR…'）」 — no row, no field. Now the
    权利人 is read as GBK with a warning naming row 2 and 「QLR」; the rest as UTF-8."""
    cells = {(1, "QLR"): HOLDERS[1].encode("gbk"), (1, "TDYT"): "一类工业".encode()}
    result = read_parcels(_layer(tmp_path, main="utf-8", cells=cells, cpg=cpg))
    assert result.data["holder"].tolist() == HOLDERS
    assert result.data["land_use"].tolist() == ["工业用地", "一类工业", "工业用地", "工业用地"]
    said = _said(result, "编码")
    assert said["field"].tolist() == ["权利人"], result.problems.to_string()
    assert said["row"].tolist() == [2]
    assert "GB18030（GBK） 编码" in said.iloc[0]["problem"]
    assert said.iloc[0]["problem"].startswith("字段「权利人」（QLR）中")


def test_utf8_cells_of_a_gbk_record_in_a_utf8_layer_stay_utf8(tmp_path: Path) -> None:
    """A UTF-8 layer whose plot 2 has a GBK 权利人 beside its UTF-8 土地用途 and 坐落 (the
    record, read whole, decodes as GBK). Was: the record decoded as GBK, 土地用途
    「宸ヤ笟鐢ㄥ湴」 — an industrial plot no longer industrial — under a warning that said the
    row was GBK. Now the UTF-8 cells are read as UTF-8 and said."""
    cells = {(1, "QLR"): HOLDERS[1].encode("gbk")}
    result = read_parcels(_layer(tmp_path, main="utf-8", cells=cells, cpg="UTF-8"))
    assert result.data["holder"].tolist() == HOLDERS
    assert result.data["land_use"].tolist() == ["工业用地"] * 4
    assert result.data["ZL"].tolist() == ["越城区某路"] * 4
    said = _said(result, "单元格")
    assert set(said["field"]) == {"土地用途", "ZL"}, result.problems.to_string()
    assert said["problem"].str.startswith(("字段「土地用途」（TDYT）中", "字段「ZL」中")).all()


@pytest.mark.parametrize("cpg", ["UTF-8", None], ids=["cpg-utf8", "no-cpg"])
def test_a_cell_in_neither_encoding_is_named_by_row_and_field(
    tmp_path: Path, cpg: str | None
) -> None:
    """A UTF-8 layer (.cpg 「UTF-8」, enough text that a few bad bytes do not set the .cpg
    aside) with plot 3's 坐落 holding bytes no codec reads: the plot is kept, its 坐落 shows
    「\\ufffd」, and a warning names row 3, 「ZL」 and the fix. Without a .cpg it was refused
    (「文本既不是 UTF-8 也不是 GBK/GB18030（所见值：b'ZDDM\\nQLR…'）」, the file's header):
    now read as with one."""
    cells = {(2, "ZL"): b"\xff\xfe\xff\xfe"}
    result = read_parcels(_layer(tmp_path, main="utf-8", cells=cells, cpg=cpg))
    assert len(result.data) == 4
    said = _said(result, "既不是 UTF-8 也不是 GBK")
    assert said["row"].tolist() == [3] and said["field"].tolist() == ["ZL"], result.problems
    assert "重新录入" in said.iloc[0]["action"]


@pytest.mark.parametrize("cpg", ["GBK", "936", None], ids=["cpg-gbk", "cpg-936", "no-cpg"])
def test_a_cell_in_neither_encoding_in_a_gbk_layer_is_named_by_row_and_field(
    tmp_path: Path, cpg: str | None
) -> None:
    """A GBK layer with plot 3's 坐落 holding two bytes no codec reads amid GBK text, and plot
    4's 权利人 nothing but such bytes. Was: GDAL (iconv) dropped the bytes, 坐落 read
    「越城€某路」 and the 权利人 blank, not a word said. Now the bytes show as 「\ufffd」, the
    plots are kept, and one warning per field names the row, the field and the fix. Plot 1's
    坐落 fills its field with a character cut at its end: no such cell (as a UTF-8 file).
    Without a .cpg the layer was refused, the message showing the file's header bytes
    (「所见值：b'ZDDM\\nQLR\\nTDYT…'」) and no row: now read as with a .cpg 「GBK」."""
    cut = "越城区某路段的一二".encode("gbk") + b"A" + "三".encode("gbk")[:1]
    cells = {
        (0, "ZL"): cut,
        (2, "ZL"): "越城".encode("gbk") + b"\xff\x80" + "某路".encode("gbk"),
        (3, "QLR"): b"\xff\xfe\xff\xfe",
    }
    result = read_parcels(_layer(tmp_path, main="gbk", cells=cells, cpg=cpg))
    assert len(result.data) == 4
    zl, holders = result.data["ZL"].tolist(), result.data["holder"].tolist()
    assert zl[2].startswith("越城\ufffd") and zl[2].endswith("\ufffd某路"), zl
    assert holders[:3] == HOLDERS[:3] and set(holders[3]) == {"\ufffd"}, holders
    said = _said(result, "既不是 UTF-8 也不是 GBK").set_index("field")
    assert said["row"].to_dict() == {"ZL": 3, "权利人": 4}, result.problems.to_string()
    assert said.loc["权利人", "problem"].startswith("字段「权利人」（QLR）第 4 行的文字既不是")
    assert said.loc["ZL", "problem"].startswith("字段「ZL」第 3 行")  # no field of the schema
    assert (said["severity"] == Severity.WARNING).all()
    assert said["problem"].str.contains("其余单元格按 GBK 读取").all()
    assert said["action"].str.contains("重新录入").all()
    assert said.loc["ZL", "value"] == zl[2]


#: common names and uses as a county's GBK layer holds them
_GBK_WORDS = [
    "绍兴市越城区甲纺织有限公司", "浙江省某某印染有限公司", "王建国", "李秀英", "张伟", "陈小明",
    "工业用地", "仓储用地", "商业用地", "越城区斗门街道", "柯桥区齐贤街道", "上虞区曹娥街道",
    "诸暨市暨阳街道", "嵊州市三江街道", "新昌县七星街道", "杭州湾上虞经济技术开发区",
]  # fmt: skip


def test_a_plain_gbk_layer_says_nothing_of_encodings(tmp_path: Path) -> None:
    """Sixteen everyday names and places, all GBK: read as they are, nothing said."""
    n = len(_GBK_WORDS)
    fields = [("ZDDM", 19), ("QLR", 40)]
    records = [[f"330602001001GB{i:05d}", word] for i, word in enumerate(_GBK_WORDS)]
    path = write_shapefile(
        tmp_path / "宗地.shp", [rectangle(100.0, 140.0, i) for i in range(n)], fields, records,
        encoding="gbk", prj=pyproj.CRS.from_epsg(CRS),
    )  # fmt: skip
    result = read_parcels(path)
    assert result.data["holder"].tolist() == _GBK_WORDS
    assert _said(result, "编码").empty, result.problems.to_string()


# --- the rules on their own ------------------------------------------------------------------


@pytest.mark.parametrize("word", _GBK_WORDS)
def test_a_gbk_cell_is_never_taken_for_utf8(word: str) -> None:
    assert utf8_cell(word.encode("gbk")) is None
    assert utf8_cell(word.encode()) == word
    assert gbk_cell(word.encode("gbk")) == word
    assert gbk_cell(word.encode()) is None


def test_a_utf8_cell_cut_at_its_fields_width() -> None:
    """「工业用地」 in UTF-8 is 12 bytes: cut to 10 it ends inside 「地」. A cell that fills its
    field drops the cut character (as the reader does); a shorter one is no UTF-8."""
    cut = "工业用地".encode()[:10]
    assert utf8_cell(cut, cut=True) == "工业用"
    assert utf8_cell(cut, cut=False) is None


def test_utf8_fit_counts_the_bytes_of_each_cell(tmp_path: Path) -> None:
    """Per record: a byte above 0x7F, and whether the byte counts allow UTF-8."""
    dbf = tmp_path / "t.dbf"
    write_dbf(dbf, [("A", 12)], [["abc"], ["工业"], ["工业"], ["工业用地"]], encoding="gbk")
    raw = bytearray(dbf.read_bytes())
    at = raw.find("工业".encode("gbk"))
    raw[at : at + 6] = "工业".encode()  # record 2: UTF-8
    at = raw.find("工业用地".encode("gbk"))
    raw[at : at + 12] = "工业用地".encode()[:12]  # record 4: UTF-8, fills the field
    dbf.write_bytes(bytes(raw))
    scan = scan_dbf(dbf)
    assert scan is not None
    fit = scan.utf8_fit(0)
    assert fit is not None
    non_ascii, fits = fit
    assert non_ascii.tolist() == [False, True, True, True]
    assert fits.tolist() == [True, True, False, True]
    assert np.asarray(fits).dtype == bool


@pytest.mark.parametrize("rare", ["𠮷", "䶮", "㙟"])
def test_gb18030_characters_beside_an_unreadable_cell_in_a_gbk_layer(
    tmp_path: Path, rare: str
) -> None:
    """A .cpg 「GBK」 layer whose plot 2 has a 权利人 with a character only GB18030 has
    (「𠮷」 95 34 B2 35, 「䶮」 FE 9F, 「㙟」 82 30 AD 31) and plot 3 a 坐落 with two bytes no
    codec reads. Was: the unreadable cell kept the file at GBK, and GDAL read the 权利人 as
    「绍兴45有限公司」 (「绍兴熡邢薰司」 for 䶮) without a word. Now the file is read as
    GB18030 (a 警告 says so), the name as written; the bad cell is said on its row."""
    name = f"绍兴{rare}有限公司"
    cells = {
        (1, "QLR"): name.encode("gb18030"),
        (2, "ZL"): "越城".encode("gbk") + b"\xff\x80" + "某路".encode("gbk"),
    }
    result = read_parcels(_layer(tmp_path, main="gbk", cells=cells, cpg="GBK"))
    holders = result.data["holder"].tolist()
    assert holders == [HOLDERS[0], name, *HOLDERS[2:]], holders
    assert result.meta["encoding"]["name"] == "GB18030"
    assert len(_said(result, "只在 GB18030 中才有的字")) == 1, result.problems.to_string()
    bad = _said(result, "既不是 UTF-8 也不是 GBK")
    assert bad["row"].tolist() == [3], result.problems.to_string()
    assert "\ufffd" in result.data["ZL"].iat[2]


def test_a_layer_mostly_unreadable_without_a_cpg_is_refused_naming_row_field_and_bytes(
    tmp_path: Path,
) -> None:
    """A GBK layer without a .cpg whose 权利人 of plots 2 and 4 are bytes no codec reads —
    too many for any reading of the file to be trusted. Was: 「文本既不是 UTF-8 也不是
    GBK/GB18030（所见值：b'ZDDM\\nQLR\\nTDYT\\nZL\\n330602001001GB00000\\n\\xc9\\xdc\\xd0'）」,
    the file's header. Now the error names row 2, 「QLR」, the bytes, the other row and the fix."""
    cells = {(i, "QLR"): b"\xff\xfe\xfd\x80" * 3 for i in (1, 3)}
    with pytest.raises(EncodingError) as caught:
        read_parcels(_layer(tmp_path, main="gbk", cells=cells, cpg=None))
    (issue,) = caught.value.issues
    assert issue.field == "QLR"
    assert issue.value == (b"\xff\xfe\xfd\x80" * 3).decode("gb18030", errors="replace")
    assert "第 2 行（.dbf 第 2 条记录）的字节 FF FE FD 80 FF FE FD 80" in issue.problem, issue
    assert "共 2 个（第 2、4 行）" in issue.problem, issue
    assert "另存为一种编码" in issue.fix
    assert "ZDDM" not in str(caught.value)


def test_many_unreadable_cells_are_counted_once_in_the_refusal(tmp_path: Path) -> None:
    """Beyond five rows the refusal names the first five and how many in all. Was:
    「第 1、2、3、4、5 等 6 行 行」 (the unit said twice, the rows put together apart from
    the way the warnings of the same cells put them)."""
    n = 6
    fields = [("ZDDM", 19), ("QLR", 16)]
    records = [[f"330602001001GB{i:05d}", "甲" * 8] for i in range(n)]
    path = write_shapefile(
        tmp_path / "宗地.shp", [rectangle(100.0, 140.0, i) for i in range(n)], fields, records,
        encoding="gbk", prj=pyproj.CRS.from_epsg(CRS),
    )  # fmt: skip
    dbf = path.with_suffix(".dbf")
    dbf.write_bytes(dbf.read_bytes().replace(("甲" * 8).encode("gbk"), b"\xff\x80" * 8))
    with pytest.raises(EncodingError) as caught:
        read_parcels(path)
    (issue,) = caught.value.issues
    assert "共 6 个（第 1、2、3、4、5 等 6 行）" in issue.problem, issue.problem


@pytest.mark.parametrize("cpg", ["GBK", None], ids=["cpg-gbk", "no-cpg"])
def test_a_field_name_with_unreadable_bytes_is_said(tmp_path: Path, cpg: str | None) -> None:
    """A GBK layer whose second field name 「权利人」 has two bytes no codec reads in place of
    「利」. Was: with a .cpg, the field read as 「权��人」, matched no role, and every 权利人
    was lost without a word; without one, the layer refused with the header's bytes. Now
    both read the layer and a 警告 names the field, its bytes and how it was read."""
    fields = [("宗地代码", 19), ("权利人", 40)]
    records = [[P[i], HOLDERS[i]] for i in range(4)]
    path = write_shapefile(
        tmp_path / "宗地.shp", [rectangle(100.0, 140.0, i) for i in range(4)], fields, records,
        encoding="gbk", prj=pyproj.CRS.from_epsg(CRS), cpg=cpg,
    )  # fmt: skip
    dbf = path.with_suffix(".dbf")
    name = "权利人".encode("gbk")
    dbf.write_bytes(dbf.read_bytes().replace(name, name[:2] + b"\xff\x80" + name[4:], 1))
    result = read_parcels(path)
    assert result.data["parcel_id"].tolist() == P
    said = _said(result, "字段名中有按 GBK 无法识别的字节")
    assert len(said) == 1, result.problems.to_string()
    problem = said.iloc[0]["problem"]
    assert problem.startswith("第 2 个字段的字段名"), problem
    assert "（C8 A8 FF 80 C8 CB）" in problem and "未能对应到任何字段" in problem, problem
    assert said.iloc[0]["severity"] == Severity.WARNING
    assert "改为正确的名称" in said.iloc[0]["action"]


@pytest.mark.parametrize("cpg", ["GBK", None], ids=["cpg-gbk", "no-cpg"])
def test_characters_with_no_standard_code_are_said(tmp_path: Path, cpg: str | None) -> None:
    """A GBK layer whose plot 2 权利人 holds a county's own character (造字, user-defined
    area AA A1) and plot 3 坐落 a code GBK leaves empty (D7 FA). Both are read, as GB18030
    reads them, as Private Use code points that show as a blank or a box and match no
    enterprise name. Was: kept so without a word. Now one 警告 per field names the row."""
    cells = {
        (1, "QLR"): "王".encode("gbk") + b"\xaa\xa1" + "明".encode("gbk"),
        (2, "ZL"): "越城".encode("gbk") + b"\xd7\xfa" + "路".encode("gbk"),
    }
    result = read_parcels(_layer(tmp_path, main="gbk", cells=cells, cpg=cpg))
    assert result.data["holder"].iat[1] == "王\ue000明"
    assert result.data["ZL"].iat[2] == "越城\ue810路"
    said = _said(result, "私用区字符").set_index("field")
    assert said["row"].to_dict() == {"权利人": 2, "ZL": 3}, result.problems.to_string()
    assert said.loc["权利人", "problem"].startswith(
        "字段「权利人」（QLR）第 2 行的文字含没有标准编码的字"
    )
    assert (said["severity"] == Severity.WARNING).all()
    assert said["action"].str.contains("改为标准汉字").all()


def test_plain_gbk_cells_have_no_private_characters(tmp_path: Path) -> None:
    """The byte test of the warning above on everyday GBK text: no cell is marked."""
    dbf = tmp_path / "t.dbf"
    write_dbf(dbf, [("A", 40)], [[w] for w in _GBK_WORDS], encoding="gbk")
    scan = scan_dbf(dbf)
    assert scan is not None
    marks = scan.gbk_marks(0, np.arange(len(_GBK_WORDS)))
    assert marks is not None
    assert marks[0].all() and not marks[1].any()
