"""What a clerk really types, command by command: a Chinese 「错误：」, never a traceback.

Cases the other bad-input files already hold are not repeated here (a folder or a missing path
for an input, an .xls that is a web page, a read-only or too long output folder, a second run
into a held folder, a bad settings file). Here: a zip or a password-protected workbook under
.xlsx, an output written into a run folder (which breaks what its manifest records), an output
workbook named .csv, a profile with NaN, a number for ``extends`` or an Excel file for the
TOML, a template naming a profile that does not exist, an unknown ``--encoding``, and Ctrl+C
at any moment of ``landgov screen``. Most cases run :func:`landgov.cli.main` in this process
(the same handler as the real command, and fast); Ctrl+C needs a real child process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from landgov.errors import DataFileError, ProfileError
from landgov.policy import load_profile
from tests._cli import ctrl_c_answered, main_here, refused, run_cli, snapshot
from tests._runs import fake_run

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
# An English exception name or errno in what the user reads means a message was passed on raw.


@pytest.fixture
def run_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A sealed two-plot screening run (``tests/_runs.py``), the working folder beside it."""
    monkeypatch.chdir(tmp_path)
    plots = [{"parcel_id": "330602001002GB00001"}, {"parcel_id": "330602001002GB00002"}]
    return fake_run(tmp_path / "结果 2026", plots, as_of="2026-06-30")


# --- workbooks that are something else -------------------------------------------------------


def _zip_of_documents(path: Path) -> Path:
    """A zip of scans mailed as 「企业.xlsx」 (or left as 企业.zip): no [Content_Types].xml."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("说明.txt", "扫描件见附件")
        archive.writestr("企业名单.pdf", b"%PDF-1.4")
    return path


def _encrypted(path: Path) -> Path:
    """A workbook saved with an open password: Office writes a compound file ([MS-CFB]) whose
    directory holds the streams EncryptionInfo and EncryptedPackage ([MS-OFFCRYPTO] 2.3.4.4),
    not a zip. Drawn by hand: the header signature, then a directory sector of 128-byte entries
    with UTF-16LE names; the reader needs nothing more to tell what it is."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(512, b"\x00")
    entries = b"".join(
        (name.encode("utf-16-le") + b"\x00\x00").ljust(64, b"\x00")
        + (2 * len(name) + 2).to_bytes(2, "little")
        + b"\x00" * 62
        for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage", "\x06DataSpaces")
    )
    path.write_bytes(header + entries + os.urandom(1024))
    return path


def _wps(path: Path) -> Path:
    """WPS 表格's own .et: a compound file (the .xls header) that is no Excel 97–2003 book."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(4096, b"\x00"))
    return path


def _csv_text(path: Path) -> Path:
    """A system's CSV export saved under .xlsx."""
    path.write_text("统一社会信用代码,企业名称\n91330602MA2BGHJK3A,甲公司\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "name", "words"),
    [
        (_zip_of_documents, "企业.xlsx", "zip 压缩包，不是 Excel 工作簿（其中的文件：说明.txt"),
        (_zip_of_documents, "企业.zip", "这是 zip 压缩包，不是 Excel 工作簿"),
        (_encrypted, "企业.xlsx", "设有打开密码"),
        (_encrypted, "企业.xls", "设有打开密码"),
        (_wps, "企业.et", "WPS 表格自有格式"),
        (_csv_text, "企业.xlsx", "可能是扩展名被改成 .xlsx 的 CSV 表格"),
    ],
)  # fmt: skip
def test_a_workbook_that_is_something_else_is_said_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make, name: str, words: str
) -> None:
    """A zip without a workbook inside once ended in 「（KeyError："There is no item named
    '[Content_Types].xml' in the archive"）」; an encrypted workbook as 「旧版 .xls 或加密的
    工作簿」 or, named .xls, 「需要安装 xlrd」; a WPS .et in ``inspect`` as GDAL's English
    「not recognized as being in a supported file format」. Now the file says what it is,
    through inspect and screen alike, and the screen's output folder is not created."""
    path = make(tmp_path / name)
    code, text = main_here(["inspect", path, "--kind", "enterprises"], capsys)
    refused(code, text, path.name, words, "处理：")
    out = tmp_path / "结果"
    code, text = main_here(
        ["screen", "-q", "-p", SAMPLE / "parcels.shp", "-e", path, "-o", out], capsys
    )
    refused(code, text, words)
    assert not out.exists()


def _owner_file(path: Path) -> Path:
    """What Excel or WPS leaves beside an open workbook: 165 bytes, the user name in a fixed
    record ([MS-XLS] has no name for it; this is what Excel 2016 writes)."""
    name = "张三".encode("utf-16-le")
    path.write_bytes(bytes([len("张三")]) + name.ljust(53, b" ") + b"\x00" * 111)
    return path


@pytest.mark.parametrize(
    ("lock", "real", "maker", "named"),
    [
        ("~$企业.xlsx", "企业.xlsx", "Excel/WPS", "企业.xlsx」；"),
        ("~$企业.csv", "企业.csv", "Excel/WPS", "企业.csv」；"),
        ("~$企业表.xlsx", None, "Excel/WPS", "名为「企业表.xlsx」或与之相近的原文件"),
        (".~lock.企业.xlsx#", "企业.xlsx", "LibreOffice", "企业.xlsx」；"),
    ],
)  # fmt: skip
def test_an_office_lock_file_is_named_as_one(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    lock: str,
    real: str | None,
    maker: str,
    named: str,
) -> None:
    """The owner file of an open workbook, picked in the file dialog (it sorts beside the
    workbook): as an .xlsx it was 「不是有效的 .xlsx（不是 zip 压缩包）」 (damaged, ask the
    sender); as a CSV its bytes were read as a table. Now it says what it is and names the
    workbook it stands for; a workbook of that name is still read."""
    if real is not None:
        (tmp_path / real).write_text("统一社会信用代码,企业名称\n", encoding="utf-8")
    path = _owner_file(tmp_path / lock)
    for args in (
        ["inspect", path, "--kind", "enterprises"],
        ["screen", "-q", "-p", SAMPLE / "parcels.shp", "-e", path, "-o", tmp_path / "结果"],
    ):
        code, text = main_here(args, capsys)
        refused(code, text, lock, f"这是 {maker} 打开表格时生成的临时锁文件", named)
    assert not (tmp_path / "结果").exists()


def test_an_office_lock_file_given_as_a_filled_form_is_named_as_one(tmp_path: Path) -> None:
    """The reader of filled-in forms says the same (:func:`landgov.io._grid.lock_file_error`)."""
    from landgov.core.editable import read_editable
    from landgov.run.overrides import LAYOUT

    path = _owner_file(tmp_path / "~$人工认定.xlsx")
    with pytest.raises(DataFileError, match=r"临时锁文件.*名为「人工认定\.xlsx」"):
        read_editable(path, LAYOUT)


def test_a_real_table_named_like_a_lock_file_is_read(tmp_path: Path) -> None:
    """Only a file of a lock file's size is taken for one: a table someone named 「~$企业.csv」
    is read as the table it is."""
    from landgov.io.enterprises import read_enterprises

    path = tmp_path / "~$企业.csv"
    rows = "".join(f"91330602MA2BGHJK3A,甲公司{i},规上,100,{i + 10}\n" for i in range(200))
    head = "统一社会信用代码,企业名称,规上/规下,税收（万元）,用地面积（亩）\n"
    path.write_text(head + rows, "utf-8")
    read = read_enterprises(path)
    assert len(read.data) + len(read.rejected) == 200
    assert "临时锁文件" not in read.problems.to_string()


def test_a_wps_table_given_as_the_parcel_layer_is_called_a_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    et = _wps(tmp_path / "宗地.et")
    args = ["screen", "-q", "-p", et, "-e", SAMPLE / "enterprises.xlsx", "-o", tmp_path / "结果"]
    code, text = main_here(args, capsys)
    refused(code, text, "宗地.et", "这是表格文件，不是图层")


def test_a_filled_form_that_is_no_workbook_names_no_exception(
    tmp_path: Path, run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 人工认定表 e-mailed back as a web page: once 「无法作为 Excel 工作簿打开（BadZipFile）」;
    the same words as every other workbook now (:func:`landgov.io._grid.not_a_workbook`)."""
    form = tmp_path / "认定.xlsx"
    form.write_text("<html><body><table><tr><td>宗地代码</td></tr></table></body></html>", "utf-8")
    code, text = main_here(["override", run_dir, "-o", form], capsys)
    refused(code, text, str(form), "网页")


# --- outputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["verify", "{run}", "-o", "{run}"],
        ["verify", "{run}", "-o", "{run}/核实表"],
        ["export", "{run}", "-o", "{run}/shp"],
        ["override", "{run}", "-o", "{run}/人工认定.xlsx"],
        ["ledger", "init", "{run}", "-o", "{run}/治理台账.xlsx"],
        ["map", "{run}", "--out", "{run}/地图.html"],
        ["packet", "{run}", "--out", "{run}/材料.pdf"],
        ["compare", "{run}", "{run}", "-o", "{run}/动态评价"],
        ["template", "-o", "{run}/模板"],
        ["screen", "-q", "-p", "{parcels}", "-e", "{enterprises}", "-o", "{run}/2027"],
        ["far", "-q", "-p", "{parcels}", "-e", "{enterprises}", "-o", "{run}/增容"],
    ],
    ids=lambda args: "-".join(a for a in args[:2] if not a.startswith("{")),
)
def test_an_output_inside_a_run_folder_is_refused(
    run_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """``landgov verify 结果 -o 结果`` wrote 核实_*.xlsx into the run folder, ``export -o 结果``
    24 Shapefile parts: the folder no longer matched its manifest, and the next ``landgov
    screen -o 结果`` refused to replace it (「文件在上次运行后被修改或新增」). Now every command
    that writes refuses such a place before writing anything; the run folder stays as it was."""
    before = snapshot(run_dir)
    fill = {
        "run": run_dir,
        "parcels": SAMPLE / "parcels.shp",
        "enterprises": SAMPLE / "enterprises.xlsx",
    }
    code, text = main_here([a.format(**fill) for a in args], capsys)
    refused(code, text, f"landgov 结果目录「{run_dir}」", "处理：用 --out 指定结果目录之外")
    assert snapshot(run_dir) == before


@pytest.mark.parametrize(
    ("args", "fixed"),
    [
        (["override", "{run}", "-o", "人工认定.csv"], "人工认定.xlsx"),
        (["override", "{run}", "--far", "-o", "增容认定.xls"], "增容认定.xlsx"),
        (["ledger", "init", "{run}", "-o", "治理台账.et"], "治理台账.xlsx"),
    ],
)
def test_an_output_workbook_must_be_named_xlsx(
    run_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str], fixed: str
) -> None:
    """``override -o 人工认定.csv`` wrote an .xlsx under the name .csv: Excel warns that format
    and extension differ, and ``screen --overrides 人工认定.csv`` reads it as text. Refused now,
    with the right name."""
    code, text = main_here([a.format(run=run_dir) for a in args], capsys)
    refused(code, text, "不是 .xlsx 文件名", fixed)
    assert [p.name for p in run_dir.parent.iterdir()] == [run_dir.name]


def test_a_map_under_a_file_is_said_without_errno(
    run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--out 地图/x.html`` where 地图 is a file: once 「[Errno 17] File exists」."""
    blocker = run_dir.parent / "地图"
    blocker.write_text("", encoding="utf-8")
    code, text = main_here(["map", run_dir, "--out", blocker / "x.html"], capsys)
    refused(code, text, f"「{blocker}」已存在且是文件")


def test_a_map_of_a_folder_that_is_no_comparison_names_it(
    run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--compare`` given the run folder instead of compare's output: once GDAL's 「No such
    file or directory」."""
    code, text = main_here(["map", run_dir, "--compare", run_dir, "--theme", "change"], capsys)
    refused(code, text, "没有 changes.gpkg", "landgov compare")


def test_a_template_naming_a_missing_profile_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``template --profile 越城`` wrote a landgov.toml every later command failed on; now the
    profile is checked first and nothing is written."""
    monkeypatch.chdir(tmp_path)
    code, text = main_here(["template", "-o", tmp_path / "模板", "--profile", "越城"], capsys)
    refused(code, text, "越城", "找不到该策略配置", "yuecheng-2022")
    assert not (tmp_path / "模板").exists()


def test_an_output_folder_with_spaces_and_chinese_is_written(tmp_path: Path) -> None:
    """The path a clerk's desktop gives: spaces, Chinese, a full-width bracket."""
    out = tmp_path / "越城区 工业用地" / "2026年 筛查（第一批）"
    result = run_cli("template", "-o", out, "--county", "绍兴市越城区", cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (out / "landgov.toml").is_file()


# --- options ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [("2026-02-30", "日期不存在（2026 年 2 月 30 日）"), ("明年", "无法识别的日期")],
)
def test_a_bad_as_of_leaves_an_earlier_run_untouched(
    run_dir: Path, capsys: pytest.CaptureFixture[str], value: str, words: str
) -> None:
    before = snapshot(run_dir)
    args = ["screen", "-q", "-p", SAMPLE / "parcels.shp", "-e", SAMPLE / "enterprises.xlsx"]
    code, text = main_here([*args, "-o", run_dir, "--as-of", value], capsys)
    refused(code, text, "--as-of", repr(value), words, "如 2026-06-30")
    assert snapshot(run_dir) == before


def test_an_unknown_dbf_encoding_is_a_usage_problem(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--encoding GBK2312`` (a common mix-up) ended in 「landgov 内部出错（LookupError）」,
    exit 3, when the .dbf was decoded."""
    code, text = main_here(["inspect", SAMPLE / "parcels.shp", "--encoding", "GBK2312"], capsys)
    refused(code, text, "--encoding", "'GBK2312'", "不是可识别的编码名", "GBK、GB18030 或 UTF-8")


def test_a_code_page_number_is_taken_as_its_encoding(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """「936」 as ArcGIS writes it in a .cpg is GBK, here as there."""
    code, text = main_here(["inspect", SAMPLE / "parcels.shp", "--encoding", "936"], capsys)
    assert code == 0, text
    assert "编码：GBK" in text


def test_an_unknown_crs_is_said_without_proj_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = main_here(["inspect", SAMPLE / "parcels.shp", "--crs", "EPSG:99999"], capsys)
    refused(code, text, "--crs", "无法识别的坐标系", "EPSG:4549")
    assert "proj_create" not in text


# --- policy profiles -------------------------------------------------------------------------

_HEAD = '[profile]\nname = "本县"\nversion = "1"\ntitle = "本县测试"\nextends = "yuecheng-2022"\n'
_TAX = (
    "[screening]\n"
    'low_efficiency_tax_per_mu = {{ value = {v}, source = "000 二", comparison = "<=" }}\n'
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (_HEAD + _TAX.format(v='"五"'), ["low_efficiency_tax_per_mu", "'五'", "应为数值"]),
        (_HEAD + _TAX.format(v="-5.0"), ["超出允许范围", "-5.0", "取值应不小于 0.0"]),
        (_HEAD + _TAX.format(v="nan"), ["不是有限的数值", "nan"]),
        (_HEAD + _TAX.format(v="inf"), ["不是有限的数值", "inf"]),
        (
            _HEAD + _TAX.format(v="5.0").replace("tax_per_mu", "tax_pre_mu"),
            ["screening.low_efficiency_tax_pre_mu", "未知的配置键", "low_efficiency_tax_per_mu"],
        ),
        (_HEAD + "[screening]\nlow_efficiency_tax_per_mu = 五\n", ["第 7 行", "须加英文双引号"]),
        (_HEAD + _TAX.format(v="5.0").rstrip("}\n"), ["第 7 行", "花括号 { } 没有闭合"]),
        (_HEAD.replace('"yuecheng-2022"', "2022"), ["profile.extends", "应为策略配置名"]),
        (_HEAD.replace('"yuecheng-2022"', '"越城"'), ["profile.extends", "继承的策略配置找不到"]),
        ("profile = 5\n", ["「profile」", "应为一节"]),
    ],
    ids=["five", "negative", "nan", "inf", "unknown-key", "bare-chinese", "unclosed",
         "extends-number", "extends-missing", "profile-not-a-table"],
)  # fmt: skip
def test_a_bad_profile_is_said_with_its_key_and_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: list[str]
) -> None:
    """``--profile 本县.toml`` as a clerk edits it. NaN passed every range check (every
    comparison with NaN is false) and would have made 「亩均税收 ≤ nan」 false for every plot;
    ``extends = 2022`` and ``profile = 5`` were internal errors (TypeError), exit 3."""
    path = tmp_path / "本县.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "结果"
    args = ["screen", "-q", "-p", SAMPLE / "parcels.shp", "-e", SAMPLE / "enterprises.xlsx"]
    code, said = main_here([*args, "-o", out, "--profile", path], capsys)
    refused(code, said, "本县.toml", *words)
    assert not out.exists()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: Workbook().save(d / "本县.toml") or d / "本县.toml", "这是一个 Excel 工作簿"),
        (lambda d: (d / "配置").mkdir() or d / "配置", "其中没有 profile.toml"),
    ],
    ids=["workbook-as-toml", "folder-without-profile"],
)
def test_a_profile_that_is_no_profile_says_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make, words: str
) -> None:
    """An Excel file given as the profile was 「不是 UTF-8 编码的文本……可能是 GBK 编码」, a folder
    without profile.toml 「缺少元数据 version/title」: both sent the clerk the wrong way."""
    path = make(tmp_path)
    code, text = main_here(["profiles", "show", path], capsys)
    refused(code, text, str(path), words)


def test_extends_is_read_beside_the_profile_that_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``extends = "市级.toml"`` in 县级.toml: read from 县级.toml's folder, whatever the working
    folder (it was read from the working folder: 「找不到该策略配置」 from anywhere else)."""
    folder = tmp_path / "配置"
    folder.mkdir()
    city = _HEAD.replace('"本县"', '"本市"') + _TAX.format(v="4.0")
    (folder / "市级.toml").write_text(city, encoding="utf-8")
    county = _HEAD.replace('"yuecheng-2022"', '"市级.toml"')
    (folder / "县级.toml").write_text(county, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # not the profiles' folder
    profile = load_profile(str(folder / "县级.toml"))
    # the county sets nothing itself: 4.0 is the city's, over yuecheng-2022's 5.0
    assert profile.params["screening.low_efficiency_tax_per_mu"].value == 4.0
    with pytest.raises(ProfileError, match="继承的策略配置找不到"):
        (folder / "市级.toml").unlink()
        load_profile(str(folder / "县级.toml"))


# --- Ctrl+C ----------------------------------------------------------------------------------


def _interrupted_screen(out: Path, after: float) -> subprocess.CompletedProcess[str]:
    """``landgov screen`` of the sample into ``out``, sent SIGINT (Ctrl+C) ``after`` seconds."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    args = [
        "-p",
        SAMPLE / "parcels.shp",
        "-e",
        SAMPLE / "enterprises.xlsx",
        "-l",
        SAMPLE / "links.xlsx",
    ]
    with ctrl_c_answered():
        child = subprocess.Popen(
            [sys.executable, "-m", "landgov", "screen", "-q", *map(str, args), "-o", str(out),
             "--as-of", "2026-06-30"],
            cwd=out.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    time.sleep(after)
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=120)
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child needs POSIX signals")
@pytest.mark.parametrize("after", [0.3, 2.0])
def test_ctrl_c_leaves_the_earlier_run_as_it_was(run_dir: Path, after: float) -> None:
    """Ctrl+C while the command line is still importing (0.3 s: pandas, GDAL) printed
    KeyboardInterrupt's traceback through pyarrow's import; at 2 s the run is reading. Either
    way: 「已中止。」, exit 1, and the earlier run in the folder is unchanged, with nothing left
    beside it."""
    before = snapshot(run_dir)
    result = _interrupted_screen(run_dir, after)
    text = result.stdout + result.stderr
    if result.returncode == 0:  # the machine finished the run before the signal came
        pytest.skip("the run was done before Ctrl+C")
    assert result.returncode == 1, (result.returncode, text)
    assert "已中止。" in text and "Traceback" not in text and "KeyboardInterrupt" not in text, text
    assert snapshot(run_dir) == before
    assert sorted(p.name for p in run_dir.parent.iterdir()) == [run_dir.name]


def test_an_interrupted_first_run_leaves_no_folder(tmp_path: Path) -> None:
    out = tmp_path / "结果"
    result = _interrupted_screen(out, 2.5)
    if result.returncode == 0:
        pytest.skip("the run was done before Ctrl+C")
    text = result.stdout + result.stderr
    assert result.returncode == 1 and "已中止。" in text and "Traceback" not in text, text
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_missing_filled_form_says_what_to_do(tmp_path: Path) -> None:
    """``--overrides 认定.xlsx`` mistyped: 「…认定.xlsx 不存在」 said nothing more."""
    from landgov.core.editable import read_editable
    from landgov.run.overrides import LAYOUT

    with pytest.raises(DataFileError, match=r"「.*人工认定\.xlsx」不存在。处理：检查路径"):
        read_editable(tmp_path / "人工认定.xlsx", LAYOUT)


def test_a_form_under_a_file_is_said_without_errno(
    run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``override -o 认定/人工认定.xlsx`` where 认定 is a file: once 「写出「…」失败（[Errno 20]
    Not a directory: '….人工认定.xlsx.landgov-tmp-…'）」, the temporary name included."""
    blocker = run_dir.parent / "认定"
    blocker.write_text("", encoding="utf-8")
    code, text = main_here(["override", run_dir, "-o", blocker / "人工认定.xlsx"], capsys)
    refused(code, text, f"「{blocker}」已存在且是文件")
    assert "landgov-tmp" not in text


@pytest.mark.parametrize("static", [False, True], ids=["html", "png"])
def test_a_map_that_cannot_be_finished_leaves_the_earlier_one(
    run_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    static: bool,
) -> None:
    """The map was written in place: a full disk (or Ctrl+C) in the middle left half a page
    where last week's map was. Now it is written beside and renamed when complete."""
    import errno

    import landgov.core.atomic

    old = run_dir.parent / ("地图.png" if static else "地图.html")
    old.write_text("上周的地图", encoding="utf-8")

    def full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(src))

    monkeypatch.setattr(landgov.core.atomic.os, "replace", full)
    args = ["map", run_dir, "--out", old, *(["--static", "png"] if static else [])]
    code, text = main_here(args, capsys)
    refused(code, text, "磁盘空间不足")
    assert old.read_text(encoding="utf-8") == "上周的地图"
    assert sorted(p.name for p in run_dir.parent.iterdir()) == sorted([run_dir.name, old.name])


def test_verify_again_keeps_the_answers_departments_filled_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``landgov verify RUN -o 核实`` a second time (after the departments sent the files back
    into 核实) wrote every 核实_<镇街>.xlsx again, empty: the answers were gone without a word.
    Now a workbook holding answers is refused, named, and left as it was; one without answers
    is still refreshed."""
    from openpyxl import load_workbook

    monkeypatch.chdir(tmp_path)
    item = "综合能耗（吨标准煤）〔统计局；甲公司，91330602MA2BGHJK3A〕"
    plots = [{"parcel_id": "330602001002GB00001", "screening_status": "待核实", "to_verify": item}]
    run = fake_run(tmp_path / "结果", plots, as_of="2026-06-30")
    out = tmp_path / "核实"
    assert main_here(["verify", run, "-o", out], capsys)[0] == 0
    assert main_here(["verify", run, "-o", out], capsys)[0] == 0  # nothing filled: refreshed
    (book,) = out.glob("核实_*.xlsx")
    wb = load_workbook(book)
    ws = wb.worksheets[0]
    column = [c.value for c in ws[1]].index("答复（填写）") + 1
    ws.cell(row=2, column=column, value="1200")
    wb.save(book)
    before = snapshot(out)
    code, text = main_here(["verify", run, "-o", out], capsys)
    refused(code, text, book.name, "已填写 1 条答复", "landgov screen --verified")
    assert snapshot(out) == before


def test_a_run_folder_with_a_damaged_manifest_is_still_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A manifest.json cut short is still a run folder's: nothing is written into it."""
    monkeypatch.chdir(tmp_path)
    run = tmp_path / "结果"
    run.mkdir()
    (run / "manifest.json").write_text('{"landgov_version": "0.1', encoding="utf-8")
    code, text = main_here(["template", "-o", run / "模板"], capsys)
    refused(code, text, f"landgov 结果目录「{run}」")
    assert [p.name for p in run.iterdir()] == ["manifest.json"]
