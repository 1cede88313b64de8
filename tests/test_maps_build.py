"""The map page as a document: offline, escaped, redacted, defensive about missing layers."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from _mapfixtures import INJECTIONS, RunFacts, write_run

from landgov.errors import DataFileError, InputError, SchemaError
from landgov.maps import MapStyle, build_map, load_run
from landgov.maps._encode import decode_column, json_for_script

URL_ATTR = re.compile(r"""\b(?:src|href)\s*=\s*["']?(?!data:|#)([^"'\s>]+)""", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*[\"']?(?!data:)([^\"')]+)")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunFacts:
    return write_run(tmp_path_factory.mktemp("run") / "yuecheng")


def _blocks(page: str) -> dict[str, str]:
    return dict(
        re.findall(r'<script type="application/[^"]+" id="([^"]+)">(.*?)</script>', page, re.S)
    )


def _csp(page: str) -> str:
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    return html.unescape(meta)


def _markup_and_css(page: str) -> tuple[str, str]:
    styles = "".join(re.findall(r"<style>(.*?)</style>", page, re.S))
    markup = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", page, flags=re.S)
    return markup, styles


def _money_strings(values: tuple[float, ...]) -> set[str]:
    return {f"{v:.2f}" for v in values} | {repr(round(v, 2)) for v in values}


def _config(page: str) -> dict:
    return json.loads(_blocks(page)["lg-config"])


def test_page_references_nothing_outside_itself(run: RunFacts) -> None:
    page = build_map(run.path).html
    markup, css = _markup_and_css(page)
    assert not URL_ATTR.findall(markup)  # no <script src>, <link href>, <img src> anywhere
    assert "<link" not in markup
    assert not CSS_URL.findall(css)  # every stylesheet url() is a data: URI
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "bootstrapcdn", "code.jquery", "googleapis"):
        assert cdn not in page
    csp = _csp(page)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "img-src data:;" in csp  # no tile host allowed with --basemap none
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_every_inline_script_is_allowed_by_hash(run: RunFacts) -> None:
    import base64
    import hashlib

    page = build_map(run.path).html
    csp = _csp(page)
    allowed = set(re.findall(r"'sha256-([^']+)'", csp))
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert digest in allowed


def test_injection_names_never_appear_as_markup(run: RunFacts) -> None:
    page = build_map(run.path, title="</title><script>alert(1)</script>").html
    for bad in (*INJECTIONS, "</title><script>alert(1)</script>"):
        assert bad not in page
    assert "&lt;/title&gt;&lt;script&gt;" in page  # the title is escaped in <title>
    attrs = json.loads(_blocks(page)["lg-attrs-parcels"])
    values = decode_column(attrs["cols"]["enterprise_detail"])
    assert any(INJECTIONS[0] in v for v in values if v)  # kept as data, shown as text


def test_layers_legends_and_panel(run: RunFacts) -> None:
    result = build_map(run.path)
    cfg = _config(result.html)
    assert result.themes == ("tax", "grade", "path", "far")
    assert cfg["parcels"]["geom"]["n"] == run.n_parcels == result.n_parcels
    parcels = gpd.read_file(run.path / "landgov.gpkg", layer="parcels")
    for theme in cfg["parcels"]["themes"]:
        assert sum(item["count"] for item in theme["legend"]) == run.n_parcels
    path_legend = {i["label"]: i["count"] for i in cfg["parcels"]["themes"][2]["legend"]}
    for p, n in parcels["path"].value_counts().items():
        assert path_legend[p] == n
    assert cfg["blocks"] is not None and cfg["townships"] is not None
    assert {lb["text"] for lb in cfg["townships"]["labels"]} == set(parcels["township"])
    rows = {r["label"]: r["value"] for r in cfg["panel"]["rows"]}
    assert rows["宗地"].startswith(f"{run.n_parcels} 宗")
    assert "目标 41.6" in rows["规上亩均税收（万元/亩）"]
    assert "12,000" in rows["盘活目标（亩）"]
    assert cfg["subtitle"] == "数据日期 2024-12-31 · 政策口径 配置 yuecheng-2022 v2022.1"


def test_redacted_map_holds_no_names_codes_or_money(run: RunFacts) -> None:
    page = build_map(run.path, redact=True).html
    cfg = _config(page)
    assert "脱敏" in cfg["title"] and cfg["redactionNote"]
    for secret in (*run.names, *run.holders, *run.usccs):
        assert secret not in page, secret
    money = _money_strings(run.money) - _money_strings(run.other_numbers)
    plain = set(re.findall(r"\d+\.\d+", build_map(run.path).html))
    assert len(money & plain) > len(run.money) / 2  # the check below can fail
    assert not money & set(re.findall(r"\d+\.\d+", page))
    # the only figure before 万元 left is the public threshold quoted in the reasons (besides
    # the policy documents' own words, shown as the tooltip of a cited reason)
    assert cfg["clauses"]
    words = page
    for quote in cfg["clauses"].values():
        words = words.replace(json_for_script(quote)[1:-1], "")
    assert set(re.findall(r"(\d[\d.,]*)\s*万元", words)) == {"5"}
    assert "亩均税收 ■ 万元/亩，低于 5 万元/亩" in page
    assert [t["key"] for t in cfg["parcels"]["themes"]] == ["grade", "path", "far"]
    attrs = json.loads(_blocks(page)["lg-attrs-parcels"])["cols"]
    assert {"grade", "path", "area_mu", "reasons"} <= set(attrs)
    private = {"holder", "enterprise_names", "enterprise_detail", "usccs", "tax_wan", "tax_per_mu"}
    assert not private & set(attrs)


def test_redacted_map_holds_no_parcel_codes(run: RunFacts) -> None:
    """A 宗地代码 identifies the land right: popups, search and 连片 lists show 「地块 0001」."""
    data = load_run(run.path)
    codes = sorted(data.parcels["parcel_id"].astype(str))
    plain, page = build_map(run.path).html, build_map(run.path, redact=True).html
    assert sum(code in plain for code in codes) == len(codes)  # the check below can fail
    assert not [code for code in codes if code in page]
    cfg = _config(page)
    assert cfg["parcels"]["searchHint"].startswith("搜索地块序号")

    def shown(config: dict) -> dict[str, str]:
        return {f["k"]: f["l"] for _, fields in config["parcels"]["sections"] for f in fields}

    assert shown(cfg)["parcel_id"] == "地块序号（脱敏）"  # not called a 宗地代码
    assert shown(_config(plain))["parcel_id"] == "宗地代码"
    assert "宗地代码（以「地块 0001」式序号代替）" in cfg["redactionNote"]
    ids = json.loads(_blocks(page)["lg-attrs-parcels"])["cols"]["parcel_id"]
    labels = ids["v"] if isinstance(ids, dict) and "v" in ids else ids
    text = json.dumps(labels, ensure_ascii=False)
    found = re.findall(r"地块 \d{4}", text)
    assert len(set(found)) == run.n_parcels  # one label per plot, none shared
    # numbered by 镇街 in 行政区划代码 order (the 地籍区 of the 宗地代码), then code: the first
    # label is the smallest 宗地代码 of a plot with a 镇街 (hand-made from the layer itself)
    placed = data.parcels[data.parcels["township"].notna()]
    first = min(placed["parcel_id"].astype(str))
    from landgov.maps._redact import plot_labels

    assert plot_labels(data.parcels)[first] == "地块 0001"
    blocks = json.loads(_blocks(page)["lg-attrs-blocks"])["cols"]
    assert "地块 " in json.dumps(blocks, ensure_ascii=False)


def test_redaction_relabels_codes_in_every_layer_alike() -> None:
    from landgov.maps._redact import plot_labels, redact_frame

    parcels = pd.DataFrame(
        {"parcel_id": ["P-2", "P-1", "Q-1"], "township": ["甲镇", "甲镇", "乙镇"]}
    )
    labels = plot_labels(parcels)
    # 镇街 in the shared order (core.townnames.township_order): no township code in these
    # codes, so where each first appears by code — 甲镇 at P-1, 乙镇 at Q-1 — not 乙 < 甲
    assert labels == {"P-1": "地块 0001", "P-2": "地块 0002", "Q-1": "地块 0003"}
    blocks = pd.DataFrame(
        {"parcel_ids": ["P-1；P-2", "P-1; X-9"], "note": ["含 P-2 等 2 宗", "与 P-22 不同"]}
    )
    out = redact_frame(blocks, (), labels)
    assert list(out["parcel_ids"]) == ["地块 0001；地块 0002", "地块 0001; （已隐去）"]
    assert list(out["note"]) == ["含 地块 0002 等 2 宗", "与 P-22 不同"]  # whole codes only
    far = redact_frame(pd.DataFrame({"parcel_id": ["P-1", "Z-0", None]}), (), labels)
    assert list(far["parcel_id"][:2]) == ["地块 0001", "（已隐去）"]
    assert pd.isna(far["parcel_id"][2])
    assert list(redact_frame(blocks, ())["parcel_ids"]) == list(blocks["parcel_ids"])


def test_redaction_keeps_policy_and_aggregates(run: RunFacts) -> None:
    """The other side: thresholds, targets and township/district 亩均税收 stay."""
    plain, page = build_map(run.path), build_map(run.path, redact=True)
    cfg = _config(page.html)
    rows = {r["label"]: r["value"] for r in cfg["panel"]["rows"]}
    assert rows == {r["label"]: r["value"] for r in _config(plain.html)["panel"]["rows"]}
    assert rows["规上亩均税收（万元/亩）"].startswith("21.37 / 目标 41.6")
    towns = json.loads(_blocks(page.html)["lg-attrs-townships"])["cols"]
    assert {"tax_per_mu_above_scale", "target_tax_per_mu"} <= set(towns)
    assert "yuecheng" not in cfg["title"]  # the folder's name is not the map's title


def test_missing_optional_layers_are_noted_not_fatal(tmp_path: Path) -> None:
    facts = write_run(tmp_path / "bare", optional_layers=False, manifest=False)
    result = build_map(facts.path)
    cfg = _config(result.html)
    assert result.themes == ("tax", "grade", "path")  # no far layer, no 增容 theme
    assert cfg["blocks"] is None
    notes = " ".join(result.notes)
    assert "连片地块" in notes and "增容" in notes and "manifest.json" in notes
    assert "外包络" in notes  # township outlines are only sketched from parcels
    assert cfg["parcels"]["defaultTheme"] == "path"
    assert build_map(facts.path, theme="far").themes == result.themes  # falls back


def test_large_run_degrades_to_townships(run: RunFacts) -> None:
    result = build_map(run.path, style=MapStyle(max_parcels=10))
    cfg = _config(result.html)
    assert result.aggregated and cfg["parcels"] is None
    assert "超过单幅交互地图的上限" in cfg["message"]
    attrs = json.loads(_blocks(result.html)["lg-attrs-townships"])["cols"]
    assert sum(attrs["n_parcels"]["v"]) == run.n_parcels


def test_gaode_page_allows_only_its_tile_host(run: RunFacts) -> None:
    page = build_map(run.path, basemap="gaode").html
    csp = _csp(page)
    assert "img-src data: https://*.is.autonavi.com;" in csp
    plain = _config(build_map(run.path).html)["bounds"]
    shifted = _config(page)["bounds"]
    assert 0.003 < shifted[0][1] - plain[0][1] < 0.006  # ~0.0045° east in Zhejiang


def test_inputs_are_not_mutated(run: RunFacts) -> None:
    data = load_run(run.path)
    before = data.parcels.copy()
    build_map(data, redact=True)
    pd.testing.assert_frame_equal(data.parcels, before)


def test_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"landgov\.gpkg"):
        load_run(tmp_path)
    gpd.GeoDataFrame({"a": [1]}, geometry=gpd.points_from_xy([0], [0]), crs=4549).to_file(
        tmp_path / "landgov.gpkg", layer="other"
    )
    with pytest.raises(SchemaError, match="parcels"):
        load_run(tmp_path)
    with pytest.raises(InputError, match="未知专题"):
        build_map(tmp_path, theme="heat")


def test_popup_fields_marked_private_are_the_ones_redaction_drops() -> None:
    from landgov.maps._popup import BLOCK_SECTIONS, PARCEL_SECTIONS
    from landgov.maps._redact import redact_frame

    fields = [f for _, group in (*PARCEL_SECTIONS, *BLOCK_SECTIONS) for f in group]
    frame = pd.DataFrame({f.key: ["x"] for f in fields})
    kept = set(redact_frame(frame, ()).columns)
    for f in fields:
        assert (f.key in kept) == (not (f.money or f.sensitive)), f.key


def test_pipeline_column_variants_are_understood(run: RunFacts) -> None:
    """The 增容 stage writes cond1…cond8/scope/zengrong_reason; block ids may be text."""
    data = load_run(run.path)
    far = data.far.rename(
        columns={**{f"cond_{i}": f"cond{i}" for i in range(1, 9)}, "cond_scope": "scope"}
    ).rename(columns={"zengrong_reasons": "zengrong_reason"})
    parcels = data.parcels.drop(columns="far").assign(
        block_id="B0001", low_efficiency=data.parcels["low_efficiency"].astype(float)
    )
    variant = dataclasses.replace(data, far=far, parcels=parcels)
    cols = json.loads(_blocks(build_map(variant).html)["lg-attrs-parcels"])["cols"]
    assert {"cond_1", "cond_8", "cond_scope", "zengrong_reasons", "far"} <= set(cols)
    assert cols["block_id"]["d"] == ["B0001"]
    assert set(cols["low_efficiency"]["d"]) == {"是", "否"}
    assert not [n for n in load_run(run.path).notes if "far" in n]


def test_panel_number_zero_is_shown() -> None:
    """A zero with no decimals used to lose every digit ("可增建筑面积  m²")."""
    from landgov.maps._summary import _panel_number

    assert _panel_number(0.0, digits=0) == "0"
    assert _panel_number(1234.0, digits=0) == "1,234"
    assert _panel_number(2.5, digits=2) == "2.5"


def test_tax_classes_break_at_the_profiles_values(run: RunFacts) -> None:
    """yuecheng-2022: 低效线 5, 2021 年全区规上水平 20.8, 2026 年全区目标 41.6 — not quantiles."""
    cfg = _config(build_map(run.path, theme="tax").html)
    tax = next(t for t in cfg["parcels"]["themes"] if t["key"] == "tax")
    labels = [i["label"] for i in tax["legend"]]
    assert labels[0] == "≤ 5（低效线及以下）"
    assert "5 – 20.8（至 2021 年全区规上水平）" in labels
    assert any(lab.startswith("> 41.6（高于 2026 年全区目标") for lab in labels)


def test_plot_outside_zengrong_scope_shows_no_headroom(run: RunFacts) -> None:
    data = load_run(run.path)
    far = data.far.copy()
    offered = far["headroom_m2"].notna()
    far.loc[offered.idxmax(), "cond_scope"] = "不符合"
    pid = far.loc[offered.idxmax(), "parcel_id"]
    page = build_map(dataclasses.replace(data, far=far)).html
    attrs = json.loads(_blocks(page)["lg-attrs-parcels"])["cols"]
    ids = attrs["parcel_id"]
    index = (ids["v"] if "v" in ids else [ids["d"][c] for c in ids["c"]]).index(pid)
    room = attrs["headroom_m2"]
    assert room["v"][index] is None
    assert sum(v is not None for v in room["v"]) == int(offered.sum()) - 1


def test_title_keeps_simulated_and_never_the_folder(run: RunFacts, tmp_path: Path) -> None:
    from landgov.maps._title import map_title

    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "README.md").write_text("# landgov 示例数据（模拟数据）\n", encoding="utf-8")
    manifest = {"stages": {"screen": {"inputs": {"parcels": {"path": str(sample / "p.shp")}}}}}
    assert map_title(None, manifest, redact=True) == "工业用地治理简报图（模拟数据）（脱敏版）"
    assert map_title("越城区简报", manifest, redact=False) == "越城区简报（模拟数据）"
    assert map_title("越城区（模拟数据）", manifest, redact=False) == "越城区（模拟数据）"
    assert map_title(None, {}, redact=False) == "工业用地治理简报图"


def test_redaction_masks_figures_not_thresholds() -> None:
    from landgov.maps._redact import redact_aggregate, scrub_text

    text = (
        "亩均税收 3.21 万元/亩，≤ 5 万元/亩（以下，含本数）；税收 120 万元，低于目标 41.6 万元/亩"
    )
    assert scrub_text(text, ()) == (
        "亩均税收 ■ 万元/亩，≤ 5 万元/亩（以下，含本数）；税收 ■ 万元，低于目标 41.6 万元/亩"
    )
    towns = pd.DataFrame(
        {
            "township": ["甲街道", "乙街道"],
            "n_above_scale": [12, 2],
            "tax_per_mu_above_scale": [21.5, 33.0],
            "holder": ["x", "y"],
        }
    )
    out = redact_aggregate(towns, ())
    assert "holder" not in out
    kept = out["tax_per_mu_above_scale"]
    assert kept[0] == 21.5 and pd.isna(kept[1])  # 2 enterprises: a total would show one


def test_target_lines_say_what_they_measure() -> None:
    from landgov.maps._summary import manifest_rows

    rows = manifest_rows(
        {
            "governance_area_mu": {"current": 25354.6, "target": 12000.0},
            "revitalized_area_mu": {"current": 3000.0, "target": 12000.0},
            "target_year": 2026.0,
        },
        redact=True,
    )
    text = {r.label: r.value for r in rows}
    listed = text["列入治理清单面积（亩）"]
    assert listed.startswith("25,354.6 / 盘活目标 12,000") and "完成 " not in listed
    assert "不计完成率" in listed  # being listed is not 盘活
    assert text["已盘活面积（亩）"] == "3,000 / 盘活目标 12,000（完成 25%）"  # from a ledger
    assert text["目标年份"] == "2026 年"


def test_district_panel_counts_blocks_of_unknown_area_apart() -> None:
    # A block of unknown area has 百亩以上 <NA> (a nullable column; NULL or NaN read back from
    # the GeoPackage): neither counted as 百亩以上 (NaN read as True) nor a crash.
    import numpy as np
    import pandas as pd

    from landgov.maps._summary import district_rows

    for large in (
        pd.array([True, pd.NA, False], dtype="boolean"),
        np.array([1.0, np.nan, 0.0]),
    ):
        blocks = pd.DataFrame({"large": large})
        rows = district_rows(pd.DataFrame({"path": []}), blocks=blocks, far=None)
        text = {r.label: r.value for r in rows}["连片地块"]
        assert text == "3 片，其中百亩以上 1 片，面积待核实 1 片", text
