"""County files as they really come: short 镇街 names on the command line, formulas in the
台账 and the 认定 workbooks, and the odd files of a county's own folders.

Each case builds its input in ``tmp_path`` (or on a copy of a small generated sample); every
row read is kept, flagged or rejected with a reason, and every failure is one 「错误：」 line
(exit 2), never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from landgov.core.townnames import resolve_township
from landgov.errors import InputError
from landgov.run.far import run_far
from landgov.run.files import RunInputs
from landgov.sample import generate
from tests._cli import assert_clean_error, run_cli


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    generate(folder, n_parcels=150, seed=11)
    return folder


def _far_args(sample: Path) -> list[str | Path]:
    return [
        "far", "-p", sample / "parcels.shp", "-e", sample / "enterprises.xlsx",
        "-l", sample / "links.xlsx", "-a", sample / "applications.xlsx",
        "--as-of", "2026-06-30", "-q",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def far_run(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    inputs = RunInputs(
        parcels=sample / "parcels.shp", enterprises=sample / "enterprises.xlsx",
        links=sample / "links.xlsx", applications=sample / "applications.xlsx",
    )  # fmt: skip
    out = tmp_path_factory.mktemp("far") / "run"
    return out, run_far(inputs, profile="yuecheng-2022", as_of="2026-06-30", out_dir=out,
                        forms="none")  # fmt: skip


# ----------------------------------------------------------------------------------------------
# --township 斗门: the county's one full name with that short form


def test_township_option_short_name_takes_the_one_full_name(sample, far_run, tmp_path):
    _, run = far_run
    towns = run.screened.loc[run.screened["zengrong"].isin(["可申报", "待核实"]), "township"]
    full = towns.value_counts().index[0]  # e.g. 斗门街道, with candidates
    short = full.removesuffix("街道").removesuffix("镇")
    out = tmp_path / "out"
    result = run_cli(*_far_args(sample), "--forms", "candidates", "--township", short, "-o", out)
    assert result.returncode == 0, result.stdout + result.stderr
    forms = list((out / "初审表" / "摸排候选").rglob("*.docx"))
    assert len(forms) == int((towns == full).sum()) > 0
    assert {f.parent.name for f in forms} == {full}


def test_township_option_naming_nothing_is_an_error_not_zero_forms(sample, tmp_path):
    out = tmp_path / "out"
    result = run_cli(*_far_args(sample), "--forms", "candidates", "--township", "西湖", "-o", out)
    text = assert_clean_error(result, contains="没有镇街「西湖」")
    assert "斗门街道" in text and "--township" in text
    assert not out.exists()


def test_township_rule_short_long_and_ambiguous() -> None:
    names = ["斗门街道", "马山", "孙端镇", "陶堰镇", "陶堰街道"]
    assert resolve_township("斗门", names) == "斗门街道"
    assert resolve_township("斗门街道", names) == "斗门街道"
    assert resolve_township("马山镇", names) == "马山"  # the files wrote it short only
    assert resolve_township(" 孙端镇 ", names) == "孙端镇"
    with pytest.raises(InputError, match="可能是「陶堰街道」、「陶堰镇」中的任一个"):
        resolve_township("陶堰", names)
    with pytest.raises(InputError, match="没有镇街「斗门镇」"):
        resolve_township("斗门镇", names)  # another full name is another township
