"""One set of numbers (issue 14 item 2): map, workbook, manifest and CLI summary agree.

A small simulated sample (300 plots, with 增容 applications) is screened and checked through
the command line, as a user runs it; then every count the four outputs show is compared,
each with its unit: plots in 宗, enterprises in 家, applications in 件.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from landgov.cli import cli
from landgov.core.counts import (
    APPLICATION,
    ENTERPRISE,
    NOT_GIVEN,
    PLOT,
    application_counts,
    candidate_counts,
    count_text,
    grade_counts,
    path_counts,
    screening_counts,
    zengrong_counts,
)
from landgov.maps import build_map, load_run
from landgov.sample.generate import generate


@dataclass(frozen=True)
class Run:
    path: Path
    screen_output: str
    far_output: str
    manifest: dict[str, Any]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    base = tmp_path_factory.mktemp("numbers")
    sample = base / "sample"
    generate(sample, n_parcels=300)
    out = base / "run"
    common = ["-p", sample / "parcels.shp", "-e", sample / "enterprises.xlsx"]
    common += ["-l", sample / "links.xlsx", "-c", sample / "compliance.xlsx"]
    common += ["-g", sample / "planning.shp", "-d", sample / "demolition.shp"]
    dated = ["--profile", "yuecheng-2022", "--as-of", "2026-06-30", "-o", out, "-q"]
    screen = ["screen", *common, "-t", sample / "townships.shp", *dated]
    far = ["far", *common, "-a", sample / "applications.xlsx", *dated]
    outputs = []
    for args in (screen, far):
        result = CliRunner().invoke(cli, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return Run(out, outputs[0], outputs[1], manifest)


def _panel(page: str) -> dict[str, str]:
    start = page.index('id="lg-config">') + len('id="lg-config">')
    cfg = json.loads(page[start : page.index("</script>", start)])
    return cfg, {r["label"]: r["value"] for r in cfg["panel"]["rows"]}


def _sheet(path: Path, name: str) -> pd.DataFrame:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[name].iter_rows(values_only=True))
    wb.close()
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_screening_counts_agree_everywhere(run: Run) -> None:
    counts = run.manifest["stages"]["screen"]["counts"]
    data = load_run(run.path)
    # the manifest holds what the one counting module gives on the written layers
    assert counts["screening_status"] == screening_counts(data.parcels)
    assert counts["path"] == path_counts(data.parcels)
    assert counts["grade"] == grade_counts(data.enterprises)
    assert counts["units"] == {"screening_status": PLOT, "path": PLOT, "grade": ENTERPRISE}
    status, paths, grades = counts["screening_status"], counts["path"], counts["grade"]
    assert sum(status.values()) == len(data.parcels) and NOT_GIVEN not in status
    # the CLI summary says the same, with units
    assert f"筛查结论：{count_text(status, PLOT)}" in run.screen_output
    assert f"四个一批：{count_text(paths, PLOT)}" in run.screen_output
    assert f"企业评价等级：{count_text(grades, ENTERPRISE)}" in run.screen_output
    # the map panel
    _, rows = _panel(build_map(data).html)
    assert rows["治理清单"].startswith(f"{status['治理']:,} 宗，")
    for p, n in paths.items():
        if n:
            assert rows[p].startswith(f"{n:,} 宗，"), p
    assert rows["评价等级（企业，家）"] == count_text(grades, ENTERPRISE)
    # the workbook: the lists, the enterprise grades and the 全区 row of the summary
    xlsx = run.path / "landgov.xlsx"
    assert len(_sheet(xlsx, "治理清单")) == status["治理"]
    listed = Counter(_sheet(xlsx, "治理清单")["四个一批路径"].fillna("路径待核实"))
    assert {p: listed.get(p, 0) for p in paths} == paths
    graded = _sheet(xlsx, "企业评价")["评价等级"].value_counts()
    assert {g: int(graded.get(g, 0)) for g in "ABCD"} == {g: grades[g] for g in "ABCD"}
    district = _sheet(xlsx, "镇街汇总").set_index("镇街").loc["全区"]
    assert {g: int(district[f"{g}类企业数"]) for g in "ABCD"} == {g: grades[g] for g in "ABCD"}
    assert int(district["治理清单宗地数"]) == status["治理"]


def test_zengrong_counts_agree_everywhere(run: Run) -> None:
    counts = run.manifest["stages"]["far"]["counts"]
    data = load_run(run.path)
    assert data.applications is not None and len(data.applications)
    verdicts, apps = counts["screening"], counts["applications"]
    assert verdicts == zengrong_counts(data.far)
    assert apps == application_counts(data.applications)
    cand = candidate_counts(data.far, data.applications)
    assert (counts["candidates"], counts["candidates_applied"]) == (cand.total, cand.applied)
    assert counts["units"]["applications"] == APPLICATION
    # CLI
    assert f"宗地摸排：{count_text(verdicts, PLOT)}" in run.far_output
    assert f"候选 {cand.total:,} 宗" in run.far_output
    assert f"申请：{count_text(apps, APPLICATION)}" in run.far_output
    # map: panel rows and the applications layer with its verdicts
    cfg, rows = _panel(build_map(data).html)
    assert rows["增容摸排（宗地）"] == count_text(verdicts, PLOT)
    assert rows["增容候选（不含不可申报）"].startswith(f"{cand.total:,} 宗")
    assert rows["增容申请（件）"] == count_text(apps, APPLICATION)
    layer = {
        c["label"].removeprefix("增容申请·"): c["count"] for c in cfg["applications"]["classes"]
    }
    assert {k: layer[k] for k in apps} == apps
    # workbook: the 增容审查 sheet lists every application and the candidates without one
    packet = _sheet(run.path / "landgov.xlsx", "增容审查")["来源"].value_counts()
    assert int(packet["申请审查"]) == sum(apps.values())
    assert int(packet.get("摸排候选", 0)) == cand.in_packet == cand.total - cand.applied


def test_township_popup_counts_enterprises_in_jia(run: Run) -> None:
    cfg, _ = _panel(build_map(run.path).html)
    fields = {f["k"]: f for _, group in cfg["townships"]["sections"] for f in group}
    assert {fields[f"n_grade_{g}"]["u"] for g in "ABCD"} == {ENTERPRISE}
    assert fields["n_rectify"]["u"] == PLOT
    assert "renewal_share" not in fields  # no 治理清单-over-盘活 share shown as progress
