"""Province folders in tests: a small generated province, copied, its ``province.json`` read and
written; the command-line run of one and what its outputs must account for."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd

from landgov.province import generate_province
from tests._cli import run_cli

#: the bad-input provinces' counties: 越城 and 嵊州 (绍兴, zone 40) map to their own profiles;
#: 嵊泗 (舟山, zone 41) is not in the province profile's mapping → zhejiang-2023
CODES = ["330602", "330683", "330922"]
PROFILES = {"330602": "yuecheng-2022", "330683": "shengzhou-2022", "330922": "zhejiang-2023"}
AS_OF = "2026-06-30"


def small_province(root: Path, codes: list[str] = CODES) -> Path:
    """A generated province of 300 parcels over ``codes`` (seed 11) in ``root``."""
    generate_province(root, n_parcels=300, counties=codes, seed=11)
    return root


def copy_province(province: Path, dest: Path) -> Path:
    """A copy of the province folder ``province`` at ``dest`` (to edit without touching it)."""
    shutil.copytree(province, dest)
    return dest


def index_json(folder: Path) -> dict:
    """The folder's ``province.json``."""
    return json.loads((folder / "province.json").read_text(encoding="utf-8"))


def write_index(folder: Path, index: object) -> None:
    """Write ``index`` as the folder's ``province.json``."""
    (folder / "province.json").write_text(json.dumps(index, ensure_ascii=False), "utf-8")


def screen_province(folder: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("screen", folder, "-o", out, "--as-of", AS_OF)


def run_manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text("utf-8"))["province"]


def province_sheet(out: Path, name: str) -> pd.DataFrame:
    return pd.read_excel(
        out / "province.xlsx", sheet_name=name, dtype={"县级代码": str, "地市代码": str}
    )


def assert_accounted(out: Path, man: dict) -> None:
    """rows in = rows out + rejected for every finished county and in total (manifest, 县区汇总,
    地市汇总 全省, 说明 and the province layer)."""
    layer = pd.read_parquet(out / "province.parquet", columns=["county_code", "profile"])
    done = [c for c in man["counties"] if c["ok"]]
    for c in done:
        assert c["rows_in"] == c["rows_out"] + c["rows_rejected"] == 100, c
        assert c["balanced"] and c["rows_written"] == c["rows_out"]
        mine = layer[layer["county_code"] == c["code"]]
        assert len(mine) == c["rows_out"]
        assert set(mine["profile"]) == ({PROFILES[c["code"]]} if len(mine) else set())
        assert c["profile"] == PROFILES[c["code"]]
    rows = man["rows"]
    assert rows["in"] == sum(c["rows_in"] for c in done) == rows["out"] + rows["rejected"]
    assert rows["province_layer"] == len(layer) == rows["out"] and rows["balanced"]
    counties = province_sheet(out, "县区汇总").set_index("县级代码")
    for c in done:
        got = counties.loc[c["code"], ["宗地输入行数", "宗地输出行数", "宗地剔除行数"]].tolist()
        assert got == [c["rows_in"], c["rows_out"], c["rows_rejected"]]
        assert counties.loc[c["code"], "评判配置"] == PROFILES[c["code"]]
    whole = province_sheet(out, "地市汇总").set_index("地级市").loc["全省"]
    assert [whole["宗地输入行数"], whole["宗地输出行数"], whole["宗地剔除行数"]] == [
        rows["in"],
        rows["out"],
        rows["rejected"],
    ]
    about = province_sheet(out, "说明").set_index("项目")["内容"]
    line = f"宗地输入 {rows['in']} 行 = 输出 {rows['out']} 行 + 剔除 {rows['rejected']} 行（相符）"
    assert about["行数核对"] == line


def assert_failed(out: Path, text: str, expected: dict[str, tuple[str, str]]) -> dict:
    """The failed counties (code → (file, Chinese reason)) in the error, the manifest and the
    处理失败 sheet, each with the county file's full path (every county has a parcels file)."""
    man = run_manifest(out)
    failed = {f["code"]: f for f in man["failed"]}
    assert set(failed) == set(expected), failed
    sheet = province_sheet(out, "处理失败").set_index("县级代码")
    for code, (path, reason) in expected.items():
        assert failed[code]["file"] == str(path), failed[code]
        assert reason in failed[code]["error"], failed[code]
        assert sheet.loc[code, "文件"] == str(path) and reason in sheet.loc[code, "错误"]
        assert code in text and reason in " ".join(text.split())
        assert not (out / "counties" / Path(path).parent.name).exists()
    assert man["rows"]["counties_failed"] == len(expected)
    return man
